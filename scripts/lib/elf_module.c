/* ELF (libelf) to module description: the heart of rmod-link.
 *
 * Each relocation that ld kept with --emit-relocs is classified:
 *   R_386_32 against a symbol defined in the image   -> base fixup
 *   R_386_32 against an import                       -> absolute site
 *   R_386_PC32/PLT32 inside the image                -> nothing
 *   R_386_PC32/PLT32 against an import               -> PC-relative site
 * Imports are symbols that are undefined, or absolute with value 0 (the
 * --defsym=NAME=0 rmod-link uses), and IAT imports are the names that
 * have a __rmod_iat.NAME slot symbol.
 */
#include "elf_module.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rmod/format.h"
#include "symver.h"

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

struct elf_file {
	const char *path;
	int fd;
	Elf *e;
	size_t shstrndx, nsec;
	Elf_Scn *symscn;
	Elf_Data *symdata;
	size_t nsyms, strndx;
};

static void shdr(struct elf_file *f, Elf_Scn *s, GElf_Shdr *sh)
{
	if (!gelf_getshdr(s, sh))
		die("%s: bad section header: %s", f->path, elf_errmsg(-1));
}

/* A table section's data, checked: present, of the expected entry size,
 * and as long as the header says.  Returns the number of entries. */
static size_t table_data(struct elf_file *f, Elf_Scn *s, const GElf_Shdr *sh, size_t entsize,
			 Elf_Data **out)
{
	Elf_Data *d = elf_getdata(s, NULL);
	if (!d || !d->d_buf || sh->sh_entsize != entsize || d->d_size < sh->sh_size)
		die("%s: malformed table in section %zu", f->path, elf_ndxscn(s));
	*out = d;
	return sh->sh_size / entsize;
}

static void elf_open(struct elf_file *f, const char *path)
{
	GElf_Ehdr eh;
	memset(f, 0, sizeof(*f));
	f->path = path;
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	f->fd = open(path, O_RDONLY);
	if (f->fd < 0)
		die("%s: cannot open", path);
	f->e = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->e || elf_kind(f->e) != ELF_K_ELF)
		die("%s: not an ELF file", path);
	if (!gelf_getehdr(f->e, &eh))
		die("%s: %s", path, elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		die("%s: not an i386 ELF32 file", path);
	if (eh.e_type != ET_EXEC)
		die("%s: not a linked module (ELF type %u, want ET_EXEC)", path, eh.e_type);
	if (elf_getshdrstrndx(f->e, &f->shstrndx) || elf_getshdrnum(f->e, &f->nsec))
		die("%s: %s", path, elf_errmsg(-1));
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		shdr(f, s, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			f->symscn = s;
			f->nsyms = table_data(f, s, &sh, sizeof(Elf32_Sym), &f->symdata);
			f->strndx = sh.sh_link;
		}
	}
	if (!f->symdata)
		die("%s: no symbol table (was it stripped?)", path);
}

static void elf_close(struct elf_file *f)
{
	elf_end(f->e);
	close(f->fd);
}

static const char *sym_name(struct elf_file *f, const GElf_Sym *s)
{
	const char *n = elf_strptr(f->e, f->strndx, s->st_name);
	return n ? n : "";
}

static const char *sec_name(struct elf_file *f, size_t idx)
{
	Elf_Scn *s = elf_getscn(f->e, idx);
	GElf_Shdr sh;
	if (!s || !gelf_getshdr(s, &sh))
		return "?";
	const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
	return n ? n : "?";
}

static int find_sym(struct elf_file *f, const char *name, GElf_Sym *out)
{
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		if (GELF_ST_BIND(s.st_info) != STB_LOCAL && !strcmp(sym_name(f, &s), name)) {
			*out = s;
			return 1;
		}
	}
	return 0;
}

static uint32_t need_sym(struct elf_file *f, const char *name)
{
	GElf_Sym s;
	if (!find_sym(f, name, &s))
		die("%s: symbol %s missing: not linked with ldscripts/module.ld", f->path, name);
	return (uint32_t)s.st_value;
}

