/*
 * matrix.c - set-algebra connectivity. Selectors are evaluated once per
 * distinct peer (hash-consed) into bitsets over classes, which are numbered
 * namespace by namespace; rules are indexed by the classes they select and by
 * the peer sets that admit a source (per namespace for sets that hold whole
 * namespaces, per class for the others). Rows are computed with memoised
 * port-set unions and intersections, or, for counting, with word-wide ORs;
 * there, the ingress rules every source of a namespace meets are indexed by
 * port once per role of namespaces (equal sets holding them), so that an
 * egress rule finds the rules whose ports meet its own without testing each.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix_int.h"

#define NV_BIT(bits, i) (((bits)[(i) >> 6] >> ((i)&63)) & 1)
#define NV_SETBIT(bits, i) ((bits)[(i) >> 6] |= (uint64_t)1 << ((i)&63))

/* A distinct pod peer: the classes it matches, and the ingress rules it appears in. */
struct nv_pset {
    const struct nv_peer *peer; /* the first peer with this meaning */
    unsigned nsidx;             /* policy namespace when the peer has no namespaceSelector */
    uint64_t hash;
    uint64_t *bits; /* words boff .. boff + bn - 1 of the bitset of its classes */
    size_t boff, bn;
    size_t nmembers;         /* its classes */
    struct nv_u32s in_rules; /* active ingress rules admitting through this set */
};

/* The value of one label key on every class; a bitset of classes by key and value. */
struct nv_keyvals {
    const char *key;
    const char **val;
};

struct nv_kvbits {
    const char *key, *val;
    uint64_t hash;
    uint64_t *bits; /* NULL: empty slot */
};

/* The classes of the namespaces a namespace selector matches. */
struct nv_nsmask {
    const struct nv_selector *sel;
    uint64_t hash;
    uint64_t *bits;
};

/* What the engine keeps per active rule. */
struct nv_ruleinfo {
    const struct nv_rule *r;
    struct nv_u32s psets; /* ingress: the peer sets of its pod peers */
    /* ingress: classes of the policy's namespace it admits to (ports not empty), as words */
    size_t eff_off, eff_n;
    uint64_t *eff;
    uint32_t *cache;     /* named ports: resolved set by port signature, UINT32_MAX = not yet */
    unsigned char ipdom; /* NV_DOM_* of the atoms its ipBlock peers hold */
    unsigned char ippod; /* NV_FAMILY_BIT()s of the pod-network atoms its ipBlock peers hold */
};

/* A list of classes or atoms the engine keeps per policy (selected) or peer (members). */
struct nv_list {
    uint32_t *v;
    size_t n;
};

#define NV_MAX_PORTSIGS 4096

/* nv_mx_cls_psets() lists the sets of this many words of classes at a time. */
#define NV_CLS_BLOCK 16

/* What egress rules with no named port and one numeric port set reach, wherever they send. */
struct nv_bits_pcommon {
    uint32_t numeric;
    unsigned char q, ipin_only;
    uint64_t *bits;
};

/*
 * The ingress rules that admit every source of a pass (no 'from', or an ipBlock holding pods),
 * indexed by their ports so that an egress rule finds those it meets without testing each.
 * A rule's ports are taken per port signature of the destinations (named ports resolve on
 * them), each distinct set with the signatures it holds on: sets of every port go into a
 * union per signature set, the others too and their intervals into a list sorted by start
 * (the few wider than NV_OI_WIDE into a list of their own).
 */
#define NV_OI_WIDE 4096u

/* Port signatures a row of bits can tell apart (one bit each in a uint64_t). */
#define NV_BITS_MAX_SIGS 64

struct nv_oi_iv {
    uint32_t lo, hi, rule;
    uint32_t w;    /* the rule's first word of classes (eff_off) */
    uint64_t sigs; /* the signatures the rule has these ports on (UINT64_MAX: every one) */
    uint64_t e;    /* that word (eff[0]), when it is the rule's only one (else ~0: see rule) */
};

struct nv_oi_union {
    uint64_t sigs;
    uint64_t *bits; /* the classes the rules admit to */
};

struct nv_oidx {
    struct nv_oi_union *any, *spec; /* every port / some numeric ports, by signature set */
    size_t nany, nspec, aany, aspec;
    struct nv_oi_iv *iv, *wide;
    size_t niv, nwide;
    uint32_t maxw; /* the widest interval of iv (hi - lo), at most NV_OI_WIDE */
    /* nv_oidx_cached(): per interval of keys asked for (open addressing on (lo, hi) + 1), the
     * union of what the entries meeting it admit to, once asked for twice (NULL before) */
    uint64_t *ckey;
    uint64_t **cbits;
    size_t ncached, ccap;
};

/* nv_bits_role_common(): the memory its sets may take */
#define NV_RC_BYTES ((size_t)64 << 20)

/* nv_bits_sigwords(): slots of its table (a power of two), and the memory its sets may take */
#define NV_SIGW_SLOTS 1024
#define NV_SIGW_BYTES ((size_t)32 << 20)

#define NV_BITS_MAX_PCOMMON 256
#define NV_CM_SLOTS 16
#define NV_BITS_MAX_NUMSETS 2048

struct nv_mx {
    const struct nv_model *m;
    struct nv_arena psbits;  /* the peer sets' words (psets[].bits): tens of MB at 50,000 pods */
    struct nv_arena selbits; /* the words of kvbits[] and nsmasks[] (nv_selbits_free()) */
    const struct nv_matrix_mask *mask; /* NULL: none */
    struct nv_combo combo;
    int node; /* hostNetwork pods are their node: no selector holds them, nothing isolates them */
    int ipb;  /* ipBlocks match the addresses of pods and nodes */
    struct nv_list *sel;     /* per policy (id): the classes it selects */
    struct nv_list *members; /* per peer (id): classes (pods) or atoms (ipBlock) */
    uint32_t *rule_at;       /* per rule (id): its index in 'rules', UINT32_MAX if not active */
    /* addresses: per class, what ingress admits from any / every address of a domain
     * ([4 * d + 2 * (domain is the node's) + (every)], UINT32_MAX = not yet) */
    uint32_t *ing_dom;
    /* per source row: egress toward any / every address of a destination's domain, by
     * (domain, port signature); valid while eg_row == the source */
    uint32_t *eg_dom;
    uint32_t eg_row;
    uint32_t *eg_stamp, eg_gen;
    /* nv_egress_dom() without a walk over every atom: per ipBlock peer (id) its atoms as runs
     * of consecutive indices (lo, hi pairs; made when first needed), per (domain, family) how
     * many of its atoms lie below each index; scratch */
    struct nv_u32s *ipruns;
    uint32_t *domcount[4];
    uint64_t *evs;
    size_t evalloc;
    uint32_t *rports, *ract;
    size_t ralloc, ractalloc;
    /* per class: NV_DOM_* bits of the atoms its egress (ingress) rules' ipBlocks hold */
    unsigned char *eg_ipdom, *in_ipdom;
    uint32_t *acc, *sure; /* scratch: 2 rows over atoms; a row over classes */
    /* named-port resolution: classes with equal container ports share a signature */
    uint32_t *portsig; /* per class */
    size_t nportsigs;

    size_t ncls, nrules, natoms, nwords;
    struct nv_ruleinfo *rules; /* every active rule of every policy */
    unsigned char *iso;        /* per class: NV_TYPE_INGRESS | NV_TYPE_EGRESS */
    struct nv_u32s *in_rules;  /* per class: ingress rules of policies selecting it */
    struct nv_u32s *out_rules; /* per class: egress rules of policies selecting it */
    struct nv_u32s open_in;    /* ingress rules with no 'from': they admit every source */
    size_t *ns_first, *ns_n;   /* per namespace: its classes are ns_first .. + ns_n */
    struct nv_nsgroups nsg;    /* nv_nssel_bits() tries a selector once per group (lazily) */
    struct nv_pset *psets;
    size_t npsets, psetalloc;
    /* the peer sets that admit through rules and hold a class: per namespace, those holding
     * all its classes (no pod selector); per class, the others holding it */
    struct nv_u32s *ns_psets, *cls_psets;
    uint32_t *cls_pset_ids; /* the lists of cls_psets[], one after the other */
    /* namespaces with equal ns_psets[] share a role: per namespace its role, per role the
     * namespace it was first seen in and (word-parallel rows) its rules indexed by port */
    uint32_t *ns_role, *role_ns;
    struct nv_oidx *role_ix;
    uint64_t **role_open; /* per role: what its peer sets admit to (nv_bits_open_ns) */
    /* nv_bits_role_common(): per (role, numeric port set) that egress rules of two namespaces
     * or more of the role have, what the role's rules admit to on those ports (open
     * addressing; rc_bits NULL: not made yet) */
    uint64_t *rc_key;
    uint64_t **rc_bits;
    size_t rc_cap, rc_made, rc_max;
    size_t ivc_made; /* the sets nv_oidx_cached() keeps, over every index (NV_RC_BYTES) */
    unsigned char *role_built;
    size_t nroles;
    uint32_t *psetindex;
    size_t npsetindex;
    struct nv_u32s owned;  /* not used */
    uint32_t **atom_lists; /* members of ipBlock peers, owned */
    size_t natomlists, atomlistalloc;
    /* scratch rows over classes */
    uint32_t *egr, *ing, *res, *atoms_scratch;
    /* selectors as bitsets (nv_pset_build): label values per key, bitsets per key=value,
     * per namespace selector */
    struct nv_keyvals *keyvals;
    size_t nkeyvals, keyvalalloc;
    struct nv_kvbits *kvbits;
    size_t nkvbits, kvbitscap;
    struct nv_nsmask *nsmasks;
    size_t nnsmasks, nsmaskalloc;
    uint32_t *nsmaskindex; /* open addressing by hash: an index into nsmasks, or UINT32_MAX */
    size_t nnsmaskindex;
    uint64_t *selscratch, *psscratch;
    uint64_t *hostbits; /* with 'node': the classes running in the host network (NULL: none) */
    /* an engine built before with the same 'node': its peer sets are shared, not owned */
    const struct nv_mx *twin;
    /* word-parallel rows (nv_bits_*): 0 not prepared, 1 ready, -1 not usable */
    int bits_state;
    uint32_t *peer_pset; /* per peer (id): its peer set, UINT32_MAX for an ipBlock */
    uint32_t *sigrep;    /* per port signature: a class that has it */
    uint64_t *sigbits;   /* per port signature: its classes (nwords each) */
    /* nv_bits_sigwords(): the classes of a set of port signatures, per distinct set (open
     * addressing on the set, NV_SIGW_SLOTS slots, at most sigw_max sets) */
    uint64_t *sigw_key, **sigw_bits;
    size_t nsigw, sigw_max;
    uint64_t *notiso_in;    /* classes not isolated for ingress */
    size_t npass;           /* address families decided apart (1 when addresses play no part) */
    int pass_fam[2];        /* the family of each pass, -1: ipBlocks hold no pod */
    uint64_t *base_any;     /* open source: what every source reaches, over the passes */
    struct nv_u32s ipin[2]; /* per pass: ingress rules whose ipBlocks hold pods of its family */
    struct nv_oidx oi_open, oi_ipin[2]; /* open_in and ipin[] by ports */
    uint64_t **tobits;      /* per rule: the classes its pod peers hold (egress, on first use) */
    struct nv_u32s tomade;  /* the entries of tobits made (freed with gcache: see gcache_ns) */
    uint64_t **gcache;      /* per rule and pass: nv_bits_common(), for the sources of one ns */
    struct nv_u32s gcached; /* the entries of gcache in use */
    unsigned gcache_ns;     /* their namespace + 1 (0: none) */
    uint64_t *gset;         /* per rule: nv_bits_compat_eval(g, NULL), valid where gset_have */
    unsigned char *gset_have;
    uint32_t *rstamp, rgen; /* per rule: the row that met it last (each rule once per row) */
    /* per rule: nv_bits_split() (its signature sets, then its port sets), and how many */
    void **split;
    unsigned char *nsplit;
    /* per peer set: its ingress rules as the rows visit them, sets[i]'s at vis[vis_off[i] ..
     * vis_off[i + 1] - 1] (one array: a row reads them with no other indirection) */
    struct nv_vis *vis;
    uint32_t *vis_off;
    /* nv_bits_compat() remembered while the rows are of one namespace, for its egress rules
     * (up to NV_CM_SLOTS, one slot each) and every ingress rule: cm_val[slot * nrules + r],
     * valid where cm_stamp is cm_gen; cm_slot[g] is g's slot where cm_sstamp[g] is cm_gen */
    uint64_t *cm_val;
    uint32_t *cm_stamp, *cm_slot, *cm_sstamp, cm_gen;
    size_t cm_nslots;
    /* numeric port sets of the rules, numbered 0 .. nnum - 1 (numof per rule), and whether
     * two meet (nummeet[a * nnum + b]: 0 not known, 1 no, 2 yes); NULL: too many sets */
    uint32_t *numof;
    size_t nnum;
    unsigned char *nummeet;
    /* nv_bits_pcommon(): by (numeric port set, pass, ingress rules of the pass alone) */
    struct nv_bits_pcommon *pcommon;
    size_t npcommon;
    /* the cluster policy tiers (model.tiered), NULL when there are none: see "policy tiers" */
    struct nv_tiers *t;
    uint32_t *tsure_atoms; /* scratch: what every address allows toward / from each atom */
};

/* ---- distinct peer sets ---- */

static uint64_t nv_matrix_sel_hash(const struct nv_selector *s, uint64_t h)
{
    size_t i, j;

    if (!s)
        return nv_hash_bytes("-", 1, h);
    h = nv_hash_bytes(&s->n, sizeof(s->n), h);
    for (i = 0; i < s->n; i++) {
        const struct nv_requirement *r = &s->reqs[i];
        h = nv_hash_bytes(&r->key, sizeof(r->key), h);
        h = nv_hash_bytes(&r->op, sizeof(r->op), h);
        for (j = 0; j < r->nvalues; j++)
            h = nv_hash_bytes(&r->values[j], sizeof(r->values[j]), h);
    }
    return h;
}

/* ---- selectors over all classes at once, as bitsets ---- */

/* Per label key a selector names: each class's value (NULL when it lacks the key). */
static const char **nv_key_vals(struct nv_mx *x, const char *key)
{
    const struct nv_model *m = x->m;
    size_t i, j;

    for (i = 0; i < x->nkeyvals; i++)
        if (x->keyvals[i].key == key)
            return x->keyvals[i].val;
    NV_GROW(x->keyvals, x->keyvalalloc, x->nkeyvals + 1);
    x->keyvals[x->nkeyvals].key = key;
    x->keyvals[x->nkeyvals].val = nv_xcalloc(x->ncls + 1, sizeof(const char *));
    for (i = 0; i < x->ncls; i++) {
        const struct nv_labels *l = &m->classes[i].labels;
        for (j = 0; j < l->n && l->keys[j] != key; j++)
            ;
        x->keyvals[x->nkeyvals].val[i] = j < l->n ? l->vals[j] : NULL;
    }
    return x->keyvals[x->nkeyvals++].val;
}

