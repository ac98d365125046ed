-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The master's load filters (sym_load_filter): what the master takes from a
-- branch (docs/upward.md). The rows come from the library (sds_config_agg's
-- "sym_load_filter" array); these steps merge them the way sds__setup_compute
-- and sds__setup_apply (20_setup.sql) merge the other sym_* tables, which
-- call them.

DELIMITER //
DROP PROCEDURE IF EXISTS sds__load_filter_compute//
CREATE PROCEDURE sds__load_filter_compute(IN p_now DATETIME)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: wanted sym_load_filter rows into sds__want_load_filter, differences into sds__change'
BEGIN
  -- sym_load_filter is one of the tables sds__require_sym_tables asks for
  CREATE TEMPORARY TABLE sds__want_load_filter LIKE sym_load_filter;
  INSERT INTO sds__want_load_filter (load_filter_id, load_filter_type,
      source_node_group_id, target_node_group_id, target_table_name,
      filter_on_update, filter_on_insert, filter_on_delete, before_write_script,
      create_time, last_update_by, last_update_time, load_filter_order, fail_on_error)
    SELECT id, typ, src, tgt, tbl, upd, ins, del, script, p_now, 'frappe_sds', p_now,
           ord, foe
    FROM JSON_TABLE(@sds__j, '$.sym_load_filter[*]' COLUMNS (
      id VARCHAR(50) PATH '$.load_filter_id',
      typ VARCHAR(10) PATH '$.load_filter_type',
      src VARCHAR(50) PATH '$.source_node_group_id',
      tgt VARCHAR(50) PATH '$.target_node_group_id',
      tbl VARCHAR(255) PATH '$.target_table_name',
      ins SMALLINT PATH '$.filter_on_insert',
      upd SMALLINT PATH '$.filter_on_update',
      del SMALLINT PATH '$.filter_on_delete',
      script MEDIUMTEXT PATH '$.before_write_script',
      ord INT PATH '$.load_filter_order',
      foe SMALLINT PATH '$.fail_on_error')) jt;

  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 8, 'sym_load_filter', IF(s.load_filter_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.load_filter_id,
           IF(s.load_filter_id IS NULL, w.target_table_name, 'load filter')
    FROM sds__want_load_filter w
    LEFT JOIN sym_load_filter s ON s.load_filter_id = w.load_filter_id
    WHERE s.load_filter_id IS NULL
       OR NOT (BINARY s.load_filter_type <=> BINARY w.load_filter_type
               AND BINARY s.source_node_group_id <=> BINARY w.source_node_group_id
               AND BINARY s.target_node_group_id <=> BINARY w.target_node_group_id
               AND s.target_catalog_name IS NULL AND s.target_schema_name IS NULL
               AND BINARY s.target_table_name <=> BINARY w.target_table_name
               AND s.filter_on_insert <=> w.filter_on_insert
               AND s.filter_on_update <=> w.filter_on_update
               AND s.filter_on_delete <=> w.filter_on_delete
               AND BINARY s.before_write_script <=> BINARY w.before_write_script
               AND s.after_write_script IS NULL AND s.batch_complete_script IS NULL
               AND s.batch_commit_script IS NULL AND s.batch_rollback_script IS NULL
               AND s.handle_error_script IS NULL
               AND s.load_filter_order <=> w.load_filter_order
               AND s.fail_on_error <=> w.fail_on_error);
  INSERT INTO sds__change (seq, tbl, action, k1)
    SELECT 15, 'sym_load_filter', 'delete', s.load_filter_id FROM sym_load_filter s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_load_filter w WHERE w.load_filter_id = s.load_filter_id);
END//

DROP PROCEDURE IF EXISTS sds__load_filter_apply//
CREATE PROCEDURE sds__load_filter_apply()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: apply the sym_load_filter part of sds__change (after the links exist, before any is deleted)'
BEGIN
  DECLARE now_ DATETIME DEFAULT NOW();
  DELETE s FROM sym_load_filter s JOIN sds__change c
    ON c.tbl = 'sym_load_filter' AND c.action = 'delete' AND s.load_filter_id = c.k1;
  INSERT INTO sym_load_filter SELECT w.* FROM sds__want_load_filter w
    JOIN sds__change c ON c.tbl = 'sym_load_filter' AND c.action = 'insert'
     AND c.k1 = w.load_filter_id;
  -- every column, the ones frappe_sds leaves NULL too: a script someone
  -- added to a frappe_sds row must not stay
  UPDATE sym_load_filter s JOIN sds__change c
      ON c.tbl = 'sym_load_filter' AND c.action = 'update' AND s.load_filter_id = c.k1
    JOIN sds__want_load_filter w ON w.load_filter_id = s.load_filter_id
    SET s.load_filter_type = w.load_filter_type,
        s.source_node_group_id = w.source_node_group_id,
        s.target_node_group_id = w.target_node_group_id,
        s.target_catalog_name = NULL, s.target_schema_name = NULL,
        s.target_table_name = w.target_table_name,
        s.filter_on_insert = w.filter_on_insert, s.filter_on_update = w.filter_on_update,
        s.filter_on_delete = w.filter_on_delete,
        s.before_write_script = w.before_write_script, s.after_write_script = NULL,
        s.batch_complete_script = NULL, s.batch_commit_script = NULL,
        s.batch_rollback_script = NULL, s.handle_error_script = NULL,
        s.load_filter_order = w.load_filter_order, s.fail_on_error = w.fail_on_error,
        s.last_update_time = now_;
