/*
 * k8s_admin.c - AdminNetworkPolicy and BaselineAdminNetworkPolicy, checked against
 * their CRD (validated, not modelled yet).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

/* ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy (validated, not modelled yet) ---- */

/*
 * The checks the v1alpha1 CRD (policy.networking.k8s.io) makes the API server
 * apply, standard and experimental channel fields alike; see "Validation
 * decisions" in docs/semantics.md for where netverify departs from it.
 */
#define NV_ANP_MAX_PRIORITY 1000
#define NV_ANP_MAX_ITEMS 100 /* rules per direction, peers per rule, ports per rule */
#define NV_ANP_MAX_NETWORKS 25
#define NV_ANP_MAX_CIDR_LEN 43
#define NV_ANP_MAX_RULE_NAME 100

struct nv_anp {
    struct nv_k8s *k;
    const char *kind; /* "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy" */
    const char *name;
    int baseline;
};

static const char *const k_anp_spec_fields[] = {"priority", "subject", "ingress", "egress", NULL};
static const char *const k_banp_spec_fields[] = {"subject", "ingress", "egress", NULL};
static const char *const k_anp_subject_fields[] = {"namespaces", "pods", NULL};
static const char *const k_anp_pods_fields[] = {"namespaceSelector", "podSelector", NULL};
static const char *const k_anp_ingress_fields[] = {"name", "action", "from", "ports", NULL};
static const char *const k_anp_egress_fields[] = {"name", "action", "to", "ports", NULL};
static const char *const k_anp_ingress_peer_fields[] = {"namespaces", "pods", NULL};
static const char *const k_anp_egress_peer_fields[] = {"namespaces", "pods", "nodes", "networks",
                                                       NULL};
static const char *const k_anp_port_fields[] = {"portNumber", "namedPort", "portRange", NULL};
static const char *const k_anp_portnum_fields[] = {"protocol", "port", NULL};
static const char *const k_anp_portrange_fields[] = {"protocol", "start", "end", NULL};

/* A list field: absent or null gives NULL with *bad untouched; 'min'..'max' items. */
static const struct nv_node *nv_anp_list(struct nv_k8s *k, const struct nv_node *obj,
                                         const char *key, size_t min, size_t max, int *bad)
{
    const struct nv_node *n = nv_k8s_get_seq(k, obj, key, bad);

    if (!n)
        return NULL;
    if (n->n < min) {
        nv_diag_error(k->d, n->loc, NV_E_MISSING, "'%s' must list at least %zu item%s", key, min,
                      min == 1 ? "" : "s");
        *bad = 1;
        return NULL;
    }
    if (n->n > max) {
        nv_diag_error(k->d, n->loc, NV_E_LIMIT, "'%s' lists %zu items; at most %zu are allowed",
                      key, n->n, max);
        *bad = 1;
        return NULL;
    }
    return n;
}

/* A selector that must be present but, as analysers read it, means {} when absent. */
static int nv_anp_lenient_selector(struct nv_anp *a, const struct nv_node *pods, const char *key)
{
    const struct nv_node *n = nv_node_get(pods, key);

    if (nv_node_is_null(n)) {
        nv_diag_warning(a->k->d, nv_k8s_field_loc(pods, key), NV_W_SEMANTIC,
                        "'pods' has no '%s': the %s CRD requires it; read as {} (all %s)", key,
                        a->kind, strcmp(key, "podSelector") ? "namespaces" : "pods");
        return 0;
    }
    return nv_k8s_parse_selector(a->k, n, 0) ? 0 : -1;
}

/* A 'pods' subject or peer: namespaceSelector and podSelector. */
static int nv_anp_pods(struct nv_anp *a, const struct nv_node *n)
{
    int rc = 0;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, n, "pods", "a mapping");
    if (nv_k8s_check_fields(a->k, n, NV_E_VALUE, "'pods'", k_anp_pods_fields) < 0)
        return -1;
    if (nv_anp_lenient_selector(a, n, "namespaceSelector") < 0)
        rc = -1;
    if (nv_anp_lenient_selector(a, n, "podSelector") < 0)
        rc = -1;
    return rc;
}

