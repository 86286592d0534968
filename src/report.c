/*
 * report.c - the words every report uses for a flow: endpoint names, rule
 * and policy references with positions, the headline of a refuted claim
 * part and the per-direction reasons behind it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/report.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/checkrun.h"
#include "netverify/escape.h"
#include "netverify/json.h"

#ifndef NV_VERSION
#define NV_VERSION "0.0.0"
#endif

void nv_report_pod(struct nv_buf *b, const struct nv_model *m, uint32_t pod, unsigned inst)
{
    const struct nv_pod *p = &m->pods[pod];
    const struct nv_workload *w = &m->workloads[p->workload];
    unsigned long n = 0, ord;
    size_t i;

    switch (p->origin) {
    case NV_POD_MANIFEST:
        nv_buf_puts(b, p->name);
        return;
    case NV_POD_ORDINAL:
        /* a remainder group's pods: the ordinals from its first that no other group names */
        ord = p->ordinal;
        while (p->remainder) {
            for (i = 0; i < w->npods; i++) {
                const struct nv_pod *q = &m->pods[w->pods[i]];
                if (q->origin == NV_POD_ORDINAL && !q->remainder && q->ordinal == ord)
                    break;
            }
            if (i == w->npods && n++ == inst)
                break;
            ord++;
        }
        nv_buf_printf(b, "%s-%lu", p->name, ord);
        return;
    case NV_POD_TEMPLATE:
        for (i = 0; i < w->npods && w->pods[i] != pod; i++)
            if (m->pods[w->pods[i]].origin == NV_POD_TEMPLATE)
                n += m->pods[w->pods[i]].count;
        nv_buf_printf(b, "#%lu", n + inst + 1);
        return;
    }
}

void nv_report_pods(struct nv_buf *b, const struct nv_model *m, const uint32_t *pods, size_t n)
{
    unsigned long total = 0, shown = 0;
    size_t i, items = 0;
    unsigned k;

    for (i = 0; i < n; i++)
        total += m->pods[pods[i]].count;
    nv_buf_puts(b, total == 1 ? "pod " : "pods ");
    for (i = 0; i < n; i++) {
        const struct nv_pod *p = &m->pods[pods[i]];
        if (p->origin == NV_POD_TEMPLATE) {
            /* numbered consecutively: one range */
            nv_buf_puts(b, items++ ? ", " : "");
            nv_report_pod(b, m, pods[i], 0);
            if (p->count > 1) {
                nv_buf_putc(b, '-');
                nv_report_pod(b, m, pods[i], p->count - 1);
            }
            shown += p->count;
            continue;
        }
        for (k = 0; k < p->count; k++) {
            if (items == 6) {
                nv_buf_printf(b, " and %lu more", total - shown);
                return;
            }
            nv_buf_puts(b, items++ ? ", " : "");
            nv_report_pod(b, m, pods[i], k);
            shown++;
        }
    }
}

int nv_report_names_pod(const struct nv_model *m, const struct nv_end *e)
{
    return !e->external && e->pod < m->npods && m->workloads[m->pods[e->pod].workload].count > 1;
}

/*
 * A witness end: "ns/name[Kind]", followed by " pod NAME" (nv_report_pod) when
 * the workload runs more than one pod; or the address of an external end.
 */
static void nv_report_end(struct nv_buf *b, const struct nv_model *m, const struct nv_end *e)
{
    char ip[NV_IP_BUFSZ];
    const struct nv_workload *w;

    if (e->external) {
        nv_buf_puts(b, nv_ip_format(&e->ip, ip));
        return;
    }
    w = &m->workloads[e->pod < m->npods ? m->pods[e->pod].workload : 0];
    nv_buf_printf(b, "%s[%s]", w->id, w->kind);
    if (nv_report_names_pod(m, e)) {
        nv_buf_puts(b, " pod ");
        nv_report_pod(b, m, e->pod, e->inst);
    }
}

void nv_report_loc(struct nv_buf *b, struct nv_loc loc)
{
    char where[512];

    nv_buf_puts(b, nv_loc_format(loc, where, sizeof(where)));
}

/* "NetworkPolicy ns/name ingress rule #N (file:line:col)" */
static void nv_report_rule(struct nv_buf *b, const struct nv_admit *a)
{
    nv_buf_printf(b, "NetworkPolicy %s/%s %s rule #%u (", a->policy->ns, a->policy->name,
                  a->rule->dir == NV_INGRESS ? "ingress" : "egress", a->rule->index + 1);
    nv_report_loc(b, a->rule->loc);
    nv_buf_putc(b, ')');
}

