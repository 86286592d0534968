/*
 * model.h - the flow model: namespaces, workloads (with their pods), services
 * and policies, as loaded from manifests, plus the endpoint classes the
 * engine computes over. Everything lives in the model's arena.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_MODEL_H
#define NETVERIFY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/arena.h"
#include "netverify/diag.h"
#include "netverify/ip.h"
#include "netverify/policy.h"
#include "netverify/port.h"
#include "netverify/profile.h"
#include "netverify/selector.h"
#include "netverify/yaml.h"

struct nv_namespace {
    const char *name;
    struct nv_labels labels; /* always includes kubernetes.io/metadata.name */
    struct nv_loc loc;       /* file == NULL when no manifest declares it */
};

struct nv_named_port {
    const char *name;
    enum nv_proto proto;
    unsigned port;
};

/* Where a pod group comes from: what its pods are called. */
enum nv_pod_origin {
    NV_POD_MANIFEST, /* a Pod object: one pod, named by its manifest */
    NV_POD_TEMPLATE, /* a workload's pod template: 'count' pods, numbered #1.. in the workload */
    NV_POD_ORDINAL,  /* StatefulSet pods: NAME-ORDINAL */
};

/*
 * A pod group: 'count' running pods with the same labels and container ports,
 * from a Pod manifest or a workload's pod template (see "Workloads and pods" in
 * docs/semantics.md for the counts).
 */
struct nv_pod {
    const char *name; /* the Pod's or the workload's own name */
    unsigned ns;
    struct nv_labels labels;
    size_t nports;
    struct nv_named_port *ports;
    struct nv_loc loc;
    unsigned workload;
    uint32_t cls;
    enum nv_pod_origin origin;
    unsigned count; /* pods this group stands for, >= 1 */
    /* NV_POD_ORDINAL: the group's first ordinal; a 'remainder' group's pods are the
     * ordinals from there on that no other group of its workload has */
    unsigned ordinal;
    unsigned char remainder;
    /* before nv_model_finish: how a HorizontalPodAutoscaler changes 'count' */
    unsigned char scalable;    /* the kind has a scale subresource */
    unsigned char surge_pct;   /* 'surge' is a percentage of the replicas */
    unsigned surge;            /* Deployment RollingUpdate maxSurge (0: none) */
    unsigned char hostnet;     /* spec.hostNetwork: the pod uses its node's network */
    struct nv_loc hostnet_loc; /* where spec.hostNetwork is set */
};

/* A Node object: its labels (for policy-api 'nodes' peers) and status.addresses. */
struct nv_node_obj {
    const char *name;
    struct nv_labels labels;
    size_t naddrs;
    struct nv_ip *addrs; /* the IP addresses of status.addresses (InternalIP, ExternalIP) */
    struct nv_loc loc;
};

/* A HorizontalPodAutoscaler: the workload it scales and its maxReplicas. */
struct nv_hpa {
    const char *ns, *kind, *name;
    unsigned max;
    struct nv_loc loc;
};

/* What the output names: namespace/name with a kind. */
struct nv_workload {
    const char *id;   /* "namespace/name" */
    const char *name; /* name */
    const char *kind; /* Deployment, Pod, ReplicaSet, ... */
    /* a ReplicaSet or Job object's controller reference (kind, name), NULL when none */
    const char *owner_kind, *owner_name;
    /* Pods grouped under a controller reference without a kind (the API server requires one;
     * netpol-analyzer's test inputs omit it): never merged with a Pod object of that name */
    int by_owner_name;
    unsigned ns;
    struct nv_loc loc;
    size_t npods;
    unsigned *pods;
    uint32_t unit;  /* distinct set of classes, see nv_model_finish */
    unsigned count; /* pods of all its groups (saturating) */
};

struct nv_service_port {
    const char *name; /* NULL when the Service port has none */
    enum nv_proto proto;
    unsigned port;
    const char *target_name;  /* named targetPort, or NULL */
    unsigned target;          /* numeric targetPort (== port when absent) */
    struct nv_loc loc;        /* the ports item */
    struct nv_loc target_loc; /* its targetPort (the item when absent) */
};

/*
 * Why the EndpointSlice controller gives a Service no endpoints from pods:
 * its endpoints, if any, are managed elsewhere, so no claim can resolve it.
 */
enum nv_svc_unselected {
    NV_SVC_SELECTS = 0,    /* a non-empty selector: the controller picks the pods */
    NV_SVC_NO_SELECTOR,    /* 'selector' absent or null */
    NV_SVC_EMPTY_SELECTOR, /* 'selector: {}' */
    NV_SVC_EXTERNAL_NAME,  /* 'type: ExternalName': a DNS alias; any selector is ignored */
};

