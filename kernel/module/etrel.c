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
	uint32_t symtab;    /* index of the symbol table's section */
	uint32_t too_big;   /* the section layout() found past RMOD_MAX_MEM */
	const char *name, *init, *exit;
};

/* One refusal line: "insmod: NAME: bad ELF object: WHAT", WHAT naming the
 * section, symbol or offset at fault.  Names come from the file, so control
 * characters are replaced to keep the refusal on one line. */
static int __attribute__((format(printf, 2, 3))) errf(const char *name, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	for (char *c = what; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	kprintf("insmod: %s: bad ELF object: %s\n", name, what);
	return -1;
}

static int err(const char *name, const char *what, uint32_t at)
{
	return errf(name, "%s (at 0x%x)", what, at);
}

static const char *sec_name(const struct ko *k, uint32_t i)
{
	return k->shstr + k->sh[i].sh_name;
}

static int loadable(const struct ko *k, uint32_t i)
{
	const struct elf32_shdr *s = &k->sh[i];
	/* An empty section is loaded too (at no size): relocations may name
	 * its section symbol, as Linux allows. */
	if (!(s->sh_flags & SHF_ALLOC))
		return 0;
	/* .rmod_* hold metadata for the tools, not code or data.  Compared
	 * by hand: this runs per relocation in validate, and most names
	 * differ at their second byte. */
	const char *n = sec_name(k, i);
	return !(n[1] == 'r' && n[0] == '.' && n[2] == 'm' && !strncmp(n + 3, "od_", 3));
}

/* String at off inside a string table of size n, or NULL. */
static const char *str_at(const char *tab, uint32_t n, uint32_t off)
{
	if (off >= n || !memchr(tab + off, 0, n - off))
		return 0;
	return tab + off;
}

static int layout(struct ko *k);
static const struct elf32_sym *find_defined(const struct ko *k, const char *name);

/* Names from the file in messages: cut short, so a refusal stays readable. */
#define SEC "section %u (%.40s)"
#define SECSZ "section %u (%.40s, 0x%x bytes)"
#define SYM "symbol %u (%.40s)"

/* A symbol's name for messages: a section symbol is named by its section. */
static const char *sym_name(const struct ko *k, uint32_t i)
{
	const struct elf32_sym *y = &k->sym[i];
	if (!k->str[y->st_name] && ELF32_ST_TYPE(y->st_info) == STT_SECTION &&
	    y->st_shndx < k->shnum)
		return sec_name(k, y->st_shndx);
	return k->str + y->st_name;
}

/* Section types whose bytes relocations may patch. */
static int holds_code_or_data(uint32_t type)
{
	return type == SHT_PROGBITS || type == SHT_NOTE || type == SHT_INIT_ARRAY ||
	       type == SHT_FINI_ARRAY || type == SHT_PREINIT_ARRAY;
}

static int in_file(const struct ko *k, uint32_t off, uint32_t size)
{
	return (uint64_t)off + size <= k->size;
}

/* ELF header, section header table and section names. */
static int check_headers(struct ko *k, const char *name)
{
	const struct elf32_ehdr *e = (const void *)k->f;
	if (k->size < sizeof(*e) || memcmp(e->e_ident, "\177ELF", 4))
		return err(name, "not an ELF file", 0);
	if (e->e_ident[4] != 1 || e->e_ident[5] != 1 || e->e_type != ET_REL ||
	    e->e_machine != EM_386)
		return err(name, "not an i386 ELF32 relocatable object", 0);
	if (e->e_shentsize != sizeof(struct elf32_shdr))
		return errf(name, "e_shentsize %u, not %u", e->e_shentsize,
			    (unsigned)sizeof(struct elf32_shdr));
	if (e->e_shnum == 0) /* or extended numbering, which ld -r has no use for here */
		return errf(name, "no section headers (e_shnum 0)");
	if ((uint64_t)e->e_shoff + (uint64_t)e->e_shnum * sizeof(struct elf32_shdr) > k->size)
		return errf(name,
			    "section header table (%u entries at 0x%x) runs past the end of the file "
			    "(0x%x bytes)",
			    e->e_shnum, e->e_shoff, k->size);
	if (e->e_shoff % 4)
		return errf(name, "section header table at 0x%x not 4-byte aligned", e->e_shoff);
	if (e->e_shstrndx >= e->e_shnum)
		return errf(name, "section name table index %u out of range (%u sections)",
			    e->e_shstrndx, e->e_shnum);
	k->sh = (const void *)(k->f + e->e_shoff);
	k->shnum = e->e_shnum;
	const struct elf32_shdr *ss = &k->sh[e->e_shstrndx];
	if (ss->sh_type != SHT_STRTAB)
		return errf(name, "section name table %u is of type %u, not a string table",
			    e->e_shstrndx, ss->sh_type);
	if (!in_file(k, ss->sh_offset, ss->sh_size))
		return errf(name, "section name table %u at 0x%x+0x%x runs past the end of the file",
			    e->e_shstrndx, ss->sh_offset, ss->sh_size);
	k->shstr = (const char *)k->f + ss->sh_offset;
	k->shstr_size = ss->sh_size;
	if (!ss->sh_size || k->shstr[ss->sh_size - 1])
		return errf(name, "section name table %u not NUL-terminated", e->e_shstrndx);
	for (uint32_t i = 0; i < k->shnum; i++)
		if (!str_at(k->shstr, k->shstr_size, k->sh[i].sh_name))
			return errf(name, "section %u: name at 0x%x outside the section name table", i,
				    k->sh[i].sh_name);
	return 0;
}

/* File ranges, alignment, the symbol table and its strings. */
static int check_sections(struct ko *k, const char *name)
{
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *s = &k->sh[i];
		uint32_t a = s->sh_addralign;
		if (s->sh_type != SHT_NOBITS && !in_file(k, s->sh_offset, s->sh_size))
			return errf(name, SEC " at 0x%x+0x%x runs past the end of the file (0x%x bytes)",
				    i, sec_name(k, i), s->sh_offset, s->sh_size, k->size);
		if (a & (a - 1))
			return errf(name, SEC ": alignment 0x%x not a power of two", i, sec_name(k, i),
				    a);
		if (a > PAGE)
			return errf(name, SEC ": alignment 0x%x above a page", i, sec_name(k, i), a);
		/* The loader reads .rmod_info's bytes from the file. */
		if (s->sh_type == SHT_NOBITS && !strcmp(sec_name(k, i), ".rmod_info"))
			return errf(name, SEC ": module information without data", i, sec_name(k, i));
	}
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *st = &k->sh[i];
		if (st->sh_type != SHT_SYMTAB)
			continue;
		if (k->sym)
			return errf(name, SEC ": a second symbol table", i, sec_name(k, i));
		if (st->sh_entsize != sizeof(struct elf32_sym))
			return errf(name, SEC ": entry size %u, not %u", i, sec_name(k, i),
				    st->sh_entsize, (unsigned)sizeof(struct elf32_sym));
		if (st->sh_size % sizeof(struct elf32_sym))
			return errf(name, SEC ": size 0x%x not a multiple of %u", i, sec_name(k, i),
				    st->sh_size, (unsigned)sizeof(struct elf32_sym));
		if (st->sh_offset % 4)
			return errf(name, SEC " at 0x%x not 4-byte aligned", i, sec_name(k, i),
				    st->sh_offset);
		if (st->sh_link >= k->shnum || k->sh[st->sh_link].sh_type != SHT_STRTAB)
			return errf(name, SEC ": links to section %u, not a string table", i,
				    sec_name(k, i), st->sh_link);
		const struct elf32_shdr *ss = &k->sh[st->sh_link];
		k->symtab = i;
		k->sym = (const void *)(k->f + st->sh_offset);
		k->nsyms = st->sh_size / sizeof(struct elf32_sym);
		k->str = (const char *)k->f + ss->sh_offset;
		k->str_size = ss->sh_size;
		if (!ss->sh_size || k->str[ss->sh_size - 1])
			return errf(name, SEC ": string table not NUL-terminated", st->sh_link,
				    sec_name(k, st->sh_link));
	}
	if (!k->sym)
		return errf(name, "no symbol table");
	return 0;
}