/*
 * A rule of the cluster tiers: "ClusterNetworkPolicy admin-allow (Admin tier,
 * priority 10, ingress rule #1 'allow-dns', file:line:col)".
 */
static void nv_report_tier_rule(struct nv_buf *b, const struct nv_tstep *st)
{
    const struct nv_policy *p = st->policy;

    nv_buf_printf(b, "%s %s (%s tier, ", nv_policy_kind_name(p->kind), p->name,
                  nv_tier_name(p->tier));
    if (p->kind != NV_POLICY_BANP)
        nv_buf_printf(b, "priority %d, ", p->priority);
    nv_buf_printf(b, "%s rule #%u", st->rule->dir == NV_INGRESS ? "ingress" : "egress",
                  st->rule->index + 1);
    if (st->rule->name)
        nv_buf_printf(b, " '%s'", st->rule->name);
    nv_buf_puts(b, ", ");
    nv_report_loc(b, st->rule->loc);
    nv_buf_putc(b, ')');
}

/* What a step of the tiers does: "accepted", "denied", "passed on". */
static const char *nv_report_step_verb(const struct nv_tstep *st)
{
    if (st->rule->fail_closed || st->rule->action == NV_ACTION_DENY)
        return "denied";
    return st->rule->action == NV_ACTION_ALLOW ? "accepted" : "passed on";
}

/*
 * The tiers' part of one direction of a counterexample on (proto, port):
 * when an Admin rule decides it, the whole line ("accepted by ... —
 * NetworkPolicies of ns/x were not consulted") and 1; else what the Admin
 * tier passed, before the NetworkPolicy or Baseline tier's words, and 0.
 */
static int nv_report_admin(struct nv_buf *b, const struct nv_model *m, const struct nv_side *s,
                           const struct nv_end *self, enum nv_proto proto, unsigned port)
{
    const struct nv_tstep *st = nv_side_step(m, s, NV_TIER_ADMIN, proto, port);

    if (!st)
        return 0;
    nv_buf_printf(b, "%s by ", nv_report_step_verb(st));
    nv_report_tier_rule(b, st);
    if (st->rule->action == NV_ACTION_PASS && !st->rule->fail_closed) {
        nv_buf_puts(b, " to the tiers below; ");
        return 0;
    }
    nv_buf_printf(b, " — NetworkPolicies of %s were not consulted",
                  m->ns[m->classes[self->cls].ns].name);
    return 1;
}

/* The Baseline tier's answer on (proto, port), the NetworkPolicy tier having left it. */
static void nv_report_baseline(struct nv_buf *b, const struct nv_model *m, const struct nv_side *s,
                               const char *dir, enum nv_proto proto, unsigned port)
{
    const struct nv_tstep *st = nv_side_step(m, s, NV_TIER_BASELINE, proto, port);
    size_t i;

    for (i = 0; i < m->ntiered && m->tiered[i]->tier != NV_TIER_BASELINE; i++)
        ;
    if (i == m->ntiered) {
        /* no Baseline tier at all: as without the tiers */
        nv_buf_printf(b, "not isolated for %s: no NetworkPolicy with %s selects it", dir,
                      dir[0] == 'e' ? "Egress" : "Ingress");
        return;
    }
    nv_buf_printf(b, "no NetworkPolicy with %s selects it, so the Baseline tier decides: ",
                  dir[0] == 'e' ? "Egress" : "Ingress");
    if (!st) {
        nv_buf_puts(b, "no rule matches, allowed by default");
        return;
    }
    nv_buf_printf(b, "%s by ", nv_report_step_verb(st));
    nv_report_tier_rule(b, st);
    if (st->rule->action == NV_ACTION_PASS && !st->rule->fail_closed)
        nv_buf_puts(b, ", allowed by default");
}

/* The policies that isolate one side, at most three named. */
static void nv_report_policies(struct nv_buf *b, const struct nv_side *s)
{
    size_t i;

    for (i = 0; i < s->npolicies && i < 3; i++) {
        nv_buf_printf(b, "%sNetworkPolicy %s/%s (", i ? ", " : "", s->policies[i]->ns,
                      s->policies[i]->name);
        nv_report_loc(b, s->policies[i]->loc);
        nv_buf_putc(b, ')');
    }
    if (s->npolicies > 3)
        nv_buf_printf(b, " and %zu more", s->npolicies - 3);
}

