/*
 * claim.c - claims files, the claim language's parser, and set resolution.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/claim.h"

#include "netverify/expose.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/endpoint.h"
#include "netverify/load.h"
#include "netverify/yaml.h"

/* ---- tokens ---- */

/*
 * QUOTED: "..." or '...', a key, value or name that is never a keyword; BAD:
 * a quote that is not closed.
 */
enum nv_tok_type { NV_TOK_END, NV_TOK_WORD, NV_TOK_PUNCT, NV_TOK_QUOTED, NV_TOK_BAD };

struct nv_tok {
    enum nv_tok_type type;
    size_t off, len; /* in the claim text */
};

/* Where a claim's text sits in its source, to place tokens of a multi-line claim. */
struct nv_srcmap {
    const char *src; /* the whole claims file */
    size_t len;
    size_t start;            /* byte offset of the scalar (its quote or block indicator) */
    size_t at_char, at_byte; /* nv_src_byte()'s last answer, where its next walk starts */
};

struct nv_parser {
    const char *text;
    struct nv_loc loc;
    const struct nv_srcmap *map;
    struct nv_model *m;
    struct nv_diags *d;
    struct nv_tok *toks;
    size_t ntoks, pos;
    struct nv_loc *locs; /* with a map: where each token is in the source */
};

static int nv_is_punct(char c)
{
    return c == ',' || c == '(' || c == ')' || c == '=' || c == '!';
}

static int nv_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int nv_is_quote(char c)
{
    return c == '"' || c == '\'';
}

static void nv_tokenize(struct nv_parser *p)
{
    const char *t = p->text;
    size_t i = 0, alloc = 0;

    for (;;) {
        struct nv_tok tok;
        while (t[i] && nv_is_space(t[i]))
            i++;
        tok.off = i;
        if (!t[i]) {
            tok.type = NV_TOK_END;
            tok.len = 0;
        } else if (nv_is_punct(t[i])) {
            tok.type = NV_TOK_PUNCT;
            tok.len = 1;
            i++;
        } else if (nv_is_quote(t[i])) {
            const char *close = strchr(t + i + 1, t[i]);
            tok.type = close ? NV_TOK_QUOTED : NV_TOK_BAD;
            i = close ? (size_t)(close - t) + 1 : strlen(t);
            tok.len = i - tok.off;
        } else {
            tok.type = NV_TOK_WORD;
            while (t[i] && !nv_is_space(t[i]) && !nv_is_punct(t[i]) && !nv_is_quote(t[i]))
                i++;
            tok.len = i - tok.off;
        }
        NV_GROW(p->toks, alloc, p->ntoks + 1);
        p->toks[p->ntoks++] = tok;
        if (tok.type == NV_TOK_END)
            break;
    }
}