struct nv_service {
    const char *ns, *name;
    unsigned nsidx;
    struct nv_loc loc;
    enum nv_svc_unselected unselected;
    const struct nv_selector *selector; /* NULL unless unselected == NV_SVC_SELECTS */
    size_t nports;
    struct nv_service_port *ports;
};

/*
 * An object netverify skipped (a kind it does not model), kept so that 'lint'
 * can name what it may enforce. Strings are interned; ns is "" for an object
 * without a namespace, name "" when it has none.
 */
struct nv_skipped {
    const char *kind, *api, *ns, *name;
    struct nv_loc loc;
    /* the pods it selects, when its selector reads as plain labels (picks_read;
     * no pair: every pod): CiliumNetworkPolicy, Calico (k8s_skipped.c) */
    int picks_read;
    struct nv_labels picks;
};

/* What kind of object sends traffic from the ingress controller to a backend. */
enum nv_expose_kind {
    NV_EXPOSE_INGRESS,   /* networking.k8s.io/v1 Ingress */
    NV_EXPOSE_ROUTE,     /* route.openshift.io/v1 Route */
    NV_EXPOSE_HTTPROUTE, /* gateway.networking.k8s.io HTTPRoute */
    NV_EXPOSE_GRPCROUTE, /* gateway.networking.k8s.io GRPCRoute */
    NV_EXPOSE_TCPROUTE,  /* gateway.networking.k8s.io TCPRoute */
};

/*
 * One backend of an exposure object: a Service (by namespace and name) and
 * which of its ports. Resolved against the Services in nv_model_finish()
 * (docs/semantics.md, "Exposure").
 */
struct nv_backend {
    enum nv_expose_kind kind;
    const char *ns, *name;     /* the exposure object */
    const char *svc_ns, *svc;  /* the Service it names (interned) */
    const char *port_name;     /* a port by name, or NULL */
    unsigned port;             /* a port by number; 0 with port_name NULL: every port */
    struct nv_loc loc;         /* the backend reference */
    struct nv_loc port_loc;    /* its port (the reference when none) */
    unsigned char needs_grant; /* a Gateway API reference to another namespace */
    /* after nv_model_finish: the Service (-1: the backend exposes nothing) and, per Service
     * port, whether the backend sends to it */
    long svcidx;
    unsigned char *picks;
};

/* A Gateway API ReferenceGrant: routes of (from_ns, from_kind) may name Services of ns. */
struct nv_grant {
    const char *ns; /* where it lives: the namespace of the Services */
    size_t nfrom;
    const char **from_ns, **from_kind; /* interned */
    size_t nto;
    const char **to_name; /* a Service's name, or NULL for every Service */
};

/* Endpoints that no selector or named port in the model can tell apart. */
struct nv_class {
    unsigned ns;
    uint32_t ident;          /* the workload, when a claim names it; UINT32_MAX otherwise */
    struct nv_labels labels; /* projected on the keys some selector uses */
    size_t nports;
    struct nv_named_port *ports; /* projected on the names some rule uses */
    unsigned char hostnet;       /* its pods run in the host network (spec.hostNetwork) */
    size_t nworkloads;           /* workloads whose unit is this class alone */
    unsigned count;              /* pods of its pod groups (saturating) */
};

/* The set of classes of one or more workloads (almost always one class). */
struct nv_unit {
    unsigned ns;
    size_t ncls;
    uint32_t *cls;
    size_t nworkloads;
};

