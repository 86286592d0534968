/*
 * graph.c - the diagram of the allowed flows: edges per workload or per
 * namespace from the matrix, filtered, grouped and merged; the claims marked
 * on them in graph_claims.c, the nodes and labels drawn in graph_nodes.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/explain.h"
#include "netverify/expose.h"
#include "netverify/flows.h"

/* Port set id of the model's table as an id of S's own. */
static uint32_t nv_gport(struct nv_gstate *S, uint32_t id)
{
    const struct nv_portset *set;

    if (id == NV_PORTS_NONE || id == NV_PORTS_ALL)
        return id;
    if (id >= S->nimp) {
        size_t n = S->m->ports->nsets > id ? S->m->ports->nsets : (size_t)id + 1;
        S->imp = nv_xrealloc(S->imp, n * sizeof(*S->imp));
        memset(S->imp + S->nimp, 0, (n - S->nimp) * sizeof(*S->imp));
        S->nimp = n;
    }
    if (!S->imp[id]) {
        set = nv_ports_get(S->m->ports, id);
        S->imp[id] = 1 + nv_ports_intern(&S->pt, set->iv, set->n);
    }
    return S->imp[id] - 1;
}

/* The n ids of the model's table in v, in place, as ids of S's own. */
static void nv_gports(struct nv_gstate *S, uint32_t *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        v[i] = nv_gport(S, v[i]);
}

/* Say why the diagram is grouped by namespace: "WHY: grouped by namespace (...)". */
static void nv_gstate_note(struct nv_gstate *S, const char *fmt, ...) NV_PRINTF(2, 3);

static void nv_gstate_note(struct nv_gstate *S, const char *fmt, ...)
{
    struct nv_buf b;
    va_list ap;

    nv_buf_init(&b, 0);
    va_start(ap, fmt);
    nv_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    nv_buf_puts(&b, ": grouped by namespace (--group workload draws each workload)");
    free(S->note);
    S->note = nv_buf_detach(&b);
}

