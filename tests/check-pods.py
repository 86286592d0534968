#!/usr/bin/env python3
"""check-pods.py - netverify against an evaluator of its own, pod by pod.

Random small clusters (namespaces with labels; workloads of every kind, with
replicas, rollout surge, HorizontalPodAutoscalers, several Pods of one owner
with differing labels and ports, sidecar containers; Services with numbered and
named target ports; NetworkPolicies with pod and namespace selectors,
matchExpressions, ipBlocks with except, named ports and endPort) and random
claims of every form. The evaluator below is written for this test from the
Kubernetes NetworkPolicy semantics (docs/semantics.md, docs/claims.md): it
expands every workload into its pods, judges each flow between two distinct
pods (or a pod and an external address) and decides each claim part over
those flows. It shares no code with the engine.

For each cluster it compares
  * 'check --format json --cross-check': the verdict of every claim part, the
    exit status, and that each witness is a real flow that breaks the part;
    a claim the evaluator calls an error must exit 2 with nothing on stdout;
  * 'explain --from --to --port': allowed (every distinct pod pair), blocked
    (none) or allowed for some of the pods;
  * 'list --format json': per ordered pair of workloads the union of the
    connections of their distinct pods; external ranges address by address.

Each semantic feature can be switched on separately (FEATURES below, or
--features); a disagreement is shrunk (objects, rules, claims dropped while it
persists) and the reduced cluster printed.

usage: check-pods.py NETVERIFY [--count N] [--seed S] [--features a,b|all|+a,-b]
                     [--case I] [--no-shrink] [--sabotage RULE] [--keep DIR] [-v]
"""
import argparse
import copy
import ipaddress
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

# The features this test checks by default: those netverify on main passes.
FEATURES = {"base", "explain", "explain-named", "explain-svc", "ipv6", "kind-ref", "empty-values",
            "list", "services", "sidecars", "svc-named", "svc-on", "svc-headless", "replicas",
            "hpa", "owners", "ctrl-labels", "self-error", "explain-self", "self-flows", "pod-named"}

ALL_FEATURES = {
    "base": "single-pod workloads of every kind, policies, claims of every form",
    "explain": "explain --port verdicts between distinct workloads and addresses",
    "list": "list --format json rows",
    "replicas": "workloads with several pods: replicas, rollout surge, DaemonSet, Job "
                "parallelism, CronJob concurrency",
    "hpa": "HorizontalPodAutoscalers replacing replicas by maxReplicas",
    "owners": "several Pods of one owner, with differing labels and ports",
    "ctrl-labels": "selectors on job-name, statefulset.kubernetes.io/pod-name, "
                   "apps.kubernetes.io/pod-index",
    "sidecars": "container ports of restartable init containers",
    "services": "svc NS/NAME destinations with numbered target ports",
    "svc-named": "named target ports (resolved per pod, typos give no endpoint)",
    "svc-headless": "claims naming a Service without selector, with selector {} or ExternalName",
    "svc-on": "'on' naming Service ports by name or range; an entry picking no port is an error",
    "self-error": "a claim part relating no two distinct pods is an error",
    "explain-self": "explain from a workload to itself",
    "explain-named": "explain --port NAME, the name resolved on each destination pod",
    "explain-svc": "explain --to 'svc NS/NAME' [--port SERVICE-PORT]: a verdict per Service "
                   "port, target port and workload",
    "self-flows": "list --self-flows rows w => w",
    "pod-named": "'on NAME' / 'on PROTO/NAME' toward pods: resolved on each destination pod; "
                 "when every entry is a name, pods declaring none are left out; a name no "
                 "destination pod declares is an error",
    "ipv6": "IPv6 ipBlocks, cidr claims and explain addresses",
    "kind-ref": "claims naming NS/NAME[Kind] where two kinds share a name; NS/NAME or NAME "
                "naming several workloads is an error",
    "empty-values": "empty label values, in pods, policies and claims ('tier=', 'in (front,)')",
}

PROTOS = ("TCP", "UDP", "SCTP")
NS_POOL = ["alpha", "beta", "gamma", "delta", "default"]
APPS = ["web", "api", "db", "cache"]
PORT_NAMES = ["http", "metrics", "dns", "grpc"]
PORT_NUMS = [53, 80, 443, 5432, 8080, 9090]
V4_CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.0.0/16", "0.0.0.0/0",
            "172.16.0.0/12", "8.8.8.8/32", "203.0.113.0/24"]
V6_CIDRS = ["::/0", "2001:db8::/32", "2001:db8:1::/48", "fd00::/8", "2001:db8::1/128"]
SVC_PORTS = [80, 443, 53, 9000, 8443]

# ---------------------------------------------------------------------------
# Port sets: tuples of (protocol, first, last), sorted by protocol then port,
# disjoint and merged, so equal sets are equal tuples.

def ps_norm(items):
    out = []
    for proto in PROTOS:
        merged = []
        for lo, hi in sorted((lo, hi) for p, lo, hi in items if p == proto and lo <= hi):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        out += [(proto, lo, hi) for lo, hi in merged]
    return tuple(out)


ALL = ps_norm([(p, 1, 65535) for p in PROTOS])
EMPTY = ()


def ps_union(a, b):
    return ps_norm(a + b)


def ps_inter(a, b):
    out = []
    for p, lo, hi in a:
        for q, lo2, hi2 in b:
            if p == q and max(lo, lo2) <= min(hi, hi2):
                out.append((p, max(lo, lo2), min(hi, hi2)))
    return ps_norm(out)


def ps_minus_first(a, b):
    """one (protocol, port) of a that is not in b, or None"""
    for p, lo, hi in a:
        port = lo
        while port <= hi:
            inside = [(l2, h2) for q, l2, h2 in b if q == p and l2 <= port <= h2]
            if not inside:
                return p, port
            port = inside[0][1] + 1
    return None


def ps_has(a, proto, port):
    return any(p == proto and lo <= port <= hi for p, lo, hi in a)


def ps_text(a):
    if a == ALL:
        return "All"
    parts = []
    for proto in PROTOS:
        iv = [(lo, hi) for p, lo, hi in a if p == proto]
        if iv == [(1, 65535)]:
            parts.append(proto)
        elif iv:
            parts.append(proto + " " + ",".join(str(lo) if lo == hi else "%d-%d" % (lo, hi)
                                                for lo, hi in iv))
    return ";".join(parts) or "nothing"


def ps_parse(text):
    """the conns of list --format json"""
    if text == "All":
        return ALL
    items = []
    for part in text.split(";"):
        words = part.split(" ", 1)
        if len(words) == 1:
            items.append((words[0], 1, 65535))
            continue
        for r in words[1].split(","):
            lo, _, hi = r.partition("-")
            items.append((words[0], int(lo), int(hi or lo)))
    return ps_norm(items)


# ---------------------------------------------------------------------------
# Addresses: (family, first, last) ranges; atoms are the pieces every ipBlock
# and claim CIDR boundary cuts the address space into.

def net_range(cidr):
    n = ipaddress.ip_network(cidr, strict=False)
    return (n.version, int(n.network_address), int(n.broadcast_address))


def addr_of(text):
    a = ipaddress.ip_address(text)
    return a.version, int(a)


def fmt_addr(fam, v):
    return str(ipaddress.IPv4Address(v) if fam == 4 else ipaddress.IPv6Address(v))


class Atom:
    __slots__ = ("id", "fam", "lo", "hi")

    def __init__(self, idx, fam, lo, hi):
        self.id, self.fam, self.lo, self.hi = idx, fam, lo, hi

    def __repr__(self):
        return fmt_addr(self.fam, self.lo) + "-" + fmt_addr(self.fam, self.hi)

    def inside(self, r):
        return r[0] == self.fam and r[1] <= self.lo and self.hi <= r[2]


class Pod:
    __slots__ = ("id", "ns", "name", "labels", "ports", "wl")

    def __init__(self, idx, ns, name, labels, ports, wl):
        self.id, self.ns, self.name, self.labels, self.ports, self.wl = \
            idx, ns, name, labels, ports, wl

    def __repr__(self):
        return "%s/%s[%s] pod %s" % (self.wl[0], self.wl[1], self.wl[2], self.name)


# ---------------------------------------------------------------------------
# The evaluator.

def sel_match(sel, labels):
    """a LabelSelector (matchLabels, matchExpressions); None or {} matches all"""
    if not sel:
        return True
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and k in labels and labels[k] in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def kubectl_match(reqs, labels):
    """a claim's selector (kubectl -l), as a list of (op, key, values)"""
    for op, key, vals in reqs:
        has = key in labels
        if op in ("=", "==") and labels.get(key) != vals[0]:
            return False
        if op == "!=" and has and labels[key] == vals[0]:
            return False
        if op == "in" and labels.get(key) not in vals:
            return False
        if op == "notin" and has and labels[key] in vals:
            return False
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
    return True


def meta(o):
    return o.get("metadata") or {}


def obj_ns(o):
    return meta(o).get("namespace") or "default"


def spec_ports(pod_spec):
    """(name, protocol, number) of the containers and the restartable init containers"""
    out = []
    conts = list(pod_spec.get("containers") or [])
    for c in pod_spec.get("initContainers") or []:
        if c.get("restartPolicy") == "Always":
            conts.append(c)
    for c in conts:
        for p in c.get("ports") or []:
            if "containerPort" in p:
                out.append((p.get("name"), p.get("protocol", "TCP"), p["containerPort"]))
    return out


def svc_port_picks(entry, sp):
    """a port entry of a claim's 'on' picks the Service port sp: by name, or by
    protocol and number"""
    proto, lo, hi, style = entry
    if proto == "NAME":
        return sp.get("name") == style
    return proto == sp.get("protocol", "TCP") and lo <= sp["port"] <= hi


