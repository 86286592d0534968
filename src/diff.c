/*
 * diff.c - the changes between two versions of a cluster. Both sides are
 * loaded and computed separately; workloads are matched by namespace/name and
 * kind. External addresses are compared address by address: the atoms of
 * both sides are walked together, so ranges that are cut differently but
 * allow the same connections show no difference. Port sets of OLD are
 * re-interned in NEW's table, so that comparing two sets is comparing two ids.
 * Only the rows and columns diff_dirty.c marks are computed: a clean row is
 * compared at the dirty columns alone (nv_matrix_row_at), a clean
 * destination's flows from outside not at all.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/diff.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/checkrun.h"
#include "netverify/explain.h"
#include "netverify/expose.h"
#include "netverify/lint.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/report.h"
#include "netverify/view.h"

/* A difference on an external range, collected to be sorted by address. */
struct nv_extdiff {
    struct nv_flow_key key;
    uint32_t o, n; /* port sets, both in NEW's table */
    size_t p0, p1; /* while walking: the first and last piece of the range */
};

/*
 * OLD's and NEW's atoms cut each other into pieces, in address order: piece
 * k lies in OLD's atom 'a' and NEW's atom 'b'; 'starts' when it is the first
 * of its family. Computed once; every row is then walked piece by piece.
 */
struct nv_diff_piece {
    uint32_t a, b;
    int starts;
};

static uint32_t nv_xlat(struct nv_diff *D, uint32_t id)
{
    const struct nv_portset *s;

    if (id == NV_PORTS_NONE || id == NV_PORTS_ALL)
        return id;
    if (id >= D->nxlat) {
        size_t n = D->nxlat ? D->nxlat : 64;
        while (n <= id)
            n *= 2;
        D->xlat = nv_xrealloc(D->xlat, n * sizeof(*D->xlat));
        memset(D->xlat + D->nxlat, 0xff, (n - D->nxlat) * sizeof(*D->xlat));
        D->nxlat = n;
    }
    if (D->xlat[id] == UINT32_MAX) {
        s = nv_ports_get(D->old.m->ports, id);
        D->xlat[id] = nv_ports_intern(D->new.m->ports, s->iv, s->n);
    }
    return D->xlat[id];
}

/* The end of a flow for nv_explain(): range e, or workload wl of m. */
static struct nv_end nv_diff_end(const struct nv_model *m, const struct nv_flow_end *e, long wl)
{
    struct nv_end end;

    memset(&end, 0, sizeof(end));
    if (e->wl < 0) {
        end.external = 1;
        end.ip = e->r.first;
    } else {
        const struct nv_workload *w = &m->workloads[wl];
        end.cls = w->npods ? m->pods[w->pods[0]].cls : 0;
    }
    return end;
}

/* The ingress controller as an end for nv_explain(). */
static struct nv_end nv_diff_ctrl_end(const struct nv_model *m)
{
    struct nv_end end;

    memset(&end, 0, sizeof(end));
    end.cls = m->ctrl_cls;
    return end;
}

struct nv_loc nv_diff_loc(struct nv_diff *D, enum nv_row_change k, const struct nv_flow_end *s,
                          const struct nv_flow_end *d)
{
    struct nv_model *m = D->new.m;
    long sw = s->wl >= 0 ? D->w[s->wl].n : -1, dw = d->wl >= 0 ? D->w[d->wl].n : -1;
    struct nv_loc loc = {NULL, 0, 0};
    struct nv_flow_why why;
    struct nv_end se, de;
    int side;

    if ((size_t)s->wl == D->nw) {
        /* the ingress controller: the rule admitting it, else the route exposing the port */
        const struct nv_model *mo = D->old.m;
        size_t from = 0, ofrom = 0;
        const struct nv_backend *b;
        if (m->ctrl < 0 ||
            (k == NV_ROW_REMOVED && (dw < 0 || !nv_expose_next(m, (size_t)dw, 0, &from)))) {
            /* nothing routes there any more: the route of OLD that did */
            b = D->w[d->wl].o >= 0 ? nv_expose_next(mo, (size_t)D->w[d->wl].o, 0, &ofrom) : NULL;
            return b ? b->loc : mo->workloads[mo->ctrl].loc;
        }
        sw = m->ctrl;
    } else if ((s->wl >= 0 && sw < 0) || (d->wl >= 0 && dw < 0)) {
        /* an end is gone from NEW: point at its manifest in OLD */
        long w = d->wl >= 0 && dw < 0 ? D->w[d->wl].o : D->w[s->wl].o;
        return D->old.m->workloads[w].loc;
    }
    se = (size_t)s->wl == D->nw ? nv_diff_ctrl_end(m) : nv_diff_end(m, s, sw);
    de = nv_diff_end(m, d, dw);
    nv_explain(m, &se, &de, NULL, 0, &why);
    for (side = 0; side < 2 && !loc.file; side++) {
        const struct nv_side *sd = side == 0 ? &why.ingress : &why.egress;
        if (!sd->isolated)
            continue;
        if (k != NV_ROW_REMOVED && sd->nadmits)
            loc = sd->admits[0].rule->loc;
        else if (k == NV_ROW_REMOVED && sd->npolicies)
            loc = sd->policies[0]->loc;
    }
    nv_flow_why_release(&why);
    if (!loc.file && sw == m->ctrl && dw >= 0) {
        size_t from = 0;
        const struct nv_backend *b = nv_expose_next(m, (size_t)dw, 0, &from);
        if (b)
            loc = b->loc;
    }
    if (!loc.file)
        loc = m->workloads[dw >= 0 ? dw : sw >= 0 ? sw : 0].loc;
    return loc;
}

