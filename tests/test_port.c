/*
 * test_port.c - port sets: interning, algebra, hash-consing, canonical strings,
 * and a randomized check of union/intersection/difference against a bitmap.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/port.h"

static int setup_table(void **state)
{
    struct nv_ports *t = malloc(sizeof(*t));

    if (!t)
        return -1;
    nv_ports_init(t);
    *state = t;
    return 0;
}

static int teardown_table(void **state)
{
    struct nv_ports *t = *state;

    nv_ports_release(t);
    free(t);
    return 0;
}

static uint32_t port1(struct nv_ports *t, enum nv_proto p, unsigned port)
{
    return nv_ports_range(t, p, port, port);
}

/* Union of a list of ids terminated by UINT32_MAX. */
static uint32_t union_of(struct nv_ports *t, uint32_t first, ...)
{
    va_list ap;
    uint32_t acc = first, x;

    va_start(ap, first);
    while ((x = va_arg(ap, uint32_t)) != UINT32_MAX)
        acc = nv_ports_union(t, acc, x);
    va_end(ap);
    return acc;
}

static void test_proto_parse(void **state)
{
    (void)state;
    assert_int_equal(nv_proto_parse("TCP"), NV_PROTO_TCP);
    assert_int_equal(nv_proto_parse("UDP"), NV_PROTO_UDP);
    assert_int_equal(nv_proto_parse("SCTP"), NV_PROTO_SCTP);
    /* Kubernetes requires the exact upper-case spelling */
    assert_int_equal(nv_proto_parse("tcp"), -1);
    assert_int_equal(nv_proto_parse("Udp"), -1);
    assert_int_equal(nv_proto_parse(""), -1);
    assert_int_equal(nv_proto_parse("TCPX"), -1);
    assert_int_equal(nv_proto_parse("TC"), -1);
    assert_int_equal(nv_proto_parse("ICMP"), -1);
    assert_string_equal(nv_proto_name(NV_PROTO_TCP), "TCP");
    assert_string_equal(nv_proto_name(NV_PROTO_UDP), "UDP");
    assert_string_equal(nv_proto_name(NV_PROTO_SCTP), "SCTP");
}

static void test_fixed_ids(void **state)
{
    struct nv_ports *t = *state;
    const struct nv_portset *all = nv_ports_get(t, NV_PORTS_ALL);
    const struct nv_portset *none = nv_ports_get(t, NV_PORTS_NONE);
    int p;

    assert_int_equal(none->n, 0);
    assert_int_equal(all->n, 3);
    for (p = 0; p < NV_NPROTO; p++) {
        assert_true(nv_ports_contains(t, NV_PORTS_ALL, p, 1));
        assert_true(nv_ports_contains(t, NV_PORTS_ALL, p, 65535));
        assert_true(nv_ports_contains(t, NV_PORTS_ALL, p, 8080));
        assert_false(nv_ports_contains(t, NV_PORTS_ALL, p, 0)); /* the universe is 1-65535 */
        assert_false(nv_ports_contains(t, NV_PORTS_NONE, p, 80));
        assert_false(nv_ports_contains(t, NV_PORTS_NONE, p, 1));
    }
    /* the full set, however it is built, is the fixed id */
    assert_int_equal(union_of(t, nv_ports_proto(t, NV_PROTO_SCTP), nv_ports_proto(t, NV_PROTO_TCP),
                              nv_ports_proto(t, NV_PROTO_UDP), UINT32_MAX),
                     NV_PORTS_ALL);
    assert_int_equal(nv_ports_intern(t, NULL, 0), NV_PORTS_NONE);
    {
        uint32_t iv[6] = {nv_port_key(NV_PROTO_TCP, 1),  nv_port_key(NV_PROTO_TCP, 65535),
                          nv_port_key(NV_PROTO_UDP, 1),  nv_port_key(NV_PROTO_UDP, 65535),
                          nv_port_key(NV_PROTO_SCTP, 1), nv_port_key(NV_PROTO_SCTP, 65535)};
        assert_int_equal(nv_ports_intern(t, iv, 3), NV_PORTS_ALL);
    }
}

