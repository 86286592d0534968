#!/usr/bin/env python3
"""Writes tests/tiers-cases: small hand-made clusters, each pinning one rule of
the tier semantics with the verdicts docs/tiers-notes.md derives from the API
text (the source of each is in its checks.yaml). Run
'tests/check-tiers.py conformance tests/tiers-cases --write' afterwards."""
import os
import yaml

OUT = os.path.dirname(os.path.abspath(__file__))
V2 = "policy.networking.k8s.io/v1alpha2"
V1 = "policy.networking.k8s.io/v1alpha1"


def base():
    objs = []
    for n, tenant in (("a", "red"), ("b", "red"), ("c", "blue")):
        objs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": n, "labels": {"tenant": tenant}}})
    ip = {"a": 1, "b": 2, "c": 3}
    for n in ("a", "b", "c"):
        for app in ("web", "db"):
            objs.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": app, "namespace": n, "labels": {"app": app}},
                         "spec": {"containers": [{"name": "c", "image": "i", "ports": [
                             {"name": "http", "containerPort": 8080 if app == "db" else 80,
                              "protocol": "TCP"},
                             {"name": "dns", "containerPort": 53, "protocol": "UDP"}]}]},
                         "status": {"podIP": "10.244.%d.%d" % (ip[n], 10 if app == "web" else 20)}})
    return objs


def ns(n):
    return {"matchLabels": {"kubernetes.io/metadata.name": n}}


def cnp(name, tier, prio, subject, ingress=None, egress=None):
    spec = {"tier": tier, "priority": prio, "subject": subject}
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return {"apiVersion": V2, "kind": "ClusterNetworkPolicy", "metadata": {"name": name},
            "spec": spec}


