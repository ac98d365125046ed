/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   First loads without empty batches (issue 20; sql/install/51_onboarding.sql,
   sds__load_extensions): the master's engine gives a branch's full load a batch only for
   the tables that have a row for that branch. This step proves, on SymmetricDS's engine:
   - the extensions ran (their log line) and each branch's first load has no empty load
     batch, and fewer tables than frappe_sds's trigger routers;
   - no miss anywhere: for EVERY table frappe_sds routes to the branches (not only the
     handful E2E.isolation compares), every row the branch's load select finds on the
     master is at the branch — whether its table was in the load or reached the branch
     live;
   - a table with no row for any branch at load time (tabProject and its child table
     tabProject User on the bundled site: no batch in either load) carries its first
     rows to the right branch live, and not to the other;
   - the listener (sds_load_late_rows), called as SymmetricDS calls it once a load is
     queued, with the watermark sds_load_tables leaves: a table written after the watermark
     that has a row for the branch but no batch in that load (tabBudget, given O'Brien's
     first budget here) gets a table load request of its own, which SymmetricDS then runs;
     a table without a row for the branch gets none, nor one written only before the
     watermark (tabProject). */
package e2e;

import java.util.ArrayList;
import org.jumpmind.db.sql.ISqlTransaction;
import org.jumpmind.symmetric.ISymmetricEngine;
import org.jumpmind.symmetric.load.IReloadListener;
import org.jumpmind.symmetric.model.Node;
import java.util.List;
import java.util.TreeSet;

public class LoadShortcut {
    static final String[] EMPTY_AT_LOAD = { "tabProject", "tabProject User" };

    static String loadSelect(String node, String sel) {
        if (sel == null || sel.isBlank()) sel = "1=1";
        return sel.replace("$(externalId)", node).replace("$(nodeId)", node).replace("$(groupId)", "branch");
    }

