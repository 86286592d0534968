#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run netverify over the error corpus and judge every case.

usage: python3 tests/errors.py NETVERIFY CORPUS_ERRORS_DIR [-v]

Each case folder holds manifests/ and expected.json (see the corpus README).
For each case this runs `NETVERIFY list CASE/manifests --format json` (30 s
timeout) and judges it:

peer_verdict "error" passes iff
  * the process exited normally with code 2 (a signal, a timeout or a code
    outside 0-3 is reported as a crash or hang),
  * standard output is empty,
  * standard error has a line
        netverify: PATH:LINE[:COL]: error: ...
    where basename(PATH) is a file named in `where` and LINE is acceptable
    (below), or a line
        netverify: PATH: error: ...
    when `where` gives no line for that file.  PATH may also be the
    manifests directory itself for a whole-input defect (object_kind "file"
    in category empty-input or unsupported-kinds, or a `where` that names
    no .yaml/.yml/.json file: no manifest at all, nothing to analyse).
    A `where` naming no file at all accepts any position in a file listed
    under "manifests".

peer_verdict "warning" passes iff the exit code is 0 and standard output is
a JSON object with a "connections" key (warnings on stderr are welcome).

Exceptions.  A few "error" cases are valid input for Kubernetes itself (the
peer is stricter than the API server).  EXCEPTIONS below lists them; the
section of docs/semantics.md named in DECISIONS records each decision.  Such
a case passes when netverify finds no defect in the manifests: either as a
"warning" case (exit 0 with results), or exit 2 with only whole-input errors
(no line: several of these inputs hold one valid policy and no workload, which
is nothing to analyse).  Where netverify must still say something about the
input, standard error must contain the given text.

