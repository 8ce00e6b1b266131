/* The ET_REL loader back end: `ld -r` objects (.ko), placed section by
 * section, then resolved and relocated as Linux's module loader does
 * (docs/COMPARE.md maps each step to Linux's functions).  It plugs into
 * the same lifecycle as the rmod back end, so the two can be compared on
 * the same modules in one kernel. */
#include "etrel.h"

#include "elf32.h"
#include "heap.h"
#include "kprintf.h"
#include "modarea.h"
#include "rmod/kernel.h"
#include "exports.h"
#include "strict_rwx.h"
#include "symtab.h"

#define PAGE 4096u

typedef uint32_t __attribute__((aligned(1), may_alias)) u32_unaligned;

struct ko {
	const uint8_t *f;
	uint32_t size;
	const struct elf32_shdr *sh;
	uint32_t shnum;
	const char *shstr;
	uint32_t shstr_size;
	const struct elf32_sym *sym;
	uint32_t nsyms;
	const char *str;
	uint32_t str_size;
	uint32_t *secoff; /* image offset of each allocated section */
	uint32_t text_end, rodata_end, mem_size;
	const char *name, *init, *exit;
};

static int err(const char *name, const char *what, uint32_t at)
{
	kprintf("insmod: %s: bad ELF object: %s (at 0x%x)\n", name, what, at);
	return -1;
}

static const char *sec_name(const struct ko *k, uint32_t i)
{
	return k->shstr + k->sh[i].sh_name;
}

static int loadable(const struct ko *k, uint32_t i)
{
	const struct elf32_shdr *s = &k->sh[i];
	/* .rmod_* hold metadata for the tools, not code or data. */
	return (s->sh_flags & SHF_ALLOC) && s->sh_size &&
	       strncmp(sec_name(k, i), ".rmod_", 6) != 0;
}

/* String at off inside a string table of size n, or NULL. */
static const char *str_at(const char *tab, uint32_t n, uint32_t off)
{
	if (off >= n || !memchr(tab + off, 0, n - off))
		return 0;
	return tab + off;
}

/* Headers, section table, symbols and relocations: all checked before
 * anything is allocated or written. */
static int validate(struct ko *k, const char *name)
{
	const struct elf32_ehdr *e = (const void *)k->f;
	if (k->size < sizeof(*e) || memcmp(e->e_ident, "\177ELF", 4))
		return err(name, "not an ELF file", 0);
	if (e->e_ident[4] != 1 || e->e_ident[5] != 1 || e->e_type != ET_REL ||
	    e->e_machine != EM_386)
		return err(name, "not an i386 ELF32 relocatable object", 0);
	if (e->e_shentsize != sizeof(struct elf32_shdr) || e->e_shnum == 0 ||
	    e->e_shoff > k->size || (uint64_t)e->e_shnum * sizeof(struct elf32_shdr) >
					    k->size - e->e_shoff || e->e_shoff % 4 ||
	    e->e_shstrndx >= e->e_shnum)
		return err(name, "section header table out of range", e->e_shoff);
	k->sh = (const void *)(k->f + e->e_shoff);
	k->shnum = e->e_shnum;
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *s = &k->sh[i];
		if (s->sh_type != SHT_NOBITS && (uint64_t)s->sh_offset + s->sh_size > k->size)
			return err(name, "section data out of range", i);
		if (s->sh_addralign > PAGE)
			return err(name, "section alignment above a page", i);
	}
	const struct elf32_shdr *ss = &k->sh[e->e_shstrndx];
	k->shstr = (const char *)k->f + ss->sh_offset;
	k->shstr_size = ss->sh_size;
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (!str_at(k->shstr, k->shstr_size, k->sh[i].sh_name))
			return err(name, "bad section name", i);
		if (k->sh[i].sh_type == SHT_SYMTAB) {
			const struct elf32_shdr *st = &k->sh[i];
			if (k->sym || st->sh_entsize != sizeof(struct elf32_sym) ||
			    st->sh_offset % 4 || st->sh_link >= k->shnum ||
			    k->sh[st->sh_link].sh_type != SHT_STRTAB)
				return err(name, "bad symbol table", i);
			k->sym = (const void *)(k->f + st->sh_offset);
			k->nsyms = st->sh_size / sizeof(struct elf32_sym);
			k->str = (const char *)k->f + k->sh[st->sh_link].sh_offset;
			k->str_size = k->sh[st->sh_link].sh_size;
		}
	}
	if (!k->sym)
		return err(name, "no symbol table", 0);
	for (uint32_t i = 1; i < k->nsyms; i++) {
		const struct elf32_sym *y = &k->sym[i];
		if (!str_at(k->str, k->str_size, y->st_name))
			return err(name, "bad symbol name", i);
		if (y->st_shndx == SHN_COMMON)
			return err(name, "COMMON symbol (build with -fno-common)", i);
		if (y->st_shndx != SHN_UNDEF && y->st_shndx < SHN_LORESERVE &&
		    y->st_shndx >= k->shnum)
			return err(name, "symbol in a missing section", i);
	}
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *r = &k->sh[i];
		if (r->sh_type == SHT_RELA)
			return err(name, "RELA relocations", i);
		if (r->sh_type != SHT_REL)
			continue;
		if (r->sh_entsize != sizeof(struct elf32_rel) || r->sh_offset % 4 ||
		    r->sh_info >= k->shnum)
			return err(name, "bad relocation section", i);
		if (!loadable(k, r->sh_info))
			continue;
		const struct elf32_rel *rel = (const void *)(k->f + r->sh_offset);
		uint32_t n = r->sh_size / sizeof(*rel), limit = k->sh[r->sh_info].sh_size;
		for (uint32_t j = 0; j < n; j++) {
			uint32_t t = ELF32_R_TYPE(rel[j].r_info), si = ELF32_R_SYM(rel[j].r_info);
			if (t != R_386_32 && t != R_386_PC32 && t != R_386_PLT32 && t != R_386_NONE) {
				kprintf("insmod: %s: unsupported relocation type %u in %s at 0x%x\n",
					name, t, sec_name(k, r->sh_info), rel[j].r_offset);
				return -1;
			}
			if (si >= k->nsyms || rel[j].r_offset > limit || limit - rel[j].r_offset < 4)
				return err(name, "relocation out of range", rel[j].r_offset);
			uint16_t sx = k->sym[si].st_shndx;
			if (sx != SHN_UNDEF && sx < SHN_LORESERVE && !loadable(k, sx) &&
			    t != R_386_NONE)
				return err(name, "relocation against a section that is not loaded", j);
		}
	}
	return 0;
}

