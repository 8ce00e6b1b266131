/* rmod-dump: show a .rmod file the way readelf shows an ELF file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fixup_encode.h"
#include "lib/rmod_read.h"
#include "lib/util.h"
#include "loader.h"

struct offs {
	uint32_t *v;
	size_t n, cap;
};

static void collect(void *ctx, uint32_t off)
{
	struct offs *o = ctx;
	if (o->n == o->cap)
		o->v = xrealloc(o->v, (o->cap = o->cap * 2 + 64) * sizeof(uint32_t));
	o->v[o->n++] = off;
}

static const char *table_name[RMOD_T_COUNT] = {
	"image", "fixups", "imports", "sites", "exports", "strtab",
	"needs", "params", "syms",    "init",  "bound",   "types"};

static const char *kind_name(uint16_t k)
{
	return k == RMOD_EXP_FUNC ? "func" : k == RMOD_EXP_DATA ? "data" : "?";
}

static const char *param_type(uint16_t t)
{
	static const char *n[] = {"?", "int", "uint", "bool", "string"};
	return t <= RMOD_PARAM_STRING ? n[t] : "?";
}

/* JSON string with escapes. */
static void js(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void js_or_null(const char *s)
{
	if (s)
		js(s);
	else
		printf("null");
}

struct sizes {
	size_t encoded, raw, pe, relr, imports, sites, exports, strtab, bound;
};

/* The imports, decoded once, with each one's site count. */
struct imps {
	struct rm_import *v;
	uint32_t *nsites;
	struct site {
		uint32_t off, imp;
		int pcrel;
	} *sites;
	uint32_t n;
};

static void add_site(void *ctx, uint32_t off, int pcrel, uint32_t imp)
{
	struct imps *t = ctx;
	t->sites[t->n++] = (struct site){off, imp, pcrel};
	t->nsites[imp]++;
}

static void read_imports(const struct rm_module *m, struct imps *t)
{
	struct rm_import_it it;
	t->v = xcalloc(m->nimports + 1, sizeof(*t->v));
	t->nsites = xcalloc(m->nimports + 1, sizeof(*t->nsites));
	t->sites = xcalloc(m->nsites + 1, sizeof(*t->sites));
	t->n = 0;
	rm_imports_begin(m, &it);
	for (uint32_t i = 0; rm_imports_next(m, &it, &t->v[i]); i++)
		;
	rm_walk_sites(m, add_site, t);
}

static void print_text(const char *path, const struct rm_module *m, const struct offs *fx,
		       const struct sizes *sz, const struct imps *t, int list_fixups,
		       int deps_only)
{
	if (deps_only) {
		printf("%s needs:", m->name);
		for (uint32_t i = 0; i < m->nneeds; i++)
			printf(" %s", rm_get_need(m, i));
		printf("%s\n", m->nneeds ? "" : " (kernel only)");
		for (uint32_t i = 0; i < m->nimports; i++) {
			struct rm_import im = t->v[i];
			printf("  %-32s %s\n", im.name,
			       im.need == RMOD_NEED_ANY ? "kernel (or any)" : rm_get_need(m, im.need));
		}
		return;
	}
	const uint8_t *f = m->file;
	printf("rmod file: %s (%u bytes)\n", path, m->file_size);
	printf("Header:\n");
	printf("  Magic:         RMOD\n");
	printf("  Version:       %u\n", rm_le16(f + RMOD_H_VERSION));
	printf("  Machine:       i386\n");
	printf("  Flags:         0x%x (bind %s%s)\n", m->flags,
	       m->flags & RMOD_F_BIND_DIRECT ? "direct" : "iat",
	       m->flags & RMOD_F_HAS_SYMS ? ", symbols" : "");
	if (m->pref_base || m->flags & RMOD_F_PREBOUND)
		printf("  Prelinked at:  0x%08x%s\n", m->pref_base,
		       m->flags & RMOD_F_PREBOUND ? " (imports prebound)" : "");
	printf("  Name:          %s\n", m->name);
	printf("  Description:   %s\n", m->desc);
	printf("  Image size:    0x%x\n", m->image_size);
	printf("  Memory size:   0x%x\n", m->mem_size);
	if (m->init_off == RMOD_NONE)
		printf("  Init:          none\n");
	else
		printf("  Init:          0x%x\n", m->init_off);
	if (m->exit_off == RMOD_NONE)
		printf("  Exit:          none\n");
	else
		printf("  Exit:          0x%x\n", m->exit_off);
	printf("  CRC32:         0x%08x\n", rm_le32(f + RMOD_H_CRC32));
	printf("\nRegions:\n  %-8s %-10s %-10s %s\n", "Name", "Offset", "Size", "Perm");
	printf("  %-8s 0x%08x 0x%08x r-x\n", "text", 0, m->text_end);
	printf("  %-8s 0x%08x 0x%08x r--\n", "rodata", m->text_end, m->rodata_end - m->text_end);
	printf("  %-8s 0x%08x 0x%08x rw-\n", "data", m->rodata_end, m->image_size - m->rodata_end);
	printf("  %-8s 0x%08x 0x%08x rw-\n", "bss", m->image_size, m->init_start - m->image_size);
	if (m->init_start < m->mem_size) {
		printf("  %-8s 0x%08x 0x%08x r-x (freed after init)\n", "inittext", m->init_start,
		       m->init_text_end - m->init_start);
		printf("  %-8s 0x%08x 0x%08x rw- (freed after init)\n", "initdata",
		       m->init_text_end, m->mem_size - m->init_text_end);
	}
	if (m->iat_end > m->iat_start)
		printf("  %-8s 0x%08x 0x%08x r-- (in rodata, written before protection)\n", "iat",
		       m->iat_start, m->iat_end - m->iat_start);
	printf("\nTables:\n  %-8s %-10s %s\n", "Name", "Offset", "Size");
	for (int t = 0; t < RMOD_T_COUNT; t++) {
		uint32_t sz2 = rm_le32(f + RMOD_H_DIR + 8 * t + 4);
		if (sz2)
			printf("  %-8s 0x%08x %u\n", table_name[t], rm_le32(f + RMOD_H_DIR + 8 * t),
			       sz2);
	}
	printf("\nFixups: %u, encoded in %zu bytes (%.2f bytes/fixup); raw u32 %zu, PE .reloc "
	       "%zu, RELR %zu\n",
	       m->fixup_count, sz->encoded,
	       m->fixup_count ? (double)sz->encoded / m->fixup_count : 0.0, sz->raw, sz->pe,
	       sz->relr);
	if (list_fixups)
		for (size_t i = 0; i < fx->n; i++)
			printf("  0x%08x\n", fx->v[i]);
	printf("\nImports (%u): records %zu bytes, sites %zu bytes (%.2f bytes/site), bound %zu "
	       "bytes\n",
	       m->nimports, sz->imports, sz->sites,
	       m->nsites ? (double)sz->sites / m->nsites : 0.0, sz->bound);
	if (m->nimports)
		printf("  %-4s %-10s %-10s %-5s %-10s %-16s %s\n", "Num", "Hash", "Version", "Bind",
		       "Slot/Sites", "Hint@Stamp", "Name");
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct rm_import im = t->v[i];
		char hint[24] = "-";
		if (im.stamp)
			snprintf(hint, sizeof(hint), "%u@%08x", im.hint, im.stamp);
		char weak[320];
		snprintf(weak, sizeof(weak), "%s", im.flags & RMOD_IMPORT_WEAK ? " (weak)" : "");
		if (im.ns)
			snprintf(weak + strlen(weak), sizeof(weak) - strlen(weak), " ns=%s", im.ns);
		if (m->flags & RMOD_F_PREBOUND)
			snprintf(weak + strlen(weak), sizeof(weak) - strlen(weak), " = 0x%08x",
				 im.prebound);
		if (im.bind == RMOD_BIND_IAT)
			printf("  %-4u 0x%08x 0x%08x iat   0x%08x %-16s %s%s\n", i, im.hash,
			       im.version, im.where, hint, im.name, weak);
		else
			printf("  %-4u 0x%08x 0x%08x sites %-10u %-16s %s%s\n", i, im.hash,
			       im.version, t->nsites[i], hint, im.name, weak);
	}
	printf("\nExports (%u):\n", m->nexports);
	if (m->nexports)
		printf("  %-4s %-10s %-4s %-10s %s\n", "Num", "Offset", "Kind", "Version", "Name");
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct rm_export e;
		rm_get_export(m, i, &e);
		printf("  %-4u 0x%08x %-4s 0x%08x %s", i, e.offset, kind_name(e.kind), e.version,
		       e.name);
		if (e.ns)
			printf(" ns=%s", e.ns);
		if (e.allow)
			printf(" for=%s", e.allow);
		printf("\n");
	}
	if (m->nneeds) {
		printf("\nNeeds (%u):", m->nneeds);
		for (uint32_t i = 0; i < m->nneeds; i++)
			printf(" %s", rm_get_need(m, i));
		printf("\n");
	}
	if (m->nparams) {
		printf("\nParameters (%u):\n", m->nparams);
		for (uint32_t i = 0; i < m->nparams; i++) {
			struct rm_param p;
			rm_get_param(m, i, &p);
			printf("  %-16s %-6s 0x%08x %u  %s\n", p.name, param_type(p.type), p.offset,
			       p.size, p.desc);
		}
	}
	printf("\nSymbols: %u%s\n", m->nsyms, m->nsyms ? "" : " (stripped)");
	struct rm_sym_it it;
	struct rm_sym s;
	rm_syms_begin(m, &it);
	while (rm_syms_next(m, &it, &s))
		printf("  0x%08x %-6u %s\n", s.offset, s.size, s.name);
}

