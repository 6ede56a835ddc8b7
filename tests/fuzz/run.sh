#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the packet fuzzer for a bounded time over a seed corpus made of the
# unit-test fixtures (each fixture input with every config selector byte).
set -eu
fuzzer=$1
secs=${2:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/fuzz
rm -rf "$work/fixtures"
mkdir -p "$work/fixtures" "$work/corpus" "$work/crashes"
cd "$top"
make -s unit >/dev/null
for t in build/asan/tests/test_*; do
	FX_CORPUS_DIR=$work/fixtures "$t" >/dev/null 2>&1 || true
done
n=0
for f in "$work"/fixtures/*; do
	[ -f "$f" ] || continue
	for sel in 0 1 2 3 4 5; do
		printf "\\$(printf %o $sel)" | cat - "$f" >"$work/corpus/$(basename "$f")-$sel"
	done
	n=$((n + 1))
done
echo "seed corpus: $n fixture packets x 6 configurations"
"$fuzzer" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
	-artifact_prefix="$work/crashes/" "$work/corpus" 2>&1 |
	grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY|crash-' || true
ls "$work/crashes" | grep -q . && { echo "packet fuzzer: crashes in $work/crashes"; exit 1; }
exit 0
