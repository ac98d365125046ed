/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Issue 21 point 4, on SymmetricDS's own engine (hooked into E2E by one step line):
   sds_compare answers, for each branch and each table routed to it, whether the branch holds
   exactly the rows its load select finds on the master, by checksums computed on each side
   and carried by SymmetricDS (sql/install/58_compare.sql; docs/operations.md, "Comparing a
   branch"). This step:
   - brings both branches to equal (earlier steps leave rows a branch wrote and the master
     refused, docs/upward.md: a first compare names them, a repair removes them) and shows a
     healthy pair compares equal, every table of both branches;
   - tampers with branch-a with SymmetricDS's capture bypassed (@sync_triggers_disabled, as
     its loader does): a row deleted, a row of a company branch-a does not host inserted, a
     value changed; nothing on branch-b;
   - compares again: exactly those three tables and keys on branch-a, branch-b equal;
   - repairs branch-a, and compares again: equal. No batch of the compare channel stays in
     error (quiet() fails on one in error for 60 s). */
package e2e;

import static e2e.E2E.*;

import java.sql.Connection;
import java.sql.Statement;
import java.util.TreeSet;

public class Compare {
    static final String RTPL = "Rivendell Trading Pvt. Ltd.";

    /** runs sds_compare for both branches and waits for every table's answer. */
    static boolean compare(String what) throws Exception {
        long t0 = System.currentTimeMillis();
        exec(M, "CALL sds_compare(NULL)");
        boolean ok = waitFor(what + ": every table of both branches answered", 600, () -> {
            exec(M, "CALL sds_compare_collect()");
            return num(M, "select count(*) from sds_compare_result where state = 'pending'") == 0
                    && num(M, "select count(distinct node_id) from sds_compare_result") == BDB.size();
        });
        figure("compare_seconds_" + what.replaceAll("[^a-z]+", "_"), (System.currentTimeMillis() - t0) / 1000.0);
        show(M, "select node_id, count(*) as tables, sum(state = 'equal') as equal, sum(state = 'differs') as differs,"
                + " sum(master_rows) as master_rows, sum(branch_rows) as branch_rows from sds_compare_result group by node_id");
        show(M, "select node_id, table_name, state, missing_rows, foreign_rows, differing_rows, first_missing, first_foreign,"
                + " first_differing, note from sds_compare_result where state <> 'equal' order by node_id, table_name");
        return ok;
    }

    static TreeSet<String> found(String node) throws Exception {
        return new TreeSet<>(col(M, "select concat(r.table_name, ' ', k.kind, ' ', k.row_key) from sds_compare_key k"
                + " join sds_compare_result r on r.run_id = k.run_id and r.node_id = k.node_id and r.table_no = k.table_no"
                + " where r.node_id = " + lit(node)));
    }

    static long differing(String node) throws Exception {
        return num(M, "select count(*) from sds_compare_result where node_id = " + lit(node) + " and state <> 'equal'");
    }

    static void run() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        quiet(120);
        // ---- baseline: whatever earlier steps left, repaired; then a healthy pair is equal
        check("the first compare of both branches was answered", compare("first"));
        for (String n : BDB.keySet())
            if (differing(n) > 0) {
                say("  " + n + ": " + found(n).size() + " keys differ after the earlier steps (rows the master refused stay at the branch): repaired");
                exec(M, "CALL sds_compare_repair(" + lit(n) + ")");
            }
        quiet(300);
        check("the healthy pair was answered", compare("healthy"));
        for (String n : BDB.keySet())
            check(n + ": a healthy branch compares equal, every table", differing(n) == 0
                    && num(M, "select count(*) from sds_compare_result where node_id = " + lit(n)) > 100);

