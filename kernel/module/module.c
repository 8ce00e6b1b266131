/* The module lifecycle: open a boot file through its loader back end
 * (validate), load it (copy, fix, link), publish, protect, init; and
 * unload.  Every failure undoes everything before it returns, so the heap
 * and the module area go back to where they were. */
#include "module.h"

#include "etrel.h"
#include "exports.h"
#include "heap.h"
#include "kprintf.h"
#include "modlist.h"
#include "rmod.h"
#include "rmod/kernel.h"
#include "strict_rwx.h"

static const struct loader_backend *const backends[] = {&etrel_backend, &rmod_backend};

int module_open(struct load *l, const struct bootfile *bf, const char *file,
		const char *args, unsigned flags)
{
	memset(l, 0, sizeof(*l));
	l->bf = bf, l->file = file, l->flags = flags;
	l->args = args && *args ? args : bf->args;
	for (unsigned i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->match(bf))
			l->be = backends[i];
	if (!l->be) { /* rmod_backend matches everything that is not ELF */
		kprintf("insmod: %s: unknown module format\n", file);
		return -1;
	}
	phase_start(&l->clk, bf->name, l->be->kind, PH_VALIDATE);
	if (l->be->open(l))
		return -1;
	phase_step(&l->clk, "duplicate-check");
	if (module_find(l->modname)) {
		kprintf("insmod: %s: module '%s' is already loaded\n", file, l->modname);
		module_close(l);
		return -1;
	}
	/* Dependencies load between open and load: not this module's time. */
	phase_to(&l->clk, PH_UNTIMED);
	return 0;
}

void module_close(struct load *l)
{
	if (l->be)
		l->be->close(l);
	l->be = 0;
}

static void discard(struct module *m)
{
	exports_unpublish(m);
	kfree(m->uses);
	kfree(m->kexps);
	module_release(m->base, m->rm.mem_size);
	kfree(m);
}

int module_load(struct load *l)
{
	struct module *m;
	int rc = l->be->load(l, &m);
	l->be = 0; /* load frees its scratch, on success and on failure */
	if (rc)
		return -1;
	/* Publishing and taking the counts are untimed for both loaders. */
	phase_step(&l->clk, "publish");
	if (exports_publish(m, l->file)) {
		discard(m);
		return -1;
	}
	refs_take(m);
	module_protect(m);
	modlist_add(m);
	phase_to(&l->clk, PH_INIT);
	phase_step(&l->clk, "init");
	m->noinit = !!(l->flags & LOAD_NOINIT);
	if (m->rm.init_off != RMOD_NONE && !m->noinit) {
		int (*init)(void) = (int (*)(void))(m->base + m->rm.init_off);
		int ret = init();
		if (ret < 0) {
			kprintf("insmod: %s: init failed with error %d\n", l->file, ret);
			modlist_remove(m);
			refs_drop(m);
			discard(m);
			return -1;
		}
	}
	phase_to(&l->clk, PH_UNTIMED);
	for (int p = 0; p < PH_COUNT; p++)
		m->ticks[p] = l->clk.ticks[p];
	m->core_size = m->rm.init_start;
	if (m->rm.init_start < m->rm.mem_size) {
		m->init_freed = m->rm.mem_size - m->rm.init_start;
		module_release(m->base + m->rm.init_start, m->init_freed);
	}
	return 0;
}

void module_unload(struct module *m)
{
	if (m->rm.exit_off != RMOD_NONE && !m->noinit)
		((void (*)(void))(m->base + m->rm.exit_off))();
	modlist_remove(m);
	exports_unpublish(m);
	refs_drop(m);
	kfree(m->kexps);
	module_release(m->base, m->core_size);
	kfree(m);
}

int module_rmmod(const char *name, int quiet)
{
	struct module *m = module_find(name);
	if (!m) {
		kprintf("rmmod: %s: not loaded\n", name);
		return -1;
	}
	if (m->refs) {
		char users[160];
		size_t n = 0;
		users[0] = 0;
		for (struct module *u = module_first(); u; u = u->next)
			for (uint32_t k = 0; k < u->nuses; k++)
				if (u->uses[k] == m && n < sizeof(users))
					n += (size_t)ksnprintf(users + n, sizeof(users) - n, "%s%s",
							       n ? ", " : "", u->name);
		kprintf("rmmod: %s: in use by %s\n", name, users);
		return -1;
	}
	module_unload(m);
	if (!quiet)
		kprintf("rmmod: %s unloaded\n", name);
	return 0;
}
