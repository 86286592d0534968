#!/bin/sh
# bench.sh - time whole 'netverify list', 'check', 'diff' and 'graph' runs on
# synthetic clusters, print tables and write docs/benchmarks.md.
# Usage: sh tests/bench.sh NETVERIFY GENCLUSTER   (runstat must sit next to GENCLUSTER)
# Environment: BENCH_SIZES (default "1000 10000"; "1000 10000 50000 100000" for
# all), BENCH_SHAPES (gencluster --labels shapes, default "common diverse"), BENCH_GRAPH_SIZES
# (default "200 1000"), BENCH_GRAPH_TIMEOUT (seconds per graph run, default 300),
# BENCH_RUNS (default 3), BENCH_SEED (default 1), BENCH_OUT (default docs/benchmarks.md).
# SPDX-License-Identifier: Apache-2.0

set -u

if [ $# -ne 2 ]; then
    echo "usage: sh tests/bench.sh NETVERIFY GENCLUSTER" >&2
    exit 2
fi
nv=$1
gen=$2
runstat=$(dirname "$gen")/runstat
root=$(cd "$(dirname "$0")/.." && pwd)
claims=$root/tests/bench-claims.yaml
sizes=${BENCH_SIZES-1000 10000}
shapes=${BENCH_SHAPES-common diverse}
graph_sizes=${BENCH_GRAPH_SIZES-200 1000}
graph_timeout=${BENCH_GRAPH_TIMEOUT:-300}
runs=${BENCH_RUNS:-3}
seed=${BENCH_SEED:-1}
out_md=${BENCH_OUT:-$root/docs/benchmarks.md}

for f in "$nv" "$gen" "$runstat"; do
    if [ ! -x "$f" ]; then
        echo "bench: '$f' is not an executable (run 'make $nv tools' first)" >&2
        exit 2
    fi
done

load0=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvbench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Time a private copy: the build tree may be rebuilt while the benchmark runs.
cp "$nv" "$tmp/netverify" || exit 2
nv_label=$nv
nv=$tmp/netverify

failed=0
: >"$tmp/rows"
: >"$tmp/genrows"
: >"$tmp/graphrows"

# field NAME STATLINE: the value of NAME=... in a runstat line
field() {
    echo "$2" | sed -n "s/.*$1=\\([0-9.]*\\).*/\\1/p"
}

# phase NAME FILE: the seconds of NETVERIFY_TIMING's phase NAME in FILE (0 when absent)
phase() {
    v=$(sed -n "s/^netverify: time: $1: \\([0-9.]*\\) s$/\\1/p" "$2" | head -n 1)
    echo "${v:-0}"
}

# measure OUTFILE CMD...: run CMD $runs times with stdout to OUTFILE and
# NETVERIFY_TIMING set; set med_s (median wall time), min_s, max_s, max_kb
# (largest peak RSS), split ("load/engine/output" seconds of the median run),
# and rc (non-zero if any run failed). The stderr of the median run is left in
# $tmp/err.med.
measure() {
    m_out=$1
    shift
    rc=0
    max_kb=0
    : >"$tmp/times"
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        NETVERIFY_TIMING=1 "$runstat" "$m_out" -- "$@" 2>"$tmp/err.$i"
        r=$?
        stat=$(tail -n 1 "$tmp/err.$i")
        if [ "$r" -ne 0 ]; then
            rc=$r
            echo "bench: '$*' failed (exit $r):" >&2
            sed '$d' "$tmp/err.$i" | grep -v '^netverify: time:' | head -n 20 >&2
            return
        fi
        s=$(field wall_s "$stat")
        kb=$(field maxrss_kb "$stat")
        echo "bench:   run $i: $s s, $kb KB" >&2
        printf '%s %s\n' "$s" "$i" >>"$tmp/times"
        [ "$kb" -gt "$max_kb" ] && max_kb=$kb
    done
    sort -n "$tmp/times" >"$tmp/times.sorted"
    min_s=$(head -n 1 "$tmp/times.sorted" | cut -d ' ' -f 1)
    max_s=$(tail -n 1 "$tmp/times.sorted" | cut -d ' ' -f 1)
    med=$(sed -n "$(((runs + 1) / 2))p" "$tmp/times.sorted")
    med_s=${med% *}
    cp "$tmp/err.${med#* }" "$tmp/err.med"
    split=$(phase load "$tmp/err.med")/$(phase engine "$tmp/err.med")/$(phase output "$tmp/err.med")
}

# measure_check OUT CMD...: measure, where exit 1 (a refuted claim) is a result
measure_check() {
    mc_out=$1
    shift
    measure "$mc_out" sh -c '"$@"; r=$?; [ "$r" -eq 1 ] && exit 0; exit "$r"' sh "$@"
}

# target N FORMAT: "seconds megabytes" (megabytes "-": no bound) from issue 14
# and DESIGN.md, or nothing
target() {
    case "$1 $2" in
    "1000 json") echo "1 100" ;;
    "10000 summary") echo "0.5 300" ;;
    "50000 summary") echo "5 1024" ;;
    "100000 summary") echo "10 2048" ;;
    "10000 check") echo "2 500" ;;
    "50000 check") echo "10 1024" ;;
    "10000 diff") echo "1 300" ;;
    "10000 diff1") echo "1 300" ;;
    "50000 diff1") echo "2 1024" ;;
    esac
}

