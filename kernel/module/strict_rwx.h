/* W^X for module memory: page permissions by region, and giving memory back. */
#ifndef KERNEL_STRICT_RWX_H
#define KERNEL_STRICT_RWX_H

#include <stdint.h>

struct module;

/* Text and init text R+X, rodata R, data, bss and init data R+W. */
void module_protect(const struct module *m);
/* Back to R+W, no X, and to the module area. */
void module_release(uintptr_t base, uint32_t size);

#endif
