/*
 * k8s_pod.c - Pods and the pods of workloads: containers and their ports, hostNetwork,
 * ownerReferences (the controller owner that names a workload).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- pods and workloads ---- */

/*
 * Whether init container c runs beside the app containers: a sidecar
 * ('restartPolicy: Always'), whose ports are the pod's ports. Any other
 * value is refused, as the API server does. Returns 1, 0, or -1 (error).
 */
static int nv_is_sidecar(struct nv_k8s *k, const struct nv_node *c)
{
    int bad = 0;
    const char *v = nv_k8s_get_str(k, c, "restartPolicy", &bad);

    if (bad)
        return -1;
    if (!v)
        return 0;
    if (strcmp(v, "Always"))
        return nv_diag_error(k->d, nv_node_get(c, "restartPolicy")->loc, NV_E_VALUE,
                             "invalid restartPolicy '%s' for an init container (only 'Always', "
                             "which makes it a sidecar, is allowed)",
                             v);
    return 1;
}

/*
 * A container port's name as the API server validates it: a valid port name
 * (IANA_SVC_NAME), given once in its container. -1 after an error.
 */
static int nv_container_port_name_bad(struct nv_k8s *k, const struct nv_node *ps, size_t j,
                                      const char *name)
{
    const struct nv_node *nn = nv_node_get(ps->items[j], "name");
    const char *why = nv_k8s_port_name_invalid(name);
    size_t i;

    if (why)
        return nv_diag_error(k->d, nn->loc, NV_E_PORT, "invalid container port name '%.80s': %s",
                             name, why);
    for (i = 0; i < j; i++) {
        const struct nv_node *other = nv_node_get(ps->items[i], "name");
        if (other && other->type == NV_NODE_SCALAR && !strcmp(other->str, name))
            return nv_diag_error(k->d, nn->loc, NV_E_PORT,
                                 "container port name '%s' is given twice in the container "
                                 "(first at line %u, column %u)",
                                 name, other->loc.line, other->loc.col);
    }
    return 0;
}

/* The named ports of the containers in podspec's list 'key' (initContainers: sidecars only). */
static int nv_parse_container_list(struct nv_k8s *k, const struct nv_node *podspec, const char *key,
                                   struct nv_pod *pod)
{
    const struct nv_node *cs;
    size_t i, j;
    int bad = 0, init = !strcmp(key, "initContainers");

    cs = nv_k8s_get_seq(k, podspec, key, &bad);
    if (bad)
        return -1;
    for (i = 0; cs && i < cs->n; i++) {
        const struct nv_node *c = cs->items[i], *ps;
        if (c->type != NV_NODE_MAP) {
            nv_k8s_type_error(k, c, init ? "initContainers item" : "containers item", "a mapping");
            bad = 1;
            continue;
        }
        if (nv_k8s_check_fields(k, c, NV_E_VALUE, "a container", nv_k8s_container_fields) < 0)
            bad = 1;
        if (init) {
            int sc = nv_is_sidecar(k, c);
            if (sc < 0)
                bad = 1;
            if (sc <= 0)
                continue; /* an ordinary init container has finished before the pod serves */
        }
        ps = nv_k8s_get_seq(k, c, "ports", &bad);
        for (j = 0; ps && j < ps->n; j++) {
            const struct nv_node *p = ps->items[j];
            struct nv_named_port np;
            const char *name;
            if (p->type != NV_NODE_MAP) {
                nv_k8s_type_error(k, p, "ports item", "a mapping");
                bad = 1;
                continue;
            }
            if (nv_k8s_check_fields(k, p, NV_E_PORT, "a container port",
                                    nv_k8s_container_port_fields) < 0) {
                bad = 1;
                continue;
            }
            name = nv_k8s_get_str(k, p, "name", &bad);
            if (nv_k8s_parse_proto(k, p, &np.proto) < 0) {
                bad = 1;
                continue;
            }
            if (nv_node_is_null(nv_node_get(p, "containerPort"))) {
                /* the API server requires it; analysers accept the object, so warn and skip */
                nv_diag_warning(k->d, p->loc, NV_W_SEMANTIC,
                                "container port has no 'containerPort'; the entry is ignored");
                continue;
            }
            if (nv_k8s_parse_portnum(k, nv_node_get(p, "containerPort"), "containerPort",
                                     &np.port) < 0) {
                bad = 1;
                continue;
            }
            if (!name)
                continue;
            if (nv_container_port_name_bad(k, ps, j, name) < 0) {
                bad = 1;
                continue;
            }
            np.name = name;
            pod->ports[pod->nports++] = np;
        }
    }
    return bad ? -1 : 0;
}

