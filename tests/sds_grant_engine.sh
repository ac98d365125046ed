#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: on SymmetricDS 3.15.9's own engine, its account as frappe_sds.sds_grant leaves it (no PROCESS) builds capture triggers; the site user's writes succeed and are captured, also after a SymmetricDS version change and restart
# Issue 19 point 1: with SymmetricDS's own transaction function (DEFINER its
# own account, which needs PROCESS for INNODB_TRX), every captured write of
# the site failed until the account had PROCESS (server-wide: every
# session's statements). frappe_sds.sds_grant puts SymmetricDS's exact
# function in place with DEFINER the locked frappe_sds_trx and lets
# SymmetricDS's account see its body, so the engine keeps it. The database
# is named shop_1: its _ must not become a wildcard in the GRANT.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/symmetricds.sh
symmetricds_build build.sh
export FRAPPE_SDS_SRC="$ROOT"
. scripts/lib/server.sh
[ -f "$FRAPPE_SDS_SQL/dba.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/dba.sql missing (cmake --build build)"; exit 1; }
W=$(mktemp -d /dev/shm/frappe_sds_trx.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$W/s" >/dev/null 2>&1; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sql() { srv_sql "$W/s" -N -B "$@"; }

mkdir -p "$W/classes"
javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" tests/trx/TrxEngine.java >"$W/javac.log" 2>&1 \
    || { cat "$W/javac.log"; fail "compiling tests/trx"; }
srv_start "$W/s" >/dev/null 2>&1 || fail "server start"
sql < "$FRAPPE_SDS_SQL/dba.sql" || fail "dba.sql"
sql -e "CREATE DATABASE shop_1; CREATE DATABASE shopX1;
        CREATE TABLE shop_1.item (id INT PRIMARY KEY, v VARCHAR(20));
        CREATE USER sym@localhost IDENTIFIED BY 'sympw';
        CREATE USER shop@localhost IDENTIFIED BY 'shoppw';
        GRANT ALL PRIVILEGES ON \`shop\\_1\`.* TO shop@localhost" || fail "site and accounts"
if [ "${TRX_AS_0_3:-0}" = 1 ]; then
    # TRX_AS_0_3=1: the grants of 0.3.0's sds_grant (no transaction function of
    # the DBA's), to see this test fail as the site did
    sql -e "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER, CREATE ROUTINE,
            ALTER ROUTINE, EXECUTE, CREATE TEMPORARY TABLES ON shop_1.* TO sym@localhost" || fail "grants"
else
    sql -e "CALL frappe_sds.sds_grant('shop_1', 'sym', 'localhost')" >/dev/null || fail "sds_grant"
fi
echo "# SymmetricDS's account, as sds_grant left it:"
sql -e "SHOW GRANTS FOR sym@localhost" | sed 's/IDENTIFIED BY PASSWORD .*//; s/^/  /'
[ "$(sql -e "SELECT COUNT(*) FROM information_schema.user_privileges WHERE grantee = '''sym''@''localhost''' AND privilege_type <> 'USAGE'")" = 0 ] \
    || fail "SymmetricDS's account holds a global privilege"
java -Xmx512m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
     -Dorg.slf4j.simpleLogger.logFile=System.out -Djava.io.tmpdir="$W" \
     -cp "$W/classes:$CP" trx.TrxEngine "$W/s/sock" shop_1 sympw shop shoppw >"$W/out.txt" 2>&1
rc=$?
grep -E "^(CHECK|RESULT)" "$W/out.txt"
if [ $rc != 0 ] || ! grep -q "^RESULT PASS" "$W/out.txt"; then
    grep -E "ERROR|WARN|Exception" "$W/out.txt" | tail -n 20
    fail "the engine scenario failed (rc $rc)"
fi
# the restart after the version change ran SymmetricDS's required-objects check
sed -n '/^MARK version changed/,$p' "$W/out.txt" | grep -q "Checking tables and objects" \
    || fail "the engine did not run its required-objects check after the version change"
echo "CHECK ok   after the version change the engine ran its required-objects check: $(sed -n '/^MARK version changed/,$p' "$W/out.txt" | grep -o "SymmetricDS database version : .*" | head -1)"
echo "# the other database shopX1 stays out of reach (the _ was escaped)"
srv_sql "$W/s" -usym -psympw -e "SELECT 1" shopX1 >/dev/null 2>&1 && fail "sym reaches shopX1"
echo "sds_grant_engine passed"
