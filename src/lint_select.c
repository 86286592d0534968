/*
 * lint_select.c - the checks on what policies and Services select and admit:
 * selectors that select nothing (with the label that is missing and the
 * nearest value that exists), named ports no pod declares, rules of a
 * direction policyTypes leaves out, rules that admit nothing, ipBlock
 * excepts without effect, DNS rules whose server is not in the input.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/endpoint.h"
#include "netverify/report.h"

/*
 * The distinct label keys of many label sets, and the distinct values of each
 * key, in the order they first occur: suggesting from these is suggesting
 * from every label set (nv_suggest_add keeps the first of equally near words).
 */
struct nv_lint_vocab {
    size_t nkeys, nvals;
    const char **keys;
    size_t *vstart; /* values of key k: vals[vstart[k] .. vstart[k+1]) */
    const char **vals;
    size_t cap; /* the hash table: (key index + 1, string) -> position, 0 empty */
    uint32_t *hk;
    const char **hs;
    size_t *hv;
};

/* The namespaces a namespace selector matches (many peers share a few selectors). */
struct nv_nsmatch {
    const struct nv_selector *sel; /* NULL: an empty slot */
    uint64_t hash;
    size_t *ns, n;
};

/* The pods of each namespace, for selectors that are scoped to one. */
struct nv_lint_scope {
    const struct nv_model *m;
    size_t *start; /* pods of namespace i: byns[start[i] .. start[i+1]) */
    size_t *byns;
    struct nv_lint_vocab vocab[2]; /* [0]: of every pod, [1]: of the namespaces */
    struct nv_nsgroups nsg;        /* namespace selectors are tried once per group */
    unsigned char *gmatch;         /* scratch: per group, whether a selector matches it */
    /* nv_scope_nsmatch(): by the selector's content (interned keys and values), open addressing */
    struct nv_nsmatch *nsm;
    size_t nnsm, nsmcap;
};

/* The slot of (k, str) in v's hash table: where it is, or the empty slot it would take. */
static size_t nv_vocab_slot(const struct nv_lint_vocab *v, uint32_t k, const char *str)
{
    size_t h = (size_t)nv_hash_bytes(str, strlen(str), k) & (v->cap - 1);

    while (v->hk[h] && (v->hk[h] != k || strcmp(v->hs[h], str)))
        h = (h + 1) & (v->cap - 1);
    return h;
}

static void nv_vocab_build(struct nv_lint_vocab *v, const struct nv_labels *const *sets, size_t n)
{
    size_t i, j, total = 0, *vkey, *fill;
    const char **vals;

    memset(v, 0, sizeof(*v));
    for (i = 0; i < n; i++)
        total += sets[i]->n;
    v->cap = 16;
    while (v->cap < 4 * total + 16)
        v->cap *= 2;
    v->hk = nv_xcalloc(v->cap, sizeof(*v->hk));
    v->hs = nv_xcalloc(v->cap, sizeof(*v->hs));
    v->hv = nv_xcalloc(v->cap, sizeof(*v->hv));
    v->keys = nv_xcalloc(total + 1, sizeof(*v->keys));
    vals = nv_xcalloc(total + 1, sizeof(*vals));
    vkey = nv_xcalloc(total + 1, sizeof(*vkey));
    for (i = 0; i < n; i++)
        for (j = 0; j < sets[i]->n; j++) {
            size_t h = nv_vocab_slot(v, 1, sets[i]->keys[j]), k;
            if (!v->hk[h]) {
                v->hk[h] = 1;
                v->hs[h] = sets[i]->keys[j];
                v->hv[h] = v->nkeys;
                v->keys[v->nkeys++] = sets[i]->keys[j];
            }
            k = v->hv[h];
            h = nv_vocab_slot(v, (uint32_t)k + 2, sets[i]->vals[j]);
            if (!v->hk[h]) {
                v->hk[h] = (uint32_t)k + 2;
                v->hs[h] = sets[i]->vals[j];
                vkey[v->nvals] = k;
                vals[v->nvals++] = sets[i]->vals[j];
            }
        }
    /* the values grouped by key, each key's in the order they first occur */
    v->vstart = nv_xcalloc(v->nkeys + 2, sizeof(*v->vstart));
    for (i = 0; i < v->nvals; i++)
        v->vstart[vkey[i] + 1]++;
    for (i = 0; i < v->nkeys; i++)
        v->vstart[i + 1] += v->vstart[i];
    fill = nv_xcalloc(v->nkeys + 1, sizeof(*fill));
    v->vals = nv_xcalloc(v->nvals + 1, sizeof(*v->vals));
    for (i = 0; i < v->nvals; i++)
        v->vals[v->vstart[vkey[i]] + fill[vkey[i]]++] = vals[i];
    free(fill);
    free(vkey);
    free(vals);
}

