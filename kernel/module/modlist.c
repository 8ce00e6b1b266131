/* The list of loaded modules, in load order (see modlist.h). */
#include "modlist.h"

#include "modarea.h"
#include "module.h"
#include "rmod/kernel.h"

static struct module *modules;
/* The last module module_at found: binding asks about the same provider
 * import after import. */
static struct module *last_hit;

struct module *module_first(void) { return modules; }

struct module *module_last(void)
{
	struct module *m = modules;
	while (m && m->next)
		m = m->next;
	return m;
}

struct module *module_find(const char *name)
{
	for (struct module *m = modules; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return 0;
}

void modlist_add(struct module *m)
{
	struct module **pp = &modules;
	while (*pp)
		pp = &(*pp)->next;
	m->next = 0;
	*pp = m;
}

void modlist_remove(struct module *m)
{
	if (last_hit == m)
		last_hit = 0;
	for (struct module **pp = &modules; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			return;
		}
}

static int holds(const struct module *m, uint32_t addr)
{
	uint32_t size = m->core_size ? m->core_size : m->rm.mem_size;
	return addr >= m->base && addr - m->base < size;
}

struct module *module_at(uint32_t addr)
{
	/* The kernel's own addresses (and 0, a weak import's) need no walk. */
	if (!modarea_holds(addr))
		return 0;
	if (last_hit && holds(last_hit, addr))
		return last_hit;
	for (struct module *m = modules; m; m = m->next)
		if (holds(m, addr))
			return last_hit = m;
	return 0;
}
