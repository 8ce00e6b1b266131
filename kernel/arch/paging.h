/* Paging for W^X: PAE page tables identity-mapping RAM at 4 KiB
 * granularity, with NX where the CPU has it. */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stddef.h>
#include <stdint.h>

#define PROT_W 1
#define PROT_X 2

/* Map [0, ram_end) (page 0 left unmapped), protect the kernel image, and
 * turn paging on.  Returns 0, or -1 if the CPU lacks PAE. */
int paging_init(uintptr_t ram_end);
/* Set the protection of whole pages in [addr, addr + len). */
void paging_protect(uintptr_t addr, size_t len, int prot);
int paging_has_nx(void);
/* Map the pages of [virt, virt + len) onto the physical pages from phys
 * (both page aligned) with prot; paging_protect maps them back onto
 * themselves. */
void paging_map(uintptr_t virt, uintptr_t phys, size_t len, int prot);

#endif
