/*
 * ip.h - IPv4 addresses, CIDR blocks and the atoms that ipBlock boundaries cut
 * the external address space into.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_IP_H
#define NETVERIFY_IP_H

#include <stddef.h>
#include <stdint.h>

/* An inclusive address range. */
struct nv_iprange {
    uint32_t lo, hi;
};

enum nv_cidr_status {
    NV_CIDR_OK = 0,
    NV_CIDR_HOST_BITS = 1, /* valid, but bits are set past the prefix (Kubernetes accepts it) */
    NV_CIDR_IPV6 = 2,      /* a valid IPv6 CIDR: not modelled */
    NV_CIDR_BAD = -1,
};

/*
 * Parse "a.b.c.d/len" into the range it covers (host bits cleared). Returns
 * one of enum nv_cidr_status; 'why' (may be NULL) gets a short reason on
 * NV_CIDR_BAD.
 */
int nv_cidr_parse(const char *s, struct nv_iprange *out, const char **why);
/* Parse a dotted quad; 0 on success, -1 if not one. */
int nv_ipv4_parse(const char *s, uint32_t *out);
/* "a.b.c.d" into buf (at least 16 bytes). */
char *nv_ipv4_format(uint32_t a, char *buf);
/* "lo-hi" dotted quads into buf (at least 32 bytes). */
char *nv_iprange_format(struct nv_iprange r, char *buf);

/*
 * The partition of 0.0.0.0-255.255.255.255 into atoms cut at every range
 * boundary added: each added range is a union of consecutive atoms.
 */
struct nv_atoms {
    uint32_t *cuts; /* sorted starts of atoms; cuts[0] == 0 */
    size_t n, alloc;
};
void nv_atoms_init(struct nv_atoms *a);
void nv_atoms_release(struct nv_atoms *a);
/* Record the boundaries of r. Call nv_atoms_finish() once after the last add. */
void nv_atoms_add(struct nv_atoms *a, struct nv_iprange r);
void nv_atoms_finish(struct nv_atoms *a);
/* The atom holding address x. */
size_t nv_atoms_find(const struct nv_atoms *a, uint32_t x);
struct nv_iprange nv_atoms_range(const struct nv_atoms *a, size_t i);

#endif
