/*
 * cmd_explain.c - 'netverify explain': why one flow is allowed or blocked.
 * For each direction: whether the deciding pod is isolated, every policy
 * that selects it, and for every rule of those policies whether it admits
 * the flow, and if not, which peer or port did not match, with positions.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netverify/buf.h"
#include "netverify/check.h"
#include "netverify/claim.h"
#include "netverify/endpoint.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/matrix.h"
#include "netverify/report.h"

static const char k_usage[] = "netverify explain PATH... --from EP --to EP [--port PROTO/PORT]";

static void nv_explain_help(void)
{
    printf("usage: %s\n\n", k_usage);
    fputs("Explain why the manifests under PATH allow or block the connections from one\n"
          "endpoint to another: for each direction (egress of the source, ingress of the\n"
          "destination), whether the pod is isolated, every NetworkPolicy that selects\n"
          "it, and every rule of those policies: whether it admits the flow, or which\n"
          "peer or port did not match. Every policy and rule comes with file:line:col.\n"
          "Pods that differ are explained pair by pair: the verdict is 'allowed' when\n"
          "every pair of two distinct pods is, 'blocked' when none is.\n\n"
          "Options:\n"
          "      --from EP         the source: a workload 'namespace/name' (add '[Kind]'\n"
          "                        when names are shared across kinds), or an IPv4 or IPv6\n"
          "                        address (10.1.2.3, 2001:db8::1); --from and --to may\n"
          "                        name one workload of several pods\n"
          "      --to EP           the destination, the same way, or a Service written\n"
          "                        'svc namespace/name': each of its ports is mapped to\n"
          "                        its targetPort on each pod it selects, and each of\n"
          "                        those flows is explained\n"
          "      --port P          one port: tcp/80, udp/53, sctp/9, 80 (TCP) or a named\n"
          "                        port of the destination (tcp/http, http), resolved on\n"
          "                        each destination pod; toward a Service, a Service\n"
          "                        port by number or name; without it every port (every\n"
          "                        Service port) is explained\n"
          "  -o, --output FILE     write the explanation to FILE instead of standard "
          "output\n" NV_CLI_INPUT_HELP "  -h, --help            show this help\n\n"
          "Example:\n"
          "  netverify explain cluster/ --from shop/web --to shop/api --port tcp/9000\n"
          "  netverify explain cluster/ --from shop/web --to 'svc shop/api' --port http\n\n"
          "Exit status: 0 explained (allowed or blocked), 2 usage or input error (such as\n"
          "an endpoint that names no workload), 3 internal error.\n",
          stdout);
}

/* One end as given on the command line, resolved in the model. */
struct nv_xend {
    const char *arg;
    int external;
    struct nv_ip ip;
    long wl;
    /* when set, only these pod groups of the workload (a Service's endpoints of one port) */
    const uint32_t *only;
    size_t nonly;
};

/* An end as the endpoint module resolved it (a Service is taken apart by nv_explain_svc). */
static void nv_xend_set(struct nv_xend *e, const struct nv_ep *ep)
{
    e->external = ep->form == NV_EP_ADDRESS;
    e->ip = ep->ip;
    e->wl = ep->form == NV_EP_WORKLOAD ? (long)ep->wl : -1;
}

/* --port: PROTO/NUMBER, NUMBER, PROTO/NAME or NAME (a named port of the destination). */
struct nv_xport {
    int given;
    enum nv_proto proto;
    unsigned port;
    const char *name; /* as given, when named */
};

static int nv_xport_parse(const char *arg, struct nv_xport *p)
{
    const char *slash = strchr(arg, '/'), *num = slash ? slash + 1 : arg;
    char *end;
    unsigned long v;

    p->given = 1;
    p->proto = NV_PROTO_TCP;
    p->name = NULL;
    if (slash) {
        char proto[8];
        int k;
        if ((size_t)(slash - arg) >= sizeof(proto))
            return -1;
        memcpy(proto, arg, (size_t)(slash - arg));
        proto[slash - arg] = 0;
        for (k = 0; proto[k]; k++)
            if (proto[k] >= 'a' && proto[k] <= 'z')
                proto[k] = (char)(proto[k] - 'a' + 'A');
        if ((k = nv_proto_parse(proto)) < 0)
            return -1;
        p->proto = (enum nv_proto)k;
    }
    if (!*num)
        return -1;
    errno = 0;
    v = strtoul(num, &end, 10);
    if (*num >= '0' && *num <= '9') {
        if (errno || *end || v < 1 || v > 65535)
            return -1;
        p->port = (unsigned)v;
        return 0;
    }
    p->name = num;
    return 0;
}

/* A named --port must name a container port of some destination pod. */
static int nv_xport_resolve(const struct nv_model *m, const struct nv_xend *dst, struct nv_xport *p,
                            int proto_given)
{
    const struct nv_workload *w;
    size_t i, k;

    if (!p->name)
        return 0;
    if (dst->external) {
        nv_escape_term_line(
            stderr, "netverify: --port '%s': a named port needs a workload destination", p->name);
        return -1;
    }
    w = &m->workloads[dst->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        for (k = 0; k < pod->nports; k++)
            if (!strcmp(pod->ports[k].name, p->name) &&
                (!proto_given || pod->ports[k].proto == p->proto)) {
                p->proto = pod->ports[k].proto; /* each pod resolves it again: nv_xend_groups */
                p->port = pod->ports[k].port;
                return 0;
            }
    }
    nv_escape_term_line(stderr,
                        "netverify: --port '%s': %s declares no container port of that name",
                        p->name, w->id);
    return -1;
}

