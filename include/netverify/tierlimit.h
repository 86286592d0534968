/*
 * tierlimit.h - the limits of deciding claims through the policy tiers
 * exactly: the orders of same-priority policies, and the peers the manifests
 * cannot decide, that 'check' decides one by one (docs/semantics.md,
 * "Limits").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_TIERLIMIT_H
#define NETVERIFY_TIERLIMIT_H

#include "netverify/diag.h"
#include "netverify/model.h"

/*
 * Whether check can decide claims exactly through m's tiers: more than
 * NV_TIER_MAX_ORDERS orders of same-priority policies, or more than
 * NV_TIER_MAX_MAYBE peers the manifests cannot decide, is an error at the
 * policy (or peer) that crosses the limit. Returns 0, or -1 after the errors.
 */
int nv_tier_limits(const struct nv_model *m, struct nv_diags *d);

#endif
