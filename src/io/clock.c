// SPDX-License-Identifier: ISC
/* clock.c: clock reads and the signal-aware sleep (shell). */
#include "nktrace/clock.h"
#include "nktrace/common.h"

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NKT_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t nkt_clock_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t nkt_clock_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void nkt_halt_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int nkt_clock_sleep_until(clockid_t clk, uint64_t at_ns, const sigset_t *set)
{
	for (;;) {
		uint64_t now = clock_ns(clk);
		struct timespec ts;
		int sig;
		if (now >= at_ns)
			return 0;
		ts.tv_sec = (time_t)((at_ns - now) / NKT_NS_PER_S);
		ts.tv_nsec = (long)((at_ns - now) % NKT_NS_PER_S);
		sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0)
			return sig;
	}
}
