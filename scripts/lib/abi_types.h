/* The TYPES table of a .rmod: the canonical type text of every export
 * and import (symver.c), deduplicated, for rmod-abi; never loaded. */
#ifndef RMOD_ABI_TYPES_H
#define RMOD_ABI_TYPES_H

#include <stddef.h>

#include "loader.h"
#include "util.h"

/* Encode the table; a NULL text means "no type" (no DWARF).  Leaves out
 * is empty when no text is given at all. */
void abi_types_encode(struct buf *out, char *const *exp, size_t nexp, char *const *imp,
		      size_t nimp);

struct abi_types;
/* Decode a parsed module's TYPES table; NULL when it has none.  Dies,
 * naming the file and byte, on a malformed table. */
struct abi_types *abi_types_read(const struct rm_module *m, const char *path);
/* Text of export i / import i in table order, or NULL. */
const char *abi_types_export(const struct abi_types *t, size_t i);
const char *abi_types_import(const struct abi_types *t, size_t i);
void abi_types_free(struct abi_types *t);

#endif
