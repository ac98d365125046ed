#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/scale.sh -- one branch's first load on SymmetricDS 3.15.9's own engine, with its
# breakdown from SymmetricDS's own tables (bench/scale/FirstLoad.java): the master site
# (bundled fixture + sample data, optionally + bench/gen/generate.sh's rows) and one
# branch site, each on its own mariadbd, one JVM, internal transport, 1 s jobs (as
# tests/symmetricds_e2e.sh). Not part of the test command (minutes).
#
#   bench/scale.sh [--rows R --companies N --seed S --first-company-rows R1] [--branch-companies JSON]
#                  [--variants "NAME ..."]
#     --rows R     generate R rows on the master first (bench/gen; default 0: bundled site only)
#     --first-company-rows R1  company 1 (`Quote'n "Double" Trading`) gets about R1 of them
#                  (bench/gen/generate.sh): the same R1 with --rows 4x gives the same branch
#                  4x more rows of other companies at the master
#     --branch-companies  the companies the branch hosts, a JSON array for sds_add_branch
#                  (default: ["Wind Power LLC", "O'Brien & Söhne GmbH"], as the e2e's branch-a)
#     --variants   one branch per name ([a-z0-9_]+; default "base"), loaded one after the
#                  other against the same master (branch-a, branch-b, ...; database site_NAME),
#                  each with its own settings: SCALE_V_<NAME>_URL (appended to its JDBC URL,
#                  e.g. '&useServerPrepStmts=true'), SCALE_V_<NAME>_PROPS ("key=value ..."
#                  SymmetricDS parameters of its engine), SCALE_V_<NAME>_SQL (run at the master
#                  before its engine starts, e.g. an UPDATE of sym_channel: a branch gets the
#                  configuration when it registers; it stays for the later variants)
#   SYMMETRICDS_HOME, FRAPPE_SDS_CACHE: see tests/lib/symmetricds.sh; SCALE_KEEP=1 keeps
#   the work dir (engine log, data dirs); SCALE_SERVER_OPTS: more mariadbd options for both
#   servers (e.g. --table-definition-cache=4000, to measure a server setting).
#   SCALE_JAVA_OPTS: more JVM options (-Dkey=value sets a SymmetricDS parameter of every
#   engine: system properties override the engine file, ParameterService.rereadApplicationParameters).
# The classic layout (frappe_sds and SymmetricDS's tables in the site databases), as the
# figures of bench/RESULTS.scale.md sections 2-5 were measured: the driver sets up the master
# with E2E's step 1, whose default became the runtime layout (bench/fleet.sh runs that one).
# Prints the FIGURE lines (seconds are from the branch engine's start) and the log's
# trigger-sync and load lines. Exit 77 = SymmetricDS not available.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
rows=0 companies=8 seed=1 first=0 variants=base bcomp='["Wind Power LLC", "O'"'"'Brien & Söhne GmbH"]'
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --companies) companies=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --first-company-rows) first=$2; shift 2 ;;
        --variants) variants=$2; shift 2 ;;
        --branch-companies) bcomp=$2; shift 2 ;;
        *) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
. tests/lib/symmetricds.sh
symmetricds_build build.sh
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
[ -f "$ROOT/build/frappe_sds.so" ] || { echo "FAIL: build/frappe_sds.so missing (cmake --build build)"; exit 1; }
. scripts/lib/server.sh
. tests/lib/worker.sh
. bench/lib/engine_driver.sh
driver_workdir scale
cleanup() {
    [ -n "${JPID:-}" ] && kill "$JPID" 2>/dev/null
    for s in m b1; do srv_stop "$W/$s" >/dev/null 2>&1; done
    if [ "${SCALE_KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
driver_compile bench/scale/FirstLoad.java || exit 1
# shellcheck disable=SC2046
srv_start "$W/m" --plugin-load-add=frappe_sds.so --max-connections=300 --table-open-cache=4000 \
    $(worker_pwfile "$W/m") --loose-frappe-sds-databases=erp_master ${SCALE_SERVER_OPTS:-} >/dev/null 2>&1 \
    || { tail -n 20 "$W/m/error.log"; echo "FAIL: master server start"; exit 1; }
srv_start "$W/b1" --max-connections=300 --table-open-cache=4000 ${SCALE_SERVER_OPTS:-} >/dev/null 2>&1 \
    || { tail -n 20 "$W/b1/error.log"; echo "FAIL: branch server start"; exit 1; }
t0=$(date +%s)
driver_site "$W/m" erp_master sample || { echo "FAIL: master site load"; exit 1; }
bdbs=""
for v in $variants; do
    [[ $v =~ ^[a-z0-9_]+$ ]] || { echo "scale.sh: variant names are [a-z0-9_]+"; exit 2; }
    driver_site "$W/b1" "site_$v" || { echo "FAIL: branch site load"; exit 1; }
    bdbs=${bdbs:+$bdbs,}site_$v
done
worker_account "$W/m" erp_master || { echo "FAIL: worker account"; exit 1; }
if [ "$rows" -gt 0 ]; then
    bench/gen/generate.sh --rows "$rows" --companies "$companies" --seed "$seed" --first-company-rows "$first" erp_master -- \
        --socket="$W/m/sock" --user=root || { echo "FAIL: generating the master's rows"; exit 1; }
fi
echo "INFO server options: --table-open-cache=4000 ${SCALE_SERVER_OPTS:-}; table_definition_cache $(srv_sql "$W/b1" -N -e 'SELECT @@table_definition_cache')"
echo "INFO master rows $(srv_sql "$W/m" -N -e "SELECT SUM(table_rows) FROM information_schema.tables WHERE table_schema = 'erp_master'") (estimate), sites ready in $(( $(date +%s) - t0 )) s"

# shellcheck disable=SC2206
DRIVER_JAVA_OPTS=(-Xmx2g ${SCALE_JAVA_OPTS:-}
    -De2e.installSql="$FRAPPE_SDS_SQL/install.sql" -De2e.dbaSql="$FRAPPE_SDS_SQL/dba.sql" -De2e.routingMs=1000
    -De2e.layout=classic)
driver_run 4000 FirstLoad "$W/m/sock" erp_master "$W/b1/sock" "$bdbs" "$W/work" "$ROOT" "$LOG" "$bcomp" "$variants"
echo "--- engine log: trigger syncs, load queueing and end"
grep -E 'Synchronizing triggers|Done synchronizing triggers|Queueing up|initial load|Initial load|reload request|load request' "$LOG" | head -40
echo "total $(( $(date +%s) - t0 )) s, rc=$rc"
exit $rc
