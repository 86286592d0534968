/*
 * test_yaml.c - the YAML/JSON reader through fmemopen: documents, positions,
 * scalar resolution, errors with positions, limits and aliases.
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

#include "netverify/yaml.h"

#define FILENAME "in.yaml"

typedef void (*check_fn)(const struct nv_node *root, unsigned docno, void *arg);

struct run {
    unsigned ndocs;
    unsigned docnos[16];
    char first_key[16][32]; /* first key of each mapping document, copied */
    check_fn check;
    void *arg;
};

static void on_doc(const struct nv_node *root, unsigned docno, void *ctx)
{
    struct run *r = ctx;

    assert_non_null(root);
    if (r->ndocs < 16) {
        r->docnos[r->ndocs] = docno;
        if (root->type == NV_NODE_MAP && root->n && root->items[0]->type == NV_NODE_SCALAR)
            snprintf(r->first_key[r->ndocs], sizeof(r->first_key[0]), "%s", root->items[0]->str);
    }
    r->ndocs++;
    if (r->check)
        r->check(root, docno, r->arg);
}

/* Parse 'text' (n bytes; 0 = strlen) with the given limits (NULL = defaults). */
static int load(const char *text, size_t n, const struct nv_yaml_limits *lim, struct nv_diags *d,
                struct run *r)
{
    struct nv_yaml_limits def;
    struct nv_arena scratch;
    char *copy;
    FILE *fp;
    int rc;

    if (!n)
        n = strlen(text);
    copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    copy[n] = '\0';
    fp = n ? fmemopen(copy, n, "r") : fopen("/dev/null", "r");
    assert_non_null(fp);
    if (!lim) {
        nv_yaml_limits_default(&def);
        lim = &def;
    }
    nv_arena_init(&scratch);
    rc = nv_yaml_load(fp, FILENAME, lim, &scratch, d, on_doc, r);
    nv_arena_release(&scratch);
    fclose(fp);
    free(copy);
    return rc;
}

static const struct nv_node *get(const struct nv_node *map, const char *key)
{
    const struct nv_node *n = nv_node_get(map, key);

    if (!n)
        fail_msg("no key '%s'", key);
    return n;
}

static void assert_loc(const struct nv_node *n, unsigned line, unsigned col)
{
    if (n->loc.line != line || n->loc.col != col)
        fail_msg("node '%s' at %u:%u, want %u:%u", n->type == NV_NODE_SCALAR ? n->str : "(coll)",
                 n->loc.line, n->loc.col, line, col);
    assert_string_equal(n->loc.file, FILENAME);
}

static void test_multi_document(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(
        load("first: 1\n---\nsecond: 2\n---\n# comment\nthird: [a]\n...\n", 0, NULL, &d, &r), 0);
    assert_int_equal(d.nerr, 0);
    assert_int_equal(r.ndocs, 3);
    assert_int_equal(r.docnos[0], 1);
    assert_int_equal(r.docnos[1], 2);
    assert_int_equal(r.docnos[2], 3);
    assert_string_equal(r.first_key[0], "first");
    assert_string_equal(r.first_key[1], "second");
    assert_string_equal(r.first_key[2], "third");
    nv_diags_release(&d);
}

static void test_empty_streams(void **state)
{
    static const char *const inputs[] = {"", "# only a comment\n", "\n\n"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct nv_diags d;
        struct run r;
        memset(&r, 0, sizeof(r));
        nv_diags_init(&d);
        assert_int_equal(load(inputs[i], 0, NULL, &d, &r), 0);
        assert_int_equal(r.ndocs, 0);
        assert_int_equal(d.n, 0);
        nv_diags_release(&d);
    }
}

