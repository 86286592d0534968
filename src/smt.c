/*
 * smt.c - the model in Z3 (QF_BV) and claims decided as satisfiability
 * queries; the only file that includes <z3.h>.
 *
 * The context is reference counted (Z3_mk_context_rc): Z3 keeps only the last
 * term it returned alive, so every term a Z3_mk_* call returns is passed
 * through nv_k() at once, which holds it in the pool in use (the encoding's, or
 * the claim's that nv_smt_check() drops). A term not held is freed under the
 * caller's feet by the next call. Each part of a claim has a context of its
 * own (nv_encode(), nv_unencode()), so nothing of one claim stays for the next.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/smt.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <z3.h>

#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/explain.h"

/* ---- vocabulary: the label keys and values selectors use ---- */

struct nv_vkey {
    const char *key;
    size_t nvals, alloc;
    const char **vals;
    unsigned width;
};

struct nv_vocab {
    struct nv_vkey *keys;
    size_t n, alloc;
};

static struct nv_vkey *nv_vocab_key(struct nv_vocab *v, const char *key)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        if (v->keys[i].key == key)
            return &v->keys[i];
    NV_GROW(v->keys, v->alloc, v->n + 1);
    memset(&v->keys[v->n], 0, sizeof(v->keys[v->n]));
    v->keys[v->n].key = key;
    return &v->keys[v->n++];
}

static void nv_vocab_add(struct nv_vocab *v, const struct nv_selector *s)
{
    size_t i, j, k;

    if (!s)
        return;
    for (i = 0; i < s->n; i++) {
        struct nv_vkey *key = nv_vocab_key(v, s->reqs[i].key);
        for (j = 0; j < s->reqs[i].nvalues; j++) {
            for (k = 0; k < key->nvals; k++)
                if (key->vals[k] == s->reqs[i].values[j])
                    break;
            if (k < key->nvals)
                continue;
            NV_GROW(key->vals, key->alloc, key->nvals + 1);
            key->vals[key->nvals++] = s->reqs[i].values[j];
        }
    }
}

static const struct nv_vkey *nv_vocab_find(const struct nv_vocab *v, const char *key, size_t *idx)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        if (v->keys[i].key == key) {
            *idx = i;
            return &v->keys[i];
        }
    return NULL;
}

/* 0: absent, 1: a value no selector names, 2 + i: the i-th named value. */
static unsigned nv_vocab_code(const struct nv_vkey *k, const char *val)
{
    size_t i;

    if (!val)
        return 0;
    for (i = 0; i < k->nvals; i++)
        if (k->vals[i] == val)
            return (unsigned)(2 + i);
    return 1;
}

static unsigned nv_width(uint64_t maxval)
{
    unsigned w = 1;

    while (w < 63 && (maxval >> w))
        w++;
    return w;
}

/* ---- the encoding ---- */

/* A named container port rules use, with the port numbers classes give it. */
struct nv_nport {
    const char *name;
    enum nv_proto proto;
    size_t nvals, alloc;
    unsigned *vals;
};

/*
 * A symbolic endpoint. Every attribute is a group of Booleans of which at most
 * one holds (a label key: [0] absent, [1] a value no selector names, [2 + i]
 * the i-th named value; a named port: [0] absent, [1 + j] its j-th number).
 * One indicator per class pins the attributes of that class's pods.
 */
struct nv_sym {
    Z3_ast pod, ns;
    Z3_ast hn;     /* a hostNetwork pod */
    Z3_ast podsel; /* a pod that selectors can see: not a hostNetwork pod treated as its node */
    /* an external address: IPv4 (ip) or IPv6 (ip6); v6 tells which when both are modelled.
     * The variables of a family not modelled are NULL. */
    Z3_ast v6, ip, ip6;
    Z3_ast *cls;    /* per class */
    Z3_ast *nsis;   /* per namespace: ns == k */
    Z3_ast **lab;   /* per pod-label key */
    Z3_ast **nslab; /* per namespace-label key */
    Z3_ast **np;    /* per named port */
};

struct nv_smt {
    /* what stays from claim to claim: the model, and its classes namespace by namespace
     * (those of namespace k are nscls[nsoff[k] .. nsoff[k + 1])) */
    const struct nv_model *m;
    uint32_t *nscls;
    size_t *nsoff;
    /* the first try at a part (nv_smt_check()): an end that can be in more than
     * trial_from classes is given one in trial_one_in of them (1: no first try);
     * how many parts were settled by it and how many were asked again */
    size_t trial_from;
    unsigned trial_one_in;
    size_t trials_kept, trials_redone;
    /* the time limit of what is being built (the encoding, a claim's query): the loops
     * that build ask nv_late() and stop once it has passed */
    struct timespec deadline;
    int has_deadline, late;
    unsigned ticks;
    /*
     * The encoding of one part of one claim (from ctx on, dropped by nv_unencode()): its
     * scope is the classes each end can be in the part (dom[0] the source's, dom[1] the
     * destination's) and the NetworkPolicies selecting some of them (keep[0], keep[1]);
     * the others cannot touch the part. Classes no formula of the part tells apart share
     * one indicator: rep[c] is the first class of c's group (c itself when alone).
     */
    Z3_context ctx; /* reference counted (Z3_mk_context_rc) */
    /* this encoding is a first try (set before nv_encode()); 'thinned': an end was given
     * part of its classes; 'inexact': a question was answered by the absence of a flow,
     * which the classes left out may have */
    int trial, thinned, inexact;
    Z3_solver solver;
    /* who holds the terms built: 'base' the encoding's (for the whole run), 'claim'
     * one claim's (dropped when it is decided); 'pool' is the one in use */
    Z3_ast_vector base, claim, pool;
    unsigned char *dom[2], *keep[2], *nsdom[2];
    uint32_t *rep;
    /* what the part's scope makes of each peer and rule, asked once and kept (by id; 0: not
     * yet asked, 1: no, 2: yes): whether a pod peer of a kept rule can hold a pod at the
     * other end (nv_live()), whether a rule admits a port the claim asks about
     * (nv_rule_meets()) */
    unsigned char *live, *meets;
    /* the numbers each named port takes in the destinations of the part (nv_named_vals()) */
    struct nv_named *named;
    size_t nnamed, namedalloc;
    /* a claim naming ports: the (proto << 16 | port) intervals it can ask about (with
     * its named ports as the destinations can declare them); ncports = 0: every port */
    uint32_t *cports;
    size_t ncports;
    struct nv_vocab pv, nv;
    struct nv_nport *nps;
    size_t nnps, npsalloc;
    unsigned wns;
    struct nv_sym s, d;
    Z3_ast proto, port;
    /* names of the shared formulas: defined once in the base, so that a claim's query
     * is small and the solver bit-blasts the policies only once */
    Z3_ast allowed, domain, iso_in_s, iso_out_s;
    Z3_ast allowed_f, domain_f; /* the formulas named, for instantiation at a port */
    Z3_ast iso_in_f, iso_out_f; /* the same for isolation, for instantiation at a combination */
    /* the behaviours (true: value 1 of nv_behaviours[]) and whether a hostNetwork pod
     * shares its node with the pod at the other end */
    Z3_ast beh[NV_NBEHAVIOURS], local;
    /* a guardrail query ('regardless of NetworkPolicies'): the NetworkPolicy tier is left
     * free, its answer for a pod it can select being np_free[dir], one per direction */
    Z3_ast guard, np_free[2];
    /* a rule of the cluster tiers has a 'networks' or 'nodes' peer: the pods' addresses
     * matter whatever the plugin does with ipBlocks */
    int tier_addr;
    /* the orders the plugin may put same-priority cluster-tier policies in
     * (nv_explain_tier_orders(); 'ord' picks one when there are several) */
    size_t norders;
    Z3_ast ord;
    /* peers the manifests cannot decide (nv_explain_maybe_peer()): one variable each */
    size_t nmaybe;
    Z3_ast *maybe;
    size_t ncombos;
    struct nv_combo combos[NV_MAX_COMBOS];
    int sigma; /* pods' addresses or nodes can matter under some combination */
    /* per combination, built when first needed: allowed under some / under every address
     * and placement of the pods (named constants, and the formulas for a port) */
    Z3_ast any_c[NV_MAX_COMBOS], all_c[NV_MAX_COMBOS];
    Z3_ast any_cf[NV_MAX_COMBOS];
    Z3_ast *axioms;
    size_t naxioms, axalloc;
    int tainted; /* the watchdog interrupted the solver: use a fresh one next */
};

/* Start the clock: what is built from now on must be done within 'timeout' seconds (0: no limit).
 */
static void nv_set_deadline(struct nv_smt *s, double timeout)
{
    s->has_deadline = timeout > 0;
    s->late = 0;
    s->ticks = 0;
    if (!s->has_deadline)
        return;
    clock_gettime(CLOCK_MONOTONIC, &s->deadline);
    s->deadline.tv_sec += (time_t)timeout;
    s->deadline.tv_nsec += (long)((timeout - (double)(time_t)timeout) * 1e9);
    if (s->deadline.tv_nsec >= 1000000000L) {
        s->deadline.tv_sec++;
        s->deadline.tv_nsec -= 1000000000L;
    }
}

/* Whether the deadline has passed: read the clock now. */
static int nv_late_now(struct nv_smt *s)
{
    struct timespec now;

    if (s->late || !s->has_deadline)
        return s->late;
    clock_gettime(CLOCK_MONOTONIC, &now);
    s->late = now.tv_sec > s->deadline.tv_sec ||
              (now.tv_sec == s->deadline.tv_sec && now.tv_nsec >= s->deadline.tv_nsec);
    return s->late;
}

/*
 * Whether the deadline has passed, asked at every step of a loop that builds
 * the encoding; the clock is read every 64th step. Once late, the loops stop
 * and what they built is thrown away.
 */
static int nv_late(struct nv_smt *s)
{
    if (s->late)
        return 1;
    if (!s->has_deadline || (++s->ticks & 63))
        return 0;
    return nv_late_now(s);
}

static void nv_z3_error(Z3_context c, Z3_error_code e)
{
    fflush(stdout);
    fprintf(stderr, "netverify: internal error: z3: %s\n", Z3_get_error_msg(c, e));
    exit(NV_EXIT_INTERNAL);
}

/*
 * A term just returned by Z3, held by the pool in use: an rc context keeps only
 * the last term it returned alive, so every term is held before the next call.
 */
static Z3_ast nv_k(struct nv_smt *s, Z3_ast a)
{
    Z3_ast_vector_push(s->ctx, s->pool, a);
    return a;
}

/* A new pool of terms, held until nv_pool_drop(). */
static Z3_ast_vector nv_pool_new(struct nv_smt *s)
{
    Z3_ast_vector v = Z3_mk_ast_vector(s->ctx);

    Z3_ast_vector_inc_ref(s->ctx, v);
    return v;
}

/* Build one claim's terms in a pool of their own (nv_claim_end() drops it). */
static void nv_claim_begin(struct nv_smt *s)
{
    s->claim = nv_pool_new(s);
    s->pool = s->claim;
}

static void nv_claim_end(struct nv_smt *s)
{
    Z3_ast_vector_dec_ref(s->ctx, s->claim);
    s->claim = NULL;
    s->pool = s->base;
}

static Z3_ast nv_true(struct nv_smt *s)
{
    return nv_k(s, Z3_mk_true(s->ctx));
}

static Z3_ast nv_false(struct nv_smt *s)
{
    return nv_k(s, Z3_mk_false(s->ctx));
}

static Z3_ast nv_num(struct nv_smt *s, uint64_t v, unsigned width)
{
    return nv_k(s, Z3_mk_unsigned_int64(s->ctx, v, Z3_mk_bv_sort(s->ctx, width)));
}

static Z3_ast nv_eqn(struct nv_smt *s, Z3_ast x, uint64_t v, unsigned width)
{
    return nv_k(s, Z3_mk_eq(s->ctx, x, nv_num(s, v, width)));
}

/* A growable conjunction or disjunction. */
struct nv_terms {
    Z3_ast *v;
    size_t n, alloc;
};

static void nv_terms_add(struct nv_terms *t, Z3_ast a)
{
    NV_GROW(t->v, t->alloc, t->n + 1);
    t->v[t->n++] = a;
}

static Z3_ast nv_and(struct nv_smt *s, struct nv_terms *t)
{
    Z3_ast r = t->n == 0   ? nv_true(s)
               : t->n == 1 ? t->v[0]
                           : nv_k(s, Z3_mk_and(s->ctx, (unsigned)t->n, t->v));

    free(t->v);
    memset(t, 0, sizeof(*t));
    return r;
}

static Z3_ast nv_or(struct nv_smt *s, struct nv_terms *t)
{
    Z3_ast r = t->n == 0   ? nv_false(s)
               : t->n == 1 ? t->v[0]
                           : nv_k(s, Z3_mk_or(s->ctx, (unsigned)t->n, t->v));

    free(t->v);
    memset(t, 0, sizeof(*t));
    return r;
}

static Z3_ast nv_and2(struct nv_smt *s, Z3_ast a, Z3_ast b)
{
    Z3_ast v[2];

    v[0] = a;
    v[1] = b;
    return nv_k(s, Z3_mk_and(s->ctx, 2, v));
}

static Z3_ast nv_or2(struct nv_smt *s, Z3_ast a, Z3_ast b)
{
    Z3_ast v[2];

    v[0] = a;
    v[1] = b;
    return nv_k(s, Z3_mk_or(s->ctx, 2, v));
}

static Z3_ast nv_var(struct nv_smt *s, const char *prefix, const char *name, unsigned width)
{
    char buf[96];
    Z3_sort sort = width ? Z3_mk_bv_sort(s->ctx, width) : Z3_mk_bool_sort(s->ctx);

    snprintf(buf, sizeof(buf), "%s%s", prefix, name);
    return nv_k(s, Z3_mk_const(s->ctx, Z3_mk_string_symbol(s->ctx, buf), sort));
}

static void nv_axiom(struct nv_smt *s, Z3_ast a)
{
    NV_GROW(s->axioms, s->axalloc, s->naxioms + 1);
    s->axioms[s->naxioms++] = a;
    Z3_solver_assert(s->ctx, s->solver, a);
}

/* A Boolean constant defined as f in the base assertions. */
static Z3_ast nv_name(struct nv_smt *s, const char *name, Z3_ast f)
{
    Z3_ast b = nv_var(s, "", name, 0);

    nv_axiom(s, nv_k(s, Z3_mk_eq(s->ctx, b, f)));
    return b;
}

/* A group of n Booleans named prefix+name+index. */
static Z3_ast *nv_group(struct nv_smt *s, const char *p, const char *name, size_t n)
{
    Z3_ast *g = nv_xcalloc(n + 1, sizeof(*g));
    char buf[96];
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(buf, sizeof(buf), "%s_%zu", name, i);
        g[i] = nv_var(s, p, buf, 0);
    }
    return g;
}

