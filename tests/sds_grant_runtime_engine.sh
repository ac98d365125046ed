#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the runtime layout on SymmetricDS 3.15.9's own engine: its account as frappe_sds.sds_runtime_create and sds_grant leave it (no EXECUTE on the site) creates its tables and keeps the DBA's transaction function in the runtime database, builds capture triggers on the site's table, and the site user's writes are captured there
# Issue 23 point 2 (docs/topology.md): SymmetricDS connects to the site's
# runtime database sym_<site>; its account holds no EXECUTE (nor CREATE/ALTER
# ROUTINE) on the site, only EXECUTE on its transaction function, which
# sds_grant creates in the runtime database. This proves those grants are
# enough for the engine: tests/trx/TrxEngine.java with the site database as
# its 6th argument (sym_trigger.source_catalog_name). The site is shop_1:
# its _ must not become a wildcard in the GRANTs.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/symmetricds.sh
symmetricds_build build.sh
export FRAPPE_SDS_SRC="$ROOT"
. scripts/lib/server.sh
[ -f "$FRAPPE_SDS_SQL/dba.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/dba.sql missing (cmake --build build)"; exit 1; }
W=$(mktemp -d /dev/shm/frappe_sds_rt.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$W/s" >/dev/null 2>&1; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sql() { srv_sql "$W/s" -N -B "$@"; }

mkdir -p "$W/classes"
javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" tests/trx/TrxEngine.java >"$W/javac.log" 2>&1 \
    || { cat "$W/javac.log"; fail "compiling tests/trx"; }
srv_start "$W/s" >/dev/null 2>&1 || fail "server start"
sql < "$FRAPPE_SDS_SQL/dba.sql" || fail "dba.sql"
sql -e "CREATE DATABASE shop_1; CREATE DATABASE shopX1;
        CREATE TABLE shop_1.tabDocType (name VARCHAR(140) PRIMARY KEY);
        CREATE TABLE shop_1.item (id INT PRIMARY KEY, v VARCHAR(20));
        CREATE FUNCTION shop_1.site_f() RETURNS INT DETERMINISTIC RETURN 1;
        CREATE USER sym@localhost IDENTIFIED BY 'sympw';
        CREATE USER shop@localhost IDENTIFIED BY 'shoppw';
        GRANT ALL PRIVILEGES ON \`shop\\_1\`.* TO shop@localhost" || fail "site and accounts"
sql -e "CALL frappe_sds.sds_runtime_create('shop_1')" >/dev/null || fail "sds_runtime_create"
if [ "${RUNTIME_AS_CLASSIC:-0}" = 1 ]; then
    # RUNTIME_AS_CLASSIC=1: sds_grant as for a classic site (its rights on the
    # site only, the function there), to see this test fail without the
    # runtime layout's grants (the engine cannot connect to sym_shop_1 and
    # retries until the timeout: RT_ENGINE_TIMEOUT=30 to see it sooner)
    sql -e "DELETE FROM frappe_sds.sds_site; CALL frappe_sds.sds_grant('shop_1', 'sym', 'localhost')" >/dev/null ||
        fail "sds_grant"
    sql -e "INSERT INTO frappe_sds.sds_site VALUES ('shop_1', 'sym_shop_1', NOW())" || fail "register"
else
    sql -e "CALL frappe_sds.sds_grant('shop_1', 'sym', 'localhost')" >/dev/null || fail "sds_grant"
fi
echo "# SymmetricDS's account, as sds_grant left it:"
sql -e "SHOW GRANTS FOR sym@localhost" | sed 's/IDENTIFIED BY PASSWORD .*//; s/^/  /'
[ "$(sql -e "SELECT COUNT(*) FROM information_schema.user_privileges WHERE grantee = '''sym''@''localhost''' AND privilege_type <> 'USAGE'")" = 0 ] \
    || fail "SymmetricDS's account holds a global privilege"
# (bounded: an engine that cannot connect retries every 10 s for ever)
timeout "${RT_ENGINE_TIMEOUT:-240}" java -Xmx512m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
     -Dorg.slf4j.simpleLogger.logFile=System.out -Djava.io.tmpdir="$W" \
     -cp "$W/classes:$CP" trx.TrxEngine "$W/s/sock" sym_shop_1 sympw shop shoppw shop_1 >"$W/out.txt" 2>&1
rc=$?
grep -E "^(CHECK|RESULT)" "$W/out.txt"
if [ $rc != 0 ] || ! grep -q "^RESULT PASS" "$W/out.txt"; then
    grep -E "ERROR|WARN|Exception" "$W/out.txt" | tail -n 20
    fail "the engine scenario failed (rc $rc)"
fi
sed -n '/^MARK version changed/,$p' "$W/out.txt" | grep -q "Checking tables and objects" \
    || fail "the engine did not run its required-objects check after the version change"
n_rt=$(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'sym_shop_1' AND table_name LIKE 'sym\\_%'")
n_site=$(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop_1' AND table_name LIKE 'sym\\_%'")
f_site=$(sql -e "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = 'shop_1' AND routine_name LIKE 'sym\\_%'")
[ "$n_rt" -ge 40 ] && [ "$n_site" = 0 ] && [ "$f_site" = 0 ] ||
    fail "SymmetricDS's objects: $n_rt tables in sym_shop_1, $n_site tables and $f_site functions in shop_1"
echo "CHECK ok   its $n_rt tables are in sym_shop_1; no sym_* table or function in shop_1"
echo "# SymmetricDS's account cannot run the site's function, nor reach shopX1 (the _ was escaped)"
out=$(srv_sql "$W/s" -usym -psympw -N -e "SELECT shop_1.site_f()" sym_shop_1 2>&1) &&
    fail "SymmetricDS's account executed the site's function: $out"
case "$out" in *"execute command denied"*) ;; *) fail "unexpected: $out" ;; esac
srv_sql "$W/s" -usym -psympw -e "SELECT 1" shopX1 >/dev/null 2>&1 && fail "sym reaches shopX1"
srv_sql "$W/s" -usym -psympw -e "SELECT 1" symXshopX1 >/dev/null 2>&1 && fail "sym reaches symXshopX1"
echo "sds_grant_runtime_engine passed"
