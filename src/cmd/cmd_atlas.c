// SPDX-License-Identifier: ISC
/*
 * cmd_atlas.c: `nktrace atlas create`: the RIPE Atlas measurements that
 * let `run --atlas` see North Korea from the world's probes.  Builds the
 * request (atlas_request.c), prints it (--dry-run) or sends it with the
 * user's key, and says how to follow what was made.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/atlas_http.h"
#include "nktrace/atlas_request.h"
#include "nktrace/datafile.h"
#include "nktrace/inet.h"
#include "nktrace/outfile.h"
#include "nktrace/out_opts.h"
#include "nktrace/targetdb.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The targets: the ADDRs given, else every known host. */
static int targets(const struct nkt_atlas_opts *o, struct nkt_atlas_req *r,
		   struct nkt_targetdb **tdb, struct nkt_err *err)
{
	struct nkt_transits *trans = NULL;
	size_t i;

	if (nkt_load_data(o->transits_file, tdb, &trans, err) != NKT_OK)
		return NKT_EINVAL;
	free(trans);
	for (i = 0; i < o->n_addrs; i++) {
		uint32_t a;
		if (nkt_inet_parse(o->addrs[i], &a) != 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "'%s' is not an IPv4 address",
					   o->addrs[i]);
		r->t[r->n].addr = a;
		r->t[r->n++].name = *tdb ? nkt_targetdb_name(*tdb, a) : NULL;
	}
	for (i = 0; o->n_addrs == 0 && *tdb && i < (*tdb)->n_host &&
		    r->n < NKT_ATLAS_REQ_TARGETS;
	     i++) {
		r->t[r->n].addr = (*tdb)->host[i].addr;
		r->t[r->n++].name =
			(*tdb)->host[i].name[0] ? (*tdb)->host[i].name : NULL;
	}
	if (r->n == 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "no targets (data/targets.json has no "
				   "hosts; give ADDRs)");
	return NKT_OK;
}

static void request_of(const struct nkt_atlas_opts *o,
		       struct nkt_atlas_req *r)
{
	r->tcp80 = strstr(o->protocols, "tcp80") != NULL;
	r->tcp443 = strstr(o->protocols, "tcp443") != NULL;
	r->icmp = strstr(o->protocols, "icmp") != NULL;
	r->paris = (unsigned)o->paris;
	r->packets = (unsigned)o->packets;
	r->interval_s = (unsigned)(o->interval_ns / NKT_NS_PER_S);
	r->probes = (unsigned)o->probes;
	r->area = o->area;
	r->country = o->country;
}

/* Send the request (its estimate said first); the ids created into
 * *ids (a new reference). */
static int submit(const struct nkt_atlas_opts *o, const char *body,
		  const char *estimate, json_t **ids, struct nkt_err *err)
{
	struct nkt_atlas_client c;
	char key[256], *resp = NULL;
	size_t len = 0;
	int sig = 0, rc;

	if (nkt_atlas_key(o->atlas_key_file, key, sizeof(key), err) != NKT_OK)
		return NKT_EINVAL;
	if (key[0] == '\0')
		return nkt_err_set(err, NKT_EINVAL,
				   "creating measurements needs an API key "
				   "(--atlas-key-file FILE or "
				   "$NKTRACE_ATLAS_KEY; --dry-run needs none)");
	fprintf(stderr, "nktrace atlas: %s\n", estimate);
	if (o->out.verbose)
		fprintf(stderr, "nktrace atlas: POST %s/api/v2/measurements/, "
				"%zu bytes\n",
			o->atlas_url, strlen(body));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	nkt_atlas_client_init(&c, o->atlas_url);
	c.key = key;
	rc = nkt_atlas_create(&c, body, &resp, &len, &sig, err);
	curl_global_cleanup();
	if (rc != NKT_OK) {
		err->code = NKT_ESYS; /* the API refused: a runtime failure */
		return NKT_ESYS;
	}
	if (o->out.verbose)
		fprintf(stderr, "nktrace atlas: the API answered %zu bytes\n",
			len);
	rc = nkt_atlas_created_ids(resp, len, ids, err);
	free(resp);
	return rc;
}

/* The ids as "1,2,3" and the command that follows them. */
static char *follow_command(const json_t *ids)
{
	size_t i, n = json_array_size(ids), cap = 64 + 24 * n, at;
	char *s = nkt_xcalloc(1, cap);
	at = (size_t)snprintf(s, cap, "nktrace run --db nk.db --atlas ");
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(
			s + at, cap - at, "%s%lld", i ? "," : "",
			(long long)json_integer_value(json_array_get(ids, i)));
	snprintf(s + at, cap - at, " --every 15m");
	return s;
}

/* The result: text (the estimate and request for --dry-run; the ids and
 * how to follow them) or one JSON object.  Returns 0 or -1 (errno). */
