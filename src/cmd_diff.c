/*
 * cmd_diff.c - 'netverify diff OLD NEW': the connections a change adds,
 * removes or changes, and the claims whose verdict it changes.
 *
 * Both sides are loaded and computed separately; workloads are matched by
 * namespace/name and kind. External addresses are compared address by
 * address: the atoms of both sides are walked together, so ranges that are
 * cut differently but allow the same connections show no difference.
 * Port sets of OLD are re-interned in NEW's table, so that comparing two
 * sets is comparing two ids.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/json.h"
#include "netverify/matrix.h"
#include "netverify/report.h"

static const char k_usage[] =
    "netverify diff OLD NEW [--format text|json|md|sarif] [--fail-on WHAT] [--claims FILE] "
    "[--self-flows]";

enum nv_dfmt { NV_DF_TEXT, NV_DF_JSON, NV_DF_MD, NV_DF_SARIF };
enum nv_change { NV_ADDED = 0, NV_REMOVED = 1, NV_CHANGED = 2 };

#define NV_FAIL_ADDED 1
#define NV_FAIL_REMOVED 2
#define NV_FAIL_CHANGED 4
#define NV_FAIL_CLAIMS 8

/* Markdown is meant for a pull-request comment: keep it well under a comment's size limit. */
#define NV_MD_MAX_ROWS 300

static void nv_diff_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs(
        "Compare the connections the manifests under OLD allow with those under NEW\n"
        "(each a file, a directory or - for standard input) and list every connection\n"
        "added, removed or changed. Workloads are matched by namespace, name and kind;\n"
        "the connections of a workload that appears or disappears are added or removed.\n\n"
        "Options:\n"
        "  -f, --format FORMAT   text (default): '+', '-' or '~' and the connection\n"
        "                        json: {\"added\": [...], \"removed\": [...], \"changed\": [...]}\n"
        "                        md: a table for a pull-request comment\n"
        "                        sarif: SARIF 2.1.0, each change at the rule behind it\n"
        "      --fail-on WHAT    exit 1 when the diff has WHAT: added, removed, changed,\n"
        "                        claims (a claim that held in OLD does not in NEW) or\n"
        "                        any; several may be given, separated by commas\n"
        "      --claims FILE     also decide the claims of FILE on both sides and report\n"
        "                        the claims whose verdict changes\n"
        "      --self-flows      also compare w => w: what two distinct pods of a\n"
        "                        workload of several pods allow each other\n"
        "  -o, --output FILE     write the result to FILE instead of standard "
        "output\n" NV_CLI_INPUT_HELP NV_CLI_CLAIMS_HELP "  -h, --help            show this help\n\n"
        "Changes come in the order 'netverify list' prints connections. Nothing is\n"
        "printed (text, md) when nothing changes.\n\n"
        "Exit status: 0 success, 1 the diff has what --fail-on names, 2 usage or input\n"
        "error, 3 internal error.\n",
        stdout);
}

/*
 * Output that comes after what is still being written: in memory up to
 * NV_SPILL_MEM bytes, then in a temporary file, so that a diff of any size is
 * written in bounded memory in the order its format asks for (json: every
 * added, then every removed, then every changed connection).
 */
#define NV_SPILL_MEM ((size_t)8 << 20)

struct nv_spill {
    struct nv_buf mem;
    FILE *tmp; /* once mem would pass NV_SPILL_MEM */
    int err;   /* errno of a failed write to the temporary file */
};

static void nv_spill_put(struct nv_spill *s, const char *p, size_t n)
{
    if (s->err)
        return;
    if (!s->tmp && n <= NV_SPILL_MEM - s->mem.len) {
        nv_buf_put(&s->mem, p, n);
        return;
    }
    errno = 0;
    if (!s->tmp) {
        if (!(s->tmp = tmpfile())) {
            s->err = errno ? errno : EIO;
            return;
        }
        if (s->mem.len && fwrite(s->mem.data, 1, s->mem.len, s->tmp) != s->mem.len)
            s->err = errno ? errno : EIO;
        nv_buf_release(&s->mem);
    }
    if (!s->err && fwrite(p, 1, n, s->tmp) != n)
        s->err = errno ? errno : EIO;
}

/* Write what s holds to fp and release it. Returns 0, or -1 with s->err set. */
static int nv_spill_flush(struct nv_spill *s, FILE *fp)
{
    char chunk[65536];
    size_t n;

    if (!s->tmp) {
        if (s->mem.len)
            fwrite(s->mem.data, 1, s->mem.len, fp);
    } else if (!s->err) {
        errno = 0;
        if (fflush(s->tmp) != 0)
            s->err = errno ? errno : EIO;
        rewind(s->tmp);
        while (!s->err && (n = fread(chunk, 1, sizeof(chunk), s->tmp)) > 0)
            fwrite(chunk, 1, n, fp);
        if (!s->err && ferror(s->tmp))
            s->err = errno ? errno : EIO;
    }
    if (s->tmp)
        fclose(s->tmp);
    s->tmp = NULL;
    nv_buf_release(&s->mem);
    return s->err ? -1 : 0;
}

static void nv_spill_release(struct nv_spill *s)
{
    if (s->tmp)
        fclose(s->tmp);
    s->tmp = NULL;
    nv_buf_release(&s->mem);
}

