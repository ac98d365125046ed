-- bench/sql/bench_procs.sql -- helper procedures installed into a site database
-- by bench/run.sh (benchmarks 3 and 5). All names start with bench_.
DELIMITER ;;

-- SymmetricDS's sync-triggers, for the trigger bookkeeping only (no database
-- triggers): the same as mysql-test/frappe_sds/include/play_sync_triggers.inc.
-- For every enabled trigger routed from the master group whose table exists,
-- write a new active sym_trigger_hist row when there is none (reason N), when
-- the table's columns (primary key first) differ from the active row's
-- column_names (reason S) or when the trigger row is newer (reason C), and
-- inactivate the row it replaces (shared/reference/symmetricds.md §2, §6).
DROP PROCEDURE IF EXISTS bench_play_sync_triggers;;
CREATE PROCEDURE bench_play_sync_triggers()
BEGIN
  DROP TEMPORARY TABLE IF EXISTS bench_play_is, bench_play_cols, bench_play_new;
  CREATE TEMPORARY TABLE bench_play_is (table_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
      cols TEXT, pks TEXT, KEY (table_name))
    AS SELECT table_name, GROUP_CONCAT(column_name ORDER BY column_key = 'PRI' DESC, ordinal_position) AS cols,
              GROUP_CONCAT(IF(column_key = 'PRI', column_name, NULL) ORDER BY ordinal_position) AS pks
         FROM information_schema.columns WHERE table_schema = DATABASE() GROUP BY table_name;
  CREATE TEMPORARY TABLE bench_play_cols AS
    SELECT t.trigger_id, t.source_table_name, i.cols, i.pks, t.last_update_time
      FROM sym_trigger t JOIN bench_play_is i ON i.table_name = t.source_table_name COLLATE utf8mb4_bin
     WHERE EXISTS (SELECT 1 FROM sym_trigger_router r JOIN sym_router o ON o.router_id = r.router_id
                   AND o.source_node_group_id = 'master' WHERE r.trigger_id = t.trigger_id AND r.enabled = 1);
  CREATE TEMPORARY TABLE bench_play_new AS
    SELECT p.*, h.trigger_hist_id AS old_id, BINARY h.column_names <> BINARY p.cols AS cols_changed
      FROM bench_play_cols p
      LEFT JOIN sym_trigger_hist h ON h.trigger_id = p.trigger_id AND h.inactive_time IS NULL
     WHERE h.trigger_hist_id IS NULL OR BINARY h.column_names <> BINARY p.cols
        OR p.last_update_time > h.create_time;
  UPDATE sym_trigger_hist h JOIN bench_play_new n ON n.old_id = h.trigger_hist_id
     SET h.inactive_time = NOW();
  INSERT INTO sym_trigger_hist (trigger_hist_id, trigger_id, source_table_name, table_hash,
      trigger_row_hash, trigger_template_hash, column_names, pk_column_names,
      last_trigger_build_reason, create_time)
    SELECT (SELECT IFNULL(MAX(trigger_hist_id), 0) FROM sym_trigger_hist) + ROW_NUMBER() OVER (ORDER BY n.trigger_id),
           n.trigger_id, n.source_table_name, 0, 0, 0, n.cols, IFNULL(n.pks, n.cols),
           IF(n.old_id IS NULL, 'N', IF(n.cols_changed, 'S', 'C')), GREATEST(NOW(), n.last_update_time)
      FROM bench_play_new n;
  DROP TEMPORARY TABLE bench_play_is, bench_play_cols, bench_play_new;
END;;

-- SymmetricDS's part after a DDL, done promptly: rebuild triggers of tables in
-- state trigger_refresh, and mark reload requests processed (loads done).
DROP PROCEDURE IF EXISTS bench_emulate_symmetricds;;
CREATE PROCEDURE bench_emulate_symmetricds()
BEGIN
  IF EXISTS (SELECT 1 FROM sds_schema_change WHERE state = 'trigger_refresh') THEN
    CALL bench_play_sync_triggers();
  END IF;
  UPDATE sym_table_reload_request SET processed = 1 WHERE processed = 0;
END;;

-- Loop of bench_emulate_symmetricds every p_sleep seconds until
-- bench_flag.stop is set (benchmark 5, run in its own session).
DROP PROCEDURE IF EXISTS bench_emulator_loop;;
CREATE PROCEDURE bench_emulator_loop(IN p_sleep DOUBLE)
BEGIN
  -- an error in one pass is counted and the loop goes on (SymmetricDS retries too)
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION UPDATE bench_flag SET errors = errors + 1;
  WHILE (SELECT stop FROM bench_flag) = 0 DO
    CALL bench_emulate_symmetricds();
    DO SLEEP(p_sleep);
  END WHILE;
END;;

-- Wait (polling every 10 ms, up to p_timeout s) until p_sql_cond, a boolean
-- SELECT expression, is true. Returns 1 if it became true, 0 on timeout.
DROP PROCEDURE IF EXISTS bench_wait;;
CREATE PROCEDURE bench_wait(IN p_cond TEXT, IN p_timeout DOUBLE)
BEGIN
  DECLARE t0 DATETIME(6) DEFAULT SYSDATE(6);
  SET @bench_ok = 0;
  SET @bench_sql = CONCAT('SELECT (', p_cond, ') INTO @bench_ok');
  PREPARE st FROM @bench_sql;
  EXECUTE st;
  WHILE IFNULL(@bench_ok, 0) = 0 AND TIMESTAMPDIFF(MICROSECOND, t0, SYSDATE(6)) < p_timeout * 1e6 DO
    DO SLEEP(0.01);
    EXECUTE st;
  END WHILE;
  DEALLOCATE PREPARE st;
  SELECT IFNULL(@bench_ok, 0) AS ok;
END;;

-- Benchmark 5: one ALTER on p_table, then the time until the worker has
-- inserted its reload requests, recorded in bench_latency (ms).
DROP PROCEDURE IF EXISTS bench_ddl_latency;;
CREATE PROCEDURE bench_ddl_latency(IN p_table VARCHAR(64), IN p_col VARCHAR(64), IN p_timeout DOUBLE)
BEGIN
  DECLARE t0 DATETIME(6);
  DECLARE n0 INT DEFAULT (SELECT COUNT(*) FROM sym_table_reload_request);
  SET @bench_sql = CONCAT('ALTER TABLE `', p_table, '` ADD COLUMN `', p_col, '` INT');
  PREPARE st FROM @bench_sql;
  SET t0 = SYSDATE(6);
  EXECUTE st;
  DEALLOCATE PREPARE st;
  WHILE (SELECT COUNT(*) FROM sym_table_reload_request) = n0
        AND TIMESTAMPDIFF(MICROSECOND, t0, SYSDATE(6)) < p_timeout * 1e6 DO
    DO SLEEP(0.005);
  END WHILE;
  INSERT INTO bench_latency (table_name, ms, ok)
    VALUES (p_table, TIMESTAMPDIFF(MICROSECOND, t0, SYSDATE(6)) / 1000,
            (SELECT COUNT(*) FROM sym_table_reload_request) > n0);
END;;
DELIMITER ;

CREATE TABLE IF NOT EXISTS bench_flag (stop INT NOT NULL, errors INT NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS bench_latency (id INT AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64), ms DOUBLE, ok INT);
