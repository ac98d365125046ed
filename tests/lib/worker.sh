# shellcheck shell=bash
# The worker account as a DBA provisions it (README, "Schema changes",
# "Setting up the worker"), for the tests' throwaway servers. Source after
# scripts/lib/server.sh:
#   args=$(worker_pwfile <dir>)        # before srv_start: writes <dir>/worker.pw once
#                                      # (chmod 600), prints the mariadbd options
#   srv_start <dir> ... $args --loose-frappe-sds-databases=site,...
#   worker_account <dir> <db>...       # the account, with rights on those sites only
# WORKER_USER (default frappe_sds_worker) is frappe_sds_worker_user: with a
# "%s" (e.g. frappe_sds_w_%s), one account per site, named with the site's
# database, each with rights on its own site only (what a server that serves
# more than one site needs).
WORKER_GRANTS="SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, EXECUTE, SHOW VIEW"
: "${WORKER_USER:=frappe_sds_worker}"

worker_pwfile() {
    local dir="$1"
    mkdir -p "$dir"
    # (kept across restarts of the same server: the account has it)
    [ -s "$dir/worker.pw" ] ||
        (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/worker.pw")
    echo "--loose-frappe-sds-worker-user=$WORKER_USER --loose-frappe-sds-worker-password-file=$dir/worker.pw"
}

worker_account() {
    local dir="$1" db u g; shift
    for db in "$@"; do
        u=${WORKER_USER//\%s/$db}
        # (_ and % are wildcards in GRANT ... ON `db`.*: escaped, the grant is
        # for that database only; frappe_sds.sds_grant_worker does the same)
        g=${db//_/\\_}; g=${g//%/\\%}
        srv_sql "$dir" -e "CREATE USER IF NOT EXISTS '$u'@localhost
                             IDENTIFIED BY '$(cat "$dir/worker.pw")';
                           GRANT $WORKER_GRANTS ON \`$g\`.* TO '$u'@localhost" || return 1
    done
}
