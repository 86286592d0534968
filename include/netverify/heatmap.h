/*
 * heatmap.h - the namespace x namespace matrix of allowed workload pairs
 * ('graph --heatmap'): per ordered pair of namespaces, how many ordered pairs
 * of two distinct workloads (source in the first, destination in the second)
 * some behaviour of the network plugin allows, out of how many there are;
 * written as an SVG heat map.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_HEATMAP_H
#define NETVERIFY_HEATMAP_H

#include <stddef.h>
#include <stdio.h>

#include "netverify/matrix.h"
#include "netverify/model.h"

struct nv_heatmap {
    size_t n;                    /* namespaces that have workloads */
    const char **name;           /* their names (the model's), in byte order */
    unsigned long long *allowed; /* n x n, [src * n + dst] */
    unsigned long long *pairs;   /* n x n: all ordered pairs of distinct workloads */
};

/*
 * Count the allowed workload pairs of model m (x: its matrix) into h.
 * Release h with nv_heatmap_release(); h refers to m's names.
 */
void nv_heatmap_init(struct nv_heatmap *h, const struct nv_model *m, struct nv_matrix *x);
void nv_heatmap_release(struct nv_heatmap *h);

/*
 * Write h as an SVG document to fp: one row per source namespace, one column
 * per destination, each cell shaded by the share of its pairs allowed (white:
 * none, dark red: all, grey: no pair of two distinct workloads) with the
 * counts as its tooltip; names XML-escaped. Deterministic. Returns 0, or -1
 * on a write error.
 */
int nv_heatmap_write_svg(const struct nv_heatmap *h, FILE *fp);

#endif
