/*
 * selector.c - label selector evaluation and label syntax validation.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/selector.h"

#include <stdlib.h>
#include <string.h>

const char *nv_labels_get(const struct nv_labels *l, const char *key)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->keys[mid], key);
        if (!c)
            return l->vals[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *nv_labels_sort(struct nv_labels *l)
{
    size_t i, j;

    /* insertion sort: label sets are small, and this keeps keys and vals paired */
    for (i = 1; i < l->n; i++) {
        const char *k = l->keys[i], *v = l->vals[i];
        for (j = i; j > 0 && strcmp(l->keys[j - 1], k) > 0; j--) {
            l->keys[j] = l->keys[j - 1];
            l->vals[j] = l->vals[j - 1];
        }
        l->keys[j] = k;
        l->vals[j] = v;
    }
    for (i = 1; i < l->n; i++)
        if (!strcmp(l->keys[i - 1], l->keys[i]))
            return l->keys[i];
    return NULL;
}

/* Value of an interned key by pointer comparison: label sets are small. */
static const char *nv_labels_get_interned(const struct nv_labels *l, const char *key)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->keys[i] == key)
            return l->vals[i];
    return NULL;
}

/* One requirement; 'interned' says strings compare by pointer. */
static int nv_req_matches(const struct nv_requirement *r, const struct nv_labels *l, int interned)
{
    const char *v = interned ? nv_labels_get_interned(l, r->key) : nv_labels_get(l, r->key);
    size_t i;

    switch (r->op) {
    case NV_SEL_EXISTS:
        return v != NULL;
    case NV_SEL_NOTEXISTS:
        return v == NULL;
    case NV_SEL_IN:
    case NV_SEL_NOTIN:
        if (!v)
            return r->op == NV_SEL_NOTIN;
        for (i = 0; i < r->nvalues; i++)
            if (interned ? r->values[i] == v : !strcmp(r->values[i], v))
                return r->op == NV_SEL_IN;
        return r->op == NV_SEL_NOTIN;
    }
    return 0;
}

static int nv_matches(const struct nv_selector *s, const struct nv_labels *l, int interned)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (!nv_req_matches(&s->reqs[i], l, interned))
            return 0;
    return 1;
}

int nv_selector_matches_interned(const struct nv_selector *s, const struct nv_labels *l)
{
    return nv_matches(s, l, 1);
}

int nv_selector_matches(const struct nv_selector *s, const struct nv_labels *l)
{
    return nv_matches(s, l, 0);
}

int nv_selector_is_empty(const struct nv_selector *s)
{
    return s->n == 0;
}

int nv_selector_same_interned(const struct nv_selector *a, const struct nv_selector *b)
{
    size_t i;

    if (!a || !b)
        return a == b;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++) {
        const struct nv_requirement *x = &a->reqs[i], *y = &b->reqs[i];
        if (x->key != y->key || x->op != y->op || x->nvalues != y->nvalues ||
            (x->nvalues && memcmp(x->values, y->values, x->nvalues * sizeof(*x->values))))
            return 0;
    }
    return 1;
}

const char *nv_sel_op_name(enum nv_sel_op op)
{
    switch (op) {
    case NV_SEL_IN:
        return "In";
    case NV_SEL_NOTIN:
        return "NotIn";
    case NV_SEL_EXISTS:
        return "Exists";
    case NV_SEL_NOTEXISTS:
        return "DoesNotExist";
    }
    return "?";
}

static int nv_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A qualified name part: <= 63 chars of [A-Za-z0-9_.-], alphanumeric at both ends. */
static const char *nv_name_invalid(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return "name part must not be empty";
    if (n > 63)
        return "name part must be no more than 63 characters";
    if (!nv_alnum(s[0]) || !nv_alnum(s[n - 1]))
        return "must begin and end with an alphanumeric character";
    for (i = 0; i < n; i++)
        if (!nv_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return "may contain only alphanumerics, '-', '_' and '.'";
    return NULL;
}

/* A DNS-1123 subdomain: dot-separated labels of lower-case alphanumerics and '-', each
 * beginning and ending with an alphanumeric; at most 253 characters. */
static const char *nv_subdomain_invalid(const char *s, size_t n)
{
    size_t i, start = 0;

    if (n == 0)
        return "prefix must not be empty";
    if (n > 253)
        return "prefix must be no more than 253 characters";
    for (i = 0; i <= n; i++) {
        char c = i < n ? s[i] : '.';
        if (c == '.') {
            if (i == start)
                return "prefix must be a DNS subdomain (empty label)";
            if (s[start] == '-' || s[i - 1] == '-')
                return "prefix labels must begin and end with an alphanumeric character";
            start = i + 1;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return "prefix must be a lower-case DNS subdomain";
        }
    }
    return NULL;
}

const char *nv_label_key_invalid(const char *key)
{
    const char *slash = strchr(key, '/');

    if (!*key)
        return "key must not be empty";
    if (slash) {
        const char *why = nv_subdomain_invalid(key, (size_t)(slash - key));
        if (why)
            return why;
        if (strchr(slash + 1, '/'))
            return "key may contain at most one '/'";
        return nv_name_invalid(slash + 1, strlen(slash + 1));
    }
    return nv_name_invalid(key, strlen(key));
}

const char *nv_label_value_invalid(const char *val)
{
    if (!*val)
        return NULL;
    return nv_name_invalid(val, strlen(val));
}

const char *nv_dns_subdomain_invalid(const char *s)
{
    const char *why = nv_subdomain_invalid(s, strlen(s));

    /* the prefix wording does not fit a name: say it in general terms */
    return why ? "must be a lower-case DNS-1123 subdomain (a-z, 0-9, '-', '.'; at most 253)" : NULL;
}

const char *nv_dns_label_invalid(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 63)
        return "must be a DNS-1123 label of 1-63 characters";
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return "must be a DNS-1123 label (a-z, 0-9, '-')";
    if (s[0] == '-' || s[n - 1] == '-')
        return "must begin and end with a lower-case letter or digit";
    return NULL;
}
