#!/usr/bin/env python3
"""check-tiers.py - an independent per-flow evaluator of the policy tiers.

Written for issue 15 from the Network Policy API's own definitions
(kubernetes-sigs/network-policy-api: apis/v1alpha1, apis/v1alpha2,
site-src/api-overview.md; see docs/tiers-notes.md), not from netverify's or
netpol-analyzer's code. For every ordered pair of workloads, and between each
workload and the external address ranges, it computes the protocols and ports
a flow is allowed on, one direction at a time:

  Admin tier     AdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy
                 tier Admin (v1alpha2), by ascending priority, rules top to
                 bottom, the first rule matching the peer and the port decides:
                 Allow/Accept and Deny end the direction, Pass skips the rest
                 of the tier;
  NetworkPolicy  if a NetworkPolicy selects the pod for the direction, it
                 decides what the Admin tier left (allowed iff a rule admits);
  Baseline tier  otherwise ClusterNetworkPolicy tier Baseline by priority and
                 BaselineAdminNetworkPolicy 'default' (after them), first
                 match; Pass (CNP only) goes to the default;
  default        allow.

A flow is allowed on a port when the source's egress and the destination's
ingress both allow it; an external address has neither. Output is the
corpus's canonical JSON (normalize.py), so it can be compared with
'netverify list --format json' or a netpol-analyzer expectation.

usage:
  check-tiers.py eval DIR [--compat npa] [--pod-cidr CIDR] [--families 4|4,6]
                 [--dependent FILE] [--guardrails]
  check-tiers.py corpus [CORPUS] [--category anp|core] [--compat npa] [--only ID] [-v]
  check-tiers.py conformance [DIR] [--write] [--compat npa]   checks.yaml verdicts
  check-tiers.py random SEED N [OUTDIR] [--ties] [--no-tiers] [--netverify NV]
  check-tiers.py --random SEED N [OUTDIR]        same as 'random'

--compat npa reads the manifests as netpol-analyzer does (API v0.1.5):
'networks' and 'nodes' peers never match pods, 'nodes' matches nothing.

Where the answer depends on something manifests cannot say (two policies of
one tier and priority disagreeing, a 'nodes' peer without Node objects, a
'networks' CIDR that may or may not hold pod addresses, 'domainNames'), the
evaluator takes the reading documented in docs/tiers-notes.md and says so on
stderr (eval --dependent FILE, and dependent.json beside the random and case
outputs, list the pairs whose verdict an undefined order changes).
'conformance DIR' also runs tests/tiers-cases; 'eval --guardrails' prints what
holds whatever NetworkPolicies say.
"""
import argparse
import importlib.util
import ipaddress
import itertools
import json
import os
import random
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# Port sets and label selectors are the ones tests/check-pods.py already uses.
_cp = _load("check_pods", os.path.join(HERE, "check-pods.py"))
ps_norm, ps_union, ps_inter, ps_text = _cp.ps_norm, _cp.ps_union, _cp.ps_inter, _cp.ps_text
ALL, EMPTY, PROTOS = _cp.ALL, _cp.EMPTY, _cp.PROTOS
sel_match, spec_ports, meta, obj_ns = _cp.sel_match, _cp.spec_ports, _cp.meta, _cp.obj_ns


def ps_minus(a, b):
    out = []
    for p, lo, hi in a:
        pieces = [(lo, hi)]
        for q, l2, h2 in b:
            if q != p:
                continue
            nxt = []
            for x, y in pieces:
                if h2 < x or l2 > y:
                    nxt.append((x, y))
                    continue
                if x < l2:
                    nxt.append((x, l2 - 1))
                if h2 < y:
                    nxt.append((h2 + 1, y))
            pieces = nxt
        out += [(p, x, y) for x, y in pieces]
    return ps_norm(out)


def proto_all(p):
    return ((p, 1, 65535),)


class InputError(Exception):
    pass


# ---------------------------------------------------------------------------
# Reading manifests (PyYAML; JSON is read as JSON).

def read_objects(path):
    files = []
    if os.path.isdir(path):
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for n in sorted(names):
                if n.endswith((".yaml", ".yml", ".json")):
                    files.append(os.path.join(root, n))
    else:
        files.append(path)
    objs = []
    for f in files:
        with open(f, encoding="utf-8") as fp:
            text = fp.read()
        try:
            docs = [json.loads(text)] if f.endswith(".json") else list(yaml.safe_load_all(text))
        except ValueError:
            docs = list(yaml.safe_load_all(text))
        for d in docs:
            flatten(d, objs)
    return objs


def flatten(d, out):
    if not isinstance(d, dict):
        return
    if isinstance(d.get("items"), list) and str(d.get("kind", "")).endswith("List"):
        for x in d["items"]:
            if isinstance(x, dict) and "kind" not in x and d["kind"] != "List":
                x = dict(x, kind=d["kind"][:-4])
            flatten(x, out)
        return
    if "kind" in d:
        out.append(d)


# ---------------------------------------------------------------------------
# Addresses: (family, lo, hi) ranges.

def net_range(cidr):
    n = ipaddress.ip_network(str(cidr).strip(), strict=False)
    return (n.version, int(n.network_address), int(n.broadcast_address))


def contains(outer, inner):
    return outer[0] == inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2]


def overlaps(a, b):
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def range_text(r):
    cls = ipaddress.IPv4Address if r[0] == 4 else ipaddress.IPv6Address
    return "%s-%s" % (cls(r[1]), cls(r[2]))


FULL = {4: (4, 0, (1 << 32) - 1), 6: (6, 0, (1 << 128) - 1)}


class Ext(_cp.Atom):
    """an external address range (an atom: no policy boundary cuts it); a
    check-pods Atom, so its NetworkPolicy evaluation applies unchanged"""
    kind = "External"

    def __init__(self, r):
        super().__init__(None, *r)
        self.r = r
        self.name = range_text(r)


class Pod(_cp.Pod):
    kind = "Pod"

    def __init__(self, ns, name, labels, ports, wl, host_net, ips, node=None):
        super().__init__(None, ns, name, labels, ports, wl)
        self.host_net, self.ips, self.node = host_net, ips, node


WORKLOAD_KINDS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet",
                  "DaemonSet", "Job")


# ---------------------------------------------------------------------------
# The model.

