#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: each per-site worker account may have its own password ("<db> <password>" lines in frappe_sds_worker_password_file)
# Issue 23, point 7: every per-site worker account used to share the one
# password of the file's first line. A server serves two sites, pa and pb,
# as frappe_sds_w_pa and frappe_sds_w_pb with different passwords; the
# password file holds "pa <pw>" and "pb <pw>". Each site's DDL is served
# (with the old reading, the first line was everyone's password: access
# denied for both). A site with no line in such a file is refused with a
# message naming it. (The one-password file is what every other worker
# test uses.)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_pw.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
export WORKER_USER='frappe_sds_w_%s'
. tests/lib/attack.sh

(umask 077; printf 'pa pw-of-pa-%s\npb pw-of-pb-%s\n' "$RANDOM" "$RANDOM" >"$D/worker.pw")
atk_start pa,pb,pc
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
for s in pa pb; do
    atk_site "$s"
    pw=$(sed -n "s/^$s //p" "$D/worker.pw")
    sql -e "CREATE USER frappe_sds_w_$s@localhost IDENTIFIED BY '$pw';
            GRANT $WORKER_GRANTS ON \`$s\`.* TO frappe_sds_w_$s@localhost" || fail "account of $s"
done
sql -e "CREATE DATABASE pc"
# (the startup pass ran before the accounts existed: only what follows counts)
l0=$(wc -l <"$D/error.log")
log() { tail -n +"$((l0 + 1))" "$D/error.log"; }
sql -e "SET GLOBAL frappe_sds_ddl_watch = ON"
for s in pa pb; do
    sql "$s" -e "ALTER TABLE tabDesignation ADD COLUMN pw_probe INT" || fail "DDL in $s"
done
sql pc -e "CREATE TABLE tabNote (name VARCHAR(140) PRIMARY KEY)" || fail "DDL in pc"
for s in pa pb; do
    for i in $(seq 1 100); do
        [ "$(sql "$s" -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabDesignation'")" -ge 1 ] && break
        sleep 0.1
    done
    [ "$(sql "$s" -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabDesignation'")" -ge 1 ] \
        || fail "$s was not served with its own password: $(status FRAPPE_SDS_LAST_ERROR)"
    echo "$s served as frappe_sds_w_$s with its own password"
done
log | grep -q "Access denied for user 'frappe_sds_w_p[ab]'" && fail "a site's account was refused"
for i in $(seq 1 30); do log | grep -q 'has no line "pc <password>"' && break; sleep 0.1; done
log | grep -q 'has no line "pc <password>"' || fail "the site without a password line was not named"
echo "pc (no line in the file): $(grep -o 'frappe_sds_worker_password_file.*' "$D/error.log" | tail -1)"
echo "PASS"
