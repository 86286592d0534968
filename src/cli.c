/*
 * cli.c - what the commands share: the option front-end, usage errors,
 * finding the claims file, loading with the diagnostics printed.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "netverify/claim.h"
#include "netverify/endpoint.h"
#include "netverify/escape.h"
#include "netverify/lint.h"

int nv_cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    struct nv_buf b;

    nv_buf_init(&b, 0);
    va_start(ap, fmt);
    nv_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    nv_escape_term_line(stderr, "netverify: %s", nv_buf_str(&b));
    nv_buf_release(&b);
    fprintf(stderr, "usage: %s\n", usage);
    return NV_EXIT_INPUT;
}

int nv_cli_jobs(const char *usage, const char *arg, unsigned *jobs)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] < '0' || arg[0] > '9' || v < 1 || v > 8)
        return nv_cli_usage_error(usage, "invalid --jobs '%s' (1-8)", arg);
    *jobs = (unsigned)v;
    return 0;
}

static int nv_parse_size(const char *arg, unsigned long long *out)
{
    char *end;

    errno = 0;
    *out = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || *out == 0)
        return -1;
    return 0;
}

/* The shared options' values: above every character a short option can be. */
enum nv_shared_opt {
    NV_OPT_MAX_DEPTH = 0x100,
    NV_OPT_LIST_OPTIONS,
    NV_OPT_MAX_FILE_SIZE,
    NV_OPT_MAX_NODES,
    NV_OPT_CNI,
    NV_OPT_POD_CIDR,
    NV_OPT_SERVICE_CIDR,
    NV_OPT_IPBLOCK_MATCHES_PODS,
    NV_OPT_HOST_NETWORK,
    NV_OPT_IP_FAMILY,
    NV_OPT_FOLLOW_SYMLINKS,
    NV_OPT_NO_INGRESS_CONTROLLER,
    NV_OPT_MAX_CLAIMS,
    NV_OPT_TIMEOUT,
    NV_OPT_SELF_FLOWS,
    NV_OPT_FOCUS,
    NV_OPT_NAMESPACE,
    NV_OPT_PEER,
    NV_OPT_DIRECTION,
    NV_OPT_EXCLUDE,
    NV_OPT_ASSUME,
    NV_OPT_STRICT,
};

/* The shared options, each with the flag that selects it (0: every command). */
static const struct {
    struct option opt;
    unsigned flag;
} k_shared[] = {
    {{"help", no_argument, NULL, 'h'}, 0},
    /* for completion scripts and tests/check-help.py: the options the parser takes */
    {{"list-options", no_argument, NULL, NV_OPT_LIST_OPTIONS}, 0},
    {{"format", required_argument, NULL, 'f'}, 0}, /* when the command has formats */
    {{"output", required_argument, NULL, 'o'}, NV_WRITES_OUTPUT},
    {{"timeout", required_argument, NULL, NV_OPT_TIMEOUT}, NV_TAKES_TIMEOUT},
    {{"max-depth", required_argument, NULL, NV_OPT_MAX_DEPTH}, NV_LOADS_MANIFESTS},
    {{"max-file-size", required_argument, NULL, NV_OPT_MAX_FILE_SIZE}, NV_LOADS_MANIFESTS},
    {{"max-nodes", required_argument, NULL, NV_OPT_MAX_NODES}, NV_LOADS_MANIFESTS},
    {{"cni", required_argument, NULL, NV_OPT_CNI}, NV_LOADS_MANIFESTS},
    {{"pod-cidr", required_argument, NULL, NV_OPT_POD_CIDR}, NV_LOADS_MANIFESTS},
    {{"service-cidr", required_argument, NULL, NV_OPT_SERVICE_CIDR}, NV_LOADS_MANIFESTS},
    {{"ipblock-matches-pods", required_argument, NULL, NV_OPT_IPBLOCK_MATCHES_PODS},
     NV_LOADS_MANIFESTS},
    {{"host-network", required_argument, NULL, NV_OPT_HOST_NETWORK}, NV_LOADS_MANIFESTS},
    {{"ip-family", required_argument, NULL, NV_OPT_IP_FAMILY}, NV_LOADS_MANIFESTS},
    {{"follow-symlinks", no_argument, NULL, NV_OPT_FOLLOW_SYMLINKS}, NV_LOADS_MANIFESTS},
    {{"exclude", required_argument, NULL, NV_OPT_EXCLUDE}, NV_LOADS_MANIFESTS},
    {{"assume", required_argument, NULL, NV_OPT_ASSUME}, NV_LOADS_MANIFESTS},
    {{"strict", no_argument, NULL, NV_OPT_STRICT}, NV_LOADS_MANIFESTS},
    {{"no-ingress-controller", no_argument, NULL, NV_OPT_NO_INGRESS_CONTROLLER},
     NV_LOADS_MANIFESTS},
    {{"claims", required_argument, NULL, 'c'}, NV_READS_CLAIMS},
    {{"max-claims", required_argument, NULL, NV_OPT_MAX_CLAIMS}, NV_READS_CLAIMS},
    {{"self-flows", no_argument, NULL, NV_OPT_SELF_FLOWS}, NV_LISTS_FLOWS},
    {{"focus", required_argument, NULL, NV_OPT_FOCUS}, NV_TAKES_FILTERS},
    {{"namespace", required_argument, NULL, NV_OPT_NAMESPACE}, NV_TAKES_FILTERS},
    {{"peer", required_argument, NULL, NV_OPT_PEER}, NV_TAKES_FILTERS},
    {{"direction", required_argument, NULL, NV_OPT_DIRECTION}, NV_TAKES_FILTERS},
};
#define NV_NSHARED (sizeof(k_shared) / sizeof(k_shared[0]))

