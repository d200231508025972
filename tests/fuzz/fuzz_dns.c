// SPDX-License-Identifier: ISC
/* fuzz_dns.c: libFuzzer target for DNS answers as nktrace takes them: the
 * input as a DNS message, parsed by c-ares as a PTR answer (a hop's name)
 * and as an A answer (a target's address), then what resolve.c keeps of
 * each; and the input as a name, which nkt_is_host_name must accept only
 * when it is a plain host name (what text, JSON and terminals get). */
#include "nktrace/resolve.h"

#include <ares.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The property a kept name has: letters, digits, '.', '-', '_'. */
static void plain(const char *s)
{
	size_t n = strlen(s), i;
	if (n == 0 || n > 253)
		abort();
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char addr[4] = {175, 45, 176, 71};
	struct hostent *h = NULL;
	const char *name;
	uint32_t a = 0;
	char *s;
	int st;

	if (size > 65535)
		return 0;
	st = ares_parse_ptr_reply(data, (int)size, addr, sizeof(addr),
				  AF_INET, &h);
	name = nkt_resolver_ptr_name(st, h);
	if (name != NULL)
		plain(name);
	if (h != NULL)
		ares_free_hostent(h);
	h = NULL;
	st = ares_parse_a_reply(data, (int)size, &h, NULL, NULL);
	(void)nkt_resolver_a_addr(st, h, &a);
	if (h != NULL)
		ares_free_hostent(h);
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (nkt_is_host_name(s))
		plain(s);
	free(s);
	return 0;
}