static void check_positions(const struct nv_node *root, unsigned docno, void *arg)
{
    const struct nv_node *meta, *labels, *ports;

    (void)arg;
    if (docno == 1) {
        assert_int_equal(root->type, NV_NODE_MAP);
        assert_loc(root, 1, 1);
        assert_loc(root->items[0], 1, 1); /* the key "kind" */
        assert_loc(get(root, "kind"), 1, 7);
        meta = get(root, "metadata");
        assert_int_equal(meta->type, NV_NODE_MAP);
        assert_loc(meta, 3, 3); /* a block mapping starts at its first key */
        assert_loc(get(meta, "name"), 3, 9);
        labels = get(meta, "labels");
        assert_loc(get(labels, "app"), 5, 10);
        ports = get(root, "ports");
        assert_int_equal(ports->type, NV_NODE_SEQ);
        assert_int_equal(ports->n, 2);
        assert_loc(ports, 7, 1);
        assert_loc(ports->items[0], 7, 3);
        assert_loc(ports->items[1], 8, 3);
        assert_loc(get(ports->items[1], "port"), 8, 19);
        assert_loc(get(root, "flow"), 9, 7);
        assert_loc(get(get(root, "flow"), "b"), 9, 17);
    } else {
        /* positions are per file, not per document */
        assert_loc(root, 11, 1);
        assert_loc(get(root, "x"), 11, 4);
    }
}

static void test_positions(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.check = check_positions;
    nv_diags_init(&d);
    assert_int_equal(load("kind: Pod\n"
                          "metadata:\n"
                          "  name: web\n"
                          "  labels:\n"
                          "    app: x\n"
                          "ports:\n"
                          "- 80\n"
                          "- {name: a, port: 81}\n"
                          "flow: {a: 1, b: 2}\n"
                          "---\n"
                          "x: y\n",
                          0, NULL, &d, &r),
                     0);
    assert_int_equal(r.ndocs, 2);
    nv_diags_release(&d);
}

static void check_scalars(const struct nv_node *root, unsigned docno, void *arg)
{
    static const struct {
        const char *key;
        enum nv_scalar_kind kind;
        const char *text;
    } cases[] = {
        {"int", NV_SCALAR_INT, "80"},        {"neg", NV_SCALAR_INT, "-3"},
        {"zero", NV_SCALAR_INT, "0"},        {"dq", NV_SCALAR_STR, "80"},
        {"sq", NV_SCALAR_STR, "80"},         {"tilde", NV_SCALAR_NULL, "~"},
        {"null1", NV_SCALAR_NULL, "null"},   {"null2", NV_SCALAR_NULL, "Null"},
        {"null3", NV_SCALAR_NULL, "NULL"},   {"empty", NV_SCALAR_NULL, ""},
        {"qnull", NV_SCALAR_STR, "null"},    {"qempty", NV_SCALAR_STR, ""},
        {"t1", NV_SCALAR_BOOL, "true"},      {"t2", NV_SCALAR_BOOL, "True"},
        {"t3", NV_SCALAR_BOOL, "TRUE"},      {"f1", NV_SCALAR_BOOL, "false"},
        {"f2", NV_SCALAR_BOOL, "False"},     {"f3", NV_SCALAR_BOOL, "FALSE"},
        {"qtrue", NV_SCALAR_STR, "true"},    {"float", NV_SCALAR_FLOAT, "1.5"},
        {"exp", NV_SCALAR_FLOAT, "1e3"},     {"str", NV_SCALAR_STR, "hello"},
        {"name", NV_SCALAR_STR, "http-alt"}, {"ver", NV_SCALAR_STR, "1.2.3"},
        {"lit", NV_SCALAR_STR, "a\nb\n"},    {"tagged", NV_SCALAR_INT, "42"},
        {"ip", NV_SCALAR_STR, "10.0.0.0/8"},
    };
    size_t i;

    (void)docno;
    (void)arg;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct nv_node *n = get(root, cases[i].key);
        assert_int_equal(n->type, NV_NODE_SCALAR);
        if (n->kind != cases[i].kind)
            fail_msg("'%s': kind %d, want %d", cases[i].key, n->kind, cases[i].kind);
        assert_string_equal(n->str, cases[i].text);
        assert_int_equal(n->len, strlen(cases[i].text));
    }
    assert_true(nv_node_is_null(get(root, "tilde")));
    assert_true(nv_node_is_null(get(root, "empty")));
    assert_false(nv_node_is_null(get(root, "qnull")));
    assert_false(nv_node_is_null(get(root, "zero")));
    assert_true(nv_node_is_null(NULL));
    assert_null(nv_node_get(root, "absent"));
    assert_null(nv_node_get(get(root, "int"), "x")); /* not a mapping */
    assert_null(nv_node_get(NULL, "x"));
    assert_string_equal(nv_node_type_name(get(root, "int")), "an integer");
    assert_string_equal(nv_node_type_name(get(root, "str")), "a string");
    assert_string_equal(nv_node_type_name(get(root, "t1")), "a boolean");
    assert_string_equal(nv_node_type_name(get(root, "tilde")), "null");
    assert_string_equal(nv_node_type_name(get(root, "float")), "a number");
    assert_string_equal(nv_node_type_name(get(root, "seq")), "a list");
    assert_string_equal(nv_node_type_name(root), "a mapping");
    assert_string_equal(nv_node_type_name(NULL), "nothing");
    /* an escaped NUL inside a quoted scalar is kept, with its length */
    {
        const struct nv_node *n = get(root, "nul");
        assert_int_equal(n->len, 3);
        assert_int_equal(n->str[0], 'x');
        assert_int_equal(n->str[1], '\0');
        assert_int_equal(n->str[2], 'y');
    }
}

