#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the mtr emulator (include/symemu.sql) routes sds_setup's configuration as SymmetricDS's own RouterService does
# The mtr suite keeps its SymmetricDS emulator because it is fast; this test shows it
# agrees with SymmetricDS 3.15.9's own code on the same cases. One server, one ERPNext
# site with sds_setup's configuration and branch nodes (two companies, both, none, one
# not enabled); SymmetricDS's own trigger install path (symoracle sync) builds the
# capture triggers of a company table, its child table and a global table; real writes
# (companies mapped, unmapped, NULL, a branch's change passed on, a node_list) fill
# sym_data; then SymmetricDS's RouterService (symoracle route) and the emulator
# (symemu.route) route the same rows, and every (row, router) must get the same nodes.
#   SYMMETRICDS_HOME, FRAPPE_SDS_CACHE: see tests/lib/symmetricds.sh. Exit 77 = skipped.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/symmetricds.sh
symmetricds_build symoracle

export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
[ -f "$ROOT/build/frappe_sds.so" ] || { echo "FAIL: build/frappe_sds.so missing"; exit 1; }
. scripts/lib/server.sh
D=$(mktemp -d /dev/shm/frappe_sds_emu.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sql() { timeout 300 mariadb --no-defaults --socket="$D/sock" --user=root --default-character-set=utf8mb4 -N -B "$@"; }
oracle() { (cd "$D" && timeout 300 "$SDS/symoracle" "$BUILD" --url "jdbc:mariadb://localhost/site?localSocket=$D/sock" \
             --user root --group master --external-id hq "$@") 2>>"$D/oracle.err"; }

srv_start "$D" --plugin-load-add=frappe_sds.so >/dev/null 2>&1 || fail "server start"
srv_load_site "$D" site --customizations --sample >/dev/null 2>&1 || fail "site load"
sql site < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
sql site <<'EOF' >/dev/null || fail "configuration"
SET GLOBAL frappe_sds_ddl_watch = OFF;
CALL sds_setup('master', 'branch');
CALL sds_map_company('Wind Power LLC', 'b-wp');
CALL sds_map_company('O''Brien & Söhne GmbH', 'b-obs');
CALL sds_map_company('Wind Power LLC', 'b-multi');
CALL sds_map_company('O''Brien & Söhne GmbH', 'b-multi');
INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled, created_at_node_id) VALUES
  ('hq', 'master', 'hq', 1, NULL), ('b-wp', 'branch', 'b-wp', 1, 'hq'), ('b-obs', 'branch', 'b-obs', 1, 'hq'),
  ('b-multi', 'branch', 'b-multi', 1, 'hq'), ('b-none', 'branch', 'b-none', 1, 'hq'), ('b-off', 'branch', 'b-off', 0, 'hq');
INSERT INTO sym_node_identity VALUES ('hq');
INSERT INTO sym_node_security (node_id, node_password, registration_time, created_at_node_id)
  SELECT node_id, 'x', IF(sync_enabled, NOW(), NULL), 'hq' FROM sym_node;
EOF
oracle init >/dev/null || { cat "$D/oracle.err" | tail -n 20; fail "symoracle init"; }
# SymmetricDS's own install path builds the capture triggers (trigger_hist + CREATE TRIGGER)
oracle sync tabcompany tabsales_invoice tabsales_invoice_item tabitem >"$D/sync.out" \
    || { tail -n 20 "$D/oracle.err"; fail "symoracle sync"; }
[ "$(sql site -e "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = 'site'
     AND event_object_table IN ('tabSales Invoice', 'tabSales Invoice Item', 'tabItem', 'tabCompany')")" = 12 ] \
    || { cat "$D/sync.out"; tail -n 20 "$D/oracle.err"; fail "SymmetricDS did not build the 12 capture triggers"; }
sql site -e "DELETE FROM sym_data" || fail "clear sym_data"

# real writes through SymmetricDS's triggers
sql site <<'EOF' || fail "writes"
INSERT INTO `tabSales Invoice` (name, modified, company) VALUES
  ('CMP-WP', NOW(6), 'Wind Power LLC'), ('CMP-OBS', NOW(6), 'O''Brien & Söhne GmbH'),
  ('CMP-RTPL', NOW(6), 'Rivendell Trading Pvt. Ltd.'), ('CMP-NULL', NOW(6), NULL), ('CMP-GONE', NOW(6), 'No Such Company');
INSERT INTO `tabSales Invoice Item` (name, parent, parenttype, parentfield, modified) VALUES
  ('cmp-wp-1', 'CMP-WP', 'Sales Invoice', 'items', NOW(6)), ('cmp-obs-1', 'CMP-OBS', 'Sales Invoice', 'items', NOW(6)),
  ('cmp-orphan', 'NO-SUCH-PARENT', 'Sales Invoice', 'items', NOW(6)), ('cmp-other', 'CMP-WP', 'Purchase Invoice', 'items', NOW(6));
