/*
 * buf.h - growable byte buffer (git's strbuf idea) with an optional size cap.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_BUF_H
#define NETVERIFY_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "netverify/common.h"

struct nv_buf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len, alloc;
    size_t cap; /* 0 = unlimited; past it, nv_buf_* set 'overflow' and drop bytes */
    int overflow;
};

void nv_buf_init(struct nv_buf *b, size_t cap);
void nv_buf_release(struct nv_buf *b);
void nv_buf_reset(struct nv_buf *b);
/* Hand the contents out; the caller must free() them. The buffer is reset. */
char *nv_buf_detach(struct nv_buf *b);
void nv_buf_put(struct nv_buf *b, const void *p, size_t n);
void nv_buf_puts(struct nv_buf *b, const char *s);
void nv_buf_putc(struct nv_buf *b, char c);
void nv_buf_printf(struct nv_buf *b, const char *fmt, ...) NV_PRINTF(2, 3);
void nv_buf_vprintf(struct nv_buf *b, const char *fmt, va_list ap) NV_PRINTF(2, 0);
/* A formatted string of its own; the caller must free() it. */
char *nv_buf_vformat(const char *fmt, va_list ap) NV_PRINTF(1, 0);
/* The contents as a string ("" when empty). */
const char *nv_buf_str(const struct nv_buf *b);

#endif