/* ---- the walk ---- */

static void nv_make_pieces(struct nv_diff *D)
{
    const struct nv_atoms *ao = &D->old.m->atoms, *an = &D->new.m->atoms;
    size_t a = 0, b = 0, n = 0;
    int fam = -1;

    D->pieces = nv_xmalloc((ao->n + an->n + 1) * sizeof(*D->pieces));
    /* both sides cover the same families, so their atoms end together */
    while (a < ao->n && b < an->n) {
        struct nv_iprange ra = nv_atoms_range(ao, a), rb = nv_atoms_range(an, b);
        int c = nv_ip_cmp(&ra.last, &rb.last);
        D->pieces[n].a = (uint32_t)a;
        D->pieces[n].b = (uint32_t)b;
        D->pieces[n].starts = ra.first.fam != fam;
        fam = ra.first.fam;
        n++;
        if (c <= 0)
            a++;
        if (c >= 0)
            b++;
    }
    D->npieces = n;
}

/* The addresses of pieces p0 .. p1. */
static struct nv_iprange nv_pieces_range(const struct nv_diff *D, size_t p0, size_t p1)
{
    struct nv_iprange r, ra = nv_atoms_range(&D->old.m->atoms, D->pieces[p0].a);
    struct nv_iprange rb = nv_atoms_range(&D->new.m->atoms, D->pieces[p0].b);

    r.first = nv_ip_cmp(&ra.first, &rb.first) > 0 ? ra.first : rb.first;
    ra = nv_atoms_range(&D->old.m->atoms, D->pieces[p1].a);
    rb = nv_atoms_range(&D->new.m->atoms, D->pieces[p1].b);
    r.last = nv_ip_cmp(&ra.last, &rb.last) < 0 ? ra.last : rb.last;
    return r;
}

/*
 * Walk OLD's and NEW's atoms together (either id array may be NULL: nothing
 * allowed) and store every maximal range on which (old, new) is constant and
 * differs. Returns how many.
 */
static size_t nv_segments(struct nv_diff *D, const uint32_t *io, const uint32_t *in, size_t wl,
                          struct nv_extdiff *out)
{
    size_t k, n = 0;
    int open = 0;

    for (k = 0; k < D->npieces; k++) {
        const struct nv_diff_piece *p = &D->pieces[k];
        uint32_t o = io ? nv_xlat(D, io[p->a]) : NV_PORTS_NONE;
        uint32_t v = in ? in[p->b] : NV_PORTS_NONE;
        if (open && !p->starts && out[n - 1].o == o && out[n - 1].n == v) {
            out[n - 1].p1 = k;
        } else if (o != v) {
            out[n].p0 = out[n].p1 = k;
            out[n].key.wl = wl;
            out[n].o = o;
            out[n].n = v;
            n++;
            open = 1;
        } else {
            open = 0;
        }
    }
    for (k = 0; k < n; k++)
        out[k].key.r = nv_pieces_range(D, out[k].p0, out[k].p1);
    return n;
}

static enum nv_row_change nv_kind(uint32_t o, uint32_t n)
{
    return o == NV_PORTS_NONE ? NV_ROW_ADDED : n == NV_PORTS_NONE ? NV_ROW_REMOVED : NV_ROW_CHANGED;
}

