/*
 * diff_dirty.c - which rows and columns of a diff can differ. The two sides
 * are matched object by object (namespaces by name, workloads by
 * namespace/name and kind, NetworkPolicies by namespace/name, cluster-tier
 * policies by kind and name, Node objects by name); what changed, appeared or
 * went away marks the workloads whose flows it can change:
 *
 *   - a workload whose pods changed (labels, container ports, counts,
 *     hostNetwork, how they are grouped), or that exists on one side only,
 *     and every workload of a namespace whose labels changed: its row and its
 *     column (it is a source and a destination, and a peer others select);
 *   - a NetworkPolicy that changed, appeared or went away: on each side where
 *     it exists, the workloads it selects there, their row when that side's
 *     version isolates egress, their column when it isolates ingress;
 *   - a cluster-tier policy likewise: the workloads its subject selects on
 *     either side, row and column.
 *
 * Why a pair (s, d) whose row and column are both clean cannot differ. What
 * the engine gives s => d is the union, over the combinations of the
 * plugin's behaviours, the tier orders, the address family and the pods'
 * addresses and placement, of egress(s -> d) meet ingress(d <- s). The
 * egress side reads: s's pods and namespace; the NetworkPolicies that select
 * s with egress in their types, their rules' peers evaluated on d's labels
 * and namespace labels, their ports resolved on d's container ports, their
 * ipBlocks against the addresses of d's domain; the tier policies whose
 * subject holds s, their peers on d the same way. The ingress side is the
 * mirror. s clean: its pods and namespace labels are equal on both sides, so
 * an unchanged policy selects it on both sides or on neither, and no changed
 * policy selects it for egress on either side (its row would be dirty): the
 * policies that decide its egress are the same, with the same content, on
 * both sides. d clean: the same for its ingress, and d's labels, namespace
 * labels, ports and domain are the same. An ipBlock is read address by
 * address (its atoms tile the same addresses on both sides however the other
 * ipBlocks cut them), so each direction is the same function of the same
 * inputs. Rows toward external addresses read only the source's egress, rows
 * from them only the destination's ingress: clean, they are equal address by
 * address, which is how diff.c compares them.
 *
 * What the argument assumes is the same on both sides is checked, and the
 * whole walk done when it is not (D->full, with the reason): the same
 * combinations of behaviours (they depend on whether the manifests hold an
 * ipBlock or a hostNetwork pod at all), the same Node objects (their labels
 * decide 'nodes' peers and their addresses cut the atoms, for every pair),
 * the same address domains, and the tiers' ties decided order by order on
 * both sides or widened on both (which one depends on every tie of the
 * cluster). NETVERIFY_DIFF=full forces the whole walk, NETVERIFY_DIFF=dirty
 * the dirty rows and columns however many they are (tests compare the two). docs/design.md ("Diff")
 * states the same.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/diff.h"

#include <stdlib.h>
#include <string.h>

#include "netverify/matrix.h"
#include "netverify/model.h"

static int nv_str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int nv_labels_eq(const struct nv_labels *a, const struct nv_labels *b)
{
    size_t i;

    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++)
        if (!nv_str_eq(nv_labels_get(b, a->keys[i]), a->vals[i]))
            return 0;
    return 1;
}

static int nv_sel_eq(const struct nv_selector *a, const struct nv_selector *b)
{
    size_t i, j;

    if (!a || !b)
        return !a && !b;
    if (a->n != b->n)
        return 0;
    for (i = 0; i < a->n; i++) {
        const struct nv_requirement *x = &a->reqs[i], *y = &b->reqs[i];
        if (!nv_str_eq(x->key, y->key) || x->op != y->op || x->nvalues != y->nvalues)
            return 0;
        for (j = 0; j < x->nvalues; j++)
            if (!nv_str_eq(x->values[j], y->values[j]))
                return 0;
    }
    return 1;
}

static int nv_range_eq(const struct nv_iprange *a, const struct nv_iprange *b)
{
    return nv_ip_eq(&a->first, &b->first) && nv_ip_eq(&a->last, &b->last);
}

static int nv_peer_eq(const struct nv_peer *a, const struct nv_peer *b)
{
    size_t i;

    if (a->kind != b->kind || a->cluster != b->cluster || !nv_sel_eq(a->ns_sel, b->ns_sel) ||
        !nv_sel_eq(a->pod_sel, b->pod_sel) || !nv_sel_eq(a->node_sel, b->node_sel))
        return 0;
    if (a->kind != NV_PEER_IPBLOCK)
        return 1;
    if (!nv_range_eq(&a->cidr, &b->cidr) || a->nexcept != b->nexcept)
        return 0;
    for (i = 0; i < a->nexcept; i++)
        if (!nv_range_eq(&a->except[i], &b->except[i]))
            return 0;
    return 1;
}

static int nv_rule_eq(const struct nv_rule *a, const struct nv_rule *b)
{
    size_t i;

    if (a->dir != b->dir || a->action != b->action || !nv_str_eq(a->name, b->name) ||
        a->fail_closed != b->fail_closed || a->all_peers != b->all_peers ||
        a->npeers != b->npeers || a->all_ports != b->all_ports || a->nports != b->nports)
        return 0;
    for (i = 0; i < a->npeers; i++)
        if (!nv_peer_eq(&a->peers[i], &b->peers[i]))
            return 0;
    for (i = 0; i < a->nports; i++) {
        const struct nv_portspec *x = &a->ports[i], *y = &b->ports[i];
        if (x->proto != y->proto || !nv_str_eq(x->name, y->name) || x->port != y->port ||
            x->end != y->end || x->any_proto != y->any_proto)
            return 0;
    }
    return 1;
}

/* Whether two versions of a policy (matched by kind, namespace and name) say the same. */
static int nv_policy_eq(const struct nv_policy *a, const struct nv_policy *b)
{
    size_t r;
    int dir;

    if (a->kind != b->kind || a->tier != b->tier || a->priority != b->priority ||
        a->types != b->types || !nv_sel_eq(a->subject, b->subject) ||
        !nv_sel_eq(a->subject_ns, b->subject_ns))
        return 0;
    for (dir = 0; dir < 2; dir++) {
        if (a->nrules[dir] != b->nrules[dir])
            return 0;
        for (r = 0; r < a->nrules[dir]; r++)
            if (!nv_rule_eq(&a->rules[dir][r], &b->rules[dir][r]))
                return 0;
    }
    return 1;
}

