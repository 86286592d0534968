/*
 * matrix_tier.c - the cluster policy tiers in the matrix engine: per tiered
 * rule, whether its peers hold each class and atom; per class, the Admin and
 * Baseline policies selecting it; the orders the plugin may put policies of
 * one priority in; and the walk of one direction of a flow through them over
 * port sets. matrix.c gives it the NetworkPolicies' answer (matrix_int.h).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "netverify/ip.h"
#include "netverify/model.h"
#include "netverify/policy.h"
#include "netverify/port.h"
#include "netverify/selector.h"

#include "matrix_int.h"

/*
 * The cluster tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy; policy.h) decide each direction of a flow before and
 * after the NetworkPolicies: the Admin tier's policies in order, rules in
 * order, the first matching rule deciding (Allow, Deny, or Pass to the next
 * tier); then the NetworkPolicies when one isolates the pod for that
 * direction, else the Baseline tier; then allowed. The walk is over port
 * sets: what each outcome may get (docs/semantics.md, "Policy tiers").
 *
 * What is not known exactly widens the outcomes a port may get, never
 * narrows them: a peer that may or may not hold the other end (a 'networks'
 * CIDR holding part of the pod addresses, a 'nodes' peer without Node
 * objects, 'domainNames'). What every such case allows is 'sure', what some
 * allows 'poss', as for the behaviours and addresses the rest of the engine
 * decides under.
 *
 * Policies of one tier at one priority, and the BaselineAdminNetworkPolicy
 * against Baseline ClusterNetworkPolicies, come in an order the plugin picks:
 * the engine decides every flow under each such order (at most
 * NV_TIER_MAX_ORDERS; the plugin picks one for every flow, so a flow is
 * allowed under some order when both its directions are under that one). With
 * more orders than that, a tie is walked with each policy possibly first, per
 * port and direction: wider, never narrower.
 */
#define NV_TIER_MAX_ORDERS 64
#define NV_MATCH_NO 0
#define NV_MATCH_MAYBE 1
#define NV_MATCH_SURE 2

/* One rule of a tiered policy: whether its peers hold each class and atom. */
struct nv_trule {
    const struct nv_rule *r;
    unsigned char *cm; /* per class and family, [2 * cls + fam] */
    unsigned char *am; /* per atom */
    uint32_t *cache;   /* named ports by port signature, UINT32_MAX = not yet */
};

struct nv_tpol {
    const struct nv_policy *p;
    struct nv_trule *rules[2]; /* by enum nv_dir */
};

struct nv_tiers {
    const struct nv_model *m;
    size_t natoms;
    const uint32_t *portsig; /* per class: its port signature (the engine's), for the caches */
    size_t npol;
    struct nv_tpol *pol;    /* model.tiered, in its order */
    struct nv_u32s *admin;  /* per class: the Admin tier policies selecting it, in order */
    struct nv_u32s *base;   /* per class: the Baseline tier policies selecting it, in order */
    struct nv_u32s *base2;  /* per class: the same with the BaselineAdminNetworkPolicy first
                             * (n == 0 when that order is the same) */
    size_t ncls, nportsigs; /* for the caches */
    /* the orders the plugin may pick (0: too many, ties widened): per order, each
     * policy's rank among those of its tier and priority, and where the
     * BaselineAdminNetworkPolicy goes (1: first) */
    size_t norders;
    uint32_t *rank; /* [order * npol + policy] */
    unsigned char banp_first[NV_TIER_MAX_ORDERS];
};

/* Whether policy p (of the tiers) selects class c: never a hostNetwork pod. */
static int nv_tier_selects(const struct nv_model *m, const struct nv_policy *p, size_t c)
{
    const struct nv_class *k = &m->classes[c];

    return !k->hostnet && nv_selector_matches_interned(p->subject_ns, &m->ns[k->ns].labels) &&
           nv_selector_matches_interned(p->subject, &k->labels);
}

/* Whether a 'namespaces' or 'pods' peer of the tiers holds class c: never a hostNetwork pod. */
static int nv_tier_peer_holds(const struct nv_model *m, const struct nv_peer *p, size_t c)
{
    const struct nv_class *k = &m->classes[c];

    return !k->hostnet && nv_selector_matches_interned(p->ns_sel, &m->ns[k->ns].labels) &&
           (!p->pod_sel || nv_selector_matches_interned(p->pod_sel, &k->labels));
}

