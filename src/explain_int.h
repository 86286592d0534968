/*
 * explain_int.h - what the files of 'netverify explain' share: the walk's
 * context, the groups of an end's pods, and the report's item builder.
 * Private to explain_walk.c and explain_ends.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_EXPLAIN_INT_H
#define NETVERIFY_EXPLAIN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/explain.h"
#include "netverify/matrix.h"
#include "netverify/model.h"

struct nv_xctx {
    const struct nv_model *m;
    struct nv_matrix *x; /* for what each combination of the plugin's behaviours allows */
    struct nv_xreport *r;
    struct nv_xport port;
    struct nv_buf b, line;
};

/*
 * A group of an end's pods that explain judges together: an external address,
 * or the pods of one class of the workload (and, at the destination of a named
 * --port, with one resolution of it). 'pods' are pod groups of the model.
 */
struct nv_xgroup {
    struct nv_end end;
    enum nv_proto proto; /* the port the flow is asked on, toward this group */
    unsigned port;
    int has_port; /* 0: a named --port these pods do not declare */
    uint32_t *pods;
    size_t npods;
    unsigned count; /* pods of the workload in the class */
};

struct nv_xgroups {
    struct nv_xgroup *v;
    size_t n, alloc;
};

/* ---- explain_walk.c ---- */

/* Append an item whose line is fmt (it follows a blank line when nv_xr_blank() said so). */
struct nv_xitem *nv_xr_add(struct nv_xreport *r, enum nv_xitem_kind kind, const char *fmt, ...)
    NV_PRINTF(3, 4);
/* The next item follows a blank line. */
void nv_xr_blank(struct nv_xreport *r);
/* The flow from src to dst on X->port, pair of groups by pair, then its verdict. */
void nv_explain_flow(struct nv_xctx *X, const struct nv_xend *src, const struct nv_xend *dst,
                     int proto_given);

/* ---- explain_ends.c ---- */

/*
 * The groups of end e: its pods by class (only the classes e->only lists, when
 * it does), the destination's also by what a named --port resolves to there.
 */
void nv_xend_groups(const struct nv_xctx *X, const struct nv_xend *e, int is_dst, int proto_given,
                    struct nv_xgroups *out);
void nv_xgroups_release(struct nv_xgroups *g);
/* Whether a flow runs from group s to group d: two distinct pods (one workload's class twice). */
int nv_xpair_ok(const struct nv_xend *src, const struct nv_xend *dst, const struct nv_xgroup *s,
                const struct nv_xgroup *d);
/* How many group pairs are flows. */
size_t nv_xpairs(const struct nv_xend *src, const struct nv_xend *dst, const struct nv_xgroups *sg,
                 const struct nv_xgroups *dg);
/* The ports a named --port resolves to on the destination: "TCP 80" or "TCP 80, TCP 81". */
void nv_put_resolved(struct nv_buf *b, const struct nv_xgroups *dg);

#endif
