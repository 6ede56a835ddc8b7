#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 464XLAT end to end (RFC 6877): nat64d as the CLAT of an IPv6-only host
# with `prefix = auto`, nat64d as the PLAT with a dynamic pool and
# nftables masquerade, real Unbound DNS64, PREF64 router advertisements.
#
#  ┌────────────────────────────┐       ┌──────────────────────────────────┐       ┌────────────────────────┐
#  │ $C  IPv6-only client       │       │ $R  router (PLAT)                │       │ $S  server             │
#  │                            │ veth  │                                  │ veth  │                        │
#  │ vc 2001:db8:1::2/64 ───────┼───────┼─ vrc 2001:db8:1::1/64    vrs ────┼───────┼─ vs 198.51.100.2/24    │
#  │    MTU 1280                │ 1280  │   unbound DNS64 on ::1 side      │       │    2001:db8:2::2/64    │
#  │ clat (TUN) 192.0.0.1/32    │       │   ra.py (PREF64)   198.51.100.1  │       │  (dual.example only)   │
#  │   default via clat (CLAT)  │       │                    2001:db8:2::1 │       │ http.server [::]:8081  │
#  │ nat64d clat-uplink vc,     │       │ nat64 (TUN) nat64d PLAT,         │       │ socat TCP :8080 file   │
#  │   prefix = auto            │       │   pool 10.64.0.0/24 masqueraded  │       │ udp echo :9000         │
#  └────────────────────────────┘       └──────────────────────────────────┘       └────────────────────────┘
#
#  v4only.example  A 198.51.100.2          -> DNS64 AAAA in the PLAT prefix
#  dual.example    A 198.51.100.2, AAAA 2001:db8:2::2   -> reached natively
#  PLAT prefix     2001:db8:64::/96, then 2001:db8:46::/96 (SIGHUP) while
#                  a PREF64 RA announces it to the CLAT.
#
# Output: "ok N - ..." lines, then "N passed, N failed".

. "$(dirname "$0")/lib.sh"

nat64d_only "CLAT mode and prefix discovery"
if ! command -v unbound >/dev/null; then
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y unbound >/dev/null 2>&1 || true
fi
if ! command -v unbound >/dev/null; then
	skip "$TEST" "unbound is not installed"
	finish
fi

S6N=2001:db8:2::2
CLOG=$WORK/clat.log
UB=$WORK/unbound.conf
CLAT_PID=
# The client's resolv.conf (ip netns exec bind-mounts it); removed by
# cleanup whatever happens.
mkdir -p "/etc/netns/$C"
eval "$(declare -f cleanup | sed '1s/^cleanup/lib_cleanup/')"
cleanup() {
	local rc=$?
	rm -rf "/etc/netns/$C"
	(exit "$rc")
	lib_cleanup
}

setup_net 1280
ip -n "$S" addr add "$S6N/64" dev vs nodad
ip -n "$S" -6 route add default via 2001:db8:2::1
ip -n "$R" addr add 2001:db8:2::1/64 dev vrs nodad
n_c sysctl -qw net.ipv6.conf.vc.accept_ra=1
printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$R6" >"/etc/netns/$C/resolv.conf"

# --- Unbound DNS64 ---------------------------------------------------------------

zone_files() {
	cat >"$WORK/ipv4only.zone" <<-'EOF'
	$ORIGIN ipv4only.arpa.
	$TTL 1
	@ IN SOA localhost. nobody.invalid. 1 3600 600 86400 1
	@ IN NS localhost.
	@ IN A 192.0.0.170
	@ IN A 192.0.0.171
	EOF
	cat >"$WORK/example.zone" <<-EOF
	\$ORIGIN example.
	\$TTL 1
	@ IN SOA localhost. nobody.invalid. 1 3600 600 86400 1
	@ IN NS localhost.
	v4only IN A $S4
	dual IN A $S4
	dual IN AAAA $S6N
	EOF
}

ub_conf() {	# ub_conf DNS64-PREFIX
	cat >"$UB" <<-EOF
	server:
	  interface: $R6
	  port: 53
	  do-ip4: no
	  do-daemonize: no
	  username: ""
	  chroot: ""
	  directory: "$WORK"
	  pidfile: ""
	  use-syslog: no
	  logfile: "$WORK/unbound.log"
	  access-control: ::/0 allow
	  module-config: "dns64 iterator"
	  dns64-prefix: $1
	  cache-max-ttl: 1
	  cache-max-negative-ttl: 1
	auth-zone:
	  name: "ipv4only.arpa."
	  zonefile: "$WORK/ipv4only.zone"
	  for-downstream: no
	  for-upstream: yes
	  fallback-enabled: no
	auth-zone:
	  name: "example."
	  zonefile: "$WORK/example.zone"
	  for-downstream: no
	  for-upstream: yes
	  fallback-enabled: no
	remote-control:
	  control-enable: yes
	  control-interface: "$WORK/unbound.ctl"
	  control-use-cert: no
	EOF
}

