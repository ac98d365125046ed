-- symemu: a SymmetricDS emulator for ONE MariaDB server (test support only).
--
-- Plays SymmetricDS's part for a "site" database that holds both the app tables
-- and the sym_* tables, so tests can check what our sym_* configuration would
-- make a real SymmetricDS engine do. Every emulated behaviour cites the section
-- of shared/reference/symmetricds.md ("ref §N") it comes from. Anything not in
-- the reference is NOT emulated (see "Not emulated" below) rather than guessed.
--
-- Load:   mariadb < symemu.sql          (drops and re-creates database `symemu`)
-- API (first argument is always the site database name):
--   CALL symemu.sync_triggers(db);  -- fills symemu.ddl; then EXECUTE the statements:
--        mtr:   --let $symemu_db= db  / --source include/symemu_sync_triggers.inc
--        shell: mariadb -N --raw -e "CALL symemu.sync_triggers('db');
--                  SELECT line FROM symemu.ddl_script ORDER BY seq, part" | mariadb
--        (CREATE TRIGGER cannot run through PREPARE / inside a routine in MariaDB.)
--   CALL symemu.route(db, '3.15');  -- routing job; '3.12' selects pre-3.15 lookuptable logic
--   CALL symemu.initial_load(db, node_id);
--   CALL symemu.process_reload_requests(db);
--   CALL symemu.reset();            -- clears the emulator's own tables
--   symemu.csv_field(csv, n)        -- n-th (1-based) field of a SymmetricDS CSV, NULL for empty
--   CALL symemu.load_row(db, source_node_id, table, 'I'|'U'|'D', row_json, old_json);
--        the data loader writing one row a node sent (SQL load filters, then the
--        write with @sync_node_disabled set); result in symemu.applied
-- Results: symemu.outgoing, symemu.loaded, symemu.routed, symemu.log (warnings
-- that SymmetricDS would only write to its log file).
--
-- Not emulated (by design, see report): subselect/bsh/java/... routers (error),
-- column-router ops has/starts with/ends with (3.15.7+), included_column_names,
-- sync_key_names, stream_row, lob flags, $(x:0:5)/$(x|fmt) variable forms,
-- channel use_*_data_to_route flags, batching/extract/push, config-table capture
-- triggers, FK sorting of equal initial_load_order, load_id cancel/requeue,
-- full-load side effects (node_security updates, before/after SQL).

DROP DATABASE IF EXISTS symemu;
CREATE DATABASE symemu CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE symemu;

-- DDL produced by sync_triggers, executed in seq order by a driver.
CREATE TABLE ddl (seq INT AUTO_INCREMENT PRIMARY KEY, stmt LONGTEXT NOT NULL);
CREATE VIEW ddl_script AS
  SELECT 0 AS seq, 0 AS part, 'DELIMITER ;;' AS line
  UNION ALL SELECT seq, 1, CONCAT(stmt, ';;') FROM ddl
  UNION ALL SELECT 2147483647, 2, 'DELIMITER ;';
CREATE TABLE routed (data_id BIGINT NOT NULL, db VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (db, data_id));
CREATE TABLE outgoing (data_id BIGINT, node_id VARCHAR(50), router_id VARCHAR(50),
  table_name VARCHAR(255), event_type CHAR(1), pk_data LONGTEXT, row_data LONGTEXT,
  db VARCHAR(64), seq INT AUTO_INCREMENT PRIMARY KEY);
