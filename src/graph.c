/*
 * graph.c - the diagram of the allowed flows: edges per workload or per
 * namespace from the matrix, focused on one workload, merged, marked with
 * the claims that they refute or need; then the nodes and the legend.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/escape.h"
#include "netverify/flows.h"
#include "netverify/report.h"
/*
 * One end of an edge: an external range (atoms a0..a1), or a workload or a
 * namespace ('ns') by index.
 */
struct nv_gep {
    int ext;
    int ns;
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

/* Port set id of the model's table as an id of S's own. */
static uint32_t nv_gport(struct nv_gstate *S, uint32_t id)
{
    const struct nv_portset *set;

    if (id == NV_PORTS_NONE || id == NV_PORTS_ALL)
        return id;
    if (id >= S->nimp) {
        size_t n = S->m->ports.nsets > id ? S->m->ports.nsets : (size_t)id + 1;
        S->imp = nv_xrealloc(S->imp, n * sizeof(*S->imp));
        memset(S->imp + S->nimp, 0, (n - S->nimp) * sizeof(*S->imp));
        S->nimp = n;
    }
    if (!S->imp[id]) {
        set = nv_ports_get(&S->m->ports, id);
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

static int nv_range_cmp(const void *pa, const void *pb)
{
    const struct nv_iprange *a = pa, *b = pb;
    int c = nv_ip_cmp(&a->first, &b->first);

    return c ? c : nv_ip_cmp(&a->last, &b->last);
}

static void nv_gadd(struct nv_gstate *S, struct nv_gep s, struct nv_gep d, uint32_t ports,
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
static struct nv_gep nv_gep_idx(size_t idx)
{
    struct nv_gep e;

    memset(&e, 0, sizeof(e));
    e.idx = idx;
    return e;
}

/* A namespace end. */
static struct nv_gep nv_gep_ns(size_t ns)
{
    struct nv_gep e = nv_gep_idx(ns);

    e.ns = 1;
    return e;
}

/* A workload end not in 'keep' (may be NULL) becomes its namespace's end. */
static void nv_gep_to_ns(const struct nv_model *m, struct nv_gep *e, const unsigned char *keep)
{
    if (e->ext || e->ns || (keep && keep[e->idx]))
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
            nv_gadd(S, ext, end, ids[a], sure[a]);
        else
            nv_gadd(S, end, ext, ids[a], sure[a]);
        a = b + 1;
    }
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
        nv_gadd_atoms(S, ain, sin, nv_gep_idx(i), 1);
        nv_gadd_atoms(S, aout, sout, nv_gep_idx(i), 0);
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j != i && id != NV_PORTS_NONE)
                nv_gadd(S, nv_gep_idx(i), nv_gep_idx(j), id, srow[m->workloads[j].unit]);
        }
    }
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
        nv_gadd_atoms(S, atoms, satoms, nv_gep_idx(f), 1);
        nv_matrix_row2(x, uf, row, srow, atoms, satoms);
        nv_gports(S, atoms, m->atoms.n);
        nv_gports(S, satoms, m->atoms.n);
        nv_gports(S, row, nu);
        nv_gports(S, srow, nu);
        nv_gadd_atoms(S, atoms, satoms, nv_gep_idx(f), 0);
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j != f && id != NV_PORTS_NONE)
                nv_gadd(S, nv_gep_idx(f), nv_gep_idx(j), id, srow[m->workloads[j].unit]);
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
                    nv_gadd(S, nv_gep_idx(others[j]), nv_gep_idx(in[k]), row[uf], srow[uf]);
            }
        }
    }
    free(row);
    free(srow);
    free(atoms);
    free(satoms);
    free(in);
    free(start);
    free(others);
}

/* Whether some pod of workload w has a class whose membership in 'set' is 'want'. */
static int nv_wl_in(const struct nv_model *m, size_t w, const struct nv_set *set, int want)
{
    const struct nv_workload *wl = &m->workloads[w];
    size_t k;

    for (k = 0; k < wl->npods; k++)
        if (!!set->cls[m->pods[wl->pods[k]].cls] == want)
            return 1;
    return 0;
}

/* The same for an edge end: a workload, or an external range (any of its atoms). */
static int nv_gep_in(const struct nv_model *m, const struct nv_gep *e, const struct nv_set *set,
                     int want)
{
    size_t a;

    if (!e->ext)
        return nv_wl_in(m, e->idx, set, want);
    for (a = e->a0; a <= e->a1; a++)
        if (!!set->atoms[a] == want)
            return 1;
    return 0;
}

/*
 * The ports claim c asks about toward edge end e (union over e's classes in
 * c's set B), in S's own table.
 */
