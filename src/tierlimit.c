/*
 * tierlimit.c - the limits of deciding claims through the policy tiers
 * exactly. Past them the engines would answer differently (the set-algebra
 * engine widens, the SMT encoding would take one order, or leave a peer
 * free), so 'check' refuses the input with the position of what crosses the
 * limit instead (docs/semantics.md, "Limits").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/tierlimit.h"

#include "netverify/explain.h"
#include "netverify/policy.h"

/* The orders: the policy whose tie makes them more than NV_TIER_MAX_ORDERS. */
static int nv_tier_limit_orders(const struct nv_model *m, struct nv_diags *d)
{
    size_t i, j, k, n = nv_explain_banp_open(m) ? 2 : 1;

    for (i = 0; i < m->ntiered; i = j) {
        for (j = i + 1; j < m->ntiered && m->tiered[j]->tier == m->tiered[i]->tier &&
                        m->tiered[j]->priority == m->tiered[i]->priority;
             j++)
            ;
        for (k = 2; k <= j - i; k++) {
            const struct nv_policy *p = m->tiered[i + k - 1], *f = m->tiered[i];
            if ((n *= k) <= NV_TIER_MAX_ORDERS)
                continue;
            nv_diag_error(d, p->loc, NV_E_LIMIT,
                          "%s '%s' makes %zu policies of the %s tier at priority %d (from %s "
                          "'%s' on): the orders the network plugin may apply the tied policies in "
                          "are more than the %d check decides one by one, so claims cannot be "
                          "decided exactly; give some of them other priorities",
                          nv_policy_kind_name(p->kind), p->name, k, nv_tier_name(p->tier),
                          p->priority, nv_policy_kind_name(f->kind), f->name, NV_TIER_MAX_ORDERS);
            return -1;
        }
    }
    return 0;
}

/* The undecidable peers: the first past NV_TIER_MAX_MAYBE. */
static int nv_tier_limit_maybe(const struct nv_model *m, struct nv_diags *d)
{
    size_t i, r, k;
    int dir;

    if (nv_explain_maybe_peer(m, NULL) <= NV_TIER_MAX_MAYBE)
        return 0;
    for (i = 0; i < m->ntiered; i++)
        for (dir = 0; dir < 2; dir++)
            for (r = 0; r < m->tiered[i]->nrules[dir]; r++)
                for (k = 0; k < m->tiered[i]->rules[dir][r].npeers; k++) {
                    const struct nv_peer *q = &m->tiered[i]->rules[dir][r].peers[k];
                    if (nv_explain_maybe_peer(m, q) != NV_TIER_MAX_MAYBE)
                        continue;
                    nv_diag_error(d, q->loc, NV_E_LIMIT,
                                  "this peer of %s '%s' is the %dth whose holding the manifests "
                                  "cannot decide ('domainNames'; 'nodes' without Node objects, "
                                  "or toward a hostNetwork pod when it selects some Nodes only): "
                                  "check decides at most %d such peers both ways, so claims "
                                  "cannot be decided exactly; add the Node objects, or fewer "
                                  "such peers",
                                  nv_policy_kind_name(m->tiered[i]->kind), m->tiered[i]->name,
                                  NV_TIER_MAX_MAYBE + 1, NV_TIER_MAX_MAYBE);
                    return -1;
                }
    NV_BUG("an undecidable peer past the limit was not found");
    return -1;
}

int nv_tier_limits(const struct nv_model *m, struct nv_diags *d)
{
    int a = nv_tier_limit_orders(m, d), b = nv_tier_limit_maybe(m, d);

    return a < 0 || b < 0 ? -1 : 0;
}
