/*
 * rows.c - the flow-row writer of list and diff: rows and framing of text,
 * JSON, CSV, Markdown and SARIF, every name escaped through escape.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/rows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/json.h"
#include "netverify/report.h"

/* Markdown is meant for a pull-request comment: keep it well under a comment's size limit. */
#define NV_MD_MAX_ROWS 300

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

/* A workload's name and kind, escaped for the writer's format (JSON: quoted). */
struct nv_rows_name {
    char *name, *kind;
    size_t nlen, klen;
};

struct nv_rows {
    FILE *fp;
    enum nv_rows_doc doc;
    enum nv_rows_format fmt;
    const struct nv_ports *pt;
    char **text[2]; /* per port set id: its text (1: netpol-analyzer's), once written */
    size_t ntext;
    struct nv_rows_name *names; /* by workload number, computed when first used */
    size_t nwl;
    struct nv_buf line;      /* the row being written */
    struct nv_buf sname[2];  /* escaped names of the ends without a number (ranges) */
    struct nv_buf conns;     /* a connection set being escaped */
    size_t count[3];         /* list: count[0] flows; diff: changes by kind */
    size_t mdrows;           /* diff md: changes offered to the table */
    struct nv_spill json[3]; /* diff json: the removed and changed arrays, while added is written */
    struct nv_buf md;        /* diff md: the table's rows */
    struct nv_buf claims;    /* diff md: the claims table's rows */
    size_t nclaims;
    int changes_closed; /* diff: the changes' arrays or table are written */
    int in_claims;      /* nv_rows_claims() was called */
    int failed;         /* a temporary file failed */
    struct nv_sarif sarif;
};

static const char *const k_change_word[] = {"added", "removed", "changed"};

/* ---- spill ---- */

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

/* ---- names ---- */

/* s escaped for the writer's format (JSON: quoted; SARIF: as is, jansson escapes it). */
static void nv_rows_escape(const struct nv_rows *w, struct nv_buf *b, const char *s)
{
    switch (w->fmt) {
    case NV_ROWS_JSON:
        nv_json_quote(b, s);
        break;
    case NV_ROWS_CSV:
        nv_escape_csv(b, s);
        break;
    case NV_ROWS_MD:
        nv_escape_md(b, s);
        break;
    case NV_ROWS_SARIF:
        nv_buf_puts(b, s);
        break;
    default:
        nv_escape_term(b, s);
        break;
    }
}

/*
 * The escaped name and kind of e: a workload's are computed once (millions of
 * rows name a few thousand workloads); a range's in scratch buffer 'slot'.
 */
static const struct nv_rows_name *nv_rows_name(struct nv_rows *w, const struct nv_flow_end *e,
                                               int slot, struct nv_rows_name *tmp)
{
    struct nv_buf b;
    size_t mid;

    if (e->wl >= 0 && (size_t)e->wl < w->nwl && w->names[e->wl].name)
        return &w->names[e->wl];
    nv_buf_init(&b, 0);
    nv_rows_escape(w, &b, e->name);
    mid = b.len;
    nv_buf_putc(&b, '\0');
    nv_rows_escape(w, &b, e->kind);
    if (e->wl >= 0 && (size_t)e->wl < w->nwl) {
        struct nv_rows_name *n = &w->names[e->wl];
        n->nlen = mid;
        n->klen = b.len - mid - 1;
        n->name = nv_buf_detach(&b);
        n->kind = n->name + mid + 1;
        return n;
    }
    nv_buf_reset(&w->sname[slot]);
    nv_buf_put(&w->sname[slot], b.data, b.len);
    nv_buf_release(&b);
    tmp->name = w->sname[slot].data;
    tmp->kind = w->sname[slot].data + mid + 1;
    tmp->nlen = mid;
    tmp->klen = w->sname[slot].len - mid - 1;
    return tmp;
}

/* A piece of text between the ends of a row, with its length. */
struct nv_rows_sep {
    const char *s;
    size_t n;
};
#define NV_SEP(text)                                                                               \
    {                                                                                              \
        text, sizeof(text) - 1                                                                     \
    }

/*
 * The two ends of a row, escaped, between the five pieces of 'sep': sep[0]
 * src sep[1] src_kind sep[2] dst sep[3] dst_kind sep[4]. (Millions of rows:
 * lengths are known, nothing is measured again.)
 */
