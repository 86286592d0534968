/*
 * model.c - the flow model: namespace table, workload grouping, endpoint
 * classes (hash-consed on what selectors and named ports can see), units and
 * external address atoms.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/model.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/expose.h"

/* Never a valid label value (those have no spaces or parentheses): no selector names it. */
const char nv_model_unknown_value[] = "(a value set by the controller)";

struct nv_model *nv_model_new(void)
{
    struct nv_model *m = nv_xcalloc(1, sizeof(*m));

    nv_arena_init(&m->arena);
    m->ports = nv_xmalloc(sizeof(*m->ports));
    nv_ports_init(m->ports);
    m->families = NV_FAMILIES_ALL;
    m->famauto = 1;
    nv_profile_init(&m->profile);
    m->ctrl = -1;
    return m;
}

void nv_model_free(struct nv_model *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->nworkloads + (m->ctrl >= 0); i++)
        free(m->workloads[i].pods);
    free(m->backends);
    free(m->grants);
    free(m->ns);
    free(m->pods);
    free(m->workloads);
    free(m->services);
    free(m->hpas);
    free(m->policies);
    free(m->tiered);
    free(m->nodes);
    free(m->skipped);
    free(m->classes);
    free(m->units);
    free((void *)m->keys);
    free((void *)m->podsels);
    free((void *)m->portnames);
    free((void *)m->named);
    free(m->extra);
    free(m->nsindex);
    free(m->atomdom);
    nv_atoms_release(&m->atoms);
    nv_ports_release(m->ports);
    free(m->ports);
    nv_arena_release(&m->arena);
    free(m);
}

static size_t nv_ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void nv_nsindex_put(struct nv_model *m, unsigned idx)
{
    size_t j = nv_ptr_hash(m->ns[idx].name) & (m->nnsindex - 1);

    while (m->nsindex[j] != UINT32_MAX)
        j = (j + 1) & (m->nnsindex - 1);
    m->nsindex[j] = idx;
}

unsigned nv_model_namespace(struct nv_model *m, const char *name)
{
    const char *in = nv_arena_intern(&m->arena, name);
    struct nv_namespace *ns;
    size_t j;

    if (m->nnsindex) {
        j = nv_ptr_hash(in) & (m->nnsindex - 1);
        while (m->nsindex[j] != UINT32_MAX) {
            if (m->ns[m->nsindex[j]].name == in)
                return m->nsindex[j];
            j = (j + 1) & (m->nnsindex - 1);
        }
    }
    NV_GROW(m->ns, m->nsalloc, m->nns + 1);
    ns = &m->ns[m->nns];
    memset(ns, 0, sizeof(*ns));
    ns->name = in;
    ns->labels.n = 1;
    ns->labels.keys = nv_arena_alloc(&m->arena, sizeof(*ns->labels.keys));
    ns->labels.vals = nv_arena_alloc(&m->arena, sizeof(*ns->labels.vals));
    ns->labels.keys[0] = nv_arena_intern(&m->arena, "kubernetes.io/metadata.name");
    ns->labels.vals[0] = in;
    m->nns++;
    if (m->nns * 2 > m->nnsindex) {
        size_t i;
        free(m->nsindex);
        m->nnsindex = m->nnsindex ? m->nnsindex * 2 : 64;
        m->nsindex = nv_xmalloc(m->nnsindex * sizeof(*m->nsindex));
        memset(m->nsindex, 0xff, m->nnsindex * sizeof(*m->nsindex));
        for (i = 0; i < m->nns; i++)
            nv_nsindex_put(m, (unsigned)i);
    } else {
        nv_nsindex_put(m, (unsigned)(m->nns - 1));
    }
    return (unsigned)(m->nns - 1);
}

static const char nv_ns_name_key[] = "kubernetes.io/metadata.name";

/* A namespace's labels but its name label, in their order. */
static uint64_t nv_nslabels_hash(const struct nv_labels *l)
{
    uint64_t h = NV_HASH_INIT;
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->keys[i], nv_ns_name_key)) {
            h = nv_hash_bytes(&l->keys[i], sizeof(l->keys[i]), h);
            h = nv_hash_bytes(&l->vals[i], sizeof(l->vals[i]), h);
        }
    return (h ^ (h >> 31)) * 0x94d049bb133111ebULL;
}

static int nv_nslabels_eq(const struct nv_labels *a, const struct nv_labels *b)
{
    size_t i = 0, j = 0;

    for (;;) {
        while (i < a->n && !strcmp(a->keys[i], nv_ns_name_key))
            i++;
        while (j < b->n && !strcmp(b->keys[j], nv_ns_name_key))
            j++;
        if (i == a->n || j == b->n)
            return i == a->n && j == b->n;
        if (a->keys[i] != b->keys[j] || a->vals[i] != b->vals[j])
            return 0;
        i++, j++;
    }
}

void nv_model_nsgroups_build(struct nv_nsgroups *g, const struct nv_model *m)
{
    size_t cap = 16, i, j;
    uint32_t *slot; /* group + 1, 0 empty */
    uint64_t *hash;

    while (cap < 2 * m->nns + 2)
        cap *= 2;
    slot = nv_xcalloc(cap, sizeof(*slot));
    hash = nv_xcalloc(m->nns + 1, sizeof(*hash));
    g->n = 0;
    g->of = nv_xcalloc(m->nns + 1, sizeof(*g->of));
    g->rep = nv_xcalloc(m->nns + 1, sizeof(*g->rep));
    for (i = 0; i < m->nns; i++) {
        const struct nv_labels *l = &m->ns[i].labels;
        uint64_t h = nv_nslabels_hash(l);
        for (j = h & (cap - 1); slot[j]; j = (j + 1) & (cap - 1))
            if (hash[slot[j] - 1] == h && nv_nslabels_eq(&m->ns[g->rep[slot[j] - 1]].labels, l))
                break;
        if (!slot[j]) {
            hash[g->n] = h;
            g->rep[g->n] = (uint32_t)i;
            slot[j] = (uint32_t)++g->n;
        }
        g->of[i] = slot[j] - 1;
    }
    free(slot);
    free(hash);
}

void nv_model_nsgroups_release(struct nv_nsgroups *g)
{
    free(g->of);
    free(g->rep);
    memset(g, 0, sizeof(*g));
}

int nv_model_nsgroups_apply(const struct nv_selector *sel)
{
    size_t i;

    for (i = 0; i < sel->n; i++)
        if (!strcmp(sel->reqs[i].key, nv_ns_name_key))
            return 0;
    return 1;
}

