/*
 * lint.c - 'netverify lint' core: the table of checks, the findings, their
 * order, and their output as text, JSON and SARIF. The checks themselves are
 * in lint_select.c, lint_cover.c and lint_redundant.c.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/lint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/json.h"
#include "netverify/load.h"
#include "netverify/report.h"

static const struct {
    const char *name;
    int cheap;
    const char *why;
} k_checks[NV_LINT_NCHECKS] = {
    [NV_LINT_SELECTS_NOTHING] = {"selects-nothing", 1,
                                 "what was meant to be selected is not: the policy or rule "
                                 "protects or admits nothing, often because of a typo"},
    [NV_LINT_NAMED_PORT] = {"named-port-unresolved", 1,
                            "a named port resolves on the pods it reaches; where none declares "
                            "it, it matches no port and admits nothing"},
    [NV_LINT_IGNORED_RULES] = {"ignored-direction", 1,
                               "Kubernetes ignores rules of a direction policyTypes leaves out: "
                               "they neither isolate nor admit anything"},
    [NV_LINT_ADMITS_NOTHING] = {"rule-admits-nothing", 1,
                                "the rule admits no connection at all, so the traffic it was "
                                "written for is blocked"},
    [NV_LINT_IPBLOCK] = {"ipblock-excepted", 1,
                         "an except that changes nothing, or excepts that leave the ipBlock "
                         "empty, say something other than what the policy does"},
    [NV_LINT_REDUNDANT_RULE] = {"redundant-rule", 0,
                                "every connection the rule admits is admitted by other rules: "
                                "removing it changes nothing, and editing it misleads"},
    [NV_LINT_REDUNDANT_POLICY] = {"redundant-policy", 0,
                                  "removing the policy changes no allowed connection: it adds "
                                  "nothing but the belief that it does"},
    [NV_LINT_DNS_BLOCKED] = {"dns-blocked", 1,
                             "a pod isolated for egress that calls anything needs a rule "
                             "admitting DNS (UDP and TCP port 53), or its name lookups fail"},
    [NV_LINT_DNS_PEER] = {"dns-peer-missing", 1,
                          "the DNS server the rule names is not in the input, so the results "
                          "show DNS as blocked (see --assume kube-dns)"},
    [NV_LINT_NOT_ISOLATED] = {"workload-not-isolated", 1,
                              "a direction no policy isolates is open: every pod may connect, "
                              "or be connected to, without any rule"},
    [NV_LINT_NO_DEFAULT_DENY] = {"namespace-no-default-deny", 1,
                                 "without a policy selecting every pod, a new workload in the "
                                 "namespace starts open"},
    [NV_LINT_UNMODELLED] = {"unmodelled-enforcement", 1,
                            "the object enforces traffic that netverify does not model: the "
                            "results may be wrong for the pods it selects"},
    [NV_LINT_ADMIN_UNREACHED] = {"admin-rule-unreached", 0,
                                 "earlier rules always decide before it: editing it changes "
                                 "nothing, and reading it misleads"},
    [NV_LINT_ADMIN_PASS] = {"admin-pass-to-nothing", 0,
                            "Pass hands the connection to the NetworkPolicies and the Baseline "
                            "tier; with nothing there, it allows"},
};

const char *nv_lint_check_name(enum nv_lint_check c)
{
    return k_checks[c].name;
}

const char *nv_lint_check_why(enum nv_lint_check c)
{
    return k_checks[c].why;
}

int nv_lint_check_find(const char *name)
{
    int i;

    for (i = 0; i < NV_LINT_NCHECKS; i++)
        if (!strcmp(name, k_checks[i].name))
            return i;
    return -1;
}

int nv_lint_check_is_cheap(enum nv_lint_check c)
{
    return k_checks[c].cheap;
}

unsigned nv_lint_cheap_mask(void)
{
    unsigned mask = 0;
    int i;

    for (i = 0; i < NV_LINT_NCHECKS; i++)
        if (k_checks[i].cheap)
            mask |= NV_LINT_BIT(i);
    return mask;
}

void nv_lint_init(struct nv_lint *l)
{
    memset(l, 0, sizeof(*l));
}

void nv_lint_release(struct nv_lint *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->items[i].msg);
    for (i = 0; i < l->nassumed; i++)
        free(l->assumed[i]);
    free(l->assumed);
    free(l->items);
    free(l->skipped_kinds);
    memset(l, 0, sizeof(*l));
}

void nv_lint_add(struct nv_lint *l, enum nv_lint_check c, struct nv_loc loc, const char *fmt, ...)
{
    struct nv_lint_finding *f;
    va_list ap;

    NV_GROW(l->items, l->alloc, l->n + 1);
    f = &l->items[l->n++];
    f->check = c;
    f->loc = loc;
    va_start(ap, fmt);
    f->msg = nv_buf_vformat(fmt, ap);
    va_end(ap);
    f->assumed = 0;
    l->count[c]++;
}

void nv_lint_mark_assumed(struct nv_lint *l)
{
    if (l->n)
        l->items[l->n - 1].assumed = 1;
}

/* The workloads --assume added, for the outputs to name. */
static void nv_lint_assumed(struct nv_lint *l, const struct nv_model *m)
{
    size_t w;

    for (w = 0; w < m->nworkloads; w++)
        if (!strcmp(m->workloads[w].kind, NV_ASSUMED_KIND)) {
            l->assumed = nv_xrealloc(l->assumed, (l->nassumed + 1) * sizeof(*l->assumed));
            l->assumed[l->nassumed++] = nv_xstrdup(m->workloads[w].id);
        }
}

