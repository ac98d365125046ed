-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- sds_doctor(): is this site ready and healthy, and for each problem what
-- to run (as Frappe's `bench doctor` and `mariadb-check` report: one row
-- per check, a status, the object, what was found, and the fix).
--
-- The site's own doctor: SQL SECURITY INVOKER, with the site's rights, and
-- it reads only what the site user can read. Layout, so that a DBA-side
-- doctor can reuse the rules on verified base tables: each check is a
-- small internal procedure (sds__doc_<check>) that reads the facts it needs
-- and appends its rows through sds__doc_add(); the wording of a status and
-- its fix is decided there from those facts only (no other side effects).
DELIMITER //

DROP PROCEDURE IF EXISTS sds__doc_add//
CREATE PROCEDURE sds__doc_add(IN p_check VARCHAR(40), IN p_status VARCHAR(4),
                              IN p_object VARCHAR(300), IN p_detail TEXT, IN p_fix TEXT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one row of sds_doctor'
BEGIN
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    VALUES (p_check, p_status, p_object, p_detail, IF(p_status = 'ok', NULL, p_fix));
END//

-- Which of SymmetricDS's tables frappe_sds reads or writes are missing
-- (a comma list, NULL when none is).
DROP FUNCTION IF EXISTS sds__doc_missing_sym//
CREATE FUNCTION sds__doc_missing_sym() RETURNS TEXT CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: SymmetricDS tables frappe_sds needs that are missing here'
BEGIN
  RETURN (SELECT GROUP_CONCAT(w.t ORDER BY w.t SEPARATOR ', ')
    FROM JSON_TABLE('["sym_channel","sym_conflict","sym_data","sym_node","sym_node_channel_ctl",
                      "sym_node_group","sym_node_group_link","sym_node_host","sym_node_identity",
                      "sym_node_security","sym_outgoing_batch","sym_parameter","sym_router",
                      "sym_table_reload_request","sym_table_reload_status","sym_trigger",
                      "sym_trigger_hist","sym_trigger_router"]',
                    '$[*]' COLUMNS (t VARCHAR(64) PATH '$')) w
    WHERE NOT EXISTS (SELECT 1 FROM information_schema.tables i
                      WHERE i.table_schema = DATABASE() AND i.table_name = w.t));
END//

