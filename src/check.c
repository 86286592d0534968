/*
 * check.c - claims decided by the matrix engine: every part evaluated over
 * rows of port sets, with a witness for what refutes it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/check.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/explain.h"

void nv_result_init(struct nv_result *r, const struct nv_claim *c)
{
    memset(r, 0, sizeof(*r));
    if (c->kind == NV_CLAIM_ISOLATED) {
        r->nparts = 1;
        r->parts[0].kind = NV_PART_ISOLATED;
    } else if (c->kind == NV_CLAIM_CANNOT_REACH) {
        r->nparts = 1;
        r->parts[0].kind = NV_PART_CANNOT;
    } else {
        r->nparts = c->only ? 2 : 1;
        r->parts[0].kind = NV_PART_REACHES;
        r->parts[1].kind = NV_PART_ONLY;
    }
}

enum nv_verdict nv_result_verdict(const struct nv_result *r)
{
    size_t i;
    enum nv_verdict v = NV_HOLDS;

    for (i = 0; i < r->nparts; i++) {
        if (r->parts[i].verdict == NV_REFUTED)
            return NV_REFUTED;
        if (r->parts[i].verdict == NV_DEPENDS)
            v = NV_DEPENDS;
        else if (r->parts[i].verdict == NV_UNDECIDED && v == NV_HOLDS)
            v = NV_UNDECIDED;
    }
    return v;
}

enum nv_verdict nv_part_settle(const struct nv_part *p)
{
    size_t i, n[4] = {0, 0, 0, 0};

    for (i = 0; i < p->ncombos; i++)
        n[p->fate[i]]++;
    if (n[NV_FATE_REFUTED] == p->ncombos)
        return NV_REFUTED;
    if (n[NV_FATE_HOLDS] == p->ncombos)
        return NV_HOLDS;
    if (n[NV_FATE_REFUTED] + n[NV_FATE_ADDRESSES] == 0)
        return NV_UNDECIDED;
    return NV_DEPENDS;
}

uint32_t nv_claim_ports_to(const struct nv_model *m, const struct nv_claim *c,
                           const struct nv_end *d)
{
    if (c->dst_ports) /* exposure: what is routed to each class */
        return d->external ? NV_PORTS_NONE : c->dst_ports[d->cls];
    return nv_claim_ports_in(m, m->ports, c, d);
}

uint32_t nv_claim_ports_in(const struct nv_model *m, struct nv_ports *t, const struct nv_claim *c,
                           const struct nv_end *d)
{
    if (!c->nports)
        return NV_PORTS_ALL;
    return nv_model_ports_in(m, t, c->ports, c->nports, d->external ? UINT32_MAX : d->cls);
}

/* The lowest (protocol, port) of a non-empty set. */
static void nv_first_port(const struct nv_model *m, uint32_t id, struct nv_witness *w)
{
    const struct nv_portset *s = nv_ports_get(m->ports, id);

    w->proto = (enum nv_proto)(s->iv[0] >> 16);
    w->port = s->iv[0] & 0xffff;
}

struct nv_eval {
    struct nv_matrix *x;
    const struct nv_model *m;
    const struct nv_claim *c;
    struct nv_part *part;
    size_t n; /* combinations */
    uint32_t *poss[NV_MAX_COMBOS], *sure[NV_MAX_COMBOS], *atoms[NV_MAX_COMBOS];
    /* per combination: a flow that breaks the part under some addresses (found) and one
     * that breaks it under all (found_sure); and one under every combination (found_all) */
    int found[NV_MAX_COMBOS], found_sure[NV_MAX_COMBOS], found_all;
    struct nv_witness wp[NV_MAX_COMBOS], ws[NV_MAX_COMBOS], wall;
    int done;
};

/* Record witness w (flow s -> d on the first port of 'bad', or every port) unless one is. */
static void nv_note(struct nv_eval *e, int *found, struct nv_witness *to, const struct nv_end *s,
                    const struct nv_end *d, uint32_t bad, size_t combo)
{
    if (*found)
        return;
    *found = 1;
    memset(to, 0, sizeof(*to));
    if (e->part->kind == NV_PART_REACHES && !e->c->nports)
        to->all_ports = 1;
    else if (bad != NV_PORTS_NONE)
        nv_first_port(e->m, bad, to);
    to->src = *s;
    to->dst = *d;
    to->combo = *nv_matrix_combo(e->x, combo);
}

