/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   End-to-end test on SymmetricDS's own engine (3.15.9, built from its source by
   shared/symmetricds/build.sh and build-server.sh): one master and two branch nodes, each
   its own SymmetricDS server process (SymmetricLauncher, as bin/sym runs it, on Jetty on
   127.0.0.1) speaking HTTP -- registration, pull, push, acks -- as deployed; each on its OWN
   mariadbd with its OWN database name, so nothing a branch runs can resolve to the master's
   database by accident. -De2e.transport=internal runs the engines in this JVM over
   SymmetricDS's internal transport instead (quicker to debug; not what is deployed).
   This JVM drives the scenario over JDBC. Run by tests/symmetricds_e2e.sh.

   args: MASTER_SOCKET MASTER_DB B1_SOCKET B1_DB B2_SOCKET B2_DB WORKDIR PROJECT_DIR LOGFILE
   Prints "  ok   ..." / "  FAIL ..." per check, "RESULT PASS|FAIL <step>" per step,
   "FIGURE <name> <value>" for bench/, and exits 0 only when every step passed. */
package e2e;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import org.jumpmind.symmetric.ClientSymmetricEngine;
import org.jumpmind.symmetric.ISymmetricEngine;
import org.jumpmind.symmetric.Version;

public class E2E {
    static String M; // master database
    /** e2e.layout=runtime (default): the master's frappe_sds and SymmetricDS's tables live in
     *  its runtime database MR, each branch's SymmetricDS tables in the runtime database of its
     *  site database (docs/topology.md); classic: in the site databases (MR = M). */
    static final boolean RUNTIME = !"classic".equals(System.getProperty("e2e.layout", "runtime"));
    static String MR;
    /** site database -> the database of its SymmetricDS tables (sym_<site db> in the runtime
     *  layout, the site database itself in the classic one) */
    static final Map<String, String> RT = new HashMap<>();
    /** the master site's Frappe account (ALL on its site database, as bench creates it) */
    static final String SITE_USER = "site_m", SITE_PW = "site-pw-" + Long.toHexString(System.nanoTime());
    /** SymmetricDS's account at the master (frappe_sds.sds_grant's rights) */
    static final String SYM_USER = "symmaster", SYM_PW = "sym-pw-" + Long.toHexString(System.nanoTime() * 31);
    static final Map<String, String> SOCK = new HashMap<>(); // database -> socket of its server
    static String work, proj, logFile;
    static final Map<String, ISymmetricEngine> engines = new LinkedHashMap<>();
    /** e2e.transport=http (default): each node its own SymmetricDS server process (SymmetricLauncher
     *  on Jetty, as bin/sym runs it) on 127.0.0.1, registration, pull, push and acks over HTTP;
     *  internal: engines in this JVM over SymmetricDS's internal transport (faster to debug). */
    static final boolean HTTP = !"internal".equals(System.getProperty("e2e.transport", "http"));
    static final Map<String, Process> servers = new LinkedHashMap<>();
    static final Map<String, Properties> props = new HashMap<>();
    static final Map<String, Integer> ports = new HashMap<>();
    static final Map<String, String> results = new LinkedHashMap<>();
    // branch node -> database, companies (JSON for sds_add_branch)
    static final Map<String, String> BDB = new LinkedHashMap<>();
    /** step 1: at least this many site tables with a branch trigger row (.up); the benchmarks'
     *  lean sites (bench/scale/Fleet.java) keep a few DocTypes only */
    static int MIN_UP_SITE_TABLES = 11;
    static final Map<String, String> BCOMP = new LinkedHashMap<>();
    /** runtime layout: each branch's SymmetricDS account (frappe_sds.sds_grant's rights at its
     *  server) and its site's own account (ALL on the site database, as bench creates it) */
    static final Map<String, String> BSYM = new LinkedHashMap<>(), BSITE = new LinkedHashMap<>();
    static final String BSYM_PW = "bsym-pw-" + Long.toHexString(System.nanoTime() * 17),
            BSITE_PW = "bsite-pw-" + Long.toHexString(System.nanoTime() * 13);
    static final String TRICKY = "Tricky $(externalId) `x` \"q\" 'Ltd' \\ Ünï";
    static final String TRICKY_ABBR = "TRK";
    static final String OBS = "O'Brien & Söhne GmbH";
    static final String WP = "Wind Power LLC";

