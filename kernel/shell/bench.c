/* Measurement commands of the shell (see bench.h). */
#include "bench.h"

#include "deps.h"
#include "heap.h"
#include "io.h"
#include "kprintf.h"
#include "modarea.h"
#include "modlist.h"
#include "module.h"
#include "rmod/kernel.h"
#include "symtab.h"

struct fx_array {
	uint32_t *v;
	uint32_t n;
};

static void fx_collect(void *ctx, uint32_t off)
{
	struct fx_array *a = ctx;
	a->v[a->n++] = off;
}

/* The tightest add loop over a plain array of offsets: unrolled by 8, a
 * fixup costs one load of its offset and one add to memory.  The body is
 * asm so the compiler can neither drop the adds nor spend an extra
 * address computation on each. */
#define ADD1(k) "movl " #k "(%1), %%ecx\n\taddl %2, (%0,%%ecx)\n\t"
static __attribute__((noinline)) void add_base(uint8_t *img, const uint32_t *v, uint32_t n,
					       uint32_t base)
{
	const uint32_t *end = v + n, *end8 = v + (n & ~7u);
	for (; v < end8; v += 8)
		__asm__ volatile(ADD1(0) ADD1(4) ADD1(8) ADD1(12) ADD1(16) ADD1(20) ADD1(24) ADD1(28)
				 :
				 : "r"(img), "r"(v), "r"(base)
				 : "ecx", "memory");
	for (; v < end; v++)
		__asm__ volatile("addl %2, (%0,%1)" : : "r"(img), "r"(*v), "r"(base) : "memory");
}

/* The floor: the cheapest conceivable loader of the same image.  One copy
 * (rm_copy: the image, zeroed bss, the init tail) and add_base over the
 * fixups decoded beforehand, untimed, into a plain array.  No validation,
 * no allocation, no imports: every real loader does at least this. */
void bench_floor(int argc, char **argv)
{
	const struct bootfile *bf = argc == 2 ? bootfile_find(argv[1]) : 0;
	struct rm_module rm;
	struct rm_diag d;
	if (!bf || rm_parse(bf->data, bf->size, 0, &rm, &d)) {
		kprintf("floor: usage: floor NAME (a valid .rmod handed over at boot)\n");
		return;
	}
	/* Untimed: the floor validates nothing, but the fixups it adds at
	 * must be checked (rm_check_layout does for a module with sites). */
	uint32_t *bits = rm_layout_scratch(&rm) ? kmalloc(rm_layout_scratch(&rm)) : 0;
	int bad = (rm_layout_scratch(&rm) && !bits) || rm_check_layout(&rm, bits, &d);
	kfree(bits);
	if (bad) {
		kprintf("floor: %s: not a valid module\n", argv[1]);
		return;
	}
	struct fx_array a = {kmalloc(4 * (rm.fixup_count ? rm.fixup_count : 1)), 0};
	uint8_t *img = kmalloc_aligned(rm.mem_size, 4096);
	if (!a.v || !img) {
		kprintf("floor: out of memory\n");
		kfree(a.v);
		kfree(img);
		return;
	}
	rm_walk_fixups(&rm, fx_collect, &a);
	uint32_t base = (uint32_t)img;
	uint64_t t0 = rdtsc();
	rm_copy(&rm, img);
	uint64_t t1 = rdtsc();
	add_base(img, a.v, a.n, base);
	uint64_t t2 = rdtsc();
	kprintf("floor: %s copy=%llu adds=%llu total=%llu fixups=%u\n", rm.name,
		(unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
		(unsigned long long)(t2 - t0), a.n);
	kfree(a.v);
	kfree(img);
}

/* insmod/rmmod NAME N times in a row; check that every cycle gives the
 * same soak_result (when the module exports one), that the heap and the
 * module area return to their baselines, and report the bases used. */
void bench_soak(int argc, char **argv)
{
	uint32_t n = 0;
	if (argc != 3) {
		kprintf("soak: usage: soak NAME CYCLES\n");
		return;
	}
	for (const char *p = argv[2]; *p; p++) {
		if (*p < '0' || *p > '9' || n > 10000000) {
			kprintf("soak: '%s' is not a cycle count\n", argv[2]);
			return;
		}
		n = n * 10 + (uint32_t)(*p - '0');
	}
	size_t heap0 = heap_bytes_in_use(), pages0 = modarea_pages_in_use();
	uint32_t lo = 0xffffffffu, hi = 0, first = 0, changed = 0, bad = 0, done = 0;
	for (; done < n; done++) {
		if (module_insmod(argv[1], "", LOAD_QUIET)) {
			bad = 1;
			break;
		}
		struct module *m = module_find(argv[1]);
		const struct ksym *r = sym_lookup("soak_result", rmod_hash("soak_result"));
		uint32_t v = r ? *(const uint32_t *)r->sym.addr : 0;
		if (done == 0)
			first = v;
		else if (v != first)
			changed++;
		if (m->base < lo)
			lo = m->base;
		if (m->base > hi)
			hi = m->base;
		if (module_rmmod(argv[1], 1)) {
			bad = 1;
			break;
		}
		if (heap_bytes_in_use() != heap0 || modarea_pages_in_use() != pages0) {
			kprintf("soak: cycle %u leaked: heap %u -> %u bytes, pages %u -> %u\n", done,
				(unsigned)heap0, (unsigned)heap_bytes_in_use(), (unsigned)pages0,
				(unsigned)modarea_pages_in_use());
			bad = 1;
			done++;
			break;
		}
	}
	kprintf("soak: %s cycles=%u result=0x%08x changed=%u heap=%u/%u pages=%u/%u "
		"bases=0x%08x-0x%08x %s\n",
		argv[1], done, first, changed, (unsigned)heap_bytes_in_use(), (unsigned)heap0,
		(unsigned)modarea_pages_in_use(), (unsigned)pages0, lo, hi,
		bad || changed ? "FAILED" : "ok");
}
