/*
 * cmd_list.c - 'netverify list': every allowed flow, streamed in a stable
 * order as text, JSON, CSV, Markdown, or as a per-namespace summary.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/json.h"
#include "netverify/matrix.h"
#include "netverify/report.h"
#include "netverify/summary.h"

static const char k_usage[] =
    "netverify list PATH... [--format text|json|csv|md|summary] [--self-flows] [-o FILE]";

enum nv_fmt { NV_FMT_TEXT, NV_FMT_JSON, NV_FMT_CSV, NV_FMT_MD, NV_FMT_SUMMARY };

static void nv_list_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs("List every allowed connection between workloads, and between workloads and\n"
          "external address ranges (IPv4 and IPv6), with the protocols and ports it is\n"
          "allowed on.\n\n"
          "PATH is a manifest file, a directory (read recursively: *.yaml, *.yml, *.json),\n"
          "or - for standard input.\n\n"
          "Options:\n"
          "  -f, --format FORMAT   text (default): src => dst : conns\n"
          "                        json: the canonical {\"connections\": [...]} document\n"
          "                        csv, md: one row per connection\n"
          "                        summary: totals and per-namespace-pair counts\n"
          "      --self-flows      also list w => w: what two distinct pods of a workload\n"
          "                        of several pods (replicas, ...) allow each other\n"
          "  -o, --output FILE     write the result to FILE instead of standard "
          "output\n" NV_CLI_INPUT_HELP "  -h, --help            show this help\n\n"
          "Connections are sorted by source, then destination; external ranges come\n"
          "first, in address order (IPv4, then IPv6), then workloads by namespace/name.\n"
          "A line between workloads of several pods is the union over their pods.\n\n"
          "Exit status: 0 success, 2 usage or input error, 3 internal error.\n",
          stdout);
}

/* One endpoint as the formats print it. */
struct nv_ep {
    char *name; /* "ns/name" or "lo-hi", escaped for the format (JSON: quoted); owned */
    char *kind; /* workload kind or "External", the same way */
};

struct nv_out {
    FILE *fp;
    enum nv_fmt fmt;
    struct nv_model *m;
    int self_flows; /* list w => w too */
    size_t count;
    struct nv_buf line;
};

static void nv_emit_begin(struct nv_out *o)
{
    switch (o->fmt) {
    case NV_FMT_JSON:
        fputs("{\"connections\": [", o->fp);
        break;
    case NV_FMT_CSV:
        fputs("src,src_kind,dst,dst_kind,conns\n", o->fp);
        break;
    case NV_FMT_MD:
        fputs("| src | src kind | dst | dst kind | connections |\n|---|---|---|---|---|\n", o->fp);
        break;
    default:
        break;
    }
}

static void nv_emit_end(struct nv_out *o)
{
    if (o->fmt == NV_FMT_JSON)
        fputs(o->count ? "\n]}\n" : "]}\n", o->fp);
}

/* The four endpoint cells, each followed by 'sep'. */
static void nv_emit_cells(struct nv_buf *b, const struct nv_ep *s, const struct nv_ep *d,
                          const char *sep)
{
    nv_buf_puts(b, s->name);
    nv_buf_puts(b, sep);
    nv_buf_puts(b, s->kind);
    nv_buf_puts(b, sep);
    nv_buf_puts(b, d->name);
    nv_buf_puts(b, sep);
    nv_buf_puts(b, d->kind);
    nv_buf_puts(b, sep);
}

