/*
 * cmd_check.c - 'netverify check': claims proved or refuted by the SMT
 * engine, each verdict cross-checked, counterexamples explained rule by
 * rule, reported as text, JSON, SARIF or JUnit.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <limits.h>
#include <sys/stat.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/json.h"
#include "netverify/matrix.h"
#include "netverify/report.h"
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

static const char k_usage[] =
    "netverify check PATH... [--claims FILE] [--format text|json|sarif|junit] [--emit-smt DIR]";

enum nv_cfmt { NV_CF_TEXT, NV_CF_JSON, NV_CF_SARIF, NV_CF_JUNIT };

static void nv_check_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs(
        "Prove or refute the claims of a claims file against the manifests under PATH.\n"
        "A refuted claim comes with a concrete flow that breaks it (source, destination,\n"
        "protocol, port) and the policy rules behind it.\n\n"
        "Options:\n"
        "      --claims FILE     the claims file (default: ./netverify.yaml, else\n"
        "                        netverify.yaml beside or inside the first PATH)\n"
        "  -f, --format FORMAT   text (default), json, sarif (SARIF 2.1.0), junit\n"
        "  -o, --output FILE     write the report to FILE instead of standard output\n"
        "      --emit-smt DIR    also write each claim's query as SMT-LIB2 to DIR\n"
        "      --timeout SECS    give up on a claim after SECS seconds (default 30)\n"
        "      --cross-check     also decide every claim with the set-algebra engine\n"
        "                        and fail (exit 3) if the two engines disagree\n"
        "  -j, --jobs N          decide claims in N threads, each with its own solver\n"
        "                        (default: 2 with 4 claims or more and at most 20,000\n"
        "                        classes of pods, else 1); N may change which\n"
        "                        counterexamples are shown, never the verdicts\n" NV_CLI_INPUT_HELP
            NV_CLI_CLAIMS_HELP "  -h, --help            show this help\n\n"
        "Claims (one per line of the file's 'claims:' list; see docs/claims.md):\n"
        "  only frontend reaches inference on 80\n"
        "  pods app=web reaches pods app=db in namespace shop on tcp/5432\n"
        "  pods app=api cannot reach cidr 0.0.0.0/0 except 10.0.0.0/8\n"
        "  namespace data is isolated for ingress\n\n"
        "Verdicts: holds, REFUTED, depends (on the network plugin: see --cni), undecided.\n\n"
        "Exit status: 0 every claim holds, 1 a claim is refuted, 2 usage or input error\n"
        "(including a claim that does not parse or matches nothing), 3 undecided\n"
        "(timeout) or internal error, 4 a claim depends on the network plugin (and\n"
        "none is refuted).\n",
        stdout);
}

struct nv_ctx {
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_claims claims;
    struct nv_result *results;
    int cross;
};

static const char *nv_part_name(enum nv_part_kind k)
{
    switch (k) {
    case NV_PART_REACHES:
        return "reaches";
    case NV_PART_CANNOT:
        return "cannot reach";
    case NV_PART_ONLY:
        return "only";
    case NV_PART_ISOLATED:
        return "is isolated";
    }
    return "?";
}

/* ---- deciding ---- */

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

