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
    const struct nv_peer *peer; /* the peer that matched (NULL: a rule without from/to) */
    uint32_t ports;             /* what the rule admits toward this destination */
};

/* One direction of a flow, seen from the pod whose policies decide it. */
struct nv_side {
    int external; /* the deciding end is an external address: nothing restricts it */
    int node;     /* a hostNetwork pod the plugin treats as its node: nothing restricts it */
    int isolated;
    size_t npolicies;
    const struct nv_policy **policies; /* the policies isolating it in this direction */
    size_t nadmits;
    struct nv_admit *admits; /* rules that admit the other end (on some port) */
    uint32_t ports;          /* union of what they admit; NV_PORTS_ALL when not isolated */
};

struct nv_flow_why {
    struct nv_side egress, ingress;
    /* a hostNetwork pod (the plugin treating it as its node) and a pod on that node:
     * Kubernetes always allows it */
    int local;
    uint32_t allowed; /* egress.ports ∩ ingress.ports, or everything when local */
};

/*
 * Explain the flow from src to dst under combination 'combo' of the plugin's
 * behaviours (NULL: the model's first, see nv_model_combos()); 'local': a
 * hostNetwork pod at one end shares its node with the other end's pod. The
 * pods' addresses (has_ip) matter when ipBlocks match pods. Release with
 * nv_flow_why_release().
 */
void nv_explain(struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                const struct nv_combo *combo, int local, struct nv_flow_why *out);
void nv_flow_why_release(struct nv_flow_why *w);

/* Whether peer p of a rule of policy pol matches end e under combination c. */
int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e, const struct nv_combo *c);

/*
 * Give the pods of witness w addresses in their domains (when ipBlocks match
 * pods under w->combo) and say whether they share a node, so that the flow
 * breaks a part of kind 'kind' as the engines found: allowed on w's port
 * (cannot reach, only), blocked on it (reaches on ports) or on every port
 * (reaches). Returns 0, or -1 when no choice does.
 */
int nv_witness_place(struct nv_model *m, enum nv_part_kind kind, struct nv_witness *w);
/* What rule r admits toward destination d, named ports resolved on d. */
uint32_t nv_explain_rule_ports(struct nv_model *m, const struct nv_rule *r, const struct nv_end *d);

#endif