/* Whether the loader reads a section's bytes from the file. */
static int read_by_loader(const struct ko *k, uint32_t i)
{
	const struct elf32_shdr *s = &k->sh[i];
	if (s->sh_type == SHT_NOBITS || !s->sh_size)
		return 0;
	return (s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_SYMTAB ||
	       s->sh_type == SHT_STRTAB || s->sh_type == SHT_REL || s->sh_type == SHT_RELA;
}

/* What the loader reads must not overlap: one byte meaning two things is
 * a corrupt file (ld never writes one).  Quadratic in the sections read,
 * which the file size bounds. */
static int check_overlaps(const struct ko *k, const char *name)
{
	const struct elf32_ehdr *e = (const void *)k->f;
	uint64_t sh_end = e->e_shoff + (uint64_t)k->shnum * sizeof(struct elf32_shdr);
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (!read_by_loader(k, i))
			continue;
		const struct elf32_shdr *s = &k->sh[i];
		uint64_t lo = s->sh_offset, hi = lo + s->sh_size;
		const char *what = 0;
		if (lo < sizeof(*e))
			what = "the ELF header";
		else if (lo < sh_end && e->e_shoff < hi)
			what = "the section header table";
		if (what)
			return errf(name, SEC " at 0x%x+0x%x overlaps %s", i, sec_name(k, i),
				    s->sh_offset, s->sh_size, what);
		for (uint32_t j = 0; j < i; j++) {
			const struct elf32_shdr *o = &k->sh[j];
			if (read_by_loader(k, j) && lo < (uint64_t)o->sh_offset + o->sh_size &&
			    o->sh_offset < hi)
				return errf(name, SEC " at 0x%x+0x%x overlaps " SEC, i, sec_name(k, i),
					    s->sh_offset, s->sh_size, j, sec_name(k, j));
		}
	}
	return 0;
}

