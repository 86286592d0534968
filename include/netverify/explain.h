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

#include <stdio.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/model.h"

struct nv_admit {
    const struct nv_policy *policy;
    const struct nv_rule *rule;
    const struct nv_peer *peer; /* the peer that matched (NULL: a rule without from/to) */
    uint32_t ports;             /* what the rule admits toward this destination */
};

/*
 * A rule of the cluster tiers (Admin or Baseline, by its policy's tier) whose
 * peers hold the other end: the ports it decides, those of its ports no rule
 * above it decided. Its action says how.
 */
struct nv_tstep {
    const struct nv_policy *policy;
    const struct nv_rule *rule;
    const struct nv_peer *peer; /* the peer that matched (NULL: a fail-closed rule) */
    uint32_t ports;
};

/* One direction of a flow, seen from the pod whose policies decide it. */
struct nv_side {
    int external; /* the deciding end is an external address: nothing restricts it */
    int node;     /* a hostNetwork pod the plugin treats as its node: nothing restricts it */
    int isolated;
    /* a guardrail's reading (enum nv_np): no NetworkPolicy was consulted, 'isolated' and
     * 'ports' are what the NetworkPolicies most against the claim would make them */
    int np_free;
    size_t npolicies;
    const struct nv_policy **policies; /* the policies isolating it in this direction */
    size_t nadmits;
    struct nv_admit *admits; /* rules that admit the other end (on some port) */
    /* what the direction allows: the tiers' answer; with NetworkPolicies alone, the union
     * of what 'admits' admit, NV_PORTS_ALL when not isolated */
    uint32_t ports;
    /* the cluster tiers: the Admin rules, then the Baseline rules (consulted only when no
     * NetworkPolicy isolates the pod) that decide some port, in evaluation order */
    size_t nsteps;
    struct nv_tstep *steps;
    uint32_t passed;   /* what the Admin tier leaves to the tiers below it (Pass, no match) */
    uint32_t np_ports; /* of 'passed', what the NetworkPolicies admit (isolated only) */
    int local;         /* the NetworkPolicy tier admits everything: a pod and its own node */
};

/*
 * How the NetworkPolicy tier is read: as the manifests write it, or, for a
 * guardrail claim ('regardless of NetworkPolicies'), as the NetworkPolicies
 * most against the claim would have it: admitting everything they may decide
 * (OPEN, to refute 'cannot reach') or nothing (SHUT, to refute 'reaches'). A
 * pod no NetworkPolicy can select (a hostNetwork pod the plugin treats as its
 * node) is not theirs to decide either way.
 */
enum nv_np { NV_NP_AS_IS, NV_NP_OPEN, NV_NP_SHUT };

/* The reading part 'kind' of claim c is decided under. */
enum nv_np nv_explain_np_of(const struct nv_claim *c, enum nv_part_kind kind);

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
void nv_explain(const struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                const struct nv_combo *combo, int local, struct nv_flow_why *out);
/* The same with the NetworkPolicy tier read as 'np' says. */
void nv_explain_np(const struct nv_model *m, const struct nv_end *src, const struct nv_end *dst,
                   const struct nv_combo *combo, int local, enum nv_np np, struct nv_flow_why *out);
void nv_flow_why_release(struct nv_flow_why *w);

/* Whether peer p of a rule of cluster-tier policy pol holds end e (its address, when it has one).
 */
int nv_explain_tier_peer(const struct nv_model *m, const struct nv_peer *p, const struct nv_end *e,
                         const struct nv_combo *c);
/* Whether cluster-tier policy pol selects end e (a pod, never a hostNetwork one). */
int nv_explain_tier_subject(const struct nv_model *m, const struct nv_policy *pol,
                            const struct nv_end *e);
/* The step of side s that decides (proto, port), or NULL: the NetworkPolicy tier or the default. */
const struct nv_tstep *nv_side_step(const struct nv_model *m, const struct nv_side *s,
                                    enum nv_tier tier, enum nv_proto proto, unsigned port);

/* Whether peer p of a rule of policy pol matches end e under combination c. */
int nv_explain_peer(const struct nv_model *m, const struct nv_policy *pol, const struct nv_peer *p,
                    const struct nv_end *e, const struct nv_combo *c);