/* A workload to itself is a flow between two of its pods: it needs two. */
static int nv_xself_check(const struct nv_model *m, const struct nv_xend *src,
                          const struct nv_xend *dst)
{
    const struct nv_workload *w;

    if (src->external || dst->external || src->wl != dst->wl)
        return 0;
    w = &m->workloads[src->wl];
    if (w->count >= 2)
        return 0;
    nv_escape_term_line(stderr,
                        "netverify: --from and --to name %s[%s], which runs one pod: a pod's "
                        "traffic to itself never counts",
                        w->id, w->kind);
    return -1;
}

struct nv_xctx {
    struct nv_model *m;
    struct nv_matrix *x; /* for what each combination of the plugin's behaviours allows */
    FILE *fp;
    struct nv_xport port;
    struct nv_buf b, line;
};

static void nv_put_xend(struct nv_buf *b, const struct nv_model *m, const struct nv_xend *e)
{
    char ip[NV_IP_BUFSZ];

    if (e->external)
        nv_buf_puts(b, nv_ip_format(&e->ip, ip));
    else
        nv_buf_printf(b, "%s[%s]", m->workloads[e->wl].id, m->workloads[e->wl].kind);
}

/* Why peer p does not match end e ('self' is the end the policy selects). */
static void nv_peer_why(struct nv_buf *b, const struct nv_model *m, const struct nv_policy *pol,
                        const struct nv_peer *p, const struct nv_end *e)
{
    char ip[NV_IP_BUFSZ];
    size_t i;

    if (p->kind == NV_PEER_IPBLOCK) {
        if (!e->external) {
            int pin = m->profile.pin[NV_B_IPBLOCK_PODS];
            nv_buf_puts(b, pin == NV_IPBLOCK_IGNORES_PODS
                               ? "the network plugin does not match pod addresses against ipBlocks"
                           : pin == NV_IPBLOCK_MATCHES_PODS
                               ? "a pod's address, which the plugin matches against ipBlocks: "
                                 "whether it lies in this one is taken up below"
                               : "a pod's address, not matched against ipBlocks here "
                                 "(ipBlockMatchesPods=false)");
            return;
        }
        if (!nv_iprange_has(&p->cidr, &e->ip)) {
            nv_buf_printf(b, "%s is outside ", nv_ip_format(&e->ip, ip));
            if (e->ip.fam != p->cidr.first.fam)
                nv_buf_printf(b, "the %s addresses ", nv_family_name(p->cidr.first.fam));
            nv_report_range(b, &p->cidr);
            return;
        }
        for (i = 0; i < p->nexcept; i++)
            if (nv_iprange_has(&p->except[i], &e->ip)) {
                nv_buf_printf(b, "%s is in the except range ", nv_ip_format(&e->ip, ip));
                nv_report_range(b, &p->except[i]);
                return;
            }
        nv_buf_puts(b, "it matches");
        return;
    }
    if (e->external) {
        nv_buf_puts(b, "a pod selector selects pods, not external addresses");
        return;
    }
    if (!p->ns_sel && m->classes[e->cls].ns != pol->nsidx) {
        nv_buf_printf(b, "without a namespaceSelector it selects pods of namespace %s only",
                      pol->ns);
        return;
    }
    if (p->ns_sel && !nv_selector_matches(p->ns_sel, &m->ns[m->classes[e->cls].ns].labels)) {
        nv_buf_printf(b, "its namespace %s has ", m->ns[m->classes[e->cls].ns].name);
        nv_report_unmatched(b, p->ns_sel, &m->ns[m->classes[e->cls].ns].labels);
        return;
    }
    nv_buf_puts(b, "the pod has ");
    nv_report_unmatched(b, p->pod_sel, &m->classes[e->cls].labels);
}

static void nv_put_peer(struct nv_buf *b, const struct nv_peer *p)
{
    size_t i;

    if (p->kind == NV_PEER_IPBLOCK) {
        nv_buf_puts(b, "ipBlock ");
        nv_report_range(b, &p->cidr);
        for (i = 0; i < p->nexcept; i++) {
            nv_buf_puts(b, i ? ", " : " except ");
            nv_report_range(b, &p->except[i]);
        }
        return;
    }
    if (p->ns_sel) {
        nv_buf_puts(b, "namespaceSelector ");
        nv_report_selector(b, p->ns_sel);
        if (p->pod_sel)
            nv_buf_puts(b, " and ");
    }
    if (p->pod_sel || !p->ns_sel) {
        nv_buf_puts(b, "podSelector ");
        nv_report_selector(b, p->pod_sel);
    }
}

/*
 * One direction: egress of src (other = dst) or ingress of dst (other = src),
 * as nv_explain() decided it in 'side', told rule by rule.
 */
