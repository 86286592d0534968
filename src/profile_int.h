/*
 * profile_int.h - the named cluster profiles (--cni NAME, 'cni: NAME'):
 * private to profile.c, which reads them, and to the tests' cluster
 * generator, which cycles through some.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_PROFILE_INT_H
#define NETVERIFY_PROFILE_INT_H

#include <stddef.h>

#include "netverify/profile.h"

/* A named profile: the values it pins. */
struct nv_cni_def {
    const char *name;
    unsigned char pin[NV_NBEHAVIOURS];
};
extern const struct nv_cni_def nv_cnis[];
extern const size_t nv_ncnis;

/* The named profile 'name', or NULL. */
const struct nv_cni_def *nv_cni_find(const char *name);

#endif
