// SPDX-License-Identifier: ISC
/* detect.c: events between measurement cycles (rules in detect.h): one
 * short function per kind of event, nkt_detect at the end calling them in
 * order.  Pure. */
#include "nktrace/detect.h"
#include "nktrace/addrtab.h"
#include "nktrace/inet.h"
#include "nktrace/rank.h"
#include "nktrace/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(struct nkt_hist_group *g, const struct nkt_cmp_stats *s,
		 const char *prefix)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->prefix, sizeof(g->prefix), "%s", prefix);
	snprintf(g->transit, sizeof(g->transit), "%s", s->name);
	g->defined = s->configured;
	g->carrier = s->carrier;
	g->share = s->share;
	g->targets = (uint32_t)s->targets;
	g->reached = (uint32_t)s->reached;
	g->rtt_median = s->rtt_median;
	g->rtt_lo = s->rtt_ci.lo;
	g->rtt_hi = s->rtt_ci.hi;
	g->sent = s->sent;
	g->lost = s->lost;
	if (s->border_addr)
		nkt_inet_fmt(s->border_addr, g->border);
	g->border_hop = s->border_hop;
}

void nkt_hist_from_result(const struct nkt_cmp_result *r,
			  const struct nkt_addrtab *addrs,
			  const char *const *vantages, int64_t run,
			  int64_t start, struct nkt_hist_cycle *c)
{
	size_t i;
	memset(c, 0, sizeof(*c));
	c->run = run;
	c->start = start;
	c->n = r->n_transit + r->n_prefix;
	c->g = nkt_xcalloc(c->n ? c->n : 1, sizeof(*c->g));
	for (i = 0; i < r->n_transit; i++)
		fill(&c->g[i], &r->transit[i], "");
	for (i = 0; i < r->n_prefix; i++) {
		char p[24], a[NKT_ADDRSTRLEN];
		snprintf(p, sizeof(p), "%s/%u",
			 nkt_addrtab_fmt(addrs, r->prefix[i].prefix, a),
			 r->prefix[i].prefix_len);
		fill(&c->g[r->n_transit + i], &r->prefix[i], p);
	}
	c->n_h = r->n_host;
	c->h = nkt_xcalloc(c->n_h ? c->n_h : 1, sizeof(*c->h));
	for (i = 0; i < r->n_host; i++) {
		const struct nkt_cmp_host *x = &r->host[i];
		struct nkt_hist_host *h = &c->h[i];
		char a[NKT_ADDRSTRLEN];
		snprintf(h->transit, sizeof(h->transit), "%s",
			 r->transit[x->row].name);
		snprintf(h->prefix, sizeof(h->prefix), "%s/%u",
			 nkt_addrtab_fmt(addrs, x->prefix, a), x->prefix_len);
		nkt_addrtab_fmt(addrs, x->addr, h->addr);
		h->sent = x->sent;
		h->lost = x->sent - x->recv;
		h->rtt_median = x->rtt_median;
		if (vantages != NULL)
			snprintf(h->vantage, sizeof(h->vantage), "%s",
				 vantages[x->vantage]);
	}
}

void nkt_hist_cycle_free(struct nkt_hist_cycle *c)
{
	free(c->g);
	free(c->h);
	free(c->unrouted);
	c->g = NULL;
	c->h = NULL;
	c->unrouted = NULL;
	c->n = c->n_h = c->n_unrouted = 0;
}

void nkt_hist_add_unrouted(struct nkt_hist_cycle *c, const char *prefix)
{
	c->unrouted = nkt_xreallocarray(c->unrouted, c->n_unrouted + 1,
					sizeof(*c->unrouted));
	snprintf(c->unrouted[c->n_unrouted++], sizeof(*c->unrouted), "%s",
		 prefix);
}

static const struct nkt_hist_group *find(const struct nkt_hist_cycle *c,
					 const char *prefix,
					 const char *transit)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->g[i].prefix, prefix) == 0 &&
		    strcmp(c->g[i].transit, transit) == 0)
			return &c->g[i];
	return NULL;
}

static int has_prefix(const struct nkt_hist_cycle *c, const char *prefix)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->g[i].prefix, prefix) == 0)
			return 1;
	return 0;
}