static int sec_is_alloc(struct elf_file *f, size_t idx)
{
	Elf_Scn *s = elf_getscn(f->e, idx);
	GElf_Shdr sh;
	return s && gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC);
}

/* How a relocation's symbol is seen: defined in the image, an import,
 * or a plain absolute constant. */
enum target { T_IMAGE, T_IMPORT, T_ABS };

static enum target classify(struct elf_file *f, const GElf_Sym *s)
{
	if (s->st_shndx == SHN_UNDEF)
		return T_IMPORT;
	if (s->st_shndx == SHN_ABS) {
		const char *n = sym_name(f, s);
		if (s->st_value == 0 && GELF_ST_BIND(s->st_info) != STB_LOCAL && *n &&
		    strcmp(n, "RMOD_BASE"))
			return T_IMPORT;
		return T_ABS;
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
		shdr(f, s, &sh);
		if (sh.sh_type == SHT_RELA)
			die("%s: %s: RELA relocations are not used on i386", f->path,
			    sec_name(f, elf_ndxscn(s)));
		if ((sh.sh_type == SHT_REL || sh.sh_type == SHT_RELA) && (sh.sh_flags & SHF_ALLOC))
			die("%s: %s: run-time (dynamic) relocations such as R_386_IRELATIVE "
			    "are not supported",
			    f->path, sec_name(f, elf_ndxscn(s)));
		if (sh.sh_type != SHT_REL || !sec_is_alloc(f, sh.sh_info))
			continue;
		const char *target = sec_name(f, sh.sh_info);
		Elf_Data *d;
		size_t n = table_data(f, s, &sh, sizeof(Elf32_Rel), &d);
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
	const char *name = sym_name(f, sym);
	size_t i;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->u[i].name, name))
			break;
	if (i == c->n) {
		if (c->n == c->cap)
			c->u = xrealloc(c->u, (c->cap = c->cap * 2 + 16) * sizeof(*c->u));
		c->u[c->n++] = (struct undef){xstrdup(name), 0, 0, 0};
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

/* The name of the function or object covering addr, for messages. */
static const char *name_at(struct elf_file *f, uint64_t addr)
{
	const char *best = NULL;
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		int t = GELF_ST_TYPE(s.st_info);
		if ((t == STT_FUNC || t == STT_OBJECT) && addr >= s.st_value &&
		    addr < s.st_value + (s.st_size ? s.st_size : 1))
			best = sym_name(f, &s);
	}
	return best;
}

/* Conversion state. */
struct conv {
	struct mod_desc *d;
	size_t fixcap, sitecap;
	char **iat;      /* IAT import names */
	size_t niat;
};

static int is_iat_import(struct conv *c, const char *name)
{
	for (size_t i = 0; i < c->niat; i++)
		if (!strcmp(c->iat[i], name))
			return 1;
	return 0;
}

static void add_site(struct conv *c, const char *name, uint32_t off, int pcrel)
{
	struct mod_desc *d = c->d;
	size_t i;
	for (i = 0; i < d->nimports; i++)
		if (!strcmp(d->imports[i].name, name))
			break;
	if (i == d->nimports) {
		d->imports = xrealloc(d->imports, (d->nimports + 1) * sizeof(*d->imports));
		d->imports[d->nimports++] =
			(struct mod_import){xstrdup(name), 0, RMOD_BIND_SITES, RMOD_NEED_ANY, 0, 0, 0, 0};
	}
	d->imports[i].nsites++;
	if (d->nsites == c->sitecap)
		d->sites = xrealloc(d->sites, (c->sitecap = c->sitecap * 2 + 64) * sizeof(*d->sites));
	d->sites[d->nsites++] = (struct mod_site){off, pcrel, d->imports[i].name};
}

