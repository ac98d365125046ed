-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The SymmetricDS engine file of a node: sds_engine_properties(site_db, ...).
DELIMITER //

-- sds__prop_check(proc, what, value, pattern): a value that goes into the
-- engine file must match its pattern; and whatever the pattern, no line
-- break, NUL or backslash (in a Java .properties file a newline starts a
-- new key, and a backslash escapes or, at a line's end, continues it).
-- Patterns end in \z, not $ (PCRE's $ also matches before a final newline).
DROP PROCEDURE IF EXISTS frappe_sds.sds__prop_check//
CREATE PROCEDURE frappe_sds.sds__prop_check(IN p_proc VARCHAR(64), IN p_what VARCHAR(100), IN p_value TEXT,
                                 IN p_pattern VARCHAR(200), IN p_rule VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: refuse a value that would change an engine file''s meaning'
BEGIN
  DECLARE msg VARCHAR(700);
  IF p_value IS NULL OR p_value NOT REGEXP p_pattern OR p_value REGEXP '[\\r\\n\\x00]'
     OR INSTR(p_value, CHAR(92)) > 0 THEN
    SET msg = CONCAT(p_proc, ': ', p_what, ' ', IFNULL(QUOTE(LEFT(p_value, 200)), 'NULL'), ' must be ', p_rule);
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
END//

-- sds__properties_check(text): the assembled file, line by line: every line
-- empty, a comment (#) or one of the keys written here, each key once, no
-- backslash, no character below space: what SymmetricDS reads is exactly
-- what was written, whatever a value contained.
DROP PROCEDURE IF EXISTS frappe_sds.sds__properties_check//
CREATE PROCEDURE frappe_sds.sds__properties_check(IN p_text TEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the engine file has only its own keys, each once'
BEGIN
  DECLARE v_key VARCHAR(100);
  DECLARE v_seen TEXT DEFAULT ',';
  DECLARE v_line TEXT;
  DECLARE i INT DEFAULT 1;
  DECLARE n INT DEFAULT 1 + CHAR_LENGTH(p_text) - CHAR_LENGTH(REPLACE(p_text, CHAR(10), ''));
  IF INSTR(p_text, CHAR(92)) > 0 OR p_text REGEXP '[\\x00-\\x09\\x0b-\\x1f\\x7f]' THEN
    SIGNAL SQLSTATE 'XX000' SET MESSAGE_TEXT =
      'sds_engine_properties: the engine file would contain a backslash or a control character (a bug: every value is checked before)';
  END IF;
  WHILE i <= n DO
    SET v_line = SUBSTRING_INDEX(SUBSTRING_INDEX(p_text, CHAR(10), i), CHAR(10), -1);
    IF v_line <> '' AND LEFT(v_line, 1) <> '#' THEN
      SET v_key = SUBSTRING_INDEX(v_line, '=', 1);
      IF v_key NOT IN ('engine.name', 'db.driver', 'db.url', 'db.user', 'db.password', 'group.id',
                       'external.id', 'registration.url', 'sync.url', 'initial.load.create.first',
                       'sync.triggers.thread.count.per.server',
                       'db.connection.properties', 'frappe_sds.site.db', 'job.routing.period.time.ms')
         OR INSTR(v_line, '=') = 0 OR INSTR(v_seen, CONCAT(',', v_key, ',')) > 0 THEN
        SIGNAL SQLSTATE 'XX000' SET MESSAGE_TEXT =
          'sds_engine_properties: the engine file would set a key twice or a key of its own (a bug: every value is checked before)';
      END IF;
      SET v_seen = CONCAT(v_seen, v_key, ',');
    END IF;
    SET i = i + 1;
  END WHILE;
END//

-- sds_engine_properties(site_db, node, engine, db_name, db_server, db_user,
-- sync_url, registration_url): the text of engines/<engine>.properties for
-- a node of the site whose configuration is in site_db (the master's), with
-- the node's own database connection: db_name on db_server, which is
-- 'host' or 'host:port' (TCP) or the absolute path of a Unix socket. One
-- row, column properties. The node's group and the master group are read
-- from the site (sym_node, sds_setup_state) as frappe_sds_reader
-- (sds__read_value) and checked like every argument. For a site in the
-- runtime layout (frappe_sds.sds_site) they are read from its runtime
-- database, and the master's db.url names that database.
DROP PROCEDURE IF EXISTS frappe_sds.sds_engine_properties//
CREATE PROCEDURE frappe_sds.sds_engine_properties(IN p_site VARCHAR(255), IN p_node VARCHAR(255),
    IN p_engine VARCHAR(255), IN p_db VARCHAR(255), IN p_db_server VARCHAR(300),
    IN p_db_user VARCHAR(255), IN p_sync_url VARCHAR(1000), IN p_registration_url VARCHAR(1000))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: the SymmetricDS engine .properties text for a node of a site'
BEGIN
  DECLARE P VARCHAR(30) DEFAULT 'sds_engine_properties';
  DECLARE msg VARCHAR(700);
  DECLARE v_master, v_group TEXT;
  DECLARE v_lf CHAR(1) DEFAULT CHAR(10);
  DECLARE v_url, v_alt, v_host TEXT;
  DECLARE v TEXT;
  DECLARE v_rt VARCHAR(64);
  DECLARE v_cfg VARCHAR(64);
  DECLARE v_url_db VARCHAR(64);
  CALL sds__site(P, p_site);
  -- the runtime layout: the configuration is in the runtime database R (which
  -- only SymmetricDS's account and the DBA's definers write), and the
  -- master's engine connects to R
  CALL sds__runtime(P, p_site, v_rt);
  SET v_cfg = IFNULL(v_rt, p_site);
  CALL sds__prop_check(P, 'node external id', p_node, '^[A-Za-z0-9_.-]{1,50}\\z',
                       '1-50 characters of [A-Za-z0-9_.-]');
  IF p_node LIKE '~%' THEN
    CALL sds__prop_check(P, 'node external id', p_node, '^$', '1-50 characters of [A-Za-z0-9_.-]');
  END IF;
  -- engine.name: also the JMX name and part of the default sync.url: no underscores
  CALL sds__prop_check(P, 'engine name', p_engine, '^[A-Za-z0-9][A-Za-z0-9.-]{0,49}\\z',
                       '1-50 characters of [A-Za-z0-9.-] (no underscores, SymmetricDS uses it as a JMX name)');
  CALL sds__prop_check(P, 'database name', p_db, '^[A-Za-z0-9_$-]{1,64}\\z',
                       '1-64 characters of [A-Za-z0-9_$-] (it goes into a JDBC URL)');
  CALL sds__prop_check(P, 'database server', p_db_server,
                       '^(/[A-Za-z0-9_.,+@/-]{1,250}|[A-Za-z0-9][A-Za-z0-9.-]{0,252}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?)\\z',
                       'host, host:port, [IPv6]:port, or the absolute path of the node''s server''s Unix socket');
  CALL sds__prop_check(P, 'db user', p_db_user, '^[!-~]{1,128}\\z',
                       '1-128 printable ASCII characters without spaces or backslashes');
  CALL sds__prop_check(P, 'sync url', p_sync_url, '^(https?://[!-~]{1,990})?\\z',
                       'empty or an http:// or https:// URL of printable ASCII without spaces or backslashes');
  CALL sds__prop_check(P, 'registration url', p_registration_url, '^(https?://[!-~]{1,990})?\\z',
                       'empty (master) or an http:// or https:// URL of printable ASCII without spaces or backslashes');
  -- the site's configuration, read without running site code as the DBA
  CALL sds__read_value(P, v_cfg, 'sds_setup_state', 'master_group FROM @T WHERE id = ?', '1', v_master);
  IF v_master IS NULL THEN
    SET msg = CONCAT(P, ': no configuration in ', QUOTE(v_cfg), ' yet; the site runs sds_setup(master_group, branch_group) first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__prop_check(P, CONCAT('master group (', v_cfg, '.sds_setup_state)'), v_master,
                       '^[A-Za-z0-9_.-]{1,50}\\z', '1-50 characters of [A-Za-z0-9_.-]');
  CALL sds__read_value(P, v_cfg, 'sym_node',
                       'node_group_id FROM @T WHERE ? IN (node_id, external_id) ORDER BY node_id = external_id DESC',
                       p_node, v_group);
  IF v_group IS NULL THEN
    IF p_registration_url = '' THEN
      -- the root node: SymmetricDS inserts it at first start when
      -- registration.url is blank
      SET v_group = v_master;
    ELSE
      SET msg = CONCAT(P, ': unknown node ', QUOTE(p_node), ' in ', QUOTE(v_cfg),
                       '; the site opens its registration first with sds_add_branch');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
  END IF;
  CALL sds__prop_check(P, CONCAT('node group (', v_cfg, '.sym_node.node_group_id)'), v_group,
                       '^[A-Za-z0-9_.-]{1,50}\\z', '1-50 characters of [A-Za-z0-9_.-]');
  IF v_group = v_master AND p_registration_url <> '' THEN
    SET msg = CONCAT(P, ': node ', QUOTE(p_node),
                     ' is the master (registration server): its registration url must be empty');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group <> v_master AND p_registration_url = '' THEN
    SET msg = CONCAT(P, ': node ', QUOTE(p_node), ' is in group ', QUOTE(v_group),
                     ': it needs the master''s registration url');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group = v_master AND p_sync_url = '' THEN
    SET msg = CONCAT(P, ': node ', QUOTE(p_node),
                     ' is the master: branches reach it at its sync url, which must not be empty');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- the database the engine connects to: the node's own; for the master of
  -- a site in the runtime layout, the site's runtime database (SymmetricDS's
  -- default catalog; it reaches the site's tables by sym_trigger's
  -- source_catalog_name)
  SET v_url_db = p_db;
  -- a branch of a site in the runtime layout is in the runtime layout too
  -- (docs/install-runtime.md, the branch's steps): its engine connects to
  -- sym_<its site database>, which its DBA made with sds_runtime_create on
  -- the branch's server, and frappe_sds.site.db names its site database
  -- (its capture triggers' catalog, its loader's target: the master's
  -- configuration names none, 32_schema_ahead.sql)
  IF v_rt IS NOT NULL AND v_group <> v_master THEN
    IF LEFT(p_db, 4) = 'sym_' THEN
      SET msg = CONCAT(P, ': node ', QUOTE(p_node), ' is a branch of ', QUOTE(p_site),
                       ', which is in the runtime layout: name the branch''s site database (its engine connects to ',
                       'sym_<site database>, made by frappe_sds.sds_runtime_create on the branch''s server), not ',
                       QUOTE(p_db));
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    IF CHAR_LENGTH(p_db) > 60 THEN
      SET msg = CONCAT(P, ': the branch''s site database ', QUOTE(p_db), ' has over 60 characters: its runtime ',
                       'database sym_<site database> would have over 64');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_url_db = CONCAT('sym_', p_db);
  END IF;
  IF v_rt IS NOT NULL AND v_group = v_master THEN
    IF BINARY p_db NOT IN (BINARY p_site, BINARY v_rt) THEN
      SET msg = CONCAT(P, ': node ', QUOTE(p_node), ' is the master of ', QUOTE(p_site),
                       ', which is in the runtime layout: its engine connects to ', QUOTE(v_rt),
                       '; name its database ', QUOTE(p_site), ' (or ', QUOTE(v_rt), ')');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_url_db = v_rt;
  END IF;
  -- the node's own server
  IF LEFT(p_db_server, 1) = '/' THEN
    SET v_url = CONCAT('jdbc:mariadb://localhost/', v_url_db, '?localSocket=', p_db_server),
        v_alt = CONCAT('# over the Unix socket ', p_db_server, ' of the node''s server: ', QUOTE(p_db_user),
                       '@''localhost'' is the account it logs in as');
  ELSE
    SET v_url = CONCAT('jdbc:mariadb://', p_db_server, '/', v_url_db),
        v_host = IF(LEFT(p_db_server, 1) = '[', SUBSTRING_INDEX(SUBSTRING(p_db_server, 2), ']', 1),
                    SUBSTRING_INDEX(p_db_server, ':', 1));
    SET v_alt = IF(v_host = 'localhost',
      CONCAT('# TCP to localhost arrives from 127.0.0.1: it matches ', QUOTE(p_db_user), '@''localhost'' only while the', v_lf,
             '# node''s server runs with skip_name_resolve=OFF; with it ON (common in Frappe tuning) the', v_lf,
             '# account must be ', QUOTE(p_db_user), '@''127.0.0.1'' (and ''::1''), or use the Unix socket:', v_lf,
             '# db.url=jdbc:mariadb://localhost/', v_url_db, '?localSocket=/run/mysqld/mysqld.sock'),
      CONCAT('# over TCP to ', p_db_server, ': the account is ', QUOTE(p_db_user), '@<this engine''s host as the server sees it>'));
  END IF;
  SET v = CONCAT_WS(v_lf,
    CONCAT('# SymmetricDS engine ', p_engine, ' for node ', p_node, ' (group ', v_group, ') of ', p_site),
    '# written by frappe_sds.sds_engine_properties(); save as engines/<engine.name>.properties',
    IF(v_url_db = p_db OR v_group <> v_master, NULL,
       CONCAT('# ', v_url_db, ': the runtime database of ', p_site, ' (SymmetricDS''s tables); the site''s', v_lf,
              '# tables are reached by sym_trigger.source_catalog_name')),
    IF(v_url_db = p_db OR v_group = v_master, NULL,
       CONCAT('# ', v_url_db, ': the branch''s runtime database (SymmetricDS''s tables, made by', v_lf,
              '# frappe_sds.sds_runtime_create(', QUOTE(p_db), ') on the branch''s server); its site''s tables are in', v_lf,
              '# frappe_sds.site.db, named by its capture triggers and its writer filter sds_site_target')),
    CONCAT('engine.name=', p_engine),
    'db.driver=org.mariadb.jdbc.Driver',
    v_alt,
    CONCAT('db.url=', v_url),
    CONCAT('db.user=', p_db_user),
    CONCAT('# db.password: fill in the password of ', p_db_user,
           ' (frappe_sds never reads or prints it)'),
    'db.password=',
    CONCAT('group.id=', v_group),
    CONCAT('external.id=', p_node),
    CONCAT('registration.url=', p_registration_url),
    IF(v_url_db = p_db OR v_group = v_master, NULL, CONCAT('frappe_sds.site.db=', p_db)),
    IF(p_sync_url = '', '# sync.url: SymmetricDS default (branches are never called: they push and pull)',
       CONCAT('sync.url=', p_sync_url)),
    CONCAT('# a Frappe site has ~1,000 replicated tables, 3 capture triggers each: they are created by', v_lf,
           '# 4 threads (default 1; SymmetricDS reads the table models before, one by one).', v_lf,
           '# A branch completes its registration, and gets its first load, only once they exist.', v_lf,
           'sync.triggers.thread.count.per.server=4'),
    IF(v_group = v_master, NULL,
       CONCAT('# a branch''s loads insert row by row, one statement of up to ~230 columns each: prepared', v_lf,
              '# once on the server instead of sent as a new SQL text per row (MariaDB Connector/J''s', v_lf,
              '# default), the server does not parse every row again: the first load''s loader time -35 %', v_lf,
              'db.connection.properties=useServerPrepStmts=true')),
    IF(v_group = v_master,
       CONCAT('# first loads send data only: a branch site is a Frappe site with the same apps, so its', v_lf,
              '# tables exist; =true compared and re-created every table first (dropping and re-creating', v_lf,
              '# every secondary index, ~2,600 per branch) and made the branch rebuild all its triggers', v_lf,
              '# after the load. Schema changes reach branches as create_table=1 reloads (sds_sync_schema).', v_lf,
              'initial.load.create.first=false', v_lf,
              '# it routes every second (default every 10 s): a row waits for a routing run, then for its', v_lf,
              '# branch''s pull; with 10 s pulls the latency p99 at 16 branches was 18.8 s, 10.6 s with', v_lf,
              '# this (bench/RESULTS.scale.md section 7). The cost: an offline branch''s rows wait in a', v_lf,
              '# batch per second instead of per 10 s, and a routing run each second when idle', v_lf,
              'job.routing.period.time.ms=1000'),
       NULL),
    '');
  CALL sds__properties_check(v);
  SELECT v AS properties;
END//

DELIMITER ;
