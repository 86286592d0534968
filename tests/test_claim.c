/*
 * test_claim.c - the claim language: every grammar form parsed into its
 * struct, every parse error with its column, set resolution against a loaded
 * model (and its errors), and claims files.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h> /* mallinfo2, for the leak test */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include <sys/stat.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/load.h"
#include "netverify/model.h"

#include "oracle.h"

/* ====================================================================== */
/* Files                                                                    */
/* ====================================================================== */

static char g_dir[64];
static char g_cluster[128];
static char g_claims[128];

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/nv-test-claim-XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_cluster, sizeof(g_cluster), "%s/cluster.yaml", g_dir);
    snprintf(g_claims, sizeof(g_claims), "%s/claims.yaml", g_dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(g_cluster);
    unlink(g_claims);
    rmdir(g_dir);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void dump_diags(const struct nv_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        print_message("  diag %u:%u: %s\n", d->items[i].loc.line, d->items[i].loc.col,
                      d->items[i].msg);
}

/* ====================================================================== */
/* Parsing one claim                                                        */
/* ====================================================================== */

/* Where the parsed claims pretend to start: line 3, column 5 of claims.yaml. */
#define BASE_LINE 3u
#define BASE_COL 5u

struct pctx {
    struct nv_model *m;
    struct nv_diags d;
    struct nv_claim c;
};

static int pctx_setup(void **state)
{
    struct pctx *p = calloc(1, sizeof(*p));

    if (!p)
        return -1;
    p->m = nv_model_new();
    nv_diags_init(&p->d);
    *state = p;
    return 0;
}

static int pctx_teardown(void **state)
{
    struct pctx *p = *state;

    nv_diags_release(&p->d);
    nv_model_free(p->m);
    free(p);
    return 0;
}

static struct nv_loc base_loc(void)
{
    struct nv_loc l = {"claims.yaml", BASE_LINE, BASE_COL};

    return l;
}

/* Parse 'text', which must be valid. The result lives in p->m's arena. */
static const struct nv_claim *parse_ok(struct pctx *p, const char *text)
{
    size_t before = p->d.n;
    int rc = nv_claim_parse(&p->c, text, base_loc(), p->m, &p->d);

    if (rc != 0 || p->d.n != before) {
        dump_diags(&p->d);
        fail_msg("'%s' should parse (rc %d)", text, rc);
    }
    assert_string_equal(p->c.text, text);
    assert_int_equal(p->c.loc.line, BASE_LINE);
    assert_int_equal(p->c.loc.col, BASE_COL);
    return &p->c;
}

/*
 * Parse 'text', which must fail with exactly one error whose column is that
 * of 'at' in the text (first occurrence; NULL: the end of the text) and
 * whose message contains 'msg'.
 */
static void parse_err(struct pctx *p, const char *text, const char *at, const char *msg)
{
    size_t before = p->d.n, nerr = p->d.nerr;
    unsigned off;
    const struct nv_diag *dg;
    int rc = nv_claim_parse(&p->c, text, base_loc(), p->m, &p->d);

    if (rc != -1)
        fail_msg("'%s' should not parse", text);
    if (p->d.n != before + 1 || p->d.nerr != nerr + 1) {
        dump_diags(&p->d);
        fail_msg("'%s': %zu diagnostics, want exactly one error", text, p->d.n - before);
    }
    if (at) {
        const char *hit = strstr(text, at);
        assert_non_null(hit);
        off = (unsigned)(hit - text);
    } else {
        off = (unsigned)strlen(text);
    }
    dg = &p->d.items[before];
    assert_int_equal(dg->sev, NV_SEV_ERROR);
    if (dg->loc.line != BASE_LINE || dg->loc.col != BASE_COL + off || !strstr(dg->msg, msg))
        fail_msg("'%s': got %u:%u '%s', want %u:%u '...%s...'", text, dg->loc.line, dg->loc.col,
                 dg->msg, BASE_LINE, BASE_COL + off, msg);
    assert_string_equal(dg->loc.file, "claims.yaml");
}

static void assert_req(const struct nv_requirement *r, const char *key, enum nv_sel_op op,
                       size_t nvalues, ...)
{
    va_list ap;
    size_t i;

    assert_string_equal(r->key, key);
    if (r->op != op)
        fail_msg("key '%s': operator %s, want %s", key, nv_sel_op_name(r->op), nv_sel_op_name(op));
    assert_int_equal(r->nvalues, nvalues);
    va_start(ap, nvalues);
    for (i = 0; i < nvalues; i++)
        assert_string_equal(r->values[i], va_arg(ap, const char *));
    va_end(ap);
}

static int has_key(const struct nv_model *m, const char *key)
{
    size_t i;

    for (i = 0; i < m->nkeys; i++)
        if (!strcmp(m->keys[i], key))
            return 1;
    return 0;
}

static int has_named(const struct nv_model *m, const char *ref)
{
    size_t i;

    for (i = 0; i < m->nnamed; i++)
        if (!strcmp(m->named[i], ref))
            return 1;
    return 0;
}

static uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

/* ---- the sets ---- */

static void test_set_kinds(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "any reaches any");
    assert_int_equal(c->kind, NV_CLAIM_REACHES);
    assert_int_equal(c->a.kind, NV_SET_ANY);
    assert_int_equal(c->b.kind, NV_SET_ANY);
    assert_string_equal(c->a.text, "any");
    assert_int_equal(c->a.loc.col, BASE_COL);
    assert_int_equal(c->b.loc.col, BASE_COL + 12);
    assert_int_equal(c->nports, 0);
    assert_int_equal(c->has_on, 0);
    assert_int_equal(c->only, 0);
    assert_null(c->name);

    c = parse_ok(p, "pods app=web reaches pods tier=db");
    assert_int_equal(c->a.kind, NV_SET_PODS);
    assert_non_null(c->a.sel);
    assert_int_equal(c->a.sel->n, 1);
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    assert_null(c->a.scope_ns);
    assert_null(c->a.scope_sel);
    assert_string_equal(c->a.text, "pods app=web");
    assert_string_equal(c->b.text, "pods tier=db");
    assert_int_equal(c->b.loc.col, BASE_COL + 21);
    /* selectors of claims join the vocabulary classes are projected on */
    assert_true(has_key(p->m, "app"));
    assert_true(has_key(p->m, "tier"));

    c = parse_ok(p, "namespace shop cannot reach namespaces team=ops");
    assert_int_equal(c->kind, NV_CLAIM_CANNOT_REACH);
    assert_int_equal(c->a.kind, NV_SET_NAMESPACE);
    assert_string_equal(c->a.name, "shop");
    assert_int_equal(c->b.kind, NV_SET_NAMESPACES);
    assert_int_equal(c->b.sel->n, 1);
    assert_req(&c->b.sel->reqs[0], "team", NV_SEL_IN, 1, "ops");
    assert_string_equal(c->b.text, "namespaces team=ops");
    assert_true(has_key(p->m, "team"));

    c = parse_ok(p, "svc shop/api reaches shop/web");
    assert_int_equal(c->a.kind, NV_SET_SVC);
    assert_string_equal(c->a.ns, "shop");
    assert_string_equal(c->a.name, "api");
    assert_string_equal(c->a.text, "svc shop/api");
    assert_int_equal(c->b.kind, NV_SET_WORKLOAD);
    assert_string_equal(c->b.ns, "shop");
    assert_string_equal(c->b.name, "web");
    assert_string_equal(c->b.text, "shop/web");
    assert_true(has_named(p->m, "shop/web"));

    c = parse_ok(p, "web cannot reach db");
    assert_int_equal(c->a.kind, NV_SET_WORKLOAD);
    assert_null(c->a.ns);
    assert_string_equal(c->a.name, "web");
    assert_true(has_named(p->m, "web"));
    assert_true(has_named(p->m, "db"));

    c = parse_ok(p,
                 "cidr 10.0.0.0/8, 192.168.1.7/24 except 10.1.0.0/16,10.2.3.4/32 cannot reach any");
    assert_int_equal(c->a.kind, NV_SET_CIDR);
    assert_int_equal(c->a.ncidr, 2);
    assert_int_equal(c->a.cidr[0].first.lo, ip(10, 0, 0, 0));
    assert_int_equal(c->a.cidr[0].last.lo, ip(10, 255, 255, 255));
    /* host bits are cleared */
    assert_int_equal(c->a.cidr[1].first.lo, ip(192, 168, 1, 0));
    assert_int_equal(c->a.cidr[1].last.lo, ip(192, 168, 1, 255));
    assert_int_equal(c->a.nexcept, 2);
    assert_int_equal(c->a.except[0].first.lo, ip(10, 1, 0, 0));
    assert_int_equal(c->a.except[0].last.lo, ip(10, 1, 255, 255));
    assert_int_equal(c->a.except[1].first.lo, ip(10, 2, 3, 4));
    assert_int_equal(c->a.except[1].last.lo, ip(10, 2, 3, 4));
    assert_string_equal(c->a.text,
                        "cidr 10.0.0.0/8, 192.168.1.7/24 except 10.1.0.0/16,10.2.3.4/32");
    /* every range the claim uses cuts the external atoms */
    assert_true(p->m->nextra >= 4);

    c = parse_ok(p, "cidr 0.0.0.0/0 reaches any");
    assert_int_equal(c->a.ncidr, 1);
    assert_int_equal(c->a.cidr[0].first.lo, 0);
    assert_int_equal(c->a.cidr[0].last.lo, UINT32_MAX);
    assert_int_equal(c->a.nexcept, 0);

    /* IPv6, and both families in one list, each except of a family the list has */
    c = parse_ok(p, "any cannot reach cidr 2001:DB8::1/32, 10.0.0.0/8 except 2001:db8:1::/48, "
                    "10.1.0.0/16");
    assert_int_equal(c->b.ncidr, 2);
    assert_int_equal(c->b.cidr[0].first.fam, NV_IPV6);
    assert_int_equal(c->b.cidr[0].first.hi, 0x20010db800000000ULL);
    assert_int_equal(c->b.cidr[0].first.lo, 0);
    assert_int_equal(c->b.cidr[0].last.hi, 0x20010db8ffffffffULL);
    assert_int_equal(c->b.cidr[0].last.lo, UINT64_MAX);
    assert_int_equal(c->b.cidr[1].first.fam, NV_IPV4);
    assert_int_equal(c->b.nexcept, 2);
    assert_int_equal(c->b.except[0].first.fam, NV_IPV6);
    assert_int_equal(c->b.except[1].first.fam, NV_IPV4);
    c = parse_ok(p, "cidr ::/0 cannot reach any");
    assert_int_equal(c->a.cidr[0].first.fam, NV_IPV6);
    assert_int_equal(c->a.cidr[0].last.hi, UINT64_MAX);
    /* an IPv4-mapped CIDR is the IPv4 block, as in policies */
    c = parse_ok(p, "cidr ::ffff:10.0.0.0/104 cannot reach any");
    assert_int_equal(c->a.cidr[0].first.fam, NV_IPV4);
    assert_int_equal(c->a.cidr[0].first.lo, ip(10, 0, 0, 0));
    assert_int_equal(c->a.cidr[0].last.lo, ip(10, 255, 255, 255));
}

