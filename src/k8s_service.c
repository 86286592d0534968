/*
 * k8s_service.c - Services (selector, ports) and Namespaces.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

/* ---- services and namespaces ---- */

/* Service types; an ExternalName Service is a DNS alias and has no endpoints from pods. */
static const char *const k_service_types[] = {"ClusterIP", "NodePort", "LoadBalancer",
                                              "ExternalName", NULL};

/* A Service's selector, as the EndpointSlice controller reads it (NULL: it selects no pod). */
static int nv_k8s_service_selector(struct nv_k8s *k, const struct nv_node *sel,
                                   struct nv_service *s)
{
    struct nv_labels l;
    struct nv_selector *ss;
    size_t i;

    if (!sel) {
        s->unselected = NV_SVC_NO_SELECTOR;
        return 0;
    }
    if (nv_k8s_parse_labels(k, sel, "selector", &l) < 0)
        return -1;
    if (!l.n) {
        s->unselected = NV_SVC_EMPTY_SELECTOR;
        return 0;
    }
    ss = nv_arena_alloc(&k->m->arena, sizeof(*ss));
    ss->loc = sel->loc;
    ss->reqs = nv_arena_alloc(&k->m->arena, (l.n + 1) * sizeof(*ss->reqs));
    for (i = 0; i < l.n; i++) {
        ss->reqs[i].key = l.keys[i];
        ss->reqs[i].op = NV_SEL_IN;
        ss->reqs[i].nvalues = 1;
        ss->reqs[i].values = &l.vals[i];
    }
    ss->n = l.n;
    s->selector = ss;
    return 0;
}

/* One ServicePort; a named targetPort must be a valid port name, as the API server requires. */
static int nv_k8s_read_service_port(struct nv_k8s *k, const struct nv_node *p,
                                    struct nv_service_port *sp)
{
    const struct nv_node *tp;
    int bad = 0;

    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, p, "ports item", "a mapping");
    if (nv_k8s_check_fields(k, p, NV_E_PORT, "a Service port", nv_k8s_service_port_fields) < 0)
        return -1;
    sp->loc = sp->target_loc = p->loc;
    sp->name = nv_k8s_get_str(k, p, "name", &bad);
    if (bad || nv_k8s_parse_proto(k, p, &sp->proto) < 0 ||
        nv_k8s_parse_portnum(k, nv_node_get(p, "port"), "port", &sp->port) < 0)
        return -1;
    sp->target = sp->port;
    tp = nv_node_get(p, "targetPort");
    if (nv_node_is_null(tp))
        return 0;
    sp->target_loc = tp->loc;
    if (tp->type == NV_NODE_SCALAR && tp->kind == NV_SCALAR_STR) {
        const char *why = nv_k8s_port_name_invalid(tp->str);
        if (why)
            return nv_diag_error(k->d, tp->loc, NV_E_PORT, "invalid targetPort name '%s': %s",
                                 tp->str, why);
        sp->target_name = nv_k8s_intern_node(k, tp);
        return 0;
    }
    return nv_k8s_parse_portnum(k, tp, "targetPort", &sp->target);
}

/*
 * The Service port just read against those before it, as the API server
 * validates them: a port and protocol given once, a name a DNS-1123 label
 * given once (and required when the Service has several ports: a warning). 1
 * after an error.
 */
static int nv_k8s_service_port_clash(struct nv_k8s *k, const struct nv_service *s, size_t nports)
{
    const struct nv_service_port *sp = &s->ports[s->nports];
    const char *why;
    size_t i;

    for (i = 0; i < s->nports; i++)
        if (s->ports[i].port == sp->port && s->ports[i].proto == sp->proto)
            return nv_diag_error(k->d, sp->loc, NV_E_PORT,
                                 "Service port %u/%s is given twice (first at line %u, column "
                                 "%u): the API server refuses it",
                                 sp->port, nv_proto_name(sp->proto), s->ports[i].loc.line,
                                 s->ports[i].loc.col) < 0;
    if (!sp->name || !*sp->name) {
        /* no name to resolve: as with a container port without containerPort, the API
         * server's rule is kept as a warning, since other analysers and their inputs skip it */
        for (i = 0; i < s->nports && s->ports[i].name && *s->ports[i].name; i++)
            ;
        if (nports > 1 && i == s->nports) /* once per Service */
            nv_diag_warning(k->d, sp->loc, NV_W_SEMANTIC,
                            "a Service with several ports must name each of them (the API "
                            "server refuses it); the port is read by its number");
        return 0;
    }
    if ((why = nv_dns_label_invalid(sp->name)))
        return nv_diag_error(k->d, sp->loc, NV_E_PORT, "invalid Service port name '%.80s': %s",
                             sp->name, why) < 0;
    for (i = 0; i < s->nports; i++) {
        if (s->ports[i].name && !strcmp(s->ports[i].name, sp->name))
            return nv_diag_error(k->d, sp->loc, NV_E_PORT,
                                 "Service port name '%s' is given twice (first at line %u, "
                                 "column %u)",
                                 sp->name, s->ports[i].loc.line, s->ports[i].loc.col) < 0;
    }
    return 0;
}

