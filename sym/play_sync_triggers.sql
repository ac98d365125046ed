-- sym/play_sync_triggers.sql -- for tests, benchmarks and the demo only (never
-- part of install.sql): creates symplay_sync_triggers() in the current
-- database, which plays SymmetricDS's sync-triggers for the trigger
-- bookkeeping only (no database triggers are built). The one copy of these
-- rules: mysql-test (include/play_sync_triggers.inc), bench/, scripts/lib/repl.sh
-- and the demo all load this file.
--
-- The rules, as SymmetricDS 3.15 applies them (checked on its own engine:
-- README "Proven on SymmetricDS's own engine"; shared/reference/symmetricds.md
-- section 2 "What triggers a rebuild", section 6 Mechanism 3): for every
-- enabled trigger routed from the master group (the triggers a node builds:
-- TriggerRouterService, activeTriggersForSourceNodeGroupSql) whose table
-- exists, write a new active sym_trigger_hist row when there is none (reason
-- N), when the table's columns differ from the active row's column_names
-- (reason S), or when the sym_trigger row is newer than the active row
-- (reason C: Trigger.hasChangedSinceLastTriggerBuild), and inactivate the row
-- it replaces. column_names lists the primary-key columns first, then the
-- others, each in ordinal order (Trigger.orderColumnsForTable);
-- pk_column_names the primary key (all columns when there is none). A rebuilt
-- row's create_time is no older than the trigger row (the engine builds after
-- the change it reacts to).
DROP PROCEDURE IF EXISTS symplay_sync_triggers;
DELIMITER //
CREATE PROCEDURE symplay_sync_triggers()
BEGIN
  DROP TEMPORARY TABLE IF EXISTS symplay_is, symplay_new;
  CREATE TEMPORARY TABLE symplay_is (table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
      cols TEXT, pks TEXT, KEY (table_name))
    AS SELECT table_name, GROUP_CONCAT(column_name ORDER BY column_key = 'PRI' DESC, ordinal_position) AS cols,
              GROUP_CONCAT(IF(column_key = 'PRI', column_name, NULL) ORDER BY ordinal_position) AS pks
         FROM information_schema.columns WHERE table_schema = DATABASE() GROUP BY table_name;
  CREATE TEMPORARY TABLE symplay_new AS
    SELECT t.trigger_id, t.source_table_name, i.cols, i.pks, t.last_update_time,
           h.trigger_hist_id AS old_id, BINARY h.column_names <> BINARY i.cols AS cols_changed
      FROM sym_trigger t JOIN symplay_is i ON i.table_name = t.source_table_name COLLATE utf8mb4_bin
      LEFT JOIN sym_trigger_hist h ON h.trigger_id = t.trigger_id AND h.inactive_time IS NULL
     WHERE EXISTS (SELECT 1 FROM sym_trigger_router r JOIN sym_router o ON o.router_id = r.router_id
                   AND o.source_node_group_id = 'master' WHERE r.trigger_id = t.trigger_id AND r.enabled = 1)
       AND (h.trigger_hist_id IS NULL OR BINARY h.column_names <> BINARY i.cols
            OR t.last_update_time > h.create_time);
  UPDATE sym_trigger_hist h JOIN symplay_new n ON n.old_id = h.trigger_hist_id SET h.inactive_time = NOW();
  INSERT INTO sym_trigger_hist (trigger_hist_id, trigger_id, source_table_name, table_hash,
      trigger_row_hash, trigger_template_hash, column_names, pk_column_names,
      last_trigger_build_reason, create_time)
    SELECT (SELECT IFNULL(MAX(trigger_hist_id), 0) FROM sym_trigger_hist) + ROW_NUMBER() OVER (ORDER BY n.trigger_id),
           n.trigger_id, n.source_table_name, 0, 0, 0, n.cols, IFNULL(n.pks, n.cols),
           IF(n.old_id IS NULL, 'N', IF(n.cols_changed, 'S', 'C')), GREATEST(NOW(), n.last_update_time)
      FROM symplay_new n ORDER BY n.trigger_id;
  DROP TEMPORARY TABLE symplay_is, symplay_new;
END//
DELIMITER ;

-- symplay_reloads_loaded(): SymmetricDS queueing every pending reload
-- request of this database and the branch acknowledging all of its batches,
-- as it writes them (docs/proof.md §5): a load id on the request and a
-- sym_table_reload_status row, processed = 1, then completed = 1.
-- (processed = 1 alone, without a load id, is what SymmetricDS writes for a
-- request it cancelled before queueing it: sds_sync_schema then asks again.)
-- The same play as mysql-test's include/reloads_loaded.inc.
DROP PROCEDURE IF EXISTS symplay_reloads_loaded;
DELIMITER //
CREATE PROCEDURE symplay_reloads_loaded()
BEGIN
  SET @symplay_load_id = (SELECT IFNULL(MAX(load_id), 0) FROM sym_table_reload_status);
  UPDATE sym_table_reload_request SET load_id = (@symplay_load_id := @symplay_load_id + 1)
    WHERE processed = 0 ORDER BY target_node_id, create_time, trigger_id, router_id;
  INSERT INTO sym_table_reload_status (load_id, source_node_id, target_node_id, completed,
                                       last_update_time)
    SELECT load_id, source_node_id, target_node_id, 1, NOW() FROM sym_table_reload_request
    WHERE processed = 0 AND load_id IS NOT NULL;
  UPDATE sym_table_reload_request SET processed = 1, last_update_time = NOW()
    WHERE processed = 0;
  SET @symplay_load_id = NULL;
END//
DELIMITER ;
