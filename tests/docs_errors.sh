#!/bin/bash
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# test: every SIGNAL in sql/ raises a documented error class and its message is in docs/errors.md
# Issue 22 point 3: a program tells the errors apart by SQLSTATE, not by
# parsing English. Every SIGNAL SQLSTATE in sql/install/, sql/dba/ (when
# present) and sql/*.sql must use a class of the table in docs/errors.md
# (never 45000), and its message must have a row in docs/errors.md that
# names the same class. A message is matched by its fixed texts: the string
# literals of its CONCAT(...), in order, on one line of docs/errors.md (the
# parts computed at run time, such as QUOTE(p_node), may read anything
# there, e.g. '…'). No server needed.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[ -f docs/errors.md ] || { echo "FAIL: docs/errors.md is missing"; exit 1; }
python3 - docs/errors.md sql/install/*.sql sql/dba/*.sql sql/*.sql <<'PY'
import glob, os, re, sys

doc_path, sources = sys.argv[1], [p for p in sys.argv[2:] if os.path.isfile(p)]
doc = open(doc_path, encoding="utf-8").read().replace("\\|", "|")
doc_lines = doc.split("\n")
# the class table: "| invalid argument | `22023` | when |"
classes = set(re.findall(r"^\| [^|`]+ \| `([0-9A-Z]{5})` \|", doc, re.M))
problems = []
if not classes:
    problems.append("%s: no class table (| class | `SQLSTATE` | when |)" % doc_path)
if "45000" in classes:
    problems.append("%s: 45000 is not a class" % doc_path)


def tokens(src, pos):
    """SQL tokens from pos: ('s', text) for a string, ('w', word), or a
    one-character punctuation token; line comments skipped."""
    n = len(src)
    while pos < n:
        c = src[pos]
        if c.isspace():
            pos += 1
        elif src.startswith("--", pos) or c == "#":
            pos = src.find("\n", pos)
            pos = n if pos < 0 else pos
        elif c in "'\"":
            q, out, pos = c, [], pos + 1
            while True:
                if src[pos] == "\\":
                    out.append(src[pos + 1]); pos += 2
                elif src[pos] == q and src.startswith(q + q, pos):
                    out.append(q); pos += 2
                elif src[pos] == q:
                    pos += 1; break
                else:
                    out.append(src[pos]); pos += 1
            yield ("s", "".join(out)), pos
        elif c.isalnum() or c in "_@$.`":
            m = re.compile(r"[\w@$.`]+").match(src, pos)
            yield ("w", m.group(0)), m.end()
            pos = m.end()
        else:
            pos += 1
            yield (c, c), pos


def expression(src, pos, stop):
    """The tokens of one expression from pos up to a depth-0 token in stop."""
    out, depth = [], 0
    for tok, end in tokens(src, pos):
        if depth == 0 and tok[0] in stop:
            return out
        if tok[0] == "(":
            depth += 1
        elif tok[0] == ")":
            depth -= 1
        out.append(tok)
    return out


def pieces(expr):
    """The fixed texts of a message expression, in order (None: not ours to
    check, e.g. a message the core returned)."""
    if len(expr) == 1 and expr[0][0] == "s":
        return [expr[0][1]]
    if not expr or expr[0] != ("w", "CONCAT") and expr[0][1].upper() != "CONCAT":
        return None
    args, cur, depth = [], [], 0
    for tok in expr[2:-1]:
        if tok[0] == "(":
            depth += 1
        elif tok[0] == ")":
            depth -= 1
        if tok[0] == "," and depth == 0:
            args.append(cur); cur = []
        else:
            cur.append(tok)
    args.append(cur)
    out, prev_fixed = [], False
    for a in args:
        if len(a) == 1 and a[0][0] == "s":
            if prev_fixed:
                out[-1] += a[0][1]
            else:
                out.append(a[0][1])
            prev_fixed = True
        else:
            prev_fixed = False
    return out


n_signals = 0
sig = re.compile(r"\bSIGNAL\s+SQLSTATE\s+(?:VALUE\s+)?'([^']*)'\s+SET\s+MESSAGE_TEXT\s*=\s*",
                 re.I)
for path in sources:
    src = open(path, encoding="utf-8").read()
    for m in sig.finditer(src):
        n_signals += 1
        line = src.count("\n", 0, m.start()) + 1
        where = "%s:%d" % (path, line)
        state = m.group(1)
        if state not in classes:
            problems.append("%s: SQLSTATE '%s' is not a class of %s" % (where, state, doc_path))
        expr = expression(src, m.end(), ";")
        if len(expr) == 1 and expr[0][0] == "w":
            # MESSAGE_TEXT = a variable: the last SET of it before the SIGNAL
            var = expr[0][1]
            sets = list(re.finditer(r"\bSET\s+(?:\w+\s*=[^;]*?,\s*)?" + re.escape(var) + r"\s*=\s*",
                                    src[:m.start()], re.I))
            if not sets:
                problems.append("%s: cannot find how %s is built" % (where, var))
                continue
            expr = expression(src, sets[-1].end(), ",;")
        fixed = pieces(expr)
        if fixed is None:
            continue                    # the core's own message (docs/errors.md lists those)
        fixed = [f for f in fixed if f.strip()]
        if not fixed:
            problems.append("%s: a message without fixed text" % where)
            continue
        pat = re.compile(".*?".join(re.escape(f) for f in fixed))
        rows = [l for l in doc_lines if pat.search(l)]
        if not rows:
            problems.append("%s: message not in %s: %s" % (where, doc_path, " … ".join(fixed)))
        elif not any("`%s`" % state in l for l in rows):
            problems.append("%s: %s lists the message without its class %s: %s"
                            % (where, doc_path, state, " … ".join(fixed)))
if n_signals < 10:
    problems.append("only %d SIGNALs found: is the parser broken?" % n_signals)
for p in problems:
    print("FAIL:", p)
print("%d SIGNALs checked, %d classes, %d problems" % (n_signals, len(classes), len(problems)))
sys.exit(1 if problems else 0)
PY
