/* The rmod loader back end: validate with rm_parse (once per load), then
 * resolve, copy, rebase and bind with the loader core.  Resolution comes
 * before the first write, so a missing import leaves nothing behind. */
#include "rmod.h"

#include "exports.h"
#include "heap.h"
#include "kprintf.h"
#include "modarea.h"
#include "paging.h"
#include "params.h"
#include "rmod/kernel.h"
#include "strict_rwx.h"
#include "symtab.h"

/* modname: the importer's module name, once rm_parse has found it. */
static void core_error(const char *name, const char *modname, int rc, const struct rm_diag *d)
{
	if (rc == RM_E_UNRESOLVED)
		kprintf("insmod: %s: unresolved import '%s' (%s)\n", name, d->sym, rm_errname(rc));
	else if (rc == RM_E_VERSION_MISMATCH)
		kprintf("insmod: %s: disagrees about version of symbol %s (expects 0x%08x, "
			"kernel/provider has 0x%08x) (%s)\n",
			name, d->sym, d->val, d->val2, rm_errname(rc));
	else if (rc == RM_E_VERSION)
		kprintf("insmod: %s: format version %u, this kernel reads version %u (%s)\n", name,
			d->val, d->val2, rm_errname(rc));
	else if (rc == RM_E_NAMESPACE)
		kprintf("insmod: %s: symbol %s is in namespace %s, which module %s does not import "
			"(RMOD_IMPORT_NS) (%s)\n",
			name, d->sym, d->str, modname, rm_errname(rc));
	else if (rc == RM_E_EXPORT_FOR)
		kprintf("insmod: %s: symbol %s is exported only for modules '%s', not for module %s "
			"(%s)\n",
			name, d->sym, d->str, modname, rm_errname(rc));
	else if (d->sym)
		kprintf("insmod: %s: %s: '%s' at 0x%x (%s)\n", name, rm_strerror(rc), d->sym, d->at,
			rm_errname(rc));
	else
		kprintf("insmod: %s: %s at 0x%x (value 0x%x) (%s)\n", name, rm_strerror(rc), d->at,
			d->val, rm_errname(rc));
}

static int rmod_match(const struct bootfile *bf)
{
	return !(bf->size >= 4 && !memcmp(bf->data, "\177ELF", 4));
}

static const char *need(const struct load *l, uint32_t i) { return rm_get_need(&l->rm, i); }

static int rmod_open(struct load *l)
{
	struct rm_diag d;
	struct bootfile *bf = (struct bootfile *)l->bf;
	phase_step(&l->clk, "parse");
	/* A boot file never changes, so its CRC is checked once. */
	int rc = rm_parse(bf->data, bf->size, bf->crc_checked > 0 ? RM_PARSE_NO_CRC : 0, &l->rm,
			  &d);
	if (rc) {
		core_error(l->file, "?", rc, &d);
		return -1;
	}
	bf->crc_checked = 1;
	phase_step(&l->clk, "params-check");
	char err[160];
	if (params_check(&l->rm, l->args, err, sizeof(err))) {
		kprintf("insmod: %s: %s\n", l->file, err);
		return -1;
	}
	phase_step(&l->clk, "alloc-scratch");
	uint32_t *addrs = 0, *bits = 0, nbits = rm_layout_scratch(&l->rm);
	if ((l->rm.nimports && !(addrs = kmalloc(4 * l->rm.nimports))) ||
	    (nbits && !(bits = kmalloc(nbits)))) {
		kprintf("insmod: %s: out of memory for %u imports\n", l->file, l->rm.nimports);
		kfree(addrs);
		return -1;
	}
	/* Sites come per import: the fixups and sites are placed in a bitmap. */
	phase_step(&l->clk, "layout-check");
	rc = rm_check_layout(&l->rm, bits, &d);
	kfree(bits);
	if (rc) {
		core_error(l->file, l->rm.name, rc, &d);
		kfree(addrs);
		return -1;
	}
	l->priv = addrs;
	l->modname = l->rm.name;
	l->nneeds = l->rm.nneeds;
	l->need = need;
	return 0;
}

static void rmod_close(struct load *l)
{
	kfree(l->priv);
	l->priv = 0;
}