static int nv_gep_cmp(const struct nv_gep *a, const struct nv_gep *b)
{
    if (a->ext != b->ext)
        return a->ext ? -1 : 1; /* external ranges first, as 'list' */
    if (a->ext) {
        int c = nv_ip_cmp(&a->r.first, &b->r.first);
        return c ? c : nv_ip_cmp(&a->r.last, &b->r.last);
    }
    if (a->ctrl != b->ctrl)
        return a->ctrl ? 1 : -1; /* the ingress controller last, as 'list' */
    if (a->ns != b->ns)
        return a->ns ? 1 : -1; /* the focused workload before namespaces */
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Edges with the same ends and the same kind (allowed or blocked) are one edge. */
static int nv_gedge_key_cmp(const struct nv_gedge *a, const struct nv_gedge *b)
{
    int c = nv_gep_cmp(&a->s, &b->s);

    if (!c)
        c = nv_gep_cmp(&a->d, &b->d);
    if (!c)
        c = (int)(a->style & NV_EDGE_DASHED) - (int)(b->style & NV_EDGE_DASHED);
    return c;
}

static int nv_gedge_cmp(const void *pa, const void *pb)
{
    const struct nv_gedge *a = pa, *b = pb;
    int c = nv_gedge_key_cmp(a, b);

    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

int nv_graph_range_cmp(const void *pa, const void *pb)
{
    const struct nv_iprange *a = pa, *b = pb;
    int c = nv_ip_cmp(&a->first, &b->first);

    return c ? c : nv_ip_cmp(&a->last, &b->last);
}

void nv_graph_gadd(struct nv_gstate *S, struct nv_gep s, struct nv_gep d, uint32_t ports,
                   uint32_t sure)
{
    NV_GROW(S->edges, S->alloc, S->nedges + 1);
    S->edges[S->nedges].s = s;
    S->edges[S->nedges].d = d;
    S->edges[S->nedges].ports = ports;
    S->edges[S->nedges].sure = sure;
    S->edges[S->nedges].style = ports == NV_PORTS_ALL ? NV_EDGE_BOLD : 0;
    S->edges[S->nedges].note = NULL;
    S->edges[S->nedges].seq = S->seq++;
    S->nedges++;
}

/* Drop every edge (to build the diagram again at another level). */
static void nv_gstate_clear(struct nv_gstate *S)
{
    size_t i;

    for (i = 0; i < S->nedges; i++)
        free(S->edges[i].note);
    S->nedges = 0;
}

/* A workload end. */
struct nv_gep nv_graph_gep_idx(size_t idx)
{
    struct nv_gep e;

    memset(&e, 0, sizeof(e));
    e.idx = idx;
    return e;
}

struct nv_gep nv_graph_gep_ctrl(const struct nv_model *m)
{
    struct nv_gep e = nv_graph_gep_idx((size_t)m->ctrl);

    e.ctrl = 1;
    return e;
}

/* A namespace end. */
static struct nv_gep nv_gep_ns(size_t ns)
{
    struct nv_gep e = nv_graph_gep_idx(ns);

    e.ns = 1;
    return e;
}

/* A workload end not in 'keep' (may be NULL) becomes its namespace's end. */
void nv_graph_gep_to_ns(const struct nv_model *m, struct nv_gep *e, const unsigned char *keep)
{
    if (e->ext || e->ns || e->ctrl || (keep && keep[e->idx]))
        return;
    e->idx = m->workloads[e->idx].ns;
    e->ns = 1;
}

/*
 * Merge adjacent atoms with equal port sets into maximal ranges (as 'list'
 * does); add one edge per range, inbound (range -> end) or outbound.
 */
static void nv_gadd_atoms(struct nv_gstate *S, const uint32_t *ids, const uint32_t *sure,
                          struct nv_gep end, int inbound)
{
    const struct nv_atoms *atoms = &S->m->atoms;
    size_t a = 0;

    while (a < atoms->n) {
        size_t b;
        struct nv_gep ext;
        if (ids[a] == NV_PORTS_NONE) {
            a++;
            continue;
        }
        b = nv_atoms_run(atoms, ids, sure, a);
        memset(&ext, 0, sizeof(ext));
        ext.ext = 1;
        ext.r.first = atoms->cuts[a];
        ext.r.last = nv_atoms_range(atoms, b).last;
        ext.a0 = a;
        ext.a1 = b;
        if (inbound)
            nv_graph_gadd(S, ext, end, ids[a], sure[a]);
        else
            nv_graph_gadd(S, end, ext, ids[a], sure[a]);
        a = b + 1;
    }
}

/*
 * The ingress controller's edges (docs/semantics.md, "Exposure"): toward each
 * workload in 'set' (NULL: every one), what the policies allow it on the
 * ports the routes send to that workload's pods, as 'list' prints them.
 */
static void nv_graph_flows_ctrl(struct nv_gstate *S, struct nv_matrix *x, const unsigned char *set)
{
    const struct nv_model *m = S->m;
    const struct nv_model *pm = nv_matrix_model(x); /* m, whose port-set table grows */
    uint32_t *row, *srow;
    size_t j;

    if (m->ctrl < 0)
        return;
    row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    srow = nv_xmalloc((m->nunits + 1) * sizeof(*srow));
    nv_matrix_row2(x, m->workloads[m->ctrl].unit, row, srow, NULL, NULL);
    for (j = 0; j < m->nworkloads; j++) {
        uint32_t u = m->workloads[j].unit, e, id;
        if ((set && !set[j]) || (e = nv_expose_unit_ports(pm, u)) == NV_PORTS_NONE ||
            (id = nv_ports_inter(pm->ports, row[u], e)) == NV_PORTS_NONE)
            continue;
        nv_graph_gadd(S, nv_graph_gep_ctrl(m), nv_graph_gep_idx(j), nv_gport(S, id),
                      nv_gport(S, nv_ports_inter(pm->ports, srow[u], e)));
    }
    free(row);
    free(srow);
}

/* Every allowed workload pair, and workload/range pair, in engine terms. */
static void nv_graph_flows_by_workload(struct nv_gstate *S, struct nv_matrix *x)
{
    const struct nv_model *m = S->m;
    size_t nw = m->nworkloads, i, j;
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *srow = nv_xmalloc((m->nunits + 1) * sizeof(*srow));
    uint32_t *ain = nv_xmalloc((m->atoms.n + 1) * sizeof(*ain));
    uint32_t *aout = nv_xmalloc((m->atoms.n + 1) * sizeof(*aout));
    uint32_t *sin = nv_xmalloc((m->atoms.n + 1) * sizeof(*sin));
    uint32_t *sout = nv_xmalloc((m->atoms.n + 1) * sizeof(*sout));
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        if (u != cached) {
            nv_matrix_from_atoms2(x, u, ain, sin);
            nv_matrix_row2(x, u, row, srow, aout, sout);
            nv_gports(S, ain, m->atoms.n);
            nv_gports(S, sin, m->atoms.n);
            nv_gports(S, aout, m->atoms.n);
            nv_gports(S, sout, m->atoms.n);
            nv_gports(S, row, m->nunits);
            nv_gports(S, srow, m->nunits);
            cached = u;
        }
        nv_gadd_atoms(S, ain, sin, nv_graph_gep_idx(i), 1);
        nv_gadd_atoms(S, aout, sout, nv_graph_gep_idx(i), 0);
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j != i && id != NV_PORTS_NONE)
                nv_graph_gadd(S, nv_graph_gep_idx(i), nv_graph_gep_idx(j), id,
                              srow[m->workloads[j].unit]);
        }
    }
    nv_graph_flows_ctrl(S, x, NULL);
    free(row);
    free(srow);
    free(ain);
    free(aout);
    free(sin);
    free(sout);
}

