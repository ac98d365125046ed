-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Remote SQL instead of remote shell: the sender list (sds_sql_sender), the
-- log (sds_sql_log) and sds_send_sql.

CREATE TABLE IF NOT EXISTS sds_sql_sender (
  user_name VARCHAR(128) NOT NULL COMMENT 'user part of CURRENT_USER()',
  host VARCHAR(255) NOT NULL COMMENT 'host part of CURRENT_USER()',
  note VARCHAR(255) NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (user_name, host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds 0.1.0: no longer read (a site user could add itself); see the role frappe_sds_sql_sender';
-- a site installed by 0.1.0: the same comment (metadata only, instant)
ALTER TABLE sds_sql_sender
  COMMENT='frappe_sds 0.1.0: no longer read (a site user could add itself); see the role frappe_sds_sql_sender';

CREATE TABLE IF NOT EXISTS sds_sql_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sent_at DATETIME NOT NULL,
  sender VARCHAR(400) NOT NULL COMMENT 'CURRENT_USER() of the caller',
  target VARCHAR(50) NOT NULL COMMENT 'node id or node group id as given',
  node_list VARCHAR(255) NOT NULL COMMENT 'sym_data.node_list written',
  sql_text MEDIUMTEXT NOT NULL,
  data_id BIGINT NOT NULL COMMENT 'sym_data.data_id of the S event',
  KEY sent_at (sent_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: every SQL statement sent to nodes with sds_send_sql';

DELIMITER //

-- ---------------------------------------------------------------------------
-- Remote SQL (symadmin send-sql, §5)
-- ---------------------------------------------------------------------------
-- Who may send: what a site user cannot give itself. A site user (even
-- with ALL ON site.* WITH GRANT OPTION) can neither grant itself a global
-- privilege nor a role it does not hold with ADMIN OPTION, nor create a
-- role (CREATE USER); but it can write any table of the site, so no table
-- of the site (sds_sql_sender of 0.1.0, no longer read) can be the check.
DROP FUNCTION IF EXISTS sds__may_send_sql//
CREATE FUNCTION sds__may_send_sql() RETURNS TINYINT
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the caller holds SUPER or CREATE USER globally, or the role frappe_sds_sql_sender'
BEGIN
  DECLARE v_cu VARCHAR(400) DEFAULT CURRENT_USER();
  DECLARE v_host VARCHAR(255) DEFAULT SUBSTRING_INDEX(v_cu, '@', -1);
  DECLARE v_user VARCHAR(128) DEFAULT LEFT(v_cu, CHAR_LENGTH(v_cu) - CHAR_LENGTH(v_host) - 1);
  DECLARE v_login VARCHAR(400) DEFAULT SESSION_USER();
  -- The runtime layout (docs/topology.md): sds_send_sql runs as its definer,
  -- so CURRENT_USER() is that account; the caller is its login
  -- (SESSION_USER(), set by the server at authentication), and the DBA's
  -- list of the logins that may send SQL for this site is
  -- frappe_sds.sds_remote_sql_sender, which only DBAs write.
  IF sds__site_db() <> DATABASE() THEN
    RETURN EXISTS (SELECT 1 FROM frappe_sds.sds_remote_sql_sender s
                   WHERE s.site_db = sds__site_db()
                     AND s.user_name = LEFT(v_login, CHAR_LENGTH(v_login) - CHAR_LENGTH(SUBSTRING_INDEX(v_login, '@', -1)) - 1)
                     AND s.host = SUBSTRING_INDEX(v_login, '@', -1));
  END IF;
  RETURN EXISTS (SELECT 1 FROM information_schema.user_privileges p
                 WHERE p.grantee = CONCAT('''', v_user, '''@''', v_host, '''')
                   AND p.privilege_type IN ('SUPER', 'CREATE USER'))
      OR EXISTS (SELECT 1 FROM information_schema.applicable_roles r
                 WHERE r.role_name = 'frappe_sds_sql_sender');
END//

DROP PROCEDURE IF EXISTS sds_send_sql//
CREATE PROCEDURE sds_send_sql(IN p_target VARCHAR(255), IN p_sql LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: run an SQL statement on branch nodes through SymmetricDS (symadmin send-sql)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch, v_channel VARCHAR(128);
  DECLARE v_hist INT;
  DECLARE v_table VARCHAR(255);
  DECLARE v_list TEXT;
  DECLARE v_bs CHAR(1) DEFAULT CHAR(92);
  DECLARE v_data_id BIGINT;
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;
  IF NOT sds__may_send_sql() THEN
    SET msg = IF(sds__site_db() <> DATABASE(),
      CONCAT('sds_send_sql: ', QUOTE(SESSION_USER()),
             ' may not send SQL to nodes: a DBA allows a login with CALL frappe_sds.sds_allow_send_sql(',
             QUOTE(sds__site_db()), ', user, host)'),
      CONCAT('sds_send_sql: ', QUOTE(CURRENT_USER()),
                     ' may not send SQL to nodes: it needs SUPER or CREATE USER, or the role frappe_sds_sql_sender (a DBA grants it: CREATE ROLE frappe_sds_sql_sender; GRANT frappe_sds_sql_sender TO ...)'));
    SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__check_master('sds_send_sql', v_me, v_master, v_branch);
  IF p_sql IS NULL OR TRIM(REPLACE(REPLACE(REPLACE(p_sql, CHAR(10), ''), CHAR(13), ''), CHAR(9), '')) = '' THEN
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = 'sds_send_sql: the SQL text is empty';
  END IF;
  IF p_target IS NULL OR p_target NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' THEN
    SET msg = CONCAT('sds_send_sql: target ', IFNULL(QUOTE(LEFT(p_target, 60)), 'NULL'),
                     ' must be a node id or a node group id (1-50 characters of [A-Za-z0-9_.-])');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- a node id first, then the branch group (its registered nodes)
  IF EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target) THEN
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target AND node_group_id = v_branch) THEN
      SET msg = CONCAT('sds_send_sql: target node ', QUOTE(p_target), ' is not in the branch group ',
                       QUOTE(v_branch), ' (SymmetricDS never routes to the node itself, §3)');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_target AND sync_enabled = 1) THEN
      -- §3: data for a node that is not enabled at routing time is dropped
      SET msg = CONCAT('sds_send_sql: target node ', QUOTE(p_target),
                       ' has not registered yet (sync_enabled=0); SymmetricDS would drop the statement');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_list = p_target;
  ELSEIF p_target = v_branch THEN
    SET v_list = (SELECT GROUP_CONCAT(node_id ORDER BY node_id SEPARATOR ',') FROM sym_node
                  WHERE node_group_id = v_branch AND sync_enabled = 1);
    IF v_list IS NULL THEN
      SET msg = CONCAT('sds_send_sql: group ', QUOTE(p_target), ' has no registered node');
      SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
    END IF;
  ELSE
    SET msg = CONCAT('sds_send_sql: unknown target ', QUOTE(p_target),
                     ': neither a node nor the branch group ', QUOTE(v_branch));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF CHAR_LENGTH(v_list) > 255 THEN
    SET msg = CONCAT('sds_send_sql: the node list of ', QUOTE(p_target), ' is ', CHAR_LENGTH(v_list),
                     ' characters; sym_data.node_list holds 255: send to fewer nodes at a time');
    SIGNAL SQLSTATE '54000' SET MESSAGE_TEXT = msg;
  END IF;
  -- The event rides tabSingles' capture trigger: it is on every Frappe
  -- site, on the frappe channel (so the statement is applied in order with
  -- the data changes before it, §7), and has exactly one trigger router,
  -- master -> branch, so each node gets it once (§3). send-sql needs the
  -- table's active trigger_hist (§5).
  SELECT h.trigger_hist_id, h.source_table_name, t.channel_id INTO v_hist, v_table, v_channel
    FROM sym_trigger_hist h JOIN sym_trigger t ON t.trigger_id = h.trigger_id
    WHERE h.source_table_name = 'tabSingles' AND h.inactive_time IS NULL
      AND t.last_update_by = 'frappe_sds'
    ORDER BY h.trigger_hist_id DESC LIMIT 1;
  IF v_hist IS NULL THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_send_sql: no active sym_trigger_hist for tabSingles to ride on; wait until SymmetricDS has built its triggers';
  END IF;
  CALL sds__writer_begin(0, v_saved);
  -- §5 send-sql: event_type 'S', node_list = the targets, source_node_id
  -- NULL; row_data = the SQL as one CSV field: double-quoted, with \ and "
  -- backslash-escaped (§2)
  INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id,
                        transaction_id, source_node_id, external_data, node_list, create_time)
    VALUES (v_table, 'S',
            CONCAT('"', REPLACE(REPLACE(p_sql, v_bs, CONCAT(v_bs, v_bs)), '"', CONCAT(v_bs, '"')), '"'),
            v_hist, v_channel, NULL, NULL, NULL, v_list, NOW());
  SET v_data_id = LAST_INSERT_ID();
  INSERT INTO sds_sql_log (sent_at, sender, target, node_list, sql_text, data_id)
    VALUES (NOW(), IF(sds__site_db() <> DATABASE(), SESSION_USER(), CURRENT_USER()), p_target, v_list, p_sql, v_data_id);
  CALL sds__writer_end(1, v_saved);
  SELECT v_data_id AS data_id, v_list AS node_list, v_channel AS channel_id;
END//

DELIMITER ;
