#!/usr/bin/env python3
"""check-layout.py - whether the edge labels of a diagram 'netverify graph'
rendered as SVG stand clear of each other, of the nodes and of the namespace
boxes' titles. Text widths are estimated from Times-Roman's advance widths
(the SVG does not carry them) and every box is shrunk by a point, so only a
real overlap counts.

Usage: check-layout.py FILE.svg...   (exit 1 if any label overlaps; -v lists them)
SPDX-License-Identifier: Apache-2.0
"""
import html
import re
import sys

# Times-Roman advance widths in thousandths of an em (the Adobe metrics)
WIDTH = {c: 500 for c in "0123456789"}
WIDTH.update({" ": 250, ",": 250, ".": 250, ";": 278, ":": 278, "-": 333, "/": 278,
              "?": 444, "(": 333, ")": 333, "[": 333, "]": 333, "'": 180, '"': 408,
              "_": 500, "#": 500, "&": 778, "=": 564, "<": 564, ">": 564})
WIDTH.update({c: 444 for c in "abcdeghknopqsuvxyz"})
WIDTH.update({c: 278 for c in "fijlrt"})
WIDTH.update({"m": 778, "w": 722})
WIDTH.update({c: 722 for c in "ABCDGHKNOQRUVXY"})
WIDTH.update({c: 611 for c in "EFLPTZ"})
WIDTH.update({"I": 333, "J": 389, "M": 889, "S": 556, "W": 944})

TEXT = re.compile(r'<text[^>]*\bx="([-\d.]+)" y="([-\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>(.*?)</text>')
POINTS = re.compile(r'<(?:polygon|ellipse)[^>]*?(?:points="([^"]*)"|cx="([-\d.]+)" cy="([-\d.]+)" rx="([-\d.]+)" ry="([-\d.]+)")')


def text_box(x, y, size, text):
    w = sum(WIDTH.get(c, 500) for c in html.unescape(text)) * size / 1000
    return [x - w / 2, y - 0.8 * size, x + w / 2, y + 0.2 * size]


def shrink(b, d=1.0):
    return [b[0] + d, b[1] + d, b[2] - d, b[3] - d]


def hit(a, b):
    a, b = shrink(a), shrink(b)
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def parse(svg):
    labels, nodes, titles = [], [], []
    for m in re.finditer(r'<g id="(\w+?)\d+" class="(node|edge|cluster)">(.*?)</g>', svg, re.S):
        kind, body = m.group(2), m.group(3)
        texts = [text_box(float(t[0]), float(t[1]), float(t[2]), t[3]) for t in TEXT.findall(body)]
        if kind == "edge":
            if texts:  # the lines of one label make one box
                labels.append([min(t[0] for t in texts), min(t[1] for t in texts),
                               max(t[2] for t in texts), max(t[3] for t in texts)])
        elif kind == "cluster":
            titles.extend(texts)
        else:
            p = POINTS.search(body)
            if not p:
                continue
            if p.group(1):
                xy = [tuple(map(float, q.split(","))) for q in p.group(1).split()]
                xs, ys = [q[0] for q in xy], [q[1] for q in xy]
                nodes.append([min(xs), min(ys), max(xs), max(ys)])
            else:
                cx, cy, rx, ry = map(float, p.group(2, 3, 4, 5))
                nodes.append([cx - rx, cy - ry, cx + rx, cy + ry])
    return labels, nodes, titles


def overlaps(svg):
    labels, nodes, titles = parse(svg)
    found = []
    for i, a in enumerate(labels):
        found += [("label", a, b) for b in labels[:i] if hit(a, b)]
        found += [("node", a, b) for b in nodes if hit(a, b)]
        found += [("box title", a, b) for b in titles if hit(a, b)]
    return labels, found


def main(argv):
    verbose = "-v" in argv
    files = [a for a in argv if a != "-v"]
    bad = 0
    for f in files:
        labels, found = overlaps(open(f, encoding="utf-8").read())
        kinds = {}
        for k, _, _ in found:
            kinds[k] = kinds.get(k, 0) + 1
        print("%s: %d labels, %d overlaps%s" % (f, len(labels), len(found),
              "".join(" (%s: %d)" % kv for kv in sorted(kinds.items()))))
        if verbose:
            for k, a, b in found:
                print("  label at %.0f,%.0f over %s at %.0f,%.0f" % (a[0], a[1], k, b[0], b[1]))
        bad += bool(found)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
