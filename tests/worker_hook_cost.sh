#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: the DDL hook's cost per event does not grow with its queue (a hash, not a search of the queue)
# Issue 23, point 5: the hook used to search the whole pending list for
# every event, in the DDL statement's thread: 70,000 renames took 171 s,
# ~0.7 ms each once the list was long. One RENAME TABLE statement moves a
# table along N new names (N events, all distinct) with the hook off, then
# along N other names with the hook on (the queue grows from 0 to N; the
# worker's debounce keeps it from being handed over meanwhile). With the
# hook on it must not take much longer than with it off.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
D=$(mktemp -d /dev/shm/frappe_sds_cost.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
. tests/lib/attack.sh
N=${N:-30000}

atk_start hc --loose-frappe-sds-debounce-ms=600000
sql -e "CREATE DATABASE hc; CREATE TABLE hc.a0 (id INT PRIMARY KEY)" || fail "site"
# chain <from> <prefix>: RENAME TABLE <from> TO <prefix>1, <prefix>1 TO <prefix>2, ...
chain() {
    awk -v f="$1" -v p="$2" -v n="$N" 'BEGIN {
        printf "RENAME TABLE %s TO %s1", f, p
        for (i = 1; i < n; i++) printf ", %s%d TO %s%d", p, i, p, i + 1
        print ""
    }'
}
ms() { local t0 t1; t0=$(date +%s%N); sql hc -e "$(cat)" || fail "rename"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }

sql -e "SET GLOBAL frappe_sds_ddl_watch = OFF"
off=$(chain a0 x | ms)
sql -e "SET GLOBAL frappe_sds_ddl_watch = ON"
d0=$(status FRAPPE_SDS_QUEUE_DEPTH)
on=$(chain "x$N" y | ms)
depth=$(( $(status FRAPPE_SDS_QUEUE_DEPTH) - d0 ))
echo "$N renames: ${off} ms with the hook off, ${on} ms with it on (queue depth +$depth)"
[ "$depth" -ge "$N" ] || fail "the events were not queued ($depth of $N): nothing was measured"
[ "$on" -le $(( off * 3 / 2 + 1000 )) ] \
    || fail "the hook's cost grows with its queue: ${on} ms against ${off} ms"
grep -q "got signal" "$D/error.log" && fail "the server crashed"
echo "PASS"
