// SPDX-License-Identifier: ISC
/*
 * cmd_lookup.c: `nktrace lookup ADDR...`: ASN, organisation, country, city
 * (and location) of addresses, from the same databases trace annotates
 * with.  Reads files only.
 */
#include "cmd.h"
#include "nktrace/outfile.h"
#include "cmd_common.h"
#include "nktrace/datafile.h"
#include "nktrace/annotate.h"
#include "nktrace/out_opts.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int is_addr(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

static void print_text(FILE *f, const char *addr, const struct nkt_annot *an)
{
	char as[16] = "-";
	if (an->kind != NKT_ADDR_PUBLIC) {
		fprintf(f, "%-39s %s\n", addr, nkt_addr_kind_name(an->kind));
		return;
	}
	if (an->flags & NKT_ANNOT_ASN)
		snprintf(as, sizeof(as), "AS%u", an->asn);
	fprintf(f, "%-39s %-9s %-2s  %-20s %s\n", addr, as,
	       an->cc[0] ? an->cc : "-", an->city ? an->city : "-",
	       an->as_org ? an->as_org : "-");
}

static void print_json(FILE *f, const char *addr, const struct nkt_annot *an)
{
	json_t *o = json_object();
	json_object_set_new(o, "addr", json_string(addr));
	json_object_set_new(o, "kind",
			    json_string(nkt_addr_kind_name(an->kind)));
	json_object_set_new(o, "asn", an->flags & NKT_ANNOT_ASN
					      ? json_integer(an->asn)
					      : json_null());
	json_object_set_new(o, "as_org", an->as_org ? json_string(an->as_org)
						    : json_null());
	json_object_set_new(o, "cc", an->cc[0] ? json_string(an->cc)
					       : json_null());
	json_object_set_new(o, "city",
			    an->city ? json_string(an->city) : json_null());
	json_object_set_new(o, "lat", an->flags & NKT_ANNOT_LOC
					      ? json_real(an->lat)
					      : json_null());
	json_object_set_new(o, "lon", an->flags & NKT_ANNOT_LOC
					      ? json_real(an->lon)
					      : json_null());
	if (an->flags & NKT_ANNOT_ERROR)
		json_object_set_new(o, "error", json_true());
	json_dumpf(o, f, NKT_JSON_FLAGS);
	fputc('\n', f);
	json_decref(o);
}

/* The addresses: the operands, then FILE's words.  *buf holds them. */
static int gather(const struct nkt_lookup_opts *o, char ***addrs, size_t *n,
		  char **buf, struct nkt_err *err)
{
	size_t cap = o->n_addrs + 16, i;
	char *p, *save = NULL;

	*addrs = nkt_xreallocarray(NULL, cap, sizeof(**addrs));
	*n = 0;
	*buf = NULL;
	for (i = 0; i < o->n_addrs; i++)
		(*addrs)[(*n)++] = (char *)(uintptr_t)o->addrs[i];
	if (o->file != NULL) {
		size_t len;
		if (nkt_read_file(o->file, buf, &len, err) != NKT_OK) {
			err->code = NKT_EINVAL;
			return NKT_EINVAL;
		}
		for (p = strtok_r(*buf, " \t\r\n", &save); p != NULL;
		     p = strtok_r(NULL, " \t\r\n", &save)) {
			if (*n == cap)
				*addrs = nkt_xreallocarray(*addrs,
							   cap = cap * 2,
							   sizeof(**addrs));
			(*addrs)[(*n)++] = p;
		}
	}
	if (*n == 0)
		return nkt_err_set(err, NKT_EINVAL, "no address given");
	for (i = 0; i < *n; i++)
		if (!is_addr((*addrs)[i]))
			return nkt_err_set(err, NKT_EINVAL,
					   "'%s' is not an IP address",
					   (*addrs)[i]);
	return NKT_OK;
}

/* Look every address up and print it; 0 or NKT_EXIT_FAIL. */
static int look_up(struct nkt_annotator *an, const struct nkt_lookup_opts *o,
		   char **addrs, size_t n)
{
	struct nkt_err err = {0, ""};
	struct nkt_outfile out;
	int code = NKT_EXIT_OK;
	size_t i;

	if (nkt_outfile_open(&out, o->out.output, &err) != NKT_OK)
		return nkt_fail("lookup", &err);
	if (!o->json) /* the columns named once, as mtr and scamper do */
		fprintf(out.f, "%-39s %-9s %-2s  %-20s %s\n", "address", "AS",
			"CC", "city", "organisation");
	for (i = 0; i < n; i++) {
		struct nkt_annot a;
		nkt_annot_str(an, addrs[i], &a);
		if (a.flags & NKT_ANNOT_ERROR) {
			fprintf(stderr,
				"nktrace lookup: %s: the database record "
				"could not be read (corrupt database?)\n",
				addrs[i]);
			code = NKT_EXIT_FAIL;
		}
		if (o->json)
			print_json(out.f, addrs[i], &a);
		else
			print_text(out.f, addrs[i], &a);
	}
	if (ferror(out.f)) {
		nkt_outfile_abort(&out);
		fprintf(stderr, "nktrace lookup: writing the output failed\n");
		code = NKT_EXIT_FAIL;
	} else if (nkt_outfile_commit(&out, &err) != NKT_OK)
		code = nkt_fail("lookup", &err);
	if (o->out.verbose) {
		uint64_t lookups, hits, errors;
		nkt_annot_counts(an, &lookups, &hits, &errors);
		fprintf(stderr,
			"nktrace lookup: asn-db %s%s%s, geo-db %s; %zu "
			"addresses, %llu lookups, %llu cached, %llu errors\n",
			*nkt_annot_asn_path(an) ? nkt_annot_asn_path(an)
						 : "(none)",
			*nkt_annot_asn_all_path(an) ? " then " : "",
			nkt_annot_asn_all_path(an),
			*nkt_annot_geo_path(an) ? nkt_annot_geo_path(an)
						 : "(none)",
			n, (unsigned long long)lookups,
			(unsigned long long)hits, (unsigned long long)errors);
	}
	return code;
}

int nkt_cmd_lookup(int argc, char **argv)
{
	struct nkt_lookup_opts *o = nkt_xcalloc(1, sizeof(*o));
	struct nkt_err err = {0, ""};
	struct nkt_annotator *an = NULL;
	char **addrs = NULL, *buf = NULL;
	size_t n = 0;
	int code;

	if (nkt_cli_lookup(argc, argv, o, &err) != NKT_OK ||
	    (!o->help && gather(o, &addrs, &n, &buf, &err) != NKT_OK) ||
	    (!o->help &&
	     (an = nkt_annot_open(o->db.asn_db, o->db.geo_db, &err)) == NULL))
		code = nkt_fail("lookup", &err);
	else if (o->help)
		code = fputs(nkt_cli_lookup_help, stdout) < 0;
	else {
		nkt_cli_print_warnings("lookup", &o->out);
		nkt_annot_warn_missing("lookup", an);
		code = look_up(an, o, addrs, n);
	}
	nkt_annot_close(an);
	free(addrs);
	free(buf);
	free(o);
	return code;
}
