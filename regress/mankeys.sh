#!/bin/sh
# SPDX-License-Identifier: ISC
# siproxd.conf(5) documents exactly the keys common/conf.c reads, and the
# example config shows only keys it reads.  One line per mismatch.

cd "$(dirname "$0")/.." || exit 1
T=mankeys
W=$(mktemp -d /tmp/siproxd-mankeys.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
bad=0

mismatch() { echo "FAIL - $T: $*"; bad=1; }

# The reader's table: the first string of each entry of conf_keys[],
# K_STR("name", ...) or { "name", ... }.
sed -n '/^static const struct conf_key conf_keys\[\] = {/,/^};/p' \
    common/conf.c |
    sed -n 's/^[[:space:]]*\(K_[A-Z0-9_]*(\|{\)[[:space:]]*"\([^"]*\)".*/\2/p' |
    sort -u > "$W/reader"
if [ ! -s "$W/reader" ]; then
	echo "FAIL - $T: no conf_keys[] table found in common/conf.c"
	exit 1
fi
# Keys that contain plugin_ are accepted without a table entry.
prefix=0
grep -q 'strstr(key, "plugin_")' common/conf.c && prefix=1

# The manual's keys: every word after .It Ic, across ", Ic" and ",",
# up to the first other macro (Ar, Op, ...).
awk '$1 == ".It" && $2 == "Ic" {
	for (i = 3; i <= NF; i++) {
		if ($i == "," || $i == "Ic")
			continue
		if ($i ~ /^[A-Z][a-z][a-z]?$/)
			break
		print $i
	}
}' man/siproxd.conf.5 | sort -u > "$W/manual"

while read -r k; do
	grep -qx "$k" "$W/manual" ||
	    mismatch "key $k is read by common/conf.c but has no" \
	    ".It Ic $k in man/siproxd.conf.5"
done < "$W/reader"
while read -r k; do
	grep -qx "$k" "$W/reader" && continue
	case "$k" in
	*plugin_*)
		[ $prefix = 1 ] && continue
		;;
	esac
	mismatch ".It Ic $k in man/siproxd.conf.5 is not a key common/conf.c" \
	    "reads"
done < "$W/manual"
if [ $prefix = 1 ] &&
    ! grep -q '^\.It .*plugin_' man/siproxd.conf.5; then
	mismatch "common/conf.c accepts any key containing plugin_ but" \
	    "man/siproxd.conf.5 has no .It entry for them"
fi

# The example: every "key =" line, commented out or not.
sed -n 's/^#\{0,1\}\([a-z_][a-z_0-9]*\)[[:space:]]*=.*/\1/p' \
    conf/siproxd.conf | sort -u > "$W/example"
while read -r k; do
	grep -qx "$k" "$W/reader" && continue
	case "$k" in
	*plugin_*)
		[ $prefix = 1 ] && continue
		;;
	esac
	mismatch "conf/siproxd.conf shows $k, which common/conf.c does not" \
	    "read"
done < "$W/example"

if [ $bad = 0 ]; then
	echo "ok - $T: the $(wc -l < "$W/reader" | tr -d ' ') keys of" \
	    "common/conf.c match man/siproxd.conf.5 and conf/siproxd.conf"
fi
exit $bad