/* The option table and short options of a run: the shared ones it takes, then the command's. */
static void nv_cli_merge(struct nv_cli *cli, const struct nv_cli_spec *spec)
{
    size_t i, n = 0;
    int len;

    for (i = 0; i < NV_NSHARED; i++)
        if (k_shared[i].opt.val == 'f' ? spec->formats != NULL
                                       : (k_shared[i].flag & ~cli->flags) == 0)
            cli->all_longopts[n++] = k_shared[i].opt;
    for (i = 0; spec->opts && spec->opts[i].name; i++) {
        if (n == NV_CLI_MAX_OPTS)
            NV_BUG("command '%s' has more than %d options", cli->name, NV_CLI_MAX_OPTS);
        cli->all_longopts[n++] = spec->opts[i];
    }
    memset(&cli->all_longopts[n], 0, sizeof(cli->all_longopts[n]));
    len =
        snprintf(cli->all_shortopts, sizeof(cli->all_shortopts), "h%s%s%s%s",
                 spec->formats ? "f:" : "", cli->flags & NV_WRITES_OUTPUT ? "o:" : "",
                 cli->flags & NV_READS_CLAIMS ? "c:" : "", spec->shortopts ? spec->shortopts : "");
    if (len < 0 || (size_t)len >= sizeof(cli->all_shortopts))
        NV_BUG("command '%s' has too many short options", cli->name);
}

/* --format's value: its index in spec->formats, aliases resolved; -1 if unknown. */
static int nv_cli_format(const struct nv_cli_spec *spec, const char *arg)
{
    size_t i;

    for (i = 0; spec->format_aliases && spec->format_aliases[i]; i += 2)
        if (!strcmp(arg, spec->format_aliases[i]))
            arg = spec->format_aliases[i + 1];
    return nv_cli_pick(arg, spec->formats);
}

