/* The export registry: a chained hash table keyed by the FNV-1a hash the
 * modules store with each import, so a lookup hashes nothing. */
#include "symtab.h"

#include "heap.h"
#include "kexport.h"
#include "rmod/kernel.h"

#define NBUCKETS 1024u

static struct ksym *buckets[NBUCKETS];
static struct ksym kernel_syms[256];
static const struct rm_symbol *kernel_table[256];
static uint32_t nkernel_syms, kernel_stamp;

/* Export tables by stamp: the kernel's, and each provider module's. */
#define NTABLES 64u
static struct {
	uint32_t stamp, n;
	const struct rm_symbol **v;
	struct module *owner;
} tables[NTABLES];

const struct ksym *sym_lookup(const char *name, uint32_t hash)
{
	for (struct ksym *s = buckets[hash % NBUCKETS]; s; s = s->next)
		if (s->sym.hash == hash && !strcmp(s->name, name))
			return s;
	return 0;
}

static void insert(struct ksym *s)
{
	s->next = buckets[s->sym.hash % NBUCKETS];
	buckets[s->sym.hash % NBUCKETS] = s;
}

void symtab_init(void)
{
	unsigned n = 0;
	uint32_t st = RMOD_STAMP_INIT;
	for (const struct kexport *e = __kexports_start; e < __kexports_end && n < 256; e++, n++) {
		struct ksym *s = &kernel_syms[n];
		*s = (struct ksym){0, e->name,
				   {rmod_hash(e->name), (uint32_t)e->addr, e->version, e->kind}, 0};
		insert(s);
		kernel_table[n] = &s->sym;
		st = rmod_stamp_add(st, s->name, e->version, e->kind);
	}
	nkernel_syms = n;
	kernel_stamp = rmod_stamp_end(st);
}

void sym_table_add(struct module *owner, uint32_t stamp, const struct rm_symbol **v,
		   uint32_t n)
{
	for (unsigned i = 0; i < NTABLES; i++)
		if (!tables[i].v) {
			tables[i].stamp = stamp, tables[i].n = n, tables[i].v = v;
			tables[i].owner = owner;
			return;
		}
	kfree(v);
}

int sym_table_find(void *ctx, uint32_t stamp, const struct rm_symbol *const **v,
		   uint32_t *n)
{
	(void)ctx;
	if (stamp == kernel_stamp) {
		*v = kernel_table, *n = nkernel_syms;
		return 1;
	}
	for (unsigned i = 0; i < NTABLES; i++)
		if (tables[i].v && tables[i].stamp == stamp) {
			*v = tables[i].v, *n = tables[i].n;
			return 1;
		}
	return 0;
}

int sym_publish(const char *name, uint32_t hash, uint32_t addr, uint16_t kind,
		uint32_t version, struct module *owner, struct ksym **out)
{
	if (sym_lookup(name, hash))
		return -1;
	struct ksym *s = kmalloc(sizeof(*s));
	if (!s)
		return -2;
	*s = (struct ksym){0, name, {hash, addr, version, kind}, owner};
	insert(s);
	if (out)
		*out = s;
	return 0;
}

void sym_unpublish_owner(struct module *owner)
{
	for (unsigned i = 0; owner && i < NTABLES; i++)
		if (tables[i].v && tables[i].owner == owner) {
			kfree(tables[i].v);
			tables[i].v = 0;
		}
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
