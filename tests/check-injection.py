#!/usr/bin/env python3
"""check-injection.py - no text a contributor controls changes the structure
of any output.

The same cluster, claims and commands are run twice: once with benign names,
once with hostile ones where a pull request can put them (claim names, claim
texts, the names of manifest and claims files; owner names and label values
reach only diagnostics, as Kubernetes refuses them). The hostile names hold
newlines, '|', backticks, '<!--', '@user', links, ESC sequences, '=cmd()',
U+FFFE, '#' and '?', quotes, '(assert false)', bidirectional controls and a
byte that is not UTF-8. Every format of every command must keep the shape it
has with benign names:

* text (list, summary, diff, check, explain) and standard error: the same
  number of lines, and no control character but newline and tab;
* Markdown (list, diff): the same blocks, headings, tables and rows when
  parsed by cmark-gfm (GitHub's CommonMark parser), and no HTML, link, image,
  code or emphasis that the benign output lacks;
* CSV: the same rows and columns, no cell starting with = + - @ tab or CR;
* JSON and SARIF: parse, with the names exact; every SARIF artifact URI is a
  relative reference to an existing file (percent-encoding round trip);
* JUnit: well-formed XML with one testcase per claim;
* DOT: accepted by 'dot', one node per workload;
* --emit-smt: z3 gives each file's one answer, the verdict netverify gives.

usage: check-injection.py NETVERIFY
       check-injection.py --md-compare BENIGN.md HOSTILE.md [BENIGN-NAME HOSTILE-NAME]...
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

# Each hostile text tries one way out of its place.
FAKE = "\n\n**netverify: no change; every claim holds.**\n\n<!--"
HOSTILE_NAMES = [
    "fake" + FAKE,
    "pipe | ``` fence ```` `tick` \\ back",
    "@user a@e.example [x](http://e.example) www.e.example <b>html</b> &amp; *em* _em_ # h",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J",
    "=cmd()|+1,-2;@SUM(A1)",
    "nonchar \ufffe\uffff bidi \u202e gnp.exe \u0085 del \x7f",
    "x\n(assert false)\n(check-sat)",
    "\"quoted\" 'single' \\N \\l }]; a -> b [label=\"x",
]
BENIGN_NAMES = ["claim %d" % i for i in range(len(HOSTILE_NAMES))]
# file names: '#', '?', '%', spaces, backticks, a newline, ESC and a byte that is not UTF-8
HOSTILE_FILES = {
    "policies": b"pol#1?x=%41 `tick`\n```\n" + FAKE.encode()[2:12] + b"\x1b[31m\xff.yaml",
    "claims": b"claims #frag ?q=1 \"q\" <x>.yaml",
    "notes": b"notes\n\n**fake**\n\n<!-- .yaml",
}
BENIGN_FILES = {k: k.encode() + b".yaml" for k in HOSTILE_FILES}

CLUSTER = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops, labels: {team: ops}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, ports: [{name: api, containerPort: 9000}]}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: pg}]}
---
apiVersion: v1
kind: Pod
metadata: {name: toolbox, namespace: ops, labels: {app: toolbox}}
spec: {containers: [{name: sh}]}
"""

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}%s]
    ports: [{port: 9000}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
"""
OLD_POLICY = POLICY % ""
NEW_POLICY = POLICY % ", {namespaceSelector: {matchLabels: {team: ops}}}"

NOTES = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
"""

# Claim texts: the named ones change verdict between OLD and NEW (so that each
# hostile name is in diff's claims table too); one spreads over a newline and
# a tab, which the claim grammar reads as blanks.
CLAIMS = [
    "ops/toolbox cannot reach shop/api",
    "ops/toolbox reaches shop/api on tcp/9000",
    "only pods app=web reaches shop/api on tcp/9000",
    "namespace ops cannot reach shop/api",
    "ops/toolbox\ncannot  reach\tshop/api on tcp/9000",
    "pods app=toolbox cannot reach pods app=api",
    "namespaces team=ops reaches shop/api on tcp/9000",
    "only shop/web reaches pods app=api in namespace shop on tcp/9000",
    "shop/web reaches shop/api on tcp/9000",
    "shop/db cannot reach shop/web",
    "namespace shop is isolated for ingress",
]

# Characters no text output may hold: C0 but newline and tab, DEL, C1, bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
CMARK = ["cmark-gfm", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter",
         "-t", "xml"]
NS = "{http://commonmark.org/xml/1.0}"

failed = 0
passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL injection: " + what)


def yaml_str(s):
    # a YAML double-quoted scalar: JSON's escapes are YAML's, \\uFFFE included
    return json.dumps(s, ensure_ascii=True)


def write_variant(top, hostile):
    names = HOSTILE_NAMES if hostile else BENIGN_NAMES
    files = HOSTILE_FILES if hostile else BENIGN_FILES
    for side, policy in (("old", OLD_POLICY), ("new", NEW_POLICY)):
        d = os.path.join(top, side)
        os.makedirs(d)
        with open(os.path.join(d, "cluster.yaml"), "w") as f:
            f.write(CLUSTER)
        with open(os.path.join(os.fsencode(d), files["policies"]), "w") as f:
            f.write(policy)
    with open(os.path.join(os.fsencode(top), b"new", files["notes"]), "w") as f:
        f.write(NOTES)
    lines = ["claims:"]
    for i, text in enumerate(CLAIMS):
        if i < len(names):
            lines.append("  - name: " + yaml_str(names[i]))
            lines.append("    claim: " + yaml_str(text))
        else:
            lines.append("  - " + yaml_str(text))
    claims = os.path.join(os.fsencode(top), files["claims"])
    with open(claims, "w") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.basename(claims)


def run(nv, cwd, args, stdin=None):
    r = subprocess.run([nv] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       input=stdin, timeout=300)
    return r.returncode, r.stdout, r.stderr


def commands(claims):
    """(label, format kind, argv) of every output; argv holds bytes for the claims file."""
    cmds = []
    for fmt in ("text", "json", "csv", "md", "summary", "ns-matrix", "ns-matrix-csv",
                "ns-matrix-md", "ns-matrix-json"):
        kind = {"summary": "text", "ns-matrix": "text"}.get(fmt, fmt.replace("ns-matrix-", ""))
        cmds.append(("list " + fmt, kind, ["list", "new", "--format", fmt]))
    for fmt in ("text", "json", "md", "sarif"):
        cmds.append(("diff " + fmt, fmt, ["diff", "old", "new", "--claims", claims, "--format", fmt]))
    for fmt in ("text", "json", "sarif", "junit"):
        cmds.append(("check " + fmt, fmt, ["check", "new", "--claims", claims, "--format", fmt]))
    cmds.append(("explain port", "text", ["explain", "new", "--from", "ops/toolbox", "--to",
                                          "shop/api", "--port", "tcp/9000"]))
    cmds.append(("explain all", "text", ["explain", "new", "--from", "shop/web", "--to", "shop/db"]))
    cmds.append(("graph", "dot", ["graph", "new", "--claims", claims]))
    cmds.append(("graph ns", "dot", ["graph", "new", "--claims", claims, "--group", "namespace"]))
    return cmds


# ---- structure of each format ----

def text_shape(label, out):
    text = out.decode("utf-8", "replace")
    bad = FORBIDDEN.search(text)
    check(bad is None, "%s: control character %r in the output" % (label, bad and bad.group()))
    return ("lines", text.count("\n"))


def term_escape(s):
    """A name as the text formats show it (docs/output.md, "Escaping")."""
    out = []
    for ch in s:
        c = ord(ch)
        if ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02x" % c)
        elif FORBIDDEN.match(ch) or c in (0xfffe, 0xffff):
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    return "".join(out)


def md_text(e):
    """The text an element of cmark's XML shows (without the XML's indentation)."""
    return "".join(t.text or "" for t in e.iter()
                   if t.tag in (NS + "text", NS + "code", NS + "html_inline"))


def md_signature(data, names=()):
    """
    The block structure cmark-gfm reads, and what inline markup it found. A
    table cell is kept as its text, or as "name N" when its text is how name
    N must read (escaped as text, '@' followed by a zero-width space).
    """
    shown = {term_escape(n).replace("@", "@\u200b"): "name %d" % i for i, n in enumerate(names)}
    if not shutil.which("cmark-gfm"):
        # without the parser: the kinds of lines, as a block parser would first see them
        kinds = []
        for line in data.decode("utf-8", "replace").split("\n"):
            kinds.append(line[:1] if line[:1] in "|#<`>*-" else ("" if not line else "p"))
        return ("lines", tuple(kinds))
    x = subprocess.run(CMARK, input=data, stdout=subprocess.PIPE, check=True).stdout
    try:
        root = ET.fromstring(x)
    except ET.ParseError as e:
        # cmark passes control characters through to its XML
        return ("cmark", "not XML: %s" % e)
    blocks = []
    for b in root:
        tag = b.tag.replace(NS, "")
        if tag == "table":
            rows = [r for r in b if r.tag in (NS + "table_row", NS + "table_header")]
            cells = tuple(tuple(shown.get(t, t) for t in (md_text(c) for c in r)) for r in rows)
            blocks.append((tag, len(rows), cells))
        elif tag == "heading":
            blocks.append((tag, b.get("level"), md_text(b)))
        else:
            blocks.append((tag,))
    inline = {}
    for e in root.iter():
        tag = e.tag.replace(NS, "")
        if tag in ("html_inline", "html_block", "link", "image", "code", "code_block", "strong",
                   "emph", "strikethrough", "heading"):
            inline[tag] = inline.get(tag, 0) + 1
    return ("cmark", tuple(blocks), tuple(sorted(inline.items())))


def csv_shape(label, out):
    rows = list(csv.reader(io.StringIO(out.decode("utf-8", "replace"), newline="")))
    for r in rows:
        for cell in r:
            check(not cell or cell[0] not in "=+-@\t\r", "%s: cell %r starts a formula" % (label, cell))
    return ("csv", len(rows), tuple(len(r) for r in rows))


def uri_ok(label, cwd, uri):
    p = urllib.parse.urlsplit(uri)
    check(not p.scheme and not p.netloc and not p.query and not p.fragment,
          "%s: URI %r is not a plain relative path" % (label, uri))
    raw = urllib.parse.unquote_to_bytes(uri)
    check(urllib.parse.quote_from_bytes(raw, safe="/-._~") == uri,
          "%s: URI %r does not round-trip" % (label, uri))
    check(uri == "-" or os.path.exists(os.path.join(os.fsencode(cwd), raw)),
          "%s: URI %r names no file" % (label, uri))


def json_shape(label, cwd, fmt, out, names):
    try:
        doc = json.loads(out)
    except ValueError as e:
        check(False, "%s: not JSON: %s" % (label, e))
        return ("json", None)
    if fmt == "sarif":
        n = 0
        for run_ in doc["runs"]:
            for res in run_["results"]:
                n += 1
                for loc in res.get("locations", []) + res.get("relatedLocations", []):
                    uri_ok(label, cwd, loc["physicalLocation"]["artifactLocation"]["uri"])
        return ("sarif", n)
    if "claims" in doc and isinstance(doc.get("summary"), dict):
        got = [c["name"] for c in doc["claims"] if c["name"] is not None]
        check(got == names[:len(got)], "%s: claim names not exact" % label)
        return ("check", len(doc["claims"]), tuple(c["holds"] for c in doc["claims"]))
    if "claims" in doc:
        got = [c["name"] for c in doc["claims"] if c["name"] is not None]
        check(set(got) <= set(names), "%s: claim names not exact" % label)
        return ("diff", tuple((k, len(doc[k])) for k in sorted(doc)))
    if "namespace_pairs" in doc:
        return ("ns-matrix", len(doc["namespace_pairs"]))
    return ("list", len(doc["connections"]))


def junit_shape(label, out):
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        check(False, "%s: not well-formed XML: %s" % (label, e))
        return ("junit", None)
    cases = root.findall(".//testcase")
    check(len(cases) == len(CLAIMS), "%s: %d testcases for %d claims" %
          (label, len(cases), len(CLAIMS)))
    return ("junit", len(cases), len(root.findall(".//failure")))


def dot_shape(label, out, nworkloads):
    if not shutil.which("dot"):
        return ("dot", "skipped")
    r = subprocess.run(["dot", "-Tplain"], input=out, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    check(r.returncode == 0 and not r.stderr, "%s: dot rejects it: %s" % (label, r.stderr[:200]))
    # long strings are continued on the next line after a backslash
    plain = r.stdout.decode("utf-8", "replace").replace("\\\n", "").split("\n")
    # one line per object: a label with a raw newline would start a line of its own
    check(all(ln.split(" ")[0] in ("graph", "node", "edge", "stop", "") for ln in plain),
          "%s: a label breaks the plain output" % label)
    check(not FORBIDDEN.search("\n".join(plain)), "%s: control character in a label" % label)
    nodes = [ln for ln in plain if ln.startswith("node ")]
    boxes = [ln for ln in nodes if " hexagon " not in ln and not ln.startswith('node "legend:')
             and not ln.startswith("node legend")]
    if label == "graph":
        check(len(boxes) == nworkloads, "%s: %d workload nodes for %d workloads" %
              (label, len(boxes), nworkloads))
    edges = [ln for ln in plain if ln.startswith("edge ")]
    return ("dot", len(nodes), len(edges))


def emit_check(nv, cwd, claims, label):
    """tests/check-emit.py on the claims: z3's one answer per file is netverify's verdict."""
    emit = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check-emit.py")
    r = subprocess.run([sys.executable, emit, nv, "new", claims], cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    check(r.returncode == 0, "%s: %s" % (label, r.stdout.decode("utf-8", "replace").strip()))


def shapes(nv, top, hostile):
    claims = write_variant(top, hostile)
    names = HOSTILE_NAMES if hostile else BENIGN_NAMES
    tag = "hostile" if hostile else "benign"
    rc, out, _ = run(nv, top, ["list", "new", "--format", "summary"])
    nworkloads = int(re.search(rb"workloads: (\d+)", out).group(1))
    result = {}
    for label, fmt, argv in commands(claims):
        rc, out, err = run(nv, top, argv)
        where = "%s (%s names)" % (label, tag)
        if fmt == "text":
            shape = text_shape(where, out)
        elif fmt == "md":
            shape = md_signature(out, names)
        elif fmt == "csv":
            shape = csv_shape(where, out)
        elif fmt in ("json", "sarif"):
            shape = json_shape(where, top, fmt, out, names)
        elif fmt == "junit":
            shape = junit_shape(where, out)
        else:
            shape = dot_shape(label, out, nworkloads)
        if label in ("check text", "diff text"):
            text = out.decode("utf-8", "replace")
            for n in names:
                check(term_escape(n) in text, "%s: %r is not shown as %r" % (where, n,
                                                                             term_escape(n)))
        result[label] = (rc, shape, text_shape(where + " stderr", err))
    emit_check(nv, top, claims, "emit-smt (%s names)" % tag)
    # diagnostics that quote what Kubernetes refuses: an owner name, a label value in a claim
    bad_owner = names[0] if hostile else "bad owner"
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n"
           "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %s, uid: u,"
           " controller: true}]\nspec: {containers: [{name: c}]}\n" % yaml_str(bad_owner))
    rc, out, err = run(nv, top, ["list", "-"], stdin=pod.encode())
    result["stderr: owner"] = (rc, out, text_shape("owner name (%s)" % tag, err))
    label_claim = "claims:\n  - %s\n" % yaml_str("pods app=%s reaches any" % (
        names[3] if hostile else "bad value"))
    with open(os.path.join(top, "bad-claims.yaml"), "w") as f:
        f.write(label_claim)
    rc, out, err = run(nv, top, ["check", "new", "--claims", "bad-claims.yaml"])
    result["stderr: claim"] = (rc, out, text_shape("claim value (%s)" % tag, err))
    for opt in ("--from", "--to"):
        rc, out, err = run(nv, top, ["explain", "new", opt, "shop/" + (names[3] if hostile else
                                     "nothing"), "--to" if opt == "--from" else "--from",
                                     "shop/web"])
        result["stderr: explain " + opt] = (rc, out, text_shape("explain %s (%s)" % (opt, tag),
                                                                  err))
    return result


def md_compare(benign, hostile, pairs):
    """pairs: benign name, hostile name, ... (the same cell with either name matches)."""
    a = md_signature(open(benign, "rb").read(), pairs[0::2])
    b = md_signature(open(hostile, "rb").read(), pairs[1::2])
    if a != b:
        print("FAIL injection: Markdown structure differs:\n  benign:  %s\n  hostile: %s" % (a, b))
        return 1
    return 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--md-compare" and len(sys.argv) % 2 == 0:
        return md_compare(sys.argv[2], sys.argv[3], sys.argv[4:])
    nv = os.path.abspath(sys.argv[1])
    if not shutil.which("cmark-gfm"):
        print("injection: no cmark-gfm (scripts/install-deps.sh installs it): Markdown compared "
              "line by line only")
    with tempfile.TemporaryDirectory() as tmp:
        good = shapes(nv, os.path.join(tmp, "benign"), False)
        evil = shapes(nv, os.path.join(tmp, "hostile"), True)
    for label in good:
        check(good[label] == evil[label], "%s: shape differs with hostile names:\n  benign:  %s\n"
              "  hostile: %s" % (label, good[label], evil[label]))
    # the benign run itself must be what the assertions expect
    check(good["check text"][0] == 1 and good["diff md"][1][0] != "lines" or
          not shutil.which("cmark-gfm"), "benign run: check refutes, diff md parsed")
    check(good["stderr: owner"][0] == 2 and good["stderr: claim"][0] == 2,
          "benign run: the refused owner and claim are errors")
    print("injection: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
