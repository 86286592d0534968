#!/usr/bin/env python3
"""Writes the cases of tests/tiers-conformance (base.yaml, <case>/manifests/policy.yaml,
<case>/checks.yaml) from the network-policy-api conformance tests named in each case;
then run tests/check-tiers.py conformance --write for expected.json."""
import os, yaml, copy
OUT = os.path.dirname(os.path.abspath(__file__))
HOUSES = [("gryffindor", "harry-potter", 1), ("slytherin", "draco-malfoy", 2),
          ("hufflepuff", "cedric-diggory", 3), ("ravenclaw", "luna-lovegood", 4)]
NSP = "network-policy-conformance-"
def ns(h): return NSP + h
PORTS = [("web", "TCP", 80), ("web-alt", "TCP", 8080), ("dns", "UDP", 53), ("mdns", "UDP", 5353),
         ("sctp-a", "SCTP", 9003), ("sctp-b", "SCTP", 9005)]
HOSTPORTS = [("hp0", "TCP", 34345), ("hp1", "TCP", 34346), ("hp2", "UDP", 34347), ("hp3", "UDP", 34348),
             ("hp4", "UDP", 34349), ("hp5", "SCTP", 34350), ("hp6", "SCTP", 34351)]
def base():
    objs = []
    for h, _, _ in HOUSES + [("forbidden-forrest", None, None)]:
        objs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": ns(h), "labels": {"conformance-house": h}}})
    for i in range(2):
        objs.append({"apiVersion": "v1", "kind": "Node",
                     "metadata": {"name": "worker-%d" % i, "labels": {"kubernetes.io/os": "linux"}},
                     "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.%d" % (2 + i)}]}})
    for h, sts, k in HOUSES:
        for r in range(2):
            objs.append({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "%s-%d" % (sts, r), "namespace": ns(h),
                             "labels": {"conformance-house": h,
                                        "statefulset.kubernetes.io/pod-name": "%s-%d" % (sts, r)},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet",
                                                  "name": sts, "uid": "u-%s" % sts, "controller": True}]},
                "spec": {"nodeName": "worker-%d" % r,
                         "containers": [{"name": "server", "image": "agnhost",
                                         "ports": [{"name": n, "protocol": p, "containerPort": c} for n, p, c in PORTS]}]},
                "status": {"podIP": "10.244.%d.%d" % (k, 10 + r)}})
    for r in range(2):
        objs.append({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "centaur-%d" % r, "namespace": ns("forbidden-forrest"),
                         "labels": {"conformance-house": "forbidden-forrest"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "centaur", "uid": "u-centaur", "controller": True}]},
            "spec": {"nodeName": "worker-%d" % r, "hostNetwork": True,
                     "containers": [{"name": "server", "image": "agnhost",
                                     "ports": [{"name": n, "protocol": p, "containerPort": c} for n, p, c in HOSTPORTS]}]},
            "status": {"podIP": "172.18.0.%d" % (2 + r)}})
    return objs

def nsel(h): return {"matchLabels": {"kubernetes.io/metadata.name": ns(h)}}
def hsel(h): return {"matchLabels": {"conformance-house": h}}
def podsel(h): return {"pods": {"namespaceSelector": hsel(h), "podSelector": hsel(h)}}
def cnp(name, tier, prio, subject, ingress=None, egress=None):
    spec = {"tier": tier, "priority": prio, "subject": subject}
    if ingress: spec["ingress"] = ingress
    if egress: spec["egress"] = egress
    return {"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
            "metadata": {"name": name}, "spec": spec}
def rule(name, action, peers, d, protocols=None):
    r = {"name": name, "action": action, ("to" if d == "egress" else "from"): peers}
    if protocols: r["protocols"] = protocols
    return r
def num(proto, n): return {proto: {"destinationPort": {"number": n}}}

def P(h, r=0):
    return "%s/%s-%d" % (ns(h), dict((x, y) for x, y, _ in HOUSES)[h], r)

