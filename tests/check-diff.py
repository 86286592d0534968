#!/usr/bin/env python3
"""check-diff.py - 'netverify diff' and 'netverify explain' against 'netverify
list' on random clusters.

For random pairs of clusters (OLD, and NEW made from OLD by a few random
edits) the connections 'diff --format json' reports must be exactly NEW minus
OLD of the two 'list --format json' outputs: external ranges are compared
address by address, so a range cut differently on the two sides but allowing
the same connections is no difference; IPv4 and IPv6 are two address spaces.
A cluster diffed with itself must
print nothing and exit 0, and --fail-on must set the exit status. For a few
random flows of each NEW cluster, the verdict of 'explain' must be the
connections 'list' gives for that pair.

Differential: diff compares only the rows and columns a change can reach
(src/diff_dirty.c); NETVERIFY_DIFF=full makes it compare every flow,
NETVERIFY_DIFF=dirty only those however many they are (by default, many
dirty columns make it compare every flow). For each random pair, and for a
copy of OLD with one targeted change (a policy, a workload's labels, a
namespace's labels, an ipBlock, a workload or an AdminNetworkPolicy added or
removed, an admin policy's rule), each must print what the whole walk
prints, byte for byte, and exit alike, in every format.

usage: check-diff.py NETVERIFY [COUNT] [SEED]
"""
import copy
import ipaddress
import json
import os
import random
import subprocess
import sys
import tempfile

NAMESPACES = ["alpha", "beta", "gamma"]
APPS = ["web", "api", "db", "cache"]
CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.0.0/16", "0.0.0.0/0",
         "172.16.0.0/12", "8.8.8.8/32", "::/0", "2001:db8::/32", "2001:db8:1::/48", "fd00::/8",
         "2001:db8::1/128"]


def rand_selector(rng, keys):
    if rng.random() < 0.25:
        return {}
    key = rng.choice(keys)
    vals = {"app": APPS, "tier": ["front", "back"], "env": ["prod", "dev"]}[key]
    if rng.random() < 0.7:
        return {"matchLabels": {key: rng.choice(vals)}}
    op = rng.choice(["In", "NotIn", "Exists", "DoesNotExist"])
    expr = {"key": key, "operator": op}
    if op in ("In", "NotIn"):
        expr["values"] = rng.sample(vals, rng.randint(1, len(vals)))
    return {"matchExpressions": [expr]}


def rand_peer(rng):
    r = rng.random()
    if r < 0.3:
        return {"podSelector": rand_selector(rng, ["app", "tier"])}
    if r < 0.5:
        return {"namespaceSelector": rand_selector(rng, ["env"])}
    if r < 0.7:
        return {"namespaceSelector": rand_selector(rng, ["env"]),
                "podSelector": rand_selector(rng, ["app", "tier"])}
    cidr = rng.choice(CIDRS)
    block = {"cidr": cidr}
    net = ipaddress.ip_network(cidr)
    if net.prefixlen < net.max_prefixlen - 8 and rng.random() < 0.5:
        sub = net.subnets(new_prefix=min(net.prefixlen + rng.randint(1, 8), net.max_prefixlen))
        sub = [x for _, x in zip(range(64), sub)]
        block["except"] = [str(rng.choice(sub))]
    return {"ipBlock": block}


def rand_port(rng):
    r = rng.random()
    if r < 0.2:
        return {"port": rng.choice(["http", "dns", "metrics"])}
    p = {"protocol": rng.choice(["TCP", "TCP", "UDP", "SCTP"]),
         "port": rng.choice([53, 80, 443, 5432, 8080, 9090])}
    if rng.random() < 0.2:
        p["endPort"] = p["port"] + rng.randint(0, 100)
    if rng.random() < 0.1:
        del p["port"]
        p.pop("endPort", None)
    return p


