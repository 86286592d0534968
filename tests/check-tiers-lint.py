#!/usr/bin/env python3
# check-tiers-lint.py - lint's admin-rule-unreached and admin-pass-to-nothing
# against tests/check-tiers.py's evaluator on random clusters (with
# same-priority ties): a rule is unreached when its subject and peers cover
# some pod pair on some port (a Baseline rule: only where no NetworkPolicy
# isolates the subject) but no walk of its tier, under any order of the ties,
# lets it decide a port; an Admin Pass passes to nothing when wherever it
# decides a port, no NetworkPolicy isolates the subject and no Baseline Deny
# decides one of those ports. The tier peers that look at addresses
# ('networks', 'nodes', 'domainNames') are taken out of the random clusters:
# the lint walk places no pod at an address, and does not judge such rules.
# Usage: check-tiers-lint.py NETVERIFY SEED N [--keep DIR]
# SPDX-License-Identifier: Apache-2.0
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import random

import yaml

from keepdir import take_keep

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("check_tiers", os.path.join(HERE, "check-tiers.py"))
ct = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ct)
KIND = {"ANP": "AdminNetworkPolicy", "BANP": "BaselineAdminNetworkPolicy",
        "CNP": "ClusterNetworkPolicy"}
ADDRESS_PEERS = ("networks", "nodes", "domainNames")


def strip_address_peers(objs):
    for o in objs:
        if o["kind"] not in KIND.values():
            continue
        for d, key in (("ingress", "from"), ("egress", "to")):
            rules = []
            for r in o["spec"].get(d) or []:
                r[key] = [p for p in r[key] if not any(k in p for k in ADDRESS_PEERS)]
                if r[key]:
                    rules.append(r)
            if rules:
                o["spec"][d] = rules
            elif d in o["spec"]:
                del o["spec"][d]
    return objs


def oracle(cl):
    reached, covers, pass_seen, pass_below = set(), set(), set(), set()
    ends = list(cl.pods) + list(cl.atoms)
    orders = cl.orders()
    for s in ends:
        for d in ends:
            if isinstance(s, ct.Ext) and isinstance(d, ct.Ext):
                continue
            # a pod to itself is no flow, but a Deployment of 1 replica runs 2 pods during a
            # rollout (its surge: docs/semantics.md), which reach each other
            if s is d and s.wl[2] != "Deployment":
                continue
            for o in orders:
                admin, base = o or (cl.admin, cl.baseline)
                for subj, other, direction in ((s, d, "egress"), (d, s, "ingress")):
                    if isinstance(subj, ct.Ext):
                        continue
                    iso = bool(cl.iso[(subj.id, direction.capitalize())])
                    for pol in admin + ([] if iso else base):
                        if not pol[direction] or not cl.subject_selects(pol["subject"], subj):
                            continue
                        for rule in pol[direction]:
                            rule["dir"] = direction
                            hits = [cl.peer_matches(p, other, pol, rule) for p in rule["peers"]]
                            fail = any(h is None for h in hits)
                            if (fail and rule["action"] != "Allow") or \
                                    (not fail and any(hits) and cl.rule_ports(rule, d)):
                                covers.add((KIND[pol["kind"]], pol["name"], direction, rule["n"]))
                    seen = []
                    _, passed, left = cl.tier_walk(admin, subj, other, direction, d, ct.ALL,
                                                   seen)
                    nadmin = len(seen)
                    if not iso:
                        cl.tier_walk(base, subj, other, direction, d, ct.ps_union(passed, left),
                                     seen)
                    denied = [m for _, _, a, m in seen[nadmin:] if a == "Deny"]
                    for pol, rule, act, m in seen:
                        key = (KIND[pol["kind"]], pol["name"], direction, rule["n"])
                        reached.add(key)
                        if act == "Pass" and pol["tier"] == "Admin":
                            pass_seen.add(key)
                            if iso or any(ct.ps_inter(m, x) for x in denied):
                                pass_below.add(key)
    return covers - reached, pass_seen - pass_below


FINDING = re.compile(r"^(\w+) '([^']+)' (ingress|egress) rule #(\d+)")


def main():
    args = sys.argv[1:]
    keep = take_keep(args)
    nv, seed, n = args[0], int(args[1]), int(args[2])
    tmp = keep or tempfile.mkdtemp(prefix="nv-tiers-lint-")
    bad = skipped = nun = npass = 0
    for i in range(n):
        rng = random.Random("%d/%d" % (seed, i))
        objs = strip_address_peers(ct.Gen(rng, True).cluster())
        d = os.path.join(tmp, "case-%03d" % i)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "cluster.yaml")
        with open(path, "w") as fp:
            yaml.safe_dump_all(objs, fp, sort_keys=False, default_flow_style=False)
        with open(os.path.join(d, "netverify.yaml"), "w") as fp:
            fp.write(ct.NETVERIFY_YAML)
        cl = ct.Cluster(ct.read_objects(path), pod_cidr=ct.POD_CIDR, families=(4,))
        if len(cl.orders()) >= 64:
            skipped += 1
            continue
        want_un, want_pass = oracle(cl)
        r = subprocess.run([nv, "lint", path, "--only", "admin-rule-unreached,admin-pass-to-nothing",
                            "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if r.returncode != 0:
            print("case-%03d: exit %d: %s" % (i, r.returncode, r.stderr.strip()[-400:]))
            bad += 1
            continue
        if "were not decided" in r.stderr:
            skipped += 1
            continue
        got_un, got_pass = set(), set()
        for f in json.loads(r.stdout)["findings"]:
            m = FINDING.match(f["message"])
            key = (m.group(1), m.group(2), m.group(3), int(m.group(4)))
            (got_un if f["check"] == "admin-rule-unreached" else got_pass).add(key)
        nun += len(want_un)
        npass += len(want_pass)
        for name, want, got in (("unreached", want_un, got_un), ("pass-to-nothing", want_pass,
                                                                 got_pass)):
            if want != got:
                bad += 1
                print("case-%03d: %s: netverify %s, evaluator %s"
                      % (i, name, sorted(got - want), sorted(want - got)))
    print("check-tiers-lint: seed %d, %d clusters (%d skipped: too many orders), %d unreached "
          "rules and %d Pass rules with nothing below as the evaluator finds them, %d differ"
          % (seed, n, skipped, nun, npass, bad))
    if not keep and not bad:
        shutil.rmtree(tmp)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
