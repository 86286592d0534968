/*
 * expose.c - the backends of Ingress, Route and Gateway API routes resolved to
 * Service ports and the pods behind them, and the ingress controller as an
 * endpoint of the model: a pod of its own namespace that only the exposure
 * rows and claims name (docs/semantics.md, "Exposure").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/expose.h"

#include <string.h>

#include "netverify/claim.h"

const char *nv_expose_kind_name(enum nv_expose_kind k)
{
    static const char *const names[] = {"Ingress", "Route", "HTTPRoute", "GRPCRoute", "TCPRoute"};
    return names[k];
}

static long nv_find_service(const struct nv_model *m, const char *ns, const char *name)
{
    size_t i;

    for (i = 0; i < m->nservices; i++)
        if (!strcmp(m->services[i].ns, ns) && !strcmp(m->services[i].name, name))
            return (long)i;
    return -1;
}

/* Whether a ReferenceGrant of the Service's namespace lets the route name the Service. */
static int nv_granted(const struct nv_model *m, const struct nv_backend *b)
{
    const char *kind = nv_expose_kind_name(b->kind);
    size_t i, j, k;

    for (i = 0; i < m->ngrants; i++) {
        const struct nv_grant *g = &m->grants[i];
        if (strcmp(g->ns, b->svc_ns))
            continue;
        for (j = 0; j < g->nfrom; j++) {
            if (strcmp(g->from_ns[j], b->ns) || strcmp(g->from_kind[j], kind))
                continue;
            for (k = 0; k < g->nto; k++)
                if (!g->to_name[k] || !strcmp(g->to_name[k], b->svc))
                    return 1;
        }
    }
    return 0;
}

/*
 * Whether backend b picks Service port sp (see "Exposure" in docs/semantics.md):
 * 1 by the Service port's number or name, 2 only by its target port (as a
 * Route's targetPort means, and as ingress-nginx also reads an Ingress's), 0 not.
 */
static int nv_picks(const struct nv_backend *b, const struct nv_service_port *sp)
{
    if (!b->port_name && !b->port)
        return 1;
    if (b->port_name) {
        if (sp->name && !strcmp(sp->name, b->port_name))
            return 1;
        if (b->kind <= NV_EXPOSE_ROUTE && sp->target_name && !strcmp(sp->target_name, b->port_name))
            return 2;
        return 0;
    }
    if (sp->port == b->port)
        return 1;
    return b->kind <= NV_EXPOSE_ROUTE && !sp->target_name && sp->target == b->port ? 2 : 0;
}

static void nv_port_text(const struct nv_backend *b, char *buf, size_t n)
{
    if (b->port_name)
        snprintf(buf, n, "port '%s'", b->port_name);
    else
        snprintf(buf, n, "port %u", b->port);
}

