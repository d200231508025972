/* SPDX-License-Identifier: ISC */
/*
 * cmd_import.h: what cmd_import.c (reading, the summary) and
 * import_backfill.c (--db: the results as cycles of a history) share;
 * private to src/cmd.
 */
#ifndef NKTRACE_CMD_IMPORT_H
#define NKTRACE_CMD_IMPORT_H

#include "nktrace/annot_out.h"
#include "nktrace/cli.h"
#include "nktrace/impagg.h"
#include "nktrace/import.h"
#include "nktrace/infile.h"
#include "nktrace/outfile.h"

#include <jansson.h>

/* Per input file and in total. */
struct counts {
	uint64_t records, traces, atlas, scamper, nktrace, ignored, malformed;
	uint64_t not_traceroute, failed, meta;
	uint64_t mda; /* scamper tracelb records written as MDA graphs */
};

struct nkt_backfill;
struct nkt_event;

struct importer {
	struct nkt_import_opts o;
	struct nkt_addrtab at;
	struct nkt_impagg agg;
	struct nkt_annot_ctx actx;
	struct nkt_targetdb *tdb;
	struct nkt_transits *trans;
	struct nkt_out_opts oo;
	const char *via_name[256];
	char via_store[255][64];
	size_t n_via;
	struct nkt_outfile tout;
	int tout_open, tout_failed;
	struct nkt_outfile mout; /* --mda */
	int mout_open, mout_failed;
	FILE *text;              /* where the text goes: stdout or textf */
	struct nkt_outfile textf; /* -o FILE without --json */
	int text_open;
	uint64_t errors_printed, t0, t1;
	struct counts total;
	json_t *inputs;
	struct nkt_backfill *bf; /* --db; NULL otherwise */
	const char *who;         /* messages' command: "import", or "run"
				    (run --atlas); NULL: "import" */
	/* --db: each stored bucket's events, as run delivers a cycle's
	 * (run --atlas: --events, --on-event); NULL: none */
	void (*on_events)(void *ctx, const struct nkt_event *ev, size_t n,
			  int64_t time, int64_t run);
	void *events_ctx;
	int64_t keep_s; /* --db: retention (run --atlas --keep); 0: all */
};

/* Data, annotator, outputs (jout when o.json_out), --db's history, for
 * the options in im->o.  Returns 0 or an exit code (the message said). */
int nkt__importer_open(struct importer *im, struct nkt_outfile *jout,
		       int *jopen);

/* Read one input to its end, records counted and folded.  Returns 0, or
 * NKT_ESYS for a read error (said). */
int nkt__import_input(struct importer *im, const char *name,
		      const struct nkt_infile *in);

/* Everything the importer holds, and im itself. */
void nkt__importer_close(struct importer *im);

/* One trace as an observation: annotated, attributed, observed (free it
 * with nkt_cmp_obs_free).  Its uplink index is set from m->via. */
void nkt__import_observe(struct importer *im, struct nkt_trace *t,
			 const struct nkt_import_meta *m,
			 struct nkt_cmp_obs *o);

/* Per /24, the targets whose paths from one vantage point went over more
 * than one transit: [{"prefix", "units", "of", "transits": [...]}]
 * (import_mixed.c); and that as text on standard output. */
json_t *nkt__import_mixed(const struct importer *im,
			  const struct nkt_cmp_obs *obs, size_t n);
void nkt__import_mixed_text(const struct importer *im, const json_t *mixed);

/* The analysis settings of the options. */
void nkt__import_cfg(const struct importer *im, struct nkt_cmp_cfg *cfg);

/* --db: buckets of results by time (import_backfill.c).  new: NULL and
 * err set if the history cannot be opened (it is opened first, so that a
 * bad --db fails before any input is read). */
struct nkt_backfill *nkt_backfill_new(const char *path, uint64_t bucket_ns,
				      struct nkt_err *err);

/* One imported trace and its observation into its bucket; a result seen
 * before (the same key) is counted and left out. */
void nkt_backfill_add(struct nkt_backfill *b, struct importer *im,
		      const struct nkt_trace *t, const struct nkt_import_meta *m,
		      const struct nkt_cmp_obs *o);

/* Each bucket with results the history lacks becomes a cycle (an earlier
 * import's cycle of that bucket replaced, its results kept), in time
 * order, with its events; what was done is printed (unless quiet).
 * Returns 0, or NKT_ESYS with err set (the cycles stored so far stay). */
int nkt_backfill_store(struct nkt_backfill *b, struct importer *im,
		       struct nkt_err *err);

void nkt_backfill_free(struct nkt_backfill *b);

#endif
