/*
 * checkrun.h - one run of 'netverify check' as a library call: every claim
 * decided by a pool of SMT solvers, each counterexample checked against the
 * policies' rules (and optionally the set-algebra engine), and explained,
 * so that a renderer only formats what the run found.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CHECKRUN_H
#define NETVERIFY_CHECKRUN_H

#include <stddef.h>

#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/explain.h"
#include "netverify/model.h"

/* One direction of a counterexample flow, as the reports tell it (port sets are the model's). */
struct nv_cex_side {
    /* the rule that admits the flow on the witness's port (for a flow blocked on
     * every port, on any port), or NULL */
    const struct nv_admit *hit;
    /* a blocked flow this side does not admit: the ports of the counterexample it
     * blocks, and a rule that admits some of them ('other_ports') from (to) other
     * ends, or NULL */
    uint32_t blocked;
    const struct nv_policy *other_policy;
    const struct nv_rule *other_rule;
    uint32_t other_ports;
};

/*
 * A counterexample made ready to be told: the witness of a refuted (or
 * depending) part, explained rule by rule, and widened to what it stands for.
 * The ports are those of the claim on which the flow has the witness's verdict
 * (allowed, or blocked), under every combination of behaviours the witness
 * holds under; an external end is the range of addresses around the witness's
 * on which the flow, in the claim's set, has that verdict on those ports (see
 * "Counterexamples" in docs/claims.md).
 */
struct nv_cex {
    const struct nv_part *part;
    uint32_t need;                          /* the claim's ports toward the witness's destination */
    struct nv_flow_why why;                 /* not for 'is isolated' */
    struct nv_cex_side side[2];             /* egress, ingress */
    uint32_t ports;                         /* NV_PORTS_ALL: every port */
    struct nv_iprange src_range, dst_range; /* of an external end */
    /* a 'cannot reach' or 'only' flow under ipBlockMatchesPods: a rule that admits it by a
     * pod's address, or NULL */
    const struct nv_admit *ipblock;
};

/*
 * Explain part p of claim c (refuted or depending) for the reports. Adds to
 * m's port-set table, so not while solvers read m. Release with
 * nv_cex_release().
 */
void nv_cex_build(const struct nv_model *m, const struct nv_claim *c, const struct nv_part *p,
                  struct nv_cex *out);
void nv_cex_release(struct nv_cex *x);

/* The bounds of a run. */
struct nv_check_opts {
    double timeout;       /* seconds per claim, 0: none */
    const char *emit_dir; /* also write each query as SMT-LIB2 there, or NULL */
    unsigned jobs;        /* solvers in threads, 1-8; 0: the default for the model */
    int cross;            /* decide again with the set-algebra engine; disagreeing fails */
};

/* What a run found: a result per claim, in the claims' order. */
struct nv_check_run {
    const struct nv_model *m;
    const struct nv_claims *claims;
    struct nv_result *results;
    /* the counterexample of part p of claim i at cex[2 * i + p], when it has one */
    struct nv_cex *cex;
    size_t counts[NV_NVERDICTS]; /* claims by overall verdict */
    int exit;                    /* the exit status the verdicts (or the failure) call for */
    /* per claim, enum nv_expect: how its verdict meets 'expect: refuted' (or a baseline);
     * 'expected' claims are refuted or depend as expected and do not count in 'exit',
     * 'stale' ones hold though expected refuted, and count as refuted */
    unsigned char *expect;
    size_t nexpected, nstale;
};

/* How a claim's verdict meets an expectation of refutation. */
enum nv_expect {
    NV_EXPECT_NONE,  /* none, or undecided */
    NV_EXPECT_MET,   /* refuted (or depends) as expected: does not fail the gate */
    NV_EXPECT_STALE, /* holds though expected refuted: fails the gate, the marker must go */
};

/*
 * Decide every claim of 'claims' (resolved against m) under 'o'. The solvers
 * read m in parallel; everything that adds to its port-set table runs in the
 * calling thread. Returns 0, or -1 after a message on stderr with out->exit
 * set: NV_EXIT_INPUT when an --emit-smt file could not be written,
 * NV_EXIT_INTERNAL when the two engines disagree. Release out with
 * nv_check_run_release() either way.
 */
int nv_check_all(const struct nv_model *m, const struct nv_claims *claims,
                 const struct nv_check_opts *o, struct nv_check_run *out);
void nv_check_run_release(struct nv_check_run *r);

/* Count the exit status (and 'expect') of a run again, after its claims' expectations changed. */
void nv_check_exit(struct nv_check_run *r);

/*
 * Whether the files of up to 'nclaims' claims fit under --emit-smt DIR
 * (every name at most NAME_MAX bytes, every path under PATH_MAX: a name cut
 * short would write several claims to one file), and DIR exists or could be
 * made. Returns 0, or -1 after a message.
 */
int nv_check_emit_dir(const char *dir, size_t nclaims);

#endif