/* Resolve backend b; returns 1 when it exposes some Service port. */
static int nv_resolve_backend(struct nv_model *m, struct nv_backend *b, struct nv_diags *d)
{
    const char *kind = nv_expose_kind_name(b->kind);
    const struct nv_service *svc;
    size_t i, n = 0, tcp = 0, by_target = 0;
    long si;
    char pt[300];

    b->svcidx = -1;
    if (b->needs_grant && !nv_granted(m, b)) {
        nv_diag_warning(d, b->loc, NV_W_SEMANTIC,
                        "%s %s/%s names Service %s/%s in another namespace, and no ReferenceGrant "
                        "of namespace %s permits it: the gateway refuses the reference "
                        "(RefNotPermitted), nothing is exposed through it",
                        kind, b->ns, b->name, b->svc_ns, b->svc, b->svc_ns);
        return 0;
    }
    if ((si = nv_find_service(m, b->svc_ns, b->svc)) < 0) {
        nv_diag_warning(d, b->loc, NV_W_SEMANTIC,
                        "%s %s/%s sends to Service %s/%s, which is not in the input: nothing is "
                        "exposed through it",
                        kind, b->ns, b->name, b->svc_ns, b->svc);
        return 0;
    }
    svc = &m->services[si];
    if (svc->unselected) {
        nv_diag_warning(d, b->loc, NV_W_SEMANTIC,
                        "%s %s/%s sends to Service %s/%s, which %s: which pods it exposes is not "
                        "in the manifests (%s:%u:%u)",
                        kind, b->ns, b->name, b->svc_ns, b->svc, nv_service_unselected_why(svc),
                        svc->loc.file ? svc->loc.file : "-", svc->loc.line, svc->loc.col);
        return 0;
    }
    b->picks = nv_arena_alloc(&m->arena, svc->nports + 1);
    memset(b->picks, 0, svc->nports + 1);
    for (i = 0; i < svc->nports; i++) {
        int how = nv_picks(b, &svc->ports[i]);
        if (!how)
            continue;
        n++;
        by_target += how == 2;
        if (svc->ports[i].proto != NV_PROTO_TCP)
            continue; /* HTTP, gRPC and TCP routes carry TCP only */
        b->picks[i] = 1;
        tcp++;
    }
    nv_port_text(b, pt, sizeof(pt));
    if (!n) {
        if (b->port_name || b->port)
            nv_diag_warning(d, b->port_loc, NV_W_SEMANTIC,
                            "%s %s/%s sends to %s of Service %s/%s, which has no such port "
                            "(%s:%u:%u): nothing is exposed through it",
                            kind, b->ns, b->name, pt, b->svc_ns, b->svc,
                            svc->loc.file ? svc->loc.file : "-", svc->loc.line, svc->loc.col);
        else
            nv_diag_warning(d, b->loc, NV_W_SEMANTIC,
                            "%s %s/%s sends to Service %s/%s, which has no ports: nothing is "
                            "exposed through it",
                            kind, b->ns, b->name, b->svc_ns, b->svc);
        return 0;
    }
    if (!tcp) {
        nv_diag_warning(d, b->port_loc, NV_W_SEMANTIC,
                        "%s %s/%s sends to Service %s/%s on ports that are not TCP: a %s carries "
                        "TCP only, nothing is exposed through it",
                        kind, b->ns, b->name, b->svc_ns, b->svc, kind);
        return 0;
    }
    if (b->kind == NV_EXPOSE_INGRESS && by_target == n)
        nv_diag_warning(d, b->port_loc, NV_W_SEMANTIC,
                        "Ingress %s/%s sends to %s of Service %s/%s, which is a target port, not "
                        "a port of the Service: the Ingress API names Service ports; read as "
                        "ingress-nginx does, as the Service port that targets it",
                        b->ns, b->name, pt, b->svc_ns, b->svc);
    b->svcidx = si;
    nv_model_use_pod_selector(m, svc->selector);
    for (i = 0; i < svc->nports; i++)
        if (b->picks[i] && svc->ports[i].target_name)
            nv_model_use_port_name(m, svc->ports[i].target_name);
    return 1;
}

void nv_expose_prepare(struct nv_model *m, struct nv_diags *d)
{
    size_t i, used = 0;
    struct nv_pod pod;
    struct nv_workload *w;
    const char *id;

    if (m->expose_off)
        return;
    for (i = 0; i < m->nbackends; i++)
        used += (size_t)nv_resolve_backend(m, &m->backends[i], d);
    if (!used && !m->expose_wanted)
        return;
    if (!m->nexposers && m->expose_wanted)
        nv_diag_warning(d, (struct nv_loc){0}, NV_W_SEMANTIC,
                        "no Ingress, Route, HTTPRoute, GRPCRoute or TCPRoute in the input: "
                        "nothing is exposed");
    /* the controller: one pod without labels in a namespace of its own */
    memset(&pod, 0, sizeof(pod));
    pod.name = nv_arena_intern(&m->arena, "ingress-controller");
    pod.count = 1;
    pod.ns = nv_model_namespace(m, NV_CTRL_NS);
    if (m->nbackends)
        pod.loc = m->backends[0].loc;
    id = nv_arena_intern(&m->arena, NV_CTRL_NAME);
    NV_GROW(m->workloads, m->wlalloc, m->nworkloads + 1);
    w = &m->workloads[m->nworkloads];
    memset(w, 0, sizeof(*w));
    w->id = id;
    w->name = id;
    w->kind = NV_CTRL_KIND;
    w->ns = pod.ns;
    w->loc = pod.loc;
    pod.workload = (unsigned)m->nworkloads++;
    NV_GROW(m->pods, m->podalloc, m->npods + 1);
    m->pods[m->npods++] = pod;
    /* a class of its own, whatever else runs in its namespace */
    nv_model_use_workload(m, id);
}