static const struct nv_tok *nv_peek(const struct nv_parser *p, size_t ahead)
{
    size_t i = p->pos + ahead;

    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static int nv_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * 1 for the first byte of a UTF-8 character, 0 for the bytes that continue
 * one: columns count characters, as libyaml's do.
 */
static unsigned nv_utf8_lead(char c)
{
    return ((unsigned char)c & 0xc0) != 0x80;
}

/*
 * Where each token of a multi-line scalar is in its source: folding only
 * changes whitespace, so a token is as many non-blank source characters in
 * as the text has before it. Tokens come in order: one walk places them all,
 * in time linear in the claim (a walk per token was quadratic).
 */
static void nv_map_locs(struct nv_parser *p)
{
    const struct nv_srcmap *m = p->map;
    struct nv_loc loc = p->loc;
    size_t i = m->start, k = 0, want = 0, t;

    p->locs = nv_xmalloc(p->ntoks * sizeof(*p->locs));
    /* the position loc names is m->start: step over the quote or the block header */
    if (i < m->len && (m->src[i] == '|' || m->src[i] == '>')) {
        while (i < m->len && m->src[i] != '\n') {
            loc.col += nv_utf8_lead(m->src[i]);
            i++;
        }
    } else if (i < m->len && (m->src[i] == '"' || m->src[i] == '\'')) {
        i++;
        loc.col++;
    }
    for (t = 0; t < p->ntoks; t++) {
        /* 'want' counts what is still to skip: the walk goes on from the previous token */
        for (; k < p->toks[t].off; k++)
            want += !nv_ws(p->text[k]);
        for (;;) {
            while (i < m->len && nv_ws(m->src[i])) {
                if (m->src[i] == '\n') {
                    loc.line++;
                    loc.col = 1;
                } else {
                    loc.col++;
                }
                i++;
            }
            if (!want || i >= m->len)
                break;
            want--;
            loc.col += nv_utf8_lead(m->src[i]);
            i++;
        }
        p->locs[t] = loc;
    }
}

static struct nv_loc nv_tok_loc(const struct nv_parser *p, const struct nv_tok *t)
{
    struct nv_loc loc = p->loc;
    size_t i;

    if (p->map)
        return p->locs[t - p->toks];
    for (i = 0; loc.line && i < t->off; i++)
        loc.col += nv_utf8_lead(p->text[i]);
    return loc;
}

static int nv_perr(struct nv_parser *p, const struct nv_tok *t, const char *fmt, ...)
    NV_PRINTF(3, 4);

static int nv_perr(struct nv_parser *p, const struct nv_tok *t, const char *fmt, ...)
{
    char msg[512];
    struct nv_buf b;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    nv_buf_init(&b, 0);
    if (t->type == NV_TOK_END)
        nv_buf_printf(&b, "%s at the end of the claim", msg);
    else
        nv_buf_printf(&b, "%s at '%.*s'", msg, (int)(t->len > 60 ? 60 : t->len), p->text + t->off);
    nv_diag_error(p->d, nv_tok_loc(p, t), NV_E_VALUE, "invalid claim: %s", nv_buf_str(&b));
    nv_buf_release(&b);
    return -1;
}

/* Case-insensitive keyword test. */
static int nv_is_kw(const struct nv_parser *p, const struct nv_tok *t, const char *kw)
{
    size_t i, n = strlen(kw);

    if (t->type != NV_TOK_WORD || t->len != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = p->text[t->off + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != kw[i])
            return 0;
    }
    return 1;
}

static int nv_is_punct_tok(const struct nv_parser *p, const struct nv_tok *t, char c)
{
    return t->type == NV_TOK_PUNCT && p->text[t->off] == c;
}

/* The text a token stands for: a quoted token without its quotes. */
static const char *nv_tok_text(const struct nv_parser *p, const struct nv_tok *t, size_t *len)
{
    if (t->type == NV_TOK_QUOTED) {
        *len = t->len - 2;
        return p->text + t->off + 1;
    }
    *len = t->len;
    return p->text + t->off;
}

static const char *nv_tok_str(struct nv_parser *p, const struct nv_tok *t)
{
    size_t len;
    const char *s = nv_tok_text(p, t, &len);

    return nv_arena_internn(&p->m->arena, s, len);
}

/* A word or a quoted word: what may be a key, a value or a name. */
static int nv_is_name_tok(const struct nv_tok *t)
{
    return t->type == NV_TOK_WORD || t->type == NV_TOK_QUOTED;
}

/* Words that end a set: they can never be a label key, a name or a value here. */
static int nv_is_stop(const struct nv_parser *p, const struct nv_tok *t)
{
    static const char *const stops[] = {"reaches", "cannot", "on", "is", "except", "only"};
    size_t i;

    if (t->type != NV_TOK_WORD)
        return t->type == NV_TOK_END;
    for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        if (nv_is_kw(p, t, stops[i]))
            return 1;
    return 0;
}

/* ---- selectors: kubectl's -l syntax ---- */

static int nv_parse_value(struct nv_parser *p, const char **out)
{
    const struct nv_tok *t = nv_peek(p, 0);
    const char *why;

    if (!nv_is_name_tok(t))
        return nv_perr(p, t, "expected a label value");
    *out = nv_tok_str(p, t);
    if ((why = nv_label_value_invalid(*out)))
        return nv_perr(p, t, "invalid label value (%s)", why);
    p->pos++;
    return 0;
}

/*
 * Whether the value after an operator is left out ('app=', kubectl's empty
 * value): the operator ends the claim or is followed by a comma, or by a
 * space and a word that goes on with the claim ('app= reaches ...', 'app=
 * in namespace ...'). A word written right after the operator is always
 * the value ('mode=on'); a value that is a keyword after a space is quoted.
 */
static int nv_value_omitted(const struct nv_parser *p)
{
    const struct nv_tok *op = &p->toks[p->pos - 1], *t = nv_peek(p, 0);

    if (t->type == NV_TOK_END || nv_is_punct_tok(p, t, ','))
        return 1;
    if (t->type != NV_TOK_WORD || t->off == op->off + op->len)
        return 0;
    return nv_is_stop(p, t) || (nv_is_kw(p, t, "in") && (nv_is_kw(p, nv_peek(p, 1), "namespace") ||
                                                         nv_is_kw(p, nv_peek(p, 1), "namespaces")));
}

static int nv_parse_value_set(struct nv_parser *p, struct nv_requirement *r)
{
    size_t alloc = 0;

    if (!nv_is_punct_tok(p, nv_peek(p, 0), '('))
        return nv_perr(p, nv_peek(p, 0), "expected '('");
    p->pos++;
    for (;;) {
        const char *v = nv_arena_intern(&p->m->arena, "");
        /* an item may be empty, as kubectl reads 'in (a,)', 'in (,a)' and 'in ()' */
        if (!nv_is_punct_tok(p, nv_peek(p, 0), ',') && !nv_is_punct_tok(p, nv_peek(p, 0), ')') &&
            nv_parse_value(p, &v) < 0) {
            free((void *)r->values);
            r->values = NULL;
            return -1;
        }
        nv_grow((void **)&r->values, &alloc, r->nvalues + 1, sizeof(*r->values));
        r->values[r->nvalues++] = v;
        if (nv_is_punct_tok(p, nv_peek(p, 0), ',')) {
            p->pos++;
            continue;
        }
        if (nv_is_punct_tok(p, nv_peek(p, 0), ')')) {
            p->pos++;
            break;
        }
        free((void *)r->values);
        r->values = NULL;
        return nv_perr(p, nv_peek(p, 0), "expected ',' or ')'");
    }
    /* keep the values in the arena: the list above is heap memory */
    {
        const char **v = nv_arena_alloc(&p->m->arena, r->nvalues * sizeof(*v));
        memcpy(v, r->values, r->nvalues * sizeof(*v));
        free((void *)r->values);
        r->values = v;
    }
    return 0;
}

static int nv_parse_requirement(struct nv_parser *p, struct nv_requirement *r)
{
    const struct nv_tok *t = nv_peek(p, 0);
    const char *why;
    int neg = 0;

    memset(r, 0, sizeof(*r));
    if (nv_is_punct_tok(p, t, '!')) {
        neg = 1;
        p->pos++;
        t = nv_peek(p, 0);
    }
    if (t->type == NV_TOK_WORD && nv_is_stop(p, t))
        return nv_perr(p, t,
                       "expected a label selector (a key named like a keyword is quoted: \"%.*s\")",
                       (int)(t->len > 60 ? 60 : t->len), p->text + t->off);
    if (!nv_is_name_tok(t))
        return nv_perr(p, t, "expected a label selector");
    r->key = nv_tok_str(p, t);
    if ((why = nv_label_key_invalid(r->key)))
        return nv_perr(p, t, "invalid label key (%s)", why);
    p->pos++;
    if (neg) {
        r->op = NV_SEL_NOTEXISTS;
        return 0;
    }
    t = nv_peek(p, 0);
    if (nv_is_punct_tok(p, t, '=')) {
        p->pos++;
        if (nv_is_punct_tok(p, nv_peek(p, 0), '='))
            p->pos++;
        r->op = NV_SEL_IN;
    } else if (nv_is_punct_tok(p, t, '!') && nv_is_punct_tok(p, nv_peek(p, 1), '=')) {
        p->pos += 2;
        r->op = NV_SEL_NOTIN;
    } else if ((nv_is_kw(p, t, "in") || nv_is_kw(p, t, "notin")) &&
               nv_is_punct_tok(p, nv_peek(p, 1), '(')) {
        r->op = nv_is_kw(p, t, "in") ? NV_SEL_IN : NV_SEL_NOTIN;
        p->pos++;
        return nv_parse_value_set(p, r);
    } else {
        r->op = NV_SEL_EXISTS;
        return 0;
    }
    r->nvalues = 1;
    r->values = nv_arena_alloc(&p->m->arena, sizeof(*r->values));
    if (nv_value_omitted(p)) {
        r->values[0] = nv_arena_intern(&p->m->arena, "");
        return 0;
    }
    return nv_parse_value(p, &r->values[0]);
}

static const struct nv_selector *nv_parse_selector(struct nv_parser *p)
{
    struct nv_selector *s = nv_arena_alloc(&p->m->arena, sizeof(*s));
    struct nv_requirement *reqs = NULL;
    size_t alloc = 0;

    s->loc = nv_tok_loc(p, nv_peek(p, 0));
    for (;;) {
        NV_GROW(reqs, alloc, s->n + 1);
        if (nv_parse_requirement(p, &reqs[s->n]) < 0) {
            free(reqs);
            return NULL;
        }
        s->n++;
        if (!nv_is_punct_tok(p, nv_peek(p, 0), ','))
            break;
        p->pos++;
    }
    s->reqs = nv_arena_alloc(&p->m->arena, s->n * sizeof(*s->reqs));
    memcpy(s->reqs, reqs, s->n * sizeof(*s->reqs));
    free(reqs);
    nv_model_use_selector(p->m, s);
    return s;
}

/* ---- sets ---- */

static int nv_parse_name(struct nv_parser *p, const char **out, const char *what)
{
    const struct nv_tok *t = nv_peek(p, 0);

    if (!nv_is_name_tok(t) || nv_is_stop(p, t) || t->len == 2 * (t->type == NV_TOK_QUOTED))
        return nv_perr(p, t, "expected %s", what);
    *out = nv_tok_str(p, t);
    p->pos++;
    return 0;
}

/* The forms of a reference, in the endpoint module's words. */
static const char k_workload_forms[] = "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]";
static const char k_service_form[] = "write a Service as 'svc NAMESPACE/NAME'";
static const char k_bracket_form[] =
    "write a workload as NAMESPACE/NAME[Kind], the kind in brackets at the end";

/*
 * "ns/name", "name", either with "[Kind]" after it, into its parts; a bare
 * name leaves *ns NULL, no kind leaves *kind NULL. after_svc: the reference
 * follows 'svc', and an error names the Service form.
 */
static int nv_split_ref(struct nv_parser *p, const struct nv_tok *t, int after_svc, const char **ns,
                        const char **name, const char **kind)
{
    size_t len;
    const char *s = nv_tok_text(p, t, &len), *slash, *br = memchr(s, '[', len);

    *kind = NULL;
    if (!br && memchr(s, ']', len))
        return nv_perr(p, t, "%s", after_svc ? k_service_form : k_bracket_form);
    if (br) {
        if (s[len - 1] != ']' || br + 2 >= s + len ||
            memchr(br + 1, '[', len - (size_t)(br - s) - 1) || memchr(s, ']', len - 1))
            return nv_perr(p, t, "%s", after_svc ? k_service_form : k_bracket_form);
        *kind = nv_arena_internn(&p->m->arena, br + 1, len - (size_t)(br - s) - 2);
        len = (size_t)(br - s);
    }
    if (!len)
        return nv_perr(p, t, "%s", after_svc ? k_service_form : k_workload_forms);
    slash = memchr(s, '/', len);
    if (!slash) {
        *ns = NULL;
        *name = nv_arena_internn(&p->m->arena, s, len);
        return 0;
    }
    if (slash == s || slash == s + len - 1 || memchr(slash + 1, '/', len - (size_t)(slash - s) - 1))
        return nv_perr(p, t, "%s", after_svc ? k_service_form : k_workload_forms);
    *ns = nv_arena_internn(&p->m->arena, s, (size_t)(slash - s));
    *name = nv_arena_internn(&p->m->arena, slash + 1, len - (size_t)(slash - s) - 1);
    return 0;
}

/*
 * A list of CIDRs. For the list after 'except' (cidrs != NULL), each must be
 * of the family of one of the set's cidrs: an except of the other family
 * would take nothing away, so it is a mistake.
 */
static int nv_parse_cidr_list(struct nv_parser *p, struct nv_iprange **out, size_t *n,
                              const struct nv_iprange *cidrs, size_t ncidrs)
{
    size_t alloc = 0, i;
    struct nv_iprange *v = NULL;

    for (;;) {
        const struct nv_tok *t = nv_peek(p, 0);
        char buf[64];
        const char *why = NULL;
        int st;
        if (t->type != NV_TOK_WORD || t->len >= sizeof(buf)) {
            free(v);
            return nv_perr(p, t, "expected a CIDR such as 10.0.0.0/8");
        }
        memcpy(buf, p->text + t->off, t->len);
        buf[t->len] = '\0';
        NV_GROW(v, alloc, *n + 1);
        st = nv_cidr_parse(buf, &v[*n], NULL, &why);
        if (st == NV_CIDR_BAD) {
            free(v);
            return nv_perr(p, t, "%s", why);
        }
        for (i = 0; cidrs && i < ncidrs && cidrs[i].first.fam != v[*n].first.fam; i++)
            ;
        if (!(p->m->families & NV_FAMILY_BIT(v[*n].first.fam)) || (cidrs && i == ncidrs)) {
            enum nv_family fam = (enum nv_family)v[*n].first.fam;
            const char *f = nv_family_name(fam);
            free(v);
            if (cidrs && i == ncidrs)
                return nv_perr(p, t, "%s except without an %s cidr in the set", f, f);
            if (p->m->profile.npod && !p->m->profile.families)
                return nv_perr(p, t, "%s is not modelled: the pod CIDRs are all %s", f,
                               nv_family_name(fam == NV_IPV4 ? NV_IPV6 : NV_IPV4));
            return nv_perr(p, t, "%s is not modelled%s", f, nv_model_families_why(p->m));
        }
        nv_model_use_range(p->m, &v[*n]);
        (*n)++;
        p->pos++;
        if (!nv_is_punct_tok(p, nv_peek(p, 0), ','))
            break;
        p->pos++;
    }
    *out = nv_arena_alloc(&p->m->arena, *n * sizeof(**out));
    memcpy(*out, v, *n * sizeof(**out));
    free(v);
    return 0;
}

static int nv_parse_set(struct nv_parser *p, struct nv_set *s)
{
    const struct nv_tok *t = nv_peek(p, 0);
    size_t start = t->off;
    int rc = 0;

    memset(s, 0, sizeof(*s));
    s->loc = nv_tok_loc(p, t);
    if (!nv_is_name_tok(t) || nv_is_stop(p, t))
        return nv_perr(p, t,
                       "expected a set (any, pods ..., namespace ..., svc ..., cidr ..., "
                       "or a workload)");
    if (nv_is_kw(p, t, "any")) {
        s->kind = NV_SET_ANY;
        p->pos++;
    } else if (nv_is_kw(p, t, "pods")) {
        s->kind = NV_SET_PODS;
        p->pos++;
        if (!(s->sel = nv_parse_selector(p)))
            return -1;
        nv_model_use_pod_selector(p->m, s->sel);
        if (nv_is_kw(p, nv_peek(p, 0), "in")) {
            p->pos++;
            if (nv_is_kw(p, nv_peek(p, 0), "namespace")) {
                p->pos++;
                rc = nv_parse_name(p, &s->scope_ns, "a namespace name");
            } else if (nv_is_kw(p, nv_peek(p, 0), "namespaces")) {
                p->pos++;
                rc = (s->scope_sel = nv_parse_selector(p)) ? 0 : -1;
            } else {
                return nv_perr(p, nv_peek(p, 0),
                               "expected 'namespace' or 'namespaces' after "
                               "'in'");
            }
        }
    } else if (nv_is_kw(p, t, "namespace")) {
        s->kind = NV_SET_NAMESPACE;
        p->pos++;
        rc = nv_parse_name(p, &s->name, "a namespace name");
    } else if (nv_is_kw(p, t, "namespaces")) {
        s->kind = NV_SET_NAMESPACES;
        p->pos++;
        rc = (s->sel = nv_parse_selector(p)) ? 0 : -1;
    } else if (nv_is_kw(p, t, "svc")) {
        const struct nv_tok *r;
        s->kind = NV_SET_SVC;
        p->pos++;
        r = nv_peek(p, 0);
        if (!nv_is_name_tok(r) || nv_is_stop(p, r))
            return nv_perr(p, r, "%s", k_service_form);
        rc = nv_split_ref(p, r, 1, &s->ns, &s->name, &s->wkind);
        if (!rc && (!s->ns || s->wkind))
            return nv_perr(p, r, "%s", k_service_form);
        p->pos++;
    } else if (nv_is_kw(p, t, "cidr")) {
        s->kind = NV_SET_CIDR;
        p->pos++;
        rc = nv_parse_cidr_list(p, &s->cidr, &s->ncidr, NULL, 0);
        if (!rc && nv_is_kw(p, nv_peek(p, 0), "except")) {
            p->pos++;
            rc = nv_parse_cidr_list(p, &s->except, &s->nexcept, s->cidr, s->ncidr);
        }
    } else {
        s->kind = NV_SET_WORKLOAD;
        rc = nv_split_ref(p, t, 0, &s->ns, &s->name, &s->wkind);
        if (!rc) {
            /* the reference without its kind: every workload of that name gets classes */
            struct nv_buf ref;
            nv_buf_init(&ref, 0);
            nv_buf_printf(&ref, "%s%s%s", s->ns ? s->ns : "", s->ns ? "/" : "", s->name);
            nv_model_use_workload(p->m, nv_buf_str(&ref));
            nv_buf_release(&ref);
        }
        p->pos++;
    }
    if (rc < 0)
        return -1;
    {
        size_t end = p->toks[p->pos - 1].off + p->toks[p->pos - 1].len;
        s->text = nv_arena_strndup(&p->m->arena, p->text + start, end - start);
    }
    return 0;
}

/* ---- ports ---- */

/* A Service port name as 'on' takes it: a DNS label (lower-case letters, digits, '-'). */
static int nv_is_port_name(const char *s)
{
    size_t i, n = strlen(s);

    if (!n || n > 63 || !(s[0] >= 'a' && s[0] <= 'z') || s[n - 1] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/*
 * One port of 'on': PROTO/PORT, PORT, a range, or a name: toward a Service
 * (svc) a Service port's name, which carries its own protocol; toward pods a
 * container port's name, with or without a protocol, resolved on each
 * destination pod.
 */
static int nv_parse_port(struct nv_parser *p, struct nv_portspec *ps, int svc)
{
    const struct nv_tok *t = nv_peek(p, 0);
    char buf[64], *num, *end, *dash;
    unsigned long lo, hi;
    int proto = NV_PROTO_TCP;

    memset(ps, 0, sizeof(*ps));
    ps->loc = nv_tok_loc(p, t);
    if (t->type != NV_TOK_WORD || t->len >= sizeof(buf))
        return nv_perr(p, t, "expected a port such as tcp/80, udp/53, 80 or a port name");
    memcpy(buf, p->text + t->off, t->len);
    buf[t->len] = '\0';
    num = buf;
    if (strchr(buf, '/')) {
        char *slash = strchr(buf, '/'), *c;
        *slash = '\0';
        for (c = buf; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
        proto = nv_proto_parse(buf);
        if (proto < 0)
            return nv_perr(p, t, "unknown protocol (expected tcp, udp or sctp)");
        num = slash + 1;
    }
    if (nv_is_port_name(num)) {
        if (svc && num != buf)
            return nv_perr(p, t,
                           "a Service port name takes no protocol (the name has one): write "
                           "'%s'",
                           num);
        ps->name = nv_arena_intern(&p->m->arena, num);
        if (!svc) {
            /* a container port's name: resolved per destination pod */
            ps->proto = (enum nv_proto)proto;
            ps->any_proto = num == buf;
            nv_model_use_port_name(p->m, ps->name);
        }
        p->pos++;
        return 0;
    }
    dash = strchr(num, '-');
    if (dash)
        *dash = '\0';
    errno = 0;
    lo = strtoul(num, &end, 10);
    if (errno || end == num || *end || num[0] == '-' || num[0] == '+' || lo < 1 || lo > 65535)
        return nv_perr(p, t, "port must be a number in 1-65535");
    hi = lo;
    if (dash) {
        errno = 0;
        hi = strtoul(dash + 1, &end, 10);
        if (errno || end == dash + 1 || *end || dash[1] == '+' || hi < lo || hi > 65535)
            return nv_perr(p, t, "port range must be LOW-HIGH within 1-65535");
    }
    ps->proto = (enum nv_proto)proto;
    ps->port = (unsigned)lo;
    ps->end = (unsigned)hi;
    p->pos++;
    return 0;
}

static int nv_parse_ports(struct nv_parser *p, struct nv_claim *c)
{
    struct nv_portspec *v = NULL;
    size_t alloc = 0;

    for (;;) {
        NV_GROW(v, alloc, c->nports + 1);
        if (nv_parse_port(p, &v[c->nports], c->b.kind == NV_SET_SVC) < 0) {
            free(v);
            return -1;
        }
        c->nports++;
        if (!nv_is_punct_tok(p, nv_peek(p, 0), ','))
            break;
        p->pos++;
    }
    c->ports = nv_arena_alloc(&p->m->arena, c->nports * sizeof(*c->ports));
    memcpy(c->ports, v, c->nports * sizeof(*c->ports));
    free(v);
    c->has_on = 1;
    return 0;
}

/* ---- claims ---- */

static int nv_claim_parse_mapped(struct nv_claim *c, const char *text, struct nv_loc loc,
                                 const struct nv_srcmap *map, struct nv_model *m,
                                 struct nv_diags *d);

/*
 * 'tenants by KEY cannot reach each other': both sets are the namespaces
 * that carry KEY ('namespaces KEY'); the engines relate only pods whose
 * namespaces give KEY different values (nv_claim_tenants_apart).
 */
static int nv_parse_tenants(struct nv_parser *p, struct nv_claim *c)
{
    const struct nv_tok *t;
    struct nv_selector *sel;
    static const char *const rest[] = {"cannot", "reach", "each", "other"};
    const char *key, *why;
    struct nv_buf b;
    size_t i;

    p->pos += 2;
    t = nv_peek(p, 0);
    if (!nv_is_name_tok(t) || nv_is_stop(p, t))
        return nv_perr(p, t, "expected a namespace label key after 'tenants by'");
    key = nv_tok_str(p, t);
    if ((why = nv_label_key_invalid(key)))
        return nv_perr(p, t, "label key '%s': %s", key, why);
    sel = nv_arena_alloc(&p->m->arena, sizeof(*sel));
    sel->n = 1;
    sel->reqs = nv_arena_alloc(&p->m->arena, sizeof(*sel->reqs));
    memset(sel->reqs, 0, sizeof(*sel->reqs));
    sel->reqs[0].key = key;
    sel->reqs[0].op = NV_SEL_EXISTS;
    sel->loc = nv_tok_loc(p, t);
    nv_model_use_selector(p->m, sel);
    c->kind = NV_CLAIM_CANNOT_REACH;
    c->tenant_key = key;
    c->a.kind = c->b.kind = NV_SET_NAMESPACES;
    c->a.loc = c->b.loc = sel->loc;
    c->a.sel = c->b.sel = sel;
    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "namespaces %s", key);
    c->a.text = c->b.text = nv_arena_strdup(&p->m->arena, nv_buf_str(&b));
    nv_buf_release(&b);
    p->pos++;
    for (i = 0; i < 4; i++, p->pos++)
        if (!nv_is_kw(p, nv_peek(p, 0), rest[i]))
            return nv_perr(p, nv_peek(p, 0),
                           "expected 'cannot reach each other' after 'tenants by %s'", key);
    return 0;
}

/*
 * 'exposed B' / 'not exposed B': the source is the ingress controller, which
 * the model then holds even when nothing is exposed (docs/claims.md#exposure).
 */
static int nv_parse_exposed(struct nv_parser *p, struct nv_claim *c)
{
    const struct nv_tok *t = nv_peek(p, 0);

    c->expose = nv_is_kw(p, t, "not") ? NV_NOT_EXPOSED : NV_EXPOSED;
    c->kind = c->expose == NV_EXPOSED ? NV_CLAIM_REACHES : NV_CLAIM_CANNOT_REACH;
    c->a.kind = NV_SET_WORKLOAD;
    c->a.loc = nv_tok_loc(p, t);
    c->a.text = c->a.name = NV_CTRL_NAME;
    p->pos += c->expose == NV_EXPOSED ? 1 : 2;
    p->m->expose_wanted = 1;
    return nv_parse_set(p, &c->b);
}

int nv_claim_parse(struct nv_claim *c, const char *text, struct nv_loc loc, struct nv_model *m,
                   struct nv_diags *d)
{
    return nv_claim_parse_mapped(c, text, loc, NULL, m, d);
}

static int nv_claim_parse_mapped(struct nv_claim *c, const char *text, struct nv_loc loc,
                                 const struct nv_srcmap *map, struct nv_model *m,
                                 struct nv_diags *d)
{
    struct nv_parser p;
    const struct nv_tok *t;
    int rc = -1;

    memset(&p, 0, sizeof(p));
    memset(c, 0, sizeof(*c));
    p.text = text;
    p.loc = loc;
    p.map = map;
    p.m = m;
    p.d = d;
    c->text = nv_arena_strdup(&m->arena, text);
    c->loc = loc;
    nv_tokenize(&p);
    if (map)
        nv_map_locs(&p);
    if (p.ntoks >= 2 && p.toks[p.ntoks - 2].type == NV_TOK_BAD) {
        /* an unclosed quote runs to the end: it is the last token before END */
        nv_perr(&p, &p.toks[p.ntoks - 2], "the quote is not closed");
        goto out;
    }
    if (nv_is_kw(&p, nv_peek(&p, 0), "regardless") && nv_is_kw(&p, nv_peek(&p, 1), "of")) {
        /* a guardrail: it must hold whatever NetworkPolicies the namespaces write */
        if (!nv_is_kw(&p, nv_peek(&p, 2), "networkpolicies")) {
            nv_perr(&p, nv_peek(&p, 2), "expected 'NetworkPolicies' after 'regardless of'");
            goto out;
        }
        c->guard = 1;
        p.pos += 3;
        if (nv_is_punct_tok(&p, nv_peek(&p, 0), ','))
            p.pos++;
    }
    if (nv_is_kw(&p, nv_peek(&p, 0), "tenants") && nv_is_kw(&p, nv_peek(&p, 1), "by")) {
        if (nv_parse_tenants(&p, c) < 0)
            goto out;
        goto ports;
    }
    if (nv_is_kw(&p, nv_peek(&p, 0), "exposed") ||
        (nv_is_kw(&p, nv_peek(&p, 0), "not") && nv_is_kw(&p, nv_peek(&p, 1), "exposed"))) {
        if (nv_parse_exposed(&p, c) < 0)
            goto out;
        goto ports;
    }
    if (nv_is_kw(&p, nv_peek(&p, 0), "only")) {
        c->only = 1;
        p.pos++;
    }
    if (nv_parse_set(&p, &c->a) < 0)
        goto out;
    t = nv_peek(&p, 0);
    if (nv_is_kw(&p, t, "reaches")) {
        c->kind = NV_CLAIM_REACHES;
        p.pos++;
    } else if (nv_is_kw(&p, t, "cannot") && nv_is_kw(&p, nv_peek(&p, 1), "reach")) {
        c->kind = NV_CLAIM_CANNOT_REACH;
        p.pos += 2;
    } else if (nv_is_kw(&p, t, "is") && nv_is_kw(&p, nv_peek(&p, 1), "isolated")) {
        c->kind = NV_CLAIM_ISOLATED;
        c->iso_types = NV_TYPE_INGRESS | NV_TYPE_EGRESS;
        p.pos += 2;
        if (c->only) {
            nv_perr(&p, &p.toks[0], "'only' applies to 'reaches'");
            goto out;
        }
        if (c->guard) {
            nv_perr(&p, &p.toks[0],
                    "'is isolated' is about NetworkPolicies: it cannot hold regardless of them");
            goto out;
        }
        if (nv_is_kw(&p, nv_peek(&p, 0), "for")) {
            p.pos++;
            if (nv_is_kw(&p, nv_peek(&p, 0), "ingress"))
                c->iso_types = NV_TYPE_INGRESS;
            else if (nv_is_kw(&p, nv_peek(&p, 0), "egress"))
                c->iso_types = NV_TYPE_EGRESS;
            else {
                nv_perr(&p, nv_peek(&p, 0), "expected 'ingress' or 'egress'");
                goto out;
            }
            p.pos++;
        }
        goto end;
    } else {
        nv_perr(&p, t, "expected 'reaches', 'cannot reach' or 'is isolated'");
        goto out;
    }
    if (c->only && c->kind != NV_CLAIM_REACHES) {
        nv_perr(&p, &p.toks[0], "'only' applies to 'reaches'");
        goto out;
    }
    if (nv_parse_set(&p, &c->b) < 0)
        goto out;
ports:
    if (nv_is_kw(&p, nv_peek(&p, 0), "on")) {
        p.pos++;
        if (nv_parse_ports(&p, c) < 0)
            goto out;
    }
end:
    if (nv_peek(&p, 0)->type != NV_TOK_END) {
        nv_perr(&p, nv_peek(&p, 0), "unexpected words");
        goto out;
    }
    rc = 0;
out:
    free(p.locs);
    free(p.toks);
    return rc;
}

/* ---- claims files ---- */

struct nv_claims_ctx {
    struct nv_srcmap src;
    char *buf; /* owns src.src */
    struct nv_claims *c;
    struct nv_model *m;
    struct nv_diags *d;
    size_t max; /* claims in the list, aliases counted */
    int seen;
};

static const struct nv_service *nv_service_find(const struct nv_model *m, const char *ns,
                                                const char *name)
{
    size_t i;

    for (i = 0; i < m->nservices; i++)
        if (!strcmp(m->services[i].ns, ns) && !strcmp(m->services[i].name, name))
            return &m->services[i];
    return NULL;
}

/* A Service's selector and named target ports must survive class projection. */
static void nv_use_service(struct nv_model *m, const struct nv_set *s)
{
    const struct nv_service *svc;
    size_t i;

    if (s->kind != NV_SET_SVC || !(svc = nv_service_find(m, s->ns, s->name)))
        return;
    if (svc->selector)
        nv_model_use_pod_selector(m, svc->selector);
    for (i = 0; i < svc->nports; i++)
        if (svc->ports[i].target_name)
            nv_model_use_port_name(m, svc->ports[i].target_name);
}

/* A string field of a claim's mapping (NULL when absent); -1 after an error. */
static int nv_claim_field(struct nv_claims_ctx *x, const struct nv_node *it, const char *key,
                          const char **out)
{
    const struct nv_node *n = nv_node_get(it, key);

    *out = NULL;
    if (!n)
        return 0;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR || !n->len)
        return nv_diag_error(x->d, n->loc, NV_E_TYPE, "a claim's '%s' must be a non-empty string",
                             key);
    *out = nv_arena_strndup(&x->m->arena, n->str, n->len);
    return 0;
}

/*
 * 'expect: refuted', its 'reason' (required) and 'issue' (optional), on claim c
 * read from mapping 'it'. Returns 0 or -1 (error recorded).
 */
static int nv_claim_expect(struct nv_claims_ctx *x, const struct nv_node *it, struct nv_claim *c)
{
    const struct nv_node *e = nv_node_get(it, "expect"), *r;
    const char *expect;

    if (nv_claim_field(x, it, "expect", &expect) < 0 ||
        nv_claim_field(x, it, "reason", &c->reason) < 0 ||
        nv_claim_field(x, it, "issue", &c->issue) < 0)
        return -1;
    if (!expect) {
        if ((r = nv_node_get(it, "reason")) || (r = nv_node_get(it, "issue")))
            return nv_diag_error(x->d, r->loc, NV_E_VALUE,
                                 "'%s' without 'expect: refuted' (it goes with a claim expected "
                                 "to be refuted)",
                                 nv_node_get(it, "reason") ? "reason" : "issue");
        return 0;
    }
    if (strcmp(expect, "refuted"))
        return nv_diag_error(x->d, e->loc, NV_E_VALUE,
                             "'expect' must be 'refuted', not '%s' (a claim is expected to hold "
                             "unless it says otherwise)",
                             expect);
    if (!c->reason)
        return nv_diag_error(x->d, e->loc, NV_E_MISSING,
                             "'expect: refuted' needs a 'reason' (why the breach is accepted for "
                             "now)");
    c->expect_refuted = 1;
    c->expect_loc = e->loc;
    return 0;
}

/*
 * The byte offset in the claims file of libyaml's character index 'index': a
 * UTF-8 byte-order mark is not counted, every other character is (CR LF as
 * two). Claims come in the file's order, so each walk goes on from the last
 * one. SIZE_MAX for a file libyaml decoded from UTF-16 (its bytes are no map).
 */
static size_t nv_src_byte(struct nv_srcmap *m, size_t index)
{
    const unsigned char *s = (const unsigned char *)m->src;
    size_t bom = m->len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;

    if (m->len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
        return SIZE_MAX;
    if (index < m->at_char || m->at_byte < bom) {
        m->at_char = 0;
        m->at_byte = bom;
    }
    while (m->at_char < index && m->at_byte < m->len) {
        m->at_byte++;
        while (m->at_byte < m->len && (s[m->at_byte] & 0xc0) == 0x80)
            m->at_byte++;
        m->at_char++;
    }
    return m->at_byte;
}

static void nv_add_claim(struct nv_claims_ctx *x, const struct nv_node *text,
                         const struct nv_node *name)
{
    struct nv_claim c;
    struct nv_loc loc;

    if (!text || text->type != NV_NODE_SCALAR || text->kind == NV_SCALAR_NULL) {
        nv_diag_error(x->d, text ? text->loc : name->loc, NV_E_TYPE, "a claim must be a string");
        return;
    }
    if (name && (name->type != NV_NODE_SCALAR || name->kind == NV_SCALAR_NULL)) {
        nv_diag_error(x->d, name->loc, NV_E_TYPE, "a claim's 'name' must be a string");
        return;
    }
    loc = text->loc;
    if (text->multiline && x->src.src) {
        struct nv_srcmap map = x->src;
        /* a file libyaml decoded from UTF-16 is no map of the text: an empty one puts every
         * token at the claim's start */
        map.start = nv_src_byte(&x->src, text->offset);
        if (map.start == SIZE_MAX)
            map.start = map.len = 0;
        if (nv_claim_parse_mapped(&c, text->str, loc, &map, x->m, x->d) < 0)
            return;
    } else {
        if (text->quoted)
            loc.col++;
        if (nv_claim_parse(&c, text->str, loc, x->m, x->d) < 0)
            return;
    }
    if (name)
        c.name = nv_arena_strndup(&x->m->arena, name->str, name->len);
    nv_use_service(x->m, &c.a);
    nv_use_service(x->m, &c.b);
    NV_GROW(x->c->items, x->c->alloc, x->c->n + 1);
    x->c->items[x->c->n++] = c;
}

/* A claim's name, where it is written, for finding names given twice. */
struct nv_named {
    const char *name;
    struct nv_loc loc;
    size_t i;
};

static int nv_named_cmp(const void *a, const void *b)
{
    const struct nv_named *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * Two claims of one name: the report, SARIF and a reviewer tell claims apart by
 * name, so the second is a warning at its name (pointing at the first).
 */
static void nv_warn_same_names(struct nv_claims_ctx *x, const struct nv_node *list)
{
    struct nv_named *v = NULL;
    size_t n = 0, i;

    for (i = 0; i < list->n; i++) {
        const struct nv_node *name;
        if (list->items[i]->type != NV_NODE_MAP || !(name = nv_node_get(list->items[i], "name")) ||
            name->type != NV_NODE_SCALAR || name->kind == NV_SCALAR_NULL)
            continue;
        if (!v)
            v = nv_xmalloc(list->n * sizeof(*v));
        v[n].name = name->str;
        v[n].loc = name->loc;
        v[n].i = i;
        n++;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), nv_named_cmp);
    for (i = 1; i < n; i++) {
        size_t first = i - 1;
        char at[512];
        while (first > 0 && !strcmp(v[first - 1].name, v[i].name))
            first--;
        if (strcmp(v[first].name, v[i].name))
            continue;
        nv_diag_warning(x->d, v[i].loc, NV_W_SEMANTIC,
                        "a claim named '%s' already stands at %s: the results cannot tell the "
                        "two apart by name (give each claim its own name)",
                        v[i].name, nv_loc_format(v[first].loc, at, sizeof(at)));
    }
    free(v);
}

static void nv_on_claims_doc(const struct nv_node *root, unsigned docno, void *arg)
{
    struct nv_claims_ctx *x = arg;
    const struct nv_node *list;
    size_t i, j;

    (void)docno;
    if (x->seen++) {
        nv_diag_error(x->d, root->loc, NV_E_VALUE, "a claims file holds one YAML document");
        return;
    }
    if (root->type != NV_NODE_MAP || !(list = nv_node_get(root, "claims"))) {
        nv_diag_error(x->d, root->loc, NV_E_MISSING, "a claims file needs a 'claims:' list");
        return;
    }
    if (list->type != NV_NODE_SEQ) {
        nv_diag_error(x->d, list->loc, NV_E_TYPE, "'claims' must be a list, not %s",
                      nv_node_type_name(list));
        return;
    }
    /* an alias repeats a claim without costing bytes: each one counts, before any is parsed */
    if (list->n > x->max) {
        nv_diag_error(x->d, list->loc, NV_E_LIMIT,
                      "more than %zu claims, counting what aliases repeat (raise it with "
                      "--max-claims)",
                      x->max);
        return;
    }
    for (i = 0; i < list->n; i++) {
        const struct nv_node *it = list->items[i];
        if (it->type == NV_NODE_MAP) {
            static const char *const fields[] = {"name",   "claim", "expect",
                                                 "reason", "issue", NULL};
            size_t before = x->c->n, f;
            for (j = 0; j < it->n; j++) {
                const struct nv_node *k = it->items[2 * j];
                for (f = 0; fields[f] && (k->type != NV_NODE_SCALAR || strcmp(k->str, fields[f]));
                     f++)
                    ;
                if (!fields[f])
                    nv_diag_error(x->d, k->loc, NV_E_VALUE,
                                  "unknown field '%s' in a claim (expected name, claim, expect, "
                                  "reason or issue)",
                                  k->type == NV_NODE_SCALAR ? k->str : "?");
            }
            if (!nv_node_get(it, "claim")) {
                nv_diag_error(x->d, it->loc, NV_E_MISSING, "claim has no 'claim' text");
                continue;
            }
            nv_add_claim(x, nv_node_get(it, "claim"), nv_node_get(it, "name"));
            if (x->c->n > before)
                nv_claim_expect(x, it, &x->c->items[before]);
        } else {
            nv_add_claim(x, it, NULL);
        }
    }
    if (!list->n)
        nv_diag_error(x->d, list->loc, NV_E_MISSING, "the claims list is empty");
    nv_warn_same_names(x, list);
}

int nv_claims_load(struct nv_claims *c, const char *path, struct nv_model *m, struct nv_diags *d)
{
    return nv_claims_load_max(c, path, NV_CLAIMS_MAX_DEFAULT, m, d);
}

int nv_claims_load_max(struct nv_claims *c, const char *path, size_t max_claims, struct nv_model *m,
                       struct nv_diags *d)
{
    struct nv_claims_ctx x;
    struct nv_yaml_limits lim;
    struct nv_arena scratch;
    struct nv_buf b;
    size_t nerr = d->nerr;
    FILE *fp;

    memset(c, 0, sizeof(*c));
    c->file = nv_arena_intern(&m->arena, path);
    memset(&x, 0, sizeof(x));
    x.max = max_claims;
    if (nv_load_read_file(c->file, "the claims file", NV_CLAIMS_MAX_BYTES, 0, &b, d) != 0)
        return -1;
    x.src.len = b.len;
    x.buf = nv_buf_detach(&b);
    x.src.src = x.buf;
    fp = fmemopen(x.buf, x.src.len ? x.src.len : 1, "rb");
    if (!fp) {
        free(x.buf);
        return nv_diag_error(d, (struct nv_loc){c->file, 0, 0}, NV_E_IO,
                             "cannot read the claims file: %s", strerror(errno));
    }
    x.c = c;
    x.m = m;
    x.d = d;
    nv_yaml_limits_default(&lim);
    nv_arena_init(&scratch);
    if (x.src.len)
        nv_yaml_load(fp, c->file, &lim, &scratch, d, nv_on_claims_doc, &x);
    nv_arena_release(&scratch);
    fclose(fp);
    free(x.buf);
    if (!x.seen && d->nerr == nerr)
        nv_diag_error(d, (struct nv_loc){c->file, 0, 0}, NV_E_MISSING, "the claims file is empty");
    return d->nerr > nerr ? -1 : 0;
}

void nv_claims_release(struct nv_claims *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->items[i].a.cls);
        free(c->items[i].a.atoms);
        free(c->items[i].b.cls);
        free(c->items[i].b.atoms);
    }
    free(c->items);
    memset(c, 0, sizeof(*c));
}

/* ---- resolution ---- */

static int nv_in_cidrs(const struct nv_set *s, const struct nv_ip *a)
{
    size_t i;
    int in = 0;

    for (i = 0; i < s->ncidr && !in; i++)
        in = nv_iprange_has(&s->cidr[i], a);
    for (i = 0; i < s->nexcept && in; i++)
        in = !nv_iprange_has(&s->except[i], a);
    return in;
}

/* Workloads a NS/NAME or NAME reference names, of its kind when it gives one: exactly one. */
static int nv_resolve_workload(struct nv_set *s, struct nv_model *m, struct nv_diags *d)
{
    struct nv_epref ref;
    struct nv_ep ep;
    struct nv_buf err;
    size_t i;

    nv_buf_init(&err, 0);
    nv_ep_ref_workload(&ref, s->text, s->ns, s->name, s->wkind);
    if (nv_ep_resolve(m, &ref, NV_EP_WORKLOAD, &ep, &err) < 0) {
        nv_diag_error(d, s->loc, NV_E_VALUE, "%s", nv_buf_str(&err));
        nv_buf_release(&err);
        return -1;
    }
    nv_buf_release(&err);
    for (i = 0; i < m->npods; i++)
        if (m->pods[i].workload == ep.wl)
            s->cls[m->pods[i].cls] = 1;
    return 0;
}

/* The namespace 'name' of set s, or -1 after recording why not (and the nearest name). */
static long nv_resolve_ns(const struct nv_set *s, const char *name, const struct nv_model *m,
                          struct nv_diags *d)
{
    struct nv_buf err;
    long ns;

    nv_buf_init(&err, 0);
    if ((ns = nv_ep_namespace(m, s->text, name, &err)) < 0)
        nv_diag_error(d, s->loc, NV_E_VALUE, "%s", nv_buf_str(&err));
    nv_buf_release(&err);
    return ns;
}

/*
 * Record an error unless the same one (position and message) is already
 * recorded: a Service port that several claims use is reported once.
 */
static void nv_error_once(struct nv_diags *d, struct nv_loc loc, const char *fmt, ...)
    NV_PRINTF(3, 4);

static void nv_error_once(struct nv_diags *d, struct nv_loc loc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (i = 0; i < d->n; i++) {
        const struct nv_diag *g = &d->items[i];
        if (g->sev == NV_SEV_ERROR && g->loc.line == loc.line && g->loc.col == loc.col &&
            !strcmp(g->msg, msg) &&
            (g->loc.file == loc.file ||
             (g->loc.file && loc.file && !strcmp(g->loc.file, loc.file))))
            return;
    }
    nv_diag_error(d, loc, NV_E_VALUE, "%s", msg);
}

const char *nv_service_unselected_why(const struct nv_service *svc)
{
    switch (svc->unselected) {
    case NV_SVC_SELECTS:
        break;
    case NV_SVC_NO_SELECTOR:
        return "has no selector: the EndpointSlice controller picks no pod for it (its endpoints "
               "are managed elsewhere)";
    case NV_SVC_EMPTY_SELECTOR:
        return "has an empty selector: the EndpointSlice controller picks no pod for it (its "
               "endpoints are managed elsewhere)";
    case NV_SVC_EXTERNAL_NAME:
        return "is of type ExternalName: it is a DNS alias, its selector is ignored and it has no "
               "pods";
    }
    return "selects pods";
}

/* Why a claim cannot name a Service whose endpoints are not picked from pods. */
static int nv_svc_unselected_error(const struct nv_set *s, const struct nv_service *svc,
                                   struct nv_diags *d)
{
    char where[256];

    return nv_diag_error(
        d, s->loc, NV_E_VALUE, "Service '%s/%s' (%s) %s, so a claim cannot name it", s->ns, s->name,
        nv_loc_format(svc->loc, where, sizeof(where)), nv_service_unselected_why(svc));
}

void nv_service_port_format(struct nv_buf *b, const struct nv_service_port *sp)
{
    nv_buf_printf(b, "%u", sp->port);
    if (sp->proto != NV_PROTO_TCP)
        nv_buf_printf(b, "/%s", nv_proto_name(sp->proto));
    if (sp->name)
        nv_buf_printf(b, " (%s)", sp->name);
}

unsigned nv_service_target(const struct nv_service_port *sp, const struct nv_pod *pod)
{
    size_t i;

    if (!sp->target_name)
        return sp->target;
    for (i = 0; i < pod->nports; i++)
        if (!strcmp(pod->ports[i].name, sp->target_name) && pod->ports[i].proto == sp->proto)
            return pod->ports[i].port;
    return 0;
}

int nv_service_selects(const struct nv_model *m, const struct nv_service *svc,
                       const struct nv_pod *pod)
{
    (void)m;
    return svc->selector && pod->ns == svc->nsidx &&
           nv_selector_matches(svc->selector, &pod->labels);
}

/*
 * Whether Service port sp has an endpoint among the pods of set s (the
 * Service's pods); when not, report it at the claim (at 'at') and at the
 * Service port, and return 0.
 */
static int nv_svc_port_has_endpoint(const struct nv_set *s, const struct nv_service *svc,
                                    const struct nv_service_port *sp, struct nv_loc at,
                                    const struct nv_model *m, struct nv_diags *d)
{
    size_t i, j, npods = 0;
    const char *other = NULL;
    char hint[64] = "";
    struct nv_buf b;

    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        if (!s->cls[pod->cls] || !nv_service_selects(m, svc, pod))
            continue;
        npods++;
        if (nv_service_target(sp, pod))
            return 1;
        for (j = 0; j < pod->nports && !other; j++)
            if (!strcmp(pod->ports[j].name, sp->target_name))
                other = nv_proto_name(pod->ports[j].proto);
    }
    if (other)
        snprintf(hint, sizeof(hint), " (the name is declared for %s, the Service port is %s)",
                 other, nv_proto_name(sp->proto));
    nv_buf_init(&b, 0);
    nv_service_port_format(&b, sp);
    nv_diag_error(d, at, NV_E_VALUE,
                  "Service port %s of '%s/%s' has no endpoint: its targetPort '%s' matches no "
                  "container port of the %zu pod%s the Service selects%s",
                  nv_buf_str(&b), svc->ns, svc->name, sp->target_name, npods, npods == 1 ? "" : "s",
                  hint);
    nv_error_once(d, sp->target_loc,
                  "targetPort '%s' matches no container port of the %zu pod%s the Service "
                  "selects%s",
                  sp->target_name, npods, npods == 1 ? "" : "s", hint);
    nv_buf_release(&b);
    return 0;
}

