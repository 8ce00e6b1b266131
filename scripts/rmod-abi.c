/* rmod-abi: the module ABI for CI, as modpost/Module.symvers and abidiff
 * serve Linux and user space.
 *
 *   rmod-abi dump FILE...                  sorted text ABI of the exports
 *   rmod-abi check --abi FILE... MOD...    every import resolves, same version
 *   rmod-abi diff [--format json] [--strict] OLD NEW
 *                                          each change breaking or harmless;
 *                                          --strict: harmless ones fail too
 *   rmod-abi stamp KERNEL.elf              write DWARF versions into .kexports
 *
 * FILE, OLD and NEW are .rmod files, linked module ELFs, kernel.elf,
 * relocatable objects (.o, .ko), archives (.a) or ABI text from dump.
 * Exit status: 0 compatible, 1 breaking (diff) or problems (check),
 * 2 usage or input error.
 *
 * ABI text: one export per line, "NAME 0xVERSION KIND PROVIDER", sorted by
 * name; an indented "  type TEXT" line after it holds the canonical type
 * the version was computed from, so diff can say what changed.
 */
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/abi_compare.h"
#include "lib/abi_source.h"
#include "lib/abi_types.h"
#include "lib/elf_file.h"
#include "lib/providers.h"
#include "lib/symver.h"
#include "lib/util.h"
#include "loader.h"

static int cmd_dump(int argc, char **argv)
{
	struct abi a = {0};
	if (!argc)
		die("usage: rmod-abi dump FILE...");
	for (int i = 0; i < argc; i++)
		abi_load(&a, argv[i]);
	abi_sort(&a);
	printf("# rmod ABI: NAME VERSION KIND PROVIDER; the indented line is the type\n");
	for (size_t i = 0; i < a.n; i++) {
		printf("%s 0x%08x %s %s\n", a.v[i].name, a.v[i].version, a.v[i].kind, a.v[i].prov);
		if (a.v[i].type)
			printf("  type %s\n", a.v[i].type);
	}
	abi_free(&a);
	return 0;
}

