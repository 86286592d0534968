/*
 * cmd_check.c - 'netverify check': reads the options, has the claims
 * decided (checkrun.c) and reported as text, JSON, SARIF or JUnit
 * (checkreport.c).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/lint.h"
#include "netverify/tierlimit.h"
#include "netverify/baseline.h"
#include "netverify/checkreport.h"
#include "netverify/checkrun.h"
#include "netverify/claim.h"
#include "netverify/escape.h"

static const char k_usage[] =
    "netverify check PATH... [--claims FILE] [--format text|json|sarif|junit] [-o FILE] "
    "[--emit-smt DIR] [--timeout SECS] [--cross-check] [--jobs N] [--baseline FILE] "
    "[--write-baseline FILE] [INPUT OPTIONS]";

static void nv_cmd_check_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs("Prove or refute the claims of a claims file against the manifests under PATH.\n"
          "A refuted claim comes with a concrete flow that breaks it (source, destination,\n"
          "protocol, port) and the policy rules behind it.\n\n"
          "Options:\n"
          "  -c, --claims FILE     the claims file (default: ./netverify.yaml, else\n"
          "                        netverify.yaml beside or inside the first PATH)\n"
          "  -f, --format FORMAT   text (default), json, sarif (SARIF 2.1.0), junit\n"
          "  -o, --output FILE     write the report to FILE instead of standard output\n"
          "      --emit-smt DIR    also write each claim's query as SMT-LIB2 to DIR\n"
          "      --timeout SECS    give up on a claim after SECS seconds (default 30)\n"
          "      --cross-check     also decide every claim with the set-algebra engine\n"
          "                        and fail (exit 3) if the two engines disagree\n"
          "  -j, --jobs N          decide claims in N threads, each with its own solver\n"
          "                        (default: 2 with 2 claims or more, else 1); the\n"
          "                        output is the same for every N\n"
          "      --baseline FILE   claims FILE lists (written by --write-baseline) are\n"
          "                        expected to be refuted: reported, not failing; one that\n"
          "                        holds fails until it is taken out (as 'expect: refuted')\n"
          "      --write-baseline FILE  write the claims refuted now to FILE (sorted, by\n"
          "                        claim text) and accept them in this run\n" NV_CLI_INPUT_HELP
              NV_CLI_CLAIMS_HELP "\n"
          "Claims (one per line of the file's 'claims:' list; see docs/claims.md):\n"
          "  only frontend reaches inference on 80\n"
          "  pods app=web reaches pods app=db in namespace shop on tcp/5432\n"
          "  pods app=api cannot reach cidr 0.0.0.0/0 except 10.0.0.0/8\n"
          "  namespace data is isolated for ingress\n\n"
          "Verdicts: holds, REFUTED, depends (on the network plugin: see --cni), undecided.\n\n"
          "A claim marked 'expect: refuted' (with a 'reason') or listed in --baseline does\n"
          "not fail the gate while it is refuted, and fails it the day it holds.\n\n"
          "Exit status: 0 every claim holds, 1 a claim is refuted, 2 usage or input error\n"
          "(including a claim that does not parse or matches nothing), 3 undecided\n"
          "(timeout) or internal error, 4 a claim depends on the network plugin (and\n"
          "none is refuted).\n",
          stdout);
}

/* ---- baselines ---- */

/* --baseline FILE: its claims expected to be refuted. Returns 0 or -1 (said on stderr). */
static int nv_check_baseline(const char *path, struct nv_claims *claims, struct nv_model *m)
{
    struct nv_diags d;
    int rc;

    nv_diags_init(&d);
    rc = nv_baseline_apply(path, claims, m, &d);
    nv_diags_print(&d, stderr);
    nv_diags_release(&d);
    return rc;
}

/* --write-baseline FILE: written, then accepted; returns the run's exit status, or -1. */
static int nv_check_write_baseline(const char *path, struct nv_check_run *run,
                                   struct nv_claims *claims, struct nv_model *m)
{
    FILE *fp = nv_cli_output_open(path, 0);
    long n;

