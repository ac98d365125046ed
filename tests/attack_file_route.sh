#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: an edited sym_trigger.external_select of tabFile never becomes part of the sds_file_route views
# Threat model: the site's user has ALL on its own database only, so it can
# edit the sym_trigger row of tabFile. sds_setup_file_sync (run by the DBA)
# used to paste that row's external_select raw into a DEFINER view owned by
# the DBA: the user's text (here a call of its own INVOKER function, which
# tries to read mysql.global_priv and another site, write there, and raise
# its own privileges) then ran with the DBA's rights whenever anyone read
# the view. The views' company logic must come from frappe_sds's own
# configuration, and the views must be INVOKER.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/attack.sh
atk_workdir atk3

atk_start site
worker_account "$D" site || fail "worker account"
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
atk_other
atk_site site
g_site=$(atk_grants site_user)
es0=$(sql site -e "SELECT external_select FROM sym_trigger WHERE source_table_name = 'tabFile'")
[ -n "$es0" ] && [ "$es0" != NULL ] || fail "tabFile has no company logic to edit (nothing to test)"

as_user site_user site <<SQL || fail "site user's objects"
CREATE TABLE pwn_loot (v TEXT);
DELIMITER ;;
CREATE FUNCTION pwn() RETURNS VARCHAR(10) SQL SECURITY INVOKER MODIFIES SQL DATA
BEGIN
$(atk_leak_body site site_user function)
  RETURN '~all';
END;;
DELIMITER ;
UPDATE sym_trigger SET external_select = '\`site\`.pwn()' WHERE source_table_name = 'tabFile';
INSERT INTO \`tabFile\` (name, file_name, file_url, is_folder, is_private)
  VALUES ('pwn-file', 'pwn.txt', '/files/pwn.txt', 0, 0);
SQL
# the DBA sets up file sync; then the site user reads the views
sql site -e "CALL sds_setup_file_sync('/home/frappe/frappe-bench/sites/site1.local')" >/dev/null \
    || fail "sds_setup_file_sync"
for v in sds_file_route sds_file_route_public sds_file_route_private; do
    as_user site_user site -e "SELECT * FROM $v" >/dev/null 2>&1
done
echo "the function saw: $(sql site -e "SELECT LEFT(IFNULL(GROUP_CONCAT(v SEPARATOR ' | '), '(never ran)'), 300) FROM pwn_loot")"
# the views: INVOKER, and none holds the user's text
bad=$(sql -e "SELECT GROUP_CONCAT(table_name) FROM information_schema.views
              WHERE table_schema = 'site' AND table_name LIKE 'sds_file_route%'
                AND (security_type <> 'INVOKER' OR view_definition LIKE '%pwn%')")
[ "$bad" = NULL ] || fail "views with the site user's text or DEFINER security: $bad"
[ "$(sql -e "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'site'
             AND table_name LIKE 'sds_file_route%'")" = 3 ] || fail "the file route views are missing"
# and they still route: the unattached file goes to every branch ('~all')
[ "$(sql site -e "SELECT COUNT(*) FROM sds_file_route_public WHERE file_name = 'pwn.txt'")" -ge 1 ] \
    || fail "sds_file_route_public does not route the unattached file"
[ "$(atk_grants site_user)" = "$g_site" ] || fail "site_user gained privileges: $(atk_grants site_user)"
atk_check_loot site
atk_check_other
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_file_route passed"
