/*
 * lint_redundant.c - redundant rules and policies, decided exactly by the
 * matrix engine with and without them (an engine mask: the model is never
 * changed): a rule is redundant when what its direction admits (the other
 * direction left open) is the same without it, for every class of pods, every
 * external atom and every combination of the behaviours the profile leaves
 * open; a policy when no allowed connection changes without it (isolation
 * included).
 *
 * Under a combination where ipBlocks match the pods' addresses, the rows say
 * what some address allows (poss) and what every address allows (sure). With
 * one direction open, what is allowed from a pod at address a to class d is
 * what its class is admitted on, joined with what address a is admitted on
 * (the row from the external atom a). Rows from every atom that agree and
 * 'sure' rows that agree then make every address agree: the pod's class adds
 * the same to what every address is admitted on. So rule checks (one
 * direction) are decided there, and policy checks through both directions
 * apart. An egress ipBlock rule with a named port admits a pod at an address
 * on what the port is on that pod, which rows toward atoms do not see (they
 * resolve it to nothing): there the rows toward pods at each atom, one per
 * list of container ports, are compared too. Left undecided (a note): the
 * policy tiers, and hostNetwork pods taken as their node (where they run
 * decides).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/matrix.h"
#include "netverify/selector.h"

/* Beyond this many row entries per engine the checks are not run (said in one finding). */
#define NV_RED_MAX_ENTRIES (1u << 22)

/* The engine mask the checks change: rules off, and per policy the directions it keeps. */
struct nv_red {
    const struct nv_model *m;
    unsigned char *off;   /* per rule id */
    unsigned char *types; /* per NetworkPolicy id */
    int decide_rules;     /* rule checks (one direction) are decided by the rows */
    int decide_policy;    /* policy checks are decided by the rows of both directions at once */
    /* compare rows toward pods at each atom too: per class, whether it is the first with its
     * container ports (NULL: not needed) */
    unsigned char *sigrep;
};

/* Every row of an engine, per combination and class: poss, sure, to atoms, from atoms. */
struct nv_red_rows {
    size_t n;
    uint32_t *v;
};

static void nv_red_rows(const struct nv_red *R, struct nv_red_rows *r)
{
    const struct nv_model *m = R->m;
    struct nv_matrix_mask mask = {R->off, R->types};
    struct nv_matrix *x = nv_matrix_new_masked(m, &mask);
    size_t nc = nv_matrix_ncombos(x), i, c, d, a, w = 2 * m->nclasses + 2 * m->atoms.n;
    size_t nsig = 0, nipb = 0;
    uint32_t *p;

    for (c = 0; R->sigrep && c < m->nclasses; c++)
        nsig += R->sigrep[c];
    for (i = 0; R->sigrep && i < nc; i++)
        nipb += nv_matrix_combo(x, i)->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS;
    r->n = nc * m->nclasses * w + nipb * m->nclasses * nsig * m->atoms.n;
    r->v = nv_xcalloc(r->n + 1, sizeof(*r->v));
    p = r->v;
    for (i = 0; i < nc; i++)
        for (c = 0; c < m->nclasses; c++, p += w) {
            nv_matrix_combo_row(x, i, (uint32_t)c, p, p + m->nclasses, p + 2 * m->nclasses);
            nv_matrix_combo_from_atoms(x, i, (uint32_t)c, p + 2 * m->nclasses + m->atoms.n);
        }
    for (i = 0; nipb && i < nc; i++) {
        if (nv_matrix_combo(x, i)->v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS)
            continue;
        for (c = 0; c < m->nclasses; c++)
            for (d = 0; d < m->nclasses; d++) {
                if (!R->sigrep[d])
                    continue;
                nv_matrix_combo_to_pod_atoms(x, i, (uint32_t)c, (uint32_t)d, p);
                for (a = 0; a < m->atoms.n; a++) /* where a pod of d may be */
                    if (!(m->atomdom[a] & NV_CLASS_DOM(m, d)))
                        p[a] = NV_PORTS_NONE;
                p += m->atoms.n;
            }
    }
    nv_matrix_free(x);
}

