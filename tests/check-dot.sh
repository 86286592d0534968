#!/bin/sh
# check-dot.sh - graphviz accepts what 'netverify graph' writes: every golden
# graph case's expected.out must render with 'dot -Tsvg', and SVG/PNG output
# through gvc must exit 0 and start with the right magic bytes.
# Usage: check-dot.sh NETVERIFY
# SPDX-License-Identifier: Apache-2.0
nv=$1
top=$(cd "$(dirname "$0")/.." && pwd)
case "$nv" in
/* | *" "*) ;;
*) nv="$top/$nv" ;;
esac
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL dot: $1"
	fail=$((fail + 1))
}
if ! command -v dot >/dev/null 2>&1; then
	echo "dot: skipped (graphviz 'dot' not installed)"
	exit 0
fi
for dir in "$top"/tests/golden/graph-*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/expected.exit" ] && [ "$(cat "$dir/expected.exit")" != 0 ] && continue
	[ -s "$dir/expected.out" ] || continue
	head -c 5 "$dir/expected.out" | grep -q '<?xml' && continue # --heatmap writes SVG itself
	if dot -Tsvg -o /dev/null "$dir/expected.out" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		ok
	else
		bad "$name: dot -Tsvg rejects expected.out"
		head -5 "$tmp/err"
	fi
done
# render: exit 0, a non-empty file, the format's magic bytes, nothing on stderr
# (under LeakSanitizer, the suppression statistics are not output). graphviz is
# built without frame pointers: what its layout allocates through libcgraph
# (newrank's auxiliary graph, never freed) is seen as coming from gvLayout, and
# so matches tests/lsan.supp's libgvc.so, only with the slow unwinder.
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0:fast_unwind_on_malloc=0"
export LSAN_OPTIONS
render() {
	ext=$1
	shift
	out="$tmp/x.$ext"
	rm -f "$out"
	if ! (cd "$top/tests/golden/graph-shop" && $nv graph "$@" -o "$out") 2>"$tmp/err"; then
		bad "graph $* -o x.$ext: non-zero exit"
		head -5 "$tmp/err"
		return
	fi
	# the one line of lint's count is expected (docs/lint.md), and the note that the
	# input mentions no IPv6 (docs/semantics.md); nothing else
	grep -v -e "^netverify: [0-9]* lint warnings*; run 'netverify lint' for" \
		-e "^netverify: note: no input mentions IPv6:" "$tmp/err" >"$tmp/err2"
	if [ -s "$tmp/err2" ]; then
		bad "graph $* -o x.$ext: wrote to stderr"
		head -5 "$tmp/err"
		return
	fi
	if [ ! -s "$out" ]; then
		bad "graph $* -o x.$ext: empty output"
		return
	fi
	case $ext in
	svg) head -c 256 "$out" | grep -q -e '<svg' -e '<?xml' ;;
	png) [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' \n')" = 89504e47 ] ;;
	pdf) [ "$(head -c 5 "$out")" = "%PDF-" ] ;;
	esac || {
		bad "graph $* -o x.$ext: not a $ext file"
		return
	}
	ok
}
render svg ../shop-text/cluster.yaml
render png ../shop-text/cluster.yaml
render svg ../shop-text/cluster.yaml --group namespace
render svg ../check-forms/cluster.yaml --claims ../graph-claims/claims.yaml --focus shop/db
render svg ../check-forms/cluster.yaml --claims ../graph-claims/claims.yaml --group namespace
render pdf ../check-forms/cluster.yaml --claims ../graph-claims/claims.yaml --focus shop/db \
	--group namespace
# engine choice: 50 nodes plus the legend's are still laid out by dot, which
# draws the namespace boxes (sfdp draws none); one node more switches to
# namespace grouping (graph-auto), so sfdp is never used without --group here
# (dual-stack: the two address ranges count, as in the golden case)
render svg ../graph-auto-limit/cluster.yaml --ip-family dual
if [ -s "$tmp/x.svg" ]; then
	boxes=$(grep -c 'class="cluster"' "$tmp/x.svg")
	if [ "$boxes" -ge 3 ]; then
		ok
	else
		bad "graph-auto-limit: $boxes cluster boxes in the SVG, expected 3 (laid out by sfdp?)"
	fi
fi
# labels: no two edge labels at one spot (dot stacks the labels of a pair of
# edges between neighbouring nodes of one rank; netverify moves one)
if (cd "$top/tests/golden/graph-shop" && $nv graph ../../../models/ai-inference \
	--claims ../../../models/ai-inference/netverify.yaml -o "$tmp/ai.svg") 2>"$tmp/err"; then
	same=$(awk '/class="edge"/ { e = 1 } e && /<text/ { match($0, /x="[^"]*" y="[^"]*"/); print substr($0, RSTART, RLENGTH) }
		/<\/g>/ { e = 0 }' "$tmp/ai.svg" | sort | uniq -d | head -n 3)
	if [ -z "$same" ]; then
		ok
	else
		bad "models/ai-inference: edge labels drawn at the same spot: $same"
	fi
else
	bad "graph models/ai-inference -o ai.svg: non-zero exit"
	head -5 "$tmp/err"
fi
# labels clear of each other, of the nodes and of the boxes' titles
# (tests/check-layout.py estimates the text widths), on every golden diagram
# and the README's pictures
for dir in "$top"/tests/golden/graph-*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/expected.exit" ] && [ "$(cat "$dir/expected.exit")" != 0 ] && continue
	# args: one argument per line, the first being the command
	if ! (cd "$dir" && set -- && while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done <args &&
		$nv "$@" -o "$tmp/$name.svg") 2>/dev/null; then
		bad "$name: cannot render to SVG"
		continue
	fi
done
for model in ai-inference ai-inference-naive; do
	(cd "$top" && $nv graph "models/$model" --claims "models/$model/netverify.yaml" \
		-o "$tmp/graph-readme-$model.svg") 2>/dev/null || bad "models/$model: cannot render to SVG"
done
if out=$(${PYTHON:-python3} "$top/tests/check-layout.py" -v "$tmp"/graph-*.svg); then
	ok
else
	bad "edge labels overlap:"
	echo "$out" | grep -v ' 0 overlaps$' | head -20
fi
# the README's pictures are what the commands it states draw today (when
# this graphviz is the one that drew them: another lays out differently)
for model in ai-inference ai-inference-naive; do
	pic="$top/docs/$model.svg"
	made=$(grep -o 'graphviz version [0-9.]*' "$pic" | head -n 1)
	ours="graphviz version $($nv --version | sed -n 's/.*graphviz \([0-9.]*\)).*/\1/p')"
	if [ "$made" != "$ours" ]; then
		echo "dot: docs/$model.svg skipped ($made drew it, this is $ours)"
	elif cmp -s "$pic" "$tmp/graph-readme-$model.svg"; then
		ok
	else
		bad "docs/$model.svg differs from what the README's command draws: run it again"
	fi
