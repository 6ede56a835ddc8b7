#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise bench/run.sh's raw lines: medians (min-max) per figure and
translator, ratios nat64d/tayga and nat64d/kernel, one machine-readable
BENCH line per figure, and how noisy the run was (spread of repeats)."""
import collections
import math
import statistics
import sys

vals = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, fig, v = line.split()
    v = float(v)
    if not math.isnan(v):
        vals[(fig, who)].append(v)

figs = sorted({f for f, _ in vals}, key=lambda f: (f.split("_")[0], f))
whos = ["nat64d", "tayga", "kernel"]


def med(fig, who):
    v = vals.get((fig, who))
    return statistics.median(v) if v else None


def cell(fig, who):
    v = vals.get((fig, who))
    if not v:
        return "-"
    return "%.4g (%.4g-%.4g)" % (statistics.median(v), min(v), max(v))


def ratio(a, b):
    return "%.2fx" % (a / b) if a is not None and b else "-"


print()
print("%-24s %-24s %-24s %-24s %9s %9s" %
      ("figure", "nat64d", "tayga", "kernel", "n/tayga", "n/kernel"))
spreads = []
for f in figs:
    n, t, k = med(f, "nat64d"), med(f, "tayga"), med(f, "kernel")
    print("%-24s %-24s %-24s %-24s %9s %9s" %
          (f, cell(f, "nat64d"), cell(f, "tayga"), cell(f, "kernel"),
           ratio(n, t), ratio(n, k)))
    for w in whos:
        v = vals.get((f, w))
        if v and len(v) > 1 and statistics.median(v) > 0:
            spreads.append((max(v) - min(v)) / statistics.median(v))
print()
for f in figs:
    for w in whos:
        m = med(f, w)
        if m is not None:
            print("BENCH figure=%s translator=%s median=%.6g runs=%d" %
                  (f, w, m, len(vals[(f, w)])))
if spreads:
    print("noise: median spread of repeats %.0f%%, worst %.0f%%" %
          (100 * statistics.median(spreads), 100 * max(spreads)))