/* ": ipBlock 10.0.0.0/8 holds the pod's address 10.0.0.1" when a rule admits a pod by address. */
static void nv_report_ipblock_hit(struct nv_buf *b, const struct nv_model *m,
                                  const struct nv_admit *a, const struct nv_end *other)
{
    char ip[NV_IP_BUFSZ];

    if (!a->peer || a->peer->kind != NV_PEER_IPBLOCK || other->external)
        return;
    nv_buf_puts(b, ": ipBlock ");
    nv_report_range(b, &a->peer->cidr);
    nv_buf_printf(b, " holds the %s address %s",
                  m->classes[other->cls].hostnet ? "node's" : "pod's",
                  nv_ip_format(&other->ip, ip));
}

/*
 * Why the rules of side d admit no port of a blocked counterexample: the
 * other end (no rule admits it on those ports, though one admits others),
 * the ports (rules admit it on other ports), both, or neither.
 */
static void nv_report_mismatch(struct nv_buf *b, const struct nv_model *m, const struct nv_cex *x,
                               int d)
{
    const struct nv_cex_side *cs = &x->side[d];
    const struct nv_side *s = d == 0 ? &x->why.egress : &x->why.ingress;
    const char *end = d == 0 ? "destination" : "source";
    const char *from = d == 0 ? "to" : "from";
    int port = s->ports != NV_PORTS_NONE;
    size_t i, nrules = 0;

    for (i = 0; i < s->npolicies; i++)
        nrules += s->policies[i]->nrules[d == 0 ? NV_EGRESS : NV_INGRESS];
    if (!nrules) {
        nv_buf_printf(b, "; not one %s rule: nothing is admitted", d == 0 ? "egress" : "ingress");
        return;
    }
    nv_buf_printf(b, "; no rule admits ");
    if (!port && !cs->other_rule) {
        nv_buf_printf(b, "this %s on any port", end);
        if (!x->part->w.all_ports) {
            nv_buf_puts(b, ", nor ");
            nv_ports_write(b, m->ports, cs->blocked, 0);
            nv_buf_printf(b, " %s any %s", from, end);
        }
        return;
    }
    nv_ports_write(b, m->ports, cs->blocked, 0);
    nv_buf_printf(b, " %s this %s; ", from, end);
    if (port) {
        nv_buf_puts(b, "they admit it on ");
        nv_ports_write(b, m->ports, s->ports, 0);
        nv_buf_puts(b, cs->other_rule ? ", and " : " (the port does not match)");
    }
    if (cs->other_rule) {
        struct nv_admit a = {cs->other_policy, cs->other_rule, NULL, 0};
        nv_report_rule(b, &a);
        nv_buf_puts(b, " admits ");
        nv_ports_write(b, m->ports, cs->other_ports, 0);
        nv_buf_printf(b, " %s others%s", from,
                      port     ? ""
                      : d == 0 ? " (the destination does not match)"
                               : " (the source does not match)");
    }
}

/* The first port of what side s allows, or else TCP 1. */
static void nv_report_first_port(const struct nv_model *m, const struct nv_side *s,
                                 enum nv_proto *proto, unsigned *port)
{
    const struct nv_portset *ps;

    *proto = NV_PROTO_TCP;
    *port = 1;
    if (s->ports == NV_PORTS_NONE)
        return;
    ps = nv_ports_get(m->ports, s->ports);
    *proto = (enum nv_proto)(ps->iv[0] >> 16);
    *port = ps->iv[0] & 0xffff;
}

/*
 * One line per direction: for an allowed flow the rule that admits it; for a
 * blocked one what isolates the pod and what its rules admit instead.
 */
