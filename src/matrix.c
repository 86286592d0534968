/*
 * matrix.c - set-algebra connectivity. Selectors are evaluated once per
 * distinct peer (hash-consed) into bitsets over classes, which are numbered
 * namespace by namespace; rules are indexed by the classes they select and by
 * the peer sets that admit a source. Rows are computed with memoised
 * port-set unions and intersections, or, for counting, with word-wide ORs.
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

#define NV_BIT(bits, i) (((bits)[(i) >> 6] >> ((i)&63)) & 1)
#define NV_SETBIT(bits, i) ((bits)[(i) >> 6] |= (uint64_t)1 << ((i)&63))

/* A distinct pod peer: the classes it matches, and the ingress rules it appears in. */
struct nv_pset {
    const struct nv_peer *peer; /* the first peer with this meaning */
    unsigned nsidx;             /* policy namespace when the peer has no namespaceSelector */
    uint64_t hash;
    uint64_t *bits;
    uint32_t *members;
    size_t nmembers;
    struct nv_u32s in_rules; /* active ingress rules admitting through this set */
};

/* What the engine keeps per active rule. */
struct nv_ruleinfo {
    const struct nv_rule *r;
    struct nv_u32s psets; /* ingress: the peer sets of its pod peers */
    /* ingress: classes of the policy's namespace it admits to (ports not empty), as words */
    size_t eff_off, eff_n;
    uint64_t *eff;
    uint32_t *cache; /* named ports: resolved set by port signature, UINT32_MAX = not yet */
};

#define NV_MAX_PORTSIGS 4096

struct nv_matrix {
    struct nv_model *m;
    /* named-port resolution: classes with equal container ports share a signature */
    uint32_t *portsig; /* per class */
    size_t nportsigs;

    size_t ncls, nrules, natoms, nwords;
    struct nv_ruleinfo *rules; /* every active rule of every policy */
    unsigned char *iso;        /* per class: NV_TYPE_INGRESS | NV_TYPE_EGRESS */
    struct nv_u32s *in_rules;  /* per class: ingress rules of policies selecting it */
    struct nv_u32s *out_rules; /* per class: egress rules of policies selecting it */
    struct nv_u32s open_in;    /* ingress rules with no 'from': they admit every source */
    size_t *ns_first, *ns_n;   /* per namespace: its classes are ns_first .. + ns_n */
    struct nv_pset *psets;
    size_t npsets, psetalloc;
    struct nv_u32s *cls_psets; /* per class: the peer sets holding it that admit through rules */
    uint32_t *psetindex;
    size_t npsetindex;
    struct nv_u32s owned;  /* not used */
    uint32_t **atom_lists; /* members of ipBlock peers, owned */
    size_t natomlists, atomlistalloc;
    /* scratch rows over classes */
    uint32_t *egr, *ing, *res, *atoms_scratch;
    /* counting: the row bits of an open source start from 'base' */
    uint64_t *base, *rowbits;
    long long *base_count; /* per namespace */
    uint32_t *weight;      /* per class: workloads */
    int unit_weights;      /* every class has weight 1 */
    uint32_t *stamp_eg, stamp;
    uint32_t *teg;
    size_t nteg;
    uint32_t *touched_ns;
    unsigned char *ns_touched;
};

/* ---- distinct peer sets ---- */

static uint64_t nv_sel_hash(const struct nv_selector *s, uint64_t h)
{
    size_t i, j;

    if (!s)
        return nv_hash_bytes("-", 1, h);
    h = nv_hash_bytes(&s->n, sizeof(s->n), h);
    for (i = 0; i < s->n; i++) {
        const struct nv_requirement *r = &s->reqs[i];
        h = nv_hash_bytes(&r->key, sizeof(r->key), h);
        h = nv_hash_bytes(&r->op, sizeof(r->op), h);
        for (j = 0; j < r->nvalues; j++)
            h = nv_hash_bytes(&r->values[j], sizeof(r->values[j]), h);
    }
    return h;
}

