/*
 * k8s_field.c - typed access to the fields of an object with errors at their positions,
 * the field lists shared by the readers, labels and label selectors.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <limits.h>
#include <string.h>

/* ---- typed access with errors ---- */

const char *nv_k8s_intern_node(struct nv_k8s *k, const struct nv_node *n)
{
    return nv_arena_internn(&k->m->arena, n->str, n->len);
}

int nv_k8s_type_error(struct nv_k8s *k, const struct nv_node *n, const char *field,
                      const char *want)
{
    return nv_diag_error(k->d, n->loc, NV_E_TYPE, "'%s' must be %s, not %s", field, want,
                         nv_node_type_name(n));
}

/* A mapping field, or NULL when absent or null. Sets *bad on a wrong type. */
const struct nv_node *nv_k8s_get_map(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                     int *bad)
{
    const struct nv_node *n = nv_node_get(obj, key);

    if (nv_node_is_null(n))
        return NULL;
    if (n->type != NV_NODE_MAP) {
        nv_k8s_type_error(k, n, key, "a mapping");
        *bad = 1;
        return NULL;
    }
    return n;
}

const struct nv_node *nv_k8s_get_seq(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                     int *bad)
{
    const struct nv_node *n = nv_node_get(obj, key);

    if (nv_node_is_null(n))
        return NULL;
    if (n->type != NV_NODE_SEQ) {
        nv_k8s_type_error(k, n, key, "a list");
        *bad = 1;
        return NULL;
    }
    return n;
}

/* A string field (interned), or NULL when absent or null. */
const char *nv_k8s_get_str(struct nv_k8s *k, const struct nv_node *obj, const char *key, int *bad)
{
    const struct nv_node *n = nv_node_get(obj, key);

    if (nv_node_is_null(n))
        return NULL;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR) {
        nv_k8s_type_error(k, n, key, "a string");
        *bad = 1;
        return NULL;
    }
    return nv_k8s_intern_node(k, n);
}

/*
 * An integer field, as Kubernetes decodes it from the JSON that
 * sigs.k8s.io/yaml writes: 0x50 is 80, and so is 80.0 (JSON 80); 80.5, a
 * string or a boolean is refused. 0 on success, -1 (after an error) otherwise.
 */
int nv_k8s_node_int(struct nv_k8s *k, const struct nv_node *n, const char *field, long *out)
{
    long long v;

    if (!n)
        return -1;
    switch (nv_node_integer(n, &v)) {
    case NV_INT_OK:
        if (v < LONG_MIN || v > LONG_MAX)
            break;
        *out = (long)v;
        return 0;
    case NV_INT_RANGE:
        break;
    case NV_INT_NOT_INT:
        if (n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_FLOAT)
            return nv_diag_error(k->d, n->loc, NV_E_VALUE, "'%s' must be an integer, not %.*s",
                                 field, (int)(n->len > 100 ? 100 : n->len), n->str);
        return nv_k8s_type_error(k, n, field, "an integer");
    }
    return nv_diag_error(k->d, n->loc, NV_E_VALUE, "'%s' is out of range: %.*s", field,
                         (int)(n->len > 100 ? 100 : n->len), n->str);
}

struct nv_loc nv_k8s_loc_of(const struct nv_node *n)
{
    return n->loc;
}

/* "a, b or c" from a NULL-terminated list of names. */
void nv_k8s_join_names(struct nv_buf *b, const char *const *names)
{
    size_t j;

    for (j = 0; names[j]; j++) {
        if (j)
            nv_buf_puts(b, names[j + 1] ? ", " : " or ");
        nv_buf_puts(b, names[j]);
    }
}

/* Index of the scalar key 'kn' in 'names' (NULL-terminated), or -1. */
int nv_k8s_key_index(const struct nv_node *kn, const char *const *names)
{
    size_t j;

    if (kn->type != NV_NODE_SCALAR)
        return -1;
    for (j = 0; names[j]; j++)
        if (kn->len == strlen(names[j]) && !memcmp(kn->str, names[j], kn->len))
            return (int)j;
    return -1;
}

