/* Where an ABI comes from (abi_source.h): each input kind mapped to the
 * same list of exports, so dump and diff treat them alike. */
#include "abi_source.h"

#include <elf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_types.h"
#include "elf_file.h"
#include "rmod_read.h"
#include "elf_module.h"
#include "loader.h"
#include "providers.h"
#include "symver.h"
#include "util.h"

void abi_add(struct abi *a, const char *name, uint32_t ver, const char *kind, const char *prov,
	     const char *type)
{
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = (struct abi_ent){xstrdup(name), xstrdup(kind), xstrdup(prov),
					type ? xstrdup(type) : NULL, ver};
}

static int has_section(Elf *e, const char *want)
{
	size_t shstrndx;
	Elf_Scn *s = NULL;
	if (elf_getshdrstrndx(e, &shstrndx))
		return 0;
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		const char *n;
		if (gelf_getshdr(s, &sh) && (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
		    !strcmp(n, want))
			return 1;
	}
	return 0;
}

/* The "export=" names of an object's .rmod_info (RMOD_EXPORT), if any. */
static size_t info_exports(Elf *e, const char *label, char ***out)
{
	size_t shstrndx, n = 0;
	Elf_Scn *s = NULL;
	*out = NULL;
	if (elf_getshdrstrndx(e, &shstrndx))
		die("%s: no section header string table", label);
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		const char *sn;
		if (!gelf_getshdr(s, &sh) || !(sn = elf_strptr(e, shstrndx, sh.sh_name)) ||
		    strcmp(sn, ".rmod_info") || sh.sh_type == SHT_NOBITS)
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d || !d->d_buf)
			die("%s: .rmod_info: no data", label);
		const char *p = d->d_buf, *end = p + d->d_size;
		while (p < end) {
			size_t len = strnlen(p, (size_t)(end - p));
			if (len == (size_t)(end - p))
				die("%s: .rmod_info: unterminated string", label);
			if (!strncmp(p, "export=", 7)) {
				*out = xrealloc(*out, (n + 1) * sizeof(char *));
				(*out)[n++] = xstrdup(p + 7);
			}
			p += len + 1;
		}
	}
	return n;
}

/* One relocatable object: its defined, visible global functions and
 * objects, or those of its RMOD_EXPORT list. */
static void from_object(struct abi *a, Elf *e, Dwarf *dw, const char *label, const char *prov)
{
	Elf_Scn *s = NULL, *symtab = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(e, s)))
		if (gelf_getshdr(s, &sh) && sh.sh_type == SHT_SYMTAB)
			symtab = s;
	if (!symtab)
		return; /* a stripped object exports nothing we can name */
	gelf_getshdr(symtab, &sh);
	Elf_Data *d = elf_getdata(symtab, NULL);
	if (!d || !sh.sh_entsize)
		die("%s: unreadable symbol table", label);
	size_t nsyms = sh.sh_size / sh.sh_entsize;
	char **want;
	size_t nwant = info_exports(e, label, &want);
	struct symver *sv = symver_open_dwarf(dw);
	for (size_t i = 1; i < nsyms; i++) {
		GElf_Sym sym;
		const char *n;
		if (!gelf_getsym(d, (int)i, &sym) || !(n = elf_strptr(e, sh.sh_link, sym.st_name)))
			die("%s: symbol %zu: unreadable", label, i);
		int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
		/* Hidden and internal symbols (e.g. __x86.get_pc_thunk.*) never
		 * leave the component they are linked into. */
		int vis = GELF_ST_VISIBILITY(sym.st_other);
		if ((bind != STB_GLOBAL && bind != STB_WEAK) || sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_OBJECT) || !*n || vis == STV_HIDDEN ||
		    vis == STV_INTERNAL)
			continue;
		int listed = !nwant;
		for (size_t k = 0; k < nwant && !listed; k++)
			listed = !strcmp(want[k], n);
		if (!listed)
			continue;
		char *t = symver_text(sv, n);
		abi_add(a, n, symver_get(sv, n), type == STT_FUNC ? "func" : "data", prov, t);
		xfree(t);
	}
	for (size_t k = 0; k < nwant; k++) {
		if (!abi_find(a, want[k]))
			die("%s: RMOD_EXPORT(%s): not a global defined here", label, want[k]);
		xfree(want[k]);
	}
	xfree(want);
	symver_close(sv);
}

