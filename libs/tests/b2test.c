/* b2test: libb2's BLAKE2b and BLAKE2bp of the test input in the kernel.
 * BLAKE2bp is built with OpenMP: its four lanes are a parallel region,
 * which the libc module runs lane after lane.  The host computes both
 * with hashlib (BLAKE2bp from its tree parameters). */
#include "libtest.h"

RMOD_DESCRIPTION("BLAKE2 digests through b2.rmod");

int blake2b(uint8_t *out, const void *in, const void *key, size_t outlen, size_t inlen,
	    size_t keylen);
int blake2bp(uint8_t *out, const void *in, const void *key, size_t outlen, size_t inlen,
	     size_t keylen);

static int b2test_init(void)
{
	uint8_t *in = test_input(), d[64], dp[64];
	if (!in)
		return test_verdict("b2test", 0);
	int a = blake2b(d, in, NULL, 64, TEST_N, 0), b = blake2bp(dp, in, NULL, 64, TEST_N, 0);
	test_hex("b2test", "blake2b", d, 64);
	test_hex("b2test", "blake2bp", dp, 64);
	kfree(in);
	return test_verdict("b2test", !a && !b);
}
RMOD_INIT(b2test_init);
