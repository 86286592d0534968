/*
 * matrix.c - set-algebra connectivity: selectors evaluated per class,
 * rules indexed by the classes they select and admit, rows computed with
 * memoised port-set unions and intersections.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/matrix.h"

#include <stdlib.h>
#include <string.h>

/* A growable list of uint32. */
struct nv_u32s {
    uint32_t *v;
    size_t n, alloc;
};

static void nv_u32s_push(struct nv_u32s *l, uint32_t x)
{
    NV_GROW(l->v, l->alloc, l->n + 1);
    l->v[l->n++] = x;
}

struct nv_matrix {
    struct nv_model *m;
    size_t ncls, nrules, natoms;
    const struct nv_rule **rules; /* every rule of every policy */
    unsigned char *iso;           /* per class: bit 1 ingress, bit 2 egress */
    struct nv_u32s *in_rules;     /* per class: ingress rules of policies selecting it */
    struct nv_u32s *out_rules;    /* per class: egress rules of policies selecting it */
    struct nv_u32s *admits;       /* per class: ingress rules with a pod peer matching it */
    struct nv_u32s open_in;       /* ingress rules with no 'from': they admit every source */
    struct nv_u32s *ns_classes;   /* per namespace: its classes */
    /* scratch rows over classes */
    uint32_t *egr, *ing, *res, *atoms_scratch;
    /* sparse rows: a class is in the current row's lists iff its stamp is the row's */
    uint32_t *stamp_in, *stamp_eg, stamp;
    uint32_t *tin, *teg, *sparse_ids;
    size_t ntin, nteg;
};

static int nv_ipblock_has(const struct nv_peer *p, uint32_t addr)
{
    size_t e;

    if (p->cidr.lo > p->cidr.hi || addr < p->cidr.lo || addr > p->cidr.hi)
        return 0;
    for (e = 0; e < p->nexcept; e++)
        if (addr >= p->except[e].lo && addr <= p->except[e].hi)
            return 0;
    return 1;
}

static void nv_peer_members(struct nv_matrix *x, const struct nv_policy *pol, struct nv_peer *p)
{
    struct nv_model *m = x->m;
    struct nv_u32s out = {NULL, 0, 0};
    size_t i, j;

    if (p->kind == NV_PEER_IPBLOCK) {
        for (i = 0; i < m->atoms.n; i++)
            if (nv_ipblock_has(p, nv_atoms_range(&m->atoms, i).lo))
                nv_u32s_push(&out, (uint32_t)i);
    } else {
        for (i = 0; i < m->nns; i++) {
            const struct nv_u32s *cl = &x->ns_classes[i];
            if (p->ns_sel ? !nv_selector_matches_interned(p->ns_sel, &m->ns[i].labels) : i != pol->nsidx)
                continue;
            for (j = 0; j < cl->n; j++)
                if (!p->pod_sel || nv_selector_matches_interned(p->pod_sel, &m->classes[cl->v[j]].labels))
                    nv_u32s_push(&out, cl->v[j]);
        }
    }
    p->members = out.v;
    p->nmembers = out.n;
}

struct nv_matrix *nv_matrix_new(struct nv_model *m)
{
    struct nv_matrix *x = nv_xcalloc(1, sizeof(*x));
    size_t i, j, k, r, nrules = 0;
    int dir;

