/*
 * test_ip.c - IPv4 and IPv6 addresses, CIDR parsing (statuses and reasons),
 * formatting (RFC 5952), and the atoms that ipBlock boundaries cut the
 * address space of both families into.
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

#include <arpa/inet.h>

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

static struct nv_ip v6(uint64_t hi, uint64_t lo)
{
    struct nv_ip x;

    memset(&x, 0, sizeof(x));
    x.fam = NV_IPV6;
    x.hi = hi;
    x.lo = lo;
    return x;
}

static struct nv_ip v4(uint32_t a)
{
    return nv_ip_v4(a);
}

static void expect_ip(const char *what, const struct nv_ip *got, const struct nv_ip *want)
{
    if (!nv_ip_eq(got, want))
        fail_msg("%s: got fam %u %016llx:%016llx, want fam %u %016llx:%016llx", what,
                 (unsigned)got->fam, (unsigned long long)got->hi, (unsigned long long)got->lo,
                 (unsigned)want->fam, (unsigned long long)want->hi, (unsigned long long)want->lo);
}

static void test_ipv6_valid(void **state)
{
    static const struct {
        const char *s;
        uint64_t hi, lo;
    } cases[] = {
        {"::", 0, 0},
        {"::1", 0, 1},
        {"1::", 0x0001000000000000ULL, 0},
        {"2001:db8::", 0x20010db800000000ULL, 0},
        {"2001:DB8::1", 0x20010db800000000ULL, 1},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", 0x20010db800000000ULL, 1},
        {"2001:db8:0:0:1:0:0:1", 0x20010db800000000ULL, 0x0001000000000001ULL},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UINT64_MAX, UINT64_MAX},
        {"1:2:3:4:5:6:7:8", 0x0001000200030004ULL, 0x0005000600070008ULL},
        {"1:2:3:4:5:6:7::", 0x0001000200030004ULL, 0x0005000600070000ULL},
        {"::2:3:4:5:6:7:8", 0x0000000200030004ULL, 0x0005000600070008ULL},
        {"1::8", 0x0001000000000000ULL, 8},
        {"::ffff:1.2.3.4", 0, 0x0000ffff01020304ULL},
        {"::1.2.3.4", 0, 0x01020304ULL},
        {"1:2:3:4:5:6:1.2.3.4", 0x0001000200030004ULL, 0x0005000601020304ULL},
        {"64:ff9b::192.0.2.33", 0x0064ff9b00000000ULL, 0xc0000221ULL},
        {"fe80::1", 0xfe80000000000000ULL, 1},
        {"0:0:0:0:0:0:0:0", 0, 0},
        {"00:000:0000:0::", 0, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct nv_ip got, want = v6(cases[i].hi, cases[i].lo);
        if (nv_ipv6_parse(cases[i].s, &got) != 0)
            fail_msg("'%s' should parse", cases[i].s);
        expect_ip(cases[i].s, &got, &want);
    }
}

static void test_ipv6_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        ":",
        ":::",
        "1:2:3:4:5:6:7",         /* too few groups */
        "1:2:3:4:5:6:7:8:9",     /* too many */
        "1:2:3:4:5:6:7:8::",     /* '::' standing for nothing */
        "::1:2:3:4:5:6:7:8",     /* the same at the start */
        "1:2:3:4::5:6:7:8",      /* and in the middle */
        "1::2::3",               /* two '::' */
        "1:2:3:4:5:6:7:8:",      /* a trailing ':' */
        ":1:2:3:4:5:6:7",        /* a leading ':' */
        "1:2:3:4:5:6:7:",        /* a trailing ':' */
        "12345::",               /* five hex digits */
        "00000::",               /* five digits, even zeros */
        "g::",                   /* not hex */
        "1:2:3:4:5:6:7:1.2.3.4", /* a dotted quad past the last two groups */
        "1:2:3:4:5:1.2.3.4",     /* a dotted quad not in the last two groups */
        "::1.2.3",               /* a short dotted quad */
        "::1.2.3.04",            /* a leading zero in the dotted quad */
        "::256.1.1.1",           /* a part above 255 */
        "::1.2.3.4:5",           /* a group after the dotted quad */
        "::1.2.3.4.5",
        "fe80::1%eth0", /* zones are refused, as Kubernetes does */
        " ::1",
        "::1 ",
        "1.2.3.4",
        "::-1",
        "::+1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct nv_ip x;
        if (nv_ipv6_parse(bad[i], &x) != -1)
            fail_msg("'%s' should be rejected", bad[i]);
    }
}

static void test_ip_parse(void **state)
{
    struct nv_ip x, want;
    const char *why = NULL;

    (void)state;
    assert_int_equal(nv_ip_parse("10.1.2.3", &x, &why), 0);
    want = v4(IP(10, 1, 2, 3));
    expect_ip("10.1.2.3", &x, &want);
    assert_int_equal(nv_ip_parse("2001:db8::1", &x, &why), 0);
    want = v6(0x20010db800000000ULL, 1);
    expect_ip("2001:db8::1", &x, &want);
    /* IPv4-mapped: the IPv4 address, as Go's net.IP.To4() reads it */
    assert_int_equal(nv_ip_parse("::ffff:10.1.2.3", &x, &why), 1);
    want = v4(IP(10, 1, 2, 3));
    expect_ip("::ffff:10.1.2.3", &x, &want);
    assert_int_equal(nv_ip_parse("::FFFF:a01:203", &x, NULL), 1);
    expect_ip("::FFFF:a01:203", &x, &want);
    /* IPv4-compatible (deprecated) addresses are plain IPv6 */
    assert_int_equal(nv_ip_parse("::10.1.2.3", &x, NULL), 0);
    assert_int_equal(x.fam, NV_IPV6);
    /* the reason names the family the text is written in */
    why = NULL;
    assert_int_equal(nv_ip_parse("10.1.2.300", &x, &why), -1);
    assert_string_equal(why, "invalid IPv4 address");
    why = NULL;
    assert_int_equal(nv_ip_parse("2001:db8::g", &x, &why), -1);
    assert_string_equal(why, "invalid IPv6 address");
    why = NULL;
    assert_int_equal(nv_ip_parse("::ffff:10.1.2.300", &x, &why), -1);
    assert_string_equal(why, "invalid IPv6 address");
    assert_int_equal(nv_ip_parse("", &x, NULL), -1);
}

