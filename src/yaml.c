/*
 * yaml.c - libyaml's event parser, built one document at a time into
 * arena-allocated nv_node trees with 1-based positions. Events rather than
 * libyaml's document loader, so that limits (nesting, nodes) stop hostile
 * input as it streams in, before libyaml's scanner has seen all of it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/yaml.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

void nv_yaml_limits_default(struct nv_yaml_limits *lim)
{
    lim->max_depth = 256;
    lim->max_nodes = 5000000;
    lim->max_file_bytes = (size_t)512 << 20;
}

static int nv_is_int(const char *s, size_t n)
{
    size_t i = 0;

    if (n && (s[0] == '-' || s[0] == '+'))
        i++;
    if (i == n)
        return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int nv_is_float(const char *s, size_t n)
{
    char *end;
    char buf[64];

    if (!n || n >= sizeof(buf) || (!memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n)))
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '-' || buf[0] == '+' || buf[0] == '.'))
        return 0;
    strtod(buf, &end);
    return *end == '\0';
}

/* What a scalar means under the YAML 1.1 resolution Kubernetes' decoder applies. */
static enum nv_scalar_kind nv_resolve(const char *s, size_t n, yaml_scalar_style_t style,
                                      const char *tag)
{
    if (style != YAML_PLAIN_SCALAR_STYLE)
        return NV_SCALAR_STR;
    /* libyaml reports no tag for untagged scalars; only explicit tags are seen here */
    if (tag && strcmp(tag, YAML_STR_TAG) != 0) {
        if (!strcmp(tag, YAML_INT_TAG))
            return NV_SCALAR_INT;
        if (!strcmp(tag, YAML_NULL_TAG))
            return NV_SCALAR_NULL;
        if (!strcmp(tag, YAML_BOOL_TAG))
            return NV_SCALAR_BOOL;
    } else if (tag) {
        return NV_SCALAR_STR;
    }
    if (n == 0 || (n == 1 && s[0] == '~'))
        return NV_SCALAR_NULL;
    /* only short words can be null or a YAML 1.1 boolean: test them by their first letter */
    if (n <= 5 && s[0] && strchr("nNyYtTfFoO", s[0])) {
        static const char *const nulls[] = {"null", "Null", "NULL"};
        /* YAML 1.1 booleans, as the YAML decoder Kubernetes uses reads them */
        static const char *const bools[] = {
            "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
            "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
        size_t i;
        for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
            if (!strcmp(s, nulls[i]))
                return NV_SCALAR_NULL;
        for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
            if (!strcmp(s, bools[i]))
                return NV_SCALAR_BOOL;
        return NV_SCALAR_STR;
    }
    if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.'))
        return NV_SCALAR_STR;
    if (nv_is_int(s, n))
        return NV_SCALAR_INT;
    if (nv_is_float(s, n))
        return NV_SCALAR_FLOAT;
    return NV_SCALAR_STR;
}

static struct nv_loc nv_mark_loc(const char *file, yaml_mark_t m)
{
    struct nv_loc loc;

    loc.file = file;
    loc.line = (unsigned)m.line + 1;
    loc.col = (unsigned)m.column + 1;
    return loc;
}

/* A collection being built: its node and the children collected so far. */
struct nv_frame {
    struct nv_node *node;
    struct nv_node **items;
    size_t n, alloc;
};

struct nv_anchor {
    char *name;
    struct nv_node *node;
};

/* The builder: turns libyaml events into nodes, one document at a time. */
struct nv_builder {
    const char *file;
    const struct nv_yaml_limits *lim;
    struct nv_arena *arena;
    struct nv_diags *d;
    struct nv_frame *stack;
    size_t depth, stackalloc;
    struct nv_anchor *anchors;
    size_t nanchors, anchoralloc;
    size_t nnodes;
    struct nv_node *root;
};

static void nv_builder_reset(struct nv_builder *b)
{
    size_t i;

    for (i = 0; i < b->depth; i++)
        free(b->stack[i].items);
    b->depth = 0;
    for (i = 0; i < b->nanchors; i++)
        free(b->anchors[i].name);
    b->nanchors = 0;
    b->nnodes = 0;
    b->root = NULL;
}

static int nv_key_cmp(const void *pa, const void *pb)
{
    const struct nv_node *a = *(const struct nv_node *const *)pa;
    const struct nv_node *b = *(const struct nv_node *const *)pb;

    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->str, b->str, a->len);
}

