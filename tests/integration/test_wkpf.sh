#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The well-known prefix 64:ff9b::/96 and wkpf-strict (RFC 6052 3.1): only
# globally reachable IPv4 may be embedded in it.  The server gets an
# address from 192.0.0.0/29 (RFC 7335, globally reachable in the IANA
# registry) next to its documentation address.
#
#   c 2001:db8:1::2 ──► 64:ff9b::c000:2   (192.0.0.2)    ──► s   works
#   c 2001:db8:1::2 ──► 64:ff9b::c633:6402 (198.51.100.2) ──✗   refused (wkpf-strict)
#   r: vrs 198.51.100.1/24 + 192.0.0.1/29, ipv6-addr 2001:db8:1:ffff::1 (explicit:
#      a private ipv4-addr cannot be embedded in the WKPF)
#   then, nat64d only, "wkpf-strict no": 198.51.100.2 works through the WKPF
#   (topology otherwise: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
ip -n "$R" addr add 192.0.0.1/29 dev vrs
ip -n "$S" addr add 192.0.0.2/29 dev vs
PREFIX=64:ff9b::
XL6=2001:db8:1:ffff::1

# wkpf_conf FILE [LINE...]
wkpf_conf() {
	local f=$1
	shift
	NO_BASE_MAPS=1 write_conf "$f" "ipv6-addr $XL6" "$@"
}

wkpf_conf "$WORK/nat64.conf"
start_daemon "$WORK/nat64.conf"
tun_config
ip -n "$R" -6 route add "$XL6/128" dev "$TUN"

check "c pings 192.0.0.2 as 64:ff9b::c000:2" ping_ok "$C" -I "$C6" 64:ff9b::c000:2
mkdir -p "$WORK/www"
echo "via the WKPF $$" >"$WORK/www/index.html"
bg_in "$S" "$PY" -m http.server --bind 192.0.0.2 --directory "$WORK/www" 8080 \
	>"$WORK/http.log" 2>&1
wait_listen "$S" 8080
out=$(n_c curl -sS -g --max-time 10 --interface "$C6" "http://[64:ff9b::c000:2]:8080/" 2>&1 || true)
check_eq "curl through the WKPF gets the page" "via the WKPF $$" "$out"
check "198.51.100.2 (documentation space) is refused in the WKPF" \
	ping_none "$C" -I "$C6" 64:ff9b::c633:6402
check "192.0.2.5 (documentation space) is refused in the WKPF" \
	ping_none "$C" -I "$C6" 64:ff9b::c000:205
check "the translator answers on its explicit ipv6-addr" ping_ok "$C" -I "$C6" "$XL6"
check_daemon_exit

if ! is_tayga; then
	wkpf_conf "$WORK/nat64.conf" "wkpf-strict no"
	start_daemon "$WORK/nat64.conf"
	tun_config
	ip -n "$R" -6 route add "$XL6/128" dev "$TUN"
	check "wkpf-strict no: 198.51.100.2 is reachable through the WKPF" \
		ping_ok "$C" -I "$C6" 64:ff9b::c633:6402
	check_daemon_exit
else
	skip "wkpf-strict no" "nat64d-only (directive not in TAYGA 0.9.2)"
fi
finish