static int check_symbols(const struct ko *k, const char *name)
{
	for (uint32_t i = 1; i < k->nsyms; i++) {
		const struct elf32_sym *y = &k->sym[i];
		if (!str_at(k->str, k->str_size, y->st_name))
			return errf(name, "symbol %u: name at 0x%x outside the string table", i,
				    y->st_name);
		if (y->st_shndx == SHN_COMMON)
			return errf(name, SYM ": COMMON symbol (build with -fno-common)", i,
				    sym_name(k, i));
		if (y->st_shndx >= SHN_LORESERVE && y->st_shndx != SHN_ABS)
			return errf(name, SYM ": reserved section index 0x%x", i, sym_name(k, i),
				    y->st_shndx);
		if (y->st_shndx != SHN_UNDEF && y->st_shndx < SHN_LORESERVE &&
		    y->st_shndx >= k->shnum)
			return errf(name, SYM ": section index %u out of range (%u sections)", i,
				    sym_name(k, i), y->st_shndx, k->shnum);
	}
	return 0;
}

/* Relocation section i, whose target is loaded: each entry patches a word
 * inside its section with a symbol the loader can give a value. */
static int check_relocs(const struct ko *k, const char *name, uint32_t i)
{
	const struct elf32_shdr *r = &k->sh[i];
	const struct elf32_rel *rel = (const void *)(k->f + r->sh_offset);
	uint32_t n = r->sh_size / sizeof(*rel), ti = r->sh_info, limit = k->sh[ti].sh_size;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t t = ELF32_R_TYPE(rel[j].r_info), si = ELF32_R_SYM(rel[j].r_info);
		uint32_t off = rel[j].r_offset;
#define AT SEC " relocation %u at 0x%x: "
#define WHERE i, sec_name(k, i), j, off
		if (t != R_386_32 && t != R_386_PC32 && t != R_386_PLT32 && t != R_386_NONE)
			return errf(name, AT "unsupported type %u", WHERE, t);
		if (si >= k->nsyms)
			return errf(name, AT "symbol %u out of range (%u symbols)", WHERE, si, k->nsyms);
		if (t == R_386_NONE)
			continue;
		if (!si)
			return errf(name, AT "type %u without a symbol", WHERE, t);
		if (off > limit || limit - off < 4)
			return errf(name, AT "4-byte word runs past the end of " SECSZ,
				    WHERE, ti, sec_name(k, ti), limit);
		const struct elf32_sym *y = &k->sym[si];
		uint32_t sx = y->st_shndx;
		if (sx == SHN_UNDEF || sx == SHN_ABS)
			continue;
		if (!loadable(k, sx))
			return errf(name, AT SYM " is in " SEC ", which is not loaded", WHERE, si,
				    sym_name(k, si), sx, sec_name(k, sx));
		if (y->st_value > k->sh[sx].sh_size)
			return errf(name, AT SYM " at 0x%x lies outside " SECSZ, WHERE,
				    si, sym_name(k, si), y->st_value, sx, sec_name(k, sx),
				    k->sh[sx].sh_size);
#undef AT
#undef WHERE
	}
	return 0;
}