/* A witness must be a flow of the claim's sets, and the rules must agree with it. */
static int nv_witness_ok(struct nv_model *m, const struct nv_claim *c, const struct nv_part *p)
{
    struct nv_flow_why why;
    int ok;
    uint32_t need;

    if (p->verdict != NV_REFUTED && p->verdict != NV_DEPENDS)
        return 1;
    if (!nv_witness_fits(m, c, p->kind, &p->w))
        return 0;
    if (p->kind == NV_PART_ISOLATED)
        return 1;
    nv_explain(m, &p->w.src, &p->w.dst, &p->w.combo, p->w.local, &why);
    need = nv_claim_ports_to(m, c, &p->w.dst);
    if (p->w.all_ports)
        ok = p->kind == NV_PART_REACHES && why.allowed == NV_PORTS_NONE;
    else if (!nv_ports_contains(&m->ports, need, p->w.proto, p->w.port))
        ok = 0;
    else
        ok = nv_ports_contains(&m->ports, why.allowed, p->w.proto, p->w.port) ==
             (p->kind != NV_PART_REACHES);
    nv_flow_why_release(&why);
    return ok;
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

/*
 * Whether the files of up to 'nclaims' claims fit under --emit-smt DIR: every
 * component of a path at most NAME_MAX bytes, the whole under PATH_MAX. A name
 * cut short would write several claims to one file. Returns 0, or -1 after a
 * message.
 */
static int nv_emit_dir_ok(const char *dir, size_t nclaims)
{
    char path[NV_PATH_MAX];
    const char *c = dir;

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
    struct nv_ctx *cx;
    double timeout;
    const char *emit_dir;
    unsigned jobs;
    pthread_mutex_t mu;
    int failed;
};

struct nv_job {
    struct nv_pool *pool;
    unsigned index;
};

/*
 * Job j takes claims j, j + jobs, j + 2 jobs, ...: a fixed share, so that each
 * solver sees the same sequence of claims on every run and machine, and the
 * counterexamples it finds are the same every time.
 */
static void *nv_worker(void *arg)
{
    struct nv_job *job = arg;
    struct nv_pool *pool = job->pool;
    struct nv_smt *smt = NULL;
    int abandoned = 0;
    size_t i;

    for (i = job->index; i < pool->cx->claims.n; i += pool->jobs) {
        const struct nv_claim *c = &pool->cx->claims.items[i];
        struct nv_result *r = &pool->cx->results[i];
        struct timespec t0;
        double left = pool->timeout;
        /* the encoding of the policies is part of the first claim's check, and of its time
         * limit: when it cannot be built in time, no claim can be checked in time */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (!smt && !abandoned &&
            !(smt = nv_smt_new_within(pool->cx->m, &pool->cx->claims, pool->timeout)))
            abandoned = 1;
        if (smt && pool->timeout > 0)
            left = pool->timeout - nv_seconds_since(&t0);
        if (!smt || (pool->timeout > 0 && left <= 0)) {
            nv_undecided(
                r, c, smt ? "timeout" : "timeout: the policies were not encoded within --timeout");
            if (pool->emit_dir && !smt)
                fprintf(stderr, "netverify: claim %zu: no SMT-LIB written: %s\n", i + 1,
                        "the policies were not encoded within --timeout");
            if (!smt)
                continue;
        } else {
            nv_smt_check(smt, c, left, r);
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

static int nv_decide(struct nv_ctx *cx, double timeout, const char *emit_dir, unsigned jobs)
{
    struct nv_pool pool;
    struct nv_job job[8];
    pthread_t threads[8];
    unsigned t;
    size_t i, p;

    memset(&pool, 0, sizeof(pool));
    pool.cx = cx;
    pool.timeout = timeout;
    pool.emit_dir = emit_dir;
    pool.jobs = jobs < 1 ? 1 : jobs > 8 ? 8 : jobs;
    pthread_mutex_init(&pool.mu, NULL);
    cx->results = nv_xcalloc(cx->claims.n + 1, sizeof(*cx->results));
    for (t = 0; t < pool.jobs; t++) {
        job[t].pool = &pool;
        job[t].index = t;
    }
    /* a job whose thread cannot start is done by the main thread instead */
    for (t = 1; t < pool.jobs; t++)
        if (pthread_create(&threads[t], NULL, nv_worker, &job[t]) != 0) {
            nv_worker(&job[t]);
            job[t].pool = NULL;
        }
    nv_worker(&job[0]);
    for (t = 1; t < pool.jobs; t++)
        if (job[t].pool)
            pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&pool.mu);
    nv_phase("solve");
    if (pool.failed)
        return -2;
    for (i = 0; i < cx->claims.n; i++) {
        const struct nv_claim *c = &cx->claims.items[i];
        struct nv_result *r = &cx->results[i];
        /* a flow for every address gets addresses to be explained with */
        for (p = 0; p < r->nparts; p++)
            if ((r->parts[p].verdict == NV_REFUTED || r->parts[p].verdict == NV_DEPENDS) &&
                r->parts[p].w.robust &&
                nv_witness_place(cx->m, r->parts[p].kind, &r->parts[p].w) < 0)
                NV_BUG("claim %zu (%s): no addresses fit the counterexample", i + 1, c->text);
        for (p = 0; p < r->nparts; p++)
            if (!nv_witness_ok(cx->m, c, &r->parts[p]))
                NV_BUG("claim %zu (%s): the counterexample does not fit the claim", i + 1, c->text);
        if (cx->cross) {
            struct nv_result mr;
            nv_check_matrix(cx->x, c, &mr);
            if (!nv_same_verdicts(r, &mr)) {
                nv_escape_term_line(stderr,
                                    "netverify: internal error: the SMT and set-algebra engines "
                                    "disagree on claim %zu: %s",
                                    i + 1, c->text);
                return -1;
            }
        }
    }
    return 0;
}

/* ---- reports ---- */

static const char *nv_verdict_word(enum nv_verdict v)
{
    static const char *const words[NV_NVERDICTS] = {"holds", "REFUTED", "undecided", "depends"};

    return words[v];
}

/* The verdict as JSON and SARIF say it. */
static const char *nv_verdict_name(enum nv_verdict v)
{
    static const char *const names[NV_NVERDICTS] = {"holds", "refuted", "undecided", "depends"};

    return names[v];
}

static const char *const k_fate_names[] = {"holds", "refuted", "addresses", "undecided"};

/* The first part that depends on the plugin, or NULL. */
static const struct nv_part *nv_depending_part(const struct nv_result *r)
{
    size_t p;

    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_DEPENDS)
            return &r->parts[p];
    return NULL;
}

/* " — holds unless ...: a -> b on TCP 80" for a claim that depends on the plugin (malloc'd). */
static char *nv_depends_text(struct nv_model *m, const struct nv_part *p)
{
    struct nv_buf b;
    char *cond = nv_report_condition(m, p);

    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "%s: ", cond);
    nv_report_flow(&b, m, p);
    free(cond);
    return nv_buf_detach(&b);
}

static void nv_text(struct nv_ctx *cx, FILE *fp)
{
    size_t i, p, k, counts[NV_NVERDICTS] = {0, 0, 0, 0};

    for (i = 0; i < cx->claims.n; i++) {
        const struct nv_claim *c = &cx->claims.items[i];
        const struct nv_result *r = &cx->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        char where[512];
        counts[v]++;
        if (v == NV_DEPENDS) {
            char *dep = nv_depends_text(cx->m, nv_depending_part(r));
            nv_escape_term_line(fp, "%-9s %s%s%s \xe2\x80\x94 %s", nv_verdict_word(v),
                                c->name ? c->name : "", c->name ? ": " : "", c->text, dep);
            free(dep);
        } else {
            nv_escape_term_line(fp, "%-9s %s%s%s", nv_verdict_word(v), c->name ? c->name : "",
                                c->name ? ": " : "", c->text);
        }
        for (p = 0; p < r->nparts; p++) {
            const struct nv_part *part = &r->parts[p];
            char *lines[2];
            size_t n = 0;
            char *head;
            if (part->verdict == NV_UNDECIDED) {
                nv_escape_term_line(fp, "          undecided (%s)%s%s",
                                    part->why ? part->why : "unknown", r->nparts > 1 ? ": " : "",
                                    r->nparts > 1 ? nv_part_name(part->kind) : "");
                continue;
            }
            if (part->verdict != NV_REFUTED && part->verdict != NV_DEPENDS)
                continue;
            head = nv_report_headline(cx->m, part);
            nv_escape_term_line(fp, "          %s", head);
            free(head);
            if (part->kind != NV_PART_ISOLATED)
                nv_report_because(cx->m, &part->w, part->kind != NV_PART_REACHES, lines, &n);
            for (k = 0; k < n; k++) {
                nv_escape_term_line(fp, "            %s", lines[k]);
                free(lines[k]);
            }
        }
        if (v != NV_HOLDS)
            nv_escape_term_line(fp, "          claim at %s",
                                nv_loc_format(c->loc, where, sizeof(where)));
    }
    fprintf(fp, "%zu claims: %zu hold, %zu refuted, ", cx->claims.n, counts[NV_HOLDS],
            counts[NV_REFUTED]);
    if (counts[NV_DEPENDS])
        fprintf(fp, "%zu depend on the network plugin, ", counts[NV_DEPENDS]);
    fprintf(fp, "%zu undecided\n", counts[NV_UNDECIDED]);
}

static struct nv_json *nv_json_end(const struct nv_model *m, const struct nv_end *e)
{
    struct nv_json *o = nv_json_object();
    char ip[NV_IP_BUFSZ];

    if (e->external) {
        nv_json_set(o, "kind", nv_json_str("External"));
        nv_json_set(o, "address", nv_json_str(nv_ip_format(&e->ip, ip)));
    } else {
        const struct nv_workload *w = &m->workloads[m->pods[e->pod].workload];
        nv_json_set(o, "kind", nv_json_str(w->kind));
        nv_json_set(o, "workload", nv_json_str(w->id));
        if (nv_report_names_pod(m, e)) {
            struct nv_buf b;
            nv_buf_init(&b, 0);
            nv_report_pod(&b, m, e->pod, e->inst);
            nv_json_set(o, "pod", nv_json_str(nv_buf_str(&b)));
            nv_buf_release(&b);
        }
        if (e->has_ip)
            nv_json_set(o, "address", nv_json_str(nv_ip_format(&e->ip, ip)));
    }
    return o;
}

/* {"ipBlockMatchesPods": true, "hostNetwork": "node"} */
static struct nv_json *nv_json_combo(const struct nv_combo *c)
{
    struct nv_json *o = nv_json_object();

    nv_json_set(o, nv_behaviours[NV_B_IPBLOCK_PODS].key,
                nv_json_bool(c->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS));
    nv_json_set(o, nv_behaviours[NV_B_HOSTNET].key,
                nv_json_str(nv_behaviours[NV_B_HOSTNET].values[c->v[NV_B_HOSTNET]]));
    return o;
}

/* The witness of a refuted part and the rules behind it. */
static void nv_json_witness(struct nv_ctx *cx, const struct nv_part *p, struct nv_json **witness,
                            struct nv_json **because)
{
    struct nv_json *w = nv_json_object(), *b = nv_json_array();
    char *lines[2];
    size_t k, nl = 0;
    char *head = nv_report_headline(cx->m, p);

    nv_json_set(w, "summary", nv_json_str(head));
    free(head);
    nv_json_set(w, "src", nv_json_end(cx->m, &p->w.src));
    if (!p->w.robust && p->ncombos) {
        /* what the flow assumes of the plugin (and of the pods' nodes) */
        nv_json_set(w, "assumes", nv_json_combo(&p->w.combo));
        if (p->w.local)
            nv_json_set(w, "sameNode", nv_json_bool(1));
    }
    if (p->kind == NV_PART_ISOLATED) {
        nv_json_set(w, "direction", nv_json_str(p->w.dir == NV_INGRESS ? "ingress" : "egress"));
    } else {
        nv_json_set(w, "dst", nv_json_end(cx->m, &p->w.dst));
        nv_json_set(w, "allowed", nv_json_bool(p->kind != NV_PART_REACHES));
        if (p->w.all_ports) {
            nv_json_set(w, "protocol", nv_json_null());
            nv_json_set(w, "port", nv_json_null());
        } else {
            nv_json_set(w, "protocol", nv_json_str(nv_proto_name(p->w.proto)));
            nv_json_set(w, "port", nv_json_int(p->w.port));
        }
        nv_report_because(cx->m, &p->w, p->kind != NV_PART_REACHES, lines, &nl);
    }
    for (k = 0; k < nl; k++) {
        nv_json_push(b, nv_json_str(lines[k]));
        free(lines[k]);
    }
    *witness = w;
    *because = b;
}

static struct nv_json *nv_json_part(struct nv_ctx *cx, const struct nv_part *p)
{
    struct nv_json *o = nv_json_object(), *w, *b;

    nv_json_set(o, "part", nv_json_str(nv_part_name(p->kind)));
    nv_json_set(o, "verdict", nv_json_str(nv_verdict_name(p->verdict)));
    nv_json_set(o, "holds",
                p->verdict == NV_UNDECIDED ? nv_json_null() : nv_json_bool(p->verdict == NV_HOLDS));
    if (p->verdict == NV_UNDECIDED)
        nv_json_set(o, "reason", nv_json_str(p->why ? p->why : "unknown"));
    if (p->verdict == NV_DEPENDS) {
        struct nv_json *under = nv_json_array();
        size_t k;
        char *cond = nv_report_condition(cx->m, p);
        nv_json_set(o, "condition", nv_json_str(cond));
        free(cond);
        for (k = 0; k < p->ncombos; k++) {
            struct nv_json *u = nv_json_combo(&p->combos[k]);
            nv_json_set(u, "fate", nv_json_str(k_fate_names[p->fate[k]]));
            nv_json_push(under, u);
        }
        nv_json_set(o, "under", under);
    }
    if (p->verdict != NV_REFUTED && p->verdict != NV_DEPENDS)
        return o;
    nv_json_witness(cx, p, &w, &b);
    nv_json_set(o, "witness", w);
    nv_json_set(o, "because", b);
    return o;
}

static int nv_json_report(struct nv_ctx *cx, FILE *fp)
{
    struct nv_json *root = nv_json_object(), *arr = nv_json_array(), *sum = nv_json_object();
    size_t i, p, counts[NV_NVERDICTS] = {0, 0, 0, 0};
    int rc;

    for (i = 0; i < cx->claims.n; i++) {
        const struct nv_claim *c = &cx->claims.items[i];
        const struct nv_result *r = &cx->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        struct nv_json *o = nv_json_object(), *parts = nv_json_array();
        char where[512];
        counts[v]++;
        nv_json_set(o, "name", c->name ? nv_json_str(c->name) : nv_json_null());
        nv_json_set(o, "claim", nv_json_str(c->text));
        nv_json_set(o, "location", nv_json_str(nv_loc_format(c->loc, where, sizeof(where))));
        nv_json_set(o, "verdict", nv_json_str(nv_verdict_name(v)));
        nv_json_set(o, "holds", v == NV_UNDECIDED ? nv_json_null() : nv_json_bool(v == NV_HOLDS));
        if (v == NV_DEPENDS) {
            char *dep = nv_report_condition(cx->m, nv_depending_part(r));
            nv_json_set(o, "condition", nv_json_str(dep));
            free(dep);
        }
        for (p = 0; p < r->nparts; p++)
            nv_json_push(parts, nv_json_part(cx, &r->parts[p]));
        /* the first refuted (else depending) part's witness, at the claim's level as well */
        for (p = 0; p < r->nparts && r->parts[p].verdict != NV_REFUTED; p++)
            ;
        if (p == r->nparts)
            for (p = 0; p < r->nparts && r->parts[p].verdict != NV_DEPENDS; p++)
                ;
        if (p < r->nparts) {
            struct nv_json *w, *b;
            nv_json_witness(cx, &r->parts[p], &w, &b);
            nv_json_set(o, "witness", w);
            nv_json_set(o, "because", b);
        } else {
            nv_json_set(o, "witness", nv_json_null());
            nv_json_set(o, "because", nv_json_array());
        }
        nv_json_set(o, "parts", parts);
        nv_json_push(arr, o);
    }
    nv_json_set(root, "claims", arr);
    nv_json_set(sum, "holds", nv_json_int((long long)counts[NV_HOLDS]));
    nv_json_set(sum, "refuted", nv_json_int((long long)counts[NV_REFUTED]));
    nv_json_set(sum, "undecided", nv_json_int((long long)counts[NV_UNDECIDED]));
    nv_json_set(sum, "depends", nv_json_int((long long)counts[NV_DEPENDS]));
    nv_json_set(root, "summary", sum);
    rc = nv_json_dump(root, fp);
    nv_json_free(root);
    return rc;
}

/* The policy rules behind a witness, as SARIF related locations. */
static void nv_sarif_related(struct nv_ctx *cx, const struct nv_part *p, struct nv_json *arr)
{
    struct nv_flow_why why;
    int d;
    long long id = 1;

    if (p->kind == NV_PART_ISOLATED)
        return;
    nv_explain(cx->m, &p->w.src, &p->w.dst, &p->w.combo, p->w.local, &why);
    for (d = 0; d < 2; d++) {
        const struct nv_side *s = d == 0 ? &why.egress : &why.ingress;
        size_t i;
        if (p->kind != NV_PART_REACHES) {
            for (i = 0; i < s->nadmits; i++) {
                struct nv_buf b;
                struct nv_json *l;
                if (!nv_ports_contains(&cx->m->ports, s->admits[i].ports, p->w.proto, p->w.port))
                    continue;
                nv_buf_init(&b, 0);
                nv_buf_printf(&b, "NetworkPolicy %s/%s %s rule #%u admits this flow",
                              s->admits[i].policy->ns, s->admits[i].policy->name,
                              d == 0 ? "egress" : "ingress", s->admits[i].rule->index + 1);
                l = nv_report_sarif_location(s->admits[i].rule->loc, nv_buf_str(&b));
                nv_json_set(l, "id", nv_json_int(id++));
                nv_json_push(arr, l);
                nv_buf_release(&b);
                break;
            }
        } else {
            for (i = 0; i < s->npolicies; i++) {
                struct nv_buf b;
                struct nv_json *l;
                nv_buf_init(&b, 0);
                nv_buf_printf(&b, "NetworkPolicy %s/%s isolates the %s side", s->policies[i]->ns,
                              s->policies[i]->name, d == 0 ? "egress" : "ingress");
                l = nv_report_sarif_location(s->policies[i]->loc, nv_buf_str(&b));
                nv_json_set(l, "id", nv_json_int(id++));
                nv_json_push(arr, l);
                nv_buf_release(&b);
            }
        }
    }
    nv_flow_why_release(&why);
}

static int nv_sarif_report(struct nv_ctx *cx, FILE *fp)
{
    struct nv_json *rules = nv_json_array();
    struct nv_sarif so;
    size_t i, p;

    nv_report_sarif_begin(&so, fp);
    nv_json_push(rules,
                 nv_report_sarif_rule("claim-refuted", "A network-segmentation claim is refuted"));
    nv_json_push(rules, nv_report_sarif_rule("claim-undecided",
                                             "A network-segmentation claim could not be decided"));
    nv_json_push(rules, nv_report_sarif_rule("claim-depends",
                                             "A network-segmentation claim holds or not depending "
                                             "on the network plugin"));
    for (i = 0; i < cx->claims.n; i++) {
        const struct nv_claim *c = &cx->claims.items[i];
        const struct nv_result *r = &cx->results[i];
        for (p = 0; p < r->nparts; p++) {
            const struct nv_part *part = &r->parts[p];
            struct nv_json *res, *msg, *locs, *rel;
            struct nv_buf b;
            if (part->verdict == NV_HOLDS)
                continue;
            res = nv_json_object();
            msg = nv_json_object();
            locs = nv_json_array();
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "Claim %s: '%s'",
                          part->verdict == NV_DEPENDS ? "depends on the network plugin"
                                                      : nv_verdict_name(part->verdict),
                          c->name ? c->name : c->text);
            if (part->verdict == NV_REFUTED) {
                char *head = nv_report_headline(cx->m, part);
                nv_buf_printf(&b, ": %s", head);
                free(head);
            } else if (part->verdict == NV_DEPENDS) {
                char *dep = nv_depends_text(cx->m, part);
                nv_buf_printf(&b, ": %s", dep);
                free(dep);
            } else {
                nv_buf_printf(&b, " (%s)", part->why ? part->why : "unknown");
            }
            nv_json_set(res, "ruleId",
                        nv_json_str(part->verdict == NV_REFUTED   ? "claim-refuted"
                                    : part->verdict == NV_DEPENDS ? "claim-depends"
                                                                  : "claim-undecided"));
            nv_json_set(res, "level",
                        nv_json_str(part->verdict == NV_REFUTED ? "error" : "warning"));
            nv_json_set(msg, "text", nv_json_str(nv_buf_str(&b)));
            nv_buf_release(&b);
            nv_json_set(res, "message", msg);
            nv_json_push(locs, nv_report_sarif_location(c->loc, NULL));
            nv_json_set(res, "locations", locs);
            if (part->verdict == NV_REFUTED || part->verdict == NV_DEPENDS) {
                rel = nv_json_array();
                nv_sarif_related(cx, part, rel);
                nv_json_set(res, "relatedLocations", rel);
            }
            nv_report_sarif_result(&so, res);
        }
    }
    return nv_report_sarif_end(&so, rules);
}

