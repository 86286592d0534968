/*
 * k8s_policy.c - NetworkPolicy: ports, peers (ipBlocks, selectors) and rules.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

static const char *const k_port_fields[] = {"protocol", "port", "endPort", NULL};
static const char *const k_ipblock_fields[] = {"cidr", "except", NULL};
static const char *const k_peer_fields[] = {"podSelector", "namespaceSelector", "ipBlock", NULL};
static const char *const k_ingress_fields[] = {"from", "ports", NULL};
static const char *const k_egress_fields[] = {"to", "ports", NULL};
static const char *const k_netpol_fields[] = {"podSelector", "policyTypes", "ingress", "egress",
                                              NULL};
/* ---- ports ---- */

/* IANA_SVC_NAME: <= 15 of [a-z0-9-], a letter somewhere, no '-' at ends, no "--". */
const char *nv_k8s_port_name_invalid(const char *s)
{
    size_t n = strlen(s), i;
    int letter = 0;

    if (n == 0 || n > 15)
        return "must be 1-15 characters";
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            letter = 1;
        else if (!(c >= '0' && c <= '9') && c != '-')
            return "may contain only lower-case letters, digits and '-'";
    }
    if (!letter)
        return "must contain at least one letter";
    if (s[0] == '-' || s[n - 1] == '-' || strstr(s, "--"))
        return "must not begin or end with '-' or contain '--'";
    return NULL;
}

int nv_k8s_parse_proto(struct nv_k8s *k, const struct nv_node *obj, enum nv_proto *out)
{
    const struct nv_node *n = nv_node_get(obj, "protocol");
    int p;

    *out = NV_PROTO_TCP;
    if (nv_node_is_null(n))
        return 0;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, n, "protocol", "a string");
    p = nv_proto_parse(n->str);
    if (p < 0)
        return nv_diag_error(k->d, n->loc, NV_E_PORT,
                             "unknown protocol '%s' (expected TCP, UDP or SCTP)", n->str);
    *out = (enum nv_proto)p;
    return 0;
}

int nv_k8s_parse_portnum(struct nv_k8s *k, const struct nv_node *n, const char *field,
                         unsigned *out)
{
    long v = 0;

    if (nv_k8s_node_int(k, n, field, &v) < 0)
        return -1;
    if (v < 1 || v > 65535)
        return nv_diag_error(k->d, n->loc, NV_E_PORT, "'%s' %ld is outside 1-65535", field, v);
    *out = (unsigned)v;
    return 0;
}

/* One NetworkPolicyPort. */
static int nv_parse_portspec(struct nv_k8s *k, const struct nv_node *n, struct nv_portspec *ps)
{
    const struct nv_node *port, *end;

    ps->loc = n->loc;
    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, "ports item", "a mapping");
    if (nv_k8s_check_fields(k, n, NV_E_PORT, "a port", k_port_fields) < 0)
        return -1;
    if (nv_k8s_parse_proto(k, n, &ps->proto) < 0)
        return -1;
    port = nv_node_get(n, "port");
    end = nv_node_get(n, "endPort");
    if (nv_node_is_null(port)) {
        if (!nv_node_is_null(end))
            return nv_diag_error(k->d, end->loc, NV_E_PORT, "'endPort' needs a numeric 'port'");
        ps->port = ps->end = 0;
        return 0;
    }
    if (port->type == NV_NODE_SCALAR && port->kind == NV_SCALAR_STR) {
        const char *why = nv_k8s_port_name_invalid(port->str);
        if (why)
            return nv_diag_error(k->d, port->loc, NV_E_PORT, "invalid port name '%s': %s",
                                 port->str, why);
        if (!nv_node_is_null(end))
            return nv_diag_error(k->d, end->loc, NV_E_PORT,
                                 "'endPort' cannot be used with the named port '%s'", port->str);
        ps->name = nv_k8s_intern_node(k, port);
        nv_model_use_port_name(k->m, ps->name);
        return 0;
    }
    if (nv_k8s_parse_portnum(k, port, "port", &ps->port) < 0)
        return -1;
    ps->end = ps->port;
    if (!nv_node_is_null(end)) {
        if (nv_k8s_parse_portnum(k, end, "endPort", &ps->end) < 0)
            return -1;
        if (ps->end < ps->port)
            return nv_diag_error(k->d, end->loc, NV_E_PORT, "'endPort' %u is below 'port' %u",
                                 ps->end, ps->port);
    }
    return 0;
}