/*
 * Give the pods of witness w addresses in their domains (when ipBlocks match
 * pods under w->combo) and say whether they share a node, so that the flow
 * breaks a part of kind 'kind' of claim c as the engines found: allowed on w's port
 * (cannot reach, only), blocked on it (reaches on ports) or on every port
 * (reaches). Returns 0, or -1 when no choice does.
 */
int nv_witness_place(const struct nv_model *m, const struct nv_claim *c, enum nv_part_kind kind,
                     struct nv_witness *w);
/* The most orders of same-priority cluster-tier policies decided under, one by one. */
#define NV_TIER_MAX_ORDERS 64
/*
 * How many orders the network plugin may put the cluster-tier policies in:
 * every permutation of each group of one tier and priority, times the two
 * places of the BaselineAdminNetworkPolicy when a Baseline
 * ClusterNetworkPolicy exists (the APIs order neither); 1 when nothing is
 * left open, 0 when more than NV_TIER_MAX_ORDERS.
 */
size_t nv_explain_tier_orders(const struct nv_model *m);
/* Whether the BaselineAdminNetworkPolicy and a Baseline ClusterNetworkPolicy are both there. */
int nv_explain_banp_open(const struct nv_model *m);
/* model.tiered in order number 'order' (0: as the model sorts it), into out (ntiered). */
void nv_explain_tier_order(const struct nv_model *m, unsigned order, const struct nv_policy **out);

/* The most peers the manifests cannot decide, decided both ways one by one. */
#define NV_TIER_MAX_MAYBE 6
/*
 * Peers of the cluster tiers whose holding the other end the manifests cannot
 * decide: 'domainNames' toward an external address, 'nodes' without Node
 * objects toward a node's address, 'nodes' selecting some of the Node objects
 * toward a hostNetwork pod (which node it runs on is not known). Returns the
 * index of p among them (bit p of a combination's 'maybe'), or -1; with p ==
 * NULL, how many there are.
 */
int nv_explain_maybe_peer(const struct nv_model *m, const struct nv_peer *p);

/* Whether a rule of the cluster tiers looks at addresses (a 'networks' or 'nodes' peer). */
int nv_explain_sees_addresses(const struct nv_model *m);
/*
 * The addresses pod end e may have where policies look at them under
 * combination c (ipBlocks matching pods, or 'see': the cluster tiers), the
 * first of every atom of its domain, into out (m->atoms.n of them at most);
 * 0 when none matters, or e is external.
 */
size_t nv_explain_addrs(const struct nv_model *m, const struct nv_end *e, const struct nv_combo *c,
                        int see, struct nv_ip *out);
/* What rule r admits toward destination d, named ports resolved on d. */
uint32_t nv_explain_rule_ports(const struct nv_model *m, const struct nv_rule *r,
                               const struct nv_end *d);

/* ---- netverify explain: the flows between two endpoints, rule by rule ---- */

/* One end: a workload (some of its pod groups, when 'only' is set) or an address. */
struct nv_xend {
    int external;
    struct nv_ip ip;
    long wl;
    /* when set, only these pod groups of the workload (a Service's endpoints of one port) */
    const uint32_t *only;
    size_t nonly;
};

/* The port asked: PROTO/NUMBER, NUMBER, PROTO/NAME or NAME (a named port of the destination). */
struct nv_xport {
    int given;
    int proto_given; /* PROTO/ written */
    enum nv_proto proto;
    unsigned port;
    const char *name; /* as given, when named */
};

/* Parse --port into p; -1 when it is none of those forms. */
int nv_xport_parse(const char *arg, struct nv_xport *p);
/*
 * A named port must name a container port of some destination pod (a
 * workload); the checks return 0, or -1 with the reason in err.
 */
int nv_xport_resolve(const struct nv_model *m, const struct nv_xend *dst, struct nv_xport *p,
                     struct nv_buf *err);
/* A workload to itself is a flow between two of its pods: it needs two. */
int nv_xself_check(const struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   struct nv_buf *err);

/*
 * The explanation is a list of items in the order the text shows them, one
 * line each; the JSON nests them: SERVICE > SERVICE_PORT > FLOW > PAIR >
 * DIRECTION > POLICY > RULE > PEER (NOTE, TIER, WALK, ALLOWED, BEHAVIOURS,
 * BEHAVIOUR and VERDICT belong to the item above them).
 */
