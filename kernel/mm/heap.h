#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

void heap_init(uintptr_t start, uintptr_t end);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kmalloc_aligned(size_t size, size_t align);
void *krealloc(void *p, size_t size);
void kfree(void *p);
/* Bytes of blocks in use (headers included) and their number: both return
 * exactly to their old values when everything allocated since is freed. */
size_t heap_bytes_in_use(void);
size_t heap_allocs_in_use(void);
/* The usable size of an allocation. */
size_t heap_usable(const void *p);

#endif
