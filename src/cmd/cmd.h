/* SPDX-License-Identifier: ISC */
/*
 * cmd.h: the subcommands main() dispatches to.  Each takes argv with its own
 * name in argv[0], does its work, prints its own one-line errors and returns
 * an enum nkt_exit value; none of them exits.
 */
#ifndef NKTRACE_CMD_H
#define NKTRACE_CMD_H

struct nkt_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int nkt_cmd_version(int argc, char **argv);
int nkt_cmd_trace(int argc, char **argv);
int nkt_cmd_replay(int argc, char **argv);
int nkt_cmd_lookup(int argc, char **argv);
int nkt_cmd_mtr(int argc, char **argv);
int nkt_cmd_compare(int argc, char **argv);
int nkt_cmd_run(int argc, char **argv);
int nkt_cmd_report(int argc, char **argv);
int nkt_cmd_import(int argc, char **argv);
int nkt_cmd_sweep(int argc, char **argv);
int nkt_cmd_atlas(int argc, char **argv);
int nkt_cmd_bgp(int argc, char **argv);

#define NKT_CMD_TABLE                                                          \
	{"compare", "compare NK's transits: reach, RTT and loss per transit",  \
	 nkt_cmd_compare},                                                     \
		{"run", "measurement cycles kept in a history, with change "     \
			"detection", nkt_cmd_run},                             \
		{"report", "a history's state, trends and events as text, "     \
			   "JSON, metrics or HTML", nkt_cmd_report},       \
		{"sweep", "every TTL of large target sets at a high rate "      \
			  "(yarrp-style)", nkt_cmd_sweep},                  \
		{"trace", "trace the paths to targets (like traceroute/scamper)",      \
	 nkt_cmd_trace},                                                       \
		{"mtr", "watch a path live, the transits side by side (like "   \
			"mtr)", nkt_cmd_mtr},                               \
		{"import", "analyse RIPE Atlas and scamper traceroutes like "    \
			   "compare", nkt_cmd_import},                      \
		{"atlas", "create RIPE Atlas traceroutes to NK's hosts "        \
			  "(run --atlas follows them)", nkt_cmd_atlas},     \
		{"bgp", "the control plane: NK's prefixes' upstreams in RIS and " \
			"RouteViews MRT files", nkt_cmd_bgp},                   \
		{"lookup", "ASN, organisation, country and city of addresses", \
		 nkt_cmd_lookup},                                              \
		{"replay", "rebuild traceroutes from a pcap of any tracer",    \
		 nkt_cmd_replay},                                              \
		{"version", "print the version", nkt_cmd_version},

#endif
