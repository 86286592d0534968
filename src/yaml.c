/*
 * yaml.c - libyaml's event parser, built one document at a time into
 * arena-allocated nv_node trees with 1-based positions. Events rather than
 * libyaml's document loader, so that limits (nesting, nodes) stop hostile
 * input as it streams in, before libyaml's scanner has seen all of it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/yaml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

void nv_yaml_limits_default(struct nv_yaml_limits *lim)
{
    lim->max_depth = 256;
    lim->max_nodes = 5000000;
    lim->max_file_bytes = (size_t)512 << 20;
}

/* ---- scalars as go-yaml v2 resolves them (resolve.go, decode.go) ---- */

#define NV_TAG_PREFIX "tag:yaml.org,2002:"

static int nv_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int nv_digit_value(char c)
{
    if (nv_is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/*
 * Go's strconv.ParseUint(s, base, 64) on text without '_': base 0 reads the
 * prefixes 0b, 0o, 0x (either case, digits after them required) and a
 * leading 0 as octal. Returns 0, or -1 for bad syntax or overflow.
 */
static int nv_go_parse_uint(const char *s, size_t n, int base, unsigned long long *out)
{
    unsigned long long v = 0;
    size_t i;

    if (!n)
        return -1;
    if (base == 0) {
        base = 10;
        if (s[0] == '0') {
            char p = n >= 3 ? (char)(s[1] | 0x20) : 0;
            size_t skip = p == 'b' || p == 'o' || p == 'x' ? 2 : 1;
            base = p == 'b' ? 2 : p == 'x' ? 16 : 8;
            s += skip;
            n -= skip;
        }
    }
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned)nv_digit_value(s[i]);
        if (d >= (unsigned)base || v > (ULLONG_MAX - d) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + d;
    }
    *out = v;
    return 0;
}

/* Go's strconv.ParseInt(s, base, 64): one optional sign, then ParseUint. */
static int nv_go_parse_int(const char *s, size_t n, int base, long long *out)
{
    unsigned long long u;
    int neg = 0;

    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if (nv_go_parse_uint(s, n, base, &u) < 0)
        return -1;
    if (u > (unsigned long long)LLONG_MAX + neg)
        return -1;
    *out =
        neg ? (u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u) : (long long)u;
    return 0;
}

/* Go's strconv underscoreOK: '_' only between digits (or after a base prefix). */
static int nv_go_underscores_ok(const char *s, size_t n)
{
    char saw = '^';
    size_t i = 0;
    int hex = 0;

    if (n && (s[0] == '+' || s[0] == '-')) {
        s++;
        n--;
    }
    if (n >= 2 && s[0] == '0' && strchr("bBoOxX", s[1])) {
        i = 2;
        saw = '0';
        hex = (s[1] | 0x20) == 'x';
    }
    for (; i < n; i++) {
        if (nv_is_digit(s[i]) || (hex && strchr("abcdefABCDEF", s[i]))) {
            saw = '0';
        } else if (s[i] == '_') {
            if (saw != '0')
                return 0;
            saw = '_';
        } else {
            if (saw == '_')
                return 0;
            saw = '!';
        }
    }
    return saw != '_';
}

/*
 * Go's strconv.ParseFloat(s, 64) for decimal text: sign, digits with at most
 * one '.', '_' between digits, an exponent whose sign is optional. Fails on
 * bad syntax and on overflow (Go returns an error with its infinity).
 */
static int nv_go_parse_float(const char *s, size_t n, double *out)
{
    size_t i = 0, k = 0;
    int digits = 0, dot = 0;
    char *buf, *end;
    double v;

    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && (nv_is_digit(s[i]) || s[i] == '_' || (s[i] == '.' && !dot)); i++) {
        digits |= nv_is_digit(s[i]);
        dot |= s[i] == '.';
    }
    if (!digits)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !nv_is_digit(s[i]))
            return -1;
        while (i < n && (nv_is_digit(s[i]) || s[i] == '_'))
            i++;
    }
    if (i != n || !nv_go_underscores_ok(s, n))
        return -1;
    buf = nv_xmalloc(n + 1);
    for (i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    v = strtod(buf, &end);
    free(buf);
    if (isinf(v))
        return -1;
    *out = v;
    return 0;
}

/* go-yaml v2's yamlStyleFloat: ^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$ */
static int nv_is_yaml_float(const char *s, size_t n)
{
    size_t i = 0, from;

    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (from = i; i < n && nv_is_digit(s[i]); i++)
        ;
    if (i < n && s[i] == '.') {
        for (from = ++i; i < n && nv_is_digit(s[i]); i++)
            ;
    }
    if (i == from)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i >= n || (s[i] != '+' && s[i] != '-'))
            return 0;
        for (from = ++i; i < n && nv_is_digit(s[i]); i++)
            ;
        if (i == from)
            return 0;
    }
    return i == n;
}

/* Go's time.getnum(s, false): one or two digits. */
static int nv_getnum(const char **p, const char *end, int *v)
{
    const char *s = *p;

    if (s >= end || !nv_is_digit(*s))
        return -1;
    if (s + 1 >= end || !nv_is_digit(s[1])) {
        *v = s[0] - '0';
        *p = s + 1;
    } else {
        *v = (s[0] - '0') * 10 + (s[1] - '0');
        *p = s + 2;
    }
    return 0;
}

