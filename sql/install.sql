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
  COMMENT 'frappe_sds internal: SIGNAL the error a core UDF returned, or a library of another format'
BEGIN
  DECLARE msg VARCHAR(512);
  IF j IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'frappe_sds: the core returned nothing (out of memory?)';
  END IF;
  -- (by prefix: a successful result is large, no need to parse it here)
  IF LEFT(j, 9) = '{"error":' THEN
    SET msg = LEFT(JSON_VALUE(j, '$.error'), 512);
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- every result of this library carries the plan; an older library still
  -- loaded by the server (replaced on disk, not yet restarted) does not, and
  -- reading its output with these procedures would delete the configuration
  IF LOCATE('"plan":[', j) = 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'frappe_sds: the loaded frappe_sds library does not match this install.sql; restart the server after upgrading the library, then run install.sql again';
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__plan_store//
CREATE PROCEDURE sds__plan_store(IN j LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: replace sds_plan with the plan rows of j (sds_plan_agg or sds_config_agg)'
BEGIN
  DECLARE now_ DATETIME DEFAULT NOW();
  DELETE FROM sds_plan;
  INSERT INTO sds_plan (doctype, table_name, scope, company_source, parents,
                        reason, module, istable, trigger_id, refreshed_at)
  SELECT jt.doctype, jt.table_name, jt.scope, jt.company_source, jt.parents,
         jt.reason, jt.module, jt.istable, jt.trigger_id, now_
  FROM JSON_TABLE(j, '$.plan[*]' COLUMNS (
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
    sds__cols, sds__live, sds__hist, sds__ready, sds__asked, sds__loads;
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

  -- the configuration and the plan it comes from: one pass over the metadata
  CALL sds__setup_compute(p_master, p_branch, j);
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
                                IN p_me VARCHAR(50), IN p_now DATETIME, IN p_full TINYINT)
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
  --    its trigger, a dropped one loses it, a renamed one moves. (A full
  --    pass only: the caller computed sds__want_* and sds__change.)
  IF p_full THEN
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
  END IF;

  -- a table that went away (or stopped replicating) ends its open changes
  UPDATE sds_schema_change c SET c.state = 'done', c.updated_at = NOW(2),
         c.message = 'the table is no longer replicated (dropped or renamed again)'
    WHERE c.state IN ('pending', 'trigger_refresh')
      AND NOT EXISTS (SELECT 1 FROM sym_trigger t WHERE t.trigger_id = c.trigger_id);

  -- 2. What SymmetricDS captures (the active sym_trigger_hist) against the
  --    live columns: drift, from DDL seen by the hook or made while it was
  --    not watching (crash, plugin not installed).
  -- Live column lists, one row per table, in one pass over
  -- information_schema (a follow-up pass reads only the tables of open
  -- changes). Keyed temporary tables: the joins below are by key.
  CREATE TEMPORARY TABLE sds__cols (
    table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    cols MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL) ENGINE=Aria;
  IF p_full OR EXISTS (SELECT 1 FROM sds_schema_change o
                       WHERE o.state IN ('pending', 'trigger_refresh')) THEN
    INSERT INTO sds__cols
      SELECT table_name, GROUP_CONCAT(LOWER(column_name) ORDER BY ordinal_position SEPARATOR ',')
      FROM information_schema.columns WHERE table_schema = DATABASE()
        AND (p_full OR table_name IN (SELECT o.table_name FROM sds_schema_change o
                                      WHERE o.state IN ('pending', 'trigger_refresh')))
      GROUP BY table_name;
  END IF;
  CREATE TEMPORARY TABLE sds__live (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
    SELECT t.trigger_id, t.source_table_name AS table_name, c.cols
    FROM sym_trigger t
    JOIN sds__cols c ON c.table_name = t.source_table_name COLLATE utf8mb4_bin
    WHERE t.last_update_by = 'frappe_sds';
  CREATE TEMPORARY TABLE sds__hist (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
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
    -- (a multi-table UPDATE sees the old values of columns it sets: count
    -- first, in one pass over the requests of this pass)
    CREATE TEMPORARY TABLE sds__asked (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
      SELECT q.trigger_id, COUNT(*) AS n FROM sym_table_reload_request q
      WHERE q.source_node_id = p_me AND q.create_time = p_now GROUP BY q.trigger_id;
    UPDATE sds__ready r JOIN sds__asked a ON a.trigger_id = r.trigger_id SET r.n = a.n;
    UPDATE sds_schema_change c JOIN sds__ready r ON r.id = c.id
      SET c.reload_time = p_now, c.updated_at = NOW(2), c.reload_count = r.n,
          c.state = IF(r.n > 0, 'reload_requested', 'done'),
          c.message = IF(r.n > 0, 'reload requested (create_table=1)',
                         'trigger rebuilt; no registered branch node to reload');
  END IF;

  -- 5. Loads SymmetricDS has queued (processed) or given up on: the
  --    requests of each (table, create_time) in one pass, then by key.
  CREATE TEMPORARY TABLE sds__loads (PRIMARY KEY (trigger_id, create_time)) ENGINE=Aria AS
    SELECT q.trigger_id, q.create_time, SUM(q.processed = 0) AS waiting,
           MAX(IFNULL(st.error_flag = 1 OR st.cancelled = 1, 0)) AS failed,
           MAX(IF(st.error_flag = 1 OR st.cancelled = 1, LEFT(st.sql_message, 1000), NULL))
             AS message
    FROM sym_table_reload_request q
    LEFT JOIN sym_table_reload_status st ON st.load_id = q.load_id
      AND st.source_node_id = q.source_node_id
    WHERE EXISTS (SELECT 1 FROM sds_schema_change c WHERE c.state = 'reload_requested')
    GROUP BY q.trigger_id, q.create_time;
  UPDATE sds_schema_change c
    LEFT JOIN sds__loads l ON l.trigger_id = c.trigger_id AND l.create_time = c.reload_time
    SET c.state = IF(l.failed = 1, 'failed', 'done'),
        c.message = IFNULL(l.message, 'reloads processed by SymmetricDS'),
        c.updated_at = NOW(2)
    WHERE c.state = 'reload_requested' AND IFNULL(l.waiting, 0) = 0;

  DELETE FROM sds_schema_event WHERE id <= IFNULL(v_max_event, 0);
END//

DROP PROCEDURE IF EXISTS sds__sync_run//
CREATE PROCEDURE sds__sync_run(IN p_full TINYINT)
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
  SET @sds_sync_reloads = 0, @sds_sync_role = NULL;
  SET p_full = IFNULL(p_full, 1) <> 0;
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
  -- A follow-up pass (p_full = 0: no new DDL, the worker waiting for
  -- SymmetricDS) only moves the open changes on: the configuration and the
  -- drift of other tables wait for the next DDL or sds_sync_schema() call.
  -- Recorded DDL events always get a full pass.
  IF NOT p_full AND EXISTS (SELECT 1 FROM sds_schema_event) THEN
    SET p_full = 1;
  END IF;
  IF p_full THEN
    CALL sds__setup_compute(v_master, v_branch, j);
    CALL sds__plan_store(j);
  END IF;
  CALL sds__sync_step(v_master, v_branch, v_me, v_now, p_full);
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  CALL sds__setup_cleanup();
END//

DROP PROCEDURE IF EXISTS sds_sync_schema//
CREATE PROCEDURE sds_sync_schema()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: configure new tables, rebuild triggers and request per-company reloads after schema changes'
BEGIN
  -- the result: every change still open, and every change this call opened
  -- or moved on ('done' and 'failed' are final: no pass touches them again)
  DECLARE v_max_id BIGINT DEFAULT (SELECT IFNULL(MAX(id), 0) FROM sds_schema_change);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    DROP TEMPORARY TABLE IF EXISTS sds__open_before;
    RESIGNAL;
  END;
  DROP TEMPORARY TABLE IF EXISTS sds__open_before;
  CREATE TEMPORARY TABLE sds__open_before (PRIMARY KEY (id)) ENGINE=Aria AS
    SELECT id FROM sds_schema_change WHERE state NOT IN ('done', 'failed');
  CALL sds__sync_run(1);
  IF @sds_sync_role = 'branch' THEN
    SELECT 'branch' AS role, 'nothing to do: schema changes are made on the master' AS note;
  ELSE
    SELECT id, table_name, kind, state, reload_count, message FROM sds_schema_change
      WHERE state <> 'done' OR id > v_max_id OR id IN (SELECT id FROM sds__open_before)
      ORDER BY id;
  END IF;
  DROP TEMPORARY TABLE sds__open_before;
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
  -- \z, not $: $ also matches before a final newline
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
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
-- Node awareness, branch onboarding, least-privilege grants, the engine
-- file, remote SQL, naming-series risks and file sync. Facts about
-- SymmetricDS are cited by section of shared/reference/symmetricds.md.
CREATE TABLE IF NOT EXISTS sds_sql_sender (
  user_name VARCHAR(128) NOT NULL COMMENT 'user part of CURRENT_USER()',
  host VARCHAR(255) NOT NULL COMMENT 'host part of CURRENT_USER()',
  note VARCHAR(255) NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_name, host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds: accounts allowed to call sds_send_sql without SUPER or CREATE USER';

CREATE TABLE IF NOT EXISTS sds_sql_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sent_at DATETIME NOT NULL,
  sender VARCHAR(400) NOT NULL COMMENT 'CURRENT_USER() of the caller',
  target VARCHAR(50) NOT NULL COMMENT 'node id or node group id as given',
  node_list VARCHAR(255) NOT NULL COMMENT 'sym_data.node_list written',
  sql_text MEDIUMTEXT NOT NULL,
  data_id BIGINT NOT NULL COMMENT 'sym_data.data_id of the S event',
  KEY sent_at (sent_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: every SQL statement sent to nodes with sds_send_sql';

DELIMITER //

-- ---------------------------------------------------------------------------
-- Node awareness
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds_node_id//
CREATE FUNCTION sds_node_id() RETURNS VARCHAR(50) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: this node''s SymmetricDS node id (sym_node_identity), NULL before SymmetricDS first started'
BEGIN
  -- sym_node_identity: a single row, this node (§10)
  RETURN (SELECT node_id FROM sym_node_identity ORDER BY node_id LIMIT 1);
END//

DROP FUNCTION IF EXISTS sds_node_group//
CREATE FUNCTION sds_node_group() RETURNS VARCHAR(50) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: this node''s node group, NULL when unknown'
BEGIN
  RETURN (SELECT n.node_group_id FROM sym_node n WHERE n.node_id = sds_node_id());
END//

DROP FUNCTION IF EXISTS sds_role//
CREATE FUNCTION sds_role() RETURNS VARCHAR(10) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: master, branch, or NULL (no identity yet, no sds_setup, or another group)'
BEGIN
  DECLARE v_group VARCHAR(50) DEFAULT sds_node_group();
  RETURN (SELECT CASE v_group WHEN s.master_group THEN 'master'
                              WHEN s.branch_group THEN 'branch' END
          FROM sds_setup_state s WHERE s.id = 1);
END//

DROP FUNCTION IF EXISTS sds__param//
CREATE FUNCTION sds__param(p_key VARCHAR(80)) RETURNS MEDIUMTEXT CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a sym_parameter value for this node (precedence of §10), NULL if not in the database'
BEGIN
  -- §10: ALL/ALL < ALL/<group> < <external_id>/<group>. Values from the
  -- engine .properties file are not visible from SQL.
  DECLARE v_group VARCHAR(50) DEFAULT sds_node_group();
  DECLARE v_ext VARCHAR(255) DEFAULT (SELECT n.external_id FROM sym_node n WHERE n.node_id = sds_node_id());
  RETURN (SELECT p.param_value FROM sym_parameter p
          WHERE p.param_key = p_key
            AND ((p.external_id = 'ALL' AND p.node_group_id = 'ALL')
              OR (p.external_id = 'ALL' AND p.node_group_id = v_group)
              OR (p.external_id = v_ext AND p.node_group_id = v_group))
          ORDER BY (p.external_id <> 'ALL') DESC, (p.node_group_id <> 'ALL') DESC
          LIMIT 1);
END//

DROP FUNCTION IF EXISTS sds__heartbeat_period_s//
CREATE FUNCTION sds__heartbeat_period_s() RETURNS BIGINT
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: job.heartbeat.period.time.ms in seconds (default 900000 ms, §10)'
BEGIN
  DECLARE v MEDIUMTEXT DEFAULT TRIM(sds__param('job.heartbeat.period.time.ms'));
  IF v IS NULL OR v NOT REGEXP '^[0-9]{1,12}\\z' OR CAST(v AS UNSIGNED) = 0 THEN
    RETURN 900;
  END IF;
  RETURN GREATEST(1, CAST(v AS UNSIGNED) DIV 1000);
END//

-- One row: what Frappe needs to know about replication here. Liveness per
-- §10: the local sym_node_host row's heartbeat_time within ~2x the heartbeat
-- period, or a recent last_restart_time.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_status AS
SELECT h.node_id, h.node_group, h.external_id, h.role,
       st.master_group, st.branch_group,
       h.heartbeat_time, h.last_restart_time,
       TIMESTAMPDIFF(SECOND, h.heartbeat_time, NOW()) AS heartbeat_age_s,
       h.period_s AS heartbeat_period_s,
       CASE WHEN h.node_id IS NULL OR h.last_restart_time IS NULL THEN NULL
            WHEN TIMESTAMPDIFF(SECOND, h.heartbeat_time, NOW()) <= 2 * h.period_s
              OR TIMESTAMPDIFF(SECOND, h.last_restart_time, NOW()) <= 2 * h.period_s THEN 1
            ELSE 0 END AS alive,
       (SELECT COUNT(*) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE IFNULL(b.status, '') NOT IN ('OK', 'IG')) AS batches_unsent,
       (SELECT COUNT(*) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE b.error_flag = 1 OR b.status = 'ER') AS batches_in_error,
       (SELECT MIN(b.create_time) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE IFNULL(b.status, '') NOT IN ('OK', 'IG')) AS oldest_unsent_batch,
       (SELECT COUNT(*) FROM sym_node n WHERE n.node_group_id = st.branch_group) AS branches,
       (SELECT COUNT(*) FROM sym_node n JOIN sym_node_security s ON s.node_id = n.node_id
        WHERE n.node_group_id = st.branch_group AND s.registration_time IS NOT NULL) AS branches_registered,
       (SELECT COUNT(*) FROM sym_table_reload_request q WHERE q.processed = 0) AS reloads_pending,
       (SELECT COUNT(*) FROM sym_node_security s WHERE s.initial_load_enabled = 1) AS initial_loads_pending,
       (SELECT COUNT(*) FROM sds_schema_change c WHERE c.state NOT IN ('done', 'failed')) AS schema_changes_pending,
       (SELECT i.version FROM sds_install i WHERE i.id = 1) AS frappe_sds_version
FROM (SELECT 1 AS one) d
LEFT JOIN sds_setup_state st ON st.id = 1
LEFT JOIN (SELECT sds_node_id() AS node_id, sds_node_group() AS node_group, sds_role() AS role,
                  (SELECT n.external_id FROM sym_node n WHERE n.node_id = sds_node_id()) AS external_id,
                  (SELECT MAX(x.heartbeat_time) FROM sym_node_host x WHERE x.node_id = sds_node_id()) AS heartbeat_time,
                  (SELECT MAX(x.last_restart_time) FROM sym_node_host x WHERE x.node_id = sds_node_id()) AS last_restart_time,
                  sds__heartbeat_period_s() AS period_s) h ON 1 = 1//

-- ---------------------------------------------------------------------------
-- Branch onboarding
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__check_master//
CREATE PROCEDURE sds__check_master(IN p_proc VARCHAR(64), OUT p_me VARCHAR(50),
                                   OUT p_master VARCHAR(50), OUT p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: this node must be the master (sds_setup done, identity in the master group)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_group VARCHAR(50);
  SELECT master_group, branch_group INTO p_master, p_branch FROM sds_setup_state WHERE id = 1;
  IF p_master IS NULL THEN
    SET msg = CONCAT(p_proc, ': no configuration yet; run sds_setup(master_group, branch_group) first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET p_me = sds_node_id(), v_group = sds_node_group();
  IF p_me IS NULL THEN
    -- created_at_node_id must be this node's id: SymmetricDS queues the
    -- flag-driven first load only for nodes created at itself (§10)
    SET msg = CONCAT(p_proc, ': this server has no SymmetricDS identity yet (sym_node_identity is empty); ',
                     'start the master engine once first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group IS NULL OR v_group <> p_master THEN
    SET msg = CONCAT(p_proc, ': this node ', QUOTE(p_me), ' is in group ', IFNULL(QUOTE(v_group), 'NULL'),
                     ', not in the master group ', QUOTE(p_master), '; run it on the master');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__check_branch//
CREATE PROCEDURE sds__check_branch(IN p_proc VARCHAR(64), IN p_node VARCHAR(255),
                                   IN p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: p_node must be a node of the branch group'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_group VARCHAR(50);
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_group = (SELECT node_group_id FROM sym_node WHERE node_id = p_node);
  IF v_group IS NULL THEN
    SET msg = CONCAT(p_proc, ': unknown node ', QUOTE(p_node), ' (not in sym_node); add it with sds_add_branch');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group <> p_branch THEN
    SET msg = CONCAT(p_proc, ': node ', QUOTE(p_node), ' is in group ', QUOTE(v_group),
                     ', not in the branch group ', QUOTE(p_branch));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds_add_branch//
CREATE PROCEDURE sds_add_branch(IN p_node VARCHAR(255), IN p_companies LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: open registration for a branch node, map its companies, queue its company-filtered first load'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE i, j, n INT;
  DECLARE v_item, v_other VARCHAR(1000);
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;

  CALL sds__check_master('sds_add_branch', v_me, v_master, v_branch);
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT('sds_add_branch: node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node OR external_id = p_node) THEN
    SET msg = CONCAT('sds_add_branch: node ', QUOTE(p_node),
                     ' already exists; use sds_reload_branch, or sds_remove_branch first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF EXISTS (SELECT 1 FROM sds_company_node WHERE node_external_id = p_node) THEN
    SET msg = CONCAT('sds_add_branch: node ', QUOTE(p_node),
                     ' already has companies mapped (sds_company_node); unmap them or pick another id');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- companies: a JSON array of company names (names may contain commas)
  IF p_companies IS NULL OR NOT JSON_VALID(p_companies) OR JSON_TYPE(p_companies) <> 'ARRAY'
     OR JSON_LENGTH(p_companies) = 0 THEN
    SET msg = CONCAT('sds_add_branch: companies ', IFNULL(QUOTE(LEFT(p_companies, 200)), 'NULL'),
                     ' must be a non-empty JSON array of company names, e.g. ''["Wind Power LLC"]''');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET n = JSON_LENGTH(p_companies), i = 0;
  WHILE i < n DO
    IF JSON_TYPE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']'))) <> 'STRING' THEN
      SET msg = CONCAT('sds_add_branch: company ', QUOTE(LEFT(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']')), 200)),
                       ' (item ', i + 1, ') must be a JSON string');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_item = JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']')));
    IF TRIM(v_item) = '' THEN
      SET msg = CONCAT('sds_add_branch: company ', QUOTE(v_item), ' (item ', i + 1, ') must not be empty');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
    SET j = 0;
    WHILE j < i DO
      SET v_other = JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', j, ']')));
      IF v_other COLLATE utf8mb4_unicode_ci = v_item COLLATE utf8mb4_unicode_ci THEN
        SET msg = CONCAT('sds_add_branch: company ', QUOTE(LEFT(v_item, 200)), ' (item ', i + 1,
                         ') is listed twice');
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
      END IF;
      SET j = j + 1;
    END WHILE;
    CALL sds__check_company('sds_add_branch', v_item, p_node);
    SET i = i + 1;
  END WHILE;

  -- SymmetricDS must see the new node as a local change (§6)
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  -- what `symadmin open-registration` writes (§10): node_id = external_id,
  -- sync_enabled=0 until it registers, created_at_node_id = this node
  INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled, created_at_node_id)
    VALUES (p_node, v_branch, p_node, 0, v_me);
  -- a random password (40 hex characters <= node_password VARCHAR(50));
  -- initial_load_enabled=1: SymmetricDS queues an ALL/ALL load to the node
  -- once it has registered (§5 "Full loads also from flags", §10)
  INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time,
                                 initial_load_enabled, created_at_node_id)
    VALUES (p_node, LOWER(HEX(RANDOM_BYTES(20))), 1, NULL, 1, v_me);
  SET i = 0;
  WHILE i < n DO
    INSERT INTO sds_company_node (company, node_external_id)
      VALUES (JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']'))), p_node);
    SET i = i + 1;
  END WHILE;
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  SELECT p_node AS node_id, v_branch AS node_group, 'registration open' AS state,
         (SELECT GROUP_CONCAT(c.company ORDER BY c.company SEPARATOR ', ') FROM sds_company_node c
          WHERE c.node_external_id = p_node) AS companies,
         'company-filtered initial load queued for when it registers' AS initial_load;