def rand_rule(rng, dirkey):
    rule = {}
    if rng.random() < 0.8:
        rule[dirkey] = [rand_peer(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.6:
        rule["ports"] = [rand_port(rng) for _ in range(rng.randint(1, 2))]
    return rule


def rand_policy(rng, name):
    spec = {"podSelector": rand_selector(rng, ["app", "tier"])}
    if rng.random() < 0.1:
        # one pod of a StatefulSet: its workload's pods fall into classes of their own
        spec["podSelector"] = {"matchLabels": {"statefulset.kubernetes.io/pod-name":
                                               "w%d-%d" % (rng.randint(0, 6), rng.randint(0, 1))}}
    types = rng.choice([["Ingress"], ["Egress"], ["Ingress", "Egress"], None])
    if types:
        spec["policyTypes"] = types
    if types is None or "Ingress" in types:
        if rng.random() < 0.8:
            spec["ingress"] = [rand_rule(rng, "from") for _ in range(rng.randint(0, 2))]
    if types and "Egress" in types and rng.random() < 0.8:
        spec["egress"] = [rand_rule(rng, "to") for _ in range(rng.randint(0, 2))]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": rng.choice(NAMESPACES)}, "spec": spec}


def rand_workload(rng, name):
    labels = {"app": rng.choice(APPS)}
    if rng.random() < 0.5:
        labels["tier"] = rng.choice(["front", "back"])
    ports = []
    if rng.random() < 0.6:
        ports.append({"name": "http", "containerPort": rng.choice([80, 8080])})
    if rng.random() < 0.3:
        ports.append({"name": "dns", "containerPort": 53, "protocol": "UDP"})
    container = {"name": "main", "image": "example/app:1"}
    if ports:
        container["ports"] = ports
    w = {"apiVersion": "apps/v1", "kind": rng.choice(["Deployment", "Deployment", "StatefulSet"]),
         "metadata": {"name": name, "namespace": rng.choice(NAMESPACES)},
         "spec": {"selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels},
                               "spec": {"containers": [container]}}}}
    if w["kind"] == "StatefulSet" and rng.random() < 0.5:
        w["spec"]["replicas"] = 2
    return w


def rand_tier_peer(rng, egress):
    r = rng.random()
    if r < 0.4:
        return {"namespaces": rand_selector(rng, ["env"])}
    if r < 0.8 or not egress:
        return {"pods": {"namespaceSelector": rand_selector(rng, ["env"]),
                         "podSelector": rand_selector(rng, ["app", "tier"])}}
    return {"networks": [rng.choice(CIDRS)]}


def rand_admin(rng, name, baseline=False):
    """an AdminNetworkPolicy (priority 1-3: ties are likely) or the BaselineAdminNetworkPolicy"""
    if rng.random() < 0.5:
        subject = {"namespaces": rand_selector(rng, ["env"])}
    else:
        subject = {"pods": {"namespaceSelector": rand_selector(rng, ["env"]),
                            "podSelector": rand_selector(rng, ["app", "tier"])}}
    spec = {"subject": subject}
    if not baseline:
        spec["priority"] = rng.randint(1, 3)
    actions = ["Allow", "Deny"] if baseline else ["Allow", "Deny", "Pass"]
    for dirkey, peerkey in (("ingress", "from"), ("egress", "to")):
        rules = []
        for k in range(rng.randint(0, 2)):
            rule = {"name": "r%d" % k, "action": rng.choice(actions),
                    peerkey: [rand_tier_peer(rng, dirkey == "egress")]}
            if rng.random() < 0.5:
                rule["ports"] = [{"portNumber": {"protocol": "TCP",
                                                 "port": rng.choice([80, 443, 5432])}}]
            rules.append(rule)
        if rules:
            spec[dirkey] = rules
    return {"apiVersion": "policy.networking.k8s.io/v1alpha1",
            "kind": "BaselineAdminNetworkPolicy" if baseline else "AdminNetworkPolicy",
            "metadata": {"name": "default" if baseline else name}, "spec": spec}


def rand_cluster(rng):
    objs = []
    for ns in NAMESPACES:
        objs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": ns, "labels": {"env": rng.choice(["prod", "dev"])}}})
    for i in range(rng.randint(2, 7)):
        objs.append(rand_workload(rng, "w%d" % i))
    for i in range(rng.randint(0, 4)):
        objs.append(rand_policy(rng, "p%d" % i))
    if rng.random() < 0.3:
        for i in range(rng.randint(1, 3)):
            objs.append(rand_admin(rng, "a%d" % i))
    if rng.random() < 0.15:
        objs.append(rand_admin(rng, "default", baseline=True))
    return objs


def ipblocks(objs):
    """every ipBlock of every NetworkPolicy"""
    out = []
    for o in objs:
        if o["kind"] != "NetworkPolicy":
            continue
        for dirkey, peerkey in (("ingress", "from"), ("egress", "to")):
            for rule in o["spec"].get(dirkey, []):
                out += [p["ipBlock"] for p in rule.get(peerkey, []) if "ipBlock" in p]
    return out


def mutate_one(rng, objs):
    """OLD with one targeted change; returns the copy and what changed"""
    objs = copy.deepcopy(objs)
    pols = [o for o in objs if o["kind"] == "NetworkPolicy"]
    wls = [o for o in objs if o["kind"] in ("Deployment", "StatefulSet")]
    admins = [o for o in objs if o["kind"] == "AdminNetworkPolicy"]
    kinds = ["policy-add", "label", "ns-label", "workload-add", "admin-add"]
    kinds += ["policy"] * bool(pols) + ["ipblock"] * bool(ipblocks(objs))
    kinds += ["workload-remove"] * (len(wls) > 1) + ["admin", "admin-remove"] * bool(admins)
    what = rng.choice(kinds)
    if what == "policy":
        p = rng.choice(pols)
        objs[objs.index(p)] = dict(rand_policy(rng, p["metadata"]["name"]), metadata=p["metadata"])
    elif what == "policy-add":
        objs.append(rand_policy(rng, "n%d" % rng.randint(0, 10 ** 6)))
    elif what == "label":
        w = rng.choice(wls)
        labels = w["spec"]["template"]["metadata"]["labels"]
        if rng.random() < 0.5:
            labels["app"] = rng.choice(APPS)
        elif "tier" in labels:
            del labels["tier"]
        else:
            labels["tier"] = rng.choice(["front", "back"])
        w["spec"]["selector"]["matchLabels"] = dict(labels)
    elif what == "ns-label":
        ns = rng.choice([o for o in objs if o["kind"] == "Namespace"])
        ns["metadata"]["labels"]["env"] = {"prod": "dev", "dev": "prod"}[ns["metadata"]["labels"]["env"]]
    elif what == "ipblock":
        block = rng.choice(ipblocks(objs))
        if block.get("except") and rng.random() < 0.5:
            del block["except"]
        else:
            block["cidr"] = rng.choice(CIDRS)
            block.pop("except", None)
    elif what == "workload-add":
        objs.append(rand_workload(rng, "v%d" % rng.randint(0, 10 ** 6)))
    elif what == "workload-remove":
        objs.remove(rng.choice(wls))
    elif what == "admin-add":
        objs.append(rand_admin(rng, "b%d" % rng.randint(0, 10 ** 6)))
    elif what == "admin-remove":
        objs.remove(rng.choice(admins))
    else:
        a = rng.choice(admins)
        rules = a["spec"].get("ingress", []) + a["spec"].get("egress", [])
        if rules and rng.random() < 0.7:
            r = rng.choice(rules)
            r["action"] = rng.choice([x for x in ("Allow", "Deny", "Pass") if x != r["action"]])
        else:
            a["spec"]["priority"] = rng.randint(1, 3)
    return objs, what


def check_incremental(nv, od, nd, case, what, runs):
    """diff's incremental walk (runs: (format, mode)) must print what the whole walk prints"""
    full_env = dict(os.environ, NETVERIFY_DIFF="full")
    failed = 0
    for fmt, mode in runs:
        env = dict(os.environ, NETVERIFY_DIFF=mode)
        args = [nv, "diff", "--format", fmt, od, nd]
        if fmt == "text" and case % 3 == 0:
            args.insert(2, "--self-flows")
        inc = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        full = subprocess.run(args, capture_output=True, text=True, timeout=60, env=full_env)
        if (inc.returncode, inc.stdout, inc.stderr) != (full.returncode, full.stdout, full.stderr):
            failed += 1
            print("FAIL case %d (%s, %s vs %s): NETVERIFY_DIFF=%s diff --format %s: incremental "
                  "walk differs from the whole walk (exit %d/%d)"
                  % (case, what, od, nd, mode, fmt, inc.returncode, full.returncode))
            a, b = inc.stdout.splitlines(), full.stdout.splitlines()
            for line in sorted(set(b) - set(a))[:3]:
                print("  missing:", line)
            for line in sorted(set(a) - set(b))[:3]:
                print("  extra:  ", line)
    return failed


def mutate(rng, objs):
    objs = copy.deepcopy(objs)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        pols = [o for o in objs if o["kind"] == "NetworkPolicy"]
        wls = [o for o in objs if o["kind"] in ("Deployment", "StatefulSet")]
        if r < 0.2 and pols:
            objs.remove(rng.choice(pols))
        elif r < 0.4:
            objs.append(rand_policy(rng, "n%d" % rng.randint(0, 10 ** 6)))
        elif r < 0.55 and pols:
            p = rng.choice(pols)
            objs[objs.index(p)] = dict(rand_policy(rng, p["metadata"]["name"]),
                                       metadata=p["metadata"])
        elif r < 0.7 and len(wls) > 1:
            objs.remove(rng.choice(wls))
        elif r < 0.85:
            objs.append(rand_workload(rng, "v%d" % rng.randint(0, 10 ** 6)))
        elif wls:
            w = rng.choice(wls)
            labels = {"app": rng.choice(APPS)}
            w["spec"]["selector"]["matchLabels"] = labels
            w["spec"]["template"]["metadata"]["labels"] = labels
        else:
            ns = rng.choice([o for o in objs if o["kind"] == "Namespace"])
            ns["metadata"]["labels"]["env"] = rng.choice(["prod", "dev"])
    return objs


def write_cluster(objs, folder):
    os.makedirs(folder)
    seen = set()
    for i, o in enumerate(objs):
        key = (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])
        if key in seen:
            continue
        seen.add(key)
        with open(os.path.join(folder, "%03d.json" % i), "w") as fp:
            json.dump(o, fp, indent=1)


