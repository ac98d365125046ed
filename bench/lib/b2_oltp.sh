# shellcheck shell=bash
# Benchmark 2: everyday overhead. sysbench oltp_read_write over the socket,
# three server configurations on the same datadir (restart between runs):
# none, noop (do-nothing table-class audit plugin), ours (FRAPPE_SDS loaded,
# idle, with a configured site on the server). Order rotated per round
# (none noop ours / noop ours none / ours none noop / ...).
bench2_oltp() {
    local rounds=$1 tables=$2 size=$3 secs=$4 warm=$5 r i cfg tps
    local cfgs=(none noop ours)
    local sb=(sysbench oltp_read_write --db-driver=mysql --mysql-socket="$SRV/sock"
              --mysql-user=root --mysql-db=sbtest --tables="$tables" --table-size="$size"
              --threads="$(nproc)" --report-interval=0)
    lap "2. OLTP: $rounds rounds x (none, noop, ours), $tables tables x $size rows, ${secs}s each"
    q '' "DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest"
    "${sb[@]}" prepare >"$W/sysbench-prepare.log" 2>&1 || { cat "$W/sysbench-prepare.log"; die "sysbench prepare failed"; }
    for r in $(seq 1 "$rounds"); do
        for i in 0 1 2; do
            cfg=${cfgs[$(( (i + r - 1) % 3 ))]}
            srv_config "$cfg"
            "${sb[@]}" --time="$warm" run >/dev/null 2>&1 || die "sysbench warm-up failed ($cfg)"
            "${sb[@]}" --time="$secs" run >"$W/sysbench-$cfg-$r.log" 2>&1 \
                || { cat "$W/sysbench-$cfg-$r.log"; die "sysbench run failed ($cfg)"; }
            tps=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$W/sysbench-$cfg-$r.log")
            [ -n "$tps" ] || die "no tps in sysbench output ($cfg)"
            record b2 tps "$cfg" "$r" "$tps"
        done
    done
    q '' "DROP DATABASE sbtest"
}
