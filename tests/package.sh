#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the Debian package builds (version <release>-1, docs and changelog.Debian.gz in /usr/share/doc/frappe-sds), installs (dpkg -i, apt-get install ./deb), loads in a server from its snippet with PLUGIN_VERSION of the release, installs a site, and is removed without a trace
# Installs into the machine's real paths (run as root): it leaves the machine
# as it found it. It never starts the system mariadb service (policy-rc.d
# while dpkg/apt run), backs up and restores any file the package would
# overwrite (e.g. a frappe_sds.so from `cmake --install`), purges the
# package on exit, and refuses to run (skip) where frappe-sds is installed
# already. One run at a time per machine (a lock).
#  1. cpack -G DEB in a temp build dir: frappe-sds_<v>-1_<arch>.deb (Debian
#     revision 1) with the expected files: the SQL in /usr/share/frappe-sds/
#     (dba.sql too when the tree has sql/dba/), README.md, docs/*.md,
#     CHANGELOG.md (when present), copyright and changelog.Debian.gz (gzip -n,
#     its entry of this version) in /usr/share/doc/frappe-sds/; the
#     conffile; Depends on the server package at the exact installed
#     version; lintian's basics (root:root, 0644/0755, md5sums, Maintainer);
#  2. dpkg -i (which fires mariadb-server's trigger on /etc/mysql); a
#     throwaway server started from a my.cnf that only sets its
#     own paths and includes the packaged snippet (no --plugin-dir, no
#     plugin options) loads both plugins from the package's plugin dir, with
#     PLUGIN_VERSION the release's major.minor;
#     install.sql from /usr/share/frappe-sds/ installs a site; sds_setup;
#  3. dpkg -r removes every file but the conffile (Debian keeps conffiles
#     until purge), and a server started with the left snippet still starts;
#  4. apt-get install ./frappe-sds_*.deb resolves the dependencies and
#     installs it again, keeping the conffile; dpkg -P then leaves every
#     path of the package as it was before the test.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export FRAPPE_SDS_SRC="$ROOT"
. scripts/lib/server.sh
PKG=frappe-sds
T=$(mktemp -d /dev/shm/frappe_sds_package.XXXXXX 2>/dev/null || mktemp -d)
D="$T/srv"
installed_by_us=0 created_policy=0
fail() { echo "FAIL: $*"; tail -n 15 "$D/error.log" 2>/dev/null; exit 1; }
say() { echo "== $*"; }
sql() { timeout 120 mariadb --no-defaults --socket="$D/sock" --user=root -N -B "$@"; }
pkg_status() { dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | tr -d ' '; }

[ "$(id -u)" = 0 ] || { echo "needs root (installs a package into the system)"; exit 77; }
scripts/deps.sh dpkg-dev >/dev/null || fail "deps.sh"

# one run per machine: the package is machine-wide
exec 8>/tmp/frappe_sds_package.lock
flock -w 900 8 || fail "another package test holds /tmp/frappe_sds_package.lock"
case "$(pkg_status)" in
    ""|un|pn) ;;
    *) echo "$PKG is installed on this machine (status $(pkg_status)); not touching it (dpkg -P $PKG to run this test)"
       exit 77 ;;
esac