static void nv_check_done(struct nv_eval *e)
{
    size_t i;

    if (e->found_all) {
        e->done = 1;
        return;
    }
    for (i = 0; i < e->n && e->found_sure[i]; i++)
        ;
    e->done = i == e->n; /* refuted under every combination already */
}

/*
 * Judge one flow from s to d: poss[i] is what combination i allows under some
 * addresses of the pods (and placement), sure[i] under all. 'pair': both ends
 * are classes, whose rows are the engines' last ones (for reaches without ports).
 */
static void nv_judge(struct nv_eval *e, const struct nv_end *s, const struct nv_end *d,
                     const uint32_t *poss, const uint32_t *sure, int pair, const int *blocks)
{
    struct nv_ports *pt = e->m->ports;
    uint32_t need = nv_claim_ports_to(e->m, e->c, d), all_sure = NV_PORTS_ALL,
             any_poss = NV_PORTS_NONE, bad;
    int any = e->part->kind == NV_PART_REACHES && !e->c->nports;
    size_t i;

    for (i = 0; i < e->n; i++) {
        all_sure = nv_ports_inter(pt, all_sure, sure[i]);
        any_poss = nv_ports_union(pt, any_poss, poss[i]);
        if (any) {
            if (poss[i] == NV_PORTS_NONE) {
                nv_note(e, &e->found_sure[i], &e->ws[i], s, d, 0, i);
                nv_note(e, &e->found[i], &e->wp[i], s, d, 0, i);
            } else if (!e->found[i] && sure[i] == NV_PORTS_NONE &&
                       (blocks ? blocks[i]
                               : pair && nv_matrix_combo_may_block(e->x, i, s->cls, d->cls))) {
                nv_note(e, &e->found[i], &e->wp[i], s, d, 0, i);
            }
        } else if (e->part->kind == NV_PART_REACHES) {
            if ((bad = nv_ports_minus(pt, need, poss[i])) != NV_PORTS_NONE)
                nv_note(e, &e->found_sure[i], &e->ws[i], s, d, bad, i);
            if ((bad = nv_ports_minus(pt, need, sure[i])) != NV_PORTS_NONE)
                nv_note(e, &e->found[i], &e->wp[i], s, d, bad, i);
        } else {
            if ((bad = nv_ports_inter(pt, need, sure[i])) != NV_PORTS_NONE)
                nv_note(e, &e->found_sure[i], &e->ws[i], s, d, bad, i);
            if ((bad = nv_ports_inter(pt, need, poss[i])) != NV_PORTS_NONE)
                nv_note(e, &e->found[i], &e->wp[i], s, d, bad, i);
        }
    }
    /* a flow that breaks it under every combination and address */
    if (any)
        bad = any_poss == NV_PORTS_NONE ? 0 : NV_PORTS_NONE;
    else if (e->part->kind == NV_PART_REACHES)
        bad = nv_ports_minus(pt, need, any_poss);
    else
        bad = nv_ports_inter(pt, need, all_sure);
    if (any ? any_poss == NV_PORTS_NONE : bad != NV_PORTS_NONE) {
        nv_note(e, &e->found_all, &e->wall, s, d, bad, 0);
        e->wall.robust = 1;
    }
    nv_check_done(e);
}

