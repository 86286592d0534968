/*
 * arena.h - bump allocator and string interning for the parsed world.
 * Everything allocated here is released at once by nv_arena_release().
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_ARENA_H
#define NETVERIFY_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct nv_arena_block;

/* A string of the interning table, with its hash and length (what a probe looks at first). */
struct nv_intern_slot {
    const char *s;
    uint32_t hash, len;
};

struct nv_arena {
    struct nv_arena_block *head;
    size_t used; /* bytes handed out, for statistics */
    /* interning table: open addressing over arena-owned strings */
    struct nv_intern_slot *slots;
    size_t nslots, nstrings;
};

/* Allocation failure is fatal: these print "netverify: out of memory" and exit 3. */
void *nv_xmalloc(size_t n);
/* nv_xmalloc() for a large array read at random (4 MiB or more: in huge pages, where the
 * system lets a program ask for them, which spares a fault and a TLB entry per 4 KiB); free()
 * releases it. */
void *nv_xmalloc_large(size_t n);
void *nv_xcalloc(size_t n, size_t size);
void *nv_xrealloc(void *p, size_t n);
char *nv_xstrdup(const char *s);
/* Grow *items (of *alloc elements of size elt) to hold at least need elements. */
void nv_grow(void **items, size_t *alloc, size_t need, size_t elt);
#define NV_GROW(items, alloc, need) nv_grow((void **)&(items), &(alloc), (need), sizeof(*(items)))

void nv_arena_init(struct nv_arena *a);
/* Free every block and the interning table; the arena can be reused after init. */
void nv_arena_release(struct nv_arena *a);
/* Drop everything allocated and interned; one block may be kept for what comes next
 * (nv_arena_release() frees it). */
void nv_arena_clear(struct nv_arena *a);

/* Zeroed memory aligned for any type; lives until the arena is released. */
void *nv_arena_alloc(struct nv_arena *a, size_t n);
/* Copy of s (n bytes, a NUL is added). */
char *nv_arena_strndup(struct nv_arena *a, const char *s, size_t n);
char *nv_arena_strdup(struct nv_arena *a, const char *s);
/*
 * The unique arena copy of s: equal strings give equal pointers, so interned
 * strings compare with ==. NULL stays NULL.
 */
const char *nv_arena_intern(struct nv_arena *a, const char *s);
const char *nv_arena_internn(struct nv_arena *a, const char *s, size_t n);

/* FNV-1a, used by every hash table in the project. */
uint64_t nv_hash_bytes(const void *p, size_t n, uint64_t h);
#define NV_HASH_INIT 1469598103934665603ULL

#endif
