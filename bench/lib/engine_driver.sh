# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/lib/engine_driver.sh -- what bench/scale.sh and bench/fleet.sh share: a work dir, the
# Java driver compiled with tests/e2e's classes, the bundled fixture site loaded into a server
# (without sym_* tables: each SymmetricDS engine makes its own), and the driver's JVM run in
# the background with its output followed and a bound on its time.
# Sourced after tests/lib/symmetricds.sh (CP), scripts/lib/server.sh and tests/lib/worker.sh.
#
#   driver_workdir NAME          W: a new work dir (in /dev/shm when it can), with classes/, work/
#   driver_compile FILE.java     tests/e2e/*.java and FILE into $W/classes
#   driver_site DIR DB [sample]  the fixture site into a new database DB at server DIR; with
#                                "sample", its sample data too (the master's)
#   driver_run LIMIT_S CLASS ARGS...  java ... e2e.CLASS ARGS > $W/out.txt, followed on stdout;
#                                killed after LIMIT_S s; DRIVER_JAVA_OPTS (an array) before the
#                                class; the engine log in $W/engines.log (LOG); sets rc
# JPID is the running JVM's pid, for the caller's cleanup.

driver_workdir() {
    W=$(mktemp -d "/dev/shm/frappe_sds_$1.XXXXXX" 2>/dev/null || mktemp -d)
    mkdir -p "$W/classes" "$W/work"
    LOG=$W/engines.log
}

driver_compile() {
    javac -proc:none -nowarn -encoding UTF-8 -d "$W/classes" -cp "$CP" tests/e2e/*.java "$1" \
        >"$W/javac.log" 2>&1 || { cat "$W/javac.log"; echo "FAIL: compiling the driver"; return 1; }
}

driver_site() {
    local dir=$1 db=$2 fx=$ROOT/fixtures files
    files=("$fx/erpnext-v13.15.2-metadata.sql.gz" "$fx/erpnext-v13.15.2-site-customizations.sql.gz")
    [ "${3:-}" = sample ] && files+=("$fx/erpnext-v13.15.2-sample-data.sql.gz")
    srv_sql "$dir" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" &&
        _srv_site_stream "${files[@]}" | srv_sql "$dir" "$db"
}

driver_run() {
    local limit=$1 class=$2 s=0 tpid; shift 2
    java "${DRIVER_JAVA_OPTS[@]}" -De2e.transport=internal -XX:+UseSerialGC \
         -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.logFile="$LOG" \
         -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="HH:mm:ss.SSS" \
         -Djava.io.tmpdir="$W/work" -Djava.util.logging.config.file=/dev/null \
         -cp "$W/classes:$CP" "e2e.$class" "$@" >"$W/out.txt" 2>&1 &
    JPID=$!
    : >>"$W/out.txt"
    ( tail -n +1 -f "$W/out.txt" --pid=$JPID & wait ) &
    tpid=$!
    while kill -0 "$JPID" 2>/dev/null; do
        sleep 2; s=$((s + 2))
        [ $s -ge "$limit" ] && { echo "FAIL: timed out after $limit s"; kill "$JPID"; break; }
    done
    wait "$JPID"; rc=$?
    JPID=
    sleep 0.5; kill "$tpid" 2>/dev/null
    return 0
}
