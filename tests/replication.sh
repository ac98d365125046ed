#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: async primary/replica (GTID; ROW and MIXED binlog): one writer, identical sds_*/sym_* tables, failover
# An async primary/replica pair on 127.0.0.1 per binlog format (REPL_FORMATS,
# default "ROW MIXED"; STATEMENT works too). The ERPNext fixture site is loaded
# once and copied to both datadirs; then, on the primary with the binlog on:
# install.sql, sds_setup, SymmetricDS's first sync-triggers, company mapping;
# an ALTER and a new DocType; a burst of ALTERs (REPL_BURST, default 200); each
# followed by the schema sync (REPL_PATH=client: Frappe's after_migrate
# CALL sds_sync_schema(); REPL_PATH=worker: the plugin's worker) and
# SymmetricDS's processing (trigger rebuild, the loads arriving). After each step:
# the replica's SQL thread has no error, every sds_*/sym_* table has the same
# CHECKSUM on both servers, one reload request per table per branch, the
# replica says role 'replica' in sds_status and refuses a sync pass. Then
# failover in the middle of a migrate (the primary killed with changes in
# every state): the promoted replica finishes them, none lost, none twice.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/tests/lib/repl_env.sh" repl
# the schema sync path of each format: REPL_PATH for all, else the worker
# under ROW and the client's CALL under MIXED (and STATEMENT)
PATH_OF() { if [ -n "${REPL_PATH:-}" ]; then echo "$REPL_PATH";
            elif [ "$1" = ROW ]; then echo worker; else echo client; fi; }

# the site, once: copied into each server's datadir
log "loading the fixture site"
SERVERS+=("$W/seed")
srv_start "$W/seed" --plugin-load-add=frappe_sds.so --frappe-sds-worker=OFF || die "seed server"
repl_site "$W/seed" "$DB"
rq "$W/seed" '' "CREATE USER repl@'127.0.0.1' IDENTIFIED BY 'repl';
                 GRANT REPLICATION SLAVE ON *.* TO repl@'127.0.0.1'"
# the worker's account, as a DBA provisions it (the same on both servers)
read -r -a WORKER_OPTS <<<"$(worker_pwfile "$W/seed") --loose-frappe-sds-databases=$DB"
worker_account "$W/seed" "$DB" || die "worker account"
srv_stop "$W/seed" || die "seed server did not stop"
SERVERS=()

read -r PA PB < <(repl_ports 2 | tr '\n' ' ')

start_pair() {   # start_pair FORMAT: primary A, replica B replicating from A
    local f="$1" d id p wopts=(--frappe-sds-worker=OFF)
    [ "$REPL_PATH" = worker ] && wopts=(--frappe-sds-worker=ON "${WORKER_OPTS[@]}")
    for d in A B; do
        rm -rf "$W/$d"; mkdir -p "$W/$d"; cp -a "$W/seed/data" "$W/$d/data"
        rm -f "$W/$d/data/"*.pid
    done
    for d in A B; do
        if [ $d = A ]; then id=1; p=$PA; else id=2; p=$PB; fi
        SERVERS+=("$W/$d")
        srv_start "$W/$d" --skip-networking=0 --port="$p" --bind-address=127.0.0.1 \
            --server-id=$id --log-bin=binlog --log-slave-updates --binlog-format="$f" \
            --gtid-strict-mode=1 --log-bin-trust-function-creators=1 \
            --plugin-load-add=frappe_sds.so "${wopts[@]}" \
            --frappe-sds-debounce-ms=300 --frappe-sds-poll-ms=200 \
            || die "server $d did not start"
    done
    rq "$W/B" '' "SET GLOBAL read_only = 1;
        CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $PA, MASTER_USER = 'repl',
          MASTER_PASSWORD = 'repl', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
        START SLAVE"
}

# the replica has applied everything the primary logged, without error
caught_up() {
    local pos i st
    pos=$(rq "$W/A" '' "SELECT @@gtid_binlog_pos")
    for i in $(seq 1 120); do
        st=$(srv_sql "$W/B" -e 'SHOW SLAVE STATUS\G' 2>&1)
        if echo "$st" | grep -Eq 'Last_SQL_Errno: [1-9]|Last_IO_Errno: [1-9]'; then
            echo "$st" | grep -E 'Last_(SQL|IO)_Err' >&2
            die "the replica's replication stopped with an error"
        fi
        [ "$(rq "$W/B" '' "SELECT MASTER_GTID_WAIT('$pos', 1)")" = 0 ] && return 0
    done
    die "the replica did not catch up with $pos in 120 s"
}

