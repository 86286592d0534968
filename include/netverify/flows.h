/*
 * flows.h - the flows of a cluster as rows, in the order 'list' prints them:
 * external sources first (by address range, then destination), then
 * workloads by namespace/name and kind, each with its external destinations
 * before the workloads it reaches. docs/output.md ("Order").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_FLOWS_H
#define NETVERIFY_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/ip.h"

struct nv_model;
struct nv_matrix;
struct nv_view;

/* One end of a flow: a workload, or a range of external addresses. */
struct nv_flow_end {
    const char *name;    /* "namespace/name", or the range as "first-last" */
    const char *kind;    /* the workload's kind, or "External" */
    long wl;             /* the workload's number, or -1 for a range */
    struct nv_iprange r; /* the range, when wl < 0 */
};

/*
 * A flow between an external range and a workload: flows of ranges are sorted
 * by range, then workload. nv_flow_key_cmp() is a qsort() comparator for
 * arrays of structs that begin with a struct nv_flow_key.
 */
struct nv_flow_key {
    struct nv_iprange r;
    size_t wl;
};
int nv_flow_key_cmp(const void *a, const void *b);

/* The end for workload wl of m (its number is its index). */
void nv_flow_end_workload(struct nv_flow_end *e, const struct nv_model *m, size_t wl);
/* The end for range r; its name is written into buf (NV_IPRANGE_BUFSZ bytes). */
void nv_flow_end_range(struct nv_flow_end *e, const struct nv_iprange *r, char *buf);

/*
 * Call fn for every flow the matrix x of model m allows that view v keeps (v
 * may be NULL: every flow), in list's order: ports are the connections some
 * behaviour of the network plugin allows, sure those every behaviour allows.
 * With self_flows, a workload of several pods is listed with itself
 * (nv_matrix_self). The ends are valid during the call only.
 */
void nv_flows_each(const struct nv_model *m, struct nv_matrix *x, int self_flows,
                   const struct nv_view *v,
                   void (*fn)(void *ctx, const struct nv_flow_end *src,
                              const struct nv_flow_end *dst, uint32_t ports, uint32_t sure),
                   void *ctx);

#endif
