/*
 * dot.h - draw a diagram (graph.h) through graphviz: as DOT text (cgraph), or
 * laid out and rendered as SVG, PNG or PDF (gvc).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_DOT_H
#define NETVERIFY_DOT_H

#include <stdio.h>

#include "netverify/graph.h"

/*
 * Above this many nodes (legend nodes not counted) the renderer switches from
 * 'dot' to 'sfdp' with overlap removal: dot's crossing minimisation takes
 * minutes on dense graphs of a few hundred nodes, sfdp a second at 1,000.
 * sfdp draws no cluster boxes.
 */
#define NV_DOT_MAX_NODES NV_GRAPH_MAX_WORKLOAD_NODES
/* Above this many edges edge labels move into tooltips (SVG hover text). */
#define NV_DOT_MAX_LABELS 150

/*
 * Write the diagram g to fp: format "dot" is the DOT text (deterministic:
 * ranges, then namespace boxes with their nodes, then edges, then a legend of
 * the styles used); "svg", "png" and "pdf" are laid out first, with 'dot' for
 * at most NV_DOT_MAX_NODES nodes outside the legend (its effort bounded by
 * mclimit and nslimit), else 'sfdp' (which draws no clusters: the legend
 * becomes one note node). Edge labels that the layout put on top of each
 * other are moved apart. With more than NV_DOT_MAX_LABELS edges, labels
 * become tooltips (all formats). Returns 0, or -1 after printing
 * "netverify: ..." on stderr (unknown format, layout or render failure).
 */
int nv_dot_write(const struct nv_graph *g, FILE *fp, const char *format);

/* The graphviz version, e.g. "2.42.2", for --version. Static storage. */
const char *nv_dot_library_version(void);

#endif
