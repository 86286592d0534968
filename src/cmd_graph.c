/*
 * cmd_graph.c - 'netverify graph': the allowed flows as a diagram, per
 * workload (clustered by namespace) or per namespace, as DOT, SVG, PNG or PDF.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/dot.h"
#include "netverify/matrix.h"

static const char k_usage[] = "netverify graph PATH... [-o FILE] [--group workload|namespace]";

static void nv_graph_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs("Draw every allowed connection between workloads, and between workloads and\n"
          "external IPv4 ranges, as a graphviz diagram.\n\n"
          "PATH is a manifest file, a directory (read recursively: *.yaml, *.yml, *.json),\n"
          "or - for standard input.\n\n"
          "Options:\n"
          "  -o, --output FILE     write to FILE; its extension picks the format:\n"
          "                        .dot or .gv (DOT text), .svg, .png, .pdf\n"
          "                        (default: DOT on standard output)\n"
          "  -g, --group G         workload (default): one node per workload, in one\n"
          "                        cluster per namespace; namespace: one node per\n"
          "                        namespace, edges merged (union of the ports)\n" NV_CLI_INPUT_HELP
          "  -h, --help            show this help\n\n"
          "Edges are labelled with the allowed connections (\"TCP 80;UDP 53\"); \"All\"\n"
          "edges are bold. External ranges are hexagons. Graphs of more than 50 nodes\n"
          "are laid out with sfdp instead of dot; with more than 150 edges the labels\n"
          "become tooltips.\n\n"
          "Exit status: 0 success, 2 usage or input error, 3 internal error.\n",
          stdout);
}

/* One end of an edge: an external range, or a workload / namespace by index. */
struct nv_gep {
    int ext;
    struct nv_iprange r;
    size_t idx;
};

struct nv_gedge {
    struct nv_gep s, d;
    uint32_t ports;
};

struct nv_gstate {
    struct nv_model *m;
    int byns;
    struct nv_gedge *edges;
    size_t nedges, alloc;
};

static int nv_gep_cmp(const struct nv_gep *a, const struct nv_gep *b)
{
    if (a->ext != b->ext)
        return a->ext ? -1 : 1; /* external ranges first, as 'list' */
    if (a->ext) {
        if (a->r.lo != b->r.lo)
            return a->r.lo < b->r.lo ? -1 : 1;
        if (a->r.hi != b->r.hi)
            return a->r.hi < b->r.hi ? -1 : 1;
        return 0;
    }
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int nv_gedge_cmp(const void *pa, const void *pb)
{
    const struct nv_gedge *a = pa, *b = pb;
    int c = nv_gep_cmp(&a->s, &b->s);

    return c ? c : nv_gep_cmp(&a->d, &b->d);
}

static int nv_range_cmp(const void *pa, const void *pb)
{
    const struct nv_iprange *a = pa, *b = pb;

    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return a->hi < b->hi ? -1 : a->hi > b->hi;
}

static void nv_gadd(struct nv_gstate *S, struct nv_gep s, struct nv_gep d, uint32_t ports)
{
    NV_GROW(S->edges, S->alloc, S->nedges + 1);
    S->edges[S->nedges].s = s;
    S->edges[S->nedges].d = d;
    S->edges[S->nedges].ports = ports;
    S->nedges++;
}

static struct nv_gep nv_gep_idx(size_t idx)
{
    struct nv_gep e;

    memset(&e, 0, sizeof(e));
    e.idx = idx;
    return e;
}

/*
 * Merge adjacent atoms with equal port sets into maximal ranges (as 'list'
 * does); add one edge per range, inbound (range -> idx) or outbound.
 */
static void nv_gadd_atoms(struct nv_gstate *S, const uint32_t *ids, size_t idx, int inbound)
{
    const struct nv_atoms *atoms = &S->m->atoms;
    size_t a = 0;

    while (a < atoms->n) {
        size_t b = a;
        struct nv_gep ext;
        if (ids[a] == NV_PORTS_NONE) {
            a++;
            continue;
        }
        while (b + 1 < atoms->n && ids[b + 1] == ids[a])
            b++;
        memset(&ext, 0, sizeof(ext));
        ext.ext = 1;
        ext.r.lo = nv_atoms_range(atoms, a).lo;
        ext.r.hi = nv_atoms_range(atoms, b).hi;
        if (inbound)
            nv_gadd(S, ext, nv_gep_idx(idx), ids[a]);
        else
            nv_gadd(S, nv_gep_idx(idx), ext, ids[a]);
        a = b + 1;
    }
}

/* Every allowed workload pair, and workload/range pair, in engine terms. */
static void nv_flows_by_workload(struct nv_gstate *S, struct nv_matrix *x)
{
    struct nv_model *m = S->m;
    size_t nw = m->nworkloads, i, j;
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *ain = nv_xmalloc((m->atoms.n + 1) * sizeof(*ain));
    uint32_t *aout = nv_xmalloc((m->atoms.n + 1) * sizeof(*aout));
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        if (u != cached) {
            nv_matrix_from_atoms(x, u, ain);
            nv_matrix_row(x, u, row, aout);
            cached = u;
        }
        nv_gadd_atoms(S, ain, i, 1);
        nv_gadd_atoms(S, aout, i, 0);
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            if (j != i && id != NV_PORTS_NONE)
                nv_gadd(S, nv_gep_idx(i), nv_gep_idx(j), id);
        }
    }
    free(row);
    free(ain);
    free(aout);
}

