/*
 * summary.c - 'list --format summary' (totals, then one line per namespace)
 * and 'list --format ns-matrix' (allowed workload pairs per ordered pair of
 * namespaces). Each source's row is a bitset of the endpoints it reaches
 * (word-parallel rows of the matrix engine, or its port-set rows turned into
 * bits); pairs are counted from those bits with the workloads each endpoint
 * stands for as weights, never one pair of endpoints at a time.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/summary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/json.h"

/* What the summary says of one namespace. */
struct nv_ns_sum {
    unsigned long long workloads, iso_in, iso_out, ext_in, ext_out;
    unsigned long long within;   /* allowed pairs of two of its workloads */
    unsigned long long from, to; /* other namespaces it is reached from / reaches */
};

/* Add what a part of the walk counted for a namespace. */
static void nv_ns_sum_add(struct nv_ns_sum *to, const struct nv_ns_sum *p)
{
    to->workloads += p->workloads;
    to->iso_in += p->iso_in;
    to->iso_out += p->iso_out;
    to->ext_in += p->ext_in;
    to->ext_out += p->ext_out;
    to->within += p->within;
    to->from += p->from;
    to->to += p->to;
}

/* The counting state: endpoints (classes, or units) numbered namespace by namespace. */
struct nv_sum {
    const struct nv_model *m;
    struct nv_matrix *x;
    int bits;       /* rows from nv_matrix_reach_bits() (endpoint i is class i) */
    size_t n, nw;   /* endpoints, words of a row */
    uint32_t *unit; /* per endpoint: its unit */
    size_t *first;  /* per namespace: its first endpoint; endpoints first .. first + count */
    size_t *count;
    size_t nplanes; /* weights as bit planes: weight bit k of every endpoint in plane k */
    uint64_t *planes;
    uint64_t *haswl; /* the endpoints with workloads: the planes ORed */
    uint32_t *row;   /* scratch: a port-set row over units (not 'bits') */
    uint64_t *rbits; /* the current row */
};

#define NV_BIT(bits, i) (((bits)[(i) >> 6] >> ((i)&63)) & 1)
#define NV_SETBIT(bits, i) ((bits)[(i) >> 6] |= (uint64_t)1 << ((i)&63))

/*
 * Counting is popcounts over rows of 100,000 bits: built twice on x86-64, for
 * processors with the POPCNT instruction and for those without (chosen when
 * the program starts), as the baseline target has no POPCNT.
 */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NV_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#endif
#endif
#ifndef NV_POPCNT_CLONES
#define NV_POPCNT_CLONES
#endif

/* Summaries of clusters with at least this many endpoints are counted in two processes when
 * the machine has two processors (list --jobs). */
#define NV_SUM_JOBS_MIN 50000
#define NV_SUM_MAX_JOBS 8

static const struct nv_model *nv_sort_model;

static int nv_unit_ns_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    unsigned na = nv_sort_model->units[a].ns, nb = nv_sort_model->units[b].ns;

    if (na != nb)
        return na < nb ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int nv_ns_name_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return strcmp(nv_sort_model->ns[a].name, nv_sort_model->ns[b].name);
}

static void nv_sum_init(struct nv_sum *S, const struct nv_model *m, struct nv_matrix *x)
{
    size_t i, k, maxw = 0;

    memset(S, 0, sizeof(*S));
    S->m = m;
    S->x = x;
    S->bits = nv_matrix_bits_usable(x);
    S->n = m->nunits;
    S->nw = (S->n + 63) / 64;
    S->unit = nv_xmalloc((S->n + 1) * sizeof(*S->unit));
    for (i = 0; i < S->n; i++)
        S->unit[i] = (uint32_t)i;
    if (!S->bits) {
        /* units made of several classes come after the classes: order them by namespace */
        nv_sort_model = m;
        qsort(S->unit, S->n, sizeof(*S->unit), nv_unit_ns_cmp);
        S->row = nv_xmalloc((m->nunits + 1) * sizeof(*S->row));
    }
    S->first = nv_xcalloc(m->nns + 1, sizeof(*S->first));
    S->count = nv_xcalloc(m->nns + 1, sizeof(*S->count));
    for (i = 0; i < S->n; i++) {
        const struct nv_unit *u = &m->units[S->unit[i]];
        if (i && m->units[S->unit[i - 1]].ns > u->ns)
            NV_BUG("summary endpoints are not ordered by namespace");
        if (!S->count[u->ns]++)
            S->first[u->ns] = i;
        if (u->nworkloads > maxw)
            maxw = u->nworkloads;
    }
    while (maxw >> S->nplanes)
        S->nplanes++;
    S->planes = nv_xcalloc(S->nplanes * S->nw + 1, sizeof(*S->planes));
    for (i = 0; i < S->n; i++)
        for (k = 0; k < S->nplanes; k++)
            if ((m->units[S->unit[i]].nworkloads >> k) & 1)
                NV_SETBIT(S->planes + k * S->nw, i);
    S->haswl = nv_xcalloc(S->nw + 1, sizeof(*S->haswl));
    for (k = 0; k < S->nplanes; k++)
        for (i = 0; i < S->nw; i++)
            S->haswl[i] |= S->planes[k * S->nw + i];
    S->rbits = nv_xcalloc(S->nw + 1, sizeof(*S->rbits));
}

