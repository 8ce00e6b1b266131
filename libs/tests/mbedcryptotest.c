/* mbedcryptotest: SHA-256 and SHA-512 of the test input with mbed TLS's
 * libmbedcrypto in the kernel; the host compares with hashlib. */
#include "libtest.h"

RMOD_DESCRIPTION("SHA-2 digests through mbedcrypto.rmod");

int mbedtls_sha256_ret(const uint8_t *in, size_t n, uint8_t out[32], int is224);
int mbedtls_sha512_ret(const uint8_t *in, size_t n, uint8_t out[64], int is384);

static int mbedcryptotest_init(void)
{
	uint8_t *in = test_input(), d256[32], d512[64];
	if (!in)
		return test_verdict("mbedcryptotest", 0);
	int a = mbedtls_sha256_ret(in, TEST_N, d256, 0), b = mbedtls_sha512_ret(in, TEST_N, d512, 0);
	test_hex("mbedcryptotest", "sha256", d256, 32);
	test_hex("mbedcryptotest", "sha512", d512, 64);
	kfree(in);
	return test_verdict("mbedcryptotest", !a && !b);
}
RMOD_INIT(mbedcryptotest_init);
