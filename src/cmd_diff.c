/*
 * cmd_diff.c - 'netverify diff OLD NEW': the connections a change adds,
 * removes or changes, and the claims whose verdict it changes. The changes
 * are found by diff.c and written by rows.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/lint.h"
#include "netverify/diff.h"
#include "netverify/escape.h"
#include "netverify/rows.h"
#include "netverify/view.h"

static const char k_usage[] =
    "netverify diff OLD NEW [--format text|json|md|sarif] [--fail-on WHAT] [--claims FILE] "
    "[--self-flows] [--focus EP] [--namespace NS] [--direction in|out] [--peer EP] [-o FILE] "
    "[INPUT OPTIONS]";

#define NV_FAIL_ADDED 1
#define NV_FAIL_REMOVED 2
#define NV_FAIL_CHANGED 4
#define NV_FAIL_CLAIMS 8

static void nv_cmd_diff_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs(
        "Compare the connections the manifests under OLD allow with those under NEW\n"
        "(each a file, a directory or - for standard input) and list every connection\n"
        "added, removed or changed. Workloads are matched by namespace, name and kind;\n"
        "the connections of a workload that appears or disappears are added or removed.\n\n"
        "Options:\n"
        "  -f, --format FORMAT   text (default): '+', '-' or '~' and the connection\n"
        "                        json: {\"added\": [...], \"removed\": [...], \"changed\": [...]}\n"
        "                        md: a table for a pull-request comment\n"
        "                        sarif: SARIF 2.1.0, each change at the rule behind it\n"
        "      --fail-on WHAT    exit 1 when the diff has WHAT: added, removed, changed,\n"
        "                        claims (a claim that held in OLD does not in NEW) or\n"
        "                        any; several may be given, separated by commas\n"
        "  -c, --claims FILE     also decide the claims of FILE on both sides and report\n"
        "                        the claims whose verdict changes\n"
        "      --self-flows      also compare w => w: what two distinct pods of a\n"
        "                        workload of several pods allow each other\n" NV_CLI_FILTERS_HELP
        "  -o, --output FILE     write the result to FILE instead of standard "
        "output\n" NV_CLI_INPUT_HELP NV_CLI_CLAIMS_HELP "\n"
        "Changes come in the order 'netverify list' prints connections. Nothing is\n"
        "printed (text, md) when nothing changes. With filters, only the changes of the\n"
        "flows in view are written and counted (--fail-on too); the claims are not\n"
        "filtered. An endpoint must name something in OLD or in NEW.\n\n"
        "Exit status: 0 success, 1 the diff has what --fail-on names, 2 usage or input\n"
        "error, 3 internal error.\n",
        stdout);
}

/* The state of one run: the diff, and the writer its rows go to. */
struct nv_diff_run {
    struct nv_diff D;
    struct nv_rows *w;
};

static void nv_cmd_diff_row(void *ctx, enum nv_row_change k, const struct nv_flow_end *s,
                            const struct nv_flow_end *d, uint32_t before, uint32_t after)
{
    struct nv_diff_run *R = ctx;
    struct nv_loc loc;

    if (nv_rows_wants_loc(R->w))
        loc = nv_diff_loc(&R->D, k, s, d);
    nv_rows_change(R->w, k, s, d, before, after, nv_rows_wants_loc(R->w) ? &loc : NULL);
}

static void nv_cmd_diff_claim_row(void *w, const struct nv_row_claim *c)
{
    nv_rows_claim(w, c);
}

static int nv_cmd_diff_parse_fail_on(const char *arg, int *out)
{
    static const char *const names[] = {"added", "removed", "changed", "claims", "any", NULL};
    static const int bits[] = {NV_FAIL_ADDED, NV_FAIL_REMOVED, NV_FAIL_CHANGED, NV_FAIL_CLAIMS,
                               NV_FAIL_ADDED | NV_FAIL_REMOVED | NV_FAIL_CHANGED | NV_FAIL_CLAIMS};
    char *copy = nv_xstrdup(arg), *tok, *save = NULL;
    int rc = 0;

    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k = nv_cli_pick(tok, names);
        if (k < 0) {
            rc = -1;
            break;
        }
        *out |= bits[k];
    }
    free(copy);
    return rc;
}

