/* The module lifecycle: validate, copy, rebase, bind, publish, init, and
 * back again.  Every failure undoes everything before it returns, so the
 * heap and the module area go back to where they were. */
#include "module.h"

#include "etrel.h"
#include "heap.h"
#include "io.h"
#include "kprintf.h"
#include "modarea.h"
#include "paging.h"
#include "params.h"
#include "rmod/kernel.h"
#include "symtab.h"
#include "trap.h"

const char *const phase_names[PH_COUNT] = {"validate", "copy", "rebase", "bind", "init"};

static struct module *modules; /* load order */
int module_quiet; /* the soak command silences per-load messages */

struct module *module_first(void) { return modules; }

struct module *module_find(const char *name)
{
	for (struct module *m = modules; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return 0;
}

static void link_module(struct module *m)
{
	struct module **pp = &modules;
	while (*pp)
		pp = &(*pp)->next;
	m->next = 0;
	*pp = m;
}

static void unlink_module(struct module *m)
{
	for (struct module **pp = &modules; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			return;
		}
}

struct resolve_ctx {
	const char *name;
	uint32_t lookups; /* imports whose hint did not apply */
};

static int resolve(void *ctx, const struct rm_module *rm, const struct rm_import *imp,
		   struct rm_resolved *out)
{
	struct resolve_ctx *c = ctx;
	const char *name = c->name;
	(void)rm;
	/* Imports a bound-import hint settled never get here (module.c's
	 * rm_resolve_hinted call); this is the lookup for the rest. */
	c->lookups++;
	const struct ksym *s = sym_lookup(imp->name, imp->hash);
	if (!s)
		return RM_E_UNRESOLVED;
	/* Like Linux's missing-modversion taint: allowed, but said. */
	if ((!imp->version || !s->sym.version) && !module_quiet)
		kprintf("insmod: %s: symbol %s is unversioned (no DWARF version on the %s side); "
			"loading anyway\n",
			name, imp->name, imp->version ? "kernel/provider" : "module");
	out->addr = s->sym.addr;
	out->kind = s->sym.kind;
	out->version = s->sym.version;
	return RM_OK;
}

static void core_error(const char *name, int rc, const struct rm_diag *d)
{
	if (rc == RM_E_UNRESOLVED)
		kprintf("insmod: %s: unresolved import '%s' (%s)\n", name, d->sym, rm_errname(rc));
	else if (rc == RM_E_VERSION_MISMATCH)
		kprintf("insmod: %s: disagrees about version of symbol %s (expects 0x%08x, "
			"kernel/provider has 0x%08x) (%s)\n",
			name, d->sym, d->val, d->val2, rm_errname(rc));
	else if (d->sym)
		kprintf("insmod: %s: %s: '%s' at 0x%x (%s)\n", name, rm_strerror(rc), d->sym, d->at,
			rm_errname(rc));
	else
		kprintf("insmod: %s: %s at 0x%x (value 0x%x) (%s)\n", name, rm_strerror(rc), d->at,
			d->val, rm_errname(rc));
}

/* The loaded module whose memory holds addr, or NULL (the kernel).  Once
 * init has run, only the core counts: its init pages may hold another
 * module by now. */
static struct module *module_at(uint32_t addr)
{
	for (struct module *m = modules; m; m = m->next) {
		uint32_t size = m->core_size ? m->core_size : m->rm.mem_size;
		if (addr >= m->base && addr - m->base < size)
			return m;
	}
	return 0;
}

/* Where an address lies: "module+0xoff (symbol+0xoff)". */
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

void module_init(void) { fault_describe = describe; }

/* W^X at page granularity: text and init text R+X, rodata R, data, bss
 * and init data R+W.  Freed or failed memory goes back to R+W, no X. */
void module_protect(const struct module *m)
{
	const struct rm_module *r = &m->rm;
	paging_protect(m->base, r->text_end, PROT_X);
	paging_protect(m->base + r->text_end, r->rodata_end - r->text_end, 0);
	paging_protect(m->base + r->rodata_end, r->init_start - r->rodata_end, PROT_W);
	paging_protect(m->base + r->init_start, r->init_text_end - r->init_start, PROT_X);
	paging_protect(m->base + r->init_text_end, r->mem_size - r->init_text_end, PROT_W);
}

void module_release(uintptr_t base, uint32_t size)
{
	paging_protect(base, size, PROT_W);
	modarea_free(base, size);
}

/* Record that m bound imports from owner (once per owner); the counts
 * are taken in module_finish, so a provider cannot go while a user is
 * loaded. */
int module_add_use(struct module *m, struct module *owner)
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

/* Every export lies in its owner's memory, so the resolved addresses name
 * the providers without looking any name up again. */
static int take_refs(struct module *m, const uint32_t *addrs)
{
	for (uint32_t i = 0; i < m->rm.nimports; i++)
		if (module_add_use(m, module_at(addrs[i])))
			return -1;
	return 0;
}

static void drop_refs(struct module *m)
{
	for (uint32_t k = 0; k < m->nuses; k++)
		m->uses[k]->refs--;
	kfree(m->uses);
	m->uses = 0;
	m->nuses = 0;
}

static int load_one(const char *name, const char *args)
{
	const struct bootfile *bf = bootfile_find(name);
	if (!bf) {
		kprintf("insmod: %s: no such module file\n", name);
		return -1;
	}
	if (bf->size >= 4 && !memcmp(bf->data, "\177ELF", 4))
		return etrel_load(bf, name);
	if (!args || !*args)
		args = bf->args;
	struct module tmp;
	struct rm_diag d;
	memset(&tmp, 0, sizeof(tmp));

	uint64_t t0 = rdtsc();
	/* A boot file never changes, so its CRC is checked once. */
	int rc = rm_parse(bf->data, bf->size, bf->crc_checked > 0 ? RM_PARSE_NO_CRC : 0, &tmp.rm,
			  &d);
	if (rc) {
		core_error(name, rc, &d);
		return -1;
	}
	((struct bootfile *)bf)->crc_checked = 1;
	if (module_find(tmp.rm.name)) {
		kprintf("insmod: %s: module '%s' is already loaded\n", name, tmp.rm.name);
		return -1;
	}
	char err[160];
	if (params_check(&tmp.rm, args, err, sizeof(err))) {
		kprintf("insmod: %s: %s\n", name, err);
		return -1;
	}
	uint32_t *addrs = 0;
	if (tmp.rm.nimports && !(addrs = kmalloc(4 * tmp.rm.nimports))) {
		kprintf("insmod: %s: out of memory for %u imports\n", name, tmp.rm.nimports);
		return -1;
	}
	/* Resolution is part of binding; it runs before the first write. */
	uint64_t t_v = rdtsc();
	struct resolve_ctx rctx = {name, 0};
	rc = rm_resolve_hinted(&tmp.rm, sym_table_find, resolve, &rctx, addrs, &d);
	uint64_t t_r = rdtsc();
	if (rc) {
		core_error(name, rc, &d);
		kfree(addrs);
		return -1;
	}
	struct module *m = kmalloc(sizeof(*m));
	uintptr_t base = m ? modarea_alloc(tmp.rm.mem_size) : 0;
	if (m && !base)
		kfree(m);
	if (!base) {
		kprintf("insmod: %s: out of memory for a %u-byte image\n", name, tmp.rm.mem_size);
		kfree(addrs);
		return -1;
	}
	*m = tmp;
	memcpy(m->name, tmp.rm.name, strlen(tmp.rm.name) + 1);
	m->file = bf;
	m->base = (uint32_t)base;
	uint8_t *img = (uint8_t *)base;
	rm_copy(&m->rm, img);
	uint64_t t2 = rdtsc();
	rm_rebase(&m->rm, img, m->base);
	uint64_t t3 = rdtsc();
	rm_bind(&m->rm, img, m->base, addrs);
	uint64_t t4 = rdtsc();
	params_apply(&m->rm, args, img);
	/* validate: checks; copy: allocation and copy; bind: resolve + bind. */
	m->ticks[PH_VALIDATE] = t_v - t0;
	m->ticks[PH_COPY] = t2 - t_r;
	m->ticks[PH_REBASE] = t3 - t2;
	m->ticks[PH_BIND] = (t_r - t_v) + (t4 - t3);
	m->n_fixups = m->rm.fixup_count;
	m->n_iat = (m->rm.iat_end - m->rm.iat_start) / 4;
	m->n_sites = m->rm.nsites;
	m->n_lookups = rctx.lookups;
	int refs_rc = take_refs(m, addrs);
	kfree(addrs);
	if (refs_rc) {
		kprintf("insmod: %s: out of memory for references\n", name);
		kfree(m->uses);
		module_release(base, m->rm.mem_size);
		kfree(m);
		return -1;
	}
	return module_finish(m, name, 0);
}

static int publish_exports(struct module *m, const char *name)
{
	uint32_t n_exp = m->rm.nexports + m->nkexps, stamp = RMOD_STAMP_INIT;
	/* The table by index serves bound-import hints; without memory for
	 * it, importers just look names up. */
	const struct rm_symbol **v = n_exp ? kmalloc(n_exp * sizeof(*v)) : 0;
	for (uint32_t i = 0; i < n_exp; i++) {
		const char *n;
		uint32_t addr, version = 0;
		uint16_t kind;
		if (m->kind == MOD_RMOD) {
			struct rm_export e;
			rm_get_export(&m->rm, i, &e);
			n = e.name, addr = m->base + e.offset, kind = e.kind, version = e.version;
		} else {
			n = m->kexps[i].name, addr = m->kexps[i].addr, kind = m->kexps[i].kind;
		}
		uint32_t h = rmod_hash(n);
		struct ksym *k;
		if (sym_publish(n, h, addr, kind, version, m, &k)) {
			const struct ksym *o = sym_lookup(n, h);
			kprintf("insmod: %s: symbol '%s' is already exported by %s\n", name, n,
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

static void discard(struct module *m)
{
	sym_unpublish_owner(m);
	kfree(m->uses);
	kfree(m->kexps);
	module_release(m->base, m->rm.mem_size);
	kfree(m);
}

int module_finish(struct module *m, const char *name, uint64_t unused)
{
	(void)unused;
	if (publish_exports(m, name)) {
		discard(m);
		return -1;
	}
	for (uint32_t k = 0; k < m->nuses; k++)
		m->uses[k]->refs++;
	module_protect(m);
	link_module(m);
	uint64_t t5 = rdtsc();
	if (m->rm.init_off != RMOD_NONE) {
		int (*init)(void) = (int (*)(void))(m->base + m->rm.init_off);
		int ret = init();
		if (ret < 0) {
			kprintf("insmod: %s: init failed with error %d\n", name, ret);
			unlink_module(m);
			drop_refs(m);
			discard(m);
			return -1;
		}
	}
	m->ticks[PH_INIT] = rdtsc() - t5;
	m->core_size = m->rm.init_start;
	if (m->rm.init_start < m->rm.mem_size) {
		m->init_freed = m->rm.mem_size - m->rm.init_start;
		module_release(m->base + m->rm.init_start, m->init_freed);
	}
	return 0;
}

static void unload(struct module *m)
{
	if (m->rm.exit_off != RMOD_NONE)
		((void (*)(void))(m->base + m->rm.exit_off))();
	unlink_module(m);
	sym_unpublish_owner(m);
	drop_refs(m);
	kfree(m->kexps);
	module_release(m->base, m->core_size);
	kfree(m);
}

int module_rmmod(const char *name)
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
		for (struct module *u = modules; u; u = u->next)
			for (uint32_t k = 0; k < u->nuses; k++)
				if (u->uses[k] == m && n < sizeof(users))
					n += (size_t)ksnprintf(users + n, sizeof(users) - n, "%s%s",
							       n ? ", " : "", u->name);
		kprintf("rmmod: %s: in use by %s\n", name, users);
		return -1;
	}
	unload(m);
	if (!module_quiet)
		kprintf("rmmod: %s unloaded\n", name);
	return 0;
}

/* modprobe: providers first, depth first, refusing cycles.  chain holds
 * the names being loaded, outermost first, for the error message. */
#define MAX_DEPTH 16

static int chain_msg(char *buf, size_t len, const char *const *chain, int depth,
		     const char *last)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < depth && n < len; i++)
		n += (size_t)ksnprintf(buf + n, len - n, "%s -> ", chain[i]);
	if (n < len)
		ksnprintf(buf + n, len - n, "%s", last);
	return 0;
}

static int load_deps(const char *name, const char *args, const char **chain, int depth,
		     const char *top)
{
	char msg[200];
	for (int i = 0; i < depth; i++)
		if (!strcmp(chain[i], name)) {
			chain_msg(msg, sizeof(msg), chain, depth, name);
			kprintf("insmod: %s: dependency cycle: %s\n", top, msg);
			return -1;
		}
	if (depth >= MAX_DEPTH) {
		kprintf("insmod: %s: dependencies nested deeper than %d\n", top, MAX_DEPTH);
		return -1;
	}
	const struct bootfile *bf = bootfile_find(name);
	if (!bf) {
		chain_msg(msg, sizeof(msg), chain, depth, name);
		if (depth)
			kprintf("insmod: %s: missing provider '%s' (needed by %s; chain %s)\n", top,
				name, chain[depth - 1], msg);
		else
			kprintf("insmod: %s: no such module file\n", name);
		return -1;
	}
	struct rm_module rm;
	struct rm_diag d;
	/* Only the needs are read here; load_one validates fully. */
	if (rm_parse(bf->data, bf->size, RM_PARSE_NO_CRC, &rm, &d) == RM_OK) {
		chain[depth] = name;
		for (uint32_t i = 0; i < rm.nneeds; i++) {
			const char *need = rm_get_need(&rm, i);
			if (module_find(need))
				continue;
			if (load_deps(need, 0, chain, depth + 1, top))
				return -1;
			kprintf("insmod: %s: loaded %s for %s\n", top, need, name);
		}
	}
	if (depth && module_find(name))
		return 0;
	int rc = load_one(name, args);
	if (rc && depth) {
		chain_msg(msg, sizeof(msg), chain, depth, name);
		kprintf("insmod: %s: provider %s failed to load (chain %s)\n", top, name, msg);
	}
	return rc;
}

int module_insmod(const char *name, const char *args)
{
	const char *chain[MAX_DEPTH];
	struct module *last = modules;
	while (last && last->next)
		last = last->next;
	if (load_deps(name, args, chain, 0, name) == 0)
		return 0;
	/* Leave nothing half-loaded: unload what this insmod loaded, newest
	 * first. */
	for (;;) {
		struct module *m = modules, *prev = 0;
		while (m && m->next) {
			prev = m;
			m = m->next;
		}
		if (!m || m == last)
			break;
		(void)prev;
		unload(m);
	}
	return -1;
}
