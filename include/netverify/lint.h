/*
 * lint.h - 'netverify lint': named checks over a finished model that find
 * what is probably a mistake (a selector that selects nothing, a named port
 * no pod declares, rules without effect, redundant rules, DNS blocked,
 * workloads left open, traffic enforced by kinds netverify skips), each
 * finding with a position. docs/lint.md lists the checks.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_LINT_H
#define NETVERIFY_LINT_H

#include <stddef.h>
#include <stdio.h>

#include "netverify/diag.h"
#include "netverify/model.h"

/* The checks, in the order docs/lint.md lists them; their names are stable. */
enum nv_lint_check {
    NV_LINT_SELECTS_NOTHING,  /* selects-nothing */
    NV_LINT_NAMED_PORT,       /* named-port-unresolved */
    NV_LINT_IGNORED_RULES,    /* ignored-direction */
    NV_LINT_ADMITS_NOTHING,   /* rule-admits-nothing */
    NV_LINT_IPBLOCK,          /* ipblock-excepted */
    NV_LINT_REDUNDANT_RULE,   /* redundant-rule */
    NV_LINT_REDUNDANT_POLICY, /* redundant-policy */
    NV_LINT_DNS_BLOCKED,      /* dns-blocked */
    NV_LINT_DNS_PEER,         /* dns-peer-missing */
    NV_LINT_NOT_ISOLATED,     /* workload-not-isolated */
    NV_LINT_NO_DEFAULT_DENY,  /* namespace-no-default-deny */
    NV_LINT_UNMODELLED,       /* unmodelled-enforcement */
    NV_LINT_ADMIN_UNREACHED,  /* admin-rule-unreached (lint_admin.c) */
    NV_LINT_ADMIN_PASS,       /* admin-pass-to-nothing (lint_admin.c) */
    NV_LINT_NCHECKS
};

/* A check's name, and one line saying why its findings matter. */
const char *nv_lint_check_name(enum nv_lint_check c);
const char *nv_lint_check_why(enum nv_lint_check c);
/* The check called 'name', or -1. */
int nv_lint_check_find(const char *name);
/*
 * Whether a check is cheap (linear in the input, no engine): the checks that
 * check, list, diff and graph run for their one-line count. The redundancy
 * checks are not.
 */
int nv_lint_check_is_cheap(enum nv_lint_check c);

struct nv_lint_finding {
    enum nv_lint_check check;
    struct nv_loc loc; /* file NULL when nothing in the input has a position for it */
    char *msg;         /* one line, unescaped */
    int assumed;       /* it names a workload --assume added (nv_lint_mark_assumed) */
};

struct nv_lint {
    size_t n, alloc;
    struct nv_lint_finding *items; /* sorted after nv_lint_run() */
    size_t count[NV_LINT_NCHECKS];
    /* unmodelled enforcement: objects, and per kind (in order of first appearance) */
    size_t nskipped;
    char *skipped_kinds; /* "2 CiliumNetworkPolicy, 1 GlobalNetworkPolicy", or NULL */
    const char *note;    /* a check that could not be decided, and why (static), or NULL */
    /* the workloads --assume added ("namespace/name", owned), which every output marks */
    char **assumed;
    size_t nassumed;
    /* nv_lint_count(): only how many findings there are counts, so the messages leave out
     * their explanations (why a selector selects nothing) */
    int count_only;
};

/* Which checks run: a bit per enum nv_lint_check. */
#define NV_LINT_ALL ((1u << NV_LINT_NCHECKS) - 1)
#define NV_LINT_BIT(c) (1u << (c))
unsigned nv_lint_cheap_mask(void);

void nv_lint_init(struct nv_lint *l);
void nv_lint_release(struct nv_lint *l);

/*
 * Run the checks of 'mask' over the finished model m into l (initialised by
 * the caller), findings sorted by file, line, column, check and text. The
 * model is changed while the redundancy checks run and restored after.
 */
void nv_lint_run(struct nv_lint *l, const struct nv_model *m, unsigned mask);

/*
 * The checks the one-line count runs: the cheap ones that find mistakes, not
 * the posture checks (workload-not-isolated, namespace-no-default-deny: what
 * 'list --format summary' counts), which fire on every cluster without
 * policies and would make the line noise.
 */
unsigned nv_lint_count_mask(void);
/* How many findings the checks of nv_lint_count_mask() make on m (--strict, the one-line count). */
size_t nv_lint_count(const struct nv_model *m);

/*
 * The one line the other commands print on stderr when the cheap checks found
 * n warnings (nothing for 0): "netverify: 3 lint warnings; run 'netverify
 * lint' for them"; with 'strict', it says that they fail the run.
 */
void nv_lint_tell(size_t n, int strict, FILE *fp);

enum nv_lint_format { NV_LINT_TEXT, NV_LINT_JSON, NV_LINT_SARIF };
/* lint's --format names, in the order of enum nv_lint_format, NULL-terminated. */
extern const char *const nv_lint_formats[];
/* Write the findings of l (checks of 'mask' named in SARIF's rules). Returns 0 or -1. */
int nv_lint_write(const struct nv_lint *l, unsigned mask, enum nv_lint_format f, FILE *fp);

/* Record a finding (for the check modules lint_*.c). */
void nv_lint_add(struct nv_lint *l, enum nv_lint_check c, struct nv_loc loc, const char *fmt, ...)
    NV_PRINTF(4, 5);

/* The finding just added names a workload --assume added: outputs mark it. */
void nv_lint_mark_assumed(struct nv_lint *l);

/* The check modules: each adds the findings of the checks of mask it owns. */
void nv_lint_selectors(struct nv_lint *l, const struct nv_model *m, unsigned mask);
void nv_lint_coverage(struct nv_lint *l, const struct nv_model *m, unsigned mask);
void nv_lint_redundancy(struct nv_lint *l, const struct nv_model *m, unsigned mask);
void nv_lint_admin(struct nv_lint *l, const struct nv_model *m, unsigned mask);

#endif
