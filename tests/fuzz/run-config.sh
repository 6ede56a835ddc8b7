#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the config-loader fuzzer for a bounded time, seeded with every
# golden config and shipped example.  Leak detection is off: libconfuse
# 3.3 leaks its lexer buffers after a syntax error in an included file
# (a bug of the library, on a config that is refused anyway).
set -eu
fuzzer=$1
secs=${2:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/fuzz-config
rm -rf "$work/seeds"
mkdir -p "$work/seeds" "$work/corpus" "$work/crashes"
n=0
for f in "$top"/tests/config/good/*.conf "$top"/tests/config/bad/*.conf \
    "$top"/conf/*.conf; do
	[ -f "$f" ] || continue
	cp "$f" "$work/seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
	n=$((n + 1))
done
echo "config fuzzer: $n seed configs"
ASAN_OPTIONS=detect_leaks=0 "$fuzzer" -max_total_time="$secs" \
	-print_final_stats=1 -rss_limit_mb=2048 -max_len=16384 \
	-artifact_prefix="$work/crashes/" "$work/corpus" "$work/seeds" 2>&1 |
	grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY|crash-' || true
ls "$work/crashes" | grep -q . && { echo "config fuzzer: crashes in $work/crashes"; exit 1; }
exit 0