static void test_selector_syntax(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "pods app=web reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    c = parse_ok(p, "pods app==web reaches any");
    assert_int_equal(c->a.sel->n, 1);
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    c = parse_ok(p, "pods tier!=db reaches any");
    assert_req(&c->a.sel->reqs[0], "tier", NV_SEL_NOTIN, 1, "db");
    c = parse_ok(p, "pods env in (a,b) reaches any");
    assert_req(&c->a.sel->reqs[0], "env", NV_SEL_IN, 2, "a", "b");
    c = parse_ok(p, "pods env notin (c) reaches any");
    assert_req(&c->a.sel->reqs[0], "env", NV_SEL_NOTIN, 1, "c");
    c = parse_ok(p, "pods team reaches any");
    assert_req(&c->a.sel->reqs[0], "team", NV_SEL_EXISTS, 0);
    c = parse_ok(p, "pods !legacy reaches any");
    assert_req(&c->a.sel->reqs[0], "legacy", NV_SEL_NOTEXISTS, 0);

    /* all of them at once, with spaces where kubectl would allow none */
    c = parse_ok(p, "pods app=web,app==api, tier!=db,env in ( a , b ),env notin (c),team,!legacy "
                    "reaches any");
    assert_int_equal(c->a.sel->n, 7);
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    assert_req(&c->a.sel->reqs[1], "app", NV_SEL_IN, 1, "api");
    assert_req(&c->a.sel->reqs[2], "tier", NV_SEL_NOTIN, 1, "db");
    assert_req(&c->a.sel->reqs[3], "env", NV_SEL_IN, 2, "a", "b");
    assert_req(&c->a.sel->reqs[4], "env", NV_SEL_NOTIN, 1, "c");
    assert_req(&c->a.sel->reqs[5], "team", NV_SEL_EXISTS, 0);
    assert_req(&c->a.sel->reqs[6], "legacy", NV_SEL_NOTEXISTS, 0);
    assert_string_equal(c->a.text, "pods app=web,app==api, tier!=db,env in ( a , b ),env notin "
                                   "(c),team,!legacy");
    assert_int_equal(c->a.sel->loc.col, BASE_COL + 5);

    /* prefixed keys, values with dots, dashes and underscores, empty-looking but valid */
    c = parse_ok(p, "pods app.kubernetes.io/name=my-app_1.0 reaches any");
    assert_req(&c->a.sel->reqs[0], "app.kubernetes.io/name", NV_SEL_IN, 1, "my-app_1.0");
    c = parse_ok(p, "namespaces kubernetes.io/metadata.name in (shop,ops) reaches any");
    assert_req(&c->a.sel->reqs[0], "kubernetes.io/metadata.name", NV_SEL_IN, 2, "shop", "ops");

    /* values that are keywords elsewhere are plain values here */
    c = parse_ok(p, "pods mode=on reaches any");
    assert_req(&c->a.sel->reqs[0], "mode", NV_SEL_IN, 1, "on");
    c = parse_ok(p, "pods mode in (reaches,only) reaches any");
    assert_req(&c->a.sel->reqs[0], "mode", NV_SEL_IN, 2, "reaches", "only");
}

static void test_in_disambiguation(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    /* "in (" is a set-based requirement; "in namespace" scopes the set */
    c = parse_ok(p, "pods env in (a,b) in namespace shop reaches any");
    assert_int_equal(c->a.sel->n, 1);
    assert_req(&c->a.sel->reqs[0], "env", NV_SEL_IN, 2, "a", "b");
    assert_string_equal(c->a.scope_ns, "shop");
    assert_null(c->a.scope_sel);
    assert_string_equal(c->a.text, "pods env in (a,b) in namespace shop");

    /* a key followed by "in namespace" is an Exists requirement */
    c = parse_ok(p, "pods app in namespace shop reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_EXISTS, 0);
    assert_string_equal(c->a.scope_ns, "shop");

    c = parse_ok(p, "any reaches pods app=web in namespaces team=shop,env notin (dev)");
    assert_int_equal(c->b.kind, NV_SET_PODS);
    assert_req(&c->b.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    assert_null(c->b.scope_ns);
    assert_non_null(c->b.scope_sel);
    assert_int_equal(c->b.scope_sel->n, 2);
    assert_req(&c->b.scope_sel->reqs[0], "team", NV_SEL_IN, 1, "shop");
    assert_req(&c->b.scope_sel->reqs[1], "env", NV_SEL_NOTIN, 1, "dev");
    assert_int_equal(c->b.scope_sel->loc.col, BASE_COL + 39);
    /* the scope's keys are namespace-label keys: they join the vocabulary too */
    assert_true(has_key(p->m, "team"));

    c = parse_ok(p, "pods app in (x) in namespaces env in (y) cannot reach any on 80");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "x");
    assert_req(&c->a.scope_sel->reqs[0], "env", NV_SEL_IN, 1, "y");
    assert_int_equal(c->kind, NV_CLAIM_CANNOT_REACH);
    assert_int_equal(c->nports, 1);

    /* "IN" is a keyword too, in any case */
    c = parse_ok(p, "pods env IN (a) In Namespace shop reaches any");
    assert_req(&c->a.sel->reqs[0], "env", NV_SEL_IN, 1, "a");
    assert_string_equal(c->a.scope_ns, "shop");
}

static void assert_port(const struct nv_portspec *ps, enum nv_proto proto, unsigned lo, unsigned hi)
{
    assert_null(ps->name);
    if (ps->proto != proto || ps->port != lo || ps->end != hi)
        fail_msg("port %s/%u-%u, want %s/%u-%u", nv_proto_name(ps->proto), ps->port, ps->end,
                 nv_proto_name(proto), lo, hi);
}

static void test_ports(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "web reaches db on tcp/80");
    assert_int_equal(c->has_on, 1);
    assert_int_equal(c->nports, 1);
    assert_port(&c->ports[0], NV_PROTO_TCP, 80, 80);
    assert_int_equal(c->ports[0].loc.col, BASE_COL + 18);
    c = parse_ok(p, "web reaches db on udp/53");
    assert_port(&c->ports[0], NV_PROTO_UDP, 53, 53);
    c = parse_ok(p, "web reaches db on sctp/9000");
    assert_port(&c->ports[0], NV_PROTO_SCTP, 9000, 9000);
    c = parse_ok(p, "web reaches db on tcp/8000-8100");
    assert_port(&c->ports[0], NV_PROTO_TCP, 8000, 8100);
    c = parse_ok(p, "web reaches db on 80");
    assert_port(&c->ports[0], NV_PROTO_TCP, 80, 80);
    c = parse_ok(p, "web reaches db on 1");
    assert_port(&c->ports[0], NV_PROTO_TCP, 1, 1);
    c = parse_ok(p, "web reaches db on udp/65535");
    assert_port(&c->ports[0], NV_PROTO_UDP, 65535, 65535);
    c = parse_ok(p, "web reaches db on 1-65535");
    assert_port(&c->ports[0], NV_PROTO_TCP, 1, 65535);
    c = parse_ok(p, "web reaches db on 5-5");
    assert_port(&c->ports[0], NV_PROTO_TCP, 5, 5);
    c = parse_ok(p, "web reaches db on tcp/80, udp/53,sctp/9000-9001 , 8080");
    assert_int_equal(c->nports, 4);
    assert_port(&c->ports[0], NV_PROTO_TCP, 80, 80);
    assert_port(&c->ports[1], NV_PROTO_UDP, 53, 53);
    assert_port(&c->ports[2], NV_PROTO_SCTP, 9000, 9001);
    assert_port(&c->ports[3], NV_PROTO_TCP, 8080, 8080);
    assert_int_equal(c->ports[3].loc.col, BASE_COL + 50);
    /* protocols in any case */
    c = parse_ok(p, "web reaches db on TCP/80,Udp/53,SCTP/1");
    assert_port(&c->ports[0], NV_PROTO_TCP, 80, 80);
    assert_port(&c->ports[1], NV_PROTO_UDP, 53, 53);
    assert_port(&c->ports[2], NV_PROTO_SCTP, 1, 1);
    c = parse_ok(p, "web cannot reach db on udp/53");
    assert_int_equal(c->kind, NV_CLAIM_CANNOT_REACH);
    assert_port(&c->ports[0], NV_PROTO_UDP, 53, 53);
    c = parse_ok(p, "web reaches db");
    assert_int_equal(c->nports, 0);
    assert_int_equal(c->has_on, 0);
}

static void test_keywords_case(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;
    struct nv_result r;

    c = parse_ok(p, "ONLY pods app=web Reaches api ON tcp/80");
    assert_int_equal(c->only, 1);
    assert_int_equal(c->kind, NV_CLAIM_REACHES);
    assert_int_equal(c->a.kind, NV_SET_PODS);
    assert_int_equal(c->a.loc.col, BASE_COL + 5);
    assert_int_equal(c->nports, 1);
    nv_result_init(&r, c);
    assert_int_equal(r.nparts, 2);
    assert_int_equal(r.parts[0].kind, NV_PART_REACHES);
    assert_int_equal(r.parts[1].kind, NV_PART_ONLY);

    c = parse_ok(p, "web CANNOT REACH db");
    assert_int_equal(c->kind, NV_CLAIM_CANNOT_REACH);
    assert_int_equal(c->only, 0);
    nv_result_init(&r, c);
    assert_int_equal(r.nparts, 1);
    assert_int_equal(r.parts[0].kind, NV_PART_CANNOT);

    c = parse_ok(p, "web Is Isolated For Ingress");
    assert_int_equal(c->kind, NV_CLAIM_ISOLATED);
    assert_int_equal(c->iso_types, NV_TYPE_INGRESS);
    nv_result_init(&r, c);
    assert_int_equal(r.nparts, 1);
    assert_int_equal(r.parts[0].kind, NV_PART_ISOLATED);
    c = parse_ok(p, "web is isolated for EGRESS");
    assert_int_equal(c->iso_types, NV_TYPE_EGRESS);
    c = parse_ok(p, "namespace shop is isolated");
    assert_int_equal(c->iso_types, NV_TYPE_INGRESS | NV_TYPE_EGRESS);
    assert_int_equal(c->a.kind, NV_SET_NAMESPACE);

    c = parse_ok(p, "Any REACHES Pods app=x");
    assert_int_equal(c->a.kind, NV_SET_ANY);
    assert_int_equal(c->b.kind, NV_SET_PODS);
    c = parse_ok(p, "NAMESPACE shop cannot reach NAMESPACES team=x");
    assert_int_equal(c->a.kind, NV_SET_NAMESPACE);
    assert_int_equal(c->b.kind, NV_SET_NAMESPACES);
    c = parse_ok(p, "SVC shop/api reaches CIDR 10.0.0.0/8 EXCEPT 10.0.0.0/16");
    assert_int_equal(c->a.kind, NV_SET_SVC);
    assert_int_equal(c->b.kind, NV_SET_CIDR);
    assert_int_equal(c->b.nexcept, 1);

    /* labels, names and values keep their case */
    c = parse_ok(p, "pods App=Web,TIER notin (DB) in namespace Shop reaches Shop/Web");
    assert_req(&c->a.sel->reqs[0], "App", NV_SEL_IN, 1, "Web");
    assert_req(&c->a.sel->reqs[1], "TIER", NV_SEL_NOTIN, 1, "DB");
    assert_string_equal(c->a.scope_ns, "Shop");
    assert_string_equal(c->b.ns, "Shop");
    assert_string_equal(c->b.name, "Web");
    c = parse_ok(p, "namespace Prod reaches svc Prod/Api");
    assert_string_equal(c->a.name, "Prod");
    assert_string_equal(c->b.ns, "Prod");
    assert_string_equal(c->b.name, "Api");
    c = parse_ok(p, "Web reaches DB");
    assert_string_equal(c->a.name, "Web");
    assert_string_equal(c->b.name, "DB");

    /* extra whitespace anywhere between tokens */
    c = parse_ok(p, "  only\tweb   reaches \t db   on  tcp/80  ");
    assert_int_equal(c->only, 1);
    assert_int_equal(c->a.loc.col, BASE_COL + 7);
    assert_string_equal(c->a.text, "web");
    assert_string_equal(c->b.text, "db");
}

