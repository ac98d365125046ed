/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Prototype of the runtime-database topology (docs/topology.md, issue 23 point 2) on
   SymmetricDS 3.15.9's own engine. Run by tests/topology_runtime_db.sh, which made the two
   servers, the Frappe-shaped site databases, the runtime databases (empty) and the accounts:
     site@localhost  ALL on its site database only (what Frappe's bench creates)
     sym@localhost   ALL on the runtime database; SELECT/INSERT/UPDATE/DELETE/DDL/TRIGGER on
                     the site database, no EXECUTE there; PROCESS
     root            the DBA (stands for frappe_sds's DBA routines writing the configuration)
   args: M_SOCK M_SITE M_RUNTIME B_SOCK B_SITE B_RUNTIME WORKDIR FIXTURE_DB
   (FIXTURE_DB: a scratch database on the master's server where sds_setup ran on the
   bundled ERPNext fixture; its configuration rows for the four tables are copied)
   Prints "  ok   ..." / "  FAIL ..." / "  info ..." lines, "RESULT PASS|FAIL <step>" per
   step, and exits 0 only when every step passed. */
package topology;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.jumpmind.symmetric.ClientSymmetricEngine;
import org.jumpmind.symmetric.ISymmetricEngine;
import org.jumpmind.symmetric.Version;
import org.jumpmind.symmetric.model.Router;

public class Topology {
    static String MS, MSITE, MRT, BS, BSITE, BRT, work;
    static String sitePw, symPw, FX;
    static final Map<String, ISymmetricEngine> engines = new LinkedHashMap<>();
    static final Map<String, String> results = new LinkedHashMap<>();
    static boolean stepOk;

    public static void main(String[] a) throws Exception {
        MS = a[0]; MSITE = a[1]; MRT = a[2];
        BS = a[3]; BSITE = a[4]; BRT = a[5];
        work = a[6];
        FX = a[7];
        sitePw = System.getProperty("topo.sitePw");
        symPw = System.getProperty("topo.symPw");
        URL.setURLStreamHandlerFactory(p -> "internal".equals(p) ? new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("internal: urls are not opened");
            }
        } : null);
        say("SymmetricDS " + Version.version());
        int rc = 0;
        try {
            step("0 the master in today's layout (sym_* in the site database), then migrated to a runtime database", Topology::step0);
            if (!migrated) throw new RuntimeException("the migration failed: the rest needs it");
            step("1 master engine on its runtime database builds capture triggers on the site database", Topology::step1);
            step("2 branch registers and gets a company-filtered initial load across databases", Topology::step2);
            step("2b live master -> branch into the branch's site database, no echo; the branch's site user reaches no runtime table", Topology::step2b);
            step("3 live changes both ways, written by the site user", Topology::step3);
            step("3b a batch that names the sender's catalog (its router cache missed the router) still lands in the receiver's site database", Topology::step3b);
            step("4 the site user writes no sym_* row and gives SymmetricDS's account no right", Topology::step4);
            step("5 the site user's code never runs as SymmetricDS (lookup view, capture trigger, shadow function)", Topology::step5);
            step("6 dropping or adding capture triggers harms only the site itself", Topology::step6);
            step("7 remote SQL for whom the DBA allows, through a DBA routine the site cannot replace", Topology::step7remote);
            step("8 control: with EXECUTE on the site database (today's sds_grant) the same attacks run as SymmetricDS", Topology::step7);
        } catch (Exception e) {
            say("stopped: " + e);
        } finally {
            for (Map.Entry<String, ISymmetricEngine> e : engines.entrySet()) {
                try {
                    e.getValue().stop();
                } catch (Throwable t) {
                    say("stop " + e.getKey() + ": " + t);
                }
            }
            say("================ SUMMARY ================");
            for (Map.Entry<String, String> r : results.entrySet()) {
                say("RESULT " + r.getValue() + "  " + r.getKey());
                if (!r.getValue().startsWith("PASS")) rc = 1;
            }
            if (results.size() < 11) rc = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    interface Step {
        void run() throws Exception;
    }

    static void step(String name, Step s) {
        say("");
        say("######## " + name);
        stepOk = true;
        long t0 = System.currentTimeMillis();
        try {
            s.run();
        } catch (Throwable t) {
            stepOk = false;
            say("  FAIL exception: " + t);
            t.printStackTrace(System.out);
        }
        results.put(name, (stepOk ? "PASS" : "FAIL") + String.format(" (%.0f s)", (System.currentTimeMillis() - t0) / 1000.0));
    }

    static void check(String what, boolean ok) {
        say((ok ? "  ok   " : "  FAIL ") + what);
        if (!ok) stepOk = false;
    }

    static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    // ---------------------------------------------------------------- SQL
    static String url(String sock, String db) {
        return "jdbc:mariadb://localhost/" + db + "?localSocket=" + sock;
    }

    static Connection root(String sock, String db) throws Exception {
        return DriverManager.getConnection(url(sock, db), "root", "");
    }

    static Connection site(String sock, String db) throws Exception {
        return DriverManager.getConnection(url(sock, db), "site", sitePw);
    }

    static List<String> col(String sock, String db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = root(sock, db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static String one(String sock, String db, String sql) throws Exception {
        List<String> r = col(sock, db, sql);
        return r.isEmpty() ? null : r.get(0);
    }

    static long num(String sock, String db, String sql) throws Exception {
        String v = one(sock, db, sql);
        return v == null ? 0 : Long.parseLong(v);
    }

    static void exec(Connection c, String... sqls) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : sqls) s.execute(sql);
        }
    }

    static void rootExec(String sock, String db, String... sqls) throws Exception {
        try (Connection c = root(sock, db)) {
            exec(c, sqls);
        }
    }

    static void siteExec(String sock, String db, String... sqls) throws Exception {
        try (Connection c = site(sock, db)) {
            exec(c, sqls);
        }
    }

    /** the site user's DDL, then FLUSH TABLES as root: MariaDB 10.11 keeps a stale parse of a
     *  trigger body across DROP VIEW / RENAME TABLE of a table the body reads (seen here: "Table
     *  'tabCompany_real' doesn't exist" after the site had renamed it back), so each attempt is
     *  judged on privileges alone, not on what an earlier attempt left in the table cache. */
    static void siteDdl(String sock, String db, String... sqls) throws Exception {
        siteExec(sock, db, sqls);
        rootExec(sock, "mysql", "FLUSH TABLES");
    }

    /** runs sql as the site user; returns the error ("" when it succeeded). */
    static String siteTry(String sock, String db, String sql) {
        try (Connection c = site(sock, db)) {
            exec(c, sql);
            return "";
        } catch (Exception e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    static void refused(String what, String sock, String db, String sql) {
        String err = siteTry(sock, db, sql);
        check(what + (err.isEmpty() ? " -- it SUCCEEDED" : " -- refused: " + firstLine(err)), !err.isEmpty());
    }

    static String firstLine(String s) {
        int i = s.indexOf('\n');
        s = i < 0 ? s : s.substring(0, i);
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    static boolean waitFor(String what, int seconds, Callable<Boolean> cond) throws Exception {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            try {
                if (cond.call()) return true;
            } catch (Exception e) {
                // not there yet
            }
            Thread.sleep(500);
        }
        say("  (gave up waiting " + seconds + " s for: " + what + ")");
        return false;
    }

    static String q(String id) {
        return "`" + id + "`";
    }

    // ---------------------------------------------------------------- engines
    static Properties props(String name, String sock, String rt, String group, String ext, String reg) {
        Properties p = new Properties();
        p.setProperty("engine.name", name);
        p.setProperty("db.driver", "org.mariadb.jdbc.Driver");
        // the runtime database is the connection's database: SymmetricDS's default catalog
        // (MySqlDatabasePlatform.getDefaultCatalog: select database())
        p.setProperty("db.url", url(sock, rt));
        p.setProperty("db.user", "sym");
        p.setProperty("db.password", symPw);
        p.setProperty("group.id", group);
        p.setProperty("external.id", ext);
        p.setProperty("registration.url", reg);
        p.setProperty("transport.type", "internal");
        p.setProperty("sync.url", "internal://" + name);
        p.setProperty("staging.dir", work + "/staging");
        p.setProperty("initial.load.create.first", "false");
        p.setProperty("job.random.max.start.time.ms", "100");
        p.setProperty("job.routing.period.time.ms", "1000");
        p.setProperty("job.push.period.time.ms", "1000");
        p.setProperty("job.pull.period.time.ms", "1000");
        p.setProperty("job.heartbeat.period.time.ms", "5000");
        p.setProperty("job.initial.load.extract.period.time.ms", "1000");
        p.setProperty("job.initial.load.queue.period.time.ms", "1000");
        p.setProperty("registration.max.time.between.retries", "2");
        p.setProperty("start.stat.flush.job", "false");
        p.setProperty("start.watchdog.job", "false");
        p.setProperty("start.purge.incoming.job", "false");
        p.setProperty("start.purge.outgoing.job", "false");
        p.setProperty("start.stage.management.job", "false");
        p.setProperty("db.pool.initial.size", "2");
        p.setProperty("db.pool.max.active", "20");
        return p;
    }

    static ISymmetricEngine start(String name, Properties p) {
        ClientSymmetricEngine e = new ClientSymmetricEngine(p, true);
        engines.put(name, e);
        if (!e.start()) throw new RuntimeException("engine " + name + " did not start: " + e.getLastException());
        say("  engine " + name + " started (" + p.getProperty("group.id") + "/" + p.getProperty("external.id") + ", runtime database "
                + p.getProperty("db.url").replaceAll("\\?.*", "") + ")");
        return e;
    }

    // ---------------------------------------------------------------- configuration
    // What sds_setup wrote in the fixture's scratch database (FX), for the four tables of the
    // prototype's site, copied into the runtime database as the topology's DBA routine would
    // write it: the rows as they are, plus what the topology needs (docs/topology.md):
    // source_catalog_name (master rows -> the master's site database, .up rows -> a token
    // each branch fills from its engine file), the master's site database as the target
    // catalog of the branch -> master router (none on the routers to the branches),
    // use_source_catalog_schema = 0, and the master's site database named in the load
    // selects and the lookup table (loads and routing run on a connection whose database is
    // the runtime database). The master's configuration names no branch site database.
    static final String TABLES = "'tabCompany', 'tabItem', 'tabSales Invoice', 'tabSales Invoice Item'";
    /** the engine-file parameter that names a branch's site database (its .up capture triggers) */
    static final String SITE_PARAM = "frappe_sds.site.db";
    static final String BRANCH_SITE_TOKEN = "$(" + SITE_PARAM + ")";
    /** how the branch's loader reaches its site database (topo.branchMode):
     *  "retarget" (default): an ordinary node on its runtime database; a branch-group writer
     *    filter (sds_site_target) names the engine file's site database as the catalog of every
     *    non-sym_* table a batch brings without one;
     *  "load-only": SymmetricDS's load-only node (load.only=true, target.db.* = the site
     *    database). Its loader writes the site database, but the node builds no capture
     *    trigger on it (see step 2): the branch -> master checks fail in this mode. */
    static final boolean LOAD_ONLY = "load-only".equals(System.getProperty("topo.branchMode"));

    static String lit(String s) {
        return s == null ? "NULL" : "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** INSERT IGNORE INTO rt.t (common columns) SELECT them FROM fx.t WHERE cond. */
    static String copy(Connection c, String rt, String t, String cond) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select a.column_name from information_schema.columns a join information_schema.columns b"
                        + " on b.table_schema = " + lit(FX) + " and b.table_name = a.table_name and b.column_name = a.column_name"
                        + " where a.table_schema = " + lit(rt) + " and a.table_name = " + lit(t) + " order by a.ordinal_position")) {
            while (rs.next()) cols.add(q(rs.getString(1)));
        }
        String l = String.join(", ", cols);
        return "INSERT IGNORE INTO " + q(rt) + "." + t + " (" + l + ") SELECT " + l + " FROM " + q(FX) + "." + t + " WHERE " + cond;
    }

    static void copyConfig(String sock, String rt, boolean topology) throws Exception {
        if (SITE_TARGET_FILTER == null) {
            SITE_TARGET_FILTER = one(sock, FX, "select sds__site_target_text(NULL)");
            MASTER_TARGET_FILTER = one(sock, FX, "select sds__site_target_text(" + lit(MSITE) + ")");
        }
        try (Connection c = root(sock, rt)) {
            String ours = "last_update_by = 'frappe_sds'";
            exec(c, copy(c, rt, "sym_node_group", ours),
                    copy(c, rt, "sym_node_group_link", ours),
                    copy(c, rt, "sym_channel", ours),
                    copy(c, rt, "sym_router", ours),
                    copy(c, rt, "sym_conflict", ours + " and (target_table_name is null or target_table_name in (" + TABLES + "))"),
                    copy(c, rt, "sym_trigger", ours + " and source_table_name in (" + TABLES + ")"),
                    copy(c, rt, "sym_trigger_router", ours + " and trigger_id in (select trigger_id from " + q(FX)
                            + ".sym_trigger where source_table_name in (" + TABLES + "))"));
        }
        if (topology) topologyConfig(sock, rt);
    }

    /** what the topology changes in sds_setup's rows (docs/topology.md, "Generator changes") */
    static void topologyConfig(String sock, String rt) throws Exception {
        rootExec(sock, rt,
                // the .up rows (built at the branches only) name no site database: each branch
                // fills the token from its engine file (TriggerRouterService.getTriggers(true)
                // replaces $(...) in source_catalog_name with the node's own parameters)
                "UPDATE sym_trigger SET source_catalog_name = IF(trigger_id LIKE '%.up', " + lit(BRANCH_SITE_TOKEN) + ", " + lit(MSITE) + ")"
                        + " WHERE last_update_by = 'frappe_sds'",
                // master -> branch: no target catalog (a batch cannot name one per receiving
                // node); the load-only branch writes its default target catalog, i.e. the
                // database of its target.db.url, its site database. branch -> master: the
                // master's site database. use_source_catalog_schema = 0 on all (as the
                // generator writes them in this layout, core/sds_config.c)
                "UPDATE sym_router SET target_catalog_name = IF(target_node_group_id = 'branch', NULL, " + lit(MSITE) + "),"
                        + " use_source_catalog_schema = 0 WHERE last_update_by = 'frappe_sds'",
                "UPDATE sym_router SET router_expression = REPLACE(router_expression, 'LOOKUP_TABLE=sds_company_route', "
                        + lit("LOOKUP_TABLE=" + MSITE + ".sds_company_route") + ") WHERE router_type = 'lookuptable'",
                "UPDATE sym_trigger_router SET initial_load_select = REPLACE(initial_load_select, 'from `', "
                        + lit("from `" + MSITE + "`.`") + ") WHERE initial_load_select IS NOT NULL");
    }

    static void reportConfig(String sock, String rt) throws Exception {
        say("  info configuration: " + one(sock, rt, "select concat((select count(*) from sym_trigger), ' trigger rows, ',"
                + " (select count(*) from sym_trigger_router), ' trigger routers, ', (select count(*) from sym_router), ' routers, ',"
                + " (select count(*) from sym_conflict), ' conflict rows, ', (select count(*) from sym_channel where last_update_by = 'frappe_sds'), ' channels')"));
        for (String r : col(sock, rt, "select concat(trigger_id, ' -> ', router_id, ': ', initial_load_select) from sym_trigger_router where initial_load_select is not null"))
            say("    | " + r);
        // the scratch site is gone before the engine starts building triggers
        rootExec(sock, "mysql", "DROP DATABASE " + q(FX));
    }

    static long triggersOn(String sock, String schema) throws Exception {
        return num(sock, "mysql", "select count(*) from information_schema.triggers where trigger_schema = " + lit(schema));
    }

    // ---------------------------------------------------------------- step 1
    static ISymmetricEngine master, branch;

    // ---------------------------------------------------------------- step 0
    // The master starts in today's layout: its engine on the site database (db.url = the
    // site database, sym_* created there by auto.config, the rights sds_grant gives today:
    // EXECUTE and routines on the site database), sds_setup's rows as they are. Then the
    // migration of docs/topology.md, "Migrating an existing site", as the DBA would run it.
    static boolean migrated;

    static void step0() throws Exception {
        String esc = MSITE.replace("_", "\\_");
        rootExec(MS, "mysql", "GRANT CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON `" + esc + "`.* TO sym@localhost");
        ISymmetricEngine old = start("master-today", props("master", MS, MSITE, "master", "hq", ""));
        check("today's layout: the engine created its sym_* tables in the SITE database",
                num(MS, MSITE, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'sym\\_%'") > 40);
        waitFor("identity", 60, () -> num(MS, MSITE, "select count(*) from sym_node_identity") == 1);
        copyConfig(MS, MSITE, false);
        old.clearCaches();
        old.syncTriggers();
        String onTab = "select count(*) from information_schema.triggers where trigger_schema = " + lit(MSITE) + " and event_object_table like 'tab%'";
        boolean built = waitFor("old triggers", 60, () -> num(MS, "mysql", onTab) == 12);
        check("today's layout: 12 capture triggers on the site's tables writing the site database's sym_data", built
                && num(MS, "mysql", onTab + " and action_statement like " + lit("%insert into `" + MSITE + "`.sym_data%")) == 12);
        old.stop();
        old.destroy();
        engines.remove("master-today");
        // the hole this layout closes: the site user writes an S event SymmetricDS would send
        String err = siteTry(MS, MSITE, "INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, create_time)"
                + " VALUES ('tabItem', 'S', '\"select 1 /* topo-probe */\"', 1, 'frappe', NOW())");
        check("today's layout: the site user CAN write an S event into sym_data" + (err.isEmpty() ? "" : " -- " + firstLine(err)), err.isEmpty());
        rootExec(MS, MSITE, "DELETE FROM sym_data WHERE row_data LIKE '%topo-probe%'");

        // the migration, engine stopped
        long t0 = System.currentTimeMillis();
        try (Connection c = root(MS, MSITE)) {
            for (String t : col(MS, "mysql", "select trigger_name from information_schema.triggers where trigger_schema = " + lit(MSITE)
                    + " and definer = 'sym@localhost'"))
                exec(c, "DROP TRIGGER " + q(MSITE) + "." + q(t));
            List<String> pairs = new ArrayList<>();
            for (String t : col(MS, "mysql", "select table_name from information_schema.tables where table_schema = " + lit(MSITE)
                    + " and table_name like 'sym\\_%'"))
                pairs.add(q(MSITE) + "." + q(t) + " TO " + q(MRT) + "." + q(t));
            exec(c, "RENAME TABLE " + String.join(", ", pairs));
            for (String f : col(MS, "mysql", "select routine_name from information_schema.routines where routine_schema = " + lit(MSITE)
                    + " and routine_name like 'sym\\_%'"))
                exec(c, "DROP FUNCTION " + q(MSITE) + "." + q(f));
        }
        rootExec(MS, "mysql", "REVOKE CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON `" + esc + "`.* FROM sym@localhost");
        topologyConfig(MS, MRT);
        say(String.format("  info migration (drop triggers, RENAME TABLE of every sym_* table, drop the function, revoke, rewrite the configuration) in %.1f s",
                (System.currentTimeMillis() - t0) / 1000.0));
        check("after the migration: no sym_* table, trigger or routine left in the site database",
                num(MS, "mysql", "select (select count(*) from information_schema.tables where table_schema = " + lit(MSITE) + " and table_name like 'sym\\_%')"
                        + " + (select count(*) from information_schema.triggers where trigger_schema = " + lit(MSITE) + ")"
                        + " + (select count(*) from information_schema.routines where routine_schema = " + lit(MSITE) + ")") == 0);
        check("after the migration: the node identity and the batches' history moved with the tables",
                num(MS, MRT, "select count(*) from sym_node_identity") == 1 && num(MS, MRT, "select count(*) from sym_trigger_hist") >= 4);
        reportConfig(MS, MRT);
        check("the runtime database holds sds_setup's 8 trigger rows for the 4 tables (4 master, 4 .up), with the site catalogs",
                num(MS, MRT, "select count(*) from sym_trigger where source_catalog_name = " + lit(MSITE)) == 4
                        && num(MS, MRT, "select count(*) from sym_trigger where trigger_id like '%.up' and source_catalog_name = " + lit(BRANCH_SITE_TOKEN)) == 4);
        check("the master's configuration names no branch site database (routers to the branch: no target catalog; .up rows: a token)",
                num(MS, MRT, "select (select count(*) from sym_router where target_catalog_name = " + lit(BSITE) + " or (target_node_group_id = 'branch' and target_catalog_name is not null))"
                        + " + (select count(*) from sym_trigger where source_catalog_name = " + lit(BSITE) + ")"
                        + " + (select count(*) from sym_trigger_router where initial_load_select like " + lit("%" + BSITE + "%") + ")") == 0);
        migrated = stepOk;
    }

    // ---------------------------------------------------------------- step 1
    static void step1() throws Exception {
        Properties p = props("master", MS, MRT, "master", "hq", "");
        // the first start after the migration must check its objects: with the default
        // auto.config.database.fast=true an engine whose sym_node.symmetric_version matches
        // skips them (AbstractSymmetricEngine.setupDatabase) and never creates its
        // transaction-id function in the runtime database: every captured write then fails
        // with "FUNCTION sym_erp_master.sym_transaction_id_post_5_7_6 does not exist" (seen)
        p.setProperty("auto.config.database.fast", "false");
        master = start("master", p);
        check("the master engine runs on the runtime database with the moved tables",
                num(MS, MRT, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'sym\\_%'") > 40);
        check("and none in the site database",
                num(MS, MRT, "select count(*) from information_schema.tables where table_schema = " + lit(MSITE) + " and table_name like 'sym\\_%'") == 0);
        check("the master's identity is in the runtime database", waitFor("identity", 60, () -> num(MS, MRT, "select count(*) from sym_node_identity") == 1));
        // sds_add_branch's rows (registration open, first load queued when it registers)
        rootExec(MS, MRT,
                "INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled, created_at_node_id) VALUES ('br1', 'branch', 'br1', 0, 'hq')",
                "INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time, initial_load_enabled, created_at_node_id)"
                        + " VALUES ('br1', LOWER(HEX(RANDOM_BYTES(20))), 1, NULL, 1, 'hq')");
        // sds_map_company: a site table (the site decides which branch hosts which company)
        siteExec(MS, MSITE, "INSERT INTO sds_company_node VALUES ('Alpha Ltd', 'br1')");
        long t0 = System.currentTimeMillis();
        master.clearCaches();
        master.syncTriggers();
        boolean built = waitFor("master triggers", 120, () -> triggersOn(MS, MSITE) == 12);
        say(String.format("  info master built its capture triggers in %.1f s", (System.currentTimeMillis() - t0) / 1000.0));
        check("the engine built 12 capture triggers (4 tables x I/U/D) in the SITE database " + MSITE, built);
        check("the only triggers in the runtime database are SymmetricDS's own, on its sym_* configuration tables",
                num(MS, "mysql", "select count(*) from information_schema.triggers where trigger_schema = " + lit(MRT)
                        + " and (event_object_table not like 'sym\\_%' or definer <> 'sym@localhost')") == 0);
        check("the branches' trigger rows (.up) are not built on the master",
                num(MS, MRT, "select count(*) from sym_trigger_hist where trigger_id like '%.up'") == 0);
        check("sym_trigger_hist records the site database as source_catalog_name",
                num(MS, MRT, "select count(*) from sym_trigger_hist where inactive_time is null and source_catalog_name = " + lit(MSITE)) == 4);
        String body = one(MS, "mysql", "select action_statement from information_schema.triggers where trigger_schema = " + lit(MSITE)
                + " and event_object_table = 'tabSales Invoice' and event_manipulation = 'INSERT'");
        say("  info trigger body (INSERT on tabSales Invoice), first lines:");
        for (String l : body.split("\n")) if (l.contains("sym_") || l.contains("tabCompany")) say("    | " + l.trim());
        check("the capture trigger writes the RUNTIME database's sym_data (qualified `" + MRT + "`.sym_data)",
                body.contains("`" + MRT + "`.sym_data"));
        check("the capture trigger calls the RUNTIME database's transaction-id function (qualified)",
                body.contains("`" + MRT + "`.sym_transaction_id"));
        check("the company lookup in the trigger stays unqualified (resolves in the site database, where the trigger lives)",
                body.contains("from `tabCompany` k"));
        String def = one(MS, "mysql", "select group_concat(distinct definer) from information_schema.triggers where trigger_schema = " + lit(MSITE));
        check("the capture triggers' definer is SymmetricDS's account (" + def + ")", "sym@localhost".equals(def));
        String fn = one(MS, "mysql", "select group_concat(concat(routine_schema, '.', routine_name, ' ', security_type, ' definer ', definer)) from information_schema.routines where routine_name like 'sym\\_transaction\\_id%'");
        say("  info transaction-id function: " + fn);
        check("the transaction-id function lives in the runtime database only",
                fn != null && fn.startsWith(MRT + ".") && !fn.contains(","));
    }

    // ---------------------------------------------------------------- step 2
    static void step2() throws Exception {
        long t0 = System.currentTimeMillis();
        if (!LOAD_ONLY) siteTargetFilter();
        branch = start("branch", branchProps());
        boolean reg = waitFor("registration", 120, () -> num(BS, BRT, "select count(*) from sym_node_identity") == 1);
        check("the branch registered (identity in its runtime database)", reg);
        boolean loaded = waitFor("initial load", 180, () -> num(MS, MRT, "select count(*) from sym_node_security where node_id = 'br1' and initial_load_time is not null") == 1
                && num(BS, BSITE, "select count(*) from `tabSales Invoice Item`") >= 1);
        say(String.format("  info registration + initial load in %.1f s", (System.currentTimeMillis() - t0) / 1000.0));
        check("the initial load ended", loaded);
        check("branch tabCompany = Alpha Ltd only", "Alpha Ltd".equals(one(BS, BSITE, "select group_concat(name order by name) from `tabCompany`")));
        check("branch tabItem = both items (shared)", "ITEM-1,ITEM-2".equals(one(BS, BSITE, "select group_concat(name order by name) from `tabItem`")));
        check("branch tabSales Invoice = SI-1 (Alpha) only", "SI-1".equals(one(BS, BSITE, "select group_concat(name order by name) from `tabSales Invoice`")));
        check("branch tabSales Invoice Item = SI-1-1 only", "SI-1-1".equals(one(BS, BSITE, "select group_concat(name order by name) from `tabSales Invoice Item`")));
        check("the branch's sym_* tables are in its runtime database, none in its site database",
                num(BS, BRT, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'sym\\_%'") > 40
                        && num(BS, BRT, "select count(*) from information_schema.tables where table_schema = " + lit(BSITE) + " and table_name like 'sym\\_%'") == 0);
        // every .up trigger has an active history naming the site database, and none names
        // anything else (a history row built twice by two overlapping trigger syncs is
        // SymmetricDS's own business, not the token's)
        boolean hist = waitFor("branch trigger history", 120, () -> num(BS, BRT, "select count(distinct trigger_id) from sym_trigger_hist"
                + " where inactive_time is null and trigger_id like '%.up' and source_catalog_name = " + lit(BSITE)) == 4
                && num(BS, BRT, "select count(*) from sym_trigger_hist where inactive_time is null and trigger_id like '%.up'"
                        + " and not (source_catalog_name <=> " + lit(BSITE) + ")") == 0);
        if (!hist)
            for (String r : col(BS, BRT, "select concat_ws(' ', trigger_hist_id, trigger_id, ifnull(source_catalog_name, 'NULL'), create_time,"
                    + " ifnull(inactive_time, 'active'), last_trigger_build_reason) from sym_trigger_hist order by trigger_hist_id"))
                say("  info branch trigger history: " + r);
        check("the branch's trigger history has the token replaced by its engine file's " + SITE_PARAM + " (" + BSITE + ")",
                hist && num(BS, BRT, "select count(*) from sym_trigger where trigger_id like '%.up' and source_catalog_name = " + lit(BRANCH_SITE_TOKEN)) == 4);
        if (LOAD_ONLY) {
            // TriggerRouterService.rebuildTriggerIfNecessaryWithException: when the node's
            // symmetric dialect is not its target dialect (load.only) and the table is not a
            // sym_* table ("usingTargetDialect"), it inserts the trigger history and returns:
            // no database trigger is created. A load-only node does not capture.
            Thread.sleep(5000);
            say("  info load-only branch: " + triggersOn(BS, BSITE) + " triggers in " + BSITE + ", trigger history: "
                    + col(BS, BRT, "select concat(trigger_id, '@', source_catalog_name, ' ', ifnull(name_for_insert_trigger, 'no trigger name')) from sym_trigger_hist where trigger_id like '%.up'"));
            check("load-only: the branch built its 12 capture triggers in its SITE database (SymmetricDS builds none on a load-only node)",
                    triggersOn(BS, BSITE) == 12);
        } else {
            boolean built = waitFor("branch triggers", 120, () -> triggersOn(BS, BSITE) == 12);
            check("the branch built its 12 capture triggers (the .up rows) in its SITE database " + BSITE, built);
            check("the branch's triggers write its runtime database",
                    num(BS, "mysql", "select count(*) from information_schema.triggers where trigger_schema = " + lit(BSITE)
                            + " and action_statement like " + lit("%`" + BRT + "`.sym_data%")) == 12);
        }
        check("the first load landed in the branch's SITE database, no site table in its runtime database",
                num(BS, "mysql", "select count(*) from information_schema.tables where table_schema = " + lit(BRT) + " and table_name like 'tab%'") == 0);
        Thread.sleep(2000);
        long echo = echoRows();
        say("  info the branch captured " + echo + " of the rows its loader wrote (first load): "
                + col(BS, BRT, "select concat(table_name, ' ', event_type, ' ', substring_index(coalesce(row_data, pk_data), ',', 1), ' src=', ifnull(source_node_id, 'NULL')) from sym_data where table_name like 'tab%' order by data_id"));
        check("no echo: the branch captured none of the rows its first load wrote", echo == 0);
        echoBefore = echo;
    }

    static long echoBefore;

    /** rows the branch captured in its runtime database for rows of the site's tables that
     *  were written by its loader (the branch's own writes in step 3 are SI-5, SI-5-1) */
    static long echoRows() throws Exception {
        return num(BS, BRT, "select count(*) from sym_data where table_name like 'tab%'"
                + " and substring_index(coalesce(row_data, pk_data), ',', 1) not in ('\"SI-5\"', '\"SI-5-1\"', '\"SI-3B\"')");
    }

    /** the branch's engine: load-only node (ClientSymmetricEngine.createTargetDialect): its
     *  runtime tables where db.url points, every other table through target.db.* (its site
     *  database; DynamicDefaultDatabaseWriter), and the engine-file parameter the .up
     *  capture triggers' source_catalog_name token names */
    static Properties branchProps() {
        Properties p = props("branch", BS, BRT, "branch", "br1", "internal://master");
        p.setProperty(SITE_PARAM, BSITE);
        if (!LOAD_ONLY) return p;
        p.setProperty("load.only", "true");
        p.setProperty("target.db.driver", "org.mariadb.jdbc.Driver");
        p.setProperty("target.db.url", url(BS, BSITE));
        p.setProperty("target.db.user", "sym");
        p.setProperty("target.db.password", symPw);
        p.setProperty("target.db.pool.initial.size", "1");
        p.setProperty("target.db.pool.max.active", "10");
        p.setProperty("target.db.pool.max.idle", "5");
        p.setProperty("target.db.pool.min.idle", "0");
        p.setProperty("target.db.pool.max.wait.millis", "30000");
        p.setProperty("target.db.pool.min.evictable.idle.millis", "120000");
        return p;
    }

    // ---------------------------------------------------------------- the site-target filter
    // The writer filters that put the site's tables in the site database: the product's own
    // texts (sds__site_target_text in sql/install/32_schema_ahead.sql), read from the scratch
    // site's install.sql in copyConfig: the branch's (the site database from its engine file,
    // frappe_sds.site.db) and the master's (its site database written into the text; row
    // sds_site_target_master, as sds_setup writes it in the runtime layout). Either names the
    // site database as the catalog of every table that is not SymmetricDS's or frappe_sds's,
    // whatever catalog the batch names (step 3b), and claims a missing table the site database
    // has (handlesMissingTable) so that its rows reach the filter.
    static String SITE_TARGET_FILTER, MASTER_TARGET_FILTER;

    static void siteTargetFilter() throws Exception {
        boolean master = !"1".equals(System.getProperty("topo.noMasterFilter"));
        rootExec(MS, MRT, "INSERT INTO sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled, extension_order,"
                + " extension_text, create_time, last_update_by, last_update_time) VALUES ('sds_site_target', 'bsh',"
                + " 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter', 'branch', 1, 0, " + lit(SITE_TARGET_FILTER)
                + ", NOW(), 'frappe_sds', NOW())" + (!master ? "" : ", ('sds_site_target_master', 'bsh',"
                + " 'org.jumpmind.symmetric.io.data.writer.IDatabaseWriterFilter', 'master', 1, 0, " + lit(MASTER_TARGET_FILTER)
                + ", NOW(), 'frappe_sds', NOW())"));
    }

    static void step2b() throws Exception {
        if (!LOAD_ONLY)
            check("the site-target filter is at the branch", num(BS, BRT, "select count(*) from sym_extension where extension_id = 'sds_site_target'") == 1);
        long before = echoRows();
        siteExec(MS, MSITE, "INSERT INTO `tabItem` VALUES ('ITEM-9', 'Rivet', NOW(6))",
                "UPDATE `tabCompany` SET modified = NOW(6) WHERE name = 'Alpha Ltd'");
        check("a master insert and update (ITEM-9, Alpha's tabCompany row) reached the branch's site database",
                waitFor("ITEM-9 at the branch", 60, () -> num(BS, BSITE, "select count(*) from `tabItem` where name = 'ITEM-9'") == 1));
        siteExec(MS, MSITE, "DELETE FROM `tabItem` WHERE name = 'ITEM-9'");
        check("a master delete (ITEM-9) reached the branch's site database",
                waitFor("ITEM-9 deleted at the branch", 60, () -> num(BS, BSITE, "select count(*) from `tabItem` where name = 'ITEM-9'") == 0));
        Thread.sleep(3000);
        long after = echoRows();
        say("  info branch rows captured for loaded rows: " + before + " before the live change, " + after + " after");
        check("the branch did not capture the rows its loader wrote (no echo)", after == before);
        check("and its runtime database got no site table", num(BS, "mysql", "select count(*) from information_schema.tables where table_schema = "
                + lit(BRT) + " and table_name like 'tab%'") == 0);
        String err = siteTry(BS, BSITE, "INSERT INTO " + q(BRT) + ".sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled,"
                + " extension_order, extension_text, create_time, last_update_time) VALUES ('evil', 'bsh', 'x', 'ALL', 1, 1, 'x', NOW(), NOW())");
        check("the branch's site user cannot write its runtime tables (sym_extension)" + (err.isEmpty() ? " -- it SUCCEEDED" : ": " + firstLine(err)), !err.isEmpty());
    }

    // ---------------------------------------------------------------- step 3
    static void step3() throws Exception {
        siteExec(MS, MSITE,
                "INSERT INTO `tabSales Invoice` VALUES ('SI-3', 'Alpha Ltd', 30, NOW(6)), ('SI-4', 'Beta GmbH', 40, NOW(6))",
                "INSERT INTO `tabSales Invoice Item` VALUES ('SI-3-1', 'SI-3', 'Sales Invoice', 'ITEM-1', 3, NOW(6)), ('SI-4-1', 'SI-4', 'Sales Invoice', 'ITEM-2', 4, NOW(6))",
                "UPDATE `tabItem` SET item_name = 'Bolt M8', modified = NOW(6) WHERE name = 'ITEM-1'");
        boolean down = waitFor("master -> branch", 60, () -> num(BS, BSITE, "select count(*) from `tabSales Invoice Item` where name = 'SI-3-1'") == 1
                && "Bolt M8".equals(one(BS, BSITE, "select item_name from `tabItem` where name = 'ITEM-1'")));
        check("master -> branch: Alpha's new invoice with its line and the shared item's update arrived", down);
        check("they landed in the branch's SITE database: no site table in its runtime database",
                num(BS, "mysql", "select count(*) from information_schema.tables where table_schema = " + lit(BRT) + " and table_name like 'tab%'") == 0);
        Thread.sleep(2000);
        check("master -> branch: Beta's invoice and line did not",
                num(BS, BSITE, "select count(*) from `tabSales Invoice` where name = 'SI-4'") == 0
                        && num(BS, BSITE, "select count(*) from `tabSales Invoice Item` where name = 'SI-4-1'") == 0);
        siteExec(BS, BSITE,
                "INSERT INTO `tabSales Invoice` VALUES ('SI-5', 'Alpha Ltd', 50, NOW(6))",
                "INSERT INTO `tabSales Invoice Item` VALUES ('SI-5-1', 'SI-5', 'Sales Invoice', 'ITEM-2', 5, NOW(6))");
        boolean up = waitFor("branch -> master", 60, () -> num(MS, MSITE, "select count(*) from `tabSales Invoice Item` where name = 'SI-5-1'") == 1);
        check("branch -> master: the branch's invoice and line arrived in the master's site database", up);
        check("the branch captured its own writes (SI-5, SI-5-1) from its site database",
                num(BS, BRT, "select count(*) from sym_data where table_name like 'tab%'"
                        + " and substring_index(coalesce(row_data, pk_data), ',', 1) in ('\"SI-5\"', '\"SI-5-1\"')") == 2);
        long echo = echoRows();
        check("no echo: the rows the branch loaded in this step were not captured (" + echo + " = " + echoBefore + ")",
                echo == echoBefore);
        check("nothing was written to a table named like a site table in a runtime database",
                num(MS, "mysql", "select count(*) from information_schema.tables where table_schema in (" + lit(MRT) + ") and table_name like 'tab%'") == 0
                        && num(BS, "mysql", "select count(*) from information_schema.tables where table_schema in (" + lit(BRT) + ") and table_name like 'tab%'") == 0);
    }

    // ---------------------------------------------------------------- step 3b
    // The catalog a batch names for a table is the sending engine's: its router's target
    // catalog, or the trigger history's source catalog when the router says
    // use_source_catalog_schema -- or when the engine's router cache has no such router
    // (ColumnsAccordingToTriggerHistory.lookupAndOrderColumnsAccordingToTriggerHistory), which
    // SymmetricDS 3.15.9 refreshes by time only (cache.trigger.router.time.ms; a configuration
    // change flushes the trigger routers, CacheManager.flushAllWithRouters, not this cache). Seen
    // once in CI: the branch sent its rows as site_alpha.`tabSales Invoice`, the master had no
    // such table, and the batch stayed in error, resent as extracted. Here each engine's cached
    // router is made to name the source catalog (what a stale cache does), a row is written on
    // each side, and the receiving node's filter must put it into its own site database.
    static void step3b() throws Exception {
        String up = one(BS, BRT, "select router_id from sym_router where source_node_group_id = 'branch' and target_node_group_id = 'master' order by router_id limit 1");
        List<String> down = col(MS, MRT, "select router_id from sym_router where source_node_group_id = 'master' and target_node_group_id = 'branch'");
        say("  info router up: " + up + "; routers down: " + down);
        try {
            for (String r : down) sourceCatalog(master, r);
            sourceCatalog(branch, up);
            siteExec(MS, MSITE, "INSERT INTO `tabItem` VALUES ('ITEM-3B', 'Washer', NOW(6))");
            siteExec(BS, BSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-3B', 'Alpha Ltd', 35, NOW(6))");
            check("master -> branch: a batch naming " + MSITE + " as the catalog landed in the branch's site database",
                    waitFor("ITEM-3B at the branch", 60, () -> num(BS, BSITE, "select count(*) from `tabItem` where name = 'ITEM-3B'") == 1));
            check("branch -> master: a batch naming " + BSITE + " as the catalog landed in the master's site database",
                    waitFor("SI-3B at the master", 60, () -> num(MS, MSITE, "select count(*) from `tabSales Invoice` where name = 'SI-3B'") == 1));
            check("no batch in error on either side",
                    num(MS, MRT, "select count(*) from sym_incoming_batch where status <> 'OK'") == 0
                            && num(BS, BRT, "select count(*) from sym_incoming_batch where status <> 'OK'") == 0);
        } finally {
            master.getCacheManager().getRouters(true);
            branch.getCacheManager().getRouters(true);
        }
    }

    /** what an engine whose router cache missed the router extracts: the source catalog */
    static void sourceCatalog(ISymmetricEngine e, String routerId) {
        Router r = e.getCacheManager().getRouters(false).get(routerId);
        if (r == null) throw new IllegalStateException("router " + routerId + " not in the cache");
        r.setUseSourceCatalogSchema(true);
        r.setTargetCatalogName(null);
    }

    // ---------------------------------------------------------------- step 4
    static void step4() throws Exception {
        for (String[] n : new String[][] { { MS, MSITE, MRT, "master" }, { BS, BSITE, BRT, "branch" } }) {
            String sock = n[0], site = n[1], rt = n[2], who = n[3];
            String p = who + ": site user: ";
            refused(p + "INSERT an S (SQL) event into " + rt + ".sym_data", sock, site,
                    "INSERT INTO " + q(rt) + ".sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                            + " VALUES ('tabItem', 'S', '\"select 1 /* topo-probe */\"', 1, 'config', NULL, NOW())");
            refused(p + "INSERT a bsh router into " + rt + ".sym_router", sock, site,
                    "INSERT INTO " + q(rt) + ".sym_router (router_id, source_node_group_id, target_node_group_id, router_type, router_expression, create_time, last_update_time)"
                            + " VALUES ('evil', 'master', 'branch', 'bsh', 'return nodeIds;', NOW(), NOW())");
            refused(p + "INSERT a bsh extension into " + rt + ".sym_extension", sock, site,
                    "INSERT INTO " + q(rt) + ".sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled, extension_order, extension_text, create_time, last_update_time)"
                            + " VALUES ('evil', 'bsh', 'org.jumpmind.symmetric.ext.ISymmetricEngineAware', 'ALL', 1, 1, 'Runtime.exec(\"id\")', NOW(), NOW())");
            refused(p + "INSERT a load filter into " + rt + ".sym_load_filter", sock, site,
                    "INSERT INTO " + q(rt) + ".sym_load_filter (load_filter_id, load_filter_type, source_node_group_id, target_node_group_id, target_table_name, filter_on_update, filter_on_insert, filter_on_delete, load_filter_order, fail_on_error, create_time, last_update_time)"
                            + " VALUES ('evil', 'BSH', 'master', 'branch', 'tabItem', 1, 1, 1, 1, 0, NOW(), NOW())");
            refused(p + "UPDATE " + rt + ".sym_trigger (external_select, custom text)", sock, site,
                    "UPDATE " + q(rt) + ".sym_trigger SET external_select = 'select 1'");
            refused(p + "UPDATE " + rt + ".sym_node_group (pasted into engine files)", sock, site,
                    "UPDATE " + q(rt) + ".sym_node_group SET description = 'x'");
            refused(p + "CREATE FUNCTION in " + rt, sock, site,
                    "CREATE FUNCTION " + q(rt) + ".sym_transaction_id_post_5_7_6x() RETURNS VARCHAR(50) RETURN 'x'");
            refused(p + "CREATE VIEW in " + rt, sock, site, "CREATE VIEW " + q(rt) + ".v AS SELECT 1");
            refused(p + "GRANT EXECUTE on its own site database to SymmetricDS's account", sock, site,
                    "GRANT EXECUTE ON " + q(site) + ".* TO sym@localhost");
            refused(p + "CREATE a routine with SymmetricDS's account as definer", sock, site,
                    "CREATE DEFINER = sym@localhost FUNCTION " + q(site) + ".f_as_sym() RETURNS INT RETURN 1");
            refused(p + "CREATE a trigger with SymmetricDS's account as definer", sock, site,
                    "CREATE DEFINER = sym@localhost TRIGGER " + q(site) + ".t_as_sym AFTER INSERT ON `tabItem` FOR EACH ROW SET @x = 1");
            refused(p + "read " + rt + ".sym_node_security (node passwords)", sock, site,
                    "SELECT node_password FROM " + q(rt) + ".sym_node_security");
        }
        List<String> grants = col(MS, "mysql", "SHOW GRANTS FOR sym@localhost");
        say("  info SymmetricDS's grants on the master: " + String.join(" | ", grants));
        String onSite = " ON `" + MSITE.replace("_", "\\_") + "`.*";
        check("SymmetricDS's account holds no EXECUTE (nor ALL) on the site database",
                grants.stream().noneMatch(g -> g.contains(onSite) && (g.contains("EXECUTE") || g.contains("ALL PRIVILEGES"))));
    }

    // ---------------------------------------------------------------- step 5
    static String probeFn(String rt) {
        // records who runs it, whether it could read a node password in the runtime database,
        // and how many of its two writes into the runtime database got through: an S event in sym_data (refused inside a capture trigger anyway: the trigger
        // itself writes sym_data, error 1442) and a (disabled) BeanShell extension
        return "CREATE OR REPLACE FUNCTION probe_fn() RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA BEGIN"
                + " DECLARE w INT DEFAULT 0; DECLARE sec VARCHAR(100) DEFAULT NULL;"
                + " BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN END;"
                + "  SELECT MAX(node_password) INTO sec FROM " + q(rt) + ".sym_node_security; END;"
                + " BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN END;"
                + "  INSERT INTO " + q(rt) + ".sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, create_time)"
                + "  VALUES ('tabItem', 'S', '\"select 1 /* topo-probe */\"', 1, 'config', NOW());"
                + "  SET w = w + 1; END;"
                + " BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN END;"
                + "  INSERT INTO " + q(rt) + ".sym_extension (extension_id, extension_type, interface_name, node_group_id, enabled, extension_order, extension_text, create_time, last_update_time)"
                + "  VALUES (CONCAT('topo-probe-', UUID_SHORT()), 'bsh', 'org.jumpmind.symmetric.ext.ISymmetricEngineAware', 'ALL', 0, 1, '/* topo-probe */', NOW(), NOW());"
                + "  SET w = w + 1; END;"
                + " INSERT INTO probe (who, wrote_runtime, secret) VALUES (CURRENT_USER(), w, sec);"
                + " RETURN 1; END";
    }

    /** S (SQL) / B (BeanShell) events the attacks tried to write. (SymmetricDS writes B
     *  events of its own: DefaultDataLoaderFactory's sendNewerDataToNode script on sym_node.) */
    static long sEvents(String sock, String rt) throws Exception {
        return num(sock, rt, "select count(*) from sym_data where event_type in ('S', 'B') and row_data like '%topo-probe%'");
    }

    static void step5() throws Exception {
        siteDdl(MS, MSITE, probeFn(MRT));
        siteExec(MS, MSITE, "SELECT probe_fn()");
        check("probe works: called by the site user it records site@localhost, its runtime write refused",
                "site@localhost:0:0".equals(one(MS, MSITE, "select group_concat(concat(who, ':', wrote_runtime, ':', secret is not null)) from probe")));
        siteExec(MS, MSITE, "DELETE FROM probe");

        // (a) the lookup the lookuptable router reads, replaced by a view calling the site's function
        siteDdl(MS, MSITE, "CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_company_route AS"
                + " SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, m.node_external_id, m.company"
                + " FROM sds_company_node m JOIN `tabCompany` c ON c.name = m.company WHERE probe_fn() = 1"
                + " UNION ALL SELECT _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, NULL");
        siteExec(MS, MSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-6', 'Alpha Ltd', 60, NOW(6))");
        Thread.sleep(6000); // several routing passes read the lookup
        List<String> probe = col(MS, MSITE, "select concat(who, ':', wrote_runtime, ':', secret is not null) from probe");
        say("  info probe rows after routing passes over the replaced lookup view: " + probe);
        check("routing read the site's replaced lookup view without running its function as SymmetricDS",
                probe.stream().noneMatch(x -> x.startsWith("sym@")));
        check("no S/B event in the master's runtime database", sEvents(MS, MRT) == 0);
        check("SI-6 did not reach the branch while the site's lookup was broken (the site harmed its own routing)",
                num(BS, BSITE, "select count(*) from `tabSales Invoice` where name = 'SI-6'") == 0);
        siteDdl(MS, MSITE, "CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_company_route AS"
                + " SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, m.node_external_id, m.company"
                + " FROM sds_company_node m JOIN `tabCompany` c ON c.name = m.company WHERE CHAR_LENGTH(c.abbr) BETWEEN 1 AND 50 AND c.abbr NOT LIKE '~%'"
                + " UNION ALL SELECT _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, NULL");
        check("after the site restored its view, SI-6 reached the branch (routing resumed)",
                waitFor("SI-6", 60, () -> num(BS, BSITE, "select count(*) from `tabSales Invoice` where name = 'SI-6'") == 1));

        // (b) the company lookup inside the capture trigger (runs with the trigger's definer,
        // SymmetricDS's account): tabCompany replaced by a view calling the site's function
        siteDdl(MS, MSITE, "DELETE FROM probe", "RENAME TABLE `tabCompany` TO `tabCompany_real`",
                "CREATE SQL SECURITY INVOKER VIEW `tabCompany` AS SELECT name, abbr, modified FROM `tabCompany_real` WHERE probe_fn() = 1");
        String err = siteTry(MS, MSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-7', 'Alpha Ltd', 70, NOW(6))");
        say("  info site INSERT through the capture trigger over the replaced tabCompany: " + (err.isEmpty() ? "succeeded" : "refused: " + firstLine(err)));
        probe = col(MS, MSITE, "select concat(who, ':', wrote_runtime, ':', secret is not null) from probe");
        say("  info probe rows: " + probe);
        check("the capture trigger (definer SymmetricDS) did not run the site's function as SymmetricDS",
                probe.stream().noneMatch(x -> x.startsWith("sym@")));
        check("no S/B event in the master's runtime database", sEvents(MS, MRT) == 0);
        // the same with a DEFINER view: the function runs with the SITE's rights, which
        // cannot write the runtime database
        siteDdl(MS, MSITE, "DELETE FROM probe", "CREATE OR REPLACE SQL SECURITY DEFINER VIEW `tabCompany` AS SELECT name, abbr, modified FROM `tabCompany_real` WHERE probe_fn() = 1");
        err = siteTry(MS, MSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-8', 'Alpha Ltd', 80, NOW(6))");
        probe = col(MS, MSITE, "select concat(who, ':', wrote_runtime, ':', secret is not null) from probe");
        say("  info with a DEFINER view: INSERT " + (err.isEmpty() ? "succeeded" : "refused: " + firstLine(err)) + "; probe rows: " + probe);
        check("with a DEFINER view the site's function ran as the site user only, and its runtime write was refused",
                !probe.isEmpty() && probe.stream().allMatch(x -> x.equals("site@localhost:0:0")));
        check("no S/B event in the master's runtime database", sEvents(MS, MRT) == 0);
        siteDdl(MS, MSITE, "DROP VIEW `tabCompany`", "RENAME TABLE `tabCompany_real` TO `tabCompany`");

        // (c) a function named like SymmetricDS's transaction-id function in the site database
        siteDdl(MS, MSITE, "DELETE FROM probe",
                "CREATE FUNCTION sym_transaction_id_post_5_7_6() RETURNS VARCHAR(50) SQL SECURITY INVOKER MODIFIES SQL DATA BEGIN"
                        + " INSERT INTO probe (who, wrote_runtime) VALUES (CURRENT_USER(), -1); RETURN 'shadow'; END",
                "INSERT INTO `tabItem` VALUES ('ITEM-3', 'Washer', NOW(6))");
        check("the captured write did not call the site's shadow transaction-id function",
                num(MS, MSITE, "select count(*) from probe") == 0);
        check("and was captured with SymmetricDS's own transaction id",
                num(MS, MRT, "select count(*) from sym_data where table_name = 'tabItem' and row_data like '\"ITEM-3\"%' and ifnull(transaction_id, '') <> 'shadow'") == 1);
        check("ITEM-3 reached the branch", waitFor("ITEM-3", 60, () -> num(BS, BSITE, "select count(*) from `tabItem` where name = 'ITEM-3'") == 1));
        check("no S/B event in either runtime database", sEvents(MS, MRT) == 0 && sEvents(BS, BRT) == 0);
    }

    // ---------------------------------------------------------------- step 6
    static void step6() throws Exception {
        // a trigger of the site user's own that writes the runtime database: runs as the site user
        siteExec(MS, MSITE, "CREATE TRIGGER evil_ai AFTER INSERT ON `tabItem` FOR EACH ROW"
                + " INSERT INTO " + q(MRT) + ".sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, create_time)"
                + " VALUES ('tabItem', 'S', '\"select 1 /* topo-probe */\"', 1, 'config', NOW())");
        String err = siteTry(MS, MSITE, "INSERT INTO `tabItem` VALUES ('ITEM-4', 'Pin', NOW(6))");
        check("the site user's own trigger writing " + MRT + ".sym_data makes its own INSERT fail: " + firstLine(err), !err.isEmpty());
        siteExec(MS, MSITE, "DROP TRIGGER evil_ai");
        // the site user drops SymmetricDS's capture trigger on its table: allowed (its own table)
        String trg = one(MS, "mysql", "select trigger_name from information_schema.triggers where trigger_schema = " + lit(MSITE)
                + " and event_object_table = 'tabItem' and event_manipulation = 'INSERT'");
        err = siteTry(MS, MSITE, "DROP TRIGGER " + q(trg));
        check("the site user can drop SymmetricDS's capture trigger on its own table " + trg + (err.isEmpty() ? "" : " -- " + firstLine(err)), err.isEmpty());
        siteExec(MS, MSITE, "INSERT INTO `tabItem` VALUES ('ITEM-5', 'Clip', NOW(6))");
        check("its next write is not captured: the site only stops its own replication",
                num(MS, MRT, "select count(*) from sym_data where table_name = 'tabItem' and row_data like '\"ITEM-5\"%'") == 0);
        check("the branch's triggers are untouched", triggersOn(BS, BSITE) == 12);
        check("no S/B event in either runtime database", sEvents(MS, MRT) == 0 && sEvents(BS, BRT) == 0);
        check("no extension row in either runtime database", num(MS, MRT, "select count(*) from sym_extension where extension_id not like 'sds\\\\_site\\\\_target%'") == 0
                && num(BS, BRT, "select count(*) from sym_extension where extension_id not like 'sds\\\\_site\\\\_target%'") == 0);
        master.syncTriggers();
        say("  info after an unforced syncTriggers() the master has " + triggersOn(MS, MSITE) + " capture triggers on " + MSITE
                + " (12 = SymmetricDS re-created the dropped one)");
        check("the config rows are still exactly frappe_sds's", num(MS, MRT, "select count(*) from sym_router") == 3
                && num(MS, MRT, "select count(*) from sym_extension where extension_id not like 'sds\\\\_site\\\\_target%'") == 0 && num(MS, MRT, "select count(*) from sym_load_filter") == 0);
    }

    // ---------------------------------------------------------------- step 7
    // A prototype of the DBA side: the frappe_sds DBA database (only the DBA writes it) holds
    // the site -> runtime database map, the remote-SQL allowlist and sds_send_sql, SQL
    // SECURITY DEFINER: it checks the caller's login (SESSION_USER(): set by the server at
    // authentication, the site cannot change it) against the allowlist and writes the S
    // event into the runtime database the map names. The statement reaches the branch's site
    // database through $(catalogName), which SymmetricDS replaces on the receiving node with
    // the table's target catalog (DefaultDatabaseWriter.preprocessSqlStatement).
    static void step7remote() throws Exception {
        rootExec(MS, "mysql",
                "CREATE DATABASE frappe_sds",
                "CREATE TABLE frappe_sds.sds_site (site_db VARCHAR(64) PRIMARY KEY, runtime_db VARCHAR(64) NOT NULL)",
                "CREATE TABLE frappe_sds.sds_remote_sql_sender (site_db VARCHAR(64), login_user VARCHAR(128), PRIMARY KEY (site_db, login_user))",
                "INSERT INTO frappe_sds.sds_site VALUES (" + lit(MSITE) + ", " + lit(MRT) + ")",
                "CREATE PROCEDURE frappe_sds.sds_send_sql(p_site VARCHAR(64), p_target VARCHAR(50), p_sql TEXT) SQL SECURITY DEFINER BEGIN"
                        + " DECLARE v_user VARCHAR(128) DEFAULT SUBSTRING_INDEX(SESSION_USER(), '@', 1);"
                        + " DECLARE v_rt VARCHAR(64);"
                        + " IF NOT EXISTS (SELECT 1 FROM frappe_sds.sds_remote_sql_sender WHERE site_db = p_site AND login_user = v_user) THEN"
                        + "  SIGNAL SQLSTATE '42501' SET MESSAGE_TEXT = 'sds_send_sql: the DBA has not allowed remote SQL for this login on this site';"
                        + " END IF;"
                        + " SELECT runtime_db INTO v_rt FROM frappe_sds.sds_site WHERE site_db = p_site;"
                        + " SET @sds_q = CONCAT('INSERT INTO `', v_rt, '`.sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                        + " SELECT h.source_table_name, ''S'', ?, h.trigger_hist_id, ''frappe'', ?, NOW() FROM `', v_rt, '`.sym_trigger_hist h"
                        + " WHERE h.source_table_name = ''tabItem'' AND h.inactive_time IS NULL AND h.source_catalog_name = ? ORDER BY h.trigger_hist_id DESC LIMIT 1');"
                        + " SET @sds_a = CONCAT('\"', REPLACE(REPLACE(p_sql, '\\\\', '\\\\\\\\'), '\"', '\\\\\"'), '\"'), @sds_b = p_target, @sds_c = p_site;"
                        + " PREPARE s FROM @sds_q; EXECUTE s USING @sds_a, @sds_b, @sds_c; DEALLOCATE PREPARE s;"
                        + " END",
                "GRANT EXECUTE ON PROCEDURE frappe_sds.sds_send_sql TO site@localhost");
        String sql = "UPDATE $(catalogName).`tabItem` SET item_name = 'Set by remote SQL' WHERE name = 'ITEM-2'";
        String err = siteTry(MS, MSITE, "CALL frappe_sds.sds_send_sql(" + lit(MSITE) + ", 'br1', " + lit(sql) + ")");
        check("a site user the DBA has not allowed is refused by frappe_sds.sds_send_sql: " + firstLine(err), err.contains("not allowed"));
        refused("the site user cannot add itself to the DBA's allowlist", MS, MSITE,
                "INSERT INTO frappe_sds.sds_remote_sql_sender VALUES (" + lit(MSITE) + ", 'site')");
        refused("the site user cannot replace the DBA's routine", MS, MSITE,
                "CREATE OR REPLACE PROCEDURE frappe_sds.sds_send_sql(p_site VARCHAR(64), p_target VARCHAR(50), p_sql TEXT) BEGIN END");
        rootExec(MS, "mysql", "INSERT INTO frappe_sds.sds_remote_sql_sender VALUES (" + lit(MSITE) + ", 'site')");
        err = siteTry(MS, MSITE, "CALL frappe_sds.sds_send_sql(" + lit(MSITE) + ", 'br1', " + lit(sql) + ")");
        check("once the DBA allows it, the same call queues the statement" + (err.isEmpty() ? "" : " -- " + firstLine(err)), err.isEmpty());
        boolean ran = waitFor("remote SQL on the branch", 60,
                () -> "Set by remote SQL".equals(one(BS, BSITE, "select item_name from `tabItem` where name = 'ITEM-2'")));
        check("the branch ran it in ITS site database ($(catalogName) = " + BSITE + ")", ran);
        check("the master's own row is unchanged", "Nut".equals(one(MS, MSITE, "select item_name from `tabItem` where name = 'ITEM-2'")));
        Thread.sleep(2000);
        check("the rows the SQL event changed at the branch were not captured there (no echo)", echoRows() == echoBefore);
        // the same without $(catalogName): it runs on the loader's connection, whose database
        // is the target's default catalog: the site database on a load-only node
        // (DynamicDefaultDatabaseWriter's target transaction), the RUNTIME database on an
        // ordinary node (the filter changes the table's catalog, not the connection's
        // database): there the statement fails and the batch stays in error
        String sql2 = "UPDATE `tabItem` SET item_name = 'Unqualified remote SQL' WHERE name = 'ITEM-1'";
        err = siteTry(MS, MSITE, "CALL frappe_sds.sds_send_sql(" + lit(MSITE) + ", 'br1', " + lit(sql2) + ")");
        check("an unqualified statement is queued too" + (err.isEmpty() ? "" : " -- " + firstLine(err)), err.isEmpty());
        if (LOAD_ONLY) {
            ran = waitFor("unqualified remote SQL on the branch", 60,
                    () -> "Unqualified remote SQL".equals(one(BS, BSITE, "select item_name from `tabItem` where name = 'ITEM-1'")));
            check("load-only: the branch ran the unqualified statement in its site database", ran);
        } else {
            boolean failed = waitFor("the unqualified statement's batch in error", 60, () -> num(BS, BRT,
                    "select count(*) from sym_incoming_batch where status = 'ER' and sql_message like " + lit("%" + BRT + "%tabItem%")) > 0);
            check("the unqualified statement ran on the runtime database, where tabItem does not exist: the batch is in error", failed);
            check("and the branch's site row is unchanged", !"Unqualified remote SQL".equals(one(BS, BSITE, "select item_name from `tabItem` where name = 'ITEM-1'")));
        }
        check("the master's own row is unchanged", "Bolt M8".equals(one(MS, MSITE, "select item_name from `tabItem` where name = 'ITEM-1'")));
        for (String l : col(BS, BRT, "select concat(batch_id, ' ', status, ' ', ifnull(sql_message, '')) from sym_incoming_batch where status <> 'OK'"))
            say("  info branch incoming batch not OK: " + l);
        rootExec(MS, "mysql", "DELETE FROM frappe_sds.sds_remote_sql_sender");
    }

    // ---------------------------------------------------------------- step 8
    // The negative control: the one grant this topology withholds. sds_grant gives
    // SymmetricDS's account EXECUTE on the site database today (its transaction-id function
    // lived there); with it, the site's function runs with SymmetricDS's rights and writes
    // an S event into the runtime database. Shows that step 5 passes because of the
    // missing EXECUTE, not because the attacks cannot work.
    static void step7() throws Exception {
        rootExec(MS, "mysql", "GRANT EXECUTE ON `" + MSITE.replace("_", "\\_") + "`.* TO sym@localhost");
        siteExec(MS, MSITE, "DELETE FROM probe");
        siteDdl(MS, MSITE, "CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_company_route AS"
                + " SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, m.node_external_id, m.company"
                + " FROM sds_company_node m JOIN `tabCompany` c ON c.name = m.company WHERE probe_fn() = 1"
                + " UNION ALL SELECT _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, NULL");
        siteExec(MS, MSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-20', 'Alpha Ltd', 60, NOW(6))");
        boolean ran = waitFor("probe by sym", 20, () -> num(MS, MSITE, "select count(*) from probe where who like 'sym@%'") > 0);
        List<String> probe = col(MS, MSITE, "select distinct concat(who, ':', wrote_runtime, ':', secret is not null) from probe");
        say("  info probe rows (lookup view read by the routing job): " + probe);
        check("control: the routing job ran the site's function as SymmetricDS's account", ran);
        check("control: and that function wrote an S event and a BeanShell extension row into the runtime database",
                sEvents(MS, MRT) > 0 && num(MS, MRT, "select count(*) from sym_extension where extension_id like 'topo-probe-%'") > 0);
        siteDdl(MS, MSITE, "DELETE FROM probe",
                "CREATE OR REPLACE SQL SECURITY INVOKER VIEW sds_company_route AS"
                + " SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key, m.node_external_id, m.company"
                + " FROM sds_company_node m JOIN `tabCompany` c ON c.name = m.company"
                + " UNION ALL SELECT _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, NULL",
                "RENAME TABLE `tabCompany` TO `tabCompany_real`",
                "CREATE SQL SECURITY INVOKER VIEW `tabCompany` AS SELECT name, abbr, modified FROM `tabCompany_real` WHERE probe_fn() = 1");
        String err = siteTry(MS, MSITE, "INSERT INTO `tabSales Invoice` VALUES ('SI-21', 'Alpha Ltd', 70, NOW(6))");
        probe = col(MS, MSITE, "select distinct concat(who, ':', wrote_runtime, ':', secret is not null) from probe");
        say("  info control, capture trigger over the replaced tabCompany: INSERT " + (err.isEmpty() ? "succeeded" : "refused: " + firstLine(err))
                + "; probe rows: " + probe);
        // (its writes into captured sym_* tables fail there with error 1442: SymmetricDS's own
        // config triggers on them write sym_data, which the statement already writes)
        check("control: the capture trigger (definer SymmetricDS) ran the site's function as SymmetricDS's account,"
                + " which copied a node password from the runtime database into the site's table",
                probe.stream().anyMatch(x -> x.startsWith("sym@") && x.endsWith(":1")));
        siteDdl(MS, MSITE, "DROP VIEW `tabCompany`", "RENAME TABLE `tabCompany_real` TO `tabCompany`");
        rootExec(MS, "mysql", "REVOKE EXECUTE ON `" + MSITE.replace("_", "\\_") + "`.* FROM sym@localhost");
    }
}
