/* The kernel heap: first fit over an address-ordered free list, with
 * coalescing, 16-byte headers and exact accounting. */
#include "heap.h"

#include "kprintf.h"
#include "rmod/kernel.h"

#define HDR 16u
#define MAGIC_USED 0x55534544u  /* "USED" */
#define MAGIC_FREE 0x46524545u  /* "FREE" */
#define MAGIC_ALIGN 0x414c4e44u /* "ALND": redirect to the real block */

struct block {
	uint32_t size; /* whole block, header included, multiple of 16 */
	uint32_t magic;
	struct block *next; /* free list only */
	uint32_t back;      /* ALIGN headers: offset back to the real block */
};

static struct block *free_list;
static uintptr_t heap_lo, heap_hi;
static size_t in_use, allocs;

void heap_init(uintptr_t start, uintptr_t end)
{
	start = (start + 15) & ~(uintptr_t)15;
	end &= ~(uintptr_t)15;
	heap_lo = start;
	heap_hi = end;
	free_list = (struct block *)start;
	free_list->size = (uint32_t)(end - start);
	free_list->magic = MAGIC_FREE;
	free_list->next = NULL;
}

size_t heap_bytes_in_use(void) { return in_use; }
size_t heap_allocs_in_use(void) { return allocs; }

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > heap_hi - heap_lo)
		return NULL;
	uint32_t need = (uint32_t)((size + HDR + 15) & ~(size_t)15);
	for (struct block **pp = &free_list; *pp; pp = &(*pp)->next) {
		struct block *b = *pp;
		if (b->size < need)
			continue;
		if (b->size - need >= 2 * HDR) { /* split: the tail stays free */
			struct block *rest = (struct block *)((uintptr_t)b + need);
			rest->size = b->size - need;
			rest->magic = MAGIC_FREE;
			rest->next = b->next;
			*pp = rest;
			b->size = need;
		} else {
			*pp = b->next;
		}
		b->magic = MAGIC_USED;
		b->next = NULL;
		b->back = 0;
		in_use += b->size;
		allocs++;
		return (uint8_t *)b + HDR;
	}
	return NULL;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* The block behind a user pointer, or NULL if it is not a live one. */
static struct block *block_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	if (a < heap_lo + HDR || a >= heap_hi || a % 16)
		return NULL;
	struct block *b = (struct block *)(a - HDR);
	if (b->magic == MAGIC_ALIGN) {
		if (b->back > a - heap_lo)
			return NULL;
		b = (struct block *)(a - b->back);
	}
	return b->magic == MAGIC_USED ? b : NULL;
}

void *kmalloc_aligned(size_t size, size_t align)
{
	if (align <= 16)
		return kmalloc(size);
	if (align & (align - 1) || size > heap_hi - heap_lo)
		return NULL;
	uint8_t *raw = kmalloc(size + align + HDR);
	if (!raw)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + HDR + align - 1) & ~(uintptr_t)(align - 1);
	struct block *redirect = (struct block *)(a - HDR);
	redirect->magic = MAGIC_ALIGN;
	redirect->back = (uint32_t)(a - ((uintptr_t)raw - HDR));
	return (void *)a;
}

size_t heap_usable(const void *p)
{
	struct block *b = block_of(p);
	return b ? (uintptr_t)b + b->size - (uintptr_t)p : 0;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct block *b = block_of(p);
	if (!b) {
		kprintf("kfree: %p is not a live heap allocation (ignored)\n", p);
		return;
	}
	if ((uintptr_t)b + HDR != (uintptr_t)p) /* clear the redirect so a double free is caught */
		((struct block *)((uintptr_t)p - HDR))->magic = 0;
	in_use -= b->size;
	allocs--;
	b->magic = MAGIC_FREE;
	/* Insert in address order and merge with the neighbours. */
	struct block **pp = &free_list;
	while (*pp && *pp < b)
		pp = &(*pp)->next;
	b->next = *pp;
	*pp = b;
	if (b->next && (uintptr_t)b + b->size == (uintptr_t)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (pp != &free_list) {
		struct block *prev = (struct block *)((uintptr_t)pp - offsetof(struct block, next));
		if ((uintptr_t)prev + prev->size == (uintptr_t)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	}
}

void *krealloc(void *p, size_t size)
{
	if (!p)
		return kmalloc(size);
	size_t have = heap_usable(p);
	if (!have)
		return NULL;
	if (size <= have)
		return p;
	void *n = kmalloc(size);
	if (n) {
		memcpy(n, p, have);
		kfree(p);
	}
	return n;
}