static int nv_sel_eq(const struct nv_selector *a, const struct nv_selector *b)
{
    size_t i;

    if (!a || !b)
        return a == b;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++) {
        const struct nv_requirement *x = &a->reqs[i], *y = &b->reqs[i];
        if (x->key != y->key || x->op != y->op || x->nvalues != y->nvalues ||
            (x->nvalues && memcmp(x->values, y->values, x->nvalues * sizeof(*x->values))))
            return 0;
    }
    return 1;
}

static void nv_pset_build(struct nv_matrix *x, struct nv_pset *ps)
{
    struct nv_model *m = x->m;
    const struct nv_peer *p = ps->peer;
    struct nv_u32s out = {NULL, 0, 0};
    size_t i, j;

    ps->bits = nv_xcalloc(x->nwords + 1, sizeof(*ps->bits));
    for (i = 0; i < m->nns; i++) {
        if (p->ns_sel ? !nv_selector_matches_interned(p->ns_sel, &m->ns[i].labels) : i != ps->nsidx)
            continue;
        for (j = x->ns_first[i]; j < x->ns_first[i] + x->ns_n[i]; j++) {
            if (p->pod_sel && !nv_selector_matches_interned(p->pod_sel, &m->classes[j].labels))
                continue;
            nv_u32s_push(&out, (uint32_t)j);
            NV_SETBIT(ps->bits, j);
        }
    }
    ps->members = out.v;
    ps->nmembers = out.n;
}

/* The distinct set equal to pod peer p of a policy in namespace nsidx. */
static uint32_t nv_pset_of(struct nv_matrix *x, const struct nv_peer *p, unsigned nsidx)
{
    unsigned key_ns = p->ns_sel ? UINT32_MAX : nsidx;
    uint64_t h = nv_sel_hash(p->pod_sel, nv_sel_hash(p->ns_sel, NV_HASH_INIT));
    size_t j;
    uint32_t id;

    h = nv_hash_bytes(&key_ns, sizeof(key_ns), h);
    if ((x->npsets + 1) * 2 > x->npsetindex) {
        size_t i;
        free(x->psetindex);
        x->npsetindex = x->npsetindex ? x->npsetindex * 2 : 256;
        x->psetindex = nv_xmalloc(x->npsetindex * sizeof(*x->psetindex));
        memset(x->psetindex, 0xff, x->npsetindex * sizeof(*x->psetindex));
        for (i = 0; i < x->npsets; i++) {
            j = x->psets[i].hash & (x->npsetindex - 1);
            while (x->psetindex[j] != UINT32_MAX)
                j = (j + 1) & (x->npsetindex - 1);
            x->psetindex[j] = (uint32_t)i;
        }
    }
    j = h & (x->npsetindex - 1);
    while ((id = x->psetindex[j]) != UINT32_MAX) {
        const struct nv_pset *ps = &x->psets[id];
        if (ps->hash == h && ps->nsidx == key_ns && nv_sel_eq(ps->peer->ns_sel, p->ns_sel) &&
            nv_sel_eq(ps->peer->pod_sel, p->pod_sel))
            return id;
        j = (j + 1) & (x->npsetindex - 1);
    }
    NV_GROW(x->psets, x->psetalloc, x->npsets + 1);
    id = (uint32_t)x->npsets++;
    memset(&x->psets[id], 0, sizeof(x->psets[id]));
    x->psets[id].peer = p;
    x->psets[id].nsidx = key_ns;
    x->psets[id].hash = h;
    x->psetindex[j] = id;
    nv_pset_build(x, &x->psets[id]);
    return id;
}

/* The atoms of an ipBlock: those of its cidr, but the excepted ones (none if its family is not
 * modelled). */
static void nv_ipblock_members(struct nv_matrix *x, struct nv_peer *p)
{
    const struct nv_atoms *atoms = &x->m->atoms;
    struct nv_u32s out = {NULL, 0, 0};
    size_t i, e, first = nv_atoms_find(atoms, &p->cidr.first);
    size_t last = nv_atoms_find(atoms, &p->cidr.last);

    for (i = first; i <= last && i < atoms->n; i++) {
        for (e = 0; e < p->nexcept && !nv_iprange_has(&p->except[e], &atoms->cuts[i]); e++)
            ;
        if (e == p->nexcept)
            nv_u32s_push(&out, (uint32_t)i);
    }
    p->members = out.v;
    p->nmembers = out.n;
    NV_GROW(x->atom_lists, x->atomlistalloc, x->natomlists + 1);
    x->atom_lists[x->natomlists++] = out.v;
}

