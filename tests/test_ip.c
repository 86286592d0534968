/*
 * test_ip.c - IPv4 addresses, CIDR parsing (statuses and reasons), formatting,
 * and the atoms that ipBlock boundaries cut the address space into.
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

#include "netverify/ip.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void test_ipv4_valid(void **state)
{
    static const struct {
        const char *s;
        uint32_t v;
    } cases[] = {
        {"0.0.0.0", 0},
        {"255.255.255.255", UINT32_MAX},
        {"10.1.2.3", IP(10, 1, 2, 3)},
        {"192.168.0.1", IP(192, 168, 0, 1)},
        {"1.0.0.0", IP(1, 0, 0, 0)},
        {"0.0.0.1", 1},
        {"100.200.10.0", IP(100, 200, 10, 0)},
        {"127.0.0.1", IP(127, 0, 0, 1)},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t v = 0x12345678;
        if (nv_ipv4_parse(cases[i].s, &v) != 0)
            fail_msg("'%s' should parse", cases[i].s);
        if (v != cases[i].v)
            fail_msg("'%s' parsed as %08x, want %08x", cases[i].s, (unsigned)v,
                     (unsigned)cases[i].v);
    }
}

static void test_ipv4_invalid(void **state)
{
    static const char *const bad[] = {
        "01.2.3.4", /* leading zeros are rejected, as Go and Kubernetes do */
        "1.2.3.04",  "00.0.0.0",  "0.00.0.0",   "010.0.0.1", "256.1.1.1", /* > 255 */
        "1.2.3.256", "1.2.3.999", "1000.1.1.1", "1.2.3",                  /* missing parts */
        "1.2",       "1",         "",           "1.2.3.",    ".1.2.3",
        "1..2.3",    "1.2.3.4.5", /* too many */
        "a.b.c.d",   "1.2.3.4 ",  " 1.2.3.4",   "1.2.3.-4",  "1.2.3.4/8",
        "1.2.3.x",   "+1.2.3.4",  "::1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t v;
        if (nv_ipv4_parse(bad[i], &v) != -1)
            fail_msg("'%s' should be rejected", bad[i]);
    }
}

static void expect_cidr(const char *s, int status, uint32_t lo, uint32_t hi)
{
    struct nv_iprange r = {7, 7};
    const char *why = NULL;
    int st = nv_cidr_parse(s, &r, &why);

    if (st != status)
        fail_msg("'%s': status %d, want %d", s, st, status);
    if (r.lo != lo || r.hi != hi)
        fail_msg("'%s': range %08x-%08x, want %08x-%08x", s, (unsigned)r.lo, (unsigned)r.hi,
                 (unsigned)lo, (unsigned)hi);
    /* also without a 'why' pointer */
    assert_int_equal(nv_cidr_parse(s, &r, NULL), status);
}

