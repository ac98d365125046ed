#!/bin/bash
# bench/run.sh [--quick] -- every frappe_sds benchmark, side by side, in one run.
#
# Installs what it needs (Debian packages, via scripts/deps.sh + sysbench),
# builds the plugin and the do-nothing audit plugin (cmake -DSDS_BENCH_NOOP=ON), starts ONE
# throwaway mariadbd in a temp dir (restarted with other plugins where a
# benchmark compares server configurations; same datadir), runs:
#   1. setup time: sds_setup vs the seed app's SQL (bench/seed_setup.sql)
#   2. everyday overhead: sysbench OLTP, no plugin / no-op audit plugin / FRAPPE_SDS,
#      in transactions/s and in instructions per transaction (callgrind)
#   3. migrate burst: hundreds of ALTER TABLEs, plugin loaded vs not; reload count check
#   4. capture cost: SymmetricDS-style capture trigger with/without external_select
#   5. detection latency: DDL -> reload request (p50/p99)
#   6. scale: setup time and plan size for 1x/2x/4x the ERPNext metadata
# and writes bench/RESULTS.md (--quick: tiny sizes, bench/RESULTS.quick.md).
# --only 4 (a comma list) runs those benchmarks alone and writes the report to
# --out FILE instead (bench/scale_all.sh takes the capture figure that way).
# Every comparison alternates its variants within the run and reports medians;
# ratios are medians of the per-round ratios. Exit status: 0 when every
# benchmark ran (missed targets do not fail it), non-zero on any error.
# Never touches the system mariadb service.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"

QUICK=0 ONLY="" OUT_ARG=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --only) ONLY=",$2,"; shift 2 ;;
        --out) OUT_ARG=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "usage: bench/run.sh [--quick] [--only N[,N...] --out FILE]" >&2; exit 2 ;;
    esac
done
[ -z "$ONLY" ] || [ -n "$OUT_ARG" ] || { echo "bench/run.sh: --only needs --out (the results files hold whole runs)" >&2; exit 2; }
[ -z "$ONLY" ] || [[ $ONLY =~ ^,[1-6](,[1-6])*,$ ]] || {
    echo "bench/run.sh: --only takes benchmark numbers 1 to 6, comma-separated (got '${ONLY:1:-1}')" >&2; exit 2; }
want() { [ -z "$ONLY" ] || [[ $ONLY == *",$1,"* ]]; }

if [ $QUICK = 1 ]; then
    OUT="$ROOT/bench/RESULTS.quick.md"
    B1_ROUNDS=3
    B2_ROUNDS=1 B2_TABLES=2 B2_SIZE=2000 B2_SECS=2 B2_WARM=1
    B2_CG_ROUNDS=1 B2_CG_EVENTS=100
    B3_ROUNDS=1 B3_TABLES=12
    B4_ROUNDS=1 B4_ROWS=300
    B5_DDLS=3
    B6_ROUNDS=1 B6_SCALES=(1 2)
else
    OUT="$ROOT/bench/RESULTS.md"
    B1_ROUNDS=10
    B2_ROUNDS=6 B2_TABLES=4 B2_SIZE=20000 B2_SECS=8 B2_WARM=2
    B2_CG_ROUNDS=5 B2_CG_EVENTS=1000
    B3_ROUNDS=6 B3_TABLES=60
    B4_ROUNDS=7 B4_ROWS=10000
    B5_DDLS=40
    B6_ROUNDS=3 B6_SCALES=(1 2 4)
fi
B4_PER_DOC=10
[ -z "$OUT_ARG" ] || OUT=$OUT_ARG

# ---- dependencies and build ------------------------------------------------
"$ROOT/scripts/deps.sh" >/dev/null
need=()
command -v sysbench >/dev/null || need+=(sysbench)
command -v callgrind_control >/dev/null || need+=(valgrind)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "bench: installing ${need[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        || { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
fi

base=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ] && \
   [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 4194304 ]; then
    base=/dev/shm
fi
W=$(mktemp -d "$base/frappe_sds_bench.XXXXXX")
SRV="$W/srv"
RAW="$W/raw.tsv"
: >"$RAW"
. "$ROOT/bench/lib/common.sh"
for f in "$ROOT"/bench/lib/b[0-9]_*.sh; do . "$f"; done

