/* SPDX-License-Identifier: ISC */
/* fuzz_dlts.h: the link types a fuzz input's selector byte picks from
 * (fuzz_reply.c, fuzz_replay.c; run_fuzz.py's DLTS maps pcap link types
 * to these positions). */
#ifndef NKT_FUZZ_DLTS_H
#define NKT_FUZZ_DLTS_H

#include "nktrace/reply.h"

static const int fuzz_dlts[] = {NKT_DLT_EN10MB,    NKT_DLT_LINUX_SLL,
				NKT_DLT_LINUX_SLL2, NKT_DLT_RAW,
				NKT_DLT_NULL,      NKT_DLT_LOOP,
				NKT_DLT_PPP,	   NKT_DLT_IPV4};

#define FUZZ_DLT(sel) (fuzz_dlts[(sel) % (sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0]))])

#endif
