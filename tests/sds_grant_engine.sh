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
. tests/lib/trx_engine.sh
trx_engine_setup trx
if [ "${TRX_AS_0_3:-0}" = 1 ]; then
    # TRX_AS_0_3=1: the grants of 0.3.0's sds_grant (no transaction function of
    # the DBA's), to see this test fail as the site did
    sql -e "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER, CREATE ROUTINE,
            ALTER ROUTINE, EXECUTE, CREATE TEMPORARY TABLES ON shop_1.* TO sym@localhost" || fail "grants"
else
    sql -e "CALL frappe_sds.sds_grant('shop_1', 'sym', 'localhost')" >/dev/null || fail "sds_grant"
fi
trx_engine_grants
trx_engine_run shop_1
echo "CHECK ok   after the version change the engine ran its required-objects check: $(sed -n '/^MARK version changed/,$p' "$W/out.txt" | grep -o "SymmetricDS database version : .*" | head -1)"
echo "# the other database shopX1 stays out of reach (the _ was escaped)"
srv_sql "$W/s" -usym -psympw -e "SELECT 1" shopX1 >/dev/null 2>&1 && fail "sym reaches shopX1"
echo "sds_grant_engine passed"
