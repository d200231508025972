/* SPDX-License-Identifier: ISC */
/*
 * out_text.h: a trace printed the way traceroute prints one (a header
 * line, then one line per hop with every reply's address and RTT).
 */
#ifndef NKTRACE_OUT_TEXT_H
#define NKTRACE_OUT_TEXT_H

#include "nktrace/out_opts.h"
#include "nktrace/trace.h"

#include <stdio.h>

/* Print one trace like traceroute; returns 0 or -1. */
int nkt_text_write(FILE *f, const struct nkt_trace *t,
		   const struct nkt_out_opts *o);

#endif
