-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- Data ahead of the schema at a branch (issue 21, point 2; docs/schema-changes.md,
-- "Data that arrives before the ALTER").
--
-- After an ALTER at the master, the rows captured from then on travel on the
-- channel `frappe`, and the branch's table is altered by the schema change's
-- reload (create_table=1), which travels on `frappe_reload`. SymmetricDS does
-- not order one channel against the other, so a row can reach a branch
-- before its table is altered. SymmetricDS's own loader already copes with
-- the column lists: a column the branch lacks is left out of the statement
-- (DefaultDatabaseWriter.lookupTableAtTarget, Table.copyAndFilterColumns)
-- and a table it lacks is skipped
-- (dataloader.ignore.missing.tables, which frappe_sds sets for the branch
-- group below: SymmetricDS's default is false). What it does not cope with
-- is a VALUE the branch's older column cannot
-- hold: a widened VARCHAR (1406 "Data too long"), a wider or other numeric
-- type (1264, 1265, 1366), a date column turned text (1292), a column made
-- nullable (1048) or one the master dropped that the branch still has NOT
-- NULL without a default (1364). Each failed the branch's whole batch, and
-- SymmetricDS retried it until the reload altered the table, holding up
-- the channel for that branch meanwhile.
--
-- The branches' engines therefore get an error handler (a BeanShell
-- extension, sym_extension, interface IDatabaseWriterErrorHandler:
-- AbstractDatabaseWriter.filterError): a row of an INSERT or UPDATE on the
-- channel `frappe` that fails with one of those errors is skipped and
-- logged, and the batch goes on. The row is not lost: every schema change
-- of a replicated table ends in a reload of that table to every registered
-- branch (30_schema_sync.sql), which alters the branch's table first and
-- then loads the table's rows for the branch as the master has them then
-- -- the skipped row among them (it was routed to the branch, so the
-- branch's load select selects it). A schema change whose reload fails is
-- reported `failed`, and sds_retry_schema_change reloads the table again.
-- Nothing else is skipped: any other error, any other event type (deletes,
-- remote SQL), the reload channel, SymmetricDS's own tables, and every
-- error at the master (a branch's row the master's table cannot hold has
-- no reload behind it: it fails as before, docs/schema-changes.md says
-- what a narrowing asks of the branches).
--
-- With it, a writer filter for new tables (sds_new_tables, issue 21 point 3:
-- below). Written by sds_setup, sds_add_branch and sds_reload_branch for the branch
-- group, only when the text differs (SymmetricDS routes the row to the
-- branches as configuration; their ExtensionService reloads extensions).

DELIMITER //
-- sds__extension_put(id, interface, group, order, text): one of frappe_sds's
-- own BeanShell extensions (this file, 21_load_filter.sql,
-- 51_onboarding.sql) as sym_extension row `id`: written only when it
-- differs (a change is a configuration change that SymmetricDS routes, and
-- its ExtensionService reloads the extensions), written back when it was
-- changed, disabled or moved to another group. SymmetricDS calls the
-- writer filters of a node in extension_order (ExtensionServiceSqlMap,
-- selectEnabled): sds_site_target, which names the table's database, goes
-- first (0), the others after it (1).
DROP PROCEDURE IF EXISTS sds__extension_put//
CREATE PROCEDURE sds__extension_put(IN p_id VARCHAR(50), IN p_iface VARCHAR(255),
                                    IN p_group VARCHAR(50), IN p_order INT, IN p_txt MEDIUMTEXT)
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: write one of frappe_sds''s BeanShell extensions when it differs'
BEGIN
  INSERT INTO sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled,
                             extension_order, extension_text, create_time, last_update_by, last_update_time)
    SELECT p_id, 'bsh', p_iface, p_group, 1, p_order, p_txt, NOW(), 'frappe_sds', NOW() FROM DUAL
    WHERE NOT EXISTS (SELECT 1 FROM sym_extension e WHERE e.extension_id = p_id AND e.extension_type = 'bsh'
                        AND e.interface_name = p_iface AND e.node_group_id = p_group AND e.enabled = 1
                        AND e.extension_order = p_order AND BINARY e.extension_text = BINARY p_txt)
    ON DUPLICATE KEY UPDATE extension_type = VALUES(extension_type), interface_name = VALUES(interface_name),
      node_group_id = VALUES(node_group_id), enabled = 1, extension_order = VALUES(extension_order),
      extension_text = VALUES(extension_text),
      last_update_by = 'frappe_sds', last_update_time = VALUES(last_update_time);
