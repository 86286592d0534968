/*
 * port.c - hash-consed (protocol, port) interval sets with memoised algebra.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"

static const char *const nv_proto_names[NV_NPROTO] = {"TCP", "UDP", "SCTP"};

const char *nv_proto_name(enum nv_proto p)
{
    return (unsigned)p < NV_NPROTO ? nv_proto_names[p] : "?";
}

int nv_proto_parse(const char *s)
{
    int i;

    for (i = 0; i < NV_NPROTO; i++)
        if (!strcmp(s, nv_proto_names[i]))
            return i;
    return -1;
}

static uint64_t nv_set_hash(const uint32_t *iv, size_t n)
{
    return nv_hash_bytes(iv, 2 * n * sizeof(*iv), NV_HASH_INIT);
}

static void nv_index_put(struct nv_ports *t, uint32_t id)
{
    const struct nv_portset *s = &t->sets[id];
    size_t j = nv_set_hash(s->iv, s->n) & (t->nindex - 1);

    while (t->index[j])
        j = (j + 1) & (t->nindex - 1);
    t->index[j] = id;
}

static void nv_index_grow(struct nv_ports *t)
{
    size_t i;

    free(t->index);
    t->nindex = t->nindex ? t->nindex * 2 : 256;
    t->index = nv_xcalloc(t->nindex, sizeof(*t->index));
    for (i = 1; i < t->nsets; i++)
        nv_index_put(t, (uint32_t)i);
}

/*
 * The port sets of real clusters hold tens of ranges in all; a chain of unions
 * over thousands of rules that each add other ports keeps every intermediate
 * set (quadratic). Past the limit the input is refused, before memory runs out.
 */
NV_NORETURN static void nv_too_many_ranges(void)
{
    fprintf(stderr,
            "netverify: error: the policies' port sets need more than %lu port ranges in all "
            "(thousands of rules with different ports for the same pods): refused\n",
            (unsigned long)NV_PORTS_MAX_RANGES);
    exit(NV_EXIT_INPUT);
}

static uint32_t nv_add_set(struct nv_ports *t, const uint32_t *iv, size_t n)
{
    struct nv_portset *s;

    if (n > NV_PORTS_MAX_RANGES - t->nranges)
        nv_too_many_ranges();
    t->nranges += n;
    NV_GROW(t->sets, t->alloc, t->nsets + 1);
    s = &t->sets[t->nsets];
    s->n = n;
    s->iv = nv_xmalloc((n ? 2 * n : 1) * sizeof(*iv));
    if (n)
        memcpy(s->iv, iv, 2 * n * sizeof(*iv));
    s->conns = NULL;
    s->npa = NULL;
    return (uint32_t)t->nsets++;
}

void nv_ports_init(struct nv_ports *t)
{
    uint32_t all[2 * NV_NPROTO];
    int p;

    memset(t, 0, sizeof(*t));
    nv_add_set(t, NULL, 0); /* NV_PORTS_NONE */
    for (p = 0; p < NV_NPROTO; p++) {
        all[2 * p] = nv_port_key(p, 1);
        all[2 * p + 1] = nv_port_key(p, 65535);
    }
    nv_add_set(t, all, NV_NPROTO); /* NV_PORTS_ALL */
    nv_index_grow(t);
}

void nv_ports_release(struct nv_ports *t)
{
    size_t i;

    for (i = 0; i < t->nsets; i++) {
        free(t->sets[i].iv);
        free(t->sets[i].conns);
        free(t->sets[i].npa);
    }
    free(t->sets);
    free(t->index);
    free(t->memo);
    memset(t, 0, sizeof(*t));
}

uint32_t nv_ports_intern(struct nv_ports *t, const uint32_t *iv, size_t n)
{
    size_t j;
    uint32_t id;

    if (n == 0)
        return NV_PORTS_NONE;
    j = nv_set_hash(iv, n) & (t->nindex - 1);
    while ((id = t->index[j])) {
        const struct nv_portset *s = &t->sets[id];
        if (s->n == n && !memcmp(s->iv, iv, 2 * n * sizeof(*iv)))
            return id;
        j = (j + 1) & (t->nindex - 1);
    }
    id = nv_add_set(t, iv, n);
    if (t->nsets * 2 > t->nindex)
        nv_index_grow(t);
    else
        t->index[j] = id;
    return id;
}

static void nv_list_add(struct nv_ports_list *l, uint32_t lo, uint32_t hi)
{
    NV_GROW(l->iv, l->alloc, 2 * l->n + 2);
    l->iv[2 * l->n] = lo;
    l->iv[2 * l->n + 1] = hi;
    l->n++;
}