    static void run() throws Exception {
        String M = E2E.M;
        E2E.check("the load extensions were registered and queued the first loads",
                !E2E.logLinesSince(0, "Registering extension named 'sds_load_tables'").isEmpty()
                        && !E2E.logLinesSince(0, "frappe_sds: load to branch-a:").isEmpty()
                        && !E2E.logLinesSince(0, "frappe_sds: load to branch-b:").isEmpty());
        long routers = E2E.num(M, "select count(*) from sym_trigger_router tr join sym_router r using (router_id)"
                + " where tr.last_update_by = 'frappe_sds' and r.target_node_group_id = 'branch' and tr.initial_load_order >= 0");
        for (String n : E2E.BDB.keySet()) {
            String lid = E2E.one(M, "select initial_load_id from sym_node_security where node_id = '" + n + "'");
            long tables = E2E.num(M, "select count(distinct trigger_id) from sym_extract_request where node_id = '" + n + "' and load_id = " + lid);
            long empty = E2E.num(M, "select count(*) from sym_outgoing_batch where node_id = '" + n + "' and load_id = " + lid
                    + " and channel_id = 'frappe_reload' and greatest(data_row_count, extract_row_count, load_row_count) = 0");
            E2E.say(String.format("    %s: first load %s: %d tables of %d trigger routers, %d empty load batches", n, lid, tables, routers, empty));
            E2E.check(n + ": its first load has no empty load batch and skipped the tables without its rows",
                    lid != null && empty == 0 && tables > 10 && tables < routers / 2);
            for (String t : EMPTY_AT_LOAD)
                E2E.check(n + ": " + t + " (no row for any branch at load time) had no batch in the first load",
                        E2E.num(M, "select count(*) from sym_extract_request e join sds_plan p on p.trigger_id = e.trigger_id"
                                + " where e.node_id = '" + n + "' and e.load_id = " + lid + " and p.table_name = " + E2E.lit(t)) == 0);
        }
        // first rows of a table that was empty at load time: O'Brien's project goes to branch-a only,
        // Wind Power's to both; each with a child row (routed through its parent)
        String a = E2E.BDB.get("branch-a"), b = E2E.BDB.get("branch-b");
        for (String[] p : new String[][] { { "E2E-PROJ-OBS", E2E.OBS }, { "E2E-PROJ-WP", E2E.WP } }) {
            E2E.exec(M, "INSERT INTO `tabProject` (name, creation, modified, modified_by, owner, docstatus, idx, project_name, company)"
                    + " VALUES (" + E2E.lit(p[0]) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + E2E.lit(p[0]) + ", " + E2E.lit(p[1]) + ")");
            E2E.exec(M, "INSERT INTO `tabProject User` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, user)"
                    + " VALUES (" + E2E.lit(p[0] + "-u1") + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, " + E2E.lit(p[0])
                    + ", 'users', 'Project', 1, 'Administrator')");
        }
        E2E.check("the first rows of tables empty at load time reached their branches live", E2E.waitFor("projects on their branches", 120,
                () -> E2E.cnt(a, "tabProject", "E2E-PROJ-OBS") + E2E.cnt(a, "tabProject User", "E2E-PROJ-OBS-u1")
                        + E2E.cnt(a, "tabProject", "E2E-PROJ-WP") + E2E.cnt(a, "tabProject User", "E2E-PROJ-WP-u1")
                        + E2E.cnt(b, "tabProject", "E2E-PROJ-WP") + E2E.cnt(b, "tabProject User", "E2E-PROJ-WP-u1") == 6));
        E2E.quiet(120);
        E2E.check("O'Brien's project and its child row did not reach branch-b",
                E2E.cnt(b, "tabProject", "E2E-PROJ-OBS") + E2E.cnt(b, "tabProject User", "E2E-PROJ-OBS-u1") == 0);
        // the listener, as SymmetricDS calls it after queueing branch-a's first load
        ISymmetricEngine me = E2E.engine("master");   // (HTTP: an instance on the master's file, never started)
        IReloadListener late = null;
        for (IReloadListener l : me.getExtensionService().getExtensionPointList(IReloadListener.class))
            if (java.lang.reflect.Proxy.isProxyClass(l.getClass())) late = l;
        E2E.check("the master engine has the frappe_sds reload listener", late != null);
        // as sds_load_tables leaves it: the sym_data watermark taken before its checks (the
        // projects above were written before it, the budgets after)
        String key = "frappe_sds.load." + me.getEngineName() + ".branch-a";
        System.setProperty(key, E2E.one(M, "select coalesce(max(data_id), 0) from sym_data"));
        E2E.exec(M, "INSERT INTO `tabBudget` (name, creation, modified, modified_by, owner, docstatus, idx, company)"
                + " VALUES ('E2E-BUDGET-OBS', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + E2E.lit(E2E.OBS) + ")");
        E2E.exec(M, "INSERT INTO `tabBudget` (name, creation, modified, modified_by, owner, docstatus, idx, company)"
                + " VALUES ('E2E-BUDGET-TRK', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + E2E.lit(E2E.TRICKY) + ")");
        String lidA = E2E.one(M, "select initial_load_id from sym_node_security where node_id = 'branch-a'");
        // (sds_sync_schema's reload requests are frappe_sds's too: only the ones this call adds count)
        String reqs = "select concat(r.trigger_id, ' ', r.router_id, ' ', r.create_time) from sym_table_reload_request r"
                + " where r.target_node_id = 'branch-a' and r.last_update_by = 'frappe_sds'";
        TreeSet<String> before = new TreeSet<>(E2E.col(M, reqs));
        if (late != null) {
            Node na = me.getNodeService().findNode("branch-a");
            ISqlTransaction tx = me.getSqlTemplate().startSqlTransaction();
            try {
                late.afterReload(tx, na, Long.parseLong(lidA));
                tx.commit();
            } finally {
                tx.close();
            }
        }
        List<String> asked = new ArrayList<>();
        for (String k : E2E.col(M, reqs))
            if (!before.contains(k))
                asked.add(E2E.one(M, "select table_name from sds_plan where trigger_id = " + E2E.lit(k.substring(0, k.indexOf(' ')))));
        E2E.say("    listener asked for table loads of: " + asked);
        E2E.check("the listener requested a table load of tabBudget for branch-a (a row, no batch in its first load)",
                asked.contains("tabBudget"));
        E2E.check("... and none for a table without a row for branch-a (tabPurchase Order), nor for one written only"
                + " before the watermark (tabProject: O'Brien rows, no batch in the load, reached branch-a live)",
                !asked.contains("tabPurchase Order") && !asked.contains("tabProject") && System.getProperty(key) == null);
        E2E.check("SymmetricDS ran the requested table loads", E2E.waitFor("table loads processed", 180,
                () -> E2E.num(M, "select count(*) from sym_table_reload_request where target_node_id = 'branch-a'"
                        + " and last_update_by = 'frappe_sds' and processed = 0") == 0));
        E2E.quiet(120);
        E2E.check("O'Brien's budget is on branch-a, the tricky company's on branch-b only",
                E2E.cnt(a, "tabBudget", "E2E-BUDGET-OBS") == 1 && E2E.cnt(b, "tabBudget", "E2E-BUDGET-OBS") == 0
                        && E2E.cnt(b, "tabBudget", "E2E-BUDGET-TRK") == 1 && E2E.cnt(a, "tabBudget", "E2E-BUDGET-TRK") == 0);
        // no miss in any table: what each branch's load select finds on the master is at the branch
        List<String[]> trs = new ArrayList<>();
        for (String row : E2E.col(M, "select concat(p.table_name, char(9), coalesce(tr.initial_load_select, ''))"
                + " from sym_trigger_router tr join sym_router r using (router_id) join sds_plan p on p.trigger_id = tr.trigger_id"
                + " where tr.last_update_by = 'frappe_sds' and r.target_node_group_id = 'branch' and tr.initial_load_order >= 0"
                + " and exists (select 1 from information_schema.columns c where c.table_schema = database()"
                + " and c.table_name = p.table_name and c.column_name = 'name')")) {
            int i = row.indexOf('\t');
            trs.add(new String[] { row.substring(0, i), row.substring(i + 1) });
        }
        for (String n : E2E.BDB.keySet()) {
            String db = E2E.BDB.get(n);
            int tablesWithRows = 0, missingTables = 0;
            long rows = 0;
            for (String[] tr : trs) {
                // (as SymmetricDS runs it: on the master's own connection, in the runtime
                // layout its runtime database, the site's table named with the site database)
                String q = "select t.name from `" + M + "`.`" + tr[0].replace("`", "``") + "` t where " + loadSelect(n, tr[1]);
                TreeSet<String> want = new TreeSet<>(E2E.col(E2E.MR, q));
                if (want.isEmpty()) continue;
                tablesWithRows++;
                rows += want.size();
                want.removeAll(E2E.col(db, "select name from `" + tr[0].replace("`", "``") + "`"));
                if (!want.isEmpty()) {
                    missingTables++;
                    E2E.say(String.format("    %s %-32s missing %s", n, tr[0], E2E.head(want)));
                }
            }
            E2E.say(String.format("    %s: %d of %d routed tables hold %d rows for it on the master", n, tablesWithRows, trs.size(), rows));
            E2E.check(n + ": every row its load select finds on the master, in every routed table, is at the branch (0 misses)",
                    missingTables == 0 && tablesWithRows > 10 && trs.size() > 500);
        }
    }
}
