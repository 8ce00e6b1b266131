/* Imports and base fixups of a linked module ELF (elf_relocs.h).
 *
 * Each relocation that ld kept with --emit-relocs is classified:
 *   R_386_32 against a symbol defined in the image   -> base fixup
 *   R_386_32 against an import                       -> absolute site
 *   R_386_PC32/PLT32 inside the image                -> nothing
 *   R_386_PC32/PLT32 against an import               -> PC-relative site
 * Imports are the undefined symbols (weak when their binding is), and the
 * names rmod-link lists in .rmod_imports ("site=NAME" or "weak=NAME"),
 * which pass 2 links as --defsym=NAME=0; any other absolute symbol is a
 * constant.  IAT imports are the names that have a __rmod_iat.NAME slot
 * symbol.
 */
#include "elf_relocs.h"

#include <elf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

#define IAT_PREFIX "__rmod_iat."

const char *r386_name(unsigned type)
{
	static const char *names[] = {
		"R_386_NONE", "R_386_32", "R_386_PC32", "R_386_GOT32", "R_386_PLT32",
		"R_386_COPY", "R_386_GLOB_DAT", "R_386_JMP_SLOT", "R_386_RELATIVE",
		"R_386_GOTOFF", "R_386_GOTPC", "R_386_32PLT", [14] = "R_386_TLS_TPOFF",
		"R_386_TLS_IE", "R_386_TLS_GOTIE", "R_386_TLS_LE", "R_386_TLS_GD",
		"R_386_TLS_LDM", "R_386_16", "R_386_PC16", "R_386_8", "R_386_PC8",
		"R_386_TLS_GD_32", "R_386_TLS_GD_PUSH", "R_386_TLS_GD_CALL",
		"R_386_TLS_GD_POP", "R_386_TLS_LDM_32", "R_386_TLS_LDM_PUSH",
		"R_386_TLS_LDM_CALL", "R_386_TLS_LDM_POP", "R_386_TLS_LDO_32",
		"R_386_TLS_IE_32", "R_386_TLS_LE_32", "R_386_TLS_DTPMOD32",
		"R_386_TLS_DTPOFF32", "R_386_TLS_TPOFF32", "R_386_SIZE32",
		"R_386_TLS_GOTDESC", "R_386_TLS_DESC_CALL", "R_386_TLS_DESC",
		"R_386_IRELATIVE", "R_386_GOT32X"};
	static char buf[32];
	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	snprintf(buf, sizeof(buf), "R_386_<%u>", type);
	return buf;
}

/* The site imports rmod-link linked as absolute 0, from .rmod_imports,
 * sorted by name for lookup. */
struct listed {
	const char *name;
	int weak;
};

struct conv {
	struct mod_desc *d;
	struct listed *v;
	size_t n;
	int elf_only; /* no probe link follows: GOT words cannot be found */
	int check_mismatch; /* not a Linux module: see the rule in docs/LAYOUT.md */
};

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->name, ((const struct listed *)b)->name);
}

static void import_entry(void *ctx, struct elf_file *f, const char *p)
{
	struct conv *c = ctx;
	int weak = !strncmp(p, "weak=", 5);
	if ((!weak && strncmp(p, "site=", 5)) || !p[5])
		die("%s: .rmod_imports: unknown entry '%s'", f->path, p);
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = (struct listed){p + 5, weak};
}

static void read_import_list(struct elf_file *f, struct conv *c)
{
	elf_strings(f, ".rmod_imports", import_entry, c);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cmp_listed);
}

/* How a relocation's symbol is seen: defined in the image, an import
 * (*weak set for an optional one), or a plain absolute constant. */
enum target { T_IMAGE, T_IMPORT, T_ABS };

static enum target classify(struct elf_file *f, const struct conv *c, const GElf_Sym *s,
			    int *weak)
{
	*weak = 0;
	if (s->st_shndx == SHN_UNDEF) {
		*weak = GELF_ST_BIND(s->st_info) == STB_WEAK;
		return T_IMPORT;
	}
	if (s->st_shndx == SHN_ABS) {
		struct listed key = {elf_sym_name(f, s), 0};
		const struct listed *l =
			c->n && GELF_ST_BIND(s->st_info) != STB_LOCAL
				? bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_listed)
				: NULL;
		if (!l)
			return T_ABS;
		*weak = l->weak;
		return T_IMPORT;
	}
	return T_IMAGE;
}