static void nv_rows_ends(struct nv_rows *w, struct nv_buf *b, const struct nv_flow_end *s,
                         const struct nv_flow_end *d, const struct nv_rows_sep sep[5])
{
    struct nv_rows_name t0, t1;
    const struct nv_rows_name *e[2];
    int i;

    e[0] = nv_rows_name(w, s, 0, &t0);
    e[1] = nv_rows_name(w, d, 1, &t1);
    for (i = 0; i < 2; i++) {
        nv_buf_put(b, sep[2 * i].s, sep[2 * i].n);
        nv_buf_put(b, e[i]->name, e[i]->nlen);
        nv_buf_put(b, sep[2 * i + 1].s, sep[2 * i + 1].n);
        nv_buf_put(b, e[i]->kind, e[i]->klen);
    }
    nv_buf_put(b, sep[4].s, sep[4].n);
}

static const struct nv_rows_sep k_text_ends[] = {NV_SEP(""), NV_SEP("["), NV_SEP("] => "),
                                                 NV_SEP("["), NV_SEP("] : ")};
static const struct nv_rows_sep k_json_ends[] = {NV_SEP("{\"src\": "), NV_SEP(", \"src_kind\": "),
                                                 NV_SEP(", \"dst\": "), NV_SEP(", \"dst_kind\": "),
                                                 NV_SEP("")};
static const struct nv_rows_sep k_csv_ends[] = {NV_SEP(""), NV_SEP(","), NV_SEP(","), NV_SEP(","),
                                                NV_SEP(",")};
static const struct nv_rows_sep k_md_ends[] = {NV_SEP("| "), NV_SEP(" | "), NV_SEP(" | "),
                                               NV_SEP(" | "), NV_SEP(" | ")};
static const struct nv_rows_sep k_md_change_ends[] = {NV_SEP(""), NV_SEP(" ("), NV_SEP(") | "),
                                                      NV_SEP(" ("), NV_SEP(")")};

/* ---- port texts ---- */

/*
 * The text of port set id of w's table (npa: netpol-analyzer's), written
 * once and kept by the writer: a list repeats a few sets over many rows.
 */
static const char *nv_rows_ports(struct nv_rows *w, uint32_t id, int npa)
{
    if (id >= w->ntext) {
        size_t n = w->pt->nsets > id ? w->pt->nsets : (size_t)id + 1, k;
        int f;
        for (f = 0; f < 2; f++) {
            w->text[f] = nv_xrealloc(w->text[f], n * sizeof(*w->text[f]));
            for (k = w->ntext; k < n; k++)
                w->text[f][k] = NULL;
        }
        w->ntext = n;
    }
    if (!w->text[npa][id]) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        nv_ports_write(&b, w->pt, id, npa);
        w->text[npa][id] = nv_buf_detach(&b);
    }
    return w->text[npa][id];
}

/* ---- the writer ---- */

struct nv_rows *nv_rows_new(FILE *fp, enum nv_rows_doc doc, enum nv_rows_format fmt,
                            const struct nv_ports *pt, size_t nwl)
{
    struct nv_rows *w = nv_xcalloc(1, sizeof(*w));
    int k;

    w->fp = fp;
    w->doc = doc;
    w->fmt = fmt;
    w->pt = pt;
    w->nwl = nwl;
    w->names = nv_xcalloc(nwl + 1, sizeof(*w->names));
    nv_buf_init(&w->line, 0);
    nv_buf_init(&w->conns, 0);
    nv_buf_init(&w->md, 0);
    nv_buf_init(&w->claims, 0);
    for (k = 0; k < 2; k++)
        nv_buf_init(&w->sname[k], 0);
    for (k = 0; k < 3; k++)
        nv_buf_init(&w->json[k].mem, 0);
    if (doc == NV_ROWS_DIFF) {
        /* json and sarif are written as the changes come, as text is */
        if (fmt == NV_ROWS_SARIF)
            nv_report_sarif_begin(&w->sarif, fp);
        else if (fmt == NV_ROWS_JSON)
            fputs("{\n  \"added\": [", fp);
        return w;
    }
    switch (fmt) {
    case NV_ROWS_JSON:
        fputs("{\"connections\": [", fp);
        break;
    case NV_ROWS_CSV:
        fputs("src,src_kind,dst,dst_kind,conns\n", fp);
        break;
    case NV_ROWS_MD:
        fputs("| src | src kind | dst | dst kind | connections |\n|---|---|---|---|---|\n", fp);
        break;
    default:
        break;
    }
    return w;
}

