/* SPDX-License-Identifier: ISC */
/*
 * out_report.h: a history report (the JSON of nkt_history_report, described
 * in data/report.schema.json) rendered for people and dashboards (pure: a
 * report in, text out, no clock, no files):
 *
 *  text        the latest state and the events, for a terminal
 *  Prometheus  text exposition format 0.0.4: gauges of the latest
 *              successful cycle (for node_exporter's textfile collector)
 *  HTML        one self-contained page (no scripts, no fetches): SVG
 *              charts of RTT, loss and reach per transit over time, which
 *              transit carried each /24 when, and the events
 *
 * Writers return 0 or -1 with the stream's error (errno set).
 */
#ifndef NKTRACE_OUT_REPORT_H
#define NKTRACE_OUT_REPORT_H

#include <jansson.h>
#include <stdio.h>

/* Print the report for a terminal. */
int nkt_report_text(FILE *f, const json_t *rep);

/* Write Prometheus metrics of the report's latest successful cycle. */
int nkt_report_prom(FILE *f, const json_t *rep);

/* Write the HTML page; `title` is escaped. */
int nkt_report_html(FILE *f, const json_t *rep, const char *title);

#endif
