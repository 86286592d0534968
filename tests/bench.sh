#!/bin/sh
# bench.sh - time whole 'netverify list' runs on synthetic clusters, print a
# table and write docs/benchmarks.md.
# Usage: sh tests/bench.sh NETVERIFY GENCLUSTER   (runstat must sit next to GENCLUSTER)
# Environment: BENCH_SIZES (default "1000 10000 50000"), BENCH_RUNS (default 3),
# BENCH_SEED (default 1), BENCH_OUT (default docs/benchmarks.md).
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
sizes=${BENCH_SIZES:-1000 10000 50000}
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

# field NAME STATLINE: the value of NAME=... in a runstat line
field() {
    echo "$2" | sed -n "s/.*$1=\\([0-9.]*\\).*/\\1/p"
}

# measure OUTFILE CMD...: run CMD $runs times with stdout to OUTFILE; set
# best_s, best_kb (of the fastest run) and rc (non-zero if any run failed).
measure() {
    m_out=$1
    shift
    best_s=
    best_kb=
    rc=0
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        "$runstat" "$m_out" -- "$@" 2>"$tmp/err"
        r=$?
        stat=$(tail -n 1 "$tmp/err")
        if [ "$r" -ne 0 ]; then
            rc=$r
            echo "bench: '$*' failed (exit $r):" >&2
            sed '$d' "$tmp/err" | head -n 20 >&2
            return
        fi
        s=$(field wall_s "$stat")
        kb=$(field maxrss_kb "$stat")
        echo "bench:   run $i: $s s, $kb KB" >&2
        if [ -z "$best_s" ] || awk "BEGIN { exit !($s < $best_s) }"; then
            best_s=$s
            best_kb=$kb
        fi
    done
}

# measure_check OUT CMD...: measure, where exit 1 (a refuted claim) is a result
measure_check() {
    mc_out=$1
    shift
    measure "$mc_out" sh -c '"$@"; r=$?; [ "$r" -eq 1 ] && exit 0; exit "$r"' sh "$@"
}

# target N FORMAT: "seconds megabytes" from DESIGN.md's table, or nothing
target() {
    case "$1 $2" in
    "1000 json") echo "1 100" ;;
    "10000 summary") echo "1 300" ;;
    "50000 summary") echo "5 1024" ;;
    "10000 check") echo "2 500" ;;
    "50000 check") echo "10 1024" ;;
    esac
}

# row N FORMAT OUTFILE: record one measured command
row() {
    r_size=$(wc -c <"$3" | tr -d ' ')
    r_mb=$(awk "BEGIN { printf \"%.1f\", $best_kb / 1024 }")
    # shellcheck disable=SC2046 # split on purpose: "seconds megabytes"
    set -- "$1" "$2" "$r_size" "$r_mb" $(target "$1" "$2")
    if [ $# -eq 6 ]; then
        r_tgt=$(awk "BEGIN {
            t = $best_s / $5; m = $4 / $6
            v = (t <= 1 && m <= 1) ? \"met\" : \"missed:\"
            if (t > 1) v = v sprintf(t < 1.1 ? \" time +%.0f%%\" : \" time %.1fx\", t < 1.1 ? (t - 1) * 100 : t)
            if (m > 1) v = v sprintf(m < 1.1 ? \" memory +%.0f%%\" : \" memory %.1fx\", m < 1.1 ? (m - 1) * 100 : m)
            printf \"<= %g s, <= %g MB: %s\", $5, $6, v
        }")
    else
        r_tgt="(no target)"
    fi
    case "$2" in
    check) r_cmd="check, 20 claims" ;;
    *) r_cmd="list --format $2" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$pol" "$nsn" "$in_size" \
        "$r_cmd" "$best_s" "$4" "$pairs" "$3" "$r_tgt" >>"$tmp/rows"
}

for n in $sizes; do
    input=$tmp/cluster-$n.yaml
    echo "bench: generating $n workloads" >&2
    "$runstat" "$input" -- "$gen" "$n" "$seed" 2>"$tmp/err"
    r=$?
    stat=$(tail -n 1 "$tmp/err")
    if [ "$r" -ne 0 ]; then
        echo "bench: '$gen $n $seed' failed (exit $r)" >&2
        failed=1
        continue
    fi
    in_size=$(wc -c <"$input" | tr -d ' ')
    printf '%s\t%s\t%s\t%s\n' "$n" "$in_size" "$(field wall_s "$stat")" \
        "$(field maxrss_kb "$stat")" >>"$tmp/genrows"

    # The summary run comes first: its output gives the counts for every row.
    echo "bench: $n: list --format summary x$runs" >&2
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
    s_s=$best_s
    s_kb=$best_kb

    if [ "$n" -le 1000 ]; then
        echo "bench: $n: list --format json x$runs" >&2
        measure "$tmp/json-$n.json" "$nv" list --format json "$input"
        if [ "$rc" -ne 0 ]; then
            failed=1
        else
            row "$n" json "$tmp/json-$n.json"
        fi
        rm -f "$tmp/json-$n.json"
    fi
    best_s=$s_s
    best_kb=$s_kb
    row "$n" summary "$sfile"

    # check exits 1 when a claim is refuted: that is a result here, not a failure
    echo "bench: $n: check, 20 claims x$runs" >&2
    measure_check "$tmp/check-$n.txt" "$nv" check "$input" --claims "$claims"
    if [ "$rc" -ne 0 ]; then
        failed=1
    else
        row "$n" check "$tmp/check-$n.txt"
    fi
    rm -f "$input" "$sfile" "$tmp/check-$n.txt"
done

# ---- report ----

# Thousands separators for the integers in a tab-separated stream.
commas='function c(x,  s) { if (x !~ /^[0-9]+$/) return x; s = ""
    while (length(x) > 3) { s = "," substr(x, length(x) - 2) s; x = substr(x, 1, length(x) - 3) }
    return x s }
    function pairs(x,  p) { if (split(x, p, " of ") != 2) return x; return c(p[1]) " of " c(p[2]) }'

