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

#include <math.h>
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
        {"exp", NV_SCALAR_STR, "1e3"},       {"str", NV_SCALAR_STR, "hello"},
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
                          "ip: 10.0.0.0/8\nseq: [1]\n",
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
    const struct nv_node *base = get(root, "base"), *x = get(root, "x"), *y = get(root, "z");

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
        load("base: &b {app: web}\nx: *b\nz: *b\ns1: &s hello\ns2: *s\n", 0, NULL, &d, &r), 0);
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

/*
 * A NUL in a scalar is refused, whichever way it got there: libyaml refuses a NUL
 * byte itself, so only a double-quoted escape or a tag's decoding can make one.
 */
static void test_nul_scalars(void **state)
{
    static const struct {
        const char *text;
        unsigned col; /* of the error; 0: none */
    } cases[] = {
        {"a: \"x\\0y\"\n", 4},
        {"a: \"x\\x00y\"\n", 4},
        {"a: \"\\u0000\"\n", 4},
        {"a: !!binary AA==\n", 4},
        {"a: !!binary |\n  eAB5\n", 4},
        {"{\"a\": \"x\\u0000\"}\n", 7},
        {"a: 'x\\0y'\n", 0},
        {"a: x\\0y\n", 0},
        {"a: !!binary eHk=\n", 0},
    };
    struct nv_diags d;
    struct run r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&r, 0, sizeof(r));
        nv_diags_init(&d);
        assert_int_equal(load(cases[i].text, 0, NULL, &d, &r), cases[i].col ? -1 : 0);
        if (cases[i].col) {
            assert_int_equal(d.nerr, 1);
            assert_int_equal(d.items[0].loc.line, 1);
            assert_int_equal(d.items[0].loc.col, cases[i].col);
            assert_non_null(strstr(d.items[0].msg, "NUL character"));
        } else {
            assert_int_equal(d.nerr, 0);
        }
        nv_diags_release(&d);
    }
    /* a NUL byte itself: libyaml's reader refuses it */
    memset(&r, 0, sizeof(r));
    nv_diags_init(&d);
    assert_int_equal(load("a: x\0y\n", 8, NULL, &d, &r), -1);
    assert_int_equal(d.nerr, 1);
    nv_diags_release(&d);
}

/* ---- the decoding table: netverify's reading against Kubernetes' ---- */

/* A growable string for the JSON rendering. */
struct jbuf {
    char s[4096];
    size_t n;
};

static void jput(struct jbuf *b, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && b->n + 1 < sizeof(b->s); i++)
        b->s[b->n++] = s[i];
    b->s[b->n] = '\0';
}

static void jputs(struct jbuf *b, const char *s)
{
    jput(b, s, strlen(s));
}

/* A JSON string as encoding/json writes it (HTML characters escaped). */
static void jstring(struct jbuf *b, const char *s, size_t n)
{
    size_t i;
    char e[8];

    jputs(b, "\"");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            e[0] = '\\';
            e[1] = (char)c;
            jput(b, e, 2);
        } else if (c == '\n') {
            jputs(b, "\\n");
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            snprintf(e, sizeof(e), "\\u%04x", c);
            jputs(b, e);
        } else {
            jput(b, s + i, 1);
        }
    }
    jputs(b, "\"");
}

