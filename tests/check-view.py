#!/usr/bin/env python3
"""check-view.py - the filters of 'list' and 'diff' (--focus, --namespace,
--direction, --peer) against the rules of docs/output.md ("Filters").

For random pairs of clusters (those of check-diff.py) and random filters,
every format of 'list' (text, json, csv, md) and of 'diff' (text, json, md,
sarif) with the filters must print exactly the rows of the unfiltered output
that the rules keep, in the same order and framing; the rules are applied
here to the unfiltered output, independently of netverify's code. A filter
naming an endpoint that neither side has must exit 2 with nothing on
standard output.

usage: check-view.py NETVERIFY [COUNT] [SEED]
"""
import csv
import importlib.util
import io
import ipaddress
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("check_diff", os.path.join(HERE, "check-diff.py"))
cd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cd)

ADDRESSES = ["8.8.8.8", "10.1.2.3", "192.168.7.7", "2001:db8::1", "fd00::5"]
ROW = re.compile(r"^(?:[-+~] )?(.*?)\[([^\[\]]*)\] => (.*?)\[([^\[\]]*)\] : ")


def run(nv, *args):
    p = subprocess.run([nv] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Filter:
    """The rules of docs/output.md, on (name, kind) ends."""

    def __init__(self, focus, nss, peers, direction):
        self.focus, self.nss, self.peers, self.direction = focus, nss, peers, direction

    def args(self):
        a = []
        for f in self.focus:
            a += ["--focus", f]
        for n in self.nss:
            a += ["--namespace", n]
        for p in self.peers:
            a += ["--peer", p]
        if self.direction:
            a += ["--direction", self.direction]
        return a

    def fam(self):
        """An IPv6 address in a filter makes netverify model IPv6 (docs/semantics.md): the
        unfiltered run it is compared with then models IPv6 too."""
        return ["--ip-family", "dual"] if any(cd.is_v6(e) for e in self.focus + self.peers) else []

    @staticmethod
    def names(end, eps):
        name, kind = end
        for ep in eps:
            if kind == "External":
                try:
                    ip = ipaddress.ip_address(ep)
                except ValueError:
                    continue
                lo, hi = (ipaddress.ip_address(x) for x in name.split("-"))
                if lo.version == ip.version and int(lo) <= int(ip) <= int(hi):
                    return True
            elif ep == "%s[%s]" % (name, kind):
                return True
        return False

    def in_view(self, end):
        if end[1] != "External" and end[0].split("/")[0] in self.nss:
            return True
        return self.names(end, self.focus)

    def peer(self, end):
        return not self.peers or self.names(end, self.peers)

    def keeps(self, src, dst):
        return ((self.in_view(src) and self.direction != "in" and self.peer(dst)) or
                (self.in_view(dst) and self.direction != "out" and self.peer(src)))


def rand_filter(rng, ends):
    wls = sorted({"%s[%s]" % e for e in ends if e[1] != "External"})
    nss = sorted({e[0].split("/")[0] for e in ends if e[1] != "External"})
    focus, ns, peers = [], [], []
    while not focus and not ns:
        if wls and rng.random() < 0.6:
            focus = rng.sample(wls, min(len(wls), rng.randint(1, 2)))
        if rng.random() < 0.25:
            focus.append(rng.choice(ADDRESSES))
        if nss and rng.random() < 0.4:
            ns = rng.sample(nss, min(len(nss), rng.randint(1, 2)))
    if rng.random() < 0.4:
        peers = rng.sample(wls, min(len(wls), rng.randint(1, 2))) if wls else []
        if rng.random() < 0.3:
            peers.append(rng.choice(ADDRESSES))
    direction = rng.choice([None, None, "in", "out"])
    return Filter(focus, ns, peers, direction)


def text_rows(out):
    return [l for l in out.splitlines() if ROW.match(l)]


def text_keep(f, lines):
    kept = []
    for l in lines:
        m = ROW.match(l)
        if f.keeps((m.group(1), m.group(2)), (m.group(3), m.group(4))):
            kept.append(l)
    return kept


def check_list(nv, folder, f, fail):
    base = {}
    for fmt in ("text", "json", "csv", "md"):
        rc, out, err = run(nv, "list", folder, "--format", fmt, *f.fam())
        rc2, got, err2 = run(nv, "list", folder, "--format", fmt, *f.args())
        if rc or rc2:
            return fail("list %s %s: exit %d/%d: %s" % (fmt, f.args(), rc, rc2, err + err2))
        if fmt == "json":
            doc = json.loads(out)
            doc["connections"] = [c for c in doc["connections"] if f.keeps(
                (c["src"], c["src_kind"]), (c["dst"], c["dst_kind"]))]
            want = json.loads(got)
            ok = doc == want and (got.endswith("\n]}\n") if doc["connections"] else got == '{"connections": []}\n')
        elif fmt == "text":
            ok = got.splitlines() == text_keep(f, out.splitlines())
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(out)))
            keep = [rows[0]] + [r for r in rows[1:] if f.keeps((r[0], r[1]), (r[2], r[3]))]
            ok = list(csv.reader(io.StringIO(got))) == keep
        else:
            lines = out.splitlines()
            cells = [l.split(" | ") for l in lines[2:]]
            keep = lines[:2] + [l for l, c in zip(lines[2:], cells)
                                if f.keeps((c[0][2:], c[1]), (c[2], c[3]))]
            ok = got.splitlines() == keep
        base[fmt] = out
        if not ok:
            return fail("list --format %s %s: not the rows the rules keep" % (fmt, " ".join(f.args())))
    return base


