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
#include "netverify/model.h"

/* The bounds of a run. */
struct nv_check_opts {
    double timeout;       /* seconds per claim, 0: none */
    const char *emit_dir; /* also write each query as SMT-LIB2 there, or NULL */
    unsigned jobs;        /* solvers in threads, 1-8; 0: the default for the model */
    int cross;            /* decide again with the set-algebra engine; disagreeing fails */
};

/* What a run found: a result per claim, in the claims' order. */
struct nv_check_run {
    struct nv_model *m;
    const struct nv_claims *claims;
    struct nv_result *results;
    size_t counts[NV_NVERDICTS]; /* claims by overall verdict */
    int exit;                    /* the exit status the verdicts (or the failure) call for */
};

/*
 * Decide every claim of 'claims' (resolved against m) under 'o'. The solvers
 * read m in parallel; everything that adds to its port-set table runs in the
 * calling thread. Returns 0, or -1 after a message on stderr with out->exit
 * set: NV_EXIT_INPUT when an --emit-smt file could not be written,
 * NV_EXIT_INTERNAL when the two engines disagree. Release out with
 * nv_check_run_release() either way.
 */
int nv_check_all(struct nv_model *m, const struct nv_claims *claims, const struct nv_check_opts *o,
                 struct nv_check_run *out);
void nv_check_run_release(struct nv_check_run *r);

/*
 * Whether the files of up to 'nclaims' claims fit under --emit-smt DIR
 * (every name at most NAME_MAX bytes, every path under PATH_MAX: a name cut
 * short would write several claims to one file), and DIR exists or could be
 * made. Returns 0, or -1 after a message.
 */
int nv_check_emit_dir(const char *dir, size_t nclaims);

#endif
