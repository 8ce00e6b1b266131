/* The export registry: a chained hash table keyed by the FNV-1a hash the
 * modules store with each import, so a lookup hashes nothing. */
#include "symtab.h"

#include "heap.h"
#include "kexport.h"
#include "rmod/kernel.h"

#define NBUCKETS 1024u

static struct ksym *buckets[NBUCKETS];
static struct ksym kernel_syms[256];

const struct ksym *sym_lookup(const char *name, uint32_t hash)
{
	for (struct ksym *s = buckets[hash % NBUCKETS]; s; s = s->next)
		if (s->hash == hash && !strcmp(s->name, name))
			return s;
	return 0;
}

static void insert(struct ksym *s)
{
	s->next = buckets[s->hash % NBUCKETS];
	buckets[s->hash % NBUCKETS] = s;
}

void symtab_init(void)
{
	unsigned n = 0;
	for (const struct kexport *e = __kexports_start; e < __kexports_end && n < 256; e++, n++) {
		struct ksym *s = &kernel_syms[n];
		*s = (struct ksym){0, e->name, rmod_hash(e->name), (uint32_t)e->addr, e->version,
				   e->kind, 0};
		insert(s);
	}
}

int sym_publish(const char *name, uint32_t hash, uint32_t addr, uint16_t kind,
		uint32_t version, struct module *owner)
{
	if (sym_lookup(name, hash))
		return -1;
	struct ksym *s = kmalloc(sizeof(*s));
	if (!s)
		return -2;
	*s = (struct ksym){0, name, hash, addr, version, kind, owner};
	insert(s);
	return 0;
}

void sym_unpublish_owner(struct module *owner)
{
	for (unsigned b = 0; b < NBUCKETS; b++) {
		struct ksym **pp = &buckets[b];
		while (*pp) {
			struct ksym *s = *pp;
			if (s->owner == owner && owner) {
				*pp = s->next;
				kfree(s);
			} else {
				pp = &s->next;
			}
		}
	}
}

void sym_each(void (*fn)(const struct ksym *s, void *ctx), void *ctx)
{
	for (unsigned b = 0; b < NBUCKETS; b++)
		for (struct ksym *s = buckets[b]; s; s = s->next)
			fn(s, ctx);
}
