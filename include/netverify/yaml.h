/*
 * yaml.h - read YAML and JSON documents into netverify's own node tree.
 * The only module that sees libyaml: each document is converted into nodes
 * allocated in a scratch arena, handed to a callback, then dropped.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_YAML_H
#define NETVERIFY_YAML_H

#include <stddef.h>
#include <stdio.h>

#include "netverify/arena.h"
#include "netverify/diag.h"

enum nv_node_type { NV_NODE_SCALAR, NV_NODE_SEQ, NV_NODE_MAP };

/*
 * What a scalar means as Kubernetes reads a manifest: sigs.k8s.io/yaml decodes
 * it with go-yaml v2 into interface{} and converts the result to JSON. Plain
 * scalars resolve by go-yaml v2's YAML 1.1 rules (yes/on/0x50/012/1_000 are
 * not strings), explicit tags (!!int, !!binary, ...) apply, quoted scalars
 * are strings. See "How YAML is read" in docs/semantics.md.
 */
enum nv_scalar_kind {
    NV_SCALAR_STR,
    NV_SCALAR_INT,
    NV_SCALAR_FLOAT,
    NV_SCALAR_BOOL,
    NV_SCALAR_NULL
};

/*
 * A node of a loaded document. Mapping keys are always strings: the loader
 * turns a key that resolves to another kind into the string JSON gets
 * (yes -> "true", 0x50 -> "80"), remembering the kind in key_kind. Merge
 * keys ('<<') are merged by the loader and never seen by readers.
 */
struct nv_node {
    enum nv_node_type type;
    enum nv_scalar_kind kind; /* scalars only; quoted scalars are always strings */
    int quoted;               /* a quoted or block scalar: its text starts after loc */
    int multiline;            /* the node spans more than one line of the source */
    size_t offset;            /* characters (not bytes) before the node in the stream */
    struct nv_loc loc;        /* where the node starts */
    const char *str;          /* scalar text as written (decoded for !!binary), NUL-terminated;
                                 a mapping key: its JSON string; never holds a NUL */
    size_t len;
    long long ival;               /* NV_SCALAR_INT: the value (with ibig: the uint64 bit pattern) */
    int ibig;                     /* NV_SCALAR_INT above the int64 range, as go-yaml's uint64 */
    double fval;                  /* NV_SCALAR_FLOAT: the value (may be NaN or infinite in keys) */
    int bval;                     /* NV_SCALAR_BOOL: the value */
    enum nv_scalar_kind key_kind; /* what a mapping key resolved to before it became a string */
    int merge;                    /* loader use: a '<<' merge key */
    size_t n;                     /* sequence items, or mapping pairs */
    size_t xsize;                 /* nodes in this subtree, aliases expanded */
    struct nv_node **items;       /* sequence: n items; mapping: 2n (key, value) */
};

/* Input limits; nv_yaml_limits_default() gives the documented defaults. */
struct nv_yaml_limits {
    unsigned max_depth;    /* nesting of collections */
    size_t max_nodes;      /* nodes per document, counting what aliases repeat */
    size_t max_file_bytes; /* size of one input file */
};
void nv_yaml_limits_default(struct nv_yaml_limits *lim);

/*
 * Called once per non-empty document with its root. 'scratch' holds the nodes
 * and is cleared after the call returns: copy what must survive.
 */
typedef void (*nv_yaml_doc_fn)(const struct nv_node *root, unsigned docno, void *ctx);

/*
 * Parse every document of 'fp' (opened by the caller; 'file' is the name used
 * in positions and must outlive the diagnostics). Returns 0, or -1 after
 * recording an error (the documents before the error were delivered).
 */
int nv_yaml_load(FILE *fp, const char *file, const struct nv_yaml_limits *lim,
                 struct nv_arena *scratch, struct nv_diags *d, nv_yaml_doc_fn fn, void *ctx);

/* Lookup in a mapping by key; NULL when absent or when 'map' is not a mapping. */
const struct nv_node *nv_node_get(const struct nv_node *map, const char *key);
/* Whether the node is a null scalar (null, ~, empty plain scalar). NULL node counts as null. */
int nv_node_is_null(const struct nv_node *n);

/* What nv_node_integer() found. */
enum nv_int_status {
    NV_INT_OK,      /* *out holds the value */
    NV_INT_NOT_INT, /* not a number, or a number with a fraction (80.5) */
    NV_INT_RANGE    /* an integer outside the range of a 64-bit integer */
};
/*
 * The integer a scalar gives a Kubernetes integer field. An integral float
 * counts (80.0 and 8e+1 become the JSON number 80, which an int32 field
 * takes); a string never does, a fraction never does.
 */
enum nv_int_status nv_node_integer(const struct nv_node *n, long long *out);
const char *nv_node_type_name(const struct nv_node *n);
/* libyaml's version, for --version. */
const char *nv_yaml_library_version(void);

#endif