cases = {}
# 1. CNPAdminTierGress (standard-gress-rules-combined.yaml)
def gress(swapped=False):
    eg = [rule("accept-ravenclaw", "Accept", [{"namespaces": nsel("ravenclaw")}], "egress"),
          rule("deny-ravenclaw", "Deny", [{"namespaces": nsel("ravenclaw")}], "egress"),
          rule("pass-ravenclaw", "Pass", [{"namespaces": nsel("ravenclaw")}], "egress"),
          rule("deny-slytherin-80-53-9003", "Deny", [{"namespaces": nsel("slytherin")}], "egress",
               [num("tcp", 80), num("udp", 53), num("sctp", 9003)]),
          rule("pass-slytherin-80-53-9003", "Pass", [{"namespaces": nsel("slytherin")}], "egress",
               [num("tcp", 80), num("udp", 53), num("sctp", 9003)]),
          rule("accept-hufflepuff-8080-5353-9003", "Accept", [{"namespaces": nsel("hufflepuff")}], "egress",
               [num("tcp", 8080), num("udp", 5353), num("sctp", 9003)]),
          rule("deny-hufflepuff-rest", "Deny", [{"namespaces": nsel("hufflepuff")}], "egress")]
    ing = [rule("accept-ravenclaw", "Accept", [{"namespaces": nsel("ravenclaw")}], "ingress"),
           rule("deny-ravenclaw", "Deny", [{"namespaces": nsel("ravenclaw")}], "ingress"),
           rule("pass-ravenclaw", "Pass", [{"namespaces": nsel("ravenclaw")}], "ingress"),
           rule("deny-slytherin-80-53-9003", "Deny", [{"namespaces": nsel("slytherin")}], "ingress",
                [num("tcp", 80), num("udp", 53), num("sctp", 9003)]),
           rule("pass-slytherin-80-53-9003", "Pass", [{"namespaces": nsel("slytherin")}], "ingress",
                [num("tcp", 80), num("udp", 53), num("sctp", 9003)]),
           rule("accept-hufflepuff-80-5353-9003", "Accept", [{"namespaces": nsel("hufflepuff")}], "ingress",
                [num("tcp", 80), num("udp", 5353), num("sctp", 9003)]),
           rule("deny-hufflepuff-rest", "Deny", [{"namespaces": nsel("hufflepuff")}], "ingress")]
    if swapped:
        eg[0], eg[1] = eg[1], eg[0]
        ing[0], ing[1] = ing[1], ing[0]
    return [cnp("gress-rules", "Admin", 15, {"namespaces": nsel("gryffindor")}, ing, eg)]
SRC_G = "conformance/tests/admin-network-policy-standard-gress-rules.go (CNPAdminTierGress); policy conformance/base/admin_tier/standard-gress-rules-combined.yaml"
cases["admin-gress"] = (gress(), SRC_G + ", subtests 1, 2, 4", [
    (P("gryffindor"), P("ravenclaw"), "TCP", 80, True), (P("gryffindor", 1), P("ravenclaw"), "UDP", 53, True),
    (P("gryffindor"), P("ravenclaw"), "SCTP", 9003, True),
    (P("ravenclaw"), P("gryffindor"), "TCP", 80, True), (P("ravenclaw", 1), P("gryffindor"), "UDP", 53, True),
    (P("ravenclaw", 1), P("gryffindor"), "SCTP", 9003, True),
    (P("gryffindor"), P("hufflepuff", 1), "TCP", 8080, True), (P("gryffindor", 1), P("hufflepuff", 1), "TCP", 80, False),
    (P("gryffindor"), P("hufflepuff", 1), "UDP", 5353, True), (P("gryffindor", 1), P("hufflepuff", 1), "UDP", 53, False),
    (P("gryffindor"), P("hufflepuff", 1), "SCTP", 9003, True), (P("gryffindor", 1), P("hufflepuff", 1), "SCTP", 9005, False),
    (P("hufflepuff"), P("gryffindor", 1), "TCP", 80, True), (P("hufflepuff", 1), P("gryffindor", 1), "TCP", 8080, False),
    (P("hufflepuff"), P("gryffindor", 1), "UDP", 5353, True), (P("hufflepuff", 1), P("gryffindor", 1), "UDP", 53, False),
    (P("hufflepuff"), P("gryffindor", 1), "SCTP", 9003, True), (P("hufflepuff", 1), P("gryffindor", 1), "SCTP", 9005, False),
    (P("gryffindor"), P("slytherin"), "TCP", 80, False), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, True),
    (P("gryffindor"), P("slytherin"), "UDP", 53, False), (P("gryffindor", 1), P("slytherin"), "UDP", 5353, True)])