/* The end for workload number i: taken from NEW when NEW has it, else from OLD. */
static void nv_diff_wl_end(const struct nv_diff *D, size_t i, struct nv_flow_end *e)
{
    const struct nv_diff_wl *w = &D->w[i];
    const struct nv_model *m = w->n >= 0 ? D->new.m : D->old.m;

    nv_flow_end_workload(e, m, (size_t)(w->n >= 0 ? w->n : w->o));
    e->wl = (long)i;
}

/* One side's dirty columns: their classes and their units of several classes, each once. */
struct nv_dcols {
    uint32_t *cls, *units;
    size_t ncls, nunits;
};

/* The state of one walk. */
struct nv_dwalk {
    struct nv_diff *D;
    void (*fn)(void *, enum nv_row_change, const struct nv_flow_end *, const struct nv_flow_end *,
               uint32_t, uint32_t);
    void *ctx;
    uint32_t *orow, *nrow, *oat, *nat;
    struct nv_extdiff *seg;
    char addr[NV_IPRANGE_BUFSZ];
    int full;     /* compare every flow */
    size_t *cols; /* the dirty columns, in order */
    size_t ncols;
    struct nv_dcols oc, nc; /* their classes in OLD and NEW */
};

/* Whether the flows into workload number j can differ. */
#define NV_DWALK_COL(W, j) ((W)->full || ((W)->D->dirty[j] & NV_DIRTY_COL))
/* Whether the flows out of workload number i can differ toward a clean column. */
#define NV_DWALK_ROW(W, i) ((W)->full || ((W)->D->dirty[i] & NV_DIRTY_ROW))

/* Add the classes of workload wl of m to c (seen: per class, then per unit, of m). */
static void nv_dcols_add(struct nv_dcols *c, const struct nv_model *m, long wl, unsigned char *seen)
{
    uint32_t u = m->workloads[wl].unit;
    const struct nv_unit *un = &m->units[u];
    size_t k;

    if (u >= m->nclasses && !seen[m->nclasses + u]) {
        seen[m->nclasses + u] = 1;
        c->units[c->nunits++] = u;
    }
    for (k = 0; k < un->ncls; k++)
        if (!seen[un->cls[k]]) {
            seen[un->cls[k]] = 1;
            c->cls[c->ncls++] = un->cls[k];
        }
}

/*
 * The dirty columns of both sides; the whole walk instead when there are so
 * many that computing whole rows costs less (the output is the same).
 */
static void nv_dwalk_cols(struct nv_dwalk *W)
{
    struct nv_diff *D = W->D;
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    unsigned char *so = nv_xcalloc(mo->nclasses + mo->nunits + 1, 1);
    unsigned char *sn = nv_xcalloc(mn->nclasses + mn->nunits + 1, 1);
    size_t j, nrows = 0;

    W->cols = nv_xmalloc((D->nw + 1) * sizeof(*W->cols));
    W->oc.cls = nv_xmalloc((mo->nclasses + 1) * sizeof(uint32_t));
    W->oc.units = nv_xmalloc((mo->nunits + 1) * sizeof(uint32_t));
    W->nc.cls = nv_xmalloc((mn->nclasses + 1) * sizeof(uint32_t));
    W->nc.units = nv_xmalloc((mn->nunits + 1) * sizeof(uint32_t));
    for (j = 0; j < D->nw && !W->full; j++) {
        nrows += (D->dirty[j] & NV_DIRTY_ROW) != 0;
        if (!(D->dirty[j] & NV_DIRTY_COL))
            continue;
        W->cols[W->ncols++] = j;
        if (D->w[j].o >= 0)
            nv_dcols_add(&W->oc, mo, D->w[j].o, so);
        if (D->w[j].n >= 0)
            nv_dcols_add(&W->nc, mn, D->w[j].n, sn);
    }
    /* a class cell costs about as much as a few classes of a whole row (NETVERIFY_DIFF=dirty:
     * cells however many, for tests) */
    if ((4 * W->oc.ncls > mo->nclasses || 4 * W->nc.ncls > mn->nclasses) &&
        !(getenv("NETVERIFY_DIFF") && !strcmp(getenv("NETVERIFY_DIFF"), "dirty")))
        W->full = 1;
    if (getenv("NETVERIFY_TIMING")) {
        if (W->full)
            fprintf(stderr, "netverify: diff: every flow compared (%s)\n",
                    D->full_why ? D->full_why : "most columns can differ");
        else
            fprintf(stderr,
                    "netverify: diff: %zu of %zu workloads' flows out, %zu flows in can differ\n",
                    nrows, D->nw, W->ncols);
    }
    free(so);
    free(sn);
}

