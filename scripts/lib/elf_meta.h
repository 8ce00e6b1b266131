/* Module metadata from a linked module ELF: name and description,
 * parameters and exports (.rmod_info and options), entry points, and the
 * compact symbol table for fault attribution. */
#ifndef RMOD_ELF_META_H
#define RMOD_ELF_META_H

#include "elf_file.h"
#include "elf_module.h"

/* Fill d's metadata; d's layout and imports are already read. */
void elf_metadata(struct elf_file *f, const struct conv_opts *o, struct mod_desc *d);

#endif
