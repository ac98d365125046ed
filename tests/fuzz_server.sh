#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: fuzz of the UDFs and procedures on a real server, as unprivileged accounts
# Issue 12: random metadata (shapes, sizes, names with quotes, backticks,
# backslashes, $(, non-ASCII and invalid UTF-8, deep chains and cycles of
# child tables) fed (a) to the UDFs directly by an account with USAGE only
# and (b) to sds_refresh_plan / sds_setup_preview / sds_setup by a site user
# (ALL on its own database only), through real tables. Every call must
# return well-formed JSON or fail with a clear error (a SQLSTATE of the
# classes in docs/errors.md and a message naming the object, or the
# documented memory cap); the server must never crash. The plugin is the
# ASan/UBSan build when the sanitizer runtime can be preloaded into mariadbd
# (else the normal build, said so).
# FUZZ_SECONDS (default 60, at most 120) bounds the run; FUZZ_SEED replays.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"
. scripts/lib/server.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
[ "$FUZZ_SECONDS" -le 120 ] || FUZZ_SECONDS=120
D=$(mktemp -d /dev/shm/frappe_sds_fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; tail -n 30 "$D/error.log" 2>/dev/null; exit 1; }

# the sanitized plugin, if the sanitizer runtime can be preloaded
SAN=0
export FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
libasan=$(gcc -print-file-name=libasan.so 2>/dev/null)
libubsan=$(gcc -print-file-name=libubsan.so 2>/dev/null)
if [ "${FUZZ_NO_ASAN:-0}" != 1 ] && [ -f "$libasan" ] && [ -f "$libubsan" ] && \
   cmake -S . -B build-asan -DSDS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >"$D/asan-build.log" 2>&1 && \
   cmake --build build-asan -j2 --target frappe_sds >>"$D/asan-build.log" 2>&1; then
    SAN=1
    export FRAPPE_SDS_PLUGIN_DIR="$ROOT/build-asan"
    export SRV_WRAPPER="env LD_PRELOAD=$libasan:$libubsan ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$D/asan UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$D/ubsan"
    export SRV_START_WAIT=120
fi
if ! srv_start "$D" --plugin-load-add=frappe_sds.so --frappe-sds-worker=OFF >/dev/null 2>&1; then
    [ $SAN = 1 ] || fail "server start"
    echo "the sanitized plugin does not load into this mariadbd; using the normal build"
    SAN=0; unset SRV_WRAPPER; export FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
    srv_stop "$D" >/dev/null 2>&1
    srv_start "$D" --plugin-load-add=frappe_sds.so --frappe-sds-worker=OFF >/dev/null 2>&1 || fail "server start"
fi
echo "plugin: $FRAPPE_SDS_PLUGIN_DIR (sanitizers: $SAN)"
sql() { timeout 120 mariadb --no-defaults --socket="$D/sock" --user=root "$@"; }

# a minimal site (the metadata tables frappe_sds reads) with SymmetricDS's tables
sql -e "CREATE DATABASE fz CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" || fail "create db"
sql fz -e "
CREATE TABLE tabDocType (name VARCHAR(140) PRIMARY KEY, module VARCHAR(140), istable INT NOT NULL DEFAULT 0, issingle INT NOT NULL DEFAULT 0, is_virtual INT NOT NULL DEFAULT 0, custom INT NOT NULL DEFAULT 0);
CREATE TABLE tabDocField (name INT AUTO_INCREMENT PRIMARY KEY, parent VARCHAR(140), fieldname VARCHAR(140), fieldtype VARCHAR(140), options TEXT);
CREATE TABLE \`tabCustom Field\` (name INT AUTO_INCREMENT PRIMARY KEY, dt VARCHAR(140), fieldname VARCHAR(140), fieldtype VARCHAR(140), options TEXT);
CREATE TABLE \`tabProperty Setter\` (name INT AUTO_INCREMENT PRIMARY KEY, doctype_or_field VARCHAR(40), doc_type VARCHAR(140), field_name VARCHAR(140), property VARCHAR(140), value TEXT);" \
    || fail "metadata tables"
sql fz < sym/symmetricds-tables.sql >/dev/null || fail "sym tables"
sql fz < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
sql -e "CREATE USER fz_usage@localhost IDENTIFIED BY 'u';
        CREATE USER fz_site@localhost IDENTIFIED BY 's';
        GRANT ALL ON fz.* TO fz_site@localhost;" || fail "accounts"

SEED=${FUZZ_SEED:-$(date +%s)}
echo "seed $SEED (replay: FUZZ_SEED=$SEED), $FUZZ_SECONDS s"
python3 - "$D/sock" "$SEED" "$FUZZ_SECONDS" <<'PY' || fail "fuzz (seed $SEED)"
import json, random, re, subprocess, sys, time

sock, seed, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(seed)
deadline = time.time() + secs
PIECES = ["Sales", "Item", "company", "Company", " ", "'", '"', "`", "\\",
          "$(", "$(externalId)", "$(curTriggerValue)", ")", ",", "*", "!",
          "~", "%", "_", "-", ".", "文", "é", "😀", "tab", "sym_", "sds_",
          "name", "parent", "x", "0", "\n"]
