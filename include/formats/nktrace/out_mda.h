/* SPDX-License-Identifier: ISC */
/*
 * out_mda.h: an MDA trace's graph (mda.h) as JSON (data/mda.schema.md:
 * nodes with the flows that met them and their RTTs, links with the flows
 * that crossed them, each load balancer's kind) and as text in the manner
 * of paris-traceroute's MDA output (each hop's interfaces, each with its
 * RTTs and next hops).  Pure.
 */
#ifndef NKTRACE_OUT_MDA_H
#define NKTRACE_OUT_MDA_H

#include "nktrace/mda.h"
#include "nktrace/out_opts.h"

#include <jansson.h>
#include <stdio.h>

/* What the graph does not say itself. */
struct nkt_mda_meta {
	uint32_t src, dst;
	const char *method;     /* "udp-paris", "tcp-syn", "icmp-paris" */
	uint16_t dport;
	double confidence;
	uint64_t start_ns, end_ns; /* wall clock */
};

/* The JSON record (a new reference). */
json_t *nkt_mda_json(const struct nkt_mda *m, const struct nkt_mda_meta *mt,
		     const struct nkt_out_opts *o);

/* The text; returns 0 or -1. */
int nkt_mda_text(FILE *f, const struct nkt_mda *m,
		 const struct nkt_mda_meta *mt, const struct nkt_out_opts *o);

#endif
