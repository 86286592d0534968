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

enum nv_verdict { NV_HOLDS, NV_REFUTED, NV_UNDECIDED };

/* One side of a witness flow: a class (a workload's pod) or an external address. */
struct nv_end {
    int external;
    uint32_t cls;    /* when !external */
    struct nv_ip ip; /* when external */
    /* a witness's pod (set by nv_witness_pods): pod group and which of its pods;
     * UINT32_MAX when not chosen */
    uint32_t pod;
    unsigned inst;
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
    struct nv_witness w; /* when refuted */
    const char *why;     /* when undecided */
};

struct nv_result {
    size_t nparts;
    struct nv_part parts[2];
};

/* The parts a claim is made of, with verdicts unset. */
void nv_result_init(struct nv_result *r, const struct nv_claim *c);
/* The claim's overall verdict: refuted if any part is, else undecided if any is, else holds. */
enum nv_verdict nv_result_verdict(const struct nv_result *r);

/* Decide every part of claim c with the matrix engine. */
void nv_check_matrix(struct nv_matrix *x, const struct nv_claim *c, struct nv_result *out);

/* The ports claim c asks about toward destination d (every port when it names none). */
uint32_t nv_claim_ports_to(struct nv_model *m, const struct nv_claim *c, const struct nv_end *d);

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

#endif
