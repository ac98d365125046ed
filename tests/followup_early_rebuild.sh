#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the worker's follow-up pass moves a change on when SymmetricDS rebuilt the trigger before the worker's first pass (issue 14)
# An ALTER, then SymmetricDS's trigger rebuild (played at once, before the
# worker's debounce ends): the worker's first pass opens the change; with
# no further DDL and no manual call, the worker's follow-up passes (every
# frappe_sds_poll_ms) must request the reloads. They used to wait for the
# next DDL (the worker only looked for a trigger built after refresh_at).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}"
: "${FRAPPE_SDS_SQL:=$ROOT/build/sql}"
. scripts/lib/server.sh
. tests/lib/worker.sh
D=$(mktemp -d /dev/shm/frappe_sds_early.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; tail -n 20 "$D/error.log" 2>/dev/null; exit 1; }
sql() { timeout 60 mariadb --no-defaults --socket="$D/sock" --user=root -N -B "$@"; }
status() { sql -e "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$1'"; }
POLL_MS=500 DEBOUNCE_MS=2000

# shellcheck disable=SC2046
srv_start "$D" --plugin-load-add=frappe_sds.so $(worker_pwfile "$D") \
    --loose-frappe-sds-databases=site >/dev/null 2>&1 || fail "server start"
srv_load_site "$D" site >/dev/null 2>&1 || fail "site load"
worker_account "$D" site || fail "worker account"
sql site < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
sql site < sym/play_sync_triggers.sql >/dev/null || fail "play_sync_triggers.sql"
sql site -e "SET GLOBAL frappe_sds_ddl_watch = OFF" || fail "watch off"
sql site -e "CALL sds_setup('master', 'branch')" >/dev/null || fail "sds_setup"
sql site -e "INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
               ('hq', 'master', 'hq', 1), ('b-wp', 'branch', 'b-wp', 1), ('b-obs', 'branch', 'b-obs', 1);
             INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time)
               VALUES ('hq', 'x', 0, NOW()), ('b-wp', 'x', 0, NOW()), ('b-obs', 'x', 0, NOW());
             INSERT INTO sym_node_identity (node_id) VALUES ('hq');
             CALL symplay_sync_triggers();" || fail "nodes"
sql site -e "CALL sds_sync_schema()" >/dev/null || fail "first sync"
[ "$(sql site -e "SELECT COUNT(*) FROM sds_schema_change WHERE state NOT IN ('done', 'failed')")" = 0 ] \
    || fail "changes open before the test"
sql -e "SET GLOBAL frappe_sds_debounce_ms = $DEBOUNCE_MS, frappe_sds_poll_ms = $POLL_MS,
                   frappe_sds_ddl_watch = ON"
sleep 1
e0=$(status FRAPPE_SDS_ERRORS)    # (the startup pass ran before the account existed)

# wait_reloads <table> <n>: no DDL, no call; within 12 poll intervals the
# worker has requested the table's reloads
wait_reloads() {
    local st="" i
    for i in $(seq 1 $((12 * POLL_MS / 100))); do
        st=$(sql site -e "SELECT GROUP_CONCAT(state, ':', reload_count) FROM sds_schema_change
                          WHERE table_name = '$1'")
        case "$st" in reload_requested:*|done:*|failed:*) break ;; esac
        sleep 0.1
    done
    echo "$1: $st; Frappe_sds_syncs $(status FRAPPE_SDS_SYNCS)"
    [ "$st" = "reload_requested:$2" ] \
        || fail "$1: the worker did not request its $2 reloads (state: $st)"
    [ "$(sql site -e "SELECT COUNT(*) FROM sym_table_reload_request q JOIN sym_trigger t
                      ON t.trigger_id = q.trigger_id WHERE t.source_table_name = '$1'")" = "$2" ] \
        || fail "$1: expected $2 reload requests"
}

# 1. SymmetricDS's rebuild committed before the worker's pass (debounce)
s0=$(status FRAPPE_SDS_SYNCS)
sql site -e "ALTER TABLE tabBrand ADD COLUMN probe_c INT; CALL symplay_sync_triggers()" \
    || fail "ALTER tabBrand"
[ "$(status FRAPPE_SDS_SYNCS)" = "$s0" ] || fail "the worker ran before the rebuild (debounce too short?)"
wait_reloads tabBrand 2

# 2. The order of the issue: SymmetricDS builds the trigger in the second
# of the ALTER (sym_trigger_hist.create_time, stamped when the build
# starts), but its row becomes visible only after the worker's first pass
# has opened the change (SymmetricDS commits when the build is done).
s0=$(status FRAPPE_SDS_SYNCS)
t_build=$(sql site -e "ALTER TABLE tabDepartment ADD COLUMN probe_c INT; SELECT NOW()") \
    || fail "ALTER tabDepartment"
for i in $(seq 1 100); do
    [ "$(status FRAPPE_SDS_SYNCS)" -gt "$s0" ] && break
    sleep 0.1
done
[ "$(status FRAPPE_SDS_SYNCS)" -gt "$s0" ] || fail "the worker ran no pass after the ALTER"
# (pending: an ALTER is handed to SymmetricDS 5 s after the DDL, its table-model cache)
case "$(sql site -e "SELECT state FROM sds_schema_change WHERE table_name = 'tabDepartment'")" in
    pending|trigger_refresh) ;;
    *) fail "the worker's first pass did not open the change" ;;
esac
sql site -e "START TRANSACTION; CALL symplay_sync_triggers();
             UPDATE sym_trigger_hist SET create_time = '$t_build'
               WHERE source_table_name = 'tabDepartment' AND inactive_time IS NULL; COMMIT" \
    || fail "rebuild"
wait_reloads tabDepartment 2
[ "$(status FRAPPE_SDS_ERRORS)" = "$e0" ] || fail "worker errors: $(status FRAPPE_SDS_LAST_ERROR)"
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "followup_early_rebuild passed"