/*
 * The same, collapsed to namespaces: per atom and per namespace pair, the
 * union of the port sets of their workloads (a workload to itself excluded).
 */
static void nv_flows_by_namespace(struct nv_gstate *S, struct nv_matrix *x)
{
    struct nv_model *m = S->m;
    size_t nw = m->nworkloads, nns = m->nns, na = m->atoms.n, i, j, a;
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *ain = nv_xmalloc((na + 1) * sizeof(*ain));
    uint32_t *aout = nv_xmalloc((na + 1) * sizeof(*aout));
    uint32_t *nsin = nv_xcalloc(nns * na + 1, sizeof(*nsin));
    uint32_t *nsout = nv_xcalloc(nns * na + 1, sizeof(*nsout));
    uint32_t *nsm = nv_xcalloc(nns * nns + 1, sizeof(*nsm));
    uint32_t cached = UINT32_MAX;

    for (i = 0; i < nw; i++) {
        uint32_t u = m->workloads[i].unit;
        size_t s = m->workloads[i].ns;
        if (u != cached) {
            nv_matrix_from_atoms(x, u, ain);
            nv_matrix_row(x, u, row, aout);
            cached = u;
        }
        for (a = 0; a < na; a++) {
            nsin[s * na + a] = nv_ports_union(&m->ports, nsin[s * na + a], ain[a]);
            nsout[s * na + a] = nv_ports_union(&m->ports, nsout[s * na + a], aout[a]);
        }
        for (j = 0; j < nw; j++) {
            uint32_t id = row[m->workloads[j].unit];
            size_t d = m->workloads[j].ns;
            if (j != i && id != NV_PORTS_NONE)
                nsm[s * nns + d] = nv_ports_union(&m->ports, nsm[s * nns + d], id);
        }
    }
    for (i = 0; i < nns; i++) {
        nv_gadd_atoms(S, nsin + i * na, i, 1);
        nv_gadd_atoms(S, nsout + i * na, i, 0);
        for (j = 0; j < nns; j++)
            if (nsm[i * nns + j] != NV_PORTS_NONE)
                nv_gadd(S, nv_gep_idx(i), nv_gep_idx(j), nsm[i * nns + j]);
    }
    free(row);
    free(ain);
    free(aout);
    free(nsin);
    free(nsout);
    free(nsm);
}

static const struct nv_model *nv_sort_model;