static void test_identities(void **state)
{
    struct nv_ports *t = *state;
    uint32_t a = union_of(t, port1(t, NV_PROTO_TCP, 80), nv_ports_range(t, NV_PROTO_UDP, 50, 60),
                          UINT32_MAX);
    uint32_t b = nv_ports_range(t, NV_PROTO_TCP, 70, 90);
    uint32_t notb;

    assert_true(a != NV_PORTS_NONE && a != NV_PORTS_ALL);
    assert_int_equal(nv_ports_union(t, a, NV_PORTS_NONE), a);
    assert_int_equal(nv_ports_union(t, NV_PORTS_NONE, a), a);
    assert_int_equal(nv_ports_union(t, a, NV_PORTS_ALL), NV_PORTS_ALL);
    assert_int_equal(nv_ports_union(t, NV_PORTS_ALL, a), NV_PORTS_ALL);
    assert_int_equal(nv_ports_union(t, a, a), a);
    assert_int_equal(nv_ports_inter(t, a, NV_PORTS_ALL), a);
    assert_int_equal(nv_ports_inter(t, NV_PORTS_ALL, a), a);
    assert_int_equal(nv_ports_inter(t, a, NV_PORTS_NONE), NV_PORTS_NONE);
    assert_int_equal(nv_ports_inter(t, NV_PORTS_NONE, a), NV_PORTS_NONE);
    assert_int_equal(nv_ports_inter(t, a, a), a);
    assert_int_equal(nv_ports_minus(t, a, NV_PORTS_NONE), a);
    assert_int_equal(nv_ports_minus(t, a, a), NV_PORTS_NONE);
    assert_int_equal(nv_ports_minus(t, a, NV_PORTS_ALL), NV_PORTS_NONE);
    assert_int_equal(nv_ports_minus(t, NV_PORTS_NONE, a), NV_PORTS_NONE);
    /* commutativity (memo is keyed on ordered pairs) */
    assert_int_equal(nv_ports_union(t, a, b), nv_ports_union(t, b, a));
    assert_int_equal(nv_ports_inter(t, a, b), nv_ports_inter(t, b, a));
    assert_int_equal(nv_ports_inter(t, a, b), port1(t, NV_PROTO_TCP, 80));
    /* minus is not commutative */
    assert_int_equal(nv_ports_minus(t, a, b), nv_ports_range(t, NV_PROTO_UDP, 50, 60));
    assert_int_equal(nv_ports_minus(t, b, a),
                     union_of(t, nv_ports_range(t, NV_PROTO_TCP, 70, 79),
                              nv_ports_range(t, NV_PROTO_TCP, 81, 90), UINT32_MAX));
    /* complement twice is the identity; a set and its complement partition ALL */
    notb = nv_ports_minus(t, NV_PORTS_ALL, b);
    assert_int_equal(nv_ports_minus(t, NV_PORTS_ALL, notb), b);
    assert_int_equal(nv_ports_union(t, b, notb), NV_PORTS_ALL);
    assert_int_equal(nv_ports_inter(t, b, notb), NV_PORTS_NONE);
    /* repeated calls (memoised) give the same answers */
    assert_int_equal(nv_ports_minus(t, b, a), nv_ports_minus(t, b, a));
}

static void test_hash_consing(void **state)
{
    struct nv_ports *t = *state;
    uint32_t a = port1(t, NV_PROTO_TCP, 80);
    uint32_t iv[4];

    assert_int_equal(a, port1(t, NV_PROTO_TCP, 80));
    assert_int_not_equal(a, port1(t, NV_PROTO_UDP, 80));
    assert_int_not_equal(a, port1(t, NV_PROTO_TCP, 81));
    iv[0] = iv[1] = nv_port_key(NV_PROTO_TCP, 80);
    assert_int_equal(nv_ports_intern(t, iv, 1), a);
    /* a set built by different unions is the same id */
    iv[2] = iv[3] = nv_port_key(NV_PROTO_UDP, 53);
    assert_int_equal(nv_ports_intern(t, iv, 2), nv_ports_union(t, a, port1(t, NV_PROTO_UDP, 53)));
    assert_int_equal(nv_ports_union(t, nv_ports_range(t, NV_PROTO_TCP, 1, 100),
                                    nv_ports_range(t, NV_PROTO_TCP, 50, 65535)),
                     nv_ports_proto(t, NV_PROTO_TCP));
    assert_int_equal(nv_ports_inter(t, nv_ports_range(t, NV_PROTO_TCP, 1, 100),
                                    nv_ports_range(t, NV_PROTO_TCP, 100, 200)),
                     port1(t, NV_PROTO_TCP, 100));
    assert_int_equal(nv_ports_minus(t, nv_ports_range(t, NV_PROTO_TCP, 79, 81),
                                    union_of(t, port1(t, NV_PROTO_TCP, 79),
                                             port1(t, NV_PROTO_TCP, 81), UINT32_MAX)),
                     a);
    /* many distinct sets: the index grows and still finds every one */
    {
        uint32_t ids[1000];
        unsigned i;
        for (i = 0; i < 1000; i++)
            ids[i] = nv_ports_range(t, (enum nv_proto)(i % 3), 1000 + i, 2000 + i);
        for (i = 0; i < 1000; i++) {
            assert_int_equal(nv_ports_range(t, (enum nv_proto)(i % 3), 1000 + i, 2000 + i), ids[i]);
            if (i)
                assert_int_not_equal(ids[i], ids[i - 1]);
        }
    }
}

