/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   bench/fleet.sh's driver (issue 20's fleet figures): a master under a fixed write load with
   1, 4 and 16 branches on SymmetricDS 3.15.9's own engine (one JVM, internal transport),
   the master set up as tests/e2e/E2E.java does it (runtime layout: DBA steps, sds_setup,
   master engine from frappe_sds.sds_engine_properties), each branch hosting one company of
   its own, each its own database on the branch server(s).

   Figures, per branch count (the same load each time):
   - routing time per captured row at the master: the master engine's own routing job
     statistics (RouterService adds one JobStats "Routing" per run that routed something:
     start, end, data events routed; StatisticManager.getWorkingJobStats) over the phase,
     divided by the rows captured meanwhile (sym_data ids of the phase);
   - master -> branch latency, commit -> visible: each invoice's commit time at the master
     (taken when its COMMIT returns) against the time a poller first sees its header row in
     the branch's database; p50 / p99 / max over every branch;
   then, with the last count, one branch's engine stopped for a phase and started again:
   its catch-up (backlog rows from the master's sym_outgoing_batch, rows / s from its start
   to its last batch acknowledged) and the other branches' p99 meanwhile; then the purge:
   sym_data / sym_data_event / sym_outgoing_batch rows before and after SymmetricDS's
   outgoing purge (PurgeService.purgeOutgoing) with purge.retention.minutes shortened.
   Isolation: every branch ends with exactly its company's rows of the tables the load
   writes (tabCompany, tabSales Invoice, tabSales Invoice Item, tabSales Taxes and Charges).

   args: MASTER_SOCKET MASTER_DB BRANCH_SOCKETS(comma) BRANCH_DBS(comma) WORKDIR PROJECT_DIR LOGFILE
   properties: fleet.counts (1,4,16), fleet.rate (invoices/s), fleet.items (rows of items an
   invoice), fleet.phaseS, fleet.offlineS, fleet.keep (DocTypes replicated; the rest get a
   sds_doctype_rule 'excluded'), fleet.retentionMin.
   Prints FIGURE lines; exits 0 when every branch loaded, caught up and kept isolation. */
package e2e;

import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import org.jumpmind.symmetric.ISymmetricEngine;
import org.jumpmind.symmetric.statistic.JobStats;

public class Fleet {
    static final int RATE = Integer.getInteger("fleet.rate", 10), ITEMS = Integer.getInteger("fleet.items", 3),
            PHASE_S = Integer.getInteger("fleet.phaseS", 120), OFFLINE_S = Integer.getInteger("fleet.offlineS", 120),
            RETENTION_MIN = Integer.getInteger("fleet.retentionMin", 1), WARMUP_S = Integer.getInteger("fleet.warmupS", 0);
    static final String KEEP = System.getProperty("fleet.keep", "Company,Sales Invoice,Sales Invoice Item,Sales Taxes and Charges");
    /** engine properties of the master only (k=v;k=v), a variant to measure: set as system
     *  properties while the master's engine is built (its parameter service copies the system
     *  properties then, AbstractParameterService, and they override the engine file,
     *  ParameterService.rereadApplicationParameters), cleared before any branch's is built */
    static final String MASTER_PROPS = System.getProperty("fleet.masterProps", "");
    static final int IDLE_S = Integer.getInteger("fleet.idleS", 0);
    static final boolean PURGE = Boolean.parseBoolean(System.getProperty("fleet.purge", "true"));
    /** the master server's pid file (its CPU time from /proc), if given */
    static final String MASTER_PID = System.getProperty("fleet.masterPid", "");
    static final List<String> COMPANIES = new ArrayList<>();
    static final List<String> NODES = new ArrayList<>();
    static final Map<String, Properties> PROPS = new HashMap<>();
    static boolean ok = true;

    static void check(String what, boolean c) {
        E2E.say((c ? "  ok   " : "  FAIL ") + what);
        ok &= c;
    }

    static String node(int i) {
        return String.format("branch-%02d", i + 1);
    }

