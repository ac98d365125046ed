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
-- Upgrades in place: run on a site installed by an older release, it keeps
-- every row and records both versions in sds_install; it refuses to run
-- with a library of another version, or over a site of a newer release.
-- The README's "SQL reference" documents every object created here.

-- Routines keep the character set and collation of the session that
-- creates them: make that the one of Frappe's tables, whatever client runs
-- this script (4-byte company names, no collation mixes in the views).
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
-- Routines also keep the creating session's sql_mode: install them in the
-- server's strict default whatever the session had (without
-- NO_AUTO_CREATE_USER a GRANT creates a missing account, without a
-- password; without strict mode bad values are silently cut). The
-- session's own mode comes back at the end (99_end.sql).
SET @sds__sql_mode = @@sql_mode,
    sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';
-- "does not exist" notes of the DROP ... IF EXISTS below are expected
SET @sds__sql_notes = @@sql_notes, sql_notes = 0;
-- The version of this install.sql (the build writes it: CMakeLists.txt's
-- project version). sds_install's guard trigger reads it; 99_end.sql clears it.
SET @sds__sql_version = '@SDS_VERSION@', @sds__upgrade_from = NULL;
-- The layout this script installs (the build writes it): 'classic', the API
-- in the site database itself (install.sql), or 'runtime', the API in the
-- site's runtime database, beside SymmetricDS's tables, out of the site
-- user's reach (runtime.sql; docs/topology.md). @sds__site: the site
-- database the API serves (99_end.sql clears both).
SET @sds__layout = '@SDS_LAYOUT@', @sds__site = NULL;

-- ---------------------------------------------------------------------------
-- A DBA's script: it creates the server's frappe_sds UDFs (CREATE FUNCTION
-- ... SONAME writes mysql.func). Run by the site's own account it would stop
-- at the first UDF with "ERROR 1044 ... to database 'mysql'"; say what to do
-- instead, before anything else. PREPARE checks the statement's privileges
-- (the account's own and its enabled roles') and runs nothing.
-- ---------------------------------------------------------------------------
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE msg VARCHAR(512);
  DECLARE EXIT HANDLER FOR 1044, 1142
  BEGIN
    SET msg = CONCAT('frappe_sds install: install.sql must be run by a DBA: it creates the ',
      'frappe_sds UDFs (CREATE FUNCTION ... SONAME needs INSERT on the mysql database), ',
      'which ', QUOTE(CURRENT_USER()), ' may not do; nothing was changed. ',
      'Run it as a DBA: sudo mariadb <site_db> < install.sql');
    SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT = msg;
  END;
  PREPARE sds__dba_probe FROM 'INSERT INTO mysql.func (name) SELECT ''sds_probe'' FROM DUAL WHERE 0';
  DEALLOCATE PREPARE sds__dba_probe;
END//
DELIMITER ;

