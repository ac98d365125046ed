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
. tests/lib/trx_engine.sh
trx_engine_setup rt "CREATE TABLE shop_1.tabDocType (name VARCHAR(140) PRIMARY KEY);
                     CREATE FUNCTION shop_1.site_f() RETURNS INT DETERMINISTIC RETURN 1"
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
trx_engine_grants
# (bounded: an engine that cannot connect retries every 10 s for ever)
TRX_ENGINE_TIMEOUT=${RT_ENGINE_TIMEOUT:-240} trx_engine_run sym_shop_1 shop_1
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