zone_files
ub_conf "$PREFIX/$PLEN"
bg_in "$R" unbound -d -c "$UB"
if wait_for 10 sh -c "ip netns exec $R ss -Hlun | grep -q '$R6\]:53'"; then
	ok "unbound DNS64 ($PREFIX/$PLEN) listens on $R6"
else
	not_ok "unbound starts" "$(tail -n 5 "$WORK/unbound.log" 2>/dev/null | tr '\n' '|')"
fi

# --- the PLAT ----------------------------------------------------------------------

start_translator
check "PLAT (nat64d, pool $POOL, masquerade) is up" daemon_alive

# --- the server ----------------------------------------------------------------------

gen_file "$WORK/big" 2000000
bg_in "$S" socat -U TCP-LISTEN:8080,reuseaddr,fork "OPEN:$WORK/big,rdonly"
cat >"$WORK/udpecho.py" <<-'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9000))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(b"echo:" + d, a)
EOF
bg_in "$S" "$PY" "$WORK/udpecho.py"
mkdir -p "$WORK/www"
cp "$WORK/big" "$WORK/www/big"
bg_in "$S" "$PY" -m http.server --bind :: --directory "$WORK/www" 8081 >"$WORK/http.log" 2>&1
wait_listen "$S" 8080
wait_listen "$S" 8081
wait_listen "$S" 9000 -u

# --- the CLAT --------------------------------------------------------------------------

cat >"$WORK/clat.conf" <<-EOF
tun-device = "clat"
clat-uplink = "vc"
prefix = auto
EOF
ip netns exec "$C" "$NAT64D" -c "$WORK/clat.conf" -d >"$CLOG" 2>&1 &
CLAT_PID=$!
BG_PIDS+=("$CLAT_PID")
if wait_for 10 grep -q "now translating with $PREFIX/$PLEN (dns)" "$CLOG"; then
	ok "CLAT discovers the PLAT prefix through Unbound DNS64 (RFC 7050)"
else
	not_ok "CLAT discovers the DNS64 prefix" "$(tail -n 5 "$CLOG" | tr '\n' '|')"
fi
check_grep "the CLAT first used the 64:ff9b::/96 fallback" \
	'now translating with 64:ff9b::/96 \(fallback\)' "$CLOG"
CLAT6=$(sed -n 's/^CLAT: 192.0.0.1 <-> \([0-9a-f:]*\) (auto).*/\1/p' "$CLOG")
case $CLAT6 in
2001:db8:1:0:*) ok "clat-ipv6 auto: $CLAT6 inside the uplink's /64" ;;
*) not_ok "clat-ipv6 auto" "got '$CLAT6'" ;;
esac
check_eq "IPv4 192.0.0.1/32 on the CLAT TUN" "192.0.0.1/32" \
	"$(ip -n "$C" -4 -o addr show dev clat | awk '{print $4}')"
check_grep "IPv4 default route through the CLAT" "^default dev clat .*metric 2048" \
	<(ip -n "$C" route)
check_grep "proxy neighbour entry for $CLAT6 on vc" "^$CLAT6 dev vc proxy" \
	<(ip -n "$C" -6 neigh show proxy)

# --- an IPv4 literal through CLAT + PLAT --------------------------------------------------

check "ping 198.51.100.2 (IPv4 literal) through CLAT and PLAT" ping_ok "$C" "$S4"
rm -f "$WORK/got"
n_c socat -u "TCP:$S4:8080" "CREATE:$WORK/got" 2>>"$WORK/socat.err" || echo "# socat: $(tail -n 2 "$WORK/socat.err" | tr "\n" " ")"
check_eq "TCP: 2 MB from the IPv4 literal, sha256 equal (uplink MTU 1280: PMTUD through both translators)" \
	"$(sha "$WORK/big")" "$(sha "$WORK/got" 2>/dev/null || echo none)"
got=$(echo hello464 | n_c socat -t2 - "UDP:$S4:9000" 2>&1 || true)
check_eq "UDP echo from the IPv4 literal" "echo:hello464" "$got"
tp=$(timeout 30 ip netns exec "$C" tracepath -n -m 10 "$S4" 2>&1 || true)
if grep -q "reached" <<<"$tp"; then
	ok "tracepath to $S4 reaches it: $(grep -c '^ *[0-9]*:' <<<"$tp") hop lines"
