/*
 * ip.c - IPv4 and IPv6 parsing and formatting, CIDR ranges, address-space
 * atoms.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"

struct nv_ip nv_ip_v4(uint32_t a)
{
    struct nv_ip x;

    memset(&x, 0, sizeof(x));
    x.fam = NV_IPV4;
    x.lo = a;
    return x;
}

struct nv_ip nv_ip_min(enum nv_family f)
{
    struct nv_ip x;

    memset(&x, 0, sizeof(x));
    x.fam = (unsigned char)f;
    return x;
}

struct nv_ip nv_ip_max(enum nv_family f)
{
    struct nv_ip x = nv_ip_min(f);

    x.lo = f == NV_IPV4 ? UINT32_MAX : UINT64_MAX;
    x.hi = f == NV_IPV4 ? 0 : UINT64_MAX;
    return x;
}

static unsigned nv_family_bits(enum nv_family f)
{
    return f == NV_IPV4 ? 32 : 128;
}

const char *nv_family_name(enum nv_family f)
{
    return f == NV_IPV4 ? "IPv4" : "IPv6";
}

/* The next address in its family; x must not be the family's last. */
static struct nv_ip nv_ip_next(struct nv_ip x)
{
    if (++x.lo == 0)
        x.hi++;
    return x;
}

/* The previous address in its family; x must not be the family's first. */
static struct nv_ip nv_ip_prev(struct nv_ip x)
{
    if (x.lo-- == 0)
        x.hi--;
    return x;
}

static int nv_ip_is_max(const struct nv_ip *x)
{
    struct nv_ip m = nv_ip_max((enum nv_family)x->fam);

    return nv_ip_eq(x, &m);
}

/* The host-part mask of a prefix of 'len' bits in family f (the bits past the prefix). */
static void nv_host_mask(enum nv_family f, unsigned len, uint64_t *hi, uint64_t *lo)
{
    unsigned host = nv_family_bits(f) - len;

    *hi = host <= 64 ? 0 : host >= 128 ? UINT64_MAX : UINT64_MAX >> (128 - host);
    *lo = host == 0 ? 0 : host >= 64 ? UINT64_MAX : UINT64_MAX >> (64 - host);
}

/* ---- parsing ---- */

/* A dotted quad in s[0..n); 0 or -1. */
static int nv_v4n(const char *s, size_t n, uint32_t *out)
{
    const char *end = s + n;
    uint32_t v = 0;
    int part;

    for (part = 0; part < 4; part++) {
        unsigned x = 0, digits = 0;
        if (part && (s == end || *s++ != '.'))
            return -1;
        while (s < end && *s >= '0' && *s <= '9') {
            if (digits && x == 0)
                return -1; /* leading zero: Go's parser rejects it, so does Kubernetes */
            x = x * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || x > 255)
                return -1;
        }
        if (!digits)
            return -1;
        v = v << 8 | x;
    }
    if (s != end)
        return -1;
    *out = v;
    return 0;
}

int nv_ipv4_parse(const char *s, uint32_t *out)
{
    return nv_v4n(s, strlen(s), out);
}

static int nv_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * IPv6 text in s[0..n), with Go's rules: groups of one to four hex digits,
 * one '::' standing for at least one zero group, an optional dotted quad in
 * place of the last two groups; no zone.
 */