static void nv_add_unique(const char ***list, size_t *n, size_t *alloc, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if ((*list)[i] == s)
            return;
    nv_grow((void **)list, alloc, *n + 1, sizeof(**list));
    (*list)[(*n)++] = s;
}

void nv_model_use_selector(struct nv_model *m, const struct nv_selector *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        nv_add_unique(&m->keys, &m->nkeys, &m->keyalloc,
                      nv_arena_intern(&m->arena, s->reqs[i].key));
}

void nv_model_use_pod_selector(struct nv_model *m, const struct nv_selector *s)
{
    nv_model_use_selector(m, s);
    NV_GROW(m->podsels, m->podselalloc, m->npodsels + 1);
    m->podsels[m->npodsels++] = s;
}

void nv_model_use_workload(struct nv_model *m, const char *ref)
{
    nv_add_unique(&m->named, &m->nnamed, &m->namedalloc, nv_arena_intern(&m->arena, ref));
}

void nv_model_use_range(struct nv_model *m, const struct nv_iprange *r)
{
    NV_GROW(m->extra, m->extraalloc, m->nextra + 1);
    m->extra[m->nextra++] = *r;
}

void nv_model_use_port_name(struct nv_model *m, const char *name)
{
    nv_add_unique(&m->portnames, &m->nportnames, &m->pnalloc, nv_arena_intern(&m->arena, name));
}

/* ---- workloads ---- */

static int nv_wl_cmp(const void *pa, const void *pb)
{
    const struct nv_workload *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);

    if (c)
        return c;
    c = strcmp(a->kind, b->kind);
    if (c)
        return c;
    /* keep pods of one owner in input order */
    return a->pods[0] < b->pods[0] ? -1 : a->pods[0] > b->pods[0];
}

/* A pod-template hash as Kubernetes writes it: consonants and digits other than 0, 1 and 3. */
static int nv_is_template_hash(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if (!strchr("bcdfghjklmnpqrstvwxz2456789", *s))
            return 0;
    return n >= 1 && n <= 10;
}

static int nv_is_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int nv_strp_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The parent a ReplicaSet (Job) workload's name points to, DEPLOYMENT-HASH
 * (CRONJOB-MINUTES): its id "ns/DEPLOYMENT" (allocated; free it), or NULL.
 * OUT: *dash where the suffix starts in w->name.
 */
static char *nv_parent_id(const struct nv_workload *w, const char **dash)
{
    int rs = !strcmp(w->kind, "ReplicaSet"), job = !strcmp(w->kind, "Job");
    size_t n;
    char *parent;

    *dash = strrchr(w->name, '-');
    if ((!rs && !job) || !*dash || *dash == w->name ||
        !(rs ? nv_is_template_hash(*dash + 1) : nv_is_digits(*dash + 1)))
        return NULL;
    n = strlen(w->id) - strlen(*dash);
    parent = nv_xmalloc(n + 1);
    memcpy(parent, w->id, n);
    parent[n] = 0;
    return parent;
}

/* Whether a ReplicaSet (Job) object names a controller other than the parent its name points to. */
static int nv_owned_elsewhere(const struct nv_workload *w, const char *dash)
{
    const char *parent = !strcmp(w->kind, "ReplicaSet") ? "Deployment" : "CronJob";
    size_t n = (size_t)(dash - w->name);

    return w->owner_kind && (strcmp(w->owner_kind, parent) || strlen(w->owner_name) != n ||
                             strncmp(w->owner_name, w->name, n));
}

/*
 * In an export of a live cluster, the pods of a Deployment belong to a
 * ReplicaSet named DEPLOYMENT-HASH (and the ReplicaSet object itself may be
 * there too), and the pods of a CronJob to a Job named CRONJOB-MINUTES. When
 * the Deployment (CronJob) is in the input as well, they are its pods: the
 * ReplicaSet (Job) takes the parent's name and kind, so that one workload
 * stands for them all. Without the parent in the input they keep their own
 * name, as netpol-analyzer names them. A ReplicaSet (Job) object in the
 * input that names another controller is not the parent's, and neither are
 * the pods it owns.
 */
static void nv_adopt_children(struct nv_model *m)
{
    const char **deploy = nv_xmalloc((m->nworkloads + 1) * sizeof(*deploy));
    const char **cron = nv_xmalloc((m->nworkloads + 1) * sizeof(*cron));
    const char **elsewhere = nv_xmalloc((m->nworkloads + 1) * sizeof(*elsewhere));
    size_t nd = 0, nc = 0, ne = 0, i;

    for (i = 0; i < m->nworkloads; i++) {
        const char *dash;
        char *parent;
        if (!strcmp(m->workloads[i].kind, "Deployment"))
            deploy[nd++] = m->workloads[i].id;
        else if (!strcmp(m->workloads[i].kind, "CronJob"))
            cron[nc++] = m->workloads[i].id;
        else if ((parent = nv_parent_id(&m->workloads[i], &dash))) {
            if (nv_owned_elsewhere(&m->workloads[i], dash))
                elsewhere[ne++] = m->workloads[i].id;
            free(parent);
        }
    }
    qsort(deploy, nd, sizeof(*deploy), nv_strp_cmp);
    qsort(cron, nc, sizeof(*cron), nv_strp_cmp);
    qsort(elsewhere, ne, sizeof(*elsewhere), nv_strp_cmp);
    for (i = 0; i < m->nworkloads && nd + nc; i++) {
        struct nv_workload *w = &m->workloads[i];
        int rs = !strcmp(w->kind, "ReplicaSet");
        const char *dash, **hit, *key = w->id;
        char *parent = nv_parent_id(w, &dash);
        if (!parent)
            continue;
        if (!bsearch(&key, elsewhere, ne, sizeof(*elsewhere), nv_strp_cmp)) {
            key = parent;
            hit = bsearch(&key, rs ? deploy : cron, rs ? nd : nc, sizeof(*deploy), nv_strp_cmp);
            if (hit) {
                w->id = *hit;
                w->name = nv_arena_internn(&m->arena, w->name, (size_t)(dash - w->name));
                w->kind = nv_arena_intern(&m->arena, rs ? "Deployment" : "CronJob");
            }
        }
        free(parent);
    }
    free(deploy);
    free(cron);
    free(elsewhere);
}

/*
 * Pods that name a controller without a kind are grouped by its name as a
 * workload of kind Pod; should a Pod object bear that name, which workload
 * is which cannot be told (Kubernetes would refuse such a reference).
 */