/* The classes whose label 'key' is 'val' (val NULL: that have the key), remembered. */
static const uint64_t *nv_kv_bits(struct nv_mx *x, const char *key, const char *val)
{
    uint64_t h = ((uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)(uintptr_t)val;
    size_t j, i;
    const char **vals;
    uint64_t *bits;

    h *= 0xbf58476d1ce4e5b9ULL;
    if ((x->nkvbits + 1) * 2 > x->kvbitscap) {
        struct nv_kvbits *old = x->kvbits;
        size_t oc = x->kvbitscap;
        x->kvbitscap = oc ? oc * 2 : 64;
        x->kvbits = nv_xcalloc(x->kvbitscap, sizeof(*x->kvbits));
        for (i = 0; i < oc; i++) {
            if (!old[i].bits)
                continue;
            j = old[i].hash & (x->kvbitscap - 1);
            while (x->kvbits[j].bits)
                j = (j + 1) & (x->kvbitscap - 1);
            x->kvbits[j] = old[i];
        }
        free(old);
    }
    j = h & (x->kvbitscap - 1);
    while (x->kvbits[j].bits) {
        if (x->kvbits[j].key == key && x->kvbits[j].val == val)
            return x->kvbits[j].bits;
        j = (j + 1) & (x->kvbitscap - 1);
    }
    vals = nv_key_vals(x, key);
    bits = nv_arena_alloc(&x->selbits, (x->nwords + 1) * sizeof(*bits));
    for (i = 0; i < x->ncls; i++)
        if (val ? vals[i] == val : vals[i] != NULL)
            NV_SETBIT(bits, i);
    x->kvbits[j].key = key;
    x->kvbits[j].val = val;
    x->kvbits[j].hash = h;
    x->kvbits[j].bits = bits;
    x->nkvbits++;
    return bits;
}

/* out &= the classes pod selector sel matches (interned keys and values, as
 * nv_selector_matches_interned() compares them), in words lo .. hi - 1 only. */
static void nv_podsel_bits(struct nv_mx *x, const struct nv_selector *sel, uint64_t *out, size_t lo,
                           size_t hi)
{
    size_t i, k, w;

    for (i = 0; i < sel->n; i++) {
        const struct nv_requirement *r = &sel->reqs[i];
        int neg = r->op == NV_SEL_NOTEXISTS || r->op == NV_SEL_NOTIN;
        const uint64_t *one = NULL;
        if (r->op == NV_SEL_EXISTS || r->op == NV_SEL_NOTEXISTS) {
            one = nv_kv_bits(x, r->key, NULL);
        } else if (r->nvalues == 1) {
            one = nv_kv_bits(x, r->key, r->values[0]);
        } else {
            /* several values: their union, in the scratch row */
            if (!x->selscratch)
                x->selscratch = nv_xcalloc(x->nwords + 1, sizeof(*x->selscratch));
            memset(x->selscratch + lo, 0, (hi - lo) * sizeof(*x->selscratch));
            for (k = 0; k < r->nvalues; k++) {
                const uint64_t *b = nv_kv_bits(x, r->key, r->values[k]);
                for (w = lo; w < hi; w++)
                    x->selscratch[w] |= b[w];
            }
            one = x->selscratch;
        }
        for (w = lo; w < hi; w++)
            out[w] &= neg ? ~one[w] : one[w];
    }
}

/* Set bits a .. b - 1 (a namespace's classes), a word at a time. */
static void nv_setrange(uint64_t *bits, size_t a, size_t b)
{
    size_t w;

    if (a >= b)
        return;
    if (a >> 6 == (b - 1) >> 6) {
        bits[a >> 6] |= (~(uint64_t)0 << (a & 63)) & (~(uint64_t)0 >> (63 - ((b - 1) & 63)));
        return;
    }
    bits[a >> 6] |= ~(uint64_t)0 << (a & 63);
    for (w = (a >> 6) + 1; w < (b - 1) >> 6; w++)
        bits[w] = ~(uint64_t)0;
    bits[(b - 1) >> 6] |= ~(uint64_t)0 >> (63 - ((b - 1) & 63));
}

/* A hash of pointers, mixed: FNV's low bits see little of them. */
static uint64_t nv_mix_hash(uint64_t h)
{
    h = (h ^ (h >> 31)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 29);
}

/*
 * Room for one more entry than n in an open-addressing index of entry numbers
 * (UINT32_MAX: a free slot): when it would be over half full, it is built
 * again twice as large (min slots at first), entry i at hash(x, i).
 */
static void nv_index_reserve(uint32_t **index, size_t *cap, size_t n, size_t min,
                             const struct nv_mx *x, uint64_t (*hash)(const struct nv_mx *, size_t))
{
    size_t i, j;

    if ((n + 1) * 2 <= *cap)
        return;
    free(*index);
    *cap = *cap ? *cap * 2 : min;
    *index = nv_xmalloc(*cap * sizeof(**index));
    memset(*index, 0xff, *cap * sizeof(**index));
    for (i = 0; i < n; i++) {
        for (j = hash(x, i) & (*cap - 1); (*index)[j] != UINT32_MAX; j = (j + 1) & (*cap - 1))
            ;
        (*index)[j] = (uint32_t)i;
    }
}

static uint64_t nv_nsmask_hash(const struct nv_mx *x, size_t i)
{
    return x->nsmasks[i].hash;
}

static uint64_t nv_pset_hash(const struct nv_mx *x, size_t i)
{
    return x->psets[i].hash;
}

/* The classes of the namespaces namespace selector sel matches (remembered by content). */
static const uint64_t *nv_nssel_bits(struct nv_mx *x, const struct nv_selector *sel)
{
    const struct nv_model *m = x->m;
    uint64_t h = nv_matrix_sel_hash(sel, NV_HASH_INIT);
    size_t i, j, ns;
    uint32_t id;
    uint64_t *bits;

    /* looked up once per peer with a namespace selector: by hash, not by a walk of all */
    h = nv_mix_hash(h);
    nv_index_reserve(&x->nsmaskindex, &x->nnsmaskindex, x->nnsmasks, 64, x, nv_nsmask_hash);
    j = h & (x->nnsmaskindex - 1);
    while ((id = x->nsmaskindex[j]) != UINT32_MAX) {
        if (x->nsmasks[id].hash == h && nv_selector_same_interned(x->nsmasks[id].sel, sel))
            return x->nsmasks[id].bits;
        j = (j + 1) & (x->nnsmaskindex - 1);
    }
    bits = nv_arena_alloc(&x->selbits, (x->nwords + 1) * sizeof(*bits));
    if (!x->nsg.of)
        nv_model_nsgroups_build(&x->nsg, m);
    if (nv_model_nsgroups_apply(sel)) {
        unsigned char *gm = nv_xcalloc(x->nsg.n + 1, 1);
        for (i = 0; i < x->nsg.n; i++)
            gm[i] = (unsigned char)nv_selector_matches_interned(sel, &m->ns[x->nsg.rep[i]].labels);
        for (ns = 0; ns < m->nns; ns++)
            if (gm[x->nsg.of[ns]])
                nv_setrange(bits, x->ns_first[ns], x->ns_first[ns] + x->ns_n[ns]);
        free(gm);
    } else {
        for (ns = 0; ns < m->nns; ns++)
            if (nv_selector_matches_interned(sel, &m->ns[ns].labels))
                nv_setrange(bits, x->ns_first[ns], x->ns_first[ns] + x->ns_n[ns]);
    }
    NV_GROW(x->nsmasks, x->nsmaskalloc, x->nnsmasks + 1);
    x->nsmasks[x->nnsmasks].sel = sel;
    x->nsmasks[x->nnsmasks].hash = h;
    x->nsmasks[x->nnsmasks].bits = bits;
    x->nsmaskindex[j] = (uint32_t)x->nnsmasks++;
    return bits;
}

/* Free what nv_pset_build() keeps to evaluate selectors. */
static void nv_selbits_free(struct nv_mx *x)
{
    size_t i;

    for (i = 0; i < x->nkeyvals; i++)
        free(x->keyvals[i].val);
    free(x->keyvals);
    free(x->kvbits);
    free(x->nsmasks);
    nv_arena_release(&x->selbits);
    free(x->nsmaskindex);
    x->nsmaskindex = NULL;
    x->nnsmaskindex = 0;
    nv_model_nsgroups_release(&x->nsg);
    free(x->selscratch);
    free(x->psscratch);
    x->psscratch = NULL;
    x->keyvals = NULL;
    x->kvbits = NULL;
    x->nsmasks = NULL;
    x->selscratch = NULL;
    x->nkeyvals = x->keyvalalloc = x->nkvbits = x->kvbitscap = x->nnsmasks = x->nsmaskalloc = 0;
}

static int nv_popcount64(uint64_t v)
{
    return __builtin_popcountll(v);
}

/* The classes of peer set ps from class c on: the first, or SIZE_MAX when there is none. */
static size_t nv_pset_next(const struct nv_pset *ps, size_t c)
{
    size_t w = c >> 6;
    uint64_t v;

    if (w < ps->boff) {
        w = ps->boff;
        c = w << 6;
    }
    if (w >= ps->boff + ps->bn)
        return SIZE_MAX;
    v = ps->bits[w - ps->boff] & (~(uint64_t)0 << (c & 63));
    while (!v) {
        if (++w >= ps->boff + ps->bn)
            return SIZE_MAX;
        v = ps->bits[w - ps->boff];
    }
    return (w << 6) + (size_t)__builtin_ctzll(v);
}

static void nv_pset_build(struct nv_mx *x, struct nv_pset *ps)
{
    const struct nv_peer *p = ps->peer;
    size_t j, w, id = (size_t)(ps - x->psets), first = SIZE_MAX, last = 0, n = 0;
    size_t lo = 0, hi = x->nwords; /* the words that can hold a member */
    uint64_t *b;

    if (x->twin && id < x->twin->npsets) {
        /* an engine with the same hostNetwork treatment numbered the same sets alike */
        ps->bits = x->twin->psets[id].bits;
        ps->boff = x->twin->psets[id].boff;
        ps->bn = x->twin->psets[id].bn;
        ps->nmembers = x->twin->psets[id].nmembers;
        return;
    }
    if (!x->psscratch)
        x->psscratch = nv_xmalloc((x->nwords + 1) * sizeof(*x->psscratch));
    b = x->psscratch;
    if (p->ns_sel) {
        memcpy(b, nv_nssel_bits(x, p->ns_sel), x->nwords * sizeof(*b));
    } else {
        /* one namespace: its classes are consecutive, only their words are looked at */
        lo = x->ns_first[ps->nsidx] >> 6;
        hi = x->ns_n[ps->nsidx] ? ((x->ns_first[ps->nsidx] + x->ns_n[ps->nsidx] - 1) >> 6) + 1 : lo;
        memset(b + lo, 0, (hi - lo) * sizeof(*b));
        for (j = x->ns_first[ps->nsidx]; j < x->ns_first[ps->nsidx] + x->ns_n[ps->nsidx]; j++)
            NV_SETBIT(b, j);
    }
    if (p->pod_sel)
        nv_podsel_bits(x, p->pod_sel, b, lo, hi);
    if (x->hostbits)
        for (w = lo; w < hi; w++)
            b[w] &= ~x->hostbits[w]; /* the plugin cannot tell such a pod from its node */
    for (w = lo; w < hi; w++)
        if (b[w]) {
            if (first == SIZE_MAX)
                first = w;
            last = w;
            n += (size_t)nv_popcount64(b[w]);
        }
    /* keep the words from the first member's to the last's: most sets are one namespace */
    ps->boff = n ? first : 0;
    ps->bn = n ? last - first + 1 : 0;
    ps->bits = nv_arena_alloc(&x->psbits, (ps->bn + 1) * sizeof(*ps->bits));
    if (ps->bn)
        memcpy(ps->bits, b + ps->boff, ps->bn * sizeof(*ps->bits));
    ps->nmembers = n;
}

/* The distinct set equal to pod peer p of a policy in namespace nsidx. */
static uint32_t nv_pset_of(struct nv_mx *x, const struct nv_peer *p, unsigned nsidx)
{
    unsigned key_ns = p->ns_sel ? UINT32_MAX : nsidx;
    uint64_t h = nv_matrix_sel_hash(p->pod_sel, nv_matrix_sel_hash(p->ns_sel, NV_HASH_INIT));
    size_t j;
    uint32_t id;

    h = nv_hash_bytes(&key_ns, sizeof(key_ns), h);
    h = nv_mix_hash(h);
    nv_index_reserve(&x->psetindex, &x->npsetindex, x->npsets, 256, x, nv_pset_hash);
    j = h & (x->npsetindex - 1);
    while ((id = x->psetindex[j]) != UINT32_MAX) {
        const struct nv_pset *ps = &x->psets[id];
        if (ps->hash == h && ps->nsidx == key_ns &&
            nv_selector_same_interned(ps->peer->ns_sel, p->ns_sel) &&
            nv_selector_same_interned(ps->peer->pod_sel, p->pod_sel))
            return id;
        j = (j + 1) & (x->npsetindex - 1);
    }
    NV_GROW(x->psets, x->psetalloc, x->npsets + 1);
    id = (uint32_t)x->npsets++;
    memset(&x->psets[id], 0, sizeof(x->psets[id]));
    x->psets[id].peer = p;
    x->psets[id].nsidx = key_ns;
    x->psets[id].hash = h;
    x->psetindex[j] = id;
    nv_pset_build(x, &x->psets[id]);
    return id;
}

/* The atoms of an ipBlock: those of its cidr, but the excepted ones (none if its family is not
 * modelled). */
static void nv_ipblock_members(struct nv_mx *x, const struct nv_peer *p)
{
    const struct nv_atoms *atoms = &x->m->atoms;
    struct nv_u32s out = {NULL, 0, 0};
    size_t i, e = 0, first = nv_atoms_find(atoms, &p->cidr.first);
    size_t last = nv_atoms_find(atoms, &p->cidr.last);
    size_t *outer = nv_xmalloc((p->nexcept + 1) * sizeof(*outer));
    size_t nouter = nv_iprange_outermost(p->except, p->nexcept, outer, NULL);

    /* atoms and the outermost excepts both in address order: one walk */
    for (i = first; i <= last && i < atoms->n; i++) {
        while (e < nouter && nv_ip_cmp(&p->except[outer[e]].last, &atoms->cuts[i]) < 0)
            e++;
        if (e == nouter || !nv_iprange_has(&p->except[outer[e]], &atoms->cuts[i]))
            nv_u32s_push(&out, (uint32_t)i);
    }
    free(outer);
    x->members[p->id].v = out.v;
    x->members[p->id].n = out.n;
    NV_GROW(x->atom_lists, x->atomlistalloc, x->natomlists + 1);
    x->atom_lists[x->natomlists++] = out.v;
}

/* ---- construction ---- */

/* Number the distinct container-port lists of classes (only named ports the rules use are kept). */
static void nv_matrix_port_signatures(struct nv_mx *x)
{
    const struct nv_model *m = x->m;
    size_t i, j, k;
    uint32_t *first; /* representative class per signature */

    x->portsig = nv_xmalloc((x->ncls + 1) * sizeof(*x->portsig));
    first = nv_xmalloc((NV_MAX_PORTSIGS + 1) * sizeof(*first));
    for (i = 0; i < x->ncls; i++) {
        const struct nv_class *c = &m->classes[i];
        for (j = 0; j < x->nportsigs; j++) {
            const struct nv_class *o = &m->classes[first[j]];
            if (o->nports != c->nports)
                continue;
            for (k = 0; k < c->nports; k++)
                if (o->ports[k].name != c->ports[k].name ||
                    o->ports[k].proto != c->ports[k].proto || o->ports[k].port != c->ports[k].port)
                    break;
            if (k == c->nports)
                break;
        }
        if (j == x->nportsigs && x->nportsigs < NV_MAX_PORTSIGS)
            first[x->nportsigs++] = (uint32_t)i;
        x->portsig[i] = (uint32_t)j; /* NV_MAX_PORTSIGS and above: not cached */
    }
    x->sigrep = first;
}

static uint32_t nv_mx_rule_ports(struct nv_mx *x, const struct nv_rule *r, uint32_t dst);

/* Named ports are rare: keep the common case a field read. */
#define NV_RULE_PORTS(x, r, dst) ((r)->has_named ? nv_mx_rule_ports((x), (r), (dst)) : (r)->numeric)

/* Ingress rule: the words of its policy's namespace where it admits to a class. */
static void nv_rule_eff(struct nv_mx *x, struct nv_ruleinfo *ri)
{
    const struct nv_policy *pol = ri->r->policy;
    size_t first = x->ns_first[pol->nsidx], n = x->ns_n[pol->nsidx], i;

    if (!n)
        return;
    ri->eff_off = first >> 6;
    ri->eff_n = ((first + n - 1) >> 6) - ri->eff_off + 1;
    ri->eff = nv_xcalloc(ri->eff_n, sizeof(*ri->eff));
    for (i = 0; i < x->sel[pol->id].n; i++) {
        uint32_t d = x->sel[pol->id].v[i];
        if (NV_RULE_PORTS(x, ri->r, d) != NV_PORTS_NONE)
            ri->eff[(d >> 6) - ri->eff_off] |= (uint64_t)1 << (d & 63);
    }
}

static void nv_index_policy(struct nv_mx *x, const struct nv_policy *pol)
{
    const struct nv_model *m = x->m;
    struct nv_u32s sel = {NULL, 0, 0};
    size_t j, r, k;
    int dir, types = pol->types;

    if (x->mask && x->mask->types)
        types &= x->mask->types[pol->id];

    for (j = x->ns_first[pol->nsidx]; j < x->ns_first[pol->nsidx] + x->ns_n[pol->nsidx]; j++)
        if (nv_selector_matches_interned(pol->subject, &m->classes[j].labels) &&
            !(x->node && m->classes[j].hostnet))
            nv_u32s_push(&sel, (uint32_t)j);
    x->sel[pol->id].v = sel.v;
    x->sel[pol->id].n = sel.n;
    for (j = 0; j < sel.n; j++)
        x->iso[sel.v[j]] |= (unsigned char)(types & (NV_TYPE_INGRESS | NV_TYPE_EGRESS));
    for (dir = 0; dir < 2; dir++) {
        int active = types & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS);
        for (r = 0; r < pol->nrules[dir]; r++) {
            const struct nv_rule *rule = &pol->rules[dir][r];
            struct nv_ruleinfo *ri;
            uint32_t id = (uint32_t)x->nrules;
            for (k = 0; k < rule->npeers; k++) {
                const struct nv_peer *p = &rule->peers[k];
                if (p->kind == NV_PEER_IPBLOCK) {
                    nv_ipblock_members(x, p);
                } else {
                    uint32_t id_ps = nv_pset_of(x, p, pol->nsidx); /* may move x->psets */
                    x->peer_pset[p->id] = id_ps;                   /* its classes: the set's bits */
                }
            }
            if (!active || (x->mask && x->mask->rule_off && x->mask->rule_off[rule->id]))
                continue; /* rules of a direction the policy does not govern, or masked */
            ri = &x->rules[x->nrules++];
            ri->r = rule;
            x->rule_at[rule->id] = id;
            for (k = 0; k < rule->npeers; k++) {
                const struct nv_list *l = &x->members[rule->peers[k].id];
                size_t e;
                if (rule->peers[k].kind != NV_PEER_IPBLOCK)
                    continue;
                for (e = 0; e < l->n; e++) {
                    ri->ipdom |= x->m->atomdom[l->v[e]];
                    if (x->m->atomdom[l->v[e]] & NV_DOM_POD)
                        ri->ippod |= (unsigned char)NV_FAMILY_BIT(x->m->atoms.cuts[l->v[e]].fam);
                }
            }
            for (j = 0; j < sel.n; j++)
                nv_u32s_push(dir == NV_INGRESS ? &x->in_rules[sel.v[j]] : &x->out_rules[sel.v[j]],
                             id);
            if (dir != NV_INGRESS)
                continue;
            nv_rule_eff(x, ri);
            if (rule->all_peers) {
                nv_u32s_push(&x->open_in, id);
                continue;
            }
            for (k = 0; k < rule->npeers; k++) {
                const struct nv_peer *p = &rule->peers[k];
                uint32_t ps;
                size_t e;
                if (p->kind != NV_PEER_PODS)
                    continue;
                ps = nv_pset_of(x, p, pol->nsidx);
                for (e = 0; e < ri->psets.n && ri->psets.v[e] != ps; e++)
                    ;
                if (e < ri->psets.n)
                    continue; /* two peers with one meaning */
                nv_u32s_push(&ri->psets, ps);
                nv_u32s_push(&x->psets[ps].in_rules, id);
            }
        }
    }
}

