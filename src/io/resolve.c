// SPDX-License-Identifier: ISC
/*
 * resolve.c: reverse and forward DNS through c-ares, with a cache of every
 * address asked (open addressing over the address; grown at half full).
 */
#include "nktrace/resolve.h"
#include "nktrace/clock.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 253

enum { SLOT_EMPTY, SLOT_PENDING, SLOT_DONE };

struct slot {
	uint32_t addr;
	uint8_t state;
	char *name;  /* PTR name, or NULL */
	char *given; /* the target name it was given as, or NULL */
};

struct nkt_resolver {
	ares_channel ch;
	struct slot *slot;
	size_t cap, used;
	uint64_t asked, named, unnamed, unanswered, pending;
};

/* A query in flight: the resolver and the address it asks about. */
struct query {
	struct nkt_resolver *r;
	uint32_t addr;
};

int nkt_is_host_name(const char *s)
{
	size_t n = 0;
	int letter = 0;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '_')
			letter = 1;
		else if (!((c >= '0' && c <= '9') || c == '.'))
			return 0;
	}
	return n > 0 && n <= NAME_MAX_LEN && letter && s[0] != '.' &&
	       s[0] != '-';
}

static size_t hash(uint32_t a, size_t cap)
{
	return (size_t)((a * 2654435761u) & (uint32_t)(cap - 1));
}

static struct slot *find(const struct nkt_resolver *r, uint32_t addr)
{
	size_t i = hash(addr, r->cap);
	while (r->slot[i].state != SLOT_EMPTY) {
		if (r->slot[i].addr == addr)
			return &r->slot[i];
		i = (i + 1) & (r->cap - 1);
	}
	return NULL;
}

static void grow(struct nkt_resolver *r)
{
	struct slot *old = r->slot;
	size_t i, cap = r->cap;

	r->cap *= 2;
	r->slot = nkt_xcalloc(r->cap, sizeof(*r->slot));
	for (i = 0; i < cap; i++) {
		size_t j;
		if (old[i].state == SLOT_EMPTY)
			continue;
		j = hash(old[i].addr, r->cap);
		while (r->slot[j].state != SLOT_EMPTY)
			j = (j + 1) & (r->cap - 1);
		r->slot[j] = old[i];
	}
	free(old);
}

/* addr's slot, made (pending, nothing known) if absent. */
static struct slot *get(struct nkt_resolver *r, uint32_t addr, int *made)
{
	struct slot *s = find(r, addr);
	size_t i;

	*made = 0;
	if (s != NULL)
		return s;
	if (2 * (r->used + 1) > r->cap)
		grow(r);
	i = hash(addr, r->cap);
	while (r->slot[i].state != SLOT_EMPTY)
		i = (i + 1) & (r->cap - 1);
	r->slot[i].addr = addr;
	r->slot[i].state = SLOT_DONE;
	r->used++;
	*made = 1;
	return &r->slot[i];
}

struct nkt_resolver *nkt_resolver_open(uint64_t query_ns, struct nkt_err *err)
{
	struct nkt_resolver *r;
	struct ares_options opt;
	int rc;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		nkt_err_set(err, NKT_ESYS, "DNS resolver: %s",
			    ares_strerror(rc));
		return NULL;
	}
	r = nkt_xcalloc(1, sizeof(*r));
	memset(&opt, 0, sizeof(opt));
	opt.timeout = (int)(query_ns / 1000000u);
	if (opt.timeout < 1)
		opt.timeout = 1;
	opt.tries = 2;
	rc = ares_init_options(&r->ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		nkt_err_set(err, NKT_ESYS, "DNS resolver: %s",
			    ares_strerror(rc));
		free(r);
		ares_library_cleanup();
		return NULL;
	}
	r->cap = 256;
	r->slot = nkt_xcalloc(r->cap, sizeof(*r->slot));
	return r;
}

void nkt_resolver_close(struct nkt_resolver *r)
{
	size_t i;
	if (r == NULL)
		return;
	/* Cancelled queries' callbacks run here and free their queries. */
	ares_destroy(r->ch);
	for (i = 0; i < r->cap; i++) {
		free(r->slot[i].name);
		free(r->slot[i].given);
	}
	free(r->slot);
	free(r);
	ares_library_cleanup();
}

const char *nkt_resolver_ptr_name(int status, const struct hostent *h)
{
	if (status == ARES_SUCCESS && h != NULL && h->h_name != NULL &&
	    nkt_is_host_name(h->h_name))
		return h->h_name;
	return NULL;
}

int nkt_resolver_a_addr(int status, const struct hostent *h,
			uint32_t *addr)
{
	struct in_addr in;
	if (status != ARES_SUCCESS || h == NULL || h->h_addrtype != AF_INET ||
	    h->h_length != (int)sizeof(in) || h->h_addr_list == NULL ||
	    h->h_addr_list[0] == NULL)
		return 0;
	memcpy(&in, h->h_addr_list[0], sizeof(in));
	*addr = ntohl(in.s_addr);
	return 1;
}

static void on_ptr(void *arg, int status, int timeouts, struct hostent *h)
{
	struct query *q = arg;
	struct nkt_resolver *r = q->r;
	struct slot *s = find(r, q->addr);
	const char *name = nkt_resolver_ptr_name(status, h);

	free(q);
	if (status == ARES_EDESTRUCTION || s == NULL ||
	    s->state != SLOT_PENDING)
		return;
	s->state = SLOT_DONE;
	r->pending--;
	if (name != NULL) {
		s->name = strdup(name);
		r->named++;
	} else if (timeouts > 0 || status == ARES_ETIMEOUT ||
		   status == ARES_ECONNREFUSED || status == ARES_ESERVFAIL ||
		   status == ARES_ECANCELLED)
		/* c-ares ends a reverse lookup that timed out as "not
		 * found": its time-outs tell. */
		r->unanswered++;
	else
		r->unnamed++;
}

