-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Naming series two nodes could hand out twice: sds_naming_series_risk.
DELIMITER //

-- ---------------------------------------------------------------------------
-- Naming series two nodes could hand out twice
-- ---------------------------------------------------------------------------
DROP FUNCTION IF EXISTS sds__series_like//
CREATE FUNCTION sds__series_like(p_series VARCHAR(255)) RETURNS VARCHAR(600) CHARSET utf8mb4
  DETERMINISTIC NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: a LIKE pattern (ESCAPE !) for the tabSeries keys a naming series template makes'
BEGIN
  -- Frappe's classic series are parts separated by dots, the counter is
  -- the #s; a part that is a date code or names a field of the document is
  -- replaced by its value ({field} too), others are kept as they are.
  -- format:... series put the variable parts in {} and the counter in
  -- {###}. Every variable part becomes %.
  DECLARE v VARCHAR(255) DEFAULT IFNULL(p_series, '');
  DECLARE v_out VARCHAR(600) DEFAULT '';
  DECLARE v_part VARCHAR(255);
  IF INSTR(v, '{#') > 0 THEN
    SET v = LEFT(v, INSTR(v, '{#') - 1);
    WHILE v <> '' DO
      IF LEFT(v, 1) = '{' AND INSTR(v, '}') > 0 THEN
        SET v_out = CONCAT(v_out, '%'), v = SUBSTRING(v, INSTR(v, '}') + 1);
      ELSE
        SET v_out = CONCAT(v_out, IF(LEFT(v, 1) IN ('%', '_', '!'), '!', ''), LEFT(v, 1)),
            v = SUBSTRING(v, 2);
      END IF;
    END WHILE;
    -- a pattern without a literal letter or digit would match every counter
    RETURN IF(REPLACE(v_out, '!', '') REGEXP '[A-Za-z0-9]', v_out, NULL);
  END IF;
  IF INSTR(v, '#') > 0 THEN
    SET v = LEFT(v, INSTR(v, '#') - 1);
  END IF;
  WHILE v <> '' DO
    SET v_part = SUBSTRING_INDEX(v, '.', 1);
    SET v = IF(INSTR(v, '.') > 0, SUBSTRING(v, INSTR(v, '.') + 1), '');
    IF v_part IN ('YY', 'YYYY', 'MM', 'DD', 'WW', 'FY', 'timestamp')
       OR (LEFT(v_part, 1) = '{' AND RIGHT(v_part, 1) = '}')
       OR v_part REGEXP BINARY '^[a-z_][a-z0-9_]*\\z' THEN
      SET v_out = CONCAT(v_out, '%');
    ELSE
      SET v_out = CONCAT(v_out, REPLACE(REPLACE(REPLACE(v_part, '!', '!!'), '%', '!%'), '_', '!_'));
    END IF;
  END WHILE;
  RETURN IF(REPLACE(v_out, '!', '') REGEXP '[A-Za-z0-9]', v_out, NULL);
END//

-- Series templates of DocTypes (a counter-based autoname, or each option
-- line of the naming_series Select field, from DocField or Custom Field,
-- as overridden by a Property Setter) and the naming-series risk report.
-- Built with dynamic SQL: Custom Field, Property Setter and Series are
-- optional tables on a bare site.
BEGIN NOT ATOMIC
  -- the site's tables (@sds__site, 00_install.sql); sds_plan is this database's
  DECLARE db VARCHAR(64) DEFAULT @sds__site;
  DECLARE qs VARCHAR(140) DEFAULT sds_ident(@sds__site);
  DECLARE has_cf, has_ps, has_series, has_autoname INT;
  SELECT COUNT(*) INTO has_autoname FROM information_schema.columns
    WHERE table_schema = db AND table_name = 'tabDocType' AND column_name = 'autoname';
  SELECT COUNT(*) INTO has_cf FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabCustom Field';
  SELECT COUNT(*) INTO has_ps FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabProperty Setter';
  SELECT COUNT(*) INTO has_series FROM information_schema.tables
    WHERE table_schema = db AND table_name = 'tabSeries';
  SET @sds__stmt = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds__naming_template AS ',
    IF(has_autoname, CONCAT(
      'SELECT CONVERT(d.name USING utf8mb4) COLLATE utf8mb4_unicode_ci AS doctype, ',
      'IFNULL(p.scope, ''excluded'') AS scope, ',
      'CONVERT(TRIM(IF(d.autoname LIKE ''format:%'', SUBSTRING(d.autoname, 8), d.autoname)) USING utf8mb4) ',
      'COLLATE utf8mb4_unicode_ci AS series, ''autoname'' AS source ',
      'FROM ', qs, '.`tabDocType` d LEFT JOIN sds_plan p ON p.doctype = d.name ',
      'WHERE d.autoname LIKE ''%#%'' AND d.autoname NOT LIKE ''field:%'' UNION '), ''),
    'SELECT CONVERT(o.doctype USING utf8mb4) COLLATE utf8mb4_unicode_ci AS doctype, ',
    'IFNULL(p.scope, ''excluded'') AS scope, ',
    'CONVERT(TRIM(jt.series) USING utf8mb4) COLLATE utf8mb4_unicode_ci AS series, ''naming_series'' AS source ',
    'FROM (SELECT f.parent AS doctype, ',
    IF(has_ps, CONCAT('IFNULL((SELECT ps.value FROM ', qs, '.`tabProperty Setter` ps WHERE ps.doc_type = f.parent AND ps.field_name = ''naming_series'' AND ps.property = ''options'' LIMIT 1), f.options)'),
       'f.options'),
    ' AS options FROM (SELECT df.parent, df.options FROM ', qs, '.`tabDocField` df ',
    'WHERE df.fieldname = ''naming_series'' AND df.fieldtype = ''Select'' ',
    IF(has_cf, CONCAT('UNION ALL SELECT cf.dt, cf.options FROM ', qs, '.`tabCustom Field` cf WHERE cf.fieldname = ''naming_series'' AND cf.fieldtype = ''Select'' '), ''),
    ') f) o LEFT JOIN sds_plan p ON p.doctype = o.doctype ',
    -- one row per option line: the options as a JSON array of strings
    'CROSS JOIN JSON_TABLE(CONCAT(''['', REPLACE(JSON_QUOTE(REPLACE(IFNULL(o.options, ''''), CHAR(13), '''')), ',
    'CONCAT(CHAR(92), ''n''), ''","''), '']''), ''$[*]'' COLUMNS (series VARCHAR(255) PATH ''$'')) jt ',
    'WHERE TRIM(jt.series) <> ''''');
  PREPARE s FROM @sds__stmt;
  EXECUTE s;
  DEALLOCATE PREPARE s;

  SET @sds__stmt = CONCAT(
    'CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_naming_series_risk AS ',
    'SELECT t.series, GROUP_CONCAT(DISTINCT t.doctype ORDER BY t.doctype SEPARATOR '', '') AS doctypes, ',
    'GROUP_CONCAT(DISTINCT t.scope ORDER BY t.scope SEPARATOR '', '') AS scope, ',
    IF(has_series,
       CONCAT('(SELECT GROUP_CONCAT(CONCAT(s.name, ''='', s.current) ORDER BY s.name SEPARATOR '', '') FROM ', qs, '.`tabSeries` s WHERE s.name LIKE sds__series_like(t.series) ESCAPE ''!'')'),
       'NULL'),
    ' AS counters, CAST(''no company part (.abbr. or .company.): nodes count this series each on their own ',
    '(tabSeries is per node) and hand out the same names'' AS CHAR(200)) AS reason ',
    'FROM sds__naming_template t WHERE t.scope IN (''company'', ''child'', ''global'') ',
    'AND LOWER(t.series) NOT REGEXP ''(^|[.{])(abbr|company)([.}]|$)'' GROUP BY t.series',
    IF(has_series,
       CONCAT(' UNION ALL SELECT CONVERT(s.name USING utf8mb4) COLLATE utf8mb4_unicode_ci, NULL, NULL, ',
              'CONCAT(s.name, ''='', s.current), ',
              '''a tabSeries counter that matches no series of any DocType (renamed, or made by code): check it by hand'' ',
              'FROM ', qs, '.`tabSeries` s WHERE NOT EXISTS (SELECT 1 FROM sds__naming_template t ',
              'WHERE s.name LIKE sds__series_like(t.series) ESCAPE ''!'')'),
       ''));
  PREPARE s FROM @sds__stmt;
  EXECUTE s;
  DEALLOCATE PREPARE s;
  SET @sds__stmt = NULL;
END//

DELIMITER ;
