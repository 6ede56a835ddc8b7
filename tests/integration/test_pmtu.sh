#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Path MTU discovery through the translator (RFC 7915 4.2 / 5.2).
#
# Part 1, small MTU on the far IPv4 side, upload c -> s:
#
#   c ═1500═ r: translator ═1500═ s         r's route to s has mtu 1300; c sends 1500-byte IPv6 packets; the
#                                           translated IPv4 packets carry DF; r's
#                                           ICMPv4 Fragmentation Needed (MTU 1300)
#                                           comes back as ICMPv6 Packet Too Big
#                                           with MTU 1320 (1300 + 20)
#
# Part 2, r's route to c has mtu 1280, download s -> c:
#
#   c ═1500═ r: translator ═1500═ s
#                                           r's ICMPv6 Packet Too Big (1280) is
#                                           translated to ICMPv4 Fragmentation
#                                           Needed with MTU 1260, through the
#                                           masquerade back to s
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
start_translator
ip -n "$R" route add "$S4/32" dev vrs src "$R4" mtu 1300

gen_file "$WORK/up.bin" 3145728
bg_in "$S" socat -u TCP4-LISTEN:9001,reuseaddr "OPEN:$WORK/up.got,creat,trunc"
wait_listen "$S" 9001
check "c uploads 3 MiB to s over TCP with DF (socat)" \
	n_c socat -u "OPEN:$WORK/up.bin" "TCP6:[$S6]:9001,bind=[$C6],connect-timeout=5"
wait_for 10 size_is "$WORK/up.got" 3145728 || true
check_eq "the upload arrived intact at s (sha256)" "$(sha "$WORK/up.bin")" \
	"$(sha "$WORK/up.got" 2>/dev/null || echo missing)"
route6=$(n_c ip -6 route get "$S6" from "$C6" 2>&1 || true)
check_eq "c learned path MTU 1320 from the translated Packet Too Big" \
	"mtu 1320" "$(grep -o 'mtu [0-9]*' <<<"$route6" || echo "none: $route6")"

# Part 2.
ip -n "$R" route del "$S4/32"
ip -n "$R" -6 route add "$C6/128" dev vrc mtu 1280
mkdir -p "$WORK/www"
gen_file "$WORK/www/down.bin" 3145728
bg_in "$S" "$PY" -m http.server --bind "$S4" --directory "$WORK/www" 8080 \
	>"$WORK/http.log" 2>&1
wait_listen "$S" 8080
n_c curl -sS -g --max-time 20 --interface "$C6" -o "$WORK/down.got" \
	"http://[$S6]:8080/down.bin" || true
check_eq "a 3 MiB download s -> c arrives intact through the 1280 link (sha256)" \
	"$(sha "$WORK/www/down.bin")" "$(sha "$WORK/down.got" 2>/dev/null || echo missing)"
route4=$(n_s ip -4 route get "$R4" 2>&1 || true)
check_eq "s learned path MTU 1260 from the translated Fragmentation Needed" \
	"mtu 1260" "$(grep -o 'mtu [0-9]*' <<<"$route4" || echo "none: $route4")"

check_daemon_exit
finish
