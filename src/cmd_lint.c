/*
 * cmd_lint.c - 'netverify lint': the named checks of lint.h over the input,
 * each finding with its position, as text, JSON or SARIF.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/endpoint.h"
#include "netverify/lint.h"

static const char k_usage[] =
    "netverify lint PATH... [--format text|json|sarif] [--fail-on warning|CHECK,...] "
    "[--disable CHECK,...] [--only CHECK,...] [-o FILE] [INPUT OPTIONS]";

static void nv_lint_help(void)
{
    int i;

    printf("usage: %s\n\n", k_usage);
    fputs("Find what in the manifests is probably a mistake: a selector that selects\n"
          "nothing, a named port no pod declares, rules without effect or made redundant\n"
          "by others, DNS blocked, workloads left open, and policies of kinds netverify\n"
          "does not model. Each finding is 'FILE:LINE:COL: warning: WHAT [CHECK]' and a\n"
          "line saying why it matters.\n\n"
          "PATH is a manifest file, a directory (read recursively: *.yaml, *.yml, *.json),\n"
          "or - for standard input.\n\n"
          "Options:\n"
          "  -f, --format FORMAT   text (default), json, sarif (SARIF 2.1.0, for code\n"
          "                        scanning annotations)\n"
          "      --fail-on WHAT    exit 1 when there is a finding: 'warning' (any check)\n"
          "                        or a comma-separated list of checks (repeatable)\n"
          "      --disable CHECK   do not run CHECK (comma-separated, repeatable)\n"
          "      --only CHECK      run CHECK and no other (comma-separated, repeatable)\n"
          "  -o, --output FILE     write the result to FILE instead of standard "
          "output\n" NV_CLI_INPUT_HELP "\n"
          "Checks (docs/lint.md has an example of each):\n",
          stdout);
    for (i = 0; i < NV_LINT_NCHECKS; i++)
        printf("  %-26s%s\n", nv_lint_check_name((enum nv_lint_check)i),
               nv_lint_check_is_cheap((enum nv_lint_check)i) ? "" : " (runs the engine)");
    fputs("\nFindings are sorted by file, line, column and check. check, list, diff and\n"
          "graph run the checks that find mistakes without the engine (not the\n"
          "redundancy and posture checks) and print their count on standard error.\n\n"
          "Exit status: 0 success (findings are warnings), 1 a finding --fail-on names,\n"
          "2 usage or input error, 3 internal error.\n",
          stdout);
}

/* Add the checks of a comma-separated list to *mask; -1 (the usage error printed) on a bad name. */
static int nv_lint_checks_arg(const char *arg, unsigned *mask, int allow_warning)
{
    char *copy = nv_xstrdup(arg), *p = copy, *next;
    int rc = 0;

    for (; p; p = next) {
        int c;
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (allow_warning && !strcmp(p, "warning")) {
            *mask |= NV_LINT_ALL;
            continue;
        }
        if ((c = nv_lint_check_find(p)) < 0) {
            struct nv_suggest sg;
            int i;
            nv_suggest_init(&sg, p);
            for (i = 0; i < NV_LINT_NCHECKS; i++)
                nv_suggest_add(&sg, nv_lint_check_name((enum nv_lint_check)i));
            if (nv_suggest_best(&sg))
                nv_cli_usage_error(k_usage, "unknown check '%s'; did you mean '%s'?", p,
                                   nv_suggest_best(&sg));
            else
                nv_cli_usage_error(k_usage, "unknown check '%s' (see netverify lint --help)", p);
            rc = -1;
            break;
        }
        *mask |= NV_LINT_BIT(c);
    }
    free(copy);
    return rc;
}

int nv_cmd_lint(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"fail-on", required_argument, NULL, 'F'},
        {"disable", required_argument, NULL, 'D'},
        {"only", required_argument, NULL, 'O'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_lint_help, nv_lint_formats,
                                            NULL,    opts,         NULL};
    unsigned fail_on = 0, disabled = 0, only = 0, mask;
    struct nv_lint l;
    struct nv_model *m;
    FILE *fp;
    size_t i;
    int c, rc = NV_EXIT_OK;

    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        if (nv_lint_checks_arg(cli->arg,
                               c == 'F'   ? &fail_on
                               : c == 'O' ? &only
                                          : &disabled,
                               c == 'F') < 0)
            return NV_EXIT_INPUT;
    }
    if (c < 0)
        return cli->status;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    mask = (only ? only : NV_LINT_ALL) & ~disabled;
    m = nv_cli_load(argv + optind, (size_t)(argc - optind), &cli->lo);
    if (!m)
        return NV_EXIT_INPUT;
    nv_lint_init(&l);
    nv_lint_run(&l, m, mask);
    if (l.note)
        fprintf(stderr, "netverify: note: %s\n", l.note);
    if (!(fp = nv_cli_output_open(cli->output, 0))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (nv_lint_write(&l, mask, (enum nv_lint_format)cli->format, fp) < 0)
        rc = NV_EXIT_INTERNAL;
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
    for (i = 0; i < l.n && rc == NV_EXIT_OK; i++)
        if (fail_on & NV_LINT_BIT(l.items[i].check))
            rc = NV_EXIT_FINDING;
out:
    nv_lint_release(&l);
    nv_model_free(m);
    return rc;
}