class Cluster:
    def __init__(self, objs, compat=None, pod_cidr=None, families=(4,)):
        """compat 'npa': netpol-analyzer's reading (networks and nodes peers
        never match pods, IPv4 only, nodes peers ignored)."""
        self.compat, self.families = compat, tuple(families)
        self.pod_cidr = net_range(pod_cidr) if pod_cidr else None
        self.notes = []                  # what the manifests cannot decide
        self.ns_decl, self.pods, self.nodes = {}, [], []
        self.netpols, self.admin, self.baseline = [], [], []
        for o in objs:
            k = o.get("kind")
            if k == "Namespace":
                self.ns_decl[meta(o)["name"]] = dict(meta(o).get("labels") or {})
            elif k == "Node":
                self.nodes.append(o)
            elif k == "NetworkPolicy":
                self.netpols.append(o)
            elif k in ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                       "ClusterNetworkPolicy"):
                self._policy(o)
            else:
                self._workload(o)
        names = set(self.ns_decl) | {p.ns for p in self.pods} | {obj_ns(n) for n in self.netpols}
        self.ns_labels = {}
        for n in names:
            lab = dict(self.ns_decl.get(n, {}))
            lab["kubernetes.io/metadata.name"] = n
            self.ns_labels[n] = lab
        # admin tier: ascending priority; a tie is resolved by name here and
        # reported by rows() (through orders()) where it changes a verdict
        self.admin.sort(key=lambda p: (p["prio"], p["name"]))
        self.baseline.sort(key=lambda p: (p["prio"], p["name"]))
        self.node_ips = {}
        for n in self.nodes:
            ips = []
            for a in ((n.get("status") or {}).get("addresses") or []):
                try:
                    ips.append(net_range(a.get("address")))
                except ValueError:
                    pass
            self.node_ips[meta(n).get("name")] = (dict(meta(n).get("labels") or {}), ips)
        self._atoms()
        self.workloads = {}
        self.iso = {}                    # (pod id, direction) -> NetworkPolicies
        for i, p in enumerate(self.pods):
            p.id = i
            self.workloads.setdefault(p.wl, []).append(p)
            for d in ("Ingress", "Egress"):
                self.iso[(i, d)] = [pol for pol in self.netpols
                                    if obj_ns(pol) == p.ns and d in self._types(pol)
                                    and sel_match((pol.get("spec") or {}).get("podSelector"),
                                                  p.labels)]

    # -- objects ------------------------------------------------------------
    def _workload(self, o):
        k, ns, name = o.get("kind"), obj_ns(o), meta(o).get("name")
        spec = o.get("spec") or {}
        if k in WORKLOAD_KINDS:
            tmpl = spec.get("template") or {}
        elif k == "CronJob":
            tmpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        elif k == "Pod":
            owners = [r for r in meta(o).get("ownerReferences") or [] if r.get("kind") != "Node"]
            owners.sort(key=lambda r: not r.get("controller"))
            wl = (ns, owners[0]["name"], owners[0].get("kind") or "Pod") if owners \
                else (ns, name, "Pod")
            st = o.get("status") or {}
            ips = [x.get("ip") for x in st.get("podIPs") or []] or \
                ([st["podIP"]] if st.get("podIP") else [])
            self.pods.append(Pod(ns, name, dict(meta(o).get("labels") or {}), spec_ports(spec),
                                 wl, bool(spec.get("hostNetwork")), ips, spec.get("nodeName")))
            return
        else:
            return
        ps = tmpl.get("spec") or {}
        self.pods.append(Pod(ns, name + "-0", dict((tmpl.get("metadata") or {}).get("labels")
                                                   or {}),
                             spec_ports(ps), (ns, name, k), bool(ps.get("hostNetwork")), []))

    def _policy(self, o):
        k, spec, name = o["kind"], o.get("spec") or {}, meta(o).get("name")
        if k == "ClusterNetworkPolicy":
            tier = spec.get("tier")
            if tier not in ("Admin", "Baseline"):
                raise InputError("ClusterNetworkPolicy %s: tier %r" % (name, tier))
            kind, v2 = "CNP", True
        elif k == "AdminNetworkPolicy":
            tier, kind, v2 = "Admin", "ANP", False
        else:
            tier, kind, v2 = "Baseline", "BANP", False
            if name != "default":
                raise InputError("BaselineAdminNetworkPolicy must be named 'default', not %r"
                                 % name)
        prio = spec.get("priority")
        if kind == "BANP":
            prio = 1 << 20           # after every Baseline ClusterNetworkPolicy
        elif not isinstance(prio, int) or not 0 <= prio <= 1000:
            raise InputError("%s %s: priority %r outside 0-1000" % (k, name, prio))
        limit = 25 if v2 else 100
        pol = {"kind": kind, "name": name, "prio": prio, "tier": tier,
               "subject": spec.get("subject") or {}, "label": "%s %s" % (k, name)}
        for d in ("ingress", "egress"):
            rules = spec.get(d) or []
            if len(rules) > limit:
                raise InputError("%s %s: %d %s rules, at most %d" % (k, name, len(rules), d,
                                                                      limit))
            out = []
            for i, r in enumerate(rules):
                act = r.get("action")
                ok = {"CNP": ("Accept", "Deny", "Pass"), "ANP": ("Allow", "Deny", "Pass"),
                      "BANP": ("Allow", "Deny")}[kind]
                if act not in ok:
                    raise InputError("%s %s: %s rule %d: action %r" % (k, name, d, i + 1, act))
                peers = r.get("from" if d == "ingress" else "to") or []
                if not peers or len(peers) > limit:
                    raise InputError("%s %s: %s rule %d: %d peers" % (k, name, d, i + 1,
                                                                       len(peers)))
                out.append({"action": "Allow" if act == "Accept" else act, "peers": peers,
                            "ports": r.get("protocols") if v2 else r.get("ports"),
                            "v2": v2, "n": i + 1, "name": r.get("name")})
            pol[d] = out
        (self.admin if tier == "Admin" else self.baseline).append(pol)

    # -- external atoms -----------------------------------------------------
    def _atoms(self):
        cuts = []
        for pol in self.netpols:
            for d, key in (("ingress", "from"), ("egress", "to")):
                for rule in (pol.get("spec") or {}).get(d) or []:
                    for peer in rule.get(key) or []:
                        b = peer.get("ipBlock")
                        if b:
                            cuts.append(net_range(b["cidr"]))
                            cuts += [net_range(e) for e in b.get("except") or []]
        for pol in self.admin + self.baseline:
            for rule in pol["egress"]:
                for peer in rule["peers"]:
                    for c in (peer.get("networks") or []) if isinstance(peer, dict) else []:
                        cuts.append(net_range(c))
        for _, ips in self.node_ips.values():
            cuts += ips
        if self.pod_cidr:
            cuts.append(self.pod_cidr)
        self.atoms = []
        for fam in self.families:
            b = {FULL[fam][1], FULL[fam][2] + 1}
            for r in cuts:
                if r[0] == fam:
                    b.update((r[1], r[2] + 1))
            b = sorted(b)
            self.atoms += [Ext((fam, x, y - 1)) for x, y in zip(b, b[1:])]

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    # -- selection ----------------------------------------------------------
    def subject_selects(self, subj, pod):
        """a policy-api subject; host-network pods are never selected"""
        if pod.host_net:
            return False
        if "namespaces" in subj:
            return sel_match(subj["namespaces"], self.ns_labels[pod.ns])
        if "pods" in subj:
            sp = subj["pods"] or {}
            return (sel_match(sp.get("namespaceSelector"), self.ns_labels[pod.ns])
                    and sel_match(sp.get("podSelector"), pod.labels))
        return False

    def peer_matches(self, peer, other, pol, rule):
        """True, False, or None for an unknown peer form (fail closed)"""
        if not isinstance(peer, dict):
            return None
        forms = ("namespaces", "pods") if rule["dir"] == "ingress" else \
            ("namespaces", "pods", "networks", "nodes", "domainNames")
        known = [k for k in forms if k in peer]
        if len(known) > 1:
            raise InputError("%s %s rule %d: a peer sets %s; exactly one is allowed"
                             % (pol["label"], rule["dir"], rule["n"], " and ".join(known)))
        if not known:
            self.note("%s %s rule %d: a peer with no field this API version knows (%s): "
                      "failing closed" % (pol["label"], rule["dir"], rule["n"],
                                          ", ".join(sorted(peer)) or "{}"))
            return None
        k = known[0]
        if k in ("namespaces", "pods"):
            if isinstance(other, Ext) or other.host_net:
                return False
            return self.subject_selects(peer, other)
        if k == "networks":
            rs = [net_range(c) for c in peer["networks"]]
            if isinstance(other, Ext):
                return any(contains(r, other.r) for r in rs)
            return self.networks_hold_pod(rs, other, pol, rule)
        if k == "nodes":
            if self.compat == "npa":
                return False
            if not self.node_ips:
                self.note("%s %s rule %d: a 'nodes' peer and no Node objects: read as "
                          "matching no address (the verdict depends on the cluster's nodes)"
                          % (pol["label"], rule["dir"], rule["n"]))
                return False
            if isinstance(other, Ext):
                addrs = [other.r]
            elif other.host_net:
                # a host-network pod carries its node's addresses
                addrs = self.pod_addrs(other)
            else:
                return False
            return any(sel_match(peer["nodes"], labels) and any(contains(ip, a) for ip in ips
                                                                for a in addrs)
                       for labels, ips in self.node_ips.values())
        # domainNames: decided by DNS at run time, not by manifests
        self.note("%s %s rule %d: 'domainNames' peer: read as matching nothing (the verdict "
                  "depends on DNS)" % (pol["label"], rule["dir"], rule["n"]))
        return False

    def networks_hold_pod(self, rs, pod, pol, rule):
        """does a networks CIDR hold the pod's address? The API says
        networks peers see cluster-internal traffic too."""
        if self.compat == "npa":
            return False
        addrs = self.pod_addrs(pod)
        if addrs:
            return any(contains(r, a) for r in rs for a in addrs)
        dom = [self.pod_cidr] if self.pod_cidr else [FULL[f] for f in self.families]
        # without a known address the pod may use any family of the domain:
        # only CIDRs covering all of it hold the pod for sure
        if all(any(contains(r, d) for r in rs) for d in dom):
            return True
        if any(overlaps(r, d) for r in rs for d in dom):
            self.note("%s %s rule %d: a 'networks' CIDR may or may not hold the address of "
                      "%s/%s: read as not holding it" % (pol["label"], rule["dir"], rule["n"],
                                                         pod.ns, pod.name))
        return False

    def pod_addrs(self, pod):
        """the pod's known addresses: status.podIP(s), else for a host-network
        pod those of its node (spec.nodeName)"""
        if pod.ips:
            return [net_range(ip) for ip in pod.ips]
        if pod.host_net and pod.node in self.node_ips:
            return list(self.node_ips[pod.node][1])
        return []

    # -- ports --------------------------------------------------------------
    def rule_ports(self, rule, dst):
        """the (protocol, port) set a policy-api rule's ports/protocols match
        toward the destination dst (named ports resolve on a destination pod)"""
        ents = rule["ports"]
        if ents is None:
            return ALL
        items = []
        for e in ents:
            named = e.get("destinationNamedPort") if rule["v2"] else e.get("namedPort")
            if named is not None:
                if isinstance(dst, Pod):
                    items += [(pr, num, num) for n, pr, num in dst.ports if n == named]
                continue
            if rule["v2"]:
                for key, proto in (("tcp", "TCP"), ("udp", "UDP"), ("sctp", "SCTP")):
                    if key in e:
                        dp = (e[key] or {}).get("destinationPort")
                        if dp is None:
                            items.append((proto, 1, 65535))
                        elif "range" in dp:
                            items.append((proto, dp["range"]["start"], dp["range"]["end"]))
                        else:
                            items.append((proto, dp["number"], dp["number"]))
            elif "portNumber" in e:
                pn = e["portNumber"]
                items.append((pn.get("protocol") or "TCP", pn["port"], pn["port"]))
            elif "portRange" in e:
                pr = e["portRange"]
                items.append((pr.get("protocol") or "TCP", pr["start"], pr["end"]))
        return ps_norm(items)

    # -- the tiers ----------------------------------------------------------
    def tier_walk(self, pols, pod, other, direction, dst, undecided, seen=None):
        """run one tier's policies (in the given order) over the ports still
        undecided; returns (allowed, passed, left). 'seen' (a list) gets
        (policy, rule, action, ports) for each rule that decides some port."""
        allowed, passed, left = EMPTY, EMPTY, undecided
        for pol in pols:
            if not left:
                break
            if not pol[direction] or not self.subject_selects(pol["subject"], pod):
                continue
            for rule in pol[direction]:
                rule["dir"] = direction
                hits = [self.peer_matches(p, other, pol, rule) for p in rule["peers"]]
                if any(h is None for h in hits):
                    # fail closed: an Allow/Accept rule matches nothing, a
                    # Deny or Pass rule becomes "deny all"
                    if rule["action"] == "Allow":
                        continue
                    m, act = left, "Deny"
                elif any(hits):
                    m = ps_inter(left, self.rule_ports(rule, dst))
                    act = rule["action"]
                else:
                    continue
                if m and seen is not None:
                    seen.append((pol, rule, act, m))
                if act == "Allow":
                    allowed = ps_union(allowed, m)
                elif act == "Pass":
                    passed = ps_union(passed, m)
                left = ps_minus(left, m)
                if not left:
                    break
        return allowed, passed, left

    # The NetworkPolicy tier is tests/check-pods.py's evaluator (its Model
    # methods run on this object: ipBlocks match external addresses only,
    # named ports resolve on the destination pod).
    sabotage = None
    _peer, _ports, _types = _cp.Model._peer, _cp.Model._ports, _cp.Model._types

    def netpol_side(self, pod, other, direction, src, dst):
        """NetworkPolicy tier: None if no policy selects pod for direction"""
        if not self.iso[(pod.id, direction)]:
            return None
        return _cp.Model._side(self, pod, other, direction, src, dst)

    def side(self, pod, other, direction, src, dst, order=None):
        """what pod's policies allow in one direction ('ingress'/'egress')"""
        admin, base = order or (self.admin, self.baseline)
        allowed, passed, left = self.tier_walk(admin, pod, other, direction, dst, ALL)
        rest = ps_union(passed, left)
        np = self.netpol_side(pod, other, direction.capitalize(), src, dst)
        if np is not None:
            return ps_union(allowed, ps_inter(rest, np))
        b_allowed, b_passed, b_left = self.tier_walk(base, pod, other, direction, dst, rest)
        return ps_union(allowed, ps_union(b_allowed, ps_union(b_passed, b_left)))

    def guard_side(self, pod, other, direction, dst):
        """(always, maybe): what the direction allows whatever NetworkPolicies
        exist, and what some set of NetworkPolicies could allow. Only the
        Admin tier binds: an NP that selects the pod and admits nothing closes
        what Admin left open, one that admits everything opens it, and with
        an NP in place the Baseline tier is never consulted."""
        allowed, passed, left = self.tier_walk(self.admin, pod, other, direction, dst, ALL)
        return allowed, ps_union(allowed, ps_union(passed, left))

    def guard_flow(self, s, d):
        """(always, maybe) for a flow s -> d with the NetworkPolicy tier free"""
        a_eg, m_eg = (ALL, ALL) if isinstance(s, Ext) else self.guard_side(s, d, "egress", d)
        a_in, m_in = (ALL, ALL) if isinstance(d, Ext) else self.guard_side(d, s, "ingress", d)
        return ps_inter(a_eg, a_in), ps_inter(m_eg, m_in)

    def guardrails(self):
        """per workload pair: the ports allowed whatever NetworkPolicies say
        ('always') and those no NetworkPolicy can open ('never'), for the
        issue's guardrail claims; union over pods for 'always' is not a
        guarantee for every pod, so both are given per pod pair, intersected
        over the pairs of the two workloads"""
        out = []
        wls = sorted(self.workloads)
        for a in wls:
            for b in wls:
                if a == b:
                    continue
                always, maybe = ALL, EMPTY
                for s in self.workloads[a]:
                    for d in self.workloads[b]:
                        al, mb = self.guard_flow(s, d)
                        always, maybe = ps_inter(always, al), ps_union(maybe, mb)
                out.append({"src": "%s/%s" % a[:2], "dst": "%s/%s" % b[:2],
                            "always": ps_text(always),
                            "never": ps_text(ps_minus(ALL, maybe))})
        return out

    def flow(self, s, d, order=None):
        eg = ALL if isinstance(s, Ext) else self.side(s, d, "egress", s, d, order)
        if not eg:
            return EMPTY
        ing = ALL if isinstance(d, Ext) else self.side(d, s, "ingress", s, d, order)
        return ps_inter(eg, ing)

    # -- ties ---------------------------------------------------------------
    def orders(self, limit=64):
        """every order of same-priority policies (bounded), default first"""
        def groups(pols):
            return [list(g) for _, g in itertools.groupby(pols, key=lambda p: p["prio"])]
        ga, gb = groups(self.admin), groups(self.baseline)
        # no API orders the BaselineAdminNetworkPolicy against Baseline
        # ClusterNetworkPolicies: try it before them too, in every order of the ties
        banp = len(gb) > 1 and gb[-1][0]["kind"] == "BANP"
        tied = [g for g in ga + gb if len(g) > 1]
        if not tied:
            return [None] + ([(self.admin, gb[-1] + [p for g in gb[:-1] for p in g])]
                             if banp else [])
        combos = itertools.product(*[itertools.permutations(g) for g in tied])
        out, first = [], []
        for combo in itertools.islice(combos, limit):
            perm = {id(g[0]): list(c) for g, c in zip(tied, combo)}

            def flat(gs):
                return [p for g in gs for p in (perm.get(id(g[0]), g) if len(g) > 1 else g)]
            out.append((flat(ga), flat(gb)))
            if banp:
                first.append((flat(ga), flat(gb[-1:] + gb[:-1])))
        return out + first

    # -- all rows -----------------------------------------------------------
    def rows(self):
        """(rows, dependent): rows for the canonical JSON under the default
        order; dependent lists the pairs whose verdict another order of
        same-priority policies changes"""
        orders = self.orders()
        rows, dependent = [], []
        # what some order allows, and what every one does (for netverify's conns and depends)
        self.rows_poss, self.rows_sure = [], []
        wls = sorted(self.workloads)

        def pair(srcs, dsts):
            per_order = []
            for o in orders:
                acc = EMPTY
                for s in srcs:
                    for d in dsts:
                        if s is not d:
                            acc = ps_union(acc, self.flow(s, d, o))
                per_order.append(acc)
            return per_order[0], set(per_order[1:])

        def emit(sname, skind, dname, dkind, res, alt):
            poss, sure = res, res
            for a in alt:
                poss, sure = ps_union(poss, a), ps_inter(sure, a)
            for out, v in ((rows, res), (self.rows_poss, poss), (self.rows_sure, sure)):
                if v:
                    out.append({"src": sname, "src_kind": skind, "dst": dname, "dst_kind": dkind,
                                "conns": ps_text(v)})
            others = {a for a in alt if a != res}
            if others:
                dependent.append({"src": sname, "dst": dname, "default": ps_text(res),
                                  "other_orders": sorted(ps_text(a) for a in others)})

        for a in wls:
            for b in wls:
                if a == b:
                    continue
                res, alt = pair(self.workloads[a], self.workloads[b])
                emit("%s/%s" % a[:2], a[2], "%s/%s" % b[:2], b[2], res, alt)
        for a in wls:
            for x in self.atoms:
                res, alt = pair(self.workloads[a], [x])
                emit("%s/%s" % a[:2], a[2], x.name, "External", res, alt)
                res, alt = pair([x], self.workloads[a])
                emit(x.name, "External", "%s/%s" % a[:2], a[2], res, alt)
        return rows, dependent


