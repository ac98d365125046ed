-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Branch onboarding: sds_add_branch, sds_reload_branch, sds_remove_branch.
DELIMITER //

-- ---------------------------------------------------------------------------
-- Branch onboarding
-- ---------------------------------------------------------------------------
DROP PROCEDURE IF EXISTS sds__check_master//
CREATE PROCEDURE sds__check_master(IN p_proc VARCHAR(64), OUT p_me VARCHAR(50),
                                   OUT p_master VARCHAR(50), OUT p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: this node must be the master (sds_setup done, identity in the master group)'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_group VARCHAR(50);
  SELECT master_group, branch_group INTO p_master, p_branch FROM sds_setup_state WHERE id = 1;
  IF p_master IS NULL THEN
    SET msg = CONCAT(p_proc, ': no configuration yet; run sds_setup(master_group, branch_group) first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  SET p_me = sds_node_id(), v_group = sds_node_group();
  IF p_me IS NULL THEN
    -- created_at_node_id must be this node's id: SymmetricDS queues the
    -- flag-driven first load only for nodes created at itself (§10)
    SET msg = CONCAT(p_proc, ': this server has no SymmetricDS identity yet (sym_node_identity is empty); ',
                     'start the master engine once first');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group IS NULL OR v_group <> p_master THEN
    SET msg = CONCAT(p_proc, ': this node ', QUOTE(p_me), ' is in group ', IFNULL(QUOTE(v_group), 'NULL'),
                     ', not in the master group ', QUOTE(p_master), '; run it on the master');
    SIGNAL SQLSTATE '55R00' SET MESSAGE_TEXT = msg;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__check_branch//
CREATE PROCEDURE sds__check_branch(IN p_proc VARCHAR(64), IN p_node VARCHAR(255),
                                   IN p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: p_node must be a node of the branch group'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_group VARCHAR(50);
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT(p_proc, ': node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET v_group = (SELECT node_group_id FROM sym_node WHERE node_id = p_node);
  IF v_group IS NULL THEN
    SET msg = CONCAT(p_proc, ': unknown node ', QUOTE(p_node), ' (not in sym_node); add it with sds_add_branch');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF v_group <> p_branch THEN
    SET msg = CONCAT(p_proc, ': node ', QUOTE(p_node), ' is in group ', QUOTE(v_group),
                     ', not in the branch group ', QUOTE(p_branch));
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
END//

-- ---------------------------------------------------------------------------
-- First loads without empty batches (issue 20)
-- ---------------------------------------------------------------------------
-- SymmetricDS gives every table of a full load a batch, empty or not
-- (DataService.insertLoadBatchesForReload); on a Frappe site ~97 % of them
-- are empty. Two BeanShell extensions of the master's engine (sym_extension,
-- ExtensionService: type bsh, interfaces IReloadGenerator, IReloadListener):
-- the generator keeps, of frappe_sds's trigger routers, the tables where the
-- load select finds a row for the target node (the select and the
-- $(externalId) substitution of SymmetricDS's own count, read uncommitted
-- like it); the listener, called once the load's batches are queued and the
-- node's older batches marked sent, requests a table load for a table that
-- got its first row for the node meanwhile. A table with no row for the
-- branch needs no load: a later row reaches the branch as a captured change
-- (the node is routed to once it has registered). Off (a plain full load)
-- when the engine file sets initial.load.create.first or turns the extract
-- job off. Written by
-- sds_setup, sds_add_branch and sds_reload_branch in their transaction, only
-- when the text differs (a change is a configuration change SymmetricDS
-- routes: its ExtensionService reloads the extensions).
DROP PROCEDURE IF EXISTS sds__load_extensions//
CREATE PROCEDURE sds__load_extensions(IN p_master VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the master engine''s load extensions (no batch for a table without a row for the branch)'
BEGIN
  DECLARE v_common, v_gen, v_lis MEDIUMTEXT;
  -- (what both scripts begin with: the imports and the shared helpers)
  SET v_common = CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.model.*;',
      'import org.jumpmind.util.FormatUtils;',
      'import java.util.*;',
      'boolean sdsShortcutOk() {',
      '  p = engine.getParameterService();',
      '  return !p.is("initial.load.create.first", false) && p.is("initial.load.use.extract.job.enabled", true);',
      '}',
      'String sdsSelect(TriggerHistory h, TriggerRouter tr, Node target) {',
      '  sel = tr.getInitialLoadSelect();',
      '  if (sel == null || sel.trim().length() == 0) sel = "1=1";',
      '  tbl = "`" + h.getSourceTableName().replace("`", "``") + "`";',
      '  if (h.getSourceSchemaName() != null && h.getSourceSchemaName().length() > 0)',
      '    tbl = "`" + h.getSourceSchemaName().replace("`", "``") + "`." + tbl;',
      '  if (h.getSourceCatalogName() != null && h.getSourceCatalogName().length() > 0)',
      '    tbl = "`" + h.getSourceCatalogName().replace("`", "``") + "`." + tbl;',
      '  sql = "select 1 from " + tbl + " t where " + sel;',
      '  sql = FormatUtils.replace("groupId", target.getNodeGroupId(), sql);',
      '  sql = FormatUtils.replace("externalId", target.getExternalId(), sql);',
      '  sql = FormatUtils.replace("nodeId", target.getNodeId(), sql);',
      '  return sql;',
      '}',
      '/* the indexes of cand (pairs {TriggerHistory, TriggerRouter}) whose load select finds a row',
      '   for target, read uncommitted like the count of SymmetricDS (an uncommitted row counts);',
      '   100 tables a statement; a statement that fails is done table by table, and a table whose',
      '   select fails counts as having rows */',
      'Set sdsWithRows(List cand, Node target) {',
      '  found = new HashSet();',
      '  tmpl = engine.getDatabasePlatform().getSqlTemplateDirty();',
      '  for (int from = 0; from < cand.size(); from += 100) {',
      '    int to = Math.min(cand.size(), from + 100);',
      '    sb = new StringBuilder();',
      '    for (int i = from; i < to; i++) {',
      '      pair = cand.get(i);',
      '      if (i > from) sb.append(" union all ");',
      '      sb.append("select " + i + " as i from dual where exists (" + sdsSelect(pair[0], pair[1], target) + ")");',
      '    }',
      '    try {',
      '      rows = tmpl.query(sb.toString());',
      '      for (int k = 0; k < rows.size(); k++) found.add(Integer.valueOf(rows.get(k).getString("i")));',
      '    } catch (Exception e) {',
      '      for (int i = from; i < to; i++) {',
      '        pair = cand.get(i);',
      '        try {',
      '          if (tmpl.queryForInt("select count(*) from (" + sdsSelect(pair[0], pair[1], target) + " limit 1) x", new Object[0]) > 0)',
      '            found.add(Integer.valueOf(i));',
      '        } catch (Exception e2) {',
      '          log.warn("frappe_sds: could not tell whether " + pair[0].getSourceTableName() + " has rows for "',
      '            + target.getNodeId() + ", loading it: " + e2);',
      '          found.add(Integer.valueOf(i));',
      '        }',
      '      }',
      '    }',
      '  }',
      '  return found;',
      '}');
  SET v_gen = CONCAT_WS(CHAR(10), v_common,
      '/* frappe_sds (sds_load_tables): a full load to a branch takes the tables with a row for it */',
      'boolean sdsCreatingLoad() {',
      '  st = Thread.currentThread().getStackTrace();',
      '  for (int i = 0; i < st.length; i++)',
      '    if ("insertReloadEvents".equals(st[i].getMethodName())) return true;',
      '  return false;',
      '}',
      'List getActiveTriggerHistories(Node target) {',
      '  hists = engine.getTriggerRouterService().getActiveTriggerHistories();',
      '  if (!sdsShortcutOk() || !sdsCreatingLoad()) return hists;',
      '  long t0 = System.currentTimeMillis();',
      '  /* routing runs from now on read the nodes again: the target is among them */',
      '  engine.getNodeService().flushNodeGroupCache();',
      '  /* a row the checks below miss is written after them: its capture gets a data_id above this',
      '     (sds_load_late_rows looks at the tables of those rows only) */',
      '  long w = engine.getDatabasePlatform().getSqlTemplate().queryForLong(',
      '    "select coalesce(max(data_id), 0) from " + engine.getTablePrefix() + "_data", new Object[0]);',
      '  System.setProperty("frappe_sds.load." + engine.getEngineName() + "." + target.getNodeId(), String.valueOf(w));',
      '  all = engine.getTriggerRouterService().getAllTriggerRoutersForReloadForCurrentNode(',
      '    engine.getParameterService().getNodeGroupId(), target.getNodeGroupId());',
      '  byTrigger = new HashMap();',
      '  for (int i = 0; i < all.size(); i++) {',
      '    tr = all.get(i);',
      '    if (!"frappe_sds".equals(tr.getLastUpdateBy())) continue;',
      '    id = tr.getTrigger().getTriggerId();',
      '    l = byTrigger.get(id);',
      '    if (l == null) { l = new ArrayList(); byTrigger.put(id, l); }',
      '    l.add(tr);',
      '  }',
      '  cand = new ArrayList();',
      '  for (int i = 0; i < hists.size(); i++) {',
      '    h = hists.get(i);',
      '    trs = byTrigger.get(h.getTriggerId());',
      '    if (trs == null) continue;',
      '    for (int j = 0; j < trs.size(); j++)',
      '      if (trs.get(j).getInitialLoadOrder() >= 0) cand.add(new Object[] { h, trs.get(j) });',
      '  }',
      '  found = sdsWithRows(cand, target);',
      '  keep = new HashSet();',
      '  for (int i = 0; i < cand.size(); i++)',
      '    if (found.contains(Integer.valueOf(i))) keep.add(cand.get(i)[0].getTriggerId());',
      '  out = new ArrayList();',
      '  int skipped = 0;',
      '  for (int i = 0; i < hists.size(); i++) {',
      '    h = hists.get(i);',
      '    if (byTrigger.get(h.getTriggerId()) == null || keep.contains(h.getTriggerId())) out.add(h); else skipped++;',
      '  }',
      '  log.info("frappe_sds: load to " + target.getNodeId() + ": " + skipped',
      '    + " tables without a row for it get no batch; " + out.size() + " trigger histories loaded (checked "',
      '    + cand.size() + " tables in " + (System.currentTimeMillis() - t0) + " ms)");',
      '  return out;',
      '}');
  SET v_lis = CONCAT_WS(CHAR(10), v_common,
      '/* frappe_sds (sds_load_late_rows): once a full load to a branch is queued (and the older',
      '   batches of the node marked sent), a table that has a row for the branch but no batch in',
      '   the load got its first row meanwhile: it is requested as a table load of its own. Only the',
      '   tables with a capture since the watermark of sds_load_tables are looked at (every table',
      '   when there is none) */',
      'void beforeReload(transaction, Node node, long loadId) {',
      '}',
      'void afterReload(transaction, Node node, long loadId) {',
      '  if (!sdsShortcutOk()) return;',
      '  prefix = engine.getTablePrefix();',
      '  me = engine.getNodeService().findIdentityNodeId();',
      '  hists = engine.getTriggerRouterService().getActiveTriggerHistories();',
      '  byTrigger = new HashMap();',
      '  for (int i = 0; i < hists.size(); i++) byTrigger.put(hists.get(i).getTriggerId(), hists.get(i));',
      '  all = engine.getTriggerRouterService().getAllTriggerRoutersForReloadForCurrentNode(',
      '    engine.getParameterService().getNodeGroupId(), node.getNodeGroupId());',
      '  now = new java.sql.Timestamp(System.currentTimeMillis());',
      '  cand = new ArrayList();',
      '  for (int i = 0; i < all.size(); i++) {',
      '    tr = all.get(i);',
      '    if (!"frappe_sds".equals(tr.getLastUpdateBy()) || tr.getInitialLoadOrder() < 0) continue;',
      '    h = byTrigger.get(tr.getTrigger().getTriggerId());',
      '    if (h != null) cand.add(new Object[] { h, tr });',
      '  }',
      '  /* the trigger routers that have a batch in this load */',
      '  inLoad = new HashSet();',
      '  /* (its extract requests are written in the transaction of the load: read uncommitted) */',
      '  rows = engine.getDatabasePlatform().getSqlTemplateDirty().query("select trigger_id, router_id from " + prefix',
      '    + "_extract_request where load_id = ? and node_id = ?", new Object[] { new Long(loadId), node.getNodeId() });',
      '  for (int i = 0; i < rows.size(); i++) inLoad.add(rows.get(i).getString("trigger_id") + " " + rows.get(i).getString("router_id"));',
      '  /* the tables written since sds_load_tables took its watermark (all of them without one) */',
      '  key = "frappe_sds.load." + engine.getEngineName() + "." + node.getNodeId();',
      '  ws = System.getProperty(key);',
      '  System.clearProperty(key);',
      '  written = null;',
      '  if (ws != null) {',
      '    written = new HashSet();',
      '    rows = engine.getDatabasePlatform().getSqlTemplateDirty().query("select distinct h.trigger_id from " + prefix',
      '      + "_data d join " + prefix + "_trigger_hist h on h.trigger_hist_id = d.trigger_hist_id where d.data_id > ?",',
      '      new Object[] { new Long(ws) });',
      '    for (int i = 0; i < rows.size(); i++) written.add(rows.get(i).getString("trigger_id"));',
      '  }',
      '  rest = new ArrayList();',
      '  for (int i = 0; i < cand.size(); i++) {',
      '    tr = cand.get(i)[1];',
      '    if (written != null && !written.contains(tr.getTrigger().getTriggerId())) continue;',
      '    if (!inLoad.contains(tr.getTrigger().getTriggerId() + " " + tr.getRouter().getRouterId())) rest.add(cand.get(i));',
      '  }',
      '  found = sdsWithRows(rest, node);',
      '  int n = 0;',
      '  for (int i = 0; i < rest.size(); i++) {',
      '    if (!found.contains(Integer.valueOf(i))) continue;',
      '    tr = rest.get(i)[1];',
      '    transaction.prepareAndExecute("insert into " + prefix + "_table_reload_request (target_node_id, source_node_id,"',
      '      + " trigger_id, router_id, create_time, create_table, delete_first, processed, last_update_by, last_update_time)"',
      '      + " values (?, ?, ?, ?, ?, 0, 0, 0, ?, ?)", new Object[] { node.getNodeId(), me,',
      '      tr.getTrigger().getTriggerId(), tr.getRouter().getRouterId(), now, "frappe_sds", now });',
      '    n++;',
      '  }',
      '  if (n > 0) log.info("frappe_sds: load " + loadId + " to " + node.getNodeId() + ": " + n',
      '    + " tables got their first row for it while it was queued; requested as a table load");',
      '}');
  CALL sds__extension_put('sds_load_tables', 'org.jumpmind.symmetric.load.IReloadGenerator', p_master, 1, v_gen);
  CALL sds__extension_put('sds_load_late_rows', 'org.jumpmind.symmetric.load.IReloadListener', p_master, 1, v_lis);
  -- A branch's first load replaces what the branch's own site holds in the
  -- tables it loads. A branch site is made with `bench new-site` and the
  -- same apps, not copied from the master: it has its own rows of the
  -- shared tables, and Frappe names child rows by a random hash, so its
  -- DocField, DocPerm, Has Role ... rows have other names than the master's
  -- rows for the same fields, and tabSingles has no key at all. A load adds
  -- the master's rows next to them (SymmetricDS inserts by primary key):
  -- every field of every DocType twice, two values of one setting. With
  -- this parameter the master puts, before the load, a `delete from` event
  -- of each table the load carries (DataService.insertDeleteBatchesForReload,
  -- table by table for the tables the load takes: sds_load_tables above).
  -- It counts for the full loads SymmetricDS queues from
  -- sym_node_security.initial_load_enabled: the first load that
  -- sds_add_branch queues, and `symadmin reload-node`
  -- (InitialLoadService.queueLoads). sds_reload_branch asks for its full
  -- load with delete_first = 0 (below), and every other load frappe_sds
  -- asks for names delete_first = 0 in its request.
  -- SymmetricDS pastes the table's name into its purge statement as it is
  -- (AbstractSymmetricDialect.createPurgeSqlForMultipleTables, String.format
  -- of initial.load.delete.first.sql, default `delete from %s`): every
  -- Frappe table name has a space ("delete from tabParty Account" failed at
  -- the branch with 1064 and held the load). The name is the bare table
  -- name -- frappe_sds's routers name no target catalog or schema -- so a
  -- quoted %s is the table. (A name with a backtick would break it: Frappe
  -- allows none in a DocType's name.) In the runtime layout a branch runs
  -- it on its runtime database: the table is named in its site database,
  -- "$(catalogName).", which the branch's writer filter sds_site_target
  -- gives the table and SymmetricDS replaces
  -- (DefaultDatabaseWriter.preprocessSqlStatement; the event rides the
  -- table and goes on frappe_reload, so it is run as written).
  CALL sds__parameter_put(p_master, 'initial.load.delete.first', 'true');   -- 15_writers.sql
  CALL sds__parameter_put(p_master, 'initial.load.delete.first.sql',
                          IF(sds__site_db() <> DATABASE(), 'delete from $(catalogName).`%s`', 'delete from `%s`'));
END//

DROP PROCEDURE IF EXISTS sds_add_branch//
CREATE PROCEDURE sds_add_branch(IN p_node VARCHAR(255), IN p_companies LONGTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: open registration for a branch node, map its companies, queue its company-filtered first load'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE i, j, n INT;
  DECLARE v_item, v_other VARCHAR(1000);
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;

  CALL sds__check_master('sds_add_branch', v_me, v_master, v_branch);
  IF p_node IS NULL OR p_node NOT REGEXP '^[A-Za-z0-9_.-]{1,50}\\z' OR p_node LIKE '~%' THEN
    SET msg = CONCAT('sds_add_branch: node external id ', IFNULL(QUOTE(LEFT(p_node, 60)), 'NULL'),
                     ' must be 1-50 characters of [A-Za-z0-9_.-] (SymmetricDS pastes it into load selects)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  IF EXISTS (SELECT 1 FROM sym_node WHERE node_id = p_node OR external_id = p_node) THEN
    SET msg = CONCAT('sds_add_branch: node ', QUOTE(p_node),
                     ' already exists; use sds_reload_branch, or sds_remove_branch first');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;
  -- companies: a JSON array of company names (names may contain commas)
  IF p_companies IS NULL OR NOT JSON_VALID(p_companies) OR JSON_TYPE(p_companies) <> 'ARRAY'
     OR JSON_LENGTH(p_companies) = 0 THEN
    SET msg = CONCAT('sds_add_branch: companies ', IFNULL(QUOTE(LEFT(p_companies, 200)), 'NULL'),
                     ' must be a non-empty JSON array of company names, e.g. ''["Wind Power LLC"]''');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  SET n = JSON_LENGTH(p_companies), i = 0;
  WHILE i < n DO
    IF JSON_TYPE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']'))) <> 'STRING' THEN
      SET msg = CONCAT('sds_add_branch: company ', QUOTE(LEFT(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']')), 200)),
                       ' (item ', i + 1, ') must be a JSON string');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    SET v_item = JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']')));
    IF TRIM(v_item) = '' THEN
      SET msg = CONCAT('sds_add_branch: company ', QUOTE(v_item), ' (item ', i + 1, ') must not be empty');
      SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
    END IF;
    SET j = 0;
    WHILE j < i DO
      SET v_other = JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', j, ']')));
      IF v_other COLLATE utf8mb4_unicode_ci = v_item COLLATE utf8mb4_unicode_ci THEN
        SET msg = CONCAT('sds_add_branch: company ', QUOTE(LEFT(v_item, 200)), ' (item ', i + 1,
                         ') is listed twice');
        SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
      END IF;
      SET j = j + 1;
    END WHILE;
    CALL sds__check_company('sds_add_branch', v_item, p_node);
    SET i = i + 1;
  END WHILE;
  -- companies mapped to the id beforehand (sds_map_company, as the install
  -- steps do) are the branch's if the list names them all: they are kept
  -- and the others of the list added, so mapping first changes nothing. A
  -- mapped company the list does not name is someone else's plan.
  IF EXISTS (SELECT 1 FROM sds_company_node c
             WHERE c.node_external_id = p_node
               AND NOT EXISTS (SELECT 1 FROM JSON_TABLE(p_companies, '$[*]'
                                 COLUMNS (company VARCHAR(1000) PATH '$')) l
                               WHERE CONVERT(l.company USING utf8mb4) COLLATE utf8mb4_unicode_ci
                                     = c.company)) THEN
    SET msg = CONCAT('sds_add_branch: node ', QUOTE(p_node),
                     ' already has companies mapped (sds_company_node); unmap them or pick another id');
    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = msg;
  END IF;

  -- SymmetricDS must see the new node as a local change (§6)
  CALL sds__writer_begin(0, v_saved);
  -- what `symadmin open-registration` writes (§10): node_id = external_id,
  -- sync_enabled=0 until it registers, created_at_node_id = this node
  INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled, created_at_node_id)
    VALUES (p_node, v_branch, p_node, 0, v_me);
  -- a random password (40 hex characters <= node_password VARCHAR(50));
  -- initial_load_enabled=1: SymmetricDS queues an ALL/ALL load to the node
  -- once it has registered (§5 "Full loads also from flags", §10)
  INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time,
                                 initial_load_enabled, created_at_node_id)
    VALUES (p_node, LOWER(HEX(RANDOM_BYTES(20))), 1, NULL, 1, v_me);
  SET i = 0;
  WHILE i < n DO
    SET v_item = JSON_UNQUOTE(JSON_EXTRACT(p_companies, CONCAT('$[', i, ']')));
    IF NOT EXISTS (SELECT 1 FROM sds_company_node WHERE node_external_id = p_node
                     AND company = v_item COLLATE utf8mb4_unicode_ci) THEN
      INSERT INTO sds_company_node (company, node_external_id) VALUES (v_item, p_node);
    END IF;
    SET i = i + 1;
  END WHILE;
  CALL sds__load_extensions(v_master);
  CALL sds__upward_extension(v_master);   -- 21_load_filter.sql
  CALL sds__branch_extensions(v_branch);   -- 32_schema_ahead.sql
  CALL sds__writer_end(1, v_saved);
  SELECT p_node AS node_id, v_branch AS node_group, 'registration open' AS state,
         (SELECT GROUP_CONCAT(c.company ORDER BY c.company SEPARATOR ', ') FROM sds_company_node c
          WHERE c.node_external_id = p_node) AS companies,
         'company-filtered initial load queued for when it registers' AS initial_load;