static int nv_anp_subject(struct nv_anp *a, const struct nv_node *spec)
{
    const struct nv_node *s = nv_node_get(spec, "subject");

    if (nv_node_is_null(s))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(spec, "subject"), NV_E_MISSING,
                             "%s '%s' has no 'subject': set exactly one of namespaces or pods",
                             a->kind, a->name);
    if (s->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, s, "subject", "a mapping");
    if (nv_k8s_check_fields(a->k, s, NV_E_VALUE, "the subject", k_anp_subject_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, s, "the subject", k_anp_subject_fields)) {
    case 0:
        return nv_k8s_parse_selector(a->k, nv_node_get(s, "namespaces"), 0) ? 0 : -1;
    case 1:
        return nv_anp_pods(a, nv_node_get(s, "pods"));
    default:
        return -1;
    }
}

/* 'networks': CIDRs, IPv4 or IPv6, each listed once. */
static int nv_anp_networks(struct nv_anp *a, const struct nv_node *peer)
{
    const struct nv_node *nets;
    size_t i, j;
    int bad = 0;

    nets = nv_anp_list(a->k, peer, "networks", 1, NV_ANP_MAX_NETWORKS, &bad);
    for (i = 0; nets && i < nets->n; i++) {
        const struct nv_node *e = nets->items[i];
        struct nv_iprange r;
        const char *why;
        if (e->type != NV_NODE_SCALAR || e->kind != NV_SCALAR_STR) {
            bad = nv_k8s_type_error(a->k, e, "networks item", "a string");
            continue;
        }
        if (e->len > NV_ANP_MAX_CIDR_LEN) {
            bad = nv_diag_error(a->k->d, e->loc, NV_E_CIDR,
                                "network '%.50s...' is longer than %d characters", e->str,
                                NV_ANP_MAX_CIDR_LEN);
            continue;
        }
        if (nv_cidr_parse(e->str, &r, NULL, &why) == NV_CIDR_BAD) {
            bad = nv_diag_error(a->k->d, e->loc, NV_E_CIDR, "invalid CIDR '%s' in networks: %s",
                                e->str, why);
            continue;
        }
        for (j = 0; j < i; j++)
            if (nets->items[j]->len == e->len && !memcmp(nets->items[j]->str, e->str, e->len))
                break;
        if (j < i)
            bad = nv_diag_error(a->k->d, e->loc, NV_E_DUP,
                                "network '%s' is listed twice (first at line %u)", e->str,
                                nets->items[j]->loc.line);
    }
    return bad ? -1 : 0;
}

/* One peer of a rule; *by_address is set for nodes and networks peers (no named ports). */
static int nv_anp_peer(struct nv_anp *a, const struct nv_node *p, enum nv_dir dir, int *by_address)
{
    const char *const *fields =
        dir == NV_INGRESS ? k_anp_ingress_peer_fields : k_anp_egress_peer_fields;
    const char *what = dir == NV_INGRESS ? "an ingress peer" : "an egress peer";

    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, p, dir == NV_INGRESS ? "from item" : "to item", "a mapping");
    if (nv_k8s_check_fields(a->k, p, NV_E_VALUE, what, fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, p, what, fields)) {
    case 0:
        return nv_k8s_parse_selector(a->k, nv_node_get(p, "namespaces"), 0) ? 0 : -1;
    case 1:
        return nv_anp_pods(a, nv_node_get(p, "pods"));
    case 2:
        *by_address = 1;
        return nv_k8s_parse_selector(a->k, nv_node_get(p, "nodes"), 0) ? 0 : -1;
    case 3:
        *by_address = 1;
        return nv_anp_networks(a, p);
    default:
        return -1;
    }
}

/* portNumber or portRange: the protocol and each number. */
static int nv_anp_numeric_port(struct nv_anp *a, const struct nv_node *n, const char *field)
{
    int range = !strcmp(field, "portRange");
    const char *first = range ? "start" : "port";
    const struct nv_node *lo, *hi;
    enum nv_proto proto;
    unsigned start = 0, end = 0;
    int rc = 0;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, n, field, "a mapping");
    if (nv_k8s_check_fields(a->k, n, NV_E_PORT, range ? "a portRange" : "a portNumber",
                            range ? k_anp_portrange_fields : k_anp_portnum_fields) < 0)
        return -1;
    if (nv_k8s_parse_proto(a->k, n, &proto) < 0)
        rc = -1;
    lo = nv_node_get(n, first);
    if (nv_node_is_null(lo))
        rc = nv_diag_error(a->k->d, nv_k8s_field_loc(n, first), NV_E_MISSING, "'%s' has no '%s'",
                           field, first);
    else if (nv_k8s_parse_portnum(a->k, lo, first, &start) < 0)
        rc = -1;
    if (!range)
        return rc;
    hi = nv_node_get(n, "end");
    if (nv_node_is_null(hi))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(n, "end"), NV_E_MISSING,
                             "'portRange' has no 'end'");
    if (nv_k8s_parse_portnum(a->k, hi, "end", &end) < 0)
        return -1;
    if (rc == 0 && end < start)
        return nv_diag_error(a->k->d, hi->loc, NV_E_PORT,
                             "'end' %u is below 'start' %u: the range is empty", end, start);
    return rc;
}

