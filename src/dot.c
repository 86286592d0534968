/*
 * dot.c - reachability diagrams through graphviz: cgraph builds the graph and
 * writes DOT; gvc lays it out and renders SVG, PNG or PDF. The only file that
 * includes graphviz headers (compiled with -Wno-write-strings: 2.42 takes char *).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/dot.h"

#include <stdlib.h>
#include <string.h>

#include <cgraph.h>
#include <gvc.h>
#include <graphviz_version.h>

#include "netverify/arena.h"
#include "netverify/diag.h"
#include "netverify/buf.h"
#include "netverify/escape.h"

/* A namespace box a claim names: its border. */
#define NV_DOT_NAMED_BOX_COLOR "goldenrod"
#define NV_DOT_NAMED_BOX_WIDTH "3"

struct nv_dot {
    Agraph_t *g;
    Agraph_t *legend;      /* NULL until nv_dot_legend() */
    size_t nnodes, nedges; /* nnodes: outside the legend */
};

/* struct nv_dot_cluster is cgraph's subgraph: the cast is the whole wrapper */
#define NV_SUBG(c) ((Agraph_t *)(c))

/*
 * Object IDs in creation order. cgraph's default ID discipline uses the
 * address of the interned name as the ID of a named object, and agwrite()
 * writes subgraphs in ID order: the order of the namespace boxes in the DOT
 * text then depended on malloc (it differed between a plain and an ASan
 * build). This discipline numbers objects as they are created and keeps the
 * names itself. (Leaving names to cgraph's internal map instead leaks: closing
 * a subgraph closes the map the whole graph shares.)
 */
struct nv_ids {
    Agraph_t *g;     /* the root graph: names are its interned strings */
    char **name;     /* by ID - 1; NULL for anonymous objects (edges) */
    size_t n, alloc; /* IDs handed out */
    size_t *slot;    /* hash of the names: ID, or 0 for a free slot */
    size_t nslot;    /* a power of two, kept over twice the number of names */
    size_t nnamed;
};

static size_t nv_ids_hash(const char *s)
{
    size_t h = 2166136261u; /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* The slot that holds 'str', or the free slot where it would go. */
static size_t *nv_ids_find(struct nv_ids *ids, const char *str)
{
    size_t i = nv_ids_hash(str) & (ids->nslot - 1);

    while (ids->slot[i] && strcmp(ids->name[ids->slot[i] - 1], str) != 0)
        i = (i + 1) & (ids->nslot - 1);
    return &ids->slot[i];
}

static void nv_ids_grow(struct nv_ids *ids)
{
    size_t *old = ids->slot, nold = ids->nslot, i;

    ids->nslot = nold ? 2 * nold : 64;
    ids->slot = nv_xcalloc(ids->nslot, sizeof(*ids->slot));
    for (i = 0; i < nold; i++)
        if (old[i])
            *nv_ids_find(ids, ids->name[old[i] - 1]) = old[i];
    free(old);
}

static void *nv_ids_open(Agraph_t *g, Agdisc_t *disc)
{
    struct nv_ids *ids = nv_xcalloc(1, sizeof(*ids));

    (void)disc;
    ids->g = g;
    nv_ids_grow(ids);
    return ids;
}

static long nv_ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    struct nv_ids *ids = state;
    size_t *slot = NULL;

    (void)objtype;
    if (str) {
        slot = nv_ids_find(ids, str);
        if (*slot) {
            *id = *slot;
            return 1;
        }
    }
    if (!createflag)
        return 0;
    NV_GROW(ids->name, ids->alloc, ids->n + 1);
    /* interned: agwrite() reads the string's header to tell HTML labels from plain ones */
    ids->name[ids->n++] = str ? agstrdup(ids->g, str) : NULL;
    *id = ids->n;
    if (str) {
        *slot = ids->n;
        if (2 * ++ids->nnamed > ids->nslot)
            nv_ids_grow(ids);
    }
    return 1;
}