/* One side of the diff. */
struct nv_snap {
    char *path;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_claims claims;
    char **claim_err;             /* per claim: why it does not resolve on this side, or NULL */
    struct nv_diags *claim_diags; /* per claim: what resolving it reported on this side */
    struct nv_result *results;
};

/* A workload of either side: its index in OLD and in NEW, or -1. */
struct nv_dwl {
    long o, n;
};

/* A difference on an external range, collected to be sorted by address. */
struct nv_extdiff {
    struct nv_iprange r;
    size_t wl;
    uint32_t o, n; /* port sets, both in NEW's table */
    size_t p0, p1; /* while walking: the first and last piece of the range */
};

/*
 * OLD's and NEW's atoms cut each other into pieces, in address order: piece
 * k lies in OLD's atom 'a' and NEW's atom 'b'; 'starts' when it is the first
 * of its family. Computed once; every row is then walked piece by piece.
 */
struct nv_piece {
    uint32_t a, b;
    int starts;
};

/* One end of a change as the formats print it. */
struct nv_dend {
    const char *name, *kind;
    const struct nv_model *m; /* the side the workload is taken from */
    long wl;                  /* -1 for an external range */
    struct nv_iprange r;
};

struct nv_diff {
    struct nv_snap old, new;
    size_t nw;
    struct nv_dwl *w;
    uint32_t *xlat; /* OLD port-set id -> NEW port-set id, UINT32_MAX = not yet */
    size_t nxlat;
    struct nv_piece *pieces;
    size_t npieces;
    enum nv_dfmt fmt;
    int self_flows; /* compare w => w too */
    FILE *fp;
    size_t count[3], rows;
    struct nv_spill json[3]; /* json: the removed and changed arrays, while added is written */
    struct nv_buf md;        /* md: the table's rows */
    struct nv_sarif sarif;   /* sarif: the log, written as it goes */
    struct nv_buf line;
    char **tend; /* text: "name[kind]" of each workload of w, escaped once; NULL until used */
};

static uint32_t nv_xlat(struct nv_diff *D, uint32_t id)
{
    const struct nv_portset *s;

    if (id == NV_PORTS_NONE || id == NV_PORTS_ALL)
        return id;
    if (id >= D->nxlat) {
        size_t n = D->nxlat ? D->nxlat : 64;
        while (n <= id)
            n *= 2;
        D->xlat = nv_xrealloc(D->xlat, n * sizeof(*D->xlat));
        memset(D->xlat + D->nxlat, 0xff, (n - D->nxlat) * sizeof(*D->xlat));
        D->nxlat = n;
    }
    if (D->xlat[id] == UINT32_MAX) {
        s = nv_ports_get(&D->old.m->ports, id);
        D->xlat[id] = nv_ports_intern(&D->new.m->ports, s->iv, s->n);
    }
    return D->xlat[id];
}

/* ---- output ---- */

static const char *const k_change_word[] = {"added", "removed", "changed"};

/* The endpoint of a change: a workload of whichever side has it, or a range. */
static void nv_dend_wl(struct nv_diff *D, size_t i, struct nv_dend *e)
{
    const struct nv_dwl *w = &D->w[i];
    const struct nv_model *m = w->n >= 0 ? D->new.m : D->old.m;
    long k = w->n >= 0 ? w->n : w->o;

    e->m = m;
    e->wl = k;
    e->name = m->workloads[k].id;
    e->kind = m->workloads[k].kind;
}

static void nv_dend_ext(const struct nv_iprange *r, char *buf, struct nv_dend *e)
{
    e->m = NULL;
    e->wl = -1;
    e->r = *r;
    e->name = nv_iprange_format(r, buf);
    e->kind = "External";
}

/* One end of a change in text: "name[kind]"; wi is the end's index in D->w. */
static void nv_text_end(struct nv_diff *D, struct nv_buf *b, const struct nv_dend *e, size_t wi)
{
    struct nv_buf t;

    if (e->wl < 0) {
        nv_buf_puts(b, e->name); /* an address range: nothing to escape */
        nv_buf_puts(b, "[External]");
        return;
    }
    /* millions of lines name a few thousand workloads: escape each name once */
    if (!D->tend)
        D->tend = nv_xcalloc(D->nw + 1, sizeof(*D->tend));
    if (!D->tend[wi]) {
        nv_buf_init(&t, 0);
        nv_escape_term(&t, e->name);
        nv_buf_putc(&t, '[');
        nv_escape_term(&t, e->kind);
        nv_buf_putc(&t, ']');
        D->tend[wi] = nv_buf_detach(&t);
    }
    nv_buf_puts(b, D->tend[wi]);
}

/* One end of a change in a Markdown cell: "name (kind)". */
static void nv_md_end(struct nv_buf *b, const struct nv_dend *e)
{
    nv_escape_md(b, e->name);
    nv_buf_puts(b, " (");
    nv_escape_md(b, e->kind);
    nv_buf_putc(b, ')');
}

static void nv_json_conn(struct nv_buf *b, const struct nv_dend *s, const struct nv_dend *d)
{
    nv_buf_puts(b, "{\"src\": ");
    nv_json_quote(b, s->name);
    nv_buf_puts(b, ", \"src_kind\": ");
    nv_json_quote(b, s->kind);
    nv_buf_puts(b, ", \"dst\": ");
    nv_json_quote(b, d->name);
    nv_buf_puts(b, ", \"dst_kind\": ");
    nv_json_quote(b, d->kind);
}

