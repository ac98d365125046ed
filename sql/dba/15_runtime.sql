-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The runtime layout (docs/topology.md): a site database S keeps Frappe's
-- tables and the capture triggers; its runtime database R = sym_<S> holds
-- SymmetricDS's sym_* tables and frappe_sds's SQL API for S, out of the
-- site user's reach. sds_runtime_create(site_db) makes R and registers it
-- in frappe_sds.sds_site; the other DBA routines ask sds__runtime which
-- layout a site is in.
DELIMITER //

-- sds__runtime(proc, db, rt): the runtime database of site db when db is
-- registered (R must exist: 55000 otherwise), NULL for a site in the classic
-- layout. A runtime database named as the site is refused: the DBA's
-- routines take the site database.
DROP PROCEDURE IF EXISTS frappe_sds.sds__runtime//
CREATE PROCEDURE frappe_sds.sds__runtime(IN p_proc VARCHAR(64), IN p_db VARCHAR(64), OUT p_rt VARCHAR(64))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the runtime database of a registered site, NULL for a classic site'
BEGIN
  DECLARE msg VARCHAR(700);
  DECLARE v_site VARCHAR(64);
  SET p_rt = NULL;
  SET v_site = (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = p_db);
  IF v_site IS NOT NULL THEN
    SET msg = CONCAT(p_proc, ': ', QUOTE(p_db), ' is the runtime database of the site ', QUOTE(v_site),
                     '; name the site database: ', QUOTE(v_site));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET p_rt = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = p_db);
  IF p_rt IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = p_rt) THEN
    SET msg = CONCAT(p_proc, ': the site ', QUOTE(p_db), ' is registered with the runtime database ',
                     QUOTE(p_rt), ', which does not exist; CALL frappe_sds.sds_runtime_create(',
                     QUOTE(p_db), ') creates it again (then SymmetricDS''s tables and runtime.sql in it)');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
END//

-- sds__runtime_grants(site, rt): the rights of frappe_sds_runtime, the
-- definer of R's public API, for one site: on R what the API does there
-- (read and write its tables, run its own routines); on S SELECT and SHOW
-- VIEW, nothing else (a site view that calls a site function fails when
-- read as it: it cannot EXECUTE there); SELECT on the map. Whatever else it
-- holds on S or R is revoked (names escaped: _ and % are wildcards in a
-- database-level GRANT).
DROP PROCEDURE IF EXISTS frappe_sds.sds__runtime_grants//
CREATE PROCEDURE frappe_sds.sds__runtime_grants(IN p_db VARCHAR(64), IN p_rt VARCHAR(64))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: frappe_sds_runtime''s rights on one site and its runtime database'
BEGIN
  DECLARE v_acc VARCHAR(40) DEFAULT '''frappe_sds_runtime''@''localhost''';
  CALL sds__exec(CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW, ',
                        'LOCK TABLES ON ', sds__grant_db(p_rt), '.* TO ', v_acc));
  CALL sds__exec(CONCAT('REVOKE CREATE, DROP, GRANT OPTION, REFERENCES, INDEX, ALTER, CREATE VIEW, ',
                        'CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY ON ',
                        sds__grant_db(p_rt), '.* FROM ', v_acc));
  CALL sds__exec(CONCAT('GRANT SELECT, SHOW VIEW ON ', sds__grant_db(p_db), '.* TO ', v_acc));
  CALL sds__exec(CONCAT('REVOKE INSERT, UPDATE, DELETE, CREATE, DROP, GRANT OPTION, REFERENCES, INDEX, ',
                        'ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, CREATE ROUTINE, ',
                        'ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY ON ',
                        sds__grant_db(p_db), '.* FROM ', v_acc));
  CALL sds__exec(CONCAT('GRANT SELECT ON frappe_sds.sds_site TO ', v_acc));
END//

