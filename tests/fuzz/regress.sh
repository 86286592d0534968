#!/bin/sh
# regress.sh - replay every input a fuzz harness once crashed on, twice: through
# the harness built without libFuzzer (tests/fuzz/replay.c), and through the
# netverify binary, which must end with a documented exit code (0, 1 for a
# refuted claim, 2 for an input error), never a signal, within a time bound.
# Usage: regress.sh NETVERIFY REPLAY_DIR
# SPDX-License-Identifier: Apache-2.0
set -u
nv=$1
replay=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
regress=$top/tests/fuzz/regress
pass=0
fail=0

# expect ALLOWED_CODES COMMAND...: run with a 20 s limit, check the exit code
expect() {
	allowed=$1
	shift
	timeout 20 "$@" >/dev/null 2>&1
	got=$?
	case " $allowed " in
	*" $got "*)
		pass=$((pass + 1))
		;;
	*)
		fail=$((fail + 1))
		echo "FAIL fuzz-regress: exit $got (want one of $allowed): $*"
		;;
	esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fuzz_claim reads input without "claims" as one claim per line: make that a claims file
claims_file() {
	if grep -q claims "$1"; then
		echo "$1"
		return
	fi
	{
		echo "claims:"
		sed -e '/^[[:space:]]*$/d' -e "s/'/''/g" -e "s/^/- '/" -e "s/\$/'/" "$1"
	} >"$tmp/claims.yaml"
	echo "$tmp/claims.yaml"
}

for name in load claim; do
	dir=$regress/$name
	[ -d "$dir" ] || continue
	[ -n "$(ls "$dir")" ] || continue
	expect "0" "$replay/replay-$name" "$dir"
	for f in "$dir"/*; do
		case $name in
		load) expect "0 2" "$nv" list "$f" ;;
		claim) expect "0 1 2" "$nv" check --claims "$(claims_file "$f")" \
			"$top/tests/fuzz/cluster.yaml" ;;
		esac
	done
done
echo "fuzz-regress: $pass passed, $fail failed"
test "$fail" = 0
