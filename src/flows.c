/*
 * flows.c - the flows of a cluster as rows in list's order, from the matrix:
 * adjacent external atoms with the same connections merged into one range.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/flows.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/expose.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/view.h"

void nv_flow_end_workload(struct nv_flow_end *e, const struct nv_model *m, size_t wl)
{
    memset(e, 0, sizeof(*e));
    e->name = m->workloads[wl].id;
    e->kind = m->workloads[wl].kind;
    e->wl = (long)wl;
}

void nv_flow_end_range(struct nv_flow_end *e, const struct nv_iprange *r, char *buf)
{
    e->name = nv_iprange_format(r, buf);
    e->kind = "External";
    e->wl = -1;
    e->r = *r;
}

/* An external range with the connections one workload has with it. */
struct nv_extflow {
    struct nv_flow_key key;
    uint32_t ports, sure;
};

int nv_flow_key_cmp(const void *pa, const void *pb)
{
    const struct nv_flow_key *a = pa, *b = pb;
    int c = nv_ip_cmp(&a->r.first, &b->r.first);

    if (!c)
        c = nv_ip_cmp(&a->r.last, &b->r.last);
    if (c)
        return c;
    return a->wl < b->wl ? -1 : a->wl > b->wl;
}

/* Merge adjacent atoms with equal port sets (both); one entry per maximal range. */
static size_t nv_merge_atoms(const struct nv_atoms *atoms, const uint32_t *ids,
                             const uint32_t *sure, struct nv_extflow *out, size_t wl)
{
    size_t a = 0, n = 0;

    while (a < atoms->n) {
        size_t b;
        if (ids[a] == NV_PORTS_NONE) {
            a++;
            continue;
        }
        b = nv_atoms_run(atoms, ids, sure, a);
        out[n].key.r.first = atoms->cuts[a];
        out[n].key.r.last = nv_atoms_range(atoms, b).last;
        out[n].key.wl = wl;
        out[n].ports = ids[a];
        out[n].sure = sure[a];
        n++;
        a = b + 1;
    }
    return n;
}

/* The state of one walk. */
struct nv_walk {
    const struct nv_model *m;
    struct nv_matrix *x;
    const struct nv_view *v;
    void (*fn)(void *, const struct nv_flow_end *, const struct nv_flow_end *, uint32_t, uint32_t);
    void *ctx;
    uint32_t *row, *srow, *arow, *sarow;
    struct nv_extflow *buf;
    struct nv_flow_end *ends; /* of every workload, made once */
    char addr[NV_IPRANGE_BUFSZ];
};

static void nv_walk_emit(struct nv_walk *W, const struct nv_flow_end *s,
                         const struct nv_flow_end *d, uint32_t ports, uint32_t sure)
{
    if (nv_view_keeps(W->v, s, d))
        W->fn(W->ctx, s, d, ports, sure);
}

/* External sources, sorted by range, then destination. */
static void nv_walk_external(struct nv_walk *W)
{
    const struct nv_model *m = W->m;
    struct nv_extflow *ext = NULL;
    size_t next = 0, extalloc = 0, i;
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < m->nworkloads; i++) {
        size_t n;
        uint32_t u = m->workloads[i].unit;
        if (u != cached) {
            nv_matrix_from_atoms2(W->x, u, W->arow, W->sarow);
            cached = u;
        }
        n = nv_merge_atoms(&m->atoms, W->arow, W->sarow, W->buf, i);
        NV_GROW(ext, extalloc, next + n);
        if (n)
            memcpy(ext + next, W->buf, n * sizeof(*W->buf));
        next += n;
    }
    if (ext)
        qsort(ext, next, sizeof(*ext), nv_flow_key_cmp);
    for (i = 0; i < next; i++) {
        struct nv_flow_end src;
        nv_flow_end_range(&src, &ext[i].key.r, W->addr);
        nv_walk_emit(W, &src, &W->ends[ext[i].key.wl], ext[i].ports, ext[i].sure);
    }
    free(ext);
}