static uint32_t nv_gep_need(struct nv_gstate *S, const struct nv_claim *c, const struct nv_gep *e)
{
    const struct nv_model *m = S->m;
    const struct nv_workload *wl;
    struct nv_end d;
    uint32_t need = NV_PORTS_NONE;
    size_t k;

    memset(&d, 0, sizeof(d));
    if (e->ext) {
        d.external = 1;
        d.ip = e->r.first;
        return nv_claim_ports_in(m, &S->pt, c, &d);
    }
    wl = &m->workloads[e->idx];
    for (k = 0; k < wl->npods; k++) {
        d.cls = m->pods[wl->pods[k]].cls;
        if (c->b.cls[d.cls])
            need = nv_ports_union(&S->pt, need, nv_claim_ports_in(m, &S->pt, c, &d));
    }
    return need;
}

/* Append the line[0..len) (DOT-escaped: it holds no newline) to an edge's note. */
static void nv_gedge_note_line(struct nv_gedge *e, const char *line, size_t len)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    if (e->note) {
        nv_buf_puts(&b, e->note);
        nv_buf_putc(&b, '\n');
        free(e->note);
    }
    nv_buf_put(&b, line, len);
    e->note = nv_buf_detach(&b);
}

/* A claim's name (or text) as a line of a note: "prefix" then the name, DOT-escaped. */
static char *nv_graph_claim_note(const char *prefix, const struct nv_claim *c)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_buf_puts(&b, prefix);
    nv_escape_dot(&b, c->name ? c->name : c->text);
    return nv_buf_detach(&b);
}

/* Append the line "prefix" + claim c's name to an edge's note. */
static void nv_gedge_note(struct nv_gedge *e, const char *prefix, const struct nv_claim *c)
{
    char *line = nv_graph_claim_note(prefix, c);

    nv_gedge_note_line(e, line, strlen(line));
    free(line);
}

/*
 * A refuted 'cannot reach' (outside_a == 0) or 'only' part (outside_a == 1):
 * every allowed edge from A (or from outside A) to B on a port the claim asks about.
 */
static void nv_mark_refuting(struct nv_gstate *S, const struct nv_claim *c, int outside_a)
{
    size_t i, n = S->nedges;

    for (i = 0; i < n; i++) {
        struct nv_gedge *e = &S->edges[i];
        if (e->style & NV_EDGE_DASHED)
            continue;
        if (!nv_gep_in(S->m, &e->s, &c->a, !outside_a) || !nv_gep_in(S->m, &e->d, &c->b, 1))
            continue;
        if (nv_ports_inter(&S->pt, e->ports, nv_gep_need(S, c, &e->d)) == NV_PORTS_NONE)
            continue;
        e->style |= NV_EDGE_RED;
        nv_gedge_note(e, "", c);
    }
}

/* A workload with a pod of class cls, preferring one other than 'not'; NV_NO_WORKLOAD if none.
 */
static size_t nv_cls_workload(const struct nv_model *m, uint32_t cls, size_t not )
{
    size_t i, found = NV_NO_WORKLOAD;

    for (i = 0; i < m->npods; i++) {
        if (m->pods[i].cls != cls)
            continue;
        if (m->pods[i].workload != not )
            return m->pods[i].workload;
        found = m->pods[i].workload;
    }
    return found;
}

/* The witness end as a graph end: its workload, or the atom that holds its address. */
static int nv_end_gep(const struct nv_model *m, const struct nv_end *x, size_t not,
                      struct nv_gep *out)
{
    memset(out, 0, sizeof(*out));
    if (x->external) {
        out->ext = 1;
        out->a0 = out->a1 = nv_atoms_find(&m->atoms, &x->ip);
        out->r = nv_atoms_range(&m->atoms, out->a0);
        return 0;
    }
    out->idx = nv_cls_workload(m, x->cls, not );
    return out->idx == NV_NO_WORKLOAD ? -1 : 0;
}

/* Whether 'note' has the line text[0..len) (lines '\n'-separated). */
static int nv_note_has(const char *note, const char *text, size_t len)
{
    const char *p = note;

    while (p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && !memcmp(p, text, len))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* Append the lines of 'note' that e's note lacks. */
static void nv_gedge_note_merge(struct nv_gedge *e, const char *note)
{
    const char *p = note;

    while (p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!e->note || !nv_note_has(e->note, p, n))
            nv_gedge_note_line(e, p, n);
        p = end ? end + 1 : NULL;
    }
}

/*
 * A refuted 'reaches' part: the blocked witness flow, as a dashed red edge
 * (between namespaces when S is grouped so).
 */