    x->m = m;
    x->ncls = m->nclasses;
    x->natoms = m->atoms.n;
    x->iso = nv_xcalloc(x->ncls + 1, 1);
    x->in_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->in_rules));
    x->out_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->out_rules));
    x->admits = nv_xcalloc(x->ncls + 1, sizeof(*x->admits));
    x->ns_classes = nv_xcalloc(m->nns + 1, sizeof(*x->ns_classes));
    x->egr = nv_xmalloc((x->ncls + 1) * sizeof(*x->egr));
    x->ing = nv_xmalloc((x->ncls + 1) * sizeof(*x->ing));
    x->res = nv_xmalloc((x->ncls + 1) * sizeof(*x->res));
    x->atoms_scratch = nv_xmalloc((x->natoms + 1) * sizeof(*x->atoms_scratch));
    x->stamp_in = nv_xcalloc(x->ncls + 1, sizeof(*x->stamp_in));
    x->stamp_eg = nv_xcalloc(x->ncls + 1, sizeof(*x->stamp_eg));
    x->tin = nv_xmalloc((x->ncls + 1) * sizeof(*x->tin));
    x->teg = nv_xmalloc((x->ncls + 1) * sizeof(*x->teg));
    x->sparse_ids = nv_xmalloc((x->ncls + 1) * sizeof(*x->sparse_ids));
    for (i = 0; i < x->ncls; i++)
        nv_u32s_push(&x->ns_classes[m->classes[i].ns], (uint32_t)i);

    for (i = 0; i < m->npolicies; i++)
        nrules += m->policies[i]->nrules[0] + m->policies[i]->nrules[1];
    x->rules = nv_xcalloc(nrules + 1, sizeof(*x->rules));

    for (i = 0; i < m->npolicies; i++) {
        struct nv_policy *pol = m->policies[i];
        const struct nv_u32s *cl = &x->ns_classes[pol->nsidx];
        struct nv_u32s sel = {NULL, 0, 0};
        for (j = 0; j < cl->n; j++)
            if (nv_selector_matches_interned(pol->subject, &m->classes[cl->v[j]].labels))
                nv_u32s_push(&sel, cl->v[j]);
        pol->selected = sel.v;
        pol->nselected = sel.n;
        for (j = 0; j < sel.n; j++) {
            if (pol->types & NV_TYPE_INGRESS)
                x->iso[sel.v[j]] |= NV_TYPE_INGRESS;
            if (pol->types & NV_TYPE_EGRESS)
                x->iso[sel.v[j]] |= NV_TYPE_EGRESS;
        }
        for (dir = 0; dir < 2; dir++) {
            int active =
                dir == NV_INGRESS ? pol->types & NV_TYPE_INGRESS : pol->types & NV_TYPE_EGRESS;
            for (r = 0; r < pol->nrules[dir]; r++) {
                struct nv_rule *rule = &pol->rules[dir][r];
                uint32_t ri = (uint32_t)x->nrules;
                for (k = 0; k < rule->npeers; k++)
                    nv_peer_members(x, pol, &rule->peers[k]);
                if (!active)
                    continue; /* rules of a direction the policy does not govern */
                x->rules[x->nrules++] = rule;
                for (j = 0; j < sel.n; j++)
                    nv_u32s_push(
                        dir == NV_INGRESS ? &x->in_rules[sel.v[j]] : &x->out_rules[sel.v[j]], ri);
                if (dir != NV_INGRESS)
                    continue;
                if (rule->all_peers) {
                    nv_u32s_push(&x->open_in, ri);
                    continue;
                }
                /* index by admitted source class, once per rule */
                for (k = 0; k < rule->npeers; k++) {
                    const struct nv_peer *p = &rule->peers[k];
                    size_t e;
                    if (p->kind != NV_PEER_PODS)
                        continue;
                    for (e = 0; e < p->nmembers; e++) {
                        struct nv_u32s *a = &x->admits[p->members[e]];
                        if (a->n && a->v[a->n - 1] == ri)
                            continue;
                        nv_u32s_push(a, ri);
                    }
                }
            }
        }
    }
    return x;
}

void nv_matrix_free(struct nv_matrix *x)
{
    size_t i;

    if (!x)
        return;
    for (i = 0; i < x->ncls; i++) {
        free(x->in_rules[i].v);
        free(x->out_rules[i].v);
        free(x->admits[i].v);
    }
    for (i = 0; i < x->m->nns; i++)
        free(x->ns_classes[i].v);
    free(x->open_in.v);
    free(x->ns_classes);
    free(x->in_rules);
    free(x->out_rules);
    free(x->admits);
    free(x->iso);
    free(x->rules);
    free(x->egr);
    free(x->ing);
    free(x->res);
    free(x->atoms_scratch);
    free(x->stamp_in);
    free(x->stamp_eg);
    free(x->tin);
    free(x->teg);
    free(x->sparse_ids);
    free(x);
}

int nv_matrix_isolated(const struct nv_matrix *x, uint32_t cls, int dir)
{
    return (x->iso[cls] & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)) != 0;
}

/* Named ports are rare: keep the common case a field read. */
#define NV_RULE_PORTS(x, r, dst) ((r)->has_named ? nv_matrix_rule_ports((x), (r), (dst)) : (r)->numeric)

uint32_t nv_matrix_rule_ports(struct nv_matrix *x, const struct nv_rule *r, uint32_t dst)
{
    const struct nv_class *c;
    uint32_t id = r->numeric;
    size_t i, j;

    if (!r->has_named)
        return id;
    c = &x->m->classes[dst];
    for (i = 0; i < r->nports; i++) {
        const struct nv_portspec *ps = &r->ports[i];
        if (!ps->name)
            continue;
        for (j = 0; j < c->nports; j++)
            if (c->ports[j].name == ps->name && c->ports[j].proto == ps->proto)
                id = nv_ports_union(
                    &x->m->ports, id,
                    nv_ports_range(&x->m->ports, ps->proto, c->ports[j].port, c->ports[j].port));
    }
    return id;
}

uint32_t nv_matrix_rule_ports_ext(const struct nv_rule *r)
{
    return r->numeric;
}

