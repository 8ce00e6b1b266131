/* Reading a base-0 linked, --emit-relocs module ELF (libelf) into a
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
};

/* An undefined symbol of a pass-1 link and how it is referenced. */
struct undef {
	char *name;
	int abs_refs, pc_refs, other_refs;
};

/* List undefined, referenced symbols of a linked ELF. */
struct undef *elf_undefined(const char *path, size_t *n);

/* Convert; dies with a message naming the section and offset on
 * anything it cannot represent. */
void elf_to_module(const char *path, const struct conv_opts *o, struct mod_desc *d);

/* The image bytes of a linked module ELF at its link address, for the
 * probe-link comparison (mem_size bytes, bss zero). */
uint8_t *elf_image(const char *path, uint32_t *size);

const char *r386_name(unsigned type);

#endif
