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

struct nv_graph {
    Agraph_t *g;
    size_t nnodes, nedges;
};

/* struct nv_graph_cluster is cgraph's subgraph: the cast is the whole wrapper */
#define NV_SUBG(c) ((Agraph_t *)(c))

struct nv_graph *nv_graph_new(const char *name)
{
    struct nv_graph *g = nv_xcalloc(1, sizeof(*g));
    char *n = nv_xstrdup(name);

    g->g = agopen(n, Agdirected, NULL);
    free(n);
    if (!g->g) {
        fputs("netverify: out of memory\n", stderr);
        exit(3);
    }
    agattr(g->g, AGNODE, "shape", "box");
    return g;
}

struct nv_graph_cluster *nv_graph_cluster(struct nv_graph *g, const char *ns)
{
    size_t len = strlen(ns) + sizeof("cluster_");
    char *name = nv_xmalloc(len);
    char *label = nv_xstrdup(ns);
    Agraph_t *sg;

    snprintf(name, len, "cluster_%s", ns);
    sg = agsubg(g->g, name, 0);
    if (!sg) {
        sg = agsubg(g->g, name, 1);
        agsafeset(sg, "label", label, "");
    }
    free(name);
    free(label);
    return (struct nv_graph_cluster *)sg;
}

int nv_graph_node(struct nv_graph *g, struct nv_graph_cluster *cluster, const char *id,
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
        g->nnodes++;
        rc = 0;
    }
    free(n);
    free(l);
    return rc;
}

int nv_graph_node_attr(struct nv_graph *g, const char *id, const char *key, const char *value)
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

int nv_graph_edge(struct nv_graph *g, const char *from, const char *to, const char *label,
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

size_t nv_graph_nedges(const struct nv_graph *g)
{
    return g->nedges;
}

/* Past NV_GRAPH_MAX_LABELS edges the labels would cover the drawing: hover text instead. */
static void nv_graph_labels_to_tooltips(struct nv_graph *g)
{
    Agsym_t *label = agattr(g->g, AGEDGE, "label", NULL);
    Agnode_t *v;
    Agedge_t *e;

    if (g->nedges <= NV_GRAPH_MAX_LABELS || !label)
        return;
    agattr(g->g, AGEDGE, "tooltip", "");
    for (v = agfstnode(g->g); v; v = agnxtnode(g->g, v)) {
        for (e = agfstout(g->g, v); e; e = agnxtout(g->g, e)) {
            char *text = agxget(e, label);
            if (text && *text) {
                agset(e, "tooltip", text);
                agxset(e, label, "");
            }
        }
    }
}

static int nv_graph_render(struct nv_graph *g, FILE *fp, const char *format)
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
    if (g->nnodes <= NV_GRAPH_DOT_MAX_NODES) {
        engine = "dot";
        /* bound crossing minimisation and network simplex on dense graphs */
        agsafeset(g->g, "mclimit", "2", "");
        agsafeset(g->g, "nslimit", "20", "");
        agsafeset(g->g, "nslimit1", "20", "");
    } else {
        engine = "sfdp";
        agsafeset(g->g, "overlap", "prism", "");
    }
    if (gvLayout(gvc, g->g, engine) != 0) {
        fprintf(stderr, "netverify: graphviz layout '%s' failed\n", engine);
        rc = -1;
    } else {
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

int nv_graph_write(struct nv_graph *g, FILE *fp, const char *format)
{
    nv_graph_labels_to_tooltips(g);
    if (!strcmp(format, "dot")) {
        if (agwrite(g->g, fp) != 0) {
            fputs("netverify: error writing the graph\n", stderr);
            return -1;
        }
        return 0;
    }
    if (strcmp(format, "svg") && strcmp(format, "png") && strcmp(format, "pdf")) {
        fprintf(stderr, "netverify: unknown graph format '%s'\n", format);
        return -1;
    }
    return nv_graph_render(g, fp, format);
}

void nv_graph_free(struct nv_graph *g)
{
    if (!g)
        return;
    agclose(g->g);
    free(g);
}

const char *nv_graph_library_version(void)
{
    return PACKAGE_VERSION;
}