static void nv_make_sym(struct nv_smt *s, struct nv_sym *e, const char *p)
{
    const struct nv_model *m = s->m;
    size_t i;
    char name[96];

    e->pod = nv_var(s, p, "pod", 0);
    e->hn = nv_var(s, p, "hostnet", 0);
    e->ns = nv_var(s, p, "ns", s->wns);
    e->v6 = m->families == NV_FAMILIES_ALL ? nv_var(s, p, "v6", 0) : NULL;
    e->ip = m->families & NV_FAMILY_BIT(NV_IPV4) ? nv_var(s, p, "ip", 32) : NULL;
    e->ip6 = m->families & NV_FAMILY_BIT(NV_IPV6) ? nv_var(s, p, "ip6", 128) : NULL;
    /* an indicator per group of classes the end can be (NULL for the others) */
    e->cls = nv_xcalloc(m->nclasses + 1, sizeof(*e->cls));
    for (i = 0; i < m->nclasses && !nv_late(s); i++) {
        int side = e == &s->d;
        if (!s->dom[side][i])
            continue;
        if (s->rep[i] == i) {
            snprintf(name, sizeof(name), "class_%zu", i);
            e->cls[i] = nv_var(s, p, name, 0);
        } else {
            e->cls[i] = e->cls[s->rep[i]];
        }
    }
    e->nsis = nv_xcalloc(m->nns + 1, sizeof(*e->nsis));
    for (i = 0; i < m->nns; i++)
        e->nsis[i] = nv_eqn(s, e->ns, i, s->wns);
    e->lab = nv_xcalloc(s->pv.n + 1, sizeof(*e->lab));
    e->nslab = nv_xcalloc(s->nv.n + 1, sizeof(*e->nslab));
    e->np = nv_xcalloc(s->nnps + 1, sizeof(*e->np));
    for (i = 0; i < s->pv.n; i++) {
        snprintf(name, sizeof(name), "label%zu", i);
        e->lab[i] = nv_group(s, p, name, s->pv.keys[i].nvals + 2);
    }
    for (i = 0; i < s->nv.n; i++) {
        snprintf(name, sizeof(name), "nslabel%zu", i);
        e->nslab[i] = nv_group(s, p, name, s->nv.keys[i].nvals + 2);
    }
    for (i = 0; i < s->nnps; i++) {
        snprintf(name, sizeof(name), "port_%s_%s", s->nps[i].name, nv_proto_name(s->nps[i].proto));
        e->np[i] = nv_group(s, p, name, s->nps[i].nvals + 1);
    }
}

/* At most one of g[0..n): pairwise for small groups, else a sequential counter. */
static void nv_at_most_one(struct nv_smt *s, Z3_ast *g, size_t n, const char *name)
{
    size_t i, j;

    if (n <= 8) {
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                nv_axiom(s, nv_or2(s, nv_k(s, Z3_mk_not(s->ctx, g[i])),
                                   nv_k(s, Z3_mk_not(s->ctx, g[j]))));
        return;
    }
    {
        Z3_ast prev = NULL;
        char buf[96];
        for (i = 0; i < n; i++) {
            Z3_ast cur;
            snprintf(buf, sizeof(buf), "%s_amo_%zu", name, i);
            if (nv_late(s))
                return;
            cur = nv_var(s, "", buf, 0);
            nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, g[i], cur)));
            if (prev) {
                nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, prev, cur)));
                nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, g[i], nv_k(s, Z3_mk_not(s->ctx, prev)))));
            }
            prev = cur;
        }
    }
}

static size_t nv_nport_code(const struct nv_nport *np, unsigned port)
{
    size_t j;

    for (j = 0; j < np->nvals; j++)
        if (np->vals[j] == port)
            return 1 + j;
    return 0;
}

static size_t nv_class_nport(const struct nv_smt *s, const struct nv_class *cl, size_t k);

/* What every pod of each class and each namespace has: asserted once per endpoint. */
static void nv_sym_axioms(struct nv_smt *s, const struct nv_sym *e, const char *p)
{
    const struct nv_model *m = s->m;
    struct nv_terms any = {NULL, 0, 0};
    unsigned char *used;
    size_t c, k;
    char name[96];

    for (k = 0; k < s->pv.n; k++) {
        snprintf(name, sizeof(name), "%slabel%zu", p, k);
        nv_at_most_one(s, e->lab[k], s->pv.keys[k].nvals + 2, name);
    }
    for (k = 0; k < s->nv.n; k++) {
        snprintf(name, sizeof(name), "%snslabel%zu", p, k);
        nv_at_most_one(s, e->nslab[k], s->nv.keys[k].nvals + 2, name);
    }
    for (k = 0; k < s->nnps; k++) {
        snprintf(name, sizeof(name), "%sport%zu", p, k);
        nv_at_most_one(s, e->np[k], s->nps[k].nvals + 1, name);
    }
    /* several class indicators may hold only for classes that nothing but their
     * identity tells apart; the witness is read among them (nv_read_witness) */
    used = nv_xcalloc(m->nns + 1, 1);
    for (c = 0; c < m->nclasses && !nv_late(s); c++) {
        const struct nv_class *cl = &m->classes[c];
        struct nv_terms pins = {NULL, 0, 0};
        Z3_ast b = e->cls[c];
        if (!b || s->rep[c] != c)
            continue; /* not in the scope, or its group's first class pins it */
        /* no 'b implies pod': every pod formula also asks for pod, and an external
         * endpoint's indicators are free, so the clause would only cost time */
        nv_terms_add(&any, b);
        used[cl->ns] = 1;
        nv_terms_add(&pins, e->nsis[cl->ns]);
        nv_terms_add(&pins, cl->hostnet ? e->hn : nv_k(s, Z3_mk_not(s->ctx, e->hn)));
        for (k = 0; k < s->pv.n; k++)
            nv_terms_add(&pins,
                         e->lab[k][nv_vocab_code(&s->pv.keys[k],
                                                 nv_labels_get(&cl->labels, s->pv.keys[k].key))]);
        for (k = 0; k < s->nnps; k++)
            nv_terms_add(&pins, e->np[k][nv_class_nport(s, cl, k)]);
        nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, b, nv_and(s, &pins))));
    }
    nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, e->pod, nv_or(s, &any))));
    /* the labels of the namespaces a pod of the scope can be in (a pod is in a class of it) */
    for (c = 0; c < m->nns && s->nv.n; c++) {
        struct nv_terms pins = {NULL, 0, 0};
        if (!used[c])
            continue;
        for (k = 0; k < s->nv.n; k++)
            nv_terms_add(&pins,
                         e->nslab[k][nv_vocab_code(
                             &s->nv.keys[k], nv_labels_get(&m->ns[c].labels, s->nv.keys[k].key))]);
        nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, e->nsis[c], nv_and(s, &pins))));
    }
    free(used);
}

/*
 * A flow runs between two distinct pods: both ends in a class of one pod is no
 * flow. A group of two classes or more always has two distinct pods.
 */
static void nv_distinct_axioms(struct nv_smt *s)
{
    const struct nv_model *m = s->m;
    size_t c, *size = nv_xcalloc(m->nclasses + 1, sizeof(*size));

    for (c = 0; c < m->nclasses; c++)
        if (s->s.cls[c] && s->d.cls[c])
            size[s->rep[c]]++;
    for (c = 0; c < m->nclasses && !nv_late(s); c++)
        if (size[c] == 1 && !nv_claim_pair_ok(m, (uint32_t)c, (uint32_t)c))
            nv_axiom(s, nv_k(s, Z3_mk_not(s->ctx, nv_and2(s, s->s.cls[c], s->d.cls[c]))));
    free(size);
}

/* A label selector over an endpoint's pod labels (ns = 0) or namespace labels (ns = 1). */
static Z3_ast nv_sel(struct nv_smt *s, const struct nv_sym *e, const struct nv_selector *sel,
                     int ns)
{
    const struct nv_vocab *v = ns ? &s->nv : &s->pv;
    struct nv_terms all = {NULL, 0, 0};
    size_t i, j, idx;

    if (!sel)
        return nv_true(s);
    for (i = 0; i < sel->n; i++) {
        const struct nv_requirement *r = &sel->reqs[i];
        const struct nv_vkey *k = nv_vocab_find(v, r->key, &idx);
        Z3_ast x;
        struct nv_terms any = {NULL, 0, 0};
        if (!k)
            NV_BUG("label key '%s' is not in the vocabulary", r->key);
        x = NULL;
        switch (r->op) {
        case NV_SEL_EXISTS:
            nv_terms_add(&all, nv_k(s, Z3_mk_not(s->ctx, (ns ? e->nslab : e->lab)[idx][0])));
            break;
        case NV_SEL_NOTEXISTS:
            nv_terms_add(&all, (ns ? e->nslab : e->lab)[idx][0]);
            break;
        case NV_SEL_IN:
        case NV_SEL_NOTIN:
            for (j = 0; j < r->nvalues && !nv_late(s); j++)
                nv_terms_add(&any, (ns ? e->nslab : e->lab)[idx][nv_vocab_code(k, r->values[j])]);
            nv_terms_add(&all, r->op == NV_SEL_IN ? nv_or(s, &any)
                                                  : nv_k(s, Z3_mk_not(s->ctx, nv_or(s, &any))));
            break;
        }
        (void)x;
    }
    return nv_and(s, &all);
}

static Z3_ast nv_in_range(struct nv_smt *s, Z3_ast x, uint32_t lo, uint32_t hi, unsigned width)
{
    if (lo == hi)
        return nv_eqn(s, x, lo, width);
    return nv_and2(s, nv_k(s, Z3_mk_bvule(s->ctx, nv_num(s, lo, width), x)),
                   nv_k(s, Z3_mk_bvule(s->ctx, x, nv_num(s, hi, width))));
}

/* Bits [from, from + n) of a 128-bit address (bit 0 the least significant) as a numeral. */
static Z3_ast nv_num128(struct nv_smt *s, const struct nv_ip *a, unsigned from, unsigned n)
{
    bool bits[128];
    unsigned i;

    for (i = 0; i < n; i++) {
        unsigned b = from + i;
        bits[i] = (b < 64 ? a->lo >> b : a->hi >> (b - 64)) & 1;
    }
    return nv_k(s, Z3_mk_bv_numeral(s->ctx, n, bits));
}

/* x (128 bits) in r, an IPv6 range: the prefix bits when r is a CIDR block. */
static Z3_ast nv_in_range128(struct nv_smt *s, Z3_ast x, const struct nv_iprange *r)
{
    int len = nv_iprange_prefix(r);

    if (len == 0)
        return nv_true(s);
    if (len > 0)
        return nv_k(s, Z3_mk_eq(s->ctx, nv_k(s, Z3_mk_extract(s->ctx, 127, 128 - (unsigned)len, x)),
                                nv_num128(s, &r->first, 128 - (unsigned)len, (unsigned)len)));
    return nv_and2(s, nv_k(s, Z3_mk_bvule(s->ctx, nv_num128(s, &r->first, 0, 128), x)),
                   nv_k(s, Z3_mk_bvule(s->ctx, x, nv_num128(s, &r->last, 0, 128))));
}

/*
 * x (32 bits) in r, an IPv4 range: as for IPv6, a CIDR block is its prefix bits,
 * which Z3 takes as that many bits, not as two comparisons of 32.
 */
static Z3_ast nv_in_range32(struct nv_smt *s, Z3_ast x, const struct nv_iprange *r)
{
    int len = nv_iprange_prefix(r);

    if (len == 0)
        return nv_true(s);
    if (len > 0 && len < 32)
        return nv_k(s, Z3_mk_eq(s->ctx, nv_k(s, Z3_mk_extract(s->ctx, 31, 32 - (unsigned)len, x)),
                                nv_num(s, (uint32_t)r->first.lo >> (32 - len), (unsigned)len)));
    return nv_in_range(s, x, (uint32_t)r->first.lo, (uint32_t)r->last.lo, 32);
}

/*
 * External endpoint e's address in r. 'fam': also say the family (not needed
 * where the caller already did; nothing to say when only one is modelled).
 */
static Z3_ast nv_in_iprange(struct nv_smt *s, const struct nv_sym *e, const struct nv_iprange *r,
                            int fam)
{
    Z3_ast in;

    if (!(s->m->families & NV_FAMILY_BIT(r->first.fam)))
        return nv_false(s);
    if (r->first.fam == NV_IPV4)
        in = nv_in_range32(s, e->ip, r);
    else
        in = nv_in_range128(s, e->ip6, r);
    if (!fam || !e->v6)
        return in;
    return nv_and2(s, r->first.fam == NV_IPV6 ? e->v6 : nv_k(s, Z3_mk_not(s->ctx, e->v6)), in);
}

/* Endpoint e in the policy's own namespace, selected by its podSelector. */
static Z3_ast nv_selected(struct nv_smt *s, const struct nv_sym *e, const struct nv_policy *p)
{
    struct nv_terms t = {NULL, 0, 0};

    nv_terms_add(&t, e->podsel);
    nv_terms_add(&t, e->nsis[p->nsidx]);
    nv_terms_add(&t, nv_sel(s, e, p->subject, 0));
    return nv_and(s, &t);
}

/* How a peer meets the address of a pod at the other end. */
enum nv_amode {
    NV_AM_SIGMA, /* the address variable of the endpoint */
    NV_AM_ANY,   /* some address of the pod's domain (in the family given) */
    NV_AM_ALL,   /* every address of the pod's domain: handled by the caller (nv_cover) */
};

/* Whether some atom of domain dom in family fam lies in ipBlock p. */
static int nv_peer_meets(const struct nv_model *m, const struct nv_peer *p, int dom, int fam)
{
    size_t a, i;

    for (a = 0; a < m->atoms.n; a++) {
        const struct nv_ip *x = &m->atoms.cuts[a];
        if (!(m->atomdom[a] & dom) || x->fam != fam || !nv_iprange_has(&p->cidr, x))
            continue;
        for (i = 0; i < p->nexcept && !nv_iprange_has(&p->except[i], x); i++)
            ;
        if (i == p->nexcept)
            return 1;
    }
    return 0;
}

/* Endpoint e's address in ipBlock p (cidr minus excepts). */
static Z3_ast nv_in_ipblock(struct nv_smt *s, const struct nv_sym *e, const struct nv_peer *p)
{
    struct nv_terms t = {NULL, 0, 0};
    size_t i;

    /* the excepts are of the cidr's family */
    nv_terms_add(&t, nv_in_iprange(s, e, &p->cidr, 1));
    for (i = 0; i < p->nexcept; i++)
        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, nv_in_iprange(s, e, &p->except[i], 0))));
    return nv_and(s, &t);
}

static int nv_live(struct nv_smt *s, const struct nv_policy *pol, const struct nv_peer *p,
                   int side);

/* (hn ∧ a) ∨ (¬hn ∧ b) */
static Z3_ast nv_by_hn(struct nv_smt *s, const struct nv_sym *e, Z3_ast a, Z3_ast b)
{
    return nv_or2(s, nv_and2(s, e->hn, a), nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, e->hn)), b));
}

static Z3_ast nv_bool(struct nv_smt *s, int v)
{
    return v ? nv_true(s) : nv_false(s);
}

static Z3_ast nv_peer(struct nv_smt *s, const struct nv_sym *e, const struct nv_policy *pol,
                      const struct nv_peer *p, enum nv_amode mode, int fam)
{
    const struct nv_model *m = s->m;
    struct nv_terms t = {NULL, 0, 0};

    if (p->kind == NV_PEER_IPBLOCK) {
        /* an external address; or a pod's (its node's) address, when the plugin matches it */
        Z3_ast ext = nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, e->pod)), nv_in_ipblock(s, e, p)), pod;
        switch (mode) {
        case NV_AM_SIGMA:
            pod = nv_and2(
                s, nv_in_ipblock(s, e, p),
                nv_by_hn(s, e, nv_bool(s, m->ndomain[1] > 0), nv_bool(s, m->ndomain[0] > 0)));
            break;
        case NV_AM_ANY:
            pod = nv_by_hn(s, e, nv_bool(s, nv_peer_meets(m, p, NV_DOM_NODE, fam)),
                           nv_bool(s, nv_peer_meets(m, p, NV_DOM_POD, fam)));
            break;
        default:
            return ext;
        }
        nv_terms_add(&t, e->pod);
        nv_terms_add(&t, s->beh[NV_B_IPBLOCK_PODS]);
        nv_terms_add(&t, pod);
        return nv_or2(s, ext, nv_and(s, &t));
    }
    if (!nv_live(s, pol, p, e == &s->d))
        return nv_false(s);
    nv_terms_add(&t, e->podsel);
    if (p->ns_sel)
        nv_terms_add(&t, nv_sel(s, e, p->ns_sel, 1));
    else
        nv_terms_add(&t, e->nsis[pol->nsidx]);
    nv_terms_add(&t, nv_sel(s, e, p->pod_sel, 0));
    return nv_and(s, &t);
}