/* Whether 'on' entry ps picks Service port sp (by number or range and protocol, or by name). */
static int nv_on_picks(const struct nv_portspec *ps, const struct nv_service_port *sp)
{
    if (ps->name)
        return sp->name && !strcmp(sp->name, ps->name);
    return ps->proto == sp->proto && sp->port >= ps->port && sp->port <= ps->end;
}

/* Every 'on' entry must pick a port of the Service; report those that pick none. */
static int nv_claim_check_on_ports(const struct nv_claim *c, const struct nv_set *s,
                                   const struct nv_service *svc, struct nv_diags *d)
{
    size_t i, j;
    int rc = 0;

    for (j = 0; j < c->nports; j++) {
        struct nv_buf b;
        for (i = 0; i < svc->nports && !nv_on_picks(&c->ports[j], &svc->ports[i]); i++)
            ;
        if (i < svc->nports)
            continue;
        nv_buf_init(&b, 0);
        for (i = 0; i < svc->nports; i++) {
            nv_buf_puts(&b, i ? ", " : "");
            nv_service_port_format(&b, &svc->ports[i]);
        }
        if (c->ports[j].name)
            nv_diag_error(d, c->ports[j].loc, NV_E_VALUE,
                          "Service '%s/%s' has no port named '%s' (its ports: %s)", s->ns, s->name,
                          c->ports[j].name, svc->nports ? nv_buf_str(&b) : "none");
        else if (c->ports[j].end != c->ports[j].port)
            nv_diag_error(d, c->ports[j].loc, NV_E_VALUE,
                          "Service '%s/%s' has no port in %s %u-%u (its ports: %s)", s->ns, s->name,
                          nv_proto_name(c->ports[j].proto), c->ports[j].port, c->ports[j].end,
                          svc->nports ? nv_buf_str(&b) : "none");
        else
            nv_diag_error(d, c->ports[j].loc, NV_E_VALUE,
                          "Service '%s/%s' has no port %s %u (its ports: %s)", s->ns, s->name,
                          nv_proto_name(c->ports[j].proto), c->ports[j].port,
                          svc->nports ? nv_buf_str(&b) : "none");
        nv_buf_release(&b);
        rc = -1;
    }
    return rc;
}