/* An operator without a value compares with the empty value, as kubectl reads 'app='. */
static void test_empty_values(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;
    const char *empty = nv_arena_intern(&p->m->arena, "");

    c = parse_ok(p, "pods app= reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    /* interned, as every label value: selectors compare them by address */
    assert_ptr_equal(c->a.sel->reqs[0].values[0], empty);
    assert_string_equal(c->a.text, "pods app=");
    assert_int_equal(c->kind, NV_CLAIM_REACHES);
    c = parse_ok(p, "pods app==,tier!=, env=x cannot reach pods app!=");
    assert_int_equal(c->a.sel->n, 3);
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    assert_req(&c->a.sel->reqs[1], "tier", NV_SEL_NOTIN, 1, "");
    assert_req(&c->a.sel->reqs[2], "env", NV_SEL_IN, 1, "x");
    assert_req(&c->b.sel->reqs[0], "app", NV_SEL_NOTIN, 1, "");
    assert_ptr_equal(c->b.sel->reqs[0].values[0], empty);
    c = parse_ok(p, "pods app= in namespace shop reaches any on 80");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    assert_string_equal(c->a.scope_ns, "shop");
    c = parse_ok(p, "any reaches pods app= on 80");
    assert_req(&c->b.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    assert_int_equal(c->nports, 1);
    c = parse_ok(p, "pods app= is isolated");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    c = parse_ok(p, "pods app=\"\" reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    /* empty items of a set, kubectl's '(a,)', '(,a)', '(a,,b)' and '()' */
    c = parse_ok(p, "pods app in (a,) reaches pods app notin (,a)");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 2, "a", "");
    assert_ptr_equal(c->a.sel->reqs[0].values[1], empty);
    assert_req(&c->b.sel->reqs[0], "app", NV_SEL_NOTIN, 2, "", "a");
    c = parse_ok(p, "pods app in (a,,b) reaches pods app in ()");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 3, "a", "", "b");
    assert_req(&c->b.sel->reqs[0], "app", NV_SEL_IN, 1, "");
    /* near cases: a word right after the operator is its value, keyword or not; after a
     * space, a word that is no keyword is the value too */
    c = parse_ok(p, "pods mode=on reaches any");
    assert_req(&c->a.sel->reqs[0], "mode", NV_SEL_IN, 1, "on");
    c = parse_ok(p, "pods mode=in reaches any");
    assert_req(&c->a.sel->reqs[0], "mode", NV_SEL_IN, 1, "in");
    c = parse_ok(p, "pods app= web reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "web");
    c = parse_ok(p, "pods app = in reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "in");
    c = parse_ok(p, "pods app= \"on\" reaches any");
    assert_req(&c->a.sel->reqs[0], "app", NV_SEL_IN, 1, "on");
}

/* Quoted keys, values and names are never keywords. */
static void test_quoting(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "pods \"reaches\"=yes reaches pods 'on'");
    assert_req(&c->a.sel->reqs[0], "reaches", NV_SEL_IN, 1, "yes");
    assert_req(&c->b.sel->reqs[0], "on", NV_SEL_EXISTS, 0);
    assert_string_equal(c->a.text, "pods \"reaches\"=yes");
    assert_string_equal(c->b.text, "pods 'on'");
    assert_true(has_key(p->m, "reaches"));
    c = parse_ok(p, "pods \"in\" in (\"in\",'only') in namespace \"on\" cannot reach any");
    assert_req(&c->a.sel->reqs[0], "in", NV_SEL_IN, 2, "in", "only");
    assert_string_equal(c->a.scope_ns, "on");
    c = parse_ok(p, "pods !\"pods\",'only'=\"cannot\" reaches any");
    assert_req(&c->a.sel->reqs[0], "pods", NV_SEL_NOTEXISTS, 0);
    assert_req(&c->a.sel->reqs[1], "only", NV_SEL_IN, 1, "cannot");
    parse_err(p, "pods !pods,only=x reaches any", "only", "expected a label selector");
    /* names: a workload named like a keyword, a namespace named like one */
    c = parse_ok(p, "\"any\" reaches 'svc'");
    assert_int_equal(c->a.kind, NV_SET_WORKLOAD);
    assert_null(c->a.ns);
    assert_string_equal(c->a.name, "any");
    assert_int_equal(c->b.kind, NV_SET_WORKLOAD);
    assert_string_equal(c->b.name, "svc");
    assert_true(has_named(p->m, "any"));
    c = parse_ok(p, "\"on/any\" cannot reach namespace \"is\"");
    assert_string_equal(c->a.ns, "on");
    assert_string_equal(c->a.name, "any");
    assert_true(has_named(p->m, "on/any"));
    assert_int_equal(c->b.kind, NV_SET_NAMESPACE);
    assert_string_equal(c->b.name, "is");
    c = parse_ok(p, "any reaches svc \"on/reaches\" on http");
    assert_string_equal(c->b.ns, "on");
    assert_string_equal(c->b.name, "reaches");
    /* near cases: the same words bare are keywords */
    c = parse_ok(p, "any reaches pods app=x");
    assert_int_equal(c->a.kind, NV_SET_ANY);
    parse_err(p, "pods reaches=yes reaches any", "reaches=", "expected a label selector");
    parse_err(p, "pods app=x,on=y reaches any", "on=", "expected a label selector");
    parse_err(p, "namespace is reaches any", "is", "expected a namespace name");
    /* errors */
    parse_err(p, "pods \"app=x reaches any", "\"app", "the quote is not closed");
    parse_err(p, "pods app='x reaches any", "'x", "the quote is not closed");
    parse_err(p, "pods \"app' reaches any", "\"app", "the quote is not closed");
    parse_err(p, "pods \"\"=x reaches any", "\"\"", "invalid label key (key must not be empty)");
    parse_err(p, "pods \"a b\"=x reaches any", "\"a b\"", "invalid label key");
    parse_err(p, "pods app=\"x y\" reaches any", "\"x y\"", "invalid label value");
    parse_err(p, "namespace \"\" reaches any", "\"\"", "expected a namespace name");
    parse_err(p, "\"\" reaches any", "\"\"",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "web reaches db on \"80\"", "\"80\"", "expected a port");
    parse_err(p, "any reaches cidr \"10.0.0.0/8\"", "\"10.0.0.0/8\"", "expected a CIDR");
}

/* NS/NAME[Kind] and NAME[Kind] name one workload where kinds share a name. */
static void test_kind_refs(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "shop/api[Deployment] reaches db[StatefulSet] on 5432");
    assert_int_equal(c->a.kind, NV_SET_WORKLOAD);
    assert_string_equal(c->a.ns, "shop");
    assert_string_equal(c->a.name, "api");
    assert_string_equal(c->a.wkind, "Deployment");
    assert_string_equal(c->a.text, "shop/api[Deployment]");
    assert_null(c->b.ns);
    assert_string_equal(c->b.name, "db");
    assert_string_equal(c->b.wkind, "StatefulSet");
    /* the model is told the reference without its kind */
    assert_true(has_named(p->m, "shop/api"));
    assert_true(has_named(p->m, "db"));
    assert_false(has_named(p->m, "shop/api[Deployment]"));
    c = parse_ok(p, "shop/api reaches db");
    assert_null(c->a.wkind);
    c = parse_ok(p, "\"shop/api[Job]\" reaches any");
    assert_string_equal(c->a.wkind, "Job");
    parse_err(p, "shop/api[ reaches any", "shop/api[",
              "write a workload as NAMESPACE/NAME[Kind], the kind");
    parse_err(p, "shop/api[] reaches any", "shop/api[]",
              "write a workload as NAMESPACE/NAME[Kind], the kind");
    parse_err(p, "shop/api[Job]x reaches any", "shop/api",
              "write a workload as NAMESPACE/NAME[Kind], the kind");
    parse_err(p, "shop/api[Job][Pod] reaches any", "shop/api",
              "write a workload as NAMESPACE/NAME[Kind], the kind");
    parse_err(p, "shop/a]pi reaches any", "shop/a]pi",
              "write a workload as NAMESPACE/NAME[Kind], the kind");
    parse_err(p, "[Job] reaches any", "[Job]",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "shop/[Job] reaches any", "shop/[Job]",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "any reaches svc shop/api[Service]", "shop/api", "write a Service as");
}

/* A claim without a known line: the column is the claim's own, without offsets. */
static void test_unknown_position(void **state)
{
    struct pctx *p = *state;
    struct nv_loc l = {NULL, 0, 0};

    assert_int_equal(nv_claim_parse(&p->c, "web reachs db", l, p->m, &p->d), -1);
    assert_int_equal(p->d.nerr, 1);
    assert_int_equal(p->d.items[0].loc.line, 0);
    assert_int_equal(p->d.items[0].loc.col, 0);
}

/* ---- parse errors, each with its column ---- */

static void test_errors_words(void **state)
{
    struct pctx *p = *state;

    parse_err(p, "web reachs db", "reachs", "expected 'reaches', 'cannot reach' or 'is isolated'");
    parse_err(p, "web can reach db", "can", "expected 'reaches'");
    parse_err(p, "web cannot db", "cannot", "expected 'reaches'");
    parse_err(p, "web is db", "is", "expected 'reaches'");
    parse_err(p, "web", NULL, "at the end of the claim");
    parse_err(p, "web ", NULL, "at the end of the claim");
    parse_err(p, "web reaches", NULL, "expected a set");
    parse_err(p, "web cannot reach   ", NULL, "expected a set");
    parse_err(p, "reaches db", "reaches", "expected a set");
    parse_err(p, "", NULL, "expected a set");
    parse_err(p, "only", NULL, "expected a set");
    parse_err(p, "web reaches on tcp/80", "on", "expected a set");
    parse_err(p, "web reaches , db", ",", "expected a set");
    parse_err(p, "web reaches db on", NULL, "expected a port");
    parse_err(p, "web reaches db on tcp/80,", NULL, "expected a port");
    parse_err(p, "web reaches db tcp/80", "tcp/80", "unexpected words");
    parse_err(p, "web reaches db on tcp/80 please", "please", "unexpected words");
    parse_err(p, "web reaches db db2", "db2", "unexpected words");
    parse_err(p, "web is isolated now", "now", "unexpected words");
    parse_err(p, "web is isolated for ingress now", "now", "unexpected words");
    parse_err(p, "web is isolated on tcp/80", "on", "unexpected words");
    parse_err(p, "web is isolated for both", "both", "expected 'ingress' or 'egress'");
    parse_err(p, "web is isolated for", NULL, "expected 'ingress' or 'egress'");
    parse_err(p, "only web cannot reach db", "only", "'only' applies to 'reaches'");
    parse_err(p, "ONLY web CANNOT REACH db on 80", "ONLY", "'only' applies to 'reaches'");
    parse_err(p, "only web is isolated", "only", "'only' applies to 'reaches'");
    parse_err(p, "only only web reaches db", "only web", "expected a set");
    /* sets */
    parse_err(p, "pods reaches any", "reaches", "expected a label selector");
    parse_err(p, "pods", NULL, "expected a label selector");
    parse_err(p, "pods app=web, reaches any", "reaches", "expected a label selector");
    parse_err(p, "pods app in (a,b reaches any", "reaches", "expected ',' or ')'");
    parse_err(p, "pods app=( reaches any", "(", "expected a label value");
    parse_err(p, "pods app==) reaches any", ")", "expected a label value");
    parse_err(p, "pods app in (a,( reaches any", "( reaches", "expected a label value");
    parse_err(p, "pods app=", NULL, "expected 'reaches'");
    parse_err(p, "pods app=web in cluster reaches any", "cluster",
              "expected 'namespace' or 'namespaces' after 'in'");
    parse_err(p, "pods app=web in reaches any", "reaches",
              "expected 'namespace' or 'namespaces' after 'in'");
    parse_err(p, "pods app=web in namespace reaches any", "reaches", "expected a namespace name");
    parse_err(p, "pods app=web in namespaces reaches any", "reaches", "expected a label selector");
    parse_err(p, "namespace reaches any", "reaches", "expected a namespace name");
    parse_err(p, "namespace", NULL, "expected a namespace name");
    parse_err(p, "namespaces cannot reach any", "cannot", "expected a label selector");
    parse_err(p, "svc api reaches any", "api", "write a Service as 'svc NAMESPACE/NAME'");
    parse_err(p, "svc reaches any", "reaches", "write a Service as 'svc NAMESPACE/NAME'");
    parse_err(p, "svc a/b/c reaches any", "a/b/c", "write a Service as 'svc NAMESPACE/NAME'");
    parse_err(p, "a/b/c reaches any", "a/b/c",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "any reaches /web", "/web",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "any reaches shop/", "shop/",
              "write a workload as NAMESPACE/NAME or NAMESPACE/NAME[Kind]");
    parse_err(p, "cidr", NULL, "expected a CIDR");
    parse_err(p, "any reaches cidr 10.0.0.0/8 except", NULL, "expected a CIDR");
    parse_err(p, "cidr , 10.0.0.0/8 reaches any", ",", "expected a CIDR");
    /* a word where a CIDR belongs is read as one */
    parse_err(p, "cidr reaches any", "reaches", "missing '/' and prefix length");
    parse_err(p, "cidr 10.0.0.0/8 except reaches any", "reaches", "missing '/'");
    parse_err(p, "cidr 10.0.0.0/8, reaches any", "reaches", "missing '/'");
}

/* A container port's name toward pods: with or without a protocol, resolved later. */
static void test_parse_port_names(void **state)
{
    struct pctx *p = *state;
    const struct nv_claim *c;

    c = parse_ok(p, "web reaches db on http");
    assert_int_equal(c->nports, 1);
    assert_string_equal(c->ports[0].name, "http");
    assert_int_equal(c->ports[0].any_proto, 1);
    c = parse_ok(p, "svc shop/api reaches db on udp/dns, 80");
    assert_int_equal(c->nports, 2);
    assert_string_equal(c->ports[0].name, "dns");
    assert_int_equal(c->ports[0].proto, NV_PROTO_UDP);
    assert_int_equal(c->ports[0].any_proto, 0);
    assert_null(c->ports[1].name);
    /* toward a Service a name is a Service port's, which carries its protocol */
    c = parse_ok(p, "web reaches svc shop/api on http");
    assert_int_equal(c->ports[0].any_proto, 0);
}

static void test_errors_ports(void **state)
{
    struct pctx *p = *state;

    parse_err(p, "web reaches db on 0", "0", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on tcp/0", "tcp/0", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on 70000", "70000", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on 65536", "65536", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on udp/99999999999999999999", "udp/", "1-65535");
    parse_err(p, "web reaches db on tcp/", "tcp/", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on tcp/Http", "tcp/Http", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on http-", "http-", "port must be a number in 1-65535");
    parse_err(p, "web reaches svc shop/api on tcp/http", "tcp/http",
              "a Service port name takes no protocol (the name has one): write 'http'");
    parse_err(p, "web reaches svc shop/api on Http", "Http", "port must be a number");
    parse_err(p, "web reaches db on tcp/+80", "tcp/+80", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on tcp/-80", "tcp/-80", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on 0x50", "0x50", "port must be a number in 1-65535");
    parse_err(p, "web reaches db on foo/80", "foo/80", "unknown protocol");
    parse_err(p, "web reaches db on icmp/1", "icmp/1", "unknown protocol");
    parse_err(p, "web reaches db on /80", "/80", "unknown protocol");
    parse_err(p, "web reaches db on 90-80", "90-80", "port range must be LOW-HIGH within 1-65535");
    parse_err(p, "web reaches db on tcp/80-", "tcp/80-", "port range must be LOW-HIGH");
    parse_err(p, "web reaches db on tcp/80-70000", "tcp/80-70000", "port range must be LOW-HIGH");
    parse_err(p, "web reaches db on tcp/80-+90", "tcp/80-+90", "port range must be LOW-HIGH");
    parse_err(p, "web reaches db on tcp/80-90-100", "tcp/80-90-100", "port range must be");
    parse_err(p, "web reaches db on 0-80", "0-80", "port must be a number in 1-65535");
    /* the error names the bad entry of a list */
    parse_err(p, "web reaches db on tcp/80,udp/0,sctp/1", "udp/0", "1-65535");
    parse_err(p, "web reaches db on 80, 443, 90-80", "90-80", "port range");
    parse_err(p, "web reaches db on tcp/80 udp/53", "udp/53", "unexpected words");
}

static void test_errors_cidr(void **state)
{
    struct pctx *p = *state;

    parse_err(p, "cidr 10.0.0.0/33 cannot reach any", "10.0.0.0/33", "prefix length must be 0-32");
    parse_err(p, "cidr 10.0.0.0 cannot reach any", "10.0.0.0", "missing '/' and prefix length");
    parse_err(p, "cidr 10.0.0/8 cannot reach any", "10.0.0/8", "invalid IPv4 address");
    parse_err(p, "cidr 300.0.0.0/8 cannot reach any", "300.0.0.0/8", "invalid IPv4 address");
    parse_err(p, "cidr 10.0.0.0/ cannot reach any", "10.0.0.0/", "prefix length");
    parse_err(p, "cidr 10.0.0.0/8x cannot reach any", "10.0.0.0/8x", "prefix length");
    parse_err(p, "cidr fd00::/129 cannot reach any", "fd00::/129", "prefix length must be 0-128");
    parse_err(p, "cidr fd00:::/8 cannot reach any", "fd00:::/8", "invalid IPv6 address");
    parse_err(p, "cidr ::ffff:1.2.3.04/104 cannot reach any", "::ffff", "invalid IPv6 address");
    /* an except of the other family takes nothing away: a mistake, at the except */
    parse_err(p, "any cannot reach cidr 10.0.0.0/8 except 2001:db8::/32", "2001:db8::/32",
              "IPv6 except without an IPv6 cidr in the set");
    parse_err(p, "any cannot reach cidr 2001:db8::/32 except 2001:db8::/48,10.0.0.0/16",
              "10.0.0.0/16", "IPv4 except without an IPv4 cidr in the set");
    parse_err(p, "any cannot reach cidr ::/0 except ::ffff:10.0.0.0/104", "::ffff",
              "IPv4 except without an IPv4 cidr in the set");
    parse_err(p, "any cannot reach cidr 10.0.0.0/8, 1.2.3.4/40", "1.2.3.4/40", "prefix length");
    parse_err(p, "any cannot reach cidr 10.0.0.0/8 except 10.0.0.0/8/8", "10.0.0.0/8/8",
              "prefix length");
}

static void test_errors_labels(void **state)
{
    struct pctx *p = *state;
    char text[512];

    parse_err(p, "pods -app=x reaches any", "-app", "invalid label key");
    parse_err(p, "pods app-=x reaches any", "app-", "invalid label key");
    parse_err(p, "pods a/b/c=x reaches any", "a/b/c", "invalid label key");
    parse_err(p, "pods /app=x reaches any", "/app", "invalid label key");
    parse_err(p, "pods Example.com/app=x reaches any", "Example.com/app", "invalid label key");
    parse_err(p, "pods app=-x reaches any", "-x", "invalid label value");
    parse_err(p, "pods app=x. reaches any", "x.", "invalid label value");
    parse_err(p, "pods app=a/b reaches any", "a/b", "invalid label value");
    parse_err(p, "pods app in (ok,b@d) reaches any", "b@d", "invalid label value");
    parse_err(p, "pods app notin (ok,-bad) reaches any", "-bad", "invalid label value");
    parse_err(p, "pods !-app reaches any", "-app", "invalid label key");
    parse_err(p, "pods app=x in namespaces -team=y reaches any", "-team", "invalid label key");
    parse_err(p, "namespaces team=b_ reaches any", "b_", "invalid label value");
    /* 63 characters is the longest name */
    snprintf(text, sizeof(text), "pods %s=x reaches any",
             "k234567890123456789012345678901234567890123456789012345678901234");
    parse_err(p, text, "k2", "63 characters");
    snprintf(text, sizeof(text), "pods app=%s reaches any",
             "v234567890123456789012345678901234567890123456789012345678901234");
    parse_err(p, text, "v2", "63 characters");
    snprintf(text, sizeof(text), "pods %s=%s reaches any",
             "k23456789012345678901234567890123456789012345678901234567890123",
             "v23456789012345678901234567890123456789012345678901234567890123");
    parse_ok(p, text);
}

/* Each claim reports one error, and parsing stops at it: nothing else is recorded. */
static void test_error_count(void **state)
{
    struct pctx *p = *state;
    static const char *const bad[] = {
        "web reachs db",
        "pods -x=1 reaches web on 0",
        "cidr 1.2.3.4/99 cannot reach cidr fd00::/8 on 0",
        "only web cannot reach db on foo/1 extra",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(nv_claim_parse(&p->c, bad[i], base_loc(), p->m, &p->d), -1);
    assert_int_equal(p->d.nerr, 4);
    assert_int_equal(p->d.n, 4);
    assert_int_equal(p->d.nwarn, 0);
    for (i = 0; i < p->d.n; i++)
        assert_int_equal(p->d.items[i].code, NV_E_VALUE);
}

/* ====================================================================== */
/* Resolution against a model                                               */
/* ====================================================================== */

static const char k_cluster[] =
    "kind: Namespace\n"
    "metadata: {name: shop, labels: {team: shop, env: prod}}\n"
    "---\n"
    "kind: Namespace\n"
    "metadata: {name: ops, labels: {team: ops}}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: web, tier: front}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web, tier: front}}\n"
    "    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: api, namespace: shop}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: api, tier: back}}\n"
    "  template:\n"
    "    metadata: {labels: {app: api, tier: back}}\n"
    "    spec: {containers: [{name: c, ports: [{name: api, containerPort: 9000}]}]}\n"
    "---\n"
    "kind: StatefulSet\n"
    "metadata: {name: db, namespace: shop}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: db, tier: back}}\n"
    "  template:\n"
    "    metadata: {labels: {app: db, tier: back}}\n"
    "    spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Pod\n"
    "metadata: {name: toolbox, namespace: ops, labels: {app: toolbox, legacy: 'yes'}}\n"
    "spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Deployment\n"
    "metadata: {name: web, namespace: ops}\n"
    "spec:\n"
    "  selector: {matchLabels: {app: web}}\n"
    "  template:\n"
    "    metadata: {labels: {app: web}}\n"
    "    spec: {containers: [{name: c}]}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: api-svc, namespace: shop}\n"
    "spec:\n"
    "  selector: {app: api}\n"
    "  ports:\n"
    "  - {name: http, port: 80, targetPort: api}\n"
    "  - {name: raw, port: 81, targetPort: 9000}\n"
    "  - {name: dns, port: 53, protocol: UDP}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: nosel, namespace: shop}\n"
    "spec: {ports: [{port: 80}]}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: ghost, namespace: shop}\n"
    "spec: {selector: {app: ghost}, ports: [{port: 80}]}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: noports, namespace: shop}\n"
    "spec: {selector: {tier: back}}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: typo, namespace: shop}\n"
    "spec:\n"
    "  selector: {tier: back}\n"
    "  ports:\n"
    "  - {name: http, port: 80, targetPort: htpp}\n"
    "  - {name: api, port: 81, targetPort: api}\n"
    "  - {name: udp, port: 82, targetPort: api, protocol: UDP}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: empty, namespace: shop}\n"
    "spec: {selector: {}, ports: [{port: 80}]}\n"
    "---\n"
    "kind: Service\n"
    "metadata: {name: ext, namespace: shop}\n"
    "spec: {type: ExternalName, externalName: db.example, selector: {app: db}}\n"
    "---\n"
    "kind: NetworkPolicy\n"
    "metadata: {name: db, namespace: shop}\n"
    "spec:\n"
    "  podSelector: {matchLabels: {app: db}}\n"
    "  ingress:\n"
    "  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n";

struct rctx {
    struct nv_model *m;
    struct nv_diags d;
    struct nv_claims c;
    int load_rc, resolve_rc;
};

/* Load k_cluster and a claims file, finish the model and resolve, as 'netverify check' does. */
static void resolve(struct rctx *r, const char *cluster, const char *claims)
{
    struct nv_load_opts o;
    struct nv_profile p;
    char *paths[1];

    memset(r, 0, sizeof(*r));
    write_file(g_cluster, cluster);
    write_file(g_claims, claims);
    nv_load_opts_default(&o);
    /* both families chosen: finishing adds no note that the input names no IPv6 */
    nv_profile_init(&p);
    p.families = NV_FAMILIES_ALL;
    o.profile = &p;
    paths[0] = g_cluster;
    nv_diags_init(&r->d);
    r->m = nv_load_unfinished(paths, 1, &o, &r->d);
    if (!r->m || r->d.nerr) {
        dump_diags(&r->d);
        fail_msg("the cluster does not load");
    }
    r->load_rc = nv_claims_load(&r->c, g_claims, r->m, &r->d);
    r->resolve_rc = -2;
    if (r->load_rc == 0) {
        assert_int_equal(nv_model_finish(r->m, &r->d), 0);
        r->resolve_rc = nv_claims_resolve(&r->c, r->m, &r->d);
    }
}

static void rctx_release(struct rctx *r)
{
    nv_claims_release(&r->c);
    nv_model_free(r->m);
    nv_diags_release(&r->d);
}

/* The one diagnostic on 'line'; its column and message are checked. */
static void expect_diag(const struct nv_diags *d, unsigned line, unsigned col, const char *msg)
{
    size_t i, hits = 0;
    const struct nv_diag *dg = NULL;

    for (i = 0; i < d->n; i++)
        if (d->items[i].loc.line == line) {
            hits++;
            dg = &d->items[i];
        }
    if (hits != 1) {
        dump_diags(d);
        fail_msg("%zu diagnostics on line %u, want 1 ('%s')", hits, line, msg);
    }
    if (dg->loc.col != col || !strstr(dg->msg, msg) || dg->sev != NV_SEV_ERROR) {
        dump_diags(d);
        fail_msg("line %u: got col %u '%s', want col %u '...%s...'", line, dg->loc.col, dg->msg,
                 col, msg);
    }
    assert_non_null(dg->loc.file);
    assert_non_null(strstr(dg->loc.file, "claims.yaml"));
}

static void test_resolve_errors(void **state)
{
    struct rctx r;

    (void)state;
    /* line numbers: line 1 is 'claims:', claim k is on line k + 1; plain items start at col 5 */
    resolve(&r, k_cluster,
            "claims:\n"
            "  - pods app=typo reaches any\n"                          /* 2 */
            "  - any cannot reach pods app=web in namespace ops\n"     /* 3: fine */
            "  - namespace nope cannot reach any\n"                    /* 4 */
            "  - pods app=web in namespace nope reaches any\n"         /* 5 */
            "  - nope reaches any\n"                                   /* 6 */
            "  - web reaches shop/api\n"                               /* 7: two workloads 'web' */
            "  - shop/api reaches ops/nope\n"                          /* 8 */
            "  - svc shop/nope reaches any\n"                          /* 9 */
            "  - any reaches svc shop/nosel\n"                         /* 10 */
            "  - cidr 10.0.0.0/8 is isolated\n"                        /* 11 */
            "  - namespaces team=nobody reaches any\n"                 /* 12 */
            "  - svc shop/ghost cannot reach any\n"                    /* 13 */
            "  - any reaches svc shop/api-svc on udp/80\n"             /* 14 */
            "  - any reaches svc shop/noports\n"                       /* 15 */
            "  - pods app=web in namespaces team=nobody reaches any\n" /* 16 */
            "  - pods app=web,app=api reaches any\n"                   /* 17 */
            "  - \"any cannot reach pods app=typo\"\n"                 /* 18: quoted, col 6 */
            "  - name: named\n"
            "    claim: shop/api cannot reach nope\n"                  /* 20: col 12 */
            "  - pods app=api is isolated\n"                           /* 21: fine */
            "  - cidr 10.0.0.0/8 except 10.0.0.0/8 cannot reach any\n" /* 22 */
    );
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.c.n, 20);
    assert_int_equal(r.resolve_rc, -1);
    expect_diag(&r.d, 2, 5, "'pods app=typo' matches nothing");
    expect_diag(&r.d, 4, 5, "'namespace nope': no namespace 'nope' in the manifests");
    expect_diag(&r.d, 5, 5,
                "'pods app=web in namespace nope': no namespace 'nope' in the manifests");
    expect_diag(&r.d, 6, 5, "'nope': no workload by that name in the manifests");
    expect_diag(&r.d, 7, 5,
                "'web' names 2 workloads (ops/web[Deployment], shop/web[Deployment]); write "
                "NAMESPACE/NAME");
    expect_diag(&r.d, 8, 5 + 17, "'ops/nope': no workload by that name in the manifests");
    expect_diag(&r.d, 9, 5, "'svc shop/nope': no Service by that name in the manifests");
    expect_diag(&r.d, 10, 5 + 12, "has no selector: the EndpointSlice controller picks no pod");
    expect_diag(&r.d, 11, 5, "'cidr 10.0.0.0/8' holds no workload: only workloads can be isolated");
    expect_diag(&r.d, 12, 5, "'namespaces team=nobody' matches nothing");
    expect_diag(&r.d, 13, 5, "'svc shop/ghost' matches nothing");
    expect_diag(&r.d, 14, 5 + 32,
                "Service 'shop/api-svc' has no port UDP 80 (its ports: 80 (http), 81 (raw), "
                "53/UDP (dns))");
    expect_diag(&r.d, 15, 5 + 12, "Service 'shop/noports' has no ports");
    expect_diag(&r.d, 16, 5, "matches nothing");
    expect_diag(&r.d, 17, 5, "'pods app=web,app=api' matches nothing");
    expect_diag(&r.d, 18, 6 + 17, "'pods app=typo' matches nothing");
    expect_diag(&r.d, 20, 12 + 22, "'nope': no workload by that name in the manifests");
    expect_diag(&r.d, 22, 5, "'cidr 10.0.0.0/8 except 10.0.0.0/8' matches nothing");
    /* exactly the errors above, nothing for lines 3 and 21 */
    assert_int_equal(r.d.nerr, 18);
    assert_int_equal(r.d.n, 18);
    rctx_release(&r);
}

/* The diagnostics (any number) on 'line' of file 'file' whose message holds 'msg'. */
static size_t count_diags(const struct nv_diags *d, const char *file, unsigned line, unsigned col,
                          const char *msg)
{
    size_t i, n = 0;

    for (i = 0; i < d->n; i++)
        n += d->items[i].sev == NV_SEV_ERROR && d->items[i].loc.line == line &&
             d->items[i].loc.col == col && strstr(d->items[i].msg, msg) &&
             strstr(d->items[i].loc.file, file);
    return n;
}

/*
 * Services as the EndpointSlice controller resolves them: a Service port
 * whose named targetPort no selected pod declares has no endpoint, and a
 * claim that uses it is an error at the claim and at the Service port; a
 * Service whose endpoints are managed elsewhere cannot be named.
 */
static void test_resolve_services(void **state)
{
    struct rctx r;

    (void)state;
    resolve(&r, k_cluster,
            "claims:\n"
            "  - shop/web reaches svc shop/typo\n"                 /* 2: port 80 has no endpoint */
            "  - shop/web cannot reach svc shop/typo on http\n"    /* 3: the same, picked by name */
            "  - shop/web cannot reach svc shop/typo on 80\n"      /* 4: by number */
            "  - shop/web cannot reach svc shop/typo on api\n"     /* 5: fine: api declares 'api' */
            "  - shop/web cannot reach svc shop/typo on udp/82\n"  /* 6: 'api' is TCP only */
            "  - shop/web reaches svc shop/empty\n"                /* 7 */
            "  - svc shop/ext cannot reach any\n"                  /* 8 */
            "  - shop/web reaches svc shop/api-svc on nope\n"      /* 9 */
            "  - shop/web reaches svc shop/api-svc on dns, 82\n"   /* 10: 82 is no port */
            "  - shop/web reaches svc shop/api-svc on dns, http\n" /* 11: fine */
            "  - svc shop/typo cannot reach shop/web\n"            /* 12: a source: its pods */
    );
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.resolve_rc, -1);
    /* without 'on', every Service port: both broken ones are reported at the claim */
    assert_int_equal(count_diags(&r.d, "claims.yaml", 2, 5 + 17,
                                 "Service port 80 (http) of 'shop/typo' has no endpoint: its "
                                 "targetPort 'htpp' matches no container port of the 2 pods the "
                                 "Service selects"),
                     1);
    assert_int_equal(count_diags(&r.d, "claims.yaml", 2, 5 + 17,
                                 "Service port 82/UDP (udp) of 'shop/typo' has no endpoint: its "
                                 "targetPort 'api' matches no container port of the 2 pods the "
                                 "Service selects (the name is declared for TCP, the Service port "
                                 "is UDP)"),
                     1);
    expect_diag(&r.d, 3, 5 + 39, "Service port 80 (http) of 'shop/typo' has no endpoint");
    expect_diag(&r.d, 4, 5 + 39, "Service port 80 (http) of 'shop/typo' has no endpoint");
    expect_diag(&r.d, 6, 5 + 39, "Service port 82/UDP (udp) of 'shop/typo' has no endpoint");
    expect_diag(&r.d, 7, 5 + 17, "Service 'shop/empty' (");
    expect_diag(&r.d, 7, 5 + 17,
                "has an empty selector: the EndpointSlice controller picks no pod for it (its "
                "endpoints are managed elsewhere), so a claim cannot name it");
    expect_diag(&r.d, 8, 5, "is of type ExternalName: it is a DNS alias, its selector is ignored");
    expect_diag(&r.d, 9, 5 + 37,
                "Service 'shop/api-svc' has no port named 'nope' (its ports: 80 (http), 81 (raw), "
                "53/UDP (dns))");
    expect_diag(&r.d, 10, 5 + 42, "Service 'shop/api-svc' has no port TCP 82");
    /* the Service port is reported once, where its targetPort is, however many claims use it */
    assert_int_equal(count_diags(&r.d, "cluster.yaml", 69, 40,
                                 "targetPort 'htpp' matches no container port of the 2 pods the "
                                 "Service selects"),
                     1);
    assert_int_equal(count_diags(&r.d, "cluster.yaml", 71, 39, "targetPort 'api' matches no"), 1);
    assert_int_equal(r.d.nerr, 11);
    assert_int_equal(r.d.n, 11);
    rctx_release(&r);

    /* the near cases alone resolve, each Service port to its target port */
    resolve(&r, k_cluster,
            "claims:\n"
            "  - shop/web cannot reach svc shop/typo on api\n"
            "  - shop/web reaches svc shop/api-svc on dns, http\n"
            "  - svc shop/typo cannot reach shop/web\n");
    assert_int_equal(r.resolve_rc, 0);
    assert_int_equal(r.d.n, 0);
    {
        const struct nv_claim *c = &r.c.items[0];
        struct nv_end api, db;
        long wa = nv_model_find_workload(r.m, "shop/api"),
             wd = nv_model_find_workload(r.m, "shop/db");
        assert_int_equal(c->nports, 1);
        assert_string_equal(c->ports[0].name, "api");
        /* pod by pod: the Service's target resolves on api (9000), on db to nothing */
        memset(&api, 0, sizeof(api));
        memset(&db, 0, sizeof(db));
        api.cls = r.m->pods[r.m->workloads[wa].pods[0]].cls;
        db.cls = r.m->pods[r.m->workloads[wd].pods[0]].cls;
        /* db declares no 'api': it receives nothing through the Service, so it is no
         * endpoint and not in the destination set */
        assert_true(c->b.cls[api.cls] && !c->b.cls[db.cls]);
        assert_int_equal(nv_claim_ports_to(r.m, c, &api),
                         nv_ports_range(r.m->ports, NV_PROTO_TCP, 9000, 9000));
        assert_int_equal(nv_claim_ports_to(r.m, c, &db), NV_PORTS_NONE);
        c = &r.c.items[1];
        assert_int_equal(c->nports, 2);
        assert_string_equal(c->ports[0].name, "api");
        assert_null(c->ports[1].name);
        assert_int_equal(c->ports[1].proto, NV_PROTO_UDP);
        assert_int_equal(c->ports[1].port, 53);
        /* a Service as the source is its pods; its ports play no part */
        c = &r.c.items[2];
        assert_int_equal(c->a.ncls, 2);
        assert_int_equal(c->nports, 0);
    }
    rctx_release(&r);
}