/*
 * go-yaml v2's parseTimestamp: time.Parse with "2006-1-2T15:4:5.999999999Z07:00"
 * (or 't'), "2006-1-2 15:4:5.999999999" or "2006-1-2", ranges checked.
 */
static int nv_is_timestamp(const char *s, size_t n)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s + 5, *end = s + n;
    int year, mon, day, hour, min, sec, i;
    char sep;

    if (n < 6 || s[4] != '-')
        return 0;
    for (year = 0, i = 0; i < 4; i++) {
        if (!nv_is_digit(s[i]))
            return 0;
        year = year * 10 + (s[i] - '0');
    }
    if (nv_getnum(&p, end, &mon) < 0 || mon < 1 || mon > 12 || p >= end || *p++ != '-' ||
        nv_getnum(&p, end, &day) < 0 || day < 1 ||
        day > mdays[mon - 1] + (mon == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return 0;
    if (p == end)
        return 1;
    sep = *p++;
    if ((sep != 'T' && sep != 't' && sep != ' ') || nv_getnum(&p, end, &hour) < 0 || hour > 23 ||
        p >= end || *p++ != ':' || nv_getnum(&p, end, &min) < 0 || min > 59 || p >= end ||
        *p++ != ':' || nv_getnum(&p, end, &sec) < 0 || sec > 59)
        return 0;
    if (end - p >= 2 && (*p == '.' || *p == ',') && nv_is_digit(p[1]))
        for (p++; p < end && nv_is_digit(*p); p++)
            ;
    if (sep == ' ')
        return p == end;
    if (p < end && *p == 'Z')
        return p + 1 == end;
    /* +hh:mm, hh at most 24 and mm at most 60, as Go allows */
    return end - p == 6 && (p[0] == '+' || p[0] == '-') && nv_is_digit(p[1]) && nv_is_digit(p[2]) &&
           p[3] == ':' && nv_is_digit(p[4]) && nv_is_digit(p[5]) &&
           (p[1] - '0') * 10 + (p[2] - '0') <= 24 && (p[4] - '0') * 10 + (p[5] - '0') <= 60;
}

/* The kind (and value) resolve.go gives a scalar's text; timestamps are strings. */
enum nv_rtag { NV_R_STR, NV_R_INT, NV_R_FLOAT, NV_R_BOOL, NV_R_NULL, NV_R_TIMESTAMP };

/*
 * go-yaml v2's resolve() for an untagged plain scalar, or one tagged with a
 * resolvable tag: the first character picks what the text may be (resolve
 * table), then the words of the resolve map, then Go's integer and float
 * parsers on the text without '_'. Sets the value fields of 'n'.
 */
static enum nv_rtag nv_resolve_text(struct nv_node *n, int try_timestamp)
{
    /* resolve.go's resolveMap: the words it reads as booleans, nulls and special floats */
    static const struct {
        const char *word;
        unsigned char len;
        enum nv_rtag tag;
        signed char value; /* a boolean's, or the sign of an infinity (0: NaN) */
    } words[] = {
        {"y", 1, NV_R_BOOL, 1},       {"Y", 1, NV_R_BOOL, 1},       {"yes", 3, NV_R_BOOL, 1},
        {"Yes", 3, NV_R_BOOL, 1},     {"YES", 3, NV_R_BOOL, 1},     {"true", 4, NV_R_BOOL, 1},
        {"True", 4, NV_R_BOOL, 1},    {"TRUE", 4, NV_R_BOOL, 1},    {"on", 2, NV_R_BOOL, 1},
        {"On", 2, NV_R_BOOL, 1},      {"ON", 2, NV_R_BOOL, 1},      {"n", 1, NV_R_BOOL, 0},
        {"N", 1, NV_R_BOOL, 0},       {"no", 2, NV_R_BOOL, 0},      {"No", 2, NV_R_BOOL, 0},
        {"NO", 2, NV_R_BOOL, 0},      {"false", 5, NV_R_BOOL, 0},   {"False", 5, NV_R_BOOL, 0},
        {"FALSE", 5, NV_R_BOOL, 0},   {"off", 3, NV_R_BOOL, 0},     {"Off", 3, NV_R_BOOL, 0},
        {"OFF", 3, NV_R_BOOL, 0},     {"~", 1, NV_R_NULL, 0},       {"null", 4, NV_R_NULL, 0},
        {"Null", 4, NV_R_NULL, 0},    {"NULL", 4, NV_R_NULL, 0},    {".nan", 4, NV_R_FLOAT, 0},
        {".NaN", 4, NV_R_FLOAT, 0},   {".NAN", 4, NV_R_FLOAT, 0},   {".inf", 4, NV_R_FLOAT, 1},
        {".Inf", 4, NV_R_FLOAT, 1},   {".INF", 4, NV_R_FLOAT, 1},   {"+.inf", 5, NV_R_FLOAT, 1},
        {"+.Inf", 5, NV_R_FLOAT, 1},  {"+.INF", 5, NV_R_FLOAT, 1},  {"-.inf", 5, NV_R_FLOAT, -1},
        {"-.Inf", 5, NV_R_FLOAT, -1}, {"-.INF", 5, NV_R_FLOAT, -1},
    };
    const char *s = n->str;
    unsigned long long u;
    char small[64], *plain;
    size_t k = 0, i;
    enum nv_rtag r = NV_R_STR;

    if (!n->len)
        return NV_R_NULL;
    /* resolve.go's resolveTable: what the first character allows */
    if (!strchr("+-0123456789yYnNtTfFoO.~", s[0]))
        return NV_R_STR;
    for (i = 0; n->len <= 5 && i < sizeof(words) / sizeof(words[0]); i++) {
        if (words[i].len != n->len || words[i].word[0] != s[0] || memcmp(words[i].word, s, n->len))
            continue;
        n->bval = words[i].value;
        n->fval = words[i].tag != NV_R_FLOAT ? 0 : words[i].value ? words[i].value * INFINITY : NAN;
        return words[i].tag;
    }
    if (s[0] == '.')
        return nv_go_parse_float(s, n->len, &n->fval) == 0 ? NV_R_FLOAT : NV_R_STR;
    if (!strchr("+-0123456789", s[0]))
        return NV_R_STR;
    if (try_timestamp && nv_is_timestamp(s, n->len))
        return NV_R_TIMESTAMP;
    plain = n->len < sizeof(small) ? small : nv_xmalloc(n->len + 1);
    for (i = 0; i < n->len; i++)
        if (s[i] != '_')
            plain[k++] = s[i];
    plain[k] = '\0';
    if (nv_go_parse_int(plain, k, 0, &n->ival) == 0) {
        r = NV_R_INT;
    } else if (nv_go_parse_uint(plain, k, 0, &u) == 0) {
        n->ival = (long long)u;
        n->ibig = 1;
        r = NV_R_INT;
    } else if (nv_is_yaml_float(plain, k) && nv_go_parse_float(plain, k, &n->fval) == 0) {
        r = NV_R_FLOAT;
    } else if (k > 2 && plain[0] == '0' && plain[1] == 'b') {
        /* resolve.go's own binary branch: it lets a sign follow the prefix (0b-101) */
        if (nv_go_parse_int(plain + 2, k - 2, 2, &n->ival) == 0) {
            r = NV_R_INT;
        } else if (nv_go_parse_uint(plain + 2, k - 2, 2, &u) == 0) {
            n->ival = (long long)u;
            n->ibig = 1;
            r = NV_R_INT;
        }
    }
    if (plain != small)
        free(plain);
    return r;
}

/*
 * Go's base64.StdEncoding.DecodeString: padding required, '\r' and '\n'
 * skipped anywhere. 'out' has room for n bytes. Returns the length, or -1.
 */
static long nv_base64_decode(const char *s, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned long q = 0;
    size_t i, o = 0;
    int j = 0, done = 0;

    for (i = 0; i < n; i++) {
        const char *c;
        if (s[i] == '\r' || s[i] == '\n')
            continue;
        if (done)
            return -1; /* data after the padding */
        if (s[i] == '=') {
            if (j < 2)
                return -1;
            if (j == 2) { /* "==" expected */
                for (i++; i < n && (s[i] == '\r' || s[i] == '\n'); i++)
                    ;
                if (i == n || s[i] != '=')
                    return -1;
            }
            q <<= 6 * (4 - j);
            out[o++] = (char)(q >> 16);
            if (j == 3)
                out[o++] = (char)(q >> 8);
            done = 1;
            j = 0;
            continue;
        }
        if (!s[i] || !(c = strchr(alphabet, s[i])))
            return -1;
        q = (q << 6) | (unsigned long)(c - alphabet);
        if (++j == 4) {
            out[o++] = (char)(q >> 16);
            out[o++] = (char)(q >> 8);
            out[o++] = (char)q;
            q = 0;
            j = 0;
        }
    }
    return j ? -1 : (long)o;
}

/* The length of the valid UTF-8 sequence at s (Go's utf8.DecodeRune), or 0. */
static size_t nv_utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/*
 * A !!binary scalar: go-yaml v2 base64-decodes it into a Go string, and
 * encoding/json writes each byte that is not valid UTF-8 as U+FFFD.
 */
static int nv_decode_binary(struct nv_arena *arena, struct nv_diags *d, struct nv_node *n)
{
    char *raw = nv_xmalloc(n->len + 1), *out;
    long len = nv_base64_decode(n->str, n->len, raw);
    size_t i, o = 0, l;

    if (len < 0) {
        free(raw);
        return nv_diag_error(d, n->loc, NV_E_YAML,
                             "!!binary value contains invalid base64 data (Kubernetes refuses "
                             "the document)");
    }
    out = nv_arena_alloc(arena, 3 * (size_t)len + 1);
    for (i = 0; i < (size_t)len; i += l) {
        l = nv_utf8_len((const unsigned char *)raw + i, (size_t)len - i);
        if (l) {
            memcpy(out + o, raw + i, l);
            o += l;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            l = 1;
        }
    }
    out[o] = '\0';
    free(raw);
    n->str = out;
    n->len = o;
    return 0;
}

/*
 * Give a new scalar its kind and value as go-yaml v2 decodes it into
 * interface{} (decode.go: scalar; resolve.go: resolve): untagged quoted
 * scalars are strings, untagged plain ones are resolved, tags !!str,
 * !!binary, !!int, !!float, !!bool, !!null, !!timestamp apply (a value that
 * does not fit its tag is an error), any other tag leaves a string.
 */
static int nv_resolve(struct nv_arena *arena, struct nv_diags *d, struct nv_node *n,
                      const char *tag, int plain)
{
    static const char *const names[] = {"str", "int", "float", "bool", "null", "timestamp"};
    const char *t = tag && !strncmp(tag, NV_TAG_PREFIX, strlen(NV_TAG_PREFIX))
                        ? tag + strlen(NV_TAG_PREFIX)
                        : NULL;
    enum nv_rtag r, want = NV_R_STR;
    size_t i;

    n->merge =
        n->len == 2 && !memcmp(n->str, "<<", 2) && ((!tag && plain) || (t && !strcmp(t, "merge")));
    n->kind = NV_SCALAR_STR;
    if (!tag && !plain)
        return 0;
    if (t && !strcmp(t, "binary"))
        return nv_decode_binary(arena, d, n);
    if (tag) {
        for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
            if (t && !strcmp(t, names[i]))
                want = (enum nv_rtag)i;
        if (want == NV_R_STR) /* !!str, !!map, !!seq, !!merge, local and unknown tags */
            return 0;
    }
    r = nv_resolve_text(n, !tag || want == NV_R_TIMESTAMP);
    if (tag && r != want) {
        if (want == NV_R_FLOAT && r == NV_R_INT && !n->ibig) {
            n->fval = (double)n->ival;
            r = NV_R_FLOAT;
        } else {
            return nv_diag_error(d, n->loc, NV_E_YAML,
                                 "cannot decode !!%s '%.*s' as a !!%s (Kubernetes refuses the "
                                 "document)",
                                 names[r], (int)(n->len > 100 ? 100 : n->len), n->str, t);
        }
    }
    n->kind = r == NV_R_INT     ? NV_SCALAR_INT
              : r == NV_R_FLOAT ? NV_SCALAR_FLOAT
              : r == NV_R_BOOL  ? NV_SCALAR_BOOL
              : r == NV_R_NULL  ? NV_SCALAR_NULL
                                : NV_SCALAR_STR;
    return 0;
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
    FILE *fp;
    int json; /* -1 until a non-blank byte is read, then whether it was '{' */
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

/* ---- JSON streams ---- */

/* A JSON number (RFC 8259): -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)? ; *integral without . or
 * e. */
static int nv_is_json_number(const char *s, size_t n, int *integral)
{
    size_t i = 0, from;

    *integral = 1;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && nv_is_digit(s[i]))
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        *integral = 0;
        for (from = ++i; i < n && nv_is_digit(s[i]); i++)
            ;
        if (i == from)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        *integral = 0;
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (from = i; i < n && nv_is_digit(s[i]); i++)
            ;
        if (i == from)
            return 0;
    }
    return i == n;
}

