/* Symbol versions from DWARF, as Linux's gendwarfksyms does: CRC-32 of a
 * canonical text of the symbol's type (libdw). */
#ifndef RMOD_SYMVER_H
#define RMOD_SYMVER_H

#include <elfutils/libdw.h>
#include <stdint.h>

#include "util.h"

struct symver;

/* Index the DWARF of an ELF file; a file without DWARF gives only 0s. */
struct symver *symver_open(const char *path);
/* The same for DWARF the caller keeps open (libdwfl's, relocated). */
struct symver *symver_open_dwarf(Dwarf *dw);
/* The version of a function or variable: 0 when there is no DWARF for it
 * (unversioned), never 0 otherwise. */
uint32_t symver_get(struct symver *s, const char *name);
/* The canonical type text behind the version (free with xfree), or NULL. */
char *symver_text(struct symver *s, const char *name);
void symver_close(struct symver *s);

#endif