static void nv_vocab_release(struct nv_lint_vocab *v)
{
    free(v->keys);
    free(v->vstart);
    free(v->vals);
    free(v->hk);
    free(v->hs);
    free(v->hv);
}

/* The nearest key (value of 'key' when key is not NULL) to 'word' in v, or NULL. */
static const char *nv_vocab_suggest(const struct nv_lint_vocab *v, const char *key,
                                    const char *word)
{
    struct nv_suggest sg;
    size_t i, h;

    nv_suggest_init(&sg, word);
    if (!key) {
        for (i = 0; i < v->nkeys; i++)
            nv_suggest_add(&sg, v->keys[i]);
    } else if (v->hk[h = nv_vocab_slot(v, 1, key)]) {
        for (i = v->vstart[v->hv[h]]; i < v->vstart[v->hv[h] + 1]; i++)
            nv_suggest_add(&sg, v->vals[i]);
    }
    return nv_suggest_best(&sg);
}

static void nv_scope_init(struct nv_lint_scope *s, const struct nv_model *m)
{
    size_t i, *fill;

    memset(s, 0, sizeof(*s));
    s->m = m;
    s->start = nv_xcalloc(m->nns + 2, sizeof(*s->start));
    s->byns = nv_xcalloc(m->npods + 1, sizeof(*s->byns));
    for (i = 0; i < m->npods; i++)
        s->start[m->pods[i].ns + 1]++;
    for (i = 0; i < m->nns; i++)
        s->start[i + 1] += s->start[i];
    fill = nv_xcalloc(m->nns + 1, sizeof(*fill));
    for (i = 0; i < m->npods; i++)
        s->byns[s->start[m->pods[i].ns] + fill[m->pods[i].ns]++] = i;
    free(fill);
    nv_model_nsgroups_build(&s->nsg, m);
    s->gmatch = nv_xcalloc(s->nsg.n + 1, 1);
    {
        size_t n = m->npods > m->nns ? m->npods : m->nns;
        const struct nv_labels **sets = nv_xcalloc(n + 1, sizeof(*sets));
        for (i = 0; i < m->npods; i++)
            sets[i] = &m->pods[i].labels;
        nv_vocab_build(&s->vocab[0], sets, m->npods);
        for (i = 0; i < m->nns; i++)
            sets[i] = &m->ns[i].labels;
        nv_vocab_build(&s->vocab[1], sets, m->nns);
        free(sets);
    }
}

static void nv_scope_release(struct nv_lint_scope *s)
{
    size_t i;

    for (i = 0; i < s->nsmcap; i++)
        free(s->nsm[i].ns);
    free(s->nsm);
    free(s->start);
    free(s->byns);
    nv_model_nsgroups_release(&s->nsg);
    free(s->gmatch);
    nv_vocab_release(&s->vocab[0]);
    nv_vocab_release(&s->vocab[1]);
}

static uint64_t nv_sel_hash(const struct nv_selector *sel)
{
    uint64_t h = nv_hash_bytes(&sel->n, sizeof(sel->n), NV_HASH_INIT);
    size_t i;

    for (i = 0; i < sel->n; i++) {
        const struct nv_requirement *r = &sel->reqs[i];
        h = nv_hash_bytes(&r->key, sizeof(r->key), h);
        h = nv_hash_bytes(&r->op, sizeof(r->op), h);
        if (r->nvalues)
            h = nv_hash_bytes(r->values, r->nvalues * sizeof(*r->values), h);
    }
    return (h ^ (h >> 31)) * 0x94d049bb133111ebULL;
}