static void nv_emit(struct nv_out *o, const struct nv_ep *s, const struct nv_ep *d, uint32_t ports,
                    uint32_t sure)
{
    struct nv_buf *b = &o->line;
    struct nv_buf c;

    nv_buf_reset(b);
    switch (o->fmt) {
    case NV_FMT_TEXT:
        nv_buf_puts(b, s->name);
        nv_buf_putc(b, '[');
        nv_buf_puts(b, s->kind);
        nv_buf_puts(b, "] => ");
        nv_buf_puts(b, d->name);
        nv_buf_putc(b, '[');
        nv_buf_puts(b, d->kind);
        nv_buf_puts(b, "] : ");
        nv_report_conns(b, &o->m->ports, ports, sure, 1);
        nv_buf_putc(b, '\n');
        break;
    case NV_FMT_JSON:
        nv_buf_puts(b, o->count ? ",\n  {\"src\": " : "\n  {\"src\": ");
        nv_buf_puts(b, s->name);
        nv_buf_puts(b, ", \"src_kind\": ");
        nv_buf_puts(b, s->kind);
        nv_buf_puts(b, ", \"dst\": ");
        nv_buf_puts(b, d->name);
        nv_buf_puts(b, ", \"dst_kind\": ");
        nv_buf_puts(b, d->kind);
        nv_buf_puts(b, ", \"conns\": \"");
        nv_buf_puts(b, nv_ports_format(&o->m->ports, ports));
        nv_buf_putc(b, '"');
        if (sure != ports) {
            /* allowed only under some behaviour of the plugin, or some addresses */
            nv_buf_puts(b, ", \"depends\": \"");
            nv_buf_puts(b,
                        nv_ports_format(&o->m->ports, nv_ports_minus(&o->m->ports, ports, sure)));
            nv_buf_putc(b, '"');
        }
        nv_buf_putc(b, '}');
        break;
    case NV_FMT_CSV:
        nv_emit_cells(b, s, d, ",");
        nv_buf_init(&c, 0);
        nv_report_conns(&c, &o->m->ports, ports, sure, 0);
        nv_escape_csv(b, nv_buf_str(&c));
        nv_buf_release(&c);
        nv_buf_putc(b, '\n');
        break;
    case NV_FMT_MD:
        nv_buf_puts(b, "| ");
        nv_emit_cells(b, s, d, " | ");
        nv_buf_init(&c, 0);
        nv_report_conns(&c, &o->m->ports, ports, sure, 0);
        nv_escape_md(b, nv_buf_str(&c));
        nv_buf_release(&c);
        nv_buf_puts(b, " |\n");
        break;
    default:
        break;
    }
    fwrite(b->data, 1, b->len, o->fp);
    o->count++;
}

/* s escaped for the format of o. The caller frees the result. */
static char *nv_ep_text(const struct nv_out *o, const char *s)
{
    struct nv_buf b;

    nv_buf_init(&b, 0);
    switch (o->fmt) {
    case NV_FMT_JSON:
        nv_json_quote(&b, s);
        break;
    case NV_FMT_CSV:
        nv_escape_csv(&b, s);
        break;
    case NV_FMT_MD:
        nv_escape_md(&b, s);
        break;
    default:
        nv_escape_term(&b, s);
        break;
    }
    return nv_buf_detach(&b);
}

static void nv_ep_init(struct nv_ep *e, const struct nv_out *o, const char *name, const char *kind)
{
    e->name = nv_ep_text(o, name);
    e->kind = nv_ep_text(o, kind);
}

static void nv_ep_release(struct nv_ep *e)
{
    free(e->name);
    free(e->kind);
}

/* An external range with the connections one workload has with it. */
struct nv_extflow {
    struct nv_iprange r;
    size_t wl;
    uint32_t ports, sure;
};

static int nv_extflow_cmp(const void *pa, const void *pb)
{
    const struct nv_extflow *a = pa, *b = pb;

    int c = nv_ip_cmp(&a->r.first, &b->r.first);

    if (!c)
        c = nv_ip_cmp(&a->r.last, &b->r.last);
    if (c)
        return c;
    return a->wl < b->wl ? -1 : a->wl > b->wl;
}

/* Merge adjacent atoms with equal port sets (both); one entry per maximal range. */
static size_t nv_merge_atoms(const struct nv_atoms *atoms, const uint32_t *ids,
                             const uint32_t *sure, struct nv_extflow *out, size_t wl)
{
    size_t a = 0, n = 0;

    while (a < atoms->n) {
        size_t b = a;
        if (ids[a] == NV_PORTS_NONE) {
            a++;
            continue;
        }
        while (b + 1 < atoms->n && ids[b + 1] == ids[a] && sure[b + 1] == sure[a] &&
               nv_atoms_adjacent(atoms, b))
            b++;
        out[n].r.first = atoms->cuts[a];
        out[n].r.last = nv_atoms_range(atoms, b).last;
        out[n].wl = wl;
        out[n].ports = ids[a];
        out[n].sure = sure[a];
        n++;
        a = b + 1;
    }
    return n;
}

static void nv_ext_ep(struct nv_ep *e, const struct nv_out *o, const struct nv_iprange *r,
                      char *buf)
{
    nv_iprange_format(r, buf);
    nv_ep_init(e, o, buf, "External");
}

