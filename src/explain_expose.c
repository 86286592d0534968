/*
 * explain_expose.c - 'explain --from {ingress-controller}': which Ingress,
 * Route and Gateway API routes send the ingress controller to the
 * destination, through which Service ports, onto which target ports; the
 * lines come before the flows, whose walk through the policies is the usual
 * one (docs/semantics.md, "Exposure").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "explain_int.h"
#include "netverify/claim.h"
#include "netverify/expose.h"

/* Add target port t to the sorted set v (n entries, room for one more). */
static void nv_xe_add(unsigned *v, size_t *n, unsigned t)
{
    size_t i = 0, k;

    while (i < *n && v[i] < t)
        i++;
    if (i < *n && v[i] == t)
        return;
    for (k = *n; k > i; k--)
        v[k] = v[k - 1];
    v[i] = t;
    (*n)++;
}

/* "TCP 80,8080" from the sorted target ports v. */
static void nv_xe_ports(struct nv_buf *b, const unsigned *v, size_t n)
{
    size_t i;

    nv_buf_puts(b, "TCP ");
    for (i = 0; i < n; i++)
        nv_buf_printf(b, "%s%u", i ? "," : "", v[i]);
}

/*
 * The target ports backend b sends to on the pods of workload wl, through
 * Service port k of its Service (k = -1: through every port it picks), into
 * v (sorted, once each). Returns how many.
 */
static size_t nv_xe_targets(const struct nv_model *m, const struct nv_backend *b, size_t wl, long k,
                            unsigned *v)
{
    const struct nv_workload *w = &m->workloads[wl];
    const struct nv_service *svc = &m->services[b->svcidx];
    size_t i, j, n = 0;

    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *p = &m->pods[w->pods[i]];
        if (!nv_service_selects(m, svc, p))
            continue;
        for (j = 0; j < svc->nports; j++) {
            unsigned t;
            if ((k >= 0 && (size_t)k != j) || !b->picks[j] ||
                !(t = nv_service_target(&svc->ports[j], p)))
                continue;
            nv_xe_add(v, &n, t);
        }
    }
    return n;
}

/* Move the items from number 'first' on to the front of r (they were added last). */
static void nv_xe_to_front(struct nv_xreport *r, size_t first)
{
    size_t n = r->n - first;
    struct nv_xitem *tmp;

    if (!n || !first)
        return;
    tmp = nv_xmalloc(n * sizeof(*tmp));
    memcpy(tmp, r->v + first, n * sizeof(*tmp));
    memmove(r->v + n, r->v, first * sizeof(*tmp));
    memcpy(r->v, tmp, n * sizeof(*tmp));
    free(tmp);
    r->v[n].blank = 1; /* what was first now follows them */
}

void nv_explain_exposure(const struct nv_model *m, size_t wl, const struct nv_xport *port,
                         struct nv_xreport *r)
{
    const struct nv_workload *w = &m->workloads[wl];
    const struct nv_backend *b;
    size_t first = r->n, from = 0, nall = 0, i, cap = 1;
    unsigned *all, *v;
    struct nv_buf pb;
    char where[300];
    int asked = port->given && !port->name && (!port->proto_given || port->proto == NV_PROTO_TCP);
    int hit = 0;

    for (i = 0; i < m->nservices; i++)
        cap += m->services[i].nports;
    all = nv_xmalloc(cap * sizeof(*all));
    v = nv_xmalloc(cap * sizeof(*v));
    nv_buf_init(&pb, 0);
    while ((b = nv_expose_next(m, wl, 0, &from))) {
        const struct nv_service *svc = &m->services[b->svcidx];
        size_t k, n;
        for (k = 0; k < svc->nports; k++) {
            const struct nv_service_port *sp = &svc->ports[k];
            struct nv_xitem *it;
            if (!b->picks[k] || !(n = nv_xe_targets(m, b, wl, (long)k, v)))
                continue;
            for (i = 0; i < n; i++) {
                nv_xe_add(all, &nall, v[i]);
                hit |= asked && v[i] == port->port;
            }
            nv_buf_reset(&pb);
            nv_xe_ports(&pb, v, n);
            it = nv_xr_add(
                r, NV_XI_NOTE,
                "routed: %s %s/%s (%s) sends to Service %s/%s port %u%s%s%s: %s on %s[%s]",
                nv_expose_kind_name(b->kind), b->ns, b->name,
                nv_loc_format(b->loc, where, sizeof(where)), b->svc_ns, b->svc, sp->port,
                sp->name ? " ('" : "", sp->name ? sp->name : "", sp->name ? "')" : "",
                nv_buf_str(&pb), w->id, w->kind);
            it->word = "routed";
            it->loc = b->loc;
        }
    }
    nv_buf_reset(&pb);
    nv_xe_ports(&pb, all, nall);
    if (!nall)
        nv_xr_add(r, NV_XI_NOTE,
                  "no Ingress, Route, HTTPRoute, GRPCRoute or TCPRoute sends to %s[%s]: the "
                  "ingress controller is never sent there (the policies are explained all the "
                  "same)",
                  w->id, w->kind)
            ->word = "routed";
    else if (port->given && !port->name && !hit)
        nv_xr_add(r, NV_XI_NOTE,
                  "no route sends the ingress controller to %s %u on %s[%s], only to %s: nothing "
                  "is exposed on it (the policies are explained all the same)",
                  nv_proto_name(port->proto_given ? port->proto : NV_PROTO_TCP), port->port, w->id,
                  w->kind, nv_buf_str(&pb))
            ->word = "routed";
    else if (!port->given)
        nv_xr_add(r, NV_XI_NOTE,
                  "the ingress controller is sent to %s only: list, diff, graph and the exposure "
                  "claims count what the policies allow on those ports",
                  nv_buf_str(&pb))
            ->word = "routed";
    nv_xe_to_front(r, first);
    nv_buf_release(&pb);
    free(all);
    free(v);
}
