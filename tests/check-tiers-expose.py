#!/usr/bin/env python3
# check-tiers-expose.py - the exposure claims ('exposed B [on P]', 'not exposed
# B [on P]') on random clusters against an evaluator of its own, written from
# the APIs' documented meaning, not from netverify's code:
#   * Ingress (networking.k8s.io/v1): a backend names a Service of the
#     Ingress's namespace and one of its ports, by number or name.
#   * OpenShift Route: spec.to (and alternateBackends) name Services of the
#     Route's namespace; spec.port.targetPort names the Service port by name,
#     or by the target port its endpoints use; without spec.port, every port.
#   * Gateway API HTTPRoute/GRPCRoute/TCPRoute: backendRefs name a Service
#     port by number; one in another namespace counts only when a
#     ReferenceGrant there lets that route kind of that namespace refer to the
#     Service (or to every Service).
#   * A Service sends to the pods its selector matches, on each port's
#     targetPort (a number, or the pod's container port of that name); routes
#     carry TCP only.
#   * The controller is a pod without labels in a namespace of its own,
#     'ingress-controller-ns' (netverify's documented reading); whether it
#     may reach a pod is decided per direction by the AdminNetworkPolicies
#     (by priority, first matching rule), the NetworkPolicies that isolate the
#     pod (some rule admits it), and the BaselineAdminNetworkPolicy when none
#     does.
# Each cluster mixes routes to Services whose selector matches nothing,
# missing ports, UDP ports, named target ports and cross-namespace
# references with and without a grant, and policies that isolate the targets.
# The claims are checked with --cross-check (the SMT and set-algebra engines
# must agree) and must have the verdicts this evaluator gives.
# Usage: check-tiers-expose.py NETVERIFY SEED N [--keep DIR]
# SPDX-License-Identifier: Apache-2.0
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from keepdir import take_keep

CTRL_NS = "ingress-controller-ns"
NAMESPACES = ["shop", "pay", "gw"]
APPS = ["web", "api", "db", "cache", "auth"]
PORT_NAMES = ["http", "admin", "grpc", "metrics"]
GW_KINDS = ["HTTPRoute", "GRPCRoute", "TCPRoute"]
GW_VERSION = {"HTTPRoute": "gateway.networking.k8s.io/v1", "GRPCRoute": "gateway.networking.k8s.io/v1",
              "TCPRoute": "gateway.networking.k8s.io/v1alpha2"}


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# LabelSelectors are matched as tests/check-pods.py matches them
selects = _load("check_pods", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                           "check-pods.py")).sel_match


