/*
 * cmd_graph.c - 'netverify graph': the allowed flows as a diagram, per
 * workload (clustered by namespace) or per namespace, as DOT, SVG, PNG or PDF.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/lint.h"
#include "netverify/buf.h"
#include "netverify/claim.h"
#include "netverify/dot.h"
#include "netverify/endpoint.h"
#include "netverify/escape.h"
#include "netverify/graph.h"
#include "netverify/heatmap.h"
#include "netverify/matrix.h"
#include "netverify/view.h"

static const char k_usage[] =
    "netverify graph PATH... [-o FILE] [--group workload|namespace] [--focus EP] "
    "[--namespace NS] [--direction in|out] [--peer EP] [--claims FILE] [--heatmap] "
    "[INPUT OPTIONS]";

static void nv_cmd_graph_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs("Draw every allowed connection between workloads, and between workloads and\n"
          "external address ranges (IPv4 and IPv6), as a graphviz diagram.\n\n"
          "PATH is a manifest file, a directory (read recursively: *.yaml, *.yml, *.json),\n"
          "or - for standard input.\n\n"
          "Options:\n"
          "  -o, --output FILE     write to FILE; its extension picks the format:\n"
          "                        .dot or .gv (DOT text), .svg, .png, .pdf\n"
          "                        (default: DOT on standard output)\n"
          "  -g, --group G         workload: one node per workload, in one box per\n"
          "                        namespace; namespace: one node per namespace, edges\n"
          "                        merged (union of the ports). Default: workload, or\n"
          "                        namespace when the workload diagram would have\n"
          "                        more than 50 nodes (a note on stderr says "
          "so)\n" NV_CLI_FILTERS_HELP
          "                        (the filters of list and diff, on edges). The\n"
          "                        workloads --focus names have a double border and,\n"
          "                        grouped by namespace, a node of their own; their\n"
          "                        peers are merged into their namespaces\n"
          "  -c, --claims FILE     decide the claims in FILE (matrix engine) and mark\n"
          "                        them: edges that refute a claim are red and carry\n"
          "                        its name, a blocked flow a claim needs is a dashed\n"
          "                        red edge, workloads a claim names (by name, labels\n"
          "                        or Service) are yellow, namespaces a claim names\n"
          "                        ('namespace X', 'namespaces SEL') have a gold box;\n"
          "                        grouped by namespace, an edge is red when one of\n"
          "                        its flows refutes, and a namespace is yellow when\n"
          "                        a claim names it or one of its workloads\n"
          "      --heatmap         instead of a diagram, the namespace x namespace\n"
          "                        matrix as an SVG heat map: each cell shaded by the\n"
          "                        share of the ordered pairs of two workloads (source\n"
          "                        namespace, destination namespace) that are allowed,\n"
          "                        the counts in its tooltip (the pairs list counts per\n"
          "                        pair of namespaces)\n" NV_CLI_INPUT_HELP NV_CLI_CLAIMS_HELP "\n"
          "Edges are labelled with the allowed connections (\"TCP 80;UDP 53\"); \"All\"\n"
          "edges are bold; an edge some Admin or Baseline rule (AdminNetworkPolicy,\n"
          "BaselineAdminNetworkPolicy, ClusterNetworkPolicy) accepts or denies ports of is\n"
          "blue with an open diamond head (not grouped by namespace without --focus).\n"
          "Workloads are boxes (the focused one with a double border), namespaces\n"
          "folders, external ranges hexagons, the ingress controller (toward what\n"
          "Ingress, Route and Gateway API routes expose) an inverted house; a legend\n"
          "draws each shape and style used, in the shape of the nodes it explains.\n"
          "Graphs of more than 50 nodes (the legend not counted) are laid out with sfdp\n"
          "instead of dot, without namespace boxes; with more than 150 edges the labels\n"
          "become tooltips (hover text in SVG).\n\n"
          "Exit status: 0 success, 2 usage or input error, 3 internal error.\n",
          stdout);
}

/*
 * The workloads the --focus options stand for (a workload, or those with a
 * pod a Service selects; nv_view_done() has said already that each names
 * something), ascending and once each, into focus. Returns their number.
 */
