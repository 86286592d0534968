/*
 * explain_ends.c - the ends of 'netverify explain': --port parsed and a
 * named port resolved on the destination, a workload's pods grouped by class
 * (and by what a named port is on each), the pairs of groups that are flows,
 * and --to 'svc NS/NAME' taken apart into its Service ports' target ports on
 * each endpoint; nv_explain_run() ties them to the walk (explain_walk.c).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_int.h"
#include "netverify/claim.h"
#include "netverify/endpoint.h"
#include "netverify/matrix.h"
#include "netverify/report.h"

int nv_xport_parse(const char *arg, struct nv_xport *p)
{
    const char *slash = strchr(arg, '/'), *num = slash ? slash + 1 : arg;
    char *end;
    unsigned long v;

    p->given = 1;
    p->proto = NV_PROTO_TCP;
    p->name = NULL;
    p->proto_given = slash != NULL;
    if (slash) {
        char proto[8];
        int k;
        if ((size_t)(slash - arg) >= sizeof(proto))
            return -1;
        memcpy(proto, arg, (size_t)(slash - arg));
        proto[slash - arg] = 0;
        for (k = 0; proto[k]; k++)
            if (proto[k] >= 'a' && proto[k] <= 'z')
                proto[k] = (char)(proto[k] - 'a' + 'A');
        if ((k = nv_proto_parse(proto)) < 0)
            return -1;
        p->proto = (enum nv_proto)k;
    }
    if (!*num)
        return -1;
    errno = 0;
    v = strtoul(num, &end, 10);
    if (*num >= '0' && *num <= '9') {
        if (errno || *end || v < 1 || v > 65535)
            return -1;
        p->port = (unsigned)v;
        return 0;
    }
    p->name = num;
    return 0;
}

int nv_xport_resolve(const struct nv_model *m, const struct nv_xend *dst, struct nv_xport *p,
                     struct nv_buf *err)
{
    int proto_given = p->proto_given;
    const struct nv_workload *w;
    struct nv_suggest sg;
    size_t i, k;

    if (!p->name)
        return 0;
    if (dst->external) {
        nv_buf_printf(err, "--port '%s': a named port needs a workload destination", p->name);
        return -1;
    }
    w = &m->workloads[dst->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        for (k = 0; k < pod->nports; k++)
            if (!strcmp(pod->ports[k].name, p->name) &&
                (!proto_given || pod->ports[k].proto == p->proto)) {
                p->proto = pod->ports[k].proto; /* each pod resolves it again: nv_xend_groups */
                p->port = pod->ports[k].port;
                return 0;
            }
    }
    nv_buf_printf(err, "--port '%s': %s declares no container port of that name", p->name, w->id);
    nv_suggest_init(&sg, p->name);
    for (i = 0; i < w->npods; i++)
        for (k = 0; k < m->pods[w->pods[i]].nports; k++)
            nv_suggest_add(&sg, m->pods[w->pods[i]].ports[k].name);
    if (nv_suggest_best(&sg))
        nv_buf_printf(err, "; did you mean '%s'?", nv_suggest_best(&sg));
    return -1;
}

int nv_xself_check(const struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   struct nv_buf *err)
{
    const struct nv_workload *w;

    if (src->external || dst->external || src->wl != dst->wl)
        return 0;
    w = &m->workloads[src->wl];
    if (w->count >= 2)
        return 0;
    nv_buf_printf(err,
                  "--from and --to name %s[%s], which runs one pod: a pod's traffic to itself "
                  "never counts",
                  w->id, w->kind);
    return -1;
}

