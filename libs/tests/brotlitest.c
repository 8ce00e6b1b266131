/* brotlitest: brotlienc compresses and brotlidec decompresses the test
 * input in the kernel (both on brotlicommon.rmod); the host decompresses
 * the stream. */
#include "libtest.h"

RMOD_DESCRIPTION("brotli round trip through brotlienc.rmod and brotlidec.rmod");

int BrotliEncoderCompress(int quality, int lgwin, int mode, size_t n, const uint8_t *in,
			  size_t *out_size, uint8_t *out);
int BrotliDecoderDecompress(size_t n, const uint8_t *in, size_t *out_size, uint8_t *out);
size_t BrotliEncoderMaxCompressedSize(size_t n);

static int brotlitest_init(void)
{
	uint8_t *in = test_input(), *back = kmalloc(TEST_N);
	size_t cap = BrotliEncoderMaxCompressedSize(TEST_N), clen = cap, blen = TEST_N;
	uint8_t *comp = kmalloc(cap);
	int ok = 0;
	if (in && back && comp) {
		int ec = BrotliEncoderCompress(5, 16, 0, TEST_N, in, &clen, comp);
		int dc = ec ? BrotliDecoderDecompress(clen, comp, &blen, back) : 0;
		kprintf("brotlitest: encode=%d decode=%d\n", ec, dc);
		test_hex("brotlitest", "brotli", comp, ec ? clen : 0);
		ok = ec == 1 && dc == 1 && blen == TEST_N && !memcmp(in, back, TEST_N);
	}
	kfree(in);
	kfree(back);
	kfree(comp);
	return test_verdict("brotlitest", ok);
}
RMOD_INIT(brotlitest_init);
