/*
 * endpoint.c - parsing an endpoint (workload, Service or address) and looking
 * it up in a model, with did-you-mean suggestions when it names nothing.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/endpoint.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netverify/claim.h"
#include "netverify/escape.h"
#include "netverify/selector.h"

/* ---- did you mean ---- */

size_t nv_edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t *rows, *prev2, *prev, *cur, i, j, d;

    if (alen > 255 || blen > 255)
        return 255;
    rows = nv_xmalloc(3 * (blen + 1) * sizeof(*rows));
    prev2 = rows;
    prev = prev2 + blen + 1;
    cur = prev + blen + 1;
    for (j = 0; j <= blen; j++)
        prev[j] = j;
    for (i = 1; i <= alen; i++) {
        cur[0] = i;
        for (j = 1; j <= blen; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 &&
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
        {
            size_t *t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }
    }
    d = prev[blen];
    free(rows);
    return d > 255 ? 255 : d;
}

void nv_suggest_init(struct nv_suggest *s, const char *word)
{
    memset(s, 0, sizeof(*s));
    s->word = word;
    s->len = strlen(word);
    /* one edit in a short word, two in a longer one, three at most */
    s->limit = s->len <= 4 ? 1 : s->len <= 10 ? 2 : 3;
    s->dist = SIZE_MAX;
}

void nv_suggest_add(struct nv_suggest *s, const char *cand)
{
    size_t n = strlen(cand), d;

    if (!s->len || (n == s->len && !memcmp(cand, s->word, n)))
        return;
    if ((n > s->len ? n - s->len : s->len - n) > s->limit)
        return;
    d = nv_edit_distance(s->word, s->len, cand, n);
    if (d <= s->limit && d < s->len && d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
}

const char *nv_suggest_best(const struct nv_suggest *s)
{
    return s->best;
}

/* ---- parsing ---- */

static int nv_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int nv_ep_fail(struct nv_buf *err, const char *fmt, ...) NV_PRINTF(2, 3);

static int nv_ep_fail(struct nv_buf *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_buf_vprintf(err, fmt, ap);
    va_end(ap);
    return -1;
}

static const char k_forms[] = "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind], a "
                              "Service as 'svc NAMESPACE/NAME', or one IP address";

int nv_ep_parse(const char *text, struct nv_epref *ref, struct nv_buf *err)
{
    const char *why = NULL, *br, *slash;
    struct nv_iprange r;
    size_t len = strlen(text), idlen;

    memset(ref, 0, sizeof(*ref));
    ref->text = text;
    if (!len)
        return nv_ep_fail(err, "'': an empty endpoint: %s", k_forms);
    if (!strncasecmp(text, "svc", 3) && nv_is_blank(text[3])) {
        const char *s = text + 3;
        while (nv_is_blank(*s))
            s++;
        slash = strchr(s, '/');
        if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strpbrk(s, "[] \t"))
            return nv_ep_fail(err, "'%s': write a Service as 'svc NAMESPACE/NAME'", text);
        ref->form = NV_EP_SERVICE;
        ref->ns = s;
        ref->nslen = (size_t)(slash - s);
        ref->name = slash + 1;
        ref->namelen = strlen(slash + 1);
        return 0;
    }
    if (nv_ip_parse(text, &ref->ip, &why) >= 0) {
        ref->form = NV_EP_ADDRESS;
        return 0;
    }
    if (strchr(text, '/') && nv_cidr_parse(text, &r, NULL, NULL) >= 0) {
        char ip[NV_IP_BUFSZ];
        return nv_ep_fail(err,
                          "'%s' is an address range (a CIDR), where one address is needed: give "
                          "one address, such as %s",
                          text, nv_ip_format(&r.first, ip));
    }
    ref->form = NV_EP_WORKLOAD;
    br = strchr(text, '[');
    if ((!br && strchr(text, ']')) || (br && (text[len - 1] != ']' || br + 2 >= text + len ||
                                              strchr(br + 1, '[') || memchr(text, ']', len - 1))))
        return nv_ep_fail(err,
                          "'%s': write a workload as NAMESPACE/NAME[Kind], the kind in brackets "
                          "at the end",
                          text);
    idlen = br ? (size_t)(br - text) : len;
    if (br) {
        ref->kind = br + 1;
        ref->kindlen = len - idlen - 2;
    }
    slash = memchr(text, '/', idlen);
    if (!slash && idlen && (memchr(text, ':', idlen) || strspn(text, "0123456789.") == idlen)) {
        if (br || memchr(text, ':', idlen))
            return nv_ep_fail(err, "'%s': %s", text, why ? why : "invalid IP address");
        /* digits and dots: a workload may be named so (a DNS name), else an address */
        ref->ip_why = why ? why : "invalid IP address";
    }
    if (!idlen || (slash && (slash == text || slash == text + idlen - 1 ||
                             memchr(slash + 1, '/', idlen - (size_t)(slash - text) - 1))))
        return nv_ep_fail(err, "'%s': %s", text, k_forms);
    if (slash) {
        ref->ns = text;
        ref->nslen = (size_t)(slash - text);
        ref->name = slash + 1;
        ref->namelen = idlen - ref->nslen - 1;
    } else {
        ref->name = text;
        ref->namelen = idlen;
    }
    return 0;
}

