/*
 * escape.c - untrusted text made inert for each output format: terminal text,
 * Markdown, CSV, XML, URIs, DOT labels, and UTF-8 repair for JSON.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/escape.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* What nv_escape_next() stores for a byte that does not start valid UTF-8. */
#define NV_ESC_BAD UINT32_MAX

/*
 * The character at p: its length, and its code point in *c (NV_ESC_BAD and
 * length 1 for a byte that does not start a valid UTF-8 sequence: overlong
 * forms, surrogates and code points past U+10FFFF are not valid). p[0] != 0.
 */
static size_t nv_escape_next(const unsigned char *p, uint32_t *c)
{
    uint32_t v = p[0], min;
    size_t n, i;

    if (v < 0x80) {
        *c = v;
        return 1;
    }
    if (v >= 0xc2 && v < 0xe0) {
        n = 2;
        v &= 0x1f;
        min = 0x80;
    } else if (v >= 0xe0 && v < 0xf0) {
        n = 3;
        v &= 0x0f;
        min = 0x800;
    } else if (v >= 0xf0 && v < 0xf5) {
        n = 4;
        v &= 0x07;
        min = 0x10000;
    } else {
        *c = NV_ESC_BAD;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) { /* the terminating NUL stops here too */
            *c = NV_ESC_BAD;
            return 1;
        }
        v = v << 6 | (p[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *c = NV_ESC_BAD;
        return 1;
    }
    *c = v;
    return n;
}

/*
 * Whether c is shown as an escape in every format: C0 controls, DEL, C1
 * controls, the bidirectional controls (which reorder what a reader sees),
 * the line and paragraph separators, the non-characters U+FFFE and U+FFFF,
 * and bytes that are not UTF-8.
 */
static int nv_escape_hidden(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfffe ||
           c == 0xffff || c == NV_ESC_BAD;
}

/* The escape of hidden character c (byte 'byte' when c is NV_ESC_BAD), after 'bs'. */
static void nv_escape_put_hidden(struct nv_buf *b, uint32_t c, unsigned char byte, const char *bs)
{
    nv_buf_puts(b, bs);
    switch (c) {
    case '\n':
        nv_buf_putc(b, 'n');
        break;
    case '\t':
        nv_buf_putc(b, 't');
        break;
    case '\r':
        nv_buf_putc(b, 'r');
        break;
    case NV_ESC_BAD:
        nv_buf_printf(b, "x%02x", byte);
        break;
    default:
        if (c < 0x80)
            nv_buf_printf(b, "x%02x", (unsigned)c);
        else
            nv_buf_printf(b, "u%04x", (unsigned)c);
        break;
    }
}

/* Whether s is printable ASCII only (the common case: nothing to escape). */
static int nv_escape_plain(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return 0;
    return 1;
}

void nv_escape_term(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t c;

    if (nv_escape_plain(s)) {
        nv_buf_puts(b, s);
        return;
    }
    for (; *p; p += n) {
        n = nv_escape_next(p, &c);
        if (nv_escape_hidden(c))
            nv_escape_put_hidden(b, c, *p, "\\");
        else
            nv_buf_put(b, p, n);
    }
}

NV_PRINTF(2, 0)
static void nv_escape_term_vline(FILE *fp, const char *fmt, va_list ap)
{
    struct nv_buf raw, out;

    nv_buf_init(&raw, 0);
    nv_buf_init(&out, 0);
    nv_buf_vprintf(&raw, fmt, ap);
    nv_escape_term(&out, nv_buf_str(&raw));
    nv_buf_putc(&out, '\n');
    fwrite(out.data, 1, out.len, fp);
    nv_buf_release(&raw);
    nv_buf_release(&out);
}

void nv_escape_term_line(FILE *fp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_escape_term_vline(fp, fmt, ap);
    va_end(ap);
}

/* Whether the n bytes before p (within s) spell "www" in any case. */
static int nv_escape_after_www(const char *s, const unsigned char *p)
{
    const char *q = (const char *)p;
    int i;

    if (q - s < 3)
        return 0;
    for (i = 1; i <= 3; i++)
        if (q[-i] != 'w' && q[-i] != 'W')
            return 0;
    return 1;
}

void nv_escape_md(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t digits = strspn(s, "0123456789"), n;
    uint32_t c;

    for (; *p; p += n) {
        size_t at = (size_t)(p - (const unsigned char *)s);
        int esc = 0;
        n = nv_escape_next(p, &c);
        if (nv_escape_hidden(c)) {
            nv_escape_put_hidden(b, c, *p, "\\\\");
            continue;
        }
        if (c == '@') {
            nv_buf_puts(b, "@&#8203;");
            continue;
        }
        if (c < 0x80 && c && strchr("\\`*_[]<>#|~&$", (int)c))
            esc = 1;
        else if (c == ':' && p[1] == '/' && p[2] == '/')
            esc = 1; /* an autolink needs "scheme://" */
        else if (c == '.' && nv_escape_after_www(s, p))
            esc = 1; /* ... or "www." */
        else if (at == 0 && (c == '-' || c == '+' || c == '='))
            esc = 1; /* a list item, a thematic break, a setext underline */
        else if (at == digits && digits && digits <= 9 && (c == '.' || c == ')') &&
                 (p[1] == ' ' || p[1] == '\t' || !p[1]))
            esc = 1; /* an ordered list item */
        if (esc)
            nv_buf_putc(b, '\\');
        nv_buf_put(b, p, n);
    }
}

void nv_escape_csv(struct nv_buf *b, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        nv_buf_putc(b, '"');
    if (*s && strchr("=+-@\t\r", *s))
        nv_buf_putc(b, '\'');
    if (!quote) {
        nv_buf_puts(b, s);
        return;
    }
    for (; *s; s++) {
        if (*s == '"')
            nv_buf_putc(b, '"');
        nv_buf_putc(b, *s);
    }
    nv_buf_putc(b, '"');
}

/* The reference that stands for c in XML text or an attribute, or NULL. */
static const char *nv_xml_ref(uint32_t c, int attr)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '"':
        return "&quot;";
    case '\r':
        return "&#13;";
    case '\n':
        return attr ? "&#10;" : "\n";
    case '\t':
        return attr ? "&#9;" : "\t";
    default:
        return NULL;
    }
}