/* Row of one class over classes (into x->res) and atoms (into to_atoms, if given). */
void nv_matrix_to_atoms(struct nv_matrix *x, uint32_t s, uint32_t *to_atoms)
{
    struct nv_ports *pt = &x->m->ports;
    size_t d, i, k, e;

    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        for (d = 0; d < x->natoms; d++)
            to_atoms[d] = NV_PORTS_ALL;
        return;
    }
    memset(to_atoms, 0, x->natoms * sizeof(*to_atoms));
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]];
        uint32_t ports = nv_matrix_rule_ports_ext(r);
        if (r->all_peers) {
            for (d = 0; d < x->natoms; d++)
                to_atoms[d] = nv_ports_union(pt, to_atoms[d], ports);
            continue;
        }
        for (k = 0; k < r->npeers; k++) {
            const struct nv_peer *p = &r->peers[k];
            if (p->kind != NV_PEER_IPBLOCK)
                continue;
            for (e = 0; e < p->nmembers; e++)
                to_atoms[p->members[e]] = nv_ports_union(pt, to_atoms[p->members[e]], ports);
        }
    }
}

/* Row of one class over classes (into x->res) and atoms (into to_atoms, if given). */
static void nv_class_row(struct nv_matrix *x, uint32_t s, uint32_t *to_atoms)
{
    struct nv_ports *pt = &x->m->ports;
    size_t d, i, k, e;

    if (to_atoms)
        nv_matrix_to_atoms(x, s, to_atoms);
    /* egress of s toward every class */
    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        for (d = 0; d < x->ncls; d++)
            x->egr[d] = NV_PORTS_ALL;
    } else {
        memset(x->egr, 0, x->ncls * sizeof(*x->egr));
        for (i = 0; i < x->out_rules[s].n; i++) {
            const struct nv_rule *r = x->rules[x->out_rules[s].v[i]];
            if (r->all_peers) {
                for (d = 0; d < x->ncls; d++)
                    x->egr[d] =
                        nv_ports_union(pt, x->egr[d], NV_RULE_PORTS(x, r, (uint32_t)d));
                continue;
            }
            for (k = 0; k < r->npeers; k++) {
                const struct nv_peer *p = &r->peers[k];
                if (p->kind != NV_PEER_PODS)
                    continue;
                for (e = 0; e < p->nmembers; e++) {
                    uint32_t dc = p->members[e];
                    x->egr[dc] = nv_ports_union(pt, x->egr[dc], NV_RULE_PORTS(x, r, dc));
                }
            }
        }
    }
    /* ingress of every destination, from s */
    for (d = 0; d < x->ncls; d++)
        x->ing[d] = (x->iso[d] & NV_TYPE_INGRESS) ? NV_PORTS_NONE : NV_PORTS_ALL;
    for (k = 0; k < 2; k++) {
        const struct nv_u32s *list = k ? &x->open_in : &x->admits[s];
        for (i = 0; i < list->n; i++) {
            const struct nv_rule *r = x->rules[list->v[i]];
            const struct nv_policy *pol = r->policy;
            for (e = 0; e < pol->nselected; e++) {
                uint32_t dc = pol->selected[e];
                x->ing[dc] = nv_ports_union(pt, x->ing[dc], NV_RULE_PORTS(x, r, dc));
            }
        }
    }
    for (d = 0; d < x->ncls; d++)
        x->res[d] = nv_ports_inter(pt, x->egr[d], x->ing[d]);
}

void nv_matrix_row(struct nv_matrix *x, uint32_t u, uint32_t *to_units, uint32_t *to_atoms)
{
    const struct nv_model *m = x->m;
    struct nv_ports *pt = &x->m->ports;
    const struct nv_unit *un = &m->units[u];
    size_t i, v, j;

    for (i = 0; i < un->ncls; i++) {
        uint32_t *atoms = to_atoms ? (i ? x->atoms_scratch : to_atoms) : NULL;
        nv_class_row(x, un->cls[i], atoms);
        if (i == 0) {
            memcpy(to_units, x->res, x->ncls * sizeof(*to_units));
        } else {
            for (v = 0; v < x->ncls; v++)
                to_units[v] = nv_ports_union(pt, to_units[v], x->res[v]);
            if (to_atoms)
                for (v = 0; v < x->natoms; v++)
                    to_atoms[v] = nv_ports_union(pt, to_atoms[v], atoms[v]);
        }
    }
    /* multi-class destination units: union over their classes */
    for (v = x->ncls; v < m->nunits; v++) {
        uint32_t id = NV_PORTS_NONE;
        for (j = 0; j < m->units[v].ncls; j++)
            id = nv_ports_union(pt, id, to_units[m->units[v].cls[j]]);
        to_units[v] = id;
    }
}

