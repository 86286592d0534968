/*
 * test_lint.c - lint's redundant-rule against brute force on random clusters:
 * a rule is redundant exactly when every (peer pod or address, protocol,
 * port) it admits toward every pod its policy selects is admitted by another
 * rule of that direction selecting the pod (tests/oracle.h's evaluator); and
 * which workloads unmodelled-enforcement names for each form of a Cilium or
 * Calico selector.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "netverify/lint.h"
#include "netverify/load.h"
#include "netverify/model.h"
#include "netverify/profile.h"

#include "oracle.h"
#include "randcluster.h"

static char g_path[64];

/* Whether rule r (of policy pol, selecting pod s) admits peer x (or address a) on proto/port. */
static int o_admits(const struct nv_model *m, const struct nv_rule *r, const struct nv_pod *s,
                    const struct nv_pod *x, const struct nv_ip *a, int proto, unsigned port)
{
    const struct nv_pod *dst = r->dir == NV_INGRESS ? s : x;

    if (x ? !o_peer_pod(m, r->policy, r, x) : !o_peer_addr(r, a))
        return 0;
    return o_port(r, dst, proto, port);
}

/* Whether pod s is selected for direction d by pol. */
static int o_subject(const struct nv_model *m, const struct nv_policy *pol, int d,
                     const struct nv_pod *s)
{
    return (pol->types & (d == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)) &&
           !strcmp(m->ns[s->ns].name, pol->ns) && o_selects(pol->subject, &s->labels);
}

/*
 * The same where ipBlocks match the pods' addresses: peer x at pod-network atom
 * xa (SIZE_MAX: x is not a pod but the external address a) is admitted by its
 * labels or by its address.
 */
static int o_admits_at(const struct nv_model *m, const struct nv_rule *r, const struct nv_pod *s,
                       const struct nv_pod *x, size_t xa, const struct nv_ip *a, int proto,
                       unsigned port)
{
    struct nv_ip at;

    if (!x || xa == SIZE_MAX)
        return o_admits(m, r, s, x, a, proto, port);
    at = nv_atoms_range(&m->atoms, xa).first;
    if (o_admits(m, r, s, x, a, proto, port))
        return 1;
    /* by its address: an ipBlock peer; the port resolves on the destination pod all the same */
    return o_peer_addr(r, &at) && o_port(r, r->dir == NV_INGRESS ? s : x, proto, port);
}

/*
 * Brute force: is rule r covered by the other rules of its direction? With
 * 'ipb', every pod is tried at every atom of the pod network, its address.
 */
static int o_redundant(const struct nv_model *m, const struct nv_rule *r, const unsigned *ports,
                       size_t nports, int ipb)
{
    int d = r->dir, proto;
    size_t si, xi, pi, a, i, k, xa;

    for (si = 0; si < m->npods; si++) {
        const struct nv_pod *s = &m->pods[si];
        if (!o_subject(m, r->policy, d, s))
            continue;
        for (xi = 0; xi <= m->npods + m->atoms.n; xi++) {
            const struct nv_pod *x = xi < m->npods ? &m->pods[xi] : NULL;
            struct nv_ip addr;
            if (xi == m->npods)
                continue;
            a = xi - m->npods - 1;
            if (!x)
                addr = nv_atoms_range(&m->atoms, a).first;
            for (xa = 0; xa <= m->atoms.n; xa++) {
                size_t at = xa < m->atoms.n ? xa : SIZE_MAX;
                if (at == SIZE_MAX ? ipb && x : !x || !ipb || !(m->atomdom[at] & NV_DOM_POD))
                    continue;
                for (proto = 0; proto < 3; proto++)
                    for (pi = 0; pi < nports; pi++) {
                        int other = 0;
                        if (!o_admits_at(m, r, s, x, at, &addr, proto, ports[pi]))
                            continue;
                        for (i = 0; i < m->npolicies && !other; i++) {
                            const struct nv_policy *p = m->policies[i];
                            if (!o_subject(m, p, d, s))
                                continue;
                            for (k = 0; k < p->nrules[d] && !other; k++)
                                if (&p->rules[d][k] != r &&
                                    o_admits_at(m, &p->rules[d][k], s, x, at, &addr, proto,
                                                ports[pi]))
                                    other = 1;
                        }
                        if (!other)
                            return 0;
                    }
            }
        }
    }
    return 1;
}