END//

DROP PROCEDURE IF EXISTS sds_reload_branch//
CREATE PROCEDURE sds_reload_branch(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: company-filtered full reload of a registered branch, its unsent rows kept'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;
  CALL sds__check_master('sds_reload_branch', v_me, v_master, v_branch);
  CALL sds__check_branch('sds_reload_branch', p_node, v_branch);
  IF NOT EXISTS (SELECT 1 FROM sym_node_security WHERE node_id = p_node
                 AND registration_time IS NOT NULL) THEN
    -- §10: loads to unregistered nodes are ignored
    SET msg = CONCAT('sds_reload_branch: node ', QUOTE(p_node),
                     ' has not registered yet; its first load is queued when it registers');
    SIGNAL SQLSTATE '55000' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__writer_begin(0, v_saved);
  -- A full load request (trigger and router ALL) with delete_first = 0:
  -- the branch keeps what it wrote and has not sent yet; rows the load
  -- carries replace theirs by primary key. (`symadmin reload-node` sets
  -- initial_load_enabled = 1 instead, and the request SymmetricDS then
  -- writes takes delete_first from initial.load.delete.first, which is true
  -- for a first load: sds__load_extensions.) SymmetricDS processes the
  -- request as a full load (InitialLoadService.processTableRequestLoads).
  -- One request while one is waiting: a second call asks for nothing more.
  IF NOT EXISTS (SELECT 1 FROM sym_table_reload_request
                 WHERE target_node_id = p_node AND source_node_id = v_me
                   AND trigger_id = 'ALL' AND router_id = 'ALL' AND processed = 0) THEN
    INSERT INTO sym_table_reload_request (target_node_id, source_node_id, trigger_id, router_id,
                                          create_time, create_table, delete_first, processed,
                                          last_update_by, last_update_time)
      VALUES (p_node, v_me, 'ALL', 'ALL', NOW(), 0, 0, 0, 'frappe_sds', NOW());
  END IF;
  CALL sds__load_extensions(v_master);
  CALL sds__upward_extension(v_master);   -- 21_load_filter.sql
  CALL sds__branch_extensions(v_branch);   -- 32_schema_ahead.sql
  CALL sds__writer_end(1, v_saved);
  SELECT p_node AS node_id, 'reload queued' AS state,
         (SELECT GROUP_CONCAT(c.company ORDER BY c.company SEPARATOR ', ') FROM sds_company_node c
          WHERE c.node_external_id = p_node) AS companies;
END//

DROP PROCEDURE IF EXISTS sds_remove_branch//
CREATE PROCEDURE sds_remove_branch(IN p_node VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds: unmap a branch''s companies and delete its SymmetricDS node rows'
BEGIN
  DECLARE msg VARCHAR(512);
  DECLARE v_me, v_master, v_branch VARCHAR(50);
  DECLARE v_maps, v_reqs INT;
  DECLARE v_saved VARCHAR(2100);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    CALL sds__writer_end(0, v_saved);   -- 15_writers.sql
    RESIGNAL;
  END;
  CALL sds__check_master('sds_remove_branch', v_me, v_master, v_branch);
  IF p_node = v_me THEN
    SET msg = CONCAT('sds_remove_branch: node ', QUOTE(p_node), ' is this node (the master)');
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = msg;
  END IF;
  CALL sds__check_branch('sds_remove_branch', p_node, v_branch);
  CALL sds__writer_begin(0, v_saved);
  DELETE FROM sds_company_node WHERE node_external_id = p_node;
  SET v_maps = ROW_COUNT();
  DELETE FROM sym_table_reload_request WHERE target_node_id = p_node AND processed = 0;
  SET v_reqs = ROW_COUNT();
  -- foreign keys: sym_node_security (and sym_node_identity) reference sym_node
  DELETE FROM sym_node_security WHERE node_id = p_node;
  DELETE FROM sym_node WHERE node_id = p_node;
  CALL sds__writer_end(1, v_saved);
  SELECT p_node AS node_id, 'removed' AS state, v_maps AS companies_unmapped,
         v_reqs AS reload_requests_deleted;
END//

DELIMITER ;
