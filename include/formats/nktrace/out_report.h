/* SPDX-License-Identifier: ISC */
/*
 * out_report.h: a history report (report.h) rendered for people and
 * dashboards (pure: a report in, text out, no clock, no files):
 *
 *  text        the latest state and the events, for a terminal
 *              (out_report_text.c)
 *  Prometheus  text exposition format 0.0.4: gauges of the latest
 *              successful cycle, for node_exporter's textfile collector
 *              (out_report_prom.c)
 *  HTML        one self-contained page (no scripts, no fetches): SVG
 *              charts of RTT, loss and reach per transit over time, which
 *              transit carried each /24 when, and the events
 *              (out_report_html.c)
 *
 * Writers return 0 or -1 with the stream's error (errno set).
 */
#ifndef NKTRACE_OUT_REPORT_H
#define NKTRACE_OUT_REPORT_H

#include "nktrace/report.h"

#include <stdio.h>

/* Print the report for a terminal. */
int nkt_report_text(FILE *f, const struct nkt_report *r);

/* Write Prometheus metrics of the report's latest successful cycle. */
int nkt_report_prom(FILE *f, const struct nkt_report *r);

/* Write the HTML page; `title` is escaped. */
int nkt_report_html(FILE *f, const struct nkt_report *r, const char *title);

/* "2026-11-27 10:00" etc.: t (s) in UTC with strftime's fmt into buf. */
const char *nkt_report_utc(int64_t t, const char *fmt, char *buf,
			   size_t len);

/* The window's start as shown: `since`, or the first cycle's for "all". */
int64_t nkt_report_shown_since(const struct nkt_report *r);

#endif
