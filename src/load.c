/*
 * load.c - walk input paths, parse each file's documents, build the model.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "netverify/load.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netverify/claim.h"
#include "netverify/k8s.h"
#include "netverify/selector.h"

void nv_load_opts_default(struct nv_load_opts *o)
{
    memset(o, 0, sizeof(*o));
    nv_yaml_limits_default(&o->limits);
    nv_profile_opts_init(&o->cluster);
    o->profile = NULL;
    o->max_claims = NV_CLAIMS_MAX_DEFAULT;
}

/* ---- --assume, --strict ---- */

static const char *const k_assume_names[] = {"kube-dns", NULL};

const char *nv_assume_name(unsigned a)
{
    size_t i;

    for (i = 0; k_assume_names[i]; i++)
        if (a == 1u << i)
            return k_assume_names[i];
    return "?";
}

const char *nv_assume_names(void)
{
    return "kube-dns";
}

unsigned nv_assume_parse(const char *name)
{
    size_t i;

    for (i = 0; k_assume_names[i]; i++)
        if (!strcmp(name, k_assume_names[i]))
            return 1u << i;
    return 0;
}

void nv_load_stats_release(struct nv_load_stats *s)
{
    free(s->first);
    free(s->first_file);
    memset(s, 0, sizeof(*s));
}

void nv_load_stats_add(struct nv_load_stats *to, struct nv_load_stats *from)
{
    if (!to->enforcing && from->enforcing) {
        to->first = from->first;
        to->first_file = from->first_file;
        to->first_loc = from->first_loc;
        from->first = from->first_file = NULL;
    }
    to->enforcing += from->enforcing;
    to->excluded += from->excluded;
    to->skipped += from->skipped;
    to->assumed += from->assumed;
    to->lint += from->lint;
    to->lint_told |= from->lint_told;
    nv_load_stats_release(from);
}

/* Whether a is api group g, at any version ("g/v1"). */
static int nv_in_group(const char *av, const char *g)
{
    size_t n = strlen(g);

    return av && !strncmp(av, g, n) && av[n] == '/';
}

int nv_load_enforcing_kind(const char *kind, const char *av)
{
    /* kinds whose name says it all, of any API version */
    static const char *const kinds[] = {
        "CiliumNetworkPolicy", /* cilium.io */
        "CiliumClusterwideNetworkPolicy",
        "GlobalNetworkPolicy", /* Calico */
        "EgressFirewall",      /* OVN-Kubernetes (OpenShift) */
        "EgressNetworkPolicy", /* OpenShift SDN */
        "MultiNetworkPolicy",  /* k8s.cni.cncf.io: policies of secondary networks */
        NULL};
    size_t i;

    for (i = 0; kinds[i]; i++)
        if (!strcmp(kind, kinds[i]))
            return 1;
    /* kinds that share a name with others: by API group */
    if (!strcmp(kind, "NetworkPolicy"))
        return nv_in_group(av, "projectcalico.org") || nv_in_group(av, "crd.projectcalico.org") ||
               nv_in_group(av, "crd.antrea.io");
    if (!strcmp(kind, "ClusterNetworkPolicy"))
        return nv_in_group(av, "crd.antrea.io");
    if (!strcmp(kind, "AuthorizationPolicy"))
        return nv_in_group(av, "security.istio.io") || nv_in_group(av, "policy.linkerd.io");
    return 0;
}

/* ---- --exclude ---- */

/*
 * The glob matcher: the pattern compiled to a small automaton, run over the
 * path once (time linear in the path for a given pattern, whatever its stars).
 */
enum nv_gtok {
    NV_G_CHAR,  /* one given character */
    NV_G_ONE,   /* '?': one character but '/' */
    NV_G_SET,   /* '[...]': one character of a set, never '/' */
    NV_G_STAR,  /* '*': any characters but '/' */
    NV_G_ANY,   /* '**' not followed by '/': any characters */
    NV_G_DIRS,  /* '**' followed by '/': zero or more whole directories (start of one) */
    NV_G_DIRS2, /* ... inside one of those directories */
};

struct nv_gstate {
    enum nv_gtok t;
    unsigned char c;       /* NV_G_CHAR */
    unsigned char set[32]; /* NV_G_SET: a bit per byte */
};

/* The index of the ']' that closes the set opened at g[i], or 0 when none does. */
static size_t nv_glob_set_end(const char *g, size_t i, size_t n)
{
    size_t j = i + 1;

    if (j < n && (g[j] == '!' || g[j] == '^'))
        j++;
    for (j++; j < n; j++)
        if (g[j] == ']')
            return j;
    return 0;
}