static long nv_nport_index(const struct nv_smt *s, const char *name, enum nv_proto proto)
{
    size_t i;

    for (i = 0; i < s->nnps; i++)
        if (s->nps[i].name == name && s->nps[i].proto == proto)
            return (long)i;
    return -1;
}

/* The flow's (proto, port) is one of the entries, named ones resolved on destination d. */
struct nv_prange {
    unsigned proto, lo, hi;
};

static int nv_prange_cmp(const void *pa, const void *pb)
{
    const struct nv_prange *a = pa, *b = pb;

    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static Z3_ast nv_ports(struct nv_smt *s, const struct nv_sym *d, const struct nv_portspec *ps,
                       size_t n, Z3_ast proto, Z3_ast port)
{
    struct nv_terms any = {NULL, 0, 0};
    struct nv_prange *num = nv_xmalloc((n + 1) * sizeof(*num));
    size_t i, nn = 0, k;

    for (i = 0; i < n && !nv_late(s); i++) {
        struct nv_terms t = {NULL, 0, 0};
        long j;
        struct nv_terms vals = {NULL, 0, 0};
        size_t v;
        if (!ps[i].name) {
            /* numeric entries are merged into ranges first: a claim may list thousands */
            num[nn].proto = ps[i].proto;
            num[nn].lo = ps[i].port ? ps[i].port : 0;
            num[nn].hi = ps[i].port ? ps[i].end : 65535;
            nn++;
            continue;
        }
        if ((j = nv_nport_index(s, ps[i].name, ps[i].proto)) < 0)
            continue;
        nv_terms_add(&t, nv_eqn(s, proto, ps[i].proto, 2));
        nv_terms_add(&t, d->pod);
        for (v = 0; v < s->nps[j].nvals; v++)
            nv_terms_add(&vals,
                         nv_and2(s, d->np[j][1 + v], nv_eqn(s, port, s->nps[j].vals[v], 16)));
        nv_terms_add(&t, nv_or(s, &vals));
        nv_terms_add(&any, nv_and(s, &t));
    }
    qsort(num, nn, sizeof(*num), nv_prange_cmp);
    for (i = 0; i < nn; i = k) {
        struct nv_prange r = num[i];
        for (k = i + 1; k < nn && num[k].proto == r.proto && num[k].lo <= r.hi + 1; k++)
            if (num[k].hi > r.hi)
                r.hi = num[k].hi;
        if (r.lo == 0 && r.hi == 65535)
            nv_terms_add(&any, nv_eqn(s, proto, r.proto, 2));
        else
            nv_terms_add(&any, nv_and2(s, nv_eqn(s, proto, r.proto, 2),
                                       nv_in_range(s, port, r.lo, r.hi, 16)));
    }
    free(num);
    return nv_or(s, &any);
}

/* The numbers a destination of the part can give a named port (every one, in class order). */
struct nv_named {
    const char *name;
    enum nv_proto proto;
    uint32_t *vals;
    size_t n;
};

/*
 * The numbers a destination of the part can give named port (name, proto):
 * *v (n of them, owned by the encoding). Looked up in the classes once per
 * part and name.
 */
static size_t nv_named_vals(struct nv_smt *s, const char *name, enum nv_proto proto,
                            const uint32_t **v)
{
    const struct nv_model *m = s->m;
    struct nv_named *e;
    size_t c, j, i, alloc = 0;

    for (i = 0; i < s->nnamed; i++)
        if (s->named[i].name == name && s->named[i].proto == proto) {
            *v = s->named[i].vals;
            return s->named[i].n;
        }
    NV_GROW(s->named, s->namedalloc, s->nnamed + 1);
    e = &s->named[s->nnamed++];
    memset(e, 0, sizeof(*e));
    e->name = name;
    e->proto = proto;
    for (c = 0; c < m->nclasses; c++)
        for (j = 0; s->dom[1][c] && j < m->classes[c].nports; j++)
            if (m->classes[c].ports[j].name == name && m->classes[c].ports[j].proto == proto) {
                NV_GROW(e->vals, alloc, e->n + 1);
                e->vals[e->n++] = m->classes[c].ports[j].port;
            }
    *v = e->vals;
    return e->n;
}

/* Port entries ps[0..n) as (proto << 16 | port) intervals, appended to *iv (pairs). */
static void nv_port_intervals(struct nv_smt *s, const struct nv_portspec *ps, size_t n,
                              uint32_t **iv, size_t *niv, size_t *alloc)
{
    size_t i, k;

    for (i = 0; i < n; i++) {
        uint32_t pr = (uint32_t)ps[i].proto << 16;
        const uint32_t *v;
        size_t nv;
        if (!ps[i].name) {
            NV_GROW(*iv, *alloc, 2 * (*niv + 1));
            (*iv)[2 * *niv] = pr | (ps[i].port ? ps[i].port : 0);
            (*iv)[2 * *niv + 1] = pr | (ps[i].port ? ps[i].end : 65535);
            (*niv)++;
            continue;
        }
        nv = nv_named_vals(s, ps[i].name, ps[i].proto, &v);
        for (k = 0; k < nv; k++) {
            NV_GROW(*iv, *alloc, 2 * (*niv + 1));
            (*iv)[2 * *niv] = (*iv)[2 * *niv + 1] = pr | v[k];
            (*niv)++;
        }
    }
}

/*
 * Whether NetworkPolicy rule r can admit a port the claim asks about: every
 * question of a claim naming ports is about those ports only (nv_query(),
 * nv_smt_witness_robust()), so a rule admitting none of them decides nothing.
 */
static int nv_rule_meets(struct nv_smt *s, const struct nv_rule *r)
{
    uint32_t *iv = NULL;
    size_t niv = 0, alloc = 0, i, k;
    int meet = 0;

    if (!s->ncports || r->all_ports)
        return 1;
    if (!s->meets)
        s->meets = nv_xcalloc(s->m->nrule_ids + 1, 1);
    if (s->meets[r->id])
        return s->meets[r->id] == 2;
    nv_port_intervals(s, r->ports, r->nports, &iv, &niv, &alloc);
    for (i = 0; i < niv && !meet; i++)
        for (k = 0; k < s->ncports && !meet; k++)
            meet = iv[2 * i] <= s->cports[2 * k + 1] && s->cports[2 * k] <= iv[2 * i + 1];
    free(iv);
    s->meets[r->id] = (unsigned char)(1 + meet);
    return meet;
}

/* Whether NetworkPolicy i may select endpoint e: it selects a class e can be in. */
static int nv_kept(const struct nv_smt *s, const struct nv_sym *e, size_t i)
{
    return s->keep[e == &s->d][i];
}

/* Whether endpoint 'self' is isolated in direction dir: some policy of that type selects it. */
static Z3_ast nv_isolated(struct nv_smt *s, enum nv_dir dir, const struct nv_sym *self)
{
    const struct nv_model *m = s->m;
    struct nv_terms isos = {NULL, 0, 0};
    int type = dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    size_t i;

    for (i = 0; i < m->npolicies && !nv_late(s); i++)
        if ((m->policies[i]->types & type) && nv_kept(s, self, i))
            nv_terms_add(&isos, nv_selected(s, self, m->policies[i]));
    return nv_or(s, &isos);
}

/* A rule of one direction with ipBlock peers, and the condition that it applies on the flow. */
struct nv_iprule {
    const struct nv_rule *rule;
    Z3_ast c;
};

/*
 * Every address of domain dom in family fam is admitted by some rule: for
 * every atom of the domain, one of the rules whose ipBlocks hold it applies.
 * False when the domain has no address of the family.
 */
static Z3_ast nv_cover(struct nv_smt *s, const struct nv_iprule *r, size_t n, int dom, int fam)
{
    const struct nv_model *m = s->m;
    struct nv_terms all = {NULL, 0, 0};
    size_t a, i, k, e;

    if (!(NV_DOM_FAMS(m, dom) & NV_FAMILY_BIT(fam)))
        return nv_false(s);
    for (a = 0; a < m->atoms.n; a++) {
        const struct nv_ip *x = &m->atoms.cuts[a];
        struct nv_terms any = {NULL, 0, 0};
        if (!(m->atomdom[a] & dom) || x->fam != fam)
            continue;
        for (i = 0; i < n; i++) {
            for (k = 0; k < r[i].rule->npeers; k++) {
                const struct nv_peer *p = &r[i].rule->peers[k];
                if (p->kind != NV_PEER_IPBLOCK || !nv_iprange_has(&p->cidr, x))
                    continue;
                for (e = 0; e < p->nexcept && !nv_iprange_has(&p->except[e], x); e++)
                    ;
                if (e == p->nexcept)
                    break;
            }
            if (k < r[i].rule->npeers)
                nv_terms_add(&any, r[i].c);
        }
        nv_terms_add(&all, nv_or(s, &any));
    }
    return nv_and(s, &all);
}

/*
 * One direction: isolation of endpoint 'self', and what its rules allow
 * toward/from 'other', with the pod address of 'other' taken as 'mode' says
 * (in family fam, but for SIGMA).
 */
static Z3_ast nv_tiers(struct nv_smt *s, enum nv_dir dir, const struct nv_sym *self,
                       const struct nv_sym *other, const struct nv_sym *dst, Z3_ast np);

static void nv_direction(struct nv_smt *s, enum nv_dir dir, const struct nv_sym *self,
                         const struct nv_sym *other, const struct nv_sym *dst, enum nv_amode mode,
                         int fam, Z3_ast local, Z3_ast *iso, Z3_ast *allow)
{
    const struct nv_model *m = s->m;
    struct nv_terms isos = {NULL, 0, 0}, allows = {NULL, 0, 0};
    int type = dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    size_t i, r, k, nip = 0, ipalloc = 0;
    struct nv_iprule *ip = NULL;

    for (i = 0; i < m->npolicies && !nv_late(s); i++) {
        const struct nv_policy *p = m->policies[i];
        struct nv_terms rules = {NULL, 0, 0};
        Z3_ast sel;
        if (!(p->types & type) || !nv_kept(s, self, i))
            continue;
        sel = nv_selected(s, self, p);
        nv_terms_add(&isos, sel);
        for (r = 0; r < p->nrules[dir] && !nv_late(s); r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            struct nv_terms peers = {NULL, 0, 0};
            Z3_ast peer, ports;
            int has_ip = 0;
            if (!nv_rule_meets(s, rule))
                continue;
            if (rule->all_peers) {
                peer = nv_true(s);
            } else {
                for (k = 0; k < rule->npeers && !nv_late(s); k++) {
                    nv_terms_add(&peers, nv_peer(s, other, p, &rule->peers[k], mode, fam));
                    has_ip |= rule->peers[k].kind == NV_PEER_IPBLOCK;
                }
                peer = nv_or(s, &peers);
            }
            ports = rule->all_ports
                        ? nv_true(s)
                        : nv_ports(s, dst, rule->ports, rule->nports, s->proto, s->port);
            nv_terms_add(&rules, nv_and2(s, peer, ports));
            if (mode == NV_AM_ALL && has_ip) {
                NV_GROW(ip, ipalloc, nip + 1);
                ip[nip].rule = rule;
                ip[nip].c = nv_and2(s, sel, ports);
                nip++;
            }
        }
        nv_terms_add(&allows, nv_and2(s, sel, nv_or(s, &rules)));
    }
    if (mode == NV_AM_ALL && nip) {
        /* a pod at the other end: every address of its domain is admitted */
        struct nv_terms t = {NULL, 0, 0};
        nv_terms_add(&t, other->pod);
        nv_terms_add(&t, s->beh[NV_B_IPBLOCK_PODS]);
        nv_terms_add(&t, nv_by_hn(s, other, nv_cover(s, ip, nip, NV_DOM_NODE, fam),
                                  nv_cover(s, ip, nip, NV_DOM_POD, fam)));
        nv_terms_add(&allows, nv_and(s, &t));
    }
    free(ip);
    *iso = nv_or(s, &isos);
    if (m->ntiered) {
        /* the NetworkPolicy tier decides when a NetworkPolicy isolates the pod (a pod and
         * its own node always reach each other there); else the Baseline tier */
        Z3_ast np = nv_and2(s, self->podsel, *iso);
        Z3_ast admits = nv_or2(s, nv_or(s, &allows), local ? local : nv_false(s));
        if (s->guard)
            np = nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, s->guard)), np);
        np = nv_k(s, Z3_mk_ite(s->ctx, np, admits, nv_tiers(s, dir, self, other, dst, NULL)));
        if (s->guard)
            np =
                nv_k(s, Z3_mk_ite(s->ctx, nv_and2(s, s->guard, self->podsel), s->np_free[dir], np));
        *allow = nv_tiers(s, dir, self, other, dst, np);
        return;
    }
    {
        Z3_ast v[3];
        v[0] = nv_k(s, Z3_mk_not(s->ctx, self->podsel));
        v[1] = nv_k(s, Z3_mk_not(s->ctx, *iso));
        v[2] = nv_or(s, &allows);
        *allow = nv_k(s, Z3_mk_or(s->ctx, 3, v));
    }
    /* a guardrail leaves the NetworkPolicies of a pod they can select free */
    if (s->guard)
        *allow =
            nv_k(s, Z3_mk_ite(s->ctx, nv_and2(s, s->guard, self->podsel), s->np_free[dir], *allow));
}

/* ---- the cluster tiers: AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy */

/* Endpoint e is a subject of cluster-tier policy p: a pod, never a hostNetwork one. */
static Z3_ast nv_tier_subject(struct nv_smt *s, const struct nv_sym *e, const struct nv_policy *p)
{
    struct nv_terms t = {NULL, 0, 0};

    nv_terms_add(&t, e->pod);
    nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, e->hn)));
    nv_terms_add(&t, nv_sel(s, e, p->subject_ns, 1));
    nv_terms_add(&t, nv_sel(s, e, p->subject, 0));
    return nv_and(s, &t);
}

/* Endpoint e's address is one of the addresses of the nodes 'nodes' peer p selects. */
static Z3_ast nv_in_nodes(struct nv_smt *s, const struct nv_sym *e, const struct nv_peer *p)
{
    const struct nv_model *m = s->m;
    struct nv_terms any = {NULL, 0, 0};
    size_t i, j;

    for (i = 0; i < m->nnodes; i++) {
        if (!nv_selector_matches(p->node_sel, &m->nodes[i].labels))
            continue;
        for (j = 0; j < m->nodes[i].naddrs; j++) {
            struct nv_iprange r;
            r.first = r.last = m->nodes[i].addrs[j];
            nv_terms_add(&any, nv_in_iprange(s, e, &r, 1));
        }
    }
    return nv_or(s, &any);
}

/* Whether undecidable peer p holds the other end: free (nv_explain_maybe_peer()). */
static Z3_ast nv_maybe(struct nv_smt *s, const struct nv_peer *p)
{
    int i = nv_explain_maybe_peer(s->m, p);

    return i >= 0 && (size_t)i < s->nmaybe ? s->maybe[i] : nv_false(s);
}

static Z3_ast nv_in_domain(struct nv_smt *s, const struct nv_sym *e, int dom);

/*
 * 'nodes' peer p holds endpoint e: an external address of a selected node (of
 * a node, maybe, without Node objects), a hostNetwork pod when every node is
 * selected (when some are, maybe: its node is not known).
 */