void nv_ep_ref_workload(struct nv_epref *ref, const char *text, const char *ns, const char *name,
                        const char *kind)
{
    memset(ref, 0, sizeof(*ref));
    ref->form = NV_EP_WORKLOAD;
    ref->text = text;
    ref->ns = ns;
    ref->nslen = ns ? strlen(ns) : 0;
    ref->name = name;
    ref->namelen = strlen(name);
    ref->kind = kind;
    ref->kindlen = kind ? strlen(kind) : 0;
}

/* ---- resolution ---- */

static int nv_span_is(const char *s, size_t n, const char *str)
{
    return strlen(str) == n && !memcmp(s, str, n);
}

/* The namespace the reference names, or -1. */
static long nv_ref_ns(const struct nv_model *m, const struct nv_epref *ref)
{
    size_t i;

    for (i = 0; i < m->nns; i++)
        if (nv_span_is(ref->ns, ref->nslen, m->ns[i].name))
            return (long)i;
    return -1;
}

long nv_ep_namespace(const struct nv_model *m, const char *text, const char *ns, struct nv_buf *err)
{
    struct nv_suggest sg;
    size_t i;

    for (i = 0; i < m->nns; i++)
        if (!strcmp(m->ns[i].name, ns))
            return (long)i;
    nv_suggest_init(&sg, ns);
    for (i = 0; i < m->nns; i++)
        nv_suggest_add(&sg, m->ns[i].name);
    nv_buf_printf(err, "'%s': no namespace '%s' in the manifests", text, ns);
    if (nv_suggest_best(&sg))
        nv_buf_printf(err, "; did you mean '%s'?", nv_suggest_best(&sg));
    return -1;
}

/* The namespace of a reference NS/NAME that names no namespace: say so. */
static int nv_no_namespace(const struct nv_model *m, const struct nv_epref *ref, struct nv_buf *err)
{
    char *ns = nv_xmalloc(ref->nslen + 1);

    memcpy(ns, ref->ns, ref->nslen);
    ns[ref->nslen] = '\0';
    nv_ep_namespace(m, ref->text, ns, err);
    free(ns);
    return -1;
}

/* The labels of pod group i, or of namespace i. */
static const struct nv_labels *nv_ep_labels_of(const struct nv_model *m, int of_ns, size_t i)
{
    return of_ns ? &m->ns[i].labels : &m->pods[i].labels;
}

/* Whether some pod group (of_ns: some namespace) has label key. */
static int nv_ep_has_key(const struct nv_model *m, int of_ns, const char *key)
{
    size_t i, n = of_ns ? m->nns : m->npods;

    for (i = 0; i < n; i++)
        if (nv_labels_get(nv_ep_labels_of(m, of_ns, i), key))
            return 1;
    return 0;
}

/* Requirement q as a claim writes it: KEY, KEY=VALUE or KEY in (V1, V2). */
static void nv_ep_put_requirement(struct nv_buf *b, const struct nv_requirement *q)
{
    size_t v;

    nv_buf_puts(b, q->key);
    if (q->op != NV_SEL_IN)
        return;
    if (q->nvalues == 1) {
        nv_buf_printf(b, "=%s", q->values[0]);
        return;
    }
    nv_buf_puts(b, " in (");
    for (v = 0; v < q->nvalues; v++)
        nv_buf_printf(b, "%s%s", v ? ", " : "", q->values[v]);
    nv_buf_putc(b, ')');
}

