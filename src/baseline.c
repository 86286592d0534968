/*
 * baseline.c - the baseline of 'check': the claims refuted when it was
 * written, read back as 'expect: refuted' markers (docs/claims.md#baselines).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/baseline.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/load.h"
#include "netverify/yaml.h"

char *nv_baseline_key(const char *text)
{
    struct nv_buf b;
    const char *p;
    int space = 0;

    nv_buf_init(&b, 0);
    for (p = text; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space)
            nv_buf_putc(&b, ' ');
        space = 0;
        nv_buf_putc(&b, *p);
    }
    return nv_buf_detach(&b);
}

/* "WHAT PATH", in m's arena: the reason a baseline gives a claim. */
static const char *nv_base_reason(const char *what, const char *path, struct nv_model *m)
{
    struct nv_buf b;
    const char *out;

    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "%s%s", what, path);
    out = nv_arena_intern(&m->arena, nv_buf_str(&b));
    nv_buf_release(&b);
    return out;
}

/* ---- reading ---- */

struct nv_base_ctx {
    const char *path;
    struct nv_claims *c;
    struct nv_model *m;
    struct nv_diags *d;
    char **keys;        /* of the claims, by index */
    const char *reason; /* "listed in baseline FILE" (in the arena) */
    int seen;
};

static void nv_base_entry(struct nv_base_ctx *x, const struct nv_node *it)
{
    char *key;
    size_t i, hits = 0;

    if (it->type != NV_NODE_SCALAR || it->kind != NV_SCALAR_STR || !it->len) {
        nv_diag_error(x->d, it->loc, NV_E_TYPE, "a baseline entry must be a claim's text, not %s",
                      nv_node_type_name(it));
        return;
    }
    key = nv_baseline_key(it->str);
    for (i = 0; i < x->c->n; i++) {
        struct nv_claim *cl = &x->c->items[i];
        if (strcmp(key, x->keys[i]))
            continue;
        hits++;
        if (cl->expect_refuted)
            continue; /* its own marker says more */
        cl->expect_refuted = 1;
        cl->reason = x->reason;
        cl->issue = NULL;
        cl->expect_loc = it->loc;
        cl->expect_loc.file = nv_arena_intern(&x->m->arena, x->path);
    }
    if (!hits)
        nv_diag_note(x->d, it->loc, NV_W_SEMANTIC,
                     "this baseline entry names no claim of the claims file (--write-baseline "
                     "writes the file again)");
    free(key);
}

static void nv_on_base_doc(const struct nv_node *root, unsigned docno, void *arg)
{
    struct nv_base_ctx *x = arg;
    const struct nv_node *list, *v;
    size_t i;

    (void)docno;
    if (x->seen++) {
        nv_diag_error(x->d, root->loc, NV_E_VALUE, "a baseline holds one YAML document");
        return;
    }
    if (root->type != NV_NODE_MAP || !(v = nv_node_get(root, "netverifyBaseline")) ||
        v->type != NV_NODE_SCALAR || strcmp(v->str, "1")) {
        nv_diag_error(x->d, root->loc, NV_E_MISSING,
                      "not a netverify baseline (no 'netverifyBaseline: 1'; --write-baseline "
                      "writes one)");
        return;
    }
    if (!(list = nv_node_get(root, "refuted")) || nv_node_is_null(list))
        return;
    if (list->type != NV_NODE_SEQ) {
        nv_diag_error(x->d, list->loc, NV_E_TYPE, "'refuted' must be a list, not %s",
                      nv_node_type_name(list));
        return;
    }
    for (i = 0; i < list->n; i++)
        nv_base_entry(x, list->items[i]);
}

