#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/scale_all.sh -- issue 20's engine figures from one run, one after the other on the
# same machine: a branch's first load on the bundled site (bench/scale.sh, and two at once as
# the end-to-end test runs them: tests/symmetricds_e2e.sh's first two steps), the load rate of a
# big branch on a 1,000,000-row master and the same branch with 4x more rows of the other
# companies (bench/scale.sh --rows), and the fleet figures with 1, 4 and 16 branches: routing
# per captured row, master -> branch latency, one branch offline and its catch-up, the purge
# (bench/fleet.sh). Each part's whole output goes to OUT/<part>.log; this prints each part's
# FIGURE and RESULT lines, its time and the load average, then the figures against their
# targets; last, the capture cost (bench/run.sh --only 4: SymmetricDS's capture trigger with
# and without frappe_sds's company lookup). Not part of the test command (~1 h 30 min on 2
# cores with the issue's hour offline). Run it on a quiet machine: the figures are wall-clock.
#
#   bench/scale_all.sh [--phase S] [--offline S] [--out DIR]
#     --phase, --offline  bench/fleet.sh's (default 180 s of load at each branch count, and
#                         3600 s with one branch offline, as the issue asks)
#     --out               where the logs go (default: a new /tmp/frappe_sds_scale_all.* dir)
# Exit: 0 when every part ran (a missed target does not fail it), 1 when one failed,
# 77 when SymmetricDS is not available (tests/lib/symmetricds.sh).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
phase=180 offline=3600 OUT=
while [ $# -gt 0 ]; do
    case "$1" in
        --phase) phase=$2; shift 2 ;;
        --offline) offline=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "scale_all.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/frappe_sds_scale_all.XXXXXX)
mkdir -p "$OUT" || exit 1
echo "bench/scale_all.sh: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores," \
     "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), start $(date -u '+%F %T') UTC, logs in $OUT"

failed=0
part() {  # part NAME COMMAND...: run it, keep its log, print its figures
    local name=$1 t0 rc; shift
    echo "== $name: $*"
    echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    t0=$(date +%s)
    "$@" >"$OUT/$name.log" 2>&1
    rc=$?
    echo "   exit $rc after $(( $(date +%s) - t0 )) s, load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -E '^(FIGURE|RESULT|INFO isolation)' "$OUT/$name.log" | sed 's/^/   /'
    [ "$rc" = 77 ] && { echo "SKIP: SymmetricDS not available ($name)"; exit 77; }
    [ "$rc" = 0 ] || { failed=1; tail -n 5 "$OUT/$name.log" | sed 's/^/   | /'; }
}
fig() {  # fig LOG NAME: the first value of FIGURE NAME in OUT/LOG.log
    awk -v n="$2" '$1 == "FIGURE" && $2 == n { print $3; exit }' "$OUT/$1.log" 2>/dev/null
}
company='["Quote'\''n \"Double\" Trading"]'

part first_load bench/scale.sh
# the first loads as the test command's end-to-end test runs them: two branches registering at
# once, each SymmetricDS its own process over HTTP (tests/symmetricds_e2e.sh, steps 1 and 2 only)
part e2e_first_loads env E2E_STEPS=none bash tests/symmetricds_e2e.sh
part big_1x bench/scale.sh --rows 1000000 --companies 8 --seed 1 --first-company-rows 120000 \
    --branch-companies "$company"
part big_4x bench/scale.sh --rows 3640000 --companies 8 --seed 1 --first-company-rows 120000 \
    --branch-companies "$company"
part fleet bench/fleet.sh --counts 1,4,16 --phase "$phase" --offline "$offline" --warmup 60
part capture bench/run.sh --only 4 --out "$OUT/capture.md"
capture_row() {  # capture_row PREFIX: the ratio column of bench/run.sh's row starting so
    awk -F' [|] ' -v p="$1" 'index($0, "| " p) == 1 { print $4; exit }' "$OUT/capture.md" 2>/dev/null
}

w1=$(fig big_1x load_phase_s) w4=$(fig big_4x load_phase_s)
echo
echo "== the figures (targets: issue 20)"
printf '%-58s %-28s %s\n' "figure" "target" "measured"
printf '%-58s %-28s %s\n' "first load, bundled site: engine start -> loaded (s)" "<= 60" "$(fig first_load first_load_s)"
printf '%-58s %-28s %s\n' "the same, two branches at once over HTTP (the e2e's)" "<= 60" \
    "$(awk '$1 == "FIGURE" && $2 ~ /^first_load_s_branch-/ { printf "%s%s %s", sep, substr($2, 14), $3; sep = ", " }' "$OUT/e2e_first_loads.log" 2>/dev/null)"
printf '%-58s %-28s %s\n' "load rate, 1M-row master (rows/s of its load phase)" ">= 20,000" "$(fig big_1x load_rate_rows_s)"
printf '%-58s %-28s %s\n' "the same branch, 4x other companies (load phase ratio)" "<= 1.2" \
    "$(awk -v a="${w1:-nan}" -v b="${w4:-nan}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", b / a; else print "nan" }')"
printf '%-58s %-28s %s\n' "routing per captured row, 16 vs 1 branch" "<= 1.2" \
    "$(awk '$1 == "FIGURE" && $2 ~ /^routing_ratio_16_vs_1$/ { print $3 }' "$OUT/fleet.log" 2>/dev/null)"
printf '%-58s %-28s %s\n' "latency master -> branch, 16 branches (ms)" "p99 <= pull period + 2 s" \
    "$(grep -E '^FIGURE (b)?16_latency_ms|^FIGURE branches_16_latency_ms' "$OUT/fleet.log" 2>/dev/null | head -1 | cut -d' ' -f3-)"
printf '%-58s %-28s %s\n' "catch-up after offline (rows/s)" ">= 5,000" "$(fig fleet offline_catch_up_rows_s)"
printf '%-58s %-28s %s\n' "others' p99 while one is offline (ratio)" "<= 1.1" "$(fig fleet others_p99_ratio)"
printf '%-58s %-28s %s\n' "sym_data rows before / after the purge" "bounded, stated" \
    "$(grep -E '^FIGURE sym_data_rows' "$OUT/fleet.log" 2>/dev/null | cut -d' ' -f3- | tr '\n' ' ')"
printf '%-58s %-28s %s\n' "capture with the company lookup vs plain trigger" ">= 0.90" \
    "$(capture_row '4. Capture: Sales Invoice Item') (parent row only: $(capture_row '4. Capture, the cost split'))"
echo "end $(date -u '+%F %T') UTC"
exit $failed
