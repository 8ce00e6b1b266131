/* Symbol versions from DWARF, as Linux's gendwarfksyms does: CRC-32 of a
 * canonical text of the symbol's type (libdw). */
#ifndef RMOD_SYMVER_H
#define RMOD_SYMVER_H

#include <libelf.h>
#include <stdint.h>

#include "util.h"

struct symver;

/* Index the DWARF of an ELF file; a file without DWARF gives only 0s. */
struct symver *symver_open(const char *path);
/* The same for an ELF the caller keeps open (an archive member). */
struct symver *symver_open_elf(Elf *e);
/* The version of a function or variable: 0 when there is no DWARF for it
 * (unversioned), never 0 otherwise. */
uint32_t symver_get(struct symver *s, const char *name);
/* The canonical type text behind the version (malloc'd), or NULL. */
char *symver_text(struct symver *s, const char *name);
void symver_close(struct symver *s);

#endif