done
# --heatmap: well-formed SVG, one cell per ordered pair of namespaces
if (cd "$top/tests/golden/graph-shop" && $nv graph ../check-forms/cluster.yaml --heatmap \
	-o "$tmp/heat.svg") 2>"$tmp/err" &&
	! grep -v -e "^netverify: [0-9]* lint warnings*; run 'netverify lint' for" \
		-e "^netverify: note: no input mentions IPv6:" "$tmp/err" | grep -q . &&
	${PYTHON:-python3} -c 'import sys, xml.etree.ElementTree as E
svg = E.parse(sys.argv[1]).getroot()
cells = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect") if r.get("x")]
sys.exit(len(cells) != 4)' "$tmp/heat.svg"; then
	ok
else
	bad "graph --heatmap: not an SVG of 2 x 2 cells"
fi
# --heatmap counts what list counts: its cells with allowed pairs are the
# namespace pairs 'list --format ns-matrix-csv' lists (or, in builds before
# that format, those the summary lists), with the same counts
for cluster in ../check-forms/cluster.yaml ../../../models/ai-inference; do
	if (cd "$top/tests/golden/graph-shop" && $nv graph "$cluster" --heatmap -o "$tmp/heat.svg" &&
		{ $nv list "$cluster" --format ns-matrix-csv 2>/dev/null ||
			$nv list "$cluster" --format summary; } >"$tmp/pairs") 2>"$tmp/err" &&
		${PYTHON:-python3} -c 'import re, sys
svg = open(sys.argv[1], encoding="utf-8").read()
cells = {(a, b): (int(n), int(m)) for a, b, n, m in
         re.findall(r"<title>(\S+) -&gt; (\S+): (\d+) of (\d+) workload pairs</title>", svg)}
text = open(sys.argv[2], encoding="utf-8").read()
rows = re.findall(r"^(\S+),(\S+),(\d+),(\d+)$", text, re.M) or \
    re.findall(r"^  (\S+) -> (\S+): (\d+) of (\d+)$", text, re.M)
listed = {(a, b): (int(n), int(m)) for a, b, n, m in rows}
sys.exit(not listed or listed != {k: v for k, v in cells.items() if v[0]})' "$tmp/heat.svg" "$tmp/pairs"; then
		ok
	else
		bad "graph --heatmap $cluster: its counts are not list's"
	fi
done
# sfdp draws no clusters: the legend is one note, not nodes among the others
render svg ../graph-auto-limit/cluster.yaml ../graph-auto/extra.yaml --group workload \
	--ip-family dual
if [ -s "$tmp/x.svg" ]; then
	if grep -q '<title>legend:note</title>' "$tmp/x.svg" && ! grep -q '<title>legend:box</title>' "$tmp/x.svg"; then
		ok
	else
		bad "graph-auto --group workload: the sfdp layout has no legend note"
	fi
fi
echo "dot: $pass passed, $fail failed"
[ $fail = 0 ]
