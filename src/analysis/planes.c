// SPDX-License-Identifier: ISC
/* planes.c: the control plane beside the data plane (see planes.h). */
#include "nktrace/planes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int nkt_planes_same(const char *carrier, const char *route)
{
	size_t n = strlen(route);
	if (strcmp(carrier, route) == 0)
		return 1;
	/* "AS9002" and "AS9002 RETN Limited" */
	return n > 2 && strncmp(route, "AS", 2) == 0 &&
	       strncmp(carrier, route, n) == 0 && carrier[n] == ' ';
}

/* One clause into buf at *off, truncated safely. */
static void put(char *buf, size_t len, size_t *off, const char *fmt,
		const char *a, unsigned pct, unsigned total)
{
	int k;
	if (*off >= len)
		return;
	k = snprintf(buf + *off, len - *off, fmt, a, pct, total);
	if (k > 0)
		*off += (size_t)k < len - *off ? (size_t)k : len - *off - 1;
}

int nkt_planes_state(const char *prefix, const struct nkt_plane_carrier *c,
		     size_t nc, const struct nkt_plane_route *r, size_t nr,
		     struct nkt_event *ev)
{
	const struct nkt_plane_route *lead = NULL;
	char carriers[200] = "", routes[300] = "";
	size_t i, j, off = 0, have_c = 0;
	int agree = 0;

	memset(ev, 0, sizeof(*ev));
	ev->before = ev->after = NAN;
	for (i = 0; i < nr; i++)
		if (strcmp(r[i].prefix, prefix) == 0 && r[i].peers > 0 &&
		    (lead == NULL || r[i].peers > lead->peers))
			lead = &r[i];
	for (i = 0; i < nc; i++)
		if (strcmp(c[i].prefix, prefix) == 0) {
			size_t n = strlen(carriers);
			snprintf(carriers + n, sizeof(carriers) - n, "%s%s",
				 have_c ? " and " : "", c[i].transit);
			have_c++;
			for (j = 0; j < nr; j++)
				if (strcmp(r[j].prefix, prefix) == 0 &&
				    r[j].total > 0 &&
				    (double)r[j].peers >=
					    NKT_PLANES_SHARE *
						    (double)r[j].total &&
				    nkt_planes_same(c[i].transit, r[j].transit))
					agree = 1;
		}
	if (lead == NULL || have_c == 0)
		return -1;
	for (i = 0; i < nr; i++) {
		if (strcmp(r[i].prefix, prefix) != 0 || r[i].total == 0 ||
		    (double)r[i].peers <
			    NKT_PLANES_SHARE * (double)r[i].total)
			continue;
		put(routes, sizeof(routes), &off,
		    off ? ", %s (%u%% of %u peers)" : "%s (%u%% of %u peers)",
		    r[i].transit,
		    (unsigned)lround(100.0 * r[i].peers / r[i].total),
		    r[i].total);
	}
	if (off == 0)
		put(routes, sizeof(routes), &off, "%s (%u%% of %u peers)",
		    lead->transit,
		    (unsigned)lround(100.0 * lead->peers / lead->total),
		    lead->total);
	snprintf(ev->kind, sizeof(ev->kind), "%s",
		 agree ? "planes_agree" : "planes_disagree");
	snprintf(ev->prefix, sizeof(ev->prefix), "%s", prefix);
	snprintf(ev->transit, sizeof(ev->transit), "%s", lead->transit);
	snprintf(ev->from, sizeof(ev->from), "%s", routes);
	snprintf(ev->to, sizeof(ev->to), "%s", carriers);
	if (agree)
		snprintf(ev->message, sizeof(ev->message),
			 "%s: BGP and the packets agree: BGP via %s, packets "
			 "via %s",
			 prefix, routes, carriers);
	else
		snprintf(ev->message, sizeof(ev->message),
			 "%s: BGP via %s, packets via %s", prefix, routes,
			 carriers);
	return agree ? 0 : 1;
}