/* Whether the engine under the mask now gives the rows of 'base'. */
static int nv_red_same(const struct nv_red *R, const struct nv_red_rows *base)
{
    struct nv_red_rows now;
    int same;

    nv_red_rows(R, &now);
    same = now.n == base->n && !memcmp(now.v, base->v, now.n * sizeof(*now.v));
    free(now.v);
    return same;
}

static int nv_dir_bit(int d)
{
    return d == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
}

/* Whether the rules of direction d of p count: a NetworkPolicy whose policyTypes has d. */
static int nv_red_active(const struct nv_policy *p, int d)
{
    return p->kind == NV_POLICY_NETPOL && (p->types & nv_dir_bit(d));
}

/*
 * Whether rule 'cover' alone covers rule r: with every other rule of
 * direction d off, switching r off as well changes nothing. With cover NULL:
 * whether r admits nothing at all.
 */
static int nv_red_covers(struct nv_red *R, int d, const struct nv_rule *r,
                         const struct nv_rule *cover)
{
    const struct nv_model *m = R->m;
    unsigned char *saved = nv_xmalloc(m->nrule_ids + 1);
    struct nv_red_rows base;
    size_t i, k;
    int same;

    memcpy(saved, R->off, m->nrule_ids);
    for (i = 0; i < m->npolicies; i++)
        for (k = 0; k < m->policies[i]->nrules[d]; k++) {
            const struct nv_rule *q = &m->policies[i]->rules[d][k];
            if (q != r && q != cover)
                R->off[q->id] = 1;
        }
    nv_red_rows(R, &base);
    R->off[r->id] = 1;
    same = nv_red_same(R, &base);
    free(base.v);
    memcpy(R->off, saved, m->nrule_ids);
    free(saved);
    return same;
}

static void nv_rule_label(struct nv_buf *b, const struct nv_rule *r)
{
    nv_buf_printf(b, "NetworkPolicy '%s/%s' %s[%u]", r->policy->ns, r->policy->name,
                  r->dir == NV_INGRESS ? "ingress" : "egress", r->index);
}

/* Leave direction d open (no policy isolates it) or give every policy its own types back. */
static void nv_red_open(struct nv_red *R, int d, int open)
{
    size_t i;

    for (i = 0; i < R->m->npolicies; i++)
        R->types[i] = (unsigned char)(open ? nv_dir_bit(1 - d) : NV_TYPE_INGRESS | NV_TYPE_EGRESS);
}

/* The redundant rules of direction d (policies marked in 'skip' are not looked at). */
static void nv_red_rules(struct nv_lint *l, struct nv_red *R, int d, const unsigned char *skip)
{
    const struct nv_model *m = R->m;
    size_t i, k, j, q;
    struct nv_red_rows base;

    nv_red_open(R, 1 - d, 1); /* the other direction open: no policy isolates it */
    nv_red_rows(R, &base);
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        if (skip[i] || !nv_red_active(p, d))
            continue;
        for (k = 0; k < p->nrules[d]; k++) {
            const struct nv_rule *r = &p->rules[d][k], *cover = NULL;
            struct nv_buf b;
            int same;
            R->off[r->id] = 1;
            same = nv_red_same(R, &base);
            R->off[r->id] = 0;
            if (!same)
                continue;
            /* a rule that admits nothing at all needs no cover */
            if (nv_red_covers(R, d, r, NULL)) {
                nv_buf_init(&b, 0);
                nv_rule_label(&b, r);
                nv_lint_add(l, NV_LINT_REDUNDANT_RULE, r->loc,
                            "%s is redundant: it admits no connection at all", nv_buf_str(&b));
                nv_buf_release(&b);
                continue;
            }
            /* a rule that covers it alone: one of a policy of its namespace */
            for (j = 0; j < m->npolicies && !cover; j++) {
                const struct nv_policy *o = m->policies[j];
                if (o->nsidx != p->nsidx || !nv_red_active(o, d))
                    continue;
                for (q = 0; q < o->nrules[d] && !cover; q++)
                    if (&o->rules[d][q] != r && nv_red_covers(R, d, r, &o->rules[d][q]))
                        cover = &o->rules[d][q];
            }
            nv_buf_init(&b, 0);
            nv_rule_label(&b, r);
            nv_buf_puts(&b, " is redundant: every connection it admits is admitted by ");
            if (cover) {
                nv_rule_label(&b, cover);
                nv_buf_printf(&b, " (%s:%u:%u)", cover->loc.file ? cover->loc.file : "-",
                              cover->loc.line, cover->loc.col);
            } else {
                nv_buf_puts(&b, "the other rules selecting the same pods, together");
            }
            nv_lint_add(l, NV_LINT_REDUNDANT_RULE, r->loc, "%s", nv_buf_str(&b));
            nv_buf_release(&b);
        }
    }
    free(base.v);
    nv_red_open(R, 1 - d, 0);
}