# row N FORMAT OUTFILE: record one measured command
row() {
    r_size=$(wc -c <"$3" | tr -d ' ')
    r_mb=$(awk "BEGIN { printf \"%.1f\", $max_kb / 1024 }")
    # shellcheck disable=SC2046 # split on purpose: "seconds megabytes"
    set -- "$1" "$2" "$r_size" "$r_mb" $(target "$1" "$2")
    if [ $# -eq 6 ]; then
        r_tgt=$(awk -v mb="$6" "BEGIN {
            t = $med_s / $5; m = (mb == \"-\") ? 0 : $4 / mb
            v = (t <= 1 && m <= 1) ? \"met\" : \"missed:\"
            if (t > 1) v = v sprintf(t < 1.1 ? \" time +%.0f%%\" : \" time %.1fx\", t < 1.1 ? (t - 1) * 100 : t)
            if (m > 1) v = v sprintf(m < 1.1 ? \" memory +%.0f%%\" : \" memory %.1fx\", m < 1.1 ? (m - 1) * 100 : m)
            if (mb == \"-\") printf \"<= %g s: %s\", $5, v
            else printf \"<= %g s, <= %g MB: %s\", $5, mb, v
        }")
    else
        r_tgt="(no target)"
    fi
    case "$2" in
    check) r_cmd="check, 20 claims" ;;
    diff) r_cmd="diff, the tree against itself" ;;
    diff1) r_cmd="diff, one policy changed" ;;
    *) r_cmd="list --format $2" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$wl" "$pol" \
        "$nsn" "$classes" "$atoms" "$in_size" "$r_cmd" "$med_s" "$min_s-$max_s" "$split" "$4" \
        "$pairs" "$3" "$r_tgt" >>"$tmp/rows"
}

for shape in $shapes; do
    case $shape in
    common) claims=$root/tests/bench-claims.yaml ;;
    *) claims=$root/tests/bench-claims-$shape.yaml ;;
    esac
    for n in $sizes; do
        input=$tmp/cluster-$shape-$n.yaml
        echo "bench: generating $n workloads ($shape labels)" >&2
        "$runstat" "$input" -- "$gen" --labels "$shape" "$n" "$seed" 2>"$tmp/err"
        r=$?
        stat=$(tail -n 1 "$tmp/err")
        if [ "$r" -ne 0 ]; then
            echo "bench: '$gen --labels $shape $n $seed' failed (exit $r)" >&2
            failed=1
            continue
        fi
        in_size=$(wc -c <"$input" | tr -d ' ')
        printf '%s\t%s\t%s\t%s\t%s\n' "$shape" "$n" "$in_size" "$(field wall_s "$stat")" \
            "$(field maxrss_kb "$stat")" >>"$tmp/genrows"

        # The summary run comes first: its output gives the counts for every row.
        echo "bench: $shape $n: list --format summary x$runs" >&2
        measure "$tmp/summary-$n.txt" "$nv" list --format summary "$input"
        if [ "$rc" -ne 0 ]; then
            failed=1
            rm -f "$input"
            continue
        fi
        sfile=$tmp/summary-$n.txt
        wl=$(sed -n 's/^workloads: //p' "$sfile")
        pol=$(sed -n 's/^network policies: //p' "$sfile")
        nsn=$(sed -n 's/^namespaces: \([0-9]*\).*/\1/p' "$sfile")
        pairs=$(sed -n 's/^allowed workload pairs: \([0-9]* of [0-9]*\).*/\1/p' "$sfile")
        # the engine's sizes, from NETVERIFY_TIMING's 'engine:' line
        classes=$(sed -n 's/^netverify: engine: \([0-9]*\) classes.*/\1/p' "$tmp/err.med")
        atoms=$(sed -n 's/^netverify: engine: .* \([0-9]*\) address atoms.*/\1/p' "$tmp/err.med")
        classes=${classes:--}
        atoms=${atoms:--}
        s_med=$med_s
        s_min=$min_s
        s_max=$max_s
        s_kb=$max_kb
        s_split=$split

        if [ "$n" -le 1000 ]; then
            echo "bench: $shape $n: list --format json x$runs" >&2
            measure "$tmp/json-$n.json" "$nv" list --format json "$input"
            if [ "$rc" -ne 0 ]; then
                failed=1
            else
                row "$n" json "$tmp/json-$n.json"
            fi
            rm -f "$tmp/json-$n.json"
        fi
        med_s=$s_med
        min_s=$s_min
        max_s=$s_max
        max_kb=$s_kb
        split=$s_split
        row "$n" summary "$sfile"

        # check exits 1 when a claim is refuted: that is a result here, not a failure
        echo "bench: $shape $n: check, 20 claims x$runs" >&2
        measure_check "$tmp/check-$n.txt" "$nv" check "$input" --claims "$claims"
        if [ "$rc" -ne 0 ]; then
            failed=1
        else
            row "$n" check "$tmp/check-$n.txt"
        fi
        # diff compares every pair of workloads on both sides: the cost of a
        # change that touches nothing is the cost of any diff minus its output
        if [ "$n" -le 10000 ]; then
            echo "bench: $shape $n: diff, the tree against itself x$runs" >&2
            measure "$tmp/diff-$n.txt" "$nv" diff "$input" "$input"
            if [ "$rc" -ne 0 ]; then
                failed=1
            else
                row "$n" diff "$tmp/diff-$n.txt"
            fi
        fi
        # the pre-merge gate's case: a copy with one policy changed (port 9999 added
        # to the first NetworkPolicy with a ports list); exit 0 or 1 (flows added)
        if python3 "$root/tests/tools/change-policy.py" "$input" - >"$tmp/changed-$n.yaml" \
            2>"$tmp/err"; then
            echo "bench: $shape $n: diff, one policy changed x$runs" >&2
            measure_check "$tmp/diff1-$n.txt" "$nv" diff "$input" "$tmp/changed-$n.yaml"
            if [ "$rc" -ne 0 ]; then
                failed=1
            else
                row "$n" diff1 "$tmp/diff1-$n.txt"
            fi
        else
            cat "$tmp/err" >&2
            failed=1
        fi
        rm -f "$input" "$sfile" "$tmp/check-$n.txt" "$tmp/diff-$n.txt" "$tmp/changed-$n.yaml" \
            "$tmp/diff1-$n.txt"
    done
