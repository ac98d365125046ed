# shellcheck shell=bash
# Benchmark 6: scale. Sites with 1x, 2x, 4x the ERPNext metadata (synthetic
# copies, bench/sql/scale_procs.sql): sds_setup time (from a configuration-free
# database each run, alternating over the scales, seed_setup.sql as the
# baseline) and the plan's size.
bench6_scale() {
    local rounds=$1; shift
    local scales=("$@") f k r db t
    lap "6. scale: ${scales[*]}x metadata, $rounds rounds"
    # the DDL hook's worker stays out of the timed runs (events wait)
    q '' "SET GLOBAL frappe_sds_ddl_watch = OFF"
    for f in "${scales[@]}"; do
        db=site_x$f
        site_db "$db"
        qf "$db" "$ROOT/bench/sql/scale_procs.sql"
        for k in $(seq 2 "$f"); do
            q "$db" "CALL bench_scale_copy($k)"
            q "$db" "CALL bench_scale_tables($k)" >"$W/scale-$f-$k.sql"
            qf "$db" "$W/scale-$f-$k.sql"
        done
        record b6 doctypes "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM tabDocType")"
        record b6 docfields "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM tabDocField")"
        record b6 tables "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'")"
        lap "   site_x$f: $(q "$db" "SELECT COUNT(*) FROM tabDocType") DocTypes"
    done
    for r in $(seq 1 "$rounds"); do
        for f in "${scales[@]}"; do
            db=site_x$f
            clear_seed "$db"; clear_ours "$db"
            t=$(elapsed_us q "$db" "CALL sds_setup('master', 'branch')")
            record b6 setup_ms "x$f" "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
            if [ "$r" = 1 ]; then
                record b6 plan_rows "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM sds_plan")"
                record b6 triggers "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM sym_trigger")"
                record b6 trigger_routers "x$f" 1 "$(q "$db" "SELECT COUNT(*) FROM sym_trigger_router")"
                record b6 sym_rows "x$f" 1 "$(q "$db" "SELECT (SELECT COUNT(*) FROM sym_channel WHERE last_update_by = 'frappe_sds')
                    + (SELECT COUNT(*) FROM sym_node_group) + (SELECT COUNT(*) FROM sym_node_group_link)
                    + (SELECT COUNT(*) FROM sym_router) + (SELECT COUNT(*) FROM sym_trigger)
                    + (SELECT COUNT(*) FROM sym_trigger_router) + (SELECT COUNT(*) FROM sym_conflict)")"
            fi
            clear_ours "$db"
            t=$(elapsed_us qf "$db" "$ROOT/bench/seed_setup.sql")
            record b6 seed_ms "x$f" "$r" "$(awk -v t="$t" 'BEGIN{print t/1000}')"
        done
    done
    for f in "${scales[@]}"; do q '' "DROP DATABASE site_x$f"; done
    q '' "SET GLOBAL frappe_sds_ddl_watch = ON"
}
