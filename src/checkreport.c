/*
 * checkreport.c - the report of a 'check' run, one renderer per format
 * (text, JSON, SARIF 2.1.0, JUnit XML) over the same results.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/checkreport.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/json.h"
#include "netverify/report.h"

static const char *nv_check_report_part_name(enum nv_part_kind k)
{
    switch (k) {
    case NV_PART_REACHES:
        return "reaches";
    case NV_PART_CANNOT:
        return "cannot reach";
    case NV_PART_ONLY:
        return "only";
    case NV_PART_ISOLATED:
        return "is isolated";
    }
    return "?";
}

static const char *nv_verdict_word(enum nv_verdict v)
{
    static const char *const words[NV_NVERDICTS] = {"holds", "REFUTED", "undecided", "depends"};

    return words[v];
}

/* The verdict as JSON and SARIF say it. */
static const char *nv_verdict_name(enum nv_verdict v)
{
    static const char *const names[NV_NVERDICTS] = {"holds", "refuted", "undecided", "depends"};

    return names[v];
}

static const char *const k_fate_names[] = {"holds", "refuted", "addresses", "undecided"};

/* The counterexample of part p of claim i. */
static const struct nv_cex *nv_check_report_cex(const struct nv_check_run *run, size_t i, size_t p)
{
    return &run->cex[2 * i + p];
}

/* The counterexample of the first part of claim i that depends on the plugin, or NULL. */
static const struct nv_cex *nv_depending_cex(const struct nv_check_run *run, size_t i)
{
    const struct nv_result *r = &run->results[i];
    size_t p;

    for (p = 0; p < r->nparts; p++)
        if (r->parts[p].verdict == NV_DEPENDS)
            return nv_check_report_cex(run, i, p);
    return NULL;
}

/* "because" of 'expect: refuted': the reason, and the issue when there is one. */
static void nv_check_report_expect_why(const struct nv_claim *c, struct nv_buf *b)
{
    nv_buf_puts(b, c->reason);
    if (c->issue)
        nv_buf_printf(b, " (%s)", c->issue);
}

/* What to remove when c holds: its marker, or its entry in a baseline (another file). */
static const char *nv_check_report_expect_marker(const struct nv_claim *c)
{
    return c->expect_loc.file && c->loc.file && strcmp(c->expect_loc.file, c->loc.file)
               ? "its baseline entry"
               : "'expect: refuted'";
}

/* What 'expect: refuted' makes of claim i's verdict, in the text report. */
static void nv_check_report_expect_text(const struct nv_check_run *run, size_t i, FILE *fp)
{
    const struct nv_claim *c = &run->claims->items[i];
    char where[512];
    struct nv_buf b;

    if (run->expect[i] == NV_EXPECT_NONE)
        return;
    nv_buf_init(&b, 0);
    nv_check_report_expect_why(c, &b);
    if (run->expect[i] == NV_EXPECT_MET)
        nv_escape_term_line(fp, "          expected refuted, does not fail the gate: %s",
                            nv_buf_str(&b));
    else
        nv_escape_term_line(fp, "          EXPECTED REFUTED but holds now: remove %s at %s (%s)",
                            nv_check_report_expect_marker(c),
                            nv_loc_format(c->expect_loc, where, sizeof(where)), nv_buf_str(&b));
    nv_buf_release(&b);
}

/*
 * The text report: a line per claim (and the counterexample of one that
 * does not hold), then the counts.
 */
