/*
 * profile.c - the cluster profile: the behaviour table, the named profiles of
 * the common network plugins, the 'cluster:' section of netverify.yaml and
 * the command-line options laid over it.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/profile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/claim.h"
#include "netverify/load.h"
#include "netverify/yaml.h"

#include "profile_int.h"

const struct nv_behaviour_def nv_behaviours[NV_NBEHAVIOURS] = {
    {"ipBlockMatchesPods",
     "ipblock-matches-pods",
     {"false", "true"},
     {"the network plugin does not match pod IPs against ipBlocks",
      "the network plugin matches pod IPs against ipBlocks"},
     {"ipBlockMatchesPods=false", "ipBlockMatchesPods=true"}},
    {"hostNetwork",
     "host-network",
     {"node", "pod"},
     {"the network plugin treats hostNetwork pods as their node",
      "the network plugin treats hostNetwork pods as ordinary pods"},
     {"hostNetwork=node", "hostNetwork=pod"}},
};

/* The sources of each pin are in docs/semantics.md, "Network plugins". */
const struct nv_cni_def nv_cnis[] = {
    {"calico", {NV_IPBLOCK_MATCHES_PODS, NV_HOSTNET_NODE}},
    {"cilium", {NV_IPBLOCK_IGNORES_PODS, NV_HOSTNET_NODE}},
    {"ovn-kubernetes", {NV_IPBLOCK_MATCHES_PODS, NV_HOSTNET_NODE}},
    {"antrea", {NV_IPBLOCK_MATCHES_PODS, NV_HOSTNET_NODE}},
    {"generic", {NV_UNKNOWN, NV_UNKNOWN}},
};
const size_t nv_ncnis = sizeof(nv_cnis) / sizeof(nv_cnis[0]);

void nv_profile_init(struct nv_profile *p)
{
    memset(p, 0, sizeof(*p));
    memset(p->pin, NV_UNKNOWN, sizeof(p->pin));
}

void nv_profile_release(struct nv_profile *p)
{
    size_t i;

    free(p->pod);
    free(p->svc);
    p->pod = p->svc = NULL;
    p->npod = p->nsvc = 0;
    for (i = 0; i < p->nexclude; i++)
        free((void *)(uintptr_t)p->exclude[i].glob); /* the pattern and its file name: one block */
    free(p->exclude);
    p->exclude = NULL;
    p->nexclude = 0;
}

static struct nv_iprange *nv_ranges_dup(const struct nv_iprange *r, size_t n)
{
    struct nv_iprange *out;

    if (!n)
        return NULL;
    out = nv_xmalloc(n * sizeof(*out));
    memcpy(out, r, n * sizeof(*out));
    return out;
}

const struct nv_cni_def *nv_cni_find(const char *name)
{
    size_t i;

    for (i = 0; i < nv_ncnis; i++)
        if (!strcmp(nv_cnis[i].name, name))
            return &nv_cnis[i];
    return NULL;
}

static const char *nv_cni_names(void)
{
    static char buf[256];
    size_t i, n = 0;

    if (buf[0])
        return buf;
    for (i = 0; i < nv_ncnis && n < sizeof(buf); i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "", nv_cnis[i].name);
    return buf;
}

char *nv_profile_describe(const struct nv_profile *p)
{
    struct nv_buf b;
    size_t i;

    nv_buf_init(&b, 0);
    if (p->cni)
        nv_buf_printf(&b, "cni=%s", p->cni);
    for (i = 0; i < NV_NBEHAVIOURS; i++) {
        const struct nv_cni_def *c = p->cni ? nv_cni_find(p->cni) : NULL;
        if (c && c->pin[i] == p->pin[i])
            continue; /* what the named profile says */
        nv_buf_printf(&b, "%s%s=%s", b.len ? ", " : "", nv_behaviours[i].key,
                      p->pin[i] == NV_UNKNOWN ? "?" : nv_behaviours[i].values[p->pin[i]]);
    }
    return nv_buf_detach(&b);
}

/* ---- address families ---- */

/* --ip-family's values, by NV_FAMILY_BIT()s - 1 */
static const char *const k_family_names[] = {"ipv4", "ipv6", "dual"};