static void conv_rel(void *vctx, struct elf_file *f, const char *sec, uint32_t off,
		     unsigned type, const GElf_Sym *sym, size_t si)
{
	struct conv *c = vctx;
	struct mod_desc *d = c->d;
	const char *name = sym_name(f, sym);
	(void)si;
	if (type == R_386_NONE)
		return;
	if (!desc_word_ok(d, off))
		die("%s: %s+0x%x: %s outside the file-backed image", f->path, sec, off,
		    r386_name(type));
	enum target t = classify(f, sym);
	if (t == T_IMAGE && !sec_is_alloc(f, sym->st_shndx))
		die("%s: %s+0x%x: %s against '%s' in non-allocated section %s", f->path, sec,
		    off, r386_name(type), name, sec_name(f, sym->st_shndx));
	/* Like modpost's section mismatch: core memory outlives the init
	 * region, so it must not point into it. */
	if (t == T_IMAGE && off < d->init_start && sym->st_value >= d->init_start &&
	    sym->st_value < d->mem_size) {
		/* With REL the addend is in place: an R_386_32 word holds S + A. */
		uint64_t target = type == R_386_32 ? rm_le32(d->image + off) : sym->st_value;
		const char *what = name_at(f, target);
		die("%s: %s+0x%x: section mismatch: core code or data refers to init-only "
		    "'%s' (%s)",
		    f->path, sec, off, what ? what : *name ? name : sec_name(f, sym->st_shndx),
		    r386_name(type));
	}
	switch (type) {
	case R_386_32:
		if (t == T_IMAGE) {
			if (d->nfixups == c->fixcap)
				d->fixups = xrealloc(d->fixups,
						     (c->fixcap = c->fixcap * 2 + 256) * sizeof(uint32_t));
			d->fixups[d->nfixups++] = off;
		} else if (t == T_IMPORT) {
			add_site(c, name, off, 0);
		}
		return;
	case R_386_PC32:
	case R_386_PLT32:
		if (t == T_IMPORT) {
			add_site(c, name, off, 1);
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
		 * the probe link (rmod-link), since ld emits no relocs for them. */
		return;
	default:
		break;
	}
	die("%s: %s+0x%x: unsupported relocation %s against '%s'", f->path, sec, off,
	    r386_name(type), *name ? name : "(section)");
}

/* param=NAME:TYPE:DESCRIPTION: the variable's place and size come from
 * the symbol table. */
static void add_param(struct elf_file *f, struct mod_desc *d, const char *spec)
{
	static const char *types[] = {"", "int", "uint", "bool", "string"};
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		die("%s: .rmod_info: malformed parameter '%s'", f->path, spec);
	char *name = strndup(spec, (size_t)(c1 - spec));
	char *type = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	uint16_t t = 0;
	for (uint16_t i = 1; i <= RMOD_PARAM_STRING; i++)
		if (!strcmp(type, types[i]))
			t = i;
	if (!t)
		die("%s: parameter '%s': unknown type '%s'", f->path, name, type);
	GElf_Sym s;
	size_t found = 0;
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym x;
		gelf_getsym(f->symdata, (int)i, &x);
		if (GELF_ST_TYPE(x.st_info) == STT_OBJECT && !strcmp(sym_name(f, &x), name)) {
			s = x;
			found++;
		}
	}
	if (found != 1)
		die("%s: parameter '%s': %s", f->path, name,
		    found ? "more than one variable of that name" : "variable not found");
	int ok = t == RMOD_PARAM_STRING ? (s.st_size >= 1 && s.st_size <= 4096) : s.st_size == 4;
	if (!ok)
		die("%s: parameter '%s': a %s of %llu bytes is not supported", f->path, name, type,
		    (unsigned long long)s.st_size);
	if (s.st_value < d->rodata_end || s.st_value + s.st_size > d->init_start)
		die("%s: parameter '%s' must be writable core data", f->path, name);
	for (size_t i = 0; i < d->nparams; i++)
		if (!strcmp(d->params[i].name, name))
			die("%s: parameter '%s' declared twice", f->path, name);
	d->params = xrealloc(d->params, (d->nparams + 1) * sizeof(*d->params));
	d->params[d->nparams++] = (struct mod_param){name, xstrdup(c2 + 1), (uint32_t)s.st_value,
						     (uint32_t)s.st_size, t};
	free(type);
}

