#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make bench-profile: where a translator's CPU goes per UDP datagram.
# The topology of make bench (bench/lib.sh); for each datagram size,
# nat64d and TAYGA in turn each take an iperf3 UDP flood (-b 0) while
# `perf record -a -g` samples the machine (per-CPU, so that it does not
# tax each context switch of the translator); bench/profile.py
# splits its CPU time into what the translator's own code costs and what
# the kernel runs in its context (the TUN read, the forwarding and the
# receiving server's socket, which a veth runs on the writer's CPU).
#
# Usage: bench/profile.sh NAT64D [TAYGA]   env: SECS=8 LENS="64 1400"
set -euo pipefail

NAT64D=$(readlink -f "${1:?usage: bench/profile.sh NAT64D [TAYGA]}")
TAYGA=${2:-$(command -v tayga || true)}
SECS=${SECS:-8}
LENS=${LENS:-64 1400}
here=$(cd "$(dirname "$0")" && pwd)

. "$here/lib.sh"
bench_prereqs profile iperf3 nft python3 ping
if ! command -v perf >/dev/null; then
	echo "profile: installing Debian's linux-perf"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
fi

topology
hz=$(getconf CLK_TCK)
for len in $LENS; do
	for who in nat64d tayga; do
		bin=$NAT64D; [ $who = tayga ] && bin=$TAYGA
		start_translator $who "$bin"
		c0=$(cpu_ticks "$xpid")
		# Sample the middle of the run, not iperf3's start and end.
		( sleep 1; perf record -q -a -g -F 999 -o "$work/$who-$len.data" \
		    -- sleep $((SECS - 2)) >/dev/null 2>&1 ) &
		perfpid=$!
		iperf 2001:db8:64::198.51.100.2 -u -l "$len" -b 0 >"$work/$who-$len.json"
		c1=$(cpu_ticks "$xpid")
		wait $perfpid || true
		stop_translator "$bin"
		python3 "$here/profile.py" "$who" "$len" $((c1 - c0)) "$hz" \
		    "$work/$who-$len.json" "$work/$who-$len.data" "$(basename "$bin")" \
		    >>"$work/prof"
	done
done
python3 "$here/profile.py" --report "$work/prof"