static long nv_ids_alloc(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
    return 0; /* no IDs chosen by the caller */
}

/* Names stay mapped until the graph is closed: a deleted node's name keeps its ID. */
static void nv_ids_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
}

static char *nv_ids_print(void *state, int objtype, IDTYPE id)
{
    struct nv_ids *ids = state;

    (void)objtype;
    return id >= 1 && id <= ids->n ? ids->name[id - 1] : NULL;
}

static void nv_ids_close(void *state)
{
    struct nv_ids *ids = state;
    size_t i;

    for (i = 0; i < ids->n; i++)
        if (ids->name[i])
            agstrfree(ids->g, ids->name[i]);
    free(ids->name);
    free(ids->slot);
    free(ids);
}

static void nv_ids_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t nv_id_disc = {nv_ids_open,  nv_ids_map,   nv_ids_alloc,   nv_ids_free,
                                nv_ids_print, nv_ids_close, nv_ids_register};
static Agdisc_t nv_disc = {&AgMemDisc, &nv_id_disc, &AgIoDisc};

static struct nv_dot *nv_dot_new(const char *name)
{
    struct nv_dot *g = nv_xcalloc(1, sizeof(*g));
    char *n = nv_xstrdup(name);

    g->g = agopen(n, Agdirected, &nv_disc);
    free(n);
    if (!g->g) {
        fputs("netverify: out of memory\n", stderr);
        exit(3);
    }
    agattr(g->g, AGNODE, "shape", "box");
    return g;
}

static struct nv_dot_cluster *nv_dot_cluster(struct nv_dot *g, const char *id, const char *label)
{
    size_t len = strlen(id) + sizeof("cluster_");
    char *name = nv_xmalloc(len);
    char *l = nv_xstrdup(label);
    Agraph_t *sg;

    snprintf(name, len, "cluster_%s", id);
    sg = agsubg(g->g, name, 0);
    if (!sg) {
        sg = agsubg(g->g, name, 1);
        agsafeset(sg, "label", l, "");
    }
    free(name);
    free(l);
    return (struct nv_dot_cluster *)sg;
}

static struct nv_dot_cluster *nv_dot_legend_cluster(struct nv_dot *g)
{
    if (!g->legend) {
        g->legend = agsubg(g->g, "cluster:legend", 1);
        agsafeset(g->legend, "label", "legend", "");
    }
    return (struct nv_dot_cluster *)g->legend;
}

static int nv_dot_node(struct nv_dot *g, struct nv_dot_cluster *cluster, const char *id,
                       const char *label, const char *shape)
{
    char *n = nv_xstrdup(id), *l = nv_xstrdup(label);
    Agnode_t *v;
    int rc = -1;

    if (!agnode(g->g, n, 0)) {
        v = agnode(cluster ? NV_SUBG(cluster) : g->g, n, 1);
        agsafeset(v, "label", l, "");
        if (shape) {
            char *s = nv_xstrdup(shape);
            agsafeset(v, "shape", s, "box");
            free(s);
        }
        if (!cluster || NV_SUBG(cluster) != g->legend)
            g->nnodes++;
        rc = 0;
    }
    free(n);
    free(l);
    return rc;
}

static int nv_dot_node_attr(struct nv_dot *g, const char *id, const char *key, const char *value)
{
    char *n = nv_xstrdup(id), *k = nv_xstrdup(key), *v = nv_xstrdup(value);
    Agnode_t *node = agnode(g->g, n, 0);

    if (node)
        agsafeset(node, k, v, "");
    free(n);
    free(k);
    free(v);
    return node ? 0 : -1;
}

