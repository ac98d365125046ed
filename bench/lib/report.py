#!/usr/bin/env python3
"""bench/lib/report.py RAW -- the Markdown report of bench/run.sh, on stdout.

RAW (bench/RESULTS*.raw.tsv after a run; re-render with this script alone):
tab-separated samples "bench metric variant round value", plus
"#meta key value" lines (the machine) and "#note text" lines (observations).
Medians everywhere; a ratio is the median of the per-round ratios (both
variants of a round ran back to back), so slow drift of the machine cancels.
"""
import statistics
import sys
from collections import defaultdict


D = defaultdict(dict)               # (bench, metric, variant) -> {round: value}
META, NOTES = [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if parts[0] == "#meta" and len(parts) == 3:
            META.append(parts[1:])
        elif parts[0] == "#note" and len(parts) >= 2:
            NOTES.append("\t".join(parts[1:]))
        elif len(parts) == 5:
            b, m, v, r, x = parts
            D[(b, m, v)][int(r)] = float(x)
QUICK = dict(META).get("mode") == "quick"


def vals(b, m, v):
    return list(D.get((b, m, v), {}).values())


def med(b, m, v):
    x = vals(b, m, v)
    return statistics.median(x) if x else None


def ratio(b, m, v1, v2):
    """median over rounds of v1/v2"""
    a, c = D.get((b, m, v1), {}), D.get((b, m, v2), {})
    rs = [a[r] / c[r] for r in a if r in c and c[r]]
    return statistics.median(rs) if rs else None


def pct(xs, p):
    """nearest-rank percentile"""
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(-(-p * len(xs) // 100)) - 1))
    return xs[k]


def fmt(x, nd=None):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if nd is None:
        nd = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
    return f"{x:,.{nd}f}"


def spread(b, m, v):
    x = vals(b, m, v)
    if len(x) < 2:
        return ""
    return f" ({fmt(min(x))}–{fmt(max(x))}, n={len(x)})"


rows = []          # figure, ours, baseline, ratio, target, met
missed = []


def row(fig, ours, base, r, target, met=None, label=None):
    """met: True/False/None (no target)"""
    if ours == "—" and met is None:
        return      # a benchmark this run left out (bench/run.sh --only)
    rows.append((fig, ours, base, r, target, "—" if met is None else ("yes" if met else "**no**")))
    if met is False:
        missed.append(label or fig)


def check(x, ok):
    return None if x is None else ok(x)


def round_ratio(b, m1, v1, m2, v2):
    a, c = D.get((b, m1, v1), {}), D.get((b, m2, v2), {})
    rs = [a[r] / c[r] for r in a if r in c and c[r]]
    return statistics.median(rs) if rs else None


# 1. setup -----------------------------------------------------------------
r1 = ratio("b1", "setup_ms", "ours", "seed")
row("1. Setup on the full ERPNext v13 site, ms (ours: `CALL sds_setup('master','branch')`; baseline: the seed's SQL, bench/seed_setup.sql)",
    fmt(med("b1", "setup_ms", "ours")) + spread("b1", "setup_ms", "ours"),
    fmt(med("b1", "setup_ms", "seed")) + spread("b1", "setup_ms", "seed"),
    fmt(r1, 2), "ours/seed ≤ 1.0", check(r1, lambda x: x <= 1.0), "1. Setup time")
row("1. Setup: sym_* rows written",
    fmt(med("b1", "rows", "ours")), fmt(med("b1", "rows", "seed")),
    fmt(ratio("b1", "rows", "ours", "seed"), 2), "— (info)")

# 2. OLTP -------------------------------------------------------------------
def oltp_noise_label():
    """a miss smaller than the noop/none noise of the same run is not a measured difference"""
    a, c = D.get(("b2", "tps", "noop"), {}), D.get(("b2", "tps", "none"), {})
    ref = [abs(a[r] / c[r] - 1) for r in a if r in c]
    r = ratio("b2", "tps", "ours", "noop")
    if ref and r is not None and abs(1 - r) < max(ref):
        return f" (by {1 - r:.1%}, inside this run's noise of ±{max(ref):.0%}: see the notes)"
    return ""


r2 = ratio("b2", "tps", "ours", "noop")
row("2. OLTP (sysbench oltp_read_write), transactions/s: FRAPPE_SDS loaded & idle vs do-nothing audit plugin",
    fmt(med("b2", "tps", "ours")) + spread("b2", "tps", "ours"),
    fmt(med("b2", "tps", "noop")) + spread("b2", "tps", "noop"),
    fmt(r2, 3), "ours/noop ≥ 0.99", check(r2, lambda x: x >= 0.99), "2. OLTP ours/noop" + oltp_noise_label())
row("2. OLTP transactions/s: do-nothing audit plugin vs no plugin (the server's cost of a table-event subscriber)",
    fmt(med("b2", "tps", "noop")), fmt(med("b2", "tps", "none")) + spread("b2", "tps", "none"),
    fmt(ratio("b2", "tps", "noop", "none"), 3), "— (info)")
row("2. OLTP transactions/s: FRAPPE_SDS vs no plugin",
    fmt(med("b2", "tps", "ours")), fmt(med("b2", "tps", "none")),
    fmt(ratio("b2", "tps", "ours", "none"), 3), "— (info)")

ri = ratio("b2", "ir_per_tx", "ours", "noop")


def repeat_spread(b, m, variants):
    """largest (max - min) / min over the repeated runs of one variant: the instrument's resolution"""
    sp = [(max(x) - min(x)) / min(x) for x in (vals(b, m, v) for v in variants) if len(x) > 1 and min(x)]
    return max(sp) if sp else None


rs = repeat_spread("b2", "ir_per_tx", ("ours", "noop"))
row("2. OLTP instructions per transaction in statement execution (callgrind, `do_command` of the sysbench session, same 1-thread seeded sysbench transactions on fresh tables): FRAPPE_SDS loaded & idle vs do-nothing audit plugin",
    fmt(med("b2", "ir_per_tx", "ours")) + spread("b2", "ir_per_tx", "ours"),
    fmt(med("b2", "ir_per_tx", "noop")) + spread("b2", "ir_per_tx", "noop"),
    fmt(ri, 4),
    "ours/noop ≤ 1 + the spread of repeated runs of one configuration"
    + (f" (this run: {rs:.2%})" if rs is not None else " (needs ≥ 2 rounds)"),
    None if ri is None or rs is None else ri <= 1 + rs, "2. OLTP instructions ours/noop")
row("2. OLTP: instructions of the other sessions in the same window, per sysbench transaction (ours: the worker's idle checks, a connection each; noop: none)",
    fmt(med("b2", "other_ir_per_tx", "ours"), 1), fmt(med("b2", "other_ir_per_tx", "noop"), 1),
    "—", "— (info)")
rn = ratio("b2", "notify_ir_per_tx", "ours", "noop")
row("2. OLTP instructions per transaction in the plugin's notify function (`sds_ddl_notify` vs `noop_notify`, inclusive)",
    fmt(med("b2", "notify_ir_per_tx", "ours"), 1), fmt(med("b2", "notify_ir_per_tx", "noop"), 1),
    fmt(rn, 3), "ours ≤ noop", check(rn, lambda x: x <= 1.0), "2. notify function cost")
row("2. OLTP instructions per transaction in the server's audit dispatch (`mysql_audit_notify`, inclusive)",
    fmt(med("b2", "audit_ir_per_tx", "ours"), 1), fmt(med("b2", "audit_ir_per_tx", "noop"), 1),
    fmt(ratio("b2", "audit_ir_per_tx", "ours", "noop"), 3), "— (info)")

# 3. migrate burst ----------------------------------------------------------
n_req = vals("b3", "requests", "ours")
n_ok = vals("b3", "check", "ours")
r3 = ratio("b3", "burst_s", "ours", "none")
row("3. Migrate burst (ALTER TABLE ADD/DROP COLUMN), wall time s: plugin loaded vs not loaded",
    fmt(med("b3", "burst_s", "ours")) + spread("b3", "burst_s", "ours"),
    fmt(med("b3", "burst_s", "none")) + spread("b3", "burst_s", "none"),
    fmt(r3, 3), "loaded/not ≤ 1.05", check(r3, lambda x: x <= 1.05), "3. Migrate burst wall time")
ok3 = bool(n_ok) and all(x == 1 for x in n_ok)
row("3. Reload requests after the burst + emulated trigger rebuild: one per changed table per registered branch",
    (f"{int(n_req[0])} requests per round, exact in {int(sum(n_ok))}/{len(n_ok)} rounds" if n_req else "—"),
    "tables × 2 registered branches (b-wp, b-obs; b-new unregistered)",
    "—", "exactly 1 per (table, branch)", ok3 if n_ok else None, "3. Reload request count")
sd = vals("b3", "startup_check", "ours")
if sd:
    ok = all(x == 1 for x in sd)
    row("3. Drift left by the not-loaded rounds, found at the next start: reload requests exact",
        f"exact in {int(sum(sd))}/{len(sd)} restarts ({fmt(med('b3', 'startup_drift_tables', 'ours'))} tables)",
        "—", "—", "exactly 1 per (table, branch)", ok, "3. Startup drift reload count")
row("3. Worker after the burst: last ALTER → every table in trigger_refresh, s (debounce 2 s included)",
    fmt(med("b3", "worker_s", "ours")) + spread("b3", "worker_s", "ours"), "—", "—", "— (info)")

# 4. capture ----------------------------------------------------------------
r4 = ratio("b4", "rows_per_s", "ext", "plain")
row("4. Capture: Sales Invoice Item rows/s through a SymmetricDS insert trigger with the generated external_select vs the same trigger without",
    fmt(med("b4", "rows_per_s", "ext")) + spread("b4", "rows_per_s", "ext"),
    fmt(med("b4", "rows_per_s", "plain")) + spread("b4", "rows_per_s", "plain"),
    fmt(r4, 3), "ext/plain ≥ 0.90", check(r4, lambda x: x >= 0.90), "4. Capture with external_select")
row("4. Capture, the cost split: an external_select that reads the parent row only (its company name, no tabCompany lookup; not a product text) vs the plain trigger, rows/s",
    fmt(med("b4", "rows_per_s", "parent")) + spread("b4", "rows_per_s", "parent"),
    fmt(med("b4", "rows_per_s", "plain")), fmt(ratio("b4", "rows_per_s", "parent", "plain"), 3), "— (info)")
row("4. Capture: plain trigger vs no trigger, rows/s",
    fmt(med("b4", "rows_per_s", "plain")), fmt(med("b4", "rows_per_s", "none")) + spread("b4", "rows_per_s", "none"),
    fmt(ratio("b4", "rows_per_s", "plain", "none"), 3), "— (info)")

# 5. latency ----------------------------------------------------------------
lat = vals("b5", "latency_ms", "ours")
deb = med("b5", "debounce_ms", "ours") or 500
p50, p99 = pct(lat, 50), pct(lat, 99)
row(f"5. Detection latency ALTER → reload requests, ms, p50 (n={len(lat)}; debounce {int(deb)} ms, poll 100 ms)",
    fmt(p50), "—", "—", "— (info)")
row(f"5. Detection latency, ms, p99 (max {fmt(max(lat)) if lat else '—'})",
    # + 5 s: the worker hands an ALTER to SymmetricDS 5 s after the DDL (a margin for
    # a master engine file of 0.3.0: sql/install/30_schema_sync.sql)
    fmt(p99), "—", "—", f"≤ debounce + 5 s handover + 1 s = {int(deb + 6000)}",
    check(p99, lambda x: x <= deb + 6000), "5. Detection latency p99")
row("5. One idle full sync pass on the site (`CALL sds_sync_schema()`), ms",
    fmt(med("b5", "sync_ms", "ours")) + spread("b5", "sync_ms", "ours"), "—", "—", "— (info)")
row("5. One idle follow-up pass of the worker (`CALL sds__sync_run(0)`), ms",
    fmt(med("b5", "followup_ms", "ours")) + spread("b5", "followup_ms", "ours"), "—", "—", "— (info)")

# 6. scale ------------------------------------------------------------------
scales = sorted({v for (b, m, v) in D if b == "b6" and m == "setup_ms"}, key=lambda s: int(s[1:]))
if scales:
    s0, sN = scales[0], scales[-1]
    g_ours = med("b6", "setup_ms", sN) / med("b6", "setup_ms", s0)
    g_seed = med("b6", "seed_ms", sN) / med("b6", "seed_ms", s0)
    k = int(sN[1:]) / int(s0[1:])
    row(f"6. Scale: setup time growth {s0[1:]}× → {sN[1:]}× metadata (ours: sds_setup; baseline: seed SQL)",
        fmt(g_ours, 2) + "×", fmt(g_seed, 2) + "×", "—", f"— (info; linear = {k:g}×)")
    for s in scales:
        row(f"6. Scale {s[1:]}×: setup ms ({fmt(med('b6', 'doctypes', s))} DocTypes)",
            fmt(med("b6", "setup_ms", s)), fmt(med("b6", "seed_ms", s)),
            fmt(round_ratio("b6", "setup_ms", s, "seed_ms", s), 2), "— (info)")

# ---- output ------------------------------------------------------------------
out = []
title = "frappe_sds benchmarks" + (" — quick mode" if QUICK else "")
out.append(f"# {title}\n")
out.append("Generated by `bench/run.sh" + (" --quick" if QUICK else "") + "`; do not edit by hand.\n")
if QUICK:
    out.append("**Quick mode:** tiny sizes and one or few rounds, to check that the benchmarks run "
               "(CI). The figures are indicative only; see `bench/RESULTS.md` for the full run.\n")
out.append("## Machine\n")
out.append("| | |\n|---|---|")
for k, v in META:
    out.append(f"| {k} | {v} |")
out.append("")
out.append("## Results\n")
out.append("Ours and baseline are medians (min–max, n samples); the ratio is the median of per-round "
           "ratios (variants alternate within each round).\n")
out.append("| figure | ours | baseline | ratio | target | met? |")
out.append("|---|---|---|---|---|---|")
for r in rows:
    out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
out.append("")
out.append(f"Targets missed: {', '.join(missed) if missed else 'none'}.\n")

if scales:
    out.append("## Scale detail\n")
    out.append("| metadata | DocTypes | DocFields | tables | sds_plan rows | sym_trigger | sym_trigger_router | sym_* rows | sds_setup ms | growth | seed SQL ms | growth |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    t0, q0 = med("b6", "setup_ms", scales[0]), med("b6", "seed_ms", scales[0])
    for s in scales:
        t, qq = med("b6", "setup_ms", s), med("b6", "seed_ms", s)
        out.append(f"| {s[1:]}× | {fmt(med('b6', 'doctypes', s))} | {fmt(med('b6', 'docfields', s))} | "
                   f"{fmt(med('b6', 'tables', s))} | {fmt(med('b6', 'plan_rows', s))} | "
                   f"{fmt(med('b6', 'triggers', s))} | {fmt(med('b6', 'trigger_routers', s))} | "
                   f"{fmt(med('b6', 'sym_rows', s))} | {fmt(t)} | {fmt(t / t0, 2)}× | {fmt(qq)} | {fmt(qq / q0, 2)}× |")
    out.append("")

out.append("## How each figure is measured\n")
out.append("""1. **Setup.** One throwaway server with FRAPPE_SDS loaded; the ERPNext v13.15.2 site from
   `fixtures/` (metadata + customizations + sample data, via `srv_load_site`) with SymmetricDS's
   tables, SymmetricDS's built-in channels and `sql/install.sql`. Each round runs `CALL sds_setup`
   and then `bench/seed_setup.sql` (the seed's `insert_sample.sql` rewritten from
   `seed-app-study.md` §2: clear section, one channel per `tabModule Def`, 2 groups, 2 links, one
   trigger per DocType with a table minus the 4 excluded, the 2 hand-added triggers, 2 default
   routers, trigger routers for both), each through one client connection, wall time. Between
   runs every row either wrote is deleted (ours: `last_update_by='frappe_sds'`, FK order, plus
   `sds_plan` and `sds_setup_state`), so both do the full work every time. One untimed run of each
   first. The seed writes no conflicts, no company filter, no initial-load selects; ours does
   (`sds_setup` also recomputes the replication plan: `sds_refresh_plan` alone is in the notes).
2. **OLTP.** `sysbench oltp_read_write` over the socket, threads = nproc, on its own database,
   three server configurations on the same datadir, one restart per run (audit plugins cannot be
   unloaded while busy): *none* (no plugin), *noop* (`bench/noop_audit`, subscribed to
   `MYSQL_AUDIT_TABLE_CLASSMASK`, does nothing), *ours* (FRAPPE_SDS, idle, with the configured site
   on the same server; its startup sync is waited for). Warm-up run, then the measured run; the
   order of the three is rotated every round.
   *Instructions:* the same noop/ours pair with the server under `valgrind --tool=callgrind
   --toggle-collect='do_command*'` (only statement execution in connection threads is counted;
   background threads, whose work follows wall time, are not), counters zeroed with
   `callgrind_control -z` after startup (and, for ours, after its startup sync), then a fixed
   number of `oltp_read_write` transactions in one thread with `--rand-seed=1`, so both
   configurations run the same statements. Threads are counted apart (`--separate-threads=yes`,
   `--thread-cache-size=0`: a server thread per connection): the figure is the sysbench
   session's thread; the other sessions of the window (ours: the worker's idle checks, which
   open their own connections) are the line after it, not part of a user's transaction.
   Functions by `callgrind_annotate --inclusive=yes` on the sysbench session's thread.
   Instruction counts do not depend on the machine's load: they settle what the timings cannot.
3. **Migrate burst.** The configured site (after `sds_setup`, SymmetricDS's first sync-triggers
   emulated, nodes as in `mysql-test/frappe_sds/include/nodes.inc`: two registered branches and an
   open registration). Per table 5 ALTERs (ADD, ADD, DROP, ADD, DROP COLUMN), one client session,
   wall time; FRAPPE_SDS loaded (debounce 2 s default, poll 1 s) vs not loaded, alternating by
   restart. After each loaded round: wait for the worker, play SymmetricDS's trigger rebuild
   (`symplay_sync_triggers` from `sym/play_sync_triggers.sql`, as the mtr suite and the demo use), wait for the worker's reload
   requests and count them per (table, branch). Loads are then marked processed and cleared.
4. **Capture.** The insert trigger SymmetricDS creates on MariaDB for `tabSales Invoice Item`
   (symmetricds.md §2; text generated by the project's emulator `symemu._trigger_ddl`: CSV of all
   77 columns into `sym_data`, `sym_transaction_id_post_5_7_6()`, channel, `@sync_node_disabled`),
   with `external_select` = `sym_trigger.external_select` as `sds_setup` wrote it
   (`$(curTriggerValue)`→`new`, `$(curColumnPrefix)`→empty), vs the same trigger with
   `external_data` NULL, vs no trigger, and (to split the lookup's cost; not a product text) vs
   a trigger whose `external_select` reads the parent row only (its company name, without the
   key's lookup in `tabCompany`). Rows are inserted by a stored procedure as Frappe saves
   documents: one transaction per invoice, 10 items each, parents are the site's existing Sales
   Invoices; each run's rows and `sym_data` are checked (every row captured, every company key
   found) and then deleted. Order rotated per round; FRAPPE_SDS loaded (as deployed).
5. **Latency.** `frappe_sds_debounce_ms=500`, `frappe_sds_poll_ms=100`. A second session plays
   SymmetricDS every 50 ms (trigger rebuild for tables in `trigger_refresh`, loads marked
   processed). One ALTER at a time, each on another replicated table; time from just before the
   ALTER until the reload requests exist, measured inside the server; the next ALTER starts when
   every change is `done`. Real SymmetricDS takes up to one routing pass (10 s by default) for its
   part; that is not in these figures.
6. **Scale.** Sites with k copies of the ERPNext metadata: every DocType copied as `<name> C<i>`
   with its DocFields, Custom Fields and Property Setters (Table fields of a copy point at the
   copied child DocType, Link fields keep their targets) and its table created with
   `CREATE TABLE … LIKE`. `sds_setup` and the seed SQL from a configuration-free database,
   alternating over the scales.
""")
out.append("## Notes from this run\n")
notes = list(NOTES)
pm, sm = med("b1", "plan_ms", "ours"), med("b1", "setup_ms", "ours")
if pm and sm:
    notes.append(f"Setup: `sds_refresh_plan()` alone takes {fmt(pm)} ms of the {fmt(sm)} ms of `sds_setup` "
                 "(the plan is recomputed from the metadata on every call).")
sync, fol = med("b5", "sync_ms", "ours"), med("b5", "followup_ms", "ours")
if sync and fol and p50 is not None:
    notes.append(f"Latency: a full sync pass (`sds_sync_schema()`: plan, configuration, drift of every table) "
                 f"costs ~{fmt(sync)} ms on this site, the worker's follow-up pass (`sds__sync_run(0)`: the open "
                 f"changes only) ~{fmt(fol)} ms. A DDL needs one of each: the full pass opens the change and "
                 f"touches the routers; after SymmetricDS rebuilt the trigger and the poll interval, the "
                 f"follow-up inserts the reload requests: debounce {int(deb)} + {fmt(sync)} + {fmt(fol)} + "
                 f"poll/emulator ≈ {fmt(deb + sync + fol + 150)} ms expected, {fmt(p50)} ms measured (p50).")
rr = D.get(("b2", "tps", "ours"), {}), D.get(("b2", "tps", "noop"), {}), D.get(("b2", "tps", "none"), {})
if rr[0] and rr[1]:
    per = [rr[0][r] / rr[1][r] for r in sorted(rr[0]) if r in rr[1]]
    ref = [rr[1][r] / rr[2][r] for r in sorted(rr[1]) if r in rr[2]]
    notes.append("OLTP: per-round ratios ours/noop " + ", ".join(f"{x:.3f}" for x in per)
                 + "; noop/none " + ", ".join(f"{x:.3f}" for x in ref)
                 + ". A do-nothing plugin cannot make the server faster, so the spread of noop/none "
                 "around 1.0 is this machine's run-to-run noise; a ratio closer to 1.0 than that "
                 "spread is not a measured difference.")
pl, ex, no = med("b4", "rows_per_s", "plain"), med("b4", "rows_per_s", "ext"), med("b4", "rows_per_s", "none")
pa = med("b4", "rows_per_s", "parent")
if pl and ex and no:
    notes.append(f"Capture, per row: the table insert alone {1e6 / no:.0f} µs; SymmetricDS's plain capture trigger "
                 f"adds {1e6 / pl - 1e6 / no:.0f} µs; the external_select adds {1e6 / ex - 1e6 / pl:.0f} µs more "
                 "(for a child row: CASE on parenttype, then one scalar subquery joining the parent, by name, "
                 "to tabCompany for the key)"
                 + (f"; an external_select that reads the parent row alone adds {1e6 / pa - 1e6 / pl:.0f} µs "
                    "(every table a trigger reads is opened and locked with the statement)." if pa else "."))
if scales and len(scales) > 1:
    cross = [s for s in scales if med("b6", "setup_ms", s) < med("b6", "seed_ms", s)]
    notes.append("Scale: sds_setup grows about linearly with the metadata; the seed's SQL grows faster "
                 "(its trigger insert joins tabDocType to information_schema.tables on a computed name)"
                 + (f", so from {cross[0][1:]}× on sds_setup is the faster of the two." if cross else "."))
for n in notes:
    out.append(f"- {n}")
out.append("")
print("\n".join(out))