done


# ---- graph ----

# measure_graph OUTFILE CMD...: run CMD (which writes OUTFILE) $runs times,
# each stopped after $graph_timeout s; set g_med, g_min, g_max (seconds),
# g_kb (largest peak RSS) and g_rc (0; 124 if a run was stopped; else the
# failing exit status). A stopped run ends the series.
measure_graph() {
    mg_out=$1
    shift
    g_rc=0
    g_kb=0
    : >"$tmp/times"
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        rm -f "$mg_out"
        "$runstat" - -- timeout "$graph_timeout" "$@" 2>"$tmp/err"
        r=$?
        stat=$(tail -n 1 "$tmp/err")
        if [ "$r" -ne 0 ]; then
            g_rc=$r
            if [ "$r" -eq 124 ]; then
                echo "bench:   run $i: stopped after $graph_timeout s" >&2
            else
                echo "bench: '$*' failed (exit $r):" >&2
                sed '$d' "$tmp/err" | head -n 20 >&2
            fi
            return
        fi
        s=$(field wall_s "$stat")
        kb=$(field maxrss_kb "$stat")
        echo "bench:   run $i: $s s, $kb KB" >&2
        echo "$s" >>"$tmp/times"
        [ "$kb" -gt "$g_kb" ] && g_kb=$kb
    done
    sort -n "$tmp/times" >"$tmp/times.sorted"
    g_min=$(head -n 1 "$tmp/times.sorted")
    g_max=$(tail -n 1 "$tmp/times.sorted")
    g_med=$(awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }' "$tmp/times.sorted")
}