static int nv_dot_edge(struct nv_dot *g, const char *from, const char *to, const char *label,
                       unsigned style)
{
    char *f = nv_xstrdup(from), *t = nv_xstrdup(to), *l = nv_xstrdup(label);
    Agnode_t *a = agnode(g->g, f, 0), *b = agnode(g->g, t, 0);
    int rc = -1;

    if (a && b) {
        Agedge_t *e = agedge(g->g, a, b, NULL, 1);
        agsafeset(e, "label", l, "");
        if ((style & NV_EDGE_BOLD) && (style & NV_EDGE_DASHED))
            agsafeset(e, "style", "dashed,bold", "");
        else if (style & NV_EDGE_BOLD)
            agsafeset(e, "style", "bold", "");
        else if (style & NV_EDGE_DASHED)
            agsafeset(e, "style", "dashed", "");
        if (style & NV_EDGE_TIER) {
            agsafeset(e, "arrowhead", "odiamond", "normal");
            agsafeset(e, "color", "blue", "");
            agsafeset(e, "fontcolor", "blue", "");
        }
        if (style & NV_EDGE_RED) {
            agsafeset(e, "color", "red", "");
            agsafeset(e, "fontcolor", "red", "");
        }
        g->nedges++;
        rc = 0;
    }
    free(f);
    free(t);
    free(l);
    return rc;
}

/* Past NV_DOT_MAX_LABELS edges the labels would cover the drawing: hover text instead. */
static void nv_dot_labels_to_tooltips(struct nv_dot *g)
{
    Agsym_t *label = agattr(g->g, AGEDGE, "label", NULL);
    Agnode_t *v;
    Agedge_t *e;

    if (g->nedges <= NV_DOT_MAX_LABELS || !label)
        return;
    agattr(g->g, AGEDGE, "tooltip", "");
    for (v = agfstnode(g->g); v; v = agnxtnode(g->g, v)) {
        if (g->legend && agsubnode(g->legend, v, 0))
            continue;
        for (e = agfstout(g->g, v); e; e = agnxtout(g->g, e)) {
            char *text = agxget(e, label);
            if (text && *text) {
                agset(e, "tooltip", text);
                agxset(e, label, "");
            }
        }
    }
}

/* An axis-aligned box in layout points. */
struct nv_box {
    double x0, y0, x1, y1;
};

static struct nv_box nv_box_at(pointf c, double w, double h)
{
    struct nv_box b = {c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2};

    return b;
}

/* Whether two boxes overlap by more than a hair. */
static int nv_box_hit(const struct nv_box *a, const struct nv_box *b)
{
    return a->x0 + 0.5 < b->x1 && b->x0 + 0.5 < a->x1 && a->y0 + 0.5 < b->y1 && b->y0 + 0.5 < a->y1;
}

/* What edge labels must stay clear of: nodes, box titles, labels already placed. */
struct nv_obstacles {
    struct nv_box *box;
    size_t n, alloc;
};

static void nv_obstacles_add(struct nv_obstacles *o, struct nv_box b)
{
    NV_GROW(o->box, o->alloc, o->n + 1);
    o->box[o->n++] = b;
}

/* The titles of the namespace boxes (and the legend's) of sg, nested ones too. */
static void nv_obstacles_titles(struct nv_obstacles *o, Agraph_t *sg)
{
    int i;

    for (i = 1; i <= GD_n_cluster(sg); i++) {
        Agraph_t *c = GD_clust(sg)[i];
        if (GD_label(c) && GD_label(c)->set)
            nv_obstacles_add(
                o, nv_box_at(GD_label(c)->pos, GD_label(c)->dimen.x, GD_label(c)->dimen.y));
        nv_obstacles_titles(o, c);
    }
}

/* How many obstacles b overlaps. */
static size_t nv_obstacles_hits(const struct nv_obstacles *o, const struct nv_box *b)
{
    size_t i, n = 0;

    for (i = 0; i < o->n; i++)
        n += (size_t)nv_box_hit(&o->box[i], b);
    return n;
}