/* Number the distinct lists ns_psets[] (namespaces that the same peer sets hold whole). */
static void nv_ns_roles(struct nv_mx *x)
{
    size_t nns = x->m->nns, i, cap = 64, j, ralloc = 0;
    uint64_t *hash = nv_xmalloc((nns + 1) * sizeof(*hash));
    uint32_t *slot;

    while (cap < 2 * nns + 2)
        cap *= 2;
    slot = nv_xmalloc(cap * sizeof(*slot));
    memset(slot, 0xff, cap * sizeof(*slot));
    x->ns_role = nv_xmalloc((nns + 1) * sizeof(*x->ns_role));
    for (i = 0; i < nns; i++) {
        const struct nv_u32s *l = &x->ns_psets[i];
        uint32_t r;
        hash[i] = nv_hash_bytes(l->v ? (const void *)l->v : "", l->n * sizeof(*l->v), NV_HASH_INIT);
        hash[i] = (hash[i] ^ (hash[i] >> 31)) * 0x94d049bb133111ebULL;
        j = (size_t)(hash[i] >> 17) & (cap - 1);
        while ((r = slot[j]) != UINT32_MAX) {
            const struct nv_u32s *o = &x->ns_psets[x->role_ns[r]];
            if (hash[x->role_ns[r]] == hash[i] && o->n == l->n &&
                (!l->n || !memcmp(o->v, l->v, l->n * sizeof(*l->v))))
                break;
            j = (j + 1) & (cap - 1);
        }
        if (r == UINT32_MAX) {
            r = (uint32_t)x->nroles++;
            NV_GROW(x->role_ns, ralloc, x->nroles);
            x->role_ns[r] = (uint32_t)i;
            slot[j] = r;
        }
        x->ns_role[i] = r;
    }
    free(slot);
    free(hash);
}

/*
 * The peer sets that hold a class and are used by some ingress rule: per namespace those that
 * hold every class of it, per class the others (made when a row first needs them).
 */
static void nv_mx_cls_psets(struct nv_mx *x)
{
    const struct nv_model *m = x->m;
    size_t i;

    if (x->cls_psets)
        return;
    size_t total = 0, pass;

    uint32_t *per = NULL; /* the sets listed per class, those listed by namespace left out */
    size_t nper = 0, b, w;

    x->cls_psets = nv_xcalloc(x->ncls + 1, sizeof(*x->cls_psets));
    x->ns_psets = nv_xcalloc(m->nns + 1, sizeof(*x->ns_psets));
    for (i = 0; i < x->npsets; i++) {
        const struct nv_pset *ps = &x->psets[i];
        size_t c;
        if (!ps->in_rules.n)
            continue;
        if (!x->hostbits && (!ps->peer->pod_sel || !ps->peer->pod_sel->n)) {
            /* whole namespaces: one entry per namespace */
            for (c = nv_pset_next(ps, 0); c != SIZE_MAX;) {
                unsigned ns = m->classes[c].ns;
                nv_u32s_push(&x->ns_psets[ns], (uint32_t)i);
                c = nv_pset_next(ps, x->ns_first[ns] + x->ns_n[ns]);
            }
            continue;
        }
        if (!per)
            per = nv_xmalloc((x->npsets + 1) * sizeof(*per));
        per[nper++] = (uint32_t)i;
    }
    /*
     * The classes' lists in one array, each in the order of set ids: counted, then filled,
     * NV_CLS_BLOCK words of classes at a time, so that the part of the array being filled
     * stays in the cache (one pass over the sets and their members would write it at random).
     */
    for (pass = 0; pass < 2; pass++) {
        for (b = 0; b < x->nwords; b += NV_CLS_BLOCK) {
            size_t be = b + NV_CLS_BLOCK < x->nwords ? b + NV_CLS_BLOCK : x->nwords;
            for (i = 0; i < nper; i++) {
                const struct nv_pset *ps = &x->psets[per[i]];
                size_t lo = ps->boff > b ? ps->boff : b;
                size_t hi = ps->boff + ps->bn < be ? ps->boff + ps->bn : be;
                for (w = lo; w < hi; w++) {
                    uint64_t v = ps->bits[w - ps->boff];
                    while (v) {
                        size_t c = (w << 6) + (size_t)__builtin_ctzll(v);
                        v &= v - 1;
                        if (pass)
                            x->cls_psets[c].v[x->cls_psets[c].n] = per[i];
                        x->cls_psets[c].n++;
                    }
                }
            }
        }
        if (pass)
            break;
        for (i = 0; i < x->ncls; i++)
            total += x->cls_psets[i].n;
        x->cls_pset_ids = nv_xmalloc_large((total + 1) * sizeof(*x->cls_pset_ids));
        for (total = 0, i = 0; i < x->ncls; i++) {
            x->cls_psets[i].v = x->cls_pset_ids + total;
            total += x->cls_psets[i].n;
            x->cls_psets[i].n = 0;
        }
    }
    free(per);
    nv_ns_roles(x);
}

static struct nv_mx *nv_mx_new(const struct nv_model *m, const struct nv_matrix_mask *mask,
                               const struct nv_combo *combo, const struct nv_mx *twin)
{
    struct nv_mx *x = nv_xcalloc(1, sizeof(*x));
    size_t i, nrules = 0;

    x->m = m;
    x->mask = mask;
    x->combo = *combo;
    x->node = combo->v[NV_B_HOSTNET] == NV_HOSTNET_NODE;
    x->twin = twin && twin->node == x->node ? twin : NULL;
    x->ipb = combo->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS;
    x->ncls = m->nclasses;
    x->natoms = m->atoms.n;
    x->nwords = (x->ncls + 63) / 64;
    x->iso = nv_xcalloc(x->ncls + 1, 1);
    x->in_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->in_rules));
    x->out_rules = nv_xcalloc(x->ncls + 1, sizeof(*x->out_rules));
    x->ns_first = nv_xcalloc(m->nns + 1, sizeof(*x->ns_first));
    x->ns_n = nv_xcalloc(m->nns + 1, sizeof(*x->ns_n));
    x->egr = nv_xmalloc((x->ncls + 1) * sizeof(*x->egr));
    x->ing = nv_xmalloc((x->ncls + 1) * sizeof(*x->ing));
    x->res = nv_xmalloc((x->ncls + 1) * sizeof(*x->res));
    x->sure = nv_xmalloc((x->ncls + 1) * sizeof(*x->sure));
    x->acc = nv_xmalloc((2 * x->natoms + 1) * sizeof(*x->acc));
    x->atoms_scratch = nv_xmalloc((x->natoms + 1) * sizeof(*x->atoms_scratch));
    x->tsure_atoms = nv_xmalloc((x->natoms + 1) * sizeof(*x->tsure_atoms));
    /* classes are numbered namespace by namespace (nv_model_finish) */
    for (i = 0; i < x->ncls; i++) {
        unsigned ns = m->classes[i].ns;
        if (!x->ns_n[ns]++)
            x->ns_first[ns] = i;
        if (i && m->classes[i - 1].ns > ns)
            NV_BUG("classes are not ordered by namespace");
    }
    nv_matrix_port_signatures(x);
    for (i = 0; x->node && i < x->ncls; i++)
        if (m->classes[i].hostnet) {
            if (!x->hostbits)
                x->hostbits = nv_xcalloc(x->nwords + 1, sizeof(*x->hostbits));
            NV_SETBIT(x->hostbits, i);
        }
    for (i = 0; i < m->npolicies; i++)
        nrules += m->policies[i]->nrules[0] + m->policies[i]->nrules[1];
    /* side tables by the model's ids (NetworkPolicies' come first) */
    x->sel = nv_xcalloc(m->npolicies + 1, sizeof(*x->sel));
    x->members = nv_xcalloc(m->npeer_ids + 1, sizeof(*x->members));
    x->peer_pset = nv_xmalloc((m->npeer_ids + 1) * sizeof(*x->peer_pset));
    memset(x->peer_pset, 0xff, (m->npeer_ids + 1) * sizeof(*x->peer_pset));
    x->rule_at = nv_xmalloc((m->nrule_ids + 1) * sizeof(*x->rule_at));
    memset(x->rule_at, 0xff, (m->nrule_ids + 1) * sizeof(*x->rule_at));
    x->rules = nv_xcalloc(nrules + 1, sizeof(*x->rules));
    for (i = 0; i < m->npolicies; i++)
        nv_index_policy(x, m->policies[i]);
    nv_selbits_free(x); /* the peer sets are built */
    x->eg_ipdom = nv_xcalloc(x->ncls + 1, 1);
    x->in_ipdom = nv_xcalloc(x->ncls + 1, 1);
    for (i = 0; i < x->ncls; i++) {
        size_t j;
        for (j = 0; j < x->out_rules[i].n; j++)
            x->eg_ipdom[i] |= x->rules[x->out_rules[i].v[j]].ipdom;
        for (j = 0; j < x->in_rules[i].n; j++)
            x->in_ipdom[i] |= x->rules[x->in_rules[i].v[j]].ipdom;
    }
    return x;
}

static void nv_oidx_free(struct nv_oidx *ix)
{
    size_t i;

    for (i = 0; i < ix->nany; i++)
        free(ix->any[i].bits);
    for (i = 0; i < ix->nspec; i++)
        free(ix->spec[i].bits);
    free(ix->any);
    free(ix->spec);
    free(ix->iv);
    free(ix->wide);
    for (i = 0; i < ix->ccap; i++)
        free(ix->cbits[i]);
    free(ix->ckey);
    free(ix->cbits);
}

static void nv_mx_free(struct nv_mx *x)
{
    size_t i;

    if (!x)
        return;
    for (i = 0; i < x->m->npolicies; i++)
        free(x->sel[i].v);
    free(x->sel);
    free(x->members); /* the lists themselves belong to the peer sets and atom_lists */
    free(x->rule_at);
    free(x->ing_dom);
    free(x->eg_dom);
    free(x->eg_stamp);
    if (x->ipruns)
        for (i = 0; i < x->m->npeer_ids; i++)
            free(x->ipruns[i].v);
    free(x->ipruns);
    for (i = 0; i < 4; i++)
        free(x->domcount[i]);
    free(x->evs);
    free(x->rports);
    free(x->ract);
    free(x->eg_ipdom);
    free(x->in_ipdom);
    free(x->acc);
    free(x->sure);
    for (i = 0; i < x->natomlists; i++)
        free(x->atom_lists[i]);
    free(x->atom_lists);
    for (i = 0; i < x->npsets; i++)
        free(x->psets[i].in_rules.v);
    nv_arena_release(&x->psbits); /* its own sets' words; those of the twin are the twin's */
    free(x->psets);
    free(x->psetindex);
    for (i = 0; i < x->nrules; i++) {
        free(x->rules[i].psets.v);
        free(x->rules[i].eff);
        free(x->rules[i].cache);
    }
    for (i = 0; i < x->ncls; i++) {
        free(x->in_rules[i].v);
        free(x->out_rules[i].v);
    }
    free(x->cls_psets);
    free(x->cls_pset_ids);
    for (i = 0; x->ns_psets && i < x->m->nns; i++)
        free(x->ns_psets[i].v);
    free(x->ns_psets);
    for (i = 0; x->role_open && i < x->nroles; i++)
        free(x->role_open[i]);
    free(x->role_open);
    for (i = 0; x->rc_bits && i < x->rc_cap; i++)
        if (x->rc_bits[i] != (uint64_t *)x->rc_bits) /* not the mark of a set not made */
            free(x->rc_bits[i]);
    free(x->rc_bits);
    free(x->rc_key);
    for (i = 0; x->role_built && i < x->nroles; i++)
        if (x->role_built[i])
            nv_oidx_free(&x->role_ix[i]);
    free(x->role_ix);
    free(x->role_built);
    free(x->ns_role);
    free(x->role_ns);
    free(x->rules);
    free(x->portsig);
    free(x->sigrep);
    free(x->peer_pset);
    free(x->sigbits);
    for (i = 0; x->sigw_bits && i < NV_SIGW_SLOTS; i++)
        free(x->sigw_bits[i]);
    free(x->sigw_bits);
    free(x->sigw_key);
    free(x->hostbits);
    free(x->notiso_in);
    free(x->base_any);
    free(x->ipin[0].v);
    free(x->ipin[1].v);
    nv_oidx_free(&x->oi_open);
    nv_oidx_free(&x->oi_ipin[0]);
    nv_oidx_free(&x->oi_ipin[1]);
    for (i = 0; x->tobits && i < x->nrules; i++)
        free(x->tobits[i]);
    free(x->tobits);
    free(x->tomade.v);
    for (i = 0; x->split && i < x->nrules; i++)
        free(x->split[i]);
    free(x->split);
    free(x->nsplit);
    free(x->vis);
    free(x->vis_off);
    for (i = 0; i < x->gcached.n; i++)
        free(x->gcache[x->gcached.v[i]]);
    free(x->gcache);
    for (i = 0; x->pcommon && i < x->npcommon; i++)
        free(x->pcommon[i].bits);
    free(x->pcommon);
    free(x->numof);
    free(x->nummeet);
    free(x->gset);
    free(x->gset_have);
    free(x->rstamp);
    free(x->cm_val);
    free(x->cm_stamp);
    free(x->cm_slot);
    free(x->cm_sstamp);
    free(x->gcached.v);
    free(x->open_in.v);
    free(x->in_rules);
    free(x->out_rules);
    free(x->ns_first);
    free(x->ns_n);
    free(x->iso);
    free(x->egr);
    free(x->ing);
    free(x->res);
    free(x->atoms_scratch);
    free(x->tsure_atoms);
    free(x);
}

static int nv_mx_isolated(const struct nv_mx *x, uint32_t cls, int dir)
{
    return (x->iso[cls] & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)) != 0;
}

static uint32_t nv_resolve_named(struct nv_mx *x, const struct nv_rule *r, uint32_t dst)
{
    return nv_model_ports(x->m, r->ports, r->nports, dst);
}

static uint32_t nv_mx_rule_ports(struct nv_mx *x, const struct nv_rule *r, uint32_t dst)
{
    struct nv_ruleinfo *ri;
    uint32_t sig;

    if (!r->has_named)
        return r->numeric;
    ri = x->rule_at[r->id] < x->nrules ? &x->rules[x->rule_at[r->id]] : NULL;
    if (!ri || ri->r != r || !x->portsig || (sig = x->portsig[dst]) >= NV_MAX_PORTSIGS)
        return nv_resolve_named(x, r, dst);
    if (!ri->cache) {
        ri->cache = nv_xmalloc(x->nportsigs * sizeof(*ri->cache));
        memset(ri->cache, 0xff, x->nportsigs * sizeof(*ri->cache));
    }
    if (ri->cache[sig] == UINT32_MAX)
        ri->cache[sig] = nv_resolve_named(x, r, dst);
    return ri->cache[sig];
}

static uint32_t nv_mx_rule_ports_ext(const struct nv_rule *r)
{
    return r->numeric;
}

/* ---- rows ---- */

/* Egress of class s toward every external atom, NetworkPolicies alone. */
static void nv_np_to_atoms(struct nv_mx *x, uint32_t s, uint32_t *to_atoms)
{
    struct nv_ports *pt = x->m->ports;
    size_t d, i, k, e;

    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        for (d = 0; d < x->natoms; d++)
            to_atoms[d] = NV_PORTS_ALL;
        return;
    }
    memset(to_atoms, 0, x->natoms * sizeof(*to_atoms));
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        uint32_t ports = nv_mx_rule_ports_ext(r);
        if (r->all_peers) {
            for (d = 0; d < x->natoms; d++)
                to_atoms[d] = nv_ports_union(pt, to_atoms[d], ports);
            continue;
        }
        for (k = 0; k < r->npeers; k++) {
            const struct nv_peer *p = &r->peers[k];
            if (p->kind != NV_PEER_IPBLOCK)
                continue;
            const struct nv_list *l = &x->members[p->id];
            for (e = 0; e < l->n; e++)
                to_atoms[l->v[e]] = nv_ports_union(pt, to_atoms[l->v[e]], ports);
        }
    }
}

/* Egress of s toward every class, into x->egr. */
static void nv_egress_row(struct nv_mx *x, uint32_t s)
{
    struct nv_ports *pt = x->m->ports;
    size_t d, i, k, e;

    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        for (d = 0; d < x->ncls; d++)
            x->egr[d] = NV_PORTS_ALL;
        return;
    }
    memset(x->egr, 0, x->ncls * sizeof(*x->egr));
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        if (r->all_peers) {
            for (d = 0; d < x->ncls; d++)
                x->egr[d] = nv_ports_union(pt, x->egr[d], NV_RULE_PORTS(x, r, (uint32_t)d));
            continue;
        }
        for (k = 0; k < r->npeers; k++) {
            const struct nv_peer *p = &r->peers[k];
            if (p->kind != NV_PEER_PODS)
                continue;
            const struct nv_pset *ps = &x->psets[x->peer_pset[p->id]];
            for (e = nv_pset_next(ps, 0); e != SIZE_MAX; e = nv_pset_next(ps, e + 1)) {
                uint32_t dc = (uint32_t)e;
                x->egr[dc] = nv_ports_union(pt, x->egr[dc], NV_RULE_PORTS(x, r, dc));
            }
        }
    }
}

/* Add what ingress rule ri admits from the source to every class it selects. */
static void nv_ingress_rule(struct nv_mx *x, const struct nv_ruleinfo *ri)
{
    const struct nv_policy *pol = ri->r->policy;
    struct nv_ports *pt = x->m->ports;
    size_t e;

    for (e = 0; e < x->sel[pol->id].n; e++) {
        uint32_t dc = x->sel[pol->id].v[e];
        x->ing[dc] = nv_ports_union(pt, x->ing[dc], NV_RULE_PORTS(x, ri->r, dc));
    }
}

