// SPDX-License-Identifier: ISC
/* cmd_common.c: target loading, keys, uplinks, sources (shell). */
#include "cmd_common.h"
#include "nktrace/cli.h"
#include "nktrace/clock.h"
#include "nktrace/engine.h"
#include "nktrace/resolve.h"
#include "nktrace/targets.h"
#include "nktrace/annotate.h"
#include "nktrace/cadence.h"
#include "nktrace/clock.h"
#include "nktrace/datafile.h"
#include "nktrace/inet.h"
#include "nktrace/netinfo.h"
#include "nktrace/priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int nkt_load_targets(const char *const *args, size_t n_args,
		     const char *const *files, size_t n_files,
		     struct nkt_targets *t, struct nkt_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n_args; i++)
		if ((rc = nkt_targets_add_arg(t, args[i], err)) != NKT_OK)
			return rc;
	for (i = 0; i < n_files; i++) {
		char *buf;
		size_t len;
		const char *name = strcmp(files[i], "-") == 0
					   ? "standard input"
					   : files[i];
		rc = nkt_read_file(files[i], &buf, &len, err);
		if (rc == NKT_ENOTFOUND)
			err->code = rc = NKT_EINVAL; /* bad input: exit 2 */
		if (rc != NKT_OK)
			return rc;
		rc = nkt_targets_add_text(t, buf, len, name, err);
		free(buf);
		if (rc != NKT_OK)
			return rc;
	}
	nkt_targets_dedup(t);
	if (t->n == 0)
		return nkt_err_set(err, NKT_EINVAL, "the target list is empty");
	return NKT_OK;
}

int nkt_make_key(int have_seed, uint64_t seed, struct nkt_key *key,
		 struct nkt_err *err)
{
	if (have_seed) {
		*key = nkt_key_from_seed(seed);
		return NKT_OK;
	}
	if (getrandom(key, sizeof(*key), 0) != (ssize_t)sizeof(*key))
		return nkt_err_set(err, NKT_ESYS, "getrandom: %s",
				   strerror(errno));
	return NKT_OK;
}

int nkt_setup_uplink(const char *via, const char *label, int dry,
		     struct nkt_uplink *u, struct nkt_err *err)
{
	char ifname[16], a[NKT_INET_ADDRSTRLEN];
	int rc;

	memset(u, 0, sizeof(*u));
	if ((rc = nkt_cli_via(via, ifname, &u->gateway, err)) != NKT_OK)
		return rc;
	snprintf(u->name, sizeof(u->name), "%s", label ? label : ifname);
	rc = nkt_net_iface(ifname, &u->ifc, err);
	if (rc == NKT_ENOTFOUND)
		return nkt_err_set(err, NKT_EINVAL, "--via: no interface '%s'",
				   ifname);
	if (rc != NKT_OK)
		return rc;
	if (!u->ifc.is_ether)
		return nkt_err_set(err, NKT_EINVAL,
				   "--via %s: not an Ethernet interface", via);
	if (u->gateway == 0 &&
	    nkt_net_default_gw(ifname, &u->gateway, err) != NKT_OK) {
		err->code = NKT_EINVAL; /* the user must name the gateway */
		return NKT_EINVAL;
	}
	if (dry) {
		/* No privilege in a dry run: the MAC if the kernel knows it. */
		nkt_net_neigh(ifname, u->gateway, u->gw_mac);
		return NKT_OK;
	}
	rc = nkt_net_arp(&u->ifc, u->gateway, u->gw_mac, err);
	if (rc == NKT_ENOTFOUND)
		return nkt_err_set(err, NKT_ESYS,
				   "--via %s: gateway %s does not answer ARP",
				   via, nkt_inet_fmt(u->gateway, a));
	return rc;
}

int nkt_source_for(struct nkt_src_cache *c, uint32_t dst, const char *src_opt,
		   uint32_t fallback, uint32_t *src, struct nkt_err *err)
{
	uint32_t net = dst & 0xffffff00u;
	unsigned slot = (net >> 8) & 0xff;
	int rc;

	if (src_opt != NULL)
		return nkt_inet_parse(src_opt, src) == NKT_OK
			       ? NKT_OK
			       : nkt_err_set(err, NKT_EINVAL, "bad --src");
	if (c->ok[slot] && c->net[slot] == net) {
		*src = c->src[slot];
		return NKT_OK;
	}
	rc = nkt_net_route_src(dst, src, err);
	if (rc != NKT_OK) {
		if (fallback == 0)
			return rc;
		*src = fallback;
	}
	c->net[slot] = net;
	c->src[slot] = *src;
	c->ok[slot] = 1;
	return NKT_OK;
}

void nkt_print_run_counts(const char *cmd, const char *what,
			  const struct nkt_run_result *res)
{
	const struct nkt_sched_stats *s = &res->sched;
	fprintf(stderr,
		"nktrace %s: %s%s%.2fs, %llu probes, %llu matched, %llu "
		"timeouts, %llu late, %llu dups, %llu foreign, %llu invalid, "
		"%llu send errors; capture %llu frames (%llu dropped, %llu "
		"not read in time)\n",
		cmd, what != NULL ? what : "", what != NULL ? ": " : "",
		res->wall_s, (unsigned long long)s->sent,
		(unsigned long long)s->matched, (unsigned long long)s->timeouts,
		(unsigned long long)s->late, (unsigned long long)s->dups,
		(unsigned long long)s->foreign, (unsigned long long)s->invalid,
		(unsigned long long)s->send_errors,
		(unsigned long long)res->capture.recv,
		(unsigned long long)res->capture.drop,
		(unsigned long long)res->ring_drops);
}

