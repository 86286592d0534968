/*
 * explain_render.c - 'netverify explain' written out: the text (one line per
 * item, terminal-escaped) and the JSON document (the items nested; schema in
 * docs/output.md).
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/explain.h"

#include <string.h>

#include "netverify/escape.h"
#include "netverify/json.h"

int nv_explain_write_text(FILE *fp, const struct nv_xreport *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (r->v[i].blank)
            fputc('\n', fp);
        nv_escape_term_line(fp, "%s", r->v[i].text);
    }
    return ferror(fp) ? -1 : 0;
}

static struct nv_json *nv_jstr_or_null(const char *s)
{
    return s ? nv_json_str(s) : nv_json_null();
}

/* A new object with the item's text, pushed onto arr. */
static struct nv_json *nv_jitem(struct nv_json *arr, const struct nv_xitem *it)
{
    struct nv_json *o = nv_json_object();

    nv_json_set(o, "text", nv_json_str(it->text));
    if (arr)
        nv_json_push(arr, o);
    return o;
}

static void nv_jloc(struct nv_json *o, const struct nv_xitem *it)
{
    char where[512];

    nv_json_set(o, "location", nv_json_str(nv_loc_format(it->loc, where, sizeof(where))));
}

/* The port asked of a flow: {protocol, port, name}, or null. */
static struct nv_json *nv_jport(const struct nv_xport *p)
{
    struct nv_json *o;

    if (!p->given)
        return nv_json_null();
    o = nv_json_object();
    nv_json_set(o, "protocol", nv_json_str(nv_proto_name(p->proto)));
    nv_json_set(o, "port", nv_json_int(p->port));
    nv_json_set(o, "name", nv_jstr_or_null(p->name));
    return o;
}

/* What the items nest in while they are read in order. */
struct nv_jstate {
    struct nv_json *root, *flows, *notes, *rootnotes;
    struct nv_json *svcport; /* the SERVICE_PORT item the next flow belongs to */
    struct nv_json *flow, *pairs, *pair, *dir, *policies, *rules, *peers, *combos;
    struct nv_json *tiers; /* the direction's TIER items, made at the first (cluster tiers) */
};

static void nv_jflow(struct nv_jstate *s, const struct nv_xitem *it)
{
    s->flow = nv_jitem(s->flows, it);
    nv_json_set(s->flow, "from", nv_json_str(it->name));
    nv_json_set(s->flow, "to", nv_json_str(it->detail));
    nv_json_set(s->flow, "port", nv_jport(&it->port));
    nv_json_set(s->flow, "service_port", s->svcport ? s->svcport : nv_json_null());
    s->svcport = NULL;
    s->notes = nv_json_array();
    nv_json_set(s->flow, "notes", s->notes);
    s->pairs = nv_json_array();
    nv_json_set(s->flow, "pairs", s->pairs);
    nv_json_set(s->flow, "behaviours", nv_json_null());
    nv_json_set(s->flow, "verdict", nv_json_null());
    s->pair = s->dir = s->policies = s->rules = s->peers = s->combos = NULL;
}

static void nv_jdirection(struct nv_jstate *s, const struct nv_xitem *it)
{
    if (!s->pair || !s->flow) {
        s->pair = nv_json_object();
        nv_json_set(s->pair, "text", nv_json_null());
        nv_json_push(s->pairs, s->pair);
    }
    s->dir = nv_jitem(NULL, it);
    nv_json_set(s->dir, "end", nv_json_str(it->name));
    nv_json_set(s->dir, "state", nv_json_str(it->state));
    s->policies = nv_json_array();
    nv_json_set(s->dir, "policies", s->policies);
    /* an isolated direction's ALLOWED item follows; nothing restricts the others */
    nv_json_set(s->dir, "allowed",
                strcmp(it->state, "isolated") ? nv_json_str("All Connections") : nv_json_null());
    nv_json_set(s->dir, "allowed_text", nv_json_null());
    nv_json_set(s->pair, it->word, s->dir);
    /* the ingress closes the pair: the next direction starts another */
    if (!strcmp(it->word, "ingress"))
        s->pair = NULL;
    s->rules = s->peers = s->tiers = NULL;
}

static void nv_jrule(struct nv_jstate *s, const struct nv_xitem *it)
{
    struct nv_json *o = nv_jitem(s->rules, it);

    nv_json_set(o, "result", nv_json_str(it->word));
    nv_json_set(o, "index", it->index ? nv_json_int(it->index) : nv_json_null());
    if (it->index)
        nv_jloc(o, it);
    else
        nv_json_set(o, "location", nv_json_null());
    nv_json_set(o, "match", nv_jstr_or_null(it->detail));
    nv_json_set(o, "ports", nv_jstr_or_null(it->ports));
    s->peers = nv_json_array();
    nv_json_set(o, "peers", s->peers);
}

