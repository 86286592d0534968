/*
 * k8s_ovn.c - OVN-Kubernetes networks (UserDefinedNetwork and
 * ClusterUserDefinedNetwork): checked against their CRDs (validated, not
 * modelled yet).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

/* ---- OVN-Kubernetes networks (k8s.ovn.org/v1; validated, not modelled yet) ---- */

/*
 * The rules of the UserDefinedNetwork CRD and of the OVN-Kubernetes controller
 * that renders it: a topology with its matching section and a role, no network
 * named "default", none in the namespaces the controller refuses, at most one
 * primary network per namespace. The rest of the API (subnets, IPAM, MTU) is
 * not checked: it changes from release to release and does not decide who
 * reaches whom.
 */
static const char *const k_primary_label = "k8s.ovn.org/primary-user-defined-network";

/*
 * A network spec: topology and the section it names. Sets *primary for role
 * Primary. 'cluster' allows the Localnet topology of ClusterUserDefinedNetwork.
 */
static int nv_k8s_check_net_spec(struct nv_k8s *k, const struct nv_node *spec, int cluster,
                                 int *primary)
{
    static const char *const topologies[] = {"Layer2", "Layer3", "Localnet", NULL};
    static const char *const sections[] = {"layer2", "layer3", "localnet", NULL};
    const struct nv_node *topo = nv_node_get(spec, "topology"), *sec, *role;
    int t, rc = 0;
    size_t i;

    *primary = 0;
    if (nv_node_is_null(topo))
        return nv_diag_error(k->d, nv_k8s_field_loc(spec, "topology"), NV_E_MISSING,
                             "network has no 'topology' (%s)",
                             cluster ? "Layer2, Layer3 or Localnet" : "Layer2 or Layer3");
    if (topo->type != NV_NODE_SCALAR || topo->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, topo, "topology", "a string");
    for (t = 0; topologies[t]; t++)
        if (!strcmp(topo->str, topologies[t]))
            break;
    if (!topologies[t] || (t == 2 && !cluster))
        return nv_diag_error(k->d, topo->loc, NV_E_VALUE, "unknown topology '%.100s' (expected %s)",
                             topo->str,
                             cluster ? "Layer2, Layer3 or Localnet" : "Layer2 or Layer3");
    /* the section of another topology is refused, the own one is required */
    for (i = 0; sections[i]; i++)
        if ((int)i != t && !nv_node_is_null(nv_node_get(spec, sections[i])))
            rc = nv_diag_error(k->d, nv_k8s_field_loc(spec, sections[i]), NV_E_VALUE,
                               "'%s' does not belong to topology '%s' (it needs '%s')", sections[i],
                               topologies[t], sections[t]);
    sec = nv_node_get(spec, sections[t]);
    if (nv_node_is_null(sec))
        return nv_diag_error(k->d, topo->loc, NV_E_MISSING, "topology '%s' needs a '%s' section",
                             topologies[t], sections[t]);
    if (sec->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, sec, sections[t], "a mapping");
    role = nv_node_get(sec, "role");
    if (nv_node_is_null(role))
        return nv_diag_error(k->d, nv_k8s_field_loc(sec, "role"), NV_E_MISSING,
                             "'%s' has no 'role' (Primary or Secondary)", sections[t]);
    if (role->type != NV_NODE_SCALAR || role->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, role, "role", "a string");
    if (!strcmp(role->str, "Primary"))
        *primary = 1;
    else if (strcmp(role->str, "Secondary"))
        return nv_diag_error(k->d, role->loc, NV_E_VALUE,
                             "unknown role '%.100s' (expected Primary or Secondary)", role->str);
    return rc;
}

/* The labels of namespace 'ns' (interned) if some manifest or reference made it known. */
static const struct nv_labels *nv_ns_labels(struct nv_k8s *k, const char *ns)
{
    size_t i;

    for (i = 0; i < k->m->nns; i++)
        if (k->m->ns[i].name == ns)
            return &k->m->ns[i].labels;
    return NULL;
}

/*
 * A primary ClusterUserDefinedNetwork applies to the namespaces its selector
 * matches that carry the primary-network label; such a namespace cannot also
 * have a primary UserDefinedNetwork of its own. Called when any of the three
 * (the UDN, the CUDN, the Namespace's labels) arrives, so each clash is found
 * once, at the UserDefinedNetwork, whatever the order of the files.
 */
static void nv_k8s_check_primary_clash(struct nv_k8s *k, const struct nv_primary_net *u,
                                       const struct nv_primary_net *c)
{
    const struct nv_labels *l = nv_ns_labels(k, u->ns);
    const char *key = nv_arena_intern(&k->m->arena, k_primary_label);
    char at[256];
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n; i++)
        if (l->keys[i] == key)
            break;
    if (i == l->n || !nv_selector_matches_interned(c->sel, l))
        return;
    nv_diag_error(k->d, u->loc, NV_E_DUP,
                  "namespace '%s' gets two primary networks: UserDefinedNetwork '%s' and "
                  "ClusterUserDefinedNetwork '%s' (%s); OVN-Kubernetes allows one",
                  u->ns, u->name, c->name, nv_k8s_loc_ref(c->loc, u->loc, at, sizeof(at)));
}

