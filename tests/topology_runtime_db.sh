#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: topology prototype on SymmetricDS 3.15.9's own engine: sym_* in a runtime database of their own, capture triggers across databases, the site user reaches no sym_* row and runs no code as SymmetricDS
# A prototype for issue 23 point 2 (docs/topology.md): a master and one branch, each on
# its own throwaway mariadbd; on each server the Frappe-shaped site database and, apart
# from it, SymmetricDS's runtime database (sym_<site>) that only SymmetricDS's account and
# the DBA write. The configuration is sds_setup's own (run on the bundled fixture in a
# scratch database; its rows for the site's four tables), written into the runtime database
# by the DBA with the master's site database named where the master's side needs it
# (its triggers' source catalog, the branch -> master router's target catalog, the load
# selects, the lookup) and NO branch site database anywhere: the routers to the branch have
# no target catalog, the branch's (.up) triggers take theirs from a token its engine file
# fills (frappe_sds.site.db), and a branch-group writer filter (sds_site_target) makes its
# loader write the site's tables in that database; the master has the same filter
# (sds_site_target_master, its site database written into its text), so on both sides the
# receiving node decides the database of every site table whatever catalog a batch names
# (step 3b makes each engine's cached router name the sender's catalog, as SymmetricDS's
# router cache can, and writes a row each way; TOPO_NO_MASTER_FILTER=1 leaves the master's
# filter out: the negative control, it fails). The master starts in
# today's layout (sym_* in its site database) and is migrated (docs/topology.md); the
# branch starts in the new layout. The real engine
# (ClientSymmetricEngine, every job, internal transport, one JVM) builds the capture
# triggers on the site's tables, registers the branch, loads it filtered by company and
# carries live changes both ways; the site user (ALL on its site database only, as Frappe
# creates it) then tries to write sym_* rows, to shadow the function the triggers call,
# to make SymmetricDS's account run its function (through the lookup view and through the
# capture trigger's company lookup), to give SymmetricDS's account more rights, and drops
# a capture trigger; a prototype DBA routine (frappe_sds.sds_send_sql) sends remote SQL for
# a login the DBA allowed only; last, the control: with EXECUTE on the site database for
# SymmetricDS's account (what sds_grant grants today) the same attacks run as SymmetricDS.
# tests/topology/Topology.java holds the checks. ~30-70 s.
#   SYMMETRICDS_HOME, FRAPPE_SDS_CACHE: see tests/lib/symmetricds.sh
#   TOPO_KEEP=1  keep the work dir (logs)
#   TOPO_BRANCH_MODE=load-only  run the branch as SymmetricDS's load-only node instead (fails:
#                it builds no capture trigger; Topology.java, LOAD_ONLY)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

. tests/lib/symmetricds.sh
symmetricds_build build.sh

# --- the project's build: the configuration is what sds_setup writes (plugin + install.sql)
export FRAPPE_SDS_SRC="$ROOT"
[ -f "$ROOT/build/frappe_sds.so" ] || { echo "FAIL: build/frappe_sds.so missing (cmake --build build)"; exit 1; }
export FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
[ -f "$FRAPPE_SDS_SQL/install.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/install.sql missing"; exit 1; }

W=$(mktemp -d /dev/shm/frappe_sds_topo.XXXXXX 2>/dev/null || mktemp -d)
mkdir -p "$W/classes" "$W/work"
javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" tests/topology/*.java >"$W/javac.log" 2>&1 || {
    cat "$W/javac.log"; rm -rf "$W"; echo "FAIL: compiling tests/topology"; exit 1; }

