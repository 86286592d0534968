/*
 * explain_walk.c - 'netverify explain''s walk: the report item by item, each
 * direction of a flow policy by policy and rule by rule (what matched, and
 * why a peer did not), what each combination of the plugin's behaviours and
 * the pods' addresses allows, and the verdict. The ends and ports it walks
 * between come from explain_ends.c; the rules from nv_explain() (explain.c).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "explain_int.h"
#include "netverify/matrix.h"
#include "netverify/report.h"

/* Append an item whose line is fmt (it follows a blank line when nv_xr_blank() said so). */
struct nv_xitem *nv_xr_add(struct nv_xreport *r, enum nv_xitem_kind kind, const char *fmt, ...)
{
    struct nv_xitem *it;
    va_list ap;

    NV_GROW(r->v, r->alloc, r->n + 1);
    it = &r->v[r->n++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->blank = r->blank;
    r->blank = 0;
    va_start(ap, fmt);
    it->text = nv_buf_vformat(fmt, ap);
    va_end(ap);
    return it;
}

void nv_xr_blank(struct nv_xreport *r)
{
    r->blank = 1;
}

void nv_xreport_release(struct nv_xreport *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        free(r->v[i].text);
        free(r->v[i].name);
        free(r->v[i].detail);
        free(r->v[i].ports);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}

/* A port set as the report keeps it: "none", or as the rows write it ("TCP 80,UDP 53"). */
static char *nv_xports_text(const struct nv_model *m, uint32_t ports)
{
    return nv_xstrdup(ports == NV_PORTS_NONE ? "none" : nv_ports_format_npa(m->ports, ports));
}

static void nv_xrule_set(struct nv_xitem *it, const struct nv_rule *rule, const char *result)
{
    it->word = result;
    it->loc = rule->loc;
    it->index = rule->index + 1;
}

static void nv_put_xend(struct nv_buf *b, const struct nv_model *m, const struct nv_xend *e)
{
    char ip[NV_IP_BUFSZ];

    if (e->external)
        nv_buf_puts(b, nv_ip_format(&e->ip, ip));
    else
        nv_buf_printf(b, "%s[%s]", m->workloads[e->wl].id, m->workloads[e->wl].kind);
}

static void nv_xdir_set(struct nv_xctx *X, struct nv_xitem *it, const char *word, const char *state,
                        const struct nv_xend *self)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_put_xend(&b, X->m, self);
    it->name = nv_buf_detach(&b);
    it->word = word;
    it->state = state;
}

/* Why peer p does not match end e ('self' is the end the policy selects). */
static void nv_peer_why(struct nv_buf *b, const struct nv_model *m, const struct nv_policy *pol,
                        const struct nv_peer *p, const struct nv_end *e)
{
    char ip[NV_IP_BUFSZ];
    size_t i;

    if (p->kind == NV_PEER_IPBLOCK) {
        if (!e->external) {
            int pin = m->profile.pin[NV_B_IPBLOCK_PODS];
            nv_buf_puts(b, pin == NV_IPBLOCK_IGNORES_PODS
                               ? "the network plugin does not match pod addresses against ipBlocks"
                           : pin == NV_IPBLOCK_MATCHES_PODS
                               ? "a pod's address, which the plugin matches against ipBlocks: "
                                 "whether it lies in this one is taken up below"
                               : "a pod's address, not matched against ipBlocks here "
                                 "(ipBlockMatchesPods=false)");
            return;
        }
        if (!nv_iprange_has(&p->cidr, &e->ip)) {
            nv_buf_printf(b, "%s is outside ", nv_ip_format(&e->ip, ip));
            if (e->ip.fam != p->cidr.first.fam)
                nv_buf_printf(b, "the %s addresses ", nv_family_name(p->cidr.first.fam));
            nv_report_range(b, &p->cidr);
            return;
        }
        for (i = 0; i < p->nexcept; i++)
            if (nv_iprange_has(&p->except[i], &e->ip)) {
                nv_buf_printf(b, "%s is in the except range ", nv_ip_format(&e->ip, ip));
                nv_report_range(b, &p->except[i]);
                return;
            }
        nv_buf_puts(b, "it matches");
        return;
    }
    if (e->external) {
        nv_buf_puts(b, "a pod selector selects pods, not external addresses");
        return;
    }
    if (!p->ns_sel && m->classes[e->cls].ns != pol->nsidx) {
        nv_buf_printf(b, "without a namespaceSelector it selects pods of namespace %s only",
                      pol->ns);
        return;
    }
    if (p->ns_sel && !nv_selector_matches(p->ns_sel, &m->ns[m->classes[e->cls].ns].labels)) {
        nv_buf_printf(b, "its namespace %s has ", m->ns[m->classes[e->cls].ns].name);
        nv_report_unmatched(b, p->ns_sel, &m->ns[m->classes[e->cls].ns].labels);
        return;
    }
    nv_buf_puts(b, "the pod has ");
    nv_report_unmatched(b, p->pod_sel, &m->classes[e->cls].labels);
}

