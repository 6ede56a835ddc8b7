#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Split a translator's CPU per UDP datagram by where perf saw it.

profile.py WHO LEN TICKS HZ IPERF.json PERF.data COMM -> "who len key value" lines
profile.py --report FILE                             -> the table

Shares are of the translator process's perf samples, each counted once:
"own" when it is in user space (the translator and its libraries), else
by the system call its kernel stack lies in (read, poll, write), "rest"
when none (interrupts, the way back from a system call).  tun_do_read
(the TUN's dequeue, copy to user and free) lies inside the read; the
receiving server's UDP socket work lies inside the write, because a veth
delivers on the sender's CPU.  perf samples cpu-clock at 999 Hz across
the machine, so that it does not tax the translator's context switches;
shares are good to a few percent.  Microseconds per datagram = CPU
seconds of the whole run / datagrams delivered.
"""
import collections
import json
import subprocess
import sys

READ = {"do_readv", "ksys_read"}
SERVER = {"__udp4_lib_rcv", "__udp6_lib_rcv"}


def samples(data, comm):
    """Each sample of COMM as its frames, innermost first: (kernel?, sym)."""
    out = subprocess.run(
        ["perf", "script", "-i", data, "--comm", comm, "-F", "ip,sym"],
        capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        f = line.split()
        if not f:
            if frames:
                yield frames
            frames = []
        elif len(f) >= 2:
            frames.append((f[0].startswith("ffff"), f[1]))
    if frames:
        yield frames


def perf_shares(data, comm):
    """Each sample counted once, by the system call it lies in."""
    n = collections.Counter()
    total = 0
    for frames in samples(data, comm):
        total += 1
        syms = {sym for _, sym in frames}
        if not frames[0][0]:
            n["own"] += 1
        elif "do_writev" in syms:
            n["write"] += 1
            n["server_rcv"] += bool(syms & SERVER)
        elif syms & READ:
            n["read"] += 1
            n["tun_do_read"] += "tun_do_read" in syms
        elif "do_sys_poll" in syms:
            n["poll"] += 1
        else:
            n["rest"] += 1
    keys = ("own", "read", "tun_do_read", "poll", "write", "server_rcv", "rest")
    return {k: 100.0 * n[k] / max(total, 1) for k in keys}


def measure(who, length, ticks, hz, js, data, comm):
    try:
        end = json.load(open(js))["end"]["sum"]
    except (ValueError, KeyError):
        print(who, length, "delivered", "nan")
        return
    secs = end["seconds"] or 1
    delivered = end["packets"] - end["lost_packets"]
    cpu = int(ticks) / int(hz)
    print(who, length, "kpps", "%.1f" % (delivered / secs / 1e3))
    print(who, length, "loss_pct", "%.1f" % end["lost_percent"])
    print(who, length, "us_per_dgram", "%.3f" % (cpu / max(delivered, 1) * 1e6))
    print(who, length, "cpu_s_per_gb", "%.2f" % (cpu / max(delivered * int(length), 1) * 1e9))
    for k, v in perf_shares(data, comm).items():
        print(who, length, "pct_" + k, "%.1f" % v)


LINES = [
    ("delivered kpps", "kpps", None),
    ("loss %", "loss_pct", None),
    ("CPU s per GB", "cpu_s_per_gb", None),
    ("CPU us per datagram", "us_per_dgram", None),
    ("  own code (user space)", "us_per_dgram", "pct_own"),
    ("  read() of the TUN", "us_per_dgram", "pct_read"),
    ("    of it tun_do_read", "us_per_dgram", "pct_tun_do_read"),
    ("  poll()", "us_per_dgram", "pct_poll"),
    ("  write to the TUN", "us_per_dgram", "pct_write"),
    ("    of it server's socket", "us_per_dgram", "pct_server_rcv"),
    ("  rest (syscall exit, irqs)", "us_per_dgram", "pct_rest"),
]


def report(path):
    v = {}
    for line in open(path):
        who, length, key, val = line.split()
        v[(who, int(length), key)] = float(val)
    for length in sorted({k[1] for k in v}):
        g = lambda who, key: v.get((who, length, key), float("nan"))
        print("UDP %d B, -b 0%s%s" % (length, " " * 14, "".join("%-20s" % w for w in ("nat64d", "tayga"))))
        for label, key, pct in LINES:
            row = "%-32s" % label
            for who in ("nat64d", "tayga"):
                x = g(who, key)
                if pct:
                    p = g(who, pct)
                    row += "%-20s" % ("%.2f (%.0f %%)" % (x * p / 100, p))
                else:
                    row += "%-20s" % ("%g" % x)
            print(row)
        n, t = g("nat64d", "us_per_dgram"), g("tayga", "us_per_dgram")
        ratio = n / t
        # What the kernel does per datagram in nat64d's context whatever
        # nat64d does: dequeue and copy one datagram per read, then
        # forward, masquerade and deliver what it writes.
        # What nat64d itself could still save: its own code, the read's
        # system call layers around tun_do_read, and poll().
        mine = g("nat64d", "pct_own") + g("nat64d", "pct_read") - \
            g("nat64d", "pct_tun_do_read") + g("nat64d", "pct_poll")
        floor = n * (1 - mine / 100)
        nsrv = n * (1 - g("nat64d", "pct_server_rcv") / 100)
        tsrv = t * (1 - g("tayga", "pct_server_rcv") / 100)
        print("CPU per GB nat64d/tayga: %.2fx" % ratio)
        print("  if nat64d's code, its read syscall layers and poll() were free"
              " (%.0f %% of its CPU): %.2fx" % (mine, floor / t))
        print("  without the server's socket work on either side: %.2fx" % (nsrv / tsrv))
        for who in ("nat64d", "tayga"):
            for key in ("us_per_dgram", "cpu_s_per_gb", "pct_own", "pct_read",
                        "pct_tun_do_read", "pct_write", "pct_server_rcv"):
                print("PROFILE len=%d translator=%s %s=%g" % (length, who, key, g(who, key)))
        print()


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report(sys.argv[2])
    else:
        measure(*sys.argv[1:8])
