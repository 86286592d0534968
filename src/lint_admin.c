/*
 * lint_admin.c - the lint checks of the cluster tiers (AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy), decided by walking the
 * tiers as explain does for every pair of endpoints, under every order of
 * same-priority policies and every way the undecidable peers may go:
 *   admin-rule-unreached: a rule that covers some subject, peer and port, but
 *     for each of them an earlier rule (of its policy, or of a policy before
 *     it in the tier) always decides first;
 *   admin-pass-to-nothing: an Admin-tier Pass rule that hands on what it
 *     matches to nothing: no NetworkPolicy isolates the subject for that
 *     direction and no Baseline rule denies it, so Pass allows, as Accept
 *     would. docs/lint.md states both.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/explain.h"
#include "netverify/lint.h"
#include "netverify/policy.h"

/*
 * The pairs of endpoints times orders times peer ways this check walks at
 * most (each walk explains one flow); past it the check says it was not
 * decided, never a guess.
 */
#define NV_LINT_ADMIN_BUDGET 250000u

/* What was seen of each rule of the tiers (numbered policy by policy, ingress then egress). */
struct nv_arule {
    const struct nv_rule *r;
    unsigned char covers;     /* its subject and peers hold some pair, on some port */
    unsigned char reached;    /* it decided some port of some pair */
    unsigned char pass_seen;  /* Admin Pass: it passed some port */
    unsigned char pass_below; /* ... to something that decides (NetworkPolicies, Baseline Deny) */
    unsigned char unsure;     /* its peers look at addresses: not judged */
};

struct nv_astate {
    const struct nv_model *m;
    struct nv_arule *v;
    size_t n;
    size_t *first; /* per tiered policy: its first rule's number */
};

static struct nv_arule *nv_arule_of(struct nv_astate *A, const struct nv_rule *r)
{
    size_t i;

    for (i = 0; i < A->m->ntiered; i++)
        if (A->m->tiered[i] == r->policy)
            return &A->v[A->first[i] + (r->dir == NV_EGRESS ? r->policy->nrules[NV_INGRESS] : 0) +
                         r->index];
    NV_BUG("a rule of no tiered policy");
    return NULL;
}

/* The ports rule r names toward destination end d. */
static uint32_t nv_arule_ports(const struct nv_model *m, const struct nv_rule *r,
                               const struct nv_end *d)
{
    if (r->all_ports)
        return NV_PORTS_ALL;
    return nv_model_ports_in(m, m->ports, r->ports, r->nports, d->external ? UINT32_MAX : d->cls);
}

/* Whether a peer of r holds end e under combination c. */
static int nv_arule_holds(const struct nv_model *m, const struct nv_rule *r, const struct nv_end *e,
                          const struct nv_combo *c)
{
    size_t k;

    if (r->all_peers || r->fail_closed)
        return 1;
    for (k = 0; k < r->npeers; k++)
        if (nv_explain_tier_peer(m, &r->peers[k], e, c))
            return 1;
    return 0;
}

/*
 * Record what the rules of direction dir cover for the pair (subject, other);
 * the Baseline tier's only where no NetworkPolicy isolates the subject
 * ('isolated'): it is not consulted there, whatever its rules say.
 */
static void nv_admin_covers(struct nv_astate *A, enum nv_dir dir, const struct nv_end *subject,
                            const struct nv_end *other, const struct nv_combo *c, int isolated)
{
    const struct nv_model *m = A->m;
    const struct nv_end *dst = dir == NV_INGRESS ? subject : other;
    size_t i, r;

    for (i = 0; i < m->ntiered; i++) {
        const struct nv_policy *p = m->tiered[i];
        if (!p->nrules[dir] || (isolated && p->tier == NV_TIER_BASELINE) ||
            !nv_explain_tier_subject(m, p, subject))
            continue;
        for (r = 0; r < p->nrules[dir]; r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            struct nv_arule *a = nv_arule_of(A, rule);
            if (!a->covers && nv_arule_holds(m, rule, other, c) &&
                nv_arule_ports(A->m, rule, dst) != NV_PORTS_NONE)
                a->covers = 1;
        }
    }
}

/* Record which rules side sd's walk reached, and where an Admin Pass leads. */
static void nv_admin_side(struct nv_astate *A, const struct nv_side *sd)
{
    const struct nv_model *m = A->m;
    size_t i, k;

    for (i = 0; i < sd->nsteps; i++) {
        const struct nv_tstep *st = &sd->steps[i];
        struct nv_arule *a;
        if (st->ports == NV_PORTS_NONE || !st->rule)
            continue;
        a = nv_arule_of(A, st->rule);
        a->reached = 1;
        if (st->rule->action != NV_ACTION_PASS || st->policy->tier != NV_TIER_ADMIN)
            continue;
        a->pass_seen = 1;
        if (sd->isolated) {
            a->pass_below = 1; /* the NetworkPolicies decide what it passes */
            continue;
        }
        for (k = 0; k < sd->nsteps; k++) {
            const struct nv_tstep *b = &sd->steps[k];
            if (b->policy->tier == NV_TIER_BASELINE && b->rule &&
                b->rule->action == NV_ACTION_DENY &&
                nv_ports_inter(m->ports, b->ports, st->ports) != NV_PORTS_NONE)
                a->pass_below = 1;
        }
    }
}

/* Whether a rule's peers look at addresses (networks): where pods are is not known here. */
static int nv_arule_sees_addresses(const struct nv_rule *r)
{
    size_t k;

    for (k = 0; k < r->npeers; k++)
        if (r->peers[k].kind == NV_PEER_IPBLOCK)
            return 1;
    return 0;
}

