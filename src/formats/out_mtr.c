// SPDX-License-Identifier: ISC
/* out_mtr.c: mtr's table and JSON report over per-hop statistics.  Pure. */
#include "nktrace/out_mtr.h"
#include "nktrace/inet.h"

#include <string.h>

/* The host column of address a: its name when known, else the address. */
static const char *host_of(uint32_t a, const struct nkt_out_opts *o,
			   char *buf)
{
	const char *name =
		o != NULL && o->addr_name != NULL ? o->addr_name(o->ctx, a)
						  : NULL;
	return name != NULL ? name : nkt_inet_fmt(a, buf);
}

/* "AS4837" (the first word of the annotation), or "". */
static void as_of(uint32_t a, const struct nkt_out_opts *o, char *as,
		  size_t len)
{
	char col[96];
	const char *c;
	size_t k = 0;

	as[0] = '\0';
	if (o == NULL || o->hook.text == NULL)
		return;
	c = o->hook.text(o->hook.ctx, a, col, sizeof(col));
	if (c == NULL || strncmp(c, "AS", 2) != 0)
		return;
	while (c[k] != '\0' && c[k] != ' ' && k + 1 < len) {
		as[k] = c[k];
		k++;
	}
	as[k] = '\0';
}

/* Line `line` of hop `ttl` in column c, NKT_MTR_COL_WIDTH characters
 * (blank past the hop's addresses). */
static void cell(char *out, const struct nkt_mtr_col *c, unsigned ttl,
		 unsigned line, const struct nkt_out_opts *o)
{
	const struct nkt_hopstat *h = &c->s->hop[ttl];
	char buf[NKT_INET_ADDRSTRLEN], as[16];

	if (ttl > nkt_hopstats_last(c->s) || (line > 0 && line >= h->n_addr)) {
		snprintf(out, NKT_MTR_COL_WIDTH + 1, "%*s", NKT_MTR_COL_WIDTH,
			 "");
		return;
	}
	if (line > 0) {
		as_of(h->addr[line], o, as, sizeof(as));
		snprintf(out, NKT_MTR_COL_WIDTH + 1, "  %-28.28s %-8.8s%*s",
			 host_of(h->addr[line], o, buf), as,
			 NKT_MTR_COL_WIDTH - 39, "");
		return;
	}
	if (h->n_addr == 0) {
		snprintf(out, NKT_MTR_COL_WIDTH + 1,
			 "%-30.30s %-8.8s %5.1f%% %5u %6.1f %6.1f %6.1f %6.1f "
			 "%6.1f",
			 "???", "", nkt_hopstat_loss_pct(h), h->sent, 0.0, 0.0,
			 0.0, 0.0, 0.0);
		return;
	}
	as_of(h->addr[0], o, as, sizeof(as));
	snprintf(out, NKT_MTR_COL_WIDTH + 1,
		 "%-30.30s %-8.8s %5.1f%% %5u %6.1f %6.1f %6.1f %6.1f %6.1f",
		 host_of(h->addr[0], o, buf), as, nkt_hopstat_loss_pct(h),
		 h->sent, (double)h->last_ns / 1e6, nkt_hopstat_avg_ms(h),
		 (double)h->best_ns / 1e6, (double)h->worst_ns / 1e6,
		 nkt_hopstat_stdev_ms(h));
}

static const char header[] = "%-30.30s %-8.8s %6s %5s %6s %6s %6s %6s %6s";

