#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: the site user replaces every routine, table and view of its site, then the DBA runs every documented DBA step: no site code runs as the DBA, no privilege gained
# Threat model (docs/trust-model.md): the site's user has ALL on its own
# database only. It replaces EVERY routine, table and view of its site that
# it can (the list is generated from information_schema, not picked by
# hand): each routine by one of the same name and signature whose body
# records CURRENT_USER(), tries the leaks of tests/lib/attack.sh and (in a
# procedure) a GRANT ALL to itself; each table and view by an INVOKER view
# over the original that calls a probe function doing the same. Then the
# DBA (root) runs every step the docs give the DBA (dba_steps below). No
# probe may have run as root, no account may have gained a privilege, the
# other site is untouched.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/attack.sh
atk_workdir atkdba

atk_one_site

# dba_steps: every step the docs give the DBA (docs/trust-model.md, "The
# DBA's steps"), as the DBA runs it; each
# step's outcome is printed (a step may fail on a hostile site: what counts
# is what ran, and as whom)
step() { local what="$1"; shift; local out rc; out=$("$@" 2>&1); rc=$?
         echo "  DBA: $what -> exit $rc $(echo "$out" | tail -n 1 | cut -c1-160)"; return $rc; }
dba_steps() {
    step "dba.sql" sql < "$FRAPPE_SDS_SQL/dba.sql"
    step "frappe_sds.sds_grant" sql -e "CALL frappe_sds.sds_grant('site', 'sym', 'localhost')"
    step "frappe_sds.sds_grant_worker" sql -e "CALL frappe_sds.sds_grant_worker('site')"
    step "frappe_sds.sds_engine_properties" sql -e "CALL frappe_sds.sds_engine_properties('site',
          'b-wp', 'b-wp', 'site_wp', '/run/mysqld/mysqld.sock', 'sym', '', 'http://hq:31415/sync/hq')"
    step "frappe_sds.sds_engine_properties (master)" sql -e "CALL frappe_sds.sds_engine_properties('site',
          'hq', 'hq', 'site', 'localhost:3306', 'sym', 'http://hq:31415/sync/hq', '')"
    step "install.sql again" sql site < "$FRAPPE_SDS_SQL/install.sql"
    step "frappe_sds.sds_doctor" sql -e "CALL frappe_sds.sds_doctor('site')"
    # the runtime layout's steps (docs/install-runtime.md) on the same site;
    # the site is registered in the DBA's map for them (in the hostile round
    # sds_runtime_create refuses it: its tabDocType is a view by then), and
    # back in the classic layout after them, so that both rounds run the same
    step "the site in the runtime layout" sql -e "INSERT IGNORE INTO frappe_sds.sds_site VALUES ('site', 'sym_site', NOW())"
    step "frappe_sds.sds_runtime_create" sql -e "CALL frappe_sds.sds_runtime_create('site')"
    step "frappe_sds.sds_grant (runtime layout)" sql -e "CALL frappe_sds.sds_grant('site', 'sym', 'localhost')"
    # (runtime.sql runs over the hostile site too: its install reads the site's
    # catalogue and makes views over its tables, as the DBA)
    step "SymmetricDS's tables in the runtime database" sql sym_site < sym/symmetricds-tables.sql
    step "runtime.sql" sql sym_site < "$FRAPPE_SDS_SQL/runtime.sql"
    step "frappe_sds.sds_grant_site" sql -e "CALL frappe_sds.sds_grant_site('site', 'site_user', 'localhost')"
    # (what the site's sds_setup and sds_add_branch write there, in the runtime
    # database the site user cannot write: the engine files read it)
    step "a configuration in the runtime database" sql sym_site -e "INSERT IGNORE INTO sds_setup_state (id, master_group,
          branch_group, updated_at) VALUES (1, 'master', 'branch', NOW());
          INSERT IGNORE INTO sym_node_group (node_group_id) VALUES ('master'), ('branch');
          INSERT IGNORE INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES ('b-wp', 'branch', 'b-wp', 1)"
    step "frappe_sds.sds_engine_properties (runtime layout, master)" sql -e "CALL frappe_sds.sds_engine_properties('site',
          'hq', 'hq', 'site', 'localhost:3306', 'sym', 'http://hq:31415/sync/hq', '')"
    step "frappe_sds.sds_engine_properties (runtime layout, branch)" sql -e "CALL frappe_sds.sds_engine_properties('site',
          'b-wp', 'b-wp', 'site_wp', '/run/mysqld/mysqld.sock', 'sym', '', 'http://hq:31415/sync/hq')"
    step "frappe_sds.sds_grant_worker (runtime layout)" sql -e "CALL frappe_sds.sds_grant_worker('site')"
    step "frappe_sds.sds_allow_send_sql" sql -e "CALL frappe_sds.sds_allow_send_sql('site', 'root', 'localhost')"
    step "frappe_sds.sds_disallow_send_sql" sql -e "CALL frappe_sds.sds_disallow_send_sql('site', 'root', 'localhost')"
    step "frappe_sds.sds_doctor (runtime layout)" sql -e "CALL frappe_sds.sds_doctor('site')"
    step "back to the classic layout" sql -e "DELETE FROM frappe_sds.sds_site WHERE site_db = 'site'"
}

