/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   bench/scale.sh's driver: a branch's first load on SymmetricDS 3.15.9's own engine
   (one JVM, internal transport), with the master's set-up of tests/e2e/E2E.java (step 1:
   sym tables, install.sql, sds_setup, master engine from sds_engine_properties, its
   trigger build) and a breakdown of engine start -> loaded read from SymmetricDS's own
   tables: registration, the branch's trigger build, the master's load request and batch
   creation, the batches (empty or not), the load itself, and what the two servers and the
   JVM spent meanwhile (CPU seconds, statements). With several variants, one branch per
   variant (branch-a, branch-b, ...: same companies, each its own database), loaded one
   after the other against the same master, the previous branch's engine stopped: a
   lever's ratio from one run.

   args: MASTER_SOCKET MASTER_DB BRANCH_SOCKET BRANCH_DB[,DB2...] WORKDIR PROJECT_DIR LOGFILE
         COMPANIES_JSON ["VARIANT VARIANT2 ..."]
   A variant's settings come from the environment: SCALE_V_<variant>_URL (appended to the
   branch's JDBC URL), SCALE_V_<variant>_PROPS ("key=value ..." into its engine's
   properties), SCALE_V_<variant>_SQL (run at the master before its engine starts).
   Prints "FIGURE <name> <value>" lines and "INFO" lines; exits 0 when every load completed
   with exactly the branch's companies' rows (E2E.isolation). */
package e2e;

import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.io.IOException;
import java.util.Properties;

public class FirstLoad {
    /** the branch being measured (one after the other: branch-a, branch-b, ...) */
    static String B = "branch-a";

    /** a variant's setting from the environment: SCALE_V_<variant>_<what> */
    static String env(String variant, String what) {
        String v = System.getenv("SCALE_V_" + variant + "_" + what);
        return v == null ? "" : v;
    }

