/*
 * test_escape.c - the escaping of untrusted text for each output format:
 * benign names unchanged, hostile ones inert, invalid UTF-8 handled.
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

#include "netverify/escape.h"

struct esc_case {
    const char *in, *out;
};

typedef void esc_fn(struct nv_buf *b, const char *s);

static void run_cases(esc_fn *fn, const struct esc_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        fn(&b, cases[i].in);
        if (strcmp(nv_buf_str(&b), cases[i].out))
            fail_msg("case %zu: '%s' gave '%s', expected '%s'", i, cases[i].in, nv_buf_str(&b),
                     cases[i].out);
        nv_buf_release(&b);
    }
}

#define RUN(fn, cases) run_cases(fn, cases, sizeof(cases) / sizeof(cases[0]))

/* Names as the golden outputs hold them: no format may change them. */
static const char *const k_benign[] = {
    "shop/web",
    "ai/inference",
    "Deployment",
    "0.0.0.0-255.255.255.255",
    "TCP 80,8080-8090;UDP 53",
    "All Connections",
    "inference resolves names",
    "my-app.v2",
    "",
};

static void test_benign(void **state)
{
    esc_fn *fns[] = {nv_escape_term, nv_escape_md, nv_escape_csv, nv_escape_dot};
    size_t i, f;

    (void)state;
    for (f = 0; f < sizeof(fns) / sizeof(fns[0]); f++)
        for (i = 0; i < sizeof(k_benign) / sizeof(k_benign[0]); i++) {
            struct nv_buf b;
            nv_buf_init(&b, 0);
            fns[f](&b, k_benign[i]);
            if (f != 2 || !strchr(k_benign[i], ',')) /* CSV quotes a comma */
                assert_string_equal(nv_buf_str(&b), k_benign[i]);
            nv_buf_release(&b);
        }
}

