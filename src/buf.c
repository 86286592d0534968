/*
 * buf.c - growable byte buffer.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"

void nv_buf_init(struct nv_buf *b, size_t cap)
{
    memset(b, 0, sizeof(*b));
    b->cap = cap;
}

void nv_buf_release(struct nv_buf *b)
{
    free(b->data);
    nv_buf_init(b, b->cap);
}

void nv_buf_reset(struct nv_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *nv_buf_detach(struct nv_buf *b)
{
    char *p = b->data ? b->data : nv_xstrdup("");

    b->data = NULL;
    b->len = b->alloc = 0;
    return p;
}

void nv_buf_put(struct nv_buf *b, const void *p, size_t n)
{
    if (b->cap && b->len + n > b->cap) {
        b->overflow = 1;
        return;
    }
    NV_GROW(b->data, b->alloc, b->len + n + 1);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nv_buf_puts(struct nv_buf *b, const char *s)
{
    nv_buf_put(b, s, strlen(s));
}

void nv_buf_putc(struct nv_buf *b, char c)
{
    nv_buf_put(b, &c, 1);
}

void nv_buf_vprintf(struct nv_buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    char small[256];
    int n;

    va_copy(aq, ap);
    n = vsnprintf(small, sizeof(small), fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        nv_buf_put(b, small, (size_t)n);
        return;
    }
    {
        char *big = nv_xmalloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        nv_buf_put(b, big, (size_t)n);
        free(big);
    }
}

void nv_buf_printf(struct nv_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *nv_buf_vformat(const char *fmt, va_list ap)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_buf_vprintf(&b, fmt, ap);
    return nv_buf_detach(&b);
}

const char *nv_buf_str(const struct nv_buf *b)
{
    return b->data ? b->data : "";
}