cases["admin-gress-swapped"] = (gress(True), SRC_G + ", subtest 3 (rules 0 and 1 swapped in both directions)", [
    (P("gryffindor"), P("ravenclaw", 1), "TCP", 80, False), (P("gryffindor", 1), P("ravenclaw", 1), "UDP", 53, False),
    (P("gryffindor"), P("ravenclaw", 1), "SCTP", 9003, False),
    (P("ravenclaw"), P("gryffindor", 1), "TCP", 80, False), (P("ravenclaw", 1), P("gryffindor", 1), "UDP", 53, False),
    (P("ravenclaw", 1), P("gryffindor", 1), "SCTP", 9003, False)])
def bgress(swapped=False):
    pol = gress(swapped)[0]
    pol["metadata"]["name"] = "default"
    pol["spec"]["tier"] = "Baseline"
    pol["spec"]["priority"] = 10
    for d in ("ingress", "egress"):
        pol["spec"][d] = [r for r in pol["spec"][d] if r["action"] != "Pass"]
    return [pol]
SRC_B = "conformance/tests/baseline-admin-network-policy-standard-gress-rules.go (CNPBaselineTierGress); policy conformance/base/baseline_tier/standard-gress-rules-combined.yaml"
cases["baseline-gress"] = (bgress(), SRC_B + ", subtests 1, 2, 4", [c for c in cases["admin-gress"][2]])
cases["baseline-gress-swapped"] = (bgress(True), SRC_B + ", subtest 3 (rules 0 and 1 swapped in both directions)", list(cases["admin-gress-swapped"][2]))
# 2. same priority, disjoint subjects
def same(n, house, peer):
    return cnp("same-priority-%d" % n, "Admin", 15, {"namespaces": nsel(house)},
               ingress=[rule("accept-from-" + peer, "Accept", [{"namespaces": nsel(peer)}], "ingress"),
                        rule("deny-all-else", "Deny", [{"namespaces": {"matchLabels": {}}}], "ingress")])
cases["admin-same-priority-disjoint"] = ([same(1, "gryffindor", "ravenclaw"), same(2, "hufflepuff", "slytherin")],
    "conformance/tests/admin-network-policy-same-priority.go (CNPAdminTierSamePriority); policies conformance/base/admin_tier/same-priority-{1,2}.yaml", [
    (P("ravenclaw"), P("gryffindor"), "TCP", 80, True), (P("slytherin"), P("hufflepuff"), "TCP", 80, True),
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("ravenclaw"), P("hufflepuff"), "TCP", 80, False)])
# 3. isolation: no implicit isolation
cases["admin-ingress-only"] = ([cnp("admin-ingress-isolation", "Admin", 20, {"namespaces": nsel("gryffindor")},
    ingress=[rule("deny-from-slytherin", "Deny", [{"namespaces": nsel("slytherin")}], "ingress")])],
    "conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go (CNPAdminTierIngressRulesEgressUnaffected); policy conformance/base/admin_tier/standard-ingress-isolation.yaml", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("gryffindor"), P("ravenclaw"), "TCP", 80, True),
    (P("gryffindor"), P("hufflepuff"), "TCP", 80, True)])
cases["admin-egress-only"] = ([cnp("admin-egress-isolation", "Admin", 20, {"namespaces": nsel("gryffindor")},
    egress=[rule("deny-to-slytherin", "Deny", [{"namespaces": nsel("slytherin")}], "egress")])],
    "conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go (CNPAdminTierEgressRulesIngressUnaffected); policy conformance/base/admin_tier/standard-egress-isolation.yaml (not read: written as the mirror of the ingress one, as the test's comments describe)", [
    (P("gryffindor"), P("slytherin"), "TCP", 80, False), (P("ravenclaw"), P("gryffindor"), "TCP", 80, True),
    (P("hufflepuff"), P("gryffindor"), "TCP", 80, True)])
# 4. integration admin -> NP -> baseline
NP = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
      "metadata": {"name": "allow-gress-from-to-slytherin-to-gryffindor", "namespace": ns("gryffindor")},
      "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
               "ingress": [{"from": [{"namespaceSelector": hsel("slytherin")}]}],
               "egress": [{"to": [{"namespaceSelector": hsel("slytherin")}]}]}}
