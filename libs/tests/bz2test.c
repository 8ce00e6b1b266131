/* bz2test: libbz2 compresses and decompresses the test input in the
 * kernel; the host decompresses the stream. */
#include "libtest.h"

RMOD_DESCRIPTION("bzip2 round trip through bz2.rmod");

int BZ2_bzBuffToBuffCompress(char *dst, unsigned *dlen, char *src, unsigned n, int block100k,
			     int verbosity, int work);
int BZ2_bzBuffToBuffDecompress(char *dst, unsigned *dlen, char *src, unsigned n, int small,
			       int verbosity);

static int bz2test_init(void)
{
	uint8_t *in = test_input(), *back = kmalloc(TEST_N);
	unsigned cap = TEST_N + TEST_N / 100 + 600, clen = cap, blen = TEST_N;
	uint8_t *comp = kmalloc(cap);
	int ok = 0;
	if (in && back && comp) {
		int rc = BZ2_bzBuffToBuffCompress((char *)comp, &clen, (char *)in, TEST_N, 1, 0, 0);
		int rd = rc ? rc : BZ2_bzBuffToBuffDecompress((char *)back, &blen, (char *)comp,
							      clen, 0, 0);
		kprintf("bz2test: compress=%d decompress=%d\n", rc, rd);
		test_hex("bz2test", "bz2", comp, rc ? 0 : clen);
		ok = !rc && !rd && blen == TEST_N && !memcmp(in, back, TEST_N);
	}
	kfree(in);
	kfree(back);
	kfree(comp);
	return test_verdict("bz2test", ok);
}
RMOD_INIT(bz2test_init);
