#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A UDP flood the way QUIC stacks send and receive: UDP_SEGMENT (GSO)
on the sender, UDP_GRO on the receiver, so the kernel moves super-packets
of up to 64 datagrams wherever it can.

  udp-flood.py recv ADDR PORT SECS      -> "datagrams bytes" when idle 2 s
  udp-flood.py send SRC DST PORT SECS SEGSIZE
"""
import socket
import sys
import time

SOL_UDP = 17
UDP_SEGMENT = 103
UDP_GRO = 104
BURST = 44          # datagrams per send(): 44 * 1400 + headers < 64 KiB


def recv(addr, port, secs):
    af = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(SOL_UDP, UDP_GRO, 1)
    s.bind((addr, int(port)))
    s.settimeout(float(secs) + 10)
    n = nbytes = 0
    buf = bytearray(65536)
    anc = socket.CMSG_SPACE(4)
    while True:
        try:
            got, cmsgs, _, _ = s.recvmsg_into([buf], anc)
        except socket.timeout:
            break
        seg = got
        for level, kind, data in cmsgs:
            if level == SOL_UDP and kind == UDP_GRO:
                seg = int.from_bytes(data[:4], sys.byteorder)
        n += -(-got // seg)
        nbytes += got
        s.settimeout(2)
    print(n, nbytes)


def send(src, dst, port, secs, seg):
    seg = int(seg)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(SOL_UDP, UDP_SEGMENT, seg)
    s.connect((dst, int(port)))
    data = bytes(seg * BURST)
    end = time.monotonic() + float(secs)
    while time.monotonic() < end:
        try:
            s.send(data)
        except OSError:     # ENOBUFS: the qdisc is full; try again
            pass


if __name__ == "__main__":
    {"recv": recv, "send": send}[sys.argv[1]](*sys.argv[2:])
