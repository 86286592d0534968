/*
 * smt.h - the SMT engine: the model as QF_BV constraints in Z3, claims
 * decided by asking for a counterexample. The only module that sees Z3.
 *
 * Each side of a flow is a symbolic endpoint: a pod flag, a class index, a
 * namespace, one small bit-vector per label key that some selector uses
 * (0 absent, 1 a value no selector names, 2.. the named values), the named
 * container ports rules use, a 32-bit address. Selectors, peers, ports and
 * isolation are compiled from the policies directly; classes only pin what
 * each pod has. The model is asserted once; each claim part is a push,
 * assert, check, pop on Z3's QF_BV solver.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_SMT_H
#define NETVERIFY_SMT_H

#include <stdio.h>

#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/model.h"

struct nv_smt;

/*
 * Encode finished model m, with the vocabulary of every policy and of claims c
 * (may be NULL). Free with nv_smt_free(). Z3 errors end the process with exit 3.
 */
struct nv_smt *nv_smt_new(const struct nv_model *m, const struct nv_claims *c);
/*
 * The same within 'timeout' seconds (0: no limit): NULL when the encoding is
 * not built by then (what was built is freed). The encoding is part of the
 * check of the first claim, so --timeout bounds it too.
 */
struct nv_smt *nv_smt_new_within(const struct nv_model *m, const struct nv_claims *c,
                                 double timeout);
void nv_smt_free(struct nv_smt *s);

/*
 * Decide every part of claim c. The claim's query is built and all its parts
 * are decided within 'timeout' seconds (0: no limit); a part not decided by
 * then is NV_UNDECIDED, never NV_HOLDS.
 */
void nv_smt_check(struct nv_smt *s, const struct nv_claim *c, double timeout,
                  struct nv_result *out);

/*
 * Write part 'part' of claim c as an SMT-LIB2 script: satisfiable iff the
 * part is refuted. Returns 0, or -1 if writing failed.
 */
int nv_smt_emit(struct nv_smt *s, const struct nv_claim *c, size_t part, FILE *fp);

/* Z3's version, for --version. */
const char *nv_smt_version(void);

#endif