/*
 * Reject keys of a mapping that are not in 'allowed' (NULL-terminated), as the
 * API server's strict field validation does. 'where' names the mapping.
 */
int nv_k8s_check_fields(struct nv_k8s *k, const struct nv_node *map, enum nv_code code,
                        const char *where, const char *const *allowed)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < map->n; i++) {
        const struct nv_node *kn = map->items[2 * i];
        struct nv_buf list;
        if (nv_k8s_key_index(kn, allowed) >= 0)
            continue;
        nv_buf_init(&list, 0);
        nv_k8s_join_names(&list, allowed);
        if (kn->type == NV_NODE_SCALAR)
            rc = nv_diag_error(k->d, kn->loc, code, "unknown field '%.*s' in %s (expected %s)",
                               (int)(kn->len > 100 ? 100 : kn->len), kn->str, where,
                               nv_buf_str(&list));
        else
            rc = nv_diag_error(k->d, kn->loc, code, "%s has a key that is %s, not a field name",
                               where, nv_node_type_name(kn));
        nv_buf_release(&list);
    }
    return rc;
}

/* The key node of 'key' in a mapping, or NULL: where a null or unwanted field is reported. */
static const struct nv_node *nv_k8s_node_key(const struct nv_node *map, const char *key)
{
    size_t i, n = strlen(key);

    if (!map || map->type != NV_NODE_MAP)
        return NULL;
    for (i = 0; i < map->n; i++) {
        const struct nv_node *kn = map->items[2 * i];
        if (kn->type == NV_NODE_SCALAR && kn->len == n && !memcmp(kn->str, key, n))
            return kn;
    }
    return NULL;
}

/* Where a field is, or would be: its key when present, else the mapping. */
struct nv_loc nv_k8s_field_loc(const struct nv_node *map, const char *key)
{
    const struct nv_node *kn = nv_k8s_node_key(map, key);

    return kn ? kn->loc : map->loc;
}

/* An earlier position as a message names it: "line N" in the same file, else FILE:LINE. */
const char *nv_k8s_loc_ref(struct nv_loc earlier, struct nv_loc here, char *buf, size_t size)
{
    if (earlier.file && here.file && !strcmp(earlier.file, here.file))
        snprintf(buf, size, "line %u", earlier.line);
    else
        snprintf(buf, size, "%s:%u", earlier.file ? earlier.file : "-", earlier.line);
    return buf;
}

/* Where a field's value is: the value when present, else the mapping. */
struct nv_loc nv_k8s_field_value_loc(const struct nv_node *map, const char *key)
{
    const struct nv_node *n = nv_node_get(map, key);

    return n ? n->loc : map->loc;
}

/*
 * A mapping of alternatives: exactly one of 'names' must be set (present and
 * not null; the API drops null fields). Keys not in 'names' are left to
 * nv_k8s_check_fields(). Returns the index of the one set, or -1 after an error;
 * 'what' names the mapping.
 */
int nv_k8s_one_of(struct nv_k8s *k, const struct nv_node *map, const char *what,
                  const char *const *names)
{
    struct nv_buf list;
    size_t i;
    int found = -1;

    for (i = 0; i < map->n; i++) {
        int j = nv_k8s_key_index(map->items[2 * i], names);
        if (j < 0 || nv_node_is_null(map->items[2 * i + 1]))
            continue;
        if (found >= 0)
            return nv_diag_error(k->d, map->items[2 * i]->loc, NV_E_VALUE,
                                 "%s sets both '%s' and '%s': exactly one is allowed", what,
                                 names[found], names[j]);
        found = j;
    }
    if (found >= 0)
        return found;
    nv_buf_init(&list, 0);
    nv_k8s_join_names(&list, names);
    nv_diag_error(k->d, map->loc, NV_E_MISSING, "%s sets none of %s: exactly one is required", what,
                  nv_buf_str(&list));
    nv_buf_release(&list);
    return -1;
}

