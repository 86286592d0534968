/*
 * ip.h - IPv4 and IPv6 addresses, CIDR blocks and the atoms that ipBlock
 * boundaries cut the external address space into.
 *
 * The two families are disjoint: an IPv4 address is never an IPv6 one (an
 * IPv4-mapped IPv6 address '::ffff:a.b.c.d' is an IPv6 address). Addresses of
 * both are ordered as one space, every IPv4 address before every IPv6 address,
 * so the atoms of both families are one sorted list.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_IP_H
#define NETVERIFY_IP_H

#include <stddef.h>
#include <stdint.h>

enum nv_family { NV_IPV4 = 0, NV_IPV6 = 1 };
#define NV_FAMILY_BIT(f) (1u << (f))
#define NV_FAMILIES_ALL (NV_FAMILY_BIT(NV_IPV4) | NV_FAMILY_BIT(NV_IPV6))

/* An address: 128 bits, hi then lo; an IPv4 address is lo (< 2^32, hi == 0). */
struct nv_ip {
    uint64_t hi, lo;
    unsigned char fam; /* enum nv_family */
};

/* An inclusive address range; both ends are of one family. */
struct nv_iprange {
    struct nv_ip first, last;
};

/* Text sizes, with the terminating NUL: an address, and "first-last". */
#define NV_IP_BUFSZ 48
#define NV_IPRANGE_BUFSZ 96

/* Order of the address space: by family (IPv4 first), then by value. */
static inline int nv_ip_cmp(const struct nv_ip *a, const struct nv_ip *b)
{
    if (a->fam != b->fam)
        return a->fam < b->fam ? -1 : 1;
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static inline int nv_ip_eq(const struct nv_ip *a, const struct nv_ip *b)
{
    return a->lo == b->lo && a->hi == b->hi && a->fam == b->fam;
}

/* Whether x lies in r. */
static inline int nv_iprange_has(const struct nv_iprange *r, const struct nv_ip *x)
{
    return nv_ip_cmp(&r->first, x) <= 0 && nv_ip_cmp(x, &r->last) <= 0;
}

/* The IPv4 address a. */
struct nv_ip nv_ip_v4(uint32_t a);
/* The first and the last address of a family. */
struct nv_ip nv_ip_min(enum nv_family f);
struct nv_ip nv_ip_max(enum nv_family f);
/* "IPv4" or "IPv6". */
const char *nv_family_name(enum nv_family f);

enum nv_cidr_status {
    NV_CIDR_OK = 0,
    NV_CIDR_HOST_BITS = 1, /* valid, but bits are set past the prefix (Kubernetes accepts it) */
    NV_CIDR_MAPPED = 2,    /* an IPv4-mapped IPv6 CIDR ::ffff:a.b.c.d/96+n, read as a.b.c.d/n */
    NV_CIDR_BAD = -1,
};

/*
 * Parse "ADDRESS/LEN", IPv4 ("10.0.0.0/8") or IPv6 ("2001:db8::/32"), as Go's
 * net.ParseCIDR reads it, into the range it covers (host bits cleared).
 * Leading zeros in an IPv4 part or in the length are refused, as Kubernetes'
 * strict validation does. A prefix of 96 bits or more of an IPv4-mapped IPv6
 * address is, as in Go's net.IPNet, the IPv4 block it maps
 * ("::ffff:10.0.0.0/104" is 10.0.0.0/8). Returns NV_CIDR_BAD with a short
 * reason naming the family in *why (may be NULL), or NV_CIDR_OK with the bits
 * NV_CIDR_HOST_BITS and NV_CIDR_MAPPED or'ed in. *len (may be NULL) gets the
 * prefix length as written.
 */
int nv_cidr_parse(const char *s, struct nv_iprange *out, unsigned *len, const char **why);
/*
 * Parse an address, IPv4 or IPv6 (no prefix, no zone). An IPv4-mapped IPv6
 * address is read as the IPv4 address, as Go's net.IP.To4 does (returns 1);
 * else 0, or -1 with a reason naming the family in *why (may be NULL).
 */
int nv_ip_parse(const char *s, struct nv_ip *out, const char **why);
/* Parse a dotted quad (no leading zeros); 0 on success, -1 if not one. */
int nv_ipv4_parse(const char *s, uint32_t *out);
/* Parse IPv6 text as it is (an IPv4-mapped address stays IPv6); 0 or -1. */
int nv_ipv6_parse(const char *s, struct nv_ip *out);
/*
 * An address as text into buf (at least NV_IP_BUFSZ bytes): a dotted quad, or
 * IPv6 in RFC 5952's form (lower case, the longest run of two or more zero
 * groups as '::', the first of equal runs; ::ffff:a.b.c.d for IPv4-mapped).
 */
char *nv_ip_format(const struct nv_ip *a, char *buf);
/* "first-last" into buf (at least NV_IPRANGE_BUFSZ bytes). */
char *nv_iprange_format(const struct nv_iprange *r, char *buf);
/* The prefix length when r is exactly one CIDR block, else -1. */
int nv_iprange_prefix(const struct nv_iprange *r);

/*
 * The outermost of n ranges that are nested or disjoint (the excepts of an
 * ipBlock are CIDR blocks), in address order: their indexes go to 'outer'
 * (room for n), and the count is returned. within[i] (when 'within' is not
 * NULL) is the index of an outermost range that holds range i, the first
 * given of equal ranges holding the others, or (size_t)-1 for an outermost
 * one. O(n log n), so that ten thousand excepts cost what they weigh.
 */
size_t nv_iprange_outermost(const struct nv_iprange *r, size_t n, size_t *outer, size_t *within);

/*
 * The partition of the address space of some families into atoms cut at
 * every range boundary added: each added range is a union of consecutive
 * atoms, and no atom spans two families. Ranges of other families are ignored.
 */
struct nv_atoms {
    struct nv_ip *cuts; /* sorted starts of atoms; each family modelled starts one */
    size_t n, alloc;
    unsigned families; /* NV_FAMILY_BIT()s of the families covered */
};
/* Atoms over the families in 'families' (NV_FAMILY_BIT()s, at least one). */
void nv_atoms_init(struct nv_atoms *a, unsigned families);
void nv_atoms_release(struct nv_atoms *a);
/* Record the boundaries of r. Call nv_atoms_finish() once after the last add. */
void nv_atoms_add(struct nv_atoms *a, const struct nv_iprange *r);
void nv_atoms_finish(struct nv_atoms *a);
/* The atom holding address x, or a->n when x's family is not covered. */
size_t nv_atoms_find(const struct nv_atoms *a, const struct nv_ip *x);
struct nv_iprange nv_atoms_range(const struct nv_atoms *a, size_t i);
/* Whether atom i + 1 exists and continues atom i (in one family). */
static inline int nv_atoms_adjacent(const struct nv_atoms *a, size_t i)
{
    return i + 1 < a->n && (a->cuts[i + 1].hi || a->cuts[i + 1].lo);
}
/*
 * The last atom of the run that starts at atom i: adjacent atoms whose values
 * in the two per-atom arrays v and w (port-set ids, "sure" flags, ...) equal
 * atom i's. A run is written as one range.
 */
static inline size_t nv_atoms_run(const struct nv_atoms *a, const uint32_t *v, const uint32_t *w,
                                  size_t i)
{
    size_t b = i;
    while (nv_atoms_adjacent(a, b) && v[b + 1] == v[i] && w[b + 1] == w[i])
        b++;
    return b;
}

#endif