# ---------------------------------------------------------------------------
# Canonical JSON through the corpus's normalize.py when it is there.

def find_corpus(arg=None):
    for c in ([arg] if arg else []) + [os.environ.get("CORPUS"),
                                        os.path.join(HERE, "..", "..", "shared", "corpus")]:
        if c and os.path.isfile(os.path.join(c, "normalize.py")):
            return os.path.abspath(c)
    return None


def canonical(rows, corpus=None):
    corpus = find_corpus(corpus)
    if not corpus:
        return json.dumps({"connections": rows}, indent=1) + "\n"
    nz = _load("normalize", os.path.join(corpus, "normalize.py"))
    canon = nz.canonicalize(nz.rows_from_json({"connections": rows}))
    return nz.dump_document(nz.to_document(canon))


def evaluate(path, compat=None, pod_cidr=None, families=(4,)):
    c = Cluster(read_objects(path), compat=compat, pod_cidr=pod_cidr, families=families)
    rows, dependent = c.rows()
    return c, rows, dependent


# ---------------------------------------------------------------------------
# Corpus run.

def run_corpus(args):
    corpus = find_corpus(args.corpus)
    if not corpus:
        print("check-tiers: corpus not found (give CORPUS)", file=sys.stderr)
        return 2
    nz = _load("normalize", os.path.join(corpus, "normalize.py"))
    index = json.load(open(os.path.join(corpus, "index.json")))
    agree, differ = 0, []
    for e in index:
        if e["category"] != args.category or e.get("mode") != "full" or \
                (args.only and args.only not in e["id"]):
            continue
        try:
            fams = tuple(int(x) for x in args.families.split(","))
            c, rows, dep = evaluate(os.path.join(corpus, e["manifests"]), compat=args.compat,
                                    families=fams)
            # like tests/conformance.py: the corpus is IPv4 only
            rows = [r for r in rows if ":" not in r["src"] + r["dst"]]
        except (InputError, KeyError, TypeError, ValueError) as ex:
            differ.append((e["id"], ["error: %s" % ex]))
            continue
        exp = nz.read_rows(os.path.join(corpus, e["expected"]))
        act = nz.rows_from_json({"connections": rows})
        lines = ["%-8s %s" % d for d in nz.compare(exp, act, ignore_kind=args.ignore_kind)]
        if lines:
            differ.append((e["id"], lines))
        else:
            agree += 1
        if args.verbose and (c.notes or dep):
            print("%s: %d notes, %d order-dependent pairs" % (e["id"], len(c.notes), len(dep)))
            for n in c.notes:
                print("  note: " + n)
    for id_, lines in differ:
        print("DIFFER %s" % id_)
        for l in lines[: 40 if args.verbose else 6]:
            print("  " + str(l))
    print("check-tiers corpus %s (%s): %d of %d agree" % (args.category, args.compat or "api", agree,
                                                       agree + len(differ)))
    return 0 if not differ else 1


