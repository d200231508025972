// SPDX-License-Identifier: ISC
/*
 * out_compare.c: a comparison as the summary record and as the terminal
 * report (see out_compare.h).  Pure: it formats what compare.c and
 * verdict.c decided and decides nothing itself.
 */
#include "nktrace/out_compare.h"
#include "nktrace/addrtab.h"
#include "nktrace/verdict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---------------------------------------------------------------- */

static json_t *jnum(double v, int digits)
{
	double m = pow(10, digits);
	return isnan(v) || isinf(v) ? json_null()
				    : json_real(round(v * m) / m);
}

static json_t *jci(struct nkt_ci ci, int digits)
{
	if (isnan(ci.lo) || isnan(ci.hi))
		return json_null();
	return json_pack("[o,o]", jnum(ci.lo, digits), jnum(ci.hi, digits));
}

static json_t *jaddr(const struct nkt_cmp_cfg *cfg, uint32_t addr)
{
	char a[NKT_ADDRSTRLEN];
	return addr ? json_string(nkt_addrtab_fmt(cfg->addrs, addr, a))
		    : json_null();
}

static json_t *stats_json(const struct nkt_cmp_stats *s,
			  const struct nkt_cmp_cfg *cfg)
{
	json_t *o = json_object(), *rtt = json_object(), *loss = json_object();
	json_object_set_new(o, "targets", json_integer((json_int_t)s->targets));
	json_object_set_new(o, "reached", json_integer((json_int_t)s->reached));
	json_object_set_new(o, "reached_pct",
			    jnum(s->targets ? 100.0 * (double)s->reached /
						      (double)s->targets
					    : NAN,
				 1));
	json_object_set_new(rtt, "median", jnum(s->rtt_median, 3));
	json_object_set_new(rtt, "ci", jci(s->rtt_ci, 3));
	json_object_set_new(rtt, "ci_confidence", jnum(s->rtt_conf, 4));
	json_object_set_new(rtt, "hosts", json_integer((json_int_t)s->hosts));
	json_object_set_new(rtt, "p10", jnum(s->rtt_p10, 3));
	json_object_set_new(rtt, "p90", jnum(s->rtt_p90, 3));
	json_object_set_new(rtt, "jitter", jnum(s->jitter, 3));
	json_object_set_new(rtt, "samples", json_integer((json_int_t)s->n_rtt));
	json_object_set_new(o, "rtt_ms", rtt);
	json_object_set_new(loss, "sent", json_integer((json_int_t)s->sent));
	json_object_set_new(loss, "lost", json_integer((json_int_t)s->lost));
	json_object_set_new(loss, "rate", jnum(s->loss, 5));
	json_object_set_new(loss, "ci", jci(s->loss_ci, 5));
	json_object_set_new(loss, "hosts",
			    json_integer((json_int_t)s->loss_hosts));
	json_object_set_new(loss, "dark", json_integer((json_int_t)s->dark));
	json_object_set_new(loss, "went_dark",
			    json_integer((json_int_t)s->went_dark));
	json_object_set_new(o, "loss", loss);
	json_object_set_new(o, "border_addr", jaddr(cfg, s->border_addr));
	json_object_set_new(o, "border_rtt_ms", jnum(s->border_rtt, 3));
	json_object_set_new(o, "border_ci", jci(s->border_ci, 3));
	json_object_set_new(o, "border_traces",
			    json_integer((json_int_t)s->border_n));
	json_object_set_new(o, "inside_rtt_ms", jnum(s->inside_rtt, 3));
	json_object_set_new(o, "paths", json_integer((json_int_t)s->paths));
	json_object_set_new(o, "path_vantage_points",
			    json_integer((json_int_t)s->vantages));
	json_object_set_new(o, "path_border_rtt_spread_ms",
			    jnum(s->path_spread, 3));
	json_object_set_new(o, "hops", jnum(s->hops, 1));
	json_object_set_new(o, "ratelimit_suspected",
			    json_integer((json_int_t)s->ratelimit_hops));
	json_object_set_new(o, "asymmetric",
			    json_integer((json_int_t)s->asymmetric));
	return o;
}

