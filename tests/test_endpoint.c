/*
 * test_endpoint.c - the endpoint vocabulary: every form parsed, every form
 * resolved against a model, every error with its message (did-you-mean
 * included), and the edit distance behind the suggestions.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/endpoint.h"
#include "netverify/load.h"
#include "netverify/model.h"
#include "netverify/selector.h"

static const char k_cluster[] =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  replicas: 2\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web}}\n"
    "    spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: api}}\n"
    "  template:\n"
    "    metadata: {labels: {app: api}}\n"
    "    spec: {containers: [{name: c, image: i}]}\n"
    "---\n"
    "apiVersion: apps/v1\n"
    "kind: StatefulSet\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: api-db}}\n"
    "  template:\n"
    "    metadata: {labels: {app: api-db}}\n"
    "    spec: {containers: [{name: c, image: i}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata: {name: cache, namespace: a, labels: {app: cache}}\n"
    "spec: {containers: [{name: c, image: i}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata: {name: cache, namespace: b, labels: {app: cache}}\n"
    "spec: {containers: [{name: c, image: i}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata: {name: '1.2', namespace: a, labels: {app: digits}}\n"
    "spec: {containers: [{name: c, image: i}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: web-svc, namespace: shop}\n"
    "spec: {selector: {app: web}, ports: [{port: 80}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: manual, namespace: shop}\n"
    "spec: {ports: [{port: 80}]}\n";

static struct nv_model *g_m;

static int group_setup(void **state)
{
    struct nv_load_opts o;
    struct nv_diags d;

    (void)state;
    nv_load_opts_default(&o);
    nv_diags_init(&d);
    g_m = nv_load_buffer(k_cluster, sizeof(k_cluster) - 1, "cluster.yaml", &o, &d);
    if (!g_m || d.nerr || nv_model_finish(g_m, &d) < 0) {
        nv_diags_release(&d);
        return -1;
    }
    nv_diags_release(&d);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    nv_model_free(g_m);
    return 0;
}

/* Look text up; on success the endpoint formatted, else the error message. */
static void lookup(const char *text, unsigned forms, int want_rc, const char *want)
{
    struct nv_buf b;
    struct nv_ep e;
    int rc;

    nv_buf_init(&b, 0);
    rc = nv_ep_lookup(g_m, text, forms, &e, &b);
    if (rc == 0)
        nv_ep_format(&b, g_m, &e);
    if (rc != want_rc || strcmp(nv_buf_str(&b), want))
        fail_msg("%s: rc %d, '%s'; wanted rc %d, '%s'", text, rc, nv_buf_str(&b), want_rc, want);
    nv_buf_release(&b);
}

static void ok(const char *text, const char *want)
{
    lookup(text, NV_EP_ANY, 0, want);
}

static void bad(const char *text, const char *want)
{
    lookup(text, NV_EP_ANY, -1, want);
}

static void test_parse_forms(void **state)
{
    struct nv_epref r;
    struct nv_buf b;

    (void)state;
    nv_buf_init(&b, 0);
    assert_int_equal(nv_ep_parse("shop/web", &r, &b), 0);
    assert_int_equal(r.form, NV_EP_WORKLOAD);
    assert_int_equal(r.nslen, 4);
    assert_int_equal(r.namelen, 3);
    assert_null(r.kind);
    assert_int_equal(nv_ep_parse("shop/api[StatefulSet]", &r, &b), 0);
    assert_int_equal(r.namelen, 3);
    assert_int_equal(r.kindlen, 11);
    assert_memory_equal(r.kind, "StatefulSet", 11);
    assert_int_equal(nv_ep_parse("web", &r, &b), 0);
    assert_null(r.ns);
    assert_int_equal(nv_ep_parse("SVC \t shop/web-svc", &r, &b), 0);
    assert_int_equal(r.form, NV_EP_SERVICE);
    assert_memory_equal(r.name, "web-svc", 7);
    assert_int_equal(nv_ep_parse("10.1.2.3", &r, &b), 0);
    assert_int_equal(r.form, NV_EP_ADDRESS);
    assert_int_equal(nv_ep_parse("2001:db8::1", &r, &b), 0);
    assert_int_equal(r.form, NV_EP_ADDRESS);
    assert_int_equal(b.len, 0);
    nv_buf_release(&b);
}

static void test_resolve_forms(void **state)
{
    (void)state;
    ok("shop/web", "shop/web[Deployment]");
    ok("web", "shop/web[Deployment]");
    ok("shop/api[StatefulSet]", "shop/api[StatefulSet]");
    ok("api[Deployment]", "shop/api[Deployment]");
    ok("a/cache", "a/cache[Pod]");
    ok("1.2", "a/1.2[Pod]"); /* digits and dots: a workload's name, since one has it */
    ok("svc shop/web-svc", "svc shop/web-svc");
    ok("10.1.2.3", "10.1.2.3");
    ok("::ffff:10.1.2.3", "10.1.2.3");
}