void nv_report_because(const struct nv_model *m, const struct nv_cex *x, char **lines,
                       size_t *nlines)
{
    const struct nv_witness *w = &x->part->w;
    int allowed = x->part->kind != NV_PART_REACHES;
    int d;

    *nlines = 0;
    for (d = 0; d < 2; d++) {
        const struct nv_side *s = d == 0 ? &x->why.egress : &x->why.ingress;
        const struct nv_cex_side *cs = &x->side[d];
        const char *dir = d == 0 ? "egress" : "ingress";
        struct nv_buf b;
        if (x->why.local && d == 1)
            continue;
        nv_buf_init(&b, 0);
        if (m->ntiered && !s->external && !s->node && !x->why.local) {
            const struct nv_end *self = d == 0 ? &w->src : &w->dst;
            enum nv_proto proto = w->proto;
            unsigned port = w->port;
            if (w->all_ports) /* blocked on every port: what decides its first port, say */
                nv_report_first_port(m, s, &proto, &port);
            nv_buf_printf(&b, "%s: ", dir);
            if (nv_report_admin(&b, m, s, self, proto, port)) {
                lines[(*nlines)++] = nv_buf_detach(&b);
                continue;
            }
            if (s->np_free) {
                nv_buf_puts(&b,
                            s->np_free == NV_NP_OPEN
                                ? "no admin policy denies it, so a NetworkPolicy may admit it"
                                : "no admin policy accepts it, so a NetworkPolicy may block it");
            } else if (!s->isolated) {
                nv_report_baseline(&b, m, s, dir, proto, port);
            } else if (cs->hit) {
                nv_buf_puts(&b, "admitted by ");
                nv_report_rule(&b, cs->hit);
                nv_report_ipblock_hit(&b, m, cs->hit, d == 0 ? &w->dst : &w->src);
            } else if (s->local) {
                nv_buf_puts(&b, "a NetworkPolicy decides, and traffic between a pod and its own "
                                "node is always allowed");
            } else {
                nv_buf_puts(&b, "isolated by ");
                nv_report_policies(&b, s);
                nv_buf_puts(&b, allowed ? "; no rule admits this flow" : "; no rule admits it");
            }
            lines[(*nlines)++] = nv_buf_detach(&b);
            continue;
        }
        if (x->why.local) {
            nv_buf_puts(&b, "node: the hostNetwork pod runs on the other pod's node, and traffic "
                            "between a pod and its own node is always allowed");
        } else if (s->external) {
            nv_buf_printf(&b, "%s: an external address: no policy applies", dir);
        } else if (s->node) {
            nv_buf_printf(&b,
                          "%s: a hostNetwork pod, which the network plugin treats as its node: "
                          "no policy applies",
                          dir);
        } else if (s->np_free) {
            nv_buf_printf(&b,
                          s->np_free == NV_NP_OPEN
                              ? "%s: no admin policy denies it, so a NetworkPolicy may admit it"
                              : "%s: no admin policy accepts it, so a NetworkPolicy may block it",
                          dir);
        } else if (!s->isolated) {
            nv_buf_printf(&b, "%s: not isolated for %s: no NetworkPolicy with %s selects it", dir,
                          dir, d == 0 ? "Egress" : "Ingress");
        } else if (cs->hit && !allowed && w->all_ports) {
            /* this side admits some ports; the other side blocks them */
            nv_buf_printf(&b, "%s: its rules admit ", dir);
            nv_ports_write(&b, m->ports, s->ports, 0);
            nv_buf_puts(&b, " (");
            nv_report_rule(&b, cs->hit);
            nv_buf_putc(&b, ')');
        } else if (cs->hit) {
            nv_buf_printf(&b, "%s: admitted by ", dir);
            nv_report_rule(&b, cs->hit);
            nv_report_ipblock_hit(&b, m, cs->hit, d == 0 ? &w->dst : &w->src);
        } else {
            nv_buf_printf(&b, "%s: isolated by ", dir);
            nv_report_policies(&b, s);
            if (allowed)
                nv_buf_puts(&b, "; no rule admits this flow");
            else
                nv_report_mismatch(&b, m, x, d);
        }
        lines[(*nlines)++] = nv_buf_detach(&b);
    }
}

/* Whether the policies deciding direction dir of pod end e have ipBlock peers. */
static int nv_sees_addresses(const struct nv_model *m, const struct nv_end *e, enum nv_dir dir,
                             const struct nv_combo *c)
{
    int type = dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    size_t i, r, k;

    if (e->external || (m->classes[e->cls].hostnet && c->v[NV_B_HOSTNET] == NV_HOSTNET_NODE))
        return 0;
    for (i = 0; i < m->npolicies; i++) {
        const struct nv_policy *p = m->policies[i];
        if (!(p->types & type) || p->nsidx != m->classes[e->cls].ns ||
            !nv_selector_matches(p->subject, &m->classes[e->cls].labels))
            continue;
        for (r = 0; r < p->nrules[dir]; r++)
            for (k = 0; k < p->rules[dir][r].npeers; k++)
                if (p->rules[dir][r].peers[k].kind == NV_PEER_IPBLOCK)
                    return 1;
    }
    return 0;
}

/* "ns/name" of a pod end's workload. */
static const char *nv_end_id(const struct nv_model *m, const struct nv_end *e)
{
    return m->workloads[e->pod < m->npods ? m->pods[e->pod].workload : 0].id;
}

/*
 * " (with ipBlockMatchesPods=true, web/a at 10.0.0.1)": what a witness that
 * is not a flow under every combination and address assumes.
 */
