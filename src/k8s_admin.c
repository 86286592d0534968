/*
 * k8s_admin.c - the cluster-wide policy tiers of the Network Policy API
 * (policy.networking.k8s.io): AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (v1alpha1) and ClusterNetworkPolicy (v1alpha2), checked against their CRDs
 * and compiled into struct nv_policy (see policy.h for the representation).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <stdlib.h>
#include <string.h>

/*
 * The checks the CRDs make the API server apply, standard and experimental
 * channel fields alike; see "Validation decisions" in docs/semantics.md for
 * where netverify departs from them.
 */
#define NV_ANP_MAX_PRIORITY 1000
#define NV_ANP_MAX_ITEMS 100 /* v1alpha1: rules per direction, peers per rule, ports per rule */
#define NV_CNP_MAX_ITEMS 25  /* v1alpha2: the same */
#define NV_ANP_MAX_NETWORKS 25
#define NV_ANP_MAX_DOMAINS 25
#define NV_ANP_MAX_CIDR_LEN 43
#define NV_ANP_MAX_RULE_NAME 100

struct nv_anp {
    struct nv_k8s *k;
    const char
        *kind; /* "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy" */
    const char *name;
    int baseline; /* a BaselineAdminNetworkPolicy (Allow/Deny only, no priority) */
    int cnp;      /* a ClusterNetworkPolicy (v1alpha2 field names) */
    size_t max_items;
    struct nv_policy *pol;
    struct nv_loc prio_loc;
};

static const char *const k_anp_spec_fields[] = {"priority", "subject", "ingress", "egress", NULL};
static const char *const k_banp_spec_fields[] = {"subject", "ingress", "egress", NULL};
static const char *const k_cnp_spec_fields[] = {"tier",    "priority", "subject",
                                                "ingress", "egress",   NULL};
static const char *const k_anp_subject_fields[] = {"namespaces", "pods", NULL};
static const char *const k_anp_pods_fields[] = {"namespaceSelector", "podSelector", NULL};
static const char *const k_anp_ingress_fields[] = {"name", "action", "from", "ports", NULL};
static const char *const k_anp_egress_fields[] = {"name", "action", "to", "ports", NULL};
static const char *const k_cnp_ingress_fields[] = {"name", "action", "from", "protocols", NULL};
static const char *const k_cnp_egress_fields[] = {"name", "action", "to", "protocols", NULL};
static const char *const k_anp_ingress_peer_fields[] = {"namespaces", "pods", NULL};
static const char *const k_anp_egress_peer_fields[] = {"namespaces", "pods", "nodes", "networks",
                                                       NULL};
static const char *const k_cnp_egress_peer_fields[] = {"namespaces", "pods",        "nodes",
                                                       "networks",   "domainNames", NULL};
/* every peer type some version of the APIs defines: anything else is a newer one */
static const char *const k_known_peer_fields[] = {"namespaces", "pods",        "nodes",
                                                  "networks",   "domainNames", NULL};
static const char *const k_anp_port_fields[] = {"portNumber", "namedPort", "portRange", NULL};
static const char *const k_anp_portnum_fields[] = {"protocol", "port", NULL};
static const char *const k_anp_portrange_fields[] = {"protocol", "start", "end", NULL};
static const char *const k_cnp_proto_fields[] = {"tcp", "udp", "sctp", "destinationNamedPort",
                                                 NULL};
static const char *const k_cnp_l4_fields[] = {"destinationPort", NULL};
static const char *const k_cnp_dport_fields[] = {"number", "range", NULL};
static const char *const k_cnp_range_fields[] = {"start", "end", NULL};

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
static const struct nv_selector *
nv_anp_lenient_selector(struct nv_anp *a, const struct nv_node *pods, const char *key)
{
    const struct nv_node *n = nv_node_get(pods, key);

    /* v1alpha2 makes namespaceSelector optional: absent, it is {} */
    if (nv_node_is_null(n) && a->cnp && !strcmp(key, "namespaceSelector"))
        return nv_k8s_parse_selector(a->k, NULL, 1);
    if (nv_node_is_null(n)) {
        nv_diag_warning(a->k->d, nv_k8s_field_loc(pods, key), NV_W_SEMANTIC,
                        "'pods' has no '%s': the %s CRD requires it; read as {} (all %s)", key,
                        a->kind, strcmp(key, "podSelector") ? "namespaces" : "pods");
        return nv_k8s_parse_selector(a->k, NULL, 1);
    }
    return nv_k8s_parse_selector(a->k, n, 1);
}

