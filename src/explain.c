/*
 * explain.c - the rules behind one flow, evaluated from the policies, under
 * one combination of the network plugin's behaviours (nv_explain(), which
 * counterexamples, diff and 'netverify explain' share), and the placing of a
 * witness's pods at addresses that make it the flow the engines found.
 * 'netverify explain' itself is explain_ends.c (its ends and ports) and
 * explain_walk.c (the walk, rule by rule, into report items).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/explain.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/claim.h"
#include "netverify/endpoint.h"
#include "netverify/matrix.h"
#include "netverify/report.h"

/* Whether end e is a hostNetwork pod the plugin treats as its node under c. */
static int nv_is_node(const struct nv_model *m, const struct nv_end *e, const struct nv_combo *c)
{
    return !e->external && m->classes[e->cls].hostnet && c->v[NV_B_HOSTNET] == NV_HOSTNET_NODE;
}

/* Whether address a is in ipBlock p: its cidr, none of its excepts. */
static int nv_ipblock_holds(const struct nv_peer *p, const struct nv_ip *a)
{
    size_t i;

    if (!nv_iprange_has(&p->cidr, a))
        return 0;
    for (i = 0; i < p->nexcept; i++)
        if (nv_iprange_has(&p->except[i], a))
            return 0;
    return 1;
}

int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e, const struct nv_combo *c)
{
    struct nv_combo first[NV_MAX_COMBOS];

    if (!c) {
        nv_model_combos(m, first);
        c = &first[0];
    }
    if (p->kind == NV_PEER_IPBLOCK) {
        /* a pod's (or node's) address counts only when the plugin matches it */
        if (!e->external && (!e->has_ip || c->v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS))
            return 0;
        return nv_ipblock_holds(p, &e->ip);
    }
    if (e->external || nv_is_node(m, e, c))
        return 0;
    if (p->ns_sel ? !nv_selector_matches(p->ns_sel, &m->ns[m->classes[e->cls].ns].labels)
                  : m->classes[e->cls].ns != pol->nsidx)
        return 0;
    return !p->pod_sel || nv_selector_matches(p->pod_sel, &m->classes[e->cls].labels);
}

uint32_t nv_explain_rule_ports(const struct nv_model *m, const struct nv_rule *r,
                               const struct nv_end *d)
{
    if (r->all_ports)
        return NV_PORTS_ALL;
    return nv_model_ports(m, r->ports, r->nports, d->external ? UINT32_MAX : d->cls);
}

int nv_explain_tier_subject(const struct nv_model *m, const struct nv_policy *pol,
                            const struct nv_end *e)
{
    const struct nv_class *k;

    if (e->external)
        return 0;
    k = &m->classes[e->cls];
    return !k->hostnet && nv_selector_matches(pol->subject_ns, &m->ns[k->ns].labels) &&
           nv_selector_matches(pol->subject, &k->labels);
}

/* How many Node objects 'nodes' peer p selects. */
static size_t nv_nodes_selected(const struct nv_model *m, const struct nv_peer *p)
{
    size_t i, n = 0;

    for (i = 0; i < m->nnodes; i++)
        n += nv_selector_matches(p->node_sel, &m->nodes[i].labels) != 0;
    return n;
}

int nv_explain_maybe_peer(const struct nv_model *m, const struct nv_peer *p)
{
    size_t i, r, k, n;
    int dir, idx = 0;

    for (i = 0; i < m->ntiered; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->tiered[i]->nrules[dir]; r++)
                for (k = 0; k < m->tiered[i]->rules[dir][r].npeers; k++) {
                    const struct nv_peer *q = &m->tiered[i]->rules[dir][r].peers[k];
                    if (q->kind == NV_PEER_DOMAINS ||
                        (q->kind == NV_PEER_NODES &&
                         (!m->nnodes || ((n = nv_nodes_selected(m, q)) && n < m->nnodes)))) {
                        if (q == p)
                            return idx;
                        idx++;
                    }
                }
    return p ? -1 : idx;
}