/* name=, init=, exit= and export= strings, as rmod-link reads them. */
static void read_info(struct ko *k, const char *fallback)
{
	k->name = fallback;
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (strcmp(sec_name(k, i), ".rmod_info") || k->sh[i].sh_type == SHT_NOBITS)
			continue;
		const char *p = (const char *)k->f + k->sh[i].sh_offset;
		const char *end = p + k->sh[i].sh_size;
		while (p < end) {
			const char *z = memchr(p, 0, (size_t)(end - p));
			if (!z)
				break;
			if (!strncmp(p, "name=", 5))
				k->name = p + 5;
			else if (!strncmp(p, "init=", 5))
				k->init = p + 5;
			else if (!strncmp(p, "exit=", 5))
				k->exit = p + 5;
			p = z + 1;
		}
	}
}

/* [text | rodata | data | bss], page aligned where permissions change. */
static int layout(struct ko *k)
{
	uint32_t off = 0;
	for (int cls = 0; cls < 4; cls++) {
		for (uint32_t i = 0; i < k->shnum; i++) {
			const struct elf32_shdr *s = &k->sh[i];
			if (!loadable(k, i))
				continue;
			int c = s->sh_type == SHT_NOBITS	? 3
				: (s->sh_flags & SHF_EXECINSTR) ? 0
				: (s->sh_flags & SHF_WRITE)	? 2
								: 1;
			if (c != cls)
				continue;
			uint32_t a = s->sh_addralign ? s->sh_addralign : 1;
			off = (off + a - 1) & ~(a - 1);
			k->secoff[i] = off;
			off += s->sh_size;
			if (off > RMOD_MAX_MEM)
				return -1;
		}
		off = cls < 2 ? (off + PAGE - 1) & ~(PAGE - 1) : off;
		if (cls == 0)
			k->text_end = off;
		else if (cls == 1)
			k->rodata_end = off;
	}
	k->mem_size = (off + PAGE - 1) & ~(PAGE - 1);
	if (!k->mem_size)
		k->mem_size = PAGE;
	return 0;
}

static const struct elf32_sym *find_defined(const struct ko *k, const char *name)
{
	for (uint32_t i = 1; i < k->nsyms; i++) {
		const struct elf32_sym *y = &k->sym[i];
		if (y->st_shndx != SHN_UNDEF && y->st_shndx < SHN_LORESERVE &&
		    ELF32_ST_TYPE(y->st_info) != STT_SECTION && !strcmp(k->str + y->st_name, name))
			return y;
	}
	return 0;
}