/* Compile glob[0..n) into st (at least 2n + 1 states); returns the number of states. */
static size_t nv_glob_compile(const char *g, size_t n, struct nv_gstate *st)
{
    size_t i = 0, k = 0, e;

    while (i < n) {
        struct nv_gstate *s = &st[k];
        memset(s, 0, sizeof(*s));
        if (g[i] == '*' && i + 1 < n && g[i + 1] == '*') {
            i += 2;
            while (i < n && g[i] == '*')
                i++;
            if (i < n && g[i] == '/') {
                i++;
                s->t = NV_G_DIRS;
                st[++k].t = NV_G_DIRS2;
            } else {
                s->t = NV_G_ANY;
            }
        } else if (g[i] == '*') {
            s->t = NV_G_STAR;
            i++;
        } else if (g[i] == '?') {
            s->t = NV_G_ONE;
            i++;
        } else if (g[i] == '[' && (e = nv_glob_set_end(g, i, n)) != 0) {
            size_t j = i + 1;
            int neg = 0, b;
            if (g[j] == '!' || g[j] == '^') {
                neg = 1;
                j++;
            }
            /* a ']' right after the '[' (or '[!') is a member */
            do {
                unsigned char lo = (unsigned char)g[j], hi = lo;
                if (j + 2 < e && g[j + 1] == '-') {
                    hi = (unsigned char)g[j + 2];
                    j += 2;
                }
                for (b = lo; b <= hi; b++)
                    s->set[b >> 3] |= (unsigned char)(1u << (b & 7));
                j++;
            } while (j < e);
            if (neg)
                for (b = 0; b < 32; b++)
                    s->set[b] = (unsigned char)~s->set[b];
            s->set['/' >> 3] &= (unsigned char)~(1u << ('/' & 7));
            s->t = NV_G_SET;
            i = e + 1;
        } else {
            if (g[i] == '\\' && i + 1 < n)
                i++;
            s->t = NV_G_CHAR;
            s->c = (unsigned char)g[i++];
        }
        k++;
    }
    return k;
}

/* Add state i and what it reaches without reading a character. */
static void nv_glob_reach(const struct nv_gstate *st, size_t n, unsigned char *on, size_t i)
{
    while (i <= n && !on[i]) {
        on[i] = 1;
        if (i == n || (st[i].t != NV_G_STAR && st[i].t != NV_G_ANY && st[i].t != NV_G_DIRS))
            return;
        i += st[i].t == NV_G_DIRS ? 2 : 1;
    }
}

static int nv_glob_run(const struct nv_gstate *st, size_t n, const char *s)
{
    unsigned char *cur = nv_xcalloc(2 * (n + 1), 1), *nxt = cur + n + 1;
    size_t i;
    int out;

    nv_glob_reach(st, n, cur, 0);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int any = 0;
        memset(nxt, 0, n + 1);
        for (i = 0; i < n; i++) {
            if (!cur[i])
                continue;
            switch (st[i].t) {
            case NV_G_CHAR:
                if (c == st[i].c)
                    nv_glob_reach(st, n, nxt, i + 1);
                break;
            case NV_G_ONE:
                if (c != '/')
                    nv_glob_reach(st, n, nxt, i + 1);
                break;
            case NV_G_SET:
                if (st[i].set[c >> 3] & (1u << (c & 7)))
                    nv_glob_reach(st, n, nxt, i + 1);
                break;
            case NV_G_STAR:
                if (c != '/')
                    nv_glob_reach(st, n, nxt, i);
                break;
            case NV_G_ANY:
                nv_glob_reach(st, n, nxt, i);
                break;
            case NV_G_DIRS: /* a directory's first character ("a//b": an empty one) */
                nv_glob_reach(st, n, nxt, c == '/' ? i : i + 1);
                break;
            case NV_G_DIRS2:
                nv_glob_reach(st, n, nxt, c == '/' ? i - 1 : i);
                break;
            }
        }
        memcpy(cur, nxt, n + 1);
        for (i = 0; i <= n && !any; i++)
            any = cur[i];
        if (!any)
            break;
    }
    out = !*s && cur[n];
    free(cur);
    return out;
}