void nkt_run_counts_add(struct nkt_run_result *sum,
			const struct nkt_run_result *r)
{
	sum->sched.sent += r->sched.sent;
	sum->sched.matched += r->sched.matched;
	sum->sched.timeouts += r->sched.timeouts;
	sum->sched.late += r->sched.late;
	sum->sched.dups += r->sched.dups;
	sum->sched.foreign += r->sched.foreign;
	sum->sched.invalid += r->sched.invalid;
	sum->sched.send_errors += r->sched.send_errors;
	sum->capture.recv += r->capture.recv;
	sum->capture.drop += r->capture.drop;
	sum->ring_drops += r->ring_drops;
	sum->wall_s += r->wall_s;
}

int nkt_fail(const char *cmd, const struct nkt_err *err)
{
	if (err->code == NKT_EPRIV)
		fprintf(stderr, "nktrace %s: %s; %s\n", cmd, err->msg,
			NKT_PRIV_HINT);
	else
		fprintf(stderr, "nktrace %s: %s\n", cmd, err->msg);
	return nkt_status_exit(err->code);
}

void nkt_annot_warn_missing(const char *cmd, const struct nkt_annotator *an)
{
	char dir[4096];
	if (an == NULL || nkt_annot_asn_path(an)[0] != '\0')
		return;
	fprintf(stderr,
		"nktrace %s: warning: no address database found (%s/nktrace.mmdb, "
		"/usr/share/GeoIP, /var/lib/GeoIP): hops get no AS, paths no "
		"transit; set NKTRACE_DATA to nktrace's data directory or give "
		"--asn-db\n",
		cmd, nkt_data_dir(dir, sizeof(dir)));
}

int nkt_atlas_key(const char *file, char *key, size_t len,
		  struct nkt_err *err)
{
	const char *env = getenv("NKTRACE_ATLAS_KEY");
	FILE *f;

	key[0] = '\0';
	if (file == NULL) {
		if (env != NULL)
			snprintf(key, len, "%s", env);
		return NKT_OK;
	}
	if ((f = fopen(file, "r")) == NULL)
		return nkt_err_set(err, NKT_EINVAL, "%s: %s", file,
				   strerror(errno));
	if (fgets(key, (int)len, f) == NULL)
		key[0] = '\0';
	fclose(f);
	key[strcspn(key, "\r\n")] = '\0';
	return NKT_OK;
}

int nkt_run_wait(const struct nkt_run_opts *o, uint64_t cycle,
		 uint64_t prev_start, const sigset_t *halt)
{
	uint64_t rnd = 0, next;
	if (!o->every_ns || cycle == 0)
		return 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = 0;
	next = nkt_cadence_next(o->every_ns, prev_start, nkt_clock_wall_ns(),
				rnd);
	return nkt_clock_sleep_until(CLOCK_REALTIME, next, halt);
}

void nkt_cli_print_warnings(const char *cmd, const struct nkt_cli_out *out)
{
	size_t i;
	for (i = 0; i < out->n_warn; i++)
		fprintf(stderr, "nktrace %s: warning: %s\n", cmd, out->warn[i]);
}

int nkt_resolve_target_args(const char **args, size_t n, char (*bufs)[46],
			    struct nkt_resolver **r, struct nkt_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t a, net;
		uint8_t len;
		if (nkt_inet_parse(args[i], &a) == NKT_OK ||
		    nkt_prefix_parse(args[i], &net, &len, NULL) == NKT_OK ||
		    !nkt_is_host_name(args[i]))
			continue;
		if (*r == NULL &&
		    (*r = nkt_resolver_open(NKT_NAMES_QUERY_NS, err)) == NULL)
			return NKT_ESYS;
		if (nkt_resolver_host(*r, args[i],
				      nkt_clock_mono_ns() + NKT_NAMES_WAIT_NS,
				      &a, err) != NKT_OK) {
			/* A name that does not exist is bad input (exit 2). */
			if (err->code != NKT_ESYS)
				err->code = NKT_EINVAL;
			return err->code;
		}
		nkt_inet_fmt(a, bufs[i]);
		args[i] = bufs[i];
	}
	return NKT_OK;
}

int nkt_in_space(const struct nkt_targetdb *tdb, const uint32_t *dst,
		 size_t n)
{
	size_t i;
	uint32_t mask;

	if (tdb == NULL || tdb->space_len == 0 || n == 0)
		return 0;
	mask = tdb->space_len >= 32 ? 0xffffffffu
				    : ~(0xffffffffu >> tdb->space_len);
	for (i = 0; i < n; i++)
		if ((dst[i] & mask) != (tdb->space_net & mask))
			return 0;
	return 1;
}

int nkt_default_method(struct nkt_probe_opts *p,
		       const struct nkt_targetdb *tdb, const uint32_t *dst,
		       size_t n)
{
	if (p->method_set || !nkt_in_space(tdb, dst, n))
		return 0;
	p->method = NKT_METHOD_TCP;
	if (p->port == 0)
		p->port = 80;
	if (p->size_default)
		p->size = 40;
	return 1;
}