END//

DROP PROCEDURE IF EXISTS sds_reload_branch//
CREATE PROCEDURE sds_reload_branch(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: company-filtered full reload of a registered branch (what symadmin reload-node does)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  CALL sds__check_master('sds_reload_branch', v_me, v_master, v_branch);
  CALL sds__check_branch('sds_reload_branch', p_node, v_branch);
  IF NOT EXISTS (SELECT 1 FROM sym_node_security WHERE node_id = p_node
                 AND registration_time IS NOT NULL) THEN
    -- §10: loads to unregistered nodes are ignored
    SET msg = CONCAT('sds_reload_branch: node ', QUOTE(p_node),
                     ' has not registered yet; its first load is queued when it registers');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  -- §5: `symadmin reload-node <id>` just sets initial_load_enabled=1; the
  -- Initial Load Queue job then inserts the ALL/ALL request (§5, §10)
  UPDATE sym_node_security SET initial_load_enabled = 1 WHERE node_id = p_node;
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  SELECT p_node AS node_id, 'reload queued' AS state,
         (SELECT GROUP_CONCAT(c.company ORDER BY c.company SEPARATOR ', ') FROM sds_company_node c
          WHERE c.node_external_id = p_node) AS companies;
END//

DROP PROCEDURE IF EXISTS sds_remove_branch//
CREATE PROCEDURE sds_remove_branch(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: unmap a branch''s companies and delete its SymmetricDS node rows'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE v_maps, v_reqs INT;
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  CALL sds__check_master('sds_remove_branch', v_me, v_master, v_branch);
  IF p_node = v_me THEN
    SET msg = CONCAT('sds_remove_branch: node ', QUOTE(p_node), ' is this node (the master)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__check_branch('sds_remove_branch', p_node, v_branch);
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  DELETE FROM sds_company_node WHERE node_external_id = p_node;
  SET v_maps = ROW_COUNT();
  DELETE FROM sym_table_reload_request WHERE target_node_id = p_node AND processed = 0;
  SET v_reqs = ROW_COUNT();
  -- foreign keys: sym_node_security (and sym_node_identity) reference sym_node
  DELETE FROM sym_node_security WHERE node_id = p_node;
  DELETE FROM sym_node WHERE node_id = p_node;
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  SELECT p_node AS node_id, 'removed' AS state, v_maps AS companies_unmapped,
         v_reqs AS reload_requests_deleted;
END//

-- ---------------------------------------------------------------------------
-- Least privilege for SymmetricDS's database user
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds_grant//
CREATE PROCEDURE sds_grant(IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: grant SymmetricDS''s database user what it needs on this site, and no more (no SUPER)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_account VARCHAR(700);
  IF p_user IS NULL OR CHAR_LENGTH(p_user) NOT BETWEEN 1 AND 128
     OR p_user REGEXP '[[:cntrl:]''"`]' OR INSTR(p_user, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_grant: user ', IFNULL(QUOTE(LEFT(p_user, 140)), 'NULL'),
                     ' must be 1-128 characters without quotes, backslashes or control characters');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_host IS NULL OR p_host NOT REGEXP '^[A-Za-z0-9_.%:/-]{1,255}\\z' THEN
    SET msg = CONCAT('sds_grant: host ', IFNULL(QUOTE(LEFT(p_host, 260)), 'NULL'),
                     ' must be 1-255 characters of [A-Za-z0-9_.%:/-] (a host name, IP, netmask or %)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_account = CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  -- PROCESS first: it is the global one, so a caller who may not grant it
  -- is refused before anything is granted. The server checks that the
  -- caller holds each privilege WITH GRANT OPTION.
  SET @sds__sql = CONCAT('GRANT PROCESS ON *.* TO ', v_account);
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, ',
                         'TRIGGER, CREATE ROUTINE, ALTER ROUTINE, EXECUTE, CREATE TEMPORARY TABLES ON ',
                         sds_ident(DATABASE()), '.* TO ', v_account);
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = NULL;
  SELECT g.privilege, g.level, g.why FROM (
    SELECT 1 AS o, 'SELECT, INSERT, UPDATE, DELETE' AS privilege, DATABASE() AS level,
           'its sym_* tables; capture reads, loads write the Frappe tables' AS why
    UNION ALL SELECT 2, 'CREATE, ALTER, INDEX, DROP', DATABASE(),
           'create-sym-tables and upgrades of sym_*; loads with create_table=1 create/alter Frappe tables (§5)'
    UNION ALL SELECT 3, 'TRIGGER', DATABASE(), 'the capture triggers on every replicated table (§2)'
    UNION ALL SELECT 4, 'CREATE ROUTINE, ALTER ROUTINE, EXECUTE', DATABASE(),
           'its sym_transaction_id function, which the capture triggers call (§2)'
    UNION ALL SELECT 5, 'CREATE TEMPORARY TABLES', DATABASE(), 'scratch tables of its jobs'
    UNION ALL SELECT 6, 'PROCESS', '*.*',
           'sym_transaction_id reads information_schema.INNODB_TRX, which needs PROCESS; without it every captured write fails'
    UNION ALL SELECT 7, 'not granted: SUPER', '*.*',
           IF(@@log_bin AND NOT @@log_bin_trust_function_creators,
              'binary logging is ON here: set log_bin_trust_function_creators=ON (SET GLOBAL and my.cnf) so that it can create its triggers and function without SUPER',
              'not needed while binary logging is off or log_bin_trust_function_creators=ON')
  ) g ORDER BY g.o;
END//

-- ---------------------------------------------------------------------------
-- The SymmetricDS engine file
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds_engine_properties//
CREATE FUNCTION sds_engine_properties(p_node VARCHAR(255), p_engine VARCHAR(255),
    p_db VARCHAR(255), p_db_user VARCHAR(255), p_sync_url VARCHAR(1000),
    p_registration_url VARCHAR(1000))
  RETURNS TEXT CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: the SymmetricDS engine .properties text for a node of this site'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_master, v_branch, v_group VARCHAR(50);
  DECLARE v_lf CHAR(1) DEFAULT CHAR(10);
  DECLARE v_port INT DEFAULT @@port;
  DECLARE v TEXT;
  SELECT master_group, branch_group INTO v_master, v_branch FROM sds_setup_state WHERE id = 1;
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'sds_engine_properties: no configuration yet; run sds_setup(master_group, branch_group) first';
  END IF;
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT('sds_engine_properties: node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-]');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- engine.name: also the JMX name and part of the default sync.url; no
  -- underscores (§10)
  IF p_engine IS NULL OR p_engine NOT REGEXP '^[A-Za-z0-9][A-Za-z0-9.-]{0,49}\\z' THEN
    SET msg = CONCAT('sds_engine_properties: engine name ', IFNULL(QUOTE(LEFT(p_engine, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9.-] (no underscores, SymmetricDS uses it as a JMX name)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_db IS NULL OR p_db NOT REGEXP '^[A-Za-z0-9_$-]{1,64}\\z' THEN
    SET msg = CONCAT('sds_engine_properties: database name ', IFNULL(QUOTE(LEFT(p_db, 70)), 'NULL'),
                     ' must be 1-64 characters of [A-Za-z0-9_$-] (it goes into a JDBC URL)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_db_user IS NULL OR p_db_user NOT REGEXP '^[!-~]{1,128}\\z' OR INSTR(p_db_user, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: db user ', IFNULL(QUOTE(LEFT(p_db_user, 140)), 'NULL'),
                     ' must be 1-128 printable ASCII characters without spaces or backslashes');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- URLs: one line each (a newline would inject properties), no spaces or
  -- backslashes (escape characters of .properties files). Patterns end in
  -- \z, not $: PCRE's $ also matches before a final newline.
  IF p_sync_url IS NULL OR (p_sync_url <> '' AND p_sync_url NOT REGEXP '^https?://[!-~]{1,990}\\z')
     OR INSTR(p_sync_url, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: sync url ', IFNULL(QUOTE(LEFT(p_sync_url, 200)), 'NULL'),
                     ' must be empty or an http:// or https:// URL of printable ASCII without spaces or backslashes');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_registration_url IS NULL
     OR (p_registration_url <> '' AND p_registration_url NOT REGEXP '^https?://[!-~]{1,990}\\z')
     OR INSTR(p_registration_url, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: registration url ', IFNULL(QUOTE(LEFT(p_registration_url, 200)), 'NULL'),
                     ' must be empty (master) or an http:// or https:// URL of printable ASCII without spaces or backslashes');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_group = (SELECT node_group_id FROM sym_node WHERE node_id = p_node OR external_id = p_node
                 ORDER BY node_id = p_node DESC LIMIT 1);
  IF v_group IS NULL THEN
    IF p_registration_url = '' THEN
      -- the root node: SymmetricDS inserts it at first start when
      -- registration.url is blank (§10)
      SET v_group = v_master;
    ELSE
      SET msg = CONCAT('sds_engine_properties: unknown node ', QUOTE(p_node),
                       '; open its registration first with sds_add_branch');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
  END IF;
  IF v_group = v_master AND p_registration_url <> '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node),
                     ' is the master (registration server): its registration url must be empty (§10)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group <> v_master AND p_registration_url = '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node), ' is in group ', QUOTE(v_group),
                     ': it needs the master''s registration url');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group = v_master AND p_sync_url = '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node),
                     ' is the master: branches reach it at its sync url, which must not be empty');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_port IS NULL OR v_port = 0 THEN
    SET v_port = 3306;
  END IF;
  SET v = CONCAT_WS(v_lf,
    CONCAT('# SymmetricDS engine ', p_engine, ' for node ', p_node, ' (group ', v_group, ')'),
    '# written by frappe_sds sds_engine_properties(); save as engines/<engine.name>.properties',
    CONCAT('engine.name=', p_engine),
    'db.driver=org.mariadb.jdbc.Driver',
    CONCAT('# this server listens on port ', v_port,
           IF(@@skip_networking, ' but has networking off', ''),
           '; over the Unix socket instead: db.url=jdbc:mariadb://localhost/', p_db,
           '?localSocket=', IFNULL(@@socket, '/run/mysqld/mysqld.sock')),
    CONCAT('db.url=jdbc:mariadb://localhost:', v_port, '/', p_db),
    CONCAT('db.user=', p_db_user),
    CONCAT('# db.password: fill in the password of ', p_db_user,
           ' (frappe_sds never reads or prints it)'),
    'db.password=',
    CONCAT('group.id=', v_group),
    CONCAT('external.id=', p_node),
    CONCAT('registration.url=', p_registration_url),
    IF(p_sync_url = '', '# sync.url: SymmetricDS default (branches are never called: they push and pull)',
       CONCAT('sync.url=', p_sync_url)),
    IF(v_group = v_master,
       CONCAT('# first loads send CREATE/ALTER-to-match before the data (§10)', v_lf,
              'initial.load.create.first=true'),
       NULL),
    '');
  RETURN v;
END//

-- ---------------------------------------------------------------------------
-- Remote SQL (symadmin send-sql, §5)
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds__may_send_sql//
CREATE FUNCTION sds__may_send_sql() RETURNS TINYINT
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the caller holds SUPER or CREATE USER globally, or is in sds_sql_sender'
BEGIN
  DECLARE v_cu VARCHAR(400) DEFAULT CURRENT_USER();
  DECLARE v_host VARCHAR(255) DEFAULT SUBSTRING_INDEX(v_cu, '@', -1);
  DECLARE v_user VARCHAR(128) DEFAULT LEFT(v_cu, CHAR_LENGTH(v_cu) - CHAR_LENGTH(v_host) - 1);
  RETURN EXISTS (SELECT 1 FROM information_schema.user_privileges p
                 WHERE p.grantee = CONCAT('''', v_user, '''@''', v_host, '''')
                   AND p.privilege_type IN ('SUPER', 'CREATE USER'))
      OR EXISTS (SELECT 1 FROM sds_sql_sender s WHERE s.user_name = v_user AND s.host = v_host);
END//

DROP PROCEDURE IF EXISTS sds_send_sql//
CREATE PROCEDURE sds_send_sql(IN p_target VARCHAR(255), IN p_sql LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: run an SQL statement on branch nodes through SymmetricDS (symadmin send-sql)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch, v_channel VARCHAR(128);
  DECLARE v_hist INT;
  DECLARE v_table VARCHAR(255);
  DECLARE v_list TEXT;
  DECLARE v_bs CHAR(1) DEFAULT CHAR(92);
  DECLARE v_data_id BIGINT;
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  IF NOT sds__may_send_sql() THEN
    SET msg = CONCAT('sds_send_sql: ', QUOTE(CURRENT_USER()),
                     ' may not send SQL to nodes: it needs SUPER or CREATE USER, or a row in sds_sql_sender');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__check_master('sds_send_sql', v_me, v_master, v_branch);
  IF p_sql IS NULL OR TRIM(REPLACE(REPLACE(REPLACE(p_sql, CHAR(10), ''), CHAR(13), ''), CHAR(9), '')) = '' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sds_send_sql: the SQL text is empty';
  END IF;
  IF p_target IS NULL OR p_target NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' THEN
    SET msg = CONCAT('sds_send_sql: target ', IFNULL(QUOTE(LEFT(p_target, 60)), 'NULL'),
                     ' must be a node id or a node group id (1-50 characters of [A-Za-z0-9_.-])');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- a node id first, then the branch group (its registered nodes)
  IF EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target) THEN
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target AND node_group_id = v_branch) THEN
      SET msg = CONCAT('sds_send_sql: target node ', QUOTE(p_target), ' is not in the branch group ',
                       QUOTE(v_branch), ' (SymmetricDS never routes to the node itself, §3)');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target AND sync_enabled = 1) THEN
      -- §3: data for a node that is not enabled at routing time is dropped
      SET msg = CONCAT('sds_send_sql: target node ', QUOTE(p_target),
                       ' has not registered yet (sync_enabled=0); SymmetricDS would drop the statement');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_list = p_target;
  ELSEIF p_target = v_branch THEN
    SET v_list = (SELECT GROUP_CONCAT(node_id ORDER BY node_id SEPARATOR ',') FROM sym_node
                  WHERE node_group_id = v_branch AND sync_enabled = 1);
    IF v_list IS NULL THEN
      SET msg = CONCAT('sds_send_sql: group ', QUOTE(p_target), ' has no registered node');
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
  ELSE
    SET msg = CONCAT('sds_send_sql: unknown target ', QUOTE(p_target),
                     ': neither a node nor the branch group ', QUOTE(v_branch));
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF CHAR_LENGTH(v_list) > 255 THEN
    SET msg = CONCAT('sds_send_sql: the node list of ', QUOTE(p_target), ' is ', CHAR_LENGTH(v_list),
                     ' characters; sym_data.node_list holds 255: send to fewer nodes at a time');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- The event rides tabSingles' capture trigger: it is on every Frappe
  -- site, on the frappe channel (so the statement is applied in order with
  -- the data changes before it, §7), and has exactly one trigger router,
  -- master -> branch, so each node gets it once (§3). send-sql needs the
  -- table's active trigger_hist (§5).
  SELECT h.trigger_hist_id, h.source_table_name, t.channel_id INTO v_hist, v_table, v_channel
    FROM sym_trigger_hist h JOIN sym_trigger t ON t.trigger_id = h.trigger_id
    WHERE h.source_table_name = 'tabSingles' AND h.inactive_time IS NULL
      AND t.last_update_by = 'frappe_sds'
    ORDER BY h.trigger_hist_id DESC LIMIT 1;
  IF v_hist IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'sds_send_sql: no active sym_trigger_hist for tabSingles to ride on; wait until SymmetricDS has built its triggers';
  END IF;
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  -- §5 send-sql: event_type 'S', node_list = the targets, source_node_id
  -- NULL; row_data = the SQL as one CSV field: double-quoted, with \ and "
  -- backslash-escaped (§2)
  INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                        transaction_id, source_node_id, external_data, node_list, create_time)
    VALUES (v_table, 'S',
            CONCAT('"', REPLACE(REPLACE(p_sql, v_bs, CONCAT(v_bs, v_bs)), '"', CONCAT(v_bs, '"')), '"'),
            v_hist, v_channel, NULL, NULL, NULL, v_list, NOW());
  SET v_data_id = LAST_INSERT_ID();
  INSERT INTO sds_sql_log (sent_at, sender, target, node_list, sql_text, data_id)
    VALUES (NOW(), CURRENT_USER(), p_target, v_list, p_sql, v_data_id);
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  SELECT v_data_id AS data_id, v_list AS node_list, v_channel AS channel_id;
END//

-- ---------------------------------------------------------------------------
-- Naming series two nodes could hand out twice
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds__series_like//
CREATE FUNCTION sds__series_like(p_series VARCHAR(255)) RETURNS VARCHAR(600) CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a LIKE pattern (ESCAPE !) for the tabSeries keys a naming series template makes'
BEGIN
  -- Frappe's classic series are parts separated by dots, the counter is
  -- the #s; a part that is a date code or names a field of the document is
  -- replaced by its value ({field} too), others are kept as they are.
  -- format:... series put the variable parts in {} and the counter in
  -- {###}. Every variable part becomes %.
  DECLARE v VARCHAR(255) DEFAULT IFNULL(p_series, '');
  DECLARE v_out VARCHAR(600) DEFAULT '';
  DECLARE v_part VARCHAR(255);
  IF INSTR(v, '{#') > 0 THEN
    SET v = LEFT(v, INSTR(v, '{#') - 1);
    WHILE v <> '' DO
      IF LEFT(v, 1) = '{' AND INSTR(v, '}') > 0 THEN
        SET v_out = CONCAT(v_out, '%'), v = SUBSTRING(v, INSTR(v, '}') + 1);
      ELSE
        SET v_out = CONCAT(v_out, IF(LEFT(v, 1) IN ('%', '_', '!'), '!', ''), LEFT(v, 1)),
            v = SUBSTRING(v, 2);
      END IF;
    END WHILE;
    -- a pattern without a literal letter or digit would match every counter
    RETURN IF(REPLACE(v_out, '!', '') REGEXP '[A-Za-z0-9]', v_out, NULL);
  END IF;
  IF INSTR(v, '#') > 0 THEN
    SET v = LEFT(v, INSTR(v, '#') - 1);
  END IF;
  WHILE v <> '' DO
    SET v_part = SUBSTRING_INDEX(v, '.', 1);
    SET v = IF(INSTR(v, '.') > 0, SUBSTRING(v, INSTR(v, '.') + 1), '');
    IF v_part IN ('YY', 'YYYY', 'MM', 'DD', 'WW', 'FY', 'timestamp')
       OR (LEFT(v_part, 1) = '{' AND RIGHT(v_part, 1) = '}')
       OR v_part REGEXP BINARY '^[a-z_][a-z0-9_]*\\z' THEN
      SET v_out = CONCAT(v_out, '%');
    ELSE
      SET v_out = CONCAT(v_out, REPLACE(REPLACE(REPLACE(v_part, '!', '!!'), '%', '!%'), '_', '!_'));
    END IF;
  END WHILE;
  RETURN IF(REPLACE(v_out, '!', '') REGEXP '[A-Za-z0-9]', v_out, NULL);
END//

-- Series templates of DocTypes (a counter-based autoname, or each option
-- line of the naming_series Select field, from DocField or Custom Field,
-- as overridden by a Property Setter) and the naming-series risk report.
-- Built with dynamic SQL: Custom Field, Property Setter and Series are
-- optional tables on a bare site.
BEGIN NOT ATOMIC
  DECLARE db VARCHAR(64) DEFAULT DATABASE();
  DECLARE has_cf, has_ps, has_series, has_autoname INT;
  SELECT COUNT(*) INTO has_autoname FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'autoname';
  SELECT COUNT(*) INTO has_cf FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabCustom Field';
  SELECT COUNT(*) INTO has_ps FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabProperty Setter';
  SELECT COUNT(*) INTO has_series FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabSeries';
  SET @sds_sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds__naming_template AS ',
    IF(has_autoname, CONCAT(
      'SELECT CONVERT(d.name USING utf8mb4) COLLATE utf8mb4_unicode_ci AS doctype, ',
      'IFNULL(p.scope, ''excluded'') AS scope, ',
      'CONVERT(TRIM(IF(d.autoname LIKE ''format:%'', SUBSTRING(d.autoname, 8), d.autoname)) USING utf8mb4) ',
      'COLLATE utf8mb4_unicode_ci AS series, ''autoname'' AS source ',
      'FROM `tabDocType` d LEFT JOIN sds_plan p ON p.doctype = d.name ',
      'WHERE d.autoname LIKE ''%#%'' AND d.autoname NOT LIKE ''field:%'' UNION '), ''),
    'SELECT CONVERT(o.doctype USING utf8mb4) COLLATE utf8mb4_unicode_ci AS doctype, ',
    'IFNULL(p.scope, ''excluded'') AS scope, ',
    'CONVERT(TRIM(jt.series) USING utf8mb4) COLLATE utf8mb4_unicode_ci AS series, ''naming_series'' AS source ',
    'FROM (SELECT f.parent AS doctype, ',
    IF(has_ps, 'IFNULL((SELECT ps.value FROM `tabProperty Setter` ps WHERE ps.doc_type = f.parent AND ps.field_name = ''naming_series'' AND ps.property = ''options'' LIMIT 1), f.options)',
       'f.options'),
    ' AS options FROM (SELECT df.parent, df.options FROM `tabDocField` df ',
    'WHERE df.fieldname = ''naming_series'' AND df.fieldtype = ''Select'' ',
    IF(has_cf, 'UNION ALL SELECT cf.dt, cf.options FROM `tabCustom Field` cf WHERE cf.fieldname = ''naming_series'' AND cf.fieldtype = ''Select'' ', ''),
    ') f) o LEFT JOIN sds_plan p ON p.doctype = o.doctype ',
    -- one row per option line: the options as a JSON array of strings
    'CROSS JOIN JSON_TABLE(CONCAT(''['', REPLACE(JSON_QUOTE(REPLACE(IFNULL(o.options, ''''), CHAR(13), '''')), ',
    'CONCAT(CHAR(92), ''n''), ''","''), '']''), ''$[*]'' COLUMNS (series VARCHAR(255) PATH ''$'')) jt ',
    'WHERE TRIM(jt.series) <> ''''');
  PREPARE s FROM @sds_sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;

  SET @sds_sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_naming_series_risk AS ',
    'SELECT t.series, GROUP_CONCAT(DISTINCT t.doctype ORDER BY t.doctype SEPARATOR '', '') AS doctypes, ',
    'GROUP_CONCAT(DISTINCT t.scope ORDER BY t.scope SEPARATOR '', '') AS scope, ',
    IF(has_series,
       '(SELECT GROUP_CONCAT(CONCAT(s.name, ''='', s.current) ORDER BY s.name SEPARATOR '', '') FROM `tabSeries` s WHERE s.name LIKE sds__series_like(t.series) ESCAPE ''!'')',
       'NULL'),
    ' AS counters, CAST(''no company part (.abbr. or .company.): nodes count this series each on their own ',
    '(tabSeries is per node) and hand out the same names'' AS CHAR(200)) AS reason ',
    'FROM sds__naming_template t WHERE t.scope IN (''company'', ''child'', ''global'') ',
    'AND LOWER(t.series) NOT REGEXP ''(^|[.{])(abbr|company)([.}]|$)'' GROUP BY t.series',
    IF(has_series,
       CONCAT(' UNION ALL SELECT CONVERT(s.name USING utf8mb4) COLLATE utf8mb4_unicode_ci, NULL, NULL, ',
              'CONCAT(s.name, ''='', s.current), ',
              '''a tabSeries counter that matches no series of any DocType (renamed, or made by code): check it by hand'' ',
              'FROM `tabSeries` s WHERE NOT EXISTS (SELECT 1 FROM sds__naming_template t ',
              'WHERE s.name LIKE sds__series_like(t.series) ESCAPE ''!'')'),
       ''));
  PREPARE s FROM @sds_sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds_sql = NULL;