/*
 * The flows of the workloads in 'set' alone, both ways: their own rows, and
 * their columns read from one row per unit of the other workloads (what
 * those allow toward the set).
 */
static void nv_graph_flows_of_set(struct nv_gstate *S, struct nv_matrix *x,
                                  const unsigned char *set)
{
    const struct nv_model *m = S->m;
    size_t nw = m->nworkloads, nu = m->nunits, i, j, k, nin = 0;
    uint32_t *row = nv_xmalloc((nu + 1) * sizeof(*row));
    uint32_t *srow = nv_xmalloc((nu + 1) * sizeof(*srow));
    uint32_t *atoms = nv_xmalloc((m->atoms.n + 1) * sizeof(*atoms));
    uint32_t *satoms = nv_xmalloc((m->atoms.n + 1) * sizeof(*satoms));
    size_t *in = nv_xmalloc((nw + 1) * sizeof(*in));
    size_t *start = nv_xcalloc(nu + 2, sizeof(*start)); /* the others, by unit */
    size_t *others = nv_xmalloc((nw + 1) * sizeof(*others));

    for (i = 0; i < nw; i++) {
        if (set[i])
            in[nin++] = i;
        else
            start[m->workloads[i].unit + 1]++;
    }
    for (k = 0; k < nu; k++)
        start[k + 1] += start[k];
    for (i = 0; i < nw; i++)
        if (!set[i])
            others[start[m->workloads[i].unit]++] = i;
    for (k = nu; k > 0; k--) /* start[u] was moved to the end of unit u's run */
        start[k] = start[k - 1];
    start[0] = 0;
    for (k = 0; k < nin; k++) {
        size_t f = in[k];
        uint32_t uf = m->workloads[f].unit;
        nv_matrix_from_atoms2(x, uf, atoms, satoms);
        nv_gports(S, atoms, m->atoms.n);
        nv_gports(S, satoms, m->atoms.n);
        nv_gadd_atoms(S, atoms, satoms, nv_graph_gep_idx(f), 1);
        nv_matrix_row2(x, uf, row, srow, atoms, satoms);
        nv_gports(S, atoms, m->atoms.n);
        nv_gports(S, satoms, m->atoms.n);
        nv_gports(S, row, nu);
        nv_gports(S, srow, nu);
        nv_gadd_atoms(S, atoms, satoms, nv_graph_gep_idx(f), 0);
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j != f && id != NV_PORTS_NONE)
                nv_graph_gadd(S, nv_graph_gep_idx(f), nv_graph_gep_idx(j), id,
                              srow[m->workloads[j].unit]);
        }
    }
    for (i = 0; i < nu; i++) {
        if (start[i] == start[i + 1])
            continue;
        nv_matrix_row2(x, (uint32_t)i, row, srow, NULL, NULL);
        nv_gports(S, row, nu);
        nv_gports(S, srow, nu);
        for (j = start[i]; j < start[i + 1]; j++) {
            for (k = 0; k < nin; k++) {
                uint32_t uf = m->workloads[in[k]].unit;
                if (row[uf] != NV_PORTS_NONE)
                    nv_graph_gadd(S, nv_graph_gep_idx(others[j]), nv_graph_gep_idx(in[k]), row[uf],
                                  srow[uf]);
            }
        }
    }
    nv_graph_flows_ctrl(S, x, set);
    free(row);
    free(srow);
    free(atoms);
    free(satoms);
    free(in);
    free(start);
    free(others);
}