/* One AdminNetworkPolicyPort; *named is set for a namedPort. */
static int nv_anp_port(struct nv_anp *a, const struct nv_node *p, const struct nv_node **named)
{
    const struct nv_node *np;

    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, p, "ports item", "a mapping");
    if (nv_k8s_check_fields(a->k, p, NV_E_PORT, "a port", k_anp_port_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, p, "a port", k_anp_port_fields)) {
    case 0:
        return nv_anp_numeric_port(a, nv_node_get(p, "portNumber"), "portNumber");
    case 1:
        np = nv_node_get(p, "namedPort");
        if (np->type != NV_NODE_SCALAR || np->kind != NV_SCALAR_STR)
            return nv_k8s_type_error(a->k, np, "namedPort", "a string");
        if (!*named)
            *named = np;
        return 0;
    case 2:
        return nv_anp_numeric_port(a, nv_node_get(p, "portRange"), "portRange");
    default:
        return -1;
    }
}

static int nv_anp_action(struct nv_anp *a, const struct nv_node *r, enum nv_dir dir)
{
    const struct nv_node *n = nv_node_get(r, "action");
    const char *want = a->baseline ? "Allow or Deny" : "Allow, Deny or Pass";

    if (nv_node_is_null(n))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(r, "action"), NV_E_MISSING,
                             "%s rule has no 'action' (%s)",
                             dir == NV_INGRESS ? "an ingress" : "an egress", want);
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(a->k, n, "action", "a string");
    if (!strcmp(n->str, "Allow") || !strcmp(n->str, "Deny"))
        return 0;
    if (!strcmp(n->str, "Pass") && !a->baseline)
        return 0;
    if (!strcmp(n->str, "Pass"))
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE,
                             "a BaselineAdminNetworkPolicy rule cannot 'Pass' (expected %s)", want);
    return nv_diag_error(a->k->d, n->loc, NV_E_VALUE, "unknown action '%.100s' (expected %s)",
                         n->str, want);
}

static int nv_anp_rule(struct nv_anp *a, const struct nv_node *r, enum nv_dir dir)
{
    const char *peerkey = dir == NV_INGRESS ? "from" : "to";
    const struct nv_node *name, *peers, *ports, *named = NULL;
    int bad = 0, listbad = 0, by_address = 0;
    size_t i;

    if (r->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, r, dir == NV_INGRESS ? "ingress item" : "egress item",
                                 "a mapping");
    if (nv_k8s_check_fields(a->k, r, NV_E_VALUE,
                            dir == NV_INGRESS ? "an ingress rule" : "an egress rule",
                            dir == NV_INGRESS ? k_anp_ingress_fields : k_anp_egress_fields) < 0)
        return -1;
    name = nv_node_get(r, "name");
    if (!nv_node_is_null(name)) {
        if (name->type != NV_NODE_SCALAR || name->kind != NV_SCALAR_STR)
            bad = nv_k8s_type_error(a->k, name, "name", "a string");
        else if (name->len > NV_ANP_MAX_RULE_NAME)
            bad = nv_diag_error(a->k->d, name->loc, NV_E_VALUE,
                                "rule name is %zu characters long; at most %d are allowed",
                                name->len, NV_ANP_MAX_RULE_NAME);
    }
    if (nv_anp_action(a, r, dir) < 0)
        bad = 1;
    peers = nv_anp_list(a->k, r, peerkey, 1, NV_ANP_MAX_ITEMS, &listbad);
    if (!peers && !listbad)
        bad = nv_diag_error(a->k->d, nv_k8s_field_loc(r, peerkey), NV_E_MISSING,
                            "%s rule has no '%s': it must list at least one peer",
                            dir == NV_INGRESS ? "an ingress" : "an egress", peerkey);
    if (listbad)
        bad = 1;
    for (i = 0; peers && i < peers->n; i++)
        if (nv_anp_peer(a, peers->items[i], dir, &by_address) < 0)
            bad = 1;
    ports = nv_anp_list(a->k, r, "ports", 1, NV_ANP_MAX_ITEMS, &bad);
    for (i = 0; ports && i < ports->n; i++)
        if (nv_anp_port(a, ports->items[i], &named) < 0)
            bad = 1;
    if (!bad && named && by_address)
        nv_diag_warning(a->k->d, named->loc, NV_W_SEMANTIC,
                        "named port '%s' cannot match the nodes or networks peers of this rule "
                        "(a name resolves only on a pod): toward them it matches nothing",
                        named->str);
    return bad ? -1 : 0;
}