int nv_load_glob_match(const char *glob, const char *rel, int is_dir)
{
    size_t n = strlen(glob), k;
    struct nv_gstate *st;
    const char *slash;
    int out;

    while (n > 1 && glob[0] == '.' && glob[1] == '/') {
        glob += 2;
        n -= 2;
    }
    if (n && glob[n - 1] == '/') {
        if (!is_dir)
            return 0;
        n--;
    }
    /* without a '/', the last component: values.yaml, *.tpl, charts */
    if (!memchr(glob, '/', n) && (slash = strrchr(rel, '/')))
        rel = slash + 1;
    st = nv_xmalloc((2 * n + 1) * sizeof(*st));
    k = nv_glob_compile(glob, n, st);
    out = nv_glob_run(st, k, rel);
    free(st);
    return out;
}

/* What a file that is not a regular file is, for the message that refuses it. */
static const char *nv_file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

int nv_load_read_file(const char *path, const char *what, size_t max, int missing_ok,
                      struct nv_buf *out, struct nv_diags *d)
{
    struct nv_loc at = {path, 0, 0};
    struct stat st;
    char chunk[65536];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

    nv_buf_init(out, 0);
    if (fd < 0 && missing_ok)
        return 1;
    if (fd < 0)
        return nv_diag_error(d, at, NV_E_IO, "cannot open %s: %s", what, strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return nv_diag_error(d, at, NV_E_IO, "cannot read %s: %s", what, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return nv_diag_error(d, at, NV_E_IO, "%s is %s, not a regular file", what,
                             nv_file_kind(st.st_mode));
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            nv_buf_release(out);
            return nv_diag_error(d, at, NV_E_IO, "cannot read %s: %s", what, strerror(e));
        }
        if (n == 0)
            break;
        if ((size_t)n > max - out->len) {
            close(fd);
            nv_buf_release(out);
            return nv_diag_error(d, at, NV_E_LIMIT, "%s is larger than %zu bytes (%zu MiB)", what,
                                 max, max >> 20);
        }
        nv_buf_put(out, chunk, (size_t)n);
    }
    close(fd);
    return 0;
}

struct nv_files {
    char **v;
    size_t n, alloc;
};

static int nv_has_ext(const char *name)
{
    size_t n = strlen(name);

    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")) ||
           (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int nv_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define NV_MAX_DIR_DEPTH 64

/*
 * The directories one walk has read, by device and inode: a symbolic link
 * back up the tree (or to a directory read already) would otherwise load the
 * same files again, or, with two such links, take exponential time.
 */
struct nv_dirs {
    struct nv_dir_id {
        dev_t dev;
        ino_t ino;
        char *path;
    } * v;
    size_t n, alloc;
};

static void nv_dirs_release(struct nv_dirs *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        free(s->v[i].path);
    free(s->v);
}

/* Whether 'path' was read already (warns); otherwise remember it. */
static int nv_dirs_seen(struct nv_dirs *s, const char *path, const struct stat *st,
                        struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino) {
            nv_diag_warning(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO,
                            "'%s' is directory '%s' again (a symbolic link?): not read twice", path,
                            s->v[i].path);
            return 1;
        }
    }
    NV_GROW(s->v, s->alloc, s->n + 1);
    s->v[s->n].dev = st->st_dev;
    s->v[s->n].ino = st->st_ino;
    s->v[s->n].path = nv_xstrdup(path);
    s->n++;
    return 0;
}

/* The tree a walk reads: the directory given on the command line. */
struct nv_tree {
    const char *given; /* as given, for messages */
    char *real;        /* its real path; NULL if it has none */
    int follow;        /* --follow-symlinks */
    /* --exclude and 'exclude:' patterns, and per pattern the entries it left out */
    const struct nv_exclude *const *ex;
    size_t nex;
    size_t *hits;
    size_t excluded, excluded_dirs; /* files and directories left out (the files of an
                                     * excluded directory are not counted: it is not read) */
};

/* Whether the entry at 'rel' (relative to the tree) is excluded; counts the pattern's hit. */
static int nv_excluded(struct nv_tree *t, const char *rel, int is_dir)
{
    size_t i;

    for (i = 0; i < t->nex; i++)
        if (nv_load_glob_match(t->ex[i]->glob, rel, is_dir)) {
            t->hits[i]++;
            return 1;
        }
    return 0;
}

/* Whether real path 'p' is 'dir' or lies below it. */
static int nv_path_within(const char *p, const char *dir)
{
    size_t n = strlen(dir);

    if (n == 1 && dir[0] == '/')
        return 1;
    return !strncmp(p, dir, n) && (p[n] == '/' || p[n] == '\0');
}

