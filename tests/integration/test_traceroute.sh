#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tracepath through the translator: Time Exceeded translated both ways.
#
#   c ──hop 1: r kernel (IPv6)──► hop 2: translator ──► hop 3: r kernel (IPv4) ──► s
#
#   from c (IPv6): 1 2001:db8:1::1  2 prefix+10.64.255.1  3 prefix+198.51.100.1  4 s
#                  (hop 3 is an ICMPv4 Time Exceeded translated to ICMPv6)
#   from s (IPv4): 1 198.51.100.1   2 10.64.255.1         3 192.0.2.1 (map of
#                  2001:db8:1::1: an ICMPv6 Time Exceeded translated to ICMPv4)  4 c
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

XL6=${PREFIX}a40:ff01	# translator's IPv6 address: prefix + ipv4-addr

setup_net
start_translator

# hop_from NS DEST HOPLIMIT: source of the Time Exceeded for that hop limit.
hop_from() {
	timeout 5 ip netns exec "$1" ping -n -c 1 -W 2 -t "$3" "$2" 2>&1 |
		sed -n 's/^From \([0-9a-f.:]*\) icmp_seq=1 \(Time exceeded\|Time to live exceeded\).*/\1/p'
}

check_eq "c, hop limit 1: Time Exceeded from r's IPv6 side" "$R6" "$(hop_from "$C" "$S6" 1)"
check_eq "c, hop limit 2: Time Exceeded from the translator ($XL6)" "$XL6" "$(hop_from "$C" "$S6" 2)"
check_eq "c, hop limit 3: ICMPv4 Time Exceeded of 198.51.100.1 translated to ICMPv6" \
	"$R4_6" "$(hop_from "$C" "$S6" 3)"
check "c, hop limit 4: s answers" timeout 5 ip netns exec "$C" ping -n -c1 -W2 -t 4 "$S6"

check_eq "s, TTL 1: Time Exceeded from r's IPv4 side" "$R4" "$(hop_from "$S" "$C4S" 1)"
check_eq "s, TTL 2: Time Exceeded from the translator ($XL4)" "$XL4" "$(hop_from "$S" "$C4S" 2)"
check_eq "s, TTL 3: ICMPv6 Time Exceeded of $R6 translated to ICMPv4 from its map $R6_4" \
	"$R6_4" "$(hop_from "$S" "$C4S" 3)"
check "s, TTL 4: c answers" timeout 5 ip netns exec "$S" ping -n -c1 -W2 -t 4 "$C4S"

n_c tracepath -n -m 8 "$S6" >"$WORK/tp6.txt" 2>&1 || true
check_grep "tracepath from c lists hop 3 as $R4_6" "^ *3: +$R4_6 " "$WORK/tp6.txt"
check_grep "tracepath from c reaches s at hop 4" "^ *4: +$S6 .*reached" "$WORK/tp6.txt"
n_s tracepath -n -m 8 "$C4S" >"$WORK/tp4.txt" 2>&1 || true
check_grep "tracepath from s lists hop 3 as $R6_4" "^ *3: +$R6_4 " "$WORK/tp4.txt"
check_grep "tracepath from s reaches c at hop 4" "^ *4: +$C4S .*reached" "$WORK/tp4.txt"
sed 's/^/#   /' "$WORK/tp6.txt" "$WORK/tp4.txt"

check_daemon_exit
finish