static void test_cidr_ok(void **state)
{
    (void)state;
    expect_cidr("10.0.0.0/8", NV_CIDR_OK, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
    expect_cidr("192.168.1.128/25", NV_CIDR_OK, IP(192, 168, 1, 128), IP(192, 168, 1, 255));
    expect_cidr("172.16.0.0/12", NV_CIDR_OK, IP(172, 16, 0, 0), IP(172, 31, 255, 255));
    expect_cidr("0.0.0.0/0", NV_CIDR_OK, 0, UINT32_MAX);
    expect_cidr("1.2.3.4/32", NV_CIDR_OK, IP(1, 2, 3, 4), IP(1, 2, 3, 4));
    expect_cidr("255.255.255.255/32", NV_CIDR_OK, UINT32_MAX, UINT32_MAX);
    expect_cidr("0.0.0.0/32", NV_CIDR_OK, 0, 0);
    expect_cidr("128.0.0.0/1", NV_CIDR_OK, IP(128, 0, 0, 0), UINT32_MAX);
    expect_cidr("0.0.0.0/1", NV_CIDR_OK, 0, IP(127, 255, 255, 255));
    expect_cidr("10.0.0.0/31", NV_CIDR_OK, IP(10, 0, 0, 0), IP(10, 0, 0, 1));
}

static void test_cidr_host_bits(void **state)
{
    (void)state;
    /* valid, but the range is the whole network: host bits cleared */
    expect_cidr("10.1.2.3/8", NV_CIDR_HOST_BITS, IP(10, 0, 0, 0), IP(10, 255, 255, 255));
    expect_cidr("1.2.3.4/0", NV_CIDR_HOST_BITS, 0, UINT32_MAX);
    expect_cidr("192.168.1.200/25", NV_CIDR_HOST_BITS, IP(192, 168, 1, 128), IP(192, 168, 1, 255));
    expect_cidr("10.0.0.1/31", NV_CIDR_HOST_BITS, IP(10, 0, 0, 0), IP(10, 0, 0, 1));
    expect_cidr("255.255.255.255/1", NV_CIDR_HOST_BITS, IP(128, 0, 0, 0), UINT32_MAX);
}

static void test_cidr_ipv6(void **state)
{
    static const char *const v6[] = {"::/0",
                                     "2001:db8::/32",
                                     "fe80::1/64",
                                     "::1/128",
                                     "FE80::/10",
                                     "::ffff:10.0.0.0/104",
                                     "2001:db8:0:0:0:0:0:0/48"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
        struct nv_iprange r;
        if (nv_cidr_parse(v6[i], &r, NULL) != NV_CIDR_IPV6)
            fail_msg("'%s' should be a valid IPv6 CIDR", v6[i]);
    }
}

static void expect_bad(const char *s, const char *why_fragment)
{
    struct nv_iprange r;
    const char *why = NULL;

    if (nv_cidr_parse(s, &r, &why) != NV_CIDR_BAD)
        fail_msg("'%s' should be rejected", s);
    if (!why || !*why)
        fail_msg("'%s': no reason given", s);
    if (why_fragment && !strstr(why, why_fragment))
        fail_msg("'%s': reason '%s' does not mention '%s'", s, why, why_fragment);
    assert_int_equal(nv_cidr_parse(s, &r, NULL), NV_CIDR_BAD);
}

static void test_cidr_bad(void **state)
{
    (void)state;
    expect_bad("10.0.0.0", "'/'");
    expect_bad("", "'/'");
    expect_bad("10.0.0.0/33", "0-32");
    expect_bad("10.0.0.0/", "0-32");
    expect_bad("10.0.0.0/-1", "0-32");
    expect_bad("10.0.0.0/8x", "0-32");
    expect_bad("10.0.0.0/100", "0-32");
    expect_bad("10.0.0.0/8/8", NULL);
    expect_bad("10.0.0.0/ 8", "0-32");
    expect_bad("1.2.3.256/8", "IPv4 address");
    expect_bad("01.2.3.4/8", "IPv4 address");
    expect_bad("1.2.3/8", "IPv4 address");
    expect_bad("/8", "IPv4 address");
    expect_bad("hello/8", "IPv4 address");
    expect_bad("2001:db8::/129", NULL);
    expect_bad("2001:db8::/", NULL);
    expect_bad("2001:db8::", NULL);
    expect_bad("1234567890123456789012345678901234567890/8", NULL);
}

static void test_format(void **state)
{
    char buf[32], big[64];
    struct nv_iprange r;

    (void)state;
    assert_string_equal(nv_ipv4_format(IP(10, 0, 0, 1), buf), "10.0.0.1");
    assert_ptr_equal(nv_ipv4_format(0, buf), buf);
    assert_string_equal(buf, "0.0.0.0");
    assert_string_equal(nv_ipv4_format(UINT32_MAX, buf), "255.255.255.255");
    assert_string_equal(nv_ipv4_format(IP(192, 168, 100, 7), buf), "192.168.100.7");
    r.lo = IP(10, 0, 0, 0);
    r.hi = IP(10, 255, 255, 255);
    assert_string_equal(nv_iprange_format(r, big), "10.0.0.0-10.255.255.255");
    r.lo = 0;
    r.hi = UINT32_MAX;
    assert_string_equal(nv_iprange_format(r, big), "0.0.0.0-255.255.255.255");
    r.lo = r.hi = IP(104, 154, 164, 160);
    assert_string_equal(nv_iprange_format(r, big), "104.154.164.160-104.154.164.160");
    /* round trip */
    {
        uint32_t v;
        assert_int_equal(nv_ipv4_parse(nv_ipv4_format(IP(172, 16, 254, 3), buf), &v), 0);
        assert_int_equal(v, IP(172, 16, 254, 3));
    }
}

static struct nv_iprange rng(uint32_t lo, uint32_t hi)
{
    struct nv_iprange r;

    r.lo = lo;
    r.hi = hi;
    return r;
}

static void test_atoms_empty(void **state)
{
    struct nv_atoms a;
    struct nv_iprange r;

    (void)state;
    nv_atoms_init(&a);
    nv_atoms_finish(&a);
    assert_int_equal(a.n, 1);
    assert_int_equal(a.cuts[0], 0);
    r = nv_atoms_range(&a, 0);
    assert_int_equal(r.lo, 0);
    assert_int_equal(r.hi, UINT32_MAX);
    assert_int_equal(nv_atoms_find(&a, 0), 0);
    assert_int_equal(nv_atoms_find(&a, UINT32_MAX), 0);
    assert_int_equal(nv_atoms_find(&a, IP(10, 0, 0, 0)), 0);
    nv_atoms_release(&a);
}

static void test_atoms_cuts(void **state)
{
    struct nv_atoms a;
    struct nv_iprange r;

    (void)state;
    nv_atoms_init(&a);
    /* added out of order, with duplicates and the /0 range */
    nv_atoms_add(&a, rng(IP(192, 168, 0, 0), IP(192, 168, 255, 255)));
    nv_atoms_add(&a, rng(IP(10, 0, 0, 0), IP(10, 255, 255, 255)));
    nv_atoms_add(&a, rng(0, UINT32_MAX));
    nv_atoms_add(&a, rng(IP(10, 0, 0, 0), IP(10, 255, 255, 255)));
    nv_atoms_add(&a, rng(IP(10, 1, 0, 0), IP(10, 1, 255, 255)));
    nv_atoms_finish(&a);
    /* 0 | 10.0.0.0 | 10.1.0.0 | 10.2.0.0 | 11.0.0.0 | 192.168.0.0 | 192.169.0.0 */
    assert_int_equal(a.n, 7);
    assert_int_equal(a.cuts[0], 0);
    assert_int_equal(a.cuts[1], IP(10, 0, 0, 0));
    assert_int_equal(a.cuts[2], IP(10, 1, 0, 0));
    assert_int_equal(a.cuts[3], IP(10, 2, 0, 0));
    assert_int_equal(a.cuts[4], IP(11, 0, 0, 0));
    assert_int_equal(a.cuts[5], IP(192, 168, 0, 0));
    assert_int_equal(a.cuts[6], IP(192, 169, 0, 0));
    assert_int_equal(nv_atoms_find(&a, 0), 0);
    assert_int_equal(nv_atoms_find(&a, IP(9, 255, 255, 255)), 0);
    assert_int_equal(nv_atoms_find(&a, IP(10, 0, 0, 0)), 1);
    assert_int_equal(nv_atoms_find(&a, IP(10, 0, 255, 255)), 1);
    assert_int_equal(nv_atoms_find(&a, IP(10, 1, 0, 0)), 2);
    assert_int_equal(nv_atoms_find(&a, IP(10, 255, 255, 255)), 3);
    assert_int_equal(nv_atoms_find(&a, IP(11, 0, 0, 0)), 4);
    assert_int_equal(nv_atoms_find(&a, IP(192, 168, 3, 4)), 5);
    assert_int_equal(nv_atoms_find(&a, UINT32_MAX), 6);
    r = nv_atoms_range(&a, 3);
    assert_int_equal(r.lo, IP(10, 2, 0, 0));
    assert_int_equal(r.hi, IP(10, 255, 255, 255));
    r = nv_atoms_range(&a, 6);
    assert_int_equal(r.lo, IP(192, 169, 0, 0));
    assert_int_equal(r.hi, UINT32_MAX);
    nv_atoms_release(&a);
}

static void test_atoms_edges(void **state)
{
    struct nv_atoms a;
    struct nv_iprange r;

    (void)state;
    nv_atoms_init(&a);
    nv_atoms_add(&a, rng(UINT32_MAX, UINT32_MAX)); /* 255.255.255.255/32 */
    nv_atoms_add(&a, rng(0, 0));                   /* 0.0.0.0/32 */
    nv_atoms_finish(&a);
    assert_int_equal(a.n, 3);
    assert_int_equal(nv_atoms_find(&a, 0), 0);
    assert_int_equal(nv_atoms_find(&a, 1), 1);
    assert_int_equal(nv_atoms_find(&a, UINT32_MAX - 1), 1);
    assert_int_equal(nv_atoms_find(&a, UINT32_MAX), 2);
    r = nv_atoms_range(&a, 0);
    assert_int_equal(r.lo, 0);
    assert_int_equal(r.hi, 0);
    r = nv_atoms_range(&a, 1);
    assert_int_equal(r.lo, 1);
    assert_int_equal(r.hi, UINT32_MAX - 1);
    r = nv_atoms_range(&a, 2);
    assert_int_equal(r.lo, UINT32_MAX);
    assert_int_equal(r.hi, UINT32_MAX);
    nv_atoms_release(&a);
}

static uint64_t rs = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 2685821657736338717ULL) >> 32);
}

