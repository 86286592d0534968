/*
 * claim.h - the claim language: claims files, the parser (with the column
 * of every problem), and the resolution of a claim's sets against a model.
 *
 *   claim = [ "regardless of NetworkPolicies" [ "," ] ] body
 *   body  = [ "only" ] set ( "reaches" | "cannot reach" ) set [ "on" ports ]
 *         | "tenants by" KEY "cannot reach each other" [ "on" ports ]
 *         | set "is isolated" [ "for ingress" | "for egress" ]   (not with 'regardless')
 *         | [ "not" ] "exposed" set [ "on" ports ]
 *   set   = "any" | "pods" SELECTOR [ "in" nsref ] | "namespace" NAME
 *         | "namespaces" SELECTOR | "svc" NS/NAME
 *         | "cidr" CIDR { "," CIDR } [ "except" CIDR { "," CIDR } ]
 *         | NS/NAME [ "[" KIND "]" ] | NAME [ "[" KIND "]" ]
 *   nsref = "namespace" NAME | "namespaces" SELECTOR
 *   ports = port { "," port }      tcp/80, udp/53, sctp/9000, tcp/8000-8100, 80
 *   port  = [ PROTO "/" ] NUMBER [ "-" NUMBER ]
 *         | [ PROTO "/" ] NAME     a container port's name, resolved per destination pod
 *         | NAME                   toward 'svc': a Service port by name
 *
 * SELECTOR is kubectl's -l syntax; an operator without a value ('app=',
 * 'app!=', 'in (a,)') compares with the empty value. A label key or value
 * and a name may be quoted, "..." or '...' (no escapes), and is then never a
 * keyword: pods "on"=yes reaches "any". Keywords are case-insensitive.
 *
 * Toward 'svc NS/NAME', 'on' picks Service ports (every one without 'on');
 * resolution maps each to its targetPort on each selected pod (see
 * docs/claims.md#services) and refuses a Service port with no endpoint.
 * Toward pods, 'on' may name container ports: resolution keeps, when every
 * entry is a name, only the destination pods that declare one, and refuses a
 * name no destination pod declares (docs/claims.md#named-ports).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_CLAIM_H
#define NETVERIFY_CLAIM_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/buf.h"
#include "netverify/diag.h"
#include "netverify/ip.h"
#include "netverify/model.h"
#include "netverify/policy.h"
#include "netverify/selector.h"

enum nv_set_kind {
    NV_SET_ANY,
    NV_SET_PODS,       /* pods SELECTOR [in nsref] */
    NV_SET_NAMESPACE,  /* namespace NAME */
    NV_SET_NAMESPACES, /* namespaces SELECTOR */
    NV_SET_SVC,        /* svc NS/NAME */
    NV_SET_CIDR,       /* cidr ... [except ...] */
    NV_SET_WORKLOAD,   /* NS/NAME or NAME */
};

struct nv_set {
    enum nv_set_kind kind;
    struct nv_loc loc;                   /* where the set starts in the claims file */
    const char *text;                    /* the set as written */
    const struct nv_selector *sel;       /* PODS: pod selector; NAMESPACES: namespace selector */
    const char *scope_ns;                /* PODS: in namespace NAME */
    const struct nv_selector *scope_sel; /* PODS: in namespaces SELECTOR */
    const char *ns, *name;               /* NAMESPACE (name), SVC and WORKLOAD (ns may be NULL) */
    const char *wkind;                   /* WORKLOAD: the kind of NS/NAME[Kind], or NULL */
    size_t ncidr, nexcept;
    struct nv_iprange *cidr, *except;
    /* resolved by nv_claims_resolve: membership of classes and external atoms */
    unsigned char *cls;   /* per class: 1 if in the set */
    unsigned char *atoms; /* per atom: 1 if in the set */
    size_t ncls, natoms;  /* members */
    const struct nv_service *svc;
};

enum nv_claim_kind { NV_CLAIM_REACHES, NV_CLAIM_CANNOT_REACH, NV_CLAIM_ISOLATED };