END//

-- ---------------------------------------------------------------------------
-- File sync (§8)
-- ---------------------------------------------------------------------------
-- Rows of file sync carry last_update_by = 'frappe_sds_files': sds_setup
-- deletes the sym_router and sym_channel rows tagged 'frappe_sds' that its
-- own configuration does not want.
DROP PROCEDURE IF EXISTS sds__file_route_views//
CREATE PROCEDURE sds__file_route_views()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: (re)create sds_file_route_public/_private/sds_file_route from the File trigger''s company logic'
BEGIN
  DECLARE v_key MEDIUMTEXT;
  DECLARE qdb VARCHAR(140) DEFAULT sds_ident(DATABASE());
  -- The company of a file is what the capture trigger of tabFile computes
  -- (external_select: the company key of the attached document, '~all' for
  -- unattached files and shared documents, '~none' when unknown), with the
  -- row's columns in place of the trigger's NEW/OLD (§2 template variables).
  SET v_key = (SELECT t.external_select FROM sym_trigger t
               WHERE t.source_table_name = 'tabFile' AND t.last_update_by = 'frappe_sds'
                 AND t.external_select IS NOT NULL LIMIT 1);
  SET v_key = IF(v_key IS NULL, '''~all''',
                 CONCAT('(', REPLACE(v_key, '$(curTriggerValue).$(curColumnPrefix)', 'f.'), ')'));
  SET @sds__sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY DEFINER VIEW sds_file_route AS ',
    'SELECT x.is_private, x.file_name, r.node_external_id, x.file_url, x.company_key ',
    'FROM (SELECT IF(f.file_url LIKE ''/private/files/%'', 1, 0) AS is_private, ',
    'CONVERT(SUBSTRING_INDEX(f.file_url, ''/'', -1) USING utf8mb4) COLLATE utf8mb4_unicode_ci AS file_name, ',
    'f.file_url, CONVERT(', v_key, ' USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key ',
    'FROM ', qdb, '.`tabFile` f WHERE IFNULL(f.is_folder, 0) = 0 ',
    'AND (f.file_url LIKE ''/files/%'' OR f.file_url LIKE ''/private/files/%'')) x ',
    'JOIN ', qdb, '.sds_company_route r ON r.company_key = x.company_key');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  -- what the lookuptable routers read: file name -> node (§3, §8)
  SET @sds__sql = CONCAT('CREATE OR REPLACE SQL SECURITY DEFINER VIEW sds_file_route_public AS ',
    'SELECT DISTINCT file_name, node_external_id FROM ', qdb, '.sds_file_route WHERE is_private = 0');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = CONCAT('CREATE OR REPLACE SQL SECURITY DEFINER VIEW sds_file_route_private AS ',
    'SELECT DISTINCT file_name, node_external_id FROM ', qdb, '.sds_file_route WHERE is_private = 1');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = NULL;
