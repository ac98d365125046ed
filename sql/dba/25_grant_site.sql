-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The site's own account on its runtime database: sds_grant_site(site_db,
-- user, host), for a site in the runtime layout.
DELIMITER //

-- sds_grant_site(site_db, user, host): the site's Frappe account may call
-- frappe_sds's API in the site's runtime database R and nothing else there:
-- EXECUTE on each public routine of R and SELECT on each public view of R
-- (public: named sds_*, not sds__*), routine by routine, view by view. They
-- run as their definer frappe_sds_runtime (runtime.sql creates them so);
-- the internal sds__* routines, the sym_* tables and SymmetricDS's function
-- stay out of its reach. A public object with another DEFINER is not
-- granted (it would run with that account's rights) and is reported. Every
-- other right the account holds on R (database, table or routine level) is
-- revoked. Run it again after runtime.sql is upgraded (new routines).
DROP PROCEDURE IF EXISTS frappe_sds.sds_grant_site//
CREATE PROCEDURE frappe_sds.sds_grant_site(IN p_db VARCHAR(255), IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: grant the site''s account the public API in its runtime database, nothing else there'
BEGIN
  DECLARE P VARCHAR(20) DEFAULT 'sds_grant_site';
  DECLARE msg VARCHAR(700);
  DECLARE v_rt VARCHAR(64);
  DECLARE v_account VARCHAR(700);
  DECLARE v_stmt TEXT;
  DECLARE v_done INT DEFAULT 0;
  DECLARE c CURSOR FOR SELECT stmt FROM sds__grant_site WHERE stmt IS NOT NULL ORDER BY id;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = 1;
  CALL sds__site(P, p_db);
  CALL sds__runtime(P, p_db, v_rt);
  IF v_rt IS NULL THEN
    SET msg = CONCAT(P, ': the site ', QUOTE(p_db), ' is in the classic layout (no row in frappe_sds.sds_site): ',
                     'its account reaches frappe_sds in the site database itself; to move it, CALL frappe_sds.sds_runtime_create(',
                     QUOTE(p_db), ') first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__grant_args(P, p_user, p_host);
  SET v_account = CONCAT(QUOTE(p_user), '@', QUOTE(p_host));
  -- SymmetricDS's account (sds_grant gave it SELECT on mysql.proc) would
  -- lose its rights on R here: name the site's account
  IF EXISTS (SELECT 1 FROM mysql.tables_priv WHERE user = p_user AND host = p_host AND db = 'mysql'
               AND table_name = 'proc' AND FIND_IN_SET('Select', table_priv)) THEN
    SET msg = CONCAT(P, ': ', v_account, ' is SymmetricDS''s account (it holds SELECT on mysql.proc, which sds_grant gives); ',
                     'this would take its rights on ', QUOTE(v_rt), '; name the site''s own (Frappe''s) account');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  DROP TEMPORARY TABLE IF EXISTS sds__grant_site;
  CREATE TEMPORARY TABLE sds__grant_site (
    id INT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20), name VARCHAR(64) COLLATE utf8mb4_bin,
    privilege VARCHAR(60), stmt TEXT, note TEXT);
  -- database-level grants on R (escaped, and the unescaped name whose _
  -- matched other databases too): revoked
  INSERT INTO sds__grant_site (kind, name, privilege, stmt, note)
    SELECT 'DATABASE', '*', 'revoked', NULL, CONCAT('held rights on ', d.db, '.*, revoked')
      FROM mysql.db d
      WHERE d.user = p_user AND d.host = p_host
        AND d.db IN (REPLACE(REPLACE(v_rt, '_', CONCAT(CHAR(92), '_')), '%', CONCAT(CHAR(92), '%')), v_rt);
  BEGIN
    DECLARE CONTINUE HANDLER FOR 1141, 1147 BEGIN END;
    CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__grant_db(v_rt), '.* FROM ', v_account));
    CALL sds__exec(CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(v_rt), '.* FROM ', v_account));
  END;
  -- the public API, from the catalogue of R
  INSERT INTO sds__grant_site (kind, name, privilege, stmt, note)
    SELECT r.routine_type, r.routine_name,
           IF(r.security_type = 'DEFINER' AND r.definer <> 'frappe_sds_runtime@localhost',
              'not granted: EXECUTE', 'EXECUTE'),
           IF(r.security_type = 'DEFINER' AND r.definer <> 'frappe_sds_runtime@localhost', NULL,
              CONCAT('GRANT EXECUTE ON ', r.routine_type, ' ', sds__ident(v_rt), '.', sds__ident(r.routine_name),
                     ' TO ', v_account)),
           IF(r.security_type = 'DEFINER' AND r.definer <> 'frappe_sds_runtime@localhost',
              CONCAT('its DEFINER is ', r.definer, ', not frappe_sds_runtime@localhost: it would run with that account''s rights; install runtime.sql again'),
              CONCAT('runs as ', IF(r.security_type = 'DEFINER', r.definer, 'the caller')))
      FROM information_schema.routines r
      WHERE r.routine_schema = v_rt AND r.routine_name LIKE 'sds\_%' AND r.routine_name NOT LIKE 'sds\_\_%'
      ORDER BY r.routine_type, r.routine_name;
  INSERT INTO sds__grant_site (kind, name, privilege, stmt, note)
    SELECT 'VIEW', v.table_name,
           IF(v.security_type = 'DEFINER' AND v.definer <> 'frappe_sds_runtime@localhost',
              'not granted: SELECT', 'SELECT'),
           IF(v.security_type = 'DEFINER' AND v.definer <> 'frappe_sds_runtime@localhost', NULL,
              CONCAT('GRANT SELECT ON ', sds__ident(v_rt), '.', sds__ident(v.table_name), ' TO ', v_account)),
           IF(v.security_type = 'DEFINER' AND v.definer <> 'frappe_sds_runtime@localhost',
              CONCAT('its DEFINER is ', v.definer, ', not frappe_sds_runtime@localhost: it would read with that account''s rights; install runtime.sql again'),
              CONCAT('reads as ', IF(v.security_type = 'DEFINER', v.definer, 'the caller')))
      FROM information_schema.views v
      WHERE v.table_schema = v_rt AND v.table_name LIKE 'sds\_%' AND v.table_name NOT LIKE 'sds\_\_%'
      ORDER BY v.table_name;
  -- table- and routine-level rights on R beyond those (an earlier grant, a
  -- routine that became internal, a table): revoked first
  INSERT INTO sds__grant_site (kind, name, privilege, stmt, note)
    SELECT 'TABLE', t.table_name, 'revoked',
           CONCAT('REVOKE ALL PRIVILEGES ON ', sds__ident(v_rt), '.', sds__ident(t.table_name), ' FROM ', v_account),
           CONCAT('held ', REPLACE(t.table_priv, ',', ', '), IF(t.column_priv <> '', ' and column rights', ''),
                  ' beyond SELECT on a public view')
      FROM mysql.tables_priv t
      WHERE t.user = p_user AND t.host = p_host AND t.db = v_rt
        AND NOT (t.table_priv = 'Select' AND t.column_priv = ''
                 AND EXISTS (SELECT 1 FROM sds__grant_site g
                             WHERE g.kind = 'VIEW' AND g.privilege = 'SELECT' AND g.name = t.table_name));
  INSERT INTO sds__grant_site (kind, name, privilege, stmt, note)
    SELECT r.routine_type, r.routine_name, 'revoked',
           CONCAT('REVOKE ALL PRIVILEGES ON ', r.routine_type, ' ', sds__ident(v_rt), '.', sds__ident(r.routine_name),
                  ' FROM ', v_account),
           CONCAT('held ', REPLACE(r.proc_priv, ',', ', '), ' beyond EXECUTE on a public routine')
      FROM mysql.procs_priv r
      WHERE r.user = p_user AND r.host = p_host AND r.db = v_rt
        AND NOT (r.proc_priv = 'Execute'
                 AND EXISTS (SELECT 1 FROM sds__grant_site g
                             WHERE g.kind = r.routine_type AND g.privilege = 'EXECUTE' AND g.name = r.routine_name));
  UPDATE sds__grant_site SET id = id - 1000000 WHERE privilege = 'revoked';
  SET v_done = 0;
  OPEN c;
  l: LOOP
    FETCH c INTO v_stmt;
    IF v_done THEN LEAVE l; END IF;
    CALL sds__exec(v_stmt);
  END LOOP;
  CLOSE c;
  SELECT privilege, CONCAT(kind, ' ', v_rt, '.', name) AS object, note
    FROM sds__grant_site
    ORDER BY privilege = 'revoked' DESC, privilege LIKE 'not granted%', kind, name;
  IF NOT EXISTS (SELECT 1 FROM sds__grant_site WHERE privilege IN ('EXECUTE', 'SELECT')) THEN
    SELECT CONCAT('no public routine or view in ', v_rt, ': install runtime.sql there (mariadb ', v_rt,
                  ' < runtime.sql), then call again') AS warning;
  END IF;
  DROP TEMPORARY TABLE sds__grant_site;
END//

DELIMITER ;
