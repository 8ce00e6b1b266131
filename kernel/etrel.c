/* The ET_REL loader: `ld -r` objects (.ko), placed section by section and
 * relocated with a symbol lookup per undefined symbol, as Linux's module
 * loader does (resolve every symbol once, then apply the relocations).
 * It shares the export registry and the lifecycle with the rmod loader,
 * so the two can be compared on the same modules in one kernel. */
#include "etrel.h"

#include "elf32.h"
#include "heap.h"
#include "io.h"
#include "kprintf.h"
#include "modarea.h"
#include "rmod/kernel.h"
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

int etrel_load(const struct bootfile *bf, const char *name)
{
	struct ko k;
	memset(&k, 0, sizeof(k));
	k.f = bf->data;
	k.size = bf->size;
	uint64_t t0 = rdtsc();
	if (validate(&k, name))
		return -1;
	read_info(&k, name);
	if (module_find(k.name)) {
		kprintf("insmod: %s: module '%s' is already loaded\n", name, k.name);
		return -1;
	}
	k.secoff = kzalloc(k.shnum * sizeof(uint32_t));
	uint32_t *val = kmalloc((k.nsyms ? k.nsyms : 1) * sizeof(uint32_t));
	struct module *m = kzalloc(sizeof(*m));
	if (!k.secoff || !val || !m || layout(&k)) {
		kprintf("insmod: %s: out of memory\n", name);
		goto fail;
	}
	uint32_t init_off = RMOD_NONE, exit_off = RMOD_NONE;
	const struct elf32_sym *y;
	if (k.init) {
		if (!(y = find_defined(&k, k.init)) || !loadable(&k, y->st_shndx)) {
			kprintf("insmod: %s: init function '%s' not found\n", name, k.init);
			goto fail;
		}
		init_off = k.secoff[y->st_shndx] + y->st_value;
	}
	if (k.exit) {
		if (!(y = find_defined(&k, k.exit)) || !loadable(&k, y->st_shndx)) {
			kprintf("insmod: %s: exit function '%s' not found\n", name, k.exit);
			goto fail;
		}
		exit_off = k.secoff[y->st_shndx] + y->st_value;
	}
	uint64_t t1 = rdtsc();

	/* Resolve: every undefined symbol looked up once, by name. */
	uint32_t base = (uint32_t)modarea_alloc(k.mem_size);
	if (!base) {
		kprintf("insmod: %s: out of memory for a %u-byte image\n", name, k.mem_size);
		goto fail;
	}
	uint64_t t2 = rdtsc();
	m->base = base;
	for (uint32_t i = 1; i < k.nsyms; i++) {
		const struct elf32_sym *s = &k.sym[i];
		if (s->st_shndx == SHN_UNDEF) {
			const char *n = k.str + s->st_name;
			const struct ksym *ks = *n ? sym_lookup(n, rmod_hash(n)) : 0;
			if (!ks) {
				if (ELF32_ST_BIND(s->st_info) == STB_WEAK || !*n) {
					val[i] = 0;
					continue;
				}
				kprintf("insmod: %s: unresolved import '%s' (RM_E_UNRESOLVED)\n", name, n);
				modarea_free(base, k.mem_size);
				goto fail;
			}
			m->n_lookups++;
			val[i] = ks->sym.addr;
			if (module_add_use(m, ks->owner)) {
				modarea_free(base, k.mem_size);
				goto fail;
			}
		} else if (s->st_shndx == SHN_ABS) {
			val[i] = s->st_value;
		} else if (s->st_shndx < SHN_LORESERVE && loadable(&k, s->st_shndx)) {
			val[i] = base + k.secoff[s->st_shndx] + s->st_value;
		} else {
			val[i] = 0;
		}
	}
	uint64_t t3 = rdtsc();

	/* Copy section by section; bss is zeroed. */
	uint8_t *img = (uint8_t *)base;
	for (uint32_t i = 0; i < k.shnum; i++) {
		if (!loadable(&k, i))
			continue;
		if (k.sh[i].sh_type == SHT_NOBITS)
			memset(img + k.secoff[i], 0, k.sh[i].sh_size);
		else
			memcpy(img + k.secoff[i], k.f + k.sh[i].sh_offset, k.sh[i].sh_size);
	}
	uint64_t t4 = rdtsc();

	/* Relocate. */
	for (uint32_t i = 0; i < k.shnum; i++) {
		const struct elf32_shdr *r = &k.sh[i];
		if (r->sh_type != SHT_REL || !loadable(&k, r->sh_info))
			continue;
		const struct elf32_rel *rel = (const void *)(k.f + r->sh_offset);
		uint32_t n = r->sh_size / sizeof(*rel);
		uint8_t *sec = img + k.secoff[r->sh_info];
		for (uint32_t j = 0; j < n; j++) {
			u32_unaligned *p = (u32_unaligned *)(void *)(sec + rel[j].r_offset);
			uint32_t s = val[ELF32_R_SYM(rel[j].r_info)];
			switch (ELF32_R_TYPE(rel[j].r_info)) {
			case R_386_32:
				*p += s;
				break;
			case R_386_PC32:
			case R_386_PLT32:
				*p += s - (uint32_t)p;
				break;
			}
		}
		m->n_relocs += n;
	}
	uint64_t t5 = rdtsc();

	/* Exports, from the same .rmod_info strings rmod-link reads. */
	for (uint32_t i = 0; i < k.shnum; i++) {
		if (strcmp(sec_name(&k, i), ".rmod_info"))
			continue;
		const char *p = (const char *)k.f + k.sh[i].sh_offset, *end = p + k.sh[i].sh_size;
		while (p < end) {
			const char *z = memchr(p, 0, (size_t)(end - p));
			if (!z)
				break;
			if (!strncmp(p, "export=", 7)) {
				y = find_defined(&k, p + 7);
				struct kexp *x = krealloc(m->kexps, (m->nkexps + 1) * sizeof(*x));
				if (!y || !loadable(&k, y->st_shndx) || !x) {
					kprintf("insmod: %s: cannot export '%s'\n", name, p + 7);
					if (x)
						m->kexps = x;
					module_release(base, k.mem_size);
					goto fail;
				}
				m->kexps = x;
				m->kexps[m->nkexps++] = (struct kexp){
					p + 7, val[y - k.sym],
					ELF32_ST_TYPE(y->st_info) == STT_OBJECT ? RMOD_EXP_DATA
										: RMOD_EXP_FUNC};
			}
			p = z + 1;
		}
	}
	kfree(val);
	kfree(k.secoff);

	m->kind = MOD_ETREL;
	m->file = bf;
	size_t nl = strlen(k.name);
	if (nl > RMOD_MAX_NAME)
		nl = RMOD_MAX_NAME;
	memcpy(m->name, k.name, nl);
	m->name[nl] = 0;
	m->rm.name = m->name;
	m->rm.desc = "";
	m->rm.mem_size = m->rm.init_start = m->rm.init_text_end = k.mem_size;
	m->rm.text_end = k.text_end;
	m->rm.rodata_end = k.rodata_end;
	m->rm.init_off = init_off;
	m->rm.exit_off = exit_off;
	m->ticks[PH_VALIDATE] = t1 - t0;
	m->ticks[PH_BIND] = t3 - t2;          /* resolve */
	m->ticks[PH_COPY] = (t2 - t1) + (t4 - t3); /* allocate + copy */
	m->ticks[PH_REBASE] = t5 - t4;        /* relocate */
	return module_finish(m, name, 0);

fail:
	if (m) {
		kfree(m->uses);
		kfree(m->kexps);
	}
	kfree(m);
	kfree(val);
	kfree(k.secoff);
	return -1;
}
