#define _GNU_SOURCE
/* The kernel's libc subset against the host libc on the same inputs.
 * The kernel sources are compiled for the host with their symbols
 * renamed (k_*), so both can live in one program. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t k_strlen(const char *);
int k_strcmp(const char *, const char *);
int k_strncmp(const char *, const char *, size_t);
int k_memcmp(const void *, const void *, size_t);
void *k_memcpy(void *, const void *, size_t);
void *k_memmove(void *, const void *, size_t);
void *k_memset(void *, int, size_t);
void *k_memchr(const void *, int, size_t);
size_t k_strnlen(const char *, size_t);
char *k_strchr(const char *, int);
char *k_strrchr(const char *, int);
char *k_strcpy(char *, const char *);
char *k_strncpy(char *, const char *, size_t);
int k_snprintf(char *, size_t, const char *, ...);
void *k_malloc(size_t);
void *k_calloc(size_t, size_t);
void *k_realloc(void *, size_t);
void k_free(void *);
void *k_aligned_alloc(size_t, size_t);
void k_heap_init(uintptr_t, uintptr_t);
size_t k_heap_bytes_in_use(void);

#include "check.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static const char *const strs[] = {"", "a", "abc", "abd", "ab", "hello world", "\xff\x01",
				   "zzz", "abc\0hidden"};
#define NS (sizeof(strs) / sizeof(strs[0]))

static void test_strings(void)
{
	for (size_t i = 0; i < NS; i++) {
		const char *a = strs[i];
		CHECK(k_strlen(a) == strlen(a), "strlen(%s)", a);
		for (size_t m = 0; m < 6; m++)
			CHECK(k_strnlen(a, m) == strnlen(a, m), "strnlen");
		for (int c = 0; c < 256; c++) {
			CHECK(k_strchr(a, c) == strchr(a, c), "strchr(%s,%d)", a, c);
			CHECK(k_strrchr(a, c) == strrchr(a, c), "strrchr(%s,%d)", a, c);
			CHECK(k_memchr(a, c, strlen(a)) == memchr(a, c, strlen(a)), "memchr");
		}
		CHECK(k_strchr(a, 0) == strchr(a, 0), "strchr NUL");
		for (size_t j = 0; j < NS; j++) {
			const char *b = strs[j];
			CHECK(sign(k_strcmp(a, b)) == sign(strcmp(a, b)), "strcmp(%s,%s)", a, b);
			for (size_t n = 0; n < 5; n++) {
				CHECK(sign(k_strncmp(a, b, n)) == sign(strncmp(a, b, n)), "strncmp");
				size_t la = strlen(a) + 1, lb = strlen(b) + 1;
				size_t m = n < la && n < lb ? n : (la < lb ? la : lb);
				CHECK(sign(k_memcmp(a, b, m)) == sign(memcmp(a, b, m)), "memcmp");
			}
		}
		char x[32], y[32];
		memset(x, 'X', sizeof(x));
		memset(y, 'X', sizeof(y));
		CHECK(k_strcpy(x, a) == x && !memcmp(x, strcpy(y, a), sizeof(x)), "strcpy");
		for (size_t n = 0; n < 16; n++) {
			memset(x, 'X', sizeof(x));
			memset(y, 'X', sizeof(y));
			CHECK(k_strncpy(x, a, n) == x && !memcmp(x, strncpy(y, a, n), sizeof(x)),
			      "strncpy(%s,%zu)", a, n);
		}
	}
}

static void test_memory(void)
{
	unsigned char a[300], b[300];
	for (size_t n = 0; n < 40; n++)
		for (size_t off = 0; off < 8; off++) {
			for (size_t i = 0; i < sizeof(a); i++)
				a[i] = b[i] = (unsigned char)(i * 7 + 3);
			CHECK(k_memset(a + off, (int)(n + 0x180), n) == a + off, "memset ret");
			memset(b + off, (int)(n + 0x180), n);
			CHECK(!memcmp(a, b, sizeof(a)), "memset(%zu,%zu)", off, n);
			k_memcpy(a + 100 + off, a + off, n);
			memcpy(b + 100 + off, b + off, n);
			CHECK(!memcmp(a, b, sizeof(a)), "memcpy");
			/* overlapping both ways */
			k_memmove(a + off + 3, a + off, n);
			memmove(b + off + 3, b + off, n);
			CHECK(!memcmp(a, b, sizeof(a)), "memmove up");
			k_memmove(a + off, a + off + 5, n);
			memmove(b + off, b + off + 5, n);
			CHECK(!memcmp(a, b, sizeof(a)), "memmove down");
		}
}

