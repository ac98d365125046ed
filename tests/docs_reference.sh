#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: docs/reference.md has an entry for every public SQL object, plugin variable and UDF; README.md and docs/ cite no path outside the repository; their relative links and #anchors resolve
# Three checks, no server needed:
#  1. Every public object the install creates — the procedures, functions,
#     views, tables and triggers named in install.sql (assembled from
#     sql/install/ as the build does; internal sds__* objects and temporary
#     tables excepted) — and every system variable, status variable, plugin
#     and UDF the C sources declare has a section in docs/reference.md: a
#     heading "### `<name>`" (any level from ## to ####).
#  2. No file of README.md or docs/ cites a path outside this repository
#     (../shared, shared/reference, /work/): a clone has none of them.
#     docs/LAYOUT.md, which states that rule, is not checked.
#  3. Every relative link of README.md and docs/*.md points at a file of the
#     repository, and every #anchor into a .md file (or into the same file)
#     names one of its headings (GitHub's slugs). Documents other helpers of
#     the same release write (PENDING below) may be absent: a link to one is
#     reported, not failed, until the file exists.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PENDING=""
REF=docs/reference.md
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=1; }

# ---- 1. reference entries ---------------------------------------------------
VERSION=$(sed -n 's/^project([^)]*VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$VERSION" ] || { echo "FAIL: no project version in CMakeLists.txt"; exit 1; }
cmake -DSRC=sql/install -DOUT="$T/install.sql" -DVERSION="$VERSION" \
      -P packaging/assemble_sql.cmake >/dev/null ||
  { echo "FAIL: cannot assemble install.sql"; exit 1; }
# the DBA's database (frappe_sds.*), when this tree has one
if [ -d sql/dba ]; then
  cmake -DSRC=sql/dba -DOUT="$T/dba.sql" -DVERSION="$VERSION" -DPARTS_ONLY=ON \
        -P packaging/assemble_sql.cmake >/dev/null ||
    { echo "FAIL: cannot assemble dba.sql"; exit 1; }
else
  : > "$T/dba.sql"
fi

# "kind name" lines: SQL objects (comments stripped), then the C declarations
perl -0777 -ne '
  s{/\*.*?\*/}{}gs; s/--[^\n]*//g;
  while (/\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?
          (?:SQL\s+SECURITY\s+\w+\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:AGGREGATE\s+)?
          (PROCEDURE|FUNCTION|VIEW|TABLE|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:`?frappe_sds`?\.)?`?(\w+)/gix) {
    my ($k, $n) = (lc $1, $2);
    print "$k $n\n" unless $n =~ /^sds__/;
  }' "$T/install.sql" "$T/dba.sql" > "$T/objects"
[ "$(grep -c '^procedure ' "$T/objects")" -ge 5 ] ||
  { echo "FAIL: found almost no procedures in install.sql (the parser broke?)"; exit 1; }
cat plugin/*.c plugin/*.h udf/*.c 2>/dev/null | perl -ne '
  print "system_variable frappe_sds_$1\n" while /MYSQL_SYSVAR_[A-Z]+\(\s*(\w+)\s*,/g;
  print "status_variable $1\n" while /\{\s*"(Frappe_sds_\w+)"\s*,/g;
  print "udf $1\n" if /^\s*(?:SDS_EXPORT\s+)?my_bool\s+(sds_(?!_)\w+?)_init\s*\(\s*UDF_INIT/;
  print "plugin $1\n" if /^\s*"(FRAPPE_SDS\w*)",\s*$/;
' >> "$T/objects"
for k in system_variable status_variable udf plugin; do
  grep -q "^$k " "$T/objects" || fail "found no $k in the C sources (the parser broke?)"
done
sort -u -k2,2 -o "$T/objects" "$T/objects"

if [ ! -f "$REF" ]; then
  fail "$REF does not exist ($(wc -l < "$T/objects") objects need an entry)"
else
  # headings "## `name`" .. "#### `name`", name up to the first ( or `
  perl -ne 'print "$1\n" if /^#{2,4}\s+`([A-Za-z0-9_]+)[`(]/' "$REF" | sort -u > "$T/documented"
  while read -r kind name; do
    grep -qxF "$name" "$T/documented" ||
      fail "$REF has no entry for the $kind $name (a heading ### \`$name\`)"
  done < "$T/objects"
fi

# ---- 2. no citation outside the repository ----------------------------------
DOCS="README.md $(ls docs/*.md 2>/dev/null | grep -v '^docs/LAYOUT.md$')"
if grep -HnE '\.\./shared|shared/reference|/work/' $DOCS > "$T/outside"; then
  while read -r l; do fail "cites a path outside the repository: $l"; done < "$T/outside"
fi

# ---- 3. relative links and anchors ------------------------------------------
# slugs of a file's headings, as GitHub makes them (lower case, punctuation
# dropped, spaces to hyphens, -1, -2 ... for repeats); fenced code skipped
slugs() {
  perl -CSD -ne '
    $f = !$f if /^\s*```/; next if $f;
    next unless /^#{1,6}\s+(.*?)\s*#*\s*$/;
    my $s = lc $1; $s =~ s/[^\p{L}\p{N}\s_-]//g; $s =~ s/ /-/g;
    my $o = $s; $s = $o . "-" . $seen{$o} if $seen{$o}; $seen{$o}++;
    print "$s\n";' "$1"
}
for f in $DOCS; do
  dir=$(dirname "$f")
  # [text](target) outside code spans and fences; images too
  perl -ne '$f = !$f if /^\s*```/; next if $f; s/`[^`]*`//g;
            print "$1\n" while /\]\(([^)\s]+)\)/g' "$f" | sort -u |
  while read -r link; do
    case "$link" in http://*|https://*|mailto:*) continue ;; esac
    path=${link%%#*}; anchor=
    case "$link" in *#*) anchor=${link#*#} ;; esac
    if [ -z "$path" ]; then target=$f; else target=$dir/$path; fi
    target=$(realpath -m --relative-to="$ROOT" "$target")
    if [ ! -e "$target" ]; then
      if [[ " $PENDING " == *" $target "* ]]; then
        echo "note: $f links $link; $target is written by another change and not here yet"
        continue
      fi
      echo "FAIL: $f links $link: $target does not exist"; echo x >> "$T/linkbad"; continue
    fi
    if [ -n "$anchor" ] && [[ "$target" == *.md ]]; then
      slugs "$target" | grep -qxF "$anchor" ||
        { echo "FAIL: $f links $link: $target has no heading #$anchor"; echo x >> "$T/linkbad"; }
    fi
  done
done
[ -s "$T/linkbad" ] && bad=1

if [ "$bad" = 0 ]; then
  echo "docs: $(wc -l < "$T/objects") objects documented in $REF; no outside citation; links resolve"
fi
exit $bad