# ---------------------------------------------------------------------------
# Conformance-derived cases: tests/tiers-conformance/<case>/{manifests/,
# checks.yaml, expected.json} (manifests/base.yaml links to the shared
# topology); every check is one PokeServer verdict of network-policy-api's
# conformance suite, expected.json the oracle's list for the whole case.
# 'expect: dependent' means the verdict changes with an order the APIs leave
# open. tests/tiers-cases has the same layout for hand-made cases.

CONF_DIR = os.path.join(HERE, "tiers-conformance")
# how 'conformance --netverify' runs netverify on a case: the pods' addresses are
# in 10.244.0.0/16, and host-network pods are pods to the NetworkPolicies (as
# the oracle reads them)
NV_CASE_OPTIONS = ["--follow-symlinks", "--pod-cidr", "10.244.0.0/16", "--host-network", "pod"]
# cases whose verdicts turn on the pods' status.podIP, which netverify does not
# read: it must mark those rows as depending on the addresses (what it lists
# holds what the oracle allows, what it is sure of is held in it)
NEEDS_POD_IPS = {"admin-networks-pod-ip", "networks-hold-pods"}


def run_conformance(args):
    root = args.dir or CONF_DIR
    total, bad, nv_total, nv_bad = 0, 0, 0, 0
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        if not os.path.isfile(os.path.join(d, "checks.yaml")):
            continue
        cl = Cluster(read_objects(os.path.join(d, "manifests")), compat=args.compat,
                     families=(4,))
        pods = {"%s/%s" % (p.ns, p.name): p for p in cl.pods}
        with open(os.path.join(d, "checks.yaml")) as fp:
            checks = yaml.safe_load(fp)["checks"]
        orders = cl.orders()
        for c in checks:
            total += 1
            verdicts = set()
            for o in orders:
                got = cl.flow(pods[c["from"]], pods[c["to"]], o)
                verdicts.add(any(p == c["protocol"] and lo <= c["port"] <= hi
                                 for p, lo, hi in got))
            seen = "dependent" if len(verdicts) > 1 else "allow" if verdicts.pop() else "deny"
            if seen != c["expect"]:
                bad += 1
                print("%s: %s -> %s %s %d: expected %s, oracle says %s" % (
                    case, c["from"], c["to"], c["protocol"], c["port"], c["expect"], seen))
        for n in cl.notes:
            print("%s: note: %s" % (case, n))
        if args.netverify:
            cl.rows()
            nv_total += 1
            nv_bad += compare_rows(args.netverify, d, os.path.join(d, "manifests"),
                                   NV_CASE_OPTIONS, cl.rows_poss, cl.rows_sure,
                                   contain=case in NEEDS_POD_IPS)
        if args.write:
            rows, dep = cl.rows()
            with open(os.path.join(d, "expected.json"), "w") as fp:
                fp.write(canonical(rows))
            dpath = os.path.join(d, "dependent.json")
            if dep:
                with open(dpath, "w") as fp:
                    json.dump({"dependent": dep}, fp, indent=1)
                    fp.write("\n")
            elif os.path.exists(dpath):
                os.remove(dpath)
    print("check-tiers conformance%s: %d of %d checks agree%s" % (
        " (%s)" % args.compat if args.compat else "", total - bad, total,
        "; netverify list agrees on %d of %d cases" % (nv_total - nv_bad, nv_total)
        if args.netverify else ""))
    return 1 if bad or nv_bad else 0


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--random":
        argv[0] = "random"
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eval", help="canonical JSON of one manifest directory")
    e.add_argument("dir")
    e.add_argument("--compat", choices=["npa"])
    e.add_argument("--pod-cidr")
    e.add_argument("--families", default="4")
    e.add_argument("--dependent", help="write the order-dependent pairs and notes here")
    e.add_argument("--guardrails", action="store_true",
                   help="print, per workload pair, what holds whatever NetworkPolicies say")
    c = sub.add_parser("corpus", help="compare with the corpus's anp scenarios")
    c.add_argument("corpus", nargs="?")
    c.add_argument("--compat", choices=["npa"])
    c.add_argument("--only")
    c.add_argument("--category", default="anp", help="corpus category (anp, core, ...)")
    c.add_argument("-v", "--verbose", action="store_true")
    c.add_argument("--ignore-kind", action="store_true")
    c.add_argument("--families", default="4",
                   help="4 or 4,6 (IPv6 rows are dropped before comparing, as conformance.py does)")
    r = sub.add_parser("random", help="generate clusters with their expected connectivity")
    r.add_argument("seed", type=int)
    r.add_argument("count", type=int)
    r.add_argument("outdir", nargs="?", default="tiers-random")
    r.add_argument("--ties", action="store_true",
                   help="let policies share a priority (results then list dependent pairs)")
    r.add_argument("--netverify", help="also run 'NETVERIFY list' on each case and compare")
    r.add_argument("--no-tiers", action="store_true",
                   help="drop the admin policies: a baseline check of the generator against "
                        "netverify's NetworkPolicy semantics")
    k = sub.add_parser("conformance", help="check the conformance-derived cases")
    k.add_argument("dir", nargs="?")
    k.add_argument("--netverify", help="also run 'NETVERIFY list' on each case and compare")
    k.add_argument("--write", action="store_true", help="(re)write each case's expected.json")
    k.add_argument("--compat", choices=["npa"], help="netpol-analyzer's reading, to see it fail")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "eval":
            fams = tuple(int(x) for x in args.families.split(","))
            cl, rows, dep = evaluate(args.dir, args.compat, args.pod_cidr, fams)
            if args.guardrails:
                json.dump({"guardrails": cl.guardrails()}, sys.stdout, indent=1)
                sys.stdout.write("\n")
                return 0
            sys.stdout.write(canonical(rows))
            for n in cl.notes:
                print("check-tiers: note: " + n, file=sys.stderr)
            for d in dep:
                print("check-tiers: plugin-dependent: %s -> %s: %s here, %s in another order "
                      "the APIs leave open (same priority, or BaselineAdminNetworkPolicy "
                      "against Baseline ClusterNetworkPolicies)" % (d["src"], d["dst"], d["default"],
                                                     " | ".join(d["other_orders"])),
                      file=sys.stderr)
            if args.dependent:
                with open(args.dependent, "w") as fp:
                    json.dump({"dependent": dep, "notes": cl.notes}, fp, indent=1)
            return 0
        if args.cmd == "corpus":
            return run_corpus(args)
        if args.cmd == "conformance":
            return run_conformance(args)
        return run_random(args)
    except InputError as ex:
        print("check-tiers: error: %s" % ex, file=sys.stderr)
        return 2


