#!/bin/bash
# The single test command: deps, build, unit tests (ctest), mtr suite frappe_sds.
# Last line of output is exactly "N passed, N failed" (unit + mtr tests; skipped
# mtr tests are reported on the line before and not counted).
# Exit 0 only if nothing failed and at least one test ran.
#
# Env knobs:
#   FRAPPE_SDS_PLUGIN_DIR   where frappe_sds.so is (default: build/, or wherever
#                           the build put it)
#   FRAPPE_SDS_MTR_ARGS     extra mtr arguments (e.g. a test name: "zz_plumbing")
#   FRAPPE_SDS_KEEP_VARDIR=1  keep the mtr vardir (logs) after the run
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"
export FRAPPE_SDS_SQL="${FRAPPE_SDS_SQL:-$ROOT/build/sql}"   # assembled by the build

MTR_HOME=/usr/share/mysql/mysql-test
pass=0; fail=0; skip=0
failed_names=()

note() { echo "== $*"; }

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
    ctest_log=$(mktemp)
    ctest --test-dir build --output-on-failure >"$ctest_log" 2>&1
    cat "$ctest_log"
    # "  1/12 Test  #1: name .....   Passed    0.01 sec" / "***Failed" / "***Not Run (Disabled)" ...
    while IFS=$'\t' read -r name status; do
        case "$status" in
            Passed*) pass=$((pass + 1)) ;;
            Skipped*|*Disabled*) skip=$((skip + 1)) ;;
            *) fail=$((fail + 1)); failed_names+=("ctest:$name") ;;
        esac
    done < <(awk '/^ *[0-9]+\/[0-9]+ +Test +#[0-9]+: / {
                 rest = $0; sub(/^[^#]*#[0-9]+: /, "", rest)
                 name = rest; sub(/ .*/, "", name)
                 st = substr(rest, length(name) + 1); sub(/^ *\.*[ *]*/, "", st)
                 sub(/ +[0-9.]+ sec.*$/, "", st)
                 print name "\t" st }' "$ctest_log")
    rm -f "$ctest_log"

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
    if "$ROOT/bench/run.sh" --quick > /tmp/frappe_sds_bench_quick.log 2>&1; then
        pass=$((pass + 1)); echo "  bench quick passed"
    else
        fail=$((fail + 1)); failed_names+=("bench-quick")
        echo "  bench quick FAILED:"; tail -n 30 /tmp/frappe_sds_bench_quick.log
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
        log=$(mktemp "/tmp/frappe_sds_$name.XXXXXX.log")
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
    # mtr finds out-of-tree suites only under $MTR_HOME/plugin/<x>/<suite>
    # (--suite=<path> does not work: mtr splits the name at '-', and the
    # path contains "mysql-test"). Point the link at THIS checkout.
    mkdir -p "$MTR_HOME/plugin/frappe_sds"
    if [ -d "$MTR_HOME/plugin/frappe_sds/frappe_sds" ] && [ ! -L "$MTR_HOME/plugin/frappe_sds/frappe_sds" ]; then
        echo "ERROR: $MTR_HOME/plugin/frappe_sds/frappe_sds is a real directory, expected a symlink"
        echo "0 skipped"; echo "$pass passed, $((fail + 1)) failed"; exit 1
    fi
    # The link is machine-wide: runs from other checkouts of this machine
    # (git worktrees) wait for each other here instead of testing each
    # other's code. Released when this script exits.
    exec 9>/tmp/frappe_sds_mtr.lock
    if ! flock -n 9; then
        echo "== waiting for another checkout's mtr run (/tmp/frappe_sds_mtr.lock)"
        flock 9
    fi
    ln -sfn "$ROOT/mysql-test/frappe_sds" "$MTR_HOME/plugin/frappe_sds/frappe_sds"

    # vardir on tmpfs when there is room: the site fixture (1003 InnoDB tables)
    # loads ~2.5x faster there than on disk.
    base=${TMPDIR:-/tmp}
    if [ -d /dev/shm ] && [ -w /dev/shm ] && \
       [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 2097152 ]; then
        base=/dev/shm
    fi
    VARDIR=$(mktemp -d "$base/frappe_sds_mtr.XXXXXX")
    cleanup() {
        if [ "${FRAPPE_SDS_KEEP_VARDIR:-0}" = 1 ]; then echo "mtr vardir kept: $VARDIR"
        else rm -rf "$VARDIR"; fi
    }
    trap cleanup EXIT
    MTR_LOG="$VARDIR.log"

    note "mtr suite frappe_sds (plugin dir $FRAPPE_SDS_PLUGIN_DIR, vardir $VARDIR)"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$MTR_HOME" && perl mariadb-test-run.pl --vardir="$VARDIR" --parallel=1 --force \
        --max-test-fail=0 --suite=frappe_sds \
        ${FRAPPE_SDS_MTR_ARGS:-}) >"$MTR_LOG" 2>&1
    mtr_rc=$?
    t1=$(date +%s)
    # result lines: "frappe_sds.name ['combination'] [ pass ]  123"
    res=$(sed -nE "s/^(w[0-9]+ )?(frappe_sds\.[^ ]+( '[^']*')?) +\[ ([a-z-]+) \].*/\2\t\4/p" "$MTR_LOG")
    # tests that passed but left state behind: mtr prints them at the end as
    # "Check of testcase failed for: a b" (the result line still says pass)
    checkfail=" $(sed -nE 's/^Check of testcase failed for: *//p' "$MTR_LOG" | tr '\n' ' ') "
    mp=0; mf=0; ms=0
    while IFS=$'\t' read -r name status; do
        [ -n "$name" ] || continue
        case "$checkfail" in *" $name "*) status=check-testcase-fail ;; esac
        case "$status" in
            pass|retry-pass) mp=$((mp + 1)) ;;
            skipped|disabled) ms=$((ms + 1)) ;;
            *) mf=$((mf + 1)); failed_names+=("$name") ;;
        esac
    done <<<"$res"
    echo "mtr: $mp passed, $mf failed, $ms skipped in $((t1 - t0)) s (mtr exit $mtr_rc)"
    grep -E "\[ (pass|fail|skipped|disabled|retry-[a-z]+) \]" "$MTR_LOG" | sed 's/^/  /'
    if [ $mf -gt 0 ]; then
        echo "---- mtr failure output ----"
        # a failure block runs from its "[ fail ]" line to mtr's " - saving" line;
        # a check-testcase block from "MTR's internal check" to "not ok"
        awk '/\[ (fail|retry-fail) \]/ || /^MTR.s internal check of the test case/ {on=1}
             on {print}
             /^ - saving|^ - found|^Retrying|^not ok/ {on=0}' "$MTR_LOG"
        grep -E '^Check of testcase failed for:' "$MTR_LOG"
        echo "----------------------------"
    fi
    if [ $((mp + mf + ms)) -eq 0 ]; then
        echo "mtr ran no test; its output:"; tail -n 40 "$MTR_LOG"
        fail=$((fail + 1)); failed_names+=("mtr-run")
    fi
    rm -f "$MTR_LOG"
    pass=$((pass + mp)); fail=$((fail + mf)); skip=$((skip + ms))
fi

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$skip skipped"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