static void expect_cidr(const char *s, int status, struct nv_ip first, struct nv_ip last)
{
    struct nv_iprange r;
    const char *why = NULL;
    int st;

    memset(&r, 7, sizeof(r));
    st = nv_cidr_parse(s, &r, NULL, &why);
    if (st != status)
        fail_msg("'%s': status %d, want %d (%s)", s, st, status, why ? why : "");
    expect_ip(s, &r.first, &first);
    expect_ip(s, &r.last, &last);
    /* also without a 'why' pointer */
    assert_int_equal(nv_cidr_parse(s, &r, NULL, NULL), status);
}

static void test_cidr_ok(void **state)
{
    unsigned len = 99;
    struct nv_iprange r;

    (void)state;
    expect_cidr("10.0.0.0/8", NV_CIDR_OK, v4(IP(10, 0, 0, 0)), v4(IP(10, 255, 255, 255)));
    expect_cidr("192.168.1.128/25", NV_CIDR_OK, v4(IP(192, 168, 1, 128)), v4(IP(192, 168, 1, 255)));
    expect_cidr("172.16.0.0/12", NV_CIDR_OK, v4(IP(172, 16, 0, 0)), v4(IP(172, 31, 255, 255)));
    expect_cidr("0.0.0.0/0", NV_CIDR_OK, v4(0), v4(UINT32_MAX));
    expect_cidr("1.2.3.4/32", NV_CIDR_OK, v4(IP(1, 2, 3, 4)), v4(IP(1, 2, 3, 4)));
    expect_cidr("255.255.255.255/32", NV_CIDR_OK, v4(UINT32_MAX), v4(UINT32_MAX));
    expect_cidr("0.0.0.0/32", NV_CIDR_OK, v4(0), v4(0));
    expect_cidr("128.0.0.0/1", NV_CIDR_OK, v4(IP(128, 0, 0, 0)), v4(UINT32_MAX));
    expect_cidr("0.0.0.0/1", NV_CIDR_OK, v4(0), v4(IP(127, 255, 255, 255)));
    expect_cidr("10.0.0.0/31", NV_CIDR_OK, v4(IP(10, 0, 0, 0)), v4(IP(10, 0, 0, 1)));
    assert_int_equal(nv_cidr_parse("10.0.0.0/8", &r, &len, NULL), NV_CIDR_OK);
    assert_int_equal(len, 8);
}

static void test_cidr_host_bits(void **state)
{
    (void)state;
    /* valid, but the range is the whole network: host bits cleared */
    expect_cidr("10.1.2.3/8", NV_CIDR_HOST_BITS, v4(IP(10, 0, 0, 0)), v4(IP(10, 255, 255, 255)));
    expect_cidr("1.2.3.4/0", NV_CIDR_HOST_BITS, v4(0), v4(UINT32_MAX));
    expect_cidr("192.168.1.200/25", NV_CIDR_HOST_BITS, v4(IP(192, 168, 1, 128)),
                v4(IP(192, 168, 1, 255)));
    expect_cidr("10.0.0.1/31", NV_CIDR_HOST_BITS, v4(IP(10, 0, 0, 0)), v4(IP(10, 0, 0, 1)));
    expect_cidr("255.255.255.255/1", NV_CIDR_HOST_BITS, v4(IP(128, 0, 0, 0)), v4(UINT32_MAX));
    expect_cidr("2001:db8::1/32", NV_CIDR_HOST_BITS, v6(0x20010db800000000ULL, 0),
                v6(0x20010db8ffffffffULL, UINT64_MAX));
    expect_cidr("::1/0", NV_CIDR_HOST_BITS, v6(0, 0), v6(UINT64_MAX, UINT64_MAX));
    expect_cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127", NV_CIDR_HOST_BITS,
                v6(UINT64_MAX, UINT64_MAX - 1), v6(UINT64_MAX, UINT64_MAX));
}