int nv_cmd_diff(int argc, char **argv, struct nv_cli *cli)
{
    static const char *const formats[] = {"text", "json", "md", "sarif", NULL};
    static const char *const aliases[] = {"markdown", "md", NULL};
    static const enum nv_rows_format fmts[] = {NV_ROWS_TEXT, NV_ROWS_JSON, NV_ROWS_MD,
                                               NV_ROWS_SARIF};
    static const struct option opts[] = {
        {"fail-on", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_cmd_diff_help, formats, aliases, opts,
                                            NULL};
    struct nv_load_opts lo;
    struct nv_diff_run R;
    struct nv_diff *D = &R.D;
    struct nv_profile profile;
    struct nv_view view;
    enum nv_rows_format fmt;
    const char *output, *claims_path;
    int c, fail_on = 0, rc = NV_EXIT_OK;
    size_t worse = 0;
    FILE *fp = NULL;

    nv_profile_init(&profile);
    memset(&R, 0, sizeof(R));
    memset(&view, 0, sizeof(view));
    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'F':
            if (nv_cmd_diff_parse_fail_on(cli->arg, &fail_on) < 0)
                return nv_cli_usage_error(k_usage,
                                          "invalid --fail-on '%s' (added, removed, changed, "
                                          "claims or any, separated by commas)",
                                          cli->arg);
            break;
        }
    }
    if (c < 0)
        return cli->status;
    claims_path = cli->claims;
    D->self_flows = cli->self_flows;
    lo = cli->lo;
    fmt = fmts[cli->format];
    output = cli->output;
    if (argc - optind != 2)
        return nv_cli_usage_error(k_usage, argc - optind < 2 ? "give OLD and NEW"
                                                             : "too many paths: give OLD and NEW");
    if (!strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
        return nv_cli_usage_error(k_usage, "OLD and NEW cannot both be standard input");
    nv_phase(NULL);
    D->old.path = argv[optind];
    D->new.path = argv[optind + 1];
    /* one cluster profile for both sides: the claims file's, else the netverify.yaml
     * found for OLD */
    {
        struct nv_diags pd;
        char *config;
        nv_diags_init(&pd);
        config = nv_cli_find_config(claims_path, D->old.path, lo.follow_symlinks, &pd);
        nv_profile_init(&profile);
        rc = pd.nerr || nv_cli_profile(&profile, &lo, config, &pd) < 0 ? NV_EXIT_INPUT : NV_EXIT_OK;
        nv_diags_print(&pd, stderr);
        nv_diags_release(&pd);
        free(config);
        if (rc != NV_EXIT_OK)
            goto out;
        lo.profile = &profile;
    }
    /* the same path twice: its warnings once */
    if (nv_diff_load(D, &lo, claims_path) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_cli_strict_lint_n(D->new.nlint, &lo); /* --strict: the side to be merged */
    nv_phase("load");
    nv_cli_lint_tell_n(D->new.nlint, &lo);
    nv_phase("lint");
    if (claims_path && nv_diff_unresolved(D)) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    /* a filter must name something in OLD or in NEW; NEW's reasons come first */
    nv_diff_match(D);
    nv_view_init(&view, &cli->view, D->nw);
    nv_view_add(&view, D->new.m, D->nnum);
    nv_view_add(&view, D->old.m, D->onum);
    if (nv_view_done(&view, stderr) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    D->view = &view;
    if (!(fp = nv_cli_output_open(output, 0))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    R.w = nv_rows_new(fp, NV_ROWS_DIFF, fmt, D->new.m->ports, D->nw);
    nv_diff_each(D, nv_cmd_diff_row, &R);
    nv_phase("diff");
    if (claims_path) {
        nv_rows_claims(R.w);
        worse = nv_diff_claims(D, nv_cmd_diff_claim_row, R.w);
    }
    if (nv_rows_finish(R.w) < 0)
        rc = NV_EXIT_INTERNAL;
    if (rc == NV_EXIT_OK && (((fail_on & NV_FAIL_ADDED) && nv_rows_count(R.w, NV_ROW_ADDED)) ||
                             ((fail_on & NV_FAIL_REMOVED) && nv_rows_count(R.w, NV_ROW_REMOVED)) ||
                             ((fail_on & NV_FAIL_CHANGED) && nv_rows_count(R.w, NV_ROW_CHANGED)) ||
                             ((fail_on & NV_FAIL_CLAIMS) && worse)))
        rc = NV_EXIT_FINDING;
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
out:
    nv_profile_release(&profile);
    nv_rows_free(R.w);
    nv_view_release(&view);
    nv_diff_release(D);
    return rc;
}
