// SPDX-License-Identifier: ISC
/* inet.c: IPv4 text form and Internet checksums.  Pure. */
#include "nktrace/inet.h"
#include "nktrace/common.h"

#include <stdio.h>

int nkt_inet_parse(const char *s, uint32_t *addr)
{
	uint32_t v = 0;
	int octets = 0;

	if (s == NULL)
		return NKT_EINVAL;
	while (octets < 4) {
		unsigned n = 0;
		int digits = 0;
		if (*s == '0' && s[1] >= '0' && s[1] <= '9')
			return NKT_EINVAL; /* 010 is ambiguous (octal?) */
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || n > 255)
				return NKT_EINVAL;
			s++;
		}
		if (digits == 0)
			return NKT_EINVAL;
		v = (v << 8) | n;
		octets++;
		if (octets < 4) {
			if (*s != '.')
				return NKT_EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return NKT_EINVAL;
	*addr = v;
	return NKT_OK;
}

char *nkt_inet_fmt(uint32_t addr, char *buf)
{
	snprintf(buf, NKT_INET_ADDRSTRLEN, "%u.%u.%u.%u", addr >> 24,
		 (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

uint32_t nkt_inet_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

uint16_t nkt_inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t nkt_inet_cksum(const uint8_t *p, size_t len)
{
	return (uint16_t)~nkt_inet_fold(nkt_inet_sum(p, len, 0));
}

uint32_t nkt_inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
			     uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + len;
}

int nkt_inet_is_unicast(uint32_t addr)
{
	uint32_t a = addr >> 24;
	return a != 0 && a != 127 && a < 224;
}
