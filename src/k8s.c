/*
 * k8s.c - Kubernetes objects from YAML nodes: the reader, each object handed
 * to the reader of its kind (k8s_*.c, behind k8s_int.h), and the rules every
 * object follows (names, generateName, duplicates, kinds not modelled).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <stdlib.h>
#include <string.h>

struct nv_k8s *nv_k8s_new(struct nv_model *m, struct nv_diags *d)
{
    struct nv_k8s *k = nv_xcalloc(1, sizeof(*k));

    k->m = m;
    k->d = d;
    return k;
}

void nv_k8s_free(struct nv_k8s *k)
{
    if (!k)
        return;
    free((void *)k->seen);
    free((void *)k->anp_prio);
    free(k->udns);
    free(k->cudns);
    free(k);
}

void nv_k8s_stats(const struct nv_k8s *k, struct nv_k8s_stats *out)
{
    *out = k->stats;
}

static const char *const k_meta_fields[] = {"name",
                                            "generateName",
                                            "namespace",
                                            "labels",
                                            "annotations",
                                            "uid",
                                            "resourceVersion",
                                            "generation",
                                            "creationTimestamp",
                                            "deletionTimestamp",
                                            "deletionGracePeriodSeconds",
                                            "ownerReferences",
                                            "finalizers",
                                            "managedFields",
                                            "selfLink",
                                            NULL};
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
static int nv_check_net_spec(struct nv_k8s *k, const struct nv_node *spec, int cluster,
                             int *primary)
{
    static const char *const topologies[] = {"Layer2", "Layer3", "Localnet", NULL};
    static const char *const sections[] = {"layer2", "layer3", "localnet", NULL};
    const struct nv_node *topo = nv_node_get(spec, "topology"), *sec, *role;
    int t, rc = 0;
    size_t i;

    *primary = 0;
    if (nv_node_is_null(topo))
        return nv_diag_error(k->d, nv_field_loc(spec, "topology"), NV_E_MISSING,
                             "network has no 'topology' (%s)",
                             cluster ? "Layer2, Layer3 or Localnet" : "Layer2 or Layer3");
    if (topo->type != NV_NODE_SCALAR || topo->kind != NV_SCALAR_STR)
        return nv_type_error(k, topo, "topology", "a string");
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
            rc = nv_diag_error(k->d, nv_field_loc(spec, sections[i]), NV_E_VALUE,
                               "'%s' does not belong to topology '%s' (it needs '%s')", sections[i],
                               topologies[t], sections[t]);
    sec = nv_node_get(spec, sections[t]);
    if (nv_node_is_null(sec))
        return nv_diag_error(k->d, topo->loc, NV_E_MISSING, "topology '%s' needs a '%s' section",
                             topologies[t], sections[t]);
    if (sec->type != NV_NODE_MAP)
        return nv_type_error(k, sec, sections[t], "a mapping");
    role = nv_node_get(sec, "role");
    if (nv_node_is_null(role))
        return nv_diag_error(k->d, nv_field_loc(sec, "role"), NV_E_MISSING,
                             "'%s' has no 'role' (Primary or Secondary)", sections[t]);
    if (role->type != NV_NODE_SCALAR || role->kind != NV_SCALAR_STR)
        return nv_type_error(k, role, "role", "a string");
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
static void nv_check_primary_clash(struct nv_k8s *k, const struct nv_primary_net *u,
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
                  u->ns, u->name, c->name, nv_loc_ref(c->loc, u->loc, at, sizeof(at)));
}

/* After a Namespace's labels are known: clashes of its primary networks. */
static void nv_recheck_primary(struct nv_k8s *k, const char *ns)
{
    size_t i, j;

    for (i = 0; i < k->nudns; i++)
        if (k->udns[i].ns == ns)
            for (j = 0; j < k->ncudns; j++)
                nv_check_primary_clash(k, &k->udns[i], &k->cudns[j]);
}

