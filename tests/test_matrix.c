/*
 * test_matrix.c - the set-algebra engine against an independent brute-force
 * oracle written from the semantics in DESIGN.md, on random clusters, plus
 * hand-written cases with exact connection strings.
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

#include <unistd.h>

#include "netverify/explain.h"
#include "netverify/load.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/profile.h"

#include "oracle.h"
#include "randcluster.h"

static char g_dir[64];
static char g_path[128];

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/nv-test-matrix-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_path, sizeof(g_path), "%s/cluster.yaml", g_dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(g_path);
    rmdir(g_dir);
    return 0;
}

static struct nv_model *load_with(const struct nv_profile *prof, struct nv_diags *d)
{
    struct nv_model *m;

    nv_diags_init(d);
    m = gen_load(g_path, prof, 1, d);
    if (!m) {
        size_t i;
        for (i = 0; i < d->n; i++)
            print_message("  %u:%u: %s\n", d->items[i].loc.line, d->items[i].loc.col,
                          d->items[i].msg);
        fail_msg("load of %s failed", g_path);
    }
    return m;
}

static struct nv_model *load_file(struct nv_diags *d)
{
    return load_with(nv_test_profile(), d);
}

static struct nv_model *load_text(const char *text, struct nv_diags *d)
{
    FILE *fp = fopen(g_path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    return load_file(d);
}

/* ====================================================================== */
/* The oracle: DESIGN.md "Semantics", evaluated per pod pair and per probe.  */
/* It reads pods, namespaces and policies only: no classes, units or rows.  */
/* ====================================================================== */

/* The rules of one pod in one direction, from the policies that select it. */
struct o_pod {
    int iso[2];
    size_t nrules[2];
    const struct nv_rule **rules[2];
};

static void o_pod_rules(const struct nv_model *m, const struct nv_pod *x, struct o_pod *out)
{
    size_t i, r;
    int dir;

    memset(out, 0, sizeof(*out));
    for (dir = 0; dir < 2; dir++) {
        size_t n = 0;
        for (i = 0; i < m->npolicies; i++)
            n += m->policies[i]->nrules[dir];
        out->rules[dir] = calloc(n + 1, sizeof(*out->rules[dir]));
        assert_non_null(out->rules[dir]);
    }
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        if (strcmp(p->ns, m->ns[x->ns].name) != 0 || !o_selects(p->subject, &x->labels))
            continue;
        for (dir = 0; dir < 2; dir++) {
            if (!(p->types & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)))
                continue;
            out->iso[dir] = 1;
            for (r = 0; r < p->nrules[dir]; r++)
                out->rules[dir][out->nrules[dir]++] = &p->rules[dir][r];
        }
    }
}

static void o_pod_free(struct o_pod *o)
{
    free((void *)o->rules[0]);
    free((void *)o->rules[1]);
}

/* ====================================================================== */
/* Comparing the engine with the oracle                                     */
/* ====================================================================== */

struct probes {
    unsigned ports[512];
    size_t nports;
    struct o_addrs addrs;
};

static void add_port(struct probes *pr, long p)
{
    size_t i;

    if (p < 1 || p > 65535)
        return;
    for (i = 0; i < pr->nports; i++)
        if (pr->ports[i] == (unsigned)p)
            return;
    if (pr->nports < sizeof(pr->ports) / sizeof(pr->ports[0]))
        pr->ports[pr->nports++] = (unsigned)p;
}

/* Every port and address boundary in the model, +-1, and the extremes. */
static void collect_probes(const struct nv_model *m, struct probes *pr)
{
    size_t i, j, r, k, e;
    int dir;

    memset(pr, 0, sizeof(*pr));
    add_port(pr, 1);
    add_port(pr, 65535);
    o_addrs_init(&pr->addrs, m->families);
    for (i = 0; i < m->npods; i++)
        for (j = 0; j < m->pods[i].nports; j++)
            for (k = 0; k < 3; k++)
                add_port(pr, (long)m->pods[i].ports[j].port + (long)k - 1);
    for (i = 0; i < m->npolicies; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->policies[i]->nrules[dir]; r++) {
                const struct nv_rule *ru = &m->policies[i]->rules[dir][r];
                for (j = 0; j < ru->nports; j++)
                    for (k = 0; k < 3; k++) {
                        add_port(pr, (long)ru->ports[j].port + (long)k - 1);
                        add_port(pr, (long)ru->ports[j].end + (long)k - 1);
                    }
                for (j = 0; j < ru->npeers; j++) {
                    if (ru->peers[j].kind != NV_PEER_IPBLOCK)
                        continue;
                    o_addrs_range(&pr->addrs, &ru->peers[j].cidr);
                    for (e = 0; e < ru->peers[j].nexcept; e++)
                        o_addrs_range(&pr->addrs, &ru->peers[j].except[e]);
                }
            }
}

