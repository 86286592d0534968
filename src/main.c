/*
 * main.c - netverify's entry point: global options and the command table.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "netverify/cli.h"
#include "netverify/dot.h"
#include "netverify/escape.h"
#include "netverify/json.h"
#include "netverify/smt.h"
#include "netverify/yaml.h"

#ifndef NV_VERSION
#define NV_VERSION "0.0.0"
#endif

struct nv_command {
    const char *name;
    int (*fn)(int argc, char **argv, struct nv_cli *cli);
    unsigned flags; /* enum nv_cmd_flags: the shared options it takes */
    const char *help;
};

static const struct nv_command nv_commands[] = {
    {"check", nv_cmd_check,
     NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT | NV_READS_CLAIMS | NV_TAKES_TIMEOUT,
     "prove or refute the claims of a claims file (Z3)"},
    {"diff", nv_cmd_diff,
     NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT | NV_READS_CLAIMS | NV_TAKES_FILTERS | NV_LISTS_FLOWS,
     "connections a change adds, removes or changes (the pre-merge gate)"},
    {"explain", nv_cmd_explain, NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT,
     "why one flow is allowed or blocked, rule by rule"},
    {"graph", nv_cmd_graph,
     NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT | NV_READS_CLAIMS | NV_TAKES_FILTERS,
     "reachability diagram as DOT, SVG, PNG or PDF"},
    {"lint", nv_cmd_lint, NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT,
     "probable mistakes in the manifests, each with its position"},
    {"list", nv_cmd_list, NV_LOADS_MANIFESTS | NV_WRITES_OUTPUT | NV_TAKES_FILTERS | NV_LISTS_FLOWS,
     "every allowed flow, as text, JSON, CSV, Markdown or a summary"},
};

static void nv_usage(FILE *fp)
{
    size_t i;

    fputs("usage: netverify <command> [options] PATH...\n\n"
          "Prove or refute network-segmentation claims about a Kubernetes cluster from its\n"
          "manifests (Namespaces, Pods and workloads, Services, NetworkPolicies).\n\n"
          "Commands:\n",
          fp);
    for (i = 0; i < sizeof(nv_commands) / sizeof(nv_commands[0]); i++)
        fprintf(fp, "  %-10s %s\n", nv_commands[i].name, nv_commands[i].help);
    fputs("\nRun 'netverify <command> --help' for a command's options.\n\n"
          "Exit status: 0 success (every claim holds), 1 a claim is refuted or a finding,\n"
          "2 usage or input error, 3 undecided or internal error, 4 a claim depends on the\n"
          "network plugin or the pods' addresses (docs/exit-codes.md).\n",
          fp);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        nv_usage(stderr);
        return NV_EXIT_INPUT;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        nv_usage(stdout);
        return NV_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("netverify %s (z3 %s, libyaml %s, jansson %s, graphviz %s)\n", NV_VERSION,
               nv_smt_version(), nv_yaml_library_version(), nv_json_library_version(),
               nv_dot_library_version());
        return NV_EXIT_OK;
    }
    for (i = 0; i < sizeof(nv_commands) / sizeof(nv_commands[0]); i++)
        if (!strcmp(argv[1], nv_commands[i].name)) {
            struct nv_cli cli;
            int rc;
            nv_cli_init(&cli, nv_commands[i].name, nv_commands[i].flags);
            rc = nv_cli_strict(&cli, nv_commands[i].fn(argc - 1, argv + 1, &cli));
            nv_cli_release(&cli);
            return rc;
        }
    nv_escape_term_line(stderr, "netverify: unknown command '%s'", argv[1]);
    nv_usage(stderr);
    return NV_EXIT_INPUT;
}
