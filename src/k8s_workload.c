/*
 * k8s_workload.c - workload objects (Deployment, StatefulSet, DaemonSet, Job, ...): how
 * many pods each may run, the labels their controllers add, and the most
 * replicas a HorizontalPodAutoscaler may set.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

/* ---- pod counts and the labels controllers add ---- */

#define NV_INT32_MAX 2147483647L

/*
 * A non-negative int32 field (replicas, parallelism, ...): 0 and *out set
 * when valid, *out = dflt when absent; -1 after an error.
 */
static int nv_get_count(struct nv_k8s *k, const struct nv_node *map, const char *key, unsigned dflt,
                        unsigned *out)
{
    const struct nv_node *n = nv_node_get(map, key);
    long v;

    *out = dflt;
    if (nv_node_is_null(n))
        return 0;
    if (nv_k8s_node_int(k, n, key, &v) < 0)
        return -1;
    if (v < 0 || v > NV_INT32_MAX)
        return nv_diag_error(k->d, n->loc, NV_E_VALUE, "'%s' %s is %s", key, n->str,
                             v < 0 ? "negative" : "out of range");
    *out = (unsigned)v;
    return 0;
}

/* An int-or-percent field such as maxSurge: 0 when valid (absent: *val and *pct untouched). */
static int nv_get_int_or_percent(struct nv_k8s *k, const struct nv_node *map, const char *key,
                                 unsigned *val, unsigned char *pct)
{
    const struct nv_node *n = nv_node_get(map, key);
    const char *s;
    unsigned long v = 0;

    if (nv_node_is_null(n))
        return 0;
    if (n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_INT) {
        *pct = 0;
        return nv_get_count(k, map, key, 0, val);
    }
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, n, key, "an integer or a percentage");
    for (s = n->str; *s >= '0' && *s <= '9'; s++)
        if ((v = v * 10 + (unsigned long)(*s - '0')) > NV_INT32_MAX)
            break;
    if (s == n->str || *s != '%' || s[1] || n->len != (size_t)(s - n->str) + 1)
        return nv_diag_error(k->d, n->loc, NV_E_VALUE,
                             "'%s' must be an integer or a percentage such as '25%%', not '%.40s'",
                             key, n->str);
    *val = (unsigned)v;
    *pct = 1;
    return 0;
}

/* One of the names in 'allowed' (NULL-terminated) or absent (*out = NULL); -1 after an error. */
static int nv_get_enum(struct nv_k8s *k, const struct nv_node *map, const char *key,
                       const char *const *allowed, const char **out)
{
    const struct nv_node *n = nv_node_get(map, key);
    struct nv_buf list;
    int i;

    *out = NULL;
    if (nv_node_is_null(n))
        return 0;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR)
        return nv_k8s_type_error(k, n, key, "a string");
    if ((i = nv_k8s_key_index(n, allowed)) >= 0) {
        *out = allowed[i];
        return 0;
    }
    nv_buf_init(&list, 0);
    nv_k8s_join_names(&list, allowed);
    nv_diag_error(k->d, n->loc, NV_E_VALUE, "unknown %s '%.40s' (expected %s)", key, n->str,
                  nv_buf_str(&list));
    nv_buf_release(&list);
    return -1;
}

static const char *const k_strategy_fields[] = {"type", "rollingUpdate", NULL};
static const char *const k_rolling_fields[] = {"maxSurge", "maxUnavailable", NULL};
static const char *const k_strategy_types[] = {"RollingUpdate", "Recreate", NULL};
static const char *const k_concurrency[] = {"Allow", "Forbid", "Replace", NULL};

