/*
 * policy.h - policies compiled to rules: a subject, a direction, an action,
 * peers and ports, in one of three tiers.
 *
 * NetworkPolicies (model.policies) are the NetworkPolicy tier: every rule is
 * an Allow rule, the subject is a pod selector in the policy's namespace, and
 * a policy isolates what its policyTypes say.
 *
 * The cluster-wide tiers (model.tiered, never in model.policies, so code
 * written for NetworkPolicies alone never meets them):
 *   AdminNetworkPolicy          (policy.networking.k8s.io/v1alpha1)  tier Admin
 *   BaselineAdminNetworkPolicy  (v1alpha1, the one named 'default')  tier Baseline
 *   ClusterNetworkPolicy        (v1alpha2, spec.tier Admin|Baseline)
 * are compiled to the same structures:
 *   - policy: kind, tier, priority (0-1000; a BaselineAdminNetworkPolicy has
 *     none and gets NV_PRIORITY_BANP, after every Baseline ClusterNetworkPolicy,
 *     but the APIs do not order the two: see NV_PRIORITY_BANP), ns "" and
 *     nsidx 0 (meaningless), subject_ns (the subject's namespace selector, never
 *     NULL) and subject (its pod selector, never NULL; {} for a 'namespaces'
 *     subject); types = the directions it has rules for (admin policies
 *     isolate nothing: a direction no rule matches goes on to the next tier).
 *   - rules in written order, each with its action (Allow = CNP Accept,
 *     Deny, Pass) and rule name; first match wins within a policy.
 *   - peers: 'namespaces: SEL' is NV_PEER_PODS with ns_sel SEL and pod_sel
 *     NULL; 'pods' is NV_PEER_PODS with ns_sel (an absent namespaceSelector is
 *     {}) and pod_sel; both are flagged 'cluster' (ns_sel never means the
 *     policy's namespace) and never hold hostNetwork pods. 'networks' gives one
 *     NV_PEER_IPBLOCK per CIDR (no excepts): it holds every address in it, pod
 *     and node addresses too, whatever the cluster profile says of ipBlocks.
 *     'nodes' is NV_PEER_NODES (node_sel over Node labels: the nodes'
 *     addresses and the hostNetwork pods on them). 'domainNames' is
 *     NV_PEER_DOMAINS (what DNS answers: undecidable from manifests). A peer
 *     with no field this version knows is NV_PEER_UNKNOWN: fail closed (an
 *     Allow rule holding one matches nothing through it; a Deny or Pass rule
 *     holding one matches every peer and port: rule->fail_closed).
 *   - ports: a numeric entry has proto and port..end (ANP portNumber and
 *     portRange; CNP tcp/udp/sctp destinationPort number or range); a named
 *     entry (ANP namedPort, CNP destinationNamedPort) has name and any_proto
 *     set: it resolves on the destination pod to the container ports of that
 *     name, whatever their protocol, and toward an address to nothing.
 *     No ports/protocols: all_ports.
 * Nothing here is written after nv_model_finish(), which numbers policies,
 * rules and peers ('id'); engines keep their own tables, indexed by those ids.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_POLICY_H
#define NETVERIFY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/diag.h"
#include "netverify/ip.h"
#include "netverify/port.h"
#include "netverify/selector.h"

enum nv_dir { NV_INGRESS = 0, NV_EGRESS = 1 };
#define NV_TYPE_INGRESS 1
#define NV_TYPE_EGRESS 2

/* Evaluation order: lower tiers decide first (AdminNetworkPolicy, then NetworkPolicy, then
 * Baseline). */
enum nv_tier { NV_TIER_ADMIN = 0, NV_TIER_NETPOL = 1, NV_TIER_BASELINE = 2 };
enum nv_action { NV_ACTION_ALLOW, NV_ACTION_DENY, NV_ACTION_PASS };

enum nv_peer_kind {
    NV_PEER_PODS,
    NV_PEER_IPBLOCK,
    NV_PEER_NODES,   /* cluster tiers: Node objects by label (node_sel) */
    NV_PEER_DOMAINS, /* cluster tiers: domainNames (DNS decides) */
    NV_PEER_UNKNOWN, /* cluster tiers: a peer type this version does not know (fail closed) */
};