void nv_rows_free(struct nv_rows *w)
{
    size_t i;
    int k;

    if (!w)
        return;
    for (i = 0; i < w->nwl; i++)
        free(w->names[i].name);
    free(w->names);
    for (k = 0; k < 2; k++) {
        for (i = 0; i < w->ntext; i++)
            free(w->text[k][i]);
        free(w->text[k]);
    }
    nv_buf_release(&w->line);
    nv_buf_release(&w->conns);
    nv_buf_release(&w->md);
    nv_buf_release(&w->claims);
    for (k = 0; k < 2; k++)
        nv_buf_release(&w->sname[k]);
    for (k = 0; k < 3; k++)
        nv_spill_release(&w->json[k]);
    free(w);
}

void nv_rows_flow(struct nv_rows *w, const struct nv_flow_end *s, const struct nv_flow_end *d,
                  uint32_t ports, uint32_t sure)
{
    struct nv_buf *b = &w->line;

    nv_buf_reset(b);
    switch (w->fmt) {
    case NV_ROWS_TEXT:
        nv_rows_ends(w, b, s, d, k_text_ends);
        nv_report_conns(b, w->pt, ports, sure, 1);
        nv_buf_putc(b, '\n');
        break;
    case NV_ROWS_JSON:
        nv_buf_puts(b, w->count[0] ? ",\n  " : "\n  ");
        nv_rows_ends(w, b, s, d, k_json_ends);
        nv_buf_puts(b, ", \"conns\": \"");
        nv_buf_puts(b, nv_rows_ports(w, ports, 0));
        nv_buf_putc(b, '"');
        if (sure != ports) {
            /* allowed only under some behaviour of the plugin, or some addresses */
            nv_buf_puts(b, ", \"depends\": \"");
            nv_ports_write_minus(b, w->pt, ports, sure, 0);
            nv_buf_putc(b, '"');
        }
        nv_buf_putc(b, '}');
        break;
    case NV_ROWS_CSV:
    case NV_ROWS_MD:
        nv_rows_ends(w, b, s, d, w->fmt == NV_ROWS_MD ? k_md_ends : k_csv_ends);
        nv_buf_reset(&w->conns);
        nv_report_conns(&w->conns, w->pt, ports, sure, 0);
        nv_rows_escape(w, b, nv_buf_str(&w->conns));
        nv_buf_puts(b, w->fmt == NV_ROWS_MD ? " |\n" : "\n");
        break;
    default:
        NV_BUG("list has no format %d", (int)w->fmt);
    }
    fwrite(b->data, 1, b->len, w->fp);
    w->count[0]++;
}

int nv_rows_wants_loc(const struct nv_rows *w)
{
    return w->fmt == NV_ROWS_SARIF;
}

size_t nv_rows_count(const struct nv_rows *w, enum nv_row_change k)
{
    return w->count[k];
}

/* The connections of a change in netpol-analyzer's words: "NEW (was OLD)" when changed. */
static void nv_rows_change_conns(struct nv_rows *w, enum nv_row_change k, uint32_t o, uint32_t n)
{
    struct nv_buf *b = &w->line;

    if (k == NV_ROW_CHANGED) {
        nv_buf_printf(b, "%s (was ", nv_rows_ports(w, n, 1));
        nv_buf_printf(b, "%s)", nv_rows_ports(w, o, 1));
    } else {
        nv_buf_puts(b, nv_rows_ports(w, k == NV_ROW_ADDED ? n : o, 1));
    }
}

static void nv_rows_sarif_change(struct nv_rows *w, enum nv_row_change k,
                                 const struct nv_flow_end *s, const struct nv_flow_end *d,
                                 uint32_t o, uint32_t n, const struct nv_loc *loc)
{
    static const char *const rule[] = {"connection-added", "connection-removed",
                                       "connection-changed"};
    struct nv_json *res = nv_json_object(), *msg = nv_json_object(), *locs = nv_json_array();
    struct nv_loc none = {NULL, 0, 0};
    struct nv_buf *b = &w->line;

    nv_buf_printf(b, "Connection %s: %s[%s] => %s[%s] : ", k_change_word[k], s->name, s->kind,
                  d->name, d->kind);
    nv_rows_change_conns(w, k, o, n);
    nv_json_set(res, "ruleId", nv_json_str(rule[k]));
    nv_json_set(res, "level", nv_json_str(k == NV_ROW_REMOVED ? "note" : "warning"));
    nv_json_set(msg, "text", nv_json_str(nv_buf_str(b)));
    nv_json_set(res, "message", msg);
    nv_json_push(locs, nv_report_sarif_location(loc ? *loc : none, NULL));
    nv_json_set(res, "locations", locs);
    nv_report_sarif_result(&w->sarif, res);
}

