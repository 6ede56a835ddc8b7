#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Ping both ways through static maps, and out through the dynamic pool.
#
#   c (2001:db8:1::5 = map 192.0.2.5) ──► r: translator ──► s 198.51.100.2
#   c ◄── 192.0.2.5 ◄── s                 (topology: lib.sh header)
#
#   c -> 2001:db8:64::c633:6402 from ::5  s sees source 192.0.2.5
#   s -> 192.0.2.5                        c (2001:db8:1::5) answers
#   c -> 2001:db8:64::c633:6402 from ::2  pool lease, s sees 198.51.100.1 (masquerade)
#   c -> prefix + ipv4-addr               the translator itself answers
. "$(dirname "$0")/lib.sh"

setup_net
start_translator
ok "translator started and TUN configured"

capture "$S" vs "$WORK/s.pcap.txt" icmp
check "c pings s by prefix+IPv4 from its mapped address $C6S" \
	ping_ok "$C" -I "$C6S" "$S6"
check "s pings c's mapped IPv4 $C4S" ping_ok "$S" "$C4S"
check "c pings s from $C6 through the dynamic pool" ping_ok "$C" -I "$C6" "$S6"
check "c pings the translator's own IPv4 (prefix+$XL4)" \
	ping_ok "$C" -I "$C6S" "${PREFIX}a40:ff01"
sleep 0.5
check_grep "s saw echo requests from the static map $C4S" \
	"IP $C4S > $S4: ICMP echo request" "$WORK/s.pcap.txt"
check_grep "s saw c's replies coming from $C4S" \
	"IP $C4S > $S4: ICMP echo reply" "$WORK/s.pcap.txt"
check_grep "s saw pool traffic masqueraded to $R4" \
	"IP $R4 > $S4: ICMP echo request" "$WORK/s.pcap.txt"
check_no_grep "s never saw an unmasqueraded pool source" \
	'IP 10\.64\.0\.[0-9]+ >' "$WORK/s.pcap.txt"
check_fails "an unmapped IPv4 destination (192.0.2.77) gets no echo reply" \
	ping_ok "$S" 192.0.2.77

check_daemon_exit
finish
