// SPDX-License-Identifier: ISC
/*
 * compare_hosts.c: the hosts of a group of observations (see
 * compare_int.h): one unit per target and vantage point, with its RTTs,
 * its loss and, when it went dark while measured, the probes it left
 * unanswered at the end; and one value per host.  Pure.
 */
#include "nktrace/compare.h"
#include "compare_int.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct upos {
	uint32_t unit;
	size_t pos; /* position in idx */
};

static int cmp_upos(const void *x, const void *y)
{
	const struct upos *a = x, *b = y;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_first(const void *x, const void *y)
{
	const struct nkt__cmp_unit *a = x, *b = y;
	/* vantage holds the first position while building */
	return a->vantage < b->vantage ? -1 : a->vantage > b->vantage;
}

void nkt__cmp_append(double **v, size_t *n, const double *add, size_t m)
{
	if (m == 0)
		return;
	*v = nkt_xreallocarray(*v, *n + m, sizeof(**v));
	memcpy(*v + *n, add, m * sizeof(**v));
	*n += m;
}

double nkt__cmp_median_copy(const double *v, size_t n)
{
	double *t, m;
	if (n == 0)
		return NAN;
	t = nkt_xreallocarray(NULL, n, sizeof(*t));
	memcpy(t, v, n * sizeof(*t));
	m = nkt_stats_median(t, n);
	free(t);
	return m;
}

/*
 * A host that went dark while it was measured: the end-to-end probes it
 * left unanswered at the end, over its observations in the order they
 * started, when they are at least NKT_CMP_DARK_RUN and a quarter of its
 * probes and it answered some before; else 0.  Those probes say the host
 * went away, not that the path loses.
 */
static uint64_t dark_tail(const struct nkt_cmp_obs *obs, const size_t *idx,
			  const struct upos *s, size_t n)
{
	const struct nkt_cmp_obs **v = nkt_xcalloc(n + 1, sizeof(*v));
	uint64_t run = 0, sent = 0, recv = 0;
	size_t i, j;
	for (i = 0; i < n; i++) {
		const struct nkt_cmp_obs *o = &obs[idx[s[i].pos]];
		for (j = i; j > 0 && v[j - 1]->start_ns > o->start_ns; j--)
			v[j] = v[j - 1];
		v[j] = o;
	}
	for (i = 0; i < n; i++) {
		if (v[i]->e2e_sent == 0)
			continue;
		run = v[i]->e2e_recv > 0 ? v[i]->e2e_tail_lost
					 : run + v[i]->e2e_sent;
		sent += v[i]->e2e_sent;
		recv += v[i]->e2e_recv;
	}
	free(v);
	return recv > 0 && run >= NKT_CMP_DARK_RUN && 4 * run >= sent ? run : 0;
}

static int32_t slot_of(uint64_t ns)
{
	return (int32_t)(ns / ((uint64_t)NKT_CMP_SLOT_S * 1000000000ull));
}

/* The observation's end-to-end probes per slot: its own table (folded
 * imports), else one trace at its start; only traces that answered some
 * (a host that went dark is not loss). */
static void append_slotloss(struct nkt__cmp_unit *u,
			    const struct nkt_cmp_obs *o)
{
	size_t k;
	if (o->sl != NULL) {
		for (k = 0; k < o->n_sl; k++) {
			if (o->sl[k].sent == 0 || o->sl[k].lost >= o->sl[k].sent)
				continue;
			u->sl = nkt_xreallocarray(u->sl, u->n_sl + 1,
						  sizeof(*u->sl));
			u->sl[u->n_sl++] = o->sl[k];
		}
		return;
	}
	if (o->e2e_sent == 0 || o->e2e_recv == 0)
		return;
	u->sl = nkt_xreallocarray(u->sl, u->n_sl + 1, sizeof(*u->sl));
	u->sl[u->n_sl++] = (struct nkt_cmp_slotloss){
		slot_of(o->start_ns), o->e2e_sent, o->e2e_sent - o->e2e_recv};
}

void nkt__cmp_units(const struct nkt_cmp_obs *obs, const size_t *idx,
		    size_t n, uint32_t border, struct nkt__cmp_units *out)
{
	struct upos *s = nkt_xcalloc(n ? n : 1, sizeof(*s));
	size_t i, j, k;

	memset(out, 0, sizeof(*out));
	out->border = border;
	out->u = nkt_xcalloc(n ? n : 1, sizeof(*out->u));
	for (i = 0; i < n; i++)
		s[i] = (struct upos){obs[idx[i]].unit, i};
	qsort(s, n, sizeof(*s), cmp_upos);
	for (i = 0; i < n; i = j) {
		struct nkt__cmp_unit *u = &out->u[out->n++];
		for (j = i; j < n && s[j].unit == s[i].unit; j++)
			;
		u->unit = s[i].unit;
		u->vantage = (uint32_t)s[i].pos; /* first position, for now */
		u->tail = dark_tail(obs, idx, s + i, j - i);
		for (k = i; k < j; k++) {
			const struct nkt_cmp_obs *o = &obs[idx[s[k].pos]];
			u->addr = o->addr;
			nkt__cmp_append(&u->rtt, &u->n_rtt, o->rtt, o->n_rtt);
			u->sent += o->e2e_sent;
			u->recv += o->e2e_recv;
			u->reached |= o->reached;
			append_slotloss(u, o);
			if (border && o->last_foreign.addr == border &&
			    o->n_brtt > 0) {
				size_t m = u->n_brtt, q;
				nkt__cmp_append(&u->brtt, &u->n_brtt, o->brtt,
						o->n_brtt);
				u->bslot = nkt_xreallocarray(
					u->bslot, u->n_brtt,
					sizeof(*u->bslot));
				for (q = m; q < u->n_brtt; q++)
					u->bslot[q] =
						o->bslot != NULL
							? o->bslot[q - m]
							: slot_of(o->start_ns);
			}
		}
		u->med = nkt__cmp_median_copy(u->rtt, u->n_rtt);
	}
	qsort(out->u, out->n, sizeof(*out->u), cmp_first);
	for (i = 0; i < out->n; i++) {
		size_t first = out->u[i].vantage;
		out->u[i].vantage = obs[idx[first]].vantage;
	}
	free(s);
}

void nkt__cmp_units_free(struct nkt__cmp_units *u)
{
	size_t i;
	for (i = 0; i < u->n; i++) {
		free(u->u[i].rtt);
		free(u->u[i].brtt);
		free(u->u[i].bslot);
		free(u->u[i].sl);
	}
	free(u->u);
	memset(u, 0, sizeof(*u));
}

struct addrval {
	uint32_t addr;
	double v;
};

static int cmp_addrval(const void *x, const void *y)
{
	const struct addrval *a = x, *b = y;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

double *nkt__cmp_host_values(const struct nkt__cmp_units *u, size_t *n)
{
	struct addrval *av = nkt_xcalloc(u->n ? u->n : 1, sizeof(*av));
	double *out = nkt_xcalloc(u->n ? u->n : 1, sizeof(*out));
	size_t i, j, m = 0;

	for (i = 0; i < u->n; i++)
		if (!isnan(u->u[i].med))
			av[m++] = (struct addrval){u->u[i].addr, u->u[i].med};
	qsort(av, m, sizeof(*av), cmp_addrval);
	*n = 0;
	for (i = 0; i < m; i = j) {
		double *t = nkt_xcalloc(m, sizeof(*t));
		size_t k = 0;
		for (j = i; j < m && av[j].addr == av[i].addr; j++)
			t[k++] = av[j].v;
		out[(*n)++] = nkt_stats_median(t, k);
		free(t);
	}
	free(av);
	return out;
}


struct addrloss {
	uint32_t addr;
	struct nkt_lossc l;
};

static int cmp_addrloss(const void *x, const void *y)
{
	const struct addrloss *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

size_t nkt__cmp_host_losses(const struct nkt__cmp_units *u,
			    struct nkt_lossc *out)
{
	struct addrloss *v = nkt_xcalloc(u->n + 1, sizeof(*v));
	size_t i, m = 0, n = 0;

	for (i = 0; i < u->n; i++) {
		const struct nkt__cmp_unit *x = &u->u[i];
		if (x->sent == 0 || x->recv == 0)
			continue;
		v[m++] = (struct addrloss){
			x->addr, {x->sent - x->recv - x->tail,
				  x->sent - x->tail}};
	}
	qsort(v, m, sizeof(*v), cmp_addrloss);
	for (i = 0; i < m; i++) {
		if (n > 0 && v[i].addr == v[n - 1].addr) {
			v[n - 1].l.lost += v[i].l.lost;
			v[n - 1].l.sent += v[i].l.sent;
		} else {
			v[n++] = v[i];
		}
	}
	for (i = 0; i < n; i++)
		out[i] = v[i].l;
	free(v);
	return n;
}
