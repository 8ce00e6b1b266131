/* lzmatest: liblzma encodes the test input as .xz in the kernel and
 * decodes it again (one thread: pthread_create is not available); the
 * host decompresses the stream. */
#include "libtest.h"

RMOD_DESCRIPTION("xz round trip through lzma.rmod");

int lzma_easy_buffer_encode(uint32_t preset, int check, const void *allocator, const uint8_t *in,
			    size_t n, uint8_t *out, size_t *out_pos, size_t out_size);
int lzma_stream_buffer_decode(uint64_t *memlimit, uint32_t flags, const void *allocator,
			      const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out,
			      size_t *out_pos, size_t out_size);

static int lzmatest_init(void)
{
	uint8_t *in = test_input(), *back = kmalloc(TEST_N);
	size_t cap = TEST_N + 1024, cpos = 0, ipos = 0, bpos = 0;
	uint8_t *comp = kmalloc(cap);
	uint64_t limit = 64u << 20;
	int ok = 0;
	if (in && back && comp) {
		int rc = lzma_easy_buffer_encode(1, 1 /* CRC32 */, NULL, in, TEST_N, comp, &cpos, cap);
		int rd = rc ? rc : lzma_stream_buffer_decode(&limit, 0, NULL, comp, &ipos, cpos,
							     back, &bpos, TEST_N);
		kprintf("lzmatest: encode=%d decode=%d\n", rc, rd);
		test_hex("lzmatest", "xz", comp, rc ? 0 : cpos);
		ok = !rc && !rd && bpos == TEST_N && !memcmp(in, back, TEST_N);
	}
	kfree(in);
	kfree(back);
	kfree(comp);
	return test_verdict("lzmatest", ok);
}
RMOD_INIT(lzmatest_init);