static void nv_eval_flows(struct nv_eval *e, const struct nv_set *a, int complement,
                          const struct nv_set *b)
{
    const struct nv_model *m = e->m;
    size_t nc = m->nclasses, na = m->atoms.n, i, j, k;
    uint32_t ap[NV_MAX_COMBOS];
    int any_src_atom = 0;

    for (i = 0; i < na; i++)
        any_src_atom |= (a->atoms[i] != 0) != complement;
    for (i = 0; i < nc && !e->done; i++) {
        struct nv_end s = {0, (uint32_t)i, {0}, UINT32_MAX, 0, 0};
        if ((a->cls[i] != 0) == complement)
            continue;
        for (k = 0; k < e->n; k++)
            nv_matrix_combo_row(e->x, k, (uint32_t)i, e->poss[k], e->sure[k], e->atoms[k]);
        for (j = 0; j < nc && !e->done; j++) {
            struct nv_end d = {0, (uint32_t)j, {0}, UINT32_MAX, 0, 0};
            uint32_t p[NV_MAX_COMBOS], q[NV_MAX_COMBOS];
            if (!b->cls[j] || !nv_claim_pair_ok(m, (uint32_t)i, (uint32_t)j) ||
                !nv_claim_tenants_apart(m, e->c, (uint32_t)i, (uint32_t)j))
                continue;
            for (k = 0; k < e->n; k++) {
                p[k] = e->poss[k][j];
                q[k] = e->sure[k][j];
            }
            nv_judge(e, &s, &d, p, q, 1, NULL);
        }
        for (j = 0; j < na && !e->done; j++) {
            struct nv_end d = {1, 0, nv_atoms_range(&m->atoms, j).first, UINT32_MAX, 0, 0};
            if (!b->atoms[j])
                continue;
            for (k = 0; k < e->n; k++)
                ap[k] = e->atoms[k][j];
            nv_judge(e, &s, &d, ap, ap, 0, NULL);
        }
    }
    for (j = 0; j < nc && any_src_atom && !e->done; j++) {
        struct nv_end d = {0, (uint32_t)j, {0}, UINT32_MAX, 0, 0};
        if (!b->cls[j])
            continue;
        for (k = 0; k < e->n; k++)
            nv_matrix_combo_from_atoms(e->x, k, (uint32_t)j, e->atoms[k]);
        for (i = 0; i < na && !e->done; i++) {
            struct nv_end s = {1, 0, nv_atoms_range(&m->atoms, i).first, UINT32_MAX, 0, 0};
            if ((a->atoms[i] != 0) == complement)
                continue;
            for (k = 0; k < e->n; k++)
                ap[k] = e->atoms[k][i];
            nv_judge(e, &s, &d, ap, ap, 0, NULL);
        }
    }
}

/* 'A is isolated': per combination, a pod of A that is not. */
static void nv_eval_isolated(struct nv_eval *e)
{
    const struct nv_claim *c = e->c;
    size_t i, k;

    for (i = 0; i < e->m->nclasses && !e->done; i++) {
        int dirs[NV_MAX_COMBOS], all = 1;
        if (!c->a.cls[i])
            continue;
        for (k = 0; k < e->n; k++) {
            dirs[k] = -1;
            if ((c->iso_types & NV_TYPE_INGRESS) &&
                !nv_matrix_combo_isolated(e->x, k, (uint32_t)i, NV_INGRESS))
                dirs[k] = NV_INGRESS;
            else if ((c->iso_types & NV_TYPE_EGRESS) &&
                     !nv_matrix_combo_isolated(e->x, k, (uint32_t)i, NV_EGRESS))
                dirs[k] = NV_EGRESS;
            all &= dirs[k] >= 0;
            if (dirs[k] >= 0 && !e->found_sure[k]) {
                struct nv_end s = {0, (uint32_t)i, {0}, UINT32_MAX, 0, 0};
                nv_note(e, &e->found_sure[k], &e->ws[k], &s, &s, NV_PORTS_NONE, k);
                e->ws[k].dir = dirs[k];
                e->found[k] = 1;
                e->wp[k] = e->ws[k];
            }
        }
        if (all && !e->found_all) {
            e->found_all = 1;
            e->wall = e->ws[0];
            e->wall.dir = dirs[0];
            e->wall.robust = 1;
        }
        nv_check_done(e);
    }
}