/* The namespaces namespace selector sel matches, in their order (remembered). */
static const struct nv_nsmatch *nv_scope_nsmatch(struct nv_lint_scope *s,
                                                 const struct nv_selector *sel)
{
    const struct nv_model *m = s->m;
    uint64_t h = nv_sel_hash(sel);
    struct nv_nsmatch *e;
    size_t i, j;

    if ((s->nnsm + 1) * 2 > s->nsmcap) {
        struct nv_nsmatch *old = s->nsm;
        size_t oc = s->nsmcap;
        s->nsmcap = oc ? 2 * oc : 64;
        s->nsm = nv_xcalloc(s->nsmcap, sizeof(*s->nsm));
        for (i = 0; i < oc; i++) {
            if (!old[i].sel)
                continue;
            for (j = old[i].hash & (s->nsmcap - 1); s->nsm[j].sel; j = (j + 1) & (s->nsmcap - 1))
                ;
            s->nsm[j] = old[i];
        }
        free(old);
    }
    for (j = h & (s->nsmcap - 1); (e = &s->nsm[j])->sel; j = (j + 1) & (s->nsmcap - 1))
        if (e->hash == h && nv_selector_same_interned(e->sel, sel))
            return e;
    e->sel = sel;
    e->hash = h;
    e->ns = nv_xmalloc((m->nns + 1) * sizeof(*e->ns));
    e->n = 0;
    if (nv_model_nsgroups_apply(sel)) {
        for (i = 0; i < s->nsg.n; i++)
            s->gmatch[i] =
                (unsigned char)nv_selector_matches_interned(sel, &m->ns[s->nsg.rep[i]].labels);
        for (i = 0; i < m->nns; i++)
            if (s->gmatch[s->nsg.of[i]])
                e->ns[e->n++] = i;
    } else {
        for (i = 0; i < m->nns; i++)
            if (nv_selector_matches_interned(sel, &m->ns[i].labels))
                e->ns[e->n++] = i;
    }
    s->nnsm++;
    return e;
}

/* Whether a pod of namespace ns matches sel (NULL: every pod). */
static int nv_scope_any(const struct nv_lint_scope *s, unsigned ns, const struct nv_selector *sel)
{
    size_t i;

    for (i = s->start[ns]; i < s->start[ns + 1]; i++)
        if (!sel || nv_selector_matches_interned(sel, &s->m->pods[s->byns[i]].labels))
            return 1;
    return 0;
}

/*
 * A label set the explanation looks at: the pods of one namespace (ns >= 0),
 * of every namespace (ns == -1), or the namespaces themselves (ns == -2).
 */
struct nv_lint_pool {
    const struct nv_lint_scope *s;
    long ns;
};

static size_t nv_pool_n(const struct nv_lint_pool *p)
{
    if (p->ns >= 0)
        return p->s->start[p->ns + 1] - p->s->start[p->ns];
    return p->ns == -1 ? p->s->m->npods : p->s->m->nns;
}

static const struct nv_labels *nv_pool_get(const struct nv_lint_pool *p, size_t i)
{
    if (p->ns >= 0)
        return &p->s->m->pods[p->s->byns[p->s->start[p->ns] + i]].labels;
    return p->ns == -1 ? &p->s->m->pods[i].labels : &p->s->m->ns[i].labels;
}

/* The nearest key (value of 'key' when key is not NULL) to 'word' in the pool, or NULL. */
static const char *nv_pool_suggest(const struct nv_lint_pool *p, const char *key, const char *word)
{
    struct nv_suggest sg;
    size_t i, k;

    if (p->ns < 0)
        return nv_vocab_suggest(&p->s->vocab[p->ns == -1 ? 0 : 1], key, word);
    nv_suggest_init(&sg, word);
    for (i = 0; i < nv_pool_n(p); i++) {
        const struct nv_labels *l = nv_pool_get(p, i);
        if (key) {
            const char *v = nv_labels_get(l, key);
            if (v)
                nv_suggest_add(&sg, v);
        } else {
            for (k = 0; k < l->n; k++)
                nv_suggest_add(&sg, l->keys[k]);
        }
    }
    return nv_suggest_best(&sg);
}

/*
 * Why sel matches nothing in the pool ("no pod in namespace 'shop' has
 * app=frontnd; did you mean 'app=frontend'?"): the first requirement no
 * label set meets on its own, with the nearest key or value there is (in the
 * pool, else among all pods), or that the requirements meet only apart.
 * 'what' names the pool ("pod in namespace 'shop'", "namespace").
 */