class Model:
    """The cluster as pods and address atoms, and every flow between them."""

    def __init__(self, objs, cuts, feats, sabotage=None, v6=None):
        """v6: whether IPv6 is modelled; None: as netverify decides it for a run that
        reads these manifests and the claims the cuts come from, when the input mentions
        IPv6 (an ipBlock or claim CIDR of IPv6); else the cluster is IPv4 only"""
        self.feats, self.sabotage = feats, sabotage
        self.ns_decl = {}
        self.pods = []
        self.workloads = {}          # (ns, name, kind) -> [Pod]
        self.services = {}           # (ns, name) -> object
        self.policies = []
        hpas = {}
        for o in objs:
            k = o["kind"]
            if k == "Namespace":
                self.ns_decl[meta(o)["name"]] = dict(meta(o).get("labels") or {})
            elif k == "Service":
                self.services[(obj_ns(o), meta(o)["name"])] = o
            elif k == "NetworkPolicy":
                self.policies.append(o)
            elif k == "HorizontalPodAutoscaler":
                ref = o["spec"]["scaleTargetRef"]
                # two autoscalers of one target: either may set the replicas
                key = (obj_ns(o), ref["kind"], ref["name"])
                hpas[key] = max(hpas.get(key, 0), o["spec"]["maxReplicas"])
        for o in objs:
            self._expand(o, hpas)
        names = set(self.ns_decl) | {p.ns for p in self.pods}
        names |= {obj_ns(o) for o in self.policies} | {k[0] for k in self.services}
        self.ns_labels = {}
        for n in names:
            labels = dict(self.ns_decl.get(n, {}))
            labels["kubernetes.io/metadata.name"] = n
            self.ns_labels[n] = labels
        # address atoms, of the families the run models
        blocks = self._blocks()
        self.blocks_v6 = any(r[0] == 6 for r in blocks)
        if v6 is None:
            v6 = self.blocks_v6 or any(r[0] == 6 for r in cuts)
        self.v6 = v6
        fams = [(4, 0, (1 << 32) - 1)] + ([(6, 0, (1 << 128) - 1)] if v6 else [])
        bounds = {f: {lo, hi + 1} for f, lo, hi in fams}
        for r in cuts + blocks:
            if r[0] in bounds:
                bounds[r[0]].update((r[1], r[2] + 1))
        self.atoms = []
        base = len(self.pods)
        for f, lo, hi in fams:
            b = sorted(bounds[f])
            for x, y in zip(b, b[1:]):
                self.atoms.append(Atom(base + len(self.atoms), f, x, y - 1))
        self.ends = self.pods + self.atoms
        self.iso = {}
        for p in self.pods:
            for d in ("Ingress", "Egress"):
                self.iso[(p.id, d)] = [pol for pol in self.policies
                                       if obj_ns(pol) == p.ns and d in self._types(pol)
                                       and sel_match(pol["spec"].get("podSelector"), p.labels)]
        self.cache = {}

    # -- pods ---------------------------------------------------------------
    def _add_pods(self, ns, name, kind, template, count, extra=None):
        md = template.get("metadata") or {}
        spec = template.get("spec") or {}
        key = (ns, name, kind)
        for i in range(count):
            labels = dict(md.get("labels") or {})
            pname = "%s-%d" % (name, i)
            if extra:
                labels.update(extra(i))
            self._pod(ns, pname, labels, spec_ports(spec), key)

    def _pod(self, ns, pname, labels, ports, key):
        p = Pod(len(self.pods), ns, pname, labels, ports, key)
        self.pods.append(p)
        self.workloads.setdefault(key, []).append(p)

    def _expand(self, o, hpas):
        k, ns, name = o["kind"], obj_ns(o), meta(o).get("name")
        spec = o.get("spec") or {}

        def scaled(kind):
            r = spec.get("replicas", 1)
            if (ns, kind, name) in hpas:
                r = hpas[(ns, kind, name)]
            return max(r, 1)
        if k == "Deployment":
            r = scaled(k)
            strat = spec.get("strategy") or {}
            n = r
            if strat.get("type", "RollingUpdate") == "RollingUpdate":
                surge = (strat.get("rollingUpdate") or {}).get("maxSurge", "25%")
                if isinstance(surge, str):
                    surge = math.ceil(r * int(surge.rstrip("%")) / 100)
                if self.sabotage != "surge":
                    n += surge
            self._add_pods(ns, name, k, spec["template"], n)
        elif k in ("ReplicaSet", "ReplicationController"):
            self._add_pods(ns, name, k, spec["template"], scaled(k))
        elif k == "StatefulSet":
            self._add_pods(ns, name, k, spec["template"], scaled(k),
                           lambda i: {"statefulset.kubernetes.io/pod-name": "%s-%d" % (name, i),
                                      "apps.kubernetes.io/pod-index": str(i)})
        elif k == "DaemonSet":
            self._add_pods(ns, name, k, spec["template"], 2)
        elif k == "Job":
            self._add_pods(ns, name, k, spec["template"], max(spec.get("parallelism", 1), 1),
                           lambda i: {"job-name": name, "batch.kubernetes.io/job-name": name})
        elif k == "CronJob":
            js = spec["jobTemplate"]["spec"]
            n = max(js.get("parallelism", 1), 1)
            if spec.get("concurrencyPolicy", "Allow") == "Allow":
                n = max(n, 2)
            self._add_pods(ns, name, k, js["template"], n)
        elif k == "Pod":
            owner = [r for r in meta(o).get("ownerReferences") or [] if r.get("controller")]
            key = (ns, owner[0]["name"], owner[0]["kind"]) if owner else (ns, name, "Pod")
            self._pod(ns, name, dict(meta(o).get("labels") or {}),
                      spec_ports(spec), key)

    # -- policies -----------------------------------------------------------
    def _types(self, pol):
        spec = pol["spec"]
        if spec.get("policyTypes"):
            return set(spec["policyTypes"])
        return {"Ingress", "Egress"} if spec.get("egress") else {"Ingress"}

    def _blocks(self):
        out = []
        for pol in self.policies:
            for d in ("ingress", "egress"):
                for rule in pol["spec"].get(d) or []:
                    for peer in rule.get("from" if d == "ingress" else "to") or []:
                        b = peer.get("ipBlock")
                        if b:
                            out.append(net_range(b["cidr"]))
                            out += [net_range(e) for e in b.get("except") or []]
        return out

    def _peer(self, peer, pol_ns, other):
        if "ipBlock" in peer:
            if not isinstance(other, Atom):
                return False
            b = peer["ipBlock"]
            if not other.inside(net_range(b["cidr"])):
                return False
            if self.sabotage == "except":
                return True
            return not any(other.inside(net_range(e)) for e in b.get("except") or [])
        if isinstance(other, Atom):
            return False
        if "namespaceSelector" in peer:
            if not sel_match(peer["namespaceSelector"], self.ns_labels[other.ns]):
                return False
        elif other.ns != pol_ns:
            return False
        return sel_match(peer.get("podSelector"), other.labels)

    def _ports(self, ports, dst, src):
        if not ports:
            return ALL
        items = []
        for e in ports:
            proto = e.get("protocol", "TCP")
            port = e.get("port")
            if port is None:
                items.append((proto, 1, 65535))
            elif isinstance(port, int):
                items.append((proto, port, e.get("endPort", port)))
            else:
                on = src if self.sabotage == "named-src" else dst
                if isinstance(on, Pod):
                    items += [(proto, num, num) for n, pr, num in on.ports
                              if n == port and pr == proto]
        return ps_norm(items)

    def _side(self, pod, other, direction, src, dst):
        pols = self.iso[(pod.id, direction)]
        if not pols:
            return ALL
        acc = EMPTY
        key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for pol in pols:
            for rule in pol["spec"].get(key) or []:
                if not rule.get(peers) or any(self._peer(p, obj_ns(pol), other)
                                              for p in rule[peers]):
                    acc = ps_union(acc, self._ports(rule.get("ports"), dst, src))
        return acc

    def allowed(self, s, d):
        """the protocols and ports a flow s -> d is allowed on"""
        key = (s.id, d.id)
        if key in self.cache:
            return self.cache[key]
        assert s is not d and not (isinstance(s, Atom) and isinstance(d, Atom))
        eg = ALL if isinstance(s, Atom) else self._side(s, d, "Egress", s, d)
        res = EMPTY
        if eg:
            ing = ALL if isinstance(d, Atom) else self._side(d, s, "Ingress", s, d)
            res = ps_inter(eg, ing)
        self.cache[key] = res
        return res

    def isolated(self, pod, direction):
        return bool(self.iso[(pod.id, direction)])

    # -- services -----------------------------------------------------------
    def svc_points(self, svc, picked):
        """(pod, protocol, target port, service port) of the picked Service ports,
        and the Service ports that have no endpoint"""
        sel = svc["spec"].get("selector") or {}
        pods = [p for p in self.pods if p.ns == obj_ns(svc)
                and all(p.labels.get(k) == v for k, v in sel.items())]
        points, empty = [], []
        for sp in svc["spec"]["ports"]:
            proto = sp.get("protocol", "TCP")
            if picked is not None and not any(svc_port_picks(e, sp) for e in picked):
                continue
            tp = sp.get("targetPort", sp["port"])
            mine = []
            for p in pods:
                if isinstance(tp, int):
                    mine.append((p, proto, tp, sp["port"]))
                else:
                    nums = [num for n, pr, num in p.ports if n == tp and pr == proto]
                    if nums:
                        mine.append((p, proto, nums[0], sp["port"]))
            if not mine:
                empty.append(sp)
            points += mine
        return pods, points, empty


# ---------------------------------------------------------------------------
# Claims: sets and claims as tuples, rendered to the claim language.

class ClaimError(Exception):
    def __init__(self, tag, why):
        Exception.__init__(self, why)
        self.tag = tag


def render_reqs(reqs):
    out = []
    for op, key, vals in reqs:
        if op in ("=", "==", "!="):
            out.append(key + op + vals[0])
        elif op in ("in", "notin"):
            out.append("%s %s (%s)" % (key, op, ",".join(vals)))
        elif op == "exists":
            out.append(key)
        else:
            out.append("!" + key)
    return ",".join(out)


def render_set(s):
    k = s[0]
    if k == "wl":
        return "%s/%s" % (s[1], s[2]) + ("[%s]" % s[3] if s[3] else "")
    if k == "name":
        return s[1]
    if k == "pods":
        text = "pods " + render_reqs(s[1])
        if s[2]:
            text += " in namespace " + s[2][1] if s[2][0] == "ns" else \
                " in namespaces " + render_reqs(s[2][1])
        return text
    if k == "namespace":
        return "namespace " + s[1]
    if k == "namespaces":
        return "namespaces " + render_reqs(s[1])
    if k == "any":
        return "any"
    if k == "cidr":
        return "cidr " + ",".join(s[1]) + (" except " + ",".join(s[2]) if s[2] else "")
    if k == "svc":
        return "svc %s/%s" % (s[1], s[2])
    raise ValueError(s)