const char *nv_profile_family_name(unsigned families)
{
    return families >= 1 && families <= NV_FAMILIES_ALL ? k_family_names[families - 1] : "?";
}

/* The NV_FAMILY_BIT()s 'name' stands for, or 0. */
static unsigned nv_family_value(const char *name)
{
    unsigned i;

    for (i = 0; i < NV_FAMILIES_ALL; i++)
        if (!strcmp(name, k_family_names[i]))
            return i + 1;
    return 0;
}

int nv_profile_check(const struct nv_profile *p, struct nv_diags *d)
{
    unsigned pods = 0;
    size_t i;
    char how[64];

    if (!p->families || !p->npod)
        return 0;
    for (i = 0; i < p->npod; i++)
        pods |= NV_FAMILY_BIT(p->pod[i].first.fam);
    if (pods == p->families)
        return 0;
    if (p->families_at.file)
        snprintf(how, sizeof(how), "'ipFamily: %s'", nv_profile_family_name(p->families));
    else
        snprintf(how, sizeof(how), "--ip-family %s", nv_profile_family_name(p->families));
    if (pods & ~p->families)
        return nv_diag_error(d, p->families_at, NV_E_VALUE,
                             "%s, but the pod CIDRs are %s: the pods' addresses must be of the "
                             "families modelled",
                             how, pods == NV_FAMILIES_ALL ? "of both families" : "all IPv6");
    return nv_diag_error(d, p->families_at, NV_E_VALUE,
                         "%s, but the pod CIDRs are all %s: a dual-stack cluster has pod CIDRs of "
                         "both families",
                         how, nv_family_name(pods == NV_FAMILY_BIT(NV_IPV4) ? NV_IPV4 : NV_IPV6));
}

/* ---- command-line options ---- */

void nv_profile_opts_init(struct nv_profile_opts *o)
{
    memset(o, 0, sizeof(*o));
    memset(o->pin, NV_UNKNOWN, sizeof(o->pin));
}

/* A CIDR of the profile, host bits cleared as in an ipBlock. Returns 0 or -1 (*why). */
static int nv_profile_cidr(const char *s, struct nv_iprange *out, const char **why)
{
    return nv_cidr_parse(s, out, NULL, why) < 0 ? -1 : 0;
}

static int nv_value_index(const struct nv_behaviour_def *b, const char *arg)
{
    int v;

    for (v = 0; v < 2; v++)
        if (!strcmp(arg, b->values[v]))
            return v;
    return -1;
}

int nv_profile_opt(struct nv_profile_opts *o, const char *name, const char *arg)
{
    size_t i;

    if (!strcmp(name, "cni")) {
        const struct nv_cni_def *c = nv_cni_find(arg);
        if (!c) {
            fprintf(stderr, "netverify: unknown network plugin '%s' (expected %s)\n", arg,
                    nv_cni_names());
            return -1;
        }
        o->cni = c->name;
        return 1;
    }
    if (!strcmp(name, "ip-family")) {
        if (!(o->families = nv_family_value(arg))) {
            fprintf(stderr, "netverify: invalid --ip-family '%s' (expected ipv4, ipv6 or dual)\n",
                    arg);
            return -1;
        }
        return 1;
    }
    if (!strcmp(name, "pod-cidr") || !strcmp(name, "service-cidr")) {
        int pod = name[0] == 'p';
        struct nv_iprange r;
        const char *why = NULL;
        if (nv_profile_cidr(arg, &r, &why) < 0) {
            fprintf(stderr, "netverify: invalid --%s '%s': %s\n", name, arg,
                    why ? why : "not a CIDR");
            return -1;
        }
        if ((pod ? o->npod : o->nsvc) == NV_PROFILE_MAX_CIDRS) {
            fprintf(stderr, "netverify: more than %d --%s options\n", NV_PROFILE_MAX_CIDRS, name);
            return -1;
        }
        if (pod)
            o->pod[o->npod++] = r;
        else
            o->svc[o->nsvc++] = r;
        return 1;
    }
    for (i = 0; i < NV_NBEHAVIOURS; i++) {
        const struct nv_behaviour_def *b = &nv_behaviours[i];
        int v;
        if (strcmp(name, b->option))
            continue;
        if ((v = nv_value_index(b, arg)) < 0) {
            fprintf(stderr, "netverify: invalid --%s '%s' (expected %s or %s)\n", name, arg,
                    b->values[0], b->values[1]);
            return -1;
        }
        o->pin[i] = (unsigned char)v;
        return 1;
    }
    return 0;
}

