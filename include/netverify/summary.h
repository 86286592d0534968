/*
 * summary.h - the summary of what a model allows ('list --format summary').
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_SUMMARY_H
#define NETVERIFY_SUMMARY_H

#include <stdio.h>

#include "netverify/matrix.h"
#include "netverify/model.h"

/*
 * Write the summary of what engine x (over model m) allows to fp: totals,
 * then one line per namespace with workloads (docs/output.md). The rows are
 * counted in 'jobs' processes (0: two for a large cluster on a machine with
 * two processors or more, else one); the summary is the same whatever their
 * number. Returns 0.
 */
int nv_summary_write(const struct nv_model *m, struct nv_matrix *x, FILE *fp, unsigned jobs);

/* The formats of the namespace-pair table. */
enum nv_ns_matrix_fmt { NV_NSM_TEXT, NV_NSM_CSV, NV_NSM_MD, NV_NSM_JSON };

/*
 * Write the allowed workload pairs of every ordered pair of namespaces that
 * has some ('list --format ns-matrix'), sources then destinations in name
 * order. Returns 0.
 */
int nv_summary_ns_matrix(const struct nv_model *m, struct nv_matrix *x, FILE *fp,
                         enum nv_ns_matrix_fmt fmt);

#endif
