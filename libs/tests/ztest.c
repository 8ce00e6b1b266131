/* ztest: zlib (Debian's libz.a as z.rmod) compresses the test input in
 * the kernel and decompresses it again; the host inflates the stream. */
#include "libtest.h"

RMOD_DESCRIPTION("zlib round trip through z.rmod");

unsigned long compressBound(unsigned long n);
int compress2(uint8_t *dst, unsigned long *dlen, const uint8_t *src, unsigned long n, int level);
int uncompress(uint8_t *dst, unsigned long *dlen, const uint8_t *src, unsigned long n);
const char *zlibVersion(void);

static int ztest_init(void)
{
	uint8_t *in = test_input(), *back = kmalloc(TEST_N);
	unsigned long cap = compressBound(TEST_N), clen = cap, blen = TEST_N;
	uint8_t *comp = kmalloc(cap);
	int ok = 0;
	if (in && back && comp) {
		int rc = compress2(comp, &clen, in, TEST_N, 9);
		int rd = rc ? rc : uncompress(back, &blen, comp, clen);
		kprintf("ztest: version=%s compress=%d uncompress=%d\n", zlibVersion(), rc, rd);
		test_hex("ztest", "zlib", comp, rc ? 0 : clen);
		ok = !rc && !rd && blen == TEST_N && !memcmp(in, back, TEST_N);
		kprintf("ztest: in_crc=0x%08x out_crc=0x%08x\n", test_crc32(in, TEST_N),
			test_crc32(back, blen));
	}
	kfree(in);
	kfree(back);
	kfree(comp);
	return test_verdict("ztest", ok);
}
RMOD_INIT(ztest_init);