static Z3_ast nv_nodes_peer(struct nv_smt *s, const struct nv_sym *e, const struct nv_peer *p)
{
    const struct nv_model *m = s->m;
    Z3_ast ext, pod;
    size_t i, n = 0;

    for (i = 0; i < m->nnodes; i++)
        n += nv_selector_matches(p->node_sel, &m->nodes[i].labels) != 0;
    if (!m->nnodes) {
        ext = nv_and2(s, nv_in_domain(s, e, NV_DOM_NODE), nv_maybe(s, p));
        pod = nv_maybe(s, p);
    } else {
        ext = nv_in_nodes(s, e, p);
        pod = n == m->nnodes ? nv_true(s) : n ? nv_maybe(s, p) : nv_false(s);
    }
    return nv_or2(s, nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, e->pod)), ext),
                  nv_and2(s, nv_and2(s, e->pod, e->hn), pod));
}

/*
 * Peer p of a cluster-tier rule holds endpoint e: 'namespaces' and 'pods' hold
 * pods (never hostNetwork ones); 'networks' every address in it, pods' too;
 * 'nodes' the selected nodes' addresses. domainNames are what DNS answers:
 * read as holding nothing (a warning at the policy says so).
 */
static Z3_ast nv_tier_peer(struct nv_smt *s, const struct nv_sym *e, const struct nv_peer *p)
{
    struct nv_terms t = {NULL, 0, 0};

    switch (p->kind) {
    case NV_PEER_PODS:
        nv_terms_add(&t, e->pod);
        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, e->hn)));
        nv_terms_add(&t, nv_sel(s, e, p->ns_sel, 1));
        if (p->pod_sel)
            nv_terms_add(&t, nv_sel(s, e, p->pod_sel, 0));
        return nv_and(s, &t);
    case NV_PEER_IPBLOCK:
        return nv_in_ipblock(s, e, p);
    case NV_PEER_NODES:
        return nv_nodes_peer(s, e, p);
    case NV_PEER_DOMAINS:
        return nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, e->pod)), nv_maybe(s, p));
    default:
        return nv_false(s);
    }
}

/* A named entry of a cluster-tier rule names a container port of any protocol. */
static Z3_ast nv_tier_ports(struct nv_smt *s, const struct nv_sym *d, const struct nv_rule *r)
{
    struct nv_portspec *ps;
    size_t i, n = 0;
    int k;
    Z3_ast f;

    if (r->all_ports)
        return nv_true(s);
    ps = nv_xmalloc((3 * r->nports + 1) * sizeof(*ps));
    for (i = 0; i < r->nports; i++) {
        if (!r->ports[i].name || !r->ports[i].any_proto) {
            ps[n++] = r->ports[i];
            continue;
        }
        for (k = 0; k < NV_NPROTO; k++) {
            ps[n] = r->ports[i];
            ps[n].proto = (enum nv_proto)k;
            ps[n++].any_proto = 0;
        }
    }
    f = nv_ports(s, d, ps, n, s->proto, s->port);
    free(ps);
    return f;
}

/*
 * The tiers of one direction of endpoint 'self': with np == NULL the
 * Baseline tier (policies by priority, first matching rule of each; Pass and
 * no match: allowed), else the Admin tier, where Pass and no match go on to
 * 'np' (the NetworkPolicy tier and what follows it). Built from the last
 * rule up: ite(rule matches, its action, what comes after it).
 */
static Z3_ast nv_tiers_in(struct nv_smt *s, const struct nv_policy **list, enum nv_dir dir,
                          const struct nv_sym *self, const struct nv_sym *other,
                          const struct nv_sym *dst, Z3_ast np)
{
    const struct nv_model *m = s->m;
    enum nv_tier tier = np ? NV_TIER_ADMIN : NV_TIER_BASELINE;
    Z3_ast next = np ? np : nv_true(s);
    size_t i = m->ntiered, r, k;

    while (i-- > 0 && !nv_late(s)) {
        const struct nv_policy *p = list[i];
        Z3_ast g = next;
        if (p->tier != tier || !p->nrules[dir])
            continue;
        for (r = p->nrules[dir]; r-- > 0;) {
            const struct nv_rule *rule = &p->rules[dir][r];
            Z3_ast match, act;
            if (rule->fail_closed) {
                match = nv_true(s);
            } else {
                struct nv_terms peers = {NULL, 0, 0};
                if (rule->all_peers)
                    nv_terms_add(&peers, nv_true(s));
                for (k = 0; k < rule->npeers; k++)
                    nv_terms_add(&peers, nv_tier_peer(s, other, &rule->peers[k]));
                match = nv_and2(s, nv_or(s, &peers), nv_tier_ports(s, dst, rule));
            }
            /* fail closed: a Pass rule with an unknown peer denies everything, as a Deny */
            act = rule->fail_closed || rule->action == NV_ACTION_DENY ? nv_false(s)
                  : rule->action == NV_ACTION_ALLOW                   ? nv_true(s)
                                                                      : (np ? np : nv_true(s));
            g = nv_k(s, Z3_mk_ite(s->ctx, match, act, g));
        }
        next = nv_k(s, Z3_mk_ite(s->ctx, nv_tier_subject(s, self, p), g, next));
    }
    return next;
}

/* The same in the order 'ord' picks, when the plugin may pick one (see nv_explain_tier_order()). */
static Z3_ast nv_tiers(struct nv_smt *s, enum nv_dir dir, const struct nv_sym *self,
                       const struct nv_sym *other, const struct nv_sym *dst, Z3_ast np)
{
    const struct nv_policy **list = nv_xmalloc((s->m->ntiered + 1) * sizeof(*list));
    Z3_ast f = NULL;
    size_t o = s->norders > 1 ? s->norders : 1;

    while (o-- > 0) {
        Z3_ast g;
        nv_explain_tier_order(s->m, (unsigned)o, list);
        g = nv_tiers_in(s, list, dir, self, other, dst, np);
        f = f ? nv_k(s, Z3_mk_ite(s->ctx, nv_eqn(s, s->ord, o, 8), g, f)) : g;
    }
    free(list);
    return f;
}

/* Formula f taken under every order the plugin may pick (ALL), or under some (ANY). */
static Z3_ast nv_over_orders(struct nv_smt *s, Z3_ast f, enum nv_amode mode)
{
    struct nv_terms t = {NULL, 0, 0};
    size_t o;

    if (s->nmaybe && s->nmaybe <= NV_TIER_MAX_MAYBE) {
        /* and every way the undecidable peers may go */
        struct nv_terms u = {NULL, 0, 0};
        size_t bits, i;
        Z3_ast to[NV_TIER_MAX_MAYBE];
        for (bits = 0; bits < (size_t)1 << s->nmaybe; bits++) {
            for (i = 0; i < s->nmaybe; i++)
                to[i] = nv_bool(s, (int)(bits >> i & 1));
            nv_terms_add(&u, nv_k(s, Z3_substitute(s->ctx, f, (unsigned)s->nmaybe, s->maybe, to)));
        }
        f = mode == NV_AM_ALL ? nv_and(s, &u) : nv_or(s, &u);
    }
    if (s->norders <= 1)
        return f;
    for (o = 0; o < s->norders; o++) {
        Z3_ast to = nv_num(s, o, 8);
        nv_terms_add(&t, nv_k(s, Z3_substitute(s->ctx, f, 1, &s->ord, &to)));
    }
    return mode == NV_AM_ALL ? nv_and(s, &t) : nv_or(s, &t);
}

/*
 * A hostNetwork pod the plugin treats as its node, and a pod on that node:
 * Kubernetes always allows the flow ('local' says they share the node).
 */
static Z3_ast nv_local(struct nv_smt *s)
{
    struct nv_terms t = {NULL, 0, 0};

    nv_terms_add(&t, s->s.pod);
    nv_terms_add(&t, s->d.pod);
    nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, s->beh[NV_B_HOSTNET])));
    nv_terms_add(&t, nv_or2(s, s->s.hn, s->d.hn));
    return nv_and(s, &t);
}

/* Endpoint e, a pod, may have an address of family fam. */
static Z3_ast nv_has_fam(struct nv_smt *s, const struct nv_sym *e, int fam)
{
    const struct nv_model *m = s->m;

    return nv_by_hn(s, e, nv_bool(s, NV_DOM_FAMS(m, NV_DOM_NODE) & NV_FAMILY_BIT(fam)),
                    nv_bool(s, NV_DOM_FAMS(m, NV_DOM_POD) & NV_FAMILY_BIT(fam)));
}

/*
 * The flow allowed, the pods' addresses taken as 'mode' says (SIGMA: with
 * 'local'). ANY and ALL range over the families too: two pods talk over one
 * family that both have addresses of.
 */
/*
 * Formula f, in which pod endpoint e has a symbolic address, taken at every
 * atom of e's domain in family fam: their disjunction (ANY) or conjunction
 * (ALL). An external e keeps its address. Exact whatever f says of the
 * address, at the price of one copy of f per atom.
 */
static Z3_ast nv_over_atoms(struct nv_smt *s, const struct nv_sym *e, Z3_ast f, enum nv_amode mode,
                            int fam)
{
    const struct nv_model *m = s->m;
    Z3_ast dom[2];
    int k;

    for (k = 0; k < 2; k++) {
        struct nv_terms t = {NULL, 0, 0};
        size_t a;
        for (a = 0; a < m->atoms.n && !nv_late(s); a++) {
            const struct nv_ip *x = &m->atoms.cuts[a];
            Z3_ast from[2], to[2];
            unsigned n = 0;
            if (!(m->atomdom[a] & (k ? NV_DOM_NODE : NV_DOM_POD)) || x->fam != fam)
                continue;
            if (fam == NV_IPV4) {
                from[n] = e->ip;
                to[n++] = nv_num(s, (uint32_t)x->lo, 32);
            } else {
                from[n] = e->ip6;
                to[n++] = nv_num128(s, x, 0, 128);
            }
            if (e->v6) {
                from[n] = e->v6;
                to[n++] = nv_bool(s, fam == NV_IPV6);
            }
            nv_terms_add(&t, nv_k(s, Z3_substitute(s->ctx, f, n, from, to)));
        }
        dom[k] = mode == NV_AM_ALL ? nv_and(s, &t) : nv_or(s, &t);
    }
    return nv_k(s, Z3_mk_ite(s->ctx, e->pod, nv_by_hn(s, e, dom[1], dom[0]), f));
}

static Z3_ast nv_allowed(struct nv_smt *s, enum nv_amode mode)
{
    struct nv_terms fams = {NULL, 0, 0};
    Z3_ast iso_out, iso_in, out, in, both, app, local = NULL;
    int f, tiers = s->m->ntiered > 0;

    if (tiers)
        /* the tiers are not all NetworkPolicy's: a pod and its own node reach each other
         * where a NetworkPolicy decides, not past an admin rule (see nv_direction) */
        local = mode == NV_AM_SIGMA ? nv_and2(s, s->local, nv_local(s))
                : mode == NV_AM_ANY ? nv_local(s)
                                    : nv_false(s);
    if (mode == NV_AM_SIGMA) {
        nv_direction(s, NV_EGRESS, &s->s, &s->d, &s->d, mode, 0, local, &iso_out, &out);
        nv_direction(s, NV_INGRESS, &s->d, &s->s, &s->d, mode, 0, local, &iso_in, &in);
        if (tiers)
            return nv_and2(s, out, in);
        return nv_or2(s, nv_and2(s, out, in), nv_and2(s, s->local, nv_local(s)));
    }
    for (f = 0; f < 2; f++) {
        if (!(s->m->families & NV_FAMILY_BIT(f)))
            continue;
        if (s->tier_addr) {
            /* admin rules see the pods' addresses: each direction at every address of the
             * other end (egress looks at the destination's, ingress at the source's) */
            nv_direction(s, NV_EGRESS, &s->s, &s->d, &s->d, NV_AM_SIGMA, 0, local, &iso_out, &out);
            nv_direction(s, NV_INGRESS, &s->d, &s->s, &s->d, NV_AM_SIGMA, 0, local, &iso_in, &in);
            out = nv_over_atoms(s, &s->d, out, mode, f);
            in = nv_over_atoms(s, &s->s, in, mode, f);
        } else {
            nv_direction(s, NV_EGRESS, &s->s, &s->d, &s->d, mode, f, local, &iso_out, &out);
            nv_direction(s, NV_INGRESS, &s->d, &s->s, &s->d, mode, f, local, &iso_in, &in);
        }
        both = nv_and2(s, out, in);
        app = nv_or2(s, nv_k(s, Z3_mk_not(s->ctx, nv_and2(s, s->s.pod, s->d.pod))),
                     nv_and2(s, nv_has_fam(s, &s->s, f), nv_has_fam(s, &s->d, f)));
        nv_terms_add(&fams, mode == NV_AM_ALL ? nv_k(s, Z3_mk_implies(s->ctx, app, both))
                                              : nv_and2(s, app, both));
    }
    if (mode == NV_AM_ALL)
        return nv_and(s, &fams);
    if (!tiers)
        nv_terms_add(&fams, nv_local(s));
    return nv_or(s, &fams);
}

/* The addresses of domain dom (NV_DOM_*), as a formula on endpoint e's address. */
static Z3_ast nv_in_domain(struct nv_smt *s, const struct nv_sym *e, int dom)
{
    const struct nv_model *m = s->m;
    struct nv_terms any = {NULL, 0, 0};
    size_t a = 0, b;

    if (m->ndomain[dom == NV_DOM_NODE] == m->atoms.n)
        return nv_true(s);
    while (a < m->atoms.n) {
        struct nv_iprange r;
        if (!(m->atomdom[a] & dom)) {
            a++;
            continue;
        }
        for (b = a; nv_atoms_adjacent(&m->atoms, b) && (m->atomdom[b + 1] & dom); b++)
            ;
        r.first = m->atoms.cuts[a];
        r.last = nv_atoms_range(&m->atoms, b).last;
        nv_terms_add(&any, nv_in_iprange(s, e, &r, 1));
        a = b + 1;
    }
    return nv_or(s, &any);
}

/*
 * A pod's address is in its domain (a node's for a hostNetwork pod), when
 * there is one; two pods talk over one family.
 */
static void nv_domain_axioms(struct nv_smt *s, const struct nv_sym *e)
{
    const struct nv_model *m = s->m;
    int k;

    if (e == &s->d && e->v6)
        nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, nv_and2(s, s->s.pod, s->d.pod),
                                          nv_k(s, Z3_mk_eq(s->ctx, s->s.v6, s->d.v6)))));
    for (k = 0; k < 2; k++) {
        Z3_ast who = nv_and2(s, e->pod, k ? e->hn : nv_k(s, Z3_mk_not(s->ctx, e->hn)));
        if (m->ndomain[k])
            nv_axiom(s, nv_k(s, Z3_mk_implies(s->ctx, who,
                                              nv_in_domain(s, e, k ? NV_DOM_NODE : NV_DOM_POD))));
    }
}

static void nv_add_nport(struct nv_smt *s, const char *name, enum nv_proto proto)
{
    if (nv_nport_index(s, name, proto) >= 0)
        return;
    NV_GROW(s->nps, s->npsalloc, s->nnps + 1);
    memset(&s->nps[s->nnps], 0, sizeof(s->nps[s->nnps]));
    s->nps[s->nnps].name = name;
    s->nps[s->nnps].proto = proto;
    s->nnps++;
}

static void nv_vocab_claim(struct nv_smt *s, const struct nv_claim *cl)
{
    const struct nv_set *sets[2];
    size_t j;

    sets[0] = &cl->a;
    sets[1] = &cl->b;
    for (j = 0; j < 2; j++) {
        const struct nv_set *st = sets[j];
        if (st->kind == NV_SET_PODS) {
            nv_vocab_add(&s->pv, st->sel);
            nv_vocab_add(&s->nv, st->scope_sel);
        } else if (st->kind == NV_SET_NAMESPACES) {
            nv_vocab_add(&s->nv, st->sel);
        } else if (st->kind == NV_SET_SVC && st->svc) {
            nv_vocab_add(&s->pv, st->svc->selector);
        }
    }
    for (j = 0; j < cl->nports; j++)
        if (cl->ports[j].name)
            nv_add_nport(s, cl->ports[j].name, cl->ports[j].proto);
}

