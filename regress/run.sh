#!/bin/sh
# SPDX-License-Identifier: ISC
# make check: unit tests (plain and ASan/UBSan), golden configs, manuals,
# end-to-end tests; one line per case, then "N passed, N failed".

cd "$(dirname "$0")/.." || exit 1
OUT=$(mktemp /tmp/siproxd-check.XXXXXX)
trap 'rm -f "$OUT"' EXIT

# run NAME command...: its ok/FAIL lines count; a crash or a non-zero exit
# with no FAIL line counts as one failure.
run() {
	name=$1; shift
	"$@" > "$OUT.one" 2>&1
	rc=$?
	cat "$OUT.one"
	cat "$OUT.one" >> "$OUT"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL - ' "$OUT.one"; then
		echo "FAIL - $name exited with status $rc" | tee -a "$OUT"
	fi
	rm -f "$OUT.one"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in obj/regress/*_test obj-asan/regress/*_test; do
	[ -x "$t" ] && run "$t" "$t"
done
run fuzz sh regress/fuzz/run.sh
run config sh regress/config/run.sh
run lint sh regress/lint.sh
run mankeys sh regress/mankeys.sh
run install sh regress/install.sh
if [ -n "${SIPROXD_NO_E2E:-}" ]; then
	echo "SKIPPED: e2e tests (SIPROXD_NO_E2E set)"
else
	for t in regress/e2e/[a-z]*.sh; do
		case $t in
		regress/e2e/lib.sh | regress/e2e/topo.sh) continue ;;
		esac
		run "$t" sh "$t"
	done
	# make bench for a moment, so that it cannot rot.
	run bench env BENCH_QUICK=1 python3 bench/bench.py
	run tlsbench env BENCH_QUICK=1 python3 bench/tlsbench.py
fi

passed=$(grep -c '^ok - ' "$OUT")
failed=$(grep -c '^FAIL - ' "$OUT")
echo
grep '^FAIL - ' "$OUT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