static void nv_report_under(struct nv_buf *b, const struct nv_model *m, const struct nv_part *p)
{
    char ip[NV_IP_BUFSZ];
    size_t k, nw = 0;

    if (p->w.robust)
        return;
    for (k = 0; k < NV_NBEHAVIOURS; k++)
        if (m->profile.pin[k] == NV_UNKNOWN && nv_model_tells(m, (enum nv_behaviour)k))
            nv_buf_printf(b, "%s%s", nw++ ? ", " : " (with ",
                          nv_behaviours[k].word[p->w.combo.v[k]]);
    if (p->kind != NV_PART_ISOLATED && !p->w.local) {
        /* the addresses that policies of the other end look at */
        if (!p->w.src.external && p->w.src.has_ip &&
            nv_sees_addresses(m, &p->w.dst, NV_INGRESS, &p->w.combo))
            nv_buf_printf(b, "%s%s at %s", nw++ ? ", " : " (with ", nv_end_id(m, &p->w.src),
                          nv_ip_format(&p->w.src.ip, ip));
        if (!p->w.dst.external && p->w.dst.has_ip &&
            nv_sees_addresses(m, &p->w.src, NV_EGRESS, &p->w.combo))
            nv_buf_printf(b, "%s%s at %s", nw++ ? ", " : " (with ", nv_end_id(m, &p->w.dst),
                          nv_ip_format(&p->w.dst.ip, ip));
    }
    if (p->kind != NV_PART_ISOLATED && p->w.local)
        nv_buf_printf(b, "%son one node", nw++ ? ", " : " (with the two pods ");
    if (p->w.combo.maybe) {
        /* the peers the manifests cannot decide, taken as holding the other end */
        size_t i, r, j;
        int dir;
        for (i = 0; i < m->ntiered; i++)
            for (dir = 0; dir < 2; dir++)
                for (r = 0; r < m->tiered[i]->nrules[dir]; r++)
                    for (j = 0; j < m->tiered[i]->rules[dir][r].npeers; j++) {
                        const struct nv_peer *q = &m->tiered[i]->rules[dir][r].peers[j];
                        int bit = nv_explain_maybe_peer(m, q);
                        if (bit < 0 || bit >= 32 || !(p->w.combo.maybe >> bit & 1))
                            continue;
                        nv_buf_printf(b, "%s%s peer (", nw++ ? ", the " : " (with the ",
                                      q->kind == NV_PEER_DOMAINS ? "domainNames" : "nodes");
                        nv_report_loc(b, q->loc);
                        nv_buf_puts(b, ") holding it");
                    }
    }
    if (p->w.combo.order) {
        /* the policies of one priority the plugin puts in another order than the model's */
        const struct nv_policy **o = nv_xmalloc((m->ntiered + 1) * sizeof(*o));
        size_t i, said = 0;
        nv_explain_tier_order(m, p->w.combo.order, o);
        for (i = 0; i < m->ntiered; i++)
            if (o[i] != m->tiered[i])
                nv_buf_printf(b, "%s%s",
                              said++ ? ", "
                              : nw++ ? ", the order "
                                     : " (with the order ",
                              o[i]->name);
        free(o);
    }
    if (nw)
        nv_buf_putc(b, ')');
}

/* An end of a counterexample: an external one as the range of addresses it stands for. */
static void nv_report_cex_end(struct nv_buf *b, const struct nv_model *m, const struct nv_end *e,
                              const struct nv_iprange *r)
{
    if (e->external && nv_ip_cmp(&r->first, &r->last) != 0)
        nv_report_range(b, r);
    else
        nv_report_end(b, m, e);
}

static void nv_report_cex_ends(struct nv_buf *b, const struct nv_model *m, const struct nv_cex *x)
{
    nv_report_cex_end(b, m, &x->part->w.src, &x->src_range);
    nv_buf_puts(b, " -> ");
    nv_report_cex_end(b, m, &x->part->w.dst, &x->dst_range);
}

/* " on every port", " on TCP 80,443;UDP 53": the ports the counterexample stands for. */
static void nv_report_cex_ports(struct nv_buf *b, const struct nv_model *m, const struct nv_cex *x)
{
    if (x->ports == NV_PORTS_ALL) {
        nv_buf_puts(b, " on every port");
    } else {
        nv_buf_puts(b, " on ");
        nv_ports_write(b, m->ports, x->ports, 0);
    }
}