/* Unit u's row of one side at its dirty columns (entries elsewhere are stale). */
static void nv_dwalk_row_at(struct nv_matrix *x, struct nv_model *m, uint32_t u,
                            const struct nv_dcols *c, uint32_t *row)
{
    size_t k, i;

    nv_matrix_row_at(x, u, c->cls, c->ncls, row);
    for (k = 0; k < c->nunits; k++) {
        const struct nv_unit *v = &m->units[c->units[k]];
        uint32_t id = NV_PORTS_NONE;
        for (i = 0; i < v->ncls; i++)
            id = nv_ports_union(m->ports, id, row[v->cls[i]]);
        row[c->units[k]] = id;
    }
}

static void nv_dwalk_emit(struct nv_dwalk *W, const struct nv_flow_end *s,
                          const struct nv_flow_end *d, uint32_t o, uint32_t n)
{
    if (nv_view_keeps(W->D->view, s, d))
        W->fn(W->ctx, nv_kind(o, n), s, d, o, n);
}

/* External sources: every destination's differences, then sorted by range. */
static void nv_dwalk_external(struct nv_dwalk *W)
{
    struct nv_diff *D = W->D;
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    struct nv_extdiff *ext = NULL;
    size_t next = 0, extalloc = 0, j, k;

    for (j = 0; j < D->nw; j++) {
        const struct nv_diff_wl *w = &D->w[j];
        size_t n;
        if (!NV_DWALK_COL(W, j))
            continue;
        if (w->o >= 0)
            nv_matrix_from_atoms(D->old.x, mo->workloads[w->o].unit, W->oat);
        if (w->n >= 0)
            nv_matrix_from_atoms(D->new.x, mn->workloads[w->n].unit, W->nat);
        n = nv_segments(D, w->o >= 0 ? W->oat : NULL, w->n >= 0 ? W->nat : NULL, j, W->seg);
        NV_GROW(ext, extalloc, next + n);
        if (n)
            memcpy(ext + next, W->seg, n * sizeof(*W->seg));
        next += n;
    }
    if (ext)
        qsort(ext, next, sizeof(*ext), nv_flow_key_cmp);
    for (k = 0; k < next; k++) {
        struct nv_flow_end s, d;
        nv_flow_end_range(&s, &ext[k].key.r, W->addr);
        nv_diff_wl_end(D, ext[k].key.wl, &d);
        nv_dwalk_emit(W, &s, &d, ext[k].o, ext[k].n);
    }
    free(ext);
}

/* The connections from workload number i to number j on both sides (NEW's port ids). */
static void nv_dwalk_pair(struct nv_dwalk *W, size_t i, size_t j, uint32_t *o, uint32_t *n)
{
    struct nv_diff *D = W->D;
    const struct nv_diff_wl *w = &D->w[i], *v = &D->w[j];

    *o = *n = NV_PORTS_NONE;
    if (j == i) {
        if (w->o >= 0)
            *o = nv_xlat(D, nv_matrix_self(D->old.x, (uint32_t)w->o, W->orow));
        if (w->n >= 0)
            *n = nv_matrix_self(D->new.x, (uint32_t)w->n, W->nrow);
        return;
    }
    if (w->o >= 0 && v->o >= 0)
        *o = nv_xlat(D, W->orow[D->old.m->workloads[v->o].unit]);
    if (w->n >= 0 && v->n >= 0)
        *n = W->nrow[D->new.m->workloads[v->n].unit];
}

/* Workload sources: external destinations first, then workloads. */
/* The flow from workload i (end s) to workload j, emitted when the sides differ. */
static void nv_dwalk_cell(struct nv_dwalk *W, const struct nv_flow_end *s, size_t i, size_t j)
{
    struct nv_flow_end d;
    uint32_t o, n;

    if (j == i && !W->D->self_flows)
        return;
    nv_dwalk_pair(W, i, j, &o, &n);
    if (o == n)
        return;
    nv_diff_wl_end(W->D, j, &d);
    nv_dwalk_emit(W, s, &d, o, n);
}

