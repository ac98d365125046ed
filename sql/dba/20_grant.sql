-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- SymmetricDS's account on a site, and the transaction function its capture
-- triggers call: sds_grant(site_db, user, host). For a site in the runtime
-- layout (frappe_sds.sds_site) the function lives in its runtime database.
DELIMITER //

-- sds__trx_body(): the body of SymmetricDS 3.15.9's transaction function on
-- MySQL >= 5.7.6 and MariaDB, character for character (MySqlSymmetricDialect,
-- createRequiredDatabaseObjectsImpl: every line padded with spaces, joined
-- by newlines). SymmetricDS compares trim(routine_definition) with the trim
-- of this text and re-creates the function when they differ.
DROP FUNCTION IF EXISTS frappe_sds.sds__trx_body//
CREATE FUNCTION frappe_sds.sds__trx_body() RETURNS TEXT CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SymmetricDS''s sym_transaction_id_post_5_7_6 body, verbatim'
RETURN CONCAT_WS(CHAR(10),
    RPAD(' begin', 129, ' '),
    RPAD('    declare done int default 0;', 129, ' '),
    RPAD('    declare comm_value varchar(50);', 129, ' '),
    RPAD('    declare comm_cur cursor for select TRX_ID from INFORMATION_SCHEMA.INNODB_TRX where TRX_MYSQL_THREAD_ID = CONNECTION_ID();', 129, ' '),
    RPAD('    declare continue handler for not found set done = 1;', 129, ' '),
    RPAD('    open comm_cur;', 129, ' '),
    RPAD('    fetch comm_cur into comm_value;', 129, ' '),
    RPAD('    close comm_cur;', 129, ' '),
    RPAD('    return concat(concat(connection_id(), ''.''), comm_value);', 129, ' '),
    RPAD(' end', 129, ' '))//

-- sds__trx_function(db): <db>.sym_transaction_id_post_5_7_6 with SymmetricDS's
-- own text, DEFINER the locked account frappe_sds_trx (PROCESS, for
-- INNODB_TRX): every capture trigger calls it, whoever fires the trigger,
-- so the site's writes never need PROCESS from anyone else. Left alone
-- when it is already exactly that (no gap in which capture triggers fail).
-- Returns what it did.
DROP PROCEDURE IF EXISTS frappe_sds.sds__trx_function//
CREATE PROCEDURE frappe_sds.sds__trx_function(IN p_db VARCHAR(64), OUT p_did VARCHAR(20))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the transaction function of a site, definer frappe_sds_trx'
BEGIN
  DECLARE v_fn VARCHAR(300) DEFAULT CONCAT(sds__ident(p_db), '.sym_transaction_id_post_5_7_6');
  IF EXISTS (SELECT 1 FROM information_schema.routines
             WHERE routine_schema = p_db AND routine_name = 'sym_transaction_id_post_5_7_6'
               AND routine_type = 'FUNCTION' AND definer = 'frappe_sds_trx@localhost'
               AND security_type = 'DEFINER'
               AND BINARY TRIM(routine_definition) = BINARY TRIM(sds__trx_body())) THEN
    SET p_did = 'kept';
  ELSE
    SET p_did = IF(EXISTS (SELECT 1 FROM information_schema.routines
                           WHERE routine_schema = p_db AND routine_name = 'sym_transaction_id_post_5_7_6'),
                   'replaced', 'created');
    CALL sds__exec(CONCAT('DROP FUNCTION IF EXISTS ', v_fn));
    CALL sds__exec(CONCAT('CREATE DEFINER = ''frappe_sds_trx''@''localhost'' FUNCTION ', v_fn,
                          '() returns varchar(50) NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER',
                          CHAR(10), sds__trx_body()));
  END IF;
  CALL sds__exec(CONCAT('GRANT EXECUTE ON FUNCTION ', v_fn, ' TO ''frappe_sds_trx''@''localhost'''));
END//

