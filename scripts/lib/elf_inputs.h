/* Checking rmod-link's inputs (objects and archives, via libelf) before
 * ld sees them, so a refusal can name the file, section and offset. */
#ifndef RMOD_ELF_INPUTS_H
#define RMOD_ELF_INPUTS_H

/* Dies with one line on an input that cannot become part of a module:
 * not an i386 relocatable object or archive of them, a TLS relocation,
 * a dynamic relocation (COPY, IRELATIVE, ...), an IFUNC symbol, or a
 * relocation type rmod-link does not handle. */
void check_input(const char *path);

#endif
