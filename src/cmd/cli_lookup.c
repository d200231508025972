// SPDX-License-Identifier: ISC
/* cli_lookup.c: `nktrace lookup`'s options and help.  Pure. */
#include "nktrace/cli.h"

#include <string.h>

const char nkt_cli_lookup_help[] =
	"usage: nktrace lookup [--json] [-o FILE] [--asn-db FILE] [--geo-db FILE] "
	"ADDR... | -f FILE | -\n"
	"\n"
	"Print the ASN, organisation, country and city of each IPv4 or IPv6\n"
	"address (one per argument, or one per line of FILE or standard "
	"input).\n"
	"Special-purpose addresses (private, shared, documentation, ...) are\n"
	"marked as such, never looked up.\n"
	"\n"
	"      --json          one JSON object per address\n"
	"  -o, --output FILE   write to FILE (atomically)\n"
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

#define L(field) offsetof(struct nkt_lookup_opts, field)

/* Addresses; "-" reads them from standard input. */
static int operand(void *base, const char *arg, struct nkt_err *err)
{
	struct nkt_lookup_opts *o = base;
	if (strcmp(arg, "-") == 0) {
		o->file = "-";
		return NKT_OK;
	}
	return nkt_cli_push(o->addrs, &o->n_addrs, NKT_CLI_MAX_ARGS, arg,
			    "addresses; use -f FILE", err);
}

static const struct nkt_opt lookup_table[] = {
	{.name = "file", .letter = 'f', .kind = NKT_OPT_STR, .off = L(file)},
	{0},
};

static const struct nkt_cli_spec lookup_spec = {
	.groups = {{lookup_table, 0},
		   {nkt_db_group, L(db)},
		   {nkt_out_group, L(out)}},
	.operand = operand,
	.help = L(help),
	.out = L(out) + 1,
};

int nkt_cli_lookup(int argc, char **argv, struct nkt_lookup_opts *o,
		   struct nkt_err *err)
{
	memset(o, 0, sizeof(*o));
	if (nkt_cli_parse(&lookup_spec, argc, argv, o, err) != NKT_OK)
		return NKT_EINVAL;
	o->json = o->out.json;
	return NKT_OK;
}