/* ---- construction ---- */

/* Number the distinct container-port lists of classes (only named ports the rules use are kept). */
static void nv_port_signatures(struct nv_matrix *x)
{
    const struct nv_model *m = x->m;
    size_t i, j, k;
    uint32_t *first; /* representative class per signature */

    x->portsig = nv_xmalloc((x->ncls + 1) * sizeof(*x->portsig));
    first = nv_xmalloc((NV_MAX_PORTSIGS + 1) * sizeof(*first));
    for (i = 0; i < x->ncls; i++) {
        const struct nv_class *c = &m->classes[i];
        for (j = 0; j < x->nportsigs; j++) {
            const struct nv_class *o = &m->classes[first[j]];
            if (o->nports != c->nports)
                continue;
            for (k = 0; k < c->nports; k++)
                if (o->ports[k].name != c->ports[k].name ||
                    o->ports[k].proto != c->ports[k].proto || o->ports[k].port != c->ports[k].port)
                    break;
            if (k == c->nports)
                break;
        }
        if (j == x->nportsigs && x->nportsigs < NV_MAX_PORTSIGS)
            first[x->nportsigs++] = (uint32_t)i;
        x->portsig[i] = (uint32_t)j; /* NV_MAX_PORTSIGS and above: not cached */
    }
    free(first);
}

/* Named ports are rare: keep the common case a field read. */
#define NV_RULE_PORTS(x, r, dst)                                                                   \
    ((r)->has_named ? nv_matrix_rule_ports((x), (r), (dst)) : (r)->numeric)

/* Ingress rule: the words of its policy's namespace where it admits to a class. */
static void nv_rule_eff(struct nv_matrix *x, struct nv_ruleinfo *ri)
{
    const struct nv_policy *pol = ri->r->policy;
    size_t first = x->ns_first[pol->nsidx], n = x->ns_n[pol->nsidx], i;

    if (!n)
        return;
    ri->eff_off = first >> 6;
    ri->eff_n = ((first + n - 1) >> 6) - ri->eff_off + 1;
    ri->eff = nv_xcalloc(ri->eff_n, sizeof(*ri->eff));
    for (i = 0; i < pol->nselected; i++) {
        uint32_t d = pol->selected[i];
        if (NV_RULE_PORTS(x, ri->r, d) != NV_PORTS_NONE)
            ri->eff[(d >> 6) - ri->eff_off] |= (uint64_t)1 << (d & 63);
    }
}

static void nv_index_policy(struct nv_matrix *x, struct nv_policy *pol)
{
    struct nv_model *m = x->m;
    struct nv_u32s sel = {NULL, 0, 0};
    size_t j, r, k;
    int dir;

    for (j = x->ns_first[pol->nsidx]; j < x->ns_first[pol->nsidx] + x->ns_n[pol->nsidx]; j++)
        if (nv_selector_matches_interned(pol->subject, &m->classes[j].labels))
            nv_u32s_push(&sel, (uint32_t)j);
    pol->selected = sel.v;
    pol->nselected = sel.n;
    for (j = 0; j < sel.n; j++)
        x->iso[sel.v[j]] |= (unsigned char)(pol->types & (NV_TYPE_INGRESS | NV_TYPE_EGRESS));
    for (dir = 0; dir < 2; dir++) {
        int active = pol->types & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS);
        for (r = 0; r < pol->nrules[dir]; r++) {
            struct nv_rule *rule = &pol->rules[dir][r];
            struct nv_ruleinfo *ri;
            uint32_t id = (uint32_t)x->nrules;
            for (k = 0; k < rule->npeers; k++) {
                struct nv_peer *p = &rule->peers[k];
                if (p->kind == NV_PEER_IPBLOCK) {
                    nv_ipblock_members(x, p);
                } else {
                    uint32_t id_ps = nv_pset_of(x, p, pol->nsidx); /* may move x->psets */
                    p->members = x->psets[id_ps].members;
                    p->nmembers = x->psets[id_ps].nmembers;
                }
            }
            if (!active)
                continue; /* rules of a direction the policy does not govern */
            ri = &x->rules[x->nrules++];
            ri->r = rule;
            rule->engine_index = id;
            for (j = 0; j < sel.n; j++)
                nv_u32s_push(dir == NV_INGRESS ? &x->in_rules[sel.v[j]] : &x->out_rules[sel.v[j]],
                             id);
            if (dir != NV_INGRESS)
                continue;
            nv_rule_eff(x, ri);
            if (rule->all_peers) {
                nv_u32s_push(&x->open_in, id);
                continue;
            }
            for (k = 0; k < rule->npeers; k++) {
                const struct nv_peer *p = &rule->peers[k];
                uint32_t ps;
                size_t e;
                if (p->kind != NV_PEER_PODS)
                    continue;
                ps = nv_pset_of(x, p, pol->nsidx);
                for (e = 0; e < ri->psets.n && ri->psets.v[e] != ps; e++)
                    ;
                if (e < ri->psets.n)
                    continue; /* two peers with one meaning */
                nv_u32s_push(&ri->psets, ps);
                nv_u32s_push(&x->psets[ps].in_rules, id);
            }
        }
    }
}

