// SPDX-License-Identifier: ISC
/* impagg.c: imported observations folded per path (see impagg.h). */
#include "nktrace/impagg.h"
#include "nktrace/keyhash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct border_cand {
	struct nkt_border_hop lf, fi;
	uint64_t count, seen;
	double rtt[NKT_IMPAGG_BORDER_RTT_MAX]; /* reservoir of the border
						  hop's RTTs, one per trace,
						  ms */
	int32_t slot[NKT_IMPAGG_BORDER_RTT_MAX]; /* and their time slots */
	size_t n_rtt;
};

struct nkt_impagg_path {
	uint64_t traces, rtt_seen, rng, sl_seen, sl_rng;
	struct nkt_cmp_slotloss sl[NKT_IMPAGG_SLOTS_MAX]; /* reservoir of its
							    traces' end-to-end
							    probes by slot */
	size_t n_sl;
	struct border_cand b[NKT_IMPAGG_BORDERS];
	size_t nb;
};

static const struct nkt_key hkey = {0x696d706167672d31ULL,
				     0x6e6b7472616365ULL};

struct path_key {
	uint32_t vantage, addr;
	int32_t transit;
	uint16_t dport;
	uint8_t method, via, reprobe;
};

static struct path_key key_of(uint32_t v, const struct nkt_cmp_obs *o)
{
	struct path_key k;
	memset(&k, 0, sizeof(k));
	k.vantage = v;
	k.addr = o->addr;
	k.transit = o->attr.transit;
	k.dport = o->dport;
	k.method = o->method;
	k.via = o->via;
	k.reprobe = (uint8_t)o->reprobe;
	return k;
}

static uint64_t hash(const void *p, size_t n)
{
	return nkt_keyhash(&hkey, p, n);
}