/* A 'pods' subject or peer: namespaceSelector and podSelector. */
static int nv_anp_pods(struct nv_anp *a, const struct nv_node *n, const struct nv_selector **ns,
                       const struct nv_selector **pods)
{
    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, n, "pods", "a mapping");
    if (nv_k8s_check_fields(a->k, n, NV_E_VALUE, "'pods'", k_anp_pods_fields) < 0)
        return -1;
    *ns = nv_anp_lenient_selector(a, n, "namespaceSelector");
    *pods = nv_anp_lenient_selector(a, n, "podSelector");
    return *ns && *pods ? 0 : -1;
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
        a->pol->subject_ns = nv_k8s_parse_selector(a->k, nv_node_get(s, "namespaces"), 1);
        a->pol->subject = nv_k8s_parse_selector(a->k, NULL, 1);
        return a->pol->subject_ns ? 0 : -1;
    case 1:
        return nv_anp_pods(a, nv_node_get(s, "pods"), &a->pol->subject_ns, &a->pol->subject);
    default:
        return -1;
    }
}

/* A growable list of peers, copied into the arena when the rule is done. */
struct nv_peerlist {
    struct nv_peer *v;
    size_t n, alloc;
};

static struct nv_peer *nv_peerlist_add(struct nv_peerlist *l, const struct nv_node *at,
                                       enum nv_peer_kind kind)
{
    struct nv_peer *p;

    NV_GROW(l->v, l->alloc, l->n + 1);
    p = &l->v[l->n++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->loc = at->loc;
    p->cluster = 1;
    return p;
}

/* 'networks': CIDRs, IPv4 or IPv6, each listed once; one ipBlock peer each. */
static int nv_anp_networks(struct nv_anp *a, const struct nv_node *peer, struct nv_peerlist *out)
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
        if (j < i) {
            bad = nv_diag_error(a->k->d, e->loc, NV_E_DUP,
                                "network '%s' is listed twice (first at line %u)", e->str,
                                nets->items[j]->loc.line);
            continue;
        }
        if (!(a->k->m->families & NV_FAMILY_BIT(r.first.fam)))
            nv_diag_warning(a->k->d, e->loc, NV_W_SEMANTIC,
                            "%s network '%s' is not modelled%s: it matches nothing",
                            nv_family_name(r.first.fam), e->str, nv_model_families_why(a->k->m));
        nv_peerlist_add(out, e, NV_PEER_IPBLOCK)->cidr = r;
    }
    return bad ? -1 : 0;
}

/* 'domainNames' (ClusterNetworkPolicy egress, Accept rules only): checked, kept as one peer. */
static int nv_anp_domains(struct nv_anp *a, const struct nv_node *peer, struct nv_peerlist *out)
{
    const struct nv_node *names;
    size_t i;
    int bad = 0;

    names = nv_anp_list(a->k, peer, "domainNames", 1, NV_ANP_MAX_DOMAINS, &bad);
    for (i = 0; names && i < names->n; i++)
        if (names->items[i]->type != NV_NODE_SCALAR || names->items[i]->kind != NV_SCALAR_STR)
            bad = nv_k8s_type_error(a->k, names->items[i], "domainNames item", "a string");
    if (bad)
        return -1;
    nv_diag_warning(a->k->d, nv_k8s_field_loc(peer, "domainNames"), NV_W_SEMANTIC,
                    "domainNames peers match the addresses DNS gives for the names: netverify "
                    "cannot know them, so what this rule admits to an address outside the "
                    "cluster depends on DNS");
    nv_peerlist_add(out, peer, NV_PEER_DOMAINS);
    return 0;
}

