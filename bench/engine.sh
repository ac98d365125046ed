#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/engine.sh -- figures on SymmetricDS 3.15.9's own engine (not part of --quick):
# runs tests/symmetricds_e2e.sh (master + 2 branches on separate servers, see its header)
# and writes bench/RESULTS.engine.md from the FIGURE lines it prints: first load time per
# branch and the DDL its branch server ran, the master's first trigger build, ALTER -> new
# sym_trigger_hist and ALTER -> reloads processed (done), new DocType -> done, capture rate
# on the master (company lookup) and on a branch (plain trigger), each against an
# identical table without triggers. The routing job runs at SymmetricDS's default period
# (10 s) unless E2E_ROUTING_MS says otherwise: the schema-change latency quoted in the
# README is this one. ~15 min on 2 cores.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/RESULTS.engine.md
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
export E2E_ROUTING_MS=${E2E_ROUTING_MS:-10000}
t0=$(date +%s)
"$ROOT/tests/symmetricds_e2e.sh" >"$LOG" 2>&1
rc=$?
if [ $rc = 77 ]; then tail -n 1 "$LOG"; exit 77; fi
{
    echo "# frappe_sds on SymmetricDS's own engine"
    echo
    echo "\`bench/engine.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)):"
    echo "SymmetricDS 3.15.9 built from its source, master + 2 branches in one JVM over its internal"
    echo "transport, each site on its own mariadbd; routing job every ${E2E_ROUTING_MS} ms, push/pull 1 s."
    echo "Scenario result: $([ $rc = 0 ] && echo 'every step passed' || echo "FAILED (rc=$rc), figures below are partial")."
    echo
    echo "| figure | value | what |"
    echo "|---|---|---|"
    grep '^FIGURE ' "$LOG" | while read -r _ name value; do
        case "$name" in
            master_first_trigger_build_s) what="master engine start -> capture triggers of every replicated table built (s)" ;;
            first_load_s_*) what="both branches' DBA steps and engine starts -> registered, triggers built, company-filtered first load done (s)" ;;
            first_load_engine_start_s_*) what="the same from this branch's engine start (s)" ;;
            first_load_com_drop_index_*) what="DROP INDEX statements the branch server ran during it" ;;
            first_load_com_alter_table_*) what="ALTER TABLE statements during it (SymmetricDS's own sym_* tables)" ;;
            first_load_com_create_table_*) what="CREATE TABLE statements during it (SymmetricDS's own sym_* tables)" ;;
            first_load_com_create_index_*) what="CREATE INDEX statements during it" ;;
            alter_to_new_trigger_hist_s) what="ALTER TABLE ADD COLUMN on the master -> new sym_trigger_hist with the column (s)" ;;
            alter_to_done_s) what="a migrate's burst of 5 ALTERs (add, modify, drop column, index, default) -> all done, reloads processed (s)" ;;
            new_doctype_to_done_s) what="new DocType table -> configured, trigger built, reloaded to both branches, done (s)" ;;
            capture_rows_per_s_*) what="INSERTs/s into tabSales Invoice Item with the capture trigger, one transaction" ;;
            capture_vs_untriggered_*) what="that rate / the rate into an identical table without triggers" ;;
            *) what="" ;;
        esac
        echo "| \`$name\` | $value | $what |"
    done
    echo
    echo "Total run $(( $(date +%s) - t0 )) s (three site loads, engine starts, every step of the scenario)."
} >"$OUT"
cat "$OUT"
exit $rc