/* The headline of a refuted part. */
char *nv_report_headline(const struct nv_model *m, const struct nv_cex *x)
{
    const struct nv_part *p = x->part;
    struct nv_buf b;

    nv_buf_init(&b, 0);
    if (p->kind == NV_PART_ISOLATED) {
        nv_buf_puts(&b, "not isolated for ");
        nv_buf_puts(&b, p->w.dir == NV_INGRESS ? "ingress: " : "egress: ");
        nv_report_end(&b, m, &p->w.src);
        nv_report_under(&b, m, p);
        return nv_buf_detach(&b);
    }
    nv_buf_puts(&b, p->kind == NV_PART_REACHES ? "blocked: " : "allowed: ");
    nv_report_cex_ends(&b, m, x);
    nv_report_cex_ports(&b, m, x);
    if (p->kind == NV_PART_ONLY)
        nv_buf_puts(&b, " (from outside the claim's sources)");
    nv_report_under(&b, m, p);
    return nv_buf_detach(&b);
}

struct nv_json *nv_report_sarif_location(struct nv_loc loc, const char *text)
{
    struct nv_json *l = nv_json_object(), *phys = nv_json_object(), *art = nv_json_object(),
                   *reg = nv_json_object();
    struct nv_buf uri;

    nv_buf_init(&uri, 0);
    nv_escape_uri(&uri, loc.file ? loc.file : "-");
    nv_json_set(art, "uri", nv_json_str(nv_buf_str(&uri)));
    nv_buf_release(&uri);
    nv_json_set(phys, "artifactLocation", art);
    nv_json_set(reg, "startLine", nv_json_int(loc.line ? loc.line : 1));
    if (loc.col)
        nv_json_set(reg, "startColumn", nv_json_int(loc.col));
    nv_json_set(phys, "region", reg);
    nv_json_set(l, "physicalLocation", phys);
    if (text) {
        struct nv_json *msg = nv_json_object();
        nv_json_set(msg, "text", nv_json_str(text));
        nv_json_set(l, "message", msg);
    }
    return l;
}

void nv_report_selector(struct nv_buf *b, const struct nv_selector *s)
{
    size_t i, k;

    if (!s || !s->n) {
        nv_buf_puts(b, "{} (everything)");
        return;
    }
    for (i = 0; i < s->n; i++) {
        const struct nv_requirement *r = &s->reqs[i];
        if (i)
            nv_buf_putc(b, ',');
        switch (r->op) {
        case NV_SEL_EXISTS:
            nv_buf_puts(b, r->key);
            break;
        case NV_SEL_NOTEXISTS:
            nv_buf_printf(b, "!%s", r->key);
            break;
        default:
            if (r->op == NV_SEL_IN && r->nvalues == 1) {
                nv_buf_printf(b, "%s=%s", r->key, r->values[0]);
                break;
            }
            nv_buf_printf(b, "%s %s (", r->key, r->op == NV_SEL_IN ? "in" : "notin");
            for (k = 0; k < r->nvalues; k++)
                nv_buf_printf(b, "%s%s", k ? "," : "", r->values[k]);
            nv_buf_putc(b, ')');
            break;
        }
    }
}

void nv_report_unmatched(struct nv_buf *b, const struct nv_selector *s, const struct nv_labels *l)
{
    size_t i;

    for (i = 0; s && i < s->n; i++) {
        struct nv_selector one = {1, &s->reqs[i], s->loc};
        const char *v;
        if (nv_selector_matches(&one, l))
            continue;
        v = nv_labels_get(l, s->reqs[i].key);
        if (v)
            nv_buf_printf(b, "label %s=%s", s->reqs[i].key, v);
        else
            nv_buf_printf(b, "no label %s", s->reqs[i].key);
        return;
    }
    nv_buf_puts(b, "it matches");
}

void nv_report_range(struct nv_buf *b, const struct nv_iprange *r)
{
    char buf[NV_IPRANGE_BUFSZ];
    int len = nv_iprange_prefix(r);

    if (len >= 0)
        nv_buf_printf(b, "%s/%d", nv_ip_format(&r->first, buf), len);
    else
        nv_buf_puts(b, nv_iprange_format(r, buf));
}

struct nv_json *nv_report_sarif_rule(const char *id, const char *text)
{
    struct nv_json *r = nv_json_object(), *d = nv_json_object();

    nv_json_set(r, "id", nv_json_str(id));
    nv_json_set(d, "text", nv_json_str(text));
    nv_json_set(r, "shortDescription", d);
    return r;
}

/* The log down to its results (depth 3: root, "runs", the run, "results"). */
void nv_report_sarif_begin(struct nv_sarif *s, FILE *fp)
{
    s->fp = fp;
    s->nresults = 0;
    s->failed = fputs("{\n  \"$schema\": ", fp) < 0;
    nv_json_write_string(fp, "https://json.schemastore.org/sarif-2.1.0.json");
    if (fputs(",\n  \"runs\": [\n    {\n      \"results\": [", fp) < 0)
        s->failed = 1;
}