static void test_cidr_ipv6(void **state)
{
    unsigned len = 0;
    struct nv_iprange r;

    (void)state;
    expect_cidr("::/0", NV_CIDR_OK, v6(0, 0), v6(UINT64_MAX, UINT64_MAX));
    expect_cidr("2001:db8::/32", NV_CIDR_OK, v6(0x20010db800000000ULL, 0),
                v6(0x20010db8ffffffffULL, UINT64_MAX));
    expect_cidr("fe80::/10", NV_CIDR_OK, v6(0xfe80000000000000ULL, 0),
                v6(0xfebfffffffffffffULL, UINT64_MAX));
    expect_cidr("FE80::/10", NV_CIDR_OK, v6(0xfe80000000000000ULL, 0),
                v6(0xfebfffffffffffffULL, UINT64_MAX));
    expect_cidr("::1/128", NV_CIDR_OK, v6(0, 1), v6(0, 1));
    expect_cidr("::/128", NV_CIDR_OK, v6(0, 0), v6(0, 0));
    expect_cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", NV_CIDR_OK,
                v6(UINT64_MAX, UINT64_MAX), v6(UINT64_MAX, UINT64_MAX));
    expect_cidr("2001:db8::/64", NV_CIDR_OK, v6(0x20010db800000000ULL, 0),
                v6(0x20010db800000000ULL, UINT64_MAX));
    expect_cidr("2001:db8::/65", NV_CIDR_OK, v6(0x20010db800000000ULL, 0),
                v6(0x20010db800000000ULL, 0x7fffffffffffffffULL));
    expect_cidr("2001:db8::/63", NV_CIDR_OK, v6(0x20010db800000000ULL, 0),
                v6(0x20010db800000001ULL, UINT64_MAX));
    expect_cidr("8000::/1", NV_CIDR_OK, v6(0x8000000000000000ULL, 0), v6(UINT64_MAX, UINT64_MAX));
    expect_cidr("2001:db8:0:0:0:0:0:0/48", NV_CIDR_OK, v6(0x20010db800000000ULL, 0),
                v6(0x20010db80000ffffULL, UINT64_MAX));
    /* IPv4-compatible and other prefixes with a dotted quad stay IPv6 */
    expect_cidr("::10.0.0.0/104", NV_CIDR_OK, v6(0, 0x0a000000ULL), v6(0, 0x0affffffULL));
    /* prefixes shorter than 96 bits never map: Go clears the ffff when masking */
    expect_cidr("::ffff:0:0/80", NV_CIDR_HOST_BITS, v6(0, 0), v6(0, 0x0000ffffffffffffULL));
    expect_cidr("::ffff:0:0/95", NV_CIDR_HOST_BITS, v6(0, 0x0000fffe00000000ULL),
                v6(0, 0x0000ffffffffffffULL));
    assert_int_equal(nv_cidr_parse("2001:db8::/48", &r, &len, NULL), NV_CIDR_OK);
    assert_int_equal(len, 48);
}

/* IPv4-mapped prefixes are the IPv4 block, as Go's net.IPNet reads them. */
static void test_cidr_mapped(void **state)
{
    unsigned len = 0;
    struct nv_iprange r;

    (void)state;
    expect_cidr("::ffff:10.0.0.0/104", NV_CIDR_MAPPED, v4(IP(10, 0, 0, 0)),
                v4(IP(10, 255, 255, 255)));
    expect_cidr("::ffff:0.0.0.0/96", NV_CIDR_MAPPED, v4(0), v4(UINT32_MAX));
    expect_cidr("::ffff:1.2.3.4/128", NV_CIDR_MAPPED, v4(IP(1, 2, 3, 4)), v4(IP(1, 2, 3, 4)));
    expect_cidr("::ffff:a00:0/104", NV_CIDR_MAPPED, v4(IP(10, 0, 0, 0)), v4(IP(10, 255, 255, 255)));
    expect_cidr("::ffff:10.1.2.3/104", NV_CIDR_MAPPED | NV_CIDR_HOST_BITS, v4(IP(10, 0, 0, 0)),
                v4(IP(10, 255, 255, 255)));
    assert_int_equal(nv_cidr_parse("::ffff:10.0.0.0/104", &r, &len, NULL), NV_CIDR_MAPPED);
    assert_int_equal(len, 104); /* the length as written */
}

static void expect_bad(const char *s, const char *why_fragment)
{
    struct nv_iprange r;
    const char *why = NULL;

    if (nv_cidr_parse(s, &r, NULL, &why) != NV_CIDR_BAD)
        fail_msg("'%s' should be rejected", s);
    if (!why || !*why)
        fail_msg("'%s': no reason given", s);
    if (why_fragment && !strstr(why, why_fragment))
        fail_msg("'%s': reason '%s' does not mention '%s'", s, why, why_fragment);
    assert_int_equal(nv_cidr_parse(s, &r, NULL, NULL), NV_CIDR_BAD);
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
    expect_bad("10.0.0.0/08", "0-32");
    expect_bad("10.0.0.0/8/8", NULL);
    expect_bad("10.0.0.0/ 8", "0-32");
    expect_bad("1.2.3.256/8", "invalid IPv4 address");
    expect_bad("01.2.3.4/8", "invalid IPv4 address");
    expect_bad("1.2.3/8", "invalid IPv4 address");
    expect_bad("/8", "invalid IPv4 address");
    expect_bad("hello/8", "invalid IPv4 address");
    expect_bad("2001:db8::/129", "0-128");
    expect_bad("2001:db8::/", "0-128");
    expect_bad("2001:db8::/032", "0-128");
    expect_bad("2001:db8::/1000", "0-128");
    expect_bad("2001:db8::", "'/'");
    expect_bad("2001:db8:::/32", "invalid IPv6 address");
    expect_bad("2001:db8::g/32", "invalid IPv6 address");
    expect_bad("fe80::1%eth0/64", "invalid IPv6 address");
    expect_bad("::ffff:1.2.3.04/104", "invalid IPv6 address");
    expect_bad("1.2.3.4/104", "0-32");
    expect_bad("1234567890123456789012345678901234567890/8", "invalid IPv4 address");
    expect_bad("1234567890123456789012345678901234567890::/8", "invalid IPv6 address");
}

