// SPDX-License-Identifier: ISC
/*
 * cmd_lookup.c: `nktrace lookup ADDR...`: ASN, organisation, country, city
 * (and location) of addresses, from the same databases trace annotates
 * with.  Reads files only.
 */
#include "cmd.h"
#include "cmd_common.h"
#include "nktrace/datafile.h"
#include "nktrace/annotate.h"
#include "nktrace/out_opts.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: nktrace lookup [--json] [--asn-db FILE] [--geo-db FILE] "
	"ADDR... | -f FILE | -\n"
	"\n"
	"Print the ASN, organisation, country and city of each IPv4 or IPv6\n"
	"address (one per argument, or one per line of FILE or standard "
	"input).\n"
	"Special-purpose addresses (private, shared, documentation, ...) are\n"
	"marked as such, never looked up.\n"
	"\n"
	"      --json          one JSON object per address\n"
	"      --asn-db FILE   ASN database (GeoLite2-ASN format)\n"
	"      --geo-db FILE   geo database (GeoLite2-City or -Country "
	"format)\n"
	"  -f, --file FILE     addresses from FILE ('-': standard input)\n"
	"  -v, --verbose       which databases are used, lookup counts\n"
	"Default databases: the built-in data/nktrace.mmdb, then\n"
	"/usr/share/GeoIP and /var/lib/GeoIP (GeoLite2-ASN.mmdb,\n"
	"GeoLite2-City.mmdb).\n"
	"\n"
	"exit status: 0 ok, 1 a database record could not be read, 2 usage\n"
	"error or unusable database.\n";

static int is_addr(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

static void print_text(const char *addr, const struct nkt_annot *an)
{
	char as[16] = "-";
	if (an->kind != NKT_ADDR_PUBLIC) {
		printf("%-39s %s\n", addr, nkt_addr_kind_name(an->kind));
		return;
	}
	if (an->flags & NKT_ANNOT_ASN)
		snprintf(as, sizeof(as), "AS%u", an->asn);
	printf("%-39s %-9s %-2s  %-20s %s\n", addr, as,
	       an->cc[0] ? an->cc : "-", an->city ? an->city : "-",
	       an->as_org ? an->as_org : "-");
}

static void print_json(const char *addr, const struct nkt_annot *an)
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
	json_dumpf(o, stdout, NKT_JSON_FLAGS);
	fputc('\n', stdout);
	json_decref(o);
}

int nkt_cmd_lookup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"asn-db", required_argument, NULL, 'a'},
		{"geo-db", required_argument, NULL, 'g'},
		{"file", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct nkt_err err = {0, ""};
	struct nkt_annotator *an;
	const char *asn_db = NULL, *geo_db = NULL, *file = NULL;
	char **addrs = NULL, *buf = NULL;
	size_t n = 0, cap = 0, i;
	int c, json = 0, verbose = 0, code = NKT_EXIT_OK;
	uint64_t errors = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'a':
			asn_db = optarg;
			break;
		case 'g':
			geo_db = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			fputs(help, stdout);
			return NKT_EXIT_OK;
		default:
			nkt_cli_getopt_error(c, argv, &err);
			return nkt_fail("lookup", &err);
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			file = "-";
			continue;
		}
		if (n == cap)
			addrs = nkt_xreallocarray(addrs, cap = cap * 2 + 16,
						  sizeof(*addrs));
		addrs[n++] = argv[i];
	}
	if (file != NULL) {
		size_t len;
		char *p, *save = NULL;
		if (nkt_read_file(file, &buf, &len, &err) != NKT_OK) {
			free(addrs);
			err.code = NKT_EINVAL;
			return nkt_fail("lookup", &err);
		}
		for (p = strtok_r(buf, " \t\r\n", &save); p != NULL;
		     p = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == cap)
				addrs = nkt_xreallocarray(
					addrs, cap = cap * 2 + 16,
					sizeof(*addrs));
			addrs[n++] = p;
		}
	}
	if (n == 0) {
		fprintf(stderr, "nktrace lookup: no address given\n");
		free(addrs);
		free(buf);
		return NKT_EXIT_USAGE;
	}
	for (i = 0; i < n; i++)
		if (!is_addr(addrs[i])) {
			fprintf(stderr,
				"nktrace lookup: '%s' is not an IP address\n",
				addrs[i]);
			free(addrs);
			free(buf);
			return NKT_EXIT_USAGE;
		}
	an = nkt_annot_open(asn_db, geo_db, &err);
	if (an == NULL) {
		free(addrs);
		free(buf);
		return nkt_fail("lookup", &err);
	}
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
		if (json)
			print_json(addrs[i], &a);
		else
			print_text(addrs[i], &a);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "nktrace lookup: writing the output failed\n");
		code = NKT_EXIT_FAIL;
	}
	if (verbose) {
		uint64_t lookups, hits;
		nkt_annot_counts(an, &lookups, &hits, &errors);
		fprintf(stderr,
			"nktrace lookup: asn-db %s, geo-db %s; %zu addresses, "
			"%llu lookups, %llu cached, %llu errors\n",
			*nkt_annot_asn_path(an) ? nkt_annot_asn_path(an)
						 : "(none)",
			*nkt_annot_geo_path(an) ? nkt_annot_geo_path(an)
						 : "(none)",
			n, (unsigned long long)lookups,
			(unsigned long long)hits, (unsigned long long)errors);
	}
	nkt_annot_close(an);
	free(addrs);
	free(buf);
	return code;
}
