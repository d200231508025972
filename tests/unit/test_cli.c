// SPDX-License-Identifier: ISC
/* test_cli.c: `nktrace trace` argument parsing; invalid rows outnumber
 * valid ones (as in scamper's unit_cmd_trace.c). */
#include "nkt_test.h"
#include "nktrace/cli.h"

#define MAXA 16

struct row {
	const char *argv[MAXA];
	int rc;
	const char *msg; /* prefix of the error message */
};

static const struct row rows[] = {
	/* valid */
	{{"trace", "175.45.176.71", NULL}, NKT_OK, NULL},
	{{"trace", "-P", "tcp", "-p", "443", "175.45.176.0/24", NULL}, NKT_OK,
	 NULL},
	{{"trace", "-P", "udp", "-q", "1", "-w", "500ms", "-m", "20", "-g",
	  "3", "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "-f", "5", "1.2.3.4", NULL}, NKT_OK, NULL},
	{{"trace", "-f", "targets.txt", NULL}, NKT_OK, NULL},
	{{"trace", "-", NULL}, NKT_OK, NULL},
	{{"trace", "--via", "ttk0,10.20.0.1", "--json", "-o", "x.json",
	  "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "--dry-run", "--pcap-out", "x.pcap", "--seed", "1",
	  "1.2.3.4", NULL},
	 NKT_OK, NULL},
	{{"trace", "--help", NULL}, NKT_OK, NULL},
	/* invalid */
	{{"trace", NULL}, NKT_EINVAL, "no target"},
	{{"trace", "-P", "sctp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-P: 'sctp' is not a method"},
	{{"trace", "-P", NULL}, NKT_EINVAL, "option '-P' needs a value"},
	{{"trace", "-q", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 0 is out"},
	{{"trace", "-q", "17", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 17 is out"},
	{{"trace", "-q", "x", "1.2.3.4", NULL}, NKT_EINVAL, "-q: 'x' is not"},
	{{"trace", "-w", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-w: 0 is out"},
	{{"trace", "-w", "2min", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-w: '2min' is not a duration"},
	{{"trace", "-w", "61s", "1.2.3.4", NULL}, NKT_EINVAL, "-w: 61s is out"},
	{{"trace", "-m", "256", "1.2.3.4", NULL}, NKT_EINVAL, "-m: 256 is out"},
	{{"trace", "-m", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-m: 0 is out"},
	{{"trace", "-f", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "first TTL: 0 is out"},
	{{"trace", "-f", "10", "-m", "5", "1.2.3.4", NULL}, NKT_EINVAL,
	 "first TTL 10 is above"},
	{{"trace", "-g", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-g: 0 is out"},
	{{"trace", "-r", "0", "1.2.3.4", NULL}, NKT_EINVAL, "-r: 0 is out"},
	{{"trace", "-r", "-5", "1.2.3.4", NULL}, NKT_EINVAL, "-r: '-5' is not"},
	{{"trace", "-r", "1e3", "1.2.3.4", NULL}, NKT_EINVAL,
	 "-r: '1e3' is not"},
	{{"trace", "-p", "0", "-P", "tcp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port: 0 is out"},
	{{"trace", "-p", "70000", "-P", "tcp", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port: 70000 is out"},
	{{"trace", "-p", "80", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--port needs -P udp or -P tcp"},
	{{"trace", "--size", "20", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size: 20 is out"},
	{{"trace", "--size", "30", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size 30 is below"},
	{{"trace", "-P", "tcp", "--size", "39", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size 39 is below"},
	{{"trace", "--size", "9000", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--size: 9000 is out"},
	{{"trace", "--paris-id", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--paris-id: 0 is out"},
	{{"trace", "--src", "1.2.3", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--src: '1.2.3' is not"},
	{{"trace", "--via", ",10.0.0.1", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--via ',10.0.0.1'"},
	{{"trace", "--via", "eth0,10.0.0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--via 'eth0,10.0.0': '10.0.0' is not"},
	{{"trace", "--via", "averyveryverylongname", "1.2.3.4", NULL},
	 NKT_EINVAL, "--via"},
	{{"trace", "--dry-run", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--dry-run needs --pcap-out"},
	{{"trace", "--pcap-out", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-out is for --dry-run"},
	{{"trace", "--bogus", "1.2.3.4", NULL}, NKT_EINVAL, "unknown option"},
	{{"trace", "-x", "1.2.3.4", NULL}, NKT_EINVAL, "unknown option"},
	{{"trace", "--hop-rate", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--hop-rate: 'x' is not"},
	{{"trace", "--window", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--window: 0 is out"},
	{{"trace", "--ttl-window", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--ttl-window: 0 is out"},
	{{"trace", "--seed", "-1", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--seed: '-1' is not"},
	{{"trace", "--msm-id", "x", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--msm-id: 'x' is not"},
	{{"trace", "--pcap-buffer", "0", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--pcap-buffer (MiB): 0 is out"},
	{{"trace", "-o", "", "1.2.3.4", NULL}, NKT_EINVAL, "-o: empty"},
	{{"trace", "--user", "", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--user: empty"},
	{{"trace", "--tos", "256", "1.2.3.4", NULL}, NKT_EINVAL,
	 "--tos: 256 is out"},
};

static void test_rows(void)
{
	size_t i, valid = 0, invalid = 0;

	for (i = 0; i < NKT_ARRAY_LEN(rows); i++) {
		char *argv[MAXA];
		struct nkt_trace_opts *o = nkt_xcalloc(1, sizeof(*o));
		struct nkt_err err = {0, ""};
		int argc = 0, rc;
		while (rows[i].argv[argc] != NULL) {
			argv[argc] = (char *)(uintptr_t)rows[i].argv[argc];
			argc++;
		}
		argv[argc] = NULL;
		rc = nkt_cli_trace(argc, argv, o, &err);
		if (rc != rows[i].rc ||
		    (rows[i].msg != NULL &&
		     strncmp(err.msg, rows[i].msg, strlen(rows[i].msg)) != 0)) {
			fprintf(stderr, "row %zu (%s ...): rc %d, '%s'\n", i,
				rows[i].argv[1] ? rows[i].argv[1] : "",
				rc, err.msg);
			CHECK(0);
		} else
			CHECK(1);
		if (rows[i].rc == NKT_OK)
			valid++;
		else
			invalid++;
		free(o);
	}
	CHECK(invalid > valid);
}

static void test_values(void)
{
	char *a1[] = {"trace", "-P", "tcp", "-p", "443", "-q", "1", "-f",
		      "4", "-f", "t.txt", "-", "175.45.176.71", NULL};
	char *a2[] = {"trace", "1.2.3.4", NULL};
	struct nkt_trace_opts *o = nkt_xcalloc(1, sizeof(*o));
	CHECK_INT(nkt_cli_trace(13, a1, o, NULL), NKT_OK);
	CHECK_INT(o->p.method, NKT_METHOD_TCP);
	CHECK_INT(o->p.port, 443);
	CHECK_INT(o->p.attempts, 1);
	CHECK_INT(o->p.first_ttl, 4);
	CHECK_INT(o->p.size, 40);
	CHECK_INT(o->n_files, 2);
	CHECK_STR(o->files[0], "t.txt");
	CHECK_STR(o->files[1], "-");
	CHECK_INT(o->n_args, 1);
	CHECK_STR(o->args[0], "175.45.176.71");
	CHECK_INT(nkt_cli_trace(2, a2, o, NULL), NKT_OK);
	CHECK_INT(o->p.method, NKT_METHOD_ICMP);
	CHECK_INT(o->p.size, 60);
	CHECK_INT(o->p.pps, 100);
	CHECK_INT(o->p.attempts, 3);
	CHECK_INT(o->p.gaplimit, 5);
	CHECK_INT(o->p.max_ttl, 30);
	CHECK_U64(o->p.wait_ns, 3 * NKT_NS_PER_S);
	free(o);
}

int main(void)
{
	test_rows();
	test_values();
	return nkt_test_done("test_cli");
}