static int nv_pod_eq(const struct nv_model *ma, const struct nv_pod *a, const struct nv_model *mb,
                     const struct nv_pod *b)
{
    size_t i;

    if (!nv_str_eq(a->name, b->name) || !nv_str_eq(ma->ns[a->ns].name, mb->ns[b->ns].name) ||
        a->origin != b->origin || a->count != b->count || a->ordinal != b->ordinal ||
        a->remainder != b->remainder || a->hostnet != b->hostnet || a->nports != b->nports ||
        !nv_labels_eq(&a->labels, &b->labels))
        return 0;
    for (i = 0; i < a->nports; i++)
        if (!nv_str_eq(a->ports[i].name, b->ports[i].name) ||
            a->ports[i].proto != b->ports[i].proto || a->ports[i].port != b->ports[i].port)
            return 0;
    return 1;
}

/* Whether a workload's pods are the same on both sides (pod groups in the model's order). */
static int nv_workload_eq(const struct nv_model *ma, const struct nv_workload *a,
                          const struct nv_model *mb, const struct nv_workload *b)
{
    size_t i;

    if (a->npods != b->npods || a->count != b->count)
        return 0;
    for (i = 0; i < a->npods; i++)
        if (!nv_pod_eq(ma, &ma->pods[a->pods[i]], mb, &mb->pods[b->pods[i]]))
            return 0;
    return 1;
}

