/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   A branch site's own account (Frappe's: ALL on its site database, as bench creates it;
   no right on the branch's runtime database) attacks SymmetricDS at branch-a, a branch in
   the runtime layout (docs/topology.md, "Branches"; issue 23 point 2; hooked into E2E by one
   step line):
   - it tries to write what the branch's node would run or send: an SQL event and a
     BeanShell event for the master in sym_data, a BeanShell router, load filter and
     extension, a parameter, a capture trigger text; to read the node password; to give
     SymmetricDS's account EXECUTE on its database; to create a routine or a trigger with
     SymmetricDS's account as definer, or a function in the runtime database. Each is
     refused;
   - a trigger of its own on a site table (tabNote) that writes the runtime database's
     sym_data: its creation may pass (MariaDB checks a trigger body's rights when it runs),
     but its writes fail, and nothing lands in the runtime database;
   - a function of its own that records who runs it, behind a view put in place of
     tabCompany, which the branch's loader writes: a change of branch-a's company loaded
     through the view never runs the function as the branch's SymmetricDS account (it has no
     EXECUTE on the site database: the load fails while the view is there, the site harming
     only itself); with the table back, the change arrives.
   Nothing of it reached the master or branch-b, and changes flow both ways afterwards.
   In the classic layout the step does not run (the branch's site account owns its node's
   sym_* tables there). E2E_BRANCH_ATTACK_CONTROL=1 is the negative control: in the classic
   layout it runs the step anyway (the refusals fail: the attempts run), in the runtime layout
   it gives SymmetricDS's account EXECUTE on the branch's site database before the probe (the
   probe check fails: the loader runs the site's function as SymmetricDS). */
package e2e;

import static e2e.E2E.*;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

public class BranchAttacks {
    static final String NODE = "branch-a";
    static final boolean CONTROL = System.getenv("E2E_BRANCH_ATTACK_CONTROL") != null
            && !System.getenv("E2E_BRANCH_ATTACK_CONTROL").isBlank();

    static Connection site() throws Exception {
        return DriverManager.getConnection(url(BDB.get(NODE)), BSITE.get(NODE), BSITE_PW);
    }

    /** the statement as branch-a's site account: null when it ran, else the server's error */
    static String attempt(String sql) throws Exception {
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getErrorCode() + " " + e.getMessage().replaceAll("\\s+", " ");
        }
    }

    /** a file a BeanShell text of the attacks would create (the run's work directory) */
    static File mark(String what) {
        return new File(work, "e2e_battack_" + what);
    }

    static String bshTouch(String what) {
        return "new java.io.File(\"" + mark(what).getPath().replace("\\", "\\\\") + "\").createNewFile();";
    }

    static void run() throws Exception {
        if (!RUNTIME && !CONTROL) {
            say("    not run: classic layout (a branch's site account owns its node's sym_* tables there: docs/topology.md)");
            return;
        }
        String a = BDB.get(NODE), b = BDB.get("branch-b");
        String r = "`" + rt(a) + "`.", symAcct = RUNTIME ? BSYM.get(NODE) : "root", siteAcct = BSITE.get(NODE);
        if (!RUNTIME)   // (the control: the site's account as bench makes it, at a classic branch)
            client(a, "CREATE USER IF NOT EXISTS " + lit(siteAcct) + "@localhost IDENTIFIED BY " + lit(BSITE_PW) + ";\n"
                    + "GRANT ALL PRIVILEGES ON `" + a.replace("_", "\\_") + "`.* TO " + lit(siteAcct) + "@localhost;\n");
        quiet(120);
        String me = one(M, "select node_id from sym_node_identity");
        long upHist = num(a, "select min(trigger_hist_id) from sym_trigger_hist where trigger_id like '%.up' and inactive_time is null");
        long dataMax = num(a, "select ifnull(max(data_id), 0) from sym_data");
        long mIn = num(M, "select ifnull(max(batch_id), 0) from sym_incoming_batch where node_id = " + lit(NODE));
        long aIn = num(a, "select ifnull(max(batch_id), 0) from sym_incoming_batch");
        String ev = "INSERT INTO " + r + "sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)"
                + " VALUES ('tabNote', ";
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("an SQL event for the master in sym_data",
                ev + "'S', '\"CREATE TABLE e2e_battack_sql (i INT)\"', " + upHist + ", 'frappe', " + lit(me) + ", NOW())");
        attacks.put("a BeanShell event for the master in sym_data",
                ev + "'B', " + lit("\"" + bshTouch("event").replace("\"", "\"\"") + "\"") + ", " + upHist + ", 'frappe', " + lit(me) + ", NOW())");
        attacks.put("a BeanShell router", "INSERT INTO " + r + "sym_router (router_id, source_node_group_id, target_node_group_id,"
                + " router_type, router_expression, create_time, last_update_time) VALUES ('e2e_battack', 'branch', 'master', 'bsh', "
                + lit(bshTouch("router") + " return true;") + ", NOW(), NOW())");
        attacks.put("a BeanShell load filter", "INSERT INTO " + r + "sym_load_filter (load_filter_id, load_filter_type,"
                + " source_node_group_id, target_node_group_id, target_table_name, filter_on_update, filter_on_insert, filter_on_delete,"
                + " before_write_script, create_time, last_update_time) VALUES ('e2e_battack', 'BSH', 'master', 'branch', '*', 1, 1, 1, "
                + lit(bshTouch("filter") + " return true;") + ", NOW(), NOW())");
        attacks.put("a BeanShell extension", "INSERT INTO " + r + "sym_extension (extension_id, extension_type, interface_name,"
                + " node_group_id, enabled, extension_order, extension_text, create_time, last_update_time) VALUES ('e2e_battack', 'bsh',"
                + " 'org.jumpmind.symmetric.ext.ISymmetricEngineAware', 'ALL', 1, 1, " + lit(bshTouch("ext")) + ", NOW(), NOW())");
        attacks.put("a parameter", "INSERT INTO " + r + "sym_parameter (external_id, node_group_id, param_key, param_value)"
                + " VALUES ('ALL', 'ALL', 'e2e.battack', '1')");
        attacks.put("a capture trigger text", "UPDATE " + r + "sym_trigger SET custom_on_insert_text = 'DO 1', last_update_time = NOW()"
                + " WHERE trigger_id LIKE '%.up' LIMIT 1");
        attacks.put("read the node password", "SELECT node_password FROM " + r + "sym_node_security");
        attacks.put("EXECUTE on its database for SymmetricDS's account",
                "GRANT EXECUTE ON `" + a.replace("_", "\\_") + "`.* TO " + lit(symAcct) + "@localhost");
        attacks.put("a routine with SymmetricDS's account as definer",
                "CREATE DEFINER = " + lit(symAcct) + "@localhost PROCEDURE e2e_battack_p() SELECT 1");
        String trgBody = " FOR EACH ROW " + ev + "'S', '\"CREATE TABLE e2e_battack_trg (i INT)\"', " + upHist + ", 'frappe', " + lit(me) + ", NOW())";
        attacks.put("a trigger with SymmetricDS's account as definer writing sym_data",
                "CREATE DEFINER = " + lit(symAcct) + "@localhost TRIGGER e2e_battack_t1 AFTER INSERT ON `tabNote`" + trgBody);
        attacks.put("a function in the runtime database", "CREATE FUNCTION " + r + "e2e_battack_f() RETURNS INT RETURN 1");
        for (Map.Entry<String, String> e : attacks.entrySet()) {
            String err = attempt(e.getValue());
            say("    " + e.getKey() + ": " + (err == null ? "RAN" : "refused: " + err));
            check("branch-a's site account is refused: " + e.getKey(), err != null);
        }

        // a trigger of its own: MariaDB checks its body's rights when it fires
        String created = attempt("CREATE TRIGGER e2e_battack_t2 AFTER INSERT ON `tabNote`" + trgBody);
        say("    its own trigger writing " + r + "sym_data: " + (created == null ? "created" : "refused: " + created));
        String wrote = attempt("INSERT INTO `tabNote` (name, creation, modified, modified_by, owner, docstatus, idx, title)"
                + " VALUES ('e2e-battack-note', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'e2e')");
        if (created == null) {
            say("    the site's own write that fires it: " + (wrote == null ? "ran" : "failed: " + wrote));
            check("its own trigger writing the runtime database: the write that fires it fails", wrote != null);
            attempt("DROP TRIGGER e2e_battack_t2");
        }
        check("nothing of the attempts is in branch-a's sym_data, sym_router, sym_load_filter, sym_extension, sym_parameter, sym_trigger",
                num(a, "select count(*) from sym_data where data_id > " + dataMax + " and (row_data like '%e2e\\_battack%' or event_type in ('S', 'B'))") == 0
                        && num(a, "select count(*) from sym_router where router_id = 'e2e_battack'")
                                + num(a, "select count(*) from sym_load_filter where load_filter_id = 'e2e_battack'")
                                + num(a, "select count(*) from sym_extension where extension_id = 'e2e_battack'")
                                + num(a, "select count(*) from sym_parameter where param_key = 'e2e.battack'")
                                + num(a, "select count(*) from sym_trigger where custom_on_insert_text = 'DO 1'") == 0);
        check("SymmetricDS's account got no EXECUTE and no routine or trigger of the attempts exists",
                num(a, "select count(*) from information_schema.schema_privileges where grantee = " + lit("'" + symAcct + "'@'localhost'")
                        + " and privilege_type = 'EXECUTE'") == 0
                        && num(a, "select count(*) from information_schema.routines where routine_name like 'e2e\\_battack%'")
                                + num(a, "select count(*) from information_schema.triggers where trigger_name like 'e2e\\_battack%'") == 0);
        exec(a, "DELETE FROM `tabNote` WHERE name = 'e2e-battack-note'");

        // its function behind tabCompany, which the branch's loader writes: who runs it?
        if (RUNTIME && CONTROL) {
            say("    CONTROL: SymmetricDS's account given EXECUTE on " + a + " (what sds_grant withholds)");
            exec(a, "GRANT EXECUTE ON `" + a.replace("_", "\\_") + "`.* TO " + lit(symAcct) + "@localhost");
        }
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE e2e_bprobe (who VARCHAR(200), at DATETIME(6) DEFAULT NOW(6))");
            s.execute("CREATE FUNCTION e2e_bprobe() RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA"
                    + " BEGIN INSERT INTO e2e_bprobe (who) VALUES (CURRENT_USER()); RETURN 1; END");
            s.execute("RENAME TABLE `tabCompany` TO `e2e_bcompany_real`");
            s.execute("CREATE SQL SECURITY INVOKER VIEW `tabCompany` AS SELECT c.* FROM `e2e_bcompany_real` c WHERE e2e_bprobe() = 1");
            s.executeQuery("SELECT count(*) FROM `tabCompany`").close();
        }
        exec(a, "FLUSH TABLES");
        check("the probe records who runs it (the site's own read of the view)",
                num(a, "select count(*) from e2e_bprobe where who like " + lit(siteAcct + "@%")) > 0);
        String mod = one(M, "select date_format(now(6), '%Y-%m-%d %H:%i:%s.%f')");
        exec(M, "UPDATE tabCompany SET modified = " + lit(mod) + " WHERE name = " + lit(OBS));
        String modAt = "select count(*) from `e2e_bcompany_real` where name = " + lit(OBS) + " and modified = " + lit(mod);
        String errAt = "select concat(batch_id, ': ', ifnull(sql_message, '?')) from sym_incoming_batch where status = 'ER'"
                + " and batch_id > " + aIn + " order by batch_id desc limit 1";
        // (the load through the view either fails, or runs: either ends the wait; a batch in error
        // is what the site does to itself, so no early give-up on it)
        // (or it took the batch without writing the row: SymmetricDS skips a row whose table it
        // cannot read, "Did not find the tabCompany table in the target database", when its table
        // cache no longer holds the table: the change is then lost at the branch, the check below)
        String okAt = "select concat(batch_id, ': ', status) from sym_incoming_batch where status = 'OK' and channel_id = 'frappe'"
                + " and batch_id > " + aIn + " and summary like '%tabcompany%' order by batch_id desc limit 1";
        waitFor("branch-a's loader took O'Brien's change through the view, or failed on it", 120,
                () -> num(a, modAt) == 1 || one(a, errAt) != null || one(a, okAt) != null, () -> null);
        String batchErr = one(a, errAt), batchOk = one(a, okAt);
        say("    branch-a's load of the change while the view is there: " + (num(a, modAt) == 1 ? "loaded"
                : batchErr != null ? "in error: " + batchErr : batchOk != null ? "batch " + batchOk + " taken, the row NOT written" : "nothing yet"));
        show(a, "select who, count(*) n from e2e_bprobe group by who");
        check("the site's function ran as nobody but the site's account (never as SymmetricDS's " + symAcct + ")",
                num(a, "select count(*) from e2e_bprobe where who not like " + lit(siteAcct + "@%")) == 0);
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute("DROP VIEW `tabCompany`");
            s.execute("RENAME TABLE `e2e_bcompany_real` TO `tabCompany`");
            s.execute("DROP FUNCTION e2e_bprobe");
            s.execute("DROP TABLE e2e_bprobe");
        }
        exec(a, "FLUSH TABLES");
        if (RUNTIME && CONTROL) exec(a, "REVOKE EXECUTE ON `" + a.replace("_", "\\_") + "`.* FROM " + lit(symAcct) + "@localhost");
        check("with tabCompany back, O'Brien's change arrives at branch-a", waitFor("O'Brien's change at branch-a", 180,
                () -> num(a, "select count(*) from tabCompany where name = " + lit(OBS) + " and modified = " + lit(mod)) == 1));

        // changes still flow both ways: the master's to branch-a, the branch site's own writes up
        insertInvoice(M, "E2E-BATK-M", OBS, 1);
        try (Connection c = site(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company,"
                    + " posting_date, grand_total) VALUES ('E2E-BATK-A', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0,"
                    + " 'Acme Corp', " + lit(WP) + ", CURDATE(), 5)");
        }
        check("after the attacks, the master's change reaches branch-a",
                waitFor("E2E-BATK-M on branch-a", 120, () -> cnt(a, "tabSales Invoice Item", "E2E-BATK-M-i1") == 1));
        check("after the attacks, branch-a's site account's own write reaches the master and branch-b (Wind Power)",
                waitFor("E2E-BATK-A on the master and branch-b", 120, () -> cnt(M, "tabSales Invoice", "E2E-BATK-A") == 1
                        && cnt(b, "tabSales Invoice", "E2E-BATK-A") == 1));
        quiet(120);
        check("nothing of the attempts reached the master or branch-b, or ran anywhere",
                num(M, "select count(*) from information_schema.tables where table_name like 'e2e\\_battack%'")
                        + num(a, "select count(*) from information_schema.tables where table_name like 'e2e\\_battack%'")
                        + num(b, "select count(*) from information_schema.tables where table_name like 'e2e\\_battack%'") == 0
                        && !mark("event").exists() && !mark("router").exists() && !mark("filter").exists() && !mark("ext").exists()
                        && num(M, "select count(*) from sym_router where router_id = 'e2e_battack'")
                                + num(M, "select count(*) from sym_extension where extension_id = 'e2e_battack'")
                                + num(b, "select count(*) from sym_router where router_id = 'e2e_battack'")
                                + num(b, "select count(*) from sym_extension where extension_id = 'e2e_battack'") == 0);
        check("the master took every batch of branch-a since the attempts, none in error",
                num(M, "select count(*) from sym_incoming_batch where node_id = " + lit(NODE) + " and batch_id > " + mIn
                        + " and status <> 'OK'") == 0);
        exec(M, "DELETE FROM `tabSales Invoice Item` WHERE parent = 'E2E-BATK-M'");
        for (String i : new String[] { "E2E-BATK-M", "E2E-BATK-A" }) exec(M, "DELETE FROM `tabSales Invoice` WHERE name = " + lit(i));
        quiet(300);
        for (String n : BDB.keySet()) check(n + ": after the attacks, exactly its companies' rows", isolation(n, false));
        if (RUNTIME)   // (after every earlier step: new tables, compare answers, remote SQL)
            for (String n : BDB.keySet()) {
                String db = BDB.get(n);
                show(db, "select table_schema, table_name from information_schema.tables where (table_schema = database()"
                        + " and (table_name like 'sym\\_%' or table_name like 'sds\\_%')) or (table_schema = " + lit(rt(db)) + " and table_name like 'tab%')");
                check(n + ": still no sym_* or sds_* table in " + db + ", no Frappe table in " + rt(db),
                        num(db, "select count(*) from information_schema.tables where (table_schema = database()"
                                + " and (table_name like 'sym\\_%' or table_name like 'sds\\_%')) or (table_schema = " + lit(rt(db))
                                + " and table_name like 'tab%')") == 0);
            }
    }
}
