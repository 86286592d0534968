/*
 * matrix.h - the set-algebra engine: for every ordered pair of endpoint
 * units (and external address atoms), the set of protocols and ports on
 * which a connection is allowed, computed one source row at a time.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_MATRIX_H
#define NETVERIFY_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/model.h"

struct nv_matrix;

/*
 * Prepare the engine over a finished model: evaluates every selector once per
 * class and indexes rules by the classes they select and admit. The model
 * must outlive the engine. Free with nv_matrix_free().
 */
struct nv_matrix *nv_matrix_new(struct nv_model *m);
void nv_matrix_free(struct nv_matrix *x);

/* Whether class c is isolated for ingress / egress (some policy selects it in that direction). */
int nv_matrix_isolated(const struct nv_matrix *x, uint32_t cls, int dir);

/*
 * The row of unit u. OUT: to_units[v] is the allowed port-set id from u to v
 * for every unit v (self pairs included: the caller skips a workload to
 * itself); to_atoms[a] from u to external atom a (may be NULL). Arrays are
 * sized m->nunits and m->atoms.n.
 */
void nv_matrix_row(struct nv_matrix *x, uint32_t u, uint32_t *to_units, uint32_t *to_atoms);

/* OUT: to_atoms[a] is the allowed port-set id from class 'cls' to external atom a. */
void nv_matrix_to_atoms(struct nv_matrix *x, uint32_t cls, uint32_t *to_atoms);

/* OUT: from_atoms[a] is the allowed port-set id from external atom a to unit u. */
void nv_matrix_from_atoms(struct nv_matrix *x, uint32_t u, uint32_t *from_atoms);

/*
 * A row in sparse form. With 'open' set (the source is not isolated for
 * egress), a class that is not listed gets NV_PORTS_ALL when it is not
 * isolated for ingress and NV_PORTS_NONE when it is; without 'open', every
 * class not listed gets NV_PORTS_NONE. Listed classes are distinct; their ids
 * may be NV_PORTS_NONE. The arrays belong to the engine and are valid until
 * its next call.
 */
struct nv_sparse_row {
    int open;
    size_t n;
    const uint32_t *cls;
    const uint32_t *ids;
};
/* The row of one class, toward classes only, in time proportional to what policies list. */
void nv_matrix_row_sparse(struct nv_matrix *x, uint32_t cls, struct nv_sparse_row *out);

/* The port-set a rule admits toward destination class 'dst' (named ports resolved there). */
uint32_t nv_matrix_rule_ports(struct nv_matrix *x, const struct nv_rule *r, uint32_t dst);
/* The same toward an external address: named ports cannot resolve there. */
uint32_t nv_matrix_rule_ports_ext(const struct nv_rule *r);

#endif
