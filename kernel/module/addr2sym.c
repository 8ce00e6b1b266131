/* Fault attribution (see addr2sym.h): the module that holds an address,
 * and the nearest symbol at or below it from the module's syms table. */
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
	struct rm_sym best = {0, 0, 0};
	int found = 0;
	for (uint32_t i = 0; i < m->rm.nsyms; i++) {
		struct rm_sym s;
		rm_get_sym(&m->rm, i, &s);
		if (s.offset <= off && (!found || s.offset >= best.offset)) {
			best = s;
			found = 1;
		}
	}
	if (found)
		ksnprintf(buf, len, "%s+0x%x (%s+0x%x)", m->name, off, best.name,
			  off - best.offset);
	else
		ksnprintf(buf, len, "%s+0x%x (no symbols)", m->name, off);
	return 1;
}

void addr2sym_init(void) { fault_describe = describe; }