void nv_expose_hide(struct nv_model *m)
{
    const char *id = nv_arena_intern(&m->arena, NV_CTRL_NAME);
    size_t i;

    /* '{' sorts after every namespace name: the controller is the last workload */
    if (!m->nworkloads || m->workloads[m->nworkloads - 1].id != id)
        return;
    m->ctrl = (long)--m->nworkloads;
    m->ctrl_cls = m->pods[m->workloads[m->ctrl].pods[0]].cls;
    for (i = 0; i < m->workloads[m->ctrl].npods; i++)
        if (m->pods[m->workloads[m->ctrl].pods[i]].cls != m->ctrl_cls)
            NV_BUG("the ingress controller's pods are in two classes");
}

void nv_expose_finish(struct nv_model *m)
{
    size_t i, j, k;

    if (m->ctrl < 0)
        return;
    m->workloads[m->ctrl].unit = m->ctrl_cls; /* unit i is class i */
    m->exposed = nv_arena_alloc(&m->arena, (m->nclasses + 1) * sizeof(*m->exposed));
    for (i = 0; i < m->nclasses; i++)
        m->exposed[i] = NV_PORTS_NONE;
    for (i = 0; i < m->nbackends; i++) {
        const struct nv_backend *b = &m->backends[i];
        const struct nv_service *svc;
        if (b->svcidx < 0)
            continue;
        svc = &m->services[b->svcidx];
        for (j = 0; j < m->npods; j++) {
            const struct nv_pod *p = &m->pods[j];
            if (p->workload == (unsigned)m->ctrl || !nv_service_selects(m, svc, p))
                continue;
            for (k = 0; k < svc->nports; k++) {
                unsigned t;
                if (!b->picks[k] || !(t = nv_service_target(&svc->ports[k], p)))
                    continue;
                m->exposed[p->cls] = nv_ports_union(m->ports, m->exposed[p->cls],
                                                    nv_ports_range(m->ports, NV_PROTO_TCP, t, t));
            }
        }
    }
}

uint32_t nv_expose_unit_ports(const struct nv_model *m, uint32_t u)
{
    uint32_t id = NV_PORTS_NONE;
    size_t i;

    if (m->ctrl < 0)
        return NV_PORTS_NONE;
    for (i = 0; i < m->units[u].ncls; i++)
        id = nv_ports_union(m->ports, id, m->exposed[m->units[u].cls[i]]);
    return id;
}

/* Whether backend b sends to 'port' (0: any port) on some pod of workload wl. */
static int nv_backend_reaches(const struct nv_model *m, const struct nv_backend *b, size_t wl,
                              unsigned port)
{
    const struct nv_workload *w = &m->workloads[wl];
    const struct nv_service *svc;
    size_t i, k;

    if (b->svcidx < 0)
        return 0;
    svc = &m->services[b->svcidx];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *p = &m->pods[w->pods[i]];
        if (!nv_service_selects(m, svc, p))
            continue;
        for (k = 0; k < svc->nports; k++) {
            unsigned t;
            if (b->picks[k] && (t = nv_service_target(&svc->ports[k], p)) && (!port || t == port))
                return 1;
        }
    }
    return 0;
}

const struct nv_backend *nv_expose_next(const struct nv_model *m, size_t wl, unsigned port,
                                        size_t *from)
{
    for (; *from < m->nbackends; (*from)++)
        if (nv_backend_reaches(m, &m->backends[*from], wl, port))
            return &m->backends[(*from)++];
    return NULL;
}
