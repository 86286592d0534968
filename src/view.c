/*
 * view.c - the filters of list and diff (--focus, --namespace, --direction,
 * --peer): resolved on the workloads of one or two models, then asked of
 * every flow.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/view.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/model.h"

void nv_view_opts_add(const char ***list, size_t *n, const char *arg)
{
    *list = nv_xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = arg;
}

void nv_view_opts_release(struct nv_view_opts *o)
{
    free(o->focus);
    free(o->ns);
    free(o->peer);
    memset(o, 0, sizeof(*o));
}

const char *nv_view_opts_problem(const struct nv_view_opts *o)
{
    if (o->nfocus || o->nns)
        return NULL;
    if (o->dir != NV_VIEW_BOTH)
        return "--direction needs --focus or --namespace: it is relative to them";
    if (o->npeer)
        return "--peer needs --focus or --namespace: it names the other end of their flows";
    return NULL;
}

static size_t nv_view_nopts(const struct nv_view_opts *o)
{
    return o->nfocus + o->nns + o->npeer;
}

void nv_view_init(struct nv_view *v, const struct nv_view_opts *o, size_t nwl)
{
    size_t i, n = nv_view_nopts(o);

    memset(v, 0, sizeof(*v));
    v->o = o;
    v->nwl = nwl;
    v->any = n != 0;
    v->mark = nv_xcalloc(nwl + 1, 1);
    v->hit = nv_xcalloc(n + 1, 1);
    v->why = nv_xcalloc(n + 1, sizeof(*v->why));
    for (i = 0; i < n; i++)
        nv_diags_init(&v->why[i]);
    nv_diags_init(&v->scratch);
}

void nv_view_release(struct nv_view *v)
{
    size_t i, n = v->o ? nv_view_nopts(v->o) : 0;

    for (i = 0; i < n; i++)
        nv_diags_release(&v->why[i]);
    free(v->why);
    nv_diags_release(&v->scratch);
    free(v->hit);
    free(v->mark);
    free(v->addr);
    free(v->addr_mark);
    memset(v, 0, sizeof(*v));
}

static void nv_view_mark(struct nv_view *v, const long *num, size_t k, unsigned char bit)
{
    long n = num ? num[k] : (long)k;

    if (n >= 0 && (size_t)n < v->nwl)
        v->mark[n] |= bit;
}

static void nv_view_add_addr(struct nv_view *v, const struct nv_iprange *r, unsigned char bit)
{
    v->addr = nv_xrealloc(v->addr, (v->naddr + 1) * sizeof(*v->addr));
    v->addr_mark = nv_xrealloc(v->addr_mark, (v->naddr + 1) * sizeof(*v->addr_mark));
    v->addr[v->naddr] = *r;
    v->addr_mark[v->naddr++] = bit;
}

/*
 * NEEDSWORK: a stand-in for the endpoint module (src/endpoint.c) until it
 * lands: an address, NS/NAME, NS/NAME[Kind] or a bare NAME. Marks what ep
 * names; returns how many workloads or addresses, 0 with a reason in d.
 */
static size_t nv_view_endpoint(struct nv_view *v, const struct nv_model *m, const long *num,
                               const char *opt, const char *ep, unsigned char bit, int add_addr,
                               struct nv_diags *d)
{
    struct nv_loc none = {NULL, 0, 0};
    const char *br = strchr(ep, '[');
    size_t i, n = 0, len = br ? (size_t)(br - ep) : strlen(ep);
    struct nv_iprange r;

    if (nv_ip_parse(ep, &r.first, NULL) >= 0) {
        r.last = r.first;
        if (add_addr)
            nv_view_add_addr(v, &r, bit);
        return 1;
    }
    for (i = 0; i < m->nworkloads; i++) {
        const struct nv_workload *w = &m->workloads[i];
        const char *name = memchr(ep, '/', len) ? w->id : w->name;
        if (strlen(name) != len || strncmp(name, ep, len))
            continue;
        if (br &&
            (strncmp(w->kind, br + 1, strlen(w->kind)) || strcmp(br + 1 + strlen(w->kind), "]")))
            continue;
        nv_view_mark(v, num, i, bit);
        n++;
    }
    if (!n)
        nv_diag_error(d, none, NV_E_VALUE, "%s '%s': no workload by that name in the manifests",
                      opt, ep);
    return n;
}

