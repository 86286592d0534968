/*
 * test_smt.c - the SMT engine against the set-algebra engine and against a
 * brute-force oracle, on random clusters and random claims of every form;
 * the watchdog timeout; SMT-LIB2 emission.
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
#include <time.h>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The test (not the product) uses Z3 directly for one thing: to run the
 * scripts nv_smt_emit() writes through a fresh Z3 and compare the answer
 * with the verdict, so that the emitted text is checked to be self-contained.
 */
#include <z3.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/checkrun.h"
#include "netverify/claim.h"
#include "netverify/explain.h"
#include "netverify/load.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/smt.h"

#include "oracle.h"
#include "randcluster.h"

static char g_dir[64];
static char g_path[128];
static char g_claims[128];

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/nv-test-smt-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_path, sizeof(g_path), "%s/cluster.yaml", g_dir);
    snprintf(g_claims, sizeof(g_claims), "%s/claims.yaml", g_dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(g_path);
    unlink(g_claims);
    rmdir(g_dir);
    return 0;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void dump_diags(const struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        print_message("  diag %u:%u: %s\n", d->items[i].loc.line, d->items[i].loc.col,
                      d->items[i].msg);
}

static struct nv_model *load_unfinished_with(struct nv_diags *d, const struct nv_profile *prof)
{
    struct nv_model *m = gen_load(g_path, prof, 0, d);

    if (!m || d->nerr) {
        dump_diags(d);
        fail_msg("the cluster %s does not load", g_path);
    }
    return m;
}

static struct nv_model *load_unfinished(struct nv_diags *d)
{
    return load_unfinished_with(d, nv_test_profile());
}

/* ====================================================================== */
/* Random claims, written from what the loaded (unfinished) model holds     */
/* ====================================================================== */

struct sb {
    char s[1024];
    size_t n;
};

static void sb_printf(struct sb *b, const char *fmt, ...) NV_PRINTF(2, 3);

static void sb_printf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    va_start(ap, fmt);
    k = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof(b->s) - b->n);
    b->n += (size_t)k;
}

/* A keyword, now and then in upper or mixed case (keywords are case-insensitive). */
static void sb_kw(struct sb *b, const char *kw)
{
    unsigned how = rn(20), i;

    for (i = 0; kw[i]; i++) {
        char c = kw[i];
        if (c >= 'a' && c <= 'z' && (how == 0 || (how == 1 && i == 0) || (how == 2 && i % 2)))
            c = (char)(c - 'a' + 'A');
        sb_printf(b, "%c", c);
    }
}

/* One port of a claim, as the generator meant it (for the oracle). */
struct gport {
    int proto;
    unsigned lo, hi;
};

struct gclaim {
    char text[1024];
    size_t nports;
    struct gport ports[4];
};

static const char *label_of(const struct nv_labels *l, const char *key)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (!strcmp(l->keys[i], key))
            return l->vals[i];
    return NULL;
}

static const char *other_val(const char *v)
{
    const char *o;

    do
        o = rn(6) == 0 ? "zz" : vals[rn(3)];
    while (v && !strcmp(o, v));
    return o;
}

/* A requirement that 'l' satisfies (or, with 'wild', any requirement at all). */
static void gen_req(struct sb *b, const struct nv_labels *l, const char *key, int wild)
{
    const char *v = label_of(l, key);
    unsigned k = rn(7);

    if (wild) {
        static const char *const ops[] = {"=", "==", "!="};
        if (k < 3)
            sb_printf(b, "%s%s%s", key, ops[k], other_val(NULL));
        else if (k == 3)
            sb_printf(b, "%s in (%s,%s)", key, other_val(NULL), other_val(NULL));
        else if (k == 4)
            sb_printf(b, "%s notin (%s)", key, other_val(NULL));
        else if (k == 5)
            sb_printf(b, "%s", key);
        else
            sb_printf(b, "!%s", key);
        return;
    }
    if (v) {
        if (k == 0)
            sb_printf(b, "%s=%s", key, v);
        else if (k == 1)
            sb_printf(b, "%s==%s", key, v);
        else if (k == 2)
            sb_printf(b, "%s in (%s, %s)", key, other_val(v), v);
        else if (k == 3)
            sb_printf(b, "%s notin (%s)", key, other_val(v));
        else if (k == 4)
            sb_printf(b, "%s!=%s", key, other_val(v));
        else
            sb_printf(b, "%s", key);
    } else {
        if (k < 3)
            sb_printf(b, "!%s", key);
        else if (k < 5)
            sb_printf(b, "%s notin (%s)", key, vals[rn(3)]);
        else
            sb_printf(b, "%s!=%s", key, vals[rn(3)]);
    }
}

/* A pod-label selector, usually one that 'l' satisfies. */
static void gen_pod_sel(struct sb *b, const struct nv_labels *l)
{
    unsigned n = 1 + (rn(3) == 0), i, first = rn(4);
    int wild = rn(6) == 0;

    for (i = 0; i < n; i++) {
        if (i)
            sb_printf(b, ",");
        gen_req(b, l, pod_keys[(first + i) % 4], wild);
    }
}

/* A namespace-label selector, usually one that namespace 'ns' satisfies. */
static void gen_ns_sel(struct sb *b, const struct nv_model *m, unsigned ns)
{
    unsigned k = rn(5);

    if (k == 0)
        sb_printf(b, "kubernetes.io/metadata.name=%s", m->ns[ns].name);
    else if (k == 1)
        sb_printf(b, "kubernetes.io/metadata.name in (%s,%s)", m->ns[ns].name,
                  m->ns[rn((unsigned)m->nns)].name);
    else
        gen_req(b, &m->ns[ns].labels, ns_keys[rn(2)], rn(6) == 0);
}

/* A CIDR the generator wrote: its family, network address and prefix length. */
struct gcidr {
    int v6;
    uint32_t lo;        /* IPv4 */
    struct rc_ip6 net6; /* IPv6 */
    unsigned len;
};

static void gen_cidr_text(struct sb *b, const struct nv_model *m, struct gcidr *c)
{
    size_t i, r, k, n = 0;
    int dir;
    char buf[64];

    /* half the time a block some policy uses */
    if (rn(2)) {
        for (i = 0; i < m->npolicies; i++)
            for (dir = 0; dir < 2; dir++)
                for (r = 0; r < m->policies[i]->nrules[dir]; r++)
                    for (k = 0; k < m->policies[i]->rules[dir][r].npeers; k++) {
                        const struct nv_peer *p = &m->policies[i]->rules[dir][r].peers[k];
                        const struct nv_iprange *e = &p->cidr;
                        if (p->kind != NV_PEER_IPBLOCK ||
                            !(m->families & NV_FAMILY_BIT(e->first.fam)))
                            continue; /* a single-stack cluster's claims name its family */
                        if (rn((unsigned)++n) != 0)
                            continue;
                        if (p->nexcept && rn(2))
                            e = &p->except[rn((unsigned)p->nexcept)]; /* or one of its excepts */
                        c->v6 = e->first.fam == NV_IPV6;
                        c->lo = (uint32_t)e->first.lo;
                        c->net6.hi = e->first.hi;
                        c->net6.lo = e->first.lo;
                        c->len = (unsigned)nv_iprange_prefix(e);
                    }
    }
    if (!n) {
        static const unsigned lens[] = {0, 4, 8, 12, 16, 24, 28, 32};
        static const unsigned lens6[] = {0, 8, 32, 48, 64, 96, 127, 128};
        if (m->families == NV_FAMILIES_ALL)
            c->v6 = rn(3) == 0;
        else
            c->v6 = m->families == NV_FAMILY_BIT(NV_IPV6);
        if (c->v6) {
            c->len = lens6[rn(sizeof(lens6) / sizeof(lens6[0]))];
            c->net6 = mask6(rand_base6(), c->len);
        } else {
            c->len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
            c->lo = rand_base() & len_mask(c->len);
        }
    }
    if (c->v6) {
        struct rc_ip6 a = c->net6;
        if (c->len < 128 && rn(6) == 0) {
            /* host bits: valid, cleared */
            struct rc_ip6 x = rand_base6();
            a.hi |= x.hi & ~mask6(x, c->len).hi;
            a.lo |= x.lo & ~mask6(x, c->len).lo;
        }
        fmt_ip6(buf, sizeof(buf), a);
    } else {
        uint32_t a = c->lo;
        if (c->len < 32 && rn(6) == 0)
            a |= rnd() & ~len_mask(c->len); /* host bits: valid, cleared */
        fmt_ip(buf, sizeof(buf), a);
    }
    sb_printf(b, "%s/%u", buf, c->len);
}

/* An except strictly inside the CIDR c, of its family. */
static void gen_except_text(struct sb *b, const struct gcidr *c)
{
    char buf[64];

    if (c->v6) {
        unsigned elen = c->len + 1 + rn(128 - c->len);
        struct rc_ip6 x = rand_base6(), e;
        e.hi = c->len >= 64 ? c->net6.hi : (c->net6.hi | (x.hi & ~mask6(x, c->len).hi));
        e.lo = c->len >= 64 ? (c->net6.lo | (x.lo & ~mask6(x, c->len).lo)) : x.lo;
        fmt_ip6(buf, sizeof(buf), mask6(e, elen));
        sb_printf(b, "%s/%u", buf, elen);
    } else {
        unsigned elen = c->len + 1 + rn(32 - c->len);
        uint32_t ea = (c->lo | (rnd() & ~len_mask(c->len))) & len_mask(elen);
        fmt_ip(buf, sizeof(buf), ea);
        sb_printf(b, "%s/%u", buf, elen);
    }
}

static void gen_set(struct sb *b, const struct nv_model *m, int isolated)
{
    unsigned k = rn(100);
    const struct nv_pod *pod = &m->pods[rn((unsigned)m->npods)];
    const struct nv_workload *w = &m->workloads[pod->workload];

    if (isolated && k >= 66 && k <= 80)
        k = 20; /* address sets cannot be isolated: ask about pods instead */
    if (k < 6) {
        sb_kw(b, "any");
    } else if (k < 36) {
        unsigned scope = rn(6);
        sb_kw(b, "pods");
        sb_printf(b, " ");
        gen_pod_sel(b, &pod->labels);
        if (scope < 2) {
            sb_printf(b, " ");
            sb_kw(b, "in");
            sb_printf(b, " ");
            sb_kw(b, "namespace");
            sb_printf(b, " %s", rn(8) ? m->ns[pod->ns].name : m->ns[rn((unsigned)m->nns)].name);
        } else if (scope == 2) {
            sb_printf(b, " ");
            sb_kw(b, "in");
            sb_printf(b, " ");
            sb_kw(b, "namespaces");
            sb_printf(b, " ");
            gen_ns_sel(b, m, pod->ns);
        }
    } else if (k < 46) {
        sb_kw(b, "namespace");
        if (rn(25) == 0)
            sb_printf(b, " nope");
        else
            sb_printf(b, " %s", rn(3) ? m->ns[pod->ns].name : m->ns[rn((unsigned)m->nns)].name);
    } else if (k < 56) {
        sb_kw(b, "namespaces");
        sb_printf(b, " ");
        gen_ns_sel(b, m, pod->ns);
    } else if (k < 66 && m->nservices) {
        const struct nv_service *s = &m->services[rn((unsigned)m->nservices)];
        sb_kw(b, "svc");
        sb_printf(b, " %s/%s", s->ns, rn(30) ? s->name : "nosuch");
    } else if (k < 81 && !isolated) {
        unsigned n = 1 + (rn(4) == 0) + (rn(8) == 0), i, e;
        struct gcidr c[3];
        sb_kw(b, "cidr");
        for (i = 0; i < n; i++) {
            sb_printf(b, "%s", i ? ", " : " ");
            gen_cidr_text(b, m, &c[i]);
        }
        if (rn(3) == 0) {
            unsigned ne = 1 + rn(2);
            sb_printf(b, " ");
            sb_kw(b, "except");
            for (e = 0; e < ne; e++) {
                /* inside one of the set's CIDRs that has room */
                const struct gcidr *in = &c[rn(n)];
                if (in->len == (in->v6 ? 128u : 32u))
                    break;
                sb_printf(b, "%s", e ? "," : " ");
                gen_except_text(b, in);
            }
            if (e == 0)
                sb_printf(b, " %s/%u", c[0].v6 ? "::" : "0.0.0.0", c[0].v6 ? 128 : 32);
        }
    } else {
        if (rn(30) == 0)
            sb_printf(b, "w999");
        else if (rn(3) == 0)
            sb_printf(b, "%s", w->name);
        else
            sb_printf(b, "%s", w->id);
        /* now and then the kind, which tells apart workloads that share a name */
        if (rn(4) == 0)
            sb_printf(b, "[%s]", rn(20) ? w->kind : "Job");
    }
}