/*
 * The flows collapsed to namespaces: per atom and per namespace pair, the
 * union of the port sets of their workloads (a workload to itself excluded);
 * red where a refuted 'cannot reach' or 'only' part in mk says so.
 */
static void nv_graph_flows_by_namespace(struct nv_gstate *S, struct nv_matrix *x,
                                        const struct nv_gmark *mk, size_t nmk)
{
    const struct nv_model *m = S->m;
    size_t nw = m->nworkloads, nns = m->nns, na = m->atoms.n, i, j, a, k, nmark = 0;
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *ain = nv_xmalloc((na + 1) * sizeof(*ain));
    uint32_t *aout = nv_xmalloc((na + 1) * sizeof(*aout));
    uint32_t *nsin = nv_xcalloc(nns * na + 1, sizeof(*nsin));
    uint32_t *nsout = nv_xcalloc(nns * na + 1, sizeof(*nsout));
    uint32_t *nsm = nv_xcalloc(nns * nns + 1, sizeof(*nsm));
    uint32_t *srow = nv_xmalloc((m->nunits + 1) * sizeof(*srow));
    uint32_t *sin = nv_xmalloc((na + 1) * sizeof(*sin));
    uint32_t *sout = nv_xmalloc((na + 1) * sizeof(*sout));
    uint32_t *snsin = nv_xcalloc(nns * na + 1, sizeof(*snsin));
    uint32_t *snsout = nv_xcalloc(nns * na + 1, sizeof(*snsout));
    uint32_t *snsm = nv_xcalloc(nns * nns + 1, sizeof(*snsm));
    struct nv_nsmark *marks = nv_xcalloc(nmk + 1, sizeof(*marks));
    uint32_t cached = UINT32_MAX;

    /* the controller's edges: marked toward each workload, then drawn toward its namespace */
    nv_graph_flows_ctrl(S, x, NULL);
    nv_graph_refuting(S, mk, nmk);
    for (i = 0; i < S->nedges; i++)
        nv_graph_gep_to_ns(m, &S->edges[i].d, S->focus);
    for (k = 0; k < nmk; k++)
        if (mk[k].kind == NV_PART_CANNOT || mk[k].kind == NV_PART_ONLY)
            nv_graph_nsmark_init(&marks[nmark++], S, &mk[k]);
    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        size_t s = m->workloads[i].ns;
        if (u != cached) {
            nv_matrix_from_atoms2(x, u, ain, sin);
            nv_matrix_row2(x, u, row, srow, aout, sout);
            nv_gports(S, ain, na);
            nv_gports(S, sin, na);
            nv_gports(S, aout, na);
            nv_gports(S, sout, na);
            nv_gports(S, row, m->nunits);
            nv_gports(S, srow, m->nunits);
            cached = u;
        }
        for (a = 0; a < na; a++) {
            nsin[s * na + a] = nv_ports_union(&S->pt, nsin[s * na + a], ain[a]);
            nsout[s * na + a] = nv_ports_union(&S->pt, nsout[s * na + a], aout[a]);
            snsin[s * na + a] = nv_ports_union(&S->pt, snsin[s * na + a], sin[a]);
            snsout[s * na + a] = nv_ports_union(&S->pt, snsout[s * na + a], sout[a]);
        }
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            size_t d = m->workloads[j].ns;
            if (j != i && id != NV_PORTS_NONE) {
                nsm[s * nns + d] = nv_ports_union(&S->pt, nsm[s * nns + d], id);
                snsm[s * nns + d] =
                    nv_ports_union(&S->pt, snsm[s * nns + d], srow[m->workloads[j].unit]);
            }
        }
        for (k = 0; k < nmark; k++)
            nv_graph_nsmark_row(&marks[k], S, i, row, ain, aout);
    }
    for (i = 0; i < nns; i++) {
        nv_gadd_atoms(S, nsin + i * na, snsin + i * na, nv_gep_ns(i), 1);
        nv_gadd_atoms(S, nsout + i * na, snsout + i * na, nv_gep_ns(i), 0);
        for (j = 0; j < nns; j++)
            if (nsm[i * nns + j] != NV_PORTS_NONE)
                nv_graph_gadd(S, nv_gep_ns(i), nv_gep_ns(j), nsm[i * nns + j], snsm[i * nns + j]);
    }
    for (i = 0; i < S->nedges; i++) {
        for (k = 0; k < nmark; k++) {
            if (!nv_graph_nsmark_hit(&marks[k], m, &S->edges[i]))
                continue;
            char *line;
            S->edges[i].style |= NV_EDGE_RED;
            line = nv_graph_claim_note("", marks[k].c);
            nv_graph_note_merge(&S->edges[i], line);
            free(line);
        }
    }
    for (k = 0; k < nmark; k++)
        nv_graph_nsmark_release(&marks[k]);
    free(marks);
    free(row);
    free(ain);
    free(aout);
    free(nsin);
    free(nsout);
    free(nsm);
    free(srow);
    free(sin);
    free(sout);
    free(snsin);
    free(snsout);
    free(snsm);
}