void nv_ep_suggest_labels(const struct nv_model *m, const struct nv_selector *sel,
                          enum nv_ep_labels whose, struct nv_buf *err)
{
    int of_namespaces = whose != NV_EP_LABELS_PODS;
    size_t r, i, k, v, n = of_namespaces ? m->nns : m->npods;

    for (r = 0; sel && r < sel->n; r++) {
        const struct nv_requirement *q = &sel->reqs[r];
        struct nv_suggest sg;
        if (q->op == NV_SEL_NOTIN || q->op == NV_SEL_NOTEXISTS)
            continue;
        if (!nv_ep_has_key(m, of_namespaces, q->key)) {
            if (nv_ep_has_key(m, !of_namespaces, q->key)) {
                /* a namespace's label written on pods, or the other way round */
                nv_buf_printf(err, "; '%s' labels %s, not %s", q->key,
                              of_namespaces ? "pods" : "namespaces",
                              of_namespaces ? "namespaces" : "pods");
                if (sel->n == 1 && whose != NV_EP_LABELS_SCOPE) {
                    nv_buf_printf(err, ": did you mean '%s ",
                                  of_namespaces ? "pods" : "namespaces");
                    nv_ep_put_requirement(err, q);
                    nv_buf_puts(err, "'?");
                }
                return;
            }
            nv_suggest_init(&sg, q->key);
            for (i = 0; i < n; i++)
                for (k = 0; k < nv_ep_labels_of(m, of_namespaces, i)->n; k++)
                    nv_suggest_add(&sg, nv_ep_labels_of(m, of_namespaces, i)->keys[k]);
            if (nv_suggest_best(&sg)) {
                nv_buf_printf(err, "; did you mean the label '%s'?", nv_suggest_best(&sg));
                return;
            }
            continue;
        }
        if (q->op != NV_SEL_IN)
            continue;
        for (v = 0; v < q->nvalues; v++) {
            int seen = 0;
            for (i = 0; i < n && !seen; i++) {
                const char *have = nv_labels_get(nv_ep_labels_of(m, of_namespaces, i), q->key);
                seen = have && !strcmp(have, q->values[v]);
            }
            if (seen)
                break;
        }
        if (v < q->nvalues)
            continue; /* some value is there: not a typo */
        for (v = 0; v < q->nvalues; v++) {
            nv_suggest_init(&sg, q->values[v]);
            for (i = 0; i < n; i++) {
                const char *have = nv_labels_get(nv_ep_labels_of(m, of_namespaces, i), q->key);
                if (have)
                    nv_suggest_add(&sg, have);
            }
            if (nv_suggest_best(&sg)) {
                nv_buf_printf(err, "; did you mean '%s=%s'?", q->key, nv_suggest_best(&sg));
                return;
            }
        }
    }
}

static int nv_resolve_service(const struct nv_model *m, const struct nv_epref *ref,
                              struct nv_ep *out, struct nv_buf *err)
{
    struct nv_suggest sg;
    struct nv_buf want, cand;
    char **ids;
    size_t i;
    long best = -1;

    for (i = 0; i < m->nservices; i++) {
        const struct nv_service *svc = &m->services[i];
        if (!nv_span_is(ref->ns, ref->nslen, svc->ns) ||
            !nv_span_is(ref->name, ref->namelen, svc->name))
            continue;
        if (svc->unselected != NV_SVC_SELECTS)
            return nv_ep_fail(err, "'%s': the Service %s", ref->text,
                              nv_service_unselected_why(svc));
        out->svc = svc;
        return 0;
    }
    if (nv_ref_ns(m, ref) < 0)
        return nv_no_namespace(m, ref, err);
    /* the nearest "ns/name" of a Service */
    nv_buf_init(&want, 0);
    nv_buf_init(&cand, 0);
    nv_buf_printf(&want, "%.*s/%.*s", (int)ref->nslen, ref->ns, (int)ref->namelen, ref->name);
    nv_suggest_init(&sg, nv_buf_str(&want));
    ids = nv_xcalloc(m->nservices + 1, sizeof(*ids));
    for (i = 0; i < m->nservices; i++) {
        nv_buf_reset(&cand);
        nv_buf_printf(&cand, "%s/%s", m->services[i].ns, m->services[i].name);
        ids[i] = nv_buf_detach(&cand);
        nv_suggest_add(&sg, ids[i]);
        if (nv_suggest_best(&sg) == ids[i])
            best = (long)i;
    }
    nv_buf_printf(err, "'%s': no Service by that name in the manifests", ref->text);
    if (best >= 0)
        nv_buf_printf(err, "; did you mean 'svc %s'?", ids[best]);
    for (i = 0; i < m->nservices; i++)
        free(ids[i]);
    free(ids);
    nv_buf_release(&want);
    nv_buf_release(&cand);
    return -1;
}