/* Up to 'max' points along edge e's drawn curve, evenly spaced by length. OUT: pts. */
#define NV_CURVE_SAMPLES 32
static size_t nv_edge_curve(Agedge_t *e, pointf *pts)
{
    pointf poly[NV_CURVE_SAMPLES * 4];
    size_t n = 0, k, i;
    int b, j;

    if (!ED_spl(e))
        return 0;
    for (b = 0; b < ED_spl(e)->size; b++) {
        const bezier *bz = &ED_spl(e)->list[b];
        for (j = 0; j + 3 < bz->size && n + 4 <= sizeof(poly) / sizeof(poly[0]); j += 3) {
            const pointf *p = &bz->list[j];
            for (k = 0; k < 4; k++) { /* the cubic at t = 0, 1/4, 1/2, 3/4 */
                double t = k / 4.0, u = 1 - t;
                poly[n].x = u * u * u * p[0].x + 3 * u * u * t * p[1].x + 3 * u * t * t * p[2].x +
                            t * t * t * p[3].x;
                poly[n].y = u * u * u * p[0].y + 3 * u * u * t * p[1].y + 3 * u * t * t * p[2].y +
                            t * t * t * p[3].y;
                n++;
            }
        }
    }
    if (n > NV_CURVE_SAMPLES) { /* keep every k-th point */
        for (i = 0, k = 0; i < n; i += (n + NV_CURVE_SAMPLES - 1) / NV_CURVE_SAMPLES)
            poly[k++] = poly[i];
        n = k;
    }
    memcpy(pts, poly, n * sizeof(*pts));
    return n;
}

/*
 * A spot for label l of edge e that overlaps no obstacle: where the layout
 * put it, else centred on a point of the edge's curve, or beside one (from
 * the middle of the curve outward), else the spot with the fewest overlaps.
 */
static void nv_place_label(Agedge_t *e, textlabel_t *l, const struct nv_obstacles *o)
{
    pointf pts[NV_CURVE_SAMPLES];
    size_t n = nv_edge_curve(e, pts), k, best, hits;
    const double dx[] = {0, 1, -1, 0, 0}, dy[] = {0, 0, 0, 1, -1};
    struct nv_box b = nv_box_at(l->pos, l->dimen.x, l->dimen.y);
    pointf at = l->pos;
    int d;

    best = nv_obstacles_hits(o, &b);
    for (k = 0; best && k < n; k++) {
        /* the middle first, then alternately toward either end */
        size_t i = k % 2 ? n / 2 - (k + 1) / 2 : n / 2 + k / 2;
        if (i >= n)
            continue;
        for (d = 0; best && d < 5; d++) {
            pointf c = {pts[i].x + dx[d] * (l->dimen.x / 2 + 3),
                        pts[i].y + dy[d] * (l->dimen.y / 2 + 2)};
            b = nv_box_at(c, l->dimen.x, l->dimen.y);
            hits = nv_obstacles_hits(o, &b);
            if (hits < best) {
                best = hits;
                at = c;
            }
        }
    }
    l->pos = at;
}

/*
 * Edge labels clear of each other, of the nodes and of the boxes' titles:
 * dot (2.42) puts the labels of two edges that run both ways between
 * neighbouring nodes of one rank on the same spot, and sfdp puts each label
 * on its edge whatever is there. (Rewriting such a pair as a multi-edge with
 * dir=back, or constraint=false on one edge, makes dot free memory twice in
 * gvFreeLayout when clusters are involved.) After the layout each label in
 * turn moves to a free spot on or beside its edge; one that finds none moves
 * below the labels it overlaps, as a last resort. The drawing grows to hold
 * the labels.
 */
