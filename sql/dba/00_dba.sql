-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- frappe_sds: the DBA's database, installed ONCE per server, by a DBA:
--
--     mariadb < dba.sql
--
-- The DBA's operations on a site (grants, the transaction function
-- SymmetricDS's capture triggers call, engine files, the worker's rights)
-- live here, in the database `frappe_sds`, which only DBAs can write; they
-- take the site database as their first argument:
--     CALL frappe_sds.sds_grant('<site db>', '<user>', '<host>');
-- A DBA never calls into a site database: whatever is there, the site's
-- user can create or replace (docs/trust-model.md). These routines resolve
-- nothing a site user can create or replace: they run in `frappe_sds`,
-- name every site object they touch fully qualified, and read site data
-- only through sds__read (a locked account with SELECT on the one table
-- read, for the length of the read). Idempotent: run it again after an
-- upgrade of the package.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
-- strict, and never create an account by a GRANT (as install.sql)
SET @sds__sql_mode = @@sql_mode,
    sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';
SET @sds__sql_notes = @@sql_notes, sql_notes = 0;

DELIMITER //
BEGIN NOT ATOMIC
  IF NOT EXISTS (SELECT 1 FROM information_schema.user_privileges
                 WHERE grantee = CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@',
                                        QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))
                   AND privilege_type = 'CREATE USER' AND is_grantable = 'YES') THEN
    SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT =
      'frappe_sds dba.sql: run it as a DBA (an account with CREATE USER and GRANT OPTION on *.*, e.g. root): it creates the frappe_sds database and three locked accounts';
  END IF;
END//
DELIMITER ;

CREATE DATABASE IF NOT EXISTS frappe_sds CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  COMMENT 'frappe_sds: the DBA''s operations; only DBAs may write here';
-- (every object below is named frappe_sds.<name>: the session's current
-- database stays what it was)

-- The definer of every site's sym_transaction_id_post_5_7_6 (20_grant.sql):
-- it reads information_schema.INNODB_TRX, which needs PROCESS. Locked: nobody
-- logs in as it; only the function's body, written by sds_grant, runs with
-- its rights, and no site user can create a routine with it as DEFINER
-- (that needs SET USER / SUPER).
CREATE USER IF NOT EXISTS 'frappe_sds_trx'@'localhost' ACCOUNT LOCK;
ALTER USER 'frappe_sds_trx'@'localhost' ACCOUNT LOCK;
GRANT PROCESS ON *.* TO 'frappe_sds_trx'@'localhost';
-- The definer of sds__read: what the DBA's routines read from a site
-- database is read as this account, holding SELECT on the one table being
-- read and nothing else, so site code a read reaches (a view with a
-- function) runs without any right to write or grant. Locked too.
CREATE USER IF NOT EXISTS 'frappe_sds_reader'@'localhost' ACCOUNT LOCK;
ALTER USER 'frappe_sds_reader'@'localhost' ACCOUNT LOCK;

-- The DEFINER of the SQL API a site in the runtime layout calls in its
-- runtime database sym_<site> (runtime.sql: every public routine and view
-- there runs as it). Locked too. Its rights are given per site by
-- sds_runtime_create (15_runtime.sql): on the runtime database what the API
-- needs to read and write it, on the site database SELECT and SHOW VIEW only
-- (never EXECUTE: a site view that calls a site function fails when the API
-- reads it, instead of running the site's code as this account).
CREATE USER IF NOT EXISTS 'frappe_sds_runtime'@'localhost' ACCOUNT LOCK;
ALTER USER 'frappe_sds_runtime'@'localhost' ACCOUNT LOCK;

-- The map of the runtime layout: a site database with a row here keeps
-- SymmetricDS's tables and frappe_sds's SQL API in its runtime database
-- (sds_runtime_create writes the row); a site without one keeps them in
-- itself (the classic layout). Only DBAs write it; the runtime API reads it
-- (sds__site_db: which site a runtime database serves). Database names are
-- case-sensitive on the server: compared in binary.
CREATE TABLE IF NOT EXISTS frappe_sds.sds_site (
  site_db VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  runtime_db VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL UNIQUE,
  created_at DATETIME NOT NULL
) ENGINE=InnoDB COMMENT 'frappe_sds: site database -> its runtime database (the runtime layout); DBAs only';
GRANT SELECT ON frappe_sds.sds_site TO 'frappe_sds_runtime'@'localhost';

CREATE TABLE IF NOT EXISTS frappe_sds.sds_dba_install (
  id TINYINT PRIMARY KEY,
  version VARCHAR(32) NOT NULL,
  installed_at DATETIME NOT NULL
) ENGINE=InnoDB COMMENT 'frappe_sds: the release of dba.sql installed here';