/* Whether a policy is a default-deny for some direction: it isolates it without rules. */
static int nv_red_is_deny(const struct nv_policy *p)
{
    return ((p->types & NV_TYPE_INGRESS) && !p->nrules[NV_INGRESS]) ||
           ((p->types & NV_TYPE_EGRESS) && !p->nrules[NV_EGRESS]);
}

/* Whether, with direction 1 - d open, removing policy p changes nothing. */
static int nv_red_policy_dir(struct nv_red *R, const struct nv_policy *p, int d)
{
    struct nv_red_rows base;
    int same;

    nv_red_open(R, 1 - d, 1);
    nv_red_rows(R, &base);
    R->types[p->id] = 0;
    same = nv_red_same(R, &base);
    free(base.v);
    nv_red_open(R, 1 - d, 0);
    return same;
}

/* Whether p selects some pod (one that selects none is selects-nothing's, not this check's). */
static int nv_red_selects_some(const struct nv_model *m, const struct nv_policy *p)
{
    size_t i;

    for (i = 0; i < m->npods; i++)
        if (m->pods[i].ns == p->nsidx && nv_selector_matches(p->subject, &m->pods[i].labels))
            return 1;
    return 0;
}

/* The redundant policies, and those selecting no pod; marks them in 'skip'. Returns how many were
 * left undecided. */
static size_t nv_red_policies(struct nv_lint *l, struct nv_red *R, unsigned char *skip)
{
    const struct nv_model *m = R->m;
    struct nv_red_rows base;
    size_t i, undecided = 0;

    nv_red_rows(R, &base);
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        if (p->kind != NV_POLICY_NETPOL || nv_red_is_deny(p))
            continue;
        if (!nv_red_selects_some(m, p)) { /* selects-nothing's; its rules too */
            skip[i] = 1;
            continue;
        }
        R->types[p->id] = 0;
        skip[i] = (unsigned char)nv_red_same(R, &base);
        R->types[p->id] = NV_TYPE_INGRESS | NV_TYPE_EGRESS;
        /* rows that differ settle it; equal ones do where addresses play no part, and
         * otherwise when each direction alone agrees (what is allowed is their meet) */
        if (skip[i] && !R->decide_policy &&
            !(nv_red_policy_dir(R, p, NV_INGRESS) && nv_red_policy_dir(R, p, NV_EGRESS))) {
            skip[i] = 0;
            undecided++;
            continue;
        }
        if (skip[i])
            nv_lint_add(l, NV_LINT_REDUNDANT_POLICY, p->loc,
                        "NetworkPolicy '%s/%s' is redundant: without it no allowed connection "
                        "changes (the other policies isolate its pods and admit what it admits)",
                        p->ns, p->name);
    }
    free(base.v);
    return undecided;
}

/* Whether classes c and d declare the same container ports (the ones rules name). */
static int nv_red_same_ports(const struct nv_class *c, const struct nv_class *d)
{
    size_t k;

    if (c->nports != d->nports)
        return 0;
    for (k = 0; k < c->nports; k++)
        if (c->ports[k].name != d->ports[k].name || c->ports[k].proto != d->ports[k].proto ||
            c->ports[k].port != d->ports[k].port)
            return 0;
    return 1;
}

/* Whether an egress rule of a NetworkPolicy has an ipBlock peer and a named port. */
static int nv_red_named_ipblock(const struct nv_model *m)
{
    size_t i, r, k;

    for (i = 0; i < m->npolicies; i++)
        for (r = 0; r < m->policies[i]->nrules[NV_EGRESS]; r++) {
            const struct nv_rule *rule = &m->policies[i]->rules[NV_EGRESS][r];
            for (k = 0; k < rule->npeers && rule->has_named; k++)
                if (rule->peers[k].kind == NV_PEER_IPBLOCK)
                    return 1;
        }
    return 0;
}

