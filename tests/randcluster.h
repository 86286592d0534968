/*
 * randcluster.h - random clusters for the differential tests (test_matrix.c
 * against the brute-force oracle, test_smt.c against the matrix engine): a
 * seeded generator of Namespaces, workloads (Deployments, StatefulSets, Pods
 * with owners), NetworkPolicies and Services, written as YAML. Every shape the
 * semantics tell apart comes up: empty and absent selectors, every operator,
 * named and numeric ports, endPort, ipBlocks with except, IPv6 blocks,
 * policyTypes given or implied, pods of one owner with different labels, pod
 * counts (replicas, a Deployment's surge, DaemonSets, Jobs, CronJobs,
 * HorizontalPodAutoscalers). Include after <cmocka.h>.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_TEST_RANDCLUSTER_H
#define NETVERIFY_TEST_RANDCLUSTER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "netverify/policy.h"

#include "../src/profile_int.h"

static uint64_t rs;

static inline uint32_t rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 2685821657736338717ULL) >> 32);
}

static inline unsigned rn(unsigned n)
{
    return rnd() % n;
}

/*
 * A second stream for the pod counts, so that the clusters of the first one
 * (labels, policies) are what they were before counts were modelled.
 */
static uint64_t rs2;

static inline unsigned rn2(unsigned n)
{
    rs2 ^= rs2 >> 12;
    rs2 ^= rs2 << 25;
    rs2 ^= rs2 >> 27;
    return (unsigned)(((rs2 * 2685821657736338717ULL) >> 32) % n);
}

static const char *const pod_keys[] = {"app", "role", "tier", "env"};
static const char *const ns_keys[] = {"team", "env"};
static const char *const vals[] = {"a", "b", "c"};
static const char *const pnames[] = {"http", "dns", "metrics", "grpc"};
static const char *const protos[] = {"TCP", "UDP", "SCTP"};
static const unsigned port_pool[] = {1,    53,   80,   81,   443,  1000, 1001,
                                     1005, 5353, 8080, 8081, 9090, 65535};
#define NPOOL (sizeof(port_pool) / sizeof(port_pool[0]))

#define MAXNS 12

#define MAXWL 512
#define MAXPOL 512

struct gen {
    FILE *f;
    unsigned nns;
    char ns[MAXNS][16]; /* namespace names; the last may be "default" */
    unsigned nworkloads, npolicies, nservices;
    unsigned char kinds[MAXWL]; /* per name index: kinds used (bit 0 Deployment, 1 StatefulSet,
                                   2 Pod, 3 ReplicaSet, 4 DaemonSet, 5 Job, 6 CronJob,
                                   7 ReplicationController) */
    int poltypes[MAXPOL];       /* policy npI's types as the semantics imply them */
    unsigned hostnet;           /* 1 in 'hostnet' pod specs has hostNetwork: true (0: none) */
};

/* How big a cluster gen_cluster makes (svc_span 0: no Services). */
struct gsize {
    unsigned ns_min, ns_span;
    unsigned wl_min, wl_span;
    unsigned pol_min, pol_span;
    unsigned svc_span;
    unsigned hostnet; /* 1 in 'hostnet' pod specs has hostNetwork: true (0: none) */
};

/* Now and then a pod spec in the host network (draws only when asked for, so that other
 * clusters stay as they were). */
static inline void gen_hostnet(struct gen *g, const char *indent)
{
    if (g->hostnet && rn(g->hostnet) == 0)
        fprintf(g->f, "%shostNetwork: true\n", indent);
}

static inline unsigned rand_port(void)
{
    if (rn(4) == 0)
        return 1 + rn(65535);
    return port_pool[rn(NPOOL)];
}