static struct nkt_event *add(struct nkt_event **ev, size_t *n,
			     const char *kind, const char *prefix,
			     const char *transit)
{
	struct nkt_event *e;
	*ev = nkt_xreallocarray(*ev, *n + 1, sizeof(**ev));
	e = &(*ev)[(*n)++];
	memset(e, 0, sizeof(*e));
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->prefix, sizeof(e->prefix), "%s", prefix);
	snprintf(e->transit, sizeof(e->transit), "%s", transit);
	e->before = e->after = NAN;
	return e;
}

/* "China Unicom and TTK": the transits carrying a prefix in a cycle,
 * sorted; "" when none. */
static void carriers(const struct nkt_hist_cycle *c, const char *prefix,
		     char *buf, size_t len)
{
	const char *names[16];
	size_t i, j, n = 0, off = 0;

	for (i = 0; i < c->n && n < 16; i++)
		if (strcmp(c->g[i].prefix, prefix) == 0 &&
		    c->g[i].share >= NKT_DETECT_SHARE)
			names[n++] = c->g[i].transit;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i == 0	    ? ""
					: i == n - 1 ? " and "
						     : ", ",
					names[i]);
}

static uint32_t reached_prefix(const struct nkt_hist_cycle *c,
			       const char *prefix, uint32_t *targets)
{
	uint32_t r = 0;
	size_t i;
	*targets = 0;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->g[i].prefix, prefix) == 0) {
			r += c->g[i].reached;
			*targets += c->g[i].targets;
		}
	return r;
}

static int has_border(const struct nkt_hist_group *g)
{
	return g->border[0] != '\0';
}

static void where(char *buf, size_t len, const struct nkt_hist_group *g)
{
	if (g->prefix[0])
		snprintf(buf, len, "to %s over %s", g->prefix, g->transit);
	else
		snprintf(buf, len, "over %s", g->transit);
}

/* The hosts of (prefix, transit) in cycle c; prefix "" is every host
 * of the transit.  Returns a new array (free()) of pointers into c. */
static const struct nkt_hist_host **hosts_of(const struct nkt_hist_cycle *c,
					      const char *prefix,
					      const char *transit, size_t *n)
{
	const struct nkt_hist_host **v =
		nkt_xcalloc(c->n_h + 1, sizeof(*v));
	size_t i;
	*n = 0;
	for (i = 0; i < c->n_h; i++)
		if (strcmp(c->h[i].transit, transit) == 0 &&
		    (prefix[0] == '\0' || strcmp(c->h[i].prefix, prefix) == 0))
			v[(*n)++] = &c->h[i];
	return v;
}

static int answered(const struct nkt_hist_host *h)
{
	return h->sent > 0 && h->lost < h->sent;
}

static int dark(const struct nkt_hist_host *h)
{
	return h->sent > 0 && h->lost == h->sent;
}

static int by_addr_vantage(const void *x, const void *y)
{
	const struct nkt_hist_host *a = *(const struct nkt_hist_host *const *)x,
				   *b = *(const struct nkt_hist_host *const *)y;
	int d = strcmp(a->addr, b->addr);
	return d ? d : strcmp(a->vantage, b->vantage);
}

/* A host of both cycles, over the vantage points that measured it both
 * times (each one paired with itself: a vantage point's RTT is its own
 * distance as much as the host's): its RTT change, the median of those
 * vantage points' changes (NaN without RTTs both times), and its probes
 * each time, summed over them. */
struct paired {
	const char *addr;
	double d;
	struct nkt_hist_host now, was;
};

/*
 * The hosts of (prefix, transit) paired between cur and pc (a new array,
 * free()); *distinct: the hosts cur probed (distinct addresses with
 * probes sent).  A merge of the two cycles sorted by (address, vantage
 * point): linear after the sort, whatever the number of vantage points.
 */
