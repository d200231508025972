/* SPDX-License-Identifier: ISC */
/*
 * annot_out.h: what the writers add from the annotation data (shell glue):
 * per-reply asn/as_org/cc/city, the target's name, the AS path, the border
 * crossing and the transit the path is attributed to.
 */
#ifndef NKTRACE_ANNOT_OUT_H
#define NKTRACE_ANNOT_OUT_H

#include "nktrace/addrtab.h"
#include "nktrace/annotate.h"
#include "nktrace/aspath.h"
#include "nktrace/out_opts.h"
#include "nktrace/resolve.h"
#include "nktrace/targetdb.h"
#include "nktrace/transit.h"

struct nkt_annot_ctx {
	struct nkt_annotator *an;         /* NULL: no annotation */
	const struct nkt_targetdb *tdb;   /* NULL: no names */
	struct nkt_transits *trans;       /* NULL: no attribution; else the
					     registry upstreams met in the
					     data are added to */
	const struct nkt_addrtab *addrs;  /* handles in traces (import) */
	struct nkt_resolver *names;       /* NULL: no DNS names */
};

/* Point the writer hooks of o at c (o->ctx and o->hook.ctx become c). */
void nkt_annot_out_setup(struct nkt_out_opts *o, struct nkt_annot_ctx *c);

/* The AS path of a trace under c's annotator. */
void nkt_annot_aspath(struct nkt_annot_ctx *c, const struct nkt_trace *t,
		      struct nkt_aspath *p);

/* The transit of a path (the registry c->trans, which must be set,
 * learns upstreams it did not know, named by c's AS database). */
void nkt_annot_attribute(struct nkt_annot_ctx *c, const struct nkt_aspath *p,
			 struct nkt_attribution *out);

/* JSON of an AS path and its border crossing (new references). */
json_t *nkt_aspath_json(struct nkt_annot_ctx *c, const struct nkt_aspath *p);
json_t *nkt_border_json(const struct nkt_annot_ctx *c,
			const struct nkt_aspath *p);

#endif
