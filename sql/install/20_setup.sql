-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The SymmetricDS configuration: sds_setup_state and sds_setup /
-- sds_setup_preview with their internal steps (the description of the
-- sym_* tables, compute, apply, cleanup).

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
--
-- The sym_* tables frappe_sds writes, described once: every statement that
-- fills, compares, inserts, updates or deletes their rows is made from this
-- description (sds__sym_sql). For each table:
--   table         the sym_* table; the core's JSON has its wanted rows
--                 under the same name, one member per column
--   seq, del_seq  the order of its changes in sds__change: inserts and
--                 updates parents first (seq), deletes children first
--                 (del_seq), as the sym_* foreign keys need
--   del_early     1: its deletes are applied before every insert and update
--                 (rows no other frappe_sds row refers to once their
--                 children are gone); 0: after them, once the rows that
--                 referred to them have moved off
--   key           its primary key (one or two columns)
--   ins_detail, del_detail
--                 the column sds_setup_preview shows as the detail of an
--                 insert, of a delete (none: NULL)
--   owns          the columns frappe_sds sets and compares, in groups: an
--                 update's detail names the groups that differ (label).
--                 Its other columns keep SymmetricDS's defaults.
DROP FUNCTION IF EXISTS sds__sym_tables//
CREATE FUNCTION sds__sym_tables() RETURNS LONGTEXT CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the sym_* tables sds_setup writes: keys, owned columns, order'
  RETURN '[
  {"table": "sym_node_group", "seq": 1, "del_seq": 71, "del_early": 0,
   "key": ["node_group_id"],
   "owns": [{"label": "description", "cols": ["description"]}]},
  {"table": "sym_node_group_link", "seq": 2, "del_seq": 70, "del_early": 0,
   "key": ["source_node_group_id", "target_node_group_id"],
   "owns": [{"label": "data_event_action", "cols": ["data_event_action"]}]},
  {"table": "sym_channel", "seq": 3, "del_seq": 60, "del_early": 0,
   "key": ["channel_id"],
   "owns": [{"label": "channel settings",
             "cols": ["processing_order", "max_batch_size", "max_batch_to_send",
                      "batch_algorithm", "reload_flag", "description"]}]},
  {"table": "sym_router", "seq": 4, "del_seq": 50, "del_early": 0,
   "key": ["router_id"],
   "owns": [{"label": "router settings",
             "cols": ["source_node_group_id", "target_node_group_id", "router_type",
                      "router_expression", "target_catalog_name", "use_source_catalog_schema",
                      "description"]}],
   "empty": {"use_source_catalog_schema": "1"}},
  {"table": "sym_trigger", "seq": 5, "del_seq": 40, "del_early": 1,
   "key": ["trigger_id"],
   "ins_detail": "source_table_name", "del_detail": "source_table_name",
   "owns": [{"label": "source_table_name", "cols": ["source_table_name"]},
            {"label": "source_catalog_name", "cols": ["source_catalog_name"]},
            {"label": "channels", "cols": ["channel_id", "reload_channel_id"]},
            {"label": "sync_on_incoming_batch", "cols": ["sync_on_incoming_batch"]},
            {"label": "external_select", "cols": ["external_select"]},
            {"label": "conditions", "cols": ["sync_on_insert_condition",
                      "sync_on_update_condition", "sync_on_delete_condition"]},
            {"label": "moves", "cols": ["custom_on_update_text"]},
            {"label": "description", "cols": ["description"]}]},
  {"table": "sym_trigger_router", "seq": 6, "del_seq": 30, "del_early": 1,
   "key": ["trigger_id", "router_id"],
   "owns": [{"label": "initial load", "cols": ["initial_load_order", "initial_load_select"]}]},
  {"table": "sym_conflict", "seq": 7, "del_seq": 20, "del_early": 1,
   "key": ["conflict_id"],
   "ins_detail": "target_table_name",
   "owns": [{"label": "conflict settings",
             "cols": ["source_node_group_id", "target_node_group_id", "target_channel_id",
                      "target_table_name", "detect_type", "detect_expression",
                      "resolve_type", "ping_back", "resolve_row_only"]}]}
]'//

