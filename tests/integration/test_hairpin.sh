#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# RFC 7757 section 4 hairpinning (nat64d only: TAYGA drops these, #9).
#
#   c: A 2001:db8:1::2 (dynamic pool)          B 2001:db8:1::5 (map 192.0.2.5)
#      A ──► 2001:db8:64::c000:205 (prefix + B's IPv4) ──► r: translator
#      translator: source A -> pool 10.64.0.x, destination 192.0.2.5 is B's
#      EAM -> back to IPv6 as prefix+10.64.0.x -> 2001:db8:1::5.  The
#      source must come back as prefix + A's IPv4, not as A's own address:
#      B's answer must return through the translator, so that A sees it
#      come from the address it talked to (a connected socket accepts
#      nothing else).  Checked with ping, and with connected UDP and TCP.
#   Also B -> prefix + A's lease (static source -> dynamic destination).
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

nat64d_only "RFC 7757 hairpinning"

setup_net
start_translator
B_SYNTH=${PREFIX}c000:205	# prefix + 192.0.2.5

capture "$R" nat64 "$WORK/tun.txt" icmp6 or udp or tcp
out=$(ping_ok "$C" -I "$C6" "$B_SYNTH" 2>&1 || true)
check_eq "A pings B by prefix + B's IPv4 and the replies come from that address" \
	3 "$(grep -c "bytes from $B_SYNTH: icmp_seq" <<<"$out")"
sleep 0.3
check_grep "the hairpinned request reached B from prefix + A's pool address" \
	"IP6 ${PREFIX}a40:[0-9a-f]+ > $C6S: ICMP6, echo request" "$WORK/tun.txt"
check_grep "B's reply went back through the translator to A from prefix + B's IPv4" \
	"IP6 $B_SYNTH > $C6: ICMP6, echo reply" "$WORK/tun.txt"

bg_in "$C" socat -T 5 "UDP6-RECVFROM:9000,bind=[$C6S],reuseaddr,fork" PIPE
bg_in "$C" socat -T 5 "TCP6-LISTEN:9001,bind=[$C6S],reuseaddr,fork" PIPE
wait_listen "$C" 9000 -u
wait_listen "$C" 9001
gen_file "$WORK/u.bin" 1000
n_c socat -t 1 -T 1 - "UDP6:[$B_SYNTH]:9000,bind=[$C6]" <"$WORK/u.bin" >"$WORK/u.got" || true
check_eq "connected UDP A -> B through the hairpin echoes back intact" \
	"$(sha "$WORK/u.bin")" "$(sha "$WORK/u.got")"
gen_file "$WORK/t.bin" 200000
n_c socat -t 2 -T 3 - "TCP6:[$B_SYNTH]:9001,bind=[$C6],connect-timeout=3" \
	<"$WORK/t.bin" >"$WORK/t.got" 2>"$WORK/t.err" || true
check_eq "TCP A -> B through the hairpin echoes 200 kB back intact" \
	"$(sha "$WORK/t.bin")" "$(sha "$WORK/t.got")"

lease=$(sed -n "s/.*IP6 \(${PREFIX}a40:[0-9a-f]*\) > $C6S: ICMP6, echo request.*/\1/p" \
	"$WORK/tun.txt" | head -n1)
if [ -n "$lease" ]; then
	out=$(ping_ok "$C" -I "$C6S" "$lease" 2>&1 || true)
	check_eq "B pings A by A's synthesized pool address $lease, replies from it" \
		3 "$(grep -c "bytes from $lease: icmp_seq" <<<"$out")"
else
	not_ok "B pings A by A's synthesized pool address" "no hairpinned packet seen"
fi

check_daemon_exit
finish
