/*
 * lint_redundant.c - redundant rules and policies, decided exactly by the
 * matrix engine on the model with and without them: a rule is redundant when
 * what its direction admits (the other direction left open) is the same
 * without it, for every class of pods, every external atom and every
 * combination of behaviours; a policy when no allowed connection changes
 * without it (isolation included). The model is changed while it runs and
 * restored after.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/matrix.h"

/* Beyond this many row entries per engine the checks are not run (said in one finding). */
#define NV_RED_MAX_ENTRIES (1u << 22)

/* Every row of an engine, per combination and class: poss, sure, to atoms, from atoms. */
struct nv_red_rows {
    size_t n;
    uint32_t *v;
};

static void nv_red_rows(struct nv_model *m, struct nv_red_rows *r)
{
    struct nv_matrix *x = nv_matrix_new(m);
    size_t nc = nv_matrix_ncombos(x), i, c, w = 2 * m->nclasses + 2 * m->atoms.n;
    uint32_t *p;

    r->n = nc * m->nclasses * w;
    r->v = nv_xcalloc(r->n + 1, sizeof(*r->v));
    p = r->v;
    for (i = 0; i < nc; i++)
        for (c = 0; c < m->nclasses; c++, p += w) {
            nv_matrix_combo_row(x, i, (uint32_t)c, p, p + m->nclasses, p + 2 * m->nclasses);
            nv_matrix_combo_from_atoms(x, i, (uint32_t)c, p + 2 * m->nclasses + m->atoms.n);
        }
    nv_matrix_free(x);
}

/* Whether the engine on m now gives the rows of 'base'. */
static int nv_red_same(struct nv_model *m, const struct nv_red_rows *base)
{
    struct nv_red_rows now;
    int same;

    nv_red_rows(m, &now);
    same = now.n == base->n && !memcmp(now.v, base->v, now.n * sizeof(*now.v));
    free(now.v);
    return same;
}

/* A rule switched off (it admits nothing: no peer) and back on. */
struct nv_red_saved {
    int all_peers;
    size_t npeers;
};

static struct nv_red_saved nv_rule_off(struct nv_rule *r)
{
    struct nv_red_saved s = {r->all_peers, r->npeers};

    r->all_peers = 0;
    r->npeers = 0;
    return s;
}

