#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/fleet.sh -- issue 20's fleet figures on SymmetricDS 3.15.9's own engine
# (bench/scale/Fleet.java): routing per captured row and master -> branch latency under a
# fixed write load with 1, 4 and 16 branches, one branch offline then catching up, and
# SymmetricDS's outgoing purge. The master (bundled site + sample data + bench/gen's
# companies) on one mariadbd, every branch database (bundled site, a database of its own
# name each) on one or two more, all engines in one JVM (internal transport). A lean plan:
# every DocType but the ones the load writes gets a sds_doctype_rule 'excluded' before
# sds_setup (FLEET_KEEP). Not part of the test command (~17 minutes with the defaults).
#
#   bench/fleet.sh [--counts 1,4,16] [--rate 20] [--items 3] [--phase 180] [--offline 180]
#                  [--rows 32000] [--servers 2] [--periods default|test] [--warmup 0]
#                  [--idle 0] [--no-purge] | --quick
#     --counts   branch counts, ascending; the branches are added to the same master
#     --rate     invoices a second (each 1 header + ITEMS item rows + 1 tax row, one transaction)
#     --phase    seconds of load at each count; --offline: seconds with the last branch stopped
#     --rows     bench/gen rows at the master (16 companies: each branch hosts one)
#     --servers  mariadbd for the branch databases (1 or 2)
#     --periods  default: SymmetricDS's routing/push/pull periods (10 s each, as the issue
#                wants); test: 1 s (as the e2e)
#     --idle     seconds without load after the last count: the engines' idle CPU
#     --no-purge skip the purge figure (it waits a minute for the retention)
#     --quick    the smoke test (tests/bench_fleet_quick.sh, ~2-3 minutes): 2 branches on one
#                server, 10 invoices/s, 30 s phases, 1 s job periods, 2,000 generated rows,
#                no purge; fails unless every branch ends with exactly its company's rows
#                and every figure was produced (a number)
#   FLEET_KEEP (DocTypes replicated, comma-separated), FLEET_RETENTION_MIN (1),
#   FLEET_MASTER_PROPS (k=v;k=v: engine properties of the master only, a variant to measure),
#   FLEET_KEEP_DIR=1 keeps the work dir. Exit 77 = SymmetricDS not available.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
counts=1,4,16 rate=20 items=3 phase=180 offline=180 rows=32000 nsrv=2 periods=default warmup=0 idle=0 purge=true quick=0 heap=3g
while [ $# -gt 0 ]; do
    case "$1" in
        --counts) counts=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --items) items=$2; shift 2 ;;
        --phase) phase=$2; shift 2 ;;
        --offline) offline=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --servers) nsrv=$2; shift 2 ;;
        --periods) periods=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --idle) idle=$2; shift 2 ;;
        --no-purge) purge=false; shift ;;
        --quick) quick=1 counts=2 rate=10 items=3 phase=30 offline=30 rows=2000 nsrv=1 periods=test warmup=0 idle=0 purge=false heap=1g; shift ;;
        *) echo "fleet.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