void nv_escape_xml(struct nv_buf *b, const char *s, int attr)
{
    const unsigned char *p = (const unsigned char *)s;
    const char *ref;
    size_t n;
    uint32_t c;

    for (; *p; p += n) {
        n = nv_escape_next(p, &c);
        if ((ref = nv_xml_ref(c, attr)))
            nv_buf_puts(b, ref);
        else if (nv_escape_hidden(c))
            nv_escape_put_hidden(b, c, *p, "\\");
        else
            nv_buf_put(b, p, n);
    }
}

void nv_escape_uri(struct nv_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;

    for (; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            nv_buf_putc(b, (char)*p);
        } else {
            char pct[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            nv_buf_put(b, pct, 3);
        }
    }
}

void nv_escape_dot(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t c;

    for (; *p; p += n) {
        n = nv_escape_next(p, &c);
        if (nv_escape_hidden(c))
            nv_escape_put_hidden(b, c, *p, "\\\\");
        else if (c == '\\')
            nv_buf_puts(b, "\\\\");
        else
            nv_buf_put(b, p, n);
    }
}

size_t nv_escape_utf8(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, bad = 0;
    uint32_t c;

    for (; *p; p += n) {
        n = nv_escape_next(p, &c);
        bad += c == NV_ESC_BAD;
        if (!b)
            continue;
        if (c == NV_ESC_BAD)
            nv_buf_puts(b, "\xef\xbf\xbd");
        else
            nv_buf_put(b, p, n);
    }
    return bad;
}

int nv_escape_is_utf8(const char *s)
{
    return nv_escape_utf8(NULL, s) == 0;
}
