-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- A company mapped to a running branch, or unmapped from it (docs/routing.md,
-- "Moves"): the company's rows are loaded at the branch, or deleted there,
-- by events written into sym_data for that node only, without a reload
-- request. (A document that changes company is handled by the capture
-- trigger itself: sym_trigger.custom_on_update_text, core/sds_config.c.)

-- What selects the rows of one company in each company-routed table, as the
-- last sds_setup / sds_sync_schema pass wrote the triggers: the library's
-- "sds_company_where" (the table's initial_load_select for one company,
-- without the arms of shared documents; CHAR(1) stands for the company).
CREATE TABLE IF NOT EXISTS sds_company_where (
  trigger_id VARCHAR(128) NOT NULL PRIMARY KEY COMMENT 'the master''s sym_trigger.trigger_id',
  table_name VARCHAR(64) NOT NULL,
  ord TINYINT NOT NULL COMMENT 'delete order: 1 Dynamic-Link rows, 2 child rows, 3 documents, 4 tabCompany',
  where_text LONGTEXT NOT NULL COMMENT 'WHERE on alias t; CHAR(1) = the company (tabCompany.name)',
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: the rows of one company per table (sds_map_company, sds_unmap_company)';
-- the runtime layout (docs/topology.md): where_text names the site's tables
-- with the site database (it runs on the runtime database); the same WHERE
-- for the delete a branch runs in its own database names them unqualified
ALTER TABLE sds_company_where
  ADD COLUMN IF NOT EXISTS where_branch LONGTEXT NULL
    COMMENT 'runtime layout: where_text as a branch runs it (NULL: where_text)' AFTER where_text;

DELIMITER //
-- sds__moves_compute() / sds__moves_apply(): the rows of sds_company_where
-- from the library's JSON, as sds__setup_compute / sds__setup_apply
-- (20_setup.sql) merge the sym_* tables (they call these): computed into a
-- temporary table (sds_setup_preview writes nothing), replaced in the
-- setup's transaction.
DROP PROCEDURE IF EXISTS sds__moves_compute//
CREATE PROCEDURE sds__moves_compute(IN p_now DATETIME)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the wanted sds_company_where rows into sds__want_company_where'
BEGIN
  DROP TEMPORARY TABLE IF EXISTS sds__want_company_where;
  CREATE TEMPORARY TABLE sds__want_company_where LIKE sds_company_where;
  INSERT INTO sds__want_company_where (trigger_id, table_name, ord, where_text, where_branch, updated_at)
    SELECT tid, tbl, ord, wh, wb, p_now
    FROM JSON_TABLE(@sds__j, '$.sds_company_where[*]' COLUMNS (
      tid VARCHAR(128) PATH '$.trigger_id',
      tbl VARCHAR(64) PATH '$.table_name',
      ord INT PATH '$.ord',
      wh LONGTEXT PATH '$.where',
      wb LONGTEXT PATH '$.where_branch')) jt;
END//

DROP PROCEDURE IF EXISTS sds__moves_apply//
CREATE PROCEDURE sds__moves_apply()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_company_where replaced by sds__want_company_where (caller owns the transaction)'
BEGIN
  DELETE w FROM sds_company_where w WHERE NOT EXISTS
    (SELECT 1 FROM sds__want_company_where n WHERE n.trigger_id = w.trigger_id);
  -- only the rows that changed (an unchanged setup writes nothing)
  INSERT INTO sds_company_where (trigger_id, table_name, ord, where_text, where_branch, updated_at)
    SELECT n.trigger_id, n.table_name, n.ord, n.where_text, n.where_branch, n.updated_at
    FROM sds__want_company_where n LEFT JOIN sds_company_where w ON w.trigger_id = n.trigger_id
    WHERE w.trigger_id IS NULL OR NOT (BINARY w.table_name <=> BINARY n.table_name
          AND w.ord <=> n.ord AND BINARY w.where_text <=> BINARY n.where_text
          AND BINARY w.where_branch <=> BINARY n.where_branch)
    ON DUPLICATE KEY UPDATE table_name = VALUES(table_name), ord = VALUES(ord),
      where_text = VALUES(where_text), where_branch = VALUES(where_branch), updated_at = VALUES(updated_at);
END//

-- sds__company_rows_send(proc, company, node, kind): for every
-- company-routed table, one event for node p_node on the rows of company
-- p_company: kind 'R' a reload event (row_data = the WHERE SymmetricDS's
-- extraction selects with; DataService.insertReloadEvent writes the same),
-- kind 'S' a SQL event deleting them (row_data = the statement as one CSV
-- field; "$(tableName)" is the event's table at the branch,
-- DefaultDatabaseWriter.preprocessSqlStatement). node_list = the node:
-- RouterService routes the event to it only. The company is pasted as a
-- hex literal. Nothing is sent to a node that has not registered yet: its
-- first load (sds_add_branch) reads the mapping itself.
DROP PROCEDURE IF EXISTS sds__company_rows_send//
CREATE PROCEDURE sds__company_rows_send(IN p_proc VARCHAR(64), IN p_company VARCHAR(255),
                                        IN p_node VARCHAR(255), IN p_kind CHAR(1))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: load (R) or delete (S) the rows of one company at one registered branch'
BEGIN
  DECLARE v_branch VARCHAR(50);
  DECLARE v_lit TEXT;
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_hist INT;
  DECLARE v_table VARCHAR(255);
  DECLARE v_where LONGTEXT;
  -- the runtime layout (docs/topology.md): where_text names the site's
  -- tables with the site database (it runs here and in SymmetricDS's
  -- extraction, both on the runtime database); a branch's own database has
  -- another name, which the master does not know: the delete sent to it is
  -- where_branch, its site tables named "$(catalogName).", which the branch
  -- replaces with its site database (the SQL event rides the table, whose
  -- catalog the branch's writer filter sds_site_target sets)
  DECLARE v_site VARCHAR(64) DEFAULT sds__site_db();
  DECLARE v_tab VARCHAR(40) DEFAULT IF(v_site <> DATABASE(), '$(catalogName).$(tableName)', '$(tableName)');
  DECLARE cur CURSOR FOR SELECT trigger_hist_id, table_name, where_text FROM sds__rows_send;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  -- (no row: not set up yet, nothing is replicated)
  SET v_branch = (SELECT branch_group FROM sds_setup_state WHERE id = 1);
  IF v_branch IS NOT NULL AND v_branch <> ''
     AND EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node AND node_group_id = v_branch
                 AND sync_enabled = 1) THEN
    SET v_lit = CONCAT('_utf8mb4 X''', HEX(CONVERT(p_company USING utf8mb4)), '''');
    DROP TEMPORARY TABLE IF EXISTS sds__rows_send;
    CREATE TEMPORARY TABLE sds__rows_send (
      trigger_hist_id INT NOT NULL PRIMARY KEY, table_name VARCHAR(255) NOT NULL,
      channel_id VARCHAR(128) NOT NULL, ord INT NOT NULL, where_text LONGTEXT NOT NULL,
      where_branch LONGTEXT NOT NULL);
    INSERT INTO sds__rows_send
      SELECT h.trigger_hist_id, h.source_table_name,
             IF(p_kind = 'S', t.channel_id, t.reload_channel_id), w.ord,
             REPLACE(w.where_text, CHAR(1 USING utf8mb4), v_lit),
             REPLACE(IFNULL(w.where_branch, w.where_text), CHAR(1 USING utf8mb4), v_lit)
      FROM sds_company_where w
      JOIN sym_trigger t ON t.trigger_id = w.trigger_id
      JOIN sym_trigger_hist h ON h.trigger_id = w.trigger_id AND h.inactive_time IS NULL;
    -- a load: only the tables that hold a row of the company now. Each R event
    -- is a load batch of its own at the branch, and most tables hold none
    -- (~350 tables, ~20 with rows, on the bundled site); a row written from
    -- here on is routed live by the mapping already in place.
    IF p_kind = 'R' THEN
      OPEN cur;
      rows_loop: LOOP
        FETCH cur INTO v_hist, v_table, v_where;
        IF v_done THEN LEAVE rows_loop; END IF;
        SET @sds__stmt = CONCAT('SELECT EXISTS (SELECT 1 FROM ', sds_ident(v_site), '.`',
                                REPLACE(v_table, '`', '``'), '` t WHERE ', v_where, ') INTO @sds__has');
        PREPARE s FROM @sds__stmt;
        EXECUTE s;
        DEALLOCATE PREPARE s;
        IF NOT @sds__has THEN
          DELETE FROM sds__rows_send WHERE trigger_hist_id = v_hist;
        END IF;
      END LOOP;
      CLOSE cur;
      SET @sds__stmt = NULL, @sds__has = NULL;
    END IF;
    -- deletes: rows that find their document through another row first
    -- (ord); loads: documents first
    INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                          transaction_id, source_node_id, external_data, node_list, create_time)
      SELECT r.table_name, p_kind,
             IF(p_kind = 'S', CONCAT('"delete t from ', v_tab, ' t where ', r.where_branch, '"'),
                r.where_text),
             r.trigger_hist_id, r.channel_id, NULL, NULL, NULL, p_node, NOW()
      FROM sds__rows_send r
      ORDER BY IF(p_kind = 'S', r.ord, -r.ord), r.trigger_hist_id;
    DROP TEMPORARY TABLE sds__rows_send;
  END IF;
END//
DELIMITER ;
