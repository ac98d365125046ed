-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Schema changes: the hook's event table (sds_schema_event), the state of
-- each change (sds_schema_change) and sds_sync_schema() with its passes.

CREATE TABLE IF NOT EXISTS sds_schema_event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('create','alter','rename','drop') NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  new_table_name VARCHAR(64) NULL COMMENT 'rename: the new name',
  seen_at DATETIME(2) NOT NULL,
  KEY table_name (table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: DDL seen by the FRAPPE_SDS audit hook, not yet handled';

CREATE TABLE IF NOT EXISTS sds_schema_change (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64) NOT NULL,
  trigger_id VARCHAR(128) NULL,
  kind ENUM('create','alter','rename','drop','drift') NOT NULL
    COMMENT 'drift: found by comparing live columns with sym_trigger_hist',
  renamed_from VARCHAR(64) NULL,
  state ENUM('pending','trigger_refresh','reload_requested','done','failed') NOT NULL,
  detected_at DATETIME(2) NOT NULL,
  ddl_at DATETIME(2) NULL COMMENT 'when the DDL was seen (ALTER events)',
  refresh_at DATETIME NULL COMMENT 'when SymmetricDS was asked to rebuild triggers',
  had_drift TINYINT NOT NULL DEFAULT 0,
  reload_time DATETIME NULL COMMENT 'create_time of its sym_table_reload_request rows',
  reload_count INT NOT NULL DEFAULT 0,
  message TEXT NULL,
  updated_at DATETIME(2) NOT NULL,
  KEY state (state),
  KEY table_name (table_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: schema changes of replicated tables and how far each got';
ALTER TABLE sds_schema_change ADD COLUMN IF NOT EXISTS needs_rebuild TINYINT NOT NULL DEFAULT 1
  COMMENT '0: the column names, types and key are unchanged, so SymmetricDS keeps its trigger (its table hash is the same): reload without waiting';

-- What each replicated table looked like at the last pass that had no open
-- change for it: what an ALTER is compared with. col_sig covers what
-- SymmetricDS's table hash covers (column names, types, sizes, primary
-- key: Table.calculateTableHashcode), attr_sig what a branch table also
-- needs (defaults, nullability, collation); anything else (indexes,
-- comments, table options) needs neither a trigger rebuild nor a reload.
CREATE TABLE IF NOT EXISTS sds_table_sig (
  table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  col_sig CHAR(32) CHARACTER SET ascii NOT NULL,
  attr_sig CHAR(32) CHARACTER SET ascii NOT NULL,
  taken_at DATETIME(2) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: column signature of each replicated table at the last settled pass';
ALTER TABLE sds_table_sig ADD COLUMN IF NOT EXISTS changed_at DATETIME(2) NULL
  COMMENT 'when a pass wrote a changed signature: a pass after a lost DDL event distrusts later changes';

-- The FRAPPE_SDS worker's view of this site (one row, written by the
-- worker's own connection through sds__worker_record): what it is doing
-- here, how its last pass ended and why, when it looks again. A site's
-- row lives in the site's own database: its user sees this site's worker
-- only, never another site's.
CREATE TABLE IF NOT EXISTS sds_worker (
  id TINYINT NOT NULL PRIMARY KEY DEFAULT 1,
  state ENUM('idle','queued','running','following_up') NOT NULL
    COMMENT 'queued: DDL waits for its debounce; following_up: changes wait for SymmetricDS, looked at every frappe_sds_poll_ms',
  pass_kind ENUM('full','follow_up','scan') NULL COMMENT 'of the running or last pass',
  pass_started_at DATETIME(3) NULL,
  pass_ended_at DATETIME(3) NULL,
  outcome ENUM('ok','failed') NULL COMMENT 'of the last pass that ended',
  last_error TEXT NULL COMMENT 'the last error of a pass of this site',
  last_error_at DATETIME(3) NULL,
  next_poll_at DATETIME(3) NULL COMMENT 'the worker looks at this site again by then (sooner on DDL)',
  events BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'DDL events of this site seen since the plugin started',
  coalesced BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'of which merged with one already queued',
  overflows BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'events not queued (frappe_sds_queue_max): the next pass compared every signature',
  passes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  errors BIGINT UNSIGNED NOT NULL DEFAULT 0,
  distrust_since DATETIME(3) NULL
    COMMENT 'DDL since then may have gone unseen (the queue overflowed): the next full pass treats every changed signature as a change',
  updated_at DATETIME(3) NOT NULL,
  CONSTRAINT one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: what the FRAPPE_SDS worker is doing on this site (written by the worker)';

DELIMITER //
-- ---------------------------------------------------------------------------
-- sds_sync_schema(): follow schema changes of the site (one code path for
-- the FRAPPE_SDS worker, Frappe's after_migrate hook, startup
-- reconciliation and servers without the plugin). See the README,
-- "Schema changes".
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__sync_step//
CREATE PROCEDURE sds__sync_step(IN p_master VARCHAR(50), IN p_branch VARCHAR(50),
                                IN p_me VARCHAR(50), IN p_now DATETIME, IN p_full TINYINT,
                                IN p_distrust_since DATETIME(3))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one pass of sds_sync_schema (caller owns the transaction)'
BEGIN
  DECLARE v_max_event BIGINT;
  DECLARE v_site VARCHAR(64) DEFAULT sds__site_db();   -- the site's tables
  SET v_max_event = (SELECT MAX(id) FROM sds_schema_event);
  -- DDL from before replication was set up (e.g. the site's own creation)
  -- travels with the initial load, not as a schema change
  DELETE FROM sds_schema_event WHERE id <= IFNULL(v_max_event, 0)
    AND seen_at < (SELECT updated_at FROM sds_setup_state WHERE id = 1);

  -- 1. The configuration follows the metadata: a new DocType's table gets
  --    its trigger, a dropped one loses it, a renamed one moves. (A full
  --    pass only: the caller computed sds__want_* and sds__change.)
  IF p_full THEN
  CALL sds__setup_apply();
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, renamed_from, state,
                                 detected_at, updated_at, message)
    SELECT w.source_table_name, w.trigger_id,
           IF(e.table_name IS NULL, 'create', 'rename'), e.table_name, 'pending',
           NOW(2), NOW(2), 'new replicated table'
    FROM sds__change c
    JOIN sds__want_trigger w ON w.trigger_id = c.k1
    LEFT JOIN sds_schema_event e ON e.kind = 'rename' AND e.id <= IFNULL(v_max_event, 0)
      AND e.new_table_name = w.source_table_name
    WHERE c.tbl = 'sym_trigger' AND c.action = 'insert'
      AND RIGHT(c.k1, 3) <> '.up'   -- the branches' trigger row of the table
    GROUP BY w.trigger_id
    ORDER BY w.trigger_id;  -- (ids in key order: the same on a STATEMENT replica)
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, state, detected_at,
                                 updated_at, message)
    SELECT c.detail, c.k1, IF(t.table_name IS NULL, 'drop', 'alter'), 'done', NOW(2), NOW(2),
           IF(t.table_name IS NULL,
              'table gone: its trigger and trigger routers were deleted',
              'no longer replicated: its trigger and trigger routers were deleted')
    FROM sds__change c
    LEFT JOIN information_schema.tables t ON t.table_schema = v_site
      AND BINARY t.table_name = BINARY c.detail
    WHERE c.tbl = 'sym_trigger' AND c.action = 'delete' AND RIGHT(c.k1, 3) <> '.up'
    ORDER BY c.k1;
  END IF;

  -- a table that went away (or stopped replicating) ends its open changes
  UPDATE sds_schema_change c SET c.state = 'done', c.updated_at = NOW(2),
         c.message = 'the table is no longer replicated (dropped or renamed again)'
    WHERE c.state IN ('pending', 'trigger_refresh')
      AND NOT EXISTS (SELECT 1 FROM sym_trigger t WHERE t.trigger_id = c.trigger_id);

  -- 2. What SymmetricDS captures (the active sym_trigger_hist) against the
  --    live columns: drift, from DDL seen by the hook or made while it was
  --    not watching (crash, plugin not installed).
  -- Live column lists, one row per table, in one pass over
  -- information_schema (a follow-up pass reads only the tables of open
  -- changes). Keyed temporary tables: the joins below are by key.
  -- Columns in SymmetricDS's order (sym_trigger_hist.column_names:
  -- primary-key columns first, then the others, each in table order:
  -- Trigger.orderColumnsForTable), with the signatures of sds_table_sig.
  CREATE TEMPORARY TABLE sds__cols (
    table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    cols MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    col_sig CHAR(32) CHARACTER SET ascii NOT NULL,
    attr_sig CHAR(32) CHARACTER SET ascii NOT NULL) ENGINE=Aria;
  IF p_full OR EXISTS (SELECT 1 FROM sds_schema_change o
                       WHERE o.state IN ('pending', 'trigger_refresh')) THEN
    INSERT INTO sds__cols
      SELECT table_name,
             GROUP_CONCAT(LOWER(column_name) ORDER BY column_key = 'PRI' DESC, ordinal_position
                          SEPARATOR ','),
             MD5(GROUP_CONCAT(column_name, ' ', column_type, ' ', column_key = 'PRI'
                              ORDER BY ordinal_position SEPARATOR '\n')),
             MD5(GROUP_CONCAT(column_name, ' ', is_nullable, ' ', IFNULL(collation_name, '-'),
                              ' ', IFNULL(column_default, '<none>')
                              ORDER BY ordinal_position SEPARATOR '\n'))
      FROM information_schema.columns WHERE table_schema = v_site
        AND (p_full OR table_name IN (SELECT o.table_name FROM sds_schema_change o
                                      WHERE o.state IN ('pending', 'trigger_refresh')))
      GROUP BY table_name;
  END IF;
  CREATE TEMPORARY TABLE sds__live (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
    SELECT t.trigger_id, t.source_table_name AS table_name, c.cols
    FROM sym_trigger t
    JOIN sds__cols c ON c.table_name = t.source_table_name COLLATE utf8mb4_bin
    WHERE t.last_update_by = 'frappe_sds'
      -- the master's trigger row (routed from the master group), not the
      -- branches' one: only the former has a sym_trigger_hist here
      AND EXISTS (SELECT 1 FROM sym_trigger_router tr JOIN sym_router r ON r.router_id = tr.router_id
                  WHERE tr.trigger_id = t.trigger_id AND r.source_node_group_id = p_master);
  CREATE TEMPORARY TABLE sds__hist (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
    SELECT h.trigger_id,
           CONVERT(LOWER(REPLACE(h.column_names, ' ', '')) USING utf8mb4) COLLATE utf8mb4_bin AS cols,
           h.create_time
    FROM sym_trigger_hist h
    JOIN (SELECT trigger_id, MAX(trigger_hist_id) AS id FROM sym_trigger_hist
          WHERE inactive_time IS NULL GROUP BY trigger_id) a ON a.id = h.trigger_hist_id
    JOIN sds__live l ON l.trigger_id = h.trigger_id;
  -- open changes absorb new evidence (a burst is one change per table)
  UPDATE sds_schema_change c JOIN sds__live l ON l.trigger_id = c.trigger_id
    JOIN sds__hist h ON h.trigger_id = c.trigger_id
    SET c.had_drift = 1, c.updated_at = NOW(2)
    WHERE c.state IN ('pending', 'trigger_refresh') AND l.cols <> h.cols AND c.had_drift = 0;
  -- ... and a later ALTER of their table: SymmetricDS's table-cache wait (3.)
  -- and "rebuilt after the DDL" (4.) count from the last DDL, and a change
  -- handed over before it is handed over again once that wait is past (a
  -- rebuild from the cache of before the ALTER would capture the old
  -- columns, and a reload then would follow a trigger that misses it)
  UPDATE sds_schema_change c
    JOIN (SELECT e.table_name, MAX(e.seen_at) AS seen_at FROM sds_schema_event e
          WHERE e.id <= IFNULL(v_max_event, 0) AND e.kind = 'alter'
          GROUP BY e.table_name) e ON e.table_name = c.table_name
    SET c.ddl_at = e.seen_at, c.needs_rebuild = 1, c.state = 'pending', c.updated_at = NOW(2)
    WHERE c.state IN ('pending', 'trigger_refresh') AND e.seen_at > IFNULL(c.ddl_at, c.detected_at);
  INSERT INTO sds_schema_change (table_name, trigger_id, kind, state, had_drift,
                                 detected_at, ddl_at, updated_at, message)
    SELECT l.table_name, l.trigger_id,
           IF(EXISTS (SELECT 1 FROM sds_schema_event e WHERE e.id <= IFNULL(v_max_event, 0)
                      AND e.kind = 'alter' AND e.table_name = l.table_name), 'alter', 'drift'),
           'pending', l.cols <> IFNULL(h.cols, l.cols), NOW(2),
           IFNULL((SELECT MAX(e.seen_at) FROM sds_schema_event e
                   WHERE e.id <= IFNULL(v_max_event, 0) AND e.kind = 'alter'
                     AND e.table_name = l.table_name), NOW(2)),
           NOW(2), 'columns differ from what SymmetricDS captures'
    FROM sds__live l LEFT JOIN sds__hist h ON h.trigger_id = l.trigger_id
    WHERE ((h.trigger_id IS NOT NULL AND l.cols <> h.cols)
           OR EXISTS (SELECT 1 FROM sds_schema_event e WHERE e.id <= IFNULL(v_max_event, 0)
                      AND e.kind = 'alter' AND e.table_name = l.table_name)
           -- p_distrust_since (the worker's queue of the site overflowed:
           -- DDL since then may have gone unseen): a signature that differs
           -- from the last settled one is a change, whatever explains it,
           -- and so is one that changed since (a pass that ran meanwhile
           -- may have taken the unseen DDL's columns as its baseline)
           OR (p_distrust_since IS NOT NULL AND EXISTS (SELECT 1 FROM sds_table_sig g
                 JOIN sds__cols k ON k.table_name = g.table_name
                 WHERE g.table_name = l.table_name COLLATE utf8mb4_bin
                   AND (g.col_sig <> k.col_sig OR g.attr_sig <> k.attr_sig
                        OR g.changed_at >= p_distrust_since - INTERVAL 1 SECOND))))
      AND NOT EXISTS (SELECT 1 FROM sds_schema_change o WHERE o.trigger_id = l.trigger_id
                      AND o.state IN ('pending', 'trigger_refresh'))
    ORDER BY l.trigger_id;

  -- 2b. An ALTER that kept the columns SymmetricDS hashes (names, types,
  --    sizes, key) leaves its trigger as it is (no rebuild will come):
  --    compared with the signature from before the DDL (taken before it
  --    was seen, or not trusted), it needs a reload at once when defaults,
  --    nullability or collations changed, and nothing at all otherwise
  --    (indexes, comments, table options).
  UPDATE sds_schema_change c
    JOIN sds__live l ON l.trigger_id = c.trigger_id
    JOIN sds__cols k ON k.table_name = l.table_name COLLATE utf8mb4_bin
    JOIN sds__hist h ON h.trigger_id = c.trigger_id
    JOIN sds_table_sig g ON g.table_name = l.table_name COLLATE utf8mb4_bin
    SET c.needs_rebuild = 0, c.updated_at = NOW(2),
        c.state = IF(g.attr_sig = k.attr_sig, 'done', c.state),
        c.message = IF(g.attr_sig = k.attr_sig,
          'no column changed (index, comment or table option): SymmetricDS keeps its trigger, branches need nothing',
          'defaults or nullability changed: SymmetricDS keeps its trigger; reload without waiting')
    WHERE c.state = 'pending' AND c.kind = 'alter' AND c.had_drift = 0
      AND l.cols = h.cols AND g.col_sig = k.col_sig AND g.taken_at < c.ddl_at;

  -- 3. Make SymmetricDS rebuild the changed tables' capture triggers now,
  --    not at its nightly sync: a changed sym_trigger row is routed as
  --    configuration, and the routing job then syncs just those triggers
  --    (ConfigurationChangedHelper: CTX_KEY_CHANGED_TRIGGER_IDS), which
  --    rebuilds one whose last_update_time is newer than its
  --    sym_trigger_hist (reason C). A branch gets the row too and syncs
  --    nothing (it is not a trigger of its group). (A sym_router change
  --    would make every node resync all of its ~1,000 tables.)
  --    That sync reads the table from SymmetricDS's table-model cache,
  --    which it clears only when it is older than cache.table.time.ms
  --    (AbstractDatabasePlatform.getTableFromCache): a rebuild from the
  --    cache would use the old columns (measured: a trigger naming a
  --    dropped column, which fails). The master's extension
  --    sds_fresh_models empties the cache when a sync starts
  --    (21_load_filter.sql). An ALTER is still handed over 5 s after it was
  --    seen: a master engine that has not loaded that extension yet (it
  --    loads sym_extension at start and when the row changes) with an
  --    engine file of 0.3.0, whose cache expires after 4 s, rebuilds from
  --    fresh models too. A new table was never cached. Asked again if no
  --    rebuild came within 30 s.
  --    (@sds_cache_wait_s overrides the 5 s, for tests whose SymmetricDS
  --    has no such cache.)
  --    The touch is newer than the active sym_trigger_hist row to the
  --    second both are stored with.
  DROP TEMPORARY TABLE IF EXISTS sds__touch;
  CREATE TEMPORARY TABLE sds__touch (PRIMARY KEY (id)) ENGINE=Aria AS
    SELECT c.id, c.trigger_id FROM sds_schema_change c
    WHERE c.needs_rebuild = 1
      AND ((c.state = 'pending'
            AND (c.kind IN ('create', 'rename')
                 OR IFNULL(c.ddl_at, c.detected_at)
                    <= NOW(2) - INTERVAL IFNULL(@sds_cache_wait_s, 5) SECOND))
           OR (c.state = 'trigger_refresh' AND c.refresh_at < p_now - INTERVAL 30 SECOND));
  UPDATE sym_trigger t JOIN sds__touch c ON c.trigger_id = t.trigger_id
    LEFT JOIN sds__hist h ON h.trigger_id = t.trigger_id
    SET t.last_update_time = GREATEST(p_now, IFNULL(h.create_time + INTERVAL 1 SECOND, p_now));
  UPDATE sds_schema_change c
    LEFT JOIN sds__touch t ON t.id = c.id
    SET c.state = 'trigger_refresh', c.refresh_at = p_now, c.updated_at = NOW(2),
        c.message = IF(c.needs_rebuild, 'waiting for SymmetricDS to rebuild the capture trigger',
                       c.message)
    WHERE t.id IS NOT NULL OR (c.state = 'pending' AND c.needs_rebuild = 0);
  UPDATE sds_schema_change SET updated_at = NOW(2),
         message = 'waiting 5 s after the DDL before SymmetricDS rebuilds the capture trigger'
    WHERE state = 'pending';
  DROP TEMPORARY TABLE sds__touch;

  -- 4. Rebuilt (the active sym_trigger_hist lists the live columns):
  --    one reload per table per registered branch, create_table=1 so the
  --    branch alters its table first, the company filter as reload_select,
  --    and one create_time for the whole pass: one load per branch (§5).
  CREATE TEMPORARY TABLE sds__ready ENGINE=Aria AS
    SELECT c.id, c.trigger_id, 0 AS n FROM sds_schema_change c
    JOIN sds__hist h ON h.trigger_id = c.trigger_id
    JOIN sds__live l ON l.trigger_id = c.trigger_id
    WHERE c.state = 'trigger_refresh' AND l.cols = h.cols
      -- a rebuilt trigger: the columns it lists changed, or (an ALTER that
      -- kept the column names, e.g. a type change) it was built after the
      -- table's last DDL (ddl_at: a later ALTER moves it on, 2.); or one
      -- SymmetricDS keeps (2b). (A rebuild SymmetricDS made on its own before
      -- the hand-over counts: issue 14, tests/followup_early_rebuild.sh.)
      AND (c.needs_rebuild = 0 OR c.had_drift = 1 OR c.kind IN ('create', 'rename')
           OR h.create_time >= DATE_FORMAT(c.ddl_at, '%Y-%m-%d %H:%i:%s'));
  IF p_me IS NULL THEN
    UPDATE sds_schema_change c JOIN sds__ready r ON r.id = c.id
      SET c.message = 'trigger rebuilt; waiting for sym_node_identity (is SymmetricDS started?)',
          c.updated_at = NOW(2);
  ELSE
    INSERT INTO sym_table_reload_request (target_node_id, source_node_id, trigger_id,
        router_id, create_time, create_table, delete_first, reload_select, processed,
        last_update_by, last_update_time)
      SELECT n.node_id, p_me, tr.trigger_id, tr.router_id, p_now, 1, 0,
             tr.initial_load_select, 0, 'frappe_sds', NOW()
      FROM sds__ready r
      JOIN sym_trigger_router tr ON tr.trigger_id = r.trigger_id AND tr.enabled = 1
        AND tr.initial_load_order >= 0
      JOIN sym_router o ON o.router_id = tr.router_id
        AND o.source_node_group_id = p_master AND o.target_node_group_id = p_branch
      JOIN sym_node n ON n.node_group_id = p_branch AND n.sync_enabled = 1
      JOIN sym_node_security s ON s.node_id = n.node_id AND s.registration_time IS NOT NULL
      WHERE NOT EXISTS (SELECT 1 FROM sym_table_reload_request q
        WHERE q.target_node_id = n.node_id AND q.source_node_id = p_me
          AND q.trigger_id = tr.trigger_id AND q.router_id = tr.router_id
          AND q.create_time = p_now);
    SET @sds__sync_reloads = @sds__sync_reloads + ROW_COUNT();
    -- (a multi-table UPDATE sees the old values of columns it sets: count
    -- first, in one pass over the requests of this pass)
    CREATE TEMPORARY TABLE sds__asked (PRIMARY KEY (trigger_id)) ENGINE=Aria AS
      SELECT q.trigger_id, COUNT(*) AS n FROM sym_table_reload_request q
      WHERE q.source_node_id = p_me AND q.create_time = p_now GROUP BY q.trigger_id;
    UPDATE sds__ready r JOIN sds__asked a ON a.trigger_id = r.trigger_id SET r.n = a.n;
    UPDATE sds_schema_change c JOIN sds__ready r ON r.id = c.id
      SET c.reload_time = p_now, c.updated_at = NOW(2), c.reload_count = r.n,
          c.state = IF(r.n > 0, 'reload_requested', 'done'),
          c.message = IF(r.n > 0, 'reload requested (create_table=1)',
                         'trigger rebuilt; no registered branch node to reload');
  END IF;

  -- 5. How far the reloads got: done when their data arrived, one new
  --    request after a cancel, failed after a second (31_reload_state.sql)
  CALL sds__reload_settle(p_me, p_now);

  -- 6. Signatures of the tables with nothing open (what the next ALTER
  --    is compared with); not for a table with DDL not handled yet.
  INSERT INTO sds_table_sig (table_name, col_sig, attr_sig, taken_at)
    SELECT l.table_name, k.col_sig, k.attr_sig, NOW(2)
    FROM sds__live l JOIN sds__cols k ON k.table_name = l.table_name COLLATE utf8mb4_bin
    WHERE NOT EXISTS (SELECT 1 FROM sds_schema_change o WHERE o.trigger_id = l.trigger_id
                      AND o.state IN ('pending', 'trigger_refresh'))
      AND NOT EXISTS (SELECT 1 FROM sds_schema_event e WHERE e.id > IFNULL(v_max_event, 0)
                      AND l.table_name IN (e.table_name, e.new_table_name))
    ON DUPLICATE KEY UPDATE
      taken_at = IF(sds_table_sig.col_sig = VALUES(col_sig)
                    AND sds_table_sig.attr_sig = VALUES(attr_sig), sds_table_sig.taken_at,
                    VALUES(taken_at)),
      -- (NOW() in a procedure: when this statement began, after the
      -- statement that read the columns; not SYSDATE, which a replica
      -- would compute again)
      changed_at = IF(sds_table_sig.col_sig = VALUES(col_sig)
                      AND sds_table_sig.attr_sig = VALUES(attr_sig), sds_table_sig.changed_at,
                      NOW(2)),
      col_sig = VALUES(col_sig), attr_sig = VALUES(attr_sig);

  DELETE FROM sds_schema_event WHERE id <= IFNULL(v_max_event, 0);
END//

DROP PROCEDURE IF EXISTS sds__sig_take//
CREATE PROCEDURE sds__sig_take(IN p_master VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: column signatures of the replicated tables that have none yet (sds_setup)'
BEGIN
  -- The tables first, then information_schema.columns joined to them: as
  -- `c.table_name IN (subquery)` the server re-read the schema's columns
  -- for every table (3.7 s instead of 50 ms on ERPNext, growing with the
  -- square of the tables: bench/RESULTS.md, benchmark 1 and 6).
  DECLARE v_notes INT DEFAULT @@sql_notes;
  DECLARE v_site VARCHAR(64) DEFAULT sds__site_db();   -- the site's tables
  SET sql_notes = 0;
  DROP TEMPORARY TABLE IF EXISTS sds__sig_tables;
  SET sql_notes = v_notes;
  CREATE TEMPORARY TABLE sds__sig_tables (table_name VARCHAR(64) CHARACTER SET utf8mb3
      COLLATE utf8mb3_bin PRIMARY KEY) ENGINE=Aria AS
    SELECT DISTINCT t.source_table_name AS table_name FROM sym_trigger t
      JOIN sym_trigger_router tr ON tr.trigger_id = t.trigger_id
      JOIN sym_router r ON r.router_id = tr.router_id
     WHERE t.last_update_by = 'frappe_sds' AND r.source_node_group_id = p_master;
  INSERT IGNORE INTO sds_table_sig (table_name, col_sig, attr_sig, taken_at)
    SELECT c.table_name,
           MD5(GROUP_CONCAT(c.column_name, ' ', c.column_type, ' ', c.column_key = 'PRI'
                            ORDER BY c.ordinal_position SEPARATOR '\n')),
           MD5(GROUP_CONCAT(c.column_name, ' ', c.is_nullable, ' ', IFNULL(c.collation_name, '-'),
                            ' ', IFNULL(c.column_default, '<none>')
                            ORDER BY c.ordinal_position SEPARATOR '\n')),
           NOW(2)
    FROM information_schema.columns c
    JOIN sds__sig_tables s ON s.table_name = c.table_name COLLATE utf8mb3_bin
    WHERE c.table_schema = v_site
    GROUP BY c.table_name;
  DROP TEMPORARY TABLE sds__sig_tables;
END//

DROP PROCEDURE IF EXISTS sds__sync_run//
CREATE PROCEDURE sds__sync_run(IN p_full TINYINT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: sds_sync_schema without result sets (what the worker calls)'
sync: BEGIN
  DECLARE v_master, v_branch, v_me, v_group VARCHAR(50);
  -- whole seconds: SymmetricDS groups reload requests into one load per
  -- (target, create_time), and 3.12-3.14 store seconds only (§5)
  DECLARE v_now DATETIME DEFAULT NOW();
  DECLARE v_saved VARCHAR(2100);
  DECLARE v_iso VARCHAR(40) DEFAULT @@SESSION.tx_isolation;
  DECLARE v_distrust DATETIME(3) DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    -- the error caught is the one reported, even when the clean-up fails
    SET @sds__j = NULL;
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    SET SESSION tx_isolation = v_iso;
    BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
      CALL sds__setup_cleanup();
    END;
    RESIGNAL;
  END;
  SET @sds__sync_reloads = 0, @sds__sync_role = NULL;
  SET p_full = IFNULL(p_full, 1) <> 0;
  -- one writer: the primary (a replica gets every row by replication)
  CALL sds__assert_writer('sds_sync_schema');
  SET v_master = (SELECT master_group FROM sds_setup_state WHERE id = 1),
      v_branch = (SELECT branch_group FROM sds_setup_state WHERE id = 1);
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_sync_schema: nothing to keep in sync yet; run sds_setup(master_group, branch_group) first';
  END IF;
  SET v_me = (SELECT i.node_id FROM sym_node_identity i LIMIT 1);
  SET v_group = (SELECT n.node_group_id FROM sym_node n WHERE n.node_id = v_me);
  IF v_group IS NOT NULL AND v_group <> v_master THEN
    -- a branch: its schema arrives with the master's reloads, and DDL that
    -- SymmetricDS runs here must not bounce back
    DELETE FROM sds_schema_event;
    SET @sds__sync_role = 'branch';
    LEAVE sync;
  END IF;
  SET @sds__sync_role = 'master';

  -- READ COMMITTED: the pass copies sym_trigger_hist, sym_trigger, ... into
  -- temporary tables; in REPEATABLE READ with the binlog on, InnoDB takes
  -- shared locks on every row such an INSERT ... SELECT reads, and
  -- SymmetricDS's trigger rebuild (which updates those rows) then
  -- deadlocks with every pass. (Not under STATEMENT binlogging, which
  -- InnoDB allows only in REPEATABLE READ; the pass is serialised by the
  -- lock below either way.)
  IF @@SESSION.binlog_format <> 'STATEMENT' THEN
    SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
  END IF;
  -- one sync at a time (the hook's worker and an after_migrate call), one
  -- configuration writer at a time (15_writers.sql)
  CALL sds__writer_begin(0, v_saved);
  -- A follow-up pass (p_full = 0: no new DDL, the worker waiting for
  -- SymmetricDS) only moves the open changes on: the configuration and the
  -- drift of other tables wait for the next DDL or sds_sync_schema() call.
  -- Recorded DDL events always get a full pass.
  IF NOT p_full AND EXISTS (SELECT 1 FROM sds_schema_event) THEN
    SET p_full = 1;
  END IF;
  IF p_full THEN
    CALL sds__setup_compute(v_master, v_branch);
    CALL sds__plan_store();
    SET @sds__j = NULL;
  END IF;
  -- the worker's queue of this site overflowed (sds__worker_pass): DDL
  -- may have gone unseen, so this full pass distrusts every signature
  -- change, and settles the flag with its own commit
  IF p_full THEN
    SET v_distrust = (SELECT w.distrust_since FROM sds_worker w WHERE w.id = 1);
  END IF;
  CALL sds__sync_step(v_master, v_branch, v_me, v_now, p_full, v_distrust);
  IF v_distrust IS NOT NULL THEN
    UPDATE sds_worker SET distrust_since = NULL WHERE id = 1 AND distrust_since = v_distrust;
  END IF;
  CALL sds__writer_end(1, v_saved);
  SET SESSION tx_isolation = v_iso;
  CALL sds__setup_cleanup();
END//

-- ---------------------------------------------------------------------------
-- What the FRAPPE_SDS worker calls, over its connection as the site's
-- worker account (plugin/sds_site.c names these routines and nothing else
-- of the site: the states of a change and SymmetricDS's tables are known
-- here only).
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__worker_event//
CREATE PROCEDURE sds__worker_event(IN p_kind VARCHAR(10), IN p_table VARCHAR(64),
                                   IN p_new_table VARCHAR(64), IN p_at DECIMAL(16,2))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the worker records a DDL event the hook saw (p_at: Unix time)'
BEGIN
  -- (a site not set up yet has nothing to keep in sync; a replica gets
  -- the primary's rows by replication)
  IF EXISTS (SELECT 1 FROM sds_setup_state) AND sds__replica_reason() IS NULL THEN
    INSERT INTO sds_schema_event (kind, table_name, new_table_name, seen_at)
      VALUES (p_kind, p_table, p_new_table, FROM_UNIXTIME(p_at));
  END IF;
END//

-- 1 on a Galera node that is not the one (index 0 in the primary
-- component) that follows up changes opened anywhere in the cluster
DROP FUNCTION IF EXISTS sds__galera_follower//
CREATE FUNCTION sds__galera_follower() RETURNS TINYINT
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: 1 on a Galera node other than the one with index 0 (it leaves follow-ups and scans to that one)'
BEGIN
  RETURN (SELECT variable_value FROM information_schema.global_variables
          WHERE variable_name = 'WSREP_ON') <=> 'ON'
     AND NOT (SELECT variable_value FROM information_schema.global_status
              WHERE variable_name = 'WSREP_LOCAL_INDEX') <=> '0';
END//

DROP PROCEDURE IF EXISTS sds__worker_pass//
CREATE PROCEDURE sds__worker_pass(IN p_kind VARCHAR(10), IN p_overflow_since DECIMAL(16,3),
    OUT p_ran TINYINT, OUT p_reloads BIGINT, OUT p_open_before BIGINT, OUT p_open_after BIGINT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: one pass of the worker (full, follow_up, scan): whether it ran, reloads requested, open changes before and after'
pass: BEGIN
  -- open: changes waiting for SymmetricDS, and DDL events written but not
  -- handled (a pass that failed after writing them: the next one retries)
  DECLARE v_open BIGINT DEFAULT 0;
  DECLARE v_todo TINYINT DEFAULT 0;
  SET p_ran = 0, p_reloads = 0, p_open_before = 0, p_open_after = 0;
  -- installed but not set up: nothing to keep in sync yet; a server that
  -- must not write (a replica): the primary's passes reach it
  IF NOT EXISTS (SELECT 1 FROM sds_setup_state) OR sds__replica_reason() IS NOT NULL THEN
    LEAVE pass;
  END IF;
  -- On Galera every node's worker sees the changes every other node opened:
  -- one node follows them up (and scans), the one with index 0 in the
  -- primary component (another takes index 0 when it leaves), so that the
  -- work is done once and the nodes' passes do not fail each other's
  -- certification; a node's own DDL is still handled where it was run.
  IF p_kind <> 'full' AND sds__galera_follower() THEN
    LEAVE pass;
  END IF;
  IF p_overflow_since > 0 THEN
    -- committed before the pass: a pass that fails leaves it for the next
    INSERT INTO sds_worker (id, state, distrust_since, updated_at)
      VALUES (1, 'running', FROM_UNIXTIME(p_overflow_since), NOW(3))
      ON DUPLICATE KEY UPDATE distrust_since =
        LEAST(IFNULL(distrust_since, VALUES(distrust_since)), VALUES(distrust_since));
  END IF;
  SET v_open = (SELECT COUNT(*) FROM sds_schema_change
                WHERE state IN ('pending', 'trigger_refresh', 'reload_requested'))
             + (SELECT COUNT(*) FROM sds_schema_event);
  IF p_kind = 'scan' AND v_open = 0 THEN
    LEAVE pass;
  END IF;
  -- Without new DDL (follow_up, scan), a pass only when it can move
  -- something: a change waiting for SymmetricDS's trigger rebuild always
  -- could (only the pass can tell: it compares the live columns with the
  -- active sym_trigger_hist, whatever its create_time), events left by a
  -- failed pass always (sds__sync_run makes it a full pass), a change
  -- waiting for reloads once none of its requests is left unprocessed.
  IF p_kind <> 'full' THEN
    SET v_todo = EXISTS (SELECT 1 FROM sds_schema_event)
      OR EXISTS (SELECT 1 FROM sds_schema_change WHERE state IN ('pending', 'trigger_refresh'))
      OR EXISTS (SELECT 1 FROM sds_schema_change c WHERE c.state = 'reload_requested'
                 AND NOT EXISTS (SELECT 1 FROM sym_table_reload_request q
                                 WHERE q.trigger_id = c.trigger_id
                                   AND q.create_time = c.reload_time AND q.processed = 0));
    IF NOT v_todo THEN
      SET p_open_before = v_open, p_open_after = v_open;
      LEAVE pass;
    END IF;
  END IF;
  CALL sds__sync_run(p_kind = 'full');
  SET p_ran = 1, p_reloads = IFNULL(@sds__sync_reloads, 0), p_open_before = v_open,
      p_open_after = (SELECT COUNT(*) FROM sds_schema_change
                      WHERE state IN ('pending', 'trigger_refresh', 'reload_requested'))
                   + (SELECT COUNT(*) FROM sds_schema_event);
END//

DROP PROCEDURE IF EXISTS sds__worker_record//
CREATE PROCEDURE sds__worker_record(IN p_state VARCHAR(20), IN p_kind VARCHAR(10),
    IN p_started DECIMAL(16,3), IN p_ended DECIMAL(16,3), IN p_outcome VARCHAR(10),
    IN p_error TEXT, IN p_error_at DECIMAL(16,3), IN p_next_poll DECIMAL(16,3),
    IN p_events BIGINT UNSIGNED, IN p_coalesced BIGINT UNSIGNED,
    IN p_overflows BIGINT UNSIGNED, IN p_passes BIGINT UNSIGNED, IN p_errors BIGINT UNSIGNED)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the worker records what it is doing on this site (times: Unix time)'
BEGIN
  -- (one row, replicated: on Galera the nodes that leave follow-ups to
  -- another write it only for their own DDL's passes)
  IF sds__replica_reason() IS NULL AND (p_kind = 'full' OR NOT sds__galera_follower()) THEN
  INSERT INTO sds_worker (id, state, pass_kind, pass_started_at, pass_ended_at, outcome,
                          last_error, last_error_at, next_poll_at, events, coalesced,
                          overflows, passes, errors, updated_at)
    VALUES (1, p_state, p_kind, FROM_UNIXTIME(p_started), FROM_UNIXTIME(p_ended), p_outcome,
            p_error, FROM_UNIXTIME(p_error_at), FROM_UNIXTIME(p_next_poll), p_events,
            p_coalesced, p_overflows, p_passes, p_errors, NOW(3))
    ON DUPLICATE KEY UPDATE state = VALUES(state), pass_kind = VALUES(pass_kind),
      pass_started_at = VALUES(pass_started_at), pass_ended_at = VALUES(pass_ended_at),
      outcome = VALUES(outcome), last_error = VALUES(last_error),
      last_error_at = VALUES(last_error_at), next_poll_at = VALUES(next_poll_at),
      events = VALUES(events), coalesced = VALUES(coalesced), overflows = VALUES(overflows),
      passes = VALUES(passes), errors = VALUES(errors), updated_at = VALUES(updated_at);
  END IF;
END//

DROP PROCEDURE IF EXISTS sds_sync_schema//
CREATE PROCEDURE sds_sync_schema()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: configure new tables, rebuild triggers and request per-company reloads after schema changes'
BEGIN
  -- the result: every change still open, and every change this call opened
  -- or moved on ('done' and 'failed' are final: no pass touches them again)
  DECLARE v_max_id BIGINT DEFAULT (SELECT IFNULL(MAX(id), 0) FROM sds_schema_change);
  DECLARE v_try INT DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    BEGIN   -- the error caught is the one reported, even if this fails
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
      DROP TEMPORARY TABLE IF EXISTS sds__open_before;
    END;
    RESIGNAL;
  END;
  -- first of all: on a replica even a temporary table would be binlogged
  -- (STATEMENT, MIXED) as a transaction of its own
  CALL sds__assert_writer('sds_sync_schema');
  -- A deadlock or a lock wait timeout means another writer won (on Galera
  -- another node's worker, whose pass the cluster certified first; or
  -- SymmetricDS's trigger rebuild): the pass was rolled back whole
  -- (sds__sync_run), and running it again is what the worker would do.
  -- A few times, then the error goes to the caller.
  retry: LOOP
    BEGIN
      DECLARE EXIT HANDLER FOR 1213, 1205
      BEGIN
        SET v_try = v_try + 1;
        IF v_try >= 8 THEN
          RESIGNAL;
        END IF;
      END;
      -- (the changes open before this call: a locking read, so inside the
      -- retry too)
      DROP TEMPORARY TABLE IF EXISTS sds__open_before;
      CREATE TEMPORARY TABLE sds__open_before (PRIMARY KEY (id)) ENGINE=Aria AS
        SELECT id FROM sds_schema_change WHERE state NOT IN ('done', 'failed');
      CALL sds__sync_run(1);
      LEAVE retry;
    END;
    DO SLEEP(0.2 * v_try);
  END LOOP;
  IF @sds__sync_role = 'branch' THEN
    SELECT 'branch' AS role, 'nothing to do: schema changes are made on the master' AS note;
  ELSE
    SELECT id, table_name, kind, state, reload_count, message FROM sds_schema_change
      WHERE state <> 'done' OR id > v_max_id OR id IN (SELECT id FROM sds__open_before)
      ORDER BY id;
  END IF;
  DROP TEMPORARY TABLE sds__open_before;
END//
DELIMITER ;
