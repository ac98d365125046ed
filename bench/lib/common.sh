# shellcheck shell=bash
# bench/lib/common.sh -- shared helpers of bench/run.sh (sourced).
# Needs: ROOT, W (work dir), SRV (server dir), RAW (raw results file), QUICK.

. "$ROOT/scripts/lib/server.sh"
. "$ROOT/tests/lib/worker.sh"

_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t / 1000 )); }
_us() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t )); }
BENCH_T0=$(_ms)
lap() {
    local d=$(( $(_ms) - BENCH_T0 ))
    printf '[%4d.%d s] %s\n' $((d / 1000)) $((d % 1000 / 100)) "$*"
}
die() { echo "bench: ERROR: $*" >&2; exit 1; }

# record <bench> <metric> <variant> <round> <value>: one raw sample
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }

# note <text>: a line for the report's notes (observations made by the run)
note() { printf '#note\t%s\n' "$*" >>"$RAW"; }
# meta <key> <value>: a line of the report's machine table
meta() { printf '#meta\t%s\t%s\n' "$1" "$2" >>"$RAW"; }

# q <db> <sql>: one value (or tab-separated rows), no headers; dies on error
q() {
    local db="$1"; shift
    srv_sql "$SRV" -N -B --default-character-set=utf8mb4 "$db" -e "$*" \
        || die "SQL failed in ${db:-<none>}: $*"
}
# qf <db> <file>: run a script; dies on error
qf() { srv_sql "$SRV" -N -B --default-character-set=utf8mb4 "$1" <"$2" || die "SQL script $2 failed in $1"; }

# elapsed_us <command...>: run it, print microseconds taken (dies if it fails)
elapsed_us() {
    local t0 t1
    t0=$(_us)
    "$@" >/dev/null || die "timed command failed: $*"
    t1=$(_us)
    echo $(( t1 - t0 ))
}

# Server configurations, all on the same datadir ($SRV/data), switched by a
# restart (an audit plugin cannot be unloaded while the server is busy):
#   none -- no plugin at all (plugin dir holds neither library)
#   noop -- bench/noop_audit (a do-nothing subscriber to table events)
#   ours -- FRAPPE_SDS
# Extra mariadbd arguments may follow. The UDFs that install.sql declared
# (mysql.func, SONAME frappe_sds.so) fail to load in none/noop: the server
# logs it and goes on; nothing in those configurations calls them.
CUR_CFG=""
srv_config() {
    local cfg="$1"; shift
    local args=()
    case "$cfg" in
        none) ;;
        noop) args+=(--plugin-load-add=noop_audit.so) ;;
        # the worker serves the site `site`, as the account a DBA provisions
        # (tests/lib/worker.sh; the account is created by site_db)
        # shellcheck disable=SC2207
        ours) args+=(--plugin-load-add=frappe_sds.so $(worker_pwfile "$SRV") --loose-frappe-sds-databases=site) ;;
        *) die "srv_config: unknown configuration $cfg" ;;
    esac
    if [ -n "$CUR_CFG" ]; then srv_stop "$SRV" || die "server did not stop"; fi
    CUR_CFG=""
    # own tmpdir: the server's internal temporary files stay out of the shared /tmp
    mkdir -p "$W/tmp"
    FRAPPE_SDS_PLUGIN_DIR="$W/plugins-$cfg" srv_start "$SRV" --tmpdir="$W/tmp" "${args[@]}" "$@" \
        || die "server did not start ($cfg)"
    CUR_CFG=$cfg
    if [ "$cfg" = ours ]; then
        [ "$(q '' "SELECT COUNT(*) FROM information_schema.plugins WHERE plugin_name='FRAPPE_SDS' AND plugin_status='ACTIVE'")" = 1 ] \
            || die "FRAPPE_SDS is not active after start"
        wait_worker_idle
    elif [ "$cfg" = noop ]; then
        [ "$(q '' "SELECT COUNT(*) FROM information_schema.plugins WHERE plugin_name='NOOP_AUDIT' AND plugin_status='ACTIVE'")" = 1 ] \
            || die "NOOP_AUDIT is not active after start"
    fi
}

status_var() {
    q '' "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$1'"
}