static void nv_rule_on(struct nv_rule *r, struct nv_red_saved s)
{
    r->all_peers = s.all_peers;
    r->npeers = s.npeers;
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
static int nv_red_covers(struct nv_model *m, int d, struct nv_rule *r, struct nv_rule *cover)
{
    struct nv_red_saved *saved = NULL;
    struct nv_rule **off = NULL;
    struct nv_red_rows base;
    size_t i, k, n = 0, alloc = 0, salloc = 0;
    int same;

    for (i = 0; i < m->npolicies; i++)
        for (k = 0; k < m->policies[i]->nrules[d]; k++) {
            struct nv_rule *q = &m->policies[i]->rules[d][k];
            if (q == r || q == cover)
                continue;
            NV_GROW(off, alloc, n + 1);
            NV_GROW(saved, salloc, n + 1);
            off[n] = q;
            saved[n++] = nv_rule_off(q);
        }
    nv_red_rows(m, &base);
    {
        struct nv_red_saved s = nv_rule_off(r);
        same = nv_red_same(m, &base);
        nv_rule_on(r, s);
    }
    free(base.v);
    for (i = 0; i < n; i++)
        nv_rule_on(off[i], saved[i]);
    free(off);
    free(saved);
    return same;
}

static void nv_rule_label(struct nv_buf *b, const struct nv_rule *r)
{
    nv_buf_printf(b, "NetworkPolicy '%s/%s' %s[%u]", r->policy->ns, r->policy->name,
                  r->dir == NV_INGRESS ? "ingress" : "egress", r->index);
}

/* The redundant rules of direction d (policies marked in 'skip' are not looked at). */
static void nv_red_rules(struct nv_lint *l, struct nv_model *m, int d, const unsigned char *skip)
{
    size_t i, k, j, q;
    int *types = nv_xcalloc(m->npolicies + 1, sizeof(*types));
    size_t *other = nv_xcalloc(m->npolicies + 1, sizeof(*other));
    struct nv_red_rows base;

    /* the other direction open: no policy isolates it */
    for (i = 0; i < m->npolicies; i++) {
        types[i] = m->policies[i]->types;
        other[i] = m->policies[i]->nrules[1 - d];
        m->policies[i]->types &= nv_dir_bit(d);
        m->policies[i]->nrules[1 - d] = 0;
    }
    nv_red_rows(m, &base);
    for (i = 0; i < m->npolicies; i++) {
        struct nv_policy *p = m->policies[i];
        if (skip[i] || !nv_red_active(p, d))
            continue;
        for (k = 0; k < p->nrules[d]; k++) {
            struct nv_rule *r = &p->rules[d][k];
            struct nv_red_saved s = nv_rule_off(r);
            struct nv_rule *cover = NULL;
            struct nv_buf b;
            int same = nv_red_same(m, &base);
            nv_rule_on(r, s);
            if (!same)
                continue;
            /* a rule that admits nothing at all needs no cover */
            if (nv_red_covers(m, d, r, NULL)) {
                nv_buf_init(&b, 0);
                nv_rule_label(&b, r);
                nv_lint_add(l, NV_LINT_REDUNDANT_RULE, r->loc,
                            "%s is redundant: it admits no connection at all", nv_buf_str(&b));
                nv_buf_release(&b);
                continue;
            }
            /* a rule that covers it alone: one of a policy of its namespace */
            for (j = 0; j < m->npolicies && !cover; j++) {
                struct nv_policy *o = m->policies[j];
                if (o->nsidx != p->nsidx || !nv_red_active(o, d))
                    continue;
                for (q = 0; q < o->nrules[d] && !cover; q++)
                    if (&o->rules[d][q] != r && nv_red_covers(m, d, r, &o->rules[d][q]))
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
    for (i = 0; i < m->npolicies; i++) {
        m->policies[i]->types = types[i];
        m->policies[i]->nrules[1 - d] = other[i];
    }
    free(types);
    free(other);
}

/* Whether a policy is a default-deny for some direction: it isolates it without rules. */
static int nv_red_is_deny(const struct nv_policy *p)
{
    return ((p->types & NV_TYPE_INGRESS) && !p->nrules[NV_INGRESS]) ||
           ((p->types & NV_TYPE_EGRESS) && !p->nrules[NV_EGRESS]);
}

/* The redundant policies; marks them in 'skip'. */
static void nv_red_policies(struct nv_lint *l, struct nv_model *m, unsigned char *skip)
{
    struct nv_red_rows base;
    size_t i;

    nv_red_rows(m, &base);
    for (i = 0; i < m->npolicies; i++) {
        struct nv_policy *p = m->policies[i];
        int types = p->types;
        size_t n0 = p->nrules[0], n1 = p->nrules[1];
        if (p->kind != NV_POLICY_NETPOL || nv_red_is_deny(p))
            continue;
        p->types = 0;
        p->nrules[0] = p->nrules[1] = 0;
        skip[i] = (unsigned char)nv_red_same(m, &base);
        p->types = types;
        p->nrules[0] = n0;
        p->nrules[1] = n1;
        if (skip[i])
            nv_lint_add(l, NV_LINT_REDUNDANT_POLICY, p->loc,
                        "NetworkPolicy '%s/%s' is redundant: without it no allowed connection "
                        "changes (the other policies isolate its pods and admit what it admits)",
                        p->ns, p->name);
    }
    free(base.v);
}

void nv_lint_redundancy(struct nv_lint *l, struct nv_model *m, unsigned mask)
{
    unsigned char *skip;
    size_t entries;

    if (!(mask & (NV_LINT_BIT(NV_LINT_REDUNDANT_RULE) | NV_LINT_BIT(NV_LINT_REDUNDANT_POLICY))) ||
        !m->npolicies)
        return;
    entries = m->nclasses * (2 * m->nclasses + 2 * m->atoms.n);
    if (entries > NV_RED_MAX_ENTRIES) {
        nv_lint_add(l,
                    mask & NV_LINT_BIT(NV_LINT_REDUNDANT_RULE) ? NV_LINT_REDUNDANT_RULE
                                                               : NV_LINT_REDUNDANT_POLICY,
                    (struct nv_loc){NULL, 0, 0},
                    "redundancy not decided: %zu classes of pods are more than these checks "
                    "take (disable them with --disable redundant-rule,redundant-policy)",
                    m->nclasses);
        return;
    }
    {
        /* rows compared are exact only when addresses play no part (one combination) */
        struct nv_matrix *x = nv_matrix_new(m);
        int exact = nv_matrix_exact(x);
        nv_matrix_free(x);
        if (!exact) {
            l->note = "redundant-rule and redundant-policy not decided: what is allowed depends "
                      "on the pods' addresses or the network plugin (ipBlocks that may match "
                      "pods, hostNetwork pods); pin the behaviours (--cni, "
                      "--ipblock-matches-pods, --host-network) to decide them";
            return;
        }
    }
    skip = nv_xcalloc(m->npolicies + 1, 1);
    if (mask & NV_LINT_BIT(NV_LINT_REDUNDANT_POLICY))
        nv_red_policies(l, m, skip);
    if (mask & NV_LINT_BIT(NV_LINT_REDUNDANT_RULE)) {
        nv_red_rules(l, m, NV_INGRESS, skip);
        nv_red_rules(l, m, NV_EGRESS, skip);
    }
    free(skip);
}