# the replica knows it is one: sds_status, and a writing pass is refused
replica_role() {
    local r err
    r=$(rq "$W/B" "$DB" "SELECT role FROM sds_status")
    [ "$r" = replica ] || die "sds_status on the replica says role '$r', not 'replica'"
    err=$(srv_sql "$W/B" "$DB" -e "CALL sds_sync_schema()" 2>&1) \
        && die "CALL sds_sync_schema() ran on the replica"
    echo "$err" | grep -q 'is a replica' || die "the replica refused the sync with: $err"
    err=$(srv_sql "$W/B" "$DB" -e "CALL sds_setup('master', 'branch')" 2>&1) \
        && die "CALL sds_setup() ran on the replica"
    echo "$err" | grep -q 'is a replica' || die "the replica refused sds_setup with: $err"
    # and wrote nothing into its own binlog (a GTID of server 2 would break
    # replication from it after a failover, and strict GTID here)
    [ "$(rq "$W/B" '' "SELECT @@gtid_binlog_pos NOT LIKE '%-2-%'")" = 1 ] \
        || die "the replica logged transactions of its own: $(rq "$W/B" '' "SELECT @@gtid_binlog_pos")"
    log "replica: sds_status role 'replica'; sds_sync_schema and sds_setup refused: ${err##*: }"
}

check_all() {
    caught_up
    repl_same_state "$DB" "$W/A" "$W/B"
    repl_check_requests "$W/A" "$DB"
}

REPL_PATH_ENV=${REPL_PATH:-}
for FMT in ${REPL_FORMATS:-ROW MIXED}; do
    T0=$SECONDS
    REPL_PATH=$(REPL_PATH=$REPL_PATH_ENV PATH_OF "$FMT"); export REPL_PATH
    log "=== binlog_format=$FMT, schema sync through the $([ "$REPL_PATH" = worker ] && echo "worker" || echo "client's CALL (worker off)")"
    start_pair "$FMT"
    repl_install "$W/A" "$DB"
    check_all
    replica_role
    repl_migrate "$W/A" "$DB"
    check_all
    # the replica's hook ignored the DDL its SQL thread applied
    [ "$(repl_status "$W/B" FRAPPE_SDS_DDL_EVENTS)" = 0 ] \
        || die "the replica recorded $(repl_status "$W/B" FRAPPE_SDS_DDL_EVENTS) replicated DDL events"
    # a client CALL with nothing to do, and a full setup again, replicate too
    # (sds_plan is kept by natural key: a pass that changes nothing rewrites
    # no row, so the ids stay and nothing of it goes to the binlog)
    p0=$(rq "$W/A" "$DB" "SELECT CONCAT(COUNT(*), '/', MAX(id), '/', MAX(refreshed_at)) FROM sds_plan")
    sleep 1
    rq "$W/A" "$DB" "CALL sds_sync_schema(); CALL sds_setup('master', 'branch')" >/dev/null
    p1=$(rq "$W/A" "$DB" "SELECT CONCAT(COUNT(*), '/', MAX(id), '/', MAX(refreshed_at)) FROM sds_plan")
    [ "$p0" = "$p1" ] || die "sds_plan rewritten by passes that change nothing (rows/max id/refreshed: $p0 -> $p1)"
    check_all

    log "failover in the middle of a migrate"
    repl_failover_prepare "$W/A" "$DB"
    caught_up
    repl_same_state "$DB" "$W/A" "$W/B"
    log "before the crash: $(rq "$W/A" "$DB" "SELECT GROUP_CONCAT(state, '=', n) FROM
        (SELECT state, COUNT(*) n FROM sds_schema_change WHERE state <> 'done' GROUP BY state) s")"
    PIDA=$(cat "$W/A/mariadbd.pid"); { kill -9 "$PIDA"; wait "$PIDA"; } 2>/dev/null
    rq "$W/B" '' "STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0"
    r=$(rq "$W/B" "$DB" "SELECT role FROM sds_status")
    [ "$r" = master ] || die "the promoted replica says role '$r'"
    repl_failover_finish "$W/B" "$DB"
    srv_stop "$W/B" >/dev/null; srv_stop "$W/A" >/dev/null 2>&1
    SERVERS=()
    log "=== binlog_format=$FMT passed in $((SECONDS - T0)) s"
done
echo "async replication: every check passed"
