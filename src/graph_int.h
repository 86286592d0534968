/*
 * graph_int.h - what the files of the graph builder share: an edge and its
 * ends, the builder's state, the refuted claim parts it marks, what the
 * claims name. Private to graph.c (edges: per workload or namespace, merged,
 * filtered), graph_claims.c (claim marking) and graph_nodes.c (nodes, ids,
 * labels, legend).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_GRAPH_INT_H
#define NETVERIFY_GRAPH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/check.h"
#include "netverify/graph.h"
#include "netverify/port.h"

/*
 * One end of an edge: an external range (atoms a0..a1), or a workload or a
 * namespace ('ns') by index.
 */
struct nv_gep {
    int ext;
    int ns;
    int ctrl; /* the ingress controller: idx is m->ctrl, past the workloads */
    struct nv_iprange r;
    size_t a0, a1;
    size_t idx;
};

struct nv_gedge {
    struct nv_gep s, d;
    uint32_t ports;
    uint32_t sure;  /* of the ports, those allowed under every behaviour the profile leaves open */
    unsigned style; /* enum nv_edge_style; NV_EDGE_DASHED: a blocked flow, not an allowed one */
    char *note;     /* claims it refutes or needs, DOT-escaped lines joined by '\n'; or NULL */
    size_t seq;     /* creation order: ties in sorting, so merged notes keep their order */
};

/* No workload. */
#define NV_NO_WORKLOAD ((size_t)-1)

struct nv_gstate {
    const struct nv_model *m;
    /*
     * The diagram's own port sets: the matrix's (ids of m's table) brought in
     * through nv_gport(), and the unions, intersections and claim ports made
     * here, so that the model is only read
     */
    struct nv_ports pt;
    uint32_t *imp; /* per id of m's table: 1 + its id in pt, or 0 before it is brought in */
    size_t nimp;
    int byns; /* the ends are namespaces (but the focused workloads) */
    /* per workload: focused (drawn on its own when grouped); NULL: no focus */
    unsigned char *focus;
    /* the filters (NULL: none, every flow is drawn) */
    const struct nv_view *view;
    /*
     * per workload: an end in view (--focus, --namespace); NULL without
     * filters, or when an address is an end in view (every row is then read)
     */
    unsigned char *inview;
    struct nv_gedge *edges;
    size_t nedges, alloc, seq;
    char *note; /* why grouped by namespace without being asked, or NULL */
};

/* A refuted claim part the diagram shows: 'cannot reach' or 'only' (red), 'reaches' (dashed). */
struct nv_gmark {
    const struct nv_claim *c;
    enum nv_part_kind kind;
    struct nv_witness w;
};

/*
 * A refuted 'cannot reach' or 'only' part, for namespace grouping: which
 * workloads and atoms may be its sources and destinations, the ports it asks
 * about toward each, and the cells it turned red: namespace pairs (nns x nns),
 * namespace to atom and atom to namespace (nns x atoms each). A namespace edge
 * is red when one workload flow inside it is (what nv_mark_refuting would mark).
 */
struct nv_nsmark {
    const struct nv_claim *c;
    unsigned char *src, *dst;   /* per workload */
    unsigned char *asrc, *adst; /* per atom */
    uint32_t *need, *aneed;     /* per workload, per atom */
    unsigned char *pair, *out, *in;
};

/* What the claims name: per workload and per namespace, 1 if named. */
struct nv_gnamed {
    unsigned char *wl, *ns;
};

/* ---- graph.c ---- */

/* A workload end. */
struct nv_gep nv_graph_gep_idx(size_t idx);
/* The ingress controller's end (m->ctrl >= 0). */
struct nv_gep nv_graph_gep_ctrl(const struct nv_model *m);
/* A workload end not in 'keep' (may be NULL) becomes its namespace's end. */
void nv_graph_gep_to_ns(const struct nv_model *m, struct nv_gep *e, const unsigned char *keep);
/* Add an edge s -> d allowing 'ports' (ids of S's table), 'sure' of them under every behaviour. */
void nv_graph_gadd(struct nv_gstate *S, struct nv_gep s, struct nv_gep d, uint32_t ports,
                   uint32_t sure);
/* Address ranges in order: first address, then last (qsort). */
int nv_graph_range_cmp(const void *pa, const void *pb);

/* ---- graph_claims.c ---- */

size_t nv_graph_decide(struct nv_matrix *x, const struct nv_claims *cs, struct nv_gmark **out);
void nv_graph_refuting(struct nv_gstate *S, const struct nv_gmark *mk, size_t n);
void nv_graph_blocked(struct nv_gstate *S, const struct nv_gmark *mk, size_t n);
char *nv_graph_claim_note(const char *prefix, const struct nv_claim *c);
void nv_graph_note_merge(struct nv_gedge *e, const char *note);
void nv_graph_nsmark_init(struct nv_nsmark *M, struct nv_gstate *S, const struct nv_gmark *mk);
void nv_graph_nsmark_row(struct nv_nsmark *M, struct nv_gstate *S, size_t i, const uint32_t *row,
                         const uint32_t *ain, const uint32_t *aout);
int nv_graph_nsmark_hit(const struct nv_nsmark *M, const struct nv_model *m,
                        const struct nv_gedge *e);
void nv_graph_nsmark_release(struct nv_nsmark *M);
void nv_graph_named_init(struct nv_gnamed *out, const struct nv_model *m,
                         const struct nv_claims *cs);
void nv_graph_named_release(struct nv_gnamed *n);
unsigned char *nv_graph_claimed_namespaces(const struct nv_model *m, const struct nv_gnamed *named,
                                           const unsigned char *skip);

/* ---- graph_nodes.c ---- */

struct nv_iprange *nv_graph_ranges(const struct nv_gstate *S, size_t *n);
void nv_graph_assemble(struct nv_graph *g, const struct nv_gstate *S,
                       const struct nv_gnamed *named);

#endif