class Cluster:
    def __init__(self, rnd):
        self.rnd = rnd
        self.docs = []
        self.ns_labels = {}
        self.workloads = []  # (ns, name, labels, {port name: number}, [numbers])
        self.services = []   # (ns, name, selector or None, [(name, port, proto, target)])
        self.backends = []   # (kind, ns, svc_ns, svc, ("num", n) | ("name", s) | None)
        self.grants = []     # (ns, [(kind, from_ns)], [svc name or None])
        self.nps = []        # (ns, podSelector, [rule]) rule = (peers or None, ports or None)
        self.anps = []       # (priority, subject ns selector, [(action, peer, ports)])
        self.banp = []       # [(action, peer, ports)]

    # ---- generation ----
    def gen(self):
        r = self.rnd
        for ns in NAMESPACES:
            labels = {"kubernetes.io/metadata.name": ns}
            if r.random() < 0.5:
                labels["team"] = r.choice(["a", "b"])
            self.ns_labels[ns] = labels
            self.docs.append({"apiVersion": "v1", "kind": "Namespace",
                              "metadata": {"name": ns, "labels": labels}})
        for ns in NAMESPACES:
            for app in r.sample(APPS, r.randint(1, 3)):
                names = r.sample(PORT_NAMES, r.randint(0, 3))
                named = {n: r.choice([8080, 8443, 9000, 9090, 5432]) for n in names}
                # one number per name: keep the names' numbers distinct
                used, ports = set(), {}
                for n, v in named.items():
                    while v in used:
                        v += 1
                    used.add(v)
                    ports[n] = v
                plain = [p for p in r.sample([80, 5432, 6379, 7000], r.randint(0, 2)) if p not in used]
                labels = {"app": app}
                if r.random() < 0.4:
                    labels["tier"] = r.choice(["front", "back"])
                self.workloads.append((ns, app, labels, ports, plain))
                cports = [{"name": n, "containerPort": v} for n, v in ports.items()]
                cports += [{"containerPort": v} for v in plain]
                spec = {"containers": [{"name": "c", "image": "x"}]}
                if cports:
                    spec["containers"][0]["ports"] = cports
                self.docs.append({
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": app, "namespace": ns},
                    "spec": {"replicas": r.randint(1, 2), "selector": {"matchLabels": {"app": app}},
                             "template": {"metadata": {"labels": labels}, "spec": spec}}})
        # Services: some select a workload, some nothing
        for ns in NAMESPACES:
            for k in range(r.randint(1, 3)):
                apps = [w for w in self.workloads if w[0] == ns]
                if apps and r.random() < 0.8:
                    w = r.choice(apps)
                    selector = {"app": w[1]}
                    if r.random() < 0.2 and "tier" in w[2]:
                        selector["tier"] = w[2]["tier"]
                else:
                    selector = {"app": "ghost"}
                name = "svc%d" % k
                sports = []
                for j in range(r.randint(1, 3)):
                    port = r.choice([80, 443, 8080, 9000 + j, 5432])
                    if any(p[1] == port for p in sports):
                        continue
                    proto = "UDP" if r.random() < 0.15 else "TCP"
                    if r.random() < 0.4:
                        target = r.choice(PORT_NAMES)  # named: resolved on each pod
                    else:
                        target = port  # numeric targets equal their port: no reading is ambiguous
                    sports.append(("p%d" % j if r.random() < 0.7 else None, port, proto, target))
                if len(sports) > 1:  # a Service of several ports names each
                    sports = [("p%d" % j if n is None else n, p, pr, t)
                              for j, (n, p, pr, t) in enumerate(sports)]
                self.services.append((ns, name, selector, sports))
                sp = []
                for n, p, pr, t in sports:
                    e = {"port": p, "protocol": pr, "targetPort": t}
                    if n:
                        e["name"] = n
                    sp.append(e)
                self.docs.append({"apiVersion": "v1", "kind": "Service",
                                  "metadata": {"name": name, "namespace": ns},
                                  "spec": {"selector": selector, "ports": sp}})
        self.gen_routes()
        self.gen_policies()

    def pick_port(self, svc):
        """A backend's port: one of svc's by number or name, or one it lacks."""
        r = self.rnd
        if svc is None or r.random() < 0.1:
            return ("num", 7777)
        n, p, pr, t = r.choice(svc[3])
        if n and r.random() < 0.4:
            return ("name", n)
        return ("num", p)

    def gen_routes(self):
        r = self.rnd
        for i in range(r.randint(2, 7)):
            ns = r.choice(NAMESPACES)
            local = [s for s in self.services if s[0] == ns]
            svc = r.choice(local) if local and r.random() < 0.9 else None
            sname = svc[1] if svc else "missing"
            kind = r.choice(["Ingress", "Route"] + GW_KINDS)
            name = "r%d" % i
            if kind == "Ingress":
                port = self.pick_port(svc)
                pj = {"number": port[1]} if port[0] == "num" else {"name": port[1]}
                be = {"service": {"name": sname, "port": pj}}
                spec = {"defaultBackend": be} if r.random() < 0.5 else {
                    "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
                                                   "backend": be}]}}]}
                self.backends.append(("Ingress", ns, ns, sname, port))
                self.docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                  "metadata": {"name": name, "namespace": ns}, "spec": spec})
            elif kind == "Route":
                spec = {"to": {"kind": "Service", "name": sname}}
                port = None
                if r.random() < 0.7:
                    if svc and r.random() < 0.9:
                        n, p, pr, t = r.choice(svc[3])
                        # by the Service port's name, or by the (numeric) target port
                        if n and (r.random() < 0.5 or not isinstance(t, int)):
                            port = ("name", n)
                        elif isinstance(t, int):
                            port = ("num", t)
                        else:
                            port = ("num", 7777)
                    else:
                        port = ("num", 7777)
                    spec["port"] = {"targetPort": port[1]}
                self.backends.append(("Route", ns, ns, sname, port if port else None))
                self.docs.append({"apiVersion": "route.openshift.io/v1", "kind": "Route",
                                  "metadata": {"name": name, "namespace": ns}, "spec": spec})
            else:
                # maybe a Service of another namespace
                ref_ns = ns
                if r.random() < 0.5:
                    ref_ns = r.choice(NAMESPACES)
                    local = [s for s in self.services if s[0] == ref_ns]
                    svc = r.choice(local) if local else None
                    sname = svc[1] if svc else "missing"
                port = self.pick_port(svc)
                if port[0] == "name":
                    port = ("num", [p for n, p, pr, t in svc[3] if n == port[1]][0])
                ref = {"name": sname, "port": port[1]}
                if ref_ns != ns:
                    ref["namespace"] = ref_ns
                    if r.random() < 0.6:
                        to = {"group": "", "kind": "Service"}
                        if r.random() < 0.5:
                            to["name"] = sname if r.random() < 0.8 else "other"
                        fk = kind if r.random() < 0.85 else r.choice(GW_KINDS)
                        fns = ns if r.random() < 0.85 else ref_ns
                        self.grants.append((ref_ns, [(fk, fns)], [to.get("name")]))
                        self.docs.append({
                            "apiVersion": "gateway.networking.k8s.io/v1beta1",
                            "kind": "ReferenceGrant",
                            "metadata": {"name": "g%d" % i, "namespace": ref_ns},
                            "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": fk,
                                               "namespace": fns}],
                                     "to": [to]}})
                self.backends.append((kind, ns, ref_ns, sname, port))
                self.docs.append({"apiVersion": GW_VERSION[kind], "kind": kind,
                                  "metadata": {"name": name, "namespace": ns},
                                  "spec": {"parentRefs": [{"name": "gw"}],
                                           "rules": [{"backendRefs": [ref]}]}})

    def np_peer(self, ns):
        r = self.rnd
        c = r.randint(0, 6)
        if c == 6:
            return {"podSelector": {"matchLabels": {"app": r.choice(APPS)}}}  # its namespace
        if c == 0:
            return {"namespaceSelector": {}}
        if c == 1:
            return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": CTRL_NS}}}
        if c == 2:
            return {"podSelector": {}}  # its own namespace only
        if c == 3:
            return {"namespaceSelector": {"matchLabels": {"team": "a"}}}
        if c == 4:
            return {"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": r.choice(APPS)}}}
        return {"namespaceSelector": {},
                "podSelector": {"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}}

    def np_ports(self):
        r = self.rnd
        c = r.randint(0, 3)
        if c == 0:
            return None
        out = []
        for _ in range(r.randint(1, 2)):
            if r.random() < 0.4:
                out.append({"port": r.choice(PORT_NAMES)})
            elif r.random() < 0.3:
                lo = r.choice([80, 5000, 8000])
                out.append({"port": lo, "endPort": lo + r.choice([0, 100, 2000])})
            else:
                out.append({"port": r.choice([80, 443, 5432, 8080, 9000, 9090])})
        return out

    def gen_policies(self):
        r = self.rnd
        for ns in NAMESPACES:
            if r.random() < 0.4:
                self.nps.append((ns, {}, []))
            apps = [w[1] for w in self.workloads if w[0] == ns]
            for i in range(r.randint(0, 2)):
                w = r.choice(apps)  # select pods: the targets of the routes
                rules = []
                for _ in range(r.randint(0, 2)):
                    peers = [self.np_peer(ns)] if r.random() < 0.85 else None
                    rules.append((peers, self.np_ports()))
                self.nps.append((ns, {"matchLabels": {"app": w}}, rules))
        for k, (ns, sel, rules) in enumerate(self.nps):
            ing = []
            for peers, ports in rules:
                rule = {}
                if peers is not None:
                    rule["from"] = peers
                if ports is not None:
                    rule["ports"] = ports
                ing.append(rule)
            self.docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                              "metadata": {"name": "np%d" % k, "namespace": ns},
                              "spec": {"podSelector": sel, "policyTypes": ["Ingress"],
                                       "ingress": ing}})
        # the cluster-wide tiers, ingress only, distinct priorities
        if r.random() < 0.5:
            for k, prio in enumerate(r.sample(range(1, 50), r.randint(1, 2))):
                subject = {"matchLabels": {"kubernetes.io/metadata.name": r.choice(NAMESPACES)}} \
                    if r.random() < 0.6 else {}
                rules = [(r.choice(["Allow", "Deny", "Pass"]), self.admin_peer(), self.admin_ports())
                         for _ in range(r.randint(1, 3))]
                self.anps.append((prio, subject, rules))
                self.docs.append({
                    "apiVersion": "policy.networking.k8s.io/v1alpha1",
                    "kind": "AdminNetworkPolicy", "metadata": {"name": "anp%d" % k},
                    "spec": {"priority": prio, "subject": {"namespaces": subject},
                             "ingress": [self.admin_rule(i, a, p, pt, "from")
                                         for i, (a, p, pt) in enumerate(rules)]}})
        if r.random() < 0.6:
            self.banp = [(r.choice(["Allow", "Deny", "Deny"]), self.admin_peer(), self.admin_ports())
                         for _ in range(r.randint(1, 2))]
            self.docs.append({
                "apiVersion": "policy.networking.k8s.io/v1alpha1",
                "kind": "BaselineAdminNetworkPolicy", "metadata": {"name": "default"},
                "spec": {"subject": {"namespaces": {}},
                         "ingress": [self.admin_rule(i, a, p, pt, "from")
                                     for i, (a, p, pt) in enumerate(self.banp)]}})

    def admin_peer(self):
        r = self.rnd
        c = r.random()
        if c < 0.35:
            return ("namespaces", {})
        if c < 0.65:
            return ("namespaces", {"matchLabels": {"kubernetes.io/metadata.name": CTRL_NS}})
        if c < 0.8:
            return ("namespaces", {"matchLabels": {"team": "b"}})
        if c < 0.9:
            return ("pods", ({}, {"matchLabels": {"app": r.choice(APPS)}}))
        return ("pods", ({}, {"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}))

    def admin_ports(self):
        r = self.rnd
        if r.random() < 0.4:
            return None
        return [r.choice([80, 443, 5432, 8080, 9000, 9090])]

    @staticmethod
    def admin_rule(i, action, peer, ports, key):
        if peer[0] == "namespaces":
            p = {"namespaces": peer[1]}
        else:
            p = {"pods": {"namespaceSelector": peer[1][0], "podSelector": peer[1][1]}}
        rule = {"name": "r%d" % i, "action": action, key: [p]}
        if ports is not None:
            rule["ports"] = [{"portNumber": {"protocol": "TCP", "port": n}} for n in ports]
        return rule

    # ---- the evaluator ----
    def routed(self):
        """{(ns, app): set of TCP target ports the routes send to its pods}."""
        out = {}
        for kind, rns, sns, sname, port in self.backends:
            if sns != rns and not any(
                    g[0] == sns and (kind, rns) in g[1] and any(t is None or t == sname for t in g[2])
                    for g in self.grants):
                continue  # RefNotPermitted
            svc = [s for s in self.services if s[0] == sns and s[1] == sname]
            if not svc:
                continue
            ns, name, selector, sports = svc[0]
            for pname, p, proto, target in sports:
                if port is None:
                    pass
                elif kind == "Ingress":
                    if not (port == ("num", p) or port == ("name", pname)):
                        continue
                elif kind == "Route":
                    if not (port == ("name", pname) or (isinstance(target, int) and port == ("num", target))):
                        continue
                elif port != ("num", p):
                    continue
                if proto != "TCP":
                    continue
                for wns, app, labels, named, plain in self.workloads:
                    if wns != ns or not all(labels.get(k) == v for k, v in selector.items()):
                        continue
                    t = target if isinstance(target, int) else named.get(target)
                    if t:
                        out.setdefault((wns, app), set()).add(t)
        return out

    def port_match_np(self, ports, t, named):
        if ports is None:
            return True
        for p in ports:
            v = p["port"]
            if isinstance(v, str):
                if named.get(v) == t:
                    return True
            elif v <= t <= p.get("endPort", v):
                return True
        return False

    def np_peer_holds(self, peer, ns):
        """Whether a NetworkPolicy peer of a policy in ns holds the controller."""
        ctrl_ns_labels = {"kubernetes.io/metadata.name": CTRL_NS}
        if "namespaceSelector" not in peer:
            return False  # podSelector alone: pods of ns only
        return selects(peer["namespaceSelector"], ctrl_ns_labels) and \
            selects(peer.get("podSelector"), {})

    def admin_peer_holds(self, peer):
        ctrl_ns_labels = {"kubernetes.io/metadata.name": CTRL_NS}
        if peer[0] == "namespaces":
            return selects(peer[1], ctrl_ns_labels)
        return selects(peer[1][0], ctrl_ns_labels) and selects(peer[1][1], {})

    def reaches(self, wns, labels, named, t):
        """Whether the controller reaches a pod (ns, labels, named ports) on TCP t."""
        nslab = self.ns_labels[wns]
        passed = False
        for prio, subject, rules in sorted(self.anps, key=lambda a: a[0]):
            if passed:
                break
            if not selects(subject, nslab):
                continue
            for action, peer, ports in rules:
                if self.admin_peer_holds(peer) and (ports is None or t in ports):
                    if action == "Allow":
                        return True
                    if action == "Deny":
                        return False
                    passed = True  # Pass: the rest of the Admin tier is skipped
                    break
        isolating = [np for np in self.nps if np[0] == wns and selects(np[1], labels)]
        if isolating:
            for ns, sel, rules in isolating:
                for peers, ports in rules:
                    if (peers is None or any(self.np_peer_holds(p, ns) for p in peers)) and \
                            self.port_match_np(ports, t, named):
                        return True
            return False
        for action, peer, ports in self.banp:
            if self.admin_peer_holds(peer) and (ports is None or t in ports):
                return action == "Allow"
        return True


def main():
    args = sys.argv[1:]
    keep = take_keep(args)
    nv, seed, n = args[0], int(args[1]), int(args[2])
    tmp = keep or tempfile.mkdtemp(prefix="nv-tiers-expose-")
    total = bad = 0
    kinds = {"exposed": 0, "not exposed": 0}
    verdicts = {"holds": 0, "refuted": 0}
    for case in range(n):
        rnd = random.Random(seed * 100003 + case)
        c = Cluster(rnd)
        c.gen()
        routed = c.routed()
        claims = []  # (claim, verdict)
        for wns, app, labels, named, plain in c.workloads:
            ref = "%s/%s[Deployment]" % (wns, app)
            ports = sorted(routed.get((wns, app), ()))
            ok = [t for t in ports if c.reaches(wns, labels, named, t)]
            if ports:
                claims.append(("exposed %s" % ref, "holds" if len(ok) == len(ports) else "refuted"))
                p = rnd.choice(ports)
                claims.append(("exposed %s on tcp/%d" % (ref, p), "holds" if p in ok else "refuted"))
                claims.append(("not exposed %s on tcp/%d" % (ref, p),
                               "refuted" if p in ok else "holds"))
            claims.append(("not exposed %s" % ref, "refuted" if ok else "holds"))
            claims.append(("not exposed %s on tcp/7001" % ref, "holds"))  # no route uses 7001
        for ns in NAMESPACES:
            any_ok = any(c.reaches(wns, labels, named, t)
                         for wns, app, labels, named, plain in c.workloads if wns == ns
                         for t in routed.get((wns, app), ()))
            claims.append(("not exposed namespace %s" % ns, "refuted" if any_ok else "holds"))
        d = os.path.join(tmp, "case%03d" % case)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "cluster.yaml"), "w") as fp:
            fp.write("\n---\n".join(json.dumps(x) for x in c.docs) + "\n")
        with open(os.path.join(d, "claims.yaml"), "w") as fp:
            fp.write("claims:\n" + "".join("  - '%s'\n" % cl for cl, _ in claims))
        r = subprocess.run([nv, "check", os.path.join(d, "cluster.yaml"), "--claims",
                            os.path.join(d, "claims.yaml"), "--format", "json", "--cross-check"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            rep = json.loads(r.stdout)["claims"]
        except ValueError:
            print("case%03d: no report (exit %d): %s" % (case, r.returncode, r.stderr.strip()[-600:]))
            bad += len(claims)
            total += len(claims)
            continue
        if r.returncode not in (0, 1):
            print("case%03d: exit %d: %s" % (case, r.returncode, r.stderr.strip()[-400:]))
            bad += 1
        for (cl, want), res in zip(claims, rep):
            total += 1
            kinds["not exposed" if cl.startswith("not") else "exposed"] += 1
            verdicts[want] += 1
            if res["verdict"] != want:
                bad += 1
                print("case%03d: %s: %s (want %s)" % (case, cl, res["verdict"], want))
    print("check-tiers-expose: seed %d, %d clusters, %d claims (%d exposed, %d not exposed; "
          "%d hold, %d refuted), %d not as the evaluator says (cross-checked)"
          % (seed, n, total, kinds["exposed"], kinds["not exposed"], verdicts["holds"],
             verdicts["refuted"], bad))
    if not keep and not bad:
        shutil.rmtree(tmp)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