/* Every pod's class and every atom is in the resolved set iff the oracle says so. */
static void check_members(const struct nv_model *m, const struct nv_set *s)
{
    size_t i, ncls = 0, natoms = 0;

    assert_non_null(s->cls);
    assert_non_null(s->atoms);
    for (i = 0; i < m->npods; i++)
        if ((s->cls[m->pods[i].cls] != 0) != o_pod_in(m, s, &m->pods[i]))
            fail_msg("set '%s': pod %s/%s is %s", s->text, m->ns[m->pods[i].ns].name,
                     m->pods[i].name, s->cls[m->pods[i].cls] ? "in" : "out");
    for (i = 0; i < m->atoms.n; i++) {
        struct nv_iprange r = nv_atoms_range(&m->atoms, i);
        /* atoms never straddle the claim's ranges: both ends agree */
        assert_int_equal(o_addr_in(s, &r.first), o_addr_in(s, &r.last));
        if ((s->atoms[i] != 0) != o_addr_in(s, &r.first))
            fail_msg("set '%s': atom %zu is %s", s->text, i, s->atoms[i] ? "in" : "out");
        natoms += s->atoms[i] != 0;
    }
    for (i = 0; i < m->nclasses; i++)
        ncls += s->cls[i] != 0;
    assert_int_equal(s->ncls, ncls);
    assert_int_equal(s->natoms, natoms);
}