static void nv_dot_place_labels(struct nv_dot *g)
{
    struct nv_obstacles o = {NULL, 0, 0};
    textlabel_t *l;
    Agnode_t *v;
    Agedge_t *e;
    size_t first_label, i;

    for (v = agfstnode(g->g); v; v = agnxtnode(g->g, v))
        nv_obstacles_add(&o, nv_box_at(ND_coord(v), ND_lw(v) + ND_rw(v), ND_ht(v)));
    nv_obstacles_titles(&o, g->g);
    first_label = o.n;
    for (v = agfstnode(g->g); v; v = agnxtnode(g->g, v)) {
        for (e = agfstout(g->g, v); e; e = agnxtout(g->g, e)) {
            struct nv_box b;
            if (!(l = ED_label(e)) || !l->set)
                continue;
            nv_place_label(e, l, &o);
            b = nv_box_at(l->pos, l->dimen.x, l->dimen.y);
            for (i = first_label; i < o.n; i++) {
                if (!nv_box_hit(&o.box[i], &b))
                    continue;
                l->pos.y = o.box[i].y0 - l->dimen.y / 2 - 2;
                b = nv_box_at(l->pos, l->dimen.x, l->dimen.y);
                i = first_label - 1; /* check every placed label again */
            }
            nv_obstacles_add(&o, b);
            if (b.x0 < GD_bb(g->g).LL.x)
                GD_bb(g->g).LL.x = b.x0;
            if (b.y0 < GD_bb(g->g).LL.y)
                GD_bb(g->g).LL.y = b.y0;
            if (b.x1 > GD_bb(g->g).UR.x)
                GD_bb(g->g).UR.x = b.x1;
            if (b.y1 > GD_bb(g->g).UR.y)
                GD_bb(g->g).UR.y = b.y1;
        }
    }
    free(o.box);
}

static int nv_dot_render(struct nv_dot *g, FILE *fp, const char *format)
{
    GVC_t *gvc = gvContext();
    const char *engine;
    char *fmt = nv_xstrdup(format);
    int rc = 0;

    if (!gvc) {
        fputs("netverify: cannot start graphviz\n", stderr);
        free(fmt);
        return -1;
    }
    if (g->nnodes <= NV_DOT_MAX_NODES) {
        engine = "dot";
        /*
         * dot has no time limit of its own: bound network simplex (ranking,
         * x positions) to 20 passes per node and crossing minimisation to
         * twice the default effort on labelled graphs, half on dense ones
         * (a complete 50-node graph then lays out in 2-3 s).
         */
        agsafeset(g->g, "mclimit", g->nedges <= NV_DOT_MAX_LABELS ? "2" : "0.5", "");
        agsafeset(g->g, "nslimit", "20", "");
        agsafeset(g->g, "nslimit1", "20", "");
        /*
         * The old, per-cluster ranking of graphviz 2.42 leaves a stale rank array behind
         * when it makes room for a labelled flat edge in a graph with clusters: it is
         * freed twice in gvFreeLayout() (a crash; 99 of 300 random graphs with clusters
         * and edge labels, and the shop example once IPv6 ranges were drawn). The global
         * ranking has not shown it on any of them.
         */
        agsafeset(g->g, "newrank", "true", "");
    } else {
        engine = "sfdp";
        agsafeset(g->g, "overlap", "prism", "");
    }
    if (gvLayout(gvc, g->g, engine) != 0) {
        fprintf(stderr, "netverify: graphviz layout '%s' failed\n", engine);
        rc = -1;
    } else {
        nv_dot_place_labels(g);
        if (gvRender(gvc, g->g, fmt, fp) != 0) {
            fprintf(stderr, "netverify: graphviz cannot render '%s'\n", format);
            rc = -1;
        }
        gvFreeLayout(gvc, g->g);
    }
    free(fmt);
    if (gvFreeContext(gvc) != 0 && rc == 0) {
        fputs("netverify: graphviz reported an error\n", stderr);
        rc = -1;
    }
    return rc;
}

