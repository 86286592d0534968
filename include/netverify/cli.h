/*
 * cli.h - what every command shares: the option front-end (the options common
 * to commands, selected by the flags of main.c's command table), usage errors,
 * loading with diagnostics printed.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CLI_H
#define NETVERIFY_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "netverify/diag.h"
#include "netverify/load.h"
#include "netverify/model.h"
#include "netverify/view.h"

/*
 * What the front-end does for a command: the flags of its entry in main.c's
 * command table (as git's RUN_SETUP and friends).
 */
enum nv_cmd_flags {
    NV_LOADS_MANIFESTS = 1 << 0, /* reads PATH...: the input options (limits, cluster) */
    NV_READS_CLAIMS = 1 << 1,    /* may read a claims file: -c, --claims FILE, --max-claims */
    NV_WRITES_OUTPUT = 1 << 2,   /* -o, --output FILE */
    NV_TAKES_TIMEOUT = 1 << 3,   /* --timeout SECS */
    NV_TAKES_FILTERS = 1 << 4,   /* --focus, --namespace, --direction, --peer (view.h) */
    NV_LISTS_FLOWS = 1 << 5,     /* --self-flows */
};

/* The most options a command takes, its own and the shared ones together. */
#define NV_CLI_MAX_OPTS 40

/* What a command tells the front-end about itself (static in its cmd_*.c). */
struct nv_cli_spec {
    const char *usage;
    void (*help)(void);
    /* --format's values, NULL-terminated, the default first; NULL: no --format */
    const char *const *formats;
    /* other names of those values, in pairs {"markdown", "md", ..., NULL} */
    const char *const *format_aliases;
    /* the command's own options, ending with {NULL, 0, NULL, 0}, and their short forms */
    const struct option *opts;
    const char *shortopts;
};

/*
 * One run of a command: main.c fills name and flags, nv_cli_next() the
 * options every command shares.
 */
struct nv_cli {
    const char *name;
    unsigned flags; /* enum nv_cmd_flags */
    struct nv_load_opts lo;
    const char *output;         /* -o FILE, or NULL */
    const char *claims;         /* -c, --claims FILE (NV_READS_CLAIMS), or NULL */
    int self_flows;             /* --self-flows (NV_LISTS_FLOWS) */
    int format;                 /* index of --format's value in spec->formats (0 by default) */
    double timeout;             /* --timeout SECS (default 30) */
    const char *arg;            /* the argument of the command's own option just returned */
    int status;                 /* when nv_cli_next() returned -1: the exit status */
    struct nv_view_opts view;   /* the filters (NV_TAKES_FILTERS); nv_cli_release() frees them */
    int strict;                 /* --strict */
    struct nv_load_stats stats; /* what the loads met (lo.stats points here) */
    size_t nexclude;            /* --exclude GLOB, in lo.exclude */
    struct nv_exclude exclude[NV_EXCLUDE_MAX];
    /* private to cli.c: the shared options and the command's, merged */
    struct option all_longopts[NV_CLI_MAX_OPTS + 1];
    char all_shortopts[2 * NV_CLI_MAX_OPTS + 1];
};

int nv_cmd_check(int argc, char **argv, struct nv_cli *cli);
int nv_cmd_diff(int argc, char **argv, struct nv_cli *cli);
int nv_cmd_explain(int argc, char **argv, struct nv_cli *cli);
int nv_cmd_graph(int argc, char **argv, struct nv_cli *cli);
int nv_cmd_lint(int argc, char **argv, struct nv_cli *cli);
int nv_cmd_list(int argc, char **argv, struct nv_cli *cli);

/* A run of command 'name' with 'flags': the defaults of every option. */
void nv_cli_init(struct nv_cli *cli, const char *name, unsigned flags);
/* Release what the options of a run hold. */
void nv_cli_release(struct nv_cli *cli);

/*
 * --strict: the exit status 'rc' of a command becomes 1 (after a line on
 * stderr) when it is 0 or 4 and the input held objects of kinds that enforce
 * traffic and are not modelled, or lint's cheap checks warned. Other statuses, and runs without
 * --strict, keep theirs.
 */
int nv_cli_strict(struct nv_cli *cli, int rc);

/*
 * --strict (o->strict): add the warnings of lint's cheap checks on the
 * finished model m to o->stats (nothing without --strict, or for m NULL).
 */
void nv_cli_strict_lint(const struct nv_model *m, const struct nv_load_opts *o);

/*
 * check, list, diff and graph: lint's one-line count on stderr for m. Under
 * --strict it is the count the load made (the checks run once), and
 * nv_cli_strict() does not repeat it.
 */
void nv_cli_lint_tell(struct nv_model *m, const struct nv_load_opts *o);

/* The two above for a count the caller made: nlint is nv_lint_count() of the finished model. */
void nv_cli_strict_lint_n(size_t nlint, const struct nv_load_opts *o);
void nv_cli_lint_tell_n(size_t nlint, const struct nv_load_opts *o);

/*
 * The option front-end, as getopt_long(): call it until it returns 0. The
 * options every command shares (-h, the input options, -o, --format,
 * --timeout, as cli->flags and spec select) are applied to cli; a command's
 * own option is returned (its 'val') with its argument in cli->arg. Returns
 * 0 at the end of the options (optind indexes the first operand), -1 when
 * the command is to return cli->status: after --help (0) or a usage error,
 * printed (2).
 */