static void test_parse_errors(void **state)
{
    (void)state;
    bad("", "'': an empty endpoint: write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind], "
            "a Service as 'svc NAMESPACE/NAME', or one IP address");
    bad("10.0.0.0/8", "'10.0.0.0/8' is an address range (a CIDR), where one address is needed: "
                      "give one address, such as 10.0.0.0");
    bad("2001:db8::/64", "'2001:db8::/64' is an address range (a CIDR), where one address is "
                         "needed: give one address, such as 2001:db8::");
    bad("10.1.2.300", "'10.1.2.300': invalid IPv4 address");
    bad("2001:db8::g", "'2001:db8::g': invalid IPv6 address");
    bad("a/b/c", "'a/b/c': write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind], a Service "
                 "as 'svc NAMESPACE/NAME', or one IP address");
    bad("/web", "'/web': write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind], a Service "
                "as 'svc NAMESPACE/NAME', or one IP address");
    bad("shop/", "'shop/': write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind], a Service "
                 "as 'svc NAMESPACE/NAME', or one IP address");
    bad("shop/api[", "'shop/api[': write a workload as NAMESPACE/NAME[Kind], the kind in brackets "
                     "at the end");
    bad("shop/api[]", "'shop/api[]': write a workload as NAMESPACE/NAME[Kind], the kind in "
                      "brackets at the end");
    bad("shop/api]", "'shop/api]': write a workload as NAMESPACE/NAME[Kind], the kind in brackets "
                     "at the end");
    bad("shop/api[A]x", "'shop/api[A]x': write a workload as NAMESPACE/NAME[Kind], the kind in "
                        "brackets at the end");
    bad("svc web", "'svc web': write a Service as 'svc NAMESPACE/NAME'");
    bad("svc shop/web[Service]", "'svc shop/web[Service]': write a Service as 'svc "
                                 "NAMESPACE/NAME'");
}

static void test_resolve_errors(void **state)
{
    (void)state;
    /* unknown workloads, with the nearest name */
    bad("shop/wbe", "'shop/wbe': no workload by that name in the manifests; did you mean "
                    "'shop/web'?");
    bad("wbe", "'wbe': no workload by that name in the manifests; did you mean 'web'?");
    bad("shop/nothing-like-it", "'shop/nothing-like-it': no workload by that name in the "
                                "manifests");
    bad("b/web", "'b/web': no workload by that name in the manifests; did you mean 'shop/web'?");
    /* unknown namespaces */
    bad("shp/web", "'shp/web': no namespace 'shp' in the manifests; did you mean 'shop'?");
    bad("zzzz/web", "'zzzz/web': no namespace 'zzzz' in the manifests");
    /* kinds */
    bad("shop/api[Job]", "'shop/api[Job]': no workload of kind Job by that name (there are "
                         "shop/api[Deployment], shop/api[StatefulSet])");
    bad("shop/api[deployment]", "'shop/api[deployment]': no workload of kind deployment by that "
                                "name (there are shop/api[Deployment], shop/api[StatefulSet]); "
                                "did you mean 'shop/api[Deployment]'?");
    bad("shop/web[StatefulSet]", "'shop/web[StatefulSet]': no workload of kind StatefulSet by "
                                 "that name (there is shop/web[Deployment])");
    /* several */
    bad("shop/api", "'shop/api' names 2 workloads (shop/api[Deployment], shop/api[StatefulSet]); "
                    "add the kind in brackets, as NAMESPACE/NAME[Kind]");
    bad("cache", "'cache' names 2 workloads (a/cache[Pod], b/cache[Pod]); write NAMESPACE/NAME");
    /* Services */
    bad("svc shop/web-sv", "'svc shop/web-sv': no Service by that name in the manifests; did "
                           "you mean 'svc shop/web-svc'?");
    bad("svc shpo/web-svc", "'svc shpo/web-svc': no namespace 'shpo' in the manifests; did you "
                            "mean 'shop'?");
    bad("svc shop/manual", "'svc shop/manual': the Service has no selector: the EndpointSlice "
                           "controller picks no pod for it (its endpoints are managed elsewhere)");
}

static void test_family(void **state)
{
    unsigned fams = g_m->families;

    (void)state;
    /* the cluster names no IPv6: IPv4 only (explain and the filters name their addresses
     * to the loader first, so that one of theirs turns IPv6 on: nv_cli_names_ipv6()) */
    assert_int_equal(fams, NV_FAMILY_BIT(NV_IPV4));
    bad("2001:db8::1",
        "'2001:db8::1': IPv6 addresses are not modelled (no input mentions IPv6; --ip-family "
        "dual models it)");
    g_m->families = NV_FAMILIES_ALL;
    ok("2001:db8::1", "2001:db8::1");
    g_m->families = fams;
}

static void test_forms_refused(void **state)
{
    (void)state;
    lookup("svc shop/web-svc", NV_EP_WORKLOAD | NV_EP_ADDRESS, -1,
           "'svc shop/web-svc': a Service cannot be given here: name a workload");
    lookup("10.1.2.3", NV_EP_WORKLOAD, -1,
           "'10.1.2.3': an address cannot be given here: name a workload");
    lookup("shop/web", NV_EP_ADDRESS, -1, "'shop/web': a workload cannot be given here");
}