/* Whether scalar n is an IPv6 address (an IPv4-mapped one is IPv4). */
static int nv_is_ipv6_text(const struct nv_node *n)
{
    struct nv_ip ip;

    return n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_STR &&
           nv_ip_parse(n->str, &ip, NULL) >= 0 && ip.fam == NV_IPV6;
}

/*
 * Whether a Service spec asks for IPv6: 'ipFamilies' lists IPv6, the
 * 'ipFamilyPolicy' is a dual-stack one, or a cluster IP is IPv6. The input
 * then mentions IPv6 (docs/semantics.md, "External addresses"); nothing else
 * reads these fields.
 */
static int nv_service_asks_ipv6(const struct nv_node *spec)
{
    const struct nv_node *n;
    size_t i;

    if ((n = nv_node_get(spec, "ipFamilies")) && n->type == NV_NODE_SEQ)
        for (i = 0; i < n->n; i++)
            if (n->items[i]->type == NV_NODE_SCALAR && !strcmp(n->items[i]->str, "IPv6"))
                return 1;
    if ((n = nv_node_get(spec, "ipFamilyPolicy")) && n->type == NV_NODE_SCALAR &&
        (!strcmp(n->str, "PreferDualStack") || !strcmp(n->str, "RequireDualStack")))
        return 1;
    if ((n = nv_node_get(spec, "clusterIP")) && nv_is_ipv6_text(n))
        return 1;
    if ((n = nv_node_get(spec, "clusterIPs")) && n->type == NV_NODE_SEQ)
        for (i = 0; i < n->n; i++)
            if (nv_is_ipv6_text(n->items[i]))
                return 1;
    return 0;
}

void nv_k8s_add_service(struct nv_k8s *k, const struct nv_node *obj, const char *ns,
                        const char *name)
{
    struct nv_service *s;
    const struct nv_node *spec, *sel, *ports;
    const char *type;
    int bad = 0;
    size_t i;

    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    sel = spec ? nv_k8s_get_map(k, spec, "selector", &bad) : NULL;
    ports = spec ? nv_k8s_get_seq(k, spec, "ports", &bad) : NULL;
    type = spec ? nv_k8s_get_str(k, spec, "type", &bad) : NULL;
    if (bad || (spec && nv_k8s_check_fields(k, spec, NV_E_VALUE, "a Service spec",
                                            nv_k8s_service_spec_fields) < 0))
        return;
    if (type && nv_k8s_key_index(nv_node_get(spec, "type"), k_service_types) < 0) {
        nv_diag_error(k->d, nv_node_get(spec, "type")->loc, NV_E_VALUE,
                      "invalid Service type '%s' (expected ClusterIP, NodePort, LoadBalancer or "
                      "ExternalName)",
                      type);
        return;
    }
    if (spec && !k->m->ipv6_named && nv_service_asks_ipv6(spec))
        k->m->ipv6_named = 1;
    NV_GROW(k->m->services, k->m->svcalloc, k->m->nservices + 1);
    s = &k->m->services[k->m->nservices];
    memset(s, 0, sizeof(*s));
    s->ns = ns;
    s->name = name;
    s->loc = obj->loc;
    s->nsidx = nv_model_namespace(k->m, ns);
    if (nv_k8s_service_selector(k, sel, s) < 0)
        return;
    if (type && !strcmp(type, "ExternalName")) {
        s->unselected = NV_SVC_EXTERNAL_NAME;
        s->selector = NULL;
    }
    if (ports) {
        s->ports = nv_arena_alloc(&k->m->arena, (ports->n + 1) * sizeof(*s->ports));
        for (i = 0; i < ports->n; i++) {
            memset(&s->ports[s->nports], 0, sizeof(s->ports[s->nports]));
            if (nv_k8s_read_service_port(k, ports->items[i], &s->ports[s->nports]) < 0 ||
                nv_k8s_service_port_clash(k, s, ports->n))
                return;
            s->nports++;
        }
    }
    k->m->nservices++;
}

void nv_k8s_add_namespace_object(struct nv_k8s *k, const struct nv_node *meta, const char *name,
                                 struct nv_loc loc)
{
    struct nv_model *m = k->m;
    unsigned idx = nv_model_namespace(m, name);
    struct nv_namespace *ns = &m->ns[idx];
    struct nv_labels l;
    const char *mk = nv_arena_intern(&m->arena, "kubernetes.io/metadata.name");
    size_t i;
    int has = 0;

    if (nv_k8s_parse_labels(k, nv_node_get(meta, "labels"), "labels", &l) < 0)
        return;
    for (i = 0; i < l.n; i++) {
        if (l.keys[i] == mk) {
            l.vals[i] = name; /* the API server always sets it to the name */
            has = 1;
        }
    }
    if (!has) {
        struct nv_labels w;
        w.n = l.n + 1;
        w.keys = nv_arena_alloc(&m->arena, w.n * sizeof(*w.keys));
        w.vals = nv_arena_alloc(&m->arena, w.n * sizeof(*w.vals));
        if (l.n) {
            memcpy(w.keys, l.keys, l.n * sizeof(*w.keys));
            memcpy(w.vals, l.vals, l.n * sizeof(*w.vals));
        }
        w.keys[l.n] = mk;
        w.vals[l.n] = name;
        nv_labels_sort(&w);
        l = w;
    }
    ns = &m->ns[idx];
    ns->labels = l;
    ns->loc = loc;
}