static void nv_put_peer(struct nv_buf *b, const struct nv_peer *p)
{
    size_t i;

    if (p->kind == NV_PEER_IPBLOCK) {
        nv_buf_puts(b, "ipBlock ");
        nv_report_range(b, &p->cidr);
        for (i = 0; i < p->nexcept; i++) {
            nv_buf_puts(b, i ? ", " : " except ");
            nv_report_range(b, &p->except[i]);
        }
        return;
    }
    if (p->ns_sel) {
        nv_buf_puts(b, "namespaceSelector ");
        nv_report_selector(b, p->ns_sel);
        if (p->pod_sel)
            nv_buf_puts(b, " and ");
    }
    if (p->pod_sel || !p->ns_sel) {
        nv_buf_puts(b, "podSelector ");
        nv_report_selector(b, p->pod_sel);
    }
}

/* The word of a tier rule's action as its kind writes it; a fail-closed rule denies. */
static const char *nv_xtier_action(const struct nv_rule *r)
{
    if (r->fail_closed)
        return "Deny";
    return nv_action_name(r->action, r->policy->kind);
}

/*
 * Under the rule lines of tier 'tier': the policies selecting the subject
 * (direction dir) whose order the APIs leave to the network plugin, one line
 * per group (same tier and priority; the BaselineAdminNetworkPolicy against
 * the Baseline ClusterNetworkPolicies). The walk above took the model's
 * order; the verdict covers every order.
 */
static void nv_xtier_ties(struct nv_xctx *X, enum nv_tier tier, enum nv_dir dir,
                          const struct nv_end *subject)
{
    const struct nv_model *m = X->m;
    size_t i, j, n;
    int banp = 0, cnp = 0;

    if (!subject || subject->external)
        return;
    for (i = 0; i < m->ntiered; i = j) {
        nv_buf_reset(&X->b);
        for (j = i, n = 0; j < m->ntiered && m->tiered[j]->tier == m->tiered[i]->tier &&
                           m->tiered[j]->priority == m->tiered[i]->priority;
             j++) {
            const struct nv_policy *p = m->tiered[j];
            if (p->tier != tier || !p->nrules[dir] || !nv_explain_tier_subject(m, p, subject))
                continue;
            banp |= p->kind == NV_POLICY_BANP;
            cnp |= p->kind == NV_POLICY_CNP && p->tier == NV_TIER_BASELINE;
            nv_buf_printf(&X->b, "%s%s %s", n++ ? ", " : "", nv_policy_kind_name(p->kind), p->name);
        }
        if (n > 1 && m->tiered[i]->kind != NV_POLICY_BANP)
            nv_xr_add(X->r, NV_XI_NOTE,
                      "  the order of %s (%s tier, priority %d) is the network plugin's: walked "
                      "in the model's order, and the verdict covers every order",
                      nv_buf_str(&X->b), nv_tier_name(tier), m->tiered[i]->priority);
    }
    if (banp && cnp)
        nv_xr_add(X->r, NV_XI_NOTE,
                  "  the order of the BaselineAdminNetworkPolicy against the Baseline "
                  "ClusterNetworkPolicies is the network plugin's: walked with it last, and the "
                  "verdict covers both orders");
}

/*
 * The rules of tier 'tier' that decide some port of this direction, one line
 * each ("  Admin tier: ClusterNetworkPolicy x (priority 10) ingress rule #1
 * (FILE:LINE:COL): Pass on TCP 80"), or one line saying none matched.
 */
