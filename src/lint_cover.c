/*
 * lint_cover.c - the checks on what policies leave open or cannot say:
 * workloads isolated for neither or one direction, namespaces without a
 * default-deny, egress-isolated workloads that cannot reach DNS, and objects
 * of kinds netverify skips that enforce traffic.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/load.h"

/* NV_TYPE_* bits of the NetworkPolicies of its namespace that select pod group p. */
static int nv_pod_isolation(const struct nv_model *m, const struct nv_pod *p,
                            const size_t *polstart, const size_t *polbyns)
{
    size_t i;
    int types = 0;

    for (i = polstart[p->ns]; i < polstart[p->ns + 1]; i++) {
        const struct nv_policy *pol = m->policies[polbyns[i]];
        if (nv_selector_matches_interned(pol->subject, &p->labels))
            types |= pol->types & (NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    }
    return types;
}

/* The pods that declare container port 53 (most inputs: none or the DNS servers' few). */
struct nv_dns_pods {
    size_t *idx;
    size_t n;
    /* per rule id and protocol (UDP, TCP): 0 not yet asked, else 1 + nv_rule_admits_dns()
     * (the answer does not depend on the pod asking) */
    unsigned char *memo;
};

static void nv_dns_pods_find(struct nv_dns_pods *d, const struct nv_model *m)
{
    size_t j, k;

    d->idx = nv_xcalloc(m->npods + 1, sizeof(*d->idx));
    d->n = 0;
    d->memo = nv_xcalloc(2 * m->nrule_ids + 2, 1);
    for (j = 0; j < m->npods; j++)
        for (k = 0; k < m->pods[j].nports; k++)
            if (m->pods[j].ports[k].port == 53) {
                d->idx[d->n++] = j;
                break;
            }
}

/* Whether some pod declares container port 53 over proto ('name': by that name; NULL: any). */
static int nv_some_pod_serves_53(const struct nv_model *m, const struct nv_dns_pods *d,
                                 enum nv_proto proto, const char *name,
                                 const struct nv_selector *sel, long ns)
{
    size_t j, k;

    for (j = 0; j < d->n; j++) {
        const struct nv_pod *p = &m->pods[d->idx[j]];
        if ((ns >= 0 && p->ns != (unsigned)ns) ||
            (sel && !nv_selector_matches_interned(sel, &p->labels)))
            continue;
        for (k = 0; k < p->nports; k++)
            if (p->ports[k].port == 53 && p->ports[k].proto == proto &&
                (!name || !strcmp(p->ports[k].name, name)))
                return 1;
    }
    return 0;
}

/*
 * Whether an egress rule admits DNS over proto: port 53 in its ports (a named
 * port: as some pod declares it), or every port toward a peer that may be a
 * DNS server (any peer, an ipBlock, pods of which one serves port 53).
 */
static int nv_rule_admits_dns(const struct nv_model *m, const struct nv_dns_pods *d,
                              const struct nv_rule *r, enum nv_proto proto, int served)
{
    size_t i, k;

    if (!r->all_ports) {
        if (nv_ports_contains(m->ports, r->numeric, proto, 53))
            return 1;
        for (i = 0; i < r->nports; i++)
            if (served && r->ports[i].name && r->ports[i].proto == proto &&
                nv_some_pod_serves_53(m, d, proto, r->ports[i].name, NULL, -1))
                return 1;
        return 0;
    }
    if (r->all_peers)
        return 1;
    for (k = 0; k < r->npeers; k++) {
        if (!served && r->peers[k].kind != NV_PEER_IPBLOCK)
            continue;
        const struct nv_peer *p = &r->peers[k];
        size_t n;
        if (p->kind == NV_PEER_IPBLOCK)
            return 1;
        if (!p->ns_sel) {
            if (nv_some_pod_serves_53(m, d, proto, NULL, p->pod_sel, (long)r->policy->nsidx))
                return 1;
            continue;
        }
        /* the pods serving port 53 are few: their namespaces, not every namespace */
        for (n = 0; n < d->n; n++) {
            const struct nv_pod *dp = &m->pods[d->idx[n]];
            if (nv_selector_matches_interned(p->ns_sel, &m->ns[dp->ns].labels) &&
                nv_some_pod_serves_53(m, d, proto, NULL, p->pod_sel, (long)dp->ns))
                return 1;
        }
    }
    return 0;
}

/*
 * Bit 0: an egress rule selecting pod group p admits UDP 53; bit 1: TCP 53;
 * bit 2: some egress rule selects it at all (its egress is not denied outright).
 */
/* nv_rule_admits_dns(), remembered per rule and protocol. */
static int nv_rule_admits_dns_memo(const struct nv_model *m, struct nv_dns_pods *d,
                                   const struct nv_rule *r, enum nv_proto proto, int served)
{
    unsigned char *v = &d->memo[2 * (size_t)r->id + (proto == NV_PROTO_TCP)];

    if (!*v)
        *v = (unsigned char)(1 + nv_rule_admits_dns(m, d, r, proto, served));
    return *v - 1;
}

static int nv_pod_dns(const struct nv_model *m, struct nv_dns_pods *d, const struct nv_pod *p,
                      const size_t *polstart, const size_t *polbyns, int served)
{
    size_t i, r;
    int have = 0;

    for (i = polstart[p->ns]; i < polstart[p->ns + 1]; i++) {
        const struct nv_policy *pol = m->policies[polbyns[i]];
        if (!(pol->types & NV_TYPE_EGRESS) ||
            !nv_selector_matches_interned(pol->subject, &p->labels))
            continue;
        for (r = 0; r < pol->nrules[NV_EGRESS]; r++) {
            const struct nv_rule *rule = &pol->rules[NV_EGRESS][r];
            have |= 4;
            if (!rule->all_peers && !rule->npeers)
                continue;
            if (nv_rule_admits_dns_memo(m, d, rule, NV_PROTO_UDP, served & 1))
                have |= 1;
            if (nv_rule_admits_dns_memo(m, d, rule, NV_PROTO_TCP, served & 2))
                have |= 2;
        }
    }
    return have;
}

static void nv_lint_workloads(struct nv_lint *l, const struct nv_model *m, unsigned mask,
                              const size_t *polstart, const size_t *polbyns)
{
    static const char *const open_text[] = {
        "is isolated for neither ingress nor egress: no NetworkPolicy selects it",
        "is isolated for ingress only: its egress is open",
        "is isolated for egress only: its ingress is open",
    };
    size_t w, k;
    /* bit 0: some pod serves port 53 over UDP, bit 1: over TCP (most inputs: none) */
    struct nv_dns_pods dns_pods, *d = &dns_pods;
    int served;

    nv_dns_pods_find(d, m);
    served = nv_some_pod_serves_53(m, d, NV_PROTO_UDP, NULL, NULL, -1) |
             nv_some_pod_serves_53(m, d, NV_PROTO_TCP, NULL, NULL, -1) << 1;

    for (w = 0; w < m->nworkloads; w++) {
        const struct nv_workload *wl = &m->workloads[w];
        int all = NV_TYPE_INGRESS | NV_TYPE_EGRESS, dns = 3, calls = 0;
        for (k = 0; k < wl->npods; k++) {
            const struct nv_pod *p = &m->pods[wl->pods[k]];
            int t = nv_pod_isolation(m, p, polstart, polbyns);
            all &= t;
            if (t & NV_TYPE_EGRESS) {
                int got = nv_pod_dns(m, d, p, polstart, polbyns, served);
                dns &= got & 3;
                calls |= got & 4;
            }
        }
        if (!wl->npods || !strcmp(wl->kind, NV_ASSUMED_KIND))
            continue; /* --assume's stand-ins are not the input's to fix */
        if (all != (NV_TYPE_INGRESS | NV_TYPE_EGRESS) && (mask & NV_LINT_BIT(NV_LINT_NOT_ISOLATED)))
            nv_lint_add(l, NV_LINT_NOT_ISOLATED, wl->loc, "%s '%s' %s", wl->kind, wl->id,
                        open_text[all == 0                 ? 0
                                  : all == NV_TYPE_INGRESS ? 1
                                                           : 2]);
        /* egress denied outright (no rule): it calls nothing, so it needs no names */
        if ((all & NV_TYPE_EGRESS) && calls && dns != 3 &&
            (mask & NV_LINT_BIT(NV_LINT_DNS_BLOCKED)))
            nv_lint_add(l, NV_LINT_DNS_BLOCKED, wl->loc,
                        "%s '%s' is isolated for egress, and no rule selecting it admits DNS %s",
                        wl->kind, wl->id,
                        dns == 0   ? "(UDP or TCP port 53)"
                        : dns == 1 ? "over TCP port 53, only over UDP (answers too large for "
                                     "UDP fail)"
                                   : "over UDP port 53, only over TCP (most lookups use UDP)");
    }
    free(d->idx);
    free(d->memo);
}

static void nv_lint_namespaces(struct nv_lint *l, const struct nv_model *m, unsigned mask,
                               const size_t *polstart, const size_t *polbyns)
{
    static const char *const dirs[] = {"", "egress", "ingress", "ingress or egress"};
    size_t i, j, w;
    long *firstwl;

    if (!(mask & NV_LINT_BIT(NV_LINT_NO_DEFAULT_DENY)))
        return;
    /* the first workload of each namespace that runs pods (--assume's stand-ins aside) */
    firstwl = nv_xcalloc(m->nns + 1, sizeof(*firstwl));
    for (i = 0; i < m->nns; i++)
        firstwl[i] = -1;
    for (w = m->nworkloads; w-- > 0;)
        if (m->workloads[w].npods && strcmp(m->workloads[w].kind, NV_ASSUMED_KIND))
            firstwl[m->workloads[w].ns] = (long)w;
    for (i = 0; i < m->nns; i++) {
        struct nv_loc at = m->ns[i].loc;
        int have = 0, missing;
        long first = firstwl[i];
        if (first < 0)
            continue; /* nothing runs there */
        for (j = polstart[i]; j < polstart[i + 1]; j++) {
            const struct nv_policy *pol = m->policies[polbyns[j]];
            if (nv_selector_is_empty(pol->subject))
                have |= pol->types & (NV_TYPE_INGRESS | NV_TYPE_EGRESS);
        }
        missing = (NV_TYPE_INGRESS | NV_TYPE_EGRESS) & ~have;
        if (!missing)
            continue;
        if (!at.file)
            at = m->workloads[first].loc;
        nv_lint_add(l, NV_LINT_NO_DEFAULT_DENY, at,
                    "namespace '%s' has no default-deny for %s: no NetworkPolicy there selects "
                    "every pod (podSelector: {}) for it",
                    m->ns[i].name, dirs[(missing & NV_TYPE_INGRESS ? 2 : 0) | (missing >> 1)]);
    }
    free(firstwl);
}

/*
 * Whether a skipped object enforces traffic: the plugin and add-on kinds of
 * nv_load_enforcing_kind(), and the policy tiers while netverify skips them
 * (an API version it does not read).
 */
static int nv_skipped_enforces(const struct nv_skipped *s)
{
    return nv_load_enforcing_kind(s->kind, s->api) || !strcmp(s->kind, "AdminNetworkPolicy") ||
           !strcmp(s->kind, "BaselineAdminNetworkPolicy") ||
           !strcmp(s->kind, "ClusterNetworkPolicy");
}

/* Whether a kind is cluster-wide: it may affect every workload. */
static int nv_kind_is_clusterwide(const char *kind)
{
    return strstr(kind, "Global") || strstr(kind, "Clusterwide") || strstr(kind, "Admin") ||
           strstr(kind, "ClusterNetworkPolicy");
}

/* Whether workload w has a pod whose labels hold every pair of 'picks'. */
static int nv_workload_picked(const struct nv_model *m, const struct nv_workload *w,
                              const struct nv_labels *picks)
{
    size_t i, j;

    for (i = 0; i < w->npods; i++) {
        const struct nv_labels *l = &m->pods[w->pods[i]].labels;
        for (j = 0; j < picks->n; j++) {
            const char *v = nv_labels_get(l, picks->keys[j]);
            if (!v || strcmp(v, picks->vals[j]))
                break;
        }
        if (j == picks->n)
            return 1;
    }
    return 0;
}

/*
 * What a skipped object may affect, after "...: " in b: the workloads its
 * selector picks when it reads as plain labels, else every workload of its
 * namespace (of the input, for a cluster-wide kind), the first five by name.
 * Returns whether it names a workload --assume added (marked "(assumed)").
 */
static int nv_unmodelled_reach(struct nv_buf *b, const struct nv_model *m,
                               const struct nv_skipped *s)
{
    /* a selector of no pair picks every pod: said as when it cannot be read */
    int wide = nv_kind_is_clusterwide(s->kind), read = s->picks_read && s->picks.n;
    const char *ns = *s->ns ? s->ns : "default";
    size_t w, i, n = 0, shown = 0, inns = 0;
    int assumed = 0;
    struct nv_buf sel;

    for (w = 0; w < m->nworkloads; w++) {
        const struct nv_workload *wl = &m->workloads[w];
        if (!wide && strcmp(m->ns[wl->ns].name, ns))
            continue;
        inns++;
        n += !read || nv_workload_picked(m, wl, &s->picks);
    }
    if (!wide && !inns) {
        nv_buf_printf(b, "namespace '%s' has no workload in the input", ns);
        return 0;
    }
    if (!read && wide) {
        nv_buf_printf(b, "it may affect every workload (%zu)", m->nworkloads);
        return 0;
    }
    nv_buf_init(&sel, 0);
    for (i = 0; i < s->picks.n && read; i++)
        nv_buf_printf(&sel, "%s%s=%s", i ? "," : "", s->picks.keys[i], s->picks.vals[i]);
    if (!read)
        nv_buf_printf(b, "it may affect all workloads of namespace '%s' (%zu: ", ns, n);
    else if (!n)
        nv_buf_printf(b, "its selector %s picks no workload of %s%s%s in the input",
                      nv_buf_str(&sel), wide ? "any namespace" : "namespace '", wide ? "" : ns,
                      wide ? "" : "'");
    else if (wide)
        nv_buf_printf(b, "it may affect the %zu workload%s its selector %s picks (", n,
                      n == 1 ? "" : "s", nv_buf_str(&sel));
    else
        nv_buf_printf(b,
                      "it may affect the %zu workload%s of namespace '%s' its selector %s picks (",
                      n, n == 1 ? "" : "s", ns, nv_buf_str(&sel));
    nv_buf_release(&sel);
    if (!n)
        return 0;
    for (w = 0; w < m->nworkloads && shown < 5; w++) {
        const struct nv_workload *wl = &m->workloads[w];
        if ((!wide && strcmp(m->ns[wl->ns].name, ns)) ||
            (read && !nv_workload_picked(m, wl, &s->picks)))
            continue;
        int stand_in = !strcmp(wl->kind, NV_ASSUMED_KIND);
        nv_buf_printf(b, "%s%s%s%s%s", shown++ ? ", " : "", wide ? m->ns[wl->ns].name : "",
                      wide ? "/" : "", wl->name, stand_in ? " (assumed)" : "");
        assumed |= stand_in;
    }
    nv_buf_puts(b, n > 5 ? ", ...)" : ")");
    return assumed;
}

static void nv_lint_unmodelled(struct nv_lint *l, const struct nv_model *m)
{
    size_t i, j, nk = 0;
    int assumed;
    const char **kinds = nv_xcalloc(m->nskipped + 1, sizeof(*kinds));
    size_t *count = nv_xcalloc(m->nskipped + 1, sizeof(*count));
    struct nv_buf b;

    nv_buf_init(&b, 0);
    for (i = 0; i < m->nskipped; i++) {
        const struct nv_skipped *s = &m->skipped[i];
        if (!nv_skipped_enforces(s))
            continue;
        for (j = 0; j < nk && strcmp(kinds[j], s->kind); j++)
            ;
        if (j == nk)
            kinds[nk++] = s->kind;
        count[j]++;
        l->nskipped++;
        nv_buf_reset(&b);
        nv_buf_printf(&b, "%s%s%s%s (%s) enforces traffic netverify does not model: ", s->kind,
                      *s->name ? " '" : "", s->name, *s->name ? "'" : "", s->api);
        assumed = nv_unmodelled_reach(&b, m, s);
        nv_lint_add(l, NV_LINT_UNMODELLED, s->loc, "%s", nv_buf_str(&b));
        if (assumed)
            nv_lint_mark_assumed(l);
    }
    nv_buf_reset(&b);
    for (i = 0; i < nk; i++)
        nv_buf_printf(&b, "%s%zu %s", i ? ", " : "", count[i], kinds[i]);
    if (nk)
        l->skipped_kinds = nv_buf_detach(&b);
    nv_buf_release(&b);
    free(kinds);
    free(count);
}

void nv_lint_coverage(struct nv_lint *l, const struct nv_model *m, unsigned mask)
{
    size_t *polstart, *polbyns, *fill, i;

    if (mask & NV_LINT_BIT(NV_LINT_UNMODELLED))
        nv_lint_unmodelled(l, m);
    if (!(mask & (NV_LINT_BIT(NV_LINT_NOT_ISOLATED) | NV_LINT_BIT(NV_LINT_DNS_BLOCKED) |
                  NV_LINT_BIT(NV_LINT_NO_DEFAULT_DENY))))
        return;
    /* the NetworkPolicies of each namespace */
    polstart = nv_xcalloc(m->nns + 2, sizeof(*polstart));
    polbyns = nv_xcalloc(m->npolicies + 1, sizeof(*polbyns));
    fill = nv_xcalloc(m->nns + 1, sizeof(*fill));
    for (i = 0; i < m->npolicies; i++)
        if (m->policies[i]->kind == NV_POLICY_NETPOL)
            polstart[m->policies[i]->nsidx + 1]++;
    for (i = 0; i < m->nns; i++)
        polstart[i + 1] += polstart[i];
    for (i = 0; i < m->npolicies; i++)
        if (m->policies[i]->kind == NV_POLICY_NETPOL) {
            unsigned ns = m->policies[i]->nsidx;
            polbyns[polstart[ns] + fill[ns]++] = i;
        }
    free(fill);
    nv_lint_workloads(l, m, mask, polstart, polbyns);
    nv_lint_namespaces(l, m, mask, polstart, polbyns);
    free(polstart);
    free(polbyns);
}
