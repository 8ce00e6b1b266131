/* Imports and base fixups of a linked module ELF: the IAT slots, and the
 * classification of every relocation ld kept with --emit-relocs. */
#ifndef RMOD_ELF_RELOCS_H
#define RMOD_ELF_RELOCS_H

#include <stddef.h>

#include "elf_file.h"
#include "rmod_write.h"

/* An undefined symbol of a pass-1 link and how it is referenced. */
struct undef {
	char *name;
	int abs_refs, pc_refs, other_refs;
	int weak; /* every reference is weak: an optional import */
};

/* List undefined, referenced symbols of a linked ELF. */
struct undef *elf_undefined(const char *path, size_t *n);

/* d's imports (IAT imports from their slot symbols, site imports from
 * relocations), import sites and base fixups, with d's layout and image
 * already read.  Dies naming the section and offset of anything it
 * cannot represent.  Imports are left sorted.  GOT entries are words ld
 * writes without relocations, which only a probe link finds: elf_only
 * (no probe link follows) refuses them. */
void elf_imports_fixups(struct elf_file *f, struct mod_desc *d, int elf_only);

const char *r386_name(unsigned type);

#endif
