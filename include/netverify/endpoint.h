/*
 * endpoint.h - one vocabulary for an endpoint, wherever one is taken
 * (explain --from/--to, filters, graph --focus, claims):
 *
 *   NS/NAME          a workload
 *   NS/NAME[Kind]    a workload, when NS/NAME is shared across kinds
 *   NAME             the one workload of that name in any namespace
 *   svc NS/NAME      a Service ("svc" in any case, then blanks)
 *   ADDRESS          one IPv4 or IPv6 address (a CIDR is refused: one address)
 *
 * Parsing needs no model; resolution looks the endpoint up in a const model
 * and, when it names nothing, says why and suggests the nearest names
 * ("did you mean ...?"). Messages quote the endpoint as given and never start
 * with a position: the caller prefixes "netverify: --from " or a position.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NETVERIFY_ENDPOINT_H
#define NETVERIFY_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "netverify/buf.h"
#include "netverify/ip.h"
#include "netverify/model.h"

/* The forms, as bits: what a caller accepts. */
enum nv_ep_form {
    NV_EP_WORKLOAD = 1, /* NS/NAME, NS/NAME[Kind], NAME, NAME[Kind] */
    NV_EP_SERVICE = 2,  /* svc NS/NAME */
    NV_EP_ADDRESS = 4,  /* one IP address */
};
#define NV_EP_ANY (NV_EP_WORKLOAD | NV_EP_SERVICE | NV_EP_ADDRESS)

/* An endpoint as written: its parts point into 'text' (not NUL-terminated). */
struct nv_epref {
    enum nv_ep_form form;
    const char *text;      /* the endpoint as given */
    const char *ns, *name; /* ns == NULL: a bare NAME */
    size_t nslen, namelen;
    const char *kind; /* NULL: no [Kind] */
    size_t kindlen;
    struct nv_ip ip; /* NV_EP_ADDRESS */
    /* a bare NAME of digits and dots that is no address: why, should no workload have it */
    const char *ip_why;
};

/* An endpoint looked up in a model. */
struct nv_ep {
    enum nv_ep_form form;
    size_t wl;                    /* NV_EP_WORKLOAD: index in m->workloads */
    const struct nv_service *svc; /* NV_EP_SERVICE */
    struct nv_ip ip;              /* NV_EP_ADDRESS */
};

/*
 * Parse 'text' (kept: ref points into it). Returns 0, or -1 with the reason
 * in err (a sentence quoting text: a malformed reference, a CIDR where one
 * address is needed, an invalid address).
 */
int nv_ep_parse(const char *text, struct nv_epref *ref, struct nv_buf *err);

/*
 * A workload reference from its parts (NUL-terminated; ns and kind may be
 * NULL), as a parser that has already split it (the claims') has it.
 */
void nv_ep_ref_workload(struct nv_epref *ref, const char *text, const char *ns, const char *name,
                        const char *kind);

/*
 * Look ref up in m; 'forms' are the NV_EP_* forms the caller accepts. Returns
 * 0, or -1 with the reason in err: a form not accepted here, no such
 * workload, namespace or Service (with the nearest names: "did you mean"),
 * several workloads (all listed, and how to tell them apart), a Service that
 * selects no pods by its own definition, an address of a family the model
 * does not hold.
 */
int nv_ep_resolve(const struct nv_model *m, const struct nv_epref *ref, unsigned forms,
                  struct nv_ep *out, struct nv_buf *err);

/* nv_ep_parse() then nv_ep_resolve(). */
int nv_ep_lookup(const struct nv_model *m, const char *text, unsigned forms, struct nv_ep *out,
                 struct nv_buf *err);

/*
 * For a command-line option: nv_ep_lookup(), and on failure print
 * "netverify: OPT MESSAGE" on stderr (terminal-escaped). Returns 0 or -1.
 */
int nv_ep_arg(const struct nv_model *m, const char *opt, const char *arg, unsigned forms,
              struct nv_ep *out);

/*
 * The workloads endpoint e stands for, ascending, into out (room for
 * m->nworkloads): the workload itself, or those with a pod the Service
 * selects; none for an address. Returns their number.
 */
size_t nv_ep_workloads(const struct nv_model *m, const struct nv_ep *e, uint32_t *out);

/* "ns/name[Kind]", the Service "svc ns/name", or the address, appended to b. */
void nv_ep_format(struct nv_buf *b, const struct nv_model *m, const struct nv_ep *e);

/*
 * The index of namespace ns in m, or -1 with "'TEXT': no namespace 'NS' in
 * the manifests" (and the nearest name) in err; TEXT is what was written.
 */
long nv_ep_namespace(const struct nv_model *m, const char *text, const char *ns,
                     struct nv_buf *err);

/* Whose labels a selector reads: pods', namespaces', or namespaces' after 'pods SEL in'. */
enum nv_ep_labels { NV_EP_LABELS_PODS, NV_EP_LABELS_NAMESPACES, NV_EP_LABELS_SCOPE };

/*
 * After "'pods app=wbe' matches nothing": append "; did you mean 'app=web'?"
 * to err when a requirement of sel names a label key or value that none of
 * whose has and a near one exists; when the key is one only the other kind
 * has, append "; 'tema' labels namespaces, not pods" (and, for a selector of
 * that one requirement, ": did you mean 'namespaces tema=ops'?").
 */
struct nv_selector;
void nv_ep_suggest_labels(const struct nv_model *m, const struct nv_selector *sel,
                          enum nv_ep_labels whose, struct nv_buf *err);

/*
 * Did-you-mean: offer candidates one by one; the best is the nearest within
 * a small edit distance (letters swapped count once), the first offered on a
 * tie; an exact match is never suggested.
 */
struct nv_suggest {
    const char *word;
    size_t len, limit;
    const char *best;
    size_t dist;
};
void nv_suggest_init(struct nv_suggest *s, const char *word);
void nv_suggest_add(struct nv_suggest *s, const char *cand);
/* The suggestion, or NULL. */
const char *nv_suggest_best(const struct nv_suggest *s);
/* The edit distance (optimal string alignment) of a and b, saturating at 255. */
size_t nv_edit_distance(const char *a, size_t alen, const char *b, size_t blen);

#endif
