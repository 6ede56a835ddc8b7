#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TCP and UDP payloads through the dynamic pool and nftables masquerade
# (stateful NAT64 the TAYGA way).
#
#   c 2001:db8:1::2 ──IPv6──► r: translator (pool 10.64.0.0/24) ──masq──► s 198.51.100.2
#      curl http://[2001:db8:64::c633:6402]:8080/   python3 -m http.server
#      socat UDP6 to [...c633:6402]:9000            socat UDP echo (PIPE)
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"

setup_net
start_translator

mkdir -p "$WORK/www"
echo "hello from the IPv4-only server $$" >"$WORK/www/hello.txt"
gen_file "$WORK/www/blob.bin" 2097152
bg_in "$S" "$PY" -m http.server --bind "$S4" --directory "$WORK/www" 8080 \
	>"$WORK/http.log" 2>&1
bg_in "$S" socat -T 5 UDP4-RECVFROM:9000,reuseaddr,fork PIPE
wait_for 5 n_s "$PY" -c "import socket; socket.create_connection(('$S4', 8080), 1)"
capture "$S" vs "$WORK/s.pcap.txt" udp port 9000

out=$(n_c curl -sS -g --max-time 10 --interface "$C6" "http://[$S6]:8080/hello.txt" 2>&1 || true)
check_eq "curl from c gets the page from the IPv4-only server" \
	"hello from the IPv4-only server $$" "$out"
n_c curl -sS -g --max-time 20 --interface "$C6" -o "$WORK/blob.got" \
	"http://[$S6]:8080/blob.bin" || true
check_eq "a 2 MiB download arrives intact (sha256)" \
	"$(sha "$WORK/www/blob.bin")" "$(sha "$WORK/blob.got" 2>/dev/null || echo missing)"
check_grep "the server saw the masqueraded router address $R4" \
	"^$R4 - - .*GET /blob.bin" "$WORK/http.log"

for size in 1 512 1400; do
	gen_file "$WORK/udp.$size" "$size"
	n_c socat -b 65536 -t 1 -T 1 - "UDP6:[$S6]:9000,bind=[$C6]" \
		<"$WORK/udp.$size" >"$WORK/udp.$size.got" || true
	check_eq "a $size-byte UDP payload comes back intact from the echo server" \
		"$(sha "$WORK/udp.$size")" "$(sha "$WORK/udp.$size.got")"
done
sleep 0.3
check_grep "s saw the UDP datagrams from $R4" "IP $R4\.[0-9]+ > $S4\.9000: UDP" \
	"$WORK/s.pcap.txt"

check_daemon_exit
finish