END//

DROP PROCEDURE IF EXISTS sds_setup_file_sync//
CREATE PROCEDURE sds_setup_file_sync(IN p_site_path VARCHAR(1000))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: SymmetricDS file sync of the site''s public and private files, company by company'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_path VARCHAR(1000);
  DECLARE v_me, v_group, v_master, v_branch VARCHAR(50);
  DECLARE v_now DATETIME DEFAULT NOW();
  DECLARE v_param_by VARCHAR(50);
  DECLARE v_param MEDIUMTEXT;
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  SELECT master_group, branch_group INTO v_master, v_branch FROM sds_setup_state WHERE id = 1;
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'sds_setup_file_sync: no configuration yet; run sds_setup(master_group, branch_group) first';
  END IF;
  SET v_me = sds_node_id(), v_group = sds_node_group();
  IF v_me IS NOT NULL AND NOT (v_group <=> v_master) THEN
    SET msg = CONCAT('sds_setup_file_sync: this node ', QUOTE(v_me), ' is not in the master group ',
                     QUOTE(v_master), '; configure file sync on the master');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  -- the path: absolute, one line, no backslash; we cannot look at the
  -- file system from SQL, so only its syntax is checked
  SET v_path = TRIM(TRAILING '/' FROM p_site_path);
  IF p_site_path IS NULL OR p_site_path NOT LIKE '/%' OR v_path = ''
     OR p_site_path REGEXP '[[:cntrl:]]' OR INSTR(p_site_path, CHAR(92)) > 0
     OR INSTR(p_site_path, '$(') > 0
     OR CONCAT(v_path, '/') LIKE '%/../%' OR CONCAT(v_path, '/') LIKE '%/./%'
     OR CHAR_LENGTH(v_path) > 255 - CHAR_LENGTH('/private/files') THEN
    SET msg = CONCAT('sds_setup_file_sync: site path ', IFNULL(QUOTE(LEFT(p_site_path, 200)), 'NULL'),
                     ' must be an absolute path (e.g. /home/frappe/frappe-bench/sites/site1.local) ',
                     'of at most 241 characters, without control characters, backslashes, $( or . / .. parts');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = DATABASE() AND table_name = 'tabFile') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'sds_setup_file_sync: this site has no tabFile';
  END IF;
  SELECT param_value, last_update_by INTO v_param, v_param_by FROM sym_parameter
    WHERE external_id = 'ALL' AND node_group_id = 'ALL' AND param_key = 'file.sync.enable';
  IF v_param IS NOT NULL AND TRIM(v_param) <> 'true' AND NOT (v_param_by <=> 'frappe_sds_files') THEN
    SET msg = CONCAT('sds_setup_file_sync: sym_parameter file.sync.enable is ', QUOTE(LEFT(v_param, 40)),
                     ', set by ', IFNULL(QUOTE(v_param_by), 'someone else'),
                     '; delete that row or set it to true first');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;

  IF EXISTS (SELECT 1 FROM sym_router WHERE router_id IN ('sds_files_m2b_pub', 'sds_files_m2b_prv',
               'sds_files_b2m') AND NOT (last_update_by <=> 'frappe_sds_files'))
     OR EXISTS (SELECT 1 FROM sym_file_trigger WHERE trigger_id IN ('sds_files_public',
               'sds_files_private') AND NOT (last_update_by <=> 'frappe_sds_files')) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
      'sds_setup_file_sync: a sym_router sds_files_* or sym_file_trigger sds_files_* row exists that frappe_sds did not write; rename or delete it first';
  END IF;

  -- views first (DDL commits): the routers read them
  CALL sds__file_route_views();

  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  -- §7: the file sync channels, with the flags SymmetricDS gives them when
  -- file.sync.enable=true (it creates them itself if missing; it re-asserts
  -- file_sync_flag); rows that exist are left alone
  INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, max_batch_to_send,
      batch_algorithm, reload_flag, file_sync_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT 'filesync', 3, 100, 10, 'nontransactional', 0, 1, 'frappe_sds: file sync',
           v_now, 'frappe_sds_files', v_now FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_channel WHERE channel_id = 'filesync');
  INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, max_batch_to_send,
      batch_algorithm, reload_flag, file_sync_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT 'filesync_reload', 1, 100, 10, 'nontransactional', 1, 1, 'frappe_sds: file sync loads',
           v_now, 'frappe_sds_files', v_now FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_channel WHERE channel_id = 'filesync_reload');
  -- §8: file sync is off unless file.sync.enable=true
  INSERT INTO sym_parameter (external_id, node_group_id, param_key, param_value, create_time,
                             last_update_by, last_update_time)
    VALUES ('ALL', 'ALL', 'file.sync.enable', 'true', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(param_value <=> 'true', last_update_time, VALUES(last_update_time)),
      param_value = 'true';
  -- §8: snapshot rows are routed by the router of their file trigger
  -- router; a lookuptable router keyed on the snapshot's FILE_NAME sends a
  -- file to the nodes of its company, '~all' = every node (§3)
  INSERT INTO sym_router (router_id, source_node_group_id, target_node_group_id, router_type,
      router_expression, description, create_time, last_update_by, last_update_time)
    VALUES
    ('sds_files_m2b_pub', v_master, v_branch, 'lookuptable',
     'LOOKUP_TABLE=sds_file_route_public KEY_COLUMN=FILE_NAME LOOKUP_KEY_COLUMN=file_name EXTERNAL_ID_COLUMN=node_external_id ALL_NODES_VALUE=~all',
     'frappe_sds: public files to the branches of their company', v_now, 'frappe_sds_files', v_now),
    ('sds_files_m2b_prv', v_master, v_branch, 'lookuptable',
     'LOOKUP_TABLE=sds_file_route_private KEY_COLUMN=FILE_NAME LOOKUP_KEY_COLUMN=file_name EXTERNAL_ID_COLUMN=node_external_id ALL_NODES_VALUE=~all',
     'frappe_sds: private files to the branches of their company', v_now, 'frappe_sds_files', v_now),
    ('sds_files_b2m', v_branch, v_master, 'default', NULL,
     'frappe_sds: files made at a branch to the master', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(source_node_group_id <=> VALUES(source_node_group_id)
                            AND target_node_group_id <=> VALUES(target_node_group_id)
                            AND router_type <=> VALUES(router_type)
                            AND router_expression <=> VALUES(router_expression),
                            last_update_time, VALUES(last_update_time)),
      source_node_group_id = VALUES(source_node_group_id),
      target_node_group_id = VALUES(target_node_group_id),
      router_type = VALUES(router_type), router_expression = VALUES(router_expression),
      description = VALUES(description);
  INSERT INTO sym_file_trigger (trigger_id, channel_id, reload_channel_id, base_dir, recurse,
      sync_on_create, sync_on_modified, sync_on_delete, description, create_time,
      last_update_by, last_update_time)
    VALUES
    ('sds_files_public', 'filesync', 'filesync_reload', CONCAT(v_path, '/public/files'), 1, 1, 1, 1,
     'frappe_sds: the site''s public files', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'filesync', 'filesync_reload', CONCAT(v_path, '/private/files'), 1, 1, 1, 1,
     'frappe_sds: the site''s private files', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(base_dir <=> VALUES(base_dir), last_update_time, VALUES(last_update_time)),
      base_dir = VALUES(base_dir);
  -- initial_load_enabled=0 towards branches: §8 does not say that a file
  -- load goes through the lookuptable router, so frappe_sds does not risk
  -- sending every company's files to a new branch (see the README)
  INSERT INTO sym_file_trigger_router (trigger_id, router_id, enabled, initial_load_enabled,
      conflict_strategy, description, create_time, last_update_by, last_update_time)
    VALUES
    ('sds_files_public', 'sds_files_m2b_pub', 1, 0, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'sds_files_m2b_prv', 1, 0, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_public', 'sds_files_b2m', 1, 1, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'sds_files_b2m', 1, 1, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE trigger_id = trigger_id;
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
  SELECT t.trigger_id, t.base_dir, r.router_id, o.router_type, r.initial_load_enabled
    FROM sym_file_trigger t JOIN sym_file_trigger_router r ON r.trigger_id = t.trigger_id
    JOIN sym_router o ON o.router_id = r.router_id
    WHERE t.last_update_by = 'frappe_sds_files' ORDER BY t.trigger_id, r.router_id;
END//

DROP PROCEDURE IF EXISTS sds_remove_file_sync//
CREATE PROCEDURE sds_remove_file_sync()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: delete the file sync rows sds_setup_file_sync wrote'
BEGIN
  DECLARE v_node_disabled, v_triggers_disabled VARCHAR(255);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
    RESIGNAL;
  END;
  SET v_node_disabled = @sync_node_disabled, v_triggers_disabled = @sync_triggers_disabled;
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  START TRANSACTION;
  DELETE FROM sym_file_trigger_router WHERE last_update_by = 'frappe_sds_files';
  DELETE t FROM sym_file_trigger t WHERE t.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger_router r WHERE r.trigger_id = t.trigger_id);
  DELETE o FROM sym_router o WHERE o.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger_router r WHERE r.router_id = o.router_id)
    AND NOT EXISTS (SELECT 1 FROM sym_trigger_router r WHERE r.router_id = o.router_id);
  DELETE c FROM sym_channel c WHERE c.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger t
                    WHERE t.channel_id = c.channel_id OR t.reload_channel_id = c.channel_id);
  UPDATE sym_parameter SET param_value = 'false', last_update_time = NOW()
    WHERE external_id = 'ALL' AND node_group_id = 'ALL' AND param_key = 'file.sync.enable'
      AND last_update_by = 'frappe_sds_files'
      AND NOT EXISTS (SELECT 1 FROM sym_file_trigger);
  COMMIT;
  SET @sync_node_disabled = v_node_disabled, @sync_triggers_disabled = v_triggers_disabled;
END//
DELIMITER ;

-- ===========================================================================
-- END OF OPERATIONS
-- ===========================================================================
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