-- sds__grant_runtime(site, rt, user, host): sds_grant for a site in the
-- runtime layout. SymmetricDS's account writes its tables in R and the
-- Frappe tables of S (loads, capture triggers on S's tables that write R's
-- sym_data) and holds EXECUTE on nothing but its transaction function, which
-- lives in R: a site view or table it reads on S can call a site function
-- only with its rights, and it has none to run one (docs/topology.md, the
-- rule that makes it hold). What a site migrated from the classic layout
-- granted (EXECUTE, CREATE ROUTINE, ALTER ROUTINE on S) is revoked.
DROP PROCEDURE IF EXISTS frappe_sds.sds__grant_runtime//
CREATE PROCEDURE frappe_sds.sds__grant_runtime(IN p_db VARCHAR(64), IN p_rt VARCHAR(64),
    IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_grant for a site in the runtime layout'
BEGIN
  DECLARE v_account VARCHAR(700) DEFAULT CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  DECLARE v_s VARCHAR(600) DEFAULT sds__grant_db(p_db);
  DECLARE v_r VARCHAR(600) DEFAULT sds__grant_db(p_rt);
  DECLARE v_fn VARCHAR(300) DEFAULT CONCAT(sds__ident(p_rt), '.sym_transaction_id_post_5_7_6');
  DECLARE v_did VARCHAR(20);
  BEGIN
    DECLARE CONTINUE HANDLER FOR 1141, 1147 BEGIN END;
    CALL sds__exec(CONCAT('REVOKE EXECUTE, CREATE ROUTINE, ALTER ROUTINE ON ', v_s, '.* FROM ', v_account));
    -- grants on the unescaped names (their _ matched other databases too)
    IF p_db REGEXP '[_%]' THEN
      CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(p_db), '.* FROM ', v_account));
    END IF;
    CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(p_rt), '.* FROM ', v_account));
  END;
  CALL sds__exec(CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER ON ',
                        v_s, '.* TO ', v_account));
  CALL sds__exec(CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER, ',
                        'CREATE TEMPORARY TABLES, LOCK TABLES ON ', v_r, '.* TO ', v_account));
  CALL sds__exec(CONCAT('REVOKE EXECUTE, CREATE ROUTINE, ALTER ROUTINE ON ', v_r, '.* FROM ', v_account));
  -- to see the transaction function's body, so that it does not re-create it
  CALL sds__exec(CONCAT('GRANT SELECT ON mysql.proc TO ', v_account));
  CALL sds__trx_function(p_rt, v_did);
  CALL sds__exec(CONCAT('GRANT EXECUTE ON FUNCTION ', v_fn, ' TO ', v_account));
  SELECT g.privilege, g.level, g.why FROM (
    SELECT 1 AS o, 'SELECT, INSERT, UPDATE, DELETE' AS privilege, p_rt AS level,
           'its sym_* tables (the runtime database of the site, where its engine connects)' AS why
    UNION ALL SELECT 2, 'CREATE, ALTER, INDEX, DROP, TRIGGER', p_rt,
           'create-sym-tables and upgrades of sym_*; the capture triggers on its own configuration tables'
    UNION ALL SELECT 3, 'CREATE TEMPORARY TABLES, LOCK TABLES', p_rt, 'scratch tables and locks of its jobs'
    UNION ALL SELECT 4, 'SELECT, INSERT, UPDATE, DELETE', p_db,
           'capture reads, loads write the Frappe tables'
    UNION ALL SELECT 5, 'CREATE, ALTER, INDEX, DROP', p_db,
           'loads with create_table=1 create/alter Frappe tables'
    UNION ALL SELECT 6, 'TRIGGER', p_db, CONCAT('the capture triggers on every replicated table (they write ', p_rt, '.sym_data)')
    UNION ALL SELECT 7, 'EXECUTE', CONCAT(p_rt, '.sym_transaction_id_post_5_7_6'),
           'the capture triggers call it; the only routine it may execute'
    UNION ALL SELECT 8, 'not granted: EXECUTE, CREATE ROUTINE, ALTER ROUTINE', CONCAT(p_db, ', ', p_rt),
           'revoked if held: a site view or function it reads on the site cannot run the site''s code as it; it cannot replace the transaction function'
    UNION ALL SELECT 9, 'SELECT', 'mysql.proc',
           'SymmetricDS checks at start that the transaction function has its text; without seeing the body it would drop and re-create it as its own'
    UNION ALL SELECT 10, CONCAT('transaction function ', v_did), CONCAT(p_rt, '.sym_transaction_id_post_5_7_6'),
           'SymmetricDS''s own text, DEFINER ''frappe_sds_trx''@''localhost'' (locked; PROCESS, to read INNODB_TRX): site writes never need PROCESS from SymmetricDS''s account or the site''s'
    UNION ALL SELECT 11, 'not granted: PROCESS', '*.*',
           IF(EXISTS (SELECT 1 FROM information_schema.user_privileges
                      WHERE grantee = v_account AND privilege_type = 'PROCESS'),
              CONCAT('the account has PROCESS, which it does not need (it shows every session''s statements, other sites'' included): REVOKE PROCESS ON *.* FROM ', v_account),
              'not needed: the transaction function''s definer holds it')
    UNION ALL SELECT 12, 'not granted: SUPER', '*.*',
           IF(@@log_bin AND NOT @@log_bin_trust_function_creators,
              'binary logging is ON here: set log_bin_trust_function_creators=ON (SET GLOBAL and my.cnf) so that it can create its triggers without SUPER',
              'not needed while binary logging is off or log_bin_trust_function_creators=ON')
  ) g ORDER BY g.o;