void nv_profile_apply_opts(struct nv_profile *p, const struct nv_profile_opts *o)
{
    size_t i;

    if (o->cni) {
        const struct nv_cni_def *c = nv_cni_find(o->cni);
        p->cni = c->name;
        memcpy(p->pin, c->pin, sizeof(p->pin));
    }
    for (i = 0; i < NV_NBEHAVIOURS; i++)
        if (o->pin[i] != NV_UNKNOWN)
            p->pin[i] = o->pin[i];
    if (o->families) {
        p->families = o->families;
        p->families_at = (struct nv_loc){NULL, 0, 0};
    }
    if (o->npod) {
        free(p->pod);
        p->pod = nv_ranges_dup(o->pod, o->npod);
        p->npod = o->npod;
    }
    if (o->nsvc) {
        free(p->svc);
        p->svc = nv_ranges_dup(o->svc, o->nsvc);
        p->nsvc = o->nsvc;
    }
}

/* ---- the 'cluster:' section ---- */

struct nv_read_ctx {
    struct nv_profile *p;
    struct nv_diags *d;
    const char *path;
    int seen;
};

static const char *const k_keys[] = {
    "cni",    "podCIDRs", "serviceCIDRs", "ipFamily", "ipBlockMatchesPods", "hostNetwork",
    "assume", NULL};

/* A list of CIDRs; replaces *out. */
static void nv_read_cidrs(struct nv_read_ctx *x, const struct nv_node *n, const char *key,
                          struct nv_iprange **out, size_t *nout)
{
    size_t i;

    if (nv_node_is_null(n))
        return;
    if (n->type != NV_NODE_SEQ) {
        nv_diag_error(x->d, n->loc, NV_E_TYPE, "'%s' must be a list of CIDRs, not %s", key,
                      nv_node_type_name(n));
        return;
    }
    free(*out);
    *out = NULL;
    *nout = 0;
    for (i = 0; i < n->n; i++) {
        const struct nv_node *it = n->items[i];
        struct nv_iprange r;
        const char *why = NULL;
        if (it->type != NV_NODE_SCALAR || it->kind == NV_SCALAR_NULL) {
            nv_diag_error(x->d, it->loc, NV_E_TYPE, "'%s' item must be a CIDR string, not %s", key,
                          nv_node_type_name(it));
            continue;
        }
        if (nv_profile_cidr(it->str, &r, &why) < 0) {
            nv_diag_error(x->d, it->loc, NV_E_CIDR, "invalid CIDR '%s': %s", it->str,
                          why ? why : "not a CIDR");
            continue;
        }
        *out = nv_xrealloc(*out, (*nout + 1) * sizeof(**out));
        (*out)[(*nout)++] = r;
    }
}

static int nv_profile_yaml_true(const char *s)
{
    return !strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
           !strcasecmp(s, "y");
}

static void nv_read_behaviour(struct nv_read_ctx *x, size_t bi, const struct nv_node *n)
{
    const struct nv_behaviour_def *b = &nv_behaviours[bi];
    int v;

    if (nv_node_is_null(n)) {
        x->p->pin[bi] = NV_UNKNOWN; /* stated as unknown: every value counts */
        return;
    }
    if (n->type != NV_NODE_SCALAR) {
        nv_diag_error(x->d, n->loc, NV_E_TYPE, "'%s' must be %s or %s, not %s", b->key,
                      b->values[0], b->values[1], nv_node_type_name(n));
        return;
    }
    if (bi == NV_B_IPBLOCK_PODS) {
        /* a YAML Boolean, as Kubernetes reads one */
        if (n->kind != NV_SCALAR_BOOL) {
            nv_diag_error(x->d, n->loc, NV_E_TYPE, "'%s' must be true or false, not %s'%s'", b->key,
                          n->quoted ? "the quoted string " : "", n->str);
            return;
        }
        v = nv_profile_yaml_true(n->str) ? 1 : 0;
    } else if ((v = nv_value_index(b, n->str)) < 0) {
        nv_diag_error(x->d, n->loc, NV_E_VALUE, "'%s' must be %s or %s, not '%s'", b->key,
                      b->values[0], b->values[1], n->str);
        return;
    }
    x->p->pin[bi] = (unsigned char)v;
}