    public static void main(String[] a) throws Exception {
        E2E.M = a[1];
        E2E.MR = E2E.RUNTIME ? "sym_" + E2E.M : E2E.M;
        E2E.SOCK.put(E2E.M, a[0]);
        E2E.SOCK.put(E2E.MR, a[0]);
        E2E.RT.put(E2E.M, E2E.MR);
        String[] socks = a[2].split(","), dbs = a[3].split(",");
        for (int i = 0; i < dbs.length; i++) {
            E2E.SOCK.put(dbs[i], socks[i % socks.length]);
            // each branch in the runtime layout too (as E2E's): SymmetricDS's tables in
            // sym_<its site database>, made by the DBA's steps at its server (addBranches)
            E2E.RT.put(dbs[i], E2E.RUNTIME ? "sym_" + dbs[i] : dbs[i]);
            E2E.SOCK.put(E2E.RT.get(dbs[i]), socks[i % socks.length]);
            NODES.add(node(i));
            E2E.BSYM.put(node(i), "sym" + node(i).replace("-", ""));
            E2E.BSITE.put(node(i), "site" + node(i).replace("-", ""));
            DBS.add(dbs[i]);
        }
        E2E.work = a[4];
        E2E.proj = a[5];
        E2E.logFile = a[6];
        int[] counts = Arrays.stream(System.getProperty("fleet.counts", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        if (counts[counts.length - 1] > dbs.length) throw new IllegalArgumentException("more branches than databases");
        URL.setURLStreamHandlerFactory(p -> "internal".equals(p) ? new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) throws IOException {
                throw new IOException("internal: urls are not opened");
            }
        } : null);
        int rc = 0;
        try {
            COMPANIES.addAll(E2E.col(E2E.M, "select name from tabCompany where owner = 'gen@example.com' order by abbr"));
            if (COMPANIES.size() < counts[counts.length - 1]) throw new IllegalStateException("fewer generated companies than branches");
            E2E.say("INFO companies: " + COMPANIES);
            E2E.say("INFO job periods (ms): routing " + System.getProperty("e2e.routingMs") + ", pull " + System.getProperty("job.pull.period.time.ms", "(test 1000)")
                    + ", push " + System.getProperty("job.push.period.time.ms", "(test 1000)") + "; load " + RATE + " invoices/s x (1 + " + ITEMS + " items + 1 tax row), phases "
                    + PHASE_S + " s, offline " + OFFLINE_S + " s");
            setUpMaster(counts[0]);
            int have = 0;
            double[] routing1 = null;
            Map<Integer, double[]> lat = new LinkedHashMap<>();
            for (int c : counts) {
                addBranches(have, c);
                if (have == 0 && WARMUP_S > 0) {
                    // the same load before the first measured phase: the JVM's and the servers' warm-up
                    // would otherwise fall on the first branch count only (section 6.2 of RESULTS.scale.md)
                    E2E.say("=== warm-up: " + WARMUP_S + " s of load, not measured");
                    runLoad("w", WARMUP_S, NODES.subList(0, c), null);
                }
                have = c;
                E2E.say("=== phase: " + c + " branch(es), " + PHASE_S + " s of load");
                Phase ph = runLoad("n" + c, PHASE_S, NODES.subList(0, c), null);
                double r = report(ph, "b" + c);
                if (routing1 == null) routing1 = new double[] { r };
                else E2E.say(String.format("FIGURE routing_ratio_%d_vs_%d %.2f (target for 16: <= 1.2)", c, counts[0], r / routing1[0]));
                lat.put(c, ph.lat(NODES.subList(0, c), null));
            }
            if (IDLE_S > 0) {
                E2E.say("=== idle: " + IDLE_S + " s without load, " + have + " branches");
                idle(IDLE_S, "idle");
            }
            // one branch offline under the same load, then back
            String off = NODES.get(have - 1);
            List<String> others = NODES.subList(0, have - 1);
            Phase full = lastPhase;
            double p99Others = pct(full.latencies(others), 99);
            E2E.say("=== phase: " + off + " offline (engine stopped), " + OFFLINE_S + " s of load");
            // (destroy: stopped and unregistered, so that an engine of the same name can start again)
            E2E.engines.remove(off).destroy();
            Phase ph = runLoad("off", OFFLINE_S, others, off);
            report(ph, "offline");
            double p99Off = pct(ph.latencies(others), 99);
            E2E.say(String.format("FIGURE others_p99_ms_all_online %.0f", p99Others));
            E2E.say(String.format("FIGURE others_p99_ms_one_offline %.0f", p99Off));
            E2E.say(String.format("FIGURE others_p99_ratio %.2f (target <= 1.1)", p99Off / p99Others));
            catchUp(off, ph);
            if (PURGE) purge();
            else E2E.say("INFO purge not run (fleet.purge=false)");
            for (int i = 0; i < have; i++) check(NODES.get(i) + ": exactly its company's rows of the tables the load writes", isolation(NODES.get(i)));
            rc = ok ? 0 : 1;
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
        E2E.say(rc == 0 ? "RESULT PASS" : "RESULT FAIL");
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    /** E2E's step 1 (runtime layout), with a lean plan: every DocType but fleet.keep gets a
     *  sds_doctype_rule 'excluded' (docs/routing.md, the plan's first precedence) before sds_setup */
    static void setUpMaster(int first) throws Exception {
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < first; i++) {
            E2E.BDB.put(NODES.get(i), dbOf(i));
            E2E.BCOMP.put(NODES.get(i), "[" + E2E.jsonStr(COMPANIES.get(i)) + "]");
        }
        E2E.runtimeDbaSteps();
        StringBuilder keep = new StringBuilder();
        for (String k : KEEP.split(",")) keep.append(keep.length() == 0 ? "" : ", ").append(E2E.lit(k.trim()));
        E2E.exec(E2E.M, "insert into sds_doctype_rule (doctype, scope, note) select name, 'excluded', 'bench/fleet.sh: lean site'"
                + " from tabDocType where name not in (" + keep + ")");
        E2E.say("INFO sds_doctype_rule: " + E2E.num(E2E.M, "select count(*) from sds_doctype_rule") + " DocTypes excluded, kept: " + keep);
        // (the kept DocTypes' tables are the only site tables with branch trigger rows)
        E2E.MIN_UP_SITE_TABLES = KEEP.split(",").length;
        E2E.stepOk = true;
        List<String> set = new ArrayList<>();
        for (String kv : MASTER_PROPS.split(";")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            System.setProperty(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            set.add(kv.substring(0, eq).trim());
        }
        try {
            E2E.step1Site();
        } finally {
            for (String k : set) System.clearProperty(k);
        }
        ISymmetricEngine me = E2E.engines.get("master");
        masterFileJobs(me);
        E2E.say("INFO master engine parameters: job.routing.period.time.ms=" + me.getParameterService().getString("job.routing.period.time.ms")
                + " start.routing.job=" + me.getParameterService().getString("start.routing.job") + " start.route.job=" + me.getParameterService().getString("start.route.job")
                + " route.on.extract=" + me.getParameterService().getString("route.on.extract") + " job.pull.period.time.ms="
                + me.getParameterService().getString("job.pull.period.time.ms") + (set.isEmpty() ? "" : " (variant: " + MASTER_PROPS + ")"));
        E2E.say(String.format("FIGURE master_setup_s %.1f", (System.currentTimeMillis() - t0) / 1000.0));
        E2E.show(E2E.M, "select scope, count(*) from sds_plan group by scope");
        E2E.show(E2E.M, "select trigger_id, source_catalog_name, source_table_name, channel_id from sym_trigger where trigger_id not like '%.up'");
        E2E.say("INFO master capture triggers: " + E2E.num(E2E.M, "select count(*) from information_schema.triggers where trigger_schema = database()"));
    }

    /** The master's job settings as its engine file from frappe_sds.sds_engine_properties says:
     *  E2E.testSettings (e2e.routingMs) overrides the file's job.routing.period.time.ms for
     *  every engine; for the master this undoes that override (a parameter of the master in
     *  sym_parameter, which overrides both, ParameterService.rereadApplicationParameters; the
     *  routing job restarted with it), unless the variant (fleet.masterProps) sets the key. */
    static void masterFileJobs(ISymmetricEngine me) throws Exception {
        String text = E2E.one(E2E.M, "CALL frappe_sds.sds_engine_properties(DATABASE(), 'hq', 'master', DATABASE(), " + E2E.lit(E2E.SOCK.get(E2E.M))
                + ", " + E2E.lit(E2E.RUNTIME ? E2E.SYM_USER : "root") + ", 'http://localhost:31415/sync/master', '')");
        Properties f = E2E.parse(text);
        boolean changed = false;
        for (String k : new String[] { "job.routing.period.time.ms", "start.routing.job", "route.on.extract" }) {
            String v = f.getProperty(k);
            if (v == null || MASTER_PROPS.contains(k + "=") || v.equals(me.getParameterService().getString(k))) continue;
            E2E.say("INFO the master's engine file sets " + k + "=" + v + " (the test settings had " + me.getParameterService().getString(k) + "): applied");
            // (the master's own row: external id and group, not ALL, which the config channel
            // would hand to every branch too)
            me.getParameterService().saveParameter(me.getParameterService().getExternalId(), me.getParameterService().getNodeGroupId(), k, v, "fleet");
            changed = true;
        }
        if (changed) {
            me.getParameterService().rereadParameters();
            me.getJobManager().restartJob(org.jumpmind.symmetric.service.ClusterConstants.ROUTE);
        }
    }

    static final List<String> DBS = new ArrayList<>();

    static String dbOf(int i) {
        return DBS.get(i);
    }

    /** branches [from, to): sds_add_branch (the ones after the first count), engines from
     *  frappe_sds.sds_engine_properties as E2E step 2, registered and loaded */
    static void addBranches(int from, int to) throws Exception {
        long t0 = System.currentTimeMillis();
        String M = E2E.M;
        StringBuilder add = new StringBuilder();
        for (int i = from; i < to; i++)
            if (!E2E.BDB.containsKey(NODES.get(i))) add.append("CALL sds_add_branch('" + NODES.get(i) + "', " + E2E.lit("[" + E2E.jsonStr(COMPANIES.get(i)) + "]") + ");\n");
        if (add.length() > 0) E2E.siteClient(add.toString());
        for (int i = from; i < to; i++) {
            String n = NODES.get(i), db = dbOf(i);
            E2E.BDB.put(n, db);
            // the branch's DBA steps at its server in the runtime layout (E2E.step2's)
            if (E2E.RUNTIME) E2E.branchDbaSteps(n);
            String user = E2E.RUNTIME ? E2E.BSYM.get(n) : "root";
            String text = E2E.one(M, "CALL frappe_sds.sds_engine_properties(DATABASE(), '" + n + "', '" + n + "', '" + db + "', "
                    + E2E.lit(E2E.SOCK.get(db)) + ", " + E2E.lit(user) + ", '', 'http://localhost:31415/sync/master')");
            Properties p = E2E.parse(text);
            if (E2E.RUNTIME) p.setProperty("db.password", E2E.BSYM_PW);
            p.setProperty("db.url", E2E.url(E2E.rt(db)));
            E2E.testSettings(p, n);
            p.setProperty("registration.url", E2E.syncUrl("master"));
            PROPS.put(n, (Properties) p.clone());
            E2E.start(n, p);
        }
        for (int i = from; i < to; i++) {
            String n = NODES.get(i);
            boolean loaded = E2E.waitFor(n + " registered and first load done", 900, () -> E2E.num(M, "select count(*) from sym_node_security where node_id = '" + n
                    + "' and initial_load_enabled = 0 and initial_load_end_time is not null") == 1
                    && E2E.num(M, "select count(*) from sym_outgoing_batch where node_id = '" + n + "' and status not in ('OK', 'IG') and channel_id not in ('heartbeat')") == 0);
            check(n + " registered and loaded", loaded);
            if (!loaded) throw new IllegalStateException(n + " did not load");
        }
        E2E.say(String.format("FIGURE branches_%d_to_%d_up_s %.1f", from + 1, to, (System.currentTimeMillis() - t0) / 1000.0));
        if (from == 0) E2E.show(dbOf(0), "select count(*) active_trigger_hist from sym_trigger_hist where inactive_time is null");
    }

    /** one load phase: its invoices' commit times, what the pollers saw, the routing job's runs */
    static class Phase {
        String name;
        long start, end, dataIdBefore, dataIdAfter;
        final Map<String, Long> committed = new ConcurrentHashMap<>(); // invoice -> commit ms
        final Map<String, String> companyOf = new ConcurrentHashMap<>();
        final Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>(); // node -> invoice -> visible ms
        List<JobStats> routing = new ArrayList<>();
        String load;
        double[] cpu0, cpu1; // {master mariadbd, this JVM} CPU seconds at the load's start / end

        /** latencies (ms) of the invoices of the nodes' companies, committed in the phase */
        List<Long> latencies(List<String> nodes) {
            List<Long> l = new ArrayList<>();
            for (String n : nodes) {
                String co = COMPANIES.get(NODES.indexOf(n));
                Map<String, Long> s = seen.getOrDefault(n, Map.of());
                for (Map.Entry<String, Long> e : committed.entrySet())
                    if (co.equals(companyOf.get(e.getKey()))) {
                        Long v = s.get(e.getKey());
                        l.add(v == null ? Long.MAX_VALUE : v - e.getValue());
                    }
            }
            Collections.sort(l);
            return l;
        }

        double[] lat(List<String> nodes, String none) {
            List<Long> l = latencies(nodes);
            return new double[] { pct(l, 50), pct(l, 99), l.isEmpty() ? Double.NaN : l.get(l.size() - 1), l.size() };
        }
    }

    static Phase lastPhase;

    /** CPU seconds so far of the master's mariadbd (/proc/PID/stat utime + stime, 100 ticks a
     *  second) and of this JVM (every engine), or NaN */
    static double[] cpu() {
        double m = Double.NaN, j = Double.NaN;
        try {
            if (!MASTER_PID.isEmpty()) {
                String pid = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(MASTER_PID))).trim();
                String st = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/" + pid + "/stat")));
                String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                m = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            }
        } catch (Exception e) {
            // NaN
        }
        try {
            j = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        } catch (Exception e) {
            // NaN
        }
        return new double[] { m, j };
    }

