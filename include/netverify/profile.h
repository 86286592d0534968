/*
 * profile.h - the cluster profile: what the manifests do not say and the
 * network plugin decides (the behaviours), and the cluster's pod and service
 * CIDRs. Read from the 'cluster:' section of netverify.yaml and from the
 * command-line options every command that reads manifests takes.
 *
 * A behaviour the profile does not pin is unknown: the engines then decide
 * under every value it may take (see "Network plugins" in docs/semantics.md).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_PROFILE_H
#define NETVERIFY_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/diag.h"
#include "netverify/ip.h"

/*
 * The behaviours the NetworkPolicy API leaves to the plugin. Adding one is
 * adding a row to nv_behaviours[] (profile.c) and giving it a meaning in the
 * engines and in explain.c.
 */
enum nv_behaviour {
    NV_B_IPBLOCK_PODS, /* 0: ipBlocks ignore pod and node addresses; 1: they match them */
    NV_B_HOSTNET,      /* 0: hostNetwork pods are their node; 1: they are ordinary pods */
    NV_NBEHAVIOURS
};

/* Values of NV_B_IPBLOCK_PODS and NV_B_HOSTNET. */
#define NV_IPBLOCK_IGNORES_PODS 0
#define NV_IPBLOCK_MATCHES_PODS 1
#define NV_HOSTNET_NODE 0
#define NV_HOSTNET_POD 1

/* A behaviour the profile leaves open. */
#define NV_UNKNOWN 255

struct nv_behaviour_def {
    const char *key;       /* in the 'cluster:' section */
    const char *option;    /* on the command line, without the leading "--" */
    const char *values[2]; /* the value names, in the file and on the command line */
    const char *when[2];   /* "the network plugin ..." under each value, for reports */
    const char *word[2];   /* a short form for tables and JSON ("ipBlockMatchesPods=true") */
};
extern const struct nv_behaviour_def nv_behaviours[NV_NBEHAVIOURS];

/* The most combinations of behaviours (every behaviour has two values). */
#define NV_MAX_COMBOS (1u << NV_NBEHAVIOURS)

/* One value for every behaviour: a combination the engines decide under. */
struct nv_combo {
    unsigned char v[NV_NBEHAVIOURS];
    /* the order the plugin puts cluster-tier policies of one priority in, which the APIs
     * leave open (see nv_explain_tier_order()): 0 is the model's; a witness of the SMT
     * engine may carry another */
    unsigned char order;
    /* which cluster-tier peers the manifests cannot decide hold the other end of a witness
     * (bit i: peer i of nv_explain_maybe_peer()) */
    uint32_t maybe;
};

/*
 * A pattern of --exclude GLOB or of netverify.yaml's 'exclude:' list (see
 * nv_load_glob_match() and docs/inputs.md). loc is the pattern's position in
 * netverify.yaml; loc.file is NULL for --exclude.
 */
struct nv_exclude {
    const char *glob;
    struct nv_loc loc;
};

/* The most --exclude options, and 'exclude:' patterns, one run takes; the longest pattern. */
#define NV_EXCLUDE_MAX 256
#define NV_EXCLUDE_MAX_LEN 1024

struct nv_profile {
    const char *cni;                   /* the named profile, or NULL (static string) */
    unsigned char pin[NV_NBEHAVIOURS]; /* a value, or NV_UNKNOWN */
    size_t npod, nsvc;
    struct nv_iprange *pod, *svc; /* pod and service CIDRs (owned, see below) */
    /* the address families the cluster has (NV_FAMILY_BIT()s), as --ip-family or 'ipFamily:'
     * chose them; 0: not chosen, the input decides (see nv_model_finish()). families_at is
     * the key's position in netverify.yaml (file NULL: the option, or not chosen) */
    unsigned families;
    struct nv_loc families_at;
    /* netverify.yaml's 'exclude:' patterns and 'cluster: assume:' (enum nv_assume bits):
     * read with the profile, used by the loader only (a model's copy has none) */
    struct nv_exclude *exclude;
    size_t nexclude;
    unsigned assume;
};

/* Every behaviour unknown, no CIDR: the generic profile. */
void nv_profile_init(struct nv_profile *p);
/* Free the CIDR arrays (a profile copied into a model's arena has none to free). */
void nv_profile_release(struct nv_profile *p);

/* The most --pod-cidr (and --service-cidr) options one command takes. */
#define NV_PROFILE_MAX_CIDRS 64

/*
 * What the command line says, to lay over the file: each field set only when
 * its option was given. Nothing to release.
 */
struct nv_profile_opts {
    const char *cni; /* --cni */
    unsigned char pin[NV_NBEHAVIOURS];
    size_t npod, nsvc; /* 0: not given */
    struct nv_iprange pod[NV_PROFILE_MAX_CIDRS], svc[NV_PROFILE_MAX_CIDRS];
    unsigned families; /* --ip-family: NV_FAMILY_BIT()s; 0: not given */
};
void nv_profile_opts_init(struct nv_profile_opts *o);

/*
 * Apply one option of 'name' (without "--") with argument 'arg'. Returns 1 if
 * 'name' is a profile option (applied), 0 if not, -1 on a bad value (a message
 * on stderr).
 */
int nv_profile_opt(struct nv_profile_opts *o, const char *name, const char *arg);

/*
 * Read the 'cluster:' section of netverify.yaml at 'path' (a missing section
 * leaves p as it is). Errors go to d with their positions. Returns 0 or -1.
 */
int nv_profile_read(struct nv_profile *p, const char *path, struct nv_diags *d);

/*
 * Lay the command-line options over a profile read from the file: --cni
 * replaces the file's named profile and the behaviours it set; an option for
 * one behaviour pins it; --pod-cidr and --service-cidr replace the file's lists.
 */
void nv_profile_apply_opts(struct nv_profile *p, const struct nv_profile_opts *o);

/*
 * Check what the profile says of the address families against its pod CIDRs:
 * families chosen (--ip-family, 'ipFamily:') must be those of the pod CIDRs
 * when there are some. Errors go to d. Returns 0 or -1.
 */
int nv_profile_check(const struct nv_profile *p, struct nv_diags *d);

/* The name of NV_FAMILY_BIT()s 'families' as --ip-family takes it: "ipv4", "ipv6" or "dual". */
const char *nv_profile_family_name(unsigned families);

/* "cni=calico" or "ipBlockMatchesPods=?, hostNetwork=node"-style text, for reports (malloc'd). */
char *nv_profile_describe(const struct nv_profile *p);

#endif
