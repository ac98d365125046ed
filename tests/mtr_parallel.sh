#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: two mtr runs at once from two private overlays (two checkouts' suites) both pass, each sees only its own suite, and the installed mysql-test tree is not written
# The test command runs mtr from a per-run overlay of the installed
# mysql-test tree (scripts/lib/mtr_overlay.sh) instead of a link in
# /usr/share/mysql/mysql-test under a machine-wide lock. This starts two mtr
# runs at the same time, as two checkouts would: A with this checkout's
# suite, B with a copy that has one test more (only_b). Both must pass, run
# overlapping in time, B must run only_b and A must not know it, and no
# file or directory under the installed tree may change: where the test
# may make a private mount namespace (root, unshare), it runs with the
# installed tree bind-mounted read-only, so any write by the runs fails;
# everywhere it also checks with find -newer a stamp taken before.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/lib/mtr_overlay.sh"
SYS=${FRAPPE_SDS_MTR_HOME:-/usr/share/mysql/mysql-test}
fail() { echo "FAIL: $*"; exit 1; }

[ -x "$SYS/mariadb-test-run.pl" ] || { echo "mtr not installed at $SYS (package mariadb-test)"; exit 77; }
# the installed tree read-only for this process and its children only
if [ -z "${SDS_MTR_PARALLEL_NS:-}" ] && [ "$(id -u)" = 0 ] \
   && unshare -m --propagation private true 2>/dev/null; then
    exec env SDS_MTR_PARALLEL_NS=1 unshare -m --propagation private "$0" "$@"
fi
ro=0
if [ "${SDS_MTR_PARALLEL_NS:-}" = 1 ]; then
    mount --bind "$SYS" "$SYS" && mount -o remount,bind,ro "$SYS" || fail "read-only bind mount of $SYS"
    touch "$SYS/.frappe_sds_probe" 2>/dev/null && { rm -f "$SYS/.frappe_sds_probe"; fail "$SYS is still writable"; }
    ro=1
    echo "   $SYS is read-only for this test's processes (private mount namespace)"
fi
PLUGIN_DIR=${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}
[ -f "$PLUGIN_DIR/frappe_sds.so" ] || fail "no frappe_sds.so in $PLUGIN_DIR (build first)"

T=$(mktemp -d "${TMPDIR:-/tmp}/frappe_sds_mtr_parallel.XXXXXX")
trap 'rm -rf "$T"' EXIT
touch "$T/stamp"
sleep 1   # mtime granularity: anything written from now on is newer

# B: a second "checkout" of the suite with a test A does not have
cp -r "$ROOT/mysql-test/frappe_sds" "$T/suite_b"
printf -- "--echo # only in checkout B\nSELECT 'b' AS checkout;\n" >"$T/suite_b/t/only_b.test"
printf -- "# only in checkout B\nSELECT 'b' AS checkout;\ncheckout\nb\n" >"$T/suite_b/r/only_b.result"

A_DIR=$(mtr_overlay "$T/ov_a" "$ROOT/mysql-test/frappe_sds" "$SYS") || fail "overlay A"
B_DIR=$(mtr_overlay "$T/ov_b" "$T/suite_b" "$SYS") || fail "overlay B"

run() {   # run <name> <mtr dir> <tests...>
    local name=$1 dir=$2; shift 2
    mkdir -p "$T/var_$name"
    date +%s.%N >"$T/start_$name"
    (cd "$dir" && FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$PLUGIN_DIR" \
        FRAPPE_SDS_SQL="${FRAPPE_SDS_SQL:-$ROOT/build/sql}" \
        perl mariadb-test-run.pl --vardir="$T/var_$name" --parallel=1 --force \
        --max-test-fail=0 --suite=frappe_sds --xml-report="$T/$name.xml" --result-file \
        "$@") >"$T/$name.log" 2>&1
    echo $? >"$T/rc_$name"
    date +%s.%N >"$T/end_$name"
}
run a "$A_DIR" plugin_version &
pa=$!
run b "$B_DIR" plugin_version only_b &
pb=$!
wait $pa $pb

for n in a b; do
    [ "$(cat "$T/rc_$n")" = 0 ] || { tail -n 30 "$T/$n.log"; fail "mtr run $n exited $(cat "$T/rc_$n")"; }
    python3 "$ROOT/scripts/lib/test_results.py" mtr "$T/$n.xml" "$T/var_$n/mtr-results.txt" >"$T/$n.rows" \
        || fail "run $n: no readable report"
    sed 's/^/   '"$n"': /' "$T/$n.rows"
done
[ "$(cut -f1,2 "$T/a.rows")" = "$(printf 'pass\tfrappe_sds.plugin_version')" ] || fail "run A: $(cat "$T/a.rows")"
[ "$(cut -f1,2 "$T/b.rows")" = "$(printf 'pass\tfrappe_sds.only_b\npass\tfrappe_sds.plugin_version')" ] \
    || fail "run B: $(cat "$T/b.rows")"
# A's overlay does not see B's test (each run reads its own checkout)
(cd "$A_DIR" && FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$PLUGIN_DIR" \
    perl mariadb-test-run.pl --vardir="$T/var_a2" --suite=frappe_sds only_b) >"$T/a2.log" 2>&1 \
    && fail "run A found B's test only_b"
# the two runs overlapped in time
overlap=$(awk -v sa="$(cat "$T/start_a")" -v sb="$(cat "$T/start_b")" \
              -v ea="$(cat "$T/end_a")" -v eb="$(cat "$T/end_b")" \
              'BEGIN { s = sa > sb ? sa : sb; e = ea < eb ? ea : eb; print (s < e) ? "yes" : "no" }')
[ "$overlap" = yes ] || fail "the two runs did not overlap in time"
# nothing under the installed tree changed. (plugin/frappe_sds is left
# out: it is the link the test command of earlier releases rewrote on every
# run, and other checkouts of this machine still running that command
# rewrite it meanwhile; the overlays ignore it.)
changed=$(find "$SYS" -newer "$T/stamp" -not -path "$SYS/plugin/frappe_sds" \
               -not -path "$SYS/plugin/frappe_sds/*" 2>/dev/null | head -n 5)
[ -z "$changed" ] || fail "the installed mysql-test tree was written: $changed"
echo "   both runs passed at the same time; $SYS unchanged$([ $ro = 1 ] && echo " (and read-only for them)")"
echo "mtr_parallel passed"