void nv_report_sarif_result(struct nv_sarif *s, struct nv_json *result)
{
    if (fputs(s->nresults++ ? ",\n        " : "\n        ", s->fp) < 0 ||
        nv_json_dump_nested(result, 4, s->fp) < 0)
        s->failed = 1;
    nv_json_free(result);
}

int nv_report_sarif_end(struct nv_sarif *s, struct nv_json *rules)
{
    struct nv_json *tool = nv_json_object(), *driver = nv_json_object();

    nv_json_set(driver, "name", nv_json_str("netverify"));
    nv_json_set(driver, "version", nv_json_str(NV_VERSION));
    nv_json_set(driver, "rules", rules);
    nv_json_set(tool, "driver", driver);
    if (fputs(s->nresults ? "\n      ],\n      \"tool\": " : "],\n      \"tool\": ", s->fp) < 0 ||
        nv_json_dump_nested(tool, 3, s->fp) < 0 ||
        fputs("\n    }\n  ],\n  \"version\": \"2.1.0\"\n}\n", s->fp) < 0)
        s->failed = 1;
    nv_json_free(tool);
    return s->failed ? -1 : 0;
}

/* Whether fate f breaks the part. */
static int nv_fate_breaks(unsigned char f)
{
    return f == NV_FATE_REFUTED || f == NV_FATE_ADDRESSES;
}

/*
 * The combinations of p in 'want' (a mask over p->combos) as one conjunction
 * of behaviour values, when they are exactly the combinations that agree on
 * those values ("the network plugin matches pod IPs against ipBlocks and
 * ..."). Returns 0 if they are not such a set; an empty text when every
 * combination is in it.
 */
static int nv_cube(struct nv_buf *b, const struct nv_part *p, unsigned want)
{
    size_t i, k, n = 0, first = 0, agree = 0, said = 0;
    int fixed[NV_NBEHAVIOURS];

    for (i = 0; i < p->ncombos; i++)
        if (want & (1u << i) && !n++)
            first = i;
    if (!n)
        return 0;
    for (k = 0; k < NV_NBEHAVIOURS; k++) {
        fixed[k] = 1;
        for (i = 0; i < p->ncombos; i++)
            if (want & (1u << i) && p->combos[i].v[k] != p->combos[first].v[k])
                fixed[k] = 0;
    }
    for (i = 0; i < p->ncombos; i++) {
        for (k = 0; k < NV_NBEHAVIOURS && (!fixed[k] || p->combos[i].v[k] == p->combos[first].v[k]);
             k++)
            ;
        agree += k == NV_NBEHAVIOURS;
    }
    if (agree != n)
        return 0;
    for (k = 0; k < NV_NBEHAVIOURS; k++) {
        int open = 0;
        for (i = 0; i < p->ncombos; i++)
            open |= p->combos[i].v[k] != p->combos[first].v[k];
        if (!fixed[k] || !open)
            continue; /* not a condition: free, or the same in every combination */
        nv_buf_printf(b, "%s%s", said++ ? " and " : "",
                      nv_behaviours[k].when[p->combos[first].v[k]]);
    }
    return 1;
}

/* ", as ipBlock 0.0.0.0/0 (p.yaml:12:9) does" when a rule admits the witness by a pod's address. */
static void nv_condition_ipblock(struct nv_buf *b, const struct nv_cex *x)
{
    if (!x->ipblock)
        return;
    nv_buf_puts(b, ", as ipBlock ");
    nv_report_range(b, &x->ipblock->peer->cidr);
    nv_buf_puts(b, " (");
    nv_report_loc(b, x->ipblock->peer->loc);
    nv_buf_puts(b, ") does");
}

/* What the pods' addresses or nodes must be for the witness to break the part. */
static const char *nv_addr_phrase(const struct nv_model *m, const struct nv_part *p)
{
    if (p->w.local)
        return "when the hostNetwork pod shares the other pod's node";
    if (nv_explain_maybe_peer(m, NULL))
        return "for some addresses of the pods, or some answer the manifests cannot give "
               "(what a domain name resolves to, which node a pod runs on, the Node objects)";
    return nv_explain_tier_orders(m) > 1
               ? "for some addresses of the pods, or some order the network plugin gives "
                 "same-priority policies"
               : "for some addresses of the pods";
}

