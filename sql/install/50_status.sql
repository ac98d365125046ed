-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Node awareness: sds_node_id(), sds_node_group(), sds_role() and the
-- one-row view sds_status (liveness, backlog, pending reloads and changes,
-- what the worker does on this site).

-- Facts about SymmetricDS are cited by section of
-- shared/reference/symmetricds.md.
DELIMITER //

-- ---------------------------------------------------------------------------
-- Node awareness
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds_node_id//
CREATE FUNCTION sds_node_id() RETURNS VARCHAR(50) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: this node''s SymmetricDS node id (sym_node_identity), NULL before SymmetricDS first started'
BEGIN
  -- sym_node_identity: a single row, this node (§10)
  RETURN (SELECT node_id FROM sym_node_identity ORDER BY node_id LIMIT 1);
END//

DROP FUNCTION IF EXISTS sds_node_group//
CREATE FUNCTION sds_node_group() RETURNS VARCHAR(50) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: this node''s node group, NULL when unknown'
BEGIN
  RETURN (SELECT n.node_group_id FROM sym_node n WHERE n.node_id = sds_node_id());
END//

-- Is this server one that must not write (a read replica, a Galera node
-- outside the primary component)? Everything frappe_sds writes reaches
-- replicas and the other Galera nodes by replication, from the one server
-- where the DDL or the CALL was issued; a replica that wrote too would
-- diverge (and, in ROW format, stop its SQL thread on the next event).
DROP FUNCTION IF EXISTS sds__replica_reason//
CREATE FUNCTION sds__replica_reason() RETURNS VARCHAR(200) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: why this server must not write (a replica), NULL if it may'
BEGIN
  -- (information_schema, not @@wsrep_*: the same text on builds without them)
  IF @@GLOBAL.read_only THEN
    RETURN 'read_only is ON';
  END IF;
  IF (SELECT variable_value FROM information_schema.global_status
      WHERE variable_name = 'SLAVES_RUNNING') > 0 THEN
    RETURN 'a replication SQL thread is running (SHOW ALL SLAVES STATUS)';
  END IF;
  IF (SELECT variable_value FROM information_schema.global_variables
      WHERE variable_name = 'WSREP_ON') = 'ON'
     AND NOT ((SELECT variable_value FROM information_schema.global_status
               WHERE variable_name = 'WSREP_READY') <=> 'ON'
          AND (SELECT variable_value FROM information_schema.global_status
               WHERE variable_name = 'WSREP_CLUSTER_STATUS') <=> 'Primary') THEN
    RETURN 'this Galera node is not ready in the primary component';
  END IF;
  RETURN NULL;
END//

DROP PROCEDURE IF EXISTS sds__assert_writer//
CREATE PROCEDURE sds__assert_writer(IN p_proc VARCHAR(64))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse to write on a replica'
BEGIN
  DECLARE v_why VARCHAR(200) DEFAULT sds__replica_reason();
  DECLARE v_msg VARCHAR(512);
  IF v_why IS NOT NULL THEN
    SET v_msg = CONCAT(p_proc, ': this server is a replica (', v_why,
      '); frappe_sds writes only on the primary, and its rows reach this server by replication');
    SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = v_msg;
  END IF;
END//

DROP FUNCTION IF EXISTS sds_role//
CREATE FUNCTION sds_role() RETURNS VARCHAR(10) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: replica, master, branch, or NULL (no identity yet, no sds_setup, or another group)'
BEGIN
  DECLARE v_group VARCHAR(50) DEFAULT sds_node_group();
  IF sds__replica_reason() IS NOT NULL THEN
    RETURN 'replica';
  END IF;
  RETURN (SELECT CASE v_group WHEN s.master_group THEN 'master'
                              WHEN s.branch_group THEN 'branch' END
          FROM sds_setup_state s WHERE s.id = 1);
END//

DROP FUNCTION IF EXISTS sds__param//
CREATE FUNCTION sds__param(p_key VARCHAR(80)) RETURNS MEDIUMTEXT CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a sym_parameter value for this node (precedence of §10), NULL if not in the database'
BEGIN
  -- §10: ALL/ALL < ALL/<group> < <external_id>/<group>. Values from the
  -- engine .properties file are not visible from SQL.
  DECLARE v_group VARCHAR(50) DEFAULT sds_node_group();
  DECLARE v_ext VARCHAR(255) DEFAULT (SELECT n.external_id FROM sym_node n WHERE n.node_id = sds_node_id());
  RETURN (SELECT p.param_value FROM sym_parameter p
          WHERE p.param_key = p_key
            AND ((p.external_id = 'ALL' AND p.node_group_id = 'ALL')
              OR (p.external_id = 'ALL' AND p.node_group_id = v_group)
              OR (p.external_id = v_ext AND p.node_group_id = v_group))
          ORDER BY (p.external_id <> 'ALL') DESC, (p.node_group_id <> 'ALL') DESC
          LIMIT 1);