/* Whether the undecidable peer p holds an end, as combination c has it. */
static int nv_maybe(const struct nv_model *m, const struct nv_peer *p, const struct nv_combo *c)
{
    int i = nv_explain_maybe_peer(m, p);

    return i >= 0 && i < 32 && c && (c->maybe >> i & 1);
}

int nv_explain_tier_peer(const struct nv_model *m, const struct nv_peer *p, const struct nv_end *e,
                         const struct nv_combo *c)
{
    size_t i, j;

    switch (p->kind) {
    case NV_PEER_PODS: {
        const struct nv_class *k;
        if (e->external)
            return 0;
        k = &m->classes[e->cls];
        return !k->hostnet && nv_selector_matches(p->ns_sel, &m->ns[k->ns].labels) &&
               (!p->pod_sel || nv_selector_matches(p->pod_sel, &k->labels));
    }
    case NV_PEER_IPBLOCK:
        /* every address in it, a pod's (or its node's) too */
        if (!e->external && !e->has_ip)
            return 0;
        return nv_ipblock_holds(p, &e->ip);
    case NV_PEER_NODES:
        if (!e->external) {
            /* a hostNetwork pod, on one of the nodes: which one is not known */
            size_t n = nv_nodes_selected(m, p);
            if (!m->classes[e->cls].hostnet || (m->nnodes && !n))
                return 0;
            return (m->nnodes && n == m->nnodes) || nv_maybe(m, p, c);
        }
        if (!m->nnodes) {
            size_t a = nv_atoms_find(&m->atoms, &e->ip);
            return a < m->atoms.n && (m->atomdom[a] & NV_DOM_NODE) && nv_maybe(m, p, c);
        }
        for (i = 0; i < m->nnodes; i++)
            if (nv_selector_matches(p->node_sel, &m->nodes[i].labels))
                for (j = 0; j < m->nodes[i].naddrs; j++)
                    if (!nv_ip_cmp(&m->nodes[i].addrs[j], &e->ip))
                        return 1;
        return 0;
    case NV_PEER_DOMAINS:
        return e->external && nv_maybe(m, p, c); /* what DNS answers */
    default:
        return 0;
    }
}

const struct nv_tstep *nv_side_step(const struct nv_model *m, const struct nv_side *s,
                                    enum nv_tier tier, enum nv_proto proto, unsigned port)
{
    size_t i;

    for (i = 0; i < s->nsteps; i++)
        if (s->steps[i].policy->tier == tier &&
            nv_ports_contains(m->ports, s->steps[i].ports, proto, port))
            return &s->steps[i];
    return NULL;
}

/* The end of the group of policies sharing tier and priority that starts at i. */
static size_t nv_tie_end(const struct nv_model *m, size_t i)
{
    size_t j;

    for (j = i + 1; j < m->ntiered && m->tiered[j]->tier == m->tiered[i]->tier &&
                    m->tiered[j]->priority == m->tiered[i]->priority;
         j++)
        ;
    return j;
}

/* Whether the BaselineAdminNetworkPolicy and a Baseline ClusterNetworkPolicy are both there. */
int nv_explain_banp_open(const struct nv_model *m)
{
    size_t i;
    int banp = 0, cnp = 0;

    for (i = 0; i < m->ntiered; i++) {
        banp |= m->tiered[i]->kind == NV_POLICY_BANP;
        cnp |= m->tiered[i]->kind == NV_POLICY_CNP && m->tiered[i]->tier == NV_TIER_BASELINE;
    }
    return banp && cnp;
}

size_t nv_explain_tier_orders(const struct nv_model *m)
{
    size_t i, j, k, n = nv_explain_banp_open(m) ? 2 : 1;

    for (i = 0; i < m->ntiered; i = j) {
        j = nv_tie_end(m, i);
        for (k = 2; k <= j - i; k++)
            if ((n *= k) > NV_TIER_MAX_ORDERS)
                return 0;
    }
    return n;
}

