#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Reproduces the known shutdown problem (README, "Known problems"): stop the
# server while the FRAPPE_SDS worker is in the middle of a sync. Prints the
# number of "got signal" lines in the server's error log (0 = survived).
# Not part of the test command: it fails today.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT" ROOT W=/dev/shm/frappe_sds_shutdown_repro
rm -rf "$W"; mkdir -p "$W/plugins-none" "$W/plugins-noop" "$W/plugins-ours"
cp build/frappe_sds.so "$W/plugins-ours/"
SRV=$W/srv RAW=$W/raw.tsv; : > "$RAW"
. bench/lib/common.sh
srv_config ours
site_db site
q site "CALL sds_setup('master','branch')" >/dev/null
q site "CALL bench_play_sync_triggers()"
add_nodes site
q '' "SET GLOBAL frappe_sds_debounce_ms=200, frappe_sds_poll_ms=100"
q site "ALTER TABLE tabBrand ADD COLUMN zz INT"
sleep 0.5
srv_stop "$SRV"
grep -c 'got signal' "$SRV/error.log"
