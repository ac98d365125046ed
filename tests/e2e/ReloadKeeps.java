/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   A branch's first load empties the tables it carries first; a full reload of a branch in
   service does not (docs/operations.md, "Branch onboarding"), on SymmetricDS's own engine
   (hooked into E2E by one step line):
   - each branch's first load carried a `delete from` event (event type S) for its tables:
     the master group's initial.load.delete.first, which SymmetricDS honours for the full
     load it queues from initial_load_enabled (step 2 checks that the branches then hold
     the master's DocField, DocPerm and settings rows only, and the master kept its own);
   - sds_reload_branch's full load request (delete_first=0) is processed by the master as a
     full load of the branch, carries no such event, and an invoice that branch-a wrote and
     had not sent (its capture bypassed, as if its push had not run yet) is still there
     when the load has completed; the rows the load carries arrive.
   The step removes its invoice again, capture bypassed, and leaves the census as it was. */
package e2e;

import static e2e.E2E.*;

import java.sql.Connection;
import java.sql.Statement;

public class ReloadKeeps {
    /** the purges (SQL events `delete from ...`) among the batches of load `lid` to node n (a
     *  full load has SQL events of SymmetricDS's own too: sym_node_security's) */
    static long sqlEvents(String n, String lid) throws Exception {
        return num(M, "select count(*) from sym_outgoing_batch b join sym_data_event e on e.batch_id = b.batch_id"
                + " join sym_data d on d.data_id = e.data_id where b.node_id = " + lit(n) + " and b.load_id = " + lid
                + " and d.event_type = 'S' and d.row_data like '%delete from %'");
    }

    static void run() throws Exception {
        String a = BDB.get("branch-a");
        for (String n : BDB.keySet()) {
            String lid = one(M, "select initial_load_id from sym_node_security where node_id = " + lit(n));
            long s = lid == null ? 0 : sqlEvents(n, lid);
            say("    " + n + ": first load " + lid + ": " + s + " delete events");
            check(n + ": its first load emptied the tables it carried first (delete events in the load)", s > 10);
        }

        // an invoice of branch-a's company that branch-a wrote and has not sent yet
        String inv = "E2E-RK-UNSENT";
        try (Connection c = conn(a); Statement st = c.createStatement()) {
            st.execute("SET @sync_triggers_disabled = 1");
            st.execute("INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company,"
                    + " posting_date, grand_total) VALUES (" + lit(inv) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0,"
                    + " 'Acme Corp', " + lit(WP) + ", CURDATE(), 7)");
        }
        check("the unsent invoice is on branch-a only", cnt(a, "tabSales Invoice", inv) == 1 && cnt(M, "tabSales Invoice", inv) == 0);
        long rows = num(a, "select count(*) from `tabSales Invoice`");

        String before = one(M, "select coalesce(max(load_id), 0) from sym_table_reload_status where target_node_id = 'branch-a'");
        exec(M, "CALL sds_reload_branch('branch-a')");
        check("the full reload was queued as a request without delete_first",
                num(M, "select count(*) from sym_table_reload_request where target_node_id = 'branch-a' and trigger_id = 'ALL'"
                        + " and router_id = 'ALL' and delete_first = 0 and processed = 0") == 1);
        boolean queued = waitFor("the master queued the reload of branch-a", 300, () -> num(M,
                "select count(*) from sym_table_reload_status where target_node_id = 'branch-a' and load_id > " + before
                        + " and full_load = 1") == 1);
        check("the master ran the request as a full load of branch-a", queued);
        String lid = one(M, "select max(load_id) from sym_table_reload_status where target_node_id = 'branch-a' and load_id > " + before);
        boolean done = queued && waitFor("the reload of branch-a completed", 900, () -> num(M,
                "select count(*) from sym_table_reload_status where load_id = " + lid + " and completed = 1") == 1);
        check("the reload of branch-a completed", done);
        long batches = num(M, "select count(*) from sym_outgoing_batch where node_id = 'branch-a' and load_id = " + lid);
        long s = sqlEvents("branch-a", lid);
        say("    branch-a: reload " + lid + ": " + batches + " batches, " + s + " delete events");
        check("the reload carried rows and no delete event", batches > 5 && s == 0);
        check("the invoice branch-a had not sent is still there after the reload", cnt(a, "tabSales Invoice", inv) == 1);
        check("branch-a's other invoices are all there",
                num(a, "select count(*) from `tabSales Invoice`") == rows);
        check("branch-a's node: no full load left pending", num(M, "select count(*) from sym_node_security"
                + " where node_id = 'branch-a' and initial_load_enabled = 1") == 0);

        try (Connection c = conn(a); Statement st = c.createStatement()) {
            st.execute("SET @sync_triggers_disabled = 1");
            st.execute("DELETE FROM `tabSales Invoice` WHERE name = " + lit(inv));
        }
        quiet(300);
        for (String n : BDB.keySet()) check(n + ": after the reload, exactly its companies' rows", isolation(n, false));
    }
}
