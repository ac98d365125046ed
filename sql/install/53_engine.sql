-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The SymmetricDS engine file: sds_engine_properties().
DELIMITER //

-- ---------------------------------------------------------------------------
-- The SymmetricDS engine file
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds_engine_properties//
CREATE FUNCTION sds_engine_properties(p_node VARCHAR(255), p_engine VARCHAR(255),
    p_db VARCHAR(255), p_db_user VARCHAR(255), p_sync_url VARCHAR(1000),
    p_registration_url VARCHAR(1000))
  RETURNS TEXT CHARSET utf8mb4
  READS SQL DATA SQL SECURITY INVOKER
  COMMENT 'frappe_sds: the SymmetricDS engine .properties text for a node of this site'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_master, v_branch, v_group VARCHAR(50);
  DECLARE v_lf CHAR(1) DEFAULT CHAR(10);
  DECLARE v_port INT DEFAULT @@port;
  DECLARE v TEXT;
  SELECT master_group, branch_group INTO v_master, v_branch FROM sds_setup_state WHERE id = 1;
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_engine_properties: no configuration yet; run sds_setup(master_group, branch_group) first';
  END IF;
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT('sds_engine_properties: node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-]');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- engine.name: also the JMX name and part of the default sync.url; no
  -- underscores (§10)
  IF p_engine IS NULL OR p_engine NOT REGEXP '^[A-Za-z0-9][A-Za-z0-9.-]{0,49}\\z' THEN
    SET msg = CONCAT('sds_engine_properties: engine name ', IFNULL(QUOTE(LEFT(p_engine, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9.-] (no underscores, SymmetricDS uses it as a JMX name)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_db IS NULL OR p_db NOT REGEXP '^[A-Za-z0-9_$-]{1,64}\\z' THEN
    SET msg = CONCAT('sds_engine_properties: database name ', IFNULL(QUOTE(LEFT(p_db, 70)), 'NULL'),
                     ' must be 1-64 characters of [A-Za-z0-9_$-] (it goes into a JDBC URL)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_db_user IS NULL OR p_db_user NOT REGEXP '^[!-~]{1,128}\\z' OR INSTR(p_db_user, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: db user ', IFNULL(QUOTE(LEFT(p_db_user, 140)), 'NULL'),
                     ' must be 1-128 printable ASCII characters without spaces or backslashes');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- URLs: one line each (a newline would inject properties), no spaces or
  -- backslashes (escape characters of .properties files). Patterns end in
  -- \z, not $: PCRE's $ also matches before a final newline.
  IF p_sync_url IS NULL OR (p_sync_url <> '' AND p_sync_url NOT REGEXP '^https?://[!-~]{1,990}\\z')
     OR INSTR(p_sync_url, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: sync url ', IFNULL(QUOTE(LEFT(p_sync_url, 200)), 'NULL'),
                     ' must be empty or an http:// or https:// URL of printable ASCII without spaces or backslashes');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_registration_url IS NULL
     OR (p_registration_url <> '' AND p_registration_url NOT REGEXP '^https?://[!-~]{1,990}\\z')
     OR INSTR(p_registration_url, CHAR(92)) > 0 THEN
    SET msg = CONCAT('sds_engine_properties: registration url ', IFNULL(QUOTE(LEFT(p_registration_url, 200)), 'NULL'),
                     ' must be empty (master) or an http:// or https:// URL of printable ASCII without spaces or backslashes');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_group = (SELECT node_group_id FROM sym_node WHERE node_id = p_node OR external_id = p_node
                 ORDER BY node_id = p_node DESC LIMIT 1);
  IF v_group IS NULL THEN
    IF p_registration_url = '' THEN
      -- the root node: SymmetricDS inserts it at first start when
      -- registration.url is blank (§10)
      SET v_group = v_master;
    ELSE
      SET msg = CONCAT('sds_engine_properties: unknown node ', QUOTE(p_node),
                       '; open its registration first with sds_add_branch');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
  END IF;
  IF v_group = v_master AND p_registration_url <> '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node),
                     ' is the master (registration server): its registration url must be empty (§10)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group <> v_master AND p_registration_url = '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node), ' is in group ', QUOTE(v_group),
                     ': it needs the master''s registration url');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group = v_master AND p_sync_url = '' THEN
    SET msg = CONCAT('sds_engine_properties: node ', QUOTE(p_node),
                     ' is the master: branches reach it at its sync url, which must not be empty');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_port IS NULL OR v_port = 0 THEN
    SET v_port = 3306;
  END IF;
  SET v = CONCAT_WS(v_lf,
    CONCAT('# SymmetricDS engine ', p_engine, ' for node ', p_node, ' (group ', v_group, ')'),
    '# written by frappe_sds sds_engine_properties(); save as engines/<engine.name>.properties',
    CONCAT('engine.name=', p_engine),
    'db.driver=org.mariadb.jdbc.Driver',
    CONCAT('# this server listens on port ', v_port,
           IF(@@skip_networking, ' but has networking off', ''),
           '; over the Unix socket instead: db.url=jdbc:mariadb://localhost/', p_db,
           '?localSocket=', IFNULL(@@socket, '/run/mysqld/mysqld.sock')),
    CONCAT('db.url=jdbc:mariadb://localhost:', v_port, '/', p_db),
    CONCAT('db.user=', p_db_user),
    CONCAT('# db.password: fill in the password of ', p_db_user,
           ' (frappe_sds never reads or prints it)'),
    'db.password=',
    CONCAT('group.id=', v_group),
    CONCAT('external.id=', p_node),
    CONCAT('registration.url=', p_registration_url),
    IF(p_sync_url = '', '# sync.url: SymmetricDS default (branches are never called: they push and pull)',
       CONCAT('sync.url=', p_sync_url)),
    IF(v_group = v_master,
       CONCAT('# first loads send data only: a branch site is a Frappe site with the same apps, so its', v_lf,
              '# tables exist; =true compared and re-created every table first (dropping and re-creating', v_lf,
              '# every secondary index, ~2,600 per branch) and made the branch rebuild all its triggers', v_lf,
              '# after the load. Schema changes reach branches as create_table=1 reloads (sds_sync_schema).', v_lf,
              'initial.load.create.first=false', v_lf,
              '# its table-model cache expires after 4 s (default 1 h): a capture trigger rebuilt after an', v_lf,
              '# ALTER must see the new columns; sds_sync_schema hands an ALTER over 5 s after the DDL', v_lf,
              'cache.table.time.ms=4000'),
       NULL),
    '');
  RETURN v;
END//

DELIMITER ;