    if (!fp)
        return -1;
    n = nv_baseline_write(run, fp);
    if (nv_cli_output_close(fp) != 0 || n < 0)
        return -1;
    nv_escape_term_line(stderr, "netverify: note: %ld claim%s written to baseline %s", n,
                        n == 1 ? "" : "s", path);
    nv_baseline_accept(run, claims, path, m);
    return run->exit;
}

/* ---- the command ---- */

int nv_cmd_check(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"emit-smt", required_argument, NULL, 'E'},
        {"cross-check", no_argument, NULL, 'X'},
        {"jobs", required_argument, NULL, 'j'},
        {"baseline", required_argument, NULL, 'B'},
        {"write-baseline", required_argument, NULL, 'W'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {
        k_usage, nv_cmd_check_help, nv_check_formats, NULL, opts, "j:"};
    struct nv_load_opts lo;
    struct nv_diags fd;
    struct nv_claims claims;
    struct nv_check_run run;
    struct nv_model *m;
    enum nv_check_format fmt;
    const char *claims_arg, *output, *emit = NULL, *baseline = NULL, *write_baseline = NULL;
    char *claims_path;
    double timeout;
    unsigned jobs = 0;
    int cross = 0;
    FILE *fp = stdout;
    int c, r, rc;

    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'E':
            emit = cli->arg;
            break;
        case 'X':
            cross = 1;
            break;
        case 'B':
            baseline = cli->arg;
            break;
        case 'W':
            write_baseline = cli->arg;
            break;
        case 'j':
            if (nv_cli_jobs(k_usage, cli->arg, &jobs))
                return NV_EXIT_INPUT;
            break;
        }
    }
    if (c < 0)
        return cli->status;
    claims_arg = cli->claims;
    lo = cli->lo;
    fmt = (enum nv_check_format)cli->format;
    output = cli->output;
    timeout = cli->timeout;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    nv_diags_init(&fd);
    claims_path = nv_cli_find_config(claims_arg, argv[optind], lo.follow_symlinks, &fd);
    nv_diags_print(&fd, stderr);
    r = fd.nerr ? -1 : 0;
    nv_diags_release(&fd);
    if (r < 0)
        return NV_EXIT_INPUT;
    if (!claims_path)
        return nv_cli_usage_error(k_usage, "no claims file: give --claims FILE, or put a "
                                           "netverify.yaml here or beside the manifests");
    if (emit && nv_check_emit_dir(emit, lo.max_claims) < 0) {
        free(claims_path);
        return NV_EXIT_INPUT;
    }

    nv_phase(NULL);
    m = nv_cli_load_claims(argv + optind, (size_t)(argc - optind), &lo, claims_path, &claims);
    free(claims_path);
    if (!m)
        return NV_EXIT_INPUT;
    {
        struct nv_diags ld;
        nv_diags_init(&ld);
        r = nv_tier_limits(m, &ld);
        nv_diags_print(&ld, stderr);
        nv_diags_release(&ld);
        if (r < 0) {
            nv_claims_release(&claims);
            nv_model_free(m);
            return NV_EXIT_INPUT;
        }
    }
    nv_cli_lint_tell(m, &lo);
    if (baseline && nv_check_baseline(baseline, &claims, m) < 0) {
        nv_claims_release(&claims);
        nv_model_free(m);
        return NV_EXIT_INPUT;
    }
    nv_phase("load");
    {
        struct nv_check_opts o = {timeout, emit, jobs, cross};
        r = nv_check_all(m, &claims, &o, &run);
    }
    rc = run.exit;
    if (r < 0)
        goto out;
    if (write_baseline && (rc = nv_check_write_baseline(write_baseline, &run, &claims, m)) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_phase("decide");
    if (!(fp = nv_cli_output_open(output, 0))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_check_report(&run, fmt, fp);
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
out:
    nv_check_run_release(&run);
    nv_claims_release(&claims);
    nv_model_free(m);
    nv_phase("teardown");
    return rc;
}
