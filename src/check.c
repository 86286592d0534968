/*
 * check.c - claims decided by the matrix engine: every part evaluated over
 * rows of port sets, with a witness for what refutes it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/check.h"

#include <stdlib.h>
#include <string.h>

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
        if (r->parts[i].verdict == NV_UNDECIDED)
            v = NV_UNDECIDED;
    }
    return v;
}

uint32_t nv_claim_ports_to(struct nv_model *m, const struct nv_claim *c, const struct nv_end *d)
{
    if (!c->nports)
        return NV_PORTS_ALL;
    return nv_model_ports(m, c->ports, c->nports, d->external ? UINT32_MAX : d->cls);
}

/* The lowest (protocol, port) of a non-empty set. */
static void nv_first_port(const struct nv_model *m, uint32_t id, struct nv_witness *w)
{
    const struct nv_portset *s = nv_ports_get(&m->ports, id);

    w->proto = (enum nv_proto)(s->iv[0] >> 16);
    w->port = s->iv[0] & 0xffff;
}

struct nv_eval {
    struct nv_matrix *x;
    struct nv_model *m;
    const struct nv_claim *c;
    struct nv_part *part;
    int done;
};

/* Judge one flow: allowed is what the engine allows from s to d. */
static void nv_judge(struct nv_eval *e, const struct nv_end *s, const struct nv_end *d,
                     uint32_t allowed)
{
    struct nv_model *m = e->m;
    uint32_t need = nv_claim_ports_to(m, e->c, d), bad;
    struct nv_witness *w = &e->part->w;

    if (e->part->kind == NV_PART_REACHES) {
        if (!e->c->nports) {
            if (allowed != NV_PORTS_NONE)
                return;
            memset(w, 0, sizeof(*w));
            w->all_ports = 1;
        } else {
            bad = nv_ports_minus(&m->ports, need, allowed);
            if (bad == NV_PORTS_NONE)
                return;
            memset(w, 0, sizeof(*w));
            nv_first_port(m, bad, w);
        }
    } else {
        bad = nv_ports_inter(&m->ports, need, allowed);
        if (bad == NV_PORTS_NONE)
            return;
        memset(w, 0, sizeof(*w));
        nv_first_port(m, bad, w);
    }
    w->src = *s;
    w->dst = *d;
    e->part->verdict = NV_REFUTED;
    e->done = 1;
}

static void nv_eval_flows(struct nv_eval *e, const struct nv_set *a, int complement,
                          const struct nv_set *b)
{
    struct nv_model *m = e->m;
    size_t nc = m->nclasses, na = m->atoms.n, i, j;
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *arow = nv_xmalloc((na + 1) * sizeof(*arow));
    int any_src_atom = 0;

    for (i = 0; i < na; i++)
        any_src_atom |= (a->atoms[i] != 0) != complement;
    for (i = 0; i < nc && !e->done; i++) {
        struct nv_end s = {0, (uint32_t)i, {0}, UINT32_MAX, 0};
        if ((a->cls[i] != 0) == complement)
            continue;
        nv_matrix_row(e->x, (uint32_t)i, row, arow);
        for (j = 0; j < nc && !e->done; j++) {
            struct nv_end d = {0, (uint32_t)j, {0}, UINT32_MAX, 0};
            if (b->cls[j] && nv_claim_pair_ok(m, (uint32_t)i, (uint32_t)j))
                nv_judge(e, &s, &d, row[j]);
        }
        for (j = 0; j < na && !e->done; j++) {
            struct nv_end d = {1, 0, nv_atoms_range(&m->atoms, j).first, UINT32_MAX, 0};
            if (b->atoms[j])
                nv_judge(e, &s, &d, arow[j]);
        }
    }
    for (j = 0; j < nc && any_src_atom && !e->done; j++) {
        struct nv_end d = {0, (uint32_t)j, {0}, UINT32_MAX, 0};
        if (!b->cls[j])
            continue;
        nv_matrix_from_atoms(e->x, (uint32_t)j, arow);
        for (i = 0; i < na && !e->done; i++) {
            struct nv_end s = {1, 0, nv_atoms_range(&m->atoms, i).first, UINT32_MAX, 0};
            if ((a->atoms[i] != 0) != complement)
                nv_judge(e, &s, &d, arow[i]);
        }
    }
    free(row);
    free(arow);
}

void nv_check_matrix(struct nv_matrix *x, const struct nv_claim *c, struct nv_result *out)
{
    size_t p, i;

    nv_result_init(out, c);
    for (p = 0; p < out->nparts; p++) {
        struct nv_eval e;
        struct nv_part *part = &out->parts[p];
        memset(&e, 0, sizeof(e));
        e.x = x;
        e.c = c;
        e.part = part;
        part->verdict = NV_HOLDS;
        e.m = nv_matrix_model(x);
        switch (part->kind) {
        case NV_PART_ISOLATED:
            for (i = 0; i < e.m->nclasses; i++) {
                int dir = -1;
                if (!c->a.cls[i])
                    continue;
                if ((c->iso_types & NV_TYPE_INGRESS) &&
                    !nv_matrix_isolated(x, (uint32_t)i, NV_INGRESS))
                    dir = NV_INGRESS;
                else if ((c->iso_types & NV_TYPE_EGRESS) &&
                         !nv_matrix_isolated(x, (uint32_t)i, NV_EGRESS))
                    dir = NV_EGRESS;
                if (dir < 0)
                    continue;
                memset(&part->w, 0, sizeof(part->w));
                part->w.src.cls = (uint32_t)i;
                part->w.dir = dir;
                part->verdict = NV_REFUTED;
                break;
            }
            break;
        case NV_PART_REACHES:
        case NV_PART_CANNOT:
            nv_eval_flows(&e, &c->a, 0, &c->b);
            break;
        case NV_PART_ONLY:
            nv_eval_flows(&e, &c->a, 1, &c->b);
            break;
        }
        if (part->verdict == NV_REFUTED)
            nv_witness_pods(e.m, part->kind, &part->w);
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
    if (!w->src.external && !w->dst.external && !nv_claim_pair_ok(m, w->src.cls, w->dst.cls))
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