/* Whether Service port sp (with a named target) is one of the n target ports picked. */
static int nv_svc_port_picked(const struct nv_service_port *sp, const struct nv_portspec *ports,
                              size_t n)
{
    size_t j;

    for (j = 0; j < n; j++)
        if (sp->target_name && ports[j].proto == sp->proto &&
            !strcmp(ports[j].name, sp->target_name))
            return 1;
    return 0;
}

/*
 * A destination Service is its endpoints: the selected pods on which one of the
 * Service ports picked resolves. A pod that declares none of their named target
 * ports receives nothing through the Service, so its class leaves the set (it
 * must not make the claim relate a flow it has not).
 */
static void nv_svc_keep_endpoints(struct nv_set *s, const struct nv_service *svc,
                                  const struct nv_portspec *ports, size_t n,
                                  const struct nv_model *m)
{
    unsigned char *keep;
    size_t i, j;

    for (j = 0; j < n && ports[j].name; j++)
        ;
    if (j < n)
        return; /* a numeric target port: every selected pod is an endpoint */
    keep = nv_xcalloc(m->nclasses + 1, 1);
    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        if (!s->cls[pod->cls] || keep[pod->cls] || !nv_service_selects(m, svc, pod))
            continue;
        for (j = 0; j < svc->nports && !keep[pod->cls]; j++)
            if (nv_svc_port_picked(&svc->ports[j], ports, n))
                keep[pod->cls] = nv_service_target(&svc->ports[j], pod) != 0;
    }
    for (i = 0; i < m->nclasses; i++)
        s->cls[i] = s->cls[i] && keep[i];
    free(keep);
}