static size_t nv_view_namespace(struct nv_view *v, const struct nv_model *m, const long *num,
                                const char *ns, struct nv_diags *d)
{
    struct nv_loc none = {NULL, 0, 0};
    size_t i, n = 0;

    for (i = 0; i < m->nworkloads; i++)
        if (!strcmp(m->ns[m->workloads[i].ns].name, ns)) {
            nv_view_mark(v, num, i, NV_VIEW_END);
            n++;
        }
    if (!n)
        nv_diag_error(d, none, NV_E_VALUE, "--namespace '%s': no workload in that namespace", ns);
    return n;
}

void nv_view_add(struct nv_view *v, const struct nv_model *m, const long *num)
{
    const struct nv_view_opts *o = v->o;
    int first = !v->nmodels++;
    size_t i, k = 0;

    for (i = 0; i < o->nfocus; i++, k++) {
        if (nv_view_endpoint(v, m, num, "--focus", o->focus[i], NV_VIEW_END, first,
                             first ? &v->why[k] : &v->scratch))
            v->hit[k] = 1;
    }
    for (i = 0; i < o->nns; i++, k++)
        if (nv_view_namespace(v, m, num, o->ns[i], first ? &v->why[k] : &v->scratch))
            v->hit[k] = 1;
    for (i = 0; i < o->npeer; i++, k++)
        if (nv_view_endpoint(v, m, num, "--peer", o->peer[i], NV_VIEW_PEER, first,
                             first ? &v->why[k] : &v->scratch))
            v->hit[k] = 1;
    nv_diags_release(&v->scratch);
    nv_diags_init(&v->scratch);
}

int nv_view_done(struct nv_view *v, struct nv_diags *d)
{
    size_t k, j, n = nv_view_nopts(v->o);
    int rc = 0;

    for (k = 0; k < n; k++) {
        if (v->hit[k])
            continue;
        for (j = 0; j < v->why[k].n; j++)
            nv_diag_error(d, v->why[k].items[j].loc, v->why[k].items[j].code, "%s",
                          v->why[k].items[j].msg);
        rc = -1;
    }
    return rc;
}

/* The filter bits of an end: a workload's marks, or those of the addresses in its range. */
static unsigned nv_view_bits(const struct nv_view *v, const struct nv_flow_end *e)
{
    unsigned bits = 0;
    size_t i;

    if (e->wl >= 0)
        return (size_t)e->wl < v->nwl ? v->mark[e->wl] : 0;
    for (i = 0; i < v->naddr; i++)
        if (nv_ip_cmp(&v->addr[i].first, &e->r.last) <= 0 &&
            nv_ip_cmp(&e->r.first, &v->addr[i].last) <= 0)
            bits |= v->addr_mark[i];
    return bits;
}

int nv_view_keeps(const struct nv_view *v, const struct nv_flow_end *src,
                  const struct nv_flow_end *dst)
{
    unsigned s, d, peer;

    if (!v || !v->any)
        return 1;
    s = nv_view_bits(v, src);
    d = nv_view_bits(v, dst);
    peer = v->o->npeer ? NV_VIEW_PEER : 0;
    if ((s & NV_VIEW_END) && v->o->dir != NV_VIEW_IN && (d & peer) == peer)
        return 1;
    return (d & NV_VIEW_END) && v->o->dir != NV_VIEW_OUT && (s & peer) == peer;
}

int nv_view_may_leave(const struct nv_view *v, const struct nv_flow_end *src)
{
    unsigned s, peer;

    if (!v || !v->any)
        return 1;
    s = nv_view_bits(v, src);
    peer = v->o->npeer ? NV_VIEW_PEER : 0;
    return ((s & NV_VIEW_END) && v->o->dir != NV_VIEW_IN) ||
           (v->o->dir != NV_VIEW_OUT && (s & peer) == peer);
}