def render_ports(ports):
    out = []
    for proto, lo, hi, style in ports:
        text = str(lo) if lo == hi else "%d-%d" % (lo, hi)
        if proto == "PNAME":
            out.append(style[1] if style[0] is None else style[0].lower() + "/" + style[1])
            continue
        out.append(style if proto == "NAME" else text if style else proto.lower() + "/" + text)
    return ",".join(out)


def render_claim(c):
    if c["form"] == "isolated":
        return render_set(c["A"]) + " is isolated" + (" for " + c["dir"] if c["dir"] else "")
    text = ("only " if c["only"] else "") + render_set(c["A"])
    text += " reaches " if c["form"] == "reaches" else " cannot reach "
    text += render_set(c["B"])
    if c["ports"]:
        text += " on " + render_ports(c["ports"])
    return text


def claim_cuts(claims):
    out = []
    for c in claims:
        for s in (c["A"], c.get("B")):
            if s and s[0] == "cidr":
                out += [net_range(x) for x in s[1] + s[2]]
    return out


def resolve_set(m, s):
    """(frozenset of pod ids, frozenset of atom ids)"""
    k = s[0]
    pods, atoms = [], []
    if k == "wl":
        keys = [w for w in m.workloads if w[0] == s[1] and w[1] == s[2]
                and (s[3] is None or w[2] == s[3])]
        if len(keys) > 1:
            raise ClaimError("kind-ref", "%s names %d workloads" % (render_set(s), len(keys)))
        pods = [p for w in keys for p in m.workloads[w]]
    elif k == "name":
        keys = [w for w in m.workloads if w[1] == s[1]]
        if len(keys) > 1:
            raise ClaimError("kind-ref", "%s names %d workloads" % (render_set(s), len(keys)))
        pods = [p for w in keys for p in m.workloads[w]]
    elif k == "pods":
        pods = [p for p in m.pods if kubectl_match(s[1], p.labels)]
        if s[2] and s[2][0] == "ns":
            pods = [p for p in pods if p.ns == s[2][1]]
        elif s[2]:
            pods = [p for p in pods if kubectl_match(s[2][1], m.ns_labels[p.ns])]
    elif k == "namespace":
        pods = [p for p in m.pods if p.ns == s[1]]
    elif k == "namespaces":
        pods = [p for p in m.pods if kubectl_match(s[1], m.ns_labels[p.ns])]
    elif k == "any":
        pods, atoms = m.pods, m.atoms
    elif k == "cidr":
        inc = [net_range(x) for x in s[1]]
        exc = [net_range(x) for x in s[2]]
        atoms = [a for a in m.atoms if any(a.inside(r) for r in inc)
                 and not any(a.inside(r) for r in exc)]
    elif k == "svc":
        svc = m.services.get((s[1], s[2]))
        if svc is None:
            raise ClaimError("nothing", "no Service " + render_set(s))
        if not svc["spec"].get("selector") or svc["spec"].get("type") == "ExternalName":
            raise ClaimError("svc-headless", render_set(s) + " has no selector of its own")
        pods = m.svc_points(svc, None)[0]
    if not pods and not atoms:
        raise ClaimError("nothing", render_set(s) + " matches nothing")
    return frozenset(p.id for p in pods), frozenset(a.id for a in atoms)


class Part:
    """one claim part: name, verdict, and what its witness must be"""

    def __init__(self, name, holds, check, example):
        self.name, self.holds, self.check, self.example = name, holds, check, example


def eval_claim(m, c):
    """[Part] or raise ClaimError"""
    a_pods, a_atoms = resolve_set(m, c["A"])
    A = a_pods | a_atoms
    if c["form"] == "isolated":
        dirs = [c["dir"].capitalize()] if c["dir"] else ["Ingress", "Egress"]
        pods = [m.ends[i] for i in sorted(a_pods)]
        bad = [(p, d) for p in pods for d in dirs if not m.isolated(p, d)]

        def check(w):
            d = (w.get("direction") or "").capitalize()
            return d in dirs and any(not m.isolated(p, d)
                                     for p in witness_ends(m, w.get("src")) if p.id in a_pods)
        return [Part("is isolated", not bad, check,
                     "%s not isolated for %s" % bad[0] if bad else None)]
    B = c["B"]
    if a_atoms and not a_pods and B[0] == "cidr" and not c["only"]:
        raise ClaimError("nothing", "a claim between external addresses only")
    ports = c["ports"]
    P = ps_norm([(p, lo, hi) for p, lo, hi, _ in ports if p not in ("NAME", "PNAME")]) \
        if ports else None
    names = [e for e in ports or [] if e[0] == "PNAME"]
    # destination points: (endpoint, port set wanted, service port or None)
    if B[0] == "svc":
        resolve_set(m, B)
        svc = m.services[(B[1], B[2])]
        for e in ports or []:
            if not any(svc_port_picks(e, sp) for sp in svc["spec"]["ports"]):
                raise ClaimError("svc-on", "'on %s' picks no port of %s"
                                 % (render_ports([e]), render_set(B)))
        _, pts, empty = m.svc_points(svc, ports or None)
        if empty:
            raise ClaimError("svc-named", "Service port %s of %s has no endpoint"
                             % (empty[0]["port"], render_set(B)))
        points = [(p, ps_norm([(proto, t, t)]), sp) for p, proto, t, sp in pts]
        need_all = True
    elif names:
        # container port names, resolved on each destination pod
        b_pods, b_atoms = resolve_set(m, B)
        dests = [m.ends[i] for i in sorted(b_pods)]

        def on_pod(pod, e):
            proto, name = e[3]
            return [(pr, num, num) for n, pr, num in pod.ports
                    if n == name and (proto is None or pr == proto)]
        for e in names:
            if not any(on_pod(p, e) for p in dests):
                raise ClaimError("pod-named", "no pod of %s declares %s"
                                 % (render_set(B), render_ports([e])))
        all_named = len(names) == len(ports)
        points = []
        for p in dests:
            res = [x for e in names for x in on_pod(p, e)]
            if res or not all_named:
                points.append((p, ps_norm([(q, lo, hi) for q, lo, hi, _ in ports
                                           if q not in ("NAME", "PNAME")] + res), None))
        if not all_named:
            points += [(m.ends[i], P, None) for i in sorted(b_atoms)]
        need_all = True
    else:
        b_pods, b_atoms = resolve_set(m, B)
        points = [(m.ends[i], P or ALL, None) for i in sorted(b_pods | b_atoms)]
        need_all = P is not None

    def pairs(srcs):
        for s in srcs:
            for d, want, sp in points:
                if s is d or (isinstance(s, Atom) and isinstance(d, Atom)):
                    continue
                yield s, d, want, sp
    srcs = [m.ends[i] for i in sorted(A)]
    outside = [e for e in m.ends if e.id not in A]
    parts = []
    if c["form"] == "reaches":
        prs = list(pairs(srcs))
        if not prs:
            raise ClaimError("self-error", "the reaches part relates no two distinct pods")
        bad = []
        for s, d, want, sp in prs:
            got = ps_inter(want, m.allowed(s, d))
            if (got != want) if need_all else not got:
                bad.append((s, d, ps_minus_first(want, got) if need_all else None))

        def check_r(w, prs=prs):
            # blocked on the port named (or on every port of 'want'); without 'on'
            # a pair is a counterexample only when no port at all is allowed
            if w.get("allowed") is not False:
                return False
            return any(witness_fits(m, w, s, d, want, sp, lambda g, x: not ps_inter(x, g)
                                    if w.get("port") is None else not ps_has(g, *x))
                       and (need_all or not m.allowed(s, d)) for s, d, want, sp in prs)
        parts.append(Part("reaches", not bad, check_r, flow_text(bad)))
        if not c["only"]:
            return parts
        srcs = outside
    prs = list(pairs(srcs))
    if not prs:
        raise ClaimError("self-error", "the %s part relates no two distinct pods"
                         % ("only" if c["only"] else "cannot reach"))
    bad = [(s, d, ps_minus_first(ps_inter(want, m.allowed(s, d)), EMPTY))
           for s, d, want, sp in prs if ps_inter(want, m.allowed(s, d))]

    def check_c(w, prs=prs):
        if w.get("allowed") is not True:
            return False
        return any(witness_fits(m, w, s, d, want, sp, lambda g, x: bool(ps_inter(x, g))
                                if w.get("port") is None else ps_has(g, *x))
                   for s, d, want, sp in prs)
    parts.append(Part("only" if c["only"] else "cannot reach", not bad, check_c, flow_text(bad)))
    return parts


def flow_text(bad):
    if not bad:
        return None
    s, d, port = bad[0]
    return "%s -> %s%s" % (s, d, " on %s %d" % port if port else " on every port")


def witness_ends(m, ep):
    """the pods or atom a witness endpoint names"""
    if not isinstance(ep, dict):
        return []
    if ep.get("kind") == "External" or "address" in ep:
        try:
            f, v = addr_of(ep["address"])
        except (KeyError, ValueError):
            return []
        return [a for a in m.atoms if a.fam == f and a.lo <= v <= a.hi]
    ns, _, name = (ep.get("workload") or "").partition("/")
    pods = m.workloads.get((ns, name, ep.get("kind")), [])
    if ep.get("pod") is not None:
        named = [p for p in pods if p.name == ep["pod"]]
        if named:
            return named
    return pods


def witness_fits(m, w, s, d, want, sp, verdict):
    """the witness w names the flow s -> d, on a port of 'want' (or the Service
    port sp), and verdict(allowed set, port) says it breaks the part"""
    src, dst = w.get("src") or {}, w.get("dst") or {}
    if src.get("pod") is not None and src == dst:
        return False          # one pod named as both ends: no flow
    if s not in witness_ends(m, w.get("src")) or d not in witness_ends(m, w.get("dst")):
        return False
    got = m.allowed(s, d)
    if w.get("port") is None:
        return verdict(got, want)
    proto, port = w.get("protocol"), w["port"]
    if ps_has(want, proto, port):
        return verdict(got, (proto, port))
    if sp is not None and port == sp and want and want[0][0] == proto:
        return verdict(got, (proto, want[0][1]))
    return False


# ---------------------------------------------------------------------------
# The generator.

def rand_sel(rng, pool):
    """a LabelSelector over the (key, values) of pool"""
    if rng.random() < 0.2:
        return {}
    sel = {}
    for _ in range(rng.choice([1, 1, 1, 2])):
        key, vals = rng.choice(pool)
        if rng.random() < 0.55:
            sel.setdefault("matchLabels", {})[key] = rng.choice(vals)
        else:
            op = rng.choice(["In", "NotIn", "Exists", "DoesNotExist"])
            e = {"key": key, "operator": op}
            if op in ("In", "NotIn"):
                e["values"] = sorted(rng.sample(vals, rng.randint(1, min(2, len(vals)))))
            sel.setdefault("matchExpressions", []).append(e)
    return sel