/* OUT: from_atoms[a] is what class d's ingress admits from external atom a. */
static void nv_class_from_atoms(struct nv_mx *x, uint32_t d, uint32_t *from_atoms)
{
    struct nv_ports *pt = x->m->ports;
    size_t a, j, k, e;

    if (!(x->iso[d] & NV_TYPE_INGRESS)) {
        for (a = 0; a < x->natoms; a++)
            from_atoms[a] = NV_PORTS_ALL;
        return;
    }
    for (a = 0; a < x->natoms; a++)
        from_atoms[a] = NV_PORTS_NONE;
    for (j = 0; j < x->in_rules[d].n; j++) {
        const struct nv_rule *r = x->rules[x->in_rules[d].v[j]].r;
        uint32_t ports = NV_RULE_PORTS(x, r, d);
        if (r->all_peers) {
            for (a = 0; a < x->natoms; a++)
                from_atoms[a] = nv_ports_union(pt, from_atoms[a], ports);
            continue;
        }
        for (k = 0; k < r->npeers; k++) {
            const struct nv_list *l = &x->members[r->peers[k].id];
            if (r->peers[k].kind != NV_PEER_IPBLOCK)
                continue;
            for (e = 0; e < l->n; e++)
                from_atoms[l->v[e]] = nv_ports_union(pt, from_atoms[l->v[e]], ports);
        }
    }
}

/* Whether atom a lies in domain dom and address family fam. */
static int nv_in_dom(const struct nv_mx *x, size_t a, int dom, int fam)
{
    return (x->m->atomdom[a] & dom) && x->m->atoms.cuts[a].fam == fam;
}

/*
 * The union (*any) and intersection (*all) of v over the atoms of domain dom
 * in family fam (NONE if none).
 */
static void nv_over_domain(struct nv_mx *x, const uint32_t *v, int dom, int fam, uint32_t *any,
                           uint32_t *all)
{
    struct nv_ports *pt = x->m->ports;
    size_t a;
    int first = 1;

    *any = *all = NV_PORTS_NONE;
    for (a = 0; a < x->natoms; a++) {
        if (!nv_in_dom(x, a, dom, fam))
            continue;
        *any = nv_ports_union(pt, *any, v[a]);
        *all = first ? v[a] : nv_ports_inter(pt, *all, v[a]);
        first = 0;
    }
}

/*
 * What class d's ingress admits from an address of family fam in domain dom
 * (of the source): from some address of it, or from every one ('every').
 */
static uint32_t nv_ingress_dom(struct nv_mx *x, uint32_t d, int dom, int fam, int every)
{
    size_t slot = 8 * (size_t)d + 4 * (dom == NV_DOM_NODE) + 2 * (size_t)fam;

    if (!x->ing_dom) {
        x->ing_dom = nv_xmalloc((8 * x->ncls + 1) * sizeof(*x->ing_dom));
        memset(x->ing_dom, 0xff, (8 * x->ncls + 1) * sizeof(*x->ing_dom));
    }
    if (x->ing_dom[slot] == UINT32_MAX) {
        nv_class_from_atoms(x, d, x->acc + x->natoms);
        nv_over_domain(x, x->acc + x->natoms, dom, fam, &x->ing_dom[slot], &x->ing_dom[slot + 1]);
    }
    return x->ing_dom[slot + (every != 0)];
}

/* OUT: acc[a] is what the ipBlock rules of s (isolated for egress) admit toward class d at atom a.
 */
static void nv_egress_atoms(struct nv_mx *x, uint32_t s, uint32_t d, uint32_t *acc)
{
    struct nv_ports *pt = x->m->ports;
    int dom = NV_CLASS_DOM(x->m, d);
    size_t a, i, k, e;

    for (a = 0; a < x->natoms; a++)
        acc[a] = NV_PORTS_NONE;
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_ruleinfo *ri = &x->rules[x->out_rules[s].v[i]];
        uint32_t ports;
        if (ri->r->all_peers || !(ri->ipdom & dom) ||
            (ports = NV_RULE_PORTS(x, ri->r, d)) == NV_PORTS_NONE)
            continue; /* a rule without 'to' is in the egress row already */
        for (k = 0; k < ri->r->npeers; k++) {
            const struct nv_list *l = &x->members[ri->r->peers[k].id];
            if (ri->r->peers[k].kind != NV_PEER_IPBLOCK)
                continue;
            for (e = 0; e < l->n; e++)
                acc[l->v[e]] = nv_ports_union(pt, acc[l->v[e]], ports);
        }
    }
}

/* The atoms of ipBlock peer p as runs of consecutive indices (lo, hi pairs). */
static const struct nv_u32s *nv_ipruns(struct nv_mx *x, const struct nv_peer *p)
{
    const struct nv_list *l = &x->members[p->id];
    struct nv_u32s *r;
    size_t e;

    if (!x->ipruns)
        x->ipruns = nv_xcalloc(x->m->npeer_ids + 1, sizeof(*x->ipruns));
    r = &x->ipruns[p->id];
    if (r->v || !l->n)
        return r;
    for (e = 0; e < l->n; e++) {
        if (r->n && r->v[r->n - 1] + 1 == l->v[e]) {
            r->v[r->n - 1] = l->v[e];
            continue;
        }
        nv_u32s_push(r, l->v[e]);
        nv_u32s_push(r, l->v[e]);
    }
    return r;
}

static int nv_ev_cmp(const void *a, const void *b)
{
    uint64_t u = *(const uint64_t *)a, v = *(const uint64_t *)b;

    return u < v ? -1 : u > v;
}

/*
 * nv_egress_atoms() and nv_over_domain() without a walk over every atom (a
 * diff asks for a few cells of each of many rows): the ipBlock runs of s's
 * rules cut the atoms into segments, each held by one set of rules; a segment
 * with an atom of the domain adds what those rules admit to *any and cuts
 * *all down to it. Returns 0, having done nothing, when the runs are too many
 * for this to pay.
 */
static int nv_egress_dom_runs(struct nv_mx *x, uint32_t s, uint32_t d, int fam, uint32_t *any,
                              uint32_t *all)
{
    struct nv_ports *pt = x->m->ports;
    int dom = NV_CLASS_DOM(x->m, d), first = 1;
    size_t di = (size_t)(dom == NV_DOM_NODE) * 2 + (size_t)fam, i, k, e, nr = 0, nev = 0, j;
    uint32_t *cnt, pos;

    if (!(cnt = x->domcount[di])) {
        cnt = x->domcount[di] = nv_xmalloc((x->natoms + 1) * sizeof(*cnt));
        cnt[0] = 0;
        for (i = 0; i < x->natoms; i++)
            cnt[i + 1] = cnt[i] + (uint32_t)nv_in_dom(x, i, dom, fam);
    }
    NV_GROW(x->rports, x->ralloc, x->out_rules[s].n + 1);
    NV_GROW(x->ract, x->ractalloc, x->out_rules[s].n + 1);
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_ruleinfo *ri = &x->rules[x->out_rules[s].v[i]];
        uint32_t ports;
        if (ri->r->all_peers || !(ri->ipdom & dom) ||
            (ports = NV_RULE_PORTS(x, ri->r, d)) == NV_PORTS_NONE)
            continue; /* as nv_egress_atoms() */
        for (k = 0; k < ri->r->npeers; k++) {
            const struct nv_u32s *r;
            if (ri->r->peers[k].kind != NV_PEER_IPBLOCK)
                continue;
            r = nv_ipruns(x, &ri->r->peers[k]);
            if (nev + r->n > x->natoms / 4 + 64)
                return 0;
            NV_GROW(x->evs, x->evalloc, nev + r->n + 1);
            for (e = 0; e < r->n; e += 2) {
                /* (index, rule, 0 = starts here / 1 = ended before) */
                x->evs[nev++] = (uint64_t)r->v[e] << 32 | (uint64_t)nr << 1;
                x->evs[nev++] = (uint64_t)(r->v[e + 1] + 1) << 32 | (uint64_t)nr << 1 | 1;
            }
        }
        x->rports[nr] = ports;
        x->ract[nr++] = 0;
    }
    if (nev)
        qsort(x->evs, nev, sizeof(*x->evs), nv_ev_cmp);
    *any = *all = NV_PORTS_NONE;
    for (pos = 0, j = 0; pos < x->natoms;) {
        uint32_t next;
        for (; j < nev && (uint32_t)(x->evs[j] >> 32) == pos; j++) {
            uint32_t r = (uint32_t)(x->evs[j] & 0xffffffffu) >> 1;
            x->ract[r] += (x->evs[j] & 1) ? UINT32_MAX : 1;
        }
        next = j < nev ? (uint32_t)(x->evs[j] >> 32) : (uint32_t)x->natoms;
        if (next > x->natoms)
            next = (uint32_t)x->natoms;
        if (cnt[next] > cnt[pos]) {
            uint32_t cur = NV_PORTS_NONE;
            for (i = 0; i < nr; i++)
                if (x->ract[i])
                    cur = nv_ports_union(pt, cur, x->rports[i]);
            *any = nv_ports_union(pt, *any, cur);
            *all = first ? cur : nv_ports_inter(pt, *all, cur);
            first = 0;
        }
        pos = next;
    }
    return 1;
}

/*
 * What the egress of s (isolated for egress) admits toward class d through its
 * ipBlocks: toward some address of family fam in d's domain (*any) and toward
 * every one (*all). Cached per source row by (domain, family, port signature).
 */
static void nv_egress_dom(struct nv_mx *x, uint32_t s, uint32_t d, int fam, uint32_t *any,
                          uint32_t *all)
{
    int dom = NV_CLASS_DOM(x->m, d);
    uint32_t sig = x->portsig[d];
    size_t slot = 0;

    if (sig < NV_MAX_PORTSIGS) {
        if (!x->eg_dom) {
            x->eg_dom = nv_xmalloc((8 * x->nportsigs + 1) * sizeof(*x->eg_dom));
            x->eg_stamp = nv_xcalloc(4 * x->nportsigs + 1, sizeof(*x->eg_stamp));
        }
        if (x->eg_row != s + 1) {
            x->eg_row = s + 1;
            if (++x->eg_gen == 0) {
                memset(x->eg_stamp, 0, (4 * x->nportsigs + 1) * sizeof(*x->eg_stamp));
                x->eg_gen = 1;
            }
        }
        slot = ((size_t)(dom == NV_DOM_NODE) * 2 + (size_t)fam) * x->nportsigs + sig;
        if (x->eg_stamp[slot] == x->eg_gen) {
            *any = x->eg_dom[2 * slot];
            *all = x->eg_dom[2 * slot + 1];
            return;
        }
    }
    if (!nv_egress_dom_runs(x, s, d, fam, any, all)) {
        nv_egress_atoms(x, s, d, x->acc);
        nv_over_domain(x, x->acc, dom, fam, any, all);
    }
    if (sig < NV_MAX_PORTSIGS) {
        x->eg_stamp[slot] = x->eg_gen;
        x->eg_dom[2 * slot] = *any;
        x->eg_dom[2 * slot + 1] = *all;
    }
}

/*
 * The families two pods of classes s and d may talk over: those both their
 * domains have addresses of (a flow between pods uses one family).
 */
static unsigned nv_pair_fams(const struct nv_mx *x, uint32_t s, uint32_t d)
{
    const struct nv_model *m = x->m;

    return NV_DOM_FAMS(m, NV_CLASS_DOM(m, s)) & NV_DOM_FAMS(m, NV_CLASS_DOM(m, d));
}

/* The ingress NetworkPolicies of every class toward source s, into x->ing. */
static void nv_ingress_row(struct nv_mx *x, uint32_t s)
{
    const struct nv_u32s *a, *b;
    size_t d, i, k, j = 0;

    nv_mx_cls_psets(x);
    a = &x->cls_psets[s];
    b = &x->ns_psets[x->m->classes[s].ns];
    for (d = 0; d < x->ncls; d++)
        x->ing[d] = (x->iso[d] & NV_TYPE_INGRESS) ? NV_PORTS_NONE : NV_PORTS_ALL;

    for (i = 0; i < x->open_in.n; i++)
        nv_ingress_rule(x, &x->rules[x->open_in.v[i]]);
    /* the peer sets holding s in the order of their ids: of the class's and the namespace's */
    for (i = 0; i < a->n || j < b->n;) {
        const struct nv_pset *ps =
            &x->psets[j == b->n || (i < a->n && a->v[i] < b->v[j]) ? a->v[i++] : b->v[j++]];
        for (k = 0; k < ps->in_rules.n; k++)
            nv_ingress_rule(x, &x->rules[ps->in_rules.v[k]]);
    }
}

/* Egress of class s toward every external atom through the tiers: what some address and
 * placement allows into to_atoms, what every one allows into sure (may be NULL). */
/* The orders to decide under: x->t->norders, or one pass with ties widened (SIZE_MAX). */
#define NV_TIER_NPASS(x) nv_tiers_npass((x)->t)
#define NV_TIER_ORD(x, o) nv_tiers_ord((x)->t, (o))

/*
 * One direction toward or from every external atom: class cls's egress (dir)
 * or ingress, the NetworkPolicies' answer per atom in np (overwritten: it may
 * be 'out'); what some order allows into out, what every one allows into sure
 * (may be NULL).
 */
static void nv_tier_atoms(struct nv_mx *x, uint32_t cls, int dir, uint32_t *np, uint32_t *out,
                          uint32_t *sure)
{
    struct nv_ports *pt = x->m->ports;
    int iso = (x->iso[cls] & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)) != 0;
    struct nv_tctx c = {UINT32_MAX, 0, 0, dir == NV_INGRESS ? cls : UINT32_MAX};
    size_t a, o;

    for (a = 0; a < x->natoms; a++) {
        uint32_t poss = NV_PORTS_NONE, all = NV_PORTS_ALL, v = np[a];
        c.atom = a;
        for (o = 0; o < NV_TIER_NPASS(x); o++) {
            uint32_t al, de;
            nv_tier_dir(x->t, NV_TIER_ORD(x, o), cls, dir, &c, iso, v, v, &al, &de);
            poss = nv_ports_union(pt, poss, al);
            all = nv_ports_inter(pt, all, nv_ports_minus(pt, NV_PORTS_ALL, de));
        }
        out[a] = poss;
        if (sure)
            sure[a] = all;
    }
}

static void nv_tier_to_atoms(struct nv_mx *x, uint32_t s, uint32_t *to_atoms, uint32_t *sure)
{
    nv_np_to_atoms(x, s, to_atoms);
    nv_tier_atoms(x, s, NV_EGRESS, to_atoms, to_atoms, sure);
}

/* Ingress of class d from every external atom through the tiers (sure may be NULL). */
static void nv_tier_from_atoms(struct nv_mx *x, uint32_t d, uint32_t *from_atoms, uint32_t *sure)
{
    nv_class_from_atoms(x, d, from_atoms);
    nv_tier_atoms(x, d, NV_INGRESS, from_atoms, from_atoms, sure);
}

/*
 * nv_class_row() through the tiers: per destination and address family, each
 * direction's NetworkPolicies (what some and every address of the pods
 * allows, as nv_class_row() computes them) go into that direction's tier walk.
 * to_atoms (may be NULL) as there, with what every address allows in
 * x->tsure_atoms. nv_tier_cell() is one destination d, after x->egr[d] and
 * x->ing[d].
 */
static void nv_tier_cell(struct nv_mx *x, uint32_t s, uint32_t d)
{
    const struct nv_model *m = x->m;
    struct nv_ports *pt = x->m->ports;
    int s_node = m->classes[s].hostnet, iso_e = (x->iso[s] & NV_TYPE_EGRESS) != 0;
    int sdom = s_node ? NV_DOM_NODE : NV_DOM_POD;
    uint32_t e = x->egr[d], in = x->ing[d], poss = NV_PORTS_NONE, all = NV_PORTS_ALL;
    int eg = x->ipb && iso_e && e != NV_PORTS_ALL && (x->eg_ipdom[s] & NV_CLASS_DOM(m, d));
    int ig = x->ipb && in != NV_PORTS_ALL && (x->in_ipdom[d] & sdom);
    int iso_i = (x->iso[d] & NV_TYPE_INGRESS) != 0;
    unsigned fams = nv_pair_fams(x, s, d);
    size_t o;
    int f;

    for (f = 0; f < 2; f++) {
        uint32_t ep = e, es = e, ip = in, is = in, any, every, ea, ed, ia, idn;
        struct nv_tctx c;
        if (fams ? !(fams & NV_FAMILY_BIT(f)) : f != 0)
            continue;
        if (eg && fams) {
            nv_egress_dom(x, s, d, f, &any, &every);
            ep = nv_ports_union(pt, ep, any);
            es = nv_ports_union(pt, es, every);
        }
        if (ig && fams) {
            ip = nv_ports_union(pt, ip, nv_ingress_dom(x, d, sdom, f, 0));
            is = nv_ports_union(pt, is, nv_ingress_dom(x, d, sdom, f, 1));
        }
        /* a hostNetwork pod may run on the other pod's node, which NetworkPolicies
         * always let through (the tiers have no such exemption) */
        if (x->node && (s_node || m->classes[d].hostnet))
            ep = ip = NV_PORTS_ALL;
        c.fam = f;
        c.atom = 0;
        c.dst = d;
        for (o = 0; o < NV_TIER_NPASS(x); o++) {
            c.cls = d;
            nv_tier_dir(x->t, NV_TIER_ORD(x, o), s, NV_EGRESS, &c, iso_e, ep, es, &ea, &ed);
            c.cls = s;
            nv_tier_dir(x->t, NV_TIER_ORD(x, o), d, NV_INGRESS, &c, iso_i, ip, is, &ia, &idn);
            poss = nv_ports_union(pt, poss, nv_ports_inter(pt, ea, ia));
            all = nv_ports_inter(pt, all,
                                 nv_ports_minus(pt, nv_ports_minus(pt, NV_PORTS_ALL, ed), idn));
        }
    }
    x->res[d] = poss;
    x->sure[d] = all;
}

static void nv_tier_class_row(struct nv_mx *x, uint32_t s, uint32_t *to_atoms)
{
    size_t d;

    nv_egress_row(x, s);
    nv_ingress_row(x, s);
    for (d = 0; d < x->ncls; d++)
        nv_tier_cell(x, s, (uint32_t)d);
    if (to_atoms)
        nv_tier_to_atoms(x, s, to_atoms, x->tsure_atoms);
}

