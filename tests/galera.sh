#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: 3-node Galera cluster (galera-4, rsync SST): one writer, every node Synced and identical, no inconsistency vote, node loss
# Three Galera nodes on 127.0.0.1 (each its own datadir, socket and tmpdir;
# node 1 bootstrapped from the ERPNext fixture site, nodes 2 and 3 joining by
# rsync SST). On node 1, where the client and SymmetricDS work: install.sql,
# sds_setup, SymmetricDS's first sync-triggers, company mapping; an ALTER and
# a new DocType; a burst of ALTERs (REPL_BURST, default 200); the schema sync
# (REPL_PATH=client: a client CALL sds_sync_schema(); REPL_PATH=worker: the
# plugin's worker) and SymmetricDS's processing. After each step: every node
# Synced in a 3-node primary component, no inconsistency vote, every
# sds_*/sym_* table with the same CHECKSUM on all nodes, one reload request per
# table per branch. A node cut off from the cluster says role 'replica' and
# refuses to write. Then node 1 is killed in the middle of a migrate and
# node 2 finishes the open changes: none lost, none twice.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/tests/lib/repl_env.sh" galera
"$ROOT/scripts/deps.sh" galera-4 rsync >/dev/null || { echo "cannot install galera-4 and rsync"; exit 77; }
PROVIDER=/usr/lib/galera/libgalera_smm.so
[ -f "$PROVIDER" ] || { echo "galera-4 installed but $PROVIDER is missing"; exit 77; }
# the schema sync on node 1: the worker (default) or a client's CALL
export REPL_PATH=${REPL_PATH:-worker}
export SRV_START_WAIT=180

# ports: gcomm, IST, SST of each node
mapfile -t P < <(repl_ports 9)
GCOMM="gcomm://127.0.0.1:${P[0]},127.0.0.1:${P[3]},127.0.0.1:${P[6]}"

start_node() {   # start_node N [extra args]: node N (1..3)
    local n=$1 g i s; shift
    g=${P[$(( (n - 1) * 3 ))]}; i=${P[$(( (n - 1) * 3 + 1 ))]}; s=${P[$(( (n - 1) * 3 + 2 ))]}
    SERVERS+=("$W/n$n")
    srv_start "$W/n$n" --wsrep-on=ON --wsrep-provider="$PROVIDER" \
        --wsrep-cluster-name="sds_$$" --wsrep-cluster-address="$GCOMM" \
        --wsrep-node-name="n$n" --wsrep-node-address="127.0.0.1:$g" \
        --wsrep-node-incoming-address=127.0.0.1 \
        --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$g;ist.recv_addr=127.0.0.1:$i;gcache.size=64M;pc.wait_prim_timeout=PT30S" \
        --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$s" \
        --binlog-format=ROW --innodb-autoinc-lock-mode=2 --log-bin-trust-function-creators=1 \
        --plugin-load-add=frappe_sds.so "${WOPTS[@]}" \
        --frappe-sds-debounce-ms=300 --frappe-sds-poll-ms=200 "$@" \
        || die "node $n did not start"
}

status() { rq "$1" '' "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$2'"; }

