/* tomcrypttest: libtomcrypt's SHA-256 of the test input in the kernel
 * (tomcrypt.rmod loads with its providers tommath.rmod and gmp.rmod);
 * the host compares with hashlib. */
#include "libtest.h"

RMOD_DESCRIPTION("SHA-256 through tomcrypt.rmod");

int sha256_init(void *st);
int sha256_process(void *st, const uint8_t *in, unsigned long n);
int sha256_done(void *st, uint8_t *out);

static int tomcrypttest_init(void)
{
	uint8_t *in = test_input(), d[32];
	void *st = kmalloc(4096); /* hash_state is a union of every hash's state */
	int ok = 0;
	if (in && st) {
		int a = sha256_init(st), b = a ? a : sha256_process(st, in, TEST_N);
		int c = b ? b : sha256_done(st, d);
		test_hex("tomcrypttest", "sha256", d, c ? 0 : 32);
		ok = !c;
	}
	kfree(in);
	kfree(st);
	return test_verdict("tomcrypttest", ok);
}
RMOD_INIT(tomcrypttest_init);
