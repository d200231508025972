/* SPDX-License-Identifier: ISC */
/*
 * jsonget.h: typed members of a JSON object (pure), for the readers of
 * other tools' records.  Each takes the object's path ("result[2]") for its
 * messages, so an error names the member: "result[2].result[0].rtt: not a
 * number".  An absent or null member is never an error: the default (or
 * NULL, NAN, 0) is given.  Returns NKT_OK or NKT_EMALFORMED (err set).
 */
#ifndef NKTRACE_JSONGET_H
#define NKTRACE_JSONGET_H

#include "nktrace/addrtab.h"
#include "nktrace/common.h"

#include <jansson.h>
#include <stdint.h>

/* An integer in [lo, hi] (absent: dflt). */
int nkt_jget_int(const json_t *o, const char *key, json_int_t lo,
		 json_int_t hi, json_int_t dflt, const char *path,
		 json_int_t *v, struct nkt_err *err);

/* An integer of 8 or 16 bits: [0, 255] or [0, 65535] (absent: dflt). */
int nkt_jget_u8(const json_t *o, const char *key, json_int_t dflt,
		const char *path, uint8_t *out, struct nkt_err *err);
int nkt_jget_u16(const json_t *o, const char *key, json_int_t dflt,
		 const char *path, uint16_t *out, struct nkt_err *err);

/* A number in [0, 1e9] (absent: NAN). */
int nkt_jget_num(const json_t *o, const char *key, const char *path,
		 double *v, struct nkt_err *err);

/* A string (absent: NULL). */
int nkt_jget_str(const json_t *o, const char *key, const char *path,
		 const char **v, struct nkt_err *err);

/* An array (absent: NULL). */
int nkt_jget_array(const json_t *o, const char *key, const char *path,
		   const json_t **v, struct nkt_err *err);

/* An address (absent or "": 0); IPv6 and other forms are interned in at. */
int nkt_jget_addr(const json_t *o, const char *key, const char *path,
		  struct nkt_addrtab *at, uint32_t *addr, struct nkt_err *err);

/* A time {"sec": S, "usec": U} as ns since the epoch (absent, or not an
 * object: 0). */
int nkt_jget_time(const json_t *o, const char *key, const char *path,
		  uint64_t *ns, struct nkt_err *err);

/* An MPLS label stack entry from an object whose four members `keys`
 * name label, exp, s and ttl, as on the wire (RFC 3032). */
int nkt_jget_mpls(const json_t *o, const char *const keys[4],
		  const char *path, uint32_t *lse, struct nkt_err *err);

#endif