static void nv_dwalk_workloads(struct nv_dwalk *W)
{
    struct nv_diff *D = W->D;
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    size_t i, j, k, n;

    for (i = 0; i < D->nw; i++) {
        const struct nv_diff_wl *w = &D->w[i];
        struct nv_flow_end s, d;
        nv_diff_wl_end(D, i, &s);
        if (!nv_view_may_leave(D->view, &s))
            continue;
        if (!NV_DWALK_ROW(W, i)) {
            /* toward outside and toward clean columns: the same on both sides */
            if (!W->ncols)
                continue;
            if (w->o >= 0)
                nv_dwalk_row_at(D->old.x, D->old.m, mo->workloads[w->o].unit, &W->oc, W->orow);
            if (w->n >= 0)
                nv_dwalk_row_at(D->new.x, D->new.m, mn->workloads[w->n].unit, &W->nc, W->nrow);
            for (k = 0; k < W->ncols; k++)
                nv_dwalk_cell(W, &s, i, W->cols[k]);
            continue;
        }
        if (w->o >= 0)
            nv_matrix_row(D->old.x, mo->workloads[w->o].unit, W->orow, W->oat);
        if (w->n >= 0)
            nv_matrix_row(D->new.x, mn->workloads[w->n].unit, W->nrow, W->nat);
        n = nv_segments(D, w->o >= 0 ? W->oat : NULL, w->n >= 0 ? W->nat : NULL, i, W->seg);
        for (k = 0; k < n; k++) {
            nv_flow_end_range(&d, &W->seg[k].key.r, W->addr);
            nv_dwalk_emit(W, &s, &d, W->seg[k].o, W->seg[k].n);
        }
        for (j = 0; j < D->nw; j++)
            nv_dwalk_cell(W, &s, i, j);
    }
}

/* What side s allows the ingress controller toward its workload wl on the ports routed there. */
static uint32_t nv_dwalk_ctrl_ports(const struct nv_diff_side *s, const uint32_t *row, long wl)
{
    struct nv_model *m = s->m;
    uint32_t u, e;

    if (m->ctrl < 0 || wl < 0)
        return NV_PORTS_NONE;
    u = m->workloads[wl].unit;
    if ((e = nv_expose_unit_ports(m, u)) == NV_PORTS_NONE)
        return NV_PORTS_NONE;
    return nv_ports_inter(m->ports, row[u], e);
}

/*
 * The ingress controller's changes (its name sorts last, as in list): its
 * number is D->nw, past every workload, so that no filter marks it.
 */
static void nv_dwalk_controller(struct nv_dwalk *W)
{
    struct nv_diff *D = W->D;
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    struct nv_flow_end s, d;
    size_t j;

    if (mo->ctrl < 0 && mn->ctrl < 0)
        return;
    memset(&s, 0, sizeof(s));
    s.name = NV_CTRL_NAME;
    s.kind = NV_CTRL_KIND;
    s.wl = (long)D->nw;
    if (mo->ctrl >= 0)
        nv_matrix_row(D->old.x, mo->workloads[mo->ctrl].unit, W->orow, NULL);
    if (mn->ctrl >= 0)
        nv_matrix_row(D->new.x, mn->workloads[mn->ctrl].unit, W->nrow, NULL);
    for (j = 0; j < D->nw; j++) {
        uint32_t o = nv_xlat(D, nv_dwalk_ctrl_ports(&D->old, W->orow, D->w[j].o));
        uint32_t n = nv_dwalk_ctrl_ports(&D->new, W->nrow, D->w[j].n);
        if (o == n)
            continue;
        nv_diff_wl_end(D, j, &d);
        nv_dwalk_emit(W, &s, &d, o, n);
    }
}

void nv_diff_each(struct nv_diff *D,
                  void (*fn)(void *ctx, enum nv_row_change k, const struct nv_flow_end *src,
                             const struct nv_flow_end *dst, uint32_t before, uint32_t after),
                  void *ctx)
{
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    struct nv_dwalk W;

    memset(&W, 0, sizeof(W));
    W.D = D;
    W.fn = fn;
    W.ctx = ctx;
    W.orow = nv_xmalloc((mo->nunits + 1) * sizeof(*W.orow));
    W.nrow = nv_xmalloc((mn->nunits + 1) * sizeof(*W.nrow));
    W.oat = nv_xmalloc((mo->atoms.n + 1) * sizeof(*W.oat));
    W.nat = nv_xmalloc((mn->atoms.n + 1) * sizeof(*W.nat));
    W.seg = nv_xmalloc((mo->atoms.n + mn->atoms.n + 1) * sizeof(*W.seg));
    if (!D->pieces)
        nv_make_pieces(D);
    if (!D->dirty)
        nv_diff_dirty(D);
    W.full = D->full_why != NULL;
    nv_dwalk_cols(&W);
    nv_dwalk_external(&W);
    nv_dwalk_workloads(&W);
    nv_dwalk_controller(&W);
    free(W.cols);
    free(W.oc.cls);
    free(W.oc.units);
    free(W.nc.cls);
    free(W.nc.units);
    free(W.orow);
    free(W.nrow);
    free(W.oat);
    free(W.nat);
    free(W.seg);
}

