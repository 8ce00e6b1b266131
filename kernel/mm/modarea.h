#ifndef KERNEL_MODAREA_H
#define KERNEL_MODAREA_H

#include <stddef.h>
#include <stdint.h>

void modarea_init(uintptr_t start, uintptr_t end);
/* Page-aligned memory for module images, next fit: after an unload the
 * next load lands at a different base. */
uintptr_t modarea_alloc(size_t bytes);
/* Exactly [addr, addr + bytes) if those pages are in the area and free
 * (a prelinked module's preferred base), else 0. */
uintptr_t modarea_alloc_at(uintptr_t addr, size_t bytes);
void modarea_free(uintptr_t addr, size_t bytes);
size_t modarea_pages_in_use(void);
/* Whether addr lies in the module area (else it is the kernel's). */
int modarea_holds(uintptr_t addr);

#endif
