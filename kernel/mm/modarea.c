/* The load-base pool for module images: a page bitmap searched next fit. */
#include "modarea.h"

#include "kprintf.h"

#define PAGE 4096u
#define MAX_PAGES 16384u /* 64 MiB */

static uint8_t used[MAX_PAGES];
static uintptr_t base;
static size_t npages, cursor, in_use;

void modarea_init(uintptr_t start, uintptr_t end)
{
	base = (start + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	npages = end > base ? (end - base) / PAGE : 0;
	if (npages > MAX_PAGES)
		npages = MAX_PAGES;
}

size_t modarea_pages_in_use(void) { return in_use; }

int modarea_holds(uintptr_t addr) { return addr >= base && addr - base < npages * PAGE; }

static int run_free(size_t at, size_t n)
{
	if (at + n > npages)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (used[at + i])
			return 0;
	return 1;
}

uintptr_t modarea_alloc(size_t bytes)
{
	size_t n = (bytes + PAGE - 1) / PAGE;
	if (n == 0 || n > npages)
		return 0;
	for (size_t tried = 0; tried < npages; tried++) {
		size_t at = (cursor + tried) % npages;
		if (!run_free(at, n))
			continue;
		for (size_t i = 0; i < n; i++)
			used[at + i] = 1;
		in_use += n;
		cursor = (at + n) % npages;
		return base + at * PAGE;
	}
	return 0;
}

uintptr_t modarea_alloc_at(uintptr_t addr, size_t bytes)
{
	size_t n = (bytes + PAGE - 1) / PAGE, at = (addr - base) / PAGE;
	if (addr < base || addr % PAGE || n == 0 || !run_free(at, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		used[at + i] = 1;
	in_use += n;
	return addr;
}

void modarea_free(uintptr_t addr, size_t bytes)
{
	size_t n = (bytes + PAGE - 1) / PAGE, at = (addr - base) / PAGE;
	if (addr < base || addr % PAGE || at + n > npages) {
		kprintf("modarea: bad free of %u bytes at 0x%08x (ignored)\n", (unsigned)bytes,
			(unsigned)addr);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!used[at + i]) {
			kprintf("modarea: page 0x%08x freed twice\n", (unsigned)(addr + i * PAGE));
			continue;
		}
		used[at + i] = 0;
		in_use--;
	}
}