static int nv_u32_has(const uint32_t *v, size_t n, uint32_t x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

void nv_xgroups_release(struct nv_xgroups *g)
{
    size_t i;

    for (i = 0; i < g->n; i++)
        free(g->v[i].pods);
    free(g->v);
    memset(g, 0, sizeof(*g));
}

/* What a named --port resolves to on pod (by name, and protocol when given); 0 if not declared. */
static unsigned nv_xport_on(const struct nv_xport *p, int proto_given, const struct nv_pod *pod,
                            enum nv_proto *proto)
{
    size_t k;

    for (k = 0; k < pod->nports; k++)
        if (!strcmp(pod->ports[k].name, p->name) &&
            (!proto_given || pod->ports[k].proto == p->proto)) {
            *proto = pod->ports[k].proto;
            return pod->ports[k].port;
        }
    return 0;
}

/*
 * The groups of end e: its pods by class (only the classes e->only lists, when
 * it does), the destination's also by what a named --port resolves to there.
 */
void nv_xend_groups(const struct nv_xctx *X, const struct nv_xend *e, int is_dst, int proto_given,
                    struct nv_xgroups *out)
{
    const struct nv_model *m = X->m;
    const struct nv_workload *w;
    size_t i, j;

    memset(out, 0, sizeof(*out));
    if (e->external) {
        NV_GROW(out->v, out->alloc, 1);
        memset(&out->v[0], 0, sizeof(out->v[0]));
        out->v[0].end.external = 1;
        out->v[0].end.ip = e->ip;
        out->v[0].end.pod = UINT32_MAX;
        out->v[0].proto = X->port.proto;
        out->v[0].port = X->port.port;
        out->v[0].has_port = 1;
        out->n = 1;
        return;
    }
    w = &m->workloads[e->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        enum nv_proto proto = X->port.proto;
        unsigned port = X->port.port;
        int has = 1;
        struct nv_xgroup *g;
        if (e->only && !nv_u32_has(e->only, e->nonly, w->pods[i]))
            continue;
        if (is_dst && X->port.name)
            has = (port = nv_xport_on(&X->port, proto_given, pod, &proto)) != 0;
        for (j = 0; j < out->n; j++)
            if (out->v[j].end.cls == pod->cls && out->v[j].has_port == has &&
                (!has || (out->v[j].port == port && out->v[j].proto == proto)))
                break;
        if (j == out->n) {
            NV_GROW(out->v, out->alloc, out->n + 1);
            g = &out->v[out->n++];
            memset(g, 0, sizeof(*g));
            g->end.cls = pod->cls;
            g->end.pod = UINT32_MAX;
            g->proto = proto;
            g->port = port;
            g->has_port = has;
            g->count = nv_model_pods_in(m, (uint32_t)e->wl, pod->cls);
        }
        g = &out->v[j];
        g->pods = nv_xrealloc(g->pods, (g->npods + 1) * sizeof(*g->pods));
        g->pods[g->npods++] = w->pods[i];
    }
}

/* Whether a flow runs from group s to group d: two distinct pods (one workload's class twice). */
int nv_xpair_ok(const struct nv_xend *src, const struct nv_xend *dst, const struct nv_xgroup *s,
                const struct nv_xgroup *d)
{
    if (s->end.external || d->end.external)
        return !(s->end.external && d->end.external);
    return src->wl != dst->wl || s->end.cls != d->end.cls || s->count >= 2;
}

/* How many group pairs are flows. */
size_t nv_xpairs(const struct nv_xend *src, const struct nv_xend *dst, const struct nv_xgroups *sg,
                 const struct nv_xgroups *dg)
{
    size_t i, j, n = 0;

    for (i = 0; i < sg->n; i++)
        for (j = 0; j < dg->n; j++)
            n += dg->v[j].has_port && nv_xpair_ok(src, dst, &sg->v[i], &dg->v[j]);
    return n;
}

/* The ports a named --port resolves to on the destination: "TCP 80" or "TCP 80, TCP 81". */
void nv_put_resolved(struct nv_buf *b, const struct nv_xgroups *dg)
{
    size_t j, k, n = 0;

    for (j = 0; j < dg->n; j++) {
        const struct nv_xgroup *g = &dg->v[j];
        if (!g->has_port)
            continue;
        for (k = 0; k < j; k++)
            if (dg->v[k].has_port && dg->v[k].proto == g->proto && dg->v[k].port == g->port)
                break;
        if (k < j)
            continue;
        nv_buf_printf(b, "%s%s %u", n++ ? ", " : "", nv_proto_name(g->proto), g->port);
    }
}

/* Whether --port p picks Service port sp (by name, or by number on any protocol unless given). */
static int nv_xsvc_picks(const struct nv_xport *p, int proto_given,
                         const struct nv_service_port *sp)
{
    if (!p->given)
        return 1;
    if (proto_given && p->proto != sp->proto)
        return 0;
    return p->name ? sp->name && !strcmp(sp->name, p->name) : sp->port == p->port;
}

static int nv_u32_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return a < b ? -1 : a > b;
}

