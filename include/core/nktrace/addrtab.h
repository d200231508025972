/* SPDX-License-Identifier: ISC */
/*
 * addrtab.h: addresses that do not fit the IPv4-only core (pure).
 *
 * The probe engine, traces and the analysis carry addresses as host-order
 * uint32_t.  Imported results can hold IPv6 addresses: each distinct IPv6
 * address (or prefix) gets a handle in 240.0.0.0/4, a block no reply or
 * target ever uses, and every writer formats addresses through the table.
 * An IPv4 address that itself falls in 240.0.0.0/4 is given a handle too,
 * so a handle is never ambiguous.  With no table (NULL) every address is
 * plain IPv4.  The table grows with the distinct addresses seen, never
 * with the number of records.
 */
#ifndef NKTRACE_ADDRTAB_H
#define NKTRACE_ADDRTAB_H

#include <stddef.h>
#include <stdint.h>

#define NKT_ADDRSTRLEN 64 /* an IPv6 prefix with its length, and NUL */
#define NKT_ADDRTAB_BASE 0xf0000000u

struct nkt_addrtab_entry {
	uint8_t af;   /* 4 or 6 */
	uint8_t len;  /* prefix length; 32 or 128 for an address */
	uint8_t b[16];
};

struct nkt_addrtab {
	struct nkt_addrtab_entry *e;
	size_t n, cap;
	uint32_t *slot; /* open addressing: entry index + 1, 0 = empty */
	size_t nslot;
};

/* Parse an IPv4 or IPv6 address (text) into *addr: the IPv4 address
 * itself (also when written IPv4-mapped, ::ffff:a.b.c.d), or a handle.  Returns 0, NKT_EINVAL if `s` is no address, or
 * NKT_EFULL after 2^28 distinct handles. */
int nkt_addrtab_parse(struct nkt_addrtab *t, const char *s, uint32_t *addr);

/* The prefix an address belongs to, for grouping: IPv4 /24 (the address
 * masked), IPv6 /48 (a handle).  *len gets the length (0 with the result
 * 0 when the table is full). */
uint32_t nkt_addrtab_prefix(struct nkt_addrtab *t, uint32_t addr,
			    uint8_t *len);

/* 1 if addr is a handle of t (t may be NULL: 0). */
int nkt_addrtab_is_handle(const struct nkt_addrtab *t, uint32_t addr);

/* 4 or 6. */
int nkt_addrtab_af(const struct nkt_addrtab *t, uint32_t addr);

/* Format an address (t may be NULL) into buf (NKT_ADDRSTRLEN bytes);
 * returns buf.  A prefix handle formats without its length. */
char *nkt_addrtab_fmt(const struct nkt_addrtab *t, uint32_t addr,
		      char *buf);

void nkt_addrtab_free(struct nkt_addrtab *t);

#endif
