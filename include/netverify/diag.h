/*
 * diag.h - diagnostics: positions, error codes, and the
 * collector that lets every stage keep going and report all input errors.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_DIAG_H
#define NETVERIFY_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "netverify/common.h"

/* A position in an input file; line and col are 1-based, 0 means unknown. */
struct nv_loc {
    const char *file;
    unsigned line, col;
};

enum nv_severity { NV_SEV_NOTE, NV_SEV_WARNING, NV_SEV_ERROR };

enum nv_code {
    NV_E_IO = 1,   /* cannot read a file or directory */
    NV_E_YAML,     /* the YAML itself does not parse */
    NV_E_LIMIT,    /* a documented input limit was exceeded */
    NV_E_TYPE,     /* wrong node type (a string where a list belongs, ...) */
    NV_E_MISSING,  /* a required field is absent */
    NV_E_VALUE,    /* a value out of range or malformed */
    NV_E_SELECTOR, /* a label selector is invalid */
    NV_E_CIDR,     /* an ipBlock is invalid */
    NV_E_PORT,     /* a port is invalid */
    NV_E_DUP,      /* the same object twice */
    NV_W_SKIPPED,  /* an object of a kind netverify does not model */
    NV_W_SEMANTIC, /* valid but probably not what was meant */
};

struct nv_diag {
    enum nv_severity sev;
    enum nv_code code;
    struct nv_loc loc; /* loc.file points at 'file' */
    char *msg;
    char *file;
};

/*
 * A diagnostics collector. Diagnostics are kept in order and printed by
 * nv_diags_print().
 */
struct nv_diags {
    struct nv_diag *items;
    size_t n, alloc;
    size_t nerr, nwarn;
    int quiet_notes; /* do not print notes */
};

void nv_diags_init(struct nv_diags *d);
void nv_diags_release(struct nv_diags *d);

/* Record an error; always returns -1 so callers can 'return nv_diag_error(...)'. */
int nv_diag_error(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
    NV_PRINTF(4, 5);
void nv_diag_warning(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
    NV_PRINTF(4, 5);
void nv_diag_note(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
    NV_PRINTF(4, 5);

/*
 * Print every diagnostic as "netverify: FILE:LINE:COL: error: MSG", sorted by
 * file, line and column (stable for equal positions).
 */
void nv_diags_print(const struct nv_diags *d, FILE *fp);

/* Format one location as "FILE:LINE:COL" (or less when unknown) into buf. */
const char *nv_loc_format(struct nv_loc loc, char *buf, size_t size);

/* An internal error: prints "netverify: BUG: file:line: msg" and exits 3. */
NV_NORETURN void nv_bug_at(const char *file, int line, const char *fmt, ...) NV_PRINTF(3, 4);
#define NV_BUG(...) nv_bug_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
