#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: every DATABASE() (or SCHEMA()) in sql/install/*.sql is on the audit's allowlist with its reason: the site's tables are found with sds__site_db(), never DATABASE()
# The runtime layout (docs/topology.md): frappe_sds runs in the runtime
# database sym_<site>, so there DATABASE() is the runtime database, not the
# site. Every place that reads information_schema for the site or names the
# site's tables must use sds__site_db(). DATABASE() is right only where it
# means the database frappe_sds itself runs in (its own tables and views,
# SymmetricDS's tables, the layout test sds__site_db() <> DATABASE(),
# messages naming it), or in a text run elsewhere (at a branch, in a
# capture trigger, in SymmetricDS's engine). This lists every DATABASE() in
# code and string literals (SQL line comments are skipped) and fails on any
# line that no entry of ALLOW below covers, and on an entry that covers no
# line any more (so the list stays the list of what is there).
#
# ALLOW: one entry a line, "file | fragment | reason". The fragment is a
# literal, case-sensitive piece of the line: it begins on the line and may
# run on into the next (white space folded to one space), so that a line
# such as "WHERE table_schema = DATABASE()" is told by what follows it. One entry
# may cover several lines of its file when the reason is the same for each.
# Usage: tests/sql_site_audit.sh [DIR] (default: sql/install of this tree).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:-$ROOT/sql/install}
[ -d "$DIR" ] || { echo "FAIL: no directory $DIR"; exit 1; }

