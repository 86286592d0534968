#!/bin/sh
# install-deps.sh - install the Debian packages netverify needs to build and test.
# Installs only what is missing; uses sudo when not root. Safe to run twice.
# SPDX-License-Identifier: Apache-2.0
set -e
pkgs="gcc libc6-dev make pkg-config libz3-dev libyaml-dev libjansson-dev libgraphviz-dev graphviz \
libcmocka-dev python3 z3 valgrind cmark-gfm"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "netverify: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "netverify: missing packages:$missing" >&2
		echo "netverify: run as root: apt-get update && apt-get install -y$missing" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "installing:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
