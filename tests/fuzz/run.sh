#!/bin/sh
# run.sh - run each libFuzzer harness for a while, one after the other.
# Seeds are gathered at run time (golden cases, models/, the shared corpus and
# the curated tests/fuzz/seeds/NAME/) into BUILD/seeds-NAME; what the fuzzer
# learns stays in BUILD/corpus-NAME, crashes in BUILD/artifacts-NAME/.
# Usage: run.sh BUILD SECONDS CORPUS NAME...
# SPDX-License-Identifier: Apache-2.0
set -u
build=$1
secs=$2
corpus=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

# copy files of at most 64 KiB, named after their path so that none collide
seed() {
	dest=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le 65536 ] || continue
		cp "$f" "$dest/$(printf '%s' "$f" | sed 's|^[./]*||' | tr '/ ' '__')"
	done
}

status=0
for name in "$@"; do
	seeds=$build/seeds-$name
	rm -rf "$seeds"
	mkdir -p "$seeds" "$build/corpus-$name" "$build/artifacts-$name"
	case $name in
	load)
		seed "$seeds" tests/golden/*/*.yaml tests/golden/*/stdin models/*/*.yaml
		[ -d "$corpus" ] && seed "$seeds" $(find "$corpus" -type f \
			\( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
		max_len=32768
		;;
	claim)
		seed "$seeds" tests/golden/*/claims*.yaml models/*/netverify.yaml
		max_len=4096
		;;
	*)
		max_len=8192
		;;
	esac
	[ -d "tests/fuzz/seeds/$name" ] && seed "$seeds" tests/fuzz/seeds/"$name"/*
	echo "fuzz: $name for $secs s ($(ls "$seeds" | wc -l) seeds)"
	# one process: the machine is shared; -timeout: more than a second per input is a bug
	"$build/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=$max_len -print_final_stats=1 -artifact_prefix="$build/artifacts-$name/" \
		"$build/corpus-$name" "$seeds" >"$build/fuzz-$name.log" 2>&1
	rc=$?
	tail -n 12 "$build/fuzz-$name.log" | grep -E '^(stat::|Done|==|SUMMARY)' || true
	if [ $rc != 0 ]; then
		echo "fuzz: $name FAILED (exit $rc): see $build/fuzz-$name.log and $build/artifacts-$name/"
		status=1
	fi
done
exit $status
