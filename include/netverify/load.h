/*
 * load.h - from command-line paths to a finished model: walk directories
 * (recursively, sorted, .yaml/.yml/.json), read stdin for "-", parse every
 * document and build the model.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_LOAD_H
#define NETVERIFY_LOAD_H

#include <stddef.h>

#include "netverify/buf.h"
#include "netverify/diag.h"
#include "netverify/model.h"
#include "netverify/profile.h"
#include "netverify/yaml.h"

struct nv_load_opts {
    struct nv_yaml_limits limits;
    struct nv_profile_opts cluster;   /* --cni, --pod-cidr, ... as given */
    const struct nv_profile *profile; /* the cluster profile the model gets (NULL: generic) */
    /* follow symbolic links that lead out of a directory given on the command line */
    int follow_symlinks;
    size_t max_claims; /* claims in a claims file (NV_CLAIMS_MAX_DEFAULT) */
};
void nv_load_opts_default(struct nv_load_opts *o);

/*
 * Read 'path' whole into 'out' (initialised here; the caller releases it):
 * only a regular file of at most 'max' bytes, opened without blocking, so
 * that a FIFO, a device or a directory (a claims file a pull request turned
 * into a link to /dev/zero) is refused by what it is before anything waits on
 * it. 'what' names the file in messages ("the claims file"). Returns 0, or -1
 * after recording an error; with 'missing_ok', 1 when the file cannot be
 * opened (nothing recorded).
 */
int nv_load_read_file(const char *path, const char *what, size_t max, int missing_ok,
                      struct nv_buf *out, struct nv_diags *d);

/*
 * Whether 'path' is a symbolic link whose target lies outside directory 'dir'
 * (0 when it is not a link, or its target does not resolve: opening it says
 * what is wrong). Directories given on the command line are walked without
 * following such links unless follow_symlinks is set.
 */
int nv_load_link_leaves(const char *path, const char *dir);

/*
 * Load every path into a new model and finish it. Returns the model, or NULL
 * when any error was recorded in d (all errors found are recorded).
 * The caller must free the result with nv_model_free().
 */
struct nv_model *nv_load(char *const *paths, size_t npaths, const struct nv_load_opts *o,
                         struct nv_diags *d);

/*
 * The same without nv_model_finish(), so that claims can add to the model what
 * they select first. The caller finishes and frees the model.
 */
struct nv_model *nv_load_unfinished(char *const *paths, size_t npaths, const struct nv_load_opts *o,
                                    struct nv_diags *d);

/*
 * Like nv_load_unfinished() for one file already in memory: data[0..len) is
 * parsed as if read from a file called 'name' (used in positions). The size
 * limit applies as to a file; an empty buffer gives an empty model.
 * The caller finishes and frees the model; 'data' is not kept.
 */
struct nv_model *nv_load_buffer(const char *data, size_t len, const char *name,
                                const struct nv_load_opts *o, struct nv_diags *d);

#endif