/* The row bits of an open source before its admitting rules: every class not
 * isolated for ingress, and every class a rule without 'from' admits to. */
static void nv_make_base(struct nv_matrix *x)
{
    size_t i, j, ns;

    x->base = nv_xcalloc(x->nwords + 1, sizeof(*x->base));
    x->rowbits = nv_xcalloc(x->nwords + 1, sizeof(*x->rowbits));
    for (i = 0; i < x->ncls; i++)
        if (!(x->iso[i] & NV_TYPE_INGRESS))
            NV_SETBIT(x->base, i);
    for (i = 0; i < x->open_in.n; i++) {
        const struct nv_ruleinfo *ri = &x->rules[x->open_in.v[i]];
        for (j = 0; j < ri->eff_n; j++)
            x->base[ri->eff_off + j] |= ri->eff[j];
    }
    memcpy(x->rowbits, x->base, (x->nwords + 1) * sizeof(*x->base));
    x->base_count = nv_xcalloc(x->m->nns + 1, sizeof(*x->base_count));
    for (ns = 0; ns < x->m->nns; ns++)
        for (i = x->ns_first[ns]; i < x->ns_first[ns] + x->ns_n[ns]; i++)
            if (NV_BIT(x->base, i))
                x->base_count[ns] += x->weight[i];
}

struct nv_matrix *nv_matrix_new(struct nv_model *m)
{
    struct nv_matrix *x = nv_xcalloc(1, sizeof(*x));
    size_t i, nrules = 0;

    x->m = m;
    x->ncls = m->nclasses;
    x->natoms = m->atoms.n;
    x->nwords = (x->ncls + 63) / 64;
    x->iso = nv_xcalloc(x->ncls + 1, 1);
    x->in_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->in_rules));
    x->out_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->out_rules));
    x->ns_first = nv_xcalloc(m->nns + 1, sizeof(*x->ns_first));
    x->ns_n = nv_xcalloc(m->nns + 1, sizeof(*x->ns_n));
    x->egr = nv_xmalloc((x->ncls + 1) * sizeof(*x->egr));
    x->ing = nv_xmalloc((x->ncls + 1) * sizeof(*x->ing));
    x->res = nv_xmalloc((x->ncls + 1) * sizeof(*x->res));
    x->atoms_scratch = nv_xmalloc((x->natoms + 1) * sizeof(*x->atoms_scratch));
    x->weight = nv_xmalloc((x->ncls + 1) * sizeof(*x->weight));
    x->stamp_eg = nv_xcalloc(x->ncls + 1, sizeof(*x->stamp_eg));
    x->teg = nv_xmalloc((x->ncls + 1) * sizeof(*x->teg));
    x->touched_ns = nv_xmalloc((m->nns + 1) * sizeof(*x->touched_ns));
    x->ns_touched = nv_xcalloc(m->nns + 1, 1);
    /* classes are numbered namespace by namespace (nv_model_finish) */
    for (i = 0; i < x->ncls; i++) {
        unsigned ns = m->classes[i].ns;
        if (!x->ns_n[ns]++)
            x->ns_first[ns] = i;
        if (i && m->classes[i - 1].ns > ns)
            NV_BUG("classes are not ordered by namespace");
    }
    x->unit_weights = 1;
    for (i = 0; i < x->ncls; i++) {
        x->weight[i] = (uint32_t)m->classes[i].nworkloads;
        if (x->weight[i] != 1)
            x->unit_weights = 0;
    }
    nv_port_signatures(x);
    for (i = 0; i < m->npolicies; i++)
        nrules += m->policies[i]->nrules[0] + m->policies[i]->nrules[1];
    x->rules = nv_xcalloc(nrules + 1, sizeof(*x->rules));
    for (i = 0; i < m->npolicies; i++)
        nv_index_policy(x, m->policies[i]);
    /* per class, the peer sets that hold it and are used by some ingress rule */
    x->cls_psets = nv_xcalloc(x->ncls + 1, sizeof(*x->cls_psets));
    for (i = 0; i < x->npsets; i++) {
        size_t e;
        if (!x->psets[i].in_rules.n)
            continue;
        for (e = 0; e < x->psets[i].nmembers; e++)
            nv_u32s_push(&x->cls_psets[x->psets[i].members[e]], (uint32_t)i);
    }
    nv_make_base(x);
    return x;
}