static int nv_finding_cmp(const void *pa, const void *pb)
{
    const struct nv_lint_finding *a = pa, *b = pb;
    int c;

    if (!a->loc.file != !b->loc.file)
        return a->loc.file ? 1 : -1;
    if (a->loc.file && (c = strcmp(a->loc.file, b->loc.file)) != 0)
        return c;
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    if (a->check != b->check)
        return a->check < b->check ? -1 : 1;
    return strcmp(a->msg, b->msg);
}

static int nv_loc_same(struct nv_loc a, struct nv_loc b)
{
    return a.line == b.line && a.col == b.col &&
           (a.file == b.file || (a.file && b.file && !strcmp(a.file, b.file)));
}

/*
 * One finding per fault: a rule that admits nothing is reported as
 * rule-admits-nothing, not also as redundant-rule (it is not covered by the
 * others, it covers nothing).
 */
static void nv_lint_dedupe(struct nv_lint *l)
{
    size_t i, j, out = 0;

    for (i = 0; i < l->n; i++) {
        struct nv_lint_finding *f = &l->items[i];
        int dup = 0;
        if (f->check == NV_LINT_REDUNDANT_RULE)
            for (j = 0; j < l->n && !dup; j++)
                dup = l->items[j].check == NV_LINT_ADMITS_NOTHING &&
                      nv_loc_same(l->items[j].loc, f->loc);
        if (dup) {
            l->count[f->check]--;
            free(f->msg);
            continue;
        }
        l->items[out++] = *f;
    }
    l->n = out;
}

void nv_lint_run(struct nv_lint *l, const struct nv_model *m, unsigned mask)
{
    nv_lint_selectors(l, m, mask);
    nv_lint_coverage(l, m, mask);
    nv_lint_redundancy(l, m, mask);
    nv_lint_admin(l, m, mask);
    nv_lint_dedupe(l);
    nv_lint_assumed(l, m);
    if (l->n)
        qsort(l->items, l->n, sizeof(*l->items), nv_finding_cmp);
}

unsigned nv_lint_count_mask(void)
{
    return nv_lint_cheap_mask() &
           ~(NV_LINT_BIT(NV_LINT_NOT_ISOLATED) | NV_LINT_BIT(NV_LINT_NO_DEFAULT_DENY));
}

size_t nv_lint_count(const struct nv_model *m)
{
    struct nv_lint l;
    size_t n;

    nv_lint_init(&l);
    l.count_only = 1;
    nv_lint_run(&l, m, nv_lint_count_mask());
    n = l.n;
    nv_lint_release(&l);
    return n;
}

void nv_lint_tell(size_t n, int strict, FILE *fp)
{
    if (n)
        fprintf(fp, "netverify: %zu lint warning%s%s; run 'netverify lint' for %s\n", n,
                n == 1 ? "" : "s",
                !strict  ? ""
                : n == 1 ? ", which fails the run under --strict"
                         : ", which fail the run under --strict",
                n == 1 ? "it" : "them");
}

/* ---- output ---- */

const char *const nv_lint_formats[] = {"text", "json", "sarif", NULL};

/* "3 warnings: 1 selects-nothing, 2 dns-blocked" or "no warnings". */
static void nv_lint_totals(struct nv_buf *b, const struct nv_lint *l)
{
    int i, first = 1;

    if (!l->n) {
        nv_buf_puts(b, "no warnings");
        return;
    }
    nv_buf_printf(b, "%zu warning%s:", l->n, l->n == 1 ? "" : "s");
    for (i = 0; i < NV_LINT_NCHECKS; i++)
        if (l->count[i]) {
            nv_buf_printf(b, "%s %zu %s", first ? "" : ",", l->count[i], k_checks[i].name);
            first = 0;
        }
}

/* The unmodelled total, one line: "2 objects that enforce traffic are not modelled (...)". */
static void nv_lint_skipped_total(struct nv_buf *b, const struct nv_lint *l)
{
    nv_buf_printf(b,
                  "%zu object%s that enforce%s traffic %s not modelled (%s): the results "
                  "ignore %s",
                  l->nskipped, l->nskipped == 1 ? "" : "s", l->nskipped == 1 ? "s" : "",
                  l->nskipped == 1 ? "is" : "are", l->skipped_kinds ? l->skipped_kinds : "",
                  l->nskipped == 1 ? "it" : "them");
}

