/*
 * smt.h - the SMT engine: the model as QF_BV constraints in Z3, claims
 * decided by asking for a counterexample. The only module that sees Z3.
 *
 * Each side of a flow is a symbolic endpoint: a pod flag, a class indicator, a
 * namespace, one group of Booleans per label key that some selector uses
 * (absent, a value no selector names, the named values), the named container
 * ports rules use, an address. Selectors, peers, ports and isolation are
 * compiled from the policies directly; class indicators only pin what each
 * pod has. Each part of a claim is encoded on its own, in a Z3 context of its
 * own, with what can touch it: the classes its source and destination can be
 * in (classes no formula tells apart sharing an indicator) and the
 * NetworkPolicies selecting one of them; its questions are push, assert,
 * check, pop on Z3's QF_BV solver. A part whose ends can be in many classes
 * is first tried on a sample of them (nv_smt_trial()).
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
 * The engine over finished model m (claims c are encoded one part at a time by
 * nv_smt_check(); may be NULL). Free with nv_smt_free(). Z3 errors end the
 * process with exit 3.
 */
struct nv_smt *nv_smt_new(const struct nv_model *m, const struct nv_claims *c);
/*
 * The same within 'timeout' seconds (0: no limit): NULL when its tables are
 * not built by then (what was built is freed). Each part's encoding is part
 * of its claim's check, so --timeout bounds it too (NV_SMT_LATE).
 */
struct nv_smt *nv_smt_new_within(const struct nv_model *m, const struct nv_claims *c,
                                 double timeout);
void nv_smt_free(struct nv_smt *s);

/*
 * The first try at each part (nv_smt_check()): an end that can be in more than
 * 'from' classes is given one in 'one_in' of them (1: every part is asked once,
 * on all its classes). A first try is kept only when it found flows for every
 * question; answers, never witnesses, are those of one try on all the classes.
 * Default: NV_SMT_TRIAL_FROM and NV_SMT_TRIAL_ONE_IN. nv_smt_trials() counts the
 * parts a first try settled and those asked again.
 */
#define NV_SMT_TRIAL_FROM 2048
#define NV_SMT_TRIAL_ONE_IN 8
void nv_smt_trial(struct nv_smt *s, size_t from, unsigned one_in);
void nv_smt_trials(const struct nv_smt *s, size_t *kept, size_t *redone);

/* Why a part is undecided when its encoding was not built within the claim's time limit. */
extern const char NV_SMT_LATE[];

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
