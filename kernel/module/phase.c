/* Load-phase clocks and the phase trace (see phase.h). */
#include "phase.h"

#include "io.h"
#include "kprintf.h"

static const char *const names[2][PH_COUNT + 1] = {
	{"validate", "copy", "rebase", "bind", "init", "untimed"},
	{"validate", "copy", "relocate", "resolve", "init", "untimed"},
};

const char *phase_name(int kind, int ph)
{
	return names[kind ? 1 : 0][ph];
}

void phase_start(struct phase_clock *c, const char *who, int kind, int ph)
{
	c->kind = kind;
	c->who = who;
	for (int i = 0; i <= PH_COUNT; i++)
		c->ticks[i] = 0;
	c->cur = ph;
	c->t = rdtsc();
}

void phase_to(struct phase_clock *c, int ph)
{
	uint64_t now = rdtsc();
	c->ticks[c->cur] += now - c->t;
	c->cur = ph;
	c->t = rdtsc();
}

/* The trace: a fixed buffer, and an explicit "truncated" mark when a load
 * has more steps than it holds (never a silent cut). */
#define TRACE_MAX 96
static struct {
	int on, n, lost;
	struct {
		int ph, kind;
		const char *who, *step;
	} e[TRACE_MAX];
} tr;

void phase_trace_enable(int on) { tr.on = on; }
void phase_trace_reset(void) { tr.n = tr.lost = 0; }

void phase_step(const struct phase_clock *c, const char *step)
{
	if (!tr.on)
		return;
	if (tr.n == TRACE_MAX) {
		tr.lost++;
		return;
	}
	tr.e[tr.n].ph = c->cur;
	tr.e[tr.n].kind = c->kind;
	tr.e[tr.n].who = c->who;
	tr.e[tr.n++].step = step;
}

/* One line per run of steps of one file in one phase, in order:
 * "trace: consumer validate: parse params-check". */
void phase_trace_print(void)
{
	int i = 0;
	while (i < tr.n) {
		int ph = tr.e[i].ph, kind = tr.e[i].kind;
		const char *who = tr.e[i].who;
		kprintf("trace: %s %s:", who, phase_name(kind, ph));
		for (; i < tr.n && tr.e[i].ph == ph && tr.e[i].who == who; i++)
			kprintf(" %s", tr.e[i].step);
		kprintf("\n");
	}
	if (tr.lost)
		kprintf("trace: truncated (%d steps beyond %d not recorded)\n", tr.lost, TRACE_MAX);
	kprintf("trace: end\n");
}
