-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The replication plan: override rules (sds_doctype_rule), the plan table
-- (sds_plan), the metadata view the core classifies (sds__meta_input), the
-- helpers that read the core's JSON, and sds_refresh_plan().

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
  plan_key VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin AS
    (IF(doctype IS NULL, CONCAT('table:', table_name), CONCAT('doctype:', doctype))) PERSISTENT
    COMMENT 'natural key: a DocType, or a table without DocType',
  UNIQUE KEY plan_key (plan_key),
  KEY doctype (doctype),
  KEY table_name (table_name),
  KEY scope (scope)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: how each DocType and table replicates (CALL sds_refresh_plan())';
-- (0.1.0 sites: the natural key; sds__plan_store upserts on it)
ALTER TABLE sds_plan
  ADD COLUMN IF NOT EXISTS plan_key VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin AS
    (IF(doctype IS NULL, CONCAT('table:', table_name), CONCAT('doctype:', doctype))) PERSISTENT
    COMMENT 'natural key: a DocType, or a table without DocType',
  ADD UNIQUE KEY IF NOT EXISTS plan_key (plan_key);

-- ---------------------------------------------------------------------------
-- Views whose text depends on this site's version of Frappe: built with
-- dynamic SQL from information_schema (is_virtual exists from Frappe 13.x).
-- ---------------------------------------------------------------------------
DELIMITER //
BEGIN NOT ATOMIC
  -- the site's tables (the site database: @sds__site, 00_install.sql);
  -- frappe_sds's own (sds_doctype_rule) are in this database
  DECLARE db VARCHAR(64) DEFAULT @sds__site;
  DECLARE qdb VARCHAR(140) DEFAULT sds_ident(@sds__site);
  DECLARE has_virtual, has_custom, has_cf, has_ps INT;
  SELECT COUNT(*) INTO has_virtual FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'is_virtual';
  SELECT COUNT(*) INTO has_custom FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'custom';
  SELECT COUNT(*) INTO has_cf FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabCustom Field';
  SELECT COUNT(*) INTO has_ps FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabProperty Setter';

  -- The metadata the core classifies, one row per fact, in the argument
  -- order of sds__plan_agg / sds__config_agg (kind, a1 .. a7). SQL SECURITY
  -- INVOKER: the caller's own privileges decide what can be read.
  -- Every column is cast to one character set and collation: the
  -- sources mix utf8mb4 site tables, utf8mb3 information_schema and the
  -- session's literals, which a UNION may not mix.
  SET @sds__stmt = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds__meta_input AS ',
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
    '#(NULL)#, #(NULL)#, #(NULL)# FROM ', sds_ident(DATABASE()), '.sds_doctype_rule r');
  -- #(x)# -> CAST(x AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin
  SET @sds__stmt = REPLACE(REPLACE(@sds__stmt, '#(', 'CAST('),
                         ')#', ' AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin');
  PREPARE s FROM @sds__stmt;
  EXECUTE s;
  DEALLOCATE PREPARE s;
END//

-- ---------------------------------------------------------------------------
-- Internal helpers (names start with sds__; not part of the API)
-- ---------------------------------------------------------------------------
-- The library the server runs must be the one this SQL API was installed
-- with. Checked before a core UDF is called (a library of another release
-- may not have the UDF names this release calls) and again on its result.
DROP PROCEDURE IF EXISTS sds__check_library//
CREATE PROCEDURE sds__check_library()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SIGNAL when the server runs a library of another version'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE lib_v VARCHAR(32) DEFAULT sds_version();
  DECLARE sql_v VARCHAR(32) DEFAULT sds__sql_version();
  -- the library the server runs must be the one this SQL API was installed
  -- with: an older one (the file replaced or the package downgraded, the
  -- server not restarted) or a newer one (install.sql not run yet after an
  -- upgrade) may read or write the configuration differently
  IF lib_v <> sql_v THEN
    SET msg = CONCAT('frappe_sds: the server runs the frappe_sds library ', lib_v,
      ' but this site''s SQL API is ', sql_v, '; ',
      IF(sds__version_num(lib_v) < sds__version_num(sql_v),
         CONCAT('install the library of ', sql_v, ' (package frappe-sds ', sql_v,
                ') and restart the server'),
         CONCAT('upgrade this site: run the install.sql of ', lib_v,
                ' (/usr/share/frappe-sds/install.sql) on it')),
      ' (nothing was written)');
    SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__raise_json_error//
