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
/* The model the engine works on. */
struct nv_model *nv_matrix_model(const struct nv_matrix *x);

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
 * Counting, for summaries; requires every workload to be one class
 * (m->nunits == m->nclasses). Adds w * (workloads of d) to acc[namespace of d]
 * for every class d that class s reaches, except what nv_matrix_base_count()
 * covers: when s is not isolated for egress (the function returns 1), the
 * classes of the base set (not isolated for ingress, or admitted by a rule
 * without 'from') are left out and must be added by the caller as
 * w * nv_matrix_base_count(ns) for every namespace. Self pairs are already
 * subtracted (w for d == s). Returns 0 when s is isolated for egress: then acc
 * holds everything.
 */
int nv_matrix_count_row(struct nv_matrix *x, uint32_t s, long long w, long long *acc);
long long nv_matrix_base_count(const struct nv_matrix *x, unsigned ns);

/* The port-set a rule admits toward destination class 'dst' (named ports resolved there). */
uint32_t nv_matrix_rule_ports(struct nv_matrix *x, const struct nv_rule *r, uint32_t dst);
/* The same toward an external address: named ports cannot resolve there. */
uint32_t nv_matrix_rule_ports_ext(const struct nv_rule *r);

#endif
