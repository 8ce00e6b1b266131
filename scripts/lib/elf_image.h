/* The layout ([text | rodata | data | bss | init], from the linker
 * script's __rmod_* symbols) and the image bytes of a linked module ELF. */
#ifndef RMOD_ELF_IMAGE_H
#define RMOD_ELF_IMAGE_H

#include "elf_file.h"
#include "rmod_write.h"

/* Fill d's layout fields, relative to the link address, which is
 * returned; dies naming the file on a layout the format cannot hold. */
uint32_t elf_layout(struct elf_file *f, struct mod_desc *d);

/* d->image and d->init_image from the sections of a link at base 0,
 * checked against d's layout (section permissions, TLS, NOBITS). */
void elf_load_image(struct elf_file *f, struct mod_desc *d);

/* The whole image of a linked module ELF at its link address, for the
 * probe-link comparison: *size (mem_size) bytes, bss zero, with its
 * layout in *layout. */
uint8_t *elf_image(const char *path, struct mod_desc *layout, uint32_t *size);

#endif
