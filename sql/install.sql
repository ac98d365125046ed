-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- frappe_sds SQL API, installed into ONE Frappe site database:
--
--     mariadb <site_db> < install.sql
--
-- Needs: the FRAPPE_SDS plugin (INSTALL SONAME 'frappe_sds'), a Frappe site
-- database (tabDocType) and SymmetricDS's tables in it (symadmin
-- create-sym-tables). Checks all three before creating anything, so a
-- failed install leaves nothing behind. Idempotent: running it again
-- replaces procedures and views and keeps data (rules, company mapping).
-- The README's "SQL reference" documents every object created here.

-- Routines keep the character set and collation of the session that
-- creates them: make that the one of Frappe's tables, whatever client runs
-- this script (4-byte company names, no collation mixes in the views).
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
-- "does not exist" notes of the DROP ... IF EXISTS below are expected
SET @sds__sql_notes = @@sql_notes, sql_notes = 0;

-- ---------------------------------------------------------------------------
-- Preconditions: clear errors instead of half installs
-- ---------------------------------------------------------------------------
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE msg VARCHAR(512);
  IF DATABASE() IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'frappe_sds install: no database selected; run: mariadb <site_db> < install.sql';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = DATABASE() AND table_name = 'tabDocType') THEN
    SET msg = CONCAT('frappe_sds install: database ', QUOTE(DATABASE()),
                     ' is not a Frappe site database (it has no tabDocType)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF (SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = DATABASE()
        AND table_name IN ('sym_node_group', 'sym_node_group_link', 'sym_channel',
                           'sym_router', 'sym_trigger', 'sym_trigger_router',
                           'sym_conflict', 'sym_node', 'sym_trigger_hist',
                           'sym_table_reload_request')) < 10 THEN
    SET msg = CONCAT('frappe_sds install: SymmetricDS tables are missing in ',
                     QUOTE(DATABASE()), '; run symadmin create-sym-tables first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.plugins
                 WHERE plugin_name = 'FRAPPE_SDS' AND plugin_status = 'ACTIVE') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'frappe_sds install: the FRAPPE_SDS plugin is not installed; run INSTALL SONAME ''frappe_sds'' first';
  END IF;
END//
DELIMITER ;

