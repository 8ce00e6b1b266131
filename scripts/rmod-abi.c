/* rmod-abi: the module ABI for CI, as modpost/Module.symvers and abidiff
 * serve Linux and user space.
 *
 *   rmod-abi dump FILE...                  sorted text ABI of the exports
 *   rmod-abi check --abi FILE... MOD...    every import resolves, same version
 *   rmod-abi diff OLD.abi NEW.abi          removed/changed (exit 1), added
 *   rmod-abi stamp KERNEL.elf              write DWARF versions into .kexports
 *
 * ABI text: one export per line, "NAME 0xVERSION KIND PROVIDER", sorted by
 * name; an indented "  type TEXT" line after it holds the canonical type
 * the version was computed from, so diff can say what changed.
 */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/elf_module.h"
#include "lib/providers.h"
#include "lib/symver.h"
#include "lib/util.h"
#include "loader.h"

struct abi_ent {
	char *name, *kind, *prov, *type;
	uint32_t version;
};

struct abi {
	struct abi_ent *v;
	size_t n;
};

static void abi_add(struct abi *a, const char *name, uint32_t ver, const char *kind,
		    const char *prov, const char *type)
{
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = (struct abi_ent){xstrdup(name), xstrdup(kind), xstrdup(prov),
					type ? xstrdup(type) : NULL, ver};
}

static int is_kernel_elf(const char *path)
{
	int fd = open(path, O_RDONLY), found = 0;
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t shstrndx;
	if (e && elf_kind(e) == ELF_K_ELF && !elf_getshdrstrndx(e, &shstrndx)) {
		Elf_Scn *s = NULL;
		while ((s = elf_nextscn(e, s))) {
			GElf_Shdr sh;
			const char *n;
			if (gelf_getshdr(s, &sh) && (n = elf_strptr(e, shstrndx, sh.sh_name)) &&
			    !strcmp(n, ".kexports"))
				found = 1;
		}
	}
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return found;
}

/* Exports of a kernel ELF, a module ELF or a .rmod file. */
static void load_exports(struct abi *a, const char *path)
{
	size_t n;
	uint8_t *buf = read_file(path, &n);
	int is_elf = n >= 4 && !memcmp(buf, ELFMAG, 4);
	xfree(buf);
	if (is_elf && !is_kernel_elf(path)) {
		struct conv_opts o;
		struct mod_desc d;
		memset(&o, 0, sizeof(o));
		o.fallback_name = "module";
		elf_to_module(path, &o, &d);
		struct symver *sv = symver_open(path);
		for (size_t i = 0; i < d.nexports; i++) {
			char *t = symver_text(sv, d.exports[i].name);
			abi_add(a, d.exports[i].name, d.exports[i].version,
				d.exports[i].kind == RMOD_EXP_DATA ? "data" : "func", d.name, t);
			xfree(t);
		}
		symver_close(sv);
		return;
	}
	struct provider_set ps = {0};
	providers_add(&ps, path);
	struct symver *sv = is_elf ? symver_open(path) : NULL;
	for (size_t i = 0; i < ps.n; i++) {
		char *t = sv ? symver_text(sv, ps.v[i].name) : NULL;
		abi_add(a, ps.v[i].name, ps.v[i].version,
			ps.v[i].kind == RMOD_EXP_DATA ? "data" : "func", ps.v[i].provider, t);
		xfree(t);
	}
	if (sv)
		symver_close(sv);
}

static int cmp_ent(const void *x, const void *y)
{
	const struct abi_ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->prov, b->prov);
}

static int cmd_dump(int argc, char **argv)
{
	struct abi a = {0};
	for (int i = 0; i < argc; i++)
		load_exports(&a, argv[i]);
	if (a.n > 1)
		qsort(a.v, a.n, sizeof(*a.v), cmp_ent);
	printf("# rmod ABI: NAME VERSION KIND PROVIDER; the indented line is the type\n");
	for (size_t i = 0; i < a.n; i++) {
		printf("%s 0x%08x %s %s\n", a.v[i].name, a.v[i].version, a.v[i].kind, a.v[i].prov);
		if (a.v[i].type)
			printf("  type %s\n", a.v[i].type);
	}
	return 0;
}

/* Parse ABI text written by dump. */
static void read_abi(struct abi *a, const char *path)
{
	size_t n;
	char *text = (char *)read_file(path, &n);
	text = xrealloc(text, n + 1);
	text[n] = 0;
	unsigned line = 0;
	for (char *p = text, *e; *p; p = e + (*e ? 1 : 0)) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		char save = *e;
		*e = 0;
		line++;
		if (!strncmp(p, "  type ", 7) && a->n) {
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
	xfree(text);
}

static const struct abi_ent *find(const struct abi *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].name, name))
			return &a->v[i];
	return NULL;
}