static void test_adjacency(void **state)
{
    struct nv_ports *t = *state;
    uint32_t u = nv_ports_union(t, port1(t, NV_PROTO_TCP, 80), port1(t, NV_PROTO_TCP, 81));
    const struct nv_portset *s = nv_ports_get(t, u);

    assert_int_equal(u, nv_ports_range(t, NV_PROTO_TCP, 80, 81));
    assert_int_equal(s->n, 1);
    assert_string_equal(nv_ports_format(t, u), "TCP 80-81");
    /* adjacency through a third set */
    u = union_of(t, port1(t, NV_PROTO_UDP, 10), port1(t, NV_PROTO_UDP, 12),
                 port1(t, NV_PROTO_UDP, 11), UINT32_MAX);
    assert_int_equal(u, nv_ports_range(t, NV_PROTO_UDP, 10, 12));
    assert_int_equal(nv_ports_union(t, nv_ports_range(t, NV_PROTO_TCP, 1, 79),
                                    nv_ports_range(t, NV_PROTO_TCP, 80, 65535)),
                     nv_ports_proto(t, NV_PROTO_TCP));
    assert_string_equal(nv_ports_format(t, nv_ports_proto(t, NV_PROTO_TCP)), "TCP");
    /* a difference that leaves two touching pieces must not leave a seam */
    u = nv_ports_minus(t, nv_ports_range(t, NV_PROTO_TCP, 1, 100), port1(t, NV_PROTO_TCP, 200));
    assert_int_equal(u, nv_ports_range(t, NV_PROTO_TCP, 1, 100));
}

static void test_cross_protocol(void **state)
{
    struct nv_ports *t = *state;
    /* TCP 65535 and UDP 1 are adjacent keys but different protocols */
    uint32_t u = nv_ports_union(t, port1(t, NV_PROTO_TCP, 65535), port1(t, NV_PROTO_UDP, 1));
    const struct nv_portset *s = nv_ports_get(t, u);

    assert_int_equal(s->n, 2);
    assert_string_equal(nv_ports_format(t, u), "TCP 65535;UDP 1");
    assert_true(nv_ports_contains(t, u, NV_PROTO_TCP, 65535));
    assert_true(nv_ports_contains(t, u, NV_PROTO_UDP, 1));
    assert_false(nv_ports_contains(t, u, NV_PROTO_TCP, 1));
    assert_false(nv_ports_contains(t, u, NV_PROTO_UDP, 65535));
    assert_false(nv_ports_contains(t, u, NV_PROTO_UDP, 0));
    assert_false(nv_ports_contains(t, u, NV_PROTO_SCTP, 1));
    /* whole TCP + whole UDP: two intervals, not one */
    u = nv_ports_union(t, nv_ports_proto(t, NV_PROTO_TCP), nv_ports_proto(t, NV_PROTO_UDP));
    assert_int_equal(nv_ports_get(t, u)->n, 2);
    assert_string_equal(nv_ports_format(t, u), "TCP;UDP");
    assert_int_equal(
        nv_ports_inter(t, nv_ports_proto(t, NV_PROTO_TCP), nv_ports_proto(t, NV_PROTO_UDP)),
        NV_PORTS_NONE);
    assert_int_equal(nv_ports_minus(t, u, nv_ports_proto(t, NV_PROTO_TCP)),
                     nv_ports_proto(t, NV_PROTO_UDP));
    /* same port number on two protocols */
    u = nv_ports_union(t, port1(t, NV_PROTO_TCP, 53), port1(t, NV_PROTO_UDP, 53));
    assert_int_equal(nv_ports_inter(t, u, port1(t, NV_PROTO_UDP, 53)), port1(t, NV_PROTO_UDP, 53));
    assert_string_equal(nv_ports_format(t, u), "TCP 53;UDP 53");
}

