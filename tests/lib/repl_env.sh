# shellcheck shell=bash
# The common start of the replication tests (tests/replication.sh,
# tests/galera.sh). Source with ROOT set, as
#   . "$ROOT/tests/lib/repl_env.sh" NAME
# It cds to ROOT, exports FRAPPE_SDS_SRC/FRAPPE_SDS_SQL, checks the build
# (exit 77 without one), makes the work dir W=/tmp/frappe_sds_NAME.XXXXXX,
# sources scripts/lib/server.sh, scripts/lib/repl.sh and tests/lib/worker.sh,
# sets DB=site and SERVERS=() (every server dir added there is stopped at
# exit; REPL_KEEP=1 keeps W), and puts the plugin (REPL_SO, default
# build/frappe_sds.so) alone in $W/plugins, the servers' plugin dir.
cd "$ROOT" || exit 1
export FRAPPE_SDS_SRC="$ROOT"
: "${FRAPPE_SDS_SQL:=$ROOT/build/sql}"
export FRAPPE_SDS_SQL
SO=${REPL_SO:-$ROOT/build/frappe_sds.so}
[ -f "$SO" ] && [ -f "$FRAPPE_SDS_SQL/install.sql" ] || { echo "build first (cmake --build build)"; exit 77; }
W=$(mktemp -d "/tmp/frappe_sds_$1.XXXXXX")
export W
. scripts/lib/server.sh
. scripts/lib/repl.sh
. tests/lib/worker.sh
DB=site
SERVERS=()
cleanup() {
    local d
    for d in "${SERVERS[@]}"; do srv_stop "$d" >/dev/null 2>&1; done
    if [ "${REPL_KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$W/plugins"; cp "$SO" "$W/plugins/frappe_sds.so"
export FRAPPE_SDS_PLUGIN_DIR="$W/plugins"