def rand_reqs(rng, pool):
    """a kubectl selector over pool"""
    reqs = []
    for _ in range(rng.choice([1, 1, 2])):
        key, vals = rng.choice(pool)
        op = rng.choice(["=", "=", "==", "!=", "in", "notin", "exists", "!"])
        if op in ("in", "notin"):
            vs = sorted(rng.sample(vals, rng.randint(1, min(2, len(vals)))))
            if vs == [""]:
                vs = sorted(vs + [v for v in vals if v][:1])    # 'in (front,)', never 'in ()'
            reqs.append((op, key, vs))
        elif op in ("exists", "!"):
            reqs.append((op, key, []))
        else:
            reqs.append((op, key, [rng.choice(vals)]))
    return reqs


class Gen:
    def __init__(self, rng, feats):
        self.rng, self.f = rng, feats

    def on(self, feat):
        return feat in self.f

    def container_ports(self, names):
        rng = self.rng
        out = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            p = {"containerPort": rng.choice(PORT_NUMS + [81, 8081])}
            if rng.random() < 0.25:
                p["protocol"] = rng.choice(["UDP", "SCTP"])
            if rng.random() < 0.75 and names:
                n = names.pop(rng.randrange(len(names)))
                p["name"] = n
                if n == "dns" and rng.random() < 0.7:
                    p["protocol"] = "UDP"
            if any(q["containerPort"] == p["containerPort"] and
                   q.get("protocol", "TCP") == p.get("protocol", "TCP") for q in out):
                continue
            out.append(p)
        return out

    def pod_spec(self):
        rng = self.rng
        names = list(PORT_NAMES)
        spec = {"containers": []}
        for i in range(rng.choice([1, 1, 2])):
            c = {"name": "c%d" % i, "image": "example/app:1"}
            ports = self.container_ports(names)
            if ports:
                c["ports"] = ports
            spec["containers"].append(c)
        if rng.random() < 0.35:
            c = {"name": "init", "image": "example/init:1"}
            if self.on("sidecars") and rng.random() < 0.7:
                c["restartPolicy"] = "Always"
            ports = self.container_ports(names)
            if ports:
                c["ports"] = ports
            spec["initContainers"] = [c]
        return spec

    def labels(self):
        rng = self.rng
        labels = {"app": rng.choice(APPS)}
        if rng.random() < 0.5:
            labels["tier"] = rng.choice(["front", "back"] + [""] * self.on("empty-values"))
        if rng.random() < 0.3:
            labels["ver"] = rng.choice(["1", "2"])
        return labels

    def template(self, labels, restart=None):
        spec = self.pod_spec()
        if restart:
            spec["restartPolicy"] = restart
        return {"metadata": {"labels": labels}, "spec": spec}

    def replicas(self, spec, key="replicas"):
        rng = self.rng
        if self.on("replicas"):
            r = rng.choice([None, 0, 1, 2, 3])
        else:
            r = rng.choice([None, 1])
        if r is not None:
            spec[key] = r

    def workload(self, kind, name, ns):
        rng = self.rng
        labels = self.labels()
        md = {"name": name, "namespace": ns}
        if kind == "Pod":
            return [{"apiVersion": "v1", "kind": "Pod",
                     "metadata": dict(md, labels=labels), "spec": self.pod_spec()}]
        if kind == "owned":
            n = rng.randint(2, 3) if self.on("owners") else 1
            owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name,
                     "uid": "0000-%s" % name, "controller": True}
            out = []
            for i in range(n):
                lab = dict(labels)
                if i and rng.random() < 0.6:
                    lab = self.labels() if rng.random() < 0.3 else dict(lab, ver=str(i))
                r = rng.random()
                if i == 0 or r < 0.4:
                    spec = self.pod_spec()
                else:
                    spec = copy.deepcopy(out[0]["spec"])
                    if r < 0.7:     # the same port names on other numbers
                        for c in spec["containers"] + spec.get("initContainers", []):
                            for p in c.get("ports", []):
                                n = p["containerPort"]
                                p["containerPort"] = PORT_NUMS[(PORT_NUMS.index(n) + 1) % len(
                                    PORT_NUMS)] if n in PORT_NUMS else n + 1
                out.append({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": "%s-x%d" % (name, i), "namespace": ns,
                                         "labels": lab, "ownerReferences": [owner]},
                            "spec": spec})
            return out
        spec = {"selector": {"matchLabels": labels}}
        api = "apps/v1"
        if kind == "Deployment":
            self.replicas(spec)
            s = rng.random()
            if not self.on("replicas"):
                spec["strategy"] = rng.choice([{"type": "Recreate"},
                                               {"type": "RollingUpdate",
                                                "rollingUpdate": {"maxSurge": 0}}])
            elif s < 0.25:
                spec["strategy"] = {"type": "Recreate"}
            elif s < 0.6:
                spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {
                    "maxSurge": rng.choice([0, 1, 2, "25%", "50%", "100%", "0%"])}}
            spec["template"] = self.template(labels)
        elif kind in ("ReplicaSet", "StatefulSet"):
            self.replicas(spec)
            if kind == "StatefulSet":
                spec["serviceName"] = name
            spec["template"] = self.template(labels)
        elif kind == "ReplicationController":
            api = "v1"
            spec = {"selector": labels}
            self.replicas(spec)
            spec["template"] = self.template(labels)
        elif kind == "DaemonSet":
            spec["template"] = self.template(labels)
        elif kind in ("Job", "CronJob"):
            api = "batch/v1"
            js = {}
            self.replicas(js, "parallelism")
            if js.get("parallelism") == 0:
                js["parallelism"] = 1
            js["template"] = self.template(labels, "Never" if kind == "Job" else "OnFailure")
            spec = js if kind == "Job" else {"schedule": "*/5 * * * *",
                                              "jobTemplate": {"spec": js}}
        if kind == "CronJob":
            cp = rng.choice([None, "Allow", "Forbid", "Replace"]) if self.on("replicas") \
                else rng.choice(["Forbid", "Replace"])
            if cp:
                spec["concurrencyPolicy"] = cp
        return [{"apiVersion": api, "kind": kind, "metadata": md, "spec": spec}]

    def cluster(self):
        rng = self.rng
        nss = rng.sample(NS_POOL, rng.randint(2, 4))
        objs = []
        for ns in nss:
            if rng.random() < 0.8:
                lab = {"env": rng.choice(["prod", "dev"])}
                if rng.random() < 0.5:
                    lab["team"] = rng.choice(["a", "b"])
                objs.append({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": ns, "labels": lab}})
        kinds = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Job",
                 "CronJob", "Pod", "Pod", "owned"]
        if self.on("replicas"):
            kinds.append("DaemonSet")
        abbrev = {"Deployment": "dep", "StatefulSet": "sts", "ReplicaSet": "rs",
                  "ReplicationController": "rc", "Job": "job", "CronJob": "cj", "Pod": "pod",
                  "owned": "own", "DaemonSet": "ds"}
        wls = []
        for i in range(rng.randint(3, 8)):
            kind = rng.choice(kinds)
            name = "%s%d" % (abbrev[kind], i)
            ns = rng.choice(nss)
            objs += self.workload(kind, name, ns)
            wls.append((kind, name, ns))
        if self.on("kind-ref") and rng.random() < 0.3:
            kind, name, ns = rng.choice([w for w in wls if w[0] != "owned"])
            other = rng.choice([k for k in ("Deployment", "StatefulSet", "Pod") if k != kind])
            objs += self.workload(other, name, ns)
        if self.on("hpa"):
            for i in range(rng.randint(0, 2)):
                cands = [w for w in wls if w[0] in ("Deployment", "StatefulSet", "ReplicaSet")]
                if not cands:
                    break
                kind, name, ns = rng.choice(cands)
                if rng.random() < 0.15:
                    ns = rng.choice(nss)
                if rng.random() < 0.1:
                    kind = rng.choice(["Deployment", "StatefulSet"])
                objs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                             "metadata": {"name": "hpa%d-%s" % (i, name), "namespace": ns},
                             "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind,
                                                         "name": name},
                                      "minReplicas": 1, "maxReplicas": rng.randint(1, 4)}})
        if self.on("services"):
            for i in range(rng.randint(0, 3)):
                objs.append(self.service("svc%d" % i, rng.choice(nss)))
        self.objs = objs
        pool = self.label_pool()
        for i in range(rng.randint(1, 6)):
            objs.append(self.policy("np%d" % i, rng.choice(nss), pool))
        for o in objs:      # an object without metadata.namespace is in 'default'
            if o["kind"] != "Namespace" and meta(o).get("namespace") == "default" and \
                    rng.random() < 0.5:
                del o["metadata"]["namespace"]
        return objs

    def label_pool(self):
        pool = [("app", APPS), ("tier", ["front", "back"] + [""] * self.on("empty-values")),
                ("ver", ["1", "2"])]
        if self.on("ctrl-labels"):
            jobs = [meta(o)["name"] for o in self.objs if o["kind"] == "Job"]
            cron = any(o["kind"] == "CronJob" for o in self.objs)
            if jobs and not cron:
                pool += [("job-name", jobs), ("batch.kubernetes.io/job-name", jobs)]
            sts = [meta(o)["name"] for o in self.objs if o["kind"] == "StatefulSet"]
            if sts:
                pool += [("statefulset.kubernetes.io/pod-name",
                          ["%s-%d" % (n, i) for n in sts for i in range(3)]),
                         ("apps.kubernetes.io/pod-index", ["0", "1", "2"])]
        return pool

    def service(self, name, ns):
        rng = self.rng
        spec = {"selector": {"app": rng.choice(APPS)}}
        if rng.random() < 0.3:
            spec["selector"]["tier"] = rng.choice(["front", "back"])
        if self.on("svc-headless") and rng.random() < 0.25:
            r = rng.random()
            if r < 0.33:
                spec["selector"] = {}
            elif r < 0.66:
                del spec["selector"]
            else:
                spec["type"] = "ExternalName"
                spec["externalName"] = "db.example.com"
        ports = []
        for i, num in enumerate(rng.sample(SVC_PORTS, rng.randint(1, 2))):
            # Service port names may be container port names too: 'on http' names
            # the Service port, never a target port
            sp = {"name": rng.choice(["p%d" % i, "web"] + PORT_NAMES[:2]) if i or
                  rng.random() < 0.5 else "p%d" % i, "port": num}
            if ports and sp["name"] == ports[0]["name"]:
                sp["name"] = "p%d" % i
            if rng.random() < 0.25:
                sp["protocol"] = "UDP"
            r = rng.random()
            if self.on("svc-named") and r < 0.55:
                sp["targetPort"] = rng.choice(PORT_NAMES + ["htpp"])
            elif r < 0.8:
                sp["targetPort"] = rng.choice(PORT_NUMS + [81])
            ports.append(sp)
        spec["ports"] = ports
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                "spec": spec}

    def peer(self, pool):
        rng = self.rng
        r = rng.random()
        ns_pool = [("env", ["prod", "dev"]), ("team", ["a", "b"]),
                   ("kubernetes.io/metadata.name", NS_POOL)]
        if r < 0.3:
            return {"podSelector": rand_sel(rng, pool)}
        if r < 0.5:
            return {"namespaceSelector": rand_sel(rng, ns_pool)}
        if r < 0.7:
            return {"namespaceSelector": rand_sel(rng, ns_pool), "podSelector": rand_sel(rng, pool)}
        cidrs = V4_CIDRS + (V6_CIDRS if self.on("ipv6") else [])
        cidr = rng.choice(cidrs)
        block = {"cidr": cidr}
        net = ipaddress.ip_network(cidr)
        if net.prefixlen < net.max_prefixlen - 8 and rng.random() < 0.5:
            new = min(net.prefixlen + rng.randint(1, 8), net.max_prefixlen)
            sub = net.subnets(new_prefix=new)
            subs = [str(x) for x, _ in zip(sub, range(4))]
            block["except"] = rng.sample(subs, rng.randint(1, min(2, len(subs))))
        return {"ipBlock": block}

    def port(self):
        rng = self.rng
        if rng.random() < 0.25:
            p = {"port": rng.choice(PORT_NAMES)}
            if p["port"] == "dns" or rng.random() < 0.2:
                p["protocol"] = rng.choice(["UDP", "TCP"])
            return p
        p = {"protocol": rng.choice(["UDP", "SCTP", "TCP"])} if rng.random() < 0.3 else {}
        r = rng.random()
        if r < 0.9:
            p["port"] = rng.choice(PORT_NUMS)
        if r < 0.18:
            p["endPort"] = p["port"] + rng.randint(0, 100)
        return p

    def rule(self, key, pool):
        rng = self.rng
        rule = {}
        if rng.random() < 0.8:
            rule[key] = [self.peer(pool) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.6:
            rule["ports"] = [self.port() for _ in range(rng.randint(1, 2))]
        return rule

    def policy(self, name, ns, pool):
        rng = self.rng
        spec = {"podSelector": rand_sel(rng, pool)}
        types = rng.choice([["Ingress"], ["Egress"], ["Ingress", "Egress"], None])
        if types:
            spec["policyTypes"] = types
        if (types is None or "Ingress" in types) and rng.random() < 0.8:
            spec["ingress"] = [self.rule("from", pool) for _ in range(rng.randint(0, 2))]
        if (types is None or "Egress" in types) and rng.random() < (0.3 if types is None else 0.8):
            spec["egress"] = [self.rule("to", pool) for _ in range(rng.randint(0, 2))]
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": ns}, "spec": spec}

    # -- claims -------------------------------------------------------------
    def claim_set(self, m, dest):
        rng = self.rng
        pool = self.label_pool()
        wls = sorted(m.workloads)
        r = rng.random()
        if self.on("services") and m.services and r < (0.25 if dest else 0.08):
            ns, name = rng.choice(sorted(m.services))
            return ("svc", ns, name)
        r = rng.random()
        if r < 0.3:
            w = rng.choice(wls)
            shared = [x for x in wls if x[:2] == w[:2] and x != w]
            if shared and not self.on("kind-ref"):
                return self.claim_set(m, dest)
            if rng.random() < 0.3 and (self.on("kind-ref") or
                                       len([x for x in wls if x[1] == w[1]]) == 1):
                return ("name", w[1])        # ambiguous when two kinds share it
            kind = shared and rng.random() < 0.75 or rng.random() < 0.1 and self.on("kind-ref")
            return ("wl", w[0], w[1], w[2] if kind else None)
        if r < 0.6:
            nsref = None
            if rng.random() < 0.3:
                nsref = ("ns", rng.choice(sorted(m.ns_labels)))
            elif rng.random() < 0.15:
                nsref = ("nss", rand_reqs(rng, [("env", ["prod", "dev"]), ("team", ["a", "b"])]))
            return ("pods", rand_reqs(rng, pool), nsref)
        if r < 0.7:
            return ("namespace", rng.choice(sorted(m.ns_labels)))
        if r < 0.78:
            return ("namespaces", rand_reqs(rng, [("env", ["prod", "dev"]), ("team", ["a", "b"])]))
        if r < 0.82:
            return ("any",)
        cidrs = V4_CIDRS + (V6_CIDRS if self.on("ipv6") else [])
        inc = rng.sample(cidrs, rng.choice([1, 1, 2]))
        exc = []
        net = ipaddress.ip_network(inc[0])
        if net.prefixlen < net.max_prefixlen - 4 and rng.random() < 0.3:
            exc = [str(next(net.subnets(new_prefix=net.prefixlen + rng.randint(1, 4))))]
        return ("cidr", inc, exc)

    def claim_ports(self, m, B):
        rng = self.rng
        if B[0] == "svc":
            svc = m.services[(B[1], B[2])]
            sps = svc["spec"]["ports"]
            out = []
            for sp in rng.sample(sps, rng.randint(1, len(sps))):
                proto = sp.get("protocol", "TCP")
                r = rng.random()
                if self.on("svc-on") and r < 0.25 and sp.get("name"):
                    out.append(("NAME", 0, 0, sp["name"]))
                elif self.on("svc-on") and r < 0.4:
                    lo = rng.randint(1, sp["port"])
                    out.append((proto, lo, rng.randint(sp["port"], 65535), False))
                else:
                    out.append((proto, sp["port"], sp["port"], proto == "TCP" and r < 0.7))
            if self.on("svc-on") and rng.random() < 0.1:
                out.append(rng.choice([("TCP", 7777, 7777, False), ("NAME", 0, 0, "nope")]))
            return out
        out = []
        if self.on("pod-named") and rng.random() < 0.35:
            declared = sorted({(n, pr) for p in m.pods for n, pr, _ in p.ports if n})
            if declared and rng.random() < 0.9:
                name, proto = rng.choice(declared)
            else:
                name, proto = "nope", "TCP"
            if rng.random() < 0.6:
                proto = None
            elif rng.random() < 0.2:
                proto = rng.choice(["TCP", "UDP", "SCTP"])
            out.append(("PNAME", 0, 0, (proto, name)))
            if rng.random() < 0.7:
                return out
        for _ in range(rng.choice([1, 1, 2])):
            proto = rng.choice(["TCP", "TCP", "UDP", "SCTP"])
            lo = rng.choice(PORT_NUMS + [81, 1, 65535])
            hi = lo
            if rng.random() < 0.15:
                hi = min(65535, lo + rng.choice([1, 10, 1000]))
            out.append((proto, lo, hi, proto == "TCP" and rng.random() < 0.3))
        return out

    def claim(self, m):
        rng = self.rng
        r = rng.random()
        if r < 0.12:
            A = self.claim_set(m, False)
            while A[0] in ("cidr", "any"):
                A = self.claim_set(m, False)
            return {"form": "isolated", "A": A, "dir": rng.choice([None, "ingress", "egress"])}
        form = "reaches" if r < 0.6 else "cannot"
        only = form == "reaches" and rng.random() < 0.3
        A = self.claim_set(m, False)
        while only and A[0] == "any" and not self.on("self-error"):   # 'only any': an error
            A = self.claim_set(m, False)
        B = self.claim_set(m, True)
        if rng.random() < 0.15 and A[0] not in ("cidr", "any"):
            B = A           # among the pods of one set: replicas reach each other
        if B[0] == "svc" and rng.random() < 0.25:
            # from a workload the Service sends to: its own pods are endpoints too
            sel = m.services[(B[1], B[2])]["spec"].get("selector") or {}
            wls = sorted({p.wl for p in m.pods if p.ns == B[1] and sel and
                          all(p.labels.get(k) == v for k, v in sel.items())})
            if wls:
                w = rng.choice(wls)
                A = ("wl", w[0], w[1], w[2] if [x for x in m.workloads if x[:2] == w[:2] and
                                                 x != w] else None)
        ports = self.claim_ports(m, B) if rng.random() < 0.65 else None
        return {"form": form, "only": only, "A": A, "B": B, "ports": ports}


# ---------------------------------------------------------------------------
# Running netverify and comparing.

PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9./_-]*$")
RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if PLAIN.match(v) and v.lower() not in RESERVED:
        return v
    return json.dumps(v)


