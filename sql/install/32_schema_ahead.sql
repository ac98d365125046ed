-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Data ahead of the schema at a branch (issue 21, point 2; docs/schema-changes.md,
-- "Data that arrives before the ALTER").
--
-- After an ALTER at the master, the rows captured from then on travel on the
-- channel `frappe`, and the branch's table is altered by the schema change's
-- reload (create_table=1), which travels on `frappe_reload`. SymmetricDS does
-- not order one channel against the other, so a row can reach a branch
-- before its table is altered. SymmetricDS's own loader already copes with
-- the column lists: a column the branch lacks is left out of the statement
-- (DefaultDatabaseWriter.lookupTableAtTarget, Table.copyAndFilterColumns)
-- and a table it lacks is skipped
-- (dataloader.ignore.missing.tables, which frappe_sds sets for the branch
-- group below: SymmetricDS's default is false). What it does not cope with
-- is a VALUE the branch's older column cannot
-- hold: a widened VARCHAR (1406 "Data too long"), a wider or other numeric
-- type (1264, 1265, 1366), a date column turned text (1292), a column made
-- nullable (1048) or one the master dropped that the branch still has NOT
-- NULL without a default (1364). Each failed the branch's whole batch, and
-- SymmetricDS retried it until the reload altered the table, holding up
-- the channel for that branch meanwhile.
--
-- The branches' engines therefore get an error handler (a BeanShell
-- extension, sym_extension, interface IDatabaseWriterErrorHandler:
-- AbstractDatabaseWriter.filterError): a row of an INSERT or UPDATE on the
-- channel `frappe` that fails with one of those errors is skipped and
-- logged, and the batch goes on. The row is not lost: every schema change
-- of a replicated table ends in a reload of that table to every registered
-- branch (30_schema_sync.sql), which alters the branch's table first and
-- then loads the table's rows for the branch as the master has them then
-- -- the skipped row among them (it was routed to the branch, so the
-- branch's load select selects it). A schema change whose reload fails is
-- reported `failed`, and sds_retry_schema_change reloads the table again.
-- Nothing else is skipped: any other error, any other event type (deletes,
-- remote SQL), the reload channel, SymmetricDS's own tables, and every
-- error at the master (a branch's row the master's table cannot hold has
-- no reload behind it: it fails as before, docs/schema-changes.md says
-- what a narrowing asks of the branches).
--
-- Written by sds_setup, sds_add_branch and sds_reload_branch for the branch
-- group, only when the text differs (SymmetricDS routes the row to the
-- branches as configuration; their ExtensionService reloads extensions).

DELIMITER //
-- sds__extension_put(id, interface, group, text): one of frappe_sds's own
-- BeanShell extensions (this file, 51_onboarding.sql) as sym_extension row
-- `id`: written only when it differs (a change is a configuration change
-- that SymmetricDS routes, and its ExtensionService reloads the extensions),
-- written back when it was changed, disabled or moved to another group.
DROP PROCEDURE IF EXISTS sds__extension_put//
CREATE PROCEDURE sds__extension_put(IN p_id VARCHAR(50), IN p_iface VARCHAR(255),
                                    IN p_group VARCHAR(50), IN p_txt MEDIUMTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: write one of frappe_sds''s BeanShell extensions when it differs'
BEGIN
  INSERT INTO sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled,
                             extension_order, extension_text, create_time, last_update_by, last_update_time)
    SELECT p_id, 'bsh', p_iface, p_group, 1, 1, p_txt, NOW(), 'frappe_sds', NOW() FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_extension e WHERE e.extension_id = p_id AND e.extension_type = 'bsh'
                        AND e.interface_name = p_iface AND e.node_group_id = p_group AND e.enabled = 1
                        AND BINARY e.extension_text = BINARY p_txt)
    ON DUPLICATE KEY UPDATE extension_type = VALUES(extension_type), interface_name = VALUES(interface_name),
      node_group_id = VALUES(node_group_id), enabled = 1, extension_text = VALUES(extension_text),
      last_update_by = 'frappe_sds', last_update_time = VALUES(last_update_time);
END//

DROP PROCEDURE IF EXISTS sds__branch_extensions//
CREATE PROCEDURE sds__branch_extensions(IN p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the branch engines'' error handler for rows ahead of their table''s schema change'
BEGIN
  DECLARE v_txt MEDIUMTEXT;
  SET v_txt = CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.io.data.CsvData;',
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      'import java.sql.SQLException;',
      '/* frappe_sds: a row that reaches this branch before the schema change of its table is',
      '   skipped; the reload of that change brings it (sql/install/32_schema_ahead.sql) */',
      'boolean handleError(context, table, data, ex) {',
      '  if (table == null || data == null || context.getBatch() == null) return true;',
      '  if (!"frappe".equals(context.getBatch().getChannelId())) return true;',
      '  type = data.getDataEventType();',
      '  if (type != DataEventType.INSERT && type != DataEventType.UPDATE) return true;',
      '  if (table.getName().toLowerCase().startsWith("sym_")) return true;',
      '  int code = 0;',
      '  for (Throwable c = ex; c != null && code == 0; c = c.getCause())',
      '    if (c instanceof SQLException) code = ((SQLException) c).getErrorCode();',
      '  if (code != 1406 && code != 1264 && code != 1265 && code != 1366 && code != 1292',
      '      && code != 1048 && code != 1364) return true;',
      '  key = null;',
      '  try { key = java.util.Arrays.toString(data.getPkData(table)); } catch (Exception e) { }',
      '  log.warn("frappe_sds: batch " + context.getBatch().getNodeBatchId() + ": a row of " + table.getName()',
      '    + " " + key + " does not fit the table of this node yet (error " + code',
      '    + "): skipped; the reload of the schema change of the table brings it");',
      '  return false;',
      '}');
  CALL sds__extension_put('sds_schema_ahead', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterErrorHandler',
                           p_branch, v_txt);
  -- A new table: the rows captured at the master between its capture
  -- trigger's build and the reload that creates it at the branches reach
  -- them first. SymmetricDS fails such a batch ("Could not find the target
  -- table", AbstractDatabaseWriter.write, before any error handler) unless
  -- dataloader.ignore.missing.tables is true (default false); then it skips
  -- the rows and logs "Did not find the … table in the target database".
  -- The reload brings them (it reads the table as it is when extracted).
  -- The price: a table a branch lacks for good (an app the branch site does
  -- not have) is skipped there rather than stopping the channel.
  INSERT INTO sym_parameter (external_id, node_group_id, param_key, param_value, create_time,
                             last_update_by, last_update_time)
    VALUES ('ALL', p_branch, 'dataloader.ignore.missing.tables', 'true', NOW(), 'frappe_sds', NOW())
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(param_value <=> 'true', last_update_time, VALUES(last_update_time)),
      last_update_by = IF(param_value <=> 'true', last_update_by, 'frappe_sds'),
      param_value = 'true';
END//
DELIMITER ;