static void test_scalar_kinds(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.check = check_scalars;
    nv_diags_init(&d);
    assert_int_equal(load("int: 80\nneg: -3\nzero: 0\ndq: \"80\"\nsq: '80'\ntilde: ~\n"
                          "null1: null\nnull2: Null\nnull3: NULL\nempty:\nqnull: \"null\"\n"
                          "qempty: ''\nt1: true\nt2: True\nt3: TRUE\nf1: false\nf2: False\n"
                          "f3: FALSE\nqtrue: 'true'\nfloat: 1.5\nexp: 1e3\nstr: hello\n"
                          "name: http-alt\nver: 1.2.3\nlit: |\n  a\n  b\ntagged: !!int 42\n"
                          "ip: 10.0.0.0/8\nseq: [1]\nnul: \"x\\0y\"\n",
                          0, NULL, &d, &r),
                     0);
    assert_int_equal(r.ndocs, 1);
    assert_int_equal(d.nerr, 0);
    nv_diags_release(&d);
}

static void check_yaml11_bools(const struct nv_node *root, unsigned docno, void *arg)
{
    static const char *const keys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
    size_t i;

    (void)docno;
    (void)arg;
    char *why = arg;

    /* record, do not fail here: a failure would longjmp out of the parser and leak it */
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const struct nv_node *n = nv_node_get(root, keys[i]);
        if (!n || n->kind != NV_SCALAR_BOOL) {
            if (!why[0])
                snprintf(
                    why, 200,
                    "plain '%s' resolves to %s, YAML 1.1 (sigs.k8s.io/yaml) makes it a boolean",
                    n ? n->str : keys[i], nv_node_type_name(n));
        }
    }
    if (!nv_node_get(root, "q") || nv_node_get(root, "q")->kind != NV_SCALAR_STR)
        snprintf(why, 200, "quoted \"yes\" is not a string");
}

/*
 * Regression test, found by this suite and fixed (src/yaml.c, nv_resolve): yaml.h promises "the
 * YAML 1.1 core resolution Kubernetes uses", but only true/false spellings become booleans. Under
 * YAML 1.1 (go-yaml v2 behind sigs.k8s.io/yaml, what kubectl and the API server use) plain
 * yes/Yes/YES/no/No/NO/on/On/ON/off/Off/OFF are booleans too, so 'labels: {enabled: yes}' is
 * rejected by Kubernetes ("expected string, got bool") while netverify silently reads the label
 * value "yes".
 */