# dot_counts FILE: "nodes edges" of a DOT file netverify wrote (legend not counted)
dot_counts() {
    awk '/ -> / { e++; next } /^\t+[^\t]+\t\[/ && !/legend:/ { n++ } END { printf "%d %d\n", n, e }' "$1"
}

graph_load0=$(uptime | sed 's/.*load average: //')
for n in $graph_sizes; do
    input=$tmp/graph-$n.yaml
    if ! "$gen" "$n" "$seed" >"$input"; then
        echo "bench: '$gen $n $seed' failed" >&2
        failed=1
        continue
    fi
    # workload count as 'list' reports it (system namespaces included)
    gwl=$("$nv" list --format summary "$input" | sed -n 's/^workloads: //p')
    for group in namespace workload; do
        counts=
        for ext in dot svg; do
            out=$tmp/graph-$n-$group.$ext
            echo "bench: $n: graph --group $group -o .$ext x$runs" >&2
            measure_graph "$out" "$nv" graph "$input" --group "$group" -o "$out"
            if [ "$g_rc" -ne 0 ] && [ "$g_rc" -ne 124 ]; then
                failed=1
                continue
            fi
            [ "$ext" = dot ] && [ "$g_rc" -eq 0 ] && counts=$(dot_counts "$out")
            # shellcheck disable=SC2086 # split on purpose: "nodes edges"
            set -- $counts
            size=-
            [ "$g_rc" -eq 0 ] && size=$(wc -c <"$out" | tr -d ' ')
            if [ "$g_rc" -eq 124 ]; then
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$gwl" "$group" "$ext" \
                    "${1:--}" "${2:--}" "stopped" "$graph_timeout" "-" "-" >>"$tmp/graphrows"
            else
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$gwl" "$group" "$ext" \
                    "${1:--}" "${2:--}" "$g_med" "$g_min-$g_max" "$g_kb" "$size" >>"$tmp/graphrows"
            fi
            rm -f "$out"
        done
    done
    rm -f "$input"
done
graph_load1=$(uptime | sed 's/.*load average: //')
load1=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)

# ---- report ----

# Thousands separators for the integers in a tab-separated stream.
commas='function c(x,  s) { if (x !~ /^[0-9]+$/) return x; s = ""
    while (length(x) > 3) { s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3) }
    return x s }
    function pairs(x,  p) { if (split(x, p, " of ") != 2) return x; return c(p[1]) " of " c(p[2]) }'

printf '\n%-8s %-9s %-8s %-7s %-21s %8s %-15s %-20s %9s %-28s %s\n' shape workloads policies \
    classes command "median s" "min-max s" "load/engine/output" "peak MB" "allowed pairs" target
awk -F '\t' "$commas"'{ printf "%-8s %-9s %-8s %-7s %-21s %8s %-15s %-20s %9s %-28s %s\n",
    $1, c($2), c($3), c($5), $8, $9, $10, $11, $12, pairs($13), $15 }' "$tmp/rows"
if [ -s "$tmp/graphrows" ]; then
    printf '\n%-9s %-10s %-4s %6s %7s %9s %-15s %9s %s\n' workloads group out nodes edges \
        "median s" "min-max s" "peak MB" "output bytes"
    awk -F '\t' "$commas"'{ printf "%-9s %-10s %-4s %6s %7s %9s %-15s %9s %s\n",
        c($1), $2, $3, c($4), c($5), $6, $7, ($8 == "-" ? "-" : sprintf("%.1f", $8 / 1024)), c($9) }' "$tmp/graphrows"
fi
printf '\ngenerator (not part of the figures above):\n'
awk -F '\t' "$commas"'{ printf "  gencluster --labels %-8s %-7s %12s bytes  %6s s  %6.1f MB\n",
    $1, $2, c($3), $4, $5 / 1024 }' "$tmp/genrows"