    public static void main(String[] a) throws Exception {
        M = a[1];
        MR = RUNTIME ? "sym_" + M : M;
        SOCK.put(a[1], a[0]);
        SOCK.put(MR, a[0]);
        SOCK.put(a[3], a[2]);
        SOCK.put(a[5], a[4]);
        RT.put(M, MR);
        for (int i : new int[] { 3, 5 }) {
            RT.put(a[i], RUNTIME ? "sym_" + a[i] : a[i]);
            SOCK.put(RT.get(a[i]), a[i - 1]);
        }
        work = a[6];
        proj = a[7];
        logFile = a[8];
        // branch-a hosts Wind Power and O'Brien; branch-b hosts Wind Power and the tricky name:
        // Wind Power is the company two branches share (hub forwarding), O'Brien and Tricky are
        // each on one branch only, Rivendell on none
        BDB.put("branch-a", a[3]);
        BCOMP.put("branch-a", "[" + jsonStr(WP) + ", " + jsonStr(OBS) + "]");
        BDB.put("branch-b", a[5]);
        BCOMP.put("branch-b", "[" + jsonStr(WP) + ", " + jsonStr(TRICKY) + "]");
        for (String n : BDB.keySet()) {
            BSYM.put(n, "sym" + n.replace("-", ""));
            BSITE.put(n, "site" + n.replace("-", ""));
        }
        // SymmetricDS validates sync.url with new URL(..).toURI(); "internal:" urls are only
        // looked up by InternalTransportManager, never opened
        URL.setURLStreamHandlerFactory(p -> "internal".equals(p) ? new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("internal: urls are not opened");
            }
        } : null);
        say("SymmetricDS " + Version.version());
        int rc = 0;
        try {
            step("1 master: sym tables, frappe_sds, sds_setup, sds_add_branch, master engine from frappe_sds.sds_engine_properties", E2E::step1);
            step("2 branches: engines from frappe_sds.sds_engine_properties, registration, company-filtered first loads", E2E::step2);
            if (!branchesUp) throw new RuntimeException("the branches did not come up: the rest needs them");
            step("3 live changes master -> branches (company isolation, child rows, tricky company name)", E2E::step3);
            step("4 live changes branch -> master -> other branch of the same company (hub forwarding)", E2E::step4);
            step("4b a branch cannot steer the master: company key, metadata, another company's rows (docs/upward.md)", E2E::step4b);
            step("5 ALTERs of every kind Frappe's migrate issues end in done", E2E::step5);
            step("6 a new DocType reaches the branches with its company's rows", E2E::step6);
            step("7 sds_send_sql runs on its target only", E2E::step7);
            step("8 capture rate on the master and on a branch (figures)", E2E::step8);
            step("9 first loads without empty batches: no miss in any routed table; tables empty at load time fill live (issue 20)", LoadShortcut::run);
            step("10 moves: documents that change company, a company mapped and unmapped (issue 21.1)", Moves::run);
            step("11 compare: a branch holds exactly its rows; tampering found by table and key, repaired (issue 21.4)", Compare::run);
            step("12 rows ahead of their schema change: a widening, a new NOT NULL column, a new DocType, each written at once: no batch in error, every row arrives (issue 21.2)", SchemaAhead::run);
            step("13 a branch writes to a new table from the moment it appears there: every row reaches the master, no batch in error (issue 21.3)", NewTableWrites::run);
            step("14 a first load empties the tables it carries first, a full reload (sds_reload_branch) does not: what a branch has not sent stays", ReloadKeeps::run);
            step("15 the master site's account reaches no SymmetricDS table and runs no code as SymmetricDS or frappe_sds (runtime layout, issue 23.2)", SiteAttacks::run);
            step("16 a branch site's account reaches no SymmetricDS table of its branch and runs no code as SymmetricDS there (runtime layout, issue 23.2)", BranchAttacks::run);
        } catch (Exception e) {
            say("stopped: " + e.getMessage());
            rc = 1;
        } finally {
            for (Map.Entry<String, ISymmetricEngine> e : engines.entrySet()) {
                try {
                    e.getValue().stop();
                } catch (Throwable t) {
                    say("stop " + e.getKey() + ": " + t);
                }
            }
            for (Process p : servers.values()) p.destroy();
            for (Process p : servers.values()) {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            }
            say("================ SUMMARY ================");
            for (Map.Entry<String, String> r : results.entrySet()) {
                say("RESULT " + r.getValue() + "  " + r.getKey());
                if (!r.getValue().startsWith("PASS")) rc = 1;
            }
            // every step must have run (a step that throws still records FAIL)
            if (ONLY == null || ONLY.isBlank()) {
                if (results.size() < stepsCalled) rc = 1;
            } else {
                say("(E2E_STEPS=" + ONLY + ": a partial run, not a pass of the scenario)");
            }
        }
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    static boolean allPass() {
        return results.values().stream().allMatch(r -> r.startsWith("PASS"));
    }

    interface Step {
        void run() throws Exception;
    }

    static boolean stepOk;

    /** E2E_STEPS="5 12": run only those steps after 1 and 2 (for working on one step; the test
     *  command runs them all) */
    static final String ONLY = System.getenv("E2E_STEPS");

    static int stepsCalled;

    static void step(String name, Step s) {
        stepsCalled++;
        String no = name.substring(0, name.indexOf(' '));
        if (ONLY != null && !ONLY.isBlank() && !no.equals("1") && !no.equals("2")
                && !List.of(ONLY.trim().split("[ ,]+")).contains(no)) {
            say("(step " + no + " not run: E2E_STEPS=" + ONLY + ")");
            return;
        }
        say("");
        say("######## " + name);
        stepOk = true;
        long t0 = System.currentTimeMillis();
        try {
            s.run();
        } catch (Throwable t) {
            stepOk = false;
            say("  FAIL exception: " + t);
            t.printStackTrace(System.out);
        }
        results.put(name, (stepOk ? "PASS" : "FAIL") + String.format(" (%.0f s)", (System.currentTimeMillis() - t0) / 1000.0));
    }

    static void check(String what, boolean ok) {
        say((ok ? "  ok   " : "  FAIL ") + what);
        if (!ok) stepOk = false;
    }

    static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    static void figure(String name, double v) {
        say(String.format("FIGURE %s %.1f", name, v));
    }

    static String jsonStr(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String lit(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------- SQL
    static String url(String db) {
        return "jdbc:mariadb://localhost/" + db + "?localSocket=" + SOCK.get(db);
    }

    static Connection conn(String db) throws Exception {
        return DriverManager.getConnection(url(db), "root", "");
    }

    static final java.util.Set<String> UDFS = java.util.Set.of("sds_version", "sds_literal", "sds_ident");

    /** the database of db's SymmetricDS tables: its runtime database, or db itself */
    static String rt(String db) {
        return RT.getOrDefault(db, db);
    }

    /** In the runtime layout a site's frappe_sds objects (sds_*: the master's API, a branch's
     *  compare answers) and SymmetricDS's tables (sym_*) are in its runtime database, its
     *  Frappe tables in the site database (the connection's): a statement the test writes for
     *  the master or a branch site names them unqualified, as in the classic layout, and this
     *  qualifies them with that site's runtime database. Names inside quotes, UDFs, variables
     *  and names already qualified stay as they are. */
    static String onMaster(String db, String sql) {
        String r = rt(db);
        if (!RUNTIME || r.equals(db)) return sql;
        StringBuilder o = new StringBuilder();
        int n = sql.length();
        char q = 0;
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (q != 0) {
                o.append(c);
                if (c == q) q = 0;
                else if (c == '\\' && q != '`' && i + 1 < n) o.append(sql.charAt(++i));
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                q = c;
                o.append(c);
                continue;
            }
            if (c == 's' && (sql.startsWith("sym_", i) || sql.startsWith("sds_", i))
                    && (i == 0 || !(Character.isLetterOrDigit(sql.charAt(i - 1)) || "_.@$".indexOf(sql.charAt(i - 1)) >= 0))) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) j++;
                String name = sql.substring(i, j);
                if (!UDFS.contains(name)) o.append('`').append(r).append("`.");
                o.append(name);
                i = j - 1;
                continue;
            }
            o.append(c);
        }
        return o.toString();
    }

    static List<String> col(String db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        sql = onMaster(db, sql);
        try (Connection c = conn(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static String one(String db, String sql) throws Exception {
        List<String> r = col(db, sql);
        return r.isEmpty() ? null : r.get(0);
    }

    static long num(String db, String sql) throws Exception {
        String v = one(db, sql);
        return v == null ? 0 : Long.parseLong(v);
    }

    static void exec(String db, String sql) throws Exception {
        sql = onMaster(db, sql);
        try (Connection c = conn(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void show(String db, String sql) {
        try (Connection c = conn(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(onMaster(db, sql))) {
            int n = rs.getMetaData().getColumnCount();
            StringBuilder h = new StringBuilder("    [" + db + "]");
            for (int i = 1; i <= n; i++) h.append(" | ").append(rs.getMetaData().getColumnLabel(i));
            say(h.toString());
            while (rs.next()) {
                StringBuilder r = new StringBuilder("    ");
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    if (v != null && v.length() > 120) v = v.substring(0, 120) + "...";
                    r.append(" | ").append(v);
                }
                say(r.toString());
            }
        } catch (Exception e) {
            say("    (" + e.getMessage() + ")");
        }
    }

    /** the mariadb client (install.sql uses DELIMITER). */
    static String client(String db, String input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + SOCK.get(db), "-uroot",
                "--default-character-set=utf8mb4", "-N", "-B", db);
        pb.directory(new File(proj));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write(onMaster(db, input).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new RuntimeException("mariadb client failed:\n" + out);
        return out;
    }

    /** waits (bounded) for cond; fails early when failFast says why. */
    static boolean waitFor(String what, int timeoutS, Callable<Boolean> cond, Callable<String> failFast) throws Exception {
        long t0 = System.currentTimeMillis(), deadline = t0 + timeoutS * 1000L, next = t0 + 60000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (cond.call()) {
                    say(String.format("  (%.1f s: %s)", (System.currentTimeMillis() - t0) / 1000.0, what));
                    return true;
                }
            } catch (Exception e) {
                // not there yet
            }
            if (failFast != null) {
                String why = null;
                try {
                    why = failFast.call();
                } catch (Exception e) {
                }
                if (why != null) {
                    say("  gave up waiting for " + what + ": " + why);
                    return false;
                }
            }
            if (System.currentTimeMillis() > next) {
                next += 60000;
                say(String.format("  ... %.0f s waiting for %s", (System.currentTimeMillis() - t0) / 1000.0, what));
            }
            Thread.sleep(300);
        }
        say("  TIMEOUT after " + timeoutS + " s: " + what);
        return false;
    }

    static boolean waitFor(String what, int timeoutS, Callable<Boolean> cond) throws Exception {
        return waitFor(what, timeoutS, cond, E2E::batchError);
    }

    /** first time each batch was seen in error, by "db batch_id" */
    static final Map<String, Long> errorSince = new HashMap<>();

    /** a batch that stayed in error for 60 s of checks (what a failing capture trigger or load looks like;
        SymmetricDS retries a batch that failed on a deadlock within seconds, and it leaves the error state). */
    static String batchError() throws Exception {
        long now = System.currentTimeMillis();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String worst = null;
        for (String db : SOCK.keySet()) {
            List<String> errs = col(db, "select concat('out ', batch_id, '-', node_id, ' ', channel_id, ': ', ifnull(sql_message, '?')) from sym_outgoing_batch"
                    + " where status = 'ER' and error_flag = 1 union all select concat('in ', batch_id, '-', node_id, ' ', channel_id, ': ', ifnull(sql_message, '?'))"
                    + " from sym_incoming_batch where status = 'ER'");
            for (String e : errs) {
                String k = db + " " + e.substring(0, e.indexOf(' ', e.indexOf(' ') + 1));
                seen.add(k);
                long since = errorSince.computeIfAbsent(k, x -> now);
                if (now - since >= 60000 && worst == null) worst = "batch in error for 60 s on " + db + ": " + e;
            }
        }
        errorSince.keySet().retainAll(seen);
        return worst;
    }

    // ---------------------------------------------------------------- engines
    /** test-only settings: short job periods, the node's URL on this machine (the rest comes from sds_engine_properties). */
    static void testSettings(Properties p, String engine) throws IOException {
        if (HTTP) {
            p.setProperty("sync.url", syncUrl(engine));
        } else {
            p.setProperty("transport.type", "internal");
            p.setProperty("sync.url", "internal://" + engine);
        }
        p.setProperty("staging.dir", work + "/staging/" + engine);
        p.setProperty("job.random.max.start.time.ms", "100");
        p.setProperty("job.routing.period.time.ms", System.getProperty("e2e.routingMs", "1000"));
        p.setProperty("job.push.period.time.ms", "1000");
        p.setProperty("job.pull.period.time.ms", "1000");
        p.setProperty("job.heartbeat.period.time.ms", "5000");
        p.setProperty("job.initial.load.extract.period.time.ms", "1000");
        p.setProperty("job.initial.load.queue.period.time.ms", "1000");
        p.setProperty("registration.max.time.between.retries", "2");
        p.setProperty("start.stat.flush.job", "false");
        p.setProperty("start.watchdog.job", "false");
        p.setProperty("start.purge.incoming.job", "false");
        p.setProperty("start.purge.outgoing.job", "false");
        p.setProperty("start.stage.management.job", "false");
        p.setProperty("db.pool.initial.size", "2");
        p.setProperty("db.pool.max.active", "20");
    }

    /** the properties text frappe_sds.sds_engine_properties() wrote; db.url switched to a socket form in a comment, if any. */
    static Properties parse(String text) {
        Properties p = new Properties();
        String socketUrl = null;
        for (String l : text.split("\n")) {
            if (l.startsWith("#")) {
                int i = l.indexOf("db.url=");
                if (i >= 0) socketUrl = l.substring(i + 7).trim();
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0) p.setProperty(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
        }
        if (socketUrl != null) p.setProperty("db.url", socketUrl);
        return p;
    }

    /** the node's sync URL: its own server's port (HTTP), or the internal transport's name */
    static String syncUrl(String engine) throws IOException {
        if (!HTTP) return "internal://" + engine;
        Integer port = ports.get(engine);
        if (port == null) {
            try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = ss.getLocalPort();
            }
            ports.put(engine, port);
        }
        return "http://127.0.0.1:" + port + "/sync/" + engine;
    }

    /** SYM_HOME of a node's server: engines/, conf/, tmp/ */
    static File home(String name) {
        return new File(work, "home-" + name);
    }

    /** the java command of a SymmetricDS process of node `name` (its class path: e2e.serverCp) */
    static List<String> javaCommand(String name, String main) {
        File h = home(name);
        List<String> c = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "-Xmx" + System.getProperty("e2e.nodeHeap", "768m"), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dfile.encoding=utf-8", "-Duser.language=en", "-Djava.io.tmpdir=" + h + "/tmp",
                "-Djava.net.preferIPv4Stack=true", "-Djava.util.logging.config.file=/dev/null",
                // what bin/setenv sets (docs/install.md): an ack of many batches is a form of
                // more than Jetty's default 1,000 keys ("400: Unable to parse form content")
                "-Dorg.eclipse.jetty.server.Request.maxFormContentSize=800000",
                "-Dorg.eclipse.jetty.server.Request.maxFormKeys=100000",
                "-Dsun.net.client.defaultReadTimeout=300000", "-Dsun.net.client.defaultConnectTimeout=300000",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.showThreadName=true",
                "-cp", System.getProperty("e2e.serverCp"), main));
        return c;
    }

    /** The node: in HTTP mode its own server process (SYM_HOME with its engine file, Jetty on
     *  127.0.0.1:port), logging into the shared log file; started once its ping answers. */
    static ISymmetricEngine start(String name, Properties p) throws Exception {
        if (!HTTP) {
            ClientSymmetricEngine e = new ClientSymmetricEngine(p, true);
            engines.put(name, e);
            if (!e.start()) throw new RuntimeException("engine " + name + " did not start: " + e.getLastException());
            say("  engine " + name + " started (" + p.getProperty("group.id") + "/" + p.getProperty("external.id") + ", " + p.getProperty("db.url") + ")");
            return e;
        }
        props.put(name, (Properties) p.clone());
        File h = home(name);
        new File(h, "engines").mkdirs();
        new File(h, "conf").mkdirs();
        new File(h, "tmp").mkdirs();
        p.setProperty("engine.name", name);
        try (java.io.Writer w = new java.io.OutputStreamWriter(new java.io.FileOutputStream(new File(h, "engines/" + name + ".properties")),
                StandardCharsets.UTF_8)) {
            p.store(w, "frappe_sds.sds_engine_properties + the test's settings");
        }
        int port = ports.get(name);
        try (java.io.Writer w = new java.io.OutputStreamWriter(new java.io.FileOutputStream(new File(h, "conf/symmetric-server.properties")),
                StandardCharsets.UTF_8)) {
            w.write("host.bind.name=127.0.0.1\nhttp.enable=true\nhttp.port=" + port + "\nhttps.enable=false\nhttps2.enable=false\n"
                    + "jmx.http.enable=false\nserver.http.session.timeout=1800\n");
        }
        List<String> cmd = javaCommand(name, "org.jumpmind.symmetric.SymmetricLauncher");
        cmd.addAll(List.of("--server", "--host", "127.0.0.1", "--port", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(h);
        pb.environment().put("SYM_HOME", h.getPath());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logFile)));
        servers.put(name, pb.start());
        String ping = syncUrl(name) + "/ping";
        boolean up = waitFor(name + " answers " + ping, 900, () -> {   // (it answers once started: trigger builds first)
            if (!servers.get(name).isAlive()) throw new RuntimeException("the server process of " + name + " ended");
            try {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) new URL(ping).openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(5000);
                return c.getResponseCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        if (!up) throw new RuntimeException("node " + name + " did not answer " + ping);
        say("  node " + name + " started: its own SymmetricDS server process on 127.0.0.1:" + port + " ("
                + p.getProperty("group.id") + "/" + p.getProperty("external.id") + ", " + p.getProperty("db.url") + ")");
        return null;
    }

    /** The node's engine in this JVM, for a check that calls into SymmetricDS itself: the
     *  running one (internal transport), or (HTTP) an instance on the node's engine file that
     *  is never started -- no job, no HTTP; its services (extensions read from sym_extension,
     *  node service, SQL template) work on the node's database like the server's do. */
    static ISymmetricEngine engine(String name) {
        if (!HTTP) return engines.get(name);
        return engines.computeIfAbsent(name, n -> new ClientSymmetricEngine(props.get(n), false));
    }

    /** SymmetricDS's sync-triggers on a node now (what a changed configuration makes its next
     *  sync-triggers job do): in HTTP mode `symadmin sync-triggers` against the node's engine file.
     *  With tables: for those tables only (SymmetricAdmin.syncTrigger: creates or updates their
     *  triggers, drops none), instead of reading the models of all ~1,000 tables. */
    static void syncTriggers(String name, String... tables) throws Exception {
        // (in the runtime layout a node's site tables are not in its engine's default catalog:
        // they are looked up in the site database, as the trigger rows name it)
        String catalog = !RUNTIME ? null : "master".equals(name) ? M : BDB.get(name);
        if (!HTTP) {
            ISymmetricEngine e = engines.get(name);
            if (tables.length == 0) {
                e.syncTriggers();
                return;
            }
            for (String t : tables)
                e.getTriggerRouterService().syncTriggers(e.getDatabasePlatform().getTableFromCache(catalog, null, t, true), false);
            return;
        }
        List<String> args = new ArrayList<>();
        if (catalog != null && tables.length > 0) args.addAll(List.of("--catalog", catalog));
        args.addAll(List.of(tables));
        symadmin(name, "sync-triggers", args.toArray(new String[0]));
    }

    /** SymmetricDS drops a table's capture triggers on a node (`symadmin drop-triggers <table>`:
     *  every active trigger history of the table, TriggerRouterService.dropTriggers) */
    static void dropTriggers(String name, String table) throws Exception {
        if (!HTTP) {
            engines.get(name).getTriggerRouterService().dropTriggers(new java.util.HashSet<>(List.of(table)));
            return;
        }
        symadmin(name, "drop-triggers", table);
    }

    static void symadmin(String name, String command, String... args) throws Exception {
        List<String> cmd = javaCommand(name, "org.jumpmind.symmetric.SymmetricAdmin");
        cmd.addAll(List.of("--engine", name, command));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home(name));
        pb.environment().put("SYM_HOME", home(name).getPath());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logFile)));
        Process pr = pb.start();
        if (!pr.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            throw new RuntimeException("symadmin " + command + " on " + name + " did not end in 300 s");
        }
        if (pr.exitValue() != 0) throw new RuntimeException("symadmin " + command + " on " + name + " exited " + pr.exitValue());
    }

    static long logOffset() {
        return new File(logFile).length();
    }

    static List<String> logLinesSince(long off, String needle) throws Exception {
        List<String> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(logFile, "r")) {
            f.seek(off);
            byte[] b = new byte[(int) (f.length() - off)];
            f.readFully(b);
            for (String l : new String(b, StandardCharsets.UTF_8).split("\n"))
                if (l.contains(needle)) out.add(l);
        }
        return out;
    }

    // ---------------------------------------------------------------- step 1
    static long masterTriggersBuiltAt;

    /** the mariadb client as the master site's own account (Frappe's): what the site runs */
    static String siteClient(String input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + SOCK.get(M), "-u" + SITE_USER,
                "-p" + SITE_PW, "--default-character-set=utf8mb4", "-N", "-B", M);
        pb.directory(new File(proj));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write(onMaster(M, input).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new RuntimeException("mariadb client (site user) failed:\n" + out);
        return out;
    }

    /** The DBA's steps of the runtime layout (docs/install.md): the plugin and the DBA's
     *  database, the site's runtime database, SymmetricDS's tables and runtime.sql there,
     *  SymmetricDS's account, the site's account, the worker's. */
    static void runtimeDbaSteps() throws Exception {
        client(M, "INSTALL SONAME 'frappe_sds';\nsource " + System.getProperty("e2e.dbaSql") + "\n"
                + "CALL frappe_sds.sds_runtime_create(DATABASE());\n");
        check("frappe_sds.sds_runtime_create made the runtime database " + MR,
                num(M, "select count(*) from information_schema.schemata where schema_name = " + lit(MR)) == 1);
        Properties boot = new Properties();
        boot.setProperty("engine.name", "bootstrap");
        boot.setProperty("db.driver", "org.mariadb.jdbc.Driver");
        boot.setProperty("db.url", url(MR));
        boot.setProperty("db.user", "root");
        boot.setProperty("db.password", "");
        boot.setProperty("group.id", "master");
        boot.setProperty("external.id", "hq");
        boot.setProperty("registration.url", "");
        boot.setProperty("sync.url", "http://localhost:31415/sync/hq");
        ClientSymmetricEngine b = new ClientSymmetricEngine(boot, true);
        b.setupDatabase(false);
        b.destroy();
        check("SymmetricDS created its sym_* tables in the runtime database, none in the site database",
                num(M, "select count(*) from information_schema.tables where table_schema = " + lit(MR) + " and table_name like 'sym\\_%'") > 40
                        && num(M, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'sym\\_%'") == 0);
        // (SymmetricDS's bootstrap made its transaction function as root: the DBA's sds_grant makes its own)
        client(MR, "DROP FUNCTION IF EXISTS sym_transaction_id_post_5_7_6;\nsource " + System.getProperty("e2e.runtimeSql") + "\n");
        String site = M.replace("_", "\\_");
        client(M, "CREATE USER " + SITE_USER + "@localhost IDENTIFIED BY " + lit(SITE_PW) + ";\n"
                + "GRANT ALL PRIVILEGES ON `" + site + "`.* TO " + SITE_USER + "@localhost;\n"
                + "CREATE USER " + SYM_USER + "@localhost IDENTIFIED BY " + lit(SYM_PW) + ";\n"
                + "CALL frappe_sds.sds_grant(DATABASE(), " + lit(SYM_USER) + ", 'localhost');\n"
                + "CALL frappe_sds.sds_grant_site(DATABASE(), " + lit(SITE_USER) + ", 'localhost');\n"
                + "CALL frappe_sds.sds_grant_worker(DATABASE());\n"
                // the test's own remote SQL (step 9) is sent as root: a login the DBA allows
                + "CALL frappe_sds.sds_allow_send_sql(DATABASE(), 'root', 'localhost');\n");
        check("no frappe_sds object and no sym_* table in the site database",
                num(M, "select count(*) from information_schema.routines where routine_schema = database() and routine_name like 'sds%'") == 0
                        && num(M, "select count(*) from information_schema.tables where table_schema = database() and (table_name like 'sds\\_%' or table_name like 'sym\\_%')") == 0);
    }

    static void step1() throws Exception {
        if (RUNTIME) {
            runtimeDbaSteps();
            step1Site();
            return;
        }
        // SymmetricDS's own sym_* tables: create them the way the engine does (auto.config.database)
        Properties boot = new Properties();
        boot.setProperty("engine.name", "bootstrap");
        boot.setProperty("db.driver", "org.mariadb.jdbc.Driver");
        boot.setProperty("db.url", url(M));
        boot.setProperty("db.user", "root");
        boot.setProperty("db.password", "");
        boot.setProperty("group.id", "master");
        boot.setProperty("external.id", "hq");
        boot.setProperty("registration.url", "");
        boot.setProperty("sync.url", "http://localhost:31415/sync/hq");
        ClientSymmetricEngine b = new ClientSymmetricEngine(boot, true);
        b.setupDatabase(false);
        b.destroy();
        check("SymmetricDS created its sym_* tables in the master site",
                num(M, "select count(*) from information_schema.tables where table_schema = database() and table_name like 'sym\\_%'") > 40);
        String tricky = lit(TRICKY);
        StringBuilder sql = new StringBuilder();
        sql.append("INSTALL SONAME 'frappe_sds';\nsource ").append(System.getProperty("e2e.installSql")).append("\n");
        // the DBA's database (engine files are the DBA's: frappe_sds.sds_engine_properties)
        sql.append("source ").append(System.getProperty("e2e.dbaSql")).append("\n");
        sql.append("SET GLOBAL frappe_sds_debounce_ms = 500, frappe_sds_poll_ms = 500;\n");
        client(M, sql.toString());
        step1Site();
    }

    /** the site's part of step 1 (and the DBA's engine file): the same in both layouts */
    static void step1Site() throws Exception {
        String tricky = lit(TRICKY);
        StringBuilder sql = new StringBuilder();
        if (RUNTIME) client(M, "SET GLOBAL frappe_sds_debounce_ms = 500, frappe_sds_poll_ms = 500;");
        // a company whose name has everything a text could trip on: quotes, backslash, backtick, $( )
        sql.append("INSERT INTO `tabCompany` (name, creation, modified, modified_by, owner, docstatus, idx, company_name, abbr, default_currency, country)"
                + " VALUES (" + tricky + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + tricky + ", '" + TRICKY_ABBR + "', 'EUR', 'Germany');\n");
        sql.append("INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company, posting_date, grand_total)"
                + " VALUES ('SINV-TRK-1', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'Acme Corp', " + tricky + ", CURDATE(), 7);\n");
        sql.append("INSERT INTO `tabSales Invoice Item` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, item_code, qty)"
                + " VALUES ('sinv-trk-1-i1', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 'SINV-TRK-1', 'items', 'Sales Invoice', 1, 'ITEM-0001', 1);\n");
        String out;
        if (RUNTIME) {
            // the site's own account sets up its replication (EXECUTE on the runtime database's
            // public routines, nothing else there); the engine file is the DBA's
            client(M, sql.toString());
            say(siteClient("CALL sds_setup('master', 'branch');\n").replaceAll("(?m)^", "    | "));
            out = client(M, "CALL frappe_sds.sds_engine_properties(DATABASE(), 'hq', 'master', DATABASE(), " + lit(SOCK.get(M))
                    + ", " + lit(SYM_USER) + ", 'http://localhost:31415/sync/master', '');\n");
        } else {
            sql.append("CALL sds_setup('master', 'branch');\n");
            sql.append("CALL frappe_sds.sds_engine_properties(DATABASE(), 'hq', 'master', DATABASE(), " + lit(SOCK.get(M))
                    + ", 'root', 'http://localhost:31415/sync/master', '');\n");
            out = client(M, sql.toString());
        }
        int i = out.indexOf("# SymmetricDS engine");
        check("sds_setup ran and frappe_sds.sds_engine_properties wrote the master's file", i >= 0);
        String text = out.substring(i).replace("\\n", "\n");
        say(text.replaceAll("(?m)^", "    | "));
        Properties p = parse(text);
        if (RUNTIME) {
            check("the master's engine file names the runtime database and SymmetricDS's account",
                    p.getProperty("db.url", "").contains("/" + MR) && SYM_USER.equals(p.getProperty("db.user")));
            p.setProperty("db.password", SYM_PW);   // (the DBA fills it in)
        }
        testSettings(p, "master");
        long t0 = System.currentTimeMillis();
        start("master", p);
        // registration opened only once the master has its identity (sds_add_branch needs it)
        waitFor("master identity", 120, () -> num(M, "select count(*) from sym_node_identity") == 1);
        StringBuilder add = new StringBuilder();
        for (String n : BDB.keySet()) add.append("CALL sds_add_branch('" + n + "', " + lit(BCOMP.get(n)) + ");\n");
        say((RUNTIME ? siteClient(add.toString()) : client(M, add.toString())).replaceAll("(?m)^", "    | "));
        check("sds_add_branch opened registration for each branch (" + BDB.size() + ")",
                num(M, "select count(*) from sym_node_security where registration_enabled = 1 and initial_load_enabled = 1 and node_id like 'branch-%'") == BDB.size());
        boolean built = waitFor("master built capture triggers for the configuration", 900,
                () -> num(M, "select count(*) from sym_trigger_hist h join sym_trigger t using (trigger_id) where h.inactive_time is null and t.last_update_by = 'frappe_sds'")
                        >= num(M, "select count(*) from sym_trigger t where t.last_update_by = 'frappe_sds' and t.trigger_id not like '%.up'") - 5
                        && num(M, "select count(*) from information_schema.triggers where trigger_schema = database() and event_object_table = 'tabSales Invoice Item'") == 3);
        masterTriggersBuiltAt = System.currentTimeMillis();
        figure("master_first_trigger_build_s", (masterTriggersBuiltAt - t0) / 1000.0);
        check("master built the capture triggers of the master's trigger rows", built);
        show(M, "select count(*) triggers_master_rows, (select count(*) from sym_trigger_hist where inactive_time is null) active_hist,"
                + " (select count(*) from sym_trigger_hist where inactive_time is null and trigger_id like '%.up') branch_rows_built_here from sym_trigger where trigger_id not like '%.up'");
        check("the branches' trigger rows (.up) are not built on the master",
                num(M, "select count(*) from sym_trigger_hist where trigger_id like '%.up'") == 0);
        String body = one(M, "select group_concat(action_statement) from information_schema.triggers where trigger_schema = database() and event_object_table = 'tabSales Invoice Item'");
        check("master capture trigger computes the company key (tabCompany lookup)", body != null && body.contains("tabCompany"));
        check("no database name in the master's capture trigger text (fix 1)", body != null && !body.contains("`" + M + "`.`tab"));
        if (!RUNTIME) {
            check("no database name in any sym_trigger / sym_trigger_router text",
                    num(M, "select count(*) from sym_trigger where external_select like " + lit("%`" + M + "`%")) == 0
                            && num(M, "select count(*) from sym_trigger_router where initial_load_select like " + lit("%`" + M + "`%")) == 0);
        } else {
            // the texts SymmetricDS runs on its connection (the runtime database) name the site's
            // tables with the site database; the capture triggers' (in the site database) do not
            check("no database name in external_select (it runs in the site's triggers)",
                    num(M, "select count(*) from sym_trigger where external_select like " + lit("%`" + M + "`%")) == 0);
            // (each branch's engine replaces the token with its engine file's frappe_sds.site.db:
            // the master's configuration names no branch database; step 2 checks the branches)
            // (frappe_sds's own table among them, the compare answers, has none: it is in the
            // branch's runtime database, its engine's default catalog)
            show(M, "select source_catalog_name, source_table_name like 'tab%' site_table, count(*) from sym_trigger where trigger_id like '%.up' group by 1, 2");
            check("the master's trigger rows name the site database (source_catalog_name), the branches' (.up) of site tables the token $(frappe_sds.site.db)",
                    num(M, "select count(*) from sym_trigger where trigger_id not like '%.up' and last_update_by = 'frappe_sds'"
                            + " and source_table_name like 'tab%' and not (source_catalog_name <=> " + lit(M) + ")") == 0
                            && num(M, "select count(*) from sym_trigger where trigger_id like '%.up' and source_table_name like 'tab%'") >= MIN_UP_SITE_TABLES
                            && num(M, "select count(*) from sym_trigger where trigger_id like '%.up' and source_table_name like 'tab%'"
                                    + " and not (source_catalog_name <=> '$(frappe_sds.site.db)')") == 0);
            check("the master's capture triggers live on the site's tables and write the runtime database",
                    body != null && body.contains(MR) && body.contains("sym_data"));
        }
    }

    // ---------------------------------------------------------------- step 2
    /** shared tables compared by count; tabDocField and tabDocPerm are rows both a branch's own
     *  site and the master's have, under other names (tests/symmetricds_e2e.sh) */
    static final String[] GLOBAL_TABLES = { "tabItem", "tabCustomer", "tabDocType", "tabUOM", "tabItem Group",
            "tabDocField", "tabDocPerm" };

    /** expected names on a branch for a company table, computed on the master. */
    static TreeSet<String> expected(String node, String table) throws Exception {
        String comps = "(select company from sds_company_node where node_external_id = '" + node + "')";
        String q;
        switch (table) {
        case "tabCompany":
            q = "select name from tabCompany where name in " + comps;
            break;
        case "tabSales Invoice Item":
        case "tabSales Taxes and Charges":
            q = "select c.name from `" + table + "` c join `tabSales Invoice` p on p.name = c.parent and c.parenttype = 'Sales Invoice' where p.company in " + comps;
            if (table.equals("tabSales Taxes and Charges"))
                q += " union select c.name from `" + table + "` c join `tabSales Taxes and Charges Template` p on p.name = c.parent"
                        + " and c.parenttype = 'Sales Taxes and Charges Template' where p.company in " + comps;
            break;
        case "tabJournal Entry Account":
            q = "select c.name from `" + table + "` c join `tabJournal Entry` p on p.name = c.parent where p.company in " + comps;
            break;
        default:
            q = "select name from `" + table + "` where company in " + comps;
        }
        return new TreeSet<>(col(M, q));
    }

    static final String[] COMPANY_TABLES = { "tabCompany", "tabSales Invoice", "tabSales Invoice Item", "tabGL Entry", "tabAccount",
            "tabJournal Entry", "tabJournal Entry Account", "tabStock Ledger Entry", "tabItem Default", "tabSales Taxes and Charges" };

    static boolean isolation(String node, boolean print) throws Exception {
        String db = BDB.get(node);
        boolean all = true;
        for (String t : COMPANY_TABLES) {
            TreeSet<String> exp = expected(node, t), got = new TreeSet<>(col(db, "select name from `" + t + "`"));
            TreeSet<String> missing = new TreeSet<>(exp), extra = new TreeSet<>(got);
            missing.removeAll(got);
            extra.removeAll(exp);
            // (the first three are never empty for a branch: a test that cannot fail proves nothing)
            boolean ok = missing.isEmpty() && extra.isEmpty() && !(exp.isEmpty() && (t.equals("tabCompany") || t.startsWith("tabSales Invoice")));
            if (print || !ok)
                say(String.format("    %-10s %-28s expected %4d  has %4d  missing %s  extra %s", node, t, exp.size(), got.size(), head(missing), head(extra)));
            all &= ok;
        }
        for (String t : GLOBAL_TABLES) {
            if (!"global".equals(one(M, "select scope from sds_plan where table_name = " + lit(t)))) continue;
            long m = num(M, "select count(*) from `" + t + "`"), b = num(db, "select count(*) from `" + t + "`");
            if (print || m != b) say(String.format("    %-10s %-28s master %5d  branch %5d (global)", node, t, m, b));
            all &= m == b;
        }
        // settings: one value per field, the master's (tabSingles has no key: a load that does not
        // empty it first adds the master's rows next to the branch's own)
        long twice = num(db, "select count(*) from (select doctype, field from tabSingles group by 1, 2 having count(*) > 1) x");
        String tz = one(db, "select group_concat(value) from tabSingles where doctype = 'System Settings' and field = 'time_zone'"),
               mtz = one(M, "select group_concat(value) from tabSingles where doctype = 'System Settings' and field = 'time_zone'");
        if (print || twice != 0 || !Objects.equals(tz, mtz))
            say(String.format("    %-10s %-28s %d fields twice; time_zone %s (master %s)", node, "tabSingles", twice, tz, mtz));
        all &= twice == 0 && Objects.equals(tz, mtz);
        return all;
    }

    static String head(TreeSet<String> s) {
        return s.size() <= 4 ? s.toString() : new ArrayList<>(s).subList(0, 4) + "... (" + s.size() + ")";
    }

    static Map<String, Long> ddlCounters(String db) throws Exception {
        Map<String, Long> m = new HashMap<>();
        try (Connection c = conn(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show global status where variable_name in ('Com_alter_table', 'Com_drop_index', 'Com_create_index', 'Com_create_table')")) {
            while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
        }
        return m;
    }

    static boolean branchesUp;

    /** The DBA's steps at a branch's own server in the runtime layout (docs/install-runtime.md,
     *  no plugin there): the DBA's database, the branch site's runtime database, SymmetricDS's
     *  account with frappe_sds.sds_grant's rights; and the site's own account as bench makes it
     *  (ALL on its site database). SymmetricDS creates its tables in the runtime database
     *  itself when the node starts (auto.config.database). */
    static void branchDbaSteps(String n) throws Exception {
        String db = BDB.get(n), r = rt(db);
        client(db, "source " + System.getProperty("e2e.dbaSql") + "\n"
                + "CALL frappe_sds.sds_runtime_create(DATABASE());\n"
                + "CREATE USER " + lit(BSYM.get(n)) + "@localhost IDENTIFIED BY " + lit(BSYM_PW) + ";\n"
                + "CALL frappe_sds.sds_grant(DATABASE(), " + lit(BSYM.get(n)) + ", 'localhost');\n"
                + "CREATE USER " + lit(BSITE.get(n)) + "@localhost IDENTIFIED BY " + lit(BSITE_PW) + ";\n"
                + "GRANT ALL PRIVILEGES ON `" + db.replace("_", "\\_") + "`.* TO " + lit(BSITE.get(n)) + "@localhost;\n");
        check(n + ": frappe_sds.sds_runtime_create made the runtime database " + r + " at the branch's server",
                num(db, "select count(*) from information_schema.schemata where schema_name = " + lit(r)) == 1
                        && num(db, "select count(*) from frappe_sds.sds_site where site_db = " + lit(db) + " and runtime_db = " + lit(r)) == 1);
        check(n + ": SymmetricDS's account has no EXECUTE on the site database; its transaction function is in " + r,
                num(db, "select count(*) from information_schema.schema_privileges where grantee = " + lit("'" + BSYM.get(n) + "'@'localhost'")
                        + " and privilege_type = 'EXECUTE'") == 0
                        && num(db, "select count(*) from information_schema.routines where routine_schema = " + lit(r)
                                + " and routine_name = 'sym_transaction_id_post_5_7_6'") == 1);
    }

    static void step2() throws Exception {
        // (the branches' first loads empty the tables they carry first, at the branches: the
        // master keeps its rows)
        long mFields = num(M, "select count(*) from tabDocField"), mPerms = num(M, "select count(*) from tabDocPerm");
        Map<String, Map<String, Long>> ddl0 = new HashMap<>();
        long t0 = System.currentTimeMillis();
        Map<String, Long> started = new HashMap<>();
        for (String n : BDB.keySet()) {
            String db = BDB.get(n);
            ddl0.put(n, ddlCounters(db));
            if (RUNTIME) branchDbaSteps(n);
            String user = RUNTIME ? BSYM.get(n) : "root";
            // the file the master writes for the branch (registration url: the master's sync url)
            String text = one(M, "CALL frappe_sds.sds_engine_properties(DATABASE(), '" + n + "', '" + n + "', '" + db + "', "
                    + lit(SOCK.get(db)) + ", " + lit(user) + ", '', 'http://localhost:31415/sync/master')");
            Properties p = parse(text);
            if (RUNTIME) {
                say(text.replaceAll("(?m)^", "    | "));
                check(n + ": its engine file connects to its runtime database " + rt(db) + " as SymmetricDS's account, and names its site database",
                        p.getProperty("db.url", "").contains("/" + rt(db) + "?") && user.equals(p.getProperty("db.user"))
                                && db.equals(p.getProperty("frappe_sds.site.db")));
                p.setProperty("db.password", BSYM_PW);   // (the DBA fills it in)
            }
            // the branch's own server (the test's socket url)
            p.setProperty("db.url", url(rt(db)));
            testSettings(p, n);
            p.setProperty("registration.url", syncUrl("master"));
            started.put(n, System.currentTimeMillis());
            start(n, p);
        }
        for (String n : BDB.keySet()) {
            check(n + " registered", waitFor(n + " registered", 300, () -> num(M, "select count(*) from sym_node n join sym_node_security s using (node_id)"
                    + " where n.node_id = '" + n + "' and n.sync_enabled = 1 and s.registration_time is not null") == 1));
        }
        // one wait for all of them, each branch's time taken when it is first seen loaded
        Map<String, Long> loadedAt = new HashMap<>();
        waitFor("every branch's first load done", 1500, () -> {
            for (String n : BDB.keySet()) {
                if (!loadedAt.containsKey(n)
                        && num(M, "select count(*) from sym_node_security where node_id = '" + n
                            + "' and initial_load_enabled = 0 and initial_load_end_time is not null") == 1
                        && num(M, "select count(*) from sym_outgoing_batch where node_id = '" + n
                            + "' and status not in ('OK', 'IG') and channel_id not in ('heartbeat')") == 0) {
                    loadedAt.put(n, System.currentTimeMillis());
                    say(String.format("  (%.1f s: %s first load done)", (loadedAt.get(n) - t0) / 1000.0, n));
                }
            }
            return loadedAt.size() == BDB.size();
        });
        for (String n : BDB.keySet()) {
            check(n + " first load done", loadedAt.containsKey(n));
            if (!loadedAt.containsKey(n)) continue;
            // from before the branches' DBA steps; and from the branch's engine start, as
            // bench/scale.sh measures one branch alone (both branches build at once here)
            figure("first_load_s_" + n, (loadedAt.get(n) - t0) / 1000.0);
            figure("first_load_engine_start_s_" + n, (loadedAt.get(n) - started.get(n)) / 1000.0);
            Map<String, Long> d1 = ddlCounters(BDB.get(n)), d0 = ddl0.get(n);
            for (String k : d1.keySet()) figure("first_load_" + k.toLowerCase() + "_" + n, d1.get(k) - d0.getOrDefault(k, 0L));
        }
        check("the master kept its DocField and DocPerm rows through the first loads",
                num(M, "select count(*) from tabDocField") == mFields && num(M, "select count(*) from tabDocPerm") == mPerms);
        branchesUp = stepOk;
        show(M, "select node_id, channel_id, status, count(*) batches, sum(data_row_count) data_rows from sym_outgoing_batch where node_id like 'branch-%' group by 1, 2, 3");
        for (String n : BDB.keySet()) check(n + ": exactly its companies' rows and every global row", isolation(n, true));
        for (String n : BDB.keySet()) {
            String db = BDB.get(n);
            String body = one(db, "select group_concat(action_statement) from information_schema.triggers where trigger_schema = database() and event_object_table = 'tabSales Invoice Item'");
            check(n + ": capture triggers built from the branches' trigger rows, without company lookup (fix 4)",
                    body != null && !body.contains("tabCompany") && !body.contains("`" + M + "`"));
            check(n + ": no master trigger row built on the branch",
                    num(db, "select count(*) from sym_trigger_hist where inactive_time is null and trigger_id in ('tabsales_invoice', 'tabsales_invoice_item')") == 0);
            show(db, "select count(*) active_trigger_hist, sum(trigger_id like '%.up') branch_rows from sym_trigger_hist where inactive_time is null");
            if (RUNTIME) branchLayout(n, body);
        }
    }

    /** the runtime layout at a branch after its first load: SymmetricDS's tables and frappe_sds's
     *  in the runtime database only, Frappe's in the site database only, the capture triggers
     *  on the site's tables writing the runtime database (docs/topology.md, "Branches") */
    static void branchLayout(String n, String body) throws Exception {
        String db = BDB.get(n), r = rt(db);
        show(db, "select table_schema, sum(table_name like 'sym\\_%') n_sym, sum(table_name like 'sds\\_%') n_sds,"
                + " sum(table_name like 'tab%') n_tab from information_schema.tables where table_schema in (" + lit(db) + ", " + lit(r) + ") group by 1");
        check(n + ": no sym_* or sds_* table in its site database " + db,
                num(db, "select count(*) from information_schema.tables where table_schema = " + lit(db)
                        + " and (table_name like 'sym\\_%' or table_name like 'sds\\_%')") == 0);
        check(n + ": SymmetricDS's tables in its runtime database " + r + ", no Frappe (tab*) table there",
                num(db, "select count(*) from information_schema.tables where table_schema = " + lit(r) + " and table_name like 'sym\\_%'") > 40
                        && num(db, "select count(*) from information_schema.tables where table_schema = " + lit(r) + " and table_name like 'tab%'") == 0);
        check(n + ": its capture triggers are on the site's tables and write `" + r + "`.sym_data",
                body != null && body.contains(r) && body.contains("sym_data")
                        && num(db, "select count(*) from information_schema.triggers where trigger_schema = " + lit(r)
                                + " and event_object_table not like 'sym\\_%'") == 0);
        long up = num(db, "select count(*) from sym_trigger_hist where inactive_time is null and trigger_id like '%.up'");
        check(n + ": its active .up trigger histories (" + up + ") name the site database " + db + " as their catalog",
                up > 10 && num(db, "select count(*) from sym_trigger_hist where inactive_time is null and trigger_id like '%.up'"
                        + " and not (source_catalog_name <=> " + lit(db) + ")") == 0);
    }

    // ---------------------------------------------------------------- step 3
    static void quiet(int s) throws Exception {
        Thread.sleep(3000);
        waitFor("every outgoing batch acknowledged", s, () -> {
            for (String db : SOCK.keySet())
                if (num(db, "select count(*) from sym_outgoing_batch where status not in ('OK', 'IG') and channel_id <> 'heartbeat'") > 0) return false;
            return num(M, "select count(*) from sym_table_reload_request where processed = 0") == 0;
        });
    }

    static long cnt(String db, String table, String name) throws Exception {
        return num(db, "select count(*) from `" + table + "` where name = " + lit(name));
    }

    static void insertInvoice(String db, String name, String company, int items) throws Exception {
        exec(db, "INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company, posting_date, grand_total)"
                + " VALUES (" + lit(name) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'Acme Corp', " + lit(company) + ", CURDATE(), 10)");
        for (int i = 1; i <= items; i++)
            exec(db, "INSERT INTO `tabSales Invoice Item` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, item_code, qty)"
                    + " VALUES (" + lit(name + "-i" + i) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, " + lit(name) + ", 'items', 'Sales Invoice', " + i + ", 'ITEM-0001', " + i + ")");
    }

    static void step3() throws Exception {
        insertInvoice(M, "E2E-M-OBS", OBS, 2);
        insertInvoice(M, "E2E-M-TRK", TRICKY, 1);
        insertInvoice(M, "E2E-M-WP", WP, 1);
        insertInvoice(M, "E2E-M-RTPL", "Rivendell Trading Pvt. Ltd.", 1);
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        check("O'Brien invoice + 2 items reached branch-a", waitFor("E2E-M-OBS on branch-a", 120,
                () -> cnt(a, "tabSales Invoice", "E2E-M-OBS") == 1 && num(a, "select count(*) from `tabSales Invoice Item` where parent = 'E2E-M-OBS'") == 2));
        check("tricky company's invoice + item reached branch-b", waitFor("E2E-M-TRK on branch-b", 120,
                () -> cnt(b, "tabSales Invoice", "E2E-M-TRK") == 1 && cnt(b, "tabSales Invoice Item", "E2E-M-TRK-i1") == 1));
        check("Wind Power invoice reached both branches", waitFor("E2E-M-WP on both", 120,
                () -> cnt(a, "tabSales Invoice Item", "E2E-M-WP-i1") == 1 && cnt(b, "tabSales Invoice Item", "E2E-M-WP-i1") == 1));
        // an UPDATE and a DELETE of a child row
        exec(M, "UPDATE `tabSales Invoice Item` SET qty = 42, modified = NOW(6) WHERE name = 'E2E-M-OBS-i1'");
        exec(M, "DELETE FROM `tabSales Invoice Item` WHERE name = 'E2E-M-OBS-i2'");
        check("child UPDATE and DELETE reached branch-a", waitFor("child update/delete on branch-a", 120,
                () -> num(a, "select cast(qty as signed) from `tabSales Invoice Item` where name = 'E2E-M-OBS-i1'") == 42 && cnt(a, "tabSales Invoice Item", "E2E-M-OBS-i2") == 0));
        quiet(120);
        check("nothing of O'Brien or Rivendell on branch-b", cnt(b, "tabSales Invoice", "E2E-M-OBS") + cnt(b, "tabSales Invoice Item", "E2E-M-OBS-i1")
                + cnt(b, "tabSales Invoice", "E2E-M-RTPL") + cnt(b, "tabSales Invoice Item", "E2E-M-RTPL-i1") == 0);
        check("nothing of the tricky company or Rivendell on branch-a", cnt(a, "tabSales Invoice", "E2E-M-TRK") + cnt(a, "tabSales Invoice Item", "E2E-M-TRK-i1")
                + cnt(a, "tabSales Invoice", "E2E-M-RTPL") + cnt(a, "tabSales Invoice Item", "E2E-M-RTPL-i1") == 0);
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
    }

    // ---------------------------------------------------------------- step 4
    static void step4() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        // writes at branch-a: its capture triggers must work in its own database (fix 1)
        exec(a, "UPDATE `tabSales Invoice` SET remarks = 'edited at branch-a', modified = NOW(6) WHERE name = 'E2E-M-WP'");
        insertInvoice(a, "E2E-A-WP", WP, 2);
        insertInvoice(a, "E2E-A-OBS", OBS, 1);
        show(a, "select data_id, table_name, event_type, external_data, trigger_hist_id from sym_data order by data_id desc limit 3");
        check("branch-a captured its writes without a company key",
                num(a, "select count(*) from sym_data where table_name = 'tabSales Invoice' and external_data is not null") == 0);
        check("branch-a's changes reached the master", waitFor("branch-a rows on the master", 120,
                () -> "edited at branch-a".equals(one(M, "select remarks from `tabSales Invoice` where name = 'E2E-M-WP'"))
                        && num(M, "select count(*) from `tabSales Invoice Item` where parent in ('E2E-A-WP', 'E2E-A-OBS')") == 3));
        check("the master passed the Wind Power changes on to branch-b", waitFor("branch-a's Wind Power rows on branch-b", 120,
                () -> "edited at branch-a".equals(one(b, "select remarks from `tabSales Invoice` where name = 'E2E-M-WP'"))
                        && num(b, "select count(*) from `tabSales Invoice Item` where parent = 'E2E-A-WP'") == 2));
        // a write at branch-b, with the tricky company
        insertInvoice(b, "E2E-B-TRK", TRICKY, 1);
        check("branch-b's tricky-company invoice reached the master", waitFor("E2E-B-TRK on the master", 120,
                () -> cnt(M, "tabSales Invoice Item", "E2E-B-TRK-i1") == 1));
        quiet(120);
        check("branch-a's O'Brien invoice did not reach branch-b", cnt(b, "tabSales Invoice", "E2E-A-OBS") + cnt(b, "tabSales Invoice Item", "E2E-A-OBS-i1") == 0);
        check("branch-b's tricky invoice did not reach branch-a", cnt(a, "tabSales Invoice", "E2E-B-TRK") + cnt(a, "tabSales Invoice Item", "E2E-B-TRK-i1") == 0);
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
    }

    // ---------------------------------------------------------------- step 4b
    // What a branch sends is checked by the master's load filters (sds_setup writes them),
    // which SymmetricDS runs at the master for every row pushed by a branch.
    static void step4b() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        String obsKey = one(M, "select abbr from tabCompany where name = " + lit(OBS));
        String trkKey = one(M, "select abbr from tabCompany where name = " + lit(TRICKY));
        // (a) branch-a gives its company O'Brien the key of the tricky company (branch-b's)
        exec(a, "UPDATE tabCompany SET abbr = " + lit(trkKey) + ", modified = NOW(6) WHERE name = " + lit(OBS));
        // (c) branch-a writes an invoice of the tricky company, which it does not host, and one of
        //     Wind Power, which it does
        insertInvoice(a, "E2E-A-STEAL", TRICKY, 1);
        insertInvoice(a, "E2E-A-WP2", WP, 1);
        // (b) branch-a's node is made to capture Property Setter (its own sym_* tables: in the
        //     classic layout its site user can do it, in the runtime layout whoever controls the
        //     branch's server) and GL Entry's company turned into a Data field
        exec(a, "INSERT INTO sym_trigger (trigger_id, source_catalog_name, source_table_name, channel_id, reload_channel_id, last_update_by,"
                + " create_time, last_update_time) VALUES ('e2e_hostile_ps', " + (RUNTIME ? lit(a) : "NULL") + ", 'tabProperty Setter', 'frappe',"
                + " 'frappe_reload', 'e2e', NOW(), NOW())");
        exec(a, "INSERT INTO sym_trigger_router (trigger_id, router_id, initial_load_order, last_update_by, create_time, last_update_time)"
                + " VALUES ('e2e_hostile_ps', 'sds_b2m', 1, 'e2e', NOW(), NOW())");
        syncTriggers("branch-a", "tabProperty Setter");
        show(a, "select trigger_hist_id, trigger_id, source_table_name, inactive_time from sym_trigger_hist where source_table_name = 'tabProperty Setter'");
        exec(a, "INSERT INTO `tabProperty Setter` (name, creation, modified, modified_by, owner, docstatus, idx, doctype_or_field, doc_type, field_name,"
                + " property, property_type, value) VALUES ('e2e-hostile-ps', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'DocField',"
                + " 'GL Entry', 'company', 'fieldtype', 'Select', 'Data')");
        check("branch-a captured the Property Setter", num(a, "select count(*) from sym_data where table_name = 'tabProperty Setter'") == 1);
        check("branch-a's Wind Power invoice reached the master", waitFor("E2E-A-WP2 on the master", 120,
                () -> cnt(M, "tabSales Invoice Item", "E2E-A-WP2-i1") == 1));
        quiet(120);
        check("branch-a sent the Property Setter to the master, which acknowledged it",
                num(a, "select count(*) from sym_data d join sym_data_event e on e.data_id = d.data_id join sym_outgoing_batch o"
                        + " on o.batch_id = e.batch_id where d.table_name = 'tabProperty Setter' and o.node_id = 'hq' and o.status = 'OK'") == 1);
        check("every batch branch-a sent was loaded (the refused rows were skipped, not failed)",
                num(a, "select count(*) from sym_outgoing_batch where status <> 'OK' and channel_id <> 'heartbeat'") == 0);
        // (a)
        check("the master kept O'Brien's key", obsKey.equals(one(M, "select abbr from tabCompany where name = " + lit(OBS))));
        insertInvoice(M, "E2E-M-TRK2", TRICKY, 1);
        check("the tricky company's next invoice reached branch-b", waitFor("E2E-M-TRK2 on branch-b", 120,
                () -> cnt(b, "tabSales Invoice Item", "E2E-M-TRK2-i1") == 1));
        quiet(120);
        check("... and not branch-a", cnt(a, "tabSales Invoice", "E2E-M-TRK2") + cnt(a, "tabSales Invoice Item", "E2E-M-TRK2-i1") == 0);
        // (c)
        check("branch-a's tricky-company invoice is not on the master, nor on branch-b",
                cnt(M, "tabSales Invoice", "E2E-A-STEAL") + cnt(M, "tabSales Invoice Item", "E2E-A-STEAL-i1")
                        + cnt(b, "tabSales Invoice", "E2E-A-STEAL") + cnt(b, "tabSales Invoice Item", "E2E-A-STEAL-i1") == 0);
        // (b)
        check("the Property Setter is not on the master", cnt(M, "tabProperty Setter", "e2e-hostile-ps") == 0);
        client(M, "CALL sds_sync_schema()");
        check("GL Entry is still per company after sds_sync_schema()",
                "company".equals(one(M, "select scope from sds_plan where doctype = 'GL Entry'")));
        // branch-a undoes its changes (as a site user would; the key it restores is the master's)
        exec(a, "DELETE FROM sym_trigger_router WHERE trigger_id = 'e2e_hostile_ps'");
        exec(a, "DELETE FROM sym_trigger WHERE trigger_id = 'e2e_hostile_ps'");
        // (a full sync-triggers would drop it too, reading all ~1,000 tables: minutes on a busy machine)
        dropTriggers("branch-a", "tabProperty Setter");
        syncTriggers("branch-a", "tabProperty Setter");
        check("branch-a's hostile trigger is gone", num(a, "select count(*) from sym_trigger_hist where trigger_id = 'e2e_hostile_ps' and inactive_time is null") == 0
                && num(a, "select count(*) from information_schema.triggers t join sym_trigger_hist h on t.trigger_name in"
                        + " (h.name_for_insert_trigger, h.name_for_update_trigger, h.name_for_delete_trigger)"
                        + " where t.trigger_schema = database() and h.trigger_id = 'e2e_hostile_ps'") == 0);
        exec(a, "DELETE FROM `tabProperty Setter` WHERE name = 'e2e-hostile-ps'");
        exec(a, "DELETE FROM `tabSales Invoice Item` WHERE parent = 'E2E-A-STEAL'");
        exec(a, "DELETE FROM `tabSales Invoice` WHERE name = 'E2E-A-STEAL'");
        exec(a, "UPDATE tabCompany SET abbr = " + lit(obsKey) + ", modified = NOW(6) WHERE name = " + lit(OBS));
        quiet(120);
        check("branch-a's Company change that keeps the master's key was loaded",
                num(a, "select count(*) from sym_outgoing_batch where status <> 'OK' and channel_id <> 'heartbeat'") == 0
                        && obsKey.equals(one(M, "select abbr from tabCompany where name = " + lit(OBS))));
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
    }

    // ---------------------------------------------------------------- step 5
    static long hist(String trig) throws Exception {
        return num(M, "select ifnull(max(trigger_hist_id), 0) from sym_trigger_hist where trigger_id = '" + trig + "' and inactive_time is null");
    }

    static boolean colExists(String db, String table, String column) throws Exception {
        return num(db, "select count(*) from information_schema.columns where table_schema = database() and table_name = " + lit(table)
                + " and column_name = " + lit(column)) == 1;
    }

    static void step5() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        long logOff = logOffset();
        long maxChange = num(M, "select ifnull(max(id), 0) from sds_schema_change");
        long hSinv = hist("tabsales_invoice"), hItem = hist("tabitem"), hJe = hist("tabjournal_entry"), hCust = hist("tabcustomer"),
                hAcc = hist("tabaccount");
        long reloads0 = num(M, "select count(*) from sym_table_reload_request");
        long t0 = System.currentTimeMillis();
        // what Frappe's migrate issues, one burst: add, modify, drop column; index only; default only
        exec(M, "ALTER TABLE `tabSales Invoice` ADD COLUMN `custom_e2e_slot` VARCHAR(140)");
        exec(M, "ALTER TABLE `tabJournal Entry` MODIFY `user_remark` VARCHAR(200)");
        exec(M, "ALTER TABLE `tabAccount` DROP COLUMN `account_type`");
        exec(M, "ALTER TABLE `tabCustomer` ADD INDEX `e2e_idx_customer_name` (`customer_name`)");
        exec(M, "ALTER TABLE `tabItem` ALTER COLUMN `item_name` SET DEFAULT 'e2e default'");
        exec(M, "UPDATE `tabSales Invoice` SET custom_e2e_slot = CONCAT('slot-', name)");
        String cond = "id > " + maxChange + " and table_name in ('tabSales Invoice', 'tabJournal Entry', 'tabAccount', 'tabCustomer', 'tabItem')";
        boolean opened = waitFor("the worker opened one change per altered table", 60, () -> num(M, "select count(distinct table_name) from sds_schema_change where " + cond) == 5);
        check("one sds_schema_change per altered table", opened);
        boolean rebuilt = waitFor("new sym_trigger_hist for tabSales Invoice with the new column", 180,
                () -> hist("tabsales_invoice") > hSinv && one(M, "select column_names from sym_trigger_hist where trigger_id = 'tabsales_invoice' and inactive_time is null")
                        .toLowerCase().contains("custom_e2e_slot"));
        figure("alter_to_new_trigger_hist_s", (System.currentTimeMillis() - t0) / 1000.0);
        check("SymmetricDS rebuilt the trigger of the altered table", rebuilt);
        boolean indexDone = waitFor("index-only ALTER done", 60, () -> "done".equals(one(M, "select state from sds_schema_change where " + cond + " and table_name = 'tabCustomer'")));
        check("index-only ALTER done, with no reload (fix 2)", indexDone
                && num(M, "select reload_count from sds_schema_change where " + cond + " and table_name = 'tabCustomer'") == 0);
        boolean done = waitFor("every change done", 300, () -> num(M, "select count(*) from sds_schema_change where " + cond + " and state = 'done'") == 5,
                () -> {
                    String f = one(M, "select concat(table_name, ': ', message) from sds_schema_change where " + cond + " and state = 'failed' limit 1");
                    return f != null ? "failed: " + f : batchError();
                });
        figure("alter_to_done_s", (System.currentTimeMillis() - t0) / 1000.0);
        show(M, "select id, table_name, kind, state, needs_rebuild, reload_count, timestampdiff(microsecond, ddl_at, updated_at) / 1e6 secs, message from sds_schema_change where " + cond + " order by id");
        check("every ALTER ended in done (fix 2)", done);
        check("the default-only ALTER finished without a trigger rebuild", hist("tabitem") == hItem);
        check("the index-only ALTER finished without a trigger rebuild", hist("tabcustomer") == hCust);
        check("drop and modify rebuilt their triggers", hist("tabaccount") > hAcc && hist("tabjournal_entry") > hJe);
        check("one reload per table per branch (add, modify, drop, default: 4 tables x 2 branches)",
                num(M, "select count(*) from sym_table_reload_request") - reloads0 == 8);
        quiet(180);
        for (String db : new String[] { a, b }) {
            check(db + ": tabSales Invoice got the new column with the master's values", colExists(db, "tabSales Invoice", "custom_e2e_slot")
                    && num(db, "select count(*) from `tabSales Invoice` where custom_e2e_slot is null or custom_e2e_slot <> concat('slot-', name)") == 0);
            check(db + ": tabJournal Entry.user_remark is VARCHAR(200)",
                    "varchar(200)".equals(one(db, "select column_type from information_schema.columns where table_schema = database() and table_name = 'tabJournal Entry' and column_name = 'user_remark'")));
            check(db + ": tabItem.item_name has the new default",
                    String.valueOf(one(db, "select column_default from information_schema.columns where table_schema = database() and table_name = 'tabItem' and column_name = 'item_name'")).contains("e2e default"));
            show(db, "select column_name from information_schema.columns where table_schema = database() and table_name = 'tabAccount' and column_name = 'account_type'");
        }
        // the master still captures and the branches still load after the changes
        exec(M, "UPDATE `tabAccount` SET modified = NOW(6), account_name = 'after drop' WHERE name = 'Sales - WP'");
        check("writes to the altered tables still replicate", waitFor("tabAccount change on both branches", 120,
                () -> "after drop".equals(one(a, "select account_name from tabAccount where name = 'Sales - WP'"))
                        && "after drop".equals(one(b, "select account_name from tabAccount where name = 'Sales - WP'"))));
        for (String n : BDB.keySet()) check(n + ": still exactly its companies' rows", isolation(n, false));
        List<String> full = logLinesSince(logOff, "Syncing all triggers");
        for (String l : full) say("    log: " + l);
        check("no engine ran a full sync-triggers for the ALTERs (fix 3)", full.isEmpty());
        for (String l : logLinesSince(logOff, "because of configuration change")) say("    log: " + l);
    }

    // ---------------------------------------------------------------- step 6
    static void step6() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        long t0 = System.currentTimeMillis();
        client(M, "INSERT INTO tabDocType (name, module, istable, issingle) VALUES ('E2E Visit', 'Selling', 0, 0);\n"
                + "INSERT INTO tabDocField (name, parent, parenttype, parentfield, fieldname, fieldtype, options)"
                + " VALUES ('e2e-visit-company', 'E2E Visit', 'DocType', 'fields', 'company', 'Link', 'Company');\n"
                + "CREATE TABLE `tabE2E Visit` (name VARCHAR(140) NOT NULL PRIMARY KEY, creation DATETIME(6), modified DATETIME(6),"
                + " modified_by VARCHAR(140), owner VARCHAR(140), docstatus INT NOT NULL DEFAULT 0, company VARCHAR(140), note TEXT,"
                + " KEY company (company)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n"
                + "INSERT INTO `tabE2E Visit` (name, modified, company, note) VALUES ('v-obs', NOW(6), " + lit(OBS) + ", 'o'), ('v-trk', NOW(6), "
                + lit(TRICKY) + ", 't'), ('v-wp', NOW(6), 'Wind Power LLC', 'w'), ('v-rtpl', NOW(6), 'Rivendell Trading Pvt. Ltd.', 'r');\n");
        boolean done = waitFor("the new DocType's change done", 300,
                () -> "done".equals(one(M, "select state from sds_schema_change where table_name = 'tabE2E Visit' and kind = 'create' order by id desc limit 1")));
        check("sds_schema_change for the new table ended in done", done);
        figure("new_doctype_to_done_s", (System.currentTimeMillis() - t0) / 1000.0);
        show(M, "select id, table_name, kind, state, reload_count, message from sds_schema_change where table_name = 'tabE2E Visit'");
        quiet(120);
        check("branch-a got the table with its companies' rows only", new TreeSet<>(col(a, "select name from `tabE2E Visit`")).toString().equals("[v-obs, v-wp]"));
        check("branch-b got the table with its companies' rows only", new TreeSet<>(col(b, "select name from `tabE2E Visit`")).toString().equals("[v-trk, v-wp]"));
        exec(M, "INSERT INTO `tabE2E Visit` (name, modified, company) VALUES ('v-trk-2', NOW(6), " + lit(TRICKY) + ")");
        exec(b, "INSERT INTO `tabE2E Visit` (name, modified, company) VALUES ('v-b-wp', NOW(6), 'Wind Power LLC')");
        check("live rows of the new table flow both ways", waitFor("v-trk-2 on branch-b, v-b-wp on the master and branch-a", 120,
                () -> cnt(b, "tabE2E Visit", "v-trk-2") == 1 && cnt(M, "tabE2E Visit", "v-b-wp") == 1 && cnt(a, "tabE2E Visit", "v-b-wp") == 1));
        check("v-trk-2 not on branch-a", cnt(a, "tabE2E Visit", "v-trk-2") == 0);
    }

    // ---------------------------------------------------------------- step 7
    static void step7() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        // in the runtime layout a branch runs an SQL event on its engine's connection, whose
        // default database is its runtime database: the statement names the site's tables with
        // $(catalogName), which SymmetricDS replaces by the catalog of the table the event rides
        // (DefaultDatabaseWriter.preprocessSqlStatement), the branch's site database
        String t = RUNTIME ? "$(catalogName).e2e_sql_probe" : "e2e_sql_probe";
        say(client(M, "CALL sds_send_sql('branch-b', 'CREATE TABLE " + t + " (id INT PRIMARY KEY, note VARCHAR(50))');\n"
                + "CALL sds_send_sql('branch-b', 'INSERT INTO " + t + " VALUES (1, ''sent from hq'')');\n").replaceAll("(?m)^", "    | "));
        check("the statements ran on branch-b", waitFor("e2e_sql_probe on branch-b", 120, () -> "sent from hq".equals(one(b, "select note from e2e_sql_probe where id = 1"))));
        quiet(60);
        check("not on branch-a", num(a, "select count(*) from information_schema.tables where table_name = 'e2e_sql_probe'") == 0);
        check("not on the master", num(M, "select count(*) from information_schema.tables where table_name = 'e2e_sql_probe'") == 0);
        if (RUNTIME)
            check("on branch-b in its site database only, not in its runtime database",
                    num(b, "select count(*) from information_schema.tables where table_name = 'e2e_sql_probe' and table_schema <> database()") == 0);
    }

    // ---------------------------------------------------------------- step 8
    /** ms to insert n child rows in one transaction into table (same columns as tabSales Invoice Item). */
    static double insertMs(String db, String table, String prefix, int n) throws Exception {
        try (Connection c = conn(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++)
                s.execute("INSERT INTO `" + table + "` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, item_code, qty)"
                        + " VALUES ('" + prefix + i + "', NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 'E2E-M-WP', 'items', 'Sales Invoice', " + i + ", 'ITEM-0001', 1)");
            c.commit();
            double ms = (System.nanoTime() - t0) / 1e6;
            s.execute("DELETE FROM `" + table + "` WHERE name LIKE '" + prefix + "%'");
            c.commit();
            return ms;
        }
    }

    /** rows/s of capture on db's tabSales Invoice Item and its ratio to a copy without triggers (median of rounds). */
    static void captureRate(String who, String db, int n, int rounds) throws Exception {
        exec(db, "CREATE TABLE IF NOT EXISTS `e2e_plain_item` LIKE `tabSales Invoice Item`");
        List<Double> ratio = new ArrayList<>(), rate = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double plain = insertMs(db, "e2e_plain_item", "plain-" + r + "-", n);
            double cap = insertMs(db, "tabSales Invoice Item", "e2e-cap-" + who + "-" + r + "-", n);
            rate.add(n / (cap / 1000.0));
            ratio.add(plain / cap);
        }
        exec(db, "DROP TABLE `e2e_plain_item`");
        rate.sort(null);
        ratio.sort(null);
        figure("capture_rows_per_s_" + who, rate.get(rounds / 2));
        say(String.format("FIGURE capture_vs_untriggered_%s %.2f", who, ratio.get(rounds / 2)));
    }

    static void step8() throws Exception {
        int n = Integer.getInteger("e2e.captureRows", 500), rounds = Integer.getInteger("e2e.captureRounds", 3);
        captureRate("master", M, n, rounds);
        captureRate("branch", BDB.get("branch-a"), n, rounds);
        check("capture rates measured", true);
    }
}
