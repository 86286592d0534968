/*
 * gencluster.c - write a synthetic Kubernetes cluster (namespaces, workloads,
 * NetworkPolicies) as one multi-document YAML stream, for the benchmark.
 * Usage: gencluster [--labels common|diverse] N [SEED]. The output depends
 * only on the shape, N and SEED.
 *
 * common (the default): the labels and policy patterns of PERFORMANCE-NOTES.md
 * section 2; few distinct label combinations, so many workloads look alike.
 * diverse: namespaces labelled from a small vocabulary, every workload 1-4 of
 * 6 label keys with 2-6 values each (nearly every workload of a namespace has
 * labels of its own), policies drawn at random from matchLabels, the four
 * matchExpressions operators, namespaceSelector+podSelector peers, ipBlocks
 * with except, named ports and endPort ranges.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shape of the cluster (PERFORMANCE-NOTES.md section 2): N workloads in
 * max(1, N/10) namespaces, max(1, N/5) policies, plus kube-system (CoreDNS)
 * and monitoring (Prometheus), whose two workloads come on top of the N.
 */
#define GC_MAX_N 10000000UL

static const char *const k_teams[] = {"payments", "platform", "data",   "search",
                                      "identity", "growth",   "mobile", "ml",
                                      "core",     "infra",    "web"};
static const char *const k_envs[] = {"dev", "staging", "prod"};
static const char *const k_apps[] = {
    "web",    "api",       "auth",      "cart",      "checkout", "payments",
    "search", "catalog",   "inventory", "orders",    "shipping", "users",
    "notify", "email",     "recommend", "reviews",   "gateway",  "ingest",
    "etl",    "reports",   "billing",   "ledger",    "cache",    "queue",
    "worker", "scheduler", "inference", "analytics", "admin",    "media"};
static const char *const k_roles[] = {"frontend", "api", "worker", "db", "cache", "batch"};
static const char *const k_tiers[] = {"frontend", "backend", "data"};
static const unsigned k_http_ports[] = {80, 8080, 8000, 3000};

#define GC_NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum gc_kind { GC_DEPLOYMENT, GC_STATEFULSET, GC_DAEMONSET, GC_POD };

static const char *const k_kind_names[] = {"Deployment", "StatefulSet", "DaemonSet", "Pod"};

struct gc_ns {
    unsigned team, env;
    int istio;
    char name[48];
};

struct gc_wl {
    unsigned ns, app, role, tier, version, http, replicas;
    enum gc_kind kind;
    int has_version, debug, metrics, grpc;
    char hash[13]; /* quoted when all digits, as a YAML emitter writes such a string */
};

struct gc_cluster {
    size_t nns, nwl, npol;
    struct gc_ns *ns;
    struct gc_wl *wl;
    size_t *ns_first, *ns_list; /* workloads grouped by namespace (CSR) */
};

/* ---- deterministic randomness: splitmix64 ---- */

static uint64_t g_rng;

static uint64_t gc_rand(void)
{
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is negligible here). */
static unsigned gc_below(size_t n)
{
    return (unsigned)(((gc_rand() >> 32) * (uint64_t)n) >> 32);
}

static int gc_percent(unsigned p)
{
    return gc_below(100) < p;
}

/* ---- unique pod-template-hash values ---- */

/* The alphabet Kubernetes uses for generated suffixes (no vowels, no 0/1/3). */
static const char k_hash_alpha[] = "bcdfghjklmnpqrstvwxz2456789";
#define GC_HASH_MOD 205891132094649ULL /* 27^10 */
#define GC_HASH_MUL 123456789012347ULL /* not a multiple of 3: a bijection mod 27^10 */

/* (a * b) mod m without overflow, for a, b, m < 2^62. */
static uint64_t gc_mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;

    a %= m;
    while (b) {
        if (b & 1)
            r = (r + a) % m;
        a = (a << 1) % m;
        b >>= 1;
    }
    return r;
}

/*
 * Write a 10-character hash for index i; distinct i give distinct hashes. One
 * of only digits is written in quotes: plain, YAML reads it as a number, and a
 * label value must be a string.
 */
static void gc_hash(char out[13], uint64_t i, uint64_t offset)
{
    uint64_t x = (gc_mulmod(GC_HASH_MUL, i, GC_HASH_MOD) + offset) % GC_HASH_MOD;
    int k, digits = 1;

    for (k = 0; k < 10; k++) {
        out[k + 1] = k_hash_alpha[x % 27];
        digits &= out[k + 1] >= '0' && out[k + 1] <= '9';
        x /= 27;
    }
    if (digits) {
        out[0] = '"';
        out[11] = '"';
        out[12] = '\0';
    } else {
        memmove(out, out + 1, 10);
        out[10] = '\0';
    }
}

/* ---- building the cluster ---- */