/*
 * kubectl reads a stream whose first non-blank byte is '{' as JSON
 * (apimachinery's YAMLOrJSONDecoder), into unstructured objects: every JSON
 * number is a number (1e3 too: YAML would make it a string), an integer one
 * an int64 when it fits, and what JSON does not have (unquoted words, single
 * quotes, block scalars, tags, anchors) makes kubectl refuse the file.
 */
static int nv_yaml_json_scalar(struct nv_builder *b, struct nv_node *n, const yaml_event_t *ev)
{
    const char *what = NULL;
    int integral;

    if (ev->data.scalar.tag)
        what = "a tag";
    else if (ev->data.scalar.anchor)
        what = "an anchor";
    else if (ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
        what = "a single-quoted string";
    else if (ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
             ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
        what = "a block scalar";
    else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && b->depth &&
             b->stack[b->depth - 1].node->type == NV_NODE_MAP && b->stack[b->depth - 1].n % 2 == 0)
        what = "an unquoted key";
    if (what)
        return nv_diag_error(b->d, n->loc, NV_E_YAML,
                             "invalid JSON: %s (a stream that starts with '{' is JSON for "
                             "kubectl)",
                             what);
    n->kind = NV_SCALAR_STR;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    if (n->len == 4 && (!memcmp(n->str, "true", 4) || !memcmp(n->str, "null", 4))) {
        n->kind = n->str[0] == 't' ? NV_SCALAR_BOOL : NV_SCALAR_NULL;
        n->bval = 1;
        return 0;
    }
    if (n->len == 5 && !memcmp(n->str, "false", 5)) {
        n->kind = NV_SCALAR_BOOL;
        return 0;
    }
    if (!nv_is_json_number(n->str, n->len, &integral))
        return nv_diag_error(b->d, n->loc, NV_E_YAML,
                             "invalid JSON: '%.*s' is not quoted (a stream that starts with '{' "
                             "is JSON for kubectl)",
                             (int)(n->len > 100 ? 100 : n->len), n->str);
    if (integral && nv_go_parse_int(n->str, n->len, 10, &n->ival) == 0) {
        n->kind = NV_SCALAR_INT;
        return 0;
    }
    n->fval = strtod(n->str, NULL);
    if (isinf(n->fval))
        return nv_diag_error(b->d, n->loc, NV_E_YAML,
                             "JSON number '%.*s' is out of range (kubectl refuses it)",
                             (int)(n->len > 100 ? 100 : n->len), n->str);
    n->kind = NV_SCALAR_FLOAT;
    return 0;
}

/* JSON has no block collections, anchors or aliases: refuse them in a JSON stream. */
static int nv_yaml_json_collection(struct nv_builder *b, const yaml_event_t *ev)
{
    int block = ev->type == YAML_MAPPING_START_EVENT
                    ? ev->data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE
                    : ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE;
    const yaml_char_t *anchor = ev->type == YAML_MAPPING_START_EVENT
                                    ? ev->data.mapping_start.anchor
                                    : ev->data.sequence_start.anchor;
    const yaml_char_t *tag = ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.tag
                                                                  : ev->data.sequence_start.tag;

    if (!block && !anchor && !tag)
        return 0;
    return nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_YAML,
                         "invalid JSON: %s (a stream that starts with '{' is JSON for kubectl)",
                         block    ? "a YAML block collection"
                         : anchor ? "an anchor"
                                  : "a tag");
}