    public static void main(String[] a) throws Exception {
        E2E.M = a[1];
        E2E.SOCK.put(a[1], a[0]);
        E2E.work = a[4];
        E2E.proj = a[5];
        E2E.logFile = a[6];
        // one branch per variant, each its own database on the branch server, the same companies
        String[] dbs = a[3].split(",");
        String[] variants = a.length > 8 ? a[8].trim().split("\\s+") : new String[] { "base" };
        if (variants.length != dbs.length) throw new IllegalArgumentException("one branch database per variant");
        for (int v = 0; v < dbs.length; v++) {
            String node = "branch-" + (char) ('a' + v);
            E2E.SOCK.put(dbs[v], a[2]);
            E2E.BDB.put(node, dbs[v]);
            E2E.BCOMP.put(node, a[7]);
        }
        URL.setURLStreamHandlerFactory(p -> "internal".equals(p) ? new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("internal: urls are not opened");
            }
        } : null);
        int rc = 0;
        try {
            // (step 1 checks that exactly two branches were opened; its other checks hold)
            E2E.step("1 master", E2E::step1);
            String M = E2E.M;
            for (int v = 0; v < dbs.length; v++) {
                B = "branch-" + (char) ('a' + v);
                String db = dbs[v], var = variants[v];
                E2E.say("=== variant " + var + ": " + B + " on " + db);
                String text = E2E.one(M, "CALL frappe_sds.sds_engine_properties(DATABASE(), '" + B + "', '" + B + "', '" + db
                        + "', " + E2E.lit(E2E.SOCK.get(db)) + ", 'root', '', 'http://localhost:31415/sync/master')");
                Properties p = E2E.parse(text);
                // the engine file's db.url (the branch server's socket) + SCALE_V_<variant>_URL
                p.setProperty("db.url", p.getProperty("db.url") + env(var, "URL"));
                E2E.testSettings(p, B);
                p.setProperty("registration.url", "internal://master");
                // SCALE_V_<variant>_PROPS: "key=value ..." SymmetricDS parameters of this branch's engine
                for (String kv : env(var, "PROPS").trim().split("\\s+"))
                    if (kv.contains("=")) p.setProperty(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                // SCALE_V_<variant>_SQL: statements at the master before this branch's engine starts
                String pre = env(var, "SQL");
                if (!pre.isEmpty()) {
                    E2E.say("INFO master SQL before " + B + ": " + pre);
                    E2E.say(E2E.client(M, pre + ";\n").replaceAll("(?m)^", "    | "));
                }
                E2E.say("INFO " + B + " engine file + test settings:\n" + new java.util.TreeMap<>(p).toString().replace(", ", "\n    "));
                if (!one(M, db, var, p)) rc = 1;
                // stop it: its jobs would share the machine with the next branch's load
                try {
                    E2E.engines.remove(B).stop();
                } catch (Throwable t) {
                    E2E.say("stop " + B + ": " + t);
                }
            }
        } catch (Throwable t) {
            E2E.say("FAIL " + t);
            t.printStackTrace(System.out);
            rc = 1;
        } finally {
            for (var e : E2E.engines.values()) {
                try {
                    e.stop();
                } catch (Throwable t) {
                }
            }
        }
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    /** one branch's first load, its breakdown and isolation; FIGURE lines carry the variant's name */
    static boolean one(String M, String db, String var, Properties p) throws Exception {
        long t0 = System.currentTimeMillis();
        E2E.start(B, p);
        long[][] cpu = new long[2][];
        boolean loaded = E2E.waitFor(B + " first load done", 3600, () -> {
            // CPU and statement counters of both servers and this JVM, once the first load batch exists
            if (cpu[0] == null && E2E.num(M, "select count(*) from sym_node_security where node_id = '" + B
                    + "' and initial_load_time is not null") == 1)
                cpu[0] = counters(M, db);
            return E2E.num(M, "select count(*) from sym_node_security where node_id = '" + B
                    + "' and initial_load_enabled = 0 and initial_load_end_time is not null") == 1
                    && E2E.num(M, "select count(*) from sym_outgoing_batch where node_id = '" + B
                            + "' and status not in ('OK', 'IG') and channel_id not in ('heartbeat')") == 0;
        });
        cpu[1] = counters(M, db);
        long t1 = System.currentTimeMillis();
        E2E.say("FIGURE variant " + var);
        E2E.figure("first_load_s", (t1 - t0) / 1000.0);
        breakdown(M, db, t0);
        if (cpu[0] != null) loadCounters(cpu[0], cpu[1]);
        try {
            explain(M, db);
        } catch (Exception e) {
            E2E.say("INFO explain: " + e);
        }
        boolean iso = E2E.isolation(B, true);
        E2E.say("INFO isolation " + (iso ? "ok" : "FAILED") + " (" + B + ", variant " + var + ")");
        return loaded && iso;
    }

    static final String[] STATUS = { "Questions", "Com_insert", "Com_update", "Com_select", "Com_delete",
            "Com_stmt_execute", "Com_stmt_prepare", "Handler_write", "Handler_update", "Handler_read_rnd_next", "Handler_read_key" };

    /** clock ticks of a process (utime + stime), -1 when unreadable */
    static long ticks(String pid) {
        try {
            String st = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/" + pid + "/stat")));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    static String pid(String db) throws Exception {
        return new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(E2E.one(db, "select @@pid_file")))).trim();
    }

    /** [ms, ticks master, ticks branch, ticks JVM, master's STATUS..., branch's STATUS...] */
    static long[] counters(String M, String db) throws Exception {
        long[] c = new long[4 + 2 * STATUS.length];
        c[0] = System.currentTimeMillis();
        c[1] = ticks(pid(M));
        c[2] = ticks(pid(db));
        c[3] = ticks("self");
        for (int k = 0; k < 2; k++) {
            String d = k == 0 ? M : db;
            for (int i = 0; i < STATUS.length; i++)
                c[4 + k * STATUS.length + i] = E2E.num(d, "select variable_value from information_schema.global_status where variable_name = '"
                        + STATUS[i].toUpperCase() + "'");
        }
        return c;
    }

    /** what the servers and the JVM did between the first load batch and loaded: CPU seconds, statements */
    static void loadCounters(long[] a, long[] b) {
        double hz = 100.0, s = (b[0] - a[0]) / 1000.0;
        E2E.say("FIGURE load_window_s " + s);
        String[] who = { "master_mariadbd", "branch_mariadbd", "jvm" };
        for (int i = 0; i < 3; i++)
            E2E.say("FIGURE load_cpu_s_" + who[i] + " " + (a[i + 1] < 0 || b[i + 1] < 0 ? "nan" : String.format("%.1f", (b[i + 1] - a[i + 1]) / hz)));
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < STATUS.length; i++)
                E2E.say("FIGURE load_" + (k == 0 ? "master_" : "branch_") + STATUS[i] + " " + (b[4 + k * STATUS.length + i] - a[4 + k * STATUS.length + i]));
    }

    /** the plan and the time of the company-filtered load select of the biggest tables of the load */
    static void explain(String M, String db) throws Exception {
        for (String t : E2E.col(M, "select summary from sym_outgoing_batch where node_id = '" + B + "' and load_row_count > 0 and channel_id = 'frappe_reload'"
                + " group by summary order by sum(load_row_count) desc limit 4")) {
            // (summary is the table name in lower case)
            t = E2E.one(M, "select table_name from information_schema.tables where table_schema = database() and lower(table_name) = " + E2E.lit(t));
            String sel = E2E.one(M, "select tr.initial_load_select from sym_trigger_router tr join sym_trigger g using (trigger_id)"
                    + " where g.source_table_name = " + E2E.lit(t) + " and g.trigger_id not like '%.up' limit 1");
            if (sel == null || sel.isBlank()) sel = "1=1";
            String q = "from `" + t + "` t where " + sel.replace("$(externalId)", B);
            E2E.say("INFO load select of " + t + ": " + q);
            E2E.show(M, "explain select * " + q);
            long c0 = System.nanoTime();
            String n = E2E.one(M, "select count(*) " + q);
            long c1 = System.nanoTime();
            E2E.say(String.format("FIGURE load_select_count_ms %s %.0f (%s rows)", t.replace(' ', '_'), (c1 - c0) / 1e6, n));
        }
    }

    /** seconds from the branch engine's start (t0, this JVM's clock = the servers' clock) to a
        timestamp column's value, as SQL */
    static String since(String expr, long t0) {
        return "round(timestampdiff(microsecond, from_unixtime(" + (t0 / 1000.0) + "), " + expr + ") / 1e6, 1)";
    }

    static void fig(String db, String name, String sql) throws Exception {
        String v = E2E.one(db, sql);
        E2E.say("FIGURE " + name + " " + (v == null ? "nan" : v));
    }

    static void breakdown(String M, String db, long t0) throws Exception {
        // registration (master's clock; every server runs on this machine)
        fig(M, "registered_at_s", "select " + since("registration_time", t0) + " from sym_node_security where node_id = '" + B + "'");
        // the branch's trigger build: its sym_trigger_hist rows (.up) were written one by one
        fig(db, "branch_triggers_built", "select count(*) from sym_trigger_hist where inactive_time is null");
        fig(db, "branch_trigger_build_first_s", "select " + since("min(create_time)", t0) + " from sym_trigger_hist");
        fig(db, "branch_trigger_build_last_s", "select " + since("max(create_time)", t0) + " from sym_trigger_hist");
        fig(db, "branch_capture_triggers", "select count(*) from information_schema.triggers where trigger_schema = database()");
        // the master's load: request, status, batches
        String lid = E2E.one(M, "select max(load_id) from sym_table_reload_status where target_node_id = '" + B + "'");
        E2E.say("INFO load_id " + lid);
        fig(M, "load_request_at_s", "select " + since("min(create_time)", t0) + " from sym_table_reload_request where target_node_id = '" + B + "'");
        fig(M, "load_status_start_s", "select " + since("start_time", t0) + " from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_status_end_s", "select " + since("end_time", t0) + " from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_table_count", "select table_count from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_rows_count", "select rows_count from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_setup_batches", "select setup_batch_count from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_data_batches", "select data_batch_count from sym_table_reload_status where load_id = " + lid);
        fig(M, "load_finalize_batches", "select finalize_batch_count from sym_table_reload_status where load_id = " + lid);
        fig(M, "initial_load_time_s", "select " + since("initial_load_time", t0) + " from sym_node_security where node_id = '" + B + "'");
        fig(M, "initial_load_end_time_s", "select " + since("initial_load_end_time", t0) + " from sym_node_security where node_id = '" + B + "'");
        String lb = "from sym_outgoing_batch where node_id = '" + B + "' and load_id = " + lid;
        fig(M, "batches", "select count(*) " + lb);
        fig(M, "batches_empty", "select count(*) " + lb + " and greatest(data_row_count, extract_row_count, load_row_count) = 0 and channel_id = 'frappe_reload'");
        fig(M, "batches_with_rows", "select count(*) " + lb + " and greatest(data_row_count, extract_row_count, load_row_count) > 0");
        fig(M, "rows_loaded", "select sum(load_row_count) " + lb);
        fig(M, "batch_created_first_s", "select " + since("min(create_time)", t0) + " " + lb);
        fig(M, "batch_created_last_s", "select " + since("max(create_time)", t0) + " " + lb);
        fig(M, "batch_extract_first_s", "select " + since("min(extract_start_time)", t0) + " " + lb);
        fig(M, "batch_loaded_last_s", "select " + since("max(last_update_time)", t0) + " " + lb + " and status = 'OK'");
        fig(M, "batch_load_millis_sum", "select sum(load_millis) " + lb);
        fig(M, "batch_extract_millis_sum", "select sum(extract_millis) " + lb);
        fig(M, "batch_load_millis_rows_sum", "select sum(load_millis) " + lb + " and load_row_count > 0");
        fig(db, "branch_incoming_load_batches", "select count(*) from sym_incoming_batch where load_flag = 1");
        fig(db, "branch_incoming_first_s", "select " + since("min(create_time)", t0) + " from sym_incoming_batch where load_flag = 1");
        fig(db, "branch_incoming_last_s", "select " + since("max(last_update_time)", t0) + " from sym_incoming_batch where load_flag = 1");
        E2E.show(M, "select channel_id, status, count(*) batches, sum(load_row_count) rows_, sum(load_row_count = 0) empty " + lb + " group by 1, 2");
        E2E.show(M, "select summary, load_row_count, load_millis, extract_millis, network_millis " + lb
                + " and load_row_count > 0 order by load_row_count desc limit 30");
        // the load phase: first load batch (initial_load_time) -> the last load batch acknowledged
        fig(M, "load_phase_s", "select round(timestampdiff(microsecond, s.initial_load_time, (select max(last_update_time) " + lb
                + " and status = 'OK')) / 1e6, 1) from sym_node_security s where s.node_id = '" + B + "'");
        fig(M, "load_rate_rows_s", "select round((select sum(load_row_count) " + lb + ") / (timestampdiff(microsecond, s.initial_load_time, (select max(last_update_time) "
                + lb + " and status = 'OK')) / 1e6)) from sym_node_security s where s.node_id = '" + B + "'");
        fig(M, "batch_phase_s", "select round(timestampdiff(microsecond, min(extract_start_time), max(last_update_time)) / 1e6, 1) " + lb + " and load_row_count > 0");
        fig(M, "batch_phase_rate_rows_s", "select round(sum(load_row_count) / (timestampdiff(microsecond, min(extract_start_time), max(last_update_time)) / 1e6)) "
                + lb + " and load_row_count > 0");
        // per table: its batches' extract / network / load times, and its window
        E2E.show(M, "select summary, count(*) batches, sum(load_row_count) rows_, round(sum(extract_millis) / 1000, 1) extract_s,"
                + " round(sum(network_millis) / 1000, 1) network_s, round(sum(load_millis) / 1000, 1) load_s, round(sum(filter_millis) / 1000, 1) filter_s,"
                + " " + since("min(extract_start_time)", t0) + " first_extract_at, " + since("max(last_update_time)", t0) + " last_ok_at,"
                + " round(sum(load_row_count) / greatest(sum(load_millis), 1) * 1000) load_rows_per_load_s"
                + " " + lb + " and load_row_count > 0 group by summary order by rows_ desc limit 20");
        // the branch's side: what the loader did (inserts, fallbacks to update, bulk loader)
        E2E.show(db, "select count(*) batches, sum(load_row_count) rows_, sum(load_insert_row_count) inserts, sum(load_update_row_count) updates,"
                + " sum(fallback_insert_count) fallback_inserts, sum(fallback_update_count) fallback_updates, sum(conflict_win_count) conflict_wins,"
                + " sum(missing_delete_count) missing_deletes, sum(bulk_loader_flag) bulk_batches, round(sum(load_millis) / 1000, 1) load_s,"
                + " round(sum(filter_millis) / 1000, 1) filter_s, round(sum(network_millis) / 1000, 1) network_s"
                + " from sym_incoming_batch where load_flag = 1");
    }
}