static int check_rel_sections(const struct ko *k, const char *name)
{
	for (uint32_t i = 0; i < k->shnum; i++) {
		const struct elf32_shdr *r = &k->sh[i];
		if (r->sh_type == SHT_RELA)
			return errf(name, SEC ": RELA relocations are not supported", i,
				    sec_name(k, i));
		if (r->sh_type != SHT_REL)
			continue;
		if (r->sh_entsize != sizeof(struct elf32_rel))
			return errf(name, SEC ": entry size %u, not %u", i, sec_name(k, i),
				    r->sh_entsize, (unsigned)sizeof(struct elf32_rel));
		if (r->sh_size % sizeof(struct elf32_rel))
			return errf(name, SEC ": size 0x%x not a multiple of %u", i, sec_name(k, i),
				    r->sh_size, (unsigned)sizeof(struct elf32_rel));
		if (r->sh_offset % 4)
			return errf(name, SEC " at 0x%x not 4-byte aligned", i, sec_name(k, i),
				    r->sh_offset);
		if (r->sh_link != k->symtab)
			return errf(name, SEC ": uses section %u, not the symbol table %u", i,
				    sec_name(k, i), r->sh_link, k->symtab);
		if (r->sh_info >= k->shnum)
			return errf(name, SEC ": relocates section %u, out of range (%u sections)", i,
				    sec_name(k, i), r->sh_info, k->shnum);
		const struct elf32_shdr *t = &k->sh[r->sh_info];
		if (!holds_code_or_data(t->sh_type))
			return errf(name,
				    SEC ": relocates " SEC " of type %u, which holds no code or data", i,
				    sec_name(k, i), r->sh_info, sec_name(k, r->sh_info), t->sh_type);
		/* Debug info and .rmod_* are neither loaded nor relocated. */
		if (loadable(k, r->sh_info) && check_relocs(k, name, i))
			return -1;
	}
	return 0;
}

/* A symbol .rmod_info names (init, exit or export): defined in a loaded
 * section, inside it; init and exit also executable, with a byte to run. */
static int check_named(const struct ko *k, const char *name, const char *what, const char *sym,
		       int code)
{
	const struct elf32_sym *y = find_defined(k, sym);
	if (!y)
		return errf(name, "%s '%.40s' is not defined", what, sym);
	uint32_t si = (uint32_t)(y - k->sym), sx = y->st_shndx, size;
	if (!loadable(k, sx))
		return errf(name, "%s '%.40s' (symbol %u) is in " SEC ", which is not loaded", what,
			    sym, si, sx, sec_name(k, sx));
	if (code && !(k->sh[sx].sh_flags & SHF_EXECINSTR))
		return errf(name, "%s '%.40s' (symbol %u) is in " SEC ", which is not executable",
			    what, sym, si, sx, sec_name(k, sx));
	size = k->sh[sx].sh_size;
	if (y->st_value > size || (code && y->st_value == size))
		return errf(name, "%s '%.40s' (symbol %u) at 0x%x lies outside " SECSZ,
			    what, sym, si, y->st_value, sx, sec_name(k, sx), size);
	return 0;
}

/* The name a Linux EXPORT_SYMBOL exports: symbol i is __ksymtab_NAME (as
 * Linux's loader reads its __ksymtab sections), else NULL. */
static const char *ksymtab_name(const struct ko *k, uint32_t i)
{
	const struct elf32_sym *y = &k->sym[i];
	const char *n = k->str + y->st_name;
	/* Linux 6.1 makes them local symbols of the ___ksymtab sections. */
	if (y->st_shndx == SHN_UNDEF || strncmp(n, "__ksymtab_", 10) || !n[10])
		return 0;
	return n + 10;
}