/* ---- mappings: merge keys, keys as JSON strings, values JSON can hold ---- */

static int nv_text_cmp(const struct nv_node *a, const struct nv_node *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->str, b->str, a->len);
}

/*
 * How go-yaml v2 tells two keys of a map[interface{}]interface{} apart: by
 * what they resolved to (the string 1 and the integer 1 differ; yes and true
 * do not). NaN equals nothing; NaNs are ordered by address to keep qsort sane.
 */
static int nv_key_ident_cmp(const struct nv_node *a, const struct nv_node *b)
{
    if (a->key_kind != b->key_kind)
        return a->key_kind < b->key_kind ? -1 : 1;
    switch (a->key_kind) {
    case NV_SCALAR_INT:
        if (a->ibig != b->ibig)
            return a->ibig < b->ibig ? -1 : 1;
        if (a->ibig)
            return (unsigned long long)a->ival < (unsigned long long)b->ival   ? -1
                   : (unsigned long long)a->ival > (unsigned long long)b->ival ? 1
                                                                               : 0;
        return a->ival < b->ival ? -1 : a->ival > b->ival;
    case NV_SCALAR_FLOAT:
        if (isnan(a->fval) || isnan(b->fval)) {
            if (!isnan(a->fval) || !isnan(b->fval))
                return isnan(a->fval) ? 1 : -1;
            return a < b ? -1 : a > b;
        }
        return a->fval < b->fval ? -1 : a->fval > b->fval;
    case NV_SCALAR_BOOL:
        return a->bval - b->bval;
    case NV_SCALAR_NULL:
        return 0;
    case NV_SCALAR_STR:
        break;
    }
    return nv_text_cmp(a, b);
}