static int nv_dot_emit(struct nv_dot *g, FILE *fp, const char *format)
{
    nv_dot_labels_to_tooltips(g);
    if (!strcmp(format, "dot")) {
        if (agwrite(g->g, fp) != 0) {
            fputs("netverify: error writing the graph\n", stderr);
            return -1;
        }
        return 0;
    }
    if (strcmp(format, "svg") && strcmp(format, "png") && strcmp(format, "pdf")) {
        nv_escape_term_line(stderr, "netverify: unknown graph format '%s'", format);
        return -1;
    }
    return nv_dot_render(g, fp, format);
}

static void nv_dot_free(struct nv_dot *g)
{
    if (!g)
        return;
    agclose(g->g);
    free(g);
}

/* The shape of each kind of node (NULL: the default box), as the legend draws it. */
static const char *const k_shape[] = {
    [NV_GRAPH_NODE_RANGE] = "hexagon",
    [NV_GRAPH_NODE_NAMESPACE] = "folder",
    [NV_GRAPH_NODE_WORKLOAD] = NULL,
    [NV_GRAPH_NODE_CONTROLLER] = "invhouse",
};

/*
 * The legend: one entry per node kind and style the diagram uses, drawn as
 * what it explains (a node of that shape and style, or an edge of that style
 * between two dots, the meaning as its label); 'note' is the entry as a line
 * of the note that stands for the legend under sfdp. Attributes as key/value
 * pairs, at most three.
 */
static const struct nv_dot_legend_row {
    unsigned entry;
    int edge;
    const char *id, *label, *label_ns, *shape, *attr[3][2], *note, *note_ns;
} k_legend[] = {
    {NV_LEG_BOX, 0, "legend:box", "workload", NULL, NULL, {{NULL, NULL}}, "box: workload", NULL},
    {NV_LEG_NS,
     0,
     "legend:namespace",
     "namespace",
     NULL,
     "folder",
     {{NULL, NULL}},
     "folder: namespace",
     NULL},
    {NV_LEG_FOCUS,
     0,
     "legend:focus",
     "focus",
     NULL,
     NULL,
     {{"peripheries", "2"}},
     "double border: focus",
     NULL},
    {NV_LEG_CTRL,
     0,
     "legend:ingress-controller",
     "ingress\\ncontroller",
     NULL,
     "invhouse",
     {{NULL, NULL}},
     "inverted house: the ingress controller",
     NULL},
    {NV_LEG_FOCUS_RANGE,
     0,
     "legend:focus-range",
     "focus",
     NULL,
     "hexagon",
     {{"peripheries", "2"}},
     "double-bordered hexagon: focus",
     NULL},
    {NV_LEG_HEXAGON,
     0,
     "legend:hexagon",
     "external\\naddress range",
     NULL,
     "hexagon",
     {{NULL, NULL}},
     "hexagon: external address range",
     NULL},
    {NV_LEG_NAMED,
     0,
     "legend:named",
     "named by\\na claim",
     "a claim names it\\nor a workload in it",
     NULL,
     {{"style", "filled"}, {"fillcolor", "lightyellow"}},
     "yellow: named by a claim",
     "yellow: a claim names it or a workload in it"},
    {NV_LEG_NAMED_WL,
     0,
     "legend:named-workload",
     "named by\\na claim",
     NULL,
     "box",
     {{"style", "filled"}, {"fillcolor", "lightyellow"}},
     "yellow box: named by a claim",
     NULL},
    {NV_LEG_NAMED_NS,
     0,
     "legend:named-ns",
     "namespace named\\nby a claim",
     NULL,
     NULL,
     {{"color", NV_DOT_NAMED_BOX_COLOR}, {"penwidth", NV_DOT_NAMED_BOX_WIDTH}},
     "gold box: namespace named by a claim",
     NULL},
    {NV_LEG_BOLD,
     1,
     "legend:bold",
     "all ports",
     NULL,
     NULL,
     {{"style", "bold"}},
     "bold: all ports",
     NULL},
    {NV_LEG_RED,
     1,
     "legend:red",
     "refutes\\na claim",
     "has a flow that\\nrefutes a claim",
     NULL,
     {{"color", "red"}, {"fontcolor", "red"}},
     "red: refutes a claim",
     "red: has a flow that refutes a claim"},
    {NV_LEG_TIER,
     1,
     "legend:tier",
     "an Admin or Baseline\\nrule decides ports",
     NULL,
     NULL,
     {{"color", "blue"}, {"fontcolor", "blue"}, {"arrowhead", "odiamond"}},
     "blue, open diamond: an Admin or Baseline rule decides some ports",
     NULL},
    {NV_LEG_DASHED,
     1,
     "legend:dashed",
     "blocked flow\\na claim needs",
     NULL,
     NULL,
     {{"style", "dashed"}, {"color", "red"}, {"fontcolor", "red"}},
     "dashed red: blocked flow a claim needs",
     NULL},
};

