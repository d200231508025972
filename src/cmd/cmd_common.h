/* SPDX-License-Identifier: ISC */
/*
 * cmd_common.h: steps the probing subcommands share (shell): loading the
 * target list, a fresh probe key, forced uplinks and source addresses.
 */
#ifndef NKTRACE_CMD_COMMON_H
#define NKTRACE_CMD_COMMON_H

#include "nktrace/cli.h"
#include "nktrace/common.h"
#include "nktrace/sender.h"
#include "nktrace/keyhash.h"
#include "nktrace/targets.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Targets from arguments and files, duplicates removed.  Returns 0 or
 * NKT_EINVAL (bad target) / NKT_ENOTFOUND (missing file). */
int nkt_load_targets(const char *const *args, size_t n_args,
		     const char *const *files, size_t n_files,
		     struct nkt_targets *t, struct nkt_err *err);

/* The run's probe key: from the seed (have_seed), or random (getrandom).
 * Returns 0 or NKT_ESYS. */
int nkt_make_key(int have_seed, uint64_t seed, struct nkt_key *key,
		 struct nkt_err *err);

/*
 * Set up a forced uplink from "IFACE[,GATEWAY]": the interface, the
 * gateway (else the interface's default route) and, unless dry, the
 * gateway's MAC (neighbour table, else ARP: needs privilege).  Returns 0,
 * NKT_EINVAL (usage), NKT_EPRIV or NKT_ESYS.
 */
int nkt_setup_uplink(const char *via, const char *label, int dry,
		     struct nkt_uplink *u, struct nkt_err *err);

/* Route lookups remembered per /24 (caller-owned, zero-initialised). */
struct nkt_src_cache {
	uint32_t net[256], src[256];
	uint8_t ok[256];
};

/* The source address for dst: --src, else the kernel's choice (cached per
 * /24 in *c), else fallback (an uplink's address; 0 = none).  Returns 0 or
 * NKT_ESYS. */
int nkt_source_for(struct nkt_src_cache *c, uint32_t dst, const char *src_opt,
		   uint32_t fallback, uint32_t *src, struct nkt_err *err);

/* -v: one line of a run's counts on stderr ("nktrace CMD: WHAT: 2.10s,
 * 412 probes, 398 matched, ..."); what names the run ("discovery",
 * "cycle 3"; NULL: none). */
struct nkt_run_result;
void nkt_print_run_counts(const char *cmd, const char *what,
			  const struct nkt_run_result *res);

/* Add run r's counts to *sum (mtr's rounds, -v at the end). */
void nkt_run_counts_add(struct nkt_run_result *sum,
			const struct nkt_run_result *r);

/* Print "nktrace CMD: message" and return the exit code for err->code. */
int nkt_fail(const char *cmd, const struct nkt_err *err);

/*
 * Targets given as host names: each args[i] that is not an address or a
 * prefix but a host name is resolved once by r (opened here when NULL and
 * needed; *r is then the caller's to close) and replaced by its address,
 * formatted into bufs[i] (NKT_ADDRSTRLEN bytes each); the name stays in
 * r as the address's given name (Atlas dst_name).  Returns 0 or an error
 * ("kcna.kp: no such host").
 */
struct nkt_resolver;
int nkt_resolve_target_args(const char **args, size_t n, char (*bufs)[46],
			    struct nkt_resolver **r, struct nkt_err *err);

/* How long a finished trace waits for its hops' names at most. */
#define NKT_NAMES_WAIT_NS (3ull * NKT_NS_PER_S)
/* One DNS query's time per try (two tries). */
#define NKT_NAMES_QUERY_NS (1ull * NKT_NS_PER_S)

/* Print the option layer's warnings ("nktrace CMD: warning: ...") on
 * stderr. */
struct nkt_cli_out;
void nkt_cli_print_warnings(const char *cmd, const struct nkt_cli_out *out);

/* One line on standard error when no address database was found (the
 * installed data directory missing, no GeoLite2 files): every hop would
 * be unannotated and every path unattributed, silently. */
struct nkt_annotator;
void nkt_annot_warn_missing(const char *cmd, const struct nkt_annotator *an);

/* `run --report-json/--report-prom/--report-html`: the report of the
 * last --report-since written after each cycle, ok or failed
 * (cmd_report.c).  Returns 0 or NKT_ESYS with err set. */
struct nkt_history;
int nkt__report_outputs(struct nkt_history *h, const struct nkt_run_opts *o,
			struct nkt_err *err);

/* The RIPE Atlas API key: the first line of `file` (run --atlas-key-file,
 * atlas create --atlas-key-file), else $NKTRACE_ATLAS_KEY, else "".
 * Returns 0, or NKT_EINVAL when the file cannot be read. */
int nkt_atlas_key(const char *file, char *key, size_t len,
		  struct nkt_err *err);

/* The wait before cycle `cycle` of `run --every` (none before the first):
 * until the next multiple of every_ns at least half of it after
 * prev_start (nkt_cadence_next, with its random delay).  Returns the
 * signal of `halt` that ended it, or 0. */
int nkt_run_wait(const struct nkt_run_opts *o, uint64_t cycle,
		 uint64_t prev_start, const sigset_t *halt);

/* `run --atlas`: follow RIPE Atlas measurements (run_atlas.c), `halt`
 * blocked.  Returns the exit code. */
int nkt_run_atlas(const struct nkt_run_opts *o, const sigset_t *halt);

/* A stored cycle's events delivered as --events and --on-event ask (ctx:
 * the run's struct nkt_run_opts): appended to the events file, the hook
 * run for each.  Failures are said on stderr, never fatal. */
struct nkt_event;
void nkt__run_deliver(void *ctx, const struct nkt_event *ev, size_t n,
		      int64_t t, int64_t run);

struct nkt_targetdb;

/* Whether the n addresses dst are all inside data/targets.json's space
 * (North Korea's); 0 without a space (tdb NULL) or addresses. */
int nkt_in_space(const struct nkt_targetdb *tdb, const uint32_t *dst,
		 size_t n);

/* North Korea's hosts filter ICMP echo: with no -P given, targets all in
 * data/targets.json's space are probed with TCP SYN to port 80 (the method
 * that reaches them; with a default --size, 40 bytes).  Returns 1 when it
 * chose so (the caller says it in one line). */
int nkt_default_method(struct nkt_probe_opts *p,
		       const struct nkt_targetdb *tdb, const uint32_t *dst,
		       size_t n);

/* run's history, opened for writing; an error after root was dropped
 * names the user it was opened as and --user. */
struct nkt_history *nkt_run_history_open(const char *path,
					 struct nkt_err *err);

struct nkt_plane_route;
struct nkt_event;

/* Both planes of each /24 the history has both of: the latest cycle's
 * carriers against the control plane r (NULL: the latest stored), as the
 * events of what changed since each prefix's last planes event (a new or
 * different disagreement; agreement after one).  *ev allocated (free());
 * nothing stored here (planes_check.c). */
int nkt_planes_events(struct nkt_history *h, const struct nkt_plane_route *r,
		      size_t nr, struct nkt_event **ev, size_t *n,
		      struct nkt_err *err);

/* After a cycle was stored: the planes' events (nkt_planes_events
 * against the latest control plane stored, if any) stored at `time` and
 * (print) printed as the cycle's events are.  Failures are said on stderr by
 * `cmd`; returns the number of events. */
size_t nkt_planes_after_cycle(struct nkt_history *h, int64_t time,
			      const char *cmd, int print);

#endif