/* Calls fn for every relocation that applies to an allocated section. */
typedef void (*rel_fn)(void *ctx, struct elf_file *f, const char *secname, uint32_t off,
		       unsigned type, const GElf_Sym *sym, size_t symidx);

static void each_reloc(struct elf_file *f, rel_fn fn, void *ctx)
{
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		elf_shdr(f, s, &sh);
		if (sh.sh_type == SHT_RELA)
			die("%s: %s: RELA relocations are not used on i386", f->path,
			    elf_sec_name(f, elf_ndxscn(s)));
		if ((sh.sh_type == SHT_REL || sh.sh_type == SHT_RELA) && (sh.sh_flags & SHF_ALLOC))
			die("%s: %s: run-time (dynamic) relocations such as R_386_IRELATIVE "
			    "are not supported",
			    f->path, elf_sec_name(f, elf_ndxscn(s)));
		if (sh.sh_type != SHT_REL || !elf_sec_is_alloc(f, sh.sh_info))
			continue;
		const char *target = elf_sec_name(f, sh.sh_info);
		Elf_Data *d;
		size_t n = elf_table(f, s, &sh, sizeof(Elf32_Rel), &d);
		for (size_t i = 0; i < n; i++) {
			GElf_Rel r;
			GElf_Sym sym;
			gelf_getrel(d, (int)i, &r);
			size_t si = GELF_R_SYM(r.r_info);
			if (si >= f->nsyms)
				die("%s: %s+0x%llx: bad symbol index %zu", f->path, target,
				    (unsigned long long)r.r_offset, si);
			gelf_getsym(f->symdata, (int)si, &sym);
			fn(ctx, f, target, (uint32_t)r.r_offset, GELF_R_TYPE(r.r_info), &sym, si);
		}
	}
}

struct undef_ctx {
	struct undef *u;
	size_t n, cap;
};

static void undef_rel(void *vctx, struct elf_file *f, const char *sec, uint32_t off,
		      unsigned type, const GElf_Sym *sym, size_t si)
{
	struct undef_ctx *c = vctx;
	(void)sec;
	(void)off;
	(void)si;
	if (sym->st_shndx != SHN_UNDEF || type == R_386_NONE)
		return;
	const char *name = elf_sym_name(f, sym);
	size_t i;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->u[i].name, name))
			break;
	if (i == c->n) {
		if (c->n == c->cap)
			c->u = xrealloc(c->u, (c->cap = c->cap * 2 + 16) * sizeof(*c->u));
		c->u[c->n++] = (struct undef){xstrdup(name), 0, 0, 0,
					      GELF_ST_BIND(sym->st_info) == STB_WEAK};
	}
	if (type == R_386_32)
		c->u[i].abs_refs++;
	else if (type == R_386_PC32 || type == R_386_PLT32)
		c->u[i].pc_refs++;
	else
		c->u[i].other_refs++;
}

struct undef *elf_undefined(const char *path, size_t *n)
{
	struct elf_file f;
	struct undef_ctx c = {0};
	elf_open(&f, path);
	each_reloc(&f, undef_rel, &c);
	elf_close(&f);
	*n = c.n;
	return c.u;
}

static void add_site(struct mod_desc *d, const char *name, uint32_t off, int pcrel, int weak)
{
	size_t k = desc_add_site(d, name, off, pcrel); /* may move d->imports */
	d->imports[k].weak = weak;
}