void nv_explain_tier_order(const struct nv_model *m, unsigned order, const struct nv_policy **out)
{
    size_t i, j, k, n = m->ntiered;

    for (i = 0; i < n; i++)
        out[i] = m->tiered[i];
    if (nv_explain_banp_open(m)) {
        /* digit 0: the BaselineAdminNetworkPolicy (last in the model's order) goes first */
        if (order % 2)
            for (i = 0; i < n; i++)
                if (out[i]->kind == NV_POLICY_BANP) {
                    const struct nv_policy *b = out[i];
                    for (j = i; j > 0 && out[j - 1]->tier == NV_TIER_BASELINE; j--)
                        out[j] = out[j - 1];
                    out[j] = b;
                    break;
                }
        order /= 2;
    }
    for (i = 0; i < n; i = j) {
        size_t g;
        j = nv_tie_end(m, i);
        g = j - i;
        /* the group's permutation, digit by digit (a Lehmer code): pick, then close up */
        for (k = 0; k + 1 < g; k++) {
            size_t pick = order % (g - k), t;
            const struct nv_policy *p = out[i + k + pick];
            order /= (unsigned)(g - k);
            for (t = k + pick; t > k; t--)
                out[i + t] = out[i + t - 1];
            out[i + k] = p;
        }
    }
}

/*
 * The rules of tier 'tier' on 'todo' (ports not decided yet), first match
 * first: their steps appended to out, what they allow added to *allowed,
 * what they pass to *passed; returns what no rule matched.
 */
static uint32_t nv_tier_walk(const struct nv_model *m, const struct nv_policy **order,
                             const struct nv_combo *c, enum nv_tier tier, enum nv_dir dir,
                             const struct nv_end *self, const struct nv_end *other,
                             const struct nv_end *dst, uint32_t todo, uint32_t *allowed,
                             uint32_t *passed, struct nv_side *out, size_t *alloc)
{
    struct nv_ports *pt = m->ports;
    size_t i, r, k;

    for (i = 0; i < m->ntiered && todo != NV_PORTS_NONE; i++) {
        const struct nv_policy *p = order[i];
        if (p->tier != tier || !p->nrules[dir] || !nv_explain_tier_subject(m, p, self))
            continue;
        for (r = 0; r < p->nrules[dir] && todo != NV_PORTS_NONE; r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            const struct nv_peer *hit = NULL;
            uint32_t ports;
            for (k = 0; k < rule->npeers && !hit; k++)
                if (nv_explain_tier_peer(m, &rule->peers[k], other, c))
                    hit = &rule->peers[k];
            if (!hit && !rule->all_peers && !rule->fail_closed)
                continue;
            ports = rule->fail_closed ? NV_PORTS_ALL : nv_explain_rule_ports(m, rule, dst);
            if ((ports = nv_ports_inter(pt, ports, todo)) == NV_PORTS_NONE)
                continue;
            NV_GROW(out->steps, *alloc, out->nsteps + 1);
            out->steps[out->nsteps].policy = p;
            out->steps[out->nsteps].rule = rule;
            out->steps[out->nsteps].peer = hit;
            out->steps[out->nsteps].ports = ports;
            out->nsteps++;
            /* fail closed: a Pass rule with an unknown peer denies everything, as a Deny */
            if (rule->fail_closed)
                ;
            else if (rule->action == NV_ACTION_ALLOW)
                *allowed = nv_ports_union(pt, *allowed, ports);
            else if (rule->action == NV_ACTION_PASS)
                *passed = nv_ports_union(pt, *passed, ports);
            todo = nv_ports_minus(pt, todo, ports);
        }
    }
    return todo;
}

/*
 * Direction 'dir' of 'self' through the tiers, once nv_side() has read its
 * NetworkPolicies into out (isolated, ports: what they admit): Admin rules,
 * then on what they pass or leave the NetworkPolicies when they isolate the
 * pod, else the Baseline rules, else allowed.
 */
