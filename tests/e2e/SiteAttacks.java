/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   The master site's own account (Frappe's: ALL on its site database, EXECUTE on the public
   routines of its runtime database, nothing else) attacks SymmetricDS and frappe_sds on
   SymmetricDS's own engine, in the runtime layout (docs/topology.md, issue 23 point 2;
   hooked into E2E by one step line):
   - it tries to write what SymmetricDS would run: an SQL event (remote SQL) for branch-a in
     sym_data, a BeanShell router, a BeanShell load filter, a BeanShell extension, a capture
     trigger text, a parameter; to read the node passwords; to give SymmetricDS's account
     EXECUTE on its database; to create a routine with SymmetricDS's account as definer; to
     call frappe_sds's internal routines, and sds_send_sql without the DBA's allowance.
     Every attempt is refused, and after a routing pass nothing of it reached branch-a or
     the master's engine;
   - it replaces tabCompany (which the capture triggers and the routing view read) by a view
     calling a function of its own that records who runs it: the function never runs as
     SymmetricDS's account or frappe_sds's definer (only as the site user itself); its own
     writes to captured tables fail meanwhile (only its own site suffers); with the table back,
     changes flow again.
   - an SQL event and a BeanShell event for the master are written into branch-a's sym_data
     (in the classic layout branch-a's site user can; in the runtime layout, where step 16
     shows it cannot, whoever controls the branch's server): the master's engine skips both
     (frappe_sds's writer filter sds_upward_events, docs/upward.md), loads the batch, and
     ran neither.
   In the classic layout (E2E_LAYOUT=classic) only the last part runs: the site user of the
   master writes SymmetricDS's tables there (the hole the runtime layout closes). */
package e2e;

import static e2e.E2E.*;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

public class SiteAttacks {
    static Connection site() throws Exception {
        return DriverManager.getConnection(url(M), SITE_USER, SITE_PW);
    }

    /** the statement as the site user: null when it ran, else the server's error */
    static String attempt(String sql) throws Exception {
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getErrorCode() + " " + e.getMessage();
        }
    }

    /** branch-a's site user sends an SQL and a BeanShell event up (both layouts) */
    static void upward() throws Exception {
        // an SQL and a BeanShell event for the master in branch-a's sym_data (its runtime
        // database in the runtime layout): the master's engine would run them as SymmetricDS's account there,
        // which writes the master's configuration (docs/upward.md: refused)
        String a = BDB.get("branch-a");
        String me = one(M, "select node_id from sym_node_identity");
        long upHist = num(a, "select min(trigger_hist_id) from sym_trigger_hist where trigger_id like '%.up' and inactive_time is null");
        long upBefore = num(M, "select count(*) from sym_incoming_batch where node_id = 'branch-a' and status = 'OK'");
        exec(a, "INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                + " SELECT source_table_name, 'S', '\"CREATE TABLE e2e_up_sql (i INT)\"', trigger_hist_id, 'frappe', " + lit(me) + ", NOW()"
                + " FROM sym_trigger_hist WHERE trigger_hist_id = " + upHist);
        exec(a, "INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                + " SELECT source_table_name, 'B', '\"new java.io.File(\"\"/tmp/e2e_attack_up\"\").createNewFile();\"', trigger_hist_id,"
                + " 'frappe', " + lit(me) + ", NOW() FROM sym_trigger_hist WHERE trigger_hist_id = " + upHist);
        check("the master took branch-a's batch with the two events",
                waitFor("a new batch from branch-a loaded at the master", 120,
                        () -> num(M, "select count(*) from sym_incoming_batch where node_id = 'branch-a' and status = 'OK'") > upBefore
                                && num(a, "select count(*) from sym_outgoing_batch where status not in ('OK', 'IG') and channel_id = 'frappe'") == 0));
        check("the master ran neither: no table e2e_up_sql in its databases, no file",
                num(M, "select count(*) from information_schema.tables where table_name = 'e2e_up_sql'") == 0
                        && !new java.io.File("/tmp/e2e_attack_up").exists());
        check("no batch in error at the master", num(M, "select count(*) from sym_incoming_batch where status = 'ER'") == 0);

    }

    static void run() throws Exception {
        upward();
        if (!RUNTIME) {
            say("    classic layout: the site's account writes SymmetricDS's tables (the hole; see docs/topology.md)");
            return;
        }
        String a = BDB.get("branch-a");
        String r = "`" + MR + "`.";
        long hist = num(M, "select min(trigger_hist_id) from sym_trigger_hist where source_table_name = 'tabSingles' and inactive_time is null");
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("remote SQL: an S event for branch-a in sym_data",
                "INSERT INTO " + r + "sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                        + " VALUES ('tabSingles', 'S', '\"CREATE TABLE e2e_attack_sql (i INT)\"', " + hist + ", 'config', 'branch-a', NOW())");
        attacks.put("a BeanShell router", "INSERT INTO " + r + "sym_router (router_id, source_node_group_id, target_node_group_id,"
                + " router_type, router_expression, create_time, last_update_time) VALUES ('e2e_attack', 'master', 'branch', 'bsh',"
                + " 'new java.io.File(\"/tmp/e2e_attack_router\").createNewFile(); return true;', NOW(), NOW())");
        attacks.put("a BeanShell load filter", "INSERT INTO " + r + "sym_load_filter (load_filter_id, load_filter_type,"
                + " source_node_group_id, target_node_group_id, target_table_name, filter_on_update, filter_on_insert, filter_on_delete,"
                + " before_write_script, create_time, last_update_time) VALUES ('e2e_attack', 'BSH', 'master', 'branch', '*', 1, 1, 1,"
                + " 'new java.io.File(\"/tmp/e2e_attack_filter\").createNewFile(); return true;', NOW(), NOW())");
        attacks.put("a BeanShell extension", "INSERT INTO " + r + "sym_extension (extension_id, extension_type, interface_name,"
                + " node_group_id, enabled, extension_order, extension_text, create_time, last_update_time) VALUES ('e2e_attack', 'bsh',"
                + " 'org.jumpmind.symmetric.ext.ISymmetricEngineAware', 'ALL', 1, 1,"
                + " 'new java.io.File(\"/tmp/e2e_attack_ext\").createNewFile();', NOW(), NOW())");
        attacks.put("a capture trigger text", "UPDATE " + r + "sym_trigger SET custom_on_insert_text = 'DO 1', last_update_time = NOW()"
                + " WHERE trigger_id LIKE '%' LIMIT 1");
        attacks.put("a parameter", "INSERT INTO " + r + "sym_parameter (external_id, node_group_id, param_key, param_value)"
                + " VALUES ('ALL', 'ALL', 'e2e.attack', '1')");
        attacks.put("read the node passwords", "SELECT node_password FROM " + r + "sym_node_security");
        attacks.put("EXECUTE on its database for SymmetricDS's account",
                "GRANT EXECUTE ON `" + M.replace("_", "\\_") + "`.* TO " + SYM_USER + "@localhost");
        attacks.put("a routine with SymmetricDS's account as definer",
                "CREATE DEFINER = " + SYM_USER + "@localhost PROCEDURE e2e_attack_p() SELECT 1");
        attacks.put("frappe_sds's internal routine that runs statements", "CALL " + r + "sds__sym_run('apply')");
        attacks.put("frappe_sds's internal parameter writer", "CALL " + r + "sds__parameter_put('branch', 'e2e.attack', '1')");
        attacks.put("sds_send_sql without the DBA's allowance",
                "CALL " + r + "sds_send_sql('branch-a', 'CREATE TABLE e2e_attack_sql (i INT)')");
        attacks.put("a function in the runtime database", "CREATE FUNCTION " + r + "e2e_attack_f() RETURNS INT RETURN 1");
        for (Map.Entry<String, String> e : attacks.entrySet()) {
            String err = attempt(e.getValue());
            say("    " + e.getKey() + ": " + (err == null ? "RAN" : "refused: " + err.replaceAll("\\s+", " ")));
            check("the site's account is refused: " + e.getKey(), err != null);
        }
        // a change of branch-a's company still flows (routing and pull ran since)
        String inv = "E2E-ATK-1";
        exec(M, "INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company,"
                + " posting_date, grand_total) VALUES (" + lit(inv) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0,"
                + " 'Acme Corp', " + lit(OBS) + ", CURDATE(), 3)");
        check("a change after the attempts reaches branch-a",
                waitFor("branch-a has " + inv, 120, () -> cnt(a, "tabSales Invoice", inv) == 1));
        check("nothing of the attempts reached branch-a or ran anywhere",
                num(a, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'e2e\\_attack%'") == 0
                        && !new java.io.File("/tmp/e2e_attack_router").exists() && !new java.io.File("/tmp/e2e_attack_filter").exists()
                        && !new java.io.File("/tmp/e2e_attack_ext").exists()
                        && num(M, "select count(*) from sym_router where router_id = 'e2e_attack'") == 0
                        && num(M, "select count(*) from sym_extension where extension_id = 'e2e_attack'") == 0);

        // its own function behind tabCompany: who runs it?
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE e2e_probe (who VARCHAR(200), at DATETIME(6) DEFAULT NOW(6))");
            s.execute("CREATE FUNCTION e2e_probe() RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA"
                    + " BEGIN INSERT INTO e2e_probe (who) VALUES (CURRENT_USER()); RETURN 1; END");
            s.execute("RENAME TABLE `tabCompany` TO `e2e_company_real`");
            s.execute("CREATE SQL SECURITY INVOKER VIEW `tabCompany` AS SELECT c.* FROM `e2e_company_real` c WHERE e2e_probe() = 1");
        }
        exec(M, "FLUSH TABLES");
        String inv2 = "E2E-ATK-2";
        String err = attempt("INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer,"
                + " company, posting_date, grand_total) VALUES (" + lit(inv2) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0,"
                + " 'Acme Corp', " + lit(OBS) + ", CURDATE(), 4)");
        say("    the site's own write while its view is in place: " + (err == null ? "ran" : err.replaceAll("\\s+", " ")));
        check("the capture trigger (SymmetricDS's account) does not run the site's function: the site's own write fails",
                err != null);
        quiet(5);
        String who = one(M, "select group_concat(distinct who) from e2e_probe");
        say("    e2e_probe ran as: " + who);
        check("the site's function ran as nobody but the site's account",
                num(M, "select count(*) from e2e_probe where who not like " + lit(SITE_USER + "@%")) == 0);
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute("DROP VIEW `tabCompany`");
            s.execute("RENAME TABLE `e2e_company_real` TO `tabCompany`");
            s.execute("DROP FUNCTION e2e_probe");
            s.execute("DROP TABLE e2e_probe");
        }
        exec(M, "FLUSH TABLES");
        exec(M, "INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company,"
                + " posting_date, grand_total) VALUES (" + lit(inv2) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0,"
                + " 'Acme Corp', " + lit(OBS) + ", CURDATE(), 4)");
        check("with tabCompany back, changes flow again",
                waitFor("branch-a has " + inv2, 120, () -> cnt(a, "tabSales Invoice", inv2) == 1));
        for (String i : new String[] { inv, inv2 }) exec(M, "DELETE FROM `tabSales Invoice` WHERE name = " + lit(i));
        quiet(300);
        for (String n : BDB.keySet()) check(n + ": after the attacks, exactly its companies' rows", isolation(n, false));
    }
}