/* Whether every key of peer map p is a field no version of the APIs defines. */
static int nv_anp_peer_unknown(const struct nv_node *p)
{
    size_t i;

    if (!p->n)
        return 0;
    for (i = 0; i < p->n; i++)
        if (p->items[2 * i]->type != NV_NODE_SCALAR ||
            nv_k8s_key_index(p->items[2 * i], k_known_peer_fields) >= 0)
            return 0;
    return 1;
}

/*
 * One peer of a rule into out; *by_address is set for nodes and networks peers
 * (no named ports), *unknown for a peer of a type this version does not know.
 */
static int nv_anp_peer(struct nv_anp *a, const struct nv_node *p, enum nv_dir dir,
                       struct nv_peerlist *out, int *by_address, int *unknown)
{
    const char *const *fields =
        dir == NV_INGRESS ? k_anp_ingress_peer_fields
                          : (a->cnp ? k_cnp_egress_peer_fields : k_anp_egress_peer_fields);
    const char *what = dir == NV_INGRESS ? "an ingress peer" : "an egress peer";
    struct nv_peer *pe;

    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, p, dir == NV_INGRESS ? "from item" : "to item", "a mapping");
    if (nv_anp_peer_unknown(p)) {
        /* the API's fail-closed rule for peer types added after this version */
        char key[101];
        size_t n = p->items[0]->len > 100 ? 100 : p->items[0]->len;
        memcpy(key, p->items[0]->str, n);
        key[n] = '\0';
        nv_diag_warning(a->k->d, p->items[0]->loc, NV_W_SEMANTIC,
                        "%s sets only '%s', a peer type netverify does not know (expected %s%s): "
                        "read as the API says implementations must, failing closed (an Allow "
                        "rule matches nothing through it, a Deny or Pass rule denies everything)",
                        what, key, fields[0], dir == NV_INGRESS ? " or pods" : ", pods, ...");
        *unknown = 1;
        nv_peerlist_add(out, p, NV_PEER_UNKNOWN);
        return 0;
    }
    if (nv_k8s_check_fields(a->k, p, NV_E_VALUE, what, fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, p, what, fields)) {
    case 0:
        pe = nv_peerlist_add(out, p, NV_PEER_PODS);
        pe->ns_sel = nv_k8s_parse_selector(a->k, nv_node_get(p, "namespaces"), 1);
        return pe->ns_sel ? 0 : -1;
    case 1:
        pe = nv_peerlist_add(out, p, NV_PEER_PODS);
        return nv_anp_pods(a, nv_node_get(p, "pods"), &pe->ns_sel, &pe->pod_sel);
    case 2:
        *by_address = 1;
        pe = nv_peerlist_add(out, p, NV_PEER_NODES);
        pe->node_sel = nv_k8s_parse_selector(a->k, nv_node_get(p, "nodes"), 0);
        return pe->node_sel ? 0 : -1;
    case 3:
        *by_address = 1;
        return nv_anp_networks(a, p, out);
    case 4:
        *by_address = 1;
        return nv_anp_domains(a, p, out);
    default:
        return -1;
    }
}

/* A growable list of port entries. */
struct nv_speclist {
    struct nv_portspec *v;
    size_t n, alloc;
};

static void nv_speclist_add(struct nv_speclist *l, const struct nv_node *at, enum nv_proto proto,
                            unsigned lo, unsigned hi, const char *name)
{
    struct nv_portspec *ps;

    NV_GROW(l->v, l->alloc, l->n + 1);
    ps = &l->v[l->n++];
    memset(ps, 0, sizeof(*ps));
    ps->loc = at->loc;
    ps->proto = proto;
    ps->port = lo;
    ps->end = hi;
    ps->name = name;
    ps->any_proto = name != NULL;
}

