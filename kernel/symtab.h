/* The export registry: every symbol the kernel and loaded modules export. */
#ifndef KERNEL_SYMTAB_H
#define KERNEL_SYMTAB_H

#include <stdint.h>

struct module;

struct ksym {
	struct ksym *next; /* hash chain */
	const char *name;
	uint32_t hash, addr, version;
	uint16_t kind;
	struct module *owner; /* NULL for the kernel */
};

void symtab_init(void); /* publishes the kernel's exports */
int sym_publish(const char *name, uint32_t hash, uint32_t addr, uint16_t kind,
		uint32_t version, struct module *owner);
const struct ksym *sym_lookup(const char *name, uint32_t hash);
void sym_unpublish_owner(struct module *owner);
/* Calls fn for each symbol, in bucket order. */
void sym_each(void (*fn)(const struct ksym *s, void *ctx), void *ctx);

#endif
