-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- sds_compare (issue 21, point 4; docs/operations.md "Comparing a branch"):
-- does a branch hold exactly the rows it should? Checksums per bucket of
-- rows on each side, carried by SymmetricDS:
--  1. the master computes, for every table routed to the branch, the rows
--     the branch's load select finds (sym_trigger_router.initial_load_select
--     with $(externalId)/$(nodeId)/$(groupId) replaced), their per-row hash
--     and per-bucket COUNT(*) and BIT_XOR (sds_compare_bucket);
--  2. it sends, per table, one SQL event (channel frappe_compare) whose
--     statements compute the same at the branch over all its rows, compare
--     them with the master's buckets (pasted into the statements), and
--     write into the branch's sds_compare_answer: one 'T' row (the table's
--     row count, a note when the table or a column is missing), one 'B' row
--     per bucket that differs and one 'R' row (key, hash) per branch row in
--     such a bucket. The branch's capture trigger of sds_compare_answer
--     (sds_setup: trigger sds_compare_answer.up) sends them to the master;
--     the master's load filter takes them only from the node they name;
--  3. sds_compare_collect() (also run by sds_compare_repair)
--     compares the 'R' rows with the master's rows of those buckets: the
--     missing, foreign and differing keys (sds_compare_key) and the state
--     of each table (sds_compare_result);
--  4. sds_compare_repair(node) queues SQL events deleting the foreign rows
--     and reload events of the missing and differing rows, for that node.
-- Nothing runs at a branch but the SQL in those events (a branch has no
-- frappe_sds): every name and value in them is a hex literal.