/* key=value strings from .rmod_info. */
static void read_info(struct elf_file *f, const struct conv_opts *o, struct mod_desc *d,
		      char ***exports, size_t *nexp, const char **init, const char **exit)
{
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		shdr(f, s, &sh);
		const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
		if (!n || strcmp(n, ".rmod_info") || sh.sh_type == SHT_NOBITS)
			continue;
		Elf_Data *data = elf_getdata(s, NULL);
		if (!data || !data->d_buf)
			die("%s: .rmod_info: no data", f->path);
		const char *p = data->d_buf, *end = p + data->d_size;
		while (p < end) {
			size_t len = strnlen(p, (size_t)(end - p));
			if (len == (size_t)(end - p))
				die("%s: .rmod_info: unterminated string", f->path);
			if (!strncmp(p, "name=", 5) && !o->name)
				d->name = xstrdup(p + 5);
			else if (!strncmp(p, "description=", 12))
				d->desc = xstrdup(p + 12);
			else if (!strncmp(p, "init=", 5) && !*init)
				*init = p + 5;
			else if (!strncmp(p, "exit=", 5) && !*exit)
				*exit = p + 5;
			else if (!strncmp(p, "param=", 6))
				add_param(f, d, p + 6);
			else if (!strncmp(p, "export=", 7)) {
				*exports = xrealloc(*exports, (*nexp + 1) * sizeof(char *));
				(*exports)[(*nexp)++] = (char *)p + 7;
			} else if (len)
				die("%s: .rmod_info: unknown entry '%s'", f->path, p);
			p += len + 1;
		}
	}
}

static int is_internal_sym(const char *n)
{
	return !strncmp(n, "__rmod_", 7) || !strcmp(n, "RMOD_BASE");
}

/* A hidden global that an input defined (not rmod-link's support or
 * libgcc): part of the archive's API for a static user. */
static int is_input_hidden(const struct conv_opts *o, const char *n)
{
	for (size_t i = 0; i < o->nhidden; i++)
		if (!strcmp(o->hidden[i], n))
			return 1;
	return 0;
}

static void add_export(struct elf_file *f, struct conv *c, const GElf_Sym *s, const char *n)
{
	struct mod_desc *d = c->d;
	for (size_t i = 0; i < d->nexports; i++)
		if (!strcmp(d->exports[i].name, n))
			return;
	uint32_t v = (uint32_t)s->st_value;
	uint16_t kind;
	if (GELF_ST_TYPE(s->st_info) == STT_FUNC)
		kind = RMOD_EXP_FUNC;
	else if (GELF_ST_TYPE(s->st_info) == STT_OBJECT)
		kind = RMOD_EXP_DATA;
	else
		kind = v < d->text_end ? RMOD_EXP_FUNC : RMOD_EXP_DATA;
	if (kind == RMOD_EXP_FUNC && v >= d->text_end)
		die("%s: export '%s' is a function outside text", f->path, n);
	if (v >= d->mem_size)
		die("%s: export '%s' lies outside the image", f->path, n);
	if (v >= d->init_start)
		die("%s: export '%s' lies in init-only memory, which is freed after init",
		    f->path, n);
	d->exports = xrealloc(d->exports, (d->nexports + 1) * sizeof(*d->exports));
	d->exports[d->nexports++] = (struct mod_export){xstrdup(n), v, kind, 0};
}

