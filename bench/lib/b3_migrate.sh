# shellcheck shell=bash
# Benchmark 3: a migrate's burst of ALTER TABLEs (5 per table: ADD, ADD,
# DROP, ADD, DROP; one column more per round) on a site where frappe_sds is
# set up with two registered branches, FRAPPE_SDS loaded (ours) vs not loaded
# (none), alternating by restart. Timed: the burst only (one client session).
# After each ours burst: wait for the worker (trigger_refresh), play
# SymmetricDS's trigger rebuild, wait for the worker's reload requests and
# check: exactly one per changed table per registered branch.
# The none rounds leave drift behind that the next ours start finds (startup
# reconciliation); it is settled before that round's timed burst.

# Play SymmetricDS: rebuild, then wait for the worker's reload requests;
# prints "<requests> <distinct table,branch> <tables> <targets ok 0/1>".
b3_rebuild_and_count() {
    local db=$1 ntab=$2
    q "$db" "CALL symplay_sync_triggers()"
    sql_wait "$db" "SELECT COUNT(*) = 0 FROM sds_schema_change WHERE state IN ('pending', 'trigger_refresh')" 120
    q "$db" "SELECT COUNT(*), COUNT(DISTINCT trigger_id, target_node_id), COUNT(DISTINCT trigger_id),
                    SUM(target_node_id IN ('b-wp', 'b-obs')) = COUNT(*)
               FROM sym_table_reload_request WHERE processed = 0"
}

# Play the loads arriving (as SymmetricDS writes it: symplay_reloads_loaded)
# and clear them.
b3_finish_loads() {
    local db=$1
    q "$db" "CALL symplay_reloads_loaded()"
    q "$db" "CALL sds_sync_schema()" >/dev/null
    sql_wait "$db" "SELECT COUNT(*) = 0 FROM sds_schema_change WHERE state <> 'done'" 60
    q "$db" "DELETE FROM sym_table_reload_request"
}

bench3_migrate() {
    local db=$1 rounds=$2 ntab=$3 r cfg t0 t1 t counts open nalter
    nalter=$(( ntab * 5 ))
    lap "3. migrate burst: $rounds rounds x (ours, none), $nalter ALTERs over $ntab tables"
    q '' "CREATE DATABASE IF NOT EXISTS benchaux; DROP TABLE IF EXISTS benchaux.burst_tables;
             CREATE TABLE benchaux.burst_tables (table_name VARCHAR(64) PRIMARY KEY)
               SELECT table_name FROM \`$db\`.sds_plan WHERE scope IN ('company', 'child', 'global')
                 AND table_name LIKE 'tab%' ORDER BY CRC32(table_name), table_name LIMIT $ntab"
    [ "$(q "$db" "SELECT COUNT(*) FROM benchaux.burst_tables")" = "$ntab" ] || die "not $ntab replicated tables"
    for r in $(seq 1 "$rounds"); do
        for cfg in ours none; do
            # poll 1 s instead of 5 s: the post-burst check waits less; debounce stays 2 s
            srv_config "$cfg" $([ "$cfg" = ours ] && echo --frappe-sds-poll-ms=1000)
            if [ "$cfg" = ours ]; then
                open=$(q "$db" "SELECT COUNT(*) FROM sds_schema_change WHERE state <> 'done'")
                if [ "$open" -gt 0 ]; then          # drift left by the previous none round
                    counts=$(b3_rebuild_and_count "$db" "$ntab")
                    record b3 startup_drift_tables ours "$r" "$open"
                    read -r a b c d <<<"$counts"
                    record b3 startup_check ours "$r" "$([ "$a" = $((ntab * 2)) ] && [ "$b" = "$a" ] && [ "$c" = "$ntab" ] && [ "$d" = 1 ] && echo 1 || echo 0)"
                    b3_finish_loads "$db"
                fi
            fi
            q "$db" "SELECT CONCAT('ALTER TABLE \`', table_name, '\` ', s.stmt, ';')
                       FROM benchaux.burst_tables
                       JOIN (SELECT 1 AS n, 'ADD COLUMN bench_${cfg}_${r}_a INT' AS stmt
                             UNION ALL SELECT 2, 'ADD COLUMN bench_${cfg}_${r}_b VARCHAR(140)'
                             UNION ALL SELECT 3, 'DROP COLUMN bench_${cfg}_${r}_a'
                             UNION ALL SELECT 4, 'ADD COLUMN bench_${cfg}_${r}_c DECIMAL(21,9)'
                             UNION ALL SELECT 5, 'DROP COLUMN bench_${cfg}_${r}_b') s
                      ORDER BY table_name, s.n" >"$W/burst-$cfg-$r.sql"
            t0=$(_us)
            srv_sql "$SRV" "$db" <"$W/burst-$cfg-$r.sql" || die "burst failed ($cfg round $r)"
            t1=$(_us)
            record b3 burst_s "$cfg" "$r" "$(awk -v t=$((t1 - t0)) 'BEGIN{print t/1e6}')"
            if [ "$cfg" = ours ]; then
                sql_wait "$db" "SELECT COUNT(*) = $ntab FROM sds_schema_change WHERE state = 'trigger_refresh'" 120
                t=$(_us)
                record b3 worker_s ours "$r" "$(awk -v t=$((t - t1)) 'BEGIN{print t/1e6}')"
                counts=$(b3_rebuild_and_count "$db" "$ntab")
                read -r a b c d <<<"$counts"
                record b3 requests ours "$r" "$a"
                record b3 check ours "$r" "$([ "$a" = $((ntab * 2)) ] && [ "$b" = "$a" ] && [ "$c" = "$ntab" ] && [ "$d" = 1 ] && echo 1 || echo 0)"
                record b3 errors ours "$r" "$(status_var FRAPPE_SDS_ERRORS)"
                b3_finish_loads "$db"
            fi
        done
    done
    q '' "DROP TABLE benchaux.burst_tables"
}