static struct paired *pair_hosts(const struct nkt_hist_cycle *cur,
				 const struct nkt_hist_cycle *pc,
				 const char *prefix, const char *transit,
				 size_t *n, size_t *distinct)
{
	size_t na, nb, i = 0, j = 0;
	const struct nkt_hist_host **a = hosts_of(cur, prefix, transit, &na);
	const struct nkt_hist_host **b = hosts_of(pc, prefix, transit, &nb);
	struct paired *out = nkt_xcalloc(na + 1, sizeof(*out));
	double *v = nkt_xcalloc(na + 1, sizeof(*v));

	qsort(a, na, sizeof(*a), by_addr_vantage);
	qsort(b, nb, sizeof(*b), by_addr_vantage);
	*n = *distinct = 0;
	while (i < na) {
		const char *addr = a[i]->addr;
		struct paired p;
		size_t nv = 0, matched = 0;
		int probed = 0;
		memset(&p, 0, sizeof(p));
		p.addr = addr;
		for (; i < na && strcmp(a[i]->addr, addr) == 0; i++) {
			int c = 1;
			probed |= a[i]->sent > 0;
			while (j < nb && (c = by_addr_vantage(&b[j], &a[i])) < 0)
				j++;
			if (j >= nb || c != 0)
				continue;
			matched++;
			p.now.sent += a[i]->sent;
			p.now.lost += a[i]->lost;
			p.was.sent += b[j]->sent;
			p.was.lost += b[j]->lost;
			if (!isnan(a[i]->rtt_median) && !isnan(b[j]->rtt_median))
				v[nv++] = a[i]->rtt_median - b[j]->rtt_median;
		}
		*distinct += probed;
		if (matched == 0)
			continue;
		p.d = nkt_stats_median(v, nv);
		out[(*n)++] = p;
	}
	free(v);
	free(a);
	free(b);
	return out;
}

/* A previous cycle that has hosts for (prefix, transit). */
static const struct nkt_hist_cycle *with_hosts(
	const struct nkt_hist_cycle *prev, size_t n, const char *prefix,
	const char *transit)
{
	size_t i, m;
	for (i = 0; i < n; i++) {
		const struct nkt_hist_host **v =
			hosts_of(&prev[i], prefix, transit, &m);
		free(v);
		if (m > 0)
			return &prev[i];
	}
	return NULL;
}

/* rtt_shift of a group: the hosts with RTTs in both cycles. */
static void rtt_shift(const struct nkt_hist_group *g,
		      const struct nkt_hist_cycle *cur,
		      const struct nkt_hist_cycle *pc,
		      const struct nkt_hist_group *pg, struct nkt_event **ev,
		      size_t *n)
{
	size_t np, nd, i, k = 0, agree = 0;
	struct paired *p = pair_hosts(cur, pc, g->prefix, g->transit, &np,
				      &nd);
	double *d = nkt_xcalloc(np + 1, sizeof(*d)), need;
	struct nkt_shift s;
	char w[160];

	for (i = 0; i < np; i++)
		if (!isnan(p[i].d))
			d[k++] = p[i].d;
	nkt_rank_wilcoxon(d, k, 0.95, &s);
	need = fmax(NKT_DETECT_RTT_MS, NKT_DETECT_RTT_REL * pg->rtt_median);
	for (i = 0; i < k; i++)
		agree += s.est > 0 ? d[i] >= need / 2 : d[i] <= -need / 2;
	if (k >= 2 && fabs(s.est) >= need &&
	    (double)agree >= NKT_DETECT_RTT_AGREE * (double)k) {
		struct nkt_event *e =
			add(ev, n, "rtt_shift", g->prefix, g->transit);
		e->before = pg->rtt_median;
		e->after = pg->rtt_median + s.est;
		where(w, sizeof(w), g);
		snprintf(e->message, sizeof(e->message),
			 "RTT %s %s by %.1f ms (%.1f to %.1f ms; %zu of the "
			 "%zu hosts measured both times moved that way)",
			 w, s.est > 0 ? "rose" : "fell", fabs(s.est),
			 pg->rtt_median, pg->rtt_median + s.est, agree, k);
	}
	free(p);
	free(d);
}