static int nv_lint_write_text(const struct nv_lint *l, FILE *fp)
{
    struct nv_buf b;
    char where[512];
    size_t i;

    nv_buf_init(&b, 0);
    for (i = 0; i < l->n; i++) {
        const struct nv_lint_finding *f = &l->items[i];
        nv_escape_term_line(fp, "%s: warning: %s [%s]", nv_loc_format(f->loc, where, sizeof(where)),
                            f->msg, k_checks[f->check].name);
        fprintf(fp, "  why: %s\n", k_checks[f->check].why);
    }
    for (i = 0; i < l->nassumed; i++)
        nv_escape_term_line(fp, "assumed: %s[%s] is not in the input (--assume added it)",
                            l->assumed[i], NV_ASSUMED_KIND);
    if (l->nskipped) {
        nv_lint_skipped_total(&b, l);
        nv_escape_term_line(fp, "%s", nv_buf_str(&b));
        nv_buf_reset(&b);
    }
    nv_lint_totals(&b, l);
    fprintf(fp, "%s\n", nv_buf_str(&b));
    nv_buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

static int nv_lint_write_json(const struct nv_lint *l, unsigned mask, FILE *fp)
{
    struct nv_json *root = nv_json_object(), *arr = nv_json_array(), *counts = nv_json_object(),
                   *assumed = nv_json_array();
    size_t i;
    int rc;

    for (i = 0; i < l->n; i++) {
        const struct nv_lint_finding *f = &l->items[i];
        struct nv_json *o = nv_json_object();
        nv_json_set(o, "check", nv_json_str(k_checks[f->check].name));
        nv_json_set(o, "file", f->loc.file ? nv_json_str(f->loc.file) : nv_json_null());
        nv_json_set(o, "line", nv_json_int(f->loc.line));
        nv_json_set(o, "column", nv_json_int(f->loc.col));
        nv_json_set(o, "message", nv_json_str(f->msg));
        nv_json_set(o, "why", nv_json_str(k_checks[f->check].why));
        nv_json_set(o, "assumed", nv_json_bool(f->assumed));
        nv_json_push(arr, o);
    }
    for (i = 0; i < l->nassumed; i++)
        nv_json_push(assumed, nv_json_str(l->assumed[i]));
    for (i = 0; i < NV_LINT_NCHECKS; i++)
        if (mask & NV_LINT_BIT(i))
            nv_json_set(counts, k_checks[i].name, nv_json_int((long long)l->count[i]));
    nv_json_set(root, "findings", arr);
    nv_json_set(root, "counts", counts);
    nv_json_set(root, "warnings", nv_json_int((long long)l->n));
    nv_json_set(root, "unmodelled", nv_json_int((long long)l->nskipped));
    nv_json_set(root, "assumed", assumed);
    rc = nv_json_dump(root, fp);
    nv_json_free(root);
    return rc;
}

static int nv_lint_write_sarif(const struct nv_lint *l, unsigned mask, FILE *fp)
{
    struct nv_json *rules = nv_json_array();
    struct nv_sarif so;
    size_t i;

    nv_report_sarif_begin(&so, fp);
    for (i = 0; i < NV_LINT_NCHECKS; i++)
        if (mask & NV_LINT_BIT(i))
            nv_json_push(rules, nv_report_sarif_rule(k_checks[i].name, k_checks[i].why));
    for (i = 0; i < l->n; i++) {
        const struct nv_lint_finding *f = &l->items[i];
        struct nv_json *res = nv_json_object(), *msg = nv_json_object();
        nv_json_set(res, "ruleId", nv_json_str(k_checks[f->check].name));
        nv_json_set(res, "level", nv_json_str("warning"));
        nv_json_set(msg, "text", nv_json_str(f->msg));
        nv_json_set(res, "message", msg);
        if (f->assumed) {
            struct nv_json *props = nv_json_object();
            nv_json_set(props, "assumed", nv_json_bool(1));
            nv_json_set(res, "properties", props);
        }
        if (f->loc.file) {
            struct nv_json *locs = nv_json_array();
            nv_json_push(locs, nv_report_sarif_location(f->loc, NULL));
            nv_json_set(res, "locations", locs);
        }
        nv_report_sarif_result(&so, res);
    }
    return nv_report_sarif_end(&so, rules);
}

int nv_lint_write(const struct nv_lint *l, unsigned mask, enum nv_lint_format f, FILE *fp)
{
    switch (f) {
    case NV_LINT_JSON:
        return nv_lint_write_json(l, mask, fp);
    case NV_LINT_SARIF:
        return nv_lint_write_sarif(l, mask, fp);
    default:
        return nv_lint_write_text(l, fp);
    }
}