static json_t *test_json(const struct nkt_cmp_test *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "design",
			    json_string(nkt_verdict_design_name(t->design)));
	json_object_set_new(o, "test",
			    t->design == NKT_DESIGN_NONE
				    ? json_null()
				    : json_string(
					      nkt_verdict_test_name(t->design)));
	json_object_set_new(o, "units", json_pack("[I,I]",
						  (json_int_t)t->units_a,
						  (json_int_t)t->units_b));
	json_object_set_new(o, "paired", json_integer((json_int_t)t->paired));
	if (t->design == NKT_DESIGN_FLOWS_SLOTS || t->slots > 0)
		json_object_set_new(o, "slots",
				    json_integer((json_int_t)t->slots));
	if (t->design != NKT_DESIGN_NONE) {
		json_object_set_new(o, "diff", jnum(t->s.est, 3));
		json_object_set_new(o, "ci", jci(t->s.ci, 3));
		json_object_set_new(o, "ci_confidence", jnum(t->s.conf, 4));
		json_object_set_new(o, "p", jnum(t->s.p, 6));
		json_object_set_new(o, "exact", json_boolean(t->s.exact));
	} else {
		json_object_set_new(o, "diff", json_null());
		json_object_set_new(o, "ci", json_null());
		json_object_set_new(o, "p", json_null());
	}
	json_object_set_new(o, "p_holm", t->design != NKT_DESIGN_NONE
						 ? jnum(t->p_holm, 6)
						 : json_null());
	json_object_set_new(o, "available", json_boolean(t->available));
	json_object_set_new(o, "claim", json_boolean(t->claim));
	if (t->why[0])
		json_object_set_new(o, "why", json_string(t->why));
	return o;
}

static json_t *loss_json(const struct nkt_cmp_losstest *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "a", jnum(l->rate_a, 5));
	json_object_set_new(o, "b", jnum(l->rate_b, 5));
	json_object_set_new(o, "design",
			    json_string(!l->available ? "none"
					: l->d.paired	  ? "paired"
							  : "hosts"));
	json_object_set_new(o, "hosts", json_pack("[I,I]",
						  (json_int_t)l->hosts_a,
						  (json_int_t)l->hosts_b));
	json_object_set_new(o, "dark", json_pack("[I,I]",
						 (json_int_t)l->dark_a,
						 (json_int_t)l->dark_b));
	json_object_set_new(o, "diff", jnum(l->d.diff, 5));
	json_object_set_new(o, "ci", jci(l->d.ci, 5));
	json_object_set_new(o, "host_ci", jci(l->host_ci, 5));
	json_object_set_new(o, "slots", json_integer((json_int_t)l->slots));
	json_object_set_new(o, "p", l->available ? jnum(l->d.p, 6)
						 : json_null());
	json_object_set_new(o, "df", jnum(l->d.df, 2));
	json_object_set_new(o, "p_holm", l->available ? jnum(l->p_holm, 6)
						      : json_null());
	json_object_set_new(o, "available", json_boolean(l->available));
	json_object_set_new(o, "claim", json_boolean(l->claim));
	if (l->why[0])
		json_object_set_new(o, "why", json_string(l->why));
	return o;
}

static json_t *diff_json(const struct nkt_cmp_diff *d,
			 const struct nkt_cmp_cfg *cfg)
{
	char v[1024], bv[512];
	json_t *o, *b;
	if (!d->valid)
		return json_null();
	b = test_json(&d->border);
	json_object_set_new(b, "a_addr", jaddr(cfg, d->border_a));
	json_object_set_new(b, "b_addr", jaddr(cfg, d->border_b));
	o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s}", "a", d->a, "b", d->b,
		      "rtt_ms", test_json(&d->e2e), "border_rtt_ms", b,
		      "loss", loss_json(&d->loss), "verdict",
		      nkt_verdict_text(d, cfg->level, v, sizeof(v)),
		      "border_verdict",
		      nkt_verdict_border(d, cfg->level, cfg->addrs, bv,
					 sizeof(bv)));
	json_object_set_new(o, "claim",
			    json_boolean(d->e2e.claim || d->border.claim ||
					 d->loss.claim));
	json_object_set_new(o, "holm_over",
			    json_integer((json_int_t)d->family));
	/* --via from one source: the replies shared one return route */
	json_object_set_new(o, "forward_only",
			    json_boolean(d->pinned_one_return));
	return o;
}

