#!/bin/sh
# check-examples.sh - the CI examples of examples/ci/ do what they say, run for
# real on throw-away git repositories built from models/ai-inference:
# netverify-pr.sh (a refuted claim, no change, --fail-on, manifests new in the
# change, input and usage errors), the pre-commit hook (good and bad commits,
# staged versus unstaged changes), and the workflow files parse and call the
# script the way the README says.
# Usage: check-examples.sh NETVERIFY
# SPDX-License-Identifier: Apache-2.0
nv=$1
top=$(cd "$(dirname "$0")/.." && pwd)
case "$nv" in
/*) ;;
*) nv="$top/$nv" ;;
esac
py=${PYTHON:-python3}
pr="$top/examples/ci/netverify-pr.sh"
hook="$top/examples/ci/pre-commit/netverify-hook"
model="$top/models/ai-inference"
naive="$top/models/ai-inference-naive"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL examples: $1"
	fail=$((fail + 1))
}
# check NAME COMMAND...: one assertion.
check() {
	name=$1
	shift
	if "$@"; then ok; else bad "$name"; fi
}
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }
both() { [ "$1" = "$2" ] && [ "$3" = "$4" ]; }

# The developer's own git configuration (hooks path, signing, templates) must
# not change what the tests see.
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL
unset NETVERIFY MANIFESTS CLAIMS OUT_DIR BASE_REF FAIL_ON BASELINE NETVERIFY_MANIFESTS NETVERIFY_CLAIMS

newrepo() {
	mkdir -p "$1" && git -C "$1" init -q && git -C "$1" config user.email ci@example.org &&
		git -C "$1" config user.name ci && git -C "$1" config commit.gpgsign false
}
commit() {
	git -C "$1" add -A && git -C "$1" commit -q --no-verify -m "$2"
}

# --- netverify-pr.sh ---------------------------------------------------------
check "pr: sh -n" sh -n "$pr"
repo="$tmp/pr"
newrepo "$repo"
echo "platform" >"$repo/README"
echo "netverify-out/" >"$repo/.gitignore"
commit "$repo" "before the manifests"
mkdir "$repo/deploy"
cp "$model"/*.yaml "$repo/deploy/"
commit "$repo" base
git -C "$repo" tag base

# A change that cuts inference off from DNS: the DNS claim is refuted.
git -C "$repo" checkout -q -b refute base
cp "$naive/policies.yaml" "$repo/deploy/policies.yaml"
commit "$repo" "naive policy"
(cd "$repo" && sh "$pr" --base base --netverify "$nv" >"$tmp/pr.out" 2>"$tmp/pr.err")
rc=$?
out="$repo/netverify-out"
check "pr refute: exit 1 (got $rc)" [ "$rc" = 1 ]
for f in check.sarif check.txt diff.md comment.md; do
	check "pr refute: $f written" test -s "$out/$f"
done
check "pr refute: comment has the diff table" has "$out/comment.md" \
	"| removed | ai/inference (Deployment) | kube-system/coredns (Deployment) | TCP 53,UDP 53 |"
check "pr refute: comment has the verdict change" has "$out/comment.md" \
	"| inference resolves names | holds | refuted |"
check "pr refute: comment says refuted" has "$out/comment.md" "**A claim is refuted.**"
check "pr refute: comment has the report" has "$out/comment.md" \
	"10 claims: 9 hold, 1 refuted, 0 undecided"
check "pr refute: comment has its marker" has "$out/comment.md" "<!-- netverify-pr -->"
check "pr refute: comment names no temp dir" hasnt "$out/comment.md" "${TMPDIR:-/tmp}/"
check "pr refute: worktree removed" [ "$(git -C "$repo" worktree list | wc -l)" = 1 ]
check "pr refute: head untouched" [ -z "$(git -C "$repo" status --porcelain -- deploy)" ]
if "$py" - "$out/check.sarif" <<'EOF'; then ok; else bad "pr refute: check.sarif"; fi
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["runs"][0]["tool"]["driver"]["name"] == "netverify", "tool"
res = doc["runs"][0]["results"]
assert len(res) == 1, "one result, got %d" % len(res)
assert res[0]["ruleId"] == "claim-refuted", res[0].get("ruleId")
uri = res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
# Code scanning needs repository paths, not absolute ones.
assert uri == "deploy/netverify.yaml", uri
EOF

# A change that allows nothing new: a comment and a label nobody selects.
git -C "$repo" checkout -q -b same base
sed -i 's/^# Segmentation of the platform.*/# Segmentation, reworded./' "$repo/deploy/policies.yaml"
sed -i 's/labels: {tier: web}/labels: {tier: web, team: ui}/' "$repo/deploy/namespaces.yaml"
commit "$repo" "cosmetic"
(cd "$repo" && BASE_REF=base NETVERIFY="$nv" sh "$pr" >"$tmp/pr.out" 2>"$tmp/pr.err")
rc=$?
check "pr same: exit 0 (got $rc)" [ "$rc" = 0 ]
check "pr same: diff.md empty" test ! -s "$out/diff.md"
check "pr same: comment says no change" has "$out/comment.md" "No change in allowed connections"
check "pr same: comment says every claim holds" has "$out/comment.md" "**Every claim holds.**"
check "pr same: no table in the comment" hasnt "$out/comment.md" "| change |"
if "$py" -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"][0]["results"] == []' \
	"$out/check.sarif"; then ok; else bad "pr same: sarif without results"; fi

