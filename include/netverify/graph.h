/*
 * graph.h - the diagram of the allowed flows, before any drawing: nodes
 * (address ranges, namespaces, workloads), namespace boxes, edges with their
 * labels and styles, and the legend entries the styles used need. Built from
 * the model, the matrix and (optionally) claims decided on it; dot.h draws it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_GRAPH_H
#define NETVERIFY_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/claim.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/view.h"

/*
 * Without grouping asked for, a workload diagram of more nodes (workloads and
 * address ranges) than this is drawn per namespace instead: past it dot lays
 * out too slowly and sfdp draws no namespace boxes (PERFORMANCE-NOTES.md
 * section 6). The same bound picks dot or sfdp in dot.c.
 */
#define NV_GRAPH_MAX_WORKLOAD_NODES 50

/* Which nodes the diagram draws. */
enum nv_graph_group {
    NV_GRAPH_AUTO = -1,    /* workload, or namespace past NV_GRAPH_MAX_WORKLOAD_NODES */
    NV_GRAPH_WORKLOAD = 0, /* one node per workload, in one box per namespace */
    NV_GRAPH_NAMESPACE = 1 /* one node per namespace (but focused workloads) */
};

/* What to draw. */
struct nv_graph_opts {
    enum nv_graph_group group;
    /* which flows to draw (view.h: --focus, --namespace, --direction, --peer); NULL: all */
    const struct nv_view *view;
    /*
     * The focused workloads (indices): drawn with a double border, and on a
     * node of their own when grouped by namespace
     */
    const uint32_t *focus;
    size_t nfocus;
    const struct nv_claims *claims; /* decided and marked when not NULL */
};

enum nv_graph_node_kind {
    NV_GRAPH_NODE_RANGE,     /* an external address range */
    NV_GRAPH_NODE_NAMESPACE, /* a namespace (grouped) */
    NV_GRAPH_NODE_WORKLOAD,
    NV_GRAPH_NODE_CONTROLLER, /* the ingress controller (docs/semantics.md, "Exposure") */
};

/* Node and box flags. */
#define NV_GRAPH_NAMED 1u /* a claim names it (yellow) */
#define NV_GRAPH_FOCUS 2u /* a focused workload */

/* How an edge is drawn: flags, combinable. */
enum nv_edge_style {
    NV_EDGE_BOLD = 1,   /* all ports */
    NV_EDGE_RED = 2,    /* refutes a claim */
    NV_EDGE_DASHED = 4, /* a blocked flow a claim needs */
    NV_EDGE_TIER = 8,   /* an Admin or Baseline rule accepts or denies some of its ports */
};

/* What the legend explains: the node kinds and styles the diagram uses. */
enum nv_graph_legend {
    NV_LEG_BOX = 1,            /* workload nodes */
    NV_LEG_NS = 2,             /* namespace nodes */
    NV_LEG_HEXAGON = 4,        /* address ranges */
    NV_LEG_BOLD = 8,           /* bold edges */
    NV_LEG_RED = 16,           /* red edges */
    NV_LEG_DASHED = 32,        /* dashed edges */
    NV_LEG_NAMED = 64,         /* yellow nodes */
    NV_LEG_NAMED_NS = 128,     /* namespace boxes a claim names */
    NV_LEG_FOCUS = 256,        /* focused workloads */
    NV_LEG_CTRL = 512,         /* the ingress controller's node */
    NV_LEG_TIER = 1024,        /* edges an Admin or Baseline rule decides */
    NV_LEG_FOCUS_RANGE = 2048, /* focused address ranges (hexagons) */
    NV_LEG_NAMED_WL = 4096,    /* grouped by namespace: a focused workload a claim names (a box) */
};

struct nv_graph_node {
    enum nv_graph_node_kind kind;
    char *id;       /* unique among the nodes and boxes; no "legend:" prefix */
    char *label;    /* DOT-escaped; "\\n" (backslash, n) breaks lines */
    size_t box;     /* index in boxes, or NV_GRAPH_NO_BOX */
    unsigned flags; /* NV_GRAPH_NAMED, NV_GRAPH_FOCUS */
};

#define NV_GRAPH_NO_BOX ((size_t)-1)

/* A namespace box around its workloads. */
struct nv_graph_box {
    char *id;       /* the namespace's id */
    char *label;    /* DOT-escaped */
    unsigned flags; /* NV_GRAPH_NAMED: a claim names the namespace */
};

struct nv_graph_edge {
    size_t from, to; /* node indices */
    char *label;     /* DOT-escaped; may be empty */
    unsigned style;  /* enum nv_edge_style mask */
};

/*
 * The diagram. Nodes in drawing order: ranges by address, then per namespace
 * (by name) its node or its workloads, then the ingress controller's node; a
 * box comes before its nodes. Edges sorted by their ends.
 */
struct nv_graph {
    struct nv_graph_node *nodes;
    struct nv_graph_box *boxes;
    struct nv_graph_edge *edges;
    size_t nnodes, nboxes, nedges;
    unsigned legend; /* enum nv_graph_legend mask */
    int byns;        /* grouped by namespace */
    char *note;      /* why the diagram was grouped though not asked, or NULL */
};

/*
 * Build the diagram of m's allowed flows (x: the matrix over m) as o says.
 * Claims in o are decided with the matrix engine. m is only read: the port
 * sets the diagram makes are its own. The caller must free the result with
 * nv_graph_free().
 */
struct nv_graph *nv_graph_build(const struct nv_model *m, struct nv_matrix *x,
                                const struct nv_graph_opts *o);

/* Free the diagram; NULL is a no-op. */
void nv_graph_free(struct nv_graph *g);

#endif