def run(nv, *args):
    p = subprocess.run([nv] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ip_range(s):
    """'first-last' -> (family, first, last)"""
    lo, hi = (ipaddress.ip_address(x) for x in s.split("-"))
    assert lo.version == hi.version, s
    return lo.version, int(lo), int(hi)


def split_flows(conns):
    """workload pairs -> conns; (workload, dir) -> [(lo, hi, conns)]"""
    pairs, ext = {}, {}
    for c in conns:
        src, dst = (c["src"], c["src_kind"]), (c["dst"], c["dst_kind"])
        if c["src_kind"] == "External":
            ext.setdefault((dst, "in"), []).append(ip_range(c["src"]) + (c["conns"],))
        elif c["dst_kind"] == "External":
            ext.setdefault((src, "out"), []).append(ip_range(c["dst"]) + (c["conns"],))
        else:
            pairs[(src, dst)] = c["conns"]
    return pairs, ext


def fmt_ip(fam, v):
    return str(ipaddress.IPv4Address(v) if fam == 4 else ipaddress.IPv6Address(v))


def expected_diff(old, new):
    op, oe = split_flows(old)
    np_, ne = split_flows(new)
    out = set()
    for key in set(op) | set(np_):
        a, b = op.get(key), np_.get(key)
        if a != b:
            out.add((key[0], key[1], a, b))
    for key in set(oe) | set(ne):
        for fam, bits in ((4, 32), (6, 128)):
            old_r = [r[1:] for r in oe.get(key, []) if r[0] == fam]
            new_r = [r[1:] for r in ne.get(key, []) if r[0] == fam]
            cuts = {0, 1 << bits}
            for lo, hi, _ in old_r + new_r:
                cuts.update((lo, hi + 1))
            cuts = sorted(cuts)

            def at(ranges, x):
                for lo, hi, c in ranges:
                    if lo <= x <= hi:
                        return c
                return None
            segs = []
            for lo, nxt in zip(cuts, cuts[1:]):
                a, b = at(old_r, lo), at(new_r, lo)
                if segs and segs[-1][2] == a and segs[-1][3] == b and segs[-1][1] == lo - 1:
                    segs[-1][1] = nxt - 1
                else:
                    segs.append([lo, nxt - 1, a, b])
            wl, d = key
            for lo, hi, a, b in segs:
                if a == b:
                    continue
                r = (fmt_ip(fam, lo) + "-" + fmt_ip(fam, hi), "External")
                out.add((wl, r, a, b) if d == "out" else (r, wl, a, b))
    return out


def reported(doc):
    out = set()
    for c in doc["added"]:
        out.add(((c["src"], c["src_kind"]), (c["dst"], c["dst_kind"]), None, c["conns"]))
    for c in doc["removed"]:
        out.add(((c["src"], c["src_kind"]), (c["dst"], c["dst_kind"]), c["conns"], None))
    for c in doc["changed"]:
        out.add(((c["src"], c["src_kind"]), (c["dst"], c["dst_kind"]), c["old"], c["new"]))
    return out


def parse_list_text(text):
    """'src[kind] => dst[kind] : conns' lines -> {(src, dst): conns} (names with [kind])"""
    out = {}
    for line in text.splitlines():
        left, conns = line.split(" : ", 1)
        src, dst = left.split(" => ")
        out[(src, dst)] = conns
    return out


def list_lookup(flows, src, dst):
    """conns of src -> dst in list text, an external end given as an address"""
    for (s, d), conns in flows.items():
        ok = True
        for end, name in ((s, src), (d, dst)):
            if end.endswith("[External]"):
                if name.endswith("]"):
                    ok = False
                    break
                fam, lo, hi = ip_range(end[:-len("[External]")])
                a = ipaddress.ip_address(name)
                ok = ok and a.version == fam and lo <= int(a) <= hi
            else:
                ok = ok and end == name
        if ok:
            return conns
    return None


def mentions_v6(*folders):
    """Whether the manifests in the folders mention IPv6 (every IPv6 CIDR written here
    has a '::'): netverify models IPv6 only then (in a diff, on both sides when either
    side mentions it), or when the command line names an IPv6 address."""
    for folder in folders:
        for name in os.listdir(folder):
            with open(os.path.join(folder, name)) as fp:
                if "::" in fp.read():
                    return True
    return False


def is_v6(end):
    try:
        return ipaddress.ip_address(end).version == 6
    except ValueError:
        return False


def check_explain(nv, rng, folder, case):
    """explain's verdict for a few random flows must be what list says (list over both
    families when explain names an IPv6 address, which makes it model IPv6)"""
    lists = {}
    for dual in (False, True):
        rc, text, err = run(nv, "list", folder, *(["--ip-family", "dual"] if dual else []))
        if rc:
            print("FAIL case %d: list: %s" % (case, err))
            return 1, 0
        lists[dual] = parse_list_text(text)
    rc, doc, _ = run(nv, "list", "--format", "json", folder)
    names = sorted({c["src"] + "[" + c["src_kind"] + "]" for c in json.loads(doc)["connections"]
                    if c["src_kind"] != "External"} |
                   {c["dst"] + "[" + c["dst_kind"] + "]" for c in json.loads(doc)["connections"]
                    if c["dst_kind"] != "External"})
    ends = names + ["8.8.8.8", "10.1.2.3", "192.168.1.1", "2001:db8::1", "2001:db8:1::5", "fd00::1"]
    failed = done = 0
    for _ in range(4):
        src, dst = rng.choice(ends), rng.choice(ends)
        if src == dst or not (src.endswith("]") or dst.endswith("]")):
            continue
        rc, out, err = run(nv, "explain", folder, "--from", src, "--to", dst)
        verdict = [l for l in out.splitlines() if l.startswith("verdict: ")]
        want = list_lookup(lists[is_v6(src) or is_v6(dst)], src, dst)
        want = ("blocked on every port" if want is None else
                # allowed under some behaviour of the network plugin, or some placement, only
                "depends on " if want.endswith("?") else
                "allowed on " + ("every port and protocol" if want == "All Connections" else want))
        done += 1
        if rc or len(verdict) != 1 or not (
                verdict[0] == "verdict: " + want or
                (want == "depends on " and verdict[0].startswith("verdict: " + want))):
            failed += 1
            print("FAIL case %d: explain %s --from %s --to %s: %r, list says %r %s"
                  % (case, folder, src, dst, verdict, want, err))
    return failed, done


def main():
    nv = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261126
    rng = random.Random(seed)
    failed = checked = changes = explained = differential = 0
    kinds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(count):
            old = rand_cluster(rng)
            new = mutate(rng, old)
            od, nd = os.path.join(tmp, "old%d" % case), os.path.join(tmp, "new%d" % case)
            write_cluster(old, od)
            write_cluster(new, nd)
            # diff models both sides over one set of families: both when either mentions IPv6
            fam = ["--ip-family", "dual"] if mentions_v6(od, nd) else []
            rc1, lo, e1 = run(nv, "list", "--format", "json", od, *fam)
            rc2, ln, e2 = run(nv, "list", "--format", "json", nd, *fam)
            rc3, dj, e3 = run(nv, "diff", "--format", "json", od, nd)
            if rc1 or rc2 or rc3:
                print("FAIL case %d: exit %d/%d/%d: %s%s%s" % (case, rc1, rc2, rc3, e1, e2, e3))
                failed += 1
                continue
            want = expected_diff(json.loads(lo)["connections"], json.loads(ln)["connections"])
            got = reported(json.loads(dj))
            checked += 1
            changes += len(want)
            if want != got:
                failed += 1
                print("FAIL case %d (%s vs %s): diff disagrees with list" % (case, od, nd))
                for x in sorted(want - got, key=str)[:5]:
                    print("  missing:", x)
                for x in sorted(got - want, key=str)[:5]:
                    print("  extra:  ", x)
                continue
            # the same cluster on both sides: nothing at all, exit 0, even with --fail-on
            rc, out, err = run(nv, "diff", "--fail-on", "any", od, od)
            lines = err.splitlines()
            if rc != 0 or out or "error" in err or len(set(lines)) != len(lines):
                failed += 1
                print("FAIL case %d: diff with itself: exit %d, %r %r" % (case, rc, out, err))
            rc, out, _ = run(nv, "diff", "--fail-on", "any", od, nd)
            text_lines = [l for l in out.splitlines() if l[:2] in ("+ ", "- ", "~ ")]
            if rc != (1 if want else 0) or len(text_lines) != len(want):
                failed += 1
                print("FAIL case %d: text diff: exit %d, %d lines for %d changes"
                      % (case, rc, len(text_lines), len(want)))
            f, n = check_explain(nv, rng, nd, case)
            failed += f
            explained += n
            failed += check_incremental(nv, od, nd, case, "random edits",
                                        [("json", "")])
            one, what = mutate_one(rng, old)
            md = os.path.join(tmp, "one%d" % case)
            write_cluster(one, md)
            fmts = ["text", "json", "md", "sarif"]
            failed += check_incremental(nv, od, md, case, what,
                                        [(fmts[case % 4], "dirty"), (fmts[(case + 1) % 4], "dirty")])
            kinds[what] = kinds.get(what, 0) + 1
            differential += 2
            if failed > 5:
                break
    print("diff: %d random cluster pairs checked against list (%d changes), "
          "explain: %d flows, incremental against whole walk: %d pairs (%s), %d failed"
          % (checked, changes, explained, differential,
             ", ".join("%s %d" % kv for kv in sorted(kinds.items())), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
