/*
 * checkreport.h - the report of a 'check' run: one renderer per format over
 * the same results, each writing what nv_check_all() found and deciding
 * nothing (see docs/claims.md#reports and docs/output.md).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CHECKREPORT_H
#define NETVERIFY_CHECKREPORT_H

#include <stdio.h>

#include "netverify/checkrun.h"

/* The formats, in the order of nv_check_formats. */
enum nv_check_format { NV_CHECK_TEXT, NV_CHECK_JSON, NV_CHECK_SARIF, NV_CHECK_JUNIT };
/* Their names for --format, NULL-terminated. */
extern const char *const nv_check_formats[];

/*
 * The report in format f, written whole to fp: returns 0, or -1 if a write
 * failed. Text: a line per claim (and the counterexample of one that does
 * not hold), then the counts; json: {"claims": [...], "summary": {...}};
 * sarif: a SARIF 2.1.0 log, a result per part that does not hold; junit:
 * JUnit XML, a test case per claim.
 */
int nv_check_report(const struct nv_check_run *run, enum nv_check_format f, FILE *fp);

#endif
