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

/* The system workloads --assume adds when the input lacks them (bits of nv_load_opts.assume). */
enum nv_assume {
    NV_ASSUME_KUBE_DNS = 1 << 0, /* kube-system/coredns, k8s-app=kube-dns, UDP and TCP 53 */
};
/* The name of --assume's value for bit 'a', and the bit of a name (0: unknown). */
const char *nv_assume_name(unsigned a);
unsigned nv_assume_parse(const char *name);
/* Every name --assume takes, for messages ("kube-dns"). */
const char *nv_assume_names(void);
/* The kind an assumed workload has in every output: "Deployment (assumed)". */
#define NV_ASSUMED_KIND "Deployment (assumed)"

/*
 * What a load met that a command may have to act on (--strict): filled by
 * nv_load() and friends when nv_load_opts.stats is set (added to, not reset).
 */
struct nv_load_stats {
    /* objects of kinds that enforce traffic and are not modelled (CiliumNetworkPolicy, Calico
     * policies, ...): the results ignore them; the first one ("CiliumNetworkPolicy 'x'", owned)
     * and where it is */
    size_t enforcing;
    char *first;
    struct nv_loc first_loc;
    char *first_file; /* owns first_loc.file */
    size_t excluded;  /* files --exclude left out */
    size_t skipped;   /* documents without apiVersion or kind, skipped */
    size_t assumed;   /* workloads --assume added */
    size_t lint;      /* warnings of lint's cheap checks (--strict only) */
    int lint_told;    /* the command printed lint's one-line count (with that number) */
};
void nv_load_stats_release(struct nv_load_stats *s);
/* Add what 'from' counted to 'to', as if one had counted both loads, to's first; 'from' is
 * released. */
void nv_load_stats_add(struct nv_load_stats *to, struct nv_load_stats *from);

/*
 * Whether 'kind' (with 'api_version', which may be NULL) is a policy kind of a
 * network plugin or add-on that enforces traffic and that netverify does not
 * model: its rules may allow or block what the results say.
 */
int nv_load_enforcing_kind(const char *kind, const char *api_version);

/*
 * Whether path 'rel' (relative to the directory given, '/'-separated, no
 * leading "./") matches 'glob': '*' and '?' and '[...]' within one path
 * component, '**' across components (followed by a slash: zero or more
 * directories), a backslash escapes. A glob without '/' is matched against the last component only.
 * A trailing '/' matches directories only ('is_dir').
 */
int nv_load_glob_match(const char *glob, const char *rel, int is_dir);

struct nv_load_opts {
    struct nv_yaml_limits limits;
    struct nv_profile_opts cluster;   /* --cni, --pod-cidr, ... as given */
    const struct nv_profile *profile; /* the cluster profile the model gets (NULL: generic) */
    /* follow symbolic links that lead out of a directory given on the command line */
    int follow_symlinks;
    /* no ingress controller endpoint for Ingress, Route and Gateway API routes */
    int no_ingress_controller;
    size_t max_claims; /* claims in a claims file (NV_CLAIMS_MAX_DEFAULT) */
    /* --exclude GLOB (the profile adds netverify.yaml's): files and directories a walk of a
     * directory given on the command line leaves out (a file given by name is always read) */
    const struct nv_exclude *exclude;
    size_t nexclude;
    unsigned assume;             /* --assume: enum nv_assume bits (the profile adds its own) */
    struct nv_load_stats *stats; /* where to count what --strict looks at, or NULL */
    int strict;                  /* --strict: also count lint's warnings into stats */
    /* the command line names an IPv6 address (explain's ends, a filter): the input mentions
     * IPv6 (see nv_model_finish()) */
    int ipv6_named;
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
