#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Manual check (not in the suite: no "# test:" line; ~1 min): the generator's
# runtime-layout texts for the whole bundled ERPNext fixture, each run by MariaDB
# on the connection that runs it in the runtime layout (RUNTIME9.md,
# core/sds_config.c "enum side"). One throwaway server with the plugin; the
# fixture with sample data as site database S (install.sql, classic), a runtime
# database R with SymmetricDS's tables and an sds_company_route view; the JSON from
# sds__config_agg with site_catalog = S and runtime_catalog = R. Then:
#   in R: every initial_load_select (as SymmetricDS's row count), every load filter
#         script (parameters as literals), every sds_company_where "where";
#   control: the same texts without `S`. fail in R (every one of them);
#   in S: every external_select (on the table's first row), every "where_branch"
#         (its "$(catalogName)." taken out: a branch replaces it with its site database);
#   the move texts as real AFTER UPDATE triggers on S's tables; an invoice that
#   changes company writes its events into R.sym_data (none into S's).
# Exit 0 when all hold. Needs a build (cmake --build build).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
[ -f build/frappe_sds.so ] && [ -f "$FRAPPE_SDS_SQL/install.sql" ] || { echo "FAIL: build first"; exit 1; }
W=$(mktemp -d /dev/shm/frappe_sds_rtt.XXXXXX 2>/dev/null || mktemp -d)
S=_1bd3e0294da19198
R=sym_$S
cleanup() { srv_stop "$W/srv" >/dev/null 2>&1; rm -rf "$W"; }
trap cleanup EXIT
srv_start "$W/srv" --plugin-load-add=frappe_sds.so >/dev/null || { echo "FAIL: server"; exit 1; }
srv_load_site "$W/srv" "$S" --sample >/dev/null 2>&1 || { echo "FAIL: fixture"; exit 1; }
srv_sql "$W/srv" "$S" -e "source $FRAPPE_SDS_SQL/install.sql" >"$W/install.log" 2>&1 \
    || { tail "$W/install.log"; echo "FAIL: install.sql"; exit 1; }
srv_sql "$W/srv" -e "CREATE DATABASE \`$R\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
srv_sql "$W/srv" "$R" < sym/symmetricds-tables.sql &&
srv_sql "$W/srv" "$R" -e "CREATE VIEW sds_company_route AS SELECT * FROM \`$S\`.sds_company_route" \
    || { echo "FAIL: runtime database"; exit 1; }
srv_sql "$W/srv" "$S" -N --raw -e "SELECT sds__config_agg(kind, a1, a2, a3, a4, a5, a6, a7) FROM (
    SELECT kind, a1, a2, a3, a4, a5, a6, a7 FROM sds__meta_input
    UNION ALL SELECT 'X', 'db', DATABASE(), NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'config_api', '2', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'master_group', 'master', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'branch_group', 'branch', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'site_catalog', '$S', NULL, NULL, NULL, NULL, NULL
    UNION ALL SELECT 'X', 'runtime_catalog', '$R', NULL, NULL, NULL, NULL, NULL) i" >"$W/rt.json" \
    || { echo "FAIL: generator"; exit 1; }

python3 - "$W/srv/sock" "$S" "$R" "$W/rt.json" <<'PY' || exit 1
import json, re, subprocess, sys
sock, S, R = sys.argv[1:4]
j = json.load(open(sys.argv[4]))
def q(n): return '`' + n.replace('`', '``') + '`'
def run(db, sql):
    p = subprocess.run(['mariadb', '--no-defaults', '--socket=' + sock, '--user=root',
                        '--force', '-N', db], input=sql, capture_output=True, text=True)
    return p.stdout, p.stderr
