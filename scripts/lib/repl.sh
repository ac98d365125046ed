# shellcheck shell=bash
# Helpers of the replication tests (tests/replication.sh, tests/galera.sh).
# Source after scripts/lib/server.sh. Needs: W (the test's mktemp -d dir).
#   repl_ports N              N free TCP ports on 127.0.0.1 (random base, checked with ss)
#   rq DIR DB SQL...          one query, batch output, dies on error
#   repl_site DIR DB          load the fixture site (metadata + customizations + sample)
#   repl_install DIR DB       install.sql, SymmetricDS's built-in channels, two registered
#                             branches, sds_setup, SymmetricDS's first sync-triggers,
#                             companies mapped (all through the binlog / Galera)
#   repl_play_symmetricds DIR DB   what SymmetricDS does after a schema change: its
#                             sync-triggers (sym_trigger_hist bookkeeping,
#                             sym/play_sync_triggers.sql)
#   repl_process_reloads DIR DB    then it loads the reload requests (symplay_reloads_loaded)
#   repl_state DIR DB         checksums of every sds_* / sym_* table (one line each)
#   repl_check_requests DIR DB   one request per table per registered branch per change

: "${W:?repl.sh: W must be set}"

die() { echo "FAIL: $*" >&2; exit 1; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

repl_ports() {
    local n=$1 base p i ok tries
    for tries in $(seq 1 50); do
        base=$(( 20000 + (RANDOM % 2000) * 10 ))
        ok=1
        for i in $(seq 0 $((n - 1))); do
            p=$((base + i))
            if ss -Htan "sport = :$p" 2>/dev/null | grep -q .; then ok=0; break; fi
        done
        if [ $ok = 1 ]; then
            for i in $(seq 0 $((n - 1))); do echo $((base + i)); done
            return 0
        fi
    done
    die "no free port range found"
}

rq() {
    local dir="$1" db="$2"; shift 2
    srv_sql "$dir" -N -B --default-character-set=utf8mb4 "$db" -e "$*" \
        || die "SQL failed on ${dir##*/} in ${db:-<none>}: $*"
}

repl_site() {
    srv_load_site "$1" "$2" --customizations --sample >"$1/load.log" 2>&1 \
        || { cat "$1/load.log" >&2; die "loading the site into ${1##*/} failed"; }
}

repl_install() {
    local dir="$1" db="$2"
    srv_sql "$dir" -N -B "$db" <"$FRAPPE_SDS_SQL/install.sql" >/dev/null \
        || die "install.sql failed on ${dir##*/}"
    srv_sql "$dir" -N -B "$db" <"$FRAPPE_SDS_SRC/sym/play_sync_triggers.sql" >/dev/null \
        || die "sym/play_sync_triggers.sql failed on ${dir##*/}"
    rq "$dir" "$db" "INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, enabled,
               reload_flag, description, create_time, last_update_time) VALUES
             ('config', 0, 2000, 1, 0, 'SymmetricDS built-in', NOW(), NOW()),
             ('reload', 1, 10000, 1, 1, 'SymmetricDS built-in', NOW(), NOW()),
             ('default', 99999, 1000, 1, 0, 'SymmetricDS built-in', NOW(), NOW());
           INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
              ('hq', 'master', 'hq', 1), ('b-wp', 'branch', 'b-wp', 1),
              ('b-obs', 'branch', 'b-obs', 1), ('b-new', 'branch', 'b-new', 0);
           INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time)
              VALUES ('hq', 'x', 0, NOW()), ('b-wp', 'x', 0, NOW()), ('b-obs', 'x', 0, NOW()),
                     ('b-new', 'x', 1, NULL);
           INSERT INTO sym_node_identity (node_id) VALUES ('hq');" >/dev/null
    rq "$dir" "$db" "CALL sds_setup('master', 'branch')" >/dev/null
    repl_play_symmetricds "$dir" "$db"
    rq "$dir" "$db" "CALL sds_map_company('Wind Power LLC', 'b-wp');
                     CALL sds_map_company('O''Brien & Söhne GmbH', 'b-obs')" >/dev/null
}

