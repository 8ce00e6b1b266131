/* The boot collection (.rbc): a set of .rmod files packed into one
 * multiboot module, each image on a page boundary, prelinked at
 * non-overlapping preferred bases inside the kernel's module area.
 * Shared by rmod-collect and the kernel; docs/BOOT.md is the prose spec.
 * Every field is little-endian. */
#ifndef RMOD_BOOTCOLL_H
#define RMOD_BOOTCOLL_H

#include <stdint.h>

/* Where the kernel puts module images: a fixed window, so that preferred
 * bases chosen at build time mean the same at every boot. */
#define RMOD_MODAREA_START 0x08000000u /* 128 MiB */
#define RMOD_MODAREA_END 0x0c000000u   /* 192 MiB */

#define RBC_MAGIC "RBC1"
#define RBC_VERSION 1u
#define RBC_NAME_MAX 48u

/* Header, 16 bytes, then count entries of 64 bytes, then the members. */
struct rbc_header {
	uint8_t magic[4]; /* "RBC1" */
	uint32_t version; /* RBC_VERSION */
	uint32_t count;   /* entries */
	uint32_t size;    /* exact size of the collection */
};
#define RBC_HEADER_SIZE 16u

/* One member: an unchanged .rmod file at [off, off + size), placed so
 * that its image starts on a page boundary of the collection; members
 * are in dependency order (providers first). */
struct rbc_entry {
	uint32_t off;
	uint32_t size;
	uint32_t flags;               /* 0 */
	uint32_t reserved;            /* 0 */
	char name[RBC_NAME_MAX];      /* boot-file name, NUL-terminated */
};
#define RBC_ENTRY_SIZE 64u

#endif