/* Fates and verdict of a part from what the scan found. */
static void nv_settle(struct nv_eval *e)
{
    struct nv_part *p = e->part;
    size_t i;

    p->ncombos = e->n;
    for (i = 0; i < e->n; i++) {
        p->combos[i] = *nv_matrix_combo(e->x, i);
        p->fate[i] = e->found_all || e->found_sure[i] ? NV_FATE_REFUTED
                     : e->found[i]                    ? NV_FATE_ADDRESSES
                                                      : NV_FATE_HOLDS;
    }
    p->verdict = nv_part_settle(p);
    if (p->verdict == NV_REFUTED) {
        p->w = e->found_all ? e->wall : e->ws[0];
        return;
    }
    /* depends: a combination where one flow breaks it whatever the addresses, if any */
    for (i = 0; i < e->n && !e->found_sure[i]; i++)
        ;
    if (i == e->n)
        for (i = 0; i < e->n && !e->found[i]; i++)
            ;
    if (i < e->n)
        p->w = e->found_sure[i] ? e->ws[i] : e->wp[i];
}

/* ---- guardrails: the NetworkPolicy tier left free, flow by flow through nv_explain ---- */

/*
 * Flow s -> d of a guardrail part under each combination: what some address
 * and placement allows (poss), what every one does (sure), whether some one
 * blocks every port; the NetworkPolicy tier read against the part.
 */
static void nv_guard_flow(struct nv_eval *e, struct nv_end s, struct nv_end d, int see,
                          struct nv_ip *cs, struct nv_ip *cd)
{
    const struct nv_model *m = e->m;
    struct nv_ports *pt = m->ports;
    enum nv_np np = nv_explain_np_of(e->c, e->part->kind);
    uint32_t poss[NV_MAX_COMBOS], sure[NV_MAX_COMBOS];
    int blocks[NV_MAX_COMBOS];
    size_t k, i, j, ns, nd;

    for (k = 0; k < e->n; k++) {
        const struct nv_combo *c = nv_matrix_combo(e->x, k);
        int loc;
        poss[k] = NV_PORTS_NONE;
        sure[k] = NV_PORTS_ALL;
        blocks[k] = 0;
        ns = nv_explain_addrs(m, &s, c, see, cs);
        nd = nv_explain_addrs(m, &d, c, see, cd);
        for (i = 0; i < (ns ? ns : 1); i++)
            for (j = 0; j < (nd ? nd : 1); j++) {
                struct nv_flow_why why;
                if (ns && nd && cs[i].fam != cd[j].fam)
                    continue; /* two pods talk over one family */
                s.has_ip = ns > 0;
                d.has_ip = nd > 0;
                if (ns)
                    s.ip = cs[i];
                if (nd)
                    d.ip = cd[j];
                /* a hostNetwork pod treated as its node may share it with the other pod */
                loc = !s.external && !d.external && c->v[NV_B_HOSTNET] == NV_HOSTNET_NODE &&
                      (m->classes[s.cls].hostnet || m->classes[d.cls].hostnet);
                nv_explain_np(m, &s, &d, c, 0, np, &why);
                poss[k] = nv_ports_union(pt, poss[k], why.allowed);
                sure[k] = nv_ports_inter(pt, sure[k], why.allowed);
                blocks[k] |= why.allowed == NV_PORTS_NONE;
                nv_flow_why_release(&why);
                if (loc) {
                    nv_explain_np(m, &s, &d, c, 1, np, &why);
                    poss[k] = nv_ports_union(pt, poss[k], why.allowed);
                    blocks[k] |= why.allowed == NV_PORTS_NONE;
                    nv_flow_why_release(&why);
                }
            }
        if (poss[k] == NV_PORTS_NONE)
            sure[k] = NV_PORTS_NONE; /* no address of a family both have */
    }
    s.has_ip = d.has_ip = 0;
    nv_judge(e, &s, &d, poss, sure, 0, blocks);
}

