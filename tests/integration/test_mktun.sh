#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# --mktun / attach / --rmtun cycle.
#
#   r: $NAT64D --mktun   -> persistent TUN "nat64", no process left
#      $NAT64D -d        -> attaches to it; c <-> s traffic flows
#      SIGTERM           -> the device stays (persistent)
#      $NAT64D --rmtun   -> the device is gone
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
CONF=$WORK/nat64.conf
write_conf "$CONF"

check "--mktun exits 0" n_r "$NAT64D" -c "$CONF" --mktun
check "the TUN exists after --mktun" ip -n "$R" link show dev "$TUN"
check_grep "the TUN is persistent" 'persist on' <(ip -d -n "$R" link show dev "$TUN")
check_eq "no daemon process was left behind by --mktun" "" "$(ip netns pids "$R")"

start_daemon "$CONF"
tun_config
check "the daemon attached to the persistent TUN: c pings s" ping_ok "$C" -I "$C6S" "$S6"
check "s pings c through the attached TUN" ping_ok "$S" "$C4S"
check_daemon_exit
check "the persistent TUN outlives the daemon" ip -n "$R" link show dev "$TUN"

start_daemon "$CONF"
ip -n "$R" link set dev "$TUN" up
check "a second daemon attaches to it again: c pings s" ping_ok "$C" -I "$C6S" "$S6"
check_daemon_exit

check "--rmtun exits 0" n_r "$NAT64D" -c "$CONF" --rmtun
check_fails "the TUN is gone after --rmtun" ip -n "$R" link show dev "$TUN"
finish