/* How many Node objects a 'nodes' peer selects. */
static size_t nv_tier_nodes(const struct nv_model *m, const struct nv_peer *p)
{
    size_t i, n = 0;

    for (i = 0; i < m->nnodes; i++)
        n += nv_selector_matches(p->node_sel, &m->nodes[i].labels) != 0;
    return n;
}

/* Whether atom a holds an address of a Node that 'nodes' peer p selects. */
static int nv_tier_node_atom(const struct nv_model *m, const struct nv_peer *p, size_t a)
{
    size_t i, j;
    struct nv_iprange r = nv_atoms_range(&m->atoms, a);

    for (i = 0; i < m->nnodes; i++)
        for (j = 0; j < m->nodes[i].naddrs; j++)
            if (nv_iprange_has(&r, &m->nodes[i].addrs[j]) &&
                nv_selector_matches(p->node_sel, &m->nodes[i].labels))
                return 1;
    return 0;
}

static void nv_tier_rule_build(const struct nv_tiers *t, struct nv_trule *tr)
{
    const struct nv_model *m = t->m;
    const struct nv_rule *r = tr->r;
    unsigned char dommatch[2][2]; /* by (domain is the node's, family) */
    unsigned char nodematch = NV_MATCH_NO;
    size_t c, a, k;
    int dom, f, ipb = 0;

    tr->cm = nv_xcalloc(2 * t->ncls + 1, 1);
    tr->am = nv_xcalloc(t->natoms + 1, 1);
    for (k = 0; k < r->npeers; k++) {
        const struct nv_peer *p = &r->peers[k];
        if (p->kind == NV_PEER_IPBLOCK)
            ipb = 1;
        if (p->kind == NV_PEER_NODES) {
            size_t n = nv_tier_nodes(m, p);
            unsigned char st = !m->nnodes       ? NV_MATCH_MAYBE
                               : n == m->nnodes ? NV_MATCH_SURE
                               : n              ? NV_MATCH_MAYBE
                                                : NV_MATCH_NO;
            if (st > nodematch)
                nodematch = st;
        }
        for (a = 0; a < t->natoms; a++) {
            unsigned char st = NV_MATCH_NO;
            if (p->kind == NV_PEER_IPBLOCK && nv_iprange_has(&p->cidr, &m->atoms.cuts[a]))
                st = NV_MATCH_SURE;
            else if (p->kind == NV_PEER_NODES)
                st = m->nnodes ? (nv_tier_node_atom(m, p, a) ? NV_MATCH_SURE : NV_MATCH_NO)
                               : ((m->atomdom[a] & NV_DOM_NODE) ? NV_MATCH_MAYBE : NV_MATCH_NO);
            else if (p->kind == NV_PEER_DOMAINS)
                st = NV_MATCH_MAYBE;
            if (st > tr->am[a])
                tr->am[a] = st;
        }
    }
    /* a 'networks' peer holds a pod when its address is in it: every address of the pod's
     * domain and family is (sure), some is (maybe) */
    for (dom = 0; dom < 2; dom++)
        for (f = 0; f < 2; f++) {
            size_t tot = 0, in = 0;
            for (a = 0; ipb && a < t->natoms; a++) {
                if (!(m->atomdom[a] & (dom ? NV_DOM_NODE : NV_DOM_POD)) ||
                    m->atoms.cuts[a].fam != f)
                    continue;
                tot++;
                for (k = 0; k < r->npeers; k++)
                    if (r->peers[k].kind == NV_PEER_IPBLOCK &&
                        nv_iprange_has(&r->peers[k].cidr, &m->atoms.cuts[a])) {
                        in++;
                        break;
                    }
            }
            dommatch[dom][f] = !in ? NV_MATCH_NO : in == tot ? NV_MATCH_SURE : NV_MATCH_MAYBE;
        }
    for (c = 0; c < t->ncls; c++) {
        int hn = m->classes[c].hostnet;
        unsigned char held = NV_MATCH_NO;
        for (k = 0; k < r->npeers && held != NV_MATCH_SURE; k++)
            if (r->peers[k].kind == NV_PEER_PODS && nv_tier_peer_holds(m, &r->peers[k], c))
                held = NV_MATCH_SURE;
        for (f = 0; f < 2; f++) {
            unsigned char st = held;
            if (ipb && dommatch[hn][f] > st)
                st = dommatch[hn][f];
            if (hn && nodematch > st)
                st = nodematch;
            tr->cm[2 * c + (size_t)f] = st;
        }
    }
}

