/* deflatetest: libdeflate (whose API is hidden-visibility globals in the
 * archive) compresses raw DEFLATE and computes a CRC-32 in the kernel;
 * the host inflates the stream and computes the CRC. */
#include "libtest.h"

RMOD_DESCRIPTION("libdeflate through deflate.rmod");

void *libdeflate_alloc_compressor(int level);
size_t libdeflate_deflate_compress(void *c, const void *in, size_t n, void *out, size_t avail);
void libdeflate_free_compressor(void *c);
void *libdeflate_alloc_decompressor(void);
int libdeflate_deflate_decompress(void *d, const void *in, size_t n, void *out, size_t avail,
				  size_t *actual);
void libdeflate_free_decompressor(void *d);
uint32_t libdeflate_crc32(uint32_t crc, const void *buf, size_t len);

static int deflatetest_init(void)
{
	uint8_t *in = test_input(), *back = kmalloc(TEST_N), *comp = kmalloc(2 * TEST_N);
	void *c = libdeflate_alloc_compressor(9), *d = libdeflate_alloc_decompressor();
	int ok = 0;
	if (in && back && comp && c && d) {
		size_t clen = libdeflate_deflate_compress(c, in, TEST_N, comp, 2 * TEST_N), blen = 0;
		int rd = clen ? libdeflate_deflate_decompress(d, comp, clen, back, TEST_N, &blen) : -1;
		uint32_t crc = libdeflate_crc32(0, in, TEST_N);
		kprintf("deflatetest: compressed=%u decompress=%d crc32=0x%08x\n", (unsigned)clen, rd,
			crc);
		test_hex("deflatetest", "deflate", comp, clen);
		ok = clen && !rd && blen == TEST_N && !memcmp(in, back, TEST_N) &&
		     crc == test_crc32(in, TEST_N);
	}
	if (c)
		libdeflate_free_compressor(c);
	if (d)
		libdeflate_free_decompressor(d);
	kfree(in);
	kfree(back);
	kfree(comp);
	return test_verdict("deflatetest", ok);
}
RMOD_INIT(deflatetest_init);