static const char *const k_expr_fields[] = {"key", "operator", "values", NULL};
static const char *const k_selector_fields[] = {"matchLabels", "matchExpressions", NULL};

/* ---- labels and selectors ---- */

int nv_k8s_check_label(struct nv_k8s *k, const struct nv_node *kn, const struct nv_node *vn,
                       const char *what)
{
    const char *why;

    if (kn->type != NV_NODE_SCALAR || kn->kind == NV_SCALAR_NULL)
        return nv_diag_error(k->d, kn->loc, NV_E_TYPE, "%s key must be a string", what);
    if ((why = nv_label_key_invalid(kn->str)))
        return nv_diag_error(k->d, kn->loc, NV_E_SELECTOR, "invalid %s key '%s': %s", what, kn->str,
                             why);
    if (!vn)
        return 0;
    if (vn->type != NV_NODE_SCALAR || (vn->kind != NV_SCALAR_STR && vn->kind != NV_SCALAR_NULL))
        return nv_diag_error(k->d, vn->loc, NV_E_TYPE, "%s value for '%s' must be a string, not %s",
                             what, kn->str, nv_node_type_name(vn));
    /* a null value (~, null, nothing) decodes as the empty string */
    if (vn->kind != NV_SCALAR_NULL && (why = nv_label_value_invalid(vn->str)))
        return nv_diag_error(k->d, vn->loc, NV_E_SELECTOR, "invalid %s value '%s' for '%s': %s",
                             what, vn->str, kn->str, why);
    return 0;
}

/* metadata.labels-like mapping into a sorted label set. */
int nv_k8s_parse_labels(struct nv_k8s *k, const struct nv_node *n, const char *field,
                        struct nv_labels *out)
{
    size_t i;
    int bad = 0;
    const char *dup;

    memset(out, 0, sizeof(*out));
    if (nv_node_is_null(n))
        return 0;
    if (n->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, n, field, "a mapping");
    out->keys = nv_arena_alloc(&k->m->arena, (n->n + 1) * sizeof(*out->keys));
    out->vals = nv_arena_alloc(&k->m->arena, (n->n + 1) * sizeof(*out->vals));
    for (i = 0; i < n->n; i++) {
        const struct nv_node *kn = n->items[2 * i], *vn = n->items[2 * i + 1];
        if (nv_k8s_check_label(k, kn, vn, "label") < 0) {
            bad = 1;
            continue;
        }
        out->keys[out->n] = nv_k8s_intern_node(k, kn);
        out->vals[out->n] =
            nv_arena_internn(&k->m->arena, vn->kind == NV_SCALAR_NULL ? "" : vn->str,
                             vn->kind == NV_SCALAR_NULL ? 0 : vn->len);
        out->n++;
    }
    if ((dup = nv_labels_sort(out)))
        return nv_diag_error(k->d, n->loc, NV_E_DUP, "label '%s' given twice", dup);
    return bad ? -1 : 0;
}