static void nv_xtier_lines(struct nv_xctx *X, const struct nv_side *side, enum nv_tier tier,
                           const char *word, enum nv_dir dir, const struct nv_end *subject)
{
    const struct nv_model *m = X->m;
    char where[512];
    size_t i, n = 0;
    struct nv_xitem *it;

    for (i = 0; i < side->nsteps; i++) {
        const struct nv_tstep *st = &side->steps[i];
        const struct nv_policy *p = st->policy;
        const char *act = nv_xtier_action(st->rule);
        if (p->tier != tier)
            continue;
        n++;
        nv_buf_reset(&X->b);
        nv_buf_printf(&X->b, "%s %s", nv_policy_kind_name(p->kind), p->name);
        nv_buf_reset(&X->line);
        if (p->kind != NV_POLICY_BANP)
            nv_buf_printf(&X->line, " (priority %d)", p->priority);
        nv_buf_printf(&X->line, " %s rule #%u", word, st->rule->index + 1);
        if (st->rule->name)
            nv_buf_printf(&X->line, " '%s'", st->rule->name);
        it = nv_xr_add(X->r, NV_XI_TIER, "  %s tier: %s%s (%s): %s%s on %s", nv_tier_name(tier),
                       nv_buf_str(&X->b), nv_buf_str(&X->line),
                       nv_loc_format(st->rule->loc, where, sizeof(where)), act,
                       st->rule->fail_closed ? " (a peer of a kind not known here: fails closed)"
                                             : "",
                       nv_ports_format_npa(m->ports, st->ports));
        it->word = nv_tier_name(tier);
        it->state = !strcmp(act, "Deny") ? "deny" : !strcmp(act, "Pass") ? "pass" : "accept";
        it->name = nv_xstrdup(nv_buf_str(&X->b));
        it->loc = st->rule->loc;
        it->index = st->rule->index + 1;
        it->priority = p->kind == NV_POLICY_BANP ? -1 : p->priority;
        it->detail = st->rule->name ? nv_xstrdup(st->rule->name) : NULL;
        it->ports = nv_xports_text(m, st->ports);
    }
    if (!n) {
        it = nv_xr_add(X->r, NV_XI_TIER, "  %s tier: no rule matches%s", nv_tier_name(tier),
                       tier == NV_TIER_ADMIN ? ": on to the NetworkPolicies"
                                             : ": allowed by default");
        it->word = nv_tier_name(tier);
        it->state = "no-match";
        it->priority = -1;
    }
    nv_xtier_ties(X, tier, dir, subject);
}

/*
 * The port asked through the tiers of one direction: "walk: Admin: Pass
 * (ClusterNetworkPolicy x) -> NetworkPolicy: no rule admits -> blocked".
 */
static void nv_xwalk(struct nv_xctx *X, const struct nv_side *side)
{
    const struct nv_model *m = X->m;
    struct nv_buf *b = &X->b;
    const struct nv_tstep *st;
    struct nv_xitem *it;
    int ok;

    if (!X->port.given)
        return;
    ok = nv_ports_contains(m->ports, side->ports, X->port.proto, X->port.port);
    nv_buf_reset(b);
    st = nv_side_step(m, side, NV_TIER_ADMIN, X->port.proto, X->port.port);
    nv_buf_printf(b, "Admin: %s", st ? nv_xtier_action(st->rule) : "no match");
    if (st)
        nv_buf_printf(b, " (%s %s)", nv_policy_kind_name(st->policy->kind), st->policy->name);
    if (!st || (st->rule->action == NV_ACTION_PASS && !st->rule->fail_closed)) {
        nv_buf_puts(b, " -> NetworkPolicy: ");
        if (side->np_free) {
            nv_buf_puts(b, side->np_free == NV_NP_OPEN ? "may admit it" : "may block it");
        } else if (side->isolated) {
            nv_buf_puts(b, ok ? "a rule admits it" : "no rule admits it");
        } else {
            nv_buf_puts(b, "none selects the pod -> Baseline: ");
            st = nv_side_step(m, side, NV_TIER_BASELINE, X->port.proto, X->port.port);
            nv_buf_puts(b, st ? nv_xtier_action(st->rule) : "no match");
            if (st)
                nv_buf_printf(b, " (%s %s)", nv_policy_kind_name(st->policy->kind),
                              st->policy->name);
            if (!st || (st->rule->action == NV_ACTION_PASS && !st->rule->fail_closed))
                nv_buf_puts(b, " -> default");
        }
    }
    it = nv_xr_add(X->r, NV_XI_WALK, "  walk: %s -> %s", nv_buf_str(b), ok ? "allowed" : "blocked");
    it->word = ok ? "allowed" : "blocked";
}

/*
 * One direction: egress of src (other = dst) or ingress of dst (other = src),
 * as nv_explain() decided it in 'side', told rule by rule.
 */
