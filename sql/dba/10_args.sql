-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Arguments of the DBA's routines: the site database, accounts; names in
-- GRANT statements; reading a site table without running site code as
-- the DBA.
DELIMITER //

-- sds__site(proc, db): db must be an existing database that is not the
-- server's or this one; its name of the characters a Frappe site database
-- has (so that it is safe in a JDBC URL and needs no escaping but of _)
DROP PROCEDURE IF EXISTS frappe_sds.sds__site//
CREATE PROCEDURE frappe_sds.sds__site(IN p_proc VARCHAR(64), IN p_db VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a bad site database argument'
BEGIN
  DECLARE msg VARCHAR(512);
  IF p_db IS NULL OR p_db NOT REGEXP '^[A-Za-z0-9_$-]{1,64}\\z'
     OR p_db IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'frappe_sds') THEN
    SET msg = CONCAT(p_proc, ': site database ', IFNULL(QUOTE(LEFT(p_db, 70)), 'NULL'),
                     ' must be 1-64 characters of [A-Za-z0-9_$-], and not a system database');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = p_db) THEN
    SET msg = CONCAT(p_proc, ': no database ', QUOTE(p_db), ' on this server');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
END//

-- sds__ident(name): a quoted identifier
DROP FUNCTION IF EXISTS frappe_sds.sds__ident//
CREATE FUNCTION frappe_sds.sds__ident(p_name VARCHAR(255)) RETURNS VARCHAR(600) CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a quoted identifier'
RETURN CONCAT('`', REPLACE(p_name, '`', '``'), '`')//

-- sds__grant_db(db): the database as GRANT ... ON <it>.* must name it. In a
-- database-level GRANT, _ and % are wildcards (site_1 also matches siteX1):
-- escaped with a backslash, the grant is for that database only.
DROP FUNCTION IF EXISTS frappe_sds.sds__grant_db//
CREATE FUNCTION frappe_sds.sds__grant_db(p_db VARCHAR(255)) RETURNS VARCHAR(600) CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a database name for GRANT ... ON <db>.*, wildcards escaped'
RETURN sds__ident(REPLACE(REPLACE(REPLACE(p_db, CHAR(92), CONCAT(CHAR(92), CHAR(92))),
                                  '_', CONCAT(CHAR(92), '_')), '%', CONCAT(CHAR(92), '%')))//