/* The scratch of one load: the object's view, each section's image offset
 * (then its address, as Linux's sh_addr) and each symbol's value. */
struct etrel_scratch {
	struct ko k;
	uint32_t init_off, exit_off;
};

static int etrel_match(const struct bootfile *bf)
{
	return bf->size >= 4 && !memcmp(bf->data, "\177ELF", 4);
}

static void etrel_close(struct load *l)
{
	kfree(l->priv);
	l->priv = 0;
}

/* The image offset of an entry point named in .rmod_info, RMOD_NONE
 * without one; -1 if it names no loaded symbol. */
static int entry(const struct ko *k, const char *file, const char *what, const char *sym,
		 uint32_t *off)
{
	const struct elf32_sym *y;
	*off = RMOD_NONE;
	if (!sym)
		return 0;
	if (!(y = find_defined(k, sym)) || !loadable(k, y->st_shndx)) {
		kprintf("insmod: %s: %s function '%s' not found\n", file, what, sym);
		return -1;
	}
	*off = k->secoff[y->st_shndx] + y->st_value;
	return 0;
}

/* Everything is checked and laid out before anything is written; the
 * scratch (this struct, section offsets, symbol values) is one block. */
static int etrel_open(struct load *l)
{
	struct ko k;
	memset(&k, 0, sizeof(k));
	k.f = l->bf->data;
	k.size = l->bf->size;
	phase_step(&l->clk, "check-elf");
	if (validate(&k, l->file))
		return -1;
	read_info(&k, l->file);
	phase_step(&l->clk, "alloc-scratch");
	uint64_t bytes = sizeof(struct etrel_scratch) + 4ull * k.shnum + 4ull * (k.nsyms + 1);
	struct etrel_scratch *s = bytes < RMOD_MAX_MEM ? kzalloc((size_t)bytes) : 0;
	if (!s) {
		kprintf("insmod: %s: out of memory for %u sections and %u symbols\n", l->file,
			k.shnum, k.nsyms);
		return -1;
	}
	l->priv = s;
	k.secoff = (uint32_t *)(s + 1);
	phase_step(&l->clk, "layout");
	if (layout(&k)) {
		kprintf("insmod: %s: image larger than %u bytes\n", l->file, RMOD_MAX_MEM);
		goto fail;
	}
	phase_step(&l->clk, "entry-points");
	if (entry(&k, l->file, "init", k.init, &s->init_off) ||
	    entry(&k, l->file, "exit", k.exit, &s->exit_off))
		goto fail;
	s->k = k;
	l->modname = s->k.name;
	return 0;
fail:
	etrel_close(l);
	return -1;
}

/* Exports, from the same .rmod_info strings rmod-link reads. */
static int build_exports(struct module *m, const struct ko *k, const uint32_t *val,
			 const char *file)
{
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (strcmp(sec_name(k, i), ".rmod_info"))
			continue;
		const char *p = (const char *)k->f + k->sh[i].sh_offset, *end = p + k->sh[i].sh_size;
		while (p < end) {
			const char *z = memchr(p, 0, (size_t)(end - p));
			if (!z)
				break;
			if (!strncmp(p, "export=", 7)) {
				const struct elf32_sym *y = find_defined(k, p + 7);
				struct kexp *x = krealloc(m->kexps, (m->nkexps + 1) * sizeof(*x));
				if (x)
					m->kexps = x;
				if (!y || !loadable(k, y->st_shndx) || !x) {
					kprintf("insmod: %s: cannot export '%s'\n", file, p + 7);
					return -1;
				}
				m->kexps[m->nkexps++] = (struct kexp){
					p + 7, val[y - k->sym],
					ELF32_ST_TYPE(y->st_info) == STT_OBJECT ? RMOD_EXP_DATA
										: RMOD_EXP_FUNC};
			}
			p = z + 1;
		}
	}
	return 0;
}

