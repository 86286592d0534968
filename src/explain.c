/*
 * explain.c - the rules behind one flow, evaluated from the policies, under
 * one combination of the network plugin's behaviours; and 'netverify
 * explain''s engine: the flows between two endpoints pod group by pod group
 * (a Service's ports mapped to their target ports), rule by rule, and what
 * each combination of behaviours allows, as a list of items a renderer
 * (explain_render.c) writes.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/explain.h"

#include <errno.h>
#include <stdarg.h>
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

int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e, const struct nv_combo *c)
{
    struct nv_combo first[NV_MAX_COMBOS];
    size_t i;

    if (!c) {
        nv_model_combos(m, first);
        c = &first[0];
    }
    if (p->kind == NV_PEER_IPBLOCK) {
        /* a pod's (or node's) address counts only when the plugin matches it */
        if (!e->external && (!e->has_ip || c->v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS))
            return 0;
        if (!nv_iprange_has(&p->cidr, &e->ip))
            return 0;
        for (i = 0; i < p->nexcept; i++)
            if (nv_iprange_has(&p->except[i], &e->ip))
                return 0;
        return 1;
    }
    if (e->external || nv_is_node(m, e, c))
        return 0;
    if (p->ns_sel ? !nv_selector_matches(p->ns_sel, &m->ns[m->classes[e->cls].ns].labels)
                  : m->classes[e->cls].ns != pol->nsidx)
        return 0;
    return !p->pod_sel || nv_selector_matches(p->pod_sel, &m->classes[e->cls].labels);
}

uint32_t nv_explain_rule_ports(struct nv_model *m, const struct nv_rule *r, const struct nv_end *d)
{
    if (r->all_ports)
        return NV_PORTS_ALL;
    return nv_model_ports(m, r->ports, r->nports, d->external ? UINT32_MAX : d->cls);
}

static void nv_side(struct nv_model *m, enum nv_dir dir, const struct nv_end *self,
                    const struct nv_end *other, const struct nv_end *dst, const struct nv_combo *c,
                    struct nv_side *out)
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
            out->ports = nv_ports_union(&m->ports, out->ports, ports);
        }
    }
}

void nv_explain(struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                const struct nv_combo *combo, int local, struct nv_flow_why *out)
{
    struct nv_combo first[NV_MAX_COMBOS];

    if (!combo) {
        nv_model_combos(m, first);
        combo = &first[0];
    }
    memset(out, 0, sizeof(*out));
    nv_side(m, NV_EGRESS, src, dst, dst, combo, &out->egress);
    nv_side(m, NV_INGRESS, dst, src, dst, combo, &out->ingress);
    out->allowed = nv_ports_inter(&m->ports, out->egress.ports, out->ingress.ports);
    /* a pod and its own node always reach each other */
    if (local && !src->external && !dst->external &&
        (nv_is_node(m, src, combo) || nv_is_node(m, dst, combo))) {
        out->local = 1;
        out->allowed = NV_PORTS_ALL;
    }
}

void nv_flow_why_release(struct nv_flow_why *w)
{
    free((void *)w->egress.policies);
    free(w->egress.admits);
    free((void *)w->ingress.policies);
    free(w->ingress.admits);
    memset(w, 0, sizeof(*w));
}

/* ---- placing a witness ---- */

/* What one side admits with the pod at end 'at' given address a (of its domain). */
static uint32_t nv_side_ports(struct nv_model *m, enum nv_dir dir, const struct nv_witness *w,
                              const struct nv_end *src, const struct nv_end *dst)
{
    struct nv_side s;
    uint32_t ports;

    if (dir == NV_EGRESS)
        nv_side(m, NV_EGRESS, src, dst, dst, &w->combo, &s);
    else
        nv_side(m, NV_INGRESS, dst, src, dst, &w->combo, &s);
    ports = s.ports;
    free((void *)s.policies);
    free(s.admits);
    return ports;
}

/*
 * The candidate addresses of end e: the first address of every atom of its
 * domain. Returns their number (0: it needs none, or its domain is empty).
 */
