/*
 * checkrun.c - a run of 'check': claims shared out to SMT solvers in threads,
 * every counterexample checked against the rules (and the set-algebra engine
 * on --cross-check), the verdicts summed up into an exit status.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/checkrun.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "netverify/cli.h"
#include "netverify/diag.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/matrix.h"
#include "netverify/smt.h"

#ifdef PATH_MAX
#define NV_PATH_MAX PATH_MAX
#else
#define NV_PATH_MAX 4096
#endif
#ifdef NAME_MAX
#define NV_NAME_MAX NAME_MAX
#else
#define NV_NAME_MAX 255
#endif

/* The verdicts agree, and so does every fate both engines decided. */
static int nv_same_verdicts(const struct nv_result *a, const struct nv_result *b)
{
    size_t i, k;

    for (i = 0; i < a->nparts; i++) {
        const struct nv_part *x = &a->parts[i], *y = &b->parts[i];
        if (x->verdict == NV_UNDECIDED || y->verdict == NV_UNDECIDED)
            continue;
        if (x->verdict != y->verdict || x->ncombos != y->ncombos)
            return 0;
        for (k = 0; k < x->ncombos; k++)
            if (x->fate[k] != NV_FATE_UNDECIDED && y->fate[k] != NV_FATE_UNDECIDED &&
                x->fate[k] != y->fate[k])
                return 0;
    }
    return 1;
}

/* Seconds since t0 (CLOCK_MONOTONIC). */
static double nv_seconds_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Every part of claim c undecided, for 'why'. */
static void nv_undecided(struct nv_result *r, const struct nv_claim *c, const char *why)
{
    size_t p;

    nv_result_init(r, c);
    for (p = 0; p < r->nparts; p++) {
        r->parts[p].verdict = NV_UNDECIDED;
        r->parts[p].why = why;
    }
}

