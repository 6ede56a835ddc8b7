#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# clatd compatibility: replays what clatd (toreanderson/clatd) does with
# its TAYGA back end, with nat64d as the `tayga` binary, on the client of
# lib.sh's network (clatd is not packaged in Debian 12):
#
#   write tayga.conf: tun-device, prefix, ipv4-addr 192.0.0.2, map
#   sysctl forwarding=1, proxy_ndp=1; ip -6 neighbour add proxy V6 dev vc
#   tayga --config F --mktun ""
#   ip link set up dev clat; ip -4 address add 192.0.0.1 dev clat
#   ip -6 route add V6 dev clat table 100
#   ip -6 rule add prio 0 from PREFIX to V6 table 100
#   ip -4 route add default dev clat
#   tayga --config F --nodetach ""      ... SIGTERM ...
#   cleanup: rule, proxy entry, sysctls; tayga --config F --rmtun
#
#  $C client (clatd host, vc 2001:db8:1::2/64, CLAT V6 2001:db8:1::c1a7)
#     -- $R PLAT (lib.sh: prefix 2001:db8:64::/96, pool, masquerade)
#     -- $S IPv4-only server 198.51.100.2
#
# Output: "ok N - ..." lines, then "N passed, N failed".

. "$(dirname "$0")/lib.sh"

V6=2001:db8:1::c1a7
CONF=$WORK/clatd-tayga.conf
CLOG=$WORK/clat.log
setup_net
start_translator
check "PLAT is up" daemon_alive

# clatd's tayga.conf, as it writes it (no ipv6-addr).
cat >"$CONF" <<-EOF
tun-device clat
prefix $PREFIX/$PLEN
ipv4-addr 192.0.0.2
map 192.0.0.1 $V6
EOF

# The well-known prefix with a private ipv4-addr and no ipv6-addr
# (TAYGA #93/#132/#187): accepted.
sed "s|^prefix .*|prefix 64:ff9b::/96|" "$CONF" >"$WORK/wkp.conf"
if is_tayga; then
	skip "--check-config of the well-known prefix" "nat64d-only option"
else
	check "64:ff9b::/96 + ipv4-addr 192.0.0.2 without ipv6-addr is accepted" \
		"$NAT64D" --check-config -c "$WORK/wkp.conf"
fi

n_c sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.vc.accept_ra=2 \
	net.ipv6.conf.vc.proxy_ndp=1
ip -n "$C" -6 neighbour add proxy "$V6" dev vc

check "--mktun \"\" creates the persistent TUN" \
	ip netns exec "$C" "$NAT64D" --config "$CONF" --mktun ""
check "the TUN clat exists" ip -n "$C" link show dev clat
ip -n "$C" link set up dev clat
ip -n "$C" -4 address add 192.0.0.1 dev clat
ip -n "$C" -6 route add "$V6" dev clat table 100
ip -n "$C" -6 rule add prio 0 from "$PREFIX/$PLEN" to "$V6" table 100
ip -n "$C" -4 route add default dev clat

ip netns exec "$C" "$NAT64D" --config "$CONF" --nodetach "" >"$CLOG" 2>&1 &
CPID=$!
BG_PIDS+=("$CPID")
sleep 0.5
check "--nodetach \"\" keeps running in the foreground" kill -0 "$CPID"

check "ping 198.51.100.2 through clatd's CLAT and the PLAT" ping_ok "$C" "$S4"
gen_file "$WORK/big" 1000000
bg_in "$S" socat -U TCP-LISTEN:8080,reuseaddr "OPEN:$WORK/big,rdonly"
wait_listen "$S" 8080
n_c socat -u "TCP:$S4:8080" "CREATE:$WORK/got" || true
check_eq "TCP through the CLAT: 1 MB, sha256 equal" "$(sha "$WORK/big")" \
	"$(sha "$WORK/got" 2>/dev/null || echo none)"

kill -TERM "$CPID"
rc=0
wait "$CPID" 2>/dev/null || rc=$?
check_eq "SIGTERM ends it with status 0" 0 "$rc"
check "the persistent TUN stays after the daemon exits" ip -n "$C" link show dev clat

# clatd's cleanup, then --rmtun.
ip -n "$C" -6 rule del prio 0 from "$PREFIX/$PLEN" to "$V6" table 100
ip -n "$C" -6 neighbour del proxy "$V6" dev vc
n_c sysctl -qw net.ipv6.conf.vc.proxy_ndp=0
check "--rmtun \"\" removes the TUN" \
	ip netns exec "$C" "$NAT64D" --config "$CONF" --rmtun ""
check_fails "the TUN clat is gone" ip -n "$C" link show dev clat
check_eq "its routes are gone with it" "" \
	"$( (ip -n "$C" -4 route show default; ip -n "$C" -6 route show table 100) 2>/dev/null)"
check_eq "no proxy neighbour entry left" "" "$(ip -n "$C" -6 neigh show proxy)"
check_no_grep "no sanitizer report in the CLAT log" \
	'ERROR: (Address|Leak)Sanitizer|runtime error:' "$CLOG"
check_daemon_exit
finish