static void test_term(void **state)
{
    static const struct esc_case cases[] = {
        {"a\nb", "a\\nb"},
        {"a\tb\rc", "a\\tb\\rc"},
        {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
        {"del\x7f", "del\\x7f"},
        {"c1 \xc2\x9b", "c1 \\u009b"},
        {"bidi \xe2\x80\xae", "bidi \\u202e"},
        {"isolate \xe2\x81\xa6", "isolate \\u2066"},
        {"ls \xe2\x80\xa8", "ls \\u2028"},
        {"nonchar \xef\xbf\xbe", "nonchar \\ufffe"},
        {"caf\xc3\xa9 \xe2\x9c\x93", "caf\xc3\xa9 \xe2\x9c\x93"},
        {"bad \xff\xc3", "bad \\xff\\xc3"},
        {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
        {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
        {"back\\slash", "back\\slash"},
    };

    (void)state;
    RUN(nv_escape_term, cases);
}

static void test_md(void **state)
{
    static const struct esc_case cases[] = {
        {"a|b", "a\\|b"},
        {"a\\b", "a\\\\b"},
        {"`code`", "\\`code\\`"},
        {"**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"},
        {"<!-- hide", "\\<!-- hide"},
        {"[x](http://e)", "\\[x\\](http\\://e)"},
        {"see www.evil.example", "see www\\.evil.example"},
        {"@user", "@&#8203;user"},
        {"a@b.example", "a@&#8203;b.example"},
        {"# title", "\\# title"},
        {"&amp; $x$ ~s~", "\\&amp; \\$x\\$ \\~s\\~"},
        {"- item", "\\- item"},
        {"+ item", "\\+ item"},
        {"=", "\\="},
        {"1. item", "1\\. item"},
        {"12) item", "12\\) item"},
        {"1.5", "1.5"},
        {"a-b", "a-b"},
        {"line\n\n**fake**", "line\\\\n\\\\n\\*\\*fake\\*\\*"},
        {"\x1b[2J", "\\\\x1b\\[2J"},
        {"bad\xff", "bad\\\\xff"},
    };

    (void)state;
    RUN(nv_escape_md, cases);
}

static void test_csv(void **state)
{
    static const struct esc_case cases[] = {
        {"plain", "plain"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"=cmd()", "'=cmd()"},
        {"+1", "'+1"},
        {"-1", "'-1"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"\rx", "\"'\rx\""},
        {"=HYPERLINK(\"http://e\",\"x\")", "\"'=HYPERLINK(\"\"http://e\"\",\"\"x\"\")\""},
        {"a=b", "a=b"},
    };

    (void)state;
    RUN(nv_escape_csv, cases);
}

static void xml_text(struct nv_buf *b, const char *s)
{
    nv_escape_xml(b, s, 0);
}

static void xml_attr(struct nv_buf *b, const char *s)
{
    nv_escape_xml(b, s, 1);
}

static void test_xml(void **state)
{
    static const struct esc_case text[] = {
        {"a<b>&\"c\"", "a&lt;b&gt;&amp;&quot;c&quot;"},
        {"two\nlines\tx", "two\nlines\tx"},
        {"cr\r", "cr&#13;"},
        {"nul-ish \x01\x1b", "nul-ish \\x01\\x1b"},
        {"nonchar \xef\xbf\xbe\xef\xbf\xbf", "nonchar \\ufffe\\uffff"},
        {"bad \xfe", "bad \\xfe"},
        {"caf\xc3\xa9", "caf\xc3\xa9"},
    };
    static const struct esc_case attr[] = {
        {"two\nlines\tx", "two&#10;lines&#9;x"},
        {"q\"", "q&quot;"},
    };

    (void)state;
    RUN(xml_text, text);
    RUN(xml_attr, attr);
}

static void test_uri(void **state)
{
    static const struct esc_case cases[] = {
        {"deploy/netverify.yaml", "deploy/netverify.yaml"},
        {"../a_b~c/x-y.yaml", "../a_b~c/x-y.yaml"},
        {"a#b?c.yaml", "a%23b%3Fc.yaml"},
        {"c:/x", "c%3A/x"},
        {"100%", "100%25"},
        {"sp ace\n", "sp%20ace%0A"},
        {"caf\xc3\xa9", "caf%C3%A9"},
        {"/abs/path", "/abs/path"},
    };

    (void)state;
    RUN(nv_escape_uri, cases);
}

static void test_dot(void **state)
{
    static const struct esc_case cases[] = {
        {"a\\nb", "a\\\\nb"},   {"\\N", "\\\\N"}, {"real\nnewline", "real\\\\nnewline"},
        {"quote\"", "quote\""}, {"<b>", "<b>"},
    };

    (void)state;
    RUN(nv_escape_dot, cases);
}

static void utf8_fn(struct nv_buf *b, const char *s)
{
    nv_escape_utf8(b, s);
}

static void test_utf8(void **state)
{
    static const struct esc_case cases[] = {
        {"ok \xc3\xa9", "ok \xc3\xa9"},
        {"bad \xff!", "bad \xef\xbf\xbd!"},
        {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
    };

    (void)state;
    RUN(utf8_fn, cases);
    assert_int_equal(nv_escape_utf8(NULL, "a\xff\xfe"), 2);
    assert_true(nv_escape_is_utf8("caf\xc3\xa9"));
    assert_false(nv_escape_is_utf8("caf\xc3"));
    assert_false(nv_escape_is_utf8("\xf4\x90\x80\x80")); /* past U+10FFFF */
}

static void test_term_line(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    (void)state;
    assert_non_null(fp);
    nv_escape_term_line(fp, "claim '%s': %d", "x\n(assert false)", 3);
    fclose(fp);
    assert_string_equal(text, "claim 'x\\n(assert false)': 3\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_benign),    cmocka_unit_test(test_term),
        cmocka_unit_test(test_md),        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xml),       cmocka_unit_test(test_uri),
        cmocka_unit_test(test_dot),       cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_term_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