/* The body of "struct NAME/SIZE{...}" in a type text, or NULL. */
static char *struct_body(const char *text, const char *tag, const char *name)
{
	char pat[300];
	snprintf(pat, sizeof(pat), "%s %s/", tag, name);
	const char *p = strstr(text, pat);
	if (!p || !(p = strchr(p, '{')))
		return NULL;
	int depth = 0;
	const char *q = p;
	for (; *q; q++) {
		if (*q == '{')
			depth++;
		else if (*q == '}' && --depth == 0)
			break;
	}
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/* Members of a struct body, split at ';' outside braces and parentheses. */
static size_t members(const char *body, char ***out)
{
	size_t n = 0;
	int depth = 0;
	const char *start = body;
	*out = NULL;
	for (const char *q = body;; q++) {
		if (*q == '{' || *q == '(')
			depth++;
		else if (*q == '}' || *q == ')')
			depth--;
		else if ((*q == ';' && depth == 0) || !*q) {
			if (q > start) {
				*out = xrealloc(*out, (n + 1) * sizeof(char *));
				(*out)[n++] = xstrndup(start, (size_t)(q - start));
			}
			start = q + 1;
			if (!*q)
				break;
		}
	}
	return n;
}

static const char *member_named(char **m, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(m[i], name, len) && m[i][len] == ':')
			return m[i];
	return NULL;
}

/* Say which struct members differ between two type texts. */
static void explain(const char *old, const char *new)
{
	int said = 0;
	for (const char *p = old; (p = strstr(p, "struct ")) || 0; p++) {
		char name[256];
		if (sscanf(p, "struct %255[^/{(]/", name) != 1)
			continue;
		char *a = struct_body(old, "struct", name), *b = struct_body(new, "struct", name);
		if (a && b && strcmp(a, b)) {
			char **ma, **mb;
			size_t na = members(a, &ma), nb = members(b, &mb);
			for (size_t i = 0; i < na; i++) {
				size_t len = strcspn(ma[i], ":");
				const char *o = member_named(mb, nb, ma[i], len);
				if (!o)
					printf("  struct %s: member '%.*s' removed\n", name, (int)len, ma[i]);
				else if (strcmp(o, ma[i]))
					printf("  struct %s: member '%.*s' changed: %s -> %s\n", name,
					       (int)len, ma[i], ma[i] + len + 1, o + len + 1);
				else if (i < nb && strcmp(mb[i], ma[i]))
					printf("  struct %s: member '%.*s' moved\n", name, (int)len, ma[i]);
			}
			for (size_t i = 0; i < nb; i++) {
				size_t len = strcspn(mb[i], ":");
				if (!member_named(ma, na, mb[i], len))
					printf("  struct %s: member '%.*s' added\n", name, (int)len, mb[i]);
			}
			said = 1;
		}
		xfree(a);
		xfree(b);
	}
	if (!said)
		printf("  type was: %s\n  type now: %s\n", old, new);
}

static int cmd_diff(int argc, char **argv)
{
	if (argc != 2)
		die("usage: rmod-abi diff OLD.abi NEW.abi");
	struct abi a = {0}, b = {0};
	read_abi(&a, argv[0]);
	read_abi(&b, argv[1]);
	int breaking = 0;
	for (size_t i = 0; i < a.n; i++) {
		const struct abi_ent *o = &a.v[i], *n = find(&b, o->name);
		if (!n) {
			printf("removed: %s 0x%08x %s %s (breaking)\n", o->name, o->version, o->kind,
			       o->prov);
			breaking = 1;
		} else if (n->version != o->version || strcmp(n->kind, o->kind)) {
			printf("changed: %s 0x%08x -> 0x%08x %s %s (breaking)\n", o->name, o->version,
			       n->version, n->kind, n->prov);
			if (o->type && n->type)
				explain(o->type, n->type);
			breaking = 1;
		}
	}
	for (size_t i = 0; i < b.n; i++)
		if (!find(&a, b.v[i].name))
			printf("added: %s 0x%08x %s %s (compatible)\n", b.v[i].name, b.v[i].version,
			       b.v[i].kind, b.v[i].prov);
	printf("%s\n", breaking ? "ABI: breaking changes" : "ABI: compatible");
	return breaking;
}

static int cmd_check(int argc, char **argv)
{
	struct provider_set ps = {0};
	int i = 0, problems = 0;
	for (; i < argc && !strcmp(argv[i], "--abi"); i += 2) {
		if (i + 1 >= argc)
			die("--abi needs a file");
		providers_add(&ps, argv[i + 1]);
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
		for (uint32_t j = 0; j < m.nimports; j++) {
			struct rm_import im;
			rm_get_import(&m, j, &im);
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
				problems++;
			} else if (!im.version || !p->version) {
				printf("%s: warning: symbol %s is unversioned\n", m.name, im.name);
			}
		}
		xfree(buf);
	}
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
	int fd = open(path, O_RDWR);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_RDWR, NULL) : NULL;
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
	elf_end(e);
	close(fd);
	symver_close(sv);
	return 0;
}

int main(int argc, char **argv)
{
	progname = "rmod-abi";
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