# A change that opens connections but breaks no claim: passes, unless --fail-on.
git -C "$repo" checkout -q -b open base
cat >"$repo/deploy/tools.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: debug, namespace: tools}
spec:
  selector: {matchLabels: {app: debug}}
  template:
    metadata: {labels: {app: debug}}
    spec:
      containers: [{name: sh, image: busybox}]
EOF
commit "$repo" "a debug pod"
(cd "$repo" && sh "$pr" --base base --netverify "$nv" --out "$tmp/o1" >/dev/null 2>&1)
rc=$?
check "pr open: exit 0 (got $rc)" [ "$rc" = 0 ]
check "pr open: --out honoured" test -s "$tmp/o1/comment.md"
check "pr open: added connection listed" has "$tmp/o1/comment.md" "| added | tools/debug (Deployment)"
(cd "$repo/deploy" && FAIL_ON=added sh "$pr" --base base --netverify "$nv" --out "$tmp/o2" \
	--manifests deploy >/dev/null 2>&1)
rc=$?
check "pr open: FAIL_ON=added gives exit 1 (got $rc)" [ "$rc" = 1 ]
(cd "$repo" && sh "$pr" --base base --netverify "$nv" --out "$tmp/o3" --fail-on=removed \
	>/dev/null 2>&1)
rc=$?
check "pr open: --fail-on=removed gives exit 0 (got $rc)" [ "$rc" = 0 ]

# A refuted claim the change does not touch stays listed in the comment; once
# marked 'expect: refuted' (or in a baseline) it no longer fails the gate.
git -C "$repo" checkout -q -b still refute
sed -i 's/^# Segmentation of the platform.*/# Segmentation, reworded./' "$repo/deploy/policies.yaml"
commit "$repo" "cosmetic on top of the naive policy"
(cd "$repo" && sh "$pr" --base refute --netverify "$nv" --out "$tmp/o6" >/dev/null 2>&1)
rc=$?
check "pr still: exit 1 (got $rc)" [ "$rc" = 1 ]
check "pr still: comment lists the claims still refuted" has "$tmp/o6/comment.md" \
	"### Claims still refuted"
check "pr still: the DNS claim is listed" has "$tmp/o6/comment.md" \
	"- \`inference resolves names: pods app=ai-inference reaches pods k8s-app=kube-dns"
check "pr still: no verdict change" hasnt "$tmp/o6/comment.md" "| inference resolves names |"
# The same breach in a baseline written by 'check --write-baseline', handed over
# as both CI files hand it: the BASELINE variable (near case: exit 1 above).
# The workflow files' own steps run on this branch below.
git -C "$repo" checkout -q -b baselined still
baselined=$repo
(cd "$repo" && "$nv" check deploy --write-baseline deploy/netverify-baseline.yaml >/dev/null 2>&1)
commit "$repo" "baseline of the known breach"
(cd "$repo" && BASELINE=deploy/netverify-baseline.yaml sh "$pr" --base refute --netverify "$nv" \
	--out "$tmp/o9" >/dev/null 2>&1)