/* ---- peers ---- */

/*
 * One CIDR of an ipBlock, read as the API server reads it (Go's
 * net.ParseCIDR). An IPv4-mapped IPv6 CIDR is the IPv4 block it maps, as in
 * Go's net.IPNet, with a warning. Returns the nv_cidr_parse() status, or -1
 * after an error; *len gets the prefix length as written.
 */
static int nv_ipblock_cidr(struct nv_k8s *k, const struct nv_node *n, const char *what,
                           struct nv_iprange *r, unsigned *len)
{
    const char *why;
    char addr[NV_IP_BUFSZ];
    int st = nv_cidr_parse(n->str, r, len, &why);

    if (st == NV_CIDR_BAD)
        return nv_diag_error(k->d, n->loc, NV_E_CIDR, "invalid CIDR '%s'%s: %s", n->str, what, why);
    if (st & NV_CIDR_MAPPED)
        nv_diag_warning(k->d, n->loc, NV_W_SEMANTIC,
                        "'%s' is an IPv4-mapped IPv6 CIDR: read as %s/%d, as Go's net.ParseCIDR "
                        "reads it (Kubernetes' strict IP validation rejects it)",
                        n->str, nv_ip_format(&r->first, addr), nv_iprange_prefix(r));
    return st;
}

static int nv_parse_ipblock(struct nv_k8s *k, const struct nv_node *n, struct nv_peer *p)
{
    const struct nv_node *cidr, *ex;
    unsigned len, elen;
    size_t i;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, "ipBlock", "a mapping");
    if (nv_k8s_check_fields(k, n, NV_E_CIDR, "an ipBlock", k_ipblock_fields) < 0)
        return -1;
    cidr = nv_node_get(n, "cidr");
    if (nv_node_is_null(cidr))
        return nv_diag_error(k->d, n->loc, NV_E_MISSING, "ipBlock has no 'cidr'");
    if (cidr->type != NV_NODE_SCALAR || cidr->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, cidr, "cidr", "a string");
    if (nv_ipblock_cidr(k, cidr, "", &p->cidr, &len) < 0)
        return -1;
    if (!(k->m->families & NV_FAMILY_BIT(p->cidr.first.fam)))
        nv_diag_warning(k->d, cidr->loc, NV_W_SEMANTIC,
                        "%s CIDR '%s' is not modelled%s; the ipBlock matches nothing",
                        nv_family_name(p->cidr.first.fam), cidr->str, nv_model_families_why(k->m));
    ex = nv_node_get(n, "except");
    if (nv_node_is_null(ex))
        return 0;
    if (ex->type != NV_NODE_SEQ)
        return nv_k8s_type_error(k, ex, "except", "a list");
    p->except = nv_arena_alloc(&k->m->arena, (ex->n + 1) * sizeof(*p->except));
    for (i = 0; i < ex->n; i++) {
        const struct nv_node *e = ex->items[i];
        struct nv_iprange r;
        if (e->type != NV_NODE_SCALAR || e->kind != NV_SCALAR_STR)
            return nv_k8s_type_error(k, e, "except item", "a string");
        if (nv_ipblock_cidr(k, e, " in except", &r, &elen) < 0)
            return -1;
        if (r.first.fam != p->cidr.first.fam)
            return nv_diag_error(k->d, e->loc, NV_E_CIDR,
                                 "except '%s' is not of the same IP family as cidr '%s'", e->str,
                                 cidr->str);
        /* the API server's test: the except's network number is in the cidr, and its
         * prefix, as written, is longer */
        if (!nv_iprange_has(&p->cidr, &r.first) || elen <= len)
            return nv_diag_error(k->d, e->loc, NV_E_CIDR,
                                 "except '%s' is not a strict subset of cidr '%s'", e->str,
                                 cidr->str);
        p->except[p->nexcept++] = r;
    }
    return 0;
}

