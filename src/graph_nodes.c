/*
 * graph_nodes.c - the drawing of the diagram's edges: the nodes kept (ranges
 * by address, then per namespace by name its node or box and workloads),
 * their DOT ids and labels, the edges' labels, the legend the styles need.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/expose.h"
#include "netverify/report.h"

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
    if (e->ctrl) {
        nv_buf_puts(b, NV_CTRL_NAME); /* '{' is in no other id */
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
struct nv_iprange *nv_graph_ranges(const struct nv_gstate *S, size_t *n)
{
    struct nv_iprange *rs = nv_xmalloc((2 * S->nedges + 1) * sizeof(*rs));
    size_t nr = 0, i, k = 0;

    for (i = 0; i < S->nedges; i++) {
        if (S->edges[i].s.ext)
            rs[nr++] = S->edges[i].s.r;
        if (S->edges[i].d.ext)
            rs[nr++] = S->edges[i].d.r;
    }
    qsort(rs, nr, sizeof(*rs), nv_graph_range_cmp);
    for (i = 0; i < nr; i++)
        if (k == 0 || nv_graph_range_cmp(&rs[k - 1], &rs[i]) != 0)
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
        if (!e->s.ext && !e->s.ctrl && e->s.ns == S->byns)
            keep[e->s.idx] = 1;
        if (!e->d.ext && !e->d.ctrl && e->d.ns == S->byns)
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
    struct nv_gep e = nv_graph_gep_idx(w);
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
    for (i = 0; i <= m->nworkloads; i++) /* and the controller's, past them */
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
    /* the ingress controller, after the namespaces (as its rows come last in 'list') */
    for (i = 0; i < S->nedges; i++) {
        const struct nv_gep *c = S->edges[i].s.ctrl ? &S->edges[i].s : &S->edges[i].d;
        if (!c->ctrl)
            continue;
        nv_buf_reset(&label);
        nv_escape_dot(&label, NV_CTRL_NAME);
        nv_gep_name(S, c, &id);
        N->wl_node[c->idx] = nv_graph_add_node(g, N, NV_GRAPH_NODE_CONTROLLER, id.data, label.data,
                                               NV_GRAPH_NO_BOX, 0);
        break;
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
            int c = nv_graph_range_cmp(&N->rs[mid], &e->r);
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
        else if (v->kind == NV_GRAPH_NODE_CONTROLLER)
            g->legend |= NV_LEG_CTRL;
        /* each entry drawn in the shape of the nodes it explains */
        if ((v->flags & NV_GRAPH_NAMED) && g->byns && v->kind == NV_GRAPH_NODE_WORKLOAD)
            g->legend |= NV_LEG_NAMED_WL;
        else if (v->flags & NV_GRAPH_NAMED)
            g->legend |= NV_LEG_NAMED;
        if (v->flags & NV_GRAPH_FOCUS)
            g->legend |= v->kind == NV_GRAPH_NODE_RANGE ? NV_LEG_FOCUS_RANGE : NV_LEG_FOCUS;
    }
    for (i = 0; i < g->nboxes; i++)
        if (g->boxes[i].flags & NV_GRAPH_NAMED)
            g->legend |= NV_LEG_NAMED_NS;
}

/*
 * The nodes, boxes and edges of g from the edges in S: the nodes the filters
 * keep (all without them), flagged where the claims name them (named), the
 * edges' labels and styles, the legend they need.
 */
void nv_graph_assemble(struct nv_graph *g, const struct nv_gstate *S, const struct nv_gnamed *named)
{
    struct nv_gnodes N;
    struct nv_buf label;
    unsigned char *keep, *nsnamed = NULL;
    size_t i;

    memset(&N, 0, sizeof(N));
    keep = nv_graph_keep(S);
    if (named->wl && S->byns) {
        nsnamed = nv_graph_claimed_namespaces(S->m, named, S->focus);
        N.wlnamed = named->wl;
    }
    N.keep = keep;
    N.named = S->byns ? nsnamed : named->wl;
    N.nsnamed = S->byns ? NULL : named->ns;
    nv_graph_nodes(S, g, &N);
    g->byns = S->byns;
    nv_graph_legend_nodes(g);
    nv_buf_init(&label, 0);
    g->edges = nv_xcalloc(S->nedges + 1, sizeof(*g->edges));
    for (i = 0; i < S->nedges; i++) {
        const struct nv_gedge *e = &S->edges[i];
        struct nv_graph_edge *ge = &g->edges[g->nedges++];
        ge->from = nv_gnodes_of(&N, &e->s);
        ge->to = nv_gnodes_of(&N, &e->d);
        nv_gedge_label(&S->pt, e, &label);
        ge->label = nv_xstrdup(nv_buf_str(&label));
        ge->style = e->style;
        if (e->s.ext || e->d.ext)
            g->legend |= NV_LEG_HEXAGON;
        if (e->style & NV_EDGE_BOLD)
            g->legend |= NV_LEG_BOLD;
        if (e->style & NV_EDGE_TIER)
            g->legend |= NV_LEG_TIER;
        if (e->style & NV_EDGE_DASHED)
            g->legend |= NV_LEG_DASHED;
        else if (e->style & NV_EDGE_RED)
            g->legend |= NV_LEG_RED;
    }
    nv_buf_release(&label);
    nv_gnodes_release(&N);
    free(keep);
    free(nsnamed);
}
