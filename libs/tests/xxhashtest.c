/* xxhashtest: XXH32 and XXH64 of the test input in the kernel; the host
 * computes both from the specification (tests/test_libs.py). */
#include "libtest.h"

RMOD_DESCRIPTION("xxHash digests through xxhash.rmod");

unsigned XXH32(const void *in, size_t n, unsigned seed);
unsigned long long XXH64(const void *in, size_t n, unsigned long long seed);

static int xxhashtest_init(void)
{
	uint8_t *in = test_input();
	if (!in)
		return test_verdict("xxhashtest", 0);
	kprintf("xxhashtest: xxh32=%08x xxh64=%016llx\n", XXH32(in, TEST_N, 0),
		XXH64(in, TEST_N, 0));
	kfree(in);
	return test_verdict("xxhashtest", 1);
}
RMOD_INIT(xxhashtest_init);