static void nv_direction(struct nv_xctx *X, enum nv_dir dir, const struct nv_xend *self,
                         const struct nv_side *side, const struct nv_end *oe,
                         const struct nv_end *de)
{
    struct nv_model *m = X->m;
    const char *word = dir == NV_INGRESS ? "ingress" : "egress";
    size_t i, r, k, npol = side->npolicies;
    struct nv_buf *b = &X->b;

    nv_buf_reset(b);
    nv_buf_printf(b, "%s of ", word);
    nv_put_xend(b, m, self);
    if (side->external) {
        nv_escape_term_line(X->fp, "%s: an external address: no policy applies, everything allowed",
                            nv_buf_str(b));
        return;
    }
    if (!side->isolated) {
        nv_escape_term_line(X->fp,
                            "%s: not isolated: no NetworkPolicy with %s in its policyTypes "
                            "selects it, so everything is allowed",
                            nv_buf_str(b), dir == NV_INGRESS ? "Ingress" : "Egress");
        return;
    }
    nv_escape_term_line(X->fp, "%s: isolated by %zu NetworkPolic%s", nv_buf_str(b), npol,
                        npol == 1 ? "y" : "ies");
    for (i = 0; i < npol; i++) {
        const struct nv_policy *p = side->policies[i];
        nv_buf_reset(b);
        nv_buf_printf(b, "  NetworkPolicy %s/%s (", p->ns, p->name);
        nv_report_loc(b, p->loc);
        nv_buf_puts(b, "), podSelector ");
        nv_report_selector(b, p->subject);
        nv_escape_term_line(X->fp, "%s", nv_buf_str(b));
        if (!p->nrules[dir])
            fprintf(X->fp, "    no %s rules: admits nothing\n", word);
        for (r = 0; r < p->nrules[dir]; r++) {
            const struct nv_rule *rule = &p->rules[dir][r];
            uint32_t ports;
            long hit = rule->all_peers ? 0 : -1;
            for (k = 0; k < rule->npeers && hit < 0; k++)
                if (nv_explain_peer(m, p, &rule->peers[k], oe, nv_matrix_combo(X->x, 0)))
                    hit = (long)k;
            /* X->line: the start of the rule's line, "    egress rule #1 (FILE:LINE:COL): " */
            nv_buf_reset(&X->line);
            nv_buf_printf(&X->line, "    %s rule #%u (", word, rule->index + 1);
            nv_report_loc(&X->line, rule->loc);
            nv_buf_puts(&X->line, "): ");
            if (hit < 0) {
                nv_escape_term_line(X->fp, "%s%s: no peer matches", nv_buf_str(&X->line),
                                    X->port.given ? "does not match" : "admits nothing");
                for (k = 0; k < rule->npeers; k++) {
                    nv_buf_reset(b);
                    nv_put_peer(b, &rule->peers[k]);
                    nv_buf_puts(b, " (");
                    nv_report_loc(b, rule->peers[k].loc);
                    nv_buf_puts(b, "): ");
                    nv_peer_why(b, m, p, &rule->peers[k], oe);
                    nv_escape_term_line(X->fp, "      %s peer %s",
                                        dir == NV_INGRESS ? "from" : "to", nv_buf_str(b));
                }
                continue;
            }
            nv_buf_reset(b);
            if (rule->all_peers) {
                nv_buf_printf(b, "every peer (no '%s')", dir == NV_INGRESS ? "from" : "to");
            } else {
                nv_buf_printf(b, "peer #%ld ", hit + 1);
                nv_put_peer(b, &rule->peers[hit]);
            }
            ports = nv_explain_rule_ports(m, rule, de);
            if (rule->has_named) {
                int first = 1;
                nv_buf_puts(b, "; named ports ");
                for (k = 0; k < rule->nports; k++)
                    if (rule->ports[k].name) {
                        nv_buf_printf(b, "%s%s/%s", first ? "" : ", ",
                                      nv_proto_name(rule->ports[k].proto), rule->ports[k].name);
                        first = 0;
                    }
                nv_buf_puts(b, de->external ? " (they resolve to nothing outside the cluster)"
                                            : " (resolved on the destination)");
            }
            if (X->port.given) {
                if (nv_ports_contains(&m->ports, ports, X->port.proto, X->port.port))
                    nv_escape_term_line(X->fp, "%smatches: %s; ports %s", nv_buf_str(&X->line),
                                        nv_buf_str(b), nv_ports_format_npa(&m->ports, ports));
                else
                    nv_escape_term_line(
                        X->fp, "%sdoes not match: %s matches, but the rule's ports are %s",
                        nv_buf_str(&X->line), nv_buf_str(b),
                        ports == NV_PORTS_NONE ? "none here (a named port the destination "
                                                 "does not declare)"
                                               : nv_ports_format_npa(&m->ports, ports));
            } else if (ports == NV_PORTS_NONE) {
                nv_escape_term_line(X->fp,
                                    "%sadmits nothing: %s matches, but its named ports are not "
                                    "declared by the destination",
                                    nv_buf_str(&X->line), nv_buf_str(b));
            } else {
                nv_escape_term_line(X->fp, "%sadmits %s: %s", nv_buf_str(&X->line),
                                    nv_ports_format_npa(&m->ports, ports), nv_buf_str(b));
            }
        }
    }
    fprintf(X->fp, "  %s allowed: %s\n", word,
            side->ports == NV_PORTS_NONE ? "nothing" : nv_ports_format_npa(&m->ports, side->ports));
}