-- sds__exec(sql): prepare and run one statement built here
DROP PROCEDURE IF EXISTS frappe_sds.sds__exec//
CREATE PROCEDURE frappe_sds.sds__exec(IN p_sql TEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: run one statement'
BEGIN
  SET @sds__sql = p_sql;
  PREPARE sds__s FROM @sds__sql;
  SET @sds__sql = NULL;
  EXECUTE sds__s;
  DEALLOCATE PREPARE sds__s;
END//

-- sds__grant_check(proc, user, host): the account must exist and every way
-- of logging in to it must need a secret (a password hash, or a plugin
-- such as unix_socket that authenticates otherwise): a GRANT to an account
-- anyone can log in to would hand the site to anyone.
DROP PROCEDURE IF EXISTS frappe_sds.sds__grant_check//
CREATE PROCEDURE frappe_sds.sds__grant_check(IN p_proc VARCHAR(64), IN p_user VARCHAR(255),
                                  IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a missing or passwordless account'
BEGIN
  DECLARE msg VARCHAR(700);
  DECLARE v_priv LONGTEXT;
  DECLARE v_found, v_open INT DEFAULT 0;
  DECLARE v_account VARCHAR(700) DEFAULT CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  SELECT COUNT(*), MAX(Priv) INTO v_found, v_priv FROM mysql.global_priv
    WHERE User = p_user AND Host = p_host;
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
    SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT = msg;
  END IF;
END//

-- sds__login_args(proc, user, host): a user name and a host as GRANT and
-- the allowlists take them: the user without quotes, backslashes or control
-- characters, the host a name, IP, netmask or %
DROP PROCEDURE IF EXISTS frappe_sds.sds__login_args//
CREATE PROCEDURE frappe_sds.sds__login_args(IN p_proc VARCHAR(64), IN p_user VARCHAR(255),
                                 IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a malformed user name or host'
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
END//

-- sds__grant_args(proc, user, host): the account arguments of a GRANT: well
-- formed, not one of frappe_sds's own accounts, an account that exists and
-- needs a secret
DROP PROCEDURE IF EXISTS frappe_sds.sds__grant_args//
CREATE PROCEDURE frappe_sds.sds__grant_args(IN p_proc VARCHAR(64), IN p_user VARCHAR(255),
                                 IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the account arguments of sds_grant and sds_grant_site'
BEGIN
  DECLARE msg VARCHAR(512);
  CALL sds__login_args(p_proc, p_user, p_host);
  IF p_user IN ('frappe_sds_trx', 'frappe_sds_reader', 'frappe_sds_runtime') THEN
    SET msg = CONCAT(p_proc, ': ', QUOTE(p_user), ' is an account of frappe_sds itself (locked); name ',
                     IF(p_proc = 'sds_grant_site', 'the site''s own account', 'SymmetricDS''s own account'));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__grant_check(p_proc, p_user, p_host);
END//

-- sds__read(db, table, select, arg, value): one value read from a site
-- table, as the locked account frappe_sds_reader (SQL SECURITY DEFINER),
-- which the caller gives SELECT on that one table for the length of the
-- read (sds__read_value). A site user may have put a view in place of the
-- table, with functions of its own: they run as frappe_sds_reader, which
-- can read that table and nothing else, and can write or grant nothing.
-- p_select: '<expression> FROM <table> WHERE ... ?' with the table as
-- @T (replaced by its quoted, qualified name), one ? for p_arg. The
-- statement is bounded to 10 s (a site's function may sleep). (Quoting
-- inline: the reader may execute nothing, not even sds__ident.)
DROP PROCEDURE IF EXISTS frappe_sds.sds__read//
CREATE DEFINER = 'frappe_sds_reader'@'localhost' PROCEDURE frappe_sds.sds__read(
    IN p_db VARCHAR(64), IN p_table VARCHAR(64), IN p_select TEXT, IN p_arg VARCHAR(255),
    OUT p_value TEXT)
  SQL SECURITY DEFINER
  COMMENT 'frappe_sds internal: read one value of a site table as the locked reader account'
BEGIN
  SET @sds__read = NULL;
  SET @sds__sql = CONCAT('SET STATEMENT max_statement_time = 10 FOR SELECT ',
                         REPLACE(p_select, '@T', CONCAT('`', REPLACE(p_db, '`', '``'), '`.`',
                                                        REPLACE(p_table, '`', '``'), '`')),
                         ' LIMIT 1 INTO @sds__read');
  PREPARE sds__r FROM @sds__sql;
  SET @sds__sql = NULL;
  EXECUTE sds__r USING p_arg;
  DEALLOCATE PREPARE sds__r;
  SET p_value = @sds__read, @sds__read = NULL;
END//
-- (a routine that runs as its definer needs the definer's EXECUTE on it)
GRANT EXECUTE ON PROCEDURE frappe_sds.sds__read TO 'frappe_sds_reader'@'localhost'//

-- sds__read_value(proc, db, table, select, arg, value): sds__read with the
-- reader's SELECT on that table granted for the read and revoked after it
-- (also on error). A table that does not exist: NULL.
DROP PROCEDURE IF EXISTS frappe_sds.sds__read_value//
CREATE PROCEDURE frappe_sds.sds__read_value(IN p_proc VARCHAR(64), IN p_db VARCHAR(64), IN p_table VARCHAR(64),
    IN p_select TEXT, IN p_arg VARCHAR(255), OUT p_value TEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: read one value of a site table without running site code as the caller'
BEGIN
  DECLARE v_on VARCHAR(700) DEFAULT CONCAT(sds__ident(p_db), '.', sds__ident(p_table));
  SET p_value = NULL;
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = p_db AND table_name = p_table) THEN
    BEGIN
      DECLARE EXIT HANDLER FOR SQLEXCEPTION
      BEGIN
        BEGIN
          DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
          CALL sds__exec(CONCAT('REVOKE SELECT ON ', v_on, ' FROM ''frappe_sds_reader''@''localhost'''));
        END;
        RESIGNAL;
      END;
      CALL sds__exec(CONCAT('GRANT SELECT ON ', v_on, ' TO ''frappe_sds_reader''@''localhost'''));
      CALL sds__read(p_db, p_table, p_select, p_arg, p_value);
      CALL sds__exec(CONCAT('REVOKE SELECT ON ', v_on, ' FROM ''frappe_sds_reader''@''localhost'''));
    END;
  END IF;
END//

DELIMITER ;