struct nv_claim {
    const char *name; /* NULL when the claims file gives none */
    const char *text;
    struct nv_loc loc; /* of the claim text */
    enum nv_claim_kind kind;
    int only;
    int iso_types; /* ISOLATED: NV_TYPE_INGRESS | NV_TYPE_EGRESS */
    struct nv_set a, b;
    /*
     * ports: after 'on' (toward a Service: Service ports, by number or name),
     * replaced by nv_claim_resolve with the picked Service ports' targetPorts
     * (names resolved per destination pod); nports == 0 means every port
     */
    size_t nports;
    struct nv_portspec *ports;
    int has_on;
    /* 'regardless of NetworkPolicies': decided with the NetworkPolicy tier left free, so it
     * holds whatever NetworkPolicies the namespaces write */
    int guard;
    /* 'tenants by KEY cannot reach each other' (a CANNOT_REACH claim whose sets are the
     * namespaces with KEY): only pods of different values of KEY are related */
    const char *tenant_key;
    /*
     * 'exposed B' (NV_EXPOSED: a REACHES claim) and 'not exposed B' (NV_NOT_EXPOSED: a
     * CANNOT_REACH claim): the source is the ingress controller, and toward each class of B
     * the ports are those the exposure objects route to it (within 'on'): dst_ports, per
     * class, after nv_claim_resolve (docs/claims.md#exposure)
     */
    int expose;
    uint32_t *dst_ports;
    /*
     * 'expect: refuted' (a known breach, docs/claims.md#expected-refutations): a
     * refutation does not fail the gate, and the claim holding does. reason (required
     * with it) and issue (optional) as written; expect_loc is where 'expect' is.
     */
    int expect_refuted;
    const char *reason, *issue;
    struct nv_loc expect_loc;
};

#define NV_EXPOSED 1
#define NV_NOT_EXPOSED 2

struct nv_claims {
    size_t n, alloc;
    struct nv_claim *items;
    const char *file;
};

/* The size of a claims file, and the default limit on the number of its claims. */
#define NV_CLAIMS_MAX_BYTES (16 << 20)
#define NV_CLAIMS_MAX_DEFAULT 10000

/*
 * Read a claims file ('claims:' list of strings or {name, claim} mappings) and
 * parse every claim into the model's arena; register what the claims select
 * with the model (selectors, named workloads, address ranges), so call it
 * before nv_model_finish(). Only a regular file of at most NV_CLAIMS_MAX_BYTES
 * is read, with at most NV_CLAIMS_MAX_DEFAULT claims (nv_claims_load_max():
 * 'max_claims'; an alias counts as the claim it repeats). Returns 0, or -1
 * after recording errors.
 */
int nv_claims_load(struct nv_claims *c, const char *path, struct nv_model *m, struct nv_diags *d);
int nv_claims_load_max(struct nv_claims *c, const char *path, size_t max_claims, struct nv_model *m,
                       struct nv_diags *d);
/* Parse one claim text; 'loc' is where the text starts. Returns 0 or -1 (error recorded). */
int nv_claim_parse(struct nv_claim *out, const char *text, struct nv_loc loc, struct nv_model *m,
                   struct nv_diags *d);
/*
 * After nv_model_finish(): compute each set's members. A set that matches
 * nothing is an error (a typo must not pass a gate). Returns 0 or -1.
 */
int nv_claims_resolve(struct nv_claims *c, struct nv_model *m, struct nv_diags *d);
/* The same for one claim. */
int nv_claim_resolve(struct nv_claim *cl, struct nv_model *m, struct nv_diags *d);
void nv_claims_release(struct nv_claims *c);
/*
 * Whether the EndpointSlice controller makes pod an endpoint of svc: same
 * namespace, and svc has a non-empty selector that matches the pod's labels.
 */
int nv_service_selects(const struct nv_model *m, const struct nv_service *svc,
                       const struct nv_pod *pod);
/*
 * The port Service port sp sends to on pod: a numeric targetPort as is, a
 * named one looked up in the pod's container ports (sidecars included) by
 * name and the Service port's protocol; 0 when the pod does not declare it
 * (the pod is then no endpoint of sp).
 */
unsigned nv_service_target(const struct nv_service_port *sp, const struct nv_pod *pod);
/*
 * Why svc has no pods from the EndpointSlice controller, as a predicate for
 * a sentence about it ("has no selector: ..."); svc->unselected != 0.
 */
const char *nv_service_unselected_why(const struct nv_service *svc);
/* Append "80 (http)", "53/UDP (dns)" or "8080" (port, protocol unless TCP, name) to b. */
void nv_service_port_format(struct nv_buf *b, const struct nv_service_port *sp);

/*
 * Whether classes a and b may be a flow: a flow runs between two distinct pods,
 * so a == b needs a class of at least two pods.
 */
int nv_claim_pair_ok(const struct nv_model *m, uint32_t a, uint32_t b);
/*
 * Whether claim c relates a source of class a to a destination of class b by
 * their tenants: always, but for 'tenants by KEY', where their namespaces must
 * give KEY two different values.
 */
int nv_claim_tenants_apart(const struct nv_model *m, const struct nv_claim *c, uint32_t a,
                           uint32_t b);

#endif
