-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Company <-> branch node mapping: sds_company_node, the view the
-- lookuptable router reads (sds_company_route), sds_map_company and
-- sds_unmap_company.

CREATE TABLE IF NOT EXISTS sds_company_node (
  company VARCHAR(140) NOT NULL COMMENT 'tabCompany.name',
  node_external_id VARCHAR(50) NOT NULL COMMENT 'sym_node.external_id of a branch',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (company, node_external_id),
  KEY node_external_id (node_external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='frappe_sds: which branch nodes host which companies (many-to-many)';

DELIMITER //
-- The view's text depends on whether this site has ERPNext's tabCompany:
-- built with dynamic SQL from information_schema.
BEGIN NOT ATOMIC
  -- tabCompany is the site's (@sds__site, 00_install.sql), sds_company_node
  -- frappe_sds's, in this database
  DECLARE db VARCHAR(64) DEFAULT @sds__site;
  DECLARE qdb VARCHAR(140) DEFAULT sds_ident(@sds__site);
  DECLARE qrt VARCHAR(140) DEFAULT sds_ident(DATABASE());
  DECLARE has_company INT;
  SELECT COUNT(*) INTO has_company FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabCompany' AND column_name = 'abbr';

  -- What SymmetricDS's lookuptable router reads on every routing pass:
  -- company key (tabCompany.abbr, which ERPNext keeps unique) -> branch
  -- node. The key is what the capture triggers put in external_data.
  -- The row ('~all','~all') makes "route to every node" work the same in
  -- SymmetricDS 3.12 and 3.15 (ALL_NODES_VALUE=~all, see the README).
  -- SQL SECURITY INVOKER: a site user can replace the tables it reads
  -- (sds_company_node by a view calling their own function): whoever reads
  -- it runs that with their own rights, never with the installer's.
  SET @sds__stmt = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_company_route AS ',
    IF(has_company,
       CONCAT('SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, ',
              'm.node_external_id, m.company ',
              'FROM ', qrt, '.sds_company_node m JOIN ', qdb, '.`tabCompany` c ',
              'ON c.name = m.company WHERE CHAR_LENGTH(c.abbr) BETWEEN 1 AND 50 ',
              'AND c.abbr NOT LIKE ''~%'' UNION ALL '),
       ''),
    'SELECT _utf8mb4''~all'' COLLATE utf8mb4_unicode_ci, ',
    '_utf8mb4''~all'' COLLATE utf8mb4_unicode_ci, NULL');
  PREPARE s FROM @sds__stmt;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__stmt = NULL;
END//

-- ---------------------------------------------------------------------------
-- Company <-> branch node mapping (read by the lookuptable router through
-- the view sds_company_route; changing it changes routing only)
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__check_company//
CREATE PROCEDURE sds__check_company(IN p_proc VARCHAR(64), IN p_company VARCHAR(255),
                                    IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: validate a company and a node external id'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_abbr VARCHAR(255);
  DECLARE v_found INT DEFAULT 0;
  DECLARE v_site VARCHAR(64) DEFAULT sds__site_db();
  -- \z, not $: $ also matches before a final newline
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': node external id ', IFNULL(QUOTE(p_node), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = v_site AND table_name = 'tabCompany') THEN
    SET msg = CONCAT(p_proc, ': this site has no tabCompany (ERPNext is not installed)');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  IF p_company IS NOT NULL THEN
    -- dynamic SQL: a Frappe-only site has no tabCompany to compile against
    SET @sds__abbr = NULL, @sds__found = 0;
    SET @sds__sql = CONCAT('SELECT abbr, 1 INTO @sds__abbr, @sds__found FROM ', sds_ident(v_site),
                           '.`tabCompany` WHERE name = ?');
    PREPARE s FROM @sds__sql;
    SET @sds__sql = NULL;
    SET @sds__company = p_company;
    EXECUTE s USING @sds__company;
    DEALLOCATE PREPARE s;
    SET v_abbr = @sds__abbr, v_found = @sds__found;
  END IF;
  IF NOT v_found THEN
    SET msg = CONCAT(p_proc, ': unknown company ', IFNULL(QUOTE(LEFT(p_company, 200)), 'NULL'),
                     ' (not in tabCompany)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_abbr IS NULL OR CHAR_LENGTH(v_abbr) NOT BETWEEN 1 AND 50 OR v_abbr LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': the company key (abbr) ', IFNULL(QUOTE(LEFT(v_abbr, 80)), 'NULL'),
                     ' of company ', QUOTE(LEFT(p_company, 140)),
                     ' does not fit SymmetricDS external_data (1-50 characters, not starting with ~); ',
                     'shorten the abbreviation first');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds_map_company//
CREATE PROCEDURE sds_map_company(IN p_company VARCHAR(255), IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: let branch node p_node host company p_company'
BEGIN
  CALL sds__check_company('sds_map_company', p_company, p_node);
  -- a registered branch gets the company's rows (22_moves.sql; the events
  -- do not depend on the mapping, and fail before anything is written)
  IF NOT EXISTS (SELECT 1 FROM sds_company_node WHERE company = p_company AND node_external_id = p_node) THEN
    CALL sds__company_rows_send('sds_map_company', p_company, p_node, 'R');
  END IF;
  INSERT INTO sds_company_node (company, node_external_id)
    SELECT p_company, p_node FROM DUAL WHERE NOT EXISTS
      (SELECT 1 FROM sds_company_node WHERE company = p_company AND node_external_id = p_node);
END//

DROP PROCEDURE IF EXISTS sds_unmap_company//
CREATE PROCEDURE sds_unmap_company(IN p_company VARCHAR(255), IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: stop sending company p_company to branch node p_node'
BEGIN
  DECLARE msg VARCHAR(512);
  IF NOT EXISTS (SELECT 1 FROM sds_company_node WHERE company = p_company AND node_external_id = p_node) THEN
    SET msg = CONCAT('sds_unmap_company: company ', IFNULL(QUOTE(LEFT(p_company, 200)), 'NULL'),
                     ' is not mapped to node ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  -- its rows leave a registered branch (22_moves.sql; the events do not
  -- depend on the mapping, and fail before anything is written)
  CALL sds__company_rows_send('sds_unmap_company', p_company, p_node, 'S');
  DELETE FROM sds_company_node WHERE company = p_company AND node_external_id = p_node;
END//
DELIMITER ;