static int rmod_load(struct load *l, struct module **out)
{
	uint32_t *addrs = l->priv;
	struct rm_diag d;
	/* Resolution is part of binding; it runs before the first write. */
	phase_to(&l->clk, PH_LINK);
	phase_step(&l->clk, "resolve");
	struct exports_lookup lk = {l->file, !!(l->flags & LOAD_QUIET), 0};
	int rc = rm_resolve_hinted(&l->rm, sym_table_find, exports_resolve, &lk, addrs, &d);
	if (rc) {
		core_error(l->file, l->rm.name, rc, &d);
		goto fail;
	}
	phase_to(&l->clk, PH_COPY);
	phase_step(&l->clk, "alloc-module");
	struct module *m = kzalloc(sizeof(*m));
	phase_step(&l->clk, "alloc-image");
	/* A prelinked module goes to its preferred base when it is free. */
	uintptr_t base = m && l->rm.pref_base ? modarea_alloc_at(l->rm.pref_base, l->rm.mem_size)
					      : 0;
	if (m && !base)
		base = modarea_alloc(l->rm.mem_size);
	if (!base) {
		kfree(m);
		kprintf("insmod: %s: out of memory for a %u-byte image\n", l->file, l->rm.mem_size);
		goto fail;
	}
	m->rm = l->rm;
	m->kind = MOD_RMOD;
	memcpy(m->name, l->rm.name, strlen(l->rm.name) + 1);
	m->file = l->bf;
	m->base = (uint32_t)base;
	uint8_t *img = (uint8_t *)base;
	/* At its preferred base with every import where the file has it
	 * bound, nothing is written to text or rodata: a page-aligned image
	 * maps the boot file's own pages there instead of copying them. */
	int bind = rm_bind_needed(&m->rm, m->base, addrs);
	uint32_t phys = (uint32_t)(uintptr_t)m->rm.image;
	if (!bind && !(phys % RMOD_PAGE) && m->rm.rodata_end) {
		phase_step(&l->clk, "map-in-place");
		m->map_phys = phys, m->map_len = m->rm.rodata_end;
		paging_map(base, phys, m->map_len, 0);
		/* No write reaches those pages through the file's own address. */
		paging_protect(phys, m->map_len, 0);
		phase_step(&l->clk, "copy-data");
		rm_copy_from(&m->rm, img, m->map_len);
	} else {
		phase_step(&l->clk, "copy");
		rm_copy(&m->rm, img);
	}
	phase_to(&l->clk, PH_FIX);
	phase_step(&l->clk, m->base == m->rm.pref_base ? "rebase-none" : "rebase");
	rm_rebase(&m->rm, img, m->base);
	phase_to(&l->clk, PH_LINK);
	if (bind) {
		phase_step(&l->clk, "bind");
		rm_bind(&m->rm, img, m->base, addrs);
	} else {
		phase_step(&l->clk, "bind-none");
	}
	phase_step(&l->clk, "refs");
	if (refs_add_addrs(m, addrs, m->rm.nimports)) {
		kprintf("insmod: %s: out of memory for references\n", l->file);
		kfree(m->uses);
		module_release(base, m->rm.mem_size);
		kfree(m);
		goto fail;
	}
	phase_to(&l->clk, PH_UNTIMED);
	/* Hints bound these silently (docs/FORMAT.md): say it once. */
	uint32_t unversioned = 0;
	struct rm_import_it it;
	struct rm_import imp;
	rm_imports_begin(&m->rm, &it);
	while (!(l->flags & LOAD_QUIET) && rm_imports_next(&m->rm, &it, &imp))
		unversioned += !imp.version;
	if (unversioned)
		kprintf("insmod: %s: %u import(s) unversioned (no DWARF version in the module)\n",
			l->file, unversioned);
	phase_step(&l->clk, "params-apply");
	params_apply(&m->rm, l->args, img);
	m->n_fixups = m->rm.fixup_count;
	m->n_iat = (m->rm.iat_end - m->rm.iat_start) / 4;
	m->n_sites = m->rm.nsites;
	m->n_lookups = lk.lookups;
	rmod_close(l);
	*out = m;
	return 0;
fail:
	rmod_close(l);
	return -1;
}

const struct loader_backend rmod_backend = {MOD_RMOD, rmod_match, rmod_open, rmod_load, rmod_close};
