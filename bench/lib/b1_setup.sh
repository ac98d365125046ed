# shellcheck shell=bash
# Benchmark 1: CALL sds_setup('master','branch') vs the seed's insert_sample.sql
# (bench/seed_setup.sql) on the same full ERPNext v13 site, alternating, each
# run starting from a configuration-free database (both do the full work).
bench1_setup() {
    local db=$1 rounds=$2 r t out n_ours n_seed
    lap "1. setup: $rounds rounds of sds_setup vs seed_setup.sql on $db"
    # the DDL hook's worker stays out of the timed runs (events wait)
    q '' "SET GLOBAL frappe_sds_ddl_watch = OFF"
    clear_ours "$db"; clear_seed "$db"
    # one untimed run of each: warm caches (information_schema, routines)
    q "$db" "CALL sds_setup('master', 'branch')" >/dev/null
    clear_ours "$db"
    qf "$db" "$ROOT/bench/seed_setup.sql"
    clear_seed "$db"
    for r in $(seq 1 "$rounds"); do
        t=$(elapsed_us q "$db" "CALL sds_setup('master', 'branch')")
        out=$(q "$db" "SELECT COUNT(*) FROM sym_trigger") # sanity: it wrote the triggers
        n_ours=$(q "$db" "SELECT (SELECT COUNT(*) FROM sym_channel WHERE last_update_by = 'frappe_sds')
            + (SELECT COUNT(*) FROM sym_node_group) + (SELECT COUNT(*) FROM sym_node_group_link)
            + (SELECT COUNT(*) FROM sym_router) + (SELECT COUNT(*) FROM sym_trigger)
            + (SELECT COUNT(*) FROM sym_trigger_router) + (SELECT COUNT(*) FROM sym_conflict)")
        [ "$out" -gt 100 ] || die "sds_setup wrote only $out triggers"
        record b1 setup_ms ours "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
        record b1 rows ours "$r" "$n_ours"
        clear_ours "$db"
        t=$(elapsed_us qf "$db" "$ROOT/bench/seed_setup.sql")
        n_seed=$(q "$db" "SELECT (SELECT COUNT(*) FROM sym_channel WHERE description <> 'SymmetricDS built-in')
            + (SELECT COUNT(*) FROM sym_node_group) + (SELECT COUNT(*) FROM sym_node_group_link)
            + (SELECT COUNT(*) FROM sym_router) + (SELECT COUNT(*) FROM sym_trigger)
            + (SELECT COUNT(*) FROM sym_trigger_router)")
        [ "$n_seed" -gt 100 ] || die "seed_setup.sql wrote only $n_seed rows"
        record b1 setup_ms seed "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
        record b1 rows seed "$r" "$n_seed"
        clear_seed "$db"
    done
    # sds_refresh_plan alone (part of sds_setup's work), for the notes
    for r in 1 2 3; do
        t=$(elapsed_us q "$db" "CALL sds_refresh_plan()")
        record b1 plan_ms ours "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
    done
    q '' "SET GLOBAL frappe_sds_ddl_watch = ON"
}
