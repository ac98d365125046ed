-- bench/sql/bench_procs.sql -- helper procedures installed into a site database
-- by bench/run.sh (benchmarks 3 and 5). All names start with bench_; the play
-- of SymmetricDS's trigger rebuild, symplay_sync_triggers(), comes from
-- sym/play_sync_triggers.sql, loaded first.
DELIMITER ;;

-- SymmetricDS's part after a DDL, done promptly: rebuild triggers of tables in
-- state trigger_refresh, and play the reload requests loaded (symplay_reloads_loaded).
DROP PROCEDURE IF EXISTS bench_emulate_symmetricds;;
CREATE PROCEDURE bench_emulate_symmetricds()
BEGIN
  IF EXISTS (SELECT 1 FROM sds_schema_change WHERE state = 'trigger_refresh') THEN
    CALL symplay_sync_triggers();
  END IF;
  CALL symplay_reloads_loaded();
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
