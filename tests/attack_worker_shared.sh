#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: a served site's own sds__sync_run never reaches another site the same worker serves (one account per site; one shared account is refused)
# Threat model: each site's user has ALL on its own database only. The
# server serves two sites, `site` and `site2`. The user of `site` replaces
# its sds__sync_run by code that reads site2's metadata, writes into
# site2, reads mysql.global_priv and the unserved site `other`, and grants
# itself everything; then runs DDL. It used to run as the one worker
# account, which had rights on both sites: it read and wrote site2.
# (1) frappe_sds_worker_user without %s while two sites are listed: the
#     worker refuses to serve (and says how to fix it); the code never runs.
# (2) frappe_sds_worker_user = frappe_sds_w_%s, one account per site: the
#     code runs as frappe_sds_w_site only (the test sees it), gets nothing
#     from site2, mysql.* or other; site2's own change is served as usual.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_atk5.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
export WORKER_USER=frappe_sds_worker
. tests/lib/attack.sh

# (1) one account for both sites, with rights on both (what a DBA had to do)
atk_start site,site2
worker_account "$D" site site2 || fail "worker account"
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
atk_other
atk_site site
atk_site site2
g_site=$(atk_grants site_user)
site2_before=$(sql site2 -e "CHECKSUM TABLE tabBrand" | tr '\n' ' ')

atk_replace_sync_run site "
  INSERT INTO site.pwn_loot SELECT CONCAT('site2:', COUNT(*), ' doctypes') FROM site2.tabDocType;
  INSERT INTO site2.tabBrand (name, brand) VALUES ('pwn', 'written by site');"
# run_attack <what>: DDL in site (and a change in site2), then time for
# the worker's passes (debounce 300 ms, polls)
run_attack() {
    sql -e "SET GLOBAL frappe_sds_ddl_watch = ON"
    as_user site_user site -e "ALTER TABLE tabBrand ADD COLUMN pwn_$1 INT" || fail "site's DDL"
    sql site2 -e "ALTER TABLE tabDesignation ADD COLUMN ok_$1 INT" || fail "site2's DDL"
    for i in $(seq 1 60); do
        [ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot")" != 0 ] && break
        sleep 0.1
    done
    sleep 2
    echo "site's code saw ($1): $(sql site -e "SELECT LEFT(IFNULL(GROUP_CONCAT(v SEPARATOR ' | '), '(never ran)'), 300) FROM pwn_loot")"
}
# check_nothing_gained: no privilege, nothing from site2, mysql.* or other
check_nothing_gained() {
    [ "$(atk_grants site_user)" = "$g_site" ] || fail "site_user gained privileges: $(atk_grants site_user)"
    atk_check_loot site
    atk_check_other
    [ "$(sql site2 -e "CHECKSUM TABLE tabBrand" | tr '\n' ' ')" = "$site2_before" ] \
        || fail "site's code wrote into site2 (another served site)"
}

run_attack shared
check_nothing_gained
[ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot")" = 0 ] \
    || fail "the worker ran a site's code as an account shared with another site"
err=$(status Frappe_sds_last_error)
case "$err" in
    *"as one account"*"%s"*) echo "the worker refused: $err" ;;
    *) fail "the worker did not say why it serves nothing: '$err'" ;;
esac
[ "$(sql site2 -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabDesignation'")" = 0 ] \
    || fail "site2 was served by the shared account"

# (2) one account per site
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
export WORKER_USER='frappe_sds_w_%s'
atk_start site,site2
worker_account "$D" site site2 || fail "per-site worker accounts"
sql -e "DROP USER frappe_sds_worker@localhost" || fail "drop the shared account"
run_attack per_site
check_nothing_gained
# the site's code did run, as its own site's account (the test saw it)
[ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot WHERE v = 'who:frappe_sds_w_site@localhost'")" -ge 1 ] \
    || fail "the worker did not run site's pass as frappe_sds_w_site (nothing was tested)"
# site2 served by its own account: both DDLs (before and now) recorded and
# their reloads requested
for i in $(seq 1 100); do
    [ "$(sql site2 -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabDesignation'
                       AND state IN ('trigger_refresh', 'reload_requested', 'done')")" -ge 1 ] && break
    sleep 0.1
done
[ "$(sql site2 -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabDesignation'
                   AND state IN ('trigger_refresh', 'reload_requested', 'done')")" -ge 1 ] \
    || fail "site2's change was not served by frappe_sds_w_site2: $(sql site2 -e "SELECT
             GROUP_CONCAT(table_name, ' ', state) FROM sds_schema_change") $(status Frappe_sds_last_error)"
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_worker_shared passed"