struct nv_peer {
    enum nv_peer_kind kind;
    struct nv_loc loc;
    /* NV_PEER_PODS: ns_sel NULL means the policy's own namespace; pod_sel NULL means every pod */
    const struct nv_selector *ns_sel;
    const struct nv_selector *pod_sel;
    /* cluster tiers: ns_sel is never NULL and hostNetwork pods are never held */
    unsigned char cluster;
    /* NV_PEER_NODES: the nodes whose labels it matches */
    const struct nv_selector *node_sel;
    /* NV_PEER_IPBLOCK: cidr minus excepts */
    struct nv_iprange cidr;
    size_t nexcept;
    struct nv_iprange *except;
    uint32_t id; /* by nv_model_finish: 0 .. model.npeer_ids - 1 (NetworkPolicies' first) */
};

/* One entry of a rule's ports list. */
struct nv_portspec {
    struct nv_loc loc;
    enum nv_proto proto;
    const char *name; /* a named port (resolved per destination), or NULL */
    unsigned port;    /* 0 = every port of the protocol */
    unsigned end;     /* endPort, or == port */
    /* a claim's container port name given without a protocol ('on http'): claim.c resolves it
     * to one entry per protocol the destination pods declare it for, before any engine */
    unsigned char any_proto;
};

struct nv_policy;

struct nv_rule {
    struct nv_policy *policy;
    enum nv_dir dir;
    enum nv_action action; /* NetworkPolicy: always NV_ACTION_ALLOW */
    const char *name;      /* cluster tiers: the rule's 'name', or NULL */
    /* cluster tiers: a Deny or Pass rule with an unknown peer type: it matches every peer
     * and port (the API's fail-closed reading) */
    unsigned char fail_closed;
    unsigned index; /* 0-based position in the policy's ingress or egress list */
    struct nv_loc loc;
    int all_peers; /* no from/to: every peer, inside and outside the cluster */
    size_t npeers;
    struct nv_peer *peers;
    int all_ports; /* no ports: everything */
    size_t nports;
    struct nv_portspec *ports;
    uint32_t numeric; /* port-set id of the numeric entries (NV_PORTS_ALL if all_ports) */
    int has_named;
    uint32_t id; /* by nv_model_finish: 0 .. model.nrule_ids - 1 (NetworkPolicies' first) */
};

enum nv_policy_kind {
    NV_POLICY_NETPOL, /* networking.k8s.io/v1 NetworkPolicy */
    NV_POLICY_ANP,    /* policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy */
    NV_POLICY_BANP,   /* policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy */
    NV_POLICY_CNP,    /* policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy */
};

/* The priority given to the BaselineAdminNetworkPolicy: after every Baseline
 * ClusterNetworkPolicy (0-1000). No API orders the two; engines treat any
 * verdict that changes when it goes first as plugin-dependent. */
#define NV_PRIORITY_BANP 1001

/* "NetworkPolicy", "AdminNetworkPolicy", ... */
const char *nv_policy_kind_name(enum nv_policy_kind k);
/* "Admin", "NetworkPolicy", "Baseline" */
const char *nv_tier_name(enum nv_tier t);
/* "Allow" (or "Accept" for a ClusterNetworkPolicy), "Deny", "Pass" */
const char *nv_action_name(enum nv_action a, enum nv_policy_kind k);

struct nv_policy {
    enum nv_policy_kind kind;
    enum nv_tier tier;
    int priority;          /* order within the tier (cluster tiers); 0 for NetworkPolicy */
    const char *ns, *name; /* ns "" for the cluster tiers */
    unsigned nsidx;        /* NetworkPolicy only */
    struct nv_loc loc;
    /* NetworkPolicy: spec.podSelector, in the policy's namespace; cluster tiers: the
     * subject's pod selector ({} for a 'namespaces' subject), with subject_ns */
    const struct nv_selector *subject;
    const struct nv_selector *subject_ns; /* cluster tiers only: the namespaces */
    int types; /* NV_TYPE_INGRESS | NV_TYPE_EGRESS: isolated (NetworkPolicy), has rules (tiers) */
    size_t nrules[2];
    struct nv_rule *rules[2]; /* by enum nv_dir */
    /* by nv_model_finish: a NetworkPolicy's index in model.policies, a cluster tier's
     * npolicies + its index in model.tiered */
    uint32_t id;
};

#endif
