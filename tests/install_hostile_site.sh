#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: install.sql and its objects never run site-replaceable code with an administrator's rights
# A site user (ALL on its own database only) replaces objects that
# install.sql created as an administrator, then
#  (a) fires the sds_install guard trigger (DEFINER = the administrator)
#      after replacing a stored function of the same site: the trigger must
#      not run it;
#  (b) replaces the table sds_install by an INVOKER view over its own
#      function and waits for the administrator to re-run install.sql: the
#      script must refuse before reading it.
# The site's function records CURRENT_USER() and reads mysql.global_priv
# into a table of the site: any row written as root is a privilege gained.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
D=$(mktemp -d /dev/shm/frappe_sds_hostile.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
root() { srv_sql "$D" -N -B "$@"; }
site() { mariadb --no-defaults --socket="$D/sock" -u siteu -psitepw -N -B site "$@"; }

srv_start "$D" --plugin-load-add=frappe_sds.so >/dev/null 2>&1 || fail "server start"
srv_load_site "$D" site >/dev/null 2>&1 || fail "site load"
root site < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
root -e "CREATE USER siteu@localhost IDENTIFIED BY 'sitepw';
         GRANT ALL ON site.* TO siteu@localhost" || fail "site user"

site -e "CREATE TABLE loot (who VARCHAR(200), accounts INT)" || fail "loot table"
probe='BEGIN INSERT INTO loot SELECT CURRENT_USER(), (SELECT COUNT(*) FROM mysql.global_priv); RETURN'
loot() { root site -e "SELECT COUNT(*) FROM loot WHERE who NOT LIKE 'siteu@%'"; }

echo "# (a) the guard trigger on sds_install with a replaced stored function"
printf 'DELIMITER //\nCREATE OR REPLACE FUNCTION sds__version_num(v VARCHAR(32)) RETURNS BIGINT
  SQL SECURITY INVOKER MODIFIES SQL DATA %s 0; END//\n' "$probe" | site || fail "replace function"
site -e "SET @sds__sql_version = '0.0.1'; UPDATE sds_install SET installed_at = NOW()" 2>&1 \
  | sed 's/^/  site: /'
n=$(loot); echo "  rows written with another account's rights: $n"
[ "$n" = 0 ] || fail "(a) the guard trigger ran the site's function as $(root site -e 'SELECT who FROM loot LIMIT 1')"

echo "# (b) sds_install replaced by an INVOKER view, then the administrator re-runs install.sql"
printf 'DELIMITER //\nCREATE OR REPLACE FUNCTION sds_probe() RETURNS VARCHAR(32)
  SQL SECURITY INVOKER MODIFIES SQL DATA %s \x270.0.1\x27; END//\n' "$probe" | site || fail "probe function"
site -e "RENAME TABLE sds_install TO sds_install_was;
         CREATE SQL SECURITY INVOKER VIEW sds_install AS
           SELECT 1 AS id, sds_probe() AS version, NOW() AS installed_at, NULL AS upgraded_from" \
  || fail "view"
out=$(root site < "$FRAPPE_SDS_SQL/install.sql" 2>&1); rc=$?
echo "  install.sql exit $rc: $out"
n=$(loot); echo "  rows written with another account's rights: $n"
[ "$n" = 0 ] || fail "(b) install.sql ran the site's function as $(root site -e 'SELECT who FROM loot LIMIT 1')"
[ $rc != 0 ] || fail "(b) install.sql accepted a view in place of sds_install"
echo "$out" | grep -q "sds_install.*not a base table" || fail "(b) unclear error: $out"
echo "ok"