static int nv_check_report_text(const struct nv_check_run *run, FILE *fp)
{
    const size_t *counts = run->counts;
    size_t i, p, k;

    for (i = 0; i < run->claims->n; i++) {
        const struct nv_claim *c = &run->claims->items[i];
        const struct nv_result *r = &run->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        char where[512];
        if (v == NV_DEPENDS) {
            char *dep = nv_report_depends(run->m, nv_depending_cex(run, i));
            nv_escape_term_line(fp, "%-9s %s%s%s \xe2\x80\x94 %s", nv_verdict_word(v),
                                c->name ? c->name : "", c->name ? ": " : "", c->text, dep);
            free(dep);
        } else {
            nv_escape_term_line(fp, "%-9s %s%s%s", nv_verdict_word(v), c->name ? c->name : "",
                                c->name ? ": " : "", c->text);
        }
        for (p = 0; p < r->nparts; p++) {
            const struct nv_part *part = &r->parts[p];
            char *lines[2];
            size_t n = 0;
            char *head;
            if (part->verdict == NV_UNDECIDED) {
                nv_escape_term_line(fp, "          undecided (%s)%s%s",
                                    part->why ? part->why : "unknown", r->nparts > 1 ? ": " : "",
                                    r->nparts > 1 ? nv_check_report_part_name(part->kind) : "");
                continue;
            }
            if (part->verdict != NV_REFUTED && part->verdict != NV_DEPENDS)
                continue;
            head = nv_report_headline(run->m, nv_check_report_cex(run, i, p));
            nv_escape_term_line(fp, "          %s", head);
            free(head);
            if (part->kind != NV_PART_ISOLATED)
                nv_report_because(run->m, nv_check_report_cex(run, i, p), lines, &n);
            for (k = 0; k < n; k++) {
                nv_escape_term_line(fp, "            %s", lines[k]);
                free(lines[k]);
            }
        }
        if (v != NV_HOLDS)
            nv_escape_term_line(fp, "          claim at %s",
                                nv_loc_format(c->loc, where, sizeof(where)));
        nv_check_report_expect_text(run, i, fp);
    }
    if (run->nexpected || run->nstale)
        fprintf(fp, "expect: refuted: %zu still refuted as expected, %zu hold now\n",
                run->nexpected, run->nstale);
    fprintf(fp, "%zu claims: %zu hold, %zu refuted, ", run->claims->n, counts[NV_HOLDS],
            counts[NV_REFUTED]);
    if (counts[NV_DEPENDS])
        fprintf(fp, "%zu depend on the network plugin, ", counts[NV_DEPENDS]);
    fprintf(fp, "%zu undecided\n", counts[NV_UNDECIDED]);
    return ferror(fp) ? -1 : 0;
}

/* A witness end; an external one with the range of addresses it stands for. */
static struct nv_json *nv_check_report_json_end(const struct nv_model *m, const struct nv_end *e,
                                                const struct nv_iprange *range)
{
    struct nv_json *o = nv_json_object();
    char ip[NV_IP_BUFSZ];

    if (e->external) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        nv_report_range(&b, range);
        nv_json_set(o, "kind", nv_json_str("External"));
        nv_json_set(o, "address", nv_json_str(nv_ip_format(&e->ip, ip)));
        nv_json_set(o, "range", nv_json_str(nv_buf_str(&b)));
        nv_buf_release(&b);
    } else {
        const struct nv_workload *w = &m->workloads[m->pods[e->pod].workload];
        nv_json_set(o, "kind", nv_json_str(w->kind));
        nv_json_set(o, "workload", nv_json_str(w->id));
        if (nv_report_names_pod(m, e)) {
            struct nv_buf b;
            nv_buf_init(&b, 0);
            nv_report_pod(&b, m, e->pod, e->inst);
            nv_json_set(o, "pod", nv_json_str(nv_buf_str(&b)));
            nv_buf_release(&b);
        }
        if (e->has_ip)
            nv_json_set(o, "address", nv_json_str(nv_ip_format(&e->ip, ip)));
    }
    return o;
}

/* {"ipBlockMatchesPods": true, "hostNetwork": "node"} */
static struct nv_json *nv_check_report_json_combo(const struct nv_combo *c)
{
    struct nv_json *o = nv_json_object();

