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
    free(k->seen);
    free((void *)k->anp_prio);
    free(k->udns);
    free(k->cudns);
    free(k);
}

void nv_k8s_stats(const struct nv_k8s *k, struct nv_k8s_stats *out)
{
    *out = k->stats;
}

/* ---- objects ---- */

static int nv_changes_flows(const char *kind)
{
    static const char *const kinds[] = {"AdminNetworkPolicy",
                                        "BaselineAdminNetworkPolicy",
                                        "ClusterNetworkPolicy",
                                        "MultiNetworkPolicy",
                                        "UserDefinedNetwork",
                                        "ClusterUserDefinedNetwork",
                                        "NetworkAttachmentDefinition",
                                        "HorizontalPodAutoscaler",
                                        "Ingress",
                                        "Route",
                                        "HTTPRoute",
                                        "GRPCRoute",
                                        "TCPRoute",
                                        "ReferenceGrant"};
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

static size_t nv_seen_slot(const struct nv_seen_key *key, size_t size)
{
    uint64_t h = (uintptr_t)key->kind;

    h = (h ^ (uintptr_t)key->ns) * 0x9e3779b97f4a7c15ull;
    h = (h ^ (uintptr_t)key->name) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ h >> 29) & (size - 1);
}

/* Record (kind, ns, name); returns 1 if it was seen before. */
static int nv_seen(struct nv_k8s *k, const char *kind, const char *ns, const char *name)
{
    struct nv_seen_key key;
    size_t i;

    key.kind = nv_arena_intern(&k->m->arena, kind);
    key.ns = nv_arena_intern(&k->m->arena, ns);
    key.name = nv_arena_intern(&k->m->arena, name);
    if ((k->nseen + 1) * 2 > k->seenalloc) {
        struct nv_seen_key *old = k->seen;
        size_t oldn = k->seenalloc;
        k->seenalloc = k->seenalloc ? k->seenalloc * 2 : 256;
        k->seen = nv_xcalloc(k->seenalloc, sizeof(*k->seen));
        for (i = 0; i < oldn; i++) {
            size_t j;
            if (!old[i].kind)
                continue;
            j = nv_seen_slot(&old[i], k->seenalloc);
            while (k->seen[j].kind)
                j = (j + 1) & (k->seenalloc - 1);
            k->seen[j] = old[i];
        }
        free(old);
    }
    i = nv_seen_slot(&key, k->seenalloc);
    while (k->seen[i].kind) {
        if (k->seen[i].kind == key.kind && k->seen[i].ns == key.ns && k->seen[i].name == key.name)
            return 1;
        i = (i + 1) & (k->seenalloc - 1);
    }
    k->seen[i] = key;
    k->nseen++;
    return 0;
}

static void nv_add_object(struct nv_k8s *k, const struct nv_node *obj, const char *listkind);

static const char *const k_list_fields[] = {"apiVersion", "kind", "metadata", "items", NULL};

static void nv_add_list(struct nv_k8s *k, const struct nv_node *obj, const char *kind)
{
    const struct nv_node *items;
    const char *itemkind = NULL;
    size_t i, n = strlen(kind);
    int bad = 0;

    items = nv_k8s_get_seq(k, obj, "items", &bad);
    if (bad)
        return;
    /* a list is its items: a misspelt 'items' or a field beside it would drop objects unseen */
    for (i = 0; i < obj->n; i++) {
        const struct nv_node *kn = obj->items[2 * i];
        if (kn->type == NV_NODE_SCALAR && nv_k8s_key_index(kn, k_list_fields) < 0)
            nv_diag_warning(k->d, kn->loc, NV_W_SKIPPED,
                            "unknown field '%.80s' in %s: ignored (its objects are those under "
                            "'items')",
                            kn->str, kind);
    }
    if (!items) {
        nv_diag_warning(k->d, obj->loc, NV_W_SKIPPED, "%s has no 'items': it holds no object",
                        kind);
        return;
    }
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

/*
 * The apiVersion of a built-in kind netverify models, when given: the one the
 * API serves it at. Another ('evil.example/v1' with kind Namespace, the
 * long-removed 'extensions/v1beta1' Deployment) names no object Kubernetes
 * creates (kubectl: "no matches for kind"), and reading it as the built-in
 * kind would model pods, or namespace labels, the cluster never has.
 */
static int nv_k8s_check_builtin_version(struct nv_k8s *k, const struct nv_node *obj,
                                        const char *kind)
{
    static const struct {
        const char *kind, *version;
    } versions[] = {
        {"Namespace", "v1"},
        {"Pod", "v1"},
        {"Service", "v1"},
        {"Node", "v1"},
        {"ReplicationController", "v1"},
        {"Deployment", "apps/v1"},
        {"ReplicaSet", "apps/v1"},
        {"StatefulSet", "apps/v1"},
        {"DaemonSet", "apps/v1"},
        {"Job", "batch/v1"},
        {"CronJob", "batch/v1"},
    };
    const struct nv_node *av = nv_node_get(obj, "apiVersion");
    size_t i;

    if (nv_node_is_null(av))
        return 0;
    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (strcmp(kind, versions[i].kind))
            continue;
        if (av->type != NV_NODE_SCALAR || av->kind != NV_SCALAR_STR)
            return nv_k8s_type_error(k, av, "apiVersion", "a string");
        if (strcmp(av->str, versions[i].version))
            return nv_diag_error(k->d, av->loc, NV_E_VALUE,
                                 "%s apiVersion '%.80s' is not %s: Kubernetes serves no %s "
                                 "there, so the object is refused (or is another kind's)",
                                 kind, av->str, versions[i].version, kind);
        return 0;
    }
    return 0;
}

