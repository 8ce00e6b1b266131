/* rmod-link: link a module at base 0 with GNU ld -q, then turn the
 * relocations ld kept into a .rmod file.
 *
 *   pass 1  ld --unresolved-symbols=ignore-all   find the imports
 *   imports imports.s -> imports.o                the site-import list (weak or
 *                                                 not); IAT mode: one jmp *slot each
 *   pass 2  ld --defsym=IMPORT=0 (site imports)   the module.elf we convert
 *   probe   the same link at a second base        every word that moved must
 *                                                 be a fixup we know (catches
 *                                                 ld-made words such as GOT
 *                                                 entries, which carry no relocs)
 *
 * --from-elf converts a base-0 module.elf alone, without a probe link, so
 * it refuses GOT references (GOT32/GOT32X) rather than miss their words.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/elf_inputs.h"
#include "lib/elf_image.h"
#include "lib/elf_module.h"
#include "lib/elf_relocs.h"
#include "lib/probe_link.h"
#include "lib/providers.h"
#include "lib/rmod_write.h"
#include "lib/util.h"
#include "loader.h"
#include "rmod/format.h"

extern const char rmod_module_ld[]; /* ldscripts/module.ld, embedded */

#define PROBE_BASE 0x5a5a5000u
#define PROBE_IMPORT0 0x7e000000u

static void usage(void)
{
	fprintf(stderr,
		"usage: rmod-link [--name N] [--init SYM] [--exit SYM] [--export SYM]...\n"
		"                 [--export-all] [--export-list FILE] [--bind iat|direct]\n"
		"                 [--provider FILE]... [--allow-undefined] [--strip] [--strip-abi]\n"
		"                 [--save-temps DIR] -o OUT.rmod INPUT.o|INPUT.a...\n"
		"       rmod-link [options] --from-elf ELF -o OUT.rmod\n");
	exit(2);
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", progname, argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* The temporary directory, removed at exit unless --save-temps. */
static char *tmp_dir;

static void remove_tmp_dir(void)
{
	if (tmp_dir)
		nftw(tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	uint8_t *b = read_file(from, &n);
	write_file(to, b, n);
	xfree(b);
}

/* Shell-quote a path for link.sh. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void write_link_sh(const char *dir, char **inputs, size_t n)
{
	char *p = path_in(dir, "link.sh");
	FILE *f = fopen(p, "w");
	if (!f)
		die("%s: %s", p, strerror(errno));
	fprintf(f, "#!/bin/sh\n"
		   "# Written by rmod-link: redo this module's link at BASE.\n"
		   "# usage: link.sh BASE OUT.elf [EXTRA LD ARGS...]\n"
		   "set -e\n"
		   "D=$(cd \"$(dirname \"$0\")\" && pwd)\n"
		   "base=$1; out=$2; shift 2\n"
		   "if [ -f \"$D/imports.o\" ]; then set -- \"$D/imports.o\" \"$@\"; fi\n"
		   "exec \"${LD:-ld}\" -m elf_i386 -q --orphan-handling=error -T \"$D/module.ld\" "
		   "--defsym=RMOD_BASE=\"$base\" -o \"$out\"");
	/* An archive given as input is the module's content, not a library
	 * to pick from: link all of it. */
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(inputs[i]);
		int ar = len > 2 && !strcmp(inputs[i] + len - 2, ".a");
		fputs(ar ? " --whole-archive \"$D\"/" : " \"$D\"/", f);
		put_quoted(f, base_name(inputs[i]));
		if (ar)
			fputs(" --no-whole-archive", f);
	}
	/* Runtime support last, so it only fills what the inputs leave open. */
	fputs(" \"$D/rmod-support.a\" \"$D/libgcc.a\" \"$@\"\n", f);
	fclose(f);
	chmod(p, 0755);
	xfree(p);
}

static int link_at(const char *dir, uint32_t base, const char *out, char **extra, size_t nextra)
{
	char **argv = xcalloc(nextra + 5, sizeof(char *));
	char b[16];
	snprintf(b, sizeof(b), "0x%x", base);
	argv[0] = "sh";
	argv[1] = path_in(dir, "link.sh");
	argv[2] = b;
	argv[3] = (char *)out;
	for (size_t i = 0; i < nextra; i++)
		argv[4 + i] = extra[i];
	int rc = run(argv);
	xfree(argv[1]);
	xfree(argv);
	return rc;
}

