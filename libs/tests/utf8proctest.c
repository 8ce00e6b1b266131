/* utf8proctest: utf8proc normalises a UTF-8 string to NFC, NFD and NFKC
 * in the kernel; the host normalises the same bytes (printed) with
 * unicodedata. */
#include "libtest.h"

RMOD_DESCRIPTION("Unicode normalisation through utf8proc.rmod");

uint8_t *utf8proc_NFC(const uint8_t *s);
uint8_t *utf8proc_NFD(const uint8_t *s);
uint8_t *utf8proc_NFKC(const uint8_t *s);

/* "Ångström café ﬁ ① Ωmega e\u0301" with decomposable, composable and
 * compatibility characters. */
static const char text[] = "\xc3\x85ngstr\xc3\xb6m caf\xc3\xa9 \xef\xac\x81 \xe2\x91\xa0 "
			   "\xe2\x84\xa6mega e\xcc\x81";

static int utf8proctest_init(void)
{
	uint8_t *nfc = utf8proc_NFC((const uint8_t *)text);
	uint8_t *nfd = utf8proc_NFD((const uint8_t *)text);
	uint8_t *nfkc = utf8proc_NFKC((const uint8_t *)text);
	int ok = nfc && nfd && nfkc;
	test_hex("utf8proctest", "text", text, sizeof(text) - 1);
	if (ok) {
		test_hex("utf8proctest", "nfc", nfc, strlen((char *)nfc));
		test_hex("utf8proctest", "nfd", nfd, strlen((char *)nfd));
		test_hex("utf8proctest", "nfkc", nfkc, strlen((char *)nfkc));
	}
	free(nfc);
	free(nfd);
	free(nfkc);
	return test_verdict("utf8proctest", ok);
}
RMOD_INIT(utf8proctest_init);