static json_t *border_json(const struct nkt_border_hop *b,
			   const struct nkt_cmp_cfg *cfg)
{
	char a[NKT_ADDRSTRLEN];
	if (!b->present)
		return json_null();
	return json_pack("{s:i,s:s,s:o,s:o}", "hop", b->hop, "addr",
			 nkt_addrtab_fmt(cfg->addrs, b->addr, a), "asn",
			 b->asn ? json_integer(b->asn) : json_null(), "rtt_ms",
			 jnum((double)b->rtt_ns / 1e6, 3));
}

/* Why nothing attributed a target. */
static const char *unattributed_why(const struct nkt_attribution *a)
{
	switch (a->why) {
	case NKT_UNATTR_SPECIAL:
		return "only private or special-purpose addresses answered "
		       "before the target's AS: they say nothing of whose "
		       "network it is";
	case NKT_UNATTR_FULL:
		return "more upstreams than nktrace keeps apart ("
		       "NKT_TRANSITS_SEEN_MAX)";
	default:
		return "no hop before the target's AS answered, after the "
		       "re-probes (silent or rate-limited routers)";
	}
}

/* How a target's transit was seen: the hand-over, or the last AS over hops
 * that said nothing. */
static json_t *evidence_json(const struct nkt_attribution *a,
			     const struct nkt_cmp_cfg *cfg)
{
	return json_pack("{s:o,s:o,s:o,s:o}", "asn",
			 a->asn ? json_integer(a->asn) : json_null(), "addr",
			 jaddr(cfg, a->addr), "hop", json_integer(a->hop),
			 "gap",
			 a->gap == NKT_GAP_UNKNOWN ? json_null()
						   : json_integer(a->gap));
}

static json_t *target_json(const struct nkt_cmp_obs *o,
			   const struct nkt_cmp_cfg *cfg)
{
	json_t *t = json_object(), *rl = json_array();
	char a[NKT_ADDRSTRLEN], pfx[NKT_ADDRSTRLEN + 8], name[96];
	const char *hn = cfg->tdb ? nkt_targetdb_name(cfg->tdb, o->addr)
				  : NULL;
	double *tmp;
	size_t j;

	json_object_set_new(
		t, "addr", json_string(nkt_addrtab_fmt(cfg->addrs, o->addr, a)));
	if (hn != NULL)
		json_object_set_new(t, "name", json_string(hn));
	snprintf(pfx, sizeof(pfx), "%s/%u",
		 nkt_addrtab_fmt(cfg->addrs, o->prefix, a), o->prefix_len);
	json_object_set_new(t, "prefix", json_string(pfx));
	json_object_set_new(
		t, "method",
		json_string(nkt_method_name((enum nkt_method)o->method)));
	if (o->method != NKT_METHOD_ICMP)
		json_object_set_new(t, "port", json_integer(o->dport));
	if (o->via && cfg->via_name[o->via])
		json_object_set_new(t, "via", json_string(cfg->via_name[o->via]));
	json_object_set_new(t, "reached", json_boolean(o->reached));
	if (o->reprobe)
		json_object_set_new(t, "reprobe", json_true());
	if (o->tattr.transit < 0) {
		json_object_set_new(t, "transit", json_string("unattributed"));
		json_object_set_new(t, "why",
				    json_string(unattributed_why(&o->tattr)));
	} else {
		nkt_attribution_name(cfg->transits, &o->tattr, name,
				     sizeof(name));
		json_object_set_new(t, "transit", json_string(name));
		json_object_set_new(t, "evidence",
				    evidence_json(&o->tattr, cfg));
	}
	nkt_attribution_name(cfg->transits, &o->attr, name, sizeof(name));
	json_object_set_new(t, "path_transit", json_string(name));
	json_object_set_new(t, "stop_reason",
			    json_string(nkt_stop_name(o->stop_reason)));
	json_object_set_new(t, "dest_hop",
			    o->dest_hop && o->dest_hop != NKT_CMP_HOP_UNKNOWN
				    ? json_integer(o->dest_hop)
				    : json_null());
	tmp = nkt_xreallocarray(NULL, o->n_rtt + 1, sizeof(*tmp));
	memcpy(tmp, o->rtt, o->n_rtt * sizeof(*tmp));
	json_object_set_new(t, "rtt_ms",
			    jnum(o->n_rtt ? nkt_stats_median(tmp, o->n_rtt)
					  : NAN,
				 3));
	free(tmp);
	json_object_set_new(t, "e2e",
			    json_pack("{s:i,s:i}", "sent", (int)o->e2e_sent,
				      "received", (int)o->e2e_recv));
	json_object_set_new(t, "border", border_json(&o->last_foreign, cfg));
	json_object_set_new(t, "first_inside",
			    border_json(&o->first_inside, cfg));
	json_object_set_new(t, "reply_ttl", o->reply_ttl >= 0
						    ? json_integer(o->reply_ttl)
						    : json_null());
	json_object_set_new(t, "return_hops",
			    o->return_hops >= 0 ? json_integer(o->return_hops)
						: json_null());
	json_object_set_new(t, "asymmetric", json_boolean(o->asymmetric));
	for (j = 0; j < o->n_ratelimit; j++)
		json_array_append_new(rl, json_integer(o->ratelimit[j]));
	json_object_set_new(t, "ratelimit_suspected", rl);
	return t;
}