static void nv_lint_explain(struct nv_buf *b, const struct nv_lint_pool *p,
                            const struct nv_selector *sel, const char *what)
{
    struct nv_lint_pool all = {p->s, p->ns == -2 ? -2 : -1};
    size_t r, i;

    if (!nv_pool_n(p)) {
        nv_buf_printf(b, "there is no %s in the input", what);
        return;
    }
    for (r = 0; sel && r < sel->n; r++) {
        struct nv_requirement *q = &sel->reqs[r];
        struct nv_selector one = {1, q, sel->loc};
        const char *near = NULL;
        int has_key = 0;
        for (i = 0; i < nv_pool_n(p); i++) {
            if (nv_selector_matches(&one, nv_pool_get(p, i)))
                break;
            has_key |= nv_labels_get(nv_pool_get(p, i), q->key) != NULL;
        }
        if (i < nv_pool_n(p))
            continue;
        if ((q->op == NV_SEL_IN && !has_key) || q->op == NV_SEL_EXISTS) {
            nv_buf_printf(b, "no %s has the label '%s'", what, q->key);
            if (!(near = nv_pool_suggest(p, NULL, q->key)))
                near = nv_pool_suggest(&all, NULL, q->key);
            if (near)
                nv_buf_printf(b, "; did you mean the label '%s'?", near);
            return;
        }
        if (q->op != NV_SEL_IN) {
            nv_buf_printf(b, "no %s meets '", what);
            nv_report_selector(b, &one);
            nv_buf_putc(b, '\'');
            return;
        }
        nv_buf_printf(b, "no %s has ", what);
        nv_report_selector(b, &one);
        for (i = 0; i < q->nvalues && !near; i++)
            if (!(near = nv_pool_suggest(p, q->key, q->values[i])))
                near = nv_pool_suggest(&all, q->key, q->values[i]);
        if (near)
            nv_buf_printf(b, "; did you mean '%s=%s'?", q->key, near);
        return;
    }
    nv_buf_printf(b, "no %s meets all of '", what);
    nv_report_selector(b, sel);
    nv_buf_puts(b, "' at once");
}

/* "NetworkPolicy 'ns/name' ingress[1]" */
static void nv_lint_rule_name(struct nv_buf *b, const struct nv_rule *r)
{
    nv_buf_printf(b, "NetworkPolicy '%s/%s' %s[%u]", r->policy->ns, r->policy->name,
                  r->dir == NV_INGRESS ? "ingress" : "egress", r->index);
}

/* The position of a selector, or 'fallback' when it has none ({} or absent). */
static struct nv_loc nv_sel_loc(const struct nv_selector *s, struct nv_loc fallback)
{
    return s && s->loc.file ? s->loc : fallback;
}

/* Whether the rule is meant for DNS: a port 53 over UDP or TCP, or a port named like it. */
static int nv_rule_is_dns(const struct nv_model *m, const struct nv_rule *r)
{
    size_t i;

    if (r->all_ports)
        return 0;
    for (i = 0; i < r->nports; i++) {
        const struct nv_portspec *ps = &r->ports[i];
        if (ps->name ? strstr(ps->name, "dns") != NULL
                     : (ps->proto == NV_PROTO_UDP || ps->proto == NV_PROTO_TCP) && ps->port <= 53 &&
                           ps->end >= 53 && ps->port)
            return 1;
    }
    (void)m;
    return 0;
}

/* ---- peers ---- */

/* Whether some namespace matches sel. */
static int nv_any_namespace(struct nv_lint_scope *s, const struct nv_selector *sel)
{
    return nv_scope_nsmatch(s, sel)->n != 0;
}

/* Whether a pod peer selects some pod. */
static int nv_peer_any(struct nv_lint_scope *s, const struct nv_policy *pol,
                       const struct nv_peer *p)
{
    const struct nv_nsmatch *nm;
    size_t i;

    if (!p->ns_sel)
        return nv_scope_any(s, pol->nsidx, p->pod_sel);
    nm = nv_scope_nsmatch(s, p->ns_sel);
    for (i = 0; i < nm->n; i++)
        if (nv_scope_any(s, (unsigned)nm->ns[i], p->pod_sel))
            return 1;
    return 0;
}

