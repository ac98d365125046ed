-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- A company mapped to a running branch, or unmapped from it (docs/routing.md,
-- "Moves"): the company's rows are loaded at the branch, or deleted there,
-- by events written into sym_data for that node only, without a reload
-- request. (A document that changes company is handled by the capture
-- trigger itself: sym_trigger.custom_on_update_text, core/sds_config.c.)

DELIMITER //
-- sds__company_rows_send(proc, company, node, kind): for every
-- company-routed table, one event for node p_node on the rows of company
-- p_company: kind 'R' a reload event (row_data = the WHERE SymmetricDS's
-- extraction selects with, DataService.insertReloadEvent writes the same),
-- kind 'S' a SQL event deleting them (row_data = the statement as one CSV
-- field; "$(tableName)" is the event's table at the branch,
-- DefaultDatabaseWriter.preprocessSqlStatement). node_list = the node:
-- RouterService routes the event to it only. The WHERE of each table
-- comes from the library ("sds_company_where": the table's
-- initial_load_select for one company, without the rows of shared
-- documents); the company is pasted as a hex literal. Nothing is sent to
-- a node that has not registered yet: its first load (sds_add_branch)
-- reads the mapping itself.
DROP PROCEDURE IF EXISTS sds__company_rows_send//
CREATE PROCEDURE sds__company_rows_send(IN p_proc VARCHAR(64), IN p_company VARCHAR(255),
                                        IN p_node VARCHAR(255), IN p_kind CHAR(1))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: load (R) or delete (S) the rows of one company at one registered branch'
BEGIN
  DECLARE j LONGTEXT;
  DECLARE v_master, v_branch VARCHAR(50);
  DECLARE v_lit TEXT;
  -- (no row: not set up yet, nothing is replicated)
  SET v_master = (SELECT master_group FROM sds_setup_state WHERE id = 1),
      v_branch = (SELECT branch_group FROM sds_setup_state WHERE id = 1);
  IF v_master IS NOT NULL AND v_master <> ''
     AND EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node AND node_group_id = v_branch
                 AND sync_enabled = 1) THEN
    CALL sds__check_library();   -- 10_plan.sql
    SELECT sds__config_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM (
      SELECT kind, a1, a2, a3, a4, a5, a6, a7 FROM sds__meta_input
      UNION ALL SELECT 'X', 'db', DATABASE(), NULL, NULL, NULL, NULL, NULL
      UNION ALL SELECT 'X', 'config_api', '2', NULL, NULL, NULL, NULL, NULL
      UNION ALL SELECT 'X', 'master_group', v_master, NULL, NULL, NULL, NULL, NULL
      UNION ALL SELECT 'X', 'branch_group', v_branch, NULL, NULL, NULL, NULL, NULL) i;
    CALL sds__raise_json_error(j);
    SET v_lit = CONCAT('_utf8mb4 X''', HEX(CONVERT(p_company USING utf8mb4)), '''');
    -- deletes: rows that find their document through another row first
    -- (ord); loads: documents first
    INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                          transaction_id, source_node_id, external_data, node_list, create_time)
      SELECT h.source_table_name, p_kind,
             IF(p_kind = 'S',
                CONCAT('"delete t from $(tableName) t where ', REPLACE(w.wh, CHAR(1 USING utf8mb4), v_lit), '"'),
                REPLACE(w.wh, CHAR(1 USING utf8mb4), v_lit)),
             h.trigger_hist_id, IF(p_kind = 'S', t.channel_id, t.reload_channel_id),
             NULL, NULL, NULL, p_node, NOW()
      FROM JSON_TABLE(j, '$.sds_company_where[*]' COLUMNS (
             tid VARCHAR(128) PATH '$.trigger_id',
             ord INT PATH '$.ord',
             wh LONGTEXT PATH '$.where')) w
      JOIN sym_trigger t ON t.trigger_id = w.tid
      JOIN sym_trigger_hist h ON h.trigger_id = w.tid AND h.inactive_time IS NULL
      ORDER BY IF(p_kind = 'S', w.ord, -w.ord), h.trigger_hist_id;
  END IF;
END//
DELIMITER ;