# ---------------------------------------------------------------------------
# Random clusters mixing AdminNetworkPolicy, BaselineAdminNetworkPolicy,
# ClusterNetworkPolicy (both tiers) and NetworkPolicies.
#
# Every case is single-stack IPv4 with pods in POD_CIDR (written to the
# case's netverify.yaml), so whether a 'networks' CIDR holds a pod is never in
# doubt: the CIDRs drawn either contain POD_CIDR or miss it. NetworkPolicy
# ipBlocks miss it too, so ipBlockMatchesPods changes nothing.

POD_CIDR = "10.244.0.0/16"
NET_CIDRS = ["0.0.0.0/0", "10.0.0.0/8", POD_CIDR, "192.168.0.0/16", "8.8.8.8/32",
             "203.0.113.0/24", "172.16.0.0/12", "192.168.1.0/24"]
IPBLOCKS = [("0.0.0.0/0", ["10.0.0.0/8"]), ("192.168.0.0/16", []), ("8.8.8.8/32", []),
            ("172.16.0.0/12", ["172.16.5.0/24"]), ("203.0.113.0/24", [])]
NS_NAMES = ["alpha", "beta", "gamma", "delta"]
APPS = ["web", "api", "db"]
NAMED = [("http", "TCP", [80, 8080]), ("dns", "UDP", [53]), ("metrics", "TCP", [9090]),
         ("assoc", "SCTP", [9003])]