nb=${counts##*,}
. tests/lib/symmetricds.sh
symmetricds_build build.sh
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}" FRAPPE_SDS_SQL="${FRAPPE_SDS_SQL:-$ROOT/build/sql}"
[ -f "$FRAPPE_SDS_PLUGIN_DIR/frappe_sds.so" ] || { echo "FAIL: $FRAPPE_SDS_PLUGIN_DIR/frappe_sds.so missing (cmake --build build)"; exit 1; }
. scripts/lib/server.sh
. tests/lib/worker.sh
. bench/lib/engine_driver.sh
driver_workdir fleet
cleanup() {
    [ -n "${JPID:-}" ] && kill "$JPID" 2>/dev/null
    for s in m b1 b2; do srv_stop "$W/$s" >/dev/null 2>&1; done
    if [ "${FLEET_KEEP_DIR:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
driver_compile bench/scale/Fleet.java || exit 1
# shellcheck disable=SC2046
srv_start "$W/m" --plugin-load-add=frappe_sds.so --max-connections=400 --table-open-cache=4000 \
    $(worker_pwfile "$W/m") --loose-frappe-sds-databases=erp_master >/dev/null 2>&1 \
    || { tail -n 20 "$W/m/error.log"; echo "FAIL: master server start"; exit 1; }
bsrv=""
for s in $(seq 1 "$nsrv"); do
    srv_start "$W/b$s" --max-connections=600 --table-open-cache=8000 >/dev/null 2>&1 \
        || { tail -n 20 "$W/b$s/error.log"; echo "FAIL: branch server b$s start"; exit 1; }
    bsrv=${bsrv:+$bsrv,}$W/b$s/sock
done
t0=$(date +%s)
driver_site "$W/m" erp_master sample || { echo "FAIL: master site load"; exit 1; }
# branch databases: br01 on b1, br02 on b2, br03 on b1, ... (names differ from the master's);
# the first is loaded from the fixtures, the others copied from it (the same site)
bdbs=""
for b in $(seq 1 "$nb"); do
    db=$(printf 'br%02d' "$b"); s=$(( (b - 1) % nsrv + 1 ))
    if [ $b -le "$nsrv" ]; then
        driver_site "$W/b$s" "$db" || { echo "FAIL: branch site load $db"; exit 1; }
    else
        src=$(printf 'br%02d' "$s")
        srv_sql "$W/b$s" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
            mariadb-dump --no-defaults --socket="$W/b$s/sock" -uroot --skip-triggers --single-transaction "$src" | srv_sql "$W/b$s" "$db" \
            || { echo "FAIL: branch site copy $db"; exit 1; }
    fi
    bdbs=${bdbs:+$bdbs,}$db
    socks=${socks:+$socks,}$W/b$s/sock
done
worker_account "$W/m" erp_master || { echo "FAIL: worker account"; exit 1; }
bench/gen/generate.sh --rows "$rows" --companies 16 --seed 1 erp_master -- --socket="$W/m/sock" --user=root \
    || { echo "FAIL: generating the master's rows"; exit 1; }
echo "INFO sites ready in $(( $(date +%s) - t0 )) s: master erp_master, branches $bdbs on $nsrv server(s)"
per=()
if [ "$periods" = default ]; then
    per=(-De2e.routingMs=10000 -Djob.push.period.time.ms=10000 -Djob.pull.period.time.ms=10000)
else
    per=(-De2e.routingMs=1000)
fi
echo "INFO commit $(git rev-parse --short HEAD), $(nproc) cores, $(uptime)"
# a bound on the whole driver: its phases, the offline phase and the idle one, plus 30
# minutes for the set-up, the branches' starts, the catch-up and the purge (a fixed 90
# minutes cut a run with the issue's hour offline short)
nc=$(tr ',' '\n' <<<"$counts" | grep -c .)
limit=$(( 1800 + nc * (phase + warmup + 300) + offline + idle ))
[ $limit -ge 5400 ] || limit=5400
DRIVER_JAVA_OPTS=(-Xmx"$heap"
    -De2e.installSql="$FRAPPE_SDS_SQL/install.sql" -De2e.dbaSql="$FRAPPE_SDS_SQL/dba.sql"
    -De2e.runtimeSql="$FRAPPE_SDS_SQL/runtime.sql" -De2e.layout=runtime "${per[@]}"
    -Dfleet.counts="$counts" -Dfleet.rate="$rate" -Dfleet.items="$items" -Dfleet.phaseS="$phase" -Dfleet.offlineS="$offline" -Dfleet.warmupS="$warmup"
    -Dfleet.retentionMin="${FLEET_RETENTION_MIN:-1}" ${FLEET_KEEP:+-Dfleet.keep="$FLEET_KEEP"}
    -Dfleet.masterPid="$W/m/pid" -Dfleet.idleS="$idle" -Dfleet.purge="$purge" ${FLEET_MASTER_PROPS:+-Dfleet.masterProps="$FLEET_MASTER_PROPS"})
driver_run "$limit" Fleet "$W/m/sock" erp_master "$socks" "$bdbs" "$W/work" "$ROOT" "$LOG"
echo "--- engine log: errors"
grep -E ' ERROR | WARN ' "$LOG" | grep -v -i 'heartbeat' | head -20
# every figure a number: each FIGURE line has one, and none NaN or infinite (a latency
# is infinite when an invoice never arrived); with --quick, each of these figures there
want="master_setup_s branches_1_to_${counts%%,*}_up_s"
for c in ${counts//,/ }; do
    for f in captured_rows routing_runs routing_ms_total routed_data_events routing_ms_per_captured_row latency_ms cpu; do
        want="$want b${c}_$f"
    done
done
want="$want offline_captured_rows offline_routing_ms_per_captured_row offline_latency_ms offline_cpu others_p99_ms_all_online
others_p99_ms_one_offline others_p99_ratio offline_backlog_batches offline_backlog_rows offline_engine_start_s offline_catch_up_s
offline_catch_up_rows_s offline_backlog_loader_rows_s"
bad=$(awk '/^FIGURE / { v = $0; sub(/^FIGURE [^ ]+ /, "", v); if (v !~ /(^| )-?[0-9]+(\.[0-9]+)?( |$)/ || v ~ /NaN|Infinity|null/) print "  " $0 }' "$W/out.txt")
missing=""
for f in $want; do grep -q "^FIGURE $f " "$W/out.txt" || missing="$missing $f"; done
if [ -n "$bad" ]; then echo "FAIL: figures without a number:"; echo "$bad"; [ $rc = 0 ] && rc=1; fi
if [ "$quick" = 1 ] && [ -n "$missing" ]; then echo "FAIL: figures not produced:$missing"; [ $rc = 0 ] && rc=1; fi
[ -z "$bad" ] && [ -z "$missing" ] && echo "every figure produced, each a number ($(grep -c '^FIGURE ' "$W/out.txt") lines)"
echo "total $(( $(date +%s) - t0 )) s, rc=$rc, $(uptime)"
exit $rc