/* NS/NAME[Kind] picks one of the workloads that share a name; without the kind it is an error. */
static void test_resolve_kinds(void **state)
{
    static const char cluster[] =
        "kind: Deployment\n"
        "metadata: {name: api, namespace: shop}\n"
        "spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}}}\n"
        "---\n"
        "kind: StatefulSet\n"
        "metadata: {name: api, namespace: shop}\n"
        "spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}}}\n"
        "---\n"
        "kind: Pod\n"
        "metadata: {name: api, namespace: ops, labels: {app: api}}\n";
    struct rctx r;
    long dep, sts;

    (void)state;
    resolve(&r, cluster,
            "claims:\n"
            "  - shop/api reaches any\n"                       /* 2: two kinds */
            "  - api[Deployment] reaches any\n"                /* 3: fine: one Deployment 'api' */
            "  - api reaches any\n"                            /* 4: three workloads */
            "  - shop/api[Job] reaches any\n"                  /* 5 */
            "  - shop/api[deployment] reaches any\n"           /* 6: kinds are case-sensitive */
            "  - ops/api[Pod] reaches shop/api[StatefulSet]\n" /* 7: fine */
            "  - api[Pod] cannot reach shop/api[Deployment]\n" /* 8: fine */
    );
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.resolve_rc, -1);
    expect_diag(&r.d, 2, 5,
                "'shop/api' names 2 workloads (shop/api[Deployment], shop/api[StatefulSet]); add "
                "the kind in brackets, as NAMESPACE/NAME[Kind]");
    expect_diag(&r.d, 4, 5,
                "'api' names 3 workloads (ops/api[Pod], shop/api[Deployment], "
                "shop/api[StatefulSet]); write NAMESPACE/NAME");
    expect_diag(&r.d, 5, 5,
                "'shop/api[Job]': no workload of kind Job by that name (there are "
                "shop/api[Deployment], shop/api[StatefulSet])");
    expect_diag(&r.d, 6, 5,
                "'shop/api[deployment]': no workload of kind deployment by that name (there are "
                "shop/api[Deployment], shop/api[StatefulSet]); did you mean "
                "'shop/api[Deployment]'?");
    assert_int_equal(r.d.n, 4);
    rctx_release(&r);

    resolve(&r, cluster,
            "claims:\n"
            "  - api[Deployment] reaches any\n"
            "  - ops/api[Pod] reaches shop/api[StatefulSet]\n"
            "  - api[Pod] cannot reach shop/api[Deployment]\n");
    assert_int_equal(r.resolve_rc, 0);
    dep = sts = -1;
    for (size_t i = 0; i < r.m->nworkloads; i++) {
        if (!strcmp(r.m->workloads[i].id, "shop/api") &&
            !strcmp(r.m->workloads[i].kind, "Deployment"))
            dep = (long)i;
        if (!strcmp(r.m->workloads[i].id, "shop/api") &&
            !strcmp(r.m->workloads[i].kind, "StatefulSet"))
            sts = (long)i;
    }
    assert_true(dep >= 0 && sts >= 0);
    /* each names its own workload's pods, in classes of their own */
    {
        uint32_t cd = r.m->pods[r.m->workloads[dep].pods[0]].cls;
        uint32_t cs = r.m->pods[r.m->workloads[sts].pods[0]].cls;
        assert_int_not_equal(cd, cs);
        assert_int_equal(r.c.items[0].a.ncls, 1);
        assert_true(r.c.items[0].a.cls[cd]);
        assert_int_equal(r.c.items[1].b.ncls, 1);
        assert_true(r.c.items[1].b.cls[cs]);
        assert_true(r.c.items[2].b.cls[cd]);
        check_members(r.m, &r.c.items[1].a);
        check_members(r.m, &r.c.items[1].b);
    }
    rctx_release(&r);
}

