/*
 * test_rows.c - the flow-row writer: framing of empty and full documents,
 * names escaped once per workload and per format, diff's JSON arrays in
 * order when the later ones pass the memory bound and wait in a temporary
 * file, Markdown's row limit, the claims section.
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

#include "netverify/rows.h"

/* The output of a writer, read back. */
struct out {
    FILE *fp;
    char *text;
};

static void out_open(struct out *o)
{
    o->fp = tmpfile();
    assert_non_null(o->fp);
    o->text = NULL;
}

/* Everything written to o, NUL-terminated; o->fp is closed. */
static const char *out_text(struct out *o)
{
    long n;

    assert_int_equal(fflush(o->fp), 0);
    n = ftell(o->fp);
    assert_true(n >= 0);
    rewind(o->fp);
    o->text = malloc((size_t)n + 1);
    assert_non_null(o->text);
    assert_int_equal(fread(o->text, 1, (size_t)n, o->fp), (size_t)n);
    o->text[n] = '\0';
    fclose(o->fp);
    return o->text;
}

/* How often 'what' occurs in s (by hand: a sanitizer's strstr measures s on every call). */
static size_t count(const char *s, const char *what)
{
    size_t n = 0, len = strlen(what), i;

    for (; *s; s++) {
        for (i = 0; i < len && s[i] == what[i]; i++)
            ;
        if (i == len) {
            n++;
            s += len - 1;
        }
    }
    return n;
}

static struct nv_flow_end wl_end(const char *name, const char *kind, long wl)
{
    struct nv_flow_end e;

    memset(&e, 0, sizeof(e));
    e.name = name;
    e.kind = kind;
    e.wl = wl;
    return e;
}

/*
 * Write a list document in each of its formats with 'nrows' flows a => b and
 * b => a in turn (ports p), and compare it with want[format].
 */
static void check_list_formats(const char *const want[4], const struct nv_flow_end *a,
                               const struct nv_flow_end *b, size_t nrows)
{
    struct nv_ports t;
    uint32_t p;
    size_t i;
    int f;

    nv_ports_init(&t);
    p = nv_ports_range(&t, NV_PROTO_TCP, 80, 80);
    for (f = NV_ROWS_TEXT; f <= NV_ROWS_MD; f++) {
        struct out o;
        struct nv_rows *w;
        out_open(&o);
        w = nv_rows_new(o.fp, NV_ROWS_LIST, (enum nv_rows_format)f, &t, 2);
        for (i = 0; i < nrows; i++)
            nv_rows_flow(w, i % 2 ? b : a, i % 2 ? a : b, p, p);
        assert_int_equal(nv_rows_finish(w), 0);
        nv_rows_free(w);
        assert_string_equal(out_text(&o), want[f]);
        free(o.text);
    }
    nv_ports_release(&t);
}

static void test_list_empty(void **state)
{
    static const char *const want[] = {"", "{\"connections\": []}\n",
                                       "src,src_kind,dst,dst_kind,conns\n",
                                       "| src | src kind | dst | dst kind | connections |\n"
                                       "|---|---|---|---|---|\n"};
    struct nv_flow_end a = wl_end("a/b", "Pod", 0);

    (void)state;
    check_list_formats(want, &a, &a, 0);
}

/* A name with a newline and a '|' is escaped for each format, the same on every row. */
static void test_list_escaped_once(void **state)
{
    static const char *const want[] = {
        "a/x\\ny|z[Pod] => b/w[Deployment] : TCP 80\n"
        "b/w[Deployment] => a/x\\ny|z[Pod] : TCP 80\n",
        "{\"connections\": [\n"
        "  {\"src\": \"a/x\\ny|z\", \"src_kind\": \"Pod\", \"dst\": \"b/w\", \"dst_kind\": "
        "\"Deployment\", \"conns\": \"TCP 80\"},\n"
        "  {\"src\": \"b/w\", \"src_kind\": \"Deployment\", \"dst\": \"a/x\\ny|z\", \"dst_kind\": "
        "\"Pod\", \"conns\": \"TCP 80\"}\n]}\n",
        "src,src_kind,dst,dst_kind,conns\n\"a/x\ny|z\",Pod,b/w,Deployment,TCP 80\n"
        "b/w,Deployment,\"a/x\ny|z\",Pod,TCP 80\n",
        "| src | src kind | dst | dst kind | connections |\n|---|---|---|---|---|\n"
        "| a/x\\\\ny\\|z | Pod | b/w | Deployment | TCP 80 |\n"
        "| b/w | Deployment | a/x\\\\ny\\|z | Pod | TCP 80 |\n"};
    struct nv_flow_end a = wl_end("a/x\ny|z", "Pod", 0), b = wl_end("b/w", "Deployment", 1);

    (void)state;
    check_list_formats(want, &a, &b, 2);
}

/*
 * 200,000 removed and 5 changed rows after 3 added: the removed array passes
 * the 8 MiB bound and waits in a temporary file, and comes out whole, in order,
 * after the added array.
 */