/* One item into the document. */
static void nv_jadd(struct nv_jstate *s, const struct nv_xitem *it)
{
    struct nv_json *o;

    switch (it->kind) {
    case NV_XI_SERVICE:
        o = nv_jitem(NULL, it);
        nv_json_set(o, "name", nv_json_str(it->name));
        nv_jloc(o, it);
        nv_json_set(o, "ports", nv_json_str(it->detail));
        nv_json_set(s->root, "service", o);
        break;
    case NV_XI_SERVICE_PORT:
        s->svcport = nv_jitem(NULL, it);
        nv_json_set(s->svcport, "port", nv_json_str(it->detail));
        nv_json_set(s->svcport, "target_port", nv_json_int(it->index));
        s->flow = NULL;
        break;
    case NV_XI_NOTE:
        /* a Service port's note belongs to the document, a flow's to the flow */
        nv_jitem(s->flow && !it->word ? s->notes : s->rootnotes, it);
        break;
    case NV_XI_FLOW:
        nv_jflow(s, it);
        break;
    case NV_XI_PAIR:
        s->pair = nv_jitem(s->pairs, it);
        break;
    case NV_XI_DIRECTION:
        nv_jdirection(s, it);
        break;
    case NV_XI_POLICY:
        o = nv_jitem(s->policies, it);
        nv_json_set(o, "name", nv_json_str(it->name));
        nv_jloc(o, it);
        nv_json_set(o, "pod_selector", nv_json_str(it->detail));
        s->rules = nv_json_array();
        nv_json_set(o, "rules", s->rules);
        break;
    case NV_XI_RULE:
        nv_jrule(s, it);
        break;
    case NV_XI_PEER:
        o = nv_jitem(s->peers, it);
        nv_json_set(o, "peer", nv_json_str(it->name));
        nv_jloc(o, it);
        nv_json_set(o, "why", nv_json_str(it->detail));
        break;
    case NV_XI_TIER:
        if (!s->tiers) {
            s->tiers = nv_json_array();
            nv_json_set(s->dir, "tiers", s->tiers);
        }
        o = nv_jitem(s->tiers, it);
        nv_json_set(o, "tier", nv_json_str(it->word));
        nv_json_set(o, "result", nv_json_str(it->state));
        nv_json_set(o, "policy", nv_jstr_or_null(it->name));
        nv_json_set(o, "priority", it->priority >= 0 ? nv_json_int(it->priority) : nv_json_null());
        nv_json_set(o, "index", it->index ? nv_json_int(it->index) : nv_json_null());
        nv_json_set(o, "rule_name", nv_jstr_or_null(it->detail));
        if (it->index)
            nv_jloc(o, it);
        else
            nv_json_set(o, "location", nv_json_null());
        nv_json_set(o, "ports", nv_jstr_or_null(it->ports));
        break;
    case NV_XI_WALK:
        o = nv_jitem(NULL, it);
        nv_json_set(o, "result", nv_json_str(it->word));
        nv_json_set(s->dir, "walk", o);
        break;
    case NV_XI_ALLOWED:
        nv_json_set(s->dir, "allowed", nv_json_str(it->ports));
        nv_json_set(s->dir, "allowed_text", nv_json_str(it->text));
        break;
    case NV_XI_BEHAVIOURS:
        o = nv_jitem(NULL, it);
        s->combos = nv_json_array();
        nv_json_set(o, "combinations", s->combos);
        nv_json_set(s->flow, "behaviours", o);
        break;
    case NV_XI_BEHAVIOUR:
        o = nv_jitem(s->combos, it);
        nv_json_set(o, "result", nv_json_str(it->word));
        nv_json_set(o, "ports", nv_jstr_or_null(it->ports));
        break;
    case NV_XI_VERDICT:
        o = nv_jitem(NULL, it);
        nv_json_set(o, "result", nv_json_str(it->word));
        nv_json_set(o, "ports", nv_jstr_or_null(it->ports));
        nv_json_set(s->flow, "verdict", o);
        break;
    }
}

int nv_explain_write_json(FILE *fp, const struct nv_xreport *r, const char *from, const char *to,
                          const char *port)
{
    struct nv_jstate s;
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    s.root = nv_json_object();
    nv_json_set(s.root, "from", nv_json_str(from));
    nv_json_set(s.root, "to", nv_json_str(to));
    nv_json_set(s.root, "port", nv_jstr_or_null(port));
    nv_json_set(s.root, "service", nv_json_null());
    s.flows = nv_json_array();
    nv_json_set(s.root, "flows", s.flows);
    s.rootnotes = nv_json_array();
    nv_json_set(s.root, "notes", s.rootnotes);
    for (i = 0; i < r->n; i++)
        nv_jadd(&s, &r->v[i]);
    if (s.svcport)
        nv_json_free(s.svcport);
    rc = nv_json_dump(s.root, fp);
    nv_json_free(s.root);
    return rc;
}
