/*
 * expose.h - what Ingress, OpenShift Route and Gateway API routes expose: their
 * backends resolved to Service ports, the pods those select and the target
 * ports on them, and the ingress controller as an endpoint of the model
 * (docs/semantics.md, "Exposure").
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_EXPOSE_H
#define NETVERIFY_EXPOSE_H

#include "netverify/diag.h"
#include "netverify/model.h"

/* The ingress controller: where it is modelled, and how the reports name it. */
#define NV_CTRL_NS "ingress-controller-ns"
#define NV_CTRL_NAME "{ingress-controller}"
#define NV_CTRL_KIND "IngressController"

/* The words for each enum nv_expose_kind ("Ingress", "Route", "HTTPRoute", ...). */
const char *nv_expose_kind_name(enum nv_expose_kind k);

/*
 * Called by nv_model_finish() before pods are grouped: resolve every backend
 * to its Service and Service ports (a Service or port the input lacks, a
 * cross-namespace reference no ReferenceGrant permits, a Service without
 * selector: a warning with the backend's position), register the selectors
 * and target port names classes must tell apart, and add the controller's pod
 * when something is exposed (or a claim asks) unless m->expose_off.
 */
void nv_expose_prepare(struct nv_model *m, struct nv_diags *d);
/* After classes are made: take the controller out of the workloads (m->ctrl). */
void nv_expose_hide(struct nv_model *m);
/* After units are made: the controller's unit, and m->exposed per class. */
void nv_expose_finish(struct nv_model *m);

/* The ports the controller is routed to on the pods of unit u (NV_PORTS_NONE: none). */
uint32_t nv_expose_unit_ports(const struct nv_model *m, uint32_t u);

/*
 * The next backend, from number *from on, that sends to 'port' (0: any port)
 * on some pod of workload wl (the controller's traffic toward it), or NULL;
 * *from moves past it. Start with *from = 0.
 */
const struct nv_backend *nv_expose_next(const struct nv_model *m, size_t wl, unsigned port,
                                        size_t *from);

#endif
