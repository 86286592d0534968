/*
 * k8s_node.c - Node objects: their labels (what a policy-api 'nodes' peer
 * selects) and the IP addresses in status.addresses.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "k8s_int.h"

#include <string.h>

static const char *const k_node_addr_fields[] = {"type", "address", NULL};

/* status.addresses: the IP ones (a Hostname or InternalDNS entry names no address). */
static int nv_node_addresses(struct nv_k8s *k, const struct nv_node *obj, struct nv_node_obj *out)
{
    const struct nv_node *status = nv_node_get(obj, "status"), *list;
    size_t i;
    int bad = 0;

    if (nv_node_is_null(status))
        return 0;
    if (status->type != NV_NODE_MAP)
        return nv_k8s_type_error(k, status, "status", "a mapping");
    list = nv_k8s_get_seq(k, status, "addresses", &bad);
    if (bad)
        return -1;
    if (!list)
        return 0;
    out->addrs = nv_arena_alloc(&k->m->arena, (list->n + 1) * sizeof(*out->addrs));
    for (i = 0; i < list->n; i++) {
        const struct nv_node *e = list->items[i], *ty, *ad;
        const char *why;
        if (e->type != NV_NODE_MAP)
            return nv_k8s_type_error(k, e, "addresses item", "a mapping");
        if (nv_k8s_check_fields(k, e, NV_E_VALUE, "a node address", k_node_addr_fields) < 0)
            return -1;
        ty = nv_node_get(e, "type");
        ad = nv_node_get(e, "address");
        if (nv_node_is_null(ad) || ad->type != NV_NODE_SCALAR || ad->kind != NV_SCALAR_STR)
            return nv_diag_error(k->d, e->loc, NV_E_MISSING, "a node address has no 'address'");
        if (!nv_node_is_null(ty) && ty->type == NV_NODE_SCALAR &&
            (!strcmp(ty->str, "Hostname") || !strcmp(ty->str, "InternalDNS") ||
             !strcmp(ty->str, "ExternalDNS")))
            continue;
        if (nv_ip_parse(ad->str, &out->addrs[out->naddrs], &why) < 0)
            return nv_diag_error(k->d, ad->loc, NV_E_CIDR, "invalid node address '%.60s': %s",
                                 ad->str, why);
        out->naddrs++;
    }
    return 0;
}

void nv_k8s_add_node(struct nv_k8s *k, const struct nv_node *obj, const char *name)
{
    struct nv_model *m = k->m;
    struct nv_node_obj node;
    const struct nv_node *meta = nv_node_get(obj, "metadata");

    memset(&node, 0, sizeof(node));
    node.name = name;
    node.loc = obj->loc;
    if (nv_k8s_check_fields(k, obj, NV_E_VALUE, "Node", nv_k8s_crd_object_fields) < 0)
        return;
    if (nv_k8s_parse_labels(k, nv_node_get(meta, "labels"), "labels", &node.labels) < 0)
        return;
    if (nv_node_addresses(k, obj, &node) < 0)
        return;
    NV_GROW(m->nodes, m->nodealloc, m->nnodes + 1);
    m->nodes[m->nnodes++] = node;
}