void nv_rows_change(struct nv_rows *w, enum nv_row_change k, const struct nv_flow_end *s,
                    const struct nv_flow_end *d, uint32_t o, uint32_t n, const struct nv_loc *loc)
{
    struct nv_buf *b = &w->line;

    w->count[k]++;
    nv_buf_reset(b);
    switch (w->fmt) {
    case NV_ROWS_TEXT:
        nv_buf_printf(b, "%c ", "+-~"[k]);
        nv_rows_ends(w, b, s, d, k_text_ends);
        nv_rows_change_conns(w, k, o, n);
        nv_buf_putc(b, '\n');
        fwrite(b->data, 1, b->len, w->fp);
        break;
    case NV_ROWS_JSON:
        nv_buf_puts(b, w->count[k] > 1 ? ",\n    " : "\n    ");
        nv_rows_ends(w, b, s, d, k_json_ends);
        if (k == NV_ROW_CHANGED) {
            nv_buf_printf(b, ", \"old\": \"%s\"", nv_rows_ports(w, o, 0));
            nv_buf_printf(b, ", \"new\": \"%s\"}", nv_rows_ports(w, n, 0));
        } else {
            nv_buf_printf(b, ", \"conns\": \"%s\"}",
                          nv_rows_ports(w, k == NV_ROW_ADDED ? n : o, 0));
        }
        /* the added array is being written; the others follow it */
        if (k == NV_ROW_ADDED)
            fwrite(b->data, 1, b->len, w->fp);
        else
            nv_spill_put(&w->json[k], b->data, b->len);
        break;
    case NV_ROWS_MD:
        if (++w->mdrows > NV_MD_MAX_ROWS)
            break;
        nv_buf_printf(&w->md, "| %s | ", k_change_word[k]);
        nv_rows_ends(w, &w->md, s, d, k_md_change_ends);
        nv_buf_printf(&w->md, " | %s | ", k == NV_ROW_ADDED ? "" : nv_rows_ports(w, o, 1));
        nv_buf_printf(&w->md, "%s |\n", k == NV_ROW_REMOVED ? "" : nv_rows_ports(w, n, 1));
        break;
    case NV_ROWS_SARIF:
        nv_rows_sarif_change(w, k, s, d, o, n, loc);
        break;
    default:
        NV_BUG("diff has no format %d", (int)w->fmt);
    }
}

/* The end of diff's changes: JSON's arrays closed, Markdown's table. Returns 0 or -1. */
static int nv_rows_changes_end(struct nv_rows *w)
{
    size_t total = w->count[0] + w->count[1] + w->count[2];
    int k, rc = 0;

    if (w->fmt == NV_ROWS_JSON) {
        fputs(w->count[NV_ROW_ADDED] ? "\n  ]" : "]", w->fp);
        for (k = 1; k < 3; k++) {
            fprintf(w->fp, ",\n  \"%s\": [", k_change_word[k]);
            if (nv_spill_flush(&w->json[k], w->fp) < 0) {
                fprintf(stderr, "netverify: cannot keep the diff in a temporary file: %s\n",
                        strerror(w->json[k].err));
                rc = -1;
            }
            fputs(w->count[k] ? "\n  ]" : "]", w->fp);
        }
    } else if (w->fmt == NV_ROWS_MD && total) {
        fprintf(w->fp,
                "**netverify diff:** %zu connection%s added, %zu removed, %zu changed\n\n"
                "| change | source | destination | before | after |\n"
                "|---|---|---|---|---|\n%s",
                w->count[NV_ROW_ADDED], w->count[NV_ROW_ADDED] == 1 ? "" : "s",
                w->count[NV_ROW_REMOVED], w->count[NV_ROW_CHANGED], nv_buf_str(&w->md));
        if (w->mdrows > NV_MD_MAX_ROWS)
            fprintf(w->fp, "\n%zu more changes are not shown; run 'netverify diff' for them all.\n",
                    w->mdrows - NV_MD_MAX_ROWS);
    }
    nv_buf_release(&w->md);
    return rc;
}

/* Close diff's changes once: before the claims, or at the end. */
static void nv_rows_close_changes(struct nv_rows *w)
{
    if (w->changes_closed)
        return;
    w->changes_closed = 1;
    if (nv_rows_changes_end(w) < 0)
        w->failed = 1;
}

void nv_rows_claims(struct nv_rows *w)
{
    nv_rows_close_changes(w);
    w->in_claims = 1;
    if (w->fmt == NV_ROWS_JSON)
        fputs(",\n  \"claims\": [", w->fp);
}

