#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nat64d --translate-pcap IN OUT: offline translation, no TUN, no root.
# Packets are built with scapy, pushed through the same per-packet path
# the daemon uses, and the output pcap (LINKTYPE_RAW) is parsed back.
#
#   in.pcap ──► nat64d -c conf --translate-pcap ──► out.pcap
#   2001:db8:1::5 -> 2001:db8:64::c633:6402    192.0.2.5 -> 198.51.100.2
#   198.51.100.2 -> 192.0.2.5                  2001:db8:64::c633:6402 -> 2001:db8:1::5
set -u -o pipefail

NAT64D=${1:-${NAT64D:-build/nat64d}}
case $NAT64D in /*) ;; *) NAT64D=$PWD/$NAT64D ;; esac
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nat64d-pcap.XXXXXX)
NTEST=0 NPASS=0 NFAIL=0

cleanup() {
	if [ "$NFAIL" -gt 0 ]; then echo "# work dir kept: $WORK"; else rm -rf "$WORK"; fi
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
}
trap cleanup EXIT

ok() { NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1)); echo "ok $NTEST - $1"; }
not_ok() { NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1)); echo "not ok $NTEST - $1: $2"; }
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}
check_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else
		not_ok "$1" "no line matching /$2/ in $(basename "$3"): $(tail -n 3 "$3" | tr '\n' ' ')"; fi
}

# run ARGS...: nat64d with a 10 s bound; stdout, stderr and status kept.
run() {
	RC=0
	timeout 10 "$NAT64D" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || RC=$?
}

if ! "$PY" -c 'import scapy' 2>/dev/null; then
	echo "# SKIP $(basename "$0"): python3-scapy missing"
	exit 0
fi

cat >"$WORK/nat64.conf" <<EOF
tun-device nat64
ipv4-addr 10.64.255.1
prefix 2001:db8:64::/96
map 192.0.2.5 2001:db8:1::5
log drop
EOF

"$PY" - "$WORK" <<'EOF' 2>/dev/null
import struct, sys
from scapy.all import IP, IPv6, ICMP, ICMPv6EchoRequest, Ether, ARP, raw, wrpcap
w = sys.argv[1]
p6 = IPv6(src="2001:db8:1::5", dst="2001:db8:64::c633:6402", hlim=64) / \
    ICMPv6EchoRequest(id=7, seq=1, data=b"from-v6")
p4 = IP(src="198.51.100.2", dst="192.0.2.5", ttl=64, id=5) / \
    ICMP(id=9, seq=2) / b"from-v4"
bad = bytearray(raw(p4)); bad[10] ^= 0xff          # IPv4 header checksum
pk = [raw(p6), raw(p4), bytes(bad)]
wrpcap(w + "/in.pcap", [IPv6(pk[0]), IP(pk[1]), IP(pk[2])], linktype=101)
# The same packets big-endian with nanosecond stamps, written by hand.
with open(w + "/in_be_ns.pcap", "wb") as f:
    f.write(struct.pack(">IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 101))
    for i, b in enumerate(pk):
        f.write(struct.pack(">IIII", 1000 + i, 5, len(b), len(b)) + b)
# Ethernet with an ARP frame in the middle.
wrpcap(w + "/in_eth.pcap", [Ether() / IPv6(pk[0]), Ether() / ARP(), Ether() / IP(pk[1])])
data = open(w + "/in.pcap", "rb").read()
open(w + "/truncated.pcap", "wb").write(data[:-10])
open(w + "/notpcap.pcap", "wb").write(b"this is not a capture file at all")
EOF

# Output packets as text lines, one per packet.
dump() {
	"$PY" - "$1" <<'EOF' 2>/dev/null
import sys
from scapy.all import rdpcap, IP, IPv6, ICMP, ICMPv6EchoRequest, Raw
for p in rdpcap(sys.argv[1]):
    if p.haslayer(IP) and p.haslayer(ICMP):
        i = p[IP]
        print("v4", i.src, i.dst, i.ttl, i[ICMP].type, i[ICMP].id, i[ICMP].seq, bytes(i[ICMP].payload).decode())
    elif p.haslayer(ICMPv6EchoRequest):
        i, e = p[IPv6], p[ICMPv6EchoRequest]
        print("v6", i.src, i.dst, i.hlim, e.type, e.id, e.seq, e.data.decode())
    else:
        print("other", p.summary())
EOF
}

run -c "$WORK/nat64.conf" -d --translate-pcap "$WORK/in.pcap" "$WORK/out.pcap"
check_eq "translate-pcap exits 0" 0 "$RC"
check_eq "two packets translated, the bad one dropped" \
	"v4 192.0.2.5 198.51.100.2 63 8 7 1 from-v6
v6 2001:db8:64::c633:6402 2001:db8:1::5 63 128 9 2 from-v4" "$(dump "$WORK/out.pcap")"
check_eq "output is LINKTYPE_RAW (101)" 101 \
	"$(od -An -t u4 -j 20 -N 4 "$WORK/out.pcap" | tr -d ' ')"
check_eq "-d prints one verdict line per packet" \
	"1: FORWARD 1 packet
2: FORWARD 1 packet
3: DROP bad-ip4-csum" "$(cat "$WORK/out.txt")"
check_grep "log drop gives TAYGA's line shape" \
	'^DROP: \[v4\] \[198\.51\.100\.2\]->\[192\.0\.2\.5\] \(35 bytes\) \(proto 1\) IPv4 header checksum wrong$' \
	"$WORK/err.txt"
check_grep "summary line" "in.pcap: 3 packets read, 2 written to" "$WORK/err.txt"

run -c "$WORK/nat64.conf" --translate-pcap "$WORK/in_be_ns.pcap" "$WORK/out_be.pcap"
check_eq "big-endian nanosecond input exits 0" 0 "$RC"
check_eq "big-endian nanosecond input translates the same" \
	"$(dump "$WORK/out.pcap")" "$(dump "$WORK/out_be.pcap")"
check_eq "no per-packet lines without -d" "" "$(cat "$WORK/out.txt")"

run -c "$WORK/nat64.conf" -d --translate-pcap "$WORK/in_eth.pcap" "$WORK/out_eth.pcap"
check_eq "Ethernet input exits 0" 0 "$RC"
check_eq "Ethernet input: ARP skipped, both IP packets translated" \
	"1: FORWARD 1 packet
2: SKIP not an IP packet
3: FORWARD 1 packet" "$(cat "$WORK/out.txt")"

run -c "$WORK/nat64.conf" --translate-pcap "$WORK/truncated.pcap" "$WORK/o.pcap"
check_eq "truncated input exits 1" 1 "$RC"
check_grep "truncated input names the record" \
	"truncated.pcap: record 3: truncated packet data \(25 of 35 bytes\)" "$WORK/err.txt"

run -c "$WORK/nat64.conf" --translate-pcap "$WORK/notpcap.pcap" "$WORK/o.pcap"
check_eq "non-pcap input exits 1" 1 "$RC"
check_grep "non-pcap input explained" "notpcap.pcap: not a pcap file: magic 0x" "$WORK/err.txt"

run -c "$WORK/nat64.conf" --translate-pcap "$WORK/missing.pcap" "$WORK/o.pcap"
check_eq "missing input exits 1" 1 "$RC"
check_grep "missing input explained" "missing.pcap: No such file or directory" "$WORK/err.txt"

run -c "$WORK/nat64.conf" --translate-pcap "$WORK/in.pcap"
check_eq "--translate-pcap without OUT is a usage error" 1 "$RC"
check_grep "usage error text" "^nat64d: --translate-pcap needs IN and OUT$" "$WORK/err.txt"