/* Count the port entries of a container list, to size the pod's port array. */
static size_t nv_count_ports(const struct nv_node *podspec, const char *key)
{
    const struct nv_node *cs = nv_node_get(podspec, key);
    size_t i, n = 0;

    for (i = 0; cs && cs->type == NV_NODE_SEQ && i < cs->n; i++) {
        const struct nv_node *ps = nv_node_get(cs->items[i], "ports");
        if (ps && ps->type == NV_NODE_SEQ)
            n += ps->n;
    }
    return n;
}

/* The pod's named ports: those of its containers and of its sidecar init containers. */
static int nv_parse_containers(struct nv_k8s *k, const struct nv_node *podspec, struct nv_pod *pod)
{
    size_t cap;
    int rc = 0;

    if (!podspec)
        return 0; /* no spec at all: read as a pod without ports (see semantics.md) */
    if (nv_k8s_check_fields(k, podspec, NV_E_VALUE, "a pod spec", nv_k8s_podspec_fields) < 0)
        return -1;
    cap = nv_count_ports(podspec, "containers") + nv_count_ports(podspec, "initContainers");
    pod->ports = nv_arena_alloc(&k->m->arena, (cap + 1) * sizeof(*pod->ports));
    if (nv_parse_container_list(k, podspec, "containers", pod) < 0)
        rc = -1;
    if (nv_parse_container_list(k, podspec, "initContainers", pod) < 0)
        rc = -1;
    if (rc == 0) {
        const struct nv_node *cs = nv_node_get(podspec, "containers");
        if (nv_node_is_null(cs) || cs->n == 0)
            return nv_diag_error(k->d, nv_node_is_null(cs) ? podspec->loc : cs->loc, NV_E_MISSING,
                                 "a pod spec needs at least one container in 'containers' (the "
                                 "API server refuses one without)");
    }
    return rc;
}

static unsigned nv_add_workload(struct nv_k8s *k, const char *ns, const char *name,
                                const char *kind, struct nv_loc loc)
{
    struct nv_model *m = k->m;
    struct nv_workload *w;
    char *id;
    size_t n = strlen(ns) + strlen(name) + 2;

    NV_GROW(m->workloads, m->wlalloc, m->nworkloads + 1);
    w = &m->workloads[m->nworkloads];
    memset(w, 0, sizeof(*w));
    id = nv_xmalloc(n);
    snprintf(id, n, "%s/%s", ns, name);
    w->id = nv_arena_intern(&m->arena, id);
    free(id);
    w->name = name;
    w->kind = kind;
    w->ns = nv_model_namespace(m, ns);
    w->loc = loc;
    return (unsigned)m->nworkloads++;
}

/* spec.hostNetwork: a YAML Boolean, as the API server decodes it. */
static int nv_parse_host_network(struct nv_k8s *k, const struct nv_node *podspec,
                                 struct nv_pod *pod)
{
    const struct nv_node *n = podspec ? nv_node_get(podspec, "hostNetwork") : NULL;

    if (!n || nv_node_is_null(n))
        return 0;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_BOOL)
        return nv_diag_error(k->d, n->loc, NV_E_TYPE, "'hostNetwork' must be true or false, not %s",
                             n->type == NV_NODE_SCALAR ? "a string" : nv_node_type_name(n));
    /* YAML 1.1: y, yes, true, on (any case) are true */
    pod->hostnet =
        strchr("yYtT", n->str[0]) || ((n->str[0] | 0x20) == 'o' && (n->str[1] | 0x20) == 'n');
    pod->hostnet_loc = n->loc;
    return 0;
}