static void expect_fmt(struct nv_ip x, const char *want)
{
    char buf[NV_IP_BUFSZ];

    memset(buf, 'x', sizeof(buf));
    assert_ptr_equal(nv_ip_format(&x, buf), buf);
    if (strcmp(buf, want))
        fail_msg("formatted '%s', want '%s'", buf, want);
    /* and it reads back */
    if (x.fam == NV_IPV6) {
        struct nv_ip y;
        assert_int_equal(nv_ipv6_parse(buf, &y), 0);
        expect_ip(want, &y, &x);
    }
}

static void test_format(void **state)
{
    char big[NV_IPRANGE_BUFSZ];
    struct nv_iprange r;

    (void)state;
    expect_fmt(v4(IP(10, 0, 0, 1)), "10.0.0.1");
    expect_fmt(v4(0), "0.0.0.0");
    expect_fmt(v4(UINT32_MAX), "255.255.255.255");
    expect_fmt(v4(IP(192, 168, 100, 7)), "192.168.100.7");
    /* RFC 5952 */
    expect_fmt(v6(0, 0), "::");
    expect_fmt(v6(0, 1), "::1");
    expect_fmt(v6(0x0001000000000000ULL, 0), "1::");
    expect_fmt(v6(0x20010db800000000ULL, 0), "2001:db8::");
    expect_fmt(v6(0x20010db800000000ULL, 1), "2001:db8::1");
    /* leading zeros dropped, lower case */
    expect_fmt(v6(0x20010db8000a00bcULL, 0x0d0000000000ffffULL), "2001:db8:a:bc:d00::ffff");
    expect_fmt(v6(0xABCD00000000000FULL, 0x0000000000000000ULL), "abcd:0:0:f::");
    /* a single zero group is not compressed */
    expect_fmt(v6(0x20010db800000001ULL, 0x0001000100010001ULL), "2001:db8:0:1:1:1:1:1");
    expect_fmt(v6(0x0000000100020003ULL, 0x0004000500060007ULL), "0:1:2:3:4:5:6:7");
    expect_fmt(v6(0x0001000200030004ULL, 0x0005000600070000ULL), "1:2:3:4:5:6:7:0");
    /* the longest run is compressed */
    expect_fmt(v6(0x2001000000000000ULL, 0), "2001::");
    expect_fmt(v6(0x20010db800000000ULL, 0x0001000000000001ULL), "2001:db8::1:0:0:1");
    expect_fmt(v6(0x2001000000000001ULL, 0x0000000000000001ULL), "2001:0:0:1::1");
    /* equal runs: the first */
    expect_fmt(v6(0x0001000000000002ULL, 0x0000000300000000ULL), "1::2:0:3:0:0");
    expect_fmt(v6(0x0001000000000002ULL, 0x0000000000030004ULL), "1::2:0:0:3:4");
    /* a later, longer run wins */
    expect_fmt(v6(0x0001000000000002ULL, 0x0000000000000003ULL), "1:0:0:2::3");
    expect_fmt(v6(UINT64_MAX, UINT64_MAX), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* IPv4-mapped: the dotted quad */
    expect_fmt(v6(0, 0x0000ffff01020304ULL), "::ffff:1.2.3.4");
    expect_fmt(v6(0, 0x0000ffff00000000ULL), "::ffff:0.0.0.0");
    expect_fmt(v6(0, 0x0000ffffffffffffULL), "::ffff:255.255.255.255");
    /* IPv4-compatible (deprecated) and other near ones: hex, as Go prints them */
    expect_fmt(v6(0, 0x0000000001020304ULL), "::102:304");
    expect_fmt(v6(0, 0x0000fffe01020304ULL), "::fffe:102:304");
    expect_fmt(v6(0, 0x0001ffff01020304ULL), "::1:ffff:102:304");
    expect_fmt(v6(0x0000000000000000ULL, 0x00000000ffffffffULL), "::ffff:ffff");
    /* the longest text fits */
    expect_fmt(v6(0x1111222233334444ULL, 0x5555666677778888ULL),
               "1111:2222:3333:4444:5555:6666:7777:8888");
    r.first = v4(IP(10, 0, 0, 0));
    r.last = v4(IP(10, 255, 255, 255));
    assert_string_equal(nv_iprange_format(&r, big), "10.0.0.0-10.255.255.255");
    r.first = v4(0);
    r.last = v4(UINT32_MAX);
    assert_string_equal(nv_iprange_format(&r, big), "0.0.0.0-255.255.255.255");
    r.first = r.last = v4(IP(104, 154, 164, 160));
    assert_string_equal(nv_iprange_format(&r, big), "104.154.164.160-104.154.164.160");
    r.first = v6(0, 0);
    r.last = v6(UINT64_MAX, UINT64_MAX);
    assert_string_equal(nv_iprange_format(&r, big), "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    r.first = v6(0, 0x0000ffff00000000ULL);
    r.last = v6(0xffffeeeeddddccccULL, 0xbbbbaaaa99998888ULL);
    assert_string_equal(nv_iprange_format(&r, big),
                        "::ffff:0.0.0.0-ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888");
    r.first = r.last = v6(0, 0x0000ffffffffffffULL);
    assert_true(strlen(nv_iprange_format(&r, big)) < NV_IPRANGE_BUFSZ);
    /* round trip */
    {
        uint32_t v;
        char buf[NV_IP_BUFSZ];
        struct nv_ip x = v4(IP(172, 16, 254, 3));
        assert_int_equal(nv_ipv4_parse(nv_ip_format(&x, buf), &v), 0);
        assert_int_equal(v, IP(172, 16, 254, 3));
    }
}

static uint64_t rs = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 2685821657736338717ULL) >> 32);
}