static void nv_sum_release(struct nv_sum *S)
{
    free(S->unit);
    free(S->first);
    free(S->count);
    free(S->planes);
    free(S->haswl);
    free(S->row);
    free(S->rbits);
}

/* The row of endpoint i into S->rbits. */
static void nv_sum_row(struct nv_sum *S, size_t i)
{
    size_t j;

    if (S->bits) {
        nv_matrix_reach_bits(S->x, S->unit[i], S->rbits);
        return;
    }
    nv_matrix_row(S->x, S->unit[i], S->row, NULL);
    memset(S->rbits, 0, S->nw * sizeof(*S->rbits));
    for (j = 0; j < S->n; j++)
        if (S->row[S->unit[j]] != NV_PORTS_NONE)
            NV_SETBIT(S->rbits, j);
}

/* The workloads of the endpoints set in bits among endpoints lo .. hi - 1. */
NV_POPCNT_CLONES
static unsigned long long nv_sum_weight(const struct nv_sum *S, const uint64_t *bits, size_t lo,
                                        size_t hi)
{
    unsigned long long n = 0;
    size_t k, w;

    for (k = 0; k < S->nplanes && lo < hi; k++) {
        const uint64_t *p = S->planes + k * S->nw;
        unsigned long long c = 0;
        for (w = lo >> 6; w <= (hi - 1) >> 6; w++) {
            uint64_t v = bits[w] & p[w];
            if (w == lo >> 6)
                v &= ~(uint64_t)0 << (lo & 63);
            if (w == (hi - 1) >> 6 && (hi & 63))
                v &= ((uint64_t)1 << (hi & 63)) - 1;
            c += (unsigned long long)__builtin_popcountll(v);
        }
        n += c << k;
    }
    return n;
}

/* The workloads of every endpoint set in row, which is ORed into uni: one pass over the row. */
NV_POPCNT_CLONES
static unsigned long long nv_sum_fold(const struct nv_sum *S, const uint64_t *row, uint64_t *uni)
{
    unsigned long long n = 0;
    size_t w, k, nw = S->nw;

    for (w = 0; w < nw; w++) {
        uint64_t v = row[w];
        if (!v)
            continue;
        uni[w] |= v;
        for (k = 0; k < S->nplanes; k++)
            n += (unsigned long long)__builtin_popcountll(v & S->planes[k * nw + w]) << k;
    }
    return n;
}

/* Whether bits has an endpoint with workloads among lo .. hi - 1. */
static int nv_sum_any(const struct nv_sum *S, const uint64_t *bits, size_t lo, size_t hi)
{
    size_t w, wl = lo >> 6, wh = (hi - 1) >> 6;

    if (lo >= hi)
        return 0;
    for (w = wl; w <= wh; w++) {
        uint64_t v = bits[w] & S->haswl[w];
        if (w == wl)
            v &= ~(uint64_t)0 << (lo & 63);
        if (w == wh && (hi & 63))
            v &= ((uint64_t)1 << (hi & 63)) - 1;
        if (v)
            return 1;
    }
    return 0;
}