/* A claim port: one protocol, a port or a range, often one some pod or Service uses. */
static void gen_claim_port(struct sb *b, const struct nv_model *m, struct gport *gp)
{
    unsigned p = port_pool[rn(NPOOL)], form = rn(10);
    const struct nv_pod *pod = &m->pods[rn((unsigned)m->npods)];

    if (rn(4) == 0 && pod->nports) {
        const struct nv_named_port *np = &pod->ports[rn((unsigned)pod->nports)];
        p = np->port;
    } else if (rn(4) == 0 && m->nservices) {
        const struct nv_service *s = &m->services[rn((unsigned)m->nservices)];
        if (s->nports)
            p = s->ports[rn((unsigned)s->nports)].port;
    }
    gp->lo = gp->hi = p;
    gp->proto = NV_PROTO_TCP;
    if (form < 4) {
        sb_printf(b, "tcp/%u", p);
    } else if (form == 4) {
        gp->proto = NV_PROTO_UDP;
        sb_printf(b, "udp/%u", p);
    } else if (form == 5) {
        gp->proto = NV_PROTO_SCTP;
        sb_printf(b, "sctp/%u", p);
    } else if (form < 8) {
        sb_printf(b, "%u", p);
    } else {
        static const char *const pn[] = {"tcp", "udp", "sctp"};
        gp->proto = (int)rn(3);
        gp->hi = p + rn(p > 65500 ? 65535 - p + 1 : 60);
        sb_printf(b, "%s/%u-%u", pn[gp->proto], gp->lo, gp->hi);
    }
}

static void gen_claim(struct gclaim *gc, const struct nv_model *m)
{
    struct sb b;
    unsigned kind = rn(10);

    memset(gc, 0, sizeof(*gc));
    memset(&b, 0, sizeof(b));
    if (kind >= 8) {
        unsigned f = rn(3);
        gen_set(&b, m, 1);
        sb_printf(&b, " ");
        sb_kw(&b, "is");
        sb_printf(&b, " ");
        sb_kw(&b, "isolated");
        if (f) {
            sb_printf(&b, " ");
            sb_kw(&b, "for");
            sb_printf(&b, " ");
            sb_kw(&b, f == 1 ? "ingress" : "egress");
        }
    } else {
        if (kind >= 6) {
            sb_kw(&b, "only");
            sb_printf(&b, " ");
        }
        gen_set(&b, m, 0);
        sb_printf(&b, " ");
        if (kind >= 3 && kind < 6) {
            sb_kw(&b, "cannot");
            sb_printf(&b, " ");
            sb_kw(&b, "reach");
        } else {
            sb_kw(&b, "reaches");
        }
        sb_printf(&b, " ");
        gen_set(&b, m, 0);
        if (rn(20) < 11) {
            size_t n = rn(10) < 6 ? 1 : 2 + rn(3), i;
            sb_printf(&b, " ");
            sb_kw(&b, "on");
            for (i = 0; i < n; i++) {
                sb_printf(&b, "%s", i ? (rn(2) ? ", " : ",") : " ");
                gen_claim_port(&b, m, &gc->ports[i]);
            }
            gc->nports = n;
        }
    }
    memcpy(gc->text, b.s, b.n + 1);
}

/* ====================================================================== */
/* The oracle: the claim evaluated over every pod and probe address          */
/* ====================================================================== */

/* A flow end for the oracle: a pod (index into m->pods) or an address. */
struct o_end {
    int ext;
    size_t pod;
    struct nv_ip ip;
};

struct oracle {
    const struct nv_model *m;
    size_t nrules;
    const struct nv_rule **rules;
    /* per pod and direction: isolated, and the indexes of the rules that apply */
    unsigned char *iso[2];
    size_t *nr[2];
    size_t **pr[2];
    /* probes */
    unsigned ports[512];
    size_t nports;
    struct o_addrs addrs;
    /* bit sets over (proto, probe port): words each */
    size_t words;
    uint64_t *rb;   /* [rule][pod or npods for an address] */
    uint64_t *pp;   /* [src pod][dst pod] */
    uint64_t *pa;   /* [src pod][dst addr] */
    uint64_t *ap;   /* [src addr][dst pod] */
    uint64_t *all;  /* every bit */
    uint64_t *need; /* scratch: [pods + 1] */
};

static void add_port(struct oracle *o, long p)
{
    size_t i;

    if (p < 1 || p > 65535)
        return;
    for (i = 0; i < o->nports; i++)
        if (o->ports[i] == (unsigned)p)
            return;
    assert_true(o->nports < sizeof(o->ports) / sizeof(o->ports[0]));
    o->ports[o->nports++] = (unsigned)p;
}

static void add_port3(struct oracle *o, long p)
{
    add_port(o, p - 1);
    add_port(o, p);
    add_port(o, p + 1);
}

#define BIT(o, proto, k) ((size_t)(proto) * (o)->nports + (k))

static void bset(uint64_t *v, size_t b)
{
    v[b / 64] |= 1ull << (b % 64);
}

static uint64_t *rb_of(const struct oracle *o, size_t rule, size_t dst)
{
    return &o->rb[(rule * (o->m->npods + 1) + dst) * o->words];
}

/* What the rules of pod 'self' in direction 'dir' allow toward or from 'other' (OR into out). */
static void o_side(const struct oracle *o, int dir, size_t self, const struct o_end *other,
                   size_t dst_rb, uint64_t *out)
{
    const struct nv_model *m = o->m;
    size_t i, w;

    if (!o->iso[dir][self]) {
        memcpy(out, o->all, o->words * sizeof(*out));
        return;
    }
    memset(out, 0, o->words * sizeof(*out));
    for (i = 0; i < o->nr[dir][self]; i++) {
        size_t r = o->pr[dir][self][i];
        const struct nv_rule *ru = o->rules[r];
        const uint64_t *bits;
        int hit = other->ext ? o_peer_addr(ru, &other->ip)
                             : o_peer_pod(m, ru->policy, ru, &m->pods[other->pod]);
        if (!hit)
            continue;
        bits = rb_of(o, r, dst_rb);
        for (w = 0; w < o->words; w++)
            out[w] |= bits[w];
    }
}

/* Allowed (proto, probe port) from s to d, as bits. */
static void o_flow(const struct oracle *o, const struct o_end *s, const struct o_end *d,
                   uint64_t *out)
{
    uint64_t eg[32], in[32];
    size_t w, dst_rb = d->ext ? o->m->npods : d->pod;

    if (s->ext)
        memcpy(eg, o->all, o->words * sizeof(*eg));
    else
        o_side(o, NV_EGRESS, s->pod, d, dst_rb, eg);
    if (d->ext)
        memcpy(in, o->all, o->words * sizeof(*in));
    else
        o_side(o, NV_INGRESS, d->pod, s, dst_rb, in);
    for (w = 0; w < o->words; w++)
        out[w] = eg[w] & in[w];
}

/* The same for one (proto, port) that need not be a probe. */
static int o_allowed1(const struct oracle *o, const struct o_end *s, const struct o_end *d,
                      int proto, unsigned port)
{
    const struct nv_model *m = o->m;
    const struct nv_pod *dp = d->ext ? NULL : &m->pods[d->pod];
    int eg = s->ext || !o->iso[NV_EGRESS][s->pod];
    int in = d->ext || !o->iso[NV_INGRESS][d->pod];
    size_t i;

    for (i = 0; !eg && i < o->nr[NV_EGRESS][s->pod]; i++) {
        const struct nv_rule *ru = o->rules[o->pr[NV_EGRESS][s->pod][i]];
        eg = (d->ext ? o_peer_addr(ru, &d->ip) : o_peer_pod(m, ru->policy, ru, dp)) &&
             o_port(ru, dp, proto, port);
    }
    for (i = 0; !in && i < o->nr[NV_INGRESS][d->pod]; i++) {
        const struct nv_rule *ru = o->rules[o->pr[NV_INGRESS][d->pod][i]];
        in = (s->ext ? o_peer_addr(ru, &s->ip) : o_peer_pod(m, ru->policy, ru, &m->pods[s->pod])) &&
             o_port(ru, dp, proto, port);
    }
    return eg && in;
}

static void oracle_build(struct oracle *o, const struct nv_model *m, const struct nv_claims *cl,
                         const struct gclaim *gc)
{
    size_t i, j, r, k, e, n = 0, np = m->npods, w;
    int dir, proto;

    memset(o, 0, sizeof(*o));
    o->m = m;
    /* every rule, numbered */
    for (i = 0; i < m->npolicies; i++)
        n += m->policies[i]->nrules[0] + m->policies[i]->nrules[1];
    o->rules = calloc(n + 1, sizeof(*o->rules));
    assert_non_null(o->rules);
    for (dir = 0; dir < 2; dir++) {
        o->iso[dir] = calloc(np + 1, 1);
        o->nr[dir] = calloc(np + 1, sizeof(size_t));
        o->pr[dir] = calloc(np + 1, sizeof(size_t *));
        assert_non_null(o->iso[dir]);
        assert_non_null(o->nr[dir]);
        assert_non_null(o->pr[dir]);
        for (i = 0; i < np; i++) {
            o->pr[dir][i] = calloc(n + 1, sizeof(size_t));
            assert_non_null(o->pr[dir][i]);
        }
    }
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        size_t base = o->nrules;
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                o->rules[o->nrules++] = &p->rules[dir][r];
        for (j = 0; j < np; j++) {
            const struct nv_pod *pod = &m->pods[j];
            if (strcmp(p->ns, m->ns[pod->ns].name) || !o_selects(p->subject, &pod->labels))
                continue;
            for (dir = 0; dir < 2; dir++) {
                size_t off = dir == NV_INGRESS ? 0 : p->nrules[NV_INGRESS];
                if (!(p->types & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)))
                    continue;
                o->iso[dir][j] = 1;
                for (r = 0; r < p->nrules[dir]; r++)
                    o->pr[dir][j][o->nr[dir][j]++] = base + off + r;
            }
        }
    }
    /* probe ports: every boundary of a rule, a named port, a claim or a Service, +-1 */
    add_port(o, 1);
    add_port(o, 65535);
    for (i = 0; i < np; i++)
        for (j = 0; j < m->pods[i].nports; j++)
            add_port3(o, m->pods[i].ports[j].port);
    for (i = 0; i < o->nrules; i++)
        for (j = 0; j < o->rules[i]->nports; j++) {
            add_port3(o, o->rules[i]->ports[j].port);
            add_port3(o, o->rules[i]->ports[j].end);
        }
    for (i = 0; i < m->nservices; i++)
        for (j = 0; j < m->services[i].nports; j++) {
            add_port3(o, m->services[i].ports[j].port);
            add_port3(o, m->services[i].ports[j].target);
        }
    for (i = 0; gc && i < cl->n; i++)
        for (j = 0; j < gc[i].nports; j++) {
            add_port3(o, gc[i].ports[j].lo);
            add_port3(o, gc[i].ports[j].hi);
        }
    /* probe addresses: every boundary of an ipBlock or a claim's CIDR, +-1 */
    o_addrs_init(&o->addrs, m->families);
    for (i = 0; i < o->nrules; i++)
        for (j = 0; j < o->rules[i]->npeers; j++) {
            const struct nv_peer *pe = &o->rules[i]->peers[j];
            if (pe->kind != NV_PEER_IPBLOCK)
                continue;
            o_addrs_range(&o->addrs, &pe->cidr);
            for (e = 0; e < pe->nexcept; e++)
                o_addrs_range(&o->addrs, &pe->except[e]);
        }
    for (i = 0; i < cl->n; i++) {
        const struct nv_set *sets[2];
        sets[0] = &cl->items[i].a;
        sets[1] = &cl->items[i].b;
        for (k = 0; k < 2; k++) {
            for (j = 0; j < sets[k]->ncidr; j++)
                o_addrs_range(&o->addrs, &sets[k]->cidr[j]);
            for (j = 0; j < sets[k]->nexcept; j++)
                o_addrs_range(&o->addrs, &sets[k]->except[j]);
        }
    }
    o->words = (NV_NPROTO * o->nports + 63) / 64;
    assert_true(o->words <= 32);
    o->all = calloc(o->words, sizeof(uint64_t));
    assert_non_null(o->all);
    for (proto = 0; proto < NV_NPROTO; proto++)
        for (k = 0; k < o->nports; k++)
            bset(o->all, BIT(o, proto, k));
    /* what each rule admits toward each pod, and toward an address */
    o->rb = calloc((o->nrules + 1) * (np + 1) * o->words, sizeof(uint64_t));
    assert_non_null(o->rb);
    for (r = 0; r < o->nrules; r++)
        for (j = 0; j <= np; j++) {
            uint64_t *v = rb_of(o, r, j);
            for (proto = 0; proto < NV_NPROTO; proto++)
                for (k = 0; k < o->nports; k++)
                    if (o_port(o->rules[r], j < np ? &m->pods[j] : NULL, proto, o->ports[k]))
                        bset(v, BIT(o, proto, k));
        }
    /* every flow */
    o->pp = calloc(np * np * o->words + 1, sizeof(uint64_t));
    o->pa = calloc(np * o->addrs.n * o->words + 1, sizeof(uint64_t));
    o->ap = calloc(np * o->addrs.n * o->words + 1, sizeof(uint64_t));
    o->need = calloc((np + 1) * o->words, sizeof(uint64_t));
    assert_non_null(o->pp);
    assert_non_null(o->pa);
    assert_non_null(o->ap);
    assert_non_null(o->need);
    for (i = 0; i < np; i++) {
        struct o_end s = {0, i, {0}};
        for (j = 0; j < np; j++) {
            struct o_end d = {0, j, {0}};
            o_flow(o, &s, &d, &o->pp[(i * np + j) * o->words]);
        }
        for (w = 0; w < o->addrs.n; w++) {
            struct o_end a = {1, 0, o->addrs.v[w]};
            o_flow(o, &s, &a, &o->pa[(i * o->addrs.n + w) * o->words]);
            o_flow(o, &a, &s, &o->ap[(w * np + i) * o->words]);
        }
    }
}