static uint64_t rnd64(void)
{
    return (uint64_t)rnd() << 32 | rnd();
}

/* An address with runs of zero groups, often. */
static struct nv_ip rnd_v6(void)
{
    struct nv_ip x = v6(rnd64(), rnd64());
    int g;

    for (g = 0; g < 8; g++) {
        uint64_t *w = g < 4 ? &x.hi : &x.lo;
        unsigned shift = (unsigned)(48 - 16 * (g % 4));
        if (rnd() % 2)
            *w &= ~((uint64_t)0xffff << shift);
        else if (rnd() % 4 == 0)
            *w &= ~((uint64_t)0xfff0 << shift);
    }
    return x;
}

/* Formatting agrees with the C library's inet_ntop() (RFC 5952), and text reads back. */
static void test_format_random(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 20000; i++) {
        struct nv_ip x = rnd_v6(), y;
        unsigned char b[16];
        char mine[NV_IP_BUFSZ], libc[INET6_ADDRSTRLEN];
        int k;
        if (i % 7 == 0) {
            x.hi = 0;
            x.lo = (x.lo & 0xffffffffULL) | 0x0000ffff00000000ULL; /* IPv4-mapped */
        }
        for (k = 0; k < 8; k++) {
            b[k] = (unsigned char)(x.hi >> (56 - 8 * k));
            b[k + 8] = (unsigned char)(x.lo >> (56 - 8 * k));
        }
        nv_ip_format(&x, mine);
        assert_non_null(inet_ntop(AF_INET6, b, libc, sizeof(libc)));
        /* glibc writes IPv4-compatible ::a.b.c.d, which RFC 5952 leaves out */
        if (!(x.hi == 0 && x.lo >> 32 == 0) && strcmp(mine, libc))
            fail_msg("formatted '%s', inet_ntop says '%s'", mine, libc);
        assert_int_equal(nv_ipv6_parse(mine, &y), 0);
        expect_ip(mine, &y, &x);
        assert_int_equal(nv_ipv6_parse(libc, &y), 0);
        expect_ip(libc, &y, &x);
    }
}

static struct nv_iprange rng(struct nv_ip first, struct nv_ip last)
{
    struct nv_iprange r;

    r.first = first;
    r.last = last;
    return r;
}

static void test_prefix(void **state)
{
    struct nv_iprange r;
    const char *const cidrs[] = {"0.0.0.0/0",  "10.0.0.0/8",   "1.2.3.4/32",    "::/0",
                                 "::/1",       "8000::/1",     "2001:db8::/32", "::1/128",
                                 "::/64",      "::/65",        "::/63",         "fe80::/10",
                                 "ffff::/128", "::ffff:0:0/96"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cidrs) / sizeof(cidrs[0]); i++) {
        unsigned len;
        int st = nv_cidr_parse(cidrs[i], &r, &len, NULL);
        assert_true(st >= 0);
        if (st & NV_CIDR_MAPPED)
            len -= 96;
        if (nv_iprange_prefix(&r) != (int)len)
            fail_msg("'%s': prefix %d, want %u", cidrs[i], nv_iprange_prefix(&r), len);
    }
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v4(1), v4(2)}), -1);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v4(0), v4(2)}), -1);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v4(2), v4(3)}), 31);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v6(0, 1), v6(1, 0)}), -1);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v6(0, 0), v6(1, UINT64_MAX)}), 63);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v6(0, 0), v6(2, UINT64_MAX)}), -1);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v6(2, 0), v6(3, UINT64_MAX)}), 63);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v6(1, 0), v6(2, UINT64_MAX)}), -1);
    assert_int_equal(nv_iprange_prefix(&(struct nv_iprange){v4(0), v6(0, UINT32_MAX)}), -1);
}

static void test_order(void **state)
{
    struct nv_ip a = v4(UINT32_MAX), b = v6(0, 0), c = v6(0, 1), d = v6(1, 0);
    struct nv_iprange r = rng(v6(0, UINT64_MAX), v6(1, 0));

    (void)state;
    /* every IPv4 address before every IPv6 one, even ::, and even ::ffff:a.b.c.d */
    assert_true(nv_ip_cmp(&a, &b) < 0);
    assert_true(nv_ip_cmp(&b, &a) > 0);
    assert_true(nv_ip_cmp(&b, &c) < 0);
    assert_true(nv_ip_cmp(&c, &d) < 0);
    assert_int_equal(nv_ip_cmp(&d, &d), 0);
    /* the families are disjoint: 0.0.0.1 is not ::1 */
    a = v4(1);
    assert_false(nv_ip_eq(&a, &c));
    assert_true(nv_iprange_has(&r, &d));
    assert_false(nv_iprange_has(&r, &c));
    a = nv_ip_max(NV_IPV6);
    assert_true(a.hi == UINT64_MAX && a.lo == UINT64_MAX && a.fam == NV_IPV6);
    a = nv_ip_max(NV_IPV4);
    assert_true(a.hi == 0 && a.lo == UINT32_MAX && a.fam == NV_IPV4);
    r = rng(v4(0), v4(UINT32_MAX));
    b = v6(0, 5);
    assert_false(nv_iprange_has(&r, &b));
    assert_string_equal(nv_family_name(NV_IPV4), "IPv4");
    assert_string_equal(nv_family_name(NV_IPV6), "IPv6");
}

