-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Removes the frappe_sds SQL API from ONE site database:
--
--     mariadb <site_db> < uninstall.sql
--
-- Idempotent. Keeps SymmetricDS's tables and the rows sds_setup wrote in
-- them (SymmetricDS keeps replicating until you change those). Drops the
-- override rules and the company mapping with the rest. The UDFs are
-- dropped only when no other database still has frappe_sds installed.
SET @sds__sql_notes = @@sql_notes, sql_notes = 0;
DROP PROCEDURE IF EXISTS sds_refresh_plan;
DROP PROCEDURE IF EXISTS sds_setup;
DROP PROCEDURE IF EXISTS sds_setup_preview;
DROP PROCEDURE IF EXISTS sds_map_company;
DROP PROCEDURE IF EXISTS sds_unmap_company;
DROP PROCEDURE IF EXISTS sds__raise_json_error;
DROP PROCEDURE IF EXISTS sds__plan_store;
DROP PROCEDURE IF EXISTS sds__setup_compute;
DROP PROCEDURE IF EXISTS sds__setup_apply;
DROP PROCEDURE IF EXISTS sds__setup_cleanup;
DROP PROCEDURE IF EXISTS sds__check_company;
DROP PROCEDURE IF EXISTS sds_sync_schema;
DROP PROCEDURE IF EXISTS sds__sync_step;
DROP PROCEDURE IF EXISTS sds__sync_run;
DROP PROCEDURE IF EXISTS sds__sig_take;
DROP PROCEDURE IF EXISTS sds__worker_event;
DROP PROCEDURE IF EXISTS sds__worker_pass;
DROP PROCEDURE IF EXISTS sds__worker_record;
-- OPERATIONS (owned by the operations work)
DROP VIEW IF EXISTS sds_status;
DROP VIEW IF EXISTS sds_naming_series_risk;
DROP VIEW IF EXISTS sds__naming_template;
DROP VIEW IF EXISTS sds_file_route_public;
DROP VIEW IF EXISTS sds_file_route_private;
DROP VIEW IF EXISTS sds_file_route;
DROP FUNCTION IF EXISTS sds_node_id;
DROP FUNCTION IF EXISTS sds_node_group;
DROP FUNCTION IF EXISTS sds_role;
DROP FUNCTION IF EXISTS sds__replica_reason;
DROP PROCEDURE IF EXISTS sds__assert_writer;
DROP FUNCTION IF EXISTS sds__param;
DROP FUNCTION IF EXISTS sds__heartbeat_period_s;
DROP FUNCTION IF EXISTS sds_engine_properties;
DROP FUNCTION IF EXISTS sds__may_send_sql;
DROP FUNCTION IF EXISTS sds__series_like;
DROP PROCEDURE IF EXISTS sds__check_master;
DROP PROCEDURE IF EXISTS sds__check_branch;
DROP PROCEDURE IF EXISTS sds_add_branch;
DROP PROCEDURE IF EXISTS sds_reload_branch;
DROP PROCEDURE IF EXISTS sds_remove_branch;
DROP PROCEDURE IF EXISTS sds_grant;
DROP PROCEDURE IF EXISTS sds_grant_process;
DROP PROCEDURE IF EXISTS sds__grant_args;
DROP PROCEDURE IF EXISTS sds__grant_check;
DROP PROCEDURE IF EXISTS sds_send_sql;
DROP PROCEDURE IF EXISTS sds__file_route_views;
DROP PROCEDURE IF EXISTS sds_setup_file_sync;
DROP PROCEDURE IF EXISTS sds_remove_file_sync;
DROP TABLE IF EXISTS sds_sql_sender;
DROP TABLE IF EXISTS sds_sql_log;
-- END OF OPERATIONS
DROP VIEW IF EXISTS sds_meta_input;
DROP VIEW IF EXISTS sds_company_route;
DROP TABLE IF EXISTS sds_plan;
DROP TABLE IF EXISTS sds_doctype_rule;
DROP TABLE IF EXISTS sds_company_node;
DROP TABLE IF EXISTS sds_setup_state;
DROP TABLE IF EXISTS sds_schema_event;
DROP TABLE IF EXISTS sds_schema_change;
DROP TABLE IF EXISTS sds_table_sig;
DROP TABLE IF EXISTS sds_worker;
DROP TABLE IF EXISTS sds_install;
DROP FUNCTION IF EXISTS sds__sql_version;
DROP FUNCTION IF EXISTS sds__version_num;

-- (a DROP FUNCTION cannot run inside a compound statement: top-level
-- prepared statements, each a no-op when another site still uses the UDFs)
SET @sds__keep_udfs = EXISTS (SELECT 1 FROM information_schema.tables
  WHERE table_name = 'sds_install' AND table_schema <> IFNULL(DATABASE(), ''));
SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS sds_plan_agg');
PREPARE sds__x FROM @sds__s; EXECUTE sds__x;
SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS sds_config_agg');
PREPARE sds__x FROM @sds__s; EXECUTE sds__x;
SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS sds_version');
PREPARE sds__x FROM @sds__s; EXECUTE sds__x;
SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS sds_literal');
PREPARE sds__x FROM @sds__s; EXECUTE sds__x;
SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS sds_ident');
PREPARE sds__x FROM @sds__s; EXECUTE sds__x;
DEALLOCATE PREPARE sds__x;
SET @sds__s = NULL, @sds__keep_udfs = NULL;
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
