/* Module files handed over by the bootloader (multiboot modules). */
#ifndef KERNEL_BOOTFILES_H
#define KERNEL_BOOTFILES_H

#include <stddef.h>
#include <stdint.h>

#define BOOTFILE_NAME 64
#define BOOTFILE_ARGS 256

struct bootfile {
	char name[BOOTFILE_NAME]; /* basename without ".rmod"/".ko" */
	char args[BOOTFILE_ARGS]; /* the rest of the module command line */
	const uint8_t *data;
	size_t size;
	int crc_checked; /* 1 ok, -1 bad, 0 not yet */
};

void bootfiles_init(uint32_t mbi);
const struct bootfile *bootfile_find(const char *name);
struct bootfile *bootfile_at(unsigned i);
unsigned bootfile_count(void);
/* The highest address the bootloader's modules occupy. */
uintptr_t bootfiles_end(void);

#endif
