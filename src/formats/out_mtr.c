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

/* A layout's column: its width, and the widths of its host and AS. */
struct layout {
	unsigned width, host, as;
	int full; /* every statistic; else loss, sent, average, stdev */
	int jitter; /* mtr's j: jitter in place of average, best, worst,
		       stdev (brief: of the average) */
};

static const struct layout layouts[] = {
	[NKT_MTR_FULL] = {NKT_MTR_COL_WIDTH, 30, 8, 1, 0},
	[NKT_MTR_NARROW] = {NKT_MTR_NARROW_WIDTH, 20, 7, 1, 0},
	[NKT_MTR_BRIEF] = {NKT_MTR_BRIEF_WIDTH, 16, 0, 0, 0},
};

/* Line `line` of hop `ttl` in column c, L->width characters (blank past
 * the hop's addresses). */
static void cell(char *out, size_t len, const struct nkt_mtr_col *c,
		 unsigned ttl, unsigned line, const struct nkt_out_opts *o,
		 const struct layout *L)
{
	const struct nkt_hopstat *h = &c->s->hop[ttl];
	char buf[NKT_INET_ADDRSTRLEN], as[16] = "";
	const char *host;
	int w = (int)L->width, hw = (int)L->host, aw = (int)L->as;

	if (ttl > nkt_hopstats_last(c->s) || (line > 0 && line >= h->n_addr)) {
		snprintf(out, len, "%*s", w, "");
		return;
	}
	host = h->n_addr ? host_of(h->addr[line], o, buf) : "???";
	if (h->n_addr && aw > 0)
		as_of(h->addr[line], o, as, sizeof(as));
	if (line > 0) { /* another address of the hop */
		if (aw > 0)
			snprintf(out, len, "  %-*.*s %-*.*s%*s", hw - 2,
				 hw - 2, host, aw, aw, as, w - hw - 1 - aw,
				 "");
		else
			snprintf(out, len, "  %-*.*s%*s", hw - 2, hw - 2, host,
				 w - hw, "");
		return;
	}
	if (L->full) {
		/* the four last fields: the RTT's, or mtr's j jitter */
		double f[4] = {0, 0, 0, 0};
		if (L->jitter) {
			f[0] = nkt_hopstat_jttr_ms(h);
			f[1] = nkt_hopstat_javg_ms(h);
			f[2] = nkt_hopstat_jmax_ms(h);
			f[3] = nkt_hopstat_jint_ms(h);
		} else if (h->n_addr) {
			f[0] = nkt_hopstat_avg_ms(h);
			f[1] = (double)h->best_ns / 1e6;
			f[2] = (double)h->worst_ns / 1e6;
			f[3] = nkt_hopstat_stdev_ms(h);
		}
		snprintf(out, len,
			 "%-*.*s %-*.*s %5.1f%% %*u %6.1f %6.1f %6.1f %6.1f "
			 "%*.1f",
			 hw, hw, host, aw, aw, as, nkt_hopstat_loss_pct(h),
			 L->width == NKT_MTR_COL_WIDTH ? 5 : 4, h->sent,
			 h->n_addr ? (double)h->last_ns / 1e6 : 0.0, f[0], f[1],
			 f[2], L->width == NKT_MTR_COL_WIDTH ? 6 : 5, f[3]);
	}
	else /* brief: an IPv4 address whole; loss, sent, average (or the
		mean jitter) */
		snprintf(out, len, "%-*.*s %5.1f%% %4u %6.1f ", hw, hw, host,
			 nkt_hopstat_loss_pct(h), h->sent,
			 L->jitter ? nkt_hopstat_javg_ms(h)
			 : h->n_addr ? nkt_hopstat_avg_ms(h)
				     : 0.0);
}