/*
 * Service port sp toward the selected pods of workload w: for each target
 * port they resolve it to (ascending), one line that says so and the
 * explanation of that flow; *missing counts the selected pods of w that do
 * not declare a named targetPort (no endpoint there).
 */
static void nv_explain_svc_workload(struct nv_xctx *X, const struct nv_xend *src,
                                    const struct nv_service *svc, const struct nv_service_port *sp,
                                    const char *spdesc, size_t w, size_t *nends, size_t *missing)
{
    const struct nv_model *m = X->m;
    uint32_t *targets = nv_xmalloc((m->npods + 1) * sizeof(*targets));
    uint32_t *pods = nv_xmalloc((m->npods + 1) * sizeof(*pods));
    size_t i, k, nt = 0;
    struct nv_xitem *it;

    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        unsigned t;
        if (pod->workload != w || !nv_service_selects(m, svc, pod))
            continue;
        if (!(t = nv_service_target(sp, pod)))
            (*missing)++;
        else if (!nv_u32_has(targets, nt, t))
            targets[nt++] = t;
    }
    qsort(targets, nt, sizeof(*targets), nv_u32_cmp);
    for (k = 0; k < nt; k++) {
        struct nv_xend dst;
        size_t n = 0;
        for (i = 0; i < m->npods; i++) {
            const struct nv_pod *pod = &m->pods[i];
            if (pod->workload == w && nv_service_selects(m, svc, pod) &&
                nv_service_target(sp, pod) == targets[k])
                pods[n++] = (uint32_t)i;
        }
        memset(&dst, 0, sizeof(dst));
        dst.wl = (long)w;
        dst.only = pods;
        dst.nonly = n;
        if ((*nends)++)
            nv_xr_blank(X->r);
        it = nv_xr_add(X->r, NV_XI_SERVICE_PORT, "Service port %s -> targetPort %u on %s[%s]",
                       spdesc, targets[k], m->workloads[w].id, m->workloads[w].kind);
        it->detail = nv_xstrdup(spdesc);
        it->index = targets[k];
        X->port.given = 1;
        X->port.proto = sp->proto;
        X->port.port = targets[k];
        X->port.name = sp->target_name;
        nv_explain_flow(X, src, &dst, 1);
    }
    free(targets);
    free(pods);
}

/*
 * One Service port toward its endpoints, workload by workload; pods that do
 * not declare a named targetPort are no endpoint, and said to be.
 */
static void nv_explain_svc_port(struct nv_xctx *X, const struct nv_xend *src,
                                const struct nv_service *svc, const struct nv_service_port *sp)
{
    const struct nv_model *m = X->m;
    size_t w, npods = 0, nends = 0;
    struct nv_buf spb;
    struct nv_xitem *it;

    nv_buf_init(&spb, 0);
    nv_service_port_format(&spb, sp);
    for (w = 0; w < m->npods; w++)
        if (nv_service_selects(m, svc, &m->pods[w])) {
            npods++;
            nends += nv_service_target(sp, &m->pods[w]) != 0;
        }
    if (!nends) {
        it = nv_xr_add(X->r, NV_XI_NOTE,
                       "Service port %s: no endpoint: its targetPort '%s' matches no "
                       "container port of the %zu pod%s the Service selects",
                       nv_buf_str(&spb), sp->target_name, npods, npods == 1 ? "" : "s");
        it->word = "service";
        nv_buf_release(&spb);
        return;
    }
    nends = 0;
    for (w = 0; w < m->nworkloads; w++) {
        size_t missing = 0;
        nv_explain_svc_workload(X, src, svc, sp, nv_buf_str(&spb), w, &nends, &missing);
        if (!missing)
            continue;
        if (nends++)
            nv_xr_blank(X->r);
        it = nv_xr_add(X->r, NV_XI_NOTE,
                       "Service port %s: %zu pod%s of %s do%s not declare the targetPort "
                       "'%s': no endpoint there",
                       nv_buf_str(&spb), missing, missing == 1 ? "" : "s", m->workloads[w].id,
                       missing == 1 ? "es" : "", sp->target_name);
        it->word = "service";
    }
    nv_buf_release(&spb);
}