/* nv_load_link_leaves() with the directory's real path already known (NULL: none). */
static int nv_link_leaves_real(const char *path, const char *dir_real)
{
    struct stat st;
    char *real;
    int out;

    if (!dir_real || lstat(path, &st) != 0 || !S_ISLNK(st.st_mode) ||
        !(real = realpath(path, NULL)))
        return 0;
    out = !nv_path_within(real, dir_real);
    free(real);
    return out;
}

int nv_load_link_leaves(const char *path, const char *dir)
{
    char *real = realpath(dir, NULL);
    int out = nv_link_leaves_real(path, real);

    free(real);
    return out;
}

/* Whether walk entry 'full' is a link out of the tree not to follow (warned about). */
static int nv_link_skipped(const struct nv_tree *t, const char *full, struct nv_diags *d)
{
    if (t->follow || !nv_link_leaves_real(full, t->real))
        return 0;
    nv_diag_warning(d, (struct nv_loc){full, 0, 0}, NV_E_IO,
                    "symbolic link to outside '%s' not followed (--follow-symlinks follows it)",
                    t->given);
    return 1;
}

/* Collect the files under 'path' (a directory), sorted by name at each level. */
static void nv_walk(struct nv_tree *t, const char *path, const char *rel, unsigned depth,
                    struct nv_files *out, struct nv_dirs *seen, struct nv_diags *d)
{
    DIR *dir;
    struct dirent *de;
    struct nv_files names = {NULL, 0, 0};
    struct stat dst;
    size_t i;

    if (depth > NV_MAX_DIR_DEPTH) {
        nv_diag_error(d, (struct nv_loc){NULL, 0, 0}, NV_E_LIMIT,
                      "'%s': directories nested deeper than %d levels", path, NV_MAX_DIR_DEPTH);
        return;
    }
    if (stat(path, &dst) == 0 && nv_dirs_seen(seen, path, &dst, d))
        return;
    dir = opendir(path);
    if (!dir) {
        nv_diag_error(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "cannot open directory '%s': %s",
                      path, strerror(errno));
        return;
    }
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files such as .git */
        NV_GROW(names.v, names.alloc, names.n + 1);
        names.v[names.n++] = nv_xstrdup(de->d_name);
    }
    closedir(dir);
    if (names.v)
        qsort(names.v, names.n, sizeof(*names.v), nv_strcmp_p);
    for (i = 0; i < names.n; i++) {
        size_t len = strlen(path) + strlen(names.v[i]) + 2;
        size_t rlen = (rel ? strlen(rel) : 0) + strlen(names.v[i]) + 2;
        char *full = nv_xmalloc(len), *sub = nv_xmalloc(rlen);
        struct stat st;
        snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names.v[i]);
        snprintf(sub, rlen, "%s%s%s", rel ? rel : "", rel ? "/" : "", names.v[i]);
        if (nv_link_skipped(t, full, d)) {
            free(full);
        } else if (stat(full, &st) < 0) {
            nv_diag_warning(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "cannot stat '%s': %s", full,
                            strerror(errno));
            free(full);
        } else if (S_ISDIR(st.st_mode)) {
            if (nv_excluded(t, sub, 1))
                t->excluded_dirs++;
            else
                nv_walk(t, full, sub, depth + 1, out, seen, d);
            free(full);
        } else if (S_ISREG(st.st_mode) && nv_has_ext(names.v[i]) &&
                   strcmp(names.v[i], "netverify.yaml") && strcmp(names.v[i], "netverify.yml")) {
            /* netverify.yaml is a claims file, not a manifest */
            if (nv_excluded(t, sub, 0)) {
                t->excluded++;
                free(full);
            } else {
                NV_GROW(out->v, out->alloc, out->n + 1);
                out->v[out->n++] = full;
            }
        } else {
            free(full);
        }
        free(sub);
        free(names.v[i]);
    }
    free(names.v);
}

/* What one file's documents were: for the notes on those that are no Kubernetes object. */
struct nv_doc_ctx {
    struct nv_k8s *k;
    struct nv_diags *d;
    struct nv_load_stats *stats; /* or NULL */
    size_t nobjects;             /* documents read as Kubernetes objects */
    size_t nskipped, skipalloc;  /* mappings without kind, metadata, spec or items: skipped */
    struct nv_loc *skipped;
};

/* A scalar string field of a mapping, or NULL. */
static const char *nv_doc_str(const struct nv_node *root, const char *key)
{
    const struct nv_node *n = nv_node_get(root, key);

    return n && n->type == NV_NODE_SCALAR && n->kind == NV_SCALAR_STR ? n->str : NULL;
}