static size_t nv_candidates(const struct nv_model *m, const struct nv_witness *w,
                            const struct nv_end *e, struct nv_ip *out)
{
    size_t a, n = 0;
    int dom;

    if (e->external || w->combo.v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_MATCHES_PODS)
        return 0;
    dom = NV_CLASS_DOM(m, e->cls);
    for (a = 0; a < m->atoms.n; a++)
        if (m->atomdom[a] & dom)
            out[n++] = m->atoms.cuts[a];
    return n;
}

/* The ports side 'dir' admits for each candidate address of the end it depends on. */
static void nv_side_values(struct nv_model *m, struct nv_witness *w, enum nv_dir dir,
                           const struct nv_ip *cand, size_t n, uint32_t *out)
{
    /* egress depends on the destination's address, ingress on the source's */
    struct nv_end src = w->src, dst = w->dst;
    struct nv_end *e = dir == NV_EGRESS ? &dst : &src;
    size_t i;

    if (!n) {
        out[0] = nv_side_ports(m, dir, w, &src, &dst);
        return;
    }
    for (i = 0; i < n; i++) {
        e->ip = cand[i];
        e->has_ip = 1;
        out[i] = nv_side_ports(m, dir, w, &src, &dst);
    }
}

int nv_witness_place(struct nv_model *m, enum nv_part_kind kind, struct nv_witness *w)
{
    struct nv_ports *pt = &m->ports;
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
    ns = nv_candidates(m, w, &w->src, cs);
    nd = nv_candidates(m, w, &w->dst, cd);
    w->local = 0;
    /* egress values by destination address, ingress values by source address */
    nv_side_values(m, w, NV_EGRESS, cd, nd, vd);
    nv_side_values(m, w, NV_INGRESS, cs, ns, vs);
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
        /* allowed because the two pods share a node */
        found = 1;
        w->local = 1;
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

/* ---- netverify explain: the report, item by item ---- */

static struct nv_xitem *nv_xr_add(struct nv_xreport *r, enum nv_xitem_kind kind, const char *fmt,
                                  ...) NV_PRINTF(3, 4);

/* Append an item whose line is fmt (it follows a blank line when nv_xr_blank() said so). */
static struct nv_xitem *nv_xr_add(struct nv_xreport *r, enum nv_xitem_kind kind, const char *fmt,
                                  ...)
{
    struct nv_xitem *it;
    struct nv_buf b;
    va_list ap;

    NV_GROW(r->v, r->alloc, r->n + 1);
    it = &r->v[r->n++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->blank = r->blank;
    r->blank = 0;
    nv_buf_init(&b, 0);
    va_start(ap, fmt);
    nv_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    it->text = nv_buf_detach(&b);
    return it;
}

static void nv_xr_blank(struct nv_xreport *r)
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
static char *nv_xports_text(struct nv_model *m, uint32_t ports)
{
    return nv_xstrdup(ports == NV_PORTS_NONE ? "none" : nv_ports_format_npa(&m->ports, ports));
}

static void nv_xrule_set(struct nv_xitem *it, const struct nv_rule *rule, const char *result)
{
    it->word = result;
    it->loc = rule->loc;
    it->index = rule->index + 1;
}

int nv_xport_parse(const char *arg, struct nv_xport *p)
{
    const char *slash = strchr(arg, '/'), *num = slash ? slash + 1 : arg;
    char *end;
    unsigned long v;

    p->given = 1;
    p->proto = NV_PROTO_TCP;
    p->name = NULL;
    p->proto_given = slash != NULL;
    if (slash) {
        char proto[8];
        int k;
        if ((size_t)(slash - arg) >= sizeof(proto))
            return -1;
        memcpy(proto, arg, (size_t)(slash - arg));
        proto[slash - arg] = 0;
        for (k = 0; proto[k]; k++)
            if (proto[k] >= 'a' && proto[k] <= 'z')
                proto[k] = (char)(proto[k] - 'a' + 'A');
        if ((k = nv_proto_parse(proto)) < 0)
            return -1;
        p->proto = (enum nv_proto)k;
    }
    if (!*num)
        return -1;
    errno = 0;
    v = strtoul(num, &end, 10);
    if (*num >= '0' && *num <= '9') {
        if (errno || *end || v < 1 || v > 65535)
            return -1;
        p->port = (unsigned)v;
        return 0;
    }
    p->name = num;
    return 0;
}

int nv_xport_resolve(const struct nv_model *m, const struct nv_xend *dst, struct nv_xport *p,
                     struct nv_buf *err)
{
    int proto_given = p->proto_given;
    const struct nv_workload *w;
    struct nv_suggest sg;
    size_t i, k;

    if (!p->name)
        return 0;
    if (dst->external) {
        nv_buf_printf(err, "--port '%s': a named port needs a workload destination", p->name);
        return -1;
    }
    w = &m->workloads[dst->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        for (k = 0; k < pod->nports; k++)
            if (!strcmp(pod->ports[k].name, p->name) &&
                (!proto_given || pod->ports[k].proto == p->proto)) {
                p->proto = pod->ports[k].proto; /* each pod resolves it again: nv_xend_groups */
                p->port = pod->ports[k].port;
                return 0;
            }
    }
    nv_buf_printf(err, "--port '%s': %s declares no container port of that name", p->name, w->id);
    nv_suggest_init(&sg, p->name);
    for (i = 0; i < w->npods; i++)
        for (k = 0; k < m->pods[w->pods[i]].nports; k++)
            nv_suggest_add(&sg, m->pods[w->pods[i]].ports[k].name);
    if (nv_suggest_best(&sg))
        nv_buf_printf(err, "; did you mean '%s'?", nv_suggest_best(&sg));
    return -1;
}

int nv_xself_check(const struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   struct nv_buf *err)
{
    const struct nv_workload *w;

    if (src->external || dst->external || src->wl != dst->wl)
        return 0;
    w = &m->workloads[src->wl];
    if (w->count >= 2)
        return 0;
    nv_buf_printf(err,
                  "--from and --to name %s[%s], which runs one pod: a pod's traffic to itself "
                  "never counts",
                  w->id, w->kind);
    return -1;
}

struct nv_xctx {
    struct nv_model *m;
    struct nv_matrix *x; /* for what each combination of the plugin's behaviours allows */
    struct nv_xreport *r;
    struct nv_xport port;
    struct nv_buf b, line;
};

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

/*
 * One direction: egress of src (other = dst) or ingress of dst (other = src),
 * as nv_explain() decided it in 'side', told rule by rule.
 */
static void nv_direction(struct nv_xctx *X, enum nv_dir dir, const struct nv_xend *self,
                         const struct nv_side *side, const struct nv_end *oe,
                         const struct nv_end *de)
{
    struct nv_model *m = X->m;
    const char *word = dir == NV_INGRESS ? "ingress" : "egress";
    char where[512];
    size_t i, r, k, npol = side->npolicies;
    struct nv_buf *b = &X->b;
    struct nv_xitem *it;

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
    if (!side->isolated) {
        it = nv_xr_add(X->r, NV_XI_DIRECTION,
                       "%s: not isolated: no NetworkPolicy with %s in its policyTypes selects it, "
                       "so everything is allowed",
                       nv_buf_str(b), dir == NV_INGRESS ? "Ingress" : "Egress");
        nv_xdir_set(X, it, word, "not-isolated", self);
        return;
    }
    it = nv_xr_add(X->r, NV_XI_DIRECTION, "%s: isolated by %zu NetworkPolic%s", nv_buf_str(b), npol,
                   npol == 1 ? "y" : "ies");
    nv_xdir_set(X, it, word, "isolated", self);
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
                int ok = nv_ports_contains(&m->ports, ports, X->port.proto, X->port.port);
                if (ok)
                    it =
                        nv_xr_add(X->r, NV_XI_RULE, "%smatches: %s; ports %s", nv_buf_str(&X->line),
                                  nv_buf_str(b), nv_ports_format_npa(&m->ports, ports));
                else
                    it = nv_xr_add(X->r, NV_XI_RULE,
                                   "%sdoes not match: %s matches, but the rule's ports are %s",
                                   nv_buf_str(&X->line), nv_buf_str(b),
                                   ports == NV_PORTS_NONE
                                       ? "none here (a named port the destination does not "
                                         "declare)"
                                       : nv_ports_format_npa(&m->ports, ports));
                nv_xrule_set(it, rule, ok ? "matches" : "does-not-match");
            } else if (ports == NV_PORTS_NONE) {
                it = nv_xr_add(X->r, NV_XI_RULE,
                               "%sadmits nothing: %s matches, but its named ports are not "
                               "declared by the destination",
                               nv_buf_str(&X->line), nv_buf_str(b));
                nv_xrule_set(it, rule, "admits-nothing");
            } else {
                it = nv_xr_add(X->r, NV_XI_RULE, "%sadmits %s: %s", nv_buf_str(&X->line),
                               nv_ports_format_npa(&m->ports, ports), nv_buf_str(b));
                nv_xrule_set(it, rule, "admits");
            }
            it->detail = nv_xstrdup(nv_buf_str(b));
            it->ports = nv_xports_text(m, ports);
        }
    }
    it = nv_xr_add(X->r, NV_XI_ALLOWED, "  %s allowed: %s", word,
                   side->ports == NV_PORTS_NONE ? "nothing"
                                                : nv_ports_format_npa(&m->ports, side->ports));
    it->ports = nv_xports_text(m, side->ports);
}

