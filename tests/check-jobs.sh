#!/bin/sh
# check-jobs.sh - 'list --format summary' counts the same whatever the number
# of processes: on clusters written by gencluster in both shapes, --jobs 2 and
# --jobs 3 (namespaces shared out by group) must print what --jobs 1 prints,
# byte for byte, with no note of a part counted again.
# Usage: check-jobs.sh NETVERIFY GENCLUSTER
# SPDX-License-Identifier: Apache-2.0
nv=$1
gen=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for shape in common diverse; do
	for seed in 3 4; do
		in="$tmp/$shape-$seed.yaml"
		if ! "$gen" --labels "$shape" 2500 "$seed" >"$in"; then
			echo "FAIL jobs: gencluster --labels $shape 2500 $seed"
			fail=$((fail + 1))
			continue
		fi
		"$nv" list --format summary --jobs 1 "$in" >"$tmp/one" 2>/dev/null
		for jobs in 2 3; do
			"$nv" list --format summary --jobs "$jobs" "$in" >"$tmp/many" 2>"$tmp/err"
			if cmp -s "$tmp/one" "$tmp/many" && ! grep -q 'counted again' "$tmp/err" &&
				[ -s "$tmp/one" ]; then
				pass=$((pass + 1))
			else
				echo "FAIL jobs: $shape seed $seed: --jobs $jobs differs from --jobs 1"
				fail=$((fail + 1))
			fi
		done
	done
done
echo "jobs: $pass passed, $fail failed"
test "$fail" = 0