/* An object of a kind that enforces traffic and is not modelled: said, counted, skipped. */
static void nv_enforcing(struct nv_doc_ctx *c, const struct nv_node *obj, const char *kind,
                         const char *av)
{
    const struct nv_node *sn = nv_node_get(nv_node_get(obj, "metadata"), "name");
    const char *nm = sn && sn->type == NV_NODE_SCALAR && sn->len && sn->len < 256 ? sn->str : "";
    struct nv_load_stats *st = c->stats;
    struct nv_buf b;

    /* "NetworkPolicy 'x' (projectcalico.org/v3)": the group tells kinds of one name apart */
    nv_buf_init(&b, 0);
    nv_buf_printf(&b, "%s%s%s%s", kind, *nm ? " '" : "", nm, *nm ? "'" : "");
    if (!nv_load_enforcing_kind(kind, NULL))
        nv_buf_printf(&b, " (%.100s)", av);
    nv_diag_warning(c->d, obj->loc, NV_W_SKIPPED,
                    "%s enforces traffic and is not modelled: the results ignore it (--strict "
                    "fails on it)",
                    nv_buf_str(&b));
    if (st && !st->enforcing++) {
        st->first = nv_buf_detach(&b);
        st->first_file = obj->loc.file ? nv_xstrdup(obj->loc.file) : NULL;
        st->first_loc = obj->loc;
        st->first_loc.file = st->first_file;
    }
    nv_buf_release(&b);
}

/* Drop the notes recorded since d->items[from] at 'at' (replaced by a warning). */
static void nv_drop_notes(struct nv_diags *d, size_t from, struct nv_loc at)
{
    size_t i, k = from;

    for (i = from; i < d->n; i++) {
        struct nv_diag *g = &d->items[i];
        if (g->sev == NV_SEV_NOTE && g->loc.line == at.line && g->loc.col == at.col) {
            free(g->msg);
            free(g->file);
        } else {
            d->items[k++] = *g;
        }
    }
    d->n = k;
}

/*
 * A List (kubectl get -o yaml) or a typed list (CiliumNetworkPolicyList): read,
 * then each item of a kind that enforces traffic warned about and counted as
 * a document of its own would be (the reader's note on it dropped).
 */
