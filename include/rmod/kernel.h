/* Functions and data the kernel exports to modules (KEXPORT). */
#ifndef RMOD_KERNEL_H
#define RMOD_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *kmalloc(size_t size);
void kfree(void *p);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

/* What kernel_stats() reports. */
struct kstats {
	uint32_t heap_bytes;    /* heap bytes in use */
	uint32_t heap_allocs;   /* live heap allocations */
	uint32_t modarea_pages; /* module-area pages in use */
	uint32_t modules;       /* loaded modules */
};
int kernel_stats(struct kstats *out);

/* The kernel's version string (exported data). */
extern const char kernel_version[];

#endif