/* JSON string with escapes. */
static void js(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* One difference between the two ABIs. */
struct change {
	const char *what; /* removed, changed, added */
	const struct abi_ent *o, *n;
	const char *verdict; /* breaking, harmless, compatible */
	const char *reason;
	char **lines;
	size_t nlines;
};

static void print_text(const struct change *c, size_t nc, int breaking)
{
	for (size_t i = 0; i < nc; i++) {
		const struct abi_ent *e = c[i].n ? c[i].n : c[i].o;
		if (!strcmp(c[i].what, "changed"))
			printf("changed: %s 0x%08x -> 0x%08x %s %s (%s%s%s)\n", e->name,
			       c[i].o->version, e->version, e->kind, e->prov, c[i].verdict,
			       c[i].reason ? ": " : "", c[i].reason ? c[i].reason : "");
		else
			printf("%s: %s 0x%08x %s %s (%s)\n", c[i].what, e->name, e->version, e->kind,
			       e->prov, c[i].verdict);
		for (size_t k = 0; k < c[i].nlines; k++)
			printf("  %s\n", c[i].lines[k]);
	}
	printf("%s\n", breaking ? "ABI: breaking changes" : "ABI: compatible");
}

static void print_json(const struct change *c, size_t nc, int breaking)
{
	printf("{\"verdict\": \"%s\", \"changes\": [", breaking ? "breaking" : "compatible");
	for (size_t i = 0; i < nc; i++) {
		const struct abi_ent *e = c[i].n ? c[i].n : c[i].o;
		printf("%s\n  {\"symbol\": ", i ? "," : "");
		js(e->name);
		printf(", \"change\": \"%s\", \"verdict\": \"%s\", \"kind\": ", c[i].what,
		       c[i].verdict);
		js(e->kind);
		printf(", \"provider\": ");
		js(e->prov);
		if (c[i].o)
			printf(", \"old_version\": \"0x%08x\"", c[i].o->version);
		if (c[i].n)
			printf(", \"new_version\": \"0x%08x\"", c[i].n->version);
		if (c[i].reason) {
			printf(", \"reason\": ");
			js(c[i].reason);
		}
		printf(", \"details\": [");
		for (size_t k = 0; k < c[i].nlines; k++) {
			printf("%s", k ? ", " : "");
			js(c[i].lines[k]);
		}
		printf("]}");
	}
	printf("%s]}\n", nc ? "\n" : "");
}

/* The verdict on one export whose version or kind differs. */
static void classify(struct change *c)
{
	const struct abi_ent *o = c->o, *n = c->n;
	unsigned why = 0;
	c->verdict = "breaking";
	if (!strcmp(o->kind, n->kind) && o->type && n->type &&
	    (why = abi_harmless(o->type, n->type))) {
		c->verdict = "harmless";
		c->reason = abi_harmless_text(why);
	}
	if (o->type && n->type)
		c->nlines = abi_explain(o->type, n->type, &c->lines);
	else if (strcmp(o->kind, n->kind))
		c->reason = "kind changed";
	else
		c->reason = "no type information to compare";
}

static int cmd_diff(int argc, char **argv)
{
	int json = 0, strict = 0;
	char *files[2];
	int nf = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (!strcmp(argv[i + 1], "json"))
				json = 1;
			else if (strcmp(argv[i + 1], "text"))
				die("--format: '%s' is neither text nor json", argv[i + 1]);
			i++;
		} else if (!strncmp(argv[i], "--format=", 9)) {
			json = !strcmp(argv[i] + 9, "json");
			if (!json && strcmp(argv[i] + 9, "text"))
				die("--format: '%s' is neither text nor json", argv[i] + 9);
		} else if (!strcmp(argv[i], "--strict")) {
			strict = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			die("diff: unknown option '%s'", argv[i]);
		} else if (nf < 2) {
			files[nf++] = argv[i];
		} else {
			nf = 3;
		}
	}
	if (nf != 2)
		die("usage: rmod-abi diff [--format text|json] [--strict] OLD NEW");
	struct abi a = {0}, b = {0};
	abi_load(&a, files[0]);
	abi_load(&b, files[1]);
	abi_sort(&a);
	abi_sort(&b);
	struct change *c = xcalloc(a.n + b.n + 1, sizeof(*c));
	size_t nc = 0;
	int breaking = 0;
	for (size_t i = 0; i < a.n; i++) {
		const struct abi_ent *o = &a.v[i], *n = abi_find(&b, o->name);
		if (!n) {
			c[nc++] = (struct change){"removed", o, NULL, "breaking", NULL, NULL, 0};
		} else if (n->version != o->version || strcmp(n->kind, o->kind) ||
			   (o->type && n->type && strcmp(o->type, n->type))) {
			c[nc] = (struct change){"changed", o, n, NULL, NULL, NULL, 0};
			classify(&c[nc++]);
		}
	}
	for (size_t i = 0; i < b.n; i++)
		if (!abi_find(&a, b.v[i].name))
			c[nc++] = (struct change){"added", NULL, &b.v[i], "compatible", NULL, NULL, 0};
	/* --strict: as insmod sees it, any changed version refuses old binaries. */
	for (size_t i = 0; i < nc; i++)
		breaking |= !strcmp(c[i].verdict, "breaking") ||
			    (strict && !strcmp(c[i].verdict, "harmless"));
	if (json)
		print_json(c, nc, breaking);
	else
		print_text(c, nc, breaking);
	for (size_t i = 0; i < nc; i++) {
		for (size_t k = 0; k < c[i].nlines; k++)
			xfree(c[i].lines[k]);
		xfree(c[i].lines);
	}
	xfree(c);
	abi_free(&a);
	abi_free(&b);
	return breaking;
}