-- plugin, library and SQL API versions, the site in frappe_sds_databases
DROP PROCEDURE IF EXISTS sds__doc_install//
CREATE PROCEDURE sds__doc_install()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor checks of the plugin and the installed versions'
BEGIN
  DECLARE v_status, v_lib, v_var, v_site, v_dbs TEXT;
  DECLARE v_sql VARCHAR(32) DEFAULT sds__sql_version();
  SELECT MAX(plugin_status), MAX(plugin_auth_version) INTO v_status, v_lib
    FROM information_schema.plugins WHERE plugin_name = 'FRAPPE_SDS';
  SET v_var = (SELECT variable_value FROM information_schema.global_status
               WHERE variable_name = 'FRAPPE_SDS_VERSION');
  IF v_status <=> 'ACTIVE' THEN
    CALL sds__doc_add('plugin', 'ok', 'FRAPPE_SDS',
      CONCAT('loaded, Frappe_sds_version ', IFNULL(v_var, v_lib)), NULL);
  ELSE
    CALL sds__doc_add('plugin', 'fail', 'FRAPPE_SDS',
      IF(v_status IS NULL, 'not loaded (not in information_schema.plugins)',
         CONCAT('plugin status ', v_status)),
      'a DBA runs: INSTALL SONAME ''frappe_sds'' (and plugin_load_add = frappe_sds in the server configuration)');
  END IF;
  SET v_site = (SELECT version FROM sds_install WHERE id = 1);
  IF v_lib <=> v_sql AND v_site <=> v_sql THEN
    CALL sds__doc_add('versions', 'ok', 'sds_install',
      CONCAT('library ', v_lib, ', SQL API ', v_sql, ', site ', v_site), NULL);
  ELSE
    CALL sds__doc_add('versions', 'fail', 'sds_install',
      CONCAT('library ', IFNULL(v_lib, 'not loaded'), ', SQL API ', v_sql,
             ', site records ', IFNULL(v_site, 'none')),
      CONCAT('a DBA runs the ', IF(sds__site_db() <> DATABASE(), 'runtime.sql', 'install.sql'),
             ' of the library''s release in this database: mariadb ',
             sds_ident(DATABASE()), ' < /usr/share/frappe-sds/',
             IF(sds__site_db() <> DATABASE(), 'runtime.sql', 'install.sql'),
             IF(v_lib IS NULL, ' (after loading the plugin)', '')));
  END IF;
  SET v_dbs = (SELECT variable_value FROM information_schema.global_variables
               WHERE variable_name = 'FRAPPE_SDS_DATABASES');
  IF FIND_IN_SET(sds__site_db(), REPLACE(IFNULL(v_dbs, ''), ' ', '')) > 0 THEN
    CALL sds__doc_add('site_listed', 'ok', 'frappe_sds_databases',
      CONCAT(QUOTE(sds__site_db()), ' is listed: the DDL hook follows its schema changes'), NULL);
  ELSE
    CALL sds__doc_add('site_listed', 'warn', 'frappe_sds_databases',
      CONCAT(QUOTE(sds__site_db()), ' is not in frappe_sds_databases (',
             IFNULL(QUOTE(v_dbs), 'variable absent'),
             '): schema changes are followed only when CALL sds_sync_schema() runs'),
      CONCAT('a DBA adds it: SET GLOBAL frappe_sds_databases = ',
             QUOTE(CONCAT_WS(',', NULLIF(v_dbs, ''), sds__site_db())),
             ', and the same in the server configuration'));
  END IF;
  -- the worker's own record of this site (sds_worker, written by the
  -- worker): a pass that failed is a problem, with the worker's error
  IF EXISTS (SELECT 1 FROM sds_worker WHERE id = 1 AND outcome = 'failed') THEN
    CALL sds__doc_add('worker', 'fail', 'sds_worker',
      (SELECT CONCAT('the worker''s last pass on this site failed at ',
                     IFNULL(pass_ended_at, last_error_at), ': ', IFNULL(last_error, 'no error text'),
                     IFNULL(CONCAT('; it tries again by ', next_poll_at), ''))
         FROM sds_worker WHERE id = 1),
      'remove the cause named (as the site''s user, or a DBA for the worker''s account: CALL frappe_sds.sds_doctor(<site>)); CALL sds_sync_schema() runs a pass at once');
  ELSE
    CALL sds__doc_add('worker', 'ok', 'sds_worker',
      'no failed pass of the worker recorded (what it does now: sds_status.worker_state)', NULL);
  END IF;
END//

-- SymmetricDS's transaction id function: every capture trigger calls it
-- (§2); it reads information_schema.INNODB_TRX, which needs PROCESS of the
-- account it runs as. A DEFINER function runs as its definer whoever
-- fires the trigger, so calling it here shows whether a captured write
-- would succeed, without PROCESS of the caller.
DROP PROCEDURE IF EXISTS sds__doc_txid//
CREATE PROCEDURE sds__doc_txid()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor check of sym_transaction_id_post_5_7_6'
BEGIN
  DECLARE v_security, v_definer VARCHAR(400);
  DECLARE v_errno INT DEFAULT 0;
  DECLARE v_msg TEXT;
  DECLARE v_id VARCHAR(50);
  DECLARE v_obj VARCHAR(100) DEFAULT 'sym_transaction_id_post_5_7_6';
  -- frappe_sds.sds_grant makes the function (docs/trust-model.md)
  DECLARE v_dba_fix TEXT DEFAULT CONCAT('a DBA runs CALL frappe_sds.sds_grant(', QUOTE(sds__site_db()), ', ''<SymmetricDS account>'', ''<host>''): it creates the function with SymmetricDS''s text and a locked definer that holds PROCESS (docs/trust-model.md)');
  SELECT MAX(security_type), MAX(definer) INTO v_security, v_definer
    FROM information_schema.routines
    WHERE routine_schema = DATABASE() AND routine_name = v_obj AND routine_type = 'FUNCTION';
  IF v_security IS NULL THEN
    CALL sds__doc_add('transaction_function', 'fail', v_obj,
      'missing: every write to a captured table fails (error 1305)',
      v_dba_fix);
  ELSE
    BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION
        GET DIAGNOSTICS CONDITION 1 v_errno = MYSQL_ERRNO, v_msg = MESSAGE_TEXT;
      SET v_id = sym_transaction_id_post_5_7_6();
    END;
    IF v_errno = 0 AND v_security = 'DEFINER' THEN
      CALL sds__doc_add('transaction_function', 'ok', v_obj,
        CONCAT('callable; runs as its definer ', v_definer), NULL);
    ELSEIF v_errno = 0 THEN
      CALL sds__doc_add('transaction_function', 'fail', v_obj,
        CONCAT('SQL SECURITY ', v_security,
               ': it runs with the rights of whoever writes, so a write by an account without PROCESS fails'),
        v_dba_fix);
    ELSE
      CALL sds__doc_add('transaction_function', 'fail', v_obj,
        CONCAT('calling it fails, so every write to a captured table fails: error ', v_errno,
               ' ', v_msg, ' (definer ', v_definer, ')'),
        CASE v_errno
          WHEN 1227 THEN v_dba_fix
          WHEN 1449 THEN v_dba_fix
          WHEN 1370 THEN CONCAT('the site user may not execute it: a DBA runs GRANT EXECUTE ON FUNCTION ',
            sds_ident(DATABASE()), '.', v_obj, ' TO <site user>')
          ELSE v_dba_fix END);
    END IF;
  END IF;