static void print_json(const char *path, const struct rm_module *m, const struct offs *fx,
		       const struct sizes *sz, const struct imps *t, int list_fixups)
{
	printf("{\"file\": ");
	js(path);
	printf(", \"file_size\": %u, \"version\": %u, \"flags\": %u, \"bind\": \"%s\", ",
	       m->file_size, rm_le16(m->file + RMOD_H_VERSION), m->flags,
	       m->flags & RMOD_F_BIND_DIRECT ? "direct" : "iat");
	printf("\"pref_base\": %u, \"prebound\": %s, ", m->pref_base,
	       m->flags & RMOD_F_PREBOUND ? "true" : "false");
	printf("\"name\": ");
	js(m->name);
	printf(", \"description\": ");
	js(m->desc);
	printf(", \"image_size\": %u, \"mem_size\": %u, \"text_end\": %u, \"rodata_end\": %u, ",
	       m->image_size, m->mem_size, m->text_end, m->rodata_end);
	printf("\"init\": %s%u, \"exit\": %s%u, ", "", m->init_off == RMOD_NONE ? 0 : m->init_off,
	       "", m->exit_off == RMOD_NONE ? 0 : m->exit_off);
	printf("\"has_init\": %s, \"has_exit\": %s, ", m->init_off == RMOD_NONE ? "false" : "true",
	       m->exit_off == RMOD_NONE ? "false" : "true");
	printf("\"init_start\": %u, \"init_text_end\": %u, \"init_size\": %u, ", m->init_start,
	       m->init_text_end, m->mem_size - m->init_start);
	printf("\"iat_start\": %u, \"iat_end\": %u, \"iat_slots\": %u, ", m->iat_start, m->iat_end,
	       (m->iat_end - m->iat_start) / 4);
	printf("\"fixup_count\": %u, \"fixup_bytes\": %zu, \"raw_u32_bytes\": %zu, "
	       "\"pe_reloc_bytes\": %zu, \"relr_bytes\": %zu, ",
	       m->fixup_count, sz->encoded, sz->raw, sz->pe, sz->relr);
	printf("\"import_table_bytes\": %zu, \"site_bytes\": %zu, \"export_table_bytes\": %zu, "
	       "\"bound_bytes\": %zu, \"strtab_bytes\": %zu, \"nsites\": %u, ",
	       sz->imports, sz->sites, sz->exports, sz->bound, sz->strtab, m->nsites);
	if (list_fixups) {
		printf("\"fixups\": [");
		for (size_t i = 0; i < fx->n; i++)
			printf("%s%u", i ? ", " : "", fx->v[i]);
		printf("], ");
	}
	printf("\"sites\": [");
	for (uint32_t i = 0; i < t->n; i++) {
		printf("%s{\"offset\": %u, \"pcrel\": %s, \"import\": ", i ? ", " : "",
		       t->sites[i].off, t->sites[i].pcrel ? "true" : "false");
		js(t->v[t->sites[i].imp].name);
		printf("}");
	}
	printf("], \"imports\": [");
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct rm_import im = t->v[i];
		printf("%s{\"name\": ", i ? ", " : "");
		js(im.name);
		printf(", \"hash\": %u, \"version\": %u, \"bind\": \"%s\", \"slot\": %u, "
		       "\"nsites\": %u, \"stamp\": %u, \"hint\": %u, \"weak\": %s, "
		       "\"prebound_addr\": %u, \"ns\": ",
		       im.hash, im.version, im.bind == RMOD_BIND_IAT ? "iat" : "sites",
		       im.bind == RMOD_BIND_IAT ? im.where : 0, t->nsites[i], im.stamp, im.hint,
		       im.flags & RMOD_IMPORT_WEAK ? "true" : "false", im.prebound);
		js_or_null(im.ns);
		printf(", \"need\": ");
		if (im.need == RMOD_NEED_ANY)
			printf("null}");
		else {
			js(rm_get_need(m, im.need));
			printf("}");
		}
	}
	printf("], \"exports\": [");
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct rm_export e;
		rm_get_export(m, i, &e);
		printf("%s{\"name\": ", i ? ", " : "");
		js(e.name);
		printf(", \"hash\": %u, \"offset\": %u, \"kind\": \"%s\", \"version\": %u, \"ns\": ",
		       e.hash, e.offset, kind_name(e.kind), e.version);
		js_or_null(e.ns);
		printf(", \"for\": ");
		js_or_null(e.allow);
		printf("}");
	}
	printf("], \"needs\": [");
	for (uint32_t i = 0; i < m->nneeds; i++) {
		printf("%s", i ? ", " : "");
		js(rm_get_need(m, i));
	}
	printf("], \"params\": [");
	for (uint32_t i = 0; i < m->nparams; i++) {
		struct rm_param p;
		rm_get_param(m, i, &p);
		printf("%s{\"name\": ", i ? ", " : "");
		js(p.name);
		printf(", \"type\": \"%s\", \"offset\": %u, \"size\": %u, \"description\": ",
		       param_type(p.type), p.offset, p.size);
		js(p.desc);
		printf("}");
	}
	printf("], \"nsyms\": %u, \"syms\": [", m->nsyms);
	struct rm_sym_it it;
	struct rm_sym s;
	rm_syms_begin(m, &it);
	for (uint32_t i = 0; rm_syms_next(m, &it, &s); i++) {
		printf("%s{\"name\": ", i ? ", " : "");
		js(s.name);
		printf(", \"offset\": %u, \"size\": %u}", s.offset, s.size);
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	progname = "rmod-dump";
	static const struct option lo[] = {{"json", 0, 0, 'j'},
					   {"fixups", 0, 0, 'f'},
					   {"deps", 0, 0, 'd'},
					   {"help", 0, 0, 'h'},
					   {0, 0, 0, 0}};
	int json = 0, list = 0, deps = 0, c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': list = 1; break;
		case 'd': deps = 1; break;
		default:
			fprintf(stderr, "usage: rmod-dump [--json] [--fixups] [--deps] MOD.rmod\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: rmod-dump [--json] [--fixups] [--deps] MOD.rmod\n");
		return 2;
	}
	const char *path = argv[optind];
	size_t size;
	struct rm_module m;
	uint8_t *file = rmod_read(path, &size, &m);
	struct offs fx = {0};
	rm_walk_fixups(&m, collect, &fx);
	struct sizes sz = {m.fixups_size,
			   fixup_size_raw(fx.v, fx.n),
			   fixup_size_pe(fx.v, fx.n),
			   fixup_size_relr(fx.v, fx.n),
			   m.imports_size,
			   m.sites_size,
			   (size_t)m.nexports * RMOD_EXPORT_SIZE,
			   m.strtab_size,
			   m.has_bound ? (size_t)m.nimports * m.bound_size : 0};
	struct imps t;
	read_imports(&m, &t);
	if (json)
		print_json(path, &m, &fx, &sz, &t, list);
	else
		print_text(path, &m, &fx, &sz, &t, list, deps);
	xfree(t.v);
	xfree(t.nsites);
	xfree(t.sites);
	xfree(fx.v);
	xfree(file);
	return 0;
}