static void nv_add_blocked(struct nv_gstate *S, const struct nv_claim *c,
                           const struct nv_witness *w)
{
    struct nv_gep s, d;

    if (nv_end_gep(S->m, &w->src, NV_NO_WORKLOAD, &s) != 0 ||
        nv_end_gep(S->m, &w->dst, s.ext ? NV_NO_WORKLOAD : s.idx, &d) != 0)
        return;
    if (!s.ext && !d.ext && s.idx == d.idx)
        return;
    if (S->byns) {
        nv_gep_to_ns(S->m, &s, NULL);
        nv_gep_to_ns(S->m, &d, NULL);
    }
    nv_gadd(S, s, d, NV_PORTS_NONE, NV_PORTS_NONE);
    S->edges[S->nedges - 1].style = NV_EDGE_RED | NV_EDGE_DASHED;
    nv_gedge_note(&S->edges[S->nedges - 1], "blocked: ", c);
}

/* A refuted claim part the diagram shows: 'cannot reach' or 'only' (red), 'reaches' (dashed). */
struct nv_gmark {
    const struct nv_claim *c;
    enum nv_part_kind kind;
    struct nv_witness w;
};

/*
 * Decide every claim with the matrix engine. Returns the number of parts to
 * mark; OUT: *out, which the caller must free().
 */
static size_t nv_graph_decide(struct nv_matrix *x, const struct nv_claims *cs,
                              struct nv_gmark **out)
{
    struct nv_gmark *mk = NULL;
    size_t n = 0, alloc = 0, i, p;

    for (i = 0; cs && i < cs->n; i++) {
        const struct nv_claim *c = &cs->items[i];
        struct nv_result r;
        nv_result_init(&r, c);
        nv_check_matrix(x, c, &r);
        for (p = 0; p < r.nparts; p++) {
            if (r.parts[p].verdict != NV_REFUTED || r.parts[p].kind == NV_PART_ISOLATED)
                continue;
            NV_GROW(mk, alloc, n + 1);
            mk[n].c = c;
            mk[n].kind = r.parts[p].kind;
            mk[n].w = r.parts[p].w;
            n++;
        }
    }
    *out = mk;
    return n;
}

/* Workload edges: red for every refuted 'cannot reach' and 'only' part. */
static void nv_graph_refuting(struct nv_gstate *S, const struct nv_gmark *mk, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (mk[k].kind == NV_PART_CANNOT || mk[k].kind == NV_PART_ONLY)
            nv_mark_refuting(S, mk[k].c, mk[k].kind == NV_PART_ONLY);
}

/* A dashed edge for every refuted 'reaches' part. */
static void nv_graph_blocked(struct nv_gstate *S, const struct nv_gmark *mk, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (mk[k].kind == NV_PART_REACHES)
            nv_add_blocked(S, mk[k].c, &mk[k].w);
}

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

static void nv_nsmark_init(struct nv_nsmark *M, struct nv_gstate *S, const struct nv_gmark *mk)
{
    const struct nv_model *m = S->m;
    const struct nv_claim *c = mk->c;
    size_t nw = m->nworkloads, na = m->atoms.n, w, a;
    int want = mk->kind != NV_PART_ONLY; /* 'only': sources outside A */

    M->c = c;
    M->src = nv_xcalloc(nw + 1, 1);
    M->dst = nv_xcalloc(nw + 1, 1);
    M->need = nv_xcalloc(nw + 1, sizeof(*M->need));
    M->asrc = nv_xcalloc(na + 1, 1);
    M->adst = nv_xcalloc(na + 1, 1);
    M->aneed = nv_xcalloc(na + 1, sizeof(*M->aneed));
    M->pair = nv_xcalloc(m->nns * m->nns + 1, 1);
    M->out = nv_xcalloc(m->nns * na + 1, 1);
    M->in = nv_xcalloc(m->nns * na + 1, 1);
    for (w = 0; w < nw; w++) {
        struct nv_gep e = nv_gep_idx(w);
        M->src[w] = (unsigned char)nv_wl_in(m, w, &c->a, want);
        M->dst[w] = (unsigned char)nv_wl_in(m, w, &c->b, 1);
        if (M->dst[w])
            M->need[w] = nv_gep_need(S, c, &e);
    }
    for (a = 0; a < na; a++) {
        M->asrc[a] = !!c->a.atoms[a] == want;
        M->adst[a] = !!c->b.atoms[a];
        if (M->adst[a]) {
            struct nv_gep e;
            memset(&e, 0, sizeof(e));
            e.ext = 1;
            e.a0 = e.a1 = a;
            e.r = nv_atoms_range(&m->atoms, a);
            M->aneed[a] = nv_gep_need(S, c, &e);
        }
    }
}