END//

-- This node: identity, group and role, sync URL, heartbeat
DROP PROCEDURE IF EXISTS sds__doc_node//
CREATE PROCEDURE sds__doc_node()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor checks of this node'
BEGIN
  DECLARE v_me VARCHAR(50) DEFAULT sds_node_id();
  DECLARE v_group, v_url VARCHAR(255);
  DECLARE v_master, v_branch VARCHAR(50);
  DECLARE v_role VARCHAR(10) DEFAULT sds_role();
  DECLARE v_alive INT;
  DECLARE v_age BIGINT;
  SELECT MAX(master_group), MAX(branch_group) INTO v_master, v_branch
    FROM sds_setup_state WHERE id = 1;
  IF v_master IS NULL THEN
    CALL sds__doc_add('setup', 'fail', 'sds_setup_state', 'sds_setup has not run on this site',
      'on the master: CALL sds_setup(''<master group>'', ''<branch group>'')');
  ELSE
    CALL sds__doc_add('setup', 'ok', 'sds_setup_state',
      CONCAT('master group ', QUOTE(v_master), ', branch group ', QUOTE(v_branch)), NULL);
  END IF;
  IF v_me IS NULL THEN
    CALL sds__doc_add('node_identity', 'fail', 'sym_node_identity',
      'no node identity: SymmetricDS has not started (master) or not registered (branch) for this database',
      'start SymmetricDS with this node''s engine file (SELECT sds_engine_properties(...)); a branch registers with the master at its first start');
  ELSE
    SELECT MAX(node_group_id), MAX(sync_url) INTO v_group, v_url FROM sym_node WHERE node_id = v_me;
    IF v_group IS NULL THEN
      CALL sds__doc_add('node_identity', 'fail', 'sym_node_identity',
        CONCAT('node ', QUOTE(v_me), ' has no sym_node row'),
        'restart SymmetricDS (a branch: let it register again with the master)');
    ELSE
      CALL sds__doc_add('node_identity', 'ok', 'sym_node_identity', CONCAT('node ', QUOTE(v_me)), NULL);
      IF v_master IS NOT NULL THEN
        CALL sds__doc_add('node_group', IF(v_group IN (v_master, v_branch), 'ok', 'fail'), 'sym_node',
          CONCAT('group ', QUOTE(v_group), ', role ', IFNULL(v_role, 'none')),
          CONCAT('the engine file''s group.id must be ', QUOTE(v_master), ' (master) or ',
                 QUOTE(v_branch), ' (branch)'));
      END IF;
      CALL sds__doc_add('sync_url', IF(IFNULL(v_url, '') = '', 'warn', 'ok'), 'sym_node.sync_url',
        IF(IFNULL(v_url, '') = '', 'this node has no sync URL: other nodes cannot reach it',
           CONCAT('sync URL ', v_url)),
        'set sync.url in this node''s engine file and restart SymmetricDS');
      SELECT alive, heartbeat_age_s INTO v_alive, v_age FROM sds_status;
      CALL sds__doc_add('heartbeat', IF(v_alive <=> 1, 'ok', 'warn'), 'sym_node_host',
        CASE WHEN v_alive IS NULL THEN 'no heartbeat recorded yet'
             WHEN v_alive = 1 THEN CONCAT('last heartbeat ', IFNULL(v_age, '?'), ' s ago')
             ELSE CONCAT('last heartbeat ', IFNULL(CONCAT(v_age, ' s ago'), 'never'),
                         ': SymmetricDS does not seem to run here') END,
        'start SymmetricDS for this node (and look at its log)');
    END IF;
  END IF;