    nv_json_set(o, nv_behaviours[NV_B_IPBLOCK_PODS].key,
                nv_json_bool(c->v[NV_B_IPBLOCK_PODS] == NV_IPBLOCK_MATCHES_PODS));
    nv_json_set(o, nv_behaviours[NV_B_HOSTNET].key,
                nv_json_str(nv_behaviours[NV_B_HOSTNET].values[c->v[NV_B_HOSTNET]]));
    return o;
}

/* The witness of a refuted part and the rules behind it. */
static void nv_check_report_json_witness(const struct nv_model *m, const struct nv_cex *x,
                                         struct nv_json **witness, struct nv_json **because)
{
    const struct nv_part *p = x->part;
    struct nv_json *w = nv_json_object(), *b = nv_json_array();
    struct nv_buf pb;
    char *lines[2];
    size_t k, nl = 0;
    char *head = nv_report_headline(m, x);

    nv_json_set(w, "summary", nv_json_str(head));
    free(head);
    nv_json_set(w, "src", nv_check_report_json_end(m, &p->w.src, &x->src_range));
    if (!p->w.robust && p->ncombos) {
        /* what the flow assumes of the plugin (and of the pods' nodes) */
        nv_json_set(w, "assumes", nv_check_report_json_combo(&p->w.combo));
        if (p->w.local)
            nv_json_set(w, "sameNode", nv_json_bool(1));
    }
    if (p->kind == NV_PART_ISOLATED) {
        nv_json_set(w, "direction", nv_json_str(p->w.dir == NV_INGRESS ? "ingress" : "egress"));
    } else {
        nv_json_set(w, "dst", nv_check_report_json_end(m, &p->w.dst, &x->dst_range));
        nv_buf_init(&pb, 0);
        nv_ports_write(&pb, m->ports, x->ports, 0);
        nv_json_set(w, "ports", nv_json_str(nv_buf_str(&pb)));
        nv_buf_release(&pb);
        nv_json_set(w, "allowed", nv_json_bool(p->kind != NV_PART_REACHES));
        if (p->w.all_ports) {
            nv_json_set(w, "protocol", nv_json_null());
            nv_json_set(w, "port", nv_json_null());
        } else {
            nv_json_set(w, "protocol", nv_json_str(nv_proto_name(p->w.proto)));
            nv_json_set(w, "port", nv_json_int(p->w.port));
        }
        nv_report_because(m, x, lines, &nl);
    }
    for (k = 0; k < nl; k++) {
        nv_json_push(b, nv_json_str(lines[k]));
        free(lines[k]);
    }
    *witness = w;
    *because = b;
}

static struct nv_json *nv_check_report_json_part(const struct nv_check_run *run, size_t i,
                                                 size_t part)
{
    const struct nv_part *p = &run->results[i].parts[part];
    struct nv_json *o = nv_json_object(), *w, *b;

    nv_json_set(o, "part", nv_json_str(nv_check_report_part_name(p->kind)));
    nv_json_set(o, "verdict", nv_json_str(nv_verdict_name(p->verdict)));
    nv_json_set(o, "holds",
                p->verdict == NV_UNDECIDED ? nv_json_null() : nv_json_bool(p->verdict == NV_HOLDS));
    if (p->verdict == NV_UNDECIDED)
        nv_json_set(o, "reason", nv_json_str(p->why ? p->why : "unknown"));
    if (p->verdict == NV_DEPENDS) {
        struct nv_json *under = nv_json_array();
        size_t k;
        char *cond = nv_report_condition(run->m, nv_check_report_cex(run, i, part));
        nv_json_set(o, "condition", nv_json_str(cond));
        free(cond);
        for (k = 0; k < p->ncombos; k++) {
            struct nv_json *u = nv_check_report_json_combo(&p->combos[k]);
            nv_json_set(u, "fate", nv_json_str(k_fate_names[p->fate[k]]));
            nv_json_push(under, u);
        }
        nv_json_set(o, "under", under);
    }
    if (p->verdict != NV_REFUTED && p->verdict != NV_DEPENDS)
        return o;
    nv_check_report_json_witness(run->m, nv_check_report_cex(run, i, part), &w, &b);
    nv_json_set(o, "witness", w);
    nv_json_set(o, "because", b);
    return o;
}

