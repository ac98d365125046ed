#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: replicated DDL is not recorded on a replica, a read-only replica runs no pass, and the worker's writes on the primary are binlogged and replicate
# An async primary/replica pair (binlog ROW) on 127.0.0.1, both with the
# plugin serving the site `site`. install.sql, sds_setup and an ALTER run on
# the primary only. The replica's hook must ignore what its SQL thread
# applies (the server where the DDL was issued does the work); the replica
# (read_only) runs no pass; the primary's worker writes its schema change
# as the worker account, into the binlog, and the replica gets it by
# replication. (The worker used to run unlogged in a local session, and
# the replica's hook recorded the replicated DDL and ran its own passes.)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}"
: "${FRAPPE_SDS_SQL:=$ROOT/build/sql}"
. scripts/lib/server.sh
. tests/lib/worker.sh
B=$(mktemp -d /dev/shm/frappe_sds_repl.XXXXXX 2>/dev/null || mktemp -d)
P=$B/primary R=$B/replica
trap 'srv_stop "$R" >/dev/null 2>&1; srv_stop "$P" >/dev/null 2>&1; rm -rf "$B"' EXIT
fail() { echo "FAIL: $*"; for d in "$P" "$R"; do echo "-- $d"; tail -n 15 "$d/error.log" 2>/dev/null; done; exit 1; }
p() { timeout 120 mariadb --no-defaults --socket="$P/sock" --user=root -N -B "$@"; }
r() { timeout 120 mariadb --no-defaults --socket="$R/sock" --user=root -N -B "$@"; }
st() { "$1" -e "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$2'"; }

port=""
for _ in $(seq 1 50); do
    c=$((20000 + RANDOM % 20000))
    ss -ltn 2>/dev/null | grep -q ":$c " || { port=$c; break; }
done
[ -n "$port" ] || fail "no free port"
COMMON=(--plugin-load-add=frappe_sds.so --loose-frappe-sds-databases=site
        --loose-frappe-sds-debounce-ms=300 --loose-frappe-sds-poll-ms=300
        --log-bin=mariadb-bin --binlog-format=ROW --log-bin-trust-function-creators=1)
# shellcheck disable=SC2046
srv_start "$P" "${COMMON[@]}" $(worker_pwfile "$P") --server-id=1 \
    --skip-networking=0 --bind-address=127.0.0.1 --port="$port" >/dev/null 2>&1 || fail "primary start"
# shellcheck disable=SC2046
srv_start "$R" "${COMMON[@]}" $(worker_pwfile "$R") --server-id=2 --read-only=1 \
    >/dev/null 2>&1 || fail "replica start"
for d in "$P" "$R"; do
    srv_load_site "$d" site >/dev/null 2>&1 || fail "site load on $d"    # (unlogged)
done
# (not replicated: each server's own account)
p -e "SET sql_log_bin = 0; CREATE USER frappe_sds_worker@localhost IDENTIFIED BY '$(cat "$P/worker.pw")';
      GRANT $WORKER_GRANTS ON site.* TO frappe_sds_worker@localhost;
      CREATE USER repl@'127.0.0.1' IDENTIFIED BY 'replpw';
      GRANT REPLICATION SLAVE ON *.* TO repl@'127.0.0.1'" || fail "primary accounts"
r -e "SET sql_log_bin = 0; CREATE USER frappe_sds_worker@localhost IDENTIFIED BY '$(cat "$R/worker.pw")';
      GRANT $WORKER_GRANTS ON site.* TO frappe_sds_worker@localhost" || fail "replica account"
read -r file pos < <(p -e "SHOW MASTER STATUS" | cut -f1,2)
r -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$port, MASTER_USER='repl',
        MASTER_PASSWORD='replpw', MASTER_LOG_FILE='$file', MASTER_LOG_POS=$pos;
      START SLAVE" || fail "replication start"
ev0=$(st r FRAPPE_SDS_DDL_EVENTS) sy0=$(st r FRAPPE_SDS_SYNCS)

# on the primary only: install, setup, nodes, SymmetricDS's first sync-triggers
p site < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
p site < sym/play_sync_triggers.sql >/dev/null || fail "play_sync_triggers.sql"
p site -e "CALL sds_setup('master', 'branch')" >/dev/null || fail "sds_setup"
p site -e "INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
             ('hq', 'master', 'hq', 1), ('b-wp', 'branch', 'b-wp', 1), ('b-obs', 'branch', 'b-obs', 1);
           INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time)
             VALUES ('hq', 'x', 0, NOW()), ('b-wp', 'x', 0, NOW()), ('b-obs', 'x', 0, NOW());
           INSERT INTO sym_node_identity (node_id) VALUES ('hq');
           CALL symplay_sync_triggers()" || fail "nodes"
p site -e "ALTER TABLE tabBrand ADD COLUMN repl_probe INT" || fail "ALTER"
# the primary's worker opens the change; play SymmetricDS's rebuild; reloads
for i in $(seq 1 100); do
    [ "$(p site -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'")" -ge 1 ] && break
    sleep 0.1
done
p site -e "CALL symplay_sync_triggers()" || fail "rebuild"
for i in $(seq 1 100); do
    [ "$(p site -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                    AND state = 'reload_requested'")" = 1 ] && break
    sleep 0.1
done
[ "$(p site -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                AND state = 'reload_requested'")" = 1 ] || fail "the primary's worker did not request the reloads"
# the replica catches up
for i in $(seq 1 300); do
    [ "$(r site -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                    AND state = 'reload_requested'" 2>/dev/null)" = 1 ] && break
    sleep 0.1
done
sleep 1
echo "replica: events $(( $(st r FRAPPE_SDS_DDL_EVENTS) - ev0 )), passes $(( $(st r FRAPPE_SDS_SYNCS) - sy0 )); \
requests primary $(p site -e "SELECT COUNT(*) FROM sym_table_reload_request") replica $(r site -e "SELECT COUNT(*) FROM sym_table_reload_request" 2>/dev/null)"
[ "$(st r SLAVE_RUNNING)" = ON ] \
    || fail "replication stopped: $(timeout 30 mariadb --no-defaults --socket="$R/sock" --user=root -e "SHOW SLAVE STATUS\G" | grep -E "Running|Last_.*Error")"
[ "$(st r FRAPPE_SDS_DDL_EVENTS)" = "$ev0" ] || fail "the replica's hook recorded replicated DDL"
[ "$(st r FRAPPE_SDS_SYNCS)" = "$sy0" ] || fail "the replica ran passes"
[ "$(r site -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = 'tabBrand'
                AND state = 'reload_requested'")" = 1 ] || fail "the worker's writes did not replicate"
[ "$(r site -e "SELECT COUNT(*) FROM sym_table_reload_request")" = \
  "$(p site -e "SELECT COUNT(*) FROM sym_table_reload_request")" ] || fail "reload requests differ"
# in the primary's binlog, written by the worker's account
mariadb-binlog --no-defaults "$P/data/$file" 2>/dev/null | grep -q "sds_schema_change" \
    || fail "the worker's writes are not in the primary's binlog"
for d in "$R" "$P"; do
    srv_stop "$d" >/dev/null || fail "stop $d"
    grep -q "got signal" "$d/error.log" && fail "crash in $d"
done
echo "hook_replica passed"