/* loss_shift of a transit: the hosts that answered in both cycles. */
static void loss_shift(const struct nkt_hist_group *g,
		       const struct nkt_hist_cycle *cur,
		       const struct nkt_hist_cycle *pc, struct nkt_event **ev,
		       size_t *n)
{
	size_t np, nd, i, k = 0;
	struct paired *p = pair_hosts(cur, pc, "", g->transit, &np, &nd);
	struct nkt_lossc *x = nkt_xcalloc(np + 1, sizeof(*x));
	struct nkt_lossc *y = nkt_xcalloc(np + 1, sizeof(*y));
	uint64_t sx = 0, sy = 0, lx = 0, ly = 0;
	struct nkt_loss_diff d;

	for (i = 0; i < np; i++) {
		if (!answered(&p[i].was) || !answered(&p[i].now))
			continue;
		x[k] = (struct nkt_lossc){p[i].now.lost, p[i].now.sent};
		y[k++] = (struct nkt_lossc){p[i].was.lost, p[i].was.sent};
		sx += p[i].now.sent;
		lx += p[i].now.lost;
		sy += p[i].was.sent;
		ly += p[i].was.lost;
	}
	nkt_stats_loss_paired(x, y, k, 0.95, &d);
	if (d.valid && sx >= NKT_DETECT_LOSS_MIN && sy >= NKT_DETECT_LOSS_MIN &&
	    d.p < NKT_DETECT_LOSS_P && fabs(d.diff) >= NKT_DETECT_LOSS_ABS) {
		double before = (double)ly / (double)sy,
		       after = (double)lx / (double)sx;
		struct nkt_event *e = add(ev, n, "loss_shift", "", g->transit);
		e->before = before;
		e->after = after;
		snprintf(e->message, sizeof(e->message),
			 "loss over %s %s from %.1f%% to %.1f%% over the %zu "
			 "hosts that answered both times (p=%.2g)",
			 g->transit, after > before ? "rose" : "fell",
			 before * 100, after * 100, k, d.p);
	}
	free(p);
	free(x);
	free(y);
}

/* Hosts of a transit going dark, or answering again. */
static void dark_hosts(const struct nkt_hist_group *g,
		       const struct nkt_hist_cycle *cur,
		       const struct nkt_hist_cycle *pc, struct nkt_event **ev,
		       size_t *n)
{
	size_t np, total, i, k;
	struct paired *p = pair_hosts(cur, pc, "", g->transit, &np, &total);

	for (k = 0; k < 2; k++) {
		char list[400] = "";
		size_t off = 0, m = 0;
		for (i = 0; i < np; i++) {
			int hit = k == 0 ? answered(&p[i].was) &&
						   dark(&p[i].now)
					 : dark(&p[i].was) &&
						   answered(&p[i].now);
			if (!hit)
				continue;
			m++;
			if (off < sizeof(list))
				off += (size_t)snprintf(
					list + off, sizeof(list) - off, "%s%s",
					m > 1 ? ", " : "", p[i].addr);
		}
		if (m > 0) {
			struct nkt_event *e = add(
				ev, n, k == 0 ? "host_dark" : "host_back", "",
				g->transit);
			e->after = (double)m;
			snprintf(e->message, sizeof(e->message),
				 k == 0 ? "%zu of %zu hosts over %s stopped "
					  "answering (%s)"
					: "%zu of %zu hosts over %s answer "
					  "again (%s)",
				 m, total, g->transit, list);
		}
	}
	free(p);
}

/* How many of a /24's targets (imports: targets seen from a vantage
 * point) went over `transit` in a cycle, of how many. */
static void prefix_units(const struct nkt_hist_cycle *c, const char *prefix,
			 const char *transit, uint32_t *on, uint32_t *total)
{
	size_t i;
	*on = *total = 0;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->g[i].prefix, prefix) != 0)
			continue;
		*total += c->g[i].targets;
		if (strcmp(c->g[i].transit, transit) == 0)
			*on += c->g[i].targets;
	}
}

/* A /24 moving between transits, with how many of its paths moved. */
static void prefix_moved(const char *p, const struct nkt_hist_cycle *cur,
			 const struct nkt_hist_cycle *pc, struct nkt_event **ev,
			 size_t *n)
{
	char now[160], was[160];
	struct nkt_event *e;

	carriers(cur, p, now, sizeof(now));
	carriers(pc, p, was, sizeof(was));
	if (!now[0] || !was[0] || strcmp(now, was) == 0)
		return;
	e = add(ev, n, "prefix_moved", p, "");
	snprintf(e->from, sizeof(e->from), "%s", was);
	snprintf(e->to, sizeof(e->to), "%s", now);
	if (!strstr(now, " and ") && !strstr(was, " and ")) {
		uint32_t on, total;
		prefix_units(cur, p, now, &on, &total);
		snprintf(e->message, sizeof(e->message),
			 "%s moved from %s to %s (%u of %u paths)", p, was, now,
			 on, total);
	} else
		snprintf(e->message, sizeof(e->message),
			 "%s now goes over %s (was %s)", p, now, was);
}