int nv_baseline_apply(const char *path, struct nv_claims *c, struct nv_model *m, struct nv_diags *d)
{
    struct nv_base_ctx x;
    struct nv_yaml_limits lim;
    struct nv_arena scratch;
    struct nv_buf b;
    size_t nerr = d->nerr, i;
    FILE *fp;

    /* read as a claims file is: a regular file, bounded */
    if (nv_load_read_file(path, "the baseline", NV_CLAIMS_MAX_BYTES, 0, &b, d) != 0)
        return -1;
    memset(&x, 0, sizeof(x));
    x.path = path;
    x.c = c;
    x.m = m;
    x.d = d;
    x.reason = nv_base_reason("listed in baseline ", path, m);
    x.keys = nv_xcalloc(c->n + 1, sizeof(*x.keys));
    for (i = 0; i < c->n; i++)
        x.keys[i] = nv_baseline_key(c->items[i].text);
    fp = b.len ? fmemopen(b.data, b.len, "rb") : NULL;
    if (fp) {
        nv_yaml_limits_default(&lim);
        lim.max_file_bytes = NV_CLAIMS_MAX_BYTES;
        nv_arena_init(&scratch);
        nv_yaml_load(fp, path, &lim, &scratch, d, nv_on_base_doc, &x);
        nv_arena_release(&scratch);
        fclose(fp);
    }
    if (!x.seen && d->nerr == nerr)
        nv_diag_error(d, (struct nv_loc){path, 0, 0}, NV_E_MISSING, "the baseline is empty");
    for (i = 0; i < c->n; i++)
        free(x.keys[i]);
    free(x.keys);
    nv_buf_release(&b);
    return d->nerr > nerr ? -1 : 0;
}

/* ---- writing ---- */

/* Whether claim i of a run goes in its baseline: refuted, or broken under some behaviour. */
static int nv_base_listed(const struct nv_check_run *run, size_t i)
{
    enum nv_verdict v = nv_result_verdict(&run->results[i]);

    return v == NV_REFUTED || v == NV_DEPENDS;
}

static int nv_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* s as a YAML double-quoted scalar: JSON's escapes, and DEL and C1 controls escaped too. */
static void nv_base_quote(struct nv_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    nv_buf_putc(b, '"');
    for (; *p; p++) {
        if (*p == '"' || *p == '\\')
            nv_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            nv_buf_printf(b, "\\u%04x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            nv_buf_printf(b, "\\u%04x", *++p);
        else
            nv_buf_putc(b, (char)*p);
    }
    nv_buf_putc(b, '"');
}

long nv_baseline_write(const struct nv_check_run *run, FILE *fp)
{
    char **keys = nv_xcalloc(run->claims->n + 1, sizeof(*keys));
    size_t i, n = 0, out = 0;
    struct nv_buf b;

    for (i = 0; i < run->claims->n; i++)
        if (nv_base_listed(run, i))
            keys[n++] = nv_baseline_key(run->claims->items[i].text);
    if (n)
        qsort(keys, n, sizeof(*keys), nv_strcmp_p);
    nv_buf_init(&b, 0);
    nv_buf_puts(&b, "# The claims refuted when this baseline was written (netverify check\n"
                    "# --write-baseline). check --baseline reports them without failing while\n"
                    "# they stay refuted, and fails on one that holds until it is taken out.\n"
                    "netverifyBaseline: 1\n");
    nv_buf_puts(&b, n ? "refuted:\n" : "refuted: []\n");
    for (i = 0; i < n; i++) {
        if (!i || strcmp(keys[i], keys[i - 1])) {
            nv_buf_puts(&b, "  - ");
            nv_base_quote(&b, keys[i]);
            nv_buf_putc(&b, '\n');
            out++;
        }
    }
    for (i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    fwrite(b.data, 1, b.len, fp);
    nv_buf_release(&b);
    return ferror(fp) ? -1 : (long)out;
}

void nv_baseline_accept(struct nv_check_run *run, struct nv_claims *c, const char *path,
                        struct nv_model *m)
{
    const char *reason = nv_base_reason("written to baseline ", path, m);
    size_t i;

    for (i = 0; i < c->n; i++) {
        struct nv_claim *cl = &c->items[i];
        if (!nv_base_listed(run, i) || cl->expect_refuted)
            continue;
        cl->expect_refuted = 1;
        cl->reason = reason;
        cl->issue = NULL;
        cl->expect_loc = (struct nv_loc){nv_arena_intern(&m->arena, path), 0, 0};
    }
    nv_check_exit(run);
}
