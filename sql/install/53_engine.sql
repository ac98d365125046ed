-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- sds_engine_properties moved to the DBA's database (dba.sql):
-- CALL frappe_sds.sds_engine_properties('<site db>', node, engine, db_name,
-- db_server, db_user, sync_url, registration_url). Engine files carry a
-- database password the DBA fills in: they are the DBA's, and so is the
-- code that writes them (docs/trust-model.md).
DELIMITER //

DROP FUNCTION IF EXISTS sds_engine_properties//
CREATE FUNCTION sds_engine_properties(p_node VARCHAR(255), p_engine VARCHAR(255),
    p_db VARCHAR(255), p_db_user VARCHAR(255), p_sync_url VARCHAR(1000),
    p_registration_url VARCHAR(1000))
  RETURNS TEXT CHARSET utf8mb4
  NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds: moved; a DBA runs CALL frappe_sds.sds_engine_properties(<site db>, ...)'
BEGIN
  DECLARE msg VARCHAR(512);
  SET msg = CONCAT(
    'sds_engine_properties moved to the DBA''s database: a DBA runs CALL frappe_sds.sds_engine_properties(',
    QUOTE(sds__site_db()), ', node, engine, db_name, db_server, db_user, sync_url, registration_url) (dba.sql)');
  SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = msg;
  RETURN NULL;
END//

DELIMITER ;
