#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: bench/gen/generate.sh (smoke): deterministic per seed, N companies, every generated row's company exists
# The scale benchmark's data generator on three copies of the bundled site (small N):
# (a) two runs with one seed give the same CHECKSUM TABLE per table written, a third run
#     with another seed a different one for the tables whose rows the seed draws;
# (b) it adds exactly --companies companies, with distinct abbreviations, none starting
#     with '~', the hostile names among them;
# (c) frappe_sds's own plan (sds_refresh_plan) classifies every table it writes as
#     replicated, and every generated row of a company-owned table has its company
#     (company column, or the Company row itself) in tabCompany; every child row's
#     parent exists (parent / parenttype / parentfield), with its company; the Dynamic
#     Links (voucher_type/voucher_no, against_voucher_type/against_voucher,
#     party_type/party, reference_doctype/reference_name) name existing documents of the
#     same company.
# (generate.sh itself fails when a table's definition is not the same after it.)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export FRAPPE_SDS_SRC="$ROOT" FRAPPE_SDS_PLUGIN_DIR="$ROOT/build"
. scripts/lib/server.sh
[ -f "$ROOT/build/frappe_sds.so" ] || { echo "FAIL: build/frappe_sds.so missing (cmake --build build)"; exit 1; }
[ -f "$FRAPPE_SDS_SQL/install.sql" ] || { echo "FAIL: $FRAPPE_SDS_SQL/install.sql missing"; exit 1; }
D=$(mktemp -d /dev/shm/frappe_sds_gen.XXXXXX 2>/dev/null || mktemp -d)
trap 'srv_stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; tail -n 20 "$D/error.log" 2>/dev/null; exit 1; }
sql() { timeout 120 mariadb --no-defaults --socket="$D/sock" --user=root --default-character-set=utf8mb4 -N -B "$@"; }

srv_start "$D" --plugin-load-add=frappe_sds.so >/dev/null 2>&1 || fail "server start"
N=9 ROWS=6000
for s in s1 s2 s3; do
    srv_load_site "$D" $s --customizations --sample >/dev/null 2>&1 || fail "site load $s"
done
gen() { bench/gen/generate.sh --rows $ROWS --companies $N --seed "$2" "$1" -- --socket="$D/sock" --user=root; }
gen s1 42 >"$D/gen.s1" 2>&1 || { cat "$D/gen.s1"; fail "generate.sh s1"; }
gen s2 42 >"$D/gen.s2" 2>&1 || { cat "$D/gen.s2"; fail "generate.sh s2"; }
gen s3 43 >"$D/gen.s3" 2>&1 || { cat "$D/gen.s3"; fail "generate.sh s3"; }
cat "$D/gen.s1"
grep -q '^generated [0-9]* rows in .* rows/s$' "$D/gen.s1" || fail "no rate line"
total=$(sed -n 's/^generated \([0-9]*\) rows.*/\1/p' "$D/gen.s1")
[ "$total" -ge $ROWS ] || fail "generated $total rows, asked for $ROWS"
# a second run on the same site stops (its companies exist)
gen s1 42 >/dev/null 2>&1 && fail "a second run on the same site did not stop"

