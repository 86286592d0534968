/*
 * k8s.h - Kubernetes objects from YAML nodes into the model (Namespaces, Pods and workload
 * kinds, Services, NetworkPolicies, List kinds), validated as the API server would, every
 * problem reported with a position; admin policies and OVN-Kubernetes networks are validated
 * but not modelled yet.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_K8S_H
#define NETVERIFY_K8S_H

#include <stddef.h>

#include "netverify/diag.h"
#include "netverify/model.h"
#include "netverify/yaml.h"

struct nv_k8s;

/* A reader of documents into 'm'. Free with nv_k8s_free(). */
struct nv_k8s *nv_k8s_new(struct nv_model *m, struct nv_diags *d);
void nv_k8s_free(struct nv_k8s *k);

/* Add one YAML document (an object or a List of objects). Errors go to the diagnostics. */
void nv_k8s_add_document(struct nv_k8s *k, const struct nv_node *root);

/* Objects seen, by what became of them (for summaries and tests). */
struct nv_k8s_stats {
    size_t documents, objects, skipped;
};
void nv_k8s_stats(const struct nv_k8s *k, struct nv_k8s_stats *out);

#endif
