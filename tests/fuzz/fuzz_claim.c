/*
 * fuzz_claim.c - libFuzzer target: bytes as claims, parsed against a fixed
 * cluster (tests/fuzz/cluster.yaml), resolved, and decided by the matrix
 * engine; with NV_FUZZ_SMT set in the environment, by Z3 too, and the two
 * verdicts must agree. Input that mentions "claims" is read as a claims file,
 * anything else as one claim per line. Prints nothing.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/load.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/smt.h"

#include "fuzz.h"

#ifndef NV_FUZZ_CLUSTER
#define NV_FUZZ_CLUSTER "tests/fuzz/cluster.yaml"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Claims read per input in line mode; more only repeat what the first ones reach. */
#define NV_FUZZ_MAX_LINES 32

static char *cluster;
static size_t cluster_len;
static char claims_path[] = "/tmp/nv-fuzz-claims-XXXXXX";
static int claims_fd = -1;
static int use_smt;

static void nv_fuzz_cleanup(void)
{
    if (claims_fd >= 0) {
        close(claims_fd);
        unlink(claims_path);
    }
    free(cluster);
}

NV_NORETURN static void nv_fuzz_die(const char *what)
{
    fprintf(stderr, "fuzz_claim: %s: %s\n", what, strerror(errno));
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    FILE *fp = fopen(NV_FUZZ_CLUSTER, "rb");
    long n;

    (void)argc;
    (void)argv;
    if (!fp || fseek(fp, 0, SEEK_END) < 0 || (n = ftell(fp)) <= 0 || fseek(fp, 0, SEEK_SET) < 0)
        nv_fuzz_die(NV_FUZZ_CLUSTER);
    cluster_len = (size_t)n;
    cluster = nv_xmalloc(cluster_len);
    if (fread(cluster, 1, cluster_len, fp) != cluster_len)
        nv_fuzz_die(NV_FUZZ_CLUSTER);
    fclose(fp);
    /* nv_claims_load() reads a path: give it a private file, rewritten per input */
    if ((claims_fd = mkstemp(claims_path)) < 0)
        nv_fuzz_die(claims_path);
    use_smt = getenv("NV_FUZZ_SMT") != NULL;
    atexit(nv_fuzz_cleanup);
    return 0;
}

static void nv_fuzz_write_claims(const uint8_t *data, size_t size)
{
    size_t off = 0;

    if (ftruncate(claims_fd, 0) < 0)
        nv_fuzz_die(claims_path);
    while (off < size) {
        ssize_t w = pwrite(claims_fd, data + off, size - off, (off_t)off);
        if (w <= 0)
            nv_fuzz_die(claims_path);
        off += (size_t)w;
    }
}

static int nv_fuzz_mentions(const uint8_t *data, size_t size, const char *word)
{
    size_t n = strlen(word), i;

    for (i = 0; i + n <= size; i++)
        if (!memcmp(data + i, word, n))
            return 1;
    return 0;
}

/* One claim per line, as nv_claim_parse() sees a claim's text. */
static void nv_fuzz_lines(struct nv_claims *cs, const uint8_t *data, size_t size,
                          struct nv_model *m, struct nv_diags *d)
{
    size_t start = 0, line = 1;

    cs->file = "claims";
    if (!size)
        return;
    while (start <= size && line <= NV_FUZZ_MAX_LINES) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        char *text = nv_xmalloc(end - start + 1);
        struct nv_claim c;

        memcpy(text, data + start, end - start);
        text[end - start] = '\0';
        if (strspn(text, " \t\r") < end - start &&
            nv_claim_parse(&c, text, (struct nv_loc){"claims", (unsigned)line, 1}, m, d) == 0) {
            NV_GROW(cs->items, cs->alloc, cs->n + 1);
            cs->items[cs->n++] = c;
        }
        free(text);
        start = end + 1;
        line++;
    }
}

