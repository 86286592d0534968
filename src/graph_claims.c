/*
 * graph_claims.c - the claims on the diagram: each decided with the matrix
 * engine, the edges that refute a 'cannot reach' or 'only' part in red (per
 * workload, or per namespace as the namespace rows are read), the blocked
 * flow of a refuted 'reaches' dashed, each with the claim's name; and what
 * the claims name (workloads, namespaces), to colour those nodes.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/escape.h"

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
char *nv_graph_claim_note(const char *prefix, const struct nv_claim *c)
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
    out->ctrl = m->ctrl >= 0 && out->idx == (size_t)m->ctrl;
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
void nv_graph_note_merge(struct nv_gedge *e, const char *note)
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
        nv_graph_gep_to_ns(S->m, &s, NULL);
        nv_graph_gep_to_ns(S->m, &d, NULL);
    }
    nv_graph_gadd(S, s, d, NV_PORTS_NONE, NV_PORTS_NONE);
    S->edges[S->nedges - 1].style = NV_EDGE_RED | NV_EDGE_DASHED;
    nv_gedge_note(&S->edges[S->nedges - 1], "blocked: ", c);
}

/*
 * Decide every claim with the matrix engine. Returns the number of parts to
 * mark; OUT: *out, which the caller must free().
 */
size_t nv_graph_decide(struct nv_matrix *x, const struct nv_claims *cs, struct nv_gmark **out)
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
void nv_graph_refuting(struct nv_gstate *S, const struct nv_gmark *mk, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (mk[k].kind == NV_PART_CANNOT || mk[k].kind == NV_PART_ONLY)
            nv_mark_refuting(S, mk[k].c, mk[k].kind == NV_PART_ONLY);
}

/* A dashed edge for every refuted 'reaches' part. */
void nv_graph_blocked(struct nv_gstate *S, const struct nv_gmark *mk, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (mk[k].kind == NV_PART_REACHES)
            nv_add_blocked(S, mk[k].c, &mk[k].w);
}

void nv_graph_nsmark_init(struct nv_nsmark *M, struct nv_gstate *S, const struct nv_gmark *mk)
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
        struct nv_gep e = nv_graph_gep_idx(w);
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

void nv_graph_nsmark_release(struct nv_nsmark *M)
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
void nv_graph_nsmark_row(struct nv_nsmark *M, struct nv_gstate *S, size_t i, const uint32_t *row,
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
int nv_graph_nsmark_hit(const struct nv_nsmark *M, const struct nv_model *m,
                        const struct nv_gedge *e)
{
    size_t na = m->atoms.n, a;

    if (e->s.ctrl)
        return 0; /* marked toward each workload before it was grouped */
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

/*
 * The workloads a claim's set of pods, Service or workload holds one pod of,
 * and the namespaces a claim names (those of the workloads its 'namespace' or
 * 'namespaces' set holds): a namespace claim marks the namespace, not each of
 * its workloads. Release with nv_graph_named_release().
 */
void nv_graph_named_init(struct nv_gnamed *out, const struct nv_model *m,
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

void nv_graph_named_release(struct nv_gnamed *n)
{
    free(n->wl);
    free(n->ns);
}

/*
 * Grouped by namespace, per namespace: whether a claim names it or one of its
 * workloads not in 'skip' (may be NULL; drawn on their own). The caller frees the result.
 */
unsigned char *nv_graph_claimed_namespaces(const struct nv_model *m, const struct nv_gnamed *named,
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
