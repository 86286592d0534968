/*
 * ip.c - IPv4 parsing and formatting, CIDR ranges, address-space atoms.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"

int nv_ipv4_parse(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    int part;

    for (part = 0; part < 4; part++) {
        unsigned x = 0, digits = 0;
        if (part && *s++ != '.')
            return -1;
        while (*s >= '0' && *s <= '9') {
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
    if (*s)
        return -1;
    *out = v;
    return 0;
}

static int nv_is_ipv6_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t i, n;
    int colons = 0;

    if (!slash || !strchr(s, ':'))
        return 0;
    n = (size_t)(slash - s);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == ':')
            colons++;
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                   c == '.'))
            return 0;
    }
    if (colons < 2 || colons > 7)
        return 0;
    {
        char *end;
        long len = strtol(slash + 1, &end, 10);
        if (*end || slash[1] == '\0' || len < 0 || len > 128)
            return 0;
    }
    return 1;
}

int nv_cidr_parse(const char *s, struct nv_iprange *out, const char **why)
{
    char addr[32];
    const char *slash = strchr(s, '/');
    const char *p;
    uint32_t a, mask;
    unsigned len = 0, digits = 0;
    size_t n;

    if (why)
        *why = "not an IPv4 CIDR";
    if (!slash) {
        if (why)
            *why = "missing '/' and prefix length";
        return NV_CIDR_BAD;
    }
    if (nv_is_ipv6_cidr(s))
        return NV_CIDR_IPV6;
    n = (size_t)(slash - s);
    if (n >= sizeof(addr))
        return NV_CIDR_BAD;
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (nv_ipv4_parse(addr, &a) < 0) {
        if (why)
            *why = "invalid IPv4 address";
        return NV_CIDR_BAD;
    }
    for (p = slash + 1; *p >= '0' && *p <= '9'; p++) {
        if (digits && len == 0)
            break;
        len = len * 10 + (unsigned)(*p - '0');
        if (++digits > 2)
            break;
    }
    if (!digits || *p || len > 32) {
        if (why)
            *why = "prefix length must be 0-32";
        return NV_CIDR_BAD;
    }
    mask = len ? UINT32_MAX << (32 - len) : 0;
    out->lo = a & mask;
    out->hi = out->lo | ~mask;
    return (a & ~mask) ? NV_CIDR_HOST_BITS : NV_CIDR_OK;
}

char *nv_ipv4_format(uint32_t a, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    return buf;
}

char *nv_iprange_format(struct nv_iprange r, char *buf)
{
    char lo[16], hi[16];

    snprintf(buf, 32, "%s-%s", nv_ipv4_format(r.lo, lo), nv_ipv4_format(r.hi, hi));
    return buf;
}

void nv_atoms_init(struct nv_atoms *a)
{
    memset(a, 0, sizeof(*a));
    NV_GROW(a->cuts, a->alloc, 1);
    a->cuts[a->n++] = 0;
}

void nv_atoms_release(struct nv_atoms *a)
{
    free(a->cuts);
    memset(a, 0, sizeof(*a));
}

static void nv_atoms_cut(struct nv_atoms *a, uint32_t x)
{
    NV_GROW(a->cuts, a->alloc, a->n + 1);
    a->cuts[a->n++] = x;
}

void nv_atoms_add(struct nv_atoms *a, struct nv_iprange r)
{
    nv_atoms_cut(a, r.lo);
    if (r.hi != UINT32_MAX)
        nv_atoms_cut(a, r.hi + 1);
}

static int nv_u32_cmp(const void *pa, const void *pb)
{
    uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
    return x < y ? -1 : x > y;
}

void nv_atoms_finish(struct nv_atoms *a)
{
    size_t r, w = 0;

    qsort(a->cuts, a->n, sizeof(*a->cuts), nv_u32_cmp);
    for (r = 0; r < a->n; r++)
        if (!w || a->cuts[w - 1] != a->cuts[r])
            a->cuts[w++] = a->cuts[r];
    a->n = w;
}

size_t nv_atoms_find(const struct nv_atoms *a, uint32_t x)
{
    size_t lo = 0, hi = a->n;

    /* last cut <= x */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (a->cuts[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

struct nv_iprange nv_atoms_range(const struct nv_atoms *a, size_t i)
{
    struct nv_iprange r;

    r.lo = a->cuts[i];
    r.hi = i + 1 < a->n ? a->cuts[i + 1] - 1 : UINT32_MAX;
    return r;
}