static uint32_t entry_of(struct elf_file *f, struct mod_desc *d, const char *what,
			 const char *sym)
{
	GElf_Sym s;
	if (!sym)
		return RMOD_NONE;
	/* init/exit are usually static: look at local symbols too. */
	for (size_t i = 1; i < f->nsyms; i++) {
		gelf_getsym(f->symdata, (int)i, &s);
		if (GELF_ST_TYPE(s.st_info) == STT_FUNC && !strcmp(sym_name(f, &s), sym)) {
			int in_text = s.st_value < d->text_end;
			int in_init_text = s.st_value >= d->init_start && s.st_value < d->init_text_end;
			/* init may be init-only code; exit runs long after that is freed. */
			if (!in_text && !(in_init_text && !strcmp(what, "init")))
				die("%s: %s function '%s' is not in text", f->path, what, sym);
			return (uint32_t)s.st_value;
		}
	}
	die("%s: %s function '%s' not found", f->path, what, sym);
}

static void load_image(struct elf_file *f, struct mod_desc *d)
{
	d->image = xcalloc(d->image_size ? d->image_size : 1, 1);
	d->init_image = xcalloc(d->init_image_size ? d->init_image_size : 1, 1);
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		shdr(f, s, &sh);
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
			continue;
		const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
		if (!n)
			n = "?";
		uint64_t end = sh.sh_addr + sh.sh_size;
		if (sh.sh_flags & SHF_TLS)
			die("%s: section %s is thread-local (TLS); modules cannot have TLS",
			    f->path, n);
		if (end > d->mem_size)
			die("%s: section %s [0x%llx, 0x%llx) lies outside the module layout",
			    f->path, n, (unsigned long long)sh.sh_addr, (unsigned long long)end);
		int in_init = sh.sh_addr >= d->init_start;
		if ((sh.sh_flags & SHF_EXECINSTR) && end > d->text_end &&
		    !(in_init && end <= d->init_text_end))
			die("%s: executable section %s lies outside text", f->path, n);
		if ((sh.sh_flags & SHF_WRITE) && in_init && sh.sh_addr < d->init_text_end)
			die("%s: writable section %s lies in init text", f->path, n);
		if ((sh.sh_flags & SHF_WRITE) && sh.sh_addr < d->rodata_end &&
		    strcmp(n, ".rodata"))
			die("%s: writable section %s lies in a read-only region", f->path, n);
		if (sh.sh_type == SHT_NOBITS) {
			if (sh.sh_addr < d->image_size || in_init)
				die("%s: NOBITS section %s lies inside file-backed bytes", f->path,
				    n);
			continue;
		}
		uint8_t *to;
		if (end <= d->image_size)
			to = d->image + sh.sh_addr;
		else if (in_init && end <= (uint64_t)d->init_start + d->init_image_size)
			to = d->init_image + (sh.sh_addr - d->init_start);
		else
			die("%s: section %s lies past the file-backed image", f->path, n);
		Elf_Data *data = NULL;
		while ((data = elf_getdata(s, data)))
			if (data->d_buf && data->d_size) {
				if (data->d_off + data->d_size > sh.sh_size)
					die("%s: section %s: data past its size", f->path, n);
				memcpy(to + data->d_off, data->d_buf, data->d_size);
			}
	}
}

uint8_t *elf_image(const char *path, uint32_t *size)
{
	struct elf_file f;
	struct mod_desc d;
	memset(&d, 0, sizeof(d));
	elf_open(&f, path);
	uint32_t base = need_sym(&f, "__rmod_image_start");
	d.image_size = need_sym(&f, "__rmod_data_end") - base;
	d.mem_size = need_sym(&f, "__rmod_mem_end") - base;
	if (d.mem_size == 0) /* as elf_to_module: an empty module gets one page */
		d.mem_size = RMOD_PAGE;
	d.text_end = d.rodata_end = d.mem_size; /* permission checks done elsewhere */
	(void)base;
	uint8_t *img = xcalloc(d.mem_size ? d.mem_size : 1, 1);
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f.e, s))) {
		GElf_Shdr sh;
		shdr(&f, s, &sh);
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS)
			continue;
		if (sh.sh_addr < base || sh.sh_addr - base + sh.sh_size > d.mem_size)
			die("%s: section outside the module layout", path);
		Elf_Data *data = NULL;
		while ((data = elf_getdata(s, data)))
			if (data->d_buf && data->d_size) {
				if (data->d_off + data->d_size > sh.sh_size)
					die("%s: section data past its size", path);
				memcpy(img + (sh.sh_addr - base) + data->d_off, data->d_buf,
				       data->d_size);
			}
	}
	elf_close(&f);
	*size = d.mem_size;
	return img;
}