    static void cpuFigure(String tag, double[] a, double[] b, long ms) {
        double s = ms / 1000.0;
        E2E.say(String.format("FIGURE %s_cpu master_mariadbd %.1f s jvm %.1f s in %.0f s (%.2f / %.2f of a core)", tag, b[0] - a[0], b[1] - a[1], s,
                (b[0] - a[0]) / s, (b[1] - a[1]) / s));
    }

    /** s seconds without load: what the engines cost idle (routing / pull jobs with nothing to move) */
    static void idle(int s, String tag) throws Exception {
        double[] a = cpu();
        long t0 = System.currentTimeMillis();
        String l0 = loadavg().split(" ")[0];
        Thread.sleep(s * 1000L);
        cpuFigure(tag, a, cpu(), System.currentTimeMillis() - t0);
        E2E.say("INFO " + tag + ": load average " + l0 + " -> " + loadavg().split(" ")[0]);
    }

    static double pct(List<Long> l, double p) {
        if (l.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * l.size()) - 1;
        long v = l.get(Math.max(0, Math.min(l.size() - 1, i)));
        return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v;
    }

    static String loadavg() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/loadavg"))).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    /** RATE invoices a second for seconds s, round robin over every generated company (the same
     *  load whatever the branch count); pollers on the online nodes until each has its invoices */
    static Phase runLoad(String name, int s, List<String> online, String offline) throws Exception {
        Phase ph = new Phase();
        ph.name = name;
        lastPhase = ph;
        String M = E2E.M;
        ISymmetricEngine master = E2E.engines.get("master");
        ph.dataIdBefore = E2E.num(M, "select coalesce(max(data_id), 0) from sym_data");
        int jobsBefore = routingStats(master).size();
        List<String> loads = new ArrayList<>();
        ph.start = System.currentTimeMillis();
        volatile_stop = false;
        List<Thread> pollers = new ArrayList<>();
        for (String n : online) {
            Thread t = new Thread(() -> poll(ph, n), "poll-" + n);
            t.setDaemon(true);
            t.start();
            pollers.add(t);
        }
        int total = RATE * s;
        ph.cpu0 = cpu();
        try (Connection c = E2E.conn(M)) {
            c.setAutoCommit(false);
            PreparedStatement si = c.prepareStatement("INSERT INTO `tabSales Invoice` (name, creation, modified, modified_by, owner, docstatus, idx, customer, company, posting_date, grand_total)"
                    + " VALUES (?, NOW(6), NOW(6), 'Administrator', 'fleet@example.com', 0, 0, 'Acme Corp', ?, CURDATE(), 10)");
            PreparedStatement it = c.prepareStatement("INSERT INTO `tabSales Invoice Item` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, item_code, qty)"
                    + " VALUES (?, NOW(6), NOW(6), 'Administrator', 'fleet@example.com', 0, ?, 'items', 'Sales Invoice', ?, 'ITEM-0001', ?)");
            PreparedStatement tx = c.prepareStatement("INSERT INTO `tabSales Taxes and Charges` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, charge_type, description, rate)"
                    + " VALUES (?, NOW(6), NOW(6), 'Administrator', 'fleet@example.com', 0, ?, 'taxes', 'Sales Invoice', 1, 'On Net Total', 'VAT', 19)");
            for (int k = 0; k < total; k++) {
                long due = ph.start + k * 1000L / RATE;
                long now = System.currentTimeMillis();
                if (due > now) Thread.sleep(due - now);
                if (k % (RATE * 10) == 0) loads.add(loadavg().split(" ")[0]);
                String inv = invoiceName(name, k), co = COMPANIES.get(k % COMPANIES.size());
                si.setString(1, inv);
                si.setString(2, co);
                si.executeUpdate();
                for (int i = 1; i <= ITEMS; i++) {
                    it.setString(1, inv + "-i" + i);
                    it.setString(2, inv);
                    it.setInt(3, i);
                    it.setInt(4, i);
                    it.executeUpdate();
                }
                tx.setString(1, inv + "-t");
                tx.setString(2, inv);
                tx.executeUpdate();
                c.commit();
                ph.committed.put(inv, System.currentTimeMillis());
                ph.companyOf.put(inv, co);
            }
        }
        ph.end = System.currentTimeMillis();
        ph.cpu1 = cpu();
        long behind = ph.end - (ph.start + s * 1000L);
        E2E.say(String.format("INFO phase %s: %d invoices in %.1f s (%.1f behind schedule), load average %s", name, total, (ph.end - ph.start) / 1000.0,
                behind / 1000.0, String.join(" ", loads)));
        ph.load = String.join("/", loads);
        // every online node gets its invoices (bounded wait), then the routing runs of the phase
        E2E.waitFor("phase " + name + ": every online branch has its invoices", 180, () -> {
            for (String n : online) {
                String co = COMPANIES.get(NODES.indexOf(n));
                long want = ph.companyOf.values().stream().filter(co::equals).count();
                if (ph.seen.getOrDefault(n, Map.of()).size() < want) return false;
            }
            return true;
        });
        volatile_stop = true;
        for (Thread t : pollers) t.join(5000);
        ph.dataIdAfter = E2E.num(M, "select coalesce(max(data_id), 0) from sym_data");
        List<JobStats> all = routingStats(master);
        ph.routing = all.subList(jobsBefore, all.size());
        return ph;
    }

    static volatile boolean volatile_stop;

    static List<JobStats> routingStats(ISymmetricEngine e) {
        List<JobStats> r = new ArrayList<>();
        for (JobStats j : e.getStatisticManager().getWorkingJobStats())
            if ("Routing".equals(j.getJobName())) r.add(j);
        return r;
    }

    /** the k-th invoice of a phase; zero-padded, so that names sort as k does */
    static String invoiceName(String phase, int k) {
        return String.format("FLT-%s-%09d", phase, k);
    }

    /** polls a branch every 200 ms for the phase's invoice headers: first seen = visible.
     *  It reads only from its company's first invoice not seen yet (a primary-key range): reading
     *  every invoice of the phase each time grew with the phase, and in an hour-long phase the
     *  15 pollers' own work was most of the machine's load. */
    static void poll(Phase ph, String n) {
        Map<String, Long> seen = ph.seen.computeIfAbsent(n, k -> new ConcurrentHashMap<>());
        String db = E2E.BDB.get(n);
        int step = COMPANIES.size(), lo = NODES.indexOf(n) % step;   // its invoices: k = lo (mod step)
        try (Connection c = E2E.conn(db); PreparedStatement q = c.prepareStatement(
                "select name from `tabSales Invoice` where name like ? and name >= ?")) {
            q.setString(1, "FLT-" + ph.name + "-%");
            while (!volatile_stop) {
                long t = System.currentTimeMillis();
                q.setString(2, invoiceName(ph.name, lo));
                try (ResultSet rs = q.executeQuery()) {
                    long now = System.currentTimeMillis();
                    while (rs.next()) seen.putIfAbsent(rs.getString(1), now);
                }
                while (seen.containsKey(invoiceName(ph.name, lo))) lo += step;
                long d = 200 - (System.currentTimeMillis() - t);
                if (d > 0) Thread.sleep(d);
            }
        } catch (Exception e) {
            E2E.say("poll " + n + ": " + e);
        }
    }

    static double report(Phase ph, String tag) throws Exception {
        long rows = ph.dataIdAfter - ph.dataIdBefore;
        long ms = 0, events = 0;
        for (JobStats j : ph.routing) {
            ms += j.getEndTime().getTime() - j.getStartTime().getTime();
            events += j.getProcessedCount();
        }
        E2E.say(String.format("FIGURE %s_captured_rows %d", tag, rows));
        E2E.say(String.format("FIGURE %s_routing_runs %d", tag, ph.routing.size()));
        E2E.say(String.format("FIGURE %s_routing_ms_total %d", tag, ms));
        E2E.say(String.format("FIGURE %s_routed_data_events %d", tag, events));
        E2E.say(String.format("FIGURE %s_routing_ms_per_captured_row %.3f", tag, rows == 0 ? Double.NaN : (double) ms / rows));
        E2E.say(String.format("FIGURE %s_routing_ms_per_data_event %.3f", tag, events == 0 ? Double.NaN : (double) ms / events));
        cpuFigure(tag, ph.cpu0, ph.cpu1, ph.end - ph.start);
        StringBuilder runs = new StringBuilder();
        for (JobStats j : ph.routing) runs.append(j.getEndTime().getTime() - j.getStartTime().getTime()).append("ms/").append(j.getProcessedCount()).append(' ');
        E2E.say("INFO " + tag + " routing runs (ms/data events): " + runs);
        List<String> nodes = new ArrayList<>(ph.seen.keySet());
        Collections.sort(nodes);
        double[] l = ph.lat(nodes, null);
        E2E.say(String.format("FIGURE %s_latency_ms p50 %.0f p99 %.0f max %.0f (%d invoice arrivals, %d branches, load average %s)", tag, l[0], l[1], l[2], (long) l[3],
                nodes.size(), ph.load));
        // the master's outgoing batches of the phase, per node: SymmetricDS's own router_millis
        E2E.show(E2E.M, "select count(distinct node_id) nodes, count(*) batches, sum(data_row_count) rows_, round(avg(router_millis)) avg_router_ms,"
                + " round(avg(extract_millis)) avg_extract_ms, round(avg(load_millis)) avg_load_ms"
                + " from sym_outgoing_batch where node_id like 'branch-%' and channel_id = 'frappe' and create_time >= from_unixtime(" + ph.start / 1000.0 + ")");
        return rows == 0 ? Double.NaN : (double) ms / rows;
    }

    /** the offline branch back: backlog, time and rate to catch up */
    static void catchUp(String n, Phase ph) throws Exception {
        String M = E2E.M;
        String pend = "from sym_outgoing_batch where node_id = '" + n + "' and status not in ('OK', 'IG') and channel_id <> 'heartbeat'";
        // its backlog: routed while it was away (the routing job runs every period)
        E2E.waitFor(n + "'s backlog routed", 60, () -> E2E.num(M, "select count(*) from sym_data where data_id > (select coalesce(max(data_id), 0) from sym_data_event)") == 0);
        long batches = E2E.num(M, "select count(*) " + pend), rows = E2E.num(M, "select coalesce(sum(data_row_count), 0) " + pend);
        E2E.say(String.format("FIGURE offline_backlog_batches %d", batches));
        E2E.say(String.format("FIGURE offline_backlog_rows %d", rows));
        String co = COMPANIES.get(NODES.indexOf(n));
        long want = ph.companyOf.values().stream().filter(co::equals).count();
        long t0 = System.currentTimeMillis();
        E2E.start(n, (Properties) PROPS.get(n).clone());
        long started = System.currentTimeMillis();
        boolean back = E2E.waitFor(n + " caught up", 600, () -> E2E.num(M, "select count(*) " + pend) == 0
                && E2E.num(E2E.BDB.get(n), "select count(*) from `tabSales Invoice` where name like 'FLT-off-%'") == want);
        long t1 = System.currentTimeMillis();
        check(n + " caught up after its engine started again", back);
        E2E.say(String.format("FIGURE offline_engine_start_s %.1f", (started - t0) / 1000.0));
        E2E.say(String.format("FIGURE offline_catch_up_s %.1f (engine start -> backlog acknowledged)", (t1 - started) / 1000.0));
        E2E.say(String.format("FIGURE offline_catch_up_rows_s %.0f", rows / Math.max(0.001, (t1 - started) / 1000.0)));
        // SymmetricDS's own times of the backlog batches at the branch: first received -> last loaded
        String db = E2E.BDB.get(n);
        E2E.show(db, "select count(*) batches, sum(load_row_count) rows_, round(sum(load_millis) / 1000, 2) load_s,"
                + " round(timestampdiff(microsecond, min(create_time), max(last_update_time)) / 1e6, 2) first_received_to_last_loaded_s"
                + " from sym_incoming_batch where channel_id = 'frappe' and create_time >= from_unixtime(" + started / 1000.0 + ")");
        // (sym_incoming_batch's times have whole seconds: the branch's own millis columns instead)
        String v = E2E.one(db, "select round(sum(load_row_count) / greatest(0.001, sum(network_millis + filter_millis + load_millis) / 1000))"
                + " from sym_incoming_batch where channel_id = 'frappe' and create_time >= from_unixtime(" + (started / 1000 - 1) + ")");
        E2E.say("FIGURE offline_backlog_loader_rows_s " + v + " (backlog rows per second of the branch's network + filter + load millis, its sym_incoming_batch)");
        // the per-batch cost split of the backlog, SymmetricDS's own columns: at the master
        // (sym_outgoing_batch: routing, extraction, the times it stamps at extract / transfer /
        // load start, whole seconds: not shown) and at the branch
        // (sym_incoming_batch: network = reading the batch, filter, load)
        E2E.say("INFO the backlog's batches at the master, per batch (ms):");
        E2E.show(M, "select count(*) batches, round(avg(data_row_count), 1) rows_, round(avg(router_millis)) router, round(avg(extract_millis)) extract,"
                + " round(avg(network_millis)) network, round(avg(filter_millis)) filter, round(avg(load_millis)) load_, round(avg(total_extract_millis)) total_extract,"
                + " round(avg(total_load_millis)) total_load, round(sum(byte_count) / count(*)) bytes"
                + " from sym_outgoing_batch where node_id = '" + n + "' and channel_id = 'frappe' and create_time >= from_unixtime(" + ph.start / 1000.0 + ")");
        E2E.say("INFO the backlog's batches at the branch, per batch (ms):");
        E2E.show(db, "select count(*) batches, round(avg(load_row_count), 1) rows_, round(avg(network_millis)) network, round(avg(filter_millis)) filter,"
                + " round(avg(load_millis)) load_ from sym_incoming_batch where channel_id = 'frappe' and create_time >= from_unixtime(" + (started / 1000 - 1) + ")");
    }

    /** SymmetricDS's outgoing purge at the master with purge.retention.minutes shortened */
    static void purge() throws Exception {
        String M = E2E.M;
        ISymmetricEngine master = E2E.engines.get("master");
        E2E.quiet(300);
        String counts = "select (select count(*) from sym_data) data_, (select count(*) from sym_data_event) data_event,"
                + " (select count(*) from sym_outgoing_batch) outgoing_batch, (select count(*) from sym_data_gap) data_gap";
        E2E.say("INFO before the purge (every batch acknowledged):");
        E2E.show(M, counts);
        long d0 = E2E.num(M, "select count(*) from sym_data"), e0 = E2E.num(M, "select count(*) from sym_data_event");
        master.getParameterService().saveParameter("purge.retention.minutes", RETENTION_MIN, "fleet");
        master.getParameterService().rereadParameters();
        // everything captured is older than the retention once it has passed
        long last = E2E.num(M, "select unix_timestamp(max(create_time)) from sym_data");
        long wait = (last + RETENTION_MIN * 60L + 2) * 1000 - System.currentTimeMillis();
        if (wait > 0) {
            E2E.say("INFO waiting " + wait / 1000 + " s for the retention (" + RETENTION_MIN + " min) to pass");
            Thread.sleep(wait);
        }
        long t0 = System.currentTimeMillis();
        long purged = master.getPurgeService().purgeOutgoing(true);
        E2E.say(String.format("FIGURE purge_outgoing_s %.1f (%d rows purged)", (System.currentTimeMillis() - t0) / 1000.0, purged));
        E2E.say("INFO after the purge:");
        E2E.show(M, counts);
        long d1 = E2E.num(M, "select count(*) from sym_data"), e1 = E2E.num(M, "select count(*) from sym_data_event");
        E2E.say(String.format("FIGURE sym_data_rows before %d after %d", d0, d1));
        E2E.say(String.format("FIGURE sym_data_event_rows before %d after %d", e0, e1));
        check("the purge left no more sym_data rows than were captured within the retention (none: the load ended before it)", d1 <= d0 && e1 <= e0);
    }

    /** the tables the load writes: exactly the branch's company's rows */
    static boolean isolation(String n) throws Exception {
        String co = E2E.lit(COMPANIES.get(NODES.indexOf(n))), db = E2E.BDB.get(n);
        String[][] q = { { "tabCompany", "select name from tabCompany where name = " + co },
                { "tabSales Invoice", "select name from `tabSales Invoice` where company = " + co },
                { "tabSales Invoice Item", "select c.name from `tabSales Invoice Item` c join `tabSales Invoice` p on p.name = c.parent where p.company = " + co },
                { "tabSales Taxes and Charges", "select c.name from `tabSales Taxes and Charges` c join `tabSales Invoice` p on p.name = c.parent"
                        + " and c.parenttype = 'Sales Invoice' where p.company = " + co } };
        boolean all = true;
        for (String[] t : q) {
            TreeSet<String> exp = new TreeSet<>(E2E.col(E2E.M, t[1])), got = new TreeSet<>(E2E.col(db, "select name from `" + t[0] + "`"));
            if (t[0].equals("tabSales Taxes and Charges")) got = new TreeSet<>(E2E.col(db, "select name from `" + t[0] + "` where parenttype = 'Sales Invoice'"));
            TreeSet<String> missing = new TreeSet<>(exp), extra = new TreeSet<>(got);
            missing.removeAll(got);
            extra.removeAll(exp);
            boolean k = missing.isEmpty() && extra.isEmpty() && !exp.isEmpty();
            E2E.say(String.format("    %-10s %-28s expected %5d  has %5d  missing %s  extra %s", n, t[0], exp.size(), got.size(), E2E.head(missing), E2E.head(extra)));
            all &= k;
        }
        return all;
    }
}