int nv_cli_next(struct nv_cli *cli, const struct nv_cli_spec *spec, int argc, char **argv);

/*
 * Endpoints given on the command line (explain's --from and --to, the
 * filters' --focus and --peer; NULL entries skipped): one that is an IPv6
 * address makes the input mention IPv6 (cli->lo.ipv6_named). nv_cli_next()
 * does it for the filters.
 */
void nv_cli_names_ipv6(struct nv_cli *cli, const char *const *ends, size_t n);

/* The index of 'arg' in the NULL-terminated 'names', or -1. */
int nv_cli_pick(const char *arg, const char *const *names);

/* Print "netverify: MSG" and the usage line on stderr; returns NV_EXIT_INPUT. */
int nv_cli_usage_error(const char *usage, const char *fmt, ...) NV_PRINTF(2, 3);

/* The value of --jobs (check, list): 1-8 into *jobs and 0, or a usage error (NV_EXIT_INPUT). */
int nv_cli_jobs(const char *usage, const char *arg, unsigned *jobs);

/*
 * The end of a command's option list in its --help: -h, then the input
 * options every command takes (its usage line says "[INPUT OPTIONS]").
 */
#define NV_CLI_INPUT_HELP                                                                          \
    "  -h, --help            show this help\n\n"                                                   \
    "Input options:\n"                                                                             \
    "      --cni NAME        the cluster's network plugin: calico, cilium,\n"                      \
    "                        ovn-kubernetes, antrea or generic (default: generic, or\n"            \
    "                        'cluster: cni:' in netverify.yaml); see docs/semantics.md\n"          \
    "      --pod-cidr CIDR   the cluster's pod CIDR (repeatable)\n"                                \
    "      --service-cidr CIDR  the cluster's service CIDR (repeatable)\n"                         \
    "      --ipblock-matches-pods true|false  whether ipBlocks match pod IPs\n"                    \
    "      --host-network node|pod  how the plugin treats hostNetwork pods\n"                      \
    "                        (a behaviour left open is decided both ways)\n"                       \
    "      --ip-family ipv4|ipv6|dual  the cluster's address families (default:\n"                 \
    "                        IPv4, and IPv6 too when the input mentions it)\n"                     \
    "      --max-depth N     refuse YAML nested deeper than N (default 256)\n"                     \
    "      --max-file-size N refuse input files (standard input too) over N MiB\n"                 \
    "                        (default 512)\n"                                                      \
    "      --max-nodes N     refuse documents of more than N nodes (default 5000000)\n"            \
    "      --follow-symlinks follow symbolic links that lead out of a directory given\n"           \
    "                        on the command line (default: skipped with a warning)\n"              \
    "      --exclude GLOB    leave out the files and directories a directory walk\n"               \
    "                        finds that match GLOB, relative to that PATH ('*' within\n"           \
    "                        a name, '**' across directories; without '/', any name;\n"            \
    "                        repeatable; also 'exclude:' in netverify.yaml)\n"                     \
    "      --assume kube-dns add kube-system/coredns (k8s-app=kube-dns, UDP and TCP\n"             \
    "                        53) when the input has no kube-dns; marked as assumed\n"              \
    "      --strict          exit 1 when the input has objects of kinds that enforce\n"            \
    "                        traffic and are not modelled (CiliumNetworkPolicy, ...)\n"            \
    "                        or lint warnings (netverify lint lists them)\n"                       \
    "      --no-ingress-controller  no {ingress-controller} endpoint for what Ingress,\n"          \
    "                        Route and Gateway API routes expose (docs/semantics.md)\n"
#define NV_CLI_FILTERS_HELP                                                                        \
    "      --focus EP        only the flows to and from EP (repeatable): NS/NAME,\n"               \
    "                        NS/NAME[Kind], a unique NAME, 'svc NS/NAME' or an address\n"          \
    "      --namespace NS    only the flows to and from namespace NS (repeatable)\n"               \
    "      --direction in|out  of those, only the flows into (in) or out of (out) them\n"          \
    "      --peer EP         of those, only the flows whose other end is EP (repeatable)\n"
#define NV_CLI_CLAIMS_HELP                                                                         \
    "      --max-claims N    refuse claims files of more than N claims (default 10000)\n"

/*
 * A command's output: 'path' (-o) opened for writing ("wb" when 'binary'), or
 * standard output when path is NULL. NULL when it cannot be opened (said on
 * stderr).
 */
FILE *nv_cli_output_open(const char *path, int binary);

/*
 * Flush and close what nv_cli_output_open() gave (standard output is only
 * flushed). Returns 0, or -1 when anything written was lost (said on stderr).
 */
int nv_cli_output_close(FILE *fp);

/*
 * With NETVERIFY_TIMING set in the environment, print the time since the
 * previous call as "netverify: time: NAME: S s" on stderr; NULL starts the clock.
 */
void nv_phase(const char *name);

/*
 * Load the paths; print the diagnostics on stderr. Returns the model, or NULL
 * (exit code 2) when the input has errors.
 */
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