static int nv_parse_peer(struct nv_k8s *k, const struct nv_node *n, struct nv_peer *p)
{
    const struct nv_node *ps, *ns, *ib;

    p->loc = n->loc;
    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, "peer", "a mapping");
    if (nv_k8s_check_fields(k, n, NV_E_VALUE, "a peer", k_peer_fields) < 0)
        return -1;
    /* a null field is an absent one, as in the API */
    ps = nv_node_get(n, "podSelector");
    ns = nv_node_get(n, "namespaceSelector");
    ib = nv_node_get(n, "ipBlock");
    ps = nv_node_is_null(ps) ? NULL : ps;
    ns = nv_node_is_null(ns) ? NULL : ns;
    ib = nv_node_is_null(ib) ? NULL : ib;
    if (ib && (ps || ns))
        return nv_diag_error(k->d, n->loc, NV_E_VALUE,
                             "a peer may not combine 'ipBlock' with a selector");
    if (!ib && !ps && !ns)
        return nv_diag_error(k->d, n->loc, NV_E_MISSING,
                             "empty peer: give podSelector, namespaceSelector or ipBlock");
    if (ib) {
        p->kind = NV_PEER_IPBLOCK;
        return nv_parse_ipblock(k, ib, p);
    }
    p->kind = NV_PEER_PODS;
    if (ps && !(p->pod_sel = nv_k8s_selector(k, ps)))
        return -1;
    if (ns && !(p->ns_sel = nv_k8s_selector(k, ns)))
        return -1;
    return 0;
}

/* ---- policies ---- */

static int nv_parse_rule(struct nv_k8s *k, struct nv_policy *pol, const struct nv_node *n,
                         enum nv_dir dir, unsigned index, struct nv_rule *r)
{
    const char *peerkey = dir == NV_INGRESS ? "from" : "to";
    const struct nv_node *peers, *ports;
    size_t i;
    int bad = 0;

    /* the caller retries a slot after a rule that failed: forget what that one left */
    memset(r, 0, sizeof(*r));
    r->policy = pol;
    r->dir = dir;
    r->action = NV_ACTION_ALLOW;
    r->index = index;
    r->loc = n->loc;
    if (nv_node_is_null(n)) {
        r->all_peers = r->all_ports = 1;
        r->numeric = NV_PORTS_ALL;
        return 0;
    }
    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, dir == NV_INGRESS ? "ingress item" : "egress item",
                                 "a mapping");
    if (nv_k8s_check_fields(k, n, NV_E_VALUE,
                            dir == NV_INGRESS ? "an ingress rule" : "an egress rule",
                            dir == NV_INGRESS ? k_ingress_fields : k_egress_fields) < 0)
        return -1;
    peers = nv_k8s_get_seq(k, n, peerkey, &bad);
    ports = nv_k8s_get_seq(k, n, "ports", &bad);
    if (bad)
        return -1;
    r->all_peers = !peers || peers->n == 0;
    if (peers && peers->n) {
        r->peers = nv_arena_alloc(&k->m->arena, peers->n * sizeof(*r->peers));
        for (i = 0; i < peers->n; i++) {
            if (nv_parse_peer(k, peers->items[i], &r->peers[r->npeers]) < 0)
                bad = 1;
            else
                r->npeers++;
        }
    }
    r->all_ports = !ports || ports->n == 0;
    r->numeric = r->all_ports ? NV_PORTS_ALL : NV_PORTS_NONE;
    if (ports && ports->n) {
        struct nv_ports_list numeric = {NULL, 0, 0};
        r->ports = nv_arena_alloc(&k->m->arena, ports->n * sizeof(*r->ports));
        for (i = 0; i < ports->n; i++) {
            struct nv_portspec *ps = &r->ports[r->nports];
            if (nv_parse_portspec(k, ports->items[i], ps) < 0) {
                bad = 1;
                continue;
            }
            r->nports++;
            if (ps->name)
                r->has_named = 1;
            else
                nv_ports_list_range(&numeric, ps->proto, ps->port ? ps->port : 1,
                                    ps->port ? ps->end : 65535);
        }
        r->numeric = nv_ports_list_intern(k->m->ports, &numeric);
    }
    return bad ? -1 : 0;
}

