/*
 * dot.h - reachability diagrams through graphviz: build a graph of named
 * nodes (optionally grouped in per-namespace clusters) and edges, then write
 * it as DOT text (cgraph) or render it as SVG, PNG or PDF (gvc).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_DOT_H
#define NETVERIFY_DOT_H

#include <stdio.h>

/*
 * Above this many nodes (legend nodes not counted) the renderer switches from
 * 'dot' to 'sfdp' with overlap removal: dot's crossing minimisation takes
 * minutes on dense graphs of a few hundred nodes, sfdp a second at 1,000.
 * sfdp draws no cluster boxes.
 */
#define NV_GRAPH_DOT_MAX_NODES 50
/* Above this many edges edge labels move into tooltips (SVG hover text). */
#define NV_GRAPH_MAX_LABELS 150

struct nv_graph;
struct nv_graph_cluster;

/*
 * A new, empty directed graph called 'name'. Nodes default to shape=box.
 * The caller must free the result with nv_graph_free().
 */
struct nv_graph *nv_graph_new(const char *name);

/*
 * The subgraph "cluster_<id>" labelled 'label', created on first use (clusters
 * are written in creation order). Owned by the graph.
 */
struct nv_graph_cluster *nv_graph_cluster(struct nv_graph *g, const char *id, const char *label);

/*
 * The legend's subgraph, "cluster:legend" labelled "legend" (no namespace can
 * have that name), created on first use. Its nodes do not count as nodes of
 * the graph when the layout engine is chosen. Owned by the graph.
 */
struct nv_graph_cluster *nv_graph_legend_cluster(struct nv_graph *g);

/*
 * Add the node 'id' with 'label' ("\n" in the DOT sense, i.e. backslash-n,
 * breaks lines; names in it escaped with nv_escape_dot()) and 'shape' (NULL:
 * the default box) to 'cluster', or to the top level when cluster is NULL.
 * Returns 0, or -1 if the node exists already: callers choose ids that name
 * one node each.
 */
int nv_graph_node(struct nv_graph *g, struct nv_graph_cluster *cluster, const char *id,
                  const char *label, const char *shape);

/*
 * Set attribute 'key' of the existing node 'id' to 'value'. Returns 0, or -1
 * if the node is unknown.
 */
int nv_graph_node_attr(struct nv_graph *g, const char *id, const char *key, const char *value);

/* How an edge is drawn: flags for nv_graph_edge(), combinable. */
enum nv_edge_style {
    NV_EDGE_BOLD = 1,   /* style=bold */
    NV_EDGE_RED = 2,    /* color=red, fontcolor=red */
    NV_EDGE_DASHED = 4, /* style=dashed */
};

/*
 * Add an edge between two existing nodes, labelled 'label', drawn as 'style'
 * says (a mask of enum nv_edge_style, 0 for plain). Returns 0, or -1 if either
 * node is unknown.
 */
int nv_graph_edge(struct nv_graph *g, const char *from, const char *to, const char *label,
                  unsigned style);

/*
 * Write the graph to fp: format "dot" is the DOT text in creation order
 * (deterministic); "svg", "png" and "pdf" are laid out first, with 'dot' for
 * at most NV_GRAPH_DOT_MAX_NODES nodes outside the legend (its effort bounded
 * by mclimit and nslimit), else 'sfdp' (which draws no clusters: the legend
 * becomes one note node). Edge labels that the layout put on top of each
 * other are moved apart. With more than NV_GRAPH_MAX_LABELS edges, labels
 * become tooltips (all formats). Rendering changes the graph as described.
 * Returns 0, or -1 after printing "netverify: ..." on stderr (unknown format,
 * layout or render failure). May be called more than once.
 */
int nv_graph_write(struct nv_graph *g, FILE *fp, const char *format);

/* Number of edges added so far. */
size_t nv_graph_nedges(const struct nv_graph *g);

/* Free the graph and everything in it; NULL is a no-op. */
void nv_graph_free(struct nv_graph *g);

/* The graphviz version, e.g. "2.42.2", for --version. Static storage. */
const char *nv_graph_library_version(void);

#endif
