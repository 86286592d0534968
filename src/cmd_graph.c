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
#include "netverify/claim.h"
#include "netverify/dot.h"
#include "netverify/endpoint.h"
#include "netverify/escape.h"
#include "netverify/graph.h"
#include "netverify/matrix.h"

static const char k_usage[] = "netverify graph PATH... [-o FILE] [--group workload|namespace] "
                              "[--focus EP] [--claims FILE] [INPUT OPTIONS]";

static void nv_graph_help(void)
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
          "                        more than 50 nodes (a note on stderr says so)\n"
          "  -f, --focus EP        only the edges to and from EP: a workload (NS/NAME,\n"
          "                        NS/NAME[Kind], or a NAME that is unique), or 'svc\n"
          "                        NS/NAME' (the workloads it selects); grouped by\n"
          "                        namespace, EP keeps a node of its own and its peers\n"
          "                        are merged into their namespaces\n"
          "  -c, --claims FILE     decide the claims in FILE (matrix engine) and mark\n"
          "                        them: edges that refute a claim are red and carry\n"
          "                        its name, a blocked flow a claim needs is a dashed\n"
          "                        red edge, workloads a claim names (by name, labels\n"
          "                        or Service) are yellow, namespaces a claim names\n"
          "                        ('namespace X', 'namespaces SEL') have a gold box;\n"
          "                        grouped by namespace, an edge is red when one of\n"
          "                        its flows refutes, and a namespace is yellow when\n"
          "                        a claim names it or one of its workloads\n" NV_CLI_INPUT_HELP
              NV_CLI_CLAIMS_HELP "\n"
          "Edges are labelled with the allowed connections (\"TCP 80;UDP 53\"); \"All\"\n"
          "edges are bold. Workloads are boxes (the focused one with a double border),\n"
          "namespaces folders, external ranges hexagons; a legend draws each shape and\n"
          "style used. Graphs of more than 50 nodes (the legend not counted) are laid out\n"
          "with sfdp instead of dot, without namespace boxes; with more than 150 edges\n"
          "the labels become tooltips (hover text in SVG).\n\n"
          "Exit status: 0 success, 2 usage or input error, 3 internal error.\n",
          stdout);
}

/*
 * --focus EP: the workloads it stands for (a workload, or those with a pod
 * the Service selects) appended to focus[*n]. Returns 0, or -1 after saying
 * why on stderr.
 */
static int nv_graph_focus_arg(const struct nv_model *m, const char *arg, uint32_t *focus, size_t *n)
{
    struct nv_ep ep;
    size_t k;

    if (nv_ep_arg(m, "--focus", arg, NV_EP_WORKLOAD | NV_EP_SERVICE, &ep) < 0)
        return -1;
    k = nv_ep_workloads(m, &ep, focus + *n);
    if (!k) {
        nv_escape_term_line(stderr, "netverify: --focus '%s' selects no pod of a workload", arg);
        return -1;
    }
    *n += k;
    return 0;
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

int nv_cmd_graph(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"group", required_argument, NULL, 'g'},
        {"focus", required_argument, NULL, 'f'},
        {"claims", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_graph_help, NULL, NULL, opts, "g:f:c:"};
    static const char *const groups[] = {"workload", "namespace", NULL};
    struct nv_load_opts lo;
    const char *output, *format = "dot", *focus_ep = NULL, *claims_path = NULL;
    struct nv_claims claims;
    uint32_t *focus;
    size_t nfocus = 0;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_graph_opts go;
    struct nv_graph *g;
    FILE *fp = stdout;
    int c, group = NV_GRAPH_AUTO, rc = NV_EXIT_OK;

    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'g':
            group = nv_cli_pick(cli->arg, groups);
            if (group < 0)
                return nv_cli_usage_error(k_usage, "unknown group '%s'", cli->arg);
            break;
        case 'f':
            focus_ep = cli->arg;
            break;
        case 'c':
            claims_path = cli->arg;
            break;
        }
    }
    if (c < 0)
        return cli->status;
    lo = cli->lo;
    output = cli->output;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    if (output && !(format = nv_graph_format_of(output)))
        return nv_cli_usage_error(
            k_usage, "cannot tell the format of '%s' (.dot, .svg, .png, .pdf)", output);
    memset(&claims, 0, sizeof(claims));
    nv_phase(NULL);
    m = nv_cli_load_claims(argv + optind, (size_t)(argc - optind), &lo, claims_path, &claims);
    nv_phase("load");
    if (!m)
        return NV_EXIT_INPUT;
    focus = nv_xmalloc((m->nworkloads + 1) * sizeof(*focus));
    if (focus_ep && nv_graph_focus_arg(m, focus_ep, focus, &nfocus) < 0) {
        free(focus);
        nv_claims_release(&claims);
        nv_model_free(m);
        return NV_EXIT_INPUT;
    }
    if (output && !(fp = fopen(output, "wb"))) {
        nv_escape_term_line(stderr, "netverify: cannot write '%s'", output);
        free(focus);
        nv_claims_release(&claims);
        nv_model_free(m);
        return NV_EXIT_INPUT;
    }
    x = nv_matrix_new(m);
    nv_phase("engine");
    go.group = (enum nv_graph_group)group;
    go.focus = focus;
    go.nfocus = nfocus;
    go.claims = claims_path ? &claims : NULL;
    g = nv_graph_build(m, x, &go);
    nv_phase("graph");
    if (g->note)
        nv_escape_term_line(stderr, "netverify: note: %s", g->note);
    if (nv_dot_write(g, fp, format) != 0)
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
    free(focus);
    nv_matrix_free(x);
    nv_claims_release(&claims);
    nv_model_free(m);
    return rc;
}
