/*
 * report.h - the words every report uses for a flow: endpoint names, rule
 * and policy references with positions, the headline of a refuted claim
 * part and the per-direction reasons behind it. Shared by check, diff and
 * explain so that they say the same thing the same way.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_REPORT_H
#define NETVERIFY_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/explain.h"
#include "netverify/model.h"

/*
 * The name of pod 'inst' of pod group 'pod': its own name for a Pod manifest
 * ("web-7f9c-x2x"), NAME-ORDINAL for a StatefulSet's ("db-1"), else "#N", its
 * number among the pods its workload's templates run (1-based).
 */
void nv_report_pod(struct nv_buf *b, const struct nv_model *m, uint32_t pod, unsigned inst);

/*
 * The pods of pod groups pods[0..n) (of one workload): "pod db-0", "pods #1-#3",
 * "pods db-1, db-3, db-4"; past six names, "and N more".
 */
void nv_report_pods(struct nv_buf *b, const struct nv_model *m, const uint32_t *pods, size_t n);

/* Whether a witness end is written with its pod (its workload runs several). */
int nv_report_names_pod(const struct nv_model *m, const struct nv_end *e);

/* "file:line:col" */
void nv_report_loc(struct nv_buf *b, struct nv_loc loc);

struct nv_cex; /* checkrun.h: a counterexample explained by nv_cex_build() */

/*
 * One line per direction for a counterexample flow (not 'is isolated'): for an
 * allowed flow the rule that admits it; for a blocked one what isolates the
 * pod and what its rules admit instead. Stores malloc'd lines in
 * lines[0..1], their count in *nlines.
 */
void nv_report_because(const struct nv_model *m, const struct nv_cex *x, char **lines,
                       size_t *nlines);

/* The headline of a refuted claim part ("allowed: a -> b on TCP 80"); malloc'd. */
char *nv_report_headline(const struct nv_model *m, const struct nv_cex *x);

/*
 * What a part whose verdict depends on the network plugin turns on, from its
 * fates and witness: "holds unless the network plugin matches pod IPs against
 * ipBlocks, as ipBlock 0.0.0.0/0 (p.yaml:12:9) does", "refuted when ...",
 * with ", for some addresses of the pods" when the addresses decide. Malloc'd.
 */
char *nv_report_condition(const struct nv_model *m, const struct nv_cex *x);
/* "CONDITION: a[Pod] -> b[Pod] on TCP 80" for a depending part; malloc'd. */
char *nv_report_depends(const struct nv_model *m, const struct nv_cex *x);
/*
 * The connections of a flow: those allowed under every behaviour the profile
 * leaves open (and every address and node of the pods), then those allowed
 * only under some, marked with a '?' ("TCP 80,TCP 443?"). 'npa': in
 * netpol-analyzer's words ("All Connections"), else in the canonical ones.
 */
void nv_report_conns(struct nv_buf *b, const struct nv_ports *pt, uint32_t ports, uint32_t sure,
                     int npa);
/*
 * "ipBlockMatchesPods=true": the values of the behaviours the profile leaves
 * open and model m can tell apart (every behaviour when there is none).
 */
void nv_report_combo(struct nv_buf *b, const struct nv_model *m, const struct nv_combo *c);

/* A selector in kubectl's words: "app=web,tier in (a,b),!legacy"; "{} (everything)" when empty. */
void nv_report_selector(struct nv_buf *b, const struct nv_selector *s);
/* Why labels l do not satisfy s: "label app=db" or "no label app" (the first failing term). */
void nv_report_unmatched(struct nv_buf *b, const struct nv_selector *s, const struct nv_labels *l);

/* An address range as a CIDR when it is one ("10.0.0.0/8"), else "lo-hi". */
void nv_report_range(struct nv_buf *b, const struct nv_iprange *r);

struct nv_json;
/* A SARIF location object for loc, with an optional message. */
struct nv_json *nv_report_sarif_location(struct nv_loc loc, const char *text);
/* A SARIF reporting descriptor: {"id", "shortDescription": {"text"}}. */
struct nv_json *nv_report_sarif_rule(const char *id, const char *text);
/*
 * A SARIF 2.1.0 log of one netverify run, written as it goes: the results one
 * at a time (each freed once written), then the tool with its rules. A report
 * of any size takes the memory of one result; the bytes are those
 * nv_json_dump() writes for the whole log (keys sorted: "results" comes before
 * "tool").
 */
struct nv_sarif {
    FILE *fp;
    size_t nresults;
    int failed; /* a write failed */
};
void nv_report_sarif_begin(struct nv_sarif *s, FILE *fp);
/* Write one result; takes 'result'. */
void nv_report_sarif_result(struct nv_sarif *s, struct nv_json *result);
/* End the log with the tool and its 'rules' (an array; taken). Returns 0, or -1 if a write failed.
 */
int nv_report_sarif_end(struct nv_sarif *s, struct nv_json *rules);

#endif