/* imports.o: the list of site imports (.rmod_imports, which tells the
 * conversion that these absolute-0 symbols are imports, and which are
 * weak), and in IAT mode a thunk per called-only import, in the sorted
 * order the format gives IAT slots. */
static void write_imports(const char *dir, char **names, size_t n, const struct undef *sites,
			  size_t nsites)
{
	struct mod_import *imp = xcalloc(n, sizeof(*imp));
	for (size_t i = 0; i < n; i++)
		imp[i].name = names[i];
	mod_sort_imports(imp, n);
	char *p = path_in(dir, "imports.s");
	FILE *f = fopen(p, "w");
	if (!f)
		die("%s: %s", p, strerror(errno));
	fputs("# Written by rmod-link: site imports and IAT thunks for imported functions.\n"
	      "\t.section .note.GNU-stack,\"\",@progbits\n", f);
	if (nsites)
		fputs("\t.section .rmod_imports,\"\",@progbits\n", f);
	for (size_t i = 0; i < nsites; i++)
		fprintf(f, "\t.asciz \"%s=%s\"\n", sites[i].weak ? "weak" : "site", sites[i].name);
	for (size_t i = 0; i < n; i++) {
		const char *s = imp[i].name;
		fprintf(f,
			"\t.section .rmod.thunk,\"ax\",@progbits\n\t.p2align 3\n"
			"\t.globl %s\n\t.hidden %s\n\t.type %s,@function\n"
			"%s:\n\tjmp *__rmod_iat.%s\n\t.size %s,.-%s\n"
			"\t.section .rmod.iat,\"a\",@progbits\n\t.p2align 2\n"
			"\t.globl __rmod_iat.%s\n\t.hidden __rmod_iat.%s\n"
			"__rmod_iat.%s:\n\t.long 0\n",
			s, s, s, s, s, s, s, s, s, s);
	}
	fclose(f);
	char *o = path_in(dir, "imports.o");
	char *argv[] = {"as", "--32", "-o", o, p, NULL};
	if (run(argv))
		die("assembling %s failed", p);
	xfree(o);
	xfree(p);
	xfree(imp);
}

/* Link again at PROBE_BASE with every site import at its own address,
 * and reconcile (lib/probe_link.c). */
static void probe_check(const char *dir, struct mod_desc *d, const struct undef *sites,
			size_t n)
{
	char **extra = xcalloc(n, sizeof(char *)), **names = xcalloc(n, sizeof(char *));
	uint32_t *vals = xcalloc(n, sizeof(uint32_t));
	int *weak = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		names[i] = sites[i].name;
		weak[i] = sites[i].weak;
		size_t len = strlen(names[i]) + 32;
		vals[i] = PROBE_IMPORT0 + (uint32_t)(i + 1) * 0x1010u;
		extra[i] = xmalloc(len);
		snprintf(extra[i], len, "--defsym=\"%s\"=0x%x", names[i], vals[i]);
	}
	char *path = path_in(dir, "probe.elf");
	if (link_at(dir, PROBE_BASE, path, extra, n))
		die("probe link at 0x%x failed", PROBE_BASE);
	uint32_t size;
	struct mod_desc layout;
	uint8_t *img = elf_image(path, &layout, &size);
	if (size != d->mem_size)
		die("probe link at 0x%x has a different layout (%u vs %u bytes)", PROBE_BASE, size,
		    d->mem_size);
	struct probe pr = {PROBE_BASE, img, names, vals, weak, n};
	probe_reconcile(d, &pr);
	size_t bad = sort_offsets(d->fixups, d->nfixups);
	if (bad)
		die("overlapping base fixups at 0x%x", d->fixups[bad - 1]);
	remove(path);
	xfree(path);
	xfree(img);
	for (size_t i = 0; i < n; i++)
		xfree(extra[i]);
	xfree(extra);
	xfree(names);
	xfree(vals);
	xfree(weak);
}

/* What every module may need and no input provides: the hidden
 * __stack_chk_fail_local that PIC code with stack protection calls. */
