#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# bench/gen/generate.sh -- fill a Frappe/ERPNext v13 site database (the bundled fixture,
# fixtures/) with ERPNext-shaped business data of N companies, generated inside the server
# (sequence-engine tables, INSERT ... SELECT: bench/gen/common.sql, then masters.sql, then
# sales.sql and ledger.sql in two sessions side by side), deterministic from a seed.
#
#   bench/gen/generate.sh [--rows R] [--companies N] [--seed S] DB [-- MARIADB-CLIENT-ARGS...]
#     --rows       rows to generate, about (default 1000000; at least 1000)
#     --companies  companies to add (default 8; the first eight have hostile names)
#     --seed       any integer (default 1): same seed, same site -> same rows
#     --first-company-rows R1  company 1 gets about R1 of the rows (its documents are the
#                  first ones), the others share the rest: the same R1 with a bigger --rows
#                  gives company 1 the same number of rows and the others more
#     --keep-indexes  insert with every index in place (slower; for comparison)
#   e.g. bench/gen/generate.sh --rows 1000000 site -- --socket=/tmp/x/sock --user=root
#
# Per company: Company, 11 Accounts, 2 Cost Centers, a Warehouse, a Sales Taxes and Charges
# Template (+ its row); Customers of the company (Customer.company when the site has the
# customizations overlay's custom field) with a Party Account row; global Items with an
# Item Default row per company; Sales Invoices (+ 1-5 items + a tax row), Journal Entries
# (+ 2 account rows), Payment Entries (+ a reference to an invoice of the same company),
# GL Entries and Stock Ledger Entries of the submitted vouchers. About 15 rows per invoice.
# Run it on a site where no capture trigger exists yet (before sds_setup / the engine;
# best before frappe_sds's install.sql, whose DDL hook would see the index drops and
# rebuilds as schema changes), once (a second run on the same database stops: its
# companies exist already).
# Prints the rows per table, the total and the rate (rows/s) on its last line.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rows=1000000 companies=8 seed=1 db="" keep_indexes=0 first=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --companies) companies=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --keep-indexes) keep_indexes=1; shift ;;
        --first-company-rows) first=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '3,/^set -u/p' "$0" | sed '$d'; exit 0 ;;
        -*) echo "generate.sh: unknown option $1" >&2; exit 2 ;;
        *) [ -z "$db" ] || { echo "generate.sh: one database only" >&2; exit 2; }; db=$1; shift ;;
    esac
done
for v in rows companies seed first; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "generate.sh: --$v must be a non-negative integer" >&2; exit 2; }
done
[ -n "$db" ] || { echo "usage: generate.sh [--rows R] [--companies N] [--seed S] DB [-- client args]" >&2; exit 2; }
[ "$rows" -ge 1000 ] || { echo "generate.sh: --rows must be at least 1000" >&2; exit 2; }
[ "$companies" -ge 1 ] && [ "$companies" -le 1000 ] \
    || { echo "generate.sh: --companies must be 1..1000" >&2; exit 2; }
[[ $db =~ ^[A-Za-z0-9_]+$ ]] || { echo "generate.sh: database name must be [A-Za-z0-9_]+" >&2; exit 2; }
CLIENT=(mariadb --no-defaults "$@" --default-character-set=utf8mb4 -N -B)
sql() { "${CLIENT[@]}" "$db" -e "$1"; }

# the site: a Company table, no generated rows yet, no triggers on the tables written
[ "$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()
            AND table_name IN ('tabCompany', 'tabSales Invoice', 'tabPayment Entry')")" = 3 ] \
    || { echo "generate.sh: $db is not an ERPNext site (tabCompany, tabSales Invoice, tabPayment Entry)" >&2; exit 1; }
