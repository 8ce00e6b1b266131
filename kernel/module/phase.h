/* Load-phase clocks and the phase trace.  A loader charges its time to one
 * phase at a time; with tracing on it also records the named steps of each
 * phase, so a test can pin both loaders' timed windows (docs/COMPARE.md). */
#ifndef KERNEL_PHASE_H
#define KERNEL_PHASE_H

#include <stdint.h>

/* PH_FIX is rmod's rebase and ET_REL's relocate; PH_LINK is rmod's bind
 * and ET_REL's resolve.  PH_UNTIMED is charged to nothing. */
enum { PH_VALIDATE, PH_COPY, PH_FIX, PH_LINK, PH_INIT, PH_COUNT, PH_UNTIMED = PH_COUNT };

struct phase_clock {
	uint64_t ticks[PH_COUNT + 1];
	uint64_t t;
	int cur, kind;
	const char *who; /* the file being loaded, for the trace */
};

/* Start the clock of a load of file who, of that kind, in phase ph. */
void phase_start(struct phase_clock *c, const char *who, int kind, int ph);
/* Close the running phase and open ph. */
void phase_to(struct phase_clock *c, int ph);
/* Name a step of the running phase (recorded only while tracing). */
void phase_step(const struct phase_clock *c, const char *step);

/* Loader-neutral names: kind 0 rmod, 1 ET_REL (MOD_RMOD, MOD_ETREL). */
const char *phase_name(int kind, int ph);

/* The trace of the last insmod, providers included: `trace on|off|show`. */
void phase_trace_enable(int on);
void phase_trace_reset(void);
void phase_trace_print(void);

#endif