json_t *nkt_cmp_json(const struct nkt_cmp_result *r,
		     const struct nkt_cmp_obs *obs, size_t n,
		     const struct nkt_cmp_cfg *cfg, uint64_t start_ns,
		     uint64_t end_ns)
{
	json_t *rec = json_object(), *arr;
	char vbuf[32], a[NKT_ADDRSTRLEN], pfx[NKT_ADDRSTRLEN + 8];
	size_t i, j;

	snprintf(vbuf, sizeof(vbuf), "nktrace %s", NKT_VERSION);
	json_object_set_new(rec, "type", json_string("compare"));
	json_object_set_new(rec, "version", json_string(vbuf));
	json_object_set_new(rec, "start",
			    json_integer((json_int_t)(start_ns / NKT_NS_PER_S)));
	json_object_set_new(rec, "end",
			    json_integer((json_int_t)(end_ns / NKT_NS_PER_S)));
	json_object_set_new(rec, "level", json_real(cfg->level));
	json_object_set_new(rec, "min_units",
			    json_integer((json_int_t)r->min_units));
	json_object_set_new(rec, "observations",
			    json_integer((json_int_t)r->observations));
	json_object_set_new(rec, "reprobes",
			    json_integer((json_int_t)r->reprobes));
	json_object_set_new(rec, "targets",
			    json_integer((json_int_t)r->targets));
	json_object_set_new(rec, "unattributed",
			    json_integer((json_int_t)r->unattributed));
	json_object_set_new(rec, "attributed_over_silent_hops",
			    json_integer((json_int_t)r->weak));

	arr = json_array();
	for (i = 0; i < r->n_transit; i++) {
		const struct nkt_cmp_stats *s = &r->transit[i];
		json_t *o = stats_json(s, cfg), *asns = json_array();
		json_object_set_new(o, "name", json_string(s->name));
		if (s->transit >= 0) {
			const struct nkt_transit *t =
				&cfg->transits->t[s->transit];
			for (j = 0; j < t->n_asns; j++)
				json_array_append_new(asns,
						      json_integer(t->asns[j]));
			json_object_set_new(o, "color", json_string(t->color));
			json_object_set_new(o, "configured",
					    json_boolean(t->configured));
		}
		json_object_set_new(o, "asns", asns);
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "transits", arr);

	arr = json_array();
	for (i = 0; i < r->n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		json_t *o = stats_json(s, cfg);
		snprintf(pfx, sizeof(pfx), "%s/%u",
			 nkt_addrtab_fmt(cfg->addrs, s->prefix, a),
			 s->prefix_len);
		json_object_set_new(o, "prefix", json_string(pfx));
		json_object_set_new(o, "transit", json_string(s->name));
		json_object_set_new(o, "carrier", json_boolean(s->carrier));
		if (s->carrier)
			/* how the carrier is known: the routed paths out, or
			 * (every measurement pinned) the uplink the replies
			 * came back by */
			json_object_set_new(o, "carrier_from",
					    json_string(s->return_carrier
								? "replies"
								: "paths"));
		if (s->split)
			json_object_set_new(o, "split", json_true());
		json_object_set_new(o, "share", jnum(s->share, 3));
		if (cfg->tdb != NULL) {
			const struct nkt_tdb_prefix *p =
				nkt_targetdb_prefix_of(cfg->tdb, s->prefix);
			const struct nkt_tdb_history *h =
				p ? nkt_targetdb_latest(p) : NULL;
			if (h != NULL) {
				json_t *k = json_array();
				for (j = 0; j < h->n_transits; j++)
					json_array_append_new(
						k, json_string(h->transits[j]));
				json_object_set_new(
					o, "known",
					json_pack("{s:s,s:o}", "from", h->from,
						  "transits", k));
			}
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "prefixes", arr);
	json_object_set_new(rec, "difference", diff_json(&r->overall, cfg));
	arr = json_array();
	for (i = 0; i < r->n_pdiff; i++) {
		json_t *o = diff_json(&r->pdiff[i], cfg);
		if (json_is_object(o))
			json_object_set_new(o, "prefix",
					    json_string(r->pdiff[i].prefix_str));
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "prefix_differences", arr);
	arr = json_array();
	for (i = 0; i < r->n_odiff; i++)
		json_array_append_new(arr, diff_json(&r->odiff[i], cfg));
	json_object_set_new(rec, "other_differences", arr);

	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, target_json(&obs[i], cfg));
	json_object_set_new(rec, "targets_detail", arr);
	return rec;
}