struct nv_smt *nv_smt_new(const struct nv_model *m, const struct nv_claims *c)
{
    return nv_smt_new_within(m, c, 0);
}

struct nv_smt *nv_smt_new_within(const struct nv_model *m, const struct nv_claims *c,
                                 double timeout)
{
    struct nv_smt *s = nv_xcalloc(1, sizeof(*s));
    size_t i, k;

    (void)c; /* each part of each claim is encoded with its own scope (nv_encode()) */
    s->m = m;
    nv_smt_trial(s, NV_SMT_TRIAL_FROM, NV_SMT_TRIAL_ONE_IN);
    nv_set_deadline(s, timeout);
    s->nsoff = nv_xcalloc(m->nns + 2, sizeof(*s->nsoff));
    s->nscls = nv_xcalloc(m->nclasses + 1, sizeof(*s->nscls));
    for (i = 0; i < m->nclasses; i++)
        s->nsoff[m->classes[i].ns + 1]++;
    for (k = 0; k < m->nns; k++)
        s->nsoff[k + 1] += s->nsoff[k];
    {
        size_t *at = nv_xcalloc(m->nns + 1, sizeof(*at));
        for (i = 0; i < m->nclasses; i++) {
            unsigned ns = m->classes[i].ns;
            s->nscls[s->nsoff[ns] + at[ns]++] = (uint32_t)i;
        }
        free(at);
    }
    if (nv_late_now(s)) {
        nv_smt_free(s);
        return NULL;
    }
    nv_set_deadline(s, 0);
    return s;
}

/*
 * The classes an end can be in, as far as set st goes: its members, and for
 * a Service every pod its selector matches, endpoints or not (the formula of
 * the set, nv_set(), does not look at endpoints).
 */
static int nv_in_scope(const struct nv_model *m, const struct nv_set *st, size_t c)
{
    const struct nv_class *cl = &m->classes[c];

    switch (st->kind) {
    case NV_SET_ANY:
        return 1;
    case NV_SET_SVC:
        if (st->svc)
            return cl->ns == st->svc->nsidx &&
                   (!st->svc->selector ||
                    nv_selector_matches_interned(st->svc->selector, &cl->labels));
        return st->cls && st->cls[c];
    default:
        return st->cls && st->cls[c];
    }
}

/* Whether NetworkPolicy p selects a class of dom. */
static int nv_selects_some(const struct nv_smt *s, const struct nv_policy *p,
                           const unsigned char *dom)
{
    const struct nv_model *m = s->m;
    size_t k;

    for (k = s->nsoff[p->nsidx]; k < s->nsoff[p->nsidx + 1]; k++) {
        uint32_t c = s->nscls[k];
        if (dom[c] &&
            (!p->subject || nv_selector_matches_interned(p->subject, &m->classes[c].labels)))
            return 1;
    }
    return 0;
}

/*
 * A first try gives an end of many classes some of them: one in trial_one_in,
 * picked by a hash of the class's number (not every k-th: classes are numbered
 * namespace by namespace and label set by label set, so a stride could leave
 * out whole kinds of pods).
 */
static void nv_thin(struct nv_smt *s, unsigned char *dom, size_t n)
{
    size_t i, in = 0;

    for (i = 0; i < n; i++)
        in += dom[i];
    if (in <= s->trial_from)
        return;
    for (i = 0; i < n; i++) {
        uint32_t h = (uint32_t)i;
        h = (h ^ h >> 16) * 0x7feb352du;
        h = (h ^ h >> 15) * 0x846ca68bu;
        h ^= h >> 16;
        if (dom[i] && h % s->trial_one_in)
            dom[i] = 0;
    }
    s->thinned = 1;
}

/*
 * The scope of part 'kind' of claim c: the classes each end can be in (the
 * source outside set a for 'only'; no destination for 'is isolated'), and the
 * NetworkPolicies selecting one of them, the only ones whose rules can decide
 * the part's flows (a pod no policy of a direction selects is not isolated in
 * it, whatever the others say).
 */
static void nv_scope(struct nv_smt *s, const struct nv_claim *c, enum nv_part_kind kind)
{
    const struct nv_model *m = s->m;
    size_t i;
    int side;

    for (side = 0; side < 2; side++) {
        s->dom[side] = nv_xcalloc(m->nclasses + 1, 1);
        s->keep[side] = nv_xcalloc(m->npolicies + 1, 1);
    }
    for (i = 0; i < m->nclasses; i++) {
        /* 'only': the sources outside a; those a surely has (its members) are out */
        s->dom[0][i] = (unsigned char)(kind == NV_PART_ONLY ? !(c->a.cls && c->a.cls[i])
                                                            : nv_in_scope(m, &c->a, i));
        s->dom[1][i] = (unsigned char)(kind != NV_PART_ISOLATED && nv_in_scope(m, &c->b, i));
    }
    if (s->trial)
        for (side = 0; side < 2; side++)
            nv_thin(s, s->dom[side], m->nclasses);
    for (side = 0; side < 2; side++) {
        s->nsdom[side] = nv_xcalloc(m->nns + 1, 1);
        for (i = 0; i < m->nclasses; i++)
            s->nsdom[side][m->classes[i].ns] |= s->dom[side][i];
    }
    for (i = 0; i < m->npolicies; i++)
        for (side = 0; side < 2; side++)
            s->keep[side][i] = (unsigned char)nv_selects_some(s, m->policies[i], s->dom[side]);
}

/* Whether pod peer p of NetworkPolicy pol holds a class end 'side' can be in. */
static int nv_peer_holds_some(const struct nv_smt *s, const struct nv_policy *pol,
                              const struct nv_peer *p, int side)
{
    const struct nv_model *m = s->m;
    size_t n, k;

    for (n = 0; n < m->nns; n++) {
        if (!s->nsdom[side][n] ||
            (p->ns_sel ? !nv_selector_matches_interned(p->ns_sel, &m->ns[n].labels)
                       : n != pol->nsidx))
            continue;
        for (k = s->nsoff[n]; k < s->nsoff[n + 1]; k++) {
            uint32_t c = s->nscls[k];
            if (s->dom[side][c] &&
                (!p->pod_sel || nv_selector_matches_interned(p->pod_sel, &m->classes[c].labels)))
                return 1;
        }
    }
    return 0;
}

/*
 * Whether peer p of NetworkPolicy pol can hold the other end, end 'side': an
 * ipBlock always; pods when they hold a class that end can be in (a class
 * pins every label and the namespace, so a peer holding none of them holds no
 * pod the end can be). Asked once per peer and part.
 */
static int nv_live(struct nv_smt *s, const struct nv_policy *pol, const struct nv_peer *p, int side)
{
    if (p->kind == NV_PEER_IPBLOCK)
        return 1;
    if (!s->live)
        s->live = nv_xcalloc(s->m->npeer_ids + 1, 1);
    if (!s->live[p->id])
        s->live[p->id] = (unsigned char)(1 + nv_peer_holds_some(s, pol, p, side));
    return s->live[p->id] == 2;
}

/*
 * The vocabulary of one rule of policy p: its selectors of pods that end
 * 'other' can be, and named ports; other < 0 for a cluster-tier rule (every
 * peer; a named port of any protocol).
 */
static void nv_vocab_rule(struct nv_smt *s, const struct nv_policy *p, const struct nv_rule *rule,
                          int other)
{
    size_t k;
    int q, tier = other < 0;

    for (k = 0; k < rule->npeers; k++) {
        const struct nv_peer *pe = &rule->peers[k];
        if (!tier && !nv_live(s, p, pe, other))
            continue;
        nv_vocab_add(&s->pv, pe->pod_sel);
        nv_vocab_add(&s->nv, pe->ns_sel);
        if (tier)
            s->tier_addr |= pe->kind == NV_PEER_IPBLOCK || pe->kind == NV_PEER_NODES;
    }
    for (k = 0; k < rule->nports; k++) {
        if (!rule->ports[k].name)
            continue;
        if (!tier) {
            nv_add_nport(s, rule->ports[k].name, rule->ports[k].proto);
            continue;
        }
        for (q = 0; q < NV_NPROTO; q++)
            if (rule->ports[k].any_proto || q == (int)rule->ports[k].proto)
                nv_add_nport(s, rule->ports[k].name, (enum nv_proto)q);
    }
}

/* Code of class c's value for named port k (0: it has none). */
static size_t nv_class_nport(const struct nv_smt *s, const struct nv_class *cl, size_t k)
{
    unsigned port = 0;
    size_t j;

    for (j = 0; j < cl->nports && !port; j++)
        if (cl->ports[j].name == s->nps[k].name && cl->ports[j].proto == s->nps[k].proto)
            port = cl->ports[j].port;
    return nv_nport_code(&s->nps[k], port);
}

/*
 * Group the classes of the scope that no formula of the part tells apart:
 * same namespace, hostNetwork, label values the vocabulary names, named
 * ports, ends they can be, membership of the claim's sets and ports routed to
 * them. One indicator stands for each group (rep[]).
 */
static void nv_group_classes(struct nv_smt *s, const struct nv_claim *c)
{
    const struct nv_model *m = s->m;
    size_t len = 6 + s->pv.n + s->nnps, n = m->nclasses, size = 16, i, k;
    uint32_t *sig = nv_xmalloc((n + 1) * len * sizeof(*sig));
    uint32_t *slot;

    while (size < 2 * n)
        size *= 2;
    slot = nv_xmalloc(size * sizeof(*slot));
    memset(slot, 0xff, size * sizeof(*slot));
    s->rep = nv_xmalloc((n + 1) * sizeof(*s->rep));
    for (i = 0; i < n; i++) {
        const struct nv_class *cl = &m->classes[i];
        uint32_t *v = sig + i * len;
        uint64_t h = 1469598103934665603ull;
        size_t at;
        s->rep[i] = (uint32_t)i;
        if (!s->dom[0][i] && !s->dom[1][i])
            continue;
        v[0] = cl->ns;
        v[1] = cl->hostnet;
        v[2] = (uint32_t)(s->dom[0][i] | s->dom[1][i] << 1);
        v[3] = (uint32_t)((c->a.cls && c->a.cls[i]) | (c->b.cls && c->b.cls[i]) << 1);
        v[4] = c->dst_ports ? c->dst_ports[i] : 0;
        v[5] = 0;
        for (k = 0; k < s->pv.n; k++)
            v[6 + k] = nv_vocab_code(&s->pv.keys[k], nv_labels_get(&cl->labels, s->pv.keys[k].key));
        for (k = 0; k < s->nnps; k++)
            v[6 + s->pv.n + k] = (uint32_t)nv_class_nport(s, cl, k);
        for (k = 0; k < len; k++)
            h = (h ^ v[k]) * 1099511628211ull;
        for (at = (size_t)h & (size - 1); slot[at] != UINT32_MAX; at = (at + 1) & (size - 1))
            if (!memcmp(sig + (size_t)slot[at] * len, v, len * sizeof(*v)))
                break;
        if (slot[at] == UINT32_MAX)
            slot[at] = (uint32_t)i;
        else
            s->rep[i] = slot[at];
    }
    free(slot);
    free(sig);
}

/*
 * Encode the model for part 'kind' of claim c, within the deadline set (if
 * any): returns 0, or -1 when the deadline passed (nothing is left built).
 */
static int nv_encode(struct nv_smt *s, const struct nv_claim *c, enum nv_part_kind kind)
{
    const struct nv_model *m = s->m;
    Z3_config cfg;
    size_t i, r;
    int dir;

    nv_scope(s, c, kind);
    if (c->nports && !c->dst_ports) {
        size_t alloc = 0;
        nv_port_intervals(s, c->ports, c->nports, &s->cports, &s->ncports, &alloc);
        if (!s->ncports) {
            /* no destination of the part has the ports it names: no rule admits them */
            NV_GROW(s->cports, alloc, 2);
            s->cports[0] = s->cports[1] = UINT32_MAX;
            s->ncports = 1;
        }
    }
    /* vocabulary of every selector and named port that can matter */
    for (i = 0; i < m->npolicies && !nv_late(s); i++) {
        const struct nv_policy *p = m->policies[i];
        int side;
        if (!s->keep[0][i] && !s->keep[1][i])
            continue;
        nv_vocab_add(&s->pv, p->subject);
        /* the source's egress rules hold the destination, the destination's ingress rules
         * the source: nothing else of a NetworkPolicy decides a flow of the part */
        for (side = 0; side < 2; side++) {
            dir = side ? NV_INGRESS : NV_EGRESS;
            for (r = 0; s->keep[side][i] && r < p->nrules[dir] && !nv_late(s); r++)
                if (nv_rule_meets(s, &p->rules[dir][r]))
                    nv_vocab_rule(s, p, &p->rules[dir][r], !side);
        }
    }
    for (i = 0; i < m->ntiered && !nv_late(s); i++) {
        const struct nv_policy *p = m->tiered[i];
        nv_vocab_add(&s->pv, p->subject);
        nv_vocab_add(&s->nv, p->subject_ns);
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                nv_vocab_rule(s, p, &p->rules[dir][r], -1);
    }
    nv_vocab_claim(s, c);
    for (i = 0; i < s->pv.n; i++)
        s->pv.keys[i].width = nv_width(s->pv.keys[i].nvals + 1);
    for (i = 0; i < s->nv.n; i++)
        s->nv.keys[i].width = nv_width(s->nv.keys[i].nvals + 1);
    /* the port numbers each named port takes in some class of the scope */
    for (i = 0; i < s->nnps; i++) {
        struct nv_nport *np = &s->nps[i];
        size_t k;
        for (k = 0; k < m->nclasses && !nv_late(s); k++) {
            size_t j;
            if (!s->dom[0][k] && !s->dom[1][k])
                continue;
            for (j = 0; j < m->classes[k].nports; j++) {
                const struct nv_named_port *cp = &m->classes[k].ports[j];
                if (cp->name != np->name || cp->proto != np->proto || nv_nport_code(np, cp->port))
                    continue;
                NV_GROW(np->vals, np->alloc, np->nvals + 1);
                np->vals[np->nvals++] = cp->port;
            }
        }
    }
    s->wns = nv_width(m->nns);
    if (nv_late_now(s))
        return -1;
    nv_group_classes(s, c);

    cfg = Z3_mk_config();
    s->ctx = Z3_mk_context_rc(cfg);
    Z3_del_config(cfg);
    Z3_set_error_handler(s->ctx, nv_z3_error);
    s->base = nv_pool_new(s);
    s->pool = s->base;
    s->solver = Z3_mk_solver_for_logic(s->ctx, Z3_mk_string_symbol(s->ctx, "QF_BV"));
    Z3_solver_inc_ref(s->ctx, s->solver);

    nv_make_sym(s, &s->s, "src_");
    nv_make_sym(s, &s->d, "dst_");
    s->proto = nv_var(s, "", "proto", 2);
    s->port = nv_var(s, "", "port", 16);
    for (i = 0; i < NV_NBEHAVIOURS; i++)
        s->beh[i] = nv_var(s, "plugin_", nv_behaviours[i].key, 0);
    s->local = nv_var(s, "", "same_node", 0);
    if (c->guard) {
        /* only for a guardrail claim: the encoding of the others stays as it was */
        s->guard = nv_var(s, "", "guardrail", 0);
        s->np_free[NV_INGRESS] = nv_var(s, "", "networkpolicies_admit_ingress", 0);
        s->np_free[NV_EGRESS] = nv_var(s, "", "networkpolicies_admit_egress", 0);
    }
    s->ncombos = nv_model_combos(m, s->combos);
    s->norders = nv_explain_tier_orders(m);
    if (s->norders > 1) {
        s->ord = nv_var(s, "", "tier_order", 8);
        nv_axiom(s, nv_k(s, Z3_mk_bvult(s->ctx, s->ord, nv_num(s, s->norders, 8))));
    }
    s->nmaybe = (size_t)nv_explain_maybe_peer(m, NULL);
    if (s->nmaybe > 32)
        s->nmaybe = 32; /* the others hold nothing (nv_maybe()) */
    s->maybe = nv_xcalloc(s->nmaybe + 1, sizeof(*s->maybe));
    for (i = 0; i < s->nmaybe; i++) {
        char name[32];
        snprintf(name, sizeof(name), "peer_maybe_%zu", i);
        s->maybe[i] = nv_var(s, "", name, 0);
    }
    s->sigma = s->tier_addr || s->norders > 1 || s->nmaybe;
    for (i = 0; i < s->ncombos; i++)
        s->sigma |=
            s->combos[i].v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS ||
            (s->combos[i].v[NV_B_HOSTNET] == NV_HOSTNET_NODE && nv_model_tells(m, NV_B_HOSTNET));
    s->s.podsel =
        nv_and2(s, s->s.pod, nv_or2(s, nv_k(s, Z3_mk_not(s->ctx, s->s.hn)), s->beh[NV_B_HOSTNET]));
    s->d.podsel =
        nv_and2(s, s->d.pod, nv_or2(s, nv_k(s, Z3_mk_not(s->ctx, s->d.hn)), s->beh[NV_B_HOSTNET]));
    nv_sym_axioms(s, &s->s, "src_");
    nv_sym_axioms(s, &s->d, "dst_");
    nv_domain_axioms(s, &s->s);
    nv_domain_axioms(s, &s->d);
    nv_distinct_axioms(s);

    if (kind == NV_PART_ISOLATED) {
        /* isolation of src: what 'is isolated' asks, and all it asks */
        s->iso_out_f = nv_isolated(s, NV_EGRESS, &s->s);
        s->iso_in_f = nv_isolated(s, NV_INGRESS, &s->s);
        s->iso_in_s = nv_name(s, "src_isolated_ingress", s->iso_in_f);
        s->iso_out_s = nv_name(s, "src_isolated_egress", s->iso_out_f);
        return nv_late_now(s) ? -1 : 0;
    }
    /* allowed = egress of src toward dst and ingress of dst from src */
    s->allowed_f = nv_allowed(s, NV_AM_SIGMA);
    {
        struct nv_terms t = {NULL, 0, 0};
        nv_terms_add(&t, nv_k(s, Z3_mk_bvule(s->ctx, s->proto, nv_num(s, 2, 2))));
        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, nv_eqn(s, s->port, 0, 16))));
        nv_terms_add(&t, nv_or2(s, s->s.pod, s->d.pod));
        s->domain_f = nv_and(s, &t);
    }
    s->allowed = nv_name(s, "allowed", s->allowed_f);
    s->domain = nv_name(s, "flow_domain", s->domain_f);
    /* what is allowed under every address and placement (nv_robust_formulas()) is built
     * when a question first needs it */
    return nv_late_now(s) ? -1 : 0;
}

