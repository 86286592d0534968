#!/usr/bin/env python3
# check-tiers-claims.py - 'netverify check' through the policy tiers against
# tests/check-tiers.py's independent evaluator: on each random cluster, claims
# on workload pairs and ports ('reaches' / 'cannot reach' as the oracle's
# rows say, and guardrails as its guardrails.json says) must all hold, and
# with --cross-check the SMT and the set-algebra engines must agree on each.
# Usage: check-tiers-claims.py NETVERIFY SEED N [--reaches] [--ties] [--cross-check] [--keep DIR]
# (--ties: clusters with same-priority policies; a port some orders allow and
# others do not must make both claims on it 'depends')
# SPDX-License-Identifier: Apache-2.0
import json
import os
import random
import subprocess
import sys
import tempfile

from keepdir import take_keep

PORTS = [("TCP", 80), ("TCP", 443), ("TCP", 8080), ("TCP", 9003), ("UDP", 53), ("UDP", 80),
         ("UDP", 9090), ("SCTP", 53), ("SCTP", 9003), ("TCP", 1)]
PROTOS = ("TCP", "UDP", "SCTP")


def parse_conns(text):
    """The canonical connection string as a predicate on (proto, port)."""
    if text in ("All",):
        return lambda p, n: True
    if text in ("", "nothing", None):
        return lambda p, n: False
    table = {}
    for part in text.split(";"):
        part = part.strip()
        if " " not in part:
            table[part] = [(1, 65535)]
            continue
        proto, ranges = part.split(" ", 1)
        rs = []
        for r in ranges.split(","):
            lo, _, hi = r.partition("-")
            rs.append((int(lo), int(hi or lo)))
        table[proto] = rs
    return lambda p, n: any(lo <= n <= hi for lo, hi in table.get(p, []))


def main():
    args = sys.argv[1:]
    cross = "--cross-check" in args
    reaches = "--reaches" in args
    ties = "--ties" in args
    keep = take_keep(args)
    args = [a for a in args if a not in ("--cross-check", "--reaches", "--ties")]
    nv, seed, n = args[0], int(args[1]), int(args[2])
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = keep or tempfile.mkdtemp(prefix="nv-tiers-claims-")
    subprocess.run([sys.executable, os.path.join(here, "check-tiers.py"), "random", str(seed),
                    str(n), tmp] + (["--ties"] if ties else []), check=True,
                   stdout=subprocess.DEVNULL)
    rnd = random.Random(seed)
    total = bad = agree = 0
    for case in sorted(os.listdir(tmp)):
        d = os.path.join(tmp, case)
        if not os.path.exists(os.path.join(d, "expected.json")):
            continue
        rows = json.load(open(os.path.join(d, "expected.json")))["connections"]
        kinds, conns = {}, {}
        for r in rows:
            if r["src_kind"] != "External":
                kinds[r["src"]] = r["src_kind"]
            if r["dst_kind"] != "External":
                kinds[r["dst"]] = r["dst_kind"]
            conns[(r["src"], r["dst"])] = parse_conns(r["conns"])
        guards = {}
        gpath = os.path.join(d, "guardrails.json")
        if os.path.exists(gpath):
            for g in json.load(open(gpath))["guardrails"]:
                guards[(g["src"], g["dst"])] = (parse_conns(g["always"]), parse_conns(g["never"]))
        # pairs whose rows change with the order of same-priority policies (--ties): every
        # order's row; a port allowed under some orders only makes both claims 'depends'
        others = {}
        dpath = os.path.join(d, "dependent.json")
        if os.path.exists(dpath):
            for g in json.load(open(dpath))["dependent"]:
                others[(g["src"], g["dst"])] = [parse_conns(o) for o in g["other_orders"]]
        wls = sorted(kinds)
        claims = []
        for s in wls:
            for t in wls:
                if s == t:
                    continue
                ref = lambda w: "%s[%s]" % (w, kinds[w])
                f = conns.get((s, t), parse_conns(""))
                for proto, port in rnd.sample(PORTS, 3):
                    on = "%s/%d" % (proto.lower(), port)
                    if (s, t) in others:
                        seen = [g(proto, port) for g in [f] + others[(s, t)]]
                        if all(seen) or not any(seen):
                            verb = "reaches" if all(seen) else "cannot reach"
                            claims.append("%s %s %s on %s" % (ref(s), verb, ref(t), on))
                        else:
                            claims.append("?%s reaches %s on %s" % (ref(s), ref(t), on))
                            claims.append("?%s cannot reach %s on %s" % (ref(s), ref(t), on))
                        continue  # guardrails.json is of the default order only
                    if not f(proto, port):
                        claims.append("%s cannot reach %s on %s" % (ref(s), ref(t), on))
                    elif reaches:
                        claims.append("%s reaches %s on %s" % (ref(s), ref(t), on))
                    # guardrails.json is of the default order only: not with --ties
                    if (s, t) in guards and not ties:
                        always, never = guards[(s, t)]
                        if always(proto, port):
                            claims.append("regardless of NetworkPolicies, %s reaches %s on %s"
                                          % (ref(s), ref(t), on))
                        if never(proto, port):
                            claims.append("regardless of NetworkPolicies, %s cannot reach %s on %s"
                                          % (ref(s), ref(t), on))
                        if not always(proto, port) and not never(proto, port):
                            # neither holds: both guardrails must be refuted
                            claims.append("!regardless of NetworkPolicies, %s reaches %s on %s"
                                          % (ref(s), ref(t), on))
                            claims.append("!regardless of NetworkPolicies, %s cannot reach %s on %s"
                                          % (ref(s), ref(t), on))
        if not claims:
            continue
        cf = os.path.join(d, "claims.yaml")
        with open(cf, "w") as fp:
            # the cluster profile the oracle assumed (pod CIDR, plugin behaviours)
            prof = os.path.join(d, "netverify.yaml")
            if os.path.exists(prof):
                fp.write(open(prof).read())
            fp.write("claims:\n")
            for c in claims:
                fp.write("  - '%s'\n" % c.lstrip("!?"))
        cmd = [nv, "check", os.path.join(d, "cluster.yaml"), "--claims", cf, "--format", "json"]
        if cross:
            cmd.append("--cross-check")
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            rep = json.loads(r.stdout)["claims"]
        except ValueError:
            print("%s: no report (exit %d): %s" % (case, r.returncode, r.stderr.strip()[:600]))
            bad += len(claims)
            total += len(claims)
            continue
        for c, res in zip(claims, rep):
            total += 1
            want = {"!": "refuted", "?": "depends"}.get(c[0], "holds")
            got = res["verdict"]
            if got == want or (want == "refuted" and got == "depends"):
                agree += 1
            else:
                bad += 1
                print("%s: %s: %s (want %s)" % (case, c.lstrip("!?"), got, want))
        if r.returncode == 3:
            print("%s: exit 3: %s" % (case, r.stderr.strip()[-400:]))
            bad += 1
    print("check-tiers-claims: seed %d, %d claims, %d as the oracle says, %d not%s"
          % (seed, total, agree, bad, " (cross-checked)" if cross else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
