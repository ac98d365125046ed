#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: INSTALL/UNINSTALL SONAME while sessions run DDL and DML
# Regression test (run by scripts/test.sh): INSTALL SONAME and UNINSTALL
# SONAME 'frappe_sds' while other sessions run DDL and DML on a configured
# site. The server must stay up, no session may fail or lose a row,
# UNINSTALL may be deferred (an audit plugin in use: warning 1620), and the
# server must stop cleanly afterwards.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
. tests/lib/worker.sh
D=$(mktemp -d /dev/shm/frappe_sds_busy.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; tail -n 20 "$D/error.log" 2>/dev/null; exit 1; }
sql() { srv_sql "$D" -N -B "$@"; }

# shellcheck disable=SC2046
srv_start "$D" $(worker_pwfile "$D") --loose-frappe-sds-databases=site >/dev/null 2>&1 || fail "server start"
srv_load_site "$D" site >/dev/null 2>&1 || fail "site load"
worker_account "$D" site || fail "worker account"
sql -e "INSTALL SONAME 'frappe_sds'" || fail "first install"
sql site < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
sql site -e "CALL sds_setup('master', 'branch')" >/dev/null || fail "sds_setup"
sql -e "UNINSTALL SONAME 'frappe_sds'" 2>/dev/null   # deferred or done
# busy sessions: DDL on some tables, DML on others, for the whole test
( for i in $(seq 1 60); do
    sql site -e "ALTER TABLE tabBrand ADD COLUMN busy_$i INT; ALTER TABLE tabBrand DROP COLUMN busy_$i" || echo DDLFAIL
  done ) > "$D/ddl.out" 2>&1 &
ddl=$!
( for i in $(seq 1 300); do
    sql site -e "INSERT INTO \`tabUOM\` (name, uom_name, modified) VALUES ('busy-$i', 'busy-$i', NOW(6))" || echo DMLFAIL
  done ) > "$D/dml.out" 2>&1 &
dml=$!
for i in 1 2 3; do
  sql -e "INSTALL SONAME 'frappe_sds'" 2>"$D/inst.err" \
    || grep -q "already exists\|1968\|1125" "$D/inst.err" || fail "install while busy: $(cat "$D/inst.err")"
  sleep 0.3
  sql -e "UNINSTALL SONAME 'frappe_sds'" 2>"$D/uninst.err" || true
  sleep 0.3
done
wait $ddl $dml
grep -q "DDLFAIL\|DMLFAIL" "$D/ddl.out" "$D/dml.out" && fail "a busy session failed: $(cat "$D/ddl.out" "$D/dml.out" | head -5)"
[ "$(sql site -e "SELECT COUNT(*) FROM \`tabUOM\` WHERE name LIKE 'busy-%'")" = 300 ] || fail "DML rows lost"
sql -e "SELECT 1" >/dev/null || fail "server down"
srv_stop "$D" >/dev/null 2>&1 || fail "stop"
grep -q "got signal" "$D/error.log" && fail "crash"
echo "install/uninstall while busy: ok"
