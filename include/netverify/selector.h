/*
 * selector.h - label sets and Kubernetes label selectors (matchLabels,
 * matchExpressions with In, NotIn, Exists, DoesNotExist), label syntax checks.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_SELECTOR_H
#define NETVERIFY_SELECTOR_H

#include <stddef.h>

#include "netverify/arena.h"
#include "netverify/diag.h"

/* A label set: n pairs sorted by key (strcmp); keys and values are interned. */
struct nv_labels {
    size_t n;
    const char **keys;
    const char **vals;
};

/* Value of key, or NULL when absent. 'key' need not be interned. */
const char *nv_labels_get(const struct nv_labels *l, const char *key);
/* Sort pairs by key; returns the first duplicated key or NULL. */
const char *nv_labels_sort(struct nv_labels *l);

enum nv_sel_op { NV_SEL_IN, NV_SEL_NOTIN, NV_SEL_EXISTS, NV_SEL_NOTEXISTS };

struct nv_requirement {
    const char *key;
    enum nv_sel_op op;
    size_t nvalues;
    const char **values;
};

/* All requirements must hold; n == 0 matches everything. */
struct nv_selector {
    size_t n;
    struct nv_requirement *reqs;
    struct nv_loc loc;
};

int nv_selector_matches(const struct nv_selector *s, const struct nv_labels *l);
/*
 * The same, faster, when every key and value of both sides is interned in one
 * arena (as everything in a struct nv_model is): strings compare by pointer.
 */
int nv_selector_matches_interned(const struct nv_selector *s, const struct nv_labels *l);
/* Whether the selector is {} (matches everything). */
int nv_selector_is_empty(const struct nv_selector *s);
/*
 * Whether a and b are written alike (the same requirements in the same order),
 * for selectors interned in one arena; two NULLs are alike.
 */
int nv_selector_same_interned(const struct nv_selector *a, const struct nv_selector *b);
const char *nv_sel_op_name(enum nv_sel_op op);

/*
 * Kubernetes label syntax. Keys: optional DNS-subdomain prefix (<= 253) and '/',
 * then a name of <= 63 alphanumerics, '-', '_', '.', starting and ending
 * alphanumeric. Values: empty, or a name as above. Return NULL when valid,
 * else a short reason.
 */
const char *nv_label_key_invalid(const char *key);
const char *nv_label_value_invalid(const char *val);

/* Object names: a DNS-1123 subdomain (most kinds) or label (namespaces). NULL when valid. */
const char *nv_dns_subdomain_invalid(const char *s);
const char *nv_dns_label_invalid(const char *s);

#endif