void nv_ports_list_range(struct nv_ports_list *l, enum nv_proto proto, unsigned lo, unsigned hi)
{
    nv_list_add(l, nv_port_key(proto, lo), nv_port_key(proto, hi));
}

void nv_ports_list_set(struct nv_ports_list *l, const struct nv_ports *t, uint32_t id)
{
    const struct nv_portset *s = &t->sets[id];
    size_t i;

    for (i = 0; i < s->n; i++)
        nv_list_add(l, s->iv[2 * i], s->iv[2 * i + 1]);
}

static int nv_pair_cmp(const void *pa, const void *pb)
{
    const uint32_t *a = pa, *b = pb;

    return a[0] < b[0] ? -1 : a[0] > b[0];
}

uint32_t nv_ports_list_intern(struct nv_ports *t, struct nv_ports_list *l)
{
    size_t r, w = 0;
    uint32_t id;

    if (l->n > 1)
        qsort(l->iv, l->n, 2 * sizeof(*l->iv), nv_pair_cmp);
    /* merge overlapping and adjacent ranges: keys of one protocol are consecutive, and
     * port 0 is never a key, so the ranges of two protocols never touch */
    for (r = 0; r < l->n; r++) {
        uint32_t lo = l->iv[2 * r], hi = l->iv[2 * r + 1];
        if (w && lo <= l->iv[2 * w - 1] + 1) {
            if (hi > l->iv[2 * w - 1])
                l->iv[2 * w - 1] = hi;
            continue;
        }
        l->iv[2 * w] = lo;
        l->iv[2 * w + 1] = hi;
        w++;
    }
    id = nv_ports_intern(t, l->iv, w);
    free(l->iv);
    memset(l, 0, sizeof(*l));
    return id;
}

uint32_t nv_ports_range(struct nv_ports *t, enum nv_proto proto, unsigned lo, unsigned hi)
{
    uint32_t iv[2];

    iv[0] = nv_port_key(proto, lo);
    iv[1] = nv_port_key(proto, hi);
    return nv_ports_intern(t, iv, 1);
}

uint32_t nv_ports_proto(struct nv_ports *t, enum nv_proto proto)
{
    return nv_ports_range(t, proto, 1, 65535);
}

const struct nv_portset *nv_ports_get(const struct nv_ports *t, uint32_t id)
{
    return &t->sets[id];
}

enum nv_op { NV_OP_UNION = 1, NV_OP_INTER = 2, NV_OP_MINUS = 3 };

/* Compute a op b on the interval lists; returns the id of the result. */
static uint32_t nv_compute(struct nv_ports *t, enum nv_op op, uint32_t ida, uint32_t idb)
{
    const struct nv_portset *a = &t->sets[ida], *b = &t->sets[idb];
    size_t cap = 2 * (a->n + b->n) + 2, n = 0, i = 0, k = 0;
    uint32_t *out = nv_xmalloc(cap * sizeof(*out));
    uint32_t id;

    /* sweep over the boundaries: +1 at lo, -1 after hi for each operand */
    for (;;) {
        uint64_t na = i < 2 * a->n ? (i % 2 ? (uint64_t)a->iv[i] + 1 : a->iv[i]) : UINT64_MAX;
        uint64_t nb = k < 2 * b->n ? (k % 2 ? (uint64_t)b->iv[k] + 1 : b->iv[k]) : UINT64_MAX;
        uint64_t x = na < nb ? na : nb;
        int ina, inb, in, wasin;
        if (x == UINT64_MAX)
            break;
        /* state before x */
        ina = (int)(i % 2);
        inb = (int)(k % 2);
        switch (op) {
        case NV_OP_UNION:
            wasin = ina || inb;
            break;
        case NV_OP_INTER:
            wasin = ina && inb;
            break;
        default:
            wasin = ina && !inb;
            break;
        }
        if (na == x)
            i++;
        if (nb == x)
            k++;
        ina = (int)(i % 2);
        inb = (int)(k % 2);
        switch (op) {
        case NV_OP_UNION:
            in = ina || inb;
            break;
        case NV_OP_INTER:
            in = ina && inb;
            break;
        default:
            in = ina && !inb;
            break;
        }
        if (in && !wasin) {
            out[n++] = (uint32_t)x;
        } else if (!in && wasin) {
            out[n++] = (uint32_t)(x - 1);
        }
    }
    /* merge adjacent intervals within one protocol: hi + 1 == next lo */
    {
        size_t r, w = 0;
        for (r = 0; r < n; r += 2) {
            if (w && out[w - 1] + 1 == out[r] && (out[r] & 0xffff) != 0) {
                out[w - 1] = out[r + 1];
            } else {
                out[w++] = out[r];
                out[w++] = out[r + 1];
            }
        }
        n = w;
    }
    id = nv_ports_intern(t, out, n / 2);
    free(out);
    return id;
}