static void test_yaml11_bools(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    char why[200] = "";
    int rc;

    memset(&r, 0, sizeof(r));
    r.check = check_yaml11_bools;
    r.arg = why;
    nv_diags_init(&d);
    rc = load("a: yes\nb: Yes\nc: YES\nd: no\ne: No\nf: NO\ng: on\nh: On\ni: ON\n"
              "j: off\nk: Off\nl: OFF\nq: \"yes\"\n",
              0, NULL, &d, &r);
    nv_diags_release(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(r.ndocs, 1);
    if (why[0])
        fail_msg("%s", why);
}

static void check_json(const struct nv_node *root, unsigned docno, void *arg)
{
    const struct nv_node *spec, *ports;

    (void)docno;
    (void)arg;
    assert_int_equal(root->type, NV_NODE_MAP);
    assert_int_equal(get(root, "kind")->kind, NV_SCALAR_STR);
    assert_string_equal(get(root, "kind")->str, "Pod");
    assert_loc(get(root, "kind"), 1, 10);
    spec = get(root, "spec");
    assert_loc(spec, 2, 10);
    ports = get(spec, "ports");
    assert_int_equal(ports->type, NV_NODE_SEQ);
    assert_int_equal(ports->n, 3);
    assert_int_equal(ports->items[0]->kind, NV_SCALAR_INT);
    assert_int_equal(ports->items[1]->kind, NV_SCALAR_STR); /* "80" in JSON is a string */
    assert_string_equal(ports->items[1]->str, "80");
    assert_int_equal(ports->items[2]->kind, NV_SCALAR_STR);
    assert_loc(ports->items[2], 2, 31);
    assert_true(nv_node_is_null(get(root, "none")));
    assert_int_equal(get(root, "ok")->kind, NV_SCALAR_BOOL);
    assert_int_equal(get(root, "empty")->type, NV_NODE_MAP);
    assert_int_equal(get(root, "empty")->n, 0);
}

static void test_json(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.check = check_json;
    nv_diags_init(&d);
    assert_int_equal(load("{\"kind\": \"Pod\",\n"
                          " \"spec\": {\"ports\": [80, \"80\", \"http\"]},\n"
                          " \"none\": null, \"ok\": true, \"empty\": {}}\n",
                          0, NULL, &d, &r),
                     0);
    assert_int_equal(r.ndocs, 1);
    nv_diags_release(&d);
}

static void test_syntax_error(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    /* libyaml reports the ':' after 'c' (0-based line 1, column 3) */
    assert_int_equal(load("a: b\n  c: [1, 2\n", 0, NULL, &d, &r), -1);
    assert_int_equal(r.ndocs, 0);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    assert_int_equal(d.items[0].sev, NV_SEV_ERROR);
    assert_string_equal(d.items[0].loc.file, FILENAME);
    assert_int_equal(d.items[0].loc.line, 2);
    assert_int_equal(d.items[0].loc.col, 4);
    assert_non_null(strstr(d.items[0].msg, "invalid YAML"));
    nv_diags_release(&d);
}

static void test_error_after_documents(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    /* the documents before the error are delivered */
    assert_int_equal(load("a: 1\n---\nb: 2\n---\nc: [1, 2\nd: 3\n", 0, NULL, &d, &r), -1);
    assert_int_equal(r.ndocs, 2);
    assert_string_equal(r.first_key[1], "b");
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    /* the unterminated flow sequence starts on line 5; the error is reported after it */
    assert_true(d.items[0].loc.line >= 5);
    assert_true(d.items[0].loc.line <= 7);
    nv_diags_release(&d);

    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("ok: 1\n---\nkey: value: x\n", 0, NULL, &d, &r), -1);
    assert_int_equal(r.ndocs, 1);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].loc.line, 3);
    assert_int_equal(d.items[0].loc.col, 11);
    nv_diags_release(&d);

    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: 1\n\tb: 2\n", 0, NULL, &d, &r), -1); /* tab indentation */
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].loc.line, 2);
    nv_diags_release(&d);
}

