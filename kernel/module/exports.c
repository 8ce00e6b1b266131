/* A module's side of the export registry (see exports.h); the registry
 * itself is symtab.c. */
#include "exports.h"

#include "heap.h"
#include "kprintf.h"
#include "modlist.h"
#include "module.h"
#include "rmod/kernel.h"
#include "symtab.h"

int exports_resolve(void *ctx, const struct rm_module *rm, const struct rm_import *imp,
		    struct rm_resolved *out)
{
	struct exports_lookup *c = ctx;
	(void)rm;
	c->lookups++;
	const struct ksym *s = sym_lookup(imp->name, imp->hash);
	if (!s)
		return RM_E_UNRESOLVED;
	/* Like Linux's missing-modversion taint: allowed, but said. */
	if ((!imp->version || !s->sym.version) && !c->quiet)
		kprintf("insmod: %s: symbol %s is unversioned (no DWARF version on the %s side); "
			"loading anyway\n",
			c->file, imp->name, imp->version ? "kernel/provider" : "module");
	out->addr = s->sym.addr;
	out->kind = s->sym.kind;
	out->version = s->sym.version;
	out->ns = s->ns;
	out->allow = s->allow;
	return RM_OK;
}

int exports_publish(struct module *m, const char *file)
{
	uint32_t n_exp = m->kind == MOD_RMOD ? m->rm.nexports : m->nkexps;
	uint32_t stamp = RMOD_STAMP_INIT;
	/* The table by index serves bound-import hints; without memory for
	 * it, importers just look names up. */
	const struct rm_symbol **v = n_exp ? kmalloc(n_exp * sizeof(*v)) : 0;
	for (uint32_t i = 0; i < n_exp; i++) {
		const char *n, *ns = 0, *allow = 0;
		uint32_t addr, version = 0;
		uint16_t kind;
		if (m->kind == MOD_RMOD) {
			struct rm_export e;
			rm_get_export(&m->rm, i, &e);
			n = e.name, addr = m->base + e.offset, kind = e.kind, version = e.version;
			ns = e.ns, allow = e.allow;
		} else {
			n = m->kexps[i].name, addr = m->kexps[i].addr, kind = m->kexps[i].kind;
		}
		uint32_t h = rmod_hash(n);
		struct ksym *k;
		if (sym_publish(n, h, addr, kind, version, ns, allow, m, &k)) {
			const struct ksym *o = sym_lookup(n, h);
			kprintf("insmod: %s: symbol '%s' is already exported by %s\n", file, n,
				o && o->owner ? o->owner->name : "the kernel");
			kfree(v);
			sym_unpublish_owner(m);
			return -1;
		}
		if (v)
			v[i] = &k->sym;
		stamp = rmod_stamp_add(stamp, n, version, kind);
	}
	if (v)
		sym_table_add(m, rmod_stamp_end(stamp), v, n_exp);
	return 0;
}

void exports_unpublish(struct module *m) { sym_unpublish_owner(m); }

int refs_add(struct module *m, struct module *owner)
{
	if (!owner)
		return 0;
	for (uint32_t k = 0; k < m->nuses; k++)
		if (m->uses[k] == owner)
			return 0;
	struct module **u = krealloc(m->uses, (m->nuses + 1) * sizeof(*u));
	if (!u)
		return -1;
	m->uses = u;
	m->uses[m->nuses++] = owner;
	return 0;
}

int refs_add_addrs(struct module *m, const uint32_t *addrs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (refs_add(m, module_at(addrs[i])))
			return -1;
	return 0;
}

void refs_take(struct module *m)
{
	for (uint32_t k = 0; k < m->nuses; k++)
		m->uses[k]->refs++;
}

void refs_drop(struct module *m)
{
	for (uint32_t k = 0; k < m->nuses; k++)
		m->uses[k]->refs--;
	kfree(m->uses);
	m->uses = 0;
	m->nuses = 0;
}