void elf_to_module(const char *path, const struct conv_opts *o, struct mod_desc *d)
{
	struct elf_file f;
	struct conv c;
	memset(d, 0, sizeof(*d));
	memset(&c, 0, sizeof(c));
	c.d = d;
	elf_open(&f, path);
	const char *elf_path = path;
	if (o->label)
		f.path = path = o->label;

	uint32_t start = need_sym(&f, "__rmod_image_start");
	if (start != 0)
		die("%s: linked at 0x%x; rmod-link converts base-0 links only", path, start);
	d->text_end = need_sym(&f, "__rmod_text_end");
	d->rodata_end = need_sym(&f, "__rmod_rodata_end");
	d->image_size = need_sym(&f, "__rmod_data_end");
	d->mem_size = need_sym(&f, "__rmod_mem_end");
	d->init_start = need_sym(&f, "__rmod_init_start");
	d->init_text_end = need_sym(&f, "__rmod_init_text_end");
	d->init_image_size = need_sym(&f, "__rmod_init_data_end") - d->init_start;
	d->iat_start = need_sym(&f, "__rmod_iat_start");
	d->iat_end = need_sym(&f, "__rmod_iat_end");
	if (d->mem_size == 0) /* an empty module still gets one page */
		d->mem_size = d->init_start = d->init_text_end = RMOD_PAGE;
	/* Without init content the init region is empty: say so exactly. */
	if (d->init_image_size == 0 && d->init_text_end == d->init_start)
		d->init_start = d->init_text_end = d->mem_size;
	if (d->text_end % RMOD_PAGE || d->rodata_end % RMOD_PAGE || d->mem_size % RMOD_PAGE ||
	    d->text_end > d->rodata_end || d->rodata_end > d->image_size ||
	    d->image_size > d->mem_size || d->init_start < d->image_size ||
	    d->init_start % RMOD_PAGE || d->init_text_end % RMOD_PAGE ||
	    d->init_text_end > d->mem_size || d->init_start > d->init_text_end ||
	    d->init_image_size > d->mem_size - d->init_start)
		die("%s: layout not [text | rodata | data | bss | init] with page-aligned "
		    "boundaries",
		    path);
	if (d->mem_size > RMOD_MAX_MEM)
		die("%s: module of %u bytes exceeds the %u-byte limit", path, d->mem_size,
		    RMOD_MAX_MEM);
	if (d->iat_start % 4 || d->iat_end % 4 || d->iat_start > d->iat_end ||
	    d->iat_end > d->image_size || (d->iat_end > d->iat_start && d->iat_start < d->text_end))
		die("%s: IAT [0x%x, 0x%x) is not word-aligned in rodata or data", path,
		    d->iat_start, d->iat_end);
	d->flags = o->bind_direct ? RMOD_F_BIND_DIRECT : 0;
	load_image(&f, d);

	/* IAT imports: one slot symbol each, in slot order. */
	for (size_t i = 1; i < f.nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f.symdata, (int)i, &s);
		const char *n = sym_name(&f, &s);
		if (strncmp(n, IAT_PREFIX, strlen(IAT_PREFIX)))
			continue;
		c.iat = xrealloc(c.iat, (c.niat + 1) * sizeof(char *));
		c.iat[c.niat++] = xstrdup(n + strlen(IAT_PREFIX));
		d->imports = xrealloc(d->imports, (d->nimports + 1) * sizeof(*d->imports));
		d->imports[d->nimports++] = (struct mod_import){
			xstrdup(n + strlen(IAT_PREFIX)), 0, RMOD_BIND_IAT, RMOD_NEED_ANY,
			(uint32_t)s.st_value, 0, 0, 0};
	}
	each_reloc(&f, conv_rel, &c);
	for (size_t i = 0; i < d->nimports; i++)
		if (d->imports[i].bind == RMOD_BIND_SITES && is_iat_import(&c, d->imports[i].name))
			die("%s: '%s' is both an IAT and a site import", path, d->imports[i].name);
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

	/* Metadata and exports. */
	char **exports = NULL;
	size_t nexp = 0;
	const char *init = o->init, *exit = o->exit;
	if (o->name)
		d->name = xstrdup(o->name);
	read_info(&f, o, d, &exports, &nexp, &init, &exit);
	if (!d->name)
		d->name = xstrdup(o->fallback_name ? o->fallback_name : "module");
	if (!*d->name || strlen(d->name) > RMOD_MAX_NAME)
		die("%s: bad module name '%s'", path, d->name);
	d->init_off = entry_of(&f, d, "init", init);
	d->exit_off = entry_of(&f, d, "exit", exit);
	for (size_t i = 0; i < o->nexports; i++) {
		exports = xrealloc(exports, (nexp + 1) * sizeof(char *));
		exports[nexp++] = o->exports[i];
	}
	for (size_t k = 0; k < nexp; k++) {
		GElf_Sym s;
		if (!find_sym(&f, exports[k], &s) || s.st_shndx == SHN_UNDEF ||
		    s.st_shndx == SHN_ABS || is_iat_import(&c, exports[k]))
			die("%s: cannot export '%s': not a global symbol defined in the module",
			    path, exports[k]);
		add_export(&f, &c, &s, exports[k]);
	}
	for (size_t i = 1; o->export_all && i < f.nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f.symdata, (int)i, &s);
		const char *n = sym_name(&f, &s);
		int bind = GELF_ST_BIND(s.st_info), type = GELF_ST_TYPE(s.st_info);
		int vis = GELF_ST_VISIBILITY(s.st_other);
		if ((bind != STB_GLOBAL && bind != STB_WEAK) || s.st_shndx == SHN_UNDEF ||
		    s.st_shndx == SHN_ABS ||
		    ((vis == STV_HIDDEN || vis == STV_INTERNAL) && !is_input_hidden(o, n)) || !*n ||
		    is_internal_sym(n) || is_iat_import(&c, n) ||
		    (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) ||
		    !sec_is_alloc(&f, s.st_shndx))
			continue;
		add_export(&f, &c, &s, n);
	}
	free(exports);

	/* Versions from the module's own DWARF: its definitions for exports,
	 * its declarations for imports; 0 where it has none (no -g). */
	struct symver *sv = symver_open(elf_path);
	for (size_t i = 0; i < d->nexports; i++)
		d->exports[i].version = symver_get(sv, d->exports[i].name);
	for (size_t i = 0; i < d->nimports; i++)
		d->imports[i].version = symver_get(sv, d->imports[i].name);
	symver_close(sv);

	/* A compact symbol table for fault attribution. */
	for (size_t i = 1; !o->strip && i < f.nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f.symdata, (int)i, &s);
		int type = GELF_ST_TYPE(s.st_info);
		const char *n = sym_name(&f, &s);
		if ((type != STT_FUNC && type != STT_OBJECT) || !*n ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    !sec_is_alloc(&f, s.st_shndx) || s.st_value + s.st_size > d->mem_size)
			continue;
		d->syms = xrealloc(d->syms, (d->nsyms + 1) * sizeof(*d->syms));
		d->syms[d->nsyms++] =
			(struct mod_sym){xstrdup(n), (uint32_t)s.st_value, (uint32_t)s.st_size};
	}

	for (size_t i = 0; i < c.niat; i++)
		free(c.iat[i]);
	free(c.iat);
	size_t bad = sort_offsets(d->fixups, d->nfixups);
	if (bad)
		die("%s: overlapping base fixups at 0x%x and 0x%x", path, d->fixups[bad - 2],
		    d->fixups[bad - 1]);
	elf_close(&f);
}