char *nv_report_condition(const struct nv_model *m, const struct nv_cex *x)
{
    const struct nv_part *p = x->part;
    struct nv_buf b, cond;
    size_t i;
    unsigned holds = 0, breaks = 0, addr = 0;
    int said;

    nv_buf_init(&b, 0);
    nv_buf_init(&cond, 0);
    for (i = 0; i < p->ncombos; i++) {
        holds |= (p->fate[i] == NV_FATE_HOLDS) << i;
        breaks |= nv_fate_breaks(p->fate[i]) << i;
        addr |= (p->fate[i] == NV_FATE_ADDRESSES) << i;
    }
    if (holds && nv_cube(&cond, p, breaks)) {
        nv_buf_printf(&b, "holds unless %s", nv_buf_str(&cond));
        nv_condition_ipblock(&b, x);
    } else if (holds) {
        /* the combinations where it holds, one by one when they are no conjunction */
        nv_buf_puts(&b, "holds only when ");
        if (!nv_cube(&b, p, holds))
            for (i = 0, said = 0; i < p->ncombos; i++) {
                if (!(holds & (1u << i)))
                    continue;
                nv_buf_puts(&b, said++ ? ", or when " : "");
                nv_cube(&b, p, 1u << i);
            }
    } else {
        /* broken under every combination, under some only for some addresses */
        unsigned whole = breaks & ~addr;
        if (whole && nv_cube(&cond, p, whole) && cond.len)
            nv_buf_printf(&b, "refuted when %s", nv_buf_str(&cond));
        else
            nv_buf_puts(&b, "refuted");
        if (addr)
            nv_buf_printf(&b, "%s%s", whole ? "; otherwise " : " ", nv_addr_phrase(m, p));
    }
    if (holds && breaks == addr && nv_cube(&cond, p, breaks))
        nv_buf_printf(&b, ", %s", nv_addr_phrase(m, p));
    if (addr && !m->profile.npod && p->w.combo.v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS &&
        !p->w.local)
        nv_buf_puts(&b, " (no pod CIDR given: --pod-cidr)");
    nv_buf_release(&cond);
    return nv_buf_detach(&b);
}

/* "a[Pod] -> b[Pod] on TCP 80" for a counterexample, no verdict word. */
static void nv_report_flow(struct nv_buf *b, const struct nv_model *m, const struct nv_cex *x)
{
    const struct nv_part *p = x->part;

    if (p->kind == NV_PART_ISOLATED) {
        nv_report_end(b, m, &p->w.src);
        nv_buf_puts(b, p->w.dir == NV_INGRESS ? " not isolated for ingress"
                                              : " not isolated for egress");
        return;
    }
    nv_report_cex_end(b, m, &p->w.src, &x->src_range);
    nv_buf_puts(b, " -> ");
    nv_report_cex_end(b, m, &p->w.dst, &x->dst_range);
    if (p->w.all_ports && p->kind == NV_PART_REACHES)
        nv_buf_puts(b, " blocked");
    nv_report_cex_ports(b, m, x);
}

char *nv_report_depends(const struct nv_model *m, const struct nv_cex *x)
{
    struct nv_buf b;
    char *cond = nv_report_condition(m, x);

    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "%s: ", cond);
    nv_report_flow(&b, m, x);
    free(cond);
    return nv_buf_detach(&b);
}

void nv_report_combo(struct nv_buf *b, const struct nv_model *m, const struct nv_combo *c)
{
    size_t i, n = 0;

    /* the behaviours the profile leaves open and the model can tell apart; else all */
    for (i = 0; i < NV_NBEHAVIOURS; i++)
        if (m->profile.pin[i] == NV_UNKNOWN && nv_model_tells(m, (enum nv_behaviour)i))
            nv_buf_printf(b, "%s%s", n++ ? ", " : "", nv_behaviours[i].word[c->v[i]]);
    for (i = 0; i < NV_NBEHAVIOURS && !n; i++)
        nv_buf_printf(b, "%s%s", i ? ", " : "", nv_behaviours[i].word[c->v[i]]);
}

void nv_report_conns(struct nv_buf *b, const struct nv_ports *pt, uint32_t ports, uint32_t sure,
                     int npa)
{
    if (sure == ports) {
        nv_ports_write(b, pt, ports, npa);
        return;
    }
    if (sure != NV_PORTS_NONE) {
        nv_ports_write(b, pt, sure, npa);
        nv_buf_putc(b, npa ? ',' : ';');
    }
    nv_ports_write_minus(b, pt, ports, sure, npa);
    nv_buf_putc(b, '?');
}