static int nv_u32_has(const uint32_t *v, size_t n, uint32_t x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/*
 * A group of an end's pods that explain judges together: an external address,
 * or the pods of one class of the workload (and, at the destination of a named
 * --port, with one resolution of it). 'pods' are pod groups of the model.
 */
struct nv_xgroup {
    struct nv_end end;
    enum nv_proto proto; /* the port the flow is asked on, toward this group */
    unsigned port;
    int has_port; /* 0: a named --port these pods do not declare */
    uint32_t *pods;
    size_t npods;
    unsigned count; /* pods of the workload in the class */
};

struct nv_xgroups {
    struct nv_xgroup *v;
    size_t n, alloc;
};

static void nv_xgroups_release(struct nv_xgroups *g)
{
    size_t i;

    for (i = 0; i < g->n; i++)
        free(g->v[i].pods);
    free(g->v);
    memset(g, 0, sizeof(*g));
}

/* What a named --port resolves to on pod (by name, and protocol when given); 0 if not declared. */
static unsigned nv_xport_on(const struct nv_xport *p, int proto_given, const struct nv_pod *pod,
                            enum nv_proto *proto)
{
    size_t k;

    for (k = 0; k < pod->nports; k++)
        if (!strcmp(pod->ports[k].name, p->name) &&
            (!proto_given || pod->ports[k].proto == p->proto)) {
            *proto = pod->ports[k].proto;
            return pod->ports[k].port;
        }
    return 0;
}

/*
 * The groups of end e: its pods by class (only the classes e->only lists, when
 * it does), the destination's also by what a named --port resolves to there.
 */
static void nv_xend_groups(const struct nv_xctx *X, const struct nv_xend *e, int is_dst,
                           int proto_given, struct nv_xgroups *out)
{
    const struct nv_model *m = X->m;
    const struct nv_workload *w;
    size_t i, j;

    memset(out, 0, sizeof(*out));
    if (e->external) {
        NV_GROW(out->v, out->alloc, 1);
        memset(&out->v[0], 0, sizeof(out->v[0]));
        out->v[0].end.external = 1;
        out->v[0].end.ip = e->ip;
        out->v[0].end.pod = UINT32_MAX;
        out->v[0].proto = X->port.proto;
        out->v[0].port = X->port.port;
        out->v[0].has_port = 1;
        out->n = 1;
        return;
    }
    w = &m->workloads[e->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        enum nv_proto proto = X->port.proto;
        unsigned port = X->port.port;
        int has = 1;
        struct nv_xgroup *g;
        if (e->only && !nv_u32_has(e->only, e->nonly, w->pods[i]))
            continue;
        if (is_dst && X->port.name)
            has = (port = nv_xport_on(&X->port, proto_given, pod, &proto)) != 0;
        for (j = 0; j < out->n; j++)
            if (out->v[j].end.cls == pod->cls && out->v[j].has_port == has &&
                (!has || (out->v[j].port == port && out->v[j].proto == proto)))
                break;
        if (j == out->n) {
            NV_GROW(out->v, out->alloc, out->n + 1);
            g = &out->v[out->n++];
            memset(g, 0, sizeof(*g));
            g->end.cls = pod->cls;
            g->end.pod = UINT32_MAX;
            g->proto = proto;
            g->port = port;
            g->has_port = has;
            g->count = nv_model_pods_in(m, (uint32_t)e->wl, pod->cls);
        }
        g = &out->v[j];
        g->pods = nv_xrealloc(g->pods, (g->npods + 1) * sizeof(*g->pods));
        g->pods[g->npods++] = w->pods[i];
    }
}

/* Whether a flow runs from group s to group d: two distinct pods (one workload's class twice). */
static int nv_xpair_ok(const struct nv_xend *src, const struct nv_xend *dst,
                       const struct nv_xgroup *s, const struct nv_xgroup *d)
{
    if (s->end.external || d->end.external)
        return !(s->end.external && d->end.external);
    return src->wl != dst->wl || s->end.cls != d->end.cls || s->count >= 2;
}

/* How many group pairs are flows. */
static size_t nv_xpairs(const struct nv_xend *src, const struct nv_xend *dst,
                        const struct nv_xgroups *sg, const struct nv_xgroups *dg)
{
    size_t i, j, n = 0;

    for (i = 0; i < sg->n; i++)
        for (j = 0; j < dg->n; j++)
            n += dg->v[j].has_port && nv_xpair_ok(src, dst, &sg->v[i], &dg->v[j]);
    return n;
}

/* The ports a named --port resolves to on the destination: "TCP 80" or "TCP 80, TCP 81". */
static void nv_put_resolved(struct nv_buf *b, const struct nv_xgroups *dg)
{
    size_t j, k, n = 0;

    for (j = 0; j < dg->n; j++) {
        const struct nv_xgroup *g = &dg->v[j];
        if (!g->has_port)
            continue;
        for (k = 0; k < j; k++)
            if (dg->v[k].has_port && dg->v[k].proto == g->proto && dg->v[k].port == g->port)
                break;
        if (k < j)
            continue;
        nv_buf_printf(b, "%s%s %u", n++ ? ", " : "", nv_proto_name(g->proto), g->port);
    }
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
    struct nv_model *m = X->m;

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
    struct nv_model *m = X->m;
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
                poss[k] = nv_ports_union(&m->ports, poss[k], x);
                sure[k] = nv_ports_union(&m->ports, sure[k], y);
                npairs++;
                nposs += nv_ports_contains(&m->ports, x, d->proto, d->port);
                nsure += nv_ports_contains(&m->ports, y, d->proto, d->port);
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
              "pods at no particular address; with %sthe pods' addresses and nodes:",
              nv_buf_str(&X->b), n > 1 ? "each of its behaviours, and " : "");
    for (k = 0; k < n; k++) {
        nv_buf_reset(&X->b);
        nv_report_combo(&X->b, m, nv_matrix_combo(X->x, k));
        nv_buf_puts(&X->b, ": ");
        if (X->port.given) {
            nv_buf_puts(&X->b, nv_xstate_text[st[k]]);
        } else if (poss[k] == NV_PORTS_NONE) {
            nv_buf_puts(&X->b, "blocked on every port");
        } else {
            nv_buf_puts(&X->b, "allowed on ");
            nv_report_conns(&X->b, &m->ports, poss[k], sure[k], 1);
            if (poss[k] != sure[k])
                nv_buf_puts(&X->b, " ('?': for some addresses or nodes of the pods only)");
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

static void nv_explain_flow(struct nv_xctx *X, const struct nv_xend *src, const struct nv_xend *dst,
                            int proto_given)
{
    struct nv_model *m = X->m;
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
            nv_direction(X, NV_EGRESS, src, &why.egress, &d->end, &d->end);
            nv_xr_blank(X->r);
            nv_direction(X, NV_INGRESS, dst, &why.ingress, &s->end, &d->end);
            e = why.egress.ports;
            in = why.ingress.ports;
            both = why.allowed;
            nv_flow_why_release(&why);
            total = nv_ports_union(&m->ports, total, both);
            if (X->port.given) {
                int ok = nv_ports_contains(&m->ports, both, d->proto, d->port);
                some |= ok;
                every &= ok;
                eblock |= !nv_ports_contains(&m->ports, e, d->proto, d->port);
                iblock |= !nv_ports_contains(&m->ports, in, d->proto, d->port);
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
            it = nv_xr_add(X->r, NV_XI_VERDICT, "verdict: depends on the %s (see above)",
                           nv_matrix_ncombos(X->x) > 1
                               ? "network plugin and the pods' addresses or nodes"
                               : "pods' addresses or nodes");
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
                                             : nv_ports_format_npa(&m->ports, total));
        it->word = "allowed";
        it->ports = nv_xports_text(m, total);
    }
out:
    nv_xgroups_release(&sg);
    nv_xgroups_release(&dg);
}

/* Whether --port p picks Service port sp (by name, or by number on any protocol unless given). */
static int nv_xsvc_picks(const struct nv_xport *p, int proto_given,
                         const struct nv_service_port *sp)
{
    if (!p->given)
        return 1;
    if (proto_given && p->proto != sp->proto)
        return 0;
    return p->name ? sp->name && !strcmp(sp->name, p->name) : sp->port == p->port;
}

static int nv_u32_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return a < b ? -1 : a > b;
}

/*
 * Service port sp toward the selected pods of workload w: for each target
 * port they resolve it to (ascending), one line that says so and the
 * explanation of that flow; *missing counts the selected pods of w that do
 * not declare a named targetPort (no endpoint there).
 */
static void nv_explain_svc_workload(struct nv_xctx *X, const struct nv_xend *src,
                                    const struct nv_service *svc, const struct nv_service_port *sp,
                                    const char *spdesc, size_t w, size_t *nends, size_t *missing)
{
    struct nv_model *m = X->m;
    uint32_t *targets = nv_xmalloc((m->npods + 1) * sizeof(*targets));
    uint32_t *pods = nv_xmalloc((m->npods + 1) * sizeof(*pods));
    size_t i, k, nt = 0;
    struct nv_xitem *it;

    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        unsigned t;
        if (pod->workload != w || !nv_service_selects(m, svc, pod))
            continue;
        if (!(t = nv_service_target(sp, pod)))
            (*missing)++;
        else if (!nv_u32_has(targets, nt, t))
            targets[nt++] = t;
    }
    qsort(targets, nt, sizeof(*targets), nv_u32_cmp);
    for (k = 0; k < nt; k++) {
        struct nv_xend dst;
        size_t n = 0;
        for (i = 0; i < m->npods; i++) {
            const struct nv_pod *pod = &m->pods[i];
            if (pod->workload == w && nv_service_selects(m, svc, pod) &&
                nv_service_target(sp, pod) == targets[k])
                pods[n++] = (uint32_t)i;
        }
        memset(&dst, 0, sizeof(dst));
        dst.wl = (long)w;
        dst.only = pods;
        dst.nonly = n;
        if ((*nends)++)
            nv_xr_blank(X->r);
        it = nv_xr_add(X->r, NV_XI_SERVICE_PORT, "Service port %s -> targetPort %u on %s[%s]",
                       spdesc, targets[k], m->workloads[w].id, m->workloads[w].kind);
        it->detail = nv_xstrdup(spdesc);
        it->index = targets[k];
        X->port.given = 1;
        X->port.proto = sp->proto;
        X->port.port = targets[k];
        X->port.name = sp->target_name;
        nv_explain_flow(X, src, &dst, 1);
    }
    free(targets);
    free(pods);
}

