#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden config tests: N.conf -> siproxd -nv -> N.ok; bN.conf -> bN.err,
# exit 1; wN.conf -> wN.err, exit 0.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for c in regress/config/[0-9]*.conf; do
	[ -e "$c" ] || continue
	ok=${c%.conf}.ok
	if ./siproxd -nv -f "$c" > "$tmp" 2>/dev/null && diff -u "$ok" "$tmp"
	then
		echo "ok - config: $c prints as $ok"
	else
		echo "FAIL - config: $c does not print as $ok"
	fi
done
for c in regress/config/b[0-9]*.conf; do
	[ -e "$c" ] || continue
	exp=${c%.conf}.err
	./siproxd -n -f "$c" > /dev/null 2> "$tmp"
	rc=$?
	if [ $rc -eq 1 ] && diff -u "$exp" "$tmp"; then
		echo "ok - config: $c is refused with $exp"
	else
		echo "FAIL - config: $c: exit $rc, or stderr differs from $exp"
	fi
done
# wN.conf: starts (exit 0), with the warnings of wN.err.
for c in regress/config/w[0-9]*.conf; do
	[ -e "$c" ] || continue
	exp=${c%.conf}.err
	./siproxd -n -f "$c" > /dev/null 2> "$tmp"
	rc=$?
	if [ $rc -eq 0 ] && diff -u "$exp" "$tmp"; then
		echo "ok - config: $c starts with the warnings of $exp"
	else
		echo "FAIL - config: $c: exit $rc, or stderr differs from $exp"
	fi
done
# The shipped example must parse with no warning at all.
if ./siproxd -n -f conf/siproxd.conf 2> "$tmp" &&
    [ "$(cat "$tmp")" = "configuration OK" ]; then
	echo "ok - config: conf/siproxd.conf parses cleanly"
else
	echo "FAIL - config: conf/siproxd.conf: $(cat "$tmp")"
fi