[ "$(sql "SELECT COUNT(*) FROM \`tabCompany\` WHERE owner = 'gen@example.com'")" = 0 ] \
    || { echo "generate.sh: $db holds generated data already (load a fresh site)" >&2; exit 1; }
ntrig=$(sql "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE()
             AND event_object_table IN ('tabCompany', 'tabSales Invoice', 'tabGL Entry')")
[ "$ntrig" = 0 ] || { echo "generate.sh: $db has capture triggers; generate before setting up replication" >&2; exit 1; }

# sizes: ~15.05 rows per invoice (1 + 3 items + 1 tax + 0.9 x (3 GL + 3 SLE), half a journal
# entry (5 rows), half a payment entry (4 rows)), customers 2 rows, items 1 + N rows
fixed=$((17 * companies))
si=$(( (rows - fixed) * 100 / 1505 ))
[ "$si" -ge 10 ] || si=10
je=$(( si / 2 )) pe=$(( si / 2 ))
s1=0 j1=0
if [ "$first" -gt 0 ]; then
    [ "$companies" -ge 2 ] || { echo "generate.sh: --first-company-rows needs --companies >= 2" >&2; exit 2; }
    s1=$(( first * 100 / 1505 )); [ "$s1" -ge 2 ] || s1=2
    [ "$s1" -lt "$si" ] || { echo "generate.sh: --first-company-rows must be well below --rows" >&2; exit 2; }
    j1=$(( s1 / 2 ))
fi
cpc=$(( si / (20 * companies) )); [ "$cpc" -ge 5 ] || cpc=5
items=$(( si / 200 )); [ "$items" -ge 50 ] || items=50
# a company whose name differs from another's only in case, where the site's collations
# tell them apart: tabCompany.name and the unique company_name (ERPNext makes them equal)
coll=$(sql "SELECT GROUP_CONCAT(DISTINCT collation_name) FROM information_schema.columns
            WHERE table_schema = DATABASE() AND table_name = 'tabCompany'
              AND column_name IN ('name', 'company_name')")
twin=1
for c in ${coll//,/ }; do case "$c" in *_bin|*_cs) ;; *) twin=0 ;; esac; done
if [ "$(sql "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()
             AND table_name = 'tabCustomer' AND column_name = 'company'")" = 1 ]; then
    cust_col=', `company`' cust_val=', co.name'
else
    cust_col='' cust_val=''
fi

# The tables written lose their non-unique secondary indexes while the rows go in and get
# them back, from the exact text of SHOW CREATE TABLE, by one ALTER TABLE each (a sorted
# build: ~2x faster than maintaining 10-13 indexes of ROW_FORMAT=COMPRESSED tables row by
# row); the definitions are then compared with the ones before, and must be identical.
TABLES=("tabCompany" "tabAccount" "tabCost Center" "tabWarehouse" "tabSales Taxes and Charges Template"
        "tabCustomer" "tabParty Account" "tabItem" "tabItem Default" "tabSales Invoice"
        "tabSales Invoice Item" "tabSales Taxes and Charges" "tabJournal Entry"
        "tabJournal Entry Account" "tabPayment Entry" "tabPayment Entry Reference" "tabGL Entry"
        "tabStock Ledger Entry")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
: >"$TMP/drops"; : >"$TMP/adds.0"; : >"$TMP/adds.1"
for i in "${!TABLES[@]}"; do
    t=${TABLES[$i]}
    "${CLIENT[@]}" -r "$db" -e "SHOW CREATE TABLE \`$t\`" | cut -f2- >"$TMP/before.$i" \
        || { echo "generate.sh: SHOW CREATE TABLE $t failed" >&2; exit 1; }
    d=$(sed -n 's/^  KEY \(`[^`]*`\) .*/DROP KEY \1/p' "$TMP/before.$i" | paste -sd, -)
    a=$(sed -n 's/^  \(KEY `[^`]*` .*[^,]\),\{0,1\}$/ADD \1/p' "$TMP/before.$i" | paste -sd, -)
    [ -z "$d" ] || [ $keep_indexes = 1 ] && continue
    echo "ALTER TABLE \`$t\` $d;" >>"$TMP/drops"
    # two sessions rebuild them: the ledger part's tables, and the others
    case "$t" in "tabJournal Entry"*|"tabPayment Entry"*|"tabGL Entry") g=1 ;; *) g=0 ;; esac
    echo "ALTER TABLE \`$t\` $a;" >>"$TMP/adds.$g"
done