def integ(ing_act, eg_act, with_np=True):
    a = cnp("pass-example", "Admin", 10, {"namespaces": hsel("gryffindor")},
            ingress=[rule("from-slytherin", ing_act, [{"namespaces": hsel("slytherin")}], "ingress")],
            egress=[rule("to-slytherin", eg_act, [{"namespaces": hsel("slytherin")}], "egress")])
    b = cnp("default", "Baseline", 10, {"namespaces": hsel("gryffindor")},
            ingress=[rule("deny-from-slytherin", "Deny", [{"namespaces": hsel("slytherin")}], "ingress")],
            egress=[rule("deny-to-slytherin", "Deny", [{"namespaces": hsel("slytherin")}], "egress")])
    return [a, NP, b] if with_np else [a, b]
SRC_I = "conformance/tests/admin-network-policy-standard-integration.go (CNPAdminTierIntegration); policies conformance/base/api_integration/standard-anp-np-banp.yaml"
cases["integration-deny"] = (integ("Deny", "Deny"), SRC_I + ", subtests 1-2", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("slytherin", 1), P("gryffindor"), "TCP", 8080, False),
    (P("gryffindor"), P("slytherin"), "TCP", 80, False), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, False)])
cases["integration-pass-to-np"] = (integ("Pass", "Pass"), SRC_I + ", subtests 3-4 (both rules patched to Pass)", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, True), (P("slytherin", 1), P("gryffindor"), "TCP", 8080, True),
    (P("gryffindor"), P("slytherin"), "TCP", 80, True), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, True)])
cases["integration-pass-to-baseline"] = (integ("Pass", "Pass", False), SRC_I + ", subtests 5-6 (Pass, NetworkPolicy deleted)", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("slytherin", 1), P("gryffindor"), "TCP", 8080, False),
    (P("gryffindor"), P("slytherin"), "TCP", 80, False), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, False)])
# 5. networks match pod IPs
def cidr(extra=False):
    eg = [rule("accept-slytherin", "Accept", [podsel("slytherin")], "egress"),
          rule("deny-internet", "Deny", [{"networks": ["0.0.0.0/0", "::/0"]}], "egress")]
    if extra:
        eg.insert(0, rule("accept-two-pod-ips", "Accept", [{"networks": ["10.244.4.10/32", "10.244.3.10/32"]}], "egress"))
    return [cnp("inline-cidr-as-peers-example", "Admin", 85,
                {"pods": {"namespaceSelector": hsel("gryffindor"), "podSelector": hsel("gryffindor")}}, egress=eg)]
SRC_C = "conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go (CNPAdminTierEgressInlineCIDRPeers); policy conformance/base/admin_tier/standard-egress-inline-cidr-rules.yaml"
cases["admin-networks-match-pods"] = (cidr(), SRC_C + ", subtest 1", [
    (P("gryffindor", 1), P("ravenclaw"), p, n, False) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))] + [
    (P("gryffindor", 1), P("hufflepuff"), p, n, False) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))] + [
    (P("gryffindor", 1), P("slytherin"), p, n, True) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))])
cases["admin-networks-pod-ip"] = (cidr(True), SRC_C + ", subtest 2 (Accept of luna-lovegood-0's and cedric-diggory-0's /32 inserted first)", [
    (P("gryffindor", 1), P("ravenclaw", 0), p, n, True) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))] + [
    (P("gryffindor", 1), P("hufflepuff", 0), p, n, True) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))] + [
    (P("gryffindor", 1), P("ravenclaw", 1), p, n, False) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))] + [
    (P("gryffindor", 1), P("hufflepuff", 1), p, n, False) for p, n in (("TCP", 80), ("UDP", 53), ("SCTP", 9003))])
# 6. priority field
def prio(p2):
    subj = {"pods": {"namespaceSelector": hsel("gryffindor"), "podSelector": hsel("gryffindor")}}
    return [cnp("priority-50-example", "Admin", 50, subj,
                ingress=[rule("deny-from-slytherin", "Deny", [podsel("slytherin")], "ingress")],
                egress=[rule("deny-to-slytherin", "Deny", [podsel("slytherin")], "egress")]),
            cnp("old-priority-60-new-priority-40-example", "Admin", p2, subj,
                ingress=[rule("pass-from-slytherin", "Pass", [podsel("slytherin")], "ingress")],
                egress=[rule("pass-to-slytherin", "Pass", [podsel("slytherin")], "egress")]),
            cnp("default", "Baseline", 10, subj,
                ingress=[rule("accept-from-slytherin", "Accept", [podsel("slytherin")], "ingress")],
                egress=[rule("accept-to-slytherin", "Accept", [podsel("slytherin")], "egress")])]