static void nv_side_tiers(const struct nv_model *m, enum nv_dir dir, const struct nv_end *self,
                          const struct nv_end *other, const struct nv_end *dst,
                          const struct nv_combo *c, enum nv_np np, int local, struct nv_side *out)
{
    struct nv_ports *pt = m->ports;
    uint32_t allowed = NV_PORTS_NONE, passed = NV_PORTS_NONE, rest;
    const struct nv_policy **order = nv_xmalloc((m->ntiered + 1) * sizeof(*order));
    size_t alloc = 0;

    nv_explain_tier_order(m, c->order, order);
    rest = nv_tier_walk(m, order, c, NV_TIER_ADMIN, dir, self, other, dst, NV_PORTS_ALL, &allowed,
                        &passed, out, &alloc);
    out->passed = rest = nv_ports_union(pt, rest, passed);
    if (np != NV_NP_AS_IS) {
        if (np == NV_NP_OPEN)
            allowed = nv_ports_union(pt, allowed, rest);
    } else if (out->isolated) {
        out->local = local;
        out->np_ports = local ? rest : nv_ports_inter(pt, rest, out->ports);
        allowed = nv_ports_union(pt, allowed, out->np_ports);
    } else {
        passed = NV_PORTS_NONE;
        rest = nv_tier_walk(m, order, c, NV_TIER_BASELINE, dir, self, other, dst, rest, &allowed,
                            &passed, out, &alloc);
        allowed = nv_ports_union(pt, allowed, nv_ports_union(pt, rest, passed));
    }
    out->ports = allowed;
    free(order);
}

enum nv_np nv_explain_np_of(const struct nv_claim *c, enum nv_part_kind kind)
{
    if (!c->guard)
        return NV_NP_AS_IS;
    return kind == NV_PART_REACHES ? NV_NP_SHUT : NV_NP_OPEN;
}

static void nv_side(const struct nv_model *m, enum nv_dir dir, const struct nv_end *self,
                    const struct nv_end *other, const struct nv_end *dst, const struct nv_combo *c,
                    enum nv_np np, int local, struct nv_side *out)
{
    int type = dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    size_t i, r, k, palloc = 0, aalloc = 0;

    memset(out, 0, sizeof(*out));
    out->ports = NV_PORTS_ALL;
    if (self->external) {
        out->external = 1;
        return;
    }
    if (nv_is_node(m, self, c)) {
        out->node = 1;
        return;
    }
    if (np != NV_NP_AS_IS) {
        /* a guardrail: the NetworkPolicies most against the claim */
        out->np_free = np;
        out->isolated = np == NV_NP_SHUT;
        out->ports = np == NV_NP_SHUT ? NV_PORTS_NONE : NV_PORTS_ALL;
        if (m->ntiered)
            nv_side_tiers(m, dir, self, other, dst, c, np, 0, out);
        return;
    }
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        if (!(p->types & type) || p->nsidx != m->classes[self->cls].ns ||
            !nv_selector_matches(p->subject, &m->classes[self->cls].labels))
            continue;
        if (!out->isolated)
            out->ports = NV_PORTS_NONE;
        out->isolated = 1;
        NV_GROW(out->policies, palloc, out->npolicies + 1);
        out->policies[out->npolicies++] = p;
        for (r = 0; r < p->nrules[dir]; r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            const struct nv_peer *hit = NULL;
            uint32_t ports;
            for (k = 0; k < rule->npeers && !hit; k++)
                if (nv_explain_peer(m, p, &rule->peers[k], other, c))
                    hit = &rule->peers[k];
            if ((!hit && !rule->all_peers) ||
                (ports = nv_explain_rule_ports(m, rule, dst)) == NV_PORTS_NONE)
                continue;
            NV_GROW(out->admits, aalloc, out->nadmits + 1);
            out->admits[out->nadmits].policy = p;
            out->admits[out->nadmits].rule = rule;
            out->admits[out->nadmits].peer = hit;
            out->admits[out->nadmits].ports = ports;
            out->nadmits++;
            out->ports = nv_ports_union(m->ports, out->ports, ports);
        }
    }
    if (m->ntiered)
        nv_side_tiers(m, dir, self, other, dst, c, np, local, out);
}

void nv_explain(const struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                const struct nv_combo *combo, int local, struct nv_flow_why *out)
{
    nv_explain_np(m, src, dst, combo, local, NV_NP_AS_IS, out);
}

