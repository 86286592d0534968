/*
 * diff.h - what changes between two versions of a cluster: the flows added,
 * removed or changed (in list's order, external addresses compared address
 * by address) and the claims whose verdict changes. docs/output.md
 * ("Output of netverify diff") states the rules; rows.h writes the result.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_DIFF_H
#define NETVERIFY_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/load.h"
#include "netverify/rows.h"

struct nv_view;

/* One side of a diff: a model, its matrix, and the claims decided on it. */
struct nv_diff_side {
    char *path;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_claims claims;
    char **claim_err;             /* per claim: why it does not resolve on this side, or NULL */
    struct nv_diags *claim_diags; /* per claim: what resolving it reported on this side */
    struct nv_result *results;
    size_t nlint; /* NEW only: lint's one-line count (nv_lint_count()), by nv_diff_load() */
};

/* A workload of either side: its index in OLD and in NEW, or -1. */
struct nv_diff_wl {
    long o, n;
};

/* OLD's and NEW's atoms cut each other into pieces (see diff.c). */
struct nv_diff_piece;

struct nv_diff {
    struct nv_diff_side old, new;
    /* the workloads of both sides, matched by namespace/name and kind: the numbers of the
     * flow ends (nv_flow_end.wl) */
    size_t nw;
    struct nv_diff_wl *w;
    long *onum, *nnum;          /* a workload's number by its index in OLD, in NEW */
    int self_flows;             /* compare w => w too */
    const struct nv_view *view; /* the flows compared, or NULL for all */
    /* which flows can differ (nv_diff_dirty): per workload number NV_DIRTY_ROW (its flows
     * out), NV_DIRTY_COL (its flows in); full_why set when every flow is compared */
    unsigned char *dirty;
    const char *full_why;
    /* internal */
    uint32_t *xlat; /* OLD port-set id -> NEW port-set id, UINT32_MAX = not yet */
    size_t nxlat;
    struct nv_diff_piece *pieces;
    size_t npieces;
};

/*
 * Load both sides (D->old.path, D->new.path) and, with a claims file, decide
 * their claims on each. A claim that does not resolve on one side (a workload
 * only the other has) is no input error here: its verdict there is 'error'.
 * Both sides are modelled over the same address families: with IPv6 when
 * either side's input mentions it. The two sides are read, then finished,
 * at once (OLD in a thread of its own, NEW in the caller's; they share only
 * 'lo', which they read). Each side's diagnostics are printed afterwards,
 * OLD's first (the second side's errors only when both are one path; nothing
 * of NEW after errors in OLD's finish). Returns 0, or -1 after printing the
 * errors.
 */
int nv_diff_load(struct nv_diff *D, const struct nv_load_opts *lo, const char *claims_path);

/* Match the workloads of the two loaded sides (D->w, D->onum, D->nnum). */
void nv_diff_match(struct nv_diff *D);

#define NV_DIRTY_ROW 1
#define NV_DIRTY_COL 2

/*
 * Which flows can differ, after nv_diff_match() (diff_dirty.c says why the
 * others cannot): D->dirty, or D->full_why when every flow must be compared.
 * nv_diff_each() calls it when it has not been.
 */
void nv_diff_dirty(struct nv_diff *D);

/*
 * Call fn for every change D->view keeps, in list's order: the connections
 * were 'before' and are 'after', both ids of NEW's port table (OLD's sets are
 * interned there). The ends are valid during the call only.
 */
void nv_diff_each(struct nv_diff *D,
                  void (*fn)(void *ctx, enum nv_row_change k, const struct nv_flow_end *src,
                             const struct nv_flow_end *dst, uint32_t before, uint32_t after),
                  void *ctx);

/*
 * Where a change is best shown (SARIF): for a connection NEW allows, the rule
 * that admits it (ingress first); for one it no longer allows, the policy
 * that now isolates an end; else a workload's manifest (OLD's when it is gone).
 */
struct nv_loc nv_diff_loc(struct nv_diff *D, enum nv_row_change k, const struct nv_flow_end *src,
                          const struct nv_flow_end *dst);

/*
 * A claim that resolves on neither side (a set that matches nothing, a name
 * neither side has) is an input error, as it is for 'check'. Prints the
 * errors of both sides (once when they are the same) and every claim's
 * warnings (once when both sides give them, else marked with the side that
 * does); returns how many claims resolve on neither side.
 */
size_t nv_diff_unresolved(const struct nv_diff *D);

/*
 * Call fn for every claim whose verdict changes from OLD to NEW; returns how
 * many held in OLD and do not in NEW.
 */
size_t nv_diff_claims(const struct nv_diff *D, void (*fn)(void *ctx, const struct nv_row_claim *c),
                      void *ctx);

void nv_diff_release(struct nv_diff *D);

#endif