/* Whether some address of an ipBlock's cidr is in none of its excepts ('outer': the outermost). */
static int nv_ipblock_has_room(const struct nv_peer *p, const size_t *outer, size_t nouter)
{
    struct nv_ip cur = p->cidr.first;
    size_t i;

    /* the outermost excepts are disjoint and in address order: they cover the cidr when each
     * starts where the one before ends */
    for (i = 0; i < nouter; i++) {
        const struct nv_iprange *e = &p->except[outer[i]];
        if (nv_ip_cmp(&e->first, &cur) > 0)
            return 1;
        if (nv_ip_cmp(&e->last, &p->cidr.last) >= 0)
            return 0;
        cur = e->last;
        if (++cur.lo == 0)
            cur.hi++;
    }
    return 1;
}

/* Whether the peer admits something: 0, with the reason reported (once), when it does not. */
static int nv_lint_peer(struct nv_lint *l, struct nv_lint_scope *s, const struct nv_rule *r,
                        const struct nv_peer *p, unsigned mask)
{
    const struct nv_model *m = s->m;
    const struct nv_policy *pol = r->policy;
    enum nv_lint_check c =
        r->dir == NV_EGRESS && nv_rule_is_dns(m, r) ? NV_LINT_DNS_PEER : NV_LINT_SELECTS_NOTHING;
    struct nv_buf b, rn;
    size_t i, j;
    int ok = 1;

    if (p->kind == NV_PEER_IPBLOCK) {
        char a[NV_IPRANGE_BUFSZ], e[NV_IPRANGE_BUFSZ];
        if (!(m->families & NV_FAMILY_BIT(p->cidr.first.fam)))
            return 0; /* the loader warned: a family not modelled */
        size_t *outer = nv_xmalloc((2 * p->nexcept + 1) * sizeof(*outer));
        size_t *within = outer + p->nexcept, nouter;
        int room;
        nouter = nv_iprange_outermost(p->except, p->nexcept, outer, within);
        for (i = 0; i < p->nexcept && (mask & NV_LINT_BIT(NV_LINT_IPBLOCK)); i++)
            if ((j = within[i]) != (size_t)-1) {
                struct nv_buf x;
                nv_buf_init(&x, 0);
                nv_report_range(&x, &p->except[i]);
                snprintf(a, sizeof(a), "%s", nv_buf_str(&x));
                nv_buf_reset(&x);
                nv_report_range(&x, &p->except[j]);
                snprintf(e, sizeof(e), "%s", nv_buf_str(&x));
                nv_buf_release(&x);
                nv_lint_add(l, NV_LINT_IPBLOCK, p->loc,
                            "except %s lies within except %s of the same ipBlock: it "
                            "changes nothing",
                            a, e);
            }
        room = nv_ipblock_has_room(p, outer, nouter);
        free(outer);
        if (room)
            return 1;
        if (mask & NV_LINT_BIT(NV_LINT_IPBLOCK)) {
            nv_buf_init(&b, 0);
            nv_report_range(&b, &p->cidr);
            nv_lint_add(l, NV_LINT_IPBLOCK, p->loc,
                        "the excepts of ipBlock %s cover all of it: it admits no address",
                        nv_buf_str(&b));
            nv_buf_release(&b);
        }
        return 0;
    }
    if (nv_peer_any(s, pol, p))
        return 1;
    if (!(mask & NV_LINT_BIT(c)))
        return 0;
    nv_buf_init(&b, 0);
    nv_buf_init(&rn, 0);
    nv_lint_rule_name(&rn, r);
    if (p->ns_sel && !nv_any_namespace(s, p->ns_sel)) {
        struct nv_lint_pool nsp = {s, -2};
        nv_buf_puts(&b, "namespaceSelector ");
        nv_report_selector(&b, p->ns_sel);
        nv_buf_printf(&b, " of %s selects no namespace: ", nv_buf_str(&rn));
        if (!l->count_only)
            nv_lint_explain(&b, &nsp, p->ns_sel, "namespace");
        nv_lint_add(l, c, nv_sel_loc(p->ns_sel, p->loc), "%s", nv_buf_str(&b));
        ok = 0;
    } else if (!p->ns_sel) {
        struct nv_lint_pool pp = {s, (long)pol->nsidx};
        char what[300];
        snprintf(what, sizeof(what), "pod in namespace '%s'", pol->ns);
        nv_buf_puts(&b, "podSelector ");
        nv_report_selector(&b, p->pod_sel);
        nv_buf_printf(&b, " of %s selects no pod: ", nv_buf_str(&rn));
        if (!l->count_only)
            nv_lint_explain(&b, &pp, p->pod_sel, what);
        nv_lint_add(l, c, nv_sel_loc(p->pod_sel, p->loc), "%s", nv_buf_str(&b));
        ok = 0;
    } else {
        /* namespaces match, their pods do not: name the namespaces */
        const struct nv_nsmatch *nm = nv_scope_nsmatch(s, p->ns_sel);
        size_t nsel = nm->n;
        struct nv_buf names;
        nv_buf_init(&names, 0);
        for (i = 0; i < nsel && i < 3; i++)
            nv_buf_printf(&names, "%s'%s'", i ? ", " : "", m->ns[nm->ns[i]].name);
        if (nsel > 3)
            nv_buf_printf(&names, " and %zu more", nsel - 3);
        if (p->pod_sel) {
            nv_buf_puts(&b, "podSelector ");
            nv_report_selector(&b, p->pod_sel);
            nv_buf_printf(&b,
                          " of %s selects no pod in the namespace%s its namespaceSelector "
                          "selects (%s)",
                          nv_buf_str(&rn), nsel == 1 ? "" : "s", nv_buf_str(&names));
            if (nsel == 1) {
                i = nm->ns[0];
                {
                    struct nv_lint_pool pp = {s, (long)i};
                    char what[300];
                    snprintf(what, sizeof(what), "pod in namespace '%s'", m->ns[i].name);
                    nv_buf_puts(&b, ": ");
                    if (!l->count_only)
                        nv_lint_explain(&b, &pp, p->pod_sel, what);
                }
            }
        } else {
            nv_buf_puts(&b, "namespaceSelector ");
            nv_report_selector(&b, p->ns_sel);
            nv_buf_printf(&b, " of %s selects only namespace%s without pods in the input (%s)",
                          nv_buf_str(&rn), nsel == 1 ? "" : "s", nv_buf_str(&names));
        }
        nv_buf_release(&names);
        nv_lint_add(l, c, nv_sel_loc(p->pod_sel ? p->pod_sel : p->ns_sel, p->loc), "%s",
                    nv_buf_str(&b));
        ok = 0;
    }
    nv_buf_release(&rn);
    nv_buf_release(&b);
    return ok;
}