static int nv_node_text_qcmp(const void *pa, const void *pb)
{
    return nv_text_cmp(*(const struct nv_node *const *)pa, *(const struct nv_node *const *)pb);
}

/* The node written later in the stream (positions of merged nodes are their own). */
static const struct nv_node *nv_later(const struct nv_node *a, const struct nv_node *b)
{
    return a->offset > b->offset ? a : b;
}

static int nv_key_given_twice(struct nv_builder *b, const struct nv_node *x,
                              const struct nv_node *y)
{
    const struct nv_node *k = nv_later(x, y), *first = k == x ? y : x;

    if (nv_key_ident_cmp(x, y))
        return nv_diag_error(b->d, k->loc, NV_E_YAML,
                             "mapping key '%.*s' is given twice: the key at line %u reads as "
                             "the same string for Kubernetes",
                             (int)(k->len > 100 ? 100 : k->len), k->str, first->loc.line);
    return nv_diag_error(b->d, k->loc, NV_E_YAML, "mapping key '%.*s' is given twice",
                         (int)(k->len > 100 ? 100 : k->len), k->str);
}

/* One pair while a merge is resolved. */
struct nv_mpair {
    struct nv_node *k, *v;
    int origin;   /* 0: given before '<<', 1: merged, 2: given after '<<' */
    size_t src;   /* merged: which mapping of the list it comes from */
    size_t order; /* its place in the result */
};