/* {"claims": [...], "summary": {...}} */
static int nv_check_report_json(const struct nv_check_run *run, FILE *fp)
{
    struct nv_json *root = nv_json_object(), *arr = nv_json_array(), *sum = nv_json_object();
    const size_t *counts = run->counts;
    size_t i, p;
    int rc;

    for (i = 0; i < run->claims->n; i++) {
        const struct nv_claim *c = &run->claims->items[i];
        const struct nv_result *r = &run->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        struct nv_json *o = nv_json_object(), *parts = nv_json_array();
        char where[512];
        nv_json_set(o, "name", c->name ? nv_json_str(c->name) : nv_json_null());
        nv_json_set(o, "claim", nv_json_str(c->text));
        nv_json_set(o, "location", nv_json_str(nv_loc_format(c->loc, where, sizeof(where))));
        nv_json_set(o, "verdict", nv_json_str(nv_verdict_name(v)));
        nv_json_set(o, "holds", v == NV_UNDECIDED ? nv_json_null() : nv_json_bool(v == NV_HOLDS));
        if (v == NV_DEPENDS) {
            char *dep = nv_report_condition(run->m, nv_depending_cex(run, i));
            nv_json_set(o, "condition", nv_json_str(dep));
            free(dep);
        }
        if (c->expect_refuted) {
            struct nv_json *e = nv_json_object();
            nv_json_set(e, "verdict", nv_json_str("refuted"));
            nv_json_set(e, "reason", nv_json_str(c->reason));
            nv_json_set(e, "issue", c->issue ? nv_json_str(c->issue) : nv_json_null());
            nv_json_set(e, "location",
                        nv_json_str(nv_loc_format(c->expect_loc, where, sizeof(where))));
            nv_json_set(e, "met",
                        run->expect[i] == NV_EXPECT_NONE
                            ? nv_json_null()
                            : nv_json_bool(run->expect[i] == NV_EXPECT_MET));
            nv_json_set(o, "expect", e);
        }
        for (p = 0; p < r->nparts; p++)
            nv_json_push(parts, nv_check_report_json_part(run, i, p));
        /* the first refuted (else depending) part's witness, at the claim's level as well */
        for (p = 0; p < r->nparts && r->parts[p].verdict != NV_REFUTED; p++)
            ;
        if (p == r->nparts)
            for (p = 0; p < r->nparts && r->parts[p].verdict != NV_DEPENDS; p++)
                ;
        if (p < r->nparts) {
            struct nv_json *w, *b;
            nv_check_report_json_witness(run->m, nv_check_report_cex(run, i, p), &w, &b);
            nv_json_set(o, "witness", w);
            nv_json_set(o, "because", b);
        } else {
            nv_json_set(o, "witness", nv_json_null());
            nv_json_set(o, "because", nv_json_array());
        }
        nv_json_set(o, "parts", parts);
        nv_json_push(arr, o);
    }
    nv_json_set(root, "claims", arr);
    nv_json_set(sum, "holds", nv_json_int((long long)counts[NV_HOLDS]));
    nv_json_set(sum, "refuted", nv_json_int((long long)counts[NV_REFUTED]));
    nv_json_set(sum, "undecided", nv_json_int((long long)counts[NV_UNDECIDED]));
    nv_json_set(sum, "depends", nv_json_int((long long)counts[NV_DEPENDS]));
    if (run->nexpected || run->nstale) {
        nv_json_set(sum, "expected", nv_json_int((long long)run->nexpected));
        nv_json_set(sum, "stale", nv_json_int((long long)run->nstale));
    }
    nv_json_set(root, "summary", sum);
    rc = nv_json_dump(root, fp);
    nv_json_free(root);
    return rc;
}