END//

-- Every other node: registered, heartbeat, batches in error, blocked
-- channels (on the master: each branch; on a branch: the master)
DROP PROCEDURE IF EXISTS sds__doc_peers//
CREATE PROCEDURE sds__doc_peers()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor checks of each other node'
BEGIN
  DECLARE v_me VARCHAR(50) DEFAULT sds_node_id();
  DECLARE v_period BIGINT DEFAULT sds__heartbeat_period_s();
  -- registered: sym_node_security.registration_time (§10)
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'registered',
           CASE WHEN s.registration_time IS NOT NULL THEN 'ok'
                WHEN s.registration_enabled = 1 THEN 'warn' ELSE 'fail' END,
           n.node_id,
           CASE WHEN s.registration_time IS NOT NULL
                  THEN CONCAT('group ', QUOTE(n.node_group_id), ', registered ', s.registration_time)
                WHEN s.registration_enabled = 1
                  THEN 'registration open, the node has not registered yet'
                ELSE 'not registered and registration closed' END,
           CASE WHEN s.registration_time IS NOT NULL THEN NULL
                WHEN s.registration_enabled = 1
                  THEN CONCAT('start SymmetricDS on ', QUOTE(n.external_id),
                              ' with its engine file (registration.url = the master''s sync URL)')
                ELSE CONCAT('on the master: CALL sds_add_branch(', QUOTE(n.external_id),
                            ', ''<companies>'')') END
    FROM sym_node n LEFT JOIN sym_node_security s ON s.node_id = n.node_id
    WHERE n.node_id <> IFNULL(v_me, '')
    ORDER BY n.node_id;
  -- last heartbeat: the node's sym_node_host row, reached by its push (§10)
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'heartbeat',
           IF(TIMESTAMPDIFF(SECOND, h.hb, NOW()) <= 2 * v_period, 'ok', 'warn'), n.node_id,
           IF(h.hb IS NULL, 'no heartbeat received yet',
              CONCAT('last heartbeat ', h.hb, ' (', TIMESTAMPDIFF(SECOND, h.hb, NOW()), ' s ago)')),
           IF(TIMESTAMPDIFF(SECOND, h.hb, NOW()) <= 2 * v_period, NULL,
              CONCAT('check that SymmetricDS runs on ', QUOTE(n.external_id),
                     ' and reaches this node (its log; sync.url here)'))
    FROM sym_node n JOIN sym_node_security s ON s.node_id = n.node_id
      AND s.registration_time IS NOT NULL
    LEFT JOIN (SELECT node_id, MAX(heartbeat_time) AS hb FROM sym_node_host GROUP BY node_id) h
      ON h.node_id = n.node_id
    WHERE n.node_id <> IFNULL(v_me, '')
    ORDER BY n.node_id;
  -- batches in error: the table (the failed row's sym_data), the SQL error
  -- text and since when; a batch in error holds back its channel
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'batch_in_error', 'fail', CONCAT(b.node_id, ' batch ', b.batch_id),
           CONCAT('channel ', QUOTE(b.channel_id), ', table ',
                  IFNULL(QUOTE(d.table_name), IFNULL(QUOTE(b.summary), 'unknown')),
                  ': error since ', IFNULL(b.create_time, '?'), ' (last try ',
                  IFNULL(b.last_update_time, '?'), '): ',
                  IFNULL(CONCAT('SQL state ', b.sql_state, ', '), ''), 'code ', b.sql_code, ': ',
                  IFNULL(LEFT(b.sql_message, 1000), 'no message')),
           CONCAT('correct the cause on node ', QUOTE(b.node_id),
                  ' (the error above; there also in sym_incoming_error); SymmetricDS retries the batch by itself. ',
                  'To give it up instead: UPDATE sym_outgoing_batch SET status = ''IG'' WHERE node_id = ',
                  QUOTE(b.node_id), ' AND batch_id = ', b.batch_id,
                  ' (its changes then miss on that node until CALL sds_reload_branch(',
                  QUOTE(n.external_id), '))')
    FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
    LEFT JOIN sym_data d ON d.data_id = b.failed_data_id AND b.failed_data_id > 0
    WHERE b.status = 'ER'
    ORDER BY b.node_id, b.batch_id;
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'batch_in_error', 'ok', n.node_id, 'no batch in error', NULL
    FROM sym_node n
    WHERE n.node_id <> IFNULL(v_me, '')
      AND NOT EXISTS (SELECT 1 FROM sym_outgoing_batch b WHERE b.node_id = n.node_id AND b.status = 'ER')
    ORDER BY n.node_id;
  -- blocked channels: suspended or ignored for the node, disabled for all
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'channel', 'fail', CONCAT(c.node_id, ' channel ', c.channel_id),
           IF(c.suspend_enabled = 1, 'suspended: no batch is sent on it',
              'ignored: its batches are marked OK without being sent (changes are lost on that node)'),
           CONCAT('UPDATE sym_node_channel_ctl SET suspend_enabled = 0, ignore_enabled = 0 WHERE node_id = ',
                  QUOTE(c.node_id), ' AND channel_id = ', QUOTE(c.channel_id),
                  IF(c.ignore_enabled = 1, CONCAT('; then CALL sds_reload_branch(', QUOTE(n.external_id), ')'), ''))
    FROM sym_node_channel_ctl c JOIN sym_node n ON n.node_id = c.node_id
    WHERE (c.suspend_enabled = 1 OR c.ignore_enabled = 1)
    ORDER BY c.node_id, c.channel_id;
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'channel', 'fail', CONCAT('channel ', ch.channel_id),
           'disabled (sym_channel.enabled = 0): nothing on it reaches any node',
           CONCAT('UPDATE sym_channel SET enabled = 1, last_update_time = NOW() WHERE channel_id = ',
                  QUOTE(ch.channel_id))
    FROM sym_channel ch
    WHERE ch.enabled = 0
      AND EXISTS (SELECT 1 FROM sym_trigger t WHERE t.last_update_by = 'frappe_sds'
                  AND ch.channel_id IN (t.channel_id, t.reload_channel_id))
    ORDER BY ch.channel_id;
END//

-- Reloads SymmetricDS was asked for: the newest request of each target,
-- table and router (an older one a newer replaced is history). Cancelled
-- (sym_table_reload_status.cancelled, or processed without a load id:
-- cancelled before it was queued, §5) or in error: fail; waiting long: warn.
DROP PROCEDURE IF EXISTS sds__doc_reloads//
CREATE PROCEDURE sds__doc_reloads()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor checks of table reloads'
BEGIN
  DECLARE v_me VARCHAR(50) DEFAULT sds_node_id();
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'reload',
           IF(st.cancelled = 1 OR st.error_flag = 1 OR (q.processed = 1 AND q.load_id IS NULL),
              'fail', 'warn'),
           CONCAT(q.target_node_id, ' ', q.trigger_id),
           CONCAT('request of ', q.create_time,
             CASE WHEN q.processed = 0
                    THEN CONCAT(': not queued by SymmetricDS after ',
                                TIMESTAMPDIFF(SECOND, q.create_time, NOW()), ' s')
                  WHEN q.load_id IS NULL
                    THEN ': cancelled by SymmetricDS before it was queued (it cancels a node''s table loads when a full load of that node is queued)'
                  WHEN st.cancelled = 1
                    THEN CONCAT(': load ', q.load_id, ' cancelled by SymmetricDS',
                                IFNULL(CONCAT(' at ', st.end_time), ''), ': ',
                                IFNULL(LEFT(st.sql_message, 1000), 'no error recorded'))
                  ELSE CONCAT(': load ', q.load_id, ' in error: ',
                              IFNULL(LEFT(st.sql_message, 1000), 'no message')) END),
           CASE WHEN q.processed = 0
                  THEN 'check that SymmetricDS runs here (its Initial Load Queue job queues requests every 10 s)'
                WHEN st.error_flag = 1 AND IFNULL(st.cancelled, 0) = 0
                  THEN CONCAT('correct the cause on node ', QUOTE(q.target_node_id),
                              '; SymmetricDS retries the load''s batch by itself')
                WHEN q.trigger_id = 'ALL'
                  THEN CONCAT('CALL sds_reload_branch(', QUOTE(n.external_id), ')')
                -- the reload of a schema change: its own fix (it asks every branch)
                WHEN EXISTS (SELECT 1 FROM sds_schema_change c WHERE c.trigger_id = q.trigger_id
                             AND c.state = 'failed')
                  THEN CONCAT('CALL sds_retry_schema_change(',
                              (SELECT MAX(c.id) FROM sds_schema_change c
                               WHERE c.trigger_id = q.trigger_id AND c.state = 'failed'), ')')
                ELSE CONCAT('INSERT INTO sym_table_reload_request (target_node_id, source_node_id, ',
                  'trigger_id, router_id, create_time, create_table, delete_first, reload_select, processed, ',
                  'last_update_by, last_update_time) SELECT target_node_id, source_node_id, trigger_id, ',
                  'router_id, NOW(), create_table, delete_first, reload_select, 0, ''frappe_sds'', NOW() ',
                  'FROM sym_table_reload_request WHERE target_node_id = ', QUOTE(q.target_node_id),
                  ' AND trigger_id = ', QUOTE(q.trigger_id), ' AND router_id = ', QUOTE(q.router_id),
                  ' AND create_time = ', QUOTE(q.create_time)) END
    FROM sym_table_reload_request q
    JOIN (SELECT target_node_id, trigger_id, router_id, MAX(create_time) AS t
          FROM sym_table_reload_request WHERE source_node_id = IFNULL(v_me, '')
          GROUP BY target_node_id, trigger_id, router_id) m
      ON m.target_node_id = q.target_node_id AND m.trigger_id = q.trigger_id
     AND m.router_id = q.router_id AND m.t = q.create_time
    LEFT JOIN sym_node n ON n.node_id = q.target_node_id
    LEFT JOIN sym_table_reload_status st ON st.load_id = q.load_id
      AND st.source_node_id = q.source_node_id
    WHERE q.source_node_id = IFNULL(v_me, '')
      AND ((q.processed = 0 AND q.create_time < NOW() - INTERVAL 10 MINUTE)
        OR (q.processed = 1 AND q.load_id IS NULL)
        OR st.cancelled = 1 OR st.error_flag = 1)
    ORDER BY q.target_node_id, q.trigger_id, q.router_id;
  IF NOT EXISTS (SELECT 1 FROM sds__doctor WHERE check_name = 'reload') THEN
    CALL sds__doc_add('reload', 'ok', 'sym_table_reload_request',
      CONCAT((SELECT COUNT(*) FROM sym_table_reload_request q
              LEFT JOIN sym_table_reload_status st ON st.load_id = q.load_id
                AND st.source_node_id = q.source_node_id
              WHERE q.source_node_id = IFNULL(v_me, '')
                AND (q.processed = 0 OR IFNULL(st.completed, 1) = 0)),
             ' reload(s) in progress; none cancelled or in error'), NULL);
  END IF;
END//

-- Schema changes: failed ones, and open ones older than expected (the
-- worker hands an ALTER over after 5 s and asks again after 30 s; a
-- reload of one table takes seconds to minutes)
DROP PROCEDURE IF EXISTS sds__doc_schema//
CREATE PROCEDURE sds__doc_schema()
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_doctor checks of schema changes'
BEGIN
  INSERT INTO sds__doctor (check_name, status, object, detail, fix)
    SELECT 'schema_change', IF(c.state = 'failed', 'fail', 'warn'),
           CONCAT(c.table_name, ' (change ', c.id, ')'),
           CONCAT(c.state, ' since ', c.updated_at, ': ', IFNULL(c.message, '')),
           IF(c.state = 'failed',
              CONCAT('the branches may lack this change: CALL sds_retry_schema_change(', c.id, ')'),
              'CALL sds_sync_schema() moves it on; if it stays, check the heartbeat and reload rows above')
    FROM sds_schema_change c
    WHERE c.state = 'failed'
       OR (c.state = 'pending' AND c.updated_at < NOW() - INTERVAL 5 MINUTE)
       OR (c.state = 'trigger_refresh' AND c.refresh_at < NOW() - INTERVAL 10 MINUTE)
       OR (c.state = 'reload_requested' AND c.reload_time < NOW() - INTERVAL 1 HOUR)
    ORDER BY c.id;
  IF NOT EXISTS (SELECT 1 FROM sds__doctor WHERE check_name = 'schema_change') THEN
    CALL sds__doc_add('schema_change', 'ok', 'sds_schema_change',
      CONCAT((SELECT COUNT(*) FROM sds_schema_change WHERE state NOT IN ('done', 'failed')),
             ' open, none failed or late'), NULL);
  END IF;
END//

-- The fix of a failed schema change: ask for its reload again (the pass
-- that follows requests one reload per registered branch, as for a new
-- change).
DROP PROCEDURE IF EXISTS sds_retry_schema_change//
CREATE PROCEDURE sds_retry_schema_change(IN p_id BIGINT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: reopen a failed schema change so that its reload is requested again'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_state VARCHAR(20);
  CALL sds__assert_writer('sds_retry_schema_change');
  SET v_state = (SELECT state FROM sds_schema_change WHERE id = p_id);
  IF v_state IS NULL THEN
    SET msg = CONCAT('sds_retry_schema_change: no schema change ', IFNULL(p_id, 'NULL'),
                     ' (see SELECT * FROM sds_schema_change)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_state <> 'failed' THEN
    SET msg = CONCAT('sds_retry_schema_change: schema change ', p_id, ' is ', QUOTE(v_state),
                     ', not ''failed''; only a failed change is retried');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  UPDATE sds_schema_change SET state = 'trigger_refresh', refresh_at = NOW(),
         updated_at = NOW(2), message = 'retry asked by sds_retry_schema_change'
    WHERE id = p_id AND state = 'failed';
  CALL sds__sync_run(0);
  SELECT id, table_name, kind, state, reload_count, message FROM sds_schema_change WHERE id = p_id;
END//

DROP PROCEDURE IF EXISTS sds_doctor//
CREATE PROCEDURE sds_doctor()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: is this site ready and healthy; one row per check with status ok/warn/fail and the fix'
BEGIN
  DECLARE v_missing TEXT;
  DECLARE v_role VARCHAR(10);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    DROP TEMPORARY TABLE IF EXISTS sds__doctor;
    RESIGNAL;
  END;
  DROP TEMPORARY TABLE IF EXISTS sds__doctor;
  CREATE TEMPORARY TABLE sds__doctor (
    n INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    check_name VARCHAR(40) NOT NULL,
    status VARCHAR(4) NOT NULL,
    object VARCHAR(300) NULL,
    detail TEXT NULL,
    fix TEXT NULL) ENGINE=Aria DEFAULT CHARSET=utf8mb4;
  CALL sds__doc_install();
  SET v_missing = sds__doc_missing_sym();
  IF v_missing IS NOT NULL THEN
    -- the other checks read these tables: they wait for them
    CALL sds__doc_add('sym_tables', 'fail', DATABASE(), CONCAT('missing: ', v_missing),
      'run symadmin create-sym-tables with this node''s engine file (or start SymmetricDS once); then CALL sds_doctor() again');
  ELSE
    CALL sds__doc_add('sym_tables', 'ok', DATABASE(), 'SymmetricDS''s tables are present', NULL);
    CALL sds__doc_txid();
    CALL sds__doc_node();
    -- the other nodes are known only relative to this one
    IF sds_node_id() IS NOT NULL THEN
      CALL sds__doc_peers();
    END IF;
    SET v_role = sds_role();
    IF v_role = 'master' THEN
      CALL sds__doc_reloads();
      CALL sds__doc_schema();
      CALL sds__doc_compare();   -- 58_compare.sql
    END IF;
  END IF;
  SELECT check_name, status, object, detail, fix FROM sds__doctor ORDER BY n;
  DROP TEMPORARY TABLE sds__doctor;
END//
DELIMITER ;
