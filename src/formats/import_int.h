/* SPDX-License-Identifier: ISC */
/*
 * import_int.h: what the readers of import.h share (private to
 * src/formats): the two record readers, and the steps every imported
 * trace goes through.
 */
#ifndef NKTRACE_IMPORT_INT_H
#define NKTRACE_IMPORT_INT_H

#include "nktrace/import.h"

/* A RIPE Atlas traceroute result (import_atlas.c) and a scamper "trace"
 * record (import_scamper.c) into t, which nkt_import_record made. */
int nkt__import_atlas(const json_t *rec, struct nkt_addrtab *at,
		      struct nkt_trace *t, struct nkt_import_meta *m,
		      struct nkt_err *err);
int nkt__import_scamper(const json_t *rec, struct nkt_addrtab *at,
			struct nkt_import_state *st, struct nkt_trace *t,
			struct nkt_import_meta *m, struct nkt_err *err);

/* ms (>= 0) as ns. */
uint64_t nkt__import_ns(double ms);

/* The send error a message most likely reports ("Network is
 * unreachable": ENETUNREACH); EIO when none is recognised. */
int nkt__import_errno(const char *msg);

/* A probing method named by Atlas ("ICMP", "UDP", "TCP") or scamper
 * ("icmp-paris", "udp-paris", "tcp", ...); *paris 1 for Paris methods.
 * -1 when unknown. */
int nkt__import_method(const char *s, uint8_t *paris);

/* A stop reason by nktrace's name ("COMPLETED"); NKT_STOP_NONE if not. */
int nkt__import_stop(const char *s);

/* Sort the hops; the stop reason (unless the record gave one): the
 * destination answered, an unreachable ended it, or silence; the stop
 * hop and max TTL at least the last hop. */
void nkt__import_finish(struct nkt_trace *t);

#endif
