#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A broken config on SIGHUP leaves the running one in place (nat64d only).
#
#   c 2001:db8:1::5 (map 192.0.2.5) ◄──► translator ◄──► s
#   1. config gets a bad prefix line, SIGHUP: daemon alive, traffic flows,
#      error logged as FILE:LINE: directive 'prefix': ...
#   2. map-file gets a bad line, SIGHUP: same
#   2b. a valid switch to `prefix auto` is refused (needs a restart)
#   3. config fixed (and a new map added), SIGHUP: the new map works
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

nat64d_only "SIGHUP reload"

setup_net
add_c_addr 2001:db8:1::9
CONF=$WORK/nat64.conf
MAPS=$WORK/data/maps.txt
echo "map 192.0.2.6 2001:db8:1::6" >"$MAPS"
write_conf "$CONF" "map-file $MAPS"
start_daemon "$CONF"
tun_config
check "before: s reaches c through the static map" ping_ok "$S" "$C4S"

# Step 1: the prefix line (line 4 of write_conf's output) becomes invalid.
sed -i 's|^prefix .*|prefix 2001:db8::/33|' "$CONF"
line=$(grep -n '^prefix ' "$CONF" | cut -d: -f1)
kill -HUP "$DAEMON_PID"
sleep 1
check "step 1: daemon still running after SIGHUP with a broken config" daemon_alive
check "step 1: s still reaches c through the old config" ping_ok "$S" "$C4S"
check "step 1: c still reaches s through the pool" ping_ok "$C" -I "$C6" "$S6"
check_grep "step 1: the error is logged with file:line and the exact text" \
	"$CONF:$line: directive 'prefix': value '2001:db8::/33' is not a valid RFC 6052 prefix length; expected /32, /40, /48, /56, /64 or /96" \
	"$DLOG"

# Step 2: config restored, but map-file broken.
write_conf "$CONF" "map-file $MAPS"
printf 'map 192.0.2.6 2001:db8:1::6\nmap 192.0.2.300 2001:db8:1::9\n' >"$MAPS"
kill -HUP "$DAEMON_PID"
sleep 1
check "step 2: daemon still running after SIGHUP with a broken map-file" daemon_alive
check "step 2: s still reaches c" ping_ok "$S" "$C4S"
check_grep "step 2: the map-file error is logged as $MAPS:2:" "$MAPS:2: .*192\.0\.2\.300" "$DLOG"

# Step 2b: a valid config switching to `prefix auto`: discovery can only
# start at startup (its raw socket needs privileges), so the reload is
# refused rather than leaving the translator without a prefix.
printf 'map 192.0.2.6 2001:db8:1::6\n' >"$MAPS"
sed -i 's|^prefix .*|prefix auto|' "$CONF"
kill -HUP "$DAEMON_PID"
sleep 1
check "step 2b: daemon still running after SIGHUP to prefix auto" daemon_alive
check "step 2b: c still reaches s through the running prefix" ping_ok "$C" -I "$C6" "$S6"
check_grep "step 2b: the refusal is logged" \
	"reload: 'prefix = auto' needs a restart; keeping the running configuration" "$DLOG"
write_conf "$CONF" "map-file $MAPS"

# Step 3: everything fixed, plus a new map.
printf 'map 192.0.2.6 2001:db8:1::6\nmap 192.0.2.9 2001:db8:1::9\n' >"$MAPS"
kill -HUP "$DAEMON_PID"
check "step 3: after a good SIGHUP the new map 192.0.2.9 works" \
	wait_for 5 timeout 2 ip netns exec "$S" ping -n -c1 -W1 192.0.2.9
check "step 3: s still reaches c" ping_ok "$S" "$C4S"

check_daemon_exit
finish