UPDATE `tabSales Invoice` SET remarks = 'u' WHERE name = 'CMP-OBS';
DELETE FROM `tabSales Invoice Item` WHERE name = 'cmp-obs-1';
UPDATE `tabSales Invoice` SET company = 'Wind Power LLC' WHERE name = 'CMP-RTPL';
INSERT INTO tabItem (name, modified) VALUES ('CMP-ITEM', NOW(6));
UPDATE tabCompany SET modified = NOW(6) WHERE name IN ('Wind Power LLC', 'Rivendell Trading Pvt. Ltd.');
-- a branch's change, written by the loader (source node set): never routed back to it
SET @sync_node_disabled = 'b-wp', @sync_triggers_disabled = 1;
INSERT INTO `tabSales Invoice` (name, modified, company) VALUES ('CMP-FROM-WP', NOW(6), 'Wind Power LLC');
INSERT INTO tabItem (name, modified) VALUES ('CMP-ITEM-FROM-OBS', NOW(6));
SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
EOF
sql site -e "UPDATE sym_data SET source_node_id = 'b-obs' WHERE row_data LIKE '\"CMP-ITEM-FROM-OBS\"%'" || fail "source node"
# a row with a node list (what sds_send_sql writes): the router is skipped
sql site -e "INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, node_list, create_time)
             SELECT table_name, 'I', row_data, trigger_hist_id, channel_id, 'b-obs,b-off,b-none', NOW() FROM sym_data
             WHERE table_name = 'tabItem' ORDER BY data_id LIMIT 1" || fail "node list row"
# keys no capture trigger of frappe_sds makes, for the lookuptable router's edge cases:
# NULL (3.14.4+ sends it to every node unless ALL_NODES_VALUE) and the ALL_NODES_VALUE itself
sql site -e "INSERT INTO sym_data (table_name, event_type, row_data, trigger_hist_id, channel_id, external_data, create_time)
             SELECT table_name, 'I', row_data, trigger_hist_id, channel_id, k.v, NOW()
             FROM sym_data JOIN (SELECT NULL AS v UNION ALL SELECT '~all') k
             WHERE table_name = 'tabSales Invoice' AND event_type = 'I' ORDER BY data_id LIMIT 2" || fail "edge keys"
n=$(sql site -e "SELECT COUNT(*) FROM sym_data")
[ "$n" -ge 15 ] || fail "only $n captured rows"

# SymmetricDS's RouterService
oracle route >"$D/engine.tsv" || { tail -n 20 "$D/oracle.err"; fail "symoracle route"; }
python3 -c '
import sys, re
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
for r in rows:
    nodes = sorted(x for x in re.split(r"[,\s\[\]]+", r[6] if len(r) > 6 else "") if x)
    # a row sent nowhere: the engine names no router ("(none: unrouted)")
    print(r[0] + "\t" + (r[5] if nodes else "-") + "\t" + ",".join(nodes))
' "$D/engine.tsv" >"$D/engine.txt" || fail "reading the engine's decisions"
# the emulator, on the same rows
(echo "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;"; cat "${SYMEMU_SQL:-mysql-test/frappe_sds/include/symemu.sql}") | sql >/dev/null \
    || fail "loading symemu.sql"
sql -e "CALL symemu.route('site', '${EMU_VERSION:-3.15}')" >/dev/null || fail "symemu.route"
# every (row, router) the engine decided on; rows the emulator sent nowhere have no outgoing row
sql site -e "SELECT d.data_id, r.router_id, IFNULL((SELECT GROUP_CONCAT(o.node_id ORDER BY o.node_id SEPARATOR ',')
               FROM symemu.outgoing o WHERE o.db = 'site' AND o.data_id = d.data_id AND o.router_id = r.router_id), '')
             FROM sym_data d JOIN sym_trigger_hist h ON h.trigger_hist_id = d.trigger_hist_id
             JOIN sym_trigger_router tr ON tr.trigger_id = h.trigger_id JOIN sym_router r ON r.router_id = tr.router_id
             WHERE r.source_node_group_id = 'master'" \
    | awk -F'\t' '{ print $1 "\t" ($3 == "" ? "-" : $2) "\t" $3 }' | LC_ALL=C sort -u >"$D/emu.txt"
LC_ALL=C sort -u -o "$D/engine.txt" "$D/engine.txt"
echo "rows routed: $(wc -l <"$D/engine.txt") (row, router) decisions by SymmetricDS"
column -t -s $'\t' "$D/engine.tsv" | sed 's/^/  /'
if ! diff <(cat "$D/engine.txt") <(cat "$D/emu.txt") >"$D/diff.txt"; then
    echo "--- SymmetricDS (<) vs the emulator (>):"; cat "$D/diff.txt"
    fail "the emulator routes differently from SymmetricDS's RouterService"
fi
# the cases must be there: a row for two nodes, one for none, one with a node list
grep -qP '\tb-multi,b-obs$' "$D/engine.txt" || fail "no row went to two nodes"
[ "$(grep -cP '^[0-9]+\t-\t$' "$D/engine.txt")" -ge 4 ] || fail "fewer than 4 rows went nowhere (unmapped, NULL, orphan)"
grep -qP '\tb-none,b-obs$' "$D/engine.txt" || fail "the node-list row is missing"
echo "the emulator and SymmetricDS agree on every (row, router)"
exit 0
