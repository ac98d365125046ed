# shellcheck shell=bash
# Throwaway MariaDB servers in temp dirs. Source this file:
#   . scripts/lib/server.sh
#   srv_start  <dir> [extra mariadbd args...]  # datadir <dir>/data, socket <dir>/sock,
#                                              # error log <dir>/error.log, pid <dir>/pid
#   srv_sql    <dir> [mariadb client args...]  # client as root over <dir>/sock
#   srv_load_site <dir> <db> [--customizations] [--sample]
#                                              # Frappe site db from fixtures/ + sym_* tables
#   srv_stop   <dir>                           # clean shutdown, waits for the pid to exit
# Never touches the system mariadb service. Env:
#   FRAPPE_SDS_PLUGIN_DIR  passed as --plugin-dir if set
#   FRAPPE_SDS_SRC         project root (default: derived from this file's location)
#   FRAPPE_SDS_SQL         where install.sql/uninstall.sql are (default: $FRAPPE_SDS_SRC/build/sql)
#   SRV_WRAPPER            command prefix for mariadbd (e.g. valgrind ...)
#   SRV_START_WAIT         seconds srv_start waits for the server (default 60)

: "${FRAPPE_SDS_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export FRAPPE_SDS_SRC
# the assembled SQL API (install.sql, uninstall.sql): written by the build
: "${FRAPPE_SDS_SQL:=$FRAPPE_SDS_SRC/build/sql}"
export FRAPPE_SDS_SQL

_srv_abs() { (cd "$1" && pwd); }

srv_start() {
    local dir="$1"; shift
    [ -n "$dir" ] || { echo "srv_start: missing <dir>" >&2; return 2; }
    mkdir -p "$dir" && dir=$(_srv_abs "$dir") || return 1
    if [ -S "$dir/sock" ] && srv_sql "$dir" -e 'SELECT 1' >/dev/null 2>&1; then
        echo "srv_start: a server is already running on $dir/sock" >&2; return 1
    fi
    if [ ! -d "$dir/data/mysql" ]; then
        rm -rf "$dir/data"
        mkdir -p "$dir/tmp"
        if ! mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
                --tmpdir="$dir/tmp" \
                --datadir="$dir/data" --user=root --skip-test-db --skip-name-resolve \
                --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
                >"$dir/install-db.log" 2>&1; then
            echo "srv_start: mariadb-install-db failed:" >&2; tail -n 30 "$dir/install-db.log" >&2
            return 1
        fi
    fi
    # its own tmpdir: a starting mariadbd deletes every #sql* file in its
    # tmpdir, including other servers' temporary tables
    mkdir -p "$dir/tmp" || return 1
    local args=(--no-defaults --user=root --datadir="$dir/data" --socket="$dir/sock" --tmpdir="$dir/tmp"
                --skip-networking --pid-file="$dir/pid" --log-error="$dir/error.log"
                --plugin-maturity=beta --innodb-buffer-pool-size=256M
                --innodb-flush-log-at-trx-commit=2 --skip-log-bin)
    [ -n "${FRAPPE_SDS_PLUGIN_DIR:-}" ] && args+=(--plugin-dir="$FRAPPE_SDS_PLUGIN_DIR")
    rm -f "$dir/pid"
    # SRV_WRAPPER: a command prefix (e.g. valgrind --tool=callgrind ...), which
    # must exec mariadbd in its own process; SRV_START_WAIT: seconds to wait
    local wrap=() wait_s=${SRV_START_WAIT:-60}
    [ -n "${SRV_WRAPPER:-}" ] && read -r -a wrap <<<"$SRV_WRAPPER"
    "${wrap[@]}" mariadbd "${args[@]}" "$@" >>"$dir/error.log" 2>&1 </dev/null &
    local mpid=$! i
    echo "$mpid" >"$dir/mariadbd.pid"
    for i in $(seq 1 $((wait_s * 2))); do   # every 0.5 s
        if srv_sql "$dir" -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$mpid" 2>/dev/null; then
            echo "srv_start: mariadbd exited during startup; error log tail:" >&2
            tail -n 30 "$dir/error.log" >&2; return 1
        fi
        sleep 0.5
    done
    echo "srv_start: server not ready after $wait_s s; error log tail:" >&2
    tail -n 30 "$dir/error.log" >&2
    kill "$mpid" 2>/dev/null
    return 1
}

srv_sql() {
    local dir="$1"; shift
    mariadb --no-defaults --socket="$dir/sock" --user=root "$@"
}

srv_stop() {
    local dir="$1" pid="" i
    [ -f "$dir/pid" ] && pid=$(cat "$dir/pid" 2>/dev/null)
    [ -z "$pid" ] && [ -f "$dir/mariadbd.pid" ] && pid=$(cat "$dir/mariadbd.pid" 2>/dev/null)
    # (bounded: a server stuck in shutdown is killed below)
    timeout 60 mariadb-admin --no-defaults --socket="$dir/sock" --user=root shutdown >/dev/null 2>&1
    [ -n "$pid" ] || return 0
    for i in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$dir/mariadbd.pid"; return 0; }
        sleep 0.5
    done
    echo "srv_stop: mariadbd $pid did not exit, killing it" >&2
    kill -9 "$pid" 2>/dev/null
    rm -f "$dir/mariadbd.pid"
    return 1
}

# Feed fixture files (gz or plain) to the client as ONE stream, with session
# settings that speed up the bulk load without changing what ends up stored.
_srv_site_stream() {
    echo "SET SESSION unique_checks=0, foreign_key_checks=0, sql_log_bin=0;"
    local f
    for f in "$@"; do
        case "$f" in
            *.gz) gzip -dc -- "$f" ;;
            *) cat -- "$f" ;;
        esac
        printf '\n'
    done
    echo "SET SESSION unique_checks=1, foreign_key_checks=1;"
}

srv_load_site() {
    local dir="$1" db="$2"; shift 2 || true
    [ -n "$db" ] || { echo "usage: srv_load_site <dir> <dbname> [--customizations] [--sample]" >&2; return 2; }
    local fx="$FRAPPE_SDS_SRC/fixtures" cust=0 sample=0 a
    for a in "$@"; do
        case "$a" in
            --customizations) cust=1 ;;
            --sample) sample=1 ;;
            *) echo "srv_load_site: unknown option $a" >&2; return 2 ;;
        esac
    done
    local files=("$fx/erpnext-v13.15.2-metadata.sql.gz")
    [ $cust = 1 ] && files+=("$fx/erpnext-v13.15.2-site-customizations.sql.gz")
    [ $sample = 1 ] && files+=("$fx/erpnext-v13.15.2-sample-data.sql.gz")
    files+=("$FRAPPE_SDS_SRC/sym/symmetricds-tables.sql")
    for a in "${files[@]}"; do
        [ -f "$a" ] || { echo "srv_load_site: missing $a" >&2; return 1; }
    done
    srv_sql "$dir" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" || return 1
    _srv_site_stream "${files[@]}" | srv_sql "$dir" --show-warnings "$db"
}
