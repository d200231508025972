// SPDX-License-Identifier: ISC
/* targets.c: addresses, prefixes and target files into a list.  Pure. */
#include "nktrace/targets.h"
#include "nktrace/inet.h"

#include <stdlib.h>
#include <string.h>

int nkt_prefix_parse(const char *s, uint32_t *net, uint8_t *len,
		     struct nkt_err *err)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	uint32_t a, mask;
	uint64_t l;
	size_t n;

	if (slash == NULL || (n = (size_t)(slash - s)) >= sizeof(buf))
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s' is not an IPv4 prefix", s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (nkt_inet_parse(buf, &a) != NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s' is not an IPv4 prefix", s);
	if (nkt_parse_u64(slash + 1, 0, 32, &l, "prefix length", NULL) !=
	    NKT_OK)
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s': prefix length must be 0-32", s);
	mask = l == 0 ? 0 : 0xffffffffu << (32 - l);
	if (a & ~mask) {
		char fix[NKT_INET_ADDRSTRLEN];
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s' has host bits set (did you mean %s/%u?)",
				   s, nkt_inet_fmt(a & mask, fix),
				   (unsigned)l);
	}
	*net = a;
	*len = (uint8_t)l;
	return NKT_OK;
}

static void push(struct nkt_targets *t, uint32_t a)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->addr = nkt_xreallocarray(t->addr, t->cap, sizeof(*t->addr));
	}
	t->addr[t->n++] = a;
}

int nkt_targets_add_arg(struct nkt_targets *t, const char *arg,
			struct nkt_err *err)
{
	uint32_t a, net;
	uint8_t len;
	uint64_t count, i, max = t->max ? t->max : NKT_TARGETS_MAX;

	if (strchr(arg, '/') == NULL) {
		if (nkt_inet_parse(arg, &a) != NKT_OK)
			return nkt_err_set(
				err, NKT_EINVAL,
				"'%s' is not an IPv4 address or prefix",
				arg);
		if (!nkt_inet_is_unicast(a))
			return nkt_err_set(err, NKT_EINVAL,
					   "%s is not a unicast address", arg);
		if (t->n >= max)
			return nkt_err_set(err, NKT_EINVAL,
					   "more than %llu targets",
					   (unsigned long long)max);
		push(t, a);
		return NKT_OK;
	}
	if (nkt_prefix_parse(arg, &net, &len, err) != NKT_OK)
		return NKT_EINVAL;
	count = 1ULL << (32 - len);
	if (count > max || t->n + count > max)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s expands to %llu addresses; at most %llu "
				   "targets per run",
				   arg, (unsigned long long)count,
				   (unsigned long long)max);
	if (!nkt_inet_is_unicast(net) ||
	    !nkt_inet_is_unicast((uint32_t)(net + count - 1)))
		return nkt_err_set(err, NKT_EINVAL,
				   "%s holds non-unicast addresses", arg);
	for (i = 0; i < count; i++)
		push(t, (uint32_t)(net + i));
	return NKT_OK;
}

int nkt_targets_add_text(struct nkt_targets *t, const char *text, size_t len,
			 const char *origin, struct nkt_err *err)
{
	size_t pos = 0, line = 0;

	while (pos < len) {
		size_t end = pos, a, b;
		char buf[64];
		struct nkt_err sub;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		a = pos;
		b = end;
		for (size_t k = a; k < b; k++)
			if (text[k] == '#') {
				b = k;
				break;
			}
		while (a < b && (text[a] == ' ' || text[a] == '\t' ||
				 text[a] == '\r'))
			a++;
		while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' ||
				 text[b - 1] == '\r'))
			b--;
		pos = end + 1;
		if (a == b)
			continue;
		if (memchr(text + a, '\0', b - a) != NULL)
			return nkt_err_set(err, NKT_EINVAL,
					   "%s:%zu: binary data", origin,
					   line);
		if (b - a >= sizeof(buf))
			return nkt_err_set(err, NKT_EINVAL,
					   "%s:%zu: line too long for an "
					   "address or prefix",
					   origin, line);
		memcpy(buf, text + a, b - a);
		buf[b - a] = '\0';
		if (nkt_targets_add_arg(t, buf, &sub) != NKT_OK)
			return nkt_err_set(err, NKT_EINVAL, "%s:%zu: %s", origin,
					   line, sub.msg);
	}
	return NKT_OK;
}

struct pos_addr {
	uint32_t addr;
	uint32_t pos;
};

static int cmp_pos_addr(const void *x, const void *y)
{
	const struct pos_addr *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_pos(const void *x, const void *y)
{
	const struct pos_addr *a = x, *b = y;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void nkt_targets_dedup(struct nkt_targets *t)
{
	struct pos_addr *v;
	size_t i, n = 0;

	if (t->n < 2)
		return;
	v = nkt_xreallocarray(NULL, t->n, sizeof(*v));
	for (i = 0; i < t->n; i++)
		v[i] = (struct pos_addr){t->addr[i], (uint32_t)i};
	qsort(v, t->n, sizeof(*v), cmp_pos_addr);
	for (i = 0; i < t->n; i++)
		if (n == 0 || v[i].addr != v[n - 1].addr)
			v[n++] = v[i];
	qsort(v, n, sizeof(*v), cmp_pos);
	for (i = 0; i < n; i++)
		t->addr[i] = v[i].addr;
	t->n = n;
	free(v);
}

void nkt_targets_free(struct nkt_targets *t)
{
	free(t->addr);
	t->addr = NULL;
	t->n = t->cap = 0;
}