/* The failure (or error) text of a claim that does not hold: each part's headline and reasons. */
static void nv_junit_text(struct nv_ctx *cx, const struct nv_result *r, struct nv_buf *b)
{
    size_t p, k;

    for (p = 0; p < r->nparts; p++) {
        const struct nv_part *part = &r->parts[p];
        char *lines[2];
        size_t n = 0;
        if (part->verdict == NV_UNDECIDED) {
            nv_buf_puts(b, "undecided: ");
            nv_escape_xml(b, part->why ? part->why : "unknown", 0);
            nv_buf_putc(b, '\n');
        }
        if (part->verdict == NV_DEPENDS) {
            char *dep = nv_depends_text(cx->m, part);
            nv_buf_puts(b, "depends: ");
            nv_escape_xml(b, dep, 0);
            nv_buf_putc(b, '\n');
            free(dep);
        }
        if (part->verdict != NV_REFUTED && part->verdict != NV_DEPENDS)
            continue;
        {
            char *head = nv_report_headline(cx->m, part);
            nv_escape_xml(b, head, 0);
            nv_buf_putc(b, '\n');
            free(head);
        }
        if (part->kind != NV_PART_ISOLATED)
            nv_report_because(cx->m, &part->w, part->kind != NV_PART_REACHES, lines, &n);
        for (k = 0; k < n; k++) {
            nv_escape_xml(b, lines[k], 0);
            nv_buf_putc(b, '\n');
            free(lines[k]);
        }
    }
}

