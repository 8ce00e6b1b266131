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
	int strip;        /* leave out the SYMS table */
	int bind_direct;
	const char *label; /* names the module in messages instead of the ELF path */
};

/* Convert; dies with a message naming the section and offset on
 * anything it cannot represent. */
void elf_to_module(const char *path, const struct conv_opts *o, struct mod_desc *d);

#endif