void nv_explain_np(const struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                   const struct nv_combo *combo, int local, enum nv_np np, struct nv_flow_why *out)
{
    struct nv_combo first[NV_MAX_COMBOS];

    if (!combo) {
        nv_model_combos(m, first);
        combo = &first[0];
    }
    memset(out, 0, sizeof(*out));
    /* a pod and its own node always reach each other (with the cluster tiers: where a
     * NetworkPolicy decides, not past an admin rule) */
    local = local && !src->external && !dst->external &&
            (nv_is_node(m, src, combo) || nv_is_node(m, dst, combo));
    nv_side(m, NV_EGRESS, src, dst, dst, combo, np, local, &out->egress);
    nv_side(m, NV_INGRESS, dst, src, dst, combo, np, local, &out->ingress);
    out->allowed = nv_ports_inter(m->ports, out->egress.ports, out->ingress.ports);
    if (local && !m->ntiered) {
        out->local = 1;
        out->allowed = NV_PORTS_ALL;
    }
}

void nv_flow_why_release(struct nv_flow_why *w)
{
    free((void *)w->egress.policies);
    free(w->egress.admits);
    free(w->egress.steps);
    free((void *)w->ingress.policies);
    free(w->ingress.admits);
    free(w->ingress.steps);
    memset(w, 0, sizeof(*w));
}

/* ---- placing a witness ---- */

/* What one side admits with the pod at end 'at' given address a (of its domain). */
static uint32_t nv_side_ports(const struct nv_model *m, enum nv_dir dir, const struct nv_witness *w,
                              enum nv_np np, const struct nv_end *src, const struct nv_end *dst)
{
    struct nv_side s;
    uint32_t ports;

    if (dir == NV_EGRESS)
        nv_side(m, NV_EGRESS, src, dst, dst, &w->combo, np, 0, &s);
    else
        nv_side(m, NV_INGRESS, dst, src, dst, &w->combo, np, 0, &s);
    ports = s.ports;
    free((void *)s.policies);
    free(s.admits);
    free(s.steps);
    return ports;
}

int nv_explain_sees_addresses(const struct nv_model *m)
{
    size_t i, r, k;
    int dir;

    for (i = 0; i < m->ntiered; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->tiered[i]->nrules[dir]; r++)
                for (k = 0; k < m->tiered[i]->rules[dir][r].npeers; k++)
                    if (m->tiered[i]->rules[dir][r].peers[k].kind == NV_PEER_IPBLOCK ||
                        m->tiered[i]->rules[dir][r].peers[k].kind == NV_PEER_NODES)
                        return 1;
    return 0;
}

size_t nv_explain_addrs(const struct nv_model *m, const struct nv_end *e, const struct nv_combo *c,
                        int see, struct nv_ip *out)
{
    size_t a, n = 0;
    int dom;

    if (e->external || (!see && c->v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS))
        return 0;
    dom = NV_CLASS_DOM(m, e->cls);
    for (a = 0; a < m->atoms.n; a++)
        if (m->atomdom[a] & dom)
            out[n++] = m->atoms.cuts[a];
    return n;
}

/* The ports side 'dir' admits for each candidate address of the end it depends on. */
static void nv_side_values(const struct nv_model *m, struct nv_witness *w, enum nv_dir dir,
                           enum nv_np np, const struct nv_ip *cand, size_t n, uint32_t *out)
{
    /* egress depends on the destination's address, ingress on the source's */
    struct nv_end src = w->src, dst = w->dst;
    struct nv_end *e = dir == NV_EGRESS ? &dst : &src;
    size_t i;

    if (!n) {
        out[0] = nv_side_ports(m, dir, w, np, &src, &dst);
        return;
    }
    for (i = 0; i < n; i++) {
        e->ip = cand[i];
        e->has_ip = 1;
        out[i] = nv_side_ports(m, dir, w, np, &src, &dst);
    }
}

static int nv_witness_place_at(const struct nv_model *m, const struct nv_claim *c,
                               enum nv_part_kind kind, struct nv_witness *w);