static int nv_anp_rules(struct nv_anp *a, const struct nv_node *spec, enum nv_dir dir)
{
    const struct nv_node *list;
    int bad = 0;
    size_t i;

    list = nv_anp_list(a->k, spec, dir == NV_INGRESS ? "ingress" : "egress", 0, NV_ANP_MAX_ITEMS,
                       &bad);
    for (i = 0; list && i < list->n; i++)
        if (nv_anp_rule(a, list->items[i], dir) < 0)
            bad = 1;
    return bad ? -1 : 0;
}

/*
 * spec.priority of an AdminNetworkPolicy: 0-1000. Two policies at one priority
 * are valid, but which one wins where both match is up to the network plugin:
 * a verifier cannot promise an answer there, so say so.
 */
static int nv_anp_priority(struct nv_anp *a, const struct nv_node *spec, const char *name)
{
    const struct nv_node *n = nv_node_get(spec, "priority");
    long v;

    if (nv_node_is_null(n))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(spec, "priority"), NV_E_MISSING,
                             "AdminNetworkPolicy '%s' has no 'priority' (0-%d)", name,
                             NV_ANP_MAX_PRIORITY);
    if (nv_k8s_node_int(a->k, n, "priority", &v) < 0)
        return -1;
    if (v < 0 || v > NV_ANP_MAX_PRIORITY)
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE, "'priority' %ld is outside 0-%d", v,
                             NV_ANP_MAX_PRIORITY);
    if (!a->k->anp_prio)
        a->k->anp_prio = nv_xcalloc(NV_ANP_MAX_PRIORITY + 1, sizeof(*a->k->anp_prio));
    if (a->k->anp_prio[v])
        nv_diag_warning(a->k->d, n->loc, NV_W_SEMANTIC,
                        "AdminNetworkPolicy '%s' has the same priority %ld as '%s': where both "
                        "match a connection, which one applies is up to the network plugin",
                        name, v, a->k->anp_prio[v]);
    else
        a->k->anp_prio[v] = name;
    return 0;
}

/* Validate an AdminNetworkPolicy or BaselineAdminNetworkPolicy; -1 after errors. */
int nv_k8s_check_admin_policy(struct nv_k8s *k, const struct nv_node *obj,
                              const struct nv_node *meta, const char *kind, const char *name)
{
    struct nv_anp a;
    const struct nv_node *spec;
    int rc = 0;

    a.k = k;
    a.kind = kind;
    a.name = name;
    a.baseline = !strcmp(kind, "BaselineAdminNetworkPolicy");
    if (nv_k8s_check_fields(k, obj, NV_E_VALUE, kind, nv_k8s_crd_object_fields) < 0)
        rc = -1;
    /* the CRD allows one BaselineAdminNetworkPolicy per cluster, named "default" */
    if (a.baseline && strcmp(name, "default"))
        rc = nv_diag_error(k->d, nv_k8s_field_value_loc(meta, "name"), NV_E_VALUE,
                           "a BaselineAdminNetworkPolicy must be named 'default', not '%s'", name);
    spec = nv_k8s_need_map(k, obj, "spec", kind);
    if (!spec)
        return -1;
    if (nv_k8s_check_fields(k, spec, NV_E_VALUE,
                            a.baseline ? "a BaselineAdminNetworkPolicy spec"
                                       : "an AdminNetworkPolicy spec",
                            a.baseline ? k_banp_spec_fields : k_anp_spec_fields) < 0)
        rc = -1;
    if (!a.baseline && nv_anp_priority(&a, spec, name) < 0)
        rc = -1;
    if (nv_anp_subject(&a, spec) < 0)
        rc = -1;
    if (nv_anp_rules(&a, spec, NV_INGRESS) < 0)
        rc = -1;
    if (nv_anp_rules(&a, spec, NV_EGRESS) < 0)
        rc = -1;
    return rc;
}
