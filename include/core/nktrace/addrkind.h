/* SPDX-License-Identifier: ISC */
/*
 * addrkind.h: special-purpose address space (RFC 6890 and friends):
 * private, shared, loopback, link-local, documentation, reserved.  Such
 * addresses are marked, never looked up in a database.  Pure.
 */
#ifndef NKTRACE_ADDRKIND_H
#define NKTRACE_ADDRKIND_H

#include <stdint.h>

enum nkt_addr_kind {
	NKT_ADDR_PUBLIC = 0,
	NKT_ADDR_PRIVATE,    /* RFC 1918, fc00::/7 */
	NKT_ADDR_SHARED,     /* RFC 6598 100.64.0.0/10 */
	NKT_ADDR_LOOPBACK,
	NKT_ADDR_LINKLOCAL,
	NKT_ADDR_DOC,        /* documentation (TEST-NET-1/2/3, 2001:db8::/32) */
	NKT_ADDR_RESERVED,   /* other special-purpose space */
};

/* The special-purpose kind of an IPv4 address (host order). */
enum nkt_addr_kind nkt_addr_kind_v4(uint32_t addr);

/* The same for an IPv6 address (16 bytes, network order). */
enum nkt_addr_kind nkt_addr_kind_v6(const uint8_t *addr);

/* "public", "private", "shared", "loopback", "link-local", "documentation",
 * "reserved". */
const char *nkt_addr_kind_name(int kind);

#endif
