#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tun-up / tun-ip / tun-route bring the TUN up with its addresses and
# routes, in any order in the file (nat64d only: not in TAYGA 0.9.2).
# Unlike every other test, the script configures nothing on the TUN.
#
#   r: nat64 (TUN)  up, 10.64.255.254/32, 2001:db8:ffff::1/128 (tun-ip)
#                   routes 2001:db8:64::/96, 10.64.0.0/16, 192.0.2.0/24 (tun-route)
#   c <-> s traffic through it as in lib.sh's drawing
. "$(dirname "$0")/lib.sh"

nat64d_only "tun-up/tun-ip/tun-route directives"

setup_net
CONF=$WORK/nat64.conf
cat >"$CONF" <<EOF2
# tun-* directives first, scattered, and routes before the addresses and
# before tun-up (TAYGA's order of application is up, ips, routes).
tun-route 2001:db8:64::/96
tun-route 10.64.0.0/16
tun-ip 2001:db8:ffff::1/128
tun-device $TUN
ipv4-addr $XL4
tun-route 192.0.2.0/24
prefix $PREFIX/$PLEN
tun-ip 10.64.255.254
dynamic-pool $POOL
data-dir $WORK/data
map $C4S $C6S
tun-up yes
map $R6_4 $R6
EOF2
start_daemon "$CONF"
wait_for 3 grep -q 'UP' <(ip -n "$R" link show dev "$TUN") || true

link=$(ip -n "$R" link show dev "$TUN" 2>&1 || true)
check_grep "tun-up: the TUN is up" '<[^>]*\bUP\b' <(echo "$link")
addrs=$(ip -n "$R" addr show dev "$TUN" 2>&1 || true)
check_grep "tun-ip: 10.64.255.254/32 (IPv4 default length /32)" 'inet 10\.64\.255\.254/32 ' <(echo "$addrs")
check_grep "tun-ip: 2001:db8:ffff::1/128" 'inet6 2001:db8:ffff::1/128 ' <(echo "$addrs")
r4=$(ip -n "$R" -4 route show dev "$TUN" 2>&1 || true)
r6=$(ip -n "$R" -6 route show dev "$TUN" 2>&1 || true)
check_grep "tun-route: 10.64.0.0/16 via the TUN" '^10\.64\.0\.0/16 ' <(echo "$r4")
check_grep "tun-route: 192.0.2.0/24 via the TUN" '^192\.0\.2\.0/24 ' <(echo "$r4")
check_grep "tun-route: 2001:db8:64::/96 via the TUN" '^2001:db8:64::/96 ' <(echo "$r6")

check "c pings s through the self-configured TUN" ping_ok "$C" -I "$C6S" "$S6"
check "s pings c through the self-configured TUN" ping_ok "$S" "$C4S"
check "c reaches s through the pool" ping_ok "$C" -I "$C6" "$S6"
check_daemon_exit
finish
