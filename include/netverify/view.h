/*
 * view.h - which flows 'list', 'diff' (and 'graph') show: --focus EP and
 * --namespace NS (repeatable) name the ends in view, --direction in|out keeps
 * the flows into or out of them, --peer EP (repeatable) the flows whose other
 * end is EP. docs/output.md ("Filters") states the rules.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_VIEW_H
#define NETVERIFY_VIEW_H

#include <stddef.h>
#include <stdio.h>

#include "netverify/diag.h"
#include "netverify/flows.h"

struct nv_model;

enum nv_view_dir { NV_VIEW_BOTH, NV_VIEW_IN, NV_VIEW_OUT };

/* The filters as given on the command line; the strings are not copied. */
struct nv_view_opts {
    const char **focus, **ns, **peer;
    size_t nfocus, nns, npeer;
    enum nv_view_dir dir;
};

/* Add one --focus, --namespace or --peer value to o. */
void nv_view_opts_add(const char ***list, size_t *n, const char *arg);
void nv_view_opts_release(struct nv_view_opts *o);
/* Whether o holds any filter (--direction alone counts). */
int nv_view_opts_any(const struct nv_view_opts *o);
/*
 * Why the combination of filters in o cannot be used (--direction or --peer
 * without --focus or --namespace), or NULL.
 */
const char *nv_view_opts_problem(const struct nv_view_opts *o);

/* The filters resolved on workloads numbered 0 .. nwl-1. */
struct nv_view {
    const struct nv_view_opts *o;
    size_t nwl;
    unsigned char *mark;      /* by workload number: NV_VIEW_END, NV_VIEW_PEER bits */
    struct nv_ip *addr;       /* addresses given as endpoints */
    unsigned char *addr_mark; /* NV_VIEW_END or NV_VIEW_PEER, one per addr */
    size_t naddr;
    int any;            /* some filter is given */
    unsigned char *hit; /* per option (focus, then ns, then peer): matched somewhere */
    char **why;         /* per option: why it named nothing (see nv_view_done) */
    size_t nmodels;
};
#define NV_VIEW_END 1
#define NV_VIEW_PEER 2

void nv_view_init(struct nv_view *v, const struct nv_view_opts *o, size_t nwl);
void nv_view_release(struct nv_view *v);
/*
 * Resolve the filters on model m, whose workload k is number num[k] of the
 * view (-1: none; num NULL: k). Call it once per model (diff: OLD and NEW).
 */
void nv_view_add(struct nv_view *v, const struct nv_model *m, const long *num);
/*
 * After every model: a filter that names nothing on any model is an error,
 * printed on fp as "netverify: --focus 'EP': WHY": what resolving it on the
 * first model said, or on a later one that suggests a name where the first
 * does not. Returns 0, or -1.
 */
int nv_view_done(const struct nv_view *v, FILE *fp);

/* Whether the flow src => dst is in view. */
int nv_view_keeps(const struct nv_view *v, const struct nv_flow_end *src,
                  const struct nv_flow_end *dst);
/* Whether some flow from src may be in view (false: its row need not be computed). */
int nv_view_may_leave(const struct nv_view *v, const struct nv_flow_end *src);

#endif
