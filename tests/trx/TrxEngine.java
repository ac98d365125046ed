// Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
// tests/sds_grant_engine.sh's driver: SymmetricDS 3.15.9's own engine,
// connected as an account with exactly what frappe_sds.sds_grant gave it
// (no PROCESS, no CREATE/ALTER ROUTINE), builds its capture triggers on a
// site where the DBA created the transaction function; the site user's
// writes succeed and are captured; after a SymmetricDS version change and a
// restart (its required-objects check runs again) they still are.
//   java -cp ... trx.TrxEngine SOCKET DB SYM_PW SITE_USER SITE_PW [SITE_DB]
// With SITE_DB (tests/sds_grant_runtime_engine.sh, the runtime layout): DB
// is the site's runtime database, where the engine connects and keeps its
// tables and function; item lives in SITE_DB, captured through
// sym_trigger.source_catalog_name.
// Prints CHECK lines; exit 0 when all pass.
package trx;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

import org.jumpmind.symmetric.ClientSymmetricEngine;

public class TrxEngine {
    static String sock, db, site;
    static int failed;

    static Connection conn(String user, String pw) throws Exception {
        return conn(db, user, pw);
    }

    static Connection conn(String database, String user, String pw) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://localhost/" + database + "?localSocket=" + sock, user, pw);
    }

    static String one(String sql) throws Exception {
        try (Connection c = conn("root", ""); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    static void root(String sql) throws Exception {
        try (Connection c = conn("root", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void check(String what, boolean ok) {
        System.out.println("CHECK " + (ok ? "ok   " : "FAIL ") + what);
        if (!ok) failed++;
    }

    static ClientSymmetricEngine engine(String symPw) {
        Properties p = new Properties();
        p.setProperty("engine.name", "trx");
        p.setProperty("db.driver", "org.mariadb.jdbc.Driver");
        p.setProperty("db.url", "jdbc:mariadb://localhost/" + db + "?localSocket=" + sock);
        p.setProperty("db.user", "sym");
        p.setProperty("db.password", symPw);
        p.setProperty("group.id", "master");
        p.setProperty("external.id", "hq");
        p.setProperty("registration.url", "");
        p.setProperty("sync.url", "http://localhost:31499/sync/trx");
        p.setProperty("job.random.max.start.time.ms", "100");
        p.setProperty("start.route.job", "false");
        p.setProperty("start.push.job", "false");
        p.setProperty("start.pull.job", "false");
        p.setProperty("start.heartbeat.job", "false");
        p.setProperty("start.purge.incoming.job", "false");
        p.setProperty("start.purge.outgoing.job", "false");
        p.setProperty("start.stat.flush.job", "false");
        p.setProperty("start.watchdog.job", "false");
        p.setProperty("db.pool.initial.size", "1");
        return new ClientSymmetricEngine(p, true);
    }

    /** the site user's INSERT, UPDATE, DELETE in one transaction; null when they succeeded */
    static String siteWrites(String user, String pw, int id) {
        try (Connection c = conn(site, user, pw); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO item VALUES (" + id + ", 'a')");
            s.execute("UPDATE item SET v = 'b' WHERE id = " + id);
            s.execute("DELETE FROM item WHERE id = " + id);
            c.commit();
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    static String definer() throws Exception {
        return one("SELECT CONCAT(definer, ' ', security_type) FROM information_schema.routines"
                + " WHERE routine_schema = DATABASE() AND routine_name = 'sym_transaction_id_post_5_7_6'");
    }

    static void phase(String name, String symPw, String user, String pw, int id) throws Exception {
        ClientSymmetricEngine e = engine(symPw);
        boolean started = e.start();
        check(name + ": the engine started as SymmetricDS's account", started);
        if (!started && e.getLastException() != null) System.out.println("  " + e.getLastException());
        e.syncTriggers();
        String n = one("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = '" + site + "'"
                + " AND event_object_table = 'item'");
        check(name + ": it built the capture triggers of item (" + n + ")", "3".equals(n));
        check(name + ": the transaction function is the DBA's (" + definer() + ")",
                "frappe_sds_trx@localhost DEFINER".equals(definer()));
        long before = Long.parseLong(one("SELECT COUNT(*) FROM sym_data WHERE table_name = 'item'"));
        String err = siteWrites(user, pw, id);
        check(name + ": the site user's INSERT, UPDATE, DELETE succeeded" + (err == null ? "" : ": " + err), err == null);
        String cap = one("SELECT CONCAT(COUNT(*), ' rows, ', COUNT(DISTINCT transaction_id), ' transaction(s), ',"
                + " SUM(transaction_id REGEXP '^[0-9]+[.][0-9]+$'), ' with an id') FROM sym_data"
                + " WHERE table_name = 'item' AND data_id > (SELECT IFNULL(MAX(data_id), 0) FROM sym_data) - 3");
        long after = Long.parseLong(one("SELECT COUNT(*) FROM sym_data WHERE table_name = 'item'"));
        check(name + ": captured: " + cap, after - before == 3 && cap.startsWith("3 rows, 1 transaction(s), 3 with"));
        e.stop();
        e.destroy();
    }

    public static void main(String[] a) throws Exception {
        sock = a[0];
        db = a[1];
        String symPw = a[2], user = a[3], pw = a[4];
        site = a.length > 5 ? a[5] : db;
        // SymmetricDS's tables, as its first start makes them (auto.config.database)
        ClientSymmetricEngine boot = engine(symPw);
        boot.setupDatabase(false);
        boot.destroy();
        check("SymmetricDS created its tables and kept the DBA's function (" + definer() + ")",
                "frappe_sds_trx@localhost DEFINER".equals(definer()));
        // the configuration: capture item on the master
        root("INSERT IGNORE INTO sym_node_group (node_group_id) VALUES ('master'), ('branch')");
        root("INSERT IGNORE INTO sym_node_group_link (source_node_group_id, target_node_group_id, data_event_action)"
                + " VALUES ('master', 'branch', 'W')");
        root("INSERT INTO sym_router (router_id, source_node_group_id, target_node_group_id, router_type, create_time, last_update_time)"
                + " VALUES ('m2b', 'master', 'branch', 'default', NOW(), NOW())");
        root("INSERT INTO sym_trigger (trigger_id, source_catalog_name, source_table_name, channel_id, create_time, last_update_time)"
                + " VALUES ('item', " + (site.equals(db) ? "NULL" : "'" + site + "'") + ", 'item', 'default', NOW(), NOW())");
        root("INSERT INTO sym_trigger_router (trigger_id, router_id, initial_load_order, create_time, last_update_time)"
                + " VALUES ('item', 'm2b', 1, NOW(), NOW())");
        phase("first start", symPw, user, pw, 1);
        // a SymmetricDS version change: its required-objects check runs again at start
        // (its start logs "Checking tables and objects" then: the shell checks it)
        root("UPDATE sym_node SET symmetric_version = '3.15.8' WHERE node_id = 'hq'");
        System.out.println("MARK version changed");
        phase("after a version change and a restart", symPw, user, pw, 2);
        System.out.println(failed == 0 ? "RESULT PASS" : "RESULT FAIL " + failed);
        System.exit(failed == 0 ? 0 : 1);
    }
}