static void nv_enforcing_items(struct nv_doc_ctx *c, const struct nv_node *root, const char *kind)
{
    const struct nv_node *items = nv_node_get(root, "items");
    size_t before = c->d->n, i, k, n = strlen(kind) - 4, nhit = 0;
    char *base = nv_xmalloc(n + 1);
    const struct nv_node **hit;

    memcpy(base, kind, n);
    base[n] = '\0';
    nv_k8s_add_document(c->k, root);
    if (!items || items->type != NV_NODE_SEQ) {
        free(base);
        return;
    }
    hit = nv_xmalloc((items->n + 1) * sizeof(*hit));
    for (i = 0; i < items->n; i++) {
        const struct nv_node *it = items->items[i];
        const char *ik = it->type == NV_NODE_MAP ? nv_doc_str(it, "kind") : NULL;
        if (!ik && it->type == NV_NODE_MAP && strcmp(kind, "List"))
            ik = base;
        if (ik && nv_load_enforcing_kind(ik, nv_doc_str(it, "apiVersion")))
            hit[nhit++] = it;
    }
    /* the reader's notes on those items go, in one pass: the items are in file order */
    for (i = before, k = before; i < c->d->n; i++) {
        struct nv_diag *g = &c->d->items[i];
        size_t lo = 0, hi = nhit;
        while (g->sev == NV_SEV_NOTE && lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const struct nv_loc *l = &hit[mid]->loc;
            if (l->line == g->loc.line && l->col == g->loc.col)
                break;
            if (l->line < g->loc.line || (l->line == g->loc.line && l->col < g->loc.col))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (g->sev == NV_SEV_NOTE && lo < hi) {
            free(g->msg);
            free(g->file);
        } else {
            c->d->items[k++] = *g;
        }
    }
    c->d->n = k;
    for (i = 0; i < nhit; i++) {
        const char *ik = nv_doc_str(hit[i], "kind");
        nv_enforcing(c, hit[i], ik ? ik : base, nv_doc_str(hit[i], "apiVersion"));
    }
    free(hit);
    free(base);
}

static void nv_on_document(const struct nv_node *root, unsigned docno, void *ctx)
{
    struct nv_doc_ctx *c = ctx;
    const char *kind, *av;

    (void)docno;
    if (root && root->type == NV_NODE_MAP && !nv_node_get(root, "kind") &&
        !nv_node_get(root, "metadata") && !nv_node_get(root, "spec") &&
        !nv_node_get(root, "items")) {
        /* Helm values, Chart.yaml (apiVersion: v2), a CI file: no Kubernetes object (one with
         * metadata, spec or items and a typo in 'kind' stays an error) */
        NV_GROW(c->skipped, c->skipalloc, c->nskipped + 1);
        c->skipped[c->nskipped++] = root->loc;
        if (c->stats)
            c->stats->skipped++;
        return;
    }
    if (root && !nv_node_is_null(root))
        c->nobjects++;
    if (root && root->type == NV_NODE_MAP && (kind = nv_doc_str(root, "kind"))) {
        av = nv_doc_str(root, "apiVersion");
        if (nv_load_enforcing_kind(kind, av)) {
            /* the reader keeps what it skips (model->skipped, for lint; a NetworkPolicy of a
             * plugin's group too) and notes it: the warning replaces the note */
            size_t before = c->d->n;
            nv_k8s_add_document(c->k, root);
            nv_drop_notes(c->d, before, root->loc);
            nv_enforcing(c, root, kind, av);
            return;
        }
        if (strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List")) {
            nv_enforcing_items(c, root, kind);
            return;
        }
    }
    nv_k8s_add_document(c->k, root);
}

static void nv_load_stream(FILE *fp, const char *name, const struct nv_load_opts *o,
                           struct nv_k8s *k, struct nv_diags *d)
{
    struct nv_arena scratch;
    struct nv_doc_ctx c;
    size_t i;

    memset(&c, 0, sizeof(c));
    c.k = k;
    c.d = d;
    c.stats = o->stats;
    nv_arena_init(&scratch);
    nv_yaml_load(fp, name, &o->limits, &scratch, d, nv_on_document, &c);
    nv_arena_release(&scratch);
    if (c.nskipped && !c.nobjects)
        nv_diag_note(d, (struct nv_loc){name, 0, 0}, NV_W_SKIPPED,
                     "file skipped: no document in it is a Kubernetes object (none has kind, "
                     "metadata or spec; --exclude leaves such files out)");
    else
        for (i = 0; i < c.nskipped; i++)
            nv_diag_note(d, c.skipped[i], NV_W_SKIPPED,
                         "document skipped: not a Kubernetes object (no kind, metadata or spec)");
    free(c.skipped);
}

static void nv_load_file(struct nv_model *m, const char *path, const struct nv_load_opts *o,
                         struct nv_k8s *k, struct nv_diags *d)
{
    const char *name = nv_arena_intern(&m->arena, path);
    struct stat st;
    FILE *fp;

    fp = fopen(path, "rb");
    if (!fp) {
        nv_diag_error(d, (struct nv_loc){name, 0, 0}, NV_E_IO, "cannot open: %s", strerror(errno));
        return;
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return;
    }
    if (fstat(fileno(fp), &st) == 0 && (size_t)st.st_size > o->limits.max_file_bytes) {
        nv_diag_error(d, (struct nv_loc){name, 0, 0}, NV_E_LIMIT,
                      "file is larger than %zu bytes (raise it with --max-file-size)",
                      o->limits.max_file_bytes);
        fclose(fp);
        return;
    }
    nv_load_stream(fp, name, o, k, d); /* reports read errors and the size limit */
    fclose(fp);
}

struct nv_model *nv_load_buffer(const char *data, size_t len, const char *name,
                                const struct nv_load_opts *o, struct nv_diags *d)
{
    struct nv_model *m = nv_model_new();
    struct nv_loc at = {nv_arena_intern(&m->arena, name), 0, 0};
    struct nv_k8s *k;
    FILE *fp;

    if (o->profile)
        nv_model_set_profile(m, o->profile);
    m->ipv6_named = o->ipv6_named;
    m->expose_off = o->no_ingress_controller;

    if (len > o->limits.max_file_bytes) {
        nv_diag_error(d, at, NV_E_LIMIT,
                      "file is larger than %zu bytes (raise it with --max-file-size)",
                      o->limits.max_file_bytes);
        nv_model_free(m);
        return NULL;
    }
    k = nv_k8s_new(m, d);
    /* fmemopen() refuses a zero size; an empty file has no documents anyway */
    if (len) {
        fp = fmemopen((void *)(uintptr_t)data, len, "rb");
        if (fp) {
            nv_load_stream(fp, at.file, o, k, d);
            fclose(fp);
        } else {
            nv_diag_error(d, at, NV_E_IO, "cannot read: %s", strerror(errno));
        }
    }
    nv_k8s_free(k);
    if (d->nerr) {
        nv_model_free(m);
        return NULL;
    }
    return m;
}

struct nv_model *nv_load(char *const *paths, size_t npaths, const struct nv_load_opts *o,
                         struct nv_diags *d)
{
    struct nv_model *m = nv_load_unfinished(paths, npaths, o, d);

    if (!m)
        return NULL;
    if (nv_model_finish(m, d) < 0 || d->nerr) {
        nv_model_free(m);
        return NULL;
    }
    return m;
}

/* The source name of what --assume adds, in positions and messages. */
#define NV_ASSUMED_SOURCE "<assumed kube-dns>"

/* Whether the input has a pod of kube-system labelled k8s-app=kube-dns. */
static int nv_has_kube_dns(const struct nv_model *m)
{
    size_t i;

    for (i = 0; i < m->npods; i++) {
        const char *v = nv_labels_get(&m->pods[i].labels, "k8s-app");
        if (v && !strcmp(v, "kube-dns") && !strcmp(m->ns[m->pods[i].ns].name, "kube-system"))
            return 1;
    }
    return 0;
}

/*
 * --assume kube-dns: the cluster DNS as kubeadm and most distributions run it
 * (kube-system/coredns, k8s-app=kube-dns, UDP and TCP 53, and Service
 * kube-system/kube-dns), added when the input has no such pod; its workload's
 * kind says it is assumed in every output.
 */
static void nv_assume_kube_dns(struct nv_model *m, const struct nv_load_opts *o, struct nv_k8s *k,
                               struct nv_diags *d)
{
    static const char k_deploy[] =
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}\n"
        "spec:\n"
        "  replicas: 2\n"
        "  selector: {matchLabels: {k8s-app: kube-dns}}\n"
        "  template:\n"
        "    metadata: {labels: {k8s-app: kube-dns}}\n"
        "    spec:\n"
        "      containers:\n"
        "      - name: coredns\n"
        "        ports:\n"
        "        - {name: dns, containerPort: 53, protocol: UDP}\n"
        "        - {name: dns-tcp, containerPort: 53, protocol: TCP}\n";
    static const char k_service[] =
        "---\n"
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}\n"
        "spec:\n"
        "  selector: {k8s-app: kube-dns}\n"
        "  ports:\n"
        "  - {name: dns, port: 53, protocol: UDP, targetPort: 53}\n"
        "  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}\n";
    const char *src = nv_arena_intern(&m->arena, NV_ASSUMED_SOURCE);
    const char *kind = nv_arena_intern(&m->arena, NV_ASSUMED_KIND);
    struct nv_load_opts lo = *o;
    struct nv_buf b;
    size_t i, nwl = m->nworkloads, nsvc = 0;
    FILE *fp;

    if (nv_has_kube_dns(m)) {
        nv_diag_note(d, (struct nv_loc){NULL, 0, 0}, NV_W_SEMANTIC,
                     "--assume kube-dns: the input has kube-dns (pods of kube-system labelled "
                     "k8s-app=kube-dns): nothing assumed");
        return;
    }
    for (i = 0; i < m->nservices; i++)
        nsvc +=
            !strcmp(m->services[i].ns, "kube-system") && !strcmp(m->services[i].name, "kube-dns");
    nv_buf_init(&b, 0);
    nv_buf_put(&b, k_deploy, sizeof(k_deploy) - 1);
    if (!nsvc)
        nv_buf_put(&b, k_service, sizeof(k_service) - 1);
    lo.stats = NULL;
    if ((fp = fmemopen(b.data, b.len, "rb"))) {
        nv_load_stream(fp, src, &lo, k, d);
        fclose(fp);
    }
    nv_buf_release(&b);
    for (i = nwl; i < m->nworkloads; i++)
        if (m->workloads[i].loc.file == src)
            m->workloads[i].kind = kind;
    if (o->stats)
        o->stats->assumed += m->nworkloads - nwl;
    nv_diag_note(d, (struct nv_loc){NULL, 0, 0}, NV_W_SEMANTIC,
                 "--assume kube-dns: added kube-system/coredns[%s] (k8s-app=kube-dns, UDP and TCP "
                 "53)%s: the input has no kube-dns",
                 NV_ASSUMED_KIND, nsvc ? "" : " and Service kube-system/kube-dns");
}

