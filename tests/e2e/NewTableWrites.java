/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   A branch's writes to a table created by a schema change, however soon after the table
   appears there (issue 21, point 3; sql/install/32_schema_ahead.sql, sds_new_tables), on
   SymmetricDS's own engine: a new DocType is created at the master; at branch-a a writer
   polls for the new table every 50 ms and, from the moment it exists, writes rows of
   branch-a's companies for 20 s. Every such row must reach the master with its values (and
   the other branch hosting its company), no batch on any node is ever in error, none is
   loaded twice, and each branch still holds exactly its companies' rows.
   Without the branch's writer filter, SymmetricDS builds the branch's capture trigger only
   when the pull that created the table ends (ConfigurationChangedDatabaseWriterFilter,
   syncEnded), and the rows written before were never captured.
   Run from E2E (one step line); uses E2E's helpers and SchemaAhead's error sampler. */
package e2e;

import static e2e.E2E.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

public class NewTableWrites {
    static final String T = "tabE2E Note";

    static void run() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        long logOff = logOffset();
        Map<String, String> inMax = new LinkedHashMap<>();
        for (String db : SchemaAhead.allDbs()) inMax.put(db, SchemaAhead.lastTracked(db, "sym_incoming_batch"));
        long window = Long.getLong("e2e.newTableWindowMs", 20000);
        // name -> "company|note", and ms after the table appeared at branch-a
        Map<String, String> written = Collections.synchronizedMap(new TreeMap<>());
        Map<String, Long> writtenAt = Collections.synchronizedMap(new TreeMap<>());
        List<String> writeErrors = Collections.synchronizedList(new ArrayList<>());
        long[] appeared = { 0 };
        SchemaAhead.seenErrors.clear();
        SchemaAhead.sampling = true;
        Thread samp = SchemaAhead.sampler();
        samp.start();
        Thread writer = new Thread(() -> {
            try (Connection c = conn(a)) {
                long deadline = System.currentTimeMillis() + 300000;
                try (PreparedStatement p = c.prepareStatement("select count(*) from information_schema.tables where table_schema = database() and table_name = ?")) {
                    p.setString(1, T);
                    while (System.currentTimeMillis() < deadline) {
                        try (ResultSet rs = p.executeQuery()) {
                            rs.next();
                            if (rs.getInt(1) > 0) break;
                        }
                        Thread.sleep(50);
                    }
                }
                appeared[0] = System.currentTimeMillis();
                if (appeared[0] >= deadline) return;
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO `" + T + "` (name, creation, modified, modified_by, owner, company, note)"
                        + " VALUES (?, NOW(6), NOW(6), 'Administrator', 'Administrator', ?, ?)")) {
                    for (int i = 0; System.currentTimeMillis() < appeared[0] + window; i++) {
                        String n = "n-a-" + i, co = i % 2 == 0 ? WP : OBS, note = "from branch-a " + i;
                        long at = System.currentTimeMillis() - appeared[0];
                        try {
                            ins.setString(1, n);
                            ins.setString(2, co);
                            ins.setString(3, note);
                            ins.executeUpdate();
                            written.put(n, co + "|" + note);
                            writtenAt.put(n, at);
                        } catch (Exception x) {
                            writeErrors.add(n + " at " + at + " ms: " + x.getMessage());
                        }
                        Thread.sleep(100);
                    }
                }
            } catch (Exception x) {
                writeErrors.add("writer: " + x);
            }
        });
        try {
            writer.start();
            client(M, "INSERT INTO tabDocType (name, module, istable, issingle) VALUES ('E2E Note', 'Selling', 0, 0);\n"
                    + "INSERT INTO tabDocField (name, parent, parenttype, parentfield, fieldname, fieldtype, options)"
                    + " VALUES ('e2e-note-company', 'E2E Note', 'DocType', 'fields', 'company', 'Link', 'Company');\n"
                    + "CREATE TABLE `" + T + "` (name VARCHAR(140) NOT NULL PRIMARY KEY, creation DATETIME(6), modified DATETIME(6),"
                    + " modified_by VARCHAR(140), owner VARCHAR(140), docstatus INT NOT NULL DEFAULT 0, company VARCHAR(140), note VARCHAR(60),"
                    + " KEY company (company)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n"
                    + "INSERT INTO `" + T + "` (name, modified, company, note) VALUES ('n-m-wp', NOW(6), " + lit(WP) + ", 'from hq'), ('n-m-obs', NOW(6), "
                    + lit(OBS) + ", 'from hq'), ('n-m-trk', NOW(6), " + lit(TRICKY) + ", 'from hq');\n");
            check("the new table's change ends in done", waitFor("schema change of " + T + " done", 300,
                    () -> "done".equals(one(M, "select state from sds_schema_change where table_name = " + lit(T) + " order by id desc limit 1"))));
            writer.join(360000);
            check("the table appeared at branch-a", appeared[0] > 0);
            show(M, "select id, table_name, kind, state, reload_count, message from sds_schema_change where table_name = " + lit(T));
            say("  (" + written.size() + " rows written at branch-a from the moment " + T + " appeared there, the first at "
                    + (writtenAt.isEmpty() ? "-" : writtenAt.values().stream().min(Long::compare).get()) + " ms)");
            for (String e : writeErrors.subList(0, Math.min(5, writeErrors.size()))) say("    write failed: " + e);
            check("branch-a wrote its rows, the first within 1 s of the table's appearance", writeErrors.isEmpty() && !written.isEmpty()
                    && writtenAt.values().stream().min(Long::compare).get() < 1000);
            quiet(180);

            // every row written at branch-a is at the master with its values
            Map<String, String> atMaster = new TreeMap<>();
            for (String r : col(M, "select concat(name, '=', company, '|', note) from `" + T + "` where name like 'n-a-%'"))
                atMaster.put(r.substring(0, r.indexOf('=')), r.substring(r.indexOf('=') + 1));
            List<String> lost = new ArrayList<>();
            synchronized (written) {
                for (Map.Entry<String, String> e : written.entrySet())
                    if (!e.getValue().equals(atMaster.get(e.getKey()))) lost.add(e.getKey() + " (written " + writtenAt.get(e.getKey()) + " ms after the table appeared)");
            }
            for (String l : lost.subList(0, Math.min(20, lost.size()))) say("    not at the master: " + l);
            check("every row branch-a wrote to the new table is at the master with its values (" + written.size() + ", "
                    + lost.size() + " missing)", lost.isEmpty());
            // and at branch-b when it hosts the row's company (hub forwarding); never the others
            TreeSet<String> expB = new TreeSet<>(), gotB = new TreeSet<>(col(b, "select name from `" + T + "` where name like 'n-a-%'"));
            synchronized (written) {
                for (Map.Entry<String, String> e : written.entrySet())
                    if (e.getValue().startsWith(WP + "|")) expB.add(e.getKey());
            }
            TreeSet<String> missB = new TreeSet<>(expB), extraB = new TreeSet<>(gotB);
            missB.removeAll(gotB);
            extraB.removeAll(expB);
            check("branch-b holds exactly branch-a's Wind Power rows of the new table (" + expB.size() + ")", missB.isEmpty() && extraB.isEmpty());
            if (!missB.isEmpty() || !extraB.isEmpty()) say("    missing " + head(missB) + " extra " + head(extraB));
            // branch-a still holds every row it wrote (the re-capture deletes and writes them again)
            TreeSet<String> gotA = new TreeSet<>(col(a, "select name from `" + T + "` where name like 'n-a-%'"));
            check("branch-a still holds every row it wrote", gotA.containsAll(written.keySet()));
            // the master's rows reached each branch by its companies
            check("branch-a holds the master's rows of its companies", new TreeSet<>(col(a, "select name from `" + T + "` where name like 'n-m-%'"))
                    .toString().equals("[n-m-obs, n-m-wp]"));
            check("branch-b holds the master's rows of its companies", new TreeSet<>(col(b, "select name from `" + T + "` where name like 'n-m-%'"))
                    .toString().equals("[n-m-trk, n-m-wp]"));
        } finally {
            SchemaAhead.sampling = false;
            samp.join(5000);
            writer.join(5000);
        }
        for (String e : SchemaAhead.seenErrors) say("    in error: " + (e.length() > 300 ? e.substring(0, 300) + "..." : e));
        check("no batch was seen in error on any node", SchemaAhead.unexplained().isEmpty());
        long retried = 0;
        for (String db : SchemaAhead.allDbs()) {
            long r = num(db, "select count(*) from sym_incoming_batch where batch_id > " + inMax.get(db) + " and load_count > 1");
            if (r > 0) show(db, "select node_id, batch_id, channel_id, load_count, status, left(sql_message, 200) from sym_incoming_batch where batch_id > "
                    + inMax.get(db) + " and load_count > 1");
            retried += r;
        }
        check("no batch was loaded twice on any node", retried == 0);
        List<String> logErr = SchemaAhead.failedLoads(logOff);
        for (String l : logErr.subList(0, Math.min(8, logErr.size()))) say("    log: " + (l.length() > 300 ? l.substring(0, 300) + "..." : l));
        check("the engines logged no failed load", logErr.isEmpty());
        for (String l : logLinesSince(logOff, "frappe_sds: ")) if (l.contains(T) || l.contains("new table")) say("    log: " + l.substring(Math.max(0, l.indexOf("frappe_sds:"))));
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
    }
}
