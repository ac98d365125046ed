-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Company-filtered file sync: sds_setup_file_sync, sds_remove_file_sync.
DELIMITER //

-- ---------------------------------------------------------------------------
-- File sync (§8)
-- ---------------------------------------------------------------------------
-- Rows of file sync carry last_update_by = 'frappe_sds_files': sds_setup
-- deletes the sym_router and sym_channel rows tagged 'frappe_sds' that its
-- own configuration does not want.
DROP PROCEDURE IF EXISTS sds__file_route_views//
CREATE PROCEDURE sds__file_route_views(IN p_master VARCHAR(255), IN p_branch VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: (re)create sds_file_route_public/_private/sds_file_route from the File trigger''s company logic'
BEGIN
  DECLARE v_key MEDIUMTEXT;
  DECLARE j LONGTEXT;
  DECLARE qdb VARCHAR(140) DEFAULT sds_ident(DATABASE());
  DECLARE qsite VARCHAR(140) DEFAULT sds_ident(sds__site_db());   -- tabFile's
  -- The company of a file is what the capture trigger of tabFile computes
  -- (external_select: the company key of the attached document, '~all' for
  -- unattached files and shared documents, '~none' when unknown), with the
  -- row's columns in place of the trigger's NEW/OLD (§2 template variables).
  -- Taken from the configuration the core computes now, never from the
  -- sym_trigger row, which anyone who can write the site's tables can edit:
  -- no text of theirs becomes part of a view.
  CALL sds__check_library();   -- 10_plan.sql
  SELECT sds__config_agg(kind, a1, a2, a3, a4, a5, a6, a7) INTO j FROM (
    SELECT kind, a1, a2, a3, a4, a5, a6, a7 FROM sds__meta_input
    UNION ALL SELECT 'X', 'db', DATABASE(), NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'site_catalog', sds__site_db(), NULL, NULL, NULL, NULL, NULL
      FROM DUAL WHERE sds__site_db() <> DATABASE()
    UNION ALL SELECT 'X', 'runtime_catalog', DATABASE(), NULL, NULL, NULL, NULL, NULL
      FROM DUAL WHERE sds__site_db() <> DATABASE()
    UNION ALL SELECT 'X', 'config_api', '2', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'master_group', p_master, NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'branch_group', p_branch, NULL, NULL, NULL, NULL, NULL) i;
  CALL sds__raise_json_error(j);
  SET v_key = (SELECT x.es FROM JSON_TABLE(j, '$.sym_trigger[*]' COLUMNS (
                   t VARCHAR(255) PATH '$.source_table_name',
                   es MEDIUMTEXT PATH '$.external_select')) x
               WHERE x.t = 'tabFile' AND x.es IS NOT NULL LIMIT 1);
  SET v_key = IF(v_key IS NULL, '''~all''',
                 CONCAT('(', REPLACE(v_key, '$(curTriggerValue).$(curColumnPrefix)', 'f.'), ')'));
  -- SQL SECURITY INVOKER: whoever reads a view (SymmetricDS's account, a
  -- site user) reads with their own rights, never with the installer's
  SET @sds__sql = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_file_route AS ',
    'SELECT x.is_private, x.file_name, r.node_external_id, x.file_url, x.company_key ',
    'FROM (SELECT IF(f.file_url LIKE ''/private/files/%'', 1, 0) AS is_private, ',
    'CONVERT(SUBSTRING_INDEX(f.file_url, ''/'', -1) USING utf8mb4) COLLATE utf8mb4_unicode_ci AS file_name, ',
    'f.file_url, CONVERT(', v_key, ' USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key ',
    'FROM ', qsite, '.`tabFile` f WHERE IFNULL(f.is_folder, 0) = 0 ',
    'AND (f.file_url LIKE ''/files/%'' OR f.file_url LIKE ''/private/files/%'')) x ',
    'JOIN ', qdb, '.sds_company_route r ON r.company_key = x.company_key');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  -- what the lookuptable routers read: file name -> node (§3, §8)
  SET @sds__sql = CONCAT('CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_file_route_public AS ',
    'SELECT DISTINCT file_name, node_external_id FROM ', qdb, '.sds_file_route WHERE is_private = 0');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = CONCAT('CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_file_route_private AS ',
    'SELECT DISTINCT file_name, node_external_id FROM ', qdb, '.sds_file_route WHERE is_private = 1');
  PREPARE s FROM @sds__sql;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__sql = NULL;
END//

