"""Prints one line per operation, so a rerun after a merge shows at a glance what still fails:

- FAIL     a check failed (the kinds of failure and the first message follow);
- MISSING  the simulator has no route for it (per /_sim/stats, nothing matched that template);
- NO-2XX   it conforms, but every answer was an error (untested success path: seed data?);
- ok       it conforms and answered with success at least once.

FAIL always fails the run; MISSING too unless --allow-missing; NO-2XX too unless --allow-no-2xx
(every operation reaches a success answer, so one that stops doing so has lost its seed data or
its body in combell_hooks.py, or the simulator now refuses what it used to accept).

Usage: summary.py JUNIT_XML SPEC STATS_JSON STATUS_LOG [--allow-missing] [--allow-no-2xx]
"""

import json
import re
import sys
import xml.etree.ElementTree as ET

import yaml

METHODS = ("get", "post", "put", "delete", "patch")


def template(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def main(junit_path, spec_path, stats_path, status_log, allow_missing=False, allow_no_2xx=False):
    with open(stats_path, encoding="utf-8") as handle:
        stats = json.load(handle)
    routed = {
        (key.split(" ", 1)[0], template(key.split(" ", 1)[1][len("/v2"):]))
        for key in stats.get("by_route", {})
        if " /v2" in key
    }
    succeeded = set()
    with open(status_log, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2].startswith(("2", "3")):
                succeeded.add("%s %s" % (parts[0], parts[1]))
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    expected = sorted(
        "%s %s" % (method.upper(), path)
        for path, item in spec.get("paths", {}).items()
        for method in item
        if method in METHODS
    )
    results = {}
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        name = case.get("name")
        problems = list(case.findall("failure")) + list(case.findall("error"))
        if not problems:
            results[name] = ("ok", "")
            continue
        text = "\n".join((p.text or "") for p in problems)
        kinds = sorted(set(re.findall(r"- (ST\d+ [^\n(]+)", text))) or [problems[0].get("message", "")]
        first = next((line.strip() for line in text.splitlines() if line.startswith("    ") and line.strip()), "")
        results[name] = ("FAIL", "; ".join(k.strip() for k in kinds) + (" | " + first[:160] if first else ""))
    counts = {}
    for name in expected:
        status, detail = results.get(name, ("UNTESTED", ""))
        method, path = name.split(" ", 1)
        if status == "ok" and (method, template(path)) not in routed:
            status = "MISSING"
        elif status == "ok" and name not in succeeded:
            status = "NO-2XX"
        counts[status] = counts.get(status, 0) + 1
        print("%-8s %-70s %s" % (status, name, detail))
    for name in sorted(set(results) - set(expected)):
        print("%-8s %-70s %s" % (results[name][0], name, results[name][1]))
    print(
        "%d operations: %s"
        % (len(expected), ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items())))
    )
    bad = counts.get("FAIL", 0) + counts.get("UNTESTED", 0)
    if not allow_missing:
        bad += counts.get("MISSING", 0)
    if not allow_no_2xx:
        bad += counts.get("NO-2XX", 0)
    return 1 if bad else 0


if __name__ == "__main__":
    flags = ("--allow-missing", "--allow-no-2xx")
    args = [a for a in sys.argv[1:] if a not in flags]
    if len(args) != 4:
        sys.exit(__doc__)
    sys.exit(
        main(
            *args,
            allow_missing="--allow-missing" in sys.argv,
            allow_no_2xx="--allow-no-2xx" in sys.argv,
        )
    )
