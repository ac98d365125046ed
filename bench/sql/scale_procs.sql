-- bench/sql/scale_procs.sql -- benchmark 6: synthetic copies of the ERPNext
-- metadata in a site database. bench_scale_copy(k) copies every original
-- DocType (with its DocFields, Custom Fields and Property Setters) under the
-- name '<name> C<k>'; Table / Table MultiSelect fields of a copy point at the
-- copied child DocType, Link fields keep their target (so a copy's documents
-- link to the real Company, as the originals do). The tables are made by
-- the statements bench_scale_tables(k) returns (CREATE TABLE ... LIKE).
CREATE TABLE IF NOT EXISTS bench_orig (name VARCHAR(140) COLLATE utf8mb4_unicode_ci PRIMARY KEY);
INSERT IGNORE INTO bench_orig SELECT name FROM tabDocType;

DELIMITER ;;
DROP PROCEDURE IF EXISTS bench_scale_copy;;
CREATE PROCEDURE bench_scale_copy(IN k INT)
BEGIN
  DECLARE sfx VARCHAR(10) DEFAULT CONCAT(' C', k);
  DROP TEMPORARY TABLE IF EXISTS bench_cp_dt, bench_cp_df, bench_cp_cf, bench_cp_ps;
  CREATE TEMPORARY TABLE bench_cp_dt AS SELECT d.* FROM tabDocType d JOIN bench_orig o ON o.name = d.name;
  UPDATE bench_cp_dt SET name = CONCAT(name, sfx);
  INSERT INTO tabDocType SELECT * FROM bench_cp_dt;
  CREATE TEMPORARY TABLE bench_cp_df AS SELECT f.* FROM tabDocField f JOIN bench_orig o ON o.name = f.parent;
  UPDATE bench_cp_df SET name = CONCAT(name, sfx), parent = CONCAT(parent, sfx),
         options = IF(fieldtype IN ('Table', 'Table MultiSelect')
                      AND options IN (SELECT name FROM bench_orig), CONCAT(options, sfx), options);
  INSERT INTO tabDocField SELECT * FROM bench_cp_df;
  CREATE TEMPORARY TABLE bench_cp_cf AS SELECT c.* FROM `tabCustom Field` c JOIN bench_orig o ON o.name = c.dt;
  UPDATE bench_cp_cf SET name = CONCAT(name, sfx), dt = CONCAT(dt, sfx),
         options = IF(fieldtype IN ('Table', 'Table MultiSelect')
                      AND options IN (SELECT name FROM bench_orig), CONCAT(options, sfx), options);
  INSERT INTO `tabCustom Field` SELECT * FROM bench_cp_cf;
  CREATE TEMPORARY TABLE bench_cp_ps AS SELECT p.* FROM `tabProperty Setter` p JOIN bench_orig o ON o.name = p.doc_type;
  UPDATE bench_cp_ps SET name = CONCAT(name, sfx), doc_type = CONCAT(doc_type, sfx);
  INSERT INTO `tabProperty Setter` SELECT * FROM bench_cp_ps;
  DROP TEMPORARY TABLE bench_cp_dt, bench_cp_df, bench_cp_cf, bench_cp_ps;
END;;

DROP PROCEDURE IF EXISTS bench_scale_tables;;
CREATE PROCEDURE bench_scale_tables(IN k INT)
  SELECT CONCAT('CREATE TABLE `tab', o.name, ' C', k, '` LIKE `', t.table_name, '`;')
    FROM bench_orig o JOIN information_schema.tables t
      ON t.table_schema = DATABASE() AND t.table_name = CONCAT('tab', o.name)
         AND t.table_type = 'BASE TABLE'
   ORDER BY o.name;;
DELIMITER ;