/* Columns c[0..n) side by side. */
static void side_by_side(FILE *f, const struct nkt_mtr_col *c, size_t n,
			 const struct nkt_out_opts *o)
{
	char buf[NKT_MTR_COL_WIDTH + 1];
	unsigned ttl, last = 0, line;
	size_t k;

	for (k = 0; k < n; k++)
		if (nkt_hopstats_last(c[k].s) > last)
			last = nkt_hopstats_last(c[k].s);
	fprintf(f, "     ");
	for (k = 0; k < n; k++) {
		char t[2 * NKT_MTR_COL_WIDTH];
		snprintf(t, sizeof(t), "%s%s%s", c[k].title ? c[k].title : "",
			 c[k].carrier ? (c[k].title ? ": transit " : "transit ")
				      : "",
			 c[k].carrier ? c[k].carrier : "");
		fprintf(f, "%s%-*.*s", k ? " | " : "", NKT_MTR_COL_WIDTH,
			NKT_MTR_COL_WIDTH, t);
	}
	fprintf(f, "\n     ");
	for (k = 0; k < n; k++) {
		fprintf(f, k ? " | " : "");
		fprintf(f, header, "Host", "AS", "Loss%", "Snt", "Last", "Avg",
			"Best", "Wrst", "StDev");
	}
	fputc('\n', f);
	for (ttl = 1; ttl <= last; ttl++) {
		unsigned lines = 1;
		for (k = 0; k < n; k++)
			if (ttl <= nkt_hopstats_last(c[k].s) &&
			    c[k].s->hop[ttl].n_addr > lines)
				lines = c[k].s->hop[ttl].n_addr;
		for (line = 0; line < lines; line++) {
			if (line == 0)
				fprintf(f, "%3u. ", ttl);
			else
				fprintf(f, "     ");
			for (k = 0; k < n; k++) {
				cell(buf, &c[k], ttl, line, o);
				fprintf(f, "%s%s", k ? " | " : "", buf);
			}
			fputc('\n', f);
		}
	}
}

int nkt_mtr_text(FILE *f, const struct nkt_mtr_col *c, size_t n,
		 const struct nkt_out_opts *o, unsigned width)
{
	size_t k;

	if (n > 1 && width < NKT_MTR_SIDE_WIDTH(n)) {
		for (k = 0; k < n; k++) {
			if (k)
				fputc('\n', f);
			side_by_side(f, &c[k], 1, o);
		}
	} else
		side_by_side(f, c, n, o);
	return ferror(f) ? -1 : 0;
}

/* A number rounded to the 0.001, as mtr writes them. */
static json_t *ms3(double v)
{
	return json_real((double)(long long)(v * 1000 + 0.5) / 1000);
}

json_t *nkt_mtr_json(const struct nkt_mtr_col *c, const char *src,
		     const char *dst, unsigned psize, int tos,
		     const struct nkt_out_opts *o)
{
	json_t *hubs = json_array(), *mtr, *rep;
	unsigned ttl, last = nkt_hopstats_last(c->s);
	char buf[NKT_INET_ADDRSTRLEN], as[16], ps[16];

	for (ttl = 1; ttl <= last; ttl++) {
		const struct nkt_hopstat *h = &c->s->hop[ttl];
		json_t *hub = json_object();
		json_object_set_new(hub, "count", json_integer(ttl));
		json_object_set_new(hub, "host",
				    json_string(h->n_addr
							? host_of(h->addr[0], o,
								  buf)
							: "???"));
		if (h->n_addr) {
			as_of(h->addr[0], o, as, sizeof(as));
			json_object_set_new(hub, "ASN",
					    json_string(*as ? as : "AS???"));
		}
		json_object_set_new(hub, "Loss%",
				    ms3(nkt_hopstat_loss_pct(h)));
		json_object_set_new(hub, "Snt", json_integer(h->sent));
		json_object_set_new(hub, "Last", ms3((double)h->last_ns / 1e6));
		json_object_set_new(hub, "Avg", ms3(nkt_hopstat_avg_ms(h)));
		json_object_set_new(hub, "Best", ms3((double)h->best_ns / 1e6));
		json_object_set_new(hub, "Wrst",
				    ms3((double)h->worst_ns / 1e6));
		json_object_set_new(hub, "StDev",
				    ms3(nkt_hopstat_stdev_ms(h)));
		if (h->n_addr > 1) {
			json_t *more = json_array();
			uint8_t i;
			for (i = 1; i < h->n_addr; i++)
				json_array_append_new(
					more, json_string(host_of(h->addr[i],
								  o, buf)));
			json_object_set_new(hub, "also", more);
		}
		json_array_append_new(hubs, hub);
	}
	snprintf(ps, sizeof(ps), "%u", psize);
	mtr = json_pack("{s:s,s:s,s:i,s:I,s:s,s:s}", "src", src, "dst", dst,
			"tos", tos, "tests", (json_int_t)c->s->rounds, "psize",
			ps, "bitpattern", "0x00");
	if (c->title != NULL)
		json_object_set_new(mtr, "transit", json_string(c->title));
	if (c->carrier != NULL)
		json_object_set_new(mtr, "carrier", json_string(c->carrier));
	rep = json_pack("{s:o,s:o}", "mtr", mtr, "hubs", hubs);
	return json_pack("{s:o}", "report", rep);
}
