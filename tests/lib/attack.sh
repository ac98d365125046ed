# shellcheck shell=bash
# Shared set-up of the attack tests (tests/attack_*.sh): a server with the
# plugin and the worker account (tests/lib/worker.sh), sites loaded from
# the fixtures, and per-site users with ALL on their own database only —
# the threat model of the README ("Schema changes", "Security"). Source
# after setting ROOT and cd "$ROOT"; then atk_workdir NAME makes D (the
# server's own directory), or set D before.
# FRAPPE_SDS_PLUGIN_DIR / FRAPPE_SDS_SQL may point at another build (e.g.
# an older release, to see a test fail there).
export FRAPPE_SDS_SRC="$ROOT"
export FRAPPE_SDS_PLUGIN_DIR="${FRAPPE_SDS_PLUGIN_DIR:-$ROOT/build}"
: "${FRAPPE_SDS_SQL:=$ROOT/build/sql}"
export FRAPPE_SDS_SQL
. scripts/lib/server.sh
. tests/lib/worker.sh

# atk_workdir <name>: D, the server's directory (on /dev/shm when it can);
# at exit the server stops and D goes (KEEP=1 keeps both)
atk_workdir() {
    D=$(mktemp -d "/dev/shm/frappe_sds_$1.XXXXXX" 2>/dev/null || mktemp -d)
    [ -n "${KEEP:-}" ] || trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
}

fail() { echo "FAIL: $*"; tail -n 20 "$D/error.log" 2>/dev/null; exit 1; }
# root (the DBA)
sql() { timeout 120 mariadb --no-defaults --socket="$D/sock" --user=root -N -B "$@"; }
# a site's own user: as_user <user> <db> [client args...]
as_user() { local u="$1"; shift; timeout 120 mariadb --no-defaults --socket="$D/sock" --user="$u" --password=pw -N -B "$@"; }
status() { sql -e "SELECT variable_value FROM information_schema.global_status WHERE variable_name = '$1'"; }

# atk_start <served databases> [mariadbd options]: the server, the
# plugin, the worker account's password file
atk_start() {
    local dbs="$1"; shift
    # shellcheck disable=SC2046
    srv_start "$D" --plugin-load-add=frappe_sds.so $(worker_pwfile "$D") \
        --loose-frappe-sds-databases="$dbs" --loose-frappe-sds-debounce-ms=300 \
        --loose-frappe-sds-poll-ms=300 "$@" >/dev/null 2>&1 || fail "server start"
}

# atk_site <db>: an ERPNext site with frappe_sds installed and set up,
# SymmetricDS's first sync-triggers played, two branches registered; its
# user <db>_user (password pw) with ALL on it only
atk_site() {
    local db="$1"
    srv_load_site "$D" "$db" >/dev/null 2>&1 || fail "site load $db"
    sql "$db" < "$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql in $db"
    sql "$db" < sym/play_sync_triggers.sql >/dev/null || fail "play_sync_triggers.sql in $db"
    sql "$db" -e "CALL sds_setup('master', 'branch')" >/dev/null || fail "sds_setup in $db"
    sql "$db" -e "INSERT INTO sym_node (node_id, node_group_id, external_id, sync_enabled) VALUES
                    ('hq', 'master', 'hq', 1), ('b-wp', 'branch', 'b-wp', 1), ('b-obs', 'branch', 'b-obs', 1);
                  INSERT INTO sym_node_security (node_id, node_password, registration_enabled, registration_time)
                    VALUES ('hq', 'x', 0, NOW()), ('b-wp', 'x', 0, NOW()), ('b-obs', 'x', 0, NOW());
                  INSERT INTO sym_node_identity (node_id) VALUES ('hq');
                  CALL symplay_sync_triggers()" || fail "nodes in $db"
    atk_user "$db"
}