static int nv_resolve_svc(struct nv_claim *c, struct nv_set *s, struct nv_model *m,
                          struct nv_diags *d)
{
    const struct nv_service *svc = nv_service_find(m, s->ns, s->name);
    struct nv_portspec *ports;
    size_t i, j, n = 0, any = 0;
    int rc = 0;

    if (!svc) {
        struct nv_epref ref;
        struct nv_ep ep;
        struct nv_buf err;
        nv_buf_init(&err, 0);
        nv_ep_ref_workload(&ref, s->text, s->ns, s->name, NULL);
        ref.form = NV_EP_SERVICE;
        nv_ep_resolve(m, &ref, NV_EP_SERVICE, &ep, &err);
        nv_diag_error(d, s->loc, NV_E_VALUE, "%s", nv_buf_str(&err));
        nv_buf_release(&err);
        return -1;
    }
    s->svc = svc;
    if (svc->unselected != NV_SVC_SELECTS)
        return nv_svc_unselected_error(s, svc, d);
    for (i = 0; i < m->nclasses; i++)
        if (m->classes[i].ns == svc->nsidx &&
            nv_selector_matches_interned(svc->selector, &m->classes[i].labels))
            any += s->cls[i] = 1;
    if (s != &c->b || !any)
        return 0; /* a source is the Service's pods; no pods: "matches nothing", reported after */
    if (!svc->nports)
        return nv_diag_error(d, s->loc, NV_E_VALUE, "Service '%s/%s' has no ports", s->ns, s->name);
    if (c->has_on && nv_claim_check_on_ports(c, s, svc, d) < 0)
        return -1;
    /* as a destination: the Service ports picked, each mapped to its target port per pod */
    ports = nv_arena_alloc(&m->arena, (svc->nports + 1) * sizeof(*ports));
    for (i = 0; i < svc->nports; i++) {
        const struct nv_service_port *sp = &svc->ports[i];
        struct nv_loc at = s->loc;
        int want = !c->has_on;
        for (j = 0; j < c->nports && !want; j++)
            if ((want = nv_on_picks(&c->ports[j], sp)))
                at = c->ports[j].loc;
        if (!want)
            continue;
        if (sp->target_name && !nv_svc_port_has_endpoint(s, svc, sp, at, m, d)) {
            rc = -1;
            continue;
        }
        memset(&ports[n], 0, sizeof(ports[n]));
        ports[n].loc = sp->loc;
        ports[n].proto = sp->proto;
        if (sp->target_name) {
            ports[n].name = sp->target_name;
        } else {
            ports[n].port = sp->target;
            ports[n].end = sp->target;
        }
        n++;
    }
    if (rc < 0)
        return -1;
    c->ports = ports;
    c->nports = n;
    c->has_on = 1;
    nv_svc_keep_endpoints(s, svc, ports, n, m);
    return 0;
}

