/* The freestanding libc subset the kernel exports to modules: what
 * distribution archives commonly import.  Each function follows the C
 * standard; tests/unit/test_libc.c checks them against the host libc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "io.h"
#include "kexport.h"
#include "kprintf.h"
#include "rmod/kernel.h"

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void *aligned_alloc(size_t align, size_t n);
int snprintf(char *buf, size_t n, const char *fmt, ...);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
void abort(void);
void __stack_chk_fail(void);
void __assert_fail(const char *expr, const char *file, unsigned line, const char *func);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen);
void *__memset_chk(void *dst, int c, size_t n, size_t dstlen);
char *__strcpy_chk(char *dst, const char *src, size_t dstlen);
char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen);
int __snprintf_chk(char *buf, size_t n, int flag, size_t buflen, const char *fmt, ...);
int __vsnprintf_chk(char *buf, size_t n, int flag, size_t buflen, const char *fmt, va_list ap);
size_t fread(void *p, size_t size, size_t n, void *stream);
size_t fwrite(const void *p, size_t size, size_t n, void *stream);

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;
	while ((*d++ = *src++))
		;
	return dst;
}

char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}

void *malloc(size_t n) { return n ? kmalloc(n) : NULL; }

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return n && size ? kzalloc(n * size) : NULL;
}

void *realloc(void *p, size_t n)
{
	if (!n) {
		kfree(p);
		return NULL;
	}
	return krealloc(p, n);
}

void free(void *p) { kfree(p); }

void *aligned_alloc(size_t align, size_t n)
{
	if (!align || (align & (align - 1)) || !n)
		return NULL;
	return kmalloc_aligned(n, align);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, n, fmt, ap);
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((noreturn)) static void die(const char *why)
{
	kprintf("PANIC: %s\n", why);
	qemu_exit(4);
}

void abort(void) { die("abort() called"); }

void __stack_chk_fail(void) { die("stack smashing detected (stack protector)"); }

void __assert_fail(const char *expr, const char *file, unsigned line, const char *func)
{
	kprintf("PANIC: assertion failed: %s (%s:%u, %s)\n", expr, file, line, func);
	qemu_exit(4);
}

/* _FORTIFY_SOURCE: the same operations, after a bounds check. */
static void chk(size_t need, size_t have)
{
	if (need > have)
		die("buffer overflow detected (fortify)");
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
	chk(n, dstlen);
	return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
	chk(n, dstlen);
	return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dstlen)
{
	chk(n, dstlen);
	return memset(dst, c, n);
}

char *__strcpy_chk(char *dst, const char *src, size_t dstlen)
{
	chk(strlen(src) + 1, dstlen);
	return strcpy(dst, src);
}

char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)
{
	chk(n, dstlen);
	return strncpy(dst, src, n);
}

int __vsnprintf_chk(char *buf, size_t n, int flag, size_t buflen, const char *fmt, va_list ap)
{
	(void)flag;
	chk(n, buflen);
	return kvsnprintf(buf, n, fmt, ap);
}

int __snprintf_chk(char *buf, size_t n, int flag, size_t buflen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __vsnprintf_chk(buf, n, flag, buflen, fmt, ap);
	va_end(ap);
	return r;
}

/* There are no files in the kernel: every stream fails, so these
 * transfer nothing and return 0, as C specifies for a stream error. */
size_t fread(void *p, size_t size, size_t n, void *stream)
{
	(void)p, (void)size, (void)n, (void)stream;
	return 0;
}

size_t fwrite(const void *p, size_t size, size_t n, void *stream)
{
	(void)p, (void)size, (void)n, (void)stream;
	return 0;
}

KEXPORT(memchr);
KEXPORT(strnlen);
KEXPORT(strchr);
KEXPORT(strrchr);
KEXPORT(strcpy);
KEXPORT(strncpy);
KEXPORT(malloc);
KEXPORT(calloc);
KEXPORT(realloc);
KEXPORT(free);
KEXPORT(aligned_alloc);
KEXPORT(snprintf);
KEXPORT(vsnprintf);
KEXPORT(abort);
KEXPORT(__stack_chk_fail);
KEXPORT(__assert_fail);
KEXPORT(__memcpy_chk);
KEXPORT(__memmove_chk);
KEXPORT(__memset_chk);
KEXPORT(__strcpy_chk);
KEXPORT(__strncpy_chk);
KEXPORT(__snprintf_chk);
KEXPORT(__vsnprintf_chk);
KEXPORT(fread);
KEXPORT(fwrite);