static void report(uint64_t seed, const char *what, const char *src, const char *dst, int proto,
                   unsigned port, int want, int got)
{
    char keep[160];

    /* keep the failing cluster for a look: the temp dir is removed at the end */
    snprintf(keep, sizeof(keep), "%s-seed%llu.yaml", g_dir, (unsigned long long)seed);
    if (rename(g_path, keep) != 0)
        snprintf(keep, sizeof(keep), "(not kept)");
    fail_msg("seed %llu: %s %s -> %s on %s %u: oracle says %s, engine says %s (cluster in %s)",
             (unsigned long long)seed, what, src, dst, nv_proto_name((enum nv_proto)proto), port,
             want ? "allowed" : "denied", got ? "allowed" : "denied", keep);
}

struct counts {
    unsigned long checks, allowed, multiclass, self;
};

static unsigned long g_bits_checked; /* classes whose word-parallel row was compared */

/*
 * The word-parallel row of class c (when usable) sets exactly the classes the
 * port-set row 'dense' gives a port; reaching outside (being reached from it)
 * is having a port toward (from) some atom in the atom rows.
 */
static void check_bits(struct nv_matrix *x, uint64_t seed, uint32_t c, const uint32_t *dense,
                       const uint32_t *to_atoms, const uint32_t *from_atoms)
{
    const struct nv_model *m = nv_matrix_model(x);
    uint64_t *bits;
    size_t j, a;
    int out = 0, in = 0;

    for (a = 0; a < m->atoms.n; a++) {
        out |= to_atoms[a] != NV_PORTS_NONE;
        in |= from_atoms[a] != NV_PORTS_NONE;
    }
    if (out != nv_matrix_reaches_outside(x, c) || in != nv_matrix_reached_from_outside(x, c))
        fail_msg("seed %llu: class %u reaches outside %d (row %d), reached from outside %d "
                 "(row %d)",
                 (unsigned long long)seed, c, nv_matrix_reaches_outside(x, c), out,
                 nv_matrix_reached_from_outside(x, c), in);
    if (!nv_matrix_bits_usable(x))
        return;
    bits = calloc(m->nclasses / 64 + 2, sizeof(*bits));
    assert_non_null(bits);
    bits[m->nclasses / 64 + 1] = 0x5a5a; /* a canary past the row */
    nv_matrix_reach_bits(x, c, bits);
    for (j = 0; j < m->nclasses; j++)
        if ((int)((bits[j >> 6] >> (j & 63)) & 1) != (dense[j] != NV_PORTS_NONE))
            fail_msg("seed %llu: the bit row of class %u says %d toward class %zu, the row %s",
                     (unsigned long long)seed, c, (int)((bits[j >> 6] >> (j & 63)) & 1), j,
                     nv_ports_format(m->ports, dense[j]));
    for (j = m->nclasses; j < (m->nclasses + 63) / 64 * 64; j++)
        assert_false((bits[j >> 6] >> (j & 63)) & 1);
    assert_int_equal(bits[m->nclasses / 64 + 1], 0x5a5a);
    free(bits);
    g_bits_checked++;
}