static void nv_direction(struct nv_xctx *X, enum nv_dir dir, const struct nv_xend *self,
                         const struct nv_side *side, const struct nv_end *subject,
                         const struct nv_end *oe, const struct nv_end *de)
{
    const struct nv_model *m = X->m;
    const char *word = dir == NV_INGRESS ? "ingress" : "egress";
    char where[512];
    size_t i, r, k, npol = side->npolicies;
    struct nv_buf *b = &X->b;
    struct nv_xitem *it;
    int tiers = m->ntiered && !side->node;

    nv_buf_reset(b);
    nv_buf_printf(b, "%s of ", word);
    nv_put_xend(b, m, self);
    if (side->external) {
        it = nv_xr_add(X->r, NV_XI_DIRECTION,
                       "%s: an external address: no policy applies, everything allowed",
                       nv_buf_str(b));
        nv_xdir_set(X, it, word, "external", self);
        return;
    }
    if (!side->isolated && (!tiers || side->np_free)) {
        it = nv_xr_add(X->r, NV_XI_DIRECTION,
                       "%s: not isolated: no NetworkPolicy with %s in its policyTypes selects it, "
                       "so everything is allowed",
                       nv_buf_str(b), dir == NV_INGRESS ? "Ingress" : "Egress");
        nv_xdir_set(X, it, word, "not-isolated", self);
        return;
    }
    if (!side->isolated) {
        /* the cluster tiers: Admin, no NetworkPolicy, so Baseline */
        it = nv_xr_add(X->r, NV_XI_DIRECTION,
                       "%s: not isolated by a NetworkPolicy (none with %s in its policyTypes "
                       "selects it): the Admin tier, then the Baseline tier decide",
                       nv_buf_str(b), dir == NV_INGRESS ? "Ingress" : "Egress");
        nv_xdir_set(X, it, word, "not-isolated", self);
        nv_xtier_lines(X, side, NV_TIER_ADMIN, word, dir, subject);
        if (side->passed != NV_PORTS_NONE)
            nv_xtier_lines(X, side, NV_TIER_BASELINE, word, dir, subject);
        it = nv_xr_add(X->r, NV_XI_ALLOWED, "  %s allowed: %s", word,
                       side->ports == NV_PORTS_NONE ? "nothing"
                                                    : nv_ports_format_npa(m->ports, side->ports));
        it->ports = nv_xports_text(m, side->ports);
        nv_xwalk(X, side);
        return;
    }
    it = nv_xr_add(X->r, NV_XI_DIRECTION, "%s: isolated by %zu NetworkPolic%s", nv_buf_str(b), npol,
                   npol == 1 ? "y" : "ies");
    nv_xdir_set(X, it, word, "isolated", self);
    if (tiers)
        nv_xtier_lines(X, side, NV_TIER_ADMIN, word, dir, subject);
    for (i = 0; i < npol; i++) {
        const struct nv_policy *p = side->policies[i];
        nv_buf_reset(b);
        nv_report_selector(b, p->subject);
        it = nv_xr_add(X->r, NV_XI_POLICY, "  NetworkPolicy %s/%s (%s), podSelector %s", p->ns,
                       p->name, nv_loc_format(p->loc, where, sizeof(where)), nv_buf_str(b));
        it->loc = p->loc;
        it->detail = nv_xstrdup(nv_buf_str(b));
        nv_buf_reset(b);
        nv_buf_printf(b, "%s/%s", p->ns, p->name);
        it->name = nv_xstrdup(nv_buf_str(b));
        if (!p->nrules[dir]) {
            it = nv_xr_add(X->r, NV_XI_RULE, "    no %s rules: admits nothing", word);
            it->word = "no-rules";
        }
        for (r = 0; r < p->nrules[dir]; r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            uint32_t ports;
            long hit = rule->all_peers ? 0 : -1;
            for (k = 0; k < rule->npeers && hit < 0; k++)
                if (nv_explain_peer(m, p, &rule->peers[k], oe, nv_matrix_combo(X->x, 0)))
                    hit = (long)k;
            /* X->line: the start of the rule's line, "    egress rule #1 (FILE:LINE:COL): " */
            nv_buf_reset(&X->line);
            nv_buf_printf(&X->line, "    %s rule #%u (", word, rule->index + 1);
            nv_report_loc(&X->line, rule->loc);
            nv_buf_puts(&X->line, "): ");
            if (hit < 0) {
                it = nv_xr_add(X->r, NV_XI_RULE, "%s%s: no peer matches", nv_buf_str(&X->line),
                               X->port.given ? "does not match" : "admits nothing");
                nv_xrule_set(it, rule, X->port.given ? "does-not-match" : "admits-nothing");
                it->detail = nv_xstrdup("no peer matches");
                for (k = 0; k < rule->npeers; k++) {
                    struct nv_buf why;
                    nv_buf_reset(b);
                    nv_put_peer(b, &rule->peers[k]);
                    nv_buf_init(&why, 0);
                    nv_peer_why(&why, m, p, &rule->peers[k], oe);
                    it = nv_xr_add(X->r, NV_XI_PEER, "      %s peer %s (%s): %s",
                                   dir == NV_INGRESS ? "from" : "to", nv_buf_str(b),
                                   nv_loc_format(rule->peers[k].loc, where, sizeof(where)),
                                   nv_buf_str(&why));
                    it->loc = rule->peers[k].loc;
                    it->name = nv_xstrdup(nv_buf_str(b));
                    it->detail = nv_buf_detach(&why);
                }
                continue;
            }
            nv_buf_reset(b);
            if (rule->all_peers) {
                nv_buf_printf(b, "every peer (no '%s')", dir == NV_INGRESS ? "from" : "to");
            } else {
                nv_buf_printf(b, "peer #%ld ", hit + 1);
                nv_put_peer(b, &rule->peers[hit]);
            }
            ports = nv_explain_rule_ports(m, rule, de);
            if (rule->has_named) {
                int first = 1;
                nv_buf_puts(b, "; named ports ");
                for (k = 0; k < rule->nports; k++)
                    if (rule->ports[k].name) {
                        nv_buf_printf(b, "%s%s/%s", first ? "" : ", ",
                                      nv_proto_name(rule->ports[k].proto), rule->ports[k].name);
                        first = 0;
                    }
                nv_buf_puts(b, de->external ? " (they resolve to nothing outside the cluster)"
                                            : " (resolved on the destination)");
            }
            if (X->port.given) {
                int ok = nv_ports_contains(m->ports, ports, X->port.proto, X->port.port);
                if (ok)
                    it =
                        nv_xr_add(X->r, NV_XI_RULE, "%smatches: %s; ports %s", nv_buf_str(&X->line),
                                  nv_buf_str(b), nv_ports_format_npa(m->ports, ports));
                else
                    it = nv_xr_add(X->r, NV_XI_RULE,
                                   "%sdoes not match: %s matches, but the rule's ports are %s",
                                   nv_buf_str(&X->line), nv_buf_str(b),
                                   ports == NV_PORTS_NONE
                                       ? "none here (a named port the destination does not "
                                         "declare)"
                                       : nv_ports_format_npa(m->ports, ports));
                nv_xrule_set(it, rule, ok ? "matches" : "does-not-match");
            } else if (ports == NV_PORTS_NONE) {
                it = nv_xr_add(X->r, NV_XI_RULE,
                               "%sadmits nothing: %s matches, but its named ports are not "
                               "declared by the destination",
                               nv_buf_str(&X->line), nv_buf_str(b));
                nv_xrule_set(it, rule, "admits-nothing");
            } else {
                it = nv_xr_add(X->r, NV_XI_RULE, "%sadmits %s: %s", nv_buf_str(&X->line),
                               nv_ports_format_npa(m->ports, ports), nv_buf_str(b));
                nv_xrule_set(it, rule, "admits");
            }
            it->detail = nv_xstrdup(nv_buf_str(b));
            it->ports = nv_xports_text(m, ports);
        }
    }
    it = nv_xr_add(X->r, NV_XI_ALLOWED, "  %s allowed: %s", word,
                   side->ports == NV_PORTS_NONE ? "nothing"
                                                : nv_ports_format_npa(m->ports, side->ports));
    it->ports = nv_xports_text(m, side->ports);
    if (tiers)
        nv_xwalk(X, side);
}

