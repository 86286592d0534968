/*
 * matrix_int.h - what the matrix engine's files share: a growable list, and
 * the policy tiers' walk (matrix_tier.c), which matrix.c composes with the
 * NetworkPolicies' rows. Private to matrix.c and matrix_tier.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_MATRIX_INT_H
#define NETVERIFY_MATRIX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/arena.h"
#include "netverify/model.h"

/* A growable list of uint32. */
struct nv_u32s {
    uint32_t *v;
    size_t n, alloc;
};

static inline void nv_u32s_push(struct nv_u32s *l, uint32_t x)
{
    NV_GROW(l->v, l->alloc, l->n + 1);
    l->v[l->n++] = x;
}

/* The most distinct container-port lists whose named-port resolutions are cached. */
#define NV_MAX_PORTSIGS 4096

/* ---- matrix_tier.c: the cluster policy tiers ---- */

struct nv_tiers;

/* The other end of a direction: class cls talking over family fam, or (cls UINT32_MAX)
 * external atom 'atom'; named ports resolve on class dst (UINT32_MAX: on an address). */
struct nv_tctx {
    uint32_t cls;
    int fam;
    size_t atom;
    uint32_t dst;
};

/*
 * The tables of the tiers over a finished model (model.tiered), shared by the
 * engines of a matrix; portsig (per class) and nportsigs are the engine's
 * port signatures, for the caches of named ports, and must outlive the tables.
 */
struct nv_tiers *nv_tiers_new(const struct nv_model *m, const uint32_t *portsig, size_t nportsigs);
void nv_tiers_free(struct nv_tiers *t);

/* How many orders of equal-priority policies to walk under: the plugin's (norders), or one
 * pass with ties widened; and the order to pass to nv_tier_dir() for pass o. */
size_t nv_tiers_npass(const struct nv_tiers *t);
size_t nv_tiers_ord(const struct nv_tiers *t, size_t o);

/*
 * One direction of one flow through the tiers: class subj's egress (dir
 * NV_EGRESS) or ingress, the other end in c. np_iso: a NetworkPolicy isolates
 * subj for dir, np_poss / np_sure what they admit under some / every address.
 * OUT: the ports that may be allowed (*allow) and that may be denied (*deny).
 */
void nv_tier_dir(const struct nv_tiers *t, size_t ord, uint32_t subj, int dir,
                 const struct nv_tctx *c, int np_iso, uint32_t np_poss, uint32_t np_sure,
                 uint32_t *allow, uint32_t *deny);

#endif