static void test_reader_error(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: \xc3\x28\n", 0, NULL, &d, &r), -1); /* invalid UTF-8 */
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    assert_int_equal(d.items[0].loc.line, 0); /* a byte offset, not a line: unknown */
    nv_diags_release(&d);
}

static void test_depth_limit(void **state)
{
    struct nv_yaml_limits lim;
    struct nv_diags d;
    struct run r;

    (void)state;
    nv_yaml_limits_default(&lim);
    assert_true(lim.max_depth >= 32);
    assert_true(lim.max_nodes > 1000);
    lim.max_depth = 3;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: {b: {c: 1}}\n", 0, &lim, &d, &r), 0);
    assert_int_equal(r.ndocs, 1);
    assert_int_equal(d.nerr, 0);
    nv_diags_release(&d);

    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("ok: 1\n---\na: {b: {c: {d: 1}}}\n", 0, &lim, &d, &r), -1);
    assert_int_equal(r.ndocs, 1); /* the first document was delivered, the deep one not */
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_LIMIT);
    assert_int_equal(d.items[0].loc.line, 3);
    assert_non_null(strstr(d.items[0].msg, "3"));
    nv_diags_release(&d);

    /* deep nesting with default limits is refused, not a stack overflow */
    {
        size_t depth = 100000, i;
        char *deep = malloc(2 * depth + 2);
        assert_non_null(deep);
        for (i = 0; i < depth; i++)
            deep[i] = '[';
        for (i = 0; i < depth; i++)
            deep[depth + i] = ']';
        deep[2 * depth] = '\n';
        deep[2 * depth + 1] = '\0';
        memset(&r, 0, sizeof(r));
        nv_diags_init(&d);
        assert_int_equal(load(deep, 0, NULL, &d, &r), -1);
        assert_int_equal(r.ndocs, 0);
        assert_true(d.nerr >= 1);
        nv_diags_release(&d);
        free(deep);
    }
}

static void test_node_limit(void **state)
{
    struct nv_yaml_limits lim;
    struct nv_diags d;
    struct run r;

    (void)state;
    nv_yaml_limits_default(&lim);
    lim.max_nodes = 5;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("[1, 2, 3, 4]\n", 0, &lim, &d, &r), 0); /* 5 nodes */
    assert_int_equal(r.ndocs, 1);
    nv_diags_release(&d);
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("[1, 2, 3, 4, 5]\n", 0, &lim, &d, &r), -1); /* 6 nodes */
    assert_int_equal(r.ndocs, 0);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_LIMIT);
    nv_diags_release(&d);
}

static void check_alias(const struct nv_node *root, unsigned docno, void *arg)
{
    const struct nv_node *base = get(root, "base"), *x = get(root, "x"), *y = get(root, "y");

    (void)docno;
    (void)arg;
    assert_ptr_equal(base, x);
    assert_ptr_equal(x, y);
    assert_string_equal(get(x, "app")->str, "web");
    assert_ptr_equal(get(root, "s1"), get(root, "s2"));
}

static void test_aliases(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.check = check_alias;
    nv_diags_init(&d);
    assert_int_equal(
        load("base: &b {app: web}\nx: *b\ny: *b\ns1: &s hello\ns2: *s\n", 0, NULL, &d, &r), 0);
    assert_int_equal(r.ndocs, 1);
    nv_diags_release(&d);
}

/*
 * A "billion laughs" document: aliases share nodes, so parsing stays small, but
 * what a reader would walk through them (10^8 nodes) exceeds the node limit and
 * is refused with a position, in bounded time.
 */
