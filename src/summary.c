/*
 * summary.c - 'list --format summary': totals and per-namespace-pair counts
 * of allowed workload pairs, counted over the engine's classes.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/summary.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/buf.h"
#include "netverify/escape.h"

struct nv_unit_order {
    uint32_t unit, ns;
};

static int nv_unit_order_cmp(const void *pa, const void *pb)
{
    const struct nv_unit_order *a = pa, *b = pb;

    if (a->ns != b->ns)
        return a->ns < b->ns ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

static const struct nv_model *nv_sort_model;

static int nv_ns_rank_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return strcmp(nv_sort_model->ns[a].name, nv_sort_model->ns[b].name);
}

/* Write n in decimal at p (room for 20 digits); returns the length. */
static size_t nv_ulltoa(unsigned long long n, char *p)
{
    char tmp[24];
    size_t i = sizeof(tmp), len;

    do {
        tmp[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    len = sizeof(tmp) - i;
    memcpy(p, tmp + i, len);
    return len;
}

/* Per-unit figures for the summary; counts into acc[] by destination namespace. */
struct nv_summary {
    struct nv_model *m;
    struct nv_matrix *x;
    long long *acc;               /* allowed workload pairs by destination namespace */
    unsigned long long open_mass; /* workloads of the current namespace whose row is open */
    uint32_t *row, *arow;
    int sparse;
};

static void nv_summary_count(struct nv_summary *S, uint32_t u)
{
    struct nv_model *m = S->m;
    long long mu = (long long)m->units[u].nworkloads;
    size_t j;

    if (!S->sparse) {
        nv_matrix_row(S->x, u, S->row, NULL);
        for (j = 0; j < m->nunits; j++) {
            long long mv = (long long)m->units[j].nworkloads;
            if (mv && S->row[j] != NV_PORTS_NONE)
                S->acc[m->units[j].ns] += j == u ? mu * (mv - 1) : mu * mv;
        }
        return;
    }
    if (nv_matrix_count_row(S->x, u, mu, S->acc))
        S->open_mass += (unsigned long long)mu;
}

int nv_summary_write(struct nv_model *m, struct nv_matrix *x, FILE *fp)
{
    size_t nu = m->nunits, nns = m->nns, i, j;
    struct nv_unit_order *order = nv_xmalloc((nu + 1) * sizeof(*order));
    unsigned long long *wlns = nv_xcalloc(nns + 1, sizeof(*wlns));
    unsigned long long pairs = 0, allpairs, iso_in = 0, iso_out = 0, ext_in = 0, ext_out = 0;
    uint32_t *byrank = nv_xmalloc((nns + 1) * sizeof(*byrank));
    uint32_t *rank = nv_xmalloc((nns + 1) * sizeof(*rank));
    struct nv_summary S;
    /* namespace pairs with flows, in output order: source rank, then destination rank */
    uint32_t *pa = NULL, *pb = NULL;
    unsigned long long *pn = NULL;
    size_t nnp = 0, aalloc = 0, balloc = 0, nalloc = 0, nsused = 0;
    uint32_t curns = UINT32_MAX;

    memset(&S, 0, sizeof(S));
    S.m = m;
    S.x = x;
    S.acc = nv_xcalloc(nns + 1, sizeof(*S.acc));
    S.row = nv_xmalloc((nu + 1) * sizeof(*S.row));
    S.arow = nv_xmalloc((m->atoms.n + 1) * sizeof(*S.arow));
    /* the sparse engine works on classes: usable when every workload is one class and the
     * answer is one combination that pods' addresses and nodes do not change */
    S.sparse = nu == m->nclasses && nv_matrix_exact(x);
    for (i = 0; i < nns; i++)
        byrank[i] = (uint32_t)i;
    nv_sort_model = m;
    qsort(byrank, nns, sizeof(*byrank), nv_ns_rank_cmp);
    for (i = 0; i < nns; i++)
        rank[byrank[i]] = (uint32_t)i;
    for (i = 0; i < m->nworkloads; i++)
        wlns[m->workloads[i].ns]++;
    for (i = 0; i < nns; i++)
        nsused += wlns[i] != 0;
    for (i = 0; i < nu; i++) {
        order[i].unit = (uint32_t)i;
        order[i].ns = rank[m->units[i].ns];
    }
    qsort(order, nu, sizeof(*order), nv_unit_order_cmp);
    for (i = 0; i <= nu; i++) {
        const struct nv_unit *u;
        unsigned long long mu;
        int all_in = 1, all_out = 1, any = 0;
        size_t c, a;
        if (i == nu || order[i].ns != curns) {
            if (curns != UINT32_MAX) {
                /* flush the namespace just finished, destinations in name order */
                for (j = 0; j < nns; j++) {
                    uint32_t d = byrank[j];
                    unsigned long long n =
                        (unsigned long long)(S.acc[d] +
                                             (long long)S.open_mass *
                                                 (S.sparse ? nv_matrix_base_count(x, d) : 0));
                    S.acc[d] = 0;
                    if (!n)
                        continue;
                    NV_GROW(pa, aalloc, nnp + 1);
                    NV_GROW(pb, balloc, nnp + 1);
                    NV_GROW(pn, nalloc, nnp + 1);
                    pa[nnp] = byrank[curns];
                    pb[nnp] = d;
                    pn[nnp] = n;
                    pairs += n;
                    nnp++;
                }
                S.open_mass = 0;
            }
            if (i == nu)
                break;
            curns = order[i].ns;
        }
        u = &m->units[order[i].unit];
        mu = u->nworkloads;
        if (!mu)
            continue;
        nv_summary_count(&S, order[i].unit);
        for (c = 0; c < u->ncls; c++) {
            all_in &= nv_matrix_isolated(x, u->cls[c], NV_INGRESS);
            all_out &= nv_matrix_isolated(x, u->cls[c], NV_EGRESS);
            nv_matrix_to_atoms(x, u->cls[c], S.arow);
            for (a = 0; a < m->atoms.n && !any; a++)
                any = S.arow[a] != NV_PORTS_NONE;
        }
        iso_in += all_in ? mu : 0;
        iso_out += all_out ? mu : 0;
        ext_out += any ? mu : 0;
        nv_matrix_from_atoms(x, order[i].unit, S.arow);
        for (a = 0; a < m->atoms.n; a++)
            if (S.arow[a] != NV_PORTS_NONE)
                break;
        ext_in += a < m->atoms.n ? mu : 0;
    }
    allpairs = (unsigned long long)m->nworkloads * (m->nworkloads ? m->nworkloads - 1 : 0);
    fprintf(fp, "workloads: %zu\n", m->nworkloads);
    fprintf(fp, "namespaces: %zu (%zu with workloads)\n", nns, nsused);
    fprintf(fp, "network policies: %zu\n", m->npolicies);
    fprintf(fp, "isolated for ingress: %llu of %zu workloads\n", iso_in, m->nworkloads);
    fprintf(fp, "isolated for egress: %llu of %zu workloads\n", iso_out, m->nworkloads);
    fprintf(fp, "reachable from outside the cluster: %llu of %zu workloads\n", ext_in,
            m->nworkloads);
    fprintf(fp, "can reach outside the cluster: %llu of %zu workloads\n", ext_out, m->nworkloads);
    fprintf(fp, "allowed workload pairs: %llu of %llu", pairs, allpairs);
    if (allpairs)
        fprintf(fp, " (%.1f%%)", 100.0 * (double)pairs / (double)allpairs);
    fputc('\n', fp);
    fprintf(fp, "namespace pairs with allowed flows: %zu (allowed of all workload pairs)\n", nnp);
    {
        /* 17 million lines at 50,000 workloads: format by hand into one buffer */
        size_t *nlen = nv_xmalloc((nns + 1) * sizeof(*nlen));
        char **name = nv_xmalloc((nns + 1) * sizeof(*name));
        size_t cap = 1 << 20, len = 0;
        char *out = nv_xmalloc(cap);
        for (i = 0; i < nns; i++) {
            struct nv_buf nb;
            nv_buf_init(&nb, 0);
            nv_escape_term(&nb, m->ns[i].name);
            nlen[i] = nb.len;
            name[i] = nv_buf_detach(&nb);
        }
        for (i = 0; i < nnp; i++) {
            uint32_t a = pa[i], b = pb[i];
            if (len + nlen[a] + nlen[b] + 96 > cap) {
                fwrite(out, 1, len, fp);
                len = 0;
                if (nlen[a] + nlen[b] + 96 > cap) {
                    cap = nlen[a] + nlen[b] + 96;
                    out = nv_xrealloc(out, cap);
                }
            }
            memcpy(out + len, "  ", 2);
            len += 2;
            memcpy(out + len, name[a], nlen[a]);
            len += nlen[a];
            memcpy(out + len, " -> ", 4);
            len += 4;
            memcpy(out + len, name[b], nlen[b]);
            len += nlen[b];
            memcpy(out + len, ": ", 2);
            len += 2;
            len += nv_ulltoa(pn[i], out + len);
            memcpy(out + len, " of ", 4);
            len += 4;
            len += nv_ulltoa(wlns[a] * wlns[b] - (a == b ? wlns[b] : 0), out + len);
            out[len++] = '\n';
        }
        if (len)
            fwrite(out, 1, len, fp);
        free(out);
        for (i = 0; i < nns; i++)
            free(name[i]);
        free(name);
        free(nlen);
    }
    free(pa);
    free(pb);
    free(pn);
    free(byrank);
    free(rank);
    free(order);
    free(S.row);
    free(S.arow);
    free(S.acc);
    free(wlns);
    return 0;
}