static void expect_range(const struct nv_atoms *a, size_t i, struct nv_ip first, struct nv_ip last)
{
    struct nv_iprange r = nv_atoms_range(a, i);

    expect_ip("atom first", &r.first, &first);
    expect_ip("atom last", &r.last, &last);
}

static void test_atoms_empty(void **state)
{
    struct nv_atoms a;
    struct nv_ip x;

    (void)state;
    nv_atoms_init(&a, NV_FAMILIES_ALL);
    nv_atoms_finish(&a);
    /* one atom per family */
    assert_int_equal(a.n, 2);
    expect_range(&a, 0, v4(0), v4(UINT32_MAX));
    expect_range(&a, 1, v6(0, 0), v6(UINT64_MAX, UINT64_MAX));
    assert_false(nv_atoms_adjacent(&a, 0));
    assert_false(nv_atoms_adjacent(&a, 1));
    x = v4(0);
    assert_int_equal(nv_atoms_find(&a, &x), 0);
    x = v4(UINT32_MAX);
    assert_int_equal(nv_atoms_find(&a, &x), 0);
    x = v6(0, 0);
    assert_int_equal(nv_atoms_find(&a, &x), 1);
    x = v6(UINT64_MAX, UINT64_MAX);
    assert_int_equal(nv_atoms_find(&a, &x), 1);
    nv_atoms_release(&a);
    /* one family only: the other's addresses have no atom */
    nv_atoms_init(&a, NV_FAMILY_BIT(NV_IPV4));
    nv_atoms_finish(&a);
    assert_int_equal(a.n, 1);
    expect_range(&a, 0, v4(0), v4(UINT32_MAX));
    x = v6(0, 1);
    assert_int_equal(nv_atoms_find(&a, &x), a.n);
    nv_atoms_release(&a);
    nv_atoms_init(&a, NV_FAMILY_BIT(NV_IPV6));
    {
        struct nv_iprange r4 = rng(v4(10), v4(20));
        nv_atoms_add(&a, &r4); /* ignored */
    }
    nv_atoms_finish(&a);
    assert_int_equal(a.n, 1);
    expect_range(&a, 0, v6(0, 0), v6(UINT64_MAX, UINT64_MAX));
    x = v4(15);
    assert_int_equal(nv_atoms_find(&a, &x), a.n);
    x = v6(7, 7);
    assert_int_equal(nv_atoms_find(&a, &x), 0);
    nv_atoms_release(&a);
}

static void add_cidr(struct nv_atoms *a, const char *s)
{
    struct nv_iprange r;

    assert_true(nv_cidr_parse(s, &r, NULL, NULL) >= 0);
    nv_atoms_add(a, &r);
}

static void test_atoms_cuts(void **state)
{
    struct nv_atoms a;
    struct nv_ip x;

    (void)state;
    nv_atoms_init(&a, NV_FAMILIES_ALL);
    /* added out of order, with duplicates and the /0 ranges */
    add_cidr(&a, "192.168.0.0/16");
    add_cidr(&a, "2001:db8::/32");
    add_cidr(&a, "10.0.0.0/8");
    add_cidr(&a, "0.0.0.0/0");
    add_cidr(&a, "::/0");
    add_cidr(&a, "10.0.0.0/8");
    add_cidr(&a, "2001:db8:1::/48");
    add_cidr(&a, "10.1.0.0/16");
    nv_atoms_finish(&a);
    /* 0 | 10.0.0.0 | 10.1.0.0 | 10.2.0.0 | 11.0.0.0 | 192.168.0.0 | 192.169.0.0 |
     * :: | 2001:db8:: | 2001:db8:1:: | 2001:db8:2:: | 2001:db9:: */
    assert_int_equal(a.n, 12);
    expect_range(&a, 0, v4(0), v4(IP(9, 255, 255, 255)));
    expect_range(&a, 3, v4(IP(10, 2, 0, 0)), v4(IP(10, 255, 255, 255)));
    expect_range(&a, 6, v4(IP(192, 169, 0, 0)), v4(UINT32_MAX));
    expect_range(&a, 7, v6(0, 0), v6(0x20010db7ffffffffULL, UINT64_MAX));
    expect_range(&a, 8, v6(0x20010db800000000ULL, 0), v6(0x20010db80000ffffULL, UINT64_MAX));
    expect_range(&a, 9, v6(0x20010db800010000ULL, 0), v6(0x20010db80001ffffULL, UINT64_MAX));
    expect_range(&a, 10, v6(0x20010db800020000ULL, 0), v6(0x20010db8ffffffffULL, UINT64_MAX));
    expect_range(&a, 11, v6(0x20010db900000000ULL, 0), v6(UINT64_MAX, UINT64_MAX));
    assert_true(nv_atoms_adjacent(&a, 5));
    assert_false(nv_atoms_adjacent(&a, 6)); /* 255.255.255.255 and :: are not neighbours */
    assert_true(nv_atoms_adjacent(&a, 7));
    assert_false(nv_atoms_adjacent(&a, 11));
    x = v4(IP(10, 1, 2, 3));
    assert_int_equal(nv_atoms_find(&a, &x), 2);
    x = v4(UINT32_MAX);
    assert_int_equal(nv_atoms_find(&a, &x), 6);
    x = v6(0, 0);
    assert_int_equal(nv_atoms_find(&a, &x), 7);
    x = v6(0, 0x0000ffff0a010203ULL); /* ::ffff:10.1.2.3 is IPv6, far from 10.1.2.3 */
    assert_int_equal(nv_atoms_find(&a, &x), 7);
    x = v6(0x20010db800018000ULL, 5);
    assert_int_equal(nv_atoms_find(&a, &x), 9);
    x = v6(UINT64_MAX, UINT64_MAX);
    assert_int_equal(nv_atoms_find(&a, &x), 11);
    nv_atoms_release(&a);
}