/* The file name without directories and its last extension. */
static char *stem(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = xstrdup(b ? b + 1 : path), *dot = strrchr(s, '.');
	if (dot && dot != s)
		*dot = 0;
	return s;
}

/* Separate debug files are not looked for: an object's ABI is its own. */
static int no_debuginfo(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr a,
			const char *file, const char *link, GElf_Word crc, char **path)
{
	(void)m, (void)ud, (void)name, (void)a, (void)file, (void)link, (void)crc, (void)path;
	return -1;
}

static const Dwfl_Callbacks offline = {
	.find_debuginfo = no_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct rel_walk {
	struct abi *a;
	const char *path;
	int archive;
};

/* One object as libdwfl reports it: its DWARF with the object's debug
 * relocations applied (RELA objects, such as x86-64 ones, hold their
 * string offsets only in relocations). */
static int each_object(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
	struct rel_walk *w = arg;
	const char *file = NULL;
	GElf_Addr bias;
	Dwarf_Addr dbias;
	(void)ud, (void)name, (void)start;
	dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &file, NULL);
	const char *label = file ? file : w->path;
	Elf *e = dwfl_module_getelf(m, &bias);
	if (!e)
		die("%s: %s", label, dwfl_errmsg(-1));
	Dwarf *dw = dwfl_module_getdwarf(m, &dbias);
	if (!dw && has_section(e, ".debug_info"))
		die("%s: cannot read its DWARF: %s", label, dwfl_errmsg(-1));
	if (w->archive) { /* "dir/lib.a(m.o)" -> "lib.a(m.o)" */
		const char *paren = strchr(label, '('), *slash = label;
		for (const char *p = label; paren && p < paren; p++)
			if (*p == '/')
				slash = p + 1;
		from_object(w->a, e, dw, slash, slash);
	} else {
		char *prov = stem(w->path);
		from_object(w->a, e, dw, label, prov);
		xfree(prov);
	}
	return DWARF_CB_OK;
}

/* The libdwfl session, ended by from_relocatable or, after a refusal, by
 * the arena. */
static void dwfl_cleanup(void *payload)
{
	Dwfl **d = payload;
	if (*d)
		dwfl_end(*d);
}

/* A .o/.ko, or an .a (each member object, named "lib.a(member.o)"). */
static void from_relocatable(struct abi *a, const char *path)
{
	struct elf_handle *h = elf_handle_open(path);
	if (!h->e)
		die("%s: cannot read: %s", path, elf_errmsg(-1));
	int archive = elf_kind(h->e) == ELF_K_AR;
	/* Every member must be a relocatable object: say which is not. */
	Elf *m;
	Elf_Cmd cmd = ELF_C_READ;
	while (archive && (m = h->member = elf_begin(h->fd, cmd, h->e))) {
		Elf_Arhdr *ah = elf_getarhdr(m);
		GElf_Ehdr eh;
		if (!ah)
			die("%s: unreadable archive member: %s", path, elf_errmsg(-1));
		/* "/", "//" and "/SYM64/" are the archive's own tables. */
		if (ah->ar_name[0] != '/' && elf_kind(m) != ELF_K_ELF)
			die("%s(%s): not an ELF object", path, ah->ar_name);
		if (ah->ar_name[0] != '/' && (!gelf_getehdr(m, &eh) || eh.e_type != ET_REL))
			die("%s(%s): not a relocatable object", path, ah->ar_name);
		cmd = elf_next(m);
		elf_end(m);
		h->member = NULL;
	}
	elf_handle_close(h);
	Dwfl **dwfl = arena_defer(dwfl_cleanup, sizeof(*dwfl));
	if (!(*dwfl = dwfl_begin(&offline)))
		die("libdwfl: %s", dwfl_errmsg(-1));
	if (!dwfl_report_offline(*dwfl, path, path, -1)) /* libdwfl opens and owns the file */
		die("%s: %s", path, dwfl_errmsg(-1));
	dwfl_report_end(*dwfl, NULL, NULL);
	struct rel_walk w = {a, path, archive};
	dwfl_getmodules(*dwfl, each_object, &w, 0);
	dwfl_cleanup(dwfl);
	xfree(dwfl);
}

/* ABI text written by dump: "NAME 0xVERSION KIND PROVIDER", then an
 * optional indented "  type TEXT" line. */