/* The end of a flow in model m for nv_explain(). */
static struct nv_end nv_dend_end(const struct nv_model *m, const struct nv_dend *e)
{
    struct nv_end end;

    memset(&end, 0, sizeof(end));
    if (e->wl < 0) {
        end.external = 1;
        end.ip = e->r.first;
    } else {
        const struct nv_workload *w = &m->workloads[e->wl];
        end.cls = w->npods ? m->pods[w->pods[0]].cls : 0;
    }
    return end;
}

/* The workload index of e in model m (the side a SARIF location is taken from), or -1. */
static long nv_dend_in(const struct nv_diff *D, const struct nv_model *m, const struct nv_dend *e,
                       size_t wi)
{
    if (e->wl < 0)
        return -1;
    return m == D->new.m ? D->w[wi].n : D->w[wi].o;
}

/*
 * Where a SARIF result points: for a connection NEW allows, the rule that
 * admits it (ingress first); for one it no longer allows, the policy that now
 * isolates an end; else the destination's manifest.
 */
static struct nv_loc nv_change_loc(struct nv_diff *D, enum nv_change k, const struct nv_dend *s,
                                   size_t si, const struct nv_dend *d, size_t di)
{
    struct nv_model *m = D->new.m;
    long sw = nv_dend_in(D, m, s, si), dw = nv_dend_in(D, m, d, di);
    struct nv_loc loc = {NULL, 0, 0};
    struct nv_dend s2 = *s, d2 = *d;
    struct nv_flow_why why;
    struct nv_end se, de;
    int side;

    if ((s->wl >= 0 && sw < 0) || (d->wl >= 0 && dw < 0)) {
        /* an end is gone from NEW: point at its manifest in OLD */
        const struct nv_model *om = D->old.m;
        long w = d->wl >= 0 && D->w[di].n < 0 ? D->w[di].o : D->w[si].o;
        return om->workloads[w].loc;
    }
    s2.wl = sw;
    d2.wl = dw;
    se = nv_dend_end(m, &s2);
    de = nv_dend_end(m, &d2);
    nv_explain(m, &se, &de, NULL, 0, &why);
    for (side = 0; side < 2 && !loc.file; side++) {
        const struct nv_side *sd = side == 0 ? &why.ingress : &why.egress;
        if (!sd->isolated)
            continue;
        if (k != NV_REMOVED && sd->nadmits)
            loc = sd->admits[0].rule->loc;
        else if (k == NV_REMOVED && sd->npolicies)
            loc = sd->policies[0]->loc;
    }
    nv_flow_why_release(&why);
    if (!loc.file)
        loc = m->workloads[dw >= 0 ? dw : sw >= 0 ? sw : 0].loc;
    return loc;
}

static void nv_change(struct nv_diff *D, enum nv_change k, const struct nv_dend *s, size_t si,
                      const struct nv_dend *d, size_t di, uint32_t o, uint32_t n)
{
    struct nv_ports *pt = &D->new.m->ports;
    struct nv_buf *b = &D->line;

    D->count[k]++;
    nv_buf_reset(b);
    switch (D->fmt) {
    case NV_DF_TEXT:
        nv_buf_printf(b, "%c ", "+-~"[k]);
        nv_text_end(D, b, s, si);
        nv_buf_puts(b, " => ");
        nv_text_end(D, b, d, di);
        nv_buf_puts(b, " : ");
        if (k == NV_CHANGED) {
            nv_buf_printf(b, "%s (was ", nv_ports_format_npa(pt, n));
            nv_buf_printf(b, "%s)\n", nv_ports_format_npa(pt, o));
        } else {
            nv_buf_printf(b, "%s\n", nv_ports_format_npa(pt, k == NV_ADDED ? n : o));
        }
        fwrite(b->data, 1, b->len, D->fp);
        break;
    case NV_DF_JSON:
        nv_buf_puts(b, D->count[k] > 1 ? ",\n    " : "\n    ");
        nv_json_conn(b, s, d);
        if (k == NV_CHANGED) {
            nv_buf_printf(b, ", \"old\": \"%s\"", nv_ports_format(pt, o));
            nv_buf_printf(b, ", \"new\": \"%s\"}", nv_ports_format(pt, n));
        } else {
            nv_buf_printf(b, ", \"conns\": \"%s\"}", nv_ports_format(pt, k == NV_ADDED ? n : o));
        }
        /* the added array is being written; the others follow it */
        if (k == NV_ADDED)
            fwrite(b->data, 1, b->len, D->fp);
        else
            nv_spill_put(&D->json[k], b->data, b->len);
        break;
    case NV_DF_MD:
        if (++D->rows > NV_MD_MAX_ROWS)
            break;
        b = &D->md;
        nv_buf_printf(b, "| %s | ", k_change_word[k]);
        nv_md_end(b, s);
        nv_buf_puts(b, " | ");
        nv_md_end(b, d);
        nv_buf_printf(b, " | %s | ", k == NV_ADDED ? "" : nv_ports_format_npa(pt, o));
        nv_buf_printf(b, "%s |\n", k == NV_REMOVED ? "" : nv_ports_format_npa(pt, n));
        break;
    case NV_DF_SARIF: {
        struct nv_json *res = nv_json_object(), *msg = nv_json_object(), *locs = nv_json_array();
        struct nv_loc loc = nv_change_loc(D, k, s, si, d, di);
        nv_buf_printf(b, "Connection %s: %s[%s] => %s[%s] : ", k_change_word[k], s->name, s->kind,
                      d->name, d->kind);
        if (k == NV_CHANGED) {
            nv_buf_printf(b, "%s (was ", nv_ports_format_npa(pt, n));
            nv_buf_printf(b, "%s)", nv_ports_format_npa(pt, o));
        } else {
            nv_buf_puts(b, nv_ports_format_npa(pt, k == NV_ADDED ? n : o));
        }
        nv_json_set(res, "ruleId",
                    nv_json_str(k == NV_ADDED     ? "connection-added"
                                : k == NV_REMOVED ? "connection-removed"
                                                  : "connection-changed"));
        nv_json_set(res, "level", nv_json_str(k == NV_REMOVED ? "note" : "warning"));
        nv_json_set(msg, "text", nv_json_str(nv_buf_str(b)));
        nv_json_set(res, "message", msg);
        nv_json_push(locs, nv_report_sarif_location(loc, NULL));
        nv_json_set(res, "locations", locs);
        nv_report_sarif_result(&D->sarif, res);
        break;
    }
    }
}