rc=$?
check "pr baseline: BASELINE=FILE gives exit 0 (got $rc)" [ "$rc" = 0 ]
check "pr baseline: comment says nothing fails" has "$tmp/o9/comment.md" \
	"**No claim fails the gate**: 1 refuted as expected"
git -C "$repo" checkout -q still
sed -i 's/^    claim: pods app=ai-inference reaches pods k8s-app=kube-dns in namespace kube-system on udp\/53$/&\n    expect: refuted\n    reason: DNS is opened in the next change/' "$repo/deploy/netverify.yaml"
commit "$repo" "mark the DNS claim as a known breach"
(cd "$repo" && sh "$pr" --base refute --netverify "$nv" --out "$tmp/o7" >/dev/null 2>&1)
rc=$?
check "pr expected: exit 0 (got $rc)" [ "$rc" = 0 ]
check "pr expected: comment says nothing fails" has "$tmp/o7/comment.md" \
	"**No claim fails the gate**: 1 refuted as expected"
check "pr expected: the claim is listed as expected" has "$tmp/o7/comment.md" \
	"(expected: marked or in the baseline)"
# near case: the base does not refute it, so it is no longer 'still' refuted
(cd "$repo" && sh "$pr" --base base --netverify "$nv" --out "$tmp/o8" >/dev/null 2>&1)
check "pr expected from base: no 'still refuted' section" hasnt "$tmp/o8/comment.md" \
	"### Claims still refuted"
git -C "$repo" checkout -q open

# Manifests that are new in the change: everything is added.
(cd "$repo" && sh "$pr" --base base~1 --netverify "$nv" --out "$tmp/o4" >/dev/null 2>&1)
rc=$?
check "pr new folder: exit 0 (got $rc)" [ "$rc" = 0 ]
check "pr new folder: connections added" has "$tmp/o4/comment.md" \
	"| added | web/frontend (Deployment) | ai/inference (Deployment) |"

# A pull request that tries to forge or hide the comment: a claim name, a file
# name and an owner name holding a fake verdict line between blank lines, an
# HTML comment that would hide the rest, and backtick runs longer than a fence.
# Each comment must have the blocks, headings and table rows that the same
# change with benign names gives, and no fake line of its own.
fake='x ```` y

**netverify: no change; every claim holds.**

<!--'
# forge BRANCH CLAIM-NAME FILE-NAME OWNER: the naive policies, claim 3 renamed,
# a ConfigMap (a note on stderr) in FILE-NAME, and a Pod owned by OWNER (none
# when empty: Kubernetes refuses an invalid owner name, so that run is exit 2).
forge() {
	git -C "$repo" checkout -q -b "$1" refute
	"$py" - "$repo/deploy" "$2" "$3" "$4" <<'EOF'
import json, os, sys
d, name, fname, owner = sys.argv[1:5]
p = os.path.join(d, "netverify.yaml")
text = open(p).read().replace("name: inference resolves names", "name: " + json.dumps(name))
open(p, "w").write(text)
with open(os.path.join(d, fname), "w") as f:
    f.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes, namespace: ai}\n")
    if owner:
        f.write("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ai\n"
                "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %s, uid: u,"
                " controller: true}]\nspec: {containers: [{name: c}]}\n" % json.dumps(owner))