void nv_diff_match(struct nv_diff *D)
{
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    size_t a = 0, b = 0, n = 0;

    D->w = nv_xmalloc((mo->nworkloads + mn->nworkloads + 1) * sizeof(*D->w));
    D->onum = nv_xmalloc((mo->nworkloads + 1) * sizeof(*D->onum));
    D->nnum = nv_xmalloc((mn->nworkloads + 1) * sizeof(*D->nnum));
    /* both sides are sorted by id, then kind */
    while (a < mo->nworkloads || b < mn->nworkloads) {
        int c;
        if (a == mo->nworkloads)
            c = 1;
        else if (b == mn->nworkloads)
            c = -1;
        else if (!(c = strcmp(mo->workloads[a].id, mn->workloads[b].id)))
            c = strcmp(mo->workloads[a].kind, mn->workloads[b].kind);
        if (c <= 0)
            D->onum[a] = (long)n;
        if (c >= 0)
            D->nnum[b] = (long)n;
        D->w[n].o = c <= 0 ? (long)a++ : -1;
        D->w[n].n = c >= 0 ? (long)b++ : -1;
        n++;
    }
    D->nw = n;
}

/* ---- claims ---- */

enum nv_cverdict { NV_CV_HOLDS, NV_CV_REFUTED, NV_CV_UNDECIDED, NV_CV_ERROR, NV_CV_DEPENDS };

static enum nv_cverdict nv_diff_claim_verdict(const struct nv_diff_side *s, size_t i)
{
    if (s->claim_err[i])
        return NV_CV_ERROR;
    switch (nv_result_verdict(&s->results[i])) {
    case NV_HOLDS:
        return NV_CV_HOLDS;
    case NV_REFUTED:
        return NV_CV_REFUTED;
    case NV_DEPENDS:
        return NV_CV_DEPENDS;
    default:
        return NV_CV_UNDECIDED;
    }
}

static const char *const k_cverdict[] = {"holds", "refuted", "undecided", "error", "depends"};

/* The counterexample of part p of claim i on one side, told by 'tell'. */
static char *nv_diff_claim_cex_text(const struct nv_diff_side *s, size_t i, size_t p,
                                    char *(*tell)(const struct nv_model *, const struct nv_cex *))
{
    struct nv_cex x;
    char *text;

    nv_cex_build(s->m, &s->claims.items[i], &s->results[i].parts[p], &x);
    text = tell(s->m, &x);
    nv_cex_release(&x);
    return text;
}

/* What stands behind a claim's verdict on one side: the counterexample or the error. */
static char *nv_diff_claim_detail(const struct nv_diff_side *s, size_t i)
{
    const struct nv_result *r = &s->results[i];
    size_t p;

    if (s->claim_err[i])
        return nv_xstrdup(s->claim_err[i]);
    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_REFUTED)
            return nv_diff_claim_cex_text(s, i, p, nv_report_headline);
    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_DEPENDS)
            return nv_diff_claim_cex_text(s, i, p, nv_report_depends);
    return NULL;
}

size_t nv_diff_claims(const struct nv_diff *D, void (*fn)(void *ctx, const struct nv_row_claim *c),
                      void *ctx)
{
    const struct nv_claims *cl = &D->new.claims;
    size_t i, worse = 0;

    for (i = 0; i < cl->n; i++) {
        const struct nv_claim *c = &cl->items[i];
        enum nv_cverdict vo = nv_diff_claim_verdict(&D->old, i),
                         vn = nv_diff_claim_verdict(&D->new, i);
        struct nv_row_claim row;
        char *why;
        if (vo == vn)
            continue;
        worse += vo == NV_CV_HOLDS;
        why = nv_diff_claim_detail(&D->new, i);
        row.text = c->text;
        row.name = c->name;
        row.before = k_cverdict[vo];
        row.after = k_cverdict[vn];
        row.detail = why;
        row.worse = vo == NV_CV_HOLDS;
        row.loc = c->loc;
        fn(ctx, &row);
        free(why);
    }
    return worse;
}

/* Whether d holds a diagnostic of e's severity at e's place with e's message. */
static int nv_diff_has_diag(const struct nv_diags *d, const struct nv_diag *e)
{
    size_t k;

    for (k = 0; k < d->n; k++)
        if (d->items[k].sev == e->sev && d->items[k].loc.line == e->loc.line &&
            d->items[k].loc.col == e->loc.col && !strcmp(d->items[k].msg, e->msg) &&
            !strcmp(d->items[k].loc.file ? d->items[k].loc.file : "",
                    e->loc.file ? e->loc.file : ""))
            return 1;
    return 0;
}