static int nv_u32_has(const uint32_t *v, size_t n, uint32_t x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/*
 * A group of an end's pods that explain judges together: an external address,
 * or the pods of one class of the workload (and, at the destination of a named
 * --port, with one resolution of it). 'pods' are pod groups of the model.
 */
struct nv_xgroup {
    struct nv_end end;
    enum nv_proto proto; /* the port the flow is asked on, toward this group */
    unsigned port;
    int has_port; /* 0: a named --port these pods do not declare */
    uint32_t *pods;
    size_t npods;
    unsigned count; /* pods of the workload in the class */
};

struct nv_xgroups {
    struct nv_xgroup *v;
    size_t n, alloc;
};

static void nv_xgroups_release(struct nv_xgroups *g)
{
    size_t i;

    for (i = 0; i < g->n; i++)
        free(g->v[i].pods);
    free(g->v);
    memset(g, 0, sizeof(*g));
}

/* What a named --port resolves to on pod (by name, and protocol when given); 0 if not declared. */
static unsigned nv_xport_on(const struct nv_xport *p, int proto_given, const struct nv_pod *pod,
                            enum nv_proto *proto)
{
    size_t k;

    for (k = 0; k < pod->nports; k++)
        if (!strcmp(pod->ports[k].name, p->name) &&
            (!proto_given || pod->ports[k].proto == p->proto)) {
            *proto = pod->ports[k].proto;
            return pod->ports[k].port;
        }
    return 0;
}

/*
 * The groups of end e: its pods by class (only the classes e->only lists, when
 * it does), the destination's also by what a named --port resolves to there.
 */
static void nv_xend_groups(const struct nv_xctx *X, const struct nv_xend *e, int is_dst,
                           int proto_given, struct nv_xgroups *out)
{
    const struct nv_model *m = X->m;
    const struct nv_workload *w;
    size_t i, j;

    memset(out, 0, sizeof(*out));
    if (e->external) {
        NV_GROW(out->v, out->alloc, 1);
        memset(&out->v[0], 0, sizeof(out->v[0]));
        out->v[0].end.external = 1;
        out->v[0].end.ip = e->ip;
        out->v[0].end.pod = UINT32_MAX;
        out->v[0].proto = X->port.proto;
        out->v[0].port = X->port.port;
        out->v[0].has_port = 1;
        out->n = 1;
        return;
    }
    w = &m->workloads[e->wl];
    for (i = 0; i < w->npods; i++) {
        const struct nv_pod *pod = &m->pods[w->pods[i]];
        enum nv_proto proto = X->port.proto;
        unsigned port = X->port.port;
        int has = 1;
        struct nv_xgroup *g;
        if (e->only && !nv_u32_has(e->only, e->nonly, w->pods[i]))
            continue;
        if (is_dst && X->port.name)
            has = (port = nv_xport_on(&X->port, proto_given, pod, &proto)) != 0;
        for (j = 0; j < out->n; j++)
            if (out->v[j].end.cls == pod->cls && out->v[j].has_port == has &&
                (!has || (out->v[j].port == port && out->v[j].proto == proto)))
                break;
        if (j == out->n) {
            NV_GROW(out->v, out->alloc, out->n + 1);
            g = &out->v[out->n++];
            memset(g, 0, sizeof(*g));
            g->end.cls = pod->cls;
            g->end.pod = UINT32_MAX;
            g->proto = proto;
            g->port = port;
            g->has_port = has;
            g->count = nv_model_pods_in(m, (uint32_t)e->wl, pod->cls);
        }
        g = &out->v[j];
        g->pods = nv_xrealloc(g->pods, (g->npods + 1) * sizeof(*g->pods));
        g->pods[g->npods++] = w->pods[i];
    }
}

/* Whether a flow runs from group s to group d: two distinct pods (one workload's class twice). */
static int nv_xpair_ok(const struct nv_xend *src, const struct nv_xend *dst,
                       const struct nv_xgroup *s, const struct nv_xgroup *d)
{
    if (s->end.external || d->end.external)
        return !(s->end.external && d->end.external);
    return src->wl != dst->wl || s->end.cls != d->end.cls || s->count >= 2;
}

/* How many group pairs are flows. */
static size_t nv_xpairs(const struct nv_xend *src, const struct nv_xend *dst,
                        const struct nv_xgroups *sg, const struct nv_xgroups *dg)
{
    size_t i, j, n = 0;

    for (i = 0; i < sg->n; i++)
        for (j = 0; j < dg->n; j++)
            n += dg->v[j].has_port && nv_xpair_ok(src, dst, &sg->v[i], &dg->v[j]);
    return n;
}

/* The ports a named --port resolves to on the destination: "TCP 80" or "TCP 80, TCP 81". */
static void nv_put_resolved(struct nv_buf *b, const struct nv_xgroups *dg)
{
    size_t j, k, n = 0;

    for (j = 0; j < dg->n; j++) {
        const struct nv_xgroup *g = &dg->v[j];
        if (!g->has_port)
            continue;
        for (k = 0; k < j; k++)
            if (dg->v[k].has_port && dg->v[k].proto == g->proto && dg->v[k].port == g->port)
                break;
        if (k < j)
            continue;
        nv_buf_printf(b, "%s%s %u", n++ ? ", " : "", nv_proto_name(g->proto), g->port);
    }
}

/*
 * What combination k of the plugin's behaviours allows from the pods of group
 * s to those of group d: under some addresses and nodes of the pods (*poss)
 * and under all (*sure). p, q (classes) and a (atoms) are scratch rows.
 */
static void nv_combo_pair(struct nv_xctx *X, size_t k, const struct nv_end *se,
                          const struct nv_end *de, uint32_t *p, uint32_t *q, uint32_t *a,
                          uint32_t *poss, uint32_t *sure)
{
    struct nv_model *m = X->m;

    if (se->external) {
        nv_matrix_combo_from_atoms(X->x, k, de->cls, a);
        *poss = *sure = a[nv_atoms_find(&m->atoms, &se->ip)];
        return;
    }
    nv_matrix_combo_row(X->x, k, se->cls, p, q, a);
    if (de->external) {
        *poss = *sure = a[nv_atoms_find(&m->atoms, &de->ip)];
    } else {
        *poss = p[de->cls];
        *sure = q[de->cls];
    }
}

/* What explain says of a flow on a given port, over the pod pairs. */
enum nv_xstate { NV_XS_BLOCKED, NV_XS_ALLOWED, NV_XS_SOME_PODS, NV_XS_SOME_ADDRS };

static const char *const nv_xstate_text[] = {
    "blocked", "allowed", "allowed for some of the pods, blocked for others",
    "allowed for some addresses or nodes of the pods only"};

/* The state of n pairs of which nposs are allowed under some, nsure under all addresses. */
static enum nv_xstate nv_xstate_of(size_t n, size_t nposs, size_t nsure)
{
    if (nsure == n)
        return NV_XS_ALLOWED;
    if (!nposs)
        return NV_XS_BLOCKED;
    return nposs == nsure ? NV_XS_SOME_PODS : NV_XS_SOME_ADDRS;
}

/* What nv_explain_combos() found. */
enum nv_xcombos {
    NV_XC_AGREE,   /* every combination agrees with the explanation: nothing printed */
    NV_XC_SETTLED, /* printed; one answer under every combination and address (*st, *ports) */
    NV_XC_PLUGIN,  /* printed; the answer turns on the plugin's behaviours only */
    NV_XC_VARIES,  /* printed; it turns on the pods' addresses or nodes too */
};

/*
 * When the network plugin's behaviours or the pods' addresses and nodes
 * change the answer: what each combination allows, united over the pod pairs
 * as 'list' unites them. 'shown' and 'state' are the explanation's answer
 * (its ports, its verdict on the port asked); *st and *ports get the answer
 * when it is settled.
 */
static enum nv_xcombos nv_explain_combos(struct nv_xctx *X, const struct nv_xend *src,
                                         const struct nv_xend *dst, const struct nv_xgroups *sg,
                                         const struct nv_xgroups *dg, uint32_t shown,
                                         enum nv_xstate state, enum nv_xstate *st_out,
                                         uint32_t *ports)
{
    struct nv_model *m = X->m;
    size_t n = nv_matrix_ncombos(X->x), k, i, j;
    uint32_t poss[NV_MAX_COMBOS], sure[NV_MAX_COMBOS];
    enum nv_xstate st[NV_MAX_COMBOS];
    uint32_t *p = nv_xmalloc((m->nclasses + 1) * sizeof(*p));
    uint32_t *q = nv_xmalloc((m->nclasses + 1) * sizeof(*q));
    uint32_t *a = nv_xmalloc((m->atoms.n + 1) * sizeof(*a));
    int varies = 0, exact = 1, same = 1;

    for (k = 0; k < n; k++) {
        size_t npairs = 0, nposs = 0, nsure = 0;
        poss[k] = sure[k] = NV_PORTS_NONE;
        for (i = 0; i < sg->n; i++)
            for (j = 0; j < dg->n; j++) {
                const struct nv_xgroup *s = &sg->v[i], *d = &dg->v[j];
                uint32_t x, y;
                if (!d->has_port || !nv_xpair_ok(src, dst, s, d))
                    continue;
                nv_combo_pair(X, k, &s->end, &d->end, p, q, a, &x, &y);
                poss[k] = nv_ports_union(&m->ports, poss[k], x);
                sure[k] = nv_ports_union(&m->ports, sure[k], y);
                npairs++;
                nposs += nv_ports_contains(&m->ports, x, d->proto, d->port);
                nsure += nv_ports_contains(&m->ports, y, d->proto, d->port);
            }
        st[k] = nv_xstate_of(npairs, nposs, nsure);
        if (X->port.given) {
            varies |= st[k] != state;
            exact &= st[k] != NV_XS_SOME_ADDRS;
            same &= st[k] == st[0];
        } else {
            varies |= poss[k] != sure[k] || poss[k] != shown;
            exact &= poss[k] == sure[k];
            same &= poss[k] == poss[0];
        }
    }
    free(p);
    free(q);
    free(a);
    if (!varies)
        return NV_XC_AGREE;
    nv_buf_reset(&X->b);
    nv_report_combo(&X->b, m, nv_matrix_combo(X->x, 0));
    fputc('\n', X->fp);
    nv_escape_term_line(X->fp,
                        "the rules above are as the network plugin applies them with %s, to "
                        "pods at no particular address; with %sthe pods' addresses and nodes:",
                        nv_buf_str(&X->b), n > 1 ? "each of its behaviours, and " : "");
    for (k = 0; k < n; k++) {
        nv_buf_reset(&X->b);
        nv_report_combo(&X->b, m, nv_matrix_combo(X->x, k));
        nv_buf_puts(&X->b, ": ");
        if (X->port.given) {
            nv_buf_puts(&X->b, nv_xstate_text[st[k]]);
        } else if (poss[k] == NV_PORTS_NONE) {
            nv_buf_puts(&X->b, "blocked on every port");
        } else {
            nv_buf_puts(&X->b, "allowed on ");
            nv_report_conns(&X->b, &m->ports, poss[k], sure[k], 1);
            if (poss[k] != sure[k])
                nv_buf_puts(&X->b, " ('?': for some addresses or nodes of the pods only)");
        }
        nv_escape_term_line(X->fp, "  %s", nv_buf_str(&X->b));
    }
    if (exact && same) {
        *st_out = st[0];
        *ports = poss[0];
        return NV_XC_SETTLED;
    }
    return exact ? NV_XC_PLUGIN : NV_XC_VARIES;
}

static void nv_explain_flow(struct nv_xctx *X, const struct nv_xend *src, const struct nv_xend *dst,
                            int proto_given)
{
    struct nv_model *m = X->m;
    struct nv_xgroups sg, dg;
    struct nv_xport asked = X->port;
    size_t i, j, npairs, nres = 0;
    uint32_t total = NV_PORTS_NONE;
    int some = 0, every = 1, eblock = 0, iblock = 0;

    nv_xend_groups(X, src, 0, proto_given, &sg);
    nv_xend_groups(X, dst, 1, proto_given, &dg);
    npairs = nv_xpairs(src, dst, &sg, &dg);
    for (j = 0; j < dg.n; j++)
        nres += dg.v[j].has_port && (j == 0 || !dg.v[0].has_port || dg.v[j].port != dg.v[0].port ||
                                     dg.v[j].proto != dg.v[0].proto);
    nv_buf_reset(&X->b);
    nv_put_xend(&X->b, m, src);
    nv_buf_puts(&X->b, " -> ");
    nv_put_xend(&X->b, m, dst);
    if (X->port.name && nres > 1) {
        nv_buf_printf(&X->b, " on named port '%s' (", X->port.name);
        nv_put_resolved(&X->b, &dg);
        nv_buf_puts(&X->b, ", resolved on each destination pod)");
    } else if (X->port.given) {
        for (j = 0; j < dg.n && !dg.v[j].has_port; j++)
            ;
        if (j < dg.n)
            nv_buf_printf(&X->b, " on %s %u", nv_proto_name(dg.v[j].proto), dg.v[j].port);
        if (X->port.name)
            nv_buf_printf(&X->b, " (named port '%s')", X->port.name);
    }
    nv_escape_term_line(X->fp, "flow: %s", nv_buf_str(&X->b));
    if (src->external && dst->external) {
        fprintf(X->fp, "\nboth ends are external addresses: no policy of the cluster applies\n");
        goto out;
    }
    for (j = 0; j < dg.n; j++) {
        if (dg.v[j].has_port)
            continue;
        nv_buf_reset(&X->b);
        nv_report_pods(&X->b, m, dg.v[j].pods, dg.v[j].npods);
        fputc('\n', X->fp);
        nv_escape_term_line(X->fp, "%s of %s declare%s no port '%s': no flow to %s",
                            nv_buf_str(&X->b), m->workloads[dst->wl].id,
                            dg.v[j].npods == 1 && dg.v[j].count == 1 ? "s" : "", X->port.name,
                            dg.v[j].npods == 1 && dg.v[j].count == 1 ? "it" : "them");
    }
    if (!npairs) {
        fprintf(X->fp, "\nno flow: the only pod there is the source itself, and a pod's traffic "
                       "to itself never counts\n");
        goto out;
    }
    for (i = 0; i < sg.n; i++)
        for (j = 0; j < dg.n; j++) {
            const struct nv_xgroup *s = &sg.v[i], *d = &dg.v[j];
            uint32_t e, in, both;
            struct nv_flow_why why;
            if (!d->has_port || !nv_xpair_ok(src, dst, s, d))
                continue;
            if (npairs > 1 || (!src->external && src->wl == dst->wl)) {
                nv_buf_reset(&X->b);
                if (src->external) {
                    nv_buf_puts(&X->b, "to ");
                } else if (s->end.cls == d->end.cls && src->wl == dst->wl) {
                    nv_buf_puts(&X->b, "between two of the ");
                } else {
                    nv_buf_puts(&X->b, "from ");
                    nv_report_pods(&X->b, m, s->pods, s->npods);
                    nv_buf_puts(&X->b, dst->external ? "" : " to ");
                }
                if (!dst->external)
                    nv_report_pods(&X->b, m, d->pods, d->npods);
                if (X->port.name && nres > 1)
                    nv_buf_printf(&X->b, " (port '%s' is %s %u there)", X->port.name,
                                  nv_proto_name(d->proto), d->port);
                fputc('\n', X->fp);
                nv_escape_term_line(X->fp, "%s", nv_buf_str(&X->b));
            }
            X->port.proto = d->proto;
            X->port.port = d->port;
            fputc('\n', X->fp);
            nv_explain(m, &s->end, &d->end, nv_matrix_combo(X->x, 0), 0, &why);
            nv_direction(X, NV_EGRESS, src, &why.egress, &d->end, &d->end);
            fputc('\n', X->fp);
            nv_direction(X, NV_INGRESS, dst, &why.ingress, &s->end, &d->end);
            e = why.egress.ports;
            in = why.ingress.ports;
            both = why.allowed;
            nv_flow_why_release(&why);
            total = nv_ports_union(&m->ports, total, both);
            if (X->port.given) {
                int ok = nv_ports_contains(&m->ports, both, d->proto, d->port);
                some |= ok;
                every &= ok;
                eblock |= !nv_ports_contains(&m->ports, e, d->proto, d->port);
                iblock |= !nv_ports_contains(&m->ports, in, d->proto, d->port);
            }
        }
    X->port = asked;
    if (nv_matrix_ncombos(X->x) > 1 || !nv_matrix_exact(X->x)) {
        enum nv_xstate st = NV_XS_BLOCKED;
        switch (nv_explain_combos(X, src, dst, &sg, &dg, total,
                                  every  ? NV_XS_ALLOWED
                                  : some ? NV_XS_SOME_PODS
                                         : NV_XS_BLOCKED,
                                  &st, &total)) {
        case NV_XC_AGREE:
            break;
        case NV_XC_SETTLED:
            /* more is allowed than the rules above show (never less): not blocked */
            every = st == NV_XS_ALLOWED;
            some = st != NV_XS_BLOCKED;
            break;
        case NV_XC_PLUGIN:
            fprintf(X->fp, "\nverdict: depends on the network plugin (see above)\n");
            goto out;
        case NV_XC_VARIES:
            fprintf(X->fp, "\nverdict: depends on the %s (see above)\n",
                    nv_matrix_ncombos(X->x) > 1 ? "network plugin and the pods' addresses or nodes"
                                                : "pods' addresses or nodes");
            goto out;
        }
    }
    fputc('\n', X->fp);
    if (X->port.given) {
        nv_buf_reset(&X->b);
        if (X->port.name && nres > 1) {
            nv_buf_printf(&X->b, "named port '%s' (", X->port.name);
            nv_put_resolved(&X->b, &dg);
            nv_buf_putc(&X->b, ')');
        } else {
            for (j = 0; j < dg.n && !dg.v[j].has_port; j++)
                ;
            nv_buf_printf(&X->b, "%s %u", nv_proto_name(dg.v[j].proto), dg.v[j].port);
        }
        fprintf(X->fp, "verdict: %s on %s",
                every  ? "allowed"
                : some ? "allowed for some of the pods, blocked for others"
                       : "blocked",
                nv_buf_str(&X->b));
        if (!some)
            fprintf(X->fp, " (%s)",
                    eblock && iblock ? "egress and ingress both block it"
                    : eblock         ? "egress blocks it"
                                     : "ingress blocks it");
        fputc('\n', X->fp);
    } else if (total == NV_PORTS_NONE) {
        fprintf(X->fp, "verdict: blocked on every port\n");
    } else {
        fprintf(X->fp, "verdict: allowed on %s\n",
                total == NV_PORTS_ALL ? "every port and protocol"
                                      : nv_ports_format_npa(&m->ports, total));
    }
out:
    nv_xgroups_release(&sg);
    nv_xgroups_release(&dg);
}

/* Whether --port p picks Service port sp (by name, or by number on any protocol unless given). */
static int nv_xsvc_picks(const struct nv_xport *p, int proto_given,
                         const struct nv_service_port *sp)
{
    if (!p->given)
        return 1;
    if (proto_given && p->proto != sp->proto)
        return 0;
    return p->name ? sp->name && !strcmp(sp->name, p->name) : sp->port == p->port;
}

static int nv_u32_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return a < b ? -1 : a > b;
}