/* portNumber or portRange (v1alpha1): the protocol and each number. */
static int nv_anp_numeric_port(struct nv_anp *a, const struct nv_node *n, const char *field,
                               struct nv_speclist *out)
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
    if (!range) {
        if (rc == 0)
            nv_speclist_add(out, n, proto, start, start, NULL);
        return rc;
    }
    hi = nv_node_get(n, "end");
    if (nv_node_is_null(hi))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(n, "end"), NV_E_MISSING,
                             "'portRange' has no 'end'");
    if (nv_k8s_parse_portnum(a->k, hi, "end", &end) < 0)
        return -1;
    if (rc == 0 && end < start)
        return nv_diag_error(a->k->d, hi->loc, NV_E_PORT,
                             "'end' %u is below 'start' %u: the range is empty", end, start);
    if (rc == 0)
        nv_speclist_add(out, n, proto, start, end, NULL);
    return rc;
}

/* A port name (namedPort, destinationNamedPort): IANA_SVC_NAME. */
static int nv_anp_port_name(struct nv_anp *a, const struct nv_node *np, const char *field,
                            struct nv_speclist *out, const struct nv_node **named)
{
    const char *why, *name;

    if (np->type != NV_NODE_SCALAR || np->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(a->k, np, field, "a string");
    if ((why = nv_k8s_port_name_invalid(np->str)))
        return nv_diag_error(a->k->d, np->loc, NV_E_PORT, "invalid port name '%s': %s", np->str,
                             why);
    name = nv_k8s_intern_node(a->k, np);
    nv_model_use_port_name(a->k->m, name);
    nv_speclist_add(out, np, NV_PROTO_TCP, 0, 0, name);
    if (!*named)
        *named = np;
    return 0;
}

/* One AdminNetworkPolicyPort; *named is set for a namedPort. */
static int nv_anp_port(struct nv_anp *a, const struct nv_node *p, struct nv_speclist *out,
                       const struct nv_node **named)
{
    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, p, "ports item", "a mapping");
    if (nv_k8s_check_fields(a->k, p, NV_E_PORT, "a port", k_anp_port_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, p, "a port", k_anp_port_fields)) {
    case 0:
        return nv_anp_numeric_port(a, nv_node_get(p, "portNumber"), "portNumber", out);
    case 1:
        return nv_anp_port_name(a, nv_node_get(p, "namedPort"), "namedPort", out, named);
    case 2:
        return nv_anp_numeric_port(a, nv_node_get(p, "portRange"), "portRange", out);
    default:
        return -1;
    }
}

/* A ClusterNetworkPolicy 'tcp', 'udp' or 'sctp' entry: destinationPort number or range. */
static int nv_cnp_l4(struct nv_anp *a, const struct nv_node *n, const char *field,
                     enum nv_proto proto, struct nv_speclist *out)
{
    const struct nv_node *dp, *num, *rg, *lo, *hi;
    unsigned start = 0, end = 0;

    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, n, field, "a mapping");
    if (nv_k8s_check_fields(a->k, n, NV_E_PORT, "a protocol entry", k_cnp_l4_fields) < 0)
        return -1;
    dp = nv_node_get(n, "destinationPort");
    if (nv_node_is_null(dp))
        return nv_diag_error(a->k->d, n->loc, NV_E_MISSING,
                             "'%s' has no 'destinationPort' (the CRD requires one; leave out "
                             "'protocols' to match every port)",
                             field);
    if (dp->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, dp, "destinationPort", "a mapping");
    if (nv_k8s_check_fields(a->k, dp, NV_E_PORT, "a destinationPort", k_cnp_dport_fields) < 0)
        return -1;
    switch (nv_k8s_one_of(a->k, dp, "a destinationPort", k_cnp_dport_fields)) {
    case 0:
        num = nv_node_get(dp, "number");
        if (nv_k8s_parse_portnum(a->k, num, "number", &start) < 0)
            return -1;
        nv_speclist_add(out, n, proto, start, start, NULL);
        return 0;
    case 1:
        rg = nv_node_get(dp, "range");
        if (rg->type != NV_NODE_MAP)
            return nv_k8s_type_error(a->k, rg, "range", "a mapping");
        if (nv_k8s_check_fields(a->k, rg, NV_E_PORT, "a range", k_cnp_range_fields) < 0)
            return -1;
        lo = nv_node_get(rg, "start");
        hi = nv_node_get(rg, "end");
        if (nv_node_is_null(lo))
            return nv_diag_error(a->k->d, rg->loc, NV_E_MISSING, "'range' has no 'start'");
        if (nv_node_is_null(hi))
            return nv_diag_error(a->k->d, rg->loc, NV_E_MISSING, "'range' has no 'end'");
        if (nv_k8s_parse_portnum(a->k, lo, "start", &start) < 0 ||
            nv_k8s_parse_portnum(a->k, hi, "end", &end) < 0)
            return -1;
        if (end <= start)
            return nv_diag_error(a->k->d, hi->loc, NV_E_PORT,
                                 "'end' %u is not above 'start' %u (the CRD requires start < end)",
                                 end, start);
        nv_speclist_add(out, n, proto, start, end, NULL);
        return 0;
    default:
        return -1;
    }
}

