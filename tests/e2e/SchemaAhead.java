/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Rows ahead of their schema change (issue 21, point 2; sql/install/32_schema_ahead.sql), on
   SymmetricDS's own engine: after a DDL at the master, writes made AT ONCE and for the next
   seconds (the whole window until the branches' tables are altered by the change's reload)
   reach every branch that hosts them with the master's values, and no batch at any node is
   ever in error because a branch's table is older than the data: a widening MODIFY, a new
   NOT NULL column with a default, a new DocType's table.

   "Ever in error" is measured three ways, since SymmetricDS clears a batch's error state when
   a retry succeeds: a sampler reading every node's sym_incoming_batch / sym_outgoing_batch
   every 250 ms, incoming batches of the step loaded more than once (load_count > 1), and
   the engines' log ("Failed to load batch").
   Run from E2E (one step line); uses E2E's helpers. */
package e2e;

import static e2e.E2E.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

public class SchemaAhead {
    static final List<String> seenErrors = Collections.synchronizedList(new ArrayList<>());
    static volatile boolean sampling;

    /** A batch error that is SymmetricDS 3.15.9's own race, not a row's: TriggerRouterCache.
     *  isUsingTargetExternalId returns its Boolean outside the lock, and a configuration
     *  change (flushTriggerRoutersByNodeGroupId, e.g. the new DocType's triggers) can null it
     *  in between: the batch fails before any row is loaded ("Cannot invoke ...booleanValue()
     *  because this.usingTargetExternalId is null") and SymmetricDS sends it again. */
    static boolean knownRace(String error) {
        return error.contains("usingTargetExternalId");
    }

    /** the errors seen that are not SymmetricDS's known race (those are reported) */
    static List<String> unexplained() {
        List<String> out = new ArrayList<>();
        for (String e : new ArrayList<>(seenErrors)) {
            if (knownRace(e)) say("    SymmetricDS's own race, batch sent again (not a row's error): " + e);
            else out.add(e);
        }
        return out;
    }

    /** "Failed to load batch <node>-<id>" lines of the log, without those of batches whose
     *  error was the known race */
    static List<String> failedLoads(long logOff) throws Exception {
        java.util.Set<String> race = new java.util.HashSet<>();
        for (String e : new ArrayList<>(seenErrors)) {
            String[] w = e.split(" ");   // <db> in|out <node> <batch> <channel>: <message>
            if (knownRace(e) && w.length > 3) race.add(w[2] + "-" + w[3]);
        }
        List<String> out = new ArrayList<>();
        for (String l : logLinesSince(logOff, "Failed to load batch")) {
            String id = l.substring(l.indexOf("Failed to load batch") + "Failed to load batch".length()).trim();
            if (!race.contains(id)) out.add(l);
        }
        return out;
    }

