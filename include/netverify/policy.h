/*
 * policy.h - policies compiled to rules: a subject selector, a direction, an
 * action, peers and ports. NetworkPolicy rules are Allow rules of the
 * NetworkPolicy tier; the tier and action fields leave room for
 * AdminNetworkPolicy's priority-ordered Allow/Deny/Pass rules.
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

enum nv_peer_kind { NV_PEER_PODS, NV_PEER_IPBLOCK };

struct nv_peer {
    enum nv_peer_kind kind;
    struct nv_loc loc;
    /* NV_PEER_PODS: ns_sel NULL means the policy's own namespace; pod_sel NULL means every pod */
    const struct nv_selector *ns_sel;
    const struct nv_selector *pod_sel;
    /* NV_PEER_IPBLOCK: cidr minus excepts */
    struct nv_iprange cidr;
    size_t nexcept;
    struct nv_iprange *except;
    uint32_t engine_index; /* set by the engine (the same in every engine of a model) */
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
    enum nv_action action;
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
    uint32_t engine_index; /* set by the engine */
};

enum nv_policy_kind { NV_POLICY_NETPOL };

struct nv_policy {
    enum nv_policy_kind kind;
    enum nv_tier tier;
    int priority; /* order within the tier (AdminNetworkPolicy); 0 for NetworkPolicy */
    const char *ns, *name;
    unsigned nsidx;
    struct nv_loc loc;
    const struct nv_selector *subject; /* spec.podSelector, in the policy's namespace */
    int types;                         /* NV_TYPE_INGRESS | NV_TYPE_EGRESS */
    size_t nrules[2];
    struct nv_rule *rules[2]; /* by enum nv_dir */
    uint32_t engine_index;    /* set by the engine (the same in every engine of a model) */
};

#endif