/* ---- the walk ---- */

static void nv_make_pieces(struct nv_diff *D)
{
    const struct nv_atoms *ao = &D->old.m->atoms, *an = &D->new.m->atoms;
    size_t a = 0, b = 0, n = 0;
    int fam = -1;

    D->pieces = nv_xmalloc((ao->n + an->n + 1) * sizeof(*D->pieces));
    /* both sides cover the same families, so their atoms end together */
    while (a < ao->n && b < an->n) {
        struct nv_iprange ra = nv_atoms_range(ao, a), rb = nv_atoms_range(an, b);
        int c = nv_ip_cmp(&ra.last, &rb.last);
        D->pieces[n].a = (uint32_t)a;
        D->pieces[n].b = (uint32_t)b;
        D->pieces[n].starts = ra.first.fam != fam;
        fam = ra.first.fam;
        n++;
        if (c <= 0)
            a++;
        if (c >= 0)
            b++;
    }
    D->npieces = n;
}

/* The addresses of pieces p0 .. p1. */
static struct nv_iprange nv_pieces_range(const struct nv_diff *D, size_t p0, size_t p1)
{
    struct nv_iprange r, ra = nv_atoms_range(&D->old.m->atoms, D->pieces[p0].a);
    struct nv_iprange rb = nv_atoms_range(&D->new.m->atoms, D->pieces[p0].b);

    r.first = nv_ip_cmp(&ra.first, &rb.first) > 0 ? ra.first : rb.first;
    ra = nv_atoms_range(&D->old.m->atoms, D->pieces[p1].a);
    rb = nv_atoms_range(&D->new.m->atoms, D->pieces[p1].b);
    r.last = nv_ip_cmp(&ra.last, &rb.last) < 0 ? ra.last : rb.last;
    return r;
}

/*
 * Walk OLD's and NEW's atoms together (either id array may be NULL: nothing
 * allowed) and store every maximal range on which (old, new) is constant and
 * differs. Returns how many.
 */
static size_t nv_segments(struct nv_diff *D, const uint32_t *io, const uint32_t *in, size_t wl,
                          struct nv_extdiff *out)
{
    size_t k, n = 0;
    int open = 0;

    for (k = 0; k < D->npieces; k++) {
        const struct nv_piece *p = &D->pieces[k];
        uint32_t o = io ? nv_xlat(D, io[p->a]) : NV_PORTS_NONE;
        uint32_t v = in ? in[p->b] : NV_PORTS_NONE;
        if (open && !p->starts && out[n - 1].o == o && out[n - 1].n == v) {
            out[n - 1].p1 = k;
        } else if (o != v) {
            out[n].p0 = out[n].p1 = k;
            out[n].wl = wl;
            out[n].o = o;
            out[n].n = v;
            n++;
            open = 1;
        } else {
            open = 0;
        }
    }
    for (k = 0; k < n; k++)
        out[k].r = nv_pieces_range(D, out[k].p0, out[k].p1);
    return n;
}

static int nv_extdiff_cmp(const void *pa, const void *pb)
{
    const struct nv_extdiff *a = pa, *b = pb;

    int c = nv_ip_cmp(&a->r.first, &b->r.first);

    if (!c)
        c = nv_ip_cmp(&a->r.last, &b->r.last);
    if (c)
        return c;
    return a->wl < b->wl ? -1 : a->wl > b->wl;
}

static enum nv_change nv_kind(uint32_t o, uint32_t n)
{
    return o == NV_PORTS_NONE ? NV_ADDED : n == NV_PORTS_NONE ? NV_REMOVED : NV_CHANGED;
}