# part <name>: common.sql + <name>.sql with the placeholders replaced, in one session
part() {
    { echo "SET @gen_seed = $seed, @gen_n = $companies;"
      sed -e "s/{SI}/$si/g; s/{S1}/$s1/g; s/{J1}/$j1/g; s/{JE}/$je/g; s/{PE}/$pe/g; s/{CPC}/$cpc/g; s/{ITEMS}/$items/g" \
          -e "s/{TWIN}/$twin/g; s/{CUST_CO_COL}/$cust_col/g; s/{CUST_CO_VAL}/$cust_val/g" \
          "$HERE/common.sql" "$HERE/$1.sql"; } | "${CLIENT[@]}" "$db" >"$TMP/out.$1" 2>"$TMP/err.$1"
}

# the server's CPU time, when it runs on this machine (rows per CPU second do not depend
# on what else the machine runs; the wall-clock rate does)
cpu() {
    local f pid
    f=$(sql "SELECT @@pid_file") && pid=$(cat "$f" 2>/dev/null) && [ -r "/proc/$pid/stat" ] || return 0
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$pid/stat"
}
c0=$(cpu)
t0=${EPOCHREALTIME/[.,]/}
"${CLIENT[@]}" "$db" <"$TMP/drops" || { echo "generate.sh: dropping the secondary indexes failed" >&2; exit 1; }
# the masters first, then the
# sales and the ledger parts side by side (no table in common), then the indexes
part masters || { cat "$TMP/err.masters" >&2; echo "generate.sh: generation failed: load a fresh site" >&2; exit 1; }
part sales & ps=$!
part ledger & pl=$!
wait $ps; rs=$?; wait $pl; rl=$?
[ $rs = 0 ] && [ $rl = 0 ] || { cat "$TMP/err.sales" "$TMP/err.ledger" >&2
                                 echo "generate.sh: generation failed: load a fresh site" >&2; exit 1; }
ti=${EPOCHREALTIME/[.,]/}
"${CLIENT[@]}" "$db" <"$TMP/adds.0" >"$TMP/err.adds.0" 2>&1 & pa=$!
"${CLIENT[@]}" "$db" <"$TMP/adds.1" >"$TMP/err.adds.1" 2>&1 & pb=$!
wait $pa; ra=$?; wait $pb; rb=$?
[ $ra = 0 ] && [ $rb = 0 ] || { cat "$TMP/err.adds.0" "$TMP/err.adds.1" >&2
    echo "generate.sh: rebuilding the secondary indexes failed: load a fresh site" >&2; exit 1; }
t1=${EPOCHREALTIME/[.,]/}
c1=$(cpu)
for i in "${!TABLES[@]}"; do
    t=${TABLES[$i]}
    "${CLIENT[@]}" -r "$db" -e "SHOW CREATE TABLE \`$t\`" | cut -f2- >"$TMP/after.$i"
    cmp -s "$TMP/before.$i" "$TMP/after.$i" || {
        diff "$TMP/before.$i" "$TMP/after.$i" >&2
        echo "generate.sh: the definition of $t changed" >&2; exit 1; }
done
out=$(cat "$TMP/out.masters" "$TMP/out.sales" "$TMP/out.ledger")
echo "$out" | awk -F'\t' '{ printf "%-38s %9d rows %7.2f s %8.0f rows/s\n", $1, $2, $3 / 1e6, ($3 > 0 ? $2 / ($3 / 1e6) : 0) }'
total=$(out=$(cat "$TMP/out.masters" "$TMP/out.sales" "$TMP/out.ledger")
echo "$out" | awk -F'\t' '{ s += $2 } END { print s + 0 }')
us=$(( t1 - t0 ))
awk -v us=$((t1 - ti)) 'BEGIN { printf "%-38s %9s      %7.2f s\n", "(secondary indexes rebuilt)", "", us / 1e6 }'
echo "companies $companies (case twin: $([ $twin = 1 ] && echo yes || echo "no, the collations $coll ignore case")), seed $seed, invoices $si"
if [ -n "$c0" ] && [ -n "$c1" ]; then
    awk -v n="$total" -v c0="$c0" -v c1="$c1" 'BEGIN { printf "server CPU time %.1f s: %.0f rows per CPU second\n", c1 - c0, n / (c1 - c0) }'
fi
awk -v n="$total" -v us="$us" 'BEGIN { printf "generated %d rows in %.1f s: %.0f rows/s\n", n, us / 1e6, n / (us / 1e6) }'
