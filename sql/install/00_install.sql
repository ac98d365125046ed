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