/*
 * Sort the edges and merge those with the same ends and kind: ports united,
 * red if either is, notes joined (each line once).
 */
static void nv_graph_merge(struct nv_gstate *S)
{
    size_t i, n = 0;

    if (!S->nedges)
        return;
    qsort(S->edges, S->nedges, sizeof(*S->edges), nv_gedge_cmp);
    for (i = 0; i < S->nedges; i++) {
        struct nv_gedge *e = &S->edges[i], *k;
        if (n == 0 || nv_gedge_key_cmp(&S->edges[n - 1], e) != 0) {
            S->edges[n++] = *e;
            continue;
        }
        k = &S->edges[n - 1];
        k->ports = nv_ports_union(&S->pt, k->ports, e->ports);
        k->sure = nv_ports_union(&S->pt, k->sure, e->sure);
        k->style |= e->style & (NV_EDGE_RED | NV_EDGE_TIER);
        if (!(k->style & NV_EDGE_DASHED) && k->ports == NV_PORTS_ALL)
            k->style |= NV_EDGE_BOLD;
        if (e->note)
            nv_graph_note_merge(k, e->note);
        free(e->note);
    }
    S->nedges = n;
}

/*
 * --group namespace with a filter: every end but the focused workloads
 * becomes its namespace; edges that then share their ends merge.
 */
static void nv_graph_collapse(struct nv_gstate *S)
{
    size_t i;

    for (i = 0; i < S->nedges; i++) {
        nv_graph_gep_to_ns(S->m, &S->edges[i].s, S->focus);
        nv_graph_gep_to_ns(S->m, &S->edges[i].d, S->focus);
    }
    S->byns = 1;
    nv_graph_merge(S);
}

/* An edge end as the filters see it. */
static void nv_gep_flow_end(const struct nv_gep *e, struct nv_flow_end *out)
{
    memset(out, 0, sizeof(*out));
    out->wl = e->ext ? -1 : (long)e->idx;
    out->r = e->r;
}

/* The filters: keep the edges view.h keeps (docs/output.md, "Filters"). */
static void nv_graph_filter(struct nv_gstate *S)
{
    size_t i, n = 0;

    for (i = 0; i < S->nedges; i++) {
        struct nv_gedge *e = &S->edges[i];
        struct nv_flow_end s, d;
        nv_gep_flow_end(&e->s, &s);
        nv_gep_flow_end(&e->d, &d);
        if (nv_view_keeps(S->view, &s, &d))
            S->edges[n++] = *e;
        else
            free(e->note);
    }
    S->nedges = n;
}

/* The classes of edge end e's pods, once each, into out (room for m->nclasses); how many. */
static size_t nv_gep_classes(const struct nv_model *m, const struct nv_gep *e, uint32_t *out)
{
    const struct nv_workload *w = &m->workloads[e->idx];
    size_t i, k, n = 0;

    for (i = 0; i < w->npods; i++) {
        uint32_t c = m->pods[w->pods[i]].cls;
        for (k = 0; k < n && out[k] != c; k++)
            ;
        if (k == n)
            out[n++] = c;
    }
    return n;
}