static const char k_good_claims[] =
    "claims:\n"
    "  - any reaches any\n"
    "  - pods app=web cannot reach pods app=db in namespace shop on tcp/5432\n"
    "  - pods tier in (front,back) reaches pods !tier in namespaces team=ops\n"
    "  - pods app notin (web) in namespaces kubernetes.io/metadata.name=shop is isolated\n"
    "  - namespace ops cannot reach namespace shop\n"
    "  - namespaces team,env!=dev reaches namespaces team=ops\n"
    "  - svc shop/api-svc reaches shop/db\n"
    "  - shop/web reaches svc shop/api-svc\n"
    "  - ops/web reaches svc shop/api-svc on tcp/81\n"
    "  - toolbox cannot reach cidr 10.0.0.0/8, 192.168.0.0/16 except 10.1.0.0/16, 10.2.3.4/32\n"
    "  - cidr 0.0.0.0/0 except 10.0.0.0/8 reaches db on 80\n"
    "  - only pods app=api reaches db is isolated\n";

static void test_resolve_members(void **state)
{
    struct rctx r;
    size_t i;

    (void)state;
    /* the last claim is a parse error: "only ... reaches db is isolated" */
    resolve(&r, k_cluster, k_good_claims);
    assert_int_equal(r.load_rc, -1);
    assert_int_equal(r.d.nerr, 1);
    expect_diag(&r.d, 13, 5 + 29, "unexpected words");
    rctx_release(&r);

    {
        char *text = strdup(k_good_claims);
        assert_non_null(text);
        *strstr(text, "  - only pods app=api reaches db is isolated\n") = '\0';
        resolve(&r, k_cluster, text);
        free(text);
    }
    if (r.resolve_rc != 0)
        dump_diags(&r.d);
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.resolve_rc, 0);
    assert_int_equal(r.d.n, 0);
    assert_int_equal(r.c.n, 11);
    for (i = 0; i < r.c.n; i++) {
        const struct nv_claim *c = &r.c.items[i];
        assert_int_equal(c->loc.line, i + 2);
        assert_int_equal(c->loc.col, 5);
        check_members(r.m, &c->a);
        if (c->kind != NV_CLAIM_ISOLATED)
            check_members(r.m, &c->b);
    }
    /* any: every class and every atom */
    assert_int_equal(r.c.items[0].a.ncls, r.m->nclasses);
    assert_int_equal(r.c.items[0].a.natoms, r.m->atoms.n);
    /* pods and namespaces sets hold no addresses, cidr sets no pods */
    assert_int_equal(r.c.items[1].a.natoms, 0);
    assert_int_equal(r.c.items[9].b.ncls, 0);
    assert_true(r.c.items[9].b.natoms > 0);
    /* a named workload gets a class of its own: shop/web is the only pod of its class */
    {
        const struct nv_set *s = &r.c.items[7].a;
        long w = nv_model_find_workload(r.m, "shop/web");
        assert_true(w >= 0);
        assert_int_equal(s->ncls, 1);
        assert_int_equal(r.m->classes[r.m->pods[r.m->workloads[w].pods[0]].cls].ident, w);
    }
    /* a Service as destination: its target ports, named or numeric, become the claim's ports */
    {
        const struct nv_claim *c = &r.c.items[7];
        assert_int_equal(c->b.kind, NV_SET_SVC);
        assert_non_null(c->b.svc);
        assert_int_equal(c->has_on, 1);
        assert_int_equal(c->nports, 3);
        assert_string_equal(c->ports[0].name, "api");
        assert_int_equal(c->ports[0].proto, NV_PROTO_TCP);
        assert_null(c->ports[1].name);
        assert_int_equal(c->ports[1].proto, NV_PROTO_TCP);
        assert_int_equal(c->ports[1].port, 9000);
        assert_int_equal(c->ports[1].end, 9000);
        assert_null(c->ports[2].name);
        assert_int_equal(c->ports[2].proto, NV_PROTO_UDP);
        assert_int_equal(c->ports[2].port, 53);
        /* 'on' picks Service ports (81), not target ports */
        c = &r.c.items[8];
        assert_int_equal(c->nports, 1);
        assert_null(c->ports[0].name);
        assert_int_equal(c->ports[0].port, 9000);
        /* a Service as source keeps the claim's ports (none here) */
        c = &r.c.items[6];
        assert_int_equal(c->a.kind, NV_SET_SVC);
        assert_int_equal(c->nports, 0);
        assert_int_equal(c->has_on, 0);
    }
    rctx_release(&r);
}

