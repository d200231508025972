// SPDX-License-Identifier: ISC
/*
 * planes_check.c: the control plane beside the data plane in a history
 * (`bgp --db` after storing routes, `run` after a cycle): the events of
 * what changed in their agreement (see cmd_common.h).
 */
#include "cmd_common.h"
#include "nktrace/history.h"
#include "nktrace/planes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether prefix p is among the first n of list (prefix strings). */
static int listed(char (*list)[64], size_t n, const char *p)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], p) == 0)
			return 1;
	return 0;
}

int nkt_planes_events(struct nkt_history *h, const struct nkt_plane_route *r,
		      size_t nr, struct nkt_event **ev, size_t *n,
		      struct nkt_err *err)
{
	struct nkt_plane_route *stored = NULL;
	struct nkt_plane_carrier *c = NULL;
	char (*seen)[64] = NULL;
	size_t nc = 0, ns = 0, i;
	int64_t t_bgp = 0, t_data = 0;
	int rc = NKT_OK;

	*ev = NULL;
	*n = 0;
	if (r == NULL) {
		if ((rc = nkt_history_bgp_latest(h, 0, &t_bgp, &stored, &nr,
						 err)) != NKT_OK)
			return rc;
		r = stored;
	}
	if (nr == 0 ||
	    (rc = nkt_history_carriers(h, &t_data, &c, &nc, err)) != NKT_OK ||
	    nc == 0)
		goto out;
	seen = nkt_xcalloc(nc, sizeof(*seen));
	*ev = nkt_xcalloc(nc, sizeof(**ev));
	for (i = 0; i < nc; i++) {
		struct nkt_event e;
		char kind[32], msg[512];
		int state;
		if (listed(seen, ns, c[i].prefix))
			continue;
		snprintf(seen[ns++], sizeof(seen[0]), "%s", c[i].prefix);
		state = nkt_planes_state(c[i].prefix, c, nc, r, nr, &e);
		if (state < 0)
			continue;
		if ((rc = nkt_history_planes_last(h, c[i].prefix, kind,
						  sizeof(kind), msg,
						  sizeof(msg), err)) != NKT_OK)
			goto out;
		/* a disagreement new or different; agreement after one */
		if ((state == 1 && (strcmp(kind, "planes_disagree") != 0 ||
				    strcmp(msg, e.message) != 0)) ||
		    (state == 0 && strcmp(kind, "planes_disagree") == 0))
			(*ev)[(*n)++] = e;
	}
out:
	free(stored);
	free(c);
	free(seen);
	if (rc != NKT_OK) {
		free(*ev);
		*ev = NULL;
		*n = 0;
	}
	return rc;
}

size_t nkt_planes_after_cycle(struct nkt_history *h, int64_t time,
			      const char *cmd, int print)
{
	struct nkt_err err = {0, ""};
	struct nkt_event *ev = NULL;
	int64_t *t;
	size_t n = 0, i;

	if (nkt_planes_events(h, NULL, 0, &ev, &n, &err) != NKT_OK) {
		fprintf(stderr, "nktrace %s: %s\n", cmd, err.msg);
		return 0;
	}
	if (n == 0) {
		free(ev);
		return 0;
	}
	t = nkt_xcalloc(n, sizeof(*t));
	for (i = 0; i < n; i++)
		t[i] = time;
	if (nkt_history_events_put(h, ev, t, n, &err) != NKT_OK) {
		fprintf(stderr, "nktrace %s: %s\n", cmd, err.msg);
		n = 0;
	}
	for (i = 0; print && i < n; i++)
		printf("  event %s: %s\n", ev[i].kind, ev[i].message);
	fflush(stdout);
	free(t);
	free(ev);
	return n;
}
