/*
 * baseline.h - the baseline file of 'check --write-baseline' and
 * '--baseline': the claims refuted when it was written, so that a repository
 * with known breaches can turn the gate on (docs/claims.md#baselines). A claim
 * is named by its text with runs of white space made one space, so the file
 * survives a reordering of the claims file.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_BASELINE_H
#define NETVERIFY_BASELINE_H

#include <stddef.h>
#include <stdio.h>

#include "netverify/checkrun.h"
#include "netverify/claim.h"
#include "netverify/diag.h"

/* The identity of a claim in a baseline: its text, white space runs as one space (malloc'd). */
char *nv_baseline_key(const char *text);

/*
 * Read the baseline at 'path' and mark every claim of c it lists as expected
 * to be refuted (as 'expect: refuted' does; a claim with its own marker keeps
 * it), the reason naming the file, expect_loc the entry. An entry that names
 * no claim of c is a note. Strings go to c's model arena 'm'. Returns 0, or -1
 * after recording errors (with positions).
 */
int nv_baseline_apply(const char *path, struct nv_claims *c, struct nv_model *m,
                      struct nv_diags *d);

/*
 * Write the baseline of a run to fp: the claims that are refuted or depend,
 * sorted, each once. Returns the number of entries, or -1 when writing failed.
 */
long nv_baseline_write(const struct nv_check_run *run, FILE *fp);

/*
 * Mark the claims a baseline just written lists (those refuted or depending)
 * as expected to be refuted, with 'path' in the reason, and count the run's
 * exit status again: writing a baseline accepts what it lists.
 */
void nv_baseline_accept(struct nv_check_run *run, struct nv_claims *c, const char *path,
                        struct nv_model *m);

#endif