static int nv_mpair_cmp(const void *pa, const void *pb)
{
    const struct nv_mpair *a = pa, *b = pb;
    int c = nv_key_ident_cmp(a->k, b->k);

    if (c)
        return c;
    if (a->origin != b->origin)
        return a->origin < b->origin ? -1 : 1;
    if (a->src != b->src)
        return a->src < b->src ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int nv_mpair_order_cmp(const void *pa, const void *pb)
{
    const struct nv_mpair *a = pa, *b = pb;

    return a->order < b->order ? -1 : a->order > b->order;
}

/* A merge key's value: a mapping or a list of mappings (decode.go: merge, failWantMap). */
static int nv_yaml_check_merge_value(struct nv_builder *b, const struct nv_node *mv)
{
    size_t i;

    if (mv->type != NV_NODE_MAP && mv->type != NV_NODE_SEQ)
        return nv_diag_error(b->d, mv->loc, NV_E_YAML,
                             "the merge key '<<' takes a mapping or a list of mappings, not %s",
                             nv_node_type_name(mv));
    for (i = 0; mv->type == NV_NODE_SEQ && i < mv->n; i++)
        if (mv->items[i]->type != NV_NODE_MAP)
            return nv_diag_error(b->d, mv->items[i]->loc, NV_E_YAML,
                                 "the merge key '<<' takes a list of mappings; this item is %s",
                                 nv_node_type_name(mv->items[i]));
    return 0;
}

/*
 * Resolve the merge key of 'map' as go-yaml v2 does when it decodes into
 * interface{} (decode.go: mapping, merge): its value is a mapping or a list
 * of mappings, of which an earlier one wins over a later one, and a key
 * given after '<<' wins over a merged one. A key given before '<<' that a
 * merged mapping sets again is refused: go-yaml v2 lets the merged value win
 * (go-yaml issue 81), the YAML 1.1 merge type and other readers the key
 * given, so the reading would depend on the tool.
 */
static int nv_merge(struct nv_builder *b, struct nv_node *map)
{
    struct nv_node *mk = NULL, *mv, **srcs;
    struct nv_mpair *p;
    size_t mi = 0, nsrc, i, j, s, np = 0, cap;
    int rc = 0;

    for (i = 0; i < map->n; i++) {
        struct nv_node *k = map->items[2 * i];
        if (!k->merge)
            continue;
        if (mk)
            return nv_diag_error(b->d, k->loc, NV_E_YAML,
                                 "the merge key '<<' is given twice in one mapping (first at "
                                 "line %u): merge a list of mappings instead",
                                 mk->loc.line);
        mk = k;
        mi = i;
    }
    if (!mk)
        return 0;
    mv = map->items[2 * mi + 1];
    if (nv_yaml_check_merge_value(b, mv) < 0)
        return -1;
    srcs = mv->type == NV_NODE_MAP ? &map->items[2 * mi + 1] : mv->items;
    nsrc = mv->type == NV_NODE_MAP ? 1 : mv->n;
    cap = map->n;
    for (s = 0; s < nsrc; s++)
        cap += srcs[s]->n;
    p = nv_xmalloc(cap * sizeof(*p));
    /* np is read in the initialiser: increment it apart (p[np++] = {..., np} is unsequenced) */
    for (i = 0; i < mi; i++, np++)
        p[np] = (struct nv_mpair){map->items[2 * i], map->items[2 * i + 1], 0, 0, np};
    for (s = 0; s < nsrc; s++)
        for (i = 0; i < srcs[s]->n; i++, np++)
            p[np] = (struct nv_mpair){srcs[s]->items[2 * i], srcs[s]->items[2 * i + 1], 1, s, np};
    for (i = mi + 1; i < map->n; i++, np++)
        p[np] = (struct nv_mpair){map->items[2 * i], map->items[2 * i + 1], 2, 0, np};
    qsort(p, np, sizeof(*p), nv_mpair_cmp);
    for (i = 0, j = 0; i < np && rc == 0; i = j) {
        size_t given = 0, merged = 0, win = i, g;
        for (j = i; j < np && !nv_key_ident_cmp(p[i].k, p[j].k); j++) {
            merged += p[j].origin == 1;
            if (p[j].origin != 1 && given++)
                rc = nv_key_given_twice(b, p[j - 1].k, p[j].k);
        }
        if (rc == 0 && p[i].origin == 0 && merged)
            rc = nv_diag_error(b->d, p[i].k->loc, NV_E_YAML,
                               "key '%.*s' is given here and set again by the merge key '<<' at "
                               "line %u: Kubernetes' decoder (go-yaml v2) takes the merged "
                               "value, other YAML readers this one; give the key after '<<'",
                               (int)(p[i].k->len > 100 ? 100 : p[i].k->len), p[i].k->str,
                               mk->loc.line);
        if (p[j - 1].origin == 2)
            win = j - 1;
        for (g = i; g < j; g++)
            if (g != win)
                p[g].k = NULL;
    }
    if (rc == 0) {
        qsort(p, np, sizeof(*p), nv_mpair_order_cmp);
        map->items = nv_arena_alloc(b->arena, (np ? 2 * np : 1) * sizeof(*map->items));
        map->n = 0;
        map->xsize = 1;
        for (i = 0; i < np; i++) {
            if (!p[i].k)
                continue;
            map->items[2 * map->n] = p[i].k;
            map->items[2 * map->n + 1] = p[i].v;
            map->xsize += p[i].k->xsize + p[i].v->xsize;
            map->n++;
        }
    }
    free(p);
    return rc;
}

/*
 * strconv.FormatFloat(v, 'g', -1, 32): the text sigs.k8s.io/yaml gives a
 * float mapping key (convertToJSONableObject), infinities and NaN as go-yaml
 * writes them. The digits are the shortest that read back as the same
 * float32, the closest to it when two of that length do.
 */
static void nv_format_float_key(double v, char *buf, size_t size)
{
    float f = (float)v;
    char tmp[64], digs[32];
    unsigned long long m = 0;
    int p, e = 0, nd, dp, exp, i;
    const char *c;

    if (isnan(f) || isinf(f) || f == 0) {
        snprintf(buf, size, "%s",
                 isnan(f)     ? ".nan"
                 : isinf(f)   ? (f > 0 ? ".inf" : "-.inf")
                 : signbit(f) ? "-0"
                              : "0");
        return;
    }
    for (p = 1; p <= 9; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, fabs((double)f));
        m = 0;
        for (c = tmp; *c != 'e'; c++)
            if (nv_is_digit(*c))
                m = m * 10 + (unsigned long long)(*c - '0');
        e = atoi(c + 1) - (p - 1); /* the value is m * 10^e */
        if (strtof(tmp, NULL) == fabsf(f))
            break;
        /* the nearest p digits miss: the next p digits on the other side may not */
        snprintf(tmp, sizeof(tmp), "%llue%d", strtod(tmp, NULL) < fabs((double)f) ? m + 1 : m - 1,
                 e);
        if (strtof(tmp, NULL) == fabsf(f)) {
            m = strtoull(tmp, NULL, 10);
            break;
        }
    }
    snprintf(digs, sizeof(digs), "%llu", m);
    nd = (int)strlen(digs);
    dp = nd + e;
    while (nd > 1 && digs[nd - 1] == '0')
        digs[--nd] = '\0';
    exp = dp - 1;
    i = snprintf(buf, size, "%s", f < 0 ? "-" : "");
    if (exp < -4 || exp >= 6) {
        snprintf(buf + i, size - (size_t)i, "%c%s%s%c%c%02d", digs[0], nd > 1 ? "." : "", digs + 1,
                 'e', exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        return;
    }
    /* %f: the digits with the point at dp, zeros added on either side */
    if (dp <= 0)
        i += snprintf(buf + i, size - (size_t)i, "0.%.*s", -dp, "0000");
    for (p = 0; p < nd || p < dp; p++) {
        if (p == dp && dp > 0)
            i += snprintf(buf + i, size - (size_t)i, ".");
        i += snprintf(buf + i, size - (size_t)i, "%c", p < nd ? digs[p] : '0');
    }
}

/*
 * Turn the keys of a finished mapping into the strings JSON gets from
 * sigs.k8s.io/yaml (true, 80, 1.5), refusing what it refuses (null keys,
 * integers above the int64 range) and what would collide. A key that changes
 * is copied: the scalar may be an anchor's, used elsewhere as a value.
 */
static int nv_yaml_json_keys(struct nv_builder *b, struct nv_node *map)
{
    struct nv_node **keys;
    size_t i;
    int rc = 0;

    for (i = 0; i < map->n; i++) {
        struct nv_node *k = map->items[2 * i], *c;
        char buf[64];
        if (k->kind == NV_SCALAR_STR)
            continue;
        if (k->kind == NV_SCALAR_NULL || (k->kind == NV_SCALAR_INT && k->ibig)) {
            rc = nv_diag_error(b->d, k->loc, NV_E_YAML,
                               "mapping key '%.*s' is %s: Kubernetes refuses such a key",
                               (int)(k->len > 100 ? 100 : k->len), k->str,
                               k->kind == NV_SCALAR_NULL ? "null" : "an integer above 2^63-1");
            continue;
        }
        if (k->kind == NV_SCALAR_INT)
            snprintf(buf, sizeof(buf), "%lld", k->ival);
        else if (k->kind == NV_SCALAR_BOOL)
            snprintf(buf, sizeof(buf), "%s", k->bval ? "true" : "false");
        else
            nv_format_float_key(k->fval, buf, sizeof(buf));
        c = nv_arena_alloc(b->arena, sizeof(*c));
        *c = *k;
        c->kind = NV_SCALAR_STR;
        c->merge = 0;
        c->len = strlen(buf);
        c->str = nv_arena_strndup(b->arena, buf, c->len);
        map->items[2 * i] = c;
    }
    if (rc < 0 || map->n < 2)
        return rc;
    keys = nv_xmalloc(map->n * sizeof(*keys));
    for (i = 0; i < map->n; i++)
        keys[i] = map->items[2 * i];
    qsort(keys, map->n, sizeof(*keys), nv_node_text_qcmp);
    for (i = 1; i < map->n && rc == 0; i++)
        if (!nv_text_cmp(keys[i - 1], keys[i]))
            rc = nv_key_given_twice(b, keys[i - 1], keys[i]);
    free(keys);
    return rc;
}

/* A value JSON cannot hold (encoding/json refuses NaN and infinities): Kubernetes refuses it. */
static int nv_yaml_check_value(struct nv_builder *b, const struct nv_node *v)
{
    if (v->type != NV_NODE_SCALAR || v->kind != NV_SCALAR_FLOAT || isfinite(v->fval))
        return 0;
    return nv_diag_error(b->d, v->loc, NV_E_YAML,
                         "'%.*s' is a floating-point %s, which JSON cannot hold: Kubernetes "
                         "refuses the document (quote it for a string)",
                         (int)(v->len > 100 ? 100 : v->len), v->str,
                         isnan(v->fval) ? "NaN" : "infinity");
}

/* A mapping is complete: keys must be scalars; merge, then keys into JSON strings. */
static int nv_finish_map(struct nv_builder *b, struct nv_node *map)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        const struct nv_node *k = map->items[2 * i];
        if (k->type != NV_NODE_SCALAR)
            return nv_diag_error(b->d, k->loc, NV_E_YAML,
                                 "a mapping key must be a scalar, not %s: Kubernetes refuses "
                                 "such a key",
                                 nv_node_type_name(k));
        if (!k->merge && nv_yaml_check_value(b, map->items[2 * i + 1]) < 0)
            return -1;
    }
    if (nv_merge(b, map) < 0)
        return -1;
    return nv_yaml_json_keys(b, map);
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