/* Egress of class s toward every external atom (through the tiers, if any). */
static void nv_mx_to_atoms(struct nv_mx *x, uint32_t s, uint32_t *to_atoms)
{
    if (x->t)
        nv_tier_to_atoms(x, s, to_atoms, NULL);
    else
        nv_np_to_atoms(x, s, to_atoms);
}

/* One destination d of nv_class_row(), after x->egr[d] and x->ing[d]: x->res[d], x->sure[d]. */
static void nv_class_cell(struct nv_mx *x, uint32_t s, uint32_t d)
{
    const struct nv_model *m = x->m;
    struct nv_ports *pt = x->m->ports;
    int s_node = m->classes[s].hostnet, s_open = !(x->iso[s] & NV_TYPE_EGRESS);
    int sdom = s_node ? NV_DOM_NODE : NV_DOM_POD;
    uint32_t e = x->egr[d], in = x->ing[d];
    int eg = x->ipb && !s_open && e != NV_PORTS_ALL && (x->eg_ipdom[s] & NV_CLASS_DOM(m, d));
    int ig = x->ipb && in != NV_PORTS_ALL && (x->in_ipdom[d] & sdom);
    unsigned fams = nv_pair_fams(x, s, d);

    if (x->t) {
        nv_tier_cell(x, s, d);
        return;
    }
    x->res[d] = x->sure[d] = nv_ports_inter(pt, e, in);
    if ((eg || ig) && fams) {
        /* the pods' own addresses, of one family, matched against ipBlocks */
        uint32_t poss = NV_PORTS_NONE, all = NV_PORTS_ALL;
        int f;
        for (f = 0; f < 2; f++) {
            uint32_t ea = e, el = e, ia = in, il = in, any, every;
            if (!(fams & NV_FAMILY_BIT(f)))
                continue;
            if (eg) {
                nv_egress_dom(x, s, d, f, &any, &every);
                ea = nv_ports_union(pt, ea, any);
                el = nv_ports_union(pt, el, every);
            }
            if (ig) {
                ia = nv_ports_union(pt, ia, nv_ingress_dom(x, d, sdom, f, 0));
                il = nv_ports_union(pt, il, nv_ingress_dom(x, d, sdom, f, 1));
            }
            poss = nv_ports_union(pt, poss, nv_ports_inter(pt, ea, ia));
            all = nv_ports_inter(pt, all, nv_ports_inter(pt, el, il));
        }
        x->res[d] = poss;
        x->sure[d] = all;
    }
    /* a hostNetwork pod may run on the other pod's node, which always reaches it */
    if (x->node && (s_node || m->classes[d].hostnet))
        x->res[d] = NV_PORTS_ALL;
}

/*
 * Row of one class over classes and atoms (into to_atoms, if given): x->res
 * gets what is allowed under some addresses, family and placement of the two
 * pods, x->sure (when 'sure') what is allowed under every one.
 */
static void nv_class_row(struct nv_mx *x, uint32_t s, uint32_t *to_atoms, int sure)
{
    struct nv_ports *pt = x->m->ports;
    size_t d;

    if (x->t) {
        nv_tier_class_row(x, s, to_atoms);
        return;
    }
    if (to_atoms)
        nv_mx_to_atoms(x, s, to_atoms);
    nv_egress_row(x, s);
    nv_ingress_row(x, s);
    if (!x->ipb && !x->node) {
        for (d = 0; d < x->ncls; d++)
            x->res[d] = nv_ports_inter(pt, x->egr[d], x->ing[d]);
        if (sure)
            memcpy(x->sure, x->res, x->ncls * sizeof(*x->sure));
        return;
    }
    for (d = 0; d < x->ncls; d++)
        nv_class_cell(x, s, (uint32_t)d);
}

/*
 * Egress of s toward class d alone, ingress of d from s alone: what
 * nv_egress_row() and nv_ingress_row() give d, by testing the peer sets of
 * the rules that select s and d for membership instead of walking them.
 */
static int nv_pset_holds(const struct nv_pset *ps, uint32_t c)
{
    size_t w = c >> 6;

    return w >= ps->boff && w < ps->boff + ps->bn && ((ps->bits[w - ps->boff] >> (c & 63)) & 1);
}

static uint32_t nv_egress_cell(struct nv_mx *x, uint32_t s, uint32_t d)
{
    struct nv_ports *pt = x->m->ports;
    uint32_t v = NV_PORTS_NONE;
    size_t i, k;

    if (!(x->iso[s] & NV_TYPE_EGRESS))
        return NV_PORTS_ALL;
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        for (k = 0; k < r->npeers && !r->all_peers; k++)
            if (r->peers[k].kind == NV_PEER_PODS &&
                nv_pset_holds(&x->psets[x->peer_pset[r->peers[k].id]], d))
                break;
        if (r->all_peers || k < r->npeers)
            v = nv_ports_union(pt, v, NV_RULE_PORTS(x, r, d));
    }
    return v;
}

static uint32_t nv_ingress_cell(struct nv_mx *x, uint32_t s, uint32_t d)
{
    struct nv_ports *pt = x->m->ports;
    uint32_t v = (x->iso[d] & NV_TYPE_INGRESS) ? NV_PORTS_NONE : NV_PORTS_ALL;
    size_t i, k;

    for (i = 0; i < x->in_rules[d].n; i++) {
        const struct nv_ruleinfo *ri = &x->rules[x->in_rules[d].v[i]];
        for (k = 0; k < ri->psets.n && !ri->r->all_peers; k++)
            if (nv_pset_holds(&x->psets[ri->psets.v[k]], s))
                break;
        if (ri->r->all_peers || k < ri->psets.n)
            v = nv_ports_union(pt, v, NV_RULE_PORTS(x, ri->r, d));
    }
    return v;
}

/* nv_class_row() at the classes dst[0 .. n-1] only, without atoms: into x->res there. */
static void nv_class_row_at(struct nv_mx *x, uint32_t s, const uint32_t *dst, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++) {
        x->egr[dst[k]] = nv_egress_cell(x, s, dst[k]);
        x->ing[dst[k]] = nv_ingress_cell(x, s, dst[k]);
        nv_class_cell(x, s, dst[k]);
    }
}

/*
 * The distinct values of v over the atoms of domain dom in family fam, each
 * or'ed with base, into out (base alone when there are none).
 */
static size_t nv_domain_values(struct nv_mx *x, const uint32_t *v, int dom, int fam, uint32_t base,
                               uint32_t *out)
{
    struct nv_ports *pt = x->m->ports;
    size_t a, n = 0, j;

    for (a = 0; a < x->natoms; a++) {
        uint32_t id;
        if (!nv_in_dom(x, a, dom, fam))
            continue;
        id = nv_ports_union(pt, base, v[a]);
        for (j = 0; j < n && out[j] != id; j++)
            ;
        if (j == n)
            out[n++] = id;
    }
    if (!n)
        out[n++] = base;
    return n;
}

/*
 * Whether some addresses (of one family) of s and d leave the flow from s to d
 * no port at all (placed on different nodes). After nv_class_row(x, s, ...).
 */
static int nv_mx_may_block(struct nv_mx *x, uint32_t s, uint32_t d)
{
    struct nv_ports *pt = x->m->ports;
    uint32_t *ev, *iv;
    unsigned fams = nv_pair_fams(x, s, d);
    size_t i, j;
    int r = 0, f;

    if (x->t)
        return x->sure[d] == NV_PORTS_NONE; /* after nv_tier_class_row() */
    if (!x->ipb || !fams)
        return nv_ports_inter(pt, x->egr[d], x->ing[d]) == NV_PORTS_NONE;
    ev = nv_xmalloc((x->natoms + 1) * sizeof(*ev));
    iv = nv_xmalloc((x->natoms + 1) * sizeof(*iv));
    if ((x->iso[s] & NV_TYPE_EGRESS) && x->egr[d] != NV_PORTS_ALL)
        nv_egress_atoms(x, s, d, x->acc);
    if (x->ing[d] != NV_PORTS_ALL)
        nv_class_from_atoms(x, d, x->acc + x->natoms);
    for (f = 0; f < 2 && !r; f++) {
        size_t ne = 1, ni = 1;
        if (!(fams & NV_FAMILY_BIT(f)))
            continue;
        ev[0] = x->egr[d];
        iv[0] = x->ing[d];
        if ((x->iso[s] & NV_TYPE_EGRESS) && x->egr[d] != NV_PORTS_ALL)
            ne = nv_domain_values(x, x->acc, NV_CLASS_DOM(x->m, d), f, x->egr[d], ev);
        if (x->ing[d] != NV_PORTS_ALL)
            ni = nv_domain_values(x, x->acc + x->natoms, NV_CLASS_DOM(x->m, s), f, x->ing[d], iv);
        for (i = 0; i < ne && !r; i++)
            for (j = 0; j < ni && !r; j++)
                r = nv_ports_inter(pt, ev[i], iv[j]) == NV_PORTS_NONE;
    }
    free(ev);
    free(iv);
    return r;
}

/* Unit u's row: what some (to_units) and every (sure, may be NULL) address allows. */
static void nv_mx_row(struct nv_mx *x, uint32_t u, uint32_t *to_units, uint32_t *sure,
                      uint32_t *to_atoms, uint32_t *atoms_sure)
{
    const struct nv_model *m = x->m;
    struct nv_ports *pt = x->m->ports;
    const struct nv_unit *un = &m->units[u];
    size_t i, v, j;

    for (i = 0; i < un->ncls; i++) {
        uint32_t *atoms = to_atoms ? (i ? x->atoms_scratch : to_atoms) : NULL;
        nv_class_row(x, un->cls[i], atoms, sure != NULL);
        if (atoms && atoms_sure) {
            /* what every address allows toward an atom: only the tiers tell it apart */
            const uint32_t *sa = x->t ? x->tsure_atoms : atoms;
            for (v = 0; v < x->natoms; v++)
                atoms_sure[v] = i ? nv_ports_union(pt, atoms_sure[v], sa[v]) : sa[v];
        }
        if (i == 0) {
            memcpy(to_units, x->res, x->ncls * sizeof(*to_units));
            if (sure)
                memcpy(sure, x->sure, x->ncls * sizeof(*sure));
        } else {
            for (v = 0; v < x->ncls; v++)
                to_units[v] = nv_ports_union(pt, to_units[v], x->res[v]);
            if (sure)
                for (v = 0; v < x->ncls; v++)
                    sure[v] = nv_ports_union(pt, sure[v], x->sure[v]);
            if (to_atoms)
                for (v = 0; v < x->natoms; v++)
                    to_atoms[v] = nv_ports_union(pt, to_atoms[v], atoms[v]);
        }
    }
    /* multi-class destination units: union over their classes */
    for (v = x->ncls; v < m->nunits; v++) {
        uint32_t id = NV_PORTS_NONE, sid = NV_PORTS_NONE;
        for (j = 0; j < m->units[v].ncls; j++) {
            id = nv_ports_union(pt, id, to_units[m->units[v].cls[j]]);
            if (sure)
                sid = nv_ports_union(pt, sid, sure[m->units[v].cls[j]]);
        }
        to_units[v] = id;
        if (sure)
            sure[v] = sid;
    }
}

/* What class d admits from every external atom (through the tiers, if any); sure (may be
 * NULL) gets what every address allows. */
static void nv_mx_class_from_atoms(struct nv_mx *x, uint32_t d, uint32_t *from_atoms,
                                   uint32_t *sure)
{
    if (x->t) {
        nv_tier_from_atoms(x, d, from_atoms, sure);
        return;
    }
    nv_class_from_atoms(x, d, from_atoms);
    if (sure)
        memcpy(sure, from_atoms, x->natoms * sizeof(*sure));
}

static void nv_mx_from_atoms(struct nv_mx *x, uint32_t u, uint32_t *from_atoms, uint32_t *sure)
{
    const struct nv_unit *un = &x->m->units[u];
    struct nv_ports *pt = x->m->ports;
    size_t i, a;

    for (i = 0; i < un->ncls; i++) {
        nv_mx_class_from_atoms(x, un->cls[i], i ? x->atoms_scratch : from_atoms,
                               sure ? x->tsure_atoms : NULL);
        if (i)
            for (a = 0; a < x->natoms; a++)
                from_atoms[a] = nv_ports_union(pt, from_atoms[a], x->atoms_scratch[a]);
        if (sure)
            for (a = 0; a < x->natoms; a++)
                sure[a] = i ? nv_ports_union(pt, sure[a], x->tsure_atoms[a]) : x->tsure_atoms[a];
    }
}

/* ---- word-parallel rows: which classes a source reaches on some port ---- */

static int nv_oi_iv_cmp(const void *pa, const void *pb)
{
    const struct nv_oi_iv *a = pa, *b = pb;

    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* OR the words of rule ri's classes (eff) into the union of list *u for signatures sigs. */
static void nv_oidx_union(const struct nv_mx *x, struct nv_oi_union **u, size_t *n, size_t *alloc,
                          uint64_t sigs, const struct nv_ruleinfo *ri)
{
    size_t i, j;

    for (i = 0; i < *n && (*u)[i].sigs != sigs; i++)
        ;
    if (i == *n) {
        NV_GROW(*u, *alloc, *n + 1);
        (*u)[i].sigs = sigs;
        (*u)[i].bits = nv_xcalloc(x->nwords + 1, sizeof(*(*u)[i].bits));
        (*n)++;
    }
    for (j = 0; j < ri->eff_n; j++)
        (*u)[i].bits[ri->eff_off + j] |= ri->eff[j];
}

/*
 * A rule's ports per port signature: each distinct set (NONE left out) in val[], the
 * signatures it holds on in sigs[] (UINT64_MAX alone: a rule without named ports, the same
 * set on every signature). Returns how many.
 */
static size_t nv_oidx_split(struct nv_mx *x, const struct nv_rule *r, uint32_t *val, uint64_t *sigs)
{
    size_t n = 0, i, j;

    if (!r->has_named) {
        if (r->numeric == NV_PORTS_NONE)
            return 0;
        val[0] = r->numeric;
        sigs[0] = UINT64_MAX;
        return 1;
    }
    for (i = 0; i < x->nportsigs; i++) {
        uint32_t v = nv_mx_rule_ports(x, r, x->sigrep[i]);
        if (v == NV_PORTS_NONE)
            continue;
        for (j = 0; j < n && val[j] != v; j++)
            ;
        if (j == n) {
            val[n] = v;
            sigs[n++] = 0;
        }
        sigs[j] |= (uint64_t)1 << i;
    }
    return n;
}

/* Index the ingress rules of list l by their ports (nv_bits_prepare() sets the signatures). */
static void nv_oidx_build(struct nv_mx *x, struct nv_oidx *ix, const struct nv_u32s *l)
{
    const struct nv_ports *pt = x->m->ports;
    size_t i, k, j, n, aiv = 0, awide = 0;
    uint32_t val[NV_BITS_MAX_SIGS];
    uint64_t sigs[NV_BITS_MAX_SIGS];

    for (i = 0; i < l->n; i++) {
        const struct nv_ruleinfo *ri = &x->rules[l->v[i]];
        if (!ri->eff_n)
            continue; /* admits to no class */
        n = nv_oidx_split(x, ri->r, val, sigs);
        for (j = 0; j < n; j++) {
            const struct nv_portset *ps;
            if (val[j] == NV_PORTS_ALL) {
                nv_oidx_union(x, &ix->any, &ix->nany, &ix->aany, sigs[j], ri);
                continue;
            }
            nv_oidx_union(x, &ix->spec, &ix->nspec, &ix->aspec, sigs[j], ri);
            ps = &pt->sets[val[j]];
            for (k = 0; k < ps->n; k++) {
                struct nv_oi_iv v;
                v.lo = ps->iv[2 * k];
                v.hi = ps->iv[2 * k + 1];
                v.rule = l->v[i];
                v.sigs = sigs[j];
                v.w = (uint32_t)ri->eff_off;
                v.e = ri->eff_n == 1 ? ri->eff[0] : ~(uint64_t)0;
                if (v.hi - v.lo > NV_OI_WIDE) {
                    NV_GROW(ix->wide, awide, ix->nwide + 1);
                    ix->wide[ix->nwide++] = v;
                } else {
                    NV_GROW(ix->iv, aiv, ix->niv + 1);
                    ix->iv[ix->niv++] = v;
                    if (v.hi - v.lo > ix->maxw)
                        ix->maxw = v.hi - v.lo;
                }
            }
        }
    }
    if (ix->niv)
        qsort(ix->iv, ix->niv, sizeof(*ix->iv), nv_oi_iv_cmp);
}

/* out |= (the classes of entry v's rule) & to (NULL: every class) & classes of the signatures
 * in 'set'. */
static void nv_oidx_add(const struct nv_mx *x, const struct nv_oi_iv *v, const uint64_t *to,
                        uint64_t set, uint64_t *out);

/* The rules of ix whose ports (some numeric ones) meet port set v (not NONE or ALL), on
 * signatures 'set': OR as nv_oidx_add, each on the signatures both hold their ports on. */
static void nv_oidx_meet_iv(const struct nv_mx *x, const struct nv_oidx *ix, uint32_t a, uint32_t b,
                            const uint64_t *to, uint64_t set, uint64_t *out)
{
    uint32_t from = a > ix->maxw ? a - ix->maxw : 0;
    size_t lo = 0, hi = ix->niv, i;

    /* the first interval starting at 'from' or later: every one that meets [a, b] does */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->iv[mid].lo < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < ix->niv && ix->iv[i].lo <= b; i++)
        if (ix->iv[i].hi >= a && (ix->iv[i].sigs & set))
            nv_oidx_add(x, &ix->iv[i], to, ix->iv[i].sigs & set, out);
    for (i = 0; i < ix->nwide; i++)
        if (ix->wide[i].lo <= b && ix->wide[i].hi >= a && (ix->wide[i].sigs & set))
            nv_oidx_add(x, &ix->wide[i], to, ix->wide[i].sigs & set, out);
}