/* A float64 as encoding/json writes it: shortest digits, 'e' below 1e-6 and from 1e21. */
static void jfloat(struct jbuf *b, double f)
{
    char tmp[64], digs[32], out[96];
    int p, nd = 0, dp, e;
    const char *c;

    if (f == 0) {
        jputs(b, signbit(f) ? "-0" : "0");
        return;
    }
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, fabs(f));
        if (strtod(tmp, NULL) == fabs(f))
            break;
    }
    for (c = tmp; *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            digs[nd++] = *c;
    digs[nd] = '\0';
    e = atoi(c + 1);
    while (nd > 1 && digs[nd - 1] == '0')
        digs[--nd] = '\0';
    dp = e + 1;
    if (fabs(f) < 1e-6 || fabs(f) >= 1e21) {
        snprintf(out, sizeof(out), "%s%c%s%s%c%c%d", f < 0 ? "-" : "", digs[0], nd > 1 ? "." : "",
                 digs + 1, 'e', e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else {
        size_t o = (size_t)snprintf(out, sizeof(out), "%s", f < 0 ? "-" : "");
        if (dp <= 0)
            o += (size_t)snprintf(out + o, sizeof(out) - o, "0.%.*s", -dp, "000000");
        for (p = 0; p < nd || p < dp; p++) {
            if (p == dp && dp > 0)
                out[o++] = '.';
            out[o++] = p < nd ? digs[p] : '0';
        }
        out[o] = '\0';
    }
    jputs(b, out);
}

static int key_order(const void *pa, const void *pb)
{
    const struct nv_node *a = **(const struct nv_node *const *const *)pa;
    const struct nv_node *b = **(const struct nv_node *const *const *)pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->str, b->str, n);

    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The JSON sigs.k8s.io/yaml's YAMLToJSON makes of a node, as netverify read it: keys sorted. */
static void jnode(struct jbuf *b, const struct nv_node *n)
{
    char num[64];
    size_t i;

    if (n->type == NV_NODE_SEQ) {
        jputs(b, "[");
        for (i = 0; i < n->n; i++) {
            if (i)
                jputs(b, ",");
            jnode(b, n->items[i]);
        }
        jputs(b, "]");
        return;
    }
    if (n->type == NV_NODE_MAP) {
        struct nv_node **pairs[64];
        size_t m = n->n < 64 ? n->n : 64;
        for (i = 0; i < m; i++)
            pairs[i] = &n->items[2 * i];
        qsort(pairs, m, sizeof(pairs[0]), key_order);
        jputs(b, "{");
        for (i = 0; i < m; i++) {
            if (i)
                jputs(b, ",");
            jstring(b, pairs[i][0]->str, pairs[i][0]->len);
            jputs(b, ":");
            jnode(b, pairs[i][1]);
        }
        jputs(b, "}");
        return;
    }
    switch (n->kind) {
    case NV_SCALAR_STR:
        jstring(b, n->str, n->len);
        break;
    case NV_SCALAR_INT:
        if (n->ibig)
            snprintf(num, sizeof(num), "%llu", (unsigned long long)n->ival);
        else
            snprintf(num, sizeof(num), "%lld", n->ival);
        jputs(b, num);
        break;
    case NV_SCALAR_FLOAT:
        jfloat(b, n->fval);
        break;
    case NV_SCALAR_BOOL:
        jputs(b, n->bval ? "true" : "false");
        break;
    case NV_SCALAR_NULL:
        jputs(b, "null");
        break;
    }
}

static void render_v(const struct nv_node *root, unsigned docno, void *arg)
{
    const struct nv_node *v = nv_node_get(root, "v");

    (void)docno;
    if (v)
        jnode(arg, v);
    else
        jputs(arg, "(no v)");
}

/*
 * How Kubernetes decodes a manifest: sigs.k8s.io/yaml unmarshals the YAML
 * with go-yaml v2 into interface{}, converts it to JSON (keys become
 * strings, NaN and infinities fail), and the API types decode that JSON.
 * Each row is a document, the JSON YAMLToJSON makes of its 'v' (NULL: the
 * document is refused, 'json' then a text the error must hold), and the
 * go-yaml v2 rule it follows (resolve.go: resolve() and its resolve table;
 * decode.go: the decoder). netverify's reading, rendered the same way, must
 * match every row.
 */
static const struct drow {
    const char *yaml, *json, *refused, *rule;
} decoding_table[] = {
    /* integers: resolve.go, hint 'D'/'S', strconv.ParseInt(plain, 0, 64) with '_' removed */
    {"v: 80", "80", NULL, "resolve.go: ParseInt, base 10"},
    {"v: +80", "80", NULL, "resolve.go: ParseInt takes one sign"},
    {"v: -80", "-80", NULL, "resolve.go: ParseInt takes one sign"},
    {"v: 0x50", "80", NULL, "resolve.go: ParseInt base 0, prefix 0x"},
    {"v: 0X50", "80", NULL, "resolve.go: ParseInt base 0, prefix 0X"},
    {"v: -0x50", "-80", NULL, "resolve.go: ParseInt base 0, sign then prefix"},
    {"v: 0o120", "80", NULL, "resolve.go: ParseInt base 0, prefix 0o (Go 1.13)"},
    {"v: 0O120", "80", NULL, "resolve.go: ParseInt base 0, prefix 0O"},
    {"v: 0b1010000", "80", NULL, "resolve.go: ParseInt base 0, prefix 0b"},
    {"v: 0b-101", "-5", NULL, "resolve.go: the 0b branch, ParseInt(plain[2:], 2) takes a sign"},
    {"v: 012", "10", NULL, "resolve.go: ParseInt base 0, a leading 0 is octal"},
    {"v: 0", "0", NULL, "resolve.go: ParseInt"},
    {"v: -0", "0", NULL, "resolve.go: ParseInt, -0 is 0"},
    {"v: 1_000", "1000", NULL, "resolve.go: '_' removed before ParseInt"},
    {"v: 0x_50", "80", NULL, "resolve.go: '_' removed before ParseInt"},
    {"v: _1000", "\"_1000\"", NULL, "resolve.go: '_' is not in the resolve table: a string"},
    {"v: 0x", "\"0x\"", NULL, "resolve.go: no digits after the prefix, nothing else fits"},
    {"v: 0xg", "\"0xg\"", NULL, "resolve.go: not a hex digit: a string"},
    {"v: 9223372036854775807", "9223372036854775807", NULL, "resolve.go: ParseInt, int64 max"},
    {"v: 9223372036854775808", "9223372036854775808", NULL,
     "resolve.go: ParseInt overflows, ParseUint gives a uint64"},
    {"v: 18446744073709551616", "18446744073709552000", NULL,
     "resolve.go: ParseUint overflows, yamlStyleFloat matches: a float"},
    /* floats: resolve.go, yamlStyleFloat ^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$ */
    {"v: 08", "8", NULL, "resolve.go: not octal, but yamlStyleFloat matches: float 8"},
    {"v: 80.0", "80", NULL, "resolve.go: yamlStyleFloat; encoding/json writes float 80 as 80"},
    {"v: 80.5", "80.5", NULL, "resolve.go: yamlStyleFloat"},
    {"v: 1_000.5", "1000.5", NULL, "resolve.go: '_' removed, yamlStyleFloat"},
    {"v: 1e+3", "1000", NULL, "resolve.go: yamlStyleFloat with a signed exponent"},
    {"v: 1.5E-2", "0.015", NULL, "resolve.go: yamlStyleFloat"},
    {"v: 1e3", "\"1e3\"", NULL, "resolve.go: yamlStyleFloat needs a sign in the exponent"},
    {"v: 80.", "\"80.\"", NULL, "resolve.go: yamlStyleFloat needs a digit after the dot"},
    {"v: .5", "0.5", NULL, "resolve.go: hint '.', ParseFloat"},
    {"v: +.5", "0.5", NULL, "resolve.go: hint 'S', yamlStyleFloat"},
    {"v: .infinity", "\".infinity\"", NULL, "resolve.go: hint '.', ParseFloat fails: a string"},
    {"v: -.5", "-0.5", NULL, "resolve.go: hint 'S', yamlStyleFloat"},
    {"v: -x", "\"-x\"", NULL, "resolve.go: hint 'S', nothing fits: a string"},
    {"v: .", "\".\"", NULL, "resolve.go: hint '.', ParseFloat fails: a string"},
    {"v: 0b2", "\"0b2\"", NULL, "resolve.go: not binary, nothing fits: a string"},
    {"v: 1.2.3", "\"1.2.3\"", NULL, "resolve.go: nothing fits: a string"},
    {"v: .inf", NULL, "JSON cannot hold", "resolve.go map: +Inf; encoding/json refuses it"},
    {"v: -.Inf", NULL, "JSON cannot hold", "resolve.go map: -Inf; encoding/json refuses it"},
    {"v: .NaN", NULL, "JSON cannot hold", "resolve.go map: NaN; encoding/json refuses it"},
    {"v: [.nan]", NULL, "JSON cannot hold", "the same inside a list"},
    /* booleans and nulls: the resolve map */
    {"v: y", "true", NULL, "resolve.go map: y Y yes Yes YES true True TRUE on On ON"},
    {"v: Y", "true", NULL, "resolve.go map"},
    {"v: yes", "true", NULL, "resolve.go map"},
    {"v: Yes", "true", NULL, "resolve.go map"},
    {"v: YES", "true", NULL, "resolve.go map"},
    {"v: on", "true", NULL, "resolve.go map"},
    {"v: On", "true", NULL, "resolve.go map"},
    {"v: ON", "true", NULL, "resolve.go map"},
    {"v: true", "true", NULL, "resolve.go map"},
    {"v: True", "true", NULL, "resolve.go map"},
    {"v: TRUE", "true", NULL, "resolve.go map"},
    {"v: n", "false", NULL, "resolve.go map: n N no No NO false False FALSE off Off OFF"},
    {"v: N", "false", NULL, "resolve.go map"},
    {"v: no", "false", NULL, "resolve.go map"},
    {"v: No", "false", NULL, "resolve.go map"},
    {"v: NO", "false", NULL, "resolve.go map"},
    {"v: off", "false", NULL, "resolve.go map"},
    {"v: Off", "false", NULL, "resolve.go map"},
    {"v: OFF", "false", NULL, "resolve.go map"},
    {"v: false", "false", NULL, "resolve.go map"},
    {"v: False", "false", NULL, "resolve.go map"},
    {"v: FALSE", "false", NULL, "resolve.go map"},
    {"v: yES", "\"yES\"", NULL, "resolve.go: hint 'M' but not in the map: a string"},
    {"v: tRUE", "\"tRUE\"", NULL, "resolve.go: hint 'M' but not in the map: a string"},
    {"v: ~", "null", NULL, "resolve.go map: \"\" ~ null Null NULL"},
    {"v: null", "null", NULL, "resolve.go map"},
    {"v: Null", "null", NULL, "resolve.go map"},
    {"v: NULL", "null", NULL, "resolve.go map"},
    {"v:", "null", NULL, "resolve.go map: the empty plain scalar"},
    {"v: nULL", "\"nULL\"", NULL, "resolve.go: hint 'M' but not in the map: a string"},
    /* quoted and block scalars: decode.go scalar(), no tag and not implicit: a string */
    {"v: \"80\"", "\"80\"", NULL, "decode.go: a quoted scalar is a !!str"},
    {"v: '0x50'", "\"0x50\"", NULL, "decode.go: a quoted scalar is a !!str"},
    {"v: 'yes'", "\"yes\"", NULL, "decode.go: a quoted scalar is a !!str"},
    {"v: \"~\"", "\"~\"", NULL, "decode.go: a quoted scalar is a !!str"},
    {"v: \"\"", "\"\"", NULL, "decode.go: a quoted scalar is a !!str"},
    {"v: |\n  80\n", "\"80\\n\"", NULL, "decode.go: a block scalar is a !!str"},
    {"v: 2001-12-14", "\"2001-12-14\"", NULL,
     "resolve.go: a timestamp; decode.go keeps its text in an interface{}"},
    {"v: <<", "\"\\u003c\\u003c\"", NULL, "decode.go: '<<' merges only as a key"},
    {"v: \"a\\0b\"", NULL, "NUL", "netverify refuses NUL in any scalar (issue 10)"},
    {"v: \"a\\x00\"", NULL, "NUL", "netverify refuses NUL in any scalar"},
    /* explicit tags: resolve.go resolvableTag, decode.go scalar() */
    {"v: !!int \"80\"", "80", NULL, "resolve.go: a resolvable tag applies to quoted text too"},
    {"v: !!int '0x50'", "80", NULL, "resolve.go: resolve(!!int) then ParseInt base 0"},
    {"v: !!str 80", "\"80\"", NULL, "resolve.go: !!str accepts anything"},
    {"v: !!str yes", "\"yes\"", NULL, "resolve.go: !!str accepts anything"},
    {"v: !!str", "\"\"", NULL, "resolve.go: !!str accepts anything"},
    {"v: !!bool \"yes\"", "true", NULL, "resolve.go: resolve(!!bool) finds the map entry"},
    {"v: !!float 80", "80", NULL, "resolve.go: an int under !!float becomes a float"},
    {"v: !!float \"0x50\"", "80", NULL, "resolve.go: an int under !!float becomes a float"},
    {"v: !!null \"\"", "null", NULL, "resolve.go: resolve(!!null)"},
    {"v: !!null ~", "null", NULL, "resolve.go: resolve(!!null)"},
    {"v: !<tag:yaml.org,2002:int> \"80\"", "80", NULL, "the long form of !!int"},
    {"v: !!int 80.5", NULL, "cannot decode !!float", "resolve.go: failf cannot decode"},
    {"v: !!int abc", NULL, "cannot decode !!str", "resolve.go: failf cannot decode"},
    {"v: !!bool 1", NULL, "cannot decode !!int", "resolve.go: failf cannot decode"},
    {"v: !!null x", NULL, "cannot decode !!str", "resolve.go: failf cannot decode"},
    {"v: !!float 18446744073709551615", NULL, "cannot decode !!int",
     "resolve.go: only int and int64 become floats, not uint64"},
    {"v: !!timestamp 2001-12-14", "\"2001-12-14\"", NULL, "resolve.go: parseTimestamp"},
    {"v: !!timestamp 2001-12-14T21:59:43.10-05:00", "\"2001-12-14T21:59:43.10-05:00\"", NULL,
     "resolve.go: parseTimestamp, RFC 3339 with short fields"},
    {"v: !!timestamp 2001-02-30", NULL, "cannot decode", "time.Parse: day out of range"},
    {"v: !!timestamp 80", NULL, "cannot decode !!int", "resolve.go: failf cannot decode"},
    {"v: !!binary aGVsbG8=", "\"hello\"", NULL, "decode.go: !!binary is base64-decoded"},
    {"v: !!binary \"aGVs\\nbG8=\"", "\"hello\"", NULL, "base64.StdEncoding skips newlines"},
    {"v: !!binary |\n  aGVs\n  bG8=\n", "\"hello\"", NULL, "base64.StdEncoding skips newlines"},
    {"v: !!binary /w==", "\"\xEF\xBF\xBD\"", NULL,
     "decode.go: bytes as a Go string; encoding/json writes invalid UTF-8 as U+FFFD"},
    {"v: !!binary aGVsbG8", NULL, "invalid base64",
     "decode.go: StdEncoding requires padding: failf"},
    {"v: !!binary aGVs bG8=", NULL, "invalid base64", "base64: a space is not skipped"},
    {"v: !!binary AA==", NULL, "NUL", "the decoded byte is a NUL: refused as any NUL"},
    {"v: !foo 80", "\"80\"", NULL, "resolve.go: a tag it cannot resolve leaves the text"},
    {"v: ! 80", "\"80\"", NULL, "resolve.go: the non-specific tag leaves the text"},
    {"v: !!map 80", "\"80\"", NULL, "resolve.go: !!map is not resolvable on a scalar"},
    {"v: !!merge x", "\"x\"", NULL, "resolve.go: !!merge is not resolvable on a scalar"},
    {"v: !!str {a: 1}", "{\"a\":1}", NULL, "decode.go: tags on collections are ignored"},
    {"v: !!seq {a: 1}", "{\"a\":1}", NULL, "decode.go: tags on collections are ignored"},
    {"v: !foo [yes]", "[true]", NULL, "decode.go: tags on collections are ignored"},
    /* anchors and aliases: decode.go alias() decodes the anchored node again */
    {"a: &x 0x50\nv: *x", "80", NULL, "decode.go: an alias reads as its anchor"},
    {"a: &m {k: yes}\nv: [*m, *m]", "[{\"k\":true},{\"k\":true}]", NULL, "decode.go: alias"},
    /* keys: go-yaml v2 keys of any kind, sigs.k8s.io/yaml convertToJSONableObject */
    {"v: {yes: a}", "{\"true\":\"a\"}", NULL, "yaml.go: a bool key becomes \"true\""},
    {"v: {y: a}", "{\"true\":\"a\"}", NULL, "yaml.go: a bool key becomes \"true\""},
    {"v: {off: a}", "{\"false\":\"a\"}", NULL, "yaml.go: a bool key becomes \"false\""},
    {"v: {0x50: a}", "{\"80\":\"a\"}", NULL, "yaml.go: an int key becomes strconv.Itoa"},
    {"v: {1_000: a}", "{\"1000\":\"a\"}", NULL, "yaml.go: an int key becomes strconv.Itoa"},
    {"v: {80.0: a}", "{\"80\":\"a\"}", NULL, "yaml.go: FormatFloat(f, 'g', -1, 32)"},
    {"v: {1.5: a}", "{\"1.5\":\"a\"}", NULL, "yaml.go: FormatFloat(f, 'g', -1, 32)"},
    {"v: {0.1: a}", "{\"0.1\":\"a\"}", NULL, "yaml.go: FormatFloat, float32 digits"},
    {"v: {100000.0: a}", "{\"100000\":\"a\"}", NULL, "FormatFloat 'g': %f below 1e6"},
    {"v: {1000000.0: a}", "{\"1e+06\":\"a\"}", NULL, "FormatFloat 'g': %e from 1e6"},
    {"v: {123456789.0: a}", "{\"1.2345679e+08\":\"a\"}", NULL, "FormatFloat: float32 digits"},
    {"v: {123.0: a}", "{\"123\":\"a\"}", NULL, "FormatFloat 'g': the digits, no point"},
    {"v: {-1.5: a}", "{\"-1.5\":\"a\"}", NULL, "FormatFloat 'g'"},
    {"v: {16777217.0: a}", "{\"1.6777216e+07\":\"a\"}", NULL,
     "FormatFloat(f, 'g', -1, 32): the float32 nearest 16777217 is 16777216"},
    {"v: {0.00001: a}", "{\"1e-05\":\"a\"}", NULL, "FormatFloat 'g': %e below 1e-4"},
    {"v: {.inf: a}", "{\".inf\":\"a\"}", NULL, "yaml.go: +Inf is written .inf"},
    {"v: {-.inf: a}", "{\"-.inf\":\"a\"}", NULL, "yaml.go: -Inf is written -.inf"},
    {"v: {.nan: a}", "{\".nan\":\"a\"}", NULL, "yaml.go: NaN is written .nan"},
    {"v: {!!binary aGk=: a}", "{\"hi\":\"a\"}", NULL, "decode.go: a !!binary key is decoded"},
    {"v: {\"yes\": a}", "{\"yes\":\"a\"}", NULL, "decode.go: a quoted key is a string"},
    {"v: {~: a}", NULL, "is null", "yaml.go: Unsupported map key of type <nil>"},
    {"v: {18446744073709551615: a}", NULL, "above 2^63-1",
     "yaml.go: Unsupported map key of type uint64"},
    {"v: {[a]: b}", NULL, "must be a scalar", "decode.go: invalid map key"},
    {"v: {yes: a, true: b}", NULL, "given twice", "one go-yaml key, given twice"},
    {"v: {1: a, \"1\": b}", NULL, "given twice",
     "two go-yaml keys, one JSON key: which one Kubernetes keeps is random"},
    {"v: {\"a\\0\": 1}", NULL, "NUL", "netverify refuses NUL in any scalar"},
    /* merge keys: decode.go mapping() and merge() */
    {"b: &b {x: 1, w: 2}\nv: {<<: *b, w: 3}", "{\"w\":3,\"x\":1}", NULL,
     "decode.go: merge, then the key given after '<<' is set over it"},
    {"v: {<<: {x: 1}, z: 2}", "{\"x\":1,\"z\":2}", NULL, "decode.go merge: a mapping in place"},
    {"v: {<<: [{a: 1}, {b: 2}]}", "{\"a\":1,\"b\":2}", NULL, "decode.go merge: a list"},
    {"a: &a {x: 0, w: 2}\nb: &b {r: 10}\nc: &c {r: 1}\nv: {<<: [*b, *a, *c], x: 1}",
     "{\"r\":10,\"w\":2,\"x\":1}", NULL,
     "decode.go merge: the list backwards, so earlier mappings win; the key given wins"},
    {"a: &a {x: 1}\nb: &b {<<: *a, w: 2}\nv: {<<: *b, z: 3}", "{\"w\":2,\"x\":1,\"z\":3}", NULL,
     "decode.go: a merged mapping's own merge"},
    {"a: &a {1: x}\nv: {<<: *a, 1: z}", "{\"1\":\"z\"}", NULL,
     "decode.go: the int key 1 given after '<<' replaces the merged int key 1"},
    {"v: {x: 1, <<: {x: 2}}", NULL, "set again by the merge key",
     "decode.go: merge overwrites a key given before '<<' (go-yaml issue 81), other readers do "
     "not"},
    {"a: &a {1: x}\nv: {<<: *a, \"1\": z}", NULL, "given twice",
     "go-yaml keys 1 and \"1\" differ, their JSON keys do not"},
    {"v: {<<: 1}", NULL, "takes a mapping", "decode.go: failWantMap"},
    {"v: {<<: [1]}", NULL, "takes a list of mappings", "decode.go: failWantMap"},
    {"v: {<<: ~}", NULL, "takes a mapping", "decode.go: failWantMap"},
    {"s: &s [{a: 1}]\nv: {<<: *s}", NULL, "takes a mapping",
     "decode.go merge: an alias must name a mapping, even one of a list of mappings"},
    {"v: {<<: {a: 1}, <<: {b: 2}}", NULL, "given twice", "a key given twice"},
    {"v: {\"<<\": {a: 1}}", "{\"\\u003c\\u003c\":{\"a\":1}}", NULL,
     "decode.go isMerge: a quoted '<<' is a key"},
    {"v: {!!str <<: {a: 1}}", "{\"\\u003c\\u003c\":{\"a\":1}}", NULL,
     "decode.go isMerge: !!str '<<' is a key"},
    {"v: {!!merge \"<<\": {a: 1}}", "{\"a\":1}", NULL, "decode.go isMerge: the !!merge tag"},
    {"k: &k <<\nv: {*k : {a: 1}}", "{\"\\u003c\\u003c\":{\"a\":1}}", NULL,
     "decode.go isMerge: an alias is not a merge key"},
    /* a stream starting with '{' is JSON for kubectl (apimachinery YAMLOrJSONDecoder) */
    {"{\"v\": 1e3}", "1000", NULL, "encoding/json: 1e3 is a number (YAML: a string)"},
    {"{\"v\": 80.0}", "80", NULL, "encoding/json: a float64, written back as 80"},
    {"{\"v\": -0}", "0", NULL, "encoding/json: an int64"},
    {"{\"v\": 12345678901234567890}", "12345678901234567000", NULL,
     "above int64: a float64 in an unstructured object"},
    {"{\"v\": \"0x50\"}", "\"0x50\"", NULL, "a JSON string"},
    {"{\"v\": [true, false, null]}", "[true,false,null]", NULL, "JSON literals"},
    {"{\"v\": 0x50}", NULL, "not quoted", "encoding/json: invalid character 'x'"},
    {"{\"v\": yes}", NULL, "not quoted", "encoding/json: invalid character 'y'"},
    {"{\"v\": 012}", NULL, "not quoted", "encoding/json: a leading zero is invalid"},
    {"{\"v\": 'a'}", NULL, "single-quoted", "encoding/json: invalid character"},
    {"{\"v\": !!int \"80\"}", NULL, "a tag", "encoding/json: invalid character '!'"},
    {"{v: 1}", NULL, "unquoted key", "encoding/json: keys are strings"},
    {"{\"a\": &x 1, \"v\": 2}", NULL, "an anchor", "encoding/json: invalid character '&'"},
    {"{\"v\": 1e400}", NULL, "out of range", "encoding/json: a number out of range"},
};

static void test_decoding_table(void **state)
{
    size_t i, bad = 0;

    (void)state;
    for (i = 0; i < sizeof(decoding_table) / sizeof(decoding_table[0]); i++) {
        const struct drow *row = &decoding_table[i];
        struct nv_diags d;
        struct jbuf got;
        struct run r;
        char msg[512] = "";
        int rc;

        memset(&r, 0, sizeof(r));
        memset(&got, 0, sizeof(got));
        r.check = render_v;
        r.arg = &got;
        nv_diags_init(&d);
        rc = load(row->yaml, 0, NULL, &d, &r);
        if (d.n)
            snprintf(msg, sizeof(msg), "%u:%u: %s", d.items[0].loc.line, d.items[0].loc.col,
                     d.items[0].msg);
        if (row->json && (rc != 0 || strcmp(got.s, row->json))) {
            print_message("row %zu '%s': read as %s%s, Kubernetes: %s (%s)\n", i, row->yaml,
                          rc ? "an error: " : got.s, rc ? msg : "", row->json, row->rule);
            bad++;
        } else if (!row->json && (rc == 0 || !strstr(msg, row->refused) || !d.items[0].loc.line)) {
            print_message("row %zu '%s': %s%s, Kubernetes refuses it (%s); want an error with "
                          "a position, saying '%s'\n",
                          i, row->yaml, rc ? "error " : "read as ", rc ? msg : got.s, row->rule,
                          row->refused);
            bad++;
        }
        nv_diags_release(&d);
    }
    if (bad)
        fail_msg("%zu rows read differently from Kubernetes", bad);
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
        cmocka_unit_test(test_nul_scalars),    cmocka_unit_test(test_decoding_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
