// SPDX-License-Identifier: ISC
/* out_sweep.c: a sweep's summary as text and as JSON (see out_sweep.h).
 * Pure. */
#include "nktrace/out_sweep.h"

#include <string.h>

static double per_s(uint64_t n, double s)
{
	return s > 0 ? (double)n / s : 0;
}

int nkt_sweep_summary_text(FILE *f, const struct nkt_sweep_summary *s)
{
	const struct nkt_sweep_counts *c = &s->counts;

	fprintf(f,
		"nktrace sweep: %llu targets x %llu TTLs = %llu probes; "
		"sent %llu in %.2f s (%.0f probes/s)%s\n",
		(unsigned long long)s->targets, (unsigned long long)s->ttls,
		(unsigned long long)s->probes, (unsigned long long)s->sent,
		s->seconds, per_s(s->sent, s->seconds),
		s->signal ? ", stopped by a signal" : "");
	fprintf(f,
		"replies matched: %llu (%.2f%% of probes sent): %llu time "
		"exceeded, %llu echo replies, %llu unreachable, %llu other\n",
		(unsigned long long)c->matched,
		s->sent ? 100.0 * (double)c->matched / (double)s->sent : 0.0,
		(unsigned long long)c->by_kind[NKT_SWEEP_TTL_EXCEEDED],
		(unsigned long long)c->by_kind[NKT_SWEEP_ECHO_REPLY],
		(unsigned long long)c->by_kind[NKT_SWEEP_UNREACH],
		(unsigned long long)c->by_kind[NKT_SWEEP_OTHER]);
	fprintf(f,
		"not matched: %llu duplicates, %llu failed the keyed checks, "
		"%llu not about our targets; send errors %llu%s%s%s\n",
		(unsigned long long)c->dups, (unsigned long long)c->invalid,
		(unsigned long long)c->ignored,
		(unsigned long long)s->send_errors,
		s->errno_first ? " (first: " : "",
		s->errno_first ? strerror(s->errno_first) : "",
		s->errno_first ? ")" : "");
	fprintf(f,
		"targets reached: %llu of %llu; distinct router addresses: "
		"%llu; capture: %llu frames, %llu dropped by the kernel\n",
		(unsigned long long)s->reached, (unsigned long long)s->targets,
		(unsigned long long)s->routers,
		(unsigned long long)s->capture_frames,
		(unsigned long long)s->capture_dropped);
	return ferror(f) ? -1 : 0;
}

json_t *nkt_sweep_summary_json(const struct nkt_sweep_summary *s)
{
	const struct nkt_sweep_counts *c = &s->counts;

	return json_pack(
		"{s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
		"s:I,s:I,s:I,s:I,s:I,s:f,s:i}",
		"type", "sweep", "targets", (json_int_t)s->targets, "ttls",
		(json_int_t)s->ttls, "probes", (json_int_t)s->probes, "sent",
		(json_int_t)s->sent, "seconds", s->seconds, "probes_per_s",
		per_s(s->sent, s->seconds), "matched", (json_int_t)c->matched,
		"time_exceeded",
		(json_int_t)c->by_kind[NKT_SWEEP_TTL_EXCEEDED], "echo_replies",
		(json_int_t)c->by_kind[NKT_SWEEP_ECHO_REPLY], "unreachable",
		(json_int_t)c->by_kind[NKT_SWEEP_UNREACH], "duplicates",
		(json_int_t)c->dups, "invalid", (json_int_t)c->invalid,
		"ignored", (json_int_t)c->ignored, "send_errors",
		(json_int_t)s->send_errors, "reached", (json_int_t)s->reached,
		"routers", (json_int_t)s->routers, "capture_frames",
		(json_int_t)s->capture_frames, "capture_dropped",
		(json_int_t)s->capture_dropped, "cpu_seconds", s->cpu_seconds,
		"interrupted", s->signal);
}