/* A Deployment's surge: maxSurge of its RollingUpdate strategy (default 25%; Recreate: none). */
static int nv_deployment_surge(struct nv_k8s *k, const struct nv_node *spec, struct nv_pod *pod)
{
    const struct nv_node *st, *ru = NULL;
    const char *type = NULL;
    unsigned unavail = 25;
    unsigned char upct = 1;
    int bad = 0;

    pod->surge = 25;
    pod->surge_pct = 1;
    st = nv_k8s_get_map(k, spec, "strategy", &bad);
    if (bad)
        return -1;
    if (!st)
        return 0;
    if (nv_k8s_check_fields(k, st, NV_E_VALUE, "a Deployment strategy", k_strategy_fields) < 0 ||
        nv_get_enum(k, st, "type", k_strategy_types, &type) < 0)
        return -1;
    ru = nv_k8s_get_map(k, st, "rollingUpdate", &bad);
    if (bad)
        return -1;
    if (type && !strcmp(type, "Recreate")) {
        pod->surge = 0;
        pod->surge_pct = 0;
        if (ru)
            return nv_diag_error(k->d, nv_k8s_field_loc(st, "rollingUpdate"), NV_E_VALUE,
                                 "'rollingUpdate' may not be given with strategy type 'Recreate'");
        return 0;
    }
    if (!ru)
        return 0;
    if (nv_k8s_check_fields(k, ru, NV_E_VALUE, "a rolling update", k_rolling_fields) < 0 ||
        nv_get_int_or_percent(k, ru, "maxSurge", &pod->surge, &pod->surge_pct) < 0 ||
        nv_get_int_or_percent(k, ru, "maxUnavailable", &unavail, &upct) < 0)
        return -1;
    if (!pod->surge && !unavail)
        return nv_diag_error(k->d, nv_k8s_field_loc(ru, "maxUnavailable"), NV_E_VALUE,
                             "'maxSurge' and 'maxUnavailable' may not both be 0: a rollout "
                             "could never make progress");
    if (upct && unavail > 100)
        return nv_diag_error(k->d, nv_k8s_field_value_loc(ru, "maxUnavailable"), NV_E_VALUE,
                             "'maxUnavailable' may not be more than 100%%");
    return 0;
}

/* A Job spec's pods at a time: parallelism (default 1), at most completions when given. */
static int nv_job_pods(struct nv_k8s *k, const struct nv_node *jobspec, unsigned *out)
{
    unsigned par, comp;

    if (nv_get_count(k, jobspec, "parallelism", 1, &par) < 0 ||
        nv_get_count(k, jobspec, "completions", UINT32_MAX, &comp) < 0)
        return -1;
    *out = par < comp ? par : comp;
    return 0;
}

/*
 * How many pods a workload object runs at once, before autoscalers (see
 * "Workloads and pods" in docs/semantics.md). 'spec' is the object's spec,
 * 'jobspec' the Job spec of a Job or CronJob.
 */
static int nv_workload_count(struct nv_k8s *k, const char *kind, const struct nv_node *spec,
                             const struct nv_node *jobspec, struct nv_pod *pod)
{
    unsigned n = 1;
    int rc = 0;

    pod->origin = NV_POD_TEMPLATE;
    if (!strcmp(kind, "DaemonSet")) {
        n = 2; /* one per node: several, as far as pairs go */
    } else if (!strcmp(kind, "Job") || !strcmp(kind, "CronJob")) {
        const char *policy = NULL;
        if (jobspec)
            rc = nv_job_pods(k, jobspec, &n);
        if (rc == 0 && !strcmp(kind, "CronJob") && spec)
            rc = nv_get_enum(k, spec, "concurrencyPolicy", k_concurrency, &policy);
        /* Allow (the default) lets a run start while the last one still runs */
        if (rc == 0 && !strcmp(kind, "CronJob") && (!policy || !strcmp(policy, "Allow")) && n < 2)
            n = 2;
    } else if (spec) {
        /* Deployment, ReplicaSet, ReplicationController, StatefulSet */
        pod->scalable = 1;
        rc = nv_get_count(k, spec, "replicas", 1, &n);
        if (rc == 0 && !strcmp(kind, "Deployment"))
            rc = nv_deployment_surge(k, spec, pod);
        if (rc == 0 && !strcmp(kind, "StatefulSet")) {
            int bad = 0;
            const struct nv_node *ord = nv_k8s_get_map(k, spec, "ordinals", &bad);
            pod->origin = NV_POD_ORDINAL;
            pod->remainder = 1;
            if (bad || (ord && nv_get_count(k, ord, "start", 0, &pod->ordinal) < 0))
                rc = -1;
        }
    } else {
        pod->scalable = 1;
        if (!strcmp(kind, "StatefulSet")) {
            pod->origin = NV_POD_ORDINAL;
            pod->remainder = 1;
        }
    }
    /* replicas 0 (or parallelism 0): listed as if scaled up, see nv_model_finish */
    pod->count = n;
    return rc;
}