/* k! for small k, or more than NV_TIER_MAX_ORDERS. */
static size_t nv_matrix_factorial(size_t k)
{
    size_t f = 1;

    while (k > 1 && f <= NV_TIER_MAX_ORDERS)
        f *= k--;
    return f;
}

/*
 * Number the orders the plugin may pick: every permutation of every group of
 * policies sharing a tier and a priority, times the two places of the
 * BaselineAdminNetworkPolicy when a Baseline ClusterNetworkPolicy exists.
 */
static void nv_tier_orders(struct nv_tiers *t)
{
    size_t i, j, k, o, n = 1, radix;
    int banp = 0, cnpb = 0;

    for (i = 0; i < t->npol; i++) {
        banp |= t->pol[i].p->kind == NV_POLICY_BANP;
        cnpb |= t->pol[i].p->kind == NV_POLICY_CNP && t->pol[i].p->tier == NV_TIER_BASELINE;
    }
    if (banp && cnpb)
        n = 2;
    for (i = 0; i < t->npol && n <= NV_TIER_MAX_ORDERS; i = j) {
        for (j = i + 1; j < t->npol && t->pol[j].p->tier == t->pol[i].p->tier &&
                        t->pol[j].p->priority == t->pol[i].p->priority;
             j++)
            ;
        n *= nv_matrix_factorial(j - i);
    }
    if (n > NV_TIER_MAX_ORDERS) {
        t->norders = 0;
        return;
    }
    t->norders = n;
    t->rank = nv_xcalloc(n * t->npol + 1, sizeof(*t->rank));
    for (o = 0; o < n; o++) {
        size_t code = o;
        if (banp && cnpb) {
            t->banp_first[o] = (unsigned char)(code & 1);
            code >>= 1;
        }
        for (i = 0; i < t->npol; i = j) {
            uint32_t pool[8];
            size_t g;
            for (j = i + 1; j < t->npol && t->pol[j].p->tier == t->pol[i].p->tier &&
                            t->pol[j].p->priority == t->pol[i].p->priority;
                 j++)
                ;
            g = j - i; /* at most 4 here: 5! is more than the orders allowed */
            for (k = 0; k < g; k++)
                pool[k] = (uint32_t)k;
            /* the code's digits pick the permutation (Lehmer code) */
            for (k = 0; k < g; k++) {
                size_t left = g - k, pick;
                radix = left;
                pick = code % radix;
                code /= radix;
                t->rank[o * t->npol + i + pool[pick]] = (uint32_t)k;
                memmove(&pool[pick], &pool[pick + 1], (left - pick - 1) * sizeof(pool[0]));
            }
        }
    }
}

struct nv_tiers *nv_tiers_new(const struct nv_model *m, const uint32_t *portsig, size_t nportsigs)
{
    struct nv_tiers *t = nv_xcalloc(1, sizeof(*t));
    size_t i, c, r;
    int dir;

    t->m = m;
    t->natoms = m->atoms.n;
    t->portsig = portsig;
    t->npol = m->ntiered;
    t->ncls = m->nclasses;
    t->nportsigs = nportsigs;
    t->pol = nv_xcalloc(t->npol + 1, sizeof(*t->pol));
    t->admin = nv_xcalloc(t->ncls + 1, sizeof(*t->admin));
    t->base = nv_xcalloc(t->ncls + 1, sizeof(*t->base));
    t->base2 = nv_xcalloc(t->ncls + 1, sizeof(*t->base2));
    for (i = 0; i < t->npol; i++) {
        const struct nv_policy *p = m->tiered[i];
        t->pol[i].p = p;
        for (dir = 0; dir < 2; dir++) {
            t->pol[i].rules[dir] = nv_xcalloc(p->nrules[dir] + 1, sizeof(struct nv_trule));
            for (r = 0; r < p->nrules[dir]; r++) {
                t->pol[i].rules[dir][r].r = &p->rules[dir][r];
                nv_tier_rule_build(t, &t->pol[i].rules[dir][r]);
            }
        }
        for (c = 0; c < t->ncls; c++)
            if (nv_tier_selects(m, p, c))
                nv_u32s_push(p->tier == NV_TIER_ADMIN ? &t->admin[c] : &t->base[c], (uint32_t)i);
    }
    /* no API orders the BaselineAdminNetworkPolicy against Baseline ClusterNetworkPolicies:
     * it comes last (model order) or first, and a verdict the two orders disagree on is the
     * plugin's */
    for (c = 0; c < t->ncls; c++) {
        const struct nv_u32s *b = &t->base[c];
        if (b->n < 2 || t->pol[b->v[b->n - 1]].p->kind != NV_POLICY_BANP)
            continue;
        nv_u32s_push(&t->base2[c], b->v[b->n - 1]);
        for (i = 0; i + 1 < b->n; i++)
            nv_u32s_push(&t->base2[c], b->v[i]);
    }
    nv_tier_orders(t);
    return t;
}

