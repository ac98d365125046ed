-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Least privilege for SymmetricDS's database user: sds_grant.
DELIMITER //

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

DELIMITER ;