/* Set label key to val on the pod (replacing a value it has unless 'keep'). */
static void nv_pod_label(struct nv_model *m, struct nv_labels *l, const char *key, const char *val,
                         int keep)
{
    const char *ik = nv_arena_intern(&m->arena, key);
    const char **keys, **vals;
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->keys[i] == ik) {
            if (!keep)
                l->vals[i] = val;
            return;
        }
    keys = nv_arena_alloc(&m->arena, (l->n + 1) * sizeof(*keys));
    vals = nv_arena_alloc(&m->arena, (l->n + 1) * sizeof(*vals));
    if (l->n) {
        memcpy(keys, l->keys, l->n * sizeof(*keys));
        memcpy(vals, l->vals, l->n * sizeof(*vals));
    }
    keys[l->n] = ik;
    vals[l->n] = val;
    l->keys = keys;
    l->vals = vals;
    l->n++;
    nv_labels_sort(l);
}

/*
 * The labels the controllers (and the API server's defaults) put on the pods
 * of a workload beyond its template's: values the manifests determine (a Job's
 * name), and values they do not (hashes, uids), which get nv_model_unknown_value.
 * StatefulSet pod names and indexes are set per ordinal in nv_model_finish.
 */
static void nv_controller_labels(struct nv_k8s *k, const char *kind, const char *name,
                                 const struct nv_node *jobspec, struct nv_pod *pod)
{
    struct nv_model *m = k->m;
    const char *unknown = nv_arena_intern(&m->arena, nv_model_unknown_value);
    struct nv_labels *l = &pod->labels;

    if (!strcmp(kind, "Deployment")) {
        nv_pod_label(m, l, "pod-template-hash", unknown, 0);
    } else if (!strcmp(kind, "StatefulSet")) {
        nv_pod_label(m, l, "controller-revision-hash", unknown, 0);
    } else if (!strcmp(kind, "DaemonSet")) {
        nv_pod_label(m, l, "controller-revision-hash", unknown, 0);
        nv_pod_label(m, l, "pod-template-generation", unknown, 0);
    } else if (!strcmp(kind, "Job") || !strcmp(kind, "CronJob")) {
        const struct nv_node *manual = nv_node_get(jobspec, "manualSelector");
        /* a CronJob's Jobs are named CRONJOB-<scheduled minute>: not known here */
        const char *job = !strcmp(kind, "Job") ? name : unknown;
        if (manual && manual->type == NV_NODE_SCALAR && manual->kind == NV_SCALAR_BOOL &&
            (manual->str[0] == 't' || manual->str[0] == 'T'))
            return; /* the API server adds these labels only to a generated selector */
        nv_pod_label(m, l, "controller-uid", unknown, 1);
        nv_pod_label(m, l, "batch.kubernetes.io/controller-uid", unknown, 1);
        nv_pod_label(m, l, "job-name", job, 1);
        nv_pod_label(m, l, "batch.kubernetes.io/job-name", job, 1);
    }
}

/* Unknown fields on the way to the pod template, refused as the API server does. */
static int nv_workload_fields(struct nv_k8s *k, const char *kind, const struct nv_node *spec,
                              const struct nv_node *jobspec, const struct nv_node *tmpl,
                              const struct nv_node *tmeta)
{
    int rc = 0;

    if (spec && nv_k8s_check_fields(k, spec, NV_E_VALUE, "a workload spec",
                                    nv_k8s_workload_spec_fields(kind)) < 0)
        rc = -1;
    if (!strcmp(kind, "CronJob") && spec) {
        const struct nv_node *jt = nv_node_get(spec, "jobTemplate");
        if (jt && jt->type == NV_NODE_MAP &&
            nv_k8s_check_fields(k, jt, NV_E_VALUE, "a jobTemplate", nv_k8s_template_fields) < 0)
            rc = -1;
        if (jobspec && nv_k8s_check_fields(k, jobspec, NV_E_VALUE, "a Job spec",
                                           nv_k8s_workload_spec_fields("Job")) < 0)
            rc = -1;
    }
    if (tmpl &&
        nv_k8s_check_fields(k, tmpl, NV_E_VALUE, "a pod template", nv_k8s_template_fields) < 0)
        rc = -1;
    if (tmeta && nv_k8s_check_fields(k, tmeta, NV_E_VALUE, "the pod template's metadata",
                                     nv_k8s_meta_fields) < 0)
        rc = -1;
    return rc;
}

/*
 * The API server refuses a workload whose selector is missing, empty or does
 * not select its own template's labels (apps/v1 kinds, a ReplicationController's
 * plain map, a Job with manualSelector). Its pods are read with the template's
 * labels, as the controller would create them: a warning, not an error, as
 * manifests written for tools that do not check it are common. A selector that
 * is not a valid label selector is an error.
 */
