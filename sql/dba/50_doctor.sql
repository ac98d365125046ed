-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The DBA's health check of a site: sds_doctor(site_db).
DELIMITER //

-- sds__doctor_row(...): one row of the report
DROP PROCEDURE IF EXISTS frappe_sds.sds__doctor_row//
CREATE PROCEDURE frappe_sds.sds__doctor_row(IN p_check VARCHAR(64), IN p_ok INT, IN p_bad VARCHAR(4),
    IN p_object VARCHAR(300), IN p_detail TEXT, IN p_fix TEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one row of sds_doctor'
BEGIN
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    VALUES (p_check, IF(p_ok, 'ok', p_bad), p_object, p_detail, IF(p_ok, NULL, p_fix));
END//

-- sds_doctor(site_db): is this site ready, as the DBA sees it? One row per
-- check: check_name, status (ok / warn / fail), object, detail, fix (what to
-- run). Reads the server's catalogues (information_schema, mysql.*) and, for
-- the site's release, sds_install through sds__read: it runs no site code
-- with the DBA's rights (it does not call the transaction function either:
-- it checks what the function needs).
DROP PROCEDURE IF EXISTS frappe_sds.sds_doctor//
CREATE PROCEDURE frappe_sds.sds_doctor(IN p_db VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: the DBA''s checks of a site, one row each, with the fix'
BEGIN
  DECLARE v_lib, v_dba, v_site, v_template, v_dbs, v_user, v_acc TEXT;
  DECLARE v_n, v_ok INT;
  DECLARE v_grant_db VARCHAR(300);
  DECLARE v_q VARCHAR(300);
  DECLARE v_rt, v_api VARCHAR(64);
  DECLARE v_grant_rt VARCHAR(300);
  DECLARE msg VARCHAR(700);
  CALL sds__site('sds_doctor', p_db);
  SET v_q = QUOTE(p_db), v_grant_db = REPLACE(REPLACE(p_db, '_', CONCAT(CHAR(92), '_')), '%', CONCAT(CHAR(92), '%'));
  -- the runtime layout: SymmetricDS's tables, the transaction function and
  -- the SQL API are in the runtime database (v_api); the site keeps the
  -- Frappe tables (a missing runtime database is reported, not refused)
  SET v_acc = (SELECT site_db FROM frappe_sds.sds_site WHERE runtime_db = p_db);
  IF v_acc IS NOT NULL THEN
    SET msg = CONCAT('sds_doctor: ', v_q, ' is the runtime database of the site ', QUOTE(v_acc),
                     '; name the site database: ', QUOTE(v_acc));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_rt = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = p_db);
  SET v_api = IFNULL(v_rt, p_db),
      v_grant_rt = REPLACE(REPLACE(v_rt, '_', CONCAT(CHAR(92), '_')), '%', CONCAT(CHAR(92), '%'));
  DROP TEMPORARY TABLE IF EXISTS sds__doctor;
  CREATE TEMPORARY TABLE sds__doctor (
    id INT AUTO_INCREMENT PRIMARY KEY, check_name VARCHAR(64), status VARCHAR(4),
    object VARCHAR(300), detail TEXT, fix TEXT);

  -- the plugin, the library, the DBA's database and the site's SQL API
  SELECT MAX(variable_value) INTO v_lib FROM information_schema.global_status
    WHERE variable_name = 'FRAPPE_SDS_VERSION';
  SET v_dba = (SELECT version FROM frappe_sds.sds_dba_install WHERE id = 1);
  BEGIN
    -- (a view there that the reader cannot read: reported below as not installed)
    DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET v_site = NULL;
    CALL sds__read_value('sds_doctor', v_api, 'sds_install', 'version FROM @T WHERE id = ?', '1', v_site);
  END;
  SET v_site = IF(v_site REGEXP '^[0-9]{1,4}[.][0-9]{1,4}[.][0-9]{1,4}\\z', v_site, NULL);
  CALL sds__doctor_row('plugin loaded', EXISTS (SELECT 1 FROM information_schema.plugins
                         WHERE plugin_name = 'FRAPPE_SDS' AND plugin_status = 'ACTIVE'), 'fail',
    'FRAPPE_SDS', CONCAT('library ', IFNULL(v_lib, 'not loaded')),
    'install the frappe-sds package and restart the server (plugin_load_add = frappe_sds)');
  CALL sds__doctor_row('versions', v_lib IS NOT NULL AND v_lib = v_dba AND v_lib = v_site, 'fail',
    p_db, CONCAT('library ', IFNULL(v_lib, '-'), ', dba.sql ', IFNULL(v_dba, '-'),
                 ', site SQL API ', IFNULL(v_site, 'not installed')),
    IF(v_rt IS NULL,
       CONCAT('run the package''s dba.sql (mariadb < dba.sql) and install.sql in the site (mariadb ',
              p_db, ' < install.sql), both of the library''s release'),
       CONCAT('run the package''s dba.sql (mariadb < dba.sql) and runtime.sql in the site''s runtime database (mariadb ',
              v_rt, ' < runtime.sql), both of the library''s release')));

  IF v_rt IS NOT NULL THEN
    -- the runtime layout: R, its definer account, and who else reaches R
    CALL sds__doctor_row('runtime database',
      EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = v_rt), 'fail', v_rt,
      CONCAT('registered for ', p_db, ' in frappe_sds.sds_site',
             IF(EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = v_rt), '', '; it does not exist')),
      CONCAT('CALL frappe_sds.sds_runtime_create(', v_q, ')'));
    SET v_ok = EXISTS (SELECT 1 FROM mysql.global_priv WHERE user = 'frappe_sds_runtime' AND host = 'localhost'
                         AND JSON_VALUE(priv, '$.account_locked') IN ('true', '1'))
           AND NOT EXISTS (SELECT 1 FROM information_schema.user_privileges
                           WHERE grantee = '''frappe_sds_runtime''@''localhost''' AND privilege_type <> 'USAGE')
           AND EXISTS (SELECT 1 FROM mysql.db WHERE user = 'frappe_sds_runtime' AND host = 'localhost'
                         AND db = v_grant_rt AND select_priv = 'Y' AND insert_priv = 'Y' AND update_priv = 'Y'
                         AND delete_priv = 'Y' AND create_tmp_table_priv = 'Y' AND execute_priv = 'Y'
                         AND show_view_priv = 'Y' AND lock_tables_priv = 'Y')
           AND EXISTS (SELECT 1 FROM mysql.db WHERE user = 'frappe_sds_runtime' AND host = 'localhost'
                         AND db = v_grant_db AND select_priv = 'Y' AND show_view_priv = 'Y')
           AND NOT EXISTS (SELECT 1 FROM mysql.db WHERE user = 'frappe_sds_runtime' AND host = 'localhost'
                             AND p_db LIKE db AND 'Y' IN (insert_priv, update_priv, delete_priv, create_priv,
                               drop_priv, grant_priv, references_priv, index_priv, alter_priv,
                               create_tmp_table_priv, lock_tables_priv, execute_priv, create_view_priv,
                               create_routine_priv, alter_routine_priv, event_priv, trigger_priv))
           AND NOT EXISTS (SELECT 1 FROM mysql.procs_priv WHERE user = 'frappe_sds_runtime' AND host = 'localhost'
                             AND db = p_db);
    CALL sds__doctor_row('runtime account', v_ok, 'fail', '''frappe_sds_runtime''@''localhost''',
      CONCAT('locked; on ', v_rt, ' what the API needs; on ', p_db, ' SELECT and SHOW VIEW only (no EXECUTE: the API never runs the site''s code)'),
      CONCAT('run dba.sql, then CALL frappe_sds.sds_runtime_create(', v_q, '); SHOW GRANTS FOR ''frappe_sds_runtime''@''localhost'''));
    -- every right on R of an account that is neither frappe_sds's nor
    -- SymmetricDS's (TRIGGER on the site, SELECT on mysql.proc) beyond what
    -- sds_grant_site gives (EXECUTE on a public routine, SELECT on a public view)
    -- and sds_grant_worker gives the site's worker account (EXECUTE on its
    -- three entry points)
    SET v_user = REPLACE(IFNULL((SELECT variable_value FROM information_schema.global_variables
                                 WHERE variable_name = 'FRAPPE_SDS_WORKER_USER'), ''), '%s', p_db);
    SELECT COUNT(*), GROUP_CONCAT(DISTINCT acc ORDER BY acc SEPARATOR ', ')
      INTO v_n, v_acc
      FROM (SELECT CONCAT(QUOTE(d.user), '@', QUOTE(d.host), ' (ON ', QUOTE(d.db), '.*)') AS acc, d.user AS u, d.host AS h
            FROM mysql.db d
            WHERE v_rt LIKE d.db AND d.user <> 'frappe_sds_runtime'
            UNION ALL
            SELECT CONCAT(QUOTE(t.user), '@', QUOTE(t.host), ' (', t.table_priv, ' ON ', t.table_name, ')'), t.user, t.host
            FROM mysql.tables_priv t
            WHERE t.db = v_rt
              AND NOT (t.table_priv = 'Select' AND t.column_priv = ''
                       AND t.table_name LIKE 'sds\_%' AND t.table_name NOT LIKE 'sds\_\_%')
            UNION ALL
            SELECT CONCAT(QUOTE(r.user), '@', QUOTE(r.host), ' (', r.proc_priv, ' ON ', r.routine_type, ' ', r.routine_name, ')'),
                   r.user, r.host
            FROM mysql.procs_priv r
            WHERE r.db = v_rt AND r.user NOT IN ('frappe_sds_trx', 'frappe_sds_runtime')
              AND NOT (r.proc_priv = 'Execute'
                       AND ((r.routine_name LIKE 'sds\_%' AND r.routine_name NOT LIKE 'sds\_\_%')
                            OR r.routine_name = 'sym_transaction_id_post_5_7_6'))
              AND NOT (r.proc_priv = 'Execute' AND r.user = v_user AND r.host = 'localhost' AND r.routine_type = 'PROCEDURE'
                       AND r.routine_name IN ('sds__worker_event', 'sds__worker_pass', 'sds__worker_record'))) a
      WHERE NOT EXISTS (SELECT 1 FROM mysql.db s JOIN mysql.tables_priv p ON p.user = s.user AND p.host = s.host
                          AND p.db = 'mysql' AND p.table_name = 'proc' AND FIND_IN_SET('Select', p.table_priv)
                        WHERE s.user = a.u AND s.host = a.h AND s.db = v_grant_db AND s.trigger_priv = 'Y');
    CALL sds__doctor_row('runtime database rights', v_n = 0, 'fail', v_rt,
      IF(v_n = 0, 'the site''s accounts reach only its public API there (EXECUTE on sds_* routines, SELECT on sds_* views)',
         CONCAT('reach SymmetricDS''s tables or frappe_sds''s internals there: ', v_acc)),
      CONCAT('REVOKE those rights (SHOW GRANTS FOR each account); then CALL frappe_sds.sds_grant_site(', v_q,
             ', ''<site account>'', ''<host>'')'));
  END IF;

  -- SymmetricDS's tables (base tables, from the catalogue)
  SELECT COUNT(*) INTO v_n FROM information_schema.tables
    WHERE table_schema = v_api AND table_type = 'BASE TABLE'
      AND table_name IN ('sym_node_group', 'sym_node_group_link', 'sym_channel', 'sym_router',
                         'sym_trigger', 'sym_trigger_router', 'sym_node', 'sym_node_security',
                         'sym_node_identity', 'sym_data', 'sym_trigger_hist', 'sym_outgoing_batch');
  CALL sds__doctor_row('SymmetricDS tables', v_n = 12, 'fail', CONCAT(v_api, '.sym_*'),
    CONCAT(v_n, ' of the 12 core sym_* tables are base tables'),
    'let SymmetricDS create its tables: symadmin --engine <engine> create-sym-tables (or its first start)');

  -- the transaction function every capture trigger calls
  SELECT COUNT(*) INTO v_n FROM information_schema.routines
    WHERE routine_schema = v_api AND routine_name = 'sym_transaction_id_post_5_7_6'
      AND routine_type = 'FUNCTION';
  CALL sds__doctor_row('transaction function exists', v_n = 1, 'fail',
    CONCAT(v_api, '.sym_transaction_id_post_5_7_6'), IF(v_n = 1, 'present', 'missing: every captured write fails'),
    CONCAT('CALL frappe_sds.sds_grant(', v_q, ', ''<SymmetricDS account>'', ''<host>'')'));
  IF v_n = 1 THEN
    SELECT COUNT(*) INTO v_ok FROM information_schema.routines
      WHERE routine_schema = v_api AND routine_name = 'sym_transaction_id_post_5_7_6'
        AND definer = 'frappe_sds_trx@localhost' AND security_type = 'DEFINER'
        AND BINARY TRIM(routine_definition) = BINARY TRIM(sds__trx_body());
    CALL sds__doctor_row('transaction function definer', v_ok = 1, 'fail',
      CONCAT(v_api, '.sym_transaction_id_post_5_7_6'),
      (SELECT CONCAT('definer ', definer, ', ', security_type,
                     IF(BINARY TRIM(routine_definition) = BINARY TRIM(sds__trx_body()),
                        ', SymmetricDS''s text', ', another text'))
         FROM information_schema.routines
         WHERE routine_schema = v_api AND routine_name = 'sym_transaction_id_post_5_7_6'),
      CONCAT('CALL frappe_sds.sds_grant(', v_q, ', ''<SymmetricDS account>'', ''<host>'') (a definer without PROCESS makes every captured write fail)'));
  END IF;
  SET v_ok = EXISTS (SELECT 1 FROM mysql.global_priv WHERE user = 'frappe_sds_trx' AND host = 'localhost'
                       AND JSON_VALUE(priv, '$.account_locked') IN ('true', '1'))
         AND EXISTS (SELECT 1 FROM information_schema.user_privileges
                     WHERE grantee = '''frappe_sds_trx''@''localhost''' AND privilege_type = 'PROCESS')
         AND EXISTS (SELECT 1 FROM mysql.procs_priv WHERE user = 'frappe_sds_trx' AND host = 'localhost'
                       AND db = v_api AND routine_name = 'sym_transaction_id_post_5_7_6'
                       AND routine_type = 'FUNCTION' AND FIND_IN_SET('Execute', proc_priv));
  CALL sds__doctor_row('transaction function callable', v_ok, 'fail', '''frappe_sds_trx''@''localhost''',
    'its definer must exist locked, with PROCESS and EXECUTE on the function',
    CONCAT('run dba.sql, then CALL frappe_sds.sds_grant(', v_q, ', ''<SymmetricDS account>'', ''<host>'')'));

  -- SymmetricDS's account: the accounts with TRIGGER on the site (the site
  -- user has it too, but no SELECT on mysql.proc)
  SELECT COUNT(*), GROUP_CONCAT(CONCAT(QUOTE(d.user), '@', QUOTE(d.host)))
    INTO v_n, v_acc
    FROM mysql.db d JOIN mysql.tables_priv t ON t.user = d.user AND t.host = d.host
      AND t.db = 'mysql' AND t.table_name = 'proc' AND FIND_IN_SET('Select', t.table_priv)
    WHERE d.db = v_grant_db AND d.trigger_priv = 'Y';
  CALL sds__doctor_row('SymmetricDS account', v_n >= 1, 'fail', IFNULL(v_acc, '-'),
    IF(v_n >= 1, 'has TRIGGER on the site and SELECT on mysql.proc', 'no account has what frappe_sds.sds_grant gives'),
    CONCAT('CREATE USER ''<account>''@''<host>'' IDENTIFIED BY ''<password>''; CALL frappe_sds.sds_grant(',
           v_q, ', ''<account>'', ''<host>'')'));
  IF v_n >= 1 THEN
    -- each of them: every privilege it needs, nothing server-wide that shows other sites
    INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'SymmetricDS account grants',
           IF(missing <> '', 'fail',
              IF(extra <> '', IF(v_rt IS NOT NULL AND (extra LIKE '%EXECUTE%' OR extra LIKE '%ROUTINE%'), 'fail', 'warn'),
                 'ok')), acc,
           CONCAT_WS('; ', IF(missing <> '', CONCAT('missing', IF(v_rt IS NULL, CONCAT(' on ', p_db), ''), ': ', missing), NULL),
                     IF(extra <> '', CONCAT('more than it needs: ', extra), NULL),
                     IF(missing = '' AND extra = '', 'what frappe_sds.sds_grant gives, nothing server-wide', NULL)),
           IF(missing <> '' OR extra <> '',
              CONCAT('CALL frappe_sds.sds_grant(', v_q, ', ', QUOTE(u), ', ', QUOTE(h), ')',
                     IF(extra LIKE '%PROCESS%' OR extra LIKE '%SUPER%',
                        CONCAT('; REVOKE PROCESS, SUPER ON *.* FROM ', acc), '')), NULL)
    FROM (
      SELECT d.user AS u, d.host AS h, CONCAT(QUOTE(d.user), '@', QUOTE(d.host)) AS acc,
             CONCAT_WS(', ', NULLIF(CONCAT(CONCAT_WS(',', IF(d.select_priv = 'Y', NULL, 'SELECT'), IF(d.insert_priv = 'Y', NULL, 'INSERT'),
                       IF(d.update_priv = 'Y', NULL, 'UPDATE'), IF(d.delete_priv = 'Y', NULL, 'DELETE'),
                       IF(d.create_priv = 'Y', NULL, 'CREATE'), IF(d.alter_priv = 'Y', NULL, 'ALTER'),
                       IF(d.index_priv = 'Y', NULL, 'INDEX'), IF(d.drop_priv = 'Y', NULL, 'DROP'),
                       IF(v_rt IS NOT NULL OR d.execute_priv = 'Y', NULL, 'EXECUTE'),
                       IF(v_rt IS NOT NULL OR d.create_tmp_table_priv = 'Y', NULL, 'CREATE TEMPORARY TABLES')),
                       IF(v_rt IS NULL, '', CONCAT(' on ', p_db))), IF(v_rt IS NULL, '', CONCAT(' on ', p_db))),
                       IF(v_rt IS NULL OR EXISTS (SELECT 1 FROM mysql.db r WHERE r.user = d.user AND r.host = d.host
                            AND r.db = v_grant_rt AND r.select_priv = 'Y' AND r.insert_priv = 'Y' AND r.update_priv = 'Y'
                            AND r.delete_priv = 'Y' AND r.create_priv = 'Y' AND r.alter_priv = 'Y' AND r.index_priv = 'Y'
                            AND r.drop_priv = 'Y' AND r.trigger_priv = 'Y' AND r.create_tmp_table_priv = 'Y'
                            AND r.lock_tables_priv = 'Y'), NULL, CONCAT('what sds_grant gives on ', v_rt)),
                       IF(v_rt IS NULL OR EXISTS (SELECT 1 FROM mysql.procs_priv r WHERE r.user = d.user AND r.host = d.host
                            AND r.db = v_rt AND r.routine_name = 'sym_transaction_id_post_5_7_6'
                            AND FIND_IN_SET('Execute', r.proc_priv)), NULL,
                          CONCAT('EXECUTE on ', v_rt, '.sym_transaction_id_post_5_7_6'))) AS missing,
             CONCAT_WS(',', IF(v_rt IS NOT NULL AND d.execute_priv = 'Y', CONCAT('EXECUTE on ', p_db), NULL),
                       IF(d.create_routine_priv = 'Y', 'CREATE ROUTINE', NULL),
                       IF(d.alter_routine_priv = 'Y', 'ALTER ROUTINE', NULL),
                       (SELECT GROUP_CONCAT(privilege_type) FROM information_schema.user_privileges
                        WHERE grantee = CONCAT(QUOTE(d.user), '@', QUOTE(d.host))
                          AND privilege_type IN ('PROCESS', 'SUPER', 'SELECT', 'FILE'))) AS extra
      FROM mysql.db d JOIN mysql.tables_priv t ON t.user = d.user AND t.host = d.host
        AND t.db = 'mysql' AND t.table_name = 'proc' AND FIND_IN_SET('Select', t.table_priv)
      WHERE d.db = v_grant_db AND d.trigger_priv = 'Y') a;
  END IF;

  -- the worker's account
  SELECT MAX(IF(variable_name = 'FRAPPE_SDS_WORKER_USER', variable_value, NULL)),
         MAX(IF(variable_name = 'FRAPPE_SDS_DATABASES', variable_value, NULL))
    INTO v_template, v_dbs
    FROM information_schema.global_variables
    WHERE variable_name IN ('FRAPPE_SDS_WORKER_USER', 'FRAPPE_SDS_DATABASES');
  CALL sds__doctor_row('site served', FIND_IN_SET(p_db, REPLACE(IFNULL(v_dbs, ''), ' ', '')) > 0, 'fail',
    'frappe_sds_databases', CONCAT('frappe_sds_databases = ', QUOTE(IFNULL(v_dbs, ''))),
    CONCAT('SET GLOBAL frappe_sds_databases = ', QUOTE(CONCAT_WS(',', NULLIF(v_dbs, ''), p_db)),
           '; and the same in frappe-sds.cnf'));
  SET v_user = REPLACE(IFNULL(v_template, ''), '%s', p_db);
  SET v_acc = CONCAT(QUOTE(v_user), '@''localhost''');
  CALL sds__doctor_row('worker account exists',
    EXISTS (SELECT 1 FROM mysql.global_priv WHERE user = v_user AND host = 'localhost'), 'fail', v_acc,
    IF(IFNULL(v_template, '') = '', 'frappe_sds_worker_user is not set', 'the account frappe_sds_worker_user names for this site'),
    CONCAT('CREATE USER ', v_acc, ' IDENTIFIED BY ''<the password file''''s password>''; CALL frappe_sds.sds_grant_worker(', v_q, ')'));
  SELECT COUNT(*) INTO v_ok FROM mysql.db
    WHERE user = v_user AND host = 'localhost' AND db = v_grant_db
      AND select_priv = 'Y' AND insert_priv = 'Y' AND update_priv = 'Y' AND delete_priv = 'Y'
      AND create_tmp_table_priv = 'Y' AND execute_priv = 'Y' AND show_view_priv = 'Y';
  SELECT COUNT(*) INTO v_n FROM mysql.db
    WHERE user = v_user AND host = 'localhost' AND db <> v_grant_db;
  CALL sds__doctor_row('worker account rights', v_ok = 1 AND v_n = 0
      AND NOT EXISTS (SELECT 1 FROM information_schema.user_privileges
                      WHERE grantee = v_acc AND privilege_type <> 'USAGE')
      AND (INSTR(IFNULL(v_template, ''), '%s') > 0
           OR CHAR_LENGTH(REPLACE(IFNULL(v_dbs, ''), ',', '')) = CHAR_LENGTH(IFNULL(v_dbs, ''))),
    'fail', v_acc,
    CONCAT(IF(v_ok = 1, 'its rights on the site', 'missing rights on the site'),
           IF(v_n > 0, CONCAT('; rights on ', v_n, ' other database(s): a site''s code it runs would reach them'), ''),
           IF(EXISTS (SELECT 1 FROM information_schema.user_privileges
                      WHERE grantee = v_acc AND privilege_type <> 'USAGE'), '; global privileges', ''),
           IF(INSTR(IFNULL(v_template, ''), '%s') = 0 AND CHAR_LENGTH(REPLACE(IFNULL(v_dbs, ''), ',', '')) < CHAR_LENGTH(IFNULL(v_dbs, '')),
              '; one account for several sites (frappe_sds_worker_user has no %s)', '')),
    CONCAT('CALL frappe_sds.sds_grant_worker(', v_q, '); revoke its rights elsewhere (SHOW GRANTS FOR ', v_acc,
           '); one account per site: frappe_sds_worker_user = frappe_sds_worker_%s'));

  -- who can change the DBA's own routines and tables: an account that can
  -- replace a routine of frappe_sds runs its own code as the next DBA who
  -- calls it (a database-level grant on frappe_sds, or on a pattern that
  -- matches it, e.g. `%` or `frappe%`; table- and routine-level grants).
  -- Accounts with such rights on *.* are DBAs already. The locked accounts
  -- of dba.sql hold only what it gives them.
  SELECT COUNT(*), GROUP_CONCAT(DISTINCT acc ORDER BY acc SEPARATOR ', ')
    INTO v_n, v_acc
    FROM (SELECT CONCAT(QUOTE(d.user), '@', QUOTE(d.host), ' (ON ', QUOTE(d.db), '.*)') AS acc
          FROM mysql.db d
          WHERE 'frappe_sds' LIKE d.db
            AND 'Y' IN (d.insert_priv, d.update_priv, d.delete_priv, d.create_priv, d.drop_priv,
                        d.alter_priv, d.create_routine_priv, d.alter_routine_priv, d.grant_priv,
                        d.create_view_priv, d.trigger_priv, d.index_priv, d.references_priv)
          UNION ALL
          SELECT CONCAT(QUOTE(t.user), '@', QUOTE(t.host), ' (ON frappe_sds.', t.table_name, ')')
          FROM mysql.tables_priv t
          WHERE t.db = 'frappe_sds' AND t.table_priv <> '' AND t.table_priv <> 'Select'
          UNION ALL
          SELECT CONCAT(QUOTE(r.user), '@', QUOTE(r.host), ' (ON ', r.routine_type, ' frappe_sds.', r.routine_name, ')')
          FROM mysql.procs_priv r
          WHERE r.db = 'frappe_sds' AND (FIND_IN_SET('Alter Routine', r.proc_priv)
                                         OR FIND_IN_SET('Grant', r.proc_priv))) a;
  CALL sds__doctor_row('DBA database writers', v_n = 0, 'fail', 'frappe_sds',
    IF(v_n = 0, 'only accounts with rights on *.* (DBAs) can change frappe_sds''s routines and tables',
       CONCAT('can change frappe_sds''s routines or tables, which DBAs run with their rights: ', v_acc)),
    'REVOKE those rights (SHOW GRANTS FOR each account); grant a site user rights on its own database only, named without wildcards');

  SELECT check_name, status, object, detail, fix FROM sds__doctor ORDER BY id;
  DROP TEMPORARY TABLE sds__doctor;
END//

DELIMITER ;