static void compare_cluster(uint64_t seed, struct counts *cnt)
{
    /* 1-4 namespaces (and maybe default), 5-30 workloads, 1-10 policies, no Services */
    static const struct gsize sz = {1, 4, 5, 26, 1, 10, 0, 0};
    struct gen g;
    struct nv_diags d;
    struct nv_model *m;
    struct nv_matrix *x;
    struct probes pr;
    struct o_pod *op;
    uint32_t **rows, **to_atoms, **from_atoms, *cls_atoms;
    size_t i, j, a, n;
    unsigned pi;
    int proto;

    memset(&g, 0, sizeof(g));
    gen_cluster(&g, g_path, seed, &sz);
    m = load_file(&d);
    /* the parse agrees with what was generated */
    assert_int_equal(m->nworkloads, g.nworkloads);
    assert_int_equal(m->npolicies, g.npolicies);
    for (i = 0; i < m->npolicies; i++) {
        unsigned k;
        if (sscanf(m->policies[i]->name, "np%u", &k) == 1 && k < g.npolicies &&
            m->policies[i]->types != g.poltypes[k])
            fail_msg("seed %llu: policy %s has types %d, want %d", (unsigned long long)seed,
                     m->policies[i]->name, m->policies[i]->types, g.poltypes[k]);
    }
    x = nv_matrix_new(m);
    assert_non_null(x);
    collect_probes(m, &pr);
    cnt->multiclass += m->nunits - m->nclasses;

    /* the engine: one row per unit, toward units and atoms, and from atoms */
    rows = calloc(m->nunits, sizeof(*rows));
    to_atoms = calloc(m->nunits, sizeof(*to_atoms));
    from_atoms = calloc(m->nunits, sizeof(*from_atoms));
    cls_atoms = calloc(m->atoms.n + 1, sizeof(*cls_atoms));
    assert_non_null(rows);
    assert_non_null(to_atoms);
    assert_non_null(from_atoms);
    assert_non_null(cls_atoms);
    for (i = 0; i < m->nunits; i++) {
        rows[i] = calloc(m->nunits + 1, sizeof(**rows));
        to_atoms[i] = calloc(m->atoms.n + 1, sizeof(**to_atoms));
        from_atoms[i] = calloc(m->atoms.n + 1, sizeof(**from_atoms));
        assert_non_null(rows[i]);
        assert_non_null(to_atoms[i]);
        assert_non_null(from_atoms[i]);
        nv_matrix_row(x, (uint32_t)i, rows[i], to_atoms[i]);
        nv_matrix_from_atoms(x, (uint32_t)i, from_atoms[i]);
    }
    /* the word-parallel row and the per-class atoms row agree with the dense row */
    for (i = 0; i < m->nclasses; i++) {
        uint32_t *dense = rows[i];
        assert_int_equal(m->units[i].ncls, 1);
        assert_int_equal(m->units[i].cls[0], i);
        check_bits(x, seed, (uint32_t)i, dense, to_atoms[i], from_atoms[i]);
        nv_matrix_to_atoms(x, (uint32_t)i, cls_atoms);
        for (a = 0; a < m->atoms.n; a++)
            if (cls_atoms[a] != to_atoms[i][a])
                fail_msg("seed %llu: nv_matrix_to_atoms(class %zu) differs from the row at atom "
                         "%zu",
                         (unsigned long long)seed, i, a);
    }

    /* the oracle, per pod */
    op = calloc(m->npods + 1, sizeof(*op));
    assert_non_null(op);
    for (i = 0; i < m->npods; i++)
        o_pod_rules(m, &m->pods[i], &op[i]);

    /* every ordered pair of workloads, every probe; a workload to itself is what two
     * distinct pods of it allow each other (list --self-flows) */
    for (i = 0; i < m->nworkloads; i++) {
        const struct nv_workload *ws = &m->workloads[i];
        for (j = 0; j < m->nworkloads; j++) {
            const struct nv_workload *wd = &m->workloads[j];
            uint32_t id;
            size_t ps, pd;
            if (i == j) {
                id = nv_matrix_self(x, (uint32_t)i, rows[ws->unit]);
                if (id != nv_matrix_self(x, (uint32_t)i, NULL))
                    fail_msg("seed %llu: nv_matrix_self(%s) depends on the row given",
                             (unsigned long long)seed, ws->id);
                cnt->self += id != NV_PORTS_NONE;
            } else {
                id = rows[ws->unit][wd->unit];
            }
            for (proto = 0; proto < NV_NPROTO; proto++)
                for (pi = 0; pi < pr.nports; pi++) {
                    unsigned port = pr.ports[pi];
                    int want = 0, got;
                    for (ps = 0; ps < ws->npods && !want; ps++)
                        for (pd = 0; pd < wd->npods && !want; pd++) {
                            const struct nv_pod *p = &m->pods[ws->pods[ps]];
                            const struct nv_pod *q = &m->pods[wd->pods[pd]];
                            const struct o_pod *po = &op[ws->pods[ps]], *qo = &op[wd->pods[pd]];
                            int eg = !po->iso[NV_EGRESS], in = !qo->iso[NV_INGRESS];
                            size_t r;
                            /* two distinct pods: a pod group with itself when it has two */
                            if (p == q && p->count < 2)
                                continue;
                            for (r = 0; !eg && r < po->nrules[NV_EGRESS]; r++) {
                                const struct nv_rule *ru = po->rules[NV_EGRESS][r];
                                eg = o_peer_pod(m, ru->policy, ru, q) && o_port(ru, q, proto, port);
                            }
                            for (r = 0; eg && !in && r < qo->nrules[NV_INGRESS]; r++) {
                                const struct nv_rule *ru = qo->rules[NV_INGRESS][r];
                                in = o_peer_pod(m, ru->policy, ru, p) && o_port(ru, q, proto, port);
                            }
                            want = eg && in;
                        }
                    got = nv_ports_contains(m->ports, id, (enum nv_proto)proto, port);
                    cnt->checks++;
                    cnt->allowed += (unsigned long)want;
                    if (want != got)
                        report(seed, "pod", ws->id, wd->id, proto, port, want, got);
                }
        }
    }

    /* external addresses, both directions */
    for (i = 0; i < m->nworkloads; i++) {
        const struct nv_workload *w = &m->workloads[i];
        for (n = 0; n < pr.addrs.n; n++) {
            const struct nv_ip *addr = &pr.addrs.v[n];
            size_t atom = nv_atoms_find(&m->atoms, addr);
            struct nv_iprange ar;
            char abuf[NV_IP_BUFSZ];
            assert_true(atom < m->atoms.n);
            ar = nv_atoms_range(&m->atoms, atom);
            assert_true(o_in_range(&ar, addr));
            nv_ip_format(addr, abuf);
            for (proto = 0; proto < NV_NPROTO; proto++)
                for (pi = 0; pi < pr.nports; pi++) {
                    unsigned port = pr.ports[pi];
                    int want_out = 0, want_in = 0, got;
                    size_t pp, r;
                    for (pp = 0; pp < w->npods; pp++) {
                        const struct nv_pod *p = &m->pods[w->pods[pp]];
                        const struct o_pod *po = &op[w->pods[pp]];
                        int eg = !po->iso[NV_EGRESS], in = !po->iso[NV_INGRESS];
                        for (r = 0; !eg && r < po->nrules[NV_EGRESS]; r++) {
                            const struct nv_rule *ru = po->rules[NV_EGRESS][r];
                            /* named ports cannot resolve on an address */
                            eg = o_peer_addr(ru, addr) && o_port(ru, NULL, proto, port);
                        }
                        for (r = 0; !in && r < po->nrules[NV_INGRESS]; r++) {
                            const struct nv_rule *ru = po->rules[NV_INGRESS][r];
                            in = o_peer_addr(ru, addr) && o_port(ru, p, proto, port);
                        }
                        want_out |= eg;
                        want_in |= in;
                    }
                    got = nv_ports_contains(m->ports, to_atoms[w->unit][atom], (enum nv_proto)proto,
                                            port);
                    cnt->checks++;
                    if (want_out != got)
                        report(seed, "egress", w->id, abuf, proto, port, want_out, got);
                    got = nv_ports_contains(m->ports, from_atoms[w->unit][atom],
                                            (enum nv_proto)proto, port);
                    cnt->checks++;
                    if (want_in != got)
                        report(seed, "ingress", abuf, w->id, proto, port, want_in, got);
                }
        }
    }

    for (i = 0; i < m->npods; i++)
        o_pod_free(&op[i]);
    free(op);
    for (i = 0; i < m->nunits; i++) {
        free(rows[i]);
        free(to_atoms[i]);
        free(from_atoms[i]);
    }
    free(rows);
    free(to_atoms);
    free(from_atoms);
    free(cls_atoms);
    o_addrs_release(&pr.addrs);
    nv_matrix_free(x);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_random_clusters(void **state)
{
    struct counts cnt = {0, 0, 0, 0};
    uint64_t seed;

    (void)state;
    for (seed = 1; seed <= 300; seed++)
        compare_cluster(seed, &cnt);
    /* the clusters must exercise both answers, or the comparison proves little */
    assert_true(cnt.checks > 100000);
    assert_true(cnt.allowed > cnt.checks / 50);
    assert_true(cnt.multiclass > 10);   /* workloads whose pods differ were generated */
    assert_true(cnt.self > 100);        /* and workloads whose pods reach each other */
    assert_true(g_bits_checked > 1000); /* and clusters where the bit rows apply */
    print_message("  %lu checks, %lu allowed pod-to-pod, %lu multi-class units, %lu workloads "
                  "reaching themselves\n",
                  cnt.checks, cnt.allowed, cnt.multiclass, cnt.self);
}

/* ====================================================================== */
/* The behaviours the network plugin decides: rows against explain.c        */
/* ====================================================================== */

/* The first address of every atom of class c's address domain (none: ipBlocks ignore pods). */
static size_t candidates(const struct nv_model *m, uint32_t c, int ipb, struct nv_ip *out)
{
    size_t a, n = 0;

    if (!ipb)
        return 0;
    for (a = 0; a < m->atoms.n; a++)
        if (m->atomdom[a] & NV_CLASS_DOM(m, c))
            out[n++] = m->atoms.cuts[a];
    return n;
}

/* What side 'dir' of the flow admits with the source at cs[i] and the destination at cd[j]. */
static uint32_t side_at(struct nv_model *m, const struct nv_combo *c, struct nv_end *se,
                        const struct nv_ip *cs, size_t ns, size_t i, struct nv_end *de,
                        const struct nv_ip *cd, size_t nd, size_t j, enum nv_dir dir)
{
    struct nv_flow_why why;
    uint32_t ports;

    se->has_ip = ns != 0;
    if (ns)
        se->ip = cs[i];
    de->has_ip = nd != 0;
    if (nd)
        de->ip = cd[j];
    nv_explain(m, se, de, c, 0, &why);
    ports = dir == NV_EGRESS ? why.egress.ports : why.ingress.ports;
    nv_flow_why_release(&why);
    return ports;
}

/*
 * Under every combination the engine decides under: what it says some
 * (poss) and every (sure) address and placement of two pods allows equals
 * what explain.c evaluates, flow by flow, over the first address of every
 * atom of each pod's domain; and it may leave them no port exactly when some
 * pair of addresses does.
 */
static void compare_behaviours(uint64_t seed, unsigned long *checks, unsigned long *varied,
                               int hostnet)
{
    static const struct gsize with = {1, 3, 4, 9, 1, 7, 0, 3}, without = {1, 3, 4, 9, 1, 7, 0, 0};
    const struct gsize sz = hostnet ? with : without;
    struct gen g;
    struct nv_diags d;
    struct nv_profile prof;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_ip *cs, *cd;
    uint32_t *poss, *sure, *ev, *iv;
    size_t k, s, t, i, j;

    memset(&g, 0, sizeof(g));
    gen_cluster(&g, g_path, seed, &sz);
    gen_profile((unsigned)seed, &prof);
    m = load_with(&prof, &d);
    x = nv_matrix_new(m);
    poss = calloc(m->nclasses + 1, sizeof(*poss));
    sure = calloc(m->nclasses + 1, sizeof(*sure));
    cs = calloc(m->atoms.n + 1, sizeof(*cs));
    cd = calloc(m->atoms.n + 1, sizeof(*cd));
    ev = calloc(m->atoms.n + 1, sizeof(*ev));
    iv = calloc(m->atoms.n + 1, sizeof(*iv));
    assert_true(poss && sure && cs && cd && ev && iv);
    for (k = 0; k < nv_matrix_ncombos(x); k++) {
        const struct nv_combo *c = nv_matrix_combo(x, k);
        int ipb = c->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS;
        int node = c->v[NV_B_HOSTNET] == NV_HOSTNET_NODE;
        for (s = 0; s < m->nclasses; s++) {
            nv_matrix_combo_row(x, k, (uint32_t)s, poss, sure, NULL);
            for (t = 0; t < m->nclasses; t++) {
                struct nv_end se, de;
                size_t ns = candidates(m, (uint32_t)s, ipb, cs);
                size_t nd = candidates(m, (uint32_t)t, ipb, cd);
                uint32_t p = NV_PORTS_NONE, q = NV_PORTS_ALL;
                int block = 0;
                memset(&se, 0, sizeof(se));
                memset(&de, 0, sizeof(de));
                se.cls = (uint32_t)s;
                de.cls = (uint32_t)t;
                /* egress depends on the destination's address only, ingress on the source's */
                for (j = 0; j < (nd ? nd : 1); j++)
                    ev[j] = side_at(m, c, &se, cs, ns, 0, &de, cd, nd, j, NV_EGRESS);
                for (i = 0; i < (ns ? ns : 1); i++)
                    iv[i] = side_at(m, c, &se, cs, ns, i, &de, cd, nd, 0, NV_INGRESS);
                for (i = 0; i < (ns ? ns : 1); i++)
                    for (j = 0; j < (nd ? nd : 1); j++) {
                        uint32_t a = nv_ports_inter(m->ports, ev[j], iv[i]);
                        if (ns && nd && cs[i].fam != cd[j].fam)
                            continue; /* two pods talk over one family */
                        p = nv_ports_union(m->ports, p, a);
                        q = nv_ports_inter(m->ports, q, a);
                        block |= a == NV_PORTS_NONE;
                    }
                /* a pod and the node of a hostNetwork pod it shares always reach each other */
                if (node && (m->classes[s].hostnet || m->classes[t].hostnet))
                    p = NV_PORTS_ALL;
                if (p != poss[t] || q != sure[t] ||
                    block != nv_matrix_combo_may_block(x, k, (uint32_t)s, (uint32_t)t))
                    fail_msg("seed %llu, %s: class %zu -> %zu under combination %zu: engine "
                             "%s / %s (may block %d), explain %s / %s (may block %d)",
                             (unsigned long long)seed, nv_profile_describe(&prof), s, t, k,
                             nv_ports_format(m->ports, poss[t]), nv_ports_format(m->ports, sure[t]),
                             nv_matrix_combo_may_block(x, k, (uint32_t)s, (uint32_t)t),
                             nv_ports_format(m->ports, p), nv_ports_format(m->ports, q), block);
                (*checks)++;
                *varied += p != q;
            }
        }
    }
    /* the word-parallel rows and the outside flags under these behaviours and profiles */
    for (s = 0; s < m->nclasses && m->nunits == m->nclasses; s++) {
        uint32_t *row = calloc(m->nunits + 1, sizeof(*row));
        uint32_t *to = calloc(m->atoms.n + 1, sizeof(*to));
        uint32_t *from = calloc(m->atoms.n + 1, sizeof(*from));
        assert_true(row && to && from);
        nv_matrix_row(x, (uint32_t)s, row, to);
        nv_matrix_from_atoms(x, (uint32_t)s, from);
        check_bits(x, seed, (uint32_t)s, row, to, from);
        free(row);
        free(to);
        free(from);
    }
    free(poss);
    free(sure);
    free(cs);
    free(cd);
    free(ev);
    free(iv);
    nv_matrix_free(x);
    nv_model_free(m);
    nv_diags_release(&d);
}

static void test_behaviours(void **state)
{
    unsigned long checks = 0, varied = 0, bits0 = g_bits_checked;
    uint64_t seed;

    (void)state;
    for (seed = 1; seed <= 150; seed++)
        compare_behaviours(seed, &checks, &varied, 1);
    /* without hostNetwork pods, where the word-parallel rows apply, under the profiles */
    for (seed = 1; seed <= 100; seed++)
        compare_behaviours(seed, &checks, &varied, 0);
    assert_true(g_bits_checked - bits0 > 300);
    /* the pods' addresses and nodes must change answers, or the test proves little */
    assert_true(checks > 10000);
    assert_true(varied > checks / 20);
    print_message("  %lu class pairs checked under every combination, %lu that addresses or "
                  "nodes decide\n",
                  checks, varied);
}

/* ====================================================================== */
/* Hand-written cases with exact connection strings                         */
/* ====================================================================== */

struct hand {
    struct nv_diags d;
    struct nv_model *m;
    struct nv_matrix *x;
    uint32_t *row, *atoms;
};

static void hand_load(struct hand *h, const char *text)
{
    h->m = load_text(text, &h->d);
    h->x = nv_matrix_new(h->m);
    h->row = calloc(h->m->nunits + 1, sizeof(*h->row));
    h->atoms = calloc(h->m->atoms.n + 1, sizeof(*h->atoms));
    assert_non_null(h->row);
    assert_non_null(h->atoms);
}

static void hand_free(struct hand *h)
{
    free(h->row);
    free(h->atoms);
    nv_matrix_free(h->x);
    nv_model_free(h->m);
    nv_diags_release(&h->d);
}

static const struct nv_workload *hw(struct hand *h, const char *id)
{
    long i = nv_model_find_workload(h->m, id);

    if (i < 0)
        fail_msg("no workload '%s'", id);
    return &h->m->workloads[i];
}

/* The canonical connection string from workload 'src' to workload or address 'dst'. */
static const char *conns(struct hand *h, const char *src, const char *dst)
{
    struct nv_ip a;

    if (nv_ip_parse(src, &a, NULL) >= 0) {
        nv_matrix_from_atoms(h->x, hw(h, dst)->unit, h->atoms);
        return nv_ports_format(h->m->ports, h->atoms[nv_atoms_find(&h->m->atoms, &a)]);
    }
    nv_matrix_row(h->x, hw(h, src)->unit, h->row, h->atoms);
    if (nv_ip_parse(dst, &a, NULL) >= 0)
        return nv_ports_format(h->m->ports, h->atoms[nv_atoms_find(&h->m->atoms, &a)]);
    return nv_ports_format(h->m->ports, h->row[hw(h, dst)->unit]);
}

#define EXPECT(h, src, dst, want)                                                                  \
    do {                                                                                           \
        const char *got_ = conns((h), (src), (dst));                                               \
        if (strcmp(got_, (want)) != 0)                                                             \
            fail_msg("%s -> %s: got \"%s\", want \"%s\"", (src), (dst), got_, (want));             \
    } while (0)

static void test_default_deny(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: x, namespace: a}\n"
                  "---\nkind: Pod\nmetadata: {name: py, namespace: a}\n"
                  "---\nkind: Pod\nmetadata: {name: z, namespace: b}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\n"
                  "spec: {podSelector: {}}\n");
    EXPECT(&h, "a/x", "a/py", "");
    EXPECT(&h, "a/py", "a/x", "");
    EXPECT(&h, "b/z", "a/x", "");
    EXPECT(&h, "a/x", "b/z", "All");
    EXPECT(&h, "10.0.0.1", "a/x", "");
    EXPECT(&h, "a/x", "10.0.0.1", "All");
    EXPECT(&h, "10.0.0.1", "b/z", "All");
    hand_free(&h);
    /* default deny of egress too */
    hand_load(&h, "kind: Pod\nmetadata: {name: x, namespace: a}\n"
                  "---\nkind: Pod\nmetadata: {name: z, namespace: b}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\n"
                  "spec: {podSelector: {}, policyTypes: [Egress]}\n");
    EXPECT(&h, "a/x", "b/z", "");
    EXPECT(&h, "a/x", "8.8.8.8", "");
    EXPECT(&h, "b/z", "a/x", "All");
    EXPECT(&h, "8.8.8.8", "a/x", "All");
    hand_free(&h);
}