/* Whether workload w is one that ref names, without its kind. */
static int nv_ref_names(const struct nv_model *m, const struct nv_epref *ref,
                        const struct nv_workload *w)
{
    return nv_span_is(ref->name, ref->namelen, w->name) &&
           (!ref->ns || nv_span_is(ref->ns, ref->nslen, m->ns[w->ns].name));
}

/* No workload by the name: the nearest one, or one of that name in another namespace. */
static int nv_no_workload(const struct nv_model *m, const struct nv_epref *ref, struct nv_buf *err)
{
    struct nv_suggest sg;
    char *want;
    const char *best;
    size_t i, n = ref->ns ? ref->nslen + 1 + ref->namelen : ref->namelen;

    if (ref->ns && nv_ref_ns(m, ref) < 0)
        return nv_no_namespace(m, ref, err);
    want = nv_xmalloc(n + 1);
    if (ref->ns)
        snprintf(want, n + 1, "%.*s/%.*s", (int)ref->nslen, ref->ns, (int)ref->namelen, ref->name);
    else
        snprintf(want, n + 1, "%.*s", (int)ref->namelen, ref->name);
    nv_suggest_init(&sg, want);
    for (i = 0; i < m->nworkloads; i++)
        nv_suggest_add(&sg, ref->ns ? m->workloads[i].id : m->workloads[i].name);
    best = nv_suggest_best(&sg);
    for (i = 0; i < m->nworkloads && !best && ref->ns; i++)
        if (nv_span_is(ref->name, ref->namelen, m->workloads[i].name))
            best = m->workloads[i].id; /* the name, in another namespace */
    nv_buf_printf(err, "'%s': no workload by that name in the manifests", ref->text);
    if (best)
        nv_buf_printf(err, "; did you mean '%s'?", best);
    free(want);
    return -1;
}

static int nv_resolve_workload(const struct nv_model *m, const struct nv_epref *ref,
                               struct nv_ep *out, struct nv_buf *err)
{
    size_t i, found = 0, other = 0, first = 0;
    int same_id = 1;
    struct nv_buf list;

    for (i = 0; i < m->nworkloads; i++) {
        const struct nv_workload *w = &m->workloads[i];
        if (!nv_ref_names(m, ref, w))
            continue;
        if (ref->kind && !nv_span_is(ref->kind, ref->kindlen, w->kind)) {
            other++;
            continue;
        }
        if (!found++)
            first = i;
        else
            same_id &= !strcmp(w->id, m->workloads[first].id);
    }
    if (found == 1) {
        out->wl = first;
        return 0;
    }
    if (!found && !other && ref->ip_why)
        return nv_ep_fail(err, "'%s': %s", ref->text, ref->ip_why);
    if (!found && !other)
        return nv_no_workload(m, ref, err);
    nv_buf_init(&list, 0);
    for (i = 0; i < m->nworkloads; i++)
        if (nv_ref_names(m, ref, &m->workloads[i]) &&
            (!found || !ref->kind || nv_span_is(ref->kind, ref->kindlen, m->workloads[i].kind)))
            nv_buf_printf(&list, "%s%s[%s]", list.len ? ", " : "", m->workloads[i].id,
                          m->workloads[i].kind);
    if (!found) {
        struct nv_suggest sg;
        char *kind = nv_xmalloc(ref->kindlen + 1);
        long best = -1;
        memcpy(kind, ref->kind, ref->kindlen);
        kind[ref->kindlen] = '\0';
        nv_suggest_init(&sg, kind);
        for (i = 0; i < m->nworkloads; i++)
            if (nv_ref_names(m, ref, &m->workloads[i])) {
                nv_suggest_add(&sg, m->workloads[i].kind);
                if (nv_suggest_best(&sg) == m->workloads[i].kind)
                    best = (long)i;
            }
        nv_buf_printf(err, "'%s': no workload of kind %s by that name (there %s %s)", ref->text,
                      kind, other == 1 ? "is" : "are", nv_buf_str(&list));
        if (best >= 0)
            nv_buf_printf(err, "; did you mean '%s[%s]'?", m->workloads[best].id,
                          m->workloads[best].kind);
        free(kind);
    } else {
        nv_buf_printf(err, "'%s' names %zu workloads (%s); %s", ref->text, found, nv_buf_str(&list),
                      same_id ? "add the kind in brackets, as NAMESPACE/NAME[Kind]"
                              : "write NAMESPACE/NAME");
    }
    nv_buf_release(&list);
    return -1;
}