def to_yaml(v, indent=0):
    """block YAML for the reproducers (strings quoted)"""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return pad + "{}\n"
        out = ""
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out += pad + yaml_scalar(k) + ":\n" + to_yaml(x, indent + 2)
            else:
                out += pad + yaml_scalar(k) + ": " + to_yaml(x, 0).strip() + "\n"
        return out
    if isinstance(v, list):
        if not v:
            return pad + "[]\n"
        out = ""
        for x in v:
            text = to_yaml(x, indent + 2)
            out += pad + "- " + text[indent + 2:]
        return out
    return pad + yaml_scalar(v) + "\n"


def write_case(folder, objs, claims):
    with open(os.path.join(folder, "cluster.yaml"), "w") as fp:
        fp.write("".join("---\n" + to_yaml(o) for o in objs))
    with open(os.path.join(folder, "claims.yaml"), "w") as fp:
        fp.write("claims:\n" + "".join("  - %s\n" % json.dumps(render_claim(c)) for c in claims))


# What the evaluator implements of the behaviours Kubernetes leaves to the network plugin:
# ipBlocks match only addresses outside the cluster, hostNetwork pods are ordinary pods.
PLUGIN = ["--ipblock-matches-pods", "false", "--host-network", "pod"]


def run(nv, args, cwd):
    try:
        p = subprocess.run([nv] + args[:1] + PLUGIN + args[1:], capture_output=True, text=True,
                           timeout=120, cwd=cwd)
    except subprocess.TimeoutExpired:
        return 124, "", "error: no answer in 120 s"
    return p.returncode, p.stdout, p.stderr