static void test_namespace_selector(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Namespace\nmetadata: {name: prod, labels: {team: web}}\n"
                  "---\nkind: Namespace\nmetadata: {name: dev, labels: {team: dev}}\n"
                  "---\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n"
                  "spec: {template: {metadata: {labels: {app: web}}}}\n"
                  "---\nkind: Deployment\nmetadata: {name: web, namespace: dev}\n"
                  "spec: {template: {metadata: {labels: {app: web}}}}\n"
                  "---\nkind: Pod\nmetadata: {name: pg, namespace: db, labels: {app: pg}}\n"
                  "---\nkind: Pod\nmetadata: {name: other, namespace: db, labels: {app: x}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: allow-web, namespace: db}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: pg}}\n"
                  "  ingress:\n"
                  "  - from: [{namespaceSelector: {matchLabels: {team: web}}}]\n"
                  "    ports: [{port: 5432}]\n"
                  "  - from: [{namespaceSelector: {matchLabels: "
                  "{kubernetes.io/metadata.name: dev}}, podSelector: {matchLabels: {app: web}}}]\n"
                  "    ports: [{protocol: UDP, port: 5000, endPort: 5010}]\n");
    EXPECT(&h, "prod/web", "db/pg", "TCP 5432");
    EXPECT(&h, "dev/web", "db/pg", "UDP 5000-5010");
    EXPECT(&h, "db/other", "db/pg", "");
    EXPECT(&h, "db/pg", "prod/web", "All");
    EXPECT(&h, "prod/web", "db/other", "All");
    EXPECT(&h, "1.2.3.4", "db/pg", "");
    hand_free(&h);
}