Stricter.  A few "warning" cases are refused by Kubernetes itself (the peer is
more lenient than the API server's strict field validation).  STRICTER lists
them with the error netverify must give; such a case passes when netverify
exits 2 with that error and nothing on standard output.

Acceptable lines.  `where` is prose such as
    "anp.yaml:12-13 (spec.egress[0])"
    "anps.yaml:6 and 43 (spec.priority)"
    "endport_less_than_port.yaml:17,20 (...); the peer reports ...:17:11"
    "objects.yaml:5 and objects.yaml:12 (metadata.name)"
Every FILE:LINES item is parsed (LINES: numbers joined by '-', ',' or
' and '; a ':COL' suffix is ignored).  The first item decides the file that
matters most, but every listed position is accepted, since `where` lists
several positions only when the defect involves several nodes (a duplicate,
two conflicting fields, the peer's own position).  For a listed line L the
accepted lines are those of the enclosing document from its start up to L:
the document starts at the last line that is exactly `---` at or before L
(or line 1).  For a range A-B the accepted lines run from the start of A's
document to B.  If `where` names the file but no line, any position in that
file is accepted.
"""

import json
import os
import re
import signal
import subprocess
import sys

TIMEOUT = 30

DECISIONS = "docs/semantics.md#validation-decisions"

# case id -> text standard error must contain (None: nothing required)
EXCEPTIONS = {
    # a null label value is the empty string, as the API server decodes it
    "nca-matchlabels_empty_value_label": None,
    # spec.podSelector may be omitted or null: it then selects every pod
    "nca-spec_empty_map": None,
    "nca-spec_podselector_does_not_exist": None,
    "nca-spec_podselector_has_no_value": None,
    "nca-spec_podselector_null": None,
    # rules of a direction policyTypes leaves out are valid and have no effect:
    # lint's ignored-direction says so (golden lint-ignored-direction); these
    # inputs hold no workload, so they are refused as a whole (exit 2)
    "nca-spec_policytypes_missing_egress": None,
    "nca-spec_policytypes_missing_ingress": None,
    # a named port toward an ipBlock is valid; it allows nothing there
    "npa-bad_netpols-subdir6": None,
    # pods of one owner may differ in their labels; each pod counts on its own
    "npa-semanticDiff-same-topologies-illegal-podlist": None,
    "npa-example_w_err_pods_w_same_owner_and_labels_gap_anp": None,
    # AdminNetworkPolicies may share a priority; the outcome is then up to the plugin
    "npa-anp_bad_path_test_1": "same priority",
}

# "warning" cases that Kubernetes refuses although the peer accepts them (the
# peer is more lenient than the API server): case id -> the error standard
# error must hold. Such a case passes when netverify refuses it with that error.
STRICTER = {
    # 'app: router' indented as a field of the pod template's metadata (its 'labels' is
    # null): kubectl's strict field validation refuses the Deployment
    "npa-nad_test_1": "pods.yaml:13:7: error: unknown field 'app' in the pod template's metadata",
}

FILE_RE = r"[A-Za-z0-9_.\-/]+\.(?:yaml|yml|json|xml)"
# FILE then ":" then a line spec: numbers joined by '-', ',', ' and '
ITEM_RE = re.compile(
    r"(?P<file>" + FILE_RE + r")"
    r"(?::(?P<lines>\d+(?::\d+)?(?:\s*(?:-|,|\band\b)\s*\d+(?::\d+)?)*))?")
DIAG_RE = re.compile(
    r"^netverify: (?P<path>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: error: ")


# Warning cases that `netverify lint` must report, with a text each finding holds.
LINT_WARNINGS = {
    "npa-bad_netpols-subdir5": [
        "netpols.yaml:13:7: warning: named port 'abc' (TCP) of NetworkPolicy "
        "'default/shippingservice-netpol' ingress[0]: no selected pod declares it "
        "[named-port-unresolved]"],
    "npa-no_netpols_dir": [
        "pod.yaml:1:1: warning: Pod 'default/nginx' is isolated for neither ingress nor "
        "egress: no NetworkPolicy selects it [workload-not-isolated]",
        "pod.yaml:1:1: warning: namespace 'default' has no default-deny for ingress or "
        "egress: no NetworkPolicy there selects every pod (podSelector: {}) for it "
        "[namespace-no-default-deny]"],
}


def lint_missing(netverify, case, manifests):
    """The findings LINT_WARNINGS wants that `netverify lint` does not print."""
    p = subprocess.run([netverify, "lint", manifests], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=TIMEOUT)
    text = p.stdout.decode("utf-8", "replace")
    return [w for w in LINT_WARNINGS.get(case, []) if w not in text]


def doc_start(lines, n):
    """First line of the document holding file line n (1-based): the last
    line at or before n that is exactly '---', else 1."""
    start = 1
    for i in range(min(n, len(lines)), 0, -1):
        if lines[i - 1].rstrip("\r\n") == "---":
            start = i
            break
    return start


def parse_where(where, manifests):
    """Return (first_file, {basename: [(lo, hi, listed), ...] or None}).

    lo..hi are the accepted lines, listed the first line `where` gives;
    None means: the file is named without a line, any position is fine."""
    spans = {}
    first = None
    for m in ITEM_RE.finditer(where):
        fname = m.group("file")
        base = os.path.basename(fname)
        if first is None:
            first = base
        spec = m.group("lines")
        if spec is None:
            spans.setdefault(base, None)
            if spans[base] is not None:
                pass  # keep the line spans given elsewhere
            continue
        path = os.path.join(manifests, fname)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read().splitlines(True)
        except OSError:
            text = []
        # tokens: numbers (drop ':COL'), separators
        toks = re.findall(r"\d+(?::\d+)?|-|,|\band\b", spec)
        nums = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t in ("-", ",", "and"):
                i += 1
                continue
            a = int(t.split(":")[0])
            if i + 2 < len(toks) and toks[i + 1] == "-":
                b = int(toks[i + 2].split(":")[0])
                nums.append((a, max(a, b)))
                i += 3
            else:
                nums.append((a, a))
                i += 1
        lst = spans.get(base) or []
        for a, b in nums:
            lst.append((doc_start(text, a), b, a))
        spans[base] = lst
    return first, spans


def line_ok(spans, base, line):
    if base not in spans:
        return False
    s = spans[base]
    if s is None:
        return True
    if line is None:
        return False
    return any(lo <= line <= hi for lo, hi, _ in s)


def run(netverify, manifests):
    """(exit code or None on timeout, stdout, stderr).  netverify runs in a
    session of its own so that a hang is ended with all its children."""
    p = subprocess.Popen([netverify, "list", manifests, "--format", "json"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        p.communicate()
        return None, b"", b""
    return p.returncode, out, err


def first_line(b):
    for ln in b.decode("utf-8", "replace").splitlines():
        if ln.strip():
            return ln
    return "(empty)"


def rc_text(rc):
    if rc is None:
        return "timeout after %ds (hang)" % TIMEOUT
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        return "killed by %s (crash)" % name
    if rc not in (0, 1, 2, 3):
        return "exit %d (not one of 0-3: crash)" % rc
    return "exit %d" % rc


def judge(netverify, case_dir):
    """Return (ok, reason)."""
    with open(os.path.join(case_dir, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    manifests = os.path.join(case_dir, "manifests")
    verdict = exp.get("peer_verdict")
    where = exp.get("where", "")
    rc, out, err = run(netverify, manifests)
    errline = first_line(err)
    case = os.path.basename(os.path.normpath(case_dir))
    exception = case in EXCEPTIONS
    if exception:
        if verdict != "error":
            return False, "listed in EXCEPTIONS but the peer verdict is %r" % verdict
        verdict = "warning"
        want = EXCEPTIONS[case]
        text = err.decode("utf-8", "replace")
        if want and want not in text:
            return False, "exception (%s): stderr lacks %r; stderr: %s" % (
                DECISIONS, want, errline)
        if rc == 2 and not out.strip():
            errs = [ln for ln in text.splitlines() if DIAG_RE.match(ln)]
            if errs and all(not DIAG_RE.match(ln).group("line") for ln in errs):
                return True, "valid for Kubernetes (%s); refused as a whole: %s" % (
                    DECISIONS, errs[0])

    if rc is None or rc < 0 or rc not in (0, 1, 2, 3):
        return False, "%s; stderr: %s" % (rc_text(rc), errline)

    if case in STRICTER:
        if verdict != "warning":
            return False, "listed in STRICTER but the peer verdict is %r" % verdict
        if rc != 2 or out.strip() or STRICTER[case] not in err.decode("utf-8", "replace"):
            return False, "%s, expected 2 with %r (refused by Kubernetes, %s); stderr: %s" % (
                rc_text(rc), STRICTER[case], DECISIONS, errline)
        return True, "refused as Kubernetes refuses it (%s): %s" % (DECISIONS, STRICTER[case])

    if verdict == "warning":
        if rc != 0:
            return False, "%s, expected 0 (warning case); stderr: %s" % (
                rc_text(rc), errline)
        try:
            doc = json.loads(out.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            return False, "exit 0 but stdout is not JSON (%s)" % e
        if not isinstance(doc, dict) or "connections" not in doc:
            return False, "exit 0 but stdout JSON has no 'connections' key"
        missing = lint_missing(netverify, case, manifests)
        if missing:
            return False, "netverify lint does not say: %s" % missing[0]
        return True, "%sexit 0, %d connections" % (
            "valid for Kubernetes (%s): " % DECISIONS if exception else "",
            len(doc["connections"]))

    if verdict != "error":
        return False, "unknown peer_verdict %r" % verdict

    exp_txt = "expected where: %s" % where
    if rc != 2:
        return False, "%s, expected 2; stderr: %s; %s" % (
            rc_text(rc), errline, exp_txt)
    if out.strip():
        return False, "exit 2 but stdout is not empty; %s" % exp_txt

    first, spans = parse_where(where, manifests)
    if not spans:
        # `where` names no file: any position in a listed manifest will do
        for m in exp.get("manifests") or []:
            spans[os.path.basename(m)] = None
        first = next(iter(spans), None)
    no_line_files = [b for b, s in spans.items() if s is None]
    # A whole-input defect (no manifest file at all, nothing to analyse) may
    # be reported against the directory given on the command line.
    dir_ok = (exp.get("object_kind") == "file" and exp.get("category") in (
        "empty-input", "unsupported-kinds")) or (bool(spans) and all(
            not re.search(r"\.(ya?ml|json)$", b) for b in spans))
    mbase = os.path.basename(os.path.normpath(manifests))

    diags = []
    for ln in err.decode("utf-8", "replace").splitlines():
        m = DIAG_RE.match(ln)
        if m:
            diags.append((m.group("path"),
                          int(m.group("line")) if m.group("line") else None,
                          ln))
    if not diags:
        return False, "exit 2 but no 'netverify: PATH[:LINE:COL]: error:' " \
            "line; stderr: %s; %s" % (errline, exp_txt)
    if not spans:
        # neither `where` nor `manifests` names a file
        return True, diags[0][2]

    exact = set()
    for b, s in spans.items():
        for _, hi, a in s or []:
            exact.update((b, n) for n in range(a, hi + 1))
    matched = []
    for path, line, ln in diags:
        base = os.path.basename(os.path.normpath(path))
        if dir_ok and base == mbase and line is None:
            matched.append((1, ln))
        elif base not in spans:
            continue
        elif line is None:
            if base in no_line_files:
                matched.append((1, ln))
        elif line_ok(spans, base, line):
            matched.append((0 if (base, line) in exact else 1, ln))
    if matched:
        matched.sort(key=lambda m: m[0])
        rank, ln = matched[0]
        return True, ln + ("" if rank == 0 else "  [enclosing object/file]")
    # report the closest diagnostic: one in the first file, else the first
    near = next((d for d in diags
                 if os.path.basename(d[0]) == first), diags[0])
    if os.path.basename(near[0]) in spans:
        why = "wrong line"
    else:
        why = "wrong file"
    return False, "exit 2, %s: %s; accepted %s; %s" % (
        why, near[2], fmt_spans(spans), exp_txt)


def fmt_spans(spans):
    parts = []
    for b, s in spans.items():
        if s is None:
            parts.append("%s:any" % b)
        else:
            parts.append("%s:%s" % (b, ",".join(
                "%d" % lo if lo == hi else "%d-%d" % (lo, hi)
                for lo, hi, _ in s)))
    return " ".join(parts)


def main(argv):
    args = [a for a in argv[1:] if a != "-v"]
    verbose = len(args) != len(argv) - 1
    if len(args) != 2:
        sys.stderr.write(
            "usage: %s NETVERIFY CORPUS_ERRORS_DIR [-v]\n" % argv[0])
        return 2
    netverify, corpus = args
    if os.sep not in netverify:
        netverify = os.path.join(".", netverify) \
            if os.path.exists(netverify) else netverify
    cases = sorted(d for d in os.listdir(corpus)
                   if os.path.isfile(os.path.join(corpus, d, "expected.json")))
    passed = failed = 0
    for c in sorted(set(EXCEPTIONS) - set(cases)):
        failed += 1
        print("FAIL %s: listed in EXCEPTIONS but not in the corpus" % c)
    for c in cases:
        try:
            ok, reason = judge(netverify, os.path.join(corpus, c))
        except Exception as e:  # a broken case must not stop the run
            ok, reason = False, "harness error: %r" % (e,)
        if ok:
            passed += 1
            if verbose:
                print("PASS %s: %s" % (c, reason))
        else:
            failed += 1
            print("FAIL %s: %s" % (c, reason))
        sys.stdout.flush()
    print("errors: %d cases judged valid for Kubernetes, as %s decides"
          % (len(set(EXCEPTIONS) & set(cases)), DECISIONS))
    print("errors: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