TABLES=$(sql s1 -e "SELECT table_name FROM information_schema.tables WHERE table_schema = 's1'
                    AND table_name IN ('tabCompany', 'tabAccount', 'tabCost Center', 'tabWarehouse',
                      'tabSales Taxes and Charges Template', 'tabCustomer', 'tabParty Account',
                      'tabItem', 'tabItem Default', 'tabSales Invoice', 'tabSales Invoice Item',
                      'tabSales Taxes and Charges', 'tabJournal Entry', 'tabJournal Entry Account',
                      'tabPayment Entry', 'tabPayment Entry Reference', 'tabGL Entry',
                      'tabStock Ledger Entry') ORDER BY 1")
[ "$(echo "$TABLES" | wc -l)" = 18 ] || fail "tables missing: $TABLES"

# (a) determinism
ndiff=0
while IFS= read -r t; do
    c1=$(sql -e "CHECKSUM TABLE \`s1\`.\`$t\`" | cut -f2)
    c2=$(sql -e "CHECKSUM TABLE \`s2\`.\`$t\`" | cut -f2)
    c3=$(sql -e "CHECKSUM TABLE \`s3\`.\`$t\`" | cut -f2)
    [ -n "$c1" ] && [ "$c1" = "$c2" ] || fail "$t: checksum $c1 (seed 42) vs $c2 (seed 42 again)"
    [ "$c1" = "$c3" ] || ndiff=$((ndiff + 1))
done <<<"$TABLES"
echo "same seed: 18 tables identical; another seed: $ndiff tables differ"
[ $ndiff -ge 10 ] || fail "another seed changed only $ndiff tables"

# (b) companies
[ "$(sql s1 -e "SELECT COUNT(*), COUNT(DISTINCT abbr), SUM(abbr LIKE '~%')
                FROM tabCompany WHERE owner = 'gen@example.com'")" = "$N	$N	0" ] \
    || fail "not $N generated companies with distinct abbreviations"
[ "$(sql s1 -e "SELECT COUNT(*) FROM tabCompany WHERE owner = 'gen@example.com' AND (
                 name LIKE '%''%' OR name LIKE '%\`%' OR name LIKE '%\$(%' OR name LIKE '% '
                 OR CHAR_LENGTH(name) = 140 OR name LIKE '%\\\\%' OR name REGEXP '[[:alpha:]]'
                 AND HEX(name) REGEXP '^(..)*E[3-9]')")" -ge 6 ] \
    || fail "the hostile company names are missing"

# (c) the plan, and every generated row's company
sql s1 <"$FRAPPE_SDS_SQL/install.sql" >/dev/null || fail "install.sql"
sql s1 -e "CALL sds_refresh_plan()" >/dev/null || fail "sds_refresh_plan"
# sdsq <sql>: one number from s1
sdsq() { sql s1 -e "$1" || fail "query failed: $1"; }
checked=0
while IFS= read -r t; do
    IFS=$'\t' read -r scope src <<<"$(sdsq "SELECT scope, IFNULL(company_source, '') FROM sds_plan WHERE table_name = '$t'")"
    case "$scope" in company|child|global) ;; *) fail "$t is not replicated (scope '$scope')" ;; esac
    col=""
    case "$src" in field:*) col=${src#field:} ;; self:name) col=name ;; esac
    if [ -n "$col" ]; then
        bad=$(sdsq "SELECT COUNT(*) FROM \`$t\` r LEFT JOIN tabCompany c ON c.name = r.\`$col\`
                    WHERE r.owner = 'gen@example.com' AND c.name IS NULL")
        [ "$bad" = 0 ] || fail "$t: $bad generated rows whose company ($col) is not in tabCompany"
        checked=$((checked + 1))
    fi
    if [ "$scope" = child ]; then
        # every parent exists; where the parent is company-owned, so is its company
        for pt in $(sdsq "SELECT DISTINCT HEX(parenttype) FROM \`$t\` WHERE owner = 'gen@example.com'"); do
            p=$(sdsq "SELECT UNHEX('$pt')")
            pcol=$(sdsq "SELECT SUBSTRING(company_source, 7) FROM sds_plan WHERE table_name = 'tab$p'
                         AND scope = 'company' AND company_source LIKE 'field:%'")
            join="JOIN \`tab$p\` d ON d.name = r.parent"
            [ -n "$pcol" ] && join="$join JOIN tabCompany c ON c.name = d.\`$pcol\`"
            n=$(sdsq "SELECT COUNT(*) FROM \`$t\` r WHERE r.owner = 'gen@example.com' AND r.parenttype = UNHEX('$pt')")
            ok=$(sdsq "SELECT COUNT(*) FROM \`$t\` r $join WHERE r.owner = 'gen@example.com'
                        AND r.parenttype = UNHEX('$pt') AND r.parentfield IS NOT NULL AND r.parentfield <> ''")
            [ "$n" = "$ok" ] || fail "$t: $((n - ok)) of $n rows under $p without their parent (or its company)"
        done
    fi
done <<<"$TABLES"
[ $checked = 13 ] || fail "$checked tables had a company column to check, not 13"

# Dynamic Links: <table> <type column> <name column>: every generated link names an
# existing document of the row's own company
dynlink() {
    local t=$1 ty=$2 nm=$3 own=${4:-r.company} bad
    for pt in $(sdsq "SELECT DISTINCT HEX(\`$ty\`) FROM \`$t\` WHERE owner = 'gen@example.com' AND \`$ty\` IS NOT NULL"); do
        p=$(sdsq "SELECT UNHEX('$pt')")
        pcol=company; [ "$p" = Customer ] && pcol=company
        bad=$(sdsq "SELECT COUNT(*) FROM \`$t\` r LEFT JOIN \`tab$p\` d ON d.name = r.\`$nm\` AND d.\`$pcol\` = $own
                    WHERE r.owner = 'gen@example.com' AND r.\`$ty\` = UNHEX('$pt') AND d.name IS NULL")
        [ "$bad" = 0 ] || fail "$t.$ty/$nm: $bad links to a $p that does not exist in the row's company"
    done
}
dynlink "tabGL Entry" voucher_type voucher_no
dynlink "tabGL Entry" against_voucher_type against_voucher
dynlink "tabGL Entry" party_type party
dynlink "tabStock Ledger Entry" voucher_type voucher_no
dynlink "tabPayment Entry" party_type party
dynlink "tabPayment Entry Reference" reference_doctype reference_name \
    "(SELECT pe.company FROM \`tabPayment Entry\` pe WHERE pe.name = r.parent)"
echo "PASS: deterministic per seed, $N companies, $checked company columns and every child's parent, Dynamic Links"
