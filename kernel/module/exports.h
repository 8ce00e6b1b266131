/* A module's side of the export registry: publishing its exports, the
 * lookup its imports go through, and the references binding takes. */
#ifndef KERNEL_EXPORTS_H
#define KERNEL_EXPORTS_H

#include <stdint.h>

#include "loader.h"

struct module;

/* Publish m's exports (and its table by stamp, for bound-import hints);
 * on a clash nothing stays published, -1 after one error line. */
int exports_publish(struct module *m, const char *file);
void exports_unpublish(struct module *m);

/* The rm_resolve_fn for rmod imports: a hashed registry lookup.  ctx is a
 * struct exports_lookup. */
struct exports_lookup {
	const char *file;
	int quiet;
	uint32_t lookups; /* imports no hint settled */
};
int exports_resolve(void *ctx, const struct rm_module *rm, const struct rm_import *imp,
		    struct rm_resolved *out);

/* m uses owner (once per owner; NULL, the kernel, is no reference).  The
 * counts are taken by refs_take once m is published. */
int refs_add(struct module *m, struct module *owner);
/* Record the providers of resolved addresses: every export lies in its
 * owner's memory, so no name is looked up again. */
int refs_add_addrs(struct module *m, const uint32_t *addrs, uint32_t n);
void refs_take(struct module *m);
void refs_drop(struct module *m);

#endif