def batch(db, items):
    """(label, statement) pairs, one client run; the labels that failed"""
    sql = '\n'.join("SELECT 'L%d';\n%s;" % (i, s.replace('\n', ' ')) for i, (l, s) in enumerate(items))
    out, err = run(db, sql)
    return [(items[(int(m.group(2)) - 1) // 2][0], m.group(1), m.group(3)[:160])
            for m in re.finditer(r'ERROR (\d+) \(\w+\) at line (\d+): (.*)', err)]
trig = {r['trigger_id']: r for r in j['sym_trigger']}
co = "_utf8mb4 X'" + 'Wind Power LLC'.encode().hex().upper() + "'"
on_r, on_s = [("set", "SET @sync_node_disabled = 'b1'")], []
for tr in j['sym_trigger_router']:
    if tr['initial_load_select']:
        t = trig[tr['trigger_id']]
        on_r.append(('load ' + t['trigger_id'], 'SELECT count(*) FROM %s.%s t WHERE %s' % (
            q(S), q(t['source_table_name']), tr['initial_load_select'].replace('$(externalId)', 'b1'))))
for f in j['sym_load_filter']:
    on_r.append(('filter ' + f['load_filter_id'], re.sub(r':([A-Za-z0-9_]+)', "'x'", f['before_write_script'])))
for w in j['sds_company_where']:
    on_r.append(('where ' + w['trigger_id'], 'SELECT count(*) FROM %s.%s t WHERE %s' % (
        q(S), q(w['table_name']), w['where'].replace('\x01', co))))
    on_s.append(('where_branch ' + w['trigger_id'], 'SELECT count(*) FROM %s t WHERE %s' % (
        q(w['table_name']), w['where_branch'].replace('\x01', co).replace('$(catalogName).', ''))))
for t in j['sym_trigger']:
    if t['external_select']:
        on_s.append(('external_select ' + t['trigger_id'], 'SELECT (%s) FROM %s x0 LIMIT 1' % (
            t['external_select'].replace('$(curTriggerValue).$(curColumnPrefix)', 'x0.'),
            q(t['source_table_name']))))
bad = batch(R, on_r) + batch(S, on_s)
ctl = [(l, s.replace(q(S) + '.', '')) for l, s in on_r if q(S) + '.' in s]
ctl_failed = len(batch(R, ctl))
moves = [t for t in j['sym_trigger'] if t['custom_on_update_text']]
ddl = '\n'.join('CREATE OR REPLACE TRIGGER %s AFTER UPDATE ON %s FOR EACH ROW %s$$' % (
    q('sds_t_%d' % i), q(t['source_table_name']), t['custom_on_update_text']) for i, t in enumerate(moves))
out, derr = run(S, 'DELIMITER $$\n' + ddl + '\nDELIMITER ;\n')
print('on R: %d texts, on S: %d texts, %d failed; control: %d of %d fail without `S`.; %d move triggers%s'
      % (len(on_r) - 1, len(on_s), len(bad), ctl_failed, len(ctl), len(moves),
         ', DDL errors: ' + derr.strip()[:300] if derr.strip() else ''))
for b in bad[:20]:
    print('  FAILED', b)
sys.exit(0 if not bad and ctl_failed == len(ctl) and len(ctl) > 100 and len(moves) > 100
         and not derr.strip() and len(on_r) > 1000 else 1)
PY

# a move for real: an invoice that arrives at branch b1's company, then leaves it
srv_sql "$W/srv" "$R" -e "
INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES ('b1', 'branch', 'b1', 1);
INSERT INTO sym_trigger_hist (trigger_hist_id, trigger_id, source_table_name, source_catalog_name,
  name_for_insert_trigger, name_for_update_trigger, name_for_delete_trigger, last_trigger_build_reason,
  column_names, pk_column_names, create_time)
SELECT 100 + s, t, n, '$S', 'i', 'u', 'd', 'N', 'name', 'name', NOW() FROM (
  SELECT 1 s, 'tabsales_invoice' t, 'tabSales Invoice' n
  UNION ALL SELECT 2, 'tabsales_invoice_item', 'tabSales Invoice Item') x" || { echo "FAIL: R rows"; exit 1; }
got=$(srv_sql "$W/srv" "$S" -N -e "
INSERT INTO sds_company_node (company, node_external_id) VALUES ('Rivendell Trading Pvt. Ltd.', 'b1');
SET @n = (SELECT name FROM \`tabSales Invoice\` WHERE company = 'Wind Power LLC' ORDER BY name LIMIT 1);
UPDATE \`tabSales Invoice\` SET company = 'Rivendell Trading Pvt. Ltd.' WHERE name = @n;
SELECT GROUP_CONCAT(CONCAT(event_type, ':', table_name, ':', node_list) ORDER BY data_id) FROM \`$R\`.sym_data;
DELETE FROM \`$R\`.sym_data;
UPDATE \`tabSales Invoice\` SET company = 'Wind Power LLC' WHERE name = @n;
SELECT GROUP_CONCAT(CONCAT(event_type, ':', table_name, ':', node_list) ORDER BY data_id) FROM \`$R\`.sym_data;
SELECT COUNT(*) FROM sym_data;" 2>&1)
want=$'R:tabSales Invoice Item:b1\nS:tabSales Invoice Item:b1,S:tabSales Invoice:b1\n0'
if [ "$got" != "$want" ]; then
    printf 'FAIL: move events in R.sym_data:\n%s\nwant:\n%s\n' "$got" "$want"; exit 1
fi
echo "move: arrival and departure events in R.sym_data, none in S's"
echo "PASS"
