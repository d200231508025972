/* SPDX-License-Identifier: ISC */
/*
 * clock.h: the shell's clocks and its one way of waiting.  The pure core
 * never reads a clock; callers pass times in.
 */
#ifndef NKTRACE_CLOCK_H
#define NKTRACE_CLOCK_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC now, in ns: for intervals and deadlines. */
uint64_t nkt_clock_mono_ns(void);

/* CLOCK_REALTIME now, in ns since the epoch: for timestamps. */
uint64_t nkt_clock_wall_ns(void);

/* The signals that halt a measurement, the same in every command:
 * SIGINT, SIGTERM and SIGHUP. */
void nkt_halt_signals(sigset_t *set);

/*
 * Sleep until clock `clk` reads `at_ns` or later, unless one of the signals
 * in `set` (which the caller keeps blocked) arrives first.  Returns that
 * signal, or 0 once the time has come.
 */
int nkt_clock_sleep_until(clockid_t clk, uint64_t at_ns, const sigset_t *set);

#endif
