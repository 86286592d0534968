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

/* ---- summary ---- */

struct nv_unit_order {
    uint32_t unit, ns;
};

static int nv_unit_order_cmp(const void *pa, const void *pb)
{
    const struct nv_unit_order *a = pa, *b = pb;

    if (a->ns != b->ns)
        return a->ns < b->ns ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

static const struct nv_model *nv_sort_model;

static int nv_ns_rank_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return strcmp(nv_sort_model->ns[a].name, nv_sort_model->ns[b].name);
}

/* Write n in decimal at p (room for 20 digits); returns the length. */
static size_t nv_ulltoa(unsigned long long n, char *p)
{
    char tmp[24];
    size_t i = sizeof(tmp), len;

    do {
        tmp[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    len = sizeof(tmp) - i;
    memcpy(p, tmp + i, len);
    return len;
}

/* Per-unit figures for the summary; counts into acc[] by destination namespace. */
struct nv_summary {
    struct nv_model *m;
    struct nv_matrix *x;
    long long *acc;               /* allowed workload pairs by destination namespace */
    unsigned long long open_mass; /* workloads of the current namespace whose row is open */
    uint32_t *row, *arow;
    int sparse;
};

static void nv_summary_count(struct nv_summary *S, uint32_t u)
{
    struct nv_model *m = S->m;
    long long mu = (long long)m->units[u].nworkloads;
    size_t j;

    if (!S->sparse) {
        nv_matrix_row(S->x, u, S->row, NULL);
        for (j = 0; j < m->nunits; j++) {
            long long mv = (long long)m->units[j].nworkloads;
            if (mv && S->row[j] != NV_PORTS_NONE)
                S->acc[m->units[j].ns] += j == u ? mu * (mv - 1) : mu * mv;
        }
        return;
    }
    if (nv_matrix_count_row(S->x, u, mu, S->acc))
        S->open_mass += (unsigned long long)mu;
}

static int nv_list_summary(struct nv_model *m, struct nv_matrix *x, FILE *fp)
{
    size_t nu = m->nunits, nns = m->nns, i, j;
    struct nv_unit_order *order = nv_xmalloc((nu + 1) * sizeof(*order));
    unsigned long long *wlns = nv_xcalloc(nns + 1, sizeof(*wlns));
    unsigned long long pairs = 0, allpairs, iso_in = 0, iso_out = 0, ext_in = 0, ext_out = 0;
    uint32_t *byrank = nv_xmalloc((nns + 1) * sizeof(*byrank));
    uint32_t *rank = nv_xmalloc((nns + 1) * sizeof(*rank));
    struct nv_summary S;
    /* namespace pairs with flows, in output order: source rank, then destination rank */
    uint32_t *pa = NULL, *pb = NULL;
    unsigned long long *pn = NULL;
    size_t nnp = 0, aalloc = 0, balloc = 0, nalloc = 0, nsused = 0;
    uint32_t curns = UINT32_MAX;

    memset(&S, 0, sizeof(S));
    S.m = m;
    S.x = x;
    S.acc = nv_xcalloc(nns + 1, sizeof(*S.acc));
    S.row = nv_xmalloc((nu + 1) * sizeof(*S.row));
    S.arow = nv_xmalloc((m->atoms.n + 1) * sizeof(*S.arow));
    /* the sparse engine works on classes: usable when every workload is one class and the
     * answer is one combination that pods' addresses and nodes do not change */
    S.sparse = nu == m->nclasses && nv_matrix_exact(x);
    for (i = 0; i < nns; i++)
        byrank[i] = (uint32_t)i;
    nv_sort_model = m;
    qsort(byrank, nns, sizeof(*byrank), nv_ns_rank_cmp);
    for (i = 0; i < nns; i++)
        rank[byrank[i]] = (uint32_t)i;
    for (i = 0; i < m->nworkloads; i++)
        wlns[m->workloads[i].ns]++;
    for (i = 0; i < nns; i++)
        nsused += wlns[i] != 0;
    for (i = 0; i < nu; i++) {
        order[i].unit = (uint32_t)i;
        order[i].ns = rank[m->units[i].ns];
    }
    qsort(order, nu, sizeof(*order), nv_unit_order_cmp);
    for (i = 0; i <= nu; i++) {
        const struct nv_unit *u;
        unsigned long long mu;
        int all_in = 1, all_out = 1, any = 0;
        size_t c, a;
        if (i == nu || order[i].ns != curns) {
            if (curns != UINT32_MAX) {
                /* flush the namespace just finished, destinations in name order */
                for (j = 0; j < nns; j++) {
                    uint32_t d = byrank[j];
                    unsigned long long n =
                        (unsigned long long)(S.acc[d] +
                                             (long long)S.open_mass *
                                                 (S.sparse ? nv_matrix_base_count(x, d) : 0));
                    S.acc[d] = 0;
                    if (!n)
                        continue;
                    NV_GROW(pa, aalloc, nnp + 1);
                    NV_GROW(pb, balloc, nnp + 1);
                    NV_GROW(pn, nalloc, nnp + 1);
                    pa[nnp] = byrank[curns];
                    pb[nnp] = d;
                    pn[nnp] = n;
                    pairs += n;
                    nnp++;
                }
                S.open_mass = 0;
            }
            if (i == nu)
                break;
            curns = order[i].ns;
        }
        u = &m->units[order[i].unit];
        mu = u->nworkloads;
        if (!mu)
            continue;
        nv_summary_count(&S, order[i].unit);
        for (c = 0; c < u->ncls; c++) {
            all_in &= nv_matrix_isolated(x, u->cls[c], NV_INGRESS);
            all_out &= nv_matrix_isolated(x, u->cls[c], NV_EGRESS);
            nv_matrix_to_atoms(x, u->cls[c], S.arow);
            for (a = 0; a < m->atoms.n && !any; a++)
                any = S.arow[a] != NV_PORTS_NONE;
        }
        iso_in += all_in ? mu : 0;
        iso_out += all_out ? mu : 0;
        ext_out += any ? mu : 0;
        nv_matrix_from_atoms(x, order[i].unit, S.arow);
        for (a = 0; a < m->atoms.n; a++)
            if (S.arow[a] != NV_PORTS_NONE)
                break;
        ext_in += a < m->atoms.n ? mu : 0;
    }
    allpairs = (unsigned long long)m->nworkloads * (m->nworkloads ? m->nworkloads - 1 : 0);
    fprintf(fp, "workloads: %zu\n", m->nworkloads);
    fprintf(fp, "namespaces: %zu (%zu with workloads)\n", nns, nsused);
    fprintf(fp, "network policies: %zu\n", m->npolicies);
    fprintf(fp, "isolated for ingress: %llu of %zu workloads\n", iso_in, m->nworkloads);
    fprintf(fp, "isolated for egress: %llu of %zu workloads\n", iso_out, m->nworkloads);
    fprintf(fp, "reachable from outside the cluster: %llu of %zu workloads\n", ext_in,
            m->nworkloads);
    fprintf(fp, "can reach outside the cluster: %llu of %zu workloads\n", ext_out, m->nworkloads);
    fprintf(fp, "allowed workload pairs: %llu of %llu", pairs, allpairs);
    if (allpairs)
        fprintf(fp, " (%.1f%%)", 100.0 * (double)pairs / (double)allpairs);
    fputc('\n', fp);
    fprintf(fp, "namespace pairs with allowed flows: %zu (allowed of all workload pairs)\n", nnp);
    {
        /* 17 million lines at 50,000 workloads: format by hand into one buffer */
        size_t *nlen = nv_xmalloc((nns + 1) * sizeof(*nlen));
        char **name = nv_xmalloc((nns + 1) * sizeof(*name));
        size_t cap = 1 << 20, len = 0;
        char *out = nv_xmalloc(cap);
        for (i = 0; i < nns; i++) {
            struct nv_buf nb;
            nv_buf_init(&nb, 0);
            nv_escape_term(&nb, m->ns[i].name);
            nlen[i] = nb.len;
            name[i] = nv_buf_detach(&nb);
        }
        for (i = 0; i < nnp; i++) {
            uint32_t a = pa[i], b = pb[i];
            if (len + nlen[a] + nlen[b] + 96 > cap) {
                fwrite(out, 1, len, fp);
                len = 0;
                if (nlen[a] + nlen[b] + 96 > cap) {
                    cap = nlen[a] + nlen[b] + 96;
                    out = nv_xrealloc(out, cap);
                }
            }
            memcpy(out + len, "  ", 2);
            len += 2;
            memcpy(out + len, name[a], nlen[a]);
            len += nlen[a];
            memcpy(out + len, " -> ", 4);
            len += 4;
            memcpy(out + len, name[b], nlen[b]);
            len += nlen[b];
            memcpy(out + len, ": ", 2);
            len += 2;
            len += nv_ulltoa(pn[i], out + len);
            memcpy(out + len, " of ", 4);
            len += 4;
            len += nv_ulltoa(wlns[a] * wlns[b] - (a == b ? wlns[b] : 0), out + len);
            out[len++] = '\n';
        }
        if (len)
            fwrite(out, 1, len, fp);
        free(out);
        for (i = 0; i < nns; i++)
            free(name[i]);
        free(name);
        free(nlen);
    }
    free(pa);
    free(pb);
    free(pn);
    free(byrank);
    free(rank);
    free(order);
    free(S.row);
    free(S.arow);
    free(S.acc);
    free(wlns);
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
        nv_list_summary(m, x, fp);
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
