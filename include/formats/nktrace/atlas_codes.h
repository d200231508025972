/* SPDX-License-Identifier: ISC */
/*
 * atlas_codes.h: the short codes RIPE Atlas writes in traceroute results,
 * both directions from one table each (pure): "err" letters for ICMP
 * destination unreachable codes (IPv4 and IPv6 differ) and "flags" letters
 * for TCP flags.  out_atlas.c writes with them, import.c reads.
 */
#ifndef NKTRACE_ATLAS_CODES_H
#define NKTRACE_ATLAS_CODES_H

#include "nktrace/probe.h"

#include <stdint.h>

/*
 * The "err" value of an unreachable reply with ICMP code `code` to a probe
 * of method m over address family af (4 or 6): a letter ("N" "H" "P" "p"
 * "A" for IPv4, "N" "A" "h" "H" for IPv6) with *intcode -1; NULL with
 * *intcode -1 when Atlas writes no err (the port unreachable that ends a
 * UDP or TCP trace, fragmentation needed: "mtu" instead); else NULL with
 * the integer code in *intcode.
 */
const char *nkt_atlas_err(int af, enum nkt_method m, uint8_t code,
			  int *intcode);

/* The ICMP unreachable code of an Atlas err letter over af.  Returns 0, or
 * NKT_EMALFORMED for a letter Atlas does not write. */
int nkt_atlas_err_code(int af, char letter, int *code);

/* TCP flag bits as Atlas writes them ("SA", "RA": F S R P A U in that
 * order) into buf (7 bytes), and back (unknown letters are ignored). */
void nkt_atlas_tcp_flags(uint8_t bits, char *buf);
uint8_t nkt_atlas_tcp_bits(const char *letters);

#endif