printf '\n%-9s %-8s %-5s %-12s %-21s %8s %9s %-28s %-14s %s\n' workloads policies ns \
    "input bytes" command "time s" "peak MB" "allowed pairs" "output bytes" target
awk -F '\t' "$commas"'{ printf "%-9s %-8s %-5s %-12s %-21s %8s %9s %-28s %-14s %s\n",
    c($1), c($2), c($3), c($4), $5, $6, $7, pairs($8), c($9), $10 }' "$tmp/rows"
printf '\ngenerator (not part of the figures above):\n'
awk -F '\t' "$commas"'{ printf "  gencluster %-6s %12s bytes  %6s s  %6.1f MB\n",
    $1, c($2), $3, $4 / 1024 }' "$tmp/genrows"

cpu=$(sed -n '/^model name/{s/^[^:]*: *//p;q;}' /proc/cpuinfo 2>/dev/null)
mem=$(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
version=$("$nv" --version 2>&1)
nv_id=$(cksum <"$nv" | cut -d ' ' -f 1)
rev=$(git -C "$root" describe --always --dirty 2>/dev/null)

{
    echo "# Benchmarks"
    echo
    echo "Whole-process runs of \`netverify list\` and \`netverify check\` on synthetic clusters written by"
    echo "\`tests/tools/gencluster\` (N workloads, N/5 NetworkPolicies, N/10 namespaces, plus"
    echo "\`kube-system\` with CoreDNS and \`monitoring\` with Prometheus; the patterns are those of"
    echo "PERFORMANCE-NOTES.md section 2). Each command ran $runs times; the table keeps the fastest"
    echo "run and its peak resident memory (\`ru_maxrss\`), measured by \`tests/tools/runstat\`."
    echo "Output goes to a file on local disk."
    echo
    echo "* Machine: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN) CPUs, ${cpu:-unknown CPU}, ${mem:-unknown} RAM"
    echo "* Date: $(date -u +%Y-%m-%d); load average before the first run: ${load0:-unknown}"
    echo "* Version: \`$version\` ($nv_label, cksum $nv_id, source tree ${rev:-unknown})"
    echo "* Generator seed: $seed"
    echo
    echo "Reproduce with \`make bench\` (or \`BENCH_SIZES=\"1000 10000\" make bench\` for the"
    echo "smaller sizes only). This file is rewritten by every run."
    echo
    echo "## Results"
    echo
    echo "| workloads | policies | namespaces | input | command | time | peak RSS | allowed workload pairs | output | DESIGN.md target |"
    echo "|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"
    awk -F '\t' "$commas"'{ printf "| %s | %s | %s | %s bytes | `%s` | %s s | %s MB | %s | %s bytes | %s |\n",
        c($1), c($2), c($3), c($4), $5, $6, $7, pairs($8), c($9), $10 }' "$tmp/rows"
    echo
    echo "Workload and namespace counts include the two system namespaces and their workloads."
    echo
    echo "## Targets (DESIGN.md, 2-core machine)"
    echo
    echo "| workloads | policies | command | time | peak memory |"
    echo "|---:|---:|---|---:|---:|"
    echo "| 1,000 | 200 | \`list --format json\` | <= 1 s | <= 100 MB |"
    echo "| 10,000 | 2,000 | \`list --format summary\` | <= 1 s | <= 300 MB |"
    echo "| 50,000 | 10,000 | \`list --format summary\` | <= 5 s | <= 1 GB |"
    echo "| 10,000 | 2,000 | \`check\`, 20 claims | <= 2 s | <= 500 MB |"
    echo "| 50,000 | 10,000 | \`check\`, 20 claims | <= 10 s | <= 1 GB |"
    echo
    echo "The 20 claims are \`tests/bench-claims.yaml\`."
    echo
    echo "## Generator"
    echo
    echo "Time to write the input (not part of the figures above):"
    echo
    echo "| workloads | output | time | peak RSS |"
    echo "|---:|---:|---:|---:|"
    awk -F '\t' "$commas"'{ printf "| %s | %s bytes | %s s | %.1f MB |\n",
        c($1), c($2), $3, $4 / 1024 }' "$tmp/genrows"
} >"$tmp/md"
mkdir -p "$(dirname "$out_md")" && cp "$tmp/md" "$out_md" && echo "bench: wrote $out_md" >&2

exit "$failed"