static void nv_sym_release(struct nv_smt *s, struct nv_sym *e)
{
    size_t i;

    for (i = 0; e->lab && i < s->pv.n; i++)
        free(e->lab[i]);
    for (i = 0; e->nslab && i < s->nv.n; i++)
        free(e->nslab[i]);
    for (i = 0; e->np && i < s->nnps; i++)
        free(e->np[i]);
    free(e->lab);
    free(e->nslab);
    free(e->np);
    free(e->cls);
    free(e->nsis);
}

/* Drop the encoding of a part: the context, with every term and the solver, and the scope. */
static void nv_unencode(struct nv_smt *s)
{
    size_t i;

    if (s->ctx) {
        if (s->claim)
            Z3_ast_vector_dec_ref(s->ctx, s->claim);
        Z3_solver_dec_ref(s->ctx, s->solver);
        Z3_ast_vector_dec_ref(s->ctx, s->base);
        Z3_del_context(s->ctx);
    }
    for (i = 0; i < s->pv.n; i++)
        free((void *)s->pv.keys[i].vals);
    for (i = 0; i < s->nv.n; i++)
        free((void *)s->nv.keys[i].vals);
    free(s->pv.keys);
    free(s->nv.keys);
    for (i = 0; i < s->nnps; i++)
        free(s->nps[i].vals);
    free(s->nps);
    nv_sym_release(s, &s->s);
    nv_sym_release(s, &s->d);
    free(s->maybe);
    free(s->axioms);
    free(s->rep);
    for (i = 0; i < 2; i++) {
        free(s->dom[i]);
        free(s->keep[i]);
        free(s->nsdom[i]);
    }
    free(s->live);
    free(s->meets);
    for (i = 0; i < s->nnamed; i++)
        free(s->named[i].vals);
    free(s->named);
    free(s->cports);
    memset(&s->ctx, 0, sizeof(*s) - offsetof(struct nv_smt, ctx));
}

void nv_smt_free(struct nv_smt *s)
{
    if (!s)
        return;
    nv_unencode(s);
    free(s->nscls);
    free(s->nsoff);
    free(s);
}

/* ---- claims ---- */

static Z3_ast nv_set(struct nv_smt *s, const struct nv_sym *e, const struct nv_set *st)
{
    const struct nv_model *m = s->m;
    struct nv_terms t = {NULL, 0, 0}, any = {NULL, 0, 0};
    size_t i;

    switch (st->kind) {
    case NV_SET_ANY:
        return nv_true(s);
    case NV_SET_PODS:
        nv_terms_add(&t, e->pod);
        nv_terms_add(&t, nv_sel(s, e, st->sel, 0));
        if (st->scope_ns) {
            for (i = 0; i < m->nns && strcmp(m->ns[i].name, st->scope_ns); i++)
                ;
            nv_terms_add(&t, e->nsis[i]);
        }
        if (st->scope_sel)
            nv_terms_add(&t, nv_sel(s, e, st->scope_sel, 1));
        return nv_and(s, &t);
    case NV_SET_NAMESPACE:
        for (i = 0; i < m->nns && strcmp(m->ns[i].name, st->name); i++)
            ;
        return nv_and2(s, e->pod, e->nsis[i]);
    case NV_SET_NAMESPACES:
        return nv_and2(s, e->pod, nv_sel(s, e, st->sel, 1));
    case NV_SET_SVC:
        nv_terms_add(&t, e->pod);
        nv_terms_add(&t, e->nsis[st->svc->nsidx]);
        nv_terms_add(&t, nv_sel(s, e, st->svc->selector, 0));
        return nv_and(s, &t);
    case NV_SET_CIDR:
        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, e->pod)));
        for (i = 0; i < st->ncidr; i++)
            nv_terms_add(&any, nv_in_iprange(s, e, &st->cidr[i], 1));
        nv_terms_add(&t, nv_or(s, &any));
        for (i = 0; i < st->nexcept; i++)
            nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, nv_in_iprange(s, e, &st->except[i], 1))));
        return nv_and(s, &t);
    case NV_SET_WORKLOAD:
        /* the workload's own classes: claims that name workloads give them classes of their own */
        for (i = 0; i < m->nclasses && !nv_late(s); i++)
            if (st->cls[i] && e->cls[i] && s->rep[i] == i)
                nv_terms_add(&any, e->cls[i]);
        return nv_and2(s, e->pod, nv_or(s, &any));
    }
    return nv_false(s);
}

/* An exposure claim's ports: those routed to the destination's class (c->dst_ports). */
static Z3_ast nv_smt_routed_ports(struct nv_smt *s, const struct nv_claim *c)
{
    struct nv_terms any = {NULL, 0, 0};
    size_t i, k;

    for (i = 0; i < s->m->nclasses && !nv_late(s); i++) {
        const struct nv_portset *ps;
        struct nv_portspec *spec;
        if (c->dst_ports[i] == NV_PORTS_NONE || !s->d.cls[i] || s->rep[i] != i)
            continue; /* not routed, out of the scope, or its group's first class has it */
        ps = nv_ports_get(s->m->ports, c->dst_ports[i]);
        spec = nv_xcalloc(ps->n + 1, sizeof(*spec));
        for (k = 0; k < ps->n; k++) {
            /* ports 0 are never in a set: no interval spans two protocols */
            spec[k].proto = (enum nv_proto)(ps->iv[2 * k] >> 16);
            spec[k].port = ps->iv[2 * k] & 0xffff;
            spec[k].end = ps->iv[2 * k + 1] & 0xffff;
        }
        nv_terms_add(&any,
                     nv_and2(s, s->d.cls[i], nv_ports(s, &s->d, spec, ps->n, s->proto, s->port)));
        free(spec);
    }
    return nv_or(s, &any);
}

/* The claim's ports toward d on the flow's (proto, port); true when it names none. */
static Z3_ast nv_smt_claim_ports(struct nv_smt *s, const struct nv_claim *c)
{
    if (c->dst_ports)
        return nv_smt_routed_ports(s, c);
    if (!c->nports)
        return nv_true(s);
    return nv_ports(s, &s->d, c->ports, c->nports, s->proto, s->port);
}

/* ---- combinations of behaviours ---- */

/* The behaviours at combination c. */
static Z3_ast nv_pin(struct nv_smt *s, const struct nv_combo *c)
{
    struct nv_terms t = {NULL, 0, 0};
    size_t i;

    for (i = 0; i < NV_NBEHAVIOURS; i++)
        nv_terms_add(&t, c->v[i] ? s->beh[i] : nv_k(s, Z3_mk_not(s->ctx, s->beh[i])));
    return nv_and(s, &t);
}

/* The behaviours at one of the combinations of 'mask' (bit i: combination i). */
static Z3_ast nv_pins(struct nv_smt *s, unsigned mask)
{
    struct nv_terms any = {NULL, 0, 0};
    size_t i;

    for (i = 0; i < s->ncombos; i++)
        if (mask & (1u << i))
            nv_terms_add(&any, nv_pin(s, &s->combos[i]));
    return nv_or(s, &any);
}

/* Formula f with the behaviours fixed at combination c. */
static Z3_ast nv_at(struct nv_smt *s, Z3_ast f, const struct nv_combo *c)
{
    Z3_ast to[NV_NBEHAVIOURS];
    size_t i;

    for (i = 0; i < NV_NBEHAVIOURS; i++)
        to[i] = nv_bool(s, c->v[i]);
    return nv_k(s, Z3_substitute(s->ctx, f, NV_NBEHAVIOURS, s->beh, to));
}

/* Whether the pods' addresses or nodes can matter under combination c. */
static int nv_combo_sigma(const struct nv_smt *s, const struct nv_combo *c)
{
    return s->tier_addr || s->norders > 1 || s->nmaybe ||
           c->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS ||
           (c->v[NV_B_HOSTNET] == NV_HOSTNET_NODE && nv_model_tells(s->m, NV_B_HOSTNET));
}

/*
 * What is allowed under some (any_c) and every (all_c) address and placement
 * of the pods, per combination: built once, at the base level of the solver,
 * before the first question under every combination and address (the others
 * do not need them). Under the claim's deadline: when it passes, what was
 * built is cut short, but every question after it is undecided, and the
 * encoding is dropped with the part.
 */
static void nv_robust_formulas(struct nv_smt *s)
{
    Z3_ast any_f = NULL, all_f = NULL;
    size_t i;
    char name[64];

    if (s->any_c[0])
        return;
    if (s->sigma) {
        any_f = nv_over_orders(s, nv_allowed(s, NV_AM_ANY), NV_AM_ANY);
        all_f = nv_over_orders(s, nv_allowed(s, NV_AM_ALL), NV_AM_ALL);
    }
    for (i = 0; i < s->ncombos; i++) {
        const struct nv_combo *c = &s->combos[i];
        int sig = nv_combo_sigma(s, c);
        s->any_cf[i] = nv_at(s, sig ? any_f : s->allowed_f, c);
        snprintf(name, sizeof(name), "allowed_any_%zu", i);
        s->any_c[i] = nv_name(s, name, s->any_cf[i]);
        if (sig) {
            snprintf(name, sizeof(name), "allowed_all_%zu", i);
            s->all_c[i] = nv_name(s, name, nv_at(s, all_f, c));
        } else {
            s->all_c[i] = s->any_c[i];
        }
    }
}

/* How a query takes the pods' addresses: free (some), or every one of them. */
enum nv_qmode { NV_Q_SOME, NV_Q_EVERY };

/*
 * The query of one part: satisfiable iff a flow breaks it under some
 * combination of 'mask' and some addresses and placement (NV_Q_SOME), or
 * under every combination of 'mask' and every address (NV_Q_EVERY). Without
 * the 'blocked on every port' of a reaches part without ports (the caller's).
 */
/* A guardrail claim's queries leave the NetworkPolicy tier free; every other claim's do not. */
static Z3_ast nv_guard_pin(struct nv_smt *s, const struct nv_claim *c)
{
    if (!s->guard)
        return nv_true(s);
    return c->guard ? s->guard : nv_k(s, Z3_mk_not(s->ctx, s->guard));
}

/*
 * 'tenants by KEY': the source's and the destination's namespaces give KEY
 * two different values (both give it one: the claim's sets say so).
 */
static Z3_ast nv_tenants_apart(struct nv_smt *s, const struct nv_claim *c)
{
    const struct nv_model *m = s->m;
    struct nv_terms any = {NULL, 0, 0};
    unsigned char *done = nv_xcalloc(m->nns + 1, 1);
    size_t i, j;

    for (i = 0; i < m->nns; i++) {
        struct nv_terms sv = {NULL, 0, 0}, dv = {NULL, 0, 0};
        const char *v = nv_labels_get(&m->ns[i].labels, c->tenant_key);
        if (!v || done[i])
            continue;
        for (j = i; j < m->nns; j++) {
            const char *w = nv_labels_get(&m->ns[j].labels, c->tenant_key);
            if (w && !strcmp(v, w)) {
                done[j] = 1;
                nv_terms_add(&sv, s->s.nsis[j]);
                nv_terms_add(&dv, s->d.nsis[j]);
            }
        }
        /* the source of tenant v, the destination not */
        nv_terms_add(&any, nv_and2(s, nv_or(s, &sv), nv_k(s, Z3_mk_not(s->ctx, nv_or(s, &dv)))));
    }
    free(done);
    return nv_or(s, &any);
}

static Z3_ast nv_query(struct nv_smt *s, const struct nv_claim *c, enum nv_part_kind kind,
                       enum nv_qmode mode, unsigned mask)
{
    struct nv_terms t = {NULL, 0, 0};
    size_t i;