static inline void gen_values(FILE *f)
{
    unsigned n = 1 + rn(2), i, first = rn(3);

    fputs("[", f);
    for (i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", vals[(first + i) % 3]);
    fputs("]", f);
}

static inline void gen_selector(struct gen *g, const char *const *keys, unsigned nkeys, int nsnames)
{
    FILE *f = g->f;
    unsigned shape = rn(6), i, n;
    int any = 0;

    if (shape == 0) {
        fputs("{}", f);
        return;
    }
    fputs("{", f);
    if (shape == 1 || shape == 3 || shape == 5) {
        unsigned base = rn(nkeys);
        n = 1 + rn(2);
        fputs("matchLabels: {", f);
        for (i = 0; i < n; i++) {
            if (nsnames && i == 1 && rn(2))
                fprintf(f, ", kubernetes.io/metadata.name: %s", g->ns[rn(g->nns)]);
            else
                fprintf(f, "%s%s: %s", i ? ", " : "", keys[(base + i) % nkeys], vals[rn(3)]);
        }
        fputs("}", f);
        any = 1;
    }
    if (shape >= 2) {
        n = 1 + rn(2);
        fprintf(f, "%smatchExpressions: [", any ? ", " : "");
        for (i = 0; i < n; i++) {
            unsigned op = rn(4);
            const char *key = keys[rn(nkeys)];
            int names = nsnames && rn(3) == 0;
            if (names)
                key = "kubernetes.io/metadata.name";
            fprintf(f, "%s{key: %s, operator: %s", i ? ", " : "", key,
                    op == 0   ? "In"
                    : op == 1 ? "NotIn"
                    : op == 2 ? "Exists"
                              : "DoesNotExist");
            if (op < 2) {
                fputs(", values: ", f);
                if (names)
                    fprintf(f, "[%s, %s]", g->ns[rn(g->nns)], g->ns[rn(g->nns)]);
                else
                    gen_values(f);
            } else if (rn(4) == 0) {
                fputs(", values: []", f);
            }
            fputs("}", f);
        }
        fputs("]", f);
    }
    fputs("}", f);
}

static inline void gen_labels(FILE *f, const char *const *keys, unsigned nkeys)
{
    unsigned i;
    int first = 1;

    fputs("{", f);
    for (i = 0; i < nkeys; i++) {
        if (rn(2))
            continue;
        fprintf(f, "%s%s: %s", first ? "" : ", ", keys[i], vals[rn(3)]);
        first = 0;
    }
    fputs("}", f);
}

static inline void gen_containers(FILE *f, const char *indent)
{
    unsigned nc = 1 + rn(2), c, used = 0;

    fprintf(f, "%scontainers:\n", indent);
    for (c = 0; c < nc; c++) {
        unsigned np = rn(3), i;
        fprintf(f, "%s- name: c%u\n", indent, c);
        if (!np)
            continue;
        fprintf(f, "%s  ports:\n", indent);
        for (i = 0; i < np; i++) {
            unsigned n = rn(4), pr = rn(10);
            const char *proto = pr < 6 ? "TCP" : pr < 9 ? "UDP" : "SCTP";
            fprintf(f, "%s  - {containerPort: %u", indent, rand_port());
            if (!(used & (1u << n)) && rn(5)) {
                used |= 1u << n;
                fprintf(f, ", name: %s", pnames[n]);
            }
            if (strcmp(proto, "TCP") || rn(2))
                fprintf(f, ", protocol: %s", proto);
            fputs("}\n", f);
        }
    }
}

/* The spec fields that set a workload's pod count (from the second stream). */
static inline void gen_counts(FILE *f, const char *kind, const char *indent)
{
    unsigned v = rn2(5);

    if (!strcmp(kind, "Job")) {
        if (v)
            fprintf(f, "%sparallelism: %u\n", indent, v - 1);
        if (rn2(4) == 0)
            fprintf(f, "%scompletions: %u\n", indent, rn2(3));
        return;
    }
    if (!strcmp(kind, "DaemonSet"))
        return;
    if (v)
        fprintf(f, "%sreplicas: %u\n", indent, v - 1);
    if (!strcmp(kind, "Deployment")) {
        static const char *const strategies[] = {
            "{type: Recreate}", "{rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}",
            "{type: RollingUpdate, rollingUpdate: {maxSurge: 50%}}",
            "{rollingUpdate: {maxSurge: 2}}"};
        unsigned st = rn2(6);
        if (st < 4)
            fprintf(f, "%sstrategy: %s\n", indent, strategies[st]);
    }
}

/* Now and then a HorizontalPodAutoscaler for a scalable workload. */
static inline void gen_hpa(FILE *f, const char *kind, unsigned index, unsigned i,
                           const char *nsfield)
{
    if (rn2(5))
        return;
    fprintf(f,
            "---\napiVersion: autoscaling/v%u\nkind: HorizontalPodAutoscaler\n"
            "metadata: {name: hpa%u%s}\nspec:\n  scaleTargetRef: {kind: %s, name: w%u}\n"
            "  maxReplicas: %u\n",
            1 + rn2(2), index, nsfield, kind, i, 1 + rn2(3));
}

static inline void gen_workload(struct gen *g, unsigned index)
{
    static const char *const kinds[] = {
        "Deployment", "StatefulSet", "Pod",     "ReplicaSet",
        "DaemonSet",  "Job",         "CronJob", "ReplicationController"};
    FILE *f = g->f;
    const char *ns = g->ns[rn(g->nns)];
    unsigned kind = rn(5), i = index, k = kind <= 2 ? kind : 3;
    unsigned kclass;
    char nsfield[40];

    /* the second stream turns some Deployments into other kinds with a pod template */
    if (kind == 0) {
        unsigned v = rn2(9);
        k = v < 4 || v > 7 ? 0 : v;
    }
    kclass = 1u << k;
    /* now and then the name of the previous workload: another kind, or in another namespace */
    if (index && rn(8) == 0 && !(g->kinds[index - 1] & kclass))
        i = index - 1;
    g->kinds[i] |= (unsigned char)kclass;

    if (!strcmp(ns, "default") && rn(2))
        nsfield[0] = '\0';
    else
        snprintf(nsfield, sizeof(nsfield), ", namespace: %s", ns);
    if (kind <= 1 && k == 6) {
        fprintf(f, "---\nkind: CronJob\nmetadata: {name: w%u%s}\nspec:\n  schedule: '* * * * *'\n",
                i, nsfield);
        if (rn2(3))
            fprintf(f, "  concurrencyPolicy: %s\n", rn2(2) ? "Forbid" : "Replace");
        fputs("  jobTemplate:\n    spec:\n", f);
        gen_counts(f, "Job", "      ");
        fputs("      template:\n        metadata:\n          labels: ", f);
        gen_labels(f, pod_keys, 4);
        fputs("\n        spec:\n", f);
        gen_containers(f, "          ");
    } else if (kind <= 1) {
        fprintf(f, "---\nkind: %s\nmetadata: {name: w%u%s}\nspec:\n", kinds[k], i, nsfield);
        gen_counts(f, kinds[k], "  ");
        fputs("  template:\n", f);
        fputs("    metadata:\n      labels: ", f);
        gen_labels(f, pod_keys, 4);
        fputs("\n    spec:\n", f);
        gen_hostnet(g, "      ");
        gen_containers(f, "      ");
        if (k == 0 || k == 1 || k == 7)
            gen_hpa(f, kinds[k], index, i, nsfield);
    } else if (kind == 2) {
        fprintf(f, "---\nkind: Pod\nmetadata:\n  name: w%u\n  labels: ", i);
        gen_labels(f, pod_keys, 4);
        fprintf(f, "\n%s%s\nspec:\n", nsfield[0] ? "  namespace: " : "", nsfield[0] ? ns : "");
        gen_hostnet(g, "  ");
        gen_containers(f, "  ");
    } else {
        /* 1-3 pods of one ReplicaSet, now and then with different labels */
        unsigned copies = 1 + rn(3), c;
        int differ = rn(4) == 0;
        uint64_t save = rs;
        for (c = 0; c < copies; c++) {
            if (!differ)
                rs = save;
            fprintf(f, "---\nkind: Pod\nmetadata:\n  name: w%u-%u\n  labels: ", i, c);
            gen_labels(f, pod_keys, 4);
            fprintf(f, "\n  ownerReferences: [{kind: ReplicaSet, name: w%u, controller: true}]\n",
                    i);
            if (nsfield[0])
                fprintf(f, "  namespace: %s\n", ns);
            fputs("spec:\n", f);
            gen_hostnet(g, "  ");
            gen_containers(f, "  ");
        }
    }
}

static inline void fmt_ip(char *buf, size_t n, uint32_t a)
{
    snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static inline uint32_t rand_base(void)
{
    static const uint32_t bases[] = {0x0a000000u, 0xc0a80000u, 0xac100000u,
                                     0x00000000u, 0xff000000u, 0x08080808u};

    return bases[rn(6)] ^ (rnd() & (rn(2) ? 0x00ffffffu : 0x0000ffffu));
}

static inline uint32_t len_mask(unsigned len)
{
    return len ? UINT32_MAX << (32 - len) : 0;
}

static inline void gen_cidr(FILE *f, uint32_t *lo, unsigned *len)
{
    static const unsigned lens[] = {0, 1, 8, 12, 16, 20, 24, 28, 30, 31, 32};
    uint32_t a = rand_base();
    char buf[16];

    *len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
    *lo = a & len_mask(*len);
    if (rn(4))
        a &= len_mask(*len);
    fmt_ip(buf, sizeof(buf), a);
    fprintf(f, "%s/%u", buf, *len);
}

/* An IPv6 address as two words, for the generator. */
struct rc_ip6 {
    uint64_t hi, lo;
};

/* The address with the bits past a prefix of 'len' cleared. */
static inline struct rc_ip6 mask6(struct rc_ip6 a, unsigned len)
{
    if (len <= 64) {
        a.hi &= len ? UINT64_MAX << (64 - len) : 0;
        a.lo = 0;
    } else {
        a.lo &= len == 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
    }
    return a;
}

/* Near a few bases (the bottom and top of the space, documentation, ULA), so blocks nest. */
static inline struct rc_ip6 rand_base6(void)
{
    static const uint64_t bases[] = {0, 0x20010db800000000ULL, 0xfd00000000000000ULL, UINT64_MAX};
    struct rc_ip6 a;

    a.hi = bases[rn(4)] ^ (rn(2) ? rnd() & 0xffffu : (uint64_t)rnd() << 16);
    a.lo = rn(3) ? (uint64_t)rnd() << 32 | rnd() : rnd() & 0xffu;
    if (a.hi == 0 && a.lo >> 32 == 0xffff)
        a.lo ^= 1ULL << 33; /* not IPv4-mapped: that is an IPv4 block */
    return a;
}

/* IPv6 text: all eight groups, or the compressed form, upper case now and then. */
static inline void fmt_ip6(char *buf, size_t n, struct rc_ip6 a)
{
    unsigned char b[16];
    int i;

    if (rn(2)) {
        snprintf(buf, n, rn(4) ? "%x:%x:%x:%x:%x:%x:%x:%x" : "%X:%X:%X:%X:%X:%X:%X:%X",
                 (unsigned)(a.hi >> 48), (unsigned)(a.hi >> 32) & 0xffff,
                 (unsigned)(a.hi >> 16) & 0xffff, (unsigned)a.hi & 0xffff, (unsigned)(a.lo >> 48),
                 (unsigned)(a.lo >> 32) & 0xffff, (unsigned)(a.lo >> 16) & 0xffff,
                 (unsigned)a.lo & 0xffff);
        return;
    }
    for (i = 0; i < 8; i++) {
        b[i] = (unsigned char)(a.hi >> (56 - 8 * i));
        b[i + 8] = (unsigned char)(a.lo >> (56 - 8 * i));
    }
    if (!inet_ntop(AF_INET6, b, buf, (socklen_t)n))
        snprintf(buf, n, "::");
}

/* An IPv6 ipBlock: cidr and excepts strictly inside it. */
static inline void gen_block6(FILE *f)
{
    static const unsigned lens[] = {0, 1, 8, 16, 32, 48, 63, 64, 65, 96, 120, 127, 128};
    unsigned len = lens[rn(sizeof(lens) / sizeof(lens[0]))], ne, e;
    struct rc_ip6 a = rand_base6(), net = mask6(a, len);
    char buf[64];

    fmt_ip6(buf, sizeof(buf), rn(4) ? net : a);
    fprintf(f, "'%s/%u'", buf, len);
    ne = len < 127 ? rn(3) : 0;
    if (ne) {
        fputs(", except: [", f);
        for (e = 0; e < ne; e++) {
            unsigned elen = len + 1 + rn(128 - len);
            struct rc_ip6 x = rand_base6(), ex;
            /* the cidr's prefix, then random bits */
            ex.hi = len >= 64 ? net.hi : (net.hi | (x.hi & ~mask6(x, len).hi));
            ex.lo = len >= 64 ? (net.lo | (x.lo & ~mask6(x, len).lo)) : x.lo;
            ex = mask6(ex, elen);
            fmt_ip6(buf, sizeof(buf), ex);
            fprintf(f, "%s'%s/%u'", e ? ", " : "", buf, elen);
        }
        fputs("]", f);
    }
}

static inline void gen_peer(struct gen *g)
{
    FILE *f = g->f;
    unsigned kind = rn(9);

    if (kind <= 2) {
        fputs("{podSelector: ", f);
        gen_selector(g, pod_keys, 4, 0);
        fputs("}", f);
    } else if (kind <= 4) {
        fputs("{namespaceSelector: ", f);
        gen_selector(g, ns_keys, 2, 1);
        fputs("}", f);
    } else if (kind <= 6) {
        fputs("{podSelector: ", f);
        gen_selector(g, pod_keys, 4, 0);
        fputs(", namespaceSelector: ", f);
        gen_selector(g, ns_keys, 2, 1);
        fputs("}", f);
    } else {
        uint32_t lo;
        unsigned len, ne, e;
        fputs("{ipBlock: {cidr: ", f);
        if (rn(4) == 0) {
            gen_block6(f);
            fputs("}}", f);
            return;
        }
        gen_cidr(f, &lo, &len);
        ne = len < 31 ? rn(3) : 0;
        if (ne) {
            fputs(", except: [", f);
            for (e = 0; e < ne; e++) {
                unsigned elen = len + 1 + rn(32 - len);
                uint32_t ea = (lo | (rnd() & ~len_mask(len))) & len_mask(elen);
                char buf[16];
                fmt_ip(buf, sizeof(buf), ea);
                fprintf(f, "%s%s/%u", e ? ", " : "", buf, elen);
            }
            fputs("]", f);
        }
        fputs("}}", f);
    }
}

static inline void gen_portspec(FILE *f)
{
    unsigned pk = rn(6);

    fputs("{", f);
    if (rn(3))
        fprintf(f, "protocol: %s%s", protos[rn(10) < 6 ? 0 : rn(3)], pk ? ", " : "");
    if (pk == 0) {
        /* every port of the protocol */
    } else if (pk <= 2) {
        fprintf(f, "port: %s", pnames[rn(4)]);
    } else {
        unsigned p = rand_port();
        fprintf(f, "port: %u", p);
        if (pk == 5 && p < 65535)
            fprintf(f, ", endPort: %u", p + rn(p > 65500 ? 65535 - p + 1 : 40));
    }
    fputs("}", f);
}

static inline void gen_rule(struct gen *g, const char *peerkey)
{
    FILE *f = g->f;
    unsigned pv = rn(6), qv = rn(6), i, n;

    fputs("  - {", f);
    if (pv == 1) {
        fprintf(f, "%s: []", peerkey);
    } else if (pv >= 2) {
        n = 1 + rn(3);
        fprintf(f, "%s: [", peerkey);
        for (i = 0; i < n; i++) {
            if (i)
                fputs(", ", f);
            gen_peer(g);
        }
        fputs("]", f);
    }
    if (qv == 1) {
        fprintf(f, "%sports: []", pv ? ", " : "");
    } else if (qv >= 2) {
        n = 1 + rn(3);
        fprintf(f, "%sports: [", pv ? ", " : "");
        for (i = 0; i < n; i++) {
            if (i)
                fputs(", ", f);
            gen_portspec(f);
        }
        fputs("]", f);
    }
    fputs("}\n", f);
}

static inline void gen_policy(struct gen *g, unsigned i)
{
    FILE *f = g->f;
    unsigned tv = rn(5), iv = rn(4), ev = rn(4), n, k;
    int types = 0, egress_nonempty = 0;

    fprintf(f, "---\nkind: NetworkPolicy\nmetadata: {name: np%u, namespace: %s}\nspec:\n", i,
            g->ns[rn(g->nns)]);
    fputs("  podSelector: ", f);
    gen_selector(g, pod_keys, 4, 0);
    fputs("\n", f);
    if (tv == 1) {
        fputs("  policyTypes: [Ingress]\n", f);
        types = NV_TYPE_INGRESS;
    } else if (tv == 2) {
        fputs("  policyTypes: [Egress]\n", f);
        types = NV_TYPE_EGRESS;
    } else if (tv == 3) {
        fputs("  policyTypes: [Ingress, Egress]\n", f);
        types = NV_TYPE_INGRESS | NV_TYPE_EGRESS;
    } else if (tv == 4) {
        fputs("  policyTypes: []\n", f);
    }
    if (iv == 1) {
        fputs("  ingress: []\n", f);
    } else if (iv >= 2) {
        n = 1 + rn(3);
        fputs("  ingress:\n", f);
        for (k = 0; k < n; k++)
            gen_rule(g, "from");
    }
    if (ev == 1) {
        fputs("  egress: []\n", f);
    } else if (ev >= 2) {
        n = 1 + rn(3);
        egress_nonempty = 1;
        fputs("  egress:\n", f);
        for (k = 0; k < n; k++)
            gen_rule(g, "to");
    }
    /* policyTypes, when omitted: Ingress always; Egress iff egress is present and non-empty */
    if (tv == 0 || tv == 4)
        types = NV_TYPE_INGRESS | (egress_nonempty ? NV_TYPE_EGRESS : 0);
    g->poltypes[i] = types;
}

/* A Service: a selector on pod labels (now and then none), numeric and named target ports. */
static inline void gen_service(struct gen *g, unsigned i)
{
    FILE *f = g->f;
    unsigned np = rn(4), k, sel = rn(8), seen[4];

    fprintf(f, "---\nkind: Service\nmetadata: {name: s%u, namespace: %s}\nspec:\n", i,
            g->ns[rn(g->nns)]);
    if (sel) {
        unsigned base = rn(4), n = 1 + (sel == 7);
        fputs("  selector: {", f);
        for (k = 0; k < n; k++)
            fprintf(f, "%s%s: %s", k ? ", " : "", pod_keys[(base + k) % 4], vals[rn(3)]);
        fputs("}\n", f);
    }
    if (!np)
        return;
    fputs("  ports:\n", f);
    for (k = 0; k < np; k++) {
        unsigned t = rn(4), pr = rn(10), port = port_pool[rn(NPOOL)],
                 proto = pr < 6 ? 0 : 1 + (pr >= 9);
        unsigned tname = t == 1 || t == 2 ? rn(4) : 0, tnum = t == 3 ? rand_port() : 0, j, dup = 0;
        /* the API server refuses a port and protocol given twice: drawn, then left out */
        for (j = 0; j < k; j++)
            dup |= seen[j] == port * 4 + proto;
        seen[k] = dup ? 0 : port * 4 + proto;
        if (dup)
            continue;
        fprintf(f, "  - {name: p%u, port: %u", k, port);
        if (proto)
            fprintf(f, ", protocol: %s", proto == 1 ? "UDP" : "SCTP");
        if (t == 1 || t == 2)
            fprintf(f, ", targetPort: %s", pnames[tname]);
        else if (t == 3)
            fprintf(f, ", targetPort: %u", tnum);
        fputs("}\n", f);
    }
}

/* Write a random cluster to path; the same seed and sizes give the same cluster. */
static inline void gen_cluster(struct gen *g, const char *path, uint64_t seed,
                               const struct gsize *sz)
{
    unsigned i;

    memset(g, 0, sizeof(*g));
    g->hostnet = sz->hostnet;
    rs = seed * 0x9E3779B97F4A7C15ULL + 1;
    rs2 = seed * 0xD1B54A32D192ED03ULL + 7;
    g->f = fopen(path, "w");
    assert_non_null(g->f);
    g->nns = sz->ns_min + rn(sz->ns_span);
    for (i = 0; i < g->nns; i++)
        snprintf(g->ns[i], sizeof(g->ns[i]), "ns%u", i);
    if (rn(3) == 0)
        snprintf(g->ns[g->nns++], sizeof(g->ns[0]), "default");
    for (i = 0; i < g->nns; i++) {
        if (!strcmp(g->ns[i], "default") || rn(4) == 0)
            continue; /* undeclared: only the name label */
        fprintf(g->f, "---\nkind: Namespace\nmetadata:\n  name: %s\n  labels: ", g->ns[i]);
        gen_labels(g->f, ns_keys, 2);
        fputs("\n", g->f);
    }
    g->nworkloads = sz->wl_min + rn(sz->wl_span);
    assert_true(g->nworkloads <= MAXWL);
    for (i = 0; i < g->nworkloads; i++)
        gen_workload(g, i);
    g->npolicies = sz->pol_min + rn(sz->pol_span);
    assert_true(g->npolicies <= MAXPOL);
    for (i = 0; i < g->npolicies; i++)
        gen_policy(g, i);
    g->nservices = sz->svc_span ? rn(sz->svc_span) : 0;
    for (i = 0; i < g->nservices; i++)
        gen_service(g, i);
    assert_int_equal(fclose(g->f), 0);
}

#ifdef NETVERIFY_LOAD_H
/* Load the generated cluster at path under profile prof, finished or not (NULL: errors). */
static inline struct nv_model *gen_load(char *path, const struct nv_profile *prof, int finish,
                                        struct nv_diags *d)
{
    struct nv_load_opts o;
    char *paths[1];

    nv_load_opts_default(&o);
    o.profile = prof;
    paths[0] = path;
    return finish ? nv_load(paths, 1, &o, d) : nv_load_unfinished(paths, 1, &o, d);
}
#endif

#ifdef NETVERIFY_PROFILE_H
/* The behaviours the oracles implement: ipBlocks never match pods, hostNetwork pods are pods. */
static inline const struct nv_profile *nv_test_profile(void)
{
    static struct nv_profile p;

    nv_profile_init(&p);
    p.pin[NV_B_IPBLOCK_PODS] = NV_IPBLOCK_IGNORES_PODS;
    p.pin[NV_B_HOSTNET] = NV_HOSTNET_POD;
    return &p;
}

/*
 * The cluster profiles the behaviour tests cycle through (by i): generic, two
 * named ones, one with an IPv4 pod CIDR (single-stack), one with dual-stack pod
 * CIDRs and a service CIDR.
 */
static inline void gen_profile(unsigned i, struct nv_profile *p)
{
    static struct nv_iprange pod, svc, dual[2];

    nv_profile_init(p);
    switch (i % 5) {
    case 1:
        memcpy(p->pin, nv_cni_find("calico")->pin, sizeof(p->pin));
        break;
    case 2:
        memcpy(p->pin, nv_cni_find("cilium")->pin, sizeof(p->pin));
        break;
    case 3:
        memcpy(p->pin, nv_cni_find("calico")->pin, sizeof(p->pin));
        assert_int_equal(nv_cidr_parse("10.0.0.0/8", &pod, NULL, NULL), 0);
        p->pod = &pod;
        p->npod = 1;
        break;
    case 4:
        /* dual-stack pods: two pods talk over one family */
        assert_int_equal(nv_cidr_parse("0.0.0.0/1", &dual[0], NULL, NULL), 0);
        assert_int_equal(nv_cidr_parse("fd00::/8", &dual[1], NULL, NULL), 0);
        assert_int_equal(nv_cidr_parse("10.96.0.0/12", &svc, NULL, NULL), 0);
        p->pod = dual;
        p->npod = 2;
        p->svc = &svc;
        p->nsvc = 1;
        break;
    default:
        break;
    }
}
#endif

#endif
