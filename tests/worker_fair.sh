#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the worker is fair between sites: one site's DDL flood neither delays another site's pass nor makes it lose a change
# Issue 23, point 5. A server serves three sites, fa, fb and fc (one
# worker account each), frappe_sds_debounce_ms = 1000.
# (1) fa and fb run `ALTER TABLE ... COMMENT` every 0.3 s; fc's
#     `ADD COLUMN` meanwhile gets its sds_schema_change row from a pass
#     that began within its own debounce (2.5 s to spare). The debounce
#     timestamp used to be shared: fc waited until the flood stopped (not
#     handled in 12 s).
# (2) frappe_sds_queue_max = 20: fb queues 30 new tables and then
#     `MODIFY fraction_units BIGINT` (a type change: same column names, so
#     only the signature shows it). The queue of fb overflows: it says so
#     (the error log, fb's row of sds_worker), and fb's next pass compares
#     every table's signature, so the MODIFY still becomes a change of
#     tabCurrency. The queue used to be global (65,536 entries): the event
#     was dropped silently and the next pass took the new signature as its
#     baseline.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_fair.XXXXXX 2>/dev/null || mktemp -d)
FLOODS=()
cleanup() {
    local p
    for p in "${FLOODS[@]}"; do kill "$p" 2>/dev/null; done
    srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT
export WORKER_USER='frappe_sds_w_%s'
. tests/lib/attack.sh

atk_start fa,fb,fc
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
for s in fa fb fc; do
    atk_site "$s"
    worker_account "$D" "$s" || fail "worker account of $s"
done
sql -e "SET GLOBAL frappe_sds_debounce_ms = 1000, frappe_sds_poll_ms = 200,
        frappe_sds_ddl_watch = ON"
sleep 1

# flood <db>: ALTER TABLE ... COMMENT every 0.3 s until killed
flood() {
    local i=0
    while :; do
        i=$((i + 1))
        sql "$1" -e "ALTER TABLE tabBrand COMMENT 'flood $i'" || return
        sleep 0.3
    done
}
changes() { sql "$1" -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = '$2'"; }

# (1)
flood fa & FLOODS+=($!)
flood fb & FLOODS+=($!)
sleep 2
alter_at=$(sql fc -e "ALTER TABLE tabDesignation ADD COLUMN fair_probe INT; SELECT NOW(3)") \
    || fail "fc's ALTER"
t0=$(date +%s%N)
seen= began=
while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 12000 ]; do
    # when fc's full pass began (its sds_worker row says so from its start
    # until the follow-up after it, at least a poll interval after its end)
    [ -n "$began" ] || began=$(sql fc -e "SELECT ROUND(TIMESTAMPDIFF(MICROSECOND, '$alter_at',
                                          pass_started_at) / 1000) FROM sds_worker
                                          WHERE pass_kind = 'full' AND pass_started_at >= '$alter_at'" 2>/dev/null)
    if [ "$(changes fc tabDesignation)" -ge 1 ]; then seen=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    sleep 0.1
done
running=0
for p in "${FLOODS[@]}"; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
[ "$running" = 2 ] || fail "a flood stopped early (nothing was measured)"
for p in "${FLOODS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
FLOODS=()
[ -n "$seen" ] || fail "fc's ALTER was not handled while fa and fb flooded (12 s)"
# its pass began within its debounce, 2.5 s to spare (a loaded machine:
# thread start, connections)
[ -n "$began" ] || fail "fc's full pass was not seen in its sds_worker row"
echo "fc's ALTER handled ${seen} ms after it ran, while fa and fb flooded; its pass began after ${began} ms (limit 3500)"
[ "$began" -le 3500 ] || fail "fc's pass waited for the other sites' floods (${began} ms)"

# (2)
sleep 2
sql -e "SET GLOBAL frappe_sds_queue_max = 20" \
    || fail "no per-site queue limit (frappe_sds_queue_max)"
sql fb -e "SELECT COUNT(*) FROM sds_table_sig WHERE table_name = 'tabCurrency'" | grep -qx 1 \
    || fail "tabCurrency has no signature in fb (nothing to compare)"
before=$(changes fb tabCurrency)
q="SET SESSION max_statement_time = 0;"
for i in $(seq 1 30); do q="$q CREATE TABLE ovf_$i (id INT PRIMARY KEY);"; done
q="$q ALTER TABLE tabCurrency MODIFY fraction_units BIGINT"
sql fb -e "$q" || fail "fb's DDL"
# (not a question of time: its own pass after the flood's may come first)
for i in $(seq 1 300); do
    [ "$(changes fb tabCurrency)" -gt "$before" ] && break
    sleep 0.1
done
[ "$(changes fb tabCurrency)" -gt "$before" ] \
    || fail "fb's queue overflowed and the MODIFY of tabCurrency was lost"
echo "fb's MODIFY after its queue overflowed: $(sql fb -e "SELECT CONCAT(kind, ' ', state, ': ', message)
    FROM sds_schema_change WHERE table_name = 'tabCurrency' ORDER BY id DESC LIMIT 1")"
grep -q "queue of fb is full" "$D/error.log" || fail "the overflow was not logged"
grep -q "queue of f[ac] is full" "$D/error.log" && fail "another site's queue reported full"
sql -e "SET GLOBAL frappe_sds_queue_max = DEFAULT"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "PASS"