/* ---- text --------------------------------------------------------------- */

static void fmt_ms(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
}

static void fmt_level(char *buf, size_t len, double level)
{
	double pct = level * 100;
	if (fabs(pct - round(pct)) < 1e-9)
		snprintf(buf, len, "%.0f%%", pct);
	else
		snprintf(buf, len, "%g%%", pct);
}

static void row(FILE *f, const char *first, int width,
		const struct nkt_cmp_stats *s)
{
	char med[16], p10[16], p90[16], jit[16], ci[40], brd[16], loss[16],
		lci[40], hop[16], lo[16], hi[16];
	fmt_ms(med, sizeof(med), s->rtt_median);
	fmt_ms(p10, sizeof(p10), s->rtt_p10);
	fmt_ms(p90, sizeof(p90), s->rtt_p90);
	fmt_ms(jit, sizeof(jit), s->jitter);
	fmt_ms(brd, sizeof(brd), s->border_rtt);
	fmt_ms(hop, sizeof(hop), s->hops);
	nkt_verdict_loss_text(loss, sizeof(loss), s->loss);
	if (isnan(s->rtt_ci.lo))
		snprintf(ci, sizeof(ci), "-");
	else {
		fmt_ms(lo, sizeof(lo), s->rtt_ci.lo);
		fmt_ms(hi, sizeof(hi), s->rtt_ci.hi);
		snprintf(ci, sizeof(ci), "%s-%s", lo, hi);
	}
	if (isnan(s->loss_ci.lo))
		snprintf(lci, sizeof(lci), "%s", "");
	else {
		nkt_verdict_loss_text(lo, sizeof(lo), s->loss_ci.lo);
		nkt_verdict_loss_text(hi, sizeof(hi), s->loss_ci.hi);
		snprintf(lci, sizeof(lci), "(%s-%s)", lo, hi);
	}
	fprintf(f, "%-*s %3zu/%-3zu %6s %13s %6s %6s %5s %6s %-15s %6s %5s\n",
		width, first, s->reached, s->targets, med, ci, p10, p90, jit,
		loss, lci, brd, hop);
}

static void header(FILE *f, const char *first, int width)
{
	fprintf(f, "%-*s %7s %6s %13s %6s %6s %5s %6s %-15s %6s %5s\n", width,
		first, "reached", "median", "median CI", "p10", "p90", "jit",
		"loss", "loss CI", "border", "hops");
}

/* "175.45.178.0/24 is split: China Unicom 3 of 5 routed targets, TTK 2",
 * one line per split prefix. */