void nv_tiers_free(struct nv_tiers *t)
{
    size_t i, r, c;
    int dir;

    if (!t)
        return;
    for (i = 0; i < t->npol; i++)
        for (dir = 0; dir < 2; dir++) {
            for (r = 0; r < t->pol[i].p->nrules[dir]; r++) {
                free(t->pol[i].rules[dir][r].cm);
                free(t->pol[i].rules[dir][r].am);
                free(t->pol[i].rules[dir][r].cache);
            }
            free(t->pol[i].rules[dir]);
        }
    for (c = 0; c < t->ncls; c++) {
        free(t->admin[c].v);
        free(t->base[c].v);
        free(t->base2[c].v);
    }
    free(t->admin);
    free(t->base);
    free(t->base2);
    free(t->pol);
    free(t->rank);
    free(t);
}

/* What a tier rule's ports are toward dst. */
static uint32_t nv_trule_ports(const struct nv_tiers *t, struct nv_trule *tr, uint32_t dst)
{
    const struct nv_rule *r = tr->r;
    uint32_t sig;

    if (r->fail_closed || r->all_ports)
        return NV_PORTS_ALL;
    if (!r->has_named || dst == UINT32_MAX)
        return r->numeric;
    sig = t->portsig[dst];
    if (sig >= NV_MAX_PORTSIGS || !t->nportsigs)
        return nv_model_ports(t->m, r->ports, r->nports, dst);
    if (!tr->cache) {
        tr->cache = nv_xmalloc(t->nportsigs * sizeof(*tr->cache));
        memset(tr->cache, 0xff, t->nportsigs * sizeof(*tr->cache));
    }
    if (tr->cache[sig] == UINT32_MAX)
        tr->cache[sig] = nv_model_ports(t->m, r->ports, r->nports, dst);
    return tr->cache[sig];
}

/* The ports each outcome may get: allowed, denied, passed on (or left unmatched). */
struct nv_tout {
    uint32_t a, d, n;
};

/* One policy's rules of direction dir over the ports u still undecided; what may stay so. */
static uint32_t nv_tier_policy(const struct nv_tiers *t, const struct nv_tpol *tp, int dir,
                               const struct nv_tctx *c, uint32_t u, struct nv_tout *o)
{
    struct nv_ports *pt = t->m->ports;
    size_t i;

    for (i = 0; i < tp->p->nrules[dir] && u != NV_PORTS_NONE; i++) {
        struct nv_trule *tr = &tp->rules[dir][i];
        const struct nv_rule *r = tr->r;
        unsigned char st = r->fail_closed         ? NV_MATCH_SURE
                           : c->cls != UINT32_MAX ? tr->cm[2 * (size_t)c->cls + (size_t)c->fam]
                                                  : tr->am[c->atom];
        enum nv_action act = r->fail_closed ? NV_ACTION_DENY : r->action;
        uint32_t p, hit, *to;
        if (st == NV_MATCH_NO)
            continue;
        p = nv_trule_ports(t, tr, c->dst);
        hit = nv_ports_inter(pt, u, p);
        if (hit == NV_PORTS_NONE)
            continue;
        to = act == NV_ACTION_ALLOW ? &o->a : act == NV_ACTION_DENY ? &o->d : &o->n;
        *to = nv_ports_union(pt, *to, hit);
        if (st == NV_MATCH_SURE)
            u = nv_ports_minus(pt, u, p);
    }
    return u;
}