static int etrel_load(struct load *l, struct module **out)
{
	struct etrel_scratch *s = l->priv;
	struct ko *k = &s->k;
	uint32_t *secaddr = k->secoff, *val = secaddr + k->shnum;
	const char *file = l->file;

	/* Copy (Linux: layout_and_allocate, move_module): allocate, copy each
	 * section, zero bss, and fix each section's address once. */
	phase_to(&l->clk, PH_COPY);
	phase_step(&l->clk, "alloc-module");
	struct module *m = kzalloc(sizeof(*m));
	phase_step(&l->clk, "alloc-image");
	uint32_t base = m ? (uint32_t)modarea_alloc(k->mem_size) : 0;
	if (!base) {
		kfree(m);
		kprintf("insmod: %s: out of memory for a %u-byte image\n", file, k->mem_size);
		goto fail;
	}
	m->base = base;
	uint8_t *img = (uint8_t *)base;
	phase_step(&l->clk, "copy");
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (!loadable(k, i)) {
			secaddr[i] = 0;
			continue;
		}
		if (k->sh[i].sh_type == SHT_NOBITS)
			memset(img + secaddr[i], 0, k->sh[i].sh_size);
		else
			memcpy(img + secaddr[i], k->f + k->sh[i].sh_offset, k->sh[i].sh_size);
		secaddr[i] += base;
	}

	/* Resolve (Linux: simplify_symbols): one pass over the symbols; only
	 * undefined ones are looked up, each once, and take a reference. */
	phase_to(&l->clk, PH_LINK);
	phase_step(&l->clk, "resolve+refs");
	const struct elf32_sym *sym = k->sym;
	for (uint32_t i = 1; i < k->nsyms; i++) {
		uint16_t sx = sym[i].st_shndx;
		if (sx == SHN_UNDEF) {
			const char *n = k->str + sym[i].st_name;
			const struct ksym *ks = *n ? sym_lookup(n, rmod_hash(n)) : 0;
			if (!ks) {
				if (ELF32_ST_BIND(sym[i].st_info) == STB_WEAK || !*n) {
					val[i] = 0;
					continue;
				}
				kprintf("insmod: %s: unresolved import '%s' (RM_E_UNRESOLVED)\n", file, n);
				goto fail_image;
			}
			m->n_lookups++;
			val[i] = ks->sym.addr;
			if (refs_add(m, ks->owner)) {
				kprintf("insmod: %s: out of memory for references\n", file);
				goto fail_image;
			}
		} else if (sx < SHN_LORESERVE) {
			val[i] = secaddr[sx] + sym[i].st_value;
		} else {
			val[i] = sym[i].st_value; /* SHN_ABS */
		}
	}

	/* Relocate (Linux: apply_relocations, i386 apply_relocate). */
	phase_to(&l->clk, PH_FIX);
	phase_step(&l->clk, "relocate");
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *r = &k->sh[i];
		if (r->sh_type != SHT_REL || !secaddr[r->sh_info])
			continue;
		const struct elf32_rel *rel = (const void *)(k->f + r->sh_offset);
		uint32_t n = r->sh_size / sizeof(*rel);
		uint8_t *sec = (uint8_t *)secaddr[r->sh_info];
		for (uint32_t j = 0; j < n; j++) {
			u32_unaligned *p = (u32_unaligned *)(void *)(sec + rel[j].r_offset);
			uint32_t v = val[ELF32_R_SYM(rel[j].r_info)];
			switch (ELF32_R_TYPE(rel[j].r_info)) {
			case R_386_32:
				*p += v;
				break;
			case R_386_PC32:
			case R_386_PLT32:
				*p += v - (uint32_t)p;
				break;
			}
		}
		m->n_relocs += n;
	}
	phase_to(&l->clk, PH_UNTIMED);
	phase_step(&l->clk, "exports");
	if (build_exports(m, k, val, file))
		goto fail_image;

	m->kind = MOD_ETREL;
	m->file = l->bf;
	size_t nl = strlen(k->name);
	if (nl > RMOD_MAX_NAME)
		nl = RMOD_MAX_NAME;
	memcpy(m->name, k->name, nl);
	m->name[nl] = 0;
	m->rm.name = m->name;
	m->rm.desc = "";
	m->rm.mem_size = m->rm.init_start = m->rm.init_text_end = k->mem_size;
	m->rm.text_end = k->text_end;
	m->rm.rodata_end = k->rodata_end;
	m->rm.init_off = s->init_off;
	m->rm.exit_off = s->exit_off;
	etrel_close(l);
	*out = m;
	return 0;

fail_image:
	module_release(base, k->mem_size);
	kfree(m->uses);
	kfree(m->kexps);
	kfree(m);
fail:
	etrel_close(l);
	return -1;
}

const struct loader_backend etrel_backend = {MOD_ETREL, etrel_match, etrel_open, etrel_load,
					     etrel_close};