/*
 * Service port sp toward the selected pods of workload w: for each target
 * port they resolve it to (ascending), one line that says so and the
 * explanation of that flow; *missing counts the selected pods of w that do
 * not declare a named targetPort (no endpoint there).
 */
static void nv_explain_svc_workload(struct nv_xctx *X, const struct nv_xend *src,
                                    const struct nv_service *svc, const struct nv_service_port *sp,
                                    const char *spdesc, size_t w, size_t *nends, size_t *missing)
{
    struct nv_model *m = X->m;
    uint32_t *targets = nv_xmalloc((m->npods + 1) * sizeof(*targets));
    uint32_t *pods = nv_xmalloc((m->npods + 1) * sizeof(*pods));
    size_t i, k, nt = 0;

    for (i = 0; i < m->npods; i++) {
        const struct nv_pod *pod = &m->pods[i];
        unsigned t;
        if (pod->workload != w || !nv_service_selects(m, svc, pod))
            continue;
        if (!(t = nv_service_target(sp, pod)))
            (*missing)++;
        else if (!nv_u32_has(targets, nt, t))
            targets[nt++] = t;
    }
    qsort(targets, nt, sizeof(*targets), nv_u32_cmp);
    for (k = 0; k < nt; k++) {
        struct nv_xend dst;
        size_t n = 0;
        for (i = 0; i < m->npods; i++) {
            const struct nv_pod *pod = &m->pods[i];
            if (pod->workload == w && nv_service_selects(m, svc, pod) &&
                nv_service_target(sp, pod) == targets[k])
                pods[n++] = (uint32_t)i;
        }
        memset(&dst, 0, sizeof(dst));
        dst.wl = (long)w;
        dst.only = pods;
        dst.nonly = n;
        if ((*nends)++)
            fputc('\n', X->fp);
        nv_escape_term_line(X->fp, "Service port %s -> targetPort %u on %s[%s]", spdesc,
                            targets[k], m->workloads[w].id, m->workloads[w].kind);
        X->port.given = 1;
        X->port.proto = sp->proto;
        X->port.port = targets[k];
        X->port.name = sp->target_name;
        nv_explain_flow(X, src, &dst, 1);
    }
    free(targets);
    free(pods);
}

