#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""UDP with segmentation offload for the offload tests.

  udp-gso.py send FAMILY SRC DST PORT FILE [SEGSIZE]
      send FILE as datagrams of SEGSIZE bytes, many per sendmsg() with
      UDP_SEGMENT (Linux 4.18), so the stack builds UDP super-packets
  udp-gso.py recv FAMILY ADDR PORT OUT COUNT
      write the payloads of COUNT datagrams to OUT in arrival order
      (gives up 5 s after the last one)
"""
import socket
import sys

SOL_UDP = 17
UDP_SEGMENT = 103
BURST = 32


def fam(f):
    return socket.AF_INET6 if f == "6" else socket.AF_INET


def send(f, src, dst, port, path, seg=1200):
    data = open(path, "rb").read()
    s = socket.socket(fam(f), socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setsockopt(SOL_UDP, UDP_SEGMENT, seg)
    s.connect((dst, port))
    step = seg * BURST
    for off in range(0, len(data), step):
        s.send(data[off:off + step])
        # Let the receiver keep up: loss would make the test flaky.
        import time
        time.sleep(0.002)


def recv(f, addr, port, out, count):
    s = socket.socket(fam(f), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((addr, port))
    s.settimeout(10)
    with open(out, "wb") as o:
        for _ in range(count):
            try:
                o.write(s.recv(65536))
            except socket.timeout:
                break
            s.settimeout(5)


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "send":
        send(a[2], a[3], a[4], int(a[5]), a[6], *(int(x) for x in a[7:]))
    else:
        recv(a[2], a[3], int(a[4]), a[5], int(a[6]))
