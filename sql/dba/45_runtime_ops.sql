-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The runtime layout (docs/topology.md), the DBA's other decisions on a
-- site: which logins may send remote SQL (sds_allow_send_sql), and the
-- worker's rights on the site's runtime database (sds_grant_worker_runtime,
-- called by sds_grant_worker).

-- Who may send SQL to a site's nodes (frappe_sds's sds_send_sql in the
-- site's runtime database checks the caller's login here). Only DBAs write
-- it: nothing a site user writes decides who may run SQL on the fleet.
CREATE TABLE IF NOT EXISTS frappe_sds.sds_remote_sql_sender (
  site_db VARCHAR(64) NOT NULL,
  user_name VARCHAR(128) NOT NULL COMMENT 'the login''s user name (SESSION_USER() before the @)',
  host VARCHAR(255) NOT NULL COMMENT 'the login''s host as the server saw it (SESSION_USER() after the @)',
  allowed_at DATETIME NOT NULL,
  PRIMARY KEY (site_db, user_name, host)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  COMMENT='frappe_sds: logins a DBA allowed to send remote SQL for a site (runtime layout)';

DELIMITER //

-- sds__runtime_of(proc, site_db) -> the site's runtime database; refuses a
-- site without one (the classic layout)
DROP FUNCTION IF EXISTS frappe_sds.sds__runtime_of//
CREATE FUNCTION frappe_sds.sds__runtime_of(p_proc VARCHAR(64), p_db VARCHAR(255))
  RETURNS VARCHAR(64) CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the runtime database of a site, or an error'
BEGIN
  DECLARE v_rt VARCHAR(64);
  DECLARE msg VARCHAR(512);
  SET v_rt = (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = p_db);
  IF v_rt IS NULL THEN
    SET msg = CONCAT(p_proc, ': ', QUOTE(p_db), ' has no runtime database (frappe_sds.sds_site); ',
                     'a DBA runs CALL frappe_sds.sds_runtime_create(', QUOTE(p_db), ') first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  RETURN v_rt;
END//

-- sds_allow_send_sql(site_db, user, host) / sds_disallow_send_sql(...): the
-- login user@host may (may no longer) call sds_send_sql for the site. What
-- the DBA grants is large: the statement runs on every target node as
-- SymmetricDS's account there.
DROP PROCEDURE IF EXISTS frappe_sds.sds_allow_send_sql//
CREATE PROCEDURE frappe_sds.sds_allow_send_sql(IN p_db VARCHAR(255), IN p_user VARCHAR(255),
                                                IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: let one login send remote SQL for a site in the runtime layout'
BEGIN
  DECLARE v_rt VARCHAR(64);
  CALL sds__site('sds_allow_send_sql', p_db);
  SET v_rt = sds__runtime_of('sds_allow_send_sql', p_db);
  -- the login's user and host as SESSION_USER() shows them (e.g. localhost)
  CALL sds__login_args('sds_allow_send_sql', p_user, p_host);
  INSERT INTO frappe_sds.sds_remote_sql_sender (site_db, user_name, host, allowed_at)
    VALUES (p_db, p_user, p_host, NOW())
    ON DUPLICATE KEY UPDATE allowed_at = allowed_at;
  SELECT p_db AS site, CONCAT(p_user, '@', p_host) AS login, 'may send remote SQL' AS now;
END//

DROP PROCEDURE IF EXISTS frappe_sds.sds_disallow_send_sql//
CREATE PROCEDURE frappe_sds.sds_disallow_send_sql(IN p_db VARCHAR(255), IN p_user VARCHAR(255),
                                                   IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: take back sds_allow_send_sql'
BEGIN
  DECLARE v_rt VARCHAR(64);
  -- a bad or unregistered site is refused, as sds_allow_send_sql refuses it
  -- (else a misspelt name would delete nothing and say so quietly)
  CALL sds__site('sds_disallow_send_sql', p_db);
  SET v_rt = sds__runtime_of('sds_disallow_send_sql', p_db);
  DELETE FROM frappe_sds.sds_remote_sql_sender WHERE site_db = p_db AND user_name = p_user AND host = p_host;
  SELECT p_db AS site, CONCAT(p_user, '@', p_host) AS login,
         IF(ROW_COUNT() > 0, 'may no longer send remote SQL', 'was not allowed') AS now;
END//

-- sds__grant_worker_runtime(site_db, account): in the runtime layout the
-- worker runs the site's passes through the three entry points of the
-- runtime database (SQL SECURITY DEFINER, runtime.sql), and finds that
-- database in frappe_sds.sds_site: EXECUTE on those three, SELECT on the
-- map, nothing else there. A classic site: nothing.
DROP PROCEDURE IF EXISTS frappe_sds.sds__grant_worker_runtime//
CREATE PROCEDURE frappe_sds.sds__grant_worker_runtime(IN p_db VARCHAR(64), IN p_account VARCHAR(700))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the worker''s rights on a site''s runtime database'
BEGIN
  DECLARE v_rt VARCHAR(64) DEFAULT (SELECT runtime_db FROM frappe_sds.sds_site WHERE site_db = p_db);
  DECLARE v_p VARCHAR(64);
  DECLARE v_done INT DEFAULT 0;
  DECLARE cur CURSOR FOR SELECT routine_name FROM information_schema.routines
    WHERE routine_schema = v_rt AND routine_type = 'PROCEDURE'
      AND routine_name IN ('sds__worker_event', 'sds__worker_pass', 'sds__worker_record');
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  IF v_rt IS NOT NULL THEN
    CALL sds__exec(CONCAT('GRANT SELECT ON frappe_sds.sds_site TO ', p_account));
    OPEN cur;
    l: LOOP
      FETCH cur INTO v_p;
      IF v_done THEN LEAVE l; END IF;
      CALL sds__exec(CONCAT('GRANT EXECUTE ON PROCEDURE ', sds__ident(v_rt), '.', sds__ident(v_p),
                            ' TO ', p_account));
    END LOOP;
    CLOSE cur;
  END IF;
END//

DELIMITER ;

-- the definer of the runtime databases' routines reads the allowlist
CREATE USER IF NOT EXISTS 'frappe_sds_runtime'@'localhost' ACCOUNT LOCK;
GRANT SELECT ON frappe_sds.sds_remote_sql_sender TO 'frappe_sds_runtime'@'localhost';