SRC_P = "conformance/tests/admin-network-policy-standard-priority.go (CNPAdminTierPriorityField); policies conformance/base/admin_tier/standard-priority-field.yaml"
cases["admin-priority-60"] = (prio(60), SRC_P + ", subtests 1-2", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("slytherin", 1), P("gryffindor"), "TCP", 8080, False),
    (P("gryffindor"), P("slytherin"), "TCP", 80, False), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, False)])
cases["admin-priority-40"] = (prio(40), SRC_P + ", subtest 3 (priority 60 patched to 40: Pass first, Baseline accepts)", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, True), (P("slytherin", 1), P("gryffindor"), "TCP", 8080, True),
    (P("gryffindor"), P("slytherin"), "TCP", 80, True), (P("gryffindor", 1), P("slytherin"), "TCP", 8080, True)])
# 7. nodes peers (host-network server pod on a node)
nodes_pol = [cnp("node-and-cidr-as-peers-example", "Admin", 75,
    {"pods": {"namespaceSelector": hsel("gryffindor"), "podSelector": hsel("gryffindor")}},
    egress=[rule("accept-tcp-34345-on-nodes", "Accept", [{"nodes": {"matchLabels": {"kubernetes.io/os": "linux"}}}], "egress", [num("tcp", 34345)]),
            rule("pass-udp-34347-on-nodes", "Pass", [{"nodes": {"matchLabels": {"kubernetes.io/os": "linux"}}}], "egress", [num("udp", 34347)]),
            rule("deny-slytherin-nodes-internet", "Deny", [podsel("slytherin"), {"nodes": {"matchLabels": {"kubernetes.io/os": "linux"}}},
                                                          {"networks": ["0.0.0.0/0", "::/0"]}], "egress")])]
C1 = "network-policy-conformance-forbidden-forrest/centaur-1"
cases["admin-nodes-peer"] = (nodes_pol, "conformance/tests/admin-network-policy-experimental-egress-rules.go (CNPAdminTierEgressNodePeers); policy conformance/base/admin_tier/experimental-egress-selector-rules.yaml (HostNetworkPorts[0..6] written here as 34345-34351)", [
    (P("gryffindor", 1), C1, "TCP", 34345, True), (P("gryffindor", 1), C1, "UDP", 34347, True),
    (P("gryffindor", 1), C1, "TCP", 34346, False), (P("gryffindor", 1), C1, "UDP", 34349, False),
    (P("gryffindor", 1), C1, "SCTP", 34351, False)])
# 8. named port (destinationNamedPort 'web' = TCP 80 on the destination pod)
def egress_tcp_named():
    r = [rule("accept-hufflepuff-web", "Accept", [{"namespaces": nsel("hufflepuff")}], "egress", [{"destinationNamedPort": "web"}]),
         rule("deny-hufflepuff-rest", "Deny", [{"namespaces": nsel("hufflepuff")}], "egress")]
    return [cnp("egress-tcp", "Admin", 3, {"namespaces": nsel("gryffindor")}, egress=r)]
cases["admin-named-port"] = (egress_tcp_named(), "conformance/tests/admin-network-policy-experimental-egress-rules.go (CNPAdminTierEgressNamedPort): egress rules 5-6 of conformance/base/admin_tier/standard-egress-tcp-rules.yaml with rule 5's port replaced by destinationNamedPort web (TCP 80 in the pod spec); the other rules of that policy are left out", [
    (P("gryffindor"), P("hufflepuff", 1), "TCP", 80, True), (P("gryffindor", 1), P("hufflepuff", 1), "TCP", 8080, False)])