# SymmetricDS's sync-triggers, bookkeeping only: symplay_sync_triggers() from
# sym/play_sync_triggers.sql (the rules shared with mtr, bench and the demo;
# loaded by repl_install), in one transaction retried as SymmetricDS retries
# its jobs.
repl_play_symmetricds() {
    rq_retry "$1" "$2" "CALL symplay_sync_triggers()" >/dev/null
}
repl_process_reloads() {
    rq_retry "$1" "$2" "CALL symplay_reloads_loaded()" >/dev/null
}

# rq_retry DIR DB SQL: as rq, in one transaction, retried (for up to ~30 s)
# after a deadlock or lock wait timeout, as SymmetricDS retries its jobs;
# READ COMMITTED as SymmetricDS's JDBC sessions (not under STATEMENT
# binlogging, which InnoDB allows only with REPEATABLE READ)
rq_retry() {
    local dir="$1" db="$2" out i; shift 2
    for i in $(seq 1 60); do
        if out=$(srv_sql "$dir" -N -B --default-character-set=utf8mb4 "$db" \
                     -e "SET SESSION tx_isolation = IF(@@binlog_format = 'STATEMENT',
                           'REPEATABLE-READ', 'READ-COMMITTED');
                         START TRANSACTION; $*; COMMIT" 2>&1); then
            [ -n "$out" ] && echo "$out"; return 0
        fi
        echo "$out" | grep -Eq 'ERROR (1213|1205)' || break
        sleep 0.5
    done
    echo "$out" >&2
    srv_sql "$dir" -e 'SHOW ENGINE INNODB STATUS\G' 2>/dev/null \
        | sed -n '/LATEST DETECTED DEADLOCK/,/^TRANSACTIONS/p' | head -60 >&2
    die "SQL failed on ${dir##*/} in ${db:-<none>}: $*"
}