static int nv_model_check_kindless_group(const struct nv_model *m, const struct nv_workload *a,
                                         const struct nv_workload *b, struct nv_diags *d)
{
    const struct nv_workload *named = a->by_owner_name ? b : a, *owned = a->by_owner_name ? a : b;

    if (a->by_owner_name == b->by_owner_name)
        return 0;
    return nv_diag_error(d, m->pods[owned->pods[0]].loc, NV_E_DUP,
                         "Pod '%s' names '%s' as its controller without a kind, and the Pod "
                         "'%s' exists (%s:%u): give the reference its kind",
                         m->pods[owned->pods[0]].name, owned->name, named->name,
                         named->loc.file ? named->loc.file : "-", named->loc.line);
}

static int nv_group_workloads(struct nv_model *m, struct nv_diags *d)
{
    size_t i, w = 0;
    int rc = 0;

    /* every workload has exactly one pod so far: the pod that created it */
    for (i = 0; i < m->npods; i++) {
        struct nv_workload *wl = &m->workloads[m->pods[i].workload];
        wl->pods = nv_xmalloc(sizeof(*wl->pods));
        wl->pods[0] = (unsigned)i;
        wl->npods = 1;
    }
    nv_adopt_children(m);
    if (m->workloads)
        qsort(m->workloads, m->nworkloads, sizeof(*m->workloads), nv_wl_cmp);
    for (i = 0; i < m->nworkloads; i++) {
        struct nv_workload *cur = &m->workloads[i];
        if (w && m->workloads[w - 1].id == cur->id &&
            !strcmp(m->workloads[w - 1].kind, cur->kind)) {
            struct nv_workload *prev = &m->workloads[w - 1];
            if (rc == 0 && nv_model_check_kindless_group(m, prev, cur, d) < 0)
                rc = -1;
            prev->pods = nv_xrealloc(prev->pods, (prev->npods + 1) * sizeof(*prev->pods));
            prev->pods[prev->npods++] = cur->pods[0];
            free(cur->pods);
            continue;
        }
        if (w != i)
            m->workloads[w] = *cur;
        w++;
    }
    m->nworkloads = w;
    for (i = 0; i < m->nworkloads; i++) {
        size_t j;
        for (j = 0; j < m->workloads[i].npods; j++)
            m->pods[m->workloads[i].pods[j]].workload = (unsigned)i;
    }
    return rc;
}

/* ---- pod counts ---- */

static unsigned nv_count_add(unsigned a, unsigned b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static int nv_hpa_cmp(const void *pa, const void *pb)
{
    const struct nv_hpa *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);

    if (!c)
        c = strcmp(a->ns, b->ns);
    return c ? c : strcmp(a->kind, b->kind);
}

/*
 * Each template's pod count: its replicas, or the maxReplicas of the
 * HorizontalPodAutoscalers that scale it (the most of them), at least 1 (a
 * workload scaled to 0 runs pods once scaled up), plus a Deployment's surge
 * during a rolling update. Before workloads are grouped: each pod's workload
 * is still the object that declared it.
 */
