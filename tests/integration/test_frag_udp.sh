#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fragmented UDP: 4000-byte datagrams both ways (RFC 7915 4.1 and 5.1.1
# fragment handling, plus the translator's own fragmentation of DF=0 IPv4).
#
#   c 2001:db8:1::2 ──IPv6 frags──► translator ──IPv4 frags──► masq ──► s 198.51.100.2
#                   ◄──────────── UDP echo (socat PIPE) ◄────────────
#   s ──IPv4 frags──► 192.0.2.5 ──► translator ──IPv6 frags──► c 2001:db8:1::5
#                   ◄──────────── UDP echo (socat PIPE) ◄────────────
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
start_translator

bg_in "$S" socat -b 65536 -T 5 UDP4-RECVFROM:9000,reuseaddr,fork PIPE
bg_in "$C" socat -b 65536 -T 5 "UDP6-RECVFROM:9000,bind=[$C6S],reuseaddr,fork" PIPE
wait_listen "$S" 9000 -u
wait_listen "$C" 9000 -u
capture "$R" nat64 "$WORK/tun.txt" -v

# echo_check NS DESC ADDRESS-SPEC SIZE
echo_check() {
	local ns=$1 d=$2 spec=$3 size=$4 f=$WORK/dgram.$RANDOM
	gen_file "$f" "$size"
	timeout 10 ip netns exec "$ns" socat -b 65536 -t 1 -T 1 - "$spec" \
		<"$f" >"$f.got" 2>"$f.err" || true
	check_eq "$d" "$(sha "$f")" "$(sha "$f.got")"
}

echo_check "$C" "4000-byte UDP c -> s (pool, masquerade) and back, intact" \
	"UDP6:[$S6]:9000,bind=[$C6]" 4000
echo_check "$C" "4000-byte UDP c -> s from the static map and back, intact" \
	"UDP6:[$S6]:9000,bind=[$C6S]" 4000
echo_check "$S" "4000-byte UDP s -> c (static map $C4S) and back, intact" \
	"UDP4:$C4S:9000" 4000
echo_check "$C" "9000-byte UDP c -> s and back, intact" \
	"UDP6:[$S6]:9000,bind=[$C6]" 9000
sleep 0.3
check_grep "the translator read IPv6 fragments from c on its TUN" \
	"IP6 .* $C6 > $S6: frag \(0x[0-9a-f]+:0\|" "$WORK/tun.txt"
check_grep "the translator wrote IPv6 fragments towards c" \
	"IP6 .* $S6 > $C6: frag \(0x[0-9a-f]+:[1-9][0-9]*\|" "$WORK/tun.txt"
check_grep "IPv4 fragments crossed its TUN" 'offset [1-9][0-9]*, flags \[\+\]' \
	"$WORK/tun.txt"

check_daemon_exit
finish