void nv_matrix_from_atoms(struct nv_matrix *x, uint32_t u, uint32_t *from_atoms)
{
    const struct nv_unit *un = &x->m->units[u];
    struct nv_ports *pt = &x->m->ports;
    size_t i, a, j, k;

    for (a = 0; a < x->natoms; a++)
        from_atoms[a] = NV_PORTS_NONE;
    for (i = 0; i < un->ncls; i++) {
        uint32_t d = un->cls[i];
        if (!(x->iso[d] & NV_TYPE_INGRESS)) {
            for (a = 0; a < x->natoms; a++)
                from_atoms[a] = NV_PORTS_ALL;
            return;
        }
        for (j = 0; j < x->in_rules[d].n; j++) {
            const struct nv_rule *r = x->rules[x->in_rules[d].v[j]];
            uint32_t ports = NV_RULE_PORTS(x, r, d);
            if (r->all_peers) {
                for (a = 0; a < x->natoms; a++)
                    from_atoms[a] = nv_ports_union(pt, from_atoms[a], ports);
                continue;
            }
            for (k = 0; k < r->npeers; k++) {
                const struct nv_peer *p = &r->peers[k];
                size_t e;
                if (p->kind != NV_PEER_IPBLOCK)
                    continue;
                for (e = 0; e < p->nmembers; e++)
                    from_atoms[p->members[e]] =
                        nv_ports_union(pt, from_atoms[p->members[e]], ports);
            }
        }
    }
}

/* Start a new sparse row: every stamp from earlier rows becomes stale. */
static void nv_sparse_begin(struct nv_matrix *x)
{
    if (++x->stamp == 0) {
        memset(x->stamp_in, 0, x->ncls * sizeof(*x->stamp_in));
        memset(x->stamp_eg, 0, x->ncls * sizeof(*x->stamp_eg));
        x->stamp = 1;
    }
    x->ntin = x->nteg = 0;
}

static void nv_sparse_in(struct nv_matrix *x, uint32_t d, uint32_t ports)
{
    if (x->stamp_in[d] != x->stamp) {
        x->stamp_in[d] = x->stamp;
        x->ing[d] = NV_PORTS_NONE;
        x->tin[x->ntin++] = d;
    }
    x->ing[d] = nv_ports_union(&x->m->ports, x->ing[d], ports);
}

static void nv_sparse_eg(struct nv_matrix *x, uint32_t d, uint32_t ports)
{
    if (x->stamp_eg[d] != x->stamp) {
        x->stamp_eg[d] = x->stamp;
        x->egr[d] = NV_PORTS_NONE;
        x->teg[x->nteg++] = d;
    }
    x->egr[d] = nv_ports_union(&x->m->ports, x->egr[d], ports);
}

void nv_matrix_row_sparse(struct nv_matrix *x, uint32_t s, struct nv_sparse_row *out)
{
    struct nv_ports *pt = &x->m->ports;
    size_t i, k, e, d;
    int open = !(x->iso[s] & NV_TYPE_EGRESS);

    nv_sparse_begin(x);
    if (!open) {
        for (i = 0; i < x->out_rules[s].n; i++) {
            const struct nv_rule *r = x->rules[x->out_rules[s].v[i]];
            if (r->all_peers) {
                for (d = 0; d < x->ncls; d++)
                    nv_sparse_eg(x, (uint32_t)d, NV_RULE_PORTS(x, r, (uint32_t)d));
                continue;
            }
            for (k = 0; k < r->npeers; k++) {
                const struct nv_peer *p = &r->peers[k];
                if (p->kind != NV_PEER_PODS)
                    continue;
                for (e = 0; e < p->nmembers; e++)
                    nv_sparse_eg(x, p->members[e], NV_RULE_PORTS(x, r, p->members[e]));
            }
        }
    }
    for (k = 0; k < 2; k++) {
        const struct nv_u32s *list = k ? &x->open_in : &x->admits[s];
        for (i = 0; i < list->n; i++) {
            const struct nv_rule *r = x->rules[list->v[i]];
            const struct nv_policy *pol = r->policy;
            for (e = 0; e < pol->nselected; e++)
                nv_sparse_in(x, pol->selected[e], NV_RULE_PORTS(x, r, pol->selected[e]));
        }
    }
    out->open = open;
    if (open) {
        /* every listed class is isolated for ingress: the others keep their default */
        for (i = 0; i < x->ntin; i++)
            x->sparse_ids[i] = x->ing[x->tin[i]];
        out->n = x->ntin;
        out->cls = x->tin;
    } else {
        for (i = 0; i < x->nteg; i++) {
            uint32_t dc = x->teg[i], in;
            if (!(x->iso[dc] & NV_TYPE_INGRESS))
                in = NV_PORTS_ALL;
            else
                in = x->stamp_in[dc] == x->stamp ? x->ing[dc] : NV_PORTS_NONE;
            x->sparse_ids[i] = nv_ports_inter(pt, x->egr[dc], in);
        }
        out->n = x->nteg;
        out->cls = x->teg;
    }
    out->ids = x->sparse_ids;
}
