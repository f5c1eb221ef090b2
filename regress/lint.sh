#!/bin/sh
# SPDX-License-Identifier: ISC
# The manuals: mandoc lint clean.
cd "$(dirname "$0")/.." || exit 1
if ! command -v mandoc >/dev/null; then
	echo "FAIL - lint: mandoc is not installed"
	exit 1
fi
for m in man/*.[0-9]; do
	[ -e "$m" ] || continue
	out=$(mandoc -T lint -W warning "$m" 2>&1)
	if [ -z "$out" ]; then
		echo "ok - lint: $m is mandoc -T lint clean"
	else
		echo "FAIL - lint: $m: $out"
	fi
done
