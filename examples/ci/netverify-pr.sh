#!/bin/sh
# netverify-pr.sh - the pre-merge gate of a pull request, as one script any CI
# runs the same way: check the claims on the head, diff the allowed connections
# against the base (a git worktree of it), write a Markdown comment.
#
# Usage: netverify-pr.sh [--base REF] [--manifests DIR] [--claims FILE]
#                        [--out DIR] [--netverify PATH] [--fail-on WHAT]
#                        [--baseline FILE]
# Each option has an environment variable that sets its default:
#   --base       BASE_REF   the commit to diff against (required)
#   --manifests  MANIFESTS  the manifests folder, relative to the repository
#                           top (default: deploy)
#   --claims     CLAIMS     the claims file (default: MANIFESTS/netverify.yaml)
#   --out        OUT_DIR    where the reports go (default: netverify-out)
#   --netverify  NETVERIFY  the netverify binary (default: netverify in PATH)
#   --fail-on    FAIL_ON    also fail when the diff has WHAT: added, removed,
#                           changed, claims or any, comma-separated (passed to
#                           'netverify diff --fail-on'; default: none)
#   --baseline   BASELINE   a baseline of known refuted claims (written by
#                           'netverify check --write-baseline'), relative to
#                           the repository top, for both checks (default: none)
# Run it from anywhere inside the checkout of the head; the head is the working
# tree as it is. It writes, in OUT:
#   check.sarif   the claims on the head, SARIF 2.1.0 (for code scanning)
#   check.txt     the same as text; check.err its diagnostics
#   diff.md       the connections the change adds, removes, changes, and the
#                 claims whose verdict changes (empty when nothing changes)
#   base.txt      the claims (of the head's claims file) checked on the base
#   refuted.txt   the claims refuted on the base that stay refuted on the head
#   comment.md    the pull-request comment: title, diff or "no change", claims
# Exit status, as netverify's own: 0 every claim holds on the head (and
# --fail-on found nothing), 1 a claim is refuted on the head or --fail-on
# matched, 2 usage or input error (bad option, unknown base, invalid
# manifests), 3 undecided claim or internal error. When several steps fail,
# the highest status wins.
# SPDX-License-Identifier: Apache-2.0

usage() {
	echo "usage: netverify-pr.sh [--base REF] [--manifests DIR] [--claims FILE] [--out DIR]" \
		"[--netverify PATH] [--fail-on WHAT] [--baseline FILE]"
}

die_usage() {
	echo "netverify-pr: $1" >&2
	usage >&2
	exit 2
}

base=${BASE_REF:-}
manifests=${MANIFESTS:-deploy}
claims=${CLAIMS:-}
out=${OUT_DIR:-netverify-out}
nv=${NETVERIFY:-netverify}
fail_on=${FAIL_ON:-}
baseline=${BASELINE:-}

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		usage
		exit 0
		;;
	--base | --manifests | --claims | --out | --netverify | --fail-on | --baseline)
		[ $# -ge 2 ] || die_usage "option '$1' needs a value"
		case "$1" in
		--base) base=$2 ;;
		--manifests) manifests=$2 ;;
		--claims) claims=$2 ;;
		--out) out=$2 ;;
		--netverify) nv=$2 ;;
		--fail-on) fail_on=$2 ;;
		--baseline) baseline=$2 ;;
		esac
		shift 2
		;;
	--base=* | --manifests=* | --claims=* | --out=* | --netverify=* | --fail-on=* | --baseline=*)
		val=${1#*=}
		case "$1" in
		--base=*) base=$val ;;
		--manifests=*) manifests=$val ;;
		--claims=*) claims=$val ;;
		--out=*) out=$val ;;
		--netverify=*) nv=$val ;;
		--fail-on=*) fail_on=$val ;;
		--baseline=*) baseline=$val ;;
		esac
		shift
		;;
	*) die_usage "unknown argument '$1'" ;;
	esac
done

[ -n "$base" ] || die_usage "no base: give --base REF or set BASE_REF"
[ -n "$claims" ] || claims="${manifests%/}/netverify.yaml"