-- sds_runtime_create(site_db): the runtime database of a Frappe site
-- database S: creates R = sym_<S> (utf8mb4), registers (S, R) in
-- frappe_sds.sds_site and gives frappe_sds_runtime its rights. Again for a
-- registered site: the same rights again (and R again if it was dropped).
-- Reads nothing of S but information_schema (S has a base table
-- tabDocType). Then, in R: SymmetricDS's tables, runtime.sql; and
-- sds_grant, sds_grant_site.
DROP PROCEDURE IF EXISTS frappe_sds.sds_runtime_create//
CREATE PROCEDURE frappe_sds.sds_runtime_create(IN p_db VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: create and register the runtime database sym_<site> of a site'
BEGIN
  DECLARE P VARCHAR(20) DEFAULT 'sds_runtime_create';
  DECLARE msg VARCHAR(700);
  DECLARE v_rt VARCHAR(80);
  DECLARE v_reg, v_other VARCHAR(64);
  DECLARE v_did VARCHAR(20) DEFAULT 'kept';
  CALL sds__site(P, p_db);
  IF NOT EXISTS (SELECT 1 FROM mysql.global_priv WHERE user = 'frappe_sds_runtime' AND host = 'localhost') THEN
    SET msg = CONCAT(P, ': the account ''frappe_sds_runtime''@''localhost'' does not exist; run this release''s dba.sql first (mariadb < dba.sql)');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_other = (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = p_db);
  IF v_other IS NOT NULL THEN
    SET msg = CONCAT(P, ': ', QUOTE(p_db), ' is already the runtime database of the site ', QUOTE(v_other),
                     '; name a site database');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = p_db AND table_name = 'tabDocType' AND table_type = 'BASE TABLE') THEN
    SET msg = CONCAT(P, ': ', QUOTE(p_db), ' is not a Frappe site database (no base table tabDocType); name the site''s database (site_config.json, db_name)');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_rt = CONCAT('sym_', p_db);
  IF CHAR_LENGTH(v_rt) > 64 THEN
    SET msg = CONCAT(P, ': the runtime database of ', QUOTE(p_db), ' would be ', QUOTE(v_rt), ', over 64 characters; ',
                     'the runtime layout needs a site database name of at most 60 characters');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_reg = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = p_db);
  IF v_reg IS NOT NULL AND BINARY v_reg <> BINARY v_rt THEN
    SET msg = CONCAT(P, ': the site ', QUOTE(p_db), ' is registered with the runtime database ', QUOTE(v_reg),
                     ', not ', QUOTE(v_rt), '; correct its row in frappe_sds.sds_site');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_reg IS NULL THEN
    SET v_other = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = v_rt);
    IF v_other IS NOT NULL THEN
      SET msg = CONCAT(P, ': ', QUOTE(v_rt), ' is itself a registered site database (its runtime database is ',
                       QUOTE(v_other), '); it cannot be the runtime database of ', QUOTE(p_db));
      SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_other = (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = v_rt);
    IF v_other IS NOT NULL THEN
      SET msg = CONCAT(P, ': ', QUOTE(v_rt), ' is registered as the runtime database of the site ', QUOTE(v_other),
                       '; correct that row of frappe_sds.sds_site first');
      SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
    END IF;
    IF EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = v_rt) THEN
      SET msg = CONCAT(P, ': a database ', QUOTE(v_rt), ' exists and is not registered for ', QUOTE(p_db),
                       '; it is not frappe_sds''s to take over: drop or rename it (after checking what it holds), then call again');
      SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
    END IF;
    -- registered first: should CREATE DATABASE fail, a second call creates it
    INSERT INTO frappe_sds.sds_site (site_db, runtime_db, created_at) VALUES (p_db, v_rt, NOW());
    SET v_did = 'registered';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = v_rt) THEN
    CALL sds__exec(CONCAT('CREATE DATABASE ', sds__ident(v_rt),
                          ' CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci COMMENT ',
                          QUOTE(CONCAT('frappe_sds: SymmetricDS''s tables and frappe_sds''s API of the site ', p_db))));
    SET v_did = IF(v_did = 'registered', 'created', 'created again');
  END IF;
  CALL sds__runtime_grants(p_db, v_rt);
  SELECT g.step, g.object, g.detail FROM (
    SELECT 1 AS o, CONCAT('runtime database ', v_did) AS step, v_rt AS object,
           CONCAT('registered for the site ', p_db, ' in frappe_sds.sds_site') AS detail
    UNION ALL SELECT 2, 'granted', CONCAT(v_rt, '.*'),
           '''frappe_sds_runtime''@''localhost'': SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW, LOCK TABLES (the definer of the API in it)'
    UNION ALL SELECT 3, 'granted', CONCAT(p_db, '.*'),
           '''frappe_sds_runtime''@''localhost'': SELECT, SHOW VIEW only (no EXECUTE: the API never runs the site''s code)'
    UNION ALL SELECT 4, 'next', v_rt,
           CONCAT('SymmetricDS''s tables in ', v_rt, ' (symadmin create-sym-tables), then mariadb ', v_rt,
                  ' < runtime.sql, CALL frappe_sds.sds_grant(', QUOTE(p_db), ', <SymmetricDS account>, <host>)',
                  ' and CALL frappe_sds.sds_grant_site(', QUOTE(p_db), ', <site account>, <host>)')
  ) g ORDER BY g.o;
END//

DELIMITER ;
