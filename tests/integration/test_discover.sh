#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# NAT64 prefix discovery (src/discover.c) against a real Unbound DNS64 and
# real router advertisements, through tests/tools/discover-probe.
#
#  ┌──────────────────────────────────────────┐      ┌─────────────────────────────────┐
#  │ $R  router                               │      │ $H  IPv6-only host (the CLAT)   │
#  │                                          │ veth │                                 │
#  │ vr  2001:db8:1::1/64, fe80::1  ──────────┼──────┼─ vh 2001:db8:1::2/64, fe80::2   │
#  │                                          │      │                                 │
#  │ unbound -d: dns64 iterator, auth-zone    │      │ discover-probe -i vh            │
#  │   ipv4only.arpa (A 192.0.0.170/.171)     │      │   resolv.conf: 2001:db8:1::1    │
#  │   dns64-prefix 64:ff9b::/96, then        │      │   fallback 2001:db8:ffff::/96   │
#  │   2001:db8:64::/96 after a reload        │      │                                 │
#  │ ra.py: RAs with PREF64 (raw socket)      │      │                                 │
#  └──────────────────────────────────────────┘      └─────────────────────────────────┘
#
# Unbound's dns64 module does not synthesize from local-data (a local-zone
# answer never reaches the module chain: AAAA ipv4only.arpa comes back
# NODATA), so the zone is an auth-zone with for-upstream: yes and
# for-downstream: no: the iterator reads it like an upstream answer and
# dns64 synthesizes from it.
#
# Output: "ok N - ..." / "not ok N - ...", then "N passed, N failed".

set -eE -u -o pipefail

TEST=test_discover
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$here/../.." && pwd)
BIN=${1:-}
PY=/usr/bin/python3

NTEST=0
NPASS=0
NFAIL=0
FINISHED=0

ok() { NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1)); echo "ok $NTEST - $1"; }
not_ok() { NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1)); echo "not ok $NTEST - $1: $2"; }
summary() { echo "$NPASS passed, $NFAIL failed"; }

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP $TEST: needs root (network namespaces, raw sockets)"
	summary
	exit 0
fi
case ${NAT64D_FLAVOR:-$(basename "${BIN:-nat64d}")} in
tayga*)
	echo "# SKIP $TEST: nat64d-only (TAYGA has no NAT64 prefix discovery)"
	summary
	exit 0
	;;
esac