CREATE PROCEDURE sds__raise_json_error(IN j LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SIGNAL the error a core UDF returned, or a library of another version or format'
BEGIN
  DECLARE msg VARCHAR(512);
  CALL sds__check_library();
  IF j IS NULL THEN
    SIGNAL SQLSTATE 'XX000' SET MESSAGE_TEXT =
      'frappe_sds: the core returned nothing (out of memory?)';
  END IF;
  -- (by prefix: a successful result is large, no need to parse it here)
  IF LEFT(j, 9) = '{"error":' THEN
    SET msg = LEFT(JSON_VALUE(j, '$.error'), 512);
    -- the core's messages carry no class: their fixed leading text says it
    -- (docs/errors.md); anything else is input the core could not read
    IF LOCATE('sds_setup: company-owned tables need tabCompany', msg) = 1 THEN
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    ELSEIF LOCATE('sds_setup: ', msg) = 1 OR LOCATE('sds_doctype_rule: ', msg) = 1 THEN
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    ELSEIF LOCATE('frappe_sds: the loaded frappe_sds library is newer', msg) = 1 THEN
      SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT = msg;
    ELSEIF LOCATE('out of memory', msg) > 0 OR LOCATE(' MiB of memory', msg) > 0 THEN
      SIGNAL SQLSTATE '54000' SET MESSAGE_TEXT = msg;
    ELSE
      SIGNAL SQLSTATE 'XX000' SET MESSAGE_TEXT = msg;
    END IF;
  END IF;
  -- every result of this library carries the plan; an older library still
  -- loaded by the server (replaced on disk, not yet restarted) does not, and
  -- reading its output with these procedures would delete the configuration
  IF LOCATE('"plan":[', j) = 0 THEN
    SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT =
      'frappe_sds: the loaded frappe_sds library does not match this install.sql; restart the server after upgrading the library, then run install.sql again';
  END IF;
END//

-- The core's JSON (config and plan: 7 MB for the bundled ERPNext site) is
-- kept in the session variable @sds__j from the UDF call until the plan is
-- stored, and the procedures read it there: a procedure variable or
-- parameter of that size is copied by every statement that names it
-- (22-78 ms each, bench/RESULTS.md "Why sds_setup got slower"). Whoever
-- sets it sets it back to NULL when done, and in its exit handler.
-- sds__json_check(): sds__raise_json_error's checks on @sds__j, the large
-- value passed only when it is not a success.
DROP PROCEDURE IF EXISTS sds__json_check//
CREATE PROCEDURE sds__json_check()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SIGNAL the error in @sds__j (the core''s JSON), if any'
BEGIN
  IF @sds__j IS NULL OR LEFT(@sds__j, 9) = '{"error":' OR LOCATE('"plan":[', @sds__j) = 0 THEN
    CALL sds__raise_json_error(@sds__j);
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__plan_store//
CREATE PROCEDURE sds__plan_store()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: make sds_plan the plan rows of @sds__j (sds__plan_agg or sds__config_agg), by natural key'
BEGIN
  -- By natural key (plan_key), touching only what changed: rows of
  -- DocTypes and tables that are gone are deleted, changed rows updated, new
  -- ones inserted (in key order). Never delete-all and re-insert: on a
  -- replica or Galera node, ROW events of a wholesale rewrite name rows by
  -- their auto-increment ids, and a full pass would rewrite ~1,150 rows.
  -- No temporary table: the JSON is read where it is used, so that every
  -- statement is complete in itself under STATEMENT binlogging too.
  DECLARE now_ DATETIME DEFAULT NOW();
  -- (the keys in a DISTINCT derived table: materialised once, with a key;
  -- a NOT IN over JSON_TABLE would parse the JSON again for every row)
  DELETE p FROM sds_plan p
    LEFT JOIN (SELECT DISTINCT CONVERT(IF(jt.doctype IS NULL, CONCAT('table:', jt.table_name),
                                          CONCAT('doctype:', jt.doctype)) USING utf8mb4)
                                 COLLATE utf8mb4_bin AS plan_key
               FROM JSON_TABLE(@sds__j, '$.plan[*]' COLUMNS (
                      doctype VARCHAR(140) PATH '$.doctype',
                      table_name VARCHAR(64) PATH '$.table_name')) jt) k
      ON k.plan_key = p.plan_key
    WHERE k.plan_key IS NULL;
  UPDATE sds_plan p
    JOIN JSON_TABLE(@sds__j, '$.plan[*]' COLUMNS (
           doctype VARCHAR(140) PATH '$.doctype',
           table_name VARCHAR(64) PATH '$.table_name',
           scope VARCHAR(20) PATH '$.scope',
           company_source VARCHAR(300) PATH '$.company_source',
           parents TEXT PATH '$.parents',
           reason TEXT PATH '$.reason',
           module VARCHAR(140) PATH '$.module',
           istable INT PATH '$.istable',
           trigger_id VARCHAR(128) PATH '$.trigger_id')) jt
      ON p.plan_key = CONVERT(IF(jt.doctype IS NULL, CONCAT('table:', jt.table_name),
                                 CONCAT('doctype:', jt.doctype)) USING utf8mb4) COLLATE utf8mb4_bin
    SET p.doctype = jt.doctype, p.table_name = jt.table_name, p.scope = jt.scope,
        p.company_source = jt.company_source, p.parents = jt.parents, p.reason = jt.reason,
        p.module = jt.module, p.istable = jt.istable, p.trigger_id = jt.trigger_id,
        p.refreshed_at = now_
    WHERE NOT (BINARY p.doctype <=> BINARY jt.doctype AND BINARY p.table_name <=> BINARY jt.table_name
               AND BINARY p.scope <=> BINARY jt.scope
               AND BINARY p.company_source <=> BINARY jt.company_source
               AND BINARY p.parents <=> BINARY jt.parents AND BINARY p.reason <=> BINARY jt.reason
               AND BINARY p.module <=> BINARY jt.module AND p.istable <=> jt.istable
               AND BINARY p.trigger_id <=> BINARY jt.trigger_id);
  INSERT INTO sds_plan (doctype, table_name, scope, company_source, parents,
                        reason, module, istable, trigger_id, refreshed_at)
  SELECT jt.doctype, jt.table_name, jt.scope, jt.company_source, jt.parents,
         jt.reason, jt.module, jt.istable, jt.trigger_id, now_
  FROM JSON_TABLE(@sds__j, '$.plan[*]' COLUMNS (
         doctype VARCHAR(140) PATH '$.doctype',
         table_name VARCHAR(64) PATH '$.table_name',
         scope VARCHAR(20) PATH '$.scope',
         company_source VARCHAR(300) PATH '$.company_source',
         parents TEXT PATH '$.parents',
         reason TEXT PATH '$.reason',
         module VARCHAR(140) PATH '$.module',
         istable INT PATH '$.istable',
         trigger_id VARCHAR(128) PATH '$.trigger_id')) jt
  WHERE NOT EXISTS (SELECT 1 FROM sds_plan p WHERE p.plan_key =
          CONVERT(IF(jt.doctype IS NULL, CONCAT('table:', jt.table_name),
                     CONCAT('doctype:', jt.doctype)) USING utf8mb4) COLLATE utf8mb4_bin)
  ORDER BY CONVERT(IF(jt.doctype IS NULL, CONCAT('table:', jt.table_name),
                      CONCAT('doctype:', jt.doctype)) USING utf8mb4) COLLATE utf8mb4_bin;
END//

-- ---------------------------------------------------------------------------
-- sds_refresh_plan(): recompute sds_plan from the site's metadata.
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds_refresh_plan//
CREATE PROCEDURE sds_refresh_plan()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: recompute sds_plan from tabDocType, tabDocField, tabCustom Field, tabProperty Setter and sds_doctype_rule'
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    SET @sds__j = NULL;
    RESIGNAL;
  END;
  CALL sds__check_library();
  SELECT sds__plan_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO @sds__j FROM sds__meta_input;
  CALL sds__assert_writer('sds_refresh_plan');
  CALL sds__json_check();
  START TRANSACTION;
  CALL sds__plan_store();
  COMMIT;
  SET @sds__j = NULL;
END//

DELIMITER ;