/* Workload sources: external destinations first, then workloads. */
static void nv_walk_workloads(struct nv_walk *W, int self_flows)
{
    const struct nv_model *m = W->m;
    size_t nw = m->nworkloads, i, j, k;
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        const struct nv_flow_end *src = &W->ends[i];
        struct nv_flow_end dst;
        size_t n;
        if (!nv_view_may_leave(W->v, src))
            continue;
        if (u != cached) {
            nv_matrix_row2(W->x, u, W->row, W->srow, W->arow, W->sarow);
            cached = u;
        }
        n = nv_merge_atoms(&m->atoms, W->arow, W->sarow, W->buf, i);
        for (k = 0; k < n; k++) {
            nv_flow_end_range(&dst, &W->buf[k].key.r, W->addr);
            nv_walk_emit(W, src, &dst, W->buf[k].ports, W->buf[k].sure);
        }
        for (j = 0; j < nw; j++) {
            uint32_t id = W->row[m->workloads[j].unit];
            if (j == i)
                id = self_flows ? nv_matrix_self(W->x, (uint32_t)i, W->row) : NV_PORTS_NONE;
            if (id == NV_PORTS_NONE)
                continue;
            nv_walk_emit(W, src, &W->ends[j], id, W->srow[m->workloads[j].unit]);
        }
    }
}

/*
 * The ingress controller's flows (after every workload's: its name sorts
 * last): to each workload, what the policies allow it on the ports the
 * exposure objects route to that workload's pods.
 */
static void nv_walk_controller(struct nv_walk *W)
{
    const struct nv_model *m = W->m;
    struct nv_flow_end src;
    size_t j;

    if (m->ctrl < 0)
        return;
    memset(&src, 0, sizeof(src));
    src.name = NV_CTRL_NAME;
    src.kind = NV_CTRL_KIND;
    src.wl = m->ctrl; /* past the workloads: no filter marks it */
    nv_matrix_row2(W->x, m->workloads[m->ctrl].unit, W->row, W->srow, NULL, NULL);
    for (j = 0; j < m->nworkloads; j++) {
        uint32_t u = m->workloads[j].unit, e = nv_expose_unit_ports(m, u), id;
        if (e == NV_PORTS_NONE || (id = nv_ports_inter(m->ports, W->row[u], e)) == NV_PORTS_NONE)
            continue;
        nv_walk_emit(W, &src, &W->ends[j], id, nv_ports_inter(m->ports, W->srow[u], e));
    }
}

void nv_flows_each(const struct nv_model *m, struct nv_matrix *x, int self_flows,
                   const struct nv_view *v,
                   void (*fn)(void *ctx, const struct nv_flow_end *src,
                              const struct nv_flow_end *dst, uint32_t ports, uint32_t sure),
                   void *ctx)
{
    struct nv_walk W;
    size_t na = m->atoms.n, i;

    memset(&W, 0, sizeof(W));
    W.m = m;
    W.x = x;
    W.v = v;
    W.fn = fn;
    W.ctx = ctx;
    W.row = nv_xmalloc((m->nunits + 1) * sizeof(*W.row));
    W.srow = nv_xmalloc((m->nunits + 1) * sizeof(*W.srow));
    W.arow = nv_xmalloc((na + 1) * sizeof(*W.arow));
    W.sarow = nv_xmalloc((na + 1) * sizeof(*W.sarow));
    W.buf = nv_xmalloc((na + 1) * sizeof(*W.buf));
    W.ends = nv_xmalloc((m->nworkloads + 1) * sizeof(*W.ends));
    for (i = 0; i < m->nworkloads; i++)
        nv_flow_end_workload(&W.ends[i], m, i);
    nv_walk_external(&W);
    nv_walk_workloads(&W, self_flows);
    nv_walk_controller(&W);
    free(W.row);
    free(W.srow);
    free(W.arow);
    free(W.sarow);
    free(W.buf);
    free(W.ends);
}
