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

# Benchmark 2, instruction counts: the same comparison without the machine's
# timing noise. mariadbd runs under valgrind --tool=callgrind, collecting only
# inside do_command() (statement execution in connection threads: background
# threads, whose work depends on wall time, are left out). Counters are zeroed
# just before the workload (callgrind_control -z), then sysbench
# oltp_read_write runs a fixed number of transactions in one thread with a
# fixed seed on freshly prepared tables, so both configurations execute the
# same statements on the same data. Threads are counted apart
# (--separate-threads, and no thread cache: one server thread per
# connection): the figure is the sysbench session's, the thread with the
# most instructions; what other sessions ran meanwhile (ours: the worker's
# idle checks, each a connection of its own) is reported on its own line.
# Reported per transaction: instructions of the sysbench session, in the
# server's audit dispatch (mysql_audit_notify, inclusive) and in the
# plugin's notify function; and the other sessions' instructions.
bench2_instr() {
    local rounds=$1 events=$2 r i cfg out pid fn ir f main main_ir other_ir
    local sb=(sysbench oltp_read_write --db-driver=mysql --mysql-socket="$SRV/sock"
              --mysql-user=root --mysql-db=sbcg --tables=2 --table-size=2000
              --threads=1 --time=0 --rand-seed=1 --report-interval=0)
    local vg=(--innodb-buffer-pool-size=256M --innodb-buffer-pool-size-max=256M
              --innodb-use-native-aio=0 --innodb-purge-threads=1 --innodb-stats-auto-recalc=0
              --thread-cache-size=0)
    lap "2. OLTP instructions (callgrind): $rounds rounds x (noop, ours), $events transactions each"
    for r in $(seq 1 "$rounds"); do
        for i in 0 1; do
            cfg=$([ $(( (i + r) % 2 )) = 1 ] && echo noop || echo ours)
            out="$W/callgrind.$cfg.$r"
            # every run starts from the same freshly prepared tables
            srv_config noop
            q '' "DROP DATABASE IF EXISTS sbcg; CREATE DATABASE sbcg"
            "${sb[@]}" prepare >"$W/sysbench-cg-prepare.log" 2>&1 \
                || { cat "$W/sysbench-cg-prepare.log"; die "sysbench prepare failed"; }
            SRV_WRAPPER="valgrind --tool=callgrind --collect-atstart=no --toggle-collect=do_command* --separate-threads=yes --callgrind-out-file=$out" \
                SRV_START_WAIT=300 srv_config "$cfg" "${vg[@]}"
            # the same server state for both: every table definition opened
            # once (ours' startup sync does it for the site; a live site's
            # tables are open anyway) and the sysbench tables read once (data
            # and index pages), so the measured statements count no table
            # opening or page reads caused by the server's history
            q '' "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema
                  NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')" >/dev/null
            for t in sbtest1 sbtest2; do
                q sbcg "SELECT COUNT(*), SUM(CRC32(c)) FROM $t FORCE INDEX (PRIMARY);
                        SELECT COUNT(*) FROM $t FORCE INDEX (k_${t#sbtest})" >/dev/null
            done
            pid=$(cat "$SRV/mariadbd.pid")
            callgrind_control -z "$pid" >/dev/null || die "callgrind_control -z failed"
            "${sb[@]}" --events="$events" run >"$W/sysbench-cg-$cfg-$r.log" 2>&1 \
                || { cat "$W/sysbench-cg-$cfg-$r.log"; die "sysbench run under callgrind failed ($cfg)"; }
            grep -q "transactions: *$events " "$W/sysbench-cg-$cfg-$r.log" \
                || die "sysbench under callgrind did not run $events transactions ($cfg)"
            srv_stop "$SRV" >/dev/null || die "server under callgrind did not stop"
            CUR_CFG=""
            # one file per thread ($out-NN): the sysbench session is the
            # one with the most instructions, the rest is other sessions'
            main="" main_ir=0 other_ir=0
            for f in "$out"-*; do
                [ -f "$f" ] || continue
                ir=$(sed -n 's/^totals: *//p' "$f"); ir=${ir:-0}
                if [ "$ir" -gt "$main_ir" ]; then
                    other_ir=$((other_ir + main_ir)); main=$f main_ir=$ir
                else
                    other_ir=$((other_ir + ir))
                fi
            done
            [ -n "$main" ] && [ "$main_ir" -gt 0 ] || die "no totals in $out-*"
            record b2 ir_per_tx "$cfg" "$r" "$(awk -v a="$main_ir" -v n="$events" 'BEGIN{printf "%.1f", a/n}')"
            record b2 other_ir_per_tx "$cfg" "$r" "$(awk -v a="$other_ir" -v n="$events" 'BEGIN{printf "%.1f", a/n}')"
            fn=$([ "$cfg" = ours ] && echo sds_ddl_notify || echo noop_notify)
            callgrind_annotate --inclusive=yes --threshold=100 "$main" >"$out.txt" 2>/dev/null \
                || die "callgrind_annotate failed on $main"
            for m in "$fn:notify" "mysql_audit_notify(:audit"; do
                ir=$(awk -v f="${m%%:*}" 'index($0, f) && $1 ~ /^[0-9,]+$/ {gsub(",", "", $1); print $1; exit}' "$out.txt")
                record b2 "${m##*:}_ir_per_tx" "$cfg" "$r" "$(awk -v a="${ir:-0}" -v n="$events" 'BEGIN{printf "%.2f", a/n}')"
            done
        done
    done
    srv_config noop
    q '' "DROP DATABASE sbcg"
}
