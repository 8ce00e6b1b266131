/* Converting a base-0 linked, --emit-relocs module ELF (libelf) into a
 * module description. */
#ifndef RMOD_ELF_MODULE_H
#define RMOD_ELF_MODULE_H

#include <stddef.h>

#include "rmod_write.h"

struct conv_opts {
	const char *name;      /* --name, else .rmod_info name=, else fallback */
	const char *fallback_name;
	const char *init, *exit;
	char **exports;
	size_t nexports;
	int export_all;
	char **hidden; /* the inputs' hidden globals, which --export-all includes */
	size_t nhidden;
	int strip;        /* leave out the SYMS table */
	int bind_direct;
	const char *label; /* names the module in messages instead of the ELF path */
	int elf_only;      /* --from-elf: no probe link will check the result */
};

/* Convert; dies with a message naming the section and offset on
 * anything it cannot represent. */
void elf_to_module(const char *path, const struct conv_opts *o, struct mod_desc *d);

/* Versions from the module's own DWARF: its definitions for exports, its
 * declarations for imports; 0 where it has none (no -g).  elf_to_module
 * calls it; call it again after adding imports (the probe link). */
void elf_versions(const char *path, struct mod_desc *d);

#endif