/* Set attribute key of a cgraph object (cgraph takes char *: copies). */
static void nv_dot_set(void *obj, const char *key, const char *value)
{
    char *k = nv_xstrdup(key), *v = nv_xstrdup(value);

    agsafeset(obj, k, v, "");
    free(k);
    free(v);
}

/* A small dot in the legend, an end of an edge entry. */
static Agnode_t *nv_dot_legend_dot(Agraph_t *sg, const char *id, const char *suffix)
{
    char name[64];
    Agnode_t *v;

    snprintf(name, sizeof(name), "%s%s", id, suffix);
    v = agnode(sg, name, 1);
    agsafeset(v, "shape", "point", "box");
    agsafeset(v, "width", "0.06", "");
    agsafeset(v, "label", "", "");
    return v;
}

/* The legend's box, with one entry per style the graph uses. */
static void nv_dot_legend(struct nv_dot *g, unsigned used, int byns)
{
    const struct nv_dot_legend_row *r;
    Agraph_t *sg;
    size_t i, k;

    if (!used)
        return;
    sg = NV_SUBG(nv_dot_legend_cluster(g));
    for (i = 0; i < sizeof(k_legend) / sizeof(k_legend[0]); i++) {
        void *obj;
        r = &k_legend[i];
        if (!(used & r->entry))
            continue;
        if (r->edge) {
            /* an arrow of the style from a dot into the meaning, as text, on one row */
            char *id = nv_xstrdup(r->id), *row = nv_xmalloc(strlen(r->id) + sizeof(":row"));
            Agraph_t *rsg;
            Agnode_t *from, *to;
            snprintf(row, strlen(r->id) + sizeof(":row"), "%s:row", r->id);
            rsg = agsubg(sg, row, 1);
            nv_dot_set(rsg, "rank", "same");
            from = nv_dot_legend_dot(rsg, r->id, ":from");
            to = agnode(rsg, id, 1);
            free(id);
            free(row);
            nv_dot_set(to, "shape", "plaintext");
            nv_dot_set(to, "label", byns && r->label_ns ? r->label_ns : r->label);
            nv_dot_set(to, "fontsize", "10");
            obj = agedge(rsg, from, to, NULL, 1);
        } else {
            char *id = nv_xstrdup(r->id);
            obj = agnode(sg, id, 1);
            free(id);
            /* grouped by namespace, a claim marks namespace nodes (folders) */
            if (byns && r->entry == NV_LEG_NAMED)
                nv_dot_set(obj, "shape", k_shape[NV_GRAPH_NODE_NAMESPACE]);
            else if (r->shape)
                nv_dot_set(obj, "shape", r->shape);
            nv_dot_set(obj, "label", byns && r->label_ns ? r->label_ns : r->label);
            nv_dot_set(obj, "fontsize", "10");
        }
        for (k = 0; k < 3 && r->attr[k][0]; k++)
            nv_dot_set(obj, r->attr[k][0], r->attr[k][1]);
    }
}

/*
 * sfdp draws no cluster boxes, so the legend's entries would float among the
 * others: for sfdp the legend is one note that lists its entries
 * ("hexagon: external address range").
 */
