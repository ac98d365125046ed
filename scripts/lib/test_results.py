#!/usr/bin/env python3
# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Reads the test tools' own machine-readable reports for scripts/test.sh:
#   test_results.py ctest <junit.xml>            (ctest --output-junit)
#   test_results.py mtr <xml-report> <resfile>   (mtr --xml-report, and the
#                                                 per-test result file mtr
#                                                 writes with --result-file)
# Prints one line per test, tab-separated: "pass|fail|skip <TAB> name <TAB>
# reason" (reason: why it was skipped or how it failed, one line). With
# --details, prints instead the tools' own failure output of every failed
# test (what to read when something fails). Exit 0, or 2 when a report is
# missing or unreadable (the caller counts that as a failure of the run).
import sys
import xml.etree.ElementTree as ET


def one_line(text):
    return " ".join((text or "").split())


def ctest(path):
    """ctest's JUnit: status="run" (a <failure> child if it failed),
    "fail", "disabled", or "notrun" with <skipped message=...>: the
    message is SKIP_RETURN_CODE=<n> / SKIP_REGULAR_EXPRESSION_MATCHED for
    a test that skipped itself, anything else ("Unable to find
    executable") is a test that could not run: a failure."""
    out = []
    for tc in ET.parse(path).getroot().iter("testcase"):
        name, status = tc.get("name"), tc.get("status")
        failure, skipped = tc.find("failure"), tc.find("skipped")
        log = tc.findtext("system-out") or ""
        last = one_line(log.strip().splitlines()[-1]) if log.strip() else ""
        if status == "disabled":
            out.append(("skip", name, "disabled (DISABLED property)", log))
        elif status == "notrun" and skipped is not None \
                and skipped.get("message", "").startswith("SKIP_"):
            why = skipped.get("message")
            out.append(("skip", name, f"{last} ({why})" if last else why, log))
        elif status == "run" and failure is None:
            out.append(("pass", name, "", log))
        else:
            msg = (failure.get("message") if failure is not None else None) \
                or (skipped.get("message") if skipped is not None else None) \
                or status
            out.append(("fail", name, one_line(msg), log))
    return out


def resfile(path):
    """mtr's --result-file (lib/mtr_results.pm): global "tag : value"
    lines, then one block per test attempt between "{" and "}" with
    "name", "variation", "result" (pass, fail, skipped, or warning: the
    test passed but mtr's check-testcase found state it left behind),
    "comment", and last an "output" that may span lines. Returns
    {(name, variation): [(result, output) of each attempt]}."""
    res, cur, in_output = {}, None, False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if cur is None:
                if line == "{":
                    cur, in_output = {}, False
                continue
            if in_output:
                # the output ends with a '"' line, then the block's "}"
                if line == "}" and cur.get("_prev", "").endswith('"'):
                    pass
                else:
                    cur["_prev"] = line
                    cur["_output"].append(line)
                    continue
            if line == "}":
                key = (cur.get("name", ""), cur.get("variation", ""))
                res.setdefault(key, []).append(
                    (cur.get("result", ""), "\n".join(cur.get("_output", []))))
                cur = None
                continue
            if line.startswith("  output : "):
                in_output, cur["_prev"] = True, line
                cur["_output"] = [line[len("  output : "):]]
                continue
            tag, sep, val = line.partition(" : ")
            if sep:
                cur[tag.strip()] = val
    return res


def mtr(xml_path, res_path):
    """mtr's --xml-report: one <testcase> per test (classname = suite,
    name, combinations, status MTR_RES_PASSED/FAILED/SKIPPED, a <failure>
    with the test's log, <skipped>/<disabled> with the reason). A test it
    reports passed counts as failed when the result file says mtr's
    check-testcase found it left the server changed (result "warning")."""
    checks = resfile(res_path) if res_path else {}
    out = []
    for tc in ET.parse(xml_path).getroot().iter("testcase"):
        suite, name = tc.get("classname"), tc.get("name")
        comb = tc.get("combinations") or ""
        full = f"{suite}.{name}" + (f" '{comb}'" if comb else "")
        status = tc.get("status")
        failure = tc.find("failure")
        skipped = tc.find("skipped")
        disabled = tc.find("disabled")
        if status == "MTR_RES_FAILED" or failure is not None:
            out.append(("fail", full, "failed", failure.text if failure is not None else ""))
        elif status == "MTR_RES_SKIPPED":
            el = skipped if skipped is not None else disabled
            why = one_line(el.get("message")) if el is not None else ""
            kind = "disabled" if disabled is not None else "skipped"
            out.append(("skip", full, f"{kind}: {why}" if why else kind, ""))
        elif status == "MTR_RES_PASSED":
            runs = checks.get((f"{suite}.{name}", comb))
            if runs is None:   # combinations named otherwise in the two files
                runs = [x for (n, _), v in checks.items()
                        if n == f"{suite}.{name}" for x in v]
            warned = [o for r, o in runs if r == "warning"]
            if warned:
                out.append(("fail", full,
                            "check-testcase: the test left the server changed",
                            warned[-1]))
            else:
                out.append(("pass", full, "", ""))
        else:
            out.append(("fail", full, f"unknown status {status!r}", ""))
    return out


def main(argv):
    details = "--details" in argv
    argv = [a for a in argv if a != "--details"]
    try:
        if len(argv) == 3 and argv[1] == "ctest":
            rows = ctest(argv[2])
        elif len(argv) in (3, 4) and argv[1] == "mtr":
            rows = mtr(argv[2], argv[3] if len(argv) == 4 else None)
        else:
            print(__doc__ or "usage: see the file's comment", file=sys.stderr)
            return 2
    except (OSError, ET.ParseError) as e:
        print(f"test_results: {e}", file=sys.stderr)
        return 2
    for status, name, reason, log in rows:
        if details:
            if status == "fail":
                print(f"---- {name}: {reason}")
                print((log or "").rstrip())
        else:
            print(f"{status}\t{name}\t{reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
