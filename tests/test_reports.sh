#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the test command reads ctest's JUnit and mtr's XML report right: a failing, a self-skipped (with its reason), a disabled and a missing ctest test; an mtr test that fails, one that skips itself (reason kept), and one that passes but leaves the server changed (check-testcase: failed)
# scripts/lib/test_results.py is what scripts/test.sh counts with; this
# feeds it the real tools' reports of tests made to end each way.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/lib/mtr_overlay.sh"
SYS=${FRAPPE_SDS_MTR_HOME:-/usr/share/mysql/mysql-test}
PLUGIN_DIR=${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}
R="python3 $ROOT/scripts/lib/test_results.py"
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/frappe_sds_test_reports.XXXXXX")
trap 'rm -rf "$T"' EXIT

# ---- ctest: pass, fail, skip (SKIP_RETURN_CODE), disabled, missing executable
mkdir -p "$T/ct"
cat >"$T/ct/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(reports NONE)
enable_testing()
add_test(NAME ok COMMAND true)
add_test(NAME bad COMMAND false)
add_test(NAME skipper COMMAND sh -c "echo 'no widget here'; exit 77")
set_tests_properties(skipper PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME off COMMAND true)
set_tests_properties(off PROPERTIES DISABLED ON)
add_test(NAME missing COMMAND /nonexistent/frappe_sds_test)
EOF
cmake -S "$T/ct" -B "$T/ct/b" >"$T/ct.log" 2>&1 || { cat "$T/ct.log"; fail "cmake"; }
ctest --test-dir "$T/ct/b" --output-junit "$T/ct.xml" >>"$T/ct.log" 2>&1
got=$($R ctest "$T/ct.xml") || fail "ctest report unreadable"
want=$(printf '%s\n' "pass	ok	" "fail	bad	" "skip	skipper	no widget here (SKIP_RETURN_CODE=77)" \
        "skip	off	disabled (DISABLED property)" "fail	missing	Unable to find executable")
[ "$(cut -f1,2 <<<"$got")" = "$(cut -f1,2 <<<"$want")" ] || { diff <(echo "$want") <(echo "$got"); fail "ctest rows"; }
grep -q "^skip	skipper	no widget here" <<<"$got" || fail "ctest skip reason: $got"
echo "   ctest: $(cut -f1 <<<"$got" | sort | uniq -c | xargs)"

# ---- mtr: pass, fail, self-skip with a reason, check-testcase failure
[ -x "$SYS/mariadb-test-run.pl" ] || { echo "mtr not installed at $SYS (package mariadb-test)"; exit 77; }
[ -f "$PLUGIN_DIR/frappe_sds.so" ] || fail "no frappe_sds.so in $PLUGIN_DIR (build first)"
mkdir -p "$T/suite/t" "$T/suite/r"
cp "$ROOT/mysql-test/frappe_sds/suite.opt" "$ROOT/mysql-test/frappe_sds/suite.pm" "$T/suite/"
printf 'SELECT 1 AS one;\n' >"$T/suite/t/r_pass.test"
printf 'SELECT 1 AS one;\none\n1\n' >"$T/suite/r/r_pass.result"
printf 'SELECT 2 AS two;\n' >"$T/suite/t/r_fail.test"
printf 'SELECT 2 AS two;\ntwo\n3\n' >"$T/suite/r/r_fail.result"
printf -- '--skip no widget on this server, "quoted" & <bracketed>\n' >"$T/suite/t/r_skip.test"
printf 'CREATE TABLE test.left_behind (a INT);\n' >"$T/suite/t/r_leak.test"
printf 'CREATE TABLE test.left_behind (a INT);\n' >"$T/suite/r/r_leak.result"
MT=$(mtr_overlay "$T/ov" "$T/suite" "$SYS") || fail "overlay"
(cd "$MT" && FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$PLUGIN_DIR" \
    perl mariadb-test-run.pl --vardir="$T/var" --parallel=1 --force --max-test-fail=0 \
    --suite=frappe_sds --xml-report="$T/mtr.xml" --result-file \
    r_pass r_fail r_skip r_leak) >"$T/mtr.log" 2>&1
got=$($R mtr "$T/mtr.xml" "$T/var/mtr-results.txt") || { tail -n 30 "$T/mtr.log"; fail "mtr report unreadable"; }
want=$(printf '%s\n' "fail	frappe_sds.r_fail	failed" \
        "fail	frappe_sds.r_leak	check-testcase: the test left the server changed" \
        "pass	frappe_sds.r_pass	" \
        "skip	frappe_sds.r_skip	skipped: no widget on this server, \"quoted\" & <bracketed>")
[ "$(sort <<<"$got")" = "$want" ] || { diff <(echo "$want") <(sort <<<"$got"); tail -n 30 "$T/mtr.log"; fail "mtr rows"; }
# the failure output is mtr's own: the diff of r_fail, the check of r_leak
det=$($R --details mtr "$T/mtr.xml" "$T/var/mtr-results.txt")
grep -q '^+3$\|^-3$' <<<"$det" || { echo "$det"; fail "r_fail's diff missing from the details"; }
grep -q '^+left_behind$' <<<"$det" || { echo "$det"; fail "r_leak's check-testcase diff missing from the details"; }
echo "   mtr: $(cut -f1 <<<"$got" | sort | uniq -c | xargs)"
echo "test_reports passed"
