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

void nv_load_opts_default(struct nv_load_opts *o)
{
    memset(o, 0, sizeof(*o));
    nv_yaml_limits_default(&o->limits);
    nv_profile_opts_init(&o->cluster);
    o->profile = NULL;
    o->max_claims = NV_CLAIMS_MAX_DEFAULT;
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
};

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
static void nv_walk(const struct nv_tree *t, const char *path, unsigned depth, struct nv_files *out,
                    struct nv_dirs *seen, struct nv_diags *d)
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
        char *full = nv_xmalloc(len);
        struct stat st;
        snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names.v[i]);
        if (nv_link_skipped(t, full, d)) {
            free(full);
        } else if (stat(full, &st) < 0) {
            nv_diag_warning(d, (struct nv_loc){NULL, 0, 0}, NV_E_IO, "cannot stat '%s': %s", full,
                            strerror(errno));
            free(full);
        } else if (S_ISDIR(st.st_mode)) {
            nv_walk(t, full, depth + 1, out, seen, d);
            free(full);
        } else if (S_ISREG(st.st_mode) && nv_has_ext(names.v[i]) &&
                   strcmp(names.v[i], "netverify.yaml") && strcmp(names.v[i], "netverify.yml")) {
            /* netverify.yaml is a claims file, not a manifest */
            NV_GROW(out->v, out->alloc, out->n + 1);
            out->v[out->n++] = full;
        } else {
            free(full);
        }
        free(names.v[i]);
    }
    free(names.v);
}

struct nv_doc_ctx {
    struct nv_k8s *k;
};

static void nv_on_document(const struct nv_node *root, unsigned docno, void *ctx)
{
    struct nv_doc_ctx *c = ctx;

    (void)docno;
    nv_k8s_add_document(c->k, root);
}

static void nv_load_stream(FILE *fp, const char *name, const struct nv_load_opts *o,
                           struct nv_k8s *k, struct nv_diags *d)
{
    struct nv_arena scratch;
    struct nv_doc_ctx c = {k};

    nv_arena_init(&scratch);
    nv_yaml_load(fp, name, &o->limits, &scratch, d, nv_on_document, &c);
    nv_arena_release(&scratch);
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

struct nv_model *nv_load_unfinished(char *const *paths, size_t npaths, const struct nv_load_opts *o,
                                    struct nv_diags *d)
{
    struct nv_model *m = nv_model_new();
    struct nv_k8s *k = nv_k8s_new(m, d);
    size_t i, j, nfiles = 0;
    int stdin_used = 0;

    if (o->profile)
        nv_model_set_profile(m, o->profile);

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
            tree.given = p;
            tree.real = realpath(p, NULL);
            tree.follow = o->follow_symlinks;
            nv_walk(&tree, p, 0, &files, &seen, d);
            free(tree.real);
            nv_dirs_release(&seen);
            if (!files.n)
                nv_diag_error(d, (struct nv_loc){p, 0, 0}, NV_E_IO,
                              "no .yaml, .yml or .json file in this directory");
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
