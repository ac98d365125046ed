#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: sds_company_node replaced by a view calling the site user's function, read through sds_company_route, gives no rights
# Threat model: the site's user has ALL on its own database only. It
# replaces the table sds_company_node by an INVOKER view calling its own
# INVOKER function, which tries to read mysql.global_priv and another site,
# write there, and grant itself everything; then it reads
# sds_company_route (as SymmetricDS's lookuptable router does, with
# SymmetricDS's account, on every routing pass). The view used to be
# DEFINER, owned by whoever ran install.sql (the DBA): the function ran
# with the DBA's rights. It must run with the reader's own rights only.
# Also: SymmetricDS's account (frappe_sds.sds_grant) still reads the view.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/attack.sh
atk_workdir atk2

atk_one_site
sql < "$FRAPPE_SDS_SQL/dba.sql" || fail "dba.sql"
sql -e "CALL frappe_sds.sds_grant('site', 'sym', 'localhost')" >/dev/null || fail "sds_grant"
# the view works for SymmetricDS's account before anything happens
[ "$(as_user sym site -e "SELECT COUNT(*) FROM sds_company_route WHERE company_key = '~all'")" = 1 ] \
    || fail "SymmetricDS's account cannot read sds_company_route"
g_site=$(atk_grants site_user) g_sym=$(atk_grants sym)

as_user site_user site <<SQL || fail "site user's objects"
CREATE TABLE pwn_loot (v TEXT);
DROP TABLE sds_company_node;
DELIMITER ;;
CREATE FUNCTION pwn() RETURNS VARCHAR(140) SQL SECURITY INVOKER MODIFIES SQL DATA
BEGIN
$(atk_leak_body site site_user function)
  RETURN (SELECT name FROM \`tabCompany\` LIMIT 1);
END;;
DELIMITER ;
CREATE SQL SECURITY INVOKER VIEW sds_company_node AS
  SELECT pwn() AS company, 'b-wp' AS node_external_id;
SQL
sql site -e "INSERT INTO \`tabCompany\` (name, abbr) VALUES ('PWN Co', 'PWN')" 2>/dev/null
# the readers: the site user itself, and SymmetricDS's account
as_user site_user site -e "SELECT * FROM sds_company_route" >/dev/null 2>&1
as_user sym site -e "SELECT * FROM sds_company_route" >/dev/null 2>&1
echo "the function saw: $(sql site -e "SELECT LEFT(IFNULL(GROUP_CONCAT(v SEPARATOR ' | '), '(never ran)'), 300) FROM pwn_loot")"
[ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot WHERE v LIKE 'who:%'")" -ge 1 ] \
    || fail "the function never ran (nothing was tested)"
[ "$(atk_grants site_user)" = "$g_site" ] || fail "site_user gained privileges: $(atk_grants site_user)"
[ "$(atk_grants sym)" = "$g_sym" ] || fail "sym's privileges changed: $(atk_grants sym)"
atk_check_loot site
atk_check_other
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_route_view passed"