EOF
	commit "$repo" "$1"
	(cd "$repo" && sh "$pr" --base base --netverify "$nv" --out "$tmp/$1" >/dev/null 2>&1)
	echo $? >"$tmp/$1.rc"
}
# no_fake COMMENT: no paragraph or heading shows the fake verdict, the headings
# are all there, and the only HTML is the script's own.
no_fake() {
	command -v cmark-gfm >/dev/null 2>&1 || return 0
	cmark-gfm -e table -e autolink -e strikethrough -e tagfilter -t xml "$1" | "$py" -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://commonmark.org/xml/1.0}"
root = ET.fromstring(sys.stdin.buffer.read())
def text(e):
    return "".join(t.text or "" for t in e.iter() if t.tag in (ns + "text", ns + "code"))
for b in root:
    if b.tag in (ns + "paragraph", ns + "heading"):
        assert "no change; every claim holds" not in text(b), "fake line: " + text(b)
heads = [text(h) for h in root.iter(ns + "heading")]
assert heads[-2:] == ["Allowed connections", "Claims on the head"], heads
html = [(h.text or "").strip() for h in root.iter()
        if h.tag in (ns + "html_block", ns + "html_inline")]
ok = ("<!-- netverify-pr -->", "<details><summary>netverify check report</summary>",
      "</details>")
assert all(h in ok for h in html), html
'
}
forge forge-benign "benign name" "notes.yaml" ""
forge forge-hostile "$fake" "notes $fake.yaml" ""
forge forge-owner-benign "benign name" "notes.yaml" "Bad_Owner"
forge forge-owner-hostile "$fake" "notes $fake.yaml" "$fake"
check "pr forge: exit 1 both ways" both "$(cat "$tmp/forge-benign.rc")" 1 \
	"$(cat "$tmp/forge-hostile.rc")" 1
check "pr forge owner: exit 2 both ways" both "$(cat "$tmp/forge-owner-benign.rc")" 2 \
	"$(cat "$tmp/forge-owner-hostile.rc")" 2
for k in forge forge-owner; do
	check "pr $k: same Markdown structure as with benign names" \
		"$py" "$top/tests/check-injection.py" --md-compare "$tmp/$k-benign/comment.md" \
		"$tmp/$k-hostile/comment.md" "benign name" "$fake"
	check "pr $k: no fake line, nothing hidden" no_fake "$tmp/$k-hostile/comment.md"
done
# shellcheck disable=SC2016 # the backticks are the text looked for
check "pr forge: the refuted claim is in the table" has "$tmp/forge-hostile/comment.md" \
	'| x \`\`\`\` y\\n\\n\*\*netverify: no change; every claim holds.\*\*\\n\\n\<!-- | holds | refuted |'
check "pr forge: the report is there" has "$tmp/forge-hostile/comment.md" \
	"10 claims: 9 hold, 1 refuted, 0 undecided"
# The script's own fences hold whatever netverify writes: a netverify that wrote
# names raw, a fence and a fake line of their own in the report and on stderr.
cat >"$tmp/nv-raw" <<'EOF'
#!/bin/sh
"$NV_REAL" "$@"
rc=$?
printf '%s\n' "$NV_FAKE" >&2
prev=
for a; do
	case "$prev:$a" in -o:*.txt) printf '%s\n' "$NV_FAKE" >>"$a" ;; esac
	prev=$a
done
exit $rc
EOF
chmod +x "$tmp/nv-raw"
git -C "$repo" checkout -q forge-benign
raw_fake=$(printf '````\n%s' "$fake")
(cd "$repo" && NV_REAL="$nv" NV_FAKE="$raw_fake" sh "$pr" --base base --netverify "$tmp/nv-raw" \
	--out "$tmp/forge-raw" >/dev/null 2>&1)
check "pr raw: same Markdown structure" "$py" "$top/tests/check-injection.py" --md-compare \
	"$tmp/forge-benign/comment.md" "$tmp/forge-raw/comment.md"
check "pr raw: no fake line, nothing hidden" no_fake "$tmp/forge-raw/comment.md"
git -C "$repo" checkout -q base

# Input and usage errors keep their own exit status.
git -C "$repo" checkout -q -b broken base
printf 'apiVersion: v1\nkind: Namespace\nmetadata: [\n' >"$repo/deploy/broken.yaml"
commit "$repo" "broken YAML"
(cd "$repo" && sh "$pr" --base base --netverify "$nv" --out "$tmp/o5" >/dev/null 2>&1)
rc=$?
check "pr broken: exit 2 (got $rc)" [ "$rc" = 2 ]
check "pr broken: comment shows the diagnostic" has "$tmp/o5/comment.md" \
	"deploy/broken.yaml:4:1: error: invalid YAML"