static void nv_dot_legend_note(struct nv_dot *g, unsigned used, int byns)
{
    Agnode_t *note;
    struct nv_buf b;
    size_t i;

    used &= ~(unsigned)NV_LEG_NAMED_NS; /* sfdp draws no namespace boxes */
    if (!used)
        return;
    nv_buf_init(&b, 0);
    nv_buf_puts(&b, "legend\\l");
    for (i = 0; i < sizeof(k_legend) / sizeof(k_legend[0]); i++) {
        if (!(used & k_legend[i].entry))
            continue;
        nv_buf_puts(&b, byns && k_legend[i].note_ns ? k_legend[i].note_ns : k_legend[i].note);
        nv_buf_puts(&b, "\\l");
    }
    note = agnode(g->g, "legend:note", 1);
    agsafeset(note, "shape", "note", "box");
    agsafeset(note, "fontsize", "10", "");
    agsafeset(note, "label", b.data, "");
    nv_buf_release(&b);
}

/* A namespace box, with a gold border when a claim names the namespace. */
static struct nv_dot_cluster *nv_dot_box(struct nv_dot *g, const struct nv_graph_box *b)
{
    struct nv_dot_cluster *c = nv_dot_cluster(g, b->id, b->label);

    if (b->flags & NV_GRAPH_NAMED) {
        agsafeset(NV_SUBG(c), "color", NV_DOT_NAMED_BOX_COLOR, "");
        agsafeset(NV_SUBG(c), "penwidth", NV_DOT_NAMED_BOX_WIDTH, "");
    }
    return c;
}

/*
 * The diagram as cgraph objects: boxes before their nodes, then the edges,
 * then the legend (a note when 'legend_note': the layout will be sfdp).
 */
static struct nv_dot *nv_dot_of(const struct nv_graph *dg, int legend_note)
{
    struct nv_dot *g = nv_dot_new("netverify");
    struct nv_dot_cluster **boxes = nv_xcalloc(dg->nboxes + 1, sizeof(*boxes));
    size_t i;

    for (i = 0; i < dg->nnodes; i++) {
        const struct nv_graph_node *v = &dg->nodes[i];
        struct nv_dot_cluster *c = NULL;
        if (v->box != NV_GRAPH_NO_BOX) {
            if (!boxes[v->box])
                boxes[v->box] = nv_dot_box(g, &dg->boxes[v->box]);
            c = boxes[v->box];
        }
        if (nv_dot_node(g, c, v->id, v->label, k_shape[v->kind]) != 0)
            NV_BUG("two nodes with one id");
        if (v->flags & NV_GRAPH_NAMED) {
            nv_dot_node_attr(g, v->id, "style", "filled");
            nv_dot_node_attr(g, v->id, "fillcolor", "lightyellow");
        }
        if (v->flags & NV_GRAPH_FOCUS)
            nv_dot_node_attr(g, v->id, "peripheries", "2");
    }
    for (i = 0; i < dg->nedges; i++) {
        const struct nv_graph_edge *e = &dg->edges[i];
        if (nv_dot_edge(g, dg->nodes[e->from].id, dg->nodes[e->to].id, e->label, e->style) != 0)
            NV_BUG("edge between unknown nodes");
    }
    if (!legend_note)
        nv_dot_legend(g, dg->legend, dg->byns);
    else
        nv_dot_legend_note(g, dg->legend, dg->byns);
    free(boxes);
    return g;
}

int nv_dot_write(const struct nv_graph *dg, FILE *fp, const char *format)
{
    /* the same test as nv_dot_render's choice of engine */
    struct nv_dot *g = nv_dot_of(dg, strcmp(format, "dot") != 0 && dg->nnodes > NV_DOT_MAX_NODES);
    int rc = nv_dot_emit(g, fp, format);

    nv_dot_free(g);
    return rc;
}

const char *nv_dot_library_version(void)
{
    return PACKAGE_VERSION;
}