/* --to 'svc NS/NAME': each Service port picked, mapped to its target port on each endpoint. */
static int nv_explain_svc(struct nv_xctx *X, const struct nv_xend *src,
                          const struct nv_service *svc, const char *port_arg, int proto_given,
                          struct nv_buf *err)
{
    const struct nv_model *m = X->m;
    struct nv_xport want = X->port;
    size_t i, npods = 0, picked = 0;
    char where[256];
    struct nv_xitem *it;

    for (i = 0; i < m->npods; i++)
        npods += nv_service_selects(m, svc, &m->pods[i]);
    if (!npods) {
        nv_buf_printf(err, "--to 'svc %s/%s': the Service selects no pod", svc->ns, svc->name);
        return -1;
    }
    for (i = 0; i < svc->nports; i++)
        picked += nv_xsvc_picks(&want, proto_given, &svc->ports[i]);
    if (!picked) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        for (i = 0; i < svc->nports; i++) {
            nv_buf_puts(&b, i ? ", " : "");
            nv_service_port_format(&b, &svc->ports[i]);
        }
        if (svc->nports)
            nv_buf_printf(err, "--port '%s' names no port of Service %s/%s (its ports: %s)",
                          port_arg, svc->ns, svc->name, nv_buf_str(&b));
        else
            nv_buf_printf(err, "--to 'svc %s/%s': the Service has no ports", svc->ns, svc->name);
        nv_buf_release(&b);
        return -1;
    }
    nv_buf_reset(&X->b);
    for (i = 0; i < svc->nports; i++)
        if (nv_xsvc_picks(&want, proto_given, &svc->ports[i])) {
            nv_buf_puts(&X->b, X->b.len ? ", " : "");
            nv_service_port_format(&X->b, &svc->ports[i]);
        }
    it = nv_xr_add(X->r, NV_XI_SERVICE, "Service %s/%s (%s): %zu pod%s selected; Service port%s %s",
                   svc->ns, svc->name, nv_loc_format(svc->loc, where, sizeof(where)), npods,
                   npods == 1 ? "" : "s", picked == 1 ? "" : "s", nv_buf_str(&X->b));
    it->name = nv_xmalloc(strlen(svc->ns) + strlen(svc->name) + 2);
    sprintf(it->name, "%s/%s", svc->ns, svc->name);
    it->loc = svc->loc;
    it->detail = nv_xstrdup(nv_buf_str(&X->b));
    for (i = 0; i < svc->nports; i++) {
        if (!nv_xsvc_picks(&want, proto_given, &svc->ports[i]))
            continue;
        nv_xr_blank(X->r);
        nv_explain_svc_port(X, src, svc, &svc->ports[i]);
    }
    return 0;
}

int nv_explain_run(const struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   const struct nv_service *svc, const struct nv_xport *port, const char *port_arg,
                   struct nv_xreport *out, struct nv_buf *err)
{
    struct nv_xctx X;
    int rc = 0;

    memset(&X, 0, sizeof(X));
    memset(out, 0, sizeof(*out));
    X.m = m;
    X.r = out;
    X.port = *port;
    nv_buf_init(&X.b, 0);
    nv_buf_init(&X.line, 0);
    X.x = nv_matrix_new(m);
    if (!svc)
        nv_explain_flow(&X, src, dst, port->proto_given);
    else
        rc = nv_explain_svc(&X, src, svc, port_arg, port->proto_given, err);
    nv_matrix_free(X.x);
    nv_buf_release(&X.b);
    nv_buf_release(&X.line);
    return rc;
}