static int check_info(const struct ko *k, const char *name)
{
	for (uint32_t i = 1; i < k->nsyms; i++) {
		const char *x = ksymtab_name(k, i);
		if (x && check_named(k, name, "export", x, 0))
			return -1;
	}
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (strcmp(sec_name(k, i), ".rmod_info"))
			continue;
		const char *p = (const char *)k->f + k->sh[i].sh_offset;
		const char *end = p + k->sh[i].sh_size;
		for (const char *z; p < end && (z = memchr(p, 0, (size_t)(end - p))); p = z + 1) {
			int rc = 0;
			if (!strncmp(p, "init=", 5))
				rc = check_named(k, name, "init function", p + 5, 1);
			else if (!strncmp(p, "exit=", 5))
				rc = check_named(k, name, "exit function", p + 5, 1);
			else if (!strncmp(p, "export=", 7))
				rc = check_named(k, name, "export", p + 7, 0);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Headers, section table, symbols, relocations, layout and the symbols
 * .rmod_info names: all checked before anything is allocated or written,
 * so nothing after this can index, copy or patch outside the file or the
 * image. */
static int validate(struct ko *k, const char *name)
{
	if (check_headers(k, name) || check_sections(k, name) || check_overlaps(k, name))
		return -1;
	if (layout(k))
		return errf(name, "image too big: " SEC " ends past the %u-byte limit", k->too_big,
			    sec_name(k, k->too_big), RMOD_MAX_MEM);
	if (check_symbols(k, name) || check_rel_sections(k, name) || check_info(k, name))
		return -1;
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

/* [text | rodata | data | bss], page aligned where permissions change.
 * Without secoff (from validate) it only checks that the image fits:
 * the sum is in 64 bits so no size or alignment can wrap it. */
static int layout(struct ko *k)
{
	uint64_t off = 0;
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
			uint64_t a = s->sh_addralign ? s->sh_addralign : 1;
			off = (off + a - 1) & ~(a - 1);
			if (k->secoff)
				k->secoff[i] = (uint32_t)off;
			off += s->sh_size;
			if (off > RMOD_MAX_MEM) {
				k->too_big = i;
				return -1;
			}
		}
		off = cls < 2 ? (off + PAGE - 1) & ~(uint64_t)(PAGE - 1) : off;
		if (cls == 0)
			k->text_end = (uint32_t)off;
		else if (cls == 1)
			k->rodata_end = (uint32_t)off;
	}
	k->mem_size = (uint32_t)((off + PAGE - 1) & ~(uint64_t)(PAGE - 1));
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

/* The image offset of an entry point named in .rmod_info (validate made
 * sure it is defined in a loaded executable section), or RMOD_NONE. */
static uint32_t entry(const struct ko *k, const char *sym)
{
	const struct elf32_sym *y = sym ? find_defined(k, sym) : 0;
	return y ? k->secoff[y->st_shndx] + y->st_value : RMOD_NONE;
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
	layout(&k); /* validate checked the sizes with the same function */
	phase_step(&l->clk, "entry-points");
	s->init_off = entry(&k, k.init);
	s->exit_off = entry(&k, k.exit);
	s->k = k;
	l->modname = s->k.name;
	return 0;
}

/* Exports, from the same .rmod_info strings rmod-link reads. */
static int add_kexp(struct module *m, const struct ko *k, const uint32_t *val,
		    const char *file, const char *sym)
{
	const struct elf32_sym *y = find_defined(k, sym);
	struct kexp *x = krealloc(m->kexps, (m->nkexps + 1) * sizeof(*x));
	if (x)
		m->kexps = x;
	if (!y || !x) { /* validate checked y: only memory can be short */
		kprintf("insmod: %s: cannot export '%s'\n", file, sym);
		return -1;
	}
	m->kexps[m->nkexps++] = (struct kexp){
		sym, val[y - k->sym],
		ELF32_ST_TYPE(y->st_info) == STT_OBJECT ? RMOD_EXP_DATA : RMOD_EXP_FUNC};
	return 0;
}

/* Exports: Linux's EXPORT_SYMBOLs (__ksymtab_NAME), and the export=
 * strings of .rmod_info that rmod-link reads too. */
static int build_exports(struct module *m, const struct ko *k, const uint32_t *val,
			 const char *file)
{
	for (uint32_t i = 1; i < k->nsyms; i++) {
		const char *x = ksymtab_name(k, i);
		if (x && add_kexp(m, k, val, file, x))
			return -1;
	}
	for (uint32_t i = 0; i < k->shnum; i++) {
		if (strcmp(sec_name(k, i), ".rmod_info"))
			continue;
		const char *p = (const char *)k->f + k->sh[i].sh_offset, *end = p + k->sh[i].sh_size;
		while (p < end) {
			const char *z = memchr(p, 0, (size_t)(end - p));
			if (!z)
				break;
			if (!strncmp(p, "export=", 7) && add_kexp(m, k, val, file, p + 7))
				return -1;
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