static void oracle_free(struct oracle *o)
{
    size_t i;
    int dir;

    for (dir = 0; dir < 2; dir++) {
        for (i = 0; i < o->m->npods; i++)
            free(o->pr[dir][i]);
        free(o->pr[dir]);
        free(o->nr[dir]);
        free(o->iso[dir]);
    }
    free(o->rules);
    o_addrs_release(&o->addrs);
    free(o->all);
    free(o->rb);
    free(o->pp);
    free(o->pa);
    free(o->ap);
    free(o->need);
}

static int o_end_in(const struct oracle *o, const struct nv_set *s, const struct o_end *e)
{
    return e->ext ? o_addr_in(s, &e->ip) : o_pod_in(o->m, s, &o->m->pods[e->pod]);
}

/* Does the Service port pass the claim's 'on' filter (every port passes without one)? */
static int o_svc_port_wanted(const struct gclaim *gc, const struct nv_service_port *sp)
{
    size_t i;

    if (!gc->nports)
        return 1;
    for (i = 0; i < gc->nports; i++)
        if (gc->ports[i].proto == (int)sp->proto && sp->port >= gc->ports[i].lo &&
            sp->port <= gc->ports[i].hi)
            return 1;
    return 0;
}

/* Is (proto, port) among what the claim asks about toward d? */
static int o_need_has(const struct oracle *o, const struct nv_claim *c, const struct gclaim *gc,
                      const struct o_end *d, int proto, unsigned port)
{
    size_t i, j;

    if (c->b.kind == NV_SET_SVC) {
        const struct nv_service *svc = o_service(o->m, c->b.ns, c->b.name);
        const struct nv_pod *pod = d->ext ? NULL : &o->m->pods[d->pod];
        for (i = 0; svc && i < svc->nports; i++) {
            const struct nv_service_port *sp = &svc->ports[i];
            if (!o_svc_port_wanted(gc, sp) || (int)sp->proto != proto)
                continue;
            if (!sp->target_name) {
                if (sp->target == port)
                    return 1;
                continue;
            }
            for (j = 0; pod && j < pod->nports; j++)
                if (!strcmp(pod->ports[j].name, sp->target_name) &&
                    (int)pod->ports[j].proto == proto && pod->ports[j].port == port)
                    return 1;
        }
        return 0;
    }
    if (!gc->nports)
        return 1;
    for (i = 0; i < gc->nports; i++)
        if (gc->ports[i].proto == proto && port >= gc->ports[i].lo && port <= gc->ports[i].hi)
            return 1;
    return 0;
}

/* Whether the claim names every port (no 'on' and no Service destination). */
static int o_all_ports(const struct nv_claim *c, const struct gclaim *gc)
{
    return !gc->nports && c->b.kind != NV_SET_SVC;
}

/* Whether set s holds at least one pod (for the oracle's own evaluation). */
static int o_has_pods(const struct oracle *o, const struct nv_set *s)
{
    size_t i;

    for (i = 0; i < o->m->npods; i++)
        if (o_pod_in(o->m, s, &o->m->pods[i]))
            return 1;
    return 0;
}

/* Whether nv_claims_resolve should accept set s of claim c. */
static int o_set_ok(const struct oracle *o, const struct nv_claim *c, const struct gclaim *gc,
                    const struct nv_set *s, int is_b)
{
    const struct nv_model *m = o->m;
    size_t i, pods = 0, addrs = 0, n = 0;

    switch (s->kind) {
    case NV_SET_WORKLOAD:
        for (i = 0; i < m->nworkloads; i++)
            n += !strcmp(m->workloads[i].name, s->name) &&
                 (!s->ns || !strcmp(m->ns[m->workloads[i].ns].name, s->ns)) &&
                 (!s->wkind || !strcmp(m->workloads[i].kind, s->wkind));
        if (n != 1)
            return 0;
        break;
    case NV_SET_NAMESPACE:
    case NV_SET_PODS: {
        const char *want = s->kind == NV_SET_NAMESPACE ? s->name : s->scope_ns;
        for (i = 0; want && i < m->nns; i++)
            n += !strcmp(m->ns[i].name, want);
        if (want && !n)
            return 0;
        break;
    }
    case NV_SET_SVC: {
        const struct nv_service *svc = o_service(m, s->ns, s->name);
        size_t j, k;
        if (!svc || !svc->selector)
            return 0;
        if (!is_b)
            break;
        /* every 'on' port must pick a Service port */
        for (j = 0; j < gc->nports; j++) {
            for (k = 0, n = 0; k < svc->nports; k++)
                n += gc->ports[j].proto == (int)svc->ports[k].proto &&
                     svc->ports[k].port >= gc->ports[j].lo && svc->ports[k].port <= gc->ports[j].hi;
            if (!n)
                return 0;
        }
        /* every Service port picked needs an endpoint: a selected pod that declares its target */
        for (k = 0, n = 0; k < svc->nports; k++) {
            const struct nv_service_port *sp = &svc->ports[k];
            size_t ends = 0;
            if (!o_svc_port_wanted(gc, sp))
                continue;
            n++;
            for (i = 0; i < m->npods && sp->target_name; i++) {
                const struct nv_pod *pod = &m->pods[i];
                if (!o_pod_in(m, s, pod))
                    continue;
                for (j = 0; j < pod->nports; j++)
                    ends += !strcmp(pod->ports[j].name, sp->target_name) &&
                            pod->ports[j].proto == sp->proto;
            }
            if (sp->target_name && !ends && o_has_pods(o, s))
                return 0;
        }
        if (!n)
            return 0;
        break;
    }
    default:
        break;
    }
    for (i = 0; i < m->npods; i++)
        pods += o_pod_in(m, s, &m->pods[i]);
    for (i = 0; i < o->addrs.n; i++)
        addrs += o_addr_in(s, &o->addrs.v[i]);
    if (!pods && !addrs)
        return 0;
    return c->kind != NV_CLAIM_ISOLATED || pods > 0;
}

/*
 * Whether some flow runs from set a (its complement when 'outside') to set b,
 * over pods and probe addresses: two distinct endpoints, not two addresses.
 */
static int o_part_related(const struct oracle *o, const struct nv_claim *c, int outside)
{
    const struct nv_model *m = o->m;
    size_t np = m->npods, n = np + o->addrs.n, i, j;

    for (i = 0; i < n; i++) {
        struct o_end s = {i >= np, i < np ? i : 0, {0}};
        if (i >= np)
            s.ip = o->addrs.v[i - np];
        if (o_end_in(o, &c->a, &s) == outside)
            continue;
        for (j = 0; j < n; j++) {
            struct o_end d = {j >= np, j < np ? j : 0, {0}};
            if (j >= np)
                d.ip = o->addrs.v[j - np];
            if ((s.ext && d.ext) || (i == j && m->pods[i].count < 2) || !o_end_in(o, &c->b, &d))
                continue;
            return 1;
        }
    }
    return 0;
}

static int o_claim_ok(const struct oracle *o, const struct nv_claim *c, const struct gclaim *gc)
{
    if (!o_set_ok(o, c, gc, &c->a, 0))
        return 0;
    if (c->kind == NV_CLAIM_ISOLATED)
        return 1;
    if (!o_set_ok(o, c, gc, &c->b, 1))
        return 0;
    /* every part must relate two distinct endpoints: no two addresses, no pod to itself */
    return o_part_related(o, c, 0) && (!c->only || o_part_related(o, c, 1));
}

/* The bits of what the claim asks about toward pod d (or any address: d == npods). */
static void o_need_bits(const struct oracle *o, const struct nv_claim *c, const struct gclaim *gc,
                        size_t d, uint64_t *out)
{
    struct o_end e = {d == o->m->npods, d, {0}};
    size_t k;
    int proto;

    memset(out, 0, o->words * sizeof(*out));
    for (proto = 0; proto < NV_NPROTO; proto++)
        for (k = 0; k < o->nports; k++)
            if (o_need_has(o, c, gc, &e, proto, o->ports[k]))
                bset(out, BIT(o, proto, k));
}

/* The oracle's verdict on one part. */
static enum nv_verdict o_part(const struct oracle *o, const struct nv_claim *c,
                              const struct gclaim *gc, enum nv_part_kind kind)
{
    const struct nv_model *m = o->m;
    size_t np = m->npods, na = o->addrs.n, ns, nd, w;
    int all = o_all_ports(c, gc);
    unsigned char *ina, *inb;
    enum nv_verdict v = NV_HOLDS;

    if (kind == NV_PART_ISOLATED) {
        for (ns = 0; ns < np; ns++) {
            if (!o_pod_in(m, &c->a, &m->pods[ns]))
                continue;
            if (((c->iso_types & NV_TYPE_INGRESS) && !o->iso[NV_INGRESS][ns]) ||
                ((c->iso_types & NV_TYPE_EGRESS) && !o->iso[NV_EGRESS][ns]))
                return NV_REFUTED;
        }
        return NV_HOLDS;
    }
    /* membership of every end: pods first, then addresses */
    ina = calloc(np + na + 1, 1);
    inb = calloc(np + na + 1, 1);
    assert_non_null(ina);
    assert_non_null(inb);
    for (ns = 0; ns < np + na; ns++) {
        struct o_end e = {ns >= np, ns < np ? ns : 0, {0}};
        if (ns >= np)
            e.ip = o->addrs.v[ns - np];
        ina[ns] = (unsigned char)(o_end_in(o, &c->a, &e) != (kind == NV_PART_ONLY));
        inb[ns] = (unsigned char)o_end_in(o, &c->b, &e);
    }
    for (nd = 0; nd <= np; nd++)
        o_need_bits(o, c, gc, nd, &o->need[nd * o->words]);
    for (ns = 0; ns < np + na && v == NV_HOLDS; ns++) {
        if (!ina[ns])
            continue;
        for (nd = 0; nd < np + na && v == NV_HOLDS; nd++) {
            const uint64_t *flow, *need;
            int any = 0, bad = 0;
            if (!inb[nd] || (ns >= np && nd >= np))
                continue;
            /* two distinct pods: a group with itself only when it has two or more */
            if (ns < np && ns == nd && m->pods[ns].count < 2)
                continue;
            if (ns < np && nd < np)
                flow = &o->pp[(ns * np + nd) * o->words];
            else if (ns < np)
                flow = &o->pa[(ns * na + (nd - np)) * o->words];
            else
                flow = &o->ap[((ns - np) * np + nd) * o->words];
            need = &o->need[(nd < np ? nd : np) * o->words];
            for (w = 0; w < o->words; w++) {
                any |= (flow[w] & need[w]) != 0;
                bad |= (need[w] & ~flow[w]) != 0;
            }
            if (kind == NV_PART_REACHES ? (all ? !any : bad) : any)
                v = NV_REFUTED;
        }
    }
    free(ina);
    free(inb);
    return v;
}