static int nv_ns_name_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

    return strcmp(nv_sort_model->ns[a].name, nv_sort_model->ns[b].name);
}

/* Node names: ranges as "lo-hi", namespaces by name, workloads by id (+ kind if shared). */
static void nv_gep_name(const struct nv_gstate *S, const struct nv_gep *e, struct nv_buf *b)
{
    const struct nv_workload *w;
    char addr[32];

    nv_buf_reset(b);
    if (e->ext) {
        nv_buf_puts(b, nv_iprange_format(e->r, addr));
        return;
    }
    if (S->byns) {
        nv_buf_puts(b, S->m->ns[e->idx].name);
        return;
    }
    w = &S->m->workloads[e->idx];
    nv_buf_puts(b, w->id);
    /* workloads are sorted by id, then kind: namesakes are neighbours */
    if ((e->idx > 0 && !strcmp(w[-1].id, w->id)) ||
        (e->idx + 1 < S->m->nworkloads && !strcmp(w[1].id, w->id))) {
        nv_buf_puts(b, " (");
        nv_buf_puts(b, w->kind);
        nv_buf_putc(b, ')');
    }
}

/* Nodes in a stable order: external ranges by address, then namespaces/workloads by name. */
static void nv_graph_nodes(struct nv_gstate *S, struct nv_graph *g)
{
    struct nv_model *m = S->m;
    struct nv_iprange *rs = nv_xmalloc((2 * S->nedges + 1) * sizeof(*rs));
    size_t *order = nv_xmalloc((m->nns + 1) * sizeof(*order));
    size_t *wlcount = nv_xcalloc(m->nns + 1, sizeof(*wlcount));
    size_t nr = 0, i, k;
    struct nv_buf name, label;
    char addr[32];

    nv_buf_init(&name, 0);
    nv_buf_init(&label, 0);
    for (i = 0; i < S->nedges; i++) {
        if (S->edges[i].s.ext)
            rs[nr++] = S->edges[i].s.r;
        if (S->edges[i].d.ext)
            rs[nr++] = S->edges[i].d.r;
    }
    qsort(rs, nr, sizeof(*rs), nv_range_cmp);
    for (i = 0; i < nr; i++) {
        if (i > 0 && !nv_range_cmp(&rs[i - 1], &rs[i]))
            continue;
        nv_iprange_format(rs[i], addr);
        nv_graph_node(g, NULL, addr, addr, "hexagon");
    }
    for (i = 0; i < m->nworkloads; i++)
        wlcount[m->workloads[i].ns]++;
    for (i = 0; i < m->nns; i++)
        order[i] = i;
    nv_sort_model = m;
    qsort(order, m->nns, sizeof(*order), nv_ns_name_cmp);
    for (k = 0; k < m->nns; k++) {
        size_t ns = order[k];
        struct nv_graph_cluster *c;
        struct nv_gep e;
        if (!wlcount[ns])
            continue;
        if (S->byns) {
            e = nv_gep_idx(ns);
            nv_gep_name(S, &e, &name);
            nv_graph_node(g, NULL, name.data, name.data, NULL);
            continue;
        }
        c = nv_graph_cluster(g, m->ns[ns].name);
        for (i = 0; i < m->nworkloads; i++) {
            if (m->workloads[i].ns != ns)
                continue;
            e = nv_gep_idx(i);
            nv_gep_name(S, &e, &name);
            nv_buf_reset(&label);
            nv_buf_puts(&label, m->workloads[i].name);
            nv_buf_puts(&label, "\\n");
            nv_buf_puts(&label, m->workloads[i].kind);
            nv_graph_node(g, c, name.data, label.data, NULL);
        }
    }
    nv_buf_release(&name);
    nv_buf_release(&label);
    free(rs);
    free(order);
    free(wlcount);
}

static struct nv_graph *nv_graph_build(struct nv_model *m, struct nv_matrix *x, int byns)
{
    struct nv_gstate S;
    struct nv_graph *g = nv_graph_new("netverify");
    struct nv_buf from, to;
    size_t i;

