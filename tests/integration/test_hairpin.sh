#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# RFC 7757 section 4 hairpinning (nat64d only: TAYGA drops these, #9).
#
#   c: A 2001:db8:1::2 (dynamic pool)          B 2001:db8:1::5 (map 192.0.2.5)
#      A ──► 2001:db8:64::c000:205 (prefix + B's IPv4) ──► r: translator
#      translator: source A -> pool 10.64.0.x, destination 192.0.2.5 is B's
#      EAM -> back to IPv6: prefix+10.64.0.x -> 2001:db8:1::5
#      B answers prefix+10.64.0.x; the translator turns that back the same way.
#   Also B -> prefix + A's lease (static source -> dynamic destination).
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

nat64d_only "RFC 7757 hairpinning"

setup_net
start_translator
B_SYNTH=${PREFIX}c000:205	# prefix + 192.0.2.5

capture "$R" nat64 "$WORK/tun.txt" icmp6
check "A pings B by prefix + B's IPv4 (hairpin) and gets replies" \
	ping_ok "$C" -I "$C6" "$B_SYNTH"
sleep 0.3
check_grep "the translator hairpinned A's request to B's IPv6 address" \
	"IP6 ${PREFIX}a40:[0-9a-f]+ > $C6S: ICMP6, echo request" "$WORK/tun.txt"
lease=$(sed -n "s/.*IP6 \(${PREFIX}a40:[0-9a-f]*\) > $C6S: ICMP6, echo request.*/\1/p" \
	"$WORK/tun.txt" | head -n1)
if [ -n "$lease" ]; then
	check "B pings A by A's synthesized pool address $lease" \
		ping_ok "$C" -I "$C6S" "$lease"
else
	not_ok "B pings A by A's synthesized pool address" "no hairpinned packet seen"
fi
check_grep "the hairpinned replies reached A from prefix + B's IPv4" \
	"IP6 $B_SYNTH > $C6: ICMP6, echo reply" "$WORK/tun.txt"

check_daemon_exit
finish