enum nv_xitem_kind {
    NV_XI_SERVICE,      /* --to 'svc NS/NAME': the Service, its pods, the Service ports picked */
    NV_XI_SERVICE_PORT, /* one Service port toward some pods: its target port there */
    NV_XI_NOTE,         /* a line on its own: no endpoint, pods without the port, no flow */
    NV_XI_FLOW,         /* flow: SRC -> DST [on PORT] */
    NV_XI_PAIR,         /* the pods of one pair of pod groups, when there are several */
    NV_XI_DIRECTION,    /* egress of the source or ingress of the destination: isolated or not */
    NV_XI_POLICY,       /* a NetworkPolicy that isolates it */
    NV_XI_RULE,         /* one of its rules: whether it admits the flow */
    NV_XI_PEER,         /* a peer of a rule that does not match, and why */
    NV_XI_TIER,         /* a rule of the Admin or Baseline tier that matched, or none did */
    NV_XI_WALK,         /* the port asked through the tiers: "Admin: Pass -> ..." */
    NV_XI_ALLOWED,      /* what the direction allows */
    NV_XI_BEHAVIOURS,   /* the answer turns on the plugin's behaviours or the pods' addresses */
    NV_XI_BEHAVIOUR,    /* the answer under one combination of behaviours */
    NV_XI_VERDICT,
};

struct nv_xitem {
    enum nv_xitem_kind kind;
    int blank;  /* the text has a blank line before it */
    char *text; /* the line as the text shows it (not escaped) */
    /* DIRECTION: egress or ingress; RULE, BEHAVIOUR, VERDICT: the result; TIER: the tier */
    const char *word;
    /* DIRECTION: external, not-isolated or isolated; TIER: accept, deny, pass or no-match */
    const char *state;
    /* POLICY, SERVICE: NS/NAME; PEER: the peer; DIRECTION: its end; FLOW: the source;
     * TIER: the policy, "Kind name" */
    char *name;
    /* POLICY: its podSelector; RULE: what matched; PEER: why not; FLOW: the destination;
     * SERVICE_PORT: the Service port; VERDICT: the port asked */
    char *detail;
    char *ports; /* ALLOWED, RULE, BEHAVIOUR, VERDICT: a port set as text ("TCP 80"), or NULL */
    struct nv_loc loc; /* POLICY, RULE, PEER, SERVICE, TIER (its rule) */
    /* RULE, TIER: the rule's number in the policy; SERVICE_PORT: the target port */
    unsigned index;
    int priority; /* TIER: the policy's priority (-1: none, the BaselineAdminNetworkPolicy) */
    struct nv_xport port; /* FLOW: the port asked, resolved */
};

struct nv_xreport {
    struct nv_xitem *v;
    size_t n, alloc;
    int blank; /* while building: the next item follows a blank line */
};
void nv_xreport_release(struct nv_xreport *r);

/*
 * Explain the flows from src to dst (a workload or an address each), or, when
 * svc is set, to each endpoint of the Service ports 'port' picks (port_arg as
 * written, for messages), into out. Returns 0, or -1 with the reason in err
 * (nothing to explain: a Service without pods or without the port asked).
 */
int nv_explain_run(const struct nv_model *m, const struct nv_xend *src, const struct nv_xend *dst,
                   const struct nv_service *svc, const struct nv_xport *port, const char *port_arg,
                   struct nv_xreport *out, struct nv_buf *err);

/*
 * Explaining from the ingress controller (explain_expose.c): put in front of
 * r's items the routes that send it to workload wl (kind, name, position, the
 * Service port, the target ports on wl's pods), and a line saying whether the
 * port asked is one of them or which ports are.
 */
void nv_explain_exposure(const struct nv_model *m, size_t wl, const struct nv_xport *port,
                         struct nv_xreport *r);

/* The renderers (explain_render.c); they return 0, or -1 when the output fails. */
int nv_explain_write_text(FILE *fp, const struct nv_xreport *r);
int nv_explain_write_json(FILE *fp, const struct nv_xreport *r, const char *from, const char *to,
                          const char *port);

#endif