/* Say which patterns left nothing out: a typo in one must not pass unseen. */
static void nv_exclude_unused(const struct nv_exclude *const *ex, const size_t *hits, size_t n,
                              struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (hits[i])
            continue;
        if (ex[i]->loc.file)
            nv_diag_warning(d, ex[i]->loc, NV_W_SEMANTIC,
                            "exclude pattern '%s' matches no file or directory of the input",
                            ex[i]->glob);
        else
            nv_diag_warning(d, ex[i]->loc, NV_W_SEMANTIC,
                            "--exclude '%s' matches no file or directory of the input",
                            ex[i]->glob);
    }
}

struct nv_model *nv_load_unfinished(char *const *paths, size_t npaths, const struct nv_load_opts *o,
                                    struct nv_diags *d)
{
    struct nv_model *m = nv_model_new();
    struct nv_k8s *k = nv_k8s_new(m, d);
    const struct nv_exclude **ex;
    size_t i, j, nfiles = 0, nex = 0, ndirs = 0, excluded = 0, exdirs = 0, *hits;
    unsigned assume = o->assume | (o->profile ? o->profile->assume : 0);
    int stdin_used = 0;

    if (o->profile) {
        struct nv_profile p = *o->profile;
        p.exclude = NULL;
        p.nexclude = 0;
        nv_model_set_profile(m, &p);
    }
    ex = nv_xmalloc((o->nexclude + (o->profile ? o->profile->nexclude : 0) + 1) * sizeof(*ex));
    for (i = 0; i < o->nexclude; i++)
        ex[nex++] = &o->exclude[i];
    for (i = 0; o->profile && i < o->profile->nexclude; i++)
        ex[nex++] = &o->profile->exclude[i];
    hits = nv_xcalloc(nex + 1, sizeof(*hits));
    m->ipv6_named = o->ipv6_named;
    m->expose_off = o->no_ingress_controller;

