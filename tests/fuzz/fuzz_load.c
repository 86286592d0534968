/*
 * fuzz_load.c - libFuzzer target: bytes as one manifest file, through the YAML
 * reader, Kubernetes validation, the model and the matrix engine. Prints
 * nothing: diagnostics are formatted into /dev/null so that code runs too.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "netverify/load.h"
#include "netverify/matrix.h"
#include "netverify/model.h"
#include "netverify/port.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rows beyond this are skipped: the quadratic part must not dominate a run. */
#define NV_FUZZ_MAX_ROWS 64

static void nv_fuzz_rows(struct nv_model *m)
{
    struct nv_matrix *x = nv_matrix_new(m);
    uint32_t *row = nv_xmalloc((m->nunits + 1) * sizeof(*row));
    uint32_t *arow = nv_xmalloc((m->atoms.n + 1) * sizeof(*arow));
    uint64_t *bits = nv_xcalloc(m->nclasses / 64 + 2, sizeof(*bits));
    size_t u, c, n = m->nunits < NV_FUZZ_MAX_ROWS ? m->nunits : NV_FUZZ_MAX_ROWS;

    for (u = 0; u < n; u++) {
        nv_matrix_row(x, (uint32_t)u, row, arow);
        nv_matrix_from_atoms(x, (uint32_t)u, arow);
        /* formatting walks the interval lists of every set the row produced */
        nv_ports_format(m->ports, row[0]);
        if (m->atoms.n)
            nv_ports_format(m->ports, arow[0]);
    }
    for (c = 0; c < m->nclasses && c < NV_FUZZ_MAX_ROWS; c++) {
        nv_matrix_isolated(x, (uint32_t)c, NV_INGRESS);
        nv_matrix_to_atoms(x, (uint32_t)c, arow);
        if (nv_matrix_bits_usable(x))
            nv_matrix_reach_bits(x, (uint32_t)c, bits);
    }
    free(bits);
    free(arow);
    free(row);
    nv_matrix_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nv_load_opts o;
    struct nv_diags d;
    struct nv_model *m;

    nv_load_opts_default(&o);
    nv_diags_init(&d);
    m = nv_load_buffer((const char *)data, size, "fuzz.yaml", &o, &d);
    if (m && nv_model_finish(m, &d) == 0 && d.nerr == 0)
        nv_fuzz_rows(m);
    nv_diags_print(&d, nv_fuzz_sink());
    nv_diags_release(&d);
    nv_model_free(m);
    return 0;
}