/* ---- matching by key ---- */

/* An object of one side under its key (kind, namespace, name; NULL parts compare equal). */
struct nv_dkey {
    const char *k[3];
    size_t idx;
};

static int nv_dkey_cmp(const void *pa, const void *pb)
{
    const struct nv_dkey *a = pa, *b = pb;
    int i, c;

    for (i = 0; i < 3; i++)
        if ((c = strcmp(a->k[i] ? a->k[i] : "", b->k[i] ? b->k[i] : "")))
            return c;
    return 0;
}

/*
 * Match two sorted key lists: call fn(ctx, a, b) for every key, a or b -1 when
 * the key is on one side only. A key held twice on a side matches nothing:
 * every copy is given alone.
 */
static void nv_dkey_match(struct nv_dkey *ka, size_t na, struct nv_dkey *kb, size_t nb,
                          void (*fn)(void *ctx, long a, long b), void *ctx)
{
    size_t a = 0, b = 0;

    qsort(ka, na, sizeof(*ka), nv_dkey_cmp);
    qsort(kb, nb, sizeof(*kb), nv_dkey_cmp);
    while (a < na || b < nb) {
        size_t ea = a, eb = b;
        int c = a == na ? 1 : b == nb ? -1 : nv_dkey_cmp(&ka[a], &kb[b]);
        if (c <= 0)
            while (ea < na && !nv_dkey_cmp(&ka[a], &ka[ea]))
                ea++;
        if (c >= 0)
            while (eb < nb && !nv_dkey_cmp(&kb[b], &kb[eb]))
                eb++;
        if (ea - a == 1 && eb - b == 1) {
            fn(ctx, (long)ka[a].idx, (long)kb[b].idx);
        } else {
            for (; a < ea; a++)
                fn(ctx, (long)ka[a].idx, -1);
            for (; b < eb; b++)
                fn(ctx, -1, (long)kb[b].idx);
        }
        a = ea;
        b = eb;
    }
}

/* ---- marking ---- */

struct nv_dmark {
    struct nv_diff *D;
    unsigned char *cls[2]; /* per class of OLD ([0]) and NEW ([1]): NV_DIRTY_* */
    unsigned char *nsd[2]; /* per namespace of each side: its labels changed */
    size_t *ns_first[2], *ns_n[2];
    const char *full; /* why the whole walk is needed, or NULL */
};

static const struct nv_model *nv_dmark_model(const struct nv_dmark *K, int side)
{
    return side ? K->D->new.m : K->D->old.m;
}

/* Mark what policy p of one side selects, as it would decide their flows. */
static void nv_dmark_policy(struct nv_dmark *K, int side, const struct nv_policy *p)
{
    const struct nv_model *m = nv_dmark_model(K, side);
    unsigned char f;
    size_t c, lo = 0, hi = m->nclasses;

    if (p->tier == NV_TIER_NETPOL) {
        f = (unsigned char)(((p->types & NV_TYPE_EGRESS) ? NV_DIRTY_ROW : 0) |
                            ((p->types & NV_TYPE_INGRESS) ? NV_DIRTY_COL : 0));
        lo = K->ns_first[side][p->nsidx];
        hi = lo + K->ns_n[side][p->nsidx];
    } else {
        f = NV_DIRTY_ROW | NV_DIRTY_COL;
    }
    for (c = lo; c < hi && f; c++) {
        const struct nv_class *k = &m->classes[c];
        if (p->tier == NV_TIER_NETPOL
                ? k->ns == p->nsidx && nv_selector_matches_interned(p->subject, &k->labels)
                : nv_selector_matches_interned(p->subject_ns, &m->ns[k->ns].labels) &&
                      nv_selector_matches_interned(p->subject, &k->labels))
            K->cls[side][c] |= f;
    }
}