else
	not_ok "tracepath to $S4" "$(oneline "$tp")"
fi

# --- names: DNS64 + NAT64 without the CLAT, and a native dual-stack name ---------------------

got=$(n_c getent ahostsv6 v4only.example | awk 'NR == 1 {print $1}')
check_eq "getent ahostsv6 v4only.example: synthesized AAAA" "$PREFIX""c633:6402" "$got"
rm -f "$WORK/got6"
n_c curl -6 -s -o "$WORK/got6" --max-time 20 "http://v4only.example:8081/big" || true
check_eq "curl -6 http://v4only.example (DNS64 + NAT64, no CLAT): sha256 equal" \
	"$(sha "$WORK/big")" "$(sha "$WORK/got6" 2>/dev/null || echo none)"
check_grep "... the server saw the PLAT's masqueraded IPv4 source" \
	"^::ffff:$R4 .*GET /big" "$WORK/http.log"
got=$(n_c getent ahostsv6 dual.example | awk 'NR == 1 {print $1}')
check_eq "getent ahostsv6 dual.example: its real AAAA" "$S6N" "$got"
n_c curl -6 -s -o /dev/null --max-time 10 "http://dual.example:8081/" || true
check_grep "dual.example reached natively (server log shows the IPv6 source $C6)" \
	"^$C6 .*GET / " "$WORK/http.log"

# --- the prefix changes mid-run ------------------------------------------------------------------

cat >"$WORK/ra.py" <<-'EOF'
import ipaddress, socket, struct, sys
ifname, pfx, plen, life = sys.argv[1:5]
plc = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}[int(plen)]
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
opt = struct.pack("!BBH", 38, 2, (int(life) // 8) << 3 | plc)
opt += ipaddress.IPv6Address(pfx).packed[:12]
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.sendto(ra + opt, ("ff02::1", 0, 0, socket.if_nametoindex(ifname)))
EOF
OLD=$PREFIX
PREFIX=2001:db8:46::
write_conf "$WORK/nat64.conf"
ip -n "$R" -6 route add "$PREFIX/$PLEN" dev "$TUN"
kill -HUP "$DAEMON_PID"
wait_for 5 grep -q "configuration reloaded" "$DLOG" || true
ub_conf "$PREFIX/$PLEN"
n_r unbound-control -c "$UB" reload >/dev/null 2>&1 || true
n_r "$PY" "$WORK/ra.py" vrc "$PREFIX" 96 1800
if wait_for 10 grep -q "now translating with $PREFIX/$PLEN (ra)" "$CLOG"; then
	ok "PREF64 RA with $PREFIX/$PLEN: the CLAT switches without a restart (logged)"
else
	not_ok "CLAT follows the PREF64 RA" "$(tail -n 5 "$CLOG" | tr '\n' '|')"
fi
check "CLAT still the same process" kill -0 "$CLAT_PID"
check "ping 198.51.100.2 again with the new prefix" ping_ok "$C" "$S4"
rm -f "$WORK/got"
n_c socat -u "TCP:$S4:8080" "CREATE:$WORK/got" 2>>"$WORK/socat.err" || echo "# socat: $(tail -n 2 "$WORK/socat.err" | tr "\n" " ")"
check_eq "TCP again with the new prefix, sha256 equal" \
	"$(sha "$WORK/big")" "$(sha "$WORK/got" 2>/dev/null || echo none)"
got=$(n_c getent ahostsv6 v4only.example | awk 'NR == 1 {print $1}')
check_eq "DNS64 now synthesizes in the new prefix" "$PREFIX""c633:6402" "$got"

# --- shutdown: everything the CLAT added is gone ------------------------------------------------

kill -TERM "$CLAT_PID"
rc=0
wait "$CLAT_PID" 2>/dev/null || rc=$?
CLAT_PID=
check_eq "CLAT exits 0 on SIGTERM" 0 "$rc"
check_grep "the CLAT logs its cleanup" "routes, neighbour proxy and sysctls removed" "$CLOG"
check_eq "no proxy neighbour entry left" "" "$(ip -n "$C" -6 neigh show proxy)"
check_eq "no IPv4 default route left" "" "$(ip -n "$C" -4 route show default)"
check_eq "sysctls restored (forwarding, proxy_ndp, accept_ra)" "0 0 1" \
	"$(n_c cat /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/vc/proxy_ndp /proc/sys/net/ipv6/conf/vc/accept_ra | tr '\n' ' ' | sed 's/ $//')"
check_no_grep "no sanitizer report in the CLAT log" \
	'ERROR: (Address|Leak)Sanitizer|runtime error:' "$CLOG"
check_daemon_exit
rm -rf "/etc/netns/$C"
finish
