#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: attack: a site user's own sds__sync_run (in a site without frappe_sds, and replacing the real one) never runs with more than the site's rights
# Threat model: each site's user has ALL on its own database only. (1) The
# user of `evil`, a database the DBA did not list in frappe_sds_databases,
# fakes a frappe_sds site: sds_setup_state, sds_schema_event, a pending
# sds_schema_change row, and an INVOKER sds__sync_run that tries to grant
# itself everything, read mysql.global_priv and another site, and write
# there; then runs DDL. (2) The user of `site` (a served site) replaces its
# sds__sync_run by the same, and runs DDL. The worker must never run (1),
# and must run (2) only as the worker account (rights on the served sites
# only): no privilege gained, nothing read from mysql.* or another site.
# (It used to call both with grant checks skipped: the first found by the
# scan of every database with a routine of that name.)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. tests/lib/attack.sh
atk_workdir atk1

atk_start site
worker_account "$D" site || fail "worker account"
atk_other
atk_site site
sql -e "CREATE DATABASE evil" && atk_user evil

g_evil=$(atk_grants evil_user) g_site=$(atk_grants site_user)
# (1) the fake site
as_user evil_user evil <<SQL || fail "evil's objects"
CREATE TABLE pwn_loot (v TEXT);
CREATE TABLE sds_setup_state (id INT PRIMARY KEY, master_group VARCHAR(50), branch_group VARCHAR(50),
  updated_at DATETIME(2));
INSERT INTO sds_setup_state VALUES (1, 'master', 'branch', NOW());
CREATE TABLE sds_schema_event (id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(10),
  table_name VARCHAR(64), new_table_name VARCHAR(64), seen_at DATETIME(2));
CREATE TABLE sds_schema_change (id BIGINT AUTO_INCREMENT PRIMARY KEY, table_name VARCHAR(64),
  trigger_id VARCHAR(128), state VARCHAR(20), reload_time DATETIME, refresh_at DATETIME);
INSERT INTO sds_schema_change (table_name, trigger_id, state) VALUES ('t', 't', 'pending');
CREATE TABLE sym_table_reload_request (trigger_id VARCHAR(128), create_time DATETIME, processed INT);
DELIMITER ;;
CREATE PROCEDURE sds__sync_run(IN p_full TINYINT) SQL SECURITY INVOKER
BEGIN
$(atk_leak_body evil evil_user)
END;;
DELIMITER ;
SQL
# (2) the served site's own procedure replaced
atk_replace_sync_run site
# DDL in both, then time for the worker: debounce, passes, idle scans
as_user evil_user evil -e "CREATE TABLE t (a INT); ALTER TABLE t ADD COLUMN b INT" || fail "evil's DDL"
as_user site_user site -e "ALTER TABLE tabBrand ADD COLUMN pwn INT" || fail "site's DDL"
for i in $(seq 1 50); do
    [ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot")" != 0 ] && break
    sleep 0.1
done
sleep 3
echo "evil's code saw: $(sql evil -e "SELECT LEFT(IFNULL(GROUP_CONCAT(v SEPARATOR ' | '), '(never ran)'), 300) FROM pwn_loot")"
echo "site's code saw: $(sql site -e "SELECT LEFT(IFNULL(GROUP_CONCAT(v SEPARATOR ' | '), '(never ran)'), 300) FROM pwn_loot")"
[ "$(atk_grants evil_user)" = "$g_evil" ] || fail "evil_user gained privileges: $(atk_grants evil_user)"
[ "$(atk_grants site_user)" = "$g_site" ] || fail "site_user gained privileges: $(atk_grants site_user)"
[ "$(sql evil -e "SELECT COUNT(*) FROM pwn_loot")" = 0 ] \
    || fail "the worker ran code of a database the DBA did not list"
atk_check_loot site
atk_check_other
# the served site's code did run, as the worker account (the test saw it)
[ "$(sql site -e "SELECT COUNT(*) FROM pwn_loot WHERE v = 'who:frappe_sds_worker@localhost'")" -ge 1 ] \
    || fail "the worker did not run the served site's pass (nothing was tested)"
srv_stop "$D" >/dev/null || fail "server did not stop"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "attack_worker_code passed"
