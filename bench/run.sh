#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make bench: nat64d and TAYGA side by side, interleaved, in one run.
#
# Three namespaces c -> r -> s joined by veths (drawn in bench/lib.sh).
#
# Each translator runs the same TAYGA-format config (dynamic pool +
# masquerade: the usual stateful NAT64).  The ceiling is plain kernel IPv6
# forwarding c -> r -> s over the same veths.  Figures: TCP one stream each
# way, TCP 4 streams, UDP 64 and 1400 bytes delivered pkt/s and loss, ping
# RTT, translator CPU seconds per GB, RSS.  Medians of REPEATS runs.
# Then bench/offline.py: instructions per packet (callgrind), 10k EAM /
# 60k leases vs two entries, RSS with a /16 pool fully leased.
#
# Usage: bench/run.sh NAT64D [TAYGA]   env: REPEATS=3 SECS=10
set -euo pipefail

NAT64D=$(readlink -f "${1:?usage: bench/run.sh NAT64D [TAYGA]}")
TAYGA=${2:-$(command -v tayga || true)}
REPEATS=${REPEATS:-3}
SECS=${SECS:-10}
here=$(cd "$(dirname "$0")" && pwd)

. "$here/lib.sh"
bench_prereqs bench iperf3 nft python3 ping

# One figure: name kind target args; prints "name value" lines.
measure() {	# who target
	local who=$1 t=$2 hz c0 c1 j
	hz=$(getconf CLK_TCK)
	run_one() {	# figure-name iperf-args
		local fig=$1; shift
		c0=0; [ -n "$xpid" ] && c0=$(cpu_ticks "$xpid")
		j=$(iperf "$t" "$@")
		c1=0; [ -n "$xpid" ] && c1=$(cpu_ticks "$xpid")
		python3 "$here/iperf-figures.py" "$who" "$fig" "$(( c1 - c0 ))" "$hz" <<<"$j" >>"$work/raw"
	}
	run_one tcp_up
	run_one tcp_down -R
	run_one tcp_4 -P 4
	run_one udp64 -u -l 64 -b 0
	run_one udp1400 -u -l 1400 -b 0
	udp_gso "$who" 64 "$t" >>"$work/raw"
	udp_gso "$who" 1400 "$t" >>"$work/raw"
	# The median ping, not ping's mean: one scheduling hiccup moves a mean.
	nc_ ping -c 1000 -i 0.005 "$t" 2>/dev/null | sed -n 's/.* time=\([0-9.]*\) ms$/\1/p' |
	    sort -n | awk -v w="$who" '{ v[NR] = $1 }
		END { if (NR) print w, "ping_rtt_ms", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' \
	    >>"$work/raw"
	if [ -n "$xpid" ]; then
		awk -v w="$who" '/^VmRSS/ {print w, "rss_kb", $2}' /proc/$xpid/status >>"$work/raw"
	fi
}

topology
: >"$work/raw"
for rep in $(seq "$REPEATS"); do
	echo "bench: round $rep/$REPEATS"
	for who in nat64d tayga; do
		bin=$NAT64D; [ $who = tayga ] && bin=$TAYGA
		start_translator $who "$bin"
		measure $who 2001:db8:64::198.51.100.2
		stop_translator "$bin"
	done
	measure kernel 2001:db8:2::2
done
echo "bench: offline figures (callgrind, --translate-pcap)"
python3 "$here/offline.py" "$NAT64D" "$work" >>"$work/raw"
python3 "$here/report.py" "$work/raw"