static int cmd_check(int argc, char **argv)
{
	struct provider_set ps = {0};
	struct abi types = {0}; /* the providers' type texts, to explain mismatches */
	int i = 0, problems = 0;
	for (; i < argc && !strcmp(argv[i], "--abi"); i += 2) {
		if (i + 1 >= argc)
			die("--abi needs a file");
		providers_add(&ps, argv[i + 1]);
		abi_load(&types, argv[i + 1]);
	}
	if (i == argc)
		die("usage: rmod-abi check --abi FILE... MOD.rmod...");
	/* Modules checked together may import from each other. */
	for (int k = i; k < argc; k++)
		providers_add(&ps, argv[k]);
	for (int k = i; k < argc; k++) {
		size_t n;
		uint8_t *buf = read_file(argv[k], &n);
		struct rm_module m;
		struct rm_diag d;
		if (rm_parse(buf, n, 0, &m, &d)) {
			printf("%s: invalid module: %s (%s)\n", argv[k], rm_strerror(d.code),
			       rm_errname(d.code));
			problems++;
			continue;
		}
		struct abi_types *mt = abi_types_read(&m, argv[k]);
		struct rm_import_it it;
		struct rm_import im;
		rm_imports_begin(&m, &it);
		for (uint32_t j = 0; rm_imports_next(&m, &it, &im); j++) {
			const struct provided *p = providers_find(&ps, im.name);
			if (!p && (im.flags & RMOD_IMPORT_WEAK))
				continue; /* optional: checked only when someone provides it */
			if (!p) {
				printf("%s: unresolved import '%s'\n", m.name, im.name);
				problems++;
			} else if (im.version && p->version && im.version != p->version) {
				printf("%s: disagrees about version of symbol %s (expects 0x%08x, %s has "
				       "0x%08x)\n",
				       m.name, im.name, im.version, p->provider, p->version);
				/* The module's TYPES table says what it was built against. */
				const struct abi_ent *pt = abi_find(&types, im.name);
				const char *was = mt ? abi_types_import(mt, j) : NULL;
				char **lines;
				size_t nl = was && pt && pt->type ? abi_explain(was, pt->type, &lines) : 0;
				for (size_t l = 0; l < nl; l++) {
					printf("  %s\n", lines[l]);
					xfree(lines[l]);
				}
				if (nl)
					xfree(lines);
				problems++;
			} else if (!im.version || !p->version) {
				printf("%s: warning: symbol %s is unversioned\n", m.name, im.name);
			}
		}
		abi_types_free(mt);
		xfree(buf);
	}
	abi_free(&types);
	printf("%d problem%s\n", problems, problems == 1 ? "" : "s");
	return problems != 0;
}

/* Write each .kexports entry's version from the kernel's own DWARF. */
static int cmd_stamp(int argc, char **argv)
{
	if (argc != 1)
		die("usage: rmod-abi stamp KERNEL.elf");
	const char *path = argv[0];
	struct provider_set ps = {0};
	providers_add(&ps, path); /* validates the table and reads the names */
	struct symver *sv = symver_open(path);
	struct elf_handle *h = elf_handle_update(path);
	Elf *e = h->e;
	size_t shstrndx;
	if (!e || elf_getshdrstrndx(e, &shstrndx))
		die("%s: cannot open for update", path);
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT); /* change bytes, not layout */
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		const char *n;
		if (!gelf_getshdr(s, &sh) || !(n = elf_strptr(e, shstrndx, sh.sh_name)) ||
		    strcmp(n, ".kexports"))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d || d->d_size / 16 != ps.n)
			die("%s: .kexports changed under us", path);
		for (size_t i = 0; i < ps.n; i++)
			rm_put32((uint8_t *)d->d_buf + 16 * i + 12, symver_get(sv, ps.v[i].name));
		elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
	}
	if (elf_update(e, ELF_C_WRITE) < 0)
		die("%s: %s", path, elf_errmsg(-1));
	elf_handle_close(h);
	symver_close(sv);
	return 0;
}

int main(int argc, char **argv)
{
	progname = "rmod-abi";
	die_status = 2; /* CI: 0 compatible, 1 breaking or problems, 2 usage or input */
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	if (argc < 2) {
		fprintf(stderr, "usage: rmod-abi dump|check|diff|stamp ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc - 2, argv + 2);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 2, argv + 2);
	if (!strcmp(argv[1], "stamp"))
		return cmd_stamp(argc - 2, argv + 2);
	die("unknown command '%s' (dump, check, diff, stamp)", argv[1]);
}
