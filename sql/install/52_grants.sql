-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Least privilege for SymmetricDS's database user: sds_grant.
DELIMITER //

-- ---------------------------------------------------------------------------
-- Least privilege for SymmetricDS's database user
-- ---------------------------------------------------------------------------
-- sds__grant_check(user, host): the account must exist and every way
-- of logging in to it must need a secret (a password hash, or a plugin
-- such as unix_socket that authenticates otherwise): a GRANT to an account
-- anyone can log in to would hand the site to anyone. Reads
-- mysql.global_priv (a DBA's right: a caller who cannot read it is told so).
DROP PROCEDURE IF EXISTS sds__grant_check//
CREATE PROCEDURE sds__grant_check(IN p_proc VARCHAR(64), IN p_user VARCHAR(255),
                                  IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a missing or passwordless account'
BEGIN
  DECLARE msg VARCHAR(700);
  DECLARE v_priv LONGTEXT;
  DECLARE v_found, v_open INT DEFAULT 0;
  DECLARE v_denied INT DEFAULT 0;
  DECLARE v_account VARCHAR(700) DEFAULT CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  BEGIN
    DECLARE CONTINUE HANDLER FOR 1142, 1143, 1044, 1045 SET v_denied = 1;
    SELECT COUNT(*), MAX(Priv) INTO v_found, v_priv FROM mysql.global_priv
      WHERE User = p_user AND Host = p_host;
  END;
  IF v_denied THEN
    SET msg = CONCAT(p_proc, ': cannot check that the account ', v_account,
                     ' exists and has a password: reading mysql.global_priv is refused; run it as a DBA');
    SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_found = 0 THEN
    SET msg = CONCAT(p_proc, ': account ', v_account,
                     ' does not exist; create it first: CREATE USER ... IDENTIFIED BY ''<password>''');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- ways to log in: auth_or[] when present (an empty {} there stands for
  -- the top-level plugin), else the top-level plugin; a password plugin
  -- with an empty authentication_string lets anyone in
  SELECT COUNT(*) INTO v_open FROM JSON_TABLE(
      IF(JSON_EXISTS(v_priv, '$.auth_or'), JSON_EXTRACT(v_priv, '$.auth_or'), '[{}]'),
      '$[*]' COLUMNS (plugin VARCHAR(128) PATH '$.plugin',
                      auth TEXT PATH '$.authentication_string')) a
    WHERE IFNULL(IF(a.plugin IS NULL, JSON_VALUE(v_priv, '$.plugin'), a.plugin),
                 'mysql_native_password')
            IN ('mysql_native_password', 'mysql_old_password', 'ed25519', 'parsec', '')
      AND IFNULL(IF(a.plugin IS NULL, JSON_VALUE(v_priv, '$.authentication_string'), a.auth),
                 '') = '';
  IF v_open > 0 THEN
    SET msg = CONCAT(p_proc, ': account ', v_account,
                     ' has no password (anyone could log in as it); set one first: ALTER USER ... IDENTIFIED BY ''<password>''');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__grant_args//
CREATE PROCEDURE sds__grant_args(IN p_proc VARCHAR(64), IN p_user VARCHAR(255),
                                 IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the account arguments of sds_grant'
BEGIN
  DECLARE msg VARCHAR(512);
  IF p_user IS NULL OR CHAR_LENGTH(p_user) NOT BETWEEN 1 AND 128
     OR p_user REGEXP '[[:cntrl:]''"`]' OR INSTR(p_user, CHAR(92)) > 0 THEN
    SET msg = CONCAT(p_proc, ': user ', IFNULL(QUOTE(LEFT(p_user, 140)), 'NULL'),
                     ' must be 1-128 characters without quotes, backslashes or control characters');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_host IS NULL OR p_host NOT REGEXP '^[A-Za-z0-9_.%:/-]{1,255}\\z' THEN
    SET msg = CONCAT(p_proc, ': host ', IFNULL(QUOTE(LEFT(p_host, 260)), 'NULL'),
                     ' must be 1-255 characters of [A-Za-z0-9_.%:/-] (a host name, IP, netmask or %)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__grant_check(p_proc, p_user, p_host);
END//

DROP PROCEDURE IF EXISTS sds_grant//
CREATE PROCEDURE sds_grant(IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: grant SymmetricDS''s database user what it needs on this site, and nothing beyond it'
BEGIN
  DECLARE v_account VARCHAR(700);
  CALL sds__grant_args('sds_grant', p_user, p_host);
  SET v_account = CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  -- Site privileges only. The server checks that the caller holds each
  -- WITH GRANT OPTION; the routine's sql_mode (NO_AUTO_CREATE_USER, set by
  -- install.sql) never lets the GRANT create an account.
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
    UNION ALL SELECT 6, 'not granted: PROCESS', '*.*',
           IF(EXISTS (SELECT 1 FROM information_schema.user_privileges
                      WHERE grantee = CONCAT(QUOTE(p_user), '@', QUOTE(p_host))
                        AND privilege_type = 'PROCESS'),
              'the account already has PROCESS (server-wide: it can read every session''s statements, other sites'' included)',
              'sym_transaction_id reads information_schema.INNODB_TRX, which needs PROCESS: until the account has it, every captured write fails. PROCESS is server-wide (every session''s statement text, other sites'' included): grant it with sds_grant_process(user, host) only where that is acceptable (see README)')
    UNION ALL SELECT 7, 'not granted: SUPER', '*.*',
           IF(@@log_bin AND NOT @@log_bin_trust_function_creators,
              'binary logging is ON here: set log_bin_trust_function_creators=ON (SET GLOBAL and my.cnf) so that it can create its triggers and function without SUPER',
              'not needed while binary logging is off or log_bin_trust_function_creators=ON')
  ) g ORDER BY g.o;
END//

-- sds_grant_process(user, host): the explicit opt-in for the one
-- server-wide privilege SymmetricDS's capture needs on MariaDB.
DROP PROCEDURE IF EXISTS sds_grant_process//
CREATE PROCEDURE sds_grant_process(IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: opt-in: grant PROCESS (server-wide) for SymmetricDS''s transaction id'
BEGIN
  CALL sds__grant_args('sds_grant_process', p_user, p_host);
  SET @sds__sql = CONCAT('GRANT PROCESS ON *.* TO ', QUOTE(p_user), '@', QUOTE(p_host));
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = NULL;
  SELECT 'PROCESS' AS privilege, '*.*' AS level,
         'sym_transaction_id reads information_schema.INNODB_TRX. Risk: the account can read every session''s statement text on this server (SHOW PROCESSLIST), other sites'' included' AS why;
END//

DELIMITER ;