/* Add a pod group; its index, or -1 after an error. */
long nv_k8s_add_pod(struct nv_k8s *k, const struct nv_node *meta, const struct nv_node *podspec,
                    const char *ns, const char *name, const char *wlname, const char *wlkind,
                    struct nv_loc loc)
{
    struct nv_model *m = k->m;
    struct nv_pod pod;
    const struct nv_node *labels = nv_node_get(meta, "labels");

    memset(&pod, 0, sizeof(pod));
    pod.name = name;
    pod.loc = loc;
    pod.count = 1;
    if (nv_parse_host_network(k, podspec, &pod) < 0)
        return -1;
    if (nv_k8s_parse_labels(k, labels, "labels", &pod.labels) < 0)
        return -1;
    if (nv_parse_containers(k, podspec, &pod) < 0)
        return -1;
    pod.ns = nv_model_namespace(m, ns);
    NV_GROW(m->pods, m->podalloc, m->npods + 1);
    m->pods[m->npods] = pod;
    /* the workload is attached in nv_model_finish (Pods of one owner share it) */
    m->pods[m->npods].workload = nv_add_workload(k, ns, wlname, wlkind, loc);
    return (long)m->npods++;
}

/* ---- owners ---- */

static const char *const k_owner_fields[] = {
    "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion", NULL};

/* A Kind as the API accepts one for a resource (CRD names.kind): a DNS-1035 label, lower-cased. */
static const char *nv_kind_invalid(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 63)
        return "must be 1-63 characters";
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return "must start with a letter";
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return "may contain only letters, digits and '-'";
    if (s[n - 1] == '-')
        return "must not end with '-'";
    return NULL;
}

/* A boolean field: absent or null is false, anything but a boolean an error. */
static int nv_get_bool(struct nv_k8s *k, const struct nv_node *obj, const char *key, int *bad)
{
    const struct nv_node *n = nv_node_get(obj, key);

    if (nv_node_is_null(n))
        return 0;
    if (n->type != NV_NODE_SCALAR || n->kind != NV_SCALAR_BOOL) {
        nv_k8s_type_error(k, n, key, "a boolean");
        *bad = 1;
        return 0;
    }
    return n->bval;
}

/* One ownerReference; OUT: *o (kind and name set when valid). -1 after errors. */
static int nv_parse_owner(struct nv_k8s *k, const struct nv_node *o, struct nv_owner *out,
                          int *controller)
{
    const char *why;
    int bad = 0;

    memset(out, 0, sizeof(*out));
    out->loc = o->loc;
    *controller = 0;
    if (o->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, o, "ownerReferences item", "a mapping");
    if (nv_k8s_check_fields(k, o, NV_E_VALUE, "an ownerReference", k_owner_fields) < 0)
        return -1;
    out->kind = nv_k8s_get_str(k, o, "kind", &bad);
    out->name = nv_k8s_get_str(k, o, "name", &bad);
    out->api = nv_k8s_get_str(k, o, "apiVersion", &bad);
    (void)nv_k8s_get_str(k, o, "uid", &bad);
    *controller = nv_get_bool(k, o, "controller", &bad);
    (void)nv_get_bool(k, o, "blockOwnerDeletion", &bad);
    if (bad)
        return -1;
    if (!out->kind || !*out->kind) {
        /* the API server requires it; analysers' test inputs omit it: warn and go on */
        if (*controller)
            nv_diag_warning(k->d, nv_k8s_field_loc(o, "kind"), NV_W_SEMANTIC,
                            "ownerReference has no 'kind' (the API server requires one): the "
                            "Pods naming '%.80s' so are read as one workload of kind Pod",
                            out->name ? out->name : "");
        out->kind = "";
    } else if ((why = nv_kind_invalid(out->kind))) {
        bad = nv_diag_error(k->d, nv_k8s_field_value_loc(o, "kind"), NV_E_VALUE,
                            "invalid ownerReference kind '%.80s': it %s", out->kind, why);
    }
    if (!out->name || !*out->name)
        bad = nv_diag_error(k->d, nv_k8s_field_loc(o, "name"), NV_E_MISSING,
                            "ownerReference has no 'name'");
    else if ((why = nv_dns_subdomain_invalid(out->name)))
        bad = nv_diag_error(k->d, nv_k8s_field_value_loc(o, "name"), NV_E_VALUE,
                            "invalid ownerReference name '%.80s%s': it %s (the name of the "
                            "object it refers to)",
                            out->name, strlen(out->name) > 80 ? "..." : "", why);
    if (out->api && (!*out->api || out->api[strlen(out->api) - 1] == '/'))
        bad = nv_diag_error(k->d, nv_k8s_field_value_loc(o, "apiVersion"), NV_E_VALUE,
                            "ownerReference apiVersion '%.80s' has no version", out->api);
    return bad ? -1 : 0;
}