    memset(&S, 0, sizeof(S));
    S.m = m;
    S.byns = byns;
    if (byns)
        nv_flows_by_namespace(&S, x);
    else
        nv_flows_by_workload(&S, x);
    if (S.edges)
        qsort(S.edges, S.nedges, sizeof(*S.edges), nv_gedge_cmp);
    nv_graph_nodes(&S, g);
    nv_buf_init(&from, 0);
    nv_buf_init(&to, 0);
    for (i = 0; i < S.nedges; i++) {
        const struct nv_gedge *e = &S.edges[i];
        nv_gep_name(&S, &e->s, &from);
        nv_gep_name(&S, &e->d, &to);
        if (nv_graph_edge(g, from.data, to.data, nv_ports_format(&m->ports, e->ports),
                          e->ports == NV_PORTS_ALL) != 0)
            NV_BUG("edge between unknown nodes");
    }
    nv_buf_release(&from);
    nv_buf_release(&to);
    free(S.edges);
    return g;
}

/* The output format from FILE's extension; NULL if unknown. */
static const char *nv_graph_format_of(const char *path)
{
    static const char *const exts[] = {".dot", ".gv", ".svg", ".png", ".pdf", NULL};
    static const char *const fmts[] = {"dot", "dot", "svg", "png", "pdf"};
    const char *dot = strrchr(path, '.');
    size_t i;

    if (!dot || strchr(dot, '/'))
        return NULL;
    for (i = 0; exts[i]; i++)
        if (!strcmp(dot, exts[i]))
            return fmts[i];
    return NULL;
}

int nv_cmd_graph(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"group", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        NV_CLI_INPUT_OPTS,
        {NULL, 0, NULL, 0},
    };
    static const char *const groups[] = {"workload", "namespace", NULL};
    struct nv_load_opts lo;
    const char *output = NULL, *format = "dot";
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_graph *g;
    FILE *fp = stdout;
    int c, byns = 0, rc = NV_EXIT_OK;

    nv_load_opts_default(&lo);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:g:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'g':
            byns = nv_cli_pick(optarg, groups);
            if (byns < 0)
                return nv_cli_usage_error(k_usage, "unknown group '%s'", optarg);
            break;
        case 'h':
            nv_graph_help();
            return NV_EXIT_OK;
        case '?':
            fprintf(stderr, "usage: %s\n", k_usage);
            return NV_EXIT_INPUT;
        default:
            if (nv_cli_input_opt(c, optarg, &lo) < 0)
                return NV_EXIT_INPUT;
            break;
        }
    }
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    if (output && !(format = nv_graph_format_of(output)))
        return nv_cli_usage_error(
            k_usage, "cannot tell the format of '%s' (.dot, .svg, .png, .pdf)", output);
    nv_phase(NULL);
    m = nv_cli_load(argv + optind, (size_t)(argc - optind), &lo);
    nv_phase("load");
    if (!m)
        return NV_EXIT_INPUT;
    if (output && !(fp = fopen(output, "wb"))) {
        fprintf(stderr, "netverify: cannot write '%s'\n", output);
        nv_model_free(m);
        return NV_EXIT_INPUT;
    }
    x = nv_matrix_new(m);
    nv_phase("engine");
    g = nv_graph_build(m, x, byns);
    nv_phase("graph");
    if (nv_graph_write(g, fp, format) != 0)
        rc = NV_EXIT_INTERNAL;
    nv_phase("output");
    if (fflush(fp) != 0 || ferror(fp)) {
        fprintf(stderr, "netverify: error writing the output\n");
        rc = NV_EXIT_INTERNAL;
    }
    if (fp != stdout && fclose(fp) != 0 && rc == NV_EXIT_OK) {
        fprintf(stderr, "netverify: error writing the output\n");
        rc = NV_EXIT_INTERNAL;
    }
    nv_graph_free(g);
    nv_matrix_free(x);
    nv_model_free(m);
    return rc;
}