/* "AdminNetworkPolicy 'name' ingress rule #2 'name'". */
static void nv_arule_name(struct nv_buf *b, const struct nv_rule *r)
{
    nv_buf_printf(b, "%s '%s' %s rule #%u", nv_policy_kind_name(r->policy->kind), r->policy->name,
                  r->dir == NV_INGRESS ? "ingress" : "egress", r->index + 1);
    if (r->name)
        nv_buf_printf(b, " '%s'", r->name);
}

/* One end: class c (c < ncls) or atom c - ncls. */
static void nv_admin_end(const struct nv_model *m, size_t c, struct nv_end *e)
{
    memset(e, 0, sizeof(*e));
    if (c < m->nclasses) {
        e->cls = (uint32_t)c;
        return;
    }
    e->external = 1;
    e->ip = m->atoms.cuts[c - m->nclasses];
}

void nv_lint_admin(struct nv_lint *l, const struct nv_model *m, unsigned mask)
{
    unsigned want = NV_LINT_BIT(NV_LINT_ADMIN_UNREACHED) | NV_LINT_BIT(NV_LINT_ADMIN_PASS);
    struct nv_combo combos[NV_MAX_COMBOS], c;
    size_t norders, nmaybe, nends, s, d, o, b, i;
    struct nv_astate A;
    struct nv_buf name;

    if (!(mask & want) || !m->ntiered)
        return;
    norders = nv_explain_tier_orders(m);
    nmaybe = (size_t)nv_explain_maybe_peer(m, NULL);
    nends = m->nclasses + m->atoms.n;
    if (!norders || nmaybe > NV_TIER_MAX_MAYBE ||
        (double)nends * (double)nends * (double)norders * (double)((size_t)1 << nmaybe) >
            NV_LINT_ADMIN_BUDGET) {
        if (!l->note)
            l->note = "admin-rule-unreached and admin-pass-to-nothing were not decided: the "
                      "policy tiers leave too many orders, undecidable peers or endpoint pairs "
                      "to walk";
        return;
    }
    memset(&A, 0, sizeof(A));
    A.m = m;
    A.first = nv_xcalloc(m->ntiered + 1, sizeof(*A.first));
    for (i = 0; i < m->ntiered; i++) {
        A.first[i] = A.n;
        A.n += m->tiered[i]->nrules[NV_INGRESS] + m->tiered[i]->nrules[NV_EGRESS];
    }
    A.v = nv_xcalloc(A.n + 1, sizeof(*A.v));
    for (i = 0; i < m->ntiered; i++) {
        const struct nv_policy *p = m->tiered[i];
        size_t r, k = A.first[i];
        int dir;
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < p->nrules[dir]; r++, k++) {
                A.v[k].r = &p->rules[dir][r];
                A.v[k].unsure = (unsigned char)nv_arule_sees_addresses(&p->rules[dir][r]);
            }
    }
    nv_model_combos(m, combos);
    c = combos[0];
    for (s = 0; s < nends; s++)
        for (d = 0; d < nends; d++) {
            struct nv_end se, de;
            nv_admin_end(m, s, &se);
            nv_admin_end(m, d, &de);
            if ((se.external && de.external) || (s == d && m->classes[s].count < 2))
                continue; /* no flow: two addresses, or a class of one pod to itself */
            for (o = 0; o < (norders ? norders : 1); o++)
                for (b = 0; b < (size_t)1 << nmaybe; b++) {
                    struct nv_flow_why why;
                    c.order = (unsigned char)o;
                    c.maybe = (uint32_t)b;
                    nv_explain(m, &se, &de, &c, 0, &why);
                    if (!se.external)
                        nv_admin_covers(&A, NV_EGRESS, &se, &de, &c, why.egress.isolated);
                    if (!de.external)
                        nv_admin_covers(&A, NV_INGRESS, &de, &se, &c, why.ingress.isolated);
                    nv_admin_side(&A, &why.egress);
                    nv_admin_side(&A, &why.ingress);
                    nv_flow_why_release(&why);
                }
        }
    nv_buf_init(&name, 0);
    for (i = 0; i < A.n; i++) {
        const struct nv_arule *a = &A.v[i];
        nv_buf_reset(&name);
        nv_arule_name(&name, a->r);
        if ((mask & NV_LINT_BIT(NV_LINT_ADMIN_UNREACHED)) && a->covers && !a->reached && !a->unsure)
            nv_lint_add(l, NV_LINT_ADMIN_UNREACHED, a->r->loc,
                        "%s is never reached: for every subject, peer and port it covers, an "
                        "earlier rule of its policy or a policy before it in the %s tier decides "
                        "first",
                        nv_buf_str(&name), nv_tier_name(a->r->policy->tier));
        if ((mask & NV_LINT_BIT(NV_LINT_ADMIN_PASS)) && a->pass_seen && !a->pass_below)
            nv_lint_add(l, NV_LINT_ADMIN_PASS, a->r->loc,
                        "%s passes to nothing: no NetworkPolicy isolates its subjects for %s and "
                        "no Baseline rule denies what it passes, so it allows what it matches, as "
                        "%s would",
                        nv_buf_str(&name), a->r->dir == NV_INGRESS ? "ingress" : "egress",
                        a->r->policy->kind == NV_POLICY_ANP ? "Allow" : "Accept");
    }
    nv_buf_release(&name);
    free(A.v);
    free(A.first);
}
