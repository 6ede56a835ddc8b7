#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/demo.sh [path-to-nat64d]      (default: build/nat64d; needs root)
#
# A self-contained NAT64 + DNS64 demo in network namespaces: an IPv6-only
# host looks up the name of an IPv4-only web server, gets a synthesized
# AAAA (prefix + IPv4) from Unbound's DNS64 in the router, and fetches the
# page through nat64d.  Stateful NAT64 the TAYGA way: nat64d gives the
# client an address of its dynamic pool, nftables masquerades the pool
# behind the router's IPv4 address.
#
#  ┌─────────────────────┐       ┌──────────────────────────────────┐       ┌──────────────────────┐
#  │ client (IPv6 only)  │       │ router                           │       │ server (IPv4 only)   │
#  │  2001:db8:1::2/64 ──┼───────┼── 2001:db8:1::1    198.51.100.1 ─┼───────┼── 198.51.100.2/24    │
#  │  resolv.conf ───────┼─► DNS64 (Unbound) on 2001:db8:1::1 │ veth  │   python3 http.server│
#  └─────────────────────┘       │        │                ▲ masq.  │       │   www.example A      │
#                                │        ▼                │        │       └──────────────────────┘
#                                │  nat64 (TUN) ◄─► nat64d          │
#                                │  prefix 2001:db8:64::/96         │
#                                │  pool   10.64.0.0/24             │
#                                └──────────────────────────────────┘
#
# Everything it creates (namespaces, processes, a temp dir) is removed on
# exit.  Exit status 0 when the page, the pings and the lease all check out.
set -eu -o pipefail