/*
 * What combination k of the plugin's behaviours allows from the pods of group
 * s to those of group d: under some addresses and nodes of the pods (*poss)
 * and under all (*sure). p, q (classes) and a (atoms) are scratch rows.
 */
static void nv_combo_pair(struct nv_xctx *X, size_t k, const struct nv_end *se,
                          const struct nv_end *de, uint32_t *p, uint32_t *q, uint32_t *a,
                          uint32_t *poss, uint32_t *sure)
{
    const struct nv_model *m = X->m;

    if (se->external) {
        nv_matrix_combo_from_atoms(X->x, k, de->cls, a);
        *poss = *sure = a[nv_atoms_find(&m->atoms, &se->ip)];
        return;
    }
    nv_matrix_combo_row(X->x, k, se->cls, p, q, a);
    if (de->external) {
        *poss = *sure = a[nv_atoms_find(&m->atoms, &de->ip)];
    } else {
        *poss = p[de->cls];
        *sure = q[de->cls];
    }
}

/* What explain says of a flow on a given port, over the pod pairs. */
enum nv_xstate { NV_XS_BLOCKED, NV_XS_ALLOWED, NV_XS_SOME_PODS, NV_XS_SOME_ADDRS };

static const char *const nv_xstate_word[] = {"blocked", "allowed", "some-pods", "some-addresses"};
static const char *const nv_xstate_text[] = {
    "blocked", "allowed", "allowed for some of the pods, blocked for others",
    "allowed for some addresses or nodes of the pods only"};

/* The state of n pairs of which nposs are allowed under some, nsure under all addresses. */
static enum nv_xstate nv_xstate_of(size_t n, size_t nposs, size_t nsure)
{
    if (nsure == n)
        return NV_XS_ALLOWED;
    if (!nposs)
        return NV_XS_BLOCKED;
    return nposs == nsure ? NV_XS_SOME_PODS : NV_XS_SOME_ADDRS;
}

/* What nv_explain_combos() found. */
enum nv_xcombos {
    NV_XC_AGREE,   /* every combination agrees with the explanation: nothing printed */
    NV_XC_SETTLED, /* printed; one answer under every combination and address (*st, *ports) */
    NV_XC_PLUGIN,  /* printed; the answer turns on the plugin's behaviours only */
    NV_XC_VARIES,  /* printed; it turns on the pods' addresses or nodes too */
};

