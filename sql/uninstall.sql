-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Removes the frappe_sds SQL API from ONE site database:
--
--     mariadb <site_db> < uninstall.sql
--
-- Idempotent. Keeps SymmetricDS's tables and the rows sds_setup wrote in
-- them (SymmetricDS keeps replicating until you change those). Drops the
-- override rules and the company mapping with the rest. The UDFs are
-- dropped only when no other database still has frappe_sds installed.
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
DROP VIEW IF EXISTS sds_meta_input;
DROP VIEW IF EXISTS sds_company_route;
DROP TABLE IF EXISTS sds_plan;
DROP TABLE IF EXISTS sds_doctype_rule;
DROP TABLE IF EXISTS sds_company_node;
DROP TABLE IF EXISTS sds_install;

DELIMITER //
BEGIN NOT ATOMIC
  IF NOT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_name = 'sds_install' AND table_schema <> IFNULL(DATABASE(), '')) THEN
    DROP FUNCTION IF EXISTS sds_plan_agg;
    DROP FUNCTION IF EXISTS sds_config_agg;
    DROP FUNCTION IF EXISTS sds_version;
    DROP FUNCTION IF EXISTS sds_literal;
    DROP FUNCTION IF EXISTS sds_ident;
  END IF;
END//
DELIMITER ;
