# shellcheck shell=bash
# The worker account as a DBA provisions it (README, "Schema changes",
# "Setting up the worker"), for the tests' throwaway servers. Source after
# scripts/lib/server.sh:
#   args=$(worker_pwfile <dir>)        # before srv_start: writes <dir>/worker.pw once
#                                      # (chmod 600), prints the mariadbd options
#   srv_start <dir> ... $args --loose-frappe-sds-databases=site,...
#   worker_account <dir> <db>...       # the account, with rights on those sites only
WORKER_GRANTS="SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW"

worker_pwfile() {
    local dir="$1"
    mkdir -p "$dir"
    # (kept across restarts of the same server: the account has it)
    [ -s "$dir/worker.pw" ] ||
        (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/worker.pw")
    echo "--loose-frappe-sds-worker-user=frappe_sds_worker --loose-frappe-sds-worker-password-file=$dir/worker.pw"
}

worker_account() {
    local dir="$1" db; shift
    srv_sql "$dir" -e "CREATE USER IF NOT EXISTS frappe_sds_worker@localhost
                         IDENTIFIED BY '$(cat "$dir/worker.pw")'" || return 1
    for db in "$@"; do
        srv_sql "$dir" -e "GRANT $WORKER_GRANTS ON \`$db\`.* TO frappe_sds_worker@localhost" || return 1
    done
}
