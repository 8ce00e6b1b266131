/* What the kernel exports to modules. */
#include "heap.h"
#include "kexport.h"
#include "kprintf.h"
#include "modarea.h"
#include "modlist.h"
#include "module.h"
#include "rmod/kernel.h"

const char kernel_version[] = "rmod-kernel 0.1";

int kernel_stats(struct kstats *out)
{
	uint32_t n = 0;
	for (struct module *m = module_first(); m; m = m->next)
		n++;
	out->heap_bytes = (uint32_t)heap_bytes_in_use();
	out->heap_allocs = (uint32_t)heap_allocs_in_use();
	out->modarea_pages = (uint32_t)modarea_pages_in_use();
	out->modules = n;
	return 0;
}

KEXPORT(kernel_stats);
KEXPORT(kprintf);
KEXPORT(kmalloc);
KEXPORT(kfree);
KEXPORT(memcpy);
KEXPORT(memmove);
KEXPORT(memset);
KEXPORT(memcmp);
KEXPORT(strlen);
KEXPORT(strcmp);
KEXPORT(strncmp);
KEXPORT_DATA(kernel_version);