static int nv_parse_requirement(struct nv_k8s *k, const struct nv_node *e, struct nv_requirement *r)
{
    const struct nv_node *key = nv_node_get(e, "key");
    const struct nv_node *op = nv_node_get(e, "operator");
    const struct nv_node *vals = nv_node_get(e, "values");
    const char *why;
    size_t i;

    if (e->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, e, "matchExpressions item", "a mapping");
    if (nv_k8s_check_fields(k, e, NV_E_SELECTOR, "a match expression", k_expr_fields) < 0)
        return -1;
    if (nv_node_is_null(key))
        return nv_diag_error(k->d, e->loc, NV_E_MISSING, "match expression has no 'key'");
    if (key->type != NV_NODE_SCALAR || key->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, key, "key", "a string");
    if ((why = nv_label_key_invalid(key->str)))
        return nv_diag_error(k->d, key->loc, NV_E_SELECTOR, "invalid label key '%s': %s", key->str,
                             why);
    r->key = nv_k8s_intern_node(k, key);
    if (nv_node_is_null(op))
        return nv_diag_error(k->d, e->loc, NV_E_MISSING, "match expression has no 'operator'");
    if (op->type != NV_NODE_SCALAR || op->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, op, "operator", "a string");
    if (!strcmp(op->str, "In"))
        r->op = NV_SEL_IN;
    else if (!strcmp(op->str, "NotIn"))
        r->op = NV_SEL_NOTIN;
    else if (!strcmp(op->str, "Exists"))
        r->op = NV_SEL_EXISTS;
    else if (!strcmp(op->str, "DoesNotExist"))
        r->op = NV_SEL_NOTEXISTS;
    else
        return nv_diag_error(k->d, op->loc, NV_E_SELECTOR,
                             "unknown operator '%s' (expected In, NotIn, Exists or DoesNotExist)",
                             op->str);
    if (!nv_node_is_null(vals) && vals->type != NV_NODE_SEQ)
        return nv_k8s_type_error(k, vals, "values", "a list");
    if (r->op == NV_SEL_IN || r->op == NV_SEL_NOTIN) {
        if (nv_node_is_null(vals) || vals->n == 0)
            return nv_diag_error(k->d, nv_node_is_null(vals) ? op->loc : vals->loc, NV_E_SELECTOR,
                                 "operator '%s' needs a non-empty 'values' list", op->str);
        r->values = nv_arena_alloc(&k->m->arena, vals->n * sizeof(*r->values));
        for (i = 0; i < vals->n; i++) {
            const struct nv_node *v = vals->items[i];
            if (v->type != NV_NODE_SCALAR ||
                (v->kind != NV_SCALAR_STR && v->kind != NV_SCALAR_NULL))
                return nv_k8s_type_error(k, v, "values item", "a string");
            /* a null item decodes as the empty string, a valid label value */
            if (v->kind == NV_SCALAR_NULL) {
                r->values[r->nvalues++] = nv_arena_intern(&k->m->arena, "");
                continue;
            }
            if ((why = nv_label_value_invalid(v->str)))
                return nv_diag_error(k->d, v->loc, NV_E_SELECTOR, "invalid label value '%s': %s",
                                     v->str, why);
            r->values[r->nvalues++] = nv_k8s_intern_node(k, v);
        }
    } else if (!nv_node_is_null(vals) && vals->n > 0) {
        return nv_diag_error(k->d, vals->loc, NV_E_SELECTOR, "operator '%s' must not have 'values'",
                             op->str);
    }
    return 0;
}

/*
 * A label selector into the model arena; NULL after an error. With 'use' set
 * the model learns the keys it reads (classes split on them); kinds that are
 * validated but not modelled pass 0.
 */