/* ---- named ports ---- */

/* How pod i declares port name 'name': 2 with proto, 1 with another protocol only, 0 not. */
static int nv_pod_declares(const struct nv_pod *pod, const char *name, enum nv_proto proto)
{
    size_t i;
    int how = 0;

    for (i = 0; i < pod->nports; i++)
        if (!strcmp(pod->ports[i].name, name)) {
            if (pod->ports[i].proto == proto)
                return 2;
            how = 1;
        }
    return how;
}

/* The best nv_pod_declares() over the pods of namespace ns that sel matches. */
static int nv_scope_declares(const struct nv_lint_scope *s, unsigned ns,
                             const struct nv_selector *sel, const char *name, enum nv_proto proto)
{
    size_t i;
    int best = 0, how;

    for (i = s->start[ns]; i < s->start[ns + 1] && best < 2; i++) {
        const struct nv_pod *pod = &s->m->pods[s->byns[i]];
        if (sel && !nv_selector_matches_interned(sel, &pod->labels))
            continue;
        if ((how = nv_pod_declares(pod, name, proto)) > best)
            best = how;
    }
    return best;
}

/* The best nv_pod_declares() over the pods an egress rule reaches. */
static int nv_rule_dest_declares(struct nv_lint_scope *s, const struct nv_rule *r, const char *name,
                                 enum nv_proto proto)
{
    const struct nv_model *m = s->m;
    size_t i, k;
    int best = 0, how;

    for (k = 0; k < (r->all_peers ? 1 : r->npeers) && best < 2; k++) {
        const struct nv_peer *p = r->all_peers ? NULL : &r->peers[k];
        const struct nv_nsmatch *nm = NULL;
        size_t n;
        if (p && p->kind != NV_PEER_PODS)
            continue;
        if (p && p->ns_sel)
            nm = nv_scope_nsmatch(s, p->ns_sel);
        n = !p ? m->nns : nm ? nm->n : 1;
        for (i = 0; i < n && best < 2; i++) {
            size_t ns = !p ? i : nm ? nm->ns[i] : r->policy->nsidx;
            if ((how = nv_scope_declares(s, (unsigned)ns, p ? p->pod_sel : NULL, name, proto)) >
                best)
                best = how;
        }
    }
    return best;
}