static void test_named_ports(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: a, namespace: nx, labels: {app: a}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 8080}]}]}\n"
                  "---\nkind: Pod\nmetadata: {name: b, namespace: nx, labels: {app: b}}\n"
                  "spec: {containers: [{ports: [{containerPort: 8080}]}]}\n"
                  "---\nkind: Pod\nmetadata: {name: c, namespace: nx, labels: {app: c}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 8080, protocol: "
                  "UDP}]}]}\n"
                  "---\nkind: Pod\nmetadata: {name: d, namespace: nx, labels: {app: d}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 9090}]},\n"
                  "                    {ports: [{name: metrics, containerPort: 9100}]}]}\n"
                  "---\nkind: Pod\nmetadata: {name: client, namespace: nx, labels: {role: "
                  "client}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: web, namespace: nx}\n"
                  "spec:\n"
                  "  podSelector: {}\n"
                  "  ingress:\n"
                  "  - from: [{podSelector: {matchLabels: {role: client}}}]\n"
                  "    ports: [{port: http}, {port: metrics, protocol: TCP}, {port: 22}]\n");
    /* the name resolves on each destination, by name and protocol */
    EXPECT(&h, "nx/client", "nx/a", "TCP 22,8080");
    EXPECT(&h, "nx/client", "nx/b", "TCP 22");
    EXPECT(&h, "nx/client", "nx/c", "TCP 22");
    EXPECT(&h, "nx/client", "nx/d", "TCP 22,9090,9100");
    EXPECT(&h, "nx/a", "nx/d", "");
    EXPECT(&h, "nx/d", "nx/client", "");
    hand_free(&h);
}