-- event_kind: C create-table event, P purge (delete_first), S before_custom_sql,
-- R reloaded row, E request cancelled (detail = message).
CREATE TABLE loaded (node_id VARCHAR(50), trigger_id VARCHAR(128), router_id VARCHAR(50),
  table_name VARCHAR(255), pk_data LONGTEXT, event_kind CHAR(1) NOT NULL DEFAULT 'R',
  load_id BIGINT, detail LONGTEXT, db VARCHAR(64), seq INT AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE log (seq INT AUTO_INCREMENT PRIMARY KEY, db VARCHAR(64), msg LONGTEXT);
-- rows given to load_row(): written = 1 when the load filters let it through
CREATE TABLE applied (seq INT AUTO_INCREMENT PRIMARY KEY, db VARCHAR(64),
  source_node_id VARCHAR(50), table_name VARCHAR(255), event_type CHAR(1),
  written TINYINT);
CREATE TABLE load_seq (load_id BIGINT AUTO_INCREMENT PRIMARY KEY);

DELIMITER ;;

CREATE PROCEDURE reset()
BEGIN
  TRUNCATE TABLE symemu.ddl; TRUNCATE TABLE symemu.routed; TRUNCATE TABLE symemu.outgoing;
  TRUNCATE TABLE symemu.loaded; TRUNCATE TABLE symemu.log; TRUNCATE TABLE symemu.load_seq;
  TRUNCATE TABLE symemu.applied;
END;;

CREATE PROCEDURE _exec(IN p_sql LONGTEXT)
BEGIN
  SET @symemu_sql = p_sql;
  PREPARE symemu_stmt FROM @symemu_sql;
  EXECUTE symemu_stmt;
  DEALLOCATE PREPARE symemu_stmt;
END;;

-- Run dynamic SQL with p_db as the default database, like SymmetricDS's own
-- connection to the site database: a routine's statements resolve unqualified
-- names in the routine's database, so a throw-away helper procedure is created
-- in p_db for the call and dropped afterwards (also on error, then re-raised).
CREATE PROCEDURE _exec_in(IN p_db VARCHAR(64), IN p_sql LONGTEXT)
BEGIN
  DECLARE q VARCHAR(200) DEFAULT CONCAT('`', REPLACE(p_db, '`', '``'), '`');
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL symemu._exec(CONCAT('DROP PROCEDURE IF EXISTS ', q, '.symemu_tmp_exec'));
    RESIGNAL;
  END;
  CALL symemu._exec(CONCAT('DROP PROCEDURE IF EXISTS ', q, '.symemu_tmp_exec'));
  CALL symemu._exec(CONCAT('CREATE PROCEDURE ', q, '.symemu_tmp_exec(IN p LONGTEXT) BEGIN ',
    'SET @symemu_in = p; PREPARE symemu_in FROM @symemu_in; EXECUTE symemu_in; DEALLOCATE PREPARE symemu_in; END'));
  SET @symemu_in_sql = p_sql;
  SET @symemu_call = CONCAT('CALL ', q, '.symemu_tmp_exec(@symemu_in_sql)');
  PREPARE symemu_call FROM @symemu_call;
  EXECUTE symemu_call;
  DEALLOCATE PREPARE symemu_call;
  CALL symemu._exec(CONCAT('DROP PROCEDURE IF EXISTS ', q, '.symemu_tmp_exec'));
END;;

CREATE FUNCTION _q(p_ident VARCHAR(255)) RETURNS VARCHAR(520) DETERMINISTIC
  RETURN CONCAT('`', REPLACE(p_ident, '`', '``'), '`');;

CREATE FUNCTION _blank(p LONGTEXT) RETURNS INT DETERMINISTIC
  RETURN p IS NULL OR TRIM(p) = '';;

-- n-th field (1-based) of a SymmetricDS CSV row (ref §2 "CSV format"):
-- "quoted" values with \-escapes; empty unquoted field = NULL.
CREATE FUNCTION csv_field(p_csv LONGTEXT, p_index INT) RETURNS LONGTEXT DETERMINISTIC
BEGIN
  DECLARE i INT DEFAULT 1;
  DECLARE v_cnt INT;
  DECLARE f INT DEFAULT 1;
  DECLARE c VARCHAR(1);
  DECLARE inq INT DEFAULT 0;
  DECLARE has INT DEFAULT 0;
  DECLARE buf LONGTEXT DEFAULT '';
  IF p_csv IS NULL OR p_index IS NULL OR p_index < 1 THEN RETURN NULL; END IF;
  SET v_cnt = CHAR_LENGTH(p_csv);
  WHILE i <= v_cnt DO
    SET c = SUBSTRING(p_csv, i, 1);
    IF inq THEN
      IF c = CHAR(92) AND i < v_cnt THEN
        SET i = i + 1;
        IF f = p_index THEN SET buf = CONCAT(buf, SUBSTRING(p_csv, i, 1)); END IF;
      ELSEIF c = '"' THEN
        SET inq = 0;
      ELSEIF f = p_index THEN
        SET buf = CONCAT(buf, c);
      END IF;
    ELSEIF c = ',' THEN
      IF f = p_index THEN RETURN IF(has, buf, NULL); END IF;
      SET f = f + 1, has = 0, buf = '';
    ELSEIF c = '"' THEN
      SET inq = 1, has = 1;
    ELSE
      SET has = 1;
      IF f = p_index THEN SET buf = CONCAT(buf, c); END IF;
    END IF;
    SET i = i + 1;
  END WHILE;
  IF f = p_index AND has THEN RETURN buf; END IF;
  RETURN NULL;
END;;

-- Name shortening of TriggerRouterService.getTriggerName/replaceCharsToShortenName
-- (ref §2 "Name"): drop chars outside [a-zA-Z0-9_] and all vowels.
CREATE FUNCTION _shorten(p VARCHAR(255)) RETURNS VARCHAR(255) DETERMINISTIC
  RETURN REGEXP_REPLACE(p, '(?-i)[^a-zA-Z0-9_]|[aeiouAEIOU]', '');;

-- Row-value template of MySqlTriggerTemplate (ref §2 "CSV format"): one CSV field.
CREATE FUNCTION _col_expr(p_alias VARCHAR(16), p_col VARCHAR(255), p_type VARCHAR(64))
RETURNS LONGTEXT DETERMINISTIC
BEGIN
  DECLARE ref LONGTEXT DEFAULT CONCAT(p_alias, '.', symemu._q(p_col));
  DECLARE t VARCHAR(64) DEFAULT LOWER(COALESCE(p_type, 'varchar'));
  DECLARE bs VARCHAR(1) DEFAULT CHAR(92);
  IF t IN ('binary','varbinary','tinyblob','blob','mediumblob','longblob') THEN
    RETURN CONCAT('if(', ref, ' is null,'''',concat(''"'',hex(', ref, '),''"''))');
  ELSEIF t = 'bit' THEN
    RETURN CONCAT('if(', ref, ' is null,'''',concat(''"'',cast(', ref, ' as unsigned),''"''))');
  ELSEIF t IN ('char','varchar','tinytext','text','mediumtext','longtext','enum','set','json') THEN
    -- replace(replace(x,'\\','\\\\'),'"','\\"')
    RETURN CONCAT('if(', ref, ' is null,'''',concat(''"'',replace(replace(', ref, ',''',
                  bs, bs, ''',''', bs, bs, bs, bs, '''),''"'',''', bs, bs, '"''),''"''))');
  END IF;
  RETURN CONCAT('if(', ref, ' is null,'''',concat(''"'',cast(', ref, ' as char),''"''))');
END;;

-- concat(...) of the CSV fields for a comma list of columns (ref §2).
CREATE FUNCTION _csv_expr(p_alias VARCHAR(16), p_db VARCHAR(64), p_table VARCHAR(255),
                          p_cols LONGTEXT) RETURNS LONGTEXT READS SQL DATA
BEGIN
  DECLARE v_cnt INT;
  DECLARE i INT DEFAULT 1;
  DECLARE c VARCHAR(255);
  DECLARE out_ LONGTEXT DEFAULT '';
  IF symemu._blank(p_cols) THEN RETURN 'null'; END IF;
  SET v_cnt = CHAR_LENGTH(p_cols) - CHAR_LENGTH(REPLACE(p_cols, ',', '')) + 1;
  WHILE i <= v_cnt DO
    SET c = SUBSTRING_INDEX(SUBSTRING_INDEX(p_cols, ',', i), ',', -1);
    SET out_ = CONCAT(out_, IF(i > 1, ','','',', ''), symemu._col_expr(p_alias, c,
      (SELECT data_type FROM information_schema.columns
        WHERE table_schema = p_db AND table_name = p_table AND column_name = c LIMIT 1)));
    SET i = i + 1;
  END WHILE;
  RETURN CONCAT('concat(', out_, ')');
END;;

-- Template variables of initial_load_select / reload_select / purge SQL
-- (ref §3 Traps, §4, §5): replaced anywhere in the text, raw (no quoting).
CREATE FUNCTION _subst(p LONGTEXT, p_node VARCHAR(50), p_ext VARCHAR(255), p_grp VARCHAR(50),
                       p_snode VARCHAR(50), p_sext VARCHAR(255), p_sgrp VARCHAR(50))
RETURNS LONGTEXT DETERMINISTIC
  RETURN REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(p,
    '$(targetNodeId)', p_node), '$(targetExternalId)', p_ext), '$(targetNodeGroupId)', p_grp),
    '$(sourceNodeId)', p_snode), '$(sourceExternalId)', p_sext), '$(sourceGroupId)', p_sgrp),
    '$(nodeId)', p_node), '$(externalId)', p_ext), '$(groupId)', p_grp);;

-- Trigger template variables (ref §2 "external_select", guard condition).
CREATE FUNCTION _tvars(p LONGTEXT, p_cur VARCHAR(3)) RETURNS LONGTEXT DETERMINISTIC
  RETURN REPLACE(REPLACE(REPLACE(REPLACE(p, '$(curTriggerValue)', p_cur),
    '$(curColumnPrefix)', ''), '$(newTriggerValue)', 'new'), '$(oldTriggerValue)', 'old');;

-- Snapshot of the site's configuration into session temporary tables.
CREATE PROCEDURE _snap(IN p_db VARCHAR(64))
BEGIN
  DECLARE q VARCHAR(200) DEFAULT symemu._q(p_db);
  DROP TEMPORARY TABLE IF EXISTS symemu.t_node, symemu.t_link, symemu.t_router,
    symemu.t_trigger, symemu.t_tr, symemu.t_hist, symemu.t_channel;
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_node AS SELECT node_id, node_group_id, external_id, sync_enabled FROM ', q, '.sym_node'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_link AS SELECT source_node_group_id, target_node_group_id FROM ', q, '.sym_node_group_link'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_router AS SELECT * FROM ', q, '.sym_router'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_trigger AS SELECT * FROM ', q, '.sym_trigger'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_tr AS SELECT * FROM ', q, '.sym_trigger_router'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_hist AS SELECT trigger_hist_id, trigger_id, source_table_name, ',
    'source_catalog_name, name_for_insert_trigger, name_for_update_trigger, name_for_delete_trigger, table_hash, ',
    'trigger_row_hash, trigger_template_hash, column_names, pk_column_names, last_trigger_build_reason, create_time, ',
    'inactive_time FROM ', q, '.sym_trigger_hist'));
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_channel AS SELECT channel_id, enabled FROM ', q, '.sym_channel'));
  SET @symemu_local_node = NULL;
  CALL symemu._exec(CONCAT('SELECT MIN(node_id) INTO @symemu_local_node FROM ', q, '.sym_node_identity'));
  SET @symemu_local_group = (SELECT node_group_id FROM symemu.t_node WHERE node_id = @symemu_local_node);
  SET @symemu_local_ext = (SELECT external_id FROM symemu.t_node WHERE node_id = @symemu_local_node);
  IF @symemu_local_group IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'symemu: no sym_node_identity/sym_node row for the local node';
  END IF;
END;;

CREATE PROCEDURE _log(IN p_db VARCHAR(64), IN p_msg LONGTEXT)
  INSERT INTO symemu.log (db, msg) VALUES (p_db, p_msg);;

-- ---------------------------------------------------------------------------
-- sync_triggers (ref §2 "Shape", "Body", "What triggers a rebuild"; §6 Mechanism 3)
-- ---------------------------------------------------------------------------

-- Columns of a table as SymmetricDS sees them: ordinal order, excluded_column_names
-- removed (ref §2 hash list / §4 excluded), all columns are PK if the table has none.
CREATE PROCEDURE _table_cols(IN p_db VARCHAR(64), IN p_table VARCHAR(255), IN p_excluded LONGTEXT,
  OUT o_cols LONGTEXT, OUT o_pk LONGTEXT, OUT o_missing_pk INT, OUT o_hash BIGINT)
BEGIN
  DECLARE ex LONGTEXT DEFAULT CONCAT(',', REGEXP_REPLACE(COALESCE(p_excluded, ''), '\\s*,\\s*', ','), ',');
  SET ex = REPLACE(REPLACE(ex, ', ', ','), ' ,', ',');
  SET SESSION group_concat_max_len = 16777216;
  SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position),
         GROUP_CONCAT(IF(column_key = 'PRI', column_name, NULL) ORDER BY ordinal_position),
         CRC32(GROUP_CONCAT(column_name, ':', column_type, ':', column_key = 'PRI' ORDER BY ordinal_position))
    INTO o_cols, o_pk, o_hash
    FROM information_schema.columns
   WHERE table_schema = p_db AND table_name = p_table
     AND LOCATE(CONCAT(',', LOWER(column_name), ','), LOWER(ex)) = 0;
  SET o_missing_pk = (o_pk IS NULL);
  IF o_pk IS NULL THEN SET o_pk = o_cols; END IF;
END;;

CREATE FUNCTION _name_in_use(p_name VARCHAR(255), p_trigger_id VARCHAR(128)) RETURNS INT READS SQL DATA
  RETURN EXISTS (SELECT 1 FROM symemu.t_hist h WHERE h.inactive_time IS NULL
                   AND BINARY h.trigger_id <> BINARY p_trigger_id
                   AND p_name IN (COALESCE(h.name_for_insert_trigger, ''),
                                  COALESCE(h.name_for_update_trigger, ''),
                                  COALESCE(h.name_for_delete_trigger, '')));;

-- TriggerRouterService.getTriggerName (ref §2 "Name"): explicit name_for_* or
-- sym_on_<dml>_for_<shortened trigger_id><shortened _group>, group dropped when
-- too long, cut to 63, upper-cased, then digit suffixes until unused.
CREATE FUNCTION _trigger_name(p_dml CHAR(1), p_trigger_id VARCHAR(128), p_explicit VARCHAR(255),
                              p_group VARCHAR(50)) RETURNS VARCHAR(255) READS SQL DATA
BEGIN
  DECLARE nm VARCHAR(255);
  DECLARE cnt INT DEFAULT 0;
  DECLARE sfx VARCHAR(10);
  IF NOT symemu._blank(p_explicit) THEN
    SET nm = p_explicit;
  ELSE
    SET nm = CONCAT('sym_on_', LOWER(p_dml), '_for_', symemu._shorten(p_trigger_id),
                    symemu._shorten(CONCAT('_', p_group)));
    IF CHAR_LENGTH(nm) > 64 THEN
      SET nm = CONCAT('sym_on_', LOWER(p_dml), '_for_', symemu._shorten(p_trigger_id));
    END IF;
    IF CHAR_LENGTH(nm) > 64 THEN SET nm = LEFT(nm, 63); END IF;
  END IF;
  SET nm = UPPER(nm);
  IF CHAR_LENGTH(nm) > 64 THEN SET nm = LEFT(nm, 64); END IF;
  WHILE symemu._name_in_use(nm, p_trigger_id) DO
    SET cnt = cnt + 1, sfx = CAST(cnt AS CHAR);
    IF CHAR_LENGTH(nm) + CHAR_LENGTH(sfx) > 64 THEN
      SET nm = CONCAT(LEFT(nm, CHAR_LENGTH(nm) - CHAR_LENGTH(sfx)), sfx);
    ELSE
      SET nm = CONCAT(nm, sfx);
    END IF;
  END WHILE;
  RETURN nm;
END;;

-- One CREATE TRIGGER statement (MySqlTriggerTemplate, ref §2 "Body, in order").
CREATE FUNCTION _trigger_ddl(p_db VARCHAR(64), p_tdb VARCHAR(64), p_table VARCHAR(255), p_dml CHAR(1),
  p_name VARCHAR(255), p_hist_id INT, p_cols LONGTEXT, p_pk LONGTEXT,
  p_cond LONGTEXT, p_incoming INT, p_before LONGTEXT, p_after LONGTEXT,
  p_channel_id VARCHAR(128), p_channel_expr LONGTEXT, p_tx_expr LONGTEXT, p_ext_select LONGTEXT,
  p_old_data INT) RETURNS LONGTEXT READS SQL DATA
BEGIN
  DECLARE cur VARCHAR(3) DEFAULT IF(p_dml = 'D', 'old', 'new');
  DECLARE guard LONGTEXT;
  DECLARE chan LONGTEXT;
  DECLARE tx LONGTEXT;
  DECLARE ext LONGTEXT;
  DECLARE tail LONGTEXT;
  DECLARE body LONGTEXT;
  DECLARE tname LONGTEXT DEFAULT CONCAT('''', REPLACE(REPLACE(p_table, CHAR(92), CONCAT(CHAR(92), CHAR(92))), '''', ''''''), '''');
  -- guard: condition (blank -> 1=1) AND incoming-batch condition (ref §2 step 3)
  SET guard = CONCAT(IF(symemu._blank(p_cond), '1=1', symemu._tvars(p_cond, cur)), ' and ',
                     IF(p_incoming = 1, 'coalesce(@sync_triggers_disabled, 0) != 2',
                                        '@sync_triggers_disabled is null'));
  -- channel: literal, or channel_expression when channel_id='dynamic' (ref §2 table)
  SET chan = IF(p_channel_id = 'dynamic' AND NOT symemu._blank(p_channel_expr), p_channel_expr,
                CONCAT('''', REPLACE(p_channel_id, '''', ''''''), ''''));
  -- transaction_id: tx_id_expression, else <symdb>.sym_transaction_id_post_5_7_6() (ref §2 table)
  IF NOT symemu._blank(p_tx_expr) THEN
    SET tx = p_tx_expr;
  ELSEIF EXISTS (SELECT 1 FROM information_schema.routines WHERE routine_schema = p_db
                   AND routine_name = 'sym_transaction_id_post_5_7_6' AND routine_type = 'FUNCTION') THEN
    SET tx = CONCAT(symemu._q(p_db), '.sym_transaction_id_post_5_7_6()');
  ELSE
    SET tx = 'null';
  END IF;
  -- external_data: (<external_select>) with template variables, or NULL (ref §2 "external_select")
  SET ext = IF(symemu._blank(p_ext_select), 'null', CONCAT('(', symemu._tvars(p_ext_select, cur), ')'));
  SET tail = CONCAT(chan, ', ', tx, ', @sync_node_disabled, ', ext, ', CURRENT_TIMESTAMP)');
  IF p_dml = 'I' THEN
    SET body = CONCAT(
      '  if ', guard, ' then\n',
      '    insert into ', symemu._q(p_db), '.sym_data (table_name, event_type, trigger_hist_id, row_data, channel_id, transaction_id, source_node_id, external_data, create_time)\n',
      '    values (', tname, ', ''I'', ', p_hist_id, ', ', symemu._csv_expr('new', p_tdb, p_table, p_cols), ', ', tail, ';\n',
      '  end if;\n');
  ELSEIF p_dml = 'U' THEN
    SET body = CONCAT(
      '  if ', guard, ' then\n',
      '    set var_row_data = ', symemu._csv_expr('new', p_tdb, p_table, p_cols), ';\n',
      '    set var_old_data = ', symemu._csv_expr('old', p_tdb, p_table, p_cols), ';\n',
      '    if 1=1 then\n',
      '      insert into ', symemu._q(p_db), '.sym_data (table_name, event_type, trigger_hist_id, row_data, pk_data, old_data, channel_id, transaction_id, source_node_id, external_data, create_time)\n',
      '      values (', tname, ', ''U'', ', p_hist_id, ', var_row_data, ', symemu._csv_expr('old', p_tdb, p_table, p_pk), ', ',
                 IF(p_old_data = 1, 'var_old_data', 'null'), ', ', tail, ';\n',
      '    end if;\n',
      '  end if;\n');
  ELSE
    SET body = CONCAT(
      '  if ', guard, ' then\n',
      '    insert into ', symemu._q(p_db), '.sym_data (table_name, event_type, trigger_hist_id, pk_data, old_data, channel_id, transaction_id, source_node_id, external_data, create_time)\n',
      '    values (', tname, ', ''D'', ', p_hist_id, ', ', symemu._csv_expr('old', p_tdb, p_table, p_pk), ', ',
                 IF(p_old_data = 1, symemu._csv_expr('old', p_tdb, p_table, p_cols), 'null'), ', ', tail, ';\n',
      '  end if;\n');
  END IF;
  RETURN CONCAT('create trigger ', symemu._q(p_tdb), '.', symemu._q(p_name), ' after ',
    CASE p_dml WHEN 'I' THEN 'insert' WHEN 'U' THEN 'update' ELSE 'delete' END,
    ' on ', symemu._q(p_tdb), '.', symemu._q(p_table), ' for each row begin\n',
    -- DECLAREs must open the block in MariaDB, so they precede custom_before text
    IF(p_dml = 'U', '  declare var_row_data longtext;\n  declare var_old_data longtext;\n', ''),
    IF(symemu._blank(p_before), '', CONCAT(p_before, '\n')),
    body,
    IF(symemu._blank(p_after), '', CONCAT(p_after, '\n')),
    'end');
END;;

CREATE PROCEDURE _drop_hist_triggers(IN p_tdb VARCHAR(64), IN p_i VARCHAR(255), IN p_u VARCHAR(255), IN p_d VARCHAR(255))
BEGIN
  IF NOT symemu._blank(p_i) THEN INSERT INTO symemu.ddl (stmt) VALUES (CONCAT('drop trigger if exists ', symemu._q(p_tdb), '.', symemu._q(p_i))); END IF;
  IF NOT symemu._blank(p_u) THEN INSERT INTO symemu.ddl (stmt) VALUES (CONCAT('drop trigger if exists ', symemu._q(p_tdb), '.', symemu._q(p_u))); END IF;
  IF NOT symemu._blank(p_d) THEN INSERT INTO symemu.ddl (stmt) VALUES (CONCAT('drop trigger if exists ', symemu._q(p_tdb), '.', symemu._q(p_d))); END IF;
END;;

CREATE FUNCTION _trigger_exists(p_tdb VARCHAR(64), p_name VARCHAR(255)) RETURNS INT READS SQL DATA
  RETURN EXISTS (SELECT 1 FROM information_schema.triggers
                  WHERE trigger_schema = p_tdb AND BINARY trigger_name = BINARY p_name);;

CREATE PROCEDURE sync_triggers(IN p_db VARCHAR(64))
BEGIN
  DECLARE i INT DEFAULT 1;
  DECLARE v_cnt INT;
  DECLARE v_tid VARCHAR(128);
  DECLARE v_table VARCHAR(255);
  DECLARE v_tdb VARCHAR(64);
  DECLARE v_cols LONGTEXT;
  DECLARE v_pk LONGTEXT;
  DECLARE v_missing INT;
  DECLARE v_thash BIGINT;
  DECLARE v_rhash BIGINT;
  DECLARE v_hid INT;
  DECLARE v_newid INT;
  DECLARE v_reason CHAR(1);
  DECLARE v_ni VARCHAR(255);
  DECLARE v_nu VARCHAR(255);
  DECLARE v_nd VARCHAR(255);
  DECLARE v_has_missing_col INT;
  -- any change to the emulated template changes this (reason E, ref §2)
  DECLARE c_template_hash BIGINT DEFAULT CRC32('symemu MySqlTriggerTemplate v1');
  DECLARE q VARCHAR(200) DEFAULT symemu._q(p_db);

  CALL symemu._snap(p_db);
  DELETE FROM symemu.ddl;
  SET v_has_missing_col = EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = p_db
                                    AND table_name = 'sym_trigger_hist' AND column_name = 'is_missing_pk');

  -- Triggers that should exist on this node (ref §2 "Prerequisites"): an enabled
  -- trigger_router whose router's source group is the local group.
  DROP TEMPORARY TABLE IF EXISTS symemu.t_active;
  CREATE TEMPORARY TABLE symemu.t_active (n INT AUTO_INCREMENT PRIMARY KEY, trigger_id VARCHAR(128));
  INSERT INTO symemu.t_active (trigger_id)
    SELECT t.trigger_id FROM symemu.t_trigger t
     WHERE t.trigger_id IN (SELECT tr.trigger_id FROM symemu.t_tr tr JOIN symemu.t_router r ON r.router_id = tr.router_id
                             WHERE tr.enabled = 1 AND r.source_node_group_id = @symemu_local_group)
     ORDER BY t.trigger_id;

  -- Drop triggers whose configuration disappeared (ref §6 Mechanism 3 "drops
  -- triggers whose configuration disappeared"): no longer active, or the trigger
  -- now points at another table/catalog.
  DROP TEMPORARY TABLE IF EXISTS symemu.t_gone;
  CREATE TEMPORARY TABLE symemu.t_gone AS
    SELECT h.trigger_hist_id, COALESCE(NULLIF(h.source_catalog_name, ''), p_db) AS tdb,
           h.name_for_insert_trigger AS ni, h.name_for_update_trigger AS nu, h.name_for_delete_trigger AS nd
      FROM symemu.t_hist h LEFT JOIN symemu.t_trigger t ON t.trigger_id = h.trigger_id
     WHERE h.inactive_time IS NULL
       AND (h.trigger_id NOT IN (SELECT trigger_id FROM symemu.t_active)
            OR NOT (BINARY t.source_table_name = BINARY h.source_table_name)
            OR NOT (COALESCE(t.source_catalog_name, '') <=> COALESCE(h.source_catalog_name, '')));
  WHILE EXISTS (SELECT 1 FROM symemu.t_gone) DO
    SELECT trigger_hist_id, tdb, ni, nu, nd INTO v_hid, v_tdb, v_ni, v_nu, v_nd
      FROM symemu.t_gone ORDER BY trigger_hist_id LIMIT 1;
    CALL symemu._drop_hist_triggers(v_tdb, v_ni, v_nu, v_nd);
    CALL symemu._exec(CONCAT('UPDATE ', q, '.sym_trigger_hist SET inactive_time = CURRENT_TIMESTAMP WHERE trigger_hist_id = ', v_hid));
    UPDATE symemu.t_hist SET inactive_time = CURRENT_TIMESTAMP WHERE trigger_hist_id = v_hid;
    DELETE FROM symemu.t_gone WHERE trigger_hist_id = v_hid;
  END WHILE;

  SET v_cnt = (SELECT COUNT(*) FROM symemu.t_active);
  WHILE i <= v_cnt DO
    SET v_tid = (SELECT trigger_id FROM symemu.t_active WHERE t_active.n = i);
    SELECT source_table_name, COALESCE(NULLIF(source_catalog_name, ''), p_db)
      INTO v_table, v_tdb FROM symemu.t_trigger WHERE trigger_id = v_tid;
    IF NOT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = v_tdb
                     AND BINARY table_name = BINARY v_table AND table_type = 'BASE TABLE') THEN
      CALL symemu._log(p_db, CONCAT('No table ', v_tdb, '.', v_table, ' found for trigger ', v_tid));
    ELSE
      CALL symemu._table_cols(v_tdb, v_table,
        (SELECT excluded_column_names FROM symemu.t_trigger WHERE trigger_id = v_tid),
        v_cols, v_pk, v_missing, v_thash);
      -- trigger-row hash over the fields listed in ref §2 "What triggers a rebuild"
      SET v_rhash = (SELECT CRC32(CONCAT_WS(CHAR(1), trigger_id, COALESCE(source_catalog_name, CHAR(2)),
          COALESCE(source_schema_name, CHAR(2)), source_table_name, channel_id, COALESCE(channel_expression, CHAR(2)),
          sync_on_insert, sync_on_update, sync_on_delete, sync_on_incoming_batch, use_capture_old_data,
          use_capture_lobs, use_stream_lobs, stream_row,
          COALESCE(name_for_insert_trigger, CHAR(2)), COALESCE(name_for_update_trigger, CHAR(2)),
          COALESCE(name_for_delete_trigger, CHAR(2)), COALESCE(sync_on_insert_condition, CHAR(2)),
          COALESCE(sync_on_update_condition, CHAR(2)), COALESCE(sync_on_delete_condition, CHAR(2)),
          COALESCE(custom_before_insert_text, CHAR(2)), COALESCE(custom_before_update_text, CHAR(2)),
          COALESCE(custom_before_delete_text, CHAR(2)), COALESCE(custom_on_insert_text, CHAR(2)),
          COALESCE(custom_on_update_text, CHAR(2)), COALESCE(custom_on_delete_text, CHAR(2)),
          COALESCE(excluded_column_names, CHAR(2)), COALESCE(included_column_names, CHAR(2)),
          COALESCE(external_select, CHAR(2)), COALESCE(tx_id_expression, CHAR(2)),
          COALESCE(sync_key_names, CHAR(2))))
        FROM symemu.t_trigger WHERE trigger_id = v_tid);
      SET v_hid = (SELECT MAX(trigger_hist_id) FROM symemu.t_hist WHERE trigger_id = v_tid AND inactive_time IS NULL);
      SET v_reason = NULL;
      IF v_hid IS NULL THEN
        SET v_reason = 'N';
      ELSEIF (SELECT table_hash FROM symemu.t_hist WHERE trigger_hist_id = v_hid) <> v_thash
          OR NOT ((SELECT column_names FROM symemu.t_hist WHERE trigger_hist_id = v_hid) <=> v_cols) THEN
        SET v_reason = 'S';
      ELSEIF (SELECT t.last_update_time > h.create_time OR h.trigger_row_hash <> v_rhash
                FROM symemu.t_trigger t, symemu.t_hist h
               WHERE t.trigger_id = v_tid AND h.trigger_hist_id = v_hid) THEN
        SET v_reason = 'C';
      ELSEIF (SELECT trigger_template_hash FROM symemu.t_hist WHERE trigger_hist_id = v_hid) <> c_template_hash THEN
        SET v_reason = 'E';
      ELSEIF (SELECT (t.sync_on_insert = 1 AND NOT symemu._trigger_exists(v_tdb, h.name_for_insert_trigger))
                  OR (t.sync_on_update = 1 AND NOT symemu._trigger_exists(v_tdb, h.name_for_update_trigger))
                  OR (t.sync_on_delete = 1 AND NOT symemu._trigger_exists(v_tdb, h.name_for_delete_trigger))
                FROM symemu.t_trigger t, symemu.t_hist h
               WHERE t.trigger_id = v_tid AND h.trigger_hist_id = v_hid) THEN
        SET v_reason = 'T';
      END IF;

      IF v_reason IS NOT NULL THEN
        -- remove the old DB triggers and inactivate the old hist (ref §2, §6)
        IF v_hid IS NOT NULL THEN
          SELECT name_for_insert_trigger, name_for_update_trigger, name_for_delete_trigger
            INTO v_ni, v_nu, v_nd FROM symemu.t_hist WHERE trigger_hist_id = v_hid;
          CALL symemu._drop_hist_triggers(
            COALESCE(NULLIF((SELECT source_catalog_name FROM symemu.t_hist WHERE trigger_hist_id = v_hid), ''), p_db),
            v_ni, v_nu, v_nd);
          CALL symemu._exec(CONCAT('UPDATE ', q, '.sym_trigger_hist SET inactive_time = CURRENT_TIMESTAMP WHERE trigger_hist_id = ', v_hid));
          UPDATE symemu.t_hist SET inactive_time = CURRENT_TIMESTAMP WHERE trigger_hist_id = v_hid;
        END IF;
        SELECT IF(sync_on_insert = 1, symemu._trigger_name('I', trigger_id, name_for_insert_trigger, @symemu_local_group), NULL),
               IF(sync_on_update = 1, symemu._trigger_name('U', trigger_id, name_for_update_trigger, @symemu_local_group), NULL),
               IF(sync_on_delete = 1, symemu._trigger_name('D', trigger_id, name_for_delete_trigger, @symemu_local_group), NULL)
          INTO v_ni, v_nu, v_nd FROM symemu.t_trigger WHERE trigger_id = v_tid;
        SET v_newid = COALESCE((SELECT MAX(trigger_hist_id) FROM symemu.t_hist), 0) + 1;
        -- new sym_trigger_hist row (ref §1 sym_trigger_hist, §2 rebuild reasons)
        SET @symemu_h_tid = v_tid, @symemu_h_cols = v_cols, @symemu_h_pk = v_pk,
            @symemu_h_ni = v_ni, @symemu_h_nu = v_nu, @symemu_h_nd = v_nd, @symemu_h_reason = v_reason;
        CALL symemu._exec(CONCAT('INSERT INTO ', q, '.sym_trigger_hist (trigger_hist_id, trigger_id, source_table_name, ',
          'source_catalog_name, source_schema_name, name_for_insert_trigger, name_for_update_trigger, name_for_delete_trigger, ',
          'table_hash, trigger_row_hash, trigger_template_hash, column_names, pk_column_names, ',
          IF(v_has_missing_col, 'is_missing_pk, ', ''), 'last_trigger_build_reason, create_time) ',
          'SELECT ', v_newid, ', trigger_id, source_table_name, source_catalog_name, source_schema_name, ',
          '@symemu_h_ni, @symemu_h_nu, @symemu_h_nd, ', v_thash, ', ', v_rhash, ', ', c_template_hash,
          ', @symemu_h_cols, @symemu_h_pk, ', IF(v_has_missing_col, CONCAT(v_missing, ', '), ''),
          '@symemu_h_reason, CURRENT_TIMESTAMP FROM ', q, '.sym_trigger WHERE trigger_id = @symemu_h_tid'));
        INSERT INTO symemu.t_hist (trigger_hist_id, trigger_id, source_table_name, source_catalog_name,
            name_for_insert_trigger, name_for_update_trigger, name_for_delete_trigger, table_hash,
            trigger_row_hash, trigger_template_hash, column_names, pk_column_names, last_trigger_build_reason, create_time)
          SELECT v_newid, trigger_id, source_table_name, source_catalog_name, v_ni, v_nu, v_nd, v_thash,
                 v_rhash, c_template_hash, v_cols, v_pk, v_reason, CURRENT_TIMESTAMP
            FROM symemu.t_trigger WHERE trigger_id = v_tid;
        -- the three row triggers, only for sync_on_<dml>=1 (ref §2 "Shape")
        INSERT INTO symemu.ddl (stmt)
          SELECT x.stmt FROM (
            SELECT 1 AS o, CONCAT('drop trigger if exists ', symemu._q(v_tdb), '.', symemu._q(v_ni)) AS stmt FROM DUAL WHERE v_ni IS NOT NULL
            UNION ALL
            SELECT 2, symemu._trigger_ddl(p_db, v_tdb, v_table, 'I', v_ni, v_newid, v_cols, v_pk,
                   t.sync_on_insert_condition, t.sync_on_incoming_batch, t.custom_before_insert_text, t.custom_on_insert_text,
                   t.channel_id, t.channel_expression, t.tx_id_expression, t.external_select, t.use_capture_old_data)
              FROM symemu.t_trigger t WHERE t.trigger_id = v_tid AND v_ni IS NOT NULL
            UNION ALL
            SELECT 3, CONCAT('drop trigger if exists ', symemu._q(v_tdb), '.', symemu._q(v_nu)) FROM DUAL WHERE v_nu IS NOT NULL
            UNION ALL
            SELECT 4, symemu._trigger_ddl(p_db, v_tdb, v_table, 'U', v_nu, v_newid, v_cols, v_pk,
                   t.sync_on_update_condition, t.sync_on_incoming_batch, t.custom_before_update_text, t.custom_on_update_text,
                   t.channel_id, t.channel_expression, t.tx_id_expression, t.external_select, t.use_capture_old_data)
              FROM symemu.t_trigger t WHERE t.trigger_id = v_tid AND v_nu IS NOT NULL
            UNION ALL
            SELECT 5, CONCAT('drop trigger if exists ', symemu._q(v_tdb), '.', symemu._q(v_nd)) FROM DUAL WHERE v_nd IS NOT NULL
            UNION ALL
            SELECT 6, symemu._trigger_ddl(p_db, v_tdb, v_table, 'D', v_nd, v_newid, v_cols, v_pk,
                   t.sync_on_delete_condition, t.sync_on_incoming_batch, t.custom_before_delete_text, t.custom_on_delete_text,
                   t.channel_id, t.channel_expression, t.tx_id_expression, t.external_select, t.use_capture_old_data)
              FROM symemu.t_trigger t WHERE t.trigger_id = v_tid AND v_nd IS NOT NULL
          ) x ORDER BY x.o;
      END IF;
    END IF;
    SET i = i + 1;
  END WHILE;
END;;

-- ---------------------------------------------------------------------------
-- Routing (ref §3 "Common routing pipeline", column / lookuptable routers, Traps)
-- ---------------------------------------------------------------------------

-- Router data map (ref §3 "Routers get per-row maps"): COL, OLD_COL, EXTERNAL_DATA;
-- case-insensitive names; values are the CSV strings.
-- INSERT: COL=new, OLD_COL=null; UPDATE: COL=new, OLD_COL=old; DELETE: both old.
CREATE FUNCTION _val(p_key VARCHAR(255), p_event CHAR(1), p_cols LONGTEXT, p_pkcols LONGTEXT,
  p_row LONGTEXT, p_old LONGTEXT, p_pk LONGTEXT, p_ext VARCHAR(255)) RETURNS LONGTEXT READS SQL DATA
BEGIN
  DECLARE k VARCHAR(255) DEFAULT TRIM(p_key);
  DECLARE idx INT;
  DECLARE isold INT DEFAULT 0;
  SET idx = FIND_IN_SET(k, p_cols);
  IF idx = 0 AND UPPER(k) = 'EXTERNAL_DATA' THEN RETURN p_ext; END IF;
  IF idx = 0 AND UPPER(LEFT(k, 4)) = 'OLD_' THEN
    SET k = SUBSTRING(k, 5), isold = 1, idx = FIND_IN_SET(k, p_cols);
  END IF;
  IF idx = 0 THEN RETURN NULL; END IF;             -- unknown column -> null (ref §3 column router)
  IF p_event = 'I' AND isold THEN RETURN NULL; END IF;
  IF p_event = 'D' OR (p_event = 'U' AND isold) THEN
    IF p_old IS NOT NULL THEN RETURN symemu.csv_field(p_old, idx); END IF;
    RETURN symemu.csv_field(p_pk, FIND_IN_SET(k, p_pkcols));
  END IF;
  RETURN symemu.csv_field(p_row, idx);
END;;

-- ColumnMatchDataRouter comparisons (ref §3): '=' true if both null or equal
-- (case-sensitive), '!=' the opposite, contains = comma-split list membership.
CREATE FUNCTION _cmatch(p_a LONGTEXT, p_op VARCHAR(2), p_b LONGTEXT) RETURNS INT DETERMINISTIC
BEGIN
  DECLARE eq INT;
  IF p_op IN ('=', '!=') THEN
    SET eq = (p_a IS NULL AND p_b IS NULL) OR COALESCE(BINARY p_a = BINARY p_b, 0);
    RETURN IF(p_op = '=', eq, NOT eq);
  END IF;
  SET eq = p_a IS NOT NULL AND p_b IS NOT NULL
           AND LOCATE(BINARY CONCAT(',', p_b, ','), BINARY CONCAT(',', p_a, ',')) > 0;
  RETURN IF(p_op = 'c', eq, NOT eq);
END;;

-- Evaluate one router for one row. Input: symemu.t_cand (candidate nodes);
-- output: rows added to symemu.t_sel.
CREATE PROCEDURE _route_row(IN p_db VARCHAR(64), IN p_version VARCHAR(20), IN p_router_id VARCHAR(50),
  IN p_event CHAR(1), IN p_cols LONGTEXT, IN p_pkcols LONGTEXT, IN p_row LONGTEXT, IN p_old LONGTEXT,
  IN p_pk LONGTEXT, IN p_ext VARCHAR(255))
BEGIN
  DECLARE v_type VARCHAR(50);
  DECLARE v_expr LONGTEXT;
  DECLARE v_nterms INT;
  DECLARE j INT DEFAULT 1;
  DECLARE v_term LONGTEXT;
  DECLARE v_op VARCHAR(2);
  DECLARE v_opstr VARCHAR(20);
  DECLARE v_col LONGTEXT;
  DECLARE v_cmp LONGTEXT;
  DECLARE v_colval LONGTEXT;
  DECLARE v_cmpval LONGTEXT;
  DECLARE v_tok VARCHAR(255);
  DECLARE v_lt LONGTEXT;
  DECLARE v_kc LONGTEXT;
  DECLARE v_lkc LONGTEXT;
  DECLARE v_eic LONGTEXT;
  DECLARE v_allv LONGTEXT;
  DECLARE v_has_allv INT DEFAULT 0;
  DECLARE v_key LONGTEXT;
  DECLARE v_msg VARCHAR(500);
  SELECT router_type, router_expression INTO v_type, v_expr FROM symemu.t_router WHERE router_id = p_router_id;

  IF symemu._blank(v_type) OR v_type = 'default' THEN
    -- DefaultDataRouter: every candidate (ref §3; blank type -> default)
    INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand;

  ELSEIF v_type = 'column' THEN
    -- ColumnMatchDataRouter grammar (ref §3): split on newlines (optional or/OR at
    -- line ends) or on ' or ' / ' OR '; union of terms; no AND.
    SET v_expr = REGEXP_REPLACE(COALESCE(v_expr, ''),
      '(?-i)(\\s+(or|OR))?\\s*\\r?\\n\\s*((or|OR)\\s+)?|\\s+or\\s+|\\s+OR\\s+', CHAR(1));
    SET v_nterms = CHAR_LENGTH(v_expr) - CHAR_LENGTH(REPLACE(v_expr, CHAR(1), '')) + 1;
    WHILE j <= v_nterms DO
      SET v_term = TRIM(SUBSTRING_INDEX(SUBSTRING_INDEX(v_expr, CHAR(1), j), CHAR(1), -1));
      SET v_op = NULL;
      -- operators detected in this order: != = 'not contains' 'contains' (ref §3)
      IF LOCATE(BINARY '!=', BINARY v_term) > 0 THEN SET v_op = '!=', v_opstr = '!=';
      ELSEIF LOCATE(BINARY '=', BINARY v_term) > 0 THEN SET v_op = '=', v_opstr = '=';
      ELSEIF LOCATE(BINARY 'not contains', BINARY v_term) > 0 THEN SET v_op = 'nc', v_opstr = 'not contains';
      ELSEIF LOCATE(BINARY 'contains', BINARY v_term) > 0 THEN SET v_op = 'c', v_opstr = 'contains';
      END IF;
      -- a term must split into exactly two parts (String.split semantics)
      IF v_term <> '' AND (v_op IS NULL
          OR (LENGTH(v_term) - LENGTH(REPLACE(BINARY v_term, BINARY v_opstr, ''))) / LENGTH(v_opstr) <> 1
          OR SUBSTRING(v_term, LOCATE(BINARY v_opstr, BINARY v_term) + CHAR_LENGTH(v_opstr)) = '') THEN
        CALL symemu._log(p_db, CONCAT('column router ', p_router_id, ': invalid term ignored: ', v_term));
      ELSEIF v_term <> '' THEN
        SET v_col = TRIM(LEFT(v_term, LOCATE(BINARY v_opstr, BINARY v_term) - 1));
        SET v_cmp = TRIM(SUBSTRING(v_term, LOCATE(BINARY v_opstr, BINARY v_term) + CHAR_LENGTH(v_opstr)));
        IF CHAR_LENGTH(v_cmp) >= 2 AND LEFT(v_cmp, 1) = '''' AND RIGHT(v_cmp, 1) = '''' THEN
          SET v_cmp = REPLACE(SUBSTRING(v_cmp, 2, CHAR_LENGTH(v_cmp) - 2), '''''', '''');
        END IF;
        SET v_colval = symemu._val(v_col, p_event, p_cols, p_pkcols, p_row, p_old, p_pk, p_ext);
        IF UPPER(v_cmp) = ':NODE_ID' THEN
          INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand WHERE symemu._cmatch(v_colval, v_op, node_id);
        ELSEIF UPPER(v_cmp) = ':EXTERNAL_ID' THEN
          INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand WHERE symemu._cmatch(v_colval, v_op, external_id);
        ELSEIF UPPER(v_cmp) = ':NODE_GROUP_ID' THEN
          INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand WHERE symemu._cmatch(v_colval, v_op, node_group_id);
        ELSE
          IF UPPER(v_cmp) = ':SOURCE_NODE_ID' THEN SET v_cmpval = @symemu_local_node;       -- 3.14.10+
          ELSEIF UPPER(v_cmp) = ':SOURCE_EXTERNAL_ID' THEN SET v_cmpval = @symemu_local_ext;
          ELSEIF UPPER(v_cmp) = ':SOURCE_NODE_GROUP_ID' THEN SET v_cmpval = @symemu_local_group;
          ELSEIF UPPER(v_cmp) = ':EXTERNAL_DATA' THEN SET v_cmpval = p_ext;
          ELSEIF UPPER(v_cmp) = ':REDIRECT_NODE' THEN
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'symemu: column router :REDIRECT_NODE not emulated';
          ELSEIF LEFT(v_cmp, 1) = ':' THEN
            SET v_cmpval = symemu._val(SUBSTRING(v_cmp, 2), p_event, p_cols, p_pkcols, p_row, p_old, p_pk, p_ext);
          ELSEIF BINARY v_cmp = BINARY 'NULL' THEN SET v_cmpval = NULL;
          ELSE SET v_cmpval = v_cmp;
          END IF;
          -- constant-valued true term adds ALL candidates (ref §3)
          IF symemu._cmatch(v_colval, v_op, v_cmpval) THEN
            INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand;
          END IF;
        END IF;
      END IF;
      SET j = j + 1;
    END WHILE;

  ELSEIF v_type = 'lookuptable' THEN
    -- LookupTableDataRouter (ref §3): whitespace separated KEY=VALUE tokens.
    SET v_expr = REGEXP_REPLACE(TRIM(COALESCE(v_expr, '')), '\\s+', CHAR(1));
    SET v_nterms = IF(v_expr = '', 0, CHAR_LENGTH(v_expr) - CHAR_LENGTH(REPLACE(v_expr, CHAR(1), '')) + 1);
    SET v_lt = NULL, v_kc = NULL, v_lkc = NULL, v_eic = NULL, v_allv = NULL;
    WHILE j <= v_nterms DO
      SET v_tok = SUBSTRING_INDEX(SUBSTRING_INDEX(v_expr, CHAR(1), j), CHAR(1), -1);
      CASE BINARY SUBSTRING_INDEX(v_tok, '=', 1)
        WHEN 'LOOKUP_TABLE' THEN SET v_lt = SUBSTRING(v_tok, LOCATE('=', v_tok) + 1);
        WHEN 'KEY_COLUMN' THEN SET v_kc = SUBSTRING(v_tok, LOCATE('=', v_tok) + 1);
        WHEN 'LOOKUP_KEY_COLUMN' THEN SET v_lkc = SUBSTRING(v_tok, LOCATE('=', v_tok) + 1);
        WHEN 'EXTERNAL_ID_COLUMN' THEN SET v_eic = SUBSTRING(v_tok, LOCATE('=', v_tok) + 1);
        WHEN 'ALL_NODES_VALUE' THEN SET v_allv = SUBSTRING(v_tok, LOCATE('=', v_tok) + 1), v_has_allv = 1;
        ELSE BEGIN END;
      END CASE;
      SET j = j + 1;
    END WHILE;
    IF v_nterms < 4 OR v_nterms > 5 OR symemu._blank(v_lt) OR symemu._blank(v_kc)
       OR symemu._blank(v_lkc) OR symemu._blank(v_eic) THEN
      -- syntax error: SymmetricDS logs it and routes nowhere (ref §3)
      CALL symemu._log(p_db, CONCAT('lookuptable router ', p_router_id, ': invalid expression'));
    ELSE
      -- value `null` means SQL NULL in newer versions (ref §3)
      IF v_has_allv AND p_version >= '3.15' AND v_allv = 'null' THEN SET v_allv = NULL; END IF;
      -- lookup table read once per routing pass (ref §3), from the site database
      IF NOT EXISTS (SELECT 1 FROM symemu.t_lookup_loaded WHERE router_id = p_router_id) THEN
        CALL symemu._exec_in(p_db, CONCAT('INSERT INTO symemu.t_lookup (router_id, k, e) SELECT ',
          QUOTE(p_router_id), ', CAST(', v_lkc, ' AS CHAR), CAST(', v_eic, ' AS CHAR) FROM ', v_lt));
        INSERT INTO symemu.t_lookup_loaded VALUES (p_router_id);
      END IF;
      SET v_key = symemu._val(v_kc, p_event, p_cols, p_pkcols, p_row, p_old, p_pk, p_ext);
      -- exact string match, null-safe (ref §3 Traps)
      IF EXISTS (SELECT 1 FROM symemu.t_lookup WHERE router_id = p_router_id
                   AND ((k IS NULL AND v_key IS NULL) OR BINARY k = BINARY v_key)) THEN
        IF v_has_allv AND EXISTS (SELECT 1 FROM symemu.t_lookup WHERE router_id = p_router_id
                   AND ((k IS NULL AND v_key IS NULL) OR BINARY k = BINARY v_key)
                   AND ((e IS NULL AND v_allv IS NULL) OR BINARY e = BINARY v_allv)) THEN
          INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand;
        ELSE
          INSERT INTO symemu.t_sel SELECT c.node_id FROM symemu.t_cand c
           WHERE EXISTS (SELECT 1 FROM symemu.t_lookup l WHERE l.router_id = p_router_id
                           AND ((l.k IS NULL AND v_key IS NULL) OR BINARY l.k = BINARY v_key)
                           AND BINARY l.e = BINARY c.external_id);
        END IF;
      ELSEIF p_version >= '3.15' AND ((v_key IS NULL AND v_allv IS NULL) OR BINARY v_key = BINARY v_allv) THEN
        -- 3.15.9+: key not in the table but (null-safe) equal to ALL_NODES_VALUE
        -- -> ALL nodes; with no ALL_NODES_VALUE a NULL key goes everywhere (ref §3 Traps).
        -- 3.12.23 lacks this branch -> no node.
        INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand;
      END IF;
    END IF;

  ELSE
    SET v_msg = CONCAT('symemu: router type ', v_type, ' not emulated');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
  END IF;
END;;

CREATE PROCEDURE _route_tmp()
BEGIN
  DROP TEMPORARY TABLE IF EXISTS symemu.t_cand, symemu.t_sel, symemu.t_lookup, symemu.t_lookup_loaded;
  CREATE TEMPORARY TABLE symemu.t_cand (node_id VARCHAR(50), node_group_id VARCHAR(50), external_id VARCHAR(255));
  CREATE TEMPORARY TABLE symemu.t_sel (node_id VARCHAR(50));
  CREATE TEMPORARY TABLE symemu.t_lookup (router_id VARCHAR(50), k LONGTEXT, e LONGTEXT);
  CREATE TEMPORARY TABLE symemu.t_lookup_loaded (router_id VARCHAR(50));
END;;

CREATE PROCEDURE route(IN p_db VARCHAR(64), IN p_version VARCHAR(20))
BEGIN
  DECLARE v_ver VARCHAR(20) DEFAULT COALESCE(NULLIF(p_version, ''), '3.15');
  DECLARE v_data BIGINT;
  DECLARE v_table VARCHAR(255);
  DECLARE v_event CHAR(1);
  DECLARE v_row LONGTEXT;
  DECLARE v_pk LONGTEXT;
  DECLARE v_old LONGTEXT;
  DECLARE v_hist INT;
  DECLARE v_chan VARCHAR(128);
  DECLARE v_src VARCHAR(50);
  DECLARE v_ext VARCHAR(255);
  DECLARE v_nl VARCHAR(255);
  DECLARE v_tid VARCHAR(128);
  DECLARE v_cols LONGTEXT;
  DECLARE v_pkcols LONGTEXT;
  DECLARE v_rid VARCHAR(50);
  DECLARE v_ping INT;
  DECLARE v_tgt VARCHAR(50);
  DECLARE i INT DEFAULT 1;
  DECLARE v_cnt INT;
  DECLARE j INT;
  DECLARE m INT;
  SET @symemu_version = v_ver;
  CALL symemu._snap(p_db);
  CALL symemu._route_tmp();
  DROP TEMPORARY TABLE IF EXISTS symemu.t_data, symemu.t_trs;
  CREATE TEMPORARY TABLE symemu.t_data (n INT AUTO_INCREMENT PRIMARY KEY, data_id BIGINT, table_name VARCHAR(255),
    event_type CHAR(1), row_data LONGTEXT, pk_data LONGTEXT, old_data LONGTEXT, trigger_hist_id INT,
    channel_id VARCHAR(128), source_node_id VARCHAR(50), external_data VARCHAR(255), node_list VARCHAR(255));
  CREATE TEMPORARY TABLE symemu.t_trs (n INT AUTO_INCREMENT PRIMARY KEY, router_id VARCHAR(50),
    target_node_group_id VARCHAR(50), ping_back_enabled INT);
  CALL symemu._exec(CONCAT('INSERT INTO symemu.t_data (data_id, table_name, event_type, row_data, pk_data, old_data, ',
    'trigger_hist_id, channel_id, source_node_id, external_data, node_list) SELECT data_id, table_name, event_type, ',
    'row_data, pk_data, old_data, trigger_hist_id, channel_id, source_node_id, external_data, node_list FROM ',
    symemu._q(p_db), '.sym_data d WHERE NOT EXISTS (SELECT 1 FROM symemu.routed r WHERE r.db = ',
    QUOTE(p_db), ' AND r.data_id = d.data_id) ORDER BY data_id'));
  SET v_cnt = (SELECT COUNT(*) FROM symemu.t_data);
  WHILE i <= v_cnt DO
    SELECT data_id, table_name, event_type, row_data, pk_data, old_data, trigger_hist_id, channel_id,
           source_node_id, external_data, node_list
      INTO v_data, v_table, v_event, v_row, v_pk, v_old, v_hist, v_chan, v_src, v_ext, v_nl
      FROM symemu.t_data WHERE t_data.n = i;
    IF EXISTS (SELECT 1 FROM symemu.t_channel WHERE channel_id = v_chan AND enabled = 0) THEN
      -- channel disabled: captured but not routed until re-enabled (ref §7)
      SET i = i + 1;
    ELSE
      SET v_tid = (SELECT trigger_id FROM symemu.t_hist WHERE trigger_hist_id = v_hist),
          v_cols = (SELECT column_names FROM symemu.t_hist WHERE trigger_hist_id = v_hist),
          v_pkcols = (SELECT pk_column_names FROM symemu.t_hist WHERE trigger_hist_id = v_hist);
      IF v_tid IS NULL THEN
        CALL symemu._log(p_db, CONCAT('data ', v_data, ': unknown trigger_hist_id ', v_hist, ', unrouted'));
      END IF;
      DELETE FROM symemu.t_trs;
      -- enabled trigger_routers of the data's trigger whose router leaves the local group (ref §2, §3)
      INSERT INTO symemu.t_trs (router_id, target_node_group_id, ping_back_enabled)
        SELECT r.router_id, r.target_node_group_id, tr.ping_back_enabled
          FROM symemu.t_tr tr JOIN symemu.t_router r ON r.router_id = tr.router_id
         WHERE tr.trigger_id = v_tid AND tr.enabled = 1 AND r.source_node_group_id = @symemu_local_group
           AND (v_event NOT IN ('I', 'U', 'D')                     -- non-DML events always pass
                OR (v_event = 'I' AND r.sync_on_insert = 1)
                OR (v_event = 'U' AND r.sync_on_update = 1)
                OR (v_event = 'D' AND r.sync_on_delete = 1))
         ORDER BY r.router_id;
      SET j = (SELECT MIN(t_trs.n) FROM symemu.t_trs), m = (SELECT MAX(t_trs.n) FROM symemu.t_trs);
      WHILE j <= m DO
        SELECT router_id, target_node_group_id, ping_back_enabled INTO v_rid, v_tgt, v_ping
          FROM symemu.t_trs WHERE t_trs.n = j;
        DELETE FROM symemu.t_cand;
        DELETE FROM symemu.t_sel;
        IF NOT EXISTS (SELECT 1 FROM symemu.t_link WHERE source_node_group_id = @symemu_local_group
                         AND target_node_group_id = v_tgt) THEN
          CALL symemu._log(p_db, CONCAT('router ', v_rid, ': no node_group_link ', @symemu_local_group, ' -> ', v_tgt));
        ELSE
          -- candidates: enabled nodes of the target group (ref §3)
          INSERT INTO symemu.t_cand SELECT node_id, node_group_id, external_id FROM symemu.t_node
           WHERE node_group_id = v_tgt AND sync_enabled = 1;
          IF NOT symemu._blank(v_nl) THEN
            -- node_list set: router skipped, list intersected with candidates (ref §3)
            INSERT INTO symemu.t_sel SELECT node_id FROM symemu.t_cand
             WHERE LOCATE(BINARY CONCAT(',', node_id, ','), BINARY CONCAT(',', REPLACE(v_nl, ' ', ''), ',')) > 0;
          ELSE
            CALL symemu._route_row(p_db, v_ver, v_rid, v_event, v_cols, v_pkcols, v_row, v_old, v_pk, v_ext);
          END IF;
          -- never back to the originating node unless ping_back, never to self (ref §2 session vars, §3)
          IF NOT v_ping <=> 1 THEN DELETE FROM symemu.t_sel WHERE BINARY node_id = BINARY v_src; END IF;
          DELETE FROM symemu.t_sel WHERE BINARY node_id = BINARY @symemu_local_node;
          INSERT INTO symemu.outgoing (data_id, node_id, router_id, table_name, event_type, pk_data, row_data, db)
            SELECT DISTINCT v_data, node_id, v_rid, v_table, v_event,
                   IF(v_event IN ('U', 'D'), v_pk, NULL), v_row, p_db
              FROM symemu.t_sel ORDER BY node_id;
        END IF;
        SET j = j + 1;
      END WHILE;
      INSERT INTO symemu.routed (data_id, db) VALUES (v_data, p_db);
      SET i = i + 1;
    END IF;
  END WHILE;
END;;

-- ---------------------------------------------------------------------------
-- Initial load / reload (ref §4, §5)
-- ---------------------------------------------------------------------------

-- Load one trigger_router pair to one node: select with alias t and the WHERE
-- fragment; non-blank fragment bypasses the router, blank (or 1=1) runs every
-- row through the router with INSERT semantics and EXTERNAL_DATA null (ref §3, §4).
CREATE PROCEDURE _load_pair(IN p_db VARCHAR(64), IN p_node VARCHAR(50), IN p_tid VARCHAR(128),
  IN p_rid VARCHAR(50), IN p_override LONGTEXT, IN p_load_id BIGINT)
BEGIN
  DECLARE v_table VARCHAR(255);
  DECLARE v_tdb VARCHAR(64);
  DECLARE v_cols LONGTEXT;
  DECLARE v_pk LONGTEXT;
  DECLARE v_missing INT;
  DECLARE v_hash BIGINT;
  DECLARE v_where LONGTEXT;
  DECLARE v_bypass INT;
  DECLARE v_ver VARCHAR(20) DEFAULT COALESCE(@symemu_version, '3.15');
  DECLARE v_row LONGTEXT;
  DECLARE v_pkd LONGTEXT;
  DECLARE i INT DEFAULT 1;
  DECLARE v_cnt INT;
  SELECT source_table_name, COALESCE(NULLIF(source_catalog_name, ''), p_db) INTO v_table, v_tdb
    FROM symemu.t_trigger WHERE trigger_id = p_tid;
  -- column lists of the active trigger_hist (what the extractor uses); fresh metadata if none
  SET v_cols = (SELECT column_names FROM symemu.t_hist WHERE trigger_id = p_tid AND inactive_time IS NULL
                  ORDER BY trigger_hist_id DESC LIMIT 1),
      v_pk = (SELECT pk_column_names FROM symemu.t_hist WHERE trigger_id = p_tid AND inactive_time IS NULL
                  ORDER BY trigger_hist_id DESC LIMIT 1);
  IF v_cols IS NULL THEN
    CALL symemu._table_cols(v_tdb, v_table, (SELECT excluded_column_names FROM symemu.t_trigger WHERE trigger_id = p_tid),
      v_cols, v_pk, v_missing, v_hash);
  END IF;
  SET v_where = IF(symemu._blank(p_override),
                   (SELECT initial_load_select FROM symemu.t_tr WHERE trigger_id = p_tid AND router_id = p_rid),
                   p_override);
  SET v_bypass = NOT (symemu._blank(v_where) OR TRIM(v_where) = '1=1');
  IF symemu._blank(v_where) THEN SET v_where = '1=1'; END IF;
  SET v_where = symemu._subst(v_where, p_node, @symemu_t_ext, @symemu_t_grp,
                              @symemu_local_node, @symemu_local_ext, @symemu_local_group);
  DROP TEMPORARY TABLE IF EXISTS symemu.t_rows;
  CREATE TEMPORARY TABLE symemu.t_rows (n INT AUTO_INCREMENT PRIMARY KEY, pk_data LONGTEXT, row_data LONGTEXT);
  -- errors in the select surface as SQL errors, as SymmetricDS would hit them
  CALL symemu._exec_in(p_db, CONCAT('INSERT INTO symemu.t_rows (pk_data, row_data) SELECT ',
    symemu._csv_expr('t', v_tdb, v_table, v_pk), ', ', symemu._csv_expr('t', v_tdb, v_table, v_cols),
    ' FROM ', symemu._q(v_tdb), '.', symemu._q(v_table), ' t WHERE ', v_where));
  IF v_bypass THEN
    INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, pk_data, event_kind, load_id, db)
      SELECT p_node, p_tid, p_rid, v_table, pk_data, 'R', p_load_id, p_db FROM symemu.t_rows ORDER BY n;
  ELSE
    DELETE FROM symemu.t_cand;
    INSERT INTO symemu.t_cand SELECT node_id, node_group_id, external_id FROM symemu.t_node WHERE node_id = p_node;
    SET v_cnt = (SELECT COUNT(*) FROM symemu.t_rows);
    WHILE i <= v_cnt DO
      SELECT pk_data, row_data INTO v_pkd, v_row FROM symemu.t_rows WHERE t_rows.n = i;
      DELETE FROM symemu.t_sel;
      CALL symemu._route_row(p_db, v_ver, p_rid, 'I', v_cols, v_pk, v_row, NULL, NULL, NULL);
      IF EXISTS (SELECT 1 FROM symemu.t_sel) THEN
        INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, pk_data, event_kind, load_id, db)
          VALUES (p_node, p_tid, p_rid, v_table, v_pkd, 'R', p_load_id, p_db);
      END IF;
      SET i = i + 1;
    END WHILE;
  END IF;
END;;

CREATE PROCEDURE _target(IN p_node VARCHAR(50))
BEGIN
  SET @symemu_t_grp = (SELECT node_group_id FROM symemu.t_node WHERE node_id = p_node),
      @symemu_t_ext = (SELECT external_id FROM symemu.t_node WHERE node_id = p_node);
  IF @symemu_t_grp IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'symemu: target node not found in sym_node';
  END IF;
END;;

-- Reloadable trigger_routers from the local group to the target's group (ref §4, §5).
CREATE PROCEDURE _pairs(IN p_tid VARCHAR(128), IN p_rid VARCHAR(50), IN p_channel VARCHAR(128))
BEGIN
  DROP TEMPORARY TABLE IF EXISTS symemu.t_pairs;
  CREATE TEMPORARY TABLE symemu.t_pairs (n INT AUTO_INCREMENT PRIMARY KEY, trigger_id VARCHAR(128),
    router_id VARCHAR(50), load_order INT, target_table VARCHAR(255), delete_stmt LONGTEXT);
  INSERT INTO symemu.t_pairs (trigger_id, router_id, load_order, target_table, delete_stmt)
    SELECT tr.trigger_id, tr.router_id, tr.initial_load_order,
           COALESCE(NULLIF(r.target_table_name, ''), t.source_table_name), tr.initial_load_delete_stmt
      FROM symemu.t_tr tr JOIN symemu.t_router r ON r.router_id = tr.router_id
      JOIN symemu.t_trigger t ON t.trigger_id = tr.trigger_id
     WHERE tr.enabled = 1 AND r.source_node_group_id = @symemu_local_group
       AND r.target_node_group_id = @symemu_t_grp
       AND (p_tid IS NULL OR (tr.trigger_id = p_tid AND tr.router_id = p_rid))
       AND (p_channel IS NULL OR t.channel_id = p_channel OR t.reload_channel_id = p_channel)
     ORDER BY tr.initial_load_order, tr.trigger_id, tr.router_id;
END;;

CREATE PROCEDURE initial_load(IN p_db VARCHAR(64), IN p_node_id VARCHAR(50))
BEGIN
  DECLARE i INT DEFAULT 1;
  DECLARE v_cnt INT;
  DECLARE v_tid VARCHAR(128);
  DECLARE v_rid VARCHAR(50);
  CALL symemu._snap(p_db);
  CALL symemu._route_tmp();
  CALL symemu._target(p_node_id);
  CALL symemu._pairs(NULL, NULL, NULL);
  -- negative initial_load_order excludes the table (ref §4)
  DELETE FROM symemu.t_pairs WHERE load_order < 0;
  SET v_cnt = (SELECT MAX(t_pairs.n) FROM symemu.t_pairs);
  WHILE i <= v_cnt DO
    IF EXISTS (SELECT 1 FROM symemu.t_pairs WHERE t_pairs.n = i) THEN
      SELECT trigger_id, router_id INTO v_tid, v_rid FROM symemu.t_pairs WHERE t_pairs.n = i;
      CALL symemu._load_pair(p_db, p_node_id, v_tid, v_rid, NULL, NULL);
    END IF;
    SET i = i + 1;
  END WHILE;
END;;

-- Initial Load Queue job (ref §5 "Who processes it", "Columns", "Processing steps").
CREATE PROCEDURE process_reload_requests(IN p_db VARCHAR(64))
BEGIN
  DECLARE q VARCHAR(200) DEFAULT symemu._q(p_db);
  DECLARE g INT DEFAULT 1;
  DECLARE ng INT;
  DECLARE i INT;
  DECLARE v_cnt INT;
  DECLARE v_target VARCHAR(50);
  DECLARE v_ctime VARCHAR(40);
  DECLARE v_load BIGINT;
  DECLARE v_invalid INT;
  DECLARE v_tid VARCHAR(128);
  DECLARE v_rid VARCHAR(50);
  DECLARE v_create INT;
  DECLARE v_delete INT;
  DECLARE v_select LONGTEXT;
  DECLARE v_before LONGTEXT;
  DECLARE v_channel VARCHAR(128);
  DECLARE v_ttable VARCHAR(255);
  DECLARE v_dstmt LONGTEXT;
  DECLARE v_msg VARCHAR(255) DEFAULT 'Table reload request submitted which does not have a valid trigger/router combination';
  CALL symemu._snap(p_db);
  CALL symemu._route_tmp();
  IF NOT EXISTS (SELECT 1 FROM symemu.t_node WHERE node_id = @symemu_local_node AND sync_enabled = 1) THEN
    -- requires a local identity with sync_enabled=1 (ref §5)
    CALL symemu._log(p_db, 'reload requests not processed: local node not sync_enabled');
  ELSE
    DROP TEMPORARY TABLE IF EXISTS symemu.t_req, symemu.t_grp, symemu.t_items;
    CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_req AS SELECT target_node_id, trigger_id, router_id, ',
      'CAST(create_time AS CHAR) AS ctime, create_table, delete_first, reload_select, before_custom_sql, channel_id ',
      'FROM ', q, '.sym_table_reload_request WHERE processed = 0 AND source_node_id = ', QUOTE(@symemu_local_node)));
    -- target must be registered (ref §5 target_node_id, §10 registration_time)
    IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = p_db AND table_name = 'sym_node_security') THEN
      DROP TEMPORARY TABLE IF EXISTS symemu.t_reg;
      CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_reg AS SELECT node_id FROM ', q,
        '.sym_node_security WHERE registration_time IS NOT NULL OR node_id = ', QUOTE(@symemu_local_node)));
      INSERT INTO symemu.log (db, msg) SELECT DISTINCT p_db, CONCAT('reload request for unregistered node ', target_node_id, ' left pending')
        FROM symemu.t_req WHERE target_node_id NOT IN (SELECT node_id FROM symemu.t_reg);
      DELETE FROM symemu.t_req WHERE target_node_id NOT IN (SELECT node_id FROM symemu.t_reg);
    END IF;
    -- requests with the same target and identical create_time form ONE load (ref §5)
    CREATE TEMPORARY TABLE symemu.t_grp (n INT AUTO_INCREMENT PRIMARY KEY, target_node_id VARCHAR(50), ctime VARCHAR(40));
    INSERT INTO symemu.t_grp (target_node_id, ctime)
      SELECT DISTINCT target_node_id, ctime FROM symemu.t_req ORDER BY ctime, target_node_id;
    CREATE TEMPORARY TABLE symemu.t_items (n INT AUTO_INCREMENT PRIMARY KEY, trigger_id VARCHAR(128),
      router_id VARCHAR(50), target_table VARCHAR(255), load_order INT, create_table INT, delete_first INT,
      reload_select LONGTEXT, before_custom_sql LONGTEXT, delete_stmt LONGTEXT);
    SET ng = (SELECT COUNT(*) FROM symemu.t_grp);
    WHILE g <= ng DO
      SELECT target_node_id, ctime INTO v_target, v_ctime FROM symemu.t_grp WHERE t_grp.n = g;
      CALL symemu._target(v_target);
      INSERT INTO symemu.load_seq VALUES (NULL);
      SET v_load = LAST_INSERT_ID();
      -- expand each request into its trigger_router pairs; invalid pair cancels the load
      DELETE FROM symemu.t_items;
      SET v_invalid = 0;
      DROP TEMPORARY TABLE IF EXISTS symemu.t_req_g;
      CREATE TEMPORARY TABLE symemu.t_req_g (n INT AUTO_INCREMENT PRIMARY KEY) AS
        SELECT trigger_id, router_id, create_table, delete_first, reload_select, before_custom_sql, channel_id
          FROM symemu.t_req WHERE target_node_id = v_target AND ctime = v_ctime ORDER BY trigger_id, router_id;
      SET i = 1, v_cnt = (SELECT COUNT(*) FROM symemu.t_req_g);
      WHILE i <= v_cnt DO
        SELECT trigger_id, router_id, create_table, delete_first, reload_select, before_custom_sql, channel_id
          INTO v_tid, v_rid, v_create, v_delete, v_select, v_before, v_channel FROM symemu.t_req_g WHERE t_req_g.n = i;
        IF v_tid = 'ALL' AND v_rid = 'ALL' THEN
          CALL symemu._pairs(NULL, NULL, NULLIF(v_channel, ''));
        ELSE
          CALL symemu._pairs(v_tid, v_rid, NULL);
          IF NOT EXISTS (SELECT 1 FROM symemu.t_pairs) THEN SET v_invalid = 1; END IF;
        END IF;
        INSERT INTO symemu.t_items (trigger_id, router_id, target_table, load_order, create_table, delete_first,
                                    reload_select, before_custom_sql, delete_stmt)
          SELECT trigger_id, router_id, target_table, load_order, v_create, v_delete, v_select, v_before, delete_stmt
            FROM symemu.t_pairs ORDER BY n;
        SET i = i + 1;
      END WHILE;
      -- tables of one load in load order (initial_load_order, then ids; FK sort not emulated)
      DROP TEMPORARY TABLE IF EXISTS symemu.t_items_s;
      CREATE TEMPORARY TABLE symemu.t_items_s LIKE symemu.t_items;
      INSERT INTO symemu.t_items_s (trigger_id, router_id, target_table, load_order, create_table, delete_first,
                                    reload_select, before_custom_sql, delete_stmt)
        SELECT trigger_id, router_id, target_table, load_order, create_table, delete_first,
               reload_select, before_custom_sql, delete_stmt
          FROM symemu.t_items ORDER BY load_order, n;
      DELETE FROM symemu.t_items;
      INSERT INTO symemu.t_items SELECT * FROM symemu.t_items_s;
      IF v_invalid THEN
        INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, event_kind, load_id, detail, db)
          SELECT v_target, trigger_id, router_id, NULL, 'E', v_load, v_msg, p_db FROM symemu.t_req_g ORDER BY n;
        IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = p_db AND table_name = 'sym_table_reload_status') THEN
          CALL symemu._exec(CONCAT('INSERT INTO ', q, '.sym_table_reload_status (load_id, source_node_id, target_node_id, ',
            'start_time, end_time, completed, cancelled, full_load, error_flag, sql_message, last_update_by, last_update_time) VALUES (',
            v_load, ', ', QUOTE(@symemu_local_node), ', ', QUOTE(v_target), ', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 1, 0, 1, ',
            QUOTE(v_msg), ', ''symemu'', CURRENT_TIMESTAMP)'));
        END IF;
      ELSE
        -- negative initial_load_order: excluded from reloads (ref §4)
        DELETE FROM symemu.t_items WHERE load_order < 0;
        -- 1. CREATE events, load order; detail = columns of the active trigger_hist (ref §5 create_table)
        INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, event_kind, load_id, detail, db)
          SELECT v_target, it.trigger_id, it.router_id, it.target_table, 'C', v_load,
                 (SELECT h.column_names FROM symemu.t_hist h WHERE h.trigger_id = it.trigger_id AND h.inactive_time IS NULL
                   ORDER BY h.trigger_hist_id DESC LIMIT 1), p_db
            FROM symemu.t_items it WHERE it.create_table = 1 ORDER BY it.n;
        -- 2. purge events, reverse order: before_custom_sql > initial_load_delete_stmt > 'delete from %s'
        INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, event_kind, load_id, detail, db)
          SELECT v_target, trigger_id, router_id, target_table, 'P', v_load,
                 REPLACE(symemu._subst(COALESCE(NULLIF(TRIM(before_custom_sql), ''), NULLIF(TRIM(delete_stmt), ''), 'delete from %s'),
                   v_target, @symemu_t_ext, @symemu_t_grp, @symemu_local_node, @symemu_local_ext, @symemu_local_group),
                   '%s', target_table), p_db
            FROM symemu.t_items WHERE delete_first = 1 ORDER BY n DESC;
        -- 3. before_custom_sql SQL events (sent again even when used as the purge)
        INSERT INTO symemu.loaded (node_id, trigger_id, router_id, table_name, event_kind, load_id, detail, db)
          SELECT v_target, trigger_id, router_id, target_table, 'S', v_load,
                 REPLACE(before_custom_sql, '%s', target_table), p_db
            FROM symemu.t_items WHERE NOT symemu._blank(before_custom_sql) ORDER BY n;
        -- 4. the rows; reload_select overrides initial_load_select (ref §4, §5)
        SET i = (SELECT MIN(t_items.n) FROM symemu.t_items), v_cnt = (SELECT MAX(t_items.n) FROM symemu.t_items);
        WHILE i <= v_cnt DO
          IF EXISTS (SELECT 1 FROM symemu.t_items WHERE t_items.n = i) THEN
            SELECT trigger_id, router_id, reload_select INTO v_tid, v_rid, v_select FROM symemu.t_items WHERE t_items.n = i;
            CALL symemu._load_pair(p_db, v_target, v_tid, v_rid, v_select, v_load);
          END IF;
          SET i = i + 1;
        END WHILE;
      END IF;
      -- stamp load_id and processed=1 on the group's requests (ref §5)
      CALL symemu._exec(CONCAT('UPDATE ', q, '.sym_table_reload_request SET processed = 1, load_id = ', v_load,
        ', last_update_time = CURRENT_TIMESTAMP WHERE processed = 0 AND source_node_id = ', QUOTE(@symemu_local_node),
        ' AND target_node_id = ', QUOTE(v_target), ' AND CAST(create_time AS CHAR) = ', QUOTE(v_ctime)));
      SET g = g + 1;
    END WHILE;
  END IF;
END;;

-- ---------------------------------------------------------------------------
-- load_row: SymmetricDS's data loader for one row another node sent. What is
-- emulated, from SymmetricDS 3.15.9's source:
-- - the loader's connection has @sync_triggers_disabled = 1 and
--   @sync_node_disabled = the sending node for the batch
--   (MySqlSymmetricDialect.disableSyncTriggers, DefaultDataLoaderFactory);
-- - load filters of type SQL of the link sending group -> local group
--   (DataLoaderService, LoadFilterService): the table-less (wildcard) ones
--   first, then the table's own, each in load_filter_order; wildcards skip
--   tables named sym_*; only before_write_script of filters whose
--   filter_on_<event> is set; the last script that returns a row decides
--   (SQLDatabaseWriterFilter: first column, a number > 0 or a string other
--   than '0'/'false' is true, NULL false);
-- - named parameters (NamedParameterUtils): ':' or '&' outside '...', "...",
--   -- and /* */ comments, ended by a blank or one of "':&,;()|=+-*%/\<>^;
--   bound to the row's values (its primary key when there is no row data,
--   i.e. a delete) and OLD_<column> to the old values; a name not in the row
--   is an error (fail_on_error: the batch stops), like any failing script.
-- Not emulated: BSH/JAVA filters, after-write/batch scripts, transforms,
-- conflict resolution (the write is a plain INSERT/UPDATE/DELETE).
-- ---------------------------------------------------------------------------
CREATE FUNCTION _lf_sep(c VARCHAR(1)) RETURNS INT DETERMINISTIC
  RETURN c IS NULL OR c = '' OR c REGEXP '^[[:space:]]$' OR LOCATE(c, '"'':&,;()|=+-*%/\\<>^') > 0;;

-- A JSON object's value for key k as SQL text (NULL for JSON null).
CREATE FUNCTION _jv(p JSON, k VARCHAR(300)) RETURNS LONGTEXT DETERMINISTIC
  RETURN IF(JSON_TYPE(JSON_EXTRACT(p, CONCAT('$.', JSON_QUOTE(k)))) = 'NULL', NULL,
            JSON_UNQUOTE(JSON_EXTRACT(p, CONCAT('$.', JSON_QUOTE(k)))));;

-- p_script with its named parameters replaced by the quoted values of
-- p_params (a JSON object, keys compared case-insensitively).
CREATE PROCEDURE _lf_bind(IN p_script LONGTEXT, IN p_params JSON, OUT o_sql LONGTEXT)
BEGIN
  DECLARE i INT DEFAULT 1;
  DECLARE n INT DEFAULT CHAR_LENGTH(p_script);
  DECLARE j INT;
  DECLARE c, c2 VARCHAR(2);
  DECLARE v_name VARCHAR(255);
  DECLARE v_key VARCHAR(300);
  DECLARE v_msg VARCHAR(512);
  SET o_sql = '';
  WHILE i <= n DO
    SET c = SUBSTRING(p_script, i, 1), c2 = SUBSTRING(p_script, i, 2);
    IF c IN ('''', '"') OR c2 IN ('--', '/*') THEN
      SET j = CASE WHEN c = '''' THEN LOCATE('''', p_script, i + 1)
                   WHEN c = '"' THEN LOCATE('"', p_script, i + 1)
                   WHEN c2 = '--' THEN LOCATE('\n', p_script, i + 2)
                   ELSE LOCATE('*/', p_script, i + 2) + 1 END;
      IF j = 0 OR (c2 = '/*' AND j = 1) THEN SET j = n; END IF;
      SET o_sql = CONCAT(o_sql, SUBSTRING(p_script, i, j - i + 1)), i = j + 1;
    ELSEIF c2 = '::' THEN
      SET o_sql = CONCAT(o_sql, c2), i = i + 2;
    ELSEIF c IN (':', '&') THEN
      SET j = i + 1;
      WHILE j <= n AND NOT symemu._lf_sep(SUBSTRING(p_script, j, 1)) DO SET j = j + 1; END WHILE;
      IF j - i > 1 THEN
        SET v_name = SUBSTRING(p_script, i + 1, j - i - 1);
        SET v_key = (SELECT t.k FROM JSON_TABLE(JSON_KEYS(p_params), '$[*]'
                       COLUMNS (k VARCHAR(300) PATH '$')) t
                     WHERE t.k = v_name COLLATE utf8mb4_general_ci LIMIT 1);
        IF v_key IS NULL THEN
          SET v_msg = CONCAT('symemu load filter: no value for the named parameter ', v_name);
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_msg;
        END IF;
        SET o_sql = CONCAT(o_sql, IFNULL(QUOTE(symemu._jv(p_params, v_key)), 'NULL'));
      ELSE
        SET o_sql = CONCAT(o_sql, c);
      END IF;
      SET i = j;
    ELSE
      SET o_sql = CONCAT(o_sql, c), i = i + 1;
    END IF;
  END WHILE;
END;;

CREATE PROCEDURE load_row(IN p_db VARCHAR(64), IN p_source VARCHAR(50), IN p_table VARCHAR(255),
                      IN p_event CHAR(1), IN p_row JSON, IN p_old JSON)
BEGIN
  DECLARE q VARCHAR(200) DEFAULT symemu._q(p_db);
  DECLARE v_src_group VARCHAR(50);
  DECLARE v_params JSON DEFAULT JSON_OBJECT();
  DECLARE v_write INT DEFAULT 1;
  DECLARE v_done INT DEFAULT 0;
  DECLARE v_script, v_sql LONGTEXT;
  DECLARE v_pk VARCHAR(255);
  DECLARE cur_f CURSOR FOR
    SELECT before_write_script FROM symemu.t_lf
     WHERE (symemu._blank(target_table_name) AND p_table NOT LIKE 'sym\_%')
        OR target_table_name = p_table
     ORDER BY NOT symemu._blank(target_table_name), load_filter_order, load_filter_id;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  CALL symemu._snap(p_db);
  SET v_src_group = (SELECT node_group_id FROM symemu.t_node WHERE node_id = p_source);
  DROP TEMPORARY TABLE IF EXISTS symemu.t_lf;
  CALL symemu._exec(CONCAT('CREATE TEMPORARY TABLE symemu.t_lf AS SELECT * FROM ', q,
    '.sym_load_filter WHERE load_filter_type = ''SQL'' AND source_node_group_id = ',
    QUOTE(IFNULL(v_src_group, '')), ' AND target_node_group_id = ', QUOTE(@symemu_local_group),
    ' AND CASE ', QUOTE(p_event), ' WHEN ''I'' THEN filter_on_insert WHEN ''U'' THEN filter_on_update',
    ' ELSE filter_on_delete END = 1 AND NOT (before_write_script IS NULL OR TRIM(before_write_script) = '''')'));
  -- parameters: the row (or, for a delete, the old row's primary key) and OLD_*
  SET v_pk = (SELECT GROUP_CONCAT(column_name) FROM information_schema.key_column_usage
              WHERE table_schema = p_db AND table_name = p_table AND constraint_name = 'PRIMARY');
  IF p_row IS NOT NULL THEN
    SET v_params = p_row;
  ELSEIF p_old IS NOT NULL AND v_pk IS NOT NULL AND LOCATE(',', v_pk) = 0 THEN
    SET v_params = JSON_OBJECT(v_pk, symemu._jv(p_old, v_pk));
  END IF;
  IF p_old IS NOT NULL THEN
    SET v_params = JSON_MERGE_PATCH(v_params, (SELECT JSON_OBJECTAGG(CONCAT('OLD_', t.k),
        JSON_EXTRACT(p_old, CONCAT('$.', JSON_QUOTE(t.k))))
      FROM JSON_TABLE(JSON_KEYS(p_old), '$[*]' COLUMNS (k VARCHAR(300) PATH '$')) t));
  END IF;
  SET @symemu_saved_tdis = @sync_triggers_disabled, @symemu_saved_ndis = @sync_node_disabled;
  SET @sync_triggers_disabled = 1, @sync_node_disabled = p_source;
  BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
      SET @sync_triggers_disabled = @symemu_saved_tdis, @sync_node_disabled = @symemu_saved_ndis;
      RESIGNAL;
    END;
    OPEN cur_f;
    filters: LOOP
      FETCH cur_f INTO v_script;
      IF v_done THEN LEAVE filters; END IF;
      CALL symemu._lf_bind(v_script, v_params, v_sql);
      SET @symemu_lf_rows = NULL, @symemu_lf_v = NULL;
      CALL symemu._exec_in(p_db, CONCAT('SET @symemu_lf_rows = EXISTS (', v_sql,
                                        '), @symemu_lf_v = (', v_sql, ' LIMIT 1)'));
      IF @symemu_lf_rows THEN
        SET v_script = CAST(@symemu_lf_v AS CHAR);
        IF v_script IS NULL THEN
          SET v_write = 0;
        ELSEIF v_script REGEXP '^-?[0-9]+([.][0-9]*)?$' THEN
          SET v_write = CAST(v_script AS DECIMAL(65, 30)) > 0;
        ELSE
          SET v_write = v_script NOT IN ('0', 'false');
        END IF;
      END IF;
    END LOOP;
    CLOSE cur_f;
    IF v_write THEN
      SET v_sql = CASE p_event
        WHEN 'I' THEN CONCAT('INSERT INTO ', symemu._q(p_table), ' (',
          (SELECT GROUP_CONCAT(symemu._q(t.k) ORDER BY t.n) FROM JSON_TABLE(JSON_KEYS(p_row), '$[*]'
             COLUMNS (n FOR ORDINALITY, k VARCHAR(300) PATH '$')) t), ') VALUES (',
          (SELECT GROUP_CONCAT(IFNULL(QUOTE(symemu._jv(p_row, t.k)), 'NULL') ORDER BY t.n)
             FROM JSON_TABLE(JSON_KEYS(p_row), '$[*]' COLUMNS (n FOR ORDINALITY, k VARCHAR(300) PATH '$')) t),
          ')')
        WHEN 'U' THEN CONCAT('UPDATE ', symemu._q(p_table), ' SET ',
          (SELECT GROUP_CONCAT(symemu._q(t.k), ' = ', IFNULL(QUOTE(symemu._jv(p_row, t.k)), 'NULL') ORDER BY t.n)
             FROM JSON_TABLE(JSON_KEYS(p_row), '$[*]' COLUMNS (n FOR ORDINALITY, k VARCHAR(300) PATH '$')) t),
          ' WHERE ', symemu._q(v_pk), ' = ', QUOTE(symemu._jv(IFNULL(p_old, p_row), v_pk)))
        ELSE CONCAT('DELETE FROM ', symemu._q(p_table), ' WHERE ', symemu._q(v_pk), ' = ',
          QUOTE(symemu._jv(p_old, v_pk)))
      END;
      CALL symemu._exec_in(p_db, v_sql);
    END IF;
  END;
  SET @sync_triggers_disabled = @symemu_saved_tdis, @sync_node_disabled = @symemu_saved_ndis;
  INSERT INTO symemu.applied (db, source_node_id, table_name, event_type, written)
    VALUES (p_db, p_source, p_table, p_event, v_write);
END;;

DELIMITER ;