int nv_witness_place(const struct nv_model *m, const struct nv_claim *c, enum nv_part_kind kind,
                     struct nv_witness *w)
{
    size_t norders = nv_explain_tier_orders(m), nmaybe = (size_t)nv_explain_maybe_peer(m, NULL);
    size_t o, b;
    struct nv_combo given = w->combo;

    if (nv_witness_place_at(m, c, kind, w) == 0)
        return 0;
    /* a witness of the set-algebra engine does not say which order of same-priority
     * policies, nor which way an undecidable peer, it is a flow under: find one */
    if (norders < 1)
        norders = 1;
    if (nmaybe > NV_TIER_MAX_MAYBE)
        nmaybe = NV_TIER_MAX_MAYBE;
    for (o = 0; o < norders; o++)
        for (b = 0; b < (size_t)1 << nmaybe; b++) {
            w->combo = given;
            w->combo.order = (unsigned char)o;
            w->combo.maybe = (uint32_t)b;
            if (nv_witness_place_at(m, c, kind, w) == 0)
                return 0;
        }
    w->combo = given;
    return -1;
}

static int nv_witness_place_at(const struct nv_model *m, const struct nv_claim *c,
                               enum nv_part_kind kind, struct nv_witness *w)
{
    enum nv_np np = nv_explain_np_of(c, kind);
    struct nv_ports *pt = m->ports;
    struct nv_ip *cs, *cd;
    uint32_t *vs, *vd;
    size_t ns, nd, i, j, bi = 0, bj = 0;
    int found = 0, can_local;

    if (kind == NV_PART_ISOLATED)
        return 0;
    cs = nv_xmalloc((m->atoms.n + 1) * sizeof(*cs));
    cd = nv_xmalloc((m->atoms.n + 1) * sizeof(*cd));
    vs = nv_xmalloc((m->atoms.n + 1) * sizeof(*vs));
    vd = nv_xmalloc((m->atoms.n + 1) * sizeof(*vd));
    ns = nv_explain_addrs(m, &w->src, &w->combo, nv_explain_sees_addresses(m), cs);
    nd = nv_explain_addrs(m, &w->dst, &w->combo, nv_explain_sees_addresses(m), cd);
    w->local = 0;
    /* egress values by destination address, ingress values by source address */
    nv_side_values(m, w, NV_EGRESS, np, cd, nd, vd);
    nv_side_values(m, w, NV_INGRESS, np, cs, ns, vs);
    for (i = 0; i < (nd ? nd : 1) && !found; i++)
        for (j = 0; j < (ns ? ns : 1) && !found; j++) {
            uint32_t a = nv_ports_inter(pt, vd[i], vs[j]);
            if (nd && ns && cd[i].fam != cs[j].fam)
                continue; /* two pods talk over one family */
            if (kind == NV_PART_REACHES && w->all_ports)
                found = a == NV_PORTS_NONE;
            else if (kind == NV_PART_REACHES)
                found = !nv_ports_contains(pt, a, w->proto, w->port);
            else
                found = nv_ports_contains(pt, a, w->proto, w->port);
            if (found) {
                bi = i;
                bj = j;
            }
        }
    can_local = !w->src.external && !w->dst.external &&
                w->combo.v[NV_B_HOSTNET] == NV_HOSTNET_NODE &&
                (m->classes[w->src.cls].hostnet || m->classes[w->dst.cls].hostnet);
    if (!found && kind != NV_PART_REACHES && can_local) {
        /* allowed because the two pods share a node (past the cluster tiers, when they
         * leave it to a NetworkPolicy) */
        struct nv_flow_why why;
        nv_explain_np(m, &w->src, &w->dst, &w->combo, 1, np, &why);
        found = !m->ntiered || nv_ports_contains(pt, why.allowed, w->proto, w->port);
        nv_flow_why_release(&why);
        w->local = found;
    }
    if (found && nd && !w->local) {
        w->dst.ip = cd[bi];
        w->dst.has_ip = 1;
    }
    if (found && ns && !w->local) {
        w->src.ip = cs[bj];
        w->src.has_ip = 1;
    }
    free(cs);
    free(cd);
    free(vs);
    free(vd);
    return found ? 0 : -1;
}