/*
 * One Service port toward its endpoints, workload by workload; pods that do
 * not declare a named targetPort are no endpoint, and said to be.
 */
static void nv_explain_svc_port(struct nv_xctx *X, const struct nv_xend *src,
                                const struct nv_service *svc, const struct nv_service_port *sp)
{
    struct nv_model *m = X->m;
    size_t w, npods = 0, nends = 0;
    struct nv_buf spb;

    nv_buf_init(&spb, 0);
    nv_service_port_format(&spb, sp);
    for (w = 0; w < m->npods; w++)
        if (nv_service_selects(m, svc, &m->pods[w])) {
            npods++;
            nends += nv_service_target(sp, &m->pods[w]) != 0;
        }
    if (!nends) {
        nv_escape_term_line(X->fp,
                            "Service port %s: no endpoint: its targetPort '%s' matches no "
                            "container port of the %zu pod%s the Service selects",
                            nv_buf_str(&spb), sp->target_name, npods, npods == 1 ? "" : "s");
        nv_buf_release(&spb);
        return;
    }
    nends = 0;
    for (w = 0; w < m->nworkloads; w++) {
        size_t missing = 0;
        nv_explain_svc_workload(X, src, svc, sp, nv_buf_str(&spb), w, &nends, &missing);
        if (!missing)
            continue;
        if (nends++)
            fputc('\n', X->fp);
        nv_escape_term_line(X->fp,
                            "Service port %s: %zu pod%s of %s do%s not declare the targetPort "
                            "'%s': no endpoint there",
                            nv_buf_str(&spb), missing, missing == 1 ? "" : "s", m->workloads[w].id,
                            missing == 1 ? "es" : "", sp->target_name);
    }
    nv_buf_release(&spb);
}