/* Apply one shared option; returns -1 (the usage error printed) on a bad value. */
static int nv_cli_shared(struct nv_cli *cli, const struct nv_cli_spec *spec, int opt,
                         const char *arg)
{
    static const char *const profile_opts[] = {
        "cni", "pod-cidr", "service-cidr", "ipblock-matches-pods", "host-network", "ip-family"};
    struct nv_load_opts *o = &cli->lo;
    unsigned long long v;
    char *end;

    switch (opt) {
    case 'f':
        if ((cli->format = nv_cli_format(spec, arg)) < 0) {
            nv_cli_usage_error(spec->usage, "unknown format '%s'", arg);
            return -1;
        }
        return 0;
    case 'o':
        cli->output = arg;
        return 0;
    case 'c':
        cli->claims = arg;
        return 0;
    case NV_OPT_SELF_FLOWS:
        cli->self_flows = 1;
        return 0;
    case NV_OPT_TIMEOUT:
        errno = 0;
        cli->timeout = strtod(arg, &end);
        if (errno || end == arg || *end || !(cli->timeout >= 0) || cli->timeout > 1e6) {
            nv_cli_usage_error(spec->usage, "invalid --timeout '%s' (seconds)", arg);
            return -1;
        }
        return 0;
    case NV_OPT_CNI:
    case NV_OPT_POD_CIDR:
    case NV_OPT_SERVICE_CIDR:
    case NV_OPT_IPBLOCK_MATCHES_PODS:
    case NV_OPT_HOST_NETWORK:
    case NV_OPT_IP_FAMILY:
        return nv_profile_opt(&o->cluster, profile_opts[opt - NV_OPT_CNI], arg) < 0 ? -1 : 0;
    case NV_OPT_NO_INGRESS_CONTROLLER:
        o->no_ingress_controller = 1;
        return 0;
    case NV_OPT_FOLLOW_SYMLINKS:
        o->follow_symlinks = 1;
        return 0;
    case NV_OPT_EXCLUDE:
        if (!*arg || strlen(arg) > NV_EXCLUDE_MAX_LEN || cli->nexclude == NV_EXCLUDE_MAX) {
            nv_cli_usage_error(spec->usage,
                               "invalid --exclude '%s' (a glob of 1 to %d bytes, "
                               "at most %d of them)",
                               arg, NV_EXCLUDE_MAX_LEN, NV_EXCLUDE_MAX);
            return -1;
        }
        cli->exclude[cli->nexclude].glob = arg;
        cli->exclude[cli->nexclude++].loc = (struct nv_loc){NULL, 0, 0};
        o->exclude = cli->exclude;
        o->nexclude = cli->nexclude;
        return 0;
    case NV_OPT_ASSUME: {
        unsigned a = nv_assume_parse(arg);
        if (!a) {
            nv_cli_usage_error(spec->usage, "unknown --assume '%s' (expected %s)", arg,
                               nv_assume_names());
            return -1;
        }
        o->assume |= a;
        return 0;
    }
    case NV_OPT_STRICT:
        cli->strict = 1;
        o->strict = 1;
        return 0;
    case NV_OPT_FOCUS:
        nv_view_opts_add(&cli->view.focus, &cli->view.nfocus, arg);
        return 0;
    case NV_OPT_NAMESPACE:
        nv_view_opts_add(&cli->view.ns, &cli->view.nns, arg);
        return 0;
    case NV_OPT_PEER:
        nv_view_opts_add(&cli->view.peer, &cli->view.npeer, arg);
        return 0;
    case NV_OPT_DIRECTION:
        if (strcmp(arg, "in") && strcmp(arg, "out")) {
            nv_cli_usage_error(spec->usage, "invalid --direction '%s' (in or out)", arg);
            return -1;
        }
        cli->view.dir = !strcmp(arg, "in") ? NV_VIEW_IN : NV_VIEW_OUT;
        return 0;
    default:
        break;
    }
    if (nv_parse_size(arg, &v) < 0) {
        nv_escape_term_line(stderr, "netverify: invalid number '%s'", arg);
        return -1;
    }
    switch (opt) {
    case NV_OPT_MAX_DEPTH:
        /* libyaml's scanner spends time quadratic in the nesting of [ ] and { }:
         * 10,000 levels take about half a second, 100,000 about a minute */
        if (v > 10000) {
            fprintf(stderr, "netverify: --max-depth is at most 10000\n");
            return -1;
        }
        o->limits.max_depth = (unsigned)v;
        break;
    case NV_OPT_MAX_FILE_SIZE:
        if (v > ((unsigned long long)SIZE_MAX >> 20))
            v = (unsigned long long)SIZE_MAX >> 20;
        o->limits.max_file_bytes = (size_t)v << 20;
        break;
    case NV_OPT_MAX_CLAIMS:
        o->max_claims = (size_t)v;
        break;
    case NV_OPT_MAX_NODES:
        o->limits.max_nodes = (size_t)v;
        break;
    default:
        NV_BUG("shared option %d without a handler", opt);
    }
    return 0;
}

