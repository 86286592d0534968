/*
 * yaml.c - libyaml's document API, converted one document at a time into
 * arena-allocated nv_node trees with 1-based positions.
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

struct nv_conv {
    yaml_document_t *doc;
    struct nv_arena *arena;
    const char *file;
    const struct nv_yaml_limits *lim;
    struct nv_node **memo; /* by libyaml node index: aliases share one converted node */
    size_t nnodes;
    int failed;
    struct nv_diags *d;
};

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

    if (!n || n >= sizeof(buf) || !strpbrk(s, ".eE"))
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '-' || buf[0] == '+' || buf[0] == '.'))
        return 0;
    strtod(buf, &end);
    return *end == '\0';
}

static enum nv_scalar_kind nv_resolve(const yaml_node_t *yn)
{
    const char *s = (const char *)yn->data.scalar.value;
    size_t n = yn->data.scalar.length;
    const char *tag = (const char *)yn->tag;

    if (yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return NV_SCALAR_STR;
    }
    /* libyaml gives untagged plain scalars the str tag too: only other tags are explicit */
    if (tag && strcmp(tag, YAML_STR_TAG) != 0) {
        if (!strcmp(tag, YAML_INT_TAG))
            return NV_SCALAR_INT;
        if (!strcmp(tag, YAML_NULL_TAG))
            return NV_SCALAR_NULL;
        if (!strcmp(tag, YAML_BOOL_TAG))
            return NV_SCALAR_BOOL;
    }
    if (n == 0 || (n == 1 && s[0] == '~') || !strcmp(s, "null") || !strcmp(s, "Null") ||
        !strcmp(s, "NULL"))
        return NV_SCALAR_NULL;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") || !strcmp(s, "false") ||
        !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return NV_SCALAR_BOOL;
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

static struct nv_node *nv_convert(struct nv_conv *c, int index, unsigned depth)
{
    yaml_node_t *yn = yaml_document_get_node(c->doc, index);
    struct nv_node *n;
    size_t i;

    if (!yn || c->failed)
        return NULL;
    if (c->memo[index])
        return c->memo[index];
    if (depth > c->lim->max_depth) {
        c->failed = 1;
        nv_diag_error(c->d, nv_mark_loc(c->file, yn->start_mark), NV_E_LIMIT,
                      "nesting deeper than %u levels (raise it with --max-depth)",
                      c->lim->max_depth);
        return NULL;
    }
    if (++c->nnodes > c->lim->max_nodes) {
        c->failed = 1;
        nv_diag_error(c->d, nv_mark_loc(c->file, yn->start_mark), NV_E_LIMIT,
                      "document has more than %zu nodes", c->lim->max_nodes);
        return NULL;
    }
    n = nv_arena_alloc(c->arena, sizeof(*n));
    c->memo[index] = n;
    n->loc = nv_mark_loc(c->file, yn->start_mark);
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n->type = NV_NODE_SCALAR;
        n->len = yn->data.scalar.length;
        n->str = nv_arena_strndup(c->arena, (const char *)yn->data.scalar.value, n->len);
        n->kind = nv_resolve(yn);
        break;
    case YAML_SEQUENCE_NODE: {
        yaml_node_item_t *it = yn->data.sequence.items.start;
        n->type = NV_NODE_SEQ;
        n->n = (size_t)(yn->data.sequence.items.top - it);
        n->items = nv_arena_alloc(c->arena, n->n * sizeof(*n->items));
        for (i = 0; i < n->n && !c->failed; i++)
            n->items[i] = nv_convert(c, it[i], depth + 1);
        break;
    }
    case YAML_MAPPING_NODE: {
        yaml_node_pair_t *p = yn->data.mapping.pairs.start;
        n->type = NV_NODE_MAP;
        n->n = (size_t)(yn->data.mapping.pairs.top - p);
        n->items = nv_arena_alloc(c->arena, 2 * n->n * sizeof(*n->items));
        for (i = 0; i < n->n && !c->failed; i++) {
            n->items[2 * i] = nv_convert(c, p[i].key, depth + 1);
            n->items[2 * i + 1] = nv_convert(c, p[i].value, depth + 1);
        }
        break;
    }
    default:
        n->type = NV_NODE_SCALAR;
        n->kind = NV_SCALAR_NULL;
        n->str = "";
        break;
    }
    return c->failed ? NULL : n;
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
    unsigned docno = 0;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return nv_diag_error(d, (struct nv_loc){file, 0, 0}, NV_E_IO, "cannot initialise parser");
    yaml_parser_set_input(&parser, nv_yaml_read, fp);
    for (;;) {
        yaml_document_t doc;
        yaml_node_t *root;
        struct nv_conv c;
        size_t count;

        if (!yaml_parser_load(&parser, &doc)) {
            struct nv_loc loc = nv_mark_loc(file, parser.problem_mark);
            if (parser.error == YAML_READER_ERROR)
                loc.line = 0;
            if (parser.error == YAML_MEMORY_ERROR)
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
        root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        docno++;
        count = (size_t)(doc.nodes.top - doc.nodes.start);
        memset(&c, 0, sizeof(c));
        c.doc = &doc;
        c.arena = scratch;
        c.file = file;
        c.lim = lim;
        c.d = d;
        c.memo = nv_xcalloc(count + 1, sizeof(*c.memo));
        {
            struct nv_node *n = nv_convert(&c, 1, 0);
            free(c.memo);
            yaml_document_delete(&doc);
            if (!n) {
                rc = -1;
                nv_arena_clear(scratch);
                break;
            }
            fn(n, docno, ctx);
        }
        nv_arena_clear(scratch);
    }
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