/*
 * A claim that resolves on neither side cannot change its verdict: a typo must
 * not pass quietly. What resolving said short of an error (a named port some
 * destination pods lack, hostNetwork pods) is said once, with the side when
 * only one side says it.
 */
size_t nv_diff_unresolved(const struct nv_diff *D)
{
    static const char *const side_name[] = {"NEW", "OLD"};
    struct nv_diags out;
    size_t i, k, n = 0;
    int side, both;

    nv_diags_init(&out);
    for (i = 0; i < D->new.claims.n; i++) {
        both = D->new.claim_err[i] && D->old.claim_err[i];
        n += (size_t)both;
        for (side = 0; side < 2; side++) {
            const struct nv_diags *d = side ? &D->old.claim_diags[i] : &D->new.claim_diags[i];
            const struct nv_diags *other = side ? &D->new.claim_diags[i] : &D->old.claim_diags[i];
            for (k = 0; k < d->n; k++) {
                const struct nv_diag *e = &d->items[k];
                void (*say)(struct nv_diags *, struct nv_loc, enum nv_code, const char *, ...) =
                    e->sev == NV_SEV_NOTE ? nv_diag_note : nv_diag_warning;
                if (e->sev == NV_SEV_ERROR) {
                    if (both && !nv_diff_has_diag(&out, e))
                        nv_diag_error(&out, e->loc, e->code, "%s", e->msg);
                } else if (nv_diff_has_diag(other, e)) {
                    if (!side)
                        say(&out, e->loc, e->code, "%s", e->msg);
                } else {
                    say(&out, e->loc, e->code, "%s (in %s only)", e->msg, side_name[side]);
                }
            }
        }
    }
    nv_diags_print(&out, stderr);
    nv_diags_release(&out);
    return n;
}

/* ---- loading ---- */

/* Load one side's manifests and claims, the model unfinished; diagnostics into d. */
static int nv_diff_side_read(struct nv_diff_side *s, const struct nv_load_opts *lo,
                             const char *claims_path, struct nv_diags *d)
{
    s->m = nv_load_unfinished(&s->path, 1, lo, d);
    if (s->m && claims_path)
        nv_claims_load_max(&s->claims, claims_path, lo->max_claims, s->m, d);
    return s->m && !d->nerr ? 0 : -1;
}

static void *nv_diff_lint_run(void *arg)
{
    struct nv_diff_side *s = arg;

    s->nlint = nv_lint_count(s->m);
    return NULL;
}

/*
 * Finish one side read by nv_diff_side_read(), its diagnostics into d (the
 * caller prints them); with 'lint', count lint's warnings on it; then decide
 * the claims. Returns 0, or -1 on errors.
 */
static int nv_diff_side_finish(struct nv_diff_side *s, const char *claims_path, int lint,
                               struct nv_diags *d)
{
    pthread_t lint_thread;
    int threaded = 0;
    size_t i;

    nv_model_finish(s->m, d);
    if (d->nerr)
        return -1;
    /* the count beside the engine's construction, in a thread of its own: both only read the
     * finished model, and the core the other side's finish leaves idle takes it */
    if (lint && !(threaded = pthread_create(&lint_thread, NULL, nv_diff_lint_run, s) == 0))
        nv_diff_lint_run(s);
    s->x = nv_matrix_new(s->m);
    if (threaded && pthread_join(lint_thread, NULL) != 0)
        NV_BUG("cannot join the thread of NEW's lint count");
    if (!claims_path)
        return 0;
    s->claim_err = nv_xcalloc(s->claims.n + 1, sizeof(*s->claim_err));
    s->claim_diags = nv_xcalloc(s->claims.n + 1, sizeof(*s->claim_diags));
    s->results = nv_xcalloc(s->claims.n + 1, sizeof(*s->results));
    for (i = 0; i < s->claims.n; i++) {
        struct nv_diags *rd = &s->claim_diags[i];
        nv_diags_init(rd);
        if (nv_claim_resolve(&s->claims.items[i], s->m, rd) < 0) {
            size_t k;
            for (k = 0; k < rd->n && rd->items[k].sev != NV_SEV_ERROR; k++)
                ;
            s->claim_err[i] = nv_xstrdup(k < rd->n ? rd->items[k].msg : "does not resolve");
        } else {
            nv_check_matrix(s->x, &s->claims.items[i], &s->results[i]);
        }
    }
    return 0;
}