/* --to 'svc NS/NAME': each Service port picked, mapped to its target port on each endpoint. */
static int nv_explain_svc(struct nv_xctx *X, const struct nv_xend *src,
                          const struct nv_service *svc, const char *port_arg, int proto_given)
{
    struct nv_model *m = X->m;
    struct nv_xport want = X->port;
    size_t i, npods = 0, picked = 0;
    char where[256];

    for (i = 0; i < m->npods; i++)
        npods += nv_service_selects(m, svc, &m->pods[i]);
    if (!npods) {
        nv_escape_term_line(stderr, "netverify: --to 'svc %s/%s': the Service selects no pod",
                            svc->ns, svc->name);
        return -1;
    }
    for (i = 0; i < svc->nports; i++)
        picked += nv_xsvc_picks(&want, proto_given, &svc->ports[i]);
    if (!picked) {
        struct nv_buf b;
        nv_buf_init(&b, 0);
        for (i = 0; i < svc->nports; i++) {
            nv_buf_puts(&b, i ? ", " : "");
            nv_service_port_format(&b, &svc->ports[i]);
        }
        if (svc->nports)
            nv_escape_term_line(stderr,
                                "netverify: --port '%s' names no port of Service %s/%s (its "
                                "ports: %s)",
                                port_arg, svc->ns, svc->name, nv_buf_str(&b));
        else
            nv_escape_term_line(stderr, "netverify: --to 'svc %s/%s': the Service has no ports",
                                svc->ns, svc->name);
        nv_buf_release(&b);
        return -1;
    }
    nv_buf_reset(&X->b);
    for (i = 0; i < svc->nports; i++)
        if (nv_xsvc_picks(&want, proto_given, &svc->ports[i])) {
            nv_buf_puts(&X->b, X->b.len ? ", " : "");
            nv_service_port_format(&X->b, &svc->ports[i]);
        }
    nv_escape_term_line(X->fp, "Service %s/%s (%s): %zu pod%s selected; Service port%s %s", svc->ns,
                        svc->name, nv_loc_format(svc->loc, where, sizeof(where)), npods,
                        npods == 1 ? "" : "s", picked == 1 ? "" : "s", nv_buf_str(&X->b));
    for (i = 0; i < svc->nports; i++) {
        if (!nv_xsvc_picks(&want, proto_given, &svc->ports[i]))
            continue;
        fputc('\n', X->fp);
        nv_explain_svc_port(X, src, svc, &svc->ports[i]);
    }
    return 0;
}