case $BIN in
*/asan/*) PROBE=${DISCOVER_PROBE:-$ROOT/build/asan/discover-probe} ;;
*) PROBE=${DISCOVER_PROBE:-$ROOT/build/discover-probe} ;;
esac
if [ ! -x "$PROBE" ]; then
	make -s -C "$ROOT" "${PROBE#"$ROOT"/}" >/dev/null
fi
if ! command -v unbound >/dev/null; then
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y unbound >/dev/null 2>&1 || true
fi
if ! command -v unbound >/dev/null; then
	echo "# SKIP $TEST: unbound is not installed and apt-get install failed"
	summary
	exit 0
fi

R=n64dr$$
H=n64dh$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/n64it.$TEST.XXXXXX")
OUT=$WORK/probe.out
ERR=$WORK/probe.err
UB_PID=
PROBE_PID=
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	stop_pid "$PROBE_PID"
	stop_pid "$UB_PID"
	ip netns del "$R" 2>/dev/null
	ip netns del "$H" 2>/dev/null
	if [ "$FINISHED" != 1 ]; then
		not_ok "script completed" "aborted (exit $rc) near: $BASH_COMMAND"
		echo "# probe stdout:"; sed 's/^/#   /' "$OUT" 2>/dev/null
		echo "# probe stderr:"; tail -n 20 "$ERR" 2>/dev/null | sed 's/^/#   /'
		summary
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
	[ "$FINISHED" = 1 ] && [ "$NFAIL" = 0 ]
}
trap cleanup EXIT

n_r() { timeout "${TMO:-20}" ip netns exec "$R" "$@"; }
n_h() { timeout "${TMO:-20}" ip netns exec "$H" "$@"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

last_line() { tail -n 1 "$OUT" 2>/dev/null || true; }
last_is() { last_line | grep -Eq -- " $1\$"; }

# expect_last SECONDS DESC "PREFIX/LEN SOURCE": the probe's latest line.
expect_last() {
	if wait_for "$1" last_is "$3"; then
		ok "$2"
	else
		not_ok "$2" "wanted '$3', probe's last line is '$(last_line)'"
	fi
}

# stays DESC SECONDS "PREFIX/LEN SOURCE": no change for that long.
stays() {
	local n0
	n0=$(wc -l <"$OUT")
	sleep "$2"
	if [ "$(wc -l <"$OUT")" = "$n0" ] && last_is "$3"; then
		ok "$1"
	else
		not_ok "$1" "wanted '$3' unchanged, got: $(tail -n +$((n0 + 1)) "$OUT" | tr '\n' '|')"
	fi
}

expect_log() {
	if grep -Fq -- "$2" "$ERR"; then
		ok "$1"
	else
		not_ok "$1" "no '$2' in the probe's log: $(tail -n 3 "$ERR" | tr '\n' '|')"
	fi
}

# --- topology ---------------------------------------------------------------

ip netns add "$R"
ip netns add "$H"
ip -n "$R" link set lo up
ip -n "$H" link set lo up
ip -n "$R" link add vr type veth peer name vh netns "$H"
for ns in "$R" "$H"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0
done
# a router: joins ff02::2, so it hears router solicitations
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$R" link set vr addrgenmode none
ip -n "$H" link set vh addrgenmode none
ip -n "$R" addr add fe80::1/64 dev vr nodad
ip -n "$R" addr add 2001:db8:1::1/64 dev vr nodad
ip -n "$H" addr add fe80::2/64 dev vh nodad
ip -n "$H" addr add 2001:db8:1::2/64 dev vh nodad
ip -n "$R" link set vr up
ip -n "$H" link set vh up

printf 'options timeout:1 attempts:1\nnameserver 2001:db8:1::1\n' >"$WORK/resolv.conf"

# --- Unbound ------------------------------------------------------------------

zone() {	# zone FILE WITH_A
	{
		echo '$ORIGIN ipv4only.arpa.'
		echo '$TTL 1'
		echo '@ IN SOA localhost. nobody.invalid. 1 3600 600 86400 1'
		echo '@ IN NS localhost.'
		if [ "$2" = yes ]; then
			echo '@ IN A 192.0.0.170'
			echo '@ IN A 192.0.0.171'
		fi
	} >"$1"
}

ub_conf() {	# ub_conf DNS64-PREFIX ZONEFILE
	cat >"$WORK/unbound.conf" <<-EOF
	server:
	  interface: 2001:db8:1::1
	  port: 53
	  do-ip4: no
	  do-daemonize: no
	  username: ""
	  chroot: ""
	  directory: "$WORK"
	  pidfile: ""
	  use-syslog: no
	  logfile: "$WORK/unbound.log"
	  verbosity: 1
	  access-control: ::/0 allow
	  module-config: "dns64 iterator"
	  dns64-prefix: $1
	  cache-max-ttl: 1
	  cache-max-negative-ttl: 1
	auth-zone:
	  name: "ipv4only.arpa."
	  zonefile: "$2"
	  for-downstream: no
	  for-upstream: yes
	  fallback-enabled: no
	remote-control:
	  control-enable: yes
	  control-interface: "$WORK/unbound.ctl"
	  control-use-cert: no
	EOF
}

ub_start() {
	timeout 200 ip netns exec "$R" unbound -d -c "$WORK/unbound.conf" \
		>>"$WORK/unbound.out" 2>&1 &
	UB_PID=$!
	wait_for 10 sh -c "ip netns exec $R ss -Hlun | grep -q '2001:db8:1::1\]:53'"
}

zone "$WORK/with-a.zone" yes
zone "$WORK/no-a.zone" no
ub_conf 64:ff9b::/96 "$WORK/with-a.zone"
if ub_start; then
	ok "unbound (dns64 iterator, auth-zone ipv4only.arpa) listens in the router namespace"
else
	not_ok "unbound starts" "$(tail -n 5 "$WORK/unbound.out" "$WORK/unbound.log" 2>/dev/null | tr '\n' '|')"
fi

# --- the probe --------------------------------------------------------------------

# rs.py: print the first router solicitation seen on vr: source, hop limit.
cat >"$WORK/rs.py" <<'EOF'
import socket, struct
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"vr")
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
s.settimeout(8)
while True:
    data, anc, flags, src = s.recvmsg(1500, socket.CMSG_SPACE(4))
    if data[0] != 133:
        continue
    hl = [struct.unpack("i", d[:4])[0] for l, t, d in anc
          if t == socket.IPV6_HOPLIMIT]
    print("RS from %s hoplimit %s" % (src[0], hl[0] if hl else "?"), flush=True)
    break
EOF
timeout 10 ip netns exec "$R" "$PY" "$WORK/rs.py" >"$WORK/rs.out" 2>&1 &
RS_PID=$!
sleep 0.5

: >"$OUT"
timeout 200 ip netns exec "$H" "$PROBE" -d -r "$WORK/resolv.conf" -i vh -m 1 \
	-f 2001:db8:ffff::/96 -t 150 >"$OUT" 2>"$ERR" &
PROBE_PID=$!

wait_for 5 test -s "$OUT" || true
if head -n 1 "$OUT" | grep -Eq '^[0-9]+ 2001:db8:ffff::/96 fallback$'; then
	ok "the configured fallback is used before anything is learnt"
else
	not_ok "fallback first" "first line: '$(head -n 1 "$OUT")'"
fi
expect_last 10 "RFC 7050: Unbound's DNS64 prefix 64:ff9b::/96 is found" \
	"64:ff9b::/96 dns"
expect_log "the change is logged with its source" \
	"NAT64 prefix 64:ff9b::/96 (from RFC 7050 DNS64 discovery via 2001:db8:1::1)"
wait "$RS_PID" || true
if grep -Eq '^RS from fe80::2(%vr)? hoplimit 255$' "$WORK/rs.out"; then
	ok "a router solicitation goes out on the uplink (from fe80::2, hop limit 255)"
else
	not_ok "router solicitation" "listener saw: $(tr '\n' '|' <"$WORK/rs.out")"
fi

# Unbound reloaded with another dns64-prefix: the next query (TTL 1 s,
# probe floor 1 s) notices.
ub_conf 2001:db8:64::/96 "$WORK/with-a.zone"
if n_r unbound-control -c "$WORK/unbound.conf" reload >/dev/null; then
	ok "unbound reloaded with dns64-prefix 2001:db8:64::/96"
else
	not_ok "unbound-control reload" "failed"
fi
expect_last 15 "RFC 7050: the new prefix is noticed after the reload" \
	"2001:db8:64::/96 dns"

# --- RFC 8781 ---------------------------------------------------------------------

cat >"$WORK/ra.py" <<'EOF'
# ra.py SRC IFACE HOPLIMIT PREFIX PLEN LIFETIME: one RA with a PREF64 option.
import ipaddress, socket, struct, sys
src, ifname, hlim, pfx, plen, life = sys.argv[1:7]
plc = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}[int(plen)]
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
opt = struct.pack("!BBH", 38, 2, (int(life) // 8) << 3 | plc)
opt += ipaddress.IPv6Address(pfx).packed[:12]
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, int(hlim))
idx = socket.if_nametoindex(ifname)
s.bind((src, 0, 0, idx if src.startswith("fe80") else 0))
s.sendto(ra + opt, ("ff02::1", 0, 0, idx))
EOF
ra() { n_r "$PY" "$WORK/ra.py" "$@"; }

ra fe80::1 vr 64 2001:db8:bad1:: 96 600
ra 2001:db8:1::1 vr 255 2001:db8:bad2:: 96 600
stays "RAs with hop limit 64 or a global source are ignored" 2 \
	"2001:db8:64::/96 dns"

ra fe80::1 vr 255 2001:db8:aa:: 48 600
expect_last 5 "RFC 8781: a PREF64 option (PLC 3, /48) is picked up and preferred" \
	"2001:db8:aa::/48 ra"
expect_log "the RA prefix is logged with its interface" \
	"NAT64 prefix 2001:db8:aa::/48 (from RFC 8781 router advertisement on vh)"
stays "DNS answers (every second) do not displace the RA prefix" 3 \
	"2001:db8:aa::/48 ra"

ra fe80::1 vr 255 2001:db8:aa:: 48 0
expect_last 5 "lifetime 0 withdraws the RA prefix: back to the DNS prefix" \
	"2001:db8:64::/96 dns"

ra fe80::1 vr 255 2001:db8:bb:: 96 8
expect_last 5 "a PREF64 with lifetime 8 s (PLC 0, /96) is used" "2001:db8:bb::/96 ra"
t_ra=$(awk '/ 2001:db8:bb::\/96 ra$/ { t = $1 } END { print t }' "$OUT")
expect_last 12 "... and expires after its lifetime: DNS prefix again" \
	"2001:db8:64::/96 dns"
t_dns=$(awk '{ t = $1 } END { print t }' "$OUT")
if [ -n "$t_ra" ] && [ $((t_dns - t_ra)) -ge 7000 ] && [ $((t_dns - t_ra)) -le 9500 ]; then
	ok "the expiry came 8 s after the RA ($((t_dns - t_ra)) ms)"
else
	not_ok "expiry after 8 s" "RA at ${t_ra:-?} ms, DNS again at $t_dns ms"
fi

# --- DNS outage and a DNS64 that goes away ------------------------------------------

stop_pid "$UB_PID"
UB_PID=
stays "a DNS outage keeps the last DNS prefix" 4 "2001:db8:64::/96 dns"
expect_log "the failure is logged" \
	"NAT64 prefix discovery: no usable answer from the nameservers in $WORK/resolv.conf"
expect_log "... and retried with backoff" \
	"NAT64 prefix discovery: query failed, retrying in 5 s"

ub_conf 2001:db8:64::/96 "$WORK/no-a.zone"
ub_start || true
expect_last 30 "no A records behind ipv4only.arpa (NODATA): the fallback again" \
	"2001:db8:ffff::/96 fallback"
expect_log "the loss of the DNS64 is logged" \
	"no DNS64 answer for ipv4only.arpa from 2001:db8:1::1"

stop_pid "$PROBE_PID"
PROBE_PID=
if grep -Eq 'ERROR: (Address|Undefined|Leak)Sanitizer|runtime error' "$ERR"; then
	not_ok "no sanitizer reports" "$(grep -m1 -E 'Sanitizer|runtime error' "$ERR")"
else
	ok "no sanitizer reports from the probe"
fi

echo "# probe output:"
sed 's/^/#   /' "$OUT"
FINISHED=1
summary