/* Every added range is a union of consecutive atoms; atoms tile the space; find agrees. */
static void test_atoms_random(void **state)
{
    int round;

    (void)state;
    for (round = 0; round < 50; round++) {
        struct nv_atoms a;
        struct nv_iprange added[40];
        int i, nadd = 1 + (int)(rnd() % 40);
        size_t k;

        nv_atoms_init(&a);
        for (i = 0; i < nadd; i++) {
            unsigned len = rnd() % 33;
            uint32_t mask = len ? UINT32_MAX << (32 - len) : 0;
            uint32_t base = rnd() & mask;
            if (rnd() % 4 == 0)
                base &= 0xff000000u | mask; /* cluster in few /8s so ranges nest */
            added[i] = rng(base, base | ~mask);
            nv_atoms_add(&a, added[i]);
        }
        nv_atoms_finish(&a);
        assert_int_equal(a.cuts[0], 0);
        for (k = 1; k < a.n; k++) {
            struct nv_iprange p = nv_atoms_range(&a, k - 1), q = nv_atoms_range(&a, k);
            assert_true(a.cuts[k - 1] < a.cuts[k]);
            assert_int_equal(p.hi + 1, q.lo);
        }
        assert_int_equal(nv_atoms_range(&a, a.n - 1).hi, UINT32_MAX);
        for (i = 0; i < nadd; i++) {
            size_t f = nv_atoms_find(&a, added[i].lo), l = nv_atoms_find(&a, added[i].hi);
            assert_int_equal(nv_atoms_range(&a, f).lo, added[i].lo);
            assert_int_equal(nv_atoms_range(&a, l).hi, added[i].hi);
        }
        for (i = 0; i < 200; i++) {
            uint32_t x = rnd();
            size_t f = nv_atoms_find(&a, x);
            struct nv_iprange r = nv_atoms_range(&a, f);
            assert_true(f < a.n);
            assert_true(r.lo <= x && x <= r.hi);
        }
        nv_atoms_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_valid),   cmocka_unit_test(test_ipv4_invalid),
        cmocka_unit_test(test_cidr_ok),      cmocka_unit_test(test_cidr_host_bits),
        cmocka_unit_test(test_cidr_ipv6),    cmocka_unit_test(test_cidr_bad),
        cmocka_unit_test(test_format),       cmocka_unit_test(test_atoms_empty),
        cmocka_unit_test(test_atoms_cuts),   cmocka_unit_test(test_atoms_edges),
        cmocka_unit_test(test_atoms_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