static void test_contains(void **state)
{
    struct nv_ports *t = *state;
    uint32_t u = union_of(t, nv_ports_range(t, NV_PROTO_TCP, 80, 80),
                          nv_ports_range(t, NV_PROTO_TCP, 8080, 8090),
                          nv_ports_range(t, NV_PROTO_UDP, 53, 53),
                          nv_ports_range(t, NV_PROTO_SCTP, 1, 10), UINT32_MAX);
    static const struct {
        enum nv_proto p;
        unsigned port;
        int in;
    } cases[] = {
        {NV_PROTO_TCP, 79, 0},     {NV_PROTO_TCP, 80, 1},   {NV_PROTO_TCP, 81, 0},
        {NV_PROTO_TCP, 8079, 0},   {NV_PROTO_TCP, 8080, 1}, {NV_PROTO_TCP, 8085, 1},
        {NV_PROTO_TCP, 8090, 1},   {NV_PROTO_TCP, 8091, 0}, {NV_PROTO_TCP, 53, 0},
        {NV_PROTO_UDP, 52, 0},     {NV_PROTO_UDP, 53, 1},   {NV_PROTO_UDP, 54, 0},
        {NV_PROTO_UDP, 80, 0},     {NV_PROTO_SCTP, 1, 1},   {NV_PROTO_SCTP, 10, 1},
        {NV_PROTO_SCTP, 11, 0},    {NV_PROTO_SCTP, 0, 0},   {NV_PROTO_TCP, 65535, 0},
        {NV_PROTO_SCTP, 65535, 0}, {NV_PROTO_TCP, 1, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (nv_ports_contains(t, u, cases[i].p, cases[i].port) != cases[i].in)
            fail_msg("contains(%s %u) should be %d", nv_proto_name(cases[i].p), cases[i].port,
                     cases[i].in);
    }
}

static void test_format(void **state)
{
    struct nv_ports *t = *state;
    uint32_t a;
    const char *s1;

    assert_string_equal(nv_ports_format(t, NV_PORTS_ALL), "All");
    assert_string_equal(nv_ports_format(t, NV_PORTS_NONE), "");
    assert_string_equal(nv_ports_format(t, port1(t, NV_PROTO_TCP, 80)), "TCP 80");
    a = union_of(t, nv_ports_range(t, NV_PROTO_UDP, 53, 53),
                 nv_ports_range(t, NV_PROTO_TCP, 8080, 8090), port1(t, NV_PROTO_TCP, 80),
                 UINT32_MAX);
    assert_string_equal(nv_ports_format(t, a), "TCP 80,8080-8090;UDP 53");
    a = nv_ports_union(t, nv_ports_proto(t, NV_PROTO_TCP), port1(t, NV_PROTO_UDP, 53));
    assert_string_equal(nv_ports_format(t, a), "TCP;UDP 53");
    a = nv_ports_minus(t, NV_PORTS_ALL, port1(t, NV_PROTO_TCP, 80));
    assert_string_equal(nv_ports_format(t, a), "TCP 1-79,81-65535;UDP;SCTP");
    a = union_of(t, port1(t, NV_PROTO_SCTP, 9003), port1(t, NV_PROTO_UDP, 5353),
                 port1(t, NV_PROTO_TCP, 80), UINT32_MAX);
    assert_string_equal(nv_ports_format(t, a), "TCP 80;UDP 5353;SCTP 9003");
    a = nv_ports_minus(t, NV_PORTS_ALL, port1(t, NV_PROTO_UDP, 5353));
    assert_string_equal(nv_ports_format(t, a), "TCP;UDP 1-5352,5354-65535;SCTP");
    a = nv_ports_union(t, port1(t, NV_PROTO_SCTP, 1), port1(t, NV_PROTO_SCTP, 65535));
    assert_string_equal(nv_ports_format(t, a), "SCTP 1,65535");
    assert_string_equal(nv_ports_format(t, nv_ports_range(t, NV_PROTO_UDP, 1, 65534)),
                        "UDP 1-65534");
    /* the string is made once and owned by the table */
    s1 = nv_ports_format(t, a);
    assert_ptr_equal(s1, nv_ports_format(t, a));
}

static void test_format_npa(void **state)
{
    struct nv_ports *t = *state;
    uint32_t a;

    assert_string_equal(nv_ports_format_npa(t, NV_PORTS_ALL), "All Connections");
    assert_string_equal(nv_ports_format_npa(t, NV_PORTS_NONE), "");
    a = union_of(t, port1(t, NV_PROTO_TCP, 80), port1(t, NV_PROTO_UDP, 53),
                 port1(t, NV_PROTO_SCTP, 9003), UINT32_MAX);
    assert_string_equal(nv_ports_format_npa(t, a), "SCTP 9003,TCP 80,UDP 53");
    assert_string_equal(nv_ports_format_npa(t, nv_ports_proto(t, NV_PROTO_TCP)), "TCP 1-65535");
    a = nv_ports_minus(t, NV_PORTS_ALL, port1(t, NV_PROTO_UDP, 5353));
    assert_string_equal(nv_ports_format_npa(t, a),
                        "SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535");
    a = union_of(t, port1(t, NV_PROTO_TCP, 8080), port1(t, NV_PROTO_TCP, 9090),
                 port1(t, NV_PROTO_UDP, 8080), UINT32_MAX);
    assert_string_equal(nv_ports_format_npa(t, a), "TCP 8080,9090,UDP 8080");
    /* both strings of one set coexist */
    assert_string_equal(nv_ports_format(t, a), "TCP 8080,9090;UDP 8080");
    assert_string_equal(nv_ports_format_npa(t, a), "TCP 8080,9090,UDP 8080");
}

/* ---- randomized check against a bitmap over (proto, port) ---- */

#define NBITS (NV_NPROTO * 65536)
#define NWORDS (NBITS / 64)
#define POOL 48

struct bset {
    uint64_t w[NWORDS];
};

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: fixed seed, reproducible everywhere */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static unsigned rnd_below(unsigned n)
{
    return rnd() % n;
}

static int bget(const struct bset *b, unsigned key)
{
    return (int)((b->w[key / 64] >> (key % 64)) & 1);
}

static void bset_range(struct bset *b, unsigned lo, unsigned hi)
{
    unsigned k;

    for (k = lo; k <= hi; k++)
        b->w[k / 64] |= (uint64_t)1 << (k % 64);
}

/* A random port range, biased to small ports so that ranges touch and overlap. */
static void random_range(enum nv_proto *p, unsigned *lo, unsigned *hi)
{
    unsigned kind = rnd_below(10);

    *p = (enum nv_proto)rnd_below(3);
    if (kind == 0) {
        *lo = 1;
        *hi = 65535;
    } else if (kind < 6) {
        *lo = 1 + rnd_below(120);
        *hi = *lo + rnd_below(8);
    } else if (kind < 8) {
        *lo = 1 + rnd_below(65535);
        *hi = *lo + rnd_below(65536 - *lo);
    } else {
        *lo = 65535 - rnd_below(5);
        *hi = 65535;
        if (rnd_below(2)) {
            *lo = 1;
            *hi = 1 + rnd_below(3);
        }
    }
}

/* The canonical interval list of a bitmap, as keys. Returns the number of intervals. */
static size_t bset_intervals(const struct bset *b, uint32_t *iv)
{
    size_t n = 0;
    unsigned p, port;

    for (p = 0; p < NV_NPROTO; p++) {
        port = 1;
        while (port <= 65535) {
            unsigned lo;
            if (!bget(b, p * 65536 + port)) {
                port++;
                continue;
            }
            lo = port;
            while (port <= 65535 && bget(b, p * 65536 + port))
                port++;
            iv[2 * n] = nv_port_key((enum nv_proto)p, lo);
            iv[2 * n + 1] = nv_port_key((enum nv_proto)p, port - 1);
            n++;
        }
    }
    return n;
}

/* The set id must hold exactly the bitmap, in canonical form. */
static void check_same(struct nv_ports *t, uint32_t id, const struct bset *b, uint32_t *scratch,
                       const char *what, int iter)
{
    const struct nv_portset *s = nv_ports_get(t, id);
    size_t n = bset_intervals(b, scratch), i;

    if (s->n != n || memcmp(s->iv, scratch, 2 * n * sizeof(*scratch)) != 0)
        fail_msg("iteration %d: %s gives %s (%zu intervals), bitmap has %zu intervals", iter, what,
                 nv_ports_format(t, id), s->n, n);
    for (i = 0; i < s->n; i++) {
        uint32_t lo = s->iv[2 * i], hi = s->iv[2 * i + 1];
        assert_true(lo <= hi);
        assert_true(lo >> 16 == hi >> 16);
        assert_true((lo >> 16) < NV_NPROTO);
        assert_true((lo & 0xffff) >= 1);
        if (i)
            assert_true(s->iv[2 * i - 1] + 1 < lo || (lo >> 16) != (s->iv[2 * i - 1] >> 16));
    }
    /* hash-consing: interning the expected list finds this very id */
    assert_int_equal(nv_ports_intern(t, scratch, n), id);
    /* spot checks through the public predicate, including every boundary */
    for (i = 0; i < n; i++) {
        uint32_t lo = scratch[2 * i], hi = scratch[2 * i + 1];
        enum nv_proto p = (enum nv_proto)(lo >> 16);
        unsigned a = lo & 0xffff, z = hi & 0xffff;
        assert_true(nv_ports_contains(t, id, p, a));
        assert_true(nv_ports_contains(t, id, p, z));
        assert_int_equal(nv_ports_contains(t, id, p, a - 1), a > 1 && bget(b, (unsigned)(lo - 1)));
        if (z < 65535)
            assert_false(nv_ports_contains(t, id, p, z + 1));
    }
    for (i = 0; i < 64; i++) {
        enum nv_proto p = (enum nv_proto)rnd_below(3);
        unsigned port = 1 + rnd_below(i % 2 ? 200 : 65535);
        assert_int_equal(nv_ports_contains(t, id, p, port), bget(b, p * 65536 + port));
    }
}

static void test_random_algebra(void **state)
{
    struct nv_ports *t = *state;
    struct bset *bits = calloc(POOL + 1, sizeof(*bits));
    uint32_t ids[POOL];
    uint32_t *scratch = malloc(NBITS * sizeof(*scratch));
    int it, i;

    assert_non_null(bits);
    assert_non_null(scratch);
    rng_state = 0x9E3779B97F4A7C15ULL;
    /* a pool of random sets, each the union of a few random ranges */
    for (i = 0; i < POOL; i++) {
        int r, nr = (int)rnd_below(6);
        ids[i] = NV_PORTS_NONE;
        for (r = 0; r < nr; r++) {
            enum nv_proto p;
            unsigned lo, hi;
            random_range(&p, &lo, &hi);
            ids[i] = nv_ports_union(t, ids[i], nv_ports_range(t, p, lo, hi));
            bset_range(&bits[i], p * 65536 + lo, p * 65536 + hi);
        }
        if (i == 0) {
            ids[0] = NV_PORTS_ALL;
            bset_range(&bits[0], 1, 65535);
            bset_range(&bits[0], 65536 + 1, 65536 + 65535);
            bset_range(&bits[0], 2 * 65536 + 1, 2 * 65536 + 65535);
        }
        check_same(t, ids[i], &bits[i], scratch, "build", -1);
    }
    for (it = 0; it < 400; it++) {
        int a = (int)rnd_below(POOL), b = (int)rnd_below(POOL), w, k;
        struct bset *e = &bits[POOL];
        uint32_t u = nv_ports_union(t, ids[a], ids[b]);
        uint32_t x = nv_ports_inter(t, ids[a], ids[b]);
        uint32_t m = nv_ports_minus(t, ids[a], ids[b]);

        for (w = 0; w < NWORDS; w++)
            e->w[w] = bits[a].w[w] | bits[b].w[w];
        check_same(t, u, e, scratch, "union", it);
        for (w = 0; w < NWORDS; w++)
            e->w[w] = bits[a].w[w] & bits[b].w[w];
        check_same(t, x, e, scratch, "intersection", it);
        for (w = 0; w < NWORDS; w++)
            e->w[w] = bits[a].w[w] & ~bits[b].w[w];
        check_same(t, m, e, scratch, "difference", it);
        /* the texts written from a const table are the cached ones */
        for (k = 0; k < 2; k++) {
            struct nv_buf wb;
            nv_buf_init(&wb, 0);
            nv_ports_write_minus(&wb, t, ids[a], ids[b], k);
            assert_string_equal(nv_buf_str(&wb),
                                k ? nv_ports_format_npa(t, m) : nv_ports_format(t, m));
            nv_buf_reset(&wb);
            nv_ports_write(&wb, t, ids[a], k);
            assert_string_equal(nv_buf_str(&wb),
                                k ? nv_ports_format_npa(t, ids[a]) : nv_ports_format(t, ids[a]));
            nv_buf_release(&wb);
        }
        /* feed results back so operands get more complex */
        k = (int)rnd_below(3);
        w = 1 + (int)rnd_below(POOL - 1);
        ids[w] = k == 0 ? u : k == 1 ? x : m;
        for (i = 0; i < NWORDS; i++)
            bits[w].w[i] = k == 0   ? bits[a].w[i] | bits[b].w[i]
                           : k == 1 ? bits[a].w[i] & bits[b].w[i]
                                    : bits[a].w[i] & ~bits[b].w[i];
    }
    free(scratch);
    free(bits);
}

/*
 * A set built in one pass from ranges and whole sets, in any order, is the
 * union of what was added, in canonical form (the same id as the bitmap's).
 */
static void test_list(void **state)
{
    struct nv_ports *t = *state;
    struct bset *b = calloc(2, sizeof(*b));
    uint32_t *scratch = malloc(NBITS * sizeof(*scratch));
    struct nv_ports_list l = {NULL, 0, 0};
    int it, r;

    assert_non_null(b);
    assert_non_null(scratch);
    rng_state = 0x2545F4914F6CDD1DULL;
    assert_int_equal(nv_ports_list_intern(t, &l), NV_PORTS_NONE);
    for (it = 0; it < 300; it++) {
        int nr = 1 + (int)rnd_below(12);
        memset(&b[0], 0, sizeof(b[0]));
        for (r = 0; r < nr; r++) {
            enum nv_proto p;
            unsigned lo, hi;
            random_range(&p, &lo, &hi);
            bset_range(&b[0], p * 65536 + lo, p * 65536 + hi);
            if (rnd_below(3)) {
                nv_ports_list_range(&l, p, lo, hi);
            } else {
                /* a whole set: this range with a second one */
                enum nv_proto p2;
                unsigned lo2, hi2;
                random_range(&p2, &lo2, &hi2);
                bset_range(&b[0], p2 * 65536 + lo2, p2 * 65536 + hi2);
                nv_ports_list_set(&l, t,
                                  nv_ports_union(t, nv_ports_range(t, p, lo, hi),
                                                 nv_ports_range(t, p2, lo2, hi2)));
            }
        }
        check_same(t, nv_ports_list_intern(t, &l), &b[0], scratch, "list", it);
        assert_null(l.iv);
    }
    free(scratch);
    free(b);
}

/* 30,000 single ports in one list keep one set, not the 30,000 of a chain of unions. */
static void test_list_linear(void **state)
{
    struct nv_ports *t = *state;
    struct nv_ports_list l = {NULL, 0, 0};
    size_t before = t->nranges;
    unsigned i;
    uint32_t id;

    for (i = 0; i < 30000; i++)
        nv_ports_list_range(&l, NV_PROTO_TCP, 2 * (29999 - i) + 1, 2 * (29999 - i) + 1);
    id = nv_ports_list_intern(t, &l);
    assert_int_equal(nv_ports_get(t, id)->n, 30000);
    assert_int_equal(t->nranges - before, 30000);
    assert_true(nv_ports_contains(t, id, NV_PROTO_TCP, 59999));
    assert_false(nv_ports_contains(t, id, NV_PROTO_TCP, 60000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_parse),
        cmocka_unit_test_setup_teardown(test_fixed_ids, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_identities, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_hash_consing, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_adjacency, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_cross_protocol, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_contains, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_format, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_format_npa, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_random_algebra, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_list, setup_table, teardown_table),
        cmocka_unit_test_setup_teardown(test_list_linear, setup_table, teardown_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
