/* The probe link: ld links the module a second time at another base,
 * with every import at its own address; comparing the two images finds
 * every word that depends on the base or on an import, including the
 * words ld writes without any relocation (GOT entries). */
#ifndef RMOD_PROBE_LINK_H
#define RMOD_PROBE_LINK_H

#include "rmod_write.h"

struct probe {
	uint32_t base;        /* the probe link's base */
	const uint8_t *image; /* its image, d->mem_size bytes */
	char **imports;       /* import names given --defsym in both links */
	const uint32_t *vals; /* their addresses in the probe link */
	const int *weak;      /* which of them are weak (optional) imports */
	size_t nimports;
};

/* Check d against the probe image: every moved word must be explained by
 * a fixup or site in d; words ld made (no relocation) that moved by the
 * base become fixups, and by an import's address become sites.  Dies
 * naming the offset of anything it cannot explain. */
void probe_reconcile(struct mod_desc *d, const struct probe *p);

#endif