# Paths given relative to where the script was started stay valid after the cd
# below; netverify and the output folder too.
abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$PWD" "$1" ;;
	esac
}
case "$nv" in
*/*) nv=$(abspath "$nv") ;;
esac
command -v "$nv" >/dev/null 2>&1 || die_usage "netverify not found: '$nv'"
out=$(abspath "$out")

top=$(git rev-parse --show-toplevel 2>/dev/null) || die_usage "not inside a git checkout"
# Manifests and claims are named relative to the repository top, so that the
# SARIF locations are paths in the repository (what code scanning expects).
cd "$top" || exit 2
[ -e "$manifests" ] || die_usage "no manifests at '$manifests' in the head"
base_sha=$(git rev-parse --verify --quiet "$base^{commit}") ||
	die_usage "unknown base '$base' (is the history fetched? use a full clone)"
head_sha=$(git rev-parse --verify --quiet HEAD) || head_sha=""
mkdir -p "$out" || exit 2
# netverify writes no -o file on an input error: leave no report of an earlier run.
rm -f "$out/check.sarif" "$out/check.txt" "$out/check.err" "$out/diff.md" "$out/diff.err" \
	"$out/comment.md" "$out/worktree.err" "$out/base.txt" "$out/refuted.txt"
[ -z "$baseline" ] || [ -e "$baseline" ] || die_usage "no baseline at '$baseline' in the head"

status=0
worse() {
	[ "$1" -gt "$status" ] && status=$1
	return 0
}

# 1. The claims on the head: SARIF for code scanning, text for people.
set -- --claims "$claims"
[ -n "$baseline" ] && set -- "$@" --baseline "$baseline"
"$nv" check "$manifests" "$@" --format sarif -o "$out/check.sarif" 2>"$out/check.err"
check_rc=$?
"$nv" check "$manifests" "$@" -o "$out/check.txt" 2>/dev/null
worse "$check_rc"

# 2. The base, checked out beside the head; removed on every way out.
tmp=$(mktemp -d) || exit 3
# shellcheck disable=SC2317 # called from the trap
cleanup() {
	if [ -d "$tmp/base" ]; then
		git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
	fi
	git worktree prune >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 3' HUP INT TERM
if ! git worktree add --quiet --detach "$tmp/base" "$base_sha" 2>"$out/worktree.err"; then
	cat "$out/worktree.err" >&2
	echo "netverify-pr: cannot check out the base '$base'" >&2
	exit 2
fi
rm -f "$out/worktree.err"
base_dir="$tmp/base/$manifests"
if [ ! -e "$base_dir" ]; then
	# The manifests are new in this change: everything they allow is added.
	base_dir="$tmp/empty.yaml"
	: >"$base_dir"
fi

# 3. What the change does to the allowed connections, and to the claims.
set -- "$base_dir" "$manifests" --format md --claims "$claims" -o "$out/diff.md"
[ -n "$fail_on" ] && set -- "$@" --fail-on "$fail_on"
"$nv" diff "$@" 2>"$out/diff.err"
diff_rc=$?
worse "$diff_rc"
cat "$out/check.err" "$out/diff.err" >&2

# 3b. The claims refuted on the base that stay refuted on the head: a refuted
# claim the change does not touch is not in the diff, and must not be forgotten.
# The text report's claim lines ("REFUTED   NAME: CLAIM", escaped by netverify)
# of both sides are compared; an "expected refuted" line under a head claim
# says it is marked 'expect: refuted' or in the baseline.
if [ "$base_dir" != "$tmp/empty.yaml" ]; then
	"$nv" check "$base_dir" --claims "$claims" -o "$out/base.txt" 2>/dev/null
fi
if [ -s "$out/base.txt" ] && [ -s "$out/check.txt" ]; then
	awk 'FNR == 1 { side++ }
	side == 1 && /^REFUTED   / { base[substr($0, 11)] = 1; next }
	side == 2 && /^[^ ]/ { cur = "" }
	side == 2 && /^REFUTED   / { cur = substr($0, 11); if (cur in base) order[++n] = cur; next }
	side == 2 && cur != "" && /^          expected refuted, does not fail the gate: / {
		expected[cur] = 1
	}
	END { for (i = 1; i <= n; i++) print (order[i] in expected ? "E" : "R") order[i] }' \
		"$out/base.txt" "$out/check.txt" >"$out/refuted.txt"
fi

# 4. The comment. Names in it come from the pull request (claim names, file
# names, values quoted in diagnostics): netverify escapes them in its Markdown
# and text, and nothing untrusted goes in a code block or code span whose
# fence it could close.
short() {
	printf '%s' "$1" | cut -c1-12
}
# The backticks that open and close a code block around FILE (- for standard
# input), or a code span around it: one more than its longest run of
# backticks, and at least MIN.
fence() {
	awk -v min="$2" '{
		s = $0
		while (match(s, /`+/)) {
			if (RLENGTH > n) n = RLENGTH
			s = substr(s, RSTART + RLENGTH)
		}
	} END {
		n = n + 1 < min ? min : n + 1
		for (i = 0; i < n; i++) f = f "`"
		print f
	}' "$1"
}
# FILE as a fenced code block (its last line ended even without a newline).
code_block() {
	f=$(fence "$1" 3)
	echo "$f"
	awk '{ print }' "$1"
	echo "$f"
}
# TEXT as a code span on one line: control characters as '?'.
code_span() {
	t=$(printf '%s' "$1" | tr '[:cntrl:]' '?')
	f=$(printf '%s\n' "$t" | fence - 1)
	case "$t" in
	'`'* | *'`') t=" $t " ;;
	esac
	printf '%s%s%s' "$f" "$t" "$f"
}
# The report's last line, when it is the summary netverify writes.
summary=$(tail -n 1 "$out/check.txt" 2>/dev/null |
	grep -E '^[0-9]+ claims: [0-9]+ hold, [0-9]+ refuted, [0-9]+ undecided$')
{
	# The marker lets a CI step find and update its own earlier comment.
	echo "<!-- netverify-pr -->"
	echo "## netverify: network reachability"
	echo
	printf '%s\n' "Manifests $(code_span "$manifests"), claims $(code_span "$claims"); base \`$(short "$base_sha")\`, head \`$(short "$head_sha")\`."
	echo
	echo "### Allowed connections"
	echo
	if [ "$diff_rc" -ge 2 ]; then
		echo "The diff could not be computed (netverify exit $diff_rc):"
		echo
		code_block "$out/diff.err"
	elif [ -s "$out/diff.md" ]; then
		cat "$out/diff.md"
	else
		echo "No change in allowed connections, and no claim changes verdict."
	fi
	echo
	echo "### Claims on the head"
	echo
	expected=$(grep -E '^expect: refuted: [0-9]+ still refuted as expected' "$out/check.txt" 2>/dev/null |
		sed 's/^expect: refuted: \([0-9]*\).*/\1/')
	case "$check_rc" in
	0) if [ -n "$expected" ] && [ "$expected" != 0 ]; then
		echo "**No claim fails the gate**: $expected refuted as expected (\`expect: refuted\` or the baseline). $summary"
	else
		echo "**Every claim holds.** $summary"
	fi ;;
	1) echo "**A claim is refuted.** $summary" ;;
	2) echo "**The manifests or the claims could not be read** (netverify exit 2)." ;;
	*) echo "**A claim could not be decided, or netverify failed** (exit $check_rc). $summary" ;;
	esac
	echo
	if [ -s "$out/refuted.txt" ]; then
		echo "### Claims still refuted"
		echo
		echo "Refuted on the base and still refuted on the head:"
		echo
		while IFS= read -r line; do
			case "$line" in
			E*) printf -- '- %s (expected: marked or in the baseline)\n' "$(code_span "${line#E}")" ;;
			*) printf -- '- %s\n' "$(code_span "${line#R}")" ;;
			esac
		done <"$out/refuted.txt"
		echo
	fi
	if [ -s "$out/check.txt" ]; then
		echo "<details><summary>netverify check report</summary>"
		echo
		code_block "$out/check.txt"
		echo "</details>"
	fi
	if [ -s "$out/check.err" ]; then
		echo
		code_block "$out/check.err"
	fi
} >"$out/comment.md"

if [ "$diff_rc" = 1 ] && [ "$check_rc" = 0 ]; then
	echo "netverify-pr: the diff has what --fail-on names ($fail_on)" >&2
fi
exit "$status"