/* Every flow of a guardrail part, from the classes and atoms of its sets. */
static void nv_guard_flows(struct nv_eval *e, const struct nv_set *a, int complement,
                           const struct nv_set *b)
{
    const struct nv_model *m = e->m;
    size_t nc = m->nclasses, na = m->atoms.n, i, j;
    struct nv_ip *cs = nv_xmalloc((na + 1) * sizeof(*cs)), *cd = nv_xmalloc((na + 1) * sizeof(*cd));
    int see = nv_explain_sees_addresses(m);

    for (i = 0; i < nc + na && !e->done; i++) {
        struct nv_end s = {i >= nc, i < nc ? (uint32_t)i : 0, {0}, UINT32_MAX, 0, 0};
        if (i >= nc)
            s.ip = nv_atoms_range(&m->atoms, i - nc).first;
        if (((i < nc ? a->cls[i] : a->atoms[i - nc]) != 0) == complement)
            continue;
        for (j = 0; j < nc + na && !e->done; j++) {
            struct nv_end d = {j >= nc, j < nc ? (uint32_t)j : 0, {0}, UINT32_MAX, 0, 0};
            if (j >= nc)
                d.ip = nv_atoms_range(&m->atoms, j - nc).first;
            if (!(j < nc ? b->cls[j] : b->atoms[j - nc]) || (s.external && d.external))
                continue;
            if (!s.external && !d.external &&
                (!nv_claim_pair_ok(m, s.cls, d.cls) ||
                 !nv_claim_tenants_apart(m, e->c, s.cls, d.cls)))
                continue;
            nv_guard_flow(e, s, d, see, cs, cd);
        }
    }
    free(cs);
    free(cd);
}

void nv_check_matrix(struct nv_matrix *x, const struct nv_claim *c, struct nv_result *out)
{
    const struct nv_model *m = nv_matrix_model(x);
    size_t p, k;

    nv_result_init(out, c);
    for (p = 0; p < out->nparts; p++) {
        struct nv_eval e;
        memset(&e, 0, sizeof(e));
        e.x = x;
        e.c = c;
        e.m = m;
        e.part = &out->parts[p];
        e.n = nv_matrix_ncombos(x);
        for (k = 0; k < e.n; k++) {
            e.poss[k] = nv_xmalloc((m->nclasses + 1) * sizeof(uint32_t));
            e.sure[k] = nv_xmalloc((m->nclasses + 1) * sizeof(uint32_t));
            e.atoms[k] = nv_xmalloc((m->atoms.n + 1) * sizeof(uint32_t));
        }
        switch (e.part->kind) {
        case NV_PART_ISOLATED:
            nv_eval_isolated(&e);
            break;
        case NV_PART_REACHES:
        case NV_PART_CANNOT:
            (c->guard ? nv_guard_flows : nv_eval_flows)(&e, &c->a, 0, &c->b);
            break;
        case NV_PART_ONLY:
            (c->guard ? nv_guard_flows : nv_eval_flows)(&e, &c->a, 1, &c->b);
            break;
        }
        nv_settle(&e);
        if (e.part->verdict == NV_REFUTED || e.part->verdict == NV_DEPENDS) {
            if (nv_witness_place(m, c, e.part->kind, &e.part->w) < 0)
                NV_BUG("claim '%s': no addresses make the witness break it", c->text);
            nv_witness_pods(m, e.part->kind, &e.part->w);
        }
        for (k = 0; k < e.n; k++) {
            free(e.poss[k]);
            free(e.sure[k]);
            free(e.atoms[k]);
        }
    }
}

static int nv_end_in(const struct nv_model *m, const struct nv_set *s, const struct nv_end *e)
{
    if (e->external) {
        size_t a = nv_atoms_find(&m->atoms, &e->ip);
        return a < m->atoms.n && s->atoms[a] != 0;
    }
    return s->cls[e->cls] != 0;
}

/* The first pod group of class cls, from group 'from' on, whose workload is not 'not'. */
static uint32_t nv_pod_of(const struct nv_model *m, uint32_t cls, size_t from, uint32_t not )
{
    size_t i;

    for (i = from; i < m->npods; i++)
        if (m->pods[i].cls == cls && m->pods[i].workload != not )
            return (uint32_t)i;
    return UINT32_MAX;
}

