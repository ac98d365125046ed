#!/bin/bash
# The single test command: deps, build, unit tests (ctest), mtr suite frappe_sds.
# Last line of output is exactly "N passed, N failed" (unit + mtr tests; skipped
# tests are listed with their reason, counted on the line before and never as
# passed). Exit 0 only if nothing failed and at least one test ran.
#
# Results are read from the tools' own reports, not from their screen output:
# ctest --output-junit and mtr --xml-report (+ its --result-file, which marks
# a test that passed but left the server changed), read by
# scripts/lib/test_results.py. mtr runs from a private overlay of the
# installed mysql-test tree (scripts/lib/mtr_overlay.sh) that holds this
# checkout's suite: nothing is written into the installed tree, no lock is
# shared, and checkouts on one machine run the command at the same time.
#
# Env knobs:
#   FRAPPE_SDS_PLUGIN_DIR   where frappe_sds.so is (default: build/, or wherever
#                           the build put it)
#   FRAPPE_SDS_MTR_ARGS     extra mtr arguments (e.g. a test name: "zz_plumbing")
#   FRAPPE_SDS_KEEP_VARDIR=1  keep the mtr vardir (logs) after the run
#   FRAPPE_SDS_MTR_HOME     the installed mysql-test tree the overlay mirrors
#                           (default /usr/share/mysql/mysql-test)
#   FRAPPE_SDS_SHELL_TESTS  "a b": only these tests/*.sh ("none": none)
#   FRAPPE_SDS_SKIP_BENCH=1 skip bench/run.sh --quick
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"
export FRAPPE_SDS_SQL="${FRAPPE_SDS_SQL:-$ROOT/build/sql}"   # assembled by the build

MTR_HOME=${FRAPPE_SDS_MTR_HOME:-/usr/share/mysql/mysql-test}   # the installed tree
pass=0; fail=0; skip=0
failed_names=()
# this run's own files (reports, logs, the mtr overlay); removed at exit
RUN=$(mktemp -d "${TMPDIR:-/tmp}/frappe_sds_test.XXXXXX")
VARDIR=
cleanup() {
    if [ -n "$VARDIR" ] && [ "${FRAPPE_SDS_KEEP_VARDIR:-0}" = 1 ]; then echo "mtr vardir kept: $VARDIR"
    elif [ -n "$VARDIR" ]; then rm -rf "$VARDIR"; fi
    rm -rf "$RUN"
}
trap cleanup EXIT

note() { echo "== $*"; }
# count_rows <label> <failed-name prefix>: reads test_results.py rows
# (status TAB name TAB reason)
count_rows() {
    local label=$1 prefix=$2 status name reason
    while IFS=$'\t' read -r status name reason; do
        [ -n "$name" ] || continue
        case "$status" in
            pass) pass=$((pass + 1)) ;;
            skip) skip=$((skip + 1)); echo "  $label $name SKIPPED: $reason" ;;
            *) fail=$((fail + 1)); failed_names+=("$prefix$name"); echo "  $label $name FAILED: $reason" ;;
        esac
    done
}

# ---------------------------------------------------------------- deps
note "deps"
if ! "$ROOT/scripts/deps.sh"; then
    echo "deps.sh failed"; echo "0 passed, 1 failed"; exit 1
fi

# ---------------------------------------------------------------- build
built=0
if [ -f "$ROOT/CMakeLists.txt" ]; then
    note "build (cmake, RelWithDebInfo)"
    build_log=$(mktemp)
    if cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build_log" 2>&1 \
       && cmake --build build -j2 >>"$build_log" 2>&1; then
        built=1
    else
        echo "BUILD FAILED:"; tail -n 80 "$build_log"
        fail=$((fail + 1)); failed_names+=("build")
    fi
    rm -f "$build_log"
else
    note "no CMakeLists.txt yet: skipping the build and the unit tests"
fi