static void nv_fuzz_verdict_mismatch(const struct nv_claim *c, const char *why)
{
    fprintf(stderr, "fuzz_claim: '%s': %s\n", c->text, why);
    abort();
}

/* Decide every claim; the engines' answers must be consistent. */
static void nv_fuzz_decide(const struct nv_claims *cs, struct nv_model *m)
{
    struct nv_matrix *x = nv_matrix_new(m);
    struct nv_smt *s = use_smt ? nv_smt_new(m, cs) : NULL;
    size_t i, p;

    for (i = 0; i < cs->n; i++) {
        const struct nv_claim *c = &cs->items[i];
        struct nv_result r, z;
        nv_check_matrix(x, c, &r);
        for (p = 0; p < r.nparts; p++)
            if (r.parts[p].verdict == NV_REFUTED && r.parts[p].kind != NV_PART_ISOLATED &&
                !nv_witness_fits(m, c, r.parts[p].kind, &r.parts[p].w))
                nv_fuzz_verdict_mismatch(c, "the matrix witness does not fit the claim");
        if (!s)
            continue;
        nv_smt_check(s, c, 2.0, &z);
        for (p = 0; p < z.nparts; p++) {
            if (z.parts[p].verdict == NV_UNDECIDED)
                continue;
            if (z.parts[p].verdict != r.parts[p].verdict)
                nv_fuzz_verdict_mismatch(c, "the matrix and Z3 disagree");
            if (z.parts[p].verdict == NV_REFUTED && z.parts[p].kind != NV_PART_ISOLATED &&
                !nv_witness_fits(m, c, z.parts[p].kind, &z.parts[p].w))
                nv_fuzz_verdict_mismatch(c, "the Z3 witness does not fit the claim");
        }
    }
    nv_smt_free(s);
    nv_matrix_free(x);
}

/* Resolve claim by claim (errors to dp), and decide those that resolved. */
static void nv_fuzz_resolve_decide(struct nv_claims *cs, struct nv_model *m, struct nv_diags *dp)
{
    struct nv_claims ok;
    size_t i;

    memset(&ok, 0, sizeof(ok));
    ok.file = cs->file;
    ok.items = nv_xcalloc(cs->n + 1, sizeof(*ok.items));
    for (i = 0; i < cs->n; i++) {
        struct nv_claims one = {1, 1, &cs->items[i], cs->file};
        if (nv_claims_resolve(&one, m, dp) == 0)
            ok.items[ok.n++] = cs->items[i];
    }
    ok.alloc = ok.n;
    nv_fuzz_decide(&ok, m);
    /* the claims (and what resolution allocated) belong to cs */
    free(ok.items);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nv_load_opts o;
    struct nv_diags d, dp;
    struct nv_claims cs;
    struct nv_model *m;

    nv_load_opts_default(&o);
    nv_diags_init(&d);
    nv_diags_init(&dp);
    memset(&cs, 0, sizeof(cs));
    m = nv_load_buffer(cluster, cluster_len, "cluster.yaml", &o, &d);
    if (!m) {
        nv_diags_print(&d, stderr);
        fputs("fuzz_claim: the fixed cluster does not load\n", stderr);
        abort();
    }
    /* unlike check, go on with the claims that parsed when others did not: deeper paths */
    if (nv_fuzz_mentions(data, size, "claims")) {
        nv_fuzz_write_claims(data, size);
        nv_claims_load(&cs, claims_path, m, &dp);
    } else {
        nv_fuzz_lines(&cs, data, size, m, &dp);
    }
    if (nv_model_finish(m, &d) == 0)
        nv_fuzz_resolve_decide(&cs, m, &dp);
    nv_diags_print(&dp, nv_fuzz_sink());
    nv_diags_print(&d, nv_fuzz_sink());
    nv_diags_release(&dp);
    nv_diags_release(&d);
    nv_claims_release(&cs);
    nv_model_free(m);
    return 0;
}