static void nv_count_pods(struct nv_model *m)
{
    size_t i;

    if (m->nhpas)
        qsort(m->hpas, m->nhpas, sizeof(*m->hpas), nv_hpa_cmp);
    for (i = 0; i < m->npods; i++) {
        struct nv_pod *pod = &m->pods[i];
        const struct nv_workload *w = &m->workloads[pod->workload];
        unsigned long long n = pod->count, surge = pod->surge;
        if (pod->origin == NV_POD_MANIFEST)
            continue;
        if (pod->scalable && m->nhpas) {
            struct nv_hpa key;
            size_t lo = 0, hi = m->nhpas, j;
            key.name = w->name;
            key.ns = m->ns[w->ns].name;
            key.kind = w->kind;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (nv_hpa_cmp(&m->hpas[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (j = lo; j < m->nhpas && !nv_hpa_cmp(&m->hpas[j], &key); j++)
                if (j == lo || m->hpas[j].max > n)
                    n = m->hpas[j].max;
        }
        if (n < 1)
            n = 1;
        if (pod->surge_pct)
            surge = (n * surge + 99) / 100;
        n += surge;
        pod->count = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
    }
}

unsigned nv_model_pods_in(const struct nv_model *m, uint32_t wl, uint32_t cls)
{
    const struct nv_workload *w = &m->workloads[wl];
    unsigned n = 0;
    size_t i;

    for (i = 0; i < w->npods; i++)
        if (cls == UINT32_MAX || m->pods[w->pods[i]].cls == cls)
            n = nv_count_add(n, m->pods[w->pods[i]].count);
    return n;
}

/* ---- labels controllers set ---- */

static const char k_sts_name[] = "statefulset.kubernetes.io/pod-name";
static const char k_sts_index[] = "apps.kubernetes.io/pod-index";

/* Call fn on every pod selector of the policies and the claims. */
static void nv_each_pod_selector(const struct nv_model *m,
                                 void (*fn)(const struct nv_selector *, void *), void *arg)
{
    size_t i, r, k;
    int dir;

    for (i = 0; i < m->npolicies + m->ntiered; i++) {
        const struct nv_policy *p = i < m->npolicies ? m->policies[i] : m->tiered[i - m->npolicies];
        if (p->subject)
            fn(p->subject, arg);
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                for (k = 0; k < p->rules[dir][r].npeers; k++)
                    if (p->rules[dir][r].peers[k].pod_sel)
                        fn(p->rules[dir][r].peers[k].pod_sel, arg);
    }
    for (i = 0; i < m->npodsels; i++)
        fn(m->podsels[i], arg);
}

/* The values selectors name for a StatefulSet's pod name [0] or index [1] (interned keys). */
struct nv_named_vals {
    const char *key[2];
    const char **vals[2];
    size_t n[2], alloc[2];
};

static void nv_collect_sts_values(const struct nv_selector *s, void *arg)
{
    struct nv_named_vals *v = arg;
    size_t i, j;
    int k;

    for (i = 0; i < s->n; i++)
        for (k = 0; k < 2; k++) {
            const struct nv_requirement *r = &s->reqs[i];
            if (r->key != v->key[k])
                continue;
            for (j = 0; j < r->nvalues; j++) {
                NV_GROW(v->vals[k], v->alloc[k], v->n[k] + 1);
                v->vals[k][v->n[k]++] = r->values[j];
            }
        }
}

/* An ordinal as Kubernetes writes it (decimal, no leading zero); -1 if s is not one. */
static long nv_ordinal_of(const char *s)
{
    long v = 0;

    if (!*s || (s[0] == '0' && s[1]))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 214748364L)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static int nv_ulong_cmp(const void *pa, const void *pb)
{
    unsigned long a = *(const unsigned long *)pa, b = *(const unsigned long *)pb;

    return a < b ? -1 : a > b;
}

/* A copy of labels l with the StatefulSet pod name and index of 'ordinal'. */
static struct nv_labels nv_sts_labels(struct nv_model *m, const struct nv_labels *l,
                                      const char *name, unsigned long ordinal)
{
    struct nv_labels out;
    char buf[32];
    size_t n = strlen(name) + 24, i, j = 0;
    char *pn = nv_xmalloc(n);

    out.n = 0;
    out.keys = nv_arena_alloc(&m->arena, (l->n + 2) * sizeof(*out.keys));
    out.vals = nv_arena_alloc(&m->arena, (l->n + 2) * sizeof(*out.vals));
    for (i = 0; i < l->n; i++)
        if (strcmp(l->keys[i], k_sts_name) && strcmp(l->keys[i], k_sts_index)) {
            out.keys[j] = l->keys[i];
            out.vals[j++] = l->vals[i];
        }
    snprintf(pn, n, "%s-%lu", name, ordinal);
    snprintf(buf, sizeof(buf), "%lu", ordinal);
    out.keys[j] = nv_arena_intern(&m->arena, k_sts_name);
    out.vals[j++] = nv_arena_intern(&m->arena, pn);
    out.keys[j] = nv_arena_intern(&m->arena, k_sts_index);
    out.vals[j++] = nv_arena_intern(&m->arena, buf);
    out.n = j;
    nv_labels_sort(&out);
    free(pn);
    return out;
}

/*
 * StatefulSet pods carry their own name and index as labels. Where some pod
 * selector names one of them, that pod gets a group of its own; the others
 * stay one group (labelled as the first of them), which no selector tells
 * apart. Every group of a template shares its workload; new groups go to the
 * end of m->pods.
 */
static void nv_split_statefulsets(struct nv_model *m)
{
    struct nv_named_vals v;
    unsigned long *named = NULL;
    size_t nalloc = 0, npods = m->npods, i, j, nk, ngroups;

    memset(&v, 0, sizeof(v));
    v.key[0] = nv_arena_intern(&m->arena, k_sts_name);
    v.key[1] = nv_arena_intern(&m->arena, k_sts_index);
    nv_each_pod_selector(m, nv_collect_sts_values, &v);
    for (i = 0; i < npods; i++) {
        struct nv_pod *pod = &m->pods[i], tmpl;
        size_t nn = 0, nl = strlen(pod->name);
        unsigned long first = pod->ordinal, end = (unsigned long)pod->ordinal + pod->count, o;
        struct nv_workload *w;
        int key;
        if (pod->origin != NV_POD_ORDINAL || !pod->remainder)
            continue;
        for (key = 0; key < 2; key++)
            for (j = 0; j < v.n[key]; j++) {
                const char *val = v.vals[key][j];
                long k = -1;
                if (key == 1)
                    k = nv_ordinal_of(val);
                else if (!strncmp(val, pod->name, nl) && val[nl] == '-')
                    k = nv_ordinal_of(val + nl + 1);
                if (k < 0 || (unsigned long)k < first || (unsigned long)k >= end)
                    continue;
                NV_GROW(named, nalloc, nn + 1);
                named[nn++] = (unsigned long)k;
            }
        if (nn)
            qsort(named, nn, sizeof(*named), nv_ulong_cmp);
        for (j = 0, o = 0; j < nn; j++)
            if (!o || named[o - 1] != named[j])
                named[o++] = named[j];
        nn = o;
        /* the first ordinal that no selector names: where the remainder starts */
        for (o = first, j = 0; j < nn && named[j] == o; j++)
            o++;
        if (!nn) {
            pod->labels = nv_sts_labels(m, &pod->labels, pod->name, first);
            continue;
        }
        /* the groups in ordinal order, the remainder (from o) among them; the first keeps
         * the template's place */
        tmpl = *pod;
        w = &m->workloads[tmpl.workload];
        ngroups = nn + (o < end);
        for (j = 0, nk = 0; j < ngroups; j++) {
            struct nv_pod *g;
            int rest = o < end && (nk == nn || named[nk] > o);
            unsigned long ord = rest ? o : named[nk++];
            if (j == 0) {
                g = &m->pods[i];
            } else {
                NV_GROW(m->pods, m->podalloc, m->npods + 1);
                g = &m->pods[m->npods];
                *g = tmpl;
                w->pods = nv_xrealloc(w->pods, (w->npods + 1) * sizeof(*w->pods));
                w->pods[w->npods++] = (unsigned)m->npods++;
            }
            g->remainder = (unsigned char)rest;
            g->ordinal = (unsigned)ord;
            g->count = rest ? (unsigned)(tmpl.count - nn) : 1;
            g->labels = nv_sts_labels(m, &tmpl.labels, tmpl.name, ord);
            if (rest)
                o = end; /* placed */
        }
    }
    free(named);
    free(v.vals[0]);
    free(v.vals[1]);
}

/* Label keys some pod has with a value its controller chooses (interned). */
struct nv_unknown_keys {
    const struct nv_model *m;
    const char **keys;
    size_t n, alloc;
    struct nv_diags *d;
};

static void nv_warn_unknown(const struct nv_selector *s, void *arg)
{
    struct nv_unknown_keys *u = arg;
    size_t i, j;

    for (i = 0; i < s->n; i++) {
        if (s->reqs[i].op != NV_SEL_IN && s->reqs[i].op != NV_SEL_NOTIN)
            continue;
        for (j = 0; j < u->n && u->keys[j] != s->reqs[i].key; j++)
            ;
        if (j == u->n)
            continue;
        nv_diag_warning(u->d, s->loc, NV_W_SEMANTIC,
                        "the selector compares label '%s', which controllers set to a value the "
                        "manifests do not determine: netverify takes it to differ from every "
                        "value named here",
                        s->reqs[i].key);
        return;
    }
}

/* Warn at every pod selector that compares such a label's value. */
static void nv_model_check_unknown_values(struct nv_model *m, struct nv_diags *d)
{
    const char *unknown = nv_arena_intern(&m->arena, nv_model_unknown_value);
    struct nv_unknown_keys u;
    size_t i, j, k;

    memset(&u, 0, sizeof(u));
    u.m = m;
    u.d = d;
    for (i = 0; i < m->npods; i++)
        for (j = 0; j < m->pods[i].labels.n; j++) {
            if (m->pods[i].labels.vals[j] != unknown)
                continue;
            for (k = 0; k < u.n && u.keys[k] != m->pods[i].labels.keys[j]; k++)
                ;
            if (k == u.n) {
                NV_GROW(u.keys, u.alloc, u.n + 1);
                u.keys[u.n++] = m->pods[i].labels.keys[j];
            }
        }
    if (u.n && d)
        nv_each_pod_selector(m, nv_warn_unknown, &u);
    free((void *)u.keys);
}

/* ---- classes ---- */

static int nv_is_key(const struct nv_model *m, const char *key)
{
    size_t i;

    for (i = 0; i < m->nkeys; i++)
        if (m->keys[i] == key)
            return 1;
    return 0;
}

static int nv_is_portname(const struct nv_model *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->nportnames; i++)
        if (m->portnames[i] == name)
            return 1;
    return 0;
}

static int nv_np_cmp(const void *pa, const void *pb)
{
    const struct nv_named_port *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);

    if (c)
        return c;
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    return a->port < b->port ? -1 : a->port > b->port;
}

struct nv_classtab {
    uint32_t *slots;
    size_t n;
};

static uint64_t nv_class_hash(const struct nv_class *c)
{
    uint64_t h = nv_hash_bytes(&c->ns, sizeof(c->ns), NV_HASH_INIT);

    h = nv_hash_bytes(&c->ident, sizeof(c->ident), h);
    h = nv_hash_bytes(&c->hostnet, sizeof(c->hostnet), h);
    size_t i;

    for (i = 0; i < c->labels.n; i++) {
        h = nv_hash_bytes(&c->labels.keys[i], sizeof(char *), h);
        h = nv_hash_bytes(&c->labels.vals[i], sizeof(char *), h);
    }
    for (i = 0; i < c->nports; i++) {
        h = nv_hash_bytes(&c->ports[i].name, sizeof(char *), h);
        h = nv_hash_bytes(&c->ports[i].proto, sizeof(c->ports[i].proto), h);
        h = nv_hash_bytes(&c->ports[i].port, sizeof(c->ports[i].port), h);
    }
    return h;
}

static int nv_class_eq(const struct nv_class *a, const struct nv_class *b)
{
    size_t i;

    if (a->ns != b->ns || a->ident != b->ident || a->hostnet != b->hostnet ||
        a->labels.n != b->labels.n || a->nports != b->nports)
        return 0;
    for (i = 0; i < a->labels.n; i++)
        if (a->labels.keys[i] != b->labels.keys[i] || a->labels.vals[i] != b->labels.vals[i])
            return 0;
    for (i = 0; i < a->nports; i++)
        if (a->ports[i].name != b->ports[i].name || a->ports[i].proto != b->ports[i].proto ||
            a->ports[i].port != b->ports[i].port)
            return 0;
    return 1;
}

static void nv_classtab_grow(struct nv_model *m, struct nv_classtab *t)
{
    size_t i;

    free(t->slots);
    t->n = t->n ? t->n * 2 : 1024;
    t->slots = nv_xmalloc(t->n * sizeof(*t->slots));
    memset(t->slots, 0xff, t->n * sizeof(*t->slots));
    for (i = 0; i < m->nclasses; i++) {
        size_t j = nv_class_hash(&m->classes[i]) & (t->n - 1);
        while (t->slots[j] != UINT32_MAX)
            j = (j + 1) & (t->n - 1);
        t->slots[j] = (uint32_t)i;
    }
}

static uint32_t nv_class_of(struct nv_model *m, struct nv_classtab *t, const struct nv_pod *pod)
{
    struct nv_class c;
    size_t i, j;

    memset(&c, 0, sizeof(c));
    c.ns = pod->ns;
    c.ident = UINT32_MAX;
    c.hostnet = pod->hostnet;
    if (m->nnamed) {
        const struct nv_workload *w = &m->workloads[pod->workload];
        for (i = 0; i < m->nnamed; i++)
            if (m->named[i] == w->id || m->named[i] == nv_arena_intern(&m->arena, w->name))
                c.ident = pod->workload;
    }
    c.labels.keys = nv_arena_alloc(&m->arena, (pod->labels.n + 1) * sizeof(char *));
    c.labels.vals = nv_arena_alloc(&m->arena, (pod->labels.n + 1) * sizeof(char *));
    for (i = 0; i < pod->labels.n; i++) {
        if (!nv_is_key(m, pod->labels.keys[i]))
            continue;
        c.labels.keys[c.labels.n] = pod->labels.keys[i];
        c.labels.vals[c.labels.n++] = pod->labels.vals[i];
    }
    c.ports = nv_arena_alloc(&m->arena, (pod->nports + 1) * sizeof(*c.ports));
    for (i = 0; i < pod->nports; i++)
        if (nv_is_portname(m, pod->ports[i].name))
            c.ports[c.nports++] = pod->ports[i];
    qsort(c.ports, c.nports, sizeof(*c.ports), nv_np_cmp);
    if ((m->nclasses + 1) * 2 > t->n)
        nv_classtab_grow(m, t);
    j = nv_class_hash(&c) & (t->n - 1);
    while (t->slots[j] != UINT32_MAX) {
        if (nv_class_eq(&m->classes[t->slots[j]], &c))
            return t->slots[j];
        j = (j + 1) & (t->n - 1);
    }
    NV_GROW(m->classes, m->clsalloc, m->nclasses + 1);
    m->classes[m->nclasses] = c;
    t->slots[j] = (uint32_t)m->nclasses;
    return (uint32_t)m->nclasses++;
}

static int nv_u32cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/*
 * Renumber classes so that each namespace's classes are contiguous (namespaces
 * in index order): the engine then holds per-namespace sets as word ranges.
 */
static void nv_order_classes(struct nv_model *m)
{
    size_t *count = nv_xcalloc(m->nns + 1, sizeof(*count));
    uint32_t *newid = nv_xmalloc((m->nclasses + 1) * sizeof(*newid));
    struct nv_class *sorted = nv_xmalloc((m->nclasses + 1) * sizeof(*sorted));
    size_t i, pos = 0;

    for (i = 0; i < m->nclasses; i++)
        count[m->classes[i].ns]++;
    for (i = 0; i < m->nns; i++) {
        size_t c = count[i];
        count[i] = pos;
        pos += c;
    }
    for (i = 0; i < m->nclasses; i++) {
        newid[i] = (uint32_t)count[m->classes[i].ns]++;
        sorted[newid[i]] = m->classes[i];
    }
    if (m->nclasses)
        memcpy(m->classes, sorted, m->nclasses * sizeof(*sorted));
    for (i = 0; i < m->npods; i++)
        m->pods[i].cls = newid[m->pods[i].cls];
    free(sorted);
    free(newid);
    free(count);
}

static void nv_make_units(struct nv_model *m)
{
    size_t i, j, n;
    uint32_t *tmp = NULL;
    size_t tmpalloc = 0;
    uint32_t *byclass;

    /* single-class units reuse the class index: unit i == class i for i < nclasses */
    NV_GROW(m->units, m->unitalloc, m->nclasses);
    byclass = nv_xmalloc((m->nclasses + 1) * sizeof(*byclass));
    for (i = 0; i < m->nclasses; i++) {
        m->units[i].ns = m->classes[i].ns;
        m->units[i].ncls = 1;
        m->units[i].cls = nv_arena_alloc(&m->arena, sizeof(uint32_t));
        m->units[i].cls[0] = (uint32_t)i;
        m->units[i].nworkloads = 0;
        byclass[i] = (uint32_t)i;
    }
    m->nunits = m->nclasses;
    for (i = 0; i < m->nworkloads; i++) {
        struct nv_workload *w = &m->workloads[i];
        NV_GROW(tmp, tmpalloc, w->npods);
        for (j = 0; j < w->npods; j++)
            tmp[j] = m->pods[w->pods[j]].cls;
        qsort(tmp, w->npods, sizeof(*tmp), nv_u32cmp);
        for (n = 0, j = 0; j < w->npods; j++)
            if (!n || tmp[n - 1] != tmp[j])
                tmp[n++] = tmp[j];
        if (n == 1) {
            w->unit = byclass[tmp[0]];
        } else {
            /* rare: pods of one owner that selectors tell apart; look for an equal unit */
            size_t u;
            for (u = m->nclasses; u < m->nunits; u++)
                if (m->units[u].ncls == n && !memcmp(m->units[u].cls, tmp, n * sizeof(*tmp)))
                    break;
            if (u == m->nunits) {
                NV_GROW(m->units, m->unitalloc, m->nunits + 1);
                m->units[u].ns = w->ns;
                m->units[u].ncls = n;
                m->units[u].cls = nv_arena_alloc(&m->arena, n * sizeof(*tmp));
                memcpy(m->units[u].cls, tmp, n * sizeof(*tmp));
                m->units[u].nworkloads = 0;
                m->nunits++;
            }
            w->unit = (uint32_t)u;
        }
        m->units[w->unit].nworkloads++;
    }
    for (i = 0; i < m->nclasses; i++) {
        m->classes[i].nworkloads = m->units[i].nworkloads;
        m->classes[i].count = 0;
    }
    for (i = 0; i < m->npods; i++) {
        struct nv_class *c = &m->classes[m->pods[i].cls];
        struct nv_workload *w = &m->workloads[m->pods[i].workload];
        c->count = nv_count_add(c->count, m->pods[i].count);
        w->count = nv_count_add(w->count, m->pods[i].count);
    }
    free(tmp);
    free(byclass);
}

/*
 * Which atoms may hold the address of a pod of the pod network (in a pod
 * CIDR, or anywhere when none is given) and of a node (where hostNetwork
 * pods' traffic comes from: anywhere); never a service CIDR, unless the
 * service CIDRs leave a domain no address at all (then they are ignored).
 */
static void nv_make_domains(struct nv_model *m)
{
    size_t a, i, nsvc = m->profile.nsvc;

    m->atomdom = nv_xcalloc(m->atoms.n + 1, 1);
again:
    m->ndomain[0] = m->ndomain[1] = 0;
    m->domfam[0] = m->domfam[1] = 0;
    for (a = 0; a < m->atoms.n; a++) {
        const struct nv_ip *x = &m->atoms.cuts[a];
        int pod = m->profile.npod == 0, svc = 0;
        m->atomdom[a] = 0;
        for (i = 0; i < m->profile.npod && !pod; i++)
            pod = nv_iprange_has(&m->profile.pod[i], x);
        for (i = 0; i < nsvc && !svc; i++)
            svc = nv_iprange_has(&m->profile.svc[i], x);
        if (svc)
            continue;
        m->atomdom[a] = (unsigned char)((pod ? NV_DOM_POD : 0) | NV_DOM_NODE);
        m->ndomain[0] += pod;
        m->ndomain[1]++;
        if (pod)
            m->domfam[0] |= NV_FAMILY_BIT(x->fam);
        m->domfam[1] |= NV_FAMILY_BIT(x->fam);
    }
    if (nsvc && (!m->ndomain[0] || !m->ndomain[1])) {
        nsvc = 0;
        goto again;
    }
}

static void nv_make_atoms(struct nv_model *m)
{
    size_t i, r, j;
    int dir;

    nv_atoms_init(&m->atoms, m->families);
    for (i = 0; i < m->nnodes; i++)
        for (j = 0; j < m->nodes[i].naddrs; j++) {
            struct nv_iprange one;
            one.first = one.last = m->nodes[i].addrs[j];
            if (m->families & NV_FAMILY_BIT(one.first.fam))
                nv_atoms_add(&m->atoms, &one);
        }
    for (i = 0; i < m->npolicies + m->ntiered; i++) {
        struct nv_policy *p = i < m->npolicies ? m->policies[i] : m->tiered[i - m->npolicies];
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                for (j = 0; j < p->rules[dir][r].npeers; j++) {
                    const struct nv_peer *pe = &p->rules[dir][r].peers[j];
                    size_t e;
                    if (pe->kind != NV_PEER_IPBLOCK)
                        continue;
                    nv_atoms_add(&m->atoms, &pe->cidr);
                    for (e = 0; e < pe->nexcept; e++)
                        nv_atoms_add(&m->atoms, &pe->except[e]);
                }
    }
    for (i = 0; i < m->nextra; i++)
        nv_atoms_add(&m->atoms, &m->extra[i]);
    for (i = 0; i < m->profile.npod; i++)
        nv_atoms_add(&m->atoms, &m->profile.pod[i]);
    for (i = 0; i < m->profile.nsvc; i++)
        nv_atoms_add(&m->atoms, &m->profile.svc[i]);
    nv_atoms_finish(&m->atoms);
    nv_make_domains(m);
}

/* Where a hostNetwork pod's case stands, for warnings. */
static const char *nv_hostnet_says(const struct nv_model *m)
{
    switch (m->profile.pin[NV_B_HOSTNET]) {
    case NV_HOSTNET_NODE:
        return "the network plugin treats it as its node, so no policy applies to it";
    case NV_HOSTNET_POD:
        return NULL;
    default:
        return "whether a policy applies to it depends on the network plugin (most treat it as "
               "its node; see --host-network)";
    }
}

/*
 * A policy that selects hostNetwork pods may not apply to them: say so at the
 * policy, naming at most three of their workloads.
 */
static void nv_warn_hostnet_policies(struct nv_model *m, struct nv_diags *d)
{
    const char *says = nv_hostnet_says(m);
    size_t i, j, *first, *pods;

    if (!says)
        return;
    /* the hostNetwork pods by namespace, in input order: a policy looks at its namespace's */
    first = nv_xcalloc(m->nns + 2, sizeof(*first));
    for (j = 0; j < m->npods; j++)
        if (m->pods[j].hostnet)
            first[m->pods[j].ns + 1]++;
    for (i = 0; i < m->nns; i++)
        first[i + 1] += first[i];
    pods = nv_xmalloc((first[m->nns] + 1) * sizeof(*pods));
    for (j = 0; j < m->npods; j++)
        if (m->pods[j].hostnet)
            pods[first[m->pods[j].ns]++] = j;
    for (i = m->nns; i > 0; i--) /* back to each namespace's start */
        first[i] = first[i - 1];
    first[0] = 0;
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        struct nv_buf b;
        size_t n = 0;
        const struct nv_loc *at = NULL;
        if (p->nsidx >= m->nns || first[p->nsidx] == first[p->nsidx + 1])
            continue;
        nv_buf_init(&b, 0);
        for (j = first[p->nsidx]; j < first[p->nsidx + 1]; j++) {
            const struct nv_pod *pod = &m->pods[pods[j]];
            if (!nv_selector_matches(p->subject, &pod->labels))
                continue;
            if (n++ < 3)
                nv_buf_printf(&b, "%s%s", n > 1 ? ", " : "", m->workloads[pod->workload].id);
            if (!at)
                at = &pod->hostnet_loc;
        }
        if (n > 3)
            nv_buf_printf(&b, " and %zu more", n - 3);
        if (n) {
            char where[512];
            nv_diag_warning(d, p->loc, NV_W_SEMANTIC,
                            "NetworkPolicy %s/%s selects hostNetwork pods (%s; hostNetwork at %s): "
                            "%s",
                            p->ns, p->name, nv_buf_str(&b),
                            nv_loc_format(*at, where, sizeof(where)), says);
        }
        nv_buf_release(&b);
    }
    free(pods);
    free(first);
}