END//

DROP FUNCTION IF EXISTS sds__heartbeat_period_s//
CREATE FUNCTION sds__heartbeat_period_s() RETURNS BIGINT
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: job.heartbeat.period.time.ms in seconds (default 900000 ms, §10)'
BEGIN
  DECLARE v MEDIUMTEXT DEFAULT TRIM(sds__param('job.heartbeat.period.time.ms'));
  IF v IS NULL OR v NOT REGEXP '^[0-9]{1,12}\\z' OR CAST(v AS UNSIGNED) = 0 THEN
    RETURN 900;
  END IF;
  RETURN GREATEST(1, CAST(v AS UNSIGNED) DIV 1000);
END//

-- One row: what Frappe needs to know about replication here. Liveness per
-- §10: the local sym_node_host row's heartbeat_time within ~2x the heartbeat
-- period, or a recent last_restart_time.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_status AS
SELECT h.node_id, h.node_group, h.external_id, h.role,
       st.master_group, st.branch_group,
       h.heartbeat_time, h.last_restart_time,
       TIMESTAMPDIFF(SECOND, h.heartbeat_time, NOW()) AS heartbeat_age_s,
       h.period_s AS heartbeat_period_s,
       CASE WHEN h.node_id IS NULL OR h.last_restart_time IS NULL THEN NULL
            WHEN TIMESTAMPDIFF(SECOND, h.heartbeat_time, NOW()) <= 2 * h.period_s
              OR TIMESTAMPDIFF(SECOND, h.last_restart_time, NOW()) <= 2 * h.period_s THEN 1
            ELSE 0 END AS alive,
       (SELECT COUNT(*) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE IFNULL(b.status, '') NOT IN ('OK', 'IG')) AS batches_unsent,
       (SELECT COUNT(*) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE b.error_flag = 1 OR b.status = 'ER') AS batches_in_error,
       (SELECT MIN(b.create_time) FROM sym_outgoing_batch b JOIN sym_node n ON n.node_id = b.node_id
        WHERE IFNULL(b.status, '') NOT IN ('OK', 'IG')) AS oldest_unsent_batch,
       (SELECT COUNT(*) FROM sym_node n WHERE n.node_group_id = st.branch_group) AS branches,
       (SELECT COUNT(*) FROM sym_node n JOIN sym_node_security s ON s.node_id = n.node_id
        WHERE n.node_group_id = st.branch_group AND s.registration_time IS NOT NULL) AS branches_registered,
       (SELECT COUNT(*) FROM sym_table_reload_request q WHERE q.processed = 0) AS reloads_pending,
       (SELECT COUNT(*) FROM sym_node_security s WHERE s.initial_load_enabled = 1) AS initial_loads_pending,
       (SELECT COUNT(*) FROM sds_schema_change c WHERE c.state NOT IN ('done', 'failed')) AS schema_changes_pending,
       (SELECT i.version FROM sds_install i WHERE i.id = 1) AS frappe_sds_version,
       -- the FRAPPE_SDS worker on this site (its row of sds_worker: this
       -- site's only; frappe_sds_databases is a global variable anyone
       -- may read, so whether the site is listed tells nothing new)
       CASE WHEN NOT EXISTS (SELECT 1 FROM information_schema.plugins
                             WHERE plugin_name = 'FRAPPE_SDS_WORKER' AND plugin_status = 'ACTIVE')
              THEN 'not loaded'
            WHEN NOT EXISTS (SELECT 1 FROM information_schema.global_variables v
                             WHERE v.variable_name = 'FRAPPE_SDS_DATABASES'
                               AND FIND_IN_SET(sds__site_db(), REPLACE(v.variable_value, ' ', '')) > 0)
              THEN 'not served'
            ELSE IFNULL(w.state, 'not seen yet') END AS worker_state,
       w.pass_ended_at AS worker_pass_ended_at, w.outcome AS worker_outcome,
       w.last_error AS worker_last_error, w.next_poll_at AS worker_next_poll_at
FROM (SELECT 1 AS one) d
LEFT JOIN sds_setup_state st ON st.id = 1
LEFT JOIN sds_worker w ON w.id = 1
LEFT JOIN (SELECT sds_node_id() AS node_id, sds_node_group() AS node_group, sds_role() AS role,
                  (SELECT n.external_id FROM sym_node n WHERE n.node_id = sds_node_id()) AS external_id,
                  (SELECT MAX(x.heartbeat_time) FROM sym_node_host x WHERE x.node_id = sds_node_id()) AS heartbeat_time,
                  (SELECT MAX(x.last_restart_time) FROM sym_node_host x WHERE x.node_id = sds_node_id()) AS last_restart_time,
                  sds__heartbeat_period_s() AS period_s) h ON 1 = 1//

DELIMITER ;