/* An end of a witness as the oracle sees it: the pod group it names (SIZE_MAX: none). */
static struct o_end o_from_end(const struct nv_model *m, const struct nv_end *e)
{
    struct o_end r = {e->external, 0, e->ip};

    if (!e->external)
        r.pod = e->pod < m->npods && e->inst < m->pods[e->pod].count ? e->pod : SIZE_MAX;
    return r;
}

static const char k_dir_not_asked[] = "the direction is not one the claim asks about";
static const char k_dir_isolated[] = "the pod is isolated in that direction";

/* The oracle's reading of a witness: NULL when it is a counterexample, else why not. */
static const char *o_witness_bad(const struct oracle *o, const struct nv_claim *c,
                                 const struct gclaim *gc, enum nv_part_kind kind,
                                 const struct nv_witness *w)
{
    const struct nv_model *m = o->m;
    struct o_end s = o_from_end(m, &w->src), d;
    size_t k;
    int proto;

    if (!w->src.external && s.pod == SIZE_MAX)
        return "the source names no pod";
    if (kind == NV_PART_ISOLATED) {
        if (w->src.external || !o_pod_in(m, &c->a, &m->pods[s.pod]))
            return "the pod is not in the set";
        if (w->dir != NV_INGRESS && w->dir != NV_EGRESS)
            return "no direction";
        if (!(c->iso_types & (w->dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)))
            return k_dir_not_asked;
        if (o->iso[w->dir][s.pod])
            return k_dir_isolated;
        return NULL;
    }
    d = o_from_end(m, &w->dst);
    if (!w->dst.external && d.pod == SIZE_MAX)
        return "the destination names no pod";
    if (!s.ext && !d.ext && s.pod == d.pod && w->src.inst == w->dst.inst)
        return "one pod at both ends";
    if (o_end_in(o, &c->a, &s) == (kind == NV_PART_ONLY))
        return "the source is on the wrong side of the claim's source set";
    if (!o_end_in(o, &c->b, &d))
        return "the destination is not in the claim's destination set";
    if (s.ext && d.ext)
        return "two addresses";
    if (w->all_ports) {
        if (kind != NV_PART_REACHES || !o_all_ports(c, gc))
            return "'every port' where the claim names ports";
        for (proto = 0; proto < NV_NPROTO; proto++)
            for (k = 0; k < o->nports; k++)
                if (o_allowed1(o, &s, &d, proto, o->ports[k]))
                    return "allowed on some port";
        return NULL;
    }
    if (w->port < 1 || w->port > 65535 || (int)w->proto < 0 || (int)w->proto >= NV_NPROTO)
        return "no such port";
    if (!o_need_has(o, c, gc, &d, (int)w->proto, w->port))
        return "a port the claim does not ask about";
    if (o_allowed1(o, &s, &d, (int)w->proto, w->port) != (kind != NV_PART_REACHES))
        return kind == NV_PART_REACHES ? "the flow is allowed" : "the flow is blocked";
    return NULL;
}

/* ====================================================================== */
/* The differential test                                                    */
/* ====================================================================== */

struct tally {
    unsigned long clusters, claims, resolved, skipped, parts, refuted, holds;
    unsigned long by_kind[4][2]; /* part kind: [holds, refuted] */
    unsigned long iso_dir_bugs;
    unsigned long self_pairs;                 /* witnesses between two pods of one class */
    unsigned long trials_kept, trials_redone; /* parts a first try settled, asked again */
    char iso_dir_example[600];
    double smt_time, matrix_time;
};

static const char *part_name(enum nv_part_kind k)
{
    static const char *const n[] = {"reaches", "cannot", "only", "isolated"};

    return n[k];
}

static const char *verdict_name(enum nv_verdict v)
{
    static const char *const names[NV_NVERDICTS] = {"holds", "refuted", "undecided", "depends"};

    return names[v];
}

static void keep_files(uint64_t seed, char *out, size_t n)
{
    char a[200], b[200];

    snprintf(a, sizeof(a), "%s-seed%llu-cluster.yaml", g_dir, (unsigned long long)seed);
    snprintf(b, sizeof(b), "%s-seed%llu-claims.yaml", g_dir, (unsigned long long)seed);
    if (rename(g_path, a) != 0 || rename(g_claims, b) != 0)
        snprintf(out, n, "(not kept)");
    else
        snprintf(out, n, "%s and %s", a, b);
}

static void describe_witness(const struct nv_model *m, const struct nv_part *p, char *buf, size_t n)
{
    char s[NV_IP_BUFSZ + 40], d[NV_IP_BUFSZ + 40];

    if (p->w.src.external)
        nv_ip_format(&p->w.src.ip, s);
    else
        snprintf(s, sizeof(s), "class %u (%u pods)", p->w.src.cls, m->classes[p->w.src.cls].count);
    if (p->w.dst.external)
        nv_ip_format(&p->w.dst.ip, d);
    else
        snprintf(d, sizeof(d), "class %u", p->w.dst.cls);
    snprintf(buf, n, "%s -> %s %s/%u%s dir %d", s, d, nv_proto_name(p->w.proto), p->w.port,
             p->w.all_ports ? " (every port)" : "", p->w.dir);
}

/* A copy of witness w with one end's address, or its port, replaced. */
static const char *cex_point_bad(const struct oracle *o, const struct nv_claim *c,
                                 const struct gclaim *gc, const struct nv_part *p, int end,
                                 const struct nv_ip *ip, uint32_t key)
{
    struct nv_witness w = p->w;

    if (ip)
        (end ? &w.dst : &w.src)->ip = *ip;
    else {
        w.proto = (enum nv_proto)(key >> 16);
        w.port = key & 0xffff;
    }
    return o_witness_bad(o, c, gc, p->kind, &w);
}

/*
 * The counterexample as the reports widen it (nv_cex_build): the first and
 * last address of an external end's range, and the ends of every interval of
 * its ports, each break the part as the witness does.
 */
static const char *cex_bad(const struct oracle *o, struct nv_model *m, const struct nv_claim *c,
                           const struct gclaim *gc, const struct nv_part *p)
{
    struct nv_cex x;
    const char *bad = NULL;
    int e;
    size_t i;

    if (p->kind == NV_PART_ISOLATED)
        return NULL;
    nv_cex_build(m, c, p, &x);
    for (e = 0; e < 2 && !bad; e++) {
        const struct nv_iprange *r = e ? &x.dst_range : &x.src_range;
        if (!(e ? p->w.dst.external : p->w.src.external))
            continue;
        if ((bad = cex_point_bad(o, c, gc, p, e, &r->first, 0)) ||
            (bad = cex_point_bad(o, c, gc, p, e, &r->last, 0)))
            bad = e ? "the end of the destination's range breaks nothing"
                    : "the end of the source's range breaks nothing";
    }
    if (!bad && !p->w.all_ports && x.ports != NV_PORTS_ALL) {
        const struct nv_portset *s = nv_ports_get(m->ports, x.ports);
        for (i = 0; i < 2 * s->n && !bad; i++)
            if (cex_point_bad(o, c, gc, p, 0, NULL, s->iv[i]))
                bad = "a port at an end of the counterexample's ports breaks nothing";
    }
    nv_cex_release(&x);
    return bad;
}

/*
 * Claim c decided by the SMT engine (smt), by the same after a first try on
 * one class in two (trial, when not NULL: its verdicts and fates must be the
 * same, its witnesses as good), by the matrix engine (x), and by the oracle.
 */
static void check_claim(uint64_t seed, struct nv_smt *smt, struct nv_smt *trial,
                        struct nv_matrix *x, const struct oracle *o, struct nv_model *m,
                        const struct nv_claim *c, const struct gclaim *gc, struct tally *t)
{
    struct nv_result rs_, rm, rt;
    size_t p;
    double t0;
    char keep[500];

    t0 = now();
    nv_smt_check(smt, c, 60.0, &rs_);
    t->smt_time += now() - t0;
    if (trial)
        nv_smt_check(trial, c, 60.0, &rt);
    else
        rt = rs_;
    t0 = now();
    nv_check_matrix(x, c, &rm);
    t->matrix_time += now() - t0;
    assert_int_equal(rs_.nparts, rm.nparts);
    for (p = 0; p < rs_.nparts; p++) {
        const struct nv_part *ps = &rs_.parts[p], *pm = &rm.parts[p], *pt = &rt.parts[p];
        enum nv_verdict want = o_part(o, c, gc, ps->kind);
        const struct nv_part *both[3];
        size_t e;
        assert_int_equal(ps->kind, pm->kind);
        t->parts++;
        if (ps->verdict != pm->verdict || ps->verdict != want || pt->verdict != ps->verdict) {
            keep_files(seed, keep, sizeof(keep));
            fail_msg("seed %llu: claim '%s' part %s: smt %s%s%s, after a first try %s, matrix %s, "
                     "oracle %s (files: %s)",
                     (unsigned long long)seed, c->text, part_name(ps->kind),
                     verdict_name(ps->verdict), ps->why ? " because " : "", ps->why ? ps->why : "",
                     verdict_name(pt->verdict), verdict_name(pm->verdict), verdict_name(want),
                     keep);
        }
        assert_int_equal(pt->ncombos, ps->ncombos);
        for (e = 0; e < ps->ncombos; e++)
            if (pt->fate[e] != ps->fate[e]) {
                keep_files(seed, keep, sizeof(keep));
                fail_msg("seed %llu: claim '%s' part %s: combination %zu: fate %d, after a first "
                         "try %d (%s)",
                         (unsigned long long)seed, c->text, part_name(ps->kind), e,
                         (int)ps->fate[e], (int)pt->fate[e], keep);
            }
        t->by_kind[ps->kind][ps->verdict == NV_REFUTED]++;
        if (ps->verdict == NV_HOLDS) {
            t->holds++;
            continue;
        }
        t->refuted++;
        if (ps->kind != NV_PART_ISOLATED && !ps->w.src.external && !ps->w.dst.external &&
            ps->w.src.cls == ps->w.dst.cls)
            t->self_pairs++;
        both[0] = ps;
        both[1] = pm;
        both[2] = pt;
        for (e = 0; e < (trial ? 3u : 2u); e++) {
            static const char *const engines[] = {"smt", "matrix", "smt (first try)"};
            const char *engine = engines[e];
            const char *bad;
            char wbuf[320];
            describe_witness(m, both[e], wbuf, sizeof(wbuf));
            if (!nv_witness_fits(m, c, ps->kind, &both[e]->w)) {
                keep_files(seed, keep, sizeof(keep));
                fail_msg("seed %llu: claim '%s' part %s: the %s witness %s does not fit (%s)",
                         (unsigned long long)seed, c->text, part_name(ps->kind), engine, wbuf,
                         keep);
            }
            if (!nv_witness_ok(m, c, both[e])) {
                keep_files(seed, keep, sizeof(keep));
                fail_msg("seed %llu: claim '%s' part %s: nv_explain disagrees with the %s "
                         "witness %s (%s)",
                         (unsigned long long)seed, c->text, part_name(ps->kind), engine, wbuf,
                         keep);
            }
            bad = o_witness_bad(o, c, gc, ps->kind, &both[e]->w);
            if ((bad == k_dir_not_asked || bad == k_dir_isolated) && e == 0 &&
                !o_witness_bad(o, c, gc, ps->kind, &pm->w)) {
                /* counted, and failed at the end: see test_isolated_witness_direction */
                if (!t->iso_dir_bugs++)
                    snprintf(t->iso_dir_example, sizeof(t->iso_dir_example),
                             "seed %llu: '%s': smt witness %s: %s", (unsigned long long)seed,
                             c->text, wbuf, bad);
                continue;
            }
            if (bad) {
                keep_files(seed, keep, sizeof(keep));
                fail_msg("seed %llu: claim '%s' part %s: the %s witness %s is wrong: %s (%s)",
                         (unsigned long long)seed, c->text, part_name(ps->kind), engine, wbuf, bad,
                         keep);
            }
            if ((bad = cex_bad(o, m, c, gc, both[e]))) {
                keep_files(seed, keep, sizeof(keep));
                fail_msg("seed %llu: claim '%s' part %s: the %s counterexample %s: %s (%s)",
                         (unsigned long long)seed, c->text, part_name(ps->kind), engine, wbuf, bad,
                         keep);
            }
        }
    }
}