# every node of NODES Synced in a primary component of that many nodes,
# having applied everything node $1 committed; no inconsistency anywhere
synced() {
    local ref="$1" d i last; shift
    local nodes=("$ref" "$@")
    last=$(status "$ref" WSREP_LAST_COMMITTED)
    for d in "${nodes[@]}"; do
        for i in $(seq 1 300); do
            [ "$(status "$d" WSREP_LOCAL_STATE_COMMENT)" = Synced ] \
                && [ "$(status "$d" WSREP_CLUSTER_STATUS)" = Primary ] \
                && [ "$(status "$d" WSREP_CLUSTER_SIZE)" = ${#nodes[@]} ] \
                && [ "$(status "$d" WSREP_LAST_COMMITTED)" -ge "$last" ] && break
            sleep 0.2
        done
        [ "$i" -lt 300 ] || die "${d##*/} not Synced in a ${#nodes[@]}-node primary component: $(status "$d" WSREP_LOCAL_STATE_COMMENT) $(status "$d" WSREP_CLUSTER_STATUS) size $(status "$d" WSREP_CLUSTER_SIZE)"
    done
    for d in "$W"/n*; do
        if grep -Eiq 'inconsisten|initiates vote|votes over|vote on ' "$d/error.log"; then
            grep -Ei 'inconsisten|initiates vote|votes over|vote on ' "$d/error.log" | head -5 >&2
            die "${d##*/}: inconsistency / vote in its error log"
        fi
    done
}

check_all() {   # check_all NODE...: the first is the writer
    synced "$@"
    repl_same_state "$DB" "$@"
    repl_check_requests "$1" "$DB"
}

log "node 1: the fixture site, bootstrapping the cluster"
mkdir -p "$W/seed"
SERVERS+=("$W/seed")
srv_start "$W/seed" --plugin-load-add=frappe_sds.so --frappe-sds-worker=OFF || die "seed server"
repl_site "$W/seed" "$DB"
WOPTS=(--frappe-sds-worker=OFF)
if [ "$REPL_PATH" = worker ]; then
    # the worker's account, as a DBA provisions it (SST copies it to every node)
    read -r -a WOPTS <<<"--frappe-sds-worker=ON $(worker_pwfile "$W/seed") --loose-frappe-sds-databases=$DB"
    worker_account "$W/seed" "$DB" || die "worker account"
fi
srv_stop "$W/seed" || die "seed server did not stop"
SERVERS=()
mkdir -p "$W/n1"; mv "$W/seed/data" "$W/n1/data"; rm -f "$W/n1/data/"*.pid
start_node 1 --wsrep-new-cluster
# The rsync SST daemon of a joiner runs as nobody (wsrep_sst_rsync sets no
# uid, and rsync drops root to nobody): the joiners start from an empty
# datadir (the "mysql" directory only keeps srv_start from initialising one)
# owned by nobody, under directories nobody may pass through.
chmod 711 "$W"
for n in 2 3; do
    mkdir -p "$W/n$n/data/mysql"; chmod 711 "$W/n$n"
    chown nobody: "$W/n$n/data" "$W/n$n/data/mysql" 2>/dev/null \
        || chmod 777 "$W/n$n/data" "$W/n$n/data/mysql"
done
log "nodes 2 and 3 join (rsync SST)"
start_node 2
start_node 3
N1=$W/n1 N2=$W/n2 N3=$W/n3
synced "$N1" "$N2" "$N3"
log "3 nodes Synced"

T0=$SECONDS
repl_install "$N1" "$DB"
check_all "$N1" "$N2" "$N3"
repl_migrate "$N1" "$DB"
check_all "$N1" "$N2" "$N3"
# nodes 2 and 3 ignored the DDL their appliers ran (TOI)
for d in "$N2" "$N3"; do
    [ "$(repl_status "$d" FRAPPE_SDS_DDL_EVENTS)" = 0 ] \
        || die "${d##*/} recorded $(repl_status "$d" FRAPPE_SDS_DDL_EVENTS) replicated DDL events"
done
rq "$N1" "$DB" "CALL sds_sync_schema(); CALL sds_setup('master', 'branch')" >/dev/null
check_all "$N1" "$N2" "$N3"
log "migrate on node 1: every node identical ($((SECONDS - T0)) s)"

# a node cut off from the cluster (not in the primary component) is a replica
rq "$N3" '' "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'"
for i in $(seq 1 100); do [ "$(status "$N3" WSREP_CLUSTER_STATUS)" != Primary ] && break; sleep 0.2; done
# (the server refuses every query there, 1047, unless dirty reads are on)
r=$(rq "$N3" "$DB" "SET SESSION wsrep_dirty_reads = 1; SELECT role FROM sds_status")
[ "$r" = replica ] || die "node 3 outside the primary component says role '$r'"
err=$(srv_sql "$N3" "$DB" -e "SET SESSION wsrep_dirty_reads = 1; CALL sds_sync_schema()" 2>&1) \
    && die "node 3 ran a sync outside the primary component"
# (the server itself refuses the CALL there: 1047; were it let through, our
# own check refuses)
echo "$err" | grep -Eq 'is a replica|ERROR 1047' || die "node 3 refused the sync with: $err"
log "node 3 cut off: role 'replica', sync refused: ${err##*: }"
rq "$N3" '' "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'"
synced "$N1" "$N2" "$N3"
[ "$(rq "$N3" "$DB" "SELECT role FROM sds_status")" = master ] || die "node 3 back: not master"
repl_same_state "$DB" "$N1" "$N2" "$N3"

log "node 1 (SymmetricDS's) lost in the middle of a migrate"
repl_failover_prepare "$N1" "$DB"
synced "$N1" "$N2" "$N3"
log "before the crash: $(rq "$N1" "$DB" "SELECT GROUP_CONCAT(state, '=', n) FROM
    (SELECT state, COUNT(*) n FROM sds_schema_change WHERE state <> 'done' GROUP BY state) s")"
PID1=$(cat "$N1/mariadbd.pid"); { kill -9 "$PID1"; wait "$PID1"; } 2>/dev/null
SERVERS=("$N2" "$N3")
for i in $(seq 1 150); do [ "$(status "$N2" WSREP_CLUSTER_SIZE)" = 2 ] && break; sleep 0.2; done
synced "$N2" "$N3"
# SymmetricDS now runs against node 2
repl_failover_finish "$N2" "$DB"
check_all "$N2" "$N3"
echo "galera: every check passed ($((SECONDS - T0)) s after the cluster formed)"
