/*
 * json.c - JSON string escaping for streamed output; jansson lives here.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "netverify/escape.h"

void nv_json_quote(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct nv_buf fixed;

    if (!nv_escape_is_utf8(s)) {
        /* file names need not be UTF-8; JSON text must be */
        nv_buf_init(&fixed, 0);
        nv_escape_utf8(&fixed, s);
        nv_json_quote(b, nv_buf_str(&fixed));
        nv_buf_release(&fixed);
        return;
    }
    nv_buf_putc(b, '"');
    for (; *p; p++) {
        switch (*p) {
        case '"':
            nv_buf_puts(b, "\\\"");
            break;
        case '\\':
            nv_buf_puts(b, "\\\\");
            break;
        case '\n':
            nv_buf_puts(b, "\\n");
            break;
        case '\t':
            nv_buf_puts(b, "\\t");
            break;
        case '\r':
            nv_buf_puts(b, "\\r");
            break;
        default:
            if (*p < 0x20)
                nv_buf_printf(b, "\\u%04x", *p);
            else
                nv_buf_putc(b, (char)*p);
        }
    }
    nv_buf_putc(b, '"');
}

void nv_json_write_string(FILE *fp, const char *s)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_json_quote(&b, s);
    fwrite(b.data, 1, b.len, fp);
    nv_buf_release(&b);
}

const char *nv_json_library_version(void)
{
    return JANSSON_VERSION;
}

/* struct nv_json is jansson's json_t: the cast is the whole wrapper */
#define NV_J(p) ((json_t *)(p))

static struct nv_json *nv_json_check(json_t *j)
{
    if (!j) {
        fputs("netverify: out of memory\n", stderr);
        exit(3);
    }
    return (struct nv_json *)j;
}

struct nv_json *nv_json_object(void)
{
    return nv_json_check(json_object());
}

struct nv_json *nv_json_array(void)
{
    return nv_json_check(json_array());
}

struct nv_json *nv_json_str(const char *s)
{
    struct nv_buf fixed;
    json_t *j;

    if (nv_escape_is_utf8(s))
        return nv_json_check(json_string(s));
    /* libyaml checks what it reads, but file names need not be UTF-8 */
    nv_buf_init(&fixed, 0);
    nv_escape_utf8(&fixed, s);
    j = json_string(nv_buf_str(&fixed));
    nv_buf_release(&fixed);
    return nv_json_check(j);
}

struct nv_json *nv_json_int(long long v)
{
    return nv_json_check(json_integer(v));
}

struct nv_json *nv_json_bool(int v)
{
    return nv_json_check(json_boolean(v));
}

struct nv_json *nv_json_null(void)
{
    return nv_json_check(json_null());
}

void nv_json_set(struct nv_json *obj, const char *key, struct nv_json *v)
{
    json_object_set_new(NV_J(obj), key, NV_J(v));
}

void nv_json_push(struct nv_json *arr, struct nv_json *v)
{
    json_array_append_new(NV_J(arr), NV_J(v));
}

int nv_json_dump(const struct nv_json *v, FILE *fp)
{
    if (json_dumpf((const json_t *)v, fp, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
        return -1;
    return fputc('\n', fp) == EOF ? -1 : 0;
}

struct nv_nested {
    FILE *fp;
    unsigned depth;
};

/* jansson's output with every line break followed by the indentation of the depth */
static int nv_nested_put(const char *buffer, size_t size, void *data)
{
    const struct nv_nested *n = data;
    size_t i, start = 0;

    for (i = 0; i < size; i++) {
        if (buffer[i] != '\n')
            continue;
        if (fwrite(buffer + start, 1, i + 1 - start, n->fp) != i + 1 - start ||
            fprintf(n->fp, "%*s", (int)(2 * n->depth), "") < 0)
            return -1;
        start = i + 1;
    }
    return fwrite(buffer + start, 1, size - start, n->fp) == size - start ? 0 : -1;
}

int nv_json_dump_nested(const struct nv_json *v, unsigned depth, FILE *fp)
{
    struct nv_nested n;

    n.fp = fp;
    n.depth = depth;
    /* string values never hold a raw line break: every one is jansson's indentation */
    return json_dump_callback((const json_t *)v, nv_nested_put, &n,
                              JSON_INDENT(2) | JSON_SORT_KEYS) < 0
               ? -1
               : 0;
}

void nv_json_free(struct nv_json *v)
{
    json_decref(NV_J(v));
}
