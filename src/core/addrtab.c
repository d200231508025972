// SPDX-License-Identifier: ISC
/* addrtab.c: handles for addresses the IPv4 core cannot hold (addrtab.h). */
#include "nktrace/addrtab.h"
#include "nktrace/common.h"
#include "nktrace/inet.h"
#include "nktrace/keyhash.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct nkt_key hash_key = {0x6e6b74726163652dULL,
					 0x61646472746162ULL};

static uint64_t entry_hash(const struct nkt_addrtab_entry *e)
{
	return nkt_keyhash(&hash_key, e, sizeof(*e));
}

static void grow(struct nkt_addrtab *t)
{
	size_t i, nslot = t->nslot ? t->nslot * 2 : 64;
	uint32_t *slot = nkt_xcalloc(nslot, sizeof(*slot));
	for (i = 0; i < t->n; i++) {
		size_t s = (size_t)entry_hash(&t->e[i]) & (nslot - 1);
		while (slot[s] != 0)
			s = (s + 1) & (nslot - 1);
		slot[s] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
}

/* The handle of an entry, added if new; 0 when the table is full (2^28
 * distinct entries, some 5 GB of them). */
static uint32_t intern(struct nkt_addrtab *t,
		       const struct nkt_addrtab_entry *e)
{
	size_t s;

	if ((t->n + 1) * 2 > t->nslot)
		grow(t);
	s = (size_t)entry_hash(e) & (t->nslot - 1);
	while (t->slot[s] != 0) {
		const struct nkt_addrtab_entry *x = &t->e[t->slot[s] - 1];
		if (memcmp(x, e, sizeof(*e)) == 0)
			return NKT_ADDRTAB_BASE | (t->slot[s] - 1);
		s = (s + 1) & (t->nslot - 1);
	}
	if (t->n >= 0x0fffffffu)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->e = nkt_xreallocarray(t->e, t->cap, sizeof(*t->e));
	}
	t->e[t->n] = *e;
	t->slot[s] = (uint32_t)(t->n + 1);
	return NKT_ADDRTAB_BASE | (uint32_t)t->n++;
}

/* The IPv4 address s names, as dotted quad or IPv4-mapped IPv6
 * (::ffff:a.b.c.d, as some scamper converters write IPv4); 0 if neither. */
static int parse_v4(const char *s, struct in_addr *a4)
{
	uint8_t b[16];
	if (inet_pton(AF_INET, s, a4) == 1)
		return 1;
	if (inet_pton(AF_INET6, s, b) == 1 &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(void *)b)) {
		memcpy(a4, b + 12, 4);
		return 1;
	}
	return 0;
}

int nkt_addrtab_parse(struct nkt_addrtab *t, const char *s, uint32_t *addr)
{
	struct nkt_addrtab_entry e;
	struct in_addr a4;

	memset(&e, 0, sizeof(e));
	if (parse_v4(s, &a4)) {
		uint32_t v = ntohl(a4.s_addr);
		if ((v & 0xf0000000u) != NKT_ADDRTAB_BASE) {
			*addr = v;
			return NKT_OK;
		}
		e.af = 4;
		e.len = 32;
		memcpy(e.b, &a4, 4);
	} else if (inet_pton(AF_INET6, s, e.b) == 1) {
		e.af = 6;
		e.len = 128;
	} else
		return NKT_EINVAL;
	*addr = intern(t, &e);
	return *addr ? NKT_OK : NKT_EFULL;
}

static const struct nkt_addrtab_entry *entry(const struct nkt_addrtab *t,
					     uint32_t addr)
{
	if (t == NULL || (addr & 0xf0000000u) != NKT_ADDRTAB_BASE ||
	    (addr & 0x0fffffffu) >= t->n)
		return NULL;
	return &t->e[addr & 0x0fffffffu];
}

int nkt_addrtab_is_handle(const struct nkt_addrtab *t, uint32_t addr)
{
	return entry(t, addr) != NULL;
}

int nkt_addrtab_af(const struct nkt_addrtab *t, uint32_t addr)
{
	const struct nkt_addrtab_entry *e = entry(t, addr);
	return e ? e->af : 4;
}

static uint32_t full_or(struct nkt_addrtab *t,
			const struct nkt_addrtab_entry *p, uint8_t *len)
{
	uint32_t h = intern(t, p);
	if (h == 0)
		*len = 0;
	return h;
}

uint32_t nkt_addrtab_prefix(struct nkt_addrtab *t, uint32_t addr,
			    uint8_t *len)
{
	const struct nkt_addrtab_entry *e = entry(t, addr);
	struct nkt_addrtab_entry p;

	if (e == NULL || e->af == 4) {
		uint32_t v = e ? nkt_get32(e->b) : addr;
		*len = 24;
		if (e == NULL)
			return v & 0xffffff00u;
		memset(&p, 0, sizeof(p));
		p.af = 4;
		p.len = 24;
		nkt_put32(p.b, v & 0xffffff00u);
		return full_or(t, &p, len);
	}
	memset(&p, 0, sizeof(p));
	p.af = 6;
	p.len = 48;
	memcpy(p.b, e->b, 6);
	*len = 48;
	return full_or(t, &p, len);
}

char *nkt_addrtab_fmt(const struct nkt_addrtab *t, uint32_t addr, char *buf)
{
	const struct nkt_addrtab_entry *e = entry(t, addr);
	if (e == NULL)
		return nkt_inet_fmt(addr, buf);
	if (inet_ntop(e->af == 6 ? AF_INET6 : AF_INET, e->b, buf,
		      NKT_ADDRSTRLEN) == NULL)
		snprintf(buf, NKT_ADDRSTRLEN, "?");
	return buf;
}

void nkt_addrtab_free(struct nkt_addrtab *t)
{
	free(t->e);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}
