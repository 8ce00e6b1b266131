/* Reading an ABI (exports with versions and canonical type texts) from
 * any input rmod-abi accepts: a .rmod, a linked module ELF, a kernel ELF,
 * an ET_REL object (.o, .ko), an archive (.a) or ABI text from dump. */
#ifndef RMOD_ABI_SOURCE_H
#define RMOD_ABI_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct abi_ent {
	char *name, *kind, *prov, *type; /* type: NULL when not known */
	uint32_t version;
};

struct abi {
	struct abi_ent *v;
	size_t n;
};

void abi_add(struct abi *a, const char *name, uint32_t ver, const char *kind, const char *prov,
	     const char *type);
/* Add the exports of one input; dies (naming the file) on bad input. */
void abi_load(struct abi *a, const char *path);
/* Sort by (name, provider), the order dump prints. */
void abi_sort(struct abi *a);
const struct abi_ent *abi_find(const struct abi *a, const char *name);
void abi_free(struct abi *a);

#endif