static void *gc_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        fputs("gencluster: out of memory\n", stderr);
        exit(3);
    }
    return p;
}

static void gc_make_namespaces(struct gc_cluster *c)
{
    size_t i;

    for (i = 0; i < c->nns; i++) {
        struct gc_ns *n = &c->ns[i];
        n->team = gc_below(GC_NELEM(k_teams));
        n->env = gc_below(GC_NELEM(k_envs));
        n->istio = gc_percent(30);
        snprintf(n->name, sizeof(n->name), "%s-%s-%zu", k_teams[n->team], k_envs[n->env], i + 1);
    }
}

static void gc_make_workloads(struct gc_cluster *c)
{
    uint64_t offset = gc_rand() % GC_HASH_MOD;
    size_t i, *fill;

    for (i = 0; i < c->nwl; i++) {
        struct gc_wl *w = &c->wl[i];
        unsigned k = gc_below(100);
        w->kind = k < 70 ? GC_DEPLOYMENT : k < 85 ? GC_STATEFULSET : k < 95 ? GC_DAEMONSET : GC_POD;
        w->ns = gc_below(c->nns);
        w->app = gc_below(GC_NELEM(k_apps));
        w->role = gc_below(GC_NELEM(k_roles));
        w->tier = gc_below(GC_NELEM(k_tiers));
        w->has_version = gc_percent(60);
        w->version = 1 + gc_below(5);
        w->debug = gc_percent(5);
        w->http = k_http_ports[gc_below(GC_NELEM(k_http_ports))];
        w->metrics = gc_percent(50);
        w->grpc = gc_percent(30);
        w->replicas = 1 + gc_below(12);
        gc_hash(w->hash, i, offset);
    }
    /* group workloads by namespace so policies can target what is there */
    for (i = 0; i < c->nwl; i++)
        c->ns_first[c->wl[i].ns + 1]++;
    for (i = 0; i < c->nns; i++)
        c->ns_first[i + 1] += c->ns_first[i];
    fill = gc_calloc(c->nns + 1, sizeof(*fill));
    memcpy(fill, c->ns_first, (c->nns + 1) * sizeof(*fill));
    for (i = 0; i < c->nwl; i++)
        c->ns_list[fill[c->wl[i].ns]++] = i;
    free(fill);
}

/* ---- YAML output ---- */

static void gc_print_namespace(const char *name, const char *team, const char *env, int istio)
{
    printf("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n"
           "  labels: {kubernetes.io/metadata.name: %s, team: %s, env: %s%s}\n",
           name, name, team, env, istio ? ", istio-injection: enabled" : "");
}

static void gc_print_labels(const struct gc_wl *w)
{
    printf("{app: %s, role: %s, tier: %s", k_apps[w->app], k_roles[w->role], k_tiers[w->tier]);
    if (w->has_version)
        printf(", version: v%u", w->version);
    if (w->debug)
        fputs(", debug: \"true\"", stdout);
    printf(", pod-template-hash: %s}", w->hash);
}

static void gc_print_container(const struct gc_wl *w, const char *indent, const char *name)
{
    printf("%s- name: %s\n%s  image: registry.example.com/%s:1.%u.0\n", indent, name, indent,
           name, w->has_version ? w->version : 0);
    printf("%s  ports: [{name: http, containerPort: %u}", indent, w->http);
    if (w->metrics)
        fputs(", {name: metrics, containerPort: 9090}", stdout);
    if (w->grpc)
        fputs(", {name: grpc, containerPort: 50051}", stdout);
    fputs("]\n", stdout);
}

static void gc_print_workload(const struct gc_cluster *c, size_t i)
{
    const struct gc_wl *w = &c->wl[i];
    const char *ns = c->ns[w->ns].name;

    if (w->kind == GC_POD) {
        printf("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s-%zu\n  namespace: %s\n"
               "  labels: ",
               k_apps[w->app], i, ns);
        gc_print_labels(w);
        fputs("\nspec:\n  containers:\n", stdout);
        gc_print_container(w, "  ", k_apps[w->app]);
        return;
    }
    printf("---\napiVersion: apps/v1\nkind: %s\nmetadata: {name: %s-%zu, namespace: %s}\nspec:\n",
           k_kind_names[w->kind], k_apps[w->app], i, ns);
    if (w->kind == GC_STATEFULSET)
        printf("  serviceName: %s-%zu\n", k_apps[w->app], i);
    if (w->kind != GC_DAEMONSET)
        printf("  replicas: %u\n", w->replicas);
    printf("  selector: {matchLabels: {app: %s, pod-template-hash: %s}}\n", k_apps[w->app],
           w->hash);
    fputs("  template:\n    metadata:\n      labels: ", stdout);
    gc_print_labels(w);
    fputs("\n    spec:\n      containers:\n", stdout);
    gc_print_container(w, "      ", k_apps[w->app]);
}

