/*
 * cmd_list.c - 'netverify list': every allowed flow, streamed in a stable
 * order as text, JSON, CSV, Markdown, or as a per-namespace summary.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/lint.h"
#include "netverify/escape.h"
#include "netverify/matrix.h"
#include "netverify/rows.h"
#include "netverify/summary.h"
#include "netverify/view.h"

static const char k_usage[] =
    "netverify list PATH... [--format text|json|csv|md|summary|ns-matrix] [--self-flows] "
    "[--focus EP] [--namespace NS] [--direction in|out] [--peer EP] [--jobs N] [-o FILE] "
    "[INPUT OPTIONS]";

/* the formats of flows (those of enum nv_rows_format), then the others */
enum nv_fmt {
    NV_FMT_TEXT,
    NV_FMT_JSON,
    NV_FMT_CSV,
    NV_FMT_MD,
    NV_FMT_SUMMARY,
    NV_FMT_NSM, /* + enum nv_ns_matrix_fmt */
};

static void nv_cmd_list_help(void)
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
          "                        summary: totals, then one line per namespace\n"
          "                        ns-matrix: allowed workload pairs per pair of namespaces\n"
          "                        (ns-matrix-csv, ns-matrix-md, ns-matrix-json: as CSV,\n"
          "                        Markdown, JSON)\n"
          "      --self-flows      also list w => w: what two distinct pods of a workload\n"
          "                        of several pods (replicas, ...) allow each "
          "other\n" NV_CLI_FILTERS_HELP
          "  -j, --jobs N          summary: count in N processes (1-8; default 2 for a\n"
          "                        cluster of 50,000 workloads or more on a machine with\n"
          "                        two processors or more, else 1)\n"
          "  -o, --output FILE     write the result to FILE instead of standard "
          "output\n" NV_CLI_INPUT_HELP "\n"
          "Connections are sorted by source, then destination; external ranges come\n"
          "first, in address order (IPv4, then IPv6), then workloads by namespace/name.\n"
          "A line between workloads of several pods is the union over their pods.\n"
          "A filter that names nothing is an error (docs/output.md, \"Filters\").\n\n"
          "Exit status: 0 success, 2 usage or input error, 3 internal error.\n",
          stdout);
}

static void nv_cmd_list_row(void *w, const struct nv_flow_end *s, const struct nv_flow_end *d,
                            uint32_t ports, uint32_t sure)
{
    nv_rows_flow(w, s, d, ports, sure);
}

int nv_cmd_list(int argc, char **argv, struct nv_cli *cli)
{
    /* in the order of enum nv_fmt */
    static const char *const formats[] = {
        "text",         "json",           "csv", "md", "summary", "ns-matrix", "ns-matrix-csv",
        "ns-matrix-md", "ns-matrix-json", NULL};
    static const char *const aliases[] = {"markdown", "md", NULL};
    static const struct option opts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_cmd_list_help, formats, aliases, opts,
                                            "j:"};
    struct nv_load_opts lo;
    enum nv_fmt fmt;
    const char *output;
    struct nv_model *m;
    struct nv_matrix *x;
    struct nv_view view;
    FILE *fp = stdout;
    int rc = NV_EXIT_OK, self_flows, c;
    unsigned jobs = 0;

    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        if (c == 'j' && nv_cli_jobs(k_usage, cli->arg, &jobs))
            return NV_EXIT_INPUT;
    }
    if (c < 0)
        return cli->status;
    self_flows = cli->self_flows;
    lo = cli->lo;
    fmt = (enum nv_fmt)cli->format;
    output = cli->output;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    /* the flow formats come first in enum nv_fmt; the others count, and take no filter */
    if (fmt > NV_FMT_MD && nv_view_opts_any(&cli->view))
        return nv_cli_usage_error(k_usage,
                                  "--focus, --namespace, --direction and --peer choose "
                                  "flows: not for --format %s",
                                  formats[fmt]);
    nv_phase(NULL);
    m = nv_cli_load(argv + optind, (size_t)(argc - optind), &lo);
    nv_phase("load");
    if (!m)
        return NV_EXIT_INPUT;
    nv_cli_lint_tell(m, &lo);
    /* a filter that names nothing is an error before anything is written */
    nv_view_init(&view, &cli->view, m->nworkloads);
    nv_view_add(&view, m, NULL);
    if (nv_view_done(&view, stderr) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (!(fp = nv_cli_output_open(output, 0))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    x = nv_matrix_new(m);
    nv_phase("engine");
    if (fmt == NV_FMT_SUMMARY) {
        nv_summary_write(m, x, fp, jobs);
    } else if (fmt >= NV_FMT_NSM) {
        nv_summary_ns_matrix(m, x, fp, (enum nv_ns_matrix_fmt)(fmt - NV_FMT_NSM));
    } else {
        static char obuf[1 << 16];
        struct nv_rows *w;
        setvbuf(fp, obuf, _IOFBF, sizeof(obuf));
        /* the flow formats of enum nv_fmt are those of enum nv_rows_format */
        w = nv_rows_new(fp, NV_ROWS_LIST, (enum nv_rows_format)fmt, m->ports, m->nworkloads);
        nv_flows_each(m, x, self_flows, &view, nv_cmd_list_row, w);
        nv_rows_finish(w);
        nv_rows_free(w);
    }
    nv_phase("output");
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
    nv_matrix_free(x);
out:
    nv_view_release(&view);
    nv_model_free(m);
    return rc;
}