static int nv_v6n(const char *s, size_t n, struct nv_ip *out)
{
    const char *p = s, *end = s + n;
    unsigned char b[16];
    int i = 0, ellipsis = -1, k;

    if (n >= 2 && p[0] == ':' && p[1] == ':') {
        ellipsis = 0;
        p += 2;
    }
    while (p < end && i < 16) {
        const char *field = p;
        unsigned v = 0;
        int d;
        while (p < end && (d = nv_hexval(*p)) >= 0) {
            if (p - field >= 4)
                return -1; /* more than four hex digits */
            v = v << 4 | (unsigned)d;
            p++;
        }
        if (p < end && *p == '.') {
            uint32_t a;
            /* a dotted quad: it must replace the last two groups */
            if ((ellipsis < 0 && i != 12) || i > 12 || nv_v4n(field, (size_t)(end - field), &a))
                return -1;
            b[i++] = (unsigned char)(a >> 24);
            b[i++] = (unsigned char)(a >> 16);
            b[i++] = (unsigned char)(a >> 8);
            b[i++] = (unsigned char)a;
            p = end;
            break;
        }
        if (p == field)
            return -1; /* an empty group: ':::' or a stray ':' */
        b[i++] = (unsigned char)(v >> 8);
        b[i++] = (unsigned char)v;
        if (p == end)
            break;
        if (*p != ':')
            return -1;
        p++;
        if (p < end && *p == ':') {
            if (ellipsis >= 0)
                return -1; /* a second '::' */
            ellipsis = i;
            p++;
            if (p == end)
                break;
        } else if (p == end) {
            return -1; /* a trailing single ':' */
        }
    }
    if (p != end)
        return -1;
    if (i < 16) {
        int gap = 16 - i;
        if (ellipsis < 0)
            return -1; /* too few groups */
        for (k = i - 1; k >= ellipsis; k--)
            b[k + gap] = b[k];
        memset(b + ellipsis, 0, (size_t)gap);
    } else if (ellipsis >= 0) {
        return -1; /* '::' must stand for at least one group */
    }
    memset(out, 0, sizeof(*out));
    out->fam = NV_IPV6;
    for (k = 0; k < 8; k++)
        out->hi = out->hi << 8 | b[k];
    for (k = 8; k < 16; k++)
        out->lo = out->lo << 8 | b[k];
    return 0;
}

int nv_ipv6_parse(const char *s, struct nv_ip *out)
{
    return nv_v6n(s, strlen(s), out);
}

/* Whether x is an IPv4-mapped IPv6 address (::ffff:0:0/96). */
static int nv_ip_mapped(const struct nv_ip *x)
{
    return x->fam == NV_IPV6 && x->hi == 0 && x->lo >> 32 == 0xffff;
}

/* The address in s[0..n), either family, as written (no mapping). */
static int nv_ipn(const char *s, size_t n, struct nv_ip *out, const char **why)
{
    uint32_t a;

    if (memchr(s, ':', n)) {
        if (nv_v6n(s, n, out) == 0)
            return 0;
        if (why)
            *why = "invalid IPv6 address";
        return -1;
    }
    if (nv_v4n(s, n, &a) == 0) {
        *out = nv_ip_v4(a);
        return 0;
    }
    if (why)
        *why = "invalid IPv4 address";
    return -1;
}

int nv_ip_parse(const char *s, struct nv_ip *out, const char **why)
{
    if (nv_ipn(s, strlen(s), out, why) < 0)
        return -1;
    if (!nv_ip_mapped(out))
        return 0;
    *out = nv_ip_v4((uint32_t)out->lo);
    return 1;
}