static int nv_resolve_set(struct nv_claim *c, struct nv_set *s, struct nv_model *m,
                          struct nv_diags *d)
{
    size_t i;
    int ns, rc = 0;

    s->cls = nv_xcalloc(m->nclasses + 1, 1);
    s->atoms = nv_xcalloc(m->atoms.n + 1, 1);
    if (c->expose && s == &c->a) {
        /* the ingress controller: made because the claim asks (nv_parse_exposed) */
        if (m->ctrl < 0)
            return nv_diag_error(d, s->loc, NV_E_VALUE,
                                 "'%s' asks about the ingress controller, which "
                                 "--no-ingress-controller leaves out",
                                 c->text);
        s->cls[m->ctrl_cls] = 1;
        s->ncls = 1;
        return 0;
    }
    switch (s->kind) {
    case NV_SET_ANY:
        memset(s->cls, 1, m->nclasses);
        memset(s->atoms, 1, m->atoms.n);
        break;
    case NV_SET_PODS:
        if (s->scope_ns && nv_resolve_ns(s, s->scope_ns, m, d) < 0)
            return -1;
        for (i = 0; i < m->nclasses; i++) {
            const struct nv_class *k = &m->classes[i];
            if (s->scope_ns && strcmp(m->ns[k->ns].name, s->scope_ns))
                continue;
            if (s->scope_sel && !nv_selector_matches_interned(s->scope_sel, &m->ns[k->ns].labels))
                continue;
            s->cls[i] = (unsigned char)nv_selector_matches_interned(s->sel, &k->labels);
        }
        break;
    case NV_SET_NAMESPACE:
        if ((ns = (int)nv_resolve_ns(s, s->name, m, d)) < 0)
            return -1;
        for (i = 0; i < m->nclasses; i++)
            s->cls[i] = m->classes[i].ns == (unsigned)ns;
        break;
    case NV_SET_NAMESPACES:
        for (i = 0; i < m->nclasses; i++)
            s->cls[i] = (unsigned char)nv_selector_matches_interned(
                s->sel, &m->ns[m->classes[i].ns].labels);
        break;
    case NV_SET_SVC:
        rc = nv_resolve_svc(c, s, m, d);
        break;
    case NV_SET_CIDR:
        for (i = 0; i < m->atoms.n; i++)
            s->atoms[i] = (unsigned char)nv_in_cidrs(s, &m->atoms.cuts[i]);
        break;
    case NV_SET_WORKLOAD:
        rc = nv_resolve_workload(s, m, d);
        break;
    }
    if (rc < 0)
        return -1;
    for (i = 0; i < m->nclasses; i++)
        s->ncls += s->cls[i];
    for (i = 0; i < m->atoms.n; i++)
        s->natoms += s->atoms[i];
    if (!s->ncls && !s->natoms) {
        struct nv_buf err;
        nv_buf_init(&err, 0);
        nv_buf_printf(&err, "'%s' matches nothing", s->text);
        if (s->kind == NV_SET_PODS || s->kind == NV_SET_NAMESPACES)
            nv_ep_suggest_labels(
                m, s->sel,
                s->kind == NV_SET_NAMESPACES ? NV_EP_LABELS_NAMESPACES : NV_EP_LABELS_PODS, &err);
        if (s->kind == NV_SET_PODS && s->scope_sel && !strchr(nv_buf_str(&err), '?'))
            nv_ep_suggest_labels(m, s->scope_sel, NV_EP_LABELS_SCOPE, &err);
        nv_diag_error(d, s->loc, NV_E_VALUE, "%s", nv_buf_str(&err));
        nv_buf_release(&err);
        return -1;
    }
    if (c->kind == NV_CLAIM_ISOLATED && !s->ncls)
        return nv_diag_error(d, s->loc, NV_E_VALUE,
                             "'%s' holds no workload: only workloads can be isolated", s->text);
    return 0;
}

