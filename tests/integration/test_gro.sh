#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Write-side GRO: bursts of many small UDP datagrams (no UDP_SEGMENT at
# the sender, so each arrives at the TUN alone) in both directions are
# received intact, in order and all of them (count and sha256 over the
# concatenated payloads), and the daemon's exit statistics show that it
# wrote some of them as UDP GSO super-packets.  With `offload no` the
# same bursts arrive and no offload statistics are printed.
#
#   c 2001:db8:1::2 ──64-byte UDP──► s 198.51.100.2:9001 (via the pool, masqueraded)
#   s ──64-byte UDP──► 192.0.2.5 = c's 2001:db8:1::5 :9002
#   (topology: lib.sh header)
. "$(dirname "$0")/lib.sh"
nat64d_only "write-side GRO"

N=4096				# datagrams per direction
SIZE=64
BURST=64

setup_net
cat >"$WORK/burst.py" <<'PY'
import hashlib, socket, sys, time
def fam(f):
    return socket.AF_INET6 if f == "6" else socket.AF_INET
def payload(i, size):
    b = (b"%08d" % i) * (size // 8 + 1)
    return b[:size]
a = sys.argv
if a[1] == "send":			# send F SRC DST PORT N SIZE BURST
    s = socket.socket(fam(a[2]), socket.SOCK_DGRAM)
    s.bind((a[3], 0))
    s.connect((a[4], int(a[5])))
    n, size, burst = int(a[6]), int(a[7]), int(a[8])
    for i in range(n):
        s.send(payload(i, size))
        if i % burst == burst - 1:
            time.sleep(0.003)	# loss would make the test flaky
elif a[1] == "want":			# want N SIZE: sha256 of the payloads
    h = hashlib.sha256()
    for i in range(int(a[2])):
        h.update(payload(i, int(a[3])))
    print(h.hexdigest())
else:					# recv F ADDR PORT N OUT: "COUNT SHA"
    s = socket.socket(fam(a[2]), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
    s.bind((a[3], int(a[4])))
    h, c = hashlib.sha256(), 0
    s.settimeout(10)
    while c < int(a[5]):
        try:
            h.update(s.recv(65536))
        except socket.timeout:
            break
        c += 1
        s.settimeout(3)
    open(a[6], "w").write("%d %s\n" % (c, h.hexdigest()))
PY
B="$PY $WORK/burst.py"
WANT="$N $($B want $N $SIZE)"

got() {	# FILE: the receiver's "COUNT SHA" once it has finished
	cat "$1" 2>/dev/null || echo missing
}

# gro_count: "N udp batches written" from the last offload line.
gro_count() {
	grep 'offload: ' "$DLOG" | tail -n 1 |
		sed -n 's/.* \([0-9][0-9]*\) udp batches written.*/\1/p'
}

burst_round() {	# label
	local l=$1
	rm -f "$WORK/up.got" "$WORK/down.got"
	bg_in "$S" $B recv 4 "$S4" 9001 "$N" "$WORK/up.got"
	sleep 0.5
	n_c $B send 6 "$C6" "$S6" 9001 "$N" "$SIZE" "$BURST" || true
	wait_for 20 test -s "$WORK/up.got" || true
	check_eq "$l: $N x $SIZE-byte UDP datagrams IPv6 -> IPv4 all received in order" \
		"$WANT" "$(got "$WORK/up.got")"
	bg_in "$C" $B recv 6 "$C6S" 9002 "$N" "$WORK/down.got"
	sleep 0.5
	n_s $B send 4 "$S4" "$C4S" 9002 "$N" "$SIZE" "$BURST" || true
	wait_for 20 test -s "$WORK/down.got" || true
	check_eq "$l: $N x $SIZE-byte UDP datagrams IPv4 -> IPv6 all received in order" \
		"$WANT" "$(got "$WORK/down.got")"
}

start_translator
burst_round "offload"
check_daemon_exit
n=$(gro_count)
check "offload: UDP datagrams were written as GSO super-packets (${n:-none} batches)" \
	test "${n:-0}" -gt 0
check_grep "offload: the statistics count the datagrams in the batches" \
	'udp batches written \([0-9]+ datagrams\)' "$DLOG"

mark=$(wc -l <"$DLOG")
NAT64D_OFFLOAD=no start_translator
burst_round "offload no"
check_daemon_exit
check_eq "offload no: no offload statistics line" "" \
	"$(tail -n +$((mark + 1)) "$DLOG" | grep 'offload: ' || true)"

finish
