/*
 * json.h - JSON text output: string escaping for streamed output, and
 * (through jansson) whole documents for small structured results.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_JSON_H
#define NETVERIFY_JSON_H

#include <stdio.h>

#include "netverify/buf.h"

/* Append s as a JSON string literal (with quotes) to b. */
void nv_json_quote(struct nv_buf *b, const char *s);
/* Write s as a JSON string literal to fp. */
void nv_json_write_string(FILE *fp, const char *s);
/* The version of the JSON library, for --version. */
const char *nv_json_library_version(void);

#endif
