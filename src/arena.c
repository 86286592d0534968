/*
 * arena.c - bump allocator, string interning and fatal allocation wrappers.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#define _DEFAULT_SOURCE /* madvise() */
#include "netverify/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "netverify/common.h"

#define NV_ARENA_BLOCK (64 * 1024)
/* an arena past NV_ARENA_BIG bytes takes blocks of NV_ARENA_BIG_BLOCK, in huge pages */
#define NV_ARENA_BIG ((size_t)8 << 20)
#define NV_ARENA_BIG_BLOCK ((size_t)4 << 20)

/*
 * Under AddressSanitizer, what a block has not handed out is poisoned and
 * every object is followed by a poisoned gap, so that running past an arena
 * object is reported as running past a malloc'd one would be (the fuzz
 * targets rely on it).
 */
#if defined(__SANITIZE_ADDRESS__)
#define NV_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NV_ARENA_ASAN 1
#endif
#endif
#ifdef NV_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define NV_ARENA_GAP 16
#define NV_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define NV_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define NV_ARENA_GAP 0
#define NV_POISON(p, n) ((void)(p), (void)(n))
#define NV_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct nv_arena_block {
    struct nv_arena_block *next;
    size_t size, used;
    max_align_t data[];
};

static void nv_oom(void)
{
    fputs("netverify: out of memory\n", stderr);
    exit(NV_EXIT_INTERNAL);
}

void *nv_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        nv_oom();
    return p;
}

/* nv_xmalloc_large(): arrays this large are asked for in huge pages */
#define NV_LARGE_MIN ((size_t)4 << 20)
#define NV_HUGE_PAGE ((size_t)2 << 20)

/*
 * Ask for huge pages where an array of n bytes at p will be written: the
 * whole 4 KiB pages inside it (the memory is ours; the hint covers nothing
 * else). A page fault costs about 8 us on the virtual machines the benchmarks
 * run on; at 50,000 workloads a diff took ~95,000 of them.
 */
static void nv_huge_hint(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095,
              hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;

    if (n >= NV_LARGE_MIN && hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void *nv_xmalloc_large(size_t n)
{
    if (n >= NV_LARGE_MIN) {
        /* aligned to a huge page, so that all of it can be in huge pages */
        size_t len = (n + NV_HUGE_PAGE - 1) / NV_HUGE_PAGE * NV_HUGE_PAGE;
        void *p = aligned_alloc(NV_HUGE_PAGE, len);
        if (!p)
            nv_oom();
        nv_huge_hint(p, len);
        return p;
    }
    return nv_xmalloc(n);
}

void *nv_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        nv_oom();
    if (size && n > NV_LARGE_MIN / size)
        nv_huge_hint(p, n * size);
    return p;
}

void *nv_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        nv_oom();
    return q;
}

char *nv_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = nv_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void nv_grow(void **items, size_t *alloc, size_t need, size_t elt)
{
    size_t n;

    if (need <= *alloc)
        return;
    n = *alloc ? *alloc : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elt)
            nv_oom();
        n *= 2;
    }
    *items = nv_xrealloc(*items, n * elt);
    nv_huge_hint(*items, n * elt);
    *alloc = n;
}

void nv_arena_init(struct nv_arena *a)
{
    memset(a, 0, sizeof(*a));
}

void nv_arena_release(struct nv_arena *a)
{
    struct nv_arena_block *b = a->head;

    while (b) {
        struct nv_arena_block *next = b->next;
        free(b);
        b = next;
    }
    free((void *)a->slots);
    nv_arena_init(a);
}

void nv_arena_clear(struct nv_arena *a)
{
    struct nv_arena_block *b = a->head, *keep = NULL;

    /* the oldest block (the chain's last) stays when it is of the usual size: a reader
     * that clears its arena after each document does not hand it back to malloc and
     * take it again each time (freeing 64 KiB makes malloc consolidate its free lists) */
    while (b) {
        struct nv_arena_block *next = b->next;
        if (!next && b->size == NV_ARENA_BLOCK)
            keep = b;
        else
            free(b);
        b = next;
    }
    free(a->slots);
    nv_arena_init(a);
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
        NV_POISON(keep->data, keep->size);
        a->head = keep;
    }
}