static int unrouted_in(const struct nkt_hist_cycle *c, const char *prefix)
{
	size_t i;
	for (i = 0; i < c->n_unrouted; i++)
		if (strcmp(c->unrouted[i], prefix) == 0)
			return 1;
	return 0;
}

/* A /24 routing has no route to now and had one in the previous cycle
 * (it was measured there), or the reverse. */
static void routes(const struct nkt_hist_cycle *cur,
		   const struct nkt_hist_cycle *prev0, struct nkt_event **ev,
		   size_t *n)
{
	size_t i;
	for (i = 0; i < cur->n_unrouted; i++) {
		const char *p = cur->unrouted[i];
		struct nkt_event *e;
		size_t j;
		uint32_t before = 0;
		if (unrouted_in(prev0, p))
			continue;
		for (j = 0; j < prev0->n; j++)
			if (strcmp(prev0->g[j].prefix, p) == 0)
				before += prev0->g[j].targets;
		if (before == 0)
			continue;
		e = add(ev, n, "no_route", p, "");
		e->before = before;
		snprintf(e->message, sizeof(e->message),
			 "%s has no route on the vantage point: not probed "
			 "(%u %s measured before; a withdrawn route?)",
			 p, before, before == 1 ? "target" : "targets");
	}
	for (i = 0; i < prev0->n_unrouted; i++) {
		const char *p = prev0->unrouted[i];
		struct nkt_event *e;
		size_t j;
		uint32_t now = 0;
		if (unrouted_in(cur, p))
			continue;
		for (j = 0; j < cur->n; j++)
			if (strcmp(cur->g[j].prefix, p) == 0)
				now += cur->g[j].targets;
		if (now == 0)
			continue;
		e = add(ev, n, "route_back", p, "");
		e->after = now;
		snprintf(e->message, sizeof(e->message),
			 "%s has a route on the vantage point again (%u %s "
			 "measured)",
			 p, now, now == 1 ? "target" : "targets");
	}
}

/* A /24 unreachable, or reachable again. */
static void prefix_outage(const char *p, const struct nkt_hist_cycle *cur,
			  const struct nkt_hist_cycle *pc,
			  struct nkt_event **ev, size_t *n)
{
	uint32_t tc, tp, rc = reached_prefix(cur, p, &tc),
			 rp = reached_prefix(pc, p, &tp);
	struct nkt_event *e;

	if (rp > 0 && rc == 0 && tc > 0) {
		e = add(ev, n, "outage", p, "");
		e->before = rp;
		e->after = 0;
		snprintf(e->message, sizeof(e->message),
			 "%s is unreachable (0 of %u targets; %u before)", p,
			 tc, rp);
	} else if (rp == 0 && tp > 0 && rc > 0) {
		e = add(ev, n, "recovery", p, "");
		e->before = 0;
		e->after = rc;
		snprintf(e->message, sizeof(e->message),
			 "%s is reachable again (%u of %u targets)", p, rc,
			 tc);
	}
}

/* Each /24 of the cycle against the latest earlier cycle that had it. */
static void prefixes(const struct nkt_hist_cycle *cur,
		     const struct nkt_hist_cycle *prev, size_t n_prev,
		     struct nkt_event **ev, size_t *n)
{
	size_t i, j;

	for (i = 0; i < cur->n; i++) {
		const char *p = cur->g[i].prefix;
		const struct nkt_hist_cycle *pc = NULL;
		if (p[0] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(cur->g[j].prefix, p) == 0)
				break;
		if (j < i)
			continue; /* seen this prefix already */
		for (j = 0; j < n_prev && pc == NULL; j++)
			if (has_prefix(&prev[j], p))
				pc = &prev[j];
		if (pc == NULL)
			continue;
		prefix_moved(p, cur, pc, ev, n);
		prefix_outage(p, cur, pc, ev, n);
	}
}

/* Whether a transit carries some /24 in a cycle (NKT_DETECT_SHARE of its
 * routed targets); *first: the first such /24. */
