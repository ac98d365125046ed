-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The SymmetricDS configuration: sds_setup_state and sds_setup /
-- sds_setup_preview with their internal steps (compute, apply, cleanup).

CREATE TABLE IF NOT EXISTS sds_setup_state (
  id TINYINT NOT NULL PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  master_group VARCHAR(50) NOT NULL,
  branch_group VARCHAR(50) NOT NULL,
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: the groups of the last sds_setup (used by sds_sync_schema)';

DELIMITER //
-- ---------------------------------------------------------------------------
-- sds_setup(master_group, branch_group) / sds_setup_preview(...):
-- write (or show) the SymmetricDS configuration for this site.
-- ---------------------------------------------------------------------------
-- Rows frappe_sds writes carry last_update_by = 'frappe_sds'; only those are
-- ever updated or deleted. A wanted row whose key is taken by a row someone
-- else wrote is left alone and reported as 'skip'.
DROP PROCEDURE IF EXISTS sds__setup_compute//
CREATE PROCEDURE sds__setup_compute(IN p_master VARCHAR(255), IN p_branch VARCHAR(255),
                                     OUT j LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: desired rows into sds__want_*, differences into sds__change; j: the config and plan JSON'
BEGIN
  DECLARE now_ DATETIME DEFAULT NOW();
  DECLARE msg VARCHAR(512);
  IF (SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = DATABASE()
        AND table_name IN ('sym_node_group', 'sym_node_group_link', 'sym_channel',
                           'sym_router', 'sym_trigger', 'sym_trigger_router',
                           'sym_conflict')) < 7 THEN
    SET msg = CONCAT('sds_setup: SymmetricDS tables are missing in ',
                     QUOTE(DATABASE()), '; run symadmin create-sym-tables first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;

  SELECT sds_config_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM (
    SELECT kind, a1, a2, a3, a4, a5, a6, a7 FROM sds_meta_input
    UNION ALL SELECT 'X', 'db', DATABASE(), NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'config_api', '2', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'master_group', p_master, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'branch_group', p_branch, NULL, NULL, NULL, NULL, NULL) i;
  CALL sds__raise_json_error(j);
  CALL sds__setup_cleanup();

  -- Every sym table's array in one parse of j: each NESTED PATH gives its
  -- rows, with the other paths' columns NULL (n_* tells whose row it is).
  CREATE TEMPORARY TABLE sds__want ENGINE=Aria
  SELECT * FROM JSON_TABLE(j, '$' COLUMNS (
    NESTED PATH '$.sym_node_group[*]' COLUMNS (
      n_ng FOR ORDINALITY,
      ng_node_group_id VARCHAR(50) PATH '$.node_group_id',
      ng_description MEDIUMTEXT PATH '$.description'),
    NESTED PATH '$.sym_node_group_link[*]' COLUMNS (
      n_gl FOR ORDINALITY,
      gl_source_node_group_id VARCHAR(50) PATH '$.source_node_group_id',
      gl_target_node_group_id VARCHAR(50) PATH '$.target_node_group_id',
      gl_data_event_action CHAR(1) PATH '$.data_event_action'),
    NESTED PATH '$.sym_channel[*]' COLUMNS (
      n_ch FOR ORDINALITY,
      ch_channel_id VARCHAR(128) PATH '$.channel_id',
      ch_processing_order INT PATH '$.processing_order',
      ch_max_batch_size INT PATH '$.max_batch_size',
      ch_max_batch_to_send INT PATH '$.max_batch_to_send',
      ch_batch_algorithm VARCHAR(50) PATH '$.batch_algorithm',
      ch_reload_flag SMALLINT PATH '$.reload_flag',
      ch_description MEDIUMTEXT PATH '$.description'),
    NESTED PATH '$.sym_router[*]' COLUMNS (
      n_ro FOR ORDINALITY,
      ro_router_id VARCHAR(50) PATH '$.router_id',
      ro_source_node_group_id VARCHAR(50) PATH '$.source_node_group_id',
      ro_target_node_group_id VARCHAR(50) PATH '$.target_node_group_id',
      ro_router_type VARCHAR(50) PATH '$.router_type',
      ro_router_expression MEDIUMTEXT PATH '$.router_expression',
      ro_description MEDIUMTEXT PATH '$.description'),
    NESTED PATH '$.sym_trigger[*]' COLUMNS (
      n_tr FOR ORDINALITY,
      tr_trigger_id VARCHAR(128) PATH '$.trigger_id',
      tr_source_table_name VARCHAR(255) PATH '$.source_table_name',
      tr_channel_id VARCHAR(128) PATH '$.channel_id',
      tr_reload_channel_id VARCHAR(128) PATH '$.reload_channel_id',
      tr_sync_on_incoming_batch SMALLINT PATH '$.sync_on_incoming_batch',
      tr_external_select MEDIUMTEXT PATH '$.external_select',
      tr_sync_on_insert_condition MEDIUMTEXT PATH '$.sync_on_insert_condition',
      tr_sync_on_update_condition MEDIUMTEXT PATH '$.sync_on_update_condition',
      tr_sync_on_delete_condition MEDIUMTEXT PATH '$.sync_on_delete_condition',
      tr_description MEDIUMTEXT PATH '$.description'),
    NESTED PATH '$.sym_trigger_router[*]' COLUMNS (
      n_tt FOR ORDINALITY,
      tt_trigger_id VARCHAR(128) PATH '$.trigger_id',
      tt_router_id VARCHAR(50) PATH '$.router_id',
      tt_initial_load_order INT PATH '$.initial_load_order',
      tt_initial_load_select MEDIUMTEXT PATH '$.initial_load_select'),
    NESTED PATH '$.sym_conflict[*]' COLUMNS (
      n_cf FOR ORDINALITY,
      cf_conflict_id VARCHAR(50) PATH '$.conflict_id',
      cf_source_node_group_id VARCHAR(50) PATH '$.source_node_group_id',
      cf_target_node_group_id VARCHAR(50) PATH '$.target_node_group_id',
      cf_target_channel_id VARCHAR(128) PATH '$.target_channel_id',
      cf_target_table_name VARCHAR(255) PATH '$.target_table_name',
      cf_detect_type VARCHAR(128) PATH '$.detect_type',
      cf_detect_expression MEDIUMTEXT PATH '$.detect_expression',
      cf_resolve_type VARCHAR(128) PATH '$.resolve_type',
      cf_ping_back VARCHAR(128) PATH '$.ping_back',
      cf_resolve_row_only SMALLINT PATH '$.resolve_row_only'))) jt;

  -- One table per sym table, LIKE it: same collations, so keys compare
  -- exactly as SymmetricDS's table does and the joins use its indexes.
  CREATE TEMPORARY TABLE sds__want_node_group LIKE sym_node_group;
  CREATE TEMPORARY TABLE sds__want_node_group_link LIKE sym_node_group_link;
  CREATE TEMPORARY TABLE sds__want_channel LIKE sym_channel;
  CREATE TEMPORARY TABLE sds__want_router LIKE sym_router;
  CREATE TEMPORARY TABLE sds__want_trigger LIKE sym_trigger;
  CREATE TEMPORARY TABLE sds__want_trigger_router LIKE sym_trigger_router;
  CREATE TEMPORARY TABLE sds__want_conflict LIKE sym_conflict;

  INSERT INTO sds__want_node_group (node_group_id, description, create_time,
      last_update_by, last_update_time)
    SELECT ng_node_group_id, ng_description, now_, 'frappe_sds', now_
    FROM sds__want WHERE n_ng IS NOT NULL;
  INSERT INTO sds__want_node_group_link (source_node_group_id, target_node_group_id,
      data_event_action, create_time, last_update_by, last_update_time)
    SELECT gl_source_node_group_id, gl_target_node_group_id, gl_data_event_action,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE n_gl IS NOT NULL;
  INSERT INTO sds__want_channel (channel_id, processing_order, max_batch_size,
      max_batch_to_send, batch_algorithm, reload_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT ch_channel_id, ch_processing_order, ch_max_batch_size, ch_max_batch_to_send,
           ch_batch_algorithm, ch_reload_flag, ch_description, now_, 'frappe_sds', now_
    FROM sds__want WHERE n_ch IS NOT NULL;
  INSERT INTO sds__want_router (router_id, source_node_group_id, target_node_group_id,
      router_type, router_expression, description, create_time, last_update_by,
      last_update_time)
    SELECT ro_router_id, ro_source_node_group_id, ro_target_node_group_id, ro_router_type,
           ro_router_expression, ro_description, now_, 'frappe_sds', now_
    FROM sds__want WHERE n_ro IS NOT NULL;
  INSERT INTO sds__want_trigger (trigger_id, source_table_name, channel_id,
      reload_channel_id, sync_on_incoming_batch, external_select,
      sync_on_insert_condition, sync_on_update_condition, sync_on_delete_condition,
      description, create_time, last_update_by, last_update_time)
    SELECT tr_trigger_id, tr_source_table_name, tr_channel_id, tr_reload_channel_id,
           tr_sync_on_incoming_batch, tr_external_select, tr_sync_on_insert_condition,
           tr_sync_on_update_condition, tr_sync_on_delete_condition, tr_description,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE n_tr IS NOT NULL;
  INSERT INTO sds__want_trigger_router (trigger_id, router_id, initial_load_order,
      initial_load_select, create_time, last_update_by, last_update_time)
    SELECT tt_trigger_id, tt_router_id, tt_initial_load_order, tt_initial_load_select,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE n_tt IS NOT NULL;
  INSERT INTO sds__want_conflict (conflict_id, source_node_group_id,
      target_node_group_id, target_channel_id, target_table_name, detect_type,
      detect_expression, resolve_type, ping_back, resolve_row_only, create_time,
      last_update_by, last_update_time)
    SELECT cf_conflict_id, cf_source_node_group_id, cf_target_node_group_id,
           cf_target_channel_id, cf_target_table_name, cf_detect_type,
           cf_detect_expression, cf_resolve_type, cf_ping_back, cf_resolve_row_only,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE n_cf IS NOT NULL;
  DROP TEMPORARY TABLE sds__want;

  -- The differences. seq orders inserts parents-first and deletes
  -- children-first (the sym_* foreign keys).
  -- keys in the collation of SymmetricDS's own key columns, so joins with
  -- sym_* compare as SymmetricDS does (and use its primary keys)
  SELECT CONCAT('CHARACTER SET ', character_set_name, ' COLLATE ', collation_name)
    INTO @sds__coll FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'sym_trigger'
      AND column_name = 'trigger_id';
  SET @sds__sql = CONCAT('CREATE TEMPORARY TABLE sds__change (',
    'seq INT NOT NULL, tbl VARCHAR(40) NOT NULL, ',
    'action ENUM(''insert'',''update'',''delete'',''skip'') NOT NULL, ',
    'k1 VARCHAR(255) ', @sds__coll, ' NOT NULL, ',
    'k2 VARCHAR(255) ', @sds__coll, ' NOT NULL DEFAULT '''', ',
    'detail VARCHAR(255) ', @sds__coll, ' NULL, KEY (tbl, action, k1)) ENGINE=Aria');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = NULL, @sds__coll = NULL;

  -- sym_node_group
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 1, 'sym_node_group', IF(s.node_group_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.node_group_id,
           IF(s.node_group_id IS NULL, NULL, 'description')
    FROM sds__want_node_group w LEFT JOIN sym_node_group s ON s.node_group_id = w.node_group_id
    WHERE s.node_group_id IS NULL OR NOT (BINARY s.description <=> BINARY w.description);
  INSERT INTO sds__change (seq, tbl, action, k1)
    SELECT 71, 'sym_node_group', 'delete', s.node_group_id FROM sym_node_group s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_node_group w WHERE w.node_group_id = s.node_group_id);

  -- sym_node_group_link
  INSERT INTO sds__change (seq, tbl, action, k1, k2, detail)
    SELECT 2, 'sym_node_group_link', IF(s.source_node_group_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')),
           w.source_node_group_id, w.target_node_group_id,
           IF(s.source_node_group_id IS NULL, NULL, 'data_event_action')
    FROM sds__want_node_group_link w LEFT JOIN sym_node_group_link s
      ON s.source_node_group_id = w.source_node_group_id
     AND s.target_node_group_id = w.target_node_group_id
    WHERE s.source_node_group_id IS NULL
       OR NOT (BINARY s.data_event_action <=> BINARY w.data_event_action);
  INSERT INTO sds__change (seq, tbl, action, k1, k2)
    SELECT 70, 'sym_node_group_link', 'delete', s.source_node_group_id,
           s.target_node_group_id FROM sym_node_group_link s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_node_group_link w
       WHERE w.source_node_group_id = s.source_node_group_id
         AND w.target_node_group_id = s.target_node_group_id);

  -- sym_channel
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 3, 'sym_channel', IF(s.channel_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.channel_id,
           IF(s.channel_id IS NULL, NULL, 'channel settings')
    FROM sds__want_channel w LEFT JOIN sym_channel s ON s.channel_id = w.channel_id
    WHERE s.channel_id IS NULL
       OR NOT (s.processing_order <=> w.processing_order
               AND s.max_batch_size <=> w.max_batch_size
               AND s.max_batch_to_send <=> w.max_batch_to_send
               AND BINARY s.batch_algorithm <=> BINARY w.batch_algorithm
               AND s.reload_flag <=> w.reload_flag
               AND BINARY s.description <=> BINARY w.description);
  INSERT INTO sds__change (seq, tbl, action, k1)
    SELECT 60, 'sym_channel', 'delete', s.channel_id FROM sym_channel s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_channel w WHERE w.channel_id = s.channel_id);

  -- sym_router
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 4, 'sym_router', IF(s.router_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.router_id,
           IF(s.router_id IS NULL, NULL, 'router settings')
    FROM sds__want_router w LEFT JOIN sym_router s ON s.router_id = w.router_id
    WHERE s.router_id IS NULL
       OR NOT (BINARY s.source_node_group_id <=> BINARY w.source_node_group_id
               AND BINARY s.target_node_group_id <=> BINARY w.target_node_group_id
               AND BINARY s.router_type <=> BINARY w.router_type
               AND BINARY s.router_expression <=> BINARY w.router_expression
               AND BINARY s.description <=> BINARY w.description);
  INSERT INTO sds__change (seq, tbl, action, k1)
    SELECT 50, 'sym_router', 'delete', s.router_id FROM sym_router s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_router w WHERE w.router_id = s.router_id);

  -- sym_trigger
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 5, 'sym_trigger', IF(s.trigger_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.trigger_id,
           IF(s.trigger_id IS NULL, w.source_table_name,
              CONCAT_WS(', ',
                IF(BINARY s.source_table_name <=> BINARY w.source_table_name, NULL, 'source_table_name'),
                IF(BINARY s.channel_id <=> BINARY w.channel_id
                   AND BINARY s.reload_channel_id <=> BINARY w.reload_channel_id, NULL, 'channels'),
                IF(s.sync_on_incoming_batch <=> w.sync_on_incoming_batch, NULL, 'sync_on_incoming_batch'),
                IF(BINARY s.external_select <=> BINARY w.external_select, NULL, 'external_select'),
                IF(BINARY s.sync_on_insert_condition <=> BINARY w.sync_on_insert_condition
                   AND BINARY s.sync_on_update_condition <=> BINARY w.sync_on_update_condition
                   AND BINARY s.sync_on_delete_condition <=> BINARY w.sync_on_delete_condition,
                   NULL, 'conditions'),
                IF(BINARY s.description <=> BINARY w.description, NULL, 'description')))
    FROM sds__want_trigger w LEFT JOIN sym_trigger s ON s.trigger_id = w.trigger_id
    WHERE s.trigger_id IS NULL
       OR NOT (BINARY s.source_table_name <=> BINARY w.source_table_name
               AND BINARY s.channel_id <=> BINARY w.channel_id
               AND BINARY s.reload_channel_id <=> BINARY w.reload_channel_id
               AND s.sync_on_incoming_batch <=> w.sync_on_incoming_batch
               AND BINARY s.external_select <=> BINARY w.external_select
               AND BINARY s.sync_on_insert_condition <=> BINARY w.sync_on_insert_condition
               AND BINARY s.sync_on_update_condition <=> BINARY w.sync_on_update_condition
               AND BINARY s.sync_on_delete_condition <=> BINARY w.sync_on_delete_condition
               AND BINARY s.description <=> BINARY w.description);
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 40, 'sym_trigger', 'delete', s.trigger_id, s.source_table_name FROM sym_trigger s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_trigger w WHERE w.trigger_id = s.trigger_id);

  -- sym_trigger_router
  INSERT INTO sds__change (seq, tbl, action, k1, k2, detail)
    SELECT 6, 'sym_trigger_router', IF(s.trigger_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')),
           w.trigger_id, w.router_id,
           IF(s.trigger_id IS NULL, NULL, 'initial load')
    FROM sds__want_trigger_router w LEFT JOIN sym_trigger_router s
      ON s.trigger_id = w.trigger_id AND s.router_id = w.router_id
    WHERE s.trigger_id IS NULL
       OR NOT (s.initial_load_order <=> w.initial_load_order
               AND BINARY s.initial_load_select <=> BINARY w.initial_load_select);
  INSERT INTO sds__change (seq, tbl, action, k1, k2)
    SELECT 30, 'sym_trigger_router', 'delete', s.trigger_id, s.router_id
    FROM sym_trigger_router s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_trigger_router w
       WHERE w.trigger_id = s.trigger_id AND w.router_id = s.router_id);

  -- sym_conflict
  INSERT INTO sds__change (seq, tbl, action, k1, detail)
    SELECT 7, 'sym_conflict', IF(s.conflict_id IS NULL, 'insert',
             IF(s.last_update_by <=> 'frappe_sds', 'update', 'skip')), w.conflict_id,
           IF(s.conflict_id IS NULL, w.target_table_name, 'conflict settings')
    FROM sds__want_conflict w LEFT JOIN sym_conflict s ON s.conflict_id = w.conflict_id
    WHERE s.conflict_id IS NULL
       OR NOT (BINARY s.source_node_group_id <=> BINARY w.source_node_group_id
               AND BINARY s.target_node_group_id <=> BINARY w.target_node_group_id
               AND BINARY s.target_channel_id <=> BINARY w.target_channel_id
               AND BINARY s.target_table_name <=> BINARY w.target_table_name
               AND BINARY s.detect_type <=> BINARY w.detect_type
               AND BINARY s.detect_expression <=> BINARY w.detect_expression
               AND BINARY s.resolve_type <=> BINARY w.resolve_type
               AND BINARY s.ping_back <=> BINARY w.ping_back
               AND s.resolve_row_only <=> w.resolve_row_only);
  INSERT INTO sds__change (seq, tbl, action, k1)
    SELECT 20, 'sym_conflict', 'delete', s.conflict_id FROM sym_conflict s
    WHERE s.last_update_by = 'frappe_sds' AND NOT EXISTS
      (SELECT 1 FROM sds__want_conflict w WHERE w.conflict_id = s.conflict_id);

  -- sym_load_filter (21_load_filter.sql)
  CALL sds__load_filter_compute(j, now_);
END//

DROP PROCEDURE IF EXISTS sds__setup_apply//
CREATE PROCEDURE sds__setup_apply()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: apply sds__change (caller owns the transaction)'
BEGIN
  DECLARE now_ DATETIME DEFAULT NOW();
  -- deletes, children first
  DELETE s FROM sym_conflict s JOIN sds__change c
    ON c.tbl = 'sym_conflict' AND c.action = 'delete' AND s.conflict_id = c.k1;
  DELETE s FROM sym_trigger_router s JOIN sds__change c
    ON c.tbl = 'sym_trigger_router' AND c.action = 'delete'
   AND s.trigger_id = c.k1 AND s.router_id = c.k2;
  DELETE s FROM sym_trigger s JOIN sds__change c
    ON c.tbl = 'sym_trigger' AND c.action = 'delete' AND s.trigger_id = c.k1;

  -- inserts and updates, parents first
  INSERT INTO sym_node_group SELECT w.* FROM sds__want_node_group w JOIN sds__change c
    ON c.tbl = 'sym_node_group' AND c.action = 'insert' AND c.k1 = w.node_group_id;
  UPDATE sym_node_group s JOIN sds__change c
      ON c.tbl = 'sym_node_group' AND c.action = 'update' AND s.node_group_id = c.k1
    JOIN sds__want_node_group w ON w.node_group_id = s.node_group_id
    SET s.description = w.description, s.last_update_time = now_;
  INSERT INTO sym_node_group_link SELECT w.* FROM sds__want_node_group_link w
    JOIN sds__change c ON c.tbl = 'sym_node_group_link' AND c.action = 'insert'
     AND c.k1 = w.source_node_group_id AND c.k2 = w.target_node_group_id;
  UPDATE sym_node_group_link s JOIN sds__change c
      ON c.tbl = 'sym_node_group_link' AND c.action = 'update'
     AND s.source_node_group_id = c.k1 AND s.target_node_group_id = c.k2
    JOIN sds__want_node_group_link w ON w.source_node_group_id = s.source_node_group_id
     AND w.target_node_group_id = s.target_node_group_id
    SET s.data_event_action = w.data_event_action, s.last_update_time = now_;
  INSERT INTO sym_channel SELECT w.* FROM sds__want_channel w JOIN sds__change c
    ON c.tbl = 'sym_channel' AND c.action = 'insert' AND c.k1 = w.channel_id;
  UPDATE sym_channel s JOIN sds__change c
      ON c.tbl = 'sym_channel' AND c.action = 'update' AND s.channel_id = c.k1
    JOIN sds__want_channel w ON w.channel_id = s.channel_id
    SET s.processing_order = w.processing_order, s.max_batch_size = w.max_batch_size,
        s.max_batch_to_send = w.max_batch_to_send, s.batch_algorithm = w.batch_algorithm,
        s.reload_flag = w.reload_flag, s.description = w.description,
        s.last_update_time = now_;
  INSERT INTO sym_router SELECT w.* FROM sds__want_router w JOIN sds__change c
    ON c.tbl = 'sym_router' AND c.action = 'insert' AND c.k1 = w.router_id;
  UPDATE sym_router s JOIN sds__change c
      ON c.tbl = 'sym_router' AND c.action = 'update' AND s.router_id = c.k1
    JOIN sds__want_router w ON w.router_id = s.router_id
    SET s.source_node_group_id = w.source_node_group_id,
        s.target_node_group_id = w.target_node_group_id,
        s.router_type = w.router_type, s.router_expression = w.router_expression,
        s.description = w.description, s.last_update_time = now_;
  INSERT INTO sym_trigger SELECT w.* FROM sds__want_trigger w JOIN sds__change c
    ON c.tbl = 'sym_trigger' AND c.action = 'insert' AND c.k1 = w.trigger_id;
  UPDATE sym_trigger s JOIN sds__change c
      ON c.tbl = 'sym_trigger' AND c.action = 'update' AND s.trigger_id = c.k1
    JOIN sds__want_trigger w ON w.trigger_id = s.trigger_id
    SET s.source_table_name = w.source_table_name, s.channel_id = w.channel_id,
        s.reload_channel_id = w.reload_channel_id,
        s.sync_on_incoming_batch = w.sync_on_incoming_batch,
        s.external_select = w.external_select,
        s.sync_on_insert_condition = w.sync_on_insert_condition,
        s.sync_on_update_condition = w.sync_on_update_condition,
        s.sync_on_delete_condition = w.sync_on_delete_condition,
        s.description = w.description, s.last_update_time = now_;
  INSERT INTO sym_trigger_router SELECT w.* FROM sds__want_trigger_router w
    JOIN sds__change c ON c.tbl = 'sym_trigger_router' AND c.action = 'insert'
     AND c.k1 = w.trigger_id AND c.k2 = w.router_id;
  UPDATE sym_trigger_router s JOIN sds__change c
      ON c.tbl = 'sym_trigger_router' AND c.action = 'update'
     AND s.trigger_id = c.k1 AND s.router_id = c.k2
    JOIN sds__want_trigger_router w ON w.trigger_id = s.trigger_id AND w.router_id = s.router_id
    SET s.initial_load_order = w.initial_load_order,
        s.initial_load_select = w.initial_load_select, s.last_update_time = now_;
  INSERT INTO sym_conflict SELECT w.* FROM sds__want_conflict w JOIN sds__change c
    ON c.tbl = 'sym_conflict' AND c.action = 'insert' AND c.k1 = w.conflict_id;
  UPDATE sym_conflict s JOIN sds__change c
      ON c.tbl = 'sym_conflict' AND c.action = 'update' AND s.conflict_id = c.k1
    JOIN sds__want_conflict w ON w.conflict_id = s.conflict_id
    SET s.source_node_group_id = w.source_node_group_id,
        s.target_node_group_id = w.target_node_group_id,
        s.target_channel_id = w.target_channel_id,
        s.target_table_name = w.target_table_name, s.detect_type = w.detect_type,
        s.detect_expression = w.detect_expression, s.resolve_type = w.resolve_type,
        s.ping_back = w.ping_back, s.resolve_row_only = w.resolve_row_only,
        s.last_update_time = now_;

  CALL sds__load_filter_apply();     -- 21_load_filter.sql

  -- remaining deletes of parents, after their children are gone
  DELETE s FROM sym_router s JOIN sds__change c
    ON c.tbl = 'sym_router' AND c.action = 'delete' AND s.router_id = c.k1;
  DELETE s FROM sym_channel s JOIN sds__change c
    ON c.tbl = 'sym_channel' AND c.action = 'delete' AND s.channel_id = c.k1;
  DELETE s FROM sym_node_group_link s JOIN sds__change c
    ON c.tbl = 'sym_node_group_link' AND c.action = 'delete'
   AND s.source_node_group_id = c.k1 AND s.target_node_group_id = c.k2;
  DELETE s FROM sym_node_group s JOIN sds__change c
    ON c.tbl = 'sym_node_group' AND c.action = 'delete' AND s.node_group_id = c.k1;
END//

DROP PROCEDURE IF EXISTS sds__setup_cleanup//
CREATE PROCEDURE sds__setup_cleanup()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: drop the temporary tables of sds__setup_compute'
BEGIN
  DECLARE v_notes INT DEFAULT @@sql_notes;
  SET sql_notes = 0;
  DROP TEMPORARY TABLE IF EXISTS sds__want, sds__want_node_group,
    sds__want_node_group_link, sds__want_channel, sds__want_router,
    sds__want_trigger, sds__want_trigger_router, sds__want_conflict,
    sds__want_load_filter, sds__change,
    sds__cols, sds__live, sds__hist, sds__ready, sds__asked, sds__loads, sds__sig_tables;
  SET sql_notes = v_notes;
END//

DROP PROCEDURE IF EXISTS sds_setup_preview//
CREATE PROCEDURE sds_setup_preview(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: show what sds_setup would change, without writing'
BEGIN
  DECLARE j LONGTEXT;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__setup_cleanup();
    RESIGNAL;
  END;
  CALL sds__setup_compute(p_master, p_branch, j);
  SELECT tbl AS `table`, action, k1 AS `key`, NULLIF(k2, '') AS key2, detail
    FROM sds__change ORDER BY seq, k1, k2;
  CALL sds__setup_cleanup();
END//

DROP PROCEDURE IF EXISTS sds_setup//
CREATE PROCEDURE sds_setup(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: write the company-filtered SymmetricDS configuration, in one transaction'
BEGIN
  DECLARE j LONGTEXT;
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    CALL sds__setup_cleanup();
    RESIGNAL;
  END;
  -- SymmetricDS must see this as a local configuration change: with
  -- @sync_node_disabled set, its routing would only flush node caches, and
  -- with @sync_triggers_disabled set its capture of sym_* rows is skipped
  -- (shared/reference/symmetricds.md section 6 and 11).
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;

  CALL sds__assert_writer('sds_setup');
  -- One sds_setup (or sds_sync_schema, which locks the same row) at a time
  -- per site: the sds_setup_state row is locked first thing in the
  -- transaction, before anything is read, so a concurrent call waits and
  -- then computes from the configuration this one committed (a row lock
  -- replicates and works on Galera, unlike GET_LOCK). The placeholder of a
  -- first setup is replaced below, or rolled back.
  START TRANSACTION;
  INSERT INTO sds_setup_state (id, master_group, branch_group, updated_at)
    VALUES (1, '', '', NOW()) ON DUPLICATE KEY UPDATE id = id;
  -- the configuration and the plan it comes from: one pass over the metadata
  CALL sds__setup_compute(p_master, p_branch, j);
  CALL sds__plan_store(j);
  CALL sds__setup_apply();
  CALL sds__sig_take(p_master);   -- 30_schema_sync.sql: what the first ALTER is compared with
  INSERT INTO sds_setup_state (id, master_group, branch_group, updated_at)
    VALUES (1, p_master, p_branch, NOW())
    ON DUPLICATE KEY UPDATE updated_at = IF(master_group = VALUES(master_group)
        AND branch_group = VALUES(branch_group), updated_at, VALUES(updated_at)),
      master_group = VALUES(master_group), branch_group = VALUES(branch_group);
  COMMIT;
  SELECT action, COUNT(*) AS `rows`, GROUP_CONCAT(DISTINCT tbl ORDER BY tbl SEPARATOR ', ') AS tables
    FROM sds__change GROUP BY action
  UNION ALL SELECT 'none', 0, 'configuration already up to date'
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM sds__change)
  ORDER BY action;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  CALL sds__setup_cleanup();
END//
DELIMITER ;