static int nv_parse_rules(struct nv_k8s *k, struct nv_policy *pol, const struct nv_node *list,
                          enum nv_dir dir)
{
    size_t i;
    int bad = 0;

    if (!list)
        return 0;
    pol->rules[dir] = nv_arena_alloc(&k->m->arena, list->n * sizeof(*pol->rules[dir]));
    for (i = 0; i < list->n; i++) {
        struct nv_rule *r = &pol->rules[dir][pol->nrules[dir]];
        if (nv_parse_rule(k, pol, list->items[i], dir, (unsigned)i, r) < 0)
            bad = 1;
        else
            pol->nrules[dir]++;
    }
    return bad ? -1 : 0;
}

void nv_k8s_add_netpol(struct nv_k8s *k, const struct nv_node *obj, const char *ns,
                       const char *name)
{
    struct nv_policy *pol = nv_arena_alloc(&k->m->arena, sizeof(*pol));
    const struct nv_node *spec, *types, *ing, *egr, *sel;
    size_t i;
    int bad = 0;

    pol->kind = NV_POLICY_NETPOL;
    pol->tier = NV_TIER_NETPOL;
    pol->ns = ns;
    pol->name = name;
    pol->loc = obj->loc;
    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    if (bad)
        return;
    if (!spec) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "NetworkPolicy '%s/%s' has no 'spec'", ns,
                      name);
        return;
    }
    if (nv_k8s_check_fields(k, spec, NV_E_VALUE, "a NetworkPolicy spec", k_netpol_fields) < 0)
        bad = 1;
    sel = nv_node_get(spec, "podSelector");
    if (!(pol->subject = nv_k8s_selector(k, sel)))
        bad = 1;
    types = nv_k8s_get_seq(k, spec, "policyTypes", &bad);
    ing = nv_k8s_get_seq(k, spec, "ingress", &bad);
    egr = nv_k8s_get_seq(k, spec, "egress", &bad);
    if (types && types->n) {
        for (i = 0; i < types->n; i++) {
            const struct nv_node *t = types->items[i];
            if (t->type == NV_NODE_SCALAR && !strcmp(t->str, "Ingress"))
                pol->types |= NV_TYPE_INGRESS;
            else if (t->type == NV_NODE_SCALAR && !strcmp(t->str, "Egress"))
                pol->types |= NV_TYPE_EGRESS;
            else {
                nv_diag_error(k->d, t->loc, NV_E_VALUE,
                              "invalid policy type '%s' (expected Ingress or Egress)",
                              t->type == NV_NODE_SCALAR ? t->str : nv_node_type_name(t));
                bad = 1;
            }
        }
    } else {
        pol->types = NV_TYPE_INGRESS;
        if (egr && egr->n)
            pol->types |= NV_TYPE_EGRESS;
    }
    if (nv_parse_rules(k, pol, ing, NV_INGRESS) < 0 || nv_parse_rules(k, pol, egr, NV_EGRESS) < 0)
        bad = 1;
    if (bad)
        return;
    /* rules of a direction policyTypes leaves out: lint's ignored-direction */
    pol->nsidx = nv_model_namespace(k->m, ns);
    NV_GROW(k->m->policies, k->m->polalloc, k->m->npolicies + 1);
    k->m->policies[k->m->npolicies++] = pol;
}