cleanup() {
    srv_stop "$D" >/dev/null 2>&1
    if [ $installed_by_us = 1 ] && [ -n "$(pkg_status)" ] && [ "$(pkg_status)" != un ]; then
        dpkg_do -P "$PKG" >/dev/null 2>&1 || echo "cleanup: dpkg -P $PKG failed" >&2
    fi
    if [ -d "$T/backup" ]; then   # files the package overwrote, back in place
        (cd "$T/backup" && find . -type f -print0) | while IFS= read -r -d '' f; do
            mkdir -p "$(dirname "/${f#./}")"; cp -a "$T/backup/$f" "/${f#./}"
        done
    fi
    [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
    rm -rf "$T"
}
trap cleanup EXIT
# dpkg/apt may find the lock held by another checkout's deps.sh: retry (bounded)
dpkg_do() {
    local i out
    for i in $(seq 1 60); do
        out=$(DEBIAN_FRONTEND=noninteractive dpkg --force-confold "$@" 2>&1) && { echo "$out"; return 0; }
        grep -q "lock" <<<"$out" || { echo "$out"; return 1; }
        sleep 2
    done
    echo "$out"; return 1
}
# a server from a my.cnf with its own paths that includes the snippet
start_server() {
    mkdir -p "$D/tmp"
    if [ ! -d "$D/data/mysql" ]; then
        mariadb-install-db --no-defaults --auth-root-authentication-method=normal --tmpdir="$D/tmp" \
            --datadir="$D/data" --user=root --skip-test-db --skip-name-resolve --skip-log-bin \
            >"$T/install-db.log" 2>&1 || { tail "$T/install-db.log"; fail "mariadb-install-db"; }
    fi
    cat >"$T/my.cnf" <<EOF
[mariadb]
user = root
datadir = $D/data
socket = $D/sock
pid-file = $D/pid
tmpdir = $D/tmp
log-error = $D/error.log
skip-networking
skip-log-bin
innodb-buffer-pool-size = 256M
innodb-flush-log-at-trx-commit = 2
!include /etc/mysql/mariadb.conf.d/$PKG.cnf
EOF
    : >"$D/error.log"
    mariadbd --defaults-file="$T/my.cnf" </dev/null >>"$D/error.log" 2>&1 &
    echo $! >"$D/mariadbd.pid"
    local i
    for i in $(seq 1 120); do
        sql -e "SELECT 1" >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$D/mariadbd.pid")" 2>/dev/null || fail "mariadbd exited at start"
        sleep 0.5
    done
    fail "server not ready after 60 s"
}

# ---------------------------------------------------------------- 1. build
V=$(sed -n 's/^project(frappe_sds VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
ARCH=$(dpkg --print-architecture)
say "1. cpack -G DEB ($PKG $V, $ARCH)"
( cmake -S . -B "$T/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$T/build.log" 2>&1 \
  && cmake --build "$T/build" -j2 >>"$T/build.log" 2>&1 \
  && cd "$T/build" && cpack -G DEB >>"$T/build.log" 2>&1 ) || { tail -n 20 "$T/build.log"; fail "package build"; }
REV=1   # the default Debian revision (SDS_DEB_REVISION)
DEB="$T/build/${PKG}_${V}-${REV}_${ARCH}.deb"
[ -f "$DEB" ] || { ls "$T/build"; fail "no $DEB"; }
[ "$(dpkg-deb -f "$DEB" Version)" = "$V-$REV" ] || fail "package version '$(dpkg-deb -f "$DEB" Version)', expected $V-$REV"
PLUGIN_DIR=$(mariadbd --no-defaults --verbose --help 2>/dev/null | awk '$1=="plugin-dir"{print $2}')
PLUGIN_DIR=${PLUGIN_DIR%/}
DOC=/usr/share/doc/$PKG
files=$(dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {print substr($6, 2)}' | sort)
want=$( { printf '%s\n' "$PLUGIN_DIR/frappe_sds.so" /etc/mysql/mariadb.conf.d/$PKG.cnf \
            /usr/share/$PKG/install.sql /usr/share/$PKG/uninstall.sql /usr/share/$PKG/runtime.sql \
            $DOC/copyright $DOC/changelog.Debian.gz $DOC/README.md
          [ -d sql/dba ] && echo /usr/share/$PKG/dba.sql
          [ -f CHANGELOG.md ] && echo $DOC/CHANGELOG.md
          for f in docs/*.md; do [ -f "$f" ] && echo "$DOC/$f"; done; } | sort)
[ "$files" = "$want" ] || { diff <(echo "$want") <(echo "$files"); fail "package contents (< expected, > built)"; }
# changelog.Debian.gz: gzip -n (no file name, no time stamp), this version's entry
dpkg-deb --fsys-tarfile "$DEB" | tar -xO .$DOC/changelog.Debian.gz >"$T/changelog.Debian.gz"
[ "$(od -An -tu1 -j3 -N5 "$T/changelog.Debian.gz" | tr -s ' ')" = " 0 0 0 0 0" ] \
    || fail "changelog.Debian.gz carries a name or a time stamp (gzip -n)"
gunzip -c "$T/changelog.Debian.gz" >"$T/changelog.Debian" || fail "changelog.Debian.gz is not gzip"
[ "$(dpkg-parsechangelog -l "$T/changelog.Debian" -S Version)" = "$V-$REV" ] \
    || fail "changelog.Debian: version '$(dpkg-parsechangelog -l "$T/changelog.Debian" -S Version)'"
[ "$(dpkg-parsechangelog -l "$T/changelog.Debian" -S Source)" = "$PKG" ] || fail "changelog.Debian: source"
# lintian's basics: owner root:root, files 0644 (the library 0644 too, as
# Debian ships plugins), directories 0755, md5sums, a Maintainer
bad=$(dpkg-deb -c "$DEB" | awk '$2 != "root/root" || ($1 ~ /^d/ && $1 != "drwxr-xr-x") || ($1 ~ /^-/ && $1 != "-rw-r--r--") {print}')
[ -z "$bad" ] || fail "owner or mode not as Debian wants: $bad"
dpkg-deb --ctrl-tarfile "$DEB" | tar -t | grep -qx ./md5sums || fail "no md5sums in the control area"
[ -n "$(dpkg-deb -f "$DEB" Maintainer)" ] || fail "no Maintainer field"
if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$DEB" >"$T/lintian.log" 2>&1
    grep '^E: ' "$T/lintian.log" && fail "lintian errors (above)"
    sed 's/^/   lintian: /' "$T/lintian.log" | head -n 20
fi
srv_pkg=$(dpkg-query -S "$(readlink -f "$(command -v mariadbd)")" | cut -d: -f1)
srv_ver=$(dpkg-query -W -f='${Version}' "$srv_pkg")
dep=$(dpkg-deb -f "$DEB" Depends)
case ", $dep," in *", $srv_pkg (= $srv_ver),"*) ;; *) fail "Depends '$dep' lacks '$srv_pkg (= $srv_ver)'" ;; esac
[ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)" = "/etc/mysql/mariadb.conf.d/$PKG.cnf" ] \
    || fail "the snippet is not a conffile"
dpkg-deb --fsys-tarfile "$DEB" | tar -xO .$DOC/copyright | grep -q "^License: GPL-3+" \
    || fail "copyright file"
echo "   $(basename "$DEB"): $(echo "$files" | wc -l) files; Depends: $dep"

# every path of the package (files and directories) as it is before
paths=$(dpkg-deb -c "$DEB" | awk '{p = substr($6, 2); sub(/\/$/, "", p); if (p != "") print p}' | sort)
state() { local p; for p in $paths; do
    if [ -d "$p" ]; then echo "d $p"; elif [ -e "$p" ]; then echo "f $p $(md5sum <"$p" | cut -c1-32)"; else echo "- $p"; fi
  done; }
state >"$T/state.before"
for f in $files; do   # a file the package would overwrite: kept aside, restored at exit
    [ -e "$f" ] && { mkdir -p "$T/backup$(dirname "$f")"; cp -a "$f" "$T/backup$f"; echo "   (backed up $f)"; }
done

if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; created_policy=1
fi
mariadb_active() { systemctl is-active mariadb 2>/dev/null; pgrep -x -u mysql mariadbd >/dev/null && echo running-as-mysql; }
sys_before=$(mariadb_active)

# ---------------------------------------------------------------- 2. dpkg -i, a server from the snippet
say "2. dpkg -i; a server with the packaged snippet; install.sql from /usr/share/$PKG"
installed_by_us=1
dpkg_do -i "$DEB" >"$T/dpkg.log" || { cat "$T/dpkg.log"; fail "dpkg -i"; }
# the snippet under /etc/mysql activates mariadb-server's trigger (its
# postinst restarts the server on hosts without systemd; policy-rc.d above
# keeps it from doing so here)
if dpkg-query -W -f='${Status}' mariadb-server 2>/dev/null | grep -q 'install ok installed'; then
    grep -q "^Processing triggers for mariadb-server" "$T/dpkg.log" \
        || { cat "$T/dpkg.log"; fail "dpkg -i did not fire mariadb-server's trigger (docs say it does)"; }
    echo "   dpkg -i: $(grep "^Processing triggers for mariadb-server" "$T/dpkg.log")"
fi
[ "$(pkg_status)" = ii ] || fail "status after dpkg -i: $(pkg_status)"
dpkg --verify "$PKG" || fail "dpkg --verify: installed files differ from the package"
start_server
got=$(sql -e "SELECT GROUP_CONCAT(CONCAT(plugin_name, ':', plugin_status, ':', plugin_library, ':', plugin_maturity)
              ORDER BY plugin_name) FROM information_schema.plugins WHERE plugin_name LIKE 'FRAPPE_SDS%'")
mat=$(sed -n 's/.*MariaDB_PLUGIN_MATURITY_\([A-Z]*\).*/\1/p' plugin/sds_plugin.c | head -n 1)
mat=${mat,,}; mat_lc=$mat; mat=${mat^}
[ "$got" = "FRAPPE_SDS:ACTIVE:frappe_sds.so:$mat,FRAPPE_SDS_WORKER:ACTIVE:frappe_sds.so:$mat" ] \
    || fail "plugins loaded from the snippet: '$got'"
[ "$(sql -e "SELECT @@plugin_dir")" = "$PLUGIN_DIR/" ] || fail "plugin_dir is $(sql -e "SELECT @@plugin_dir")"
[ "$(sql -e "SELECT variable_value FROM information_schema.global_status
             WHERE variable_name = 'FRAPPE_SDS_VERSION'")" = "$V" ] || fail "library version"
# the numeric version the server shows is the release's major.minor
pv=$(sql -e "SELECT PLUGIN_VERSION FROM information_schema.plugins WHERE PLUGIN_NAME='FRAPPE_SDS'")
[ "$pv" = "${V%.*}" ] || fail "PLUGIN_VERSION '$pv', expected '${V%.*}' (release $V)"
echo "   PLUGIN_VERSION $pv (release $V)"
# every start logs one warning per plugin of a maturity below the server's
# (gamma < stable; docs/packaging-notes.md)
nwarn=$(grep -c "Plugin 'FRAPPE_SDS[A-Z_]*' is of maturity level $mat_lc while the server is" "$D/error.log")
want_warn=2; [ "$mat_lc" = stable ] && want_warn=0
[ "$nwarn" = $want_warn ] || { grep -i maturity "$D/error.log"; fail "expected $want_warn maturity warnings at start, found $nwarn"; }
echo "   the start logged $nwarn maturity warnings ($mat_lc plugins)"
echo "   loaded: $got (plugin_maturity=$(sql -e "SELECT @@plugin_maturity"), from $PLUGIN_DIR)"
srv_load_site "$D" site --customizations >/dev/null || fail "site load"
sql site </usr/share/$PKG/install.sql || fail "install.sql from /usr/share/$PKG"
[ "$(sql site -e "SELECT version FROM sds_install")" = "$V" ] || fail "sds_install"
sql site -e "CALL sds_setup('master', 'branch')" | grep -q "^insert" || fail "sds_setup"
echo "   site installed ($V) and set up: $(sql site -e "SELECT COUNT(*) FROM sym_trigger") sym_trigger rows"
srv_stop "$D" >/dev/null || fail "server stop"

# ---------------------------------------------------------------- 3. dpkg -r
say "3. dpkg -r"
dpkg_do -r "$PKG" >"$T/dpkg.log" || { cat "$T/dpkg.log"; fail "dpkg -r"; }
[ "$(pkg_status)" = rc ] || fail "status after dpkg -r: $(pkg_status)"
for f in $files; do
    if [ "$f" = /etc/mysql/mariadb.conf.d/$PKG.cnf ]; then
        [ -f "$f" ] || fail "dpkg -r removed the conffile (only purge does)"
    else
        [ -e "$f" ] && fail "dpkg -r left $f"
    fi
done
echo "   every file removed but the conffile $PKG.cnf (until purge)"
start_server   # the left snippet names a library that is gone: logged, the server starts
grep -q "Couldn't load plugins from 'frappe_sds" "$D/error.log" || fail "no error logged for the missing library"
[ -z "$(sql -e "SELECT plugin_name FROM information_schema.plugins WHERE plugin_name LIKE 'FRAPPE%'")" ] \
    || fail "a plugin is still loaded"
srv_stop "$D" >/dev/null || fail "server stop"
echo "   a server started with the left snippet runs (the missing library is logged)"

# ---------------------------------------------------------------- 4. apt-get install ./deb, purge
say "4. apt-get install ./$(basename "$DEB"); dpkg -P"
cp "$DEB" "$T/"; chmod 644 "$T/$(basename "$DEB")"
(cd "$T" && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confold "./$(basename "$DEB")") \
    >"$T/apt.log" 2>&1 || { tail -n 20 "$T/apt.log"; fail "apt-get install ./deb"; }
[ "$(pkg_status)" = ii ] || fail "status after apt-get install: $(pkg_status)"
dpkg --verify "$PKG" || fail "dpkg --verify after apt-get install"
grep -E "^(Setting up|Selecting|Unpacking|[0-9]+ upgraded)" "$T/apt.log" | sed 's/^/   apt: /'
dpkg_do -P "$PKG" >"$T/dpkg.log" || { cat "$T/dpkg.log"; fail "dpkg -P"; }
[ -z "$(pkg_status)" ] || [ "$(pkg_status)" = un ] || [ "$(pkg_status)" = pn ] || fail "status after purge: $(pkg_status)"
installed_by_us=0
for f in $files; do [ -e "$f" ] && fail "dpkg -P left $f"; done
state >"$T/state.after.raw"
# (files backed up before were removed for this comparison, then restored at exit)
for f in $files; do [ -e "$T/backup$f" ] && sed -i "s|^f $f .*|- $f|" "$T/state.before"; done
cmp -s "$T/state.before" "$T/state.after.raw" || { diff "$T/state.before" "$T/state.after.raw"; fail "paths differ after purge (< before, > after)"; }
echo "   after purge every path of the package is as before ($(wc -l <"$T/state.before") paths)"
[ "$(mariadb_active)" = "$sys_before" ] || fail "the system mariadb service changed state: '$sys_before' -> '$(mariadb_active)'"
echo "package passed"
