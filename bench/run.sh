#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make bench: nat64d and TAYGA side by side, interleaved, in one run.
#
#   ns c (IPv6-only client)      ns r (translator)                      ns s (IPv4 server)
#   c0 2001:db8:1::2/64 ---- r0 2001:db8:1::1/64                        s0 198.51.100.2/24
#                                 TUN nat64: 2001:db8:64::/96 <-> pool   2001:db8:2::2/64 (ceiling only)
#                                 r1 198.51.100.1/24 ----------------------
#                                    2001:db8:2::1/64
#                                 nft masquerade 192.168.255.0/24 out r1
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

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)" >&2; exit 1; }
if [ -z "$TAYGA" ]; then
	echo "bench: installing Debian's tayga for the comparison"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tayga >/dev/null
	TAYGA=$(command -v tayga)
fi
for t in iperf3 nft python3 ping; do
	command -v $t >/dev/null || { echo "bench: $t missing (bash tests/deps.sh)" >&2; exit 1; }
done

id=$$
C=bc$id R=br$id S=bs$id
work=$(mktemp -d /tmp/nat64d-bench.XXXXXX)
xpid=

cleanup() {
	set +e
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null
	for n in $C $R $S; do
		ip netns pids $n 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del $n 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

nc_() { ip netns exec $C "$@"; }
nr() { ip netns exec $R "$@"; }
ns() { ip netns exec $S "$@"; }

topology() {
	for n in $C $R $S; do ip netns add $n; ip -n $n link set lo up; done
	ip link add c0 netns $C type veth peer name r0 netns $R
	ip link add r1 netns $R type veth peer name s0 netns $S
	ip -n $C addr add 2001:db8:1::2/64 dev c0 nodad
	ip -n $R addr add 2001:db8:1::1/64 dev r0 nodad
	ip -n $R addr add 198.51.100.1/24 dev r1
	ip -n $R addr add 2001:db8:2::1/64 dev r1 nodad
	ip -n $S addr add 198.51.100.2/24 dev s0
	ip -n $S addr add 2001:db8:2::2/64 dev s0 nodad
	for l in "$C c0" "$R r0" "$R r1" "$S s0"; do
		set -- $l; ip -n $1 link set $2 up
	done
	ip -n $C route add default via 2001:db8:1::1
	ip -n $S route add 192.168.255.0/24 via 198.51.100.1
	ip -n $S route add default via 2001:db8:2::1
	nr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	nr nft -f - <<-EOF
	table ip nat64bench {
		chain post { type nat hook postrouting priority 100; ip saddr 192.168.255.0/24 oif r1 masquerade; }
	}
	EOF
	cat >"$work/tx.conf" <<-EOF
	tun-device nat64
	ipv4-addr 192.168.255.1
	prefix 2001:db8:64::/96
	dynamic-pool 192.168.255.0/24
	data-dir $work
	EOF
	ns iperf3 -s -D -1 >/dev/null 2>&1 || true
}

start_translator() {	# name binary
	rm -f "$work/dynamic.map"
	# TAYGA 0.9.2 may exit non-zero after creating the device: check it.
	nr "$2" -c "$work/tx.conf" --mktun >/dev/null 2>&1 || true
	nr ip link show nat64 >/dev/null
	nr ip link set nat64 up
	nr ip route add 192.168.255.0/24 dev nat64
	nr ip route add 2001:db8:64::/96 dev nat64
	# ip netns exec execs the translator in place: $! is its pid (a
	# shell function here would make $! a subshell's).
	ip netns exec $R "$2" -c "$work/tx.conf" -n >/dev/null 2>&1 &
	xpid=$!
	for _ in $(seq 50); do
		nc_ ping -c1 -W1 2001:db8:64::198.51.100.2 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "bench: $1 does not forward" >&2
	return 1
}

stop_translator() {	# binary
	kill "$xpid"; wait "$xpid" 2>/dev/null || true
	xpid=
	nr "$1" -c "$work/tx.conf" --rmtun >/dev/null 2>&1 || true
	for _ in $(seq 50); do
		nr ip link show nat64 >/dev/null 2>&1 || return 0
		nr ip link del nat64 2>/dev/null || true
		sleep 0.1
	done
	echo "bench: nat64 device does not go away" >&2
	return 1
}

cpu_ticks() {	# pid -> utime+stime in clock ticks
	awk '{print $14 + $15}' /proc/$1/stat
}

# iperf3 in s, restarted per run (-1: one client).
iperf() {	# target args... -> JSON on stdout
	local t=$1; shift
	ns pkill -x iperf3 2>/dev/null || true
	ns iperf3 -s -D -1 >/dev/null 2>&1
	sleep 0.2
	nc_ timeout $((SECS + 20)) iperf3 -c "$t" -t "$SECS" -J "$@" 2>/dev/null || echo '{}'
}

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
	nc_ ping -q -c 200 -i 0.005 "$t" 2>/dev/null |
	    awk -F/ -v w="$who" '/^rtt/ {print w, "ping_rtt_ms", $5}' >>"$work/raw"
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
