/* Reading a .rmod file for the host tools: the whole file, validated by
 * the loader core (rm_parse). */
#ifndef RMOD_READ_H
#define RMOD_READ_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

/* The file's bytes (*size of them; m points into them); dies with the
 * loader's error, offset and value when it refuses the file. */
uint8_t *rmod_read(const char *path, size_t *size, struct rm_module *m);
/* The same check for a module already in memory; what names it. */
void rmod_parse_or_die(const char *what, const uint8_t *buf, size_t size, struct rm_module *m);

#endif