static int nv_check_udn(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                        const char *ns, const char *name)
{
    const struct nv_node *spec, *nsnode = nv_node_get(meta, "namespace");
    struct nv_loc nameloc = nv_field_value_loc(meta, "name");
    struct nv_primary_net *u;
    char at[256];
    int primary, rc = 0;
    size_t i;

    if (nv_check_fields(k, obj, NV_E_VALUE, "UserDefinedNetwork", k_crd_object_fields) < 0)
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
    spec = nv_need_map(k, obj, "spec", "UserDefinedNetwork");
    if (!spec || nv_check_net_spec(k, spec, 0, &primary) < 0)
        return -1;
    if (rc < 0 || !primary)
        return rc;
    for (i = 0; i < k->nudns; i++)
        if (k->udns[i].ns == ns)
            return nv_diag_error(k->d, nameloc, NV_E_DUP,
                                 "namespace '%s' already has the primary UserDefinedNetwork '%s' "
                                 "(%s); OVN-Kubernetes allows one primary network per namespace",
                                 ns, k->udns[i].name,
                                 nv_loc_ref(k->udns[i].loc, nameloc, at, sizeof(at)));
    NV_GROW(k->udns, k->udnalloc, k->nudns + 1);
    u = &k->udns[k->nudns++];
    u->name = name;
    u->ns = ns;
    u->sel = NULL;
    u->loc = nameloc;
    for (i = 0; i < k->ncudns; i++)
        nv_check_primary_clash(k, u, &k->cudns[i]);
    return 0;
}

static int nv_check_cudn(struct nv_k8s *k, const struct nv_node *obj, const char *name)
{
    static const char *const fields[] = {"namespaceSelector", "network", NULL};
    const struct nv_node *spec, *net, *seln;
    const struct nv_selector *sel;
    struct nv_primary_net *c;
    int primary, rc = 0;
    size_t i;

    if (nv_check_fields(k, obj, NV_E_VALUE, "ClusterUserDefinedNetwork", k_crd_object_fields) < 0)
        rc = -1;
    spec = nv_need_map(k, obj, "spec", "ClusterUserDefinedNetwork");
    if (!spec)
        return -1;
    if (nv_check_fields(k, spec, NV_E_VALUE, "a ClusterUserDefinedNetwork spec", fields) < 0)
        rc = -1;
    seln = nv_need_map(k, spec, "namespaceSelector", "a ClusterUserDefinedNetwork spec");
    sel = seln ? nv_parse_selector(k, seln, 0) : NULL;
    net = nv_need_map(k, spec, "network", "a ClusterUserDefinedNetwork spec");
    if (!sel || !net || nv_check_net_spec(k, net, 1, &primary) < 0 || rc < 0)
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
        nv_check_primary_clash(k, &k->udns[i], c);
    return 0;
}

/* ---- objects ---- */

static int nv_changes_flows(const char *kind)
{
    static const char *const kinds[] = {"AdminNetworkPolicy",          "BaselineAdminNetworkPolicy",
                                        "ClusterNetworkPolicy",        "MultiNetworkPolicy",
                                        "UserDefinedNetwork",          "ClusterUserDefinedNetwork",
                                        "NetworkAttachmentDefinition", "HorizontalPodAutoscaler"};
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kind, kinds[i]))
            return 1;
    return 0;
}

/* Kinds that run pods netverify does not model yet: their flows are missing from the results. */
static int nv_is_unmodelled_workload_kind(const char *kind)
{
    return !strcmp(kind, "VirtualMachine") || !strcmp(kind, "VirtualMachineInstance");
}

static int nv_is_workload_kind(const char *kind)
{
    static const char *const kinds[] = {
        "Deployment", "ReplicaSet", "StatefulSet",          "DaemonSet",
        "Job",        "CronJob",    "ReplicationController"};
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kind, kinds[i]))
            return 1;
    return 0;
}