/* A 'nodes' peer with no Node object in the input: what it matches is unknown; say so once per
 * peer. */
static void nv_warn_node_peers(const struct nv_model *m, struct nv_diags *d)
{
    size_t i, r, k;
    int dir;

    for (i = 0; i < m->ntiered && !m->nnodes; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->tiered[i]->nrules[dir]; r++)
                for (k = 0; k < m->tiered[i]->rules[dir][r].npeers; k++)
                    if (m->tiered[i]->rules[dir][r].peers[k].kind == NV_PEER_NODES)
                        nv_diag_warning(d, m->tiered[i]->rules[dir][r].peers[k].loc, NV_W_SEMANTIC,
                                        "no Node objects in the input: the flows this 'nodes' "
                                        "peer could match are reported as depending on the "
                                        "cluster's nodes (add the Node objects, e.g. 'kubectl "
                                        "get nodes -o yaml', to decide them)");
}

/* The cluster tiers in evaluation order: tier, priority, then kind and name (see model.h). */
static int nv_tiered_cmp(const void *a, const void *b)
{
    const struct nv_policy *x = *(const struct nv_policy *const *)a;
    const struct nv_policy *y = *(const struct nv_policy *const *)b;

    if (x->tier != y->tier)
        return x->tier < y->tier ? -1 : 1;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind > y->kind ? -1 : 1; /* ClusterNetworkPolicy before the v1alpha1 kinds */
    return strcmp(x->name, y->name);
}

