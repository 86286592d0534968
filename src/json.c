/*
 * json.c - JSON string escaping for streamed output; jansson lives here.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/json.h"

#include <string.h>

#include <jansson.h>

void nv_json_quote(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

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
