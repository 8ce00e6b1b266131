/* The export registry: a chained hash table keyed by the FNV-1a hash the
 * modules store with each import, so a lookup hashes nothing. */
#include "symtab.h"

#include "heap.h"
#include "io.h"
#include "kexport.h"
#include "rmod/kernel.h"

#define NBUCKETS 1024u

static struct ksym *buckets[NBUCKETS];
/* The kernel's exports, as many as .kexports holds (rmod-link --provider
 * build/kernel.elf stamps them all, so the table here must be whole). */
static struct ksym *kernel_syms;
static const struct rm_symbol **kernel_table;
static uint32_t nkernel_syms, kernel_stamp;

/* Each provider module's export table by stamp, for bound-import hints:
 * a list, as long as there are providers. */
struct table {
	struct table *next;
	uint32_t stamp, n;
	const struct rm_symbol **v;
	struct module *owner;
};
/* Provider tables chained by stamp, so finding one costs the same with
 * three modules loaded as with three hundred. */
#define TBUCKETS 256u
static struct table *tables[TBUCKETS];

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
	uint32_t n = (uint32_t)(__kexports_end - __kexports_start);
	uint32_t st = RMOD_STAMP_INIT;
	/* + 1: a kernel with no exports still gets its (empty) blocks. */
	kernel_syms = kmalloc(n * sizeof(*kernel_syms) + 1);
	kernel_table = kmalloc(n * sizeof(*kernel_table) + 1);
	if (!kernel_syms || !kernel_table) {
		kprintf("PANIC: symtab: no memory for the %u kernel exports\n", n);
		qemu_exit(4);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct kexport *e = &__kexports_start[i];
		struct ksym *s = &kernel_syms[i];
		*s = (struct ksym){0, e->name,
				   {rmod_hash(e->name), (uint32_t)(uintptr_t)e->addr, e->version,
				    e->kind, 0}, 0, 0, 0};
		insert(s);
		kernel_table[i] = &s->sym;
		st = rmod_stamp_add(st, s->name, e->version, e->kind);
	}
	nkernel_syms = n;
	kernel_stamp = rmod_stamp_end(st);
}

int sym_table_add(struct module *owner, uint32_t stamp, const struct rm_symbol **v, uint32_t n)
{
	struct table *t = kmalloc(sizeof(*t));
	if (!t) {
		/* Still correct: the importers look each name up instead. */
		kprintf("symtab: no memory to register an export table (stamp 0x%08x); "
			"its importers will look names up\n", stamp);
		kfree(v);
		return -2;
	}
	*t = (struct table){tables[stamp % TBUCKETS], stamp, n, v, owner};
	tables[stamp % TBUCKETS] = t;
	return 0;
}

int sym_table_find(void *ctx, uint32_t stamp, const struct rm_symbol *const **v,
		   uint32_t *n)
{
	(void)ctx;
	if (stamp == kernel_stamp) {
		*v = kernel_table, *n = nkernel_syms;
		return 1;
	}
	for (const struct table *t = tables[stamp % TBUCKETS]; t; t = t->next)
		if (t->stamp == stamp) {
			*v = t->v, *n = t->n;
			return 1;
		}
	return 0;
}

int sym_publish(const char *name, uint32_t hash, uint32_t addr, uint16_t kind,
		uint32_t version, const char *ns, const char *allow, struct module *owner,
		struct ksym **out)
{
	if (sym_lookup(name, hash))
		return -1;
	struct ksym *s = kmalloc(sizeof(*s));
	if (!s)
		return -2;
	uint16_t fl = ns || allow ? RM_SYM_RESTRICTED : 0;
	*s = (struct ksym){0, name, {hash, addr, version, kind, fl}, owner, ns, allow};
	insert(s);
	if (out)
		*out = s;
	return 0;
}

void sym_unpublish_owner(struct module *owner)
{
	for (unsigned b = 0; owner && b < TBUCKETS; b++)
		for (struct table **pp = &tables[b]; *pp;) {
			struct table *t = *pp;
			if (t->owner == owner) {
				*pp = t->next;
				kfree(t->v);
				kfree(t);
			} else {
				pp = &t->next;
			}
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
