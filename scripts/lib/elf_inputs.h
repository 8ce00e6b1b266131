/* Checking rmod-link's inputs (objects and archives, via libelf) before
 * ld sees them, so a refusal can name the file, section and offset. */
#ifndef RMOD_ELF_INPUTS_H
#define RMOD_ELF_INPUTS_H

#include <stddef.h>

/* Dies with one line on an input that cannot become part of a module:
 * not an i386 relocatable object or archive of them, a TLS relocation,
 * a dynamic relocation (COPY, IRELATIVE, ...), an IFUNC symbol, or a
 * relocation type rmod-link does not handle. */
void check_input(const char *path);

/* Adds to *names (a growing array of *n) every global or weak symbol that
 * an input object defines with hidden or internal visibility: a static
 * user of the archive can call those, so --export-all exports them. */
void input_hidden_globals(const char *path, char ***names, size_t *n);

#endif