static int carries(const struct nkt_hist_cycle *c, const char *transit,
		   const char **first)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (c->g[i].prefix[0] && c->g[i].share >= NKT_DETECT_SHARE &&
		    strcmp(c->g[i].transit, transit) == 0) {
			if (first != NULL)
				*first = c->g[i].prefix;
			return 1;
		}
	return 0;
}

/* A transit whose coming and going are events: one the transits file
 * names, or one that carries a /24 (an upstream seen only on a few paths
 * over silent hops is not news until it carries one). */
static int significant(const struct nkt_hist_cycle *c,
		       const struct nkt_hist_group *g)
{
	return g->defined || carries(c, g->transit, NULL);
}

/* "175.45.178.0/24 and 175.45.179.0/24": the /24s a transit carries. */
static size_t carried(const struct nkt_hist_cycle *c, const char *transit,
		      char *buf, size_t len)
{
	size_t i, n = 0, off = 0;
	buf[0] = '\0';
	for (i = 0; i < c->n && off < len; i++)
		if (c->g[i].prefix[0] && c->g[i].share >= NKT_DETECT_SHARE &&
		    strcmp(c->g[i].transit, transit) == 0)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						n++ ? ", " : "",
						c->g[i].prefix);
	return n;
}

static int known_carrier(const struct nkt_hist_known *k,
			 const struct nkt_hist_cycle *prev, size_t n_prev,
			 const char *transit)
{
	size_t i;
	for (i = 0; k != NULL && i < k->n_carriers; i++)
		if (strcmp(k->carriers[i], transit) == 0)
			return 1;
	for (i = 0; i < n_prev; i++)
		if (carries(&prev[i], transit, NULL))
			return 1;
	return 0;
}

/* A transit carrying a /24 that no earlier cycle of the history saw carry
 * one (in measurement time: the history's cycles before this one's
 * start, whatever order they were stored in).  Returns whether raised. */
static int new_transit(const struct nkt_hist_group *g,
		       const struct nkt_hist_cycle *cur,
		       const struct nkt_hist_cycle *prev, size_t n_prev,
		       const struct nkt_hist_known *k, struct nkt_event **ev,
		       size_t *n)
{
	const char *first = NULL;
	char list[200];
	size_t np;
	struct nkt_event *e;

	if (g->prefix[0] || !carries(cur, g->transit, &first) ||
	    known_carrier(k, prev, n_prev, g->transit))
		return 0;
	np = carried(cur, g->transit, list, sizeof(list));
	e = add(ev, n, "new_transit", first, g->transit);
	e->after = g->targets;
	snprintf(e->to, sizeof(e->to), "%s", g->transit);
	snprintf(e->message, sizeof(e->message),
		 "%s %s now reached via %s, a transit this history has not "
		 "seen carry a /24 before (%u %s it)",
		 list, np == 1 ? "is" : "are", g->transit, g->targets,
		 g->targets == 1 ? "target's path crosses"
				 : "targets' paths cross");
	return 1;
}

/* A transit appearing, reaching none of its targets, or reaching them
 * again, against the previous cycle. */
static void transit_state(const struct nkt_hist_group *g,
			  const struct nkt_hist_cycle *prev0,
			  struct nkt_event **ev, size_t *n)
{
	const struct nkt_hist_group *pg = find(prev0, "", g->transit);
	struct nkt_event *e;

	if (pg == NULL || pg->targets == 0) {
		if (g->targets > 0 && prev0->n > 0) {
			e = add(ev, n, "transit_appeared", "", g->transit);
			snprintf(e->message, sizeof(e->message),
				 "%s appeared: %u %s it", g->transit,
				 g->targets,
				 g->targets == 1 ? "target's path crosses"
						 : "targets' paths cross");
		}
		return;
	}
	if (pg->reached > 0 && g->reached == 0 && g->targets > 0) {
		e = add(ev, n, "outage", "", g->transit);
		e->before = pg->reached;
		e->after = 0;
		snprintf(e->message, sizeof(e->message),
			 "%s reaches none of its %u targets (%u before)",
			 g->transit, g->targets, pg->reached);
	} else if (pg->reached == 0 && g->reached > 0) {
		e = add(ev, n, "recovery", "", g->transit);
		e->before = 0;
		e->after = g->reached;
		snprintf(e->message, sizeof(e->message),
			 "%s reaches %u of %u targets again", g->transit,
			 g->reached, g->targets);
	}
}