int nv_cidr_parse(const char *s, struct nv_iprange *out, unsigned *lenp, const char **why)
{
    const char *slash = strchr(s, '/'), *p;
    struct nv_ip a;
    unsigned len = 0, digits = 0, bits;
    uint64_t mhi, mlo;
    int st = NV_CIDR_OK;

    if (!slash) {
        if (why)
            *why = "missing '/' and prefix length";
        return NV_CIDR_BAD;
    }
    if (nv_ipn(s, (size_t)(slash - s), &a, why) < 0)
        return NV_CIDR_BAD;
    bits = nv_family_bits((enum nv_family)a.fam);
    for (p = slash + 1; *p >= '0' && *p <= '9'; p++) {
        if (digits && len == 0)
            break; /* a leading zero */
        len = len * 10 + (unsigned)(*p - '0');
        if (++digits > 3)
            break;
    }
    if (!digits || *p || len > bits) {
        if (why)
            *why = a.fam == NV_IPV4 ? "prefix length must be 0-32" : "prefix length must be 0-128";
        return NV_CIDR_BAD;
    }
    if (lenp)
        *lenp = len;
    nv_host_mask((enum nv_family)a.fam, len, &mhi, &mlo);
    if ((a.hi & mhi) || (a.lo & mlo))
        st |= NV_CIDR_HOST_BITS;
    out->first = a;
    out->first.hi &= ~mhi;
    out->first.lo &= ~mlo;
    out->last = out->first;
    out->last.hi |= mhi;
    out->last.lo |= mlo;
    if (len >= 96 && nv_ip_mapped(&out->first)) {
        /* Go's net.IPNet: the network number's To4() with the mask's last 4 bytes */
        out->first = nv_ip_v4((uint32_t)out->first.lo);
        out->last = nv_ip_v4((uint32_t)out->last.lo);
        st |= NV_CIDR_MAPPED;
    }
    return st;
}

/* ---- formatting ---- */

static void nv_v4_text(uint32_t a, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

char *nv_ip_format(const struct nv_ip *a, char *buf)
{
    unsigned g[8];
    int i, best = -1, bestlen = 1, run = 0, shift;
    char *p = buf;

    if (a->fam == NV_IPV4) {
        nv_v4_text((uint32_t)a->lo, buf);
        return buf;
    }
    if (nv_ip_mapped(a)) {
        memcpy(buf, "::ffff:", 7);
        nv_v4_text((uint32_t)a->lo, buf + 7);
        return buf;
    }
    for (i = 0; i < 4; i++) {
        g[i] = (unsigned)(a->hi >> (48 - 16 * i)) & 0xffff;
        g[i + 4] = (unsigned)(a->lo >> (48 - 16 * i)) & 0xffff;
    }
    /* the longest run of two or more zero groups; the first of equal ones */
    for (i = 0; i < 8; i++) {
        run = g[i] ? 0 : run + 1;
        if (run > bestlen) {
            bestlen = run;
            best = i - run + 1;
        }
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            *p++ = ':';
            i += bestlen - 1;
            continue;
        }
        if (i && i != best + bestlen)
            *p++ = ':';
        for (shift = 12; shift > 0 && !(g[i] >> shift); shift -= 4)
            ;
        for (; shift >= 0; shift -= 4)
            *p++ = "0123456789abcdef"[(g[i] >> shift) & 15];
    }
    *p = '\0';
    return buf;
}

char *nv_iprange_format(const struct nv_iprange *r, char *buf)
{
    char first[NV_IP_BUFSZ], last[NV_IP_BUFSZ];

    snprintf(buf, NV_IPRANGE_BUFSZ, "%s-%s", nv_ip_format(&r->first, first),
             nv_ip_format(&r->last, last));
    return buf;
}

int nv_iprange_prefix(const struct nv_iprange *r)
{
    uint64_t xhi = r->first.hi ^ r->last.hi, xlo = r->first.lo ^ r->last.lo;
    unsigned host = 0;

    if (r->first.fam != r->last.fam)
        return -1;
    /* the differing bits must be the low ones, set in last and clear in first */
    if ((r->first.hi & xhi) || (r->first.lo & xlo) || (r->last.hi & xhi) != xhi ||
        (r->last.lo & xlo) != xlo)
        return -1;
    if (xhi) {
        if (xlo != UINT64_MAX || (xhi & (xhi + 1)))
            return -1;
        for (host = 64; xhi; xhi >>= 1)
            host++;
    } else {
        if (xlo & (xlo + 1))
            return -1;
        for (; xlo; xlo >>= 1)
            host++;
    }
    return (int)(nv_family_bits((enum nv_family)r->first.fam) - host);
}

/* ---- atoms ---- */