static int nv_list_flows(struct nv_model *m, struct nv_matrix *x, struct nv_out *o)
{
    size_t nw = m->nworkloads, na = m->atoms.n, i, j, k;
    struct nv_ep *eps = nv_xcalloc(nw + 1, sizeof(*eps));
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *srow = nv_xmalloc((m->nunits + 1) * sizeof(*srow));
    uint32_t *arow = nv_xmalloc((na + 1) * sizeof(*arow));
    uint32_t *sarow = nv_xmalloc((na + 1) * sizeof(*sarow));
    struct nv_extflow *ext = NULL, *buf = nv_xmalloc((na + 1) * sizeof(*buf));
    size_t next = 0, extalloc = 0;
    uint32_t cached = UINT32_MAX;
    char addr[NV_IPRANGE_BUFSZ];

    for (i = 0; i < nw; i++)
        nv_ep_init(&eps[i], o, m->workloads[i].id, m->workloads[i].kind);
    nv_emit_begin(o);

    /* external sources, sorted by range then destination */
    for (i = 0; i < nw; i++) {
        size_t n;
        uint32_t u = m->workloads[i].unit;
        if (u != cached) {
            nv_matrix_from_atoms2(x, u, arow, sarow);
            cached = u;
        }
        n = nv_merge_atoms(&m->atoms, arow, sarow, buf, i);
        NV_GROW(ext, extalloc, next + n);
        if (n)
            memcpy(ext + next, buf, n * sizeof(*buf));
        next += n;
    }
    if (ext)
        qsort(ext, next, sizeof(*ext), nv_extflow_cmp);
    for (i = 0; i < next; i++) {
        struct nv_ep src;
        nv_ext_ep(&src, o, &ext[i].r, addr);
        nv_emit(o, &src, &eps[ext[i].wl], ext[i].ports, ext[i].sure);
        nv_ep_release(&src);
    }

    /* workload sources */
    cached = UINT32_MAX;
    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        size_t n;
        if (u != cached) {
            nv_matrix_row2(x, u, row, srow, arow, sarow);
            cached = u;
        }
        n = nv_merge_atoms(&m->atoms, arow, sarow, buf, i);
        for (k = 0; k < n; k++) {
            struct nv_ep dst;
            nv_ext_ep(&dst, o, &buf[k].r, addr);
            nv_emit(o, &eps[i], &dst, buf[k].ports, buf[k].sure);
            nv_ep_release(&dst);
        }
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j == i)
                id = o->self_flows ? nv_matrix_self(x, (uint32_t)i, row) : NV_PORTS_NONE;
            if (id == NV_PORTS_NONE)
                continue;
            nv_emit(o, &eps[i], &eps[j], id, srow[m->workloads[j].unit]);
        }
    }
    nv_emit_end(o);
    for (i = 0; i < nw; i++)
        nv_ep_release(&eps[i]);
    free(eps);
    free(row);
    free(srow);
    free(arow);
    free(sarow);
    free(ext);
    free(buf);
    return 0;
}

int nv_cmd_list(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"self-flows", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        NV_CLI_INPUT_OPTS,
        {NULL, 0, NULL, 0},
    };
    struct nv_load_opts lo;
    enum nv_fmt fmt = NV_FMT_TEXT;
    const char *output = NULL;
    struct nv_model *m;
    struct nv_matrix *x;
    FILE *fp = stdout;
    int c, rc = NV_EXIT_OK, self_flows = 0;

    nv_load_opts_default(&lo);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
        int r;
        switch (c) {
        case 'f': {
            /* in the order of enum nv_fmt; "markdown" is "md" */
            static const char *const formats[] = {"text",    "json",     "csv", "md",
                                                  "summary", "markdown", NULL};
            int f = nv_cli_pick(optarg, formats);
            if (f < 0)
                return nv_cli_usage_error(k_usage, "unknown format '%s'", optarg);
            fmt = f == 5 ? NV_FMT_MD : (enum nv_fmt)f;
            break;
        }
        case 'o':
            output = optarg;
            break;
        case 'S':
            self_flows = 1;
            break;
        default:
            if ((r = nv_cli_other_opt(c, optarg, &lo, k_usage, nv_list_help)) >= 0)
                return r;
            break;
        }
    }
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    nv_phase(NULL);
    m = nv_cli_load(argv + optind, (size_t)(argc - optind), &lo);
    nv_phase("load");
    if (!m)
        return NV_EXIT_INPUT;
    if (output && !(fp = fopen(output, "w"))) {
        nv_escape_term_line(stderr, "netverify: cannot write '%s'", output);
        nv_model_free(m);
        return NV_EXIT_INPUT;
    }
    x = nv_matrix_new(m);
    nv_phase("engine");
    if (fmt == NV_FMT_SUMMARY) {
        nv_summary_write(m, x, fp);
    } else {
        struct nv_out o;
        static char obuf[1 << 16];
        memset(&o, 0, sizeof(o));
        setvbuf(fp, obuf, _IOFBF, sizeof(obuf));
        o.fp = fp;
        o.fmt = fmt;
        o.m = m;
        o.self_flows = self_flows;
        nv_buf_init(&o.line, 0);
        nv_list_flows(m, x, &o);
        nv_buf_release(&o.line);
    }
    nv_phase("output");
    if (fflush(fp) != 0 || ferror(fp)) {
        fprintf(stderr, "netverify: error writing the output\n");
        rc = NV_EXIT_INTERNAL;
    }
    if (fp != stdout)
        fclose(fp);
    nv_matrix_free(x);
    nv_model_free(m);
    return rc;
}