# 9. port ranges
def rng(proto, a, b): return {proto: {"destinationPort": {"range": {"start": a, "end": b}}}}
HOUSES_EXIST = {"namespaces": {"matchExpressions": [{"key": "conformance-house", "operator": "Exists"}]}}
pr_pol = [cnp("port-range-rules", "Admin", 9, {"namespaces": nsel("gryffindor")},
    ingress=[rule("accept-ravenclaw-tcp-80-8080", "Accept", [{"namespaces": nsel("ravenclaw")}], "ingress", [rng("tcp", 80, 8080)]),
             rule("accept-hufflepuff-udp-53-5353", "Accept", [{"namespaces": nsel("hufflepuff")}], "ingress", [rng("udp", 53, 5353)]),
             rule("accept-slytherin-sctp-9003-9005", "Accept", [{"namespaces": nsel("slytherin")}], "ingress", [rng("sctp", 9003, 9005)]),
             rule("deny-all-houses", "Deny", [HOUSES_EXIST], "ingress")],
    egress=[rule("accept-ravenclaw-tcp-80-8080", "Accept", [{"namespaces": nsel("ravenclaw")}], "egress", [rng("tcp", 80, 8080)]),
            rule("accept-hufflepuff-udp-53-5353", "Accept", [{"namespaces": nsel("hufflepuff")}], "egress", [rng("udp", 53, 5353)]),
            rule("accept-slytherin-sctp-9003-9005", "Accept", [{"namespaces": nsel("slytherin")}], "egress", [rng("sctp", 9003, 9005)]),
            rule("deny-all-houses", "Deny", [HOUSES_EXIST], "egress")])]
cases["admin-port-range"] = (pr_pol, "conformance/tests/admin-network-policy-standard-port-range-rules.go (CNPAdminTierPortRange); policy conformance/base/admin_tier/standard-port-range-rules-combined.yaml", [
    (P("gryffindor"), P("ravenclaw"), "TCP", 80, True), (P("gryffindor"), P("ravenclaw"), "TCP", 8080, True),
    (P("gryffindor", 1), P("ravenclaw"), "UDP", 53, False),
    (P("gryffindor"), P("hufflepuff"), "UDP", 53, True), (P("gryffindor"), P("hufflepuff"), "UDP", 5353, True),
    (P("gryffindor", 1), P("hufflepuff"), "TCP", 80, False),
    (P("gryffindor"), P("slytherin"), "SCTP", 9003, True), (P("gryffindor"), P("slytherin"), "SCTP", 9005, True),
    (P("gryffindor", 1), P("slytherin"), "TCP", 80, False),
    (P("ravenclaw"), P("gryffindor"), "TCP", 80, True), (P("ravenclaw"), P("gryffindor"), "TCP", 8080, True),
    (P("ravenclaw", 1), P("gryffindor"), "UDP", 53, False),
    (P("hufflepuff"), P("gryffindor"), "UDP", 53, True), (P("hufflepuff"), P("gryffindor"), "UDP", 5353, True),
    (P("hufflepuff", 1), P("gryffindor"), "TCP", 80, False),
    (P("slytherin"), P("gryffindor"), "SCTP", 9003, True), (P("slytherin"), P("gryffindor"), "SCTP", 9005, True),
    (P("slytherin", 1), P("gryffindor"), "TCP", 80, False)])
# 10. pod selectors (subject without namespaceSelector; single pods by name label)
def podname(n): return {"matchLabels": {"statefulset.kubernetes.io/pod-name": n}}
ps_pol = [cnp("pod-selector-rules", "Admin", 20, {"pods": {"podSelector": hsel("gryffindor")}},
              ingress=[rule("deny-slytherin-pods", "Deny", [{"pods": {"podSelector": hsel("slytherin")}}], "ingress"),
                       rule("deny-cedric-diggory-0", "Deny", [{"pods": {"namespaceSelector": hsel("hufflepuff"),
                                                                        "podSelector": podname("cedric-diggory-0")}}], "ingress")],
              egress=[rule("deny-ravenclaw-pods", "Deny", [{"pods": {"podSelector": hsel("ravenclaw")}}], "egress"),
                      rule("deny-cedric-diggory-0", "Deny", [{"pods": {"namespaceSelector": hsel("hufflepuff"),
                                                                       "podSelector": podname("cedric-diggory-0")}}], "egress")]),
          cnp("pod-name-subject-rules", "Admin", 21, {"pods": {"namespaceSelector": hsel("ravenclaw"),
                                                                "podSelector": podname("luna-lovegood-0")}},
              egress=[rule("deny-slytherin", "Deny", [{"namespaces": nsel("slytherin")}], "egress")])]