static void test_diff_json_spills(void **state)
{
    struct nv_flow_end a = wl_end("ns/a", "Deployment", 0), b = wl_end("ns/b", "Deployment", 1);
    struct nv_ports t;
    struct out o;
    struct nv_rows *w;
    const char *s, *added, *removed, *changed;
    uint32_t p;
    size_t i;

    (void)state;
    nv_ports_init(&t);
    p = nv_ports_range(&t, NV_PROTO_TCP, 443, 443);
    out_open(&o);
    w = nv_rows_new(o.fp, NV_ROWS_DIFF, NV_ROWS_JSON, &t, 2);
    for (i = 0; i < 200000; i++) {
        nv_rows_change(w, NV_ROW_REMOVED, &a, &b, p, NV_PORTS_NONE, NULL);
        if (i % 40000 == 0)
            nv_rows_change(w, NV_ROW_CHANGED, &b, &a, p, NV_PORTS_ALL, NULL);
        if (i < 3)
            nv_rows_change(w, NV_ROW_ADDED, &b, &b, NV_PORTS_NONE, p, NULL);
    }
    assert_int_equal(nv_rows_count(w, NV_ROW_REMOVED), 200000);
    assert_int_equal(nv_rows_finish(w), 0);
    nv_rows_free(w);
    s = out_text(&o);
    assert_true(strlen(s) > ((size_t)8 << 20));
    added = strstr(s, "\"added\": [");
    removed = strstr(s, "\"removed\": [");
    changed = strstr(s, "\"changed\": [");
    assert_non_null(added);
    assert_true(removed > added && changed > removed);
    assert_int_equal(count(s, "\"conns\": \"TCP 443\"}"), 200003);
    assert_int_equal(count(s, "\"old\": \"TCP 443\", \"new\": \"All\"}"), 5);
    assert_int_equal(count(changed, "\"conns\""), 0);
    assert_int_equal(count(added, "\"dst\": \"ns/b\"") - count(removed, "\"dst\": \"ns/b\""), 3);
    assert_string_equal(s + strlen(s) - 7, "\n  ]\n}\n");
    free(o.text);
    nv_ports_release(&t);
}

/* Markdown keeps 300 rows and says how many more there are; the claims table follows. */
static void test_diff_md_limit_and_claims(void **state)
{
    struct nv_flow_end a = wl_end("ns/a", "Pod", 0), b = wl_end("ns/b", "Pod", 1);
    struct nv_row_claim c = {"a cannot reach b", "wall|1", "holds",     "refuted",
                             "allowed: x",       1,        {NULL, 0, 0}};
    struct nv_ports t;
    struct out o;
    struct nv_rows *w;
    const char *s;
    uint32_t p;
    size_t i;

    (void)state;
    nv_ports_init(&t);
    p = nv_ports_range(&t, NV_PROTO_UDP, 53, 53);
    out_open(&o);
    w = nv_rows_new(o.fp, NV_ROWS_DIFF, NV_ROWS_MD, &t, 2);
    for (i = 0; i < 305; i++)
        nv_rows_change(w, NV_ROW_ADDED, &a, &b, NV_PORTS_NONE, p, NULL);
    nv_rows_claims(w);
    nv_rows_claim(w, &c);
    assert_int_equal(nv_rows_finish(w), 0);
    nv_rows_free(w);
    s = out_text(&o);
    assert_non_null(strstr(s, "**netverify diff:** 305 connections added, 0 removed, 0 changed"));
    assert_int_equal(count(s, "| added | ns/a (Pod) | ns/b (Pod) |  | UDP 53 |\n"), 300);
    assert_non_null(strstr(s, "\n5 more changes are not shown;"));
    assert_non_null(strstr(s, "**Claims whose verdict changes:** 1\n"));
    assert_non_null(strstr(s, "| wall\\|1 | holds | refuted | allowed: x |\n"));
    free(o.text);
    nv_ports_release(&t);
}

/* Nothing changed: text and md write nothing, json its empty arrays and claims. */
static void test_diff_nothing(void **state)
{
    struct nv_ports t;
    int f;

    (void)state;
    nv_ports_init(&t);
    for (f = NV_ROWS_TEXT; f <= NV_ROWS_MD; f++) {
        struct out o;
        struct nv_rows *w;
        if (f == NV_ROWS_CSV)
            continue;
        out_open(&o);
        w = nv_rows_new(o.fp, NV_ROWS_DIFF, (enum nv_rows_format)f, &t, 0);
        nv_rows_claims(w);
        assert_int_equal(nv_rows_finish(w), 0);
        nv_rows_free(w);
        assert_string_equal(out_text(&o), f == NV_ROWS_JSON ? "{\n  \"added\": [],\n  \"removed\": "
                                                              "[],\n  \"changed\": [],\n  "
                                                              "\"claims\": []\n}\n"
                                                            : "");
        free(o.text);
    }
    nv_ports_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_empty),       cmocka_unit_test(test_list_escaped_once),
        cmocka_unit_test(test_diff_json_spills), cmocka_unit_test(test_diff_md_limit_and_claims),
        cmocka_unit_test(test_diff_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