/* After a Namespace's labels are known: clashes of its primary networks. */
void nv_k8s_recheck_primary(struct nv_k8s *k, const char *ns)
{
    size_t i, j;

    for (i = 0; i < k->nudns; i++)
        if (k->udns[i].ns == ns)
            for (j = 0; j < k->ncudns; j++)
                nv_k8s_check_primary_clash(k, &k->udns[i], &k->cudns[j]);
}

int nv_k8s_check_udn(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                     const char *ns, const char *name)
{
    const struct nv_node *spec, *nsnode = nv_node_get(meta, "namespace");
    struct nv_loc nameloc = nv_k8s_field_value_loc(meta, "name");
    struct nv_primary_net *u;
    char at[256];
    int primary, rc = 0;
    size_t i;

    if (nv_k8s_check_fields(k, obj, NV_E_VALUE, "UserDefinedNetwork", nv_k8s_crd_object_fields) < 0)
        rc = -1;
    if (!strcmp(name, "default"))
        rc = nv_diag_error(k->d, nameloc, NV_E_VALUE,
                           "a UserDefinedNetwork cannot be named 'default': OVN-Kubernetes "
                           "reserves the name for the cluster's default network");
    if (!strcmp(ns, "default") || !strncmp(ns, "openshift-", 10))
        rc = nv_diag_error(k->d, nsnode ? nsnode->loc : meta->loc, NV_E_VALUE,
                           "UserDefinedNetwork '%s' is in namespace '%s'%s, where OVN-Kubernetes "
                           "refuses user-defined networks",
                           name, ns, nsnode ? "" : " (no metadata.namespace)");
    spec = nv_k8s_need_map(k, obj, "spec", "UserDefinedNetwork");
    if (!spec || nv_k8s_check_net_spec(k, spec, 0, &primary) < 0)
        return -1;
    if (rc < 0 || !primary)
        return rc;
    for (i = 0; i < k->nudns; i++)
        if (k->udns[i].ns == ns)
            return nv_diag_error(k->d, nameloc, NV_E_DUP,
                                 "namespace '%s' already has the primary UserDefinedNetwork '%s' "
                                 "(%s); OVN-Kubernetes allows one primary network per namespace",
                                 ns, k->udns[i].name,
                                 nv_k8s_loc_ref(k->udns[i].loc, nameloc, at, sizeof(at)));
    NV_GROW(k->udns, k->udnalloc, k->nudns + 1);
    u = &k->udns[k->nudns++];
    u->name = name;
    u->ns = ns;
    u->sel = NULL;
    u->loc = nameloc;
    for (i = 0; i < k->ncudns; i++)
        nv_k8s_check_primary_clash(k, u, &k->cudns[i]);
    return 0;
}

int nv_k8s_check_cudn(struct nv_k8s *k, const struct nv_node *obj, const char *name)
{
    static const char *const fields[] = {"namespaceSelector", "network", NULL};
    const struct nv_node *spec, *net, *seln;
    const struct nv_selector *sel;
    struct nv_primary_net *c;
    int primary, rc = 0;
    size_t i;

    if (nv_k8s_check_fields(k, obj, NV_E_VALUE, "ClusterUserDefinedNetwork",
                            nv_k8s_crd_object_fields) < 0)
        rc = -1;
    spec = nv_k8s_need_map(k, obj, "spec", "ClusterUserDefinedNetwork");
    if (!spec)
        return -1;
    if (nv_k8s_check_fields(k, spec, NV_E_VALUE, "a ClusterUserDefinedNetwork spec", fields) < 0)
        rc = -1;
    seln = nv_k8s_need_map(k, spec, "namespaceSelector", "a ClusterUserDefinedNetwork spec");
    sel = seln ? nv_k8s_parse_selector(k, seln, 0) : NULL;
    net = nv_k8s_need_map(k, spec, "network", "a ClusterUserDefinedNetwork spec");
    if (!sel || !net || nv_k8s_check_net_spec(k, net, 1, &primary) < 0 || rc < 0)
        return -1;
    if (!primary)
        return 0;
    NV_GROW(k->cudns, k->cudnalloc, k->ncudns + 1);
    c = &k->cudns[k->ncudns++];
    c->name = name;
    c->ns = NULL;
    c->sel = sel;
    c->loc = seln->loc;
    for (i = 0; i < k->nudns; i++)
        nv_k8s_check_primary_clash(k, &k->udns[i], c);
    return 0;
}
