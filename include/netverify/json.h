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
/*
 * Small JSON documents (claim results, SARIF): a tree built with the
 * constructors below. Setters and nv_json_push take ownership of the value.
 */
struct nv_json;
struct nv_json *nv_json_object(void);
struct nv_json *nv_json_array(void);
struct nv_json *nv_json_str(const char *s);
struct nv_json *nv_json_int(long long v);
struct nv_json *nv_json_bool(int v);
struct nv_json *nv_json_null(void);
void nv_json_set(struct nv_json *obj, const char *key, struct nv_json *v);
void nv_json_push(struct nv_json *arr, struct nv_json *v);
/* Write with sorted keys and two-space indent, then a newline. Returns 0 or -1. */
int nv_json_dump(const struct nv_json *v, FILE *fp);
/*
 * Write v as nv_json_dump() writes it where it sits 'depth' levels deep in a
 * document (its lines indented accordingly; no newline at the end), for a
 * document written piece by piece. Returns 0 or -1.
 */
int nv_json_dump_nested(const struct nv_json *v, unsigned depth, FILE *fp);
void nv_json_free(struct nv_json *v);

/* The version of the JSON library, for --version. */
const char *nv_json_library_version(void);

#endif