/* Names as the API server validates them, and the one apiVersion of NetworkPolicy. */
static int nv_k8s_check_names(struct nv_k8s *k, const struct nv_node *obj,
                              const struct nv_node *meta, const char *kind, const char *name,
                              const char *ns)
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
    return nv_k8s_check_builtin_version(k, obj, kind);
}

/*
 * metadata.generateName as the API server validates it (ValidateObjectMeta):
 * a prefix of a valid name, a trailing '-' allowed, whether or not a name is
 * given too.
 */
static int nv_k8s_check_generate_name(struct nv_k8s *k, const struct nv_node *meta,
                                      const char *kind, const char *gen)
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
    return nv_diag_error(k->d, nv_k8s_field_value_loc(meta, "generateName"), NV_E_VALUE,
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
    else if (!strcmp(kind, "ClusterNetworkPolicy"))
        want = "policy.networking.k8s.io/v1alpha2";
    else if (!strcmp(kind, "UserDefinedNetwork") || !strcmp(kind, "ClusterUserDefinedNetwork"))
        want = "k8s.ovn.org/v1";
    else
        return 0;
    return nv_node_is_null(av) ||
           (av->type == NV_NODE_SCALAR && av->kind == NV_SCALAR_STR && !strcmp(av->str, want));
}

/* The policy tiers of the Network Policy API (modelled: k8s_admin.c). */
static int nv_is_tier_kind(const char *kind)
{
    return !strcmp(kind, "AdminNetworkPolicy") || !strcmp(kind, "BaselineAdminNetworkPolicy") ||
           !strcmp(kind, "ClusterNetworkPolicy");
}

static int nv_is_cluster_scoped(const char *kind)
{
    return !strcmp(kind, "Namespace") || !strcmp(kind, "AdminNetworkPolicy") ||
           !strcmp(kind, "BaselineAdminNetworkPolicy") || !strcmp(kind, "ClusterNetworkPolicy") ||
           !strcmp(kind, "Node") || !strcmp(kind, "ClusterUserDefinedNetwork");
}

/* A string field of obj (under 'sub' when not NULL), or "" (interned either way). */
static const char *nv_str_field(struct nv_k8s *k, const struct nv_node *obj, const char *sub,
                                const char *key)
{
    const struct nv_node *n = nv_node_get(sub ? nv_node_get(obj, sub) : obj, key);

    if (!n || n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR || n->len > 253)
        return nv_arena_intern(&k->m->arena, "");
    return nv_k8s_intern_node(k, n);
}

/* Keep what was skipped, for 'lint' (kinds that enforce traffic the results ignore). */
static void nv_record_skipped(struct nv_k8s *k, const struct nv_node *obj, const char *kind)
{
    struct nv_model *m = k->m;
    struct nv_skipped *s;

    NV_GROW(m->skipped, m->skipalloc, m->nskipped + 1);
    s = &m->skipped[m->nskipped++];
    s->kind = nv_arena_intern(&m->arena, kind);
    s->api = nv_str_field(k, obj, NULL, "apiVersion");
    s->ns = nv_str_field(k, obj, "metadata", "namespace");
    s->name = nv_str_field(k, obj, "metadata", "name");
    s->loc = obj->loc;
    nv_k8s_skipped_picks(k, obj, s);
}

/*
 * A NetworkPolicy of another API group (Calico's projectcalico.org, Antrea's
 * crd.antrea.io): a policy of the network plugin, which netverify does not model.
 */
static int nv_is_plugin_netpol(const struct nv_node *obj, const char *kind)
{
    static const char *const groups[] = {"projectcalico.org/", "crd.projectcalico.org/",
                                         "crd.antrea.io/"};
    const struct nv_node *av = nv_node_get(obj, "apiVersion");
    size_t i;

    if (strcmp(kind, "NetworkPolicy") || !av || av->type != NV_NODE_SCALAR ||
        av->kind != NV_SCALAR_STR)
        return 0;
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (!strncmp(av->str, groups[i], strlen(groups[i])))
            return 1;
    return 0;
}