static int nv_workload_selector(struct nv_k8s *k, const char *kind, const struct nv_node *spec,
                                const struct nv_node *jobspec, const struct nv_pod *pod,
                                const char *ns, const char *name)
{
    const struct nv_node *sel, *manual;
    const char *why = NULL;
    int rc = 0, apps = !strcmp(kind, "Deployment") || !strcmp(kind, "ReplicaSet") ||
                       !strcmp(kind, "StatefulSet") || !strcmp(kind, "DaemonSet");

    if (!strcmp(kind, "Job")) {
        manual = nv_node_get(jobspec, "manualSelector");
        if (!manual || manual->type != NV_NODE_SCALAR || manual->kind != NV_SCALAR_BOOL ||
            (manual->str[0] != 't' && manual->str[0] != 'T'))
            return 0; /* the API server generates the selector */
        apps = 1;
    } else if (!apps && strcmp(kind, "ReplicationController")) {
        return 0;
    }
    sel = spec ? nv_node_get(spec, "selector") : NULL;
    if (!strcmp(kind, "ReplicationController")) {
        size_t i;
        if (nv_node_is_null(sel))
            return 0; /* defaults to the template's labels */
        if (sel->type != NV_NODE_MAP)
            return nv_k8s_type_error(k, sel, "selector", "a mapping"), -1;
        for (i = 0; i < sel->n && !why; i++) {
            const struct nv_node *kn = sel->items[2 * i], *vn = sel->items[2 * i + 1];
            const char *have;
            if (nv_k8s_check_label(k, kn, vn, "selector") < 0) {
                rc = -1;
                continue;
            }
            have = nv_labels_get(&pod->labels, kn->str);
            if (!have || strcmp(have, vn->kind == NV_SCALAR_NULL ? "" : vn->str))
                why = "does not select the pod template's labels";
        }
    } else if (nv_node_is_null(sel)) {
        why = "has no 'selector'";
    } else {
        const struct nv_selector *s = nv_k8s_parse_selector(k, sel, 0);
        if (!s)
            return -1;
        if (nv_selector_is_empty(s))
            why = "has an empty 'selector'";
        else if (!nv_selector_matches(s, &pod->labels))
            why = "does not select the pod template's labels";
    }
    if (why && rc == 0)
        nv_diag_warning(k->d,
                        sel && !nv_node_is_null(sel) ? sel->loc
                        : spec                       ? spec->loc
                                                     : pod->loc,
                        NV_W_SEMANTIC,
                        "%s %s/%s %s: the API server refuses it; its pods are read with the "
                        "template's labels",
                        kind, ns, name, why);
    return rc;
}

void nv_k8s_add_workload_object(struct nv_k8s *k, const struct nv_node *obj,
                                const struct nv_node *meta, const char *kind, const char *ns,
                                const char *name)
{
    const struct nv_node *spec, *jobspec = NULL, *tmpl, *tmeta, *tspec;
    const char *ikind = nv_arena_intern(&k->m->arena, kind);
    struct nv_owner ctl;
    struct nv_pod *pod;
    int bad = 0;
    long i;

    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    if (spec && !strcmp(kind, "CronJob")) {
        const struct nv_node *jt = nv_k8s_get_map(k, spec, "jobTemplate", &bad);
        jobspec = jt ? nv_k8s_get_map(k, jt, "spec", &bad) : NULL;
    } else if (!strcmp(kind, "Job")) {
        jobspec = spec;
    }
    tmpl = !strcmp(kind, "CronJob")
               ? (jobspec ? nv_k8s_get_map(k, jobspec, "template", &bad) : NULL)
           : spec ? nv_k8s_get_map(k, spec, "template", &bad)
                  : NULL;
    tmeta = tmpl ? nv_k8s_get_map(k, tmpl, "metadata", &bad) : NULL;
    tspec = tmpl ? nv_k8s_get_map(k, tmpl, "spec", &bad) : NULL;
    if (nv_k8s_parse_owners(k, meta, &ctl) < 0 || bad)
        return;
    if (nv_workload_fields(k, kind, spec, jobspec, tmpl, tmeta) < 0)
        return;
    if (ctl.kind && !nv_k8s_owner_plausible(&ctl, kind))
        nv_k8s_owner_warning(k, &ctl, kind, name, "it is read as a workload of its own");
    if ((i = nv_k8s_add_pod(k, tmeta, tspec, ns, name, name, ikind, obj->loc)) < 0)
        return;
    pod = &k->m->pods[i];
    if (ctl.kind) {
        /* a ReplicaSet (Job) joins a Deployment (CronJob) only if it names it: nv_model_finish */
        struct nv_workload *w = &k->m->workloads[pod->workload];
        w->owner_kind = ctl.kind;
        w->owner_name = ctl.name;
    }
    if (nv_workload_count(k, kind, spec, jobspec, pod) < 0 ||
        nv_workload_selector(k, kind, spec, jobspec, pod, ns, name) < 0)
        return;
    nv_controller_labels(k, kind, name, jobspec, pod);
}