/*
 * When the network plugin's behaviours or the pods' addresses and nodes
 * change the answer: what each combination allows, united over the pod pairs
 * as 'list' unites them. 'shown' and 'state' are the explanation's answer
 * (its ports, its verdict on the port asked); *st and *ports get the answer
 * when it is settled.
 */
static enum nv_xcombos nv_explain_combos(struct nv_xctx *X, const struct nv_xend *src,
                                         const struct nv_xend *dst, const struct nv_xgroups *sg,
                                         const struct nv_xgroups *dg, uint32_t shown,
                                         enum nv_xstate state, enum nv_xstate *st_out,
                                         uint32_t *ports)
{
    const struct nv_model *m = X->m;
    size_t n = nv_matrix_ncombos(X->x), k, i, j;
    uint32_t poss[NV_MAX_COMBOS], sure[NV_MAX_COMBOS];
    enum nv_xstate st[NV_MAX_COMBOS];
    uint32_t *p = nv_xmalloc((m->nclasses + 1) * sizeof(*p));
    uint32_t *q = nv_xmalloc((m->nclasses + 1) * sizeof(*q));
    uint32_t *a = nv_xmalloc((m->atoms.n + 1) * sizeof(*a));
    int varies = 0, exact = 1, same = 1;
    struct nv_xitem *it;

    for (k = 0; k < n; k++) {
        size_t npairs = 0, nposs = 0, nsure = 0;
        poss[k] = sure[k] = NV_PORTS_NONE;
        for (i = 0; i < sg->n; i++)
            for (j = 0; j < dg->n; j++) {
                const struct nv_xgroup *s = &sg->v[i], *d = &dg->v[j];
                uint32_t x, y;
                if (!d->has_port || !nv_xpair_ok(src, dst, s, d))
                    continue;
                nv_combo_pair(X, k, &s->end, &d->end, p, q, a, &x, &y);
                poss[k] = nv_ports_union(m->ports, poss[k], x);
                sure[k] = nv_ports_union(m->ports, sure[k], y);
                npairs++;
                nposs += nv_ports_contains(m->ports, x, d->proto, d->port);
                nsure += nv_ports_contains(m->ports, y, d->proto, d->port);
            }
        st[k] = nv_xstate_of(npairs, nposs, nsure);
        if (X->port.given) {
            varies |= st[k] != state;
            exact &= st[k] != NV_XS_SOME_ADDRS;
            same &= st[k] == st[0];
        } else {
            varies |= poss[k] != sure[k] || poss[k] != shown;
            exact &= poss[k] == sure[k];
            same &= poss[k] == poss[0];
        }
    }
    free(p);
    free(q);
    free(a);
    if (!varies)
        return NV_XC_AGREE;
    nv_buf_reset(&X->b);
    nv_report_combo(&X->b, m, nv_matrix_combo(X->x, 0));
    nv_xr_blank(X->r);
    nv_xr_add(X->r, NV_XI_BEHAVIOURS,
              "the rules above are as the network plugin applies them with %s, to "
              "pods at no particular address%s; with %sthe pods' addresses and nodes%s:",
              nv_buf_str(&X->b), nv_explain_tier_orders(m) != 1 ? ", in the model's order" : "",
              n > 1 ? "each of its behaviours, and " : "",
              nv_explain_tier_orders(m) != 1 ? ", and every order of same-priority policies" : "");
    for (k = 0; k < n; k++) {
        nv_buf_reset(&X->b);
        nv_report_combo(&X->b, m, nv_matrix_combo(X->x, k));
        nv_buf_puts(&X->b, ": ");
        if (X->port.given) {
            nv_buf_puts(&X->b, nv_xstate_text[st[k]]);
            if (st[k] == NV_XS_SOME_ADDRS && nv_explain_tier_orders(m) != 1)
                nv_buf_puts(&X->b, ", or under some orders of the tied policies");
        } else if (poss[k] == NV_PORTS_NONE) {
            nv_buf_puts(&X->b, "blocked on every port");
        } else {
            nv_buf_puts(&X->b, "allowed on ");
            nv_report_conns(&X->b, m->ports, poss[k], sure[k], 1);
            if (poss[k] != sure[k])
                nv_buf_puts(&X->b, nv_explain_tier_orders(m) != 1
                                       ? " ('?': for some addresses or nodes of the pods, or "
                                         "some orders of the tied policies, only)"
                                       : " ('?': for some addresses or nodes of the pods only)");
        }
        it = nv_xr_add(X->r, NV_XI_BEHAVIOUR, "  %s", nv_buf_str(&X->b));
        it->word = X->port.given              ? nv_xstate_word[st[k]]
                   : poss[k] == NV_PORTS_NONE ? "blocked"
                   : poss[k] != sure[k]       ? "varies"
                                              : "allowed";
        if (!X->port.given)
            it->ports = nv_xports_text(m, poss[k]);
    }
    if (exact && same) {
        *st_out = st[0];
        *ports = poss[0];
        return NV_XC_SETTLED;
    }
    return exact ? NV_XC_PLUGIN : NV_XC_VARIES;
}