static void nv_nsmark_release(struct nv_nsmark *M)
{
    free(M->src);
    free(M->dst);
    free(M->need);
    free(M->asrc);
    free(M->adst);
    free(M->aneed);
    free(M->pair);
    free(M->out);
    free(M->in);
}

/*
 * Mark what workload i's flows refute: 'row' toward units, 'aout' toward
 * atoms, 'ain' from atoms (ids of S's table, as nv_graph_flows_by_namespace reads them).
 */
static void nv_nsmark_row(struct nv_nsmark *M, struct nv_gstate *S, size_t i, const uint32_t *row,
                          const uint32_t *ain, const uint32_t *aout)
{
    const struct nv_model *m = S->m;
    size_t nns = m->nns, na = m->atoms.n, s = m->workloads[i].ns, j, a;

    if (M->src[i]) {
        for (j = 0; j < m->nworkloads; j++) {
            uint32_t id = row[m->workloads[j].unit];
            size_t cell = s * nns + m->workloads[j].ns;
            if (j == i || id == NV_PORTS_NONE || !M->dst[j] || M->pair[cell])
                continue;
            if (nv_ports_inter(&S->pt, id, M->need[j]) != NV_PORTS_NONE)
                M->pair[cell] = 1;
        }
        for (a = 0; a < na; a++)
            if (aout[a] != NV_PORTS_NONE && M->adst[a] && !M->out[s * na + a] &&
                nv_ports_inter(&S->pt, aout[a], M->aneed[a]) != NV_PORTS_NONE)
                M->out[s * na + a] = 1;
    }
    if (M->dst[i])
        for (a = 0; a < na; a++)
            if (ain[a] != NV_PORTS_NONE && M->asrc[a] && !M->in[s * na + a] &&
                nv_ports_inter(&S->pt, ain[a], M->need[i]) != NV_PORTS_NONE)
                M->in[s * na + a] = 1;
}

/* Whether M turned namespace edge e red. */
static int nv_nsmark_hit(const struct nv_nsmark *M, const struct nv_model *m,
                         const struct nv_gedge *e)
{
    size_t na = m->atoms.n, a;

    if (!e->s.ext && !e->d.ext)
        return M->pair[e->s.idx * m->nns + e->d.idx];
    if (!e->s.ext) {
        for (a = e->d.a0; a <= e->d.a1; a++)
            if (M->out[e->s.idx * na + a])
                return 1;
        return 0;
    }
    for (a = e->s.a0; a <= e->s.a1; a++)
        if (M->in[e->d.idx * na + a])
            return 1;
    return 0;
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

    for (k = 0; k < nmk; k++)
        if (mk[k].kind == NV_PART_CANNOT || mk[k].kind == NV_PART_ONLY)
            nv_nsmark_init(&marks[nmark++], S, &mk[k]);
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
            nv_nsmark_row(&marks[k], S, i, row, ain, aout);
    }
    for (i = 0; i < nns; i++) {
        nv_gadd_atoms(S, nsin + i * na, snsin + i * na, nv_gep_ns(i), 1);
        nv_gadd_atoms(S, nsout + i * na, snsout + i * na, nv_gep_ns(i), 0);
        for (j = 0; j < nns; j++)
            if (nsm[i * nns + j] != NV_PORTS_NONE)
                nv_gadd(S, nv_gep_ns(i), nv_gep_ns(j), nsm[i * nns + j], snsm[i * nns + j]);
    }
    for (i = 0; i < S->nedges; i++) {
        for (k = 0; k < nmark; k++) {
            if (!nv_nsmark_hit(&marks[k], m, &S->edges[i]))
                continue;
            char *line;
            S->edges[i].style |= NV_EDGE_RED;
            line = nv_graph_claim_note("", marks[k].c);
            nv_gedge_note_merge(&S->edges[i], line);
            free(line);
        }
    }
    for (k = 0; k < nmark; k++)
        nv_nsmark_release(&marks[k]);
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
        k->style |= e->style & NV_EDGE_RED;
        if (!(k->style & NV_EDGE_DASHED) && k->ports == NV_PORTS_ALL)
            k->style |= NV_EDGE_BOLD;
        if (e->note)
            nv_gedge_note_merge(k, e->note);
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
        nv_gep_to_ns(S->m, &S->edges[i].s, S->focus);
        nv_gep_to_ns(S->m, &S->edges[i].d, S->focus);
    }
    S->byns = 1;
    nv_graph_merge(S);
}

/* Whether a set names namespaces ('namespace X', 'namespaces SELECTOR'). */
static int nv_set_names_namespaces(const struct nv_set *set)
{
    return set->cls && (set->kind == NV_SET_NAMESPACE || set->kind == NV_SET_NAMESPACES);
}

