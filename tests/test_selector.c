/*
 * test_selector.c - label sets, selector evaluation with every operator, and
 * the Kubernetes label key/value syntax checks.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/selector.h"

/* A label set over static strings (nv_labels_get compares with strcmp). */
#define LABELS(name, ...)                                                                          \
    const char *name##_kv[] = {__VA_ARGS__};                                                       \
    const char *name##_k[sizeof(name##_kv) / sizeof(name##_kv[0]) / 2 + 1];                        \
    const char *name##_v[sizeof(name##_kv) / sizeof(name##_kv[0]) / 2 + 1];                        \
    struct nv_labels name = {0, name##_k, name##_v};                                               \
    fill_labels(&name, name##_kv, sizeof(name##_kv) / sizeof(name##_kv[0]) / 2)

static void fill_labels(struct nv_labels *l, const char **kv, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        l->keys[i] = kv[2 * i];
        l->vals[i] = kv[2 * i + 1];
    }
    l->n = n;
    assert_null(nv_labels_sort(l));
}

static struct nv_requirement req(const char *key, enum nv_sel_op op, size_t n, const char **vals)
{
    struct nv_requirement r;

    r.key = key;
    r.op = op;
    r.nvalues = n;
    r.values = vals;
    return r;
}

static int matches1(struct nv_requirement r, const struct nv_labels *l)
{
    struct nv_selector s;

    memset(&s, 0, sizeof(s));
    s.n = 1;
    s.reqs = &r;
    return nv_selector_matches(&s, l);
}

static void test_labels_get_sort(void **state)
{
    const char *keys[5] = {"tier", "app", "z", "kubernetes.io/metadata.name", "env"};
    const char *vals[5] = {"web", "shop", "", "prod", "staging"};
    struct nv_labels l = {5, keys, vals};
    size_t i;

    (void)state;
    assert_null(nv_labels_sort(&l));
    for (i = 1; i < l.n; i++)
        assert_true(strcmp(l.keys[i - 1], l.keys[i]) < 0);
    /* pairs stay together */
    assert_string_equal(nv_labels_get(&l, "tier"), "web");
    assert_string_equal(nv_labels_get(&l, "app"), "shop");
    assert_string_equal(nv_labels_get(&l, "env"), "staging");
    assert_string_equal(nv_labels_get(&l, "kubernetes.io/metadata.name"), "prod");
    assert_non_null(nv_labels_get(&l, "z"));
    assert_string_equal(nv_labels_get(&l, "z"), "");
    /* absent keys, before, between and after the stored ones */
    assert_null(nv_labels_get(&l, "aaa"));
    assert_null(nv_labels_get(&l, "b"));
    assert_null(nv_labels_get(&l, "zz"));
    assert_null(nv_labels_get(&l, "ap"));
    assert_null(nv_labels_get(&l, ""));
    {
        char key[8];
        snprintf(key, sizeof(key), "%s", "tier"); /* not the same pointer */
        assert_string_equal(nv_labels_get(&l, key), "web");
    }
    {
        struct nv_labels empty = {0, NULL, NULL};
        assert_null(nv_labels_get(&empty, "app"));
        assert_null(nv_labels_sort(&empty));
    }
}

static void test_labels_sort_dup(void **state)
{
    const char *keys[4] = {"b", "a", "c", "a"};
    const char *vals[4] = {"1", "2", "3", "4"};
    struct nv_labels l = {4, keys, vals};
    const char *dup;

    (void)state;
    dup = nv_labels_sort(&l);
    assert_non_null(dup);
    assert_string_equal(dup, "a");
    {
        const char *k2[3] = {"x", "y", "x"};
        const char *v2[3] = {"1", "2", "3"};
        struct nv_labels l2 = {3, k2, v2};
        assert_string_equal(nv_labels_sort(&l2), "x");
    }
}

static void test_empty_selector(void **state)
{
    struct nv_selector s;
    struct nv_labels none = {0, NULL, NULL};
    LABELS(l, "app", "web");

    (void)state;
    memset(&s, 0, sizeof(s));
    assert_true(nv_selector_is_empty(&s));
    assert_true(nv_selector_matches(&s, &l));
    assert_true(nv_selector_matches(&s, &none));
}

static void test_op_in(void **state)
{
    const char *v1[] = {"web"};
    const char *v2[] = {"api", "web", "db"};
    LABELS(l, "app", "web", "tier", "front");
    LABELS(other, "app", "webx");
    LABELS(nokey, "tier", "front");

    (void)state;
    assert_true(matches1(req("app", NV_SEL_IN, 1, v1), &l));
    assert_true(matches1(req("app", NV_SEL_IN, 3, v2), &l));
    assert_false(matches1(req("app", NV_SEL_IN, 1, v1), &other));
    assert_false(matches1(req("app", NV_SEL_IN, 3, v2), &other));
    assert_false(matches1(req("app", NV_SEL_IN, 1, v1), &nokey)); /* absent key: no match */
    assert_false(matches1(req("tier", NV_SEL_IN, 1, v1), &l));
}

static void test_op_notin(void **state)
{
    const char *v1[] = {"web"};
    const char *v2[] = {"api", "db"};
    LABELS(l, "app", "web");
    LABELS(nokey, "tier", "front");
    struct nv_labels none = {0, NULL, NULL};

    (void)state;
    assert_false(matches1(req("app", NV_SEL_NOTIN, 1, v1), &l));
    assert_true(matches1(req("app", NV_SEL_NOTIN, 2, v2), &l));
    /* NotIn matches when the key is absent */
    assert_true(matches1(req("app", NV_SEL_NOTIN, 1, v1), &nokey));
    assert_true(matches1(req("app", NV_SEL_NOTIN, 1, v1), &none));
}

static void test_op_exists(void **state)
{
    LABELS(l, "app", "web", "empty", "");
    LABELS(nokey, "tier", "front");
    struct nv_labels none = {0, NULL, NULL};

    (void)state;
    assert_true(matches1(req("app", NV_SEL_EXISTS, 0, NULL), &l));
    assert_true(matches1(req("empty", NV_SEL_EXISTS, 0, NULL), &l)); /* empty value still exists */
    assert_false(matches1(req("app", NV_SEL_EXISTS, 0, NULL), &nokey));
    assert_false(matches1(req("app", NV_SEL_EXISTS, 0, NULL), &none));
    assert_false(matches1(req("app", NV_SEL_NOTEXISTS, 0, NULL), &l));
    assert_false(matches1(req("empty", NV_SEL_NOTEXISTS, 0, NULL), &l));
    assert_true(matches1(req("app", NV_SEL_NOTEXISTS, 0, NULL), &nokey));
    assert_true(matches1(req("app", NV_SEL_NOTEXISTS, 0, NULL), &none));
}

static void test_and(void **state)
{
    const char *web[] = {"web"};
    const char *prod[] = {"prod"};
    struct nv_requirement r[3];
    struct nv_selector s;
    LABELS(a, "app", "web", "env", "prod");
    LABELS(b, "app", "web", "env", "dev");
    LABELS(c, "app", "web", "env", "prod", "debug", "1");

    (void)state;
    r[0] = req("app", NV_SEL_IN, 1, web);
    r[1] = req("env", NV_SEL_IN, 1, prod);
    r[2] = req("debug", NV_SEL_NOTEXISTS, 0, NULL);
    memset(&s, 0, sizeof(s));
    s.n = 3;
    s.reqs = r;
    assert_false(nv_selector_is_empty(&s));
    assert_true(nv_selector_matches(&s, &a));
    assert_false(nv_selector_matches(&s, &b)); /* second requirement fails */
    assert_false(nv_selector_matches(&s, &c)); /* third requirement fails */
}

static void test_op_name(void **state)
{
    (void)state;
    assert_string_equal(nv_sel_op_name(NV_SEL_IN), "In");
    assert_string_equal(nv_sel_op_name(NV_SEL_NOTIN), "NotIn");
    assert_string_equal(nv_sel_op_name(NV_SEL_EXISTS), "Exists");
    assert_string_equal(nv_sel_op_name(NV_SEL_NOTEXISTS), "DoesNotExist");
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_key_valid(void **state)
{
    static const char *const ok[] = {
        "app",
        "a",
        "A",
        "9",
        "app.kubernetes.io/name",
        "kubernetes.io/metadata.name",
        "my-label_x.y",
        "example.com/Tier",
        "a-b.c/X_Y-z.9",
        "k8s.io/a",
    };
    size_t i;
    char *name63 = repeat('a', 63), *buf;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (nv_label_key_invalid(ok[i]))
            fail_msg("key '%s' should be valid: %s", ok[i], nv_label_key_invalid(ok[i]));
    assert_null(nv_label_key_invalid(name63));
    /* a 253-character prefix is the limit */
    buf = malloc(253 + 1 + 63 + 1);
    assert_non_null(buf);
    memset(buf, 'p', 253);
    buf[100] = '.';
    buf[253] = '/';
    memcpy(buf + 254, name63, 64);
    assert_null(nv_label_key_invalid(buf));
    free(buf);
    free(name63);
}

static void expect_key_invalid(const char *key, const char *fragment)
{
    const char *why = nv_label_key_invalid(key);

    if (!why)
        fail_msg("key '%s' should be invalid", key);
    if (fragment && !strstr(why, fragment))
        fail_msg("key '%s': reason '%s' does not mention '%s'", key, why, fragment);
}

static void test_key_invalid(void **state)
{
    char *name64 = repeat('a', 64), *buf;

    (void)state;
    expect_key_invalid("", "empty");
    expect_key_invalid("-app", "alphanumeric");
    expect_key_invalid("app-", "alphanumeric");
    expect_key_invalid("_app", "alphanumeric");
    expect_key_invalid(".app", "alphanumeric");
    expect_key_invalid("app name", NULL);
    expect_key_invalid("app:x", NULL);
    expect_key_invalid("app/", "empty"); /* empty name after the prefix */
    expect_key_invalid("/app", "empty"); /* empty prefix */
    expect_key_invalid("a/b/c", "'/'");
    expect_key_invalid("Example.com/app", "lower-case"); /* prefix is a DNS subdomain */
    expect_key_invalid("exa_mple.com/app", NULL);
    expect_key_invalid("-example.com/app", "alphanumeric");
    expect_key_invalid("example.com-/app", "alphanumeric");
    expect_key_invalid(name64, "63");
    /* 254-character prefix */
    buf = malloc(254 + 1 + 3 + 1);
    assert_non_null(buf);
    memset(buf, 'p', 254);
    memcpy(buf + 254, "/app", 5);
    expect_key_invalid(buf, "253");
    free(buf);
    /* name part of a prefixed key over 63 */
    buf = malloc(4 + 64 + 1);
    assert_non_null(buf);
    memcpy(buf, "a.b/", 4);
    memcpy(buf + 4, name64, 65);
    expect_key_invalid(buf, "63");
    free(buf);
    free(name64);
}

/*
 * Regression test, found by this suite and fixed (src/selector.c, nv_subdomain_invalid): the prefix
 * is checked only for its character set and first/last character, not as a DNS-1123 subdomain
 * (dot-separated labels, each starting and ending alphanumeric), so
 * "a..b/app", "a.-b/app" and "a-.b/app" are accepted; the API server rejects them.
 */
static void test_key_prefix_labels(void **state)
{
    (void)state;
    expect_key_invalid("a..b/app", NULL);
    expect_key_invalid("a.-b/app", NULL);
    expect_key_invalid("a-.b/app", NULL);
}

static void test_value(void **state)
{
    char *v63 = repeat('v', 63), *v64 = repeat('v', 64);

    (void)state;
    assert_null(nv_label_value_invalid("")); /* empty value is allowed */
    assert_null(nv_label_value_invalid("web"));
    assert_null(nv_label_value_invalid("v1.2.3"));
    assert_null(nv_label_value_invalid("A_b-C.9"));
    assert_null(nv_label_value_invalid("0"));
    assert_null(nv_label_value_invalid(v63));
    assert_non_null(nv_label_value_invalid(v64));
    assert_non_null(strstr(nv_label_value_invalid(v64), "63"));
    assert_non_null(nv_label_value_invalid("-web"));
    assert_non_null(nv_label_value_invalid("web-"));
    assert_non_null(nv_label_value_invalid(".web"));
    assert_non_null(nv_label_value_invalid("web_"));
    assert_non_null(nv_label_value_invalid("a/b")); /* no prefix form for values */
    assert_non_null(nv_label_value_invalid("a b"));
    assert_non_null(nv_label_value_invalid("a:b"));
    free(v63);
    free(v64);
}

static uint64_t rs = 0x853c49e6748fea9bULL;

static unsigned rn(unsigned n)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (unsigned)(((rs * 2685821657736338717ULL) >> 32) % n);
}

/* The pointer-comparing variant agrees with the plain one on interned data. */
static void test_matches_interned(void **state)
{
    static const char *const keys[] = {"app", "role", "tier", "kubernetes.io/metadata.name"};
    static const char *const vals[] = {"a", "b", "c", ""};
    struct nv_arena a;
    int round, agree_true = 0;

    (void)state;
    nv_arena_init(&a);
    for (round = 0; round < 2000; round++) {
        const char *lk[4], *lv[4], *values[4][3];
        struct nv_labels l = {0, lk, lv};
        struct nv_requirement reqs[4];
        struct nv_selector sel;
        size_t i, j, nreq = rn(4);
        int plain, interned;

        for (i = 0; i < 4; i++) {
            if (rn(2))
                continue;
            lk[l.n] = nv_arena_intern(&a, keys[i]);
            lv[l.n] = nv_arena_intern(&a, vals[rn(4)]);
            l.n++;
        }
        assert_null(nv_labels_sort(&l));
        for (i = 0; i < nreq; i++) {
            size_t nv = 1 + rn(3);
            char key[64];
            /* a fresh copy of the key: only interning makes the pointers equal */
            snprintf(key, sizeof(key), "%s", keys[rn(4)]);
            reqs[i].key = nv_arena_intern(&a, key);
            reqs[i].op = (enum nv_sel_op)rn(4);
            reqs[i].nvalues = reqs[i].op <= NV_SEL_NOTIN ? nv : 0;
            for (j = 0; j < nv; j++)
                values[i][j] = nv_arena_intern(&a, vals[rn(4)]);
            reqs[i].values = values[i];
        }
        memset(&sel, 0, sizeof(sel));
        sel.n = nreq;
        sel.reqs = reqs;
        plain = nv_selector_matches(&sel, &l);
        interned = nv_selector_matches_interned(&sel, &l);
        if (plain != interned)
            fail_msg("round %d: plain %d, interned %d", round, plain, interned);
        agree_true += plain;
    }
    assert_true(agree_true > 100 && agree_true < 1900); /* both answers occur */
    nv_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_get_sort),
        cmocka_unit_test(test_labels_sort_dup),
        cmocka_unit_test(test_empty_selector),
        cmocka_unit_test(test_op_in),
        cmocka_unit_test(test_op_notin),
        cmocka_unit_test(test_op_exists),
        cmocka_unit_test(test_and),
        cmocka_unit_test(test_op_name),
        cmocka_unit_test(test_key_valid),
        cmocka_unit_test(test_key_invalid),
        cmocka_unit_test(test_key_prefix_labels),
        cmocka_unit_test(test_value),
        cmocka_unit_test(test_matches_interned),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