/* Every port bound of the cluster and its neighbours, and every container port. */
static size_t o_ports(const struct nv_model *m, unsigned *out, size_t max)
{
    size_t n = 0, i, k, d, j;

    for (i = 0; i < NPOOL && n < max; i++)
        out[n++] = port_pool[i];
    for (i = 0; i < m->npods; i++)
        for (k = 0; k < m->pods[i].nports && n < max; k++)
            out[n++] = m->pods[i].ports[k].port;
    for (i = 0; i < m->npolicies; i++)
        for (d = 0; d < 2; d++)
            for (k = 0; k < m->policies[i]->nrules[d]; k++)
                for (j = 0; j < m->policies[i]->rules[d][k].nports && n + 4 < max; j++) {
                    const struct nv_portspec *ps = &m->policies[i]->rules[d][k].ports[j];
                    if (ps->name || !ps->port)
                        continue;
                    out[n++] = ps->port;
                    out[n++] = ps->end;
                    if (ps->port > 1)
                        out[n++] = ps->port - 1;
                    if (ps->end < 65535)
                        out[n++] = ps->end + 1;
                }
    return n;
}

/* lint against brute force on 60 random clusters, ipBlocks matching pods or not (ipb). */
static void nv_redundant_brute_force(int ipb)
{
    static const struct gsize sz = {1, 3, 3, 6, 2, 6, 0, 0};
    unsigned seed, agree = 0, flagged = 0, rules = 0;
    unsigned ports[4096];
    struct nv_profile prof = *nv_test_profile();

    prof.pin[NV_B_IPBLOCK_PODS] = ipb ? NV_IPBLOCK_MATCHES_PODS : NV_IPBLOCK_IGNORES_PODS;
    snprintf(g_path, sizeof(g_path), "/tmp/nv-test-lint-%d.yaml", (int)getpid());
    for (seed = 1; seed <= 60; seed++) {
        struct gen g;
        struct nv_diags d;
        struct nv_model *m;
        struct nv_lint l;
        size_t i, k, f, np;
        int dir;
        gen_cluster(&g, g_path, seed, &sz);
        nv_diags_init(&d);
        m = gen_load(g_path, &prof, 1, &d);
        nv_diags_release(&d);
        if (!m)
            continue;
        np = o_ports(m, ports, sizeof(ports) / sizeof(ports[0]));
        nv_lint_init(&l);
        nv_lint_run(&l, m, NV_LINT_BIT(NV_LINT_REDUNDANT_RULE));
        for (i = 0; i < m->npolicies; i++)
            for (dir = 0; dir < 2; dir++) {
                const struct nv_policy *p = m->policies[i];
                if (!(p->types & (dir == NV_INGRESS ? NV_TYPE_INGRESS : NV_TYPE_EGRESS)))
                    continue;
                for (k = 0; k < p->nrules[dir]; k++) {
                    const struct nv_rule *r = &p->rules[dir][k];
                    int said = 0, truth = o_redundant(m, r, ports, np, ipb);
                    for (f = 0; f < l.n; f++)
                        if (l.items[f].loc.line == r->loc.line && l.items[f].loc.col == r->loc.col)
                            said = 1;
                    rules++;
                    flagged += (unsigned)said;
                    if (said != truth)
                        fail_msg("seed %u: %s/%s %s[%zu]: lint says %s, brute force %s", seed,
                                 p->ns, p->name, dir ? "egress" : "ingress", k,
                                 said ? "redundant" : "not", truth ? "redundant" : "not");
                    agree++;
                }
            }
        nv_lint_release(&l);
        nv_model_free(m);
    }
    unlink(g_path);
    printf("lint: redundant-rule agrees with brute force on %u rules (%u redundant), ipBlocks "
           "%s pods\n",
           agree, flagged, ipb ? "matching" : "ignoring");
    assert_true(rules > 50);
    assert_true(flagged > 0);
}

