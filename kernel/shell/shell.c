/* The serial shell: one command per line, every error on one line. */
#include "shell.h"

#include "heap.h"
#include "io.h"
#include "kprintf.h"
#include "modarea.h"
#include "bench.h"
#include "deps.h"
#include "modlist.h"
#include "module.h"
#include "params.h"
#include "rmod/kernel.h"
#include "serial.h"
#include "symtab.h"

#define LINE_MAX 256
#define MAX_ARGS 16

static void cmd_help(int argc, char **argv);

static void cmd_lsmod(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Module           Base        Size InitFreed Refs Uses\n");
	for (struct module *m = module_first(); m; m = m->next) {
		kprintf("%-16s 0x%08x %8u %8u %4u ", m->name, m->base, m->core_size, m->init_freed,
			m->refs);
		for (uint32_t k = 0; k < m->nuses; k++)
			kprintf("%s%s", k ? "," : "", m->uses[k]->name);
		kprintf("%s\n", m->nuses ? "" : "-");
	}
}

static void cmd_insmod(int argc, char **argv)
{
	unsigned flags = 0;
	int first = 1;
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--noinit"))
			flags |= LOAD_NOINIT;
		else if (!strcmp(argv[first], "--quiet"))
			flags |= LOAD_QUIET;
		else
			break;
	}
	if (argc <= first || argv[first][0] == '-') {
		kprintf("insmod: usage: insmod [--noinit] [--quiet] NAME [PARAM=VALUE]...\n");
		return;
	}
	char args[LINE_MAX] = "";
	size_t n = 0;
	for (int i = first + 1; i < argc; i++)
		n += (size_t)ksnprintf(args + n, sizeof(args) - n, "%s%s", i > first + 1 ? " " : "",
				       argv[i]);
	if (module_insmod(argv[first], args, flags) == 0) {
		struct module *m = module_last();
		kprintf("insmod: %s loaded at 0x%08x%s\n", m->name, m->base,
			m->noinit ? " (init not run)" : "");
	}
}

static void cmd_rmmod(int argc, char **argv)
{
	if (argc != 2) {
		kprintf("rmmod: usage: rmmod NAME\n");
		return;
	}
	module_rmmod(argv[1], 0);
}

static void show_module(const struct rm_module *rm, const struct module *m)
{
	kprintf("name: %s\n", rm->name);
	kprintf("description: %s\n", rm->desc);
	if (m) {
		kprintf("base: 0x%08x\n", m->base);
		kprintf("size: %u\n", m->core_size);
		kprintf("init freed: %u\n", m->init_freed);
	}
	kprintf("fixups: %u\n", rm->fixup_count);
	kprintf("imports: %u\n", rm->nimports);
	kprintf("exports: %u\n", rm->nexports);
	for (uint32_t i = 0; i < rm->nexports; i++) {
		struct rm_export e;
		rm_get_export(rm, i, &e);
		kprintf("export: %s 0x%08x", e.name, (m ? m->base : 0) + e.offset);
		if (e.ns)
			kprintf(" ns=%s", e.ns);
		if (e.allow)
			kprintf(" for=%s", e.allow);
		kprintf("\n");
	}
	/* One walk: records are variable-length, rm_get_import(i) walks to i. */
	struct rm_import_it it;
	struct rm_import im;
	rm_imports_begin(rm, &it);
	while (rm_imports_next(rm, &it, &im))
		if (im.ns)
			kprintf("import_ns: %s %s\n", im.name, im.ns);
	for (uint32_t i = 0; i < rm->nneeds; i++)
		kprintf("depends: %s\n", rm_get_need(rm, i));
	static const char *const types[] = {"?", "int", "uint", "bool", "string"};
	for (uint32_t i = 0; i < rm->nparams; i++) {
		struct rm_param p;
		char val[80] = "(not loaded)";
		rm_get_param(rm, i, &p);
		if (m)
			params_format(rm, i, (const uint8_t *)m->base, val, sizeof(val));
		kprintf("parm: %s (%s) %s = %s\n", p.name, types[p.type <= 4 ? p.type : 0], p.desc,
			val);
	}
	if (rm->init_off == RMOD_NONE)
		kprintf("init: none\n");
	else
		kprintf("init: 0x%08x\n", (m ? m->base : 0) + rm->init_off);
	if (rm->exit_off == RMOD_NONE)
		kprintf("exit: none\n");
	else
		kprintf("exit: 0x%08x\n", (m ? m->base : 0) + rm->exit_off);
}

static void cmd_modinfo(int argc, char **argv)
{
	if (argc != 2) {
		kprintf("modinfo: usage: modinfo NAME\n");
		return;
	}
	struct module *m = module_find(argv[1]);
	if (m) {
		show_module(&m->rm, m);
		return;
	}
	const struct bootfile *bf = bootfile_find(argv[1]);
	struct rm_module rm;
	struct rm_diag d;
	if (!bf) {
		kprintf("modinfo: %s: no such module\n", argv[1]);
		return;
	}
	int rc = rm_parse(bf->data, bf->size, 0, &rm, &d);
	if (rc) {
		kprintf("modinfo: %s: %s (%s)\n", argv[1], rm_strerror(rc), rm_errname(rc));
		return;
	}
	show_module(&rm, 0);
}

static const char *ksyms_pattern;