    nv_terms_add(&t, nv_guard_pin(s, c));
    if (c->tenant_key)
        nv_terms_add(&t, nv_tenants_apart(s, c));
    if (mode == NV_Q_SOME)
        nv_terms_add(&t, nv_pins(s, mask));
    switch (kind) {
    case NV_PART_ISOLATED: {
        nv_terms_add(&t, s->s.pod);
        nv_terms_add(&t, nv_set(s, &s->s, &c->a));
        for (i = 0; i < s->ncombos; i++) {
            struct nv_terms any = {NULL, 0, 0};
            if (mode == NV_Q_SOME ? i > 0 : !(mask & (1u << i)))
                continue;
            if (c->iso_types & NV_TYPE_INGRESS)
                nv_terms_add(&any, nv_k(s, Z3_mk_not(s->ctx, mode == NV_Q_SOME ? s->iso_in_s
                                                                               : s->iso_in_f)));
            if (c->iso_types & NV_TYPE_EGRESS)
                nv_terms_add(&any, nv_k(s, Z3_mk_not(s->ctx, mode == NV_Q_SOME ? s->iso_out_s
                                                                               : s->iso_out_f)));
            nv_terms_add(&t, mode == NV_Q_SOME ? nv_or(s, &any)
                                               : nv_at(s, nv_or(s, &any), &s->combos[i]));
        }
        return nv_and(s, &t);
    }
    case NV_PART_CANNOT:
    case NV_PART_ONLY:
        nv_terms_add(&t, s->domain);
        nv_terms_add(&t, kind == NV_PART_ONLY ? nv_k(s, Z3_mk_not(s->ctx, nv_set(s, &s->s, &c->a)))
                                              : nv_set(s, &s->s, &c->a));
        nv_terms_add(&t, nv_set(s, &s->d, &c->b));
        nv_terms_add(&t, nv_smt_claim_ports(s, c));
        if (mode == NV_Q_SOME)
            nv_terms_add(&t, s->allowed);
        else
            for (i = 0; i < s->ncombos; i++)
                if (mask & (1u << i))
                    nv_terms_add(&t, s->all_c[i]);
        return nv_and(s, &t);
    case NV_PART_REACHES:
        nv_terms_add(&t, nv_set(s, &s->s, &c->a));
        nv_terms_add(&t, nv_set(s, &s->d, &c->b));
        if (c->nports) {
            nv_terms_add(&t, s->domain);
            nv_terms_add(&t, nv_smt_claim_ports(s, c));
            if (mode == NV_Q_SOME)
                nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, s->allowed)));
            else
                for (i = 0; i < s->ncombos; i++)
                    if (mask & (1u << i))
                        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, s->any_c[i])));
        } else {
            /* the pair only; 'blocked on every port' is added by the caller */
            nv_terms_add(&t, nv_or2(s, s->s.pod, s->d.pod));
        }
        return nv_and(s, &t);
    }
    return nv_false(s);
}

/* ---- solving with a time limit ---- */

struct nv_watchdog {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, fired;
    double timeout;
    Z3_context ctx;
};