class Case:
    """one cluster with its claims, explain flows and list options"""

    def __init__(self, objs, claims, errors, explains, lists):
        self.objs, self.claims, self.errors, self.explains, self.lists = \
            objs, claims, errors, explains, lists

    def copy(self, **kw):
        c = Case(self.objs, self.claims, self.errors, self.explains, self.lists)
        c.__dict__.update(kw)
        return c


def make_model(case, feats, sabotage, v6=None):
    return Model(case.objs, claim_cuts(case.claims + case.errors), feats, sabotage, v6)


def names_v6(claims):
    """whether some claim names an IPv6 CIDR (which makes netverify model IPv6)"""
    return any(r[0] == 6 for r in claim_cuts(claims))


def is_v6_addr(text):
    try:
        return ipaddress.ip_address(text).version == 6
    except ValueError:
        return False


def classify(m, claims, feats):
    """split claims into (valid, errors) by the evaluator; drop those whose outcome
    depends on a feature switched off"""
    ok, bad = [], []
    for c in claims:
        try:
            eval_claim(m, c)
            ok.append(c)
        except ClaimError as e:
            if e.tag != "nothing" and e.tag not in feats:
                continue
            bad.append((e.tag, c))
    return ok, bad


def compare(nv, case, feats, sabotage, tmp, only_kind=None):
    """[(kind, message)] of every disagreement"""
    try:
        m = make_model(case, feats, sabotage)
    except Exception as e:   # a shrink step that broke a manifest the evaluator needs
        return [("invalid", "evaluator: %r" % e)]
    # each run models IPv6 only when its own input mentions it: the manifests, its claims,
    # its explain addresses
    models = {m.v6: m}

    def model_for(v6):
        if v6 not in models:
            models[v6] = make_model(case, feats, sabotage, v6)
        return models[v6]
    write_case(tmp, case.objs, case.claims)
    out = []
    if only_kind in (None, "check", "witness", "check-exit", "cross-check"):
        out += compare_check(nv, model_for(m.blocks_v6 or names_v6(case.claims)), case, tmp)
    if only_kind is None or only_kind.startswith("error-claim"):
        for c in case.errors:
            m = model_for(m.blocks_v6 or names_v6([c]))
            write_case(tmp, case.objs, [c])
            rc, so, se = run(nv, ["check", "cluster.yaml", "--claims", "claims.yaml",
                                  "--format", "json", "--cross-check"], tmp)
            if rc != 2 or so:
                try:
                    eval_claim(m, c)
                    tag, why = "none", "?"
                except ClaimError as e:
                    tag, why = e.tag, str(e)
                try:
                    got = "exits %d, %s" % (rc, ", ".join(
                        "%s %s" % (p["part"], verdict_word(p["holds"]))
                        for p in json.loads(so)["claims"][0]["parts"]))
                except (ValueError, KeyError, IndexError, TypeError):
                    got = "exits %d: %s" % (rc, (so + se).strip()[:300])
                out.append(("error-claim:" + tag, "claim %r: the evaluator says error (%s), "
                            "netverify %s" % (render_claim(c), why, got)))
        write_case(tmp, case.objs, case.claims)
    if only_kind in (None, "explain"):
        for e in case.explains:
            v6 = m.blocks_v6 or is_v6_addr(e[0]) or is_v6_addr(e[1])
            out += compare_explain(nv, model_for(v6), case.copy(explains=[e]), tmp)
    if only_kind in (None, "list"):
        out += compare_list(nv, model_for(m.blocks_v6), case, tmp)
    return out


def bad_exit(what, rc, stderr):
    """netverify refused an input the evaluator accepts (exit 2), or worse"""
    lines = stderr.strip().splitlines()
    errs = [x for x in lines if "error" in x] or lines
    return ("refused" if rc == 2 else "crash",
            "%s: exit %d: %s" % (what, rc, " | ".join(errs[:3])[:400]))


def compare_check(nv, m, case, tmp):
    if not case.claims:
        return []
    rc, so, se = run(nv, ["check", "cluster.yaml", "--claims", "claims.yaml", "--format", "json",
                          "--cross-check"], tmp)
    if rc == 3:
        return [("cross-check", "exit 3: " + se.strip()[:600])]
    try:
        doc = json.loads(so)
        got = doc["claims"]
    except (ValueError, KeyError, TypeError):
        return [bad_exit("check", rc, se)]
    out = []
    want_rc = 0
    for c, g in zip(case.claims, got):
        parts = eval_claim(m, c)
        text = render_claim(c)
        names = [p.name for p in parts]
        gparts = g.get("parts") or []
        if [p.get("part") for p in gparts] != names:
            out.append(("check", "claim %r: parts %s, expected %s"
                        % (text, [p.get("part") for p in gparts], names)))
            continue
        for p, gp in zip(parts, gparts):
            if not p.holds:
                want_rc = 1
            if gp.get("holds") != p.holds:
                out.append(("check", "claim %r, part %s: netverify says %s, the evaluator %s%s"
                            % (text, p.name, verdict_word(gp.get("holds")),
                               verdict_word(p.holds), " (%s)" % p.example if p.example else "")))
            elif not p.holds:
                w = gp.get("witness")
                if not isinstance(w, dict) or not p.check(w):
                    out.append(("witness", "claim %r, part %s: the witness %s is no flow "
                                "that breaks it" % (text, p.name,
                                                    w.get("summary") if isinstance(w, dict)
                                                    else w)))
    for c, g in zip(case.claims, got):
        want = all(p.holds for p in eval_claim(m, c))
        if g.get("holds") != want and not any(render_claim(c) in msg for _, msg in out):
            out.append(("check", "claim %r: holds is %s, its parts say %s"
                        % (render_claim(c), g.get("holds"), want)))
    summ = doc.get("summary") or {}
    nheld = sum(all(p.holds for p in eval_claim(m, c)) for c in case.claims)
    if not out and (summ.get("holds"), summ.get("refuted"), summ.get("undecided")) != \
            (nheld, len(case.claims) - nheld, 0):
        out.append(("check", "summary %s, expected %d holds, %d refuted"
                    % (summ, nheld, len(case.claims) - nheld)))
    if len(got) != len(case.claims):
        out.append(("check", "%d claims reported, %d in the file" % (len(got), len(case.claims))))
    if rc != want_rc:
        out.append(("check-exit", "exit %d, expected %d" % (rc, want_rc)))
    return out


def verdict_word(v):
    return {True: "holds", False: "refuted", None: "undecided"}.get(v, repr(v))


def explain_expect(m, src_eps, dst_eps, proto, port):
    n = ok = 0
    for s in src_eps:
        for d in dst_eps:
            if s is d or (isinstance(s, Atom) and isinstance(d, Atom)):
                continue
            n += 1
            if isinstance(port, str):      # a named port, resolved on each destination pod
                nums = [num for nm, pr, num in d.ports if nm == port and pr == proto]
                ok += bool(nums) and ps_has(m.allowed(s, d), proto, nums[0])
            else:
                ok += ps_has(m.allowed(s, d), proto, port)
    if not n:
        return None
    return "allowed" if ok == n else "blocked" if ok == 0 else "some"


def explain_eps(m, ep):
    if "/" in ep:
        ns, _, name = ep.partition("/")
        kind = None
        if name.endswith("]"):
            name, _, kind = name[:-1].partition("[")
        return [p for w, pods in m.workloads.items() if w[:2] == (ns, name)
                and (kind is None or w[2] == kind) for p in pods]
    f, v = addr_of(ep)
    return [a for a in m.atoms if a.fam == f and a.lo <= v <= a.hi]


def explain_valid(m, dst, proto, port):
    """a named port is explained only toward pods that all declare it; a
    Service only when it selects pods by a selector of its own"""
    if dst.startswith("svc "):
        svc = m.services.get(tuple(dst.split(" ", 1)[1].split("/", 1)))
        return bool(svc and svc["spec"].get("selector") and svc["spec"].get("type") !=
                    "ExternalName" and m.svc_points(svc, None)[0] and
                    (port is None or any(svc_port_picks(svc_pick(port), sp)
                                         for sp in svc["spec"]["ports"])))
    return not isinstance(port, str) or all(
        any(nm == port and pr == proto for nm, pr, _ in p.ports) for p in explain_eps(m, dst))


SVC_BLOCK = re.compile(r"^Service port (\d+)(?:/(\w+))?(?: \((\S+)\))? -> targetPort (\d+) "
                       r"on (\S+)$")
SVC_NONE = re.compile(r"^Service port (\d+)(?:/(\w+))?(?: \((\S+)\))?: no endpoint")


def svc_pick(port):
    """the port entry an explain --port picks Service ports with: 'udp/53', '80', 'http'"""
    if "/" in port:
        proto, _, num = port.partition("/")
        return (proto.upper(), int(num), int(num), False)
    if port.isdigit():
        return ("TCP", int(port), int(port), True)
    return ("NAME", 0, 0, port)


def explain_args(src, dst, proto, port):
    args = ["explain", "cluster.yaml", "--from", src, "--to", dst]
    if dst.startswith("svc "):
        return args + (["--port", port] if port else [])
    return args + ["--port", "%s/%s" % (proto.lower(), port)]