static void nv_walk(struct nv_diff *D)
{
    struct nv_model *mo = D->old.m, *mn = D->new.m;
    uint32_t *orow = nv_xmalloc((mo->nunits + 1) * sizeof(*orow));
    uint32_t *nrow = nv_xmalloc((mn->nunits + 1) * sizeof(*nrow));
    uint32_t *oat = nv_xmalloc((mo->atoms.n + 1) * sizeof(*oat));
    uint32_t *nat = nv_xmalloc((mn->atoms.n + 1) * sizeof(*nat));
    struct nv_extdiff *seg = nv_xmalloc((mo->atoms.n + mn->atoms.n + 1) * sizeof(*seg));
    struct nv_extdiff *ext = NULL;
    size_t next = 0, extalloc = 0, i, j, k;
    char addr[NV_IPRANGE_BUFSZ];

    nv_make_pieces(D);
    /* external sources: every destination's differences, then sorted by range */
    for (j = 0; j < D->nw; j++) {
        const struct nv_dwl *w = &D->w[j];
        size_t n;
        if (w->o >= 0)
            nv_matrix_from_atoms(D->old.x, mo->workloads[w->o].unit, oat);
        if (w->n >= 0)
            nv_matrix_from_atoms(D->new.x, mn->workloads[w->n].unit, nat);
        n = nv_segments(D, w->o >= 0 ? oat : NULL, w->n >= 0 ? nat : NULL, j, seg);
        NV_GROW(ext, extalloc, next + n);
        if (n)
            memcpy(ext + next, seg, n * sizeof(*seg));
        next += n;
    }
    if (ext)
        qsort(ext, next, sizeof(*ext), nv_extdiff_cmp);
    for (k = 0; k < next; k++) {
        struct nv_dend s, d;
        nv_dend_ext(&ext[k].r, addr, &s);
        nv_dend_wl(D, ext[k].wl, &d);
        nv_change(D, nv_kind(ext[k].o, ext[k].n), &s, 0, &d, ext[k].wl, ext[k].o, ext[k].n);
    }
    free(ext);

    /* workload sources: external destinations first, then workloads */
    for (i = 0; i < D->nw; i++) {
        const struct nv_dwl *w = &D->w[i];
        struct nv_dend s;
        size_t n;
        if (w->o >= 0)
            nv_matrix_row(D->old.x, mo->workloads[w->o].unit, orow, oat);
        if (w->n >= 0)
            nv_matrix_row(D->new.x, mn->workloads[w->n].unit, nrow, nat);
        nv_dend_wl(D, i, &s);
        n = nv_segments(D, w->o >= 0 ? oat : NULL, w->n >= 0 ? nat : NULL, i, seg);
        for (k = 0; k < n; k++) {
            struct nv_dend d;
            nv_dend_ext(&seg[k].r, addr, &d);
            nv_change(D, nv_kind(seg[k].o, seg[k].n), &s, i, &d, 0, seg[k].o, seg[k].n);
        }
        for (j = 0; j < D->nw; j++) {
            const struct nv_dwl *v = &D->w[j];
            uint32_t o = NV_PORTS_NONE, nn = NV_PORTS_NONE;
            struct nv_dend d;
            if (j == i && !D->self_flows)
                continue;
            if (j == i) {
                if (w->o >= 0)
                    o = nv_xlat(D, nv_matrix_self(D->old.x, (uint32_t)w->o, orow));
                if (w->n >= 0)
                    nn = nv_matrix_self(D->new.x, (uint32_t)w->n, nrow);
            } else {
                if (w->o >= 0 && v->o >= 0)
                    o = nv_xlat(D, orow[mo->workloads[v->o].unit]);
                if (w->n >= 0 && v->n >= 0)
                    nn = nrow[mn->workloads[v->n].unit];
            }
            if (o == nn)
                continue;
            nv_dend_wl(D, j, &d);
            nv_change(D, nv_kind(o, nn), &s, i, &d, j, o, nn);
        }
    }
    free(orow);
    free(nrow);
    free(oat);
    free(nat);
    free(seg);
}

/* Match the workloads of both sides (each sorted by id, then kind). */
static void nv_match(struct nv_diff *D)
{
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    size_t a = 0, b = 0, n = 0;

    D->w = nv_xmalloc((mo->nworkloads + mn->nworkloads + 1) * sizeof(*D->w));
    while (a < mo->nworkloads || b < mn->nworkloads) {
        int c;
        if (a == mo->nworkloads)
            c = 1;
        else if (b == mn->nworkloads)
            c = -1;
        else if (!(c = strcmp(mo->workloads[a].id, mn->workloads[b].id)))
            c = strcmp(mo->workloads[a].kind, mn->workloads[b].kind);
        D->w[n].o = c <= 0 ? (long)a++ : -1;
        D->w[n].n = c >= 0 ? (long)b++ : -1;
        n++;
    }
    D->nw = n;
}

/* ---- claims ---- */

enum nv_cverdict { NV_CV_HOLDS, NV_CV_REFUTED, NV_CV_UNDECIDED, NV_CV_ERROR, NV_CV_DEPENDS };

static enum nv_cverdict nv_claim_verdict(const struct nv_snap *s, size_t i)
{
    if (s->claim_err[i])
        return NV_CV_ERROR;
    switch (nv_result_verdict(&s->results[i])) {
    case NV_HOLDS:
        return NV_CV_HOLDS;
    case NV_REFUTED:
        return NV_CV_REFUTED;
    case NV_DEPENDS:
        return NV_CV_DEPENDS;
    default:
        return NV_CV_UNDECIDED;
    }
}

static const char *const k_cverdict[] = {"holds", "refuted", "undecided", "error", "depends"};

/* What stands behind a claim's verdict on one side: the counterexample or the error. */
static char *nv_claim_detail(const struct nv_snap *s, size_t i)
{
    const struct nv_result *r = &s->results[i];
    size_t p;

    if (s->claim_err[i])
        return nv_xstrdup(s->claim_err[i]);
    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_REFUTED)
            return nv_report_headline(s->m, &r->parts[p]);
    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_DEPENDS) {
            struct nv_buf b;
            char *cond = nv_report_condition(s->m, &r->parts[p]);
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "%s: ", cond);
            nv_report_flow(&b, s->m, &r->parts[p]);
            free(cond);
            return nv_buf_detach(&b);
        }
    return NULL;
}