void nv_matrix_free(struct nv_matrix *x)
{
    size_t i;
    int dir;

    if (!x)
        return;
    /* the engine owns what it attached to the model */
    for (i = 0; i < x->m->npolicies; i++) {
        struct nv_policy *p = x->m->policies[i];
        size_t r, k;
        free(p->selected);
        p->selected = NULL;
        p->nselected = 0;
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++)
                for (k = 0; k < p->rules[dir][r].npeers; k++) {
                    p->rules[dir][r].peers[k].members = NULL;
                    p->rules[dir][r].peers[k].nmembers = 0;
                }
    }
    for (i = 0; i < x->natomlists; i++)
        free(x->atom_lists[i]);
    free(x->atom_lists);
    for (i = 0; i < x->npsets; i++) {
        free(x->psets[i].bits);
        free(x->psets[i].members);
        free(x->psets[i].in_rules.v);
    }
    free(x->psets);
    free(x->psetindex);
    for (i = 0; i < x->nrules; i++) {
        free(x->rules[i].psets.v);
        free(x->rules[i].eff);
        free(x->rules[i].cache);
    }
    for (i = 0; i < x->ncls; i++) {
        free(x->in_rules[i].v);
        free(x->out_rules[i].v);
        free(x->cls_psets[i].v);
    }
    free(x->cls_psets);
    free(x->rules);
    free(x->portsig);
    free(x->open_in.v);
    free(x->in_rules);
    free(x->out_rules);
    free(x->ns_first);
    free(x->ns_n);
    free(x->iso);
    free(x->egr);
    free(x->ing);
    free(x->res);
    free(x->atoms_scratch);
    free(x->weight);
    free(x->base);
    free(x->rowbits);
    free(x->base_count);
    free(x->stamp_eg);
    free(x->teg);
    free(x->touched_ns);
    free(x->ns_touched);
    free(x);
}

struct nv_model *nv_matrix_model(const struct nv_matrix *x)
{
    return x->m;
}

int nv_matrix_isolated(const struct nv_matrix *x, uint32_t cls, int dir)
{
    return (x->iso[cls] & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)) != 0;
}

static uint32_t nv_resolve_named(struct nv_matrix *x, const struct nv_rule *r, uint32_t dst)
{
    return nv_model_ports(x->m, r->ports, r->nports, dst);
}

uint32_t nv_matrix_rule_ports(struct nv_matrix *x, const struct nv_rule *r, uint32_t dst)
{
    struct nv_ruleinfo *ri;
    uint32_t sig;

    if (!r->has_named)
        return r->numeric;
    ri = r->engine_index < x->nrules ? &x->rules[r->engine_index] : NULL;
    if (!ri || ri->r != r || !x->portsig || (sig = x->portsig[dst]) >= NV_MAX_PORTSIGS)
        return nv_resolve_named(x, r, dst);
    if (!ri->cache) {
        ri->cache = nv_xmalloc(x->nportsigs * sizeof(*ri->cache));
        memset(ri->cache, 0xff, x->nportsigs * sizeof(*ri->cache));
    }
    if (ri->cache[sig] == UINT32_MAX)
        ri->cache[sig] = nv_resolve_named(x, r, dst);
    return ri->cache[sig];
}

