/*
 * rows.h - the flow-row writer of 'list' and 'diff': one row per flow or per
 * change, in text, JSON, CSV, Markdown or SARIF, with each format's framing
 * and its escaping (through escape.h only). docs/output.md describes the
 * bytes. The writer decides nothing: the rows come in the order they are
 * written, and every format is written as they come.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_ROWS_H
#define NETVERIFY_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netverify/diag.h"
#include "netverify/flows.h"
#include "netverify/port.h"

enum nv_rows_format { NV_ROWS_TEXT, NV_ROWS_JSON, NV_ROWS_CSV, NV_ROWS_MD, NV_ROWS_SARIF };

/* The document: list's flows, or diff's changes (and the claims whose verdict changes). */
enum nv_rows_doc { NV_ROWS_LIST, NV_ROWS_DIFF };

enum nv_row_change { NV_ROW_ADDED = 0, NV_ROW_REMOVED = 1, NV_ROW_CHANGED = 2 };

/* A claim whose verdict a change alters (diff --claims). */
struct nv_row_claim {
    const char *text, *name;    /* the claim; name may be NULL */
    const char *before, *after; /* verdict words: "holds", "refuted", ... */
    const char *detail;         /* what stands behind 'after' (counterexample, error), or NULL */
    int worse;                  /* it held before and does not now */
    struct nv_loc loc;          /* the claim in its file */
};

struct nv_rows;

/*
 * A writer of document 'doc' in format 'fmt' to fp. Port sets are ids of
 * table pt (which may grow while the writer is in use: ids it had stay); the
 * writer keeps the texts it writes. A workload's escaped name is computed once, under its number
 * (0 .. nwl-1). List takes text, json, csv and md; diff text, json, md and
 * sarif. Writes the document's opening (the CSV and Markdown headers of list,
 * the JSON and SARIF openings). The caller frees the writer with nv_rows_free().
 */
struct nv_rows *nv_rows_new(FILE *fp, enum nv_rows_doc doc, enum nv_rows_format fmt,
                            const struct nv_ports *pt, size_t nwl);
void nv_rows_free(struct nv_rows *w);

/* One flow of list: the connections 'ports', of which 'sure' under every behaviour. */
void nv_rows_flow(struct nv_rows *w, const struct nv_flow_end *src, const struct nv_flow_end *dst,
                  uint32_t ports, uint32_t sure);

/*
 * One change of diff: the connections were 'before' and are 'after' (both
 * ids of pt; NV_PORTS_NONE for none). loc is where a SARIF result points; it
 * may be NULL in the other formats (see nv_rows_wants_loc()).
 */
void nv_rows_change(struct nv_rows *w, enum nv_row_change k, const struct nv_flow_end *src,
                    const struct nv_flow_end *dst, uint32_t before, uint32_t after,
                    const struct nv_loc *loc);
/* Whether nv_rows_change() uses its loc (SARIF): computing it costs an explanation. */
int nv_rows_wants_loc(const struct nv_rows *w);
/* How many changes of kind k were written so far. */
size_t nv_rows_count(const struct nv_rows *w, enum nv_row_change k);

/*
 * Diff with --claims: after the last change, nv_rows_claims() opens the claims
 * section (JSON writes its "claims" array even when no verdict changes), then
 * one nv_rows_claim() per claim whose verdict changes.
 */
void nv_rows_claims(struct nv_rows *w);
void nv_rows_claim(struct nv_rows *w, const struct nv_row_claim *c);

/*
 * Write the end of the document. Returns 0, or -1 after saying on stderr
 * what failed (the temporary file that holds the end of diff's JSON). The
 * caller flushes fp and checks it.
 */
int nv_rows_finish(struct nv_rows *w);

#endif