/*
 * Attach an alias's node. go-yaml v2 sees a merge key only in a scalar '<<'
 * written in place (decode.go: isMerge), so an alias used as a key is a
 * plain "<<" string; and it takes an alias as the merge value only when it
 * names a mapping, refusing one that names a list.
 */
static int nv_attach_alias(struct nv_builder *b, struct nv_node *n, yaml_event_t *ev)
{
    struct nv_frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;

    if (f && f->node->type == NV_NODE_MAP && f->n % 2 == 0 && n->merge) {
        struct nv_node *c = nv_arena_alloc(b->arena, sizeof(*c));
        *c = *n;
        c->merge = 0;
        n = c;
    } else if (f && f->node->type == NV_NODE_MAP && f->n % 2 == 1 && f->items[f->n - 1]->merge &&
               n->type != NV_NODE_MAP) {
        return nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_YAML,
                             "the merge key '<<' takes a mapping, or a list of mappings written "
                             "in place; '*%s' is %s",
                             (const char *)ev->data.alias.anchor, nv_node_type_name(n));
    }
    nv_attach(b, n);
    return 0;
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
        if (b->json > 0 ? nv_yaml_json_scalar(b, n, ev) < 0
                        : nv_resolve(b->arena, b->d, n, (const char *)ev->data.scalar.tag,
                                     ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) < 0)
            return -1;
        n->key_kind = n->kind;
        /* libyaml refuses a NUL byte in its input: only an escape (\0, \x00, \u0000) of a
         * double-quoted scalar or a tag's decoding (!!binary) can make one */
        if ((ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE || ev->data.scalar.tag) &&
            memchr(n->str, '\0', n->len)) {
            nv_diag_error(b->d, n->loc, NV_E_YAML,
                          "a NUL character (\\0) in a scalar is not allowed");
            return -1;
        }
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
        if (b->json > 0 && nv_yaml_json_collection(b, ev) < 0)
            return -1;
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
        if (n->type == NV_NODE_MAP && nv_finish_map(b, n) < 0)
            return -1;
        for (k = 0; n->type == NV_NODE_SEQ && k < n->n; k++)
            if (nv_yaml_check_value(b, n->items[k]) < 0)
                return -1;
        nv_attach(b, n);
        return 0;
    case YAML_ALIAS_EVENT: {
        size_t i;
        if (b->json > 0) {
            nv_diag_error(b->d, nv_mark_loc(b->file, ev->start_mark), NV_E_YAML,
                          "invalid JSON: an alias (a stream that starts with '{' is JSON for "
                          "kubectl)");
            return -1;
        }
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
        return nv_attach_alias(b, b->anchors[i].node, ev);
    }
    case YAML_DOCUMENT_END_EVENT:
        return 1;
    default:
        return 0;
    }
}