static void nv_oidx_or(struct nv_mx *x, const uint64_t *bits, const uint64_t *to, uint64_t set,
                       uint64_t *out);

/*
 * What the entries of ix whose ports meet keys [a, b] admit to, each on the signatures it
 * holds them on, toward every class: kept from the second time it is asked for (egress rules
 * of many namespaces send to port 80, or to UDP 53), within NV_RC_BYTES over every index.
 * NULL when not kept.
 */
static const uint64_t *nv_oidx_cached(struct nv_mx *x, struct nv_oidx *ix, uint32_t a, uint32_t b)
{
    uint64_t k = ((uint64_t)a << 32 | b) + 1;
    size_t h, i;

    if ((ix->ncached + 1) * 2 > ix->ccap) {
        uint64_t *ok = ix->ckey, **ob = ix->cbits;
        size_t oc = ix->ccap;
        ix->ccap = oc ? oc * 2 : 64;
        ix->ckey = nv_xcalloc(ix->ccap, sizeof(*ix->ckey));
        ix->cbits = nv_xcalloc(ix->ccap, sizeof(*ix->cbits));
        for (i = 0; i < oc; i++) {
            if (!ok[i])
                continue;
            h = (size_t)((ok[i] * 0x9e3779b97f4a7c15ULL) >> 24) & (ix->ccap - 1);
            while (ix->ckey[h])
                h = (h + 1) & (ix->ccap - 1);
            ix->ckey[h] = ok[i];
            ix->cbits[h] = ob[i];
        }
        free(ok);
        free(ob);
    }
    h = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 24) & (ix->ccap - 1);
    while (ix->ckey[h] && ix->ckey[h] != k)
        h = (h + 1) & (ix->ccap - 1);
    if (!ix->ckey[h]) {
        ix->ckey[h] = k; /* asked for once */
        ix->ncached++;
        return NULL;
    }
    if (!ix->cbits[h]) {
        if (x->ivc_made >= NV_RC_BYTES / ((x->nwords + 1) * sizeof(uint64_t)))
            return NULL;
        x->ivc_made++;
        ix->cbits[h] = nv_xcalloc(x->nwords + 1, sizeof(*ix->cbits[h]));
        nv_oidx_meet_iv(x, ix, a, b, NULL, UINT64_MAX, ix->cbits[h]);
    }
    return ix->cbits[h];
}

static void nv_oidx_meet(struct nv_mx *x, struct nv_oidx *ix, uint32_t v, const uint64_t *to,
                         uint64_t set, uint64_t *out)
{
    const struct nv_portset *ps = &x->m->ports->sets[v];
    size_t k;

    for (k = 0; k < ps->n; k++) {
        uint32_t a = ps->iv[2 * k], b = ps->iv[2 * k + 1];
        const uint64_t *u = nv_oidx_cached(x, ix, a, b);
        if (u)
            nv_oidx_or(x, u, to, set, out);
        else
            nv_oidx_meet_iv(x, ix, a, b, to, set, out);
    }
}

/*
 * Prepare the bit rows: usable when no class runs in the host network (its
 * pods' addresses are their node's) and the classes have at most
 * NV_BITS_MAX_SIGS port signatures. Returns whether they are usable.
 */
