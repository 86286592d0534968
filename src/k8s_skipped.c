/*
 * k8s_skipped.c - what a skipped policy of the network plugin selects, when
 * its selector reads as plain labels: lint's unmodelled-enforcement check
 * names those workloads instead of every workload of the namespace.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "k8s_int.h"

/* Room for the pairs of a plain selector (a longer one is not read). */
#define NV_PICKS_MAX 32

struct nv_picks {
    size_t n;
    const char *keys[NV_PICKS_MAX], *vals[NV_PICKS_MAX];
};

/* Add key=value (not NUL-terminated); 0, or -1 when the key is not a pod label. */
static int nv_picks_add(struct nv_k8s *k, struct nv_picks *p, const char *key, size_t klen,
                        const char *val, size_t vlen)
{
    static const char *const sources[] = {"k8s:", "any:"};
    size_t i;

    /* Cilium: a label source before the key; only those that mean a pod's labels */
    for (i = 0; i < 2; i++)
        if (klen > 4 && !strncmp(key, sources[i], 4)) {
            key += 4;
            klen -= 4;
            break;
        }
    /* another source, or the labels Cilium and Calico derive from the
     * namespace or the service account: not a pod's own labels */
    if (!klen || memchr(key, ':', klen) || (klen >= 14 && !strncmp(key, "io.kubernetes.", 14)) ||
        (klen >= 10 && !strncmp(key, "io.cilium.", 10)) ||
        (klen >= 18 && !strncmp(key, "projectcalico.org/", 18)) || p->n == NV_PICKS_MAX)
        return -1;
    p->keys[p->n] = nv_arena_internn(&k->m->arena, key, klen);
    p->vals[p->n++] = nv_arena_internn(&k->m->arena, val, vlen);
    return 0;
}

/* Cilium: spec.endpointSelector holding matchLabels only (or nothing: every pod). */
static int nv_picks_cilium(struct nv_k8s *k, const struct nv_node *spec, struct nv_picks *p)
{
    const struct nv_node *es = nv_node_get(spec, "endpointSelector"), *ml;
    size_t i;

    if (!es || es->type != NV_NODE_MAP || nv_node_get(spec, "nodeSelector"))
        return -1;
    for (i = 0; i < es->n; i++)
        if (strcmp(es->items[2 * i]->str, "matchLabels"))
            return -1;
    ml = nv_node_get(es, "matchLabels");
    if (!ml || nv_node_is_null(ml))
        return 0;
    if (ml->type != NV_NODE_MAP)
        return -1;
    for (i = 0; i < ml->n; i++) {
        const struct nv_node *key = ml->items[2 * i], *val = ml->items[2 * i + 1];
        if (val->type != NV_NODE_SCALAR ||
            nv_picks_add(k, p, key->str, key->len, val->str, val->len) < 0)
            return -1;
    }
    return 0;
}

static const char *nv_skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Whether c may be in a Calico label key. */
static int nv_is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/';
}

/*
 * Calico: spec.selector made of "key == 'value'" terms joined by "&&", or
 * all(), or none (every pod); no namespace or service account selector.
 */
static int nv_picks_calico(struct nv_k8s *k, const struct nv_node *spec, struct nv_picks *p)
{
    const struct nv_node *sel = nv_node_get(spec, "selector");
    const char *s, *key, *val;
    size_t klen;

    if (nv_node_get(spec, "namespaceSelector") || nv_node_get(spec, "serviceAccountSelector"))
        return -1;
    if (!sel || nv_node_is_null(sel))
        return 0;
    if (sel->type != NV_NODE_SCALAR || sel->kind != NV_SCALAR_STR)
        return -1;
    s = nv_skip_space(sel->str);
    if (!*s)
        return 0;
    if (!strncmp(s, "all()", 5) && !*nv_skip_space(s + 5))
        return 0;
    for (;;) {
        char q;
        key = s;
        while (nv_is_key_char(*s))
            s++;
        klen = (size_t)(s - key);
        s = nv_skip_space(s);
        if (!klen || s[0] != '=' || s[1] != '=')
            return -1;
        s = nv_skip_space(s + 2);
        if (*s != '\'' && *s != '"')
            return -1;
        q = *s++;
        val = s;
        while (*s && *s != q)
            s++;
        if (!*s || nv_picks_add(k, p, key, klen, val, (size_t)(s - val)) < 0)
            return -1;
        s = nv_skip_space(s + 1);
        if (!*s)
            return 0;
        if (s[0] != '&' || s[1] != '&')
            return -1;
        s = nv_skip_space(s + 2);
    }
}

void nv_k8s_skipped_picks(struct nv_k8s *k, const struct nv_node *obj, struct nv_skipped *s)
{
    const struct nv_node *spec = nv_node_get(obj, "spec");
    struct nv_picks p;
    int rc;
    size_t i;

    s->picks_read = 0;
    memset(&s->picks, 0, sizeof(s->picks));
    if (!spec || spec->type != NV_NODE_MAP)
        return;
    p.n = 0;
    if (!strcmp(s->kind, "CiliumNetworkPolicy") ||
        !strcmp(s->kind, "CiliumClusterwideNetworkPolicy"))
        rc = nv_picks_cilium(k, spec, &p);
    else if ((!strcmp(s->kind, "NetworkPolicy") || !strcmp(s->kind, "GlobalNetworkPolicy")) &&
             strstr(s->api, "projectcalico.org/"))
        rc = nv_picks_calico(k, spec, &p);
    else
        return;
    if (rc < 0)
        return;
    s->picks.n = p.n;
    s->picks.keys = nv_arena_alloc(&k->m->arena, (p.n + 1) * sizeof(*s->picks.keys));
    s->picks.vals = nv_arena_alloc(&k->m->arena, (p.n + 1) * sizeof(*s->picks.vals));
    for (i = 0; i < p.n; i++) {
        s->picks.keys[i] = p.keys[i];
        s->picks.vals[i] = p.vals[i];
    }
    nv_labels_sort(&s->picks); /* a key twice: it picks nothing, as both must hold */
    s->picks_read = 1;
}