/* Which checks the rows decide, under every combination the profile leaves open. */
static void nv_red_decidable(struct nv_red *R)
{
    const struct nv_model *m = R->m;
    struct nv_matrix *x = nv_matrix_new(m);
    size_t i, c;
    int hostnet = 0;

    for (c = 0; c < m->nclasses; c++)
        hostnet |= m->classes[c].hostnet;
    R->decide_rules = R->decide_policy = !m->ntiered;
    for (i = 0; i < nv_matrix_ncombos(x); i++) {
        const struct nv_combo *k = nv_matrix_combo(x, i);
        if (hostnet && k->v[NV_B_HOSTNET] == NV_HOSTNET_NODE)
            R->decide_rules = R->decide_policy = 0;
        if (k->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS) {
            R->decide_policy = 0;
            if (!R->sigrep && nv_red_named_ipblock(m)) {
                R->sigrep = nv_xcalloc(m->nclasses + 1, 1);
                for (c = 0; c < m->nclasses; c++) {
                    size_t d;
                    for (d = 0; d < c && !nv_red_same_ports(&m->classes[c], &m->classes[d]); d++)
                        ;
                    R->sigrep[c] = d == c;
                }
            }
        }
    }
    nv_matrix_free(x);
}

void nv_lint_redundancy(struct nv_lint *l, const struct nv_model *m, unsigned mask)
{
    struct nv_red R;
    unsigned char *skip;
    size_t entries, undecided = 0, i;
    int rules = (mask & NV_LINT_BIT(NV_LINT_REDUNDANT_RULE)) != 0;

    if (!(mask & (NV_LINT_BIT(NV_LINT_REDUNDANT_RULE) | NV_LINT_BIT(NV_LINT_REDUNDANT_POLICY))) ||
        !m->npolicies)
        return;
    memset(&R, 0, sizeof(R));
    R.m = m;
    nv_red_decidable(&R);
    entries = m->nclasses * (2 * m->nclasses + 2 * m->atoms.n);
    for (i = 0; R.sigrep && i < m->nclasses; i++)
        entries += R.sigrep[i] * m->nclasses * m->atoms.n; /* rows toward pods at each atom */
    if (entries > NV_RED_MAX_ENTRIES) {
        free(R.sigrep);
        nv_lint_add(l, rules ? NV_LINT_REDUNDANT_RULE : NV_LINT_REDUNDANT_POLICY,
                    (struct nv_loc){NULL, 0, 0},
                    "redundancy not decided: %zu classes of pods are more than these checks "
                    "take (disable them with --disable redundant-rule,redundant-policy)",
                    m->nclasses);
        return;
    }
    if (!R.decide_rules) {
        l->note = m->ntiered ? "redundant-rule and redundant-policy not decided: the policy "
                               "tiers (AdminNetworkPolicies) are not looked at by these checks"
                             : "redundant-rule and redundant-policy not decided: where "
                               "hostNetwork pods run decides what is allowed when they are "
                               "taken as their node; pin --host-network pod to decide them";
        free(R.sigrep);
        return;
    }
    R.off = nv_xcalloc(m->nrule_ids + 1, 1);
    R.types = nv_xmalloc(m->npolicies + 1);
    nv_red_open(&R, 0, 0);
    skip = nv_xcalloc(m->npolicies + 1, 1);
    if (mask & NV_LINT_BIT(NV_LINT_REDUNDANT_POLICY))
        undecided = nv_red_policies(l, &R, skip);
    if (rules) {
        nv_red_rules(l, &R, NV_INGRESS, skip);
        nv_red_rules(l, &R, NV_EGRESS, skip);
    }
    if (undecided)
        l->note = "redundant-policy not decided for some policies: where ipBlocks may match "
                  "pods, what a policy's two directions allow together depends on the pods' "
                  "addresses, which this check does not follow (it does with "
                  "--ipblock-matches-pods false)";
    free(skip);
    free(R.off);
    free(R.types);
    free(R.sigrep);
}