-- the branch's answers, as the branch wrote them (the same table at the
-- master, where SymmetricDS's loader writes what the branches send). Not a
-- binary collation: MariaDB's JDBC driver reports a TEXT column of a _bin
-- collation as binary, which SymmetricDS then sends hex-encoded from one
-- side and reads as text on the other ("Odd number of characters", seen
-- on the e2e); keys compare with BINARY where they are read.
CREATE TABLE IF NOT EXISTS sds_compare_answer (
  run_id BIGINT NOT NULL,
  node_id VARCHAR(50) NOT NULL COMMENT 'the branch that answered (the master''s load filter checks it)',
  table_no INT NOT NULL COMMENT 'the table''s number in the run',
  kind CHAR(1) NOT NULL COMMENT 'T the table, B a bucket that differs, R a row of such a bucket',
  seq BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  bucket INT NULL,
  row_key MEDIUMTEXT NULL COMMENT 'CONCAT_WS('','', QUOTE(key column), ...)',
  row_hash BIGINT NULL,
  row_count BIGINT NULL COMMENT 'T: the table''s rows at the branch; B: the bucket''s',
  note VARCHAR(255) NULL COMMENT 'T: why the table could not be compared',
  PRIMARY KEY (run_id, node_id, table_no, kind, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: sds_compare answers of the branches (written at a branch, sent up by SymmetricDS)';

CREATE TABLE IF NOT EXISTS sds_compare_run (
  run_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  node_id VARCHAR(50) NOT NULL,
  started_at DATETIME NOT NULL,
  tables INT NOT NULL,
  finished_at DATETIME NULL COMMENT 'when the last table''s answer was collected',
  KEY node_id (node_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: one row per sds_compare of a branch';

CREATE TABLE IF NOT EXISTS sds_compare_result (
  node_id VARCHAR(50) NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  run_id BIGINT NOT NULL,
  table_no INT NOT NULL,
  state ENUM('pending','equal','differs') NOT NULL,
  master_rows BIGINT NOT NULL COMMENT 'rows the branch should hold (the master''s rows its load select finds)',
  branch_rows BIGINT NULL,
  missing_rows BIGINT NULL COMMENT 'rows the branch should hold and does not',
  foreign_rows BIGINT NULL COMMENT 'rows the branch holds and should not',
  differing_rows BIGINT NULL COMMENT 'rows on both with other values',
  first_missing TEXT NULL COMMENT 'up to 10 keys (JSON array of CONCAT_WS('','', QUOTE(key column), ...))',
  first_foreign TEXT NULL,
  first_differing TEXT NULL,
  note VARCHAR(255) NULL,
  started_at DATETIME NOT NULL,
  answered_at DATETIME NULL,
  trigger_id VARCHAR(128) NOT NULL COMMENT 'the master''s trigger of the table (repairs ride its trigger_hist)',
  buckets INT NOT NULL,
  key_columns TEXT NOT NULL COMMENT 'the key columns, quoted, comma-separated',
  key_expr MEDIUMTEXT NOT NULL,
  hash_expr MEDIUMTEXT NOT NULL,
  where_text MEDIUMTEXT NOT NULL COMMENT 'the load select for the node, on alias t',
  PRIMARY KEY (node_id, table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds: the last sds_compare of each branch, per table';

CREATE TABLE IF NOT EXISTS sds_compare_bucket (
  run_id BIGINT NOT NULL,
  node_id VARCHAR(50) NOT NULL,
  table_no INT NOT NULL,
  bucket INT NOT NULL,
  row_count BIGINT NOT NULL,
  xor_hash BIGINT NOT NULL,
  PRIMARY KEY (run_id, node_id, table_no, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds: the master''s buckets of a sds_compare run';

CREATE TABLE IF NOT EXISTS sds_compare_key (
  run_id BIGINT NOT NULL,
  node_id VARCHAR(50) NOT NULL,
  table_no INT NOT NULL,
  kind ENUM('missing','foreign','differing') NOT NULL,
  seq BIGINT NOT NULL,
  row_key MEDIUMTEXT NOT NULL,
  PRIMARY KEY (run_id, node_id, table_no, kind, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds: every key a sds_compare run found missing, foreign or differing';

DELIMITER //

-- A string as an SQL literal that survives any transport: _utf8mb4 X'..'.
DROP FUNCTION IF EXISTS sds__hexlit//
CREATE FUNCTION sds__hexlit(p TEXT CHARSET utf8mb4) RETURNS MEDIUMTEXT CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a string as a hex literal (_utf8mb4 X''...'')'
  RETURN IF(p IS NULL, 'NULL', CONCAT('_utf8mb4 X''', HEX(CONVERT(p USING utf8mb4)), ''''))//

-- An SQL event's row_data: the script as one CSV field (sds_send_sql, §2).
DROP FUNCTION IF EXISTS sds__sql_field//
CREATE FUNCTION sds__sql_field(p LONGTEXT CHARSET utf8mb4) RETURNS LONGTEXT CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: text as one double-quoted CSV field, \\ and " escaped'
  RETURN CONCAT('"', REPLACE(REPLACE(p, CHAR(92), CONCAT(CHAR(92), CHAR(92))), '"', CONCAT(CHAR(92), '"')), '"')//

-- A statement to run at a branch as lines of an SQL event's script,
-- whatever its text: PREPARE from hex literals (SymmetricDS splits the
-- script at ';' and runs each statement in the loader's session):
-- head + the branch's site database (`db`.) + tail. In the runtime layout
-- the branch's writer filter sds_site_target sets @sds_site_db to it
-- before the event runs (32_schema_ahead.sql); NULL (a classic branch):
-- nothing, the engine's database is the site's. (sds__branch_exec, its
-- predecessor without the site database, is dropped on upgrade.)
DROP FUNCTION IF EXISTS sds__branch_exec//
DROP FUNCTION IF EXISTS sds__branch_exec_site//
CREATE FUNCTION sds__branch_exec_site(p_head LONGTEXT CHARSET utf8mb4, p_tail LONGTEXT CHARSET utf8mb4)
  RETURNS LONGTEXT CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a statement naming a table of the branch''s site database, as lines of a branch script'
  RETURN CONCAT('SET @sds_cmp_q = CONCAT(', sds__hexlit(p_head),
                ', IFNULL(CONCAT(''`'', REPLACE(@sds_site_db, ''`'', ''``''), ''`.''), ''''), ',
                sds__hexlit(p_tail), ');', CHAR(10),
                'PREPARE sds_cmp FROM @sds_cmp_q;', CHAR(10),
                'EXECUTE sds_cmp;', CHAR(10),
                'DEALLOCATE PREPARE sds_cmp;', CHAR(10))//

-- The branch nodes a call is about: p_node, or every registered branch.
DROP PROCEDURE IF EXISTS sds__compare_nodes//
CREATE PROCEDURE sds__compare_nodes(IN p_proc VARCHAR(64), IN p_node VARCHAR(255),
                                    IN p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the branch nodes of a sds_compare call into sds__cmp_nodes'
BEGIN
  DECLARE msg VARCHAR(512);
  DROP TEMPORARY TABLE IF EXISTS sds__cmp_nodes;
  CREATE TEMPORARY TABLE sds__cmp_nodes (node_id VARCHAR(50) NOT NULL PRIMARY KEY,
                                         external_id VARCHAR(255) NOT NULL) ENGINE=Aria;
  IF p_node IS NULL THEN
    INSERT INTO sds__cmp_nodes SELECT node_id, external_id FROM sym_node
      WHERE node_group_id = p_branch AND sync_enabled = 1;
    IF ROW_COUNT() = 0 THEN
      SET msg = CONCAT(p_proc, ': no branch of group ', QUOTE(p_branch), ' has registered yet');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
  ELSE
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node AND node_group_id = p_branch) THEN
      SET msg = CONCAT(p_proc, ': unknown branch node ', QUOTE(LEFT(p_node, 60)),
                       ' (not a node of the branch group ', QUOTE(p_branch), ' in sym_node)');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node AND sync_enabled = 1) THEN
      SET msg = CONCAT(p_proc, ': branch node ', QUOTE(p_node),
                       ' has not registered yet (sync_enabled=0); SymmetricDS would drop its events');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    INSERT INTO sds__cmp_nodes SELECT node_id, external_id FROM sym_node WHERE node_id = p_node;
  END IF;
END//

-- The statements a branch runs for one table of a run (one SQL event).
-- At the branch: check its answer table has its capture trigger (else the
-- statement on a missing table fails the batch, which SymmetricDS retries
-- once it has built the trigger), hash its rows (or none, when the table
-- or a column is missing), compare buckets with the master's, and write
-- the answer with capture on (@sync_triggers_disabled / @sync_node_disabled
-- cleared as frappe_sds's own writers do, restored after).
DROP FUNCTION IF EXISTS sds__compare_script//
CREATE FUNCTION sds__compare_script(p_run BIGINT, p_node VARCHAR(50), p_no INT,
                                    p_table VARCHAR(64), p_cols MEDIUMTEXT, p_ncols INT,
                                    p_key MEDIUMTEXT, p_hash MEDIUMTEXT, p_buckets INT,
                                    p_sums LONGTEXT, p_local MEDIUMTEXT)
  RETURNS LONGTEXT CHARSET utf8mb4
  NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the branch statements of one table of a sds_compare run'
BEGIN
  DECLARE v_t MEDIUMTEXT DEFAULT CONCAT('`', REPLACE(p_table, '`', '``'), '`');
  DECLARE v_head MEDIUMTEXT DEFAULT CONCAT('INSERT INTO sds_compare_answer (run_id, node_id, table_no, kind, seq, ',
    'table_name, bucket, row_key, row_hash, row_count, note) SELECT ', p_run, ', ', sds__hexlit(p_node), ', ',
    p_no, ', ');
  -- The branch's answer table is in the database its engine connects to
  -- (DATABASE()); its site's tables are there too in the classic layout,
  -- and in its site database in the runtime layout, which its writer
  -- filter sds_site_target names in @sds_site_db before the statements run
  -- (32_schema_ahead.sql).
  RETURN CONCAT(
    'SET @sds_cmp_db = IFNULL(@sds_site_db, DATABASE());', CHAR(10),
    'SET @sds_cmp_t = (SELECT COUNT(*) FROM information_schema.triggers WHERE event_object_schema = DATABASE()',
    ' AND event_object_table = ''sds_compare_answer'' AND event_manipulation = ''INSERT'');', CHAR(10),
    'SET @sds_cmp_e = (SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @sds_cmp_db',
    ' AND table_name = ', sds__hexlit(p_table), ');', CHAR(10),
    'SET @sds_cmp_n = (SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = @sds_cmp_db',
    ' AND table_name = ', sds__hexlit(p_table), ' AND column_name IN (', p_cols, '));', CHAR(10),
    'DROP TEMPORARY TABLE IF EXISTS sds__cmp_r, sds__cmp_m, sds__cmp_b, sds__cmp_d;', CHAR(10),
    'SET @sds_cmp_q = IF(@sds_cmp_t = 0, ''SELECT 1 FROM sds_compare_answer_has_no_capture_trigger_yet'', IF(@sds_cmp_n = ',
    p_ncols, ', CONCAT(',
    sds__hexlit(CONCAT('CREATE TEMPORARY TABLE sds__cmp_r (KEY (b)) ENGINE=Aria SELECT CRC32(k) % ', p_buckets,
                       ' AS b, k, h FROM (SELECT ', p_key, ' AS k, ', p_hash, ' AS h FROM ')),
    ', ''`'', REPLACE(@sds_cmp_db, ''`'', ''``''), ''`.'', ',
    sds__hexlit(CONCAT(v_t, ' t', IFNULL(CONCAT(' WHERE ', p_local), ''), ') x')), '), ',
    sds__hexlit('CREATE TEMPORARY TABLE sds__cmp_r (b INT, k MEDIUMTEXT, h BIGINT, KEY (b)) ENGINE=Aria'), '));', CHAR(10),
    'PREPARE sds_cmp FROM @sds_cmp_q;', CHAR(10),
    'EXECUTE sds_cmp;', CHAR(10),
    'DEALLOCATE PREPARE sds_cmp;', CHAR(10),
    'CREATE TEMPORARY TABLE sds__cmp_m (b INT NOT NULL PRIMARY KEY, c BIGINT NOT NULL, x BIGINT NOT NULL) ENGINE=Aria;', CHAR(10),
    IF(p_sums IS NULL OR p_sums = '', '', CONCAT('INSERT INTO sds__cmp_m (b, c, x) VALUES ', p_sums, ';', CHAR(10))),
    'CREATE TEMPORARY TABLE sds__cmp_b (b INT NOT NULL PRIMARY KEY, c BIGINT NOT NULL, x BIGINT NOT NULL) ENGINE=Aria',
    ' SELECT b, COUNT(*) AS c, BIT_XOR(h) AS x FROM sds__cmp_r GROUP BY b;', CHAR(10),
    'CREATE TEMPORARY TABLE sds__cmp_d (b INT NOT NULL PRIMARY KEY, c BIGINT NOT NULL) ENGINE=Aria',
    ' SELECT s.b, s.c FROM sds__cmp_b s LEFT JOIN sds__cmp_m m ON m.b = s.b',
    ' WHERE m.b IS NULL OR m.c <> s.c OR m.x <> s.x;', CHAR(10),
    'INSERT INTO sds__cmp_d (b, c) SELECT m.b, 0 FROM sds__cmp_m m LEFT JOIN sds__cmp_b s ON s.b = m.b WHERE s.b IS NULL;', CHAR(10),
    'SET @sds_cmp_s1 = @sync_triggers_disabled, @sds_cmp_s2 = @sync_node_disabled;', CHAR(10),
    'SET @sync_triggers_disabled = NULL, @sync_node_disabled = NULL;', CHAR(10),
    v_head, '''B'', d.b, ', sds__hexlit(p_table), ', d.b, NULL, NULL, d.c, NULL FROM sds__cmp_d d;', CHAR(10),
    v_head, '''R'', ROW_NUMBER() OVER (ORDER BY r.b, r.k), ', sds__hexlit(p_table),
    ', r.b, r.k, r.h, NULL, NULL FROM sds__cmp_r r JOIN sds__cmp_d d ON d.b = r.b;', CHAR(10),
    v_head, '''T'', 0, ', sds__hexlit(p_table), ', NULL, NULL, NULL, (SELECT COUNT(*) FROM sds__cmp_r), ',
    'IF(@sds_cmp_e = 0, ''table missing at the branch'', IF(@sds_cmp_n < ', p_ncols,
    ', ''a column of the master is missing at the branch'', NULL));', CHAR(10),
    'SET @sync_triggers_disabled = @sds_cmp_s1, @sync_node_disabled = @sds_cmp_s2;', CHAR(10),
    'DROP TEMPORARY TABLE IF EXISTS sds__cmp_r, sds__cmp_m, sds__cmp_b, sds__cmp_d;', CHAR(10));
END//

-- The master's side of one run for one node: every table routed master ->
-- branch, its rows for the node bucketed, the branch's statements queued.
DROP PROCEDURE IF EXISTS sds__compare_node//
CREATE PROCEDURE sds__compare_node(IN p_node VARCHAR(50), IN p_ext VARCHAR(255),
                                   IN p_master VARCHAR(50), IN p_branch VARCHAR(50),
                                   IN p_hist INT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one sds_compare run for one branch node'
BEGIN
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_site VARCHAR(64) DEFAULT sds__site_db();   -- the site's tables
  DECLARE v_run BIGINT;
  DECLARE v_no INT DEFAULT 0;
  DECLARE v_tid VARCHAR(128);
  DECLARE v_table VARCHAR(64);
  DECLARE v_sel LONGTEXT;
  DECLARE v_cols, v_colslit, v_key, v_hash, v_keycols MEDIUMTEXT;
  DECLARE v_ncols, v_buckets INT;
  DECLARE v_rows BIGINT;
  DECLARE v_sums LONGTEXT;
  DECLARE v_local MEDIUMTEXT;
  DECLARE cur CURSOR FOR SELECT trigger_id, table_name, load_select, node_local FROM sds__cmp_tables ORDER BY table_name;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  DROP TEMPORARY TABLE IF EXISTS sds__cmp_tables;
  -- every table the master routes to the branch group (the answer table's
  -- own trigger excluded), that exists here
  CREATE TEMPORARY TABLE sds__cmp_tables ENGINE=Aria
    SELECT MIN(tr.trigger_id) AS trigger_id, t.source_table_name AS table_name,
           MIN(IFNULL(NULLIF(TRIM(tr.initial_load_select), ''), '1=1')) AS load_select,
           -- rows the capture never sends (tabSingles' per-node settings)
           -- are not compared on either side
           MIN(IF(t.last_update_by = 'frappe_sds', REPLACE(t.sync_on_insert_condition, 'new.', 't.'), NULL))
             AS node_local
    FROM sym_trigger_router tr
    JOIN sym_router r ON r.router_id = tr.router_id
    JOIN sym_trigger t ON t.trigger_id = tr.trigger_id
    WHERE r.source_node_group_id = p_master AND r.target_node_group_id = p_branch
      AND tr.enabled = 1 AND t.source_table_name <> 'sds_compare_answer'
      AND EXISTS (SELECT 1 FROM information_schema.tables i WHERE i.table_schema = v_site
                  AND i.table_name = t.source_table_name)
    GROUP BY t.source_table_name;
  INSERT INTO sds_compare_run (node_id, started_at, tables)
    SELECT p_node, NOW(), COUNT(*) FROM sds__cmp_tables;
  SET v_run = LAST_INSERT_ID();
  -- the node's earlier runs: their answers and keys are no longer needed
  DELETE FROM sds_compare_answer WHERE node_id = p_node AND run_id < v_run;
  DELETE FROM sds_compare_bucket WHERE node_id = p_node AND run_id < v_run;
  DELETE FROM sds_compare_key WHERE node_id = p_node AND run_id < v_run;
  DELETE FROM sds_compare_result WHERE node_id = p_node;
  -- the branch creates its answer table (if it has none) and builds its
  -- capture trigger at once: a create event (row_data NULL: the master's
  -- table as SymmetricDS extracts it; ConfigurationChangedDatabaseWriterFilter
  -- syncs the triggers of a table a batch created)
  INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                        transaction_id, source_node_id, external_data, node_list, create_time)
    VALUES ('sds_compare_answer', 'C', NULL, p_hist, 'frappe_compare', NULL, NULL, NULL, p_node, NOW());
  OPEN cur;
  tables_loop: LOOP
    FETCH cur INTO v_tid, v_table, v_sel, v_local;
    IF v_done THEN LEAVE tables_loop; END IF;
    SET v_no = v_no + 1;
    -- the master's columns in their order; the key: the primary key (all
    -- columns for a table without one)
    SELECT GROUP_CONCAT(CONCAT('QUOTE(t.`', REPLACE(column_name, '`', '``'), '`)') ORDER BY ordinal_position SEPARATOR ', '),
           GROUP_CONCAT(sds__hexlit(column_name) ORDER BY ordinal_position SEPARATOR ', '),
           COUNT(*)
      INTO v_cols, v_colslit, v_ncols
      FROM information_schema.columns WHERE table_schema = v_site AND table_name = v_table;
    SELECT GROUP_CONCAT(CONCAT('QUOTE(t.`', REPLACE(column_name, '`', '``'), '`)') ORDER BY seq_in_index SEPARATOR ', '),
           GROUP_CONCAT(CONCAT('`', REPLACE(column_name, '`', '``'), '`') ORDER BY seq_in_index SEPARATOR ', ')
      INTO v_key, v_keycols
      FROM information_schema.statistics WHERE table_schema = v_site AND table_name = v_table
        AND index_name = 'PRIMARY';
    IF v_key IS NULL THEN
      SELECT v_cols, GROUP_CONCAT(CONCAT('`', REPLACE(column_name, '`', '``'), '`') ORDER BY ordinal_position SEPARATOR ', ')
        INTO v_key, v_keycols
        FROM information_schema.columns WHERE table_schema = v_site AND table_name = v_table;
    END IF;
    SET v_key = CONCAT('CONCAT_WS('','', ', v_key, ')');
    -- 60 bits of MD5 of every column, QUOTEd (NULL stays NULL, unlike 'NULL')
    SET v_hash = CONCAT('CAST(CONV(LEFT(MD5(CONCAT_WS('','', ', v_cols, ')), 15), 16, 10) AS SIGNED)');
    SET v_sel = REPLACE(REPLACE(REPLACE(v_sel, '$(externalId)', p_ext), '$(nodeId)', p_node), '$(groupId)', p_branch);
    IF v_local IS NOT NULL THEN
      SET v_sel = CONCAT('(', v_sel, ') and (', v_local, ')');
    END IF;
    SET @sds__stmt = CONCAT('SELECT COUNT(*) INTO @sds__cmp_rows FROM ', sds_ident(v_site), '.`',
                            REPLACE(v_table, '`', '``'), '` t WHERE ', v_sel);
    PREPARE s FROM @sds__stmt;
    EXECUTE s;
    DEALLOCATE PREPARE s;
    SET v_rows = @sds__cmp_rows;
    -- about 500 rows a bucket (@sds_compare_bucket_rows), at most 4096 buckets
    SET v_buckets = LEAST(4096, GREATEST(1, CEIL(v_rows / GREATEST(1, IFNULL(@sds_compare_bucket_rows, 500)))));
    SET @sds__stmt = CONCAT('INSERT INTO sds_compare_bucket (run_id, node_id, table_no, bucket, row_count, xor_hash) ',
      'SELECT ', v_run, ', ', QUOTE(p_node), ', ', v_no, ', b, COUNT(*), BIT_XOR(h) FROM (SELECT CRC32(', v_key, ') % ',
      v_buckets, ' AS b, ', v_hash, ' AS h FROM ', sds_ident(v_site), '.`', REPLACE(v_table, '`', '``'),
      '` t WHERE ', v_sel, ') x GROUP BY b');
    PREPARE s FROM @sds__stmt;
    EXECUTE s;
    DEALLOCATE PREPARE s;
    SET v_sums = (SELECT GROUP_CONCAT('(', bucket, ',', row_count, ',', xor_hash, ')' ORDER BY bucket SEPARATOR ',')
                  FROM sds_compare_bucket WHERE run_id = v_run AND node_id = p_node AND table_no = v_no);
    INSERT INTO sds_compare_result (node_id, table_name, run_id, table_no, state, master_rows, started_at,
                                    trigger_id, buckets, key_columns, key_expr, hash_expr, where_text)
      VALUES (p_node, v_table, v_run, v_no, 'pending', v_rows, NOW(), v_tid, v_buckets, v_keycols,
              v_key, v_hash, v_sel);
    -- the branch's statements: the same expressions (on alias t), over all its rows
    INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                          transaction_id, source_node_id, external_data, node_list, create_time)
      VALUES ('sds_compare_answer', 'S',
              sds__sql_field(sds__compare_script(v_run, p_node, v_no, v_table, v_colslit, v_ncols,
                                                 v_key, v_hash, v_buckets, v_sums, v_local)),
              p_hist, 'frappe_compare', NULL, NULL, NULL, p_node, NOW());
  END LOOP;
  CLOSE cur;
  SET @sds__stmt = NULL, @sds__cmp_rows = NULL;
  DROP TEMPORARY TABLE sds__cmp_tables;
END//

DROP PROCEDURE IF EXISTS sds_compare//
CREATE PROCEDURE sds_compare(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: compare a branch (NULL: every registered branch) with the rows it should hold; results in sds_compare_result'
BEGIN
  DECLARE v_me, v_master, v_branch VARCHAR(128);
  DECLARE v_hist INT;
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_node VARCHAR(50);
  DECLARE v_ext VARCHAR(255);
  DECLARE v_saved VARCHAR(2100);
  DECLARE cur CURSOR FOR SELECT node_id, external_id FROM sds__cmp_nodes ORDER BY node_id;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
      CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
      DROP TEMPORARY TABLE IF EXISTS sds__cmp_nodes, sds__cmp_tables;
      RESIGNAL;
    END;
    CALL sds__check_master('sds_compare', v_me, v_master, v_branch);
    CALL sds__compare_nodes('sds_compare', p_node, v_branch);
    -- the events ride the master's trigger of the answer table (sds_setup
    -- writes it; SymmetricDS builds it)
    SELECT MAX(h.trigger_hist_id) INTO v_hist FROM sym_trigger_hist h
      WHERE h.trigger_id = 'sds_compare_answer' AND h.inactive_time IS NULL;
    IF v_hist IS NULL THEN
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
        'sds_compare: no active sym_trigger_hist for sds_compare_answer; run sds_setup with this release, then wait until SymmetricDS has built its triggers';
    END IF;
    CALL sds__writer_begin(0, v_saved);
    OPEN cur;
    nodes_loop: LOOP
      FETCH cur INTO v_node, v_ext;
      IF v_done THEN LEAVE nodes_loop; END IF;
      CALL sds__compare_node(v_node, v_ext, v_master, v_branch, v_hist);
    END LOOP;
    CLOSE cur;
    CALL sds__writer_end(1, v_saved);
  END;
  SELECT r.node_id, r.run_id, COUNT(*) AS tables, SUM(r.master_rows) AS master_rows, 'pending' AS state
    FROM sds_compare_result r JOIN sds__cmp_nodes n ON n.node_id = r.node_id
    GROUP BY r.node_id, r.run_id ORDER BY r.node_id;
  DROP TEMPORARY TABLE sds__cmp_nodes;
END//

-- The answers that arrived: each pending table whose 'T' answer is in gets
-- its keys and its state. Only the buckets the branch found different are
-- read on the master.
DROP PROCEDURE IF EXISTS sds__compare_settle//
CREATE PROCEDURE sds__compare_settle(IN p_node VARCHAR(50), IN p_table VARCHAR(64))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the keys and state of one pending table whose answer arrived'
BEGIN
  DECLARE v_run BIGINT;
  DECLARE v_no, v_buckets INT;
  DECLARE v_key, v_hash, v_where MEDIUMTEXT;
  DECLARE v_note VARCHAR(255);
  DECLARE v_rows BIGINT;
  SELECT run_id, table_no, buckets, key_expr, hash_expr, where_text
    INTO v_run, v_no, v_buckets, v_key, v_hash, v_where
    FROM sds_compare_result WHERE node_id = p_node AND table_name = p_table;
  SELECT row_count, note INTO v_rows, v_note FROM sds_compare_answer
    WHERE run_id = v_run AND node_id = p_node AND table_no = v_no AND kind = 'T' AND seq = 0;
  DROP TEMPORARY TABLE IF EXISTS sds__cmp_mine, sds__cmp_theirs;
  CREATE TEMPORARY TABLE sds__cmp_mine (k MEDIUMTEXT NOT NULL, h BIGINT NOT NULL, KEY (k(190))) ENGINE=Aria;
  CREATE TEMPORARY TABLE sds__cmp_theirs (k MEDIUMTEXT NOT NULL, h BIGINT NOT NULL, KEY (k(190))) ENGINE=Aria
    SELECT row_key AS k, row_hash AS h FROM sds_compare_answer
    WHERE run_id = v_run AND node_id = p_node AND table_no = v_no AND kind = 'R';
  IF EXISTS (SELECT 1 FROM sds_compare_answer WHERE run_id = v_run AND node_id = p_node
             AND table_no = v_no AND kind = 'B') THEN
    SET @sds__stmt = CONCAT('INSERT INTO sds__cmp_mine (k, h) SELECT k, h FROM (SELECT ', v_key, ' AS k, ',
      v_hash, ' AS h, CRC32(', v_key, ') % ', v_buckets, ' AS b FROM ', sds_ident(sds__site_db()), '.`',
      REPLACE(p_table, '`', '``'),
      '` t WHERE ', v_where, ') x WHERE x.b IN (SELECT a.bucket FROM sds_compare_answer a WHERE a.run_id = ',
      v_run, ' AND a.node_id = ', QUOTE(p_node), ' AND a.table_no = ', v_no, ' AND a.kind = ''B'')');
    PREPARE s FROM @sds__stmt;
    EXECUTE s;
    DEALLOCATE PREPARE s;
    SET @sds__stmt = NULL;
  END IF;
  SET @sds__cmp_seq = 0;
  INSERT INTO sds_compare_key (run_id, node_id, table_no, kind, seq, row_key)
    SELECT v_run, p_node, v_no, 'missing', @sds__cmp_seq := @sds__cmp_seq + 1, x.k
    FROM (SELECT m.k FROM sds__cmp_mine m
          WHERE NOT EXISTS (SELECT 1 FROM sds__cmp_theirs b WHERE BINARY b.k = BINARY m.k) ORDER BY m.k) x;
  SET @sds__cmp_seq = 0;
  INSERT INTO sds_compare_key (run_id, node_id, table_no, kind, seq, row_key)
    SELECT v_run, p_node, v_no, 'foreign', @sds__cmp_seq := @sds__cmp_seq + 1, x.k
    FROM (SELECT b.k FROM sds__cmp_theirs b
          WHERE NOT EXISTS (SELECT 1 FROM sds__cmp_mine m WHERE BINARY m.k = BINARY b.k) ORDER BY b.k) x;
  SET @sds__cmp_seq = 0;
  INSERT INTO sds_compare_key (run_id, node_id, table_no, kind, seq, row_key)
    SELECT v_run, p_node, v_no, 'differing', @sds__cmp_seq := @sds__cmp_seq + 1, x.k
    FROM (SELECT m.k FROM sds__cmp_mine m JOIN sds__cmp_theirs b ON BINARY b.k = BINARY m.k
          WHERE m.h <> b.h ORDER BY m.k) x;
  SET @sds__cmp_seq = NULL;
  DROP TEMPORARY TABLE sds__cmp_mine, sds__cmp_theirs;
  UPDATE sds_compare_result r SET
    r.branch_rows = v_rows, r.note = v_note, r.answered_at = NOW(),
    r.missing_rows = (SELECT COUNT(*) FROM sds_compare_key k WHERE k.run_id = v_run AND k.node_id = p_node
                      AND k.table_no = v_no AND k.kind = 'missing'),
    r.foreign_rows = (SELECT COUNT(*) FROM sds_compare_key k WHERE k.run_id = v_run AND k.node_id = p_node
                      AND k.table_no = v_no AND k.kind = 'foreign'),
    r.differing_rows = (SELECT COUNT(*) FROM sds_compare_key k WHERE k.run_id = v_run AND k.node_id = p_node
                        AND k.table_no = v_no AND k.kind = 'differing'),
    r.first_missing = (SELECT JSON_ARRAYAGG(k.row_key ORDER BY k.seq LIMIT 10) FROM sds_compare_key k
                       WHERE k.run_id = v_run AND k.node_id = p_node AND k.table_no = v_no AND k.kind = 'missing'),
    r.first_foreign = (SELECT JSON_ARRAYAGG(k.row_key ORDER BY k.seq LIMIT 10) FROM sds_compare_key k
                       WHERE k.run_id = v_run AND k.node_id = p_node AND k.table_no = v_no AND k.kind = 'foreign'),
    r.first_differing = (SELECT JSON_ARRAYAGG(k.row_key ORDER BY k.seq LIMIT 10) FROM sds_compare_key k
                         WHERE k.run_id = v_run AND k.node_id = p_node AND k.table_no = v_no AND k.kind = 'differing')
    WHERE r.node_id = p_node AND r.table_name = p_table;
  UPDATE sds_compare_result SET state = IF(note IS NULL AND missing_rows = 0 AND foreign_rows = 0
                                           AND differing_rows = 0, 'equal', 'differs')
    WHERE node_id = p_node AND table_name = p_table;
END//

DROP PROCEDURE IF EXISTS sds__compare_collect//
CREATE PROCEDURE sds__compare_collect()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: settle every pending table of sds_compare_result whose answer arrived'
BEGIN
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_node VARCHAR(50);
  DECLARE v_table VARCHAR(64);
  DECLARE cur CURSOR FOR SELECT node_id, table_name FROM sds__cmp_ready ORDER BY node_id, table_name;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  DROP TEMPORARY TABLE IF EXISTS sds__cmp_ready;
  CREATE TEMPORARY TABLE sds__cmp_ready ENGINE=Aria
    SELECT r.node_id, r.table_name FROM sds_compare_result r
    WHERE r.state = 'pending' AND EXISTS (SELECT 1 FROM sds_compare_answer a WHERE a.run_id = r.run_id
          AND a.node_id = r.node_id AND a.table_no = r.table_no AND a.kind = 'T' AND a.seq = 0);
  OPEN cur;
  ready_loop: LOOP
    FETCH cur INTO v_node, v_table;
    IF v_done THEN LEAVE ready_loop; END IF;
    START TRANSACTION;
    CALL sds__compare_settle(v_node, v_table);
    COMMIT;
  END LOOP;
  CLOSE cur;
  DROP TEMPORARY TABLE sds__cmp_ready;
  UPDATE sds_compare_run u SET u.finished_at = NOW()
    WHERE u.finished_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM sds_compare_result r WHERE r.run_id = u.run_id AND r.state = 'pending')
      AND EXISTS (SELECT 1 FROM sds_compare_result r WHERE r.run_id = u.run_id);
END//

DROP PROCEDURE IF EXISTS sds_compare_collect//
CREATE PROCEDURE sds_compare_collect()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: read the answers the branches sent into sds_compare_result; one row per branch with its counts'
BEGIN
  CALL sds__compare_collect();
  SELECT node_id, run_id, SUM(state = 'pending') AS pending, SUM(state = 'equal') AS equal,
         SUM(state = 'differs') AS differs
    FROM sds_compare_result GROUP BY node_id, run_id ORDER BY node_id;
END//

-- Repair: exactly what the last compare found, for that node: a SQL event
-- deleting the foreign rows, a reload event of the missing and differing
-- rows (100 keys an event), on the compare's channel. A table the branch
-- lacks (or lacks a column of) is not repaired: its reload would fail there.
DROP PROCEDURE IF EXISTS sds_compare_repair//
CREATE PROCEDURE sds_compare_repair(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: queue, for one branch, deletes of its foreign rows and reloads of its missing and differing rows'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(128);
  DECLARE v_saved VARCHAR(2100);
  DECLARE v_n BIGINT;
  BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
      CALL sds__writer_end(0, v_saved);
      DROP TEMPORARY TABLE IF EXISTS sds__cmp_nodes, sds__cmp_fix;
      RESIGNAL;
    END;
    CALL sds__check_master('sds_compare_repair', v_me, v_master, v_branch);
    IF p_node IS NULL THEN
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = 'sds_compare_repair: name the branch node to repair (NULL given)';
    END IF;
    CALL sds__compare_nodes('sds_compare_repair', p_node, v_branch);
    DROP TEMPORARY TABLE sds__cmp_nodes;
    CALL sds__compare_collect();
    IF NOT EXISTS (SELECT 1 FROM sds_compare_result WHERE node_id = p_node) THEN
      SET msg = CONCAT('sds_compare_repair: no sds_compare of ', QUOTE(p_node), ' yet; CALL sds_compare(',
                       QUOTE(p_node), ') first');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    IF EXISTS (SELECT 1 FROM sds_compare_result WHERE node_id = p_node AND state = 'pending') THEN
      SET msg = CONCAT('sds_compare_repair: the last sds_compare of ', QUOTE(p_node),
                       ' has not been answered for every table yet (see sds_compare_result); repair once it has');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    -- one line per event: the keys in groups of 100
    DROP TEMPORARY TABLE IF EXISTS sds__cmp_fix;
    CREATE TEMPORARY TABLE sds__cmp_fix ENGINE=Aria
      SELECT r.table_name, r.trigger_id, r.key_columns, IF(k.kind = 'foreign', 'S', 'R') AS ev,
             (k.seq - 1) DIV 100 AS grp,
             GROUP_CONCAT('(', k.row_key, ')' ORDER BY k.seq SEPARATOR ',') AS keys_list
      FROM sds_compare_result r
      JOIN sds_compare_key k ON k.run_id = r.run_id AND k.node_id = r.node_id AND k.table_no = r.table_no
      WHERE r.node_id = p_node AND r.state = 'differs' AND r.note IS NULL
      GROUP BY r.table_name, r.trigger_id, r.key_columns, IF(k.kind = 'foreign', 'S', 'R'), k.kind, (k.seq - 1) DIV 100;
    CALL sds__writer_begin(0, v_saved);
    INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                          transaction_id, source_node_id, external_data, node_list, create_time)
      SELECT h.source_table_name, f.ev,
             IF(f.ev = 'S',
                sds__sql_field(sds__branch_exec_site('DELETE FROM ', CONCAT('`', REPLACE(f.table_name, '`', '``'),
                  '` WHERE (', f.key_columns, ') IN (', f.keys_list, ')'))),
                CONCAT('(', f.key_columns, ') IN (', f.keys_list, ')')),
             h.trigger_hist_id, 'frappe_compare', NULL, NULL, NULL, p_node, NOW()
      FROM sds__cmp_fix f
      JOIN sym_trigger_hist h ON h.trigger_id = f.trigger_id AND h.inactive_time IS NULL
      ORDER BY f.ev DESC, f.table_name, f.grp;
    SET v_n = ROW_COUNT();
    CALL sds__writer_end(1, v_saved);
  END;
  SELECT p_node AS node_id, v_n AS events,
         (SELECT COUNT(*) FROM sds__cmp_fix WHERE ev = 'S') AS delete_events,
         (SELECT COUNT(*) FROM sds__cmp_fix WHERE ev = 'R') AS reload_events;
  DROP TEMPORARY TABLE sds__cmp_fix;
END//

-- sds_doctor: the last compare of each branch (only once there is one)
DROP PROCEDURE IF EXISTS sds__doc_compare//
CREATE PROCEDURE sds__doc_compare()
  MODIFIES SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor check of the last sds_compare of each branch'
BEGIN
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'compare', IF(SUM(r.state = 'differs') > 0, 'fail', IF(SUM(r.state = 'pending') > 0, 'warn', 'ok')),
           r.node_id,
           CONCAT('last sds_compare (run ', MAX(r.run_id), ', ', MIN(r.started_at), '): ',
                  SUM(r.state = 'equal'), ' tables equal, ', SUM(r.state = 'differs'), ' differ, ',
                  SUM(r.state = 'pending'), ' pending',
                  IFNULL(CONCAT(' (', NULLIF(SUM(IFNULL(r.missing_rows, 0)), 0), ' rows missing)'), ''),
                  IFNULL(CONCAT(' (', NULLIF(SUM(IFNULL(r.foreign_rows, 0)), 0), ' foreign rows)'), ''),
                  IFNULL(CONCAT(' (', NULLIF(SUM(IFNULL(r.differing_rows, 0)), 0), ' rows differ)'), '')),
           IF(SUM(r.state = 'differs') > 0,
              CONCAT('see SELECT * FROM sds_compare_result WHERE node_id = ', QUOTE(r.node_id),
                     ' AND state = ''differs''; CALL sds_compare_repair(', QUOTE(r.node_id),
                     '), then CALL sds_compare(', QUOTE(r.node_id), ') again'),
              IF(SUM(r.state = 'pending') > 0,
                 'CALL sds_compare_collect() to read the answers that arrived; a branch that is offline answers when it returns',
                 NULL))
    FROM sds_compare_result r GROUP BY r.node_id ORDER BY r.node_id;
END//

DELIMITER ;
