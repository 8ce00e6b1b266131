/* Building a .rmod file from a module description (host side). */
#ifndef RMOD_WRITE_H
#define RMOD_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct mod_import {
	char *name;
	uint32_t version;
	uint8_t bind;   /* RMOD_BIND_* */
	uint16_t need;  /* index into needs or RMOD_NEED_ANY */
	uint32_t slot;  /* IAT slot image offset (IAT) */
	uint32_t nsites;
	uint32_t stamp, hint; /* bound-import hint; stamp 0 = none */
	int weak;             /* RMOD_IMPORT_WEAK: binds 0 when nobody exports it */
	char *ns;             /* RMOD_IMPORT_F_NS: the namespaces it may come from */
};

struct mod_site {
	uint32_t off;
	int pcrel;
	const char *sym; /* import name */
};

struct mod_export {
	char *name;
	uint32_t offset;
	uint16_t kind;
	uint32_t version;
	char *ns, *allow; /* RMOD_EXPORT_NS / RMOD_EXPORT_FOR, or NULL */
};

/* The canonical type text of an export or import (symver.c), by name. */
struct mod_type {
	char *name, *text;
};

struct mod_param {
	char *name, *desc;
	uint32_t offset, size;
	uint16_t type;
};

struct mod_sym {
	char *name;
	uint32_t offset, size;
};

struct mod_desc {
	char *name, *desc;
	uint8_t *image;
	uint32_t image_size, mem_size, text_end, rodata_end;
	uint32_t init_start, init_text_end; /* == mem_size when there is no init region */
	uint8_t *init_image;                /* file-backed init bytes at init_start */
	uint32_t init_image_size;
	uint32_t init_off, exit_off, iat_start, iat_end, flags;
	uint32_t *fixups;
	size_t nfixups;
	struct mod_import *imports; /* sorted with mod_sort_imports */
	size_t nimports;
	struct mod_site *sites;
	size_t nsites;
	struct mod_export *exports;
	size_t nexports;
	char **needs;
	size_t nneeds;
	char **import_ns; /* RMOD_IMPORT_NS namespaces */
	size_t nimport_ns;
	struct mod_param *params;
	size_t nparams;
	struct mod_sym *syms;
	size_t nsyms;
	struct mod_type *types; /* for the TYPES table; none = no table */
	size_t ntypes;
};

/* Sort imports by (hash, name), the order the format requires. */
void mod_sort_imports(struct mod_import *imp, size_t n);
/* Sort an offset list and report the first overlap (returns its index
 * + 1, or 0 when none). */
size_t sort_offsets(uint32_t *offs, size_t n);

/* Building a description (the only appenders of fixups, imports and
 * sites): append a base fixup; append an import (returns its index);
 * append an import site, first adding a site import of that name when
 * there is none (returns the import's index).  Imports stay unsorted. */
void desc_add_fixup(struct mod_desc *d, uint32_t off);
size_t desc_add_import(struct mod_desc *d, const struct mod_import *im);
size_t desc_add_site(struct mod_desc *d, const char *name, uint32_t off, int pcrel);

/* Is [off, off+4) inside file-backed bytes (image or init image)? */
int desc_word_ok(const struct mod_desc *d, uint32_t off);

/* Serialise; dies on an inconsistent description. */
void rmod_write(struct mod_desc *d, struct buf *out);

#endif