static int write_result(FILE *f, const struct nkt_atlas_opts *o,
			const struct nkt_atlas_cost *cost, const char *estimate,
			const json_t *req, const char *body, json_t *ids)
{
	char *follow = ids != NULL ? follow_command(ids) : NULL;
	size_t i;
	int rc;

	if (o->out.json) {
		json_t *j = json_pack(
			"{s:s,s:b,s:{s:I,s:I,s:I,s:s},s:O}", "type",
			"atlas_create", "dry_run", o->dry_run, "estimate",
			"measurements", (json_int_t)cost->measurements,
			"results", (json_int_t)cost->results, "credits",
			(json_int_t)cost->credits, "per",
			o->one_off ? "all" : "day", "request", req);
		if (ids != NULL) {
			json_object_set(j, "measurements", ids);
			json_object_set_new(j, "follow", json_string(follow));
		}
		rc = json_dumpf(j, f, NKT_JSON_FLAGS) != 0 ||
		     fputc('\n', f) == EOF;
		json_decref(j);
	} else if (ids == NULL) {
		rc = fprintf(f, "%s\nPOST %s/api/v2/measurements/\n%s\n",
			     estimate, o->atlas_url, body) < 0;
	} else {
		fprintf(f, "created %zu measurement%s:", json_array_size(ids),
			json_array_size(ids) == 1 ? "" : "s");
		for (i = 0; i < json_array_size(ids); i++)
			fprintf(f, " %lld",
				(long long)json_integer_value(
					json_array_get(ids, i)));
		rc = fprintf(f, "\nfollow them with: %s\n", follow) < 0;
	}
	free(follow);
	return rc || ferror(f) ? -1 : 0;
}

int nkt_cmd_atlas(int argc, char **argv)
{
	struct nkt_atlas_opts o;
	struct nkt_atlas_req *r = nkt_xcalloc(1, sizeof(*r));
	struct nkt_targetdb *tdb = NULL;
	struct nkt_err err = {0, ""};
	json_t *req = NULL;
	char *body = NULL;
	struct nkt_atlas_cost cost;
	char estimate[300];
	struct nkt_outfile of;
	json_t *ids = NULL;
	int code = NKT_EXIT_OK, opened = 0;

	if (nkt_cli_atlas(argc, argv, &o, &err) != NKT_OK ||
	    (!o.help && targets(&o, r, &tdb, &err) != NKT_OK)) {
		code = nkt_fail("atlas", &err);
		goto out;
	}
	if (o.help) {
		fputs(nkt_cli_atlas_help, stdout);
		goto out;
	}
	request_of(&o, r);
	nkt_atlas_estimate(r, &cost);
	snprintf(estimate, sizeof(estimate),
		 "estimate: %llu measurement%s x %u probes, %llu results %s, "
		 "about %llu credits %s (%u credits a result of %u packets)",
		 (unsigned long long)cost.measurements,
		 cost.measurements == 1 ? "" : "s", r->probes,
		 (unsigned long long)cost.results,
		 r->interval_s ? "a day" : "in all",
		 (unsigned long long)cost.credits,
		 r->interval_s ? "a day" : "in all",
		 NKT_ATLAS_CREDITS_PER_PACKET * r->packets, r->packets);
	if (cost.credits > o.max_credits) {
		nkt_err_set(&err, NKT_EINVAL,
			    "the request would spend about %llu credits %s, "
			    "above --max-credits %llu: fewer targets, "
			    "protocols or probes, a longer --interval, or a "
			    "higher --max-credits",
			    (unsigned long long)cost.credits,
			    r->interval_s ? "a day" : "in all",
			    (unsigned long long)o.max_credits);
		code = nkt_fail("atlas", &err);
		goto out;
	}
	req = nkt_atlas_request(r);
	body = json_dumps(req, o.dry_run ? JSON_INDENT(2) : NKT_JSON_FLAGS);
	/* the output opened before anything is sent: an unwritable -o
	 * spends no credits */
	if (nkt_outfile_open(&of, o.out.output, &err) != NKT_OK) {
		code = nkt_fail("atlas", &err);
		goto out;
	}
	opened = 1;
	if (!o.dry_run && submit(&o, body, estimate, &ids, &err) != NKT_OK) {
		code = nkt_fail("atlas", &err);
		goto out;
	}
	if (write_result(of.f, &o, &cost, estimate, req, body, ids) != 0) {
		nkt_outfile_error(&of, errno, &err);
		code = nkt_fail("atlas", &err);
		goto out;
	}
	opened = 0;
	if (nkt_outfile_commit(&of, &err) != NKT_OK)
		code = nkt_fail("atlas", &err);
	else if (ids != NULL && o.out.output != NULL &&
		 strcmp(o.out.output, "-") != 0)
		/* the ids matter even when the file is elsewhere */
		fprintf(stderr, "nktrace atlas: created %zu measurements, "
				"written to %s\n",
			json_array_size(ids), o.out.output);
out:
	if (opened)
		nkt_outfile_abort(&of);
	json_decref(ids);
	free(body);
	json_decref(req);
	free(tdb);
	free(r);
	return code;
}
