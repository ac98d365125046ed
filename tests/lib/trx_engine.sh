# shellcheck shell=bash
# SymmetricDS 3.15.9's own engine on one throwaway server with dba.sql, for
# tests/sds_grant_engine.sh and tests/sds_grant_runtime_engine.sh: they differ
# only in the site's extra objects, the grants and what they check after the
# engine ran. Source with ROOT set (and the current directory there):
#   trx_engine_setup TAG [SQL]   build the engine (exits 77 without it), start a
#                         server in W=/dev/shm/frappe_sds_TAG.*, run dba.sql,
#                         create the site shop_1 (table item), the database
#                         shopX1 (a _ wrongly taken as a wildcard would reach
#                         it), the accounts sym (SymmetricDS's, no rights yet)
#                         and shop (ALL on shop_1), then SQL (more site
#                         objects); compiles tests/trx/TrxEngine.java. Sets W,
#                         CP; defines fail and sql (-N -B as root). Removes W
#                         at exit.
#   trx_engine_grants     print SymmetricDS's account's grants; fail if it holds
#                         any global privilege
#   trx_engine_run DB [SITE]  run trx.TrxEngine on the server: SymmetricDS as
#                         sym/sympw on database DB, the site user shop/shoppw,
#                         the site's database SITE when it is not DB (the
#                         runtime layout); output in $W/out.txt, CHECK/RESULT lines shown; fail
#                         unless RESULT PASS and the engine ran its
#                         required-objects check after the version change.
#                         TRX_ENGINE_TIMEOUT bounds it (default: none).

trx_engine_setup() {
    local tag="$1" extra="${2:-}"
    . "$ROOT/tests/lib/symmetricds.sh"
    symmetricds_build build.sh
    export FRAPPE_SDS_SRC="$ROOT"
    . "$ROOT/scripts/lib/server.sh"
    [ -f "$FRAPPE_SDS_SQL/dba.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/dba.sql missing (cmake --build build)"; exit 1; }
    W=$(mktemp -d "/dev/shm/frappe_sds_$tag.XXXXXX" 2>/dev/null || mktemp -d)
    trap 'srv_stop "$W/s" >/dev/null 2>&1; rm -rf "$W"' EXIT
    mkdir -p "$W/classes"
    javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" "$ROOT/tests/trx/TrxEngine.java" \
        >"$W/javac.log" 2>&1 || { cat "$W/javac.log"; fail "compiling tests/trx"; }
    srv_start "$W/s" >/dev/null 2>&1 || fail "server start"
    sql < "$FRAPPE_SDS_SQL/dba.sql" || fail "dba.sql"
    sql -e "CREATE DATABASE shop_1; CREATE DATABASE shopX1;
            CREATE TABLE shop_1.item (id INT PRIMARY KEY, v VARCHAR(20));
            CREATE USER sym@localhost IDENTIFIED BY 'sympw';
            CREATE USER shop@localhost IDENTIFIED BY 'shoppw';
            GRANT ALL PRIVILEGES ON \`shop\\_1\`.* TO shop@localhost;
            $extra" || fail "site and accounts"
}

fail() { echo "FAIL: $*"; exit 1; }
sql() { srv_sql "$W/s" -N -B "$@"; }

trx_engine_grants() {
    echo "# SymmetricDS's account, as sds_grant left it:"
    sql -e "SHOW GRANTS FOR sym@localhost" | sed 's/IDENTIFIED BY PASSWORD .*//; s/^/  /'
    [ "$(sql -e "SELECT COUNT(*) FROM information_schema.user_privileges WHERE grantee = '''sym''@''localhost''' AND privilege_type <> 'USAGE'")" = 0 ] \
        || fail "SymmetricDS's account holds a global privilege"
}

trx_engine_run() {
    local rc bound=()
    [ -n "${TRX_ENGINE_TIMEOUT:-}" ] && bound=(timeout "$TRX_ENGINE_TIMEOUT")
    "${bound[@]}" java -Xmx512m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
         -Dorg.slf4j.simpleLogger.logFile=System.out -Djava.io.tmpdir="$W" \
         -cp "$W/classes:$CP" trx.TrxEngine "$W/s/sock" "$1" sympw shop shoppw ${2:+"$2"} >"$W/out.txt" 2>&1
    rc=$?
    grep -E "^(CHECK|RESULT)" "$W/out.txt"
    if [ $rc != 0 ] || ! grep -q "^RESULT PASS" "$W/out.txt"; then
        grep -E "ERROR|WARN|Exception" "$W/out.txt" | tail -n 20
        fail "the engine scenario failed (rc $rc)"
    fi
    # the restart after the version change ran SymmetricDS's required-objects check
    sed -n '/^MARK version changed/,$p' "$W/out.txt" | grep -q "Checking tables and objects" \
        || fail "the engine did not run its required-objects check after the version change"
}
