#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: end to end on SymmetricDS 3.15.9's own engine: master + 2 branches on separate servers
# The master site and two branch sites, each on its OWN mariadbd with its OWN database
# name, replicate through SymmetricDS's real engine (built from its source by
# shared/symmetricds/build.sh and build-server.sh; each node its own SymmetricDS server
# process over HTTP on 127.0.0.1, started from the engine file
# frappe_sds.sds_engine_properties() writes). tests/e2e/E2E.java proves company isolation of first
# loads and live changes both ways (child rows, a company name full of quotes, backslash,
# backtick and "$("), hub forwarding between two branches of one company, ALTERs of every
# kind Frappe's migrate issues ending in done (without a full sync-triggers), a new
# DocType, remote SQL and branch onboarding from sds_add_branch; a site's account (the
# master's, a branch's) reaches no SymmetricDS table and runs no code as SymmetricDS.
#   SYMMETRICDS_HOME, FRAPPE_SDS_CACHE: see tests/lib/symmetricds.sh
#   E2E_KEEP=1         keep the work dir (logs) ; E2E_ROUTING_MS routing job period (1000)
#   E2E_STEPS="5 12"   only those steps after 1 and 2 (working on a step; not for the test command)
#   E2E_TRANSPORT=internal  the engines in the driver's JVM over SymmetricDS's internal
#                      transport (default http: one server process per node)
#   E2E_LAYOUT=classic the master's frappe_sds and sym_* tables, and each branch's sym_*
#                      tables, in their site databases (default runtime: in their runtime
#                      databases sym_<site db>, docs/topology.md, set up by the DBA's steps at
#                      each server, SymmetricDS running as its own account on each)
#   E2E_BRANCH_ATTACK_CONTROL=1  step 16's negative control (tests/e2e/BranchAttacks.java)
# Prints FIGURE lines (bench/) and the engines' log tail on failure. Exit 77 = skipped.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# --- SymmetricDS's source build ------------------------------------------------------
. tests/lib/symmetricds.sh
symmetricds_build build-server.sh
( flock 9; "$SDS/build-server.sh" "$BUILD" ) 9>"$(dirname "$BUILD")/.symmetricds.lock" \
    >"$(dirname "$BUILD")/symmetricds-server-build.log" 2>&1 || {
    tail -n 20 "$(dirname "$BUILD")/symmetricds-server-build.log"; echo "FAIL: building SymmetricDS's server"; exit 1; }
SCP=$(cat "$BUILD/server-classpath.txt")
TRANSPORT=${E2E_TRANSPORT:-http}

# --- the project's build -------------------------------------------------------------
export FRAPPE_SDS_SRC="$ROOT"
[ -f "$ROOT/build/frappe_sds.so" ] || { echo "FAIL: build/frappe_sds.so missing (cmake --build build)"; exit 1; }
export FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
. tests/lib/worker.sh
[ -f "$FRAPPE_SDS_SQL/install.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/install.sql missing"; exit 1; }
[ -f "$FRAPPE_SDS_SQL/dba.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/dba.sql missing"; exit 1; }

W=$(mktemp -d /dev/shm/frappe_sds_e2e.XXXXXX 2>/dev/null || mktemp -d)
mkdir -p "$W/classes" "$W/work"
javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" tests/e2e/*.java >"$W/javac.log" 2>&1 || {
    cat "$W/javac.log"; rm -rf "$W"; echo "FAIL: compiling tests/e2e"; exit 1; }

