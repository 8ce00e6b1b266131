/* Fault attribution (see addr2sym.h): the module that holds an address,
 * and the nearest symbol at or below it from the module's symbol stream. */
#include "addr2sym.h"

#include "kprintf.h"
#include "modlist.h"
#include "module.h"
#include "trap.h"

static int describe(uint32_t addr, char *buf, size_t len)
{
	struct module *m = module_at(addr);
	if (!m)
		return 0;
	uint32_t off = addr - m->base;
	/* The symbol stream has no index (front-coded names, offsets as
	 * deltas), so this decodes it from the start, stopping at the first
	 * symbol past off; the last one at or below it wins, as when the
	 * table was fixed-size entries scanned the same way.  Attribution is
	 * cold: it runs once per fault message. */
	struct rm_sym_it it;
	struct rm_sym s;
	char best[RMOD_MAX_NAME + 1];
	uint32_t best_off = 0;
	int found = 0;
	rm_syms_begin(&m->rm, &it);
	while (rm_syms_next(&m->rm, &it, &s) && s.offset <= off) {
		size_t i = 0;
		for (; s.name[i]; i++)
			best[i] = s.name[i];
		best[i] = 0;
		best_off = s.offset;
		found = 1;
	}
	if (found)
		ksnprintf(buf, len, "%s+0x%x (%s+0x%x)", m->name, off, best, off - best_off);
	else
		ksnprintf(buf, len, "%s+0x%x (no symbols)", m->name, off);
	return 1;
}

void addr2sym_init(void) { fault_describe = describe; }