static void gc_print_system(void)
{
    gc_print_namespace("kube-system", "platform", "prod", 0);
    gc_print_namespace("monitoring", "platform", "prod", 0);
    fputs("---\napiVersion: apps/v1\nkind: Deployment\n"
          "metadata: {name: coredns, namespace: kube-system}\nspec:\n  replicas: 2\n"
          "  selector: {matchLabels: {k8s-app: kube-dns}}\n  template:\n"
          "    metadata:\n      labels: {k8s-app: kube-dns}\n    spec:\n      containers:\n"
          "      - name: coredns\n        image: registry.k8s.io/coredns/coredns:v1.11.1\n"
          "        ports: [{name: dns, containerPort: 53, protocol: UDP}, "
          "{name: dns-tcp, containerPort: 53, protocol: TCP}, "
          "{name: metrics, containerPort: 9153, protocol: TCP}]\n",
          stdout);
    fputs("---\napiVersion: apps/v1\nkind: Deployment\n"
          "metadata: {name: prometheus, namespace: monitoring}\nspec:\n  replicas: 1\n"
          "  selector: {matchLabels: {app: prometheus}}\n  template:\n"
          "    metadata:\n      labels: {app: prometheus, tier: backend}\n    spec:\n"
          "      containers:\n      - name: prometheus\n"
          "        image: quay.io/prometheus/prometheus:v2.51.0\n"
          "        ports: [{name: web, containerPort: 9090}]\n",
          stdout);
}

/* ---- policies ---- */

enum gc_pattern {
    GC_DENY_INGRESS,
    GC_DENY_EGRESS_DNS,
    GC_APP_FROM_ROLE,
    GC_FROM_TEAM,
    GC_NS_AND_POD,
    GC_EXPRESSIONS,
    GC_IPBLOCK_INGRESS,
    GC_IPBLOCK_EGRESS,
    GC_NAMED_PORTS,
    GC_PORT_RANGES,
    GC_EMPTY_PARTS,
    GC_SAME_NAMESPACE,
    GC_BOTH_DIRECTIONS,
    GC_NPATTERNS
};

static const char *const k_pattern_names[] = {"default-deny-ingress",
                                              "deny-egress-allow-dns",
                                              "from-role",
                                              "from-team",
                                              "from-env-app",
                                              "expressions",
                                              "from-cidr",
                                              "to-cidr",
                                              "named-ports",
                                              "port-ranges",
                                              "open",
                                              "same-namespace",
                                              "in-and-out"};

/* What one policy is about: its namespace and a workload there to aim at. */
struct gc_target {
    const char *ns;
    const struct gc_wl *w;    /* the workload the policy protects */
    const struct gc_wl *peer; /* another workload in the same namespace */
};

static const char k_dns_rule[] =
    "  - to:\n"
    "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n"
    "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
    "    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]\n";