/* A validated kind that the results do not reflect yet: check it, then say so. */
static void nv_add_unmodelled(struct nv_k8s *k, const struct nv_node *obj,
                              const struct nv_node *meta, const char *kind, const char *ns,
                              const char *name)
{
    int rc;

    k->stats.skipped++;
    nv_record_skipped(k, obj, kind);
    if (!strcmp(kind, "UserDefinedNetwork"))
        rc = nv_k8s_check_udn(k, obj, meta, ns, name);
    else if (!strcmp(kind, "ClusterUserDefinedNetwork"))
        rc = nv_k8s_check_cudn(k, obj, name);
    else
        return;
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
    kind = nv_k8s_get_str(k, obj, "kind", &bad);
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
        strcmp(kind, "Node") && (strcmp(kind, "NetworkPolicy") || nv_is_plugin_netpol(obj, kind)) &&
        !nv_is_workload_kind(kind) && !nv_is_validated_kind(obj, kind) &&
        !nv_k8s_is_expose_kind(obj, kind) &&
        (strcmp(kind, "HorizontalPodAutoscaler") || !nv_k8s_is_hpa_version(obj))) {
        const struct nv_node *sm = nv_node_get(obj, "metadata");
        const struct nv_node *sn = nv_node_get(sm, "name");
        const char *nm =
            sn && sn->type == NV_NODE_SCALAR && sn->len && sn->len < 256 ? sn->str : "";
        nv_record_skipped(k, obj, kind);
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
        else if (nv_is_plugin_netpol(obj, kind))
            nv_diag_note(k->d, obj->loc, NV_W_SKIPPED, "skipping %s%s%s%s of %s: not modelled",
                         kind, *nm ? " '" : "", nm, *nm ? "'" : "",
                         nv_node_get(obj, "apiVersion")->str);
        else
            nv_diag_note(k->d, obj->loc, NV_W_SKIPPED, "skipping %s%s%s%s: not modelled", kind,
                         *nm ? " '" : "", nm, *nm ? "'" : "");
        k->stats.skipped++;
        return;
    }
    meta = nv_k8s_get_map(k, obj, "metadata", &bad);
    if (bad)
        return;
    if (!meta) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "%s has no 'metadata'", kind);
        return;
    }
    name = nv_k8s_get_str(k, meta, "name", &bad);
    ns = nv_k8s_get_str(k, meta, "namespace", &bad);
    gen = nv_k8s_get_str(k, meta, "generateName", &bad);
    if (bad || nv_k8s_check_fields(k, meta, NV_E_VALUE, "metadata", nv_k8s_meta_fields) < 0)
        return;
    /* the kinds read here (HorizontalPodAutoscaler: of a version read, or it was skipped);
     * the others check their own fields */
    if ((!strcmp(kind, "Namespace") || !strcmp(kind, "Pod") || !strcmp(kind, "Service") ||
         !strcmp(kind, "NetworkPolicy") || nv_is_workload_kind(kind) ||
         !strcmp(kind, "HorizontalPodAutoscaler") || nv_k8s_is_expose_kind(obj, kind)) &&
        nv_k8s_check_fields(k, obj, NV_E_VALUE, kind, nv_k8s_crd_object_fields) < 0)
        return;
    if (nv_k8s_check_names(k, obj, meta, kind, name, ns) < 0 ||
        nv_k8s_check_generate_name(k, meta, kind, gen) < 0)
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
        struct nv_loc at = nv_k8s_field_value_loc(meta, "name");
        if (*ns)
            nv_diag_error(k->d, at, NV_E_DUP, "%s '%s/%s' is defined more than once", kind, ns,
                          name);
        else
            nv_diag_error(k->d, at, NV_E_DUP, "%s '%s' is defined more than once", kind, name);
        return;
    }
    if (nv_is_validated_kind(obj, kind) && nv_is_tier_kind(kind)) {
        (void)nv_k8s_add_admin_policy(k, obj, meta, kind, name);
    } else if (nv_is_validated_kind(obj, kind)) {
        nv_add_unmodelled(k, obj, meta, kind, ns, name);
    } else if (!strcmp(kind, "Namespace")) {
        nv_k8s_add_namespace_object(k, meta, name, nv_k8s_loc_of(obj));
        nv_k8s_recheck_primary(k, name);
    } else if (!strcmp(kind, "Pod"))
        nv_k8s_add_pod_object(k, obj, meta, ns, name);
    else if (!strcmp(kind, "Service"))
        nv_k8s_add_service(k, obj, ns, name);
    else if (!strcmp(kind, "NetworkPolicy"))
        nv_k8s_add_netpol(k, obj, ns, name);
    else if (!strcmp(kind, "HorizontalPodAutoscaler"))
        nv_k8s_add_hpa(k, obj, ns, name);
    else if (!strcmp(kind, "Node"))
        nv_k8s_add_node(k, obj, name);
    else if (nv_k8s_is_expose_kind(obj, kind))
        nv_k8s_add_expose(k, obj, kind, ns, name);
    else
        nv_k8s_add_workload_object(k, obj, meta, kind, ns, name);
}

void nv_k8s_add_document(struct nv_k8s *k, const struct nv_node *root)
{
    k->stats.documents++;
    if (nv_node_is_null(root))
        return;
    nv_add_object(k, root, NULL);
}
