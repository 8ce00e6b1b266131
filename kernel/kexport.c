/* What the kernel exports to modules. */
#include "heap.h"
#include "kexport.h"
#include "kprintf.h"
#include "rmod/kernel.h"

const char kernel_version[] = "rmod-kernel 0.1";

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