const struct nv_selector *nv_k8s_parse_selector(struct nv_k8s *k, const struct nv_node *n, int use)
{
    struct nv_selector *s = nv_arena_alloc(&k->m->arena, sizeof(*s));
    const struct nv_node *ml, *me;
    size_t i, cap;
    int bad = 0;

    if (n)
        s->loc = n->loc;
    if (nv_node_is_null(n))
        return s;
    if (n->type != NV_NODE_MAP) {
        nv_k8s_type_error(k, n, "selector", "a mapping");
        return NULL;
    }
    if (nv_k8s_check_fields(k, n, NV_E_SELECTOR, "a label selector", k_selector_fields) < 0)
        bad = 1;
    ml = nv_k8s_get_map(k, n, "matchLabels", &bad);
    me = nv_k8s_get_seq(k, n, "matchExpressions", &bad);
    if (bad)
        return NULL;
    cap = (ml ? ml->n : 0) + (me ? me->n : 0);
    s->reqs = nv_arena_alloc(&k->m->arena, (cap + 1) * sizeof(*s->reqs));
    for (i = 0; ml && i < ml->n; i++) {
        const struct nv_node *kn = ml->items[2 * i], *vn = ml->items[2 * i + 1];
        struct nv_requirement *r;
        if (nv_k8s_check_label(k, kn, vn, "matchLabels") < 0) {
            bad = 1;
            continue;
        }
        r = &s->reqs[s->n++];
        r->key = nv_k8s_intern_node(k, kn);
        r->op = NV_SEL_IN;
        r->nvalues = 1;
        r->values = nv_arena_alloc(&k->m->arena, sizeof(*r->values));
        r->values[0] = nv_arena_internn(&k->m->arena, vn->kind == NV_SCALAR_NULL ? "" : vn->str,
                                        vn->kind == NV_SCALAR_NULL ? 0 : vn->len);
    }
    for (i = 0; me && i < me->n; i++) {
        if (nv_parse_requirement(k, me->items[i], &s->reqs[s->n]) < 0) {
            bad = 1;
            continue;
        }
        s->n++;
    }
    if (bad)
        return NULL;
    if (use)
        nv_model_use_selector(k->m, s);
    return s;
}

const struct nv_selector *nv_k8s_selector(struct nv_k8s *k, const struct nv_node *n)
{
    return nv_k8s_parse_selector(k, n, 1);
}

const char *const nv_k8s_crd_object_fields[] = {"apiVersion", "kind",   "metadata",
                                                "spec",       "status", NULL};

/*
 * The fields of the parts of a built-in object that netverify reads, as the
 * API's schema has them (Kubernetes 1.34). An unknown field there is refused,
 * as kubectl's strict field validation (its default) refuses it: a field
 * written at the wrong indentation or misspelt ('lables', 'protcol', a
 * top-level 'ingress') would otherwise be dropped and the results describe
 * objects the cluster never accepts.
 */
