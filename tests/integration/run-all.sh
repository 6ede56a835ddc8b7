#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run every tests/integration/test_*.sh against each binary given, e.g.
#   tests/integration/run-all.sh build/nat64d build/asan/nat64d
#   tests/integration/run-all.sh /usr/sbin/tayga      (reference run)
# Prints each script's output, then a total "N passed, N failed".
# Needs root (network namespaces, TUN); without it, says so and exits 0.
# ONLY=pattern restricts the scripts (e.g. ONLY=pmtu).
set -u

here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- build/nat64d

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the integration tests need root (network namespaces, TUN devices);"
	echo "      run: sudo $0 $*"
	echo "0 passed, 0 failed"
	exit 0
fi

pass=0
fail=0
skipped=0
failed_list=()
start=$SECONDS
for bin in "$@"; do
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
	if [ ! -x "$bin" ]; then
		echo "not ok - $bin: no such executable (build it first)"
		fail=$((fail + 1))
		failed_list+=("$bin")
		continue
	fi
	for t in "$here"/test_*.sh; do
		name=$(basename "$t" .sh)
		case $name in *${ONLY:-}*) ;; *) continue ;; esac
		echo "=== $name ($bin)"
		t0=$SECONDS
		out=$(timeout 240 bash "$t" "$bin" 2>&1)
		rc=$?
		printf '%s\n' "$out"
		summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)
		if [ -z "$summary" ]; then
			echo "not ok - $name: no summary line (exit status $rc)"
			p=0
			f=1
		else
			p=${summary%% passed*}
			f=${summary#*, }
			f=${f%% failed*}
			if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
				echo "not ok - $name: exit status $rc despite 0 failures"
				f=1
			fi
		fi
		s=$(printf '%s\n' "$out" | grep -c '^# SKIP ' || true)
		pass=$((pass + p))
		fail=$((fail + f))
		skipped=$((skipped + s))
		[ "$f" -eq 0 ] || failed_list+=("$name ($(basename "$bin"))")
		echo "--- $name: $p passed, $f failed, $((SECONDS - t0)) s"
	done
done

echo
echo "=== integration summary ($((SECONDS - start)) s)"
[ "$skipped" -eq 0 ] || echo "# $skipped skipped (nat64d-only features, or no root)"
for f in "${failed_list[@]}"; do
	echo "# FAILED: $f"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
