#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# EAM prefix maps (RFC 7757): an IPv4 /28 mapped to an IPv6 /124, suffix
# bits carried over.
#
#   map 192.0.2.16/28 2001:db8:1::10/124
#
#   c 2001:db8:1::13 = 192.0.2.19 ──► r: translator ──► s 198.51.100.2
#   c 2001:db8:1::1e = 192.0.2.30 ◄── s pings
#   s -> 192.0.2.40 (outside the /28): no reply
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
add_c_addr 2001:db8:1::13
add_c_addr 2001:db8:1::1e
start_translator "map 192.0.2.16/28 2001:db8:1::10/124"

capture "$S" vs "$WORK/s.txt" icmp
check "s pings 192.0.2.19, answered by c's 2001:db8:1::13" ping_ok "$S" 192.0.2.19
check "s pings 192.0.2.30, answered by c's 2001:db8:1::1e" ping_ok "$S" 192.0.2.30
check "c pings s from 2001:db8:1::13" ping_ok "$C" -I 2001:db8:1::13 "$S6"
check "c pings s from 2001:db8:1::1e" ping_ok "$C" -I 2001:db8:1::1e "$S6"
check "s gets no reply from 192.0.2.40, outside the /28" ping_none "$S" 192.0.2.40
sleep 0.3
check_grep "s saw 2001:db8:1::13 as 192.0.2.19" "IP 192\.0\.2\.19 > $S4: ICMP echo request" "$WORK/s.txt"
check_grep "s saw 2001:db8:1::1e as 192.0.2.30" "IP 192\.0\.2\.30 > $S4: ICMP echo request" "$WORK/s.txt"
check_grep "c's replies to s came from 192.0.2.19" "IP 192\.0\.2\.19 > $S4: ICMP echo reply" "$WORK/s.txt"

check_daemon_exit
finish