static void test_egress_named_port_to_ipblock(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: e, labels: {app: e}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 80}]}]}\n"
                  "---\nkind: Pod\nmetadata: {name: f, labels: {app: f}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 80}]}]}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: out}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: e}}\n"
                  "  policyTypes: [Egress]\n"
                  "  egress:\n"
                  "  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n"
                  "    ports: [{port: http}]\n");
    /* a named port toward an address cannot resolve: nothing is allowed */
    EXPECT(&h, "default/e", "10.1.2.3", "");
    EXPECT(&h, "default/e", "8.8.8.8", "");
    EXPECT(&h, "default/e", "default/f", ""); /* pods are not in an ipBlock */
    EXPECT(&h, "10.1.2.3", "default/e", "All");
    EXPECT(&h, "default/f", "default/e", "All");
    hand_free(&h);
    hand_load(&h, "kind: Pod\nmetadata: {name: e, labels: {app: e}}\n"
                  "---\nkind: Pod\nmetadata: {name: f, labels: {app: f}}\n"
                  "spec: {containers: [{ports: [{name: http, containerPort: 80}]}]}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: out}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: e}}\n"
                  "  egress:\n"
                  "  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n"
                  "    ports: [{port: http}, {port: 443}]\n"
                  "  - ports: [{port: http}]\n");
    EXPECT(&h, "default/e", "10.0.0.1", "TCP 443");
    EXPECT(&h, "default/e", "10.1.2.3", "");
    EXPECT(&h, "default/e", "11.0.0.0", "");
    /* a rule without 'to' reaches pods, where the name resolves */
    EXPECT(&h, "default/e", "default/f", "TCP 80");
    hand_free(&h);
}