/* Report the claims whose verdict changes; returns how many went from holding to not. */
static size_t nv_claims_report(struct nv_diff *D)
{
    const struct nv_claims *cl = &D->new.claims;
    size_t i, worse = 0, n = 0;
    struct nv_buf md, js;

    nv_buf_init(&md, 0);
    nv_buf_init(&js, 0);
    for (i = 0; i < cl->n; i++) {
        const struct nv_claim *c = &cl->items[i];
        enum nv_cverdict vo = nv_claim_verdict(&D->old, i), vn = nv_claim_verdict(&D->new, i);
        const char *label = c->name ? c->name : c->text;
        char *why;
        if (vo == vn)
            continue;
        n++;
        worse += vo == NV_CV_HOLDS;
        why = nv_claim_detail(&D->new, i);
        switch (D->fmt) {
        case NV_DF_TEXT:
            nv_escape_term_line(D->fp, "! claim '%s': %s before, %s now%s%s", label, k_cverdict[vo],
                                k_cverdict[vn], why ? ": " : "", why ? why : "");
            break;
        case NV_DF_JSON:
            nv_buf_puts(&js, n > 1 ? ",\n    {\"claim\": " : "\n    {\"claim\": ");
            nv_json_quote(&js, c->text);
            nv_buf_puts(&js, ", \"name\": ");
            if (c->name)
                nv_json_quote(&js, c->name);
            else
                nv_buf_puts(&js, "null");
            nv_buf_printf(&js, ", \"old\": \"%s\", \"new\": \"%s\", \"detail\": ", k_cverdict[vo],
                          k_cverdict[vn]);
            if (why)
                nv_json_quote(&js, why);
            else
                nv_buf_puts(&js, "null");
            nv_buf_putc(&js, '}');
            break;
        case NV_DF_MD:
            nv_buf_puts(&md, "| ");
            nv_escape_md(&md, label);
            nv_buf_printf(&md, " | %s | %s | ", k_cverdict[vo], k_cverdict[vn]);
            nv_escape_md(&md, why ? why : "");
            nv_buf_puts(&md, " |\n");
            break;
        case NV_DF_SARIF: {
            struct nv_json *res = nv_json_object(), *msg = nv_json_object(),
                           *locs = nv_json_array();
            struct nv_buf b;
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "Claim '%s': %s before, %s now%s%s", label, k_cverdict[vo],
                          k_cverdict[vn], why ? ": " : "", why ? why : "");
            nv_json_set(res, "ruleId", nv_json_str("claim-verdict-changed"));
            nv_json_set(res, "level", nv_json_str(vo == NV_CV_HOLDS ? "error" : "note"));
            nv_json_set(msg, "text", nv_json_str(nv_buf_str(&b)));
            nv_json_set(res, "message", msg);
            nv_json_push(locs, nv_report_sarif_location(c->loc, NULL));
            nv_json_set(res, "locations", locs);
            nv_report_sarif_result(&D->sarif, res);
            nv_buf_release(&b);
            break;
        }
        }
        free(why);
    }
    if (D->fmt == NV_DF_JSON)
        fprintf(D->fp, ",\n  \"claims\": [%s%s]", js.len ? nv_buf_str(&js) : "",
                js.len ? "\n  " : "");
    if (D->fmt == NV_DF_MD && n)
        fprintf(D->fp,
                "%s**Claims whose verdict changes:** %zu\n\n"
                "| claim | before | after | why, after |\n|---|---|---|---|\n%s",
                D->count[0] + D->count[1] + D->count[2] ? "\n" : "", n, nv_buf_str(&md));
    nv_buf_release(&md);
    nv_buf_release(&js);
    return worse;
}

/* Whether d holds an error at loc with message msg. */
static int nv_has_error(const struct nv_diags *d, const struct nv_diag *e)
{
    size_t k;

    for (k = 0; k < d->n; k++)
        if (d->items[k].sev == NV_SEV_ERROR && d->items[k].loc.line == e->loc.line &&
            d->items[k].loc.col == e->loc.col && !strcmp(d->items[k].msg, e->msg) &&
            !strcmp(d->items[k].loc.file ? d->items[k].loc.file : "",
                    e->loc.file ? e->loc.file : ""))
            return 1;
    return 0;
}

/*
 * A claim that resolves on neither side (a set that matches nothing, a name
 * neither side has) is an input error, as it is for 'check': its verdict
 * cannot change, and a typo must not pass the gate quietly. Prints the errors
 * of both sides (once when they are the same); returns how many such claims.
 */
static size_t nv_claims_unresolved(const struct nv_diff *D)
{
    struct nv_diags out;
    size_t i, k, n = 0;
    int side;

    nv_diags_init(&out);
    for (i = 0; i < D->new.claims.n; i++) {
        if (!D->new.claim_err[i] || !D->old.claim_err[i])
            continue;
        n++;
        for (side = 0; side < 2; side++) {
            const struct nv_diags *d = side ? &D->old.claim_diags[i] : &D->new.claim_diags[i];
            for (k = 0; k < d->n; k++)
                if (d->items[k].sev == NV_SEV_ERROR && !nv_has_error(&out, &d->items[k]))
                    nv_diag_error(&out, d->items[k].loc, d->items[k].code, "%s", d->items[k].msg);
        }
    }
    nv_diags_print(&out, stderr);
    nv_diags_release(&out);
    return n;
}