/* 'cluster: ipFamily: ipv4|ipv6|dual': the families the cluster has (null: the input decides). */
static void nv_read_family(struct nv_read_ctx *x, const struct nv_node *n)
{
    unsigned f;

    if (nv_node_is_null(n)) {
        x->p->families = 0;
        return;
    }
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_STR || !(f = nv_family_value(n->str))) {
        nv_diag_error(x->d, n->loc, NV_E_VALUE, "'ipFamily' must be ipv4, ipv6 or dual, not %s%s%s",
                      n->type == NV_NODE_SCALAR ? "'" : "",
                      n->type == NV_NODE_SCALAR ? n->str : nv_node_type_name(n),
                      n->type == NV_NODE_SCALAR ? "'" : "");
        return;
    }
    x->p->families = f;
    x->p->families_at = n->loc;
}

/* 'cluster: assume: [kube-dns]': the add-ons the cluster runs that the manifests lack. */
static void nv_read_assume(struct nv_read_ctx *x, const struct nv_node *n)
{
    size_t i;

    if (nv_node_is_null(n))
        return;
    if (n->type != NV_NODE_SEQ) {
        nv_diag_error(x->d, n->loc, NV_E_TYPE, "'assume' must be a list, not %s",
                      nv_node_type_name(n));
        return;
    }
    for (i = 0; i < n->n; i++) {
        const struct nv_node *it = n->items[i];
        unsigned a;
        if (it->type != NV_NODE_SCALAR || it->kind != NV_SCALAR_STR)
            nv_diag_error(x->d, it->loc, NV_E_TYPE, "'assume' item must be a string, not %s",
                          nv_node_type_name(it));
        else if (!(a = nv_assume_parse(it->str)))
            nv_diag_error(x->d, it->loc, NV_E_VALUE, "unknown add-on '%s' (expected %s)", it->str,
                          nv_assume_names());
        else
            x->p->assume |= a;
    }
}

/* The top-level 'exclude:' list: globs of files and directories the input leaves out. */
static void nv_read_exclude(struct nv_read_ctx *x, const struct nv_node *n, const char *path)
{
    size_t i;

    if (nv_node_is_null(n))
        return;
    if (n->type != NV_NODE_SEQ) {
        nv_diag_error(x->d, n->loc, NV_E_TYPE, "'exclude' must be a list of globs, not %s",
                      nv_node_type_name(n));
        return;
    }
    if (n->n > NV_EXCLUDE_MAX) {
        nv_diag_error(x->d, n->loc, NV_E_LIMIT, "more than %d exclude patterns", NV_EXCLUDE_MAX);
        return;
    }
    for (i = 0; i < n->n; i++) {
        const struct nv_node *it = n->items[i];
        struct nv_exclude *e;
        size_t gl, fl = strlen(path);
        char *block;
        if (it->type != NV_NODE_SCALAR || it->kind != NV_SCALAR_STR || !it->len) {
            nv_diag_error(x->d, it->loc, NV_E_TYPE, "'exclude' item must be a glob, not %s",
                          it->type == NV_NODE_SCALAR && it->kind == NV_SCALAR_STR
                              ? "an empty string"
                              : nv_node_type_name(it));
            continue;
        }
        if ((gl = strlen(it->str)) > NV_EXCLUDE_MAX_LEN || gl != it->len) {
            nv_diag_error(x->d, it->loc, NV_E_LIMIT,
                          "exclude pattern longer than %d bytes or with a NUL byte",
                          NV_EXCLUDE_MAX_LEN);
            continue;
        }
        block = nv_xmalloc(gl + fl + 2);
        memcpy(block, it->str, gl + 1);
        memcpy(block + gl + 1, path, fl + 1);
        x->p->exclude = nv_xrealloc(x->p->exclude, (x->p->nexclude + 1) * sizeof(*x->p->exclude));
        e = &x->p->exclude[x->p->nexclude++];
        e->glob = block;
        e->loc = it->loc;
        e->loc.file = block + gl + 1;
    }
}