static void test_egress_meets_ingress(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: s, labels: {app: s}}\n"
                  "---\nkind: Pod\nmetadata: {name: d, labels: {app: d}}\n"
                  "---\nkind: Pod\nmetadata: {name: t, labels: {app: t}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: s-out}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: s}}\n"
                  "  policyTypes: [Egress]\n"
                  "  egress:\n"
                  "  - to: [{podSelector: {matchExpressions: [{key: app, operator: In, values: "
                  "[d, t]}]}}]\n"
                  "    ports: [{port: 80, endPort: 90}, {protocol: UDP}]\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: d-in}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: d}}\n"
                  "  ingress:\n"
                  "  - from: [{podSelector: {matchExpressions: [{key: app, operator: NotIn, "
                  "values: [t]}]}}]\n"
                  "    ports: [{port: 85, endPort: 100}, {protocol: UDP, port: 53}]\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: d-in-2}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: d}}\n"
                  "  ingress:\n"
                  "  - from: [{podSelector: {matchExpressions: [{key: app, operator: "
                  "DoesNotExist}]}}]\n");
    EXPECT(&h, "default/s", "default/d", "TCP 85-90;UDP 53");
    EXPECT(&h, "default/s", "default/t", "TCP 80-90;UDP");
    EXPECT(&h, "default/t", "default/d", "");
    EXPECT(&h, "default/t", "default/s", "All");
    EXPECT(&h, "default/d", "default/s", "All");
    hand_free(&h);
}

static void test_ipblock_except_ingress(void **state)
{
    struct hand h;

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: d, labels: {app: d}}\n"
                  "spec: {containers: [{ports: [{name: dns, containerPort: 5353, protocol: "
                  "UDP}]}]}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: in}\n"
                  "spec:\n"
                  "  podSelector: {}\n"
                  "  ingress:\n"
                  "  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.3.0.0/16]}}]\n"
                  "    ports: [{protocol: UDP, port: 53}, {protocol: UDP, port: dns}]\n"
                  "  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [0.0.0.0/1]}}]\n"
                  "    ports: [{protocol: SCTP, port: 9003}]\n");
    EXPECT(&h, "9.255.255.255", "default/d", "");
    EXPECT(&h, "10.0.0.0", "default/d", "UDP 53,5353");
    EXPECT(&h, "10.0.255.255", "default/d", "UDP 53,5353");
    EXPECT(&h, "10.1.0.0", "default/d", "");
    EXPECT(&h, "10.1.255.255", "default/d", "");
    EXPECT(&h, "10.2.0.0", "default/d", "UDP 53,5353");
    EXPECT(&h, "10.3.3.3", "default/d", "");
    EXPECT(&h, "10.255.255.255", "default/d", "UDP 53,5353");
    EXPECT(&h, "11.0.0.0", "default/d", "");
    EXPECT(&h, "128.0.0.0", "default/d", "SCTP 9003");
    EXPECT(&h, "255.255.255.255", "default/d", "SCTP 9003");
    EXPECT(&h, "0.0.0.0", "default/d", "");
    EXPECT(&h, "default/d", "10.1.0.0", "All");
    hand_free(&h);
}