/* Two workloads in namespace x (app=a tier=web, app=b) and one skipped policy. */
static const char k_two[] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a, tier: web}}\n"
    "---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {app: b}}\n"
    "---\n";

/* The unmodelled-enforcement message for the skipped policy 'doc' next to k_two. */
static char *unmodelled_message(const char *doc)
{
    struct nv_diags d;
    struct nv_model *m;
    struct nv_lint l;
    char *msg = NULL;
    FILE *fp;

    snprintf(g_path, sizeof(g_path), "/tmp/nv-test-lint-%d.yaml", (int)getpid());
    fp = fopen(g_path, "w");
    assert_non_null(fp);
    fputs(k_two, fp);
    fputs(doc, fp);
    fclose(fp);
    nv_diags_init(&d);
    m = gen_load(g_path, nv_test_profile(), 1, &d);
    nv_diags_release(&d);
    unlink(g_path);
    assert_non_null(m);
    nv_lint_init(&l);
    nv_lint_run(&l, m, NV_LINT_BIT(NV_LINT_UNMODELLED));
    if (l.n == 1)
        msg = strdup(l.items[0].msg);
    nv_lint_release(&l);
    nv_model_free(m);
    assert_non_null(msg);
    return msg;
}

/* Each selector form: the workloads named (a plain one read, any other: all of x). */
static void test_unmodelled_selectors(void **state)
{
#define CNP                                                                                        \
    "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\n"
#define CAL                                                                                        \
    "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\n"
    static const struct {
        const char *doc, *want;
    } cases[] = {
        {CNP "spec: {endpointSelector: {matchLabels: {app: a}}}\n",
         "the 1 workload of namespace 'x' its selector app=a picks (a)"},
        {CNP "spec: {endpointSelector: {matchLabels: {'k8s:app': b}}}\n",
         "the 1 workload of namespace 'x' its selector app=b picks (b)"},
        {CNP "spec: {endpointSelector: {matchLabels: {'any:tier': web, app: a}}}\n",
         "its selector app=a,tier=web picks (a)"},
        {CNP "spec: {endpointSelector: {matchLabels: {app: zzz}}}\n",
         "its selector app=zzz picks no workload of namespace 'x' in the input"},
        {CNP "spec: {endpointSelector: {}}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CNP "spec: {endpointSelector: {matchExpressions: [{key: app, operator: Exists}]}}\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CNP "spec: {endpointSelector: {matchLabels: {'k8s:io.kubernetes.pod.namespace': x}}}\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CNP "spec: {endpointSelector: {matchLabels: {'reserved:host': ''}}}\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CNP "specs: [{endpointSelector: {matchLabels: {app: a}}}]\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"app == 'a' && tier == \\\"web\\\"\"}\n",
         "its selector app=a,tier=web picks (a)"},
        {CAL "spec: {selector: \"  app=='b'  \"}\n", "its selector app=b picks (b)"},
        {CAL "spec: {selector: all()}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {order: 10}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: has(app)}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"app == 'a' || app == 'b'\"}\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"app != 'a'\"}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"app == 'a\"}\n", "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"projectcalico.org/name == 'x'\"}\n",
         "all workloads of namespace 'x' (2: a, b)"},
        {CAL "spec: {selector: \"app == 'a'\", serviceAccountSelector: \"all()\"}\n",
         "all workloads of namespace 'x' (2: a, b)"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *msg = unmodelled_message(cases[i].doc);
        if (!strstr(msg, cases[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, msg, cases[i].want);
        free(msg);
    }
#undef CNP
#undef CAL
}

static void test_redundant_rule_brute_force(void **state)
{
    (void)state;
    nv_redundant_brute_force(0);
}

/* Where ipBlocks match pods, what a pod is admitted on depends on its address. */
static void test_redundant_rule_ipblock_pods(void **state)
{
    (void)state;
    nv_redundant_brute_force(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redundant_rule_brute_force),
        cmocka_unit_test(test_unmodelled_selectors),
        cmocka_unit_test(test_redundant_rule_ipblock_pods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
