#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn one iperf3 -J result into "who figure value" lines.

argv: who figure cpu_ticks clk_tck; JSON on stdin.
TCP: Gbit/s received.  UDP: delivered pkt/s and loss %.  With a
translator, CPU seconds per GB moved.
"""
import json
import sys

who, fig, ticks, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
try:
    j = json.load(sys.stdin)
    end = j["end"]
except (ValueError, KeyError):
    print(who, fig, "nan")
    sys.exit(0)

if fig.startswith("tcp"):
    s = end["sum_received"]
    print(who, fig + "_gbps", "%.3f" % (s["bits_per_second"] / 1e9))
    moved = s["bytes"]
else:
    s = end["sum"]
    secs = s["seconds"] or 1
    delivered = s["packets"] - s["lost_packets"]
    print(who, fig + "_kpps", "%.1f" % (delivered / secs / 1e3))
    print(who, fig + "_loss_pct", "%.1f" % s["lost_percent"])
    moved = s["bytes"] * (1 - s["lost_percent"] / 100.0)
if ticks > 0 and moved > 0:
    print(who, fig + "_cpu_s_per_gb", "%.2f" % (ticks / hz / (moved / 1e9)))