static void conv_rel(void *vctx, struct elf_file *f, const char *sec, uint32_t off,
		     unsigned type, const GElf_Sym *sym, size_t si)
{
	struct conv *c = vctx;
	struct mod_desc *d = c->d;
	const char *name = elf_sym_name(f, sym);
	(void)si;
	if (type == R_386_NONE)
		return;
	if (!desc_word_ok(d, off))
		die("%s: %s+0x%x: %s outside the file-backed image", f->path, sec, off,
		    r386_name(type));
	int weak;
	enum target t = classify(f, c, sym, &weak);
	if (t == T_IMAGE && !elf_sec_is_alloc(f, sym->st_shndx))
		die("%s: %s+0x%x: %s against '%s' in non-allocated section %s", f->path, sec,
		    off, r386_name(type), name, elf_sec_name(f, sym->st_shndx));
	/* Like modpost's section mismatch: core memory outlives the init
	 * region, so it must not point into it.  Not for a Linux module: it
	 * passed its own build's check (modpost), whose exceptions (init
	 * pointers in tables its kernel trims, init-time parameter buffers)
	 * are not ours to second-guess. */
	if (c->check_mismatch && t == T_IMAGE && off < d->init_start && sym->st_value >= d->init_start &&
	    sym->st_value < d->mem_size) {
		/* With REL the addend is in place: an R_386_32 word holds S + A. */
		uint64_t target = type == R_386_32 ? rm_le32(d->image + off) : sym->st_value;
		const char *what = elf_name_at(f, target);
		die("%s: %s+0x%x: section mismatch: core code or data refers to init-only "
		    "'%s' (%s)",
		    f->path, sec, off, what ? what : *name ? name : elf_sec_name(f, sym->st_shndx),
		    r386_name(type));
	}
	switch (type) {
	case R_386_32:
		if (t == T_IMAGE) {
			desc_add_fixup(d, off);
		} else if (t == T_IMPORT) {
			add_site(d, name, off, 0, weak);
		}
		return;
	case R_386_PC32:
	case R_386_PLT32:
		if (t == T_IMPORT) {
			add_site(d, name, off, 1, weak);
			return;
		}
		if (t == T_ABS)
			die("%s: %s+0x%x: %s against absolute symbol '%s' cannot be rebased",
			    f->path, sec, off, r386_name(type), name);
		return;
	case R_386_GOTPC:
	case R_386_GOTOFF:
		/* Image-relative either way: GOT and target move together. */
		if (t == T_IMAGE)
			return;
		break;
	case R_386_GOT32:
	case R_386_GOT32X:
		/* An offset into the GOT; the GOT words themselves are found by
		 * the probe link (rmod-link), since ld emits no relocs for them.
		 * Without one, the module could not be proved complete. */
		if (c->elf_only)
			die("%s: %s+0x%x: %s against '%s' uses a GOT entry, which ld writes "
			    "without a relocation; --from-elf cannot account for it (link the "
			    "objects with rmod-link instead)",
			    f->path, sec, off, r386_name(type), *name ? name : "(section)");
		return;
	default:
		break;
	}
	die("%s: %s+0x%x: unsupported relocation %s against '%s'", f->path, sec, off,
	    r386_name(type), *name ? name : "(section)");
}


void elf_imports_fixups(struct elf_file *f, struct mod_desc *d, int elf_only)
{
	const char *path = f->path;
	/* IAT imports: one slot symbol each. */
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		const char *n = elf_sym_name(f, &s);
		if (strncmp(n, IAT_PREFIX, strlen(IAT_PREFIX)))
			continue;
		desc_add_import(d, &(struct mod_import){.name = xstrdup(n + strlen(IAT_PREFIX)),
							.bind = RMOD_BIND_IAT,
							.need = RMOD_NEED_ANY,
							.slot = (uint32_t)s.st_value});
	}
	struct conv c = {d, NULL, 0, elf_only, !elf_has_section(f, ".gnu.linkonce.this_module")};
	read_import_list(f, &c);
	each_reloc(f, conv_rel, &c);
	xfree(c.v);
	mod_sort_imports(d->imports, d->nimports);
	/* The k-th IAT import in table order must own the k-th slot. */
	uint32_t slot = d->iat_start;
	for (size_t i = 0; i < d->nimports; i++) {
		if (d->imports[i].bind != RMOD_BIND_IAT)
			continue;
		if (d->imports[i].slot != slot)
			die("%s: IAT slot of '%s' at 0x%x, expected 0x%x", path,
			    d->imports[i].name, d->imports[i].slot, slot);
		slot += 4;
	}
	if (slot != d->iat_end)
		die("%s: IAT has %u bytes but %u are used", path, d->iat_end - d->iat_start,
		    slot - d->iat_start);
}
