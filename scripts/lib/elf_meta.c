/* Module metadata from a linked module ELF (elf_meta.h): .rmod_info,
 * parameters, entry points, exports and the syms table. */
#include "elf_meta.h"

#include <elf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

/* param=NAME:TYPE:DESCRIPTION: the variable's place and size come from
 * the symbol table. */
static void add_param(struct elf_file *f, struct mod_desc *d, const char *spec)
{
	static const char *types[] = {"", "int", "uint", "bool", "string"};
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		die("%s: .rmod_info: malformed parameter '%s'", f->path, spec);
	char *name = xstrndup(spec, (size_t)(c1 - spec));
	char *type = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	uint16_t t = 0;
	for (uint16_t i = 1; i <= RMOD_PARAM_STRING; i++)
		if (!strcmp(type, types[i]))
			t = i;
	if (!t)
		die("%s: parameter '%s': unknown type '%s'", f->path, name, type);
	GElf_Sym s = {0};
	size_t found = 0;
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym x;
		gelf_getsym(f->symdata, (int)i, &x);
		if (GELF_ST_TYPE(x.st_info) == STT_OBJECT && !strcmp(elf_sym_name(f, &x), name)) {
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
	xfree(type);
}

/* key=value strings from .rmod_info. */
struct info {
	const struct conv_opts *o;
	struct mod_desc *d;
	char **exports;
	size_t nexp;
	const char *init, *exit;
	const char **restrict_; /* export_ns= and export_for= values, "sym:text" */
	size_t nrestrict;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append s to a growing list. */
static void push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = s;
}

/* A namespace: a name, which a comma would split in an import's list. */
static void check_ns(const char *path, const char *ns)
{
	if (!*ns || strlen(ns) > RMOD_MAX_NAME || strchr(ns, ','))
		die("%s: bad namespace '%s' (1..%u bytes, no comma)", path, ns, RMOD_MAX_NAME);
}

/* Attach "sym:text" (RMOD_EXPORT_NS / RMOD_EXPORT_FOR) to the export. */
static void restrict_export(const char *path, struct mod_desc *d, const char *spec)
{
	int is_ns = !strncmp(spec, "export_ns=", 10);
	const char *v = spec + (is_ns ? 10 : 11), *colon = strchr(v, ':');
	if (!colon || colon == v || !colon[1])
		die("%s: .rmod_info: bad entry '%s' (want SYM:TEXT)", path, spec);
	for (size_t i = 0; i < d->nexports; i++) {
		struct mod_export *e = &d->exports[i];
		if (strlen(e->name) != (size_t)(colon - v) || strncmp(e->name, v, colon - v))
			continue;
		if (is_ns)
			check_ns(path, colon + 1);
		char **slot = is_ns ? &e->ns : &e->allow;
		if (*slot)
			die("%s: export '%s' has two %s", path, e->name,
			    is_ns ? "namespaces" : "allowlists");
		*slot = xstrdup(colon + 1);
		return;
	}
	die("%s: .rmod_info: '%s' names no export of the module", path, spec);
}

static void info_entry(void *ctx, struct elf_file *f, const char *p)
{
	struct info *c = ctx;
	if (!strncmp(p, "name=", 5) && !c->o->name)
		c->d->name = xstrdup(p + 5);
	else if (!strncmp(p, "description=", 12))
		c->d->desc = xstrdup(p + 12);
	else if (!strncmp(p, "init=", 5) && !c->init)
		c->init = p + 5;
	else if (!strncmp(p, "exit=", 5) && !c->exit)
		c->exit = p + 5;
	else if (!strncmp(p, "param=", 6))
		add_param(f, c->d, p + 6);
	else if (!strncmp(p, "export_ns=", 10) || !strncmp(p, "export_for=", 11))
		push(&c->restrict_, &c->nrestrict, p);
	else if (!strncmp(p, "import_ns=", 10)) {
		check_ns(f->path, p + 10);
		for (size_t i = 0; i < c->d->nimport_ns; i++)
			if (!strcmp(c->d->import_ns[i], p + 10))
				return;
		c->d->import_ns = xrealloc(c->d->import_ns, (c->d->nimport_ns + 1) * sizeof(char *));
		c->d->import_ns[c->d->nimport_ns++] = xstrdup(p + 10);
	} else if (!strncmp(p, "export=", 7)) {
		c->exports = xrealloc(c->exports, (c->nexp + 1) * sizeof(char *));
		c->exports[c->nexp++] = (char *)p + 7;
	} else
		die("%s: .rmod_info: unknown entry '%s'", f->path, p);
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

static void add_export(struct elf_file *f, struct mod_desc *d, const GElf_Sym *s, const char *n)
{
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
	d->exports[d->nexports++] = (struct mod_export){xstrdup(n), v, kind, 0, NULL, NULL};
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
		if (GELF_ST_TYPE(s.st_info) == STT_FUNC && !strcmp(elf_sym_name(f, &s), sym)) {
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

static int is_iat_import(const struct mod_desc *d, const char *name)
{
	for (size_t i = 0; i < d->nimports; i++)
		if (d->imports[i].bind == RMOD_BIND_IAT && !strcmp(d->imports[i].name, name))
			return 1;
	return 0;
}

void elf_metadata(struct elf_file *f, const struct conv_opts *o, struct mod_desc *d)
{
	const char *path = f->path;
	if (o->name)
		d->name = xstrdup(o->name);
	struct info c = {o, d, NULL, 0, o->init, o->exit, NULL, 0};
	elf_strings(f, ".rmod_info", info_entry, &c);
	char **exports = c.exports;
	size_t nexp = c.nexp;
	const char *init = c.init, *exit = c.exit;
	if (!d->name)
		d->name = xstrdup(o->fallback_name ? o->fallback_name : "module");
	if (!*d->name || strlen(d->name) > RMOD_MAX_NAME)
		die("%s: bad module name '%s'", path, d->name);
	/* A Linux module's entry points, when nothing names others. */
	GElf_Sym s;
	if (!init && elf_find_sym(f, "init_module", &s) && GELF_ST_TYPE(s.st_info) == STT_FUNC)
		init = "init_module";
	if (!exit && elf_find_sym(f, "cleanup_module", &s) && GELF_ST_TYPE(s.st_info) == STT_FUNC)
		exit = "cleanup_module";
	d->init_off = entry_of(f, d, "init", init);
	d->exit_off = entry_of(f, d, "exit", exit);
	for (size_t i = 0; i < o->nexports; i++) {
		exports = xrealloc(exports, (nexp + 1) * sizeof(char *));
		exports[nexp++] = o->exports[i];
	}
	/* A Linux module's EXPORT_SYMBOLs: one __ksymtab_NAME entry each. */
	int linux_module = elf_has_section(f, ".gnu.linkonce.this_module");
	for (size_t i = 1; linux_module && i < f->nsyms; i++) {
		gelf_getsym(f->symdata, (int)i, &s);
		const char *n = elf_sym_name(f, &s);
		if (!strncmp(n, "__ksymtab_", 10) && n[10]) {
			exports = xrealloc(exports, (nexp + 1) * sizeof(char *));
			exports[nexp++] = (char *)n + 10;
		}
	}
	for (size_t k = 0; k < nexp; k++) {
		GElf_Sym s;
		if (!elf_find_sym(f, exports[k], &s) || s.st_shndx == SHN_UNDEF ||
		    s.st_shndx == SHN_ABS || is_iat_import(d, exports[k]))
			die("%s: cannot export '%s': not a global symbol defined in the module",
			    path, exports[k]);
		add_export(f, d, &s, exports[k]);
	}
	for (size_t i = 1; o->export_all && i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		const char *n = elf_sym_name(f, &s);
		int bind = GELF_ST_BIND(s.st_info), type = GELF_ST_TYPE(s.st_info);
		int vis = GELF_ST_VISIBILITY(s.st_other);
		if ((bind != STB_GLOBAL && bind != STB_WEAK) || s.st_shndx == SHN_UNDEF ||
		    s.st_shndx == SHN_ABS ||
		    ((vis == STV_HIDDEN || vis == STV_INTERNAL) && !is_input_hidden(o, n)) || !*n ||
		    is_internal_sym(n) || is_iat_import(d, n) ||
		    (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) ||
		    !elf_sec_is_alloc(f, s.st_shndx))
			continue;
		add_export(f, d, &s, n);
	}
	xfree(exports);
	/* Sorted: the order of .rmod_info strings is the compiler's. */
	if (d->nimport_ns > 1)
		qsort(d->import_ns, d->nimport_ns, sizeof(char *), cmp_str);
	for (size_t i = 0; i < c.nrestrict; i++)
		restrict_export(path, d, c.restrict_[i]);
	xfree(c.restrict_);

	/* A compact symbol table for fault attribution. */
	for (size_t i = 1; !o->strip && i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		int type = GELF_ST_TYPE(s.st_info);
		const char *n = elf_sym_name(f, &s);
		if ((type != STT_FUNC && type != STT_OBJECT) || !*n ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    !elf_sec_is_alloc(f, s.st_shndx) || s.st_value + s.st_size > d->mem_size)
			continue;
		if (strlen(n) > RMOD_MAX_NAME) { /* the SYMS stream cannot name it */
			fprintf(stderr, "%s: note: symbol '%.40s...' (%zu bytes) left out of the "
				"symbol table: names have at most %u bytes\n",
				progname, n, strlen(n), RMOD_MAX_NAME);
			continue;
		}
		d->syms = xrealloc(d->syms, (d->nsyms + 1) * sizeof(*d->syms));
		d->syms[d->nsyms++] =
			(struct mod_sym){xstrdup(n), (uint32_t)s.st_value, (uint32_t)s.st_size};
	}
}