static void head_row(FILE *f, const struct layout *L)
{
	int hw = (int)L->host, aw = (int)L->as;
	const char *const *t;
	/* the jitter fields as mtr's j shows them */
	static const char *const rtt[] = {"Avg", "Best", "Wrst", "StDev"},
				 *const jit[] = {"Jttr", "Javg", "Jmax",
						 "Jint"};
	if (!L->full) {
		fprintf(f, "%-*.*s %6s %4s %6s ", hw, hw, "Host", "Loss%",
			"Snt", L->jitter ? "Javg" : "Avg");
		return;
	}
	t = L->jitter ? jit : rtt;
	if (L->width == NKT_MTR_COL_WIDTH)
		fprintf(f, "%-*.*s %-*.*s %6s %5s %6s %6s %6s %6s %6s", hw, hw,
			"Host", aw, aw, "AS", "Loss%", "Snt", "Last", t[0],
			t[1], t[2], t[3]);
	else
		fprintf(f, "%-*.*s %-*.*s %6s %4s %6s %6s %6s %6s %5s", hw, hw,
			"Host", aw, aw, "AS", "Loss%", "Snt", "Last", t[0],
			t[1], t[2], t[3]);
}

/* Columns c[0..n) side by side in layout L. */
static void side_by_side(FILE *f, const struct nkt_mtr_col *c, size_t n,
			 const struct nkt_out_opts *o, const struct layout *L)
{
	char buf[NKT_MTR_COL_WIDTH + 64];
	unsigned ttl, last = 0, line;
	int w = (int)L->width;
	size_t k;

	for (k = 0; k < n; k++)
		if (nkt_hopstats_last(c[k].s) > last)
			last = nkt_hopstats_last(c[k].s);
	fprintf(f, "     ");
	for (k = 0; k < n; k++) {
		char t[2 * NKT_MTR_COL_WIDTH];
		const char *title = c[k].title ? c[k].title : "";
		/* the brief layout: "china: China Unicom" (the uplink's
		 * interface and source left out) */
		int tl = (int)strlen(title);
		const char *paren = strstr(title, " (");
		if (!L->full && paren != NULL)
			tl = (int)(paren - title);
		snprintf(t, sizeof(t), "%.*s%s%s", tl, title,
			 c[k].carrier ? (tl ? (L->full ? ": transit " : ": ")
					    : "transit ")
				      : "",
			 c[k].carrier ? c[k].carrier : "");
		fprintf(f, "%s%-*.*s", k ? " | " : "", w, w, t);
	}
	fprintf(f, "\n     ");
	for (k = 0; k < n; k++) {
		fprintf(f, k ? " | " : "");
		head_row(f, L);
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
				cell(buf, sizeof(buf), &c[k], ttl, line, o, L);
				fprintf(f, "%s%s", k ? " | " : "", buf);
			}
			fputc('\n', f);
		}
	}
}

enum nkt_mtr_layout nkt_mtr_layout_for(size_t n, unsigned width)
{
	if (width >= NKT_MTR_SIDE_WIDTH(n))
		return NKT_MTR_FULL;
	if (width >= 5 + n * (NKT_MTR_NARROW_WIDTH + 3) - 3)
		return NKT_MTR_NARROW;
	return NKT_MTR_BRIEF;
}

/* Columns side by side in L when they fit in width, else one under the
 * other. */
static int table(FILE *f, const struct nkt_mtr_col *c, size_t n,
		 const struct nkt_out_opts *o, unsigned width,
		 const struct layout *L)
{
	size_t k;
	if (n > 1 && width < 5 + n * (L->width + 3) - 3) {
		for (k = 0; k < n; k++) {
			if (k)
				fputc('\n', f);
			side_by_side(f, &c[k], 1, o, L);
		}
	} else
		side_by_side(f, c, n, o, L);
	return ferror(f) ? -1 : 0;
}

int nkt_mtr_text_layout(FILE *f, const struct nkt_mtr_col *c, size_t n,
			const struct nkt_out_opts *o, unsigned width,
			enum nkt_mtr_layout layout, int jitter)
{
	struct layout L;
	if (layout == NKT_MTR_AUTO)
		layout = nkt_mtr_layout_for(n, width);
	L = layouts[layout];
	L.jitter = jitter;
	return table(f, c, n, o, width, &L);
}

int nkt_mtr_text(FILE *f, const struct nkt_mtr_col *c, size_t n,
		 const struct nkt_out_opts *o, unsigned width)
{
	return table(f, c, n, o, width, &layouts[NKT_MTR_FULL]);
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