    /** samples every node's batches in error until stopped. */
    static Thread sampler() {
        Thread t = new Thread(() -> {
            while (sampling) {
                for (String db : new ArrayList<>(allDbs())) {
                    try {
                        for (String e : col(db, "select concat('out ', node_id, ' ', batch_id, ' ', channel_id, ': ', ifnull(sql_message, '?')) from sym_outgoing_batch"
                                + " where (status = 'ER' or error_flag = 1) and channel_id <> 'heartbeat' union all"
                                + " select concat('in ', node_id, ' ', batch_id, ' ', channel_id, ': ', ifnull(sql_message, '?')) from sym_incoming_batch"
                                + " where status = 'ER' or error_flag = 1"))
                            if (!seenErrors.contains(db + " " + e)) seenErrors.add(db + " " + e);
                    } catch (Exception x) {
                        // a node busy: sample again
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException x) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        return t;
    }

    static List<String> allDbs() {
        List<String> l = new ArrayList<>();
        l.add(M);
        l.addAll(BDB.values());
        return l;
    }

    static String lastTracked(String db, String table) throws Exception {
        return one(db, "select ifnull(max(batch_id), 0) from " + table);
    }

    static String longText(String tag, int n) {
        StringBuilder s = new StringBuilder(tag);
        while (s.length() < n) s.append('x');
        return s.toString();
    }

    /** writes body(i) every periodMs for durationMs (the window a DDL opens), in the calling thread. */
    interface Write {
        void run(int i) throws Exception;
    }

    static int writeFor(long durationMs, long periodMs, Write w) throws Exception {
        long end = System.currentTimeMillis() + durationMs;
        int i = 0;
        while (System.currentTimeMillis() < end) {
            w.run(i++);
            Thread.sleep(periodMs);
        }
        return i;
    }

    static void run() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        long logOff = logOffset();
        Map<String, String> inMax = new LinkedHashMap<>();
        for (String db : allDbs()) inMax.put(db, lastTracked(db, "sym_incoming_batch"));
        long maxChange = num(M, "select ifnull(max(id), 0) from sds_schema_change");
        seenErrors.clear();
        sampling = true;
        Thread samp = sampler();
        samp.start();
        // how long each case keeps writing after its DDL: past the reload that alters the
        // branches' tables (E2E's jobs run every second; the worker waits 5 s for
        // SymmetricDS's table cache before the trigger rebuild)
        long window = Long.getLong("e2e.schemaWindowMs", 20000);
        try {
            // ---- A: a widening MODIFY, then at once values that need it
            List<String> jes = col(M, "select name from `tabJournal Entry` where company = " + lit(WP) + " order by name limit 3");
            if (jes.isEmpty()) {
                exec(M, "INSERT INTO `tabJournal Entry` (name, creation, modified, modified_by, owner, docstatus, idx, company, posting_date)"
                        + " VALUES ('E2E-JE-WIDE', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + lit(WP) + ", CURDATE())");
                jes = col(M, "select name from `tabJournal Entry` where company = " + lit(WP) + " order by name limit 3");
            }
            check("a Wind Power journal entry to write", !jes.isEmpty());
            final List<String> je = jes;
            exec(M, "ALTER TABLE `tabJournal Entry` MODIFY `cheque_no` VARCHAR(200)");
            int na = writeFor(window, 400, i -> exec(M, "UPDATE `tabJournal Entry` SET cheque_no = " + lit(longText("wide-" + i + "-", 180))
                    + ", modified = NOW(6) WHERE name = " + lit(je.get(i % je.size()))));
            say("  (" + na + " writes of 180 characters after the widening)");

            // ---- B: a new NOT NULL column with a default, then at once writes that set it
            exec(M, "ALTER TABLE `tabSales Invoice` ADD COLUMN `custom_e2e_grade` VARCHAR(20) NOT NULL DEFAULT 'std'");
            int nb = writeFor(window, 400, i -> {
                String n = "E2E-SO-WP-" + i;
                exec(M, "INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company, posting_date,"
                        + " grand_total, custom_e2e_grade) VALUES (" + lit(n) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'Acme Corp', "
                        + lit(WP) + ", CURDATE(), 1, 'gold-" + i + "')");
                exec(M, "UPDATE `tabSales Invoice` SET custom_e2e_grade = 'silver-" + i + "', modified = NOW(6) WHERE name = 'E2E-M-WP'");
            });
            say("  (" + nb + " invoices written with the new column)");

            // ---- C: a new DocType, written at once at the master (a branch's write to the new
            //      table before its capture trigger exists there is issue 21 point 3, not this)
            client(M, "INSERT INTO tabDocType (name, module, istable, issingle) VALUES ('E2E Order', 'Selling', 0, 0);\n"
                    + "INSERT INTO tabDocField (name, parent, parenttype, parentfield, fieldname, fieldtype, options)"
                    + " VALUES ('e2e-order-company', 'E2E Order', 'DocType', 'fields', 'company', 'Link', 'Company');\n"
                    + "CREATE TABLE `tabE2E Order` (name VARCHAR(140) NOT NULL PRIMARY KEY, creation DATETIME(6), modified DATETIME(6),"
                    + " modified_by VARCHAR(140), owner VARCHAR(140), docstatus INT NOT NULL DEFAULT 0, company VARCHAR(140), note VARCHAR(40),"
                    + " KEY company (company)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n");
            int nc = writeFor(window, 300, i -> exec(M, "INSERT INTO `tabE2E Order` (name, modified, company, note) VALUES ('o-m-" + i + "', NOW(6), "
                    + lit(i % 2 == 0 ? WP : OBS) + ", 'from hq')"));
            say("  (" + nc + " master rows of the new table)");

            // ---- everything settles
            String cond = "id > " + maxChange + " and table_name in ('tabJournal Entry', 'tabSales Invoice', 'tabE2E Order')";
            check("the three schema changes end in done", waitFor("schema changes done", 300,
                    () -> num(M, "select count(distinct table_name) from sds_schema_change where " + cond + " and state = 'done'") == 3
                            && num(M, "select count(*) from sds_schema_change where " + cond + " and state <> 'done'") == 0));
            show(M, "select id, table_name, kind, state, reload_count, message from sds_schema_change where " + cond + " order by id");
            quiet(180);

            // every row arrived, with the master's values
            for (String db : new String[] { a, b }) {
                String node = db.equals(a) ? "branch-a" : "branch-b";
                if (num(M, "select count(*) from sds_company_node where company = " + lit(WP) + " and node_external_id = " + lit(node)) == 0) {
                    say("  (" + node + " does not host Wind Power: nothing of A and B to compare there)");
                    continue;
                }
                long diffA = 0;
                for (String n : je)
                    if (!String.valueOf(one(M, "select cheque_no from `tabJournal Entry` where name = " + lit(n)))
                            .equals(String.valueOf(one(db, "select cheque_no from `tabJournal Entry` where name = " + lit(n)))))
                        diffA++;
                check(db + ": the widened column holds the master's 180-character values", diffA == 0);
                TreeSet<String> m = new TreeSet<>(col(M, "select concat(name, '=', custom_e2e_grade) from `tabSales Invoice` where company = " + lit(WP)
                        + " and (name like 'E2E-SO-WP-%' or name = 'E2E-M-WP')"));
                TreeSet<String> got = new TreeSet<>();
                try {
                    got.addAll(col(db, "select concat(name, '=', custom_e2e_grade) from `tabSales Invoice` where name like 'E2E-SO-WP-%' or name = 'E2E-M-WP'"));
                } catch (Exception x) {
                    say("    " + db + ": " + x.getMessage());
                }
                TreeSet<String> miss = new TreeSet<>(m);
                miss.removeAll(got);
                check(db + ": every invoice with the new NOT NULL column arrived with the master's value (" + m.size() + ")",
                        miss.isEmpty() && m.size() >= nb);
                if (!miss.isEmpty()) say("    missing or different: " + head(miss));
            }
            TreeSet<String> mOrders = new TreeSet<>(col(M, "select name from `tabE2E Order`"));
            for (String db : new String[] { a, b }) {
                String node = db.equals(a) ? "branch-a" : "branch-b";
                TreeSet<String> exp = new TreeSet<>(col(M, "select name from `tabE2E Order` where company in (select company from sds_company_node"
                        + " where node_external_id = " + lit(node) + ")"));
                TreeSet<String> got = new TreeSet<>(col(db, "select name from `tabE2E Order`"));
                TreeSet<String> miss = new TreeSet<>(exp), extra = new TreeSet<>(got);
                miss.removeAll(got);
                extra.removeAll(exp);
                check(db + ": the new table holds exactly its companies' rows (" + exp.size() + ")", miss.isEmpty() && extra.isEmpty());
                if (!miss.isEmpty() || !extra.isEmpty()) say("    missing " + head(miss) + " extra " + head(extra));
            }
        } finally {
            sampling = false;
            samp.join(5000);
        }
        // no batch ever in error, on any node
        for (String e : seenErrors) say("    in error: " + (e.length() > 300 ? e.substring(0, 300) + "..." : e));
        check("no batch was seen in error on any node while the schema changed", unexplained().isEmpty());
        long retried = 0;
        for (String db : allDbs()) {
            long r = num(db, "select count(*) from sym_incoming_batch where batch_id > " + inMax.get(db) + " and load_count > 1");
            if (r > 0) show(db, "select node_id, batch_id, channel_id, load_count, status, left(sql_message, 200) from sym_incoming_batch where batch_id > "
                    + inMax.get(db) + " and load_count > 1");
            retried += r;
        }
        check("no batch was loaded twice (a retry after an error) on any node", retried == 0);
        List<String> logErr = failedLoads(logOff);
        for (String l : logErr.subList(0, Math.min(8, logErr.size()))) say("    log: " + (l.length() > 300 ? l.substring(0, 300) + "..." : l));
        check("the engines logged no failed load", logErr.isEmpty());
        // what the branches' error handler skipped (the reload brought those rows: checked above)
        List<String> skipped = logLinesSince(logOff, "does not fit the table of this node yet");
        say("  (" + skipped.size() + " rows skipped ahead of their table's change, e.g. "
                + (skipped.isEmpty() ? "none" : skipped.get(0).substring(Math.max(0, skipped.get(0).indexOf("frappe_sds:")))) + ")");
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
    }
}