/* A transit no path crosses any more, and where the /24s it carried went
 * ("175.45.178.0/24 now via AS1299 Arelion Sweden AB"). */
static void transit_gone(const struct nkt_hist_group *pg,
			 const struct nkt_hist_cycle *cur,
			 const struct nkt_hist_cycle *prev0,
			 struct nkt_event **ev, size_t *n)
{
	struct nkt_event *e = add(ev, n, "transit_disappeared", "",
				  pg->transit);
	size_t i, off, moved = 0;

	e->before = pg->targets;
	e->after = 0;
	off = (size_t)snprintf(e->message, sizeof(e->message),
			       "%s disappeared: no path crosses it (%u "
			       "%s before)",
			       pg->transit, pg->targets,
			       pg->targets == 1 ? "target" : "targets");
	for (i = 0; i < prev0->n && off < sizeof(e->message); i++) {
		const struct nkt_hist_group *x = &prev0->g[i];
		char now[160];
		if (!x->prefix[0] || x->share < NKT_DETECT_SHARE ||
		    strcmp(x->transit, pg->transit) != 0)
			continue;
		carriers(cur, x->prefix, now, sizeof(now));
		off += (size_t)snprintf(
			e->message + off, sizeof(e->message) - off, "%s%s %s",
			moved++ ? "; " : "; its /24s: ", x->prefix,
			now[0] ? "now via " : "no longer measured");
		if (now[0] && off < sizeof(e->message))
			off += (size_t)snprintf(e->message + off,
						sizeof(e->message) - off, "%s",
						now);
		if (moved == 1)
			snprintf(e->to, sizeof(e->to), "%s", now);
	}
}

/* Transits appearing for the first time, appearing again, disappearing,
 * going dark. */
static void transits(const struct nkt_hist_cycle *cur,
		     const struct nkt_hist_cycle *prev, size_t n_prev,
		     const struct nkt_hist_known *k, struct nkt_event **ev,
		     size_t *n)
{
	const struct nkt_hist_cycle *prev0 = &prev[0];
	size_t i;

	for (i = 0; i < cur->n; i++) {
		const struct nkt_hist_group *g = &cur->g[i];
		if (g->prefix[0] || !significant(cur, g))
			continue;
		if (!new_transit(g, cur, prev, n_prev, k, ev, n))
			transit_state(g, prev0, ev, n);
	}
	for (i = 0; i < prev0->n; i++) {
		const struct nkt_hist_group *pg = &prev0->g[i], *g;
		if (pg->prefix[0] || pg->targets == 0 ||
		    !significant(prev0, pg))
			continue;
		g = find(cur, "", pg->transit);
		if (g == NULL || g->targets == 0)
			transit_gone(pg, cur, prev0, ev, n);
	}
}

/* Whether an event already reported covers this group: a transit's RTT
 * shift covers its /24s'; a transit's outage or recovery its hosts'. */
static int covered(const struct nkt_hist_group *g, const struct nkt_event *ev,
		   size_t n)
{
	int c = 0;
	size_t j;

	for (j = 0; j < n; j++) {
		const struct nkt_event *x = &ev[j];
		if (strcmp(x->transit, g->transit) != 0 || x->prefix[0])
			continue;
		if (g->prefix[0])
			c |= strcmp(x->kind, "rtt_shift") == 0;
		else
			c |= strcmp(x->kind, "outage") == 0 ||
			     strcmp(x->kind, "recovery") == 0;
	}
	return c;
}

/* Whether border a sits at an earlier hop than border b (both known). */
static int earlier(const struct nkt_hist_group *a,
		   const struct nkt_hist_group *b)
{
	return a->border_hop && b->border_hop && a->border_hop < b->border_hop;
}

/*
 * The border a /24 had before this cycle: the most recent one, unless it
 * sat at an earlier hop than the one before it for fewer than
 * NKT_DETECT_BORDER_HOLD cycles (that router was last only because the
 * border went unseen): then the one before, and so on.  *held: how many
 * cycles running, this one included, have had g's border.
 */