/* ====================================================================== */
/* Claims files                                                             */
/* ====================================================================== */

static const char k_small_cluster[] = "kind: Pod\n"
                                      "metadata: {name: web, namespace: shop, labels: {app: web}}\n"
                                      "spec: {containers: [{name: c}]}\n"
                                      "---\n"
                                      "kind: Pod\n"
                                      "metadata: {name: db, namespace: shop, labels: {app: db}}\n"
                                      "spec: {containers: [{name: c}]}\n";

static void test_file_forms(void **state)
{
    struct rctx r;

    (void)state;
    resolve(&r, k_small_cluster,
            "# a comment\n"
            "claims:\n"
            "  - web reaches db\n"
            "  - name: db is private\n"
            "    claim: only web reaches db on tcp/5432\n"
            "  - claim: \"db cannot reach web\"\n"
            "    name: reverse\n"
            "  - 'web is isolated'\n"
            "  - {name: flow, claim: web reaches db on 80}\n"
            "  -   pods app=db   reaches   any\n");
    if (r.d.n)
        dump_diags(&r.d);
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.resolve_rc, 0);
    assert_int_equal(r.c.n, 6);
    assert_non_null(strstr(r.c.file, "claims.yaml"));

    assert_null(r.c.items[0].name);
    assert_string_equal(r.c.items[0].text, "web reaches db");
    assert_int_equal(r.c.items[0].loc.line, 3);
    assert_int_equal(r.c.items[0].loc.col, 5);
    assert_non_null(strstr(r.c.items[0].loc.file, "claims.yaml"));

    assert_string_equal(r.c.items[1].name, "db is private");
    assert_string_equal(r.c.items[1].text, "only web reaches db on tcp/5432");
    assert_int_equal(r.c.items[1].only, 1);
    assert_int_equal(r.c.items[1].loc.line, 5);
    assert_int_equal(r.c.items[1].loc.col, 12);

    /* quoted: the text starts after the quote */
    assert_string_equal(r.c.items[2].name, "reverse");
    assert_string_equal(r.c.items[2].text, "db cannot reach web");
    assert_int_equal(r.c.items[2].loc.line, 6);
    assert_int_equal(r.c.items[2].loc.col, 13);

    assert_null(r.c.items[3].name);
    assert_int_equal(r.c.items[3].kind, NV_CLAIM_ISOLATED);
    assert_int_equal(r.c.items[3].loc.line, 8);
    assert_int_equal(r.c.items[3].loc.col, 6);

    assert_string_equal(r.c.items[4].name, "flow");
    assert_int_equal(r.c.items[4].loc.line, 9);
    assert_int_equal(r.c.items[4].loc.col, 25);

    assert_int_equal(r.c.items[5].loc.line, 10);
    assert_int_equal(r.c.items[5].loc.col, 7);
    assert_string_equal(r.c.items[5].a.text, "pods app=db");
    assert_int_equal(r.c.items[5].a.loc.col, 7);
    assert_int_equal(r.c.items[5].b.loc.col, 7 + 24);
    rctx_release(&r);
}

/* Errors in claims files: each with its position; the claims file is refused. */
static void test_file_errors(void **state)
{
    struct rctx r;

    (void)state;
    resolve(&r, k_small_cluster, "foo: []\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 1, "a claims file needs a 'claims:' list");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "- web reaches db\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 1, "a claims file needs a 'claims:' list");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "claims: web reaches db\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 9, "'claims' must be a list");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "claims: {a: web reaches db}\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 9, "'claims' must be a list");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "claims: []\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 9, "the claims list is empty");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "claims:\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 1, 8, "'claims' must be a list");
    rctx_release(&r);

    resolve(&r, k_small_cluster, "");
    assert_int_equal(r.load_rc, -1);
    assert_int_equal(r.d.nerr, 1);
    assert_non_null(strstr(r.d.items[0].msg, "the claims file is empty"));
    rctx_release(&r);

    resolve(&r, k_small_cluster,
            "claims:\n"
            "  - [web, reaches, db]\n"                  /* 2 */
            "  - ~\n"                                   /* 3 */
            "  - {name: x}\n"                           /* 4 */
            "  - {claim: web reaches db, color: red}\n" /* 5 */
            "  - {name: [a], claim: web reaches db}\n"  /* 6 */
            "  - {claim: {web: db}}\n"                  /* 7 */
            "  - web reachs db\n"                       /* 8 */
            "  - {name: ok, claim: web reaches db}\n"   /* 9 */
            "  -\n"                                     /* 10 */
            "  - {claim: ~}\n");                        /* 11 */
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 2, 5, "a claim must be a string");
    expect_diag(&r.d, 3, 5, "a claim must be a string");
    expect_diag(&r.d, 4, 5, "claim has no 'claim' text");
    expect_diag(&r.d, 5, 29,
                "unknown field 'color' in a claim (expected name, claim, expect, reason or issue)");
    expect_diag(&r.d, 6, 12, "a claim's 'name' must be a string");
    expect_diag(&r.d, 7, 13, "a claim must be a string");
    expect_diag(&r.d, 8, 9,
                "invalid claim: expected 'reaches', 'cannot reach' or 'is isolated' "
                "at 'reachs'");
    expect_diag(&r.d, 11, 13, "a claim must be a string");
    assert_int_equal(r.d.nerr, 9);
    /* the good ones are kept: 5 (with its unknown field) and 9 */
    assert_int_equal(r.c.n, 2);
    rctx_release(&r);

    /* two documents */
    resolve(&r, k_small_cluster, "claims: [web reaches db]\n---\nclaims: [db reaches web]\n");
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 3, 1, "a claims file holds one YAML document");
    rctx_release(&r);

    /* not YAML */
    resolve(&r, k_small_cluster, "claims: [web reaches db\n");
    assert_int_equal(r.load_rc, -1);
    assert_true(r.d.nerr >= 1);
    assert_int_equal(r.d.items[0].code, NV_E_YAML);
    rctx_release(&r);
}

/* 'expect: refuted' with its reason and issue; the near cases that are errors. */
static void test_expect_refuted(void **state)
{
    struct rctx r;

    (void)state;
    resolve(&r, k_small_cluster,
            "claims:\n"
            "  - web reaches db\n"
            "  - {claim: db reaches web, expect: refuted, reason: legacy, issue: 'https://x/1'}\n"
            "  - {claim: web reaches db, expect: refuted, reason: later}\n");
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.c.n, 3);
    assert_false(r.c.items[0].expect_refuted);
    assert_true(r.c.items[1].expect_refuted);
    assert_string_equal(r.c.items[1].reason, "legacy");
    assert_string_equal(r.c.items[1].issue, "https://x/1");
    assert_int_equal(r.c.items[1].expect_loc.line, 3);
    assert_int_equal(r.c.items[1].expect_loc.col, 37);
    assert_true(r.c.items[2].expect_refuted);
    assert_null(r.c.items[2].issue);
    rctx_release(&r);

    resolve(&r, k_small_cluster,
            "claims:\n"
            "  - {claim: web reaches db, expect: refuted}\n"                /* 2: no reason */
            "  - {claim: web reaches db, expect: holds, reason: x}\n"       /* 3 */
            "  - {claim: web reaches db, reason: x}\n"                      /* 4 */
            "  - {claim: web reaches db, issue: x}\n"                       /* 5 */
            "  - {claim: web reaches db, expect: refuted, reason: ''}\n"    /* 6 */
            "  - {claim: web reaches db, expect: [refuted], reason: x}\n"); /* 7 */
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 2, 37, "'expect: refuted' needs a 'reason'");
    expect_diag(&r.d, 3, 37, "'expect' must be 'refuted', not 'holds'");
    expect_diag(&r.d, 4, 37, "'reason' without 'expect: refuted'");
    expect_diag(&r.d, 5, 36, "'issue' without 'expect: refuted'");
    expect_diag(&r.d, 6, 54, "a claim's 'reason' must be a non-empty string");
    expect_diag(&r.d, 7, 37, "a claim's 'expect' must be a non-empty string");
    assert_int_equal(r.d.nerr, 6);
    rctx_release(&r);
}

static void test_file_missing(void **state)
{
    struct nv_model *m = nv_model_new();
    struct nv_diags d;
    struct nv_claims c;
    char path[200];

    (void)state;
    nv_diags_init(&d);
    snprintf(path, sizeof(path), "%s/no-such-claims.yaml", g_dir);
    assert_int_equal(nv_claims_load(&c, path, m, &d), -1);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, NV_E_IO);
    assert_non_null(strstr(d.items[0].msg, "cannot open the claims file"));
    assert_int_equal(c.n, 0);
    nv_claims_release(&c);
    nv_diags_release(&d);
    nv_model_free(m);
}

/* The one error nv_claims_load() records for 'path', which must contain 'msg'. */
static void expect_file_error(const char *path, enum nv_code code, const char *msg)
{
    struct nv_model *m = nv_model_new();
    struct nv_diags d;
    struct nv_claims c;

    nv_diags_init(&d);
    assert_int_equal(nv_claims_load(&c, path, m, &d), -1);
    assert_int_equal(d.nerr, 1);
    assert_int_equal(d.items[0].code, code);
    if (!strstr(d.items[0].msg, msg))
        fail_msg("'%s': expected '%s' in '%s'", path, msg, d.items[0].msg);
    assert_int_equal(c.n, 0);
    nv_claims_release(&c);
    nv_diags_release(&d);
    nv_model_free(m);
}

