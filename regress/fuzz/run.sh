#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every fuzz harness for FUZZ_SECONDS (default 3) on a copy of its seed
# corpus; a crash, leak or sanitizer report is a failure.
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-3}
for f in obj-fuzz/*_fuzz; do
	[ -x "$f" ] || continue
	name=$(basename "$f" _fuzz)
	work=$(mktemp -d /tmp/siproxd-fuzz.XXXXXX)
	mkdir "$work/corpus"
	[ -d "regress/fuzz/corpus/$name" ] &&
	    cp "regress/fuzz/corpus/$name"/* "$work/corpus/" 2>/dev/null
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$work/" "$work/corpus" > "$work/log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$work/log" | tail -1)
		echo "ok - fuzz: $name ran ${secs}s clean (${runs:-no count})"
		rm -rf "$work"
	else
		echo "FAIL - fuzz: $name: see $work/log"
		grep -m 5 -E 'ERROR|SUMMARY' "$work/log" | sed 's/^/# /'
	fi
done