static void gc_print_ip(uint32_t a)
{
    printf("%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static uint32_t gc_mask(unsigned len)
{
    return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/* A random /16../24 ipBlock with one strictly smaller block excepted. */
static void gc_print_random_ipblock(void)
{
    unsigned len = 16 + gc_below(9), xlen = len + 1 + gc_below(8);
    uint32_t base = (uint32_t)gc_rand(), ex;

    if (gc_percent(50))
        base = (10u << 24) | (base & 0x00ffffffu);
    base &= gc_mask(len);
    ex = base | ((uint32_t)gc_rand() & ~gc_mask(len) & gc_mask(xlen));
    fputs("{ipBlock: {cidr: ", stdout);
    gc_print_ip(base);
    printf("/%u, except: [", len);
    gc_print_ip(ex);
    printf("/%u]}}", xlen);
}

/* Two different values of a label, for In / NotIn. */
static void gc_print_two(const char *const *vals, size_t n)
{
    unsigned a = gc_below(n), b = (a + 1 + gc_below(n - 1)) % (unsigned)n;

    printf("[%s, %s]", vals[a], vals[b]);
}

static void gc_print_app_selector(const struct gc_wl *w)
{
    printf("{matchLabels: {app: %s}}", k_apps[w->app]);
}

static void gc_policy_body(enum gc_pattern p, const struct gc_target *t)
{
    const struct gc_wl *w = t->w, *peer = t->peer;
    /*
     * Draw the random choices up front, one per statement: the evaluation order
     * of function arguments is unspecified, and the output must not depend on
     * the compiler.
     */
    const char *team = k_teams[gc_below(GC_NELEM(k_teams))];
    const char *team2 = k_teams[gc_below(GC_NELEM(k_teams))];
    const char *env = k_envs[gc_below(GC_NELEM(k_envs))];
    const char *env2 = k_envs[gc_below(GC_NELEM(k_envs))];
    const char *role = k_roles[gc_below(GC_NELEM(k_roles))];
    int coin = gc_percent(50);

    switch (p) {
    case GC_DENY_INGRESS:
        fputs("  podSelector: {}\n  policyTypes: [Ingress]\n", stdout);
        break;
    case GC_DENY_EGRESS_DNS:
        fputs("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n", stdout);
        fputs(k_dns_rule, stdout);
        break;
    case GC_APP_FROM_ROLE:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        printf("\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: %s}}}]\n"
               "    ports: [{protocol: TCP, port: http}]\n",
               k_roles[peer->role]);
        break;
    case GC_FROM_TEAM:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        printf("\n  policyTypes: [Ingress]\n  ingress:\n"
               "  - from: [{namespaceSelector: {matchLabels: {team: %s}}}]\n"
               "    ports: [{port: %u}]\n",
               team, w->http);
        break;
    case GC_NS_AND_POD:
        printf("  podSelector: {matchLabels: {tier: %s}}\n  ingress:\n  - from:\n"
               "    - namespaceSelector: {matchLabels: {env: %s}}\n"
               "      podSelector: {matchLabels: {app: %s}}\n"
               "    - namespaceSelector: {matchLabels: {team: %s, env: %s}}\n"
               "      podSelector: {matchLabels: {role: %s}}\n",
               k_tiers[w->tier], env, k_apps[peer->app], team2, env2, role);
        break;
    case GC_EXPRESSIONS:
        fputs("  podSelector:\n    matchExpressions:\n    - {key: tier, operator: In, values: ",
              stdout);
        gc_print_two(k_tiers, GC_NELEM(k_tiers));
        fputs("}\n    - {key: debug, operator: DoesNotExist}\n  ingress:\n  - from:\n"
              "    - podSelector:\n        matchExpressions:\n"
              "        - {key: role, operator: NotIn, values: ",
              stdout);
        gc_print_two(k_roles, GC_NELEM(k_roles));
        fputs("}\n        - {key: version, operator: Exists}\n"
              "    - namespaceSelector:\n        matchExpressions:\n"
              "        - {key: istio-injection, operator: Exists}\n"
              "        - {key: env, operator: NotIn, values: [dev]}\n"
              "      podSelector:\n        matchExpressions:\n"
              "        - {key: app, operator: In, values: ",
              stdout);
        gc_print_two(k_apps, GC_NELEM(k_apps));
        fputs("}\n", stdout);
        break;
    case GC_IPBLOCK_INGRESS:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        fputs("\n  ingress:\n  - from:\n"
              "    - {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.0.0/16]}}\n    - ",
              stdout);
        gc_print_random_ipblock();
        printf("\n    ports: [{port: http}, {protocol: TCP, port: %u}]\n", w->http);
        break;
    case GC_IPBLOCK_EGRESS:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        fputs("\n  policyTypes: [Egress]\n  egress:\n"
              "  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]\n"
              "    ports: [{protocol: TCP, port: 443}]\n  - to: [",
              stdout);
        gc_print_random_ipblock();
        fputs("]\n", stdout);
        fputs(k_dns_rule, stdout);
        break;
    case GC_NAMED_PORTS:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        printf("\n  ingress:\n  - from:\n"
               "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n"
               "      podSelector: {matchLabels: {app: prometheus}}\n"
               "    ports: [{port: metrics}]\n"
               "  - from: [{podSelector: {matchLabels: {app: %s}}}]\n"
               "    ports: [{port: grpc}, {protocol: TCP, port: http}]\n",
               k_apps[peer->app]);
        break;
    case GC_PORT_RANGES:
        printf("  podSelector: {matchLabels: {role: %s}}\n  policyTypes: [Ingress, Egress]\n"
               "  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: %s}}}]\n"
               "    ports: [{protocol: TCP, port: 8000, endPort: 8100}]\n"
               "  - ports: [{protocol: TCP, port: 30000, endPort: 32767}]\n"
               "  egress:\n  - to: [{podSelector: {}}]\n"
               "    ports: [{protocol: TCP, port: 8000, endPort: 8100}, {port: 3000}]\n",
               k_roles[w->role], team);
        fputs(k_dns_rule, stdout);
        break;
    case GC_EMPTY_PARTS:
        fputs("  podSelector: ", stdout);
        gc_print_app_selector(w);
        switch (gc_below(3)) {
        case 0: /* one empty rule: everything may connect */
            fputs("\n  ingress:\n  - {}\n", stdout);
            break;
        case 1: /* no 'from': any source, on the http port only */
            fputs("\n  ingress:\n  - ports: [{port: http}]\n", stdout);
            break;
        default: /* no 'ports': every port, from one role */
            printf("\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: %s}}}]\n",
                   k_roles[peer->role]);
            break;
        }
        break;
    case GC_SAME_NAMESPACE:
        fputs("  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]\n", stdout);
        break;
    case GC_BOTH_DIRECTIONS:
        printf("  podSelector: {matchLabels: {app: %s}}\n  policyTypes: [Ingress, Egress]\n"
               "  ingress:\n  - from:\n    - podSelector: {matchLabels: {tier: frontend}}\n"
               "    - namespaceSelector: {matchLabels: {team: %s}}\n"
               "      podSelector: {matchLabels: {role: api}}\n"
               "    ports: [{port: http}, {port: grpc}]\n"
               "  egress:\n  - to: [{podSelector: {matchLabels: {tier: data}}}]\n"
               "    ports: [{port: http}, {protocol: TCP, port: 9090}]\n"
               "  - to: [{namespaceSelector: {matchLabels: {env: %s}}}]\n"
               "    ports: [{port: grpc}]\n",
               coin ? "inference" : k_apps[w->app], team, env);
        fputs(k_dns_rule, stdout);
        break;
    default:
        break;
    }
}

static void gc_print_policies(const struct gc_cluster *c)
{
    size_t i;

    for (i = 0; i < c->npol; i++) {
        enum gc_pattern p = (enum gc_pattern)(i % GC_NPATTERNS);
        const struct gc_wl *w = &c->wl[gc_below(c->nwl)];
        size_t first = c->ns_first[w->ns], n = c->ns_first[w->ns + 1] - first;
        struct gc_target t;

        t.ns = c->ns[w->ns].name;
        t.w = w;
        t.peer = &c->wl[c->ns_list[first + gc_below(n)]];
        printf("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
               "metadata: {name: %s-%zu, namespace: %s}\nspec:\n",
               k_pattern_names[p], i, t.ns);
        gc_policy_body(p, &t);
    }
}

/* ---- the diverse shape ---- */

/* Workload label keys, each with 2-6 values. */
struct gc_key {
    const char *key;
    size_t n;
    const char *const *vals;
};

static const char *const k_dv_app[] = {"web", "api", "db", "cache", "queue", "worker"};
static const char *const k_dv_role[] = {"frontend", "backend", "data", "ops", "edge"};
static const char *const k_dv_tier[] = {"gold", "silver", "bronze", "free"};
static const char *const k_dv_version[] = {"v1", "v2", "v3"};
static const char *const k_dv_track[] = {"stable", "canary"};
static const char *const k_dv_component[] = {"auth",   "billing", "search",
                                             "ingest", "report",  "notify"};
static const struct gc_key k_dv_keys[] = {
    {"app", GC_NELEM(k_dv_app), k_dv_app},
    {"role", GC_NELEM(k_dv_role), k_dv_role},
    {"tier", GC_NELEM(k_dv_tier), k_dv_tier},
    {"version", GC_NELEM(k_dv_version), k_dv_version},
    {"track", GC_NELEM(k_dv_track), k_dv_track},
    {"component", GC_NELEM(k_dv_component), k_dv_component},
};
#define GC_DV_NKEYS GC_NELEM(k_dv_keys)

/* Namespace label keys (a small vocabulary; istio-injection on some namespaces). */
static const char *const k_dv_team[] = {"payments", "platform", "data", "search",
                                        "identity", "growth",   "ml",   "web"};
static const char *const k_dv_region[] = {"eu", "us", "ap"};
static const struct gc_key k_dv_nskeys[] = {
    {"team", GC_NELEM(k_dv_team), k_dv_team},
    {"env", GC_NELEM(k_envs), k_envs},
    {"region", GC_NELEM(k_dv_region), k_dv_region},
};
#define GC_DV_NNSKEYS GC_NELEM(k_dv_nskeys)

/* A diverse workload's labels: value index + 1 per key, 0 when it lacks the key. */
struct gc_dv_wl {
    unsigned char val[GC_DV_NKEYS];
};

struct gc_dv_ns {
    unsigned char val[GC_DV_NNSKEYS];
    int istio;
};

static struct gc_dv_wl *g_dv_wl;
static struct gc_dv_ns *g_dv_ns;

static void gc_dv_make(struct gc_cluster *c)
{
    size_t i, k;

    g_dv_ns = gc_calloc(c->nns, sizeof(*g_dv_ns));
    g_dv_wl = gc_calloc(c->nwl, sizeof(*g_dv_wl));
    for (i = 0; i < c->nns; i++) {
        for (k = 0; k < GC_DV_NNSKEYS; k++)
            g_dv_ns[i].val[k] = (unsigned char)(1 + gc_below(k_dv_nskeys[k].n));
        g_dv_ns[i].istio = gc_percent(30);
        snprintf(c->ns[i].name, sizeof(c->ns[i].name), "%s-%s-%zu",
                 k_dv_team[g_dv_ns[i].val[0] - 1], k_envs[g_dv_ns[i].val[1] - 1], i + 1);
    }
    for (i = 0; i < c->nwl; i++) {
        /* 1-4 distinct keys: a partial Fisher-Yates shuffle of the key indexes */
        unsigned char order[GC_DV_NKEYS];
        unsigned nk = 1 + gc_below(4);
        for (k = 0; k < GC_DV_NKEYS; k++)
            order[k] = (unsigned char)k;
        for (k = 0; k < nk; k++) {
            size_t j = k + gc_below(GC_DV_NKEYS - k);
            unsigned char t = order[k];
            order[k] = order[j];
            order[j] = t;
            g_dv_wl[i].val[order[k]] = (unsigned char)(1 + gc_below(k_dv_keys[order[k]].n));
        }
    }
}

static void gc_dv_print_namespace(const struct gc_cluster *c, size_t i)
{
    const struct gc_dv_ns *n = &g_dv_ns[i];
    size_t k;

    printf("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n"
           "  labels: {kubernetes.io/metadata.name: %s",
           c->ns[i].name, c->ns[i].name);
    for (k = 0; k < GC_DV_NNSKEYS; k++)
        printf(", %s: %s", k_dv_nskeys[k].key, k_dv_nskeys[k].vals[n->val[k] - 1]);
    printf("%s}\n", n->istio ? ", istio-injection: enabled" : "");
}

static void gc_dv_print_labels(const struct gc_wl *w, size_t i)
{
    size_t k;

    fputs("{", stdout);
    for (k = 0; k < GC_DV_NKEYS; k++)
        if (g_dv_wl[i].val[k])
            printf("%s: %s, ", k_dv_keys[k].key, k_dv_keys[k].vals[g_dv_wl[i].val[k] - 1]);
    printf("pod-template-hash: %s}", w->hash);
}

/* The workload's name: its first label value (or 'app'), then its index. */
static const char *gc_dv_base(size_t i)
{
    size_t k;

    for (k = 0; k < GC_DV_NKEYS; k++)
        if (g_dv_wl[i].val[k])
            return k_dv_keys[k].vals[g_dv_wl[i].val[k] - 1];
    return "app";
}

static void gc_dv_print_workload(const struct gc_cluster *c, size_t i)
{
    const struct gc_wl *w = &c->wl[i];
    const char *ns = c->ns[w->ns].name, *base = gc_dv_base(i);

    if (w->kind == GC_POD) {
        printf("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s-%zu\n  namespace: %s\n"
               "  labels: ",
               base, i, ns);
        gc_dv_print_labels(w, i);
        fputs("\nspec:\n  containers:\n", stdout);
        gc_print_container(w, "  ", base);
        return;
    }
    printf("---\napiVersion: apps/v1\nkind: %s\nmetadata: {name: %s-%zu, namespace: %s}\nspec:\n",
           k_kind_names[w->kind], base, i, ns);
    if (w->kind == GC_STATEFULSET)
        printf("  serviceName: %s-%zu\n", base, i);
    if (w->kind != GC_DAEMONSET)
        printf("  replicas: %u\n", w->replicas);
    printf("  selector: {matchLabels: {pod-template-hash: %s}}\n", w->hash);
    fputs("  template:\n    metadata:\n      labels: ", stdout);
    gc_dv_print_labels(w, i);
    fputs("\n    spec:\n      containers:\n", stdout);
    gc_print_container(w, "      ", base);
}

/* A list of 1-3 distinct values of key k, as a flow sequence. */
static void gc_dv_print_values(const struct gc_key *k)
{
    unsigned first = gc_below(k->n), n = 1 + gc_below(k->n < 3 ? k->n : 3), j;

    fputs("[", stdout);
    for (j = 0; j < n; j++)
        printf("%s%s", j ? ", " : "", k->vals[(first + j) % k->n]);
    fputs("]", stdout);
}

/*
 * A random label selector over the keys 'keys' (one line, flow style):
 * 1-2 requirements, each a matchLabels pair or a matchExpressions entry with
 * one of the four operators. 'like' (may be NULL) gives values to aim at: a
 * matchLabels pair then takes the value the aimed-at workload has.
 */
static void gc_dv_print_selector(const struct gc_key *keys, size_t nkeys,
                                 const unsigned char *like, const char *extra)
{
    unsigned nreq = 1 + gc_below(2), j;
    const char *sep = "";
    int labels = 0, exprs = 0;
    unsigned kind[2], key[2];

    for (j = 0; j < nreq; j++) {
        unsigned r = gc_below(100);
        key[j] = gc_below(nkeys);
        if (like && !like[key[j]] && r < 40) {
            /* aim at a key the workload has, when it has one */
            size_t t;
            for (t = 0; t < nkeys && !like[(key[j] + t) % nkeys]; t++)
                ;
            if (t < nkeys)
                key[j] = (unsigned)((key[j] + t) % nkeys);
        }
        kind[j] = r < 40 ? 0 : r < 60 ? 1 : r < 75 ? 2 : r < 90 ? 3 : 4;
        if (j && key[j] == key[0])
            kind[j] = 5; /* one requirement per key is enough */
        labels |= kind[j] == 0;
        exprs |= kind[j] >= 1 && kind[j] <= 4;
    }
    fputs("{", stdout);
    if (labels) {
        fputs("matchLabels: {", stdout);
        for (j = 0; j < nreq; j++) {
            const struct gc_key *k = &keys[key[j]];
            unsigned v;
            if (kind[j] != 0)
                continue;
            v = like && like[key[j]] ? like[key[j]] - 1u : gc_below(k->n);
            printf("%s%s: %s", sep, k->key, k->vals[v]);
            sep = ", ";
        }
        fputs("}", stdout);
        sep = ", ";
    }
    if (exprs) {
        printf("%smatchExpressions: [", sep);
        sep = "";
        for (j = 0; j < nreq; j++) {
            static const char *const ops[] = {"", "In", "NotIn", "Exists", "DoesNotExist"};
            const struct gc_key *k = &keys[key[j]];
            if (kind[j] < 1 || kind[j] > 4)
                continue;
            printf("%s{key: %s, operator: %s", sep, k->key, ops[kind[j]]);
            if (kind[j] <= 2) {
                fputs(", values: ", stdout);
                gc_dv_print_values(k);
            }
            fputs("}", stdout);
            sep = ", ";
        }
        fputs("]", stdout);
    }
    if (extra)
        fputs(extra, stdout);
    fputs("}", stdout);
}

static void gc_dv_print_nsselector(void)
{
    if (gc_percent(5)) {
        fputs("{}", stdout); /* every namespace */
        return;
    }
    if (gc_percent(10)) {
        fputs(gc_percent(50) ? "{matchExpressions: [{key: istio-injection, operator: Exists}]}"
                             : "{matchExpressions: [{key: istio-injection, "
                               "operator: DoesNotExist}]}",
              stdout);
        return;
    }
    gc_dv_print_selector(k_dv_nskeys, GC_DV_NNSKEYS, NULL, NULL);
}

/* One peer of a rule, as a flow mapping. */
static void gc_dv_print_peer(const struct gc_wl *peer, size_t ipeer)
{
    unsigned r = gc_below(100);

    if (r < 35) {
        fputs("{podSelector: ", stdout);
        gc_dv_print_selector(k_dv_keys, GC_DV_NKEYS, g_dv_wl[ipeer].val, NULL);
        fputs("}", stdout);
    } else if (r < 55) {
        fputs("{namespaceSelector: ", stdout);
        gc_dv_print_nsselector();
        fputs("}", stdout);
    } else if (r < 80) {
        fputs("{namespaceSelector: ", stdout);
        gc_dv_print_nsselector();
        fputs(", podSelector: ", stdout);
        gc_dv_print_selector(k_dv_keys, GC_DV_NKEYS, g_dv_wl[ipeer].val, NULL);
        fputs("}", stdout);
    } else {
        gc_print_random_ipblock();
    }
    (void)peer;
}

/* The ports of a rule: none (every port, unless 'required'), or 1-3 of numeric, named, endPort
 * ranges. */
static void gc_dv_print_ports(const char *indent, int required)
{
    unsigned n, j;

    if (gc_percent(25) && !required)
        return;
    n = 1 + gc_below(3);
    printf("%sports: [", indent);
    for (j = 0; j < n; j++) {
        unsigned r = gc_below(100);
        fputs(j ? ", " : "", stdout);
        if (r < 30) {
            unsigned port = k_http_ports[gc_below(GC_NELEM(k_http_ports))];
            printf("{protocol: TCP, port: %u}", port);
        } else if (r < 55) {
            static const char *const names[] = {"http", "metrics", "grpc"};
            printf("{port: %s}", names[gc_below(GC_NELEM(names))]);
        } else if (r < 75) {
            unsigned lo = 1000 + 100 * gc_below(90);
            printf("{protocol: TCP, port: %u, endPort: %u}", lo, lo + 10 + gc_below(500));
        } else if (r < 85) {
            fputs("{protocol: UDP, port: 53}", stdout);
        } else {
            printf("{port: %u}", 5000 + gc_below(5000));
        }
    }
    fputs("]\n", stdout);
}

/* 1-3 rules of one direction ('from' or 'to'). */
static void gc_dv_print_rules(const struct gc_cluster *c, const struct gc_wl *w, const char *dir)
{
    unsigned nrules = 1 + gc_below(3), j, k;

    for (j = 0; j < nrules; j++) {
        unsigned npeers = gc_percent(10) ? 0 : 1 + gc_below(3);
        if (!npeers) {
            fputs("  - ", stdout);
            if (gc_percent(30)) {
                fputs("{}\n", stdout); /* everything, on every port */
                continue;
            }
            gc_dv_print_ports("", 1);
            continue;
        }
        printf("  - %s:\n", dir);
        for (k = 0; k < npeers; k++) {
            /* aim pod selectors at a workload of the policy's namespace or anywhere */
            size_t first = c->ns_first[w->ns], n = c->ns_first[w->ns + 1] - first;
            size_t ipeer = gc_percent(60) ? c->ns_list[first + gc_below(n)] : gc_below(c->nwl);
            fputs("    - ", stdout);
            gc_dv_print_peer(&c->wl[ipeer], ipeer);
            fputs("\n", stdout);
        }
        gc_dv_print_ports("    ", 0);
    }
}

static void gc_dv_print_policies(const struct gc_cluster *c)
{
    size_t i;

    for (i = 0; i < c->npol; i++) {
        size_t iw = gc_below(c->nwl);
        const struct gc_wl *w = &c->wl[iw];
        unsigned r = gc_below(100), t = gc_below(100);
        int in = t < 80, out = t >= 55;

        printf("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
               "metadata: {name: policy-%zu, namespace: %s}\nspec:\n  podSelector: ",
               i, c->ns[w->ns].name);
        if (r < 10)
            fputs("{}", stdout);
        else
            gc_dv_print_selector(k_dv_keys, GC_DV_NKEYS, g_dv_wl[iw].val, NULL);
        printf("\n  policyTypes: [%s%s%s]\n", in ? "Ingress" : "", in && out ? ", " : "",
               out ? "Egress" : "");
        if (in && gc_percent(92)) {
            fputs("  ingress:\n", stdout);
            gc_dv_print_rules(c, w, "from");
        }
        if (out) {
            fputs("  egress:\n", stdout);
            if (gc_percent(92))
                gc_dv_print_rules(c, w, "to");
            if (gc_percent(60))
                fputs(k_dns_rule, stdout);
            else
                fputs("  - ports: [{protocol: UDP, port: 53}]\n", stdout);
        }
    }
}

static int gc_parse_ulong(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static char obuf[1 << 20];
    struct gc_cluster c;
    unsigned long long n, seed = 1;
    size_t i;
    int diverse = 0;

    if (argc >= 3 && !strcmp(argv[1], "--labels")) {
        if (!strcmp(argv[2], "diverse"))
            diverse = 1;
        else if (strcmp(argv[2], "common"))
            argc = 0; /* usage */
        argc -= 2;
        argv += 2;
    }
    if (argc < 2 || argc > 3 || gc_parse_ulong(argv[1], GC_MAX_N, &n) < 0 || n == 0 ||
        (argc == 3 && gc_parse_ulong(argv[2], UINT64_MAX, &seed) < 0)) {
        fprintf(stderr, "usage: gencluster [--labels common|diverse] N [SEED]   (1 <= N <= %lu)\n",
                GC_MAX_N);
        return 2;
    }
    g_rng = seed ^ 0x6e6574766572696eULL; /* "netverin" */
    memset(&c, 0, sizeof(c));
    c.nwl = (size_t)n;
    c.nns = n / 10 ? (size_t)(n / 10) : 1;
    c.npol = n / 5 ? (size_t)(n / 5) : 1;
    c.ns = gc_calloc(c.nns, sizeof(*c.ns));
    c.wl = gc_calloc(c.nwl, sizeof(*c.wl));
    c.ns_first = gc_calloc(c.nns + 1, sizeof(*c.ns_first));
    c.ns_list = gc_calloc(c.nwl, sizeof(*c.ns_list));
    gc_make_namespaces(&c);
    gc_make_workloads(&c);
    if (diverse)
        gc_dv_make(&c);

    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    printf("# gencluster %s%llu %llu: %zu workloads (+2 system), %zu namespaces (+2), "
           "%zu network policies\n",
           diverse ? "--labels diverse " : "", n, seed, c.nwl, c.nns, c.npol);
    gc_print_system();
    for (i = 0; i < c.nns; i++) {
        if (diverse)
            gc_dv_print_namespace(&c, i);
        else
            gc_print_namespace(c.ns[i].name, k_teams[c.ns[i].team], k_envs[c.ns[i].env],
                               c.ns[i].istio);
    }
    for (i = 0; i < c.nwl; i++) {
        if (diverse)
            gc_dv_print_workload(&c, i);
        else
            gc_print_workload(&c, i);
    }
    if (diverse)
        gc_dv_print_policies(&c);
    else
        gc_print_policies(&c);
    free(g_dv_ns);
    free(g_dv_wl);

    free(c.ns);
    free(c.wl);
    free(c.ns_first);
    free(c.ns_list);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("gencluster: error writing the output\n", stderr);
        return 1;
    }
    return 0;
}
