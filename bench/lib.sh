# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by bench/run.sh and bench/profile.sh: the namespaces, the
# translator's start and stop, iperf3.  The caller sets -euo pipefail,
# TAYGA, SECS and here, sources this, then calls bench_prereqs.
#
#   ns c (IPv6-only client)      ns r (translator)                      ns s (IPv4 server)
#   c0 2001:db8:1::2/64 ---- r0 2001:db8:1::1/64                        s0 198.51.100.2/24
#                                 TUN nat64: 2001:db8:64::/96 <-> pool   2001:db8:2::2/64 (ceiling only)
#                                 r1 198.51.100.1/24 ----------------------
#                                    2001:db8:2::1/64
#                                 nft masquerade 192.168.255.0/24 out r1

# Root, TAYGA (installed from Debian when missing), and the tools named.
bench_prereqs() {	# who-for tool...
	local me=$1 t; shift
	[ "$(id -u)" = 0 ] || { echo "$me: needs root (network namespaces)" >&2; exit 1; }
	if [ -z "$TAYGA" ]; then
		echo "$me: installing Debian's tayga for the comparison"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tayga >/dev/null
		TAYGA=$(command -v tayga)
	fi
	for t in "$@"; do
		command -v "$t" >/dev/null ||
		    { echo "$me: $t missing (bash tests/deps.sh)" >&2; exit 1; }
	done
}

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


# UDP sent and received the way QUIC stacks do (UDP_SEGMENT on the
# sender, UDP_GRO on the receiver): does the translator keep the batches?
udp_gso() {	# who len target -> "who udpgso<len>_kpps|_cpu_s_per_gb value"
	local c0=0 c1=0 rpid dst=198.51.100.2 n bytes
	[ "$1" = kernel ] && dst=2001:db8:2::2
	ns timeout $((SECS + 15)) python3 "$here/udp-flood.py" recv "$dst" 5301 \
	    "$SECS" >"$work/gso" &
	rpid=$!
	sleep 0.3
	[ -n "$xpid" ] && c0=$(cpu_ticks "$xpid")
	nc_ timeout $((SECS + 5)) python3 "$here/udp-flood.py" send 2001:db8:1::2 \
	    "$3" 5301 "$SECS" "$2" || true
	wait $rpid || true
	[ -n "$xpid" ] && c1=$(cpu_ticks "$xpid")
	read -r n bytes <"$work/gso" || { n=0; bytes=0; }
	awk -v w="$1" -v f="udpgso$2" -v n="$n" -v b="$bytes" -v t=$((c1 - c0)) \
	    -v hz="$(getconf CLK_TCK)" -v s="$SECS" '
	    BEGIN { printf "%s %s_kpps %.1f\n", w, f, n / s / 1e3
		    if (b > 0 && t > 0)
			printf "%s %s_cpu_s_per_gb %.2f\n", w, f, t / hz / (b / 1e9) }'
}