/* Record (kind, ns, name); returns 1 if it was seen before. */
static int nv_seen(struct nv_k8s *k, const char *kind, const char *ns, const char *name)
{
    size_t n = strlen(kind) + strlen(ns) + strlen(name) + 3, i;
    char *key = nv_xmalloc(n);
    const char *ik;

    snprintf(key, n, "%s\n%s\n%s", kind, ns, name);
    ik = nv_arena_intern(&k->m->arena, key);
    free(key);
    /* linear probing over an interned-pointer set */
    if ((k->nseen + 1) * 2 > k->seenalloc) {
        const char **old = k->seen;
        size_t oldn = k->seenalloc;
        k->seenalloc = k->seenalloc ? k->seenalloc * 2 : 256;
        k->seen = nv_xcalloc(k->seenalloc, sizeof(*k->seen));
        for (i = 0; i < oldn; i++) {
            size_t j;
            if (!old[i])
                continue;
            j = (size_t)(((uintptr_t)old[i] >> 4) * 2654435761u) & (k->seenalloc - 1);
            while (k->seen[j])
                j = (j + 1) & (k->seenalloc - 1);
            k->seen[j] = old[i];
        }
        free((void *)old);
    }
    i = (size_t)(((uintptr_t)ik >> 4) * 2654435761u) & (k->seenalloc - 1);
    while (k->seen[i]) {
        if (k->seen[i] == ik)
            return 1;
        i = (i + 1) & (k->seenalloc - 1);
    }
    k->seen[i] = ik;
    k->nseen++;
    return 0;
}

static void nv_add_object(struct nv_k8s *k, const struct nv_node *obj, const char *listkind);

static void nv_add_list(struct nv_k8s *k, const struct nv_node *obj, const char *kind)
{
    const struct nv_node *items;
    const char *itemkind = NULL;
    size_t i, n = strlen(kind);
    int bad = 0;

    items = nv_get_seq(k, obj, "items", &bad);
    if (bad || !items)
        return;
    if (strcmp(kind, "List")) {
        char *base = nv_xmalloc(n - 3);
        memcpy(base, kind, n - 4);
        base[n - 4] = '\0';
        itemkind = nv_arena_intern(&k->m->arena, base);
        free(base);
    }
    for (i = 0; i < items->n; i++)
        nv_add_object(k, items->items[i], itemkind);
}

/* Names as the API server validates them, and the one apiVersion of NetworkPolicy. */
static int nv_check_names(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                          const char *kind, const char *name, const char *ns)
{
    const struct nv_node *av = nv_node_get(obj, "apiVersion");
    const char *why;
    int is_ns = !strcmp(kind, "Namespace");

    if (name && *name &&
        (why = is_ns ? nv_dns_label_invalid(name) : nv_dns_subdomain_invalid(name)))
        return nv_diag_error(k->d, nv_node_get(meta, "name")->loc, NV_E_VALUE,
                             "invalid %s name '%.80s%s': it %s", kind, name,
                             strlen(name) > 80 ? "..." : "", why);
    if (ns && *ns && (why = nv_dns_label_invalid(ns)))
        return nv_diag_error(k->d, nv_node_get(meta, "namespace")->loc, NV_E_VALUE,
                             "invalid namespace '%s': %s", ns, why);
    if (!strcmp(kind, "NetworkPolicy") && av && av->type == NV_NODE_SCALAR &&
        av->kind == NV_SCALAR_STR && strcmp(av->str, "networking.k8s.io/v1"))
        return nv_diag_error(k->d, av->loc, NV_E_VALUE,
                             "NetworkPolicy apiVersion '%s' is not networking.k8s.io/v1", av->str);
    return 0;
}

/*
 * metadata.generateName as the API server validates it (ValidateObjectMeta):
 * a prefix of a valid name, a trailing '-' allowed, whether or not a name is
 * given too.
 */