void nv_cli_init(struct nv_cli *cli, const char *name, unsigned flags)
{
    memset(cli, 0, sizeof(*cli));
    cli->name = name;
    cli->flags = flags;
    cli->timeout = 30;
    nv_load_opts_default(&cli->lo);
    cli->lo.stats = &cli->stats;
}

void nv_cli_release(struct nv_cli *cli)
{
    nv_view_opts_release(&cli->view);
    nv_load_stats_release(&cli->stats);
}

void nv_cli_strict_lint(const struct nv_model *m, const struct nv_load_opts *o)
{
    if (m && o->strict && o->stats)
        nv_cli_strict_lint_n(nv_lint_count(m), o);
}

void nv_cli_strict_lint_n(size_t nlint, const struct nv_load_opts *o)
{
    if (o->strict && o->stats)
        o->stats->lint += nlint;
}

void nv_cli_lint_tell(struct nv_model *m, const struct nv_load_opts *o)
{
    nv_cli_lint_tell_n(o->strict && o->stats ? 0 : nv_lint_count(m), o);
}

void nv_cli_lint_tell_n(size_t nlint, const struct nv_load_opts *o)
{
    int strict = o->strict && o->stats;

    nv_lint_tell(strict ? o->stats->lint : nlint, strict, stderr);
    if (strict)
        o->stats->lint_told = 1;
}

int nv_cli_strict(struct nv_cli *cli, int rc)
{
    const struct nv_load_stats *st = &cli->stats;
    char at[512];

    if (!cli->strict || (rc != NV_EXIT_OK && rc != NV_EXIT_DEPENDS) ||
        (!st->enforcing && !st->lint))
        return rc;
    if (st->enforcing) {
        nv_loc_format(st->first_loc, at, sizeof(at));
        nv_escape_term_line(stderr,
                            "netverify: --strict: %zu object%s of a kind that enforces traffic and "
                            "is not modelled (%s at %s%s): the results may be wrong",
                            st->enforcing, st->enforcing == 1 ? "" : "s", st->first, at,
                            st->enforcing > 1 ? ", ..." : "");
    }
    if (st->lint && !st->lint_told)
        fprintf(stderr, "netverify: --strict: %zu lint warning%s; run 'netverify lint' for %s\n",
                st->lint, st->lint == 1 ? "" : "s", st->lint == 1 ? "it" : "them");
    return NV_EXIT_FINDING;
}

/* --list-options: every option of the command, one a line, "--name" or "-c". */
static void nv_cli_list_options(const struct nv_cli *cli)
{
    const struct option *o;
    const char *p;

    for (o = cli->all_longopts; o->name; o++)
        printf("--%s\n", o->name);
    for (p = cli->all_shortopts; *p; p++)
        if (*p != ':')
            printf("-%c\n", *p);
}

void nv_cli_names_ipv6(struct nv_cli *cli, const char *const *ends, size_t n)
{
    struct nv_epref ref;
    struct nv_buf err;
    size_t i;

    nv_buf_init(&err, 0);
    for (i = 0; i < n; i++)
        if (ends[i] && nv_ep_parse(ends[i], &ref, &err) == 0 && ref.form == NV_EP_ADDRESS &&
            ref.ip.fam == NV_IPV6)
            cli->lo.ipv6_named = 1;
    nv_buf_release(&err);
}