ALLOW=$(cat <<'EOF'
00_install.sql | IF DATABASE() IS NULL | install.sql refuses to run with no database selected
00_install.sql | WHERE runtime_db = DATABASE()) | the DBA's map (frappe_sds.sds_site) is looked up by the database frappe_sds is installed in; also sds__site_db() itself
00_install.sql | WHERE site_db = DATABASE()) | the same map: is the database install.sql runs in a site whose frappe_sds lives elsewhere
00_install.sql | QUOTE(DATABASE()), ' is none (frappe_sds.sds_site) | message naming the database runtime.sql was run in
00_install.sql | 'frappe_sds install: ', QUOTE(DATABASE()), ' is ', | message naming the database install.sql was run in
00_install.sql | QUOTE(IFNULL(v_runtime, DATABASE())) | message naming the database to run runtime.sql in
00_install.sql | SET @sds__site = DATABASE(); | the classic layout (no row in the DBA's map): the site is the database install.sql runs in
00_install.sql | WHERE table_schema = DATABASE() AND table_name IN (@SDS_SYM_TABLES@) | SymmetricDS's tables are in the database frappe_sds runs in (the runtime database in the runtime layout)
00_install.sql | QUOTE(DATABASE()), '; run symadmin create-sym-tables first' | message naming where SymmetricDS's tables are missing
00_install.sql | WHERE table_schema = DATABASE() AND table_name LIKE 'sds\_%' | frappe_sds's own tables and views, in its own database
00_install.sql | ' in ', QUOTE(DATABASE()), ' is not a base table | message naming frappe_sds's own database
00_install.sql | WHERE table_schema = DATABASE() AND table_name = 'sds_install') | frappe_sds's own version table, in its own database
00_install.sql | RETURN DATABASE(); | sds__site_db() itself: in the classic layout the site is this database
10_plan.sql | sds_ident(DATABASE()), '.sds_doctype_rule r' | frappe_sds's own table sds_doctype_rule, in its own database
20_setup.sql | WHERE table_schema = DATABASE() AND table_name IN (@SDS_SYM_TABLES@) | SymmetricDS's tables, in the database frappe_sds runs in (sds__require_sym_tables)
20_setup.sql | QUOTE(DATABASE()), '; run symadmin create-sym-tables first' | message naming where SymmetricDS's tables are missing
20_setup.sql | SELECT 'X', 'db', DATABASE() | the core's "db": SymmetricDS's catalog (its tables, its connection)
20_setup.sql | sds__site_db() <> DATABASE() | the layout test: the site's tables are in another database (the runtime layout)
20_setup.sql | SELECT 'X', 'runtime_catalog', DATABASE() | the runtime layout: the runtime database is this one
20_setup.sql | WHERE table_schema = DATABASE() AND table_name = 'sym_trigger' | SymmetricDS's sym_trigger, in the database frappe_sds runs in
40_company_map.sql | qrt VARCHAR(140) DEFAULT sds_ident(DATABASE()) | frappe_sds's own sds_company_node, in its own database (tabCompany is named by @sds__site)
54_remote_sql.sql | sds__site_db() <> DATABASE() | the layout test: the runtime layout checks the DBA's allowlist, and records the login
56_file_sync.sql | qdb VARCHAR(140) DEFAULT sds_ident(DATABASE()) | frappe_sds's own views sds_company_route and sds_file_route, in its own database (tabFile is named by sds__site_db())
56_file_sync.sql | SELECT 'X', 'db', DATABASE() | the core's "db": SymmetricDS's catalog, as in sds_setup
56_file_sync.sql | sds__site_db() <> DATABASE() | the layout test, as in sds_setup; file sync refuses the runtime layout
56_file_sync.sql | SELECT 'X', 'runtime_catalog', DATABASE() | the runtime layout: the runtime database is this one
57_doctor.sql | i.table_schema = DATABASE() AND i.table_name = w.t | SymmetricDS's tables (the list above), in the database frappe_sds runs in
57_doctor.sql | sds__site_db() <> DATABASE() | the layout test: which script the fix names
57_doctor.sql | sds_ident(DATABASE()), ' < /usr/share/frappe-sds/' | the fix names the database install.sql or runtime.sql runs in
57_doctor.sql | WHERE routine_schema = DATABASE() AND routine_name = v_obj | SymmetricDS's transaction function, which sds_grant puts in SymmetricDS's database
57_doctor.sql | sds_ident(DATABASE()), '.', v_obj, ' TO <site user>' | the fix names that function in SymmetricDS's database
57_doctor.sql | CALL sds__doc_add('sym_tables', | the doctor's row names the database SymmetricDS's tables are in
58_compare.sql | 'SET @sds_cmp_ | SQL text of sds_compare run at a branch (a SymmetricDS SQL event): DATABASE() is the engine's database, where the answer table is; the site's tables are read in IFNULL(@sds_site_db, DATABASE()), which the branch's sds_site_target sets in the runtime layout
32_schema_ahead.sql | sds__site_db() <> DATABASE() | the layout test: a site in the runtime layout gets the branches' filter sds_site_target
21_load_filter.sql | sds__site_db() <> DATABASE() | the layout test: a master in the runtime layout gets its own filter sds_site_target_master
32_schema_ahead.sql | '  return (String) sqlTemplate.queryForString("select database()" | BeanShell text of a branch's extension: the engine's own database, only for a table the loader names without a catalog (a classic branch)
22_moves.sql | DECLARE v_tab VARCHAR(40) DEFAULT IF(v_site <> DATABASE() | the layout test: in the runtime layout the delete sent to a branch names its site database by $(catalogName)
51_onboarding.sql | IF(sds__site_db() <> DATABASE() | the layout test: in the runtime layout a branch's first-load purge names its site database by $(catalogName)
EOF
)

SDS_AUDIT_ALLOW="$ALLOW" python3 - "$DIR" <<'PY'
import glob, os, re, sys

d = sys.argv[1]
allow = []
for n, line in enumerate(os.environ["SDS_AUDIT_ALLOW"].split("\n"), 1):
    if not line.strip():
        continue
    parts = [p.strip() for p in line.split(" | ")]
    if len(parts) != 3 or not all(parts):
        print("FAIL: allowlist entry %d is not 'file | fragment | reason': %s" % (n, line))
        sys.exit(1)
    allow.append(parts + [0])

call = re.compile(r"\b(database|schema)\s*\(\s*\)", re.I)


def code(line):
    """the line without an SQL line comment (a -- outside single quotes)"""
    q = False
    for i, c in enumerate(line):
        if c == "'":
            q = not q
        elif not q and line.startswith("--", i) and (i + 2 == len(line) or line[i + 2] in " \t\n"):
            return line[:i]
    return line


fold = lambda s: re.sub(r"\s+", " ", s).strip()


def starts_here(ctx, frag, n):
    """frag is in ctx (the line and the next) and begins on the line itself"""
    p = ctx.find(frag)
    while p != -1:
        if p < n:
            return True
        p = ctx.find(frag, p + 1)
    return False
problems, seen = [], 0
files = sorted(glob.glob(os.path.join(d, "*.sql")))
if not files:
    print("FAIL: no *.sql in %s" % d)
    sys.exit(1)
for path in files:
    name = os.path.basename(path)
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, raw in enumerate(lines):
        line = code(raw)
        if not call.search(line):
            continue
        seen += 1
        here = fold(line)
        ctx = here + " " + (fold(code(lines[i + 1])) if i + 1 < len(lines) else "")
        hits = [a for a in allow if a[0] == name and starts_here(ctx, fold(a[1]), len(here))]
        for a in hits:
            a[3] += 1
        if not hits:
            problems.append("%s:%d: DATABASE() not on the allowlist (use sds__site_db() for the site's "
                            "tables, or add an entry with its reason): %s" % (name, i + 1, raw.strip()))
for f, frag, reason, n in allow:
    if n == 0:
        problems.append("allowlist entry covers no line any more (remove it): %s | %s" % (f, frag))
for p in problems:
    print("FAIL: " + p)
print("%d DATABASE() lines in %d files, %d allowlist entries, %d problems" % (seen, len(files), len(allow), len(problems)))
sys.exit(1 if problems else 0)
PY