static void split_notes(FILE *f, const struct nkt_cmp_result *r,
			const struct nkt_cmp_cfg *cfg)
{
	char a[NKT_ADDRSTRLEN];
	size_t i, j;
	for (i = 0; i < r->n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		int first = 1;
		if (!s->split)
			continue;
		for (j = 0; j < i; j++)
			if (r->prefix[j].prefix == s->prefix)
				break;
		if (j < i)
			continue; /* said at its first row */
		fprintf(f, "%s/%u is split between transits (a share of %.0f%% "
			   "or more each): ",
			nkt_addrtab_fmt(cfg->addrs, s->prefix, a),
			s->prefix_len, NKT_CMP_SPLIT_SHARE * 100);
		for (j = i; j < r->n_prefix; j++) {
			const struct nkt_cmp_stats *t = &r->prefix[j];
			if (t->prefix != s->prefix || t->share <= 0)
				continue;
			fprintf(f, "%s%s %zu of its routed targets (%.0f%%)",
				first ? "" : ", ", t->name, t->targets,
				t->share * 100);
			first = 0;
		}
		fputc('\n', f);
	}
}

static void notes(FILE *f, const struct nkt_cmp_result *r,
		  const struct nkt_cmp_cfg *cfg)
{
	char pct[16];
	size_t i, rl = 0, asym = 0, dark = 0, went = 0;
	for (i = 0; i < r->n_transit; i++) {
		rl += r->transit[i].ratelimit_hops;
		asym += r->transit[i].asymmetric;
		dark += r->transit[i].dark;
		went += r->transit[i].went_dark;
	}
	fmt_level(pct, sizeof(pct), cfg->level);
	fprintf(f, "\nRTTs in ms over end-to-end probes.  median: of each "
		   "host's median, with the %s order-statistic interval over "
		   "hosts ('-': too few for %s; one host: none, its probes' "
		   "interval being the host's, not the transit's); "
		   "p10/p90/jit over every probe.  loss: pooled over the "
		   "hosts that answered, its interval from the spread "
		   "between hosts.  * the transit carrying the prefix (each "
		   "of them when it is split).\n"
		   "p-values: Holm-adjusted over the comparisons made (end "
		   "to end, border, loss); a difference is claimed only when "
		   "its interval excludes 0 and its p is below %g, with at "
		   "least %u units on each side.\n",
		pct, pct, 1 - cfg->level, r->min_units);
	for (i = 0; i < r->n_prefix; i++)
		if (r->prefix[i].return_carrier) {
			fprintf(f, "With --via the probes' way out is chosen, "
				   "not North Korea's: a /24's * is the "
				   "transit whose uplink its replies came "
				   "back by.\n");
			break;
		}
	split_notes(f, r, cfg);
	if (r->unattributed > 0)
		fprintf(f, "%zu %s could not be attributed to any transit (no "
			   "public hop before North Korea answered, after the "
			   "re-probes): left out of every row; see "
			   "targets_detail for why.\n",
			r->unattributed,
			r->unattributed == 1 ? "target" : "targets");
	if (r->weak > 0)
		fprintf(f, "%zu %s no hand-over into North Korea (its border "
			   "router silent or rate-limited): %s transit is the "
			   "last AS seen before the silent hops "
			   "(targets_detail: evidence).\n",
			r->weak, r->weak == 1 ? "target's paths showed"
					      : "targets' paths showed",
			r->weak == 1 ? "its" : "their");
	if (dark > 0)
		fprintf(f, "%zu %s answered none of %s end-to-end probes: "
			   "counted as dark, not as packet loss.\n",
			dark, dark == 1 ? "host" : "hosts",
			dark == 1 ? "its" : "their");
	if (went > 0)
		fprintf(f, "%zu %s stopped answering while measured: %s last "
			   "probes are not counted as loss.\n",
			went, went == 1 ? "host" : "hosts",
			went == 1 ? "its" : "their");
	if (rl > 0)
		fprintf(f, "ICMP rate limiting suspected at %zu (trace, hop) "
			   "pairs of %zu traces (the hop missed replies that "
			   "a later hop of the same trace did not): not "
			   "counted as loss.\n",
			rl, r->observations);
	if (asym > 0)
		fprintf(f, "Return path length differs from the forward path "
			   "for %zu measurements (reply TTL).\n",
			asym);
}

/* The verdict and border lines of n comparisons. */
static void verdicts(FILE *f, const struct nkt_cmp_diff *d, size_t n,
		     const struct nkt_cmp_cfg *cfg)
{
	char buf[1024];
	size_t i;
	for (i = 0; i < n; i++) {
		fprintf(f, "verdict: %s\n",
			nkt_verdict_text(&d[i], cfg->level, buf, sizeof(buf)));
		fprintf(f, "border:  %s\n",
			nkt_verdict_border(&d[i], cfg->level, cfg->addrs, buf,
					   sizeof(buf)));
	}
}

