#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Offline figures that do not depend on machine noise, from
nat64d --translate-pcap (no TUN, no kernel):

  insn_<kind>   instructions per translated packet (callgrind, Ir), for
                tcp6/tcp4 (1440-byte payload), udp6/udp4 (64 bytes),
                icmp6/icmp4 (echo, 56 bytes): a run over N packets minus
                a run over zero packets, divided by N
  scale_*       instructions per packet and offline pkt/s with two EAM
                entries vs 10,000 EAM entries and 60,000 pool leases
                (IPv6 sources each leased first, then measured packets
                spread over all of them)
  rss16_kb      the daemon's peak RSS with a /16 pool fully leased
                (65,534 leases loaded from dynamic.map, real TUN)

Usage: offline.py NAT64D WORKDIR   -> "nat64d FIGURE VALUE" lines
"""
import os
import struct
import subprocess
import sys
import time

NAT64D, WORK = sys.argv[1], sys.argv[2]
N = 2000


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def ip4(src, dst, proto, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64,
                    proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ip6(src, dst, nh, l4):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, 64, src,
                       dst) + l4


def l4(proto, fam, src, dst, payload):
    if proto == 6:
        seg = struct.pack("!HHIIBBHHH", 40000, 5201, 1, 1, 5 << 4, 0x18,
                          512, 0, 0) + payload
        off = 16
    elif proto == 17:
        seg = struct.pack("!HHHH", 40000, 5201, 8 + len(payload), 0) + payload
        off = 6
    else:
        t = 8 if fam == 4 else 128
        seg = struct.pack("!BBHHH", t, 0, 0, 7, 1) + payload
        off = 2
    if proto == 1 or (proto == 58 and False):
        c = csum(seg)
    elif fam == 4:
        c = csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)
    else:
        c = csum(src + dst + struct.pack("!IxxxB", len(seg), proto) + seg)
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def packet(kind, i=0, nsrc=1):
    fam = 6 if kind.endswith("6") else 4
    size = {"tcp": 1440, "udp": 64, "icmp": 56}[kind[:-1]]
    proto = {"tcp": 6, "udp": 17, "icmp": 1 if fam == 4 else 58}[kind[:-1]]
    pay = bytes((i + k) & 0xff for k in range(size))
    if fam == 6:
        s = a6("2001:db8:1::%x:%x" % ((i % nsrc) >> 16, (i % nsrc) & 0xffff))
        d = a6("2001:db8:64::c633:6402")
        return ip6(s, d, proto, l4(proto, 6, s, d, pay))
    s, d = a4("198.51.100.2"), a4("192.0.2.7")
    return ip4(s, d, proto, l4(proto, 4, s, d, pay))


def pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for k, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1000 + k // 1000, k % 1000, len(p),
                                len(p)))
            f.write(p)


def conf(path, nmaps, pool):
    with open(path, "w") as f:
        f.write("tun-device nat64\nipv4-addr 192.168.255.1\n"
                "prefix 2001:db8:64::/96\ndynamic-pool %s\n" % pool)
        f.write("map 192.0.2.7 2001:db8:1::7\n")
        for k in range(1, nmaps):
            f.write("map 10.%d.%d.%d 2001:db8:e::%x\n" %
                    (k >> 16, (k >> 8) & 0xff, k & 0xff, k))


def callgrind(cfg, pc):
    out = os.path.join(WORK, "cg.out")
    r = subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=" + out, NAT64D, "-c", cfg,
                        "--translate-pcap", pc, os.path.join(WORK, "o.pcap")],
                       capture_output=True, text=True)
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split()[-1])
    raise SystemExit("callgrind failed: " + r.stderr[-500:])


def wall(cfg, pc, reps=5):
    best = None
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([NAT64D, "-c", cfg, "--translate-pcap", pc,
                        os.path.join(WORK, "o.pcap")], check=True,
                       capture_output=True)
        d = time.perf_counter() - t
        best = d if best is None or d < best else best
    return best


small = os.path.join(WORK, "small.conf")
conf(small, 1, "192.168.255.0/24")
empty = os.path.join(WORK, "empty.pcap")
pcap(empty, [])
base = callgrind(small, empty)
for kind in ("tcp6", "tcp4", "udp6", "udp4", "icmp6", "icmp4"):
    pc = os.path.join(WORK, kind + ".pcap")
    pcap(pc, [packet(kind, i) for i in range(N)])
    print("nat64d insn_%s %.1f" % (kind, (callgrind(small, pc) - base) / N))

# Scale: the same traffic (from 64 active IPv6 hosts) through small
# tables (two EAM entries, 64 leases) and big ones (10,000 EAM entries,
# 60,000 leases): what the table size costs.  "spread" adds the case of
# traffic scattered over all 60,000 leased hosts, which is bound by cache
# misses rather than by the tables' shape.
LEASES, ACTIVE, M = 60000, 64, 200000
big = os.path.join(WORK, "big.conf")
conf(big, 10000, "100.64.0.0/16")
conf(small, 2, "100.64.0.0/16")
warm_big = [packet("udp6", i, LEASES) for i in range(LEASES)]
warm_small = [packet("udp6", i, ACTIVE) for i in range(ACTIVE)]
meas = [packet("udp6", i * 7919 % ACTIVE, LEASES) for i in range(M)]
spread = [packet("udp6", i * 7919 % LEASES, LEASES) for i in range(M)]
for name, cfg, w, m in (("small", small, warm_small, meas),
                        ("big", big, warm_big, meas),
                        ("spread", big, warm_big, spread)):
    pw, pm = os.path.join(WORK, "w.pcap"), os.path.join(WORK, "m.pcap")
    pcap(pw, w)
    pcap(pm, w + m)
    cw = callgrind(cfg, pw)
    cm = callgrind(cfg, pm)
    print("nat64d scale_insn_%s %.1f" % (name, (cm - cw) / M))
    tw, tm = wall(cfg, pw), wall(cfg, pm)
    print("nat64d scale_pps_%s %.0f" % (name, M / max(tm - tw, 1e-9)))

# RSS of the daemon itself with a /16 dynamic pool fully leased: 65,534
# leases in dynamic.map, loaded at start (the same tables traffic fills),
# the daemon on a real TUN in a scratch namespace.  --translate-pcap is
# not used here: its pcap buffers would count.
ns = "n64rss%d" % os.getpid()
ddir = os.path.join(WORK, "rss")
os.makedirs(ddir, exist_ok=True)
rconf = os.path.join(ddir, "rss.conf")
conf(rconf, 2, "100.64.0.0/16")
with open(rconf, "a") as f:
    f.write("data-dir %s\n" % ddir)
now = int(time.time())
with open(os.path.join(ddir, "dynamic.map"), "w") as f:
    f.write("###\n")
    for i in range(2, 65536):
        f.write("100.64.%d.%d\t2001:db8:aa::%x:%x\t%d\n" %
                (i >> 8, i & 255, i >> 16, i & 0xffff, now - 10))
subprocess.run(["ip", "netns", "add", ns], check=True)
try:
    d = subprocess.Popen(["ip", "netns", "exec", ns, NAT64D, "-c", rconf,
                          "-d"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)		# loading 65,534 lines takes well under that
    with open("/proc/%d/status" % d.pid) as st:
        hwm = dict(l.split(":", 1) for l in st if ":" in l)["VmHWM"]
    d.terminate()
    err = d.communicate(timeout=10)[1]
    if "Loaded 65534 dynamic maps" not in err:
        raise SystemExit("rss run: " + err[-300:])
    print("nat64d rss16_kb %s" % hwm.split()[0])
finally:
    subprocess.run(["ip", "netns", "del", ns])
