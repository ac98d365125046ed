-- frappe_sds demo (run by scripts/demo.sh against a throwaway server with
-- the bundled ERPNext v13 site loaded as the current database).
-- What a DBA and a Frappe operator would do on the master, in order.

SELECT '1. The DBA installs the plugin and the SQL API into the site' AS step;
INSTALL SONAME 'frappe_sds';
source sql/install.sql
SELECT plugin_name, plugin_status, plugin_maturity, plugin_auth_version AS version
  FROM information_schema.plugins WHERE plugin_name = 'FRAPPE_SDS';
SELECT version, installed_at IS NOT NULL AS installed FROM sds_install;

SELECT '2. The replication plan: how each DocType and table replicates' AS step;
CALL sds_refresh_plan();
SELECT scope, COUNT(*) AS doctypes_and_tables,
       SUM(trigger_id IS NOT NULL) AS replicated_tables
  FROM sds_plan GROUP BY scope ORDER BY FIELD(scope, 'company', 'child', 'global',
  'singles', 'node_local', 'excluded');
SELECT COALESCE(doctype, CONCAT('(table ', table_name, ')')) AS what, scope,
       company_source, LEFT(COALESCE(parents, ''), 60) AS parents,
       LEFT(reason, 70) AS reason
  FROM sds_plan
  WHERE doctype IN ('Company', 'Sales Invoice', 'Sales Invoice Item',
    'Sales Taxes and Charges', 'GL Entry', 'Item', 'Item Default', 'Customer',
    'Supplier', 'Party Account', 'File', 'Address', 'Error Log',
    'Repost Item Valuation', 'Global Defaults', 'Company Site Note',
    'Company Site Note Line')
     OR table_name IN ('tabSeries', 'tabSessions', '__Auth', 'tabSingles')
  ORDER BY FIELD(scope, 'company', 'child', 'global', 'singles', 'node_local',
    'excluded'), what;

SELECT '3. Write the SymmetricDS configuration (one transaction)' AS step;
CALL sds_setup('master', 'branch');
SELECT router_id, router_type, CONCAT(source_node_group_id, ' -> ',
       target_node_group_id) AS link, LEFT(description, 60) AS description
  FROM sym_router ORDER BY router_id;
SELECT r.router_id, COUNT(*) AS trigger_routers,
       SUM(r.initial_load_select IS NOT NULL) AS company_filtered_loads,
       SUM(t.external_select IS NOT NULL) AS company_keyed_capture
  FROM sym_trigger_router r JOIN sym_trigger t USING (trigger_id)
  GROUP BY r.router_id ORDER BY r.router_id;
SELECT channel_id, reload_flag, batch_algorithm, LEFT(description, 60) AS description
  FROM sym_channel ORDER BY channel_id;
SELECT 'a second run changes nothing:' AS idempotent;
CALL sds_setup('master', 'branch');

SELECT '4. Three companies mapped to branch nodes (a branch may host several)' AS step;
CALL sds_map_company('Wind Power LLC', 'branch-wp');
CALL sds_map_company('O''Brien & Söhne GmbH', 'branch-obs');
CALL sds_map_company('Rivendell Trading Pvt. Ltd.', 'branch-rtpl');
CALL sds_map_company('Rivendell Trading Pvt. Ltd.', 'branch-asia');
CALL sds_map_company('Wind Power LLC', 'branch-asia');
SELECT node_external_id AS branch, GROUP_CONCAT(company ORDER BY company SEPARATOR '; ')
       AS companies, GROUP_CONCAT(company_key ORDER BY company SEPARATOR ', ') AS routing_keys
  FROM sds_company_route WHERE company IS NOT NULL
  GROUP BY node_external_id ORDER BY node_external_id;

SELECT '5. What each branch would get in its first load (the initial_load_select, evaluated as SymmetricDS would for that node)' AS step;
DELIMITER //
CREATE TEMPORARY TABLE demo_load (branch VARCHAR(50), tbl VARCHAR(64), loaded INT)//
BEGIN NOT ATOMIC
  DECLARE done INT DEFAULT 0;
  DECLARE v_node VARCHAR(50);
  DECLARE v_table VARCHAR(64);
  DECLARE v_select MEDIUMTEXT;
  DECLARE c CURSOR FOR
    SELECT n.node_external_id, t.source_table_name, r.initial_load_select
      FROM (SELECT DISTINCT node_external_id FROM sds_company_node) n
      JOIN sym_trigger t ON t.source_table_name IN ('tabCompany', 'tabSales Invoice',
        'tabSales Invoice Item', 'tabSales Taxes and Charges', 'tabGL Entry',
        'tabParty Account', 'tabItem Default', 'tabCustomer', 'tabItem')
      JOIN sym_trigger_router r ON r.trigger_id = t.trigger_id
      JOIN sym_router o ON o.router_id = r.router_id AND o.source_node_group_id = 'master';
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
  OPEN c;
  l: LOOP
    FETCH c INTO v_node, v_table, v_select;
    IF done THEN LEAVE l; END IF;
    SET @q = CONCAT('INSERT INTO demo_load SELECT ', QUOTE(v_node), ', ', QUOTE(v_table),
                    ', COUNT(*) FROM ', sds_ident(v_table), ' t WHERE ',
                    REPLACE(COALESCE(v_select, '1=1'), '$(externalId)', v_node));
    PREPARE s FROM @q; EXECUTE s; DEALLOCATE PREPARE s;
  END LOOP;
  CLOSE c;
END//
DELIMITER ;
SELECT tbl AS `table`,
       SUM(IF(branch = 'branch-wp', loaded, 0)) AS `branch-wp`,
       SUM(IF(branch = 'branch-obs', loaded, 0)) AS `branch-obs`,
       SUM(IF(branch = 'branch-rtpl', loaded, 0)) AS `branch-rtpl`,
       SUM(IF(branch = 'branch-asia', loaded, 0)) AS `branch-asia`
  FROM demo_load GROUP BY tbl ORDER BY tbl;
SELECT 'tabCustomer is company-owned through the overlay''s custom company field; the sample customers leave it empty, so they stay on the master' AS note;
SELECT 'rows on the master, for comparison' AS note,
  (SELECT COUNT(*) FROM `tabSales Invoice`) AS sales_invoices,
  (SELECT COUNT(*) FROM `tabGL Entry`) AS gl_entries,
  (SELECT COUNT(*) FROM tabCompany) AS companies;
DROP TEMPORARY TABLE demo_load;

SELECT '6. What the capture trigger of a child table computes for routing' AS step;
SELECT trigger_id, LEFT(external_select, 240) AS external_select_start
  FROM sym_trigger WHERE trigger_id = 'tabsales_invoice_item';

SELECT '7. A migrate adds a custom Link to Company on Brand: preview, then apply only that' AS step;
ALTER TABLE tabBrand ADD COLUMN company VARCHAR(140);
INSERT INTO `tabCustom Field` (name, dt, fieldname, fieldtype, options)
  VALUES ('Brand-company', 'Brand', 'company', 'Link', 'Company');
CALL sds_setup_preview('master', 'branch');
CALL sds_setup('master', 'branch');