/* The policy rules behind a witness, as SARIF related locations. */
static void nv_sarif_related(const struct nv_cex *x, struct nv_json *arr)
{
    const struct nv_part *p = x->part;
    int d;
    long long id = 1;

    if (p->kind == NV_PART_ISOLATED)
        return;
    for (d = 0; d < 2; d++) {
        const struct nv_side *s = d == 0 ? &x->why.egress : &x->why.ingress;
        const struct nv_admit *hit = x->side[d].hit;
        size_t i;
        if (p->kind != NV_PART_REACHES) {
            struct nv_buf b;
            struct nv_json *l;
            if (!hit)
                continue;
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "NetworkPolicy %s/%s %s rule #%u admits this flow", hit->policy->ns,
                          hit->policy->name, d == 0 ? "egress" : "ingress", hit->rule->index + 1);
            l = nv_report_sarif_location(hit->rule->loc, nv_buf_str(&b));
            nv_json_set(l, "id", nv_json_int(id++));
            nv_json_push(arr, l);
            nv_buf_release(&b);
        } else {
            for (i = 0; i < s->npolicies; i++) {
                struct nv_buf b;
                struct nv_json *l;
                nv_buf_init(&b, 0);
                nv_buf_printf(&b, "NetworkPolicy %s/%s isolates the %s side", s->policies[i]->ns,
                              s->policies[i]->name, d == 0 ? "egress" : "ingress");
                l = nv_report_sarif_location(s->policies[i]->loc, nv_buf_str(&b));
                nv_json_set(l, "id", nv_json_int(id++));
                nv_json_push(arr, l);
                nv_buf_release(&b);
            }
        }
    }
}

/* A claim that holds though 'expect: refuted' says otherwise: an error at the marker. */
static void nv_check_report_sarif_stale(struct nv_sarif *so, const struct nv_claim *c)
{
    struct nv_json *res = nv_json_object(), *msg = nv_json_object(), *locs = nv_json_array();
    struct nv_buf b;

    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "Claim '%s' holds now: remove %s (", c->name ? c->name : c->text,
                  nv_check_report_expect_marker(c));
    nv_check_report_expect_why(c, &b);
    nv_buf_putc(&b, ')');
    nv_json_set(res, "ruleId", nv_json_str("claim-expect-stale"));
    nv_json_set(res, "level", nv_json_str("error"));
    nv_json_set(msg, "text", nv_json_str(nv_buf_str(&b)));
    nv_buf_release(&b);
    nv_json_set(res, "message", msg);
    nv_json_push(locs, nv_report_sarif_location(c->expect_loc, NULL));
    nv_json_set(res, "locations", locs);
    nv_report_sarif_result(so, res);
}