static int nv_bits_prepare(struct nv_mx *x)
{
    const struct nv_model *m = x->m;
    size_t i, q, j, nw = x->nwords;

    if (x->bits_state)
        return x->bits_state > 0;
    x->bits_state = -1;
    if (x->t)
        return 0; /* the tiers decide per pair */
    if (x->nportsigs > NV_BITS_MAX_SIGS)
        return 0;
    for (i = 0; i < x->ncls; i++)
        if (m->classes[i].hostnet || x->portsig[i] >= NV_MAX_PORTSIGS)
            return 0;
    x->notiso_in = nv_xcalloc(nw + 1, sizeof(*x->notiso_in));
    for (i = 0; i < x->ncls; i++)
        if (!(x->iso[i] & NV_TYPE_INGRESS))
            NV_SETBIT(x->notiso_in, i);
    /*
     * When ipBlocks match pods, an ipBlock holding pod addresses of a family
     * admits every pod source of that family (some address of it is there):
     * the families pods have are decided one pass each (a flow uses one).
     */
    x->npass = 0;
    for (i = 0; x->ipb && i < 2; i++)
        if (m->domfam[0] & NV_FAMILY_BIT(i))
            x->pass_fam[x->npass++] = (int)i;
    if (!x->npass)
        x->pass_fam[x->npass++] = -1;
    x->base_any = nv_xcalloc(nw + 1, sizeof(*x->base_any));
    memcpy(x->base_any, x->notiso_in, nw * sizeof(*x->base_any));
    for (i = 0; i < x->nrules; i++) {
        const struct nv_ruleinfo *ri = &x->rules[i];
        int open = 0;
        if (!ri->eff)
            continue; /* not an ingress rule, or its namespace has no class */
        if (ri->r->all_peers)
            open = 1;
        for (q = 0; q < x->npass; q++) {
            if (x->pass_fam[q] < 0 || !(ri->ippod & NV_FAMILY_BIT(x->pass_fam[q])))
                continue;
            nv_u32s_push(&x->ipin[q], (uint32_t)i);
            open = 1;
        }
        if (open)
            for (j = 0; j < ri->eff_n; j++)
                x->base_any[ri->eff_off + j] |= ri->eff[j];
    }
    x->sigbits = nv_xcalloc(x->nportsigs * nw + 1, sizeof(*x->sigbits));
    for (i = 0; i < x->ncls; i++)
        NV_SETBIT(x->sigbits + x->portsig[i] * nw, i);
    x->tobits = nv_xcalloc(x->nrules + 1, sizeof(*x->tobits));
    x->gcache = nv_xcalloc(2 * x->nrules + 1, sizeof(*x->gcache));
    x->numof = nv_xcalloc(x->nrules + 1, sizeof(*x->numof));
    {
        /* the distinct numeric port sets of the rules, by a table on their ids */
        size_t cap = 64, h;
        uint32_t *key, *val;
        while (cap < 2 * x->nrules + 2)
            cap *= 2;
        key = nv_xmalloc(cap * sizeof(*key));
        val = nv_xmalloc(cap * sizeof(*val));
        memset(key, 0xff, cap * sizeof(*key));
        for (i = 0; i < x->nrules; i++) {
            uint32_t n = x->rules[i].r->numeric;
            h = (size_t)((n * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
            while (key[h] != UINT32_MAX && key[h] != n)
                h = (h + 1) & (cap - 1);
            if (key[h] == UINT32_MAX) {
                key[h] = n;
                val[h] = (uint32_t)x->nnum++;
            }
            x->numof[i] = val[h];
        }
        free(key);
        free(val);
        if (x->nnum <= NV_BITS_MAX_NUMSETS)
            x->nummeet = nv_xcalloc(x->nnum * x->nnum + 1, 1);
    }
    x->pcommon = nv_xcalloc(NV_BITS_MAX_PCOMMON + 1, sizeof(*x->pcommon));
    x->gset = nv_xcalloc(x->nrules + 1, sizeof(*x->gset));
    x->gset_have = nv_xcalloc(x->nrules + 1, 1);
    x->rstamp = nv_xcalloc(x->nrules + 1, sizeof(*x->rstamp));
    x->cm_val = nv_xmalloc((NV_CM_SLOTS * x->nrules + 1) * sizeof(*x->cm_val));
    x->cm_stamp = nv_xcalloc(NV_CM_SLOTS * x->nrules + 1, sizeof(*x->cm_stamp));
    x->cm_slot = nv_xcalloc(x->nrules + 1, sizeof(*x->cm_slot));
    x->cm_sstamp = nv_xcalloc(x->nrules + 1, sizeof(*x->cm_sstamp));
    nv_oidx_build(x, &x->oi_open, &x->open_in);
    for (q = 0; q < x->npass; q++)
        nv_oidx_build(x, &x->oi_ipin[q], &x->ipin[q]);
    x->bits_state = 1;
    return 1;
}

/* The classes egress rule g's pod peers hold (computed on first use). */
static const uint64_t *nv_bits_peers(struct nv_mx *x, const struct nv_ruleinfo *g)
{
    size_t id = (size_t)(g - x->rules), k, w;
    const struct nv_rule *r = g->r;
    uint64_t *v;

    if (x->tobits[id])
        return x->tobits[id];
    v = x->tobits[id] = nv_xcalloc(x->nwords + 1, sizeof(*v));
    nv_u32s_push(&x->tomade, (uint32_t)id);
    for (k = 0; k < r->npeers; k++) {
        uint32_t ps = x->peer_pset[r->peers[k].id];
        if (ps != UINT32_MAX)
            for (w = 0; w < x->psets[ps].bn; w++)
                v[x->psets[ps].boff + w] |= x->psets[ps].bits[w];
    }
    return v;
}

/* Whether egress rule g sends to every class in pass q (ports aside). */
static int nv_bits_to_all(const struct nv_mx *x, const struct nv_ruleinfo *g, size_t q)
{
    return g->r->all_peers || (x->pass_fam[q] >= 0 && (g->ippod & NV_FAMILY_BIT(x->pass_fam[q])));
}

/*
 * The port signatures (bit i: signature i) toward whose classes egress rule
 * g and ingress rule r (NULL: any port) have a port in common; UINT64_MAX
 * stands for every signature.
 */
/* Whether port sets a and b have a port in common (no set is made). */
static int nv_matrix_ports_meet(const struct nv_ports *t, uint32_t a, uint32_t b)
{
    const struct nv_portset *p, *q;
    size_t i = 0, j = 0;

    if (a == NV_PORTS_NONE || b == NV_PORTS_NONE)
        return 0;
    if (a == NV_PORTS_ALL || b == NV_PORTS_ALL || a == b)
        return 1;
    p = &t->sets[a];
    q = &t->sets[b];
    while (i < p->n && j < q->n) {
        if (p->iv[2 * i + 1] < q->iv[2 * j])
            i++;
        else if (q->iv[2 * j + 1] < p->iv[2 * i])
            j++;
        else
            return 1;
    }
    return 0;
}

/*
 * nv_oidx_split() of rule ri's ports, made once per rule: *val and *sigs get its arrays.
 * Returns how many.
 */
static size_t nv_bits_split(struct nv_mx *x, const struct nv_ruleinfo *ri, const uint32_t **val,
                            const uint64_t **sigs)
{
    size_t id = (size_t)(ri - x->rules), n;
    uint32_t v[NV_BITS_MAX_SIGS];
    uint64_t sg[NV_BITS_MAX_SIGS];

    if (!x->split) {
        x->split = nv_xcalloc(x->nrules + 1, sizeof(*x->split));
        x->nsplit = nv_xcalloc(x->nrules + 1, sizeof(*x->nsplit));
    }
    if (!x->split[id]) {
        n = nv_oidx_split(x, ri->r, v, sg);
        x->split[id] = nv_xmalloc((n + 1) * (sizeof(*v) + sizeof(*sg)));
        memcpy(x->split[id], sg, n * sizeof(*sg));
        memcpy((uint64_t *)x->split[id] + n, v, n * sizeof(*v));
        x->nsplit[id] = (unsigned char)n;
    }
    n = x->nsplit[id];
    *sigs = x->split[id];
    *val = (const uint32_t *)((const uint64_t *)x->split[id] + n);
    return n;
}

/*
 * The port signatures (bit i: signature i) toward whose classes egress rule g and ingress
 * rule r (NULL: any port) have a port in common; UINT64_MAX stands for every signature. With
 * named ports, their distinct port sets over the signatures are met pairwise.
 */
static uint64_t nv_bits_compat_eval(struct nv_mx *x, const struct nv_ruleinfo *gi,
                                    const struct nv_ruleinfo *ri)
{
    const struct nv_ports *pt = x->m->ports;
    const struct nv_rule *g = gi->r, *r = ri ? ri->r : NULL;
    const uint32_t *gv, *rv;
    const uint64_t *gs, *rs;
    uint64_t set = 0, full;
    size_t ng, nr, a, b;

    if (!g->has_named && (!r || !r->has_named))
        return (r ? nv_matrix_ports_meet(pt, g->numeric, r->numeric) : g->numeric != NV_PORTS_NONE)
                   ? UINT64_MAX
                   : 0;
    if (!x->nportsigs)
        return 0;
    full = ((uint64_t)1 << (x->nportsigs - 1) << 1) - 1;
    ng = nv_bits_split(x, gi, &gv, &gs);
    nr = ri ? nv_bits_split(x, ri, &rv, &rs) : 0;
    for (a = 0; a < ng; a++) {
        if (!ri) {
            set |= gs[a];
            continue;
        }
        for (b = 0; b < nr; b++) {
            uint64_t both = gs[a] & rs[b] & full;
            if ((both & ~set) && nv_matrix_ports_meet(pt, gv[a], rv[b]))
                set |= both;
        }
    }
    set &= full;
    return set == full ? UINT64_MAX : set;
}

/* nv_bits_compat_eval(); with numeric ports only, a port test remembered per pair of sets. */
static uint64_t nv_bits_compat(struct nv_mx *x, const struct nv_ruleinfo *g,
                               const struct nv_ruleinfo *r)
{
    unsigned char *known;

    if (g->r->has_named || r->r->has_named)
        return nv_bits_compat_eval(x, g, r);
    if (!x->nummeet)
        return nv_matrix_ports_meet(x->m->ports, g->r->numeric, r->r->numeric) ? UINT64_MAX : 0;
    known = &x->nummeet[x->numof[g - x->rules] * x->nnum + x->numof[r - x->rules]];
    if (!*known)
        *known = nv_matrix_ports_meet(x->m->ports, g->r->numeric, r->r->numeric) ? 2 : 1;
    return *known == 2 ? UINT64_MAX : 0;
}

/* The classes of word w whose port signature is in 'set'. */
static uint64_t nv_bits_sigmask(const struct nv_mx *x, uint64_t set, size_t w)
{
    uint64_t v = 0;
    size_t i;

    if (set == UINT64_MAX)
        return ~(uint64_t)0;
    for (i = 0; set; i++, set >>= 1)
        if (set & 1)
            v |= x->sigbits[i * x->nwords + w];
    return v;
}

/*
 * The classes whose port signature is in 'set' (not every signature), as words: kept per
 * distinct set (a few hundred; their memory within NV_SIGW_BYTES). NULL once that many are
 * kept and 'set' is not one of them.
 */
static const uint64_t *nv_bits_sigwords(struct nv_mx *x, uint64_t set)
{
    size_t h, i, w, nw = x->nwords;
    uint64_t *v;

    if (!x->sigw_bits) {
        x->sigw_key = nv_xcalloc(NV_SIGW_SLOTS, sizeof(*x->sigw_key));
        x->sigw_bits = nv_xcalloc(NV_SIGW_SLOTS, sizeof(*x->sigw_bits));
        x->sigw_max = NV_SIGW_BYTES / ((nw + 1) * sizeof(uint64_t));
        if (x->sigw_max > NV_SIGW_SLOTS / 2)
            x->sigw_max = NV_SIGW_SLOTS / 2;
    }
    h = (size_t)((set * 0x9e3779b97f4a7c15ULL) >> 40) & (NV_SIGW_SLOTS - 1);
    while (x->sigw_bits[h]) {
        if (x->sigw_key[h] == set)
            return x->sigw_bits[h];
        h = (h + 1) & (NV_SIGW_SLOTS - 1);
    }
    if (x->nsigw >= x->sigw_max)
        return NULL;
    x->nsigw++;
    x->sigw_key[h] = set;
    v = x->sigw_bits[h] = nv_xcalloc(nw + 1, sizeof(*v));
    for (i = 0; set; i++, set >>= 1)
        if (set & 1)
            for (w = 0; w < nw; w++)
                v[w] |= x->sigbits[i * nw + w];
    return v;
}

static void nv_oidx_add(const struct nv_mx *x, const struct nv_oi_iv *v, const uint64_t *to,
                        uint64_t set, uint64_t *out)
{
    const struct nv_ruleinfo *r;
    size_t j;

    if (v->e != ~(uint64_t)0) {
        /* one word, kept in the entry */
        uint64_t e = to ? v->e & to[v->w] : v->e;
        if (e)
            out[v->w] |= e & nv_bits_sigmask(x, set, v->w);
        return;
    }
    r = &x->rules[v->rule];
    for (j = 0; j < r->eff_n; j++) {
        size_t w = r->eff_off + j;
        uint64_t e = r->eff[j];
        if (to)
            e &= to[w];
        if (e)
            out[w] |= e & nv_bits_sigmask(x, set, w);
    }
}

/* out |= bits & to (NULL: every class) & the classes of the signatures in 'set'. */
static void nv_oidx_or(struct nv_mx *x, const uint64_t *bits, const uint64_t *to, uint64_t set,
                       uint64_t *out)
{
    const uint64_t *sw = set == UINT64_MAX ? NULL : nv_bits_sigwords(x, set);
    size_t w;

    for (w = 0; w < x->nwords; w++) {
        uint64_t e = bits[w];
        if (to)
            e &= to[w];
        if (e)
            out[w] |= e & (set == UINT64_MAX ? ~(uint64_t)0
                           : sw              ? sw[w]
                                             : nv_bits_sigmask(x, set, w));
    }
}

/*
 * What the rules of ix admit from a source whose egress rule g sends to 'to' (NULL: every
 * class), on the ports they share with g: ORed into out. The same as nv_bits_admitted_to()
 * over every rule of the list: per signature, a rule counts where both have a port in common.
 */
static void nv_bits_oi(struct nv_mx *x, struct nv_oidx *ix, const struct nv_ruleinfo *g,
                       const uint64_t *to, uint64_t *out)
{
    const uint32_t *val;
    const uint64_t *sigs;
    size_t n = nv_bits_split(x, g, &val, &sigs), j, k;

    for (j = 0; j < n; j++) {
        for (k = 0; k < ix->nany; k++)
            if (ix->any[k].sigs & sigs[j]) /* every port meets g's */
                nv_oidx_or(x, ix->any[k].bits, to, ix->any[k].sigs & sigs[j], out);
        if (val[j] == NV_PORTS_ALL) {
            for (k = 0; k < ix->nspec; k++)
                if (ix->spec[k].sigs & sigs[j])
                    nv_oidx_or(x, ix->spec[k].bits, to, ix->spec[k].sigs & sigs[j], out);
        } else {
            nv_oidx_meet(x, ix, val[j], to, sigs[j], out);
        }
    }
}

/* The key of (role, numeric port set) in rc_key (never 0). */
static uint64_t nv_rc_key(uint32_t role, uint32_t numeric)
{
    return ((uint64_t)role << 32 | numeric) + 1;
}

/* The slot of key k in rc_key: its own, or the empty one it would take. */
static size_t nv_rc_slot(const struct nv_mx *x, uint64_t k)
{
    size_t h = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 24) & (x->rc_cap - 1);

    while (x->rc_key[h] && x->rc_key[h] != k)
        h = (h + 1) & (x->rc_cap - 1);
    return h;
}

static void nv_bits_role_index(struct nv_mx *x, uint32_t role, const struct nv_u32s *nsp);

/*
 * What the rules of role 'role' admit to on the ports of egress rule g (no named port),
 * toward every class, when egress rules of other namespaces of the role have the same
 * numeric ports (a default DNS rule, say): kept, within a memory bound. NULL otherwise.
 */
static const uint64_t *nv_bits_role_common(struct nv_mx *x, const struct nv_ruleinfo *g,
                                           uint32_t role, const struct nv_u32s *nsp)
{
    size_t h, i;

    if (!x->rc_key) {
        /* the (role, ports) pairs that egress rules of two namespaces or more have: seen once,
         * a key; seen again from another namespace, a slot to fill (rc_bits set to itself
         * as a mark until made) */
        uint32_t *lastns;
        size_t n = 0;
        for (i = 0; i < x->nrules; i++)
            n += x->rules[i].r->dir == NV_EGRESS && !x->rules[i].r->has_named;
        x->rc_cap = 64;
        while (x->rc_cap < 2 * n + 2)
            x->rc_cap *= 2;
        x->rc_key = nv_xcalloc(x->rc_cap, sizeof(*x->rc_key));
        x->rc_bits = nv_xcalloc(x->rc_cap, sizeof(*x->rc_bits));
        lastns = nv_xmalloc(x->rc_cap * sizeof(*lastns));
        x->rc_max = NV_RC_BYTES / ((x->nwords + 1) * sizeof(uint64_t));
        for (i = 0; i < x->nrules; i++) {
            const struct nv_rule *r = x->rules[i].r;
            unsigned ns = r->policy->nsidx;
            uint64_t k;
            if (r->dir != NV_EGRESS || r->has_named)
                continue;
            k = nv_rc_key(x->ns_role[ns], r->numeric);
            h = nv_rc_slot(x, k);
            if (!x->rc_key[h]) {
                x->rc_key[h] = k;
                lastns[h] = ns;
            } else if (lastns[h] != ns) {
                x->rc_bits[h] = (uint64_t *)x->rc_bits; /* wanted */
            }
        }
        free(lastns);
    }
    h = nv_rc_slot(x, nv_rc_key(role, g->r->numeric));
    if (!x->rc_key[h] || !x->rc_bits[h])
        return NULL;
    if (x->rc_bits[h] == (uint64_t *)x->rc_bits) {
        if (x->rc_made == x->rc_max)
            return NULL;
        x->rc_made++;
        x->rc_bits[h] = nv_xcalloc(x->nwords + 1, sizeof(*x->rc_bits[h]));
        nv_bits_role_index(x, role, nsp);
        nv_bits_oi(x, &x->role_ix[role], g, NULL, x->rc_bits[h]);
    }
    return x->rc_bits[h];
}

/*
 * What the ingress rules admitting through the peer sets of nsp (each holding every class of
 * g's namespace, so every source of g) admit toward 'to' (NULL: every class) on the ports
 * they share with egress rule g: ORed into out.
 */
static void nv_bits_common_ns(struct nv_mx *x, const struct nv_ruleinfo *g, const uint64_t *to,
                              const struct nv_u32s *nsp, uint64_t *out)
{
    unsigned ns = g->r->policy->nsidx;
    uint32_t role = x->ns_role[ns];
    const uint64_t *rc;

    if (!nsp || !nsp->n)
        return;
    if (!g->r->has_named && (rc = nv_bits_role_common(x, g, role, nsp))) {
        size_t w;
        for (w = 0; w < x->nwords; w++)
            out[w] |= to ? rc[w] & to[w] : rc[w];
        return;
    }
    nv_bits_role_index(x, role, nsp);
    nv_bits_oi(x, &x->role_ix[role], g, to, out);
}

/* Index the rules of role 'role' (peer sets nsp) by their ports, once. */
static void nv_bits_role_index(struct nv_mx *x, uint32_t role, const struct nv_u32s *nsp)
{
    if (!x->role_built) {
        x->role_ix = nv_xcalloc(x->nroles + 1, sizeof(*x->role_ix));
        x->role_built = nv_xcalloc(x->nroles + 1, 1);
    }
    if (!x->role_built[role]) {
        /* the rules of the role's peer sets, each once, indexed by their ports */
        struct nv_u32s rules = {NULL, 0, 0};
        unsigned char *seen = nv_xcalloc(x->nrules + 1, 1);
        size_t i, k;
        for (i = 0; i < nsp->n; i++) {
            const struct nv_pset *ps = &x->psets[nsp->v[i]];
            for (k = 0; k < ps->in_rules.n; k++)
                if (!seen[ps->in_rules.v[k]]) {
                    seen[ps->in_rules.v[k]] = 1;
                    nv_u32s_push(&rules, ps->in_rules.v[k]);
                }
        }
        nv_oidx_build(x, &x->role_ix[role], &rules);
        free(seen);
        free(rules.v);
        x->role_built[role] = 1;
    }
}

/*
 * nv_bits_common() of an egress rule g with no named port as if it sent to every class:
 * the same for every such rule with g's numeric port set (its ports toward a class, and
 * so whether they meet an ingress rule's, are that set whatever the class), kept for the
 * whole walk of the rows. NULL when NV_BITS_MAX_PCOMMON are kept.
 */
static const uint64_t *nv_bits_pcommon(struct nv_mx *x, const struct nv_ruleinfo *g, size_t q,
                                       int ipin_only)
{
    struct nv_bits_pcommon *pc;
    size_t i, nw = x->nwords;

    for (i = 0; i < x->npcommon; i++) {
        pc = &x->pcommon[i];
        if (pc->numeric == g->r->numeric && pc->q == q && pc->ipin_only == ipin_only)
            return pc->bits;
    }
    if (x->npcommon == NV_BITS_MAX_PCOMMON)
        return NULL;
    pc = &x->pcommon[x->npcommon++];
    pc->numeric = g->r->numeric;
    pc->q = (unsigned char)q;
    pc->ipin_only = (unsigned char)ipin_only;
    pc->bits = nv_xcalloc(nw + 1, sizeof(*pc->bits));
    if (!ipin_only) {
        memcpy(pc->bits, x->notiso_in, nw * sizeof(*pc->bits)); /* g has some port */
        nv_bits_oi(x, &x->oi_open, g, NULL, pc->bits);
    }
    nv_bits_oi(x, &x->oi_ipin[q], g, NULL, pc->bits);
    return pc->bits;
}

/* OR into out the classes source class s reaches on some port (nv_bits_prepare() done). */
/*
 * What egress rule g reaches in pass q through what admits every source: the
 * classes not isolated for ingress and the ingress rules every source meets
 * (no 'from', or an ipBlock holding pods of the pass's family). The same for
 * every source g applies to: kept while the sources are of one namespace (g's
 * policy selects in one namespace only).
 */
static const uint64_t *nv_bits_common(struct nv_mx *x, const struct nv_ruleinfo *g, size_t q,
                                      uint64_t set)
{
    size_t id = 2 * (size_t)(g - x->rules) + q, j, nw = x->nwords;
    const uint64_t *to = nv_bits_to_all(x, g, q) ? NULL : nv_bits_peers(x, g), *pc = NULL;
    int ipin_only = q && nv_bits_to_all(x, g, q) == nv_bits_to_all(x, g, 0);
    /* the peer sets holding every class of g's namespace admit each source of g */
    const struct nv_u32s *nsp = ipin_only ? NULL : &x->ns_psets[g->r->policy->nsidx];
    uint64_t *c;

    if (x->gcache[id])
        return x->gcache[id];
    if (!g->r->has_named)
        pc = nv_bits_pcommon(x, g, q, ipin_only);
    if (pc && !to && (!nsp || !nsp->n))
        return pc;
    c = x->gcache[id] = nv_xcalloc(nw + 1, sizeof(*c));
    nv_u32s_push(&x->gcached, (uint32_t)id);
    if (pc) {
        for (j = 0; j < nw; j++)
            c[j] = to ? pc[j] & to[j] : pc[j];
        nv_bits_common_ns(x, g, to, nsp, c);
        return c;
    }
    if (ipin_only) {
        /* where g sends is that of the first pass: only the ingress rules of this pass's
         * family can add to what the first pass found */
        nv_bits_oi(x, &x->oi_ipin[q], g, to, c);
        return c;
    }
    nv_oidx_or(x, x->notiso_in, to, set, c);
    nv_bits_oi(x, &x->oi_open, g, to, c);
    nv_bits_oi(x, &x->oi_ipin[q], g, to, c);
    nv_bits_common_ns(x, g, to, nsp, c);
    return c;
}

/* nv_bits_compat_eval(g, NULL): the port signatures egress rule g sends to, remembered. */
static uint64_t nv_bits_gset(struct nv_mx *x, const struct nv_ruleinfo *g)
{
    size_t id = (size_t)(g - x->rules);

    if (!x->gset_have[id]) {
        x->gset[id] = nv_bits_compat_eval(x, g, NULL);
        x->gset_have[id] = 1;
    }
    return x->gset[id];
}

/* A new row: no rule met yet (nv_bits_row_meets). */
static void nv_bits_row_start(struct nv_mx *x)
{
    if (++x->rgen == 0) {
        memset(x->rstamp, 0, x->nrules * sizeof(*x->rstamp));
        x->rgen = 1;
    }
}

/* Whether rule r is met for the first time in this row (a rule may admit through many sets). */
static int nv_bits_row_meets(struct nv_mx *x, uint32_t r)
{
    if (x->rstamp[r] == x->rgen)
        return 0;
    x->rstamp[r] = x->rgen;
    return 1;
}

/* What the ingress rules admit to through the peer sets holding every class of namespace ns
 * (ports aside), kept per role of namespaces. */
static const uint64_t *nv_bits_open_ns(struct nv_mx *x, unsigned ns)
{
    uint32_t role = x->ns_role[ns];
    const struct nv_u32s *l = &x->ns_psets[ns];
    size_t i, k, j;
    uint64_t *o;

    if (!x->role_open)
        x->role_open = nv_xcalloc(x->nroles + 1, sizeof(*x->role_open));
    if (x->role_open[role])
        return x->role_open[role];
    o = x->role_open[role] = nv_xcalloc(x->nwords + 1, sizeof(*o));
    for (i = 0; i < l->n; i++) {
        const struct nv_pset *ps = &x->psets[l->v[i]];
        for (k = 0; k < ps->in_rules.n; k++) {
            const struct nv_ruleinfo *ri = &x->rules[ps->in_rules.v[k]];
            for (j = 0; j < ri->eff_n; j++)
                o[ri->eff_off + j] |= ri->eff[j];
        }
    }
    return o;
}

/* An ingress rule of a peer set, as the rows visit it: its index in 'rules', and its classes
 * when they lie in one word (word w, bits e; e = 0: several words, read from the rule). */
struct nv_vis {
    uint32_t rule, w;
    uint64_t e;
    uint64_t sk; /* nv_bits_sketch() of its ports */
};

/*
 * A sketch of a rule's ports toward any class: bit h(k >> 7) for every port key k it holds
 * (every bit for named ports, or ranges too wide to list). Two rules whose sketches have no
 * bit in common have no port in common: the rows test that before their ports.
 */
static uint64_t nv_bits_sketch(const struct nv_mx *x, const struct nv_rule *r)
{
    const struct nv_portset *ps;
    uint64_t sk = 0;
    size_t i;

    if (r->has_named || r->numeric == NV_PORTS_ALL)
        return ~(uint64_t)0;
    if (r->numeric == NV_PORTS_NONE)
        return 0;
    ps = &x->m->ports->sets[r->numeric];
    for (i = 0; i < ps->n; i++) {
        uint32_t u = ps->iv[2 * i] >> 7, hi = ps->iv[2 * i + 1] >> 7;
        if (hi - u >= 64)
            return ~(uint64_t)0;
        for (; u <= hi; u++)
            sk |= (uint64_t)1 << ((u * 2654435761u) >> 26);
    }
    return sk;
}

/* Make vis and vis_off (nv_mx_cls_psets() done). */
static void nv_bits_vis(struct nv_mx *x)
{
    size_t i, k, n = 0;

    if (x->vis_off)
        return;
    x->vis_off = nv_xmalloc((x->npsets + 1) * sizeof(*x->vis_off));
    for (i = 0; i < x->npsets; i++)
        n += x->psets[i].in_rules.n;
    x->vis = nv_xmalloc((n + 1) * sizeof(*x->vis));
    for (n = 0, i = 0; i < x->npsets; i++) {
        const struct nv_u32s *l = &x->psets[i].in_rules;
        x->vis_off[i] = (uint32_t)n;
        for (k = 0; k < l->n; k++) {
            const struct nv_ruleinfo *ri = &x->rules[l->v[k]];
            x->vis[n].rule = l->v[k];
            x->vis[n].w = (uint32_t)ri->eff_off;
            x->vis[n].e = ri->eff_n == 1 ? ri->eff[0] : 0;
            x->vis[n].sk = nv_bits_sketch(x, ri->r);
            if (x->vis[n].e || ri->eff_n > 1)
                n++; /* a rule that admits to no class adds nothing */
        }
    }
    x->vis_off[x->npsets] = (uint32_t)n;
}

/* The egress rules of a source that are live in one pass, with where each sends. */
struct nv_bits_live {
    const struct nv_ruleinfo *g;
    uint64_t sk;        /* nv_bits_sketch() of g's ports */
    const uint64_t *to; /* NULL: every class */
    uint32_t slot;      /* its slot of remembered nv_bits_compat() (UINT32_MAX: none) */
};

/* Forget what nv_bits_compat() gave for the egress rules of the namespace before. */
static void nv_cm_reset(struct nv_mx *x)
{
    if (++x->cm_gen == 0) {
        memset(x->cm_stamp, 0, NV_CM_SLOTS * x->nrules * sizeof(*x->cm_stamp));
        memset(x->cm_sstamp, 0, x->nrules * sizeof(*x->cm_sstamp));
        x->cm_gen = 1;
    }
    x->cm_nslots = 0;
}

/* Egress rule g's slot (UINT32_MAX when every slot is taken). */
static uint32_t nv_cm_slot(struct nv_mx *x, const struct nv_ruleinfo *g)
{
    size_t id = (size_t)(g - x->rules);

    if (x->cm_sstamp[id] == x->cm_gen)
        return x->cm_slot[id];
    if (x->cm_nslots == NV_CM_SLOTS)
        return UINT32_MAX;
    x->cm_sstamp[id] = x->cm_gen;
    x->cm_slot[id] = (uint32_t)x->cm_nslots++;
    return x->cm_slot[id];
}

/* nv_bits_compat(x, l->g, rules[r]), remembered in l's slot. */
static uint64_t nv_cm_compat(struct nv_mx *x, const struct nv_bits_live *l, uint32_t r)
{
    size_t k;

    if (l->slot == UINT32_MAX)
        return nv_bits_compat(x, l->g, &x->rules[r]);
    k = (size_t)l->slot * x->nrules + r;
    if (x->cm_stamp[k] != x->cm_gen) {
        x->cm_val[k] = nv_bits_compat(x, l->g, &x->rules[r]);
        x->cm_stamp[k] = x->cm_gen;
    }
    return x->cm_val[k];
}

/*
 * OR into out the classes source class s reaches on some port (nv_bits_prepare() done).
 * An ingress rule admitting s is met once per row, whichever sets admit s through it and
 * however many egress rules s has: its words are tested against what the row still lacks
 * before any egress rule's ports are.
 */
static void nv_bits_row(struct nv_mx *x, uint32_t s, uint64_t *out)
{
    size_t i, k, j, q, nl, nw = x->nwords;
    struct nv_bits_live *live;

    nv_mx_cls_psets(x);
    nv_bits_vis(x);
    nv_bits_row_start(x);
    if (!(x->iso[s] & NV_TYPE_EGRESS)) {
        const uint64_t *o = nv_bits_open_ns(x, x->m->classes[s].ns);
        for (j = 0; j < nw; j++)
            out[j] |= x->base_any[j] | o[j];
        for (i = 0; i < x->cls_psets[s].n; i++) {
            uint32_t p = x->cls_psets[s].v[i];
            const struct nv_vis *v = x->vis + x->vis_off[p], *end = x->vis + x->vis_off[p + 1];
            for (; v < end; v++) {
                const struct nv_ruleinfo *ri;
                if (v->e) {
                    out[v->w] |= v->e; /* as cheap as asking whether it was met */
                    continue;
                }
                if (!nv_bits_row_meets(x, v->rule))
                    continue;
                ri = &x->rules[v->rule];
                for (j = 0; j < ri->eff_n; j++)
                    out[ri->eff_off + j] |= ri->eff[j];
            }
        }
        return;
    }
    if (x->m->classes[s].ns + 1 != x->gcache_ns) {
        /* a new namespace: its sources have other egress rules (rules of one namespace's
         * policies: what was kept for those before is of no more use) */
        for (i = 0; i < x->gcached.n; i++) {
            free(x->gcache[x->gcached.v[i]]);
            x->gcache[x->gcached.v[i]] = NULL;
        }
        x->gcached.n = 0;
        for (i = 0; i < x->tomade.n; i++) {
            free(x->tobits[x->tomade.v[i]]);
            x->tobits[x->tomade.v[i]] = NULL;
        }
        x->tomade.n = 0;
        x->gcache_ns = x->m->classes[s].ns + 1;
        nv_cm_reset(x);
    }
    live = nv_xmalloc((x->out_rules[s].n + 1) * sizeof(*live));
    for (q = 0; q < x->npass; q++) {
        nl = 0;
        for (i = 0; i < x->out_rules[s].n; i++) {
            const struct nv_ruleinfo *g = &x->rules[x->out_rules[s].v[i]];
            uint64_t set = nv_bits_gset(x, g);
            const uint64_t *c;
            if (!set)
                continue; /* no port toward any class */
            c = nv_bits_common(x, g, q, set);
            for (j = 0; j < nw; j++)
                out[j] |= c[j];
            if (q && nv_bits_to_all(x, g, q) == nv_bits_to_all(x, g, 0))
                continue; /* the rules admitting this source did their part in the first pass */
            live[nl].g = g;
            live[nl].slot = nv_cm_slot(x, g);
            live[nl].sk = nv_bits_sketch(x, g->r);
            live[nl++].to = nv_bits_to_all(x, g, q) ? NULL : nv_bits_peers(x, g);
        }
        if (!nl)
            continue;
        if (q)
            nv_bits_row_start(x);
        for (k = 0; k < x->cls_psets[s].n; k++) {
            uint32_t p = x->cls_psets[s].v[k];
            const struct nv_vis *v = x->vis + x->vis_off[p], *end = x->vis + x->vis_off[p + 1];
            for (; v < end; v++) {
                const struct nv_ruleinfo *r;
                size_t nw1 = 1;
                /* a rule of one word whose classes the row holds already adds nothing */
                if (v->e && !(v->e & ~out[v->w]))
                    continue;
                if (!nv_bits_row_meets(x, v->rule))
                    continue;
                r = &x->rules[v->rule];
                if (!v->e)
                    nw1 = r->eff_n;
                for (j = 0; j < nw1; j++) {
                    size_t w = v->e ? v->w : r->eff_off + j, l;
                    uint64_t lack = (v->e ? v->e : r->eff[j]) & ~out[w];
                    for (l = 0; l < nl && lack; l++) {
                        uint64_t e1 = live[l].to ? lack & live[l].to[w] : lack, set;
                        if (!e1 || !(live[l].sk & v->sk))
                            continue;
                        set = nv_cm_compat(x, &live[l], v->rule);
                        out[w] |= e1 & nv_bits_sigmask(x, set, w);
                        lack &= ~out[w];
                    }
                }
            }
        }
    }
    free(live);
    if (x->ncls & 63)
        out[nw - 1] &= ((uint64_t)1 << (x->ncls & 63)) - 1;
}

/* Whether class s (isolated or not) sends to some external address, and whether one reaches d. */
/* Whether row v (n entries) has a port somewhere. */
static int nv_matrix_row_some(const uint32_t *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] != NV_PORTS_NONE)
            return 1;
    return 0;
}

