-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The worker's account on a site: sds_grant_worker(site_db).
DELIMITER //

-- sds_grant_worker(site_db): the worker serves a site as the account
-- frappe_sds_worker_user names (its %s replaced by the site database), which
-- the DBA created with the password of frappe_sds_worker_password_file. This
-- gives that account its rights on that site only (the database name's _
-- and % escaped) and says whether the site is listed in frappe_sds_databases.
DROP PROCEDURE IF EXISTS frappe_sds.sds_grant_worker//
CREATE PROCEDURE frappe_sds.sds_grant_worker(IN p_db VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: grant the worker''s account of a site its rights on that site only'
BEGIN
  DECLARE P VARCHAR(20) DEFAULT 'sds_grant_worker';
  DECLARE msg VARCHAR(700);
  DECLARE v_template, v_user, v_dbs TEXT;
  DECLARE v_account VARCHAR(700);
  CALL sds__site(P, p_db);
  -- the plugin's settings (read from information_schema: the routine must
  -- exist whether or not the plugin is loaded)
  SELECT MAX(IF(variable_name = 'FRAPPE_SDS_WORKER_USER', variable_value, NULL)),
         MAX(IF(variable_name = 'FRAPPE_SDS_DATABASES', variable_value, NULL))
    INTO v_template, v_dbs
    FROM information_schema.global_variables
    WHERE variable_name IN ('FRAPPE_SDS_WORKER_USER', 'FRAPPE_SDS_DATABASES');
  IF v_template IS NULL OR v_template = '' THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_grant_worker: the frappe_sds plugin is not loaded or frappe_sds_worker_user is empty; install the package and set it (frappe-sds.cnf)';
  END IF;
  SET v_user = REPLACE(v_template, '%s', p_db);
  CALL sds__grant_args(P, v_user, 'localhost');
  SET v_account = CONCAT(QUOTE(v_user), '@''localhost''');
  IF p_db REGEXP '[_%]' THEN
    BEGIN
      DECLARE CONTINUE HANDLER FOR 1141, 1147 BEGIN END;
      CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(p_db), '.* FROM ', v_account));
    END;
  END IF;
  CALL sds__exec(CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW ON ',
                        sds__grant_db(p_db), '.* TO ', v_account));
  -- the runtime layout: the worker's entry points in the runtime database
  -- (45_runtime_ops.sql)
  CALL sds__grant_worker_runtime(p_db, v_account);
  SELECT v_account AS account, CONCAT(p_db, '.*') AS level,
         'SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW' AS privileges,
         IF(FIND_IN_SET(p_db, REPLACE(IFNULL(v_dbs, ''), ' ', '')) > 0, 'yes',
            CONCAT('no: add it to frappe_sds_databases (SET GLOBAL frappe_sds_databases = ',
                   QUOTE(CONCAT_WS(',', NULLIF(v_dbs, ''), p_db)), ' and the same in frappe-sds.cnf)')) AS served,
         IF(INSTR(v_template, '%s') = 0,
            'frappe_sds_worker_user has no %s: one account for every site, refused while frappe_sds_databases lists more than one; use frappe_sds_worker_%s',
            'one account per site') AS note;
END//

DELIMITER ;