/* A SARIF 2.1.0 log, a result per part that does not hold. */
static int nv_check_report_sarif(const struct nv_check_run *run, FILE *fp)
{
    struct nv_json *rules = nv_json_array();
    struct nv_sarif so;
    size_t i, p;

    nv_report_sarif_begin(&so, fp);
    nv_json_push(rules,
                 nv_report_sarif_rule("claim-refuted", "A network-segmentation claim is refuted"));
    nv_json_push(rules, nv_report_sarif_rule("claim-undecided",
                                             "A network-segmentation claim could not be decided"));
    nv_json_push(rules, nv_report_sarif_rule("claim-depends",
                                             "A network-segmentation claim holds or not depending "
                                             "on the network plugin"));
    if (run->nstale)
        nv_json_push(rules, nv_report_sarif_rule("claim-expect-stale",
                                                 "A claim marked 'expect: refuted' holds: remove "
                                                 "the marker"));
    for (i = 0; i < run->claims->n; i++) {
        const struct nv_claim *c = &run->claims->items[i];
        const struct nv_result *r = &run->results[i];
        if (run->expect[i] == NV_EXPECT_STALE)
            nv_check_report_sarif_stale(&so, c);
        for (p = 0; p < r->nparts; p++) {
            const struct nv_part *part = &r->parts[p];
            struct nv_json *res, *msg, *locs, *rel;
            struct nv_buf b;
            if (part->verdict == NV_HOLDS)
                continue;
            res = nv_json_object();
            msg = nv_json_object();
            locs = nv_json_array();
            nv_buf_init(&b, 0);
            nv_buf_printf(&b, "Claim %s: '%s'",
                          part->verdict == NV_DEPENDS ? "depends on the network plugin"
                                                      : nv_verdict_name(part->verdict),
                          c->name ? c->name : c->text);
            if (part->verdict == NV_REFUTED) {
                char *head = nv_report_headline(run->m, nv_check_report_cex(run, i, p));
                nv_buf_printf(&b, ": %s", head);
                free(head);
            } else if (part->verdict == NV_DEPENDS) {
                char *dep = nv_report_depends(run->m, nv_check_report_cex(run, i, p));
                nv_buf_printf(&b, ": %s", dep);
                free(dep);
            } else {
                nv_buf_printf(&b, " (%s)", part->why ? part->why : "unknown");
            }
            nv_json_set(res, "ruleId",
                        nv_json_str(part->verdict == NV_REFUTED   ? "claim-refuted"
                                    : part->verdict == NV_DEPENDS ? "claim-depends"
                                                                  : "claim-undecided"));
            nv_json_set(res, "level",
                        nv_json_str(part->verdict == NV_REFUTED ? "error" : "warning"));
            nv_json_set(msg, "text", nv_json_str(nv_buf_str(&b)));
            nv_buf_release(&b);
            nv_json_set(res, "message", msg);
            nv_json_push(locs, nv_report_sarif_location(c->loc, NULL));
            nv_json_set(res, "locations", locs);
            if (part->verdict == NV_REFUTED || part->verdict == NV_DEPENDS) {
                rel = nv_json_array();
                nv_sarif_related(nv_check_report_cex(run, i, p), rel);
                nv_json_set(res, "relatedLocations", rel);
            }
            if (run->expect[i] == NV_EXPECT_MET) {
                /* a known breach: suppressed where it is marked, with the reason */
                struct nv_json *sup = nv_json_array(), *one = nv_json_object();
                struct nv_buf why;
                nv_buf_init(&why, 0);
                nv_check_report_expect_why(c, &why);
                nv_json_set(one, "kind", nv_json_str("inSource"));
                nv_json_set(one, "justification", nv_json_str(nv_buf_str(&why)));
                nv_buf_release(&why);
                nv_json_push(sup, one);
                nv_json_set(res, "suppressions", sup);
            }
            nv_report_sarif_result(&so, res);
        }
    }
    return nv_report_sarif_end(&so, rules);
}

/* The failure (or error) text of a claim that does not hold: each part's headline and reasons. */
static void nv_junit_text(const struct nv_check_run *run, size_t i, struct nv_buf *b)
{
    const struct nv_result *r = &run->results[i];
    size_t p, k;

    for (p = 0; p < r->nparts; p++) {
        const struct nv_part *part = &r->parts[p];
        char *lines[2];
        size_t n = 0;
        if (part->verdict == NV_UNDECIDED) {
            nv_buf_puts(b, "undecided: ");
            nv_escape_xml(b, part->why ? part->why : "unknown", 0);
            nv_buf_putc(b, '\n');
        }
        if (part->verdict == NV_DEPENDS) {
            char *dep = nv_report_depends(run->m, nv_check_report_cex(run, i, p));
            nv_buf_puts(b, "depends: ");
            nv_escape_xml(b, dep, 0);
            nv_buf_putc(b, '\n');
            free(dep);
        }
        if (part->verdict != NV_REFUTED && part->verdict != NV_DEPENDS)
            continue;
        {
            char *head = nv_report_headline(run->m, nv_check_report_cex(run, i, p));
            nv_escape_xml(b, head, 0);
            nv_buf_putc(b, '\n');
            free(head);
        }
        if (part->kind != NV_PART_ISOLATED)
            nv_report_because(run->m, nv_check_report_cex(run, i, p), lines, &n);
        for (k = 0; k < n; k++) {
            nv_escape_xml(b, lines[k], 0);
            nv_buf_putc(b, '\n');
            free(lines[k]);
        }
    }
}

