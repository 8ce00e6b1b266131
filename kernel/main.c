/* kmain: bring the machine up, load the boot modules, run the shell. */
#include "bootfiles.h"
#include "cpu.h"
#include "fpu.h"
#include "heap.h"
#include "io.h"
#include "kprintf.h"
#include "modarea.h"
#include "addr2sym.h"
#include "deps.h"
#include "modlist.h"
#include "module.h"
#include "rmod/bootcoll.h"
#include "rmod/kernel.h"
#include "serial.h"
#include "shell.h"
#include "paging.h"
#include "symtab.h"
#include "trap.h"

#define MB_BOOT_MAGIC 0x2BADB002
extern char __kernel_end[];

/* Memory above the kernel and the boot modules, up to mem_upper. */
static void memory_init(const uint32_t *mbi)
{
	uintptr_t lo = (uintptr_t)__kernel_end;
	if (bootfiles_end() > lo)
		lo = bootfiles_end();
	lo = (lo + 4095) & ~(uintptr_t)4095;
	uintptr_t hi = (mbi[0] & 1) ? 0x100000 + (uintptr_t)mbi[2] * 1024 : 0x2000000;
	if (hi > (256u << 20)) /* what the page tables cover */
		hi = 256u << 20;
	paging_init(hi);
	/* The module area is a fixed window (rmod/bootcoll.h), so preferred
	 * bases chosen at build time hold at every boot; with less memory it
	 * is the upper half of what there is. */
	uintptr_t mid = lo + ((hi - lo) / 2 & ~(uintptr_t)4095), mend = hi;
	if (lo < RMOD_MODAREA_START && hi >= RMOD_MODAREA_END)
		mid = RMOD_MODAREA_START, mend = RMOD_MODAREA_END;
	heap_init(lo, mid);
	modarea_init(mid, mend);
}

static int has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	for (; s && *s; s++)
		if (!strncmp(s, w, n) && (s[n] == 0 || s[n] == ' '))
			return 1;
	return 0;
}

void kmain(uint32_t magic, uint32_t mbi);
void kmain(uint32_t magic, uint32_t mbi)
{
	uint64_t t_entry = rdtsc(); /* boot cost is counted from here */
	serial_init();
	cpu_init();
	fpu_init();
	idt_init();
	if (magic != MB_BOOT_MAGIC) {
		kprintf("PANIC: not booted by a multiboot loader (magic 0x%08x)\n", magic);
		return;
	}
	const uint32_t *info = (const uint32_t *)mbi;
	const char *cmdline = (info[0] & 4) ? (const char *)info[4] : "";
	bootfiles_init(mbi);
	memory_init(info);
	symtab_init();
	addr2sym_init();
	kprintf("%s: %u module file(s)\n", kernel_version, bootfile_count());
	if (!has_word(cmdline, "noautoload")) {
		for (unsigned i = 0; i < bootfile_count(); i++) {
			struct bootfile *f = bootfile_at(i);
			struct module *last = module_last();
			if (module_find(f->name)) /* already loaded as a dependency */
				continue;
			if (module_insmod(f->name, f->args, 0))
				continue;
			/* One line per module this load brought in, providers included. */
			for (struct module *m = last ? last->next : module_first(); m; m = m->next) {
				kprintf("boot: %s loaded at 0x%08x (", m->name, m->base);
				for (int p = 0; p < PH_COUNT; p++)
					kprintf("%s%s=%llu", p ? " " : "", phase_name(m->kind, p),
						(unsigned long long)m->ticks[p]);
				kprintf(" ticks)\n");
			}
		}
	}
	kprintf("boot: ready after %llu ticks from kernel entry\n",
		(unsigned long long)(rdtsc() - t_entry));
	kprintf("rmod kernel ready\n");
	shell_run();
}
