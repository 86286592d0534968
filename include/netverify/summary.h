/*
 * summary.h - the summary of what a model allows ('list --format summary').
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_SUMMARY_H
#define NETVERIFY_SUMMARY_H

#include <stdio.h>

#include "netverify/matrix.h"
#include "netverify/model.h"

/* Write the summary of what engine x (over model m) allows to fp. Returns 0. */
int nv_summary_write(struct nv_model *m, struct nv_matrix *x, FILE *fp);

#endif
