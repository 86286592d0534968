/*
 * k8s_expose.c - what sends traffic from outside into the cluster through an
 * ingress controller or a gateway: networking.k8s.io/v1 Ingress, OpenShift
 * route.openshift.io/v1 Route, Gateway API HTTPRoute, GRPCRoute and TCPRoute
 * (with ReferenceGrant for references across namespaces). Each backend that
 * names a Service becomes a struct nv_backend of the model; expose.c resolves
 * them once every Service is read (docs/semantics.md, "Exposure").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

#include "netverify/expose.h"

static const char k_gateway_group[] = "gateway.networking.k8s.io";

/* The kinds this file reads, with the API versions whose schema it knows. */
static const struct {
    const char *kind;
    const char *versions[4];
} k_expose_kinds[] = {
    {"Ingress", {"networking.k8s.io/v1", NULL}},
    {"Route", {"route.openshift.io/v1", NULL}},
    {"HTTPRoute",
     {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1",
      "gateway.networking.k8s.io/v1alpha2", NULL}},
    {"GRPCRoute", {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha2", NULL}},
    {"TCPRoute", {"gateway.networking.k8s.io/v1alpha2", NULL}},
    {"ReferenceGrant",
     {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1",
      "gateway.networking.k8s.io/v1alpha2", NULL}},
};

int nv_k8s_is_expose_kind(const struct nv_node *obj, const char *kind)
{
    const struct nv_node *av = nv_node_get(obj, "apiVersion");
    size_t i, j;

    for (i = 0; i < sizeof(k_expose_kinds) / sizeof(k_expose_kinds[0]); i++) {
        if (strcmp(kind, k_expose_kinds[i].kind))
            continue;
        if (nv_node_is_null(av))
            return 1;
        if (av->type != NV_NODE_SCALAR || av->kind != NV_SCALAR_STR)
            return 0;
        for (j = 0; k_expose_kinds[i].versions[j]; j++)
            if (!strcmp(av->str, k_expose_kinds[i].versions[j]))
                return 1;
    }
    return 0;
}

/* The object being read. */
struct nv_exp {
    struct nv_k8s *k;
    enum nv_expose_kind kind;
    const char *ns, *name;
};

static struct nv_backend *nv_exp_backend(struct nv_exp *e, struct nv_loc loc)
{
    struct nv_model *m = e->k->m;
    struct nv_backend *b;

    NV_GROW(m->backends, m->bealloc, m->nbackends + 1);
    b = &m->backends[m->nbackends++];
    memset(b, 0, sizeof(*b));
    b->kind = e->kind;
    b->ns = e->ns;
    b->name = e->name;
    b->svc_ns = e->ns;
    b->loc = b->port_loc = loc;
    b->svcidx = -1;
    return b;
}

/* A Service's name as the API requires it (a DNS-1035 label); NULL after an error. */
static const char *nv_exp_service_name(struct nv_exp *e, const struct nv_node *obj,
                                       const char *what)
{
    const struct nv_node *n = nv_node_get(obj, "name");
    const char *why;
    int bad = 0;
    const char *name = nv_k8s_get_str(e->k, obj, "name", &bad);

    if (bad)
        return NULL;
    if (!name || !*name) {
        nv_diag_error(e->k->d, nv_k8s_field_loc(obj, "name"), NV_E_MISSING, "%s has no 'name'",
                      what);
        return NULL;
    }
    if ((why = nv_dns_label_invalid(name))) {
        nv_diag_error(e->k->d, n->loc, NV_E_VALUE, "invalid Service name '%.80s' in %s: it %s",
                      name, what, why);
        return NULL;
    }
    return name;
}

/* A port given as a number or as a port name (an IANA service name). */
static int nv_exp_port_value(struct nv_exp *e, const struct nv_node *n, const char *field,
                             struct nv_backend *b)
{
    b->port_loc = n->loc;
    if (n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_STR) {
        const char *why = nv_k8s_port_name_invalid(n->str);
        if (why)
            return nv_diag_error(e->k->d, n->loc, NV_E_PORT, "invalid %s '%s': %s", field, n->str,
                                 why);
        b->port_name = nv_k8s_intern_node(e->k, n);
        return 0;
    }
    return nv_k8s_parse_portnum(e->k, n, field, &b->port);
}

/* ---- Ingress ---- */

static const char *const k_ing_backend_fields[] = {"service", "resource", NULL};
static const char *const k_ing_service_fields[] = {"name", "port", NULL};
static const char *const k_ing_port_fields[] = {"name", "number", NULL};

/* An IngressBackend: exactly one of service and resource. */
static int nv_ing_backend(struct nv_exp *e, const struct nv_node *n)
{
    const struct nv_node *svc, *port;
    struct nv_backend *b;
    const char *name;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(e->k, n, "backend", "a mapping");
    if (nv_k8s_check_fields(e->k, n, NV_E_VALUE, "a backend", k_ing_backend_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(e->k, n, "the backend", k_ing_backend_fields)) {
    case 0:
        break;
    case 1:
        nv_diag_warning(e->k->d, nv_k8s_field_loc(n, "resource"), NV_W_SEMANTIC,
                        "Ingress %s/%s: a 'resource' backend is not a Service: it exposes no "
                        "pod",
                        e->ns, e->name);
        return 0;
    default:
        return -1;
    }
    svc = nv_node_get(n, "service");
    if (svc->type != NV_NODE_MAP)
        return nv_k8s_type_error(e->k, svc, "service", "a mapping");
    if (nv_k8s_check_fields(e->k, svc, NV_E_VALUE, "'service'", k_ing_service_fields) < 0 ||
        !(name = nv_exp_service_name(e, svc, "the backend's 'service'")))
        return -1;
    port = nv_node_get(svc, "port");
    if (nv_node_is_null(port))
        return nv_diag_error(e->k->d, nv_k8s_field_loc(svc, "port"), NV_E_MISSING,
                             "the backend's 'service' has no 'port': set its name or number");
    if (port->type != NV_NODE_MAP)
        return nv_k8s_type_error(e->k, port, "port", "a mapping");
    if (nv_k8s_check_fields(e->k, port, NV_E_PORT, "'port'", k_ing_port_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(e->k, port, "the backend's 'port'", k_ing_port_fields)) {
    case 0: {
        const struct nv_node *pn = nv_node_get(port, "name");
        if (pn->type != NV_NODE_SCALAR || pn->kind != NV_SCALAR_STR)
            return nv_k8s_type_error(e->k, pn, "name", "a string");
        b = nv_exp_backend(e, svc->loc);
        b->svc = name;
        return nv_exp_port_value(e, pn, "port name", b);
    }
    case 1: {
        const struct nv_node *pn = nv_node_get(port, "number");
        unsigned v;
        if (nv_k8s_parse_portnum(e->k, pn, "number", &v) < 0)
            return -1;
        b = nv_exp_backend(e, svc->loc);
        b->svc = name;
        b->port = v;
        b->port_loc = pn->loc;
        return 0;
    }
    default:
        return -1;
    }
}

static int nv_add_ingress(struct nv_exp *e, const struct nv_node *spec)
{
    struct nv_k8s *k = e->k;
    const struct nv_node *def, *rules;
    int bad = 0, rc = 0;
    size_t i, j;

    def = nv_node_get(spec, "defaultBackend");
    rules = nv_k8s_get_seq(k, spec, "rules", &bad);
    if (bad)
        return -1;
    if (nv_node_is_null(def) && (!rules || !rules->n))
        return nv_diag_error(k->d, spec->loc, NV_E_MISSING,
                             "Ingress %s/%s has neither 'defaultBackend' nor 'rules': one is "
                             "required",
                             e->ns, e->name);
    if (!nv_node_is_null(def) && nv_ing_backend(e, def) < 0)
        rc = -1;
    for (i = 0; rules && i < rules->n; i++) {
        const struct nv_node *r = rules->items[i], *http, *paths;
        if (r->type != NV_NODE_MAP) {
            rc = nv_k8s_type_error(k, r, "rules item", "a mapping");
            continue;
        }
        http = nv_k8s_get_map(k, r, "http", &bad);
        paths = http ? nv_k8s_get_seq(k, http, "paths", &bad) : NULL;
        if (bad)
            return -1;
        if (http && (!paths || !paths->n)) {
            rc = nv_diag_error(k->d, nv_k8s_field_loc(http, "paths"), NV_E_MISSING,
                               "'http' lists no 'paths': at least one is required");
            continue;
        }
        for (j = 0; paths && j < paths->n; j++) {
            const struct nv_node *p = paths->items[j], *be;
            if (p->type != NV_NODE_MAP) {
                rc = nv_k8s_type_error(k, p, "paths item", "a mapping");
                continue;
            }
            be = nv_node_get(p, "backend");
            if (nv_node_is_null(be)) {
                rc = nv_diag_error(k->d, p->loc, NV_E_MISSING, "the path has no 'backend'");
                continue;
            }
            if (nv_ing_backend(e, be) < 0)
                rc = -1;
        }
    }
    return rc;
}

/* ---- OpenShift Route ---- */

static const char *const k_route_target_fields[] = {"kind", "name", "weight", NULL};

/* spec.to or an alternateBackends item: a Service (kind defaults to Service). */
static int nv_route_target(struct nv_exp *e, const struct nv_node *n, const char *field,
                           const struct nv_backend *port)
{
    const char *kind, *name;
    struct nv_backend *b;
    int bad = 0;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(e->k, n, field, "a mapping");
    if (nv_k8s_check_fields(e->k, n, NV_E_VALUE, field, k_route_target_fields) < 0)
        return -1;
    kind = nv_k8s_get_str(e->k, n, "kind", &bad);
    if (bad)
        return -1;
    if (kind && *kind && strcmp(kind, "Service")) {
        nv_diag_warning(e->k->d, nv_k8s_field_value_loc(n, "kind"), NV_W_SEMANTIC,
                        "Route %s/%s: a backend of kind '%s' is not a Service: it exposes no pod",
                        e->ns, e->name, kind);
        return 0;
    }
    if (!(name = nv_exp_service_name(
              e, n, !strcmp(field, "to") ? "the Route's 'to'" : "an 'alternateBackends' item")))
        return -1;
    b = nv_exp_backend(e, n->loc);
    b->svc = name;
    b->port = port->port;
    b->port_name = port->port_name;
    if (port->port || port->port_name)
        b->port_loc = port->port_loc;
    return 0;
}

static int nv_add_route(struct nv_exp *e, const struct nv_node *spec)
{
    struct nv_k8s *k = e->k;
    const struct nv_node *to, *alt, *port;
    struct nv_backend p;
    int bad = 0, rc = 0;
    size_t i;

    memset(&p, 0, sizeof(p));
    to = nv_node_get(spec, "to");
    alt = nv_k8s_get_seq(k, spec, "alternateBackends", &bad);
    port = nv_k8s_get_map(k, spec, "port", &bad);
    if (bad)
        return -1;
    if (nv_node_is_null(to))
        return nv_diag_error(k->d, nv_k8s_field_loc(spec, "to"), NV_E_MISSING,
                             "Route %s/%s has no 'spec.to'", e->ns, e->name);
    if (alt && alt->n > 3)
        return nv_diag_error(k->d, alt->loc, NV_E_LIMIT,
                             "'alternateBackends' lists %zu items; at most 3 are allowed", alt->n);
    if (port) {
        const struct nv_node *tp = nv_node_get(port, "targetPort");
        if (nv_node_is_null(tp))
            return nv_diag_error(k->d, nv_k8s_field_loc(port, "targetPort"), NV_E_MISSING,
                                 "the Route's 'port' has no 'targetPort'");
        if (nv_exp_port_value(e, tp, "targetPort", &p) < 0)
            return -1;
    }
    if (nv_route_target(e, to, "to", &p) < 0)
        rc = -1;
    for (i = 0; alt && i < alt->n; i++)
        if (nv_route_target(e, alt->items[i], "alternateBackends item", &p) < 0)
            rc = -1;
    return rc;
}

/* ---- Gateway API routes ---- */

static const char *const k_backendref_fields[] = {"group", "kind",   "name",    "namespace",
                                                  "port",  "weight", "filters", NULL};

static int nv_gw_backendref(struct nv_exp *e, const struct nv_node *n)
{
    struct nv_k8s *k = e->k;
    const char *group, *kind, *ns, *name, *why;
    const struct nv_node *port;
    struct nv_backend *b;
    int bad = 0;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, "backendRefs item", "a mapping");
    if (nv_k8s_check_fields(k, n, NV_E_VALUE, "a backendRef", k_backendref_fields) < 0)
        return -1;
    group = nv_k8s_get_str(k, n, "group", &bad);
    kind = nv_k8s_get_str(k, n, "kind", &bad);
    ns = nv_k8s_get_str(k, n, "namespace", &bad);
    if (bad)
        return -1;
    if ((group && *group) || (kind && strcmp(kind, "Service"))) {
        nv_diag_warning(k->d, n->loc, NV_W_SEMANTIC,
                        "%s %s/%s: a backendRef to %s%s%s is not a core Service: what it "
                        "exposes is not modelled",
                        nv_expose_kind_name(e->kind), e->ns, e->name, kind ? kind : "Service",
                        group && *group ? "." : "", group && *group ? group : "");
        return 0;
    }
    if (!(name = nv_exp_service_name(e, n, "the backendRef")))
        return -1;
    if (ns && (why = nv_dns_label_invalid(ns)))
        return nv_diag_error(k->d, nv_k8s_field_value_loc(n, "namespace"), NV_E_VALUE,
                             "invalid namespace '%s': %s", ns, why);
    port = nv_node_get(n, "port");
    if (nv_node_is_null(port))
        return nv_diag_error(k->d, nv_k8s_field_loc(n, "port"), NV_E_MISSING,
                             "the backendRef to Service '%s' has no 'port': it is required when "
                             "referring to a Service",
                             name);
    b = nv_exp_backend(e, n->loc);
    b->svc = name;
    if (ns && *ns && strcmp(ns, e->ns)) {
        b->svc_ns = ns;
        b->needs_grant = 1;
    }
    b->port_loc = port->loc;
    return nv_k8s_parse_portnum(k, port, "port", &b->port);
}

static int nv_add_gateway_route(struct nv_exp *e, const struct nv_node *spec)
{
    struct nv_k8s *k = e->k;
    const struct nv_node *rules;
    int bad = 0, rc = 0;
    size_t i, j;

    rules = nv_k8s_get_seq(k, spec, "rules", &bad);
    if (bad)
        return -1;
    if (e->kind == NV_EXPOSE_TCPROUTE && (!rules || !rules->n))
        return nv_diag_error(k->d, rules ? rules->loc : nv_k8s_field_loc(spec, "rules"),
                             NV_E_MISSING,
                             "TCPRoute %s/%s lists no 'rules': at least one is "
                             "required",
                             e->ns, e->name);
    for (i = 0; rules && i < rules->n; i++) {
        const struct nv_node *r = rules->items[i], *refs;
        if (r->type != NV_NODE_MAP) {
            rc = nv_k8s_type_error(k, r, "rules item", "a mapping");
            continue;
        }
        refs = nv_k8s_get_seq(k, r, "backendRefs", &bad);
        if (bad)
            return -1;
        for (j = 0; refs && j < refs->n; j++)
            if (nv_gw_backendref(e, refs->items[j]) < 0)
                rc = -1;
    }
    return rc;
}

/* ---- ReferenceGrant ---- */

static const char *const k_grant_from_fields[] = {"group", "kind", "namespace", NULL};
static const char *const k_grant_to_fields[] = {"group", "kind", "name", NULL};

static int nv_add_grant(struct nv_k8s *k, const struct nv_node *spec, const char *ns)
{
    struct nv_model *m = k->m;
    const struct nv_node *from, *to;
    struct nv_grant g;
    int bad = 0;
    size_t i;

    memset(&g, 0, sizeof(g));
    g.ns = ns;
    from = nv_k8s_get_seq(k, spec, "from", &bad);
    to = nv_k8s_get_seq(k, spec, "to", &bad);
    if (bad)
        return -1;
    if (!from || !from->n || !to || !to->n)
        return nv_diag_error(k->d, spec->loc, NV_E_MISSING,
                             "a ReferenceGrant needs at least one 'from' and one 'to'");
    g.from_ns = nv_arena_alloc(&m->arena, from->n * sizeof(*g.from_ns));
    g.from_kind = nv_arena_alloc(&m->arena, from->n * sizeof(*g.from_kind));
    g.to_name = nv_arena_alloc(&m->arena, to->n * sizeof(*g.to_name));
    for (i = 0; i < from->n; i++) {
        const struct nv_node *f = from->items[i];
        const char *group, *kind, *fns;
        if (f->type != NV_NODE_MAP)
            return nv_k8s_type_error(k, f, "from item", "a mapping");
        if (nv_k8s_check_fields(k, f, NV_E_VALUE, "a 'from' item", k_grant_from_fields) < 0)
            return -1;
        group = nv_k8s_get_str(k, f, "group", &bad);
        kind = nv_k8s_get_str(k, f, "kind", &bad);
        fns = nv_k8s_get_str(k, f, "namespace", &bad);
        if (bad)
            return -1;
        if (!group || !kind || !*kind || !fns || !*fns)
            return nv_diag_error(k->d, f->loc, NV_E_MISSING,
                                 "a 'from' item needs 'group', 'kind' and 'namespace'");
        if (strcmp(group, k_gateway_group))
            continue; /* another API's objects: not a route this file reads */
        g.from_ns[g.nfrom] = fns;
        g.from_kind[g.nfrom++] = kind;
    }
    for (i = 0; i < to->n; i++) {
        const struct nv_node *t = to->items[i];
        const char *group, *kind, *name;
        if (t->type != NV_NODE_MAP)
            return nv_k8s_type_error(k, t, "to item", "a mapping");
        if (nv_k8s_check_fields(k, t, NV_E_VALUE, "a 'to' item", k_grant_to_fields) < 0)
            return -1;
        group = nv_k8s_get_str(k, t, "group", &bad);
        kind = nv_k8s_get_str(k, t, "kind", &bad);
        name = nv_k8s_get_str(k, t, "name", &bad);
        if (bad)
            return -1;
        if (!group || !kind || !*kind)
            return nv_diag_error(k->d, t->loc, NV_E_MISSING,
                                 "a 'to' item needs 'group' and 'kind'");
        if (*group || strcmp(kind, "Service"))
            continue;
        g.to_name[g.nto++] = name && *name ? name : NULL;
    }
    NV_GROW(m->grants, m->grantalloc, m->ngrants + 1);
    m->grants[m->ngrants++] = g;
    return 0;
}

/* ---- dispatch ---- */

void nv_k8s_add_expose(struct nv_k8s *k, const struct nv_node *obj, const char *kind,
                       const char *ns, const char *name)
{
    struct nv_exp e;
    const struct nv_node *spec;
    int bad = 0;

    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    if (bad)
        return;
    if (!spec) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "%s '%s/%s' has no 'spec'", kind, ns, name);
        return;
    }
    if (!strcmp(kind, "ReferenceGrant")) {
        nv_add_grant(k, spec, ns);
        return;
    }
    e.k = k;
    e.ns = ns;
    e.name = name;
    k->m->nexposers++;
    if (!strcmp(kind, "Ingress")) {
        e.kind = NV_EXPOSE_INGRESS;
        nv_add_ingress(&e, spec);
    } else if (!strcmp(kind, "Route")) {
        e.kind = NV_EXPOSE_ROUTE;
        nv_add_route(&e, spec);
    } else {
        e.kind = !strcmp(kind, "HTTPRoute")   ? NV_EXPOSE_HTTPROUTE
                 : !strcmp(kind, "GRPCRoute") ? NV_EXPOSE_GRPCROUTE
                                              : NV_EXPOSE_TCPROUTE;
        nv_add_gateway_route(&e, spec);
    }
}