# atk_user <db>: the user <db>_user with ALL on <db> only
atk_user() {
    local g=${1//_/\\_}   # (_ is a wildcard in GRANT ... ON `db`.*)
    sql -e "CREATE USER '$1_user'@localhost IDENTIFIED BY 'pw';
            GRANT ALL PRIVILEGES ON \`$g\`.* TO '$1_user'@localhost" || fail "user of $1"
}

# atk_other: another site's data that nobody but root may read or write
atk_other() {
    sql -e "CREATE DATABASE other; CREATE TABLE other.secret (v VARCHAR(200));
            INSERT INTO other.secret VALUES ('other site secret')" || fail "other"
}

# atk_check_other: the other site untouched
atk_check_other() {
    [ "$(sql -e "SELECT GROUP_CONCAT(v) FROM other.secret")" = "other site secret" ] \
        || fail "the other site was written: $(sql -e "SELECT GROUP_CONCAT(v) FROM other.secret")"
}

# atk_grants <user>: the user's grants and its mysql.global_priv row, one line
atk_grants() {
    { sql -e "SHOW GRANTS FOR '$1'@localhost"
      sql -e "SELECT priv FROM mysql.global_priv WHERE user = '$1'"; } | sort | tr '\n' ' '
}

# the leak attempts an attacker's code makes, each on its own (a failure
# goes on to the next): who runs it, the accounts' password hashes, the
# other site, a write into the other site and into mysql.global_priv, a
# global grant to itself (not in a function: no GRANT there). <db>: where
# the loot goes; <user>: itself; [function]: for a function's body.
atk_leak_body() {
    local db="$1" user="$2" grant="GRANT ALL PRIVILEGES ON *.* TO '$2'@localhost WITH GRANT OPTION;"
    [ "${3:-}" = function ] && grant=""
    cat <<SQL
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
  INSERT INTO \`$db\`.pwn_loot VALUES (CONCAT('who:', CURRENT_USER()));
  INSERT INTO \`$db\`.pwn_loot SELECT CONCAT('hash:', user, ':', IFNULL(JSON_VALUE(priv, '\$.authentication_string'), '')) FROM mysql.global_priv;
  INSERT INTO \`$db\`.pwn_loot SELECT CONCAT('other:', v) FROM other.secret;
  INSERT INTO other.secret VALUES ('written by $user');
  UPDATE mysql.global_priv SET priv = JSON_SET(priv, '\$.access', 18446744073709551615) WHERE user = '$user';
  $grant
SQL
}

# atk_check_loot <db>: what the attacker's code saw: only who ran it
# (never an administrator), nothing from mysql.* or the other site
atk_check_loot() {
    local bad
    bad=$(sql "$1" -e "SELECT GROUP_CONCAT(v SEPARATOR ' | ') FROM pwn_loot
                       WHERE v NOT LIKE 'who:%' OR v LIKE 'who:root@%' OR v LIKE 'who:@%'")
    [ "$bad" = NULL ] || fail "the attacker's code ran with more than its rights: $bad"
}

# atk_replace_sync_run <db> [extra SQL]: as <db>'s own user, replace the
# site's sds__sync_run (what the worker calls) by the leak attempts of
# atk_leak_body (loot into <db>.pwn_loot, created here), then the extra
# statements
atk_replace_sync_run() {
    local db="$1" extra="${2:-}"
    as_user "${db}_user" "$db" <<SQL || fail "$db's objects"
CREATE TABLE pwn_loot (v TEXT);
DELIMITER ;;
CREATE OR REPLACE PROCEDURE sds__sync_run(IN p_full TINYINT) SQL SECURITY INVOKER
BEGIN
$(atk_leak_body "$db" "${db}_user")
$extra
END;;
DELIMITER ;
SQL
}

# atk_one_site: the server serving `site` with its worker account, the hook
# off; another site's data nobody but root may touch (atk_other); the site
# (atk_site); SymmetricDS's account sym@localhost (password pw), no grant yet
atk_one_site() {
    atk_start site
    worker_account "$D" site || fail "worker account"
    sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
    atk_other
    atk_site site
    sql -e "CREATE USER sym@localhost IDENTIFIED BY 'pw'" || fail "sym user"
}
