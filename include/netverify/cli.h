/*
 * cli.h - the command table and what every subcommand shares: usage errors,
 * input options (limits), loading with diagnostics printed.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CLI_H
#define NETVERIFY_CLI_H

#include <stdio.h>

#include "netverify/diag.h"
#include "netverify/load.h"
#include "netverify/model.h"

int nv_cmd_list(int argc, char **argv);
int nv_cmd_check(int argc, char **argv);
int nv_cmd_graph(int argc, char **argv);
int nv_cmd_diff(int argc, char **argv);
int nv_cmd_explain(int argc, char **argv);

/* The index of 'arg' in the NULL-terminated 'names', or -1. */
int nv_cli_pick(const char *arg, const char *const *names);

/* Print "netverify: MSG" and the usage line on stderr; returns NV_EXIT_INPUT. */
int nv_cli_usage_error(const char *usage, const char *fmt, ...) NV_PRINTF(2, 3);

/*
 * Long options every command that reads manifests accepts, and their handler:
 * returns 1 if 'opt' was one of them (applied to o), 0 if not, -1 on a bad value.
 * Commands that read a claims file add NV_CLI_CLAIMS_OPTS.
 */
#define NV_CLI_INPUT_OPTS                                                                          \
    {"max-depth", required_argument, NULL, 1001},                                                  \
        {"max-file-size", required_argument, NULL, 1002},                                          \
        {"max-nodes", required_argument, NULL, 1003}, {"cni", required_argument, NULL, 1004},      \
        {"pod-cidr", required_argument, NULL, 1005},                                               \
        {"service-cidr", required_argument, NULL, 1006},                                           \
        {"ipblock-matches-pods", required_argument, NULL, 1007},                                   \
        {"host-network", required_argument, NULL, 1008},                                           \
    {                                                                                              \
        "follow-symlinks", no_argument, NULL, 1009                                                 \
    }
#define NV_CLI_CLAIMS_OPTS                                                                         \
    {                                                                                              \
        "max-claims", required_argument, NULL, 1010                                                \
    }
int nv_cli_input_opt(int opt, const char *arg, struct nv_load_opts *o);
/*
 * The end of every command's option switch: 'h' prints the help (exit 0), '?'
 * (an unknown option) the usage (exit 2), anything else goes to
 * nv_cli_input_opt(). Returns -1 to go on, else the exit status to return.
 */
int nv_cli_other_opt(int opt, const char *arg, struct nv_load_opts *o, const char *usage,
                     void (*help)(void));
#define NV_CLI_INPUT_HELP                                                                          \
    "      --cni NAME        the cluster's network plugin: calico, cilium,\n"                      \
    "                        ovn-kubernetes, antrea or generic (default: generic, or\n"            \
    "                        'cluster: cni:' in netverify.yaml); see docs/semantics.md\n"          \
    "      --pod-cidr CIDR   the cluster's pod CIDR (repeatable)\n"                                \
    "      --service-cidr CIDR  the cluster's service CIDR (repeatable)\n"                         \
    "      --ipblock-matches-pods true|false  whether ipBlocks match pod IPs\n"                    \
    "      --host-network node|pod  how the plugin treats hostNetwork pods\n"                      \
    "                        (a behaviour left open is decided both ways)\n"                       \
    "      --max-depth N     refuse YAML nested deeper than N (default 256)\n"                     \
    "      --max-file-size N refuse input files (standard input too) over N MiB\n"                 \
    "                        (default 512)\n"                                                      \
    "      --max-nodes N     refuse documents of more than N nodes (default 5000000)\n"            \
    "      --follow-symlinks follow symbolic links that lead out of a directory given\n"           \
    "                        on the command line (default: skipped with a warning)\n"
#define NV_CLI_CLAIMS_HELP                                                                         \
    "      --max-claims N    refuse claims files of more than N claims (default 10000)\n"

/*
 * Load the paths; print the diagnostics on stderr. Returns the model, or NULL
 * (exit code 2) when the input has errors.
 */
/*
 * With NETVERIFY_TIMING set in the environment, print the time since the
 * previous call as "netverify: time: NAME: S s" on stderr; NULL starts the clock.
 */
void nv_phase(const char *name);

struct nv_model *nv_cli_load(char *const *paths, size_t n, const struct nv_load_opts *o);

/*
 * The configuration file: 'given' (--claims), else ./netverify.yaml, else
 * netverify.yaml inside the first PATH (a directory) or beside it (a file).
 * NULL when there is none, or after recording an error in d: a file found
 * that is a symbolic link out of its directory is refused unless 'follow'
 * (--follow-symlinks). The caller frees the result.
 */
char *nv_cli_find_config(const char *given, const char *first, int follow, struct nv_diags *d);

/*
 * The cluster profile of a run: the 'cluster:' section of 'config' (may be
 * NULL) with the command-line options of lo laid over it. Errors go to d.
 * Returns 0 or -1; release 'out' with nv_profile_release() either way.
 */
int nv_cli_profile(struct nv_profile *out, const struct nv_load_opts *lo, const char *config,
                   struct nv_diags *d);

struct nv_claims;
/*
 * Load the paths and, when claims_path is not NULL, the claims (claims register
 * what they select before the model is finished); print the diagnostics.
 * Returns the model (the caller frees it and releases 'claims'), or NULL on an
 * input error.
 */
struct nv_model *nv_cli_load_claims(char *const *paths, size_t n, const struct nv_load_opts *lo,
                                    const char *claims_path, struct nv_claims *claims);

#endif
