/* KEXPORT: the kernel's export table, one entry per symbol in .kexports.
 * Layout (16 bytes) is read by host tools too (scripts/lib/providers.c). */
#ifndef KERNEL_KEXPORT_H
#define KERNEL_KEXPORT_H

#include <stdint.h>

#include "rmod/format.h"

struct kexport {
	const char *name;
	const void *addr;
	uint16_t kind; /* RMOD_EXP_FUNC or RMOD_EXP_DATA */
	uint16_t pad;
	uint32_t version; /* filled at build time from DWARF, 0 = unversioned */
};

#define KEXPORT__(sym, k)                                                     \
	static const struct kexport __kexport_##sym                          \
		__attribute__((used, section(".kexports"), aligned(4))) = {#sym, &sym, k, 0, 0}
#define KEXPORT(sym) KEXPORT__(sym, RMOD_EXP_FUNC)
#define KEXPORT_DATA(sym) KEXPORT__(sym, RMOD_EXP_DATA)

extern const struct kexport __kexports_start[], __kexports_end[];

#endif