/* Whether a rule has a pod peer (a named port can resolve only on pods). */
static int nv_rule_has_pod_peer(const struct nv_rule *r)
{
    size_t k;

    if (r->all_peers)
        return 1;
    for (k = 0; k < r->npeers; k++)
        if (r->peers[k].kind == NV_PEER_PODS)
            return 1;
    return 0;
}

/* Named ports of a rule; returns how many of its port entries can match a port. */
static size_t nv_lint_rule_ports(struct nv_lint *l, struct nv_lint_scope *s,
                                 const struct nv_rule *r, int subject_any, unsigned mask)
{
    const struct nv_policy *pol = r->policy;
    size_t i, live = 0;
    struct nv_buf rn;

    nv_buf_init(&rn, 0);
    nv_lint_rule_name(&rn, r);
    for (i = 0; i < r->nports; i++) {
        const struct nv_portspec *ps = &r->ports[i];
        int how;
        if (!ps->name) {
            live++;
            continue;
        }
        if (r->dir == NV_INGRESS) {
            if (!subject_any) {
                live++; /* the policy selects nothing: reported there */
                continue;
            }
            how = nv_scope_declares(s, pol->nsidx, pol->subject, ps->name, ps->proto);
        } else if (!nv_rule_has_pod_peer(r)) {
            if (mask & NV_LINT_BIT(NV_LINT_NAMED_PORT))
                nv_lint_add(l, NV_LINT_NAMED_PORT, ps->loc,
                            "named port '%s' of %s: its peers are all ipBlocks, and an address "
                            "outside the cluster has no port names",
                            ps->name, nv_buf_str(&rn));
            continue;
        } else {
            how = nv_rule_dest_declares(s, r, ps->name, ps->proto);
        }
        if (how == 2) {
            live++;
            continue;
        }
        if (mask & NV_LINT_BIT(NV_LINT_NAMED_PORT))
            nv_lint_add(l, NV_LINT_NAMED_PORT, ps->loc,
                        "named port '%s' (%s) of %s: no %s pod declares it%s", ps->name,
                        nv_proto_name(ps->proto), nv_buf_str(&rn),
                        r->dir == NV_INGRESS ? "selected" : "destination",
                        how == 1 ? " for this protocol (only for another)" : "");
    }
    nv_buf_release(&rn);
    return live;
}

/* ---- rules and policies ---- */

static void nv_lint_rule(struct nv_lint *l, struct nv_lint_scope *s, const struct nv_rule *r,
                         int subject_any, unsigned mask)
{
    size_t k, live_peers = 0, live_ports;
    struct nv_buf rn;

    for (k = 0; k < r->npeers; k++)
        live_peers += (size_t)nv_lint_peer(l, s, r, &r->peers[k], mask);
    live_ports = r->all_ports ? 1 : nv_lint_rule_ports(l, s, r, subject_any, mask);
    if (!(mask & NV_LINT_BIT(NV_LINT_ADMITS_NOTHING)) || !subject_any)
        return;
    if ((r->all_peers || live_peers) && live_ports)
        return;
    nv_buf_init(&rn, 0);
    nv_lint_rule_name(&rn, r);
    nv_lint_add(l, NV_LINT_ADMITS_NOTHING, r->loc, "%s admits nothing: %s", nv_buf_str(&rn),
                !(r->all_peers || live_peers) ? "none of its peers selects a pod or an address"
                                              : "none of its ports can match a port");
    nv_buf_release(&rn);
}