/* Whether class k declares container port 'name' for protocol proto. */
static int nv_class_declares(const struct nv_class *k, const char *name, enum nv_proto proto)
{
    size_t i;

    for (i = 0; i < k->nports; i++)
        if (k->ports[i].proto == proto && !strcmp(k->ports[i].name, name))
            return 1;
    return 0;
}

/*
 * Every entry of 'on' is a port name: the destination set keeps the classes
 * that declare one ('keep'); the workloads whose pods all left are named in a
 * warning (up to three).
 */
static void nv_narrow_to_names(struct nv_claim *c, const struct nv_model *m,
                               const unsigned char *keep, struct nv_diags *d)
{
    struct nv_set *s = &c->b;
    unsigned char *seen = nv_xcalloc(m->nworkloads + 1, 1);
    size_t i, n = 0;
    struct nv_buf b;

    nv_buf_init(&b, 0);
    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        if (!s->cls[pod->cls] || keep[pod->cls] || seen[pod->workload])
            continue;
        seen[pod->workload] = 1;
        if (n++ < 3)
            nv_buf_printf(&b, "%s%s[%s]", n > 1 ? ", " : "", m->workloads[pod->workload].id,
                          m->workloads[pod->workload].kind);
    }
    if (n > 3)
        nv_buf_printf(&b, " and %zu more", n - 3);
    for (i = 0; i < m->nclasses; i++)
        if (s->cls[i] && !keep[i]) {
            s->cls[i] = 0;
            s->ncls--;
        }
    memset(s->atoms, 0, m->atoms.n);
    s->natoms = 0;
    if (n)
        nv_diag_warning(d, c->ports[0].loc, NV_W_SEMANTIC,
                        "pods of '%s' that declare none of the port names after 'on' are left out "
                        "of the claim (no such port, no flow on it): %s",
                        s->text, nv_buf_str(&b));
    nv_buf_release(&b);
    free(seen);
}

/* "; did you mean 'http'?" when a pod of set s declares a port name near 'name' ("" if none). */
static const char *nv_claim_port_name_hint(const struct nv_set *s, const char *name,
                                           const struct nv_model *m, char *buf)
{
    struct nv_suggest sg;
    size_t i, k;

    nv_suggest_init(&sg, name);
    for (i = 0; i < m->npods; i++)
        for (k = 0; s->cls[m->pods[i].cls] && k < m->pods[i].nports; k++)
            nv_suggest_add(&sg, m->pods[i].ports[k].name);
    buf[0] = '\0';
    if (nv_suggest_best(&sg))
        snprintf(buf, 96, "; did you mean '%s'?", nv_suggest_best(&sg));
    return buf;
}

/*
 * 'on' with container port names toward pods (not a Service): each name is
 * resolved on each destination pod, by the protocol given, else by the one
 * the pod declares it for ('on http' becomes an entry per protocol some
 * destination pod declares 'http' for). A name that no destination pod
 * declares is an error: the claim would hold for want of the port. When every
 * entry is a name, the destination is the pods that declare one of them (a
 * pod without any has no such port: no flow to it on P), and the pods left
 * out are named in a warning.
 */
static int nv_resolve_port_names(struct nv_claim *c, struct nv_model *m, struct nv_diags *d)
{
    struct nv_set *s = &c->b;
    struct nv_portspec *v;
    unsigned char *keep;
    size_t i, j, n = 0, nnamed = 0;
    int rc = 0, pr;

    if (s->kind == NV_SET_SVC)
        return 0;
    for (j = 0; j < c->nports; j++)
        nnamed += c->ports[j].name != NULL;
    if (!nnamed)
        return 0;
    v = nv_arena_alloc(&m->arena, c->nports * NV_NPROTO * sizeof(*v));
    keep = nv_xcalloc(m->nclasses + 1, 1);
    for (j = 0; j < c->nports; j++) {
        const struct nv_portspec *ps = &c->ports[j];
        const char *other = NULL;
        char hint[96];
        int found = 0;
        if (!ps->name) {
            v[n++] = *ps;
            continue;
        }
        for (pr = 0; pr < NV_NPROTO; pr++) {
            int declared = 0;
            for (i = 0; i < m->nclasses; i++) {
                if (!s->cls[i] || !nv_class_declares(&m->classes[i], ps->name, (enum nv_proto)pr))
                    continue;
                if (ps->any_proto || ps->proto == (enum nv_proto)pr)
                    declared = keep[i] = 1;
                else if (!other)
                    other = nv_proto_name((enum nv_proto)pr);
            }
            if (!declared)
                continue;
            v[n] = *ps;
            v[n].proto = (enum nv_proto)pr;
            v[n].any_proto = 0;
            n++;
            found = 1;
        }
        if (found)
            continue;
        rc = -1;
        if (!s->ncls)
            nv_diag_error(d, ps->loc, NV_E_VALUE,
                          "'%s' holds no pod: a port name resolves on pods, never on an external "
                          "address",
                          s->text);
        else if (other)
            nv_diag_error(d, ps->loc, NV_E_VALUE,
                          "no pod of '%s' declares a %s port named '%s' (it is declared for %s)",
                          s->text, nv_proto_name(ps->proto), ps->name, other);
        else
            nv_diag_error(d, ps->loc, NV_E_VALUE, "no pod of '%s' declares a port named '%s'%s",
                          s->text, ps->name, nv_claim_port_name_hint(s, ps->name, m, hint));
    }
    if (rc == 0 && nnamed == c->nports) {
        nv_narrow_to_names(c, m, keep, d);
    }
    free(keep);
    if (rc == 0) {
        c->ports = v;
        c->nports = n;
    }
    return rc;
}