def md_unescape_end(cell):
    """'ns/name (Kind)' of diff's Markdown, escaped names of random clusters are plain."""
    m = re.match(r"^(.*) \(([^()]*)\)$", cell.strip())
    return (m.group(1), m.group(2))


def check_diff(nv, od, nd, f, fail):
    rc, out, err = run(nv, "diff", od, nd, "--format", "json", *f.fam())
    rc2, got, err2 = run(nv, "diff", od, nd, "--format", "json", *f.args())
    if rc or rc2:
        return fail("diff json %s: exit %d/%d: %s" % (f.args(), rc, rc2, err + err2))
    doc, want = json.loads(out), None
    for k in ("added", "removed", "changed"):
        doc[k] = [c for c in doc[k] if f.keeps((c["src"], c["src_kind"]), (c["dst"], c["dst_kind"]))]
    if doc != json.loads(got):
        return fail("diff --format json %s: not the changes the rules keep" % " ".join(f.args()))
    counts = [len(doc[k]) for k in ("added", "removed", "changed")]
    rc, out, _ = run(nv, "diff", od, nd, *f.fam())
    rc2, got, _ = run(nv, "diff", od, nd, *f.args())
    if got.splitlines() != text_keep(f, out.splitlines()):
        return fail("diff --format text %s: not the changes the rules keep" % " ".join(f.args()))
    rc, got, _ = run(nv, "diff", od, nd, "--format", "md", *f.args())
    rows = [l for l in got.splitlines() if l.startswith("| ") and not l.startswith("| change | source")]
    if sum(counts) == 0:
        ok = got == ""
    else:
        ok = ("**netverify diff:** %d connection%s added, %d removed, %d changed"
              % (counts[0], "" if counts[0] == 1 else "s", counts[1], counts[2])) in got
        ok = ok and len(rows) == min(sum(counts), 300) and all(
            f.keeps(md_unescape_end(r.split(" | ")[1]), md_unescape_end(r.split(" | ")[2]))
            for r in rows)
    if not ok:
        return fail("diff --format md %s: not the changes the rules keep" % " ".join(f.args()))
    rc, got, _ = run(nv, "diff", od, nd, "--format", "sarif", *f.args())
    results = json.loads(got)["runs"][0]["results"]
    ends = [ROW.match(r["message"]["text"].split(": ", 1)[1]) for r in results]
    if len(results) != sum(counts) or not all(
            e and f.keeps((e.group(1), e.group(2)), (e.group(3), e.group(4))) for e in ends):
        return fail("diff --format sarif %s: not the changes the rules keep" % " ".join(f.args()))
    # --fail-on sees only the changes in view
    rc, _, _ = run(nv, "diff", od, nd, "--fail-on", "any", *f.args())
    if rc != (1 if sum(counts) else 0):
        return fail("diff --fail-on any %s: exit %d for %d changes" % (" ".join(f.args()), rc, sum(counts)))
    return True


def main():
    nv = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261205
    rng = random.Random(seed)
    state = {"failed": 0, "checked": 0}

    def fail(msg):
        state["failed"] += 1
        print("FAIL case %d: %s" % (state["case"], msg))
        return None

    with tempfile.TemporaryDirectory() as tmp:
        for case in range(count):
            state["case"] = case
            old = cd.rand_cluster(rng)
            new = cd.mutate(rng, old)
            od, nd = os.path.join(tmp, "old%d" % case), os.path.join(tmp, "new%d" % case)
            cd.write_cluster(old, od)
            cd.write_cluster(new, nd)
            ends = []
            for side in (nd, od):
                _, lj, _ = run(nv, "list", side, "--format", "json")
                ends.append({(c[k], c[k + "_kind"]) for c in json.loads(lj)["connections"]
                             for k in ("src", "dst")})
            f = rand_filter(rng, ends[0])
            # a filter on NEW's ends for list and diff, one on OLD's (removed workloads) for diff
            if (check_list(nv, nd, f, fail) and check_diff(nv, od, nd, f, fail) and
                    check_diff(nv, od, nd, rand_filter(rng, ends[1]), fail)):
                state["checked"] += 1
            # a name neither side has: exit 2, nothing on standard output
            for cmd in (["list", nd], ["diff", od, nd]):
                rc, out, err = run(nv, *cmd, "--focus", "nosuch/w9")
                if rc != 2 or out or "nosuch/w9" not in err:
                    fail("%s --focus nosuch/w9: exit %d, %r" % (cmd[0], rc, out))
            if state["failed"] > 5:
                break
    print("view: %d random cluster pairs, every format of list and diff filtered, %d failed"
          % (state["checked"], state["failed"]))
    return 1 if state["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