/* ---- loading ---- */

/*
 * Load one side and, with a claims file, its claims. A claim that does not
 * resolve on one side (a workload that exists only on the other) is not an
 * input error here: its verdict there is 'error'. With 'quiet', only errors
 * are printed (the other side, of the same path, printed the rest).
 */
static int nv_snap_load(struct nv_snap *s, const struct nv_load_opts *lo, const char *claims_path,
                        int quiet)
{
    struct nv_diags d;
    size_t i;

    nv_diags_init(&d);
    s->m = nv_load_unfinished(&s->path, 1, lo, &d);
    if (s->m && claims_path)
        nv_claims_load_max(&s->claims, claims_path, lo->max_claims, s->m, &d);
    if (s->m && !d.nerr)
        nv_model_finish(s->m, &d);
    if (!quiet || d.nerr)
        nv_diags_print(&d, stderr);
    if (!s->m || d.nerr) {
        if (d.nerr == 0)
            NV_BUG("load failed without a diagnostic");
        nv_diags_release(&d);
        return -1;
    }
    nv_diags_release(&d);
    s->x = nv_matrix_new(s->m);
    if (!claims_path)
        return 0;
    s->claim_err = nv_xcalloc(s->claims.n + 1, sizeof(*s->claim_err));
    s->claim_diags = nv_xcalloc(s->claims.n + 1, sizeof(*s->claim_diags));
    s->results = nv_xcalloc(s->claims.n + 1, sizeof(*s->results));
    for (i = 0; i < s->claims.n; i++) {
        struct nv_diags *rd = &s->claim_diags[i];
        nv_diags_init(rd);
        if (nv_claim_resolve(&s->claims.items[i], s->m, rd) < 0) {
            size_t k;
            for (k = 0; k < rd->n && rd->items[k].sev != NV_SEV_ERROR; k++)
                ;
            s->claim_err[i] = nv_xstrdup(k < rd->n ? rd->items[k].msg : "does not resolve");
        } else {
            nv_check_matrix(s->x, &s->claims.items[i], &s->results[i]);
        }
    }
    return 0;
}

static void nv_snap_release(struct nv_snap *s)
{
    size_t i;

    if (s->claim_err)
        for (i = 0; i < s->claims.n; i++)
            free(s->claim_err[i]);
    free(s->claim_err);
    if (s->claim_diags)
        for (i = 0; i < s->claims.n; i++)
            nv_diags_release(&s->claim_diags[i]);
    free(s->claim_diags);
    free(s->results);
    nv_claims_release(&s->claims);
    nv_matrix_free(s->x);
    nv_model_free(s->m);
}

static int nv_parse_fail_on(const char *arg, int *out)
{
    static const char *const names[] = {"added", "removed", "changed", "claims", "any", NULL};
    static const int bits[] = {NV_FAIL_ADDED, NV_FAIL_REMOVED, NV_FAIL_CHANGED, NV_FAIL_CLAIMS,
                               NV_FAIL_ADDED | NV_FAIL_REMOVED | NV_FAIL_CHANGED | NV_FAIL_CLAIMS};
    char *copy = nv_xstrdup(arg), *tok, *save = NULL;
    int rc = 0;

    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k = nv_cli_pick(tok, names);
        if (k < 0) {
            rc = -1;
            break;
        }
        *out |= bits[k];
    }
    free(copy);
    return rc;
}

static int nv_sarif_write(struct nv_diff *D)
{
    struct nv_json *rules = nv_json_array();

    nv_json_push(rules, nv_report_sarif_rule("connection-added", "The change allows a connection"));
    nv_json_push(rules,
                 nv_report_sarif_rule("connection-removed", "The change blocks a connection"));
    nv_json_push(rules, nv_report_sarif_rule("connection-changed",
                                             "The change alters the ports a connection is "
                                             "allowed on"));
    nv_json_push(rules, nv_report_sarif_rule("claim-verdict-changed",
                                             "The change alters a claim's verdict"));
    return nv_report_sarif_end(&D->sarif, rules);
}