const char *nv_policy_kind_name(enum nv_policy_kind k)
{
    switch (k) {
    case NV_POLICY_ANP:
        return "AdminNetworkPolicy";
    case NV_POLICY_BANP:
        return "BaselineAdminNetworkPolicy";
    case NV_POLICY_CNP:
        return "ClusterNetworkPolicy";
    default:
        return "NetworkPolicy";
    }
}

const char *nv_tier_name(enum nv_tier t)
{
    return t == NV_TIER_ADMIN ? "Admin" : t == NV_TIER_BASELINE ? "Baseline" : "NetworkPolicy";
}

const char *nv_action_name(enum nv_action a, enum nv_policy_kind k)
{
    return a == NV_ACTION_DENY   ? "Deny"
           : a == NV_ACTION_PASS ? "Pass"
           : k == NV_POLICY_CNP  ? "Accept"
                                 : "Allow";
}

/* Number policies, rules and peers (NetworkPolicies first), for the engines' side tables. */
static void nv_number_policies(struct nv_model *m)
{
    size_t i, r, k;
    int dir;

    m->nrule_ids = m->npeer_ids = 0;
    for (i = 0; i < m->npolicies + m->ntiered; i++) {
        struct nv_policy *p = i < m->npolicies ? m->policies[i] : m->tiered[i - m->npolicies];
        p->id = (uint32_t)i;
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++) {
                struct nv_rule *rule = &p->rules[dir][r];
                rule->id = (uint32_t)m->nrule_ids++;
                for (k = 0; k < rule->npeers; k++)
                    rule->peers[k].id = (uint32_t)m->npeer_ids++;
            }
    }
}