class Gen:
    def __init__(self, rng, ties):
        self.rng, self.ties = rng, ties
        self.prios = set()

    def sel(self, pool):
        r = self.rng
        x = r.random()
        if x < 0.25:
            return {}
        if x < 0.75:
            k, vals = r.choice(pool)
            return {"matchLabels": {k: r.choice(vals)}}
        k, vals = r.choice(pool)
        op = r.choice(["In", "NotIn", "Exists", "DoesNotExist"])
        e = {"key": k, "operator": op}
        if op in ("In", "NotIn"):
            e["values"] = r.sample(vals, r.randint(1, len(vals)))
        return {"matchExpressions": [e]}

    def ns_sel(self):
        if self.rng.random() < 0.4:
            return {"matchLabels": {"kubernetes.io/metadata.name": self.rng.choice(self.nss)}}
        return self.sel([("tenant", ["a", "b"]), ("env", ["prod", "dev"])])

    def pod_sel(self):
        return self.sel([("app", APPS), ("tier", ["front", "back"])])

    def prio(self):
        if self.ties:
            return self.rng.choice([5, 5, 10, 20])
        while True:
            p = self.rng.randint(0, 1000)
            if p not in self.prios:
                self.prios.add(p)
                return p

    def cluster(self):
        r = self.rng
        self.nss = r.sample(NS_NAMES, r.randint(2, 3))
        objs = []
        for n in self.nss:
            objs.append({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": n, "labels": {"tenant": r.choice("ab"),
                                                            "env": r.choice(["prod", "dev"])}}})
        self.nodes = r.random() < 0.3
        if self.nodes:
            for i, role in enumerate(["infra", "workers"]):
                objs.append({"apiVersion": "v1", "kind": "Node",
                             "metadata": {"name": "node-%d" % i, "labels": {"group": role}},
                             "status": {"addresses": [{"type": "InternalIP",
                                                       "address": "192.168.1.%d" % (10 + i)}]}})
        for i in range(r.randint(3, 5)):
            name = "%s-%d" % (r.choice(APPS), i)
            labels = {"app": name.split("-")[0]}
            if r.random() < 0.6:
                labels["tier"] = r.choice(["front", "back"])
            ports = []
            for pn, proto, nums in r.sample(NAMED, r.randint(0, 3)):
                ports.append({"name": pn, "containerPort": r.choice(nums), "protocol": proto})
            tmpl = {"metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "c", "image": "nginx", "ports": ports}]}}
            kind = r.choice(["Deployment", "StatefulSet", "Pod"])
            ns = r.choice(self.nss)
            if kind == "Pod":
                objs.append({"apiVersion": "v1", "kind": "Pod",
                             "metadata": {"name": name, "namespace": ns, "labels": labels},
                             "spec": tmpl["spec"]})
            else:
                objs.append({"apiVersion": "apps/v1", "kind": kind,
                             "metadata": {"name": name, "namespace": ns},
                             "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                                      "template": tmpl}})
        for i in range(r.randint(0, 2)):
            objs.append(self.netpol(i))
        for i in range(r.randint(0, 2)):
            objs.append(self.anp(i))
        banp = r.random() < 0.5
        if banp:
            objs.append(self.anp(0, baseline=True))
        for i in range(r.randint(0, 3)):
            # the order of the BANP against Baseline ClusterNetworkPolicies is
            # undefined: mix them only when ties are wanted
            objs.append(self.cnp(i, admin_only=banp and not self.ties))
        return objs

    def netpol(self, i):
        r = self.rng
        types = r.choice([["Ingress"], ["Egress"], ["Ingress", "Egress"]])
        spec = {"podSelector": self.pod_sel(), "policyTypes": types}
        for t in types:
            rules = []
            for _ in range(r.randint(0, 2)):
                peers = []
                for _ in range(r.randint(0, 2)):
                    x = r.random()
                    if x < 0.25:
                        cidr, exc = r.choice(IPBLOCKS)
                        peers.append({"ipBlock": dict({"cidr": cidr},
                                                      **({"except": exc} if exc else {}))})
                    elif x < 0.6:
                        peers.append({"podSelector": self.pod_sel()})
                    else:
                        peers.append({"namespaceSelector": self.ns_sel(),
                                      "podSelector": self.pod_sel()})
                rule = {("from" if t == "Ingress" else "to"): peers} if peers else {}
                if r.random() < 0.5:
                    rule["ports"] = [self.np_port() for _ in range(r.randint(1, 2))]
                rules.append(rule)
            spec[t.lower()] = rules
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "np-%d" % i, "namespace": r.choice(self.nss)},
                "spec": spec}

    def np_port(self):
        r = self.rng
        x = r.random()
        if x < 0.3:
            pn, proto, _ = r.choice(NAMED)
            return {"protocol": proto, "port": pn}
        proto = r.choice(["TCP", "TCP", "UDP", "SCTP"])
        p = r.choice([53, 80, 8080, 9090, 9003])
        e = {"protocol": proto, "port": p}
        if x > 0.8:
            e["endPort"] = p + r.choice([1, 10, 100])
        return e

    def subject(self):
        if self.rng.random() < 0.5:
            return {"namespaces": self.ns_sel()}
        return {"pods": {"namespaceSelector": self.ns_sel(), "podSelector": self.pod_sel()}}

    def peer(self, egress, v2):
        r = self.rng
        x = r.random()
        if egress and x < 0.2:
            return {"networks": r.sample(NET_CIDRS, r.randint(1, 2))}
        if egress and x < 0.27 and self.nodes:
            return {"nodes": self.sel([("group", ["infra", "workers"])])}
        if x < 0.6:
            return {"namespaces": self.ns_sel()}
        return {"pods": {"namespaceSelector": self.ns_sel(), "podSelector": self.pod_sel()}}

    def ports(self, v2, named_ok):
        r = self.rng
        out = []
        for _ in range(r.randint(1, 2)):
            x = r.random()
            proto = r.choice(["TCP", "TCP", "UDP", "SCTP"])
            p = r.choice([53, 80, 8080, 9090, 9003])
            if named_ok and x < 0.25:
                pn = r.choice(NAMED)[0]
                out.append({"destinationNamedPort": pn} if v2 else {"namedPort": pn})
            elif x < 0.7:
                out.append({proto.lower(): {"destinationPort": {"number": p}}} if v2 else
                           {"portNumber": {"protocol": proto, "port": p}})
            else:
                hi = p + r.choice([1, 10, 1000])
                out.append({proto.lower(): {"destinationPort": {"range": {"start": p,
                                                                           "end": hi}}}}
                           if v2 else {"portRange": {"protocol": proto, "start": p, "end": hi}})
        return out

    def rules(self, egress, actions, v2):
        r = self.rng
        out = []
        for j in range(r.randint(1, 3)):
            peers = [self.peer(egress, v2) for _ in range(r.randint(1, 2))]
            rule = {"name": "r%d" % j, "action": r.choice(actions),
                    ("to" if egress else "from"): peers}
            if r.random() < 0.5:
                named_ok = not any("networks" in p or "nodes" in p for p in peers)
                rule["protocols" if v2 else "ports"] = self.ports(v2, named_ok)
            out.append(rule)
        return out

    def anp(self, i, baseline=False):
        r = self.rng
        acts = ["Allow", "Deny"] + ([] if baseline else ["Pass"])
        spec = {"subject": self.subject()}
        if not baseline:
            spec["priority"] = self.prio()
        for d in r.sample(["ingress", "egress"], r.randint(1, 2)):
            spec[d] = self.rules(d == "egress", acts, False)
        return {"apiVersion": "policy.networking.k8s.io/v1alpha1",
                "kind": "BaselineAdminNetworkPolicy" if baseline else "AdminNetworkPolicy",
                "metadata": {"name": "default" if baseline else "anp-%d" % i}, "spec": spec}

    def cnp(self, i, admin_only=False):
        r = self.rng
        spec = {"tier": "Admin" if admin_only else r.choice(["Admin", "Baseline"]),
                "priority": self.prio(),
                "subject": self.subject()}
        for d in r.sample(["ingress", "egress"], r.randint(1, 2)):
            spec[d] = self.rules(d == "egress", ["Accept", "Deny", "Pass"], True)
        return {"apiVersion": "policy.networking.k8s.io/v1alpha2",
                "kind": "ClusterNetworkPolicy", "metadata": {"name": "cnp-%d" % i},
                "spec": spec}


NETVERIFY_YAML = """# written by tests/check-tiers.py random: single-stack IPv4, pods in %s
cluster:
  podCIDRs: [%s]
  ipBlockMatchesPods: false
  hostNetwork: node
""" % (POD_CIDR, POD_CIDR)


def run_random(args):
    os.makedirs(args.outdir, exist_ok=True)
    stats = {"cases": 0, "rows": 0, "dependent": 0, "notes": 0}
    failed = 0
    for i in range(args.count):
        rng = random.Random("%d/%d" % (args.seed, i))
        objs = Gen(rng, args.ties).cluster()
        if args.no_tiers:
            objs = [o for o in objs if o["kind"] not in ("AdminNetworkPolicy",
                                                         "BaselineAdminNetworkPolicy",
                                                         "ClusterNetworkPolicy")]
        case = os.path.join(args.outdir, "case-%03d" % i)
        os.makedirs(case, exist_ok=True)
        with open(os.path.join(case, "cluster.yaml"), "w") as fp:
            yaml.safe_dump_all(objs, fp, sort_keys=False, default_flow_style=False)
        with open(os.path.join(case, "netverify.yaml"), "w") as fp:
            fp.write(NETVERIFY_YAML)
        cl = Cluster(read_objects(os.path.join(case, "cluster.yaml")), pod_cidr=POD_CIDR,
                     families=(4,))
        rows, dep = cl.rows()
        with open(os.path.join(case, "expected.json"), "w") as fp:
            fp.write(canonical(rows))
        with open(os.path.join(case, "guardrails.json"), "w") as fp:
            json.dump({"guardrails": cl.guardrails()}, fp, indent=1)
            fp.write("\n")
        if dep or cl.notes:
            with open(os.path.join(case, "dependent.json"), "w") as fp:
                json.dump({"dependent": dep, "notes": cl.notes}, fp, indent=1)
        for name in ("expected-poss.json", "expected-sure.json"):
            if os.path.exists(os.path.join(case, name)):
                os.remove(os.path.join(case, name))
        if dep:
            # netverify lists what some order allows and marks what not every one does
            with open(os.path.join(case, "expected-poss.json"), "w") as fp:
                fp.write(canonical(cl.rows_poss))
            with open(os.path.join(case, "expected-sure.json"), "w") as fp:
                fp.write(canonical(cl.rows_sure))
        stats["cases"] += 1
        stats["rows"] += len(rows)
        stats["dependent"] += len(dep)
        stats["notes"] += len(cl.notes)
        if args.netverify:
            failed += compare_netverify(args.netverify, case)
    print("check-tiers random: seed %d, %d cases in %s (%d rows, %d plugin-dependent pairs, "
          "%d notes)%s" % (args.seed, stats["cases"], args.outdir, stats["rows"],
                           stats["dependent"], stats["notes"],
                           ", %d differ from netverify" % failed if args.netverify else ""))
    return 1 if failed else 0


def compare_netverify(nv, case):
    poss_file = os.path.join(case, "expected-poss.json")
    if os.path.exists(poss_file):
        exp = (poss_file, os.path.join(case, "expected-sure.json"))
    else:
        exp = (os.path.join(case, "expected.json"),) * 2
    return compare_netverify_files(nv, case, "cluster.yaml", [], exp)


def compare_rows(nv, case, manifests, options, poss, sure, contain=False):
    """run netverify on 'manifests' and compare with the oracle's rows (scratch files in 'case')"""
    exp = (os.path.join(case, "oracle-poss.json"), os.path.join(case, "oracle-sure.json"))
    for f, rows in zip(exp, (poss, sure)):
        with open(f, "w") as fp:
            fp.write(canonical(rows))
    try:
        return compare_netverify_files(nv, case, os.path.abspath(manifests), options, exp,
                                       contain)
    finally:
        for f in exp + tuple(os.path.join(case, a) for a in ("actual.json",
                                                             "actual-sure.json")):
            if os.path.exists(f):
                os.remove(f)


def rows_by_pair(path):
    with open(path) as fp:
        doc = json.load(fp)
    return {(c["src"], c["dst"]): _cp.ps_parse(c["conns"]) for c in doc["connections"]}


def compare_netverify_files(nv, case, manifests, options, exp, contain=False):
    """netverify list's conns against exp[0] (what some order, address or
    placement allows) and its conns less 'depends' against exp[1] (what every
    one does); with 'contain', only that the first holds exp[0] and the second
    is held in exp[1]"""
    import subprocess
    corpus = find_corpus()
    p = subprocess.run([os.path.abspath(nv), "list", manifests, "--format", "json"] + options,
                       cwd=case, capture_output=True, text=True)
    with open(os.path.join(case, "actual.json"), "w") as fp:
        fp.write(p.stdout)
    if p.returncode != 0:
        print("%s: netverify exit %d: %s" % (case, p.returncode, p.stderr.strip()[:300]))
        return 1
    # what every order allows: netverify's conns less what it marks as depending
    conns = json.loads(p.stdout)["connections"]
    sure = []
    for c in conns:
        v = ps_minus(_cp.ps_parse(c["conns"]), _cp.ps_parse(c["depends"])) \
            if c.get("depends") else _cp.ps_parse(c["conns"])
        if v:
            sure.append(dict(c, conns=ps_text(v)))
            sure[-1].pop("depends", None)
    with open(os.path.join(case, "actual-sure.json"), "w") as fp:
        json.dump({"connections": sure}, fp, indent=1)
    if contain:
        bad = []
        for (e, a, wide) in ((exp[0], "actual.json", True), (exp[1], "actual-sure.json", False)):
            want, got = rows_by_pair(e), rows_by_pair(os.path.join(case, a))
            for k in set(want) | set(got):
                w, g = want.get(k, EMPTY), got.get(k, EMPTY)
                if (ps_minus(w, g) if wide else ps_minus(g, w)):
                    bad.append("%s -> %s: oracle %s, netverify %s (%s)" % (
                        k[0], k[1], ps_text(w), ps_text(g), a))
        if bad:
            print("%s:\n  %s" % (case, "\n  ".join(sorted(bad)[:10])))
            return 1
        return 0
    for e, act in zip(exp, ("actual.json", "actual-sure.json")):
        c = subprocess.run([sys.executable, os.path.join(corpus, "normalize.py"), "compare",
                            e, os.path.join(case, act)], capture_output=True, text=True)
        if c.returncode != 0:
            print("%s (%s):\n%s" % (case, act, c.stdout.strip()))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