static void nv_read_cluster(struct nv_read_ctx *x, const struct nv_node *c)
{
    const struct nv_node *n;
    size_t i, j;

    if (c->type != NV_NODE_MAP) {
        nv_diag_error(x->d, c->loc, NV_E_TYPE, "'cluster' must be a mapping, not %s",
                      nv_node_type_name(c));
        return;
    }
    for (i = 0; i < c->n; i++) {
        const struct nv_node *k = c->items[2 * i];
        for (j = 0; k_keys[j] && (k->type != NV_NODE_SCALAR || strcmp(k->str, k_keys[j])); j++)
            ;
        if (!k_keys[j])
            nv_diag_error(x->d, k->loc, NV_E_VALUE,
                          "unknown field '%s' in 'cluster' (expected cni, podCIDRs, serviceCIDRs, "
                          "ipFamily, ipBlockMatchesPods, hostNetwork or assume)",
                          k->type == NV_NODE_SCALAR ? k->str : "?");
    }
    /* the named profile first: the fields that name a behaviour override it */
    if ((n = nv_node_get(c, "cni")) && !nv_node_is_null(n)) {
        const struct nv_cni_def *def;
        if (n->type != NV_NODE_SCALAR)
            nv_diag_error(x->d, n->loc, NV_E_TYPE, "'cni' must be a string, not %s",
                          nv_node_type_name(n));
        else if (!(def = nv_cni_find(n->str)))
            nv_diag_error(x->d, n->loc, NV_E_VALUE, "unknown network plugin '%s' (expected %s)",
                          n->str, nv_cni_names());
        else {
            x->p->cni = def->name;
            memcpy(x->p->pin, def->pin, sizeof(x->p->pin));
        }
    }
    for (i = 0; i < NV_NBEHAVIOURS; i++)
        if ((n = nv_node_get(c, nv_behaviours[i].key)))
            nv_read_behaviour(x, i, n);
    if ((n = nv_node_get(c, "podCIDRs")))
        nv_read_cidrs(x, n, "podCIDRs", &x->p->pod, &x->p->npod);
    if ((n = nv_node_get(c, "serviceCIDRs")))
        nv_read_cidrs(x, n, "serviceCIDRs", &x->p->svc, &x->p->nsvc);
    if ((n = nv_node_get(c, "ipFamily")))
        nv_read_family(x, n);
    if ((n = nv_node_get(c, "assume")))
        nv_read_assume(x, n);
}

static void nv_on_config_doc(const struct nv_node *root, unsigned docno, void *arg)
{
    struct nv_read_ctx *x = arg;
    const struct nv_node *c;

    (void)docno;
    if (x->seen++ || root->type != NV_NODE_MAP)
        return; /* the claims reader says what is wrong with such a file */
    if ((c = nv_node_get(root, "cluster")) && !nv_node_is_null(c))
        nv_read_cluster(x, c);
    if ((c = nv_node_get(root, "exclude")))
        nv_read_exclude(x, c, x->path);
}

int nv_profile_read(struct nv_profile *p, const char *path, struct nv_diags *d)
{
    struct nv_read_ctx x;
    struct nv_yaml_limits lim;
    struct nv_arena scratch;
    struct nv_buf b;
    size_t nerr = d->nerr;
    FILE *fp;
    int rc;

    /* read as the claims file is (the same file): a regular file, bounded; one that
     * cannot be opened is reported by whoever needs it */
    if ((rc = nv_load_read_file(path, "the claims file", NV_CLAIMS_MAX_BYTES, 1, &b, d)) != 0)
        return rc < 0 ? -1 : 0;
    fp = b.len ? fmemopen(b.data, b.len, "rb") : NULL;
    if (fp) {
        memset(&x, 0, sizeof(x));
        x.p = p;
        x.d = d;
        x.path = path;
        nv_yaml_limits_default(&lim);
        lim.max_file_bytes = NV_CLAIMS_MAX_BYTES;
        nv_arena_init(&scratch);
        nv_yaml_load(fp, path, &lim, &scratch, d, nv_on_config_doc, &x);
        nv_arena_release(&scratch);
        fclose(fp);
    }
    nv_buf_release(&b);
    return d->nerr > nerr ? -1 : 0;
}
