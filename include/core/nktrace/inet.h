/* SPDX-License-Identifier: ISC */
/*
 * inet.h: IPv4 addresses as host-order uint32_t, Internet checksums, and
 * big-endian loads/stores on byte buffers.  Pure.
 */
#ifndef NKTRACE_INET_H
#define NKTRACE_INET_H

#include <stddef.h>
#include <stdint.h>

#define NKT_INET_ADDRSTRLEN 16

/* Parse dotted-quad `s` (exactly four decimal octets, no leading zeros
 * beyond "0") into *addr (host order).  Returns 0 or NKT_EINVAL. */
int nkt_inet_parse(const char *s, uint32_t *addr);

/* Format host-order `addr` into buf (at least NKT_INET_ADDRSTRLEN bytes);
 * returns buf. */
char *nkt_inet_fmt(uint32_t addr, char *buf);

/* One's-complement sum of len bytes (big-endian 16-bit words, odd byte
 * padded), added to `sum`; not folded or inverted. */
uint32_t nkt_inet_sum(const uint8_t *p, size_t len, uint32_t sum);

/* Fold a 32-bit one's-complement sum to 16 bits (not inverted). */
uint16_t nkt_inet_fold(uint32_t sum);

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t nkt_inet_cksum(const uint8_t *p, size_t len);

/* Sum of the IPv4 pseudo-header for a transport checksum. */
uint32_t nkt_inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			     uint16_t len);

static inline uint16_t nkt_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t nkt_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline void nkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void nkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* True for addresses a probe may be sent to: not 0/8, 127/8, multicast,
 * 240/4 or the limited broadcast. */
int nkt_inet_is_unicast(uint32_t addr);

#endif