/*
 * Walk every source endpoint, namespace by namespace in name order
 * ('byname'), or those of one part: the namespaces a with owner[a] equal to
 * 'part' (owner NULL: every one). Fills ns[] (per namespace, may be NULL) and
 * returns the total of allowed pairs; when 'pair' is given, calls it for
 * every ordered pair of namespaces with allowed pairs (sources, then
 * destinations, in name order).
 */
static unsigned long long nv_sum_walk(struct nv_sum *S, struct nv_ns_sum *ns,
                                      const uint32_t *byname, const unsigned char *owner,
                                      unsigned part,
                                      void (*pair)(void *, uint32_t, uint32_t, unsigned long long),
                                      void *ctx)
{
    const struct nv_model *m = S->m;
    size_t nns = m->nns, a, ai, i, b;
    unsigned long long total = 0;
    unsigned long long *acc = pair ? nv_xcalloc(nns + 1, sizeof(*acc)) : NULL;
    uint64_t *uni = nv_xmalloc((S->nw + 1) * sizeof(*uni)); /* the namespace's rows, or'ed */

    for (ai = 0; ai < nns; ai++) {
        size_t lo = S->first[byname[ai]], hi = lo + S->count[byname[ai]];
        int any = 0;
        a = byname[ai];
        if (owner && owner[a] != part)
            continue;
        memset(uni, 0, S->nw * sizeof(*uni));
        for (i = lo; i < hi; i++) {
            const struct nv_unit *u = &m->units[S->unit[i]];
            unsigned long long w = u->nworkloads, self, all;
            size_t c;
            if (!w)
                continue;
            any = 1;
            nv_sum_row(S, i);
            self = NV_BIT(S->rbits, i) ? w : 0; /* a workload does not reach itself */
            all = nv_sum_fold(S, S->rbits, uni);
            total += w * all - self;
            if (acc)
                for (b = 0; b < nns; b++)
                    if (S->count[b])
                        acc[b] +=
                            w * nv_sum_weight(S, S->rbits, S->first[b], S->first[b] + S->count[b]) -
                            (b == a ? self : 0);
            if (!ns)
                continue;
            ns[a].within += w * nv_sum_weight(S, S->rbits, lo, hi) - self;
            ns[a].workloads += w;
            {
                int iso_in = 1, iso_out = 1, ext_in = 0, ext_out = 0;
                for (c = 0; c < u->ncls; c++) {
                    iso_in &= nv_matrix_isolated(S->x, u->cls[c], NV_INGRESS);
                    iso_out &= nv_matrix_isolated(S->x, u->cls[c], NV_EGRESS);
                    ext_in |= nv_matrix_reached_from_outside(S->x, u->cls[c]);
                    ext_out |= nv_matrix_reaches_outside(S->x, u->cls[c]);
                }
                ns[a].iso_in += iso_in ? w : 0;
                ns[a].iso_out += iso_out ? w : 0;
                ns[a].ext_in += ext_in ? w : 0;
                ns[a].ext_out += ext_out ? w : 0;
            }
        }
        if (ns && any)
            for (b = 0; b < nns; b++)
                if (b != a && S->count[b] &&
                    nv_sum_any(S, uni, S->first[b], S->first[b] + S->count[b])) {
                    ns[a].to++;
                    ns[b].from++;
                }
        if (acc) {
            for (b = 0; b < nns; b++) {
                uint32_t d = byname[b];
                if (acc[d])
                    pair(ctx, (uint32_t)a, d, acc[d]);
                acc[d] = 0;
            }
        }
    }
    free(uni);
    free(acc);
    return total;
}

