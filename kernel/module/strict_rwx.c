/* W^X for module memory (see strict_rwx.h).  Page granularity: the
 * layouts put each permission change on a page boundary. */
#include "strict_rwx.h"

#include "modarea.h"
#include "module.h"
#include "paging.h"

void module_protect(const struct module *m)
{
	const struct rm_module *r = &m->rm;
	/* Text and rodata mapped in place keep pointing at the boot file. */
	uint32_t phys = m->map_len ? m->map_phys : m->base;
	paging_map(m->base, phys, r->text_end, PROT_X);
	paging_map(m->base + r->text_end, phys + r->text_end, r->rodata_end - r->text_end, 0);
	paging_protect(m->base + r->rodata_end, r->init_start - r->rodata_end, PROT_W);
	paging_protect(m->base + r->init_start, r->init_text_end - r->init_start, PROT_X);
	paging_protect(m->base + r->init_text_end, r->mem_size - r->init_text_end, PROT_W);
}

void module_release(uintptr_t base, uint32_t size)
{
	paging_protect(base, size, PROT_W);
	modarea_free(base, size);
}
