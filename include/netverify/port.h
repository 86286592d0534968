/*
 * port.h - sets of (protocol, port) as interval sets, hash-consed to small ids.
 * A set is a sorted list of disjoint, non-adjacent intervals over the key
 * proto << 16 | port (port 1..65535), so union and intersection are merges.
 * Equal sets get equal ids; union and intersection are memoised.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_PORT_H
#define NETVERIFY_PORT_H

#include <stddef.h>
#include <stdint.h>

enum nv_proto { NV_PROTO_TCP = 0, NV_PROTO_UDP = 1, NV_PROTO_SCTP = 2 };
#define NV_NPROTO 3

/*
 * The ranges all sets of one table may hold together (128 MiB of them). Past
 * it netverify stops with an input error (exit 2); real clusters need tens.
 */
#define NV_PORTS_MAX_RANGES ((size_t)1 << 24)

/* The two fixed ids. */
#define NV_PORTS_NONE 0u
#define NV_PORTS_ALL 1u

struct nv_portset {
    size_t n;     /* intervals */
    uint32_t *iv; /* 2n keys: lo0, hi0, lo1, hi1, ... */
    char *conns;  /* canonical string, made on first use */
    char *npa;    /* netpol-analyzer text form, made on first use */
};

struct nv_memo_slot {
    uint64_t key;
    uint32_t val;
};

struct nv_ports {
    struct nv_portset *sets;
    size_t nsets, alloc;
    uint32_t
        *index; /* open addressing: set ids by content hash, 0 = empty (NONE is never stored) */
    size_t nindex;
    struct nv_memo_slot *memo; /* (op, a, b) -> id */
    size_t nmemo, memo_used;
    size_t nranges; /* in all sets: bounded by NV_PORTS_MAX_RANGES */
};

void nv_ports_init(struct nv_ports *t);
void nv_ports_release(struct nv_ports *t);

static inline uint32_t nv_port_key(enum nv_proto proto, unsigned port)
{
    return (uint32_t)proto << 16 | port;
}

/*
 * A set built from a list in one pass: ranges and whole sets are collected in
 * any order, then nv_ports_list_intern() sorts and merges them and interns the
 * result once. Time and memory are linear in what was added (plus the sort),
 * where a chain of nv_ports_union() keeps every intermediate set: 30,000 port
 * entries in one rule took 3.5 GB that way. Start from {NULL, 0, 0}.
 */
struct nv_ports_list {
    uint32_t *iv; /* lo, hi pairs of keys */
    size_t n, alloc;
};
void nv_ports_list_range(struct nv_ports_list *l, enum nv_proto proto, unsigned lo, unsigned hi);
void nv_ports_list_set(struct nv_ports_list *l, const struct nv_ports *t, uint32_t id);
/* The id of the union of everything added; the list is released (ready for reuse). */
uint32_t nv_ports_list_intern(struct nv_ports *t, struct nv_ports_list *l);

/* The id of the set given by n sorted, disjoint intervals (iv: lo,hi pairs). */
uint32_t nv_ports_intern(struct nv_ports *t, const uint32_t *iv, size_t n);
/* The id of one protocol's range lo..hi (1 <= lo <= hi <= 65535). */
uint32_t nv_ports_range(struct nv_ports *t, enum nv_proto proto, unsigned lo, unsigned hi);
/* Every port of one protocol. */
uint32_t nv_ports_proto(struct nv_ports *t, enum nv_proto proto);
uint32_t nv_ports_union(struct nv_ports *t, uint32_t a, uint32_t b);
uint32_t nv_ports_inter(struct nv_ports *t, uint32_t a, uint32_t b);
uint32_t nv_ports_minus(struct nv_ports *t, uint32_t a, uint32_t b);
int nv_ports_contains(const struct nv_ports *t, uint32_t id, enum nv_proto proto, unsigned port);
const struct nv_portset *nv_ports_get(const struct nv_ports *t, uint32_t id);

/*
 * The canonical connection string of corpus/README.md: "All", "TCP 80,8080-8090;UDP 53",
 * "TCP;UDP 53". Empty set gives "". Owned by the table.
 */
const char *nv_ports_format(struct nv_ports *t, uint32_t id);
/* netpol-analyzer's text form: "All Connections", "SCTP 9003,TCP 80,UDP 53". Owned by the table. */
const char *nv_ports_format_npa(struct nv_ports *t, uint32_t id);
struct nv_buf;
/*
 * The same texts (npa: netpol-analyzer's) appended to b, from a const table:
 * set id, and the ports of set a not in set c (interning nothing).
 */
void nv_ports_write(struct nv_buf *b, const struct nv_ports *t, uint32_t id, int npa);
void nv_ports_write_minus(struct nv_buf *b, const struct nv_ports *t, uint32_t a, uint32_t c,
                          int npa);

const char *nv_proto_name(enum nv_proto p);
/* "TCP", "UDP", "SCTP" (exact case, as Kubernetes requires); -1 if unknown. */
int nv_proto_parse(const char *s);

#endif