/* One ClusterNetworkPolicy 'protocols' entry. */
static int nv_cnp_protocol(struct nv_anp *a, const struct nv_node *p, struct nv_speclist *out,
                           const struct nv_node **named)
{
    static const enum nv_proto protos[] = {NV_PROTO_TCP, NV_PROTO_UDP, NV_PROTO_SCTP};
    int which;

    if (p->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, p, "protocols item", "a mapping");
    if (nv_k8s_check_fields(a->k, p, NV_E_PORT, "a protocols entry", k_cnp_proto_fields) < 0)
        return -1;
    which = nv_k8s_one_of(a->k, p, "a protocols entry", k_cnp_proto_fields);
    if (which < 0)
        return -1;
    if (which == 3)
        return nv_anp_port_name(a, nv_node_get(p, "destinationNamedPort"), "destinationNamedPort",
                                out, named);
    return nv_cnp_l4(a, nv_node_get(p, k_cnp_proto_fields[which]), k_cnp_proto_fields[which],
                     protos[which], out);
}

static int nv_anp_action(struct nv_anp *a, const struct nv_node *r, enum nv_dir dir,
                         enum nv_action *out)
{
    const struct nv_node *n = nv_node_get(r, "action");
    const char *allow = a->cnp ? "Accept" : "Allow";
    const char *want = a->cnp        ? "Accept, Deny or Pass"
                       : a->baseline ? "Allow or Deny"
                                     : "Allow, Deny or Pass";

    if (nv_node_is_null(n))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(r, "action"), NV_E_MISSING,
                             "%s rule has no 'action' (%s)",
                             dir == NV_INGRESS ? "an ingress" : "an egress", want);
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(a->k, n, "action", "a string");
    if (!strcmp(n->str, allow)) {
        *out = NV_ACTION_ALLOW;
        return 0;
    }
    if (!strcmp(n->str, "Deny")) {
        *out = NV_ACTION_DENY;
        return 0;
    }
    if (!strcmp(n->str, "Pass") && !a->baseline) {
        *out = NV_ACTION_PASS;
        return 0;
    }
    if (!strcmp(n->str, "Pass"))
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE,
                             "a BaselineAdminNetworkPolicy rule cannot 'Pass' (expected %s)", want);
    if (a->cnp && !strcmp(n->str, "Allow"))
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE,
                             "a ClusterNetworkPolicy says 'Accept', not 'Allow' (expected %s)",
                             want);
    return nv_diag_error(a->k->d, n->loc, NV_E_VALUE, "unknown action '%.100s' (expected %s)",
                         n->str, want);
}

static int nv_anp_rule(struct nv_anp *a, const struct nv_node *r, enum nv_dir dir, unsigned index,
                       struct nv_rule *out)
{
    const char *peerkey = dir == NV_INGRESS ? "from" : "to";
    const char *portkey = a->cnp ? "protocols" : "ports";
    const struct nv_node *name, *peers, *ports, *named = NULL;
    struct nv_peerlist pl = {NULL, 0, 0};
    struct nv_speclist sl = {NULL, 0, 0};
    int bad = 0, listbad = 0, by_address = 0, unknown = 0;
    size_t i;