static void test_policy_types_switch_off_rules(void **state)
{
    struct hand h;

    (void)state;
    /* ingress rules of a policy whose policyTypes omit Ingress do not isolate */
    hand_load(&h, "kind: Pod\nmetadata: {name: a, labels: {app: a}}\n"
                  "---\nkind: Pod\nmetadata: {name: b, labels: {app: b}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: a}}\n"
                  "  policyTypes: [Egress]\n"
                  "  ingress: [{ports: [{port: 1}]}]\n"
                  "  egress: [{ports: [{port: 443}, {protocol: UDP, port: 53}]}]\n");
    EXPECT(&h, "default/b", "default/a", "All");
    EXPECT(&h, "default/a", "default/b", "TCP 443;UDP 53");
    EXPECT(&h, "default/a", "1.1.1.1", "TCP 443;UDP 53");
    hand_free(&h);
}

static void test_workload_merging(void **state)
{
    struct hand h;

    (void)state;
    /* pods of one owner form one workload; equal workloads share a unit */
    hand_load(&h, "kind: Pod\nmetadata:\n  name: web-1\n  labels: {app: web}\n"
                  "  ownerReferences: [{kind: ReplicaSet, name: web, controller: true}]\n"
                  "---\nkind: Pod\nmetadata:\n  name: web-2\n  labels: {app: web}\n"
                  "  ownerReferences: [{kind: ReplicaSet, name: web, controller: true}]\n"
                  "---\nkind: Pod\nmetadata: {name: twin, labels: {app: web}}\n"
                  "---\nkind: Pod\nmetadata: {name: db, labels: {app: db}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: db}}\n"
                  "  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: "
                  "5432}]}]\n");
    assert_int_equal(h.m->nworkloads, 3);
    assert_int_equal(hw(&h, "default/web")->npods, 2);
    assert_int_equal(hw(&h, "default/web")->unit, hw(&h, "default/twin")->unit);
    EXPECT(&h, "default/web", "default/db", "TCP 5432");
    EXPECT(&h, "default/twin", "default/db", "TCP 5432");
    /* distinct workloads of one unit still reach each other */
    EXPECT(&h, "default/web", "default/twin", "All");
    hand_free(&h);
}

/*
 * Regression test, found by this suite and fixed (src/k8s.c, nv_parse_peer): 'namespaceSelector:'
 * with a null value is read as '{}' (every namespace) instead of absent (the policy's namespace),
 * so b/pb reaches a/target although Kubernetes denies it.
 */
static void test_null_namespace_selector(void **state)
{
    struct hand h;
    char same[64], other[64];

    (void)state;
    hand_load(&h, "kind: Pod\nmetadata: {name: pa, namespace: a, labels: {app: x}}\n"
                  "---\nkind: Pod\nmetadata: {name: pb, namespace: b, labels: {app: x}}\n"
                  "---\nkind: Pod\nmetadata: {name: target, namespace: a, labels: {app: t}}\n"
                  "---\nkind: NetworkPolicy\nmetadata: {name: np, namespace: a}\n"
                  "spec:\n"
                  "  podSelector: {matchLabels: {app: t}}\n"
                  "  ingress:\n"
                  "  - from:\n"
                  "    - podSelector: {matchLabels: {app: x}}\n"
                  "      namespaceSelector:\n");
    snprintf(same, sizeof(same), "%s", conns(&h, "a/pa", "a/target"));
    snprintf(other, sizeof(other), "%s", conns(&h, "b/pb", "a/target"));
    hand_free(&h); /* before any assertion, so a failure leaks nothing */
    assert_string_equal(same, "All");
    if (strcmp(other, "") != 0)
        fail_msg("b/pb -> a/target: got \"%s\", want \"\" (null namespaceSelector read as {})",
                 other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_deny),
        cmocka_unit_test(test_namespace_selector),
        cmocka_unit_test(test_named_ports),
        cmocka_unit_test(test_egress_named_port_to_ipblock),
        cmocka_unit_test(test_egress_meets_ingress),
        cmocka_unit_test(test_ipblock_except_ingress),
        cmocka_unit_test(test_policy_types_switch_off_rules),
        cmocka_unit_test(test_workload_merging),
        cmocka_unit_test(test_null_namespace_selector),
        cmocka_unit_test(test_random_clusters),
        cmocka_unit_test(test_behaviours),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