static void nv_junit(struct nv_ctx *cx, FILE *fp)
{
    size_t i, counts[NV_NVERDICTS] = {0, 0, 0, 0};
    struct nv_buf b;

    nv_buf_init(&b, 0);
    for (i = 0; i < cx->claims.n; i++)
        counts[nv_result_verdict(&cx->results[i])]++;
    /* a claim that depends on the plugin is a failure, of its own type */
    nv_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    nv_buf_printf(&b,
                  "<testsuites name=\"netverify\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
                  cx->claims.n, counts[NV_REFUTED] + counts[NV_DEPENDS], counts[NV_UNDECIDED]);
    nv_buf_puts(&b, "  <testsuite name=\"");
    nv_escape_xml(&b, cx->claims.file ? cx->claims.file : "claims", 1);
    nv_buf_printf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", cx->claims.n,
                  counts[NV_REFUTED] + counts[NV_DEPENDS], counts[NV_UNDECIDED]);
    for (i = 0; i < cx->claims.n; i++) {
        const struct nv_claim *c = &cx->claims.items[i];
        const struct nv_result *r = &cx->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        nv_buf_puts(&b, "    <testcase classname=\"netverify.claims\" name=\"");
        nv_escape_xml(&b, c->name ? c->name : c->text, 1);
        if (v == NV_HOLDS) {
            nv_buf_puts(&b, "\"/>\n");
            continue;
        }
        nv_buf_printf(&b, "\">\n      <%s %smessage=\"", v == NV_UNDECIDED ? "error" : "failure",
                      v == NV_DEPENDS ? "type=\"depends\" " : "");
        nv_escape_xml(&b, c->text, 1);
        nv_buf_puts(&b, "\">");
        nv_junit_text(cx, r, &b);
        nv_buf_printf(&b, "</%s>\n    </testcase>\n", v == NV_UNDECIDED ? "error" : "failure");
        fwrite(b.data, 1, b.len, fp);
        nv_buf_reset(&b);
    }
    nv_buf_puts(&b, "  </testsuite>\n</testsuites>\n");
    fwrite(b.data, 1, b.len, fp);
    nv_buf_release(&b);
}