int nv_model_finish(struct nv_model *m, struct nv_diags *d)
{
    struct nv_classtab t = {NULL, 0};
    size_t i;
    int rc;

    if (m->famauto) {
        int ipv6 = nv_model_names_ipv6(m);
        nv_model_settle_families(m, ipv6);
        if (!ipv6 && m->nworkloads)
            nv_model_note_ipv4(d); /* input without a workload is an error of its own */
    }
    if (m->ntiered > 1)
        qsort(m->tiered, m->ntiered, sizeof(*m->tiered), nv_tiered_cmp);
    nv_number_policies(m);
    nv_warn_node_peers(m, d);
    nv_warn_hostnet_policies(m, d);
    nv_expose_prepare(m, d); /* the ingress controller's pod, before pods are grouped */
    nv_count_pods(m);        /* before grouping: each pod's workload is still its own object */
    rc = nv_group_workloads(m, d);
    nv_split_statefulsets(m);
    nv_model_check_unknown_values(m, d);
    for (i = 0; i < m->npods; i++)
        m->pods[i].cls = nv_class_of(m, &t, &m->pods[i]);
    free(t.slots);
    nv_order_classes(m);
    nv_expose_hide(m); /* out of the lists of workloads, before units count them */
    nv_make_units(m);
    nv_expose_finish(m);
    nv_make_atoms(m);
    return rc;
}