# CHECKSUM TABLE of every base table named sds_* or sym_*, one line each
repl_state() {
    local dir="$1" db="$2" list
    list=$(rq "$dir" "$db" "SELECT GROUP_CONCAT(CONCAT('\`', table_name, '\`') ORDER BY table_name)
                            FROM information_schema.tables WHERE table_schema = DATABASE()
                              AND table_type = 'BASE TABLE'
                              AND (table_name LIKE 'sds\\_%' OR table_name LIKE 'sym\\_%')")
    rq "$dir" "$db" "CHECKSUM TABLE $list EXTENDED"
}

# compare repl_state of servers: repl_same_state DB DIR1 DIR2 ...
repl_same_state() {
    local db="$1" first="$2" d; shift 2
    repl_state "$first" "$db" >"$W/state.${first##*/}" || exit 1
    for d in "$@"; do
        repl_state "$d" "$db" >"$W/state.${d##*/}" || exit 1
        if ! diff "$W/state.${first##*/}" "$W/state.${d##*/}" >"$W/state.diff"; then
            cat "$W/state.diff" >&2
            die "sds_*/sym_* tables differ between ${first##*/} and ${d##*/}"
        fi
    done
    log "sds_*/sym_* tables identical on ${first##*/} $* ($(wc -l <"$W/state.${first##*/}") tables)"
}

# Every schema change that reached reload_requested or done asked one load per
# registered branch (2: b-wp, b-obs) and the requests say so: per (table,
# create_time of the change) exactly one request per branch, no request that
# no change accounts for, no table with two requests for the same change.
repl_check_requests() {
    local dir="$1" db="$2" bad
    bad=$(rq "$dir" "$db" "
      SELECT CONCAT('change ', c.id, ' ', c.table_name, ' ', c.state, ': reload_count=', c.reload_count,
                    ' requests=', (SELECT COUNT(*) FROM sym_table_reload_request q
                                   WHERE q.trigger_id = c.trigger_id AND q.create_time = c.reload_time))
      FROM sds_schema_change c
      WHERE c.reload_time IS NOT NULL
        AND (c.reload_count <> 2 OR (SELECT COUNT(*) FROM sym_table_reload_request q
                                     WHERE q.trigger_id = c.trigger_id AND q.create_time = c.reload_time) <> 2)
      UNION ALL
      SELECT CONCAT('request ', q.target_node_id, ' ', q.trigger_id, ' ', q.create_time, ' x', COUNT(*))
      FROM sym_table_reload_request q GROUP BY q.target_node_id, q.trigger_id, q.create_time
      HAVING COUNT(*) > 1
      UNION ALL
      SELECT CONCAT('request without change: ', q.trigger_id, ' ', q.create_time)
      FROM sym_table_reload_request q
      WHERE NOT EXISTS (SELECT 1 FROM sds_schema_change c WHERE c.trigger_id = q.trigger_id
                        AND c.reload_time = q.create_time)
      UNION ALL
      SELECT CONCAT('table with two changes in one reload: ', c.trigger_id, ' ', c.reload_time)
      FROM sds_schema_change c WHERE c.reload_time IS NOT NULL
      GROUP BY c.trigger_id, c.reload_time HAVING COUNT(*) > 1")
    [ -z "$bad" ] || { echo "$bad" | head -20 >&2; die "reload requests on ${dir##*/} are not one per table per branch"; }
}

# the site's changes that are not done yet (none expected)
repl_open_changes() {
    rq "$1" "$2" "SELECT COUNT(*) FROM sds_schema_change WHERE state <> 'done'"
}

# --- the migrate played on the primary --------------------------------------
# REPL_PATH=client (default): the schema sync runs as Frappe's after_migrate
# does, a client CALL sds_sync_schema() on the primary. REPL_PATH=worker: the
# FRAPPE_SDS worker of the primary does it (the test only waits).

# repl_wait_sql DIR DB COND TIMEOUT_S: poll until COND (an SQL expression) is 1
repl_wait_sql() {
    local dir="$1" db="$2" cond="$3" t="${4:-60}" i
    for i in $(seq 1 $((t * 5))); do
        [ "$(rq "$dir" "$db" "SELECT ($cond) + 0")" = 1 ] && return 0
        sleep 0.2
    done
    return 1
}

repl_status() {
    rq "$1" '' "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$2'"
}

# The whole dance after some DDL, until every change is done: the schema
# sync (client: CALL sds_sync_schema(), as Frappe's after_migrate; worker:
# the plugin's worker of that server, on its own) and SymmetricDS's part,
# as its jobs would: rebuild the triggers of tables waiting for it, process
# the reload requests. Bounded: 180 s.
repl_cycle() {
    local dir="$1" db="$2" i quiet=0 open ev qd
    [ "${REPL_PATH:-client}" = worker ] && sleep 1     # (the debounce)
    for i in $(seq 1 600); do
        [ "${REPL_PATH:-client}" = worker ] || rq "$dir" "$db" "CALL sds_sync_schema()" >/dev/null
        read -r open ev < <(rq "$dir" "$db" "SELECT (SELECT COUNT(*) FROM sds_schema_change WHERE state <> 'done'),
                                                    (SELECT COUNT(*) FROM sds_schema_event)")
        qd=0; [ "${REPL_PATH:-client}" = worker ] && qd=$(repl_status "$dir" FRAPPE_SDS_QUEUE_DEPTH)
        if [ "$open" = 0 ] && [ "$ev" = 0 ] && [ "$qd" = 0 ]; then
            quiet=$((quiet + 1))
            { [ $quiet -ge 3 ] || [ "${REPL_PATH:-client}" != worker ]; } && return 0
        else
            quiet=0
        fi
        if [ "$(rq "$dir" "$db" "SELECT EXISTS (SELECT 1 FROM sds_schema_change WHERE state = 'trigger_refresh')")" = 1 ]; then
            repl_play_symmetricds "$dir" "$db"
        fi
        repl_process_reloads "$dir" "$db"
        sleep 0.3
    done
    die "changes still open on ${dir##*/}: $(rq "$dir" "$db" "SELECT GROUP_CONCAT(table_name, ':', state) FROM sds_schema_change WHERE state <> 'done'")"
}

# repl_wait_state DIR DB STATE T1 T2 T3: the open change of each table is in STATE
# (client: after a CALL sds_sync_schema(); worker: waited for, 60 s)
repl_wait_state() {
    local dir="$1" db="$2" st="$3" cond; shift 3
    cond="(SELECT COUNT(*) FROM sds_schema_change WHERE state = '$st'
           AND table_name IN ('$1', '$2', '$3')) = 3"
    if [ "${REPL_PATH:-client}" = worker ]; then
        repl_wait_sql "$dir" "$db" "$cond" 60 || die "tables $* not in state $st on ${dir##*/}"
    else
        # (an ALTER is handed over to SymmetricDS 5 s after the DDL: calls
        # until then leave it pending)
        local i
        for i in $(seq 1 30); do
            rq "$dir" "$db" "CALL sds_sync_schema()" >/dev/null
            [ "$(rq "$dir" "$db" "SELECT $cond")" = 1 ] && return 0
            sleep 1
        done
        die "tables $* not in state $st on ${dir##*/}"
    fi
}

# Failover, first half, on the writer: nine tables no earlier step touched,
# three with their reload requests written (not processed), three waiting
# for the trigger rebuild (client: rebuilt, not requested yet), three with
# the DDL only. Their names in $W/failover.tables.
repl_failover_prepare() {
    local dir="$1" db="$2" T
    rq "$dir" "$db" "SELECT DISTINCT source_table_name FROM sym_trigger
        WHERE last_update_by = 'frappe_sds' AND source_table_name LIKE 'tab%'
        ORDER BY source_table_name DESC LIMIT 9" >"$W/failover.tables"
    mapfile -t T <"$W/failover.tables"
    _alter3() { rq "$dir" "$db" "ALTER TABLE \`$1\` ADD COLUMN sds_f INT;
        ALTER TABLE \`$2\` ADD COLUMN sds_f INT; ALTER TABLE \`$3\` ADD COLUMN sds_f INT"; }
    _alter3 "${T[0]}" "${T[1]}" "${T[2]}"
    repl_wait_state "$dir" "$db" trigger_refresh "${T[0]}" "${T[1]}" "${T[2]}"
    repl_play_symmetricds "$dir" "$db"
    repl_wait_state "$dir" "$db" reload_requested "${T[0]}" "${T[1]}" "${T[2]}"
    _alter3 "${T[3]}" "${T[4]}" "${T[5]}"
    repl_wait_state "$dir" "$db" trigger_refresh "${T[3]}" "${T[4]}" "${T[5]}"
    # (the worker would request at once after a rebuild: leave it waiting)
    [ "${REPL_PATH:-client}" = worker ] || repl_play_symmetricds "$dir" "$db"
    _alter3 "${T[6]}" "${T[7]}" "${T[8]}"
}

# Failover, second half, on the new writer: Frappe's after_migrate (or the
# worker's startup pass) runs a full pass there; then the usual cycle. Each
# of the nine tables ends with exactly one request per branch.
repl_failover_finish() {
    local dir="$1" db="$2" t n
    rq "$dir" "$db" "CALL sds_sync_schema()" >/dev/null
    repl_cycle "$dir" "$db"
    repl_check_requests "$dir" "$db"
    while read -r t; do
        # (tables no earlier step touched: every request is of this change)
        n=$(rq "$dir" "$db" "SELECT COUNT(*) FROM sym_table_reload_request q JOIN sym_trigger t
                              ON t.trigger_id = q.trigger_id WHERE t.source_table_name = '$t'")
        [ "$n" = 2 ] || die "after failover: $t has $n reload requests, not 2"
    done <"$W/failover.tables"
    log "failover: 9 tables (3 requested, 3 waiting for the rebuild, 3 DDL only) finished by ${dir##*/}, 2 requests each, none twice"
}

# ALTER, a new DocType, the cycle; then a burst of N ALTERs (REPL_BURST,
# default 200) over 40 replicated tables, the cycle
repl_migrate() {
    local dir="$1" db="$2" n="${REPL_BURST:-200}" t0 sql nt
    rq "$dir" "$db" "ALTER TABLE tabBrand ADD COLUMN sds_r1 INT;
      INSERT INTO tabDocType (name, module, istable, issingle) VALUES ('Branch Visit', 'Selling', 0, 0);
      INSERT INTO tabDocField (name, parent, parenttype, parentfield, fieldname, fieldtype, options)
        VALUES ('bv1', 'Branch Visit', 'DocType', 'fields', 'company', 'Link', 'Company');
      CREATE TABLE \`tabBranch Visit\` (name VARCHAR(140) PRIMARY KEY, company VARCHAR(140),
        modified DATETIME(6))"
    repl_cycle "$dir" "$db"
    [ "$(rq "$dir" "$db" "SELECT COUNT(*) FROM sym_table_reload_request
                          WHERE trigger_id IN ('tabbrand', 'tabbranch_visit')")" = 4 ] \
        || die "ALTER + new DocType: expected 4 reload requests on ${dir##*/}"
    log "ALTER + new DocType: 2 tables x 2 branches requested, done"
    t0=$SECONDS
    rq "$dir" "$db" "SELECT DISTINCT source_table_name FROM sym_trigger WHERE last_update_by = 'frappe_sds'
                     AND source_table_name LIKE 'tab%' AND source_table_name <> 'tabBrand'
                     ORDER BY source_table_name LIMIT 40" >"$W/burst.tables"
    sql=$(awk -v n="$n" '{ t[NR] = $0 } END { for (i = 0; i < n; i++)
                  printf "ALTER TABLE `%s` ADD COLUMN sds_b%d INT;\n", t[i % NR + 1], i }' "$W/burst.tables")
    rq "$dir" "$db" "$sql"
    nt=$(wc -l <"$W/burst.tables"); [ "$n" -lt "$nt" ] && nt=$n
    log "burst: $n ALTERs on $nt tables in $((SECONDS - t0)) s"
    repl_cycle "$dir" "$db"
    [ "$(rq "$dir" "$db" "SELECT COUNT(*) FROM sds_schema_change WHERE reload_time IS NOT NULL
                          AND table_name IN (SELECT source_table_name FROM sym_trigger t
                                             WHERE t.source_table_name <> 'tabBrand')
                          AND id > (SELECT MAX(id) FROM sds_schema_change WHERE table_name = 'tabBranch Visit')")" \
        = "$nt" ] || die "burst: not one change per table on ${dir##*/}: expected $nt, $(rq "$dir" "$db" "SELECT CONCAT(COUNT(*), ' changes: ', IFNULL(GROUP_CONCAT(IF(n <> 1 OR r <> 1, CONCAT(table_name, ' x', n, ' reloaded ', r), NULL) SEPARATOR ', '), ''))
                                   FROM (SELECT table_name, COUNT(*) AS n, SUM(reload_time IS NOT NULL) AS r FROM sds_schema_change
                                         WHERE id > (SELECT MAX(id) FROM sds_schema_change WHERE table_name = 'tabBranch Visit')
                                         GROUP BY table_name) x")"
    log "burst: one change and 2 reload requests per table, done ($((SECONDS - t0)) s)"
}