/* Kubernetes' YAML decoder rejects a key given twice in one mapping; so do we. */
static int nv_check_keys(struct nv_builder *b, const struct nv_node *map)
{
    const struct nv_node **keys;
    size_t i, n = 0;
    int rc = 0;

    if (map->n < 2)
        return 0;
    keys = nv_xmalloc(map->n * sizeof(*keys));
    for (i = 0; i < map->n; i++)
        if (map->items[2 * i]->type == NV_NODE_SCALAR)
            keys[n++] = map->items[2 * i];
    qsort(keys, n, sizeof(*keys), nv_key_cmp);
    for (i = 1; i < n; i++) {
        if (!nv_key_cmp(&keys[i - 1], &keys[i])) {
            const struct nv_node *k = keys[i - 1]->loc.line > keys[i]->loc.line ||
                                              (keys[i - 1]->loc.line == keys[i]->loc.line &&
                                               keys[i - 1]->loc.col > keys[i]->loc.col)
                                          ? keys[i - 1]
                                          : keys[i];
            rc = nv_diag_error(b->d, k->loc, NV_E_YAML, "mapping key '%.*s' is given twice",
                               (int)(k->len > 100 ? 100 : k->len), k->str);
            break;
        }
    }
    free(keys);
    return rc;
}

/* Attach a finished node to the collection on top of the stack (or make it the root). */
static void nv_attach(struct nv_builder *b, struct nv_node *n)
{
    struct nv_frame *f;

    if (!b->depth) {
        b->root = n;
        return;
    }
    f = &b->stack[b->depth - 1];
    NV_GROW(f->items, f->alloc, f->n + 1);
    f->items[f->n++] = n;
}

static int nv_anchor_add(struct nv_builder *b, const yaml_char_t *name, struct nv_node *n)
{
    size_t i;

    if (!name)
        return 0;
    /* a redefined anchor replaces the old one for later aliases */
    for (i = 0; i < b->nanchors; i++) {
        if (!strcmp(b->anchors[i].name, (const char *)name)) {
            b->anchors[i].node = n;
            return 0;
        }
    }
    NV_GROW(b->anchors, b->anchoralloc, b->nanchors + 1);
    b->anchors[b->nanchors].name = nv_xstrdup((const char *)name);
    b->anchors[b->nanchors].node = n;
    b->nanchors++;
    return 0;
}

/* Count n more nodes, as a reader walking the tree (aliases expanded) would see them. */
static int nv_add_expanded(struct nv_builder *b, size_t n, yaml_mark_t m)
{
    b->nnodes = n > b->lim->max_nodes - b->nnodes ? b->lim->max_nodes + 1 : b->nnodes + n;
    if (b->nnodes > b->lim->max_nodes) {
        nv_diag_error(b->d, nv_mark_loc(b->file, m), NV_E_LIMIT,
                      "document has more than %zu nodes, counting what aliases repeat "
                      "(raise it with --max-nodes)",
                      b->lim->max_nodes);
        return -1;
    }
    return 0;
}

static struct nv_node *nv_new_node(struct nv_builder *b, enum nv_node_type type, yaml_mark_t m)
{
    struct nv_node *n;

    if (nv_add_expanded(b, 1, m) < 0)
        return NULL;
    n = nv_arena_alloc(b->arena, sizeof(*n));
    n->type = type;
    n->loc = nv_mark_loc(b->file, m);
    n->xsize = 1;
    return n;
}

/* Handle one event; returns 0, 1 when a document is complete, -1 on error. */
static int nv_on_event(struct nv_builder *b, yaml_event_t *ev)
{
    struct nv_node *n;
    struct nv_frame *f;
    size_t k;

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (!(n = nv_new_node(b, NV_NODE_SCALAR, ev->start_mark)))
            return -1;
        n->len = ev->data.scalar.length;
        n->str = nv_arena_strndup(b->arena, (const char *)ev->data.scalar.value, n->len);
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        n->multiline = ev->end_mark.line != ev->start_mark.line;
        n->offset = ev->start_mark.index;
        n->kind =
            nv_resolve(n->str, n->len, ev->data.scalar.style, (const char *)ev->data.scalar.tag);
        nv_anchor_add(b, ev->data.scalar.anchor, n);
        nv_attach(b, n);
        return 0;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (b->depth >= b->lim->max_depth) {
            nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_LIMIT,
                          "nesting deeper than %u levels (raise it with --max-depth)",
                          b->lim->max_depth);
            return -1;
        }
        n = nv_new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? NV_NODE_SEQ : NV_NODE_MAP,
                        ev->start_mark);
        if (!n)
            return -1;
        nv_anchor_add(b,
                      ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                            : ev->data.mapping_start.anchor,
                      n);
        NV_GROW(b->stack, b->stackalloc, b->depth + 1);
        f = &b->stack[b->depth++];
        memset(f, 0, sizeof(*f));
        f->node = n;
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        f = &b->stack[--b->depth];
        n = f->node;
        n->items = nv_arena_alloc(b->arena, (f->n ? f->n : 1) * sizeof(*n->items));
        if (f->n)
            memcpy(n->items, f->items, f->n * sizeof(*n->items));
        n->n = n->type == NV_NODE_MAP ? f->n / 2 : f->n;
        for (k = 0; k < f->n; k++) /* bounded by max_nodes, so no overflow */
            n->xsize += f->items[k]->xsize;
        free(f->items);
        if (n->type == NV_NODE_MAP && nv_check_keys(b, n) < 0)
            return -1;
        nv_attach(b, n);
        return 0;
    case YAML_ALIAS_EVENT: {
        size_t i;
        for (i = 0; i < b->nanchors; i++)
            if (!strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor))
                break;
        if (i == b->nanchors) {
            nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_YAML,
                          "invalid YAML: unknown alias '*%s'", (const char *)ev->data.alias.anchor);
            return -1;
        }
        for (k = 0; k < b->depth; k++)
            if (b->stack[k].node == b->anchors[i].node) {
                nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_YAML,
                              "invalid YAML: alias '*%s' refers to a collection that contains it",
                              (const char *)ev->data.alias.anchor);
                return -1;
            }
        /* the alias shares the anchored node: nothing is copied, but what readers of the
         * tree would walk through it counts against the node limit */
        if (nv_add_expanded(b, b->anchors[i].node->xsize, ev->start_mark) < 0)
            return -1;
        nv_attach(b, b->anchors[i].node);
        return 0;
    }
    case YAML_DOCUMENT_END_EVENT:
        return 1;
    default:
        return 0;
    }
}