# The worker runs a sync for every configured site at startup: wait for it,
# so that it does not run inside a measurement.
wait_worker_idle() {
    local i s0 s1 db nconf=0
    for db in $(q '' "SELECT routine_schema FROM information_schema.routines
                       WHERE routine_name = 'sds__sync_run' AND routine_type = 'PROCEDURE'"); do
        [ "$(q '' "SELECT COUNT(*) > 0 FROM \`$db\`.sds_setup_state")" = 1 ] && nconf=$((nconf + 1))
    done
    if [ $nconf = 0 ]; then sleep 0.3; return 0; fi     # no configured site: nothing to sync
    for i in $(seq 1 600); do
        s0=$(status_var FRAPPE_SDS_SYNCS)
        if [ "$s0" -ge 1 ] && [ "$(status_var FRAPPE_SDS_QUEUE_DEPTH)" = 0 ]; then
            sleep 0.3
            s1=$(status_var FRAPPE_SDS_SYNCS)
            [ "$s0" = "$s1" ] && return 0
        else
            sleep 0.1
        fi
    done
    die "FRAPPE_SDS worker did not become idle"
}

# sql_wait <db> <condition> [timeout s]: poll until the SQL condition is true
sql_wait() {
    local ok
    ok=$(q "$1" "CALL bench_wait(\"${2//\"/\\\"}\", ${3:-120})")
    if [ "$ok" != 1 ]; then
        echo "bench: open schema changes in $1:" >&2
        srv_sql "$SRV" "$1" -e "SELECT * FROM sds_schema_change WHERE state <> 'done'" >&2 || true
        srv_sql "$SRV" -e "SHOW GLOBAL STATUS LIKE 'frappe_sds%'" >&2 || true
        die "timeout waiting for: $2"
    fi
}

# site_db <db>: a Frappe/ERPNext v13 site (fixtures: metadata, customizations,
# sample data; SymmetricDS's tables) with frappe_sds installed, SymmetricDS's
# built-in channels (the engine creates them at its first start) and the
# benchmark helper procedures. Needs the ours configuration (install.sql checks
# that the plugin is active).
site_db() {
    local db="$1"
    srv_load_site "$SRV" "$db" --customizations --sample >"$W/load-$db.log" 2>&1 \
        || { cat "$W/load-$db.log" >&2; die "loading site $db failed"; }
    worker_account "$SRV" "$db" || die "worker account for $db"
    qf "$db" "$FRAPPE_SDS_SQL/install.sql" >/dev/null
    q "$db" "INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, enabled,
               reload_flag, description, create_time, last_update_time) VALUES
             ('config', 0, 2000, 1, 0, 'SymmetricDS built-in', NOW(), NOW()),
             ('reload', 1, 10000, 1, 1, 'SymmetricDS built-in', NOW(), NOW()),
             ('monitor', 3, 100, 1, 0, 'SymmetricDS built-in', NOW(), NOW()),
             ('heartbeat', 2, 100, 1, 0, 'SymmetricDS built-in', NOW(), NOW()),
             ('dynamic', 4, 1000, 1, 0, 'SymmetricDS built-in', NOW(), NOW()),
             ('default', 99999, 1000, 1, 0, 'SymmetricDS built-in', NOW(), NOW())"
    qf "$db" "$ROOT/sym/play_sync_triggers.sql"
    qf "$db" "$ROOT/bench/sql/bench_procs.sql"
}

# The nodes of a master after two branches registered and a third is still
# open (mysql-test/frappe_sds/include/nodes.inc).
add_nodes() {
    q "$1" "INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
              ('hq', 'master', 'hq', 1), ('b-wp', 'branch', 'b-wp', 1),
              ('b-obs', 'branch', 'b-obs', 1), ('b-new', 'branch', 'b-new', 0);
            INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time)
              VALUES ('hq', 'x', 0, NOW()), ('b-wp', 'x', 0, NOW()), ('b-obs', 'x', 0, NOW()),
                     ('b-new', 'x', 1, NULL);
            INSERT INTO sym_node_identity (node_id) VALUES ('hq');"
}

# Remove every sym_* row frappe_sds wrote (foreign-key order) and its setup
# state, so that the next sds_setup does the full work again.
clear_ours() {
    # one transaction holding the site's sync lock (sds__sync_run locks the
    # sds_setup_state row): a sync pass never sees it half-cleared
    q "$1" "START TRANSACTION; SELECT id FROM sds_setup_state FOR UPDATE;
            DELETE FROM sym_trigger_router WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_conflict WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_trigger WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_router WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_node_group_link WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_node_group WHERE last_update_by = 'frappe_sds';
            DELETE FROM sym_channel WHERE last_update_by = 'frappe_sds';
            DELETE FROM sds_plan; DELETE FROM sds_setup_state; COMMIT" >/dev/null
}

# Remove what bench/seed_setup.sql wrote (its own clear section does the same
# at its start; this makes the database ready for sds_setup).
clear_seed() {
    q "$1" "DELETE FROM sym_trigger_router; DELETE FROM sym_trigger; DELETE FROM sym_router;
            DELETE FROM sym_node_group_link; DELETE FROM sym_node_group;
            DELETE FROM sym_channel WHERE description <> 'SymmetricDS built-in' OR description IS NULL;"
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