    memset(out, 0, sizeof(*out));
    out->policy = a->pol;
    out->dir = dir;
    out->index = index;
    out->loc = r->loc;
    if (r->type != NV_NODE_MAP)
        return nv_k8s_type_error(a->k, r, dir == NV_INGRESS ? "ingress item" : "egress item",
                                 "a mapping");
    if (nv_k8s_check_fields(
            a->k, r, NV_E_VALUE, dir == NV_INGRESS ? "an ingress rule" : "an egress rule",
            a->cnp ? (dir == NV_INGRESS ? k_cnp_ingress_fields : k_cnp_egress_fields)
                   : (dir == NV_INGRESS ? k_anp_ingress_fields : k_anp_egress_fields)) < 0)
        return -1;
    name = nv_node_get(r, "name");
    if (!nv_node_is_null(name)) {
        if (name->type != NV_NODE_SCALAR || name->kind != NV_SCALAR_STR)
            bad = nv_k8s_type_error(a->k, name, "name", "a string");
        else if (name->len > NV_ANP_MAX_RULE_NAME)
            bad = nv_diag_error(a->k->d, name->loc, NV_E_VALUE,
                                "rule name is %zu characters long; at most %d are allowed",
                                name->len, NV_ANP_MAX_RULE_NAME);
        else
            out->name = nv_k8s_intern_node(a->k, name);
    }
    if (nv_anp_action(a, r, dir, &out->action) < 0)
        bad = 1;
    peers = nv_anp_list(a->k, r, peerkey, 1, a->max_items, &listbad);
    if (!peers && !listbad)
        bad = nv_diag_error(a->k->d, nv_k8s_field_loc(r, peerkey), NV_E_MISSING,
                            "%s rule has no '%s': it must list at least one peer",
                            dir == NV_INGRESS ? "an ingress" : "an egress", peerkey);
    if (listbad)
        bad = 1;
    for (i = 0; peers && i < peers->n; i++)
        if (nv_anp_peer(a, peers->items[i], dir, &pl, &by_address, &unknown) < 0)
            bad = 1;
    ports = nv_anp_list(a->k, r, portkey, 1, a->max_items, &bad);
    for (i = 0; ports && i < ports->n; i++)
        if ((a->cnp ? nv_cnp_protocol(a, ports->items[i], &sl, &named)
                    : nv_anp_port(a, ports->items[i], &sl, &named)) < 0)
            bad = 1;
    if (!bad && named && by_address)
        nv_diag_warning(a->k->d, named->loc, NV_W_SEMANTIC,
                        "named port '%s' cannot match the nodes or networks peers of this rule "
                        "(a name resolves only on a pod): toward them it matches nothing",
                        named->str);
    if (!bad && !a->baseline && a->cnp && out->action != NV_ACTION_ALLOW)
        for (i = 0; i < pl.n; i++)
            if (pl.v[i].kind == NV_PEER_DOMAINS) {
                bad = nv_diag_error(a->k->d, pl.v[i].loc, NV_E_VALUE,
                                    "domainNames peers are allowed only in Accept rules");
                break;
            }
    if (!bad) {
        struct nv_ports_list numeric = {NULL, 0, 0};
        size_t k = 0;
        /* fail closed: an Allow rule's unknown peers match nothing, a Deny or Pass rule
         * with one matches everything */
        out->fail_closed = unknown && out->action != NV_ACTION_ALLOW;
        out->peers = nv_arena_alloc(&a->k->m->arena, (pl.n + 1) * sizeof(*out->peers));
        for (i = 0; i < pl.n; i++)
            if (pl.v[i].kind != NV_PEER_UNKNOWN)
                out->peers[k++] = pl.v[i];
        out->npeers = k;
        out->all_ports = !ports;
        out->numeric = out->all_ports ? NV_PORTS_ALL : NV_PORTS_NONE;
        if (ports) {
            out->ports = nv_arena_alloc(&a->k->m->arena, (sl.n + 1) * sizeof(*out->ports));
            memcpy(out->ports, sl.v, sl.n * sizeof(*out->ports));
            out->nports = sl.n;
            for (i = 0; i < sl.n; i++) {
                if (sl.v[i].name)
                    out->has_named = 1;
                else
                    nv_ports_list_range(&numeric, sl.v[i].proto, sl.v[i].port, sl.v[i].end);
            }
            out->numeric = nv_ports_list_intern(a->k->m->ports, &numeric);
        }
    }
    free(pl.v);
    free(sl.v);
    return bad ? -1 : 0;
}