cleanup() {
    [ -n "${JPID:-}" ] && kill "$JPID" 2>/dev/null
    # the nodes' server processes, should the driver not have stopped them
    pkill -f -- "-Djava.io.tmpdir=$W/work/home-" 2>/dev/null
    for s in m b1 b2; do srv_stop "$W/$s" >/dev/null 2>&1; done
    if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# three servers: the master with the plugin, two branches without (a branch needs none)
# (the worker as a DBA provisions it: its account, for the master site only)
# shellcheck disable=SC2046
srv_start "$W/m" --plugin-load-add=frappe_sds.so --max-connections=300 --table-open-cache=4000 \
    $(worker_pwfile "$W/m") --loose-frappe-sds-databases=erp_master >/dev/null 2>&1 \
    || { tail -n 20 "$W/m/error.log"; echo "FAIL: master server start"; exit 1; }
for s in b1 b2; do
    srv_start "$W/$s" --max-connections=300 --table-open-cache=4000 >/dev/null 2>&1 \
        || { tail -n 20 "$W/$s/error.log"; echo "FAIL: $s server start"; exit 1; }
done
FX=$ROOT/fixtures
site() {  # the fixture site WITHOUT sym_* tables: each engine makes its own
    local dir=$1 db=$2; shift 2
    srv_sql "$dir" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
        _srv_site_stream "$@" | srv_sql "$dir" "$db"
}
t0=$(date +%s)
# different database names on every server: a name of the master's resolves nowhere else
site "$W/m" erp_master "$FX/erpnext-v13.15.2-metadata.sql.gz" "$FX/erpnext-v13.15.2-site-customizations.sql.gz" \
    "$FX/erpnext-v13.15.2-sample-data.sql.gz" || { echo "FAIL: master site load"; exit 1; }
site "$W/b1" site_alpha "$FX/erpnext-v13.15.2-metadata.sql.gz" "$FX/erpnext-v13.15.2-site-customizations.sql.gz" \
    || { echo "FAIL: branch-a site load"; exit 1; }
site "$W/b2" br_beta "$FX/erpnext-v13.15.2-metadata.sql.gz" "$FX/erpnext-v13.15.2-site-customizations.sql.gz" \
    || { echo "FAIL: branch-b site load"; exit 1; }
# A branch site is made by `bench new-site` with the same apps, not copied from the master:
# Frappe names child rows by a random hash, so its DocField and DocPerm rows have names of
# their own, and its setup wrote settings of its own (tabSingles, which has no key). The
# first load must leave it with the master's rows only (E2E.isolation, step 2).
for s in "b1 site_alpha" "b2 br_beta"; do
    set -- $s
    srv_sql "$W/$1" "$2" -e "UPDATE tabDocField SET name = LEFT(SHA1(CONCAT('$2:', name)), 10);
        UPDATE tabDocPerm SET name = LEFT(SHA1(CONCAT('$2:', name)), 10);
        INSERT INTO tabSingles (doctype, field, value) VALUES ('System Settings', 'time_zone', 'Asia/Kolkata'),
            ('System Settings', 'country', 'India'), ('Global Defaults', 'default_currency', 'INR')" \
        || { echo "FAIL: $2: a site of its own"; exit 1; }
done
worker_account "$W/m" erp_master || { echo "FAIL: worker account"; exit 1; }
echo "sites loaded in $(( $(date +%s) - t0 )) s"

# the nodes' log (HTTP: the server processes append to it; internal: the driver's engines);
# the driver's own SymmetricDS log lines (the bootstrap of the sym_* tables) apart
LOG=$W/engines.log
DLOG=$LOG; [ "$TRANSPORT" = internal ] || DLOG=$W/driver.log
java -Xmx2g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
     -Dorg.slf4j.simpleLogger.logFile="$DLOG" -Dorg.slf4j.simpleLogger.showDateTime=true \
     -Djava.io.tmpdir="$W/work" -Djava.util.logging.config.file=/dev/null \
     -De2e.transport="$TRANSPORT" -De2e.serverCp="$SCP" \
     -De2e.installSql="$FRAPPE_SDS_SQL/install.sql" -De2e.dbaSql="$FRAPPE_SDS_SQL/dba.sql" \
     -De2e.runtimeSql="$FRAPPE_SDS_SQL/runtime.sql" -De2e.layout="${E2E_LAYOUT:-runtime}" -De2e.routingMs="${E2E_ROUTING_MS:-1000}" \
     -cp "$W/classes:$CP" e2e.E2E "$W/m/sock" erp_master "$W/b1/sock" site_alpha "$W/b2/sock" br_beta \
     "$W/work" "$ROOT" "$LOG" >"$W/out.txt" 2>&1 &
JPID=$!
# bounded: the whole scenario must finish well inside CI's budget
LIMIT=${E2E_TIMEOUT_S:-2400}
: >>"$W/out.txt"
( tail -n +1 -f "$W/out.txt" --pid=$JPID & wait ) &
TPID=$!
s=0 TIMEDOUT=
while kill -0 "$JPID" 2>/dev/null; do
    sleep 2; s=$((s + 2))
    if [ $s -ge "$LIMIT" ]; then TIMEDOUT="FAIL: timed out after $LIMIT s"; echo "$TIMEDOUT"; kill "$JPID"; break; fi
done
wait "$JPID"; rc=$?
JPID=
sleep 0.5; kill "$TPID" 2>/dev/null
echo "total $(( $(date +%s) - t0 )) s"
if [ "$rc" -ne 0 ] || ! grep -q '^RESULT PASS' "$W/out.txt" || grep -q '^RESULT FAIL' "$W/out.txt"; then
    # (SymmetricDS warns once per load batch a branch receives without a load status row:
    # thousands of lines that would hide the rest)
    echo "--- engines.log (errors, last 40)"
    grep -hE ' (ERROR|WARN) ' "$LOG" "$DLOG" | grep -v 'No load status updated' | tail -n 40
    # last, where a CI log's tail shows it: what failed, in which step
    echo "--- what failed"
    grep -E '^(######## |  FAIL|  gave up|RESULT FAIL)' "$W/out.txt" \
        | grep -B1 -E '^(  FAIL|  gave up|RESULT FAIL|FAIL)' | grep -v '^--$' | tail -n 30
    [ -n "${TIMEDOUT:-}" ] && echo "$TIMEDOUT"
    echo "FAIL: the end-to-end scenario failed (rc=$rc)"
    exit 1
fi
exit 0
