// SPDX-License-Identifier: ISC
/* addrkind.c: special-purpose address space.  Pure. */
#include "nktrace/addrkind.h"
#include "nktrace/common.h"

#include <string.h>

const char *nkt_addr_kind_name(int kind)
{
	static const char *n[] = {"public",	"private",  "shared",
				  "loopback",	"link-local",
				  "documentation", "reserved"};
	return (unsigned)kind < NKT_ARRAY_LEN(n) ? n[kind] : "?";
}

enum nkt_addr_kind nkt_addr_kind_v4(uint32_t a)
{
	static const struct {
		uint32_t net;
		uint8_t len;
		uint8_t kind;
	} special[] = {
		{0x0a000000u, 8, NKT_ADDR_PRIVATE},
		{0xac100000u, 12, NKT_ADDR_PRIVATE},
		{0xc0a80000u, 16, NKT_ADDR_PRIVATE},
		{0x64400000u, 10, NKT_ADDR_SHARED},
		{0x7f000000u, 8, NKT_ADDR_LOOPBACK},
		{0xa9fe0000u, 16, NKT_ADDR_LINKLOCAL},
		{0xc0000200u, 24, NKT_ADDR_DOC},
		{0xc6336400u, 24, NKT_ADDR_DOC},
		{0xcb007100u, 24, NKT_ADDR_DOC},
		{0x00000000u, 8, NKT_ADDR_RESERVED},
		{0xc0000000u, 24, NKT_ADDR_RESERVED},
		{0xc6120000u, 15, NKT_ADDR_RESERVED},
		{0xe0000000u, 3, NKT_ADDR_RESERVED}, /* multicast and 240/4 */
	};
	size_t i;
	for (i = 0; i < NKT_ARRAY_LEN(special); i++) {
		uint32_t mask = 0xffffffffu << (32 - special[i].len);
		if ((a & mask) == special[i].net)
			return (enum nkt_addr_kind)special[i].kind;
	}
	return NKT_ADDR_PUBLIC;
}

enum nkt_addr_kind nkt_addr_kind_v6(const uint8_t *b)
{
	static const uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1};
	static const uint8_t zero[16] = {0};
	if ((b[0] & 0xfe) == 0xfc)
		return NKT_ADDR_PRIVATE;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return NKT_ADDR_LINKLOCAL;
	if (memcmp(b, loop, 16) == 0)
		return NKT_ADDR_LOOPBACK;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return NKT_ADDR_DOC;
	if (b[0] == 0xff || memcmp(b, zero, 16) == 0)
		return NKT_ADDR_RESERVED;
	return NKT_ADDR_PUBLIC;
}