FTYPES = ["Data", "Link", "Table", "Table MultiSelect", "Dynamic Link", "Int"]
SCOPES = ["company", "child", "global", "singles", "node_local", "excluded"]
CLEAR = ("sds_doctype_rule: ", "sds_setup: ", "frappe_sds: ", "sds_plan_agg(): ",
         "sds_config_agg(): ")
ALLOWED = ("$(curTriggerValue)", "$(curColumnPrefix)", "$(externalId)")
stats = {"udf": 0, "udf_err": 0, "proc": 0, "proc_err": 0}
import collections
kinds = collections.Counter()

def name(maxparts=4):
    k = rnd.randint(1, maxparts) if rnd.random() > 0.1 else rnd.randint(10, 30)
    return "".join(rnd.choice(PIECES) for _ in range(k))

def lit(s, bad_utf8=False):
    b = s.encode("utf-8")
    if bad_utf8:
        b += b"\xff"
    if bad_utf8:
        return "_binary X'%s'" % b.hex()
    return "_utf8mb4 X'%s'" % b.hex() if b else "''"

def run(user, pw, db, sqltext, force=False):
    args = ["mariadb", "--no-defaults", "--socket=" + sock, "--user=" + user,
            "--password=" + pw, "-N", "-B", "-r", "--default-character-set=utf8mb4"]
    if force:
        args.append("--force")
    if db:
        args.append(db)
    p = subprocess.run(args, input=sqltext.encode(), capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

def alive():
    rc, out, err = run("root", "", None, "SELECT 1")
    return rc == 0

def problem(msg):
    print("PROBLEM:", msg[:2000])
    sys.exit(1)

def check_json(j, what):
    try:
        doc = json.loads(j)
    except Exception as e:
        problem("%s: not JSON (%s): %r" % (what, e, j[:500]))
    if "error" in doc:
        if not isinstance(doc["error"], str) or not doc["error"].startswith(CLEAR) \
           or len(doc["error"]) > 2000:
            problem("%s: unclear error %r" % (what, doc["error"]))
        kinds[doc["error"][:50]] += 1
        return True
    for r in doc.get("plan", []):
        if not r.get("scope"):
            problem("%s: empty scope in %r" % (what, r))
    for t, rows in doc.items():
        if t == "plan":
            continue
        for r in rows:
            for k, v in r.items():
                if isinstance(v, str) and "$(" in v:
                    rest = v
                    for a in ALLOWED:
                        rest = rest.replace(a, "")
                    if "$(" in rest:
                        problem("%s: %s.%s has a stray $(: %r" % (what, t, k, v))
    return False

def model_rows():
    """rows (kind, a1..a7) of a random metadata model, as SQL expressions"""
    n = rnd.choice([3, 10, 40, 150])
    dts = ["Company"] + [name() for _ in range(n)]
    rows = []
    def row(*a):
        a = list(a) + [None] * (8 - len(a))
        rows.append(["NULL" if v is None else lit(v, i > 0 and rnd.random() < 0.01)
                     for i, v in enumerate(a)])
    order = list(range(len(dts)))
    if rnd.random() < 0.3:
        order.reverse()          # deepest first: the chain is classified at once
    for i in order:
        d = dts[i]
        row("D", d, "M", rnd.choice(["0", "1", "1"]), "1" if rnd.random() < 0.05 else "0",
            "1" if rnd.random() < 0.05 else "0", "0")
        if rnd.random() < 0.9:
            row("T", "tab" + d, "VIEW" if rnd.random() < 0.03 else "BASE TABLE")
            row("K", "tab" + d, "name", "PRI")
    if rnd.random() < 0.4:       # a chain, maybe closed into a cycle
        for a, b in zip(dts[1:], dts[2:]):
            row("F", a, "rows", "Table", b)
        if rnd.random() < 0.5 and len(dts) > 2:
            row("F", dts[-1], "back", "Table", dts[1])
    for _ in range(rnd.randint(0, 3 * n)):
        d, f, ft = rnd.choice(dts), rnd.choice(["company", name()]), rnd.choice(FTYPES)
        opt = "Company" if ft == "Link" and rnd.random() < 0.6 else rnd.choice(dts)
        row(rnd.choice("FFFC"), d, f, ft, opt)
        if rnd.random() < 0.7:
            row("K", "tab" + d, f, "")
    for _ in range(rnd.randint(0, 3)):
        row("S", rnd.choice(dts), rnd.choice(["company", name()]),
            rnd.choice(["options", "fieldtype"]), rnd.choice(["Company", "Link", "Table"]),
            "DocField")
    if rnd.random() < 0.3:
        row("R", rnd.choice(dts), rnd.choice(SCOPES), rnd.choice([None, "company", name()]),
            rnd.choice([None, "note $( ' `"]))
    if rnd.random() < 0.7:
        row("T", "tabCompany", "BASE TABLE")
        row("K", "tabCompany", "abbr", "")
    row("X", "db", "fz")
    # what install.sql says it reads (sds_config_agg refuses other layouts)
    if rnd.random() < 0.9:
        row("X", "config_api", "2")
    row("X", "master_group", "master")
    row("X", "branch_group", rnd.choice(["branch", "branch", name()]))
    if rnd.random() < 0.2:
        rnd.shuffle(rows)
    return rows

def udf_round():
    rows = model_rows()
    fn = rnd.choice(["sds_plan_agg", "sds_config_agg"])
    cols = ["k", "a1", "a2", "a3", "a4", "a5", "a6", "a7"]
    sel = ["SELECT " + ", ".join("%s AS %s" % (v, c) for v, c in zip(rows[0], cols))]
    sel += ["SELECT " + ", ".join(r) for r in rows[1:]]
    q = "SELECT %s(k, a1, a2, a3, a4, a5, a6, a7) FROM (%s) r;\n" % (fn, " UNION ALL ".join(sel))
    rc, out, err = run("fz_usage", "u", None, "SET NAMES utf8mb4;\n" + q)
    if rc != 0:
        problem("UDF call failed: %s" % err[-600:])
    stats["udf"] += 1
    if check_json(out.strip(), fn):
        stats["udf_err"] += 1

def proc_round():
    """random DocTypes as real tables of the site, then the procedures"""
    n = rnd.choice([2, 8, 30])
    dts = ["Company"] + [name(3) for _ in range(n)]
    st = ["SET NAMES utf8mb4;",
          "DELETE FROM tabDocType; DELETE FROM tabDocField; DELETE FROM `tabCustom Field`;",
          "DELETE FROM `tabProperty Setter`; DELETE FROM sds_doctype_rule;"]
    # drop the tables of the previous round
    rc, out, err = run("fz_site", "s", "fz",
                       "SELECT CONCAT('DROP TABLE `', REPLACE(table_name, '`', '``'), '`;') "
                       "FROM information_schema.tables WHERE table_schema = 'fz' "
                       "AND table_name LIKE 'tab%' AND table_name NOT IN ('tabDocType', "
                       "'tabDocField', 'tabCustom Field', 'tabProperty Setter');")
    st += [l for l in out.splitlines() if l.strip()]
    for d in dts:
        if len(d) > 60:
            continue
        st.append("INSERT IGNORE INTO tabDocType (name, module, istable) VALUES (%s, 'M', %d);"
                  % (lit(d), rnd.random() < 0.5 and d != "Company"))
        tab = "tab" + d
        cols = ["name VARCHAR(140) PRIMARY KEY", "modified DATETIME(6)"]
        if d == "Company":
            cols.append("abbr VARCHAR(140)")
        for _ in range(rnd.randint(0, 3)):
            f = rnd.choice(["company", name(2)])
            if "`" in f or f.lower() in ("name", "modified", "abbr") or len(f) > 60 \
               or f.strip() != f or not f:
                continue
            ft = rnd.choice(FTYPES)
            opt = "Company" if ft == "Link" else rnd.choice(dts)
            st.append(rnd.choice(["INSERT INTO tabDocField (parent,", "INSERT INTO `tabCustom Field` (dt,"])
                      + " fieldname, fieldtype, options) VALUES (%s, %s, %s, %s);"
                      % (lit(d), lit(f), lit(ft), lit(opt)))
            if ft not in ("Table", "Table MultiSelect") and \
               ("`%s` VARCHAR(140)" % f) not in cols:
                cols.append("`%s` VARCHAR(140)" % f)
        if "`" not in tab and tab.strip() == tab and len(tab) <= 64:
            st.append("CREATE TABLE `%s` (%s);" % (tab, ", ".join(cols)))
    if rnd.random() < 0.3:
        st.append("INSERT INTO sds_doctype_rule (doctype, scope, company_field, note) "
                  "VALUES (%s, %s, %s, NULL);" % (lit(rnd.choice(dts)), lit(rnd.choice(SCOPES)),
                                                  rnd.choice(["NULL", "'company'"])))
    # the fuzzer's own statements may be refused by the server (a name it
    # does not take): --force goes on past them
    run("fz_site", "s", "fz", "\n".join(st) + "\n", force=True)
    call = rnd.choice(["CALL sds_refresh_plan();",
                       "CALL sds_setup_preview('master', 'branch');",
                       "CALL sds_setup('master', 'branch');"])
    rc, out, err = run("fz_site", "s", "fz", "SET NAMES utf8mb4;\n" + call)
    stats["proc"] += 1
    if rc != 0:
        stats["proc_err"] += 1
        # "ERROR 1644 (22023) at line 2: sds_setup: ..." (a class of docs/errors.md)
        clear = re.search(r"ERROR 1644 \((22023|55000|23000|55R00|55V00|42501|55P03"
                          r"|54000|XX000)\) ", err)
        msg = err.strip().split(": ", 1)[-1] if clear else None
        if msg is None or not msg.startswith(CLEAR + ("sds_refresh_plan: ",)):
            problem("%s: unclear error: %s" % (call, err.strip()))
        kinds[msg[:50]] += 1

# the memory cap, once: 200 rows of 1 MB from the USAGE account
rc, out, err = run("fz_usage", "u", None,
                   "SET max_recursive_iterations = 1000;\n"
                   "WITH RECURSIVE n(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM n WHERE s < 200) "
                   "SELECT sds_plan_agg('F', 'x', CONCAT(s, REPEAT('x', 1048576)), 'Data', "
                   "NULL, NULL, NULL, NULL) FROM n;")
if rc != 0 or "more than 128 MiB" not in out:
    problem("memory cap: rc %d %r %r" % (rc, out[:300], err[:300]))

i = 0
while time.time() < deadline:
    (udf_round if i % 2 == 0 else proc_round)()
    i += 1
    if i % 20 == 0 and not alive():
        problem("the server died")
if not alive():
    problem("the server died")
print("fuzz: %(udf)d UDF calls (%(udf_err)d clear errors), %(proc)d procedure calls "
      "(%(proc_err)d clear errors)" % stats)
for k, v in kinds.most_common(8):
    print("  %4d x %s" % (v, k))
PY
srv_sql "$D" -e "SELECT 1" >/dev/null 2>&1 || fail "the server died"
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
if ls "$D"/asan* "$D"/ubsan* >/dev/null 2>&1; then
    cat "$D"/asan* "$D"/ubsan* 2>/dev/null | head -40
    fail "sanitizer reports"
fi
echo "fuzz_server passed (sanitizers: $SAN)"