static void write_support(const char *dir)
{
	char *src = path_in(dir, "rmod-support.s"), *obj = path_in(dir, "rmod-support.o");
	char *lib = path_in(dir, "rmod-support.a");
	FILE *f = fopen(src, "w");
	if (!f)
		die("%s: %s", src, strerror(errno));
	fputs("# Written by rmod-link: module runtime support.\n"
	      "\t.section .note.GNU-stack,\"\",@progbits\n"
	      "\t.section .text.__stack_chk_fail_local,\"ax\",@progbits\n"
	      "\t.globl __stack_chk_fail_local\n\t.hidden __stack_chk_fail_local\n"
	      "\t.type __stack_chk_fail_local,@function\n"
	      "__stack_chk_fail_local:\n\tjmp __stack_chk_fail\n",
	      f);
	fclose(f);
	char *as[] = {"as", "--32", "-o", obj, src, NULL};
	remove(lib);
	char *ar[] = {"ar", "rcsD", lib, obj, NULL};
	if (run(as) || run(ar))
		die("building %s failed", lib);
	xfree(src);
	xfree(obj);
	xfree(lib);
}

/* The 32-bit libgcc (gcc-multilib) for __udivdi3 and friends. */
static void copy_libgcc(const char *dir)
{
	const char *path = getenv("RMOD_LIBGCC");
	char buf[4096];
	if (!path) {
		FILE *p = popen("gcc -m32 -print-libgcc-file-name", "r");
		if (!p || !fgets(buf, sizeof(buf), p))
			die("cannot find the 32-bit libgcc (is gcc-multilib installed?)");
		pclose(p);
		buf[strcspn(buf, "\n")] = 0;
		path = buf;
	}
	if (access(path, R_OK))
		die("%s: 32-bit libgcc not found (is gcc-multilib installed?)", path);
	char *to = path_in(dir, "libgcc.a");
	copy_file(path, to);
	xfree(to);
}

/* Record which provider each import comes from (the module's needs) and
 * refuse imports nobody provides. */
static void resolve_providers(struct mod_desc *d, const struct provider_set *ps,
			      int allow_undefined)
{
	struct buf missing = {0};
	/* The module's RMOD_IMPORT_NS namespaces, comma-separated (or NULL). */
	struct buf nsb = {0};
	for (size_t i = 0; i < d->nimport_ns; i++) {
		if (i)
			buf_put(&nsb, ",", 1);
		buf_put(&nsb, d->import_ns[i], strlen(d->import_ns[i]));
	}
	if (nsb.len)
		buf_put(&nsb, "", 1);
	const char *ns_list = nsb.len ? (const char *)nsb.p : NULL;
	for (size_t i = 0; i < d->nimports; i++) {
		struct mod_import *im = &d->imports[i];
		const struct provided *p = providers_find(ps, im->name);
		/* With no provider known now, the import may come from any
		 * namespace the module imports; the loader checks. */
		if (!p && ns_list)
			im->ns = xstrdup(ns_list);
		if (!p && im->weak)
			continue; /* optional: binds 0 unless someone exports it */
		if (!p) {
			if (missing.len)
				buf_put(&missing, ", ", 2);
			buf_put(&missing, im->name, strlen(im->name));
			continue;
		}
		if (im->bind == RMOD_BIND_IAT && p->kind != RMOD_EXP_FUNC)
			die("import '%s' is called but %s exports it as data", im->name, p->provider);
		if (p->ns && !rm_list_has(ns_list, p->ns, 0))
			die("import '%s' is in namespace '%s' of %s, which module %s does not import "
			    "(add RMOD_IMPORT_NS(\"%s\"))",
			    im->name, p->ns, p->provider, d->name, p->ns);
		if (p->allow && !rm_list_has(p->allow, d->name, 1))
			die("import '%s': %s exports it only for modules '%s', not for module %s",
			    im->name, p->provider, p->allow, d->name);
		im->ns = p->ns ? xstrdup(p->ns) : NULL;
		im->stamp = p->stamp;
		im->hint = p->hint;
		/* A weak import never makes its provider a need: it binds to the
		 * provider when that is loaded, and to 0 otherwise. */
		if (!strcmp(p->provider, "kernel") || im->weak)
			continue;
		if (!strcmp(p->provider, d->name))
			die("import '%s' would come from the module itself", im->name);
		size_t k;
		for (k = 0; k < d->nneeds; k++)
			if (!strcmp(d->needs[k], p->provider))
				break;
		if (k == d->nneeds) {
			d->needs = xrealloc(d->needs, (d->nneeds + 1) * sizeof(char *));
			d->needs[d->nneeds++] = xstrdup(p->provider);
		}
		im->need = (uint16_t)k;
	}
	if (missing.len && !allow_undefined) {
		buf_put(&missing, "", 1);
		die("unresolved imports (no provider exports them; use --allow-undefined to "
		    "defer to load time): %s",
		    (char *)missing.p);
	}
	xfree(missing.p);
	xfree(nsb.p);
}

