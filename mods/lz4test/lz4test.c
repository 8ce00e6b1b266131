/* lz4test: a round trip through the unmodified Debian liblz4 module.
 * Each buffer is compressed and decompressed in the kernel; the CRC-32 of
 * the input and of the output are printed for the test to check against
 * its own computation. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("lz4test");
RMOD_DESCRIPTION("compresses and decompresses buffers with lz4.rmod");

/* From lz4.h: we declare only what we call. */
int LZ4_compressBound(int inputSize);
int LZ4_compress_default(const char *src, char *dst, int srcSize, int dstCapacity);
int LZ4_decompress_safe(const char *src, char *dst, int compressedSize, int dstCapacity);
int LZ4_versionNumber(void);

#define N 4096

static uint32_t crc32(const uint8_t *p, int n)
{
	uint32_t c = 0xffffffffu;
	for (int i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* xorshift32 from seed 2463534242, the bytes the test regenerates. */
static void random_bytes(uint8_t *p, int n)
{
	uint32_t x = 2463534242u;
	for (int i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static int round_trip(const char *what, const uint8_t *src, int n)
{
	int cap = LZ4_compressBound(n);
	char *comp = kmalloc((size_t)cap + 1), *back = kmalloc((size_t)n + 1);
	int rc = -12;
	if (!comp || !back)
		goto out;
	int c = LZ4_compress_default((const char *)src, comp, n, cap);
	int d = c > 0 ? LZ4_decompress_safe(comp, back, c, n) : -1;
	int ok = d == n && !memcmp(src, back, (size_t)n);
	kprintf("lz4test: %s n=%d compressed=%d in_crc=0x%08x out_crc=0x%08x roundtrip=%s\n", what,
		n, c, crc32(src, n), d >= 0 ? crc32((const uint8_t *)back, d) : 0,
		ok ? "ok" : "FAILED");
	rc = ok ? 0 : -5;
out:
	kfree(comp);
	kfree(back);
	return rc;
}

static int lz4test_init(void)
{
	static const char phrase[] = "The quick brown fox jumps over the lazy dog. ";
	uint8_t *text = kmalloc(N), *rnd = kmalloc(N);
	int rc = -12;
	if (text && rnd) {
		for (int i = 0; i < N; i++)
			text[i] = (uint8_t)phrase[i % (int)(sizeof(phrase) - 1)];
		random_bytes(rnd, N);
		kprintf("lz4test: liblz4 version %d\n", LZ4_versionNumber());
		rc = round_trip("text", text, N);
		if (!rc)
			rc = round_trip("random", rnd, N);
		if (!rc)
			rc = round_trip("empty", text, 0);
	}
	kfree(text);
	kfree(rnd);
	return rc;
}

RMOD_INIT(lz4test_init);