/* Through the tiers: whether class u reaches (NV_EGRESS) or is reached from (NV_INGRESS) some
 * external atom on some port. */
static int nv_tier_outside(struct nv_mx *x, uint32_t u, int dir)
{
    uint32_t *row = nv_xmalloc((x->natoms + 1) * sizeof(*row));
    int some;

    if (dir == NV_EGRESS)
        nv_tier_to_atoms(x, u, row, NULL);
    else
        nv_tier_from_atoms(x, u, row, NULL);
    some = nv_matrix_row_some(row, x->natoms);
    free(row);
    return some;
}

static int nv_mx_reaches_outside(struct nv_mx *x, uint32_t s)
{
    size_t i, k;

    if (!x->natoms)
        return 0;
    if (x->t)
        return nv_tier_outside(x, s, NV_EGRESS);
    if (!(x->iso[s] & NV_TYPE_EGRESS))
        return 1;
    for (i = 0; i < x->out_rules[s].n; i++) {
        const struct nv_rule *r = x->rules[x->out_rules[s].v[i]].r;
        if (nv_mx_rule_ports_ext(r) == NV_PORTS_NONE)
            continue;
        if (r->all_peers)
            return 1;
        for (k = 0; k < r->npeers; k++)
            if (r->peers[k].kind == NV_PEER_IPBLOCK && x->members[r->peers[k].id].n)
                return 1;
    }
    return 0;
}

static int nv_mx_reached_from_outside(struct nv_mx *x, uint32_t d)
{
    size_t i, k;

    if (!x->natoms)
        return 0;
    if (x->t)
        return nv_tier_outside(x, d, NV_INGRESS);
    if (!(x->iso[d] & NV_TYPE_INGRESS))
        return 1;
    for (i = 0; i < x->in_rules[d].n; i++) {
        const struct nv_rule *r = x->rules[x->in_rules[d].v[i]].r;
        int ext = r->all_peers;
        for (k = 0; k < r->npeers && !ext; k++)
            ext = r->peers[k].kind == NV_PEER_IPBLOCK && x->members[r->peers[k].id].n;
        if (ext && NV_RULE_PORTS(x, r, d) != NV_PORTS_NONE)
            return 1;
    }
    return 0;
}

/* ---- every combination of the unknown behaviours ---- */

struct nv_matrix {
    const struct nv_model *m;
    struct nv_matrix_mask mask; /* its arrays are the caller's */
    size_t n;
    struct nv_combo combos[NV_MAX_COMBOS];
    struct nv_mx *e[NV_MAX_COMBOS];
    int exact; /* one combination, where addresses and nodes play no part */
    /* allows nothing another combination does not (ipBlocks ignoring pods, where another
     * combination matches them and agrees on the rest): rows of what some combination
     * allows skip it */
    unsigned char dominated[NV_MAX_COMBOS];
    uint32_t *tu, *ts, *ta, *tb; /* scratch rows: units, units, atoms, atoms */
    struct nv_tiers *t;          /* the policy tiers, shared by the engines (NULL: none) */
};

struct nv_matrix *nv_matrix_new(const struct nv_model *m)
{
    return nv_matrix_new_masked(m, NULL);
}

struct nv_matrix *nv_matrix_new_masked(const struct nv_model *m, const struct nv_matrix_mask *mask)
{
    struct nv_matrix *x = nv_xcalloc(1, sizeof(*x));
    size_t i;

    x->m = m;
    if (mask) {
        x->mask = *mask;
        mask = &x->mask;
    }
    x->n = nv_model_combos(m, x->combos);
    for (i = 0; i < x->n; i++) {
        size_t j;
        for (j = 0; j < i && x->e[j]->node != (x->combos[i].v[NV_B_HOSTNET] == NV_HOSTNET_NODE);
             j++)
            ;
        x->e[i] = nv_mx_new(m, mask, &x->combos[i], j < i ? x->e[j] : NULL);
    }
    for (i = 0; i < x->n; i++) {
        struct nv_combo c = x->combos[i];
        size_t j;
        if (c.v[NV_B_IPBLOCK_PODS] != NV_IPBLOCK_IGNORES_PODS)
            continue;
        c.v[NV_B_IPBLOCK_PODS] = NV_IPBLOCK_MATCHES_PODS;
        for (j = 0; j < x->n; j++)
            if (!memcmp(x->combos[j].v, c.v, sizeof(c.v)))
                x->dominated[i] = 1;
    }
    if (m->ntiered) {
        x->t = nv_tiers_new(m, x->e[0]->portsig, x->e[0]->nportsigs);
        for (i = 0; i < x->n; i++)
            x->e[i]->t = x->t;
    }
    /* the tiers' walk widens what it cannot tell (ties, peers that may hold a pod) */
    x->exact = x->n == 1 && !x->e[0]->ipb && !x->t;
    for (i = 0; x->exact && i < m->nclasses; i++)
        if (x->e[0]->node && m->classes[i].hostnet)
            x->exact = 0;
    if (getenv("NETVERIFY_TIMING"))
        fprintf(stderr,
                "netverify: engine: %zu classes, %zu units, %zu address atoms, %zu combinations\n",
                m->nclasses, m->nunits, m->atoms.n, x->n);
    x->tu = nv_xmalloc((m->nunits + 1) * sizeof(*x->tu));
    x->ts = nv_xmalloc((m->nunits + 1) * sizeof(*x->ts));
    x->ta = nv_xmalloc((m->atoms.n + 1) * sizeof(*x->ta));
    x->tb = nv_xmalloc((m->atoms.n + 1) * sizeof(*x->tb));
    return x;
}

void nv_matrix_free(struct nv_matrix *x)
{
    size_t i;

    if (!x)
        return;
    for (i = x->n; i-- > 0;)
        nv_mx_free(x->e[i]); /* the later ones borrow peer sets of the earlier */
    nv_tiers_free(x->t);
    free(x->tu);
    free(x->ts);
    free(x->ta);
    free(x->tb);
    free(x);
}

const struct nv_model *nv_matrix_model(const struct nv_matrix *x)
{
    return x->m;
}

size_t nv_matrix_ncombos(const struct nv_matrix *x)
{
    return x->n;
}

const struct nv_combo *nv_matrix_combo(const struct nv_matrix *x, size_t i)
{
    return &x->combos[i];
}

int nv_matrix_exact(const struct nv_matrix *x)
{
    return x->exact;
}

int nv_matrix_isolated(const struct nv_matrix *x, uint32_t cls, int dir)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (!nv_mx_isolated(x->e[i], cls, dir))
            return 0;
    return 1;
}

/* a = a op b over n entries */
static void nv_matrix_rows_merge(struct nv_ports *pt, uint32_t *a, const uint32_t *b, size_t n,
                                 int inter)
{
    size_t i;

    for (i = 0; i < n; i++)
        a[i] = inter ? nv_ports_inter(pt, a[i], b[i]) : nv_ports_union(pt, a[i], b[i]);
}

void nv_matrix_row2(struct nv_matrix *x, uint32_t u, uint32_t *poss, uint32_t *sure,
                    uint32_t *atoms_poss, uint32_t *atoms_sure)
{
    struct nv_ports *pt = x->m->ports;
    size_t i, nu = x->m->nunits, na = x->m->atoms.n, first = 0;
    int some = !sure && !atoms_sure; /* what some combination allows, only */

    /* ipBlocks matching pods only ever add flows: a dominated combination adds nothing */
    while (some && x->dominated[first])
        first++;
    if (!atoms_poss)
        atoms_sure = NULL;
    nv_mx_row(x->e[first], u, poss, sure, atoms_poss, atoms_sure);
    for (i = first + 1; i < x->n; i++) {
        if (some && x->dominated[i])
            continue;
        nv_mx_row(x->e[i], u, x->tu, sure ? x->ts : NULL, atoms_poss ? x->ta : NULL,
                  atoms_sure ? x->tb : NULL);
        nv_matrix_rows_merge(pt, poss, x->tu, nu, 0);
        if (sure)
            nv_matrix_rows_merge(pt, sure, x->ts, nu, 1);
        if (atoms_poss)
            nv_matrix_rows_merge(pt, atoms_poss, x->ta, na, 0);
        if (atoms_sure)
            nv_matrix_rows_merge(pt, atoms_sure, x->tb, na, 1);
    }
}

void nv_matrix_row(struct nv_matrix *x, uint32_t u, uint32_t *to_units, uint32_t *to_atoms)
{
    nv_matrix_row2(x, u, to_units, NULL, to_atoms, NULL);
}

void nv_matrix_row_at(struct nv_matrix *x, uint32_t u, const uint32_t *cls, size_t n,
                      uint32_t *to_cls)
{
    struct nv_ports *pt = x->m->ports;
    const struct nv_unit *un = &x->m->units[u];
    size_t i, c, k;
    int first = 1;

    /* as nv_matrix_row2() with 'some': a dominated combination adds nothing */
    for (i = 0; i < x->n; i++) {
        if (x->dominated[i])
            continue;
        for (c = 0; c < un->ncls; c++) {
            const uint32_t *res = x->e[i]->res;
            nv_class_row_at(x->e[i], un->cls[c], cls, n);
            for (k = 0; k < n; k++)
                to_cls[cls[k]] =
                    first ? res[cls[k]] : nv_ports_union(pt, to_cls[cls[k]], res[cls[k]]);
            first = 0;
        }
    }
}

int nv_matrix_tiers_widened(const struct nv_matrix *x)
{
    return x->t && nv_tiers_ord(x->t, 0) == SIZE_MAX; /* one pass, ties widened */
}

uint32_t nv_matrix_self(struct nv_matrix *x, uint32_t wl, const uint32_t *unit_row)
{
    const struct nv_model *m = x->m;
    const struct nv_unit *u = &m->units[m->workloads[wl].unit];
    uint32_t id = NV_PORTS_NONE, *row;
    size_t i, j;

    if (m->workloads[wl].count < 2)
        return NV_PORTS_NONE;
    if (u->ncls == 1 && unit_row)
        return nv_model_pods_in(m, wl, u->cls[0]) >= 2 ? unit_row[u->cls[0]] : NV_PORTS_NONE;
    row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    for (i = 0; i < u->ncls; i++) {
        nv_matrix_row(x, u->cls[i], row, NULL); /* unit u->cls[i] is that class alone */
        for (j = 0; j < u->ncls; j++)
            if (i != j || nv_model_pods_in(m, wl, u->cls[i]) >= 2)
                id = nv_ports_union(m->ports, id, row[u->cls[j]]);
    }
    free(row);
    return id;
}

void nv_matrix_from_atoms2(struct nv_matrix *x, uint32_t u, uint32_t *poss, uint32_t *sure)
{
    struct nv_ports *pt = x->m->ports;
    size_t i, na = x->m->atoms.n;

    nv_mx_from_atoms(x->e[0], u, poss, sure);
    for (i = 1; i < x->n; i++) {
        nv_mx_from_atoms(x->e[i], u, x->ta, sure ? x->tb : NULL);
        nv_matrix_rows_merge(pt, poss, x->ta, na, 0);
        if (sure)
            nv_matrix_rows_merge(pt, sure, x->tb, na, 1);
    }
}

void nv_matrix_from_atoms(struct nv_matrix *x, uint32_t u, uint32_t *from_atoms)
{
    nv_matrix_from_atoms2(x, u, from_atoms, NULL);
}

void nv_matrix_to_atoms(struct nv_matrix *x, uint32_t cls, uint32_t *to_atoms)
{
    size_t i;

    nv_mx_to_atoms(x->e[0], cls, to_atoms);
    for (i = 1; i < x->n; i++) {
        nv_mx_to_atoms(x->e[i], cls, x->tb);
        nv_matrix_rows_merge(x->m->ports, to_atoms, x->tb, x->m->atoms.n, 0);
    }
}

void nv_matrix_combo_row(struct nv_matrix *x, size_t i, uint32_t cls, uint32_t *poss,
                         uint32_t *sure, uint32_t *to_atoms)
{
    struct nv_mx *e = x->e[i];

    nv_class_row(e, cls, to_atoms, 1);
    memcpy(poss, e->res, e->ncls * sizeof(*poss));
    memcpy(sure, e->sure, e->ncls * sizeof(*sure));
}

int nv_matrix_combo_may_block(struct nv_matrix *x, size_t i, uint32_t s, uint32_t d)
{
    return nv_mx_may_block(x->e[i], s, d);
}

void nv_matrix_combo_from_atoms(struct nv_matrix *x, size_t i, uint32_t cls, uint32_t *from_atoms)
{
    nv_mx_class_from_atoms(x->e[i], cls, from_atoms, NULL);
}

void nv_matrix_combo_to_pod_atoms(struct nv_matrix *x, size_t i, uint32_t s, uint32_t d,
                                  uint32_t *acc)
{
    struct nv_mx *e = x->e[i];
    size_t a;

    if (!nv_mx_isolated(e, s, NV_EGRESS)) {
        for (a = 0; a < e->natoms; a++)
            acc[a] = NV_PORTS_ALL;
        return;
    }
    nv_egress_row(e, s);
    nv_egress_atoms(e, s, d, acc);
    for (a = 0; a < e->natoms; a++)
        acc[a] = nv_ports_union(x->m->ports, acc[a], e->egr[d]);
}

int nv_matrix_combo_isolated(const struct nv_matrix *x, size_t i, uint32_t cls, int dir)
{
    return nv_mx_isolated(x->e[i], cls, dir);
}

int nv_matrix_bits_usable(struct nv_matrix *x)
{
    size_t i;

    if (x->m->nunits != x->m->nclasses)
        return 0;
    for (i = 0; i < x->n; i++)
        if (!x->dominated[i] && !nv_bits_prepare(x->e[i]))
            return 0;
    /* what every row needs, made now: processes forked to share the rows share it too */
    for (i = 0; i < x->n; i++)
        if (!x->dominated[i]) {
            nv_mx_cls_psets(x->e[i]);
            nv_bits_vis(x->e[i]);
        }
    return 1;
}

uint32_t nv_matrix_ns_group(const struct nv_matrix *x, uint32_t ns)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (!x->dominated[i] && x->e[i]->ns_role)
            return x->e[i]->ns_role[ns];
    return ns;
}

void nv_matrix_reach_bits(struct nv_matrix *x, uint32_t cls, uint64_t *bits)
{
    size_t i;

    memset(bits, 0, x->e[0]->nwords * sizeof(*bits));
    for (i = 0; i < x->n; i++)
        if (!x->dominated[i])
            nv_bits_row(x->e[i], cls, bits);
}

int nv_matrix_reaches_outside(struct nv_matrix *x, uint32_t cls)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (nv_mx_reaches_outside(x->e[i], cls))
            return 1;
    return 0;
}

int nv_matrix_reached_from_outside(struct nv_matrix *x, uint32_t cls)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (nv_mx_reached_from_outside(x->e[i], cls))
            return 1;
    return 0;
}