def np(name, n, types, ingress=None, egress=None, sel=None):
    spec = {"podSelector": sel or {}, "policyTypes": types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": n}, "spec": spec}


def banp(ingress=None, egress=None):
    spec = {"subject": {"namespaces": {}}}
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return {"apiVersion": V1, "kind": "BaselineAdminNetworkPolicy",
            "metadata": {"name": "default"}, "spec": spec}


def chk(src, dst, proto, port, allow):
    return {"from": src, "to": dst, "protocol": proto, "port": port,
            "expect": "dependent" if allow is None else "allow" if allow else "deny"}


ALLNS = {"namespaces": {}}
CASES = {
    "egress-accept-keeps-ingress": (
        "[v2] 250-253: an egress Accept ends the source's evaluation, the destination's "
        "ingress still applies",
        [cnp("accept-out", "Admin", 1, {"namespaces": ns("a")},
             egress=[{"action": "Accept", "to": [ALLNS]}]),
         cnp("deny-in", "Admin", 2, {"namespaces": ns("b")},
             ingress=[{"action": "Deny", "from": [{"namespaces": ns("a")}]}])],
        [chk("a/web", "b/web", "TCP", 80, False), chk("a/web", "c/web", "TCP", 80, True)]),
    "no-implicit-isolation": (
        "[ov] 40-42: selecting a pod adds no isolation; only matching rules act",
        [cnp("only-c", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Deny", "from": [{"namespaces": ns("c")}]}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("c/web", "a/web", "TCP", 80, False),
         chk("a/web", "c/web", "TCP", 80, True)]),
    "pass-to-netpol": (
        "[v2] 206-208, [ov] 119-125: Pass hands the flow to the NetworkPolicy tier, which "
        "decides alone for a pod it selects (Baseline not consulted, [v2] 77-82)",
        [cnp("pass", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Pass", "from": [ALLNS]}]),
         np("only-b-web", "a", ["Ingress"], ingress=[{"from": [
             {"namespaceSelector": ns("b"), "podSelector": {"matchLabels": {"app": "web"}}}]}]),
         banp(ingress=[{"action": "Allow", "from": [ALLNS]}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("b/db", "a/web", "TCP", 80, False),
         chk("c/web", "a/web", "TCP", 80, False)]),
    "pass-to-baseline": (
        "[anp] 97-104: Pass with no NetworkPolicy selecting the pod goes to the Baseline tier",
        [cnp("pass", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Pass", "from": [ALLNS]}]),
         banp(ingress=[{"action": "Deny", "from": [{"namespaces": ns("c")}]}])],
        [chk("c/web", "a/web", "TCP", 80, False), chk("b/web", "a/web", "TCP", 80, True)]),
    "baseline-pass-skips-tier": (
        "[v2] 206-208, [blog] 33-35: a Baseline Pass skips the rest of the Baseline tier "
        "(default allow)",
        [cnp("b-pass", "Baseline", 5, {"namespaces": ns("a")},
             ingress=[{"action": "Pass", "from": [{"namespaces": ns("b")}]}]),
         cnp("b-deny", "Baseline", 6, {"namespaces": ns("a")},
             ingress=[{"action": "Deny", "from": [ALLNS]}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("c/web", "a/web", "TCP", 80, False)]),
    "same-priority-conflict": (
        "[v2] 98-104: two Admin policies of one priority that both match: the plugin picks; "
        "disjoint matches stay certain",
        [cnp("x-accept", "Admin", 7, {"namespaces": ns("a")},
             ingress=[{"action": "Accept", "from": [{"namespaces": ns("b")}]}]),
         cnp("y-deny", "Admin", 7, {"namespaces": ns("a")},
             ingress=[{"action": "Deny", "from": [{"namespaces": {"matchLabels": {"tenant": "red"}}}]},
                      {"action": "Deny", "from": [{"namespaces": ns("c")}]}])],
        [chk("b/web", "a/web", "TCP", 80, None), chk("c/web", "a/web", "TCP", 80, False)]),
    "banp-order-undefined": (
        "no API orders the BaselineAdminNetworkPolicy against Baseline ClusterNetworkPolicies "
        "(docs/tiers-notes.md, 'What the APIs leave to the implementation')",
        [cnp("base-accept-b", "Baseline", 3, {"namespaces": ns("a")},
             ingress=[{"action": "Accept", "from": [{"namespaces": ns("b")}]}]),
         banp(ingress=[{"action": "Deny", "from": [ALLNS]}])],
        [chk("b/web", "a/web", "TCP", 80, None), chk("c/web", "a/web", "TCP", 80, False)]),
    "first-match-per-port": (
        "[v2] 117-121: within a policy the first rule matching peer and port decides; "
        "other ports fall through to later rules",
        [cnp("ports", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Accept", "from": [ALLNS],
                       "protocols": [{"tcp": {"destinationPort": {"number": 80}}}]},
                      {"action": "Deny", "from": [ALLNS],
                       "protocols": [{"tcp": {"destinationPort": {"range": {"start": 1,
                                                                             "end": 1024}}}}]}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("b/web", "a/web", "TCP", 443, False),
         chk("b/web", "a/web", "TCP", 8080, True), chk("b/web", "a/web", "UDP", 53, True)]),
    "priority-before-rule-order": (
        "[v2] 93-97: a lower priority number is consulted first, whatever the rule order",
        [cnp("late", "Admin", 20, {"namespaces": ns("a")},
             ingress=[{"action": "Accept", "from": [ALLNS]}]),
         cnp("early", "Admin", 10, {"namespaces": ns("a")},
             ingress=[{"action": "Deny", "from": [{"namespaces": ns("c")}]}])],
        [chk("c/web", "a/web", "TCP", 80, False), chk("b/web", "a/web", "TCP", 80, True)]),
    "named-port-on-destination": (
        "[later anp] 137-146, [v2] 450-456: a named port resolves on the destination pod "
        "(web: http=80, db: http=8080)",
        [cnp("named", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Accept", "from": [ALLNS],
                       "protocols": [{"destinationNamedPort": "http"}]},
                      {"action": "Deny", "from": [ALLNS]}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("b/web", "a/web", "TCP", 8080, False),
         chk("b/web", "a/db", "TCP", 8080, True), chk("b/web", "a/db", "TCP", 80, False)]),
    "networks-hold-pods": (
        "[v2] 371-377: a networks CIDR matches pod addresses too",
        [cnp("cidr", "Admin", 1, {"namespaces": ns("a")},
             egress=[{"action": "Accept", "to": [{"networks": ["10.244.2.10/32"]}]},
                     {"action": "Deny", "to": [{"networks": ["10.244.0.0/16"]}]}])],
        [chk("a/web", "b/web", "TCP", 80, True), chk("a/web", "b/db", "TCP", 80, False),
         chk("a/web", "c/web", "TCP", 80, False)]),
    "fail-closed": (
        "[v2] 304-316: a peer with no known field: an Accept rule matches nothing, a Deny or "
        "Pass rule denies everything",
        [cnp("unknown-pass", "Admin", 1, {"namespaces": ns("a")},
             ingress=[{"action": "Pass", "from": [{"serviceAccounts": {"name": "x"}}]}]),
         cnp("unknown-accept", "Admin", 1, {"namespaces": ns("b")},
             ingress=[{"action": "Accept", "from": [{"serviceAccounts": {"name": "x"}}]}]),
         cnp("deny-c", "Admin", 2, {"namespaces": ns("b")},
             ingress=[{"action": "Deny", "from": [{"namespaces": ns("c")}]}])],
        [chk("b/web", "a/web", "TCP", 80, False), chk("c/web", "a/web", "UDP", 53, False),
         chk("c/web", "b/web", "TCP", 80, False), chk("a/web", "b/web", "TCP", 80, True)]),
    "tenant-isolation": (
        "[ov] 78-80: an Admin Deny between tenants cannot be reopened by a NetworkPolicy; a "
        "Pass inside the tenant leaves it to the namespaces",
        [cnp("same-tenant-pass", "Admin", 1, {"namespaces": {"matchLabels": {"tenant": "red"}}},
             ingress=[{"action": "Pass", "from": [{"namespaces": {"matchLabels": {"tenant": "red"}}}]},
                      {"action": "Deny", "from": [ALLNS]}]),
         np("allow-all", "a", ["Ingress"], ingress=[{}])],
        [chk("b/web", "a/web", "TCP", 80, True), chk("c/web", "a/web", "TCP", 80, False),
         chk("c/web", "b/db", "TCP", 8080, False)]),
}


def main():
    with open(os.path.join(OUT, "base.yaml"), "w") as fp:
        fp.write("# Authored for netverify (issue 15): three namespaces (tenant red: a, b; blue: c),\n"
                 "# pods web (http=TCP 80) and db (http=TCP 8080), UDP 53 'dns', addresses 10.244.N.*\n")
        yaml.safe_dump_all(base(), fp, sort_keys=False)
    for name, (src, objs, checks) in CASES.items():
        d = os.path.join(OUT, name, "manifests")
        os.makedirs(d, exist_ok=True)
        if not os.path.lexists(os.path.join(d, "base.yaml")):
            os.symlink("../../base.yaml", os.path.join(d, "base.yaml"))
        with open(os.path.join(d, "policy.yaml"), "w") as fp:
            fp.write("# Authored for netverify (issue 15): %s\n" % src.split(":")[0])
            yaml.safe_dump_all(objs, fp, sort_keys=False)
        with open(os.path.join(OUT, name, "checks.yaml"), "w") as fp:
            yaml.safe_dump({"source": src, "checks": checks}, fp, sort_keys=False, width=100)
    print("%d cases" % len(CASES))


if __name__ == "__main__":
    main()