int nv_cli_next(struct nv_cli *cli, const struct nv_cli_spec *spec, int argc, char **argv)
{
    int c;

    if (!cli->all_longopts[0].name) {
        nv_cli_merge(cli, spec);
        optind = 1;
    }
    for (;;) {
        c = getopt_long(argc, argv, cli->all_shortopts, cli->all_longopts, NULL);
        if (c == -1 && nv_view_opts_problem(&cli->view)) {
            nv_cli_usage_error(spec->usage, "%s", nv_view_opts_problem(&cli->view));
            cli->status = NV_EXIT_INPUT;
            break;
        }
        if (c == -1) {
            nv_cli_names_ipv6(cli, cli->view.focus, cli->view.nfocus);
            nv_cli_names_ipv6(cli, cli->view.peer, cli->view.npeer);
            return 0;
        }
        if (c == 'h') {
            spec->help();
            cli->status = NV_EXIT_OK;
            break;
        }
        if (c == NV_OPT_LIST_OPTIONS) {
            nv_cli_list_options(cli);
            cli->status = NV_EXIT_OK;
            break;
        }
        if (c == '?') {
            fprintf(stderr, "usage: %s\n", spec->usage);
            cli->status = NV_EXIT_INPUT;
            break;
        }
        /* the command's own: any other letter, and -f, -o, -c when they are not shared */
        if (c < NV_OPT_MAX_DEPTH && (c != 'f' || !spec->formats) &&
            (c != 'o' || !(cli->flags & NV_WRITES_OUTPUT)) &&
            (c != 'c' || !(cli->flags & NV_READS_CLAIMS))) {
            cli->arg = optarg;
            return c;
        }
        if (nv_cli_shared(cli, spec, c, optarg) < 0) {
            cli->status = NV_EXIT_INPUT;
            break;
        }
    }
    return -1;
}

/*
 * Input without a single workload has nothing to analyse: an error, not an
 * empty result that reads as if the input were complete. Reported at the one
 * path given (a file or directory), without a position for several. Workloads
 * of kinds not modelled yet were each warned about: the results stand.
 */
static struct nv_model *nv_cli_need_workloads(struct nv_model *m, char *const *paths, size_t n,
                                              struct nv_diags *d)
{
    if (!m || d->nerr || m->nworkloads || m->nunmodelled)
        return m;
    nv_diag_error(d, (struct nv_loc){n == 1 ? paths[0] : NULL, 0, 0}, NV_E_MISSING,
                  "no workload in the input (Pod, Deployment, StatefulSet, ...): nothing to "
                  "analyse");
    nv_model_free(m);
    return NULL;
}

/*
 * Whether 'path', a claims file looked for in directory 'dir', is there: a
 * regular file (1), nothing usable (0), or a symbolic link out of 'dir'
 * (-1, an error recorded unless 'follow'): a pull request must not make the
 * gate read, and quote in its errors, a file of the machine it runs on.
 */
static int nv_config_candidate(const char *path, const char *dir, int follow, struct nv_diags *d)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return 0;
    if (!follow && nv_load_link_leaves(path, dir)) {
        nv_diag_error(d, (struct nv_loc){path, 0, 0}, NV_E_IO,
                      "the claims file is a symbolic link to outside '%s': not read (give it "
                      "with --claims, or use --follow-symlinks)",
                      dir);
        return -1;
    }
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A configuration file found, not given: say which one is used, and where it was found. */
static char *nv_config_found(char *path, int here, struct nv_diags *d)
{
    nv_diag_note(d, (struct nv_loc){path, 0, 0}, NV_W_SEMANTIC,
                 "using this netverify.yaml, found %s",
                 here ? "in the current directory" : "beside the manifests");
    return path;
}