# ---------------------------------------------------------------- unit tests
if [ $built = 1 ]; then
    note "unit tests (ctest)"
    ctest --test-dir build --output-on-failure --output-junit "$RUN/ctest.xml"
    if rows=$(python3 "$ROOT/scripts/lib/test_results.py" ctest "$RUN/ctest.xml"); then
        count_rows ctest ctest: <<<"$rows"
    else
        fail=$((fail + 1)); failed_names+=("ctest-report")
    fi

    # the core's unit tests again under ASan/UBSan/LSan (failure injection
    # included: leaks on error paths show up here)
    note "unit tests under ASan/UBSan (build-asan)"
    asan_log=$(mktemp)
    if cmake -S . -B build-asan -DSDS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >"$asan_log" 2>&1 \
       && cmake --build build-asan -j2 --target test_quote test_plan test_config test_oom test_harden test_fuzz >>"$asan_log" 2>&1; then
        for t in quote plan config oom harden fuzz; do
            if SDS_FUZZ_SECONDS=30 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
               "build-asan/test_$t" >>"$asan_log" 2>&1; then
                pass=$((pass + 1)); echo "  asan unit_$t passed"
            else
                fail=$((fail + 1)); failed_names+=("asan:unit_$t"); echo "  asan unit_$t FAILED"
            fi
        done
    else
        fail=$((fail + 1)); failed_names+=("asan-build")
    fi
    grep -E "ERROR|runtime error|check failed|leak" "$asan_log" | head -40
    rm -f "$asan_log"
fi

# ---------------------------------------------------------------- benchmarks
# quick mode only: the benchmarks keep working (targets are not gated here;
# bench/run.sh regenerates bench/RESULTS.md)
if [ $built = 1 ] && [ -x "$ROOT/bench/run.sh" ] && [ "${FRAPPE_SDS_SKIP_BENCH:-0}" != 1 ]; then
    note "benchmarks, quick mode (bench/run.sh --quick)"
    if "$ROOT/bench/run.sh" --quick > "$RUN/bench_quick.log" 2>&1; then
        pass=$((pass + 1)); echo "  bench quick passed"
    else
        fail=$((fail + 1)); failed_names+=("bench-quick")
        echo "  bench quick FAILED:"; tail -n 30 "$RUN/bench_quick.log"
    fi
fi