/* JUnit XML, a test case per claim. */
static int nv_check_report_junit(const struct nv_check_run *run, FILE *fp)
{
    const size_t *counts = run->counts;
    /* refuted as expected: skipped; holding though expected refuted: a failure */
    size_t i, failures = counts[NV_REFUTED] + counts[NV_DEPENDS] - run->nexpected + run->nstale;
    struct nv_buf b;

    nv_buf_init(&b, 0);
    /* a claim that depends on the plugin is a failure, of its own type */
    nv_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    nv_buf_printf(&b,
                  "<testsuites name=\"netverify\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
                  run->claims->n, failures, counts[NV_UNDECIDED]);
    nv_buf_puts(&b, "  <testsuite name=\"");
    nv_escape_xml(&b, run->claims->file ? run->claims->file : "claims", 1);
    nv_buf_printf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", run->claims->n,
                  failures, counts[NV_UNDECIDED]);
    for (i = 0; i < run->claims->n; i++) {
        const struct nv_claim *c = &run->claims->items[i];
        const struct nv_result *r = &run->results[i];
        enum nv_verdict v = nv_result_verdict(r);
        nv_buf_puts(&b, "    <testcase classname=\"netverify.claims\" name=\"");
        nv_escape_xml(&b, c->name ? c->name : c->text, 1);
        if (run->expect[i] != NV_EXPECT_NONE) {
            nv_buf_printf(&b, "\">\n      <%s message=\"",
                          run->expect[i] == NV_EXPECT_MET ? "skipped" : "failure");
            if (run->expect[i] == NV_EXPECT_MET)
                nv_buf_puts(&b, "refuted as expected: ");
            else
                nv_buf_printf(&b, "holds now: remove %s: ", nv_check_report_expect_marker(c));
            {
                struct nv_buf why;
                nv_buf_init(&why, 0);
                nv_check_report_expect_why(c, &why);
                nv_escape_xml(&b, nv_buf_str(&why), 1);
                nv_buf_release(&why);
            }
            nv_buf_puts(&b, "\"/>\n    </testcase>\n");
            fwrite(b.data, 1, b.len, fp);
            nv_buf_reset(&b);
            continue;
        }
        if (v == NV_HOLDS) {
            nv_buf_puts(&b, "\"/>\n");
            continue;
        }
        nv_buf_printf(&b, "\">\n      <%s %smessage=\"", v == NV_UNDECIDED ? "error" : "failure",
                      v == NV_DEPENDS ? "type=\"depends\" " : "");
        nv_escape_xml(&b, c->text, 1);
        nv_buf_puts(&b, "\">");
        nv_junit_text(run, i, &b);
        nv_buf_printf(&b, "</%s>\n    </testcase>\n", v == NV_UNDECIDED ? "error" : "failure");
        fwrite(b.data, 1, b.len, fp);
        nv_buf_reset(&b);
    }
    nv_buf_puts(&b, "  </testsuite>\n</testsuites>\n");
    fwrite(b.data, 1, b.len, fp);
    nv_buf_release(&b);
    return ferror(fp) ? -1 : 0;
}

const char *const nv_check_formats[] = {"text", "json", "sarif", "junit", NULL};

int nv_check_report(const struct nv_check_run *run, enum nv_check_format f, FILE *fp)
{
    /* in the order of enum nv_check_format */
    static int (*const render[])(const struct nv_check_run *, FILE *) = {
        nv_check_report_text, nv_check_report_json, nv_check_report_sarif, nv_check_report_junit};

    return render[f](run, fp);
}