const char *const nv_k8s_meta_fields[] = {"name",
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
const char *const nv_k8s_template_fields[] = {"metadata", "spec", NULL};
const char *const nv_k8s_podspec_fields[] = {"activeDeadlineSeconds",
                                             "affinity",
                                             "automountServiceAccountToken",
                                             "containers",
                                             "dnsConfig",
                                             "dnsPolicy",
                                             "enableServiceLinks",
                                             "ephemeralContainers",
                                             "hostAliases",
                                             "hostIPC",
                                             "hostNetwork",
                                             "hostPID",
                                             "hostUsers",
                                             "hostname",
                                             "hostnameOverride",
                                             "imagePullSecrets",
                                             "initContainers",
                                             "nodeName",
                                             "nodeSelector",
                                             "os",
                                             "overhead",
                                             "preemptionPolicy",
                                             "priority",
                                             "priorityClassName",
                                             "readinessGates",
                                             "resourceClaims",
                                             "resources",
                                             "restartPolicy",
                                             "runtimeClassName",
                                             "schedulerName",
                                             "schedulingGates",
                                             "securityContext",
                                             "serviceAccount",
                                             "serviceAccountName",
                                             "setHostnameAsFQDN",
                                             "shareProcessNamespace",
                                             "subdomain",
                                             "terminationGracePeriodSeconds",
                                             "tolerations",
                                             "topologySpreadConstraints",
                                             "volumes",
                                             NULL};
const char *const nv_k8s_container_fields[] = {"args",
                                               "command",
                                               "env",
                                               "envFrom",
                                               "image",
                                               "imagePullPolicy",
                                               "lifecycle",
                                               "livenessProbe",
                                               "name",
                                               "ports",
                                               "readinessProbe",
                                               "resizePolicy",
                                               "resources",
                                               "restartPolicy",
                                               "restartPolicyRules",
                                               "securityContext",
                                               "startupProbe",
                                               "stdin",
                                               "stdinOnce",
                                               "terminationMessagePath",
                                               "terminationMessagePolicy",
                                               "tty",
                                               "volumeDevices",
                                               "volumeMounts",
                                               "workingDir",
                                               NULL};
const char *const nv_k8s_container_port_fields[] = {"name",     "containerPort", "protocol",
                                                    "hostPort", "hostIP",        NULL};
const char *const nv_k8s_service_spec_fields[] = {"allocateLoadBalancerNodePorts",
                                                  "clusterIP",
                                                  "clusterIPs",
                                                  "externalIPs",
                                                  "externalName",
                                                  "externalTrafficPolicy",
                                                  "healthCheckNodePort",
                                                  "internalTrafficPolicy",
                                                  "ipFamilies",
                                                  "ipFamilyPolicy",
                                                  "loadBalancerClass",
                                                  "loadBalancerIP",
                                                  "loadBalancerSourceRanges",
                                                  "ports",
                                                  "publishNotReadyAddresses",
                                                  "selector",
                                                  "sessionAffinity",
                                                  "sessionAffinityConfig",
                                                  "trafficDistribution",
                                                  "type",
                                                  NULL};
const char *const nv_k8s_service_port_fields[] = {"name",       "protocol", "appProtocol", "port",
                                                  "targetPort", "nodePort", NULL};

/* The fields of a workload's spec (a CronJob's jobTemplate.spec is a Job's), NULL if unknown. */
const char *const *nv_k8s_workload_spec_fields(const char *kind)
{
    static const char *const deploy[] = {"replicas",
                                         "selector",
                                         "template",
                                         "strategy",
                                         "minReadySeconds",
                                         "revisionHistoryLimit",
                                         "paused",
                                         "progressDeadlineSeconds",
                                         NULL};
    static const char *const rs[] = {"replicas", "minReadySeconds", "selector", "template", NULL};
    static const char *const sts[] = {"replicas",        "selector",
                                      "template",        "volumeClaimTemplates",
                                      "serviceName",     "podManagementPolicy",
                                      "updateStrategy",  "revisionHistoryLimit",
                                      "minReadySeconds", "persistentVolumeClaimRetentionPolicy",
                                      "ordinals",        NULL};
    static const char *const ds[] = {
        "selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit", NULL};
    static const char *const job[] = {"parallelism",
                                      "completions",
                                      "activeDeadlineSeconds",
                                      "podFailurePolicy",
                                      "successPolicy",
                                      "backoffLimit",
                                      "backoffLimitPerIndex",
                                      "maxFailedIndexes",
                                      "selector",
                                      "manualSelector",
                                      "template",
                                      "ttlSecondsAfterFinished",
                                      "completionMode",
                                      "suspend",
                                      "podReplacementPolicy",
                                      "managedBy",
                                      NULL};
    static const char *const cron[] = {
        "schedule", "timeZone",    "startingDeadlineSeconds",    "concurrencyPolicy",
        "suspend",  "jobTemplate", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
        NULL};

    if (!strcmp(kind, "Deployment"))
        return deploy;
    if (!strcmp(kind, "ReplicaSet") || !strcmp(kind, "ReplicationController"))
        return rs;
    if (!strcmp(kind, "StatefulSet"))
        return sts;
    if (!strcmp(kind, "DaemonSet"))
        return ds;
    if (!strcmp(kind, "Job"))
        return job;
    if (!strcmp(kind, "CronJob"))
        return cron;
    return NULL;
}
/* A mapping-valued field that is present and not null; NULL after an error otherwise. */
const struct nv_node *nv_k8s_need_map(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                      const char *owner)
{
    const struct nv_node *n = nv_node_get(obj, key);

    if (nv_node_is_null(n)) {
        nv_diag_error(k->d, nv_k8s_field_loc(obj, key), NV_E_MISSING, "%s has no '%s'", owner, key);
        return NULL;
    }
    if (n->type != NV_NODE_MAP) {
        nv_k8s_type_error(k, n, key, "a mapping");
        return NULL;
    }
    return n;
}