/* xorshift64*: the reservoir's draws, seeded per path. */
static uint64_t draw(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Where the next of *seen items goes in a reservoir of cap (*n so far):
 * its index, or -1 when it is not kept. */
static long reservoir_at(size_t *n, size_t cap, uint64_t *seen,
			 uint64_t *rng)
{
	(*seen)++;
	if (*n < cap)
		return (long)(*n)++;
	{
		uint64_t j = draw(rng) % *seen;
		return j < cap ? (long)j : -1;
	}
}

static void reservoir(double *v, size_t *n, size_t cap, uint64_t *seen,
		      uint64_t *rng, double x)
{
	long at = reservoir_at(n, cap, seen, rng);
	if (at >= 0)
		v[at] = x;
}

static int32_t slot_of(uint64_t ns)
{
	return (int32_t)(ns / ((uint64_t)NKT_CMP_SLOT_S * 1000000000ull));
}

/* Open-addressing table of uint32 (index + 1) slots. */
static void rehash(uint32_t **slot, size_t *nslot, size_t n,
		   uint64_t (*h)(const struct nkt_impagg *, size_t),
		   const struct nkt_impagg *a)
{
	size_t ns = *nslot ? *nslot * 2 : 256, i;
	uint32_t *s = nkt_xcalloc(ns, sizeof(*s));
	for (i = 0; i < n; i++) {
		size_t j = (size_t)h(a, i) & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(*slot);
	*slot = s;
	*nslot = ns;
}

static uint64_t vhash(const struct nkt_impagg *a, size_t i)
{
	return hash(a->vantage[i], strlen(a->vantage[i]));
}

uint32_t nkt_impagg_vantage(struct nkt_impagg *a, const char *name)
{
	size_t j;
	if ((a->n_vantage + 1) * 2 > a->nvslot)
		rehash(&a->vslot, &a->nvslot, a->n_vantage, vhash, a);
	j = (size_t)hash(name, strlen(name)) & (a->nvslot - 1);
	while (a->vslot[j]) {
		if (strcmp(a->vantage[a->vslot[j] - 1], name) == 0)
			return a->vslot[j] - 1;
		j = (j + 1) & (a->nvslot - 1);
	}
	if (a->n_vantage == a->cap_vantage) {
		a->cap_vantage = a->cap_vantage ? a->cap_vantage * 2 : 16;
		a->vantage = nkt_xreallocarray(a->vantage, a->cap_vantage,
					       sizeof(*a->vantage));
	}
	a->vantage[a->n_vantage] = nkt_xstrdup(name);
	a->vslot[j] = (uint32_t)(a->n_vantage + 1);
	return (uint32_t)a->n_vantage++;
}

static uint64_t phash(const struct nkt_impagg *a, size_t i)
{
	struct path_key k = key_of(a->vant[i], &a->obs[i]);
	return hash(&k, sizeof(k));
}

/* Units are (vantage, target): hashed on those two. */
static uint64_t uhash2(uint32_t v, uint32_t addr)
{
	uint32_t k[2] = {v, addr};
	return hash(k, sizeof(k));
}

static uint64_t uhash(const struct nkt_impagg *a, size_t i)
{
	return uhash2(a->vant[i], a->obs[i].addr);
}

/* The unit of (v, addr): the unit of an earlier path with the same pair,
 * else a new one.  `i` is the new path's index. */
static uint32_t unit_of(struct nkt_impagg *a, size_t i)
{
	size_t j;
	if ((i + 1) * 2 > a->nuslot) {
		/* Rebuild from the first path of each unit. */
		size_t ns = a->nuslot ? a->nuslot * 2 : 256, k;
		uint32_t *s = nkt_xcalloc(ns, sizeof(*s));
		for (k = 0; k < i; k++) {
			size_t m = (size_t)uhash(a, k) & (ns - 1);
			int dup = 0;
			while (s[m]) {
				const struct nkt_cmp_obs *o = &a->obs[s[m] - 1];
				if (a->vant[s[m] - 1] == a->vant[k] &&
				    o->addr == a->obs[k].addr) {
					dup = 1;
					break;
				}
				m = (m + 1) & (ns - 1);
			}
			if (!dup)
				s[m] = (uint32_t)(k + 1);
		}
		free(a->uslot);
		a->uslot = s;
		a->nuslot = ns;
	}
	j = (size_t)uhash(a, i) & (a->nuslot - 1);
	while (a->uslot[j]) {
		size_t k = a->uslot[j] - 1;
		if (a->vant[k] == a->vant[i] && a->obs[k].addr == a->obs[i].addr)
			return a->obs[k].unit;
		j = (j + 1) & (a->nuslot - 1);
	}
	a->uslot[j] = (uint32_t)(i + 1);
	return a->n_units++;
}

static void add_border(struct nkt_impagg_path *p, const struct nkt_cmp_obs *o)
{
	size_t i;
	struct border_cand *b = NULL;

	/* The observation decided whether its trace's border counts (it
	 * reached North Korea): then it carries the border hop's RTT. */
	if (o->n_brtt == 0)
		return;
	for (i = 0; i < p->nb; i++)
		if (p->b[i].lf.addr == o->last_foreign.addr)
			b = &p->b[i];
	if (b == NULL) {
		if (p->nb == NKT_IMPAGG_BORDERS) {
			/* Full: the least seen candidate makes room. */
			size_t least = 0;
			for (i = 1; i < p->nb; i++)
				if (p->b[i].count < p->b[least].count)
					least = i;
			b = &p->b[least];
		} else
			b = &p->b[p->nb++];
		memset(b, 0, sizeof(*b));
		b->lf = o->last_foreign;
		b->fi = o->first_inside;
	}
	b->count++;
	for (i = 0; i < o->n_brtt; i++) {
		long at = reservoir_at(&b->n_rtt, NKT_ARRAY_LEN(b->rtt),
				       &b->seen, &p->rng);
		if (at >= 0) {
			b->rtt[at] = o->brtt[i];
			b->slot[at] = o->bslot ? o->bslot[i]
					       : slot_of(o->start_ns);
		}
	}
}

/* The trace's end-to-end probes in its slot, into the path's sample. */
static void add_slotloss(struct nkt_impagg_path *p,
			 const struct nkt_cmp_obs *o)
{
	long at;
	if (o->e2e_sent == 0)
		return;
	at = reservoir_at(&p->n_sl, NKT_IMPAGG_SLOTS_MAX, &p->sl_seen,
			  &p->sl_rng);
	if (at >= 0)
		p->sl[at] = (struct nkt_cmp_slotloss){
			slot_of(o->start_ns), o->e2e_sent,
			o->e2e_sent - o->e2e_recv};
}

void nkt_impagg_add(struct nkt_impagg *a, uint32_t v,
		    const struct nkt_cmp_obs *o)
{
	struct path_key k = key_of(v, o);
	struct nkt_cmp_obs *d;
	struct nkt_impagg_path *p;
	size_t j, i;

	a->traces++;
	if ((a->n + 1) * 2 > a->nslot)
		rehash(&a->slot, &a->nslot, a->n, phash, a);
	j = (size_t)hash(&k, sizeof(k)) & (a->nslot - 1);
	while (a->slot[j]) {
		struct path_key x = key_of(a->vant[a->slot[j] - 1],
					   &a->obs[a->slot[j] - 1]);
		if (memcmp(&x, &k, sizeof(k)) == 0)
			break;
		j = (j + 1) & (a->nslot - 1);
	}
	if (a->slot[j] == 0) {
		if (a->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->obs = nkt_xreallocarray(a->obs, a->cap,
						   sizeof(*a->obs));
			a->vant = nkt_xreallocarray(a->vant, a->cap,
						    sizeof(*a->vant));
			a->p = nkt_xreallocarray(a->p, a->cap, sizeof(*a->p));
		}
		i = a->n++;
		a->slot[j] = (uint32_t)(i + 1);
		d = &a->obs[i];
		*d = *o;
		d->rtt = nkt_xcalloc(NKT_IMPAGG_RTT_MAX, sizeof(*d->rtt));
		d->n_rtt = 0;
		d->brtt = NULL;
		d->bslot = NULL;
		d->n_brtt = 0;
		d->sl = NULL;
		d->n_sl = 0;
		/* The first trace's path (the caller frees its own). */
		d->path = NULL;
		if (o->path != NULL) {
			d->path = nkt_xcalloc(o->n_path, sizeof(*d->path));
			memcpy(d->path, o->path,
			       o->n_path * sizeof(*d->path));
		}
		d->vantage = v;
		d->e2e_sent = d->e2e_recv = 0;
		d->n_ratelimit = 0;
		a->vant[i] = v;
		d->unit = unit_of(a, i);
		p = &a->p[i];
		memset(p, 0, sizeof(*p));
		p->rng = hash(&k, sizeof(k)) | 1;
		p->sl_rng = (p->rng * 0x9e3779b97f4a7c15ULL) | 1;
	} else {
		i = a->slot[j] - 1;
		d = &a->obs[i];
		p = &a->p[i];
		/* The latest trace's path details; counts accumulate. */
		d->reached |= o->reached;
		if (o->dest_hop)
			d->dest_hop = o->dest_hop;
		d->stop_reason = o->stop_reason;
		d->stop_hop = o->stop_hop;
		d->reply_ttl = o->reply_ttl;
		d->return_hops = o->return_hops;
		d->asymmetric = o->asymmetric;
		d->dest_rtt_ms = o->dest_rtt_ms;
		/* the best evidence of its transit any trace gave */
		if (o->attr.gap < d->attr.gap) {
			d->attr = o->attr;
			d->tattr = o->attr;
		}
	}
	p->traces++;
	for (i = 0; i < o->n_rtt; i++)
		reservoir(d->rtt, &d->n_rtt, NKT_IMPAGG_RTT_MAX, &p->rtt_seen,
			  &p->rng, o->rtt[i]);
	d->e2e_sent += o->e2e_sent;
	d->e2e_recv += o->e2e_recv;
	for (i = 0; i < o->n_ratelimit; i++) {
		size_t m;
		for (m = 0; m < d->n_ratelimit &&
			    d->ratelimit[m] != o->ratelimit[i];
		     m++)
			;
		if (m == d->n_ratelimit && m < NKT_CMP_RATELIMIT_MAX)
			d->ratelimit[d->n_ratelimit++] = o->ratelimit[i];
	}
	add_border(p, o);
	add_slotloss(p, o);
}

struct nkt_cmp_obs *nkt_impagg_obs(struct nkt_impagg *a,
				   const uint32_t **vantage, size_t *n)
{
	size_t i, k;
	/* Each path's border: its most common crossing (ties: the first
	 * seen), at the median of its sampled RTTs. */
	for (i = 0; i < a->n; i++) {
		struct nkt_impagg_path *p = &a->p[i];
		free(a->obs[i].sl);
		a->obs[i].sl = nkt_xcalloc(p->n_sl + 1, sizeof(*p->sl));
		memcpy(a->obs[i].sl, p->sl, p->n_sl * sizeof(*p->sl));
		a->obs[i].n_sl = p->n_sl;
	}
	for (i = 0; i < a->n; i++) {
		struct nkt_impagg_path *p = &a->p[i];
		struct border_cand *best = NULL;
		for (k = 0; k < p->nb; k++)
			if (best == NULL || p->b[k].count > best->count)
				best = &p->b[k];
		if (best == NULL)
			continue;
		a->obs[i].last_foreign = best->lf;
		a->obs[i].first_inside = best->fi;
		free(a->obs[i].brtt);
		a->obs[i].brtt = nkt_xcalloc(best->n_rtt + 1, sizeof(double));
		memcpy(a->obs[i].brtt, best->rtt, best->n_rtt * sizeof(double));
		free(a->obs[i].bslot);
		a->obs[i].bslot = nkt_xcalloc(best->n_rtt + 1, sizeof(int32_t));
		memcpy(a->obs[i].bslot, best->slot,
		       best->n_rtt * sizeof(int32_t));
		a->obs[i].n_brtt = best->n_rtt;
		if (best->n_rtt > 0) {
			double tmp[NKT_IMPAGG_BORDER_RTT_MAX];
			memcpy(tmp, best->rtt, best->n_rtt * sizeof(*tmp));
			a->obs[i].last_foreign.rtt_ns = (uint64_t)llround(
				nkt_stats_median(tmp, best->n_rtt) * 1e6);
		}
	}
	*vantage = a->vant;
	*n = a->n;
	return a->obs;
}

uint64_t nkt_impagg_traces(const struct nkt_impagg *a, size_t i)
{
	return a->p[i].traces;
}

void nkt_impagg_free(struct nkt_impagg *a)
{
	size_t i;
	for (i = 0; i < a->n; i++) {
		free(a->obs[i].rtt);
		free(a->obs[i].brtt);
		free(a->obs[i].bslot);
		free(a->obs[i].sl);
		free(a->obs[i].path);
	}
	for (i = 0; i < a->n_vantage; i++)
		free(a->vantage[i]);
	free(a->obs);
	free(a->vant);
	free(a->p);
	free(a->slot);
	free(a->vantage);
	free(a->vslot);
	free(a->uslot);
	memset(a, 0, sizeof(*a));
}