static void test_snprintf(void)
{
	char k[128], h[128];
#define SAME(...)                                                                   \
	do {                                                                        \
		int rk = k_snprintf(k, sizeof(k), __VA_ARGS__);                     \
		int rh = snprintf(h, sizeof(h), __VA_ARGS__);                       \
		CHECK(rk == rh && !strcmp(k, h), "snprintf(%s): '%s' vs '%s'", #__VA_ARGS__, k, h); \
	} while (0)
	SAME("%d %i %u", -42, 17, 4000000000u);
	SAME("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
	SAME("%x %X %#x %#X %o %#o", 0xbeefu, 0xbeefu, 255u, 255u, 8u, 8u);
	SAME("%lld %llu %llx", -1234567890123ll, 18446744073709551615ull, 0x123456789abcull);
	SAME("%ld %lu %zu %hd %hhu", -5l, 7ul, (size_t)99, (short)-3, (unsigned char)250);
	SAME("%s|%10s|%-10s|%.2s|%c|%%", "str", "right", "left", "truncate", 'q');
	SAME("%.5d|%8.3d|%-8.3x|%.0d", 42, 7, 0xau, 0);
	SAME("%*d|%-*d|%.*s", 6, 1, 6, 2, 3, "abcdef");
	SAME("%p", (void *)0x1234);
	SAME("%d", -2147483647 - 1);
	/* truncation: return the full length, write at most n-1 and a NUL */
	int rk = k_snprintf(k, 5, "%s", "abcdefgh");
	int rh = snprintf(h, 5, "%s", "abcdefgh");
	CHECK(rk == rh && !strcmp(k, h), "truncation");
	CHECK(k_snprintf(NULL, 0, "%d", 12345) == 5, "size 0");
}

static unsigned char arena[1 << 20] __attribute__((aligned(16)));

static void test_alloc(void)
{
	k_heap_init((uintptr_t)arena, (uintptr_t)arena + sizeof(arena));
	size_t base = k_heap_bytes_in_use();
	CHECK(k_malloc(0) == NULL, "malloc(0)");
	unsigned char *p = k_malloc(100);
	CHECK(p && ((uintptr_t)p % 16) == 0, "malloc alignment");
	memset(p, 0xab, 100);
	unsigned char *z = k_calloc(10, 10);
	int zero = 1;
	for (int i = 0; z && i < 100; i++)
		zero &= z[i] == 0;
	CHECK(z && zero, "calloc zeroes");
	volatile size_t huge = (size_t)-1 / 2;
	CHECK(k_calloc(huge, 4) == NULL, "calloc overflow");
	unsigned char *q = k_realloc(p, 1000);
	int kept = 1;
	for (int i = 0; q && i < 100; i++)
		kept &= q[i] == 0xab;
	CHECK(q && kept, "realloc keeps contents");
	for (size_t al = 16; al <= 4096; al *= 2) {
		void *a = k_aligned_alloc(al, 40);
		CHECK(a && (uintptr_t)a % al == 0, "aligned_alloc(%zu)", al);
		k_free(a);
	}
	CHECK(k_aligned_alloc(24, 8) == NULL, "aligned_alloc non-power-of-two");
	CHECK(k_realloc(q, 0) == NULL, "realloc to 0 frees");
	k_free(z);
	k_free(NULL);
	CHECK(k_heap_bytes_in_use() == base, "heap back to baseline (%zu vs %zu)",
	      k_heap_bytes_in_use(), base);
}

int main(void)
{
	test_strings();
	test_memory();
	test_snprintf();
	test_alloc();
	printf("%d passed, %d failed\n", checks - failures, failures);
	return failures != 0;
}

/* The kernel's console, silenced for the host build. */
void k_serial_putc(char c) { (void)c; }
