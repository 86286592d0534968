/*
 * common.h - what every layer may use without depending on another module:
 * the exit statuses and the compiler attributes. A leaf: it includes nothing.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_COMMON_H
#define NETVERIFY_COMMON_H

#if defined(__GNUC__)
#define NV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NV_NORETURN __attribute__((noreturn))
#else
#define NV_PRINTF(f, a)
#define NV_NORETURN
#endif

/* The documented exit statuses (docs/exit-codes.md); nothing else is ever returned. */
enum nv_exit {
    NV_EXIT_OK = 0,       /* success; every claim holds */
    NV_EXIT_FINDING = 1,  /* a claim is refuted, a --fail-on diff or lint finding */
    NV_EXIT_INPUT = 2,    /* usage or input error */
    NV_EXIT_INTERNAL = 3, /* undecided (solver) or internal error */
    NV_EXIT_DEPENDS = 4,  /* a claim's verdict depends on the network plugin (none refuted) */
};

#endif