cases["admin-pod-selector"] = (ps_pol, "conformance/tests/admin-network-policy-standard-pod-selector-rules.go (CNPAdminTierPodSelector); policies conformance/base/admin_tier/standard-pod-selector-rules.yaml", [
    (P("gryffindor"), P("ravenclaw"), "TCP", 80, False), (P("gryffindor"), P("hufflepuff", 0), "TCP", 80, False),
    (P("gryffindor"), P("hufflepuff", 1), "TCP", 80, True),
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("hufflepuff", 0), P("gryffindor"), "TCP", 80, False),
    (P("hufflepuff", 1), P("gryffindor"), "TCP", 80, True),
    (P("slytherin"), P("hufflepuff", 0), "TCP", 80, True),
    (P("ravenclaw", 0), P("slytherin"), "TCP", 80, False), (P("ravenclaw", 1), P("slytherin"), "TCP", 80, True)])

# 11. same priority, shared subject, disjoint rules
def sp(name, subj, peer, port):
    return cnp(name, "Admin", 15, {"namespaces": nsel(subj)},
               ingress=[rule("deny-from-%s-%d" % (peer, port), "Deny", [{"namespaces": nsel(peer)}], "ingress", [num("tcp", port)])],
               egress=[rule("deny-to-%s-%d" % (peer, port), "Deny", [{"namespaces": nsel(peer)}], "egress", [num("tcp", port)])])
cases["admin-same-priority-shared-subject"] = (
    [sp("same-priority-gryffindor-slytherin", "gryffindor", "slytherin", 80),
     sp("same-priority-gryffindor-hufflepuff", "gryffindor", "hufflepuff", 80),
     sp("same-priority-hufflepuff-slytherin", "hufflepuff", "slytherin", 8080)],
    "conformance/tests/admin-network-policy-standard-same-priority.go (CNPAdminTierSamePriority, shared-subject version); policies conformance/base/admin_tier/standard-same-priority.yaml", [
    (P("slytherin"), P("gryffindor"), "TCP", 80, False), (P("gryffindor"), P("slytherin"), "TCP", 80, False),
    (P("hufflepuff"), P("gryffindor"), "TCP", 80, False), (P("gryffindor", 1), P("hufflepuff"), "TCP", 80, False),
    (P("slytherin", 1), P("hufflepuff"), "TCP", 8080, False), (P("hufflepuff", 1), P("slytherin"), "TCP", 8080, False),
    (P("slytherin"), P("gryffindor"), "TCP", 8080, True), (P("gryffindor"), P("slytherin"), "TCP", 8080, True),
    (P("slytherin", 1), P("hufflepuff"), "TCP", 80, True), (P("hufflepuff"), P("slytherin"), "TCP", 80, True),
    (P("ravenclaw"), P("gryffindor"), "TCP", 80, True), (P("gryffindor", 1), P("ravenclaw"), "TCP", 80, True)])

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "base.yaml"), "w") as fp:
    fp.write("# Authored for netverify (issue 15): the topology of the network-policy-api conformance suite\n"
             "# (conformance/base/manifests.yaml: four houses, StatefulSets of 2 pods serving TCP 80/8080,\n"
             "# UDP 53/5353, SCTP 9003/9005; named port 'web' = TCP 80; host-network 'centaur' pods in\n"
             "# forbidden-forrest), written as Pods with addresses so per-pod verdicts can be checked.\n")
    yaml.safe_dump_all(base(), fp, sort_keys=False)
for name, (objs, src, checks) in cases.items():
    d = os.path.join(OUT, name)
    os.makedirs(os.path.join(d, "manifests"), exist_ok=True)
    if not os.path.lexists(os.path.join(d, "manifests", "base.yaml")):
        os.symlink("../../base.yaml", os.path.join(d, "manifests", "base.yaml"))
    with open(os.path.join(d, "manifests", "policy.yaml"), "w") as fp:
        fp.write("# Authored for netverify (issue 15) after %s\n" % src.split(";")[-1].strip())
        yaml.safe_dump_all(objs, fp, sort_keys=False)
    with open(os.path.join(d, "checks.yaml"), "w") as fp:
        fp.write("# Verdicts of %s\n" % src.split(";")[0].strip())
        yaml.safe_dump({"source": src, "checks": [{"from": a, "to": b, "protocol": p, "port": n,
                        "expect": "allow" if e else "deny"} for a, b, p, n, e in checks]}, fp, sort_keys=False, width=200)
print(len(cases), "cases")