struct nv_model {
    struct nv_arena arena;
    /* the port-set table: not part of the model but beside it, so that engines and
     * renderers over a const model intern the sets they compute (interning only adds: an
     * id never changes meaning, and every id the model holds stays as it was). One thread
     * at a time: check's solver threads only read it. */
    struct nv_ports *ports;
    size_t nns, nsalloc;
    struct nv_namespace *ns;
    size_t npods, podalloc;
    struct nv_pod *pods;
    size_t nworkloads, wlalloc;
    struct nv_workload *workloads; /* sorted by id, then kind, after nv_model_finish */
    size_t nunmodelled;            /* workloads of kinds not modelled yet (KubeVirt VMs) */
    size_t nservices, svcalloc;
    struct nv_service *services;
    size_t nhpas, hpaalloc;
    struct nv_hpa *hpas;
    /* exposure: backends of Ingress, Route and Gateway API routes, ReferenceGrants */
    size_t nbackends, bealloc;
    struct nv_backend *backends;
    size_t ngrants, grantalloc;
    struct nv_grant *grants;
    size_t nexposers;  /* exposure objects read (with or without a usable backend) */
    int expose_off;    /* --no-ingress-controller: no controller endpoint */
    int expose_wanted; /* a claim asks about exposure: make the controller even with no backend */
    /* after nv_model_finish: the ingress controller's workload (kept past nworkloads, out of
     * every list of workloads), its class, and per class the ports it is sent on; ctrl < 0
     * when there is no controller endpoint (docs/semantics.md, "Exposure") */
    long ctrl;
    uint32_t ctrl_cls;
    uint32_t *exposed; /* per class: port-set id the controller is routed to (NV_PORTS_NONE) */
    size_t npolicies, polalloc;
    struct nv_policy **policies; /* NetworkPolicies only */
    /* the cluster-wide tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
     * ClusterNetworkPolicy: see policy.h), sorted by nv_model_finish() by tier (Admin
     * first), priority, then kind and name (an order the APIs leave open between equal
     * priorities: engines treat it as undefined) */
    size_t ntiered, tieredalloc;
    struct nv_policy **tiered;
    /* after nv_model_finish: how many rule and peer ids it gave (policy.h: 'id') */
    size_t nrule_ids, npeer_ids;
    /* Node objects; 'have_nodes' is set when the manifests hold at least one */
    size_t nnodes, nodealloc;
    struct nv_node_obj *nodes;
    size_t nskipped, skipalloc;
    struct nv_skipped *skipped; /* in input order */
    /* classes, after nv_model_finish() */
    size_t nclasses, clsalloc;
    struct nv_class *classes;
    size_t nunits, unitalloc;
    struct nv_unit *units;
    unsigned families;     /* NV_FAMILY_BIT()s of the address families outside the cluster */
    struct nv_atoms atoms; /* external address atoms, over those families */
    /* the families follow the input (the profile chose none, and has no pod CIDRs): until
     * nv_model_finish() settles them, 'families' holds both; then IPv6 stays only when the
     * input mentions it (nv_model_names_ipv6()) */
    int famauto;
    /* something the model keeps no address of mentions IPv6: a Service that asks for it, an
     * address on the command line */
    int ipv6_named;
    /* keys selectors use, for projection (interned) */
    size_t nkeys, keyalloc;
    const char **keys;
    /* pod selectors of claims (policies' are found in the policies) */
    size_t npodsels, podselalloc;
    const struct nv_selector **podsels;
    size_t nportnames, pnalloc;
    const char **portnames;
    /* workloads claims name ("ns/name" or a bare name): each gets classes of its own */
    size_t nnamed, namedalloc;
    const char **named;
    /* address ranges claims use: their bounds cut the external atoms too */
    size_t nextra, extraalloc;
    struct nv_iprange *extra;
    /* namespace lookup */
    unsigned *nsindex;
    size_t nnsindex;
    /* the cluster profile (its CIDR arrays in the arena); generic unless set */
    struct nv_profile profile;
    /* per atom, after nv_model_finish: NV_DOM_POD if a pod-network pod may have an address
     * there, NV_DOM_NODE if a node may (hostNetwork pods); atoms of each, by domain index */
    unsigned char *atomdom;
    size_t ndomain[2];
    /* NV_FAMILY_BIT()s of the addresses of each domain ([0] pods, [1] nodes): two pods
     * talk over one family, which both must have */
    unsigned domfam[2];
};

#define NV_DOM_POD 1
#define NV_DOM_NODE 2
/* The address domain of class c: NV_DOM_NODE for hostNetwork pods, else NV_DOM_POD. */
#define NV_CLASS_DOM(m, c) ((m)->classes[c].hostnet ? NV_DOM_NODE : NV_DOM_POD)
/* The NV_FAMILY_BIT()s of domain dom's addresses. */
#define NV_DOM_FAMS(m, dom) ((m)->domfam[(dom) == NV_DOM_NODE])

/* Allocate an empty model; free with nv_model_free(). */
struct nv_model *nv_model_new(void);
void nv_model_free(struct nv_model *m);

/* The index of namespace 'name', creating it (undeclared, only the name label) if needed. */
unsigned nv_model_namespace(struct nv_model *m, const char *name);

/*
 * Namespaces that differ in nothing but their kubernetes.io/metadata.name
 * label: a namespace selector that does not name that key matches every
 * namespace of a group or none, so it is tried once per group.
 */
