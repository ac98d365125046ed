#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: a worker pass that fails is retried with its own events: none lost, and no signature distrusted for it
# A pass can fail for reasons that have nothing to do with lost DDL: a
# deadlock or a lock wait (on Galera, another node's transaction certified
# first), a statement timeout. The events it took are then either recorded
# in sds_schema_event already (they wait there) or not (they go back into
# the site's queue); either way nothing was lost, so the next pass must
# not distrust every signature -- that is for a queue that overflowed.
# Distrusting made tests/galera.sh fail: after passes that hit 1213, every
# table whose signature had changed shortly before got a second change (a
# second trigger rebuild and reload), "41 changes, expected 40".
# Here: a type change made while the hook was not watching (a MODIFY that
# keeps the column names: only a distrusting pass takes it for a change)
# is the probe; then
#  (a) a pass fails after recording its event (sds_schema_change locked),
#  (b) a pass fails before recording its event (sds_schema_event locked).
# After each: the ALTER has its change, and the probe table has none.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_retry.XXXXXX 2>/dev/null || mktemp -d)
HOLD=
cleanup() {
    [ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null
    srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT
export WORKER_USER='frappe_sds_w_%s'
. tests/lib/attack.sh

atk_start wr
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
atk_site wr
worker_account "$D" wr || fail "worker account"
# (every connection from now on, the worker's included, waits 2 s for a lock)
sql -e "SET GLOBAL frappe_sds_debounce_ms = 300, frappe_sds_poll_ms = 200, frappe_sds_ddl_watch = ON,
        lock_wait_timeout = 2"

changes() { sql wr -e "SELECT COUNT(*) FROM sds_schema_change WHERE table_name = '$1'"; }
wrow() { sql wr -e "SELECT CONCAT_WS(' ', outcome, errors, IFNULL(distrust_since, '-')) FROM sds_worker"; }
# wait_for <cond sql> <seconds>
wait_for() {
    local i
    for i in $(seq 1 $(($2 * 10))); do
        [ "$(sql wr -e "SELECT ($1) + 0")" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# the worker serves the site (its account now exists): a pass that went through
sql wr -e "ALTER TABLE tabCountry COMMENT 'retry test'" || fail "first ALTER"
wait_for "(SELECT outcome FROM sds_worker) = 'ok' AND EXISTS (SELECT 1 FROM sds_schema_change
          WHERE table_name = 'tabCountry')" 30 || fail "the worker does not serve the site (sds_worker: $(wrow))"

# the probe: unseen by the hook (only the table's signature shows it)
sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
sql wr -e "ALTER TABLE tabCurrency MODIFY fraction_units BIGINT" || fail "probe MODIFY"
sql -e "SET GLOBAL frappe_sds_ddl_watch = ON"
[ "$(changes tabCurrency)" = 0 ] || fail "tabCurrency has changes before the test"

# fail_pass <locked table> <table to alter>: the worker's pass of the ALTER
# waits 2 s for the lock (lock_wait_timeout) and fails; the lock
# then goes
fail_pass() {
    local errs i
    errs=$(sql wr -e "SELECT errors FROM sds_worker")
    sql wr -e "LOCK TABLES $1 WRITE; SELECT SLEEP(60)" >/dev/null 2>&1 &
    HOLD=$!
    # (held: the holder sleeps; it may have waited for a pass to end)
    for i in $(seq 1 300); do
        [ "$(sql -e "SELECT COUNT(*) FROM information_schema.processlist
                     WHERE info = 'SELECT SLEEP(60)'")" = 1 ] && break
        sleep 0.1
    done
    [ "$i" -lt 300 ] || fail "could not lock $1"
    sql wr -e "ALTER TABLE \`$2\` ADD COLUMN retry_probe INT" || fail "ALTER of $2"
    wait_for "(SELECT errors > $errs AND last_error LIKE '%1205 Lock wait timeout%' FROM sds_worker)" 20 \
        || fail "the pass with $1 locked did not fail (sds_worker: $(wrow))"
    echo "pass with $1 locked: $(sql wr -e "SELECT LEFT(last_error, 120) FROM sds_worker")"
    # (its server connection, not only the client: the lock goes at once)
    sql -e "SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(60)'" |
        while read -r i; do sql -e "KILL $i"; done
    kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null; HOLD=
    # retried (backed off: frappe_sds_poll_ms x 12), and gone through
    wait_for "(SELECT outcome FROM sds_worker) = 'ok' AND EXISTS (SELECT 1 FROM sds_schema_change
              WHERE table_name = '$2') AND NOT EXISTS (SELECT 1 FROM sds_schema_event)" 30 \
        || fail "the ALTER of $2 was lost after the failed pass (sds_worker: $(wrow); changes: $(changes "$2"))"
    [ "$(changes "$2")" = 1 ] || fail "$2 has $(changes "$2") changes, not 1"
    [ "$(changes tabCurrency)" = 0 ] \
        || fail "a failed pass made the next one distrust every signature: tabCurrency, which no DDL event names, got a change ($(sql wr -e "SELECT CONCAT(kind, ' ', message) FROM sds_schema_change WHERE table_name = 'tabCurrency'"))"
    echo "  retried: $2 has 1 change ($(sql wr -e "SELECT kind FROM sds_schema_change WHERE table_name = '$2'")), tabCurrency none, sds_worker: $(wrow)"
}

# (a) the event is recorded, the pass fails
fail_pass sds_schema_change tabDesignation
# (b) the event is not recorded: it goes back into the queue
fail_pass sds_schema_event tabBrand
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "PASS"