static int nv_check_generate_name(struct nv_k8s *k, const struct nv_node *meta, const char *kind,
                                  const char *gen)
{
    size_t n = gen ? strlen(gen) : 0;
    const char *why;
    char *masked;

    if (!n)
        return 0;
    masked = nv_xstrdup(gen);
    if (masked[n - 1] == '-')
        masked[n - 1] = 'a';
    why = !strcmp(kind, "Namespace") ? nv_dns_label_invalid(masked)
                                     : nv_dns_subdomain_invalid(masked);
    free(masked);
    if (!why)
        return 0;
    return nv_diag_error(k->d, nv_field_value_loc(meta, "generateName"), NV_E_VALUE,
                         "invalid generateName '%.80s%s': it %s (with a random suffix added, it "
                         "names the object)",
                         gen, n > 80 ? "..." : "", why);
}

/*
 * Kinds netverify validates as their API would but does not model yet: at the
 * API versions whose schema it knows. Other versions are skipped with a warning.
 */
static int nv_is_validated_kind(const struct nv_node *obj, const char *kind)
{
    const struct nv_node *av = nv_node_get(obj, "apiVersion");
    const char *want;

    if (!strcmp(kind, "AdminNetworkPolicy") || !strcmp(kind, "BaselineAdminNetworkPolicy"))
        want = "policy.networking.k8s.io/v1alpha1";
    else if (!strcmp(kind, "UserDefinedNetwork") || !strcmp(kind, "ClusterUserDefinedNetwork"))
        want = "k8s.ovn.org/v1";
    else
        return 0;
    return nv_node_is_null(av) ||
           (av->type == NV_NODE_SCALAR && av->kind == NV_SCALAR_STR && !strcmp(av->str, want));
}

static int nv_is_cluster_scoped(const char *kind)
{
    return !strcmp(kind, "Namespace") || !strcmp(kind, "AdminNetworkPolicy") ||
           !strcmp(kind, "BaselineAdminNetworkPolicy") ||
           !strcmp(kind, "ClusterUserDefinedNetwork");
}

/* A validated kind that the results do not reflect yet: check it, then say so. */
static void nv_add_unmodelled(struct nv_k8s *k, const struct nv_node *obj,
                              const struct nv_node *meta, const char *kind, const char *ns,
                              const char *name)
{
    int rc;

    k->stats.skipped++;
    if (!strcmp(kind, "UserDefinedNetwork"))
        rc = nv_check_udn(k, obj, meta, ns, name);
    else if (!strcmp(kind, "ClusterUserDefinedNetwork"))
        rc = nv_check_cudn(k, obj, name);
    else
        rc = nv_check_admin_policy(k, obj, meta, kind, name);
    if (rc == 0)
        nv_diag_warning(k->d, obj->loc, NV_W_SKIPPED,
                        "%s '%s' is not modelled yet: the results ignore it", kind, name);
}