    for (i = 0; i < npaths; i++) {
        const char *p = paths[i];
        struct stat st;
        if (!strcmp(p, "-")) {
            if (stdin_used++) {
                nv_diag_error(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "'-' given twice");
                continue;
            }
            nv_load_stream(stdin, nv_arena_intern(&m->arena, "<stdin>"), o, k, d);
            nfiles++;
            continue;
        }
        if (stat(p, &st) < 0) {
            nv_diag_error(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "cannot read '%s': %s", p,
                          strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            struct nv_files files = {NULL, 0, 0};
            struct nv_dirs seen = {NULL, 0, 0};
            struct nv_tree tree;
            memset(&tree, 0, sizeof(tree));
            tree.given = p;
            tree.real = realpath(p, NULL);
            tree.follow = o->follow_symlinks;
            tree.ex = ex;
            tree.nex = nex;
            tree.hits = hits;
            nv_walk(&tree, p, NULL, 0, &files, &seen, d);
            free(tree.real);
            nv_dirs_release(&seen);
            ndirs++;
            excluded += tree.excluded;
            exdirs += tree.excluded_dirs;
            if (!files.n)
                nv_diag_error(d, (struct nv_loc){p, 0, 0}, NV_E_IO,
                              "no .yaml, .yml or .json file in this directory%s",
                              tree.excluded || tree.excluded_dirs ? " but those excluded" : "");
            for (j = 0; j < files.n; j++) {
                nv_load_file(m, files.v[j], o, k, d);
                free(files.v[j]);
            }
            nfiles += files.n;
            free(files.v);
        } else {
            nv_load_file(m, p, o, k, d);
            nfiles++;
        }
    }
    if (ndirs)
        nv_exclude_unused(ex, hits, nex, d);
    if (excluded || exdirs)
        nv_diag_note(d, (struct nv_loc){NULL, 0, 0}, NV_W_SKIPPED,
                     "excluded: %zu director%s, %zu file%s", exdirs, exdirs == 1 ? "y" : "ies",
                     excluded, excluded == 1 ? "" : "s");
    if (o->stats)
        o->stats->excluded += excluded;
    free(ex);
    free(hits);
    if ((assume & NV_ASSUME_KUBE_DNS) && !d->nerr && nfiles)
        nv_assume_kube_dns(m, o, k, d);
    nv_k8s_free(k);
    if (d->nerr) {
        nv_model_free(m);
        return NULL;
    }
    if (nfiles == 0) {
        nv_diag_error(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "no input files");
        nv_model_free(m);
        return NULL;
    }
    return m;
}
