/*
 * oracle.h - the brute-force semantics the engine tests compare against:
 * selectors, peers and ports evaluated directly from the policies, pod by pod,
 * without the engine's classes, bitsets or port-set algebra; and claim sets
 * evaluated pod by pod. Shared by test_matrix.c, test_smt.c and test_claim.c;
 * static inline, so a test may use part of it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_TEST_ORACLE_H
#define NETVERIFY_TEST_ORACLE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/claim.h"
#include "netverify/model.h"
#include "netverify/policy.h"
#include "netverify/selector.h"

static inline const char *o_label(const struct nv_labels *l, const char *key)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (!strcmp(l->keys[i], key))
            return l->vals[i];
    return NULL;
}

static inline int o_selects(const struct nv_selector *s, const struct nv_labels *l)
{
    size_t i, j;

    for (i = 0; i < s->n; i++) {
        const struct nv_requirement *r = &s->reqs[i];
        const char *v = o_label(l, r->key);
        int in = 0;
        for (j = 0; v && j < r->nvalues; j++)
            if (!strcmp(r->values[j], v))
                in = 1;
        switch (r->op) {
        case NV_SEL_IN:
            if (!in)
                return 0;
            break;
        case NV_SEL_NOTIN:
            if (in)
                return 0;
            break;
        case NV_SEL_EXISTS:
            if (!v)
                return 0;
            break;
        case NV_SEL_NOTEXISTS:
            if (v)
                return 0;
            break;
        }
    }
    return 1;
}

/* Does 'r' of 'pol' name pod 'x' as a peer? ipBlocks never match pods. */
static inline int o_peer_pod(const struct nv_model *m, const struct nv_policy *pol,
                             const struct nv_rule *r, const struct nv_pod *x)
{
    size_t k;

    if (r->all_peers)
        return 1;
    for (k = 0; k < r->npeers; k++) {
        const struct nv_peer *p = &r->peers[k];
        if (p->kind != NV_PEER_PODS)
            continue;
        if (p->ns_sel ? !o_selects(p->ns_sel, &m->ns[x->ns].labels)
                      : strcmp(m->ns[x->ns].name, pol->ns) != 0)
            continue;
        if (p->pod_sel && !o_selects(p->pod_sel, &x->labels))
            continue;
        return 1;
    }
    return 0;
}

/* ---- addresses, compared here without ip.c ---- */

/* a before b, two addresses of one family */
static inline int o_ip_before(const struct nv_ip *a, const struct nv_ip *b)
{
    return a->hi < b->hi || (a->hi == b->hi && a->lo < b->lo);
}

/* Is a in r? An address is never in a range of the other family. */
static inline int o_in_range(const struct nv_iprange *r, const struct nv_ip *a)
{
    return a->fam == r->first.fam && !o_ip_before(a, &r->first) && !o_ip_before(&r->last, a);
}

/* Probe addresses: each boundary of the ranges given, one address either side of it within
 * its family, and the ends of each family modelled. */
struct o_addrs {
    struct nv_ip *v;
    size_t n, alloc;
    unsigned families;
};

static inline void o_addrs_add(struct o_addrs *s, const struct nv_ip *a)
{
    size_t i;

    if (!(s->families & NV_FAMILY_BIT(a->fam)))
        return;
    for (i = 0; i < s->n; i++)
        if (s->v[i].fam == a->fam && s->v[i].hi == a->hi && s->v[i].lo == a->lo)
            return;
    if (s->n == s->alloc) {
        s->alloc = s->alloc ? 2 * s->alloc : 64;
        s->v = realloc(s->v, s->alloc * sizeof(*s->v));
        if (!s->v)
            abort();
    }
    s->v[s->n++] = *a;
}

static inline void o_addrs_init(struct o_addrs *s, unsigned families)
{
    struct nv_ip a;
    int f;

    memset(s, 0, sizeof(*s));
    s->families = families;
    for (f = NV_IPV4; f <= NV_IPV6; f++) {
        memset(&a, 0, sizeof(a));
        a.fam = (unsigned char)f;
        o_addrs_add(s, &a);
        a.lo = f == NV_IPV4 ? UINT32_MAX : UINT64_MAX;
        a.hi = f == NV_IPV4 ? 0 : UINT64_MAX;
        o_addrs_add(s, &a);
    }
}