/* Ranges touching the ends of each family: no cut past the last address. */
static void test_atoms_edges(void **state)
{
    struct nv_atoms a;
    struct nv_ip x;

    (void)state;
    nv_atoms_init(&a, NV_FAMILIES_ALL);
    add_cidr(&a, "255.255.255.255/32");
    add_cidr(&a, "0.0.0.0/32");
    add_cidr(&a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
    add_cidr(&a, "::/128");
    add_cidr(&a, "::/0");
    add_cidr(&a, "8000::/1"); /* the upper half: a cut at 8000:: only */
    add_cidr(&a, "::/1");
    add_cidr(&a, "0:0:0:1::/64"); /* a cut at the 64-bit carry */
    nv_atoms_finish(&a);
    assert_int_equal(a.n, 9);
    expect_range(&a, 0, v4(0), v4(0));
    expect_range(&a, 1, v4(1), v4(UINT32_MAX - 1));
    expect_range(&a, 2, v4(UINT32_MAX), v4(UINT32_MAX));
    expect_range(&a, 3, v6(0, 0), v6(0, 0));
    expect_range(&a, 4, v6(0, 1), v6(0, UINT64_MAX));
    expect_range(&a, 5, v6(1, 0), v6(1, UINT64_MAX));
    expect_range(&a, 6, v6(2, 0), v6(0x7fffffffffffffffULL, UINT64_MAX));
    expect_range(&a, 7, v6(0x8000000000000000ULL, 0), v6(UINT64_MAX, UINT64_MAX - 1));
    expect_range(&a, 8, v6(UINT64_MAX, UINT64_MAX), v6(UINT64_MAX, UINT64_MAX));
    x = v6(0, UINT64_MAX);
    assert_int_equal(nv_atoms_find(&a, &x), 4);
    x = v6(1, 0);
    assert_int_equal(nv_atoms_find(&a, &x), 5);
    x = v6(UINT64_MAX, UINT64_MAX - 1);
    assert_int_equal(nv_atoms_find(&a, &x), 7);
    nv_atoms_release(&a);
}

/* A random prefix of either family, clustered so that ranges nest. */
static struct nv_iprange rnd_block(void)
{
    struct nv_iprange r;
    unsigned len;
    char text[80], addr[NV_IP_BUFSZ];
    struct nv_ip x;

    if (rnd() % 2) {
        len = rnd() % 33;
        x = v4(rnd());
        if (rnd() % 4 == 0)
            x.lo &= 0xff0000ffu;
    } else {
        static const unsigned lens[] = {0, 1, 8, 32, 48, 63, 64, 65, 96, 112, 127, 128};
        len = lens[rnd() % (sizeof(lens) / sizeof(lens[0]))];
        x = rnd_v6();
        if (rnd() % 4 == 0)
            x.hi = 0x20010db800000000ULL | (x.hi & 0xffff);
        if (x.hi == 0 && x.lo >> 32 == 0xffff)
            x.lo ^= (uint64_t)1 << 40; /* not IPv4-mapped */
    }
    snprintf(text, sizeof(text), "%s/%u", nv_ip_format(&x, addr), len);
    assert_true(nv_cidr_parse(text, &r, NULL, NULL) >= 0);
    assert_int_equal(r.first.fam, x.fam);
    return r;
}

/* Every added range is a union of consecutive atoms; atoms tile each family; find agrees. */
static void test_atoms_random(void **state)
{
    int round;

    (void)state;
    for (round = 0; round < 100; round++) {
        struct nv_atoms a;
        struct nv_iprange added[40];
        int i, nadd = 1 + (int)(rnd() % 40);
        size_t k, nfam = 0;

        nv_atoms_init(&a, NV_FAMILIES_ALL);
        for (i = 0; i < nadd; i++) {
            added[i] = rnd_block();
            nv_atoms_add(&a, &added[i]);
        }
        nv_atoms_finish(&a);
        expect_range(&a, 0, v4(0), nv_atoms_range(&a, 0).last);
        for (k = 0; k < a.n; k++) {
            struct nv_iprange p = nv_atoms_range(&a, k);
            assert_int_equal(p.first.fam, p.last.fam);
            assert_true(nv_ip_cmp(&p.first, &p.last) <= 0);
            if (k + 1 < a.n)
                assert_true(nv_ip_cmp(&a.cuts[k], &a.cuts[k + 1]) < 0);
            if (nv_atoms_adjacent(&a, k)) {
                struct nv_iprange q = nv_atoms_range(&a, k + 1);
                /* q starts right after p */
                assert_int_equal(q.first.fam, p.last.fam);
                assert_true(q.first.lo == p.last.lo + 1 &&
                            q.first.hi == p.last.hi + (p.last.lo == UINT64_MAX));
            } else {
                struct nv_ip end = nv_ip_max((enum nv_family)p.first.fam);
                expect_ip("family end", &p.last, &end);
                nfam++;
            }
        }
        assert_int_equal(nfam, 2);
        for (i = 0; i < nadd; i++) {
            size_t f = nv_atoms_find(&a, &added[i].first), l = nv_atoms_find(&a, &added[i].last);
            struct nv_iprange rf = nv_atoms_range(&a, f), rl = nv_atoms_range(&a, l);
            expect_ip("range start", &rf.first, &added[i].first);
            expect_ip("range end", &rl.last, &added[i].last);
        }
        for (i = 0; i < 400; i++) {
            struct nv_ip x = i % 2 ? v4(rnd()) : rnd_v6();
            size_t f = nv_atoms_find(&a, &x);
            struct nv_iprange r;
            assert_true(f < a.n);
            r = nv_atoms_range(&a, f);
            assert_true(nv_iprange_has(&r, &x));
        }
        nv_atoms_release(&a);
    }
}

/* A random CIDR block inside 10.0.0.0/8, /9 to /32 (two blocks are nested or disjoint). */
static struct nv_iprange random_block(unsigned *seed)
{
    unsigned len = 9 + (unsigned)(rand_r(seed) % 24);
    uint32_t size = (uint32_t)1 << (32 - len);
    uint32_t first = (0x0a000000u | ((uint32_t)rand_r(seed) & 0x00ffffffu)) & ~(size - 1);
    struct nv_iprange r = {nv_ip_v4(first), nv_ip_v4(first + size - 1)};

    return r;
}

/*
 * The outermost of nested or disjoint ranges, against the pairwise definition:
 * in address order, each range outermost or held by the outermost one given.
 */
static void test_outermost(void **state)
{
    static const struct {
        const char *cidr[6];
        const char *outer[6];
        int within[6]; /* -1: outermost */
    } cases[] = {
        {{"10.1.0.0/16", "10.1.2.0/24", "10.0.0.0/9", "10.1.2.0/24", "10.200.0.0/16", NULL},
         {"10.0.0.0/9", "10.200.0.0/16", NULL},
         {2, 2, -1, 2, -1}},
        {{"10.2.0.0/16", "10.2.0.0/16", "10.1.0.0/16", NULL},
         {"10.1.0.0/16", "10.2.0.0/16", NULL},
         {-1, 0, -1}},
        {{"fd00::/8", "10.0.0.0/8", "fd00:1::/32", NULL},
         {"10.0.0.0/8", "fd00::/8", NULL},
         {-1, -1, 0}},
        {{NULL}, {NULL}, {0}},
    };
    size_t c, i, j;
    unsigned seed = 20261206;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct nv_iprange r[6];
        size_t outer[6], within[6], n = 0, m;
        for (n = 0; cases[c].cidr[n]; n++)
            assert_true(nv_cidr_parse(cases[c].cidr[n], &r[n], NULL, NULL) >= 0);
        m = nv_iprange_outermost(r, n, outer, within);
        for (i = 0; cases[c].outer[i]; i++) {
            struct nv_iprange want;
            assert_true(i < m);
            assert_true(nv_cidr_parse(cases[c].outer[i], &want, NULL, NULL) >= 0);
            assert_true(nv_ip_eq(&r[outer[i]].first, &want.first));
            assert_true(nv_ip_eq(&r[outer[i]].last, &want.last));
        }
        assert_int_equal(m, i);
        for (i = 0; i < n; i++)
            assert_true(cases[c].within[i] < 0 ? within[i] == (size_t)-1
                                               : within[i] == (size_t)cases[c].within[i]);
    }
    for (c = 0; c < 200; c++) {
        struct nv_iprange r[40];
        size_t outer[40], within[40], n = 1 + (size_t)(rand_r(&seed) % 40), m;
        for (i = 0; i < n; i++)
            r[i] = random_block(&seed);
        m = nv_iprange_outermost(r, n, outer, within);
        for (i = 0; i + 1 < m; i++)
            assert_true(nv_ip_cmp(&r[outer[i]].last, &r[outer[i + 1]].first) < 0);
        for (i = 0; i < n; i++) {
            /* outermost iff no other range holds it (of equal ones, the first given is) */
            int held = 0;
            for (j = 0; j < n; j++)
                held |= j != i && nv_ip_cmp(&r[j].first, &r[i].first) <= 0 &&
                        nv_ip_cmp(&r[i].last, &r[j].last) <= 0 &&
                        (j < i || !nv_ip_eq(&r[j].first, &r[i].first) ||
                         !nv_ip_eq(&r[j].last, &r[i].last));
            if (!held) {
                assert_true(within[i] == (size_t)-1);
                continue;
            }
            assert_true(within[i] < n && within[within[i]] == (size_t)-1);
            assert_true(nv_ip_cmp(&r[within[i]].first, &r[i].first) <= 0 &&
                        nv_ip_cmp(&r[i].last, &r[within[i]].last) <= 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_valid),     cmocka_unit_test(test_ipv4_invalid),
        cmocka_unit_test(test_ipv6_valid),     cmocka_unit_test(test_ipv6_invalid),
        cmocka_unit_test(test_ip_parse),       cmocka_unit_test(test_cidr_ok),
        cmocka_unit_test(test_cidr_host_bits), cmocka_unit_test(test_cidr_ipv6),
        cmocka_unit_test(test_cidr_mapped),    cmocka_unit_test(test_cidr_bad),
        cmocka_unit_test(test_format),         cmocka_unit_test(test_format_random),
        cmocka_unit_test(test_prefix),         cmocka_unit_test(test_order),
        cmocka_unit_test(test_atoms_empty),    cmocka_unit_test(test_atoms_cuts),
        cmocka_unit_test(test_atoms_edges),    cmocka_unit_test(test_atoms_random),
        cmocka_unit_test(test_outermost),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