check "pr broken: no SARIF" test ! -e "$tmp/o5/check.sarif"
(cd "$repo" && sh "$pr" --netverify "$nv" >/dev/null 2>&1)
rc=$?
check "pr: no base gives exit 2 (got $rc)" [ "$rc" = 2 ]
(cd "$repo" && sh "$pr" --base no-such-ref --netverify "$nv" >/dev/null 2>&1)
rc=$?
check "pr: unknown base gives exit 2 (got $rc)" [ "$rc" = 2 ]
(cd "$repo" && sh "$pr" --base base --netverify "$tmp/none" >/dev/null 2>&1)
rc=$?
check "pr: missing netverify gives exit 2 (got $rc)" [ "$rc" = 2 ]
(cd "$repo" && sh "$pr" --base base --netverify "$nv" --bogus >/dev/null 2>&1)
rc=$?
check "pr: unknown option gives exit 2 (got $rc)" [ "$rc" = 2 ]
check "pr: no worktree left behind" [ "$(git -C "$repo" worktree list | wc -l)" = 1 ]

# --- pre-commit hook ---------------------------------------------------------
check "hook: sh -n" sh -n "$hook"
check "hook: executable" test -x "$hook"
repo="$tmp/hook"
newrepo "$repo"
git -C "$repo" config netverify.path "$nv"
cp "$hook" "$repo/.git/hooks/pre-commit"
commits() { git -C "$repo" rev-list --count HEAD 2>/dev/null || echo 0; }
mkdir "$repo/deploy"
cp "$model"/*.yaml "$repo/deploy/"
git -C "$repo" add -A
git -C "$repo" commit -q -m good >"$tmp/hook.out" 2>&1
rc=$?
check "hook good: commit made (exit $rc)" both "$rc" 0 "$(commits)" 1
check "hook good: report printed" has "$tmp/hook.out" "10 claims: 10 hold"

cp "$naive/policies.yaml" "$repo/deploy/policies.yaml"
git -C "$repo" add -A
git -C "$repo" commit -q -m bad >"$tmp/hook.out" 2>&1
rc=$?
check "hook bad: commit refused (exit $rc)" both "$rc" 1 "$(commits)" 1
check "hook bad: says why" has "$tmp/hook.out" "commit refused: a claim is refuted"
check "hook bad: points at the claim" has "$tmp/hook.out" "claim at deploy/netverify.yaml:9:12"

# The index decides, not the working tree: bad staged, good on disk ...
cp "$model/policies.yaml" "$repo/deploy/policies.yaml"
git -C "$repo" commit -q -m "bad staged" >/dev/null 2>&1
check "hook: bad staged, good on disk: refused" [ "$(commits)" = 1 ]
# ... and good staged, bad on disk.
git -C "$repo" reset -q -- deploy/policies.yaml
sed -i 's/^# Workloads of the platform.*/# Workloads, reworded./' "$repo/deploy/workloads.yaml"
git -C "$repo" add deploy/workloads.yaml
cp "$naive/policies.yaml" "$repo/deploy/policies.yaml"
git -C "$repo" commit -q -m "good staged" >/dev/null 2>&1
check "hook: good staged, bad on disk: committed" [ "$(commits)" = 2 ]
git -C "$repo" checkout -q -- deploy/policies.yaml