static int nv_anp_rules(struct nv_anp *a, const struct nv_node *spec, enum nv_dir dir)
{
    const struct nv_node *list;
    int bad = 0;
    size_t i;

    list = nv_anp_list(a->k, spec, dir == NV_INGRESS ? "ingress" : "egress", 0, a->max_items, &bad);
    if (!list)
        return bad ? -1 : 0;
    a->pol->rules[dir] = nv_arena_alloc(&a->k->m->arena, (list->n + 1) * sizeof(struct nv_rule));
    for (i = 0; i < list->n; i++) {
        if (nv_anp_rule(a, list->items[i], dir, (unsigned)i, &a->pol->rules[dir][i]) < 0)
            bad = 1;
    }
    if (!bad) {
        a->pol->nrules[dir] = list->n;
        if (list->n)
            a->pol->types |= dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    }
    return bad ? -1 : 0;
}

/* spec.priority: 0-1000 (AdminNetworkPolicy, ClusterNetworkPolicy). */
static int nv_anp_priority(struct nv_anp *a, const struct nv_node *spec)
{
    const struct nv_node *n = nv_node_get(spec, "priority");
    long v;

    if (nv_node_is_null(n))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(spec, "priority"), NV_E_MISSING,
                             "%s '%s' has no 'priority' (0-%d)", a->kind, a->name,
                             NV_ANP_MAX_PRIORITY);
    if (nv_k8s_node_int(a->k, n, "priority", &v) < 0)
        return -1;
    if (v < 0 || v > NV_ANP_MAX_PRIORITY)
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE, "'priority' %ld is outside 0-%d", v,
                             NV_ANP_MAX_PRIORITY);
    a->pol->priority = (int)v;
    a->prio_loc = n->loc;
    return 0;
}

/* spec.tier of a ClusterNetworkPolicy: Admin or Baseline. */
static int nv_cnp_tier(struct nv_anp *a, const struct nv_node *spec)
{
    const struct nv_node *n = nv_node_get(spec, "tier");

    if (nv_node_is_null(n))
        return nv_diag_error(a->k->d, nv_k8s_field_loc(spec, "tier"), NV_E_MISSING,
                             "ClusterNetworkPolicy '%s' has no 'tier' (Admin or Baseline)",
                             a->name);
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(a->k, n, "tier", "a string");
    if (!strcmp(n->str, "Admin"))
        a->pol->tier = NV_TIER_ADMIN;
    else if (!strcmp(n->str, "Baseline"))
        a->pol->tier = NV_TIER_BASELINE;
    else
        return nv_diag_error(a->k->d, n->loc, NV_E_VALUE,
                             "unknown tier '%.100s' (expected Admin or Baseline)", n->str);
    return 0;
}

/*
 * Two policies of one tier at one priority are valid, but which one wins where
 * both match is up to the network plugin: say so (engines report the verdicts
 * that turn on it as plugin-dependent).
 */
