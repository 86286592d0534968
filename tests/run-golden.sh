#!/bin/sh
# run-golden.sh - golden CLI tests: each tests/golden/<case>/ holds manifests,
# 'args' (the command line after 'netverify', one argument per line),
# 'expected.out' (exact stdout), optionally 'expected.err' (exact stderr; without
# it stderr must be empty) and
# 'expected.exit' (exit status, default 0); 'stdin' is fed to standard input
# when present. Commands run inside the case folder. A 'check' case runs a
# second time with --cross-check added (unless its args have it already): the
# same stdout, stderr and exit status are required, so the set-algebra engine
# agrees with Z3 on every golden claim.
# Usage: run-golden.sh NETVERIFY [CASE...]
# SPDX-License-Identifier: Apache-2.0
nv=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
case "$nv" in
/* | *" "*) ;; # absolute, or a command line such as "valgrind ... /abs/netverify"
*) nv="$top/$nv" ;;
esac
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -eq 0 ]; then
	set -- "$top"/tests/golden/*/
fi
# run_case DIR NAME [EXTRA-ARG]: run the case's command (plus EXTRA-ARG) and
# compare it with the expected files; count a pass or a failure.
run_case() {
	dir=$1
	name=$2
	extra=$3
	want_exit=0
	[ -f "$dir/expected.exit" ] && want_exit=$(cat "$dir/expected.exit")
	in=/dev/null
	[ -f "$dir/stdin" ] && in="$dir/stdin"
	# one argument per line, so arguments may hold spaces
	(
		cd "$dir" || exit 99
		set --
		while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done <args
		[ -n "$extra" ] && set -- "$@" "$extra"
		exec $nv "$@" <"$in" >"$tmp/out" 2>"$tmp/err"
	)
	got_exit=$?
	ok=1
	if [ "$got_exit" != "$want_exit" ]; then
		echo "FAIL $name: exit $got_exit, expected $want_exit"
		ok=0
	fi
	if ! cmp -s "$tmp/out" "$dir/expected.out"; then
		echo "FAIL $name: stdout differs"
		diff "$dir/expected.out" "$tmp/out" | head -20
		ok=0
	fi
	# stderr: exactly expected.err when there is one, else nothing at all
	if ! cmp -s "$tmp/err" "${dir}/expected.err" 2>/dev/null && ! { [ ! -f "$dir/expected.err" ] && [ ! -s "$tmp/err" ]; }; then
		echo "FAIL $name: stderr differs"
		if [ -f "$dir/expected.err" ]; then diff "$dir/expected.err" "$tmp/err" | head -20; else head -20 "$tmp/err"; fi
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
}

for dir in "$@"; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/args" ] || continue
	run_case "$dir" "$name" ""
	if [ "$(head -n 1 "$dir/args")" = check ] && ! grep -qx -- --cross-check "$dir/args"; then
		run_case "$dir" "$name (--cross-check)" --cross-check
	fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