static void nv_lint_policy(struct nv_lint *l, struct nv_lint_scope *s, const struct nv_policy *pol,
                           unsigned mask)
{
    static const char *const dirname[] = {"ingress", "egress"};
    int any = nv_scope_any(s, pol->nsidx, pol->subject), d;
    size_t i;

    if (!any && (mask & NV_LINT_BIT(NV_LINT_SELECTS_NOTHING))) {
        struct nv_lint_pool pp = {s, (long)pol->nsidx};
        struct nv_buf b;
        char what[300];
        snprintf(what, sizeof(what), "pod in namespace '%s'", pol->ns);
        nv_buf_init(&b, 0);
        nv_buf_puts(&b, "podSelector ");
        nv_report_selector(&b, pol->subject);
        nv_buf_printf(&b, " of NetworkPolicy '%s/%s' selects no pod: ", pol->ns, pol->name);
        if (!l->count_only)
            nv_lint_explain(&b, &pp, pol->subject, what);
        nv_lint_add(l, NV_LINT_SELECTS_NOTHING, nv_sel_loc(pol->subject, pol->loc), "%s",
                    nv_buf_str(&b));
        nv_buf_release(&b);
    }
    for (d = 0; d < 2; d++) {
        if (!(pol->types & (d == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS))) {
            if (pol->nrules[d] && (mask & NV_LINT_BIT(NV_LINT_IGNORED_RULES)))
                nv_lint_add(l, NV_LINT_IGNORED_RULES, pol->rules[d][0].loc,
                            "the %s rules of NetworkPolicy '%s/%s' have no effect: its "
                            "policyTypes leaves out %s",
                            dirname[d], pol->ns, pol->name, d == NV_INGRESS ? "Ingress" : "Egress");
            continue;
        }
        for (i = 0; i < pol->nrules[d]; i++)
            nv_lint_rule(l, s, &pol->rules[d][i], any, mask);
    }
}

/* Services: a selector that selects nothing, a named targetPort no selected pod declares. */
static void nv_lint_service(struct nv_lint *l, const struct nv_lint_scope *s,
                            const struct nv_service *svc, unsigned mask)
{
    size_t i;

    if (svc->unselected != NV_SVC_SELECTS)
        return;
    if (!nv_scope_any(s, svc->nsidx, svc->selector)) {
        if (mask & NV_LINT_BIT(NV_LINT_SELECTS_NOTHING)) {
            struct nv_lint_pool pp = {s, (long)svc->nsidx};
            struct nv_buf b;
            char what[300];
            snprintf(what, sizeof(what), "pod in namespace '%s'", svc->ns);
            nv_buf_init(&b, 0);
            nv_buf_puts(&b, "selector ");
            nv_report_selector(&b, svc->selector);
            nv_buf_printf(&b, " of Service '%s/%s' selects no pod: ", svc->ns, svc->name);
            if (!l->count_only)
                nv_lint_explain(&b, &pp, svc->selector, what);
            nv_lint_add(l, NV_LINT_SELECTS_NOTHING, nv_sel_loc(svc->selector, svc->loc), "%s",
                        nv_buf_str(&b));
            nv_buf_release(&b);
        }
        return;
    }
    for (i = 0; i < svc->nports && (mask & NV_LINT_BIT(NV_LINT_NAMED_PORT)); i++) {
        const struct nv_service_port *sp = &svc->ports[i];
        int how;
        if (!sp->target_name)
            continue;
        how = nv_scope_declares(s, svc->nsidx, svc->selector, sp->target_name, sp->proto);
        if (how < 2)
            nv_lint_add(l, NV_LINT_NAMED_PORT, sp->target_loc,
                        "targetPort '%s' (%s) of Service '%s/%s': no pod it selects declares "
                        "it%s",
                        sp->target_name, nv_proto_name(sp->proto), svc->ns, svc->name,
                        how == 1 ? " for this protocol (only for another)" : "");
    }
}

void nv_lint_selectors(struct nv_lint *l, const struct nv_model *m, unsigned mask)
{
    struct nv_lint_scope s;
    size_t i;

    if (!(mask & (NV_LINT_BIT(NV_LINT_SELECTS_NOTHING) | NV_LINT_BIT(NV_LINT_NAMED_PORT) |
                  NV_LINT_BIT(NV_LINT_IGNORED_RULES) | NV_LINT_BIT(NV_LINT_ADMITS_NOTHING) |
                  NV_LINT_BIT(NV_LINT_IPBLOCK) | NV_LINT_BIT(NV_LINT_DNS_PEER))))
        return;
    nv_scope_init(&s, m);
    for (i = 0; i < m->npolicies; i++)
        if (m->policies[i]->kind == NV_POLICY_NETPOL)
            nv_lint_policy(l, &s, m->policies[i], mask);
    for (i = 0; i < m->nservices; i++)
        nv_lint_service(l, &s, &m->services[i], mask);
    nv_scope_release(&s);
}
