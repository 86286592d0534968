/*
 * check.h - verdicts on claims. Two independent deciders share these result
 * types: the matrix engine (set algebra over rows) and the SMT engine (Z3).
 * A claim has one part, or two for "only A reaches B" (A reaches B; nothing
 * outside A reaches B); each part has its own verdict and witness.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CHECK_H
#define NETVERIFY_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/claim.h"
#include "netverify/matrix.h"
#include "netverify/model.h"

/*
 * NV_DEPENDS: refuted under some combination of the behaviours the profile
 * leaves unknown (or under some addresses of the pods and nodes), not shown
 * refuted under all of them (see "Verdicts" in docs/claims.md).
 */
enum nv_verdict { NV_HOLDS, NV_REFUTED, NV_UNDECIDED, NV_DEPENDS };
#define NV_NVERDICTS 4

/* One side of a witness flow: a class (a workload's pod) or an external address. */
struct nv_end {
    int external;
    uint32_t cls;    /* when !external */
    struct nv_ip ip; /* when external; for a pod, its address (or its node's) when has_ip */
    /* a witness's pod (set by nv_witness_pods): pod group and which of its pods;
     * UINT32_MAX when not chosen */
    uint32_t pod;
    unsigned inst;
    int has_ip;
};

/*
 * The counterexample of a refuted part. For 'cannot reach': a flow that is
 * allowed. For 'reaches': a flow that is blocked ('all_ports': blocked on
 * every port). For 'is isolated': 'src' is a pod not isolated in direction 'dir'.
 */
struct nv_witness {
    struct nv_end src, dst;
    enum nv_proto proto;
    unsigned port;
    int all_ports;
    int dir; /* NV_INGRESS or NV_EGRESS, for 'is isolated' */
    /* the behaviours it is a flow under; with a hostNetwork pod the plugin treats as its
     * node, whether the two pods share that node ('local') */
    struct nv_combo combo;
    int local;
    /* it breaks the part under every combination and address, not only these */
    int robust;
};

/* How a part fares under one combination of behaviours. */
enum nv_fate {
    NV_FATE_HOLDS,     /* no flow breaks it, whatever the pods' addresses and nodes */
    NV_FATE_REFUTED,   /* a flow breaks it whatever the addresses and nodes */
    NV_FATE_ADDRESSES, /* broken only under some addresses or placement of the pods */
    NV_FATE_UNDECIDED,
};

enum nv_part_kind {
    NV_PART_REACHES,  /* every a in A reaches every b in B (on P) */
    NV_PART_CANNOT,   /* no a in A reaches any b in B (on P) */
    NV_PART_ONLY,     /* nothing outside A reaches any b in B (on P) */
    NV_PART_ISOLATED, /* every pod of A is isolated */
};

struct nv_part {
    enum nv_part_kind kind;
    enum nv_verdict verdict;
    struct nv_witness w; /* when refuted or depends */
    const char *why;     /* when undecided */
    /* the combinations decided under, and the fate of the part under each */
    size_t ncombos;
    struct nv_combo combos[NV_MAX_COMBOS];
    unsigned char fate[NV_MAX_COMBOS];
};

struct nv_result {
    size_t nparts;
    struct nv_part parts[2];
};

/* The parts a claim is made of, with verdicts unset. */
void nv_result_init(struct nv_result *r, const struct nv_claim *c);
/*
 * The claim's overall verdict: refuted if any part is, else depends if any
 * part does, else undecided if any is, else holds.
 */
enum nv_verdict nv_result_verdict(const struct nv_result *r);

/*
 * The verdict of a part from its fates: holds if it holds under every
 * combination, refuted if refuted under every one, undecided if some fate is
 * undecided and none other breaks it, else depends.
 */
enum nv_verdict nv_part_settle(const struct nv_part *p);

/*
 * Decide every part of claim c with the matrix engine; a guardrail claim
 * ('regardless of NetworkPolicies') flow by flow through nv_explain_np(), with
 * the NetworkPolicy tier read against the part.
 */
void nv_check_matrix(struct nv_matrix *x, const struct nv_claim *c, struct nv_result *out);

/* The ports claim c asks about toward destination d (every port when it names none). */
uint32_t nv_claim_ports_to(const struct nv_model *m, const struct nv_claim *c,
                           const struct nv_end *d);
/* The same, interned in table t (a renderer's own) instead of m's. */
uint32_t nv_claim_ports_in(const struct nv_model *m, struct nv_ports *t, const struct nv_claim *c,
                           const struct nv_end *d);

/*
 * Name the pods of a refuted part's witness: a pod group of each end's class
 * and one of its pods, two distinct pods; of pods of several workloads, two
 * workloads rather than one. Both engines call it on every witness.
 */
void nv_witness_pods(const struct nv_model *m, enum nv_part_kind kind, struct nv_witness *w);

/*
 * Whether witness w is a flow the part's sets allow, between two distinct pods
 * of its ends' classes (a check on either engine's answer).
 */
int nv_witness_fits(const struct nv_model *m, const struct nv_claim *c, enum nv_part_kind kind,
                    const struct nv_witness *w);

/*
 * Whether the witness of part p of claim c (when refuted or depending) is a
 * flow of the claim's sets (nv_witness_fits) and the policies' rules, as
 * nv_explain() reads them under the witness's combination, agree with it:
 * allowed on its port for 'cannot reach' and 'only', blocked on it (on every
 * port when all_ports) for 'reaches'. Any other part is fine. 'check' stops
 * with an internal error on a witness that is not.
 */
int nv_witness_ok(const struct nv_model *m, const struct nv_claim *c, const struct nv_part *p);
struct nv_flow_why;
/*
 * The second half of nv_witness_ok(): whether 'why', the explanation of p's
 * witness, agrees with it, 'need' being the claim's ports toward its destination.
 */
int nv_witness_agrees(const struct nv_model *m, const struct nv_part *p, uint32_t need,
                      const struct nv_flow_why *why);

#endif