int nv_ep_resolve(const struct nv_model *m, const struct nv_epref *ref, unsigned forms,
                  struct nv_ep *out, struct nv_buf *err)
{
    memset(out, 0, sizeof(*out));
    out->form = ref->form;
    switch (ref->form) {
    case NV_EP_ADDRESS:
        if (!(forms & NV_EP_ADDRESS))
            return nv_ep_fail(err, "'%s': an address cannot be given here: name a workload",
                              ref->text);
        if (!(m->families & NV_FAMILY_BIT(ref->ip.fam)))
            return nv_ep_fail(err, "'%s': %s addresses are not modelled%s", ref->text,
                              nv_family_name(ref->ip.fam), nv_model_families_why(m));
        out->ip = ref->ip;
        return 0;
    case NV_EP_SERVICE:
        if (!(forms & NV_EP_SERVICE))
            return nv_ep_fail(err, "'%s': a Service cannot be given here: name a workload",
                              ref->text);
        return nv_resolve_service(m, ref, out, err);
    case NV_EP_WORKLOAD:
        if (!(forms & NV_EP_WORKLOAD))
            return nv_ep_fail(err, "'%s': a workload cannot be given here", ref->text);
        return nv_resolve_workload(m, ref, out, err);
    }
    return nv_ep_fail(err, "'%s': %s", ref->text, k_forms);
}

int nv_ep_lookup(const struct nv_model *m, const char *text, unsigned forms, struct nv_ep *out,
                 struct nv_buf *err)
{
    struct nv_epref ref;

    memset(out, 0, sizeof(*out));
    if (nv_ep_parse(text, &ref, err) < 0)
        return -1;
    return nv_ep_resolve(m, &ref, forms, out, err);
}

int nv_ep_arg(const struct nv_model *m, const char *opt, const char *arg, unsigned forms,
              struct nv_ep *out)
{
    struct nv_buf err;
    int rc;

    nv_buf_init(&err, 0);
    if ((rc = nv_ep_lookup(m, arg, forms, out, &err)) < 0)
        nv_escape_term_line(stderr, "netverify: %s %s", opt, nv_buf_str(&err));
    nv_buf_release(&err);
    return rc;
}

size_t nv_ep_workloads(const struct nv_model *m, const struct nv_ep *e, uint32_t *out)
{
    unsigned char *in;
    size_t i, n = 0;

    if (e->form == NV_EP_WORKLOAD) {
        out[0] = (uint32_t)e->wl;
        return 1;
    }
    if (e->form != NV_EP_SERVICE)
        return 0;
    in = nv_xcalloc(m->nworkloads + 1, 1);
    for (i = 0; i < m->npods; i++)
        if (nv_service_selects(m, e->svc, &m->pods[i]))
            in[m->pods[i].workload] = 1;
    for (i = 0; i < m->nworkloads; i++)
        if (in[i])
            out[n++] = (uint32_t)i;
    free(in);
    return n;
}

void nv_ep_format(struct nv_buf *b, const struct nv_model *m, const struct nv_ep *e)
{
    char ip[NV_IP_BUFSZ];

    switch (e->form) {
    case NV_EP_WORKLOAD:
        nv_buf_printf(b, "%s[%s]", m->workloads[e->wl].id, m->workloads[e->wl].kind);
        break;
    case NV_EP_SERVICE:
        nv_buf_printf(b, "svc %s/%s", e->svc->ns, e->svc->name);
        break;
    case NV_EP_ADDRESS:
        nv_buf_puts(b, nv_ip_format(&e->ip, ip));
        break;
    }
}