/*
 * One Service port toward its endpoints, workload by workload; pods that do
 * not declare a named targetPort are no endpoint, and said to be.
 */
static void nv_explain_svc_port(struct nv_xctx *X, const struct nv_xend *src,
                                const struct nv_service *svc, const struct nv_service_port *sp)
{
    struct nv_model *m = X->m;
    size_t w, npods = 0, nends = 0;
    struct nv_buf spb;
    struct nv_xitem *it;

    nv_buf_init(&spb, 0);
    nv_service_port_format(&spb, sp);
    for (w = 0; w < m->npods; w++)
        if (nv_service_selects(m, svc, &m->pods[w])) {
            npods++;
            nends += nv_service_target(sp, &m->pods[w]) != 0;
        }
    if (!nends) {
        it = nv_xr_add(X->r, NV_XI_NOTE,
                       "Service port %s: no endpoint: its targetPort '%s' matches no "
                       "container port of the %zu pod%s the Service selects",
                       nv_buf_str(&spb), sp->target_name, npods, npods == 1 ? "" : "s");
        it->word = "service";
        nv_buf_release(&spb);
        return;
    }
    nends = 0;
    for (w = 0; w < m->nworkloads; w++) {
        size_t missing = 0;
        nv_explain_svc_workload(X, src, svc, sp, nv_buf_str(&spb), w, &nends, &missing);
        if (!missing)
            continue;
        if (nends++)
            nv_xr_blank(X->r);
        it = nv_xr_add(X->r, NV_XI_NOTE,
                       "Service port %s: %zu pod%s of %s do%s not declare the targetPort "
                       "'%s': no endpoint there",
                       nv_buf_str(&spb), missing, missing == 1 ? "" : "s", m->workloads[w].id,
                       missing == 1 ? "es" : "", sp->target_name);
        it->word = "service";
    }
    nv_buf_release(&spb);
}