# A commit that touches no manifest does not run netverify at all.
echo notes >"$repo/NOTES"
git -C "$repo" add NOTES
NETVERIFY=false git -C "$repo" commit -q -m notes >/dev/null 2>&1
check "hook: unrelated commit does not run netverify" [ "$(commits)" = 3 ]
# Options from the command line, as the pre-commit framework passes 'args'.
mkdir "$repo/k8s"
cp "$naive"/*.yaml "$repo/k8s/"
git -C "$repo" add k8s
(cd "$repo" && "$hook" --manifests k8s/ --netverify "$nv" >/dev/null 2>&1)
rc=$?
check "hook: --manifests k8s refutes (exit $rc)" [ "$rc" = 1 ]
(cd "$repo/k8s" && NETVERIFY_MANIFESTS=deploy "$hook" --netverify="$nv" >/dev/null 2>&1)
rc=$?
check "hook: NETVERIFY_MANIFESTS=deploy, nothing staged there (exit $rc)" [ "$rc" = 0 ]
(cd "$repo" && "$hook" --manifests k8s --claims k8s/none.yaml --netverify "$nv" >/dev/null 2>&1)
rc=$?
check "hook: missing claims file gives exit 2 (got $rc)" [ "$rc" = 2 ]

# --- the workflow files ------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
	check "shellcheck" shellcheck -s sh "$pr" "$hook" "$0"
fi
if "$py" - "$top/examples/ci" "$baselined" "$nv" "$tmp" <<'EOF'; then ok; else bad "workflow files"; fi
import os, re, subprocess, sys
ci, repo, nv, tmp = sys.argv[1:5]
try:
    import yaml
except ImportError:
    print("examples: workflow YAML checks skipped (no PyYAML for this python)")
    sys.exit(0)
fails = []
def expect(cond, what):
    if not cond:
        fails.append(what)

def load(rel):
    with open(os.path.join(ci, rel)) as f:
        return yaml.safe_load(f)

def bash_n(script, what):
    # ${{ ... }} is replaced by GitHub before bash sees the script.
    script = re.sub(r"\$\{\{.*?\}\}", "X", script)
    r = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    expect(r.returncode == 0, "%s: bash -n: %s" % (what, r.stderr.strip()))

gh = load("github/netverify.yml")
on = gh.get("on", gh.get(True))  # YAML 1.1 reads a bare 'on' key as true
expect(isinstance(on, dict) and "pull_request" in on, "github: on pull_request")
expect(on["pull_request"].get("paths"), "github: pull_request limited to paths")
perms = gh.get("permissions", {})
expect(perms.get("pull-requests") == "write", "github: pull-requests: write")
expect(perms.get("security-events") == "write", "github: security-events: write")
steps = gh["jobs"]["netverify"]["steps"]
uses = [s.get("uses", "") for s in steps]
expect(any(s.get("uses", "").startswith("actions/checkout@")
           and s.get("with", {}).get("fetch-depth") == 0 for s in steps),
       "github: checkout with fetch-depth 0")
sarif = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
expect(len(sarif) == 1 and sarif[0]["with"]["sarif_file"].endswith("check.sarif"),
       "github: upload-sarif of check.sarif")
runs = "\n".join(s.get("run", "") for s in steps)
expect("netverify-pr.sh" in runs and "pull_request.base.sha" in runs, "github: runs the script")
expect("apt-get install" in runs and "libz3-dev" in runs, "github: installs the packages")
expect("gh pr comment" in runs and "comment.md" in runs, "github: posts comment.md")
last = steps[-1]
expect("steps.gate.outputs.status" in last.get("if", "") and "exit" in last.get("run", ""),
       "github: last step fails the job")
for s in steps:
    if "run" in s:
        bash_n(s["run"], "github step '%s'" % s.get("name"))
env = gh.get("env", {})
for k in ("MANIFESTS", "CLAIMS", "OUT_DIR"):
    expect(k in env, "github: env %s" % k)

gl = load("gitlab/netverify.gitlab-ci.yml")
job = gl.get("netverify", {})
script = "\n".join(job.get("script", []))
expect("netverify-pr.sh" in script and "$CI_MERGE_REQUEST_DIFF_BASE_SHA" in script,
       "gitlab: script runs netverify-pr.sh against the MR diff base")
expect(any("merge_request_event" in r.get("if", "") for r in job.get("rules", [])),
       "gitlab: merge-request pipelines only")
expect(str(job.get("variables", {}).get("GIT_DEPTH")) == "0", "gitlab: full clone")
art = job.get("artifacts", {})
expect(art.get("when") == "always" and "netverify-out/" in art.get("paths", []),
       "gitlab: reports kept as artifacts, always")
for part in ("before_script", "script", "after_script"):
    bash_n("\n".join(job.get(part, [])), "gitlab " + part)

# The two CI files are equivalent: each hands the script every setting it reads
# from the environment (BASELINE among them), as a variable of the file or as
# the option. The script's 'name=${ENV:-...}' lines and '--opt) name=$2' cases
# say which.
pr_text = open(os.path.join(ci, "netverify-pr.sh")).read()
env_of = dict(re.findall(r"^(\w+)=\$\{(\w+):-", pr_text, re.M))
opt_of = {v: o for o, v in re.findall(r"^\s*--([\w-]+)\) (\w+)=\$2", pr_text, re.M)}
expect("BASELINE" in env_of.values() and "baseline" in opt_of.values(),
       "netverify-pr.sh: BASELINE and --baseline found")
gate = [s for s in steps if "netverify-pr.sh" in s.get("run", "") and "--base" in s["run"]]
expect(len(gate) == 1, "github: one step runs the script")
gate_run = gate[0]["run"] if gate else ""
glvars = job.get("variables", {})
for var, name in sorted(env_of.items()):
    opt = "--%s " % opt_of.get(var, "?")
    expect(name in env or opt in gate_run, "github: hands %s to the script" % name)
    expect(name in glvars or opt in script + " ", "gitlab: hands %s to the script" % name)

# Both jobs run for real on the branch whose refuted claim is in a baseline:
# exit 0 with BASELINE set as their files say to set it, 1 with the file's
# empty default (what the job's own lines do with its own variables).
def run_job(what, text, env, out_file=None):
    r = subprocess.run(["bash", "-e", "-c", text], cwd=repo, env=env, capture_output=True,
                       text=True)
    if out_file:
        m = re.search(r"^status=(\d+)$", open(out_file).read(), re.M)
        return int(m.group(1)) if m else -1
    return r.returncode

subprocess.run(["git", "-C", repo, "checkout", "-q", "baselined"], check=True)
for baseline, want in (("deploy/netverify-baseline.yaml", 0), (None, 1)):
    base_env = dict(os.environ)
    # GitLab: the job's script lines, with its variables
    e = dict(base_env, **{k: str(v) for k, v in glvars.items()})
    e.update(CI_MERGE_REQUEST_DIFF_BASE_SHA="refute", OUT_DIR=os.path.join(tmp, "gl"))
    if baseline:
        e["BASELINE"] = baseline
    text = script.replace("/opt/netverify/examples/ci/netverify-pr.sh",
                          os.path.join(ci, "netverify-pr.sh"))
    text = text.replace("/opt/netverify/build/netverify", nv)
    rc = run_job("gitlab", text, e)
    expect(rc == want, "gitlab job, BASELINE=%s: exit %d, expected %d" % (baseline, rc, want))
    # GitHub: the gate step, with the workflow's env
    outputs = os.path.join(tmp, "github-output")
    open(outputs, "w").close()
    e = dict(base_env, **{k: str(v) for k, v in env.items()})
    e.update(RUNNER_TEMP=tmp, GITHUB_OUTPUT=outputs, OUT_DIR=os.path.join(tmp, "gh"))
    if baseline:
        e["BASELINE"] = baseline
    text = gate_run.replace("${{ github.event.pull_request.base.sha }}", "refute")
    text = text.replace('"$RUNNER_TEMP/netverify-pr.sh"', os.path.join(ci, "netverify-pr.sh"))
    text = text.replace('"$RUNNER_TEMP/netverify"', nv)
    rc = run_job("github", text, e, outputs)
    expect(rc == want, "github gate step, BASELINE=%s: status %d, expected %d" % (baseline, rc, want))

hooks = load("pre-commit/.pre-commit-hooks.yaml")
expect(isinstance(hooks, list) and len(hooks) == 1, "pre-commit: one hook")
h = hooks[0]
for k in ("id", "name", "entry", "language"):
    expect(k in h, "pre-commit: %s" % k)
entry = os.path.join(ci, "pre-commit", h.get("entry", ""))
expect(os.access(entry, os.X_OK), "pre-commit: entry %s is an executable beside it" % entry)
expect(h.get("pass_filenames") is False, "pre-commit: pass_filenames false")
expect(re.search(h.get("files", "^$"), "deploy/policies.yaml"), "pre-commit: files matches YAML")

for f in fails:
    print("FAIL examples: " + f)
sys.exit(1 if fails else 0)
EOF

echo "examples: $pass passed, $fail failed"
test "$fail" = 0