def compare_explain_svc(nv, m, src, dst, proto, port, tmp):
    """explain --to 'svc NS/NAME': one verdict per Service port, target port and
    workload of its endpoints"""
    ns, _, name = dst.split(" ", 1)[1].partition("/")
    svc = m.services[(ns, name)]
    args = explain_args(src, dst, proto, port)
    what = " ".join(args[2:])
    picked = None if port is None else [svc_pick(port)]
    _, points, empty = m.svc_points(svc, picked)
    want = {}
    src_eps = explain_eps(m, src)
    for p, pr, t, sp in points:
        want.setdefault((sp, pr, t, "%s/%s[%s]" % p.wl), (pr, []))[1].append(p)
    want = {k: explain_expect(m, src_eps, pods, pr, k[2]) for k, (pr, pods) in want.items()}
    rc, so, se = run(nv, args, tmp)
    if rc != 0:
        return [bad_exit(what, rc, se)]
    json_out = compare_explain_json(nv, args, so, tmp)
    got, none, block = {}, set(), None
    for line in so.splitlines():
        mb, mn = SVC_BLOCK.match(line), SVC_NONE.match(line)
        if mb:
            block = (int(mb.group(1)), mb.group(2) or "TCP", int(mb.group(4)), mb.group(5))
        elif line.startswith("flow: ") and block and "[" not in block[3]:
            # the kind of the destination, from the flow line
            dst_kind = re.search(r" -> (\S+\[\w+\]) on ", line)
            if dst_kind and dst_kind.group(1).startswith(block[3] + "["):
                block = block[:3] + (dst_kind.group(1),)
        elif mn:
            none.add((int(mn.group(1)), mn.group(2) or "TCP"))
        elif line.startswith("verdict: ") and block:
            got[block] = "some" if "some of the pods" in line else "allowed" if \
                line.startswith("verdict: allowed") else "blocked"
            block = None
    out = []
    for key in sorted(set(want) | set(got)):
        if key in want and want[key] is None:
            continue        # the only pod there is the source itself
        if want.get(key) != got.get(key):
            out.append(("explain", "%s: Service port %d/%s -> targetPort %d on %s: netverify "
                        "%s, the evaluator %s" % ((what,) + key + (got.get(key, "nothing"),
                                                                   want.get(key)))))
    empty = {(sp["port"], sp.get("protocol", "TCP")) for sp in empty}
    if empty != none:
        out.append(("explain", "%s: Service ports without endpoints: netverify %s, the "
                    "evaluator %s" % (what, sorted(none), sorted(empty))))
    return out + json_out


def json_texts(v):
    """every 'text' string of an explain --format json document, in document order"""
    if isinstance(v, dict):
        return [v[k] for k in ("text", "allowed_text") if isinstance(v.get(k), str)] + \
            [t for k in sorted(v) if k not in ("text", "allowed_text") for t in json_texts(v[k])]
    if isinstance(v, list):
        return [t for x in v for t in json_texts(x)]
    return []


def compare_explain_json(nv, args, text, tmp):
    """--format json holds the lines of the text, and the same verdicts"""
    rc, so, se = run(nv, args + ["--format", "json"], tmp)
    what = " ".join(args[2:]) + " --format json"
    if rc != 0:
        return [bad_exit(what, rc, se)]
    try:
        d = json.loads(so)
    except ValueError:
        return [("explain", "%s: not JSON: %s" % (what, so[:200]))]
    words = {"allowed": "verdict: allowed", "blocked": "verdict: blocked",
             "some-pods": "verdict: allowed for some", "depends": "verdict: depends"}
    got = sorted(json_texts(d))
    want = sorted(x for x in text.splitlines() if x)
    if got != want:
        return [("explain", "%s: the lines differ from the text's: %s" % (
            what, sorted(set(got) ^ set(want))[:3]))]
    for f in d["flows"]:
        v = f["verdict"]
        if v is not None and not v["text"].startswith(words[v["result"]]):
            return [("explain", "%s: verdict %s for %r" % (what, v["result"], v["text"]))]
    return []


def compare_explain(nv, m, case, tmp):
    out = []
    for src, dst, proto, port in case.explains:
        if dst.startswith("svc "):
            out += compare_explain_svc(nv, m, src, dst, proto, port, tmp)
            continue
        want = explain_expect(m, explain_eps(m, src), explain_eps(m, dst), proto, port)
        if want is None:
            continue
        flag = "%s/%s" % (proto.lower(), port)
        rc, so, se = run(nv, explain_args(src, dst, proto, port), tmp)
        if rc not in (0, 1):
            out.append(bad_exit("explain --from %s --to %s --port %s" % (src, dst, flag), rc, se))
            continue
        if rc == 0:
            out += compare_explain_json(nv, explain_args(src, dst, proto, port), so, tmp)
        lines = [x for x in so.splitlines() if x.startswith("verdict: ")]
        got = None
        if rc == 0 and len(lines) == 1:
            v = lines[0]
            got = "some" if "some of the pods" in v else "allowed" if v.startswith(
                "verdict: allowed") else "blocked" if v.startswith("verdict: blocked") else None
        if got != want:
            out.append(("explain", "explain --from %s --to %s --port %s: netverify %s, the "
                        "evaluator %s" % (src, dst, flag, lines[0] if lines else "nothing", want)))
    return out


def compare_list(nv, m, case, tmp):
    out = []
    for self_flows in case.lists:
        args = ["list", "cluster.yaml", "--format", "json"] + (["--self-flows"] if self_flows
                                                               else [])
        rc, so, se = run(nv, args, tmp)
        try:
            rows = json.loads(so)["connections"]
        except (ValueError, KeyError, TypeError):
            out.append(bad_exit(" ".join(args), rc, se))
            continue
        got_pairs, got_ext = {}, {}
        for r in rows:
            s, d = (r["src"], r["src_kind"]), (r["dst"], r["dst_kind"])
            conns = ps_parse(r["conns"])
            if r["src_kind"] == "External":
                got_ext.setdefault((d, "in"), []).append(ext_range(r["src"]) + (conns,))
            elif r["dst_kind"] == "External":
                got_ext.setdefault((s, "out"), []).append(ext_range(r["dst"]) + (conns,))
            else:
                got_pairs[(s, d)] = conns
        want_pairs = {}
        for w1, p1 in m.workloads.items():
            for w2, p2 in m.workloads.items():
                if w1 == w2 and not self_flows:
                    continue
                acc = EMPTY
                for a in p1:
                    for b in p2:
                        if a is not b:
                            acc = ps_union(acc, m.allowed(a, b))
                if acc:
                    want_pairs[(("%s/%s" % w1[:2], w1[2]), ("%s/%s" % w2[:2], w2[2]))] = acc
        for key in sorted(set(want_pairs) | set(got_pairs)):
            a, b = want_pairs.get(key, EMPTY), got_pairs.get(key, EMPTY)
            if a != b:
                out.append(("list", "%s%s => %s: netverify %s, the evaluator %s"
                            % ("--self-flows: " if self_flows else "", key[0][0], key[1][0],
                               ps_text(b) if b else "no row", ps_text(a) if a else "no row")))
        for w, pods in m.workloads.items():
            wk = ("%s/%s" % w[:2], w[2])
            for d in ("in", "out"):
                rows_ = got_ext.get((wk, d), [])
                for atom in m.atoms:
                    cuts = {atom.lo, atom.hi + 1}
                    for f, lo, hi, _ in rows_:
                        if f == atom.fam:
                            cuts.update(x for x in (lo, hi + 1) if atom.lo < x <= atom.hi)
                    want = EMPTY
                    for p in pods:
                        want = ps_union(want, m.allowed(atom, p) if d == "in"
                                        else m.allowed(p, atom))
                    for x in sorted(cuts)[:-1]:
                        got = [c for f, lo, hi, c in rows_ if f == atom.fam and lo <= x <= hi]
                        got = got[0] if got else EMPTY
                        if got != want:
                            ad = fmt_addr(atom.fam, x)
                            ends = (ad, wk[0]) if d == "in" else (wk[0], ad)
                            out.append(("list", "%s => %s: netverify %s, the evaluator %s"
                                        % (ends + (ps_text(got) if got else "no row",
                                                   ps_text(want) if want else "no row"))))
                            break
    return out


def ext_range(text):
    lo, _, hi = text.partition("-")
    f, a = addr_of(lo)
    return f, a, addr_of(hi)[1]


# ---------------------------------------------------------------------------
# Shrinking: drop claims, flows, objects and parts of objects while a
# disagreement of the same kind persists.

KEEP_KEYS = {"kind", "apiVersion", "metadata", "name", "spec", "containerPort", "cidr",
             "template", "jobTemplate", "scaleTargetRef", "maxReplicas", "key", "operator",
             "ports", "selector", "port", "containers", "schedule", "image"}


def tree_edits(o):
    """candidate smaller copies of one object: one list item or optional key removed"""
    paths = []

    def walk(v, path):
        if isinstance(v, dict):
            for k in list(v):
                if k not in KEEP_KEYS:
                    paths.append(path + [k])
                walk(v[k], path + [k])
        elif isinstance(v, list):
            for i in range(len(v)):
                paths.append(path + [i])
                walk(v[i], path + [i])
    walk(o, [])
    for path in reversed(paths):
        c = copy.deepcopy(o)
        parent = c
        for k in path[:-1]:
            parent = parent[k]
        del parent[path[-1]]
        yield c


def claim_edits(c):
    if c.get("ports") and len(c["ports"]) > 1:
        for i in range(len(c["ports"])):
            yield dict(c, ports=c["ports"][:i] + c["ports"][i + 1:])
    if c["form"] != "isolated" and c.get("only"):
        yield dict(c, only=False)
    for key in ("A", "B"):
        s = c.get(key)
        if s and s[0] in ("pods", "namespaces") and len(s[1]) > 1:
            for i in range(len(s[1])):
                yield dict(c, **{key: (s[0], s[1][:i] + s[1][i + 1:]) + tuple(s[2:])})
        if s and s[0] == "pods" and s[2]:
            yield dict(c, **{key: ("pods", s[1], None)})


def signature(msg):
    """a message without the command, positions and numbers"""
    msg = msg.split(": exit ", 1)[-1]
    return re.sub(r"[0-9]+", "N", re.sub(r"\S+:\d+:\d+: ", "", msg))


def shrink(nv, case, feats, sabotage, tmp, kind, first, budget=400):
    def fails(cand):
        nonlocal budget
        budget -= 1
        try:
            m = make_model(cand, feats, sabotage)
            for c in cand.claims:
                eval_claim(m, c)
            for c in cand.errors:
                try:
                    eval_claim(m, c)
                    return False
                except ClaimError:
                    pass
            for src, dst, proto, port in cand.explains:
                if not explain_valid(m, dst, proto, port):
                    return False
        except ClaimError:
            return False
        except Exception:
            return False
        group = {"check": "check", "witness": "check", "check-exit": "check",
                 "cross-check": "check", "refused": None, "crash": None}.get(kind, kind)
        return any(k == kind and (sig is None or signature(msg) == sig)
                   for k, msg in compare(nv, cand, feats, sabotage, tmp, group))

    # a refusal or a crash shrinks to the same message, not to any refusal
    sig = signature(first) if kind in ("refused", "crash") else None

    progress = True
    while progress and budget > 0:
        progress = False
        for field in ("claims", "errors", "explains", "lists"):
            items = getattr(case, field)
            i = 0
            while i < len(items) and budget > 0:
                cand = case.copy(**{field: items[:i] + items[i + 1:]})
                if fails(cand):
                    case, items, progress = cand, cand.__dict__[field], True
                else:
                    i += 1
        i = 0
        while i < len(case.objs) and budget > 0:
            cand = case.copy(objs=case.objs[:i] + case.objs[i + 1:])
            if fails(cand):
                case, progress = cand, True
            else:
                i += 1
        for i in range(len(case.objs)):
            for edit in tree_edits(case.objs[i]):
                if budget <= 0:
                    break
                cand = case.copy(objs=case.objs[:i] + [edit] + case.objs[i + 1:])
                if fails(cand):
                    case, progress = cand, True
                    break
        for field in ("claims", "errors"):
            for i, c in enumerate(getattr(case, field)):
                for edit in claim_edits(c):
                    if budget <= 0:
                        break
                    items = getattr(case, field)
                    cand = case.copy(**{field: items[:i] + [edit] + items[i + 1:]})
                    if fails(cand):
                        case, progress = cand, True
                        break
    return case