-- ---------------------------------------------------------------------------
-- UDFs (global to the server; shared by every site that installs frappe_sds)
-- ---------------------------------------------------------------------------
CREATE AGGREGATE FUNCTION IF NOT EXISTS sds_plan_agg RETURNS STRING SONAME 'frappe_sds.so';
CREATE AGGREGATE FUNCTION IF NOT EXISTS sds_config_agg RETURNS STRING SONAME 'frappe_sds.so';
CREATE FUNCTION IF NOT EXISTS sds_version RETURNS STRING SONAME 'frappe_sds.so';
CREATE FUNCTION IF NOT EXISTS sds_literal RETURNS STRING SONAME 'frappe_sds.so';
CREATE FUNCTION IF NOT EXISTS sds_ident RETURNS STRING SONAME 'frappe_sds.so';

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS sds_install (
  id TINYINT NOT NULL PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version VARCHAR(32) NOT NULL,
  installed_at DATETIME NOT NULL,
  upgraded_from VARCHAR(32) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: installed version of the SQL API';

INSERT INTO sds_install (id, version, installed_at)
  VALUES (1, sds_version(), NOW())
  ON DUPLICATE KEY UPDATE
    upgraded_from = IF(version <> VALUES(version), version, upgraded_from),
    installed_at = IF(version <> VALUES(version), VALUES(installed_at), installed_at),
    version = VALUES(version);

CREATE TABLE IF NOT EXISTS sds_doctype_rule (
  doctype VARCHAR(140) NOT NULL PRIMARY KEY
    COMMENT 'DocType name, or a table name for tables without a DocType',
  scope ENUM('company','child','global','singles','node_local','excluded') NOT NULL,
  company_field VARCHAR(140) NULL
    COMMENT 'owning Link->Company column (scopes company and child)',
  note VARCHAR(255) NULL COMMENT 'why: shown in sds_plan.reason',
  modified DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: overrides that beat the built-in replication rules';

CREATE TABLE IF NOT EXISTS sds_plan (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  doctype VARCHAR(140) NULL COMMENT 'NULL for tables without a DocType',
  table_name VARCHAR(64) NULL COMMENT 'NULL for Singles and virtual DocTypes',
  scope ENUM('company','child','global','singles','node_local','excluded') NOT NULL,
  company_source VARCHAR(300) NULL,
  parents TEXT NULL,
  reason TEXT NULL,
  module VARCHAR(140) NULL,
  istable TINYINT NOT NULL DEFAULT 0,
  trigger_id VARCHAR(128) NULL COMMENT 'sym_trigger.trigger_id when replicated',
  refreshed_at DATETIME NOT NULL,
  KEY doctype (doctype),
  KEY table_name (table_name),
  KEY scope (scope)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: how each DocType and table replicates (CALL sds_refresh_plan())';

CREATE TABLE IF NOT EXISTS sds_setup_state (
  id TINYINT NOT NULL PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  master_group VARCHAR(50) NOT NULL,
  branch_group VARCHAR(50) NOT NULL,
  updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: the groups of the last sds_setup (used by sds_sync_schema)';

CREATE TABLE IF NOT EXISTS sds_schema_event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('create','alter','rename','drop') NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  new_table_name VARCHAR(64) NULL COMMENT 'rename: the new name',
  seen_at DATETIME(2) NOT NULL,
  KEY table_name (table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: DDL seen by the FRAPPE_SDS audit hook, not yet handled';

CREATE TABLE IF NOT EXISTS sds_schema_change (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64) NOT NULL,
  trigger_id VARCHAR(128) NULL,
  kind ENUM('create','alter','rename','drop','drift') NOT NULL
    COMMENT 'drift: found by comparing live columns with sym_trigger_hist',
  renamed_from VARCHAR(64) NULL,
  state ENUM('pending','trigger_refresh','reload_requested','done','failed') NOT NULL,
  detected_at DATETIME(2) NOT NULL,
  ddl_at DATETIME(2) NULL COMMENT 'when the DDL was seen (ALTER events)',
  refresh_at DATETIME NULL COMMENT 'when SymmetricDS was asked to rebuild triggers',
  had_drift TINYINT NOT NULL DEFAULT 0,
  reload_time DATETIME NULL COMMENT 'create_time of its sym_table_reload_request rows',
  reload_count INT NOT NULL DEFAULT 0,
  message TEXT NULL,
  updated_at DATETIME(2) NOT NULL,
  KEY state (state),
  KEY table_name (table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: schema changes of replicated tables and how far each got';

CREATE TABLE IF NOT EXISTS sds_company_node (
  company VARCHAR(140) NOT NULL COMMENT 'tabCompany.name',
  node_external_id VARCHAR(50) NOT NULL COMMENT 'sym_node.external_id of a branch',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (company, node_external_id),
  KEY node_external_id (node_external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: which branch nodes host which companies (many-to-many)';

-- ---------------------------------------------------------------------------
-- Views whose text depends on this site's version of Frappe: built with
-- dynamic SQL from information_schema (is_virtual exists from Frappe 13.x,
-- tabCompany only with ERPNext).
-- ---------------------------------------------------------------------------
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE db VARCHAR(64) DEFAULT DATABASE();
  DECLARE qdb VARCHAR(140) DEFAULT sds_ident(DATABASE());
  DECLARE has_virtual, has_custom, has_cf, has_ps, has_company INT;
  SELECT COUNT(*) INTO has_virtual FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'is_virtual';
  SELECT COUNT(*) INTO has_custom FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'custom';
  SELECT COUNT(*) INTO has_cf FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabCustom Field';
  SELECT COUNT(*) INTO has_ps FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabProperty Setter';
  SELECT COUNT(*) INTO has_company FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabCompany' AND column_name = 'abbr';

  -- The metadata the core classifies, one row per fact, in the argument
  -- order of sds_plan_agg / sds_config_agg (kind, a1 .. a7). SQL SECURITY
  -- INVOKER: the caller's own privileges decide what can be read.
  -- Every column is cast to one character set and collation: the
  -- sources mix utf8mb4 site tables, utf8mb3 information_schema and the
  -- session's literals, which a UNION may not mix.
  SET @sds_sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_meta_input AS ',
    'SELECT #(''D'')# AS kind, #(d.name)# AS a1, #(d.module)# AS a2, #(d.istable)# AS a3, ',
    '#(d.issingle)# AS a4, ',
    IF(has_virtual, '#(d.is_virtual)#', '#(0)#'), ' AS a5, ',
    IF(has_custom, '#(d.custom)#', '#(0)#'), ' AS a6, #(NULL)# AS a7 ',
    'FROM ', qdb, '.`tabDocType` d ',
    'UNION ALL SELECT #(''F'')#, #(f.parent)#, #(f.fieldname)#, #(f.fieldtype)#, #(f.options)#, ',
    '#(NULL)#, #(NULL)#, #(NULL)# FROM ', qdb, '.`tabDocField` f ',
    IF(has_cf, CONCAT('UNION ALL SELECT #(''C'')#, #(c.dt)#, #(c.fieldname)#, #(c.fieldtype)#, ',
                      '#(c.options)#, #(NULL)#, #(NULL)#, #(NULL)# ',
                      'FROM ', qdb, '.`tabCustom Field` c '), ''),
    IF(has_ps, CONCAT('UNION ALL SELECT #(''S'')#, #(p.doc_type)#, #(p.field_name)#, #(p.property)#, ',
                      '#(p.value)#, #(p.doctype_or_field)#, #(NULL)#, #(NULL)# ',
                      'FROM ', qdb, '.`tabProperty Setter` p '), ''),
    'UNION ALL SELECT #(''T'')#, #(t.table_name)#, #(t.table_type)#, #(NULL)#, #(NULL)#, #(NULL)#, ',
    '#(NULL)#, #(NULL)# FROM information_schema.tables t WHERE t.table_schema = ', QUOTE(db), ' ',
    'AND t.table_type IN (''BASE TABLE'', ''VIEW'', ''SYSTEM VERSIONED'') ',
    'UNION ALL SELECT #(''K'')#, #(c.table_name)#, #(c.column_name)#, #(c.column_key)#, #(NULL)#, ',
    '#(NULL)#, #(NULL)#, #(NULL)# FROM information_schema.columns c WHERE c.table_schema = ', QUOTE(db), ' ',
    'UNION ALL SELECT #(''R'')#, #(r.doctype)#, #(r.scope)#, #(r.company_field)#, #(r.note)#, ',
    '#(NULL)#, #(NULL)#, #(NULL)# FROM ', qdb, '.sds_doctype_rule r');
  -- #(x)# -> CAST(x AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin
  SET @sds_sql = REPLACE(REPLACE(@sds_sql, '#(', 'CAST('),
                         ')#', ' AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin');
  PREPARE s FROM @sds_sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;

  -- What SymmetricDS's lookuptable router reads on every routing pass:
  -- company key (tabCompany.abbr, which ERPNext keeps unique) -> branch
  -- node. The key is what the capture triggers put in external_data.
  -- The row ('~all','~all') makes "route to every node" work the same in
  -- SymmetricDS 3.12 and 3.15 (ALL_NODES_VALUE=~all, see the README).
  SET @sds_sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY DEFINER VIEW sds_company_route AS ',
    IF(has_company,
       CONCAT('SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, ',
              'm.node_external_id, m.company ',
              'FROM ', qdb, '.sds_company_node m JOIN ', qdb, '.`tabCompany` c ',
              'ON c.name = m.company WHERE CHAR_LENGTH(c.abbr) BETWEEN 1 AND 50 ',
              'AND c.abbr NOT LIKE ''~%'' UNION ALL '),
       ''),
    'SELECT _utf8mb4''~all'' COLLATE utf8mb4_unicode_ci, ',
    '_utf8mb4''~all'' COLLATE utf8mb4_unicode_ci, NULL');
  PREPARE s FROM @sds_sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds_sql = NULL;
END//

-- ---------------------------------------------------------------------------
-- Internal helpers (names start with sds__; not part of the API)
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__raise_json_error//
CREATE PROCEDURE sds__raise_json_error(IN j LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SIGNAL the error a core UDF returned'
BEGIN
  DECLARE msg VARCHAR(512);
  IF j IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'frappe_sds: the core returned nothing (out of memory?)';
  END IF;
  SET msg = LEFT(JSON_VALUE(j, '$.error'), 512);
  IF msg IS NOT NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__plan_store//
CREATE PROCEDURE sds__plan_store(IN j LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: replace sds_plan with the rows of j'
BEGIN
  DECLARE now_ DATETIME DEFAULT NOW();
  DELETE FROM sds_plan;
  INSERT INTO sds_plan (doctype, table_name, scope, company_source, parents,
                        reason, module, istable, trigger_id, refreshed_at)
  SELECT jt.doctype, jt.table_name, jt.scope, jt.company_source, jt.parents,
         jt.reason, jt.module, jt.istable, jt.trigger_id, now_
  FROM JSON_TABLE(j, '$.rows[*]' COLUMNS (
         doctype VARCHAR(140) PATH '$.doctype',
         table_name VARCHAR(64) PATH '$.table_name',
         scope VARCHAR(20) PATH '$.scope',
         company_source VARCHAR(300) PATH '$.company_source',
         parents TEXT PATH '$.parents',
         reason TEXT PATH '$.reason',
         module VARCHAR(140) PATH '$.module',
         istable INT PATH '$.istable',
         trigger_id VARCHAR(128) PATH '$.trigger_id')) jt;
END//

-- ---------------------------------------------------------------------------
-- sds_refresh_plan(): recompute sds_plan from the site's metadata.
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds_refresh_plan//
CREATE PROCEDURE sds_refresh_plan()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: recompute sds_plan from tabDocType, tabDocField, tabCustom Field, tabProperty Setter and sds_doctype_rule'
BEGIN
  DECLARE j LONGTEXT;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  SELECT sds_plan_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM sds_meta_input;
  CALL sds__raise_json_error(j);
  START TRANSACTION;
  CALL sds__plan_store(j);
  COMMIT;
END//

-- ---------------------------------------------------------------------------
-- sds_setup(master_group, branch_group) / sds_setup_preview(...):
-- write (or show) the SymmetricDS configuration for this site.
-- ---------------------------------------------------------------------------
-- Rows frappe_sds writes carry last_update_by = 'frappe_sds'; only those are
-- ever updated or deleted. A wanted row whose key is taken by a row someone
-- else wrote is left alone and reported as 'skip'.
DROP PROCEDURE IF EXISTS sds__setup_compute//
CREATE PROCEDURE sds__setup_compute(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: desired rows into sds__want_*, differences into sds__change'
BEGIN
  DECLARE j LONGTEXT;
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
    UNION ALL SELECT 'X', 'master_group', p_master, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'branch_group', p_branch, NULL, NULL, NULL, NULL, NULL) i;
  CALL sds__raise_json_error(j);
  CALL sds__setup_cleanup();
  CREATE TEMPORARY TABLE sds__want ENGINE=Aria
  SELECT * FROM JSON_TABLE(j, '$.rows[*]' COLUMNS (
    t VARCHAR(40) PATH '$.t',
    node_group_id VARCHAR(50) PATH '$.node_group_id',
    source_node_group_id VARCHAR(50) PATH '$.source_node_group_id',
    target_node_group_id VARCHAR(50) PATH '$.target_node_group_id',
    data_event_action CHAR(1) PATH '$.data_event_action',
    channel_id VARCHAR(128) PATH '$.channel_id',
    processing_order INT PATH '$.processing_order',
    max_batch_size INT PATH '$.max_batch_size',
    max_batch_to_send INT PATH '$.max_batch_to_send',
    batch_algorithm VARCHAR(50) PATH '$.batch_algorithm',
    reload_flag SMALLINT PATH '$.reload_flag',
    router_id VARCHAR(50) PATH '$.router_id',
    router_type VARCHAR(50) PATH '$.router_type',
    router_expression MEDIUMTEXT PATH '$.router_expression',
    trigger_id VARCHAR(128) PATH '$.trigger_id',
    source_table_name VARCHAR(255) PATH '$.source_table_name',
    reload_channel_id VARCHAR(128) PATH '$.reload_channel_id',
    sync_on_incoming_batch SMALLINT PATH '$.sync_on_incoming_batch',
    external_select MEDIUMTEXT PATH '$.external_select',
    sync_on_insert_condition MEDIUMTEXT PATH '$.sync_on_insert_condition',
    sync_on_update_condition MEDIUMTEXT PATH '$.sync_on_update_condition',
    sync_on_delete_condition MEDIUMTEXT PATH '$.sync_on_delete_condition',
    initial_load_order INT PATH '$.initial_load_order',
    initial_load_select MEDIUMTEXT PATH '$.initial_load_select',
    conflict_id VARCHAR(50) PATH '$.conflict_id',
    target_channel_id VARCHAR(128) PATH '$.target_channel_id',
    target_table_name VARCHAR(255) PATH '$.target_table_name',
    detect_type VARCHAR(128) PATH '$.detect_type',
    detect_expression MEDIUMTEXT PATH '$.detect_expression',
    resolve_type VARCHAR(128) PATH '$.resolve_type',
    ping_back VARCHAR(128) PATH '$.ping_back',
    resolve_row_only SMALLINT PATH '$.resolve_row_only',
    description MEDIUMTEXT PATH '$.description')) jt;

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
    SELECT node_group_id, description, now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_node_group';
  INSERT INTO sds__want_node_group_link (source_node_group_id, target_node_group_id,
      data_event_action, create_time, last_update_by, last_update_time)
    SELECT source_node_group_id, target_node_group_id, data_event_action,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_node_group_link';
  INSERT INTO sds__want_channel (channel_id, processing_order, max_batch_size,
      max_batch_to_send, batch_algorithm, reload_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT channel_id, processing_order, max_batch_size, max_batch_to_send,
           batch_algorithm, reload_flag, description, now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_channel';
  INSERT INTO sds__want_router (router_id, source_node_group_id, target_node_group_id,
      router_type, router_expression, description, create_time, last_update_by,
      last_update_time)
    SELECT router_id, source_node_group_id, target_node_group_id, router_type,
           router_expression, description, now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_router';
  INSERT INTO sds__want_trigger (trigger_id, source_table_name, channel_id,
      reload_channel_id, sync_on_incoming_batch, external_select,
      sync_on_insert_condition, sync_on_update_condition, sync_on_delete_condition,
      description, create_time, last_update_by, last_update_time)
    SELECT trigger_id, source_table_name, channel_id, reload_channel_id,
           sync_on_incoming_batch, external_select, sync_on_insert_condition,
           sync_on_update_condition, sync_on_delete_condition, description,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_trigger';
  INSERT INTO sds__want_trigger_router (trigger_id, router_id, initial_load_order,
      initial_load_select, create_time, last_update_by, last_update_time)
    SELECT trigger_id, router_id, initial_load_order, initial_load_select,
           now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_trigger_router';
  INSERT INTO sds__want_conflict (conflict_id, source_node_group_id,
      target_node_group_id, target_channel_id, target_table_name, detect_type,
      detect_expression, resolve_type, ping_back, resolve_row_only, create_time,
      last_update_by, last_update_time)
    SELECT conflict_id, source_node_group_id, target_node_group_id,
           target_channel_id, target_table_name, detect_type, detect_expression,
           resolve_type, ping_back, resolve_row_only, now_, 'frappe_sds', now_
    FROM sds__want WHERE t = 'sym_conflict';
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
    sds__want_trigger, sds__want_trigger_router, sds__want_conflict, sds__change,
    sds__cols, sds__live, sds__hist, sds__ready;
  SET sql_notes = v_notes;
END//

DROP PROCEDURE IF EXISTS sds_setup_preview//
CREATE PROCEDURE sds_setup_preview(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: show what sds_setup would change, without writing'
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__setup_cleanup();
    RESIGNAL;
  END;
  CALL sds__setup_compute(p_master, p_branch);
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

  SELECT sds_plan_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM sds_meta_input;
  CALL sds__raise_json_error(j);
  CALL sds__setup_compute(p_master, p_branch);
  START TRANSACTION;
  CALL sds__plan_store(j);
  CALL sds__setup_apply();
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

-- ---------------------------------------------------------------------------
-- sds_sync_schema(): follow schema changes of the site (one code path for
-- the FRAPPE_SDS worker, Frappe's after_migrate hook, startup
-- reconciliation and servers without the plugin). See the README,
-- "Schema changes".
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__sync_step//
CREATE PROCEDURE sds__sync_step(IN p_master VARCHAR(50), IN p_branch VARCHAR(50),
                                IN p_me VARCHAR(50), IN p_now DATETIME)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one pass of sds_sync_schema (caller owns the transaction)'
BEGIN
  DECLARE v_max_event BIGINT;
  SET v_max_event = (SELECT MAX(id) FROM sds_schema_event);
  -- DDL from before replication was set up (e.g. the site's own creation)
  -- travels with the initial load, not as a schema change
  DELETE FROM sds_schema_event WHERE id <= IFNULL(v_max_event, 0)
    AND seen_at < (SELECT updated_at FROM sds_setup_state WHERE id = 1);

  -- 1. The configuration follows the metadata: a new DocType's table gets
  --    its trigger, a dropped one loses it, a renamed one moves.
  CALL sds__setup_apply();
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, renamed_from, state,
                                 detected_at, updated_at, message)
    SELECT w.source_table_name, w.trigger_id,
           IF(e.table_name IS NULL, 'create', 'rename'), e.table_name, 'pending',
           NOW(2), NOW(2), 'new replicated table'
    FROM sds__change c
    JOIN sds__want_trigger w ON w.trigger_id = c.k1
    LEFT JOIN sds_schema_event e ON e.kind = 'rename' AND e.id <= IFNULL(v_max_event, 0)
      AND e.new_table_name = w.source_table_name
    WHERE c.tbl = 'sym_trigger' AND c.action = 'insert'
    GROUP BY w.trigger_id;
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, state, detected_at,
                                 updated_at, message)
    SELECT c.detail, c.k1, IF(t.table_name IS NULL, 'drop', 'alter'), 'done', NOW(2), NOW(2),
           IF(t.table_name IS NULL,
              'table gone: its trigger and trigger routers were deleted',
              'no longer replicated: its trigger and trigger routers were deleted')
    FROM sds__change c
    LEFT JOIN information_schema.tables t ON t.table_schema = DATABASE()
      AND BINARY t.table_name = BINARY c.detail
    WHERE c.tbl = 'sym_trigger' AND c.action = 'delete';

  -- a table that went away (or stopped replicating) ends its open changes
  UPDATE sds_schema_change c SET c.state = 'done', c.updated_at = NOW(2),
         c.message = 'the table is no longer replicated (dropped or renamed again)'
    WHERE c.state IN ('pending', 'trigger_refresh')
      AND NOT EXISTS (SELECT 1 FROM sym_trigger t WHERE t.trigger_id = c.trigger_id);

  -- 2. What SymmetricDS captures (the active sym_trigger_hist) against the
  --    live columns: drift, from DDL seen by the hook or made while it was
  --    not watching (crash, plugin not installed).
  CREATE TEMPORARY TABLE sds__cols (
    table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    column_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ordinal INT NOT NULL, KEY (table_name)) ENGINE=Aria;
  INSERT INTO sds__cols SELECT table_name, LOWER(column_name), ordinal_position
    FROM information_schema.columns WHERE table_schema = DATABASE();
  CREATE TEMPORARY TABLE sds__live ENGINE=Aria AS
    SELECT t.trigger_id, t.source_table_name AS table_name,
           GROUP_CONCAT(c.column_name ORDER BY c.ordinal SEPARATOR ',') AS cols
    FROM sym_trigger t
    JOIN sds__cols c ON c.table_name = t.source_table_name COLLATE utf8mb4_bin
    WHERE t.last_update_by = 'frappe_sds'
    GROUP BY t.trigger_id, t.source_table_name;
  CREATE TEMPORARY TABLE sds__hist ENGINE=Aria AS
    SELECT h.trigger_id,
           CONVERT(LOWER(REPLACE(h.column_names, ' ', '')) USING utf8mb4) COLLATE utf8mb4_bin AS cols,
           h.create_time
    FROM sym_trigger_hist h
    JOIN (SELECT trigger_id, MAX(trigger_hist_id) AS id FROM sym_trigger_hist
          WHERE inactive_time IS NULL GROUP BY trigger_id) a ON a.id = h.trigger_hist_id
    JOIN sds__live l ON l.trigger_id = h.trigger_id;
  -- open changes absorb new evidence (a burst is one change per table)
  UPDATE sds_schema_change c JOIN sds__live l ON l.trigger_id = c.trigger_id
    JOIN sds__hist h ON h.trigger_id = c.trigger_id
    SET c.had_drift = 1, c.updated_at = NOW(2)
    WHERE c.state IN ('pending', 'trigger_refresh') AND l.cols <> h.cols AND c.had_drift = 0;
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, state, had_drift,
                                 detected_at, ddl_at, updated_at, message)
    SELECT l.table_name, l.trigger_id,
           IF(EXISTS (SELECT 1 FROM sds_schema_event e WHERE e.id <= IFNULL(v_max_event, 0)
                      AND e.kind = 'alter' AND e.table_name = l.table_name), 'alter', 'drift'),
           'pending', l.cols <> IFNULL(h.cols, l.cols), NOW(2),
           IFNULL((SELECT MAX(e.seen_at) FROM sds_schema_event e
                   WHERE e.id <= IFNULL(v_max_event, 0) AND e.kind = 'alter'
                     AND e.table_name = l.table_name), NOW(2)),
           NOW(2), 'columns differ from what SymmetricDS captures'
    FROM sds__live l LEFT JOIN sds__hist h ON h.trigger_id = l.trigger_id
    WHERE ((h.trigger_id IS NOT NULL AND l.cols <> h.cols)
           OR EXISTS (SELECT 1 FROM sds_schema_event e WHERE e.id <= IFNULL(v_max_event, 0)
                      AND e.kind = 'alter' AND e.table_name = l.table_name))
      AND NOT EXISTS (SELECT 1 FROM sds_schema_change o WHERE o.trigger_id = l.trigger_id
                      AND o.state IN ('pending', 'trigger_refresh'));

  -- 3. Make SymmetricDS rebuild the capture triggers now, not at its
  --    nightly sync: any change to sym_router makes its routing job run a
  --    full sync-triggers with fresh table metadata (symmetricds.md §6).
  IF EXISTS (SELECT 1 FROM sds_schema_change WHERE state = 'pending') THEN
    UPDATE sym_router SET last_update_time = p_now WHERE last_update_by = 'frappe_sds';
    UPDATE sds_schema_change SET state = 'trigger_refresh', refresh_at = p_now,
           updated_at = NOW(2),
           message = 'waiting for SymmetricDS to rebuild the capture trigger'
      WHERE state = 'pending';
  END IF;

  -- 4. Rebuilt (the active sym_trigger_hist lists the live columns):
  --    one reload per table per registered branch, create_table=1 so the
  --    branch alters its table first, the company filter as reload_select,
  --    and one create_time for the whole pass: one load per branch (§5).
  CREATE TEMPORARY TABLE sds__ready ENGINE=Aria AS
    SELECT c.id, c.trigger_id, 0 AS n FROM sds_schema_change c
    JOIN sds__hist h ON h.trigger_id = c.trigger_id
    JOIN sds__live l ON l.trigger_id = c.trigger_id
    WHERE c.state = 'trigger_refresh' AND l.cols = h.cols
      -- a rebuilt trigger: the columns it lists changed, or (an ALTER that
      -- kept the column names, e.g. a type change) it was built after the DDL
      AND (c.had_drift = 1 OR c.kind IN ('create', 'rename')
           OR h.create_time >= DATE_FORMAT(c.ddl_at, '%Y-%m-%d %H:%i:%s'));
  IF p_me IS NULL THEN
    UPDATE sds_schema_change c JOIN sds__ready r ON r.id = c.id
      SET c.message = 'trigger rebuilt; waiting for sym_node_identity (is SymmetricDS started?)',
          c.updated_at = NOW(2);
  ELSE
    INSERT INTO sym_table_reload_request (target_node_id, source_node_id, trigger_id,
        router_id, create_time, create_table, delete_first, reload_select, processed,
        last_update_by, last_update_time)
      SELECT n.node_id, p_me, tr.trigger_id, tr.router_id, p_now, 1, 0,
             tr.initial_load_select, 0, 'frappe_sds', NOW()
      FROM sds__ready r
      JOIN sym_trigger_router tr ON tr.trigger_id = r.trigger_id AND tr.enabled = 1
        AND tr.initial_load_order >= 0
      JOIN sym_router o ON o.router_id = tr.router_id
        AND o.source_node_group_id = p_master AND o.target_node_group_id = p_branch
      JOIN sym_node n ON n.node_group_id = p_branch AND n.sync_enabled = 1
      JOIN sym_node_security s ON s.node_id = n.node_id AND s.registration_time IS NOT NULL
      WHERE NOT EXISTS (SELECT 1 FROM sym_table_reload_request q
        WHERE q.target_node_id = n.node_id AND q.source_node_id = p_me
          AND q.trigger_id = tr.trigger_id AND q.router_id = tr.router_id
          AND q.create_time = p_now);
    SET @sds_sync_reloads = @sds_sync_reloads + ROW_COUNT();
    -- (a multi-table UPDATE sees the old values of columns it sets: count first)
    UPDATE sds__ready r SET r.n = (SELECT COUNT(*) FROM sym_table_reload_request q
                                   WHERE q.trigger_id = r.trigger_id
                                     AND q.source_node_id = p_me AND q.create_time = p_now);
    UPDATE sds_schema_change c JOIN sds__ready r ON r.id = c.id
      SET c.reload_time = p_now, c.updated_at = NOW(2), c.reload_count = r.n,
          c.state = IF(r.n > 0, 'reload_requested', 'done'),
          c.message = IF(r.n > 0, 'reload requested (create_table=1)',
                         'trigger rebuilt; no registered branch node to reload');
  END IF;

  -- 5. Loads SymmetricDS has queued (processed) or given up on.
  UPDATE sds_schema_change c
    SET c.state = IF(EXISTS (SELECT 1 FROM sym_table_reload_request q
                             JOIN sym_table_reload_status st ON st.load_id = q.load_id
                               AND st.source_node_id = q.source_node_id
                             WHERE q.trigger_id = c.trigger_id AND q.create_time = c.reload_time
                               AND (st.error_flag = 1 OR st.cancelled = 1)), 'failed', 'done'),
        c.message = IFNULL((SELECT LEFT(st.sql_message, 1000) FROM sym_table_reload_request q
                            JOIN sym_table_reload_status st ON st.load_id = q.load_id
                              AND st.source_node_id = q.source_node_id
                            WHERE q.trigger_id = c.trigger_id AND q.create_time = c.reload_time
                              AND (st.error_flag = 1 OR st.cancelled = 1) LIMIT 1),
                           'reloads processed by SymmetricDS'),
        c.updated_at = NOW(2)
    WHERE c.state = 'reload_requested'
      AND NOT EXISTS (SELECT 1 FROM sym_table_reload_request q
                      WHERE q.trigger_id = c.trigger_id AND q.create_time = c.reload_time
                        AND q.processed = 0);

  DELETE FROM sds_schema_event WHERE id <= IFNULL(v_max_event, 0);
END//

DROP PROCEDURE IF EXISTS sds__sync_run//
CREATE PROCEDURE sds__sync_run()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_sync_schema without result sets (what the worker calls)'
sync: BEGIN
  DECLARE j LONGTEXT;
  DECLARE v_master, v_branch, v_me, v_group VARCHAR(50);
  -- whole seconds: SymmetricDS groups reload requests into one load per
  -- (target, create_time), and 3.12-3.14 store seconds only (§5)
  DECLARE v_now DATETIME DEFAULT NOW();
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    CALL sds__setup_cleanup();
    RESIGNAL;
  END;
  SET @sds_sync_reloads = 0, @sds_sync_role = NULL, @sds_sync_time = v_now;
  SET v_master = (SELECT master_group FROM sds_setup_state WHERE id = 1),
      v_branch = (SELECT branch_group FROM sds_setup_state WHERE id = 1);
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'sds_sync_schema: nothing to keep in sync yet; run sds_setup(master_group, branch_group) first';
  END IF;
  SET v_me = (SELECT i.node_id FROM sym_node_identity i LIMIT 1);
  SET v_group = (SELECT n.node_group_id FROM sym_node n WHERE n.node_id = v_me);
  IF v_group IS NOT NULL AND v_group <> v_master THEN
    -- a branch: its schema arrives with the master's reloads, and DDL that
    -- SymmetricDS runs here must not bounce back
    DELETE FROM sds_schema_event;
    SET @sds_sync_role = 'branch';
    LEAVE sync;
  END IF;
  SET @sds_sync_role = 'master';

  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  -- one sync at a time (the hook's worker and an after_migrate call)
  SELECT id INTO @sds__lock FROM sds_setup_state WHERE id = 1 FOR UPDATE;
  SELECT sds_plan_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM sds_meta_input;
  CALL sds__raise_json_error(j);
  CALL sds__setup_compute(v_master, v_branch);
  CALL sds__plan_store(j);
  CALL sds__sync_step(v_master, v_branch, v_me, v_now);
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  CALL sds__setup_cleanup();
END//

DROP PROCEDURE IF EXISTS sds_sync_schema//
CREATE PROCEDURE sds_sync_schema()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: configure new tables, rebuild triggers and request per-company reloads after schema changes'
BEGIN
  CALL sds__sync_run();
  IF @sds_sync_role = 'branch' THEN
    SELECT 'branch' AS role, 'nothing to do: schema changes are made on the master' AS note;
  ELSE
    SELECT id, table_name, kind, state, reload_count, message FROM sds_schema_change
      WHERE state <> 'done' OR updated_at >= @sds_sync_time ORDER BY id;
  END IF;
END//

-- ---------------------------------------------------------------------------
-- Company <-> branch node mapping (read by the lookuptable router through
-- the view sds_company_route; changing it changes routing only)
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__check_company//
CREATE PROCEDURE sds__check_company(IN p_proc VARCHAR(64), IN p_company VARCHAR(255),
                                    IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: validate a company and a node external id'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_abbr VARCHAR(255);
  DECLARE v_found INT DEFAULT 0;
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}$' OR p_node LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': node external id ', IFNULL(QUOTE(p_node), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = DATABASE() AND table_name = 'tabCompany') THEN
    SET msg = CONCAT(p_proc, ': this site has no tabCompany (ERPNext is not installed)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_company IS NOT NULL THEN
    -- dynamic SQL: a Frappe-only site has no tabCompany to compile against
    SET @sds__abbr = NULL, @sds__found = 0;
    PREPARE s FROM 'SELECT abbr, 1 INTO @sds__abbr, @sds__found FROM `tabCompany` WHERE name = ?';
    SET @sds__company = p_company;
    EXECUTE s USING @sds__company;
    DEALLOCATE PREPARE s;
    SET v_abbr = @sds__abbr, v_found = @sds__found;
  END IF;
  IF NOT v_found THEN
    SET msg = CONCAT(p_proc, ': unknown company ', IFNULL(QUOTE(LEFT(p_company, 200)), 'NULL'),
                     ' (not in tabCompany)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_abbr IS NULL OR CHAR_LENGTH(v_abbr) NOT BETWEEN 1 AND 50 OR v_abbr LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': the company key (abbr) ', IFNULL(QUOTE(LEFT(v_abbr, 80)), 'NULL'),
                     ' of company ', QUOTE(LEFT(p_company, 140)),
                     ' does not fit SymmetricDS external_data (1-50 characters, not starting with ~); ',
                     'shorten the abbreviation first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds_map_company//
CREATE PROCEDURE sds_map_company(IN p_company VARCHAR(255), IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: let branch node p_node host company p_company'
BEGIN
  CALL sds__check_company('sds_map_company', p_company, p_node);
  INSERT INTO sds_company_node (company, node_external_id)
    SELECT p_company, p_node FROM DUAL WHERE NOT EXISTS
      (SELECT 1 FROM sds_company_node WHERE company = p_company AND node_external_id = p_node);
END//

DROP PROCEDURE IF EXISTS sds_unmap_company//
CREATE PROCEDURE sds_unmap_company(IN p_company VARCHAR(255), IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: stop sending company p_company to branch node p_node'
BEGIN
  DECLARE msg VARCHAR(512);
  DELETE FROM sds_company_node WHERE company = p_company AND node_external_id = p_node;
  IF ROW_COUNT() = 0 THEN
    SET msg = CONCAT('sds_unmap_company: company ', IFNULL(QUOTE(LEFT(p_company, 200)), 'NULL'),
                     ' is not mapped to node ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END//
DELIMITER ;


-- ===========================================================================
-- OPERATIONS (node status, onboarding, grants, engine file, remote SQL,
-- naming series, file sync) -- section owned by the operations work
-- ===========================================================================
DELIMITER ;

-- ===========================================================================
-- END OF OPERATIONS
-- ===========================================================================
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