static inline void o_addrs_range(struct o_addrs *s, const struct nv_iprange *r)
{
    struct nv_ip below = r->first, above = r->last;
    uint64_t top = r->first.fam == NV_IPV4 ? 0 : UINT64_MAX;
    uint64_t max = r->first.fam == NV_IPV4 ? UINT32_MAX : UINT64_MAX;

    o_addrs_add(s, &r->first);
    o_addrs_add(s, &r->last);
    if (below.hi || below.lo) {
        if (below.lo-- == 0)
            below.hi--;
        o_addrs_add(s, &below);
    }
    if (above.hi != top || above.lo != max) {
        if (++above.lo == 0)
            above.hi++;
        o_addrs_add(s, &above);
    }
}

static inline void o_addrs_release(struct o_addrs *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static inline int o_in_block(const struct nv_peer *p, const struct nv_ip *a)
{
    size_t e;

    if (!o_in_range(&p->cidr, a))
        return 0;
    for (e = 0; e < p->nexcept; e++)
        if (o_in_range(&p->except[e], a))
            return 0;
    return 1;
}

static inline int o_peer_addr(const struct nv_rule *r, const struct nv_ip *a)
{
    size_t k;

    if (r->all_peers)
        return 1;
    for (k = 0; k < r->npeers; k++)
        if (r->peers[k].kind == NV_PEER_IPBLOCK && o_in_block(&r->peers[k], a))
            return 1;
    return 0;
}

/* Does 'r' admit (proto, port) toward pod 'dst' (NULL: an external address)? */
static inline int o_port(const struct nv_rule *r, const struct nv_pod *dst, int proto,
                         unsigned port)
{
    size_t i, j;

    if (r->all_ports)
        return 1;
    for (i = 0; i < r->nports; i++) {
        const struct nv_portspec *ps = &r->ports[i];
        if ((int)ps->proto != proto)
            continue;
        if (!ps->name) {
            if (ps->port == 0 || (port >= ps->port && port <= ps->end))
                return 1;
            continue;
        }
        /* a named port resolves on the destination pod, by name and protocol */
        for (j = 0; dst && j < dst->nports; j++)
            if (!strcmp(dst->ports[j].name, ps->name) && (int)dst->ports[j].proto == proto &&
                dst->ports[j].port == port)
                return 1;
    }
    return 0;
}

/* ---- claim sets ---- */

/* The Service ns/name, or NULL. */
static inline const struct nv_service *o_service(const struct nv_model *m, const char *ns,
                                                 const char *name)
{
    size_t i;

    for (i = 0; i < m->nservices; i++)
        if (!strcmp(m->services[i].ns, ns) && !strcmp(m->services[i].name, name))
            return &m->services[i];
    return NULL;
}

/* Is pod in claim set s (labels, namespace, Service, workload)? */
static inline int o_pod_in(const struct nv_model *m, const struct nv_set *s,
                           const struct nv_pod *pod)
{
    const struct nv_namespace *ns = &m->ns[pod->ns];
    const struct nv_workload *w = &m->workloads[pod->workload];
    const struct nv_service *svc;

    switch (s->kind) {
    case NV_SET_ANY:
        return 1;
    case NV_SET_PODS:
        if (s->scope_ns && strcmp(ns->name, s->scope_ns))
            return 0;
        if (s->scope_sel && !o_selects(s->scope_sel, &ns->labels))
            return 0;
        return o_selects(s->sel, &pod->labels);
    case NV_SET_NAMESPACE:
        return !strcmp(ns->name, s->name);
    case NV_SET_NAMESPACES:
        return o_selects(s->sel, &ns->labels);
    case NV_SET_SVC:
        svc = o_service(m, s->ns, s->name);
        return svc && svc->selector && !strcmp(ns->name, s->ns) &&
               o_selects(svc->selector, &pod->labels);
    case NV_SET_CIDR:
        return 0;
    case NV_SET_WORKLOAD:
        return !strcmp(w->name, s->name) && (!s->ns || !strcmp(ns->name, s->ns)) &&
               (!s->wkind || !strcmp(w->kind, s->wkind));
    }
    return 0;
}

/* Is address a in claim set s (any, or a CIDR union minus excepts)? */
static inline int o_addr_in(const struct nv_set *s, const struct nv_ip *a)
{
    size_t i;
    int in = 0;

    if (s->kind == NV_SET_ANY)
        return 1;
    if (s->kind != NV_SET_CIDR)
        return 0;
    for (i = 0; i < s->ncidr; i++)
        in |= o_in_range(&s->cidr[i], a);
    for (i = 0; i < s->nexcept; i++)
        if (o_in_range(&s->except[i], a))
            in = 0;
    return in;
}

#endif