uint32_t nv_matrix_rule_ports_ext(const struct nv_rule *r)
{
    return r->numeric;
}

/* ---- rows ---- */

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
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
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

/* Egress of s toward every class, into x->egr. */
static void nv_egress_row(struct nv_matrix *x, uint32_t s)
{
    struct nv_ports *pt = &x->m->ports;
    size_t d, i, k, e;

    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        for (d = 0; d < x->ncls; d++)
            x->egr[d] = NV_PORTS_ALL;
        return;
    }
    memset(x->egr, 0, x->ncls * sizeof(*x->egr));
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        if (r->all_peers) {
            for (d = 0; d < x->ncls; d++)
                x->egr[d] = nv_ports_union(pt, x->egr[d], NV_RULE_PORTS(x, r, (uint32_t)d));
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

/* Add what ingress rule ri admits from the source to every class it selects. */
static void nv_ingress_rule(struct nv_matrix *x, const struct nv_ruleinfo *ri)
{
    const struct nv_policy *pol = ri->r->policy;
    struct nv_ports *pt = &x->m->ports;
    size_t e;

    for (e = 0; e < pol->nselected; e++) {
        uint32_t dc = pol->selected[e];
        x->ing[dc] = nv_ports_union(pt, x->ing[dc], NV_RULE_PORTS(x, ri->r, dc));
    }
}

/* Row of one class over classes (into x->res) and atoms (into to_atoms, if given). */
static void nv_class_row(struct nv_matrix *x, uint32_t s, uint32_t *to_atoms)
{
    struct nv_ports *pt = &x->m->ports;
    size_t d, i, k;

    if (to_atoms)
        nv_matrix_to_atoms(x, s, to_atoms);
    nv_egress_row(x, s);
    for (d = 0; d < x->ncls; d++)
        x->ing[d] = (x->iso[d] & NV_TYPE_INGRESS) ? NV_PORTS_NONE : NV_PORTS_ALL;
    for (i = 0; i < x->open_in.n; i++)
        nv_ingress_rule(x, &x->rules[x->open_in.v[i]]);
    for (i = 0; i < x->cls_psets[s].n; i++) {
        const struct nv_pset *ps = &x->psets[x->cls_psets[s].v[i]];
        for (k = 0; k < ps->in_rules.n; k++)
            nv_ingress_rule(x, &x->rules[ps->in_rules.v[k]]);
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
            const struct nv_rule *r = x->rules[x->in_rules[d].v[j]].r;
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

/* ---- counting ---- */

long long nv_matrix_base_count(const struct nv_matrix *x, unsigned ns)
{
    return x->base_count[ns];
}

/* Weighted number of set bits of x->rowbits among namespace ns's classes. */
static long long nv_block_count(const struct nv_matrix *x, const uint64_t *bits, unsigned ns)
{
    size_t first = x->ns_first[ns], end = first + x->ns_n[ns], i;
    long long n = 0;

    if (!x->unit_weights) {
        for (i = first; i < end; i++)
            if (NV_BIT(bits, i))
                n += x->weight[i];
        return n;
    }
    for (i = first; i < end;) {
        size_t w = i >> 6, lo = i & 63, hi = end - (w << 6) < 64 ? end - (w << 6) : 64;
        uint64_t word = bits[w] >> lo;
        if (hi - lo < 64)
            word &= ((uint64_t)1 << (hi - lo)) - 1;
        n += __builtin_popcountll(word);
        i = (w << 6) + hi;
    }
    return n;
}

/* Whether ingress rule ri admits source class s through one of its pod peers. */
static int nv_rule_admits(const struct nv_matrix *x, const struct nv_ruleinfo *ri, uint32_t s)
{
    size_t k;

    if (ri->r->all_peers)
        return 1;
    for (k = 0; k < ri->psets.n; k++)
        if (NV_BIT(x->psets[ri->psets.v[k]].bits, s))
            return 1;
    return 0;
}

static void nv_count_open(struct nv_matrix *x, uint32_t s, long long w, long long *acc)
{
    size_t i, k, j, ntouched = 0;
    unsigned self_ns = x->m->classes[s].ns;
    int self;

    for (i = 0; i < x->cls_psets[s].n; i++) {
        const struct nv_pset *ps = &x->psets[x->cls_psets[s].v[i]];
        for (k = 0; k < ps->in_rules.n; k++) {
            const struct nv_ruleinfo *ri = &x->rules[ps->in_rules.v[k]];
            unsigned ns = ri->r->policy->nsidx;
            if (!ri->eff)
                continue;
            if (!x->ns_touched[ns]) {
                x->ns_touched[ns] = 1;
                x->touched_ns[ntouched++] = ns;
            }
            for (j = 0; j < ri->eff_n; j++)
                x->rowbits[ri->eff_off + j] |= ri->eff[j];
        }
    }
    self = NV_BIT(x->rowbits, s);
    for (i = 0; i < ntouched; i++) {
        unsigned ns = x->touched_ns[i];
        acc[ns] += w * (nv_block_count(x, x->rowbits, ns) - x->base_count[ns]);
    }
    /* restore the row bits to the base, after every block was counted */
    for (i = 0; i < ntouched; i++) {
        unsigned ns = x->touched_ns[i];
        size_t first = x->ns_first[ns], n = x->ns_n[ns];
        x->ns_touched[ns] = 0;
        if (n)
            memcpy(x->rowbits + (first >> 6), x->base + (first >> 6),
                   (((first + n - 1) >> 6) - (first >> 6) + 1) * sizeof(*x->base));
    }
    if (self)
        acc[self_ns] -= w; /* a workload does not reach itself */
}

static void nv_count_isolated(struct nv_matrix *x, uint32_t s, long long w, long long *acc)
{
    struct nv_ports *pt = &x->m->ports;
    size_t i, k, e, d;

    if (++x->stamp == 0) {
        memset(x->stamp_eg, 0, x->ncls * sizeof(*x->stamp_eg));
        x->stamp = 1;
    }
    x->nteg = 0;
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        for (k = 0; k < (r->all_peers ? 1 : r->npeers); k++) {
            const struct nv_peer *p = r->all_peers ? NULL : &r->peers[k];
            size_t n = p ? p->nmembers : x->ncls;
            if (p && p->kind != NV_PEER_PODS)
                continue;
            for (e = 0; e < n; e++) {
                uint32_t dc = p ? p->members[e] : (uint32_t)e;
                if (x->stamp_eg[dc] != x->stamp) {
                    x->stamp_eg[dc] = x->stamp;
                    x->egr[dc] = NV_PORTS_NONE;
                    x->teg[x->nteg++] = dc;
                }
                x->egr[dc] = nv_ports_union(pt, x->egr[dc], NV_RULE_PORTS(x, r, dc));
            }
        }
    }
    for (i = 0; i < x->nteg; i++) {
        uint32_t dc = x->teg[i], in = NV_PORTS_ALL;
        if (x->egr[dc] == NV_PORTS_NONE)
            continue;
        if (x->iso[dc] & NV_TYPE_INGRESS) {
            in = NV_PORTS_NONE;
            for (d = 0; d < x->in_rules[dc].n; d++) {
                const struct nv_ruleinfo *ri = &x->rules[x->in_rules[dc].v[d]];
                if (nv_rule_admits(x, ri, s))
                    in = nv_ports_union(pt, in, NV_RULE_PORTS(x, ri->r, dc));
            }
        }
        if (nv_ports_inter(pt, x->egr[dc], in) == NV_PORTS_NONE)
            continue;
        acc[x->m->classes[dc].ns] += w * x->weight[dc] - (dc == s ? w : 0);
    }
}

int nv_matrix_count_row(struct nv_matrix *x, uint32_t s, long long w, long long *acc)
{
    if (x->iso[s] & NV_TYPE_EGRESS) {
        nv_count_isolated(x, s, w, acc);
        return 0;
    }
    nv_count_open(x, s, w, acc);
    return 1;
}