cpu=$(sed -n '/^model name/{s/^[^:]*: *//p;q;}' /proc/cpuinfo 2>/dev/null)
mem=$(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
version=$("$nv" --version 2>&1)
nv_id=$(cksum <"$nv" | cut -d ' ' -f 1)
rev=$(git -C "$root" describe --always --dirty 2>/dev/null)

{
    echo "# Benchmarks"
    echo
    echo "Whole-process runs of \`netverify list\`, \`check\`, \`diff\` and \`graph\` on synthetic clusters"
    echo "written by \`tests/tools/gencluster --labels SHAPE N\` (N workloads, N/5 NetworkPolicies, N/10"
    echo "namespaces, plus \`kube-system\` with CoreDNS and \`monitoring\` with Prometheus), in two shapes:"
    echo
    echo "* \`common\`: the labels and 13 policy patterns of PERFORMANCE-NOTES.md section 2; few distinct"
    echo "  label combinations, so many workloads share a class."
    echo "* \`diverse\` (issue 14): namespaces labelled from a small vocabulary (team, env, region,"
    echo "  istio-injection), every workload 1-4 of 6 label keys with 2-6 values each, so nearly every"
    echo "  workload of a namespace is a class of its own; policies drawn at random from matchLabels,"
    echo "  the four matchExpressions operators, namespaceSelector+podSelector peers, ipBlocks with"
    echo "  except, named ports and endPort ranges."
    echo
    echo "Each command ran $runs times; the table gives the median wall time, the range, the split of"
    echo "the median run into load, engine and output (\`NETVERIFY_TIMING=1\`; \`check\` and \`diff\` name"
    echo "their phases differently, so their split may read 0) and the largest peak resident memory"
    echo "(\`ru_maxrss\`), measured by \`tests/tools/runstat\`. Output goes to a file on local disk."
    echo "Classes and address atoms are the engine's (\`NETVERIFY_TIMING=1\` prints them)."
    echo
    echo "* Machine: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN) CPUs, ${cpu:-unknown CPU}, ${mem:-unknown} RAM"
    echo "* Date: $(date -u +%Y-%m-%d); load average before the first run: ${load0:-unknown}; after the last: ${load1:-unknown}"
    echo "* Version: \`$version\` ($nv_label, cksum $nv_id, source tree ${rev:-unknown})"
    echo "* Generator seed: $seed"
    if awk -v l="${load0%% *}" -v c="$(nproc 2>/dev/null || echo 1)" 'BEGIN { exit !(l + 0 > c + 0) }'; then
        echo
        echo "**The load average was above the number of CPUs when this run started: other"
        echo "jobs competed for the CPUs, and every figure below is slower than on an idle"
        echo "machine (rerun before comparing).**"
    fi
    echo
    echo "Reproduce with \`make bench\` (1,000 and 10,000 workloads; \`BENCH_SIZES=\"1000 10000 50000"
    echo "100000\" make bench\` for all sizes, \`BENCH_SHAPES=diverse\` for one shape,"
    echo "\`BENCH_GRAPH_SIZES\` for the graph runs). Everything above the section \"Before and after\""
    echo "is rewritten by every run."
    echo
    echo "## Results"
    echo
    echo "| shape | workloads | policies | namespaces | classes | address atoms | input | command | median time | range | load/engine/output | peak RSS | allowed workload pairs | output | target |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---|"
    awk -F '\t' "$commas"'{ printf "| %s | %s | %s | %s | %s | %s | %s bytes | `%s` | %s s | %s s | %s s | %s MB | %s | %s bytes | %s |\n",
        $1, c($2), c($3), c($4), c($5), c($6), c($7), $8, $9, $10, $11, $12, pairs($13), c($14), $15 }' "$tmp/rows"
    echo
    echo "Workload and namespace counts include the two system namespaces and their workloads."
    echo
    echo "![median wall time against workloads, log-log, one line per command and shape](benchmarks.svg)"
    echo
    echo "## Targets (issue 14 and DESIGN.md, 2-core machine, whole process)"
    echo
    echo "| workloads | policies | command | time | peak memory |"
    echo "|---:|---:|---|---:|---:|"
    echo "| 1,000 | 200 | \`list --format json\` | <= 1 s | <= 100 MB |"
    echo "| 10,000 | 2,000 | \`list --format summary\` | <= 0.5 s | <= 300 MB |"
    echo "| 10,000 | 2,000 | \`check\`, 20 claims | <= 2 s | <= 500 MB |"
    echo "| 10,000 | 2,000 | \`diff\` of the tree against itself or a one-policy change | <= 1 s | <= 300 MB |"
    echo "| 50,000 | 10,000 | \`list --format summary\` | <= 5 s | <= 1 GB |"
    echo "| 50,000 | 10,000 | \`check\`, 20 claims | <= 10 s | <= 1 GB |"
    echo "| 50,000 | 10,000 | \`diff\` of a one-policy change | <= 2 s | <= 1 GB |"
    echo "| 100,000 | 20,000 | \`list --format summary\` | <= 10 s | <= 2 GB |"
    echo
    echo "The 20 claims are \`tests/bench-claims.yaml\` (common) and \`tests/bench-claims-diverse.yaml\`"
    echo "(diverse). The one-policy change is \`tests/tools/change-policy.py FILE -\`: TCP port 9999"
    echo "added to the first NetworkPolicy of the input that has a \`ports\` list."
    echo
    if [ -s "$tmp/graphrows" ]; then
        echo "## Graph"
        echo
        echo "\`netverify graph CLUSTER --group G -o FILE\` on the same kind of cluster, at"
        echo "$(echo "$graph_sizes" | sed 's/ / and /g') generated workloads. \`.dot\` is cgraph's \`agwrite\` (no layout);"
        echo "\`.svg\` adds the graphviz layout and rendering: \`dot\` up to 50 nodes, \`sfdp\` with"
        echo "overlap removal above. With more than 150 edges the port lists are tooltips, not"
        echo "labels. Each command ran $runs times (stopped after $graph_timeout s); the table gives the"
        echo "median, the range and the largest peak RSS. Nodes and edges are those of the DOT"
        echo "text (legend not counted)."
        echo
        echo "Without \`--group\`, these clusters are drawn per namespace: a workload diagram of more"
        echo "than 50 nodes switches to namespace grouping, with a note on stderr, so the default"
        echo "costs what the \`namespace\` rows say. \`--group workload\` forces the workload diagram."
        echo
        echo "* Load average (\`uptime\`) before the graph runs: $graph_load0; after: $graph_load1"
        echo
        echo "| workloads | --group | output | nodes | edges | median time | range | peak RSS | output size |"
        echo "|---:|---|---|---:|---:|---:|---:|---:|---:|"
        awk -F '\t' "$commas"'{
            if ($6 == "stopped")
                printf "| %s | %s | .%s | %s | %s | stopped after %s s | - | - | - |\n", c($1), $2, $3, c($4), c($5), $7
            else
                printf "| %s | %s | .%s | %s | %s | %s s | %s s | %.1f MB | %s bytes |\n",
                    c($1), $2, $3, c($4), c($5), $6, $7, $8 / 1024, c($9) }' "$tmp/graphrows"
        echo
        awk -F '\t' '$1 >= 1000 && $2 == "namespace" && $3 == "svg" {
            v = ($6 != "stopped" && $6 < 10) ? "met (" $6 " s)" : "missed"
            printf "Target (issue 4): the 1,000-workload cluster with `--group namespace` rendered to\n"
            printf "SVG in under 10 s: %s.\n", v; exit }' "$tmp/graphrows"
        echo
    fi
    echo "## Variance"
    echo
    echo "This machine is a shared 2-core VM whose speed varies from minute to minute (reruns"
    echo "of one build have measured 10-45% apart), and other jobs may run beside the"
    echo "benchmark: compare figures from one run, and rerun before concluding that a change"
    echo "made things slower."
    echo
    echo "## Generator"
    echo
    echo "Time to write the input (not part of the figures above):"
    echo
    echo "| shape | workloads | output | time | peak RSS |"
    echo "|---|---:|---:|---:|---:|"
    awk -F '\t' "$commas"'{ printf "| %s | %s | %s bytes | %s s | %.1f MB |\n",
        $1, c($2), c($3), $4, $5 / 1024 }' "$tmp/genrows"
    # the hand-written comparison of builds is kept from the previous file
    if [ -f "$out_md" ]; then
        sed -n '/^## Before and after/,$p' "$out_md"
    fi
} >"$tmp/md"
mkdir -p "$(dirname "$out_md")" && cp "$tmp/md" "$out_md" && echo "bench: wrote $out_md" >&2
# the plot of time against workloads (docs/benchmarks.svg beside the Markdown)
if command -v python3 >/dev/null 2>&1 &&
    python3 "$root/tests/bench-plot.py" "$tmp/rows" "${out_md%.md}.svg"; then
    echo "bench: wrote ${out_md%.md}.svg" >&2
fi

exit "$failed"
