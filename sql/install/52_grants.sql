-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- sds_grant and sds_grant_process moved to the DBA's database (dba.sql):
-- CALL frappe_sds.sds_grant('<site db>', user, host). A DBA never calls
-- into a site database (docs/trust-model.md): whatever is here, the site's
-- user can replace, so a grant made from here could run the site's code
-- with the DBA's rights. What is left here says where the call went.
DELIMITER //

DROP PROCEDURE IF EXISTS sds__grant_check//
DROP PROCEDURE IF EXISTS sds__grant_args//

DROP PROCEDURE IF EXISTS sds_grant//
CREATE PROCEDURE sds_grant(IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: moved; a DBA runs CALL frappe_sds.sds_grant(<site db>, user, host)'
BEGIN
  DECLARE msg VARCHAR(512);
  SET msg = CONCAT(
    'sds_grant moved to the DBA''s database: a DBA runs CALL frappe_sds.sds_grant(', QUOTE(sds__site_db()),
    ', user, host) (dba.sql; never a routine of a site database)');
  SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = msg;
END//

DROP PROCEDURE IF EXISTS sds_grant_process//
CREATE PROCEDURE sds_grant_process(IN p_user VARCHAR(255), IN p_host VARCHAR(300))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: removed; frappe_sds.sds_grant makes PROCESS unnecessary'
BEGIN
  DECLARE msg VARCHAR(512);
  SET msg = CONCAT(
    'sds_grant_process is gone: SymmetricDS''s account no longer needs PROCESS; a DBA runs CALL frappe_sds.sds_grant(',
    QUOTE(sds__site_db()), ', user, host), whose transaction function holds it (and may REVOKE PROCESS ON *.* from the account)');
  SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = msg;
END//

DELIMITER ;