static void nv_add_object(struct nv_k8s *k, const struct nv_node *obj, const char *listkind)
{
    const struct nv_node *meta;
    const char *kind, *name, *ns, *gen;
    int bad = 0;

    if (obj->type != NV_NODE_MAP) {
        nv_diag_error(k->d, obj->loc, NV_E_TYPE, "a Kubernetes object must be a mapping, not %s",
                      nv_node_type_name(obj));
        return;
    }
    kind = nv_get_str(k, obj, "kind", &bad);
    if (bad)
        return;
    if (!kind)
        kind = listkind;
    if (!kind) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "object has no 'kind'");
        return;
    }
    k->stats.objects++;
    if (strlen(kind) > 4 && !strcmp(kind + strlen(kind) - 4, "List") && nv_node_get(obj, "items")) {
        nv_add_list(k, obj, kind);
        return;
    }
    if (!strcmp(kind, "List")) {
        nv_add_list(k, obj, kind);
        return;
    }
    if (strcmp(kind, "Namespace") && strcmp(kind, "Pod") && strcmp(kind, "Service") &&
        strcmp(kind, "NetworkPolicy") && !nv_is_workload_kind(kind) &&
        !nv_is_validated_kind(obj, kind) &&
        (strcmp(kind, "HorizontalPodAutoscaler") || !nv_is_hpa_version(obj))) {
        const struct nv_node *sm = nv_node_get(obj, "metadata");
        const struct nv_node *sn = nv_node_get(sm, "name");
        const char *nm =
            sn && sn->type == NV_NODE_SCALAR && sn->len && sn->len < 256 ? sn->str : "";
        /* kinds that change who reaches whom: the results do not reflect them, say so */
        if (nv_is_unmodelled_workload_kind(kind)) {
            k->m->nunmodelled++;
            nv_diag_warning(k->d, obj->loc, NV_W_SKIPPED,
                            "%s%s%s%s runs pods that are not modelled yet: the results ignore it",
                            kind, *nm ? " '" : "", nm, *nm ? "'" : "");
        } else if (nv_changes_flows(kind))
            nv_diag_warning(k->d, obj->loc, NV_W_SKIPPED,
                            "%s%s%s%s is not modelled yet: the results ignore it", kind,
                            *nm ? " '" : "", nm, *nm ? "'" : "");
        else
            nv_diag_note(k->d, obj->loc, NV_W_SKIPPED, "skipping %s%s%s%s: not modelled", kind,
                         *nm ? " '" : "", nm, *nm ? "'" : "");
        k->stats.skipped++;
        return;
    }
    meta = nv_get_map(k, obj, "metadata", &bad);
    if (bad)
        return;
    if (!meta) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "%s has no 'metadata'", kind);
        return;
    }
    name = nv_get_str(k, meta, "name", &bad);
    ns = nv_get_str(k, meta, "namespace", &bad);
    gen = nv_get_str(k, meta, "generateName", &bad);
    if (bad || nv_check_fields(k, meta, NV_E_VALUE, "metadata", k_meta_fields) < 0)
        return;
    if (nv_check_names(k, obj, meta, kind, name, ns) < 0 ||
        nv_check_generate_name(k, meta, kind, gen) < 0)
        return;
    if (!name || !*name) {
        const struct nv_node *gn = nv_node_get(meta, "generateName");
        if (gen && *gen) {
            /* the API server appends a random suffix; number them so each stays distinct */
            struct nv_buf b;
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "%.*s~%zu", (int)(gn->len > 200 ? 200 : gn->len), gn->str,
                          ++k->generated);
            name = nv_arena_intern(&k->m->arena, nv_buf_str(&b));
            nv_buf_release(&b);
        } else {
            nv_diag_error(k->d, meta->loc, NV_E_MISSING, "%s has no 'metadata.name'", kind);
            return;
        }
    }
    if (nv_is_cluster_scoped(kind))
        ns = "";
    else if (!ns || !*ns)
        ns = nv_arena_intern(&k->m->arena, "default");
    if (nv_seen(k, kind, ns, name)) {
        /* the name is what clashes (generated names never do) */
        struct nv_loc at = nv_field_value_loc(meta, "name");
        if (*ns)
            nv_diag_error(k->d, at, NV_E_DUP, "%s '%s/%s' is defined more than once", kind, ns,
                          name);
        else
            nv_diag_error(k->d, at, NV_E_DUP, "%s '%s' is defined more than once", kind, name);
        return;
    }
    if (nv_is_validated_kind(obj, kind)) {
        nv_add_unmodelled(k, obj, meta, kind, ns, name);
    } else if (!strcmp(kind, "Namespace")) {
        nv_add_namespace_object(k, meta, name, nv_loc_of(obj));
        nv_recheck_primary(k, name);
    } else if (!strcmp(kind, "Pod"))
        nv_add_pod_object(k, obj, meta, ns, name);
    else if (!strcmp(kind, "Service"))
        nv_add_service(k, obj, ns, name);
    else if (!strcmp(kind, "NetworkPolicy"))
        nv_add_netpol(k, obj, ns, name);
    else if (!strcmp(kind, "HorizontalPodAutoscaler"))
        nv_add_hpa(k, obj, ns, name);
    else
        nv_add_workload_object(k, obj, meta, kind, ns, name);
}

void nv_k8s_add_document(struct nv_k8s *k, const struct nv_node *root)
{
    k->stats.documents++;
    if (nv_node_is_null(root))
        return;
    nv_add_object(k, root, NULL);
}