/* ---- the command ---- */

int nv_cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"claims", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"emit-smt", required_argument, NULL, 'E'},
        {"timeout", required_argument, NULL, 'T'},
        {"cross-check", no_argument, NULL, 'X'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        NV_CLI_INPUT_OPTS,
        NV_CLI_CLAIMS_OPTS,
        {NULL, 0, NULL, 0},
    };
    struct nv_load_opts lo;
    struct nv_diags fd;
    struct nv_ctx cx;
    enum nv_cfmt fmt = NV_CF_TEXT;
    const char *claims_arg = NULL, *output = NULL, *emit = NULL;
    char *claims_path;
    double timeout = 30;
    unsigned jobs = 0;
    FILE *fp = stdout;
    int c, r, rc = NV_EXIT_OK;
    size_t i;

    nv_load_opts_default(&lo);
    memset(&cx, 0, sizeof(cx));
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:j:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c':
            claims_arg = optarg;
            break;
        case 'f': {
            /* in the order of enum nv_cfmt */
            static const char *const formats[] = {"text", "json", "sarif", "junit", NULL};
            int f = nv_cli_pick(optarg, formats);
            if (f < 0)
                return nv_cli_usage_error(k_usage, "unknown format '%s'", optarg);
            fmt = (enum nv_cfmt)f;
            break;
        }
        case 'o':
            output = optarg;
            break;
        case 'E':
            emit = optarg;
            break;
        case 'T':
            errno = 0;
            timeout = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(timeout >= 0) || timeout > 1e6)
                return nv_cli_usage_error(k_usage, "invalid --timeout '%s' (seconds)", optarg);
            break;
        case 'X':
            cx.cross = 1;
            break;
        case 'j': {
            unsigned long v;
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 1 || v > 8)
                return nv_cli_usage_error(k_usage, "invalid --jobs '%s' (1-8)", optarg);
            jobs = (unsigned)v;
            break;
        }
        default:
            if ((r = nv_cli_other_opt(c, optarg, &lo, k_usage, nv_check_help)) >= 0)
                return r;
            break;
        }
    }
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    nv_diags_init(&fd);
    claims_path = nv_cli_find_config(claims_arg, argv[optind], lo.follow_symlinks, &fd);
    nv_diags_print(&fd, stderr);
    r = fd.nerr ? -1 : 0;
    nv_diags_release(&fd);
    if (r < 0)
        return NV_EXIT_INPUT;
    if (!claims_path)
        return nv_cli_usage_error(k_usage, "no claims file: give --claims FILE, or put a "
                                           "netverify.yaml here or beside the manifests");
    if (emit && nv_emit_dir_ok(emit, lo.max_claims) < 0) {
        free(claims_path);
        return NV_EXIT_INPUT;
    }
    if (emit) {
        struct stat st;
        if (stat(emit, &st) != 0 && mkdir(emit, 0777) != 0) {
            nv_escape_term_line(stderr, "netverify: cannot create '%s': %s", emit, strerror(errno));
            free(claims_path);
            return NV_EXIT_INPUT;
        }
    }

    nv_phase(NULL);
    cx.m = nv_cli_load_claims(argv + optind, (size_t)(argc - optind), &lo, claims_path, &cx.claims);
    free(claims_path);
    if (!cx.m)
        return NV_EXIT_INPUT;
    nv_phase("load");
    if (cx.cross)
        cx.x = nv_matrix_new(cx.m);
    /* two solvers use both cores of a small machine; not more, and not for big models:
     * each job holds the whole encoding (about 20 KB a class), and at tens of thousands
     * of classes the first check dominates and memory bandwidth is shared anyway */
    if (!jobs)
        jobs = cx.claims.n >= 4 && cx.m->nclasses <= 20000 ? 2 : 1;
    switch (nv_decide(&cx, timeout, emit, jobs)) {
    case -1:
        rc = NV_EXIT_INTERNAL;
        goto out;
    case -2:
        rc = NV_EXIT_INPUT;
        goto out;
    default:
        break;
    }
    nv_phase("decide");
    if (output && !(fp = fopen(output, "w"))) {
        nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", output, strerror(errno));
        rc = NV_EXIT_INPUT;
        goto out;
    }
    switch (fmt) {
    case NV_CF_TEXT:
        nv_text(&cx, fp);
        break;
    case NV_CF_JSON:
        nv_json_report(&cx, fp);
        break;
    case NV_CF_SARIF:
        nv_sarif_report(&cx, fp);
        break;
    case NV_CF_JUNIT:
        nv_junit(&cx, fp);
        break;
    }
    /* refuted (1) before depends (4) before undecided (3): a certain finding first */
    for (i = 0; i < cx.claims.n; i++) {
        enum nv_verdict v = nv_result_verdict(&cx.results[i]);
        if (v == NV_REFUTED)
            rc = NV_EXIT_FINDING;
        else if (v == NV_DEPENDS && rc != NV_EXIT_FINDING)
            rc = NV_EXIT_DEPENDS;
        else if (v == NV_UNDECIDED && rc == NV_EXIT_OK)
            rc = NV_EXIT_INTERNAL;
    }
    if (fflush(fp) != 0 || ferror(fp)) {
        fprintf(stderr, "netverify: error writing the report\n");
        rc = NV_EXIT_INTERNAL;
    }
    if (fp != stdout)
        fclose(fp);
out:
    free(cx.results);
    nv_matrix_free(cx.x);
    nv_claims_release(&cx.claims);
    nv_model_free(cx.m);
    nv_phase("teardown");
    return rc;
}