static uint32_t nv_memo(struct nv_ports *t, enum nv_op op, uint32_t a, uint32_t b)
{
    uint64_t key = (uint64_t)op << 62 | (uint64_t)a << 31 | b;
    size_t j;
    uint32_t id;

    if (!t->nmemo || (t->memo_used + 1) * 2 > t->nmemo) {
        struct nv_memo_slot *old = t->memo;
        size_t oldn = t->nmemo, i;
        t->nmemo = t->nmemo ? t->nmemo * 2 : 1024;
        t->memo = nv_xcalloc(t->nmemo, sizeof(*t->memo));
        for (i = 0; i < oldn; i++) {
            if (!old[i].key)
                continue;
            j = nv_hash_bytes(&old[i].key, sizeof(old[i].key), NV_HASH_INIT) & (t->nmemo - 1);
            while (t->memo[j].key)
                j = (j + 1) & (t->nmemo - 1);
            t->memo[j] = old[i];
        }
        free(old);
    }
    j = nv_hash_bytes(&key, sizeof(key), NV_HASH_INIT) & (t->nmemo - 1);
    while (t->memo[j].key) {
        if (t->memo[j].key == key)
            return t->memo[j].val;
        j = (j + 1) & (t->nmemo - 1);
    }
    id = nv_compute(t, op, a, b);
    /* the table may not have moved, but the slot search must be redone if it grew */
    j = nv_hash_bytes(&key, sizeof(key), NV_HASH_INIT) & (t->nmemo - 1);
    while (t->memo[j].key)
        j = (j + 1) & (t->nmemo - 1);
    t->memo[j].key = key;
    t->memo[j].val = id;
    t->memo_used++;
    return id;
}

uint32_t nv_ports_union(struct nv_ports *t, uint32_t a, uint32_t b)
{
    if (a == b || b == NV_PORTS_NONE || a == NV_PORTS_ALL)
        return a;
    if (a == NV_PORTS_NONE || b == NV_PORTS_ALL)
        return b;
    if (a > b) {
        uint32_t x = a;
        a = b;
        b = x;
    }
    return nv_memo(t, NV_OP_UNION, a, b);
}

uint32_t nv_ports_inter(struct nv_ports *t, uint32_t a, uint32_t b)
{
    if (a == b || b == NV_PORTS_ALL || a == NV_PORTS_NONE)
        return a;
    if (a == NV_PORTS_ALL || b == NV_PORTS_NONE)
        return b;
    if (a > b) {
        uint32_t x = a;
        a = b;
        b = x;
    }
    return nv_memo(t, NV_OP_INTER, a, b);
}

uint32_t nv_ports_minus(struct nv_ports *t, uint32_t a, uint32_t b)
{
    if (a == NV_PORTS_NONE || b == NV_PORTS_NONE)
        return a;
    if (a == b || b == NV_PORTS_ALL)
        return NV_PORTS_NONE;
    return nv_memo(t, NV_OP_MINUS, a, b);
}

int nv_ports_contains(const struct nv_ports *t, uint32_t id, enum nv_proto proto, unsigned port)
{
    const struct nv_portset *s = &t->sets[id];
    uint32_t key = nv_port_key(proto, port);
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->iv[2 * mid + 1] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->iv[2 * lo] <= key;
}

/* Append "lo" or "lo-hi". */
static void nv_put_range(struct nv_buf *b, unsigned lo, unsigned hi)
{
    if (lo == hi)
        nv_buf_printf(b, "%u", lo);
    else
        nv_buf_printf(b, "%u-%u", lo, hi);
}

