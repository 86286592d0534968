/*
 * test_k8s.c - Kubernetes objects into the model: namespaces, workload naming,
 * policies, and every validation error with its code, message and position.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netverify/buf.h"
#include "netverify/cli.h"
#include "netverify/k8s.h"
#include "netverify/load.h"
#include "netverify/model.h"

static char g_dir[64];
static char g_path[128];

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/nv-test-k8s-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_path, sizeof(g_path), "%s/in.yaml", g_dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(g_path);
    rmdir(g_dir);
    return 0;
}

/* Write 'text' to the temp file and load it. NULL when errors were recorded. */
/*
 * Load text with the address families 'families' chosen (as --ip-family
 * does), or 0: the families follow the input.
 */
static struct nv_model *load_fam(const char *text, struct nv_diags *d, unsigned families)
{
    struct nv_load_opts o;
    struct nv_profile p;
    char *paths[1];
    FILE *fp = fopen(g_path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    nv_load_opts_default(&o);
    nv_profile_init(&p);
    p.families = families;
    o.profile = &p;
    paths[0] = g_path;
    nv_diags_init(d);
    return nv_load(paths, 1, &o, d);
}

/*
 * Both families chosen, as --ip-family dual does: the tests that count
 * diagnostics get no note that the input names no IPv6.
 */
static struct nv_model *load(const char *text, struct nv_diags *d)
{
    return load_fam(text, d, NV_FAMILIES_ALL);
}

static void dump_diags(const struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        print_message("  diag %zu: code %d sev %d at %u:%u: %s\n", i, d->items[i].code,
                      d->items[i].sev, d->items[i].loc.line, d->items[i].loc.col, d->items[i].msg);
}

static struct nv_model *load_ok(const char *text, struct nv_diags *d)
{
    struct nv_model *m = load(text, d);

    if (!m) {
        dump_diags(d);
        fail_msg("load failed");
    }
    assert_int_equal(d->nerr, 0);
    return m;
}

/* Line and column (1-based) of the '^' in 'marker' (a substring of text with '^' inserted). */
static void pos_of(const char *text, const char *marker, unsigned *line, unsigned *col)
{
    char needle[256];
    const char *caret = strchr(marker, '^'), *hit, *p;
    size_t off;

    assert_non_null(caret);
    off = (size_t)(caret - marker);
    snprintf(needle, sizeof(needle), "%.*s%s", (int)off, marker, caret + 1);
    hit = strstr(text, needle);
    if (!hit)
        fail_msg("marker '%s' not in text", marker);
    hit += off;
    *line = 1;
    *col = 1;
    for (p = text; p < hit; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* The first diagnostic with this code whose message contains 'frag'. */
static const struct nv_diag *find_diag(const struct nv_diags *d, enum nv_code code,
                                       const char *frag)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (d->items[i].code == code && strstr(d->items[i].msg, frag))
            return &d->items[i];
    dump_diags(d);
    fail_msg("no diagnostic with code %d and '%s'", code, frag);
    return NULL;
}

static void check_diag_at(const struct nv_diags *d, const char *text, enum nv_code code,
                          const char *frag, const char *marker)
{
    const struct nv_diag *g = find_diag(d, code, frag);
    unsigned line, col;

    pos_of(text, marker, &line, &col);
    assert_int_equal(g->sev, NV_SEV_ERROR);
    assert_non_null(g->loc.file);
    assert_string_equal(g->loc.file, g_path);
    if (g->loc.line != line || g->loc.col != col)
        fail_msg("'%s' reported at %u:%u, want %u:%u ('%s')", g->msg, g->loc.line, g->loc.col, line,
                 col, marker);
}

/* Load must fail with exactly one error: code, message fragment, position of '^' in marker. */
static void expect_error(const char *text, enum nv_code code, const char *frag, const char *marker)
{
    struct nv_diags d;
    struct nv_model *m = load(text, &d);

    if (m) {
        nv_model_free(m);
        fail_msg("load succeeded; expected '%s'", frag);
    }
    if (d.nerr != 1) {
        dump_diags(&d);
        fail_msg("%zu errors, expected 1 ('%s')", d.nerr, frag);
    }
    check_diag_at(&d, text, code, frag, marker);
    nv_diags_release(&d);
}

static const struct nv_workload *wl(const struct nv_model *m, const char *id)
{
    long i = nv_model_find_workload(m, id);

    if (i < 0)
        fail_msg("no workload '%s'", id);
    return &m->workloads[i];
}

static const struct nv_namespace *ns_named(const struct nv_model *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->nns; i++)
        if (!strcmp(m->ns[i].name, name))
            return &m->ns[i];
    fail_msg("no namespace '%s'", name);
    return NULL;
}

static const struct nv_policy *pol_named(const struct nv_model *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->npolicies; i++)
        if (!strcmp(m->policies[i]->name, name))
            return m->policies[i];
    fail_msg("no policy '%s'", name);
    return NULL;
}

/* ---- pod counts and controller labels ---- */

/* The pods of workload id, all its groups. */
static unsigned pods_of(const struct nv_model *m, const char *id)
{
    return wl(m, id)->count;
}

static void test_pod_counts(void **state)
{
    static const char text[] =
        "kind: Deployment\n"
        "metadata: {name: d-default, namespace: a}\n"
        "spec: {template: {}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-ten, namespace: a}\n"
        "spec: {replicas: 10, template: {}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-recreate, namespace: a}\n"
        "spec: {replicas: 1, strategy: {type: Recreate}, template: {}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-surge, namespace: a}\n"
        "spec:\n"
        "  replicas: 4\n"
        "  strategy: {rollingUpdate: {maxSurge: 3, maxUnavailable: 0}}\n"
        "  template: {}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-pct, namespace: a}\n"
        "spec: {replicas: 5, strategy: {rollingUpdate: {maxSurge: 50%}}, template: {}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-zero, namespace: a}\n"
        "spec: {replicas: 0, template: {}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d-nosurge, namespace: a}\n"
        "spec: {strategy: {rollingUpdate: {maxSurge: 0%}}, template: {}}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: sts, namespace: a}\n"
        "spec: {replicas: 3, template: {}}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: sts1, namespace: a}\n"
        "spec: {template: {}}\n"
        "---\n"
        "kind: ReplicaSet\n"
        "metadata: {name: rs, namespace: a}\n"
        "spec: {replicas: 2, template: {}}\n"
        "---\n"
        "kind: ReplicationController\n"
        "metadata: {name: rc, namespace: a}\n"
        "spec: {template: {}}\n"
        "---\n"
        "kind: DaemonSet\n"
        "metadata: {name: ds, namespace: a}\n"
        "spec: {selector: {matchLabels: {app: ds}}, template: {metadata: {labels: {app: ds}}}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: job, namespace: a}\n"
        "spec: {template: {}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: job-par, namespace: a}\n"
        "spec: {parallelism: 4, completions: 3, template: {}}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: cron, namespace: a}\n"
        "spec: {schedule: '@daily', jobTemplate: {spec: {template: {}}}}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: cron-forbid, namespace: a}\n"
        "spec: {concurrencyPolicy: Forbid, jobTemplate: {spec: {template: {}}}}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: cron-par, namespace: a}\n"
        "spec: {concurrencyPolicy: Replace, jobTemplate: {spec: {parallelism: 3, template: {}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata: {name: bare, namespace: a}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: owned-1\n"
        "  namespace: a\n"
        "  ownerReferences: [{kind: ReplicaSet, name: own, controller: true}]\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: owned-2\n"
        "  namespace: a\n"
        "  ownerReferences: [{kind: ReplicaSet, name: own, controller: true}]\n"
        "---\n"
        "apiVersion: autoscaling/v2\n"
        "kind: HorizontalPodAutoscaler\n"
        "metadata: {name: h1, namespace: a}\n"
        "spec:\n"
        "  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: sts1}\n"
        "  minReplicas: 2\n"
        "  maxReplicas: 7\n"
        "  metrics: [{type: Resource}]\n"
        "---\n"
        "apiVersion: autoscaling/v1\n"
        "kind: HorizontalPodAutoscaler\n"
        "metadata: {name: h2, namespace: a}\n"
        "spec:\n"
        "  scaleTargetRef: {kind: Deployment, name: d-recreate}\n"
        "  maxReplicas: 4\n"
        "  targetCPUUtilizationPercentage: 80\n"
        "---\n"
        "apiVersion: autoscaling/v2\n"
        "kind: HorizontalPodAutoscaler\n"
        "metadata: {name: h3, namespace: other}\n"
        "spec: {scaleTargetRef: {kind: ReplicaSet, name: rs}, maxReplicas: 9}\n"
        "---\n"
        "apiVersion: autoscaling/v2\n"
        "kind: HorizontalPodAutoscaler\n"
        "metadata: {name: h4, namespace: a}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: rc}, maxReplicas: 9}\n";
    static const struct {
        const char *id;
        unsigned count;
    } want[] = {
        {"a/d-default", 2},                   /* 1 + 25% of 1 rounded up */
        {"a/d-ten", 13},                      /* 10 + 3 */
        {"a/d-recreate", 4},                  /* the autoscaler's maxReplicas, no surge */
        {"a/d-surge", 7},     {"a/d-pct", 8}, /* 5 + 3 */
        {"a/d-zero", 2},                      /* listed as if scaled to 1, with its surge */
        {"a/d-nosurge", 1},   {"a/sts", 3},      {"a/sts1", 7}, /* maxReplicas */
        {"a/rs", 2}, /* the autoscaler is in another namespace */
        {"a/rc", 1}, /* the autoscaler names another kind */
        {"a/ds", 2},          {"a/job", 1},      {"a/job-par", 3}, /* at most the completions */
        {"a/cron", 2},                                             /* runs may overlap */
        {"a/cron-forbid", 1}, {"a/cron-par", 3}, {"a/bare", 1},
        {"a/own", 2}, /* two Pods of one owner */
    };
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (pods_of(m, want[i].id) != want[i].count)
            fail_msg("%s: %u pods, want %u", want[i].id, pods_of(m, want[i].id), want[i].count);
    assert_int_equal(m->nhpas, 4);
    assert_int_equal(m->pods[wl(m, "a/own")->pods[0]].origin, NV_POD_MANIFEST);
    assert_int_equal(m->pods[wl(m, "a/d-ten")->pods[0]].origin, NV_POD_TEMPLATE);
    assert_int_equal(m->pods[wl(m, "a/sts")->pods[0]].origin, NV_POD_ORDINAL);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_err_pod_counts(void **state)
{
    (void)state;
    expect_error("kind: Deployment\nmetadata: {name: d}\nspec: {replicas: -1, template: {}}\n",
                 NV_E_VALUE, "'replicas' -1 is negative", "replicas: ^-1");
    expect_error("kind: StatefulSet\nmetadata: {name: d}\nspec: {replicas: '3'}\n", NV_E_TYPE,
                 "'replicas' must be an integer", "replicas: ^'3'");
    expect_error("kind: Job\nmetadata: {name: d}\nspec: {parallelism: 4294967296}\n", NV_E_VALUE,
                 "'parallelism' 4294967296 is out of range", "parallelism: ^4294967296");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {rollingUpdate: {maxSurge: 1.5}}}\n",
                 NV_E_TYPE, "'maxSurge' must be an integer or a percentage", "maxSurge: ^1.5");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {rollingUpdate: {maxSurge: '25'}}}\n",
                 NV_E_VALUE, "must be an integer or a percentage such as '25%', not '25'",
                 "maxSurge: ^'25'");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {rollingUpdate: {maxSurge: '%'}}}\n",
                 NV_E_VALUE, "not '%'", "maxSurge: ^'%'");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {type: Rolling}}\n",
                 NV_E_VALUE, "unknown type 'Rolling' (expected RollingUpdate or Recreate)",
                 "type: ^Rolling");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {typo: Recreate}}\n",
                 NV_E_VALUE, "unknown field 'typo' in a Deployment strategy", "{^typo");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}}\n",
                 NV_E_VALUE, "'rollingUpdate' may not be given", "Recreate, ^rollingUpdate");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0%}}}\n",
                 NV_E_VALUE, "may not both be 0", "0, ^maxUnavailable");
    expect_error("kind: Deployment\nmetadata: {name: d}\n"
                 "spec: {strategy: {rollingUpdate: {maxUnavailable: 150%}}}\n",
                 NV_E_VALUE, "more than 100%", "maxUnavailable: ^150%");
    expect_error("kind: CronJob\nmetadata: {name: d}\nspec: {concurrencyPolicy: Never}\n",
                 NV_E_VALUE,
                 "unknown concurrencyPolicy 'Never' (expected Allow, Forbid or Replace)",
                 "concurrencyPolicy: ^Never");
    expect_error("kind: CronJob\nmetadata: {name: d}\n"
                 "spec: {jobTemplate: {spec: {completions: -2}}}\n",
                 NV_E_VALUE, "'completions' -2 is negative", "completions: ^-2");
    expect_error("kind: StatefulSet\nmetadata: {name: d}\nspec: {ordinals: {start: -1}}\n",
                 NV_E_VALUE, "'start' -1 is negative", "start: ^-1");
    /* HorizontalPodAutoscaler */
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: Deployment, name: d}}\n",
                 NV_E_MISSING, "has no 'maxReplicas'", "spec: ^{");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 0}\n",
                 NV_E_VALUE, "at least 1", "maxReplicas: ^0");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 2,\n"
                 "  minReplicas: 3}\n",
                 NV_E_VALUE, "'minReplicas' 3 is more than 'maxReplicas' 2", "minReplicas: ^3");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: Deployment}, maxReplicas: 2}\n",
                 NV_E_MISSING, "scaleTargetRef needs 'kind' and 'name'", "scaleTargetRef: ^{");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {maxReplicas: 2}\n",
                 NV_E_MISSING, "has no 'scaleTargetRef'", "spec: ^{");
    expect_error("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: D, name: d}, maxReplicas: 2, metrics: []}\n",
                 NV_E_VALUE, "unknown field 'metrics' in a HorizontalPodAutoscaler spec",
                 "2, ^metrics");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: D, name: d, uid: x}, maxReplicas: 2}\n",
                 NV_E_VALUE, "unknown field 'uid' in scaleTargetRef", "d, ^uid");
    expect_error("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
                 "spec: {scaleTargetRef: {kind: D, name: d}, maxReplicas: two}\n",
                 NV_E_TYPE, "'maxReplicas' must be an integer", "maxReplicas: ^two");
}

/* Label value of key on the first pod of workload id, or NULL. */
static const char *label_of(const struct nv_model *m, const char *id, const char *key)
{
    return nv_labels_get(&m->pods[wl(m, id)->pods[0]].labels, key);
}

