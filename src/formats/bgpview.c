// SPDX-License-Identifier: ISC
/* bgpview.c: the control plane of chosen prefixes (bgpview.h). */
#include "nktrace/bgpview.h"
#include "nktrace/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BGP_ESTABLISHED 6

void nkt_bgp_view_init(struct nkt_bgp_view *v, const struct nkt_bgp_sel *sel,
		       const struct nkt_transits *ts)
{
	memset(v, 0, sizeof(*v));
	if (sel)
		v->sel = *sel;
	v->ts = ts;
}

/* Whether two upstreams are one transit (bgpview.h). */
static int same_transit(const struct nkt_bgp_view *v, uint32_t a, uint32_t b)
{
	int ga, gb;
	if (a == b)
		return 1;
	if (v->ts == NULL)
		return 0;
	ga = nkt_transit_of_asn(v->ts, a);
	gb = nkt_transit_of_asn(v->ts, b);
	return ga >= 0 && ga == gb && v->ts->t[ga].configured;
}

/* Whether another upstream of prefix pf of asn's transit was ever seen
 * (now: has routes now). */
static int transit_other(const struct nkt_bgp_view *v,
			 const struct nkt_bgp_prefix *pf, uint32_t asn,
			 int now)
{
	size_t i;
	for (i = 0; i < pf->n_up; i++)
		if (pf->up[i].asn != asn &&
		    same_transit(v, pf->up[i].asn, asn) &&
		    (now ? pf->up[i].routes > 0 : pf->up[i].first_seen != 0))
			return 1;
	return 0;
}

void nkt_bgp_view_free(struct nkt_bgp_view *v)
{
	size_t i;
	for (i = 0; i < v->n; i++) {
		free(v->p[i].routes);
		free(v->p[i].up);
		free(v->p[i].orig);
	}
	free(v->p);
	free(v->peers);
	free(v->peer_dumped);
	free(v->peer_hash);
	free(v->pfx_hash);
	free(v->ev);
	memset(v, 0, sizeof(*v));
}

int nkt_mrt_prefix_in(const struct nkt_mrt_prefix *a,
		      const struct nkt_mrt_prefix *b)
{
	unsigned full, rest;
	if (a->addr.af != b->addr.af || a->len < b->len)
		return 0;
	full = b->len / 8;
	rest = b->len % 8;
	if (memcmp(a->addr.a, b->addr.a, full) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a->addr.a[full] & mask) != (b->addr.a[full] & mask))
			return 0;
	}
	return 1;
}

