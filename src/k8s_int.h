/*
 * k8s_int.h - what the files of the Kubernetes reader (k8s*.c) share: the
 * reader's state and the helpers one file defines for the others. Private to them.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_K8S_INT_H
#define NETVERIFY_K8S_INT_H

#include "netverify/arena.h"
#include "netverify/buf.h"
#include "netverify/k8s.h"

/* A primary (Cluster)UserDefinedNetwork: its namespace or namespace selector. */
struct nv_primary_net {
    const char *name;
    const char *ns;                /* UserDefinedNetwork: its namespace (interned) */
    const struct nv_selector *sel; /* ClusterUserDefinedNetwork: spec.namespaceSelector */
    struct nv_loc loc;             /* metadata.name (UDN) or spec.namespaceSelector (CUDN) */
};

struct nv_seen_key {
    const char *kind, *ns, *name; /* interned; kind NULL: an empty slot */
};

struct nv_k8s {
    struct nv_model *m;
    struct nv_diags *d;
    struct nv_k8s_stats stats;
    size_t generated; /* objects named from metadata.generateName */
    /* the (kind, namespace, name) of the objects read, interned; an open-addressing set */
    struct nv_seen_key *seen;
    size_t nseen, seenalloc;
    /* the first Admin [0..1000] and Baseline [1001..2001] tier policy at each priority,
     * allocated on first use */
    const struct nv_policy **anp_prio;
    /* primary OVN-Kubernetes networks, for the one-per-namespace rule */
    struct nv_primary_net *udns, *cudns;
    size_t nudns, udnalloc, ncudns, cudnalloc;
};

/* What a skipped plugin policy selects, when plain labels (k8s_skipped.c): into s->picks. */
void nv_k8s_skipped_picks(struct nv_k8s *k, const struct nv_node *obj, struct nv_skipped *s);

/* The controller reference among an object's ownerReferences. */
struct nv_owner {
    const char *kind, *name, *api; /* interned; api NULL when not given */
    struct nv_loc loc;             /* the ownerReference */
};

/* k8s_field.c */
const char *nv_k8s_intern_node(struct nv_k8s *k, const struct nv_node *n);
int nv_k8s_type_error(struct nv_k8s *k, const struct nv_node *n, const char *field,
                      const char *want);
const struct nv_node *nv_k8s_get_map(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                     int *bad);
const struct nv_node *nv_k8s_get_seq(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                     int *bad);
const char *nv_k8s_get_str(struct nv_k8s *k, const struct nv_node *obj, const char *key, int *bad);
int nv_k8s_node_int(struct nv_k8s *k, const struct nv_node *n, const char *field, long *out);
struct nv_loc nv_k8s_loc_of(const struct nv_node *n);
/* A label's key and value checked as the API server checks them; 'what' names the map. */
int nv_k8s_check_label(struct nv_k8s *k, const struct nv_node *kn, const struct nv_node *vn,
                       const char *what);
void nv_k8s_join_names(struct nv_buf *b, const char *const *names);
int nv_k8s_key_index(const struct nv_node *kn, const char *const *names);
int nv_k8s_check_fields(struct nv_k8s *k, const struct nv_node *map, enum nv_code code,
                        const char *where, const char *const *allowed);
struct nv_loc nv_k8s_field_loc(const struct nv_node *map, const char *key);
const char *nv_k8s_loc_ref(struct nv_loc earlier, struct nv_loc here, char *buf, size_t size);
struct nv_loc nv_k8s_field_value_loc(const struct nv_node *map, const char *key);
int nv_k8s_one_of(struct nv_k8s *k, const struct nv_node *map, const char *what,
                  const char *const *names);
int nv_k8s_parse_labels(struct nv_k8s *k, const struct nv_node *n, const char *field,
                        struct nv_labels *out);
const struct nv_selector *nv_k8s_parse_selector(struct nv_k8s *k, const struct nv_node *n, int use);
/*
 * A label selector node (matchLabels / matchExpressions) into the model
 * arena; NULL after recording an error. A null node is the empty selector.
 */
const struct nv_selector *nv_k8s_selector(struct nv_k8s *k, const struct nv_node *n);
extern const char *const nv_k8s_crd_object_fields[];
extern const char *const nv_k8s_meta_fields[];
extern const char *const nv_k8s_template_fields[];
extern const char *const nv_k8s_podspec_fields[];
extern const char *const nv_k8s_container_fields[];
extern const char *const nv_k8s_container_port_fields[];
extern const char *const nv_k8s_service_spec_fields[];
extern const char *const nv_k8s_service_port_fields[];
const char *const *nv_k8s_workload_spec_fields(const char *kind);
const struct nv_node *nv_k8s_need_map(struct nv_k8s *k, const struct nv_node *obj, const char *key,
                                      const char *owner);

/* k8s_policy.c */
const char *nv_k8s_port_name_invalid(const char *s);
int nv_k8s_parse_proto(struct nv_k8s *k, const struct nv_node *obj, enum nv_proto *out);
int nv_k8s_parse_portnum(struct nv_k8s *k, const struct nv_node *n, const char *field,
                         unsigned *out);
void nv_k8s_add_netpol(struct nv_k8s *k, const struct nv_node *obj, const char *ns,
                       const char *name);

/* k8s_pod.c */
long nv_k8s_add_pod(struct nv_k8s *k, const struct nv_node *meta, const struct nv_node *podspec,
                    const char *ns, const char *name, const char *wlname, const char *wlkind,
                    struct nv_loc loc);
int nv_k8s_parse_owners(struct nv_k8s *k, const struct nv_node *meta, struct nv_owner *ctl);
int nv_k8s_owner_plausible(const struct nv_owner *ctl, const char *kind);
void nv_k8s_owner_warning(struct nv_k8s *k, const struct nv_owner *ctl, const char *kind,
                          const char *name, const char *consequence);
void nv_k8s_add_pod_object(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                           const char *ns, const char *name);

/* k8s_workload.c */
void nv_k8s_add_workload_object(struct nv_k8s *k, const struct nv_node *obj,
                                const struct nv_node *meta, const char *kind, const char *ns,
                                const char *name);
int nv_k8s_is_hpa_version(const struct nv_node *obj);
void nv_k8s_add_hpa(struct nv_k8s *k, const struct nv_node *obj, const char *ns, const char *name);

/* k8s_service.c */
void nv_k8s_add_service(struct nv_k8s *k, const struct nv_node *obj, const char *ns,
                        const char *name);
void nv_k8s_add_namespace_object(struct nv_k8s *k, const struct nv_node *meta, const char *name,
                                 struct nv_loc loc);

/* k8s_admin.c */
int nv_k8s_add_admin_policy(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                            const char *kind, const char *name);

/* k8s_node.c */
void nv_k8s_add_node(struct nv_k8s *k, const struct nv_node *obj, const char *name);

/* k8s_expose.c */
/* Whether kind is Ingress, Route, a Gateway API route or ReferenceGrant, at a version it reads. */
int nv_k8s_is_expose_kind(const struct nv_node *obj, const char *kind);
void nv_k8s_add_expose(struct nv_k8s *k, const struct nv_node *obj, const char *kind,
                       const char *ns, const char *name);

/* k8s_ovn.c */
void nv_k8s_recheck_primary(struct nv_k8s *k, const char *ns);
int nv_k8s_check_udn(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                     const char *ns, const char *name);
int nv_k8s_check_cudn(struct nv_k8s *k, const struct nv_node *obj, const char *name);

#endif