char *nv_cli_find_config(const char *given, const char *first, int follow, struct nv_diags *d)
{
    struct stat st;
    size_t n;
    char *p, *dir;
    int rc;

    if (given)
        return nv_xstrdup(given);
    if ((rc = nv_config_candidate("netverify.yaml", ".", follow, d)) != 0)
        return rc > 0 ? nv_config_found(nv_xstrdup("netverify.yaml"), 1, d) : NULL;
    if (!first || !strcmp(first, "-"))
        return NULL;
    n = strlen(first) + 32;
    p = nv_xmalloc(n);
    dir = nv_xmalloc(n);
    if (stat(first, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(p, n, "%s/netverify.yaml", first);
        snprintf(dir, n, "%s", first);
    } else {
        const char *slash = strrchr(first, '/');
        if (slash) {
            snprintf(p, n, "%.*s/netverify.yaml", (int)(slash - first), first);
            snprintf(dir, n, "%.*s", slash == first ? 1 : (int)(slash - first), first);
        } else {
            snprintf(p, n, "netverify.yaml");
            snprintf(dir, n, ".");
        }
    }
    rc = nv_config_candidate(p, dir, follow, d);
    free(dir);
    if (rc > 0)
        return nv_config_found(p, 0, d);
    free(p);
    return NULL;
}

int nv_cli_profile(struct nv_profile *out, const struct nv_load_opts *lo, const char *config,
                   struct nv_diags *d)
{
    nv_profile_init(out);
    if (config && nv_profile_read(out, config, d) < 0)
        return -1;
    nv_profile_apply_opts(out, &lo->cluster);
    return nv_profile_check(out, d);
}

struct nv_model *nv_cli_load(char *const *paths, size_t n, const struct nv_load_opts *o)
{
    struct nv_diags d;
    struct nv_model *m = NULL;
    struct nv_profile prof;
    struct nv_load_opts lo = *o;
    char *config;

    nv_diags_init(&d);
    config = nv_cli_find_config(NULL, n ? paths[0] : NULL, o->follow_symlinks, &d);
    nv_profile_init(&prof);
    if (!d.nerr && nv_cli_profile(&prof, o, config, &d) == 0) {
        lo.profile = &prof;
        m = nv_cli_need_workloads(nv_load(paths, n, &lo, &d), paths, n, &d);
        nv_cli_strict_lint(m, o);
    }
    nv_profile_release(&prof);
    free(config);
    nv_diags_print(&d, stderr);
    if (!m && d.nerr == 0)
        NV_BUG("load failed without a diagnostic");
    nv_diags_release(&d);
    return m;
}

FILE *nv_cli_output_open(const char *path, int binary)
{
    FILE *fp;

    if (!path)
        return stdout;
    if (!(fp = fopen(path, binary ? "wb" : "w")))
        nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", path, strerror(errno));
    return fp;
}

int nv_cli_output_close(FILE *fp)
{
    int bad = fflush(fp) != 0 || ferror(fp);

    if (fp != stdout && fclose(fp) != 0)
        bad = 1;
    if (bad)
        fputs("netverify: error writing the output\n", stderr);
    return bad ? -1 : 0;
}

void nv_phase(const char *name)
{
    static struct timespec last;
    struct timespec now;

    if (!getenv("NETVERIFY_TIMING"))
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (name)
        fprintf(stderr, "netverify: time: %s: %.3f s\n", name,
                (double)(now.tv_sec - last.tv_sec) + (double)(now.tv_nsec - last.tv_nsec) / 1e9);
    last = now;
}

int nv_cli_pick(const char *arg, const char *const *names)
{
    int i;

    for (i = 0; names[i]; i++)
        if (!strcmp(arg, names[i]))
            return i;
    return -1;
}

/*
 * Load the paths and, when claims_path is not NULL, the claims (as 'check'
 * does: claims register what they select before the model is finished);
 * print the diagnostics. Returns the model (the caller frees it and releases
 * 'claims'), or NULL on an input error.
 */
struct nv_model *nv_cli_load_claims(char *const *paths, size_t n, const struct nv_load_opts *lo,
                                    const char *claims_path, struct nv_claims *claims)
{
    struct nv_diags d;
    struct nv_model *m = NULL;
    struct nv_profile prof;
    struct nv_load_opts o = *lo;

    if (!claims_path)
        return nv_cli_load(paths, n, lo);
    nv_diags_init(&d);
    /* a file whose cluster section is wrong is not read for claims: its errors once */
    if (nv_cli_profile(&prof, lo, claims_path, &d) == 0) {
        o.profile = &prof;
        m = nv_cli_need_workloads(nv_load_unfinished(paths, n, &o, &d), paths, n, &d);
    }
    nv_profile_release(&prof);
    if (m && nv_claims_load_max(claims, claims_path, lo->max_claims, m, &d) == 0 &&
        nv_model_finish(m, &d) == 0)
        nv_claims_resolve(claims, m, &d);
    if (!d.nerr)
        nv_cli_strict_lint(m, lo);
    nv_diags_print(&d, stderr);
    if (!m || d.nerr) {
        if (d.nerr == 0)
            NV_BUG("load failed without a diagnostic");
        nv_diags_release(&d);
        nv_claims_release(claims);
        nv_model_free(m);
        return NULL;
    }
    nv_diags_release(&d);
    return m;
}