/*
 * Only a regular file is a claims file, and only its first 16 MiB are read:
 * a directory, a device or a FIFO is refused by what it is (a FIFO without
 * waiting for a writer), a read error says what failed.
 */
static void test_file_not_regular(void **state)
{
    char path[200];
    FILE *fp;
    size_t i;

    (void)state;
    expect_file_error(g_dir, NV_E_IO, "the claims file is a directory, not a regular file");
    expect_file_error("/dev/null", NV_E_IO, "the claims file is a character device");
    snprintf(path, sizeof(path), "%s/fifo.yaml", g_dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_file_error(path, NV_E_IO, "the claims file is a FIFO (named pipe)");
    unlink(path);
    if (access("/proc/self/mem", R_OK) == 0)
        expect_file_error("/proc/self/mem", NV_E_IO, "cannot read the claims file: ");
    /* one byte over the limit */
    snprintf(path, sizeof(path), "%s/big.yaml", g_dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("claims: [web reaches db]\n", fp);
    for (i = strlen("claims: [web reaches db]\n"); i < NV_CLAIMS_MAX_BYTES + 1; i++)
        fputc('#', fp);
    assert_int_equal(fclose(fp), 0);
    expect_file_error(path, NV_E_LIMIT, "claims file is larger than 16777216 bytes");
    unlink(path);
}

/* At most --max-claims claims, aliases counted: refused before any claim is parsed. */
static void test_file_max_claims(void **state)
{
    struct rctx r;
    struct nv_buf b;
    size_t i;

    (void)state;
    nv_buf_init(&b, 0);
    nv_buf_puts(&b, "claims:\n- &c web reaches db\n");
    for (i = 1; i < NV_CLAIMS_MAX_DEFAULT; i++)
        nv_buf_puts(&b, "- *c\n");
    resolve(&r, k_small_cluster, nv_buf_str(&b));
    assert_int_equal(r.load_rc, 0);
    assert_int_equal(r.c.n, NV_CLAIMS_MAX_DEFAULT);
    rctx_release(&r);
    nv_buf_puts(&b, "- *c\n");
    resolve(&r, k_small_cluster, nv_buf_str(&b));
    assert_int_equal(r.load_rc, -1);
    expect_diag(&r.d, 2, 1, "more than 10000 claims, counting what aliases repeat");
    assert_int_equal(r.c.n, 0);
    rctx_release(&r);
    nv_buf_release(&b);
}

/*
 * Every bad claim of a file is reported (not just the first), at the line
 * and column of its bad token.
 */
static void test_file_parse_positions(void **state)
{
    struct rctx r;

    (void)state;
    resolve(&r, k_small_cluster,
            "claims:\n"
            "  - web reaches db on tcp/70000\n"
            "  - name: quoted\n"
            "    claim: \"web reachs db\"\n"
            "  - only web cannot reach db\n"
            "  - 'cidr 10.0.0.0/33 cannot reach web'\n"
            "  - {name: n, claim: web reaches db on udp/0}\n"
            "  - web reaches db\n");
    assert_int_equal(r.load_rc, -1);
    assert_int_equal(r.d.nerr, 5);
    expect_diag(&r.d, 2, 5 + 18, "port must be a number in 1-65535 at 'tcp/70000'");
    expect_diag(&r.d, 4, 13 + 4, "at 'reachs'");
    expect_diag(&r.d, 5, 5, "'only' applies to 'reaches' at 'only'");
    expect_diag(&r.d, 6, 6 + 5, "prefix length must be 0-32");
    expect_diag(&r.d, 7, 22 + 18, "at 'udp/0'");
    assert_int_equal(r.c.n, 1);
    rctx_release(&r);
}

/* The first diagnostic of a claims file, copied out so that the file can be released first. */
struct first_diag {
    int load_rc;
    size_t nerr;
    unsigned line, col;
    char msg[512];
};

static void load_first_diag(const char *claims, struct first_diag *f)
{
    struct rctx r;

    resolve(&r, k_small_cluster, claims);
    memset(f, 0, sizeof(*f));
    f->load_rc = r.load_rc;
    f->nerr = r.d.nerr;
    if (r.d.n) {
        f->line = r.d.items[0].loc.line;
        f->col = r.d.items[0].loc.col;
        snprintf(f->msg, sizeof(f->msg), "%s", r.d.items[0].msg);
    }
    rctx_release(&r);
}

/*
 * Regression (bug found by this test, fixed in 7c6f542): a claim written as
 * a YAML block scalar ('|' or '>') was located at the indicator, with the
 * column moved one to the right as for a quote, though its text starts on
 * the next line: for "  - >-\n    web reachs db\n" the error was reported at
 * 2:10 instead of 3:9 ('reachs').
 */
static void test_file_block_scalar_position(void **state)
{
    struct first_diag f;

    (void)state;
    load_first_diag("claims:\n"
                    "  - >-\n"
                    "    web reachs db\n",
                    &f);
    assert_int_equal(f.load_rc, -1);
    assert_int_equal(f.nerr, 1);
    assert_non_null(strstr(f.msg, "at 'reachs'"));
    if (f.line != 3 || f.col != 9)
        fail_msg("BUG: the error is at %u:%u, want 3:9 ('reachs' on the block scalar's line)",
                 f.line, f.col);
}

/*
 * Regression (fixed in 7c6f542): the same for a plain scalar folded over two
 * lines: the column was the offset in the folded text added to the first
 * line's column. For "  - web reaches db on\n    tcp/70000\n" the error was
 * reported at 2:23 (past the end of line 2) instead of 3:5 ('tcp/70000').
 */
static void test_file_multiline_position(void **state)
{
    struct first_diag f;

    (void)state;
    load_first_diag("claims:\n"
                    "  - web reaches db on\n"
                    "    tcp/70000\n",
                    &f);
    assert_int_equal(f.load_rc, -1);
    assert_int_equal(f.nerr, 1);
    assert_non_null(strstr(f.msg, "at 'tcp/70000'"));
    if (f.line != 3 || f.col != 5)
        fail_msg("BUG: the error is at %u:%u, want 3:5 ('tcp/70000' on the second line)", f.line,
                 f.col);
}

/*
 * Regression: a multi-line claim was placed from libyaml's index of its
 * scalar, which counts characters, taken as a byte offset into the file; and
 * columns inside a claim counted bytes where libyaml's count characters. With
 * "café — naïve" in a comment above, the error of a folded claim's third line
 * was reported at 6:5 instead of 6:8. Each case: the file, the line and
 * column of its one error.
 */
static void test_file_position_utf8(void **state)
{
    static const struct {
        const char *claims;
        unsigned line, col;
    } cases[] = {
        /* characters of two and three bytes before the claim */
        {"# caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve\n"
         "claims:\n"
         "  - >-\n"
         "    web reaches db\n"
         "    on tcp/70000\n",
         5, 8},
        /* the same after a byte-order mark, which libyaml does not count */
        {"\xef\xbb\xbf# caf\xc3\xa9 \xe2\x80\x94\n"
         "claims:\n"
         "  - >-\n"
         "    web reaches db\n"
         "    on tcp/70000\n",
         5, 8},
        /* CR LF line ends, each two characters for libyaml */
        {"# caf\xc3\xa9\r\n"
         "claims:\r\n"
         "  - web reaches db\r\n"
         "    on tcp/70000\r\n",
         4, 8},
        /* a character of two bytes inside the claim, before the error: quoted, folded */
        {"# \xc3\xa9\n"
         "claims:\n"
         "  - \"pods app=w\xc3\xa9"
         "b reaches\n"
         "    db\"\n",
         3, 15},
        /* and on one line */
        {"# \xc3\xa9\n"
         "claims:\n"
         "  - pods app=w\xc3\xa9"
         "b reaches db\n",
         3, 14},
    };
    struct first_diag f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        load_first_diag(cases[i].claims, &f);
        assert_int_equal(f.load_rc, -1);
        assert_int_equal(f.nerr, 1);
        if (f.line != cases[i].line || f.col != cases[i].col)
            fail_msg("case %zu: the error is at %u:%u, want %u:%u ('%s')", i, f.line, f.col,
                     cases[i].line, cases[i].col, f.msg);
    }
}

/*
 * Regression (fixed in 7c6f542): nv_parse_value_set() grew the values of
 * "key in (v1, v2, ...)" on the heap and moved them into the arena only when
 * the list was well formed; on an error after the first value ("pods app in
 * (a,b@d) reaches any": invalid value; "pods app in (a,b reaches any": no
 * ')') the list leaked (64 bytes per bad claim; LeakSanitizer: nv_grow from
 * nv_parse_value_set). Measured here with mallinfo2(): the heap in use must
 * come back to where it was once the model and the diagnostics are released
 * (under ASan, LeakSanitizer checks at exit instead).
 */
static void test_value_set_error_leak(void **state)
{
    static const char *const bad[] = {
        "pods app in (a,b@d) reaches any",
        "pods app in (a,b reaches any",
        "any cannot reach pods env notin (x,y,!) on 80",
    };
    struct nv_model *m;
    struct nv_diags d;
    struct nv_claim c;
    size_t i, k, n = 0;
    struct mallinfo2 before, after;
    long grown;

    (void)state;
    before = mallinfo2();
    m = nv_model_new();
    nv_diags_init(&d);
#if defined(__SANITIZE_ADDRESS__)
    k = 1; /* LeakSanitizer reports what is lost when the program ends */
#else
    k = 500;
#endif
    while (k--)
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++, n++)
            assert_int_equal(nv_claim_parse(&c, bad[i], base_loc(), m, &d), -1);
    assert_int_equal(d.nerr, n);
    nv_diags_release(&d);
    nv_model_free(m);
    after = mallinfo2();
    grown = (long)after.uordblks - (long)before.uordblks;
    (void)grown;
#if !defined(__SANITIZE_ADDRESS__)
    if (grown > 4096)
        fail_msg("BUG: %ld bytes of heap still in use after %zu bad claims were parsed and "
                 "everything was released (%.1f per claim)",
                 grown, n, (double)grown / (double)n);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_kinds, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_selector_syntax, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_in_disambiguation, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_ports, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_keywords_case, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_values, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_quoting, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_kind_refs, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_position, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_errors_words, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_parse_port_names, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_errors_ports, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_errors_cidr, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_errors_labels, pctx_setup, pctx_teardown),
        cmocka_unit_test_setup_teardown(test_error_count, pctx_setup, pctx_teardown),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_resolve_members),
        cmocka_unit_test(test_resolve_services),
        cmocka_unit_test(test_resolve_kinds),
        cmocka_unit_test(test_file_forms),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_expect_refuted),
        cmocka_unit_test(test_file_missing),
        cmocka_unit_test(test_file_not_regular),
        cmocka_unit_test(test_file_max_claims),
        cmocka_unit_test(test_file_parse_positions),
        cmocka_unit_test(test_file_block_scalar_position),
        cmocka_unit_test(test_file_multiline_position),
        cmocka_unit_test(test_file_position_utf8),
        cmocka_unit_test(test_value_set_error_leak),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