echo "# the DBA's steps on the untouched site"
dba_steps
g_site=$(atk_grants site_user) g_sym=$(atk_grants sym) g_reader=$(atk_grants frappe_sds_reader)
all_priv() { sql -e "SELECT GROUP_CONCAT(CONCAT(user, '@', host, '=', JSON_VALUE(priv, '$.access'))
                     ORDER BY user, host) FROM mysql.global_priv"; }
p_all=$(all_priv)

echo "# the site user replaces every routine, table and view of its site"
as_user site_user site <<SQL || fail "loot table / probe"
CREATE TABLE pwn_loot (v TEXT);
DELIMITER ;;
CREATE FUNCTION pwn_probe(p_what VARCHAR(200)) RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA
BEGIN
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
  INSERT INTO site.pwn_loot VALUES (CONCAT('who:', CURRENT_USER(), ' in ', p_what));
$(atk_leak_body site site_user function | tail -n +3)
  RETURN 1;
END;;
DELIMITER ;
SQL
# routines: same name and signature, the probe's body (+ GRANT in procedures)
as_user site_user site >"$D/replace_routines.sql" <<'SQL' || fail "routine list"
SELECT CONCAT('CREATE OR REPLACE ', r.routine_type, ' `', r.routine_name, '`(',
  IFNULL((SELECT GROUP_CONCAT(CONCAT(IF(r.routine_type = 'PROCEDURE', p.parameter_mode, ''), ' `',
                                     p.parameter_name, '` ', p.dtd_identifier) ORDER BY p.ordinal_position)
          FROM information_schema.parameters p
          WHERE p.specific_schema = r.routine_schema AND p.specific_name = r.routine_name
            AND p.routine_type = r.routine_type AND p.ordinal_position > 0), ''), ')',
  IF(r.routine_type = 'FUNCTION', CONCAT(' RETURNS ', r.dtd_identifier), ''),
  ' SQL SECURITY INVOKER MODIFIES SQL DATA BEGIN DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; ',
  'INSERT INTO site.pwn_loot VALUES (CONCAT(''who:'', CURRENT_USER(), '' in ', r.routine_name, '''));',
  IF(r.routine_type = 'PROCEDURE',
     ' GRANT ALL PRIVILEGES ON *.* TO ''site_user''@localhost WITH GRANT OPTION; DO pwn_probe(''grant'');',
     ' RETURN NULL;'),
  ' END;;')
FROM information_schema.routines r
WHERE r.routine_schema = 'site' AND r.routine_name <> 'pwn_probe'
ORDER BY r.routine_type, r.routine_name
SQL
n_routines=$(wc -l <"$D/replace_routines.sql")
{ echo "DELIMITER ;;"; cat "$D/replace_routines.sql"; echo "DELIMITER ;"; } \
    | as_user site_user site >/dev/null || fail "replacing routines"
# tables: renamed away, an INVOKER view over the original that calls the
# probe in their place; views: one of the same columns whose first calls
# the probe
as_user site_user site -e "SELECT table_name FROM information_schema.tables
                           WHERE table_schema = 'site' AND table_type = 'BASE TABLE'
                             AND table_name <> 'pwn_loot' ORDER BY table_name" >"$D/tables" || fail "table list"
as_user site_user site >"$D/replace_views.sql" <<'SQL' || fail "view list"
SELECT CONCAT('CREATE OR REPLACE SQL SECURITY INVOKER VIEW `', v.table_name, '` AS SELECT ',
              GROUP_CONCAT(IF(c.ordinal_position = 1, CONCAT('pwn_probe(''', v.table_name, ''')'), 'NULL'),
                           ' AS `', c.column_name, '`' ORDER BY c.ordinal_position), ';')
FROM information_schema.views v JOIN information_schema.columns c
  ON c.table_schema = v.table_schema AND c.table_name = v.table_name
WHERE v.table_schema = 'site' GROUP BY v.table_name ORDER BY v.table_name
SQL
n_objects=$(( $(wc -l <"$D/tables") + $(wc -l <"$D/replace_views.sql") ))
{ echo "RENAME TABLE"; awk '{ printf "%s`%s` TO `pwn_was_%d`\n", (NR > 1 ? "," : ""), $0, NR }' "$D/tables"; echo ";"
  awk '{ printf "CREATE SQL SECURITY INVOKER VIEW `%s` AS SELECT * FROM `pwn_was_%d` WHERE pwn_probe(%c%s%c);\n", $0, NR, 39, $0, 39 }' \
      "$D/tables"
  cat "$D/replace_views.sql"; } | as_user site_user site || fail "replacing tables and views"
n_views=$(as_user site_user site -e "SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'site'
                                     AND view_definition LIKE '%pwn_probe%'")
[ "$n_views" = "$n_objects" ] || fail "replacing tables and views: $n_views of $n_objects"
echo "  replaced $n_routines routines, $n_objects tables and views"
[ "$n_routines" -ge 40 ] && [ "$n_objects" -ge 500 ] || fail "too few objects replaced (nothing was tested)"
# the probes work: the site user's own read runs them (as itself)
as_user site_user site -e "SELECT COUNT(*) FROM sds_status" >/dev/null 2>&1
[ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot WHERE v LIKE 'who:site_user@%'")" -ge 1 ] \
    || fail "the probes never ran for the site user (nothing was tested)"

echo "# the DBA's steps on the hostile site"
dba_steps
as_root=$(sql site -e "SELECT COUNT(*) FROM pwn_loot WHERE v LIKE 'who:root@%'")
echo "  probes run as the DBA: $as_root $(sql site -e "SELECT LEFT(GROUP_CONCAT(DISTINCT SUBSTRING_INDEX(v, ' in ', -1) SEPARATOR ', '), 300)
                                                    FROM pwn_loot WHERE v LIKE 'who:root@%'")"
[ "$(atk_grants site_user)" = "$g_site" ] || fail "site_user gained privileges: $(atk_grants site_user)"
[ "$(atk_grants sym)" = "$g_sym" ] || fail "sym's privileges changed: $(atk_grants sym)"
[ "$(all_priv)" = "$p_all" ] || fail "global privileges changed: $(all_priv)"
[ "$as_root" = 0 ] || fail "$as_root probes ran as the DBA"
[ "$(atk_grants frappe_sds_reader)" = "$g_reader" ] || fail "the reader keeps rights: $(atk_grants frappe_sds_reader)"
atk_check_loot site
atk_check_other
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_dba_steps passed"