static size_t nv_cmd_graph_focused(const struct nv_model *m, const struct nv_view_opts *o,
                                   uint32_t *focus)
{
    unsigned char *in = nv_xcalloc(m->nworkloads + 1, 1);
    uint32_t *wl = nv_xmalloc((m->nworkloads + 1) * sizeof(*wl));
    size_t i, k, n = 0;
    struct nv_buf err;
    struct nv_ep ep;

    nv_buf_init(&err, 0);
    for (i = 0; i < o->nfocus; i++) {
        if (nv_ep_lookup(m, o->focus[i], NV_EP_ANY, &ep, &err) < 0)
            continue;
        for (k = nv_ep_workloads(m, &ep, wl); k > 0; k--)
            in[wl[k - 1]] = 1;
    }
    for (i = 0; i < m->nworkloads; i++)
        if (in[i])
            focus[n++] = (uint32_t)i;
    nv_buf_release(&err);
    free(in);
    free(wl);
    return n;
}

/* --heatmap: the namespace x namespace matrix as SVG on fp. Returns the exit status. */
static int nv_cmd_graph_heatmap(const struct nv_model *m, struct nv_matrix *x, FILE *fp)
{
    struct nv_heatmap h;
    int rc;

    nv_heatmap_init(&h, m, x);
    nv_phase("graph");
    rc = nv_heatmap_write_svg(&h, fp) == 0 ? NV_EXIT_OK : NV_EXIT_INTERNAL;
    nv_heatmap_release(&h);
    return rc;
}

/* The output format from FILE's extension; NULL if unknown. */
static const char *nv_cmd_graph_format_of(const char *path)
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

int nv_cmd_graph(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"group", required_argument, NULL, 'g'},
        {"heatmap", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_cmd_graph_help, NULL, NULL, opts, "g:"};
    static const char *const groups[] = {"workload", "namespace", NULL};
    struct nv_load_opts lo;
    const char *output, *format = "dot", *claims_path;
    struct nv_claims claims;
    uint32_t *focus;
    size_t nfocus = 0;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_graph_opts go;
    struct nv_view view;
    struct nv_graph *g;
    FILE *fp = stdout;
    int c, group = NV_GRAPH_AUTO, rc = NV_EXIT_OK, heatmap = 0;

    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'g':
            group = nv_cli_pick(cli->arg, groups);
            if (group < 0)
                return nv_cli_usage_error(k_usage, "unknown group '%s'", cli->arg);
            break;
        case 'H':
            heatmap = 1;
            break;
        }
    }
    if (c < 0)
        return cli->status;
    claims_path = cli->claims;
    lo = cli->lo;
    output = cli->output;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    if (output && !(format = nv_cmd_graph_format_of(output)))
        return nv_cli_usage_error(
            k_usage, "cannot tell the format of '%s' (.dot, .svg, .png, .pdf)", output);
    if (heatmap && (group == NV_GRAPH_WORKLOAD || claims_path || nv_view_opts_any(&cli->view)))
        return nv_cli_usage_error(k_usage, "--heatmap draws every pair of namespaces: not with "
                                           "--group workload, --claims or a filter");
    if (heatmap && output && strcmp(format, "svg"))
        return nv_cli_usage_error(k_usage, "--heatmap writes SVG: '%s' is not .svg", output);
    memset(&claims, 0, sizeof(claims));
    nv_phase(NULL);
    m = nv_cli_load_claims(argv + optind, (size_t)(argc - optind), &lo, claims_path, &claims);
    nv_phase("load");
    if (!m)
        return NV_EXIT_INPUT;
    nv_cli_lint_tell(m, &lo);
    nv_view_init(&view, &cli->view, m->nworkloads);
    nv_view_add(&view, m, NULL);
    focus = nv_xmalloc((m->nworkloads + 1) * sizeof(*focus));
    if (nv_view_done(&view, stderr) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (!(fp = nv_cli_output_open(output, 1))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nfocus = nv_cmd_graph_focused(m, &cli->view, focus);
    x = nv_matrix_new(m);
    nv_phase("engine");
    if (heatmap) {
        rc = nv_cmd_graph_heatmap(m, x, fp);
    } else {
        go.group = (enum nv_graph_group)group;
        go.view = &view;
        go.focus = focus;
        go.nfocus = nfocus;
        go.claims = claims_path ? &claims : NULL;
        g = nv_graph_build(m, x, &go);
        nv_phase("graph");
        if (g->note)
            nv_escape_term_line(stderr, "netverify: note: %s", g->note);
        if (nv_dot_write(g, fp, format) != 0)
            rc = NV_EXIT_INTERNAL;
        nv_graph_free(g);
    }
    nv_phase("output");
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
    nv_matrix_free(x);
out:
    free(focus);
    nv_view_release(&view);
    nv_claims_release(&claims);
    nv_model_free(m);
    return rc;
}
