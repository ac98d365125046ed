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

SELECT '7. A custom Link to Company on Brand: preview, then apply only that' AS step;
-- (by hand here; the DDL hook of step 8 would do it by itself)
SET GLOBAL frappe_sds_ddl_watch = OFF;
ALTER TABLE tabBrand ADD COLUMN company VARCHAR(140);
INSERT INTO `tabCustom Field` (name, dt, fieldname, fieldtype, options)
  VALUES ('Brand-company', 'Brand', 'company', 'Link', 'Company');
CALL sds_setup_preview('master', 'branch');
CALL sds_setup('master', 'branch');
SET GLOBAL frappe_sds_ddl_watch = ON;

SELECT '8. Schema changes: the DDL hook, SymmetricDS''s trigger rebuild, per-branch reloads' AS step;
-- Two branches have registered (what SymmetricDS's registration writes:
-- shared/reference/symmetricds.md section 10); this node is the master.
INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
  ('hq', 'master', 'hq', 1), ('branch-wp', 'branch', 'branch-wp', 1),
  ('branch-obs', 'branch', 'branch-obs', 1);
INSERT INTO sym_node_security (node_id, node_password, registration_time)
  VALUES ('hq', 'x', NOW()), ('branch-wp', 'x', NOW()), ('branch-obs', 'x', NOW());
INSERT INTO sym_node_identity (node_id) VALUES ('hq');
-- SymmetricDS cannot run here: symplay_sync_triggers() plays its
-- sync-triggers bookkeeping by SymmetricDS's own rules (a node builds the
-- triggers routed from its group, and rebuilds one when the table's columns
-- changed or its sym_trigger row is newer than the trigger's history; checked
-- on its own engine, README "Proven on SymmetricDS's own engine"). It comes
-- from sym/play_sync_triggers.sql, which scripts/demo.sh loads into the site.
DELIMITER //
-- Wait (up to p_timeout s) until no schema change is pending or waiting
-- for a trigger rebuild, playing SymmetricDS's rebuild every second.
CREATE PROCEDURE demo_wait_changes(IN p_timeout INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < p_timeout AND EXISTS (SELECT 1 FROM sds_schema_change
                                  WHERE state IN ('pending', 'trigger_refresh')) DO
    CALL symplay_sync_triggers();
    DO SLEEP(1);
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
CALL symplay_sync_triggers();
SET GLOBAL frappe_sds_debounce_ms = 500, frappe_sds_poll_ms = 250;
SELECT COUNT(*) AS capture_triggers_known_to_symmetricds FROM sym_trigger_hist
  WHERE inactive_time IS NULL;

SELECT 'a migrate adds a field to Sales Invoice and creates a new DocType' AS what;
ALTER TABLE `tabSales Invoice` ADD COLUMN custom_delivery_slot VARCHAR(140);
INSERT INTO tabDocType (name, module, istable, issingle, custom) VALUES ('Branch Visit', 'Selling', 0, 0, 1);
INSERT INTO tabDocField (name, parent, parenttype, parentfield, fieldname, fieldtype, options)
  VALUES ('demo-bv-1', 'Branch Visit', 'DocType', 'fields', 'company', 'Link', 'Company');
CREATE TABLE `tabBranch Visit` (name VARCHAR(140) PRIMARY KEY, company VARCHAR(140),
  modified DATETIME(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
DO SLEEP(2);
SELECT 'within seconds: configured, and SymmetricDS asked to rebuild its triggers' AS what;
SELECT table_name, kind, state, message FROM sds_schema_change ORDER BY id;
SELECT trigger_id, source_table_name FROM sym_trigger WHERE source_table_name = 'tabBranch Visit';
CALL demo_wait_changes(60);
SELECT 'SymmetricDS rebuilt them: one company-filtered reload per branch (create_table=1)' AS what;
SELECT target_node_id, trigger_id, router_id, create_table, delete_first,
       LEFT(reload_select, 60) AS reload_select_start, create_time
  FROM sym_table_reload_request ORDER BY trigger_id, target_node_id;
SELECT table_name, kind, state, reload_count FROM sds_schema_change ORDER BY id;

SELECT 'a change made while the hook was off is found by sds_sync_schema()' AS what;
SET GLOBAL frappe_sds_ddl_watch = OFF;
ALTER TABLE tabItem ADD COLUMN custom_shelf VARCHAR(20);
SET GLOBAL frappe_sds_ddl_watch = ON;
CALL sds_sync_schema();
SHOW GLOBAL STATUS LIKE 'Frappe_sds%';
DROP PROCEDURE symplay_sync_triggers;
DROP PROCEDURE demo_wait_changes;

SELECT '9. What the site knows about its node, onboarding a branch, its engine file' AS step;
SELECT node_id, role, alive, heartbeat_age_s, batches_unsent, batches_in_error,
       reloads_pending, schema_changes_pending FROM sds_status;
CALL sds_add_branch('branch-in-2', '["Rivendell Trading Pvt. Ltd."]');
SELECT n.node_id, n.node_group_id, n.sync_enabled, s.registration_enabled,
       s.initial_load_enabled, n.created_at_node_id
  FROM sym_node n JOIN sym_node_security s USING (node_id) WHERE n.node_id = 'branch-in-2';
-- the engine file is the DBA's: written from the DBA's database (dba.sql,
-- once per server), with the branch's own database connection
source sql/dba.sql
SET @demo_site = DATABASE();
CALL frappe_sds.sds_engine_properties(@demo_site, 'branch-in-2', 'branch-in-2', 'site_in2',
                                      'db-in2.example.com:3306', 'site_in2', '',
                                      'https://hq.example.com:31415/sync/hq')\G
SELECT series, doctypes, counters FROM sds_naming_series_risk
  WHERE counters IS NOT NULL ORDER BY series LIMIT 10;