def show_case(case, kind, msgs):
    out = ["  reduced case (%s):" % kind]
    for msg in msgs:
        out.append("    " + msg)
    out.append("    cluster.yaml:")
    for o in case.objs:
        out.append("      ---")
        out += ["      " + line for line in to_yaml(o).splitlines()]
    if case.claims or case.errors:
        out.append("    claims.yaml:")
        out.append("      claims:")
        out += ["        - %s" % json.dumps(render_claim(c)) for c in case.claims + case.errors]
    for e in case.explains:
        out.append("    netverify " + " ".join("'%s'" % a if " " in a else a
                                               for a in explain_args(*e)))
    for sf in case.lists:
        out.append("    netverify list cluster.yaml --format json"
                   + (" --self-flows" if sf else ""))
    return "\n".join(out)


# ---------------------------------------------------------------------------

def gen_explains(rng, m, feats):
    """three flows to explain: (from, to, protocol, port number or name)"""
    wls = sorted(m.workloads)
    addrs = ["8.8.8.8", "10.1.2.3", "192.168.1.1", "203.0.113.200", "10.0.0.1"]
    if "ipv6" in feats:
        addrs += ["2001:db8::1", "2001:db8:1::5", "fd00::1"]
    ends = ["%s/%s" % w[:2] + ("[%s]" % w[2] if [x for x in wls if x[:2] == w[:2] and x != w]
                               else "") for w in wls]

    def names(e):
        """the (name, protocol) every pod of e declares, and those some pods
        declare with different numbers"""
        pods = explain_eps(m, e)
        common = set.intersection(*[{(nm, pr) for nm, pr, _ in p.ports if nm} for p in pods])
        split = {(nm, pr) for nm, pr in common
                 if len({n for p in pods for x, y, n in p.ports if (x, y) == (nm, pr)}) > 1}
        return sorted(common), sorted(split)
    out = []
    if "explain-named" in feats:
        # a name that resolves to different numbers on the pods of one workload
        split = [(e, n) for e in ends for n in names(e)[1]]
        if split:
            dst, (port, proto) = rng.choice(split)
            out.append((rng.choice(ends + addrs[:1]), dst, proto, port))
    svcs = [k for k, o in sorted(m.services.items()) if o["spec"].get("selector") and
            o["spec"].get("type") != "ExternalName" and m.svc_points(o, None)[0]]
    if "explain-svc" in feats and svcs:
        ns, name = rng.choice(svcs)
        sps = m.services[(ns, name)]["spec"]["ports"]
        sp = rng.choice(sps)
        num = "%s/%d" % (sp.get("protocol", "TCP").lower(), sp["port"])
        port = rng.choice([None, num, sp.get("name") or num])
        if port == "tcp/%d" % sp["port"] and rng.random() < 0.5:
            port = str(sp["port"])
        out.append((rng.choice(ends + addrs[:2]), "svc %s/%s" % (ns, name), "TCP", port))
    if "explain-self" in feats and rng.random() < 0.5:
        e = rng.choice(ends)             # between the pods of one workload
        out.append((e, e, rng.choice(PROTOS), rng.choice(PORT_NUMS)))
    for _ in range(6):
        if len(out) >= 3:
            break
        src = rng.choice(ends + addrs[:2])
        dst = rng.choice(ends + addrs[:2])
        if "/" not in src and "/" not in dst:
            continue
        if src == dst and "explain-self" not in feats:
            continue
        if "/" not in src:
            src = rng.choice(addrs)
        if "/" not in dst:
            dst = rng.choice(addrs)
        proto = rng.choice(["TCP", "TCP", "UDP", "SCTP"])
        port = rng.choice(PORT_NUMS + [81, 8081])
        if "explain-named" in feats and "/" in dst and rng.random() < 0.4:
            common = names(dst)[0]
            if common:
                port, proto = rng.choice(common)
        out.append((src, dst, proto, port))
    return out


def gen_case(seed, i, feats, sabotage=None):
    rng = random.Random("%s-%d" % (seed, i))
    g = Gen(rng, feats)
    objs = g.cluster()
    m0 = Model(objs, [], feats, sabotage)
    claims = [g.claim(m0) for _ in range(rng.randint(6, 11))]
    m = Model(objs, claim_cuts(claims), feats, sabotage)
    ok, bad = classify(m, claims, feats)
    if m.v6 and not m.blocks_v6 and not names_v6(ok):
        # the IPv6 claims are errors, run one by one: the valid ones are decided IPv4 only
        ok, _ = classify(Model(objs, claim_cuts(claims), feats, sabotage, False), ok, feats)
    # at most two error claims (each costs a run), of two reasons when there are
    errors = []
    for tag in sorted({t for t, _ in bad}, key=lambda t: (t == "nothing", t))[:2]:
        errors.append(rng.choice([c for t, c in bad if t == tag]))
    explains = gen_explains(rng, m, feats) if "explain" in feats else []
    lists = []
    if "list" in feats:
        lists.append(False)
    if "self-flows" in feats:
        lists.append(True)
    return Case(objs, ok, errors, explains, lists)


def parse_features(text):
    feats = set(FEATURES)
    if text is None:
        return feats
    if text == "all":
        return set(ALL_FEATURES)
    if not any(t.startswith(("+", "-")) for t in text.split(",")):
        feats = set()
    for t in text.split(","):
        t = t.strip()
        name = t.lstrip("+-")
        if name not in ALL_FEATURES:
            sys.exit("check-pods: unknown feature %r (known: %s)" % (name, ", ".join(
                sorted(ALL_FEATURES))))
        if t.startswith("-"):
            feats.discard(name)
        else:
            feats.add(name)
    return feats


def run_suite(nv, args, feats, max_failures):
    """generate and compare every case; print the failures (the first three
    shrunk) and the figures; return the number of failed cases"""
    print("check-pods: seed %s, %d clusters, features %s (off: %s)"
          % (args.seed, args.count, ",".join(sorted(feats)),
             ",".join(sorted(set(ALL_FEATURES) - feats)) or "none"))
    sys.stdout.flush()
    indices = [args.case] if args.case is not None else list(range(args.count))
    stats = dict.fromkeys(("pods", "claims", "parts", "refuted", "errors", "explains", "lists"),
                          0)

    def one(i):
        """compare one case (in a worker thread): (case, disagreements, figures)"""
        case = gen_case(args.seed, i, feats, args.sabotage)
        with tempfile.TemporaryDirectory() as tmp:
            if args.keep:
                tmp = os.path.join(args.keep, "case%03d" % i)
                os.makedirs(tmp, exist_ok=True)
            dis = compare(nv, case, feats, args.sabotage, tmp)
        m = make_model(case, feats, args.sabotage)
        parts = [p for c in case.claims for p in eval_claim(m, c)]
        return case, dis, {"pods": len(m.pods), "claims": len(case.claims), "parts": len(parts),
                           "refuted": sum(not p.holds for p in parts),
                           "errors": len(case.errors), "explains": len(case.explains),
                           "lists": len(case.lists)}

    done = failed = 0
    with ThreadPoolExecutor(max_workers=2) as ex:
        futures = [(i, ex.submit(one, i)) for i in indices]
        for i, fut in futures:
            if failed >= max_failures:
                fut.cancel()
                continue
            case, dis, figures = fut.result()
            done += 1
            for k, v in figures.items():
                stats[k] += v
            if not dis:
                continue
            failed += 1
            print("FAIL case %d (rerun: --seed %s --case %d --features %s):"
                  % (i, args.seed, i, ",".join(sorted(feats))))
            for k, msg in dis[:6]:
                print("  " + k + ": " + msg)
            sys.stdout.flush()
            if failed <= 3 and not args.no_shrink:
                kind = dis[0][0]
                with tempfile.TemporaryDirectory() as tmp:
                    small = shrink(nv, case, feats, args.sabotage, tmp, kind, dis[0][1])
                    msgs = [msg for k, msg in compare(nv, small, feats, args.sabotage, tmp)
                            if k == kind]
                print(show_case(small, kind, msgs))
                sys.stdout.flush()
    print("check-pods: %d clusters (%d pods), %d claims (%d parts, %d refuted), %d error claims, "
          "%d explain flows, %d lists: %d failed"
          % (done, stats["pods"], stats["claims"], stats["parts"], stats["refuted"],
             stats["errors"], stats["explains"], stats["lists"], failed))
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netverify")
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--seed", default="20260701")
    ap.add_argument("--features", help="comma list, 'all', or +name/-name against the default")
    ap.add_argument("--survey", action="store_true",
                    help="run once per feature switched off, with it on, and show the first "
                         "failure of each, shrunk")
    ap.add_argument("--case", type=int, help="run only this case number")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--sabotage", choices=["except", "named-src", "surge"],
                    help="break one rule of the evaluator: the test must then fail")
    ap.add_argument("--keep", help="write every case into this folder")
    ap.add_argument("--max-failures", type=int, default=8)
    args = ap.parse_args()
    nv = os.path.abspath(args.netverify)
    feats = parse_features(args.features)
    if not args.survey:
        return 1 if run_suite(nv, args, feats, args.max_failures) else 0
    summary = []
    for f in sorted(set(ALL_FEATURES) - feats):
        print("\n=== feature %s: %s" % (f, ALL_FEATURES[f]))
        failed = run_suite(nv, args, feats | {f}, 1)
        summary.append("%s %s" % (f, "fails" if failed else "passes"))
    print("\ncheck-pods survey: " + ", ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