/* Whether a step of side sd accepts some of 'allowed' or denies some port. */
static int nv_side_tier_decides(const struct nv_model *pm, const struct nv_side *sd,
                                uint32_t allowed)
{
    size_t i;

    for (i = 0; i < sd->nsteps; i++) {
        const struct nv_tstep *st = &sd->steps[i];
        if (st->ports == NV_PORTS_NONE || st->rule->action == NV_ACTION_PASS)
            continue;
        if (st->rule->action == NV_ACTION_DENY ||
            nv_ports_inter(pm->ports, st->ports, allowed) != NV_PORTS_NONE)
            return 1;
    }
    return 0;
}

/*
 * The edges some rule of the Admin or Baseline tier decides (docs/output.md,
 * "graph"): for some pods of its ends, a rule of those tiers accepts some of
 * the ports the flow is allowed, or denies some port, in either direction
 * (as explain walks it, under the first combination of the plugin's
 * behaviours). Workload, controller and range ends only: before grouping.
 */
static void nv_graph_tier_marks(struct nv_gstate *S, struct nv_matrix *x)
{
    const struct nv_model *m = S->m;
    const struct nv_model *pm = nv_matrix_model(x);
    uint32_t *sc, *dc;
    size_t i, a, b;

    if (!m->ntiered)
        return;
    sc = nv_xmalloc((m->nclasses + 1) * sizeof(*sc));
    dc = nv_xmalloc((m->nclasses + 1) * sizeof(*dc));
    for (i = 0; i < S->nedges; i++) {
        struct nv_gedge *e = &S->edges[i];
        struct nv_end se, de;
        size_t ns, nd;
        int hit = 0;
        if ((e->style & NV_EDGE_DASHED) || e->s.ns || e->d.ns)
            continue;
        memset(&se, 0, sizeof(se));
        memset(&de, 0, sizeof(de));
        se.external = e->s.ext;
        se.ip = e->s.r.first;
        de.external = e->d.ext;
        de.ip = e->d.r.first;
        ns = e->s.ext ? 1 : nv_gep_classes(m, &e->s, sc);
        nd = e->d.ext ? 1 : nv_gep_classes(m, &e->d, dc);
        for (a = 0; a < ns && !hit; a++)
            for (b = 0; b < nd && !hit; b++) {
                struct nv_flow_why why;
                if (!e->s.ext)
                    se.cls = sc[a];
                if (!e->d.ext)
                    de.cls = dc[b];
                nv_explain(pm, &se, &de, NULL, 0, &why);
                hit = nv_side_tier_decides(pm, &why.egress, why.allowed) ||
                      nv_side_tier_decides(pm, &why.ingress, why.allowed);
                nv_flow_why_release(&why);
            }
        if (hit)
            e->style |= NV_EDGE_TIER;
    }
    free(sc);
    free(dc);
}

/*
 * Without --group: whether the workload diagram in S (every workload, or the
 * focused one and its peers, plus the address ranges) has more nodes than
 * NV_GRAPH_MAX_WORKLOAD_NODES. If so, say why in S's note and return
 * NV_GRAPH_NAMESPACE.
 */
static int nv_graph_auto(struct nv_gstate *S)
{
    size_t nwl = S->m->nworkloads, nr, i;
    unsigned char *seen;

    free(nv_graph_ranges(S, &nr));
    if (S->view) {
        seen = nv_xcalloc(S->m->nworkloads + 1, 1);
        if (S->inview)
            memcpy(seen, S->inview, S->m->nworkloads);
        for (i = 0; i < S->nedges; i++) {
            if (!S->edges[i].s.ext)
                seen[S->edges[i].s.idx] = 1;
            if (!S->edges[i].d.ext)
                seen[S->edges[i].d.idx] = 1;
        }
        for (nwl = 0, i = 0; i < S->m->nworkloads; i++)
            nwl += seen[i];
        free(seen);
    }
    if (nwl + nr <= NV_GRAPH_MAX_WORKLOAD_NODES)
        return NV_GRAPH_WORKLOAD;
    nv_gstate_note(S, "%zu workloads and %zu address range%s are more than %d nodes", nwl, nr,
                   nr == 1 ? "" : "s", NV_GRAPH_MAX_WORKLOAD_NODES);
    return NV_GRAPH_NAMESPACE;
}