-- The statements made from sds__sym_tables(), into the temporary table
-- sds__sym_stmt (kind, and step: the order they run in):
--   parse  sds__want: the core's JSON (the statement's parameter) as rows
--   want   sds__want_<t> filled from sds__want (the parse of the core's JSON)
--   diff   the differences of sds__want_<t> and <t> into sds__change
--   apply  sds__change applied to <t>: early deletes (children first),
--          inserts and updates (parents first), the other deletes
-- Owned columns compare byte for byte (BINARY; the sds__want_<t> tables are
-- LIKE SymmetricDS's, so numbers print alike), NULL equal to NULL.
DROP PROCEDURE IF EXISTS sds__sym_sql//
CREATE PROCEDURE sds__sym_sql(IN p_now DATETIME)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the parse/want/diff/apply statements of each sym_* table into sds__sym_stmt'
BEGIN
  DECLARE v_now VARCHAR(40) DEFAULT QUOTE(p_now);
  DECLARE v_gc_len BIGINT UNSIGNED DEFAULT @@SESSION.group_concat_max_len;
  -- the statements are a few kB: whatever the session's limit, never cut
  SET SESSION group_concat_max_len = 1048576;
  -- the tables (i: their position in the description)
  CREATE TEMPORARY TABLE sds__sym ENGINE=Aria
    SELECT d.i, d.tbl, REPLACE(d.tbl, 'sym_', 'sds__want_') AS want, d.seq, d.del_seq,
           d.del_early, d.k1, d.k2, d.ins_detail, d.del_detail
    FROM JSON_TABLE(sds__sym_tables(), '$[*]' COLUMNS (
      i FOR ORDINALITY,
      tbl VARCHAR(64) PATH '$.table',
      seq INT PATH '$.seq',
      del_seq INT PATH '$.del_seq',
      del_early INT PATH '$.del_early',
      k1 VARCHAR(64) PATH '$.key[0]',
      k2 VARCHAR(64) PATH '$.key[1]',
      ins_detail VARCHAR(64) PATH '$.ins_detail',
      del_detail VARCHAR(64) PATH '$.del_detail')) d;
  -- their owned columns (g: the group, n: the column within it; dflt: the
  -- value of a column the core's JSON leaves out, "empty" in the description:
  -- the runtime layout's columns, absent in the classic layout's JSON)
  CREATE TEMPORARY TABLE sds__sym_col ENGINE=Aria
    SELECT d.i, d.g, d.label, d.n, d.col,
           JSON_VALUE(sds__sym_tables(), CONCAT('$[', d.i - 1, '].empty.', d.col)) AS dflt,
           CONCAT('NOT (BINARY s.', d.col, ' <=> BINARY w.', d.col, ')') AS differs
    FROM JSON_TABLE(sds__sym_tables(), '$[*]' COLUMNS (
      i FOR ORDINALITY,
      NESTED PATH '$.owns[*]' COLUMNS (
        g FOR ORDINALITY,
        label VARCHAR(64) PATH '$.label',
        NESTED PATH '$.cols[*]' COLUMNS (
          n FOR ORDINALITY,
          col VARCHAR(64) PATH '$')))) d;
  -- the groups: does any of a group's columns differ
  CREATE TEMPORARY TABLE sds__sym_grp ENGINE=Aria
    SELECT c.i, c.g, c.label, GROUP_CONCAT(c.differs ORDER BY c.n SEPARATOR ' OR ') AS differs
    FROM sds__sym_col c GROUP BY c.i, c.g, c.label;

  CREATE TEMPORARY TABLE sds__sym_stmt (kind VARCHAR(8) NOT NULL, step INT NOT NULL,
    stmt MEDIUMTEXT NOT NULL) ENGINE=Aria;

  -- parse: every sym table's array in one parse of the core's JSON (the
  -- statement's parameter): each NESTED PATH gives its rows, with the other
  -- paths' columns NULL (n<i> tells whose row it is). Values as text, as
  -- long as the core made them: storing them in the sds__want_<t> tables
  -- checks them against SymmetricDS's columns.
  INSERT INTO sds__sym_stmt (kind, step, stmt)
    SELECT 'parse', 0, CONCAT('CREATE TEMPORARY TABLE sds__want ENGINE=Aria ',
      'SELECT * FROM JSON_TABLE(?, ''$'' COLUMNS (',
      GROUP_CONCAT('NESTED PATH ''$.', t.tbl, '[*]'' COLUMNS (n', t.i, ' FOR ORDINALITY, ',
        'c', t.i, '_', t.k1, ' MEDIUMTEXT PATH ''$.', t.k1, ''', ',
        IFNULL(CONCAT('c', t.i, '_', t.k2, ' MEDIUMTEXT PATH ''$.', t.k2, ''', '), ''),
        (SELECT GROUP_CONCAT('c', c.i, '_', c.col, ' MEDIUMTEXT PATH ''$.', c.col, '''',
                             IFNULL(CONCAT(' DEFAULT ', QUOTE(c.dflt), ' ON EMPTY'), '')
                             ORDER BY c.g, c.n SEPARATOR ', ')
         FROM sds__sym_col c WHERE c.i = t.i),
        ')' ORDER BY t.i SEPARATOR ', '),
      ')) jt')
    FROM sds__sym t;

  -- want: the wanted rows, stamped as frappe_sds's (sds__want's columns are
  -- c<i>_<column>; n<i> is not NULL on the lines of table i)
  INSERT INTO sds__sym_stmt (kind, step, stmt)
    SELECT 'want', t.i, CONCAT('INSERT INTO ', t.want, ' (', t.k1, IFNULL(CONCAT(', ', t.k2), ''),
             (SELECT CONCAT(', ', GROUP_CONCAT(c.col ORDER BY c.g, c.n SEPARATOR ', '))
              FROM sds__sym_col c WHERE c.i = t.i),
             ', create_time, last_update_by, last_update_time) SELECT c', t.i, '_', t.k1,
             IFNULL(CONCAT(', c', t.i, '_', t.k2), ''),
             (SELECT CONCAT(', ', GROUP_CONCAT('c', c.i, '_', c.col ORDER BY c.g, c.n SEPARATOR ', '))
              FROM sds__sym_col c WHERE c.i = t.i),
             ', ', v_now, ', ''frappe_sds'', ', v_now, ' FROM sds__want WHERE n', t.i, ' IS NOT NULL')
    FROM sds__sym t;

  -- diff: wanted rows missing or different (insert; update, or skip when
  -- the row is someone else's), and frappe_sds's rows no longer wanted
  INSERT INTO sds__sym_stmt (kind, step, stmt)
    SELECT 'diff', t.i, CONCAT('INSERT INTO sds__change (seq, tbl, action, k1, k2, detail) SELECT ',
             t.seq, ', ', QUOTE(t.tbl), ', IF(s.', t.k1, ' IS NULL, ''insert'', ',
             'IF(s.last_update_by <=> ''frappe_sds'', ''update'', ''skip'')), w.', t.k1, ', ',
             IFNULL(CONCAT('w.', t.k2), ''''''), ', IF(s.', t.k1, ' IS NULL, ',
             IFNULL(CONCAT('w.', t.ins_detail), 'NULL'), ', CONCAT_WS('', '', ',
             (SELECT GROUP_CONCAT('IF(', r.differs, ', ', QUOTE(r.label), ', NULL)'
                                  ORDER BY r.g SEPARATOR ', ')
              FROM sds__sym_grp r WHERE r.i = t.i),
             ')) FROM ', t.want, ' w LEFT JOIN ', t.tbl, ' s ON s.', t.k1, ' = w.', t.k1,
             IFNULL(CONCAT(' AND s.', t.k2, ' = w.', t.k2), ''),
             ' WHERE s.', t.k1, ' IS NULL OR ',
             (SELECT GROUP_CONCAT(c.differs ORDER BY c.g, c.n SEPARATOR ' OR ')
              FROM sds__sym_col c WHERE c.i = t.i))
    FROM sds__sym t
    UNION ALL
    SELECT 'diff', 100 + t.i, CONCAT('INSERT INTO sds__change (seq, tbl, action, k1, k2, detail) SELECT ',
             t.del_seq, ', ', QUOTE(t.tbl), ', ''delete'', s.', t.k1, ', ',
             IFNULL(CONCAT('s.', t.k2), ''''''), ', ', IFNULL(CONCAT('s.', t.del_detail), 'NULL'),
             ' FROM ', t.tbl, ' s WHERE s.last_update_by = ''frappe_sds'' AND NOT EXISTS ',
             '(SELECT 1 FROM ', t.want, ' w WHERE w.', t.k1, ' = s.', t.k1,
             IFNULL(CONCAT(' AND w.', t.k2, ' = s.', t.k2), ''), ')')
    FROM sds__sym t;

  -- apply
  INSERT INTO sds__sym_stmt (kind, step, stmt)
    SELECT 'apply', IF(t.del_early, 0, 200) + t.del_seq,
           CONCAT('DELETE s FROM ', t.tbl, ' s JOIN sds__change c ON c.tbl = ', QUOTE(t.tbl),
             ' AND c.action = ''delete'' AND s.', t.k1, ' = c.k1',
             IFNULL(CONCAT(' AND s.', t.k2, ' = c.k2'), ''))
    FROM sds__sym t
    UNION ALL
    SELECT 'apply', 100 + 2 * t.seq,
           CONCAT('INSERT INTO ', t.tbl, ' SELECT w.* FROM ', t.want, ' w JOIN sds__change c ',
             'ON c.tbl = ', QUOTE(t.tbl), ' AND c.action = ''insert'' AND c.k1 = w.', t.k1,
             IFNULL(CONCAT(' AND c.k2 = w.', t.k2), ''))
    FROM sds__sym t
    UNION ALL
    SELECT 'apply', 101 + 2 * t.seq,
           CONCAT('UPDATE ', t.tbl, ' s JOIN sds__change c ON c.tbl = ', QUOTE(t.tbl),
             ' AND c.action = ''update'' AND s.', t.k1, ' = c.k1',
             IFNULL(CONCAT(' AND s.', t.k2, ' = c.k2'), ''),
             ' JOIN ', t.want, ' w ON w.', t.k1, ' = s.', t.k1,
             IFNULL(CONCAT(' AND w.', t.k2, ' = s.', t.k2), ''), ' SET ',
             (SELECT GROUP_CONCAT('s.', c.col, ' = w.', c.col ORDER BY c.g, c.n SEPARATOR ', ')
              FROM sds__sym_col c WHERE c.i = t.i),
             ', s.last_update_time = ', v_now)
    FROM sds__sym t;
  SET SESSION group_concat_max_len = v_gc_len;
END//

-- Runs the statements of sds__sym_stmt of one kind, in step order; the
-- _steps form only those with step in [p_from, p_to] (sds__setup_apply puts
-- the load filters between the inserts and updates and the late deletes).
DROP PROCEDURE IF EXISTS sds__sym_run_steps//
CREATE PROCEDURE sds__sym_run_steps(IN p_kind VARCHAR(8), IN p_from INT, IN p_to INT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: run the statements of sds__sym_stmt of one kind, a range of steps'
BEGIN
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_stmt MEDIUMTEXT;
  DECLARE c CURSOR FOR SELECT stmt FROM sds__sym_stmt
    WHERE kind = p_kind AND step BETWEEN p_from AND p_to ORDER BY step;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  OPEN c;
  run: LOOP
    FETCH c INTO v_stmt;
    IF v_done THEN
      LEAVE run;
    END IF;
    PREPARE s FROM v_stmt;
    EXECUTE s;
    DEALLOCATE PREPARE s;
  END LOOP;
  CLOSE c;
END//

DROP PROCEDURE IF EXISTS sds__sym_run//
CREATE PROCEDURE sds__sym_run(IN p_kind VARCHAR(8))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: run the statements of sds__sym_stmt of one kind'
  CALL sds__sym_run_steps(p_kind, 0, 2147483647)//

-- sds__require_sym_tables(who): the SymmetricDS tables frappe_sds reads and
-- writes are here, or an error saying how to make them (install.sql's
-- precondition checks the same list inline, 00_install.sql).
DROP PROCEDURE IF EXISTS sds__require_sym_tables//
CREATE PROCEDURE sds__require_sym_tables(IN p_who VARCHAR(64))
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a site without SymmetricDS''s tables'
BEGIN
  DECLARE msg VARCHAR(512);
  IF (SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = DATABASE()
        AND table_name IN (@SDS_SYM_TABLES@)) < @SDS_SYM_TABLES_N@ THEN
    SET msg = CONCAT(p_who, ': SymmetricDS tables are missing in ',
                     QUOTE(DATABASE()), '; run symadmin create-sym-tables first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
END//


DROP PROCEDURE IF EXISTS sds__setup_compute//
CREATE PROCEDURE sds__setup_compute(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: desired rows into sds__want_*, differences into sds__change; @sds__j: the config and plan JSON'
BEGIN
  DECLARE v_parse MEDIUMTEXT;
  DECLARE v_now DATETIME DEFAULT NOW();
  CALL sds__require_sym_tables('sds_setup');

  CALL sds__check_library();   -- 10_plan.sql
  -- (into @sds__j: see sds__json_check, 10_plan.sql; the caller sets it
  -- back to NULL)
  SELECT sds__config_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO @sds__j FROM (
    SELECT kind, a1, a2, a3, a4, a5, a6, a7 FROM sds__meta_input
    UNION ALL SELECT 'X', 'db', DATABASE(), NULL, NULL, NULL, NULL, NULL
    -- the runtime layout: SymmetricDS's connection is on this database,
    -- the site's tables are in another (docs/topology.md)
    UNION ALL SELECT 'X', 'site_catalog', sds__site_db(), NULL, NULL, NULL, NULL, NULL
      FROM DUAL WHERE sds__site_db() <> DATABASE()
    UNION ALL SELECT 'X', 'runtime_catalog', DATABASE(), NULL, NULL, NULL, NULL, NULL
      FROM DUAL WHERE sds__site_db() <> DATABASE()
    UNION ALL SELECT 'X', 'config_api', '2', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'master_group', p_master, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'branch_group', p_branch, NULL, NULL, NULL, NULL, NULL) i;
  CALL sds__json_check();
  CALL sds__setup_cleanup();
  CALL sds__sym_sql(v_now);

  -- the wanted rows: j parsed once, then one table per sym table
  SET v_parse = (SELECT stmt FROM sds__sym_stmt WHERE kind = 'parse');
  PREPARE s FROM v_parse;
  EXECUTE s USING @sds__j;
  DEALLOCATE PREPARE s;

  -- One table per sym table, LIKE it: same collations, so keys compare
  -- exactly as SymmetricDS's table does and the joins use its indexes.
  CREATE TEMPORARY TABLE sds__want_node_group LIKE sym_node_group;
  CREATE TEMPORARY TABLE sds__want_node_group_link LIKE sym_node_group_link;
  CREATE TEMPORARY TABLE sds__want_channel LIKE sym_channel;
  CREATE TEMPORARY TABLE sds__want_router LIKE sym_router;
  CREATE TEMPORARY TABLE sds__want_trigger LIKE sym_trigger;
  CREATE TEMPORARY TABLE sds__want_trigger_router LIKE sym_trigger_router;
  CREATE TEMPORARY TABLE sds__want_conflict LIKE sym_conflict;
  CALL sds__sym_run('want');
  DROP TEMPORARY TABLE sds__want;

  -- The differences, keyed in the collation of SymmetricDS's own key
  -- columns, so joins with sym_* compare as SymmetricDS does (and use its
  -- primary keys). seq orders them (sds__sym_tables).
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
  CALL sds__sym_run('diff');

  -- sym_load_filter (21_load_filter.sql)
  CALL sds__load_filter_compute(v_now);
  -- sds_company_where (22_moves.sql)
  CALL sds__moves_compute(v_now);
END//

DROP PROCEDURE IF EXISTS sds__setup_apply//
CREATE PROCEDURE sds__setup_apply()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: apply sds__change (caller owns the transaction)'
BEGIN
  -- early deletes, inserts and updates (steps below 200); the load
  -- filters, once the group links they name exist; the late deletes of
  -- parents (200 and up), once no filter names them
  CALL sds__sym_run_steps('apply', 0, 199);
  CALL sds__load_filter_apply();     -- 21_load_filter.sql
  CALL sds__sym_run_steps('apply', 200, 2147483647);
  CALL sds__moves_apply();           -- 22_moves.sql
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
    sds__want_trigger, sds__want_trigger_router, sds__want_conflict, sds__want_load_filter, sds__change,
    sds__sym, sds__sym_col, sds__sym_grp, sds__sym_stmt,
    sds__cols, sds__live, sds__hist, sds__ready, sds__asked, sds__loads, sds__sig_tables,
    sds__want_company_where;
  SET sql_notes = v_notes;
END//

DROP PROCEDURE IF EXISTS sds_setup_preview//
CREATE PROCEDURE sds_setup_preview(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: show what sds_setup would change, without writing'
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    -- RESIGNAL re-raises the error this handler caught (code, SQLSTATE and
    -- text), whatever ran in between; the clean-up's own errors are dropped
    SET @sds__j = NULL;
    BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
      CALL sds__setup_cleanup();
    END;
    RESIGNAL;
  END;
  CALL sds__setup_compute(p_master, p_branch);
  SET @sds__j = NULL;
  SELECT tbl AS `table`, action, k1 AS `key`, NULLIF(k2, '') AS key2, detail
    FROM sds__change ORDER BY seq, k1, k2;
  CALL sds__setup_cleanup();
END//

DROP PROCEDURE IF EXISTS sds__setup_once//
CREATE PROCEDURE sds__setup_once(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_setup, one try'
BEGIN
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    -- the error caught is the one reported (see sds_setup_preview)
    SET @sds__j = NULL;
    CALL sds__writer_end(0, v_saved);
    BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
      CALL sds__setup_cleanup();
    END;
    RESIGNAL;
  END;
  -- one configuration writer at a time per site, its writes captured by
  -- SymmetricDS as local changes (15_writers.sql); a first setup's
  -- placeholder row is replaced below, or rolled back
  CALL sds__writer_begin(1, v_saved);
  -- the configuration and the plan it comes from: one pass over the metadata
  CALL sds__setup_compute(p_master, p_branch);
  CALL sds__plan_store();
  SET @sds__j = NULL;
  CALL sds__setup_apply();
  CALL sds__load_extensions(p_master);   -- 51_onboarding.sql: first loads without empty batches
  CALL sds__upward_extension(p_master);   -- 21_load_filter.sql: no SQL or code from branches
  CALL sds__branch_extensions(p_branch);   -- 32_schema_ahead.sql: rows ahead of their schema change
  CALL sds__sig_take(p_master);   -- 30_schema_sync.sql: what the first ALTER is compared with
  INSERT INTO sds_setup_state (id, master_group, branch_group, updated_at)
    VALUES (1, p_master, p_branch, NOW())
    ON DUPLICATE KEY UPDATE updated_at = IF(master_group = VALUES(master_group)
        AND branch_group = VALUES(branch_group), updated_at, VALUES(updated_at)),
      master_group = VALUES(master_group), branch_group = VALUES(branch_group);
  CALL sds__writer_end(1, v_saved);
  SELECT action, COUNT(*) AS `rows`, GROUP_CONCAT(DISTINCT tbl ORDER BY tbl SEPARATOR ', ') AS tables
    FROM sds__change GROUP BY action
  UNION ALL SELECT 'none', 0, 'configuration already up to date'
    FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM sds__change)
  ORDER BY action;
  CALL sds__setup_cleanup();
END//

-- sds_setup(master_group, branch_group): the configuration, in one
-- transaction. A deadlock or a lock wait timeout means another writer won
-- (on Galera another node's transaction, certified first; the worker's
-- pass): the transaction was rolled back whole and is run again, a few
-- times, then the error goes to the caller (as sds_sync_schema does).
DROP PROCEDURE IF EXISTS sds_setup//
CREATE PROCEDURE sds_setup(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: write the company-filtered SymmetricDS configuration, in one transaction'
BEGIN
  DECLARE v_try INT DEFAULT 0;
  CALL sds__assert_writer('sds_setup');
  retry: LOOP
    BEGIN
      DECLARE EXIT HANDLER FOR 1213, 1205
      BEGIN
        SET v_try = v_try + 1;
        IF v_try >= 8 THEN
          RESIGNAL;
        END IF;
      END;
      CALL sds__setup_once(p_master, p_branch);
      LEAVE retry;
    END;
    DO SLEEP(0.2 * v_try);
  END LOOP;
END//
DELIMITER ;
