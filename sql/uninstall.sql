-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Removes the frappe_sds SQL API from ONE site database:
--
--     mariadb <site_db> < uninstall.sql
--
-- Idempotent. The build makes this file from sql/uninstall.sql and the
-- CREATE statements of sql/install/*.sql (packaging/assemble_sql.cmake): it
-- drops every view, routine and table install.sql creates, with the
-- override rules and the company mapping, except as follows.
--
-- SymmetricDS's tables and the rows frappe_sds wrote in them (sym_trigger,
-- sym_router, ... with last_update_by 'frappe_sds' or 'frappe_sds_files',
-- the branch nodes of sds_add_branch) are SymmetricDS's and stay: SymmetricDS
-- keeps replicating with that configuration. Its lookuptable routers read
-- frappe_sds's company and file routing, so those objects stay too while a
-- sym_router row names one of them; once no router does (delete frappe_sds's
-- sym_* rows, or drop SymmetricDS's tables), run uninstall.sql again and
-- they go. The UDFs are the server's: dropped only when no other database
-- still has frappe_sds installed.
--
-- Accounts, grants and files are the DBA's: uninstall.sql lists them, with
-- the statement that removes each, in its last result; it removes none.
--
-- frappe_sds objects SymmetricDS's configuration reads (kept while it does): sds_company_node sds_company_route sds_file_route sds_file_route_public sds_file_route_private
SET @sds__sql_notes = @@sql_notes, sql_notes = 0;
SET @sds__keep_routing = 0, @sds__sym_rows = 0;
DELIMITER //
BEGIN NOT ATOMIC
  -- no sym_* tables (SymmetricDS's tables dropped): nothing reads them
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
  SET @sds__keep_routing = EXISTS (SELECT 1 FROM sym_router
    WHERE router_expression REGEXP 'LOOKUP_TABLE *= *sds_(company|file)_route');
  SET @sds__sym_rows = EXISTS (SELECT 1 FROM sym_router
                               WHERE last_update_by IN ('frappe_sds', 'frappe_sds_files'))
                    OR EXISTS (SELECT 1 FROM sym_channel
                               WHERE last_update_by IN ('frappe_sds', 'frappe_sds_files'));
END//
DELIMITER ;
@SDS_UNINSTALL_DROPS@

-- (a DROP FUNCTION cannot run inside a compound statement: top-level
-- prepared statements, each a no-op when another site still uses the UDFs)
SET @sds__keep_udfs = EXISTS (SELECT 1 FROM information_schema.tables
  WHERE table_name = 'sds_install' AND table_schema <> IFNULL(DATABASE(), ''));
@SDS_UNINSTALL_UDFS@
DEALLOCATE PREPARE sds__x;
SET @sds__s = NULL;

-- What is left for the DBA: one row each, with what removes it.
SELECT left_behind, object, to_remove FROM (
  SELECT 1 AS n, 'kept: read by SymmetricDS' AS left_behind, t.table_name AS object,
         'dropped by uninstall.sql once no sym_router row names it (LOOKUP_TABLE=...)' AS to_remove
    FROM information_schema.tables t
   WHERE t.table_schema = DATABASE() AND t.table_name IN (@SDS_UNINSTALL_KEPT@)
  UNION ALL
  SELECT 2, 'rows in SymmetricDS''s tables', 'sym_* rows with last_update_by frappe_sds, frappe_sds_files',
         'SymmetricDS replicates with them; delete them (children first) to stop it'
    FROM DUAL WHERE @sds__sym_rows
  UNION ALL
  SELECT 3, 'UDFs kept for other sites', '@SDS_UNINSTALL_UDF_LIST@',
         'uninstall.sql in the last site with frappe_sds drops them'
    FROM DUAL WHERE @sds__keep_udfs
  UNION ALL
  SELECT 4, 'worker account', CONCAT(QUOTE(REPLACE(v.variable_value, '%s', DATABASE())), '@''localhost'''),
         'DROP USER, if this site was its only one; and the site out of frappe_sds_databases (server option)'
    FROM information_schema.global_variables v
   WHERE v.variable_name = 'FRAPPE_SDS_WORKER_USER'
  UNION ALL
  SELECT 5, 'worker password file', v.variable_value,
         'remove the file (or its line for this site''s account) once no account uses it'
    FROM information_schema.global_variables v
   WHERE v.variable_name = 'FRAPPE_SDS_WORKER_PASSWORD_FILE' AND v.variable_value <> ''
  UNION ALL
  SELECT 6, 'grants on this database', p.grantee,
         CONCAT('REVOKE ALL PRIVILEGES ON `', REPLACE(DATABASE(), '`', '``'), '`.* FROM ', p.grantee,
                ' (SymmetricDS''s account: frappe_sds.sds_grant gave it; keep the site user''s own)')
    FROM (SELECT DISTINCT grantee FROM information_schema.schema_privileges
          WHERE table_schema = REPLACE(REPLACE(DATABASE(), '_', '\\_'), '%', '\\%')
             OR table_schema = DATABASE()) p
  UNION ALL
  SELECT 7, 'the transaction function and mysql.proc', 'SymmetricDS''s account',
         CONCAT('DROP FUNCTION `', REPLACE(DATABASE(), '`', '``'), '`.sym_transaction_id_post_5_7_6 once SymmetricDS''s triggers are gone; REVOKE SELECT ON mysql.proc FROM <account>, and PROCESS if an older release (sds_grant_process) gave it')
  UNION ALL
  SELECT 8, 'role, if created for sds_send_sql', 'frappe_sds_sql_sender',
         'DROP ROLE frappe_sds_sql_sender, once no site uses sds_send_sql'
) left_for_the_dba ORDER BY n, object;
SET @sds__keep_udfs = NULL, @sds__keep_routing = NULL, @sds__sym_rows = NULL;
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