static void differential_cluster(uint64_t seed, size_t nclaims, struct tally *t)
{
    static const struct gsize sz = {1, 4, 4, 17, 0, 9, 5, 0};
    struct gen g;
    struct nv_diags d;
    struct nv_model *m;
    struct nv_claims cl, ok;
    struct gclaim *gc;
    struct oracle o;
    struct nv_smt *smt, *trial;
    struct nv_matrix *x;
    unsigned char *bad;
    size_t i, j, first, kept, redone;
    FILE *fp;

    gen_cluster(&g, g_path, seed, &sz);
    nv_diags_init(&d);
    m = load_unfinished(&d);
    t->clusters++;

    /* claims from what the model holds, one per line: claim i is on line i + 2 */
    gc = calloc(nclaims, sizeof(*gc));
    assert_non_null(gc);
    fp = fopen(g_claims, "w");
    assert_non_null(fp);
    fputs("claims:\n", fp);
    for (i = 0; i < nclaims; i++) {
        gen_claim(&gc[i], m);
        if (rn(4) == 0)
            fprintf(fp, "  - {name: c%zu, claim: \"%s\"}\n", i, gc[i].text);
        else
            fprintf(fp, "  - \"%s\"\n", gc[i].text);
    }
    assert_int_equal(fclose(fp), 0);
    if (nv_claims_load(&cl, g_claims, m, &d) != 0 || d.nerr) {
        dump_diags(&d);
        fail_msg("seed %llu: generated claims do not parse", (unsigned long long)seed);
    }
    assert_int_equal(cl.n, nclaims);
    assert_int_equal(nv_model_finish(m, &d), 0);
    first = d.n;
    nv_claims_resolve(&cl, m, &d);

    /* which claims did resolution refuse? */
    bad = calloc(nclaims, 1);
    assert_non_null(bad);
    for (i = first; i < d.n; i++) {
        assert_int_equal(d.items[i].sev, NV_SEV_ERROR);
        for (j = 0; j < cl.n; j++)
            if (cl.items[j].loc.line == d.items[i].loc.line)
                bad[j] = 1;
    }
    oracle_build(&o, m, &cl, gc);
    memset(&ok, 0, sizeof(ok));
    ok.items = calloc(nclaims, sizeof(*ok.items));
    assert_non_null(ok.items);
    for (i = 0; i < cl.n; i++) {
        int want = o_claim_ok(&o, &cl.items[i], &gc[i]);
        t->claims++;
        if (want != !bad[i]) {
            char keep[500];
            dump_diags(&d);
            keep_files(seed, keep, sizeof(keep));
            fail_msg("seed %llu: claim '%s' %s, the oracle says it should %s (%s)",
                     (unsigned long long)seed, cl.items[i].text,
                     bad[i] ? "was refused" : "resolved", want ? "resolve" : "be refused", keep);
        }
        if (bad[i]) {
            t->skipped++;
            continue;
        }
        ok.items[ok.n++] = cl.items[i];
    }
    ok.file = cl.file;

    smt = nv_smt_new(m, &ok);
    x = nv_matrix_new(m);
    assert_non_null(smt);
    assert_non_null(x);
    /* these clusters are small: no first try by default; one cluster in three has a third
     * engine where every part has one (the suite's time, under the sanitizers above all) */
    nv_smt_trial(smt, (size_t)-1, 1);
    trial = seed % 3 == 1 ? nv_smt_new(m, &ok) : NULL;
    if (trial)
        nv_smt_trial(trial, 0, 2);
    for (i = 0; i < cl.n; i++) {
        if (bad[i])
            continue;
        t->resolved++;
        check_claim(seed, smt, trial, x, &o, m, &cl.items[i], &gc[i], t);
    }
    if (trial) {
        nv_smt_trials(trial, &kept, &redone);
        t->trials_kept += kept;
        t->trials_redone += redone;
    }
    nv_matrix_free(x);
    nv_smt_free(smt);
    nv_smt_free(trial);
    oracle_free(&o);
    free(ok.items);
    free(bad);
    free(gc);
    nv_claims_release(&cl);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_differential(void **state)
{
    struct tally t;
    uint64_t seed;
    double t0 = now();
    /* about 10 s here; the sanitizers make everything several times slower */
#if defined(__SANITIZE_ADDRESS__)
    unsigned long nclusters = 60, nclaims = 40;
#else
    unsigned long nclusters = 200, nclaims = 40;
#endif
    const char *env = getenv("NV_TEST_SMT_CLUSTERS");

    (void)state;
    memset(&t, 0, sizeof(t));
    if (env && atol(env) > 0)
        nclusters = (unsigned long)atol(env);
    for (seed = 1; seed <= nclusters; seed++)
        differential_cluster(seed, nclaims, &t);
    print_message("  %lu clusters, %lu claims: %lu resolved, %lu skipped (sets that match "
                  "nothing, unknown names); %lu parts: %lu hold, %lu refuted\n",
                  t.clusters, t.claims, t.resolved, t.skipped, t.parts, t.holds, t.refuted);
    print_message("  reaches %lu/%lu, cannot %lu/%lu, only %lu/%lu, isolated %lu/%lu "
                  "(holds/refuted); smt %.2fs, matrix %.2fs, total %.2fs\n",
                  t.by_kind[0][0], t.by_kind[0][1], t.by_kind[1][0], t.by_kind[1][1],
                  t.by_kind[2][0], t.by_kind[2][1], t.by_kind[3][0], t.by_kind[3][1], t.smt_time,
                  t.matrix_time, now() - t0);
    print_message("  %lu witnesses between two pods of one class\n", t.self_pairs);
    print_message("  first tries on one class in two: %lu parts settled, %lu asked again\n",
                  t.trials_kept, t.trials_redone);
    /* both ways out of a first try must be taken often */
    assert_true(t.trials_kept > 100);
    assert_true(t.trials_redone > 100);
    /* most generated claims must resolve, and every kind must see both verdicts */
    assert_true(t.resolved * 4 > t.claims * 3);
    for (seed = 0; seed < 4; seed++) {
        assert_true(t.by_kind[seed][0] > 20);
        assert_true(t.by_kind[seed][1] > 20);
    }
    /* pods of one class (replicas) reach each other: the engines must see such flows */
    assert_true(t.self_pairs > 20);
    /* the bug test_isolated_witness_direction pins down */
    if (t.iso_dir_bugs)
        fail_msg("BUG: %lu 'is isolated' witnesses of the SMT engine name a direction that is "
                 "isolated or not asked about; first: %s",
                 t.iso_dir_bugs, t.iso_dir_example);
}

/* ====================================================================== */
/* Hand-written cases                                                       */
/* ====================================================================== */

struct hand {
    struct nv_diags d;
    struct nv_model *m;
    struct nv_claims cl;
    struct nv_smt *smt;
    struct nv_matrix *x;
};

static void hand_load(struct hand *h, const char *cluster, const char *claims)
{
    memset(h, 0, sizeof(*h));
    write_file(g_path, cluster);
    write_file(g_claims, claims);
    nv_diags_init(&h->d);
    h->m = load_unfinished(&h->d);
    if (nv_claims_load(&h->cl, g_claims, h->m, &h->d) != 0 || nv_model_finish(h->m, &h->d) != 0 ||
        nv_claims_resolve(&h->cl, h->m, &h->d) != 0) {
        dump_diags(&h->d);
        fail_msg("the hand-written case does not load");
    }
    h->smt = nv_smt_new(h->m, &h->cl);
    h->x = nv_matrix_new(h->m);
}

static void hand_free(struct hand *h)
{
    nv_matrix_free(h->x);
    nv_smt_free(h->smt);
    nv_claims_release(&h->cl);
    nv_model_free(h->m);
    nv_diags_release(&h->d);
}

static const char k_shop[] =
    "kind: Namespace\n"
    "metadata: {name: shop, labels: {team: shop}}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  template:\n"
    "    metadata: {labels: {app: web}}\n"
    "    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  template:\n"
    "    metadata: {labels: {app: api}}\n"
    "    spec: {containers: [{name: c, ports: [{name: api, containerPort: 9000}]}]}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: db, namespace: shop}\n"
    "spec:\n"
    "  template:\n"
    "    metadata: {labels: {app: db}}\n"
    "    spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: api}}\n"
    "  ingress:\n"
    "  - from: [{podSelector: {matchLabels: {app: web}}}]\n"
    "    ports: [{port: api}]\n"
    "  egress:\n"
    "  - to: [{podSelector: {matchLabels: {app: db}}}]\n"
    "    ports: [{port: 5432}]\n"
    "  - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: db, namespace: shop}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: db}}\n"
    "  policyTypes: [Ingress]\n"
    "  ingress:\n"
    "  - from: [{podSelector: {matchLabels: {app: api}}}]\n"
    "    ports: [{port: 5432}]\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: api}]}\n";

/*
 * Regression (bug found by these tests, fixed in 7c6f542): "X is isolated for
 * egress", refuted by a pod isolated in neither direction, got an SMT witness
 * saying the pod is not isolated for *ingress* (w.dir == NV_INGRESS), a
 * direction the claim does not ask about, where the matrix engine says
 * NV_EGRESS: 'netverify check' printed "not isolated for ingress: shop/web"
 * for "web is isolated for egress". nv_read_witness() set
 * dir = iso_in_s ? NV_EGRESS : NV_INGRESS without looking at iso_types.
 */
static void test_isolated_witness_direction(void **state)
{
    struct hand h;
    struct nv_result r, mr;
    size_t i;
    char bug[400] = "";

    (void)state;
    hand_load(&h, k_shop,
              "claims:\n"
              "  - web is isolated for egress\n"
              "  - web is isolated for ingress\n"
              "  - web is isolated\n"
              "  - db is isolated for egress\n"
              "  - db is isolated\n"
              "  - api is isolated\n");
    for (i = 0; i < h.cl.n; i++) {
        const struct nv_claim *c = &h.cl.items[i];
        nv_smt_check(h.smt, c, 10, &r);
        nv_check_matrix(h.x, c, &mr);
        assert_int_equal(r.parts[0].verdict, mr.parts[0].verdict);
        if (i == 5) {
            assert_int_equal(r.parts[0].verdict, NV_HOLDS);
            continue;
        }
        assert_int_equal(r.parts[0].verdict, NV_REFUTED);
        assert_true(nv_witness_fits(h.m, c, NV_PART_ISOLATED, &r.parts[0].w));
        /* db is isolated for ingress only: its witness must say egress */
        if (i >= 3)
            assert_int_equal(mr.parts[0].w.dir, NV_EGRESS);
        if (i == 1 || i == 2)
            assert_int_equal(mr.parts[0].w.dir, NV_INGRESS);
        if (i == 0)
            assert_int_equal(mr.parts[0].w.dir, NV_EGRESS);
        if ((int)r.parts[0].w.dir != mr.parts[0].w.dir && !bug[0])
            snprintf(bug, sizeof(bug),
                     "BUG: '%s': the SMT witness says not isolated for %s, the claim and the "
                     "matrix engine say %s",
                     c->text, r.parts[0].w.dir == NV_INGRESS ? "ingress" : "egress",
                     mr.parts[0].w.dir == NV_INGRESS ? "ingress" : "egress");
    }
    hand_free(&h);
    if (bug[0])
        fail_msg("%s", bug);
}

/* ---- the watchdog ---- */

/* A big cluster: a few hundred workloads and policies. */
static void big_cluster(uint64_t seed)
{
    static const struct gsize sz = {10, 1, 300, 1, 300, 1, 1, 0};
    struct gen g;

    gen_cluster(&g, g_path, seed, &sz);
}

static const char k_big_claims[] = "claims:\n"
                                   "  - pods app=a cannot reach pods role=b on tcp/80-8000\n"
                                   "  - any cannot reach any on udp/53\n"
                                   "  - pods tier=c reaches pods env=a\n"
                                   "  - only pods app=a reaches pods tier=b on 1000-2000\n"
                                   "  - pods env=b is isolated for ingress\n"
                                   "  - namespace ns1 reaches namespace ns2\n"
                                   "  - any cannot reach cidr 10.0.0.0/8 on tcp/443\n";

struct big {
    struct nv_diags d;
    struct nv_model *m;
    struct nv_claims cl;
    struct nv_matrix *x;
    struct nv_result *mr; /* the matrix engine's verdicts, per claim */
};

static void big_load(struct big *b, uint64_t seed, const char *claims)
{
    size_t i;

    memset(b, 0, sizeof(*b));
    big_cluster(seed);
    write_file(g_claims, claims);
    nv_diags_init(&b->d);
    b->m = load_unfinished(&b->d);
    assert_true(b->m->npolicies >= 300);
    assert_true(b->m->nworkloads >= 200);
    assert_int_equal(nv_claims_load(&b->cl, g_claims, b->m, &b->d), 0);
    assert_int_equal(nv_model_finish(b->m, &b->d), 0);
    if (nv_claims_resolve(&b->cl, b->m, &b->d) != 0) {
        dump_diags(&b->d);
        fail_msg("claims do not resolve");
    }
    b->x = nv_matrix_new(b->m);
    b->mr = calloc(b->cl.n, sizeof(*b->mr));
    assert_non_null(b->mr);
    for (i = 0; i < b->cl.n; i++)
        nv_check_matrix(b->x, &b->cl.items[i], &b->mr[i]);
}

static void big_free(struct big *b)
{
    free(b->mr);
    nv_matrix_free(b->x);
    nv_claims_release(&b->cl);
    nv_model_free(b->m);
    nv_diags_release(&b->d);
}

/*
 * A watchdog that fires at once gives 'undecided (timeout)', or, when the
 * check ends before the watchdog thread runs, the right verdict: never a
 * wrong one. Every claim, on a fresh engine over a model of a few hundred
 * workloads and policies (its first check takes milliseconds), so most must
 * be undecided.
 */
/*
 * The time limit covers building the encoding: with no time at all the
 * engine is given up (NULL); a claim's parts, each encoded with its own scope
 * under the claim's deadline, are not even asked when that encoding is late;
 * with time enough, the verdicts are the other engine's.
 */
static void test_timeout_encoding(void **state)
{
    struct big b;
    struct nv_smt *smt;
    struct nv_result r;
    size_t p;

    (void)state;
    big_load(&b, 7, k_big_claims);
    assert_null(nv_smt_new_within(b.m, &b.cl, 1e-9));
    smt = nv_smt_new_within(b.m, &b.cl, 600);
    assert_non_null(smt);
    nv_smt_check(smt, &b.cl.items[0], 1e-9, &r);
    for (p = 0; p < r.nparts; p++) {
        assert_int_equal(r.parts[p].verdict, NV_UNDECIDED);
        assert_string_equal(r.parts[p].why,
                            "timeout: the policies were not encoded within --timeout");
    }
    /* the deadline of the claim before does not stay behind */
    nv_smt_check(smt, &b.cl.items[0], 600, &r);
    for (p = 0; p < r.nparts; p++)
        assert_int_equal(r.parts[p].verdict, b.mr[0].parts[p].verdict);
    nv_smt_free(smt);
    big_free(&b);
}

static void test_timeout(void **state)
{
    struct big b;
    struct nv_smt *smt;
    struct nv_result r;
    size_t i, p;
    double t0, slow;
    uint64_t seed;
    unsigned undecided = 0, total = 0;

    (void)state;
    for (seed = 7; seed <= 9; seed++) {
        big_load(&b, seed, k_big_claims);
        for (i = 0; i < b.cl.n; i++) {
            const struct nv_claim *c = &b.cl.items[i];
            smt = nv_smt_new(b.m, &b.cl);
            t0 = now();
            nv_smt_check(smt, c, 1e-9, &r);
            slow = now() - t0;
            /* the deadline (1ns after the check starts) has passed before the first
             * question is put to Z3, whatever the machine's speed or load: the claim's
             * deadline covers building its queries, and no part is decided without one */
            for (p = 0; p < r.nparts; p++) {
                assert_int_equal(r.parts[p].verdict, NV_UNDECIDED);
                assert_non_null(r.parts[p].why);
                assert_non_null(strstr(r.parts[p].why, "timeout"));
            }
            undecided += r.parts[0].verdict == NV_UNDECIDED;
            total++;
            if (seed == 7)
                print_message("  '%s': %s with 1ns (%.4fs), %s\n", c->text,
                              verdict_name(nv_result_verdict(&r)), slow,
                              r.parts[0].why ? r.parts[0].why : "");
            nv_smt_free(smt);
        }
        big_free(&b);
    }
    print_message("  %u of %u first checks undecided with a 1ns timeout\n", undecided, total);
    assert_int_equal(undecided, total);
}

/*
 * Regression (bug found by this test, fixed in 0701f71): 'A reaches B'
 * without 'on' ignored the timeout as a whole. nv_reaches_any() searches pair
 * by pair, one satisfiable check per (protocol, port) it excludes, and gave
 * each check the full timeout. 200 pods app=s<i>, role=src, and a db that
 * admits s<i> on port 1000+i only: 'pods role=src reaches db' holds after 200
 * rounds, about 0.7 s with no limit here, and was 'holds' after 0.7 s with a
 * 0.035 s timeout too, where smt.h says a part not decided within the timeout
 * is undecided ('netverify check --help': "give up on a claim after SECS
 * seconds").
 */
static void test_reaches_any_deadline(void **state)
{
    struct nv_diags d;
    struct nv_model *m;
    struct nv_claims cl;
    struct nv_smt *smt;
    struct nv_result r;
    double t0, fresh, limit, took;
    unsigned i, n = 200;
    FILE *fp = fopen(g_path, "w");

    (void)state;
    assert_non_null(fp);
    fputs("kind: Pod\nmetadata: {name: db, namespace: shop, labels: {app: db}}\n"
          "spec: {containers: [{name: c}]}\n",
          fp);
    for (i = 0; i < n; i++)
        fprintf(fp,
                "---\nkind: Pod\nmetadata: {name: s%u, namespace: shop, labels: {app: s%u, "
                "role: src}}\nspec: {containers: [{name: c}]}\n",
                i, i);
    fputs("---\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n"
          "  podSelector: {matchLabels: {app: db}}\n  ingress:\n",
          fp);
    for (i = 0; i < n; i++)
        fprintf(fp,
                "  - from: [{podSelector: {matchLabels: {app: s%u}}}]\n"
                "    ports: [{port: %u}]\n",
                i, 1000 + i);
    assert_int_equal(fclose(fp), 0);
    write_file(g_claims, "claims:\n  - pods role=src reaches db\n");
    nv_diags_init(&d);
    m = load_unfinished(&d);
    assert_int_equal(nv_claims_load(&cl, g_claims, m, &d), 0);
    assert_int_equal(nv_model_finish(m, &d), 0);
    assert_int_equal(nv_claims_resolve(&cl, m, &d), 0);

    smt = nv_smt_new(m, &cl);
    t0 = now();
    nv_smt_check(smt, &cl.items[0], 0, &r);
    fresh = now() - t0;
    nv_smt_free(smt);
    assert_int_equal(r.parts[0].verdict, NV_HOLDS);
    limit = fresh / 20;
    smt = nv_smt_new(m, &cl);
    t0 = now();
    nv_smt_check(smt, &cl.items[0], limit, &r);
    took = now() - t0;
    nv_smt_free(smt);
    nv_claims_release(&cl);
    nv_model_free(m);
    nv_diags_release(&d);
    print_message("  no limit: holds in %.3fs; with %.3fs: %s%s%s in %.3fs\n", fresh, limit,
                  verdict_name(r.parts[0].verdict), r.parts[0].why ? " " : "",
                  r.parts[0].why ? r.parts[0].why : "", took);
    if (fresh < 0.2) {
        print_message("  too fast to tell here\n");
        return;
    }
    if (r.parts[0].verdict != NV_UNDECIDED && took > 3 * limit + 0.1)
        fail_msg("BUG: '%s' %s after %.3fs with a %.3fs timeout", "pods role=src reaches db",
                 verdict_name(r.parts[0].verdict), took, limit);
}

/* ---- running a scenario in a child process: NV_BUG() and Z3 errors exit ---- */

static char g_child_msg[1024];

static void child_say(int fd, const char *fmt, ...) NV_PRINTF(2, 3);

static void child_say(int fd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0 && write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
        return;
}

/*
 * Run fn(arg, fd) in a child; its exit status is returned (128 + signal when
 * killed) and what it wrote to fd is left in g_child_msg.
 */
static int in_child(int (*fn)(void *, int), void *arg)
{
    int fds[2], status = 0;
    pid_t pid;
    ssize_t n;
    size_t got;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc;
        close(fds[0]);
        /* what the child prints on stderr (NV_BUG's message) goes to the parent too */
        dup2(fds[1], 2);
        rc = fn(arg, fds[1]);
        close(fds[1]);
        _exit(rc);
    }
    close(fds[1]);
    memset(g_child_msg, 0, sizeof(g_child_msg));
    for (got = 0;;) {
        char sink[4096];
        size_t room = sizeof(g_child_msg) - 1 - got;
        n = read(fds[0], room ? g_child_msg + got : sink, room ? room : sizeof(sink));
        if (n <= 0)
            break;
        if (room)
            got += (size_t)n;
    }
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

struct after {
    struct big *b;
    size_t first, second; /* claim timed out, then claim decided */
};

/* Claim 'first' with a watchdog that fires at once, then 'second' on the same engine. */
static int after_timeout(void *arg, int fd)
{
    struct after *a = arg;
    struct big *b = a->b;
    struct nv_smt *smt = nv_smt_new(b->m, &b->cl);
    const struct nv_claim *c = &b->cl.items[a->second];
    struct nv_result r;
    double t0, fresh, after;
    size_t p;

    /* the reference: a fresh engine */
    t0 = now();
    nv_smt_check(smt, c, 60, &r);
    fresh = now() - t0;
    nv_smt_free(smt);

    smt = nv_smt_new(b->m, &b->cl);
    nv_smt_check(smt, &b->cl.items[a->first], 1e-6, &r);
    t0 = now();
    nv_smt_check(smt, c, 60, &r);
    after = now() - t0;
    nv_smt_free(smt);
    for (p = 0; p < r.nparts; p++)
        if (r.parts[p].verdict != b->mr[a->second].parts[p].verdict) {
            child_say(fd, "part %zu is %s, the matrix engine says %s%s%s", p,
                      verdict_name(r.parts[p].verdict),
                      verdict_name(b->mr[a->second].parts[p].verdict), r.parts[p].why ? ": " : "",
                      r.parts[p].why ? r.parts[p].why : "");
            return 1;
        }
    if (after > 2.0 + 20 * fresh) {
        child_say(fd, "%.3fs after a timeout, %.3fs on a fresh engine", after, fresh);
        return 1;
    }
    return 0;
}

/* A small random cluster and its resolved claims (as in test_differential). */
struct small {
    struct nv_diags d;
    struct nv_model *m;
    struct nv_claims cl, ok;
    struct nv_matrix *x;
};

static void small_load_with(struct small *sm, uint64_t seed, size_t nclaims,
                            const struct nv_profile *prof, unsigned hostnet)
{
    struct gsize sz = {1, 4, 4, 17, 0, 9, 5, 0};
    struct gen g;
    struct gclaim gc;
    unsigned char *bad = calloc(nclaims + 1, 1);
    size_t i, j, first;
    FILE *fp;

    assert_non_null(bad);
    memset(sm, 0, sizeof(*sm));
    sz.hostnet = hostnet;
    gen_cluster(&g, g_path, seed, &sz);
    nv_diags_init(&sm->d);
    sm->m = load_unfinished_with(&sm->d, prof);
    fp = fopen(g_claims, "w");
    assert_non_null(fp);
    fputs("claims:\n", fp);
    for (i = 0; i < nclaims; i++) {
        gen_claim(&gc, sm->m);
        fprintf(fp, "  - \"%s\"\n", gc.text);
    }
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(nv_claims_load(&sm->cl, g_claims, sm->m, &sm->d), 0);
    assert_int_equal(nv_model_finish(sm->m, &sm->d), 0);
    first = sm->d.n;
    nv_claims_resolve(&sm->cl, sm->m, &sm->d);
    for (i = first; i < sm->d.n; i++)
        for (j = 0; j < sm->cl.n; j++)
            if (sm->cl.items[j].loc.line == sm->d.items[i].loc.line)
                bad[j] = 1;
    sm->ok.items = calloc(nclaims + 1, sizeof(*sm->ok.items));
    assert_non_null(sm->ok.items);
    for (i = 0; i < sm->cl.n; i++)
        if (!bad[i])
            sm->ok.items[sm->ok.n++] = sm->cl.items[i];
    sm->x = nv_matrix_new(sm->m);
    free(bad);
}

static void small_load(struct small *sm, uint64_t seed, size_t nclaims)
{
    small_load_with(sm, seed, nclaims, nv_test_profile(), 0);
}

static void small_free(struct small *sm)
{
    nv_matrix_free(sm->x);
    free(sm->ok.items);
    nv_claims_release(&sm->cl);
    nv_model_free(sm->m);
    nv_diags_release(&sm->d);
}

/* Every claim with a watchdog that fires at once, then again with 60 s, on one engine. */
static int all_after_timeout(void *arg, int fd)
{
    struct small *sm = arg;
    struct nv_smt *smt = nv_smt_new(sm->m, &sm->ok);
    size_t i, p;

    alarm(20); /* a check that does not end is a failure too */
    for (i = 0; i < sm->ok.n; i++) {
        const struct nv_claim *c = &sm->ok.items[i];
        struct nv_result r1, r2, mr;
        double t0;
        nv_check_matrix(sm->x, c, &mr);
        nv_smt_check(smt, c, 1e-6, &r1);
        t0 = now();
        nv_smt_check(smt, c, 60, &r2);
        for (p = 0; p < r1.nparts; p++) {
            if (r1.parts[p].verdict != NV_UNDECIDED && r1.parts[p].verdict != mr.parts[p].verdict) {
                child_say(fd, "'%s' part %zu: %s with 1us, the matrix engine says %s", c->text, p,
                          verdict_name(r1.parts[p].verdict), verdict_name(mr.parts[p].verdict));
                return 1;
            }
            if (r2.parts[p].verdict != mr.parts[p].verdict) {
                child_say(fd, "'%s' part %zu: %s after a timeout, the matrix engine says %s",
                          c->text, p, verdict_name(r2.parts[p].verdict),
                          verdict_name(mr.parts[p].verdict));
                return 1;
            }
        }
        if (now() - t0 > 5) {
            child_say(fd, "'%s': %.1fs after a timeout", c->text, now() - t0);
            return 1;
        }
    }
    nv_smt_free(smt);
    return 0;
}

/*
 * Regression (bug found by this test, fixed in 7c6f542): a check that the
 * watchdog interrupted left the engine broken; later checks on it could end
 * the process in NV_BUG, or never end.
 * 1. Big cluster of seed 7 (big_cluster(7): 300 workloads, 300 policies):
 *    'pods app=a cannot reach pods role=b on tcp/80-8000' with a 1us timeout
 *    (undecided: timeout), then 'namespace ns1 reaches namespace ns2' with
 *    60 s: "netverify: BUG: src/smt.c: a pod endpoint of the model has no
 *    class", exit 3, instead of 'refuted'. From the CLI: both claims in one
 *    file, 'netverify check --timeout 0.005'. After the interrupted check,
 *    Z3_model_get_const_interp() on the class indicators of a satisfiable
 *    check returned the constant itself (not true or false), and so did
 *    Z3_model_eval() with completion: nv_true_classes() found no class.
 * 2. Small random clusters, every claim first with 1us then with 60 s: after
 *    a timed-out claim, a 'reaches' claim without 'on' could loop for
 *    thousands of rounds in nv_reaches_any(), where a fresh engine decides it
 *    in a millisecond; or end in the NV_BUG above.
 * Each scenario runs in a child process, since NV_BUG() exits.
 */
static void test_after_timeout(void **state)
{
    struct big b;
    struct small sm;
    struct after a;
    size_t i, j;
    uint64_t seed;
    int rc;
    char first_failure[1400] = "";
    unsigned failures = 0;

    (void)state;
    for (seed = 7; seed <= 7; seed++) {
        big_load(&b, seed, k_big_claims);
        a.b = &b;
        for (i = 0; i < b.cl.n; i++)
            for (j = 0; j < b.cl.n; j++) {
                /* every claim after itself; every claim after the first one */
                if (i != j && i != 0)
                    continue;
                a.first = i;
                a.second = j;
                rc = in_child(after_timeout, &a);
                if (rc == 0)
                    continue;
                g_child_msg[strcspn(g_child_msg, "\n")] = '\0';
                if (!failures++)
                    snprintf(first_failure, sizeof(first_failure),
                             "seed %llu: '%s' after '%s' timed out: exit %d: %s",
                             (unsigned long long)seed, b.cl.items[j].text, b.cl.items[i].text, rc,
                             g_child_msg);
                print_message("  big seed %llu: '%s' after '%s' timed out: exit %d: %s\n",
                              (unsigned long long)seed, b.cl.items[j].text, b.cl.items[i].text, rc,
                              g_child_msg);
            }
        big_free(&b);
    }
    for (seed = 1; seed <= 6; seed++) {
        small_load(&sm, seed, 40);
        rc = in_child(all_after_timeout, &sm);
        small_free(&sm);
        if (rc == 0)
            continue;
        g_child_msg[strcspn(g_child_msg, "\n")] = '\0';
        if (rc == 128 + SIGALRM)
            snprintf(g_child_msg, sizeof(g_child_msg), "no answer after 20 s");
        print_message("  small seed %llu: exit %d: %s\n", (unsigned long long)seed, rc,
                      g_child_msg);
        if (!failures++)
            snprintf(first_failure, sizeof(first_failure), "small seed %llu: exit %d: %s",
                     (unsigned long long)seed, rc, g_child_msg);
    }
    if (failures)
        fail_msg("BUG: %u checks after a timeout failed; first: %s", failures, first_failure);
}

/* ---- SMT-LIB2 emission ---- */

static char *emit(struct nv_smt *s, const struct nv_claim *c, size_t part, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    assert_non_null(fp);
    *rc = nv_smt_emit(s, c, part, fp);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(buf);
    return buf;
}

static void z3_quiet(Z3_context c, Z3_error_code e)
{
    (void)c;
    (void)e;
}

/* Run the script through a fresh Z3: the first answer of (check-sat). */
static const char *z3_answer(const char *script)
{
    Z3_config cfg = Z3_mk_config();
    Z3_context ctx = Z3_mk_context(cfg);
    char *text = strdup(script), *gm;
    const char *out, *ans;

    assert_non_null(text);
    Z3_del_config(cfg);
    Z3_set_error_handler(ctx, z3_quiet);
    /* (get-model) after an unsat answer is an error: leave it out */
    while ((gm = strstr(text, "(get-model)")))
        memset(gm, ' ', strlen("(get-model)"));
    out = Z3_eval_smtlib2_string(ctx, text);
    ans = !strncmp(out, "sat", 3) ? "sat" : !strncmp(out, "unsat", 5) ? "unsat" : "other";
    if (!strcmp(ans, "other"))
        print_message("  z3 says: %.300s\n", out);
    Z3_del_context(ctx);
    free(text);
    return ans;
}

/*
 * The behaviours the network plugin decides: on random clusters with
 * hostNetwork pods, under generic, named and CIDR-bound profiles, both engines
 * give every claim part the same verdict and the same fate under every
 * combination, and every witness is a flow of the claim that explain.c finds
 * breaking it under the behaviours, addresses and placement it names.
 */
/*
 * Each part is encoded with what can touch it (smt.c, nv_scope()): the
 * classes each end can be in and the NetworkPolicies selecting one of them.
 * Every claim here turns on a rule a wrong scope would leave out (a source
 * in a set by its namespace's labels only, a named port that resolves to
 * another number on another pod, an admin Deny and Pass, an ipBlock source,
 * the sources outside an 'only' set, a guardrail, an exposure, pods only a
 * claim's name tells apart), so each must give the verdict written here, and
 * the matrix engine's.
 */
static const char k_scope_cluster[] =
    "kind: Namespace\n"
    "metadata: {name: front, labels: {zone: dmz}}\n"
    "---\n"
    "kind: Namespace\n"
    "metadata: {name: edge, labels: {zone: dmz}}\n"
    "---\n"
    "kind: Namespace\n"
    "metadata: {name: back, labels: {zone: core}}\n"
    "---\n"
    "kind: Namespace\n"
    "metadata: {name: ops, labels: {zone: ops}}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: web, namespace: front, labels: {app: web}}\n"
    "spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: proxy, namespace: edge, labels: {app: proxy}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: db, namespace: back, labels: {app: db}}\n"
    "spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: cache, namespace: back, labels: {app: cache}}\n"
    "spec: {containers: [{name: c, ports: [{name: sql, containerPort: 6379}]}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: tool, namespace: ops, labels: {app: tool}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: tool2, namespace: ops, labels: {app: tool}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: db-in, namespace: back}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: db}}\n"
    "  policyTypes: [Ingress]\n"
    "  ingress:\n"
    "  - from: [{namespaceSelector: {matchLabels: {zone: dmz}}}]\n"
    "    ports: [{port: sql}]\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: cache-in, namespace: back}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: cache}}\n"
    "  policyTypes: [Ingress]\n"
    "  ingress:\n"
    "  - from: [{namespaceSelector: {matchLabels: {zone: ops}}}, {ipBlock: {cidr: 192.0.2.0/24}}]\n"
    "    ports: [{port: sql}]\n"
    "  - from: [{namespaceSelector: {matchLabels: {zone: dmz}}}]\n"
    "    ports: [{port: 7000, endPort: 7100}]\n"
    "---\n"
    "kind: Namespace\n"
    "metadata: {name: lab}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: la, namespace: lab, labels: {app: la}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: lb, namespace: lab, labels: {app: lb}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: own, namespace: lab}\n"
    "spec:\n"
    "  podSelector: {}\n"
    "  policyTypes: [Ingress]\n"
    "  ingress: [{from: [{podSelector: {}}]}]\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: own, namespace: edge}\n"
    "spec:\n"
    "  podSelector: {}\n"
    "  policyTypes: [Ingress]\n"
    "  ingress: [{from: [{podSelector: {}}]}]\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: web-out, namespace: front}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: web}}\n"
    "  policyTypes: [Egress]\n"
    "  egress:\n"
    "  - to: [{namespaceSelector: {matchLabels: {zone: core}}}]\n"
    "    ports: [{port: sql}]\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: web, namespace: front}\n"
    "spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n"
    "---\n"
    "kind: Ingress\n"
    "metadata: {name: web, namespace: front}\n"
    "spec:\n"
    "  rules:\n"
    "  - http:\n"
    "      paths:\n"
    "      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n"
    "---\n"
    "apiVersion: policy.networking.k8s.io/v1alpha2\n"
    "kind: ClusterNetworkPolicy\n"
    "metadata: {name: core}\n"
    "spec:\n"
    "  tier: Admin\n"
    "  priority: 10\n"
    "  subject:\n"
    "    namespaces: {matchLabels: {zone: core}}\n"
    "  ingress:\n"
    "  - name: dmz\n"
    "    action: Pass\n"
    "    from: [{namespaces: {matchLabels: {zone: dmz}}}]\n"
    "  - name: ops-db\n"
    "    action: Deny\n"
    "    from: [{namespaces: {matchLabels: {zone: ops}}}]\n"
    "    protocols: [{tcp: {destinationPort: {number: 5432}}}]\n";

static const struct {
    const char *claim;
    enum nv_verdict verdict;
} k_scope_claims[] = {
    /* the source set by namespace labels only; the named port is 5432 on db */
    {"namespaces zone=dmz cannot reach pods app=db on tcp/5432", NV_REFUTED},
    {"pods app=web reaches pods app=db on tcp/5432", NV_HOLDS},
    /* 'sql' is 6379 on cache, not db's 5432: web's egress admits the one, cache the other */
    {"pods app=web reaches pods app=cache on tcp/5432", NV_REFUTED},
    {"pods app=tool cannot reach pods app=cache on tcp/6379", NV_REFUTED},
    {"pods app=tool reaches pods app=cache on tcp/5432", NV_REFUTED},
    /* the admin Deny (tcp/5432) and Pass: ops never reaches db, edge does through db-in */
    {"namespace ops cannot reach pods app=db", NV_HOLDS},
    {"pods app=proxy reaches pods app=db on tcp/5432", NV_HOLDS},
    {"pods app=proxy reaches pods app=cache on tcp/6379", NV_REFUTED},
    /* a claim's port inside a rule's range */
    {"pods app=proxy cannot reach pods app=cache on tcp/7050", NV_REFUTED},
    {"pods app=proxy reaches pods app=cache on tcp/7000-7100", NV_HOLDS},
    /* ipBlock sources: cache admits 192.0.2.0/24, db does not */
    {"cidr 192.0.2.0/24 reaches pods app=cache on tcp/6379", NV_HOLDS},
    {"cidr 192.0.2.0/24 cannot reach pods app=db", NV_HOLDS},
    {"cidr 0.0.0.0/0 cannot reach pods app=web", NV_REFUTED},
    /* 'only': edge is outside the set, and reaches db */
    {"only namespace front reaches pods app=db on tcp/5432", NV_REFUTED},
    {"only namespaces zone=dmz reaches pods app=db on tcp/5432", NV_HOLDS},
    {"pods app=web is isolated for egress", NV_HOLDS},
    {"pods app=db is isolated", NV_REFUTED},
    /* a guardrail: the admin Deny binds whatever NetworkPolicies say; db-in does not */
    {"regardless of NetworkPolicies, namespace ops cannot reach pods app=db on tcp/5432", NV_HOLDS},
    {"regardless of NetworkPolicies, namespace edge cannot reach pods app=db", NV_REFUTED},
    /* two pods nothing but a claim's name tells apart: one indicator, and they are two */
    {"ops/tool cannot reach pods app=cache on tcp/6379", NV_REFUTED},
    {"ops/tool2 cannot reach pods app=cache on tcp/6379", NV_REFUTED},
    {"pods app=tool cannot reach pods app=tool", NV_REFUTED},
    {"pods app=tool cannot reach ops/tool", NV_REFUTED},
    /* a peer of the policy's own namespace; edge admits its own pods only, and has one:
     * a pod's traffic to itself is no flow */
    {"pods app=la cannot reach pods app=lb", NV_REFUTED},
    {"namespace ops cannot reach pods app=lb", NV_HOLDS},
    {"namespaces zone=dmz cannot reach namespace edge", NV_HOLDS},
    /* exposure: web is, db is not */
    {"exposed pods app=web", NV_HOLDS},
    {"not exposed pods app=db", NV_HOLDS},
    {"not exposed namespace front", NV_REFUTED},
};

static void test_scope(void **state)
{
    struct nv_buf claims;
    struct hand h;
    size_t i, p, n = sizeof(k_scope_claims) / sizeof(k_scope_claims[0]);

    (void)state;
    nv_buf_init(&claims, 0);
    nv_buf_printf(&claims, "claims:\n");
    for (i = 0; i < n; i++)
        nv_buf_printf(&claims, "  - %s\n", k_scope_claims[i].claim);
    hand_load(&h, k_scope_cluster, nv_buf_str(&claims));
    assert_int_equal(h.cl.n, n);
    for (i = 0; i < n; i++) {
        const struct nv_claim *c = &h.cl.items[i];
        struct nv_result rs_, rm;
        nv_smt_check(h.smt, c, 60, &rs_);
        nv_check_matrix(h.x, c, &rm);
        if (nv_result_verdict(&rs_) != k_scope_claims[i].verdict)
            fail_msg("'%s': smt %s, expected %s", c->text, verdict_name(nv_result_verdict(&rs_)),
                     verdict_name(k_scope_claims[i].verdict));
        for (p = 0; p < rs_.nparts; p++)
            if (rs_.parts[p].verdict != rm.parts[p].verdict)
                fail_msg("'%s' part %s: smt %s, matrix %s", c->text, part_name(rs_.parts[p].kind),
                         verdict_name(rs_.parts[p].verdict), verdict_name(rm.parts[p].verdict));
    }
    hand_free(&h);
    nv_buf_release(&claims);
}

static void test_behaviours(void **state)
{
    unsigned long parts = 0, by_verdict[NV_NVERDICTS] = {0, 0, 0, 0};
    uint64_t seed;
#if defined(__SANITIZE_ADDRESS__)
    uint64_t nclusters = 25;
#else
    uint64_t nclusters = 100;
#endif

    (void)state;
    for (seed = 1; seed <= nclusters; seed++) {
        struct nv_profile prof;
        struct small sm;
        struct nv_smt *smt;
        size_t i, p, k, e;
        gen_profile((unsigned)seed, &prof);
        small_load_with(&sm, seed + 5000, 12, &prof, 3);
        smt = nv_smt_new(sm.m, &sm.ok);
        for (i = 0; i < sm.ok.n; i++) {
            const struct nv_claim *c = &sm.ok.items[i];
            struct nv_result rs_, rm;
            nv_smt_check(smt, c, 60.0, &rs_);
            nv_check_matrix(sm.x, c, &rm);
            for (p = 0; p < rs_.nparts; p++) {
                struct nv_part *both[2];
                both[0] = &rs_.parts[p];
                both[1] = &rm.parts[p];
                parts++;
                by_verdict[both[0]->verdict]++;
                if (both[0]->verdict != both[1]->verdict || both[0]->ncombos != both[1]->ncombos)
                    fail_msg("seed %llu (%s): claim '%s' part %s: smt %s, matrix %s",
                             (unsigned long long)seed, nv_profile_describe(&prof), c->text,
                             part_name(both[0]->kind), verdict_name(both[0]->verdict),
                             verdict_name(both[1]->verdict));
                for (k = 0; k < both[0]->ncombos; k++)
                    if (both[0]->fate[k] != both[1]->fate[k])
                        fail_msg("seed %llu (%s): claim '%s' part %s, combination %zu: smt fate "
                                 "%d, matrix fate %d",
                                 (unsigned long long)seed, nv_profile_describe(&prof), c->text,
                                 part_name(both[0]->kind), k, both[0]->fate[k], both[1]->fate[k]);
                if (both[0]->verdict != NV_REFUTED && both[0]->verdict != NV_DEPENDS)
                    continue;
                for (e = 0; e < 2; e++) {
                    struct nv_part *q = both[e];
                    if (q->w.robust && nv_witness_place(sm.m, c, q->kind, &q->w) < 0)
                        fail_msg("seed %llu: claim '%s': no addresses fit the %s witness",
                                 (unsigned long long)seed, c->text, e ? "matrix" : "smt");
                    if (!q->w.src.external && !q->w.dst.external && q->w.src.has_ip &&
                        q->w.dst.has_ip && q->w.src.ip.fam != q->w.dst.ip.fam)
                        fail_msg("seed %llu: claim '%s': the %s witness's pods talk over two "
                                 "families",
                                 (unsigned long long)seed, c->text, e ? "matrix" : "smt");
                    if (!nv_witness_ok(sm.m, c, q))
                        fail_msg("seed %llu (%s): claim '%s' part %s: the %s witness does not "
                                 "break it",
                                 (unsigned long long)seed, nv_profile_describe(&prof), c->text,
                                 part_name(q->kind), e ? "matrix" : "smt");
                }
            }
        }
        nv_smt_free(smt);
        small_free(&sm);
    }
    print_message("  %lu parts: %lu hold, %lu refuted, %lu depend on the plugin, %lu undecided\n",
                  parts, by_verdict[NV_HOLDS], by_verdict[NV_REFUTED], by_verdict[NV_DEPENDS],
                  by_verdict[NV_UNDECIDED]);
    assert_true(by_verdict[NV_DEPENDS] > parts / 50);
    assert_true(by_verdict[NV_HOLDS] > parts / 20);
    assert_true(by_verdict[NV_REFUTED] > parts / 20);
    assert_int_equal(by_verdict[NV_UNDECIDED], 0);
}

static void test_emit(void **state)
{
    struct hand h;
    size_t i, p;
    int rc;

    (void)state;
    hand_load(&h, k_shop,
              "claims:\n"
              "  - web reaches api on tcp/9000\n"            /* holds */
              "  - web reaches api on udp/9000\n"            /* refuted */
              "  - web reaches api\n"                        /* holds, quantified */
              "  - db reaches api\n"                         /* refuted, quantified */
              "  - only web reaches api\n"                   /* holds */
              "  - only pods app=api reaches db\n"           /* holds */
              "  - only db reaches web on 80\n"              /* refuted in the second part */
              "  - api cannot reach cidr 203.0.113.128/25\n" /* holds */
              "  - api cannot reach cidr 0.0.0.0/0\n"        /* refuted */
              "  - db cannot reach web\n"                    /* refuted */
              "  - pods app=api is isolated\n"               /* holds */
              "  - pods app=db is isolated\n"                /* refuted */
              "  - namespace shop is isolated for ingress\n" /* refuted */
              "  - any reaches svc shop/api\n"               /* refuted: db cannot */
              "  - web reaches svc shop/api\n");             /* holds */
    for (i = 0; i < h.cl.n; i++) {
        const struct nv_claim *c = &h.cl.items[i];
        struct nv_result r, mr;
        nv_smt_check(h.smt, c, 30, &r);
        nv_check_matrix(h.x, c, &mr);
        for (p = 0; p < r.nparts; p++) {
            char *text = emit(h.smt, c, p, &rc);
            const char *ans;
            int quantified = r.parts[p].kind == NV_PART_REACHES && !c->nports;
            assert_int_equal(rc, 0);
            assert_int_equal(r.parts[p].verdict, mr.parts[p].verdict);
            assert_true(r.parts[p].verdict != NV_UNDECIDED);
            if (!strstr(text, "(check-sat)") || !strstr(text, "(assert") ||
                !strstr(text, "(declare-fun src_pod () Bool)") || !strstr(text, "; netverify: ") ||
                !strstr(text, c->text))
                fail_msg("'%s' part %zu: not a complete script:\n%.2000s", c->text, p, text);
            if (r.parts[p].kind != NV_PART_ISOLATED &&
                !strstr(text, "(declare-fun dst_pod () Bool)"))
                fail_msg("'%s' part %zu: flow variables not declared:\n%.2000s", c->text, p, text);
            if (quantified) {
                /* proto and port are bound by the quantifier */
                if (!strstr(text, "(forall ((proto (_ BitVec 2)) (port (_ BitVec 16))"))
                    fail_msg("'%s': no quantifier:\n%.2000s", c->text, text);
            } else if (r.parts[p].kind != NV_PART_ISOLATED) {
                if (!strstr(text, "(declare-fun port () (_ BitVec 16))") ||
                    !strstr(text, "(declare-fun proto () (_ BitVec 2))"))
                    fail_msg("'%s' part %zu: port variables not declared:\n%.2000s", c->text, p,
                             text);
            }
            ans = z3_answer(text);
            if (strcmp(ans, r.parts[p].verdict == NV_REFUTED ? "sat" : "unsat"))
                fail_msg("'%s' part %zu: the script is %s, the claim %s", c->text, p, ans,
                         verdict_name(r.parts[p].verdict));
            free(text);
        }
        /* there is no part past the last */
        free(emit(h.smt, c, r.nparts, &rc));
        assert_int_equal(rc, -1);
    }
    /* a stream that cannot be written */
    {
        FILE *fp = fopen("/dev/null", "r");
        assert_non_null(fp);
        assert_int_equal(nv_smt_emit(h.smt, &h.cl.items[0], 0, fp), -1);
        fclose(fp);
    }
    hand_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential),  cmocka_unit_test(test_isolated_witness_direction),
        cmocka_unit_test(test_timeout),       cmocka_unit_test(test_timeout_encoding),
        cmocka_unit_test(test_after_timeout), cmocka_unit_test(test_reaches_any_deadline),
        cmocka_unit_test(test_emit),          cmocka_unit_test(test_behaviours),
        cmocka_unit_test(test_scope),
    };

    /* NV_TEST_FILTER=test_emit runs one test (while working on it) */
    if (getenv("NV_TEST_FILTER"))
        cmocka_set_test_filter(getenv("NV_TEST_FILTER"));
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
