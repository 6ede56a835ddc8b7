#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# SIGHUP adds and removes maps while traffic flows (nat64d only: TAYGA
# 0.9.2 exits on SIGHUP, and TAYGA never re-reads tayga.conf).
#
#   s ──ping──► 192.0.2.5 (conf map, untouched)      ──► c 2001:db8:1::5
#   s ──ping──► 192.0.2.6 (map-file map, untouched)  ──► c 2001:db8:1::6
#   step 1, map-file edited:  - 192.0.2.7 <-> ::7    + 192.0.2.9  <-> ::9
#   step 2, config edited:    - 192.0.2.8 <-> ::8    + 192.0.2.10 <-> ::a
#   the two pings run throughout both reloads and must not lose packets;
#   c's pool lease must survive and dynamic.map be flushed on SIGHUP.
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

nat64d_only "SIGHUP reload"

setup_net
for a in 6 7 8 9 a; do add_c_addr "2001:db8:1::$a"; done
MAPS=$WORK/data/maps.txt
cat >"$MAPS" <<-EOF2
	# map-file, TAYGA format
	map 192.0.2.6 2001:db8:1::6
	map 192.0.2.7 2001:db8:1::7
EOF2
CONF=$WORK/nat64.conf
write_conf "$CONF" "map 192.0.2.8 2001:db8:1::8" "map-file $MAPS"
start_daemon "$CONF"
tun_config

check "before: 192.0.2.5 (conf) answers" ping_ok "$S" 192.0.2.5
check "before: 192.0.2.6 (map-file) answers" ping_ok "$S" 192.0.2.6
check "before: 192.0.2.7 (map-file) answers" ping_ok "$S" 192.0.2.7
check "before: 192.0.2.8 (conf) answers" ping_ok "$S" 192.0.2.8
check "before: 192.0.2.9 is not mapped yet" ping_none "$S" 192.0.2.9
check "before: c reaches s through the pool" ping_ok "$C" -I "$C6" "$S6"

bg_in "$S" ping -n -i 0.05 -W 1 -w 8 192.0.2.5 >"$WORK/ping5.txt" 2>&1
bg_in "$S" ping -n -i 0.05 -W 1 -w 8 192.0.2.6 >"$WORK/ping6.txt" 2>&1
sleep 1

cat >"$MAPS" <<-EOF2
	# map-file, TAYGA format, edited
	map 192.0.2.6 2001:db8:1::6
	map 192.0.2.9 2001:db8:1::9
EOF2
kill -HUP "$DAEMON_PID"
check "step 1: the new map-file map 192.0.2.9 starts working" \
	wait_for 5 timeout 2 ip netns exec "$S" ping -n -c1 -W1 192.0.2.9
check "step 1: the removed map-file map 192.0.2.7 stops" ping_none "$S" 192.0.2.7
check "step 1: daemon still running" daemon_alive

write_conf "$CONF" "map 192.0.2.10 2001:db8:1::a" "map-file $MAPS"
kill -HUP "$DAEMON_PID"
check "step 2: the new config map 192.0.2.10 starts working" \
	wait_for 5 timeout 2 ip netns exec "$S" ping -n -c1 -W1 192.0.2.10
check "step 2: the removed config map 192.0.2.8 stops" ping_none "$S" 192.0.2.8
check "step 2: map-file map 192.0.2.9 still works" ping_ok "$S" 192.0.2.9
check "step 2: c still reaches s through the pool" ping_ok "$C" -I "$C6" "$S6"

# loss PINGFILE: "transmitted received" once ping has finished.
loss_ok() {
	local tx rx
	read -r tx rx < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$1")
	[ -n "$tx" ] && [ "$tx" -ge 50 ] && [ $((tx - rx)) -le $((tx / 50)) ] ||
		{ grep 'transmitted' "$1"; return 1; }
}
wait_for 12 grep -q 'packets transmitted' "$WORK/ping5.txt" || true
wait_for 3 grep -q 'packets transmitted' "$WORK/ping6.txt" || true
check "192.0.2.5 (untouched conf map) lost at most 2% through both reloads" \
	loss_ok "$WORK/ping5.txt"
check "192.0.2.6 (untouched map-file map) lost at most 2% through both reloads" \
	loss_ok "$WORK/ping6.txt"
check_grep "dynamic.map was flushed on SIGHUP with c's lease" \
	"^10\.64\.0\.[0-9]+[[:space:]]+$C6[[:space:]]+[0-9]+$" "$WORK/data/dynamic.map"

check_daemon_exit
finish
