# shellcheck shell=bash
# Benchmark 5: detection latency, from an ALTER TABLE to the worker's reload
# requests, with frappe_sds_debounce_ms=500 and frappe_sds_poll_ms=100.
# SymmetricDS's part (trigger rebuild after the trigger-row touch, loads) is
# played promptly by a loop in a second session (bench_emulator_loop, every
# 50 ms). The worker hands an ALTER to SymmetricDS 5 s after the DDL (its
# table-model cache, see README "Schema changes"), so this measures ~5.5 s
# by design; the end-to-end figure on SymmetricDS's own engine is in
# bench/RESULTS.engine.md (bench/engine.sh).
# One ALTER at a time, each on another table, measured inside the server
# (bench_ddl_latency: SYSDATE(6) before the ALTER until the requests exist).
bench5_latency() {
    local db=$1 n=$2 debounce=500 poll=100 i t ok emu_pid r id0
    lap "5. latency: $n DDLs, debounce ${debounce} ms, poll ${poll} ms"
    # the idle cost of one sync pass on this site, to explain the latency
    for r in 1 2 3 4 5; do
        t=$(elapsed_us q "$db" "CALL sds_sync_schema()")
        record b5 sync_ms ours "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
        # the worker's follow-up pass (no new DDL: open changes only)
        t=$(elapsed_us q "$db" "CALL sds__sync_run(0)")
        record b5 followup_ms ours "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
    done
    q '' "SET GLOBAL frappe_sds_debounce_ms = $debounce, frappe_sds_poll_ms = $poll"
    q "$db" "DELETE FROM bench_flag; INSERT INTO bench_flag (stop) VALUES (0); DELETE FROM bench_latency;
             CREATE TABLE IF NOT EXISTS benchaux.latency_tables (n INT PRIMARY KEY, table_name VARCHAR(64))
               SELECT ROW_NUMBER() OVER (ORDER BY CRC32(CONCAT('x', table_name)), table_name) AS n, table_name
                 FROM sds_plan WHERE scope IN ('company', 'child', 'global') AND table_name LIKE 'tab%'
                ORDER BY CRC32(CONCAT('x', table_name)), table_name LIMIT $n"
    id0=$(q "$db" "SELECT IFNULL(MAX(id), 0) FROM sds_schema_change")
    srv_sql "$SRV" "$db" -e "CALL bench_emulator_loop(0.05)" >"$W/emulator.log" 2>&1 &
    emu_pid=$!
    for i in $(seq 1 "$n"); do
        t=$(q "$db" "SELECT table_name FROM benchaux.latency_tables WHERE n = $i")
        q "$db" "CALL bench_ddl_latency('$t', 'bench_latency_$i', 30)"
        # next DDL only once everything is settled (loads done)
        sql_wait "$db" "SELECT COUNT(*) = 0 FROM sds_schema_change WHERE state <> 'done'" 60
    done
    q "$db" "UPDATE bench_flag SET stop = 1"
    wait "$emu_pid" || { cat "$W/emulator.log"; die "emulator loop failed"; }
    [ "$(q "$db" "SELECT errors FROM bench_flag")" = 0 ] \
        || note "Latency: the SymmetricDS emulator loop hit $(q "$db" "SELECT errors FROM bench_flag") SQL error(s) (retried)."
    [ "$(status_var FRAPPE_SDS_ERRORS)" = 0 ] \
        || note "Latency: Frappe_sds_errors = $(status_var FRAPPE_SDS_ERRORS), last: $(status_var FRAPPE_SDS_LAST_ERROR)"
    q "$db" "SELECT id, ms, ok FROM bench_latency ORDER BY id" >"$W/latency.tsv"
    [ "$(wc -l <"$W/latency.tsv")" = "$n" ] || die "expected $n latency samples"
    while read -r i t ok; do
        [ "$ok" = 1 ] || die "no reload request within 30 s for DDL $i"
        record b5 latency_ms ours "$i" "$t"
    done <"$W/latency.tsv"
    record b5 debounce_ms ours 1 "$debounce"
    note "$(q "$db" "SELECT CONCAT('Latency: per DDL, detected_at - ddl_at (ms): ',
               GROUP_CONCAT(ROUND(TIMESTAMPDIFF(MICROSECOND, ddl_at, detected_at) / 1000) ORDER BY id))
               FROM sds_schema_change WHERE id > $id0")"
    q '' "SET GLOBAL frappe_sds_debounce_ms = DEFAULT, frappe_sds_poll_ms = DEFAULT;
          DROP TABLE benchaux.latency_tables"
}
