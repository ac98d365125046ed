#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: a site's sds__sync_run that never returns stalls no other site, is visible and killable, is bounded in time, and shutdown / UNINSTALL SONAME during it neither crash nor hang (10 times each)
# Threat model: the site's user has ALL on its own database only; it
# replaces sds__sync_run by a loop of SLEEPs (which max_statement_time
# alone does not stop). The worker used to run it in an invisible,
# unkillable local session: schema sync stopped for every site, and
# UNINSTALL SONAME hung. Now: the other site's change is handled while the
# pass hangs; the pass shows in SHOW PROCESSLIST as the worker account; a
# DBA's KILL ends it; without one, the worker ends it after
# frappe_sds_statement_timeout (+5 s); and 10 times each, UNINSTALL SONAME
# (then INSTALL SONAME) and a shutdown (then a start) during the hanging
# pass return in bounded time, without a crash.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_atk4.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
# two served sites: one worker account per site (frappe_sds_worker_user with %s)
export WORKER_USER='frappe_sds_w_%s'
. tests/lib/attack.sh
# (a full pass takes ~0.4 s, but several seconds on a loaded 2-core machine)
TIMEOUT_S=10
OPTS=(--loose-frappe-sds-statement-timeout=$TIMEOUT_S)

atk_start site,site2 "${OPTS[@]}"
worker_account "$D" site site2 || fail "worker account"
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
atk_site site
atk_site site2
as_user site_user site <<'SQL' || fail "site user's procedure"
DELIMITER ;;
CREATE OR REPLACE PROCEDURE sds__sync_run(IN p_full TINYINT) SQL SECURITY INVOKER
BEGIN
  WHILE 1 DO DO SLEEP(0.5); END WHILE;
END;;
DELIMITER ;
SQL
sql -e "SET GLOBAL frappe_sds_ddl_watch = ON"
sleep 1

# hang_id: the connection id of the worker's hanging pass in site (or empty)
hang_id() {
    sql -e "SELECT id FROM information_schema.processlist WHERE user = 'frappe_sds_w_site'
            AND db = 'site' AND command = 'Query' AND time_ms > 200 LIMIT 1"
}
# wait_hang: until the hanging pass shows (bounded)
wait_hang() {
    local i h
    for i in $(seq 1 100); do
        h=$(hang_id); [ -n "$h" ] && { echo "$h"; return 0; }
        sleep 0.1
    done
    return 1
}

# 1. the other site keeps syncing while site's pass hangs
sql site -e "ALTER TABLE tabBrand ADD COLUMN hang_1 INT" || fail "ALTER site"
sql site2 -e "ALTER TABLE tabBrand ADD COLUMN other_1 INT; CALL symplay_sync_triggers()" || fail "ALTER site2"
h=$(wait_hang) || fail "the hanging pass is not in SHOW PROCESSLIST as frappe_sds_w_site"
for i in $(seq 1 300); do
    [ "$(sql site2 -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                       AND state = 'reload_requested'")" = 1 ] && break
    sleep 0.1
done
[ "$(sql site2 -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                   AND state = 'reload_requested'")" = 1 ] \
    || fail "site2's change was not handled while site's pass hung: $(sql site2 -e "SELECT
             GROUP_CONCAT(table_name, ' ', state, ' ', message) FROM sds_schema_change")
             $(sql -e "SHOW GLOBAL STATUS LIKE 'frappe_sds%'" | tr '\n' ' ')
             $(sql -e "SELECT id, user, db, command, time, state, LEFT(info, 80) FROM information_schema.processlist")"
[ -n "$(hang_id)" ] || fail "site's pass did not hang long enough to test anything"
echo "site2 synced while site's pass hung (connection $h)"

# 2. a DBA can KILL it
e0=$(status FRAPPE_SDS_ERRORS)
sql -e "KILL $h" || fail "KILL $h"
for i in $(seq 1 50); do [ "$(hang_id)" != "$h" ] && break; sleep 0.1; done
[ "$(hang_id)" != "$h" ] || fail "the killed pass is still there"
for i in $(seq 1 50); do [ "$(status FRAPPE_SDS_ERRORS)" -gt "$e0" ] && break; sleep 0.1; done
[ "$(status FRAPPE_SDS_ERRORS)" -gt "$e0" ] || fail "the killed pass was not reported"
echo "killed: $(status FRAPPE_SDS_LAST_ERROR)"

# 3. without a KILL, the worker ends it after its time bound
sql site -e "ALTER TABLE tabBrand ADD COLUMN hang_2 INT" || fail "ALTER site"
h=$(wait_hang) || fail "no hanging pass after the second ALTER"
t0=$SECONDS
for i in $(seq 1 600); do [ "$(hang_id)" != "$h" ] && break; sleep 0.1; done
[ "$(hang_id)" != "$h" ] || fail "the hanging pass outlived 60 s (bound: ${TIMEOUT_S} s + 5 s):
             $(sql -e "SHOW GLOBAL STATUS LIKE 'frappe_sds%'" | tr '\n' ' ')
             $(sql -e "SELECT id, user, db, command, time, state, LEFT(info, 80) FROM information_schema.processlist")"
echo "ended by the worker after $((SECONDS - t0)) s; Frappe_sds_timeouts $(status FRAPPE_SDS_TIMEOUTS)"
[ "$(status FRAPPE_SDS_TIMEOUTS)" -ge 1 ] || fail "Frappe_sds_timeouts did not count it"

# 4. UNINSTALL SONAME / shutdown during the hanging pass, 10 times each
for round in $(seq 1 20); do
    sql site -e "ALTER TABLE tabBrand ADD COLUMN hang_r$round INT" || fail "ALTER (round $round)"
    wait_hang >/dev/null || fail "no hanging pass (round $round)"
    if [ $((round % 2)) = 1 ]; then
        t0=$SECONDS
        timeout 60 mariadb --no-defaults --socket="$D/sock" --user=root -e "UNINSTALL SONAME 'frappe_sds'" \
            >/dev/null 2>&1
        rc=$?
        [ $rc = 124 ] && fail "UNINSTALL SONAME hung (round $round)"
        sql -e "SELECT 1" >/dev/null || fail "server down after UNINSTALL (round $round)"
        # (an UNINSTALL deferred while a session still holds the audit
        # plugin completes when that session ends: retry, bounded)
        for i in $(seq 1 100); do
            sql -e "INSTALL SONAME 'frappe_sds'" >/dev/null 2>&1
            [ "$(sql -e "SELECT COUNT(*) FROM information_schema.plugins
                         WHERE plugin_name LIKE 'FRAPPE_SDS%' AND plugin_status = 'ACTIVE'")" = 2 ] && break
            sleep 0.1
        done
        sql -e "SET GLOBAL frappe_sds_debounce_ms = 300, frappe_sds_poll_ms = 300" \
            || fail "INSTALL SONAME after UNINSTALL (round $round)"
        echo "round $round: UNINSTALL SONAME returned in $((SECONDS - t0)) s (rc $rc)"
    else
        t0=$SECONDS
        srv_stop "$D" >/dev/null || fail "shutdown hung (round $round)"
        grep -q "got signal" "$D/error.log" && fail "the server crashed at shutdown (round $round)"
        echo "round $round: shutdown in $((SECONDS - t0)) s"
        atk_start site,site2 "${OPTS[@]}"
    fi
    grep -q "got signal" "$D/error.log" && fail "the server crashed (round $round)"
done
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_hang passed"