/*
 * One tier: the policies idx[0..n) in order, those of one priority in the
 * plugin's order 'ord' (an index below t->norders), or each possibly
 * first when there is no such index (ord == SIZE_MAX).
 */
static void nv_tier_walk(const struct nv_tiers *t, size_t ord, const uint32_t *idx, size_t n,
                         int dir, const struct nv_tctx *c, struct nv_tout *o)
{
    struct nv_ports *pt = t->m->ports;
    uint32_t u = NV_PORTS_ALL;
    size_t i = 0, j, k;

    o->a = o->d = o->n = NV_PORTS_NONE;
    while (i < n && u != NV_PORTS_NONE) {
        const struct nv_policy *p = t->pol[idx[i]].p;
        for (j = i + 1; j < n && t->pol[idx[j]].p->tier == p->tier &&
                        t->pol[idx[j]].p->priority == p->priority;
             j++)
            ;
        if (j == i + 1) {
            u = nv_tier_policy(t, &t->pol[idx[i]], dir, c, u, o);
        } else if (ord != SIZE_MAX) {
            /* the order's ranks: a group holds at most 4 policies (nv_tier_orders) */
            uint32_t g[8];
            size_t ng = 0, a, b;
            for (k = i; k < j && ng < 8; k++)
                g[ng++] = idx[k];
            for (a = 1; a < ng; a++)
                for (b = a;
                     b > 0 && t->rank[ord * t->npol + g[b]] < t->rank[ord * t->npol + g[b - 1]];
                     b--) {
                    uint32_t tmp = g[b];
                    g[b] = g[b - 1];
                    g[b - 1] = tmp;
                }
            for (a = 0; a < ng; a++)
                u = nv_tier_policy(t, &t->pol[g[a]], dir, c, u, o);
        } else {
            /* a tie: each policy may come first; a port stays undecided only if every one
             * may leave it so */
            uint32_t left = NV_PORTS_ALL;
            for (k = i; k < j; k++)
                left = nv_ports_inter(pt, left, nv_tier_policy(t, &t->pol[idx[k]], dir, c, u, o));
            u = left;
        }
        i = j;
    }
    o->n = nv_ports_union(pt, o->n, u);
}

void nv_tier_dir(const struct nv_tiers *t, size_t ord, uint32_t subj, int dir,
                 const struct nv_tctx *c, int np_iso, uint32_t np_poss, uint32_t np_sure,
                 uint32_t *allow, uint32_t *deny)
{
    struct nv_ports *pt = t->m->ports;
    const struct nv_u32s *adm = &t->admin[subj];
    struct nv_tout a, b;
    uint32_t na, nd;

    nv_tier_walk(t, ord, adm->v, adm->n, dir, c, &a);
    if (a.n == NV_PORTS_NONE) {
        *allow = a.a;
        *deny = a.d;
        return;
    }
    if (np_iso) {
        na = np_poss;
        nd = nv_ports_minus(pt, NV_PORTS_ALL, np_sure);
    } else {
        const struct nv_u32s *base = &t->base[subj], *alt = &t->base2[subj];
        if (alt->n && ord != SIZE_MAX && t->banp_first[ord])
            base = alt;
        nv_tier_walk(t, ord, base->v, base->n, dir, c, &b);
        if (alt->n && ord == SIZE_MAX) {
            struct nv_tout b2;
            nv_tier_walk(t, ord, alt->v, alt->n, dir, c, &b2);
            b.a = nv_ports_union(pt, b.a, b2.a);
            b.d = nv_ports_union(pt, b.d, b2.d);
            b.n = nv_ports_union(pt, b.n, b2.n);
        }
        na = nv_ports_union(pt, b.a, b.n);
        nd = b.d;
    }
    *allow = nv_ports_union(pt, a.a, nv_ports_inter(pt, a.n, na));
    *deny = nv_ports_union(pt, a.d, nv_ports_inter(pt, a.n, nd));
}

size_t nv_tiers_npass(const struct nv_tiers *t)
{
    return t->norders ? t->norders : 1;
}

size_t nv_tiers_ord(const struct nv_tiers *t, size_t o)
{
    return t->norders ? o : SIZE_MAX;
}