/* Append one protocol's port list, or nothing when it is every port (*full set). */
static int nv_put_proto(struct nv_buf *b, const struct nv_portset *s, enum nv_proto p, int *full)
{
    size_t i;
    int any = 0;

    *full = 0;
    for (i = 0; i < s->n; i++) {
        uint32_t lo = s->iv[2 * i], hi = s->iv[2 * i + 1];
        if (lo >> 16 != (uint32_t)p)
            continue;
        if ((lo & 0xffff) == 1 && (hi & 0xffff) == 65535)
            *full = 1;
        any = 1;
    }
    if (!any || *full)
        return any;
    for (i = 0; i < s->n; i++) {
        uint32_t lo = s->iv[2 * i], hi = s->iv[2 * i + 1];
        if (lo >> 16 != (uint32_t)p)
            continue;
        if (any == 1)
            any = 2;
        else
            nv_buf_putc(b, ',');
        nv_put_range(b, lo & 0xffff, hi & 0xffff);
    }
    return 1;
}

/*
 * The text of set s: the canonical form ("TCP 80,443;UDP 53", "All") or
 * netpol-analyzer's ("TCP 80,443,UDP 53", "All Connections"); 'all': s is
 * every port.
 */
static void nv_ports_put(struct nv_buf *b, const struct nv_portset *s, int all, int npa)
{
    static const enum nv_proto canonical[NV_NPROTO] = {NV_PROTO_TCP, NV_PROTO_UDP, NV_PROTO_SCTP};
    static const enum nv_proto npa_order[NV_NPROTO] = {NV_PROTO_SCTP, NV_PROTO_TCP, NV_PROTO_UDP};
    const enum nv_proto *order = npa ? npa_order : canonical;
    int i, first = 1;

    if (all) {
        nv_buf_puts(b, npa ? "All Connections" : "All");
        return;
    }
    for (i = 0; i < NV_NPROTO; i++) {
        struct nv_buf part;
        int full;
        nv_buf_init(&part, 0);
        if (nv_put_proto(&part, s, order[i], &full)) {
            if (!first)
                nv_buf_putc(b, npa ? ',' : ';');
            first = 0;
            nv_buf_puts(b, nv_proto_name(order[i]));
            if (npa && full) {
                nv_buf_puts(b, " 1-65535");
            } else if (!full) {
                nv_buf_putc(b, ' ');
                nv_buf_put(b, part.data, part.len);
            }
        }
        nv_buf_release(&part);
    }
}

/* The text of set id (npa: netpol-analyzer's), made once and kept in the table. */
static const char *nv_ports_cached(struct nv_ports *t, uint32_t id, int npa)
{
    struct nv_portset *s = &t->sets[id];
    char **text = npa ? &s->npa : &s->conns;

    if (!*text) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        nv_ports_put(&b, s, id == NV_PORTS_ALL, npa);
        *text = nv_buf_detach(&b);
    }
    return *text;
}

const char *nv_ports_format(struct nv_ports *t, uint32_t id)
{
    return nv_ports_cached(t, id, 0);
}

const char *nv_ports_format_npa(struct nv_ports *t, uint32_t id)
{
    return nv_ports_cached(t, id, 1);
}

void nv_ports_write(struct nv_buf *b, const struct nv_ports *t, uint32_t id, int npa)
{
    const struct nv_portset *s = &t->sets[id];
    const char *text = npa ? s->npa : s->conns;

    if (text)
        nv_buf_puts(b, text);
    else
        nv_ports_put(b, s, id == NV_PORTS_ALL, npa);
}

void nv_ports_write_minus(struct nv_buf *b, const struct nv_ports *t, uint32_t a, uint32_t c,
                          int npa)
{
    const struct nv_portset *x = &t->sets[a], *y = &t->sets[c];
    struct nv_portset d;
    size_t i, j = 0, k;

    memset(&d, 0, sizeof(d));
    d.iv = nv_xmalloc((2 * (x->n + y->n) + 2) * sizeof(*d.iv));
    for (i = 0; i < x->n; i++) {
        uint32_t lo = x->iv[2 * i], hi = x->iv[2 * i + 1];
        while (j < y->n && y->iv[2 * j + 1] < lo)
            j++;
        for (k = j; lo <= hi; k++) {
            if (k == y->n || y->iv[2 * k] > hi) {
                d.iv[2 * d.n] = lo;
                d.iv[2 * d.n++ + 1] = hi;
                break;
            }
            if (y->iv[2 * k] > lo) {
                d.iv[2 * d.n] = lo;
                d.iv[2 * d.n++ + 1] = y->iv[2 * k] - 1;
            }
            if (y->iv[2 * k + 1] >= hi)
                break;
            lo = y->iv[2 * k + 1] + 1;
        }
    }
    nv_ports_put(b, &d, a == NV_PORTS_ALL && c == NV_PORTS_NONE, npa);
    free(d.iv);
}