/* Whether a set names workloads (pods by labels, a Service, a workload). */
static int nv_set_names_workloads(const struct nv_set *set)
{
    return set->cls &&
           (set->kind == NV_SET_PODS || set->kind == NV_SET_SVC || set->kind == NV_SET_WORKLOAD);
}

/* What the claims name: per workload and per namespace, 1 if named. */
struct nv_gnamed {
    unsigned char *wl, *ns;
};

/*
 * The workloads a claim's set of pods, Service or workload holds one pod of,
 * and the namespaces a claim names (those of the workloads its 'namespace' or
 * 'namespaces' set holds): a namespace claim marks the namespace, not each of
 * its workloads. Release with nv_gnamed_release().
 */
static void nv_gnamed_init(struct nv_gnamed *out, const struct nv_model *m,
                           const struct nv_claims *cs)
{
    size_t i, w, k;

    out->wl = nv_xcalloc(m->nworkloads + 1, 1);
    out->ns = nv_xcalloc(m->nns + 1, 1);
    for (i = 0; cs && i < cs->n; i++) {
        const struct nv_claim *c = &cs->items[i];
        const struct nv_set *sets[2] = {&c->a, c->kind != NV_CLAIM_ISOLATED ? &c->b : NULL};
        for (k = 0; k < 2 && sets[k]; k++) {
            int wl = nv_set_names_workloads(sets[k]), ns = nv_set_names_namespaces(sets[k]);
            for (w = 0; (wl || ns) && w < m->nworkloads; w++) {
                if (!nv_wl_in(m, w, sets[k], 1))
                    continue;
                if (wl)
                    out->wl[w] = 1;
                else
                    out->ns[m->workloads[w].ns] = 1;
            }
        }
    }
}

static void nv_gnamed_release(struct nv_gnamed *n)
{
    free(n->wl);
    free(n->ns);
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

static const struct nv_model *nv_sort_model;

static int nv_ns_name_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

    return strcmp(nv_sort_model->ns[a].name, nv_sort_model->ns[b].name);
}

/* Whether s is nonempty and every byte is a lower-case letter, a digit or in 'extra'. */
static int nv_id_plain(const char *s, size_t n, const char *extra)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              (s[i] && strchr(extra, s[i]))))
            return 0;
    return n > 0;
}

/*
 * The DOT id of namespace ns: its name when it is a DNS label (a-z, 0-9, '-';
 * what the loader accepts), else "#n" and its index. No other node's id can
 * be either: ranges hold '.' or ':', workloads '/', the legend "legend:".
 */
static void nv_ns_id(const struct nv_model *m, size_t ns, struct nv_buf *b)
{
    const char *name = m->ns[ns].name;

    if (nv_id_plain(name, strlen(name), "-"))
        nv_buf_puts(b, name);
    else
        nv_buf_printf(b, "#n%zu", ns);
}

/*
 * Node ids, one per node and never shared (the labels carry the names): ranges
 * as "lo-hi", namespaces as nv_ns_id() says, workloads as "ns/name" (plus
 * " (Kind)" when workloads of other kinds share the name) when the namespace
 * is a DNS label, the name a DNS subdomain and the kind a word, else "#w" and
 * the workload's index. '#' is in no other id, nor ' ' in any name, so no two
 * workloads, and no workload and another node, get the same id.
 */