static void nv_anp_same_priority(struct nv_anp *a)
{
    struct nv_k8s *k = a->k;
    size_t slot = (size_t)(a->pol->tier == NV_TIER_BASELINE) * (NV_ANP_MAX_PRIORITY + 1) +
                  (size_t)a->pol->priority;
    const struct nv_policy *o;

    if (a->baseline)
        return;
    if (!k->anp_prio)
        k->anp_prio = nv_xcalloc(2 * (NV_ANP_MAX_PRIORITY + 1), sizeof(*k->anp_prio));
    o = k->anp_prio[slot];
    if (!o) {
        k->anp_prio[slot] = a->pol;
        return;
    }
    if (o->kind == a->pol->kind && o->kind == NV_POLICY_ANP)
        nv_diag_warning(k->d, a->prio_loc, NV_W_SEMANTIC,
                        "AdminNetworkPolicy '%s' has the same priority %d as '%s': where both "
                        "match a connection, which one applies is up to the network plugin",
                        a->name, a->pol->priority, o->name);
    else
        nv_diag_warning(k->d, a->prio_loc, NV_W_SEMANTIC,
                        "%s '%s' has the same priority %d in the %s tier as %s '%s': where both "
                        "match a connection, which one applies is up to the network plugin",
                        a->kind, a->name, a->pol->priority, nv_tier_name(a->pol->tier),
                        nv_policy_kind_name(o->kind), o->name);
}

/*
 * Check an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy
 * against its CRD and add it to the model's tiers; -1 after errors.
 */
int nv_k8s_add_admin_policy(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                            const char *kind, const char *name)
{
    struct nv_anp a;
    const struct nv_node *spec;
    const char *const *spec_fields;
    int rc = 0;

    memset(&a, 0, sizeof(a));
    a.k = k;
    a.kind = kind;
    a.name = name;
    a.baseline = !strcmp(kind, "BaselineAdminNetworkPolicy");
    a.cnp = !strcmp(kind, "ClusterNetworkPolicy");
    a.max_items = a.cnp ? NV_CNP_MAX_ITEMS : NV_ANP_MAX_ITEMS;
    a.pol = nv_arena_alloc(&k->m->arena, sizeof(*a.pol));
    a.pol->kind = a.cnp ? NV_POLICY_CNP : a.baseline ? NV_POLICY_BANP : NV_POLICY_ANP;
    a.pol->tier = a.baseline ? NV_TIER_BASELINE : NV_TIER_ADMIN;
    a.pol->priority = a.baseline ? NV_PRIORITY_BANP : 0;
    a.pol->ns = "";
    a.pol->name = name;
    a.pol->loc = obj->loc;
    if (nv_k8s_check_fields(k, obj, NV_E_VALUE, kind, nv_k8s_crd_object_fields) < 0)
        rc = -1;
    /* the CRD allows one BaselineAdminNetworkPolicy per cluster, named "default" */
    if (a.baseline && strcmp(name, "default"))
        rc = nv_diag_error(k->d, nv_k8s_field_value_loc(meta, "name"), NV_E_VALUE,
                           "a BaselineAdminNetworkPolicy must be named 'default', not '%s'", name);
    spec = nv_k8s_need_map(k, obj, "spec", kind);
    if (!spec)
        return -1;
    spec_fields = a.cnp ? k_cnp_spec_fields : a.baseline ? k_banp_spec_fields : k_anp_spec_fields;
    if (nv_k8s_check_fields(k, spec, NV_E_VALUE,
                            a.cnp        ? "a ClusterNetworkPolicy spec"
                            : a.baseline ? "a BaselineAdminNetworkPolicy spec"
                                         : "an AdminNetworkPolicy spec",
                            spec_fields) < 0)
        rc = -1;
    if (a.cnp && nv_cnp_tier(&a, spec) < 0)
        rc = -1;
    if (!a.baseline && nv_anp_priority(&a, spec) < 0)
        rc = -1;
    if (nv_anp_subject(&a, spec) < 0)
        rc = -1;
    if (nv_anp_rules(&a, spec, NV_INGRESS) < 0)
        rc = -1;
    if (nv_anp_rules(&a, spec, NV_EGRESS) < 0)
        rc = -1;
    if (rc < 0)
        return -1;
    nv_anp_same_priority(&a);
    NV_GROW(k->m->tiered, k->m->tieredalloc, k->m->ntiered + 1);
    k->m->tiered[k->m->ntiered++] = a.pol;
    return 0;
}
