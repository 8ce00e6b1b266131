/* The export registry: every symbol the kernel and loaded modules export. */
#ifndef KERNEL_SYMTAB_H
#define KERNEL_SYMTAB_H

#include <stdint.h>

#include "loader.h"

struct module;

struct ksym {
	struct ksym *next; /* hash chain */
	const char *name;
	struct rm_symbol sym; /* hash, addr, version, kind, flags */
	struct module *owner; /* NULL for the kernel */
	/* Namespace and allowlist (RMOD_EXPORT_NS / RMOD_EXPORT_FOR), or 0;
	 * either one sets RM_SYM_RESTRICTED in sym.  They point into the
	 * owner's file, like name. */
	const char *ns, *allow;
};

/* Publishes all the kernel's exports (a boot-time panic if the heap
 * cannot hold them). */
void symtab_init(void);
/* Publishes one symbol, with its namespace and allowlist (or 0); *out
 * (if out) gets its entry.  -1 if the name is taken, -2 out of memory. */
int sym_publish(const char *name, uint32_t hash, uint32_t addr, uint16_t kind,
		uint32_t version, const char *ns, const char *allow, struct module *owner,
		struct ksym **out);
/* Registers owner's exports in table order under their rmod_stamp, for
 * bound-import hints, with no limit on the number of tables; takes
 * ownership of v (freed with the owner's symbols).  -2 (said on the
 * console, v freed) if there is no memory for the entry: the importers
 * then look names up, so a caller may go on or refuse the module. */
int sym_table_add(struct module *owner, uint32_t stamp, const struct rm_symbol **v, uint32_t n);
/* The published export table with that stamp (an rm_table_fn). */
int sym_table_find(void *ctx, uint32_t stamp, const struct rm_symbol *const **v,
		   uint32_t *n);
const struct ksym *sym_lookup(const char *name, uint32_t hash);
void sym_unpublish_owner(struct module *owner);
/* Calls fn for each symbol, in bucket order. */
void sym_each(void (*fn)(const struct ksym *s, void *ctx), void *ctx);

#endif
