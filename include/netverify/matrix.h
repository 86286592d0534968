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
 * Prepare the engine over a finished model: one engine per combination of
 * the behaviours the model's profile leaves unknown (and that the model can
 * tell apart: see nv_model_combos()), each evaluating every selector once per
 * class and indexing rules by the classes they select and admit. The model
 * must outlive the engine. Free with nv_matrix_free().
 */
struct nv_matrix *nv_matrix_new(const struct nv_model *m);
/*
 * What-if questions about the NetworkPolicy tier without changing the model
 * (lint's redundancy checks): the engine decides as if every rule whose id is
 * marked in rule_off (model.nrule_ids entries) admitted nothing, and every
 * NetworkPolicy isolated only the directions of types[its id] (NV_TYPE_*
 * bits, ANDed with its own; its rules of the other directions then count for
 * nothing). Either array may be NULL; both must outlive the engine.
 */
struct nv_matrix_mask {
    const unsigned char *rule_off;
    const unsigned char *types;
};
struct nv_matrix *nv_matrix_new_masked(const struct nv_model *m, const struct nv_matrix_mask *mask);
void nv_matrix_free(struct nv_matrix *x);
/* The model the engine works on. */
const struct nv_model *nv_matrix_model(const struct nv_matrix *x);

/* The combinations of behaviours the engine decides under, and the i-th. */
size_t nv_matrix_ncombos(const struct nv_matrix *x);
const struct nv_combo *nv_matrix_combo(const struct nv_matrix *x, size_t i);
/*
 * Whether one combination covers everything and the pods' addresses and
 * nodes play no part: what is allowed is then exactly what nv_matrix_row()
 * says.
 */
int nv_matrix_exact(const struct nv_matrix *x);

/* Whether class c is isolated for ingress / egress under every combination. */
int nv_matrix_isolated(const struct nv_matrix *x, uint32_t cls, int dir);

/*
 * The row of unit u: to_units[v] is the port-set id allowed from u to unit v
 * under SOME combination, addresses of the pods and placement (self pairs
 * included: the caller skips a workload to itself); to_atoms[a] from u to
 * external atom a (may be NULL). Arrays are sized m->nunits and m->atoms.n.
 */
void nv_matrix_row(struct nv_matrix *x, uint32_t u, uint32_t *to_units, uint32_t *to_atoms);
/*
 * The same, with what is allowed under EVERY combination, address and
 * placement in 'sure' and 'atoms_sure' (either may be NULL; atoms_sure needs
 * atoms_poss).
 */
void nv_matrix_row2(struct nv_matrix *x, uint32_t u, uint32_t *poss, uint32_t *sure,
                    uint32_t *atoms_poss, uint32_t *atoms_sure);

/*
 * Unit u's row at the classes cls[0 .. n-1] only (for a few destinations of
 * many rows: diff): to_cls[cls[k]] gets what nv_matrix_row() gives the unit
 * of class cls[k] alone (units below m->nclasses are the classes); nothing
 * else of to_cls is written.
 */
void nv_matrix_row_at(struct nv_matrix *x, uint32_t u, const uint32_t *cls, size_t n,
                      uint32_t *to_cls);
/*
 * Whether the policy tiers tie more policies than the engine decides order by
 * order, so that ties are widened per subject instead (0 without tiers):
 * which of the two happens depends on every tie in the cluster.
 */
int nv_matrix_tiers_widened(const struct nv_matrix *x);

/*
 * What the pods of workload wl allow one another: the union over every pair
 * of two distinct pods of it (its classes pairwise, a class with itself when
 * it holds two of the workload's pods); NV_PORTS_NONE when it runs one pod.
 * 'unit_row' (may be NULL) is the row of the workload's unit as
 * nv_matrix_row() gave it, which saves a row when the unit is one class.
 */
uint32_t nv_matrix_self(struct nv_matrix *x, uint32_t wl, const uint32_t *unit_row);

/* OUT: to_atoms[a] is the port-set id allowed (under some combination) from class 'cls' to
 * external atom a. */
void nv_matrix_to_atoms(struct nv_matrix *x, uint32_t cls, uint32_t *to_atoms);

/* OUT: from_atoms[a] is the port-set id allowed (under some combination) from external atom a
 * to unit u; nv_matrix_from_atoms2() also gives what every combination allows (sure: may be
 * NULL). */
void nv_matrix_from_atoms(struct nv_matrix *x, uint32_t u, uint32_t *from_atoms);
void nv_matrix_from_atoms2(struct nv_matrix *x, uint32_t u, uint32_t *poss, uint32_t *sure);

/*
 * Combination i alone, by class (for claims): poss[d] is what class cls may
 * reach class d on under some addresses and placement, sure[d] what it reaches
 * under all (arrays of m->nclasses); to_atoms as above (may be NULL).
 */
void nv_matrix_combo_row(struct nv_matrix *x, size_t i, uint32_t cls, uint32_t *poss,
                         uint32_t *sure, uint32_t *to_atoms);
/*
 * Whether, under combination i, some addresses of s and d leave the flow from
 * s to d no port (the pods on different nodes). Right after
 * nv_matrix_combo_row(x, i, s, ...).
 */
int nv_matrix_combo_may_block(struct nv_matrix *x, size_t i, uint32_t s, uint32_t d);
void nv_matrix_combo_from_atoms(struct nv_matrix *x, size_t i, uint32_t cls, uint32_t *from_atoms);
int nv_matrix_combo_isolated(const struct nv_matrix *x, size_t i, uint32_t cls, int dir);
/*
 * Combination i: acc[a] is what the egress of class s admits toward a pod of
 * class d at address atom a, by the pod's labels or by its address, named
 * ports resolved on d; NetworkPolicies only. Rows toward atoms resolve named
 * ports to nothing: where ipBlocks match pods, this is what they leave out
 * (lint's redundancy checks).
 */
void nv_matrix_combo_to_pod_atoms(struct nv_matrix *x, size_t i, uint32_t s, uint32_t d,
                                  uint32_t *acc);

/*
 * Word-parallel rows, for summaries: whether they can be used (every
 * workload one class, no hostNetwork pod, few distinct container-port
 * lists); then bits (m->nclasses bits, as 64-bit words) gets the classes
 * that class cls reaches on some port under some combination, addresses and
 * placement: bit d is set exactly when nv_matrix_row() gives d a port set
 * that is not empty.
 */
int nv_matrix_bits_usable(struct nv_matrix *x);
void nv_matrix_reach_bits(struct nv_matrix *x, uint32_t cls, uint64_t *bits);

/*
 * After nv_matrix_bits_usable(): a number below m->nns shared by the
 * namespaces whose rows draw on the same indexes of rules (the same peer sets
 * hold every class of them), which the engine builds on a row's first need.
 * Rows of one group counted in one process build them once.
 */
uint32_t nv_matrix_ns_group(const struct nv_matrix *x, uint32_t ns);

/* Whether class cls reaches some external address (is reached from one) under some combination. */
int nv_matrix_reaches_outside(struct nv_matrix *x, uint32_t cls);
int nv_matrix_reached_from_outside(struct nv_matrix *x, uint32_t cls);

#endif