static void nv_gep_name(const struct nv_gstate *S, const struct nv_gep *e, struct nv_buf *b)
{
    const struct nv_workload *w;
    const char *slash;
    char addr[NV_IPRANGE_BUFSZ];
    int shared;

    nv_buf_reset(b);
    if (e->ext) {
        nv_buf_puts(b, nv_iprange_format(&e->r, addr));
        return;
    }
    if (e->ns) {
        nv_ns_id(S->m, e->idx, b);
        return;
    }
    w = &S->m->workloads[e->idx];
    /* workloads are sorted by id, then kind: namesakes are neighbours */
    shared = (e->idx > 0 && !strcmp(w[-1].id, w->id)) ||
             (e->idx + 1 < S->m->nworkloads && !strcmp(w[1].id, w->id));
    slash = strchr(w->id, '/');
    if (!slash || !nv_id_plain(w->id, (size_t)(slash - w->id), "-") ||
        !nv_id_plain(slash + 1, strlen(slash + 1), ".-") ||
        (shared && !nv_id_plain(w->kind, strlen(w->kind), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) {
        nv_buf_printf(b, "#w%zu", e->idx);
        return;
    }
    nv_buf_puts(b, w->id);
    if (shared) {
        nv_buf_puts(b, " (");
        nv_buf_puts(b, w->kind);
        nv_buf_putc(b, ')');
    }
}

/* The distinct address ranges at edge ends, sorted. OUT: *n. The caller frees the result. */
static struct nv_iprange *nv_graph_ranges(const struct nv_gstate *S, size_t *n)
{
    struct nv_iprange *rs = nv_xmalloc((2 * S->nedges + 1) * sizeof(*rs));
    size_t nr = 0, i, k = 0;

    for (i = 0; i < S->nedges; i++) {
        if (S->edges[i].s.ext)
            rs[nr++] = S->edges[i].s.r;
        if (S->edges[i].d.ext)
            rs[nr++] = S->edges[i].d.r;
    }
    qsort(rs, nr, sizeof(*rs), nv_range_cmp);
    for (i = 0; i < nr; i++)
        if (k == 0 || nv_range_cmp(&rs[k - 1], &rs[i]) != 0)
            rs[k++] = rs[i];
    *n = k;
    return rs;
}

/* The edge's label: its ports (none for a blocked flow), then its note. */
static void nv_gedge_label(const struct nv_ports *pt, const struct nv_gedge *e, struct nv_buf *b)
{
    const char *p;

    nv_buf_reset(b);
    if (!(e->style & NV_EDGE_DASHED))
        nv_report_conns(b, pt, e->ports, e->sure, 0);
    for (p = e->note; p && *p; p++) {
        if (p == e->note && b->len)
            nv_buf_puts(b, "\\n");
        if (*p == '\n')
            nv_buf_puts(b, "\\n");
        else
            nv_buf_putc(b, *p);
    }
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
 * Grouped by namespace, per namespace: whether a claim names it or one of its
 * workloads not in 'skip' (may be NULL; drawn on their own). The caller frees the result.
 */
static unsigned char *nv_claimed_namespaces(const struct nv_model *m, const struct nv_gnamed *named,
                                            const unsigned char *skip)
{
    unsigned char *ns = nv_xcalloc(m->nns + 1, 1);
    size_t w;

    memcpy(ns, named->ns, m->nns);
    for (w = 0; w < m->nworkloads; w++)
        if (named->wl[w] && !(skip && skip[w]))
            ns[m->workloads[w].ns] = 1;
    return ns;
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

/*
 * With filters, the nodes to draw: per workload, those in view and those
 * their edges touch; per namespace when grouped, those the edges touch and
 * those of the workloads in view (but the focused ones, drawn on their own).
 * NULL without filters. The caller frees the result.
 */
static unsigned char *nv_graph_keep(const struct nv_gstate *S)
{
    const struct nv_model *m = S->m;
    unsigned char *keep;
    size_t i;

    if (!S->view)
        return NULL;
    keep = nv_xcalloc((S->byns ? m->nns : m->nworkloads) + 1, 1);
    for (i = 0; i < m->nworkloads; i++) {
        if (!S->inview || !S->inview[i])
            continue;
        if (!S->byns)
            keep[i] = 1;
        else if (!S->focus || !S->focus[i])
            keep[m->workloads[i].ns] = 1;
    }
    for (i = 0; i < S->nedges; i++) {
        const struct nv_gedge *e = &S->edges[i];
        if (!e->s.ext && e->s.ns == S->byns)
            keep[e->s.idx] = 1;
        if (!e->d.ext && e->d.ns == S->byns)
            keep[e->d.idx] = 1;
    }
    return keep;
}

/*
 * Which nodes to draw and how: 'keep' and 'named' are per workload, or per
 * namespace when grouped (keep NULL: every workload, or every namespace that
 * has one). Grouped with a focus, the focused workload is drawn on its own.
 * The node each end is drawn as: ranges (sorted) first, then by namespace and
 * workload index (NV_GRAPH_NO_BOX: not drawn).
 */
struct nv_gnodes {
    const unsigned char *keep, *named;
    const unsigned char *nsnamed; /* per namespace, for boxes; or NULL */
    const unsigned char *wlnamed; /* per workload, for the focused ones when grouped; or NULL */
    size_t nwl, nns;              /* OUT: workload and namespace nodes drawn */
    struct nv_iprange *rs;
    size_t nr;
    size_t *ns_node, *wl_node;
    size_t alloc;
};

/* Add a node to g (id and label copied); returns its index. */
static size_t nv_graph_add_node(struct nv_graph *g, struct nv_gnodes *N,
                                enum nv_graph_node_kind kind, const char *id, const char *label,
                                size_t box, unsigned flags)
{
    struct nv_graph_node *v;

    NV_GROW(g->nodes, N->alloc, g->nnodes + 1);
    v = &g->nodes[g->nnodes];
    v->kind = kind;
    v->id = nv_xstrdup(id);
    v->label = nv_xstrdup(label);
    v->box = box;
    v->flags = flags;
    return g->nnodes++;
}

/* A workload node: in box 'box', or (grouped, focused) on its own with its id. */
static void nv_graph_wl_node(const struct nv_gstate *S, struct nv_graph *g, struct nv_gnodes *N,
                             size_t box, size_t w, int named)
{
    const struct nv_workload *wl = &S->m->workloads[w];
    struct nv_gep e = nv_gep_idx(w);
    struct nv_buf name, label;

    nv_buf_init(&name, 0);
    nv_buf_init(&label, 0);
    nv_gep_name(S, &e, &name);
    nv_escape_dot(&label, box != NV_GRAPH_NO_BOX ? wl->name : wl->id);
    nv_buf_puts(&label, "\\n");
    nv_escape_dot(&label, wl->kind);
    N->wl_node[w] = nv_graph_add_node(g, N, NV_GRAPH_NODE_WORKLOAD, name.data, label.data, box,
                                      (named ? NV_GRAPH_NAMED : 0) |
                                          (S->focus && S->focus[w] ? NV_GRAPH_FOCUS : 0));
    N->nwl++;
    nv_buf_release(&name);
    nv_buf_release(&label);
}

/* A namespace box. */
static size_t nv_graph_add_box(struct nv_graph *g, size_t *alloc, const char *id, const char *label,
                               unsigned flags)
{
    NV_GROW(g->boxes, *alloc, g->nboxes + 1);
    g->boxes[g->nboxes].flags = flags;
    g->boxes[g->nboxes].id = nv_xstrdup(id);
    g->boxes[g->nboxes].label = nv_xstrdup(label);
    return g->nboxes++;
}

/* Whether range r holds an address --focus gives. */
static int nv_range_focused(const struct nv_view *v, const struct nv_iprange *r)
{
    size_t i;

    for (i = 0; v && i < v->naddr; i++)
        if ((v->addr_mark[i] & NV_VIEW_END) && nv_iprange_has(r, &v->addr[i]))
            return 1;
    return 0;
}

/* Nodes in a stable order: external ranges by address, then namespaces/workloads by name. */
static void nv_graph_nodes(const struct nv_gstate *S, struct nv_graph *g, struct nv_gnodes *N)
{
    const struct nv_model *m = S->m;
    size_t *order = nv_xmalloc((m->nns + 1) * sizeof(*order));
    size_t *wlcount = nv_xcalloc(m->nns + 1, sizeof(*wlcount));
    size_t i, k, boxalloc = 0;
    char addr[NV_IPRANGE_BUFSZ];
    struct nv_buf id, label;

    nv_buf_init(&id, 0);
    nv_buf_init(&label, 0);
    N->nwl = N->nns = 0;
    N->rs = nv_graph_ranges(S, &N->nr);
    N->ns_node = nv_xmalloc((m->nns + 1) * sizeof(*N->ns_node));
    N->wl_node = nv_xmalloc((m->nworkloads + 1) * sizeof(*N->wl_node));
    for (i = 0; i < m->nns; i++)
        N->ns_node[i] = NV_GRAPH_NO_BOX;
    for (i = 0; i < m->nworkloads; i++)
        N->wl_node[i] = NV_GRAPH_NO_BOX;
    for (i = 0; i < N->nr; i++) {
        nv_iprange_format(&N->rs[i], addr);
        nv_graph_add_node(g, N, NV_GRAPH_NODE_RANGE, addr, addr, NV_GRAPH_NO_BOX,
                          nv_range_focused(S->view, &N->rs[i]) ? NV_GRAPH_FOCUS : 0);
    }
    for (i = 0; i < m->nworkloads; i++)
        if (S->byns || !N->keep || N->keep[i])
            wlcount[m->workloads[i].ns]++;
    for (i = 0; i < m->nns; i++)
        order[i] = i;
    nv_sort_model = m;
    qsort(order, m->nns, sizeof(*order), nv_ns_name_cmp);
    for (k = 0; k < m->nns; k++) {
        size_t ns = order[k], box;
        nv_buf_reset(&id);
        nv_buf_reset(&label);
        nv_ns_id(m, ns, &id);
        nv_escape_dot(&label, m->ns[ns].name);
        if (S->byns) {
            if (N->keep ? N->keep[ns] : wlcount[ns] > 0) {
                N->ns_node[ns] = nv_graph_add_node(g, N, NV_GRAPH_NODE_NAMESPACE, id.data,
                                                   label.data, NV_GRAPH_NO_BOX,
                                                   N->named && N->named[ns] ? NV_GRAPH_NAMED : 0);
                N->nns++;
            }
            for (i = 0; S->focus && i < m->nworkloads; i++)
                if (S->focus[i] && m->workloads[i].ns == ns)
                    nv_graph_wl_node(S, g, N, NV_GRAPH_NO_BOX, i, N->wlnamed && N->wlnamed[i]);
            continue;
        }
        if (!wlcount[ns])
            continue;
        box = nv_graph_add_box(g, &boxalloc, id.data, label.data,
                               N->nsnamed && N->nsnamed[ns] ? NV_GRAPH_NAMED : 0);
        for (i = 0; i < m->nworkloads; i++) {
            if (m->workloads[i].ns != ns || (N->keep && !N->keep[i]))
                continue;
            nv_graph_wl_node(S, g, N, box, i, N->named && N->named[i]);
        }
    }
    nv_buf_release(&id);
    nv_buf_release(&label);
    free(order);
    free(wlcount);
}

/* The node edge end e is drawn as. */
static size_t nv_gnodes_of(const struct nv_gnodes *N, const struct nv_gep *e)
{
    size_t lo = 0, hi = N->nr, n;

    if (e->ns)
        n = N->ns_node[e->idx];
    else if (!e->ext)
        n = N->wl_node[e->idx];
    else {
        n = NV_GRAPH_NO_BOX;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = nv_range_cmp(&N->rs[mid], &e->r);
            if (c == 0) {
                n = mid; /* ranges are the first nodes */
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    if (n == NV_GRAPH_NO_BOX)
        NV_BUG("edge between unknown nodes");
    return n;
}

static void nv_gnodes_release(struct nv_gnodes *N)
{
    free(N->rs);
    free(N->ns_node);
    free(N->wl_node);
}

/* The legend entries the nodes and boxes of g need. */
static void nv_graph_legend_nodes(struct nv_graph *g)
{
    size_t i;

    for (i = 0; i < g->nnodes; i++) {
        const struct nv_graph_node *v = &g->nodes[i];
        if (v->kind == NV_GRAPH_NODE_WORKLOAD)
            g->legend |= NV_LEG_BOX;
        else if (v->kind == NV_GRAPH_NODE_NAMESPACE)
            g->legend |= NV_LEG_NS;
        if (v->flags & NV_GRAPH_NAMED)
            g->legend |= NV_LEG_NAMED;
        if (v->flags & NV_GRAPH_FOCUS)
            g->legend |= NV_LEG_FOCUS;
    }
    for (i = 0; i < g->nboxes; i++)
        if (g->boxes[i].flags & NV_GRAPH_NAMED)
            g->legend |= NV_LEG_NAMED_NS;
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
    struct nv_buf label;
    struct nv_gnodes N;
    struct nv_gmark *mk = NULL;
    struct nv_gnamed named = {NULL, NULL};
    unsigned char *keep, *nsnamed = NULL;
    size_t nmk = 0, i;

    memset(&S, 0, sizeof(S));
    memset(&N, 0, sizeof(N));
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
        nv_gnamed_init(&named, m, o->claims);
    }
    nv_graph_flows(&S, x, o->group, mk, nmk);
    keep = nv_graph_keep(&S);
    if (named.wl && S.byns) {
        nsnamed = nv_claimed_namespaces(m, &named, S.focus);
        N.wlnamed = named.wl;
    }
    N.keep = keep;
    N.named = S.byns ? nsnamed : named.wl;
    N.nsnamed = S.byns ? NULL : named.ns;
    nv_graph_nodes(&S, g, &N);
    g->byns = S.byns;
    g->note = S.note;
    nv_graph_legend_nodes(g);
    nv_buf_init(&label, 0);
    g->edges = nv_xcalloc(S.nedges + 1, sizeof(*g->edges));
    for (i = 0; i < S.nedges; i++) {
        const struct nv_gedge *e = &S.edges[i];
        struct nv_graph_edge *ge = &g->edges[g->nedges++];
        ge->from = nv_gnodes_of(&N, &e->s);
        ge->to = nv_gnodes_of(&N, &e->d);
        nv_gedge_label(&S.pt, e, &label);
        ge->label = nv_xstrdup(nv_buf_str(&label));
        ge->style = e->style;
        if (e->s.ext || e->d.ext)
            g->legend |= NV_LEG_HEXAGON;
        if (e->style & NV_EDGE_BOLD)
            g->legend |= NV_LEG_BOLD;
        if (e->style & NV_EDGE_DASHED)
            g->legend |= NV_LEG_DASHED;
        else if (e->style & NV_EDGE_RED)
            g->legend |= NV_LEG_RED;
        free(e->note);
    }
    nv_buf_release(&label);
    nv_gnodes_release(&N);
    free(S.edges);
    nv_ports_release(&S.pt);
    free(S.imp);
    free(mk);
    free(keep);
    nv_gnamed_release(&named);
    free(S.focus);
    free(S.inview);
    free(nsnamed);
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
