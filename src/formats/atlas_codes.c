// SPDX-License-Identifier: ISC
/* atlas_codes.c: RIPE Atlas's err and flags letters, one table each for
 * writing and reading (see atlas_codes.h).  Pure. */
#include "nktrace/atlas_codes.h"
#include "nktrace/common.h"

#include <stddef.h>

/*
 * ICMP destination unreachable codes and Atlas's letters.  v4/v6: the code
 * a letter stands for; w4/w6: whether Atlas writes that letter for the code
 * (two letters read as code 2; 'p' is written only for ICMP probes, since
 * a UDP or TCP trace ends on port unreachable without an err).
 */
static const struct {
	const char *letter;
	uint8_t v4, v6;
	uint8_t w4, w6;
} err_tab[] = {
	{"N", 0, 0, 1, 1},  /* network unreachable / no route */
	{"H", 1, 3, 1, 1},  /* host unreachable / address unreachable */
	{"P", 2, 2, 1, 0},  /* protocol unreachable (IPv4) */
	{"h", 2, 2, 0, 1},  /* beyond the scope of the source (IPv6) */
	{"p", 3, 4, 1, 0},  /* port unreachable */
	{"A", 13, 1, 1, 1}, /* administratively prohibited */
};

const char *nkt_atlas_err(int af, enum nkt_method m, uint8_t code,
			  int *intcode)
{
	size_t i;

	*intcode = -1;
	/* Fragmentation needed (IPv4) is written as "mtu"; port unreachable
	 * ends a UDP or TCP trace, and every IPv6 one, without an err. */
	if (code == 4 || (af != 6 && code == 3 && m != NKT_METHOD_ICMP))
		return NULL;
	for (i = 0; i < NKT_ARRAY_LEN(err_tab); i++)
		if (af == 6 ? err_tab[i].w6 && err_tab[i].v6 == code
			    : err_tab[i].w4 && err_tab[i].v4 == code)
			return err_tab[i].letter;
	*intcode = code;
	return NULL;
}

int nkt_atlas_err_code(int af, char letter, int *code)
{
	size_t i;

	for (i = 0; i < NKT_ARRAY_LEN(err_tab); i++)
		if (err_tab[i].letter[0] == letter) {
			*code = af == 6 ? err_tab[i].v6 : err_tab[i].v4;
			return NKT_OK;
		}
	return NKT_EMALFORMED;
}

/* TCP flags in the order Atlas writes them. */
static const struct {
	uint8_t bit;
	char letter;
} flag_tab[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'},
		{0x08, 'P'}, {0x10, 'A'}, {0x20, 'U'}};

void nkt_atlas_tcp_flags(uint8_t bits, char *buf)
{
	size_t i, n = 0;

	for (i = 0; i < NKT_ARRAY_LEN(flag_tab); i++)
		if (bits & flag_tab[i].bit)
			buf[n++] = flag_tab[i].letter;
	buf[n] = '\0';
}

uint8_t nkt_atlas_tcp_bits(const char *letters)
{
	uint8_t bits = 0;
	size_t i;

	for (; letters && *letters; letters++)
		for (i = 0; i < NKT_ARRAY_LEN(flag_tab); i++)
			if (*letters == flag_tab[i].letter)
				bits |= flag_tab[i].bit;
	return bits;
}
