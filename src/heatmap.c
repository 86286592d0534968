/*
 * heatmap.c - the namespace x namespace matrix of allowed workload pairs,
 * counted from the engine's rows (one per unit), and its SVG drawing.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/heatmap.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/port.h"

static const struct nv_model *nv_hm_model;

static int nv_hm_ns_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

    return strcmp(nv_hm_model->ns[a].name, nv_hm_model->ns[b].name);
}

static int nv_hm_unit_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    uint32_t ua = nv_hm_model->workloads[a].unit, ub = nv_hm_model->workloads[b].unit;

    return (ua > ub) - (ua < ub);
}

void nv_heatmap_init(struct nv_heatmap *h, const struct nv_model *m, struct nv_matrix *x)
{
    size_t nw = m->nworkloads, i, j, k, n = 0;
    size_t *order = nv_xmalloc((m->nns + 1) * sizeof(*order));
    size_t *col = nv_xmalloc((m->nns + 1) * sizeof(*col)); /* namespace -> column, or -1 */
    size_t *count = nv_xcalloc(m->nns + 1, sizeof(*count));
    size_t *byunit = nv_xmalloc((nw + 1) * sizeof(*byunit));
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < nw; i++)
        count[m->workloads[i].ns]++;
    for (i = 0; i < m->nns; i++)
        order[i] = i;
    nv_hm_model = m;
    qsort(order, m->nns, sizeof(*order), nv_hm_ns_cmp);
    h->name = nv_xmalloc((m->nns + 1) * sizeof(*h->name));
    for (k = 0; k < m->nns; k++) {
        col[order[k]] = (size_t)-1;
        if (!count[order[k]])
            continue;
        col[order[k]] = n;
        h->name[n++] = m->ns[order[k]].name;
    }
    h->n = n;
    h->allowed = nv_xcalloc(n * n + 1, sizeof(*h->allowed));
    h->pairs = nv_xcalloc(n * n + 1, sizeof(*h->pairs));
    for (i = 0; i < m->nns; i++)
        for (j = 0; count[i] && j < m->nns; j++)
            if (count[j])
                h->pairs[col[i] * n + col[j]] =
                    (unsigned long long)count[i] * count[j] - (i == j ? count[i] : 0);
    /* one row per unit: the workloads in unit order */
    for (i = 0; i < nw; i++)
        byunit[i] = i;
    qsort(byunit, nw, sizeof(*byunit), nv_hm_unit_cmp);
    for (k = 0; k < nw; k++) {
        size_t w = byunit[k], s = col[m->workloads[w].ns];
        if (m->workloads[w].unit != cached) {
            cached = m->workloads[w].unit;
            nv_matrix_row(x, cached, row, NULL);
        }
        for (j = 0; j < nw; j++)
            if (j != w && row[m->workloads[j].unit] != NV_PORTS_NONE)
                h->allowed[s * n + col[m->workloads[j].ns]]++;
    }
    free(order);
    free(col);
    free(count);
    free(byunit);
    free(row);
}

void nv_heatmap_release(struct nv_heatmap *h)
{
    free(h->name);
    free(h->allowed);
    free(h->pairs);
    memset(h, 0, sizeof(*h));
}

#define NV_HM_CELL 14         /* a cell's side, in pixels */
#define NV_HM_CHAR 7          /* the width of a character of the labels, roughly */
#define NV_HM_LEGEND_CHARS 62 /* the longest line under the matrix */
#define NV_HM_MAX_LABEL 40    /* longer names are cut in the margins (the tooltips hold them) */

/* The fill of a cell: white (none allowed) to dark red (all), grey without pairs. */
static void nv_hm_fill(char *out, size_t size, unsigned long long allowed, unsigned long long pairs)
{
    double f;

    if (!pairs) {
        snprintf(out, size, "#d9d9d9");
        return;
    }
    f = (double)allowed / (double)pairs;
    snprintf(out, size, "#%02x%02x%02x", (unsigned)(255 - f * (255 - 165)),
             (unsigned)(255 - f * 255), (unsigned)(255 - f * 255));
}

