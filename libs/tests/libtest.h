/* What every library self-test module shares: the input the host test
 * regenerates (tests/test_libs.py), a CRC-32 to report buffers by, and
 * hex output for bytes the host checks itself (compressed streams,
 * digests).  Lines are "NAME: key=value"; the host compares each. */
#ifndef LIBS_LIBTEST_H
#define LIBS_LIBTEST_H

#include <stddef.h>
#include <stdint.h>

#include "rmod/kernel.h"
#include "rmod/module.h"

void *malloc(size_t n);
void free(void *p);

#define TEST_N 4096
static const char test_phrase[] = "The quick brown fox jumps over the lazy dog. ";

/* TEST_N bytes of the phrase repeated, then a xorshift32 tail so the
 * input is not all one pattern; the host builds the same bytes. */
static inline uint8_t *test_input(void)
{
	uint8_t *p = kmalloc(TEST_N);
	if (!p)
		return NULL;
	uint32_t x = 2463534242u;
	for (int i = 0; i < TEST_N; i++) {
		if (i < TEST_N * 3 / 4) {
			p[i] = (uint8_t)test_phrase[i % (int)(sizeof(test_phrase) - 1)];
		} else {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			p[i] = (uint8_t)x;
		}
	}
	return p;
}

static inline uint32_t test_crc32(const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* "NAME: key=HEX", 64 bytes a line, every line with the same key; the
 * host joins them. */
static inline void test_hex(const char *name, const char *key, const void *buf, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = buf;
	char line[129];
	for (size_t i = 0; i < n || i == 0; i += 64) {
		size_t k = 0;
		for (size_t j = i; j < n && j < i + 64; j++) {
			line[k++] = digits[p[j] >> 4];
			line[k++] = digits[p[j] & 15];
		}
		line[k] = 0;
		kprintf("%s: %s=%s\n", name, key, line);
		if (!n)
			break;
	}
}

/* The verdict the module's init returns: 0 when ok, -5 (EIO) else. */
static inline int test_verdict(const char *name, int ok)
{
	kprintf("%s: result=%s\n", name, ok ? "ok" : "FAILED");
	return ok ? 0 : -5;
}

#endif
