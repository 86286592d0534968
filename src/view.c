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
#include "netverify/buf.h"
#include "netverify/endpoint.h"
#include "netverify/escape.h"
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

int nv_view_opts_any(const struct nv_view_opts *o)
{
    return o->nfocus || o->nns || o->npeer || o->dir != NV_VIEW_BOTH;
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
    size_t n = nv_view_nopts(o);

    memset(v, 0, sizeof(*v));
    v->o = o;
    v->nwl = nwl;
    v->any = n != 0;
    v->mark = nv_xcalloc(nwl + 1, 1);
    v->hit = nv_xcalloc(n + 1, 1);
    v->why = nv_xcalloc(n + 1, sizeof(*v->why));
}

void nv_view_release(struct nv_view *v)
{
    size_t i, n = v->o ? nv_view_nopts(v->o) : 0;

    for (i = 0; i < n; i++)
        free(v->why[i]);
    free(v->why);
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

static void nv_view_add_addr(struct nv_view *v, const struct nv_ip *ip, unsigned char bit)
{
    v->addr = nv_xrealloc(v->addr, (v->naddr + 1) * sizeof(*v->addr));
    v->addr_mark = nv_xrealloc(v->addr_mark, (v->naddr + 1) * sizeof(*v->addr_mark));
    v->addr[v->naddr] = *ip;
    v->addr_mark[v->naddr++] = bit;
}

/*
 * Mark what endpoint 'text' names in m (workloads; an address is kept once,
 * from the first model). Returns whether it names something, else the reason
 * in err.
 */
static int nv_view_endpoint(struct nv_view *v, const struct nv_model *m, const long *num,
                            const char *text, unsigned char bit, int first, struct nv_buf *err)
{
    struct nv_ep ep;
    uint32_t *wl;
    size_t i, n;

    if (nv_ep_lookup(m, text, NV_EP_ANY, &ep, err) < 0)
        return 0;
    if (ep.form == NV_EP_ADDRESS) {
        if (first)
            nv_view_add_addr(v, &ep.ip, bit);
        return 1;
    }
    wl = nv_xmalloc((m->nworkloads + 1) * sizeof(*wl));
    n = nv_ep_workloads(m, &ep, wl);
    for (i = 0; i < n; i++)
        nv_view_mark(v, num, wl[i], bit);
    free(wl);
    if (!n)
        nv_buf_printf(err, "'%s' selects no pod of a workload", text);
    return n != 0;
}

static int nv_view_namespace(struct nv_view *v, const struct nv_model *m, const long *num,
                             const char *ns, struct nv_buf *err)
{
    long k = nv_ep_namespace(m, ns, ns, err);
    size_t i, n = 0;

    if (k < 0)
        return 0;
    for (i = 0; i < m->nworkloads; i++)
        if (m->workloads[i].ns == (unsigned)k) {
            nv_view_mark(v, num, i, NV_VIEW_END);
            n++;
        }
    if (!n)
        nv_buf_printf(err, "'%s': no workload in that namespace", ns);
    return n != 0;
}

void nv_view_add(struct nv_view *v, const struct nv_model *m, const long *num)
{
    const struct nv_view_opts *o = v->o;
    int first = !v->nmodels++;
    size_t i, k = 0;
    struct nv_buf err;

    nv_buf_init(&err, 0);
    for (i = 0; i < nv_view_nopts(o); i++, k++) {
        int hit;
        nv_buf_reset(&err);
        if (i < o->nfocus)
            hit = nv_view_endpoint(v, m, num, o->focus[i], NV_VIEW_END, first, &err);
        else if (i < o->nfocus + o->nns)
            hit = nv_view_namespace(v, m, num, o->ns[i - o->nfocus], &err);
        else
            hit = nv_view_endpoint(v, m, num, o->peer[i - o->nfocus - o->nns], NV_VIEW_PEER, first,
                                   &err);
        v->hit[k] |= (unsigned char)hit;
        /* the first model's reason, unless a later one has a suggestion and it has none */
        if (!hit && (!v->why[k] || (!strstr(v->why[k], "did you mean") &&
                                    strstr(nv_buf_str(&err), "did you mean")))) {
            free(v->why[k]);
            v->why[k] = nv_buf_detach(&err);
        }
    }
    nv_buf_release(&err);
}

int nv_view_done(const struct nv_view *v, FILE *fp)
{
    const struct nv_view_opts *o = v->o;
    size_t k, n = nv_view_nopts(o);
    int rc = 0;

    for (k = 0; k < n; k++) {
        const char *opt = k < o->nfocus            ? "--focus"
                          : k < o->nfocus + o->nns ? "--namespace"
                                                   : "--peer";
        if (v->hit[k])
            continue;
        nv_escape_term_line(fp, "netverify: %s %s", opt, v->why[k] ? v->why[k] : "names nothing");
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
        if (nv_iprange_has(&e->r, &v->addr[i]))
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
