-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- How far the reloads of a schema change got (step 5 of sds__sync_step):
-- sds__reload_settle(). Issue 19 point 5: a change is `done` only when its
-- data arrived on every branch; a load SymmetricDS cancelled is asked for
-- exactly once more; `failed` says which load, why, and what to run.
--
-- What SymmetricDS writes (3.15.9, §5; InitialLoadService.cancelLoad,
-- cancelAllLoadsForTarget, DataService.insertReloadEvents,
-- DataServiceSqlMap updateTableReloadStatusDataLoaded):
--  - it stamps load_id on the request (with a sym_table_reload_status row)
--    before it queues the load, and sets processed = 1 once queued;
--  - a request it cancels before queueing it (a full load of that node was
--    queued: cancelAllLoadsForTarget) gets processed = 1 and no load_id;
--  - a load it cancels gets cancelled = 1, completed = 1 in
--    sym_table_reload_status (sql_message when an error caused it);
--  - completed = 1 alone: every batch of the load was acknowledged by the
--    target, i.e. the data arrived; error_flag = 1 while a batch of it is in
--    error (cleared when that batch loads: not final).
DELIMITER //

DROP PROCEDURE IF EXISTS sds__reload_settle//
CREATE PROCEDURE sds__reload_settle(IN p_me VARCHAR(50), IN p_now DATETIME)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: move schema changes in reload_requested on from their loads (caller owns the transaction)'
BEGIN
  IF p_me IS NULL OR NOT EXISTS (SELECT 1 FROM sds_schema_change WHERE state = 'reload_requested') THEN
    -- (no identity: no request of ours can be read; nothing open: nothing to do)
    SET p_me = NULL;
  ELSE
    -- (left over only by a pass that failed half-way; notes muted)
    SET @sds__reload_notes = @@sql_notes, sql_notes = 0;
    DROP TEMPORARY TABLE IF EXISTS sds__rl, sds__rs, sds__rc;
    SET sql_notes = @sds__reload_notes, @sds__reload_notes = NULL;
    -- the requests of each open change, the newest per node and router
    -- (an older one is one the newest replaced)
    CREATE TEMPORARY TABLE sds__rl ENGINE=Aria AS
      SELECT c.id, q.target_node_id, q.router_id, q.trigger_id, COUNT(*) AS n,
             MAX(q.create_time) AS t
      FROM sds_schema_change c
      JOIN sym_table_reload_request q ON q.trigger_id = c.trigger_id
        AND q.source_node_id = p_me AND q.create_time >= c.reload_time
      WHERE c.state = 'reload_requested'
      GROUP BY c.id, q.target_node_id, q.router_id, q.trigger_id;
    CREATE TEMPORARY TABLE sds__rs ENGINE=Aria AS
      SELECT r.id, r.target_node_id, r.router_id, r.trigger_id, r.n, r.t, q.load_id,
             CONVERT(CASE WHEN q.processed = 0 THEN 'waiting'
                  WHEN q.load_id IS NULL THEN 'cancelled'
                  WHEN st.load_id IS NULL THEN 'done'     -- its status row purged since
                  WHEN st.cancelled = 1 THEN 'cancelled'
                  WHEN st.completed = 1 THEN 'done'
                  WHEN st.error_flag = 1 THEN 'error'
                  ELSE 'loading' END USING utf8mb4) AS state,
             CONCAT(IF(q.load_id IS NULL, 'the request', CONCAT('load ', q.load_id)),
                    ' to node ', r.target_node_id,
                    IF(q.processed = 1 AND q.load_id IS NULL,
                       ' was cancelled before it was queued (SymmetricDS does so when a full load of that node is queued)',
                       CONCAT(IF(st.cancelled = 1, ' was cancelled by SymmetricDS', ' is in error'),
                              IFNULL(CONCAT(' (', LEFT(st.sql_message, 500), ')'),
                                     IF(st.cancelled = 1, ' (no error recorded)', ''))))) AS why
      FROM sds__rl r
      JOIN sym_table_reload_request q ON q.target_node_id = r.target_node_id
        AND q.source_node_id = p_me AND q.trigger_id = r.trigger_id
        AND q.router_id = r.router_id AND q.create_time = r.t
      LEFT JOIN sym_table_reload_status st ON st.load_id = q.load_id AND st.source_node_id = p_me;
    DROP TEMPORARY TABLE sds__rl;

    -- a first cancel: exactly one new request for that node and table, as
    -- the cancelled one was (one create_time per pass: one load per node)
    INSERT INTO sym_table_reload_request (target_node_id, source_node_id, trigger_id,
        router_id, create_time, create_table, delete_first, reload_select, before_custom_sql,
        processed, last_update_by, last_update_time)
      SELECT q.target_node_id, q.source_node_id, q.trigger_id, q.router_id, p_now,
             q.create_table, q.delete_first, q.reload_select, q.before_custom_sql, 0,
             'frappe_sds', NOW()
      FROM sds__rs s
      JOIN sym_table_reload_request q ON q.target_node_id = s.target_node_id
        AND q.source_node_id = p_me AND q.trigger_id = s.trigger_id
        AND q.router_id = s.router_id AND q.create_time = s.t
      WHERE s.state = 'cancelled' AND s.n = 1 AND s.t < p_now
      ORDER BY q.target_node_id, q.router_id;
    SET @sds__sync_reloads = IFNULL(@sds__sync_reloads, 0) + ROW_COUNT();
    -- asked once more; a cancel seen in the second its request was made
    -- cannot be asked for yet (a new request would have the same key): it
    -- waits for the next pass, neither counted nor failed
    UPDATE sds__rs SET state = IF(t < p_now, 'retried', 'waiting')
      WHERE state = 'cancelled' AND n = 1;

    -- per change: a second cancel fails it; all loads completed: done;
    -- else it stays open, saying what it waits for
    CREATE TEMPORARY TABLE sds__rc (PRIMARY KEY (id)) ENGINE=Aria AS
      SELECT s.id, SUM(s.state = 'cancelled') AS cancelled,
             SUM(s.state <> 'done') AS open, SUM(s.state = 'retried') AS retried,
             COUNT(*) AS loads, SUM(s.state = 'done') AS loaded,
             MIN(IF(s.state = 'cancelled', s.why, NULL)) AS failed_why,
             MIN(IF(s.state = 'retried', s.why, NULL)) AS retried_why,
             MIN(IF(s.state = 'error', s.why, NULL)) AS error_why
      FROM sds__rs s GROUP BY s.id;
    DROP TEMPORARY TABLE sds__rs;
    UPDATE sds_schema_change c
      LEFT JOIN sds__rc r ON r.id = c.id
      SET c.reload_count = c.reload_count + IFNULL(r.retried, 0),
          c.state = CASE WHEN r.id IS NULL OR r.open = 0 THEN 'done'
                         WHEN r.cancelled > 0 THEN 'failed'
                         ELSE c.state END,
          c.message = CASE
            WHEN r.id IS NULL
              THEN 'its reload requests are gone (purged by SymmetricDS after processing)'
            WHEN r.open = 0
              THEN CONCAT('reloaded: ', r.loaded, ' load(s) completed')
            WHEN r.cancelled > 0
              THEN CONCAT('reload failed: ', r.failed_why, ', after a first cancel; ',
                          'the branch may lack this change: once the cause is gone, run CALL sds_retry_schema_change(',
                          c.id, ')')
            WHEN r.retried > 0
              THEN CONCAT(r.retried_why, '; asked once more')
            WHEN r.error_why IS NOT NULL
              THEN CONCAT(r.error_why, '; SymmetricDS retries the batch (see CALL sds_doctor())')
            ELSE CONCAT('reload requested: ', r.loaded, ' of ', r.loads, ' load(s) completed') END,
          c.updated_at = NOW(2)
      WHERE c.state = 'reload_requested';
    DROP TEMPORARY TABLE sds__rc;
  END IF;
END//
DELIMITER ;