cleanup() {
    local rc=$?
    if [ -S "$SRV/sock" ] || [ -f "$SRV/mariadbd.pid" ]; then srv_stop "$SRV" >/dev/null 2>&1 || true; fi
    if [ $rc -ne 0 ] && [ -f "$SRV/error.log" ]; then
        echo "bench: failed (exit $rc); server error log tail:" >&2
        tail -n 15 "$SRV/error.log" >&2
    fi
    rm -rf "$W"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lap "building the plugin and bench/noop_audit (cmake -DSDS_BENCH_NOOP=ON)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDS_BENCH_NOOP=ON >"$W/cmake.log" 2>&1 \
    && cmake --build build -j"$(nproc)" >>"$W/cmake.log" 2>&1 \
    || { tail -n 30 "$W/cmake.log" >&2; die "plugin build failed"; }
SO=$(find "$ROOT/build" -name frappe_sds.so -type f | head -n 1)
[ -n "$SO" ] || die "build/frappe_sds.so not found"
mkdir -p "$W/plugins-none" "$W/plugins-noop" "$W/plugins-ours"
cp "$SO" "$W/plugins-ours/frappe_sds.so"
[ -f "$ROOT/build/bench/noop_audit.so" ] || die "build/bench/noop_audit.so not built (SDS_BENCH_NOOP)"
cp "$ROOT/build/bench/noop_audit.so" "$W/plugins-noop/noop_audit.so"

# ---- the machine -------------------------------------------------------------
meta mode "$([ $QUICK = 1 ] && echo quick || echo full)${ONLY:+ (only benchmarks ${ONLY:1:-1})}"
meta 'date' "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta 'nproc' "$(nproc)"
meta 'cpu' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
meta 'ram' "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
meta 'kernel' "$(uname -r)"
meta 'mariadb' "$(mariadbd --version | sed 's/^.*Ver //')"
meta 'sysbench' "$(sysbench --version)"
meta 'load average at start' "$(cut -d' ' -f1-3 /proc/loadavg)"
meta 'datadir' "$([ "$base" = /dev/shm ] && echo 'tmpfs (/dev/shm)' || echo "$base")"
meta 'commit' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- core plugin udf sql 2>/dev/null || echo ' + uncommitted changes')"

# ---- the runs ----------------------------------------------------------------
lap "server in $W (mode: $([ $QUICK = 1 ] && echo quick || echo full))"
srv_config ours
q '' "CREATE DATABASE benchaux"
lap "loading the ERPNext v13 site (metadata, customizations, sample data)"
site_db site

if want 1; then bench1_setup site "$B1_ROUNDS"; fi

# the site as a configured master: setup, SymmetricDS's first sync-triggers
# (trigger_hist), two registered branches and an open registration
q site "CALL sds_setup('master', 'branch')" >/dev/null
q site "CALL symplay_sync_triggers()"
add_nodes site
q site "CALL sds_sync_schema()" >/dev/null
[ "$(q site "SELECT COUNT(*) FROM sds_schema_change WHERE state <> 'done'")" = 0 ] \
    || { q site "SELECT table_name, kind, state, message FROM sds_schema_change WHERE state <> 'done' LIMIT 10" >&2
         die "site not settled after setup"; }

if want 4; then bench4_capture site "$B4_ROUNDS" "$B4_ROWS" "$B4_PER_DOC"; fi
if want 5; then bench5_latency site "$B5_DDLS"; fi
if want 6; then bench6_scale "$B6_ROUNDS" "${B6_SCALES[@]}"; fi
if want 2; then
    bench2_oltp "$B2_ROUNDS" "$B2_TABLES" "$B2_SIZE" "$B2_SECS" "$B2_WARM"
    bench2_instr "$B2_CG_ROUNDS" "$B2_CG_EVENTS"
fi
if want 3; then bench3_migrate site "$B3_ROUNDS" "$B3_TABLES"; fi

srv_stop "$SRV" >/dev/null; CUR_CFG=""
note "Load average (1/5/15 min) at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) CPUs; other processes on the machine add noise)."
grep -q 'got signal\|Assertion .* failed' "$SRV/error.log" && die "the server log shows a crash"

lap "writing $OUT"
python3 "$ROOT/bench/lib/report.py" "$RAW" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cp "$RAW" "${OUT%.md}.raw.tsv"
sed -n '/^| figure/,/^$/p' "$OUT"
lap "done: $OUT"