# ---------------------------------------------------------------- server-level shell tests
# Every tests/*.sh with a "# test: <what it checks>" line, in name order. Each
# starts its own servers (own datadir, socket and --tmpdir). Exit 0 = passed,
# 77 = skipped (its last output line says why: reported, never counted as
# passed), anything else = failed. FRAPPE_SDS_SHELL_TESTS="a b" runs only
# those (names without .sh).
if [ $built = 1 ]; then
    for t in "$ROOT"/tests/*.sh; do
        [ -x "$t" ] || continue
        what=$(sed -n 's/^# test: //p' "$t" | head -n 1)
        [ -n "$what" ] || continue
        name=$(basename "$t" .sh)
        if [ -n "${FRAPPE_SDS_SHELL_TESTS:-}" ]; then
            case " $FRAPPE_SDS_SHELL_TESTS " in *" $name "*) ;; *) continue ;; esac
        fi
        log="$RUN/shell_$name.log"
        note "$what (tests/$name.sh)"
        t0=$(date +%s)
        "$t" > "$log" 2>&1 </dev/null
        rc=$?
        secs=$(( $(date +%s) - t0 ))
        case $rc in
            0) pass=$((pass + 1)); echo "  $name passed ($secs s)" ;;
            77) skip=$((skip + 1)); echo "  $name SKIPPED: $(tail -n 1 "$log")" ;;
            *) fail=$((fail + 1)); failed_names+=("$name")
               echo "  $name FAILED (exit $rc, $secs s):"; tail -n 40 "$log" ;;
        esac
        rm -f "$log"
    done
fi

# ---------------------------------------------------------------- mtr
if [ -z "${FRAPPE_SDS_PLUGIN_DIR:-}" ]; then
    FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
    if [ ! -f "$FRAPPE_SDS_PLUGIN_DIR/frappe_sds.so" ] && [ -d "$ROOT/build" ]; then
        so=$(find "$ROOT/build" -name frappe_sds.so -type f 2>/dev/null | head -n 1)
        [ -n "$so" ] && FRAPPE_SDS_PLUGIN_DIR=$(dirname "$so")
    fi
fi
export FRAPPE_SDS_PLUGIN_DIR

if [ ! -x "$MTR_HOME/mariadb-test-run.pl" ]; then
    echo "mtr not found at $MTR_HOME (package mariadb-test)"
    fail=$((fail + 1)); failed_names+=("mtr-missing")
else
    # mtr finds out-of-tree suites only under <its cwd>/../mysql-test/plugin/*/:
    # a private overlay of the installed tree with this checkout's suite in
    # it (scripts/lib/mtr_overlay.sh says why it is built as it is).
    . "$ROOT/scripts/lib/mtr_overlay.sh"
    if ! MTR_DIR=$(mtr_overlay "$RUN/mtr" "$ROOT/mysql-test/frappe_sds" "$MTR_HOME"); then
        fail=$((fail + 1)); failed_names+=("mtr-overlay")
        echo "$skip skipped"; echo "$pass passed, $fail failed"; exit 1
    fi

    # vardir on tmpfs when there is room: the site fixture (1003 InnoDB tables)
    # loads ~2.5x faster there than on disk.
    base=${TMPDIR:-/tmp}
    if [ -d /dev/shm ] && [ -w /dev/shm ] && \
       [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 2097152 ]; then
        base=/dev/shm
    fi
    VARDIR=$(mktemp -d "$base/frappe_sds_mtr.XXXXXX")
    MTR_LOG="$RUN/mtr.log"

    note "mtr suite frappe_sds (plugin dir $FRAPPE_SDS_PLUGIN_DIR, vardir $VARDIR)"
    t0=$(date +%s)
    # --xml-report: every test's status, skip reason and failure log;
    # --result-file ($VARDIR/mtr-results.txt): per test also "warning" when
    # mtr's check-testcase found state the test left behind (the XML says
    # "passed" for those).
    # shellcheck disable=SC2086
    (cd "$MTR_DIR" && perl mariadb-test-run.pl --vardir="$VARDIR" --parallel=1 --force \
        --max-test-fail=0 --suite=frappe_sds \
        --xml-report="$RUN/mtr.xml" --result-file \
        ${FRAPPE_SDS_MTR_ARGS:-}) >"$MTR_LOG" 2>&1
    mtr_rc=$?
    t1=$(date +%s)
    grep -E "\[ [a-z-]+ \]" "$MTR_LOG" | sed 's/^/  /'   # mtr's own result lines, for the reader
    p0=$pass f0=$fail s0=$skip
    if [ -f "$RUN/mtr.xml" ] && \
       rows=$(python3 "$ROOT/scripts/lib/test_results.py" mtr "$RUN/mtr.xml" "$VARDIR/mtr-results.txt"); then
        count_rows mtr "" <<<"$rows"
        if [ $((fail - f0)) -gt 0 ]; then
            echo "---- mtr failure output ----"
            python3 "$ROOT/scripts/lib/test_results.py" --details mtr "$RUN/mtr.xml" "$VARDIR/mtr-results.txt"
            echo "----------------------------"
        fi
    fi
    mp=$((pass - p0)) mf=$((fail - f0)) ms=$((skip - s0))
    echo "mtr: $mp passed, $mf failed, $ms skipped in $((t1 - t0)) s (mtr exit $mtr_rc)"
    if [ $((mp + mf + ms)) -eq 0 ]; then
        echo "mtr ran no test (or wrote no report); its output:"; tail -n 40 "$MTR_LOG"
        fail=$((fail + 1)); failed_names+=("mtr-run")
    elif [ $mtr_rc -ne 0 ] && [ $mf -eq 0 ]; then
        # e.g. aborted after some tests, or warnings in the server logs
        # found at shutdown: mtr failed though no test of its report did
        echo "mtr exited $mtr_rc with no failed test in its report; its output:"; tail -n 40 "$MTR_LOG"
        fail=$((fail + 1)); failed_names+=("mtr-exit")
    fi
fi

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