cleanup() {
    [ -n "${JPID:-}" ] && kill "$JPID" 2>/dev/null
    for s in m b; do srv_stop "$W/$s" >/dev/null 2>&1; done
    if [ "${TOPO_KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# the master's server has the plugin (sds_setup's generator); the branch's needs none
srv_start "$W/m" --plugin-load-add=frappe_sds.so --max-connections=200 >/dev/null 2>&1 \
    || { tail -n 20 "$W/m/error.log"; echo "FAIL: m server start"; exit 1; }
srv_start "$W/b" --max-connections=200 >/dev/null 2>&1 \
    || { tail -n 20 "$W/b/error.log"; echo "FAIL: b server start"; exit 1; }
# What frappe_sds writes today: the bundled ERPNext fixture as a scratch site (fx) on the
# master's server, with its sym_* tables, install.sql and CALL sds_setup('master',
# 'branch'). The prototype copies fx's rows for its four tables into the runtime database,
# as the DBA routine of the topology would write them (Topology.java, copyConfig).
srv_load_site "$W/m" fx >/dev/null 2>&1 || { echo "FAIL: fixture load"; exit 1; }
srv_sql "$W/m" fx -e "source $FRAPPE_SDS_SQL/install.sql" >"$W/install.log" 2>&1 \
    || { tail -n 20 "$W/install.log"; echo "FAIL: install.sql on the fixture"; exit 1; }
srv_sql "$W/m" fx -e "CALL sds_setup('master', 'branch')" >"$W/setup.log" 2>&1 \
    || { tail -n 20 "$W/setup.log"; echo "FAIL: sds_setup on the fixture"; exit 1; }

# passwords of the two accounts per server (the test's only secrets)
SITE_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')
SYM_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')

# A Frappe-shaped site: tabCompany (owns itself), tabItem (global), tabSales Invoice
# (company field), tabSales Invoice Item (child of it); sds_company_node and the
# sds_company_route view as sql/install/40_company_map.sql makes them.
site_sql() {  # $1 = site database
    cat <<EOF
CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE \`$1\`;
CREATE TABLE \`tabCompany\` (name VARCHAR(140) PRIMARY KEY, abbr VARCHAR(140),
  modified DATETIME(6)) ENGINE=InnoDB;
CREATE TABLE \`tabItem\` (name VARCHAR(140) PRIMARY KEY, item_name VARCHAR(140),
  modified DATETIME(6)) ENGINE=InnoDB;
CREATE TABLE \`tabSales Invoice\` (name VARCHAR(140) PRIMARY KEY, company VARCHAR(140),
  grand_total DECIMAL(21,9), modified DATETIME(6)) ENGINE=InnoDB;
CREATE TABLE \`tabSales Invoice Item\` (name VARCHAR(140) PRIMARY KEY, parent VARCHAR(140),
  parenttype VARCHAR(140), item_code VARCHAR(140), qty DECIMAL(21,9),
  modified DATETIME(6)) ENGINE=InnoDB;
CREATE TABLE sds_company_node (company VARCHAR(140) NOT NULL,
  node_external_id VARCHAR(50) NOT NULL, PRIMARY KEY (company, node_external_id)) ENGINE=InnoDB;
CREATE SQL SECURITY INVOKER VIEW sds_company_route AS
  SELECT CONVERT(c.abbr USING utf8mb4) COLLATE utf8mb4_unicode_ci AS company_key,
         m.node_external_id, m.company
  FROM \`$1\`.sds_company_node m JOIN \`$1\`.\`tabCompany\` c ON c.name = m.company
  WHERE CHAR_LENGTH(c.abbr) BETWEEN 1 AND 50 AND c.abbr NOT LIKE '~%'
  UNION ALL SELECT _utf8mb4'~all' COLLATE utf8mb4_unicode_ci,
                   _utf8mb4'~all' COLLATE utf8mb4_unicode_ci, NULL;
-- the probe the attacks use: who ran it, how many of its writes into the runtime
-- database got through, and what it could read there (a node password)
CREATE TABLE probe (who VARCHAR(200), wrote_runtime INT, secret VARCHAR(100),
  at DATETIME(6) DEFAULT NOW(6)) ENGINE=InnoDB;
EOF
}
# The accounts (names with '_' escaped in database-level GRANTs: '_' is a wildcard there).
#   site: the Frappe site's account, ALL on its site database only (no GRANT OPTION)
#   sym:  SymmetricDS's account: ALL on the runtime database; on the site database the
#         table rights capture and loading need, and no EXECUTE / CREATE ROUTINE: no
#         routine of the site database ever runs with its rights; PROCESS for the
#         transaction-id function (INNODB_TRX)
accounts_sql() {  # $1 = site db, $2 = runtime db
    local s=${1//_/\\_} r=${2//_/\\_}
    cat <<EOF
CREATE DATABASE \`$2\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER site@localhost IDENTIFIED BY '$SITE_PW';
GRANT ALL PRIVILEGES ON \`$s\`.* TO site@localhost;
CREATE USER sym@localhost IDENTIFIED BY '$SYM_PW';
GRANT ALL PRIVILEGES ON \`$r\`.* TO sym@localhost;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER,
      CREATE TEMPORARY TABLES ON \`$s\`.* TO sym@localhost;
GRANT PROCESS ON *.* TO sym@localhost;
EOF
}
{ site_sql erp_master; accounts_sql erp_master sym_erp_master; } | srv_sql "$W/m" \
    || { echo "FAIL: master site"; exit 1; }
{ site_sql site_alpha; accounts_sql site_alpha sym_site_alpha; } | srv_sql "$W/b" \
    || { echo "FAIL: branch site"; exit 1; }
# the master site's data: two companies, two items, an invoice of each company with a line
srv_sql "$W/m" erp_master <<'EOF' || { echo "FAIL: master data"; exit 1; }
INSERT INTO `tabCompany` VALUES ('Alpha Ltd', 'AL', NOW(6)), ('Beta GmbH', 'BE', NOW(6));
INSERT INTO `tabItem` VALUES ('ITEM-1', 'Bolt', NOW(6)), ('ITEM-2', 'Nut', NOW(6));
INSERT INTO `tabSales Invoice` VALUES ('SI-1', 'Alpha Ltd', 10, NOW(6)), ('SI-2', 'Beta GmbH', 20, NOW(6));
INSERT INTO `tabSales Invoice Item` VALUES ('SI-1-1', 'SI-1', 'Sales Invoice', 'ITEM-1', 1, NOW(6)),
  ('SI-2-1', 'SI-2', 'Sales Invoice', 'ITEM-2', 2, NOW(6));
EOF

LOG=$W/engines.log
: >"$W/out.txt"
t0=$(date +%s)
java -Xmx768m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
     -Dorg.slf4j.simpleLogger.logFile="$LOG" -Dorg.slf4j.simpleLogger.showDateTime=true \
     -Djava.io.tmpdir="$W/work" -Djava.util.logging.config.file=/dev/null \
     -Dtopo.sitePw="$SITE_PW" -Dtopo.symPw="$SYM_PW" -Dtopo.noMasterFilter="${TOPO_NO_MASTER_FILTER:-0}" -Dtopo.branchMode="${TOPO_BRANCH_MODE:-retarget}" \
     -cp "$W/classes:$CP" topology.Topology "$W/m/sock" erp_master sym_erp_master \
     "$W/b/sock" site_alpha sym_site_alpha "$W/work" fx >"$W/out.txt" 2>&1 &
JPID=$!
LIMIT=${TOPO_TIMEOUT_S:-600}
( tail -n +1 -f "$W/out.txt" --pid=$JPID & wait ) &
TPID=$!
s=0
while kill -0 "$JPID" 2>/dev/null; do
    sleep 2; s=$((s + 2))
    if [ $s -ge "$LIMIT" ]; then echo "FAIL: timed out after $LIMIT s"; kill "$JPID"; break; fi
done
wait "$JPID"; rc=$?
JPID=
sleep 0.5; kill "$TPID" 2>/dev/null
echo "total $(( $(date +%s) - t0 )) s"
if [ "$rc" -ne 0 ] || ! grep -q '^RESULT PASS' "$W/out.txt" || grep -q '^RESULT FAIL' "$W/out.txt"; then
    echo "--- engines.log (errors, last 30)"
    grep -E ' (ERROR|WARN) ' "$LOG" | tail -n 30
    echo "FAIL: the topology prototype failed (rc=$rc)"
    exit 1
fi
exit 0
