-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Isolation check for tests/upgrade.sh (not a test by itself): what each
-- branch's initial load selects, evaluated from the site's own
-- sym_trigger_router.initial_load_select (as SymmetricDS evaluates it, §4:
-- a WHERE on alias t, $(externalId) replaced by the node's external id),
-- against the test's oracle upg_oracle.host (company -> branch, written by
-- the test, not read from the product's tables).
--   (loaded with the site as the current database) CALL upg_check_loads('site')
--   fills upg_oracle.result:
--   one row per company-routed table and branch: rows selected, rows the
--   oracle expects, and selected rows of a company the branch does not host.
-- Covered: tables routed by their own company column (field:<col>), the
-- Company table (self:name), and child tables (parent) whose parent
-- document has its own company column.
DELIMITER //
-- Created in the site database: the load selects name the site's tables
-- unqualified (SymmetricDS runs them on a connection whose default database
-- is the site), and a routine resolves unqualified names in its own database.
CREATE OR REPLACE PROCEDURE upg_check_loads(IN p_db VARCHAR(64))
BEGIN
  DECLARE done INT DEFAULT 0;
  DECLARE v_tbl VARCHAR(64);
  DECLARE v_src VARCHAR(300);
  DECLARE v_ils LONGTEXT;
  DECLARE v_node VARCHAR(50);
  DECLARE v_where LONGTEXT;
  DECLARE v_own LONGTEXT;
  DECLARE v_scope LONGTEXT;
  DECLARE cur CURSOR FOR
    SELECT p.table_name, p.company_source, tr.initial_load_select, b.node
      FROM upg_oracle.plan p
      JOIN upg_oracle.tr tr ON tr.trigger_id = p.trigger_id
      CROSS JOIN (SELECT DISTINCT node FROM upg_oracle.host) b
     WHERE p.company_source LIKE 'field:%' OR p.company_source LIKE 'self:%'
        OR p.company_source = 'parent';
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
  -- the product's rows, copied (read through p_db)
  DROP TABLE IF EXISTS upg_oracle.plan, upg_oracle.tr, upg_oracle.result;
  SET @u = CONCAT('CREATE TABLE upg_oracle.plan AS SELECT doctype, table_name, company_source, trigger_id FROM `',
                  p_db, '`.sds_plan WHERE table_name IS NOT NULL');
  PREPARE s FROM @u; EXECUTE s; DEALLOCATE PREPARE s;
  SET @u = CONCAT('CREATE TABLE upg_oracle.tr AS SELECT trigger_id, initial_load_select FROM `',
                  p_db, '`.sym_trigger_router WHERE router_id = ''sds_m2b_company''');
  PREPARE s FROM @u; EXECUTE s; DEALLOCATE PREPARE s;
  CREATE TABLE upg_oracle.result (tbl VARCHAR(64), node VARCHAR(50), selected INT,
                                  expected INT, foreign_rows INT);
  CALL upg_oracle.fill_parents(p_db);
  OPEN cur;
  l: LOOP
    FETCH cur INTO v_tbl, v_src, v_ils, v_node;
    IF done THEN LEAVE l; END IF;
    SET v_where = IFNULL(REPLACE(v_ils, '$(externalId)', v_node), '1=1');
    -- the oracle: does row t belong to a company this branch hosts?
    IF v_src = 'parent' THEN
      -- its parent document's company; only rows whose parent DocType has
      -- its own company column are checked (rows of shared parents go to
      -- every branch, see the README)
      SET v_scope = 't.parenttype IN (SELECT pp.doctype FROM upg_oracle.plan pp WHERE pp.company_source = ''field:company'')';
      SET v_own = CONCAT('upg_oracle.parent_company(t.parenttype, t.parent)',
        ' IN (SELECT company FROM upg_oracle.host WHERE node = ''', v_node, ''')');
    ELSE
      SET v_scope = '1=1';
      SET v_own = CONCAT('t.`', SUBSTRING_INDEX(v_src, ':', -1),
        '` IN (SELECT company FROM upg_oracle.host WHERE node = ''', v_node, ''')');
    END IF;
    SET @u = CONCAT('INSERT INTO upg_oracle.result SELECT ', QUOTE(v_tbl), ', ', QUOTE(v_node),
      ', (SELECT COUNT(*) FROM `', p_db, '`.`', v_tbl, '` t WHERE (', v_where, ') AND ', v_scope, ')',
      ', (SELECT COUNT(*) FROM `', p_db, '`.`', v_tbl, '` t WHERE (', v_own, ') AND ', v_scope, ')',
      ', (SELECT COUNT(*) FROM `', p_db, '`.`', v_tbl, '` t WHERE (', v_where, ') AND ', v_scope,
      ' AND NOT IFNULL(', v_own, ', 0))');
    PREPARE s FROM @u; EXECUTE s; DEALLOCATE PREPARE s;
  END LOOP;
  CLOSE cur;
END//

-- company of document (doctype, name) of a DocType with a `company` column
CREATE OR REPLACE FUNCTION upg_oracle.parent_company(p_doctype VARCHAR(140),
                                                     p_name VARCHAR(140))
  RETURNS VARCHAR(140) NOT DETERMINISTIC READS SQL DATA
BEGIN
  -- (no dynamic SQL in functions: upg_oracle.fill_parents fills a lookup table)
  RETURN (SELECT company FROM upg_oracle.parent_doc
           WHERE doctype = p_doctype AND name = p_name);
END//

CREATE OR REPLACE PROCEDURE upg_oracle.fill_parents(IN p_db VARCHAR(64))
BEGIN
  DECLARE done INT DEFAULT 0;
  DECLARE v_dt VARCHAR(140);
  DECLARE v_tbl VARCHAR(64);
  DECLARE cur CURSOR FOR
    SELECT doctype, table_name FROM upg_oracle.plan WHERE company_source = 'field:company';
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
  DROP TABLE IF EXISTS upg_oracle.parent_doc;
  CREATE TABLE upg_oracle.parent_doc (doctype VARCHAR(140), name VARCHAR(140), company VARCHAR(140),
                                      PRIMARY KEY (doctype, name));
  OPEN cur;
  l: LOOP
    FETCH cur INTO v_dt, v_tbl;
    IF done THEN LEAVE l; END IF;
    SET @u = CONCAT('INSERT IGNORE INTO upg_oracle.parent_doc SELECT ', QUOTE(v_dt),
                    ', name, company FROM `', p_db, '`.`', v_tbl, '`');
    PREPARE s FROM @u; EXECUTE s; DEALLOCATE PREPARE s;
  END LOOP;
  CLOSE cur;
END//
DELIMITER ;