static char **read_list(const char *path, char **list, size_t *n)
{
	size_t sz;
	char *text = (char *)read_file(path, &sz);
	text = xrealloc(text, sz + 1);
	text[sz] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *s = line + strspn(line, " \t");
		char *e = s + strcspn(s, " \t#\r");
		*e = 0;
		if (!*s)
			continue;
		list = xrealloc(list, (*n + 1) * sizeof(char *));
		list[(*n)++] = xstrdup(s);
	}
	xfree(text);
	return list;
}

int main(int argc, char **argv)
{
	progname = "rmod-link";
	struct conv_opts o;
	memset(&o, 0, sizeof(o));
	const char *out = NULL, *from_elf = NULL, *temps = NULL;
	struct provider_set providers = {0};
	int nproviders = 0, allow_undefined = 0;
	enum { O_NAME = 256, O_INIT, O_EXIT, O_EXPORT, O_EXPORT_ALL, O_EXPORT_LIST, O_BIND,
	       O_SAVE, O_FROM, O_STRIP, O_PROVIDER, O_ALLOW_UNDEF, O_STRIP_ABI };
	static const struct option lo[] = {
		{"name", 1, 0, O_NAME},         {"init", 1, 0, O_INIT},
		{"exit", 1, 0, O_EXIT},         {"export", 1, 0, O_EXPORT},
		{"export-all", 0, 0, O_EXPORT_ALL}, {"export-list", 1, 0, O_EXPORT_LIST},
		{"bind", 1, 0, O_BIND},         {"save-temps", 1, 0, O_SAVE},
		{"from-elf", 1, 0, O_FROM},     {"strip", 0, 0, O_STRIP},
		{"provider", 1, 0, O_PROVIDER}, {"allow-undefined", 0, 0, O_ALLOW_UNDEF},
		{"strip-abi", 0, 0, O_STRIP_ABI}, {"help", 0, 0, 'h'},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case O_NAME: o.name = optarg; break;
		case O_INIT: o.init = optarg; break;
		case O_EXIT: o.exit = optarg; break;
		case O_EXPORT:
			o.exports = xrealloc(o.exports, (o.nexports + 1) * sizeof(char *));
			o.exports[o.nexports++] = optarg;
			break;
		case O_EXPORT_ALL: o.export_all = 1; break;
		case O_EXPORT_LIST: o.exports = read_list(optarg, o.exports, &o.nexports); break;
		case O_BIND:
			if (!strcmp(optarg, "iat"))
				o.bind_direct = 0;
			else if (!strcmp(optarg, "direct"))
				o.bind_direct = 1;
			else
				die("--bind: '%s' is not iat or direct", optarg);
			break;
		case O_SAVE: temps = optarg; break;
		case O_FROM: from_elf = optarg; break;
		case O_STRIP: o.strip = 1; break;
		case O_STRIP_ABI: o.strip_abi = 1; break;
		case O_PROVIDER:
			providers_add(&providers, optarg);
			nproviders++;
			break;
		case O_ALLOW_UNDEF: allow_undefined = 1; break;
		default: usage();
		}
	}
	if (!out)
		usage();
	char *fallback = xstrdup(base_name(out));
	char *dot = strrchr(fallback, '.');
	if (dot && dot != fallback)
		*dot = 0;
	o.fallback_name = fallback;

	struct mod_desc d;
	if (from_elf) {
		if (optind != argc)
			die("--from-elf takes no other inputs");
		o.elf_only = 1;
		elf_to_module(from_elf, &o, &d);
	} else {
		if (optind == argc)
			die("no input objects");
		static char dirbuf[] = "/tmp/rmod-link.XXXXXX";
		const char *dir = temps;
		if (temps) {
			if (mkdir(temps, 0755) && errno != EEXIST)
				die("%s: %s", temps, strerror(errno));
		} else if (!(dir = mkdtemp(dirbuf))) {
			die("mkdtemp: %s", strerror(errno));
		} else {
			tmp_dir = dirbuf;
			atexit(remove_tmp_dir);
		}
		char **inputs = argv + optind;
		size_t ninputs = (size_t)(argc - optind);
		for (size_t i = 0; i < ninputs; i++) {
			for (size_t j = 0; j < i; j++)
				if (!strcmp(base_name(inputs[i]), base_name(inputs[j])))
					die("two inputs named %s", base_name(inputs[i]));
			if (!strcmp(base_name(inputs[i]), "libgcc.a") ||
			    !strncmp(base_name(inputs[i]), "rmod-support.", 13))
				die("%s: name reserved for rmod-link's own files", inputs[i]);
			input_hidden_globals(inputs[i], &o.hidden, &o.nhidden);
			char *to = path_in(dir, base_name(inputs[i]));
			copy_file(inputs[i], to);
			xfree(to);
		}
		char *ld = path_in(dir, "module.ld");
		write_file(ld, rmod_module_ld, strlen(rmod_module_ld));
		xfree(ld);
		char *imp_o = path_in(dir, "imports.o");
		remove(imp_o);
		write_link_sh(dir, inputs, ninputs);
		write_support(dir);
		copy_libgcc(dir);

		char *pass1 = path_in(dir, "pass1.elf");
		char *ign = "--unresolved-symbols=ignore-all";
		if (link_at(dir, 0, pass1, &ign, 1))
			die("ld failed (pass 1)");
		size_t nu;
		struct undef *u = elf_undefined(pass1, &nu);
		remove(pass1);
		char **thunks = NULL, **extra = NULL;
		struct undef *site_u = NULL;
		size_t nthunks = 0, nextra = 0;
		for (size_t i = 0; i < nu; i++) {
			/* Only a symbol that is just called can go through a thunk;
			 * address-taken, data and GOT references bind at the site,
			 * and so do weak ones, which must read as 0 when absent. */
			if (!o.bind_direct && !u[i].abs_refs && !u[i].other_refs && !u[i].weak) {
				thunks = xrealloc(thunks, (nthunks + 1) * sizeof(char *));
				thunks[nthunks++] = u[i].name;
			} else {
				size_t n = strlen(u[i].name) + 16;
				extra = xrealloc(extra, (nextra + 1) * sizeof(char *));
				site_u = xrealloc(site_u, (nextra + 1) * sizeof(*site_u));
				site_u[nextra] = u[i];
				extra[nextra] = xmalloc(n);
				snprintf(extra[nextra++], n, "--defsym=\"%s\"=0", u[i].name);
			}
		}
		if (nthunks || nextra)
			write_imports(dir, thunks, nthunks, site_u, nextra);
		char *elf = path_in(dir, "module.elf");
		if (link_at(dir, 0, elf, extra, nextra))
			die("ld failed");
		size_t ln = strlen(out) + 32;
		char *label = xmalloc(ln);
		snprintf(label, ln, "%s (linked at 0)", out);
		o.label = label;
		elf_to_module(elf, &o, &d);
		size_t before = d.nimports;
		probe_check(dir, &d, site_u, nextra);
		if (d.nimports != before) /* imports only GOT entries refer to */
			elf_versions(elf, &o, &d);
		xfree(elf);
		xfree(imp_o);
		xfree(pass1);
	}

	/* Without providers rmod-link cannot know what the kernel offers,
	 * so the check is left to load time (imports still get the module's
	 * namespaces). */
	resolve_providers(&d, &providers, allow_undefined || !nproviders);
	struct buf file = {0};
	rmod_write(&d, &file);
	/* Never write a module our own loader would refuse. */
	struct rm_module m;
	struct rm_diag dg;
	uint32_t *bits = NULL;
	if (rm_parse(file.p, file.len, 0, &m, &dg) ||
	    rm_check_layout(&m, bits = xcalloc(rm_layout_scratch(&m) + 4, 1), &dg))
		die("internal error: produced an invalid module: %s (%s) at 0x%x (value 0x%x, "
		    "0x%x)",
		    rm_strerror(dg.code), rm_errname(dg.code), dg.at, dg.val, dg.val2);
	xfree(bits);
	write_file(out, file.p, file.len);
	return 0;
}