char *nkt_mrt_prefix_str(const struct nkt_mrt_prefix *p, char *buf,
			 size_t len)
{
	char a[64];
	nkt_mrt_addr_str(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

int nkt_mrt_prefix_parse(const char *s, struct nkt_mrt_prefix *out)
{
	char a[64], *slash;
	unsigned long len;
	char *end;
	struct nkt_mrt_prefix masked;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= sizeof(a))
		return -1;
	strcpy(a, s);
	if ((slash = strchr(a, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (inet_pton(AF_INET, a, out->addr.a) == 1)
		out->addr.af = 4;
	else if (inet_pton(AF_INET6, a, out->addr.a) == 1)
		out->addr.af = 6;
	else
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	len = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || len > (out->addr.af == 6 ? 128u : 32u))
		return -1;
	out->len = (uint8_t)len;
	/* host bits must be zero */
	masked = *out;
	memset(masked.addr.a, 0, sizeof(masked.addr.a));
	memcpy(masked.addr.a, out->addr.a, len / 8);
	if (len % 8)
		masked.addr.a[len / 8] = (uint8_t)(out->addr.a[len / 8] &
						   (0xff << (8 - len % 8)));
	return memcmp(masked.addr.a, out->addr.a, 16) == 0 ? 0 : -1;
}

int nkt_bgp_sel_match(const struct nkt_bgp_sel *sel,
		      const struct nkt_mrt_prefix *p, uint32_t origin)
{
	size_t i;
	for (i = 0; i < sel->n_prefixes; i++)
		if (nkt_mrt_prefix_in(p, &sel->prefixes[i]))
			return 1;
	if (origin != 0)
		for (i = 0; i < sel->n_origins; i++)
			if (sel->origins[i] == origin)
				return 1;
	return 0;
}

/* FNV-1a over bytes */
static uint64_t fnv(const void *data, size_t n, uint64_t h)
{
	const uint8_t *b = data;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t peer_key(const struct nkt_mrt_peer *p)
{
	uint64_t h = fnv(&p->addr.af, 1, 0xcbf29ce484222325ULL);
	h = fnv(p->addr.a, 16, h);
	return fnv(&p->asn, sizeof(p->asn), h);
}

static int peer_eq(const struct nkt_mrt_peer *a, const struct nkt_mrt_peer *b)
{
	return a->addr.af == b->addr.af && a->asn == b->asn &&
	       memcmp(a->addr.a, b->addr.a, 16) == 0;
}

static void peer_rehash(struct nkt_bgp_view *v)
{
	size_t i, cap = v->hash_cap ? v->hash_cap * 2 : 64;
	free(v->peer_hash);
	v->peer_hash = nkt_xcalloc(cap, sizeof(*v->peer_hash));
	v->hash_cap = cap;
	for (i = 0; i < v->n_peers; i++) {
		size_t j = peer_key(&v->peers[i]) & (cap - 1);
		while (v->peer_hash[j])
			j = (j + 1) & (cap - 1);
		v->peer_hash[j] = i + 1;
	}
}

/* The view's index of a peer, added if new. */
static uint32_t peer_intern(struct nkt_bgp_view *v, const struct nkt_mrt_peer *p)
{
	size_t j;
	if (2 * (v->n_peers + 1) > v->hash_cap)
		peer_rehash(v);
	j = peer_key(p) & (v->hash_cap - 1);
	while (v->peer_hash[j]) {
		if (peer_eq(&v->peers[v->peer_hash[j] - 1], p))
			return (uint32_t)(v->peer_hash[j] - 1);
		j = (j + 1) & (v->hash_cap - 1);
	}
	if (v->n_peers == v->cap_peers) {
		v->cap_peers = v->cap_peers ? 2 * v->cap_peers : 64;
		v->peers = nkt_xreallocarray(v->peers, v->cap_peers,
					     sizeof(*v->peers));
		v->peer_dumped = nkt_xrealloc(v->peer_dumped, v->cap_peers);
	}
	v->peers[v->n_peers] = *p;
	v->peer_dumped[v->n_peers] = 0;
	v->peer_hash[j] = v->n_peers + 1;
	return (uint32_t)v->n_peers++;
}

static uint64_t pfx_key(const struct nkt_mrt_prefix *p)
{
	uint64_t h = fnv(&p->addr.af, 1, 0xcbf29ce484222325ULL);
	h = fnv(&p->len, 1, h);
	return fnv(p->addr.a, 16, h);
}

static int pfx_eq(const struct nkt_mrt_prefix *a,
		  const struct nkt_mrt_prefix *b)
{
	return a->addr.af == b->addr.af && a->len == b->len &&
	       memcmp(a->addr.a, b->addr.a, 16) == 0;
}

static void pfx_rehash(struct nkt_bgp_view *v)
{
	size_t i, cap = v->pfx_hash_cap ? v->pfx_hash_cap * 2 : 64;
	free(v->pfx_hash);
	v->pfx_hash = nkt_xcalloc(cap, sizeof(*v->pfx_hash));
	v->pfx_hash_cap = cap;
	for (i = 0; i < v->n; i++) {
		size_t j = pfx_key(&v->p[i].prefix) & (cap - 1);
		while (v->pfx_hash[j])
			j = (j + 1) & (cap - 1);
		v->pfx_hash[j] = i + 1;
	}
}

/* The view's index of a prefix, or -1 (create: added). */
static long pfx_find(struct nkt_bgp_view *v, const struct nkt_mrt_prefix *p,
		     int create)
{
	size_t j;
	if (v->pfx_hash_cap == 0 || 2 * (v->n + 1) > v->pfx_hash_cap) {
		if (!create && v->pfx_hash_cap == 0)
			return -1;
		pfx_rehash(v);
	}
	j = pfx_key(p) & (v->pfx_hash_cap - 1);
	while (v->pfx_hash[j]) {
		if (pfx_eq(&v->p[v->pfx_hash[j] - 1].prefix, p))
			return (long)(v->pfx_hash[j] - 1);
		j = (j + 1) & (v->pfx_hash_cap - 1);
	}
	if (!create)
		return -1;
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->p = nkt_xreallocarray(v->p, v->cap, sizeof(*v->p));
	}
	memset(&v->p[v->n], 0, sizeof(v->p[v->n]));
	v->p[v->n].prefix = *p;
	v->pfx_hash[j] = v->n + 1;
	return (long)v->n++;
}

static void event(struct nkt_bgp_view *v, int kind, int64_t t, size_t prefix,
		  uint32_t asn, size_t covering)
{
	struct nkt_bgp_event *e;
	if (v->n_ev == v->cap_ev) {
		v->cap_ev = v->cap_ev ? 2 * v->cap_ev : 16;
		v->ev = nkt_xreallocarray(v->ev, v->cap_ev, sizeof(*v->ev));
	}
	e = &v->ev[v->n_ev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->time = t;
	e->prefix = prefix;
	e->asn = asn;
	e->covering = covering;
}

/* The entry of asn in a list of ASes, added if new. */
static struct nkt_bgp_as *as_entry(struct nkt_bgp_as **list, size_t *n,
				   uint32_t asn, int *added)
{
	size_t i;
	*added = 0;
	for (i = 0; i < *n; i++)
		if ((*list)[i].asn == asn)
			return &(*list)[i];
	*list = nkt_xreallocarray(*list, *n + 1, sizeof(**list));
	memset(&(*list)[*n], 0, sizeof(**list));
	(*list)[*n].asn = asn;
	*added = 1;
	return &(*list)[(*n)++];
}

/* The first route of a peer in a prefix's sorted routes (or where it
 * would be). */
static size_t route_lower(const struct nkt_bgp_prefix *pf, uint32_t peer,
			  uint32_t path_id)
{
	size_t lo = 0, hi = pf->n_routes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct nkt_bgp_route *r = &pf->routes[mid];
		if (r->peer < peer || (r->peer == peer && r->path_id < path_id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the peer has another route (not at index `except`) whose
 * upstream (which 0) or origin (which 1) is asn. */
static int peer_has(const struct nkt_bgp_prefix *pf, uint32_t peer,
		    size_t except, int which, uint32_t asn)
{
	size_t i = route_lower(pf, peer, 0);
	for (; i < pf->n_routes && pf->routes[i].peer == peer; i++)
		if (i != except &&
		    (which ? pf->routes[i].origin : pf->routes[i].upstream) ==
			    asn)
			return 1;
	return 0;
}

static int peer_routes(const struct nkt_bgp_prefix *pf, uint32_t peer,
		       size_t except)
{
	size_t i = route_lower(pf, peer, 0);
	int n = 0;
	for (; i < pf->n_routes && pf->routes[i].peer == peer; i++)
		n += i != except;
	return n;
}

/* Count route i of prefix pf in (add 1) or out of (add -1) its
 * upstream's and origin's numbers, at time t. */
static void route_count(struct nkt_bgp_view *v, size_t pi, size_t i, int add,
			int64_t t)
{
	struct nkt_bgp_prefix *pf = &v->p[pi];
	const struct nkt_bgp_route *r = &pf->routes[i];
	int which;
	for (which = 0; which < 2; which++) {
		uint32_t asn = which ? r->origin : r->upstream;
		struct nkt_bgp_as *a;
		int added;
		if (asn == 0)
			continue;
		a = which ? as_entry(&pf->orig, &pf->n_orig, asn, &added)
			  : as_entry(&pf->up, &pf->n_up, asn, &added);
		if (add > 0) {
			if (added || a->first_seen == 0) {
				a->first_seen = t;
				if (v->baseline && !v->in_dump &&
				    pf->first_seen != 0 &&
				    (which || !transit_other(v, pf, asn, 0)))
					event(v,
					      which ? NKT_BGP_NEW_ORIGIN
						    : NKT_BGP_NEW_UPSTREAM,
					      t, pi, asn, 0);
			}
			if (!peer_has(pf, r->peer, i, which, asn))
				a->peers++;
			a->routes++;
			a->announced++;
			if (a->peers > a->peers_max)
				a->peers_max = a->peers;
			a->last_seen = t;
		} else {
			if (!peer_has(pf, r->peer, i, which, asn))
				a->peers--;
			a->routes--;
			a->last_seen = t;
		}
	}
}

/* Remove route i of prefix pi at time t. */
static void route_remove(struct nkt_bgp_view *v, size_t pi, size_t i,
			 int64_t t)
{
	struct nkt_bgp_prefix *pf = &v->p[pi];
	uint32_t peer = pf->routes[i].peer;
	route_count(v, pi, i, -1, t);
	if (peer_routes(pf, peer, i) == 0)
		pf->peers--;
	memmove(&pf->routes[i], &pf->routes[i + 1],
		(pf->n_routes - i - 1) * sizeof(*pf->routes));
	pf->n_routes--;
	pf->last_change = t;
}

/* The view's index of a prefix, or -1; never changes the view. */
static long pfx_lookup(const struct nkt_bgp_view *v,
		       const struct nkt_mrt_prefix *p)
{
	size_t j;
	if (v->pfx_hash_cap == 0)
		return -1;
	j = pfx_key(p) & (v->pfx_hash_cap - 1);
	while (v->pfx_hash[j]) {
		if (pfx_eq(&v->p[v->pfx_hash[j] - 1].prefix, p))
			return (long)(v->pfx_hash[j] - 1);
		j = (j + 1) & (v->pfx_hash_cap - 1);
	}
	return -1;
}

long nkt_bgp_covering(const struct nkt_bgp_view *v, size_t pi)
{
	/* Each shorter length looked up in the hash, longest first (at most
	 * 128 lookups), not a scan of every prefix: a view of a whole table
	 * asks this of each of its prefixes.  Prefixes are stored with their
	 * host bits clear (nkt_mrt_decode), so the key is the address cut. */
	struct nkt_mrt_prefix q = v->p[pi].prefix;
	int len;
	for (len = (int)q.len - 1; len >= 0; len--) {
		long c;
		q.len = (uint8_t)len;
		q.addr.a[len / 8] &= (uint8_t)(0xff00 >> (len % 8));
		c = pfx_lookup(v, &q);
		if (c >= 0 && (size_t)c != pi && v->p[c].peers > 0)
			return c;
	}
	return -1;
}

/* Set a peer's route to prefix pi (announced or from a RIB). */
static void route_set(struct nkt_bgp_view *v, size_t pi,
		      const struct nkt_bgp_route *nr, int64_t t)
{
	struct nkt_bgp_prefix *pf = &v->p[pi];
	size_t i = route_lower(pf, nr->peer, nr->path_id);
	int fresh = pf->first_seen == 0;

	if (i < pf->n_routes && pf->routes[i].peer == nr->peer &&
	    pf->routes[i].path_id == nr->path_id) {
		struct nkt_bgp_route *r = &pf->routes[i];
		if (r->origin == nr->origin && r->upstream == nr->upstream) {
			r->gen = nr->gen;
			return; /* the same hand-over: not a change */
		}
		route_count(v, pi, i, -1, t);
		r->origin = nr->origin;
		r->upstream = nr->upstream;
		r->since = nr->since;
		r->gen = nr->gen;
		route_count(v, pi, i, +1, t);
		pf->last_change = t;
		return;
	}
	if (peer_routes(pf, nr->peer, (size_t)-1) == 0)
		pf->peers++;
	if (pf->n_routes == pf->cap_routes) {
		pf->cap_routes = pf->cap_routes ? 2 * pf->cap_routes : 8;
		pf->routes = nkt_xreallocarray(pf->routes, pf->cap_routes,
					       sizeof(*pf->routes));
	}
	memmove(&pf->routes[i + 1], &pf->routes[i],
		(pf->n_routes - i) * sizeof(*pf->routes));
	pf->routes[i] = *nr;
	pf->n_routes++;
	route_count(v, pi, i, +1, t);
	pf->last_change = t;
	if (fresh) {
		long c;
		pf->first_seen = t;
		if (v->baseline && !v->in_dump) {
			event(v, NKT_BGP_ANNOUNCED, t, pi, nr->origin, 0);
			if ((c = nkt_bgp_covering(v, pi)) >= 0)
				event(v, NKT_BGP_MORE_SPECIFIC, t, pi,
				      nr->origin, (size_t)c);
			/* the first upstream of a new prefix is new too */
			if (nr->upstream != 0)
				event(v, NKT_BGP_NEW_UPSTREAM, t, pi,
				      nr->upstream, 0);
		}
	}
}

/* Every route of a peer gone (its session left Established). */
static void peer_down(struct nkt_bgp_view *v, uint32_t peer, int64_t t)
{
	size_t pi;
	for (pi = 0; pi < v->n; pi++) {
		struct nkt_bgp_prefix *pf = &v->p[pi];
		size_t i = route_lower(pf, peer, 0);
		while (i < pf->n_routes && pf->routes[i].peer == peer)
			route_remove(v, pi, i, t);
	}
}

static void dump_start(struct nkt_bgp_view *v)
{
	if (v->in_dump)
		return;
	v->in_dump = 1;
	v->gen++;
	if (v->n_peers > 0)
		memset(v->peer_dumped, 0, v->n_peers);
}

void nkt_bgp_view_add(struct nkt_bgp_view *v, const struct nkt_mrt_rec *r,
		      int result)
{
	int64_t t = r->time;
	uint32_t *peer_ix = NULL;
	size_t i;

	if (result == NKT_MRT_BAD || result == NKT_MRT_UNREAD)
		return;
	v->records++;
	if (v->first == 0 || t < v->first)
		v->first = t;
	if (t > v->last)
		v->last = t;
	if (result == NKT_MRT_PEERS) {
		dump_start(v);
		/* every peer of the dump's table: a peer it has no route of
		 * has none */
		for (i = 0; i < r->n_peers; i++) {
			uint32_t p = peer_intern(v, &r->peers[i]);
			v->peer_dumped[p] = 1;
		}
		return;
	}
	if (result == NKT_MRT_STATE) {
		uint32_t p = peer_intern(v, &r->peers[0]);
		v->state_changes++;
		if (r->old_state == BGP_ESTABLISHED &&
		    r->new_state != BGP_ESTABLISHED) {
			v->sessions_down++;
			peer_down(v, p, t);
		}
		return;
	}
	if (r->local || r->n_routes == 0)
		return;
	if (r->type == NKT_MRT_TABLE_DUMP) {
		/* a TABLE_DUMP (v1) file is a dump; its peers are those of
		 * its records */
		uint32_t p;
		dump_start(v);
		p = peer_intern(v, &r->peers[0]);
		v->peer_dumped[p] = 1;
	}
	for (i = 0; i < r->n_routes; i++) {
		const struct nkt_mrt_route *rt = &r->routes[i];
		const struct nkt_mrt_path *path =
			rt->path >= 0 ? &r->paths[rt->path] : NULL;
		uint32_t origin = path ? nkt_mrt_origin_as(r, path) : 0;
		struct nkt_bgp_route nr;
		long pi;

		if (rt->safi != 1)
			continue; /* multicast: no path for traffic */
		if (rt->kind == 'B') {
			v->rib_entries++;
		} else if (rt->kind == 'A') {
			v->announcements++;
		} else {
			v->withdrawals++;
		}
		pi = pfx_find(v, &rt->prefix, 0);
		if (pi < 0) {
			if (rt->kind == 'W' ||
			    !nkt_bgp_sel_match(&v->sel, &rt->prefix, origin))
				continue;
			pi = pfx_find(v, &rt->prefix, 1);
		}
		if (peer_ix == NULL) {
			/* the record's peers, interned once it matters */
			size_t k;
			peer_ix = nkt_xcalloc(r->n_peers ? r->n_peers : 1,
					      sizeof(*peer_ix));
			for (k = 0; k < r->n_peers; k++)
				peer_ix[k] = peer_intern(v, &r->peers[k]);
		}
		memset(&nr, 0, sizeof(nr));
		nr.peer = peer_ix[rt->peer];
		nr.path_id = rt->path_id;
		if (rt->kind == 'W') {
			struct nkt_bgp_prefix *pf = &v->p[pi];
			size_t k = route_lower(pf, nr.peer, nr.path_id);
			pf->withdrawals++;
			if (k < pf->n_routes && pf->routes[k].peer == nr.peer &&
			    pf->routes[k].path_id == nr.path_id)
				route_remove(v, (size_t)pi, k, t);
			continue;
		}
		nr.origin = origin;
		nr.upstream = path ? nkt_mrt_upstream_as(r, path) : 0;
		nr.since = rt->kind == 'B' && rt->originated ? rt->originated
							     : t;
		nr.gen = rt->kind == 'B' ? v->gen : 0;
		if (rt->kind == 'B')
			v->p[pi].rib_entries++;
		else
			v->p[pi].announcements++;
		route_set(v, (size_t)pi, &nr, t);
	}
	free(peer_ix);
}

void nkt_bgp_view_file_end(struct nkt_bgp_view *v)
{
	size_t pi;
	if (!v->in_dump)
		return;
	for (pi = 0; pi < v->n; pi++) {
		struct nkt_bgp_prefix *pf = &v->p[pi];
		size_t i = 0;
		while (i < pf->n_routes) {
			const struct nkt_bgp_route *r = &pf->routes[i];
			if (v->peer_dumped[r->peer] && r->gen < v->gen)
				route_remove(v, pi, i, v->last);
			else
				i++;
		}
	}
	v->in_dump = 0;
	v->baseline = 1;
}

static int event_cmp(const void *a, const void *b)
{
	const struct nkt_bgp_event *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

void nkt_bgp_view_finish(struct nkt_bgp_view *v)
{
	size_t pi, j;
	for (pi = 0; pi < v->n; pi++) {
		struct nkt_bgp_prefix *pf = &v->p[pi];
		for (j = 0; j < pf->n_up; j++) {
			struct nkt_bgp_as *a = &pf->up[j];
			size_t k;
			int later = 0;
			if (a->peers > 0 || pf->peers == 0 ||
			    transit_other(v, pf, a->asn, 1))
				continue;
			/* a transit gone: said once, for the AS of it that
			 * went last */
			for (k = 0; k < pf->n_up; k++)
				if (k != j && same_transit(v, pf->up[k].asn,
							   a->asn) &&
				    (pf->up[k].last_seen > a->last_seen ||
				     (pf->up[k].last_seen == a->last_seen &&
				      k > j)))
					later = 1;
			if (!later)
				event(v, NKT_BGP_UPSTREAM_GONE, a->last_seen,
				      pi, a->asn, 0);
		}
		if (pf->peers == 0 && pf->first_seen != 0)
			event(v, NKT_BGP_WITHDRAWN, pf->last_change, pi, 0, 0);
		/* the earliest `since` of each AS's routes now; last_seen of
		 * what is still there is the end of the input */
		for (j = 0; j < pf->n_up + pf->n_orig; j++) {
			struct nkt_bgp_as *a = j < pf->n_up
						       ? &pf->up[j]
						       : &pf->orig[j - pf->n_up];
			size_t i;
			a->since = 0;
			if (a->routes > 0)
				a->last_seen = v->last;
			for (i = 0; i < pf->n_routes; i++) {
				const struct nkt_bgp_route *r = &pf->routes[i];
				uint32_t asn = j < pf->n_up ? r->upstream
							    : r->origin;
				if (asn == a->asn &&
				    (a->since == 0 || r->since < a->since))
					a->since = r->since;
			}
		}
	}
	for (j = 0; j < v->n_ev; j++) {
		const struct nkt_bgp_prefix *pf = &v->p[v->ev[j].prefix];
		size_t k;
		for (k = 0; k < pf->n_up; k++)
			if (pf->up[k].asn == v->ev[j].asn &&
			    (v->ev[j].kind == NKT_BGP_NEW_UPSTREAM ||
			     v->ev[j].kind == NKT_BGP_UPSTREAM_GONE))
				v->ev[j].peers = v->ev[j].kind ==
							 NKT_BGP_UPSTREAM_GONE
							 ? pf->up[k].peers_max
							 : pf->up[k].peers;
	}
	if (v->n_ev > 0)
		qsort(v->ev, v->n_ev, sizeof(*v->ev), event_cmp);
}
