/*
 * cmd_explain.c - 'netverify explain': why one flow is allowed or blocked.
 * For each direction: whether the deciding pod is isolated, every policy
 * that selects it, and for every rule of those policies whether it admits
 * the flow, and if not, which peer or port did not match, with positions.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include "netverify/cli.h"

#include <getopt.h>
#include <string.h>

#include "netverify/endpoint.h"
#include "netverify/escape.h"
#include "netverify/explain.h"
#include "netverify/expose.h"

static const char k_usage[] =
    "netverify explain PATH... --from EP --to EP [--port PROTO/PORT] [--format text|json] "
    "[-o FILE] [INPUT OPTIONS]";
static const char *const k_formats[] = {"text", "json", NULL};

static void nv_cmd_explain_help(void)
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
          "                        when names are shared across kinds; a bare 'name'\n"
          "                        when one workload has it), or one IPv4 or IPv6\n"
          "                        address (10.1.2.3, 2001:db8::1); --from and --to may\n"
          "                        name one workload of several pods; '{ingress-controller}'\n"
          "                        (or 'ingress-controller' when no workload has that\n"
          "                        name) is the ingress controller: the routes that\n"
          "                        send it to --to come first\n"
          "      --to EP           the destination, the same way, or a Service written\n"
          "                        'svc namespace/name': each of its ports is mapped to\n"
          "                        its targetPort on each pod it selects, and each of\n"
          "                        those flows is explained\n"
          "      --port P          one port: tcp/80, udp/53, sctp/9, 80 (TCP) or a named\n"
          "                        port of the destination (tcp/http, http), resolved on\n"
          "                        each destination pod; toward a Service, a Service\n"
          "                        port by number or name; without it every port (every\n"
          "                        Service port) is explained\n"
          "  -f, --format F        text (default) or json (see docs/output.md)\n"
          "  -o, --output FILE     write the explanation to FILE instead of standard "
          "output\n" NV_CLI_INPUT_HELP "\n"
          "Example:\n"
          "  netverify explain cluster/ --from shop/web --to shop/api --port tcp/9000\n"
          "  netverify explain cluster/ --from shop/web --to 'svc shop/api' --port http\n\n"
          "Exit status: 0 explained (allowed or blocked), 2 usage or input error (such as\n"
          "an endpoint that names no workload), 3 internal error.\n",
          stdout);
}

/* An end as the endpoint module resolved it (a Service is taken apart by nv_explain_run). */
static void nv_xend_set(struct nv_xend *e, const struct nv_ep *ep)
{
    memset(e, 0, sizeof(*e));
    e->external = ep->form == NV_EP_ADDRESS;
    e->ip = ep->ip;
    e->wl = ep->form == NV_EP_WORKLOAD ? (long)ep->wl : -1;
}

/*
 * Whether an endpoint names the ingress controller: '{ingress-controller}', as
 * list prints it, or 'ingress-controller' when no workload of the input has
 * that name.
 */
static int nv_cmd_explain_is_ctrl(const struct nv_model *m, const char *arg)
{
    size_t i;

    if (!strcmp(arg, NV_CTRL_NAME))
        return 1;
    if (strcmp(arg, "ingress-controller"))
        return 0;
    for (i = 0; i < m->nworkloads; i++)
        if (!strcmp(m->workloads[i].name, arg))
            return 0;
    return 1;
}

/* The ingress controller as --from (docs/semantics.md, "Exposure"); -1 when the model has none. */
static int nv_cmd_explain_ctrl(const struct nv_model *m, const char *arg, struct nv_ep *ep)
{
    memset(ep, 0, sizeof(*ep));
    if (m->ctrl < 0) {
        nv_escape_term_line(stderr, "netverify: --from '%s': %s", arg,
                            m->expose_off
                                ? "--no-ingress-controller leaves the ingress controller out"
                                : "no Ingress, Route, HTTPRoute, GRPCRoute or TCPRoute "
                                  "of the input exposes a Service port: there is no "
                                  "ingress controller to explain");
        return -1;
    }
    ep->form = NV_EP_WORKLOAD;
    ep->wl = (uint32_t)m->ctrl;
    return 0;
}

/* Print "netverify: MESSAGE" for an error the engine explained in err. */
static int nv_xfail(struct nv_buf *err)
{
    nv_escape_term_line(stderr, "netverify: %s", nv_buf_str(err));
    return NV_EXIT_INPUT;
}