/* One side's read or finish, for a thread of its own. */
struct nv_diff_job {
    struct nv_diff_side *s;
    struct nv_load_opts lo; /* the caller's, counting into 'stats' */
    struct nv_load_stats stats;
    const char *claims_path;
    struct nv_diags d;
    int finish; /* 0: nv_diff_side_read(), 1: nv_diff_side_finish() */
    int lint;   /* nv_diff_side_finish(): count lint's warnings (NEW's) */
    int rc;
};

static void *nv_diff_job_run(void *arg)
{
    struct nv_diff_job *j = arg;

    j->rc = j->finish ? nv_diff_side_finish(j->s, j->claims_path, j->lint, &j->d)
                      : nv_diff_side_read(j->s, &j->lo, j->claims_path, &j->d);
    return NULL;
}

/* Both jobs at once: OLD's (job[0]) in a thread of its own, NEW's in this one. */
static void nv_diff_jobs_run(struct nv_diff_job *job)
{
    pthread_t old_thread;
    int threaded = pthread_create(&old_thread, NULL, nv_diff_job_run, &job[0]) == 0;

    if (!threaded)
        nv_diff_job_run(&job[0]);
    nv_diff_job_run(&job[1]);
    if (threaded && pthread_join(old_thread, NULL) != 0)
        NV_BUG("cannot join the thread of OLD");
}

int nv_diff_load(struct nv_diff *D, const struct nv_load_opts *lo, const char *claims_path)
{
    struct nv_diff_job job[2];
    struct nv_diags *dold = &job[0].d, *dnew = &job[1].d;
    int k, rc = -1, quiet = !strcmp(D->old.path, D->new.path);

    for (k = 0; k < 2; k++) {
        job[k].s = k ? &D->new : &D->old;
        job[k].lo = *lo;
        memset(&job[k].stats, 0, sizeof(job[k].stats));
        if (lo->stats)
            job[k].lo.stats = &job[k].stats;
        job[k].claims_path = claims_path;
        job[k].finish = 0;
        job[k].lint = k == 1;
        nv_diags_init(&job[k].d);
    }
    /* the two sides share nothing but the options, which they read: read both at once, and
     * print what a read of one after the other would */
    nv_diff_jobs_run(job);
    for (k = 0; k < 2; k++)
        if (lo->stats)
            nv_load_stats_add(lo->stats, &job[k].stats);
    if (job[0].rc < 0) {
        nv_diags_print(dold, stderr);
        goto out;
    }
    if (job[1].rc < 0) {
        nv_diags_print(dold, stderr);
        nv_diags_print(dnew, stderr);
        goto out;
    }
    /* the sides are compared over one set of families: IPv6 on both when either mentions it */
    if (D->old.m->famauto && D->new.m->famauto) {
        int ipv6 = nv_model_names_ipv6(D->old.m) || nv_model_names_ipv6(D->new.m);
        nv_model_settle_families(D->old.m, ipv6);
        nv_model_settle_families(D->new.m, ipv6);
        if (!ipv6)
            nv_model_note_ipv4(dold);
    }
    /* finish both at once; OLD's diagnostics, then NEW's (only its errors of one path twice),
     * nothing of NEW after errors in OLD */
    job[0].finish = job[1].finish = 1;
    nv_diff_jobs_run(job);
    nv_diags_print(dold, stderr);
    if (job[0].rc < 0)
        goto out;
    if (!quiet || dnew->nerr)
        nv_diags_print(dnew, stderr);
    if (job[1].rc == 0)
        rc = 0;
out:
    if (rc < 0 && dold->nerr == 0 && dnew->nerr == 0)
        NV_BUG("load failed without a diagnostic");
    for (k = 0; k < 2; k++) {
        nv_load_stats_release(&job[k].stats);
        nv_diags_release(&job[k].d);
    }
    return rc;
}

static void nv_diff_side_release(struct nv_diff_side *s)
{
    size_t i;

    if (s->claim_err)
        for (i = 0; i < s->claims.n; i++)
            free(s->claim_err[i]);
    free(s->claim_err);
    if (s->claim_diags)
        for (i = 0; i < s->claims.n; i++)
            nv_diags_release(&s->claim_diags[i]);
    free(s->claim_diags);
    free(s->results);
    nv_claims_release(&s->claims);
    nv_matrix_free(s->x);
    nv_model_free(s->m);
}

void nv_diff_release(struct nv_diff *D)
{
    free(D->w);
    free(D->dirty);
    free(D->onum);
    free(D->nnum);
    free(D->xlat);
    free(D->pieces);
    nv_diff_side_release(&D->old);
    nv_diff_side_release(&D->new);
}
