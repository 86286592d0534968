/*
 * diag.c - collect diagnostics with positions and print them in GNU style.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/diag.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/escape.h"

void nv_diags_init(struct nv_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void nv_diags_release(struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        free(d->items[i].msg);
        free(d->items[i].file);
    }
    free(d->items);
    nv_diags_init(d);
}

/* Keep memory bounded on hostile input: past this many, diagnostics are counted only. */
#define NV_DIAGS_MAX 1000

NV_PRINTF(5, 0)
static void nv_diag_add(struct nv_diags *d, enum nv_severity sev, struct nv_loc loc,
                        enum nv_code code, const char *fmt, va_list ap)
{
    struct nv_diag *g;
    char buf[1024];

    if (sev == NV_SEV_ERROR)
        d->nerr++;
    else if (sev == NV_SEV_WARNING)
        d->nwarn++;
    if (d->n >= NV_DIAGS_MAX)
        return;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    NV_GROW(d->items, d->alloc, d->n + 1);
    g = &d->items[d->n++];
    g->sev = sev;
    g->code = code;
    /* own the file name: diagnostics outlive the model whose arena holds it */
    g->file = loc.file ? nv_xstrdup(loc.file) : NULL;
    g->loc = loc;
    g->loc.file = g->file;
    g->msg = nv_xstrdup(buf);
}

int nv_diag_error(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_diag_add(d, NV_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
    return -1;
}

void nv_diag_warning(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_diag_add(d, NV_SEV_WARNING, loc, code, fmt, ap);
    va_end(ap);
}

void nv_diag_note(struct nv_diags *d, struct nv_loc loc, enum nv_code code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nv_diag_add(d, NV_SEV_NOTE, loc, code, fmt, ap);
    va_end(ap);
}

const char *nv_loc_format(struct nv_loc loc, char *buf, size_t size)
{
    if (!loc.file)
        snprintf(buf, size, "-");
    else if (!loc.line)
        snprintf(buf, size, "%s", loc.file);
    else if (!loc.col)
        snprintf(buf, size, "%s:%u", loc.file, loc.line);
    else
        snprintf(buf, size, "%s:%u:%u", loc.file, loc.line, loc.col);
    return buf;
}

static int nv_diag_cmp(const void *pa, const void *pb)
{
    const struct nv_diag *a = *(const struct nv_diag *const *)pa;
    const struct nv_diag *b = *(const struct nv_diag *const *)pb;
    int c;

    if (a->loc.file != b->loc.file) {
        if (!a->loc.file)
            return -1;
        if (!b->loc.file)
            return 1;
        c = strcmp(a->loc.file, b->loc.file);
        if (c)
            return c;
    }
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    return a < b ? -1 : a > b;
}

void nv_diags_print(const struct nv_diags *d, FILE *fp)
{
    static const char *const sevname[] = {"note", "warning", "error"};
    const struct nv_diag **order;
    size_t i;

    if (!d->n)
        return;
    order = nv_xcalloc(d->n, sizeof(*order));
    for (i = 0; i < d->n; i++)
        order[i] = &d->items[i];
    qsort(order, d->n, sizeof(*order), nv_diag_cmp);
    for (i = 0; i < d->n; i++) {
        const struct nv_diag *g = order[i];
        char where[512];
        if (g->sev == NV_SEV_NOTE && d->quiet_notes)
            continue;
        /* names and quoted values in the message, and the file name, are the input's */
        if (g->loc.file)
            nv_escape_term_line(fp, "netverify: %s: %s: %s",
                                nv_loc_format(g->loc, where, sizeof(where)), sevname[g->sev],
                                g->msg);
        else
            nv_escape_term_line(fp, "netverify: %s: %s", sevname[g->sev], g->msg);
    }
    if (d->n >= NV_DIAGS_MAX)
        fprintf(fp, "netverify: note: only the first %d diagnostics are shown (%zu errors)\n",
                NV_DIAGS_MAX, d->nerr);
    free(order);
}

void nv_bug_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    struct nv_buf b;

    fflush(stdout);
    nv_buf_init(&b, 0);
    va_start(ap, fmt);
    nv_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    nv_escape_term_line(stderr, "netverify: BUG: %s:%d: %s", file, line, nv_buf_str(&b));
    nv_buf_release(&b);
    exit(NV_EXIT_INTERNAL);
}
