/* kernel/module/symtab.c on the host: no silent limits.  Built once per number
 * of kernel exports (NKEXPORTS, at and past the old cap of 256): every
 * kernel export is published and in the stamped table rmod-link computes,
 * and provider tables register past the old cap of 64 and free fully. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kexport.h"
#include "symtab.h"

void *k_kmalloc(size_t);
void k_heap_init(uintptr_t, uintptr_t);
size_t k_heap_bytes_in_use(void);
void symtab_init(void);
int sym_table_add(struct module *, uint32_t, const struct rm_symbol **, uint32_t);
int sym_table_find(void *, uint32_t, const struct rm_symbol *const **, uint32_t *);
const struct ksym *sym_lookup(const char *, uint32_t);
void sym_unpublish_owner(struct module *);

/* The kernel's export section: __kexports_end is set by the link
 * (tests/unit/symtab.mk) NKEXPORTS entries further on. */
struct kexport test_kexports[NKEXPORTS] __asm__("__kexports_start");
static char names[NKEXPORTS][16];

#define NTABLES 65 /* one past the old cap */
void k_serial_putc(char c) { (void)c; }

static _Alignas(16) uint8_t heap[1 << 22];

int main(void)
{
	k_heap_init((uintptr_t)heap, (uintptr_t)heap + sizeof(heap));
	uint32_t st = RMOD_STAMP_INIT;
	for (uint32_t i = 0; i < NKEXPORTS; i++) {
		snprintf(names[i], sizeof(names[i]), "kx%u", i);
		test_kexports[i] = (struct kexport){names[i], &names[i], RMOD_EXP_DATA, 0, i + 1};
		st = rmod_stamp_add(st, names[i], i + 1, RMOD_EXP_DATA);
	}
	CHECK(__kexports_end - __kexports_start == NKEXPORTS, "link layout");
	symtab_init();
	for (uint32_t i = 0; i < NKEXPORTS; i++)
		CHECK(sym_lookup(names[i], rmod_hash(names[i])), "export %u not published", i);
	const struct rm_symbol *const *v;
	uint32_t n = 0;
	CHECK(sym_table_find(0, rmod_stamp_end(st), &v, &n) && n == NKEXPORTS,
	      "kernel table: %u of %u entries under rmod-link's stamp", n, NKEXPORTS);
	for (uint32_t i = 0; i < n; i++)
		CHECK(v[i]->version == i + 1, "kernel table order at %u", i);

	size_t base = k_heap_bytes_in_use();
	static struct rm_symbol sym[NTABLES];
	for (uint32_t t = 0; t < NTABLES; t++) {
		const struct rm_symbol **tv = k_kmalloc(sizeof(*tv));
		sym[t] = (struct rm_symbol){t, t, t, RMOD_EXP_FUNC, 0};
		tv[0] = &sym[t];
		CHECK(sym_table_add((struct module *)&sym[t], 0x1000 + t, tv, 1) == 0, "add %u", t);
	}
	for (uint32_t t = 0; t < NTABLES; t++)
		CHECK(sym_table_find(0, 0x1000 + t, &v, &n) && n == 1 && v[0] == &sym[t],
		      "provider table %u of %u not found", t + 1, NTABLES);
	for (uint32_t t = 0; t < NTABLES; t++)
		sym_unpublish_owner((struct module *)&sym[t]);
	CHECK(!sym_table_find(0, 0x1000, &v, &n), "table left after unpublish");
	CHECK(k_heap_bytes_in_use() == base, "heap %zu, was %zu", k_heap_bytes_in_use(), base);
	printf("test_symtab (%u kernel exports, %u provider tables): %d passed, %d failed\n",
	       NKEXPORTS, NTABLES, checks - failures, failures);
	return failures != 0;
}
