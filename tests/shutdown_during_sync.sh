#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: server shutdown while the worker syncs
# Regression test (run by scripts/test.sh): stop the server while the
# FRAPPE_SDS worker is in the middle of a sync, 0.5 s after an ALTER with a
# 200 ms debounce. The server used to crash there (InnoDB shut down under
# the worker's statement). Prints the number of "got signal" lines in the
# server's error log and exits 0 only when it is 0.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" ROOT W=$(mktemp -d /dev/shm/frappe_sds_shutdown.XXXXXX)
rm -rf "$W"; mkdir -p "$W/plugins-none" "$W/plugins-noop" "$W/plugins-ours"
cp build/frappe_sds.so "$W/plugins-ours/"
SRV=$W/srv RAW=$W/raw.tsv; : > "$RAW"
. bench/lib/common.sh
srv_config ours
site_db site
q site "CALL sds_setup('master','branch')" >/dev/null
q site "CALL symplay_sync_triggers()"
add_nodes site
q '' "SET GLOBAL frappe_sds_debounce_ms=200, frappe_sds_poll_ms=100"
q site "ALTER TABLE tabBrand ADD COLUMN zz INT"
sleep 0.5
srv_stop "$SRV"
n=$(grep -c 'got signal' "$SRV/error.log")
echo "$n"
rm -rf "$W"
[ "$n" = 0 ]