long nv_model_find_workload(const struct nv_model *m, const char *id)
{
    size_t lo = 0, hi = m->nworkloads;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->workloads[mid].id, id);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->nworkloads && !strcmp(m->workloads[lo].id, id) ? (long)lo : -1;
}

uint32_t nv_model_ports(const struct nv_model *m, const struct nv_portspec *ps, size_t n,
                        uint32_t cls)
{
    return nv_model_ports_in(m, m->ports, ps, n, cls);
}

uint32_t nv_model_ports_in(const struct nv_model *m, struct nv_ports *t,
                           const struct nv_portspec *ps, size_t n, uint32_t cls)
{
    struct nv_ports_list l = {NULL, 0, 0};
    size_t i, j;

    for (i = 0; i < n; i++) {
        if (!ps[i].name) {
            nv_ports_list_range(&l, ps[i].proto, ps[i].port ? ps[i].port : 1,
                                ps[i].port ? ps[i].end : 65535);
            continue;
        }
        if (cls == UINT32_MAX)
            continue; /* a named port never resolves on an external address */
        for (j = 0; j < m->classes[cls].nports; j++) {
            const struct nv_named_port *np = &m->classes[cls].ports[j];
            if (np->name == ps[i].name && (ps[i].any_proto || np->proto == ps[i].proto))
                nv_ports_list_range(&l, np->proto, np->port, np->port);
        }
    }
    return nv_ports_list_intern(t, &l);
}

void nv_model_set_profile(struct nv_model *m, const struct nv_profile *p)
{
    struct nv_iprange *pod = NULL, *svc = NULL;

    if (p->npod) {
        pod = nv_arena_alloc(&m->arena, p->npod * sizeof(*pod));
        memcpy(pod, p->pod, p->npod * sizeof(*pod));
    }
    if (p->nsvc) {
        svc = nv_arena_alloc(&m->arena, p->nsvc * sizeof(*svc));
        memcpy(svc, p->svc, p->nsvc * sizeof(*svc));
    }
    m->profile = *p;
    m->profile.pod = pod;
    m->profile.svc = svc;
    /* pods of one family make a single-stack cluster: every flow has a pod at one end */
    m->famauto = 0;
    if (p->families) {
        m->families = p->families;
    } else if (p->npod) {
        size_t i;
        m->families = 0;
        for (i = 0; i < p->npod; i++)
            m->families |= NV_FAMILY_BIT(p->pod[i].first.fam);
    } else {
        m->families = NV_FAMILIES_ALL;
        m->famauto = 1;
    }
}

static int nv_range_is_ipv6(const struct nv_iprange *r)
{
    return r->first.fam == NV_IPV6;
}

int nv_model_names_ipv6(const struct nv_model *m)
{
    size_t i, r, j;
    int dir;

    if (m->ipv6_named)
        return 1;
    for (i = 0; i < m->npolicies + m->ntiered; i++) {
        const struct nv_policy *p = i < m->npolicies ? m->policies[i] : m->tiered[i - m->npolicies];
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                for (j = 0; j < p->rules[dir][r].npeers; j++) {
                    const struct nv_peer *pe = &p->rules[dir][r].peers[j];
                    /* an except is of its cidr's family */
                    if (pe->kind == NV_PEER_IPBLOCK && nv_range_is_ipv6(&pe->cidr))
                        return 1;
                }
    }
    for (i = 0; i < m->nnodes; i++)
        for (j = 0; j < m->nodes[i].naddrs; j++)
            if (m->nodes[i].addrs[j].fam == NV_IPV6)
                return 1;
    for (i = 0; i < m->nextra; i++)
        if (nv_range_is_ipv6(&m->extra[i]))
            return 1;
    for (i = 0; i < m->profile.npod; i++)
        if (nv_range_is_ipv6(&m->profile.pod[i]))
            return 1;
    for (i = 0; i < m->profile.nsvc; i++)
        if (nv_range_is_ipv6(&m->profile.svc[i]))
            return 1;
    return 0;
}

void nv_model_settle_families(struct nv_model *m, int ipv6)
{
    if (!m->famauto)
        return;
    m->famauto = 0;
    m->families = ipv6 ? NV_FAMILIES_ALL : NV_FAMILY_BIT(NV_IPV4);
}

void nv_model_note_ipv4(struct nv_diags *d)
{
    nv_diag_note(d, (struct nv_loc){NULL, 0, 0}, NV_W_SEMANTIC,
                 "no input mentions IPv6: addresses outside the cluster are modelled as IPv4 "
                 "only, as in a single-stack IPv4 cluster (--ip-family dual models a dual-stack "
                 "one)");
}

const char *nv_model_families_why(const struct nv_model *m)
{
    static const char *const opt[] = {"", " (--ip-family ipv4)", " (--ip-family ipv6)", ""};
    static const char *const key[] = {"", " (ipFamily: ipv4)", " (ipFamily: ipv6)", ""};

    if (m->profile.families)
        return (m->profile.families_at.file ? key : opt)[m->profile.families & 3];
    if (m->profile.npod)
        return " (the pod CIDRs are of the other family)";
    if (m->families == NV_FAMILY_BIT(NV_IPV4) && !m->famauto)
        return " (no input mentions IPv6; --ip-family dual models it)";
    return "";
}

int nv_model_tells(const struct nv_model *m, enum nv_behaviour b)
{
    size_t i, r, k;
    int dir;

    if (b == NV_B_HOSTNET) {
        for (i = 0; i < m->nclasses; i++)
            if (m->classes[i].hostnet)
                return 1;
        return 0;
    }
    for (i = 0; i < m->npolicies; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->policies[i]->nrules[dir]; r++)
                for (k = 0; k < m->policies[i]->rules[dir][r].npeers; k++)
                    if (m->policies[i]->rules[dir][r].peers[k].kind == NV_PEER_IPBLOCK)
                        return 1;
    return 0;
}

size_t nv_model_combos(const struct nv_model *m, struct nv_combo *out)
{
    size_t n = 1, i, c;
    size_t open[NV_NBEHAVIOURS], nopen = 0;

    memset(&out[0], 0, sizeof(out[0]));
    for (i = 0; i < NV_NBEHAVIOURS; i++) {
        unsigned char pin = m->profile.pin[i];
        out[0].v[i] = pin == NV_UNKNOWN ? 0 : pin;
        if (pin == NV_UNKNOWN && nv_model_tells(m, (enum nv_behaviour)i))
            open[nopen++] = i;
    }
    n = (size_t)1 << nopen;
    for (c = 1; c < n; c++) {
        out[c] = out[0];
        for (i = 0; i < nopen; i++)
            out[c].v[open[i]] = (unsigned char)((c >> i) & 1);
    }
    return n;
}