static void nv_add_seconds(struct timespec *t, double secs)
{
    double whole = (double)(long)secs;

    t->tv_sec += (time_t)whole;
    t->tv_nsec += (long)((secs - whole) * 1e9);
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/*
 * Interrupt the solver once the time is up, and again every 10 ms until the
 * check returns: an interrupt that arrives before Z3 has started the check
 * would otherwise be lost.
 */
static void *nv_watchdog_run(void *arg)
{
    struct nv_watchdog *w = arg;
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    nv_add_seconds(&until, w->timeout);
    pthread_mutex_lock(&w->mu);
    while (!w->done) {
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT && !w->done) {
            w->fired = 1;
            Z3_interrupt(w->ctx);
            clock_gettime(CLOCK_REALTIME, &until);
            nv_add_seconds(&until, 0.01);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Seconds left before the deadline of what is being built or decided (when there is one). */
static double nv_left(const struct nv_smt *s)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(s->deadline.tv_sec - now.tv_sec) +
           (double)(s->deadline.tv_nsec - now.tv_nsec) / 1e9;
}

/*
 * Z3_solver_check under a watchdog that interrupts it after 'timeout' seconds,
 * or at the claim's deadline if that comes first: past it, or when the query
 * was cut short by it, the check is not even started.
 */
static Z3_lbool nv_solve(struct nv_smt *s, double timeout, const char **why)
{
    struct nv_watchdog w;
    Z3_lbool r;
    int started = 0;

    if (s->has_deadline) {
        double left = nv_left(s);
        if (s->late || left <= 0) {
            s->late = 1;
            *why = "timeout";
            return Z3_L_UNDEF;
        }
        if (timeout <= 0 || left < timeout)
            timeout = left;
    }
    memset(&w, 0, sizeof(w));
    if (timeout > 0) {
        w.timeout = timeout;
        w.ctx = s->ctx;
        pthread_mutex_init(&w.mu, NULL);
        pthread_cond_init(&w.cv, NULL);
        started = pthread_create(&w.thread, NULL, nv_watchdog_run, &w) == 0;
    }
    r = Z3_solver_check(s->ctx, s->solver);
    if (started) {
        pthread_mutex_lock(&w.mu);
        w.done = 1;
        pthread_cond_signal(&w.cv);
        pthread_mutex_unlock(&w.mu);
        pthread_join(w.thread, NULL);
    }
    if (timeout > 0) {
        pthread_mutex_destroy(&w.mu);
        pthread_cond_destroy(&w.cv);
    }
    if (w.fired) {
        /* out of time: whatever the check returned, the solver was interrupted at some
         * point; do not trust it (nor this answer) again */
        s->tainted = 1;
        r = Z3_L_UNDEF;
    }
    if (r == Z3_L_UNDEF)
        *why = w.fired ? "timeout" : "the solver gave up";
    return r;
}

static uint64_t nv_eval(struct nv_smt *s, Z3_model model, Z3_ast a)
{
    Z3_ast v = NULL;
    uint64_t u = 0;

    if (!Z3_model_eval(s->ctx, model, a, 1, &v) || !v)
        NV_BUG("cannot evaluate the model");
    nv_k(s, v);
    if (Z3_get_sort_kind(s->ctx, Z3_get_sort(s->ctx, v)) == Z3_BOOL_SORT)
        return Z3_get_bool_value(s->ctx, v) == Z3_L_TRUE;
    if (!Z3_get_numeral_uint64(s->ctx, v, &u))
        NV_BUG("not a numeral in the model");
    return u;
}

/* The address of external endpoint e in the model. */
static struct nv_ip nv_eval_ip(struct nv_smt *s, Z3_model model, const struct nv_sym *e)
{
    struct nv_ip a;

    if (e->v6 ? !nv_eval(s, model, e->v6) : !e->ip6)
        return nv_ip_v4((uint32_t)nv_eval(s, model, e->ip));
    a = nv_ip_min(NV_IPV6);
    a.hi = nv_eval(s, model, nv_k(s, Z3_mk_extract(s->ctx, 127, 64, e->ip6)));
    a.lo = nv_eval(s, model, nv_k(s, Z3_mk_extract(s->ctx, 63, 0, e->ip6)));
    return a;
}

/* Whether everything class c pins holds in the model (with model completion). */
static int nv_class_fits(struct nv_smt *s, Z3_model model, const struct nv_sym *e, size_t c)
{
    const struct nv_class *cl = &s->m->classes[c];
    size_t k, j;

    if (!nv_eval(s, model, e->nsis[cl->ns]))
        return 0;
    for (k = 0; k < s->pv.n; k++)
        if (!nv_eval(s, model,
                     e->lab[k][nv_vocab_code(&s->pv.keys[k],
                                             nv_labels_get(&cl->labels, s->pv.keys[k].key))]))
            return 0;
    for (k = 0; k < s->nnps; k++) {
        unsigned port = 0;
        for (j = 0; j < cl->nports && !port; j++)
            if (cl->ports[j].name == s->nps[k].name && cl->ports[j].proto == s->nps[k].proto)
                port = cl->ports[j].port;
        if (!nv_eval(s, model, e->np[k][nv_nport_code(&s->nps[k], port)]))
            return 0;
    }
    return 1;
}

/*
 * The classes whose indicator holds in the model for endpoint e (usually one).
 * When the model leaves every indicator undefined (it may, after an
 * interrupted check), the classes whose attributes the model gives.
 */
static size_t nv_true_classes(struct nv_smt *s, Z3_model model, const struct nv_sym *e,
                              uint32_t *out)
{
    size_t c, n = 0, lo = 0, hi = s->m->nclasses;
    uint64_t ns = nv_eval(s, model, e->ns);

    /* classes are numbered namespace by namespace: look in the pod's namespace first */
    while (lo < hi && s->m->classes[lo].ns < ns)
        lo++;
    hi = lo;
    while (hi < s->m->nclasses && s->m->classes[hi].ns == ns)
        hi++;
    if (lo == hi) {
        lo = 0;
        hi = s->m->nclasses;
    }
    for (c = lo; c < hi; c++) {
        Z3_ast v;
        if (!e->cls[c])
            continue;
        v = Z3_model_get_const_interp(s->ctx, model,
                                      Z3_get_app_decl(s->ctx, Z3_to_app(s->ctx, e->cls[c])));
        if (v && Z3_get_bool_value(s->ctx, v) == Z3_L_TRUE)
            out[n++] = (uint32_t)c;
    }
    for (c = 0; !n && c < s->m->nclasses; c++)
        if (e->cls[c] && nv_class_fits(s, model, e, c))
            out[n++] = (uint32_t)c;
    return n;
}

static int nv_member(const struct nv_set *st, uint32_t c)
{
    return st->cls && st->cls[c];
}

/* The combination the model gives the behaviours. */
static struct nv_combo nv_eval_combo(struct nv_smt *s, Z3_model model)
{
    struct nv_combo c;
    size_t i;

    memset(&c, 0, sizeof(c));
    for (i = 0; i < NV_NBEHAVIOURS; i++)
        c.v[i] = (unsigned char)nv_eval(s, model, s->beh[i]);
    if (s->ord)
        c.order = (unsigned char)nv_eval(s, model, s->ord);
    for (i = 0; i < s->nmaybe; i++)
        c.maybe |= (uint32_t)nv_eval(s, model, s->maybe[i]) << i;
    return c;
}

/*
 * Read the witness. Where several class indicators hold, the classes differ
 * only in identity; pick ones in the claim's sets that form a valid pair.
 * 'combo': the combination of the query (NULL: read it from the model, with
 * the pods' addresses and placement; else a flow for every address).
 */
static void nv_read_witness(struct nv_smt *s, const struct nv_claim *c, struct nv_part *part,
                            const struct nv_combo *combo)
{
    Z3_model model = Z3_solver_get_model(s->ctx, s->solver);
    uint32_t *sc = nv_xmalloc((s->m->nclasses + 1) * sizeof(*sc));
    uint32_t *dc = nv_xmalloc((s->m->nclasses + 1) * sizeof(*dc));
    size_t ns = 0, nd = 0, i, j = 0;
    int want_in_a = part->kind != NV_PART_ONLY;

    Z3_model_inc_ref(s->ctx, model);
    memset(&part->w, 0, sizeof(part->w));
    part->w.combo = combo ? *combo : nv_eval_combo(s, model);
    part->w.src.external = !nv_eval(s, model, s->s.pod);
    part->w.dst.external = !nv_eval(s, model, s->d.pod);
    if (part->w.src.external)
        part->w.src.ip = nv_eval_ip(s, model, &s->s);
    else if (!(ns = nv_true_classes(s, model, &s->s, sc)))
        NV_BUG("a pod endpoint of the model has no class");
    if (part->kind != NV_PART_ISOLATED) {
        if (part->w.dst.external)
            part->w.dst.ip = nv_eval_ip(s, model, &s->d);
        else if (!(nd = nv_true_classes(s, model, &s->d, dc)))
            NV_BUG("a pod endpoint of the model has no class");
        /* the addresses the plugin matches, and whether the pods share a node */
        if (!combo &&
            (s->tier_addr || part->w.combo.v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS)) {
            if (!part->w.src.external) {
                part->w.src.ip = nv_eval_ip(s, model, &s->s);
                part->w.src.has_ip = 1;
            }
            if (!part->w.dst.external) {
                part->w.dst.ip = nv_eval_ip(s, model, &s->d);
                part->w.dst.has_ip = 1;
            }
        }
        /* sharing a node means something only for a hostNetwork pod treated as its node */
        if (!combo && part->w.combo.v[NV_B_HOSTNET] == NV_HOSTNET_NODE)
            part->w.local = (int)nv_eval(s, model, s->local);
    }
    part->w.proto = (enum nv_proto)nv_eval(s, model, s->proto);
    part->w.port = (unsigned)nv_eval(s, model, s->port);
    if (part->kind == NV_PART_ISOLATED) {
        /* a direction the claim asks about, in which the pod is not isolated */
        int in = (int)nv_eval(s, model, combo ? nv_at(s, s->iso_in_f, combo) : s->iso_in_s);
        part->w.dir = (c->iso_types & NV_TYPE_INGRESS) && !in ? NV_INGRESS : NV_EGRESS;
    }
    Z3_model_dec_ref(s->ctx, model);
    /* choose the classes: in the sets, and not one workload twice */
    for (i = 0; i < ns; i++) {
        if (nv_member(&c->a, sc[i]) != want_in_a)
            continue;
        part->w.src.cls = sc[i];
        if (part->kind == NV_PART_ISOLATED || part->w.dst.external)
            break;
        for (j = 0; j < nd; j++)
            if (nv_member(&c->b, dc[j]) && nv_claim_pair_ok(s->m, sc[i], dc[j]) &&
                nv_claim_tenants_apart(s->m, c, sc[i], dc[j]))
                break;
        if (j < nd)
            break;
    }
    if (ns && i == ns)
        part->w.src.cls = sc[0]; /* nothing fits: the caller's check reports it */
    if (nd) {
        if (part->w.src.external || i == ns || part->kind == NV_PART_ISOLATED)
            for (j = 0; j < nd && !nv_member(&c->b, dc[j]); j++)
                ;
        part->w.dst.cls = dc[j < nd ? j : 0];
    }
    if (part->w.local &&
        (part->kind == NV_PART_ISOLATED || part->w.src.external || part->w.dst.external ||
         !(s->m->classes[part->w.src.cls].hostnet || s->m->classes[part->w.dst.cls].hostnet)))
        part->w.local = 0;
    free(sc);
    free(dc);
}

/* Seconds since t0. */
static double nv_elapsed(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The endpoint fixed to what the witness says (its address too, when it has one). */
static Z3_ast nv_fix(struct nv_smt *s, const struct nv_sym *e, const struct nv_end *v)
{
    struct nv_iprange r;

    r.first = r.last = v->ip;
    if (v->external)
        return nv_and2(s, nv_k(s, Z3_mk_not(s->ctx, e->pod)), nv_in_iprange(s, e, &r, 1));
    if (v->has_ip)
        return nv_and2(s, nv_and2(s, e->pod, e->cls[v->cls]), nv_in_iprange(s, e, &r, 1));
    return nv_and2(s, e->pod, e->cls[v->cls]);
}

/*
 * 'A reaches B' on at least one port: find a pair with no allowed port. Each
 * candidate pair is tested for an allowed (proto, port); if one exists, every
 * pair allowed on it is excluded, and the search goes on. 'allowed_f' is the
 * formula of an allowed flow; with 'sigma' it has the behaviours, addresses
 * and placement free, and the candidate's are fixed with the pair.
 */
static void nv_reaches_any(struct nv_smt *s, const struct nv_claim *c, double timeout,
                           struct nv_part *part, Z3_ast allowed_f, int sigma,
                           const struct nv_combo *combo)
{
    const char *why = NULL;
    Z3_ast from[2], to[2];
    struct timespec t0;

    from[0] = s->proto;
    from[1] = s->port;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        Z3_lbool r;
        struct nv_witness w;
        /* one deadline for the whole part, however many rounds it takes */
        double left = timeout > 0 ? timeout - nv_elapsed(&t0) : 0;
        if (timeout > 0 && left <= 0) {
            part->verdict = NV_UNDECIDED;
            part->why = "timeout";
            return;
        }
        r = nv_solve(s, left, &why);
        if (r == Z3_L_FALSE) {
            part->verdict = NV_HOLDS;
            return;
        }
        if (r == Z3_L_UNDEF) {
            part->verdict = NV_UNDECIDED;
            part->why = why;
            return;
        }
        nv_read_witness(s, c, part, sigma ? NULL : combo);
        w = part->w;
        Z3_solver_push(s->ctx, s->solver);
        Z3_solver_assert(s->ctx, s->solver, nv_fix(s, &s->s, &w.src));
        Z3_solver_assert(s->ctx, s->solver, nv_fix(s, &s->d, &w.dst));
        if (sigma) {
            Z3_solver_assert(s->ctx, s->solver, nv_pin(s, &w.combo));
            Z3_solver_assert(s->ctx, s->solver,
                             w.local ? s->local : nv_k(s, Z3_mk_not(s->ctx, s->local)));
        }
        Z3_solver_assert(s->ctx, s->solver, s->domain);
        Z3_solver_assert(s->ctx, s->solver, allowed_f);
        left = timeout > 0 ? timeout - nv_elapsed(&t0) : 0;
        r = timeout > 0 && left <= 0 ? Z3_L_UNDEF : nv_solve(s, left, &why);
        if (r == Z3_L_UNDEF && !why)
            why = "timeout";
        if (r == Z3_L_TRUE)
            nv_read_witness(s, c, part, sigma ? NULL : combo);
        Z3_solver_pop(s->ctx, s->solver, 1);
        if (r == Z3_L_FALSE) {
            part->w = w;
            part->w.all_ports = 1;
            part->verdict = NV_REFUTED;
            return;
        }
        if (r == Z3_L_UNDEF) {
            part->verdict = NV_UNDECIDED;
            part->why = why;
            return;
        }
        /* allowed on (proto, port): no pair allowed there is a counterexample */
        to[0] = nv_num(s, part->w.proto, 2);
        to[1] = nv_num(s, part->w.port, 16);
        Z3_solver_assert(
            s->ctx, s->solver,
            nv_k(s, Z3_mk_not(s->ctx, nv_k(s, Z3_substitute(s->ctx, allowed_f, 2, from, to)))));
    }
}

/*
 * A solver the watchdog interrupted is not trusted again (its models came
 * out inconsistent in tests): a fresh one gets the base assertions.
 */
static void nv_fresh_solver(struct nv_smt *s)
{
    size_t i;

    Z3_solver_dec_ref(s->ctx, s->solver);
    s->solver = Z3_mk_solver_for_logic(s->ctx, Z3_mk_string_symbol(s->ctx, "QF_BV"));
    Z3_solver_inc_ref(s->ctx, s->solver);
    for (i = 0; i < s->naxioms; i++)
        Z3_solver_assert(s->ctx, s->solver, s->axioms[i]);
    s->tainted = 0;
}

/*
 * Ask one question about a part: is it broken under some combination of
 * 'mask' and some addresses (NV_Q_SOME), or by one flow under every
 * combination of 'mask' and every address (NV_Q_EVERY)? The verdict says
 * NV_REFUTED (a witness in part->w), NV_HOLDS or NV_UNDECIDED.
 */
static void nv_ask(struct nv_smt *s, const struct nv_claim *c, struct nv_part *part,
                   enum nv_qmode mode, unsigned mask, double timeout)
{
    const struct nv_combo *first = NULL;
    size_t i;

    for (i = 0; i < s->ncombos && !first; i++)
        if (mask & (1u << i))
            first = &s->combos[i];
    if (s->tainted)
        nv_fresh_solver(s);
    if (mode == NV_Q_EVERY && part->kind != NV_PART_ISOLATED)
        nv_robust_formulas(s);
    Z3_solver_push(s->ctx, s->solver);
    Z3_solver_assert(s->ctx, s->solver, nv_query(s, c, part->kind, mode, mask));
    if (part->kind == NV_PART_REACHES && !c->nports) {
        Z3_ast f = s->allowed_f;
        if (mode == NV_Q_EVERY) {
            /* allowed under some address, in one of the combinations */
            struct nv_terms any = {NULL, 0, 0};
            for (i = 0; i < s->ncombos; i++)
                if (mask & (1u << i))
                    nv_terms_add(&any, s->any_cf[i]);
            f = nv_or(s, &any);
        }
        nv_reaches_any(s, c, timeout, part, f, mode == NV_Q_SOME, first);
    } else {
        const char *why = NULL;
        Z3_lbool r = nv_solve(s, timeout, &why);
        if (r == Z3_L_TRUE) {
            part->verdict = NV_REFUTED;
            nv_read_witness(s, c, part, mode == NV_Q_SOME ? NULL : first);
        } else if (r == Z3_L_FALSE) {
            part->verdict = NV_HOLDS;
        } else {
            part->verdict = NV_UNDECIDED;
            part->why = why;
        }
    }
    Z3_solver_pop(s->ctx, s->solver, 1);
    /* no flow among the classes of a first try: the others may have one */
    if (part->verdict != NV_REFUTED)
        s->inexact = 1;
    if (part->verdict == NV_REFUTED && mode == NV_Q_EVERY) {
        part->w.robust = 1;
        part->w.local = 0;
    }
}

/*
 * Whether witness w (a flow found under some combination and addresses)
 * breaks the part under every combination and every address and placement:
 * nothing makes that flow keep the part. A quick question, asked before the
 * general one.
 */
static int nv_smt_witness_robust(struct nv_smt *s, const struct nv_claim *c, struct nv_part *part,
                                 double timeout)
{
    struct nv_end src = part->w.src, dst = part->w.dst;
    struct nv_terms t = {NULL, 0, 0};
    const char *why = NULL;
    Z3_lbool r;

    src.has_ip = dst.has_ip = 0; /* the pods' addresses stay free */
    nv_terms_add(&t, nv_pins(s, (1u << s->ncombos) - 1));
    nv_terms_add(&t, nv_guard_pin(s, c));
    nv_terms_add(&t, nv_fix(s, &s->s, &src));
    switch (part->kind) {
    case NV_PART_ISOLATED:
        if (c->iso_types & NV_TYPE_INGRESS)
            nv_terms_add(&t, s->iso_in_s);
        if (c->iso_types & NV_TYPE_EGRESS)
            nv_terms_add(&t, s->iso_out_s);
        break;
    case NV_PART_REACHES:
        nv_terms_add(&t, nv_fix(s, &s->d, &dst));
        nv_terms_add(&t, s->domain);
        nv_terms_add(&t, s->allowed);
        if (!part->w.all_ports) {
            nv_terms_add(&t, nv_eqn(s, s->proto, part->w.proto, 2));
            nv_terms_add(&t, nv_eqn(s, s->port, part->w.port, 16));
        }
        break;
    default:
        nv_terms_add(&t, nv_fix(s, &s->d, &dst));
        nv_terms_add(&t, nv_eqn(s, s->proto, part->w.proto, 2));
        nv_terms_add(&t, nv_eqn(s, s->port, part->w.port, 16));
        nv_terms_add(&t, nv_k(s, Z3_mk_not(s->ctx, s->allowed)));
        break;
    }
    if (s->tainted)
        nv_fresh_solver(s);
    Z3_solver_push(s->ctx, s->solver);
    Z3_solver_assert(s->ctx, s->solver, nv_and(s, &t));
    r = nv_solve(s, timeout, &why);
    Z3_solver_pop(s->ctx, s->solver, 1);
    return r == Z3_L_FALSE;
}

/* Decide one part under every combination: its fates, verdict and witness. */
static void nv_smt_part(struct nv_smt *s, const struct nv_claim *c, struct nv_part *part,
                        double timeout)
{
    unsigned all = (1u << s->ncombos) - 1;
    struct nv_part q = *part;
    struct nv_witness wp[NV_MAX_COMBOS], ws[NV_MAX_COMBOS];
    int found[NV_MAX_COMBOS], found_sure[NV_MAX_COMBOS];
    const char *why = NULL;
    size_t i;

    part->ncombos = s->ncombos;
    memcpy(part->combos, s->combos, sizeof(part->combos));
    /* broken under some combination and address at all? */
    nv_ask(s, c, &q, NV_Q_SOME, all, timeout);
    if (q.verdict != NV_REFUTED) {
        for (i = 0; i < s->ncombos; i++)
            part->fate[i] = q.verdict == NV_HOLDS ? NV_FATE_HOLDS : NV_FATE_UNDECIDED;
        part->verdict = q.verdict;
        part->why = q.why;
        return;
    }
    /* by one flow under every combination and address? That one, often */
    if ((s->sigma || s->ncombos > 1) && !nv_smt_witness_robust(s, c, &q, timeout)) {
        struct nv_witness some = q.w;
        nv_ask(s, c, &q, NV_Q_EVERY, all, timeout);
        if (q.verdict != NV_REFUTED)
            q.w = some;
    }
    if (q.verdict == NV_REFUTED) {
        for (i = 0; i < s->ncombos; i++)
            part->fate[i] = NV_FATE_REFUTED;
        part->verdict = NV_REFUTED;
        part->w = q.w;
        /* it breaks the part under every combination, address and placement: shown
         * under the first combination, as the other engine shows it */
        part->w.robust = 1;
        part->w.local = 0;
        part->w.combo = s->combos[0];
        part->w.src.has_ip = part->w.dst.has_ip = 0;
        return;
    }
    if (s->ncombos == 1) {
        /* broken under some addresses only (or not known to be under all) */
        part->fate[0] = NV_FATE_ADDRESSES;
        part->verdict = NV_DEPENDS;
        part->w = q.w;
        return;
    }
    /* combination by combination */
    for (i = 0; i < s->ncombos; i++) {
        found[i] = found_sure[i] = 0;
        nv_ask(s, c, &q, NV_Q_SOME, 1u << i, timeout);
        if (q.verdict == NV_HOLDS) {
            part->fate[i] = NV_FATE_HOLDS;
            continue;
        }
        if (q.verdict == NV_UNDECIDED) {
            part->fate[i] = NV_FATE_UNDECIDED;
            why = q.why;
            continue;
        }
        found[i] = 1;
        wp[i] = q.w;
        if (nv_combo_sigma(s, &s->combos[i]))
            nv_ask(s, c, &q, NV_Q_EVERY, 1u << i, timeout);
        if (q.verdict == NV_REFUTED) {
            found_sure[i] = 1;
            ws[i] = q.w;
        }
        part->fate[i] = found_sure[i] ? NV_FATE_REFUTED : NV_FATE_ADDRESSES;
    }
    part->verdict = nv_part_settle(part);
    part->why = why;
    if (part->verdict == NV_REFUTED) {
        part->w = ws[0];
        return;
    }
    for (i = 0; i < s->ncombos && !found_sure[i]; i++)
        ;
    if (i == s->ncombos)
        for (i = 0; i < s->ncombos && !found[i]; i++)
            ;
    if (i < s->ncombos)
        part->w = found_sure[i] ? ws[i] : wp[i];
}

const char NV_SMT_LATE[] = "timeout: the policies were not encoded within --timeout";

/*
 * Decide one part, as a first try ('trial') or on every class it can touch:
 * returns 0, 1 when a first try settled nothing (the part is to be asked
 * again on every class), or -1 when the encoding was late.
 */
static int nv_smt_try(struct nv_smt *s, const struct nv_claim *c, struct nv_part *part,
                      double timeout, int trial)
{
    int again;

    s->trial = trial;
    /* each part in a context of its own, with what can touch it: the memory of a run
     * does not grow with its claims, and nothing of one claim weighs on the next */
    if (nv_encode(s, c, part->kind) < 0) {
        nv_unencode(s);
        return -1;
    }
    nv_claim_begin(s);
    nv_smt_part(s, c, part, timeout);
    /*
     * A first try is kept when every answer was a flow (a witness among the classes
     * it was given is one of the cluster's; one that holds under every combination
     * and address is asked about the flow itself, its classes pinned). An answer
     * 'no flow' speaks only of those classes: the part is asked again on all.
     */
    again = s->thinned && s->inexact;
    if (!again && (part->verdict == NV_REFUTED || part->verdict == NV_DEPENDS))
        nv_witness_pods(s->m, part->kind, &part->w);
    if (s->thinned && again)
        s->trials_redone++;
    else if (s->thinned)
        s->trials_kept++;
    nv_claim_end(s);
    nv_unencode(s);
    return again;
}

void nv_smt_check(struct nv_smt *s, const struct nv_claim *c, double timeout, struct nv_result *out)
{
    size_t p;

    nv_result_init(out, c);
    /* one limit for the claim: encoding each part, building its queries, every question */
    nv_set_deadline(s, timeout);
    for (p = 0; p < out->nparts; p++) {
        struct nv_part *part = &out->parts[p], fresh = *part;
        /* a part whose ends can be in many classes is first asked on some of them: a
         * claim broken by many flows (most refuted ones) is settled on a fraction of
         * the encoding; one that holds costs that fraction more */
        int rc = s->trial_one_in > 1 ? nv_smt_try(s, c, part, timeout, 1) : 1;
        if (rc == 1) {
            *part = fresh;
            rc = nv_smt_try(s, c, part, timeout, 0);
        }
        if (rc < 0) {
            for (; p < out->nparts; p++) {
                out->parts[p].verdict = NV_UNDECIDED;
                out->parts[p].why = NV_SMT_LATE;
            }
            break;
        }
    }
    nv_set_deadline(s, 0); /* nothing else (nv_smt_emit()) is bounded by it */
}

void nv_smt_trial(struct nv_smt *s, size_t from, unsigned one_in)
{
    s->trial_from = from;
    s->trial_one_in = one_in ? one_in : 1;
}

void nv_smt_trials(const struct nv_smt *s, size_t *kept, size_t *redone)
{
    *kept = s->trials_kept;
    *redone = s->trials_redone;
}

int nv_smt_emit(struct nv_smt *s, const struct nv_claim *c, size_t part, FILE *fp)
{
    struct nv_result r;
    Z3_ast q, all[2];
    const char *text, *logic = "QF_BV";
    struct nv_buf name, claim;
    int rc = 0;

    nv_result_init(&r, c);
    if (part >= r.nparts)
        return -1;
    nv_set_deadline(s, 0);
    if (nv_encode(s, c, r.parts[part].kind) < 0)
        NV_BUG("the encoding was late without a deadline");
    nv_claim_begin(s);
    q = nv_query(s, c, r.parts[part].kind, NV_Q_SOME, (1u << s->ncombos) - 1);
    if (r.parts[part].kind == NV_PART_REACHES && !c->nports) {
        /* no (proto, port) is allowed: a quantified formula z3 solves directly */
        Z3_app bound[2];
        /* the formulas themselves: their names are constants, not functions of the port */
        Z3_ast body = nv_k(s, Z3_mk_not(s->ctx, nv_and2(s, s->domain_f, s->allowed_f)));
        bound[0] = Z3_to_app(s->ctx, s->proto);
        bound[1] = Z3_to_app(s->ctx, s->port);
        q = nv_and2(s, q, nv_k(s, Z3_mk_forall_const(s->ctx, 0, 2, bound, 0, NULL, body)));
        logic = "BV";
    }
    all[0] = s->naxioms ? nv_k(s, Z3_mk_and(s->ctx, (unsigned)s->naxioms, s->axioms)) : nv_true(s);
    all[1] = q;
    /* the claim's name and text go in comments only, each on one line */
    nv_buf_init(&name, 0);
    nv_buf_init(&claim, 0);
    nv_escape_term(&name, c->name ? c->name : c->text);
    nv_escape_term(&claim, c->text);
    text = Z3_benchmark_to_smtlib_string(s->ctx, nv_buf_str(&name), logic, "unknown", "", 0, NULL,
                                         nv_k(s, Z3_mk_and(s->ctx, 2, all)));
    if (fprintf(fp,
                "; netverify: %s\n; part: %s\n; sat means the claim is refuted under some "
                "behaviour of the network plugin and some addresses of the pods\n",
                nv_buf_str(&claim),
                r.parts[part].kind == NV_PART_ONLY ? "nothing outside the source set reaches"
                                                   : "the claim as written") < 0 ||
        fputs(text, fp) < 0)
        rc = -1;
    nv_buf_release(&name);
    nv_buf_release(&claim);
    nv_claim_end(s);
    nv_unencode(s);
    return rc;
}

const char *nv_smt_version(void)
{
    static char buf[64];
    unsigned major, minor, build, rev;

    Z3_get_version(&major, &minor, &build, &rev);
    snprintf(buf, sizeof(buf), "%u.%u.%u", major, minor, build);
    return buf;
}