static void from_text(struct abi *a, const char *path, char *text)
{
	unsigned line = 0;
	for (char *p = text, *e; *p; p = e + (*e ? 1 : 0)) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		char save = *e;
		*e = 0;
		line++;
		if (!strncmp(p, "  type ", 7) && a->n) {
			xfree(a->v[a->n - 1].type);
			a->v[a->n - 1].type = xstrdup(p + 7);
		} else if (*p && *p != '#') {
			char name[256], kind[16], prov[256];
			unsigned ver;
			if (sscanf(p, "%255s 0x%x %15s %255s", name, &ver, kind, prov) != 4)
				die("%s:%u: not an ABI line", path, line);
			abi_add(a, name, ver, kind, prov, NULL);
		}
		*e = save;
		if (!save)
			break;
	}
}

static const char *kind_name(uint16_t k)
{
	return k == RMOD_EXP_DATA ? "data" : "func";
}

/* A .rmod: versions from its export table, types from its TYPES table. */
static void from_rmod(struct abi *a, const char *path, const uint8_t *buf, size_t n)
{
	struct rm_module m;
	rmod_parse_or_die(path, buf, n, &m);
	struct abi_types *t = abi_types_read(&m, path);
	for (uint32_t i = 0; i < m.nexports; i++) {
		struct rm_export e;
		rm_get_export(&m, i, &e);
		abi_add(a, e.name, e.version, kind_name(e.kind), m.name,
			t ? abi_types_export(t, i) : NULL);
	}
	abi_types_free(t);
}

void abi_load(struct abi *a, const char *path)
{
	size_t n;
	uint8_t *buf = read_file(path, &n);
	if (n >= 4 && !memcmp(buf, "RMOD", 4)) {
		from_rmod(a, path, buf, n);
		xfree(buf);
		return;
	}
	if (n >= 8 && !memcmp(buf, "!<arch>\n", 8)) {
		xfree(buf);
		from_relocatable(a, path);
		return;
	}
	if (n < 4 || memcmp(buf, ELFMAG, 4)) {
		buf = xrealloc(buf, n + 1);
		buf[n] = 0;
		if (memchr(buf, 0, n))
			die("%s: not a module, ELF file, archive or ABI text", path);
		from_text(a, path, (char *)buf);
		xfree(buf);
		return;
	}
	xfree(buf);
	struct elf_handle *h = elf_handle_open(path);
	GElf_Ehdr eh;
	if (!h->e || !gelf_getehdr(h->e, &eh))
		die("%s: not a readable ELF file", path);
	int rel = eh.e_type == ET_REL, kernel = has_section(h->e, ".kexports");
	elf_handle_close(h);
	if (rel) {
		from_relocatable(a, path);
	} else if (kernel) {
		struct provider_set ps = {0};
		providers_add(&ps, path);
		struct symver *sv = symver_open(path);
		for (size_t i = 0; i < ps.n; i++) {
			char *t = symver_text(sv, ps.v[i].name);
			abi_add(a, ps.v[i].name, ps.v[i].version, kind_name(ps.v[i].kind),
				ps.v[i].provider, t);
			xfree(t);
		}
		symver_close(sv);
	} else {
		struct conv_opts o;
		struct mod_desc d;
		memset(&o, 0, sizeof(o));
		o.fallback_name = "module";
		elf_to_module(path, &o, &d);
		struct symver *sv = symver_open(path);
		for (size_t i = 0; i < d.nexports; i++) {
			char *t = symver_text(sv, d.exports[i].name);
			abi_add(a, d.exports[i].name, d.exports[i].version,
				kind_name(d.exports[i].kind), d.name, t);
			xfree(t);
		}
		symver_close(sv);
	}
}

static int cmp_ent(const void *x, const void *y)
{
	const struct abi_ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->prov, b->prov);
}

void abi_sort(struct abi *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmp_ent);
}

const struct abi_ent *abi_find(const struct abi *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].name, name))
			return &a->v[i];
	return NULL;
}

void abi_free(struct abi *a)
{
	for (size_t i = 0; i < a->n; i++) {
		xfree(a->v[i].name);
		xfree(a->v[i].kind);
		xfree(a->v[i].prov);
		xfree(a->v[i].type);
	}
	xfree(a->v);
	a->v = NULL;
	a->n = 0;
}