static const struct nkt_hist_group *
established(const struct nkt_hist_group *g, const struct nkt_hist_cycle *prev,
	    size_t n_prev, size_t *held)
{
	const struct nkt_hist_group *r = NULL;
	size_t i, run = 0;
	int counting = 1;

	*held = 1;
	for (i = 0; i < n_prev; i++) {
		const struct nkt_hist_group *x =
			find(&prev[i], g->prefix, g->transit);
		if (x == NULL || !has_border(x))
			continue;
		if (counting && strcmp(x->border, g->border) == 0)
			(*held)++;
		else
			counting = 0;
		if (r != NULL && strcmp(x->border, r->border) == 0) {
			run++;
			continue;
		}
		if (r != NULL &&
		    (!earlier(r, x) || run >= NKT_DETECT_BORDER_HOLD))
			break;
		r = x;
		run = 1;
	}
	return r;
}

/* A /24's border hop changed: at the same hop or further, at once; at an
 * earlier hop, once it has held NKT_DETECT_BORDER_HOLD cycles (until then
 * the old border is taken as unseen, not gone). */
static void new_border(const struct nkt_hist_group *g,
		       const struct nkt_hist_cycle *prev, size_t n_prev,
		       struct nkt_event **ev, size_t *n)
{
	const struct nkt_hist_group *pg;
	struct nkt_event *e;
	size_t held;

	if (!g->prefix[0] || !has_border(g))
		return;
	pg = established(g, prev, n_prev, &held);
	if (pg == NULL || strcmp(g->border, pg->border) == 0 ||
	    (earlier(g, pg) && held != NKT_DETECT_BORDER_HOLD))
		return;
	e = add(ev, n, "new_border", g->prefix, g->transit);
	snprintf(e->from, sizeof(e->from), "%s", pg->border);
	snprintf(e->to, sizeof(e->to), "%s", g->border);
	snprintf(e->message, sizeof(e->message),
		 "new border hop %s for %s over %s (was %s)", g->border,
		 g->prefix, g->transit, pg->border);
}

void nkt_detect(const struct nkt_hist_cycle *cur,
		const struct nkt_hist_cycle *prev, size_t n_prev,
		const struct nkt_hist_known *known, struct nkt_event **ev,
		size_t *n)
{
	size_t i;

	if (n_prev == 0)
		return; /* the first cycle: nothing to compare with */
	prefixes(cur, prev, n_prev, ev, n);
	routes(cur, &prev[0], ev, n);
	transits(cur, prev, n_prev, known, ev, n);
	/* RTT level shifts, loss changes, hosts going dark (over the same
	 * hosts, from the latest cycle that has them), new border hops. */
	for (i = 0; i < cur->n; i++) {
		const struct nkt_hist_group *g = &cur->g[i], *pg;
		const struct nkt_hist_cycle *pc;
		int cov;
		if (!g->defined && !carries(cur, g->transit, NULL))
			continue;
		cov = covered(g, *ev, *n);
		pc = with_hosts(prev, n_prev, g->prefix, g->transit);
		pg = pc ? find(pc, g->prefix, g->transit) : NULL;
		if (pc != NULL && pg != NULL && !isnan(pg->rtt_median) &&
		    !(g->prefix[0] && cov))
			rtt_shift(g, cur, pc, pg, ev, n);
		if (pc != NULL && !g->prefix[0]) {
			loss_shift(g, cur, pc, ev, n);
			if (!cov)
				dark_hosts(g, cur, pc, ev, n);
		}
		new_border(g, prev, n_prev, ev, n);
	}
}

json_t *nkt_event_json(const struct nkt_event *e, int64_t time,
		       int64_t run)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("event"));
	json_object_set_new(o, "time", json_integer(time));
	json_object_set_new(o, "run", json_integer(run));
	json_object_set_new(o, "kind", json_string(e->kind));
	if (e->prefix[0])
		json_object_set_new(o, "prefix", json_string(e->prefix));
	if (e->transit[0])
		json_object_set_new(o, "transit", json_string(e->transit));
	json_object_set_new(o, "message", json_string(e->message));
	if (!isnan(e->before))
		json_object_set_new(o, "before", json_real(e->before));
	if (!isnan(e->after))
		json_object_set_new(o, "after", json_real(e->after));
	if (e->from[0])
		json_object_set_new(o, "from", json_string(e->from));
	if (e->to[0])
		json_object_set_new(o, "to", json_string(e->to));
	return o;
}
