/*
 * test_load.c - the loader's own rules: --exclude globs (against a slow
 * reference matcher on random patterns and paths), the kinds that enforce
 * traffic, --assume names.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/load.h"

struct glob_case {
    const char *glob, *path;
    int dir, want;
};

static void test_glob_cases(void **state)
{
    static const struct glob_case cases[] = {
        {"values.yaml", "values.yaml", 0, 1},
        {"values.yaml", "charts/web/values.yaml", 0, 1}, /* no '/': the last component */
        {"values.yaml", "charts/web/values.yml", 0, 0},
        {"*.tpl.yaml", "a/b/x.tpl.yaml", 0, 1},
        {"charts", "charts", 1, 1},
        {"charts/", "charts", 1, 1},
        {"charts/", "charts", 0, 0}, /* a trailing '/': directories only */
        {"charts/*", "charts/values.yaml", 0, 1},
        {"charts/*", "charts/web/values.yaml", 0, 0}, /* '*' stays in one component */
        {"charts/**", "charts/web/values.yaml", 0, 1},
        {"charts/**", "charts", 1, 0},
        {"**/values.yaml", "values.yaml", 0, 1}, /* zero directories */
        {"**/values.yaml", "a/b/c/values.yaml", 0, 1},
        {"**/values.yaml", "a/b/xvalues.yaml", 0, 0},
        {"a/**/b.yaml", "a/b.yaml", 0, 1},
        {"a/**/b.yaml", "a/x/y/b.yaml", 0, 1},
        {"a/**/b.yaml", "ab.yaml", 0, 0},
        {"a/**/b.yaml", "a/xb.yaml", 0, 0},
        {"./ci/*.yml", "ci/lint.yml", 0, 1},
        {"ci/?.yml", "ci/a.yml", 0, 1},
        {"ci/?.yml", "ci/ab.yml", 0, 0},
        {"[ab].yaml", "b.yaml", 0, 1},
        {"[!ab].yaml", "b.yaml", 0, 0},
        {"[!ab].yaml", "c.yaml", 0, 1},
        {"[a-c]x", "bx", 0, 1},
        {"[]]x", "]x", 0, 1},
        {"[x", "[x", 0, 1}, /* an unclosed '[' is itself */
        {"\\*.yaml", "*.yaml", 0, 1},
        {"\\*.yaml", "a.yaml", 0, 0},
        {"a*/b", "a/b", 0, 1},
        {"a?b", "a/b", 0, 0}, /* '?' never matches '/' */
        {"*", "", 0, 1},
        {"", "", 0, 1},
        {"", "a", 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (nv_load_glob_match(cases[i].glob, cases[i].path, cases[i].dir) != cases[i].want)
            fail_msg("case %zu: '%s' against '%s'%s: expected %d", i, cases[i].glob, cases[i].path,
                     cases[i].dir ? " (a directory)" : "", cases[i].want);
}

/* The reference: backtracking over the pattern text, '**' any run, '**' + '/' whole dirs. */
static int ref_match(const char *p, const char *s)
{
    if (!*p)
        return !*s;
    if (p[0] == '*' && p[1] == '*') {
        const char *q = p + 2;
        while (*q == '*')
            q++;
        if (*q == '/') {
            /* zero directories, or any run ending in '/' */
            const char *t;
            if (ref_match(q + 1, s))
                return 1;
            for (t = s; *t; t++)
                if (*t == '/' && ref_match(q + 1, t + 1))
                    return 1;
            return 0;
        }
        for (;; s++) {
            if (ref_match(q, s))
                return 1;
            if (!*s)
                return 0;
        }
    }
    if (*p == '*') {
        for (;; s++) {
            if (ref_match(p + 1, s))
                return 1;
            if (!*s || *s == '/')
                return 0;
        }
    }
    if (!*s)
        return 0;
    if (*p == '?')
        return *s != '/' && ref_match(p + 1, s + 1);
    return *p == *s && ref_match(p + 1, s + 1);
}

static void random_text(char *out, size_t max, const char *alphabet)
{
    size_t n = (size_t)rand() % max, i, k = strlen(alphabet);

    for (i = 0; i < n; i++)
        out[i] = alphabet[(size_t)rand() % k];
    out[n] = '\0';
}

/* Random globs with a '/' (matched against the whole path) against the reference and fnmatch. */
static void test_glob_random(void **state)
{
    char glob[16], path[16];
    int i;

    (void)state;
    srand(13);
    for (i = 0; i < 200000; i++) {
        int got, want;
        random_text(glob, sizeof(glob), "ab/*?");
        /* without a '/' only the last component counts; "./" is dropped */
        if (!strchr(glob, '/') || !strncmp(glob, "./", 2) || glob[strlen(glob) - 1] == '/')
            continue;
        random_text(path, sizeof(path), "ab/");
        got = nv_load_glob_match(glob, path, 0);
        want = ref_match(glob, path);
        if (got != want)
            fail_msg("'%s' against '%s': got %d, the reference says %d", glob, path, got, want);
        if (!strstr(glob, "**") && want != !fnmatch(glob, path, FNM_PATHNAME))
            fail_msg("'%s' against '%s': fnmatch disagrees with the reference", glob, path);
    }
}

static void test_enforcing_kinds(void **state)
{
    (void)state;
    assert_true(nv_load_enforcing_kind("CiliumNetworkPolicy", "cilium.io/v2"));
    assert_true(nv_load_enforcing_kind("CiliumClusterwideNetworkPolicy", NULL));
    assert_true(nv_load_enforcing_kind("GlobalNetworkPolicy", "projectcalico.org/v3"));
    assert_true(nv_load_enforcing_kind("NetworkPolicy", "projectcalico.org/v3"));
    assert_true(nv_load_enforcing_kind("NetworkPolicy", "crd.projectcalico.org/v1"));
    assert_true(nv_load_enforcing_kind("NetworkPolicy", "crd.antrea.io/v1beta1"));
    assert_true(nv_load_enforcing_kind("AuthorizationPolicy", "security.istio.io/v1"));
    /* near cases: the modelled NetworkPolicy, a group that only starts alike */
    assert_false(nv_load_enforcing_kind("NetworkPolicy", "networking.k8s.io/v1"));
    assert_false(nv_load_enforcing_kind("NetworkPolicy", NULL));
    assert_false(nv_load_enforcing_kind("NetworkPolicy", "projectcalico.org.evil/v3"));
    assert_false(
        nv_load_enforcing_kind("ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2"));
    assert_false(nv_load_enforcing_kind("ConfigMap", "v1"));
}

static void test_assume_names(void **state)
{
    (void)state;
    assert_int_equal(nv_assume_parse("kube-dns"), NV_ASSUME_KUBE_DNS);
    assert_int_equal(nv_assume_parse("kubedns"), 0);
    assert_string_equal(nv_assume_name(NV_ASSUME_KUBE_DNS), "kube-dns");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_cases),
        cmocka_unit_test(test_glob_random),
        cmocka_unit_test(test_enforcing_kinds),
        cmocka_unit_test(test_assume_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