/*
 * metadata.ownerReferences as the API server validates them (a kind, a name,
 * at most one controller), the owner's name as the name of the object it
 * refers to must be (no other can exist; the garbage collector removes what
 * a missing owner owned), its kind as a Kind. OUT: *ctl the controller
 * reference (kind NULL when there is none). -1 after errors.
 */
int nv_k8s_parse_owners(struct nv_k8s *k, const struct nv_node *meta, struct nv_owner *ctl)
{
    const struct nv_node *owners;
    struct nv_owner o;
    int bad = 0, controller;
    size_t i;

    memset(ctl, 0, sizeof(*ctl));
    owners = nv_k8s_get_seq(k, meta, "ownerReferences", &bad);
    for (i = 0; owners && i < owners->n; i++) {
        if (nv_parse_owner(k, owners->items[i], &o, &controller) < 0) {
            bad = 1;
            continue;
        }
        if (!controller)
            continue;
        if (ctl->kind) {
            bad = nv_diag_error(k->d, o.loc, NV_E_VALUE,
                                "only one ownerReference may be the controller (the first is "
                                "at line %u)",
                                ctl->loc.line);
            continue;
        }
        *ctl = o;
    }
    return bad ? -1 : 0;
}

/*
 * Kinds whose controllers Kubernetes runs, each with the API groups it is
 * served in and the kind whose controller creates it. A controller reference
 * to one of these kinds is believed only where that controller makes such
 * references: Deployment -> ReplicaSet -> Pod, CronJob -> Job -> Pod,
 * StatefulSet, DaemonSet, ReplicationController -> Pod.
 */
static const struct nv_builtin_kind {
    const char *kind;
    const char *groups;  /* space-separated; "core" for the core group */
    const char *made_by; /* space-separated kinds whose controller creates it, or "" */
} k_builtin_kinds[] = {
    {"Pod", "core", "ReplicaSet StatefulSet DaemonSet Job ReplicationController"},
    {"ReplicaSet", "apps extensions", "Deployment"},
    {"Job", "batch", "CronJob"},
    {"Deployment", "apps extensions", ""},
    {"StatefulSet", "apps", ""},
    {"DaemonSet", "apps extensions", ""},
    {"CronJob", "batch", ""},
    {"ReplicationController", "core", ""},
    {"Node", "core", ""},
};

static const struct nv_builtin_kind *nv_builtin_kind(const char *kind)
{
    size_t i;

    for (i = 0; i < sizeof(k_builtin_kinds) / sizeof(k_builtin_kinds[0]); i++)
        if (!strcmp(kind, k_builtin_kinds[i].kind))
            return &k_builtin_kinds[i];
    return NULL;
}

/* Whether word 'w' (n bytes) is one of the space-separated words of 'list'. */
static int nv_word_in(const char *list, const char *w, size_t n)
{
    const char *p = list;

    for (;;) {
        size_t l = strcspn(p, " ");
        if (l == n && !strncmp(p, w, n))
            return 1;
        if (!p[l])
            return 0;
        p += l + 1;
    }
}

/* Whether the apiVersion of 'ctl' (when given) is one the built-in kind is served in. */
static int nv_owner_in_group(const struct nv_owner *ctl, const struct nv_builtin_kind *own)
{
    const char *slash;

    if (!ctl->api)
        return 1;
    slash = strchr(ctl->api, '/');
    return slash ? nv_word_in(own->groups, ctl->api, (size_t)(slash - ctl->api))
                 : nv_word_in(own->groups, "core", 4);
}

