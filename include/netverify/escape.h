/*
 * escape.h - text a contributor controls (names, claim texts, file names)
 * made inert for each output format: one function per format, the only place
 * where netverify decides how untrusted text is written. docs/output.md
 * ("Escaping") and docs/security.md ("Outputs") describe the rules.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_ESCAPE_H
#define NETVERIFY_ESCAPE_H

#include <stdio.h>

#include "netverify/buf.h"
#include "netverify/diag.h"

/*
 * Terminal text, one line (every text format, explain, diagnostics on stderr,
 * comments of --emit-smt files): printable text unchanged; newline, tab and
 * carriage return as \n, \t, \r; other C0 controls, DEL and bytes that are not
 * UTF-8 as \xHH; C1 controls, bidirectional controls, U+2028, U+2029, U+FFFE
 * and U+FFFF as \uHHHH. The result holds no control character, so it is one
 * line. Backslashes are not doubled: the escapes are for reading, not reversible.
 */
void nv_escape_term(struct nv_buf *b, const char *s);

/*
 * Format one line of terminal text (fmt without the newline), write it to fp
 * with nv_escape_term() and end it with a newline.
 */
void nv_escape_term_line(FILE *fp, const char *fmt, ...) NV_PRINTF(2, 3);

/*
 * Markdown inline text, safe in a GFM table cell and inside a paragraph line:
 * what nv_escape_term() escapes, shown the same way; the ASCII punctuation
 * that Markdown, GFM or GitHub give a meaning to (\ ` * _ [ ] < > # | ~ & $)
 * backslash-escaped; '@' followed by a zero-width space (&#8203;, no mention
 * and no e-mail link); "://" and "www." broken by a backslash (no autolink); a
 * leading '-', '+', '=' or list number escaped (no block starts).
 */
void nv_escape_md(struct nv_buf *b, const char *s);

/*
 * One CSV field (RFC 4180): a field that starts with '=', '+', '-', '@', tab
 * or carriage return gets a leading "'" (spreadsheets do not run it as a
 * formula); a field holding a comma, a double quote, CR or LF is quoted with
 * its quotes doubled. Other bytes are kept.
 */
void nv_escape_csv(struct nv_buf *b, const char *s);

/*
 * XML 1.0 character data (attr = 0) or a double-quoted attribute value
 * (attr = 1): & < > " as entities; in attributes newline, tab and CR as
 * character references (attribute normalisation would turn them into spaces),
 * in text CR as &#13;; every other character nv_escape_term() escapes (XML
 * forbids most of them: C0 controls, U+FFFE, U+FFFF, bytes that are not UTF-8)
 * written as its \x or \u escape.
 */
void nv_escape_xml(struct nv_buf *b, const char *s, int attr);

/*
 * A relative reference for a file path (RFC 3986): every byte but the
 * unreserved characters (A-Z a-z 0-9 - . _ ~) and '/' percent-encoded, so
 * '#', '?', '%', ':' and spaces stay in the path and a relative path stays
 * relative.
 */
void nv_escape_uri(struct nv_buf *b, const char *s);

/*
 * Text for a DOT label (an escString, written by cgraph in double quotes):
 * what nv_escape_term() escapes, shown the same way, and backslashes doubled,
 * so that no name adds a line break (\n, \l, \r) or a substitution (\N, \G).
 */
void nv_escape_dot(struct nv_buf *b, const char *s);

/*
 * Append s with every byte that does not start a valid UTF-8 sequence replaced
 * by U+FFFD (for JSON); b may be NULL to count only. Returns how many bytes
 * were replaced.
 */
size_t nv_escape_utf8(struct nv_buf *b, const char *s);

/* Whether s is valid UTF-8. */
int nv_escape_is_utf8(const char *s);

#endif