static void test_workloads(void **state)
{
    struct nv_buf b;
    struct nv_ep e;
    uint32_t out[16];

    (void)state;
    nv_buf_init(&b, 0);
    assert_int_equal(nv_ep_lookup(g_m, "svc shop/web-svc", NV_EP_ANY, &e, &b), 0);
    assert_int_equal(nv_ep_workloads(g_m, &e, out), 1);
    assert_string_equal(g_m->workloads[out[0]].id, "shop/web");
    assert_int_equal(nv_ep_lookup(g_m, "shop/api[StatefulSet]", NV_EP_ANY, &e, &b), 0);
    assert_int_equal(nv_ep_workloads(g_m, &e, out), 1);
    assert_string_equal(g_m->workloads[out[0]].kind, "StatefulSet");
    assert_int_equal(nv_ep_lookup(g_m, "10.9.9.9", NV_EP_ANY, &e, &b), 0);
    assert_int_equal(nv_ep_workloads(g_m, &e, out), 0);
    nv_buf_release(&b);
}

/* The suggestion after "matches nothing" for a selector of one requirement. */
static void labels(const char *key, enum nv_sel_op op, const char *value, enum nv_ep_labels whose,
                   const char *want)
{
    const char *values[1] = {value};
    struct nv_requirement q = {key, op, value ? 1 : 0, values};
    struct nv_selector sel = {1, &q, {NULL, 0, 0}};
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_ep_suggest_labels(g_m, &sel, whose, &b);
    if (strcmp(nv_buf_str(&b), want))
        fail_msg("%s %s: '%s', wanted '%s'", key, value ? value : "", nv_buf_str(&b), want);
    nv_buf_release(&b);
}

static void test_suggest_labels(void **state)
{
    struct nv_buf b;

    (void)state;
    labels("app", NV_SEL_IN, "wbe", 0, "; did you mean 'app=web'?");
    labels("app", NV_SEL_IN, "api-dv", 0, "; did you mean 'app=api-db'?");
    labels("app", NV_SEL_IN, "web", 0, "");    /* there: no typo */
    labels("app", NV_SEL_IN, "zzzzzz", 0, ""); /* nothing near */
    labels("app", NV_SEL_NOTIN, "wbe", 0, ""); /* a negation is no typo */
    labels("ap", NV_SEL_EXISTS, NULL, 0, "; did you mean the label 'app'?");
    labels("kubernetes.io/metadata.name", NV_SEL_IN, "shp", 1,
           "; did you mean 'kubernetes.io/metadata.name=shop'?");
    /* a namespace's label on pods */
    labels("kubernetes.io/metadata.name", NV_SEL_IN, "shop", NV_EP_LABELS_PODS,
           "; 'kubernetes.io/metadata.name' labels namespaces, not pods: did you mean "
           "'namespaces kubernetes.io/metadata.name=shop'?");
    labels("kubernetes.io/metadata.name", NV_SEL_EXISTS, NULL, NV_EP_LABELS_SCOPE, "");
    labels("app", NV_SEL_IN, "web", NV_EP_LABELS_SCOPE, "; 'app' labels pods, not namespaces");
    /* namespaces by name */
    nv_buf_init(&b, 0);
    assert_string_equal(g_m->ns[nv_ep_namespace(g_m, "namespace shop", "shop", &b)].name, "shop");
    assert_int_equal(nv_ep_namespace(g_m, "namespace shpo", "shpo", &b), -1);
    assert_string_equal(nv_buf_str(&b), "'namespace shpo': no namespace 'shpo' in the manifests; "
                                        "did you mean 'shop'?");
    nv_buf_release(&b);
}

static void test_edit_distance(void **state)
{
    struct nv_suggest s;

    (void)state;
    assert_int_equal(nv_edit_distance("web", 3, "wbe", 3), 1);
    assert_int_equal(nv_edit_distance("kitten", 6, "sitting", 7), 3);
    assert_int_equal(nv_edit_distance("", 0, "abc", 3), 3);
    assert_int_equal(nv_edit_distance("Web", 3, "web", 3), 0);
    nv_suggest_init(&s, "fronted");
    nv_suggest_add(&s, "frontend");
    nv_suggest_add(&s, "backend");
    assert_string_equal(nv_suggest_best(&s), "frontend");
    nv_suggest_init(&s, "db");
    nv_suggest_add(&s, "db"); /* exact: no suggestion */
    nv_suggest_add(&s, "web");
    assert_null(nv_suggest_best(&s));
    nv_suggest_init(&s, "a");
    nv_suggest_add(&s, "b"); /* everything changed */
    assert_null(nv_suggest_best(&s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),   cmocka_unit_test(test_resolve_forms),
        cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_family),        cmocka_unit_test(test_forms_refused),
        cmocka_unit_test(test_workloads),     cmocka_unit_test(test_suggest_labels),
        cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