/* --to 'svc NS/NAME': each Service port picked, mapped to its target port on each endpoint. */
static int nv_explain_svc(struct nv_xctx *X, const struct nv_xend *src,
                          const struct nv_service *svc, const char *port_arg, int proto_given,
                          struct nv_buf *err)
{
    struct nv_model *m = X->m;
    struct nv_xport want = X->port;
    size_t i, npods = 0, picked = 0;
    char where[256];
    struct nv_xitem *it;

    for (i = 0; i < m->npods; i++)
        npods += nv_service_selects(m, svc, &m->pods[i]);
    if (!npods) {
        nv_buf_printf(err, "--to 'svc %s/%s': the Service selects no pod", svc->ns, svc->name);
        return -1;
    }
    for (i = 0; i < svc->nports; i++)
        picked += nv_xsvc_picks(&want, proto_given, &svc->ports[i]);
    if (!picked) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        for (i = 0; i < svc->nports; i++) {
            nv_buf_puts(&b, i ? ", " : "");
            nv_service_port_format(&b, &svc->ports[i]);
        }
        if (svc->nports)
            nv_buf_printf(err, "--port '%s' names no port of Service %s/%s (its ports: %s)",
                          port_arg, svc->ns, svc->name, nv_buf_str(&b));
        else
            nv_buf_printf(err, "--to 'svc %s/%s': the Service has no ports", svc->ns, svc->name);
        nv_buf_release(&b);
        return -1;
    }
    nv_buf_reset(&X->b);
    for (i = 0; i < svc->nports; i++)
        if (nv_xsvc_picks(&want, proto_given, &svc->ports[i])) {
            nv_buf_puts(&X->b, X->b.len ? ", " : "");
            nv_service_port_format(&X->b, &svc->ports[i]);
        }
    it = nv_xr_add(X->r, NV_XI_SERVICE, "Service %s/%s (%s): %zu pod%s selected; Service port%s %s",
                   svc->ns, svc->name, nv_loc_format(svc->loc, where, sizeof(where)), npods,
                   npods == 1 ? "" : "s", picked == 1 ? "" : "s", nv_buf_str(&X->b));
    it->name = nv_xmalloc(strlen(svc->ns) + strlen(svc->name) + 2);
    sprintf(it->name, "%s/%s", svc->ns, svc->name);
    it->loc = svc->loc;
    it->detail = nv_xstrdup(nv_buf_str(&X->b));
    for (i = 0; i < svc->nports; i++) {
        if (!nv_xsvc_picks(&want, proto_given, &svc->ports[i]))
            continue;
        nv_xr_blank(X->r);
        nv_explain_svc_port(X, src, svc, &svc->ports[i]);
    }
    return 0;
}

int nv_explain_run(struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   const struct nv_service *svc, const struct nv_xport *port, const char *port_arg,
                   struct nv_xreport *out, struct nv_buf *err)
{
    struct nv_xctx X;
    int rc = 0;

    memset(&X, 0, sizeof(X));
    memset(out, 0, sizeof(*out));
    X.m = m;
    X.r = out;
    X.port = *port;
    nv_buf_init(&X.b, 0);
    nv_buf_init(&X.line, 0);
    X.x = nv_matrix_new(m);
    if (!svc)
        nv_explain_flow(&X, src, dst, port->proto_given);
    else
        rc = nv_explain_svc(&X, src, svc, port_arg, port->proto_given, err);
    nv_matrix_free(X.x);
    nv_buf_release(&X.b);
    nv_buf_release(&X.line);
    return rc;
}