-- ---------------------------------------------------------------------------
-- Preconditions: clear errors instead of half installs
-- ---------------------------------------------------------------------------
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE msg VARCHAR(512);
  DECLARE v_site, v_runtime VARCHAR(64);
  IF DATABASE() IS NULL THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'frappe_sds install: no database selected; run: mariadb <site_db> < install.sql';
  END IF;
  -- the DBA's map of sites to runtime databases (frappe_sds.sds_site, which
  -- only DBAs write): which database this is
  IF EXISTS (SELECT 1 FROM information_schema.tables
             WHERE table_schema = 'frappe_sds' AND table_name = 'sds_site') THEN
    SET v_site = (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = DATABASE());
    SET v_runtime = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = DATABASE());
  END IF;
  IF @sds__layout = 'runtime' THEN
    IF v_site IS NULL THEN
      SET msg = CONCAT('frappe_sds install: runtime.sql runs in a site''s runtime database, and ',
        QUOTE(DATABASE()), ' is none (frappe_sds.sds_site); a DBA runs CALL ',
        'frappe_sds.sds_runtime_create(''<site db>'') first, then: mariadb sym_<site db> < runtime.sql');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    SET @sds__site = v_site;
  ELSE
    IF v_site IS NOT NULL OR v_runtime IS NOT NULL THEN
      SET msg = CONCAT('frappe_sds install: ', QUOTE(DATABASE()), ' is ',
        IF(v_site IS NOT NULL, CONCAT('the runtime database of site ', QUOTE(v_site)),
           CONCAT('a site whose frappe_sds lives in its runtime database ', QUOTE(v_runtime))),
        ' (frappe_sds.sds_site); nothing was changed: run runtime.sql in ',
        QUOTE(IFNULL(v_runtime, DATABASE())), ' instead');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    SET @sds__site = DATABASE();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = @sds__site AND table_name = 'tabDocType') THEN
    SET msg = CONCAT('frappe_sds install: database ', QUOTE(@sds__site),
                     ' is not a Frappe site database (it has no tabDocType)');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  -- the check of sds__require_sym_tables (20_setup.sql), inline: install.sql
  -- never calls a routine of the site database (the site's user could
  -- replace it between its CREATE and the DBA's CALL). One list of tables,
  -- filled in by packaging/assemble_sql.cmake.
  IF (SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = DATABASE()
        AND table_name IN (@SDS_SYM_TABLES@)) < @SDS_SYM_TABLES_N@ THEN
    SET msg = CONCAT('frappe_sds install: SymmetricDS tables are missing in ',
                     QUOTE(DATABASE()), '; run symadmin create-sym-tables first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.plugins
                 WHERE plugin_name = 'FRAPPE_SDS' AND plugin_status = 'ACTIVE') THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'frappe_sds install: the FRAPPE_SDS plugin is not installed; run INSTALL SONAME ''frappe_sds'' first';
  END IF;
END//
DELIMITER ;

-- Versions (x.y.z compared as numbers): the library the server runs must be
-- this install.sql's, and the site must not be of a newer release.
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE msg VARCHAR(512);
  DECLARE sql_v VARCHAR(32) DEFAULT @sds__sql_version;
  DECLARE lib_v, site_v VARCHAR(32);
  DECLARE v_not_base VARCHAR(64);
  DECLARE sql_n, lib_n, site_n BIGINT;
  SET sql_n = SUBSTRING_INDEX(sql_v, '.', 1) * 1000000
            + SUBSTRING_INDEX(SUBSTRING_INDEX(sql_v, '.', 2), '.', -1) * 1000
            + SUBSTRING_INDEX(SUBSTRING_INDEX(sql_v, '.', 3), '.', -1);
  SET lib_v = (SELECT plugin_auth_version FROM information_schema.plugins
               WHERE plugin_name = 'FRAPPE_SDS');
  SET lib_n = SUBSTRING_INDEX(lib_v, '.', 1) * 1000000
            + SUBSTRING_INDEX(SUBSTRING_INDEX(lib_v, '.', 2), '.', -1) * 1000
            + SUBSTRING_INDEX(SUBSTRING_INDEX(lib_v, '.', 3), '.', -1);
  IF lib_v <> sql_v THEN
    SET msg = CONCAT('frappe_sds install: this install.sql is version ', sql_v,
      ' but the server runs the frappe_sds library ', lib_v, '; ',
      IF(lib_n < sql_n,
         CONCAT('install the library of ', sql_v, ' (package frappe-sds ', sql_v,
                ') and restart the server, then run this install.sql again'),
         CONCAT('run the install.sql of ', lib_v,
                ' (/usr/share/frappe-sds/install.sql of package frappe-sds ', lib_v, ') instead')));
    SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT = msg;
  END IF;
  -- This script often runs as an administrator, in a database the site's
  -- own user controls: read nothing that user could have made a view (an
  -- INVOKER view runs its functions with the reader's rights).
  -- (frappe_sds's own views: the list is made by packaging/assemble_sql.cmake
  -- from the CREATE ... VIEW statements of sql/install/, so it cannot fall
  -- out of step with them)
  SET v_not_base = (SELECT MIN(table_name) FROM information_schema.tables
                WHERE table_schema = DATABASE() AND table_name LIKE 'sds\_%'
                  AND table_type <> 'BASE TABLE'
                  AND table_name NOT IN (@SDS_OWN_VIEWS@));
  IF v_not_base IS NOT NULL THEN
    SET msg = CONCAT('frappe_sds install: ', QUOTE(v_not_base),
      ' in ', QUOTE(DATABASE()), ' is not a base table (frappe_sds created it as one); ',
      'nothing was changed: drop it, or restore the table, then run install.sql again');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.tables
             WHERE table_schema = DATABASE() AND table_name = 'sds_install') THEN
    SET site_v = (SELECT version FROM sds_install WHERE id = 1);
    SET site_n = SUBSTRING_INDEX(site_v, '.', 1) * 1000000
               + SUBSTRING_INDEX(SUBSTRING_INDEX(site_v, '.', 2), '.', -1) * 1000
               + SUBSTRING_INDEX(SUBSTRING_INDEX(site_v, '.', 3), '.', -1);
    IF site_n > sql_n THEN
      SET msg = CONCAT('frappe_sds install: this site has frappe_sds ', site_v,
        ', newer than this install.sql (', sql_v, '); downgrading is not supported ',
        '(nothing was changed): run the install.sql of ', site_v, ' or newer');
      SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT = msg;
    END IF;
    -- for the upgrade steps (05_upgrade.sql): the release this site had
    IF site_v <> sql_v THEN
      SET @sds__upgrade_from = site_v;
    END IF;
  END IF;
END//
DELIMITER ;

-- ---------------------------------------------------------------------------
-- UDFs (global to the server; shared by every site that installs frappe_sds)
-- ---------------------------------------------------------------------------
CREATE AGGREGATE FUNCTION IF NOT EXISTS sds__plan_agg RETURNS STRING SONAME 'frappe_sds.so';
CREATE AGGREGATE FUNCTION IF NOT EXISTS sds__config_agg RETURNS STRING SONAME 'frappe_sds.so';
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


-- The site database this API serves: the database of the routine in the
-- classic layout; in the runtime layout the site the DBA registered for
-- this runtime database (frappe_sds.sds_site, which only DBAs write; a
-- routine's DATABASE() is its own database, whoever calls it).
DELIMITER //
CREATE OR REPLACE FUNCTION sds__site_db() RETURNS VARCHAR(64) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the site database this SQL API serves'
BEGIN
  IF '@SDS_LAYOUT@' = 'runtime' THEN
    RETURN (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = DATABASE());
  END IF;
  RETURN DATABASE();
END//
DELIMITER ;

-- The SQL API's own version, and x.y.z as a number (to compare versions).
-- sds__raise_json_error compares it with the library's, sds_version().
DELIMITER //
CREATE OR REPLACE FUNCTION sds__sql_version() RETURNS VARCHAR(32)
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the version of the install.sql that created this SQL API'
  RETURN '@SDS_VERSION@'//
CREATE OR REPLACE FUNCTION sds__version_num(v VARCHAR(32)) RETURNS BIGINT
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: x.y.z as x*1000000 + y*1000 + z'
  RETURN SUBSTRING_INDEX(v, '.', 1) * 1000000
       + SUBSTRING_INDEX(SUBSTRING_INDEX(v, '.', 2), '.', -1) * 1000
       + SUBSTRING_INDEX(SUBSTRING_INDEX(v, '.', 3), '.', -1)//

-- Downgrade guard: the version is recorded (99_end.sql) only by an
-- install.sql that says its version (@sds__sql_version) and is not older
-- than the site. 0.1.0's install.sql, which says none, stops at its first
-- write here, before it replaces anything.
-- The trigger runs as whoever ran install.sql (often an administrator), so
-- its body calls no stored routine and reads no table or view: a site user
-- can replace those, and they would then run with the administrator's
-- rights. Built-in functions only.
CREATE OR REPLACE TRIGGER sds_install_guard BEFORE UPDATE ON sds_install FOR EACH ROW
BEGIN
  DECLARE msg VARCHAR(512);
  IF @sds__sql_version IS NULL
     OR (SUBSTRING_INDEX(@sds__sql_version, '.', 1) * 1000000
         + SUBSTRING_INDEX(SUBSTRING_INDEX(@sds__sql_version, '.', 2), '.', -1) * 1000
         + SUBSTRING_INDEX(SUBSTRING_INDEX(@sds__sql_version, '.', 3), '.', -1))
      < (SUBSTRING_INDEX(OLD.version, '.', 1) * 1000000
         + SUBSTRING_INDEX(SUBSTRING_INDEX(OLD.version, '.', 2), '.', -1) * 1000
         + SUBSTRING_INDEX(SUBSTRING_INDEX(OLD.version, '.', 3), '.', -1)) THEN
    SET msg = CONCAT('frappe_sds install: this site has frappe_sds ', OLD.version,
      '; an install.sql of an older release (', IFNULL(@sds__sql_version, 'before 0.2.0'),
      ') cannot downgrade it (nothing was changed): run the install.sql of ',
      OLD.version, ' or newer');
    SIGNAL SQLSTATE '55V00' SET MESSAGE_TEXT = msg;
  END IF;
END//
DELIMITER ;