END//
DELIMITER ;

-- What a branch sends is data (docs/upward.md): rows of the tables it may
-- change, each checked by the load filters above. A batch from a branch may
-- also carry events SymmetricDS runs rather than writes: SQL (S, run on the
-- receiving node's connection), BeanShell (B, run in its JVM) and table
-- creations (C). A branch's site user can write those into its own node's
-- sym_data; at the master they would run as SymmetricDS's account there,
-- which writes the master's configuration (and so every node's). The
-- master's engine gets a writer filter (sym_extension, interface
-- IDatabaseWriterFilter, BeanShell) that skips them in every batch that did
-- not come from the master itself, and logs each. SymmetricDS sends none of
-- them up by itself in 3.12 and later (its one B event upward, of
-- DefaultDataLoaderFactory's newer-capture-wins conflicts, runs only on a
-- node older than 3.12.4). (No SQL quote and no two slashes in the text:
-- sds__extension_put.)
--
-- The master's engine gets a second extension, sds_fresh_models (interface
-- ITriggerCreationListener): it empties SymmetricDS's table-model cache when
-- a trigger sync starts. sds_sync_schema has SymmetricDS rebuild a changed
-- table's capture trigger by touching its sym_trigger row; that rebuild
-- (TriggerRouterService.syncTriggers(List<Trigger>, ...), which calls every
-- listener's syncTriggersStarted before it reads a model) takes the table's
-- model from the cache, which SymmetricDS clears only when it is older than
-- cache.table.time.ms (AbstractDatabasePlatform.getTableFromCache), 1 h by
-- default: a stale model built a trigger naming an ALTER's dropped column.
-- Engine files of 0.3.0 and earlier set that to 4 s on the master instead: the
-- routing job, which reads every routed row's table model from the same
-- cache (RouterService.routeData), then read the models again every 4 s:
-- 40-64 % of the master's routing time (bench/RESULTS.scale.md, section 9).
-- Both the engine's platform and its target platform (the site database
-- of the runtime layout) are emptied.
DELIMITER //
DROP PROCEDURE IF EXISTS sds__upward_extension//
CREATE PROCEDURE sds__upward_extension(IN p_master VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the master engine refuses SQL, BeanShell and create events from branches, and reads fresh table models for a trigger sync'
BEGIN
  CALL sds__extension_put('sds_fresh_models', 'org.jumpmind.symmetric.config.ITriggerCreationListener',
    p_master, 0, CONCAT_WS(CHAR(10),
      '/* frappe_sds: a capture trigger rebuilt after an ALTER reads the table as it is now',
      '   (sql/install/21_load_filter.sql, docs/schema-changes.md) */',
      'void syncTriggersStarted() {',
      '  engine.getDatabasePlatform().resetCachedTableModel();',
      '  engine.getSymmetricDialect().getTargetPlatform().resetCachedTableModel();',
      '}',
      'void triggerCreated(toSync, synced, trigger, history) { }',
      'void triggerChecked(toSync, synced) { }',
      'void triggerFailed(toSync, synced, trigger, ex) { }',
      'void triggerInactivated(toSync, synced, trigger, oldHistory) { }',
      'void tableDoesNotExist(toSync, synced, trigger) { }',
      'void syncTriggersEnded() { }'));
  -- the runtime layout: the site's tables of a branch's batch go into the
  -- master's site database, whatever catalog the batch names
  -- (32_schema_ahead.sql, sds__site_target_text)
  IF sds__site_db() <> DATABASE() THEN
    CALL sds__extension_put('sds_site_target_master', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter',
                             p_master, 0, sds__site_target_text(sds__site_db()));
  END IF;
  CALL sds__extension_put('sds_upward_events', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter',
    p_master, 1, CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      '/* frappe_sds: a branch sends data, never SQL, BeanShell or table creations',
      '   (sql/install/21_load_filter.sql, docs/upward.md) */',
      'boolean beforeWrite(context, table, data) {',
      '  if (data == null) return true;',
      '  t = data.getDataEventType();',
      '  if (t != DataEventType.SQL && t != DataEventType.BSH && t != DataEventType.CREATE) return true;',
      '  b = context.getBatch();',
      '  src = b == null ? null : b.getSourceNodeId();',
      '  me = engine.getNodeService().findIdentityNodeId();',
      '  if (src != null && src.equals(me)) return true;',
      '  log.warn("frappe_sds: batch " + (b == null ? "?" : b.getNodeBatchId()) + " from node " + src',
      '    + ": refused a " + t + " event" + (table == null ? "" : " on " + table.getName())',
      '    + " (a branch sends data only; docs/upward.md)");',
      '  return false;',
      '}',
      'void afterWrite(context, table, data) { }',
      'boolean handlesMissingTable(context, table) { return false; }',
      'void earlyCommit(context) { }',
      'void batchComplete(context) { }',
      'void batchCommitted(context) { }',
      'void batchRolledback(context) { }'));
END//
DELIMITER ;