        // ---- tamper with branch-a, capture bypassed
        String item = one(a, "select min(name) from `tabSales Invoice Item` where parent in (select name from `tabSales Invoice`)");
        String goods = one(a, "select min(name) from tabItem");
        String inv = one(M, "select name from `tabSales Invoice` where company = " + lit(RTPL) + " order by name limit 1");
        check("the fixture has a child row and an item on branch-a and a Rivendell invoice on the master",
                item != null && goods != null && inv != null && cnt(a, "tabSales Invoice", inv) == 0);
        String cols = String.join(", ", col(M, "select concat('`', column_name, '`') from information_schema.columns"
                + " where table_schema = database() and table_name = 'tabSales Invoice' order by ordinal_position"));
        String row = one(M, "select concat_ws(', ', " + String.join(", ", col(M, "select concat('quote(`', column_name, '`)')"
                + " from information_schema.columns where table_schema = database() and table_name = 'tabSales Invoice' order by ordinal_position"))
                + ") from `tabSales Invoice` where name = " + lit(inv));
        try (Connection c = conn(a); Statement s = c.createStatement()) {
            s.execute("SET @sync_triggers_disabled = 1");
            s.execute("DELETE FROM `tabSales Invoice Item` WHERE name = " + lit(item));
            s.execute("INSERT INTO `tabSales Invoice` (" + cols + ") VALUES (" + row + ")");
            s.execute("UPDATE tabItem SET item_name = CONCAT(item_name, ' changed at the branch') WHERE name = " + lit(goods));
        }
        Thread.sleep(5000);
        check("the tampering was not captured at branch-a",
                num(a, "select count(*) from sym_data where table_name in ('tabSales Invoice', 'tabSales Invoice Item', 'tabItem')"
                        + " and create_time > now() - interval 60 second") == 0);
        check("the tampered pair was answered", compare("tampered"));
        TreeSet<String> want = new TreeSet<>();
        want.add("tabSales Invoice Item missing " + one(M, "select quote(" + lit(item) + ")"));
        want.add("tabSales Invoice foreign " + one(M, "select quote(" + lit(inv) + ")"));
        want.add("tabItem differing " + one(M, "select quote(" + lit(goods) + ")"));
        TreeSet<String> got = found("branch-a");
        say("    branch-a: " + got);
        check("branch-a: exactly the deleted, the foreign and the changed row, in their tables", got.equals(want));
        check("branch-a: exactly those three tables differ", differing("branch-a") == 3);
        check("branch-b (not touched) stays equal", differing("branch-b") == 0 && found("branch-b").isEmpty());

        // ---- repair, then equal
        exec(M, "CALL sds_compare_repair('branch-a')");
        check("the repair reached branch-a: the row back, the foreign row gone, the value as on the master",
                waitFor("branch-a repaired", 180, () -> cnt(a, "tabSales Invoice Item", item) == 1 && cnt(a, "tabSales Invoice", inv) == 0
                        && one(a, "select item_name from tabItem where name = " + lit(goods)).equals(
                                one(M, "select item_name from tabItem where name = " + lit(goods)))));
        quiet(120);
        check("the repair queued no reload request and sent no batch on frappe_reload for it",
                num(M, "select count(*) from sym_table_reload_request where processed = 0") == 0);
        check("after the repair the pair was answered", compare("repaired"));
        for (String n : BDB.keySet()) check(n + ": equal after the repair", differing(n) == 0);
        check("no batch of frappe_compare in error on any node", num(M, "select count(*) from sym_outgoing_batch where channel_id = 'frappe_compare' and status = 'ER'")
                + num(a, "select count(*) from sym_incoming_batch where channel_id = 'frappe_compare' and status = 'ER'")
                + num(b, "select count(*) from sym_incoming_batch where channel_id = 'frappe_compare' and status = 'ER'") == 0);
        if (RUNTIME)
            for (String n : BDB.keySet()) {
                String db = BDB.get(n);
                check(n + ": its compare answers (sds_compare_answer) are in its runtime database " + rt(db) + ", not in " + db,
                        num(db, "select count(*) from information_schema.tables where table_name = 'sds_compare_answer' and table_schema = " + lit(rt(db))) == 1
                                && num(db, "select count(*) from information_schema.tables where table_name = 'sds_compare_answer' and table_schema = database()") == 0);
            }
        for (String n : BDB.keySet()) check(n + ": after the compare step, exactly its companies' rows", isolation(n, false));
    }
}