END//

-- The privileges SymmetricDS's account gets on a site (and why: the rows
-- sds_grant returns)
DROP PROCEDURE IF EXISTS frappe_sds.sds_grant//
CREATE PROCEDURE frappe_sds.sds_grant(IN p_db VARCHAR(255), IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: grant SymmetricDS''s account what it needs on one site, and the transaction function its triggers call'
BEGIN
  DECLARE v_account VARCHAR(700);
  DECLARE v_did VARCHAR(20);
  DECLARE v_grant_db VARCHAR(600);
  DECLARE v_rt VARCHAR(64);
  CALL sds__site('sds_grant', p_db);
  CALL sds__runtime('sds_grant', p_db, v_rt);
  CALL sds__grant_args('sds_grant', p_user, p_host);
  IF v_rt IS NOT NULL THEN
    -- the runtime layout (sds_site): rights on S and R, the function in R
    CALL sds__grant_runtime(p_db, v_rt, p_user, p_host);
  ELSE
  SET v_account = CONCAT(QUOTE(p_user), '@', QUOTE(p_host)), v_grant_db = sds__grant_db(p_db);
  -- what releases before 0.4.0 granted and SymmetricDS no longer needs:
  -- CREATE/ALTER ROUTINE on the site (without them it cannot replace the
  -- transaction function by one that needs PROCESS from it), and a grant
  -- on the unescaped name, whose _ matched other databases too
  BEGIN
    DECLARE CONTINUE HANDLER FOR 1141, 1147 BEGIN END;
    CALL sds__exec(CONCAT('REVOKE CREATE ROUTINE, ALTER ROUTINE ON ', v_grant_db, '.* FROM ', v_account));
    IF p_db REGEXP '[_%]' THEN
      CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(p_db), '.* FROM ', v_account));
    END IF;
  END;
  -- Site privileges only; the server checks that the caller holds each WITH
  -- GRANT OPTION; NO_AUTO_CREATE_USER (dba.sql) never lets it create an account.
  CALL sds__exec(CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, ',
                        'TRIGGER, EXECUTE, CREATE TEMPORARY TABLES ON ', v_grant_db, '.* TO ', v_account));
  -- to see the transaction function's body, so that it does not re-create it
  CALL sds__exec(CONCAT('GRANT SELECT ON mysql.proc TO ', v_account));
  CALL sds__trx_function(p_db, v_did);
  SELECT g.privilege, g.level, g.why FROM (
    SELECT 1 AS o, 'SELECT, INSERT, UPDATE, DELETE' AS privilege, p_db AS level,
           'its sym_* tables; capture reads, loads write the Frappe tables' AS why
    UNION ALL SELECT 2, 'CREATE, ALTER, INDEX, DROP', p_db,
           'create-sym-tables and upgrades of sym_*; loads with create_table=1 create/alter Frappe tables'
    UNION ALL SELECT 3, 'TRIGGER', p_db, 'the capture triggers on every replicated table'
    UNION ALL SELECT 4, 'EXECUTE', p_db,
           'the capture triggers call sym_transaction_id_post_5_7_6 (no CREATE/ALTER ROUTINE: that function is the DBA''s, see below)'
    UNION ALL SELECT 5, 'CREATE TEMPORARY TABLES', p_db, 'scratch tables of its jobs'
    UNION ALL SELECT 6, 'SELECT', 'mysql.proc',
           'SymmetricDS checks at start that the transaction function has its text; without seeing the body it would drop and re-create it as its own'
    UNION ALL SELECT 7, CONCAT('transaction function ', v_did), CONCAT(p_db, '.sym_transaction_id_post_5_7_6'),
           'SymmetricDS''s own text, DEFINER ''frappe_sds_trx''@''localhost'' (locked; PROCESS, to read INNODB_TRX): site writes never need PROCESS from SymmetricDS''s account or the site''s'
    UNION ALL SELECT 8, 'not granted: PROCESS', '*.*',
           IF(EXISTS (SELECT 1 FROM information_schema.user_privileges
                      WHERE grantee = v_account AND privilege_type = 'PROCESS'),
              CONCAT('the account has PROCESS, which it does not need (it shows every session''s statements, other sites'' included): REVOKE PROCESS ON *.* FROM ', v_account),
              'not needed: the transaction function''s definer holds it')
    UNION ALL SELECT 9, 'not granted: SUPER', '*.*',
           IF(@@log_bin AND NOT @@log_bin_trust_function_creators,
              'binary logging is ON here: set log_bin_trust_function_creators=ON (SET GLOBAL and my.cnf) so that it can create its triggers without SUPER',
              'not needed while binary logging is off or log_bin_trust_function_creators=ON')
  ) g ORDER BY g.o;
  END IF;
END//

DELIMITER ;