/* What a part of the walk hands back: its total, then the namespaces' sums. */
static int nv_sum_read_part(int fd, unsigned long long *total, struct nv_ns_sum *ns, size_t nns)
{
    char *p = (char *)total;
    size_t want = sizeof(*total), got = 0, k = 0;

    for (;;) {
        ssize_t r;
        if (got == want) {
            if (k == 1)
                return 0;
            p = (char *)ns;
            want = nns * sizeof(*ns);
            got = 0;
            k = 1;
            if (!want)
                return 0;
        }
        r = read(fd, p + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
}

static int nv_sum_write_all(int fd, const void *v, size_t n)
{
    const char *p = v;

    while (n) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* A group of namespaces (nv_matrix_ns_group()) and its rows. */
struct nv_sum_group {
    uint32_t group;
    unsigned long long rows;
};

static int nv_sum_group_cmp(const void *pa, const void *pb)
{
    const struct nv_sum_group *a = pa, *b = pb;

    if (a->rows != b->rows)
        return a->rows > b->rows ? -1 : 1;
    return a->group < b->group ? -1 : a->group > b->group;
}

/*
 * Which of 'jobs' parts walks each namespace: a group of namespaces whole
 * (the engine builds what the group's rows draw on once per process), the
 * group with the most rows first, each to the part with the fewest rows yet.
 * The caller frees the result.
 */
static unsigned char *nv_sum_parts(const struct nv_sum *S, unsigned jobs)
{
    size_t nns = S->m->nns, ng = 0, a, k;
    struct nv_sum_group *g = nv_xcalloc(nns + 1, sizeof(*g)); /* by group, then by rows */
    uint32_t *grp = nv_xmalloc((nns + 1) * sizeof(*grp));
    unsigned char *owner = nv_xmalloc(nns + 1), *gpart;
    unsigned long long load[NV_SUM_MAX_JOBS] = {0};
    unsigned j, best;

    for (a = 0; a < nns; a++) {
        grp[a] = nv_matrix_ns_group(S->x, (uint32_t)a);
        g[grp[a]].group = grp[a];
        g[grp[a]].rows += S->count[a];
    }
    for (a = 0; a < nns; a++)
        if (g[a].rows)
            g[ng++] = g[a]; /* ng <= a: g[a] is read before it can be overwritten */
    qsort(g, ng, sizeof(*g), nv_sum_group_cmp);
    gpart = nv_xcalloc(nns + 1, 1);
    for (k = 0; k < ng; k++) {
        for (best = 0, j = 1; j < jobs; j++)
            if (load[j] < load[best])
                best = j;
        load[best] += g[k].rows;
        gpart[g[k].group] = (unsigned char)best;
    }
    for (a = 0; a < nns; a++)
        owner[a] = gpart[grp[a]];
    free(gpart);
    free(grp);
    free(g);
    return owner;
}

/*
 * nv_sum_walk() of the summary (no pairs) in 'jobs' parts at once: parts 1 .. jobs - 1 in
 * processes of their own, each handing back its sums through a pipe, part 0 in this one. The
 * engine is single-threaded: a forked process has its own copy of its caches, and shares
 * (copy-on-write) what nv_matrix_bits_usable() made. A part whose process cannot be started
 * or does not hand back its sums is walked here. The sums do not depend on the parts.
 */
static unsigned long long nv_sum_walk_jobs(struct nv_sum *S, struct nv_ns_sum *ns,
                                           const uint32_t *byname, unsigned jobs)
{
    size_t nns = S->m->nns, j, i;
    pid_t pid[NV_SUM_MAX_JOBS];
    int fd[NV_SUM_MAX_JOBS];
    unsigned long long total;
    unsigned char *owner;

    if (jobs > NV_SUM_MAX_JOBS)
        jobs = NV_SUM_MAX_JOBS;
    owner = nv_sum_parts(S, jobs);
    fflush(NULL); /* nothing buffered is written twice */
    for (j = 1; j < jobs; j++) {
        int p[2];
        pid[j] = -1;
        fd[j] = -1;
        if (pipe(p) < 0)
            continue;
        pid[j] = fork();
        if (pid[j] == 0) {
            struct nv_ns_sum *part = nv_xcalloc(nns + 1, sizeof(*part));
            unsigned long long t;
            close(p[0]);
            t = nv_sum_walk(S, part, byname, owner, (unsigned)j, NULL, NULL);
            _exit(nv_sum_write_all(p[1], &t, sizeof(t)) < 0 ||
                          nv_sum_write_all(p[1], part, nns * sizeof(*part)) < 0
                      ? 1
                      : 0);
        }
        close(p[1]);
        if (pid[j] < 0)
            close(p[0]);
        else
            fd[j] = p[0];
    }
    total = nv_sum_walk(S, ns, byname, owner, 0, NULL, NULL);
    for (j = 1; j < jobs; j++) {
        struct nv_ns_sum *part = nv_xcalloc(nns + 1, sizeof(*part));
        unsigned long long t = 0;
        int ok = 0, st;
        if (fd[j] >= 0) {
            ok = nv_sum_read_part(fd[j], &t, part, nns) == 0;
            close(fd[j]);
        }
        if (pid[j] > 0)
            ok = waitpid(pid[j], &st, 0) == pid[j] && WIFEXITED(st) && WEXITSTATUS(st) == 0 && ok;
        if (!ok) {
            fprintf(stderr, "netverify: note: a process counting part of the summary failed; "
                            "that part is counted again\n");
            memset(part, 0, nns * sizeof(*part));
            t = nv_sum_walk(S, part, byname, owner, (unsigned)j, NULL, NULL);
        }
        total += t;
        for (i = 0; i < nns; i++)
            nv_ns_sum_add(&ns[i], &part[i]);
        free(part);
    }
    free(owner);
    return total;
}

/* Namespace indexes in name order. The caller frees the result. */
static uint32_t *nv_ns_by_name(const struct nv_model *m)
{
    uint32_t *byname = nv_xmalloc((m->nns + 1) * sizeof(*byname));
    size_t i;

    for (i = 0; i < m->nns; i++)
        byname[i] = (uint32_t)i;
    nv_sort_model = m;
    qsort(byname, m->nns, sizeof(*byname), nv_ns_name_cmp);
    return byname;
}

static char *nv_term(const char *s)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_escape_term(&b, s);
    return nv_buf_detach(&b);
}

int nv_summary_write(const struct nv_model *m, struct nv_matrix *x, FILE *fp, unsigned jobs)
{
    struct nv_sum S;
    struct nv_ns_sum *ns = nv_xcalloc(m->nns + 1, sizeof(*ns));
    struct nv_ns_sum t;
    uint32_t *byname = nv_ns_by_name(m);
    unsigned long long pairs, allpairs, nnp = 0;
    size_t i, nsused = 0, nw = m->nworkloads;

    nv_sum_init(&S, m, x);
    if (!jobs) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = S.bits && S.n >= NV_SUM_JOBS_MIN && cpus >= 2 ? 2 : 1;
    }
    if (jobs > m->nns)
        jobs = m->nns ? (unsigned)m->nns : 1;
    pairs = jobs > 1 ? nv_sum_walk_jobs(&S, ns, byname, jobs)
                     : nv_sum_walk(&S, ns, byname, NULL, 0, NULL, NULL);
    memset(&t, 0, sizeof(t));
    for (i = 0; i < m->nns; i++) {
        t.iso_in += ns[i].iso_in;
        t.iso_out += ns[i].iso_out;
        t.ext_in += ns[i].ext_in;
        t.ext_out += ns[i].ext_out;
        nnp += ns[i].to + (ns[i].within != 0);
    }
    for (i = 0; i < m->nns; i++)
        nsused += ns[i].workloads != 0;
    allpairs = (unsigned long long)nw * (nw ? nw - 1 : 0);
    fprintf(fp, "workloads: %zu\n", nw);
    fprintf(fp, "namespaces: %zu (%zu with workloads)\n", m->nns, nsused);
    fprintf(fp, "network policies: %zu\n", m->npolicies);
    fprintf(fp, "isolated for ingress: %llu of %zu workloads\n", t.iso_in, nw);
    fprintf(fp, "isolated for egress: %llu of %zu workloads\n", t.iso_out, nw);
    fprintf(fp, "reachable from outside the cluster: %llu of %zu workloads\n", t.ext_in, nw);
    fprintf(fp, "can reach outside the cluster: %llu of %zu workloads\n", t.ext_out, nw);
    fprintf(fp, "allowed workload pairs: %llu of %llu", pairs, allpairs);
    if (allpairs)
        fprintf(fp, " (%.1f%%)", 100.0 * (double)pairs / (double)allpairs);
    fputc('\n', fp);
    fprintf(fp, "namespace pairs with allowed flows: %llu (list --format ns-matrix lists them)\n",
            nnp);
    if (nsused)
        fputs(
            "per namespace (in: isolated for ingress, reachable from outside, reached from other "
            "namespaces; out: isolated for egress, reaching outside, reaching other namespaces):\n",
            fp);
    for (i = 0; i < m->nns; i++) {
        const struct nv_ns_sum *n = &ns[byname[i]];
        unsigned long long w = n->workloads;
        char *name;
        if (!w)
            continue;
        name = nv_term(m->ns[byname[i]].name);
        fprintf(fp,
                "  %s: %llu workload%s; isolated in %llu, out %llu; outside in %llu, out %llu; "
                "namespaces in %llu, out %llu; pairs within %llu of %llu\n",
                name, w, w == 1 ? "" : "s", n->iso_in, n->iso_out, n->ext_in, n->ext_out, n->from,
                n->to, n->within, w * (w - 1));
        free(name);
    }
    nv_sum_release(&S);
    free(byname);
    free(ns);
    return 0;
}

/* ---- the namespace-pair table ---- */

struct nv_nsm {
    const struct nv_model *m;
    FILE *fp;
    enum nv_ns_matrix_fmt fmt;
    unsigned long long *wl; /* workloads per namespace */
    char **name;            /* per namespace, escaped for the format */
    size_t nout;
    struct nv_buf line;
};

static void nv_nsm_pair(void *ctx, uint32_t a, uint32_t b, unsigned long long n)
{
    struct nv_nsm *o = ctx;
    unsigned long long all = o->wl[a] * o->wl[b] - (a == b ? o->wl[b] : 0);
    struct nv_buf *l = &o->line;

    nv_buf_reset(l);
    switch (o->fmt) {
    case NV_NSM_TEXT:
        nv_buf_printf(l, "  %s -> %s: %llu of %llu\n", o->name[a], o->name[b], n, all);
        break;
    case NV_NSM_CSV:
        nv_buf_printf(l, "%s,%s,%llu,%llu\n", o->name[a], o->name[b], n, all);
        break;
    case NV_NSM_MD:
        nv_buf_printf(l, "| %s | %s | %llu | %llu |\n", o->name[a], o->name[b], n, all);
        break;
    case NV_NSM_JSON:
        nv_buf_printf(l, "%s\n  {\"src\": %s, \"dst\": %s, \"allowed\": %llu, \"pairs\": %llu}",
                      o->nout ? "," : "", o->name[a], o->name[b], n, all);
        break;
    }
    fwrite(l->data, 1, l->len, o->fp);
    o->nout++;
}

int nv_summary_ns_matrix(const struct nv_model *m, struct nv_matrix *x, FILE *fp,
                         enum nv_ns_matrix_fmt fmt)
{
    struct nv_sum S;
    struct nv_nsm o;
    uint32_t *byname = nv_ns_by_name(m);
    size_t i;

    memset(&o, 0, sizeof(o));
    o.m = m;
    o.fp = fp;
    o.fmt = fmt;
    o.wl = nv_xcalloc(m->nns + 1, sizeof(*o.wl));
    o.name = nv_xcalloc(m->nns + 1, sizeof(*o.name));
    nv_buf_init(&o.line, 0);
    for (i = 0; i < m->nworkloads; i++)
        o.wl[m->workloads[i].ns]++;
    for (i = 0; i < m->nns; i++) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        switch (fmt) {
        case NV_NSM_CSV:
            nv_escape_csv(&b, m->ns[i].name);
            break;
        case NV_NSM_MD:
            nv_escape_md(&b, m->ns[i].name);
            break;
        case NV_NSM_JSON:
            nv_json_quote(&b, m->ns[i].name);
            break;
        default:
            nv_escape_term(&b, m->ns[i].name);
            break;
        }
        o.name[i] = nv_buf_detach(&b);
    }
    switch (fmt) {
    case NV_NSM_TEXT:
        fputs("namespace pairs with allowed flows (allowed of all workload pairs):\n", fp);
        break;
    case NV_NSM_CSV:
        fputs("src,dst,allowed,pairs\n", fp);
        break;
    case NV_NSM_MD:
        fputs("| src | dst | allowed | pairs |\n|---|---|---:|---:|\n", fp);
        break;
    case NV_NSM_JSON:
        fputs("{\"namespace_pairs\": [", fp);
        break;
    }
    nv_sum_init(&S, m, x);
    nv_sum_walk(&S, NULL, byname, NULL, 0, nv_nsm_pair, &o);
    if (fmt == NV_NSM_JSON)
        fputs(o.nout ? "\n]}\n" : "]}\n", fp);
    nv_sum_release(&S);
    for (i = 0; i < m->nns; i++)
        free(o.name[i]);
    free(o.name);
    free(o.wl);
    nv_buf_release(&o.line);
    free(byname);
    return 0;
}
