/* The list of loaded modules, in load order (see modlist.h). */
#include "modlist.h"

#include "module.h"
#include "rmod/kernel.h"

static struct module *modules;

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
	for (struct module **pp = &modules; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			return;
		}
}

struct module *module_at(uint32_t addr)
{
	for (struct module *m = modules; m; m = m->next) {
		uint32_t size = m->core_size ? m->core_size : m->rm.mem_size;
		if (addr >= m->base && addr - m->base < size)
			return m;
	}
	return 0;
}