void *nv_arena_alloc(struct nv_arena *a, size_t n)
{
    struct nv_arena_block *b = a->head;
    size_t align = sizeof(max_align_t), want = n;
    void *p;

    n = (n + NV_ARENA_GAP + align - 1) / align * align;
    if (!n)
        n = align;
    if (!b || b->size - b->used < n) {
        size_t size = n > NV_ARENA_BLOCK / 4 ? n : NV_ARENA_BLOCK;
        if (n > NV_ARENA_BLOCK / 4 && b) {
            /* a big object gets its own block behind the current one */
            struct nv_arena_block *big = nv_xmalloc(sizeof(*big) + size);
            big->size = size;
            big->used = n;
            big->next = b->next;
            b->next = big;
            a->used += n;
            NV_POISON(big->data, size);
            NV_UNPOISON(big->data, want);
            memset(big->data, 0, want);
            return big->data;
        }
        if (a->used >= NV_ARENA_BIG && size < NV_ARENA_BIG_BLOCK) {
            /* a large model: fewer, larger blocks, each a page fault per 2 MiB rather
             * than per 4 KiB (page faults were a tenth of the CPU of a 50,000-workload diff) */
            size = NV_ARENA_BIG_BLOCK - sizeof(*b);
            b = nv_xmalloc_large(NV_ARENA_BIG_BLOCK);
        } else {
            b = nv_xmalloc(sizeof(*b) + size);
        }
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        NV_POISON(b->data, size);
    }
    p = (char *)b->data + b->used;
    b->used += n;
    a->used += n;
    /* the padding after 'want' bytes is never read: only the object is cleared */
    NV_UNPOISON(p, want);
    memset(p, 0, want);
    return p;
}

char *nv_arena_strndup(struct nv_arena *a, const char *s, size_t n)
{
    char *p = nv_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nv_arena_strdup(struct nv_arena *a, const char *s)
{
    return nv_arena_strndup(a, s, strlen(s));
}

uint64_t nv_hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The table twice as large; each string goes where its kept hash says, no string is read. */
static void nv_intern_rehash(struct nv_arena *a)
{
    size_t n = a->nslots ? a->nslots * 2 : 1024, i;
    struct nv_intern_slot *slots = nv_xmalloc_large(n * sizeof(*slots));

    memset(slots, 0, n * sizeof(*slots));

    for (i = 0; i < a->nslots; i++) {
        size_t j;
        if (!a->slots[i].s)
            continue;
        j = a->slots[i].hash & (n - 1);
        while (slots[j].s)
            j = (j + 1) & (n - 1);
        slots[j] = a->slots[i];
    }
    free(a->slots);
    a->slots = slots;
    a->nslots = n;
}

const char *nv_arena_internn(struct nv_arena *a, const char *s, size_t n)
{
    uint32_t h, len = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    size_t j;

    if (!s)
        return NULL;
    if ((a->nstrings + 1) * 2 > a->nslots)
        nv_intern_rehash(a);
    h = (uint32_t)nv_hash_bytes(s, n, NV_HASH_INIT);
    j = h & (a->nslots - 1);
    /* a slot's string is read only when its hash and length are the ones sought */
    while (a->slots[j].s) {
        const struct nv_intern_slot *t = &a->slots[j];
        if (t->hash == h && t->len == len && strncmp(t->s, s, n) == 0 && t->s[n] == '\0')
            return t->s;
        j = (j + 1) & (a->nslots - 1);
    }
    a->slots[j].s = nv_arena_strndup(a, s, n);
    a->slots[j].hash = h;
    a->slots[j].len = len;
    a->nstrings++;
    return a->slots[j].s;
}

const char *nv_arena_intern(struct nv_arena *a, const char *s)
{
    return s ? nv_arena_internn(a, s, strlen(s)) : NULL;
}