/*
 * The edges of the diagram in S (S->focus set): by workload or namespace
 * (NV_GRAPH_AUTO: by namespace past NV_GRAPH_MAX_WORKLOAD_NODES, with a note),
 * marked with the refuted claim parts mk, merged and sorted.
 */
static void nv_graph_flows(struct nv_gstate *S, struct nv_matrix *x, int group,
                           const struct nv_gmark *mk, size_t nmk)
{
    int filtered = S->view != NULL;

    if (group == NV_GRAPH_AUTO && !filtered && S->m->nworkloads > NV_GRAPH_MAX_WORKLOAD_NODES) {
        nv_gstate_note(S, "%zu workloads are more than %d nodes", S->m->nworkloads,
                       NV_GRAPH_MAX_WORKLOAD_NODES);
        group = NV_GRAPH_NAMESPACE;
    }
    if (group != NV_GRAPH_NAMESPACE || filtered) {
        if (S->inview)
            nv_graph_flows_of_set(S, x, S->inview);
        else
            nv_graph_flows_by_workload(S, x);
        nv_graph_refuting(S, mk, nmk);
        nv_graph_blocked(S, mk, nmk);
        if (filtered)
            nv_graph_filter(S);
        nv_graph_tier_marks(S, x);
        if (group == NV_GRAPH_AUTO)
            group = nv_graph_auto(S);
        if (group == NV_GRAPH_NAMESPACE && filtered)
            nv_graph_collapse(S);
        else if (group == NV_GRAPH_NAMESPACE)
            nv_gstate_clear(S); /* drawn again below, from the namespace matrix */
    }
    if (group == NV_GRAPH_NAMESPACE && !filtered) {
        S->byns = 1;
        nv_graph_flows_by_namespace(S, x, mk, nmk);
        nv_graph_blocked(S, mk, nmk);
    }
    nv_graph_merge(S);
}

/* Filter S's flows through view v: the workloads in view, unless an address is. */
static void nv_gstate_view(struct nv_gstate *S, const struct nv_view *v)
{
    size_t i;

    S->view = v;
    for (i = 0; i < v->naddr; i++)
        if (v->addr_mark[i] & NV_VIEW_END)
            return;
    S->inview = nv_xcalloc(S->m->nworkloads + 1, 1);
    for (i = 0; i < S->m->nworkloads && i < v->nwl; i++)
        S->inview[i] = (v->mark[i] & NV_VIEW_END) != 0;
}

struct nv_graph *nv_graph_build(const struct nv_model *m, struct nv_matrix *x,
                                const struct nv_graph_opts *o)
{
    struct nv_gstate S;
    struct nv_graph *g = nv_xcalloc(1, sizeof(*g));
    struct nv_gmark *mk = NULL;
    struct nv_gnamed named = {NULL, NULL};
    size_t nmk = 0, i;

    memset(&S, 0, sizeof(S));
    S.m = m;
    nv_ports_init(&S.pt);
    if (o->nfocus) {
        S.focus = nv_xcalloc(m->nworkloads + 1, 1);
        for (i = 0; i < o->nfocus; i++)
            S.focus[o->focus[i]] = 1;
    }
    if (o->view && o->view->any)
        nv_gstate_view(&S, o->view);
    if (o->claims) {
        nmk = nv_graph_decide(x, o->claims, &mk);
        nv_graph_named_init(&named, m, o->claims);
    }
    nv_graph_flows(&S, x, o->group, mk, nmk);
    nv_graph_assemble(g, &S, &named);
    g->note = S.note;
    for (i = 0; i < S.nedges; i++)
        free(S.edges[i].note);
    free(S.edges);
    nv_ports_release(&S.pt);
    free(S.imp);
    free(mk);
    nv_graph_named_release(&named);
    free(S.focus);
    free(S.inview);
    return g;
}

void nv_graph_free(struct nv_graph *g)
{
    size_t i;

    if (!g)
        return;
    for (i = 0; i < g->nnodes; i++) {
        free(g->nodes[i].id);
        free(g->nodes[i].label);
    }
    for (i = 0; i < g->nboxes; i++) {
        free(g->boxes[i].id);
        free(g->boxes[i].label);
    }
    for (i = 0; i < g->nedges; i++)
        free(g->edges[i].label);
    free(g->nodes);
    free(g->boxes);
    free(g->edges);
    free(g->note);
    free(g);
}