static void nv_dmark_policies(void *ctx, long a, long b)
{
    struct nv_dmark *K = ctx;
    const struct nv_model *mo = K->D->old.m, *mn = K->D->new.m;
    /* NetworkPolicies are numbered before the tiers' */
    const struct nv_policy *pa = a < 0 ? NULL
                                 : (size_t)a < mo->npolicies
                                     ? mo->policies[a]
                                     : mo->tiered[(size_t)a - mo->npolicies];
    const struct nv_policy *pb = b < 0 ? NULL
                                 : (size_t)b < mn->npolicies
                                     ? mn->policies[b]
                                     : mn->tiered[(size_t)b - mn->npolicies];

    if (pa && pb && nv_policy_eq(pa, pb))
        return;
    if (pa)
        nv_dmark_policy(K, 0, pa);
    if (pb)
        nv_dmark_policy(K, 1, pb);
}

static void nv_dmark_namespaces(void *ctx, long a, long b)
{
    struct nv_dmark *K = ctx;

    if (a >= 0 && b >= 0 && nv_labels_eq(&K->D->old.m->ns[a].labels, &K->D->new.m->ns[b].labels))
        return;
    if (a >= 0)
        K->nsd[0][a] = 1;
    if (b >= 0)
        K->nsd[1][b] = 1;
}

static void nv_dmark_nodes(void *ctx, long a, long b)
{
    struct nv_dmark *K = ctx;
    const struct nv_node_obj *x, *y;
    size_t i;

    if (a < 0 || b < 0) {
        K->full = "a Node object was added or removed";
        return;
    }
    x = &K->D->old.m->nodes[a];
    y = &K->D->new.m->nodes[b];
    if (!nv_labels_eq(&x->labels, &y->labels) || x->naddrs != y->naddrs)
        K->full = "a Node object changed";
    for (i = 0; i < x->naddrs && !K->full; i++)
        if (!nv_ip_eq(&x->addrs[i], &y->addrs[i]))
            K->full = "a Node object changed";
}

static struct nv_dkey *nv_dkeys_policies(const struct nv_model *m, size_t *n)
{
    struct nv_dkey *k = nv_xmalloc((m->npolicies + m->ntiered + 1) * sizeof(*k));
    size_t i;

    for (i = 0; i < m->npolicies + m->ntiered; i++) {
        const struct nv_policy *p = i < m->npolicies ? m->policies[i] : m->tiered[i - m->npolicies];
        k[i].k[0] = nv_policy_kind_name(p->kind);
        k[i].k[1] = p->ns;
        k[i].k[2] = p->name;
        k[i].idx = i;
    }
    *n = m->npolicies + m->ntiered;
    return k;
}

/* What both sides must share for clean pairs to be equal (see the top of this file). */
static const char *nv_dirty_global(const struct nv_diff *D)
{
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    const char *env = getenv("NETVERIFY_DIFF");
    size_t i;

    if (env && !strcmp(env, "full"))
        return "NETVERIFY_DIFF=full";
    if (nv_matrix_ncombos(D->old.x) != nv_matrix_ncombos(D->new.x))
        return "the behaviours of the network plugin that matter differ";
    for (i = 0; i < nv_matrix_ncombos(D->old.x); i++)
        if (memcmp(nv_matrix_combo(D->old.x, i)->v, nv_matrix_combo(D->new.x, i)->v,
                   sizeof(nv_matrix_combo(D->old.x, i)->v)))
            return "the behaviours of the network plugin that matter differ";
    if (nv_matrix_tiers_widened(D->old.x) != nv_matrix_tiers_widened(D->new.x))
        return "the tiers' ties are decided order by order on one side only";
    if (mo->families != mn->families || mo->domfam[0] != mn->domfam[0] ||
        mo->domfam[1] != mn->domfam[1] || mo->nnodes != mn->nnodes)
        return "the address families or the Node objects differ";
    return NULL;
}