/*
 * The input as libyaml reads it: at most max_file_bytes of it, whatever the
 * stream is (standard input, a FIFO, a device given on the command line have
 * no size to check first), and the errno of a failed read, for the message;
 * the builder is told the first non-blank byte.
 */
struct nv_reader {
    struct nv_builder *b;
    size_t total, max;
    int err;  /* errno of a failed read, or 0 */
    int over; /* more than max bytes */
};

static int nv_yaml_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    struct nv_reader *r = data;
    struct nv_builder *b = r->b;
    size_t i;

    /* one byte past the limit tells a file of exactly the limit from a larger one */
    if (size > r->max - r->total + 1)
        size = r->max - r->total + 1;
    errno = 0;
    *size_read = fread(buffer, 1, size, b->fp);
    if (ferror(b->fp)) {
        r->err = errno ? errno : EIO;
        return 0;
    }
    r->total += *size_read;
    if (r->total > r->max) {
        r->over = 1;
        *size_read = 0;
        return 0;
    }
    for (i = 0; b->json < 0 && i < *size_read; i++)
        if (!strchr(" \t\n\r\v\f", buffer[i]))
            b->json = buffer[i] == '{';
    return 1;
}

int nv_yaml_load(FILE *fp, const char *file, const struct nv_yaml_limits *lim,
                 struct nv_arena *scratch, struct nv_diags *d, nv_yaml_doc_fn fn, void *ctx)
{
    yaml_parser_t parser;
    struct nv_builder b;
    struct nv_reader rd = {NULL, 0, 0, 0, 0};
    unsigned docno = 0;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return nv_diag_error(d, (struct nv_loc){file, 0, 0}, NV_E_IO, "cannot initialise parser");
    rd.b = &b;
    rd.max = lim->max_file_bytes;
    yaml_parser_set_input(&parser, nv_yaml_read, &rd);
    memset(&b, 0, sizeof(b));
    b.file = file;
    b.fp = fp;
    b.json = -1;
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
            if (rd.over)
                nv_diag_error(d, loc, NV_E_LIMIT,
                              "file is larger than %zu bytes (raise it with --max-file-size)",
                              lim->max_file_bytes);
            else if (rd.err)
                nv_diag_error(d, loc, NV_E_IO, "cannot read: %s", strerror(rd.err));
            else if (parser.error == YAML_READER_ERROR)
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

enum nv_int_status nv_node_integer(const struct nv_node *n, long long *out)
{
    if (!n || n->type != NV_NODE_SCALAR)
        return NV_INT_NOT_INT;
    if (n->kind == NV_SCALAR_INT) {
        if (n->ibig)
            return NV_INT_RANGE;
        *out = n->ival;
        return NV_INT_OK;
    }
    if (n->kind != NV_SCALAR_FLOAT || !isfinite(n->fval) || n->fval != trunc(n->fval))
        return NV_INT_NOT_INT;
    /* encoding/json writes 1e21 and above with an exponent, which no integer field takes */
    if (fabs(n->fval) >= 1e21)
        return NV_INT_NOT_INT;
    if (fabs(n->fval) >= 9223372036854775808.0)
        return NV_INT_RANGE;
    *out = (long long)n->fval;
    return NV_INT_OK;
}