/* ---- HorizontalPodAutoscaler: the most replicas it may set ---- */

static const char *const k_hpa_v1_fields[] = {"scaleTargetRef", "minReplicas", "maxReplicas",
                                              "targetCPUUtilizationPercentage", NULL};
static const char *const k_hpa_v2_fields[] = {"scaleTargetRef", "minReplicas", "maxReplicas",
                                              "metrics",        "behavior",    NULL};
static const char *const k_hpa_ref_fields[] = {"apiVersion", "kind", "name", NULL};

/* Whether this apiVersion of HorizontalPodAutoscaler is one netverify reads. */
int nv_k8s_is_hpa_version(const struct nv_node *obj)
{
    static const char *const versions[] = {"autoscaling/v1", "autoscaling/v2",
                                           "autoscaling/v2beta2", "autoscaling/v2beta1", NULL};
    const struct nv_node *av = nv_node_get(obj, "apiVersion");

    return nv_node_is_null(av) || nv_k8s_key_index(av, versions) >= 0;
}

/*
 * Its target and maxReplicas, checked as the API server does; the metrics and
 * the scaling behaviour are not read (they do not change the most pods there
 * can be).
 */
void nv_k8s_add_hpa(struct nv_k8s *k, const struct nv_node *obj, const char *ns, const char *name)
{
    const struct nv_node *av = nv_node_get(obj, "apiVersion"), *spec, *ref, *maxn;
    int v1 = av && av->type == NV_NODE_SCALAR && !strcmp(av->str, "autoscaling/v1");
    struct nv_hpa h;
    unsigned min = 1;
    int bad = 0;

    memset(&h, 0, sizeof(h));
    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    if (bad)
        return;
    if (!spec) {
        nv_diag_error(k->d, obj->loc, NV_E_MISSING, "HorizontalPodAutoscaler '%s/%s' has no 'spec'",
                      ns, name);
        return;
    }
    if (nv_k8s_check_fields(k, spec, NV_E_VALUE, "a HorizontalPodAutoscaler spec",
                            v1 ? k_hpa_v1_fields : k_hpa_v2_fields) < 0)
        bad = 1;
    ref = nv_k8s_get_map(k, spec, "scaleTargetRef", &bad);
    if (!bad && !ref) {
        nv_diag_error(k->d, spec->loc, NV_E_MISSING,
                      "HorizontalPodAutoscaler has no 'scaleTargetRef'");
        bad = 1;
    }
    if (ref && nv_k8s_check_fields(k, ref, NV_E_VALUE, "scaleTargetRef", k_hpa_ref_fields) < 0)
        bad = 1;
    if (ref) {
        h.kind = nv_k8s_get_str(k, ref, "kind", &bad);
        h.name = nv_k8s_get_str(k, ref, "name", &bad);
        if (!bad && (!h.kind || !*h.kind || !h.name || !*h.name)) {
            nv_diag_error(k->d, ref->loc, NV_E_MISSING, "scaleTargetRef needs 'kind' and 'name'");
            bad = 1;
        }
    }
    maxn = nv_node_get(spec, "maxReplicas");
    if (nv_node_is_null(maxn)) {
        nv_diag_error(k->d, spec->loc, NV_E_MISSING,
                      "HorizontalPodAutoscaler has no 'maxReplicas'");
        return;
    }
    if (nv_get_count(k, spec, "maxReplicas", 1, &h.max) < 0 ||
        nv_get_count(k, spec, "minReplicas", 1, &min) < 0 || bad)
        return;
    if (h.max < 1) {
        nv_diag_error(k->d, maxn->loc, NV_E_VALUE, "'maxReplicas' must be at least 1");
        return;
    }
    if (min > h.max) {
        nv_diag_error(k->d, nv_k8s_field_value_loc(spec, "minReplicas"), NV_E_VALUE,
                      "'minReplicas' %u is more than 'maxReplicas' %u", min, h.max);
        return;
    }
    h.ns = ns;
    h.loc = obj->loc;
    NV_GROW(k->m->hpas, k->m->hpaalloc, k->m->nhpas + 1);
    k->m->hpas[k->m->nhpas++] = h;
}
