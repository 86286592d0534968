#!/usr/bin/env python3
# check-formats.py - structural checks of the CI report formats in the golden
# outputs: SARIF 2.1.0 required properties, JUnit XML well-formedness and counts,
# and the JSON report's documented shape.
# Usage: check-formats.py GOLDEN_DIR
# SPDX-License-Identifier: Apache-2.0
import json
import os
import sys
import xml.dom.minidom

failed = 0


def check(cond, what):
    global failed
    if not cond:
        print("FAIL formats: " + what)
        failed += 1


def sarif(path):
    d = json.load(open(path))
    check(d.get("version") == "2.1.0", path + ": version 2.1.0")
    check(isinstance(d.get("runs"), list) and d["runs"], path + ": runs")
    for run in d["runs"]:
        drv = run.get("tool", {}).get("driver", {})
        check(isinstance(drv.get("name"), str), path + ": tool.driver.name")
        ids = {r["id"] for r in drv.get("rules", [])}
        for res in run.get("results", []):
            check("text" in res.get("message", {}), path + ": result.message.text")
            check(res.get("ruleId") in ids, path + ": result.ruleId names a rule")
            check(res.get("level") in ("none", "note", "warning", "error"), path + ": level")
            for loc in res.get("locations", []) + res.get("relatedLocations", []):
                pl = loc.get("physicalLocation", {})
                check("uri" in pl.get("artifactLocation", {}), path + ": artifactLocation.uri")
                check(pl.get("region", {}).get("startLine", 0) >= 1, path + ": region.startLine")


def junit(path):
    dom = xml.dom.minidom.parse(path)
    suites = dom.getElementsByTagName("testsuites")
    check(len(suites) == 1, path + ": one testsuites element")
    cases = dom.getElementsByTagName("testcase")
    fails = dom.getElementsByTagName("failure")  # refuted, and depends (type="depends")
    check(int(suites[0].getAttribute("tests")) == len(cases), path + ": tests count")
    check(int(suites[0].getAttribute("failures")) == len(fails), path + ": failures count")


def report(path):
    d = json.load(open(path))
    check(set(d) == {"claims", "summary"}, path + ": top-level keys")
    for c in d["claims"]:
        for k in ("name", "claim", "holds", "witness", "because"):
            check(k in c, path + ": claim has " + k)
        check(c["holds"] in (True, False, None), path + ": holds is true/false/null")
        check((c["witness"] is None) == (c["holds"] is not False), path + ": witness iff refuted")
        # the verdict and the old 'holds' say the same; a claim that depends does not hold
        check({"holds": True, "refuted": False, "depends": False, "undecided": None}
              .get(c.get("verdict"), "?") == c["holds"], path + ": verdict agrees with holds")
        check(("condition" in c) == (c.get("verdict") == "depends"),
              path + ": a condition iff the claim depends")
    s = d["summary"]
    check(s["holds"] + s["refuted"] + s["undecided"] + s.get("depends", 0) == len(d["claims"]),
          path + ": summary")


def diff_json(path):
    d = json.load(open(path))
    check(set(d) - {"claims"} == {"added", "removed", "changed"}, path + ": top-level keys")
    conn = {"src", "src_kind", "dst", "dst_kind"}
    for k in ("added", "removed"):
        for c in d[k]:
            check(set(c) == conn | {"conns"}, path + ": " + k + " entry keys")
    for c in d["changed"]:
        check(set(c) == conn | {"old", "new"}, path + ": changed entry keys")
        check(c["old"] != c["new"], path + ": a change changes something")
    for c in d.get("claims", []):
        check(set(c) == {"claim", "name", "old", "new", "detail"}, path + ": claim keys")
        check(c["old"] != c["new"], path + ": a claim's verdict changes")


def explain_json(path):
    """explain --format json: the shape docs/output.md gives."""
    d = json.load(open(path))
    check(set(d) == {"from", "to", "port", "service", "flows", "notes"}, path + ": top keys")
    check(all(set(n) == {"text"} for n in d["notes"]), path + ": notes")
    if d["service"] is not None:
        check({"name", "location", "ports", "text"} == set(d["service"]), path + ": service")
    check(d["flows"] or d["notes"], path + ": a flow or a note")
    for f in d["flows"]:
        check(set(f) == {"text", "from", "to", "port", "service_port", "notes", "pairs",
                         "behaviours", "verdict"}, path + ": flow keys")
        check(f["text"].startswith("flow: "), path + ": flow text")
        if f["port"] is not None:
            check(f["port"]["protocol"] in ("TCP", "UDP", "SCTP"), path + ": port protocol")
            check(1 <= f["port"]["port"] <= 65535, path + ": port number")
        for pair in f["pairs"]:
            check(set(pair) == {"text", "egress", "ingress"}, path + ": pair keys")
            for word in ("egress", "ingress"):
                dr = pair[word]
                check(dr["state"] in ("isolated", "not-isolated", "external"), path + ": state")
                check(dr["text"].startswith(word + " of "), path + ": direction text")
                check(isinstance(dr["allowed"], str), path + ": allowed")
                # with the cluster tiers ('tiers') every pod's direction says what it allows
                check((dr["allowed_text"] is None)
                      == (dr["state"] != "isolated" and "tiers" not in dr),
                      path + ": allowed_text")
                for t in dr.get("tiers", []):
                    check(t["tier"] in ("Admin", "Baseline"), path + ": tier")
                    check(t["result"] in ("accept", "deny", "pass", "no-match"),
                          path + ": tier result")
                check(bool(dr["policies"]) == (dr["state"] == "isolated"), path + ": policies")
                for pol in dr["policies"]:
                    check(pol["location"].count(":") >= 2, path + ": policy location")
                    for r in pol["rules"]:
                        check(r["result"] in ("matches", "does-not-match", "admits",
                                              "admits-nothing", "no-rules"), path + ": rule")
                        check(not r["peers"] or r["match"] == "no peer matches",
                              path + ": peers listed when no peer matches")
        if f["verdict"] is not None:
            check(f["verdict"]["result"] in ("allowed", "blocked", "some-pods", "depends"),
                  path + ": verdict result")
            check(f["verdict"]["text"].startswith("verdict: "), path + ": verdict text")
        if f["behaviours"] is not None:
            check(f["behaviours"]["combinations"], path + ": combinations")


def main():
    top = sys.argv[1]
    n = 0
    for case in sorted(os.listdir(top)):
        args = os.path.join(top, case, "args")
        out = os.path.join(top, case, "expected.out")
        if not os.path.exists(args) or not os.path.exists(out):
            continue
        a = open(args).read().split("\n")
        if a[0] not in ("check", "diff", "explain") or "--format" not in a:
            continue
        fmt = a[a.index("--format") + 1]
        if a[0] == "explain":
            if not os.path.getsize(out):
                continue  # an error: nothing on standard output
            {"json": explain_json}.get(fmt, lambda p: None)(out)
        elif a[0] == "diff":
            {"sarif": sarif, "json": diff_json}.get(fmt, lambda p: None)(out)
        else:
            {"sarif": sarif, "junit": junit, "json": report}.get(fmt, lambda p: None)(out)
        n += 1
    check(n >= 3, "at least the sarif, junit and json golden outputs were checked")
    print("formats: %d passed, %d failed" % (n - min(failed, n), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
