#!/usr/bin/env python3
# bench-plot.py - draw the benchmark's median times against workloads, log-log,
# one line per command and shape, as an SVG (no plotting library needed).
# Usage: bench-plot.py ROWS.tsv OUT.svg   (ROWS: the tab-separated rows of tests/bench.sh)
# SPDX-License-Identifier: Apache-2.0
import math
import sys
from xml.sax.saxutils import escape

W, H = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 250, 30, 60
COLORS = {"list --format summary": "#1f77b4", "list --format json": "#2ca02c",
          "check, 20 claims": "#d62728", "diff, the tree against itself": "#9467bd",
          "diff, one policy changed": "#8c564b"}
DASH = {"common": "", "diverse": "6,4"}


def main():
    if len(sys.argv) != 3:
        print("usage: bench-plot.py ROWS.tsv OUT.svg", file=sys.stderr)
        return 2
    series = {}
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if len(f) < 9:
            continue
        try:
            n, t = int(f[1]), float(f[8])
        except ValueError:
            continue
        series.setdefault((f[0], f[7]), []).append((n, max(t, 0.001)))
    if not series:
        return 0
    xs = [n for pts in series.values() for n, _ in pts]
    ys = [t for pts in series.values() for _, t in pts]
    # the counts hold the two system namespaces' workloads (100,002): a decade's edge is
    # the decade of the nominal size
    x0 = 10 ** math.floor(math.log10(min(xs)) + 0.001)
    x1 = 10 ** math.ceil(math.log10(max(xs)) - 0.001)
    y0, y1 = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))
    if x1 == x0:
        x1 *= 10
    if y1 == y0:
        y1 *= 10

    def px(n):
        return LEFT + (math.log10(n) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * (W - LEFT - RIGHT)

    def py(t):
        return H - BOTTOM - (math.log10(t) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)) * (H - TOP - BOTTOM)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (W, H), '<rect width="100%" height="100%" fill="white"/>']
    d = x0
    while d <= x1:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (px(d), TOP, px(d), H - BOTTOM))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (px(d), H - BOTTOM + 16, "{:,}".format(d)))
        d *= 10
    d = y0
    while d <= y1:
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (LEFT, py(d), W - RIGHT, py(d)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%g s</text>' % (LEFT - 6, py(d) + 4, d))
        d *= 10
    out.append('<text x="%d" y="%d" text-anchor="middle">workloads (log)</text>' % ((LEFT + W - RIGHT) // 2, H - 18))
    out.append('<text x="16" y="%d" text-anchor="middle" transform="rotate(-90 16 %d)">median wall time (log)</text>'
               % ((TOP + H - BOTTOM) // 2, (TOP + H - BOTTOM) // 2))
    ly = TOP
    for (shape, cmd), pts in sorted(series.items()):
        pts.sort()
        color = COLORS.get(cmd, "#555")
        dash = DASH.get(shape, "2,2")
        path = " ".join("%s%.1f,%.1f" % ("M" if i == 0 else "L", px(n), py(t)) for i, (n, t) in enumerate(pts))
        out.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>'
                   % (path, color, ' stroke-dasharray="%s"' % dash if dash else ""))
        for n, t in pts:
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (px(n), py(t), color))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                   % (W - RIGHT + 12, ly, W - RIGHT + 40, ly, color, ' stroke-dasharray="%s"' % dash if dash else ""))
        out.append('<text x="%d" y="%d">%s (%s)</text>' % (W - RIGHT + 46, ly + 4, escape(cmd), escape(shape)))
        ly += 18
    out.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