static void test_alias_bomb(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                          "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                          "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                          "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                          "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                          "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                          "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n",
                          0, NULL, &d, &r),
                     -1);
    assert_int_equal(r.ndocs, 0);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_LIMIT);
    assert_int_equal(d.items[0].loc.line, 7);
    nv_diags_release(&d);
    /* three levels (1,111 nodes walked) are fine */
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                          "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
                          0, NULL, &d, &r),
                     0);
    assert_int_equal(r.ndocs, 1);
    nv_diags_release(&d);
}

/* Whether following items from n ever comes back to a node on the current path. */
static int has_cycle(const struct nv_node *n, const struct nv_node **path, size_t depth)
{
    size_t i, m;

    for (i = 0; i < depth; i++)
        if (path[i] == n)
            return 1;
    if (n->type == NV_NODE_SCALAR || depth >= 64)
        return 0;
    path[depth] = n;
    m = n->type == NV_NODE_MAP ? 2 * n->n : n->n;
    for (i = 0; i < m; i++)
        if (has_cycle(n->items[i], path, depth + 1))
            return 1;
    return 0;
}

static void check_acyclic(const struct nv_node *root, unsigned docno, void *arg)
{
    const struct nv_node *path[64];

    (void)docno;
    *(int *)arg = has_cycle(root, path, 0);
}

/*
 * Regression test, found by this suite and fixed (src/yaml.c, nv_on_event): an anchor is registered
 * when its collection starts, so an alias inside the anchored collection ("a: &x [*x]") makes the
 * node contain itself. The tree handed to callers is cyclic; go-yaml (and so
 * Kubernetes) rejects this ("anchor 'x' value contains itself"). A consumer
 * that recurses, such as k8s.c's List handling, overflows the stack: see
 * test_k8s.c test_recursive_list.
 */
static void test_recursive_alias(void **state)
{
    struct nv_diags d;
    struct run r;
    int cyclic = 0;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.check = check_acyclic;
    r.arg = &cyclic;
    nv_diags_init(&d);
    if (load("a: &x [1, *x]\n", 0, NULL, &d, &r) == 0) {
        if (cyclic)
            fail_msg("a self-referencing alias was accepted and the node tree is cyclic");
        fail_msg("a self-referencing alias was accepted");
    }
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    nv_diags_release(&d);
}

static void test_duplicate_keys(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    /* Kubernetes' decoder rejects a key given twice in one mapping */
    assert_int_equal(load("ok: 1\n---\na: 1\nb:\n  c: 1\n  c: 2\n", 0, NULL, &d, &r), -1);
    assert_int_equal(r.ndocs, 1);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    assert_non_null(strstr(d.items[0].msg, "'c'"));
    assert_int_equal(d.items[0].loc.line, 6); /* the second 'c' */
    assert_int_equal(d.items[0].loc.col, 3);
    nv_diags_release(&d);
    /* equal keys in different mappings are fine */
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: {c: 1}\nb: {c: 1}\n", 0, NULL, &d, &r), 0);
    assert_int_equal(d.nerr, 0);
    nv_diags_release(&d);
}

static void test_unknown_alias(void **state)
{
    struct nv_diags d;
    struct run r;

    (void)state;
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    /* anchors do not cross documents */
    assert_int_equal(load("a: &x 1\n---\nb: *x\n", 0, NULL, &d, &r), -1);
    assert_int_equal(r.ndocs, 1);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_YAML);
    assert_int_equal(d.items[0].loc.line, 3);
    nv_diags_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_document), cmocka_unit_test(test_empty_streams),
        cmocka_unit_test(test_positions),      cmocka_unit_test(test_scalar_kinds),
        cmocka_unit_test(test_yaml11_bools),   cmocka_unit_test(test_json),
        cmocka_unit_test(test_syntax_error),   cmocka_unit_test(test_error_after_documents),
        cmocka_unit_test(test_reader_error),   cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_node_limit),     cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_alias_bomb),     cmocka_unit_test(test_recursive_alias),
        cmocka_unit_test(test_duplicate_keys), cmocka_unit_test(test_unknown_alias),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