END//

-- A branch in the runtime layout (docs/topology.md, "Branches"): its
-- engine connects to its runtime database sym_<site>, and its site's tables
-- are in its site database, whose name the master does not know (every
-- branch may name it otherwise). The engine file names it
-- (frappe_sds.site.db, frappe_sds.sds_engine_properties). The branches'
-- first writer filter gives every table a batch brings, whatever catalog it names,
-- but SymmetricDS's (sym_*) and frappe_sds's (sds_*) tables, that site
-- database as its catalog (beforeWrite): SymmetricDS looks the target table
-- up again after its filters ran (AbstractDatabaseWriter.filterBefore),
-- writes rows into it, names it in "$(catalogName)" of SQL events
-- (DefaultDatabaseWriter.preprocessSqlStatement), and builds the capture
-- triggers of a table a load created for the table with that catalog. A
-- table the first lookup in the runtime database did not find is claimed
-- (handlesMissingTable) when the site database has it, so that the row
-- reaches the filters; any other stays missing, SymmetricDS's own handling.
-- A table the site database has but SymmetricDS cannot read (the site's
-- account put a view in its place that SymmetricDS's account may not run:
-- it has no EXECUTE there) is claimed too, and its rows fail the batch,
-- which waits until the table is one SymmetricDS can read: without it,
-- SymmetricDS took the object for a missing table and skipped its rows
-- (dataloader.ignore.missing.tables, above), and the branch silently lost
-- that change (seen in the e2e's step 16).
-- A CREATE event carries the table as XML, which the loader reads again
-- (DefaultDatabaseWriter.create, DatabaseXmlUtil.read: a <database> without
-- a catalog attribute is the connection's database): the filter adds the
-- catalog there too. Before a SQL event it sets @sds_site_db on the
-- loader's connection (the compare's statements read the site's tables,
-- 58_compare.sql). The name is used only when it is a plain database name
-- (what sds_engine_properties accepts). Without one (an engine file from
-- before, or edited) a batch with a site table fails, saying so, and stays
-- in error until the file is right: nothing is written into the runtime
-- database or skipped as a missing table.
-- The master in the runtime layout gets the same filter (its own row,
-- sds_site_target_master, sds__upward_extension), with its site database
-- written into the text (p_site): its engine file names none. Whatever
-- catalog a batch names for a site table, the receiving node writes it into
-- its own site database: the catalog a batch carries comes from the sending
-- engine's router cache (ColumnsAccordingToTriggerHistory), and a sending
-- engine whose cache missed the router (SymmetricDS 3.15.9 refreshes it by
-- time only, cache.trigger.router.time.ms) named the source catalog, its own
-- site database -- a batch then stuck in error, resent as extracted (seen
-- once in CI: "Could not find the target table 'site_alpha.tabSales
-- Invoice'" at the master; tests/topology_runtime_db.sh step 3b makes it).
DROP FUNCTION IF EXISTS sds__site_target_text//
CREATE FUNCTION sds__site_target_text(p_site VARCHAR(64)) RETURNS MEDIUMTEXT CHARSET utf8mb4
  NO SQL SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the writer filter that puts the site''s tables in the site database'
BEGIN
  IF p_site IS NOT NULL AND p_site NOT REGEXP '^[A-Za-z0-9_$-]{1,64}$' THEN
    SIGNAL SQLSTATE '22023' SET MESSAGE_TEXT = 'sds_setup: the site database of the runtime layout is not a plain name ([A-Za-z0-9_$-], 1 to 64 characters) that the master''s writer filter can carry';
  END IF;
  RETURN CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.io.data.CsvData;',
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      IF(p_site IS NULL,
         '/* frappe_sds: the site tables of this node are in the site database its engine file names',
         '/* frappe_sds: the site tables of this node (the master) are in its site database, named here'),
      IF(p_site IS NULL, '   (frappe_sds.site.db), not in the runtime database it connects to',
                         '   by sds_setup, not in the runtime database it connects to'),
      '   (sql/install/32_schema_ahead.sql) */',
      'String sdsSiteDb() {',
      IF(p_site IS NULL, '  s = engine.getParameterService().getString("frappe_sds.site.db");',
                         CONCAT('  s = "', p_site, '";')),
      '  return s != null && s.matches("[A-Za-z0-9_$-]{1,64}") ? s : null;',
      '}',
      '',
      '/* the site database for a table that is not SymmetricDS or frappe_sds own, whatever catalog',
      '   the batch names (none, or the sender site database when its router cache missed the router) */',
      'String sdsSite(table) {',
      '  if (table == null || table.getName() == null) return null;',
      '  n = table.getName().toLowerCase();',
      '  if (n.startsWith(engine.getTablePrefix().toLowerCase() + "_") || n.startsWith("sds_")) return null;',
      '  s = sdsSiteDb();',
      '  if (s == null) throw new IllegalStateException("frappe_sds: this node engine file names no site database"',
      '    + " (frappe_sds.site.db, a plain database name): the site table " + table.getName() + " cannot be"',
      '    + " written; write the file again with frappe_sds.sds_engine_properties, then restart the engine");',
      '  return s;',
      '}',
      '',
      '/* an object of that name in the site database, readable or not (a view SymmetricDS may not run) */',
      'boolean sdsExists(String s, String name) {',
      '  return sqlTemplate.queryForInt("select count(*) from information_schema.tables where table_schema = ?"',
      '    + " and table_name = ?", new Object[] { s, name }) > 0;',
      '}',
      '',
      'boolean beforeWrite(context, table, data) {',
      '  if (data != null && data.getDataEventType() == DataEventType.SQL) {',
      '    s = sdsSiteDb();',
      '    if (s != null) context.findTransaction().prepareAndExecute("set @sds_site_db = ?", new Object[] { s });',
      '  }',
      '  s = sdsSite(table);',
      '  if (s == null) return true;',
      '  table.setCatalog(s);',
      '  /* a row for a table the site has but SymmetricDS cannot read: the batch fails and waits,',
      '     the row is not skipped as one of a missing table */',
      '  type = data == null ? null : data.getDataEventType();',
      '  if (type != null && type != DataEventType.CREATE && type != DataEventType.SQL',
      '      && engine.getDatabasePlatform().getTableFromCache(s, null, table.getName(), false) == null',
      '      && sdsExists(s, table.getName()))',
      '    throw new IllegalStateException("frappe_sds: " + s + "." + table.getName() + " exists at this node but"',
      '      + " SymmetricDS cannot read it (a view it may not run, or missing rights): the batch waits until it can");',
      '  if (data != null && data.getDataEventType() == DataEventType.CREATE) {',
      '    String[] v = data.getParsedData(CsvData.ROW_DATA);',
      '    if (v != null && v.length > 0 && v[0] != null) {',
      '      i = v[0].indexOf("<database ");',
      '      j = i < 0 ? -1 : v[0].indexOf(">", i);',
      '      if (j > i && v[0].substring(i, j).indexOf(" catalog=") < 0)',
      '        data.putParsedData(CsvData.ROW_DATA, new String[] { v[0].substring(0, i + 9) + " catalog="',
      '          + ((char) 34) + s + ((char) 34) + v[0].substring(i + 9) });',
      '    }',
      '  }',
      '  return true;',
      '}',
      '',
      'boolean handlesMissingTable(context, table) {',
      '  s = sdsSite(table);',
      '  return s != null && (engine.getDatabasePlatform().getTableFromCache(s, null, table.getName(), false) != null',
      '    || sdsExists(s, table.getName()));',
      '}',
      'void afterWrite(context, table, data) { }',
      'void earlyCommit(context) { }',
      'void batchComplete(context) { }',
      'void batchCommitted(context) { }',
      'void batchRolledback(context) { }');
END//

DROP PROCEDURE IF EXISTS sds__branch_extensions//
CREATE PROCEDURE sds__branch_extensions(IN p_branch VARCHAR(50))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: the branch engines'' extensions for rows ahead of their table''s schema change and for new tables'
BEGIN
  DECLARE v_txt MEDIUMTEXT;
  IF sds__site_db() <> DATABASE() THEN
    CALL sds__extension_put('sds_site_target', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter',
                             p_branch, 0, sds__site_target_text(NULL));
  END IF;
  SET v_txt = CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.io.data.CsvData;',
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      'import java.sql.SQLException;',
      '/* frappe_sds: a row that reaches this branch before the schema change of its table is',
      '   skipped; the reload of that change brings it (sql/install/32_schema_ahead.sql) */',
      'boolean handleError(context, table, data, ex) {',
      '  if (table == null || data == null || context.getBatch() == null) return true;',
      '  if (!"frappe".equals(context.getBatch().getChannelId())) return true;',
      '  type = data.getDataEventType();',
      '  if (type != DataEventType.INSERT && type != DataEventType.UPDATE) return true;',
      '  if (table.getName().toLowerCase().startsWith("sym_")) return true;',
      '  int code = 0;',
      '  for (Throwable c = ex; c != null && code == 0; c = c.getCause())',
      '    if (c instanceof SQLException) code = ((SQLException) c).getErrorCode();',
      '  if (code != 1406 && code != 1264 && code != 1265 && code != 1366 && code != 1292',
      '      && code != 1048 && code != 1364) return true;',
      '  key = null;',
      '  try { key = java.util.Arrays.toString(data.getPkData(table)); } catch (Exception e) { }',
      '  log.warn("frappe_sds: batch " + context.getBatch().getNodeBatchId() + ": a row of " + table.getName()',
      '    + " " + key + " does not fit the table of this node yet (error " + code',
      '    + "): skipped; the reload of the schema change of the table brings it");',
      '  return false;',
      '}');
  CALL sds__extension_put('sds_schema_ahead', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterErrorHandler',
                           p_branch, 1, v_txt);
  -- A new table: the rows captured at the master between its capture
  -- trigger's build and the reload that creates it at the branches reach
  -- them first. SymmetricDS fails such a batch ("Could not find the target
  -- table", AbstractDatabaseWriter.write, before any error handler) unless
  -- dataloader.ignore.missing.tables is true (default false); then it skips
  -- the rows and logs "Did not find the … table in the target database".
  -- The reload brings them (it reads the table as it is when extracted).
  -- The price: a table a branch lacks for good (an app the branch site does
  -- not have) is skipped there rather than stopping the channel.
  CALL sds__parameter_put(p_branch, 'dataloader.ignore.missing.tables', 'true');   -- 15_writers.sql

  -- New tables at branches (issue 21, point 3; docs/schema-changes.md, "New
  -- tables at branches"). A branch gets a new table from the create_table=1
  -- load of its schema change: SymmetricDS's loader runs the load's CREATE
  -- event (DefaultDatabaseWriter.create) and builds the branch's capture
  -- trigger for the table only when the whole pull ends
  -- (ConfigurationChangedDatabaseWriterFilter collects the created tables in
  -- afterWrite and syncs their triggers in syncEnded). A row the branch's
  -- application wrote to the table in between was never captured.
  --
  -- The branches' engines therefore get a writer filter (a BeanShell
  -- extension, interface IDatabaseWriterFilter; BeanShell's proxy needs every
  -- method of the interface defined): a CREATE event for a table this node
  -- does not have yet notes the table; every row the loader writes to a
  -- noted table is remembered by its key; once the batch commits, the filter
  -- builds the table's capture triggers at once
  -- (TriggerRouterService.syncTriggers, what syncEnded does later: it then
  -- finds them built), and then deletes and writes again, in one transaction
  -- on a connection of its own (not the loader's: the trigger captures it),
  -- every row of the table the loader did not write -- the rows the branch's
  -- application wrote before the trigger existed. They travel to the master
  -- as a delete and an insert (the master ignores an update of a row it
  -- lacks). Rows written after the trigger exists are captured as usual.
  -- Only under the conditions syncEnded itself builds triggers for created
  -- tables (auto.sync.triggers, and the node's initial load done unless
  -- trigger.create.before.initial.load): otherwise nothing changes. A table
  -- the branch has already (the CREATE of a later change, a reload run
  -- again) is altered by the load, and nothing is done. When the trigger
  -- cannot be built yet (the trigger's row has not reached the branch), the
  -- table stays noted and is tried again after each later batch, for up to
  -- 10 minutes. A failure never fails the batch: it is logged (a warning).
  -- (No SQL quote and no two slashes in the text: the mtr test
  -- ops_load_ext checks it.)
  SET v_txt = CONCAT_WS(CHAR(10),
      'import java.util.ArrayList;',
      'import java.util.Collections;',
      'import java.util.HashSet;',
      'import java.util.Iterator;',
      'import java.util.List;',
      'import java.util.Set;',
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      '/* frappe_sds: a table created by a load gets its capture trigger as soon as the batch',
      '   commits, and the rows this node wrote to it before are captured then',
      '   (sql/install/32_schema_ahead.sql) */',
      'sdsNew = new java.util.concurrent.ConcurrentHashMap();',
      '',
      'String sdsQ(String n) { return "`" + n.replace("`", "``") + "`"; }',
      '',
      '/* the table as the loader names it: in its site database when sds_site_target gave it one */',
      'String sdsT(t) {',
      '  c = t.getCatalog();',
      '  return (c == null || c.length() == 0 ? "" : sdsQ(c) + ".") + sdsQ(t.getName());',
      '}',
      '',
      'String sdsDb(t) {',
      '  c = t.getCatalog();',
      '  if (c != null && c.length() > 0) return c;',
      '  return (String) sqlTemplate.queryForString("select database()", new Object[0]);',
      '}',
      '',
      'String sdsKey(String[] v) {',
      '  StringBuilder b = new StringBuilder();',
      '  for (int i = 0; i < v.length; i++) {',
      '    if (i > 0) b.append((char) 1);',
      '    b.append(v[i] == null ? "(null)" : v[i]);',
      '  }',
      '  return b.toString();',
      '}',
      '',
      '/* a table created by a load has no trigger but SymmetricDS capture triggers */',
      'boolean sdsHasTrigger(t) {',
      '  return sqlTemplate.queryForInt("select count(*) from information_schema.triggers"',
      '    + " where event_object_schema = ? and event_object_table = ?"',
      '    + " and event_manipulation = ?", new Object[] { sdsDb(t), t.getName(), "INSERT" }) > 0;',
      '}',
      '',
      'void sdsNote(context, table) {',
      '  String name = table.getName();',
      '  p = engine.getParameterService();',
      '  if (name == null || name.toLowerCase().startsWith(p.getTablePrefix().toLowerCase() + "_")) return;',
      '  if (!p.is("auto.sync.triggers")) return;',
      '  ns = engine.getNodeService();',
      '  sec = ns.findNodeSecurity(ns.findIdentityNodeId(), true);',
      '  if (!p.is("trigger.create.before.initial.load") && (sec == null || !sec.hasInitialLoaded())) return;',
      '  if (sqlTemplate.queryForInt("select count(*) from information_schema.tables"',
      '      + " where table_schema = ? and table_name = ?", new Object[] { sdsDb(table), name }) > 0) return;',
      '  sdsNew.put(name, new Object[] { table, Collections.synchronizedSet(new HashSet()),',
      '    new Long(System.currentTimeMillis()), new Long(context.getBatch().getBatchId()) });',
      '  log.info("frappe_sds: batch " + context.getBatch().getNodeBatchId() + " creates table " + name',
      '    + ": its capture trigger is built when the batch commits, and rows written here before then are captured");',
      '}',
      '',
      'int sdsRecapture(t0, Set loaded) {',
      '  String name = sdsT(t0);',
      '  t = engine.getDatabasePlatform().getTableFromCache(t0.getCatalog(), t0.getSchema(), t0.getName(), true);',
      '  if (t == null) throw new IllegalStateException("table not found");',
      '  String[] pk = t.getPrimaryKeyColumnNames();',
      '  if (pk == null || pk.length == 0) throw new IllegalStateException("the table has no primary key");',
      '  String cols = "", where = "";',
      '  for (int i = 0; i < pk.length; i++) {',
      '    cols += (i > 0 ? ", " : "") + sdsQ(pk[i]);',
      '    where += (i > 0 ? " and " : "") + sdsQ(pk[i]) + " = ?";',
      '  }',
      '  c = engine.getDatabasePlatform().getDataSource().getConnection();',
      '  st = null;',
      '  int n = 0;',
      '  try {',
      '    c.setAutoCommit(true);',
      '    st = c.createStatement();',
      '    /* captured as this node own writes, routed to every node */',
      '    st.execute("set @sync_triggers_disabled = null, @sync_node_disabled = null");',
      '    List keys = new ArrayList();',
      '    rs = st.executeQuery("select " + cols + " from " + name);',
      '    while (rs.next()) {',
      '      String[] v = new String[pk.length];',
      '      for (int i = 0; i < pk.length; i++) v[i] = rs.getString(i + 1);',
      '      if (!loaded.contains(sdsKey(v))) keys.add(v);',
      '    }',
      '    rs.close();',
      '    if (keys.isEmpty()) return 0;',
      '    st.execute("drop temporary table if exists sds__recapture");',
      '    st.execute("create temporary table sds__recapture like " + name);',
      '    c.setAutoCommit(false);',
      '    ps = c.prepareStatement("insert into sds__recapture select * from " + name + " where " + where);',
      '    for (Iterator it = keys.iterator(); it.hasNext();) {',
      '      String[] v = (String[]) it.next();',
      '      for (int i = 0; i < v.length; i++) ps.setString(i + 1, v[i]);',
      '      ps.executeUpdate();',
      '    }',
      '    ps.close();',
      '    /* a delete and an insert: the master ignores an update of a row it lacks */',
      '    st.executeUpdate("delete t from " + name + " t join sds__recapture r using (" + cols + ")");',
      '    n = st.executeUpdate("insert into " + name + " select * from sds__recapture");',
      '    c.commit();',
      '  } catch (Throwable x) {',
      '    try { c.rollback(); } catch (Throwable y) { }',
      '    throw x;',
      '  } finally {',
      '    try { c.setAutoCommit(true); if (st != null) st.execute("drop temporary table if exists sds__recapture"); }',
      '    catch (Throwable y) { }',
      '    c.close();',
      '  }',
      '  return n;',
      '}',
      '',
      'void sdsCatchUp() {',
      '  for (Iterator it = new ArrayList(sdsNew.keySet()).iterator(); it.hasNext();) {',
      '    String name = (String) it.next();',
      '    Object[] e = (Object[]) sdsNew.get(name);',
      '    if (e == null) continue;',
      '    try {',
      '      if (!sdsHasTrigger(e[0])) {',
      '        for (int i = 0; i < 10 && !engine.getTriggerRouterService().syncTriggers(e[0], false); i++) Thread.sleep(200);',
      '        if (!sdsHasTrigger(e[0])) {',
      '          if (System.currentTimeMillis() - ((Long) e[2]).longValue() > 600000L) {',
      '            sdsNew.remove(name);',
      '            log.warn("frappe_sds: new table " + name + " has no capture trigger at this node after 10 minutes:"',
      '              + " rows written here before it has one are not captured");',
      '          }',
      '          continue;',
      '        }',
      '      }',
      '      if (sdsNew.remove(name) == null) continue;',
      '      int n = sdsRecapture(e[0], (Set) e[1]);',
      '      log.info("frappe_sds: new table " + name + " has its capture trigger; " + n',
      '        + " row(s) written here before it were captured again");',
      '    } catch (Throwable x) {',
      '      log.warn("frappe_sds: capturing the rows written to new table " + name',
      '        + " before its capture trigger failed (tried again after the next batch): " + x);',
      '      sdsNew.putIfAbsent(name, e);',
      '    }',
      '  }',
      '}',
      '',
      'boolean beforeWrite(context, table, data) {',
      '  try {',
      '    if (table != null && data != null && data.getDataEventType() == DataEventType.CREATE) sdsNote(context, table);',
      '  } catch (Throwable x) {',
      '    log.warn("frappe_sds: new table check failed: " + x);',
      '  }',
      '  return true;',
      '}',
      '',
      'void afterWrite(context, table, data) {',
      '  if (sdsNew.isEmpty() || table == null || data == null) return;',
      '  try {',
      '    Object[] e = (Object[]) sdsNew.get(table.getName());',
      '    if (e == null) return;',
      '    type = data.getDataEventType();',
      '    if (type == DataEventType.INSERT || type == DataEventType.UPDATE) ((Set) e[1]).add(sdsKey(data.getPkData(table)));',
      '  } catch (Throwable x) {',
      '    log.warn("frappe_sds: new table key note failed: " + x);',
      '  }',
      '}',
      '',
      'boolean handlesMissingTable(context, table) { return false; }',
      'void earlyCommit(context) { }',
      'void batchComplete(context) { }',
      '',
      'void batchCommitted(context) {',
      '  if (!sdsNew.isEmpty()) sdsCatchUp();',
      '}',
      '',
      'void batchRolledback(context) {',
      '  if (sdsNew.isEmpty()) return;',
      '  /* the CREATE stays (DDL commits), the rows this batch wrote do not */',
      '  long id = context.getBatch().getBatchId();',
      '  for (Iterator it = sdsNew.values().iterator(); it.hasNext();) {',
      '    Object[] e = (Object[]) it.next();',
      '    if (((Long) e[3]).longValue() == id) ((Set) e[1]).clear();',
      '  }',
      '  sdsCatchUp();',
      '}');
  CALL sds__extension_put('sds_new_tables', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter',
                           p_branch, 1, v_txt);

  -- Settings at branches (docs/operations.md, "Branch onboarding"). Frappe
  -- keeps a Single DocType's values in tabSingles, one row per (doctype,
  -- field), with no key: SymmetricDS's loader inserts a row it is sent, and
  -- nothing stops a second row of the same field (AbstractDatabaseWriter
  -- falls back to an update only on a key violation). Every load that
  -- carries tabSingles -- a full reload of a branch in service, which does
  -- not empty its tables first -- doubled each setting. So the branches'
  -- engines get a second writer filter: before a row of tabSingles is
  -- inserted at this node, the rows of the same doctype and field are
  -- deleted, on the loader's transaction (its capture is off, and branches
  -- do not capture tabSingles anyway). A setting is the master's value,
  -- once. (No SQL quote and no two slashes in the text, as above.)
  SET v_txt = CONCAT_WS(CHAR(10),
      'import org.jumpmind.symmetric.io.data.CsvData;',
      'import org.jumpmind.symmetric.io.data.DataEventType;',
      '/* frappe_sds: a setting (a row of tabSingles, which has no key) is written once: the',
      '   rows of its doctype and field go first (sql/install/32_schema_ahead.sql) */',
      'boolean beforeWrite(context, table, data) {',
      '  if (table == null || data == null || data.getDataEventType() != DataEventType.INSERT) return true;',
      '  if (!"tabSingles".equalsIgnoreCase(table.getName())) return true;',
      '  int d = table.getColumnIndex("doctype"), f = table.getColumnIndex("field");',
      '  String[] v = data.getParsedData(CsvData.ROW_DATA);',
      '  if (d < 0 || f < 0 || v == null || d >= v.length || f >= v.length) return true;',
      '  c = table.getCatalog();',
      '  /* (in its site database when sds_site_target gave it one) */',
      '  context.findTransaction().prepareAndExecute("delete from " + (c == null || c.length() == 0 ? ""',
      '    : "`" + c.replace("`", "``") + "`.") + "`tabSingles` where `doctype` <=> ? and `field` <=> ?",',
      '    new Object[] { v[d], v[f] });',
      '  return true;',
      '}',
      'void afterWrite(context, table, data) { }',
      'boolean handlesMissingTable(context, table) { return false; }',
      'void earlyCommit(context) { }',
      'void batchComplete(context) { }',
      'void batchCommitted(context) { }',
      'void batchRolledback(context) { }');
  CALL sds__extension_put('sds_singles_once', 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter',
                           p_branch, 1, v_txt);
END//
DELIMITER ;