/* The flow item: its ends, and the port asked as the first destination group resolves it. */
static void nv_xflow_set(struct nv_xctx *X, struct nv_xitem *it, const struct nv_xend *src,
                         const struct nv_xend *dst, const struct nv_xgroups *dg)
{
    struct nv_buf b;
    size_t j;

    nv_buf_init(&b, 0);
    nv_put_xend(&b, X->m, src);
    it->name = nv_buf_detach(&b);
    nv_buf_init(&b, 0);
    nv_put_xend(&b, X->m, dst);
    it->detail = nv_buf_detach(&b);
    it->port = X->port;
    for (j = 0; j < dg->n && !dg->v[j].has_port; j++)
        ;
    if (X->port.given && j < dg->n) {
        it->port.proto = dg->v[j].proto;
        it->port.port = dg->v[j].port;
    }
}

void nv_explain_flow(struct nv_xctx *X, const struct nv_xend *src, const struct nv_xend *dst,
                     int proto_given)
{
    const struct nv_model *m = X->m;
    struct nv_xgroups sg, dg;
    struct nv_xport asked = X->port;
    size_t i, j, npairs, nres = 0;
    uint32_t total = NV_PORTS_NONE;
    int some = 0, every = 1, eblock = 0, iblock = 0;
    struct nv_xitem *it;

    nv_xend_groups(X, src, 0, proto_given, &sg);
    nv_xend_groups(X, dst, 1, proto_given, &dg);
    npairs = nv_xpairs(src, dst, &sg, &dg);
    for (j = 0; j < dg.n; j++)
        nres += dg.v[j].has_port && (j == 0 || !dg.v[0].has_port || dg.v[j].port != dg.v[0].port ||
                                     dg.v[j].proto != dg.v[0].proto);
    nv_buf_reset(&X->b);
    nv_put_xend(&X->b, m, src);
    nv_buf_puts(&X->b, " -> ");
    nv_put_xend(&X->b, m, dst);
    if (X->port.name && nres > 1) {
        nv_buf_printf(&X->b, " on named port '%s' (", X->port.name);
        nv_put_resolved(&X->b, &dg);
        nv_buf_puts(&X->b, ", resolved on each destination pod)");
    } else if (X->port.given) {
        for (j = 0; j < dg.n && !dg.v[j].has_port; j++)
            ;
        if (j < dg.n)
            nv_buf_printf(&X->b, " on %s %u", nv_proto_name(dg.v[j].proto), dg.v[j].port);
        if (X->port.name)
            nv_buf_printf(&X->b, " (named port '%s')", X->port.name);
    }
    it = nv_xr_add(X->r, NV_XI_FLOW, "flow: %s", nv_buf_str(&X->b));
    nv_xflow_set(X, it, src, dst, &dg);
    if (src->external && dst->external) {
        nv_xr_blank(X->r);
        nv_xr_add(X->r, NV_XI_NOTE,
                  "both ends are external addresses: no policy of the cluster applies");
        goto out;
    }
    for (j = 0; j < dg.n; j++) {
        if (dg.v[j].has_port)
            continue;
        nv_buf_reset(&X->b);
        nv_report_pods(&X->b, m, dg.v[j].pods, dg.v[j].npods);
        nv_xr_blank(X->r);
        nv_xr_add(X->r, NV_XI_NOTE, "%s of %s declare%s no port '%s': no flow to %s",
                  nv_buf_str(&X->b), m->workloads[dst->wl].id,
                  dg.v[j].npods == 1 && dg.v[j].count == 1 ? "s" : "", X->port.name,
                  dg.v[j].npods == 1 && dg.v[j].count == 1 ? "it" : "them");
    }
    if (!npairs) {
        nv_xr_blank(X->r);
        nv_xr_add(X->r, NV_XI_NOTE,
                  "no flow: the only pod there is the source itself, and a pod's traffic to "
                  "itself never counts");
        goto out;
    }
    for (i = 0; i < sg.n; i++)
        for (j = 0; j < dg.n; j++) {
            const struct nv_xgroup *s = &sg.v[i], *d = &dg.v[j];
            uint32_t e, in, both;
            struct nv_flow_why why;
            if (!d->has_port || !nv_xpair_ok(src, dst, s, d))
                continue;
            if (npairs > 1 || (!src->external && src->wl == dst->wl)) {
                nv_buf_reset(&X->b);
                if (src->external) {
                    nv_buf_puts(&X->b, "to ");
                } else if (s->end.cls == d->end.cls && src->wl == dst->wl) {
                    nv_buf_puts(&X->b, "between two of the ");
                } else {
                    nv_buf_puts(&X->b, "from ");
                    nv_report_pods(&X->b, m, s->pods, s->npods);
                    nv_buf_puts(&X->b, dst->external ? "" : " to ");
                }
                if (!dst->external)
                    nv_report_pods(&X->b, m, d->pods, d->npods);
                if (X->port.name && nres > 1)
                    nv_buf_printf(&X->b, " (port '%s' is %s %u there)", X->port.name,
                                  nv_proto_name(d->proto), d->port);
                nv_xr_blank(X->r);
                nv_xr_add(X->r, NV_XI_PAIR, "%s", nv_buf_str(&X->b));
            }
            X->port.proto = d->proto;
            X->port.port = d->port;
            nv_xr_blank(X->r);
            nv_explain(m, &s->end, &d->end, nv_matrix_combo(X->x, 0), 0, &why);
            nv_direction(X, NV_EGRESS, src, &why.egress, &s->end, &d->end, &d->end);
            nv_xr_blank(X->r);
            nv_direction(X, NV_INGRESS, dst, &why.ingress, &d->end, &s->end, &d->end);
            e = why.egress.ports;
            in = why.ingress.ports;
            both = why.allowed;
            nv_flow_why_release(&why);
            total = nv_ports_union(m->ports, total, both);
            if (X->port.given) {
                int ok = nv_ports_contains(m->ports, both, d->proto, d->port);
                some |= ok;
                every &= ok;
                eblock |= !nv_ports_contains(m->ports, e, d->proto, d->port);
                iblock |= !nv_ports_contains(m->ports, in, d->proto, d->port);
            }
        }
    X->port = asked;
    if (nv_matrix_ncombos(X->x) > 1 || !nv_matrix_exact(X->x)) {
        enum nv_xstate st = NV_XS_BLOCKED;
        switch (nv_explain_combos(X, src, dst, &sg, &dg, total,
                                  every  ? NV_XS_ALLOWED
                                  : some ? NV_XS_SOME_PODS
                                         : NV_XS_BLOCKED,
                                  &st, &total)) {
        case NV_XC_AGREE:
            break;
        case NV_XC_SETTLED:
            /* more is allowed than the rules above show (never less): not blocked */
            every = st == NV_XS_ALLOWED;
            some = st != NV_XS_BLOCKED;
            break;
        case NV_XC_PLUGIN:
            nv_xr_blank(X->r);
            it = nv_xr_add(X->r, NV_XI_VERDICT,
                           "verdict: depends on the network plugin (see above)");
            it->word = "depends";
            goto out;
        case NV_XC_VARIES:
            nv_xr_blank(X->r);
            it = nv_xr_add(X->r, NV_XI_VERDICT, "verdict: depends on the %s%s (see above)",
                           nv_matrix_ncombos(X->x) > 1
                               ? "network plugin and the pods' addresses or nodes"
                               : "pods' addresses or nodes",
                           nv_explain_tier_orders(m) != 1
                               ? ", or the order of same-priority cluster-tier policies"
                               : "");
            it->word = "depends";
            goto out;
        }
    }
    nv_xr_blank(X->r);
    if (X->port.given) {
        nv_buf_reset(&X->b);
        if (X->port.name && nres > 1) {
            nv_buf_printf(&X->b, "named port '%s' (", X->port.name);
            nv_put_resolved(&X->b, &dg);
            nv_buf_putc(&X->b, ')');
        } else {
            for (j = 0; j < dg.n && !dg.v[j].has_port; j++)
                ;
            nv_buf_printf(&X->b, "%s %u", nv_proto_name(dg.v[j].proto), dg.v[j].port);
        }
        it = nv_xr_add(X->r, NV_XI_VERDICT, "verdict: %s on %s%s%s%s",
                       every  ? "allowed"
                       : some ? "allowed for some of the pods, blocked for others"
                              : "blocked",
                       nv_buf_str(&X->b), some ? "" : " (",
                       some               ? ""
                       : eblock && iblock ? "egress and ingress both block it"
                       : eblock           ? "egress blocks it"
                                          : "ingress blocks it",
                       some ? "" : ")");
        it->word = every ? "allowed" : some ? "some-pods" : "blocked";
        it->detail = nv_xstrdup(nv_buf_str(&X->b));
    } else if (total == NV_PORTS_NONE) {
        it = nv_xr_add(X->r, NV_XI_VERDICT, "verdict: blocked on every port");
        it->word = "blocked";
        it->ports = nv_xports_text(m, total);
    } else {
        it = nv_xr_add(X->r, NV_XI_VERDICT, "verdict: allowed on %s",
                       total == NV_PORTS_ALL ? "every port and protocol"
                                             : nv_ports_format_npa(m->ports, total));
        it->word = "allowed";
        it->ports = nv_xports_text(m, total);
    }
out:
    nv_xgroups_release(&sg);
    nv_xgroups_release(&dg);
}
