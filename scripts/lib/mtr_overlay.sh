# shellcheck shell=bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# mtr_overlay <dir> <suite dir> [<system mysql-test dir>]
#   Builds, under <dir>, a private copy of the installed mysql-test tree in
#   which mtr finds this checkout's suite as plugin/frappe_sds/frappe_sds,
#   and prints the overlay's mysql-test directory (run mtr from there).
#   Nothing is written to the system tree and nothing is shared with another
#   run: two checkouts (or two runs of one) test at the same time.
#
# Why an overlay of the whole prefix and not only of mysql-test: mtr takes
# its own location from its working directory (cwd(), not the script's
# path), finds out-of-tree suites only as <cwd>/../mysql-test/plugin/*/<suite>
# (lib/mtr_cases.pm, @plugin_suitedirs of a binary install), and finds the
# server, clients, plugins, charsets and error messages by walking up from
# that directory to the first parent with a bin/ (Debian:
# /usr/share/mysql/mysql-test -> /usr). So <dir>/usr mirrors /usr: symlinks
# to every entry of /usr, real directories only on the path down to the
# suite (usr/share, usr/share/mysql, mysql-test, mysql-test/plugin),
# each filled with symlinks to the system's entries. mtr writes only into
# --vardir (given by the caller) and reads the rest through the links.
# (--suite=<path> is no alternative: mtr splits suite names at '-', and the
# path contains "mysql-test".)
mtr_overlay() {
    local dir=$1 suite=$2 sys=${3:-/usr/share/mysql/mysql-test}
    local prefix e
    [ -x "$sys/mariadb-test-run.pl" ] || { echo "mtr_overlay: no mtr in $sys" >&2; return 1; }
    [ -d "$suite/t" ] || { echo "mtr_overlay: $suite is not an mtr suite (no t/)" >&2; return 1; }
    sys=$(cd "$sys" && pwd -P)
    # the prefix mtr will find: the first parent of mysql-test with a bin/
    prefix=$(dirname "$sys")
    while [ "$prefix" != / ] && [ ! -d "$prefix/bin" ]; do prefix=$(dirname "$prefix"); done
    [ "$prefix" != / ] || { echo "mtr_overlay: no parent of $sys has a bin/" >&2; return 1; }
    # the chain of real directories from the prefix down to mysql-test
    local rel=${sys#"$prefix"/} cur_sys=$prefix cur_ov=$dir/root part
    mkdir -p "$cur_ov" || return 1
    for part in ${rel//\// }; do
        for e in "$cur_sys"/* "$cur_sys"/.[!.]*; do
            [ -e "$e" ] || [ -L "$e" ] || continue
            [ "$(basename "$e")" = "$part" ] && continue
            ln -s "$e" "$cur_ov/$(basename "$e")" || return 1
        done
        cur_sys=$cur_sys/$part; cur_ov=$cur_ov/$part
        mkdir "$cur_ov" || return 1
    done
    # mysql-test: every entry linked but plugin/, which gets our suite too
    for e in "$cur_sys"/*; do
        [ "$(basename "$e")" = plugin ] && continue
        ln -s "$e" "$cur_ov/$(basename "$e")" || return 1
    done
    mkdir -p "$cur_ov/plugin/frappe_sds" || return 1
    for e in "$cur_sys"/plugin/*; do
        [ -e "$e" ] || continue
        [ "$(basename "$e")" = frappe_sds ] && continue   # a stale system link of old runs
        ln -s "$e" "$cur_ov/plugin/$(basename "$e")" || return 1
    done
    ln -s "$(cd "$suite" && pwd -P)" "$cur_ov/plugin/frappe_sds/frappe_sds" || return 1
    echo "$cur_ov"
}
