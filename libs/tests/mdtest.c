/* mdtest: libmd's MD5, SHA-1 and SHA-256 of the test input in the
 * kernel (its *Data helpers return hex); the host compares with hashlib. */
#include "libtest.h"

RMOD_DESCRIPTION("message digests through md.rmod");

char *MD5Data(const uint8_t *in, size_t n, char *buf);
char *SHA1Data(const uint8_t *in, size_t n, char *buf);
char *SHA256Data(const uint8_t *in, size_t n, char *buf);

static int mdtest_init(void)
{
	uint8_t *in = test_input();
	char md5[33], sha1[41], sha256[65];
	if (!in)
		return test_verdict("mdtest", 0);
	int ok = MD5Data(in, TEST_N, md5) && SHA1Data(in, TEST_N, sha1) &&
		 SHA256Data(in, TEST_N, sha256);
	if (ok)
		kprintf("mdtest: md5=%s sha1=%s sha256=%s\n", md5, sha1, sha256);
	kfree(in);
	return test_verdict("mdtest", ok);
}
RMOD_INIT(mdtest_init);