static void nv_rows_sarif_claim(struct nv_rows *w, const struct nv_row_claim *c, const char *label)
{
    struct nv_json *res = nv_json_object(), *msg = nv_json_object(), *locs = nv_json_array();
    struct nv_buf *b = &w->line;

    nv_buf_printf(b, "Claim '%s': %s before, %s now%s%s", label, c->before, c->after,
                  c->detail ? ": " : "", c->detail ? c->detail : "");
    nv_json_set(res, "ruleId", nv_json_str("claim-verdict-changed"));
    nv_json_set(res, "level", nv_json_str(c->worse ? "error" : "note"));
    nv_json_set(msg, "text", nv_json_str(nv_buf_str(b)));
    nv_json_set(res, "message", msg);
    nv_json_push(locs, nv_report_sarif_location(c->loc, NULL));
    nv_json_set(res, "locations", locs);
    nv_report_sarif_result(&w->sarif, res);
}

void nv_rows_claim(struct nv_rows *w, const struct nv_row_claim *c)
{
    const char *label = c->name ? c->name : c->text;
    struct nv_buf *b = &w->line;

    if (!w->in_claims)
        NV_BUG("a claim row before nv_rows_claims()");
    w->nclaims++;
    nv_buf_reset(b);
    switch (w->fmt) {
    case NV_ROWS_TEXT:
        nv_escape_term_line(w->fp, "! claim '%s': %s before, %s now%s%s", label, c->before,
                            c->after, c->detail ? ": " : "", c->detail ? c->detail : "");
        break;
    case NV_ROWS_JSON:
        nv_buf_puts(b, w->nclaims > 1 ? ",\n    {\"claim\": " : "\n    {\"claim\": ");
        nv_json_quote(b, c->text);
        nv_buf_puts(b, ", \"name\": ");
        if (c->name)
            nv_json_quote(b, c->name);
        else
            nv_buf_puts(b, "null");
        nv_buf_printf(b, ", \"old\": \"%s\", \"new\": \"%s\", \"detail\": ", c->before, c->after);
        if (c->detail)
            nv_json_quote(b, c->detail);
        else
            nv_buf_puts(b, "null");
        nv_buf_putc(b, '}');
        fwrite(b->data, 1, b->len, w->fp);
        break;
    case NV_ROWS_MD:
        nv_buf_puts(&w->claims, "| ");
        nv_escape_md(&w->claims, label);
        nv_buf_printf(&w->claims, " | %s | %s | ", c->before, c->after);
        nv_escape_md(&w->claims, c->detail ? c->detail : "");
        nv_buf_puts(&w->claims, " |\n");
        break;
    case NV_ROWS_SARIF:
        nv_rows_sarif_claim(w, c, label);
        break;
    default:
        NV_BUG("diff has no format %d", (int)w->fmt);
    }
}

/* The end of diff's document. */
static void nv_rows_diff_end(struct nv_rows *w)
{
    struct nv_json *rules;

    nv_rows_close_changes(w);
    if (w->in_claims && w->fmt == NV_ROWS_JSON)
        fputs(w->nclaims ? "\n  ]" : "]", w->fp);
    if (w->in_claims && w->fmt == NV_ROWS_MD && w->nclaims)
        fprintf(w->fp,
                "%s**Claims whose verdict changes:** %zu\n\n"
                "| claim | before | after | why, after |\n|---|---|---|---|\n%s",
                w->count[0] + w->count[1] + w->count[2] ? "\n" : "", w->nclaims,
                nv_buf_str(&w->claims));
    if (w->fmt == NV_ROWS_JSON) {
        fputs("\n}\n", w->fp);
    } else if (w->fmt == NV_ROWS_SARIF) {
        rules = nv_json_array();
        nv_json_push(rules,
                     nv_report_sarif_rule("connection-added", "The change allows a connection"));
        nv_json_push(rules,
                     nv_report_sarif_rule("connection-removed", "The change blocks a connection"));
        nv_json_push(rules, nv_report_sarif_rule("connection-changed",
                                                 "The change alters the ports a connection is "
                                                 "allowed on"));
        nv_json_push(rules, nv_report_sarif_rule("claim-verdict-changed",
                                                 "The change alters a claim's verdict"));
        nv_report_sarif_end(&w->sarif, rules);
    }
}

int nv_rows_finish(struct nv_rows *w)
{
    if (w->doc == NV_ROWS_DIFF)
        nv_rows_diff_end(w);
    else if (w->fmt == NV_ROWS_JSON)
        fputs(w->count[0] ? "\n]}\n" : "]}\n", w->fp);
    return w->failed ? -1 : 0;
}