static void nv_atoms_cut(struct nv_atoms *a, struct nv_ip x)
{
    NV_GROW(a->cuts, a->alloc, a->n + 1);
    a->cuts[a->n++] = x;
}

void nv_atoms_init(struct nv_atoms *a, unsigned families)
{
    memset(a, 0, sizeof(*a));
    a->families = families & NV_FAMILIES_ALL;
    if (!a->families)
        a->families = NV_FAMILIES_ALL;
    if (a->families & NV_FAMILY_BIT(NV_IPV4))
        nv_atoms_cut(a, nv_ip_min(NV_IPV4));
    if (a->families & NV_FAMILY_BIT(NV_IPV6))
        nv_atoms_cut(a, nv_ip_min(NV_IPV6));
}

void nv_atoms_release(struct nv_atoms *a)
{
    free(a->cuts);
    memset(a, 0, sizeof(*a));
}

void nv_atoms_add(struct nv_atoms *a, const struct nv_iprange *r)
{
    if (!(a->families & NV_FAMILY_BIT(r->first.fam)) || nv_ip_cmp(&r->first, &r->last) > 0)
        return;
    nv_atoms_cut(a, r->first);
    if (!nv_ip_is_max(&r->last))
        nv_atoms_cut(a, nv_ip_next(r->last));
}

/* A range and its index, for nv_iprange_outermost. */
struct nv_ranked {
    struct nv_iprange r;
    size_t i;
};

/* By first address, then the wider range first, then as given. */
static int nv_ranked_qcmp(const void *pa, const void *pb)
{
    const struct nv_ranked *a = pa, *b = pb;
    int c = nv_ip_cmp(&a->r.first, &b->r.first);

    if (!c)
        c = nv_ip_cmp(&b->r.last, &a->r.last);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

size_t nv_iprange_outermost(const struct nv_iprange *r, size_t n, size_t *outer, size_t *within)
{
    struct nv_ranked *order = nv_xmalloc((n + 1) * sizeof(*order));
    size_t i, m = 0;

    for (i = 0; i < n; i++) {
        order[i].r = r[i];
        order[i].i = i;
    }
    qsort(order, n, sizeof(*order), nv_ranked_qcmp);
    for (i = 0; i < n; i++) {
        size_t k = order[i].i;
        /* sorted by start: a range that holds k is the last outermost one, if any */
        if (m && nv_ip_cmp(&r[k].last, &r[outer[m - 1]].last) <= 0) {
            if (within)
                within[k] = outer[m - 1];
            continue;
        }
        outer[m++] = k;
        if (within)
            within[k] = (size_t)-1;
    }
    free(order);
    return m;
}

static int nv_ip_qcmp(const void *pa, const void *pb)
{
    return nv_ip_cmp(pa, pb);
}

void nv_atoms_finish(struct nv_atoms *a)
{
    size_t r, w = 0;

    qsort(a->cuts, a->n, sizeof(*a->cuts), nv_ip_qcmp);
    for (r = 0; r < a->n; r++)
        if (!w || !nv_ip_eq(&a->cuts[w - 1], &a->cuts[r]))
            a->cuts[w++] = a->cuts[r];
    a->n = w;
}

size_t nv_atoms_find(const struct nv_atoms *a, const struct nv_ip *x)
{
    size_t lo = 0, hi = a->n;

    if (!(a->families & NV_FAMILY_BIT(x->fam)))
        return a->n;
    /* last cut <= x: the first cut of x's family is <= x */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (nv_ip_cmp(&a->cuts[mid], x) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

struct nv_iprange nv_atoms_range(const struct nv_atoms *a, size_t i)
{
    struct nv_iprange r;

    r.first = a->cuts[i];
    r.last = nv_atoms_adjacent(a, i) ? nv_ip_prev(a->cuts[i + 1])
                                     : nv_ip_max((enum nv_family)r.first.fam);
    return r;
}