static int nv_yaml_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    FILE *fp = data;

    *size_read = fread(buffer, 1, size, fp);
    return !ferror(fp);
}

int nv_yaml_load(FILE *fp, const char *file, const struct nv_yaml_limits *lim,
                 struct nv_arena *scratch, struct nv_diags *d, nv_yaml_doc_fn fn, void *ctx)
{
    yaml_parser_t parser;
    struct nv_builder b;
    unsigned docno = 0;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return nv_diag_error(d, (struct nv_loc){file, 0, 0}, NV_E_IO, "cannot initialise parser");
    yaml_parser_set_input(&parser, nv_yaml_read, fp);
    memset(&b, 0, sizeof(b));
    b.file = file;
    b.lim = lim;
    b.arena = scratch;
    b.d = d;
    for (;;) {
        yaml_event_t ev;
        int r;

        if (!yaml_parser_parse(&parser, &ev)) {
            struct nv_loc loc = nv_mark_loc(file, parser.problem_mark);
            if (parser.error == YAML_READER_ERROR)
                loc.line = loc.col = 0;
            if (parser.error == YAML_READER_ERROR)
                nv_diag_error(d, loc, NV_E_YAML, "invalid input: %s at byte offset %zu",
                              parser.problem ? parser.problem : "unreadable",
                              parser.problem_offset);
            else if (parser.error == YAML_MEMORY_ERROR)
                nv_diag_error(d, loc, NV_E_YAML, "out of memory while parsing");
            else if (parser.context)
                nv_diag_error(d, loc, NV_E_YAML,
                              "invalid YAML: %s %s started at line %u, column %u",
                              parser.problem ? parser.problem : "syntax error", parser.context,
                              (unsigned)parser.context_mark.line + 1,
                              (unsigned)parser.context_mark.column + 1);
            else
                nv_diag_error(d, loc, NV_E_YAML, "invalid YAML: %s",
                              parser.problem ? parser.problem : "syntax error");
            rc = -1;
            break;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        r = nv_on_event(&b, &ev);
        yaml_event_delete(&ev);
        if (r < 0) {
            rc = -1;
            break;
        }
        if (r == 1) {
            docno++;
            if (b.root)
                fn(b.root, docno, ctx);
            nv_builder_reset(&b);
            nv_arena_clear(scratch);
        }
    }
    nv_builder_reset(&b);
    free(b.stack);
    free(b.anchors);
    nv_arena_clear(scratch);
    yaml_parser_delete(&parser);
    return rc;
}

const struct nv_node *nv_node_get(const struct nv_node *map, const char *key)
{
    size_t i, klen;

    if (!map || map->type != NV_NODE_MAP)
        return NULL;
    klen = strlen(key);
    for (i = 0; i < map->n; i++) {
        const struct nv_node *k = map->items[2 * i];
        if (k->type == NV_NODE_SCALAR && k->len == klen && !memcmp(k->str, key, klen))
            return map->items[2 * i + 1];
    }
    return NULL;
}

int nv_node_is_null(const struct nv_node *n)
{
    return !n || (n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_NULL);
}

const char *nv_node_type_name(const struct nv_node *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case NV_NODE_SEQ:
        return "a list";
    case NV_NODE_MAP:
        return "a mapping";
    case NV_NODE_SCALAR:
        break;
    }
    switch (n->kind) {
    case NV_SCALAR_INT:
        return "an integer";
    case NV_SCALAR_FLOAT:
        return "a number";
    case NV_SCALAR_BOOL:
        return "a boolean";
    case NV_SCALAR_NULL:
        return "null";
    case NV_SCALAR_STR:
        break;
    }
    return "a string";
}

const char *nv_yaml_library_version(void)
{
    return yaml_get_version_string();
}