int nv_cmd_explain(int argc, char **argv, struct nv_cli *cli)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"port", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    static const struct nv_cli_spec spec = {k_usage, nv_cmd_explain_help, k_formats, NULL, opts,
                                            NULL};
    struct nv_model *m;
    struct nv_xport port;
    struct nv_xend src, dst;
    struct nv_ep sep, dep;
    struct nv_xreport rep;
    struct nv_buf err;
    const char *port_arg = NULL, *from = NULL, *to = NULL;
    const struct nv_service *svc;
    FILE *fp = stdout;
    int c, rc = NV_EXIT_OK, ctrl;

    memset(&port, 0, sizeof(port));
    memset(&rep, 0, sizeof(rep));
    while ((c = nv_cli_next(cli, &spec, argc, argv)) > 0) {
        switch (c) {
        case 'F':
            from = cli->arg;
            break;
        case 'T':
            to = cli->arg;
            break;
        case 'p':
            port_arg = cli->arg;
            if (nv_xport_parse(cli->arg, &port) < 0)
                return nv_cli_usage_error(k_usage,
                                          "invalid --port '%s' (tcp/80, udp/53, 80, or a named "
                                          "port such as tcp/http)",
                                          cli->arg);
            break;
        }
    }
    if (c < 0)
        return cli->status;
    if (optind >= argc)
        return nv_cli_usage_error(k_usage, "no PATH given");
    if (!from || !to)
        return nv_cli_usage_error(k_usage, "give both --from and --to");
    {
        const char *ends[] = {from, to};
        nv_cli_names_ipv6(cli, ends, 2);
    }
    m = nv_cli_load(argv + optind, (size_t)(argc - optind), &cli->lo);
    if (!m)
        return NV_EXIT_INPUT;
    nv_buf_init(&err, 0);
    if ((ctrl = nv_cmd_explain_is_ctrl(m, from))) {
        if (nv_cmd_explain_ctrl(m, from, &sep) < 0) {
            rc = NV_EXIT_INPUT;
            goto out;
        }
    } else if (nv_ep_arg(m, "--from", from, NV_EP_ANY, &sep) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (nv_cmd_explain_is_ctrl(m, to)) {
        nv_escape_term_line(stderr,
                            "netverify: --to '%s': the ingress controller is a source only (the "
                            "routes send from it); give it as --from",
                            to);
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (nv_ep_arg(m, "--to", to, NV_EP_ANY, &dep) < 0) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (sep.form == NV_EP_SERVICE) {
        nv_escape_term_line(stderr,
                            "netverify: --from '%s': a Service is a destination only (--to 'svc "
                            "NAMESPACE/NAME'); explain from one of its workloads instead",
                            from);
        rc = NV_EXIT_INPUT;
        goto out;
    }
    nv_xend_set(&src, &sep);
    nv_xend_set(&dst, &dep);
    svc = dep.form == NV_EP_SERVICE ? dep.svc : NULL;
    if ((!svc &&
         (nv_xport_resolve(m, &dst, &port, &err) < 0 || nv_xself_check(m, &src, &dst, &err) < 0)) ||
        nv_explain_run(m, &src, &dst, svc, &port, port_arg, &rep, &err) < 0) {
        rc = nv_xfail(&err);
        goto out;
    }
    if (ctrl && dep.form == NV_EP_WORKLOAD)
        nv_explain_exposure(m, dep.wl, &port, &rep);
    if (!(fp = nv_cli_output_open(cli->output, 0))) {
        rc = NV_EXIT_INPUT;
        goto out;
    }
    if (cli->format == 1) {
        struct nv_buf a, b;
        nv_buf_init(&a, 0);
        nv_buf_init(&b, 0);
        nv_ep_format(&a, m, &sep);
        nv_ep_format(&b, m, &dep);
        nv_explain_write_json(fp, &rep, nv_buf_str(&a), nv_buf_str(&b), port_arg);
        nv_buf_release(&a);
        nv_buf_release(&b);
    } else {
        nv_explain_write_text(fp, &rep);
    }
    if (nv_cli_output_close(fp) != 0)
        rc = NV_EXIT_INTERNAL;
out:
    nv_xreport_release(&rep);
    nv_buf_release(&err);
    nv_model_free(m);
    return rc;
}
