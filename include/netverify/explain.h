/*
 * explain.h - why one flow is allowed or blocked: per direction, whether the
 * pod is isolated, by which policies, and which rules admit the flow, with
 * positions. Computed from the policies directly, for counterexamples and for
 * 'netverify explain'.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_EXPLAIN_H
#define NETVERIFY_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/check.h"
#include "netverify/model.h"

struct nv_admit {
    const struct nv_policy *policy;
    const struct nv_rule *rule;
    uint32_t ports; /* what the rule admits toward this destination */
};

/* One direction of a flow, seen from the pod whose policies decide it. */
struct nv_side {
    int external; /* the deciding end is an external address: nothing restricts it */
    int isolated;
    size_t npolicies;
    const struct nv_policy **policies; /* the policies isolating it in this direction */
    size_t nadmits;
    struct nv_admit *admits; /* rules that admit the other end (on some port) */
    uint32_t ports;          /* union of what they admit; NV_PORTS_ALL when not isolated */
};

struct nv_flow_why {
    struct nv_side egress, ingress;
    uint32_t allowed; /* egress.ports ∩ ingress.ports */
};

/* Explain the flow from src to dst. Release with nv_flow_why_release(). */
void nv_explain(struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                struct nv_flow_why *out);
void nv_flow_why_release(struct nv_flow_why *w);

/* Whether peer p of a rule of policy pol matches end e. */
int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e);
/* What rule r admits toward destination d, named ports resolved on d. */
uint32_t nv_explain_rule_ports(struct nv_model *m, const struct nv_rule *r, const struct nv_end *d);

#endif