/* A name for a margin: XML-escaped, at most NV_HM_MAX_LABEL bytes of it (UTF-8 kept whole). */
static void nv_hm_label(struct nv_buf *b, const char *name)
{
    size_t len = strlen(name);
    char *cut;

    if (len <= NV_HM_MAX_LABEL) {
        nv_escape_xml(b, name, 0);
        return;
    }
    len = NV_HM_MAX_LABEL;
    while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
        len--;
    cut = nv_xmalloc(len + 1);
    memcpy(cut, name, len);
    cut[len] = '\0';
    nv_escape_xml(b, cut, 0);
    nv_buf_puts(b, "...");
    free(cut);
}

int nv_heatmap_write_svg(const struct nv_heatmap *h, FILE *fp)
{
    size_t i, j, longest = 0, margin, width, height;
    struct nv_buf b;
    char fill[8];

    for (i = 0; i < h->n; i++) {
        size_t len = strlen(h->name[i]);
        if (len > longest)
            longest = len > NV_HM_MAX_LABEL ? NV_HM_MAX_LABEL + 3 : len;
    }
    margin = longest * NV_HM_CHAR + 2 * NV_HM_CELL;
    width = margin + h->n * NV_HM_CELL + 2 * NV_HM_CELL;
    if (width < NV_HM_LEGEND_CHARS * NV_HM_CHAR)
        width = NV_HM_LEGEND_CHARS * NV_HM_CHAR;
    height = margin + h->n * NV_HM_CELL + 4 * NV_HM_CELL;
    nv_buf_init(&b, 0);
    nv_buf_printf(&b,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\" height=\"%zu\" "
                  "viewBox=\"0 0 %zu %zu\" font-family=\"sans-serif\" font-size=\"11\">\n"
                  "<title>allowed workload pairs per pair of namespaces (rows: source, "
                  "columns: destination)</title>\n"
                  "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                  width, height, width, height);
    for (i = 0; i < h->n; i++) {
        /* source names right-aligned left of their row, destinations turned above */
        nv_buf_printf(&b, "<text x=\"%zu\" y=\"%zu\" text-anchor=\"end\">", margin - 4,
                      margin + i * NV_HM_CELL + NV_HM_CELL - 3);
        nv_hm_label(&b, h->name[i]);
        nv_buf_printf(&b, "</text>\n<text transform=\"translate(%zu %zu) rotate(-90)\">",
                      margin + i * NV_HM_CELL + NV_HM_CELL - 3, margin - 4);
        nv_hm_label(&b, h->name[i]);
        nv_buf_puts(&b, "</text>\n");
    }
    for (i = 0; i < h->n; i++) {
        for (j = 0; j < h->n; j++) {
            unsigned long long a = h->allowed[i * h->n + j], p = h->pairs[i * h->n + j];
            nv_hm_fill(fill, sizeof(fill), a, p);
            nv_buf_printf(&b,
                          "<rect x=\"%zu\" y=\"%zu\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                          "stroke=\"#eeeeee\"><title>",
                          margin + j * NV_HM_CELL, margin + i * NV_HM_CELL, NV_HM_CELL, NV_HM_CELL,
                          fill);
            nv_escape_xml(&b, h->name[i], 0);
            nv_buf_puts(&b, " -&gt; ");
            nv_escape_xml(&b, h->name[j], 0);
            nv_buf_printf(&b, ": %llu of %llu workload pairs</title></rect>\n", a, p);
        }
        if (b.len > (1u << 16)) {
            fwrite(b.data, 1, b.len, fp);
            nv_buf_reset(&b);
        }
    }
    nv_buf_printf(&b,
                  "<text x=\"%d\" y=\"%zu\">rows: source namespace, columns: destination</text>\n"
                  "<text x=\"%d\" y=\"%zu\">share of workload pairs allowed: white none, dark "
                  "red all; grey: no pair</text>\n</svg>\n",
                  NV_HM_CELL, margin + h->n * NV_HM_CELL + 2 * NV_HM_CELL, NV_HM_CELL,
                  margin + h->n * NV_HM_CELL + 3 * NV_HM_CELL);
    fwrite(b.data, 1, b.len, fp);
    nv_buf_release(&b);
    return ferror(fp) ? -1 : 0;
}