struct nv_nsgroups {
    size_t n;      /* groups */
    uint32_t *of;  /* the group of namespace i */
    uint32_t *rep; /* the first namespace of group g */
};
/* Group m's namespaces into g (OUT:); free with nv_model_nsgroups_release(). */
void nv_model_nsgroups_build(struct nv_nsgroups *g, const struct nv_model *m);
void nv_model_nsgroups_release(struct nv_nsgroups *g);
/*
 * Whether namespace selector sel can be tried on a group's first namespace for
 * all of them: it does not name kubernetes.io/metadata.name.
 */
int nv_model_nsgroups_apply(const struct nv_selector *sel);

/*
 * Add the label key/named port names used by a selector or rule to the
 * vocabulary classes are projected on. Call before nv_model_finish().
 */
void nv_model_use_selector(struct nv_model *m, const struct nv_selector *s);
void nv_model_use_port_name(struct nv_model *m, const char *name);
/*
 * The same for a selector of pods (not of namespaces) that is not a policy's:
 * nv_model_finish() also looks at the values it names for the labels
 * controllers set (StatefulSet pod names, unknown hashes).
 */
void nv_model_use_pod_selector(struct nv_model *m, const struct nv_selector *s);

/* Give workload 'ref' ("ns/name" or a bare name) classes of its own. Before nv_model_finish(). */
void nv_model_use_workload(struct nv_model *m, const char *ref);
/* Cut the external atoms at the bounds of r too. Before nv_model_finish(). */
void nv_model_use_range(struct nv_model *m, const struct nv_iprange *r);

/*
 * Sort workloads, group pods, apply HorizontalPodAutoscalers, split
 * StatefulSet pods that selectors tell apart, compute classes, units and IP
 * atoms. Warns (in d) about selectors on label values controllers choose.
 * Returns 0, or -1 after recording errors in d.
 */
int nv_model_finish(struct nv_model *m, struct nv_diags *d);

/*
 * The port set of n port entries toward a pod of class 'cls', named ports
 * resolved on it (by name and protocol); cls == UINT32_MAX is an external
 * address, where named ports resolve to nothing. A numeric entry with port 0
 * is the whole protocol. After nv_model_finish().
 */
uint32_t nv_model_ports(const struct nv_model *m, const struct nv_portspec *ps, size_t n,
                        uint32_t cls);
/* The same, interned in table t (a renderer's own) instead of m's. */
uint32_t nv_model_ports_in(const struct nv_model *m, struct nv_ports *t,
                           const struct nv_portspec *ps, size_t n, uint32_t cls);

/*
 * The pods of workload wl in class cls (UINT32_MAX: in every class), saturating.
 * After nv_model_finish().
 */
unsigned nv_model_pods_in(const struct nv_model *m, uint32_t wl, uint32_t cls);

/* The value of a label that a controller sets to something the manifests do not tell. */
extern const char nv_model_unknown_value[];

/*
 * The combinations of behaviours to decide under (at most NV_MAX_COMBOS, into
 * out): every value of each behaviour the profile leaves unknown, where the
 * model can tell the values apart (ipBlocks matching pods needs an ipBlock,
 * hostNetwork needs a hostNetwork pod); a behaviour it cannot tell apart
 * takes its first value. The first combination has every unknown behaviour
 * at its first value. After nv_model_finish().
 */
size_t nv_model_combos(const struct nv_model *m, struct nv_combo *out);
/* Whether the values of behaviour b can make a difference in model m. */
int nv_model_tells(const struct nv_model *m, enum nv_behaviour b);

/* Take a copy of cluster profile p (into the arena). Before nv_model_finish(). */
void nv_model_set_profile(struct nv_model *m, const struct nv_profile *p);

/*
 * Whether the input mentions IPv6: an ipBlock or 'networks' CIDR, a Node
 * address, a claim's CIDR, a service CIDR of the profile, or ipv6_named.
 * IPv4-mapped addresses are IPv4.
 */
int nv_model_names_ipv6(const struct nv_model *m);

/*
 * Settle the families of a model whose families follow the input (famauto):
 * both when 'ipv6', else IPv4 only. Does nothing to a model whose families
 * are settled. nv_model_finish() calls it with nv_model_names_ipv6() and says
 * so when it narrows; 'diff' calls it first, with one answer for both sides.
 */
void nv_model_settle_families(struct nv_model *m, int ipv6);

/* The note that the families were narrowed to IPv4 because no input mentions IPv6. */
void nv_model_note_ipv4(struct nv_diags *d);

/*
 * Why a family is not modelled, for messages: " (--ip-family ipv4)", " (the
 * pod CIDRs are of the other family)", ... (a static string, "" when none).
 */
const char *nv_model_families_why(const struct nv_model *m);

/* Find a workload by "ns/name" (first of any kind); -1 if none. */
long nv_model_find_workload(const struct nv_model *m, const char *id);

#endif