void nkt_cmp_text(FILE *f, const struct nkt_cmp_result *r,
		  const struct nkt_cmp_cfg *cfg)
{
	char buf[1024], a[NKT_ADDRSTRLEN], first[160];
	size_t i;
	int tw = 16, pw = 31;
	const struct nkt_cmp_diff *d = &r->overall;

	fprintf(f, "%zu targets, %zu measurements\n\n", r->targets,
		r->observations);
	/* the first column as wide as the longest name (a transit met in
	 * the data is named by its AS: "AS9002 RETN Limited") */
	for (i = 0; i < r->n_transit; i++)
		if ((int)strlen(r->transit[i].name) > tw)
			tw = (int)strlen(r->transit[i].name);
	for (i = 0; i < r->n_prefix; i++) {
		int w = (int)strlen(r->prefix[i].name) + 18 +
			(r->prefix[i].carrier ? 2 : 0);
		if (w > pw)
			pw = w;
	}
	tw = tw > 48 ? 48 : tw;
	pw = pw > 66 ? 66 : pw;
	header(f, "transit", tw);
	for (i = 0; i < r->n_transit; i++)
		row(f, r->transit[i].name, tw, &r->transit[i]);
	for (i = 0; i < r->n_transit; i++) {
		const struct nkt_cmp_stats *s = &r->transit[i];
		if (s->paths < 2)
			continue;
		if (s->vantages > 1)
			fprintf(f, "%s: up to %zu distinct paths to the border "
				   "from one vantage point (load balanced; "
				   "%zu vantage points)",
				s->name, s->paths, s->vantages);
		else
			fprintf(f, "%s: %zu distinct paths to the border "
				   "(load balanced)",
				s->name, s->paths);
		if (!isnan(s->path_spread))
			fprintf(f, ", their median border RTTs %.1f ms apart",
				s->path_spread);
		fputc('\n', f);
	}
	fprintf(f, "\n");
	header(f, "prefix / transit", pw);
	for (i = 0; i < r->n_prefix; i++) {
		const struct nkt_cmp_stats *s = &r->prefix[i];
		snprintf(first, sizeof(first), "%s/%u %s%s",
			 nkt_addrtab_fmt(cfg->addrs, s->prefix, a),
			 s->prefix_len, s->name, s->carrier ? " *" : "");
		row(f, first, pw, s);
	}
	notes(f, r, cfg);
	fprintf(f, "\nverdict: %s\n",
		nkt_verdict_text(d, cfg->level, buf, sizeof(buf)));
	if (d->valid)
		fprintf(f, "border:  %s\n",
			nkt_verdict_border(d, cfg->level, cfg->addrs, buf,
					   sizeof(buf)));
	if (d->valid && d->pinned_one_return)
		fprintf(f, "With --via the probes left by the uplink named, "
			   "all from one source address: every reply came "
			   "back by the one route North Korea (and the "
			   "networks after it) chose for that address, the "
			   "same over both, so these differences are the "
			   "forward paths' alone. A run without --via "
			   "compares round trips over each transit, which "
			   "can show about twice the gap.\n");
	if (d->valid && !d->e2e.claim && d->e2e.paired < r->min_units &&
	    d->e2e.design != NKT_DESIGN_PAIRED) {
		if (d->e2e.paired > 0)
			fprintf(f, "To compare the transits themselves, "
				   "measure at least %u hosts over both (%zu "
				   "were): each host's own delay then cancels "
				   "out.\n",
				r->min_units, d->e2e.paired);
		else
			fprintf(f, "To compare the transits themselves, "
				   "measure the same hosts over both (compare "
				   "--via NAME=IFACE for each uplink): each "
				   "host's own delay then cancels out.\n");
	}
	if (r->n_odiff > 0)
		fprintf(f, "\nThe other pairs of transits (each pair its own "
			   "family of tests):\n");
	verdicts(f, r->odiff, r->n_odiff, cfg);
	if (r->n_pdiff > 0)
		fprintf(f, "\nPer prefix (p-values Holm-adjusted over the "
			   "comparisons of each prefix's transits):\n");
	verdicts(f, r->pdiff, r->n_pdiff, cfg);
}