void nv_witness_pods(const struct nv_model *m, enum nv_part_kind kind, struct nv_witness *w)
{
    uint32_t ps, pd;

    w->src.pod = w->dst.pod = UINT32_MAX;
    w->src.inst = w->dst.inst = 0;
    if (!w->src.external)
        w->src.pod = nv_pod_of(m, w->src.cls, 0, UINT32_MAX);
    if (kind == NV_PART_ISOLATED)
        return;
    if (!w->dst.external)
        w->dst.pod = nv_pod_of(m, w->dst.cls, 0, UINT32_MAX);
    if (w->src.external || w->dst.external || w->src.pod == UINT32_MAX || w->dst.pod == UINT32_MAX)
        return;
    /* two workloads when the classes hold pods of two */
    ps = w->src.pod;
    pd = nv_pod_of(m, w->dst.cls, 0, m->pods[ps].workload);
    if (pd == UINT32_MAX) {
        pd = w->dst.pod; /* every pod of the destination's class is of ps's workload */
        ps = nv_pod_of(m, w->src.cls, 0, m->pods[pd].workload);
        if (ps == UINT32_MAX)
            ps = w->src.pod;
    }
    if (ps == pd) {
        /* one workload, one class: another group of the class, or another pod of the group */
        uint32_t other = nv_pod_of(m, w->dst.cls, ps + 1, UINT32_MAX);
        if (other != UINT32_MAX)
            pd = other;
        else
            w->dst.inst = 1;
    }
    w->src.pod = ps;
    w->dst.pod = pd;
}

/* Whether end e names a pod of its class (or is external). */
static int nv_pod_fits(const struct nv_model *m, const struct nv_end *e)
{
    return e->external ||
           (e->pod < m->npods && m->pods[e->pod].cls == e->cls && e->inst < m->pods[e->pod].count);
}

int nv_witness_fits(const struct nv_model *m, const struct nv_claim *c, enum nv_part_kind kind,
                    const struct nv_witness *w)
{
    if (kind == NV_PART_ISOLATED)
        return !w->src.external && c->a.cls[w->src.cls] && nv_pod_fits(m, &w->src);
    if (w->src.external && w->dst.external)
        return 0;
    if (!w->src.external && !w->dst.external &&
        (!nv_claim_pair_ok(m, w->src.cls, w->dst.cls) ||
         !nv_claim_tenants_apart(m, c, w->src.cls, w->dst.cls)))
        return 0;
    if (!nv_pod_fits(m, &w->src) || !nv_pod_fits(m, &w->dst))
        return 0;
    if (!w->src.external && !w->dst.external && w->src.pod == w->dst.pod &&
        w->src.inst == w->dst.inst)
        return 0; /* one pod: no flow */
    if (nv_end_in(m, &c->a, &w->src) == (kind == NV_PART_ONLY))
        return 0;
    return nv_end_in(m, &c->b, &w->dst);
}

int nv_witness_agrees(const struct nv_model *m, const struct nv_part *p, uint32_t need,
                      const struct nv_flow_why *why)
{
    if (p->kind == NV_PART_ISOLATED)
        return 1;
    if (p->w.all_ports)
        return p->kind == NV_PART_REACHES && why->allowed == NV_PORTS_NONE;
    if (!nv_ports_contains(m->ports, need, p->w.proto, p->w.port))
        return 0;
    return nv_ports_contains(m->ports, why->allowed, p->w.proto, p->w.port) ==
           (p->kind != NV_PART_REACHES);
}

int nv_witness_ok(const struct nv_model *m, const struct nv_claim *c, const struct nv_part *p)
{
    struct nv_flow_why why;
    int ok;

    if (p->verdict != NV_REFUTED && p->verdict != NV_DEPENDS)
        return 1;
    if (!nv_witness_fits(m, c, p->kind, &p->w))
        return 0;
    if (p->kind == NV_PART_ISOLATED)
        return 1;
    nv_explain_np(m, &p->w.src, &p->w.dst, &p->w.combo, p->w.local, nv_explain_np_of(c, p->kind),
                  &why);
    ok = nv_witness_agrees(m, p, nv_claim_ports_to(m, c, &p->w.dst), &why);
    nv_flow_why_release(&why);
    return ok;
}