/*
 * Whether the controller reference 'ctl' of an object of kind 'kind' is one
 * Kubernetes' controllers make: 1 when a built-in controller creates such
 * objects, 0 when it names a built-in kind whose controller never does (or a
 * built-in kind's name in another API group), -1 for any other kind (custom
 * controllers, whose behaviour is their own).
 */
int nv_k8s_owner_plausible(const struct nv_owner *ctl, const char *kind)
{
    const struct nv_builtin_kind *own = nv_builtin_kind(ctl->kind), *made = nv_builtin_kind(kind);

    if (!own)
        return -1;
    if (!nv_owner_in_group(ctl, own))
        return 0;
    return made && nv_word_in(made->made_by, ctl->kind, strlen(ctl->kind));
}

/* The warning for a controller reference nv_k8s_owner_plausible() does not believe. */
void nv_k8s_owner_warning(struct nv_k8s *k, const struct nv_owner *ctl, const char *kind,
                          const char *name, const char *consequence)
{
    const struct nv_builtin_kind *made = nv_builtin_kind(kind);
    struct nv_buf by;
    const char *p;

    if (!nv_owner_in_group(ctl, nv_builtin_kind(ctl->kind))) {
        nv_diag_warning(k->d, ctl->loc, NV_W_SEMANTIC,
                        "%s '%.80s' names a %s of apiVersion '%.80s' as its controller, not "
                        "the built-in %s: %s",
                        kind, name, ctl->kind, ctl->api, ctl->kind, consequence);
        return;
    }
    nv_buf_init(&by, 0);
    for (p = made ? made->made_by : ""; *p; p += strcspn(p, " ") + (p[strcspn(p, " ")] != 0)) {
        size_t l = strcspn(p, " ");
        nv_buf_printf(&by, "%s%.*s", !by.len ? "" : p[l] ? ", " : " and ", (int)l, p);
    }
    nv_diag_warning(k->d, ctl->loc, NV_W_SEMANTIC,
                    "%s '%.80s' names the %s '%.80s' as its controller, but Kubernetes' %s "
                    "controller never creates %ss (%s%s%s): %s",
                    kind, name, ctl->kind, ctl->name, ctl->kind, kind, by.len ? "only " : "",
                    by.len ? nv_buf_str(&by) : "no built-in controller does",
                    by.len ? " controllers do" : "", consequence);
    nv_buf_release(&by);
}

/*
 * Pod: grouped under its controller when a controller that creates Pods is
 * named (ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, or
 * a custom kind). A Pod naming a Deployment, a CronJob or another Pod was
 * not made by that controller: it is a workload of its own, with a warning,
 * so that its flows are never hidden inside another workload's.
 */
void nv_k8s_add_pod_object(struct nv_k8s *k, const struct nv_node *obj, const struct nv_node *meta,
                           const char *ns, const char *name)
{
    const struct nv_node *spec;
    const char *wlname = name, *wlkind = "Pod";
    struct nv_owner ctl;
    int bad = 0;

    spec = nv_k8s_get_map(k, obj, "spec", &bad);
    if (nv_k8s_parse_owners(k, meta, &ctl) < 0 || bad)
        return;
    if (ctl.kind && !*ctl.kind) {
        size_t npods = k->m->npods;
        nv_k8s_add_pod(k, meta, spec, ns, name, ctl.name, "Pod", obj->loc);
        if (k->m->npods > npods)
            k->m->workloads[k->m->pods[npods].workload].by_owner_name = 1;
        return;
    }
    if (ctl.kind && strcmp(ctl.kind, "Node")) {
        if (nv_k8s_owner_plausible(&ctl, "Pod")) {
            wlname = ctl.name;
            wlkind = ctl.kind;
        } else {
            nv_k8s_owner_warning(k, &ctl, "Pod", name, "it is read as a workload of its own");
        }
    }
    (void)nv_k8s_add_pod(k, meta, spec, ns, name, wlname, wlkind, obj->loc);
}