static int contains(const char *s, const char *pat)
{
	size_t n = strlen(pat);
	for (; *s; s++)
		if (!strncmp(s, pat, n))
			return 1;
	return n == 0;
}

static void print_sym(const struct ksym *s, void *ctx)
{
	(void)ctx;
	if (ksyms_pattern && !contains(s->name, ksyms_pattern))
		return;
	kprintf("0x%08x %c %s [%s", s->sym.addr, s->sym.kind == RMOD_EXP_DATA ? 'D' : 'T', s->name,
		s->owner ? s->owner->name : "kernel");
	if (s->ns)
		kprintf(" ns=%s", s->ns);
	if (s->allow)
		kprintf(" for=%s", s->allow);
	kprintf("]\n");
}

static void cmd_ksyms(int argc, char **argv)
{
	ksyms_pattern = argc > 1 ? argv[1] : 0;
	sym_each(print_sym, 0);
}

static void cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (struct module *m = module_first(); m; m = m->next) {
		kprintf("stats: %s", m->name);
		for (int p = 0; p < PH_COUNT; p++)
			kprintf(" %s=%llu", phase_name(m->kind, p), (unsigned long long)m->ticks[p]);
		if (m->kind == MOD_RMOD)
			kprintf(" kind=rmod fixups=%u iat=%u sites=%u imports=%u lookups=%u size=%u\n",
				m->n_fixups, m->n_iat, m->n_sites, m->rm.nimports, m->n_lookups,
				m->rm.mem_size);
		else
			kprintf(" kind=etrel relocs=%u lookups=%u size=%u\n", m->n_relocs,
				m->n_lookups, m->rm.mem_size);
	}
	kprintf("heap: %u bytes in use, %u allocations\n", (unsigned)heap_bytes_in_use(),
		(unsigned)heap_allocs_in_use());
	kprintf("modarea: %u pages in use\n", (unsigned)modarea_pages_in_use());
	/* Pages mapped in place are the boot files' own; the module-area
	 * pages at those addresses stay reserved but hold nothing. */
	uint32_t inplace = 0;
	for (struct module *m = module_first(); m; m = m->next)
		inplace += m->map_len / 4096;
	kprintf("inplace: %u pages of boot files mapped as module text and rodata\n",
		(unsigned)inplace);
}

static void cmd_trace(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "on"))
		phase_trace_enable(1);
	else if (argc == 2 && !strcmp(argv[1], "off"))
		phase_trace_enable(0);
	else if (argc == 2 && !strcmp(argv[1], "show"))
		phase_trace_print();
	else
		kprintf("trace: usage: trace on|off|show\n");
}

static void cmd_halt(int argc, char **argv)
{
	uint32_t code = 0;
	if (argc > 1) {
		for (const char *p = argv[1]; *p; p++) {
			if (*p < '0' || *p > '9' || code > 100000) {
				kprintf("halt: '%s' is not a small number\n", argv[1]);
				return;
			}
			code = code * 10 + (uint32_t)(*p - '0');
		}
	}
	kprintf("halt: %u\n", code);
	qemu_exit(code);
}

static const struct {
	const char *name, *help;
	void (*fn)(int, char **);
} cmds[] = {
	{"help", "list commands", cmd_help},
	{"lsmod", "list loaded modules", cmd_lsmod},
	{"insmod", "[--noinit] [--quiet] NAME [PARAM=VALUE]...: load a module handed over at boot",
	 cmd_insmod},
	{"rmmod", "NAME: unload a module", cmd_rmmod},
	{"modinfo", "NAME: show a module or module file", cmd_modinfo},
	{"ksyms", "[PATTERN]: list exported symbols", cmd_ksyms},
	{"stats", "load cost per phase (TSC ticks) and memory in use", cmd_stats},
	{"trace", "on|off|show: record the steps of each load phase (the last load)", cmd_trace},
	{"soak", "NAME CYCLES: insmod/rmmod repeatedly, checking for leaks", bench_soak},
	{"floor", "NAME: time the cheapest loader of NAME's image (copy + adds)", bench_floor},
	{"halt", "[CODE]: stop, QEMU exits with CODE", cmd_halt},
};

static void cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		kprintf("  %-8s %s\n", cmds[i].name, cmds[i].help);
}

void shell_exec(char *line)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (argc == MAX_ARGS) {
			kprintf("shell: too many arguments (at most %d)\n", MAX_ARGS);
			return;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (!argc)
		return;
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[0], cmds[i].name)) {
			cmds[i].fn(argc, argv);
			return;
		}
	kprintf("shell: unknown command '%s' (try help)\n", argv[0]);
}

void shell_run(void)
{
	char line[LINE_MAX];
	for (;;) {
		size_t n = 0;
		int overflow = 0;
		kprintf("rmod> ");
		for (;;) {
			int c = serial_getc();
			if (c == '\r' || c == '\n') {
				serial_putc('\n');
				break;
			}
			if (c == 8 || c == 127) {
				if (n) {
					n--;
					kprintf("\b \b");
				}
				continue;
			}
			if (c < 32 || c > 126)
				continue;
			if (n + 1 < sizeof(line)) {
				line[n++] = (char)c;
				serial_putc((char)c);
			} else {
				overflow = 1;
			}
		}
		line[n] = 0;
		if (overflow)
			kprintf("shell: line too long (at most %d characters)\n", LINE_MAX - 1);
		else
			shell_exec(line);
	}
}