void nv_diff_dirty(struct nv_diff *D)
{
    const struct nv_model *mo = D->old.m, *mn = D->new.m;
    struct nv_dmark K;
    struct nv_dkey *ka, *kb;
    size_t i, j, na, nb;
    int side;

    free(D->dirty);
    D->dirty = nv_xcalloc(D->nw + 1, 1);
    D->full_why = nv_dirty_global(D);
    if (D->full_why)
        return;
    memset(&K, 0, sizeof(K));
    K.D = D;
    for (side = 0; side < 2; side++) {
        const struct nv_model *m = side ? mn : mo;
        K.cls[side] = nv_xcalloc(m->nclasses + 1, 1);
        K.nsd[side] = nv_xcalloc(m->nns + 1, 1);
        K.ns_first[side] = nv_xcalloc(m->nns + 1, sizeof(size_t));
        K.ns_n[side] = nv_xcalloc(m->nns + 1, sizeof(size_t));
        /* classes are numbered namespace by namespace */
        for (i = 0; i < m->nclasses; i++)
            if (!K.ns_n[side][m->classes[i].ns]++)
                K.ns_first[side][m->classes[i].ns] = i;
    }
    /* Node objects: any difference is a whole walk */
    ka = nv_xmalloc((mo->nnodes + 1) * sizeof(*ka));
    kb = nv_xmalloc((mn->nnodes + 1) * sizeof(*kb));
    for (i = 0; i < mo->nnodes; i++)
        ka[i] = (struct nv_dkey){{mo->nodes[i].name, NULL, NULL}, i};
    for (i = 0; i < mn->nnodes; i++)
        kb[i] = (struct nv_dkey){{mn->nodes[i].name, NULL, NULL}, i};
    nv_dkey_match(ka, mo->nnodes, kb, mn->nnodes, nv_dmark_nodes, &K);
    free(ka);
    free(kb);
    /* namespaces by name */
    ka = nv_xmalloc((mo->nns + 1) * sizeof(*ka));
    kb = nv_xmalloc((mn->nns + 1) * sizeof(*kb));
    for (i = 0; i < mo->nns; i++)
        ka[i] = (struct nv_dkey){{mo->ns[i].name, NULL, NULL}, i};
    for (i = 0; i < mn->nns; i++)
        kb[i] = (struct nv_dkey){{mn->ns[i].name, NULL, NULL}, i};
    nv_dkey_match(ka, mo->nns, kb, mn->nns, nv_dmark_namespaces, &K);
    free(ka);
    free(kb);
    /* policies of every tier by kind, namespace and name */
    ka = nv_dkeys_policies(mo, &na);
    kb = nv_dkeys_policies(mn, &nb);
    nv_dkey_match(ka, na, kb, nb, nv_dmark_policies, &K);
    free(ka);
    free(kb);
    /* workloads: matched already (D->w) */
    for (i = 0; i < D->nw && !K.full; i++) {
        const struct nv_diff_wl *w = &D->w[i];
        unsigned char f = 0;
        for (side = 0; side < 2; side++) {
            const struct nv_model *m = side ? mn : mo;
            long wi = side ? w->n : w->o;
            const struct nv_workload *wl;
            if (wi < 0)
                continue;
            wl = &m->workloads[wi];
            if (K.nsd[side][wl->ns])
                f |= NV_DIRTY_ROW | NV_DIRTY_COL;
            for (j = 0; j < wl->npods; j++)
                f |= K.cls[side][m->pods[wl->pods[j]].cls];
        }
        if (w->o < 0 || w->n < 0 ||
            !nv_workload_eq(mo, &mo->workloads[w->o], mn, &mn->workloads[w->n]))
            f |= NV_DIRTY_ROW | NV_DIRTY_COL;
        D->dirty[i] = f;
    }
    D->full_why = K.full;
    for (side = 0; side < 2; side++) {
        free(K.cls[side]);
        free(K.nsd[side]);
        free(K.ns_first[side]);
        free(K.ns_n[side]);
    }
}
