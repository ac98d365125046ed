/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   bench/scale.sh's driver: ONE branch's first load on SymmetricDS 3.15.9's own engine
   (one JVM, internal transport), with the master's set-up of tests/e2e/E2E.java (step 1:
   sym tables, install.sql, sds_setup, master engine from sds_engine_properties, its
   trigger build) and a breakdown of engine start -> loaded read from SymmetricDS's own
   tables: registration, the branch's trigger build, the master's load request and batch
   creation, the batches (empty or not), the load itself.

   args: MASTER_SOCKET MASTER_DB BRANCH_SOCKET BRANCH_DB WORKDIR PROJECT_DIR LOGFILE COMPANIES_JSON
   Prints "FIGURE <name> <value>" lines and "INFO" lines; exits 0 when the load completed
   with exactly the branch's companies' rows (E2E.isolation). */
package e2e;

import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.io.IOException;
import java.util.Properties;

public class FirstLoad {
    static final String B = "branch-a";

    public static void main(String[] a) throws Exception {
        E2E.M = a[1];
        E2E.SOCK.put(a[1], a[0]);
        E2E.SOCK.put(a[3], a[2]);
        E2E.work = a[4];
        E2E.proj = a[5];
        E2E.logFile = a[6];
        E2E.BDB.put(B, a[3]);
        E2E.BCOMP.put(B, a[7]);
        URL.setURLStreamHandlerFactory(p -> "internal".equals(p) ? new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("internal: urls are not opened");
            }
        } : null);
        int rc = 1;
        try {
            // (step 1 checks that "both" branches were opened: one here; its other checks hold)
            E2E.step("1 master", E2E::step1);
            String M = E2E.M, db = a[3];
            String text = E2E.one(M, "CALL frappe_sds.sds_engine_properties(DATABASE(), '" + B + "', '" + B + "', '" + db
                    + "', " + E2E.lit(E2E.SOCK.get(db)) + ", 'root', '', 'http://localhost:31415/sync/master')");
            Properties p = E2E.parse(text);
            p.setProperty("db.url", E2E.url(db));
            E2E.testSettings(p, B);
            p.setProperty("registration.url", "internal://master");
            long t0 = System.currentTimeMillis();
            E2E.start(B, p);
            boolean loaded = E2E.waitFor(B + " first load done", 3600, () -> E2E.num(M, "select count(*) from sym_node_security where node_id = '" + B
                    + "' and initial_load_enabled = 0 and initial_load_end_time is not null") == 1
                    && E2E.num(M, "select count(*) from sym_outgoing_batch where node_id = '" + B
                            + "' and status not in ('OK', 'IG') and channel_id not in ('heartbeat')") == 0);
            long t1 = System.currentTimeMillis();
            E2E.figure("first_load_s", (t1 - t0) / 1000.0);
            breakdown(M, db, t0);
            boolean iso = E2E.isolation(B, true);
            E2E.say("INFO isolation " + (iso ? "ok" : "FAILED"));
            rc = loaded && iso ? 0 : 1;
        } catch (Throwable t) {
            E2E.say("FAIL " + t);
            t.printStackTrace(System.out);
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
    }
}
