/*
 * explain.c - the rules behind one flow, evaluated from the policies.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/explain.h"

#include <stdlib.h>
#include <string.h>

int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e)
{
    size_t i;

    if (p->kind == NV_PEER_IPBLOCK) {
        if (!e->external || !nv_iprange_has(&p->cidr, &e->ip))
            return 0;
        for (i = 0; i < p->nexcept; i++)
            if (nv_iprange_has(&p->except[i], &e->ip))
                return 0;
        return 1;
    }
    if (e->external)
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
                    const struct nv_end *other, const struct nv_end *dst, struct nv_side *out)
{
    int type = dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS;
    size_t i, r, k, palloc = 0, aalloc = 0;

    memset(out, 0, sizeof(*out));
    out->ports = NV_PORTS_ALL;
    if (self->external) {
        out->external = 1;
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
            uint32_t ports;
            int hit = rule->all_peers;
            for (k = 0; k < rule->npeers && !hit; k++)
                hit = nv_explain_peer(m, p, &rule->peers[k], other);
            if (!hit || (ports = nv_explain_rule_ports(m, rule, dst)) == NV_PORTS_NONE)
                continue;
            NV_GROW(out->admits, aalloc, out->nadmits + 1);
            out->admits[out->nadmits].policy = p;
            out->admits[out->nadmits].rule = rule;
            out->admits[out->nadmits].ports = ports;
            out->nadmits++;
            out->ports = nv_ports_union(&m->ports, out->ports, ports);
        }
    }
}

void nv_explain(struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                struct nv_flow_why *out)
{
    memset(out, 0, sizeof(*out));
    nv_side(m, NV_EGRESS, src, dst, dst, &out->egress);
    nv_side(m, NV_INGRESS, dst, src, dst, &out->ingress);
    out->allowed = nv_ports_inter(&m->ports, out->egress.ports, out->ingress.ports);
}

void nv_flow_why_release(struct nv_flow_why *w)
{
    free((void *)w->egress.policies);
    free(w->egress.admits);
    free((void *)w->ingress.policies);
    free(w->ingress.admits);
    memset(w, 0, sizeof(*w));
}