static void test_controller_labels(void **state)
{
    static const char text[] =
        "kind: Job\n"
        "metadata: {name: j, namespace: a}\n"
        "spec: {template: {metadata: {labels: {app: x}}}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: jm, namespace: a}\n"
        "spec: {manualSelector: true, selector: {matchLabels: {app: x}}, template: {metadata: "
        "{labels: {app: x}}}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: jown, namespace: a}\n"
        "spec: {template: {metadata: {labels: {job-name: mine}}}}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: c, namespace: a}\n"
        "spec: {jobTemplate: {spec: {template: {}}}}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d, namespace: a}\n"
        "spec: {selector: {matchLabels: {pod-template-hash: abc}}, template: {metadata: {labels: "
        "{pod-template-hash: abc}}}}\n"
        "---\n"
        "kind: DaemonSet\n"
        "metadata: {name: ds, namespace: a}\n"
        "spec: {selector: {matchLabels: {app: ds}}, template: {metadata: {labels: {app: ds}}}}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: s, namespace: a}\n"
        "spec: {replicas: 2, ordinals: {start: 5}, selector: {matchLabels: {app: s}},\n"
        "       template: {metadata: {labels: {app: s}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata: {name: p, namespace: a, labels: {job-name: old}}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const char *u = nv_model_unknown_value;

    (void)state;
    assert_string_equal(label_of(m, "a/j", "job-name"), "j");
    assert_string_equal(label_of(m, "a/j", "batch.kubernetes.io/job-name"), "j");
    assert_string_equal(label_of(m, "a/j", "controller-uid"), u);
    assert_string_equal(label_of(m, "a/j", "batch.kubernetes.io/controller-uid"), u);
    assert_string_equal(label_of(m, "a/j", "app"), "x");
    assert_null(label_of(m, "a/jm", "job-name"));
    assert_null(label_of(m, "a/jm", "controller-uid"));
    assert_string_equal(label_of(m, "a/jown", "job-name"), "mine");
    assert_string_equal(label_of(m, "a/jown", "batch.kubernetes.io/job-name"), "jown");
    assert_string_equal(label_of(m, "a/c", "job-name"), u);
    assert_string_equal(label_of(m, "a/c", "batch.kubernetes.io/job-name"), u);
    assert_string_equal(label_of(m, "a/d", "pod-template-hash"), u);
    assert_string_equal(label_of(m, "a/ds", "controller-revision-hash"), u);
    assert_string_equal(label_of(m, "a/ds", "pod-template-generation"), u);
    assert_string_equal(label_of(m, "a/s", "controller-revision-hash"), u);
    assert_string_equal(label_of(m, "a/s", "statefulset.kubernetes.io/pod-name"), "s-5");
    assert_string_equal(label_of(m, "a/s", "apps.kubernetes.io/pod-index"), "5");
    assert_string_equal(label_of(m, "a/p", "job-name"), "old"); /* a Pod keeps what it has */
    assert_null(label_of(m, "a/p", "controller-uid"));
    assert_int_equal(d.n, 0);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_statefulset_split(void **state)
{
    static const char text[] =
        "kind: StatefulSet\n"
        "metadata: {name: db, namespace: a}\n"
        "spec: {replicas: 5, selector: {matchLabels: {app: db}}, template: {metadata: {labels: "
        "{app: db}}}}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: db2, namespace: a}\n"
        "spec: {replicas: 2, selector: {matchLabels: {app: db}}, template: {metadata: {labels: "
        "{app: db}}}}\n"
        "---\n"
        "kind: NetworkPolicy\n"
        "metadata: {name: p, namespace: a}\n"
        "spec:\n"
        "  podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: db-0}}\n"
        "  ingress:\n"
        "  - from:\n"
        "    - podSelector:\n"
        "        matchExpressions:\n"
        "        - {key: apps.kubernetes.io/pod-index, operator: In, values: ['2', '02', '9']}\n"
        "    - podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: db2-1}}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_workload *w = wl(m, "a/db"), *w2 = wl(m, "a/db2");
    static const unsigned want[][3] = {{0, 1, 0}, {1, 3, 1}, {2, 1, 0}};
    size_t i;

    (void)state;
    /* db-0 and db-2 are named; db-1, db-3 and db-4 stay one group, labelled as db-1 */
    assert_int_equal(w->npods, 3);
    assert_int_equal(w->count, 5);
    for (i = 0; i < 3; i++) {
        const struct nv_pod *p = &m->pods[w->pods[i]];
        char name[16], idx[16];
        assert_int_equal(p->ordinal, want[i][0]);
        assert_int_equal(p->count, want[i][1]);
        assert_int_equal(p->remainder, want[i][2]);
        snprintf(name, sizeof(name), "db-%u", want[i][0]);
        snprintf(idx, sizeof(idx), "%u", want[i][0]);
        assert_string_equal(nv_labels_get(&p->labels, "statefulset.kubernetes.io/pod-name"), name);
        assert_string_equal(nv_labels_get(&p->labels, "apps.kubernetes.io/pod-index"), idx);
        assert_string_equal(nv_labels_get(&p->labels, "app"), "db");
    }
    /* db2: both ordinals are named (index 0 is not named for it: '2' is out of range) */
    assert_int_equal(w2->npods, 2);
    assert_int_equal(m->pods[w2->pods[0]].count, 1);
    assert_int_equal(m->pods[w2->pods[0]].remainder, 1);
    assert_int_equal(m->pods[w2->pods[0]].ordinal, 0);
    assert_int_equal(m->pods[w2->pods[1]].ordinal, 1);
    assert_int_equal(m->pods[w2->pods[1]].remainder, 0);
    /* pods of one class: db-1 with db-3 and db-4; the named pods are classes of their own */
    assert_int_not_equal(m->pods[w->pods[0]].cls, m->pods[w->pods[1]].cls);
    assert_int_equal(m->classes[m->pods[w->pods[1]].cls].count, 3);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_unknown_label_warning(void **state)
{
    static const char text[] =
        "kind: Deployment\n"
        "metadata: {name: d, namespace: a}\n"
        "spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: j, namespace: a}\n"
        "spec: {template: {}}\n"
        "---\n"
        "kind: NetworkPolicy\n"
        "metadata: {name: p1, namespace: a}\n"
        "spec:\n"
        "  podSelector: {matchLabels: {pod-template-hash: abc}}\n"
        "---\n"
        "kind: NetworkPolicy\n"
        "metadata: {name: p2, namespace: a}\n"
        "spec:\n"
        "  podSelector: {matchLabels: {job-name: j}}\n"
        "  ingress:\n"
        "  - from:\n"
        "    - podSelector: {matchExpressions: [{key: controller-uid, operator: Exists}]}\n"
        "    - podSelector: {matchExpressions: [{key: controller-uid, operator: NotIn, values: "
        "[x]}]}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    unsigned line, col;

    (void)state;
    /* job-name is known (the Job's name), Exists needs no value: two warnings only */
    assert_int_equal(d.n, 2);
    assert_int_equal(d.items[0].sev, NV_SEV_WARNING);
    assert_non_null(strstr(d.items[0].msg, "label 'pod-template-hash', which controllers set"));
    pos_of(text, "podSelector: ^{matchLabels: {pod-template-hash", &line, &col);
    assert_int_equal(d.items[0].loc.line, line);
    assert_int_equal(d.items[0].loc.col, col);
    assert_non_null(strstr(d.items[1].msg, "label 'controller-uid'"));
    pos_of(text, "- podSelector: ^{matchExpressions: [{key: controller-uid, operator: NotIn", &line,
           &col);
    assert_int_equal(d.items[1].loc.line, line);
    nv_model_free(m);
    nv_diags_release(&d);
}

/* ---- successful loads ---- */

static void test_namespaces(void **state)
{
    static const char text[] = "apiVersion: v1\n"
                               "kind: Namespace\n"
                               "metadata:\n"
                               "  name: prod\n"
                               "  labels:\n"
                               "    team: a\n"
                               "---\n"
                               "kind: Namespace\n"
                               "metadata:\n"
                               "  name: spoof\n"
                               "  labels:\n"
                               "    kubernetes.io/metadata.name: other\n"
                               "    zone: z1\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata: {name: p1, namespace: undeclared}\n"
                               "---\n"
                               "kind: Namespace\n"
                               "metadata: {name: bare}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_namespace *ns;

    (void)state;
    ns = ns_named(m, "prod");
    assert_int_equal(ns->labels.n, 2);
    assert_string_equal(nv_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "prod");
    assert_string_equal(nv_labels_get(&ns->labels, "team"), "a");
    assert_non_null(ns->loc.file);
    assert_int_equal(ns->loc.line, 1);
    ns = ns_named(m, "spoof");
    assert_int_equal(ns->labels.n, 2);
    /* the API server always sets the name label to the name */
    assert_string_equal(nv_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "spoof");
    assert_string_equal(nv_labels_get(&ns->labels, "zone"), "z1");
    ns = ns_named(m, "undeclared");
    assert_int_equal(ns->labels.n, 1);
    assert_string_equal(nv_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "undeclared");
    assert_null(ns->loc.file);
    ns = ns_named(m, "bare");
    assert_int_equal(ns->labels.n, 1);
    assert_string_equal(nv_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "bare");
    assert_int_equal(ns->loc.line, 18);
    assert_string_equal(wl(m, "undeclared/p1")->kind, "Pod");
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_default_namespace(void **state)
{
    static const char text[] =
        "kind: Pod\n"
        "metadata: {name: p}\n"
        "---\n"
        "kind: Deployment\n"
        "metadata: {name: d}\n"
        "spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}}}\n"
        "---\n"
        "kind: NetworkPolicy\n"
        "metadata: {name: np}\n"
        "spec: {podSelector: {}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata: {name: q, namespace: \"\"}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_workload *w;

    (void)state;
    w = wl(m, "default/p");
    assert_string_equal(w->kind, "Pod");
    assert_string_equal(m->ns[w->ns].name, "default");
    w = wl(m, "default/d");
    assert_string_equal(w->kind, "Deployment");
    assert_string_equal(nv_labels_get(&m->pods[w->pods[0]].labels, "app"), "d");
    assert_string_equal(wl(m, "default/q")->kind, "Pod");
    assert_string_equal(pol_named(m, "np")->ns, "default");
    assert_string_equal(m->ns[pol_named(m, "np")->nsidx].name, "default");
    assert_int_equal(m->nworkloads, 3);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_owner_references(void **state)
{
    static const char text[] =
        "kind: Pod\n"
        "metadata:\n"
        "  name: web-abc-1\n"
        "  labels: {app: web}\n"
        "  ownerReferences:\n"
        "  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, controller: true}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web-abc-2\n"
        "  labels: {app: web}\n"
        "  ownerReferences:\n"
        "  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, controller: true}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: job-x-1\n"
        "  ownerReferences:\n"
        "  - {apiVersion: batch/v1, kind: Job, name: job-x, controller: yes}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: notctl\n"
        "  ownerReferences:\n"
        "  - {kind: ReplicaSet, name: rs-y, controller: false}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: nodeowned\n"
        "  ownerReferences:\n"
        "  - {kind: Node, name: node-1, controller: true}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: noflag\n"
        "  ownerReferences:\n"
        "  - {kind: ReplicaSet, name: rs-z}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: second\n"
        "  ownerReferences:\n"
        "  - {kind: Foo, name: other, controller: false}\n"
        "  - {kind: StatefulSet, name: db, controller: true}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_workload *w;

    (void)state;
    w = wl(m, "default/web-abc");
    assert_string_equal(w->kind, "ReplicaSet");
    assert_string_equal(w->name, "web-abc");
    assert_int_equal(w->npods, 2); /* pods of one owner merge into one workload */
    assert_string_equal(m->pods[w->pods[0]].name, "web-abc-1");
    assert_string_equal(m->pods[w->pods[1]].name, "web-abc-2");
    assert_int_equal(m->pods[w->pods[0]].workload, (unsigned)(w - m->workloads));
    assert_int_equal(m->pods[w->pods[1]].workload, (unsigned)(w - m->workloads));
    w = wl(m, "default/job-x");
    assert_string_equal(w->kind, "Job"); /* controller: yes is true (YAML 1.1) */
    assert_int_equal(w->npods, 1);
    assert_string_equal(wl(m, "default/notctl")->kind, "Pod");
    assert_string_equal(wl(m, "default/nodeowned")->kind, "Pod");
    assert_string_equal(wl(m, "default/noflag")->kind, "Pod");
    assert_string_equal(wl(m, "default/db")->kind, "StatefulSet");
    assert_true(nv_model_find_workload(m, "default/web-abc-1") < 0);
    assert_true(nv_model_find_workload(m, "default/rs-y") < 0);
    assert_true(nv_model_find_workload(m, "default/node-1") < 0);
    assert_true(nv_model_find_workload(m, "default/second") < 0);
    assert_int_equal(m->nworkloads, 6);
    assert_int_equal(m->npods, 7);
    nv_model_free(m);
    nv_diags_release(&d);
}

/* The warning with 'frag' in its message, or a failure. */
static const struct nv_diag *find_warning(const struct nv_diags *d, const char *frag)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (d->items[i].sev == NV_SEV_WARNING && strstr(d->items[i].msg, frag))
            return &d->items[i];
    dump_diags(d);
    fail_msg("no warning saying '%s'", frag);
    return NULL;
}

/*
 * Issue 11: a Pod naming a Deployment as its controller was merged into the
 * Deployment's workload and vanished from every output. Kubernetes'
 * controllers make only Deployment -> ReplicaSet -> Pod, CronJob -> Job ->
 * Pod and StatefulSet/DaemonSet/Job/ReplicaSet/ReplicationController -> Pod,
 * so such a Pod is a workload of its own, with a warning at the reference.
 */
static void test_owner_chains(void **state)
{
    static const char text[] =
        "kind: Deployment\n"
        "metadata: {name: frontend, namespace: web}\n"
        "spec: {selector: {matchLabels: {app: frontend}}, template: {metadata: {labels: {app: "
        "frontend}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: miner\n"
        "  namespace: web\n"
        "  labels: {app: miner}\n"
        "  ownerReferences:\n"
        "  - {apiVersion: apps/v1, kind: Deployment, name: frontend, controller: true}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: nightly, namespace: web}\n"
        "spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: nightly}}}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: cron-direct\n"
        "  namespace: web\n"
        "  ownerReferences: [{kind: CronJob, name: nightly, controller: true}]\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: pod-owned\n"
        "  namespace: web\n"
        "  ownerReferences: [{kind: Pod, name: miner, controller: true}]\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: fake-rs\n"
        "  namespace: web\n"
        "  ownerReferences:\n"
        "  - {apiVersion: example.com/v1, kind: ReplicaSet, name: frontend-7d4b9, controller: "
        "true}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: frontend-7d4b9-x1\n"
        "  namespace: web\n"
        "  ownerReferences:\n"
        "  - {apiVersion: apps/v1, kind: ReplicaSet, name: frontend-7d4b9, controller: true}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: vm-launcher\n"
        "  namespace: web\n"
        "  ownerReferences:\n"
        "  - {apiVersion: kubevirt.io/v1, kind: VirtualMachineInstance, name: vm1, "
        "controller: true}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_diag *g;

    (void)state;
    assert_string_equal(wl(m, "web/miner")->kind, "Pod");
    assert_int_equal(wl(m, "web/frontend")->npods, 2); /* its template and its ReplicaSet's pod */
    assert_string_equal(wl(m, "web/cron-direct")->kind, "Pod");
    assert_string_equal(wl(m, "web/pod-owned")->kind, "Pod");
    assert_string_equal(wl(m, "web/fake-rs")->kind, "Pod");
    assert_string_equal(wl(m, "web/vm1")->kind, "VirtualMachineInstance"); /* custom: trusted */
    g = find_warning(&d, "'miner' names the Deployment 'frontend' as its controller");
    assert_int_equal(g->loc.line, 11);
    assert_int_equal(g->loc.col, 5);
    find_warning(&d, "'cron-direct' names the CronJob 'nightly'");
    find_warning(&d, "'pod-owned' names the Pod 'miner'");
    find_warning(&d, "of apiVersion 'example.com/v1' as its controller, not the built-in");
    nv_model_free(m);
    nv_diags_release(&d);
}

/*
 * A ReplicaSet (Job) object joins the Deployment (CronJob) its name points to
 * only when it names no other controller; its pods follow it.
 */
static void test_owner_adoption(void **state)
{
    static const char text[] =
        "kind: Deployment\n"
        "metadata: {name: frontend}\n"
        "spec: {selector: {matchLabels: {app: frontend}}, template: {metadata: {labels: {app: "
        "frontend}}}}\n"
        "---\n"
        "kind: ReplicaSet\n"
        "metadata:\n"
        "  name: frontend-7d4b9\n"
        "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: other, "
        "controller: true}]\n"
        "spec: {selector: {matchLabels: {app: other}}, template: {metadata: {labels: {app: "
        "other}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: frontend-7d4b9-x1\n"
        "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: frontend-7d4b9, "
        "controller: true}]\n"
        "---\n"
        "kind: ReplicaSet\n"
        "metadata:\n"
        "  name: frontend-5f6c8\n"
        "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: frontend, "
        "controller: true}]\n"
        "spec: {selector: {matchLabels: {app: frontend}}, template: {metadata: {labels: {app: "
        "frontend}}}}\n"
        "---\n"
        "kind: ReplicaSet\n"
        "metadata:\n"
        "  name: odd\n"
        "  ownerReferences: [{kind: StatefulSet, name: db, controller: true}]\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_workload *w;

    (void)state;
    w = wl(m, "default/frontend-7d4b9");
    assert_string_equal(w->kind, "ReplicaSet");
    assert_int_equal(w->npods, 2); /* the object's template and its pod */
    w = wl(m, "default/frontend");
    assert_string_equal(w->kind, "Deployment");
    assert_int_equal(w->npods, 2); /* its template and frontend-5f6c8's */
    assert_string_equal(wl(m, "default/odd")->kind, "ReplicaSet");
    find_warning(&d, "'odd' names the StatefulSet 'db' as its controller");
    nv_model_free(m);
    nv_diags_release(&d);
}

/*
 * Fields as Kubernetes decodes them from the JSON sigs.k8s.io/yaml makes of
 * the YAML (the go-yaml v2 rules are tabled in test_yaml.c): a port is an
 * IntOrString, so a JSON number (0x50, 80.0) is a number and a JSON string
 * a name; an integral float is an integer (encoding/json writes float 80 as
 * 80); a label value must be a JSON string; 'controller' a JSON boolean.
 * 'want' is the port number read, or a port name in quotes, or the start of
 * the error.
 */
static void test_field_decoding(void **state)
{
    static const struct {
        const char *value, *want, *rule;
    } ports[] = {
        {"80", "80", "JSON 80: IntOrString int"},
        {"0x50", "80", "ParseInt base 0"},
        {"0o120", "80", "ParseInt base 0"},
        {"0b1010000", "80", "ParseInt base 0"},
        {"012", "10", "ParseInt base 0: octal"},
        {"+80", "80", "ParseInt: a sign"},
        {"8_0", "80", "'_' removed"},
        {"80.0", "80", "a float; JSON 80 fits int32"},
        {"8e+1", "80", "a float; JSON 80"},
        {"08", "8", "a float (yamlStyleFloat); JSON 8"},
        {"!!int \"80\"", "80", "!!int"},
        {"!!float 80", "80", "!!float; JSON 80"},
        {"http", "'http'", "a string: a named port"},
        {"8e1", "'8e1'", "yamlStyleFloat needs an exponent sign: a string, a valid port name"},
        {"\"80\"", "invalid port name", "a JSON string: a name, and '80' is not one"},
        {"!!str 80", "invalid port name", "!!str"},
        {"80.5", "'port' must be an integer", "JSON 80.5 does not fit int32"},
        {"1e+21", "'port' must be an integer", "JSON 1e+21 does not fit int32"},
        {"yes", "'port' must be an integer", "a boolean"},
        {"65536", "outside 1-65535", "out of range"},
        {"9223372036854775808", "out of range", "a uint64"},
        {"!!binary ODA=", "invalid port name", "!!binary: the string \"80\""},
    };
    static const struct {
        const char *labels, *want, *rule;
    } labels[] = {
        {"{app: web}", "app=web", "a string"},
        {"{app: \"yes\"}", "app=yes", "quoted: a string"},
        {"{app: !!str 0x50}", "app=0x50", "!!str"},
        {"{app: ~}", "app=", "null decodes as the empty string"},
        {"{app: !!binary d2Vi}", "app=web", "!!binary"},
        {"{yes: web}", "true=web", "a bool key becomes \"true\""},
        {"{0x50: web}", "80=web", "an int key becomes \"80\""},
        {"{app: 0x50}", "must be a string, not an integer", "ParseInt: JSON 80"},
        {"{app: 1_000}", "must be a string, not an integer", "ParseInt: JSON 1000"},
        {"{app: 80.0}", "must be a string, not a number", "a float"},
        {"{app: yes}", "must be a string, not a boolean", "the resolve map"},
        {"{app: on}", "must be a string, not a boolean", "the resolve map"},
    };
    static const struct {
        const char *value, *want, *rule;
    } controllers[] = {
        {"true", "Job", "a boolean"},
        {"yes", "Job", "the resolve map: true"},
        {"On", "Job", "the resolve map: true"},
        {"no", "Pod", "the resolve map: false"},
        {"~", "Pod", "null: not set"},
        {"\"true\"", "'controller' must be a boolean", "a JSON string"},
        {"1", "'controller' must be a boolean", "a JSON number"},
    };
    char text[512];
    size_t i, bad = 0;

    (void)state;
    for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        struct nv_diags d;
        struct nv_model *m;
        char got[128] = "";
        snprintf(text, sizeof(text),
                 "kind: Pod\nmetadata: {name: p}\n---\nkind: NetworkPolicy\nmetadata: {name: np}\n"
                 "spec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: %s\n",
                 ports[i].value);
        m = load(text, &d);
        if (m) {
            const struct nv_portspec *ps = &m->policies[0]->rules[NV_INGRESS][0].ports[0];
            if (ps->name)
                snprintf(got, sizeof(got), "'%s'", ps->name);
            else
                snprintf(got, sizeof(got), "%u", ps->port);
        } else {
            snprintf(got, sizeof(got), "%s", d.n ? d.items[0].msg : "?");
        }
        if (m ? strcmp(got, ports[i].want) : !strstr(got, ports[i].want)) {
            print_message("port: %s read as %s, Kubernetes: %s (%s)\n", ports[i].value, got,
                          ports[i].want, ports[i].rule);
            bad++;
        }
        nv_model_free(m);
        nv_diags_release(&d);
    }
    for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        struct nv_diags d;
        struct nv_model *m;
        char got[128] = "";
        snprintf(text, sizeof(text), "kind: Pod\nmetadata:\n  name: p\n  labels: %s\n",
                 labels[i].labels);
        m = load(text, &d);
        if (m && m->npods == 1 && m->pods[0].labels.n == 1)
            snprintf(got, sizeof(got), "%s=%s", m->pods[0].labels.keys[0],
                     m->pods[0].labels.vals[0]);
        else if (!m)
            snprintf(got, sizeof(got), "%s", d.n ? d.items[0].msg : "?");
        if (m ? strcmp(got, labels[i].want) : !strstr(got, labels[i].want)) {
            print_message("labels: %s read as %s, Kubernetes: %s (%s)\n", labels[i].labels, got,
                          labels[i].want, labels[i].rule);
            bad++;
        }
        nv_model_free(m);
        nv_diags_release(&d);
    }
    for (i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
        struct nv_diags d;
        struct nv_model *m;
        char got[128] = "";
        snprintf(text, sizeof(text),
                 "kind: Pod\nmetadata:\n  name: p\n  ownerReferences:\n"
                 "  - {apiVersion: batch/v1, kind: Job, name: j, controller: %s}\n",
                 controllers[i].value);
        m = load(text, &d);
        if (m && m->nworkloads == 1)
            snprintf(got, sizeof(got), "%s", m->workloads[0].kind);
        else if (!m)
            snprintf(got, sizeof(got), "%s", d.n ? d.items[0].msg : "?");
        if (m ? strcmp(got, controllers[i].want) : !strstr(got, controllers[i].want)) {
            print_message("controller: %s read as %s, Kubernetes: %s (%s)\n", controllers[i].value,
                          got, controllers[i].want, controllers[i].rule);
            bad++;
        }
        nv_model_free(m);
        nv_diags_release(&d);
    }
    {
        /* a null item of matchExpressions values decodes as "" ([]string in JSON) */
        struct nv_diags d;
        struct nv_model *m = load_ok("kind: NetworkPolicy\nmetadata: {name: np}\nspec:\n"
                                     "  podSelector:\n    matchExpressions:\n"
                                     "    - {key: app, operator: In, values: [~, a]}\n",
                                     &d);
        const struct nv_requirement *r = &m->policies[0]->subject->reqs[0];
        if (r->nvalues != 2 || strcmp(r->values[0], "") || strcmp(r->values[1], "a")) {
            print_message("values [~, a] read as %zu values\n", r->nvalues);
            bad++;
        }
        nv_model_free(m);
        nv_diags_release(&d);
    }
    if (bad)
        fail_msg("%zu fields read differently from Kubernetes", bad);
}

/*
 * A controller reference without a kind (the API server requires one;
 * netpol-analyzer's test inputs omit it) groups Pods by the owner's name, with
 * a warning; a Pod object of that name makes it an error, since the Pods would
 * otherwise hide in that Pod's workload.
 */
static void test_owner_without_kind(void **state)
{
    static const char ok[] = "kind: Pod\n"
                             "metadata:\n"
                             "  name: a\n"
                             "  ownerReferences: [{name: group, controller: true}]\n"
                             "---\n"
                             "kind: Pod\n"
                             "metadata:\n"
                             "  name: b\n"
                             "  ownerReferences: [{name: group, controller: true}]\n";
    static const char clash[] = "kind: Pod\n"
                                "metadata: {name: web-0, labels: {app: web}}\n"
                                "---\n"
                                "kind: Pod\n"
                                "metadata:\n"
                                "  name: miner\n"
                                "  ownerReferences: [{name: web-0, controller: true}]\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(ok, &d);
    const struct nv_workload *w = wl(m, "default/group");

    (void)state;
    assert_string_equal(w->kind, "Pod");
    assert_int_equal(w->npods, 2);
    find_warning(&d, "ownerReference has no 'kind'");
    nv_model_free(m);
    nv_diags_release(&d);
    expect_error(clash, NV_E_DUP, "names 'web-0' as its controller without a kind",
                 "---\n^kind: Pod\nmetadata:\n  name: miner");
}

/* ownerReferences and generateName as the API server validates them. */
static void test_owner_validation(void **state)
{
    static const char head[] = "kind: Pod\nmetadata:\n  name: p\n  ownerReferences:\n  - ";
    char text[512];

    (void)state;
    snprintf(text, sizeof(text), "%s%s", head,
             "{kind: ReplicaSet, name: \"x\\n\\n**netverify: holds**\", controller: true}\n");
    expect_error(text, NV_E_VALUE, "invalid ownerReference name",
                 "  - {kind: ReplicaSet, name: ^\"");
    snprintf(text, sizeof(text), "%s%s", head,
             "{kind: \"Replica Set\", name: rs, controller: true}\n");
    expect_error(text, NV_E_VALUE, "invalid ownerReference kind", "kind: ^\"Replica");
    snprintf(text, sizeof(text), "%s%s", head, "{kind: ReplicaSet, controller: true}\n");
    expect_error(text, NV_E_MISSING, "has no 'name'", "  - ^{kind: ReplicaSet, controller");
    snprintf(text, sizeof(text), "%s%s", head,
             "{kind: ReplicaSet, name: rs, controller: \"true\"}\n");
    expect_error(text, NV_E_TYPE, "'controller' must be a boolean", "controller: ^\"true");
    snprintf(text, sizeof(text), "%s%s", head,
             "{kind: ReplicaSet, name: rs, controller: true}\n"
             "  - {kind: Job, name: j, controller: true}\n");
    expect_error(text, NV_E_VALUE, "only one ownerReference may be the controller",
                 "  - ^{kind: Job");
    snprintf(text, sizeof(text), "%s%s", head,
             "{kind: ReplicaSet, name: rs, controller: true, owner: me}\n");
    expect_error(text, NV_E_VALUE, "unknown field 'owner' in an ownerReference", "true, ^owner");
    snprintf(text, sizeof(text), "%s%s", head,
             "{apiVersion: apps/, kind: ReplicaSet, name: rs, controller: true}\n");
    expect_error(text, NV_E_VALUE, "has no version", "apiVersion: ^apps/");
    expect_error("kind: Pod\nmetadata:\n  generateName: \"Web_\"\n", NV_E_VALUE,
                 "invalid generateName", "generateName: ^\"Web_");
    expect_error("kind: Pod\nmetadata:\n  name: ok\n  generateName: \"a b-\"\n", NV_E_VALUE,
                 "invalid generateName", "generateName: ^\"a b");
    expect_error("kind: Namespace\nmetadata:\n  generateName: \"ns.\"\n", NV_E_VALUE,
                 "invalid generateName", "generateName: ^\"ns.");
    expect_error("kind: Pod\nmetadata:\n  generateName: 80\n", NV_E_TYPE,
                 "'generateName' must be a string", "generateName: ^80");
}

static void test_workload_kinds(void **state)
{
    static const char text[] =
        "kind: Deployment\n"
        "metadata: {name: dep, namespace: ns1}\n"
        "spec:\n"
        "  selector: {matchLabels: {app: dep}}\n"
        "  template:\n"
        "    metadata: {labels: {app: dep}}\n"
        "    spec:\n"
        "      containers:\n"
        "      - name: c1\n"
        "        ports:\n"
        "        - {name: http, containerPort: 8080}\n"
        "        - {name: dns, containerPort: 53, protocol: UDP}\n"
        "        - {containerPort: 9999}\n"
        "      - name: c2\n"
        "        ports:\n"
        "        - {name: sctp-x, containerPort: 9003, protocol: SCTP}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: sts, namespace: ns1}\n"
        "spec: {selector: {matchLabels: {app: sts}}, template: {metadata: {labels: {app: sts}}}}\n"
        "---\n"
        "kind: DaemonSet\n"
        "metadata: {name: ds, namespace: ns1}\n"
        "spec: {selector: {matchLabels: {app: ds}}, template: {metadata: {labels: {app: ds}}}}\n"
        "---\n"
        "kind: Job\n"
        "metadata: {name: job, namespace: ns1}\n"
        "spec: {template: {metadata: {labels: {app: job}}}}\n"
        "---\n"
        "kind: CronJob\n"
        "metadata: {name: cron, namespace: ns1}\n"
        "spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: cron}}}}}}\n"
        "---\n"
        "kind: ReplicaSet\n"
        "metadata: {name: rs, namespace: ns1}\n"
        "spec: {selector: {matchLabels: {app: rs}}, template: {metadata: {labels: {app: rs}}}}\n"
        "---\n"
        "kind: ReplicationController\n"
        "metadata: {name: rc, namespace: ns1}\n"
        "spec: {template: {metadata: {labels: {app: rc}}}}\n"
        "---\n"
        "kind: ConfigMap\n"
        "metadata: {name: cm, namespace: ns1}\n"
        "---\n"
        "kind: Service\n"
        "metadata: {name: svc, namespace: ns1}\n"
        "spec:\n"
        "  selector: {app: dep}\n"
        "  ports: [{port: 80, targetPort: http}, {port: 53, protocol: UDP}]\n";
    static const char *const kinds[][2] = {
        {"ns1/dep", "Deployment"},
        {"ns1/sts", "StatefulSet"},
        {"ns1/ds", "DaemonSet"},
        {"ns1/job", "Job"},
        {"ns1/cron", "CronJob"},
        {"ns1/rs", "ReplicaSet"},
        {"ns1/rc", "ReplicationController"},
    };
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_pod *pod;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        const struct nv_workload *w = wl(m, kinds[i][0]);
        assert_string_equal(w->kind, kinds[i][1]);
        assert_string_equal(nv_labels_get(&m->pods[w->pods[0]].labels, "app"), w->name);
    }
    assert_int_equal(m->nworkloads, 7); /* the ConfigMap is skipped */
    {
        const struct nv_diag *g = find_diag(&d, NV_W_SKIPPED, "ConfigMap");
        assert_int_equal(g->sev, NV_SEV_NOTE);
        assert_int_equal(g->loc.line, 42);
    }
    /* named container ports across containers; unnamed ones are not kept as names */
    pod = &m->pods[wl(m, "ns1/dep")->pods[0]];
    assert_int_equal(pod->nports, 3);
    for (i = 0; i < pod->nports; i++) {
        const struct nv_named_port *p = &pod->ports[i];
        if (!strcmp(p->name, "http")) {
            assert_int_equal(p->proto, NV_PROTO_TCP);
            assert_int_equal(p->port, 8080);
        } else if (!strcmp(p->name, "dns")) {
            assert_int_equal(p->proto, NV_PROTO_UDP);
            assert_int_equal(p->port, 53);
        } else {
            assert_string_equal(p->name, "sctp-x");
            assert_int_equal(p->proto, NV_PROTO_SCTP);
            assert_int_equal(p->port, 9003);
        }
    }
    /* the Service */
    assert_int_equal(m->nservices, 1);
    assert_string_equal(m->services[0].name, "svc");
    assert_int_equal(m->services[0].nports, 2);
    assert_string_equal(m->services[0].ports[0].target_name, "http");
    assert_int_equal(m->services[0].ports[1].proto, NV_PROTO_UDP);
    assert_int_equal(m->services[0].ports[1].target, 53);
    assert_non_null(m->services[0].selector);
    assert_true(nv_selector_matches(m->services[0].selector, &pod->labels));
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_lists(void **state)
{
    static const char text[] = "kind: List\n"
                               "items:\n"
                               "- kind: Pod\n"
                               "  metadata: {name: a}\n"
                               "- kind: Namespace\n"
                               "  metadata: {name: listed, labels: {x: z}}\n"
                               "---\n"
                               "kind: PodList\n"
                               "items:\n"
                               "- metadata: {name: b, namespace: listed}\n"
                               "- metadata: {name: c, namespace: listed}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);

    (void)state;
    assert_string_equal(wl(m, "default/a")->kind, "Pod");
    assert_string_equal(wl(m, "listed/b")->kind, "Pod");
    assert_string_equal(wl(m, "listed/c")->kind, "Pod");
    assert_string_equal(nv_labels_get(&ns_named(m, "listed")->labels, "x"), "z");
    assert_int_equal(m->nworkloads, 3);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_policy_types(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: none}\n"
                               "spec: {podSelector: {}, ingress: [{}]}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: with-egress}\n"
                               "spec: {podSelector: {}, egress: [{}]}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: empty-egress}\n"
                               "spec: {podSelector: {}, egress: []}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: explicit-egress}\n"
                               "spec: {podSelector: {}, policyTypes: [Egress]}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: both}\n"
                               "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: empty-types}\n"
                               "spec: {podSelector: {}, policyTypes: [], egress: [{}]}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: nothing}\n"
                               "spec: {podSelector: {}}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: ignored-ingress}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  policyTypes: [Egress]\n"
                               "  ingress: [{}]\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);

    (void)state;
    assert_int_equal(pol_named(m, "none")->types, NV_TYPE_INGRESS);
    assert_int_equal(pol_named(m, "none")->nrules[NV_INGRESS], 1);
    assert_int_equal(pol_named(m, "with-egress")->types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    assert_int_equal(pol_named(m, "empty-egress")->types, NV_TYPE_INGRESS);
    assert_int_equal(pol_named(m, "explicit-egress")->types, NV_TYPE_EGRESS);
    assert_int_equal(pol_named(m, "both")->types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    assert_int_equal(pol_named(m, "both")->nrules[NV_INGRESS], 0);
    assert_int_equal(pol_named(m, "both")->nrules[NV_EGRESS], 0);
    assert_int_equal(pol_named(m, "empty-types")->types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    assert_int_equal(pol_named(m, "nothing")->types, NV_TYPE_INGRESS);
    assert_int_equal(pol_named(m, "ignored-ingress")->types, NV_TYPE_EGRESS);
    {
        /* ingress rules that policyTypes switches off are kept, not an error, and
         * the loader says nothing: lint's ignored-direction reports them */
        size_t i;
        assert_int_equal(pol_named(m, "ignored-ingress")->nrules[NV_INGRESS], 1);
        for (i = 0; i < d.n; i++)
            assert_null(strstr(d.items[i].msg, "ignored-ingress"));
    }
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_policy_rules(void **state)
{
    static const char text[] =
        "kind: NetworkPolicy\n"
        "metadata: {name: np, namespace: app}\n"
        "spec:\n"
        "  podSelector:\n"
        "    matchLabels: {app: db}\n"
        "    matchExpressions:\n"
        "    - {key: tier, operator: NotIn, values: [a, b]}\n"
        "    - {key: env, operator: DoesNotExist}\n"
        "  ingress:\n"
        "  - from:\n"
        "    - podSelector: {matchLabels: {role: fe}}\n"
        "    - namespaceSelector: {matchLabels: {team: x}}\n"
        "    - podSelector: {}\n"
        "      namespaceSelector: {matchExpressions: [{key: t, operator: Exists}]}\n"
        "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.4/32]}\n"
        "    ports:\n"
        "    - port: 80\n"
        "    - {protocol: UDP, port: 53}\n"
        "    - {port: 8000, endPort: 8100}\n"
        "    - {port: http}\n"
        "    - {protocol: SCTP}\n"
        "  - {}\n"
        "  - from: []\n"
        "    ports: []\n"
        "  egress:\n"
        "  - to: [{ipBlock: {cidr: 192.168.1.7/24}}]\n"
        "    ports: [{port: dns, protocol: UDP}]\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_policy *p = pol_named(m, "np");
    const struct nv_rule *r;
    const struct nv_peer *pe;

    (void)state;
    assert_string_equal(p->ns, "app");
    assert_int_equal(p->types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    assert_int_equal(p->subject->n, 3);
    assert_int_equal(p->loc.line, 1);
    assert_int_equal(p->nrules[NV_INGRESS], 3);
    assert_int_equal(p->nrules[NV_EGRESS], 1);
    r = &p->rules[NV_INGRESS][0];
    assert_ptr_equal(r->policy, p);
    assert_int_equal(r->dir, NV_INGRESS);
    assert_int_equal(r->index, 0);
    assert_int_equal(r->loc.line, 10);
    assert_int_equal(r->loc.col, 5);
    assert_false(r->all_peers);
    assert_false(r->all_ports);
    assert_int_equal(r->npeers, 4);
    pe = &r->peers[0];
    assert_int_equal(pe->kind, NV_PEER_PODS);
    assert_null(pe->ns_sel); /* the policy's own namespace */
    assert_non_null(pe->pod_sel);
    assert_int_equal(pe->loc.line, 11);
    assert_int_equal(pe->loc.col, 7);
    pe = &r->peers[1];
    assert_int_equal(pe->kind, NV_PEER_PODS);
    assert_non_null(pe->ns_sel);
    assert_null(pe->pod_sel); /* every pod */
    pe = &r->peers[2];
    assert_non_null(pe->ns_sel);
    assert_non_null(pe->pod_sel);
    assert_true(nv_selector_is_empty(pe->pod_sel));
    assert_int_equal(pe->ns_sel->n, 1);
    assert_int_equal(pe->ns_sel->reqs[0].op, NV_SEL_EXISTS);
    pe = &r->peers[3];
    assert_int_equal(pe->kind, NV_PEER_IPBLOCK);
    assert_int_equal(pe->cidr.first.lo, 0x0a000000u);
    assert_int_equal(pe->cidr.last.lo, 0x0affffffu);
    assert_int_equal(pe->nexcept, 2);
    assert_int_equal(pe->except[0].first.lo, 0x0a010000u);
    assert_int_equal(pe->except[0].last.lo, 0x0a01ffffu);
    assert_int_equal(pe->except[1].first.lo, 0x0a020304u);
    assert_int_equal(pe->except[1].last.lo, 0x0a020304u);
    assert_int_equal(r->nports, 5);
    assert_true(r->has_named);
    assert_string_equal(nv_ports_format(m->ports, r->numeric), "TCP 80,8000-8100;UDP 53;SCTP");
    assert_string_equal(r->ports[3].name, "http");
    assert_int_equal(r->ports[3].proto, NV_PROTO_TCP);
    assert_int_equal(r->ports[2].port, 8000);
    assert_int_equal(r->ports[2].end, 8100);
    assert_int_equal(r->ports[4].port, 0);
    assert_int_equal(r->ports[4].proto, NV_PROTO_SCTP);
    r = &p->rules[NV_INGRESS][1];
    assert_true(r->all_peers);
    assert_true(r->all_ports);
    assert_int_equal(r->numeric, NV_PORTS_ALL);
    assert_int_equal(r->index, 1);
    r = &p->rules[NV_INGRESS][2];
    assert_true(r->all_peers); /* from: [] */
    assert_true(r->all_ports); /* ports: [] */
    assert_int_equal(r->numeric, NV_PORTS_ALL);
    r = &p->rules[NV_EGRESS][0];
    assert_int_equal(r->dir, NV_EGRESS);
    assert_int_equal(r->npeers, 1);
    assert_int_equal(r->peers[0].cidr.first.lo, 0xc0a80100u); /* host bits cleared */
    assert_int_equal(r->peers[0].cidr.last.lo, 0xc0a801ffu);
    assert_true(r->has_named);
    assert_int_equal(r->numeric, NV_PORTS_NONE);
    assert_int_equal(r->ports[0].proto, NV_PROTO_UDP);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void add_doc(const struct nv_node *root, unsigned docno, void *ctx)
{
    (void)docno;
    nv_k8s_add_document(ctx, root);
}

/* Load 'text' into model m document by document (as mem.yaml); the caller frees the loader. */
static struct nv_k8s *load_into(struct nv_model *m, char *text, struct nv_diags *d)
{
    struct nv_yaml_limits lim;
    struct nv_arena scratch;
    struct nv_k8s *k;
    FILE *fp = fmemopen(text, strlen(text), "r");

    assert_non_null(fp);
    nv_diags_init(d);
    k = nv_k8s_new(m, d);
    nv_yaml_limits_default(&lim);
    nv_arena_init(&scratch);
    assert_int_equal(nv_yaml_load(fp, "mem.yaml", &lim, &scratch, d, add_doc, k), 0);
    nv_arena_release(&scratch);
    fclose(fp);
    return k;
}

/* The other entry point: documents one by one into a model, then finish. */
static void test_add_document_api(void **state)
{
    static char text[] = "kind: Pod\nmetadata: {name: a, labels: {app: a}}\n"
                         "---\n"
                         "kind: Secret\nmetadata: {name: s}\n"
                         "---\n"
                         "kind: List\nitems: [{kind: Pod, metadata: {name: b}}]\n";
    struct nv_model *m = nv_model_new();
    struct nv_diags d;
    struct nv_k8s *k;
    struct nv_k8s_stats st;

    (void)state;
    k = load_into(m, text, &d);
    nv_k8s_stats(k, &st);
    assert_int_equal(st.documents, 3);
    assert_true(st.objects >= 3);
    assert_int_equal(st.skipped, 1);
    nv_k8s_free(k);
    assert_int_equal(d.nerr, 0);
    assert_int_equal(nv_model_finish(m, &d), 0);
    assert_int_equal(m->nworkloads, 2);
    assert_string_equal(wl(m, "default/a")->kind, "Pod");
    assert_string_equal(wl(m, "default/b")->kind, "Pod");
    assert_string_equal(wl(m, "default/a")->loc.file, "mem.yaml");
    assert_int_equal(wl(m, "default/b")->loc.line, 8);
    nv_model_free(m);
    nv_diags_release(&d);
}

/*
 * IPv6 ipBlocks are modelled (no warning) when the model has IPv6 addresses,
 * the default; on a model of IPv4 only they match nothing, with a warning.
 */
static void test_ipblock_families(void **state)
{
    static char text[] = "kind: NetworkPolicy\n"
                         "metadata: {name: np}\n"
                         "spec:\n"
                         "  podSelector: {}\n"
                         "  ingress:\n"
                         "  - from:\n"
                         "    - ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}\n";
    int single;

    (void)state;
    for (single = 0; single < 2; single++) {
        struct nv_model *m = nv_model_new();
        struct nv_diags d;
        const struct nv_peer *pe;

        assert_int_equal(m->families, NV_FAMILIES_ALL); /* dual-stack by default */
        if (single) {
            struct nv_profile p;
            nv_profile_init(&p);
            p.families = NV_FAMILY_BIT(NV_IPV4); /* --ip-family ipv4 */
            nv_model_set_profile(m, &p);
        }
        nv_k8s_free(load_into(m, text, &d));
        assert_int_equal(d.nerr, 0);
        assert_int_equal(nv_model_finish(m, &d), 0);
        pe = &pol_named(m, "np")->rules[NV_INGRESS][0].peers[0];
        assert_int_equal(pe->cidr.first.fam, NV_IPV6);
        assert_int_equal(pe->cidr.first.hi, 0xfd00000000000000ULL);
        assert_int_equal(pe->cidr.last.hi, 0xfdffffffffffffffULL);
        assert_int_equal(pe->except[0].first.hi, 0xfd00000100000000ULL);
        if (single) {
            assert_int_equal(d.nwarn, 1);
            assert_int_equal(find_diag(&d, NV_W_SEMANTIC,
                                       "IPv6 CIDR 'fd00::/8' is not modelled (--ip-family "
                                       "ipv4); the ipBlock matches nothing")
                                 ->loc.line,
                             7);
            assert_int_equal(m->atoms.n, 1); /* 0.0.0.0-255.255.255.255 */
        } else {
            assert_int_equal(d.nwarn, 0);
            assert_int_equal(m->atoms.n, 6); /* IPv4, then ::, fd00::, fd00:1::, fd00:2::, fe00:: */
        }
        nv_model_free(m);
        nv_diags_release(&d);
    }
}

/*
 * With no family chosen, IPv6 is modelled only when the input mentions it: an
 * IPv6 ipBlock or 'networks' CIDR, a Node address, a Service that asks for
 * IPv6. Otherwise IPv4 only, with one note; an IPv4-mapped CIDR is IPv4.
 */
static void test_families_follow_input(void **state)
{
    static const char base[] = "kind: Pod\nmetadata: {name: a, namespace: ns1}\n";
    static const struct {
        const char *more; /* appended to base */
        int ipv6;
    } cases[] = {
        {"", 0},
        {"---\nkind: NetworkPolicy\nmetadata: {name: np, namespace: ns1}\n"
         "spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: '::ffff:10.0.0.0/104'}}]}]}\n",
         0},
        {"---\nkind: NetworkPolicy\nmetadata: {name: np, namespace: ns1}\n"
         "spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: '2001:db8::/32'}}]}]}\n",
         1},
        {"---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
         "metadata: {name: a}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n"
         "  egress: [{action: Deny, to: [{networks: ['fd00::/8']}]}]\n",
         1},
        {"---\nkind: Node\nmetadata: {name: n1}\n"
         "status: {addresses: [{type: InternalIP, address: 'fd00::5'}]}\n",
         1},
        {"---\nkind: Node\nmetadata: {name: n1}\n"
         "status: {addresses: [{type: InternalIP, address: '10.0.0.5'}]}\n",
         0},
        {"---\nkind: Service\nmetadata: {name: s, namespace: ns1}\n"
         "spec: {selector: {app: a}, ipFamilies: [IPv6]}\n",
         1},
        {"---\nkind: Service\nmetadata: {name: s, namespace: ns1}\n"
         "spec: {selector: {app: a}, ipFamilyPolicy: RequireDualStack}\n",
         1},
        {"---\nkind: Service\nmetadata: {name: s, namespace: ns1}\n"
         "spec: {selector: {app: a}, clusterIP: 'fd00::1'}\n",
         1},
        {"---\nkind: Service\nmetadata: {name: s, namespace: ns1}\n"
         "spec: {selector: {app: a}, ipFamilyPolicy: SingleStack, clusterIP: None, "
         "clusterIPs: ['10.96.0.1']}\n",
         0},
    };
    size_t i, k, notes;
    char text[1024];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nv_diags d;
        struct nv_model *m;
        snprintf(text, sizeof(text), "%s%s", base, cases[i].more);
        m = load_fam(text, &d, 0);
        if (!m || d.nerr) {
            dump_diags(&d);
            fail_msg("case %zu does not load", i);
        }
        for (k = notes = 0; k < d.n; k++)
            notes += d.items[k].sev == NV_SEV_NOTE && strstr(d.items[k].msg, "mentions IPv6");
        if (m->families != (cases[i].ipv6 ? NV_FAMILIES_ALL : NV_FAMILY_BIT(NV_IPV4)) ||
            notes != (size_t)!cases[i].ipv6 || m->famauto)
            fail_msg("case %zu: families %u, %zu notes", i, m->families, notes);
        nv_model_free(m);
        nv_diags_release(&d);
    }
}

/* ---- errors: code, message, position ---- */

static void test_err_unknown_operator(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector:\n"
                               "    matchExpressions:\n"
                               "    - key: app\n"
                               "      operator: Exist\n";

    (void)state;
    expect_error(text, NV_E_SELECTOR, "unknown operator 'Exist'", "operator: ^Exist");
}

static void test_err_in_without_values(void **state)
{
    static const char text1[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector:\n"
                                "    matchExpressions:\n"
                                "    - {key: app, operator: In}\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector:\n"
                                "    matchExpressions:\n"
                                "    - {key: app, operator: NotIn, values: []}\n";

    (void)state;
    expect_error(text1, NV_E_SELECTOR, "non-empty 'values'", "operator: ^In}");
    expect_error(text2, NV_E_SELECTOR, "non-empty 'values'", "values: ^[]");
}

static void test_err_exists_with_values(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - namespaceSelector:\n"
                               "        matchExpressions:\n"
                               "        - key: team\n"
                               "          operator: Exists\n"
                               "          values: [a]\n";

    (void)state;
    expect_error(text, NV_E_SELECTOR, "must not have 'values'", "values: ^[a]");
}

static void test_err_bad_cidr(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  egress:\n"
                               "  - to:\n"
                               "    - ipBlock:\n"
                               "        cidr: 10.0.0.0/33\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  egress:\n"
                                "  - to:\n"
                                "    - ipBlock: {cidr: 10.0.0.0/8, except: [300.0.0.0/16]}\n";

    (void)state;
    expect_error(text, NV_E_CIDR, "invalid CIDR '10.0.0.0/33'", "cidr: ^10.0.0.0/33");
    expect_error(text2, NV_E_CIDR, "invalid CIDR '300.0.0.0/16'", "[^300.0.0.0/16]");
}

static void test_err_except_outside(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - ipBlock:\n"
                               "        cidr: 10.0.0.0/16\n"
                               "        except:\n"
                               "        - 10.0.1.0/24\n"
                               "        - 11.0.0.0/24\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - from:\n"
                                "    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - from:\n"
                                "    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/8]}\n";

    (void)state;
    expect_error(text, NV_E_CIDR, "not a strict subset", "- ^11.0.0.0/24");
    expect_error(text2, NV_E_CIDR, "not a strict subset", "[^10.0.0.0/16]");
    expect_error(text3, NV_E_CIDR, "not a strict subset", "[^10.0.0.0/8]");
}

/*
 * IPv4-mapped IPv6 CIDRs: the IPv4 block, as Go's net.ParseCIDR and net.IPNet
 * read them, with a warning; the except test compares the prefix lengths as
 * written, as the API server's ValidateIPBlock does.
 */
static void test_ipblock_mapped(void **state)
{
    static const char ok[] =
        "kind: NetworkPolicy\n"
        "metadata: {name: np}\n"
        "spec:\n"
        "  podSelector: {}\n"
        "  ingress:\n"
        "  - from:\n"
        "    - ipBlock: {cidr: '::ffff:10.0.0.0/104', except: ['::ffff:10.1.0.0/112']}\n"
        "    - ipBlock: {cidr: 10.0.0.0/8, except: ['::ffff:10.2.0.0/112']}\n";
    static const char bad[] =
        "kind: NetworkPolicy\n"
        "metadata: {name: np}\n"
        "spec:\n"
        "  podSelector: {}\n"
        "  ingress:\n"
        "  - from:\n"
        "    - ipBlock: {cidr: '::ffff:10.0.0.0/104', except: [10.1.0.0/16]}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(ok, &d);
    const struct nv_peer *pe = pol_named(m, "np")->rules[NV_INGRESS][0].peers;
    const struct nv_diag *w;

    (void)state;
    assert_int_equal(pe[0].cidr.first.fam, NV_IPV4);
    assert_int_equal(pe[0].cidr.first.lo, 0x0a000000u);
    assert_int_equal(pe[0].cidr.last.lo, 0x0affffffu);
    assert_int_equal(pe[0].nexcept, 1);
    assert_int_equal(pe[0].except[0].first.fam, NV_IPV4);
    assert_int_equal(pe[0].except[0].first.lo, 0x0a010000u);
    assert_int_equal(pe[0].except[0].last.lo, 0x0a01ffffu);
    assert_int_equal(pe[1].except[0].first.lo, 0x0a020000u);
    assert_int_equal(pe[1].except[0].last.lo, 0x0a02ffffu);
    assert_int_equal(d.nwarn, 3);
    w = find_diag(&d, NV_W_SEMANTIC,
                  "'::ffff:10.0.0.0/104' is an IPv4-mapped IPv6 CIDR: read as "
                  "10.0.0.0/8");
    assert_int_equal(w->loc.line, 7);
    find_diag(&d, NV_W_SEMANTIC, "read as 10.1.0.0/16");
    find_diag(&d, NV_W_SEMANTIC, "read as 10.2.0.0/16");
    nv_model_free(m);
    nv_diags_release(&d);
    /* /104 as written is not shorter than /16: the API server refuses it */
    expect_error(bad, NV_E_CIDR, "not a strict subset", "[^10.1.0.0/16]");
}

static void test_err_port_range(void **state)
{
    static const char text0[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - ports:\n"
                                "    - port: 0\n";
    static const char text1[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - ports:\n"
                                "    - {protocol: UDP, port: 70000}\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - ports:\n"
                                "    - {port: 80, endPort: 65536}\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - ports:\n"
                                "    - {port: 99999999999999999999999}\n";

    (void)state;
    expect_error(text0, NV_E_PORT, "outside 1-65535", "port: ^0");
    expect_error(text1, NV_E_PORT, "outside 1-65535", "port: ^70000");
    expect_error(text2, NV_E_PORT, "outside 1-65535", "endPort: ^65536");
    {
        /* too large for a long: still a port error (range), not a crash */
        struct nv_diags d;
        struct nv_model *m = load(text3, &d);
        assert_null(m);
        assert_int_equal(d.nerr, 1);
        assert_int_equal(d.items[0].loc.line, 7);
        assert_int_equal(d.items[0].loc.col, 14);
        nv_diags_release(&d);
    }
}

static void test_err_endport(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - ports:\n"
                               "    - port: 80\n"
                               "      endPort: 79\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  egress:\n"
                                "  - ports:\n"
                                "    - port: http\n"
                                "      endPort: 90\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  egress:\n"
                                "  - ports:\n"
                                "    - protocol: TCP\n"
                                "      endPort: 90\n";

    (void)state;
    expect_error(text, NV_E_PORT, "'endPort' 79 is below 'port' 80", "endPort: ^79");
    expect_error(text2, NV_E_PORT, "named port 'http'", "endPort: ^90");
    expect_error(text3, NV_E_PORT, "needs a numeric 'port'", "endPort: ^90");
}

static void test_err_protocol(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - ports:\n"
                               "    - protocol: tcp\n"
                               "      port: 80\n";
    static const char text2[] = "kind: Pod\n"
                                "metadata: {name: p}\n"
                                "spec:\n"
                                "  containers:\n"
                                "  - name: c\n"
                                "    ports:\n"
                                "    - {name: ping, containerPort: 7, protocol: ICMP}\n";

    (void)state;
    expect_error(text, NV_E_PORT, "unknown protocol 'tcp'", "protocol: ^tcp");
    expect_error(text2, NV_E_PORT, "unknown protocol 'ICMP'", "protocol: ^ICMP");
}

static void test_err_port_name(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - ports:\n"
                               "    - port: \"80\"\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  ingress:\n"
                                "  - ports:\n"
                                "    - port: Web_Port\n";

    (void)state;
    /* a quoted number is a string, and a port name needs a letter (as the API server says) */
    expect_error(text, NV_E_PORT, "invalid port name '80'", "port: ^\"80\"");
    expect_error(text2, NV_E_PORT, "invalid port name 'Web_Port'", "port: ^Web_Port");
}

static void test_err_peer_shape(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - ipBlock:\n"
                               "        cidr: 10.0.0.0/8\n"
                               "      podSelector: {}\n";
    static const char text2[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  egress:\n"
                                "  - to:\n"
                                "    - podSelector: {}\n"
                                "    - {}\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector: {}\n"
                                "  egress:\n"
                                "  - to:\n"
                                "    - ipBlock: {cidr: 10.0.0.0/8}\n"
                                "      namespaceSelector: {}\n";

    (void)state;
    expect_error(text, NV_E_VALUE, "may not combine 'ipBlock'", "- ^ipBlock:");
    expect_error(text2, NV_E_MISSING, "empty peer", "- ^{}");
    expect_error(text3, NV_E_VALUE, "may not combine 'ipBlock'", "- ^ipBlock: {");
}

static void test_err_types(void **state)
{
    static const char t1[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingress: allow-all\n";
    static const char t2[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingress:\n"
                             "  - from: {podSelector: {}}\n";
    static const char t3[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingress:\n"
                             "  - ports: 80\n";
    static const char t4[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector:\n"
                             "    matchLabels: [app, web]\n";
    static const char t5[] = "kind: Pod\n"
                             "metadata:\n"
                             "  name: p\n"
                             "  labels: [a, b]\n";
    static const char t6[] = "kind: Pod\n"
                             "metadata: {name: p}\n"
                             "spec:\n"
                             "  containers:\n"
                             "  - ports:\n"
                             "    - {name: http, containerPort: \"8080\"}\n";
    static const char t7[] = "kind: Pod\n"
                             "metadata:\n"
                             "  name: p\n"
                             "  labels:\n"
                             "    version: 2\n";
    static const char t8[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  policyTypes: [ingress]\n";

    (void)state;
    expect_error(t1, NV_E_TYPE, "'ingress' must be a list, not a string", "ingress: ^allow-all");
    expect_error(t2, NV_E_TYPE, "'from' must be a list, not a mapping", "from: ^{");
    expect_error(t3, NV_E_TYPE, "'ports' must be a list, not an integer", "ports: ^80");
    expect_error(t4, NV_E_TYPE, "'matchLabels' must be a mapping, not a list", "matchLabels: ^[");
    expect_error(t5, NV_E_TYPE, "'labels' must be a mapping, not a list", "labels: ^[");
    expect_error(t6, NV_E_TYPE, "'containerPort' must be an integer", "containerPort: ^\"8080\"");
    expect_error(t7, NV_E_TYPE, "must be a string, not an integer", "version: ^2");
    expect_error(t8, NV_E_VALUE, "invalid policy type 'ingress'", "[^ingress]");
}

static void test_err_duplicate(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "metadata: {name: p, namespace: a}\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata: {name: p, namespace: b}\n"
                               "---\n"
                               "kind: Service\n"
                               "metadata: {name: p, namespace: a}\n"
                               "---\n"
                               "# again\n"
                               "kind: Pod\n"
                               "metadata: {name: p, namespace: a}\n";
    static const char text2[] = "kind: Namespace\n"
                                "metadata: {name: a}\n"
                                "---\n"
                                "kind: Namespace\n"
                                "metadata: {name: a}\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec: {podSelector: {}}\n"
                                "---\n"
                                "kind: NetworkPolicy\n"
                                "metadata: {name: np, namespace: default}\n"
                                "spec: {podSelector: {}}\n";

    (void)state;
    /* same name in another namespace or of another kind is fine */
    /* reported at the name, which is what clashes */
    expect_error(text, NV_E_DUP, "Pod 'a/p' is defined more than once",
                 "# again\nkind: Pod\nmetadata: {name: ^p");
    expect_error(text2, NV_E_DUP, "Namespace 'a' is defined more than once",
                 "---\nkind: Namespace\nmetadata: {name: ^a}");
    /* no namespace means default */
    expect_error(text3, NV_E_DUP, "'default/np' is defined more than once",
                 "metadata: {name: ^np, namespace: default}");
}

static void test_err_labels(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "metadata:\n"
                               "  name: p\n"
                               "  labels:\n"
                               "    app: bad_\n";
    static const char text2[] = "kind: Deployment\n"
                                "metadata: {name: d}\n"
                                "spec:\n"
                                "  template:\n"
                                "    metadata:\n"
                                "      labels:\n"
                                "        -app: x\n";
    static const char text3[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector:\n"
                                "    matchLabels: {app: \"a b\"}\n";
    static const char text4[] = "kind: NetworkPolicy\n"
                                "metadata: {name: np}\n"
                                "spec:\n"
                                "  podSelector:\n"
                                "    matchExpressions:\n"
                                "    - {key: app, operator: In, values: [ok, -no]}\n";

    (void)state;
    expect_error(text, NV_E_SELECTOR, "invalid label value 'bad_' for 'app'", "app: ^bad_");
    expect_error(text2, NV_E_SELECTOR, "invalid label key '-app'", "^-app: x");
    expect_error(text3, NV_E_SELECTOR, "invalid matchLabels value 'a b'", "app: ^\"a b\"");
    expect_error(text4, NV_E_SELECTOR, "invalid label value '-no'", "ok, ^-no");
}

static void test_err_multiple(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np1}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - ports:\n"
                               "    - port: 0\n"
                               "    - {protocol: udp, port: 53}\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: p\n"
                               "  labels: {app: \"-x\"}\n"
                               "---\n"
                               "kind: NetworkPolicy\n"
                               "metadata: {name: np2}\n"
                               "spec:\n"
                               "  podSelector:\n"
                               "    matchExpressions: [{key: a, operator: Maybe}]\n"
                               "  egress:\n"
                               "  - to: [{ipBlock: {cidr: 10.0.0.0/40}}]\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata: {name: fine}\n";
    struct nv_diags d;
    struct nv_model *m = load(text, &d);

    (void)state;
    assert_null(m);
    if (d.nerr != 5) {
        dump_diags(&d);
        fail_msg("%zu errors, want 5", d.nerr);
    }
    check_diag_at(&d, text, NV_E_PORT, "outside 1-65535", "port: ^0");
    check_diag_at(&d, text, NV_E_PORT, "unknown protocol 'udp'", "protocol: ^udp");
    check_diag_at(&d, text, NV_E_SELECTOR, "invalid label value '-x'", "app: ^\"-x\"");
    check_diag_at(&d, text, NV_E_SELECTOR, "unknown operator 'Maybe'", "operator: ^Maybe");
    check_diag_at(&d, text, NV_E_CIDR, "invalid CIDR '10.0.0.0/40'", "cidr: ^10.0.0.0/40");
    nv_diags_release(&d);
}

static void test_err_misc(void **state)
{
    static const char t1[] = "kind: Pod\n"
                             "metadata:\n"
                             "  labels: {app: x}\n";
    static const char t2[] = "metadata: {name: x}\n";
    static const char t3[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n";
    static const char t4[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingress:\n"
                             "  - from:\n"
                             "    - ipBlock: {except: [10.0.0.0/8]}\n";
    static const char t5[] = "kind: Pod\n"
                             "metadata:\n"
                             "  name: p\n"
                             "  ownerReferences:\n"
                             "  - {kind: ReplicaSet, controller: true}\n";
    static const char t6[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingress:\n"
                             "  - from:\n"
                             "    - ipBlock: {cidr: 'fd00::/8', except: [10.0.0.0/24]}\n";
    static const char t7[] = "- just\n- a list\n";
    static const char t8[] = "kind: NetworkPolicy\n"
                             "metadata: {name: np}\n"
                             "spec:\n"
                             "  podSelector: {}\n"
                             "  ingres: []\n";

    (void)state;
    expect_error(t1, NV_E_MISSING, "Pod has no 'metadata.name'", "metadata:\n  ^labels");
    expect_error(t2, NV_E_MISSING, "no 'kind'", "^metadata");
    expect_error(t3, NV_E_MISSING, "has no 'spec'", "^kind");
    expect_error(t4, NV_E_MISSING, "ipBlock has no 'cidr'", "ipBlock: ^{");
    expect_error(t5, NV_E_MISSING, "ownerReference has no 'name'", "- ^{kind: ReplicaSet");
    expect_error(t6, NV_E_CIDR, "same IP family", "[^10.0.0.0/24]");
    expect_error(t7, NV_E_TYPE, "must be a mapping, not a list", "^- just");
    expect_error(t8, NV_E_VALUE, "unknown field 'ingres'", "^ingres:");
}

/* Warnings and notes do not fail a load. */
static void test_warnings_only(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: v6}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - ipBlock: {cidr: '::ffff:10.0.0.0/104'}\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata: {name: p}\n"
                               "spec:\n"
                               "  containers:\n"
                               "  - ports: [{name: http}]\n"
                               "---\n"
                               "kind: ConfigMap\n"
                               "metadata: {name: i}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_policy *p = pol_named(m, "v6");

    (void)state;
    assert_true(d.nwarn >= 2);
    assert_int_equal(find_diag(&d, NV_W_SEMANTIC, "IPv4-mapped")->loc.line, 7);
    find_diag(&d, NV_W_SEMANTIC, "containerPort");
    assert_int_equal(find_diag(&d, NV_W_SKIPPED, "ConfigMap")->sev, NV_SEV_NOTE);
    assert_int_equal(p->rules[NV_INGRESS][0].npeers, 1);
    assert_int_equal(p->rules[NV_INGRESS][0].peers[0].cidr.first.fam, NV_IPV4);
    nv_model_free(m);
    nv_diags_release(&d);
}

/*
 * Regression test, found by this suite and fixed (src/k8s.c, nv_parse_requirement): the
 * unknown-field check formats kn->str for a key that is not a scalar; collection nodes have str ==
 * NULL, so the message gets "(null)" from glibc (undefined behaviour in C).
 */
static void test_nonscalar_key(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector:\n"
                               "    matchExpressions:\n"
                               "    - key: app\n"
                               "      operator: Exists\n"
                               "      ? [x]\n"
                               "      : y\n";
    struct nv_diags d;
    struct nv_model *m = load(text, &d);
    char msg[256];
    size_t nerr = d.nerr;
    enum nv_code code = d.n ? d.items[0].code : 0;

    (void)state;
    snprintf(msg, sizeof(msg), "%s", d.n ? d.items[0].msg : "");
    nv_model_free(m);
    nv_diags_release(&d); /* before any assertion, so a failure leaks nothing */
    assert_null(m);
    assert_int_equal(nerr, 1);
    assert_int_equal(code, NV_E_YAML); /* the loader refuses it, as go-yaml v2 does */
    if (strstr(msg, "(null)"))
        fail_msg("message formats a NULL string: '%s'", msg);
}

/*
 * Regression test, found by this suite and fixed (src/k8s.c, nv_parse_peer): 'namespaceSelector:
 * null' (or an empty value) is treated as '{}', i.e. every namespace. In Kubernetes a null selector
 * is the same as an absent one: the peer means pods of the policy's own namespace. The peer should
 * have ns_sel == NULL; netverify widens it to all namespaces (see test_matrix.c
 * test_null_namespace_selector).
 */
static void test_null_namespace_selector(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np, namespace: a}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - podSelector: {matchLabels: {app: x}}\n"
                               "      namespaceSelector:\n"
                               "    - podSelector: {matchLabels: {app: yy}}\n"
                               "      namespaceSelector: null\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_rule *r = &pol_named(m, "np")->rules[NV_INGRESS][0];
    size_t npeers = r->npeers;
    int has_pod_sel = r->peers[0].pod_sel != NULL;
    int widened = (r->peers[0].ns_sel != NULL) + (npeers > 1 && r->peers[1].ns_sel != NULL);
    int all = r->peers[0].ns_sel && nv_selector_is_empty(r->peers[0].ns_sel);

    (void)state;
    nv_model_free(m);
    nv_diags_release(&d);
    assert_int_equal(npeers, 2);
    assert_true(has_pod_sel);
    if (widened)
        fail_msg("%d null namespaceSelector(s) became a selector (matching %s namespaces)", widened,
                 all ? "all" : "some");
}

/*
 * Regression test, found by this suite and fixed (src/yaml.c + src/k8s.c): a List whose items alias
 * their own list recurses in nv_add_object/nv_add_list until the stack overflows (SIGSEGV, exit 139
 * from 'netverify list'). Run in a child so the crash cannot take the other tests down.
 */
static void test_recursive_list(void **state)
{
    static const char text[] = "kind: List\n"
                               "items: &i\n"
                               "- kind: List\n"
                               "  items: *i\n";
    pid_t pid;
    int status = 0;

    (void)state;
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct nv_diags d;
        struct nv_model *m = load(text, &d);
        nv_model_free(m);
        nv_diags_release(&d);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("loading a self-referencing List killed the process with signal %d",
                 WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("loading a self-referencing List crashed (wait status %d)", status);
}

/*
 * Regression test, found by this suite and fixed (src/k8s.c, nv_add_object): an object with only
 * metadata.generateName takes the prefix as its name, so two objects with the same generateName
 * (e.g. two 'generateName: migrate-' Jobs) are reported as "defined more than
 * once". The API server gives each a unique name and accepts both.
 */
static void test_generate_name(void **state)
{
    static const char text[] = "kind: Job\n"
                               "metadata: {generateName: migrate-}\n"
                               "spec: {template: {metadata: {labels: {app: m}}}}\n"
                               "---\n"
                               "kind: Job\n"
                               "metadata: {generateName: migrate-}\n"
                               "spec: {template: {metadata: {labels: {app: m}}}}\n";
    struct nv_diags d;
    struct nv_model *m = load(text, &d);
    size_t nerr = d.nerr;
    char msg[256];

    (void)state;
    snprintf(msg, sizeof(msg), "%s", d.n ? d.items[0].msg : "");
    nv_model_free(m);
    nv_diags_release(&d);
    if (nerr)
        fail_msg("two objects with the same generateName were rejected: %s", msg);
}

/* Directories are walked recursively, sorted, .yaml/.yml/.json only, hidden files skipped. */
static void test_load_directory(void **state)
{
    static const char *const files[][2] = {
        {"b.yaml", "kind: Pod\nmetadata: {name: b}\n"},
        {"a.yml", "kind: Pod\nmetadata: {name: a}\n"},
        {"c.json", "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"c\"}}\n"},
        {"notes.txt", "kind: Pod\nmetadata: {name: txt}\n"},
        {".hidden.yaml", "kind: Pod\nmetadata: {name: hidden}\n"},
        {"sub/d.yaml", "kind: Pod\nmetadata: {name: d}\n"},
    };
    char dir[128], path[192], *paths[1];
    struct nv_load_opts o;
    struct nv_diags d;
    struct nv_model *m;
    size_t i;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/tree", g_dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        FILE *fp;
        snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
        fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(files[i][1], fp);
        fclose(fp);
    }
    nv_load_opts_default(&o);
    paths[0] = dir;
    nv_diags_init(&d);
    m = nv_load(paths, 1, &o, &d);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
    assert_non_null(m);
    assert_int_equal(m->nworkloads, 4);
    wl(m, "default/a");
    wl(m, "default/b");
    wl(m, "default/c");
    wl(m, "default/d");
    assert_true(nv_model_find_workload(m, "default/txt") < 0);
    assert_true(nv_model_find_workload(m, "default/hidden") < 0);
    /* positions name the file each object came from */
    assert_non_null(strstr(wl(m, "default/d")->loc.file, "sub/d.yaml"));
    assert_non_null(strstr(wl(m, "default/c")->loc.file, "c.json"));
    nv_model_free(m);
    nv_diags_release(&d);

    /* a missing path is an I/O error */
    snprintf(path, sizeof(path), "%s/missing.yaml", g_dir);
    paths[0] = path;
    nv_diags_init(&d);
    m = nv_load(paths, 1, &o, &d);
    assert_null(m);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_IO);
    nv_diags_release(&d);
}

/* ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, OVN-Kubernetes networks ---- */

/* The diagnostic of this severity and code whose message is exactly 'msg'. */
static const struct nv_diag *find_exact(const struct nv_diags *d, enum nv_severity sev,
                                        enum nv_code code, const char *msg)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (d->items[i].sev == sev && d->items[i].code == code && !strcmp(d->items[i].msg, msg))
            return &d->items[i];
    dump_diags(d);
    fail_msg("no diagnostic with code %d and message '%s'", code, msg);
    return NULL;
}

/* A diagnostic with exactly this message at the '^' of 'marker'. */
static void check_exact_at(const struct nv_diags *d, const char *text, enum nv_severity sev,
                           enum nv_code code, const char *msg, const char *marker)
{
    const struct nv_diag *g = find_exact(d, sev, code, msg);
    unsigned line, col;

    pos_of(text, marker, &line, &col);
    assert_non_null(g->loc.file);
    assert_string_equal(g->loc.file, g_path);
    if (g->loc.line != line || g->loc.col != col)
        fail_msg("'%s' reported at %u:%u, want %u:%u ('%s')", g->msg, g->loc.line, g->loc.col, line,
                 col, marker);
}

/* Load must fail with exactly these 'n' errors (message, then marker, for each). */
static void expect_errors(const char *text, size_t n, const enum nv_code *codes,
                          const char *const *pairs)
{
    struct nv_diags d;
    struct nv_model *m = load(text, &d);
    size_t i;

    nv_model_free(m);
    if (m || d.nerr != n) {
        dump_diags(&d);
        nv_diags_release(&d);
        fail_msg("%zu errors%s, expected %zu ('%s')", d.nerr, m ? " and a model" : "", n, pairs[0]);
    }
    for (i = 0; i < n; i++)
        check_exact_at(&d, text, NV_SEV_ERROR, codes[i], pairs[2 * i], pairs[2 * i + 1]);
    nv_diags_release(&d);
}

/* Load must fail with exactly one error: exact message, position of '^' in marker. */
static void expect_error_exact(const char *text, enum nv_code code, const char *msg,
                               const char *marker)
{
    const char *pair[2];

    pair[0] = msg;
    pair[1] = marker;
    expect_errors(text, 1, &code, pair);
}

#define ANP_HEAD                                                                                   \
    "apiVersion: policy.networking.k8s.io/v1alpha1\n"                                              \
    "kind: AdminNetworkPolicy\n"                                                                   \
    "metadata:\n"                                                                                  \
    "  name: anp\n"

#define BANP_HEAD                                                                                  \
    "apiVersion: policy.networking.k8s.io/v1alpha1\n"                                              \
    "kind: BaselineAdminNetworkPolicy\n"                                                           \
    "metadata:\n"                                                                                  \
    "  name: default\n"

/* Valid admin policies load without a warning, into the tiers. */
static void test_anp_valid(void **state)
{
    static const char text[] = ANP_HEAD "spec:\n"
                                        "  priority: 0\n"
                                        "  subject:\n"
                                        "    pods:\n"
                                        "      namespaceSelector: {}\n"
                                        "      podSelector: {matchLabels: {app: db}}\n"
                                        "  ingress:\n"
                                        "  - name: from-web\n"
                                        "    action: Pass\n"
                                        "    from:\n"
                                        "    - namespaces: {matchLabels: {team: web}}\n"
                                        "    ports:\n"
                                        "    - portNumber: {protocol: TCP, port: 5432}\n"
                                        "    - portRange: {protocol: UDP, start: 10, end: 10}\n"
                                        "    - namedPort: pg\n"
                                        "  egress:\n"
                                        "  - action: Deny\n"
                                        "    to:\n"
                                        "    - networks: ['10.0.0.0/8', 'fd00::/8']\n"
                                        "    - nodes: {}\n"
                                        "---\n" BANP_HEAD "spec:\n"
                                        "  subject: {namespaces: {}}\n"
                                        "  egress:\n"
                                        "  - {action: Allow, to: [{pods: {namespaceSelector: {}, "
                                        "podSelector: {}}}]}\n"
                                        "---\n"
                                        "apiVersion: policy.networking.k8s.io/v1alpha2\n"
                                        "kind: AdminNetworkPolicy\n"
                                        "metadata: {name: later}\n"
                                        "spec: {whatever: 1}\n"
                                        "---\n"
                                        "kind: Pod\n"
                                        "metadata: {name: p}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);

    (void)state;
    /* an API version whose schema netverify does not know is skipped unchecked */
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SKIPPED,
                   "AdminNetworkPolicy 'later' is not modelled yet: the results ignore it",
                   "^apiVersion: policy.networking.k8s.io/v1alpha2");
    /* a 'nodes' peer with no Node object to match */
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SEMANTIC,
                   "no Node objects in the input: the flows this 'nodes' peer could match are "
                   "reported as depending on the cluster's nodes (add the Node objects, e.g. "
                   "'kubectl get nodes -o yaml', to decide them)",
                   "    - ^nodes: {}");
    assert_int_equal(d.nwarn, 2);
    /* compiled into the tiers, never among the NetworkPolicies: Admin before Baseline */
    assert_int_equal(m->npolicies, 0);
    assert_int_equal(m->ntiered, 2);
    {
        const struct nv_policy *anp = m->tiered[0], *banp = m->tiered[1];
        const struct nv_rule *in = &anp->rules[NV_INGRESS][0], *eg = &anp->rules[NV_EGRESS][0];
        assert_int_equal(anp->kind, NV_POLICY_ANP);
        assert_int_equal(anp->tier, NV_TIER_ADMIN);
        assert_int_equal(anp->priority, 0);
        assert_non_null(anp->subject_ns);
        assert_int_equal(anp->types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
        assert_string_equal(in->name, "from-web");
        assert_int_equal(in->action, NV_ACTION_PASS);
        assert_int_equal(in->npeers, 1);
        assert_int_equal(in->peers[0].kind, NV_PEER_PODS);
        assert_true(in->peers[0].cluster);
        assert_null(in->peers[0].pod_sel);
        assert_int_equal(in->nports, 3);
        assert_true(in->has_named);
        assert_true(in->ports[2].any_proto);
        assert_string_equal(nv_ports_format(m->ports, in->numeric), "TCP 5432;UDP 10");
        /* one ipBlock peer per network, then the nodes peer */
        assert_int_equal(eg->action, NV_ACTION_DENY);
        assert_int_equal(eg->npeers, 3);
        assert_int_equal(eg->peers[0].kind, NV_PEER_IPBLOCK);
        assert_int_equal(eg->peers[1].kind, NV_PEER_IPBLOCK);
        assert_int_equal(eg->peers[2].kind, NV_PEER_NODES);
        assert_true(eg->all_ports);
        assert_int_equal(banp->kind, NV_POLICY_BANP);
        assert_int_equal(banp->tier, NV_TIER_BASELINE);
        assert_int_equal(banp->priority, NV_PRIORITY_BANP);
        assert_int_equal(banp->types, NV_TYPE_EGRESS);
        assert_int_equal(banp->rules[NV_EGRESS][0].action, NV_ACTION_ALLOW);
    }
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_anp_priority(void **state)
{
    static const char high[] = ANP_HEAD "spec:\n"
                                        "  priority: 1001\n"
                                        "  subject: {namespaces: {}}\n";
    static const char none[] = ANP_HEAD "spec:\n"
                                        "  subject: {namespaces: {}}\n";
    static const char text[] = ANP_HEAD "spec: {priority: 7, subject: {namespaces: {}}}\n"
                                        "---\n"
                                        "kind: AdminNetworkPolicy\n"
                                        "metadata: {name: other}\n"
                                        "spec: {priority: 7, subject: {namespaces: {}}}\n";
    struct nv_diags d;
    struct nv_model *m;

    (void)state;
    expect_error_exact(high, NV_E_VALUE, "'priority' 1001 is outside 0-1000", "priority: ^1001");
    expect_error_exact(none, NV_E_MISSING, "AdminNetworkPolicy 'anp' has no 'priority' (0-1000)",
                       "^subject");
    /* a shared priority is valid, but the outcome where both match is the plugin's choice */
    m = load_ok(text, &d);
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SEMANTIC,
                   "AdminNetworkPolicy 'other' has the same priority 7 as 'anp': where both match "
                   "a connection, which one applies is up to the network plugin",
                   "name: other}\nspec: {priority: ^7");
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_anp_subject(void **state)
{
    static const char null[] = ANP_HEAD "spec:\n"
                                        "  priority: 1\n"
                                        "  subject:\n";
    static const char both[] = ANP_HEAD "spec:\n"
                                        "  priority: 1\n"
                                        "  subject:\n"
                                        "    namespaces: {}\n"
                                        "    pods: {namespaceSelector: {}, podSelector: {}}\n";
    static const char empty[] = BANP_HEAD "spec:\n"
                                          "  subject: {}\n";
    static const char unknown[] = BANP_HEAD "spec:\n"
                                            "  subject: {nodes: {}}\n";

    (void)state;
    expect_error_exact(null, NV_E_MISSING,
                       "AdminNetworkPolicy 'anp' has no 'subject': set exactly one of namespaces "
                       "or pods",
                       "^subject:");
    expect_error_exact(both, NV_E_VALUE,
                       "the subject sets both 'namespaces' and 'pods': exactly one is allowed",
                       "^pods:");
    expect_error_exact(empty, NV_E_MISSING,
                       "the subject sets none of namespaces or pods: exactly one is required",
                       "subject: ^{}");
    expect_error_exact(unknown, NV_E_VALUE,
                       "unknown field 'nodes' in the subject (expected namespaces or pods)",
                       "subject: {^nodes");
}

static void test_anp_rules(void **state)
{
    static const char text[] = ANP_HEAD "spec:\n"
                                        "  priority: 1\n"
                                        "  subject: {namespaces: {}}\n"
                                        "  ingress:\n"
                                        "  - action: Allow\n"
                                        "    ports: [{portNumber: {port: 80}}]\n"
                                        "  - action: Ok\n"
                                        "    from: []\n"
                                        "  egress:\n"
                                        "  - name: no-action\n"
                                        "    to: [{namespaces: {}}]\n"
                                        "  - action: Deny\n"
                                        "    to:\n";
    static const enum nv_code codes[] = {NV_E_MISSING, NV_E_VALUE, NV_E_MISSING, NV_E_MISSING,
                                         NV_E_MISSING};
    static const char *const pairs[] = {
        "an ingress rule has no 'from': it must list at least one peer",
        "- ^action: Allow",
        "unknown action 'Ok' (expected Allow, Deny or Pass)",
        "action: ^Ok",
        "'from' must list at least 1 item",
        "from: ^[]",
        "an egress rule has no 'action' (Allow, Deny or Pass)",
        "- ^name: no-action",
        "an egress rule has no 'to': it must list at least one peer",
        "    ^to:\n",
    };
    static const char pass[] = BANP_HEAD "spec:\n"
                                         "  subject: {namespaces: {}}\n"
                                         "  ingress:\n"
                                         "  - {action: Pass, from: [{namespaces: {}}]}\n";
    struct nv_buf many;
    size_t i;

    (void)state;
    expect_errors(text, 5, codes, pairs);
    expect_error_exact(pass, NV_E_VALUE,
                       "a BaselineAdminNetworkPolicy rule cannot 'Pass' (expected Allow or Deny)",
                       "action: ^Pass");
    /* at most 100 rules per direction */
    nv_buf_init(&many, 0);
    nv_buf_puts(&many, ANP_HEAD "spec:\n"
                                "  priority: 1\n"
                                "  subject: {namespaces: {}}\n"
                                "  egress:\n");
    for (i = 0; i < 101; i++)
        nv_buf_puts(&many, "  - {action: Deny, to: [{namespaces: {}}]}\n");
    expect_error_exact(nv_buf_str(&many), NV_E_LIMIT,
                       "'egress' lists 101 items; at most 100 are allowed", "egress:\n  ^- {");
    nv_buf_release(&many);
}

static void test_anp_peers(void **state)
{
    static const char text[] = ANP_HEAD "spec:\n"
                                        "  priority: 1\n"
                                        "  subject: {namespaces: {}}\n"
                                        "  ingress:\n"
                                        "  - action: Allow\n"
                                        "    from:\n"
                                        "    - networks: [10.0.0.0/8]\n"
                                        "    - {}\n"
                                        "  egress:\n"
                                        "  - action: Allow\n"
                                        "    to:\n"
                                        "    - pods: {namespaceSelector: {}, podSelector: {}}\n"
                                        "      namespaces: {}\n"
                                        "    - networks: ['zc00::/8', '10.0.0.0/33', '1.2.3.0/24', "
                                        "'1.2.3.0/24', '::/129']\n";
    static const enum nv_code codes[] = {NV_E_VALUE, NV_E_MISSING, NV_E_VALUE, NV_E_CIDR,
                                         NV_E_CIDR,  NV_E_DUP,     NV_E_CIDR};
    static const char *const pairs[] = {
        "unknown field 'networks' in an ingress peer (expected namespaces or pods)",
        "- ^networks: [10",
        "an ingress peer sets none of namespaces or pods: exactly one is required",
        "- ^{}",
        "an egress peer sets both 'pods' and 'namespaces': exactly one is allowed",
        "      ^namespaces: {}",
        "invalid CIDR 'zc00::/8' in networks: invalid IPv6 address",
        "[^'zc00",
        "invalid CIDR '10.0.0.0/33' in networks: prefix length must be 0-32",
        "^'10.0.0.0/33'",
        "network '1.2.3.0/24' is listed twice (first at line 18)",
        "'1.2.3.0/24', ^'1.2.3.0/24'",
        "invalid CIDR '::/129' in networks: prefix length must be 0-128",
        "^'::/129'",
    };

    (void)state;
    expect_errors(text, 7, codes, pairs);
}

static void test_anp_ports(void **state)
{
    static const char text[] = BANP_HEAD "spec:\n"
                                         "  subject: {namespaces: {}}\n"
                                         "  ingress:\n"
                                         "  - action: Allow\n"
                                         "    from: [{namespaces: {}}]\n"
                                         "    ports:\n"
                                         "    - portNumber: {port: 53}\n"
                                         "      namedPort: dns\n"
                                         "    - portRange: {start: 10, end: 1}\n"
                                         "    - portNumber: {protocol: ICMP, port: 0}\n"
                                         "    - portRange: {start: 5}\n"
                                         "    - portNumber: {protocol: TCP}\n"
                                         "    - {}\n";
    static const enum nv_code codes[] = {NV_E_VALUE,   NV_E_PORT,    NV_E_PORT,   NV_E_PORT,
                                         NV_E_MISSING, NV_E_MISSING, NV_E_MISSING};
    static const char *const pairs[] = {
        "a port sets both 'portNumber' and 'namedPort': exactly one is allowed",
        "^namedPort: dns",
        "'end' 1 is below 'start' 10: the range is empty",
        "end: ^1}",
        "unknown protocol 'ICMP' (expected TCP, UDP or SCTP)",
        "protocol: ^ICMP",
        "'port' 0 is outside 1-65535",
        "port: ^0}",
        "'portRange' has no 'end'",
        "portRange: ^{start: 5}",
        "'portNumber' has no 'port'",
        "portNumber: ^{protocol: TCP}",
        "a port sets none of portNumber, namedPort or portRange: exactly one is required",
        "- ^{}\n",
    };

    (void)state;
    expect_errors(text, 7, codes, pairs);
}

/* What the CRD requires but analysers read as {}: a warning, and the policy stands. */
static void test_anp_lenient(void **state)
{
    static const char text[] = ANP_HEAD "spec:\n"
                                        "  priority: 3\n"
                                        "  subject:\n"
                                        "    pods:\n"
                                        "      podSelector: {}\n"
                                        "  egress:\n"
                                        "  - action: Allow\n"
                                        "    to:\n"
                                        "    - networks: [10.0.0.0/8]\n"
                                        "    ports:\n"
                                        "    - namedPort: http\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);

    (void)state;
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SEMANTIC,
                   "'pods' has no 'namespaceSelector': the AdminNetworkPolicy CRD requires it; "
                   "read as {} (all namespaces)",
                   "      ^podSelector");
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SEMANTIC,
                   "named port 'http' cannot match the nodes or networks peers of this rule (a "
                   "name resolves only on a pod): toward them it matches nothing",
                   "namedPort: ^http");
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_anp_objects(void **state)
{
    static const char name[] = "apiVersion: policy.networking.k8s.io/v1alpha1\n"
                               "kind: BaselineAdminNetworkPolicy\n"
                               "metadata: {name: banp-name}\n"
                               "spec: {subject: {namespaces: {}}}\n";
    /* cluster-scoped: a namespace does not tell two of them apart */
    static const char dup[] =
        ANP_HEAD "  namespace: a\n"
                 "spec: {priority: 1, subject: {namespaces: {}}}\n"
                 "---\n" ANP_HEAD "spec: {priority: 2, subject: {namespaces: {}}}\n";
    static const char fields[] = ANP_HEAD "spec:\n"
                                          "  priority: 1\n"
                                          "  subject: {namespaces: {}}\n"
                                          "  podSelector: {}\n"
                                          "extra: 1\n";
    static const char nospec[] = ANP_HEAD;
    static const enum nv_code codes[] = {NV_E_VALUE, NV_E_VALUE};
    static const char *const pairs[] = {
        "unknown field 'extra' in AdminNetworkPolicy (expected apiVersion, kind, metadata, spec "
        "or status)",
        "^extra: 1",
        "unknown field 'podSelector' in an AdminNetworkPolicy spec (expected priority, subject, "
        "ingress or egress)",
        "^podSelector: {}",
    };

    (void)state;
    expect_error_exact(name, NV_E_VALUE,
                       "a BaselineAdminNetworkPolicy must be named 'default', not 'banp-name'",
                       "name: ^banp-name");
    expect_error_exact(dup, NV_E_DUP, "AdminNetworkPolicy 'anp' is defined more than once",
                       "spec: {priority: 1, subject: {namespaces: {}}}\n---\n"
                       "apiVersion: policy.networking.k8s.io/v1alpha1\n"
                       "kind: AdminNetworkPolicy\nmetadata:\n  name: ^anp");
    expect_errors(fields, 2, codes, pairs);
    expect_error_exact(nospec, NV_E_MISSING, "AdminNetworkPolicy has no 'spec'", "^apiVersion");
}

#define CNP_HEAD                                                                                   \
    "apiVersion: policy.networking.k8s.io/v1alpha2\n"                                              \
    "kind: ClusterNetworkPolicy\n"                                                                 \
    "metadata:\n"                                                                                  \
    "  name: cnp\n"

/* ClusterNetworkPolicy (v1alpha2) compiles into the tiers; unknown peer types fail closed. */
static void test_cnp_valid(void **state)
{
    static const char text[] = CNP_HEAD "spec:\n"
                                        "  tier: Baseline\n"
                                        "  priority: 5\n"
                                        "  subject: {pods: {podSelector: {matchLabels: {app: "
                                        "db}}}}\n"
                                        "  ingress:\n"
                                        "  - action: Pass\n"
                                        "    from: [{serviceAccounts: {name: x}}]\n"
                                        "  egress:\n"
                                        "  - name: out\n"
                                        "    action: Accept\n"
                                        "    to:\n"
                                        "    - domainNames: ['*.example.com']\n"
                                        "    - nodes: {matchLabels: {role: infra}}\n"
                                        "    protocols:\n"
                                        "    - tcp: {destinationPort: {number: 443}}\n"
                                        "    - udp: {destinationPort: {range: {start: 1000, end: "
                                        "2000}}}\n"
                                        "    - destinationNamedPort: web\n"
                                        "---\n"
                                        "apiVersion: v1\n"
                                        "kind: Node\n"
                                        "metadata: {name: n1, labels: {role: infra}}\n"
                                        "status:\n"
                                        "  addresses:\n"
                                        "  - {type: Hostname, address: n1}\n"
                                        "  - {type: InternalIP, address: 172.18.0.2}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_policy *p;

    (void)state;
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SEMANTIC,
                   "an ingress peer sets only 'serviceAccounts', a peer type netverify does not "
                   "know (expected namespaces or pods): read as the API says implementations "
                   "must, failing closed (an Allow rule matches nothing through it, a Deny or "
                   "Pass rule denies everything)",
                   "from: [{^serviceAccounts");
    assert_int_equal(m->ntiered, 1);
    p = m->tiered[0];
    assert_int_equal(p->kind, NV_POLICY_CNP);
    assert_int_equal(p->tier, NV_TIER_BASELINE);
    assert_int_equal(p->priority, 5);
    assert_true(nv_selector_is_empty(p->subject_ns));
    assert_int_equal(p->rules[NV_INGRESS][0].npeers, 0);
    assert_true(p->rules[NV_INGRESS][0].fail_closed);
    assert_int_equal(p->rules[NV_EGRESS][0].action, NV_ACTION_ALLOW);
    assert_string_equal(nv_action_name(p->rules[NV_EGRESS][0].action, p->kind), "Accept");
    assert_int_equal(p->rules[NV_EGRESS][0].peers[0].kind, NV_PEER_DOMAINS);
    assert_int_equal(p->rules[NV_EGRESS][0].peers[1].kind, NV_PEER_NODES);
    assert_string_equal(nv_ports_format(m->ports, p->rules[NV_EGRESS][0].numeric),
                        "TCP 443;UDP 1000-2000");
    assert_true(p->rules[NV_EGRESS][0].has_named);
    assert_int_equal(m->nnodes, 1);
    assert_int_equal(m->nodes[0].naddrs, 1);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_cnp_errors(void **state)
{
    static const char text[] = CNP_HEAD "spec:\n"
                                        "  priority: 5\n"
                                        "  subject: {namespaces: {}}\n"
                                        "  ingress:\n"
                                        "  - action: Allow\n"
                                        "    from: [{namespaces: {}}]\n"
                                        "  - action: Deny\n"
                                        "    from: [{namespaces: {}}]\n"
                                        "    protocols:\n"
                                        "    - tcp: {}\n"
                                        "    - sctp: {destinationPort: {range: {start: 9, end: "
                                        "9}}}\n"
                                        "  egress:\n"
                                        "  - action: Deny\n"
                                        "    to: [{domainNames: [a.example]}]\n";
    static const enum nv_code codes[] = {NV_E_MISSING, NV_E_VALUE, NV_E_MISSING, NV_E_PORT,
                                         NV_E_VALUE};
    static const char *const pairs[] = {
        "ClusterNetworkPolicy 'cnp' has no 'tier' (Admin or Baseline)",
        "^priority: 5",
        "a ClusterNetworkPolicy says 'Accept', not 'Allow' (expected Accept, Deny or Pass)",
        "action: ^Allow",
        "'tcp' has no 'destinationPort' (the CRD requires one; leave out 'protocols' to match "
        "every port)",
        "tcp: ^{}",
        "'end' 9 is not above 'start' 9 (the CRD requires start < end)",
        "end: ^9}",
        "domainNames peers are allowed only in Accept rules",
        "to: [^{domainNames",
    };

    (void)state;
    expect_errors(text, 5, codes, pairs);
}

#define UDN_HEAD(name, ns)                                                                         \
    "apiVersion: k8s.ovn.org/v1\n"                                                                 \
    "kind: UserDefinedNetwork\n"                                                                   \
    "metadata:\n"                                                                                  \
    "  name: " name "\n"                                                                           \
    "  namespace: " ns "\n"

static void test_udn_spec(void **state)
{
    static const char topo[] = UDN_HEAD("net", "blue") "spec:\n"
                                                       "  topology: Layer4\n"
                                                       "  layer2: {role: Primary}\n";
    static const char mismatch[] = UDN_HEAD("net", "blue") "spec:\n"
                                                           "  topology: Layer2\n"
                                                           "  layer3: {role: Primary}\n";
    static const char role[] = UDN_HEAD("net", "blue") "spec:\n"
                                                       "  topology: Layer3\n"
                                                       "  layer3: {role: Admin}\n";
    static const char localnet[] = UDN_HEAD("net", "blue") "spec:\n"
                                                           "  topology: Localnet\n";
    static const enum nv_code codes[] = {NV_E_MISSING, NV_E_VALUE};
    static const char *const pairs[] = {
        "topology 'Layer2' needs a 'layer2' section",
        "topology: ^Layer2",
        "'layer3' does not belong to topology 'Layer2' (it needs 'layer2')",
        "^layer3:",
    };

    (void)state;
    expect_error_exact(topo, NV_E_VALUE, "unknown topology 'Layer4' (expected Layer2 or Layer3)",
                       "topology: ^Layer4");
    expect_errors(mismatch, 2, codes, pairs);
    expect_error_exact(role, NV_E_VALUE, "unknown role 'Admin' (expected Primary or Secondary)",
                       "role: ^Admin");
    /* Localnet is for ClusterUserDefinedNetwork only */
    expect_error_exact(localnet, NV_E_VALUE,
                       "unknown topology 'Localnet' (expected Layer2 or Layer3)",
                       "topology: ^Localnet");
}

static void test_udn_placement(void **state)
{
    static const char name[] = UDN_HEAD("default", "blue") "spec:\n"
                                                           "  topology: Layer2\n"
                                                           "  layer2: {role: Secondary}\n";
    static const char defns[] = "apiVersion: k8s.ovn.org/v1\n"
                                "kind: UserDefinedNetwork\n"
                                "metadata:\n"
                                "  name: net\n"
                                "spec: {topology: Layer2, layer2: {role: Secondary}}\n";
    static const char osns[] = UDN_HEAD("net", "openshift-dns") "spec:\n"
                                                                "  topology: Layer2\n"
                                                                "  layer2: {role: Secondary}\n";
    static const char twice[] = UDN_HEAD(
        "one", "blue") "spec:\n"
                       "  topology: Layer2\n"
                       "  layer2: {role: Primary}\n"
                       "---\n" UDN_HEAD("two", "blue") "spec:\n"
                                                       "  topology: Layer3\n"
                                                       "  layer3: {role: Primary}\n"
                                                       "---\n" UDN_HEAD(
                                                           "three",
                                                           "blue") "spec:\n"
                                                                   "  topology: Layer2\n"
                                                                   "  layer2: {role: Secondary}\n";

    (void)state;
    expect_error_exact(name, NV_E_VALUE,
                       "a UserDefinedNetwork cannot be named 'default': OVN-Kubernetes reserves "
                       "the name for the cluster's default network",
                       "name: ^default");
    expect_error_exact(
        defns, NV_E_VALUE,
        "UserDefinedNetwork 'net' is in namespace 'default' (no metadata.namespace), "
        "where OVN-Kubernetes refuses user-defined networks",
        "metadata:\n  ^name: net");
    expect_error_exact(osns, NV_E_VALUE,
                       "UserDefinedNetwork 'net' is in namespace 'openshift-dns', where "
                       "OVN-Kubernetes refuses user-defined networks",
                       "namespace: ^openshift-dns");
    /* one primary network per namespace; secondary ones do not count */
    expect_error_exact(twice, NV_E_DUP,
                       "namespace 'blue' already has the primary UserDefinedNetwork 'one' (line "
                       "4); OVN-Kubernetes allows one primary network per namespace",
                       "name: ^two");
}

/* A primary CUDN and a primary UDN in one labelled namespace, whatever the order. */
static void test_cudn_clash(void **state)
{
    static const char ns[] = "kind: Namespace\n"
                             "metadata:\n"
                             "  name: red\n"
                             "  labels: {k8s.ovn.org/primary-user-defined-network: ''}\n";
    static const char cudn[] = "apiVersion: k8s.ovn.org/v1\n"
                               "kind: ClusterUserDefinedNetwork\n"
                               "metadata: {name: wide}\n"
                               "spec:\n"
                               "  namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "
                               "red}}\n"
                               "  network: {topology: Layer2, layer2: {role: Primary}}\n";
    static const char udn[] = UDN_HEAD("own", "red") "spec:\n"
                                                     "  topology: Layer3\n"
                                                     "  layer3: {role: Primary}\n";
    static const char *const orders[][3] = {
        {ns, cudn, udn}, {udn, ns, cudn}, {cudn, udn, ns}, {udn, cudn, ns}};
    struct nv_buf text, want;
    struct nv_diags d;
    struct nv_model *m;
    unsigned line, col;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
        nv_buf_init(&text, 0);
        nv_buf_printf(&text, "%s---\n%s---\n%s", orders[i][0], orders[i][1], orders[i][2]);
        pos_of(nv_buf_str(&text), "spec:\n  ^namespaceSelector", &line, &col);
        nv_buf_init(&want, 0);
        nv_buf_printf(&want,
                      "namespace 'red' gets two primary networks: UserDefinedNetwork 'own' and "
                      "ClusterUserDefinedNetwork 'wide' (line %u); OVN-Kubernetes allows one",
                      line);
        expect_error_exact(nv_buf_str(&text), NV_E_DUP, nv_buf_str(&want), "name: ^own");
        nv_buf_release(&want);
        nv_buf_release(&text);
    }
    /* without the label the namespace keeps the default network: no clash */
    nv_buf_init(&text, 0);
    nv_buf_printf(&text,
                  "kind: Namespace\nmetadata: {name: red}\n---\n%s---\n%s---\n"
                  "kind: Pod\nmetadata: {name: p, namespace: red}\n",
                  cudn, udn);
    m = load_ok(nv_buf_str(&text), &d);
    nv_model_free(m);
    nv_diags_release(&d);
    nv_buf_release(&text);
}

/* KubeVirt machines run pods netverify does not model: counted and warned about. */
static void test_unmodelled_workloads(void **state)
{
    static const char text[] = "apiVersion: kubevirt.io/v1\n"
                               "kind: VirtualMachine\n"
                               "metadata: {name: vm, namespace: a}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);

    (void)state;
    assert_int_equal(m->nworkloads, 0);
    assert_int_equal(m->nunmodelled, 1);
    check_exact_at(&d, text, NV_SEV_WARNING, NV_W_SKIPPED,
                   "VirtualMachine 'vm' runs pods that are not modelled yet: the results ignore "
                   "it",
                   "^apiVersion");
    nv_model_free(m);
    nv_diags_release(&d);
}

/* Object names as the API server checks them: an error, with long names cut short. */
static void test_err_names(void **state)
{
    static const char under[] = "kind: NetworkPolicy\n"
                                "metadata: {name: my_policy}\n"
                                "spec: {podSelector: {}}\n";
    static const char upper[] = "kind: Namespace\n"
                                "metadata: {name: Prod}\n";
    struct nv_buf text, want;
    size_t i;

    (void)state;
    expect_error_exact(under, NV_E_VALUE,
                       "invalid NetworkPolicy name 'my_policy': it must be a lower-case DNS-1123 "
                       "subdomain (a-z, 0-9, '-', '.'; at most 253)",
                       "name: ^my_policy");
    expect_error_exact(upper, NV_E_VALUE,
                       "invalid Namespace name 'Prod': it must be a DNS-1123 label (a-z, 0-9, '-')",
                       "name: ^Prod");
    nv_buf_init(&text, 0);
    nv_buf_init(&want, 0);
    nv_buf_puts(&text, "kind: Pod\nmetadata: {name: ");
    nv_buf_puts(&want, "invalid Pod name '");
    for (i = 0; i < 254; i++) {
        nv_buf_puts(&text, "a");
        if (i < 80)
            nv_buf_puts(&want, "a");
    }
    nv_buf_puts(&text, "}\n");
    nv_buf_puts(&want, "...': it must be a lower-case DNS-1123 subdomain (a-z, 0-9, '-', '.'; at "
                       "most 253)");
    expect_error_exact(nv_buf_str(&text), NV_E_VALUE, nv_buf_str(&want), "name: ^aaa");
    nv_buf_release(&want);
    nv_buf_release(&text);
}

/* IPv6 ipBlocks: parsed as Go does, with reasons that speak of IPv6. */
static void test_err_ipv6(void **state)
{
    static const char text[] = "kind: NetworkPolicy\n"
                               "metadata: {name: np}\n"
                               "spec:\n"
                               "  podSelector: {}\n"
                               "  ingress:\n"
                               "  - from:\n"
                               "    - ipBlock: {cidr: '8000:k00::/120'}\n"
                               "    - ipBlock: {cidr: '8000:f00::/129'}\n"
                               "    - ipBlock: {cidr: 'fd00::/8', except: ['fe00::/16']}\n"
                               "    - ipBlock: {cidr: 'fd00::/8', except: ['fd00::/8']}\n"
                               "    - ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}\n"
                               "    - ipBlock: {cidr: '1:2::3::4/64'}\n";
    static const enum nv_code codes[] = {NV_E_CIDR, NV_E_CIDR, NV_E_CIDR, NV_E_CIDR, NV_E_CIDR};
    static const char *const pairs[] = {
        "invalid CIDR '8000:k00::/120': invalid IPv6 address",
        "cidr: ^'8000:k00",
        "invalid CIDR '8000:f00::/129': prefix length must be 0-128",
        "cidr: ^'8000:f00",
        "except 'fe00::/16' is not a strict subset of cidr 'fd00::/8'",
        "[^'fe00::/16'",
        "except 'fd00::/8' is not a strict subset of cidr 'fd00::/8'",
        "except: [^'fd00::/8'",
        "invalid CIDR '1:2::3::4/64': invalid IPv6 address",
        "cidr: ^'1:2::3::4/64'",
    };

    (void)state;
    expect_errors(text, 5, codes, pairs);
}

/* A Service's selector as the EndpointSlice controller reads it; its ports and their positions. */
static void test_service_selection(void **state)
{
    static const char text[] = "kind: Service\n"                               /* 1 */
                               "metadata: {name: sel, namespace: a}\n"         /* 2 */
                               "spec:\n"                                       /* 3 */
                               "  selector: {app: x}\n"                        /* 4 */
                               "  ports:\n"                                    /* 5 */
                               "  - {name: http, port: 80, targetPort: web}\n" /* 6 */
                               "  - {port: 53, protocol: UDP}\n"               /* 7 */
                               "---\n"                                         /* 8 */
                               "kind: Service\n"                               /* 9 */
                               "metadata: {name: nosel, namespace: a}\n"       /* 10 */
                               "spec: {ports: [{port: 80}]}\n"                 /* 11 */
                               "---\n"                                         /* 12 */
                               "kind: Service\n"                               /* 13 */
                               "metadata: {name: empty, namespace: a}\n"       /* 14 */
                               "spec: {selector: {}, ports: [{port: 80}]}\n"   /* 15 */
                               "---\n"                                         /* 16 */
                               "kind: Service\n"                               /* 17 */
                               "metadata: {name: nullsel, namespace: a}\n"     /* 18 */
                               "spec: {selector: null, type: ClusterIP}\n"     /* 19 */
                               "---\n"                                         /* 20 */
                               "kind: Service\n"                               /* 21 */
                               "metadata: {name: ext, namespace: a}\n"         /* 22 */
                               "spec: {type: ExternalName, externalName: x.example, "
                               "selector: {app: x}}\n" /* 23 */
                               "---\n"
                               "kind: Pod\n"
                               "metadata: {name: p, namespace: a, labels: {app: x}}\n";
    static const struct {
        const char *name;
        enum nv_svc_unselected why;
    } want[] = {{"sel", NV_SVC_SELECTS},
                {"nosel", NV_SVC_NO_SELECTOR},
                {"empty", NV_SVC_EMPTY_SELECTOR},
                {"nullsel", NV_SVC_NO_SELECTOR},
                {"ext", NV_SVC_EXTERNAL_NAME}};
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_service *s;
    size_t i;

    (void)state;
    assert_int_equal(m->nservices, 5);
    for (i = 0; i < 5; i++) {
        s = &m->services[i];
        assert_string_equal(s->name, want[i].name);
        assert_int_equal(s->unselected, want[i].why);
        /* only a non-empty selector of a Service that is not an ExternalName selects pods */
        if (want[i].why == NV_SVC_SELECTS)
            assert_non_null(s->selector);
        else
            assert_null(s->selector);
    }
    s = &m->services[0];
    assert_int_equal(s->nports, 2);
    assert_string_equal(s->ports[0].name, "http");
    assert_string_equal(s->ports[0].target_name, "web");
    assert_int_equal(s->ports[0].loc.line, 6);
    assert_int_equal(s->ports[0].loc.col, 5);
    assert_int_equal(s->ports[0].target_loc.line, 6);
    assert_int_equal(s->ports[0].target_loc.col, 40);
    /* no targetPort: the port itself, located at the item */
    assert_null(s->ports[1].name);
    assert_null(s->ports[1].target_name);
    assert_int_equal(s->ports[1].target, 53);
    assert_int_equal(s->ports[1].proto, NV_PROTO_UDP);
    assert_int_equal(s->ports[1].target_loc.line, 7);
    assert_int_equal(s->ports[1].target_loc.col, 5);
    nv_model_free(m);
    nv_diags_release(&d);
}

/*
 * A field the API does not know, on the way to what netverify reads (a
 * misspelt or mis-indented field), is refused as kubectl's strict field
 * validation refuses it, instead of being dropped.
 */
static void test_err_unknown_fields(void **state)
{
    static const char *const pod = "apiVersion: v1\n"
                                   "kind: Pod\n"
                                   "metadata: {name: p, namespace: a}\n"
                                   "spec: {containers: [{name: c, ports: [%s]}]%s}\n%s";
    static const char *const deploy = "apiVersion: apps/v1\n"
                                      "kind: Deployment\n"
                                      "metadata: {name: d, namespace: a}\n"
                                      "spec:\n"
                                      "  %s\n"
                                      "  template:\n"
                                      "    metadata: {%s: {app: d}}\n"
                                      "    %s: {containers: [{name: c%s}]}\n";
    char text[1024];

    (void)state;
    snprintf(text, sizeof(text), pod, "{name: dns, containerPort: 53, protcol: UDP}", "", "");
    expect_error(text, NV_E_PORT, "unknown field 'protcol' in a container port", "^protcol");
    snprintf(text, sizeof(text), pod, "{name: dns, containerport: 53}", "", "");
    expect_error(text, NV_E_PORT, "unknown field 'containerport'", "^containerport");
    snprintf(text, sizeof(text), pod, "", ", hostnetwork: true", "");
    expect_error(text, NV_E_VALUE, "unknown field 'hostnetwork' in a pod spec", "^hostnetwork");
    snprintf(text, sizeof(text), pod, "", "", "ingress: []\n");
    expect_error(text, NV_E_VALUE, "unknown field 'ingress' in Pod", "^ingress");
    snprintf(text, sizeof(text), deploy, "replicas: 2", "lables", "spec", "");
    expect_error(text, NV_E_VALUE, "unknown field 'lables' in the pod template's metadata",
                 "^lables");
    snprintf(text, sizeof(text), deploy, "replicas: 2", "labels", "sepc", "");
    expect_error(text, NV_E_VALUE, "unknown field 'sepc' in a pod template", "^sepc");
    snprintf(text, sizeof(text), deploy, "replica: 2", "labels", "spec", "");
    expect_error(text, NV_E_VALUE, "unknown field 'replica' in a workload spec", "^replica");
    snprintf(text, sizeof(text), deploy, "replicas: 2", "labels", "spec", ", prots: []");
    expect_error(text, NV_E_VALUE, "unknown field 'prots' in a container", "^prots");
    expect_error("apiVersion: networking.k8s.io/v1\n"
                 "kind: NetworkPolicy\n"
                 "metadata: {name: db, namespace: a}\n"
                 "spec:\n"
                 "  podSelector: {}\n"
                 "ingress:\n"
                 "- {}\n",
                 NV_E_VALUE, "unknown field 'ingress' in NetworkPolicy", "^ingress");
    expect_error("apiVersion: v1\n"
                 "kind: Service\n"
                 "metadata: {name: s, namespace: a}\n"
                 "spec: {selctor: {app: d}, ports: [{port: 80}]}\n",
                 NV_E_VALUE, "unknown field 'selctor' in a Service spec", "^selctor");
    expect_error("apiVersion: v1\n"
                 "kind: Service\n"
                 "metadata: {name: s, namespace: a}\n"
                 "spec: {selector: {app: d}, ports: [{port: 80, targetport: 8080}]}\n",
                 NV_E_PORT, "unknown field 'targetport' in a Service port", "^targetport");
    expect_error("apiVersion: batch/v1\n"
                 "kind: CronJob\n"
                 "metadata: {name: j, namespace: a}\n"
                 "spec:\n"
                 "  schedule: '* * * * *'\n"
                 "  jobTemplate:\n"
                 "    spec:\n"
                 "      templte: {}\n"
                 "      template: {spec: {containers: [{name: c}]}}\n",
                 NV_E_VALUE, "unknown field 'templte' in a Job spec", "^templte");
    expect_error("apiVersion: networking.k8s.io/v1\n"
                 "kind: Ingress\n"
                 "metadata: {name: i, namespace: a}\n"
                 "spec: {defaultBackend: {service: {name: s, port: {number: 80}}}}\n"
                 "rules: []\n",
                 NV_E_VALUE, "unknown field 'rules' in Ingress", "^rules");
    expect_error("apiVersion: autoscaling/v2\n"
                 "kind: HorizontalPodAutoscaler\n"
                 "metadata: {name: h, namespace: a}\n"
                 "spec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3}\n"
                 "minReplicas: 2\n",
                 NV_E_VALUE, "unknown field 'minReplicas' in HorizontalPodAutoscaler",
                 "^minReplicas");
}

/*
 * Port names as the API server validates them, and the apiVersion of the
 * built-in kinds: an object Kubernetes never creates is refused, not modelled.
 */
static void test_err_builtin_validation(void **state)
{
    static const char *const pod = "apiVersion: %s\n"
                                   "kind: Pod\n"
                                   "metadata: {name: p, namespace: a}\n"
                                   "spec: {containers: [{name: c, ports: [%s]}]}\n";
    static const char *const svc = "apiVersion: v1\n"
                                   "kind: Service\n"
                                   "metadata: {name: s, namespace: a}\n"
                                   "spec: {selector: {app: d}, ports: [%s]}\n";
    char text[1024];

    (void)state;
    snprintf(text, sizeof(text), pod, "v1", "{name: \"Web|x\", containerPort: 80}");
    expect_error(text, NV_E_PORT, "invalid container port name 'Web|x'", "^\"Web");
    snprintf(text, sizeof(text), pod, "v1",
             "{name: http, containerPort: 80}, {name: http, containerPort: 81, protocol: UDP}");
    expect_error(text, NV_E_PORT, "container port name 'http' is given twice", "80}, {name: ^http");
    snprintf(text, sizeof(text), pod, "evil.example/v1", "");
    expect_error(text, NV_E_VALUE, "Pod apiVersion 'evil.example/v1' is not v1", "^evil");
    snprintf(text, sizeof(text), svc, "{name: \"a b\", port: 80}");
    expect_error(text, NV_E_PORT, "invalid Service port name 'a b'", "[^{name");
    snprintf(text, sizeof(text), svc, "{name: web, port: 80}, {name: web, port: 81}");
    expect_error(text, NV_E_PORT, "Service port name 'web' is given twice", "80}, ^{name");
    snprintf(text, sizeof(text), svc,
             "{name: web, port: 80}, {name: alt, port: 80, targetPort: 81}");
    expect_error(text, NV_E_PORT, "Service port 80/TCP is given twice", "80}, ^{name");
    snprintf(text, sizeof(text), svc,
             "{name: web, port: 80}, {name: dns, port: 80, protocol: UDP}");
    {
        struct nv_diags d;
        nv_model_free(load_ok(text, &d)); /* the same port for another protocol is fine */
        nv_diags_release(&d);
    }
    expect_error("apiVersion: extensions/v1beta1\n"
                 "kind: Deployment\n"
                 "metadata: {name: d, namespace: a}\n"
                 "spec: {template: {spec: {containers: [{name: c}]}}}\n",
                 NV_E_VALUE, "Deployment apiVersion 'extensions/v1beta1' is not apps/v1",
                 "^extensions");
    expect_error("apiVersion: evil.example/v1\n"
                 "kind: Namespace\n"
                 "metadata: {name: a, labels: {trusted: 'true'}}\n",
                 NV_E_VALUE, "Namespace apiVersion 'evil.example/v1' is not v1", "^evil");
}

/* A List is its items: a misspelt 'items', or a field beside it, is said, not dropped unseen. */
static void test_list_fields(void **state)
{
    struct nv_diags d;
    struct nv_model *m;

    (void)state;
    m = load("apiVersion: v1\n"
             "kind: List\n"
             "itemz:\n"
             "- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c}]}}\n"
             "---\n"
             "apiVersion: v1\n"
             "kind: Pod\n"
             "metadata: {name: q}\n"
             "spec: {containers: [{name: c}]}\n",
             &d);
    assert_non_null(m);
    assert_int_equal(find_warning(&d, "unknown field 'itemz' in List: ignored")->loc.line, 3);
    assert_int_equal(find_warning(&d, "List has no 'items': it holds no object")->loc.line, 1);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_err_service(void **state)
{
    static const char type[] = "kind: Service\n"
                               "metadata: {name: s}\n"
                               "spec: {type: Headless, selector: {app: x}}\n"
                               "---\nkind: Pod\nmetadata: {name: p}\n";
    static const char tname[] =
        "kind: Service\n"
        "metadata: {name: s}\n"
        "spec: {selector: {app: x}, ports: [{port: 80, targetPort: Web_1}]}\n"
        "---\nkind: Pod\nmetadata: {name: p}\n";
    static const char tnum[] =
        "kind: Service\n"
        "metadata: {name: s}\n"
        "spec: {selector: {app: x}, ports: [{port: 80, targetPort: \"8080\"}]}\n"
        "---\nkind: Pod\nmetadata: {name: p}\n";
    static const char trange[] = "kind: Service\n"
                                 "metadata: {name: s}\n"
                                 "spec: {selector: {app: x}, ports: [{port: 80, targetPort: 0}]}\n"
                                 "---\nkind: Pod\nmetadata: {name: p}\n";

    (void)state;
    expect_error(type, NV_E_VALUE, "invalid Service type 'Headless'", "type: ^Headless");
    expect_error(tname, NV_E_PORT, "invalid targetPort name 'Web_1'", "targetPort: ^Web_1");
    /* a quoted number is a name, and a name needs a letter, as the API server says */
    expect_error(tnum, NV_E_PORT, "invalid targetPort name '8080'", "targetPort: ^\"8080\"");
    expect_error(trange, NV_E_PORT, "'targetPort' 0 is outside 1-65535", "targetPort: ^0");
}

/* Ports of sidecars (init containers with restartPolicy Always) are pod ports; other init
 * containers' are not. */
static void test_sidecar_ports(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "metadata: {name: p, namespace: a}\n"
                               "spec:\n"
                               "  initContainers:\n"
                               "  - name: mesh\n"
                               "    restartPolicy: Always\n"
                               "    ports: [{name: admin, containerPort: 15000}]\n"
                               "  - name: setup\n"
                               "    ports: [{name: setup, containerPort: 7000}]\n"
                               "  containers:\n"
                               "  - name: app\n"
                               "    ports: [{name: http, containerPort: 8080}]\n";
    static const char bad[] = "kind: Pod\n"
                              "metadata: {name: p}\n"
                              "spec:\n"
                              "  initContainers:\n"
                              "  - name: setup\n"
                              "    restartPolicy: OnFailure\n"
                              "  containers: [{name: app}]\n";
    static const char badtype[] = "kind: Pod\n"
                                  "metadata: {name: p}\n"
                                  "spec:\n"
                                  "  initContainers: [{name: s, restartPolicy: [Always]}]\n";
    static const char notmap[] = "kind: Pod\n"
                                 "metadata: {name: p}\n"
                                 "spec: {initContainers: [setup]}\n";
    struct nv_diags d;
    struct nv_model *m = load_ok(text, &d);
    const struct nv_pod *pod = &m->pods[0];
    size_t i, seen = 0;

    (void)state;
    assert_int_equal(pod->nports, 2);
    for (i = 0; i < pod->nports; i++) {
        if (!strcmp(pod->ports[i].name, "admin"))
            seen |= 1, assert_int_equal(pod->ports[i].port, 15000);
        else if (!strcmp(pod->ports[i].name, "http"))
            seen |= 2, assert_int_equal(pod->ports[i].port, 8080);
    }
    assert_int_equal(seen, 3);
    nv_model_free(m);
    nv_diags_release(&d);
    expect_error(bad, NV_E_VALUE, "invalid restartPolicy 'OnFailure' for an init container",
                 "restartPolicy: ^OnFailure");
    expect_error(badtype, NV_E_TYPE, "'restartPolicy' must be a string", "restartPolicy: ^[");
    expect_error(notmap, NV_E_TYPE, "'initContainers item' must be a mapping", "[^setup");
}

/* Input with no workload is refused by the command-line loader, at the path given. */
static void test_no_workload(void **state)
{
    static const char policy[] = "kind: NetworkPolicy\n"
                                 "metadata: {name: np}\n"
                                 "spec: {podSelector: {}}\n";
    static const char vm[] = "kind: VirtualMachine\n"
                             "metadata: {name: vm}\n";
    char errpath[160], got[512], want[512];
    const char *texts[3] = {policy, vm, "kind: Pod\nmetadata: {name: p}\n"};
    struct nv_load_opts o;
    char *paths[1];
    size_t i, n;

    (void)state;
    nv_load_opts_default(&o);
    paths[0] = g_path;
    snprintf(errpath, sizeof(errpath), "%s/stderr", g_dir);
    for (i = 0; i < 3; i++) {
        struct nv_model *m;
        FILE *fp = fopen(g_path, "w"), *err;
        int saved, fd;
        assert_non_null(fp);
        fputs(texts[i], fp);
        assert_int_equal(fclose(fp), 0);
        /* nv_cli_load prints its diagnostics: catch them in a file */
        fflush(stderr);
        saved = dup(2);
        fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(saved >= 0 && fd >= 0);
        dup2(fd, 2);
        close(fd);
        m = nv_cli_load(paths, 1, &o);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        err = fopen(errpath, "r");
        assert_non_null(err);
        n = fread(got, 1, sizeof(got) - 1, err);
        got[n] = '\0';
        fclose(err);
        unlink(errpath);
        if (i == 0) {
            assert_null(m);
            snprintf(want, sizeof(want),
                     "netverify: %s: error: no workload in the input (Pod, Deployment, "
                     "StatefulSet, ...): nothing to analyse\n",
                     g_path);
            assert_string_equal(got, want);
        } else {
            /* a workload netverify does not model yet is not "nothing" */
            assert_non_null(m);
            assert_null(strstr(got, "error"));
            nv_model_free(m);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_default_namespace),
        cmocka_unit_test(test_owner_references),
        cmocka_unit_test(test_workload_kinds),
        cmocka_unit_test(test_pod_counts),
        cmocka_unit_test(test_err_pod_counts),
        cmocka_unit_test(test_controller_labels),
        cmocka_unit_test(test_statefulset_split),
        cmocka_unit_test(test_unknown_label_warning),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_policy_types),
        cmocka_unit_test(test_policy_rules),
        cmocka_unit_test(test_add_document_api),
        cmocka_unit_test(test_err_unknown_operator),
        cmocka_unit_test(test_err_in_without_values),
        cmocka_unit_test(test_err_exists_with_values),
        cmocka_unit_test(test_err_bad_cidr),
        cmocka_unit_test(test_err_except_outside),
        cmocka_unit_test(test_ipblock_mapped),
        cmocka_unit_test(test_ipblock_families),
        cmocka_unit_test(test_families_follow_input),
        cmocka_unit_test(test_err_port_range),
        cmocka_unit_test(test_err_endport),
        cmocka_unit_test(test_err_protocol),
        cmocka_unit_test(test_err_port_name),
        cmocka_unit_test(test_err_peer_shape),
        cmocka_unit_test(test_err_types),
        cmocka_unit_test(test_err_duplicate),
        cmocka_unit_test(test_err_labels),
        cmocka_unit_test(test_err_multiple),
        cmocka_unit_test(test_err_misc),
        cmocka_unit_test(test_warnings_only),
        cmocka_unit_test(test_nonscalar_key),
        cmocka_unit_test(test_owner_chains),
        cmocka_unit_test(test_owner_adoption),
        cmocka_unit_test(test_owner_validation),
        cmocka_unit_test(test_owner_without_kind),
        cmocka_unit_test(test_field_decoding),
        cmocka_unit_test(test_null_namespace_selector),
        cmocka_unit_test(test_recursive_list),
        cmocka_unit_test(test_generate_name),
        cmocka_unit_test(test_load_directory),
        cmocka_unit_test(test_anp_valid),
        cmocka_unit_test(test_anp_priority),
        cmocka_unit_test(test_anp_subject),
        cmocka_unit_test(test_anp_rules),
        cmocka_unit_test(test_anp_peers),
        cmocka_unit_test(test_anp_ports),
        cmocka_unit_test(test_anp_lenient),
        cmocka_unit_test(test_anp_objects),
        cmocka_unit_test(test_cnp_valid),
        cmocka_unit_test(test_cnp_errors),
        cmocka_unit_test(test_udn_spec),
        cmocka_unit_test(test_udn_placement),
        cmocka_unit_test(test_cudn_clash),
        cmocka_unit_test(test_unmodelled_workloads),
        cmocka_unit_test(test_err_names),
        cmocka_unit_test(test_err_ipv6),
        cmocka_unit_test(test_no_workload),
        cmocka_unit_test(test_service_selection),
        cmocka_unit_test(test_err_service),
        cmocka_unit_test(test_sidecar_ports),
        cmocka_unit_test(test_err_unknown_fields),
        cmocka_unit_test(test_err_builtin_validation),
        cmocka_unit_test(test_list_fields),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