/* The file of part p of claim i (0-based) in dir; -1 when it does not fit in 'size'. */
static int nv_emit_path(char *buf, size_t size, const char *dir, size_t i, size_t p, size_t nparts)
{
    int n = snprintf(buf, size, "%s/claim-%02zu%s.smt2", dir, i + 1,
                     nparts > 1 ? (p ? "-only" : "-reaches") : "");

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int nv_check_emit_dir(const char *dir, size_t nclaims)
{
    char path[NV_PATH_MAX];
    const char *c = dir;
    struct stat st;

    while (*c) {
        size_t n = strcspn(c, "/");
        if (n > NV_NAME_MAX) {
            fprintf(stderr,
                    "netverify: --emit-smt: a directory name in the path is longer than %d "
                    "bytes (NAME_MAX)\n",
                    NV_NAME_MAX);
            return -1;
        }
        c += n + (c[n] == '/');
    }
    if (nv_emit_path(path, sizeof(path), dir, nclaims ? nclaims - 1 : 0, 0, 2) < 0) {
        fprintf(stderr,
                "netverify: --emit-smt: the directory's path is too long: the files in it would "
                "have paths longer than %d bytes (PATH_MAX)\n",
                NV_PATH_MAX);
        return -1;
    }
    if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) {
        nv_escape_term_line(stderr, "netverify: cannot create '%s': %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Write every part of claim i as SMT-LIB2 into dir. Returns 0, or -1 after a message. */
static int nv_emit_claim(struct nv_smt *smt, const struct nv_claim *c, size_t i,
                         const struct nv_result *r, const char *dir)
{
    size_t p;

    for (p = 0; p < r->nparts; p++) {
        char path[NV_PATH_MAX];
        FILE *fp;
        int bad;
        if (nv_emit_path(path, sizeof(path), dir, i, p, r->nparts) < 0) {
            fprintf(stderr, "netverify: claim %zu: no SMT-LIB written: path longer than %d bytes\n",
                    i + 1, NV_PATH_MAX);
            return -1;
        }
        if (!(fp = fopen(path, "w"))) {
            nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        errno = 0;
        bad = nv_smt_emit(smt, c, p, fp) < 0 || ferror(fp);
        if (fclose(fp) != 0 || bad) {
            nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", path,
                                errno ? strerror(errno) : "write error");
            return -1;
        }
    }
    return 0;
}

/*
 * Claims are shared out to workers, each with a Z3 context of its own (Z3
 * contexts are independent; one thread uses each). Everything that touches
 * the shared model's port-set table (explanations, the matrix engine) runs in
 * the main thread afterwards.
 */
struct nv_pool {
    const struct nv_model *m;
    const struct nv_claims *claims;
    struct nv_result *results;
    double timeout;
    const char *emit_dir;
    unsigned jobs;
    pthread_mutex_t mu;
    size_t next; /* the first claim no job has taken yet (under mu) */
    int failed;
};

struct nv_job {
    struct nv_pool *pool;
    unsigned index;
};

/* The next claim for a job to decide, in claim order; claims->n when none is left. */
static size_t nv_take(struct nv_pool *pool)
{
    size_t i;

    pthread_mutex_lock(&pool->mu);
    i = pool->next < pool->claims->n ? pool->next++ : pool->claims->n;
    pthread_mutex_unlock(&pool->mu);
    return i;
}

/*
 * A job takes the next claim not taken, until none is left. Each part of a
 * claim is decided in a Z3 context of its own (nv_smt_check()), so what a
 * claim finds does not depend on the job that decides it, nor on the claims
 * decided before it: the counterexamples are the same whatever the number of
 * jobs and however the claims fall to them.
 */
static void *nv_worker(void *arg)
{
    struct nv_job *job = arg;
    struct nv_pool *pool = job->pool;
    struct nv_smt *smt = NULL;
    int abandoned = 0, late, timing = getenv("NETVERIFY_TIMING") != NULL;
    size_t i, p;

    while ((i = nv_take(pool)) < pool->claims->n) {
        const struct nv_claim *c = &pool->claims->items[i];
        struct nv_result *r = &pool->results[i];
        struct timespec t0;
        double left = pool->timeout;
        /* the encoding of the policies is part of each claim's check (each part has its
         * own, of what can touch it), and of its time limit */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (!smt && !abandoned && !(smt = nv_smt_new_within(pool->m, pool->claims, pool->timeout)))
            abandoned = 1;
        if (smt && pool->timeout > 0)
            left = pool->timeout - nv_seconds_since(&t0);
        if (!smt || (pool->timeout > 0 && left <= 0)) {
            nv_undecided(r, c, smt ? "timeout" : NV_SMT_LATE);
        } else {
            struct timespec t1, c0, c1;
            size_t kept0, redone0, kept, redone;
            nv_smt_trials(smt, &kept0, &redone0);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
            nv_smt_check(smt, c, left, r);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
            nv_smt_trials(smt, &kept, &redone);
            if (timing)
                fprintf(stderr,
                        "netverify: time: job %u: claim %zu: %.3f s (%.3f s CPU; first tries: "
                        "%zu settled, %zu asked again)\n",
                        job->index, i + 1, nv_seconds_since(&t1),
                        (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9,
                        kept - kept0, redone - redone0);
        }
        for (p = 0, late = !smt; p < r->nparts; p++)
            late |= r->parts[p].why == NV_SMT_LATE;
        if (pool->emit_dir && late) {
            fprintf(stderr, "netverify: claim %zu: no SMT-LIB written: %s\n", i + 1,
                    NV_SMT_LATE + strlen("timeout: "));
            continue;
        }
        if (pool->emit_dir && nv_emit_claim(smt, c, i, r, pool->emit_dir) < 0) {
            pthread_mutex_lock(&pool->mu);
            pool->failed = 1;
            pthread_mutex_unlock(&pool->mu);
        }
    }
    nv_smt_free(smt);
    return NULL;
}

/* The most atoms a counterexample's range grows by on each side of its address. */
#define NV_CEX_STEPS 64

/* Whether the part's witness breaks it under every combination and address. */
static int nv_cex_robust(const struct nv_part *p)
{
    return p->w.robust && p->ncombos > 0;
}

/*
 * The ports of 'need' on which the flow src -> dst is allowed (allowed != 0)
 * or blocked under every combination of p the witness stands for.
 */
static uint32_t nv_cex_ports(const struct nv_model *m, const struct nv_claim *c,
                             const struct nv_part *p, const struct nv_end *src,
                             const struct nv_end *dst, uint32_t need, int allowed)
{
    enum nv_np np = nv_explain_np_of(c, p->kind);
    size_t k, n = nv_cex_robust(p) ? p->ncombos : 1;
    uint32_t ports = need;

    for (k = 0; k < n && ports != NV_PORTS_NONE; k++) {
        struct nv_flow_why why;
        nv_explain_np(m, src, dst, nv_cex_robust(p) ? &p->combos[k] : &p->w.combo, p->w.local, np,
                      &why);
        ports = allowed ? nv_ports_inter(m->ports, ports, why.allowed)
                        : nv_ports_minus(m->ports, ports, why.allowed);
        nv_flow_why_release(&why);
    }
    return ports;
}

/* Whether the witness with its external end moved into atom 'atom' keeps its verdict on 'ports'. */
static int nv_cex_shares(const struct nv_model *m, const struct nv_claim *c,
                         const struct nv_part *p, uint32_t ports, int at_dst, size_t atom)
{
    struct nv_witness w = p->w;
    struct nv_end *e = at_dst ? &w.dst : &w.src;

    e->ip = nv_atoms_range(&m->atoms, atom).first;
    if (!nv_witness_fits(m, c, p->kind, &w))
        return 0;
    return nv_cex_ports(m, c, p, &w.src, &w.dst, ports, p->kind != NV_PART_REACHES) == ports;
}

/*
 * The range of the external end around its address: the atoms next to its own
 * (at most NV_CEX_STEPS on each side) on which the flow keeps its verdict.
 */
static struct nv_iprange nv_cex_range(const struct nv_model *m, const struct nv_claim *c,
                                      const struct nv_part *p, uint32_t ports, int at_dst)
{
    const struct nv_end *e = at_dst ? &p->w.dst : &p->w.src;
    size_t a = nv_atoms_find(&m->atoms, &e->ip), lo, hi, k;
    struct nv_iprange r;

    if (a >= m->atoms.n) {
        r.first = r.last = e->ip;
        return r;
    }
    for (lo = a, k = 0; k < NV_CEX_STEPS && lo > 0 && nv_atoms_adjacent(&m->atoms, lo - 1) &&
                        nv_cex_shares(m, c, p, ports, at_dst, lo - 1);
         k++)
        lo--;
    for (hi = a, k = 0; k < NV_CEX_STEPS && nv_atoms_adjacent(&m->atoms, hi) &&
                        nv_cex_shares(m, c, p, ports, at_dst, hi + 1);
         k++)
        hi++;
    r.first = nv_atoms_range(&m->atoms, lo).first;
    r.last = nv_atoms_range(&m->atoms, hi).last;
    return r;
}

/* The first rule of the policies isolating side d that admits some of 'ports' from other ends. */
static void nv_cex_other(const struct nv_model *m, const struct nv_witness *w,
                         const struct nv_side *s, enum nv_dir dir, uint32_t ports,
                         struct nv_cex_side *out)
{
    size_t i, r, k;

    for (i = 0; i < s->npolicies; i++) {
        const struct nv_policy *pol = s->policies[i];
        for (r = 0; r < pol->nrules[dir]; r++) {
            const struct nv_rule *rule = &pol->rules[dir][r];
            uint32_t some;
            for (k = 0; k < s->nadmits && s->admits[k].rule != rule; k++)
                ;
            if (k < s->nadmits)
                continue;
            some = nv_ports_inter(m->ports, nv_explain_rule_ports(m, rule, &w->dst), ports);
            if (some == NV_PORTS_NONE)
                continue;
            out->other_policy = pol;
            out->other_rule = rule;
            out->other_ports = some;
            return;
        }
    }
}

/* What one direction of the witness says (see struct nv_cex_side). */
static void nv_cex_side(const struct nv_model *m, struct nv_cex *x, int d)
{
    const struct nv_witness *w = &x->part->w;
    const struct nv_side *s = d == 0 ? &x->why.egress : &x->why.ingress;
    struct nv_cex_side *out = &x->side[d];
    size_t i;

    memset(out, 0, sizeof(*out));
    if (s->external || s->node || !s->isolated)
        return;
    for (i = 0; i < s->nadmits && !out->hit; i++)
        if (w->all_ports || nv_ports_contains(m->ports, s->admits[i].ports, w->proto, w->port))
            out->hit = &s->admits[i];
    if (out->hit || x->part->kind != NV_PART_REACHES || w->all_ports)
        return;
    {
        out->blocked = nv_ports_minus(m->ports, x->ports, s->ports);
        nv_cex_other(m, w, s, d == 0 ? NV_EGRESS : NV_INGRESS, out->blocked, out);
    }
}

/* The ipBlock of a rule admitting a pod by its address in the witness, if any. */
static const struct nv_admit *nv_cex_ipblock(const struct nv_cex *x)
{
    const struct nv_part *p = x->part;
    size_t i;
    int d;

    if (p->kind == NV_PART_REACHES || x->why.local ||
        p->w.combo.v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS)
        return NULL;
    for (d = 0; d < 2; d++) {
        const struct nv_side *s = d == 0 ? &x->why.egress : &x->why.ingress;
        for (i = 0; i < s->nadmits; i++)
            if (s->admits[i].peer && s->admits[i].peer->kind == NV_PEER_IPBLOCK)
                return &s->admits[i];
    }
    return NULL;
}

void nv_cex_build(const struct nv_model *m, const struct nv_claim *c, const struct nv_part *p,
                  struct nv_cex *out)
{
    const struct nv_witness *w = &p->w;
    int d;

    memset(out, 0, sizeof(*out));
    out->part = p;
    if (p->kind == NV_PART_ISOLATED)
        return;
    out->need = nv_claim_ports_to(m, c, &w->dst);
    nv_explain_np(m, &w->src, &w->dst, &w->combo, w->local, nv_explain_np_of(c, p->kind),
                  &out->why);
    /* a flow the pods' addresses decide stands for its port only */
    if (w->all_ports)
        out->ports = NV_PORTS_ALL;
    else if (nv_cex_robust(p) && (w->src.has_ip || w->dst.has_ip) &&
             !(w->src.external && w->dst.external))
        out->ports = nv_ports_range(m->ports, w->proto, w->port, w->port);
    else
        out->ports = nv_cex_ports(m, c, p, &w->src, &w->dst, out->need, p->kind != NV_PART_REACHES);
    if (!w->all_ports && !nv_ports_contains(m->ports, out->ports, w->proto, w->port))
        out->ports = nv_ports_range(m->ports, w->proto, w->port, w->port);
    out->src_range.first = out->src_range.last = w->src.ip;
    out->dst_range.first = out->dst_range.last = w->dst.ip;
    if (w->src.external)
        out->src_range = nv_cex_range(m, c, p, out->ports, 0);
    if (w->dst.external)
        out->dst_range = nv_cex_range(m, c, p, out->ports, 1);
    for (d = 0; d < 2; d++)
        nv_cex_side(m, out, d);
    out->ipblock = nv_cex_ipblock(out);
}

void nv_cex_release(struct nv_cex *x)
{
    if (x->part && x->part->kind != NV_PART_ISOLATED)
        nv_flow_why_release(&x->why);
    memset(x, 0, sizeof(*x));
}

/* Decide every claim in the pool's solvers; returns 0, or -1 when an SMT-LIB file failed. */
static int nv_decide(struct nv_pool *pool)
{
    struct nv_job job[8];
    pthread_t threads[8];
    unsigned t;

    pthread_mutex_init(&pool->mu, NULL);
    for (t = 0; t < pool->jobs; t++) {
        job[t].pool = pool;
        job[t].index = t;
    }
    /* a job whose thread cannot start leaves its claims to the others (the main thread's
     * takes what is left) */
    for (t = 1; t < pool->jobs; t++)
        if (pthread_create(&threads[t], NULL, nv_worker, &job[t]) != 0)
            job[t].pool = NULL;
    nv_worker(&job[0]);
    for (t = 1; t < pool->jobs; t++)
        if (job[t].pool)
            pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&pool->mu);
    return pool->failed ? -1 : 0;
}

/*
 * Check what the solvers found: every witness placed and fitting the claim
 * and the rules, and on --cross-check the same verdicts from the matrix
 * engine. Returns 0, or -1 after a message when the engines disagree.
 */
static int nv_confirm(const struct nv_model *m, const struct nv_claims *claims,
                      struct nv_result *results, struct nv_cex *cex, struct nv_matrix *x)
{
    size_t i, p;
    int rc = 0;

    for (i = 0; i < claims->n && rc == 0; i++) {
        const struct nv_claim *c = &claims->items[i];
        struct nv_result *r = &results[i];
        for (p = 0; p < r->nparts; p++) {
            struct nv_part *part = &r->parts[p];
            if (part->verdict != NV_REFUTED && part->verdict != NV_DEPENDS)
                continue;
            /* a flow for every address gets addresses to be explained with */
            if (part->w.robust && nv_witness_place(m, c, part->kind, &part->w) < 0)
                NV_BUG("claim %zu (%s): no addresses fit the counterexample", i + 1, c->text);
            nv_cex_build(m, c, part, &cex[2 * i + p]);
            if (!nv_witness_fits(m, c, part->kind, &part->w) ||
                !nv_witness_agrees(m, part, cex[2 * i + p].need, &cex[2 * i + p].why))
                NV_BUG("claim %zu (%s): the counterexample does not fit the claim", i + 1, c->text);
        }
        if (x) {
            struct nv_result mr;
            nv_check_matrix(x, c, &mr);
            if (!nv_same_verdicts(r, &mr)) {
                nv_escape_term_line(stderr,
                                    "netverify: internal error: the SMT and set-algebra engines "
                                    "disagree on claim %zu: %s",
                                    i + 1, c->text);
                rc = -1;
            }
        }
    }
    return rc;
}

/*
 * The exit status of the verdicts: refuted (1) before depends (4) before
 * undecided (3). A claim refuted (or depending) as 'expect: refuted' says does
 * not count; one that holds though expected refuted counts as refuted.
 */
static int nv_run_exit(struct nv_check_run *out)
{
    size_t counts[NV_NVERDICTS], i;

    memcpy(counts, out->counts, sizeof(counts));
    free(out->expect);
    out->expect = nv_xcalloc(out->claims->n + 1, 1);
    out->nexpected = out->nstale = 0;
    for (i = 0; i < out->claims->n; i++) {
        enum nv_verdict v = nv_result_verdict(&out->results[i]);
        if (!out->claims->items[i].expect_refuted || v == NV_UNDECIDED)
            continue;
        out->expect[i] = v == NV_HOLDS ? NV_EXPECT_STALE : NV_EXPECT_MET;
        counts[v]--;
        if (v == NV_HOLDS) {
            counts[NV_REFUTED]++;
            out->nstale++;
        } else {
            out->nexpected++;
        }
    }
    if (counts[NV_REFUTED])
        return NV_EXIT_FINDING;
    if (counts[NV_DEPENDS])
        return NV_EXIT_DEPENDS;
    if (counts[NV_UNDECIDED])
        return NV_EXIT_INTERNAL;
    return NV_EXIT_OK;
}

void nv_check_exit(struct nv_check_run *out)
{
    out->exit = nv_run_exit(out);
}

int nv_check_all(const struct nv_model *m, const struct nv_claims *claims,
                 const struct nv_check_opts *o, struct nv_check_run *out)
{
    struct nv_pool pool;
    struct nv_matrix *x;
    unsigned jobs = o->jobs;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    out->m = m;
    out->claims = claims;
    out->results = nv_xcalloc(claims->n + 1, sizeof(*out->results));
    /* two solvers use both cores of a small machine; not more: a job holds the encoding
     * of one part at a time (what can touch it), so the memory of two is that of the two
     * largest parts decided at once */
    if (!jobs)
        jobs = claims->n >= 2 ? 2 : 1;
    memset(&pool, 0, sizeof(pool));
    pool.m = m;
    pool.claims = claims;
    pool.results = out->results;
    pool.timeout = o->timeout;
    pool.emit_dir = o->emit_dir;
    pool.jobs = jobs > 8 ? 8 : jobs;
    /* the matrix engine is built before the solvers run, as it adds to the model */
    x = o->cross ? nv_matrix_new(m) : NULL;
    if (nv_decide(&pool) < 0) {
        nv_matrix_free(x);
        out->exit = NV_EXIT_INPUT;
        return -1;
    }
    nv_phase("solve");
    out->cex = nv_xcalloc(2 * claims->n + 1, sizeof(*out->cex));
    rc = nv_confirm(m, claims, out->results, out->cex, x);
    nv_matrix_free(x);
    if (rc < 0) {
        out->exit = NV_EXIT_INTERNAL;
        return -1;
    }
    for (i = 0; i < claims->n; i++)
        out->counts[nv_result_verdict(&out->results[i])]++;
    out->exit = nv_run_exit(out);
    return 0;
}

void nv_check_run_release(struct nv_check_run *r)
{
    size_t i;

    for (i = 0; r->cex && i < 2 * r->claims->n; i++)
        nv_cex_release(&r->cex[i]);
    free(r->cex);
    free(r->expect);
    free(r->results);
    memset(r, 0, sizeof(*r));
}