void nkt_resolver_want(struct nkt_resolver *r, uint32_t addr)
{
	struct in_addr in;
	struct query *q;
	int made;
	struct slot *s = get(r, addr, &made);

	if (!made)
		return;
	s->state = SLOT_PENDING;
	r->asked++;
	r->pending++;
	q = nkt_xcalloc(1, sizeof(*q));
	q->r = r;
	q->addr = addr;
	in.s_addr = htonl(addr);
	/* May answer at once (from the hosts file) and so call on_ptr. */
	ares_gethostbyaddr(r->ch, &in, sizeof(in), AF_INET, on_ptr, q);
}

/* One round of waiting on c-ares' sockets, at most max_ms. */
static void step(struct nkt_resolver *r, int max_ms)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval tv, maxtv, *t;
	int bits, i, n = 0, ms;

	bits = ares_getsock(r->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = 0;
		/* c-ares' ARES_GETSOCK_WRITABLE shifts a signed 1 by up to
		 * 31 places: the same bits, unsigned. */
		if ((unsigned)bits & (1u << i))
			ev |= POLLIN;
		if ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
			ev |= POLLOUT;
		if (ev) {
			pfd[n].fd = socks[i];
			pfd[n].events = ev;
			pfd[n].revents = 0;
			n++;
		}
	}
	maxtv.tv_sec = max_ms / 1000;
	maxtv.tv_usec = (max_ms % 1000) * 1000;
	t = ares_timeout(r->ch, &maxtv, &tv);
	ms = (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
	if (n > 0 || ms > 0)
		poll(pfd, (nfds_t)n, ms);
	for (i = 0; i < n; i++) {
		ares_socket_t rd = ARES_SOCKET_BAD, wr = ARES_SOCKET_BAD;
		if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
			rd = pfd[i].fd;
		if (pfd[i].revents & POLLOUT)
			wr = pfd[i].fd;
		if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD)
			ares_process_fd(r->ch, rd, wr);
	}
	/* Time-outs and retries. */
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

void nkt_resolver_poll(struct nkt_resolver *r)
{
	if (r->pending > 0)
		step(r, 0);
}

void nkt_resolver_wait(struct nkt_resolver *r, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t now = nkt_clock_mono_ns();
		if (r->pending == 0 || now >= deadline_ns)
			return;
		step(r, (int)((deadline_ns - now + 999999) / 1000000));
	}
}

int nkt_resolver_settled(const struct nkt_resolver *r, uint32_t addr)
{
	const struct slot *s = find(r, addr);
	return s == NULL || s->state != SLOT_PENDING;
}

const char *nkt_resolver_name(const struct nkt_resolver *r, uint32_t addr)
{
	const struct slot *s = find(r, addr);
	if (s == NULL)
		return NULL;
	return s->given != NULL ? s->given : s->name;
}

const char *nkt_resolver_given(const struct nkt_resolver *r, uint32_t addr)
{
	const struct slot *s = find(r, addr);
	return s != NULL ? s->given : NULL;
}

/* The answer of a forward query. */
struct host_query {
	int done, status;
	uint32_t addr;
};

static void on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	struct host_query *q = arg;
	(void)timeouts;
	q->done = 1;
	q->status = status;
	if (!nkt_resolver_a_addr(status, h, &q->addr) && status == ARES_SUCCESS)
		q->status = ARES_ENODATA;
}

int nkt_resolver_host(struct nkt_resolver *r, const char *name,
		      uint64_t deadline_ns, uint32_t *addr,
		      struct nkt_err *err)
{
	struct host_query q = {0, 0, 0};
	struct slot *s;
	int made;

	if (!nkt_is_host_name(name))
		return nkt_err_set(err, NKT_EINVAL,
				   "'%s' is not an address, prefix or host "
				   "name",
				   name);
	ares_gethostbyname(r->ch, name, AF_INET, on_host, &q);
	while (!q.done) {
		uint64_t now = nkt_clock_mono_ns();
		if (now >= deadline_ns) {
			/* on_host runs (ARES_ECANCELLED) before this
			 * returns, while q is still alive. */
			ares_cancel(r->ch);
			return nkt_err_set(err, NKT_ESYS,
					   "%s: no answer from the DNS in "
					   "time",
					   name);
		}
		step(r, (int)((deadline_ns - now + 999999) / 1000000));
	}
	if (q.status != ARES_SUCCESS)
		return nkt_err_set(err,
				   q.status == ARES_ENOTFOUND ||
						   q.status == ARES_ENODATA
					   ? NKT_ENOTFOUND
					   : NKT_ESYS,
				   "%s: %s", name,
				   q.status == ARES_ENOTFOUND
					   ? "no such host"
					   : ares_strerror(q.status));
	*addr = q.addr;
	s = get(r, q.addr, &made);
	if (s->given == NULL)
		s->given = strdup(name);
	return NKT_OK;
}

void nkt_resolver_counts(const struct nkt_resolver *r, uint64_t *asked,
			 uint64_t *named, uint64_t *unnamed,
			 uint64_t *unanswered)
{
	*asked = r->asked;
	*named = r->named;
	*unnamed = r->unnamed;
	*unanswered = r->unanswered + r->pending;
}
