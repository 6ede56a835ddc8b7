#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Offloads (IFF_VNET_HDR, TSO/USO, checksum offload): large TCP transfers
# and UDP GSO bursts in both directions arrive intact (sha256), and the
# daemon's exit statistics show that super-packets were translated whole.
# With a TUN MTU below the segments' size, the super-packets are cut in
# software (each segment gets its own Packet Too Big) and TCP still
# delivers.  Then the same transfers with `offload no`.
#
#   c 2001:db8:1::2 ──TCP 6→4──► r: nat64d ──masq──► s 198.51.100.2:5001
#   c ◄──TCP 4→6── (curl download from s's http.server :8080)
#   c 2001:db8:1::2 ──UDP GSO──► s :9001;  s ──UDP GSO──► 192.0.2.5 = c's 2001:db8:1::5
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"
nat64d_only "offload metadata"

GSO="$PY $TESTDIR/../tools/udp-gso.py"
SEG=1200
NSEG=2048				# UDP datagrams per direction
MB=24

setup_net
mkdir -p "$WORK/www"
gen_file "$WORK/www/down.bin" $((MB << 20))
gen_file "$WORK/up.bin" $((MB << 20))
gen_file "$WORK/udp.bin" $((SEG * NSEG))
bg_in "$S" "$PY" -m http.server --bind "$S4" --directory "$WORK/www" 8080 \
	>"$WORK/http.log" 2>&1
wait_for 5 n_s "$PY" -c "import socket; socket.create_connection(('$S4', 8080), 1)"

# last_offload_line: the statistics line of the daemon's last exit.
last_offload_line() {
	grep 'offload: ' "$DLOG" | tail -n 1
}

# gso_count WHAT: a number from that line ("translated whole", ...).
gso_count() {
	last_offload_line | sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p"
}

tcp_round() {	# label
	local l=$1
	rm -f "$WORK/up.got" "$WORK/down.got"
	bg_in "$S" socat -u TCP4-LISTEN:5001,reuseaddr OPEN:"$WORK/up.got",creat,trunc
	wait_listen "$S" 5001 2>/dev/null || sleep 0.5
	TMO=60 n_c socat -u FILE:"$WORK/up.bin" "TCP6:[$S6]:5001" || true
	wait_for 10 size_is "$WORK/up.got" $((MB << 20)) || true
	check_eq "$l: $MB MiB TCP upload IPv6 -> IPv4 intact (sha256)" \
		"$(sha "$WORK/up.bin")" "$(sha "$WORK/up.got" 2>/dev/null || echo missing)"
	TMO=60 n_c curl -sS -g --max-time 50 --interface "$C6" -o "$WORK/down.got" \
		"http://[$S6]:8080/down.bin" || true
	check_eq "$l: $MB MiB TCP download IPv4 -> IPv6 intact (sha256)" \
		"$(sha "$WORK/www/down.bin")" "$(sha "$WORK/down.got" 2>/dev/null || echo missing)"
}

udp_round() {	# label
	local l=$1
	rm -f "$WORK/udp6.got" "$WORK/udp4.got"
	bg_in "$S" $GSO recv 4 "$S4" 9001 "$WORK/udp6.got" "$NSEG"
	sleep 0.5
	n_c $GSO send 6 "$C6" "$S6" 9001 "$WORK/udp.bin" "$SEG" || true
	wait_for 15 size_is "$WORK/udp6.got" $((SEG * NSEG)) || true
	check_eq "$l: $NSEG UDP datagrams sent with UDP_SEGMENT IPv6 -> IPv4 intact" \
		"$(sha "$WORK/udp.bin")" "$(sha "$WORK/udp6.got" 2>/dev/null || echo missing)"
	bg_in "$C" $GSO recv 6 "$C6S" 9002 "$WORK/udp4.got" "$NSEG"
	sleep 0.5
	n_s $GSO send 4 "$S4" "$C4S" 9002 "$WORK/udp.bin" "$SEG" || true
	wait_for 15 size_is "$WORK/udp4.got" $((SEG * NSEG)) || true
	check_eq "$l: $NSEG UDP datagrams sent with UDP_SEGMENT IPv4 -> IPv6 intact" \
		"$(sha "$WORK/udp.bin")" "$(sha "$WORK/udp4.got" 2>/dev/null || echo missing)"
}

# 1. Offloads on (the default): TCP, then UDP, one daemon run each.
start_translator
tcp_round "offload"
check_daemon_exit
n=$(gso_count "gso super-packets translated whole")
check "TCP: the daemon translated super-packets whole (${n:-none})" \
	test "${n:-0}" -gt 0
start_translator
udp_round "offload"
check_daemon_exit
n=$(gso_count "gso super-packets translated whole")
check "UDP: the daemon translated UDP GSO super-packets whole (${n:-none})" \
	test "${n:-0}" -gt 0

# 2. TUN MTU 1400 < the 1500-byte segments: every TCP super-packet from c
# is cut in software, each segment answered with Packet Too Big, TCP
# shrinks its segments and the transfer completes.
write_conf "$WORK/nat64.conf"
n_r "$NAT64D" -c "$WORK/nat64.conf" --mktun >/dev/null 2>&1
ip -n "$R" link set dev "$TUN" mtu 1400
start_daemon "$WORK/nat64.conf"
tun_config
tcp_round "MTU 1400"
check_daemon_exit
n=$(gso_count "segmented in software")
check "MTU 1400: super-packets were segmented in software (${n:-none})" \
	test "${n:-0}" -gt 0
n_r "$NAT64D" -c "$WORK/nat64.conf" --rmtun >/dev/null 2>&1 || true

# 3. offload no: the same transfers, no virtio-net header at all.
mark=$(wc -l <"$DLOG")
NAT64D_OFFLOAD=no start_translator
tcp_round "offload no"
udp_round "offload no"
check_daemon_exit
check_eq "offload no: no offload statistics line" "" \
	"$(tail -n +$((mark + 1)) "$DLOG" | grep 'offload: ' || true)"

finish