DROP PROCEDURE IF EXISTS sds_setup_file_sync//
CREATE PROCEDURE sds_setup_file_sync(IN p_site_path VARCHAR(1000))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: SymmetricDS file sync of the site''s public and private files, company by company'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_path VARCHAR(1000);
  DECLARE v_me, v_group, v_master, v_branch VARCHAR(50);
  DECLARE v_now DATETIME DEFAULT NOW();
  DECLARE v_param_by VARCHAR(50);
  DECLARE v_param MEDIUMTEXT;
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;
  -- the routes views are built from the tabFile trigger's company text,
  -- which names tabCompany unqualified (it runs in the site's trigger): not
  -- yet in the runtime layout (docs/topology.md, "How it was built")
  IF sds__site_db() <> DATABASE() THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_setup_file_sync: file sync is not available in the runtime layout yet (docs/topology.md); nothing was changed';
  END IF;
  SELECT master_group, branch_group INTO v_master, v_branch FROM sds_setup_state WHERE id = 1;
  IF v_master IS NULL THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT =
      'sds_setup_file_sync: no configuration yet; run sds_setup(master_group, branch_group) first';
  END IF;
  SET v_me = sds_node_id(), v_group = sds_node_group();
  IF v_me IS NOT NULL AND NOT (v_group <=> v_master) THEN
    SET msg = CONCAT('sds_setup_file_sync: this node ', QUOTE(v_me), ' is not in the master group ',
                     QUOTE(v_master), '; configure file sync on the master');
    SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = msg;
  END IF;
  -- the path: absolute, one line, no backslash; we cannot look at the
  -- file system from SQL, so only its syntax is checked
  SET v_path = TRIM(TRAILING '/' FROM p_site_path);
  IF p_site_path IS NULL OR p_site_path NOT LIKE '/%' OR v_path = ''
     OR p_site_path REGEXP '[[:cntrl:]]' OR INSTR(p_site_path, CHAR(92)) > 0
     OR INSTR(p_site_path, '$(') > 0
     OR CONCAT(v_path, '/') LIKE '%/../%' OR CONCAT(v_path, '/') LIKE '%/./%'
     OR CHAR_LENGTH(v_path) > 255 - CHAR_LENGTH('/private/files') THEN
    SET msg = CONCAT('sds_setup_file_sync: site path ', IFNULL(QUOTE(LEFT(p_site_path, 200)), 'NULL'),
                     ' must be an absolute path (e.g. /home/frappe/frappe-bench/sites/site1.local) ',
                     'of at most 241 characters, without control characters, backslashes, $( or . / .. parts');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = sds__site_db() AND table_name = 'tabFile') THEN
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = 'sds_setup_file_sync: this site has no tabFile';
  END IF;
  SELECT param_value, last_update_by INTO v_param, v_param_by FROM sym_parameter
    WHERE external_id = 'ALL' AND node_group_id = 'ALL' AND param_key = 'file.sync.enable';
  IF v_param IS NOT NULL AND TRIM(v_param) <> 'true' AND NOT (v_param_by <=> 'frappe_sds_files') THEN
    SET msg = CONCAT('sds_setup_file_sync: sym_parameter file.sync.enable is ', QUOTE(LEFT(v_param, 40)),
                     ', set by ', IFNULL(QUOTE(v_param_by), 'someone else'),
                     '; delete that row or set it to true first');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;

  IF EXISTS (SELECT 1 FROM sym_router WHERE router_id IN ('sds_files_m2b_pub', 'sds_files_m2b_prv',
               'sds_files_b2m') AND NOT (last_update_by <=> 'frappe_sds_files'))
     OR EXISTS (SELECT 1 FROM sym_file_trigger WHERE trigger_id IN ('sds_files_public',
               'sds_files_private') AND NOT (last_update_by <=> 'frappe_sds_files')) THEN
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT =
      'sds_setup_file_sync: a sym_router sds_files_* or sym_file_trigger sds_files_* row exists that frappe_sds did not write; rename or delete it first';
  END IF;

  -- views first (DDL commits): the routers read them
  CALL sds__file_route_views(v_master, v_branch);

  CALL sds__writer_begin(0, v_saved);
  -- §7: the file sync channels, with the flags SymmetricDS gives them when
  -- file.sync.enable=true (it creates them itself if missing; it re-asserts
  -- file_sync_flag); rows that exist are left alone
  INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, max_batch_to_send,
      batch_algorithm, reload_flag, file_sync_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT 'filesync', 3, 100, 10, 'nontransactional', 0, 1, 'frappe_sds: file sync',
           v_now, 'frappe_sds_files', v_now FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_channel WHERE channel_id = 'filesync');
  INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, max_batch_to_send,
      batch_algorithm, reload_flag, file_sync_flag, description, create_time,
      last_update_by, last_update_time)
    SELECT 'filesync_reload', 1, 100, 10, 'nontransactional', 1, 1, 'frappe_sds: file sync loads',
           v_now, 'frappe_sds_files', v_now FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_channel WHERE channel_id = 'filesync_reload');
  -- §8: file sync is off unless file.sync.enable=true
  INSERT INTO sym_parameter (external_id, node_group_id, param_key, param_value, create_time,
                             last_update_by, last_update_time)
    VALUES ('ALL', 'ALL', 'file.sync.enable', 'true', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(param_value <=> 'true', last_update_time, VALUES(last_update_time)),
      param_value = 'true';
  -- §8: snapshot rows are routed by the router of their file trigger
  -- router; a lookuptable router keyed on the snapshot's FILE_NAME sends a
  -- file to the nodes of its company, '~all' = every node (§3)
  INSERT INTO sym_router (router_id, source_node_group_id, target_node_group_id, router_type,
      router_expression, description, create_time, last_update_by, last_update_time)
    VALUES
    ('sds_files_m2b_pub', v_master, v_branch, 'lookuptable',
     'LOOKUP_TABLE=sds_file_route_public KEY_COLUMN=FILE_NAME LOOKUP_KEY_COLUMN=file_name EXTERNAL_ID_COLUMN=node_external_id ALL_NODES_VALUE=~all',
     'frappe_sds: public files to the branches of their company', v_now, 'frappe_sds_files', v_now),
    ('sds_files_m2b_prv', v_master, v_branch, 'lookuptable',
     'LOOKUP_TABLE=sds_file_route_private KEY_COLUMN=FILE_NAME LOOKUP_KEY_COLUMN=file_name EXTERNAL_ID_COLUMN=node_external_id ALL_NODES_VALUE=~all',
     'frappe_sds: private files to the branches of their company', v_now, 'frappe_sds_files', v_now),
    ('sds_files_b2m', v_branch, v_master, 'default', NULL,
     'frappe_sds: files made at a branch to the master', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(source_node_group_id <=> VALUES(source_node_group_id)
                            AND target_node_group_id <=> VALUES(target_node_group_id)
                            AND router_type <=> VALUES(router_type)
                            AND router_expression <=> VALUES(router_expression),
                            last_update_time, VALUES(last_update_time)),
      source_node_group_id = VALUES(source_node_group_id),
      target_node_group_id = VALUES(target_node_group_id),
      router_type = VALUES(router_type), router_expression = VALUES(router_expression),
      description = VALUES(description);
  INSERT INTO sym_file_trigger (trigger_id, channel_id, reload_channel_id, base_dir, recurse,
      sync_on_create, sync_on_modified, sync_on_delete, description, create_time,
      last_update_by, last_update_time)
    VALUES
    ('sds_files_public', 'filesync', 'filesync_reload', CONCAT(v_path, '/public/files'), 1, 1, 1, 1,
     'frappe_sds: the site''s public files', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'filesync', 'filesync_reload', CONCAT(v_path, '/private/files'), 1, 1, 1, 1,
     'frappe_sds: the site''s private files', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(base_dir <=> VALUES(base_dir), last_update_time, VALUES(last_update_time)),
      base_dir = VALUES(base_dir);
  -- initial_load_enabled=0 towards branches: §8 does not say that a file
  -- load goes through the lookuptable router, so frappe_sds does not risk
  -- sending every company's files to a new branch (see the README)
  INSERT INTO sym_file_trigger_router (trigger_id, router_id, enabled, initial_load_enabled,
      conflict_strategy, description, create_time, last_update_by, last_update_time)
    VALUES
    ('sds_files_public', 'sds_files_m2b_pub', 1, 0, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'sds_files_m2b_prv', 1, 0, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_public', 'sds_files_b2m', 1, 1, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now),
    ('sds_files_private', 'sds_files_b2m', 1, 1, 'source_wins', 'frappe_sds', v_now, 'frappe_sds_files', v_now)
    ON DUPLICATE KEY UPDATE trigger_id = trigger_id;
  CALL sds__writer_end(1, v_saved);
  SELECT t.trigger_id, t.base_dir, r.router_id, o.router_type, r.initial_load_enabled
    FROM sym_file_trigger t JOIN sym_file_trigger_router r ON r.trigger_id = t.trigger_id
    JOIN sym_router o ON o.router_id = r.router_id
    WHERE t.last_update_by = 'frappe_sds_files' ORDER BY t.trigger_id, r.router_id;
END//

DROP PROCEDURE IF EXISTS sds_remove_file_sync//
CREATE PROCEDURE sds_remove_file_sync()
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: delete the file sync rows sds_setup_file_sync wrote'
BEGIN
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;
  CALL sds__writer_begin(0, v_saved);
  DELETE FROM sym_file_trigger_router WHERE last_update_by = 'frappe_sds_files';
  DELETE t FROM sym_file_trigger t WHERE t.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger_router r WHERE r.trigger_id = t.trigger_id);
  DELETE o FROM sym_router o WHERE o.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger_router r WHERE r.router_id = o.router_id)
    AND NOT EXISTS (SELECT 1 FROM sym_trigger_router r WHERE r.router_id = o.router_id);
  DELETE c FROM sym_channel c WHERE c.last_update_by = 'frappe_sds_files'
    AND NOT EXISTS (SELECT 1 FROM sym_file_trigger t
                    WHERE t.channel_id = c.channel_id OR t.reload_channel_id = c.channel_id);
  UPDATE sym_parameter SET param_value = 'false', last_update_time = NOW()
    WHERE external_id = 'ALL' AND node_group_id = 'ALL' AND param_key = 'file.sync.enable'
      AND last_update_by = 'frappe_sds_files'
      AND NOT EXISTS (SELECT 1 FROM sym_file_trigger);
  CALL sds__writer_end(1, v_saved);
END//
DELIMITER ;