int nv_cmd_explain(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"port", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_explain_help, NULL, NULL, opts, NULL};
    struct nv_load_opts lo;
    struct nv_xctx X;
    struct nv_xend src, dst;
    struct nv_ep sep, dep;
    const char *output, *port_arg = NULL;
    const struct nv_service *svc;
    int c, rc = NV_EXIT_OK, proto_given;

    memset(&X, 0, sizeof(X));
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'F':
            src.arg = cli->arg;
            break;
        case 'T':
            dst.arg = cli->arg;
            break;
        case 'p':
            port_arg = cli->arg;
            if (nv_xport_parse(cli->arg, &X.port) < 0)
                return nv_cli_usage_error(k_usage,
                                          "invalid --port '%s' (tcp/80, udp/53, 80, or a named "
                                          "port such as tcp/http)",
                                          cli->arg);
            break;
        }
    }
    if (c < 0)
        return cli->status;
    lo = cli->lo;
    output = cli->output;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    if (!src.arg || !dst.arg)
        return nv_cli_usage_error(k_usage, "give both --from and --to");
    proto_given = port_arg && strchr(port_arg, '/') != NULL;
    X.m = nv_cli_load(argv + optind, (size_t)(argc - optind), &lo);
    if (!X.m)
        return NV_EXIT_INPUT;
    if (nv_ep_arg(X.m, "--from", src.arg, NV_EP_ANY, &sep) < 0 ||
        nv_ep_arg(X.m, "--to", dst.arg, NV_EP_ANY, &dep) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (sep.form == NV_EP_SERVICE) {
        nv_escape_term_line(stderr,
                            "netverify: --from '%s': a Service is a destination only (--to 'svc "
                            "NAMESPACE/NAME'); explain from one of its workloads instead",
                            src.arg);
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_xend_set(&src, &sep);
    nv_xend_set(&dst, &dep);
    svc = dep.form == NV_EP_SERVICE ? dep.svc : NULL;
    if ((!svc && nv_xport_resolve(X.m, &dst, &X.port, proto_given) < 0) ||
        (!svc && nv_xself_check(X.m, &src, &dst) < 0)) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (output && !(X.fp = fopen(output, "w"))) {
        nv_escape_term_line(stderr, "netverify: cannot write '%s': %s", output, strerror(errno));
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (!X.fp)
        X.fp = stdout;
    nv_buf_init(&X.b, 0);
    nv_buf_init(&X.line, 0);
    X.x = nv_matrix_new(X.m);
    if (!svc)
        nv_explain_flow(&X, &src, &dst, proto_given);
    else if (nv_explain_svc(&X, &src, svc, port_arg, proto_given) < 0)
        rc = NV_EXIT_INPUT;
    nv_buf_release(&X.b);
    nv_buf_release(&X.line);
    if (fflush(X.fp) != 0 || ferror(X.fp)) {
        fprintf(stderr, "netverify: error writing the output\n");
        rc = NV_EXIT_INTERNAL;
    }
    if (X.fp != stdout)
        fclose(X.fp);
out:
    nv_matrix_free(X.x);
    nv_model_free(X.m);
    return rc;
}