NAT64D=${1:-build/nat64d}
case $NAT64D in /*) ;; *) NAT64D=$PWD/$NAT64D ;; esac

PREFIX=2001:db8:64::
CLIENT6=2001:db8:1::2
SERVER4=198.51.100.2
SERVER6=${PREFIX}c633:6402	# prefix + 198.51.100.2
NAME=www.example
POOL=10.64.0.0/24

CL=demo-client-$$
RT=demo-router-$$
SV=demo-server-$$
TMP=
DAEMON=
SERVER=
UNBOUND=

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' D=$'\e[2m' N=$'\e[0m'
else
	B= G= D= N=
fi

step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
note() { printf '%s%s%s\n' "$D" "$*" "$N"; }
die() {
	printf '\n%sdemo FAILED: %s%s\n' "$B" "$*" "$N" >&2
	if [ -n "$TMP" ] && [ -s "$TMP/nat64d.log" ]; then
		echo "--- nat64d log (last 20 lines):" >&2
		tail -n 20 "$TMP/nat64d.log" >&2
	fi
	exit 1
}

# on NAME CMD...: show the command as typed in that namespace, then run it.
on() {
	local name=$1 ns
	shift
	case $name in
	client) ns=$CL ;;
	router) ns=$RT ;;
	server) ns=$SV ;;
	esac
	printf '%s[%s]#%s %s\n' "$G" "$name" "$N" "$*"
	timeout 30 ip netns exec "$ns" "$@"
}

cleanup() {
	local ns p
	set +e
	[ -n "$DAEMON" ] && kill -KILL "$DAEMON" 2>/dev/null
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
	[ -n "$UNBOUND" ] && kill "$UNBOUND" 2>/dev/null
	for ns in "$CL" "$RT" "$SV"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "/etc/netns/$CL"
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "needs root (network namespaces and a TUN device): sudo $0 $*"
[ -x "$NAT64D" ] || die "$NAT64D is not an executable; build it first (make)"
for tool in ip nft ping curl python3 timeout unbound getent; do
	command -v "$tool" >/dev/null || die "$tool is missing; run tests/deps.sh"
done
case $(basename "$NAT64D") in tayga*) TAYGA=1 ;; *) TAYGA=0 ;; esac
TMP=$(mktemp -d /tmp/nat64d-demo.XXXXXX)
mkdir "$TMP/data" "$TMP/www"

step "1. The network: three namespaces joined by veth pairs"
for ns in "$CL" "$RT" "$SV"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$CL" link add eth0 type veth peer name to-client netns "$RT"
ip -n "$SV" link add eth0 type veth peer name to-server netns "$RT"
ip netns exec "$CL" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
ip netns exec "$RT" sysctl -qw net.ipv6.conf.to-client.accept_dad=0 \
	net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$CL" link set eth0 up
ip -n "$CL" addr add "$CLIENT6/64" dev eth0 nodad
ip -n "$CL" -6 route add default via 2001:db8:1::1
ip -n "$RT" link set to-client up
ip -n "$RT" link set to-server up
ip -n "$RT" addr add 2001:db8:1::1/64 dev to-client nodad
ip -n "$RT" addr add 198.51.100.1/24 dev to-server
ip -n "$SV" link set eth0 up
ip -n "$SV" addr add "$SERVER4/24" dev eth0
ip -n "$SV" route add default via 198.51.100.1
note "client $CL: $CLIENT6 only (no IPv4 at all)"
note "router $RT: 2001:db8:1::1 towards the client, 198.51.100.1 towards the server"
note "server $SV: $SERVER4 only (no IPv6 route)"
on router nft add table ip nat
on router nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }'
on router nft add rule ip nat post ip saddr "$POOL" oifname to-server masquerade

step "2. nat64d's config (TAYGA format, read as is)"
cat >"$TMP/nat64d.conf" <<EOF
tun-device nat64
ipv4-addr 10.64.255.1
prefix ${PREFIX}/96
dynamic-pool $POOL
data-dir $TMP/data
EOF
sed 's/^/    /' "$TMP/nat64d.conf"

step "3. Start nat64d in the router and route the two address families into its TUN"
printf '%s[router]#%s %s -c %s -d &\n' "$G" "$N" "$NAT64D" "$TMP/nat64d.conf"
pre=()
[ "$TAYGA" = 1 ] && pre=(stdbuf -oL)
ip netns exec "$RT" "${pre[@]}" "$NAT64D" -c "$TMP/nat64d.conf" -d >"$TMP/nat64d.log" 2>&1 &
DAEMON=$!
for _ in $(seq 50); do
	ip -n "$RT" link show dev nat64 >/dev/null 2>&1 && break
	kill -0 "$DAEMON" 2>/dev/null || die "nat64d exited at startup"
	sleep 0.1
done
ip -n "$RT" link show dev nat64 >/dev/null 2>&1 || die "nat64d created no TUN device within 5 s"
on router ip link set dev nat64 up
on router ip route add 10.64.0.0/16 dev nat64
on router ip -6 route add "${PREFIX}/96" dev nat64

step "4. DNS64: Unbound in the router synthesizes AAAA records in the prefix"
cat >"$TMP/example.zone" <<EOF
\$ORIGIN example.
\$TTL 60
@ IN SOA localhost. nobody.invalid. 1 3600 600 86400 60
@ IN NS localhost.
www IN A $SERVER4
EOF
cat >"$TMP/unbound.conf" <<EOF
server:
  interface: 2001:db8:1::1
  do-ip4: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$TMP"
  pidfile: ""
  use-syslog: no
  logfile: "$TMP/unbound.log"
  access-control: 2001:db8:1::/64 allow
  module-config: "dns64 iterator"
  dns64-prefix: ${PREFIX}/96
# The demo's zone, served to the resolver itself as if from upstream, so
# that DNS64 synthesizes from its A record.
auth-zone:
  name: "example."
  zonefile: "$TMP/example.zone"
  for-downstream: no
  for-upstream: yes
  fallback-enabled: no
EOF
grep -E 'module-config|dns64-prefix' "$TMP/unbound.conf" | sed 's/^/    /'
printf '%s[router]#%s unbound -d -c %s &\n' "$G" "$N" "$TMP/unbound.conf"
timeout 120 ip netns exec "$RT" unbound -d -c "$TMP/unbound.conf" >/dev/null 2>&1 &
UNBOUND=$!
for _ in $(seq 50); do
	[ -n "$(ip netns exec "$RT" ss -Hlun 'sport = :53')" ] && break
	sleep 0.1
done
mkdir -p "/etc/netns/$CL"
printf 'nameserver 2001:db8:1::1\noptions timeout:2 attempts:2\n' >"/etc/netns/$CL/resolv.conf"
note "the client's resolv.conf: nameserver 2001:db8:1::1 (ip netns exec mounts /etc/netns/$CL/resolv.conf)"
on client getent ahostsv6 "$NAME" >"$TMP/getent.txt" 2>&1 || true
sed 's/^/    /' "$TMP/getent.txt"
grep -q "^$SERVER6 " "$TMP/getent.txt" ||
	die "DNS64 did not answer $NAME with $SERVER6 (unbound log: $(tail -n 3 "$TMP/unbound.log" 2>/dev/null | tr '\n' ' '))"
note "$NAME has only an A record ($SERVER4); DNS64 answered $SERVER6"

step "5. The IPv4-only web server"
echo "Hello from $SERVER4, an IPv4-only web server. You came through nat64d." \
	>"$TMP/www/index.html"
printf '%s[server]#%s python3 -m http.server --bind %s 80 &\n' "$G" "$N" "$SERVER4"
timeout 120 ip netns exec "$SV" python3 -m http.server --bind "$SERVER4" \
	--directory "$TMP/www" 80 >"$TMP/http.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
	[ -n "$(ip netns exec "$SV" ss -Hltn 'sport = :80')" ] && break
	sleep 0.1
done

step "6. The IPv6-only client pings the server by name ($NAME = $SERVER6)"
on client ping -n -c 3 -i 0.3 -W 2 "$NAME" >"$TMP/ping.txt" 2>&1 || true
sed 's/^/    /' "$TMP/ping.txt"
grep -q '3 received' "$TMP/ping.txt" || die "ping through nat64d got fewer than 3 replies"

step "7. ... and fetches the page over TCP, by name"
on client curl -sS --max-time 10 -o "$TMP/page.txt" "http://$NAME/" ||
	die "curl through nat64d failed"
sed 's/^/    /' "$TMP/page.txt"
cmp -s "$TMP/page.txt" "$TMP/www/index.html" || die "the page did not arrive intact"
note "server's access log (it sees the router's masqueraded address):"
grep 'GET /' "$TMP/http.log" | sed 's/^/    /'

step "8. The lease nat64d assigned (dynamic.map, flushed to the data-dir)"
if [ "$TAYGA" = 1 ]; then
	note "(TAYGA 0.9.2 exits on SIGHUP: stopping it with SIGTERM to flush instead)"
	kill -TERM "$DAEMON"
	wait "$DAEMON" || true
	DAEMON=
else
	printf '%s[router]#%s kill -HUP %s\n' "$G" "$N" "$DAEMON"
	kill -HUP "$DAEMON"
fi
for _ in $(seq 30); do
	grep -q "$CLIENT6" "$TMP/data/dynamic.map" 2>/dev/null && break
	sleep 0.1
done
[ -f "$TMP/data/dynamic.map" ] || die "no dynamic.map in the data-dir"
sed 's/^/    /' "$TMP/data/dynamic.map"
lease=$(awk -v c="$CLIENT6" '$2 == c { print $1 }' "$TMP/data/dynamic.map")
[ -n "$lease" ] || die "dynamic.map has no lease for $CLIENT6"
note "the client $CLIENT6 is $lease inside the router; nftables shows it as 198.51.100.1"

step "9. nat64d's log and counters"
if [ -n "$DAEMON" ]; then
	printf '%s[router]#%s kill -TERM %s\n' "$G" "$N" "$DAEMON"
	kill -TERM "$DAEMON"
	rc=0
	for _ in $(seq 50); do
		kill -0 "$DAEMON" 2>/dev/null || break
		sleep 0.1
	done
	wait "$DAEMON" || rc=$?
	DAEMON=
	[ "$rc" = 0 ] || die "nat64d exited with status $rc on SIGTERM"
fi
sed 's/^/    /' "$TMP/nat64d.log"

step "Demo OK"
echo "An IPv6-only host reached an IPv4-only server by name through DNS64 + nat64d:"
echo "  $NAME -> $SERVER6 (synthesized), 3/3 pings, the page arrived intact,"
echo "  lease $CLIENT6 -> $lease."
echo "Namespaces, processes and $TMP are removed now."