int nv_cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"claims", required_argument, NULL, 'c'},
        {"self-flows", no_argument, NULL, 'S'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        NV_CLI_INPUT_OPTS,
        NV_CLI_CLAIMS_OPTS,
        {NULL, 0, NULL, 0},
    };
    struct nv_load_opts lo;
    struct nv_diff D;
    struct nv_profile profile;
    const char *output = NULL, *claims_path = NULL;
    int c, r, fail_on = 0, rc = NV_EXIT_OK, k;
    size_t worse = 0, total;

    nv_load_opts_default(&lo);
    nv_profile_init(&profile);
    memset(&D, 0, sizeof(D));
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': {
            /* in the order of enum nv_dfmt; "markdown" is "md" */
            static const char *const formats[] = {"text", "json", "md", "sarif", "markdown", NULL};
            int f = nv_cli_pick(optarg, formats);
            if (f < 0)
                return nv_cli_usage_error(k_usage, "unknown format '%s'", optarg);
            D.fmt = f == 4 ? NV_DF_MD : (enum nv_dfmt)f;
            break;
        }
        case 'F':
            if (nv_parse_fail_on(optarg, &fail_on) < 0)
                return nv_cli_usage_error(k_usage,
                                          "invalid --fail-on '%s' (added, removed, changed, "
                                          "claims or any, separated by commas)",
                                          optarg);
            break;
        case 'c':
            claims_path = optarg;
            break;
        case 'S':
            D.self_flows = 1;
            break;
        case 'o':
            output = optarg;
            break;
        default:
            if ((r = nv_cli_other_opt(c, optarg, &lo, k_usage, nv_diff_help)) >= 0)
                return r;
            break;
        }
    }
    if (argc - optind != 2)
        return nv_cli_usage_error(k_usage, argc - optind < 2 ? "give OLD and NEW"
                                                             : "too many paths: give OLD and NEW");
    if (!strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
        return nv_cli_usage_error(k_usage, "OLD and NEW cannot both be standard input");
    nv_phase(NULL);
    D.old.path = argv[optind];
    D.new.path = argv[optind + 1];
    /* one cluster profile for both sides: the claims file's, else the netverify.yaml
     * found for OLD */
    {
        struct nv_diags pd;
        char *config;
        nv_diags_init(&pd);
        config = nv_cli_find_config(claims_path, D.old.path, lo.follow_symlinks, &pd);
        nv_profile_init(&profile);
        rc = pd.nerr || nv_cli_profile(&profile, &lo, config, &pd) < 0 ? NV_EXIT_INPUT : NV_EXIT_OK;
        nv_diags_print(&pd, stderr);
        nv_diags_release(&pd);
        free(config);
        if (rc != NV_EXIT_OK)
            goto out;
        lo.profile = &profile;
    }
    /* the same path twice: its warnings once */
    if (nv_snap_load(&D.old, &lo, claims_path, 0) < 0 ||
        nv_snap_load(&D.new, &lo, claims_path, !strcmp(D.old.path, D.new.path)) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_phase("load");
    if (claims_path && nv_claims_unresolved(&D)) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (output && !(D.fp = fopen(output, "w"))) {
        nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", output, strerror(errno));
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (!D.fp)
        D.fp = stdout;
    nv_buf_init(&D.md, 0);
    nv_buf_init(&D.line, 0);
    /* json and sarif are written as the walk finds changes, as text is */
    if (D.fmt == NV_DF_SARIF)
        nv_report_sarif_begin(&D.sarif, D.fp);
    else if (D.fmt == NV_DF_JSON)
        fputs("{\n  \"added\": [", D.fp);
    nv_match(&D);
    nv_walk(&D);
    nv_phase("diff");
    total = D.count[0] + D.count[1] + D.count[2];
    if (D.fmt == NV_DF_JSON) {
        fputs(D.count[NV_ADDED] ? "\n  ]" : "]", D.fp);
        for (k = 1; k < 3; k++) {
            fprintf(D.fp, ",\n  \"%s\": [", k_change_word[k]);
            if (nv_spill_flush(&D.json[k], D.fp) < 0) {
                fprintf(stderr, "netverify: cannot keep the diff in a temporary file: %s\n",
                        strerror(D.json[k].err));
                rc = NV_EXIT_INTERNAL;
            }
            fputs(D.count[k] ? "\n  ]" : "]", D.fp);
        }
    } else if (D.fmt == NV_DF_MD && total) {
        fprintf(D.fp,
                "**netverify diff:** %zu connection%s added, %zu removed, %zu changed\n\n"
                "| change | source | destination | before | after |\n"
                "|---|---|---|---|---|\n%s",
                D.count[NV_ADDED], D.count[NV_ADDED] == 1 ? "" : "s", D.count[NV_REMOVED],
                D.count[NV_CHANGED], nv_buf_str(&D.md));
        if (D.rows > NV_MD_MAX_ROWS)
            fprintf(D.fp, "\n%zu more changes are not shown; run 'netverify diff' for them all.\n",
                    D.rows - NV_MD_MAX_ROWS);
    }
    if (claims_path)
        worse = nv_claims_report(&D);
    if (D.fmt == NV_DF_JSON)
        fputs("\n}\n", D.fp);
    else if (D.fmt == NV_DF_SARIF)
        nv_sarif_write(&D);
    if (rc == NV_EXIT_OK && (((fail_on & NV_FAIL_ADDED) && D.count[NV_ADDED]) ||
                             ((fail_on & NV_FAIL_REMOVED) && D.count[NV_REMOVED]) ||
                             ((fail_on & NV_FAIL_CHANGED) && D.count[NV_CHANGED]) ||
                             ((fail_on & NV_FAIL_CLAIMS) && worse)))
        rc = NV_EXIT_FINDING;
    if (fflush(D.fp) != 0 || ferror(D.fp)) {
        fprintf(stderr, "netverify: error writing the output\n");
        rc = NV_EXIT_INTERNAL;
    }
    if (D.fp != stdout)
        fclose(D.fp);
out:
    nv_profile_release(&profile);
    for (k = 0; k < 3; k++)
        nv_spill_release(&D.json[k]);
    nv_buf_release(&D.md);
    nv_buf_release(&D.line);
    if (D.tend)
        for (k = 0; (size_t)k < D.nw; k++)
            free(D.tend[k]);
    free(D.tend);
    free(D.w);
    free(D.xlat);
    free(D.pieces);
    nv_snap_release(&D.old);
    nv_snap_release(&D.new);
    return rc;
}