/*
 * Whether some flow runs from set a (its complement when 'outside') to set b:
 * two distinct endpoints, not both external addresses.
 */
static int nv_claim_part_related(const struct nv_model *m, const struct nv_set *a, int outside,
                                 const struct nv_set *b)
{
    size_t i, j, na = 0, atoms = 0, first = 0;

    for (i = 0; i < m->nclasses; i++)
        if ((a->cls[i] != 0) != outside && !na++)
            first = i;
    for (i = 0; i < m->atoms.n; i++)
        atoms += (a->atoms[i] != 0) != outside;
    if ((na && b->natoms) || (atoms && b->ncls))
        return 1;
    if (!na || !b->ncls)
        return 0;
    if (na >= 2 || b->ncls >= 2)
        return 1; /* two classes on one side: one of them differs from the other end */
    for (j = 0; !b->cls[j]; j++)
        ;
    return nv_claim_pair_ok(m, (uint32_t)first, (uint32_t)j);
}

/* The value namespace ns gives the tenant key of claim c (NULL: none). */
static const char *nv_tenant_of(const struct nv_model *m, const struct nv_claim *c, unsigned ns)
{
    return nv_labels_get(&m->ns[ns].labels, c->tenant_key);
}

int nv_claim_tenants_apart(const struct nv_model *m, const struct nv_claim *c, uint32_t a,
                           uint32_t b)
{
    const char *va, *vb;

    if (!c->tenant_key)
        return 1;
    va = nv_tenant_of(m, c, m->classes[a].ns);
    vb = nv_tenant_of(m, c, m->classes[b].ns);
    return va && vb && strcmp(va, vb) != 0;
}

/*
 * 'tenants by KEY': pods of at least two values of KEY, or the claim would
 * hold for want of a second tenant.
 */
static int nv_claim_check_tenants(const struct nv_claim *cl, const struct nv_model *m,
                                  struct nv_diags *d)
{
    const char *first = NULL, *v;
    size_t i;

    for (i = 0; i < m->nclasses; i++) {
        if (!cl->a.cls[i])
            continue;
        v = nv_tenant_of(m, cl, m->classes[i].ns);
        if (!first)
            first = v;
        else if (strcmp(first, v))
            return 0;
    }
    return nv_diag_error(d, cl->a.loc, NV_E_VALUE,
                         "every pod in a namespace with label '%s' is of the tenant '%s': with "
                         "no second tenant the claim would hold for want of flows",
                         cl->tenant_key, first ? first : "");
}

/*
 * Every part of a claim must relate some flow, or it would hold for want of
 * flows: external addresses never reach each other, and a pod's traffic to
 * itself never counts.
 */
static int nv_claim_check_related(const struct nv_claim *cl, const struct nv_model *m,
                                  struct nv_diags *d)
{
    if (cl->tenant_key)
        return nv_claim_check_tenants(cl, m, d);
    if (nv_claim_part_related(m, &cl->a, 0, &cl->b)) {
        if (!cl->only || nv_claim_part_related(m, &cl->a, 1, &cl->b))
            return 0;
        return nv_diag_error(d, cl->loc, NV_E_VALUE,
                             "nothing outside '%s' could reach '%s': the 'only' half would hold "
                             "for want of flows",
                             cl->a.text, cl->b.text);
    }
    if (!cl->a.ncls && !cl->b.ncls)
        return nv_diag_error(d, cl->loc, NV_E_VALUE,
                             "'%s' and '%s' hold only external addresses: no flow between "
                             "them is modelled",
                             cl->a.text, cl->b.text);
    return nv_diag_error(d, cl->loc, NV_E_VALUE,
                         "no two distinct pods are related: '%s' and '%s' hold one and the "
                         "same pod, and a pod's traffic to itself never counts",
                         cl->a.text, cl->b.text);
}

/*
 * A claim about hostNetwork pods may turn on how the network plugin treats
 * them: say so at the set that holds them.
 */
static void nv_warn_hostnet_set(const struct nv_set *s, const struct nv_model *m,
                                struct nv_diags *d)
{
    size_t i;

    if (!s->cls || m->profile.pin[NV_B_HOSTNET] == NV_HOSTNET_POD ||
        (s->kind != NV_SET_WORKLOAD && s->kind != NV_SET_PODS && s->kind != NV_SET_SVC))
        return; /* sets that name pods only, not whole namespaces */
    for (i = 0; i < m->nclasses && !(s->cls[i] && m->classes[i].hostnet); i++)
        ;
    if (i < m->nclasses)
        nv_diag_warning(d, s->loc, NV_W_SEMANTIC, "'%s' holds hostNetwork pods: %s", s->text,
                        m->profile.pin[NV_B_HOSTNET] == NV_HOSTNET_NODE
                            ? "the network plugin treats them as their node (no policy applies "
                              "to them, their traffic has the node's address)"
                            : "how they are reached depends on the network plugin (see "
                              "--host-network)");
}

/*
 * An exposure claim's ports toward each class of its destination: what the
 * exposure objects route to it, within 'on'. 'exposed B' refuses a B with a
 * pod nothing routes to (it could never be judged), or with no pod at all.
 */
static int nv_resolve_routed(struct nv_claim *cl, struct nv_model *m, struct nv_diags *d)
{
    const char *unrouted[3];
    size_t i, n = 0, pods = 0, k;

    cl->dst_ports = nv_arena_alloc(&m->arena, (m->nclasses + 1) * sizeof(*cl->dst_ports));
    for (i = 0; i < m->nclasses; i++) {
        uint32_t on;
        cl->dst_ports[i] = NV_PORTS_NONE;
        if (!cl->b.cls[i] || i == m->ctrl_cls)
            continue;
        pods++;
        on = cl->nports ? nv_model_ports(m, cl->ports, cl->nports, (uint32_t)i) : NV_PORTS_ALL;
        cl->dst_ports[i] = nv_ports_inter(m->ports, m->exposed[i], on);
        if (cl->dst_ports[i] != NV_PORTS_NONE || cl->expose != NV_EXPOSED)
            continue;
        for (k = 0; k < m->npods; k++) {
            const char *id = m->workloads[m->pods[k].workload].id;
            size_t j;
            if (m->pods[k].cls != i)
                continue;
            for (j = 0; j < n && unrouted[j] != id; j++)
                ;
            if (j == n && n < 3)
                unrouted[n++] = id;
        }
        if (!n)
            unrouted[n++] = "?";
    }
    if (!pods)
        return nv_diag_error(d, cl->b.loc, NV_E_VALUE,
                             "'%s' holds no workload: only pods are exposed", cl->b.text);
    if (n)
        return nv_diag_error(d, cl->b.loc, NV_E_VALUE,
                             "'%s' holds workloads that no Ingress, Route or Gateway API route "
                             "sends to%s: %s%s%s%s%s",
                             cl->b.text, cl->has_on ? " on these ports" : "", unrouted[0],
                             n > 1 ? ", " : "", n > 1 ? unrouted[1] : "", n > 2 ? ", " : "",
                             n > 2 ? unrouted[2] : "");
    if (!cl->nports) {
        /* every routed port: the engines take the per-class ports as a port list */
        cl->ports = nv_arena_alloc(&m->arena, sizeof(*cl->ports));
        memset(cl->ports, 0, sizeof(*cl->ports));
        cl->ports[0].proto = NV_PROTO_TCP;
        cl->nports = 1;
    }
    return 0;
}

int nv_claim_resolve(struct nv_claim *cl, struct nv_model *m, struct nv_diags *d)
{
    int rc = 0;

    if (cl->tenant_key) {
        /* both sets are the namespaces with the key: resolved (and refused) once */
        size_t i;
        for (i = 0; i < m->nns && !nv_labels_get(&m->ns[i].labels, cl->tenant_key); i++)
            ;
        if (i == m->nns)
            return nv_diag_error(d, cl->a.loc, NV_E_VALUE,
                                 "tenants by '%s': no namespace has the label '%s'", cl->tenant_key,
                                 cl->tenant_key);
        if (nv_resolve_set(cl, &cl->a, m, d) < 0)
            return -1;
        cl->b = cl->a;
        cl->b.cls = nv_xmalloc(m->nclasses + 1);
        memcpy(cl->b.cls, cl->a.cls, m->nclasses);
        cl->b.atoms = nv_xmalloc(m->atoms.n + 1);
        memcpy(cl->b.atoms, cl->a.atoms, m->atoms.n);
        return nv_resolve_port_names(cl, m, d) < 0 ? -1 : nv_claim_check_related(cl, m, d);
    }

    if (nv_resolve_set(cl, &cl->a, m, d) < 0)
        rc = -1;
    else
        nv_warn_hostnet_set(&cl->a, m, d);
    if (cl->kind != NV_CLAIM_ISOLATED && nv_resolve_set(cl, &cl->b, m, d) < 0)
        rc = -1;
    else if (cl->kind != NV_CLAIM_ISOLATED && rc == 0 &&
             (rc = nv_resolve_port_names(cl, m, d)) == 0 &&
             (rc = nv_claim_check_related(cl, m, d)) == 0)
        nv_warn_hostnet_set(&cl->b, m, d);
    if (rc == 0 && cl->expose)
        rc = nv_resolve_routed(cl, m, d);
    return rc;
}

int nv_claims_resolve(struct nv_claims *c, struct nv_model *m, struct nv_diags *d)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < c->n; i++)
        if (nv_claim_resolve(&c->items[i], m, d) < 0)
            rc = -1;
    return rc;
}

int nv_claim_pair_ok(const struct nv_model *m, uint32_t a, uint32_t b)
{
    return a != b || m->classes[a].count >= 2;
}
