#!/bin/bash
# Demo: build, start a throwaway MariaDB (plugin dir = build/), load a Frappe site
# (metadata + customizations overlay + sample data + sym_* tables) as database
# erpnext_demo, run sql/demo.sql against it. The server is always stopped and its
# temp dir removed at exit. Never touches the system mariadb service.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"
DB=erpnext_demo
_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t / 1000 )); }
T0=$(_ms)
lap() { local d=$(( $(_ms) - T0 )); printf '[%3d.%d s] %s\n' $((d / 1000)) $((d % 1000 / 100)) "$*"; }

"$ROOT/scripts/deps.sh" || exit 1

if [ -f "$ROOT/CMakeLists.txt" ]; then
    lap "building"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
        && cmake --build build -j2 >/dev/null || { echo "build failed" >&2; exit 1; }
else
    echo "note: no CMakeLists.txt yet; no build"
fi
if [ -z "${FRAPPE_SDS_PLUGIN_DIR:-}" ]; then
    FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
    so=$(find "$ROOT/build" -name frappe_sds.so -type f 2>/dev/null | head -n 1)
    [ -n "$so" ] && FRAPPE_SDS_PLUGIN_DIR=$(dirname "$so")
fi
export FRAPPE_SDS_PLUGIN_DIR
[ -d "$FRAPPE_SDS_PLUGIN_DIR" ] || mkdir -p "$FRAPPE_SDS_PLUGIN_DIR"

. "$ROOT/scripts/lib/server.sh"
. "$ROOT/tests/lib/worker.sh"

base=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ] && \
   [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 2097152 ]; then
    base=/dev/shm
fi
DIR=$(mktemp -d "$base/frappe_sds_demo.XXXXXX")
cleanup() {
    srv_stop "$DIR" >/dev/null 2>&1
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lap "starting server in $DIR (plugin dir $FRAPPE_SDS_PLUGIN_DIR)"
# the worker serves the demo site, as the account a DBA provisions for it
# (README, "The worker's connection, and why")
# shellcheck disable=SC2046
srv_start "$DIR" $(worker_pwfile "$DIR") --loose-frappe-sds-databases=$DB || exit 1
lap "loading site $DB (metadata + customizations + sample data + sym_* tables)"
srv_load_site "$DIR" "$DB" --customizations --sample || exit 1
worker_account "$DIR" "$DB" || exit 1
lap "site loaded: $(srv_sql "$DIR" -N -e "SELECT COUNT(*) FROM \`$DB\`.tabDocType") DocTypes"

rc=0
if [ -f "$ROOT/sql/demo.sql" ]; then
    # SymmetricDS cannot run in the demo: its trigger rebuild is played by
    # symplay_sync_triggers() (sym/play_sync_triggers.sql, the tests' copy)
    srv_sql "$DIR" "$DB" < "$ROOT/sym/play_sync_triggers.sql" || exit 1
    lap "running sql/demo.sql"
    # run from the build dir, so "source sql/install.sql" inside demo.sql
    # reads the assembled script
    (cd "$(dirname "$FRAPPE_SDS_SQL")" && srv_sql "$DIR" --table --default-character-set=utf8mb4 "$DB" < "$ROOT/sql/demo.sql") || rc=$?
else
    echo "note: sql/demo.sql does not exist yet; nothing to run"
fi
lap "done (exit $rc); stopping the server"
exit $rc
