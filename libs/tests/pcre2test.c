/* pcre2test: PCRE2 (8-bit) compiles a pattern and finds every match in a
 * subject in the kernel, printing each match's groups as offsets; the
 * host runs the same pattern (printed) over the same subject with re. */
#include "libtest.h"

RMOD_DESCRIPTION("regular-expression matches through pcre2-8.rmod");

void *pcre2_compile_8(const uint8_t *pat, size_t n, uint32_t opts, int *err, size_t *erroff,
		      void *ctx);
void pcre2_code_free_8(void *code);
void *pcre2_match_data_create_from_pattern_8(const void *code, void *gctx);
void pcre2_match_data_free_8(void *md);
int pcre2_match_8(const void *code, const uint8_t *subj, size_t n, size_t start, uint32_t opts,
		  void *md, void *mctx);
size_t *pcre2_get_ovector_pointer_8(void *md);

static const char pattern[] = "([a-z]+)\\.([a-z]+)@(example|rmod)\\.(org|net)";
static const char subject[] = "Write to ada.lovelace@example.org or alan.turing@rmod.net, "
			      "not to bob@example.com or x.y@rmod.org.";

static int pcre2test_init(void)
{
	int err;
	size_t erroff;
	void *code = pcre2_compile_8((const uint8_t *)pattern, sizeof(pattern) - 1, 0, &err,
				     &erroff, NULL);
	if (!code) {
		kprintf("pcre2test: compile error %d at %u\n", err, (unsigned)erroff);
		return test_verdict("pcre2test", 0);
	}
	void *md = pcre2_match_data_create_from_pattern_8(code, NULL);
	int matches = 0, rc = -1;
	size_t at = 0, n = sizeof(subject) - 1;
	kprintf("pcre2test: pattern=%s\n", pattern);
	test_hex("pcre2test", "subject", subject, n);
	while (md && at <= n &&
	       (rc = pcre2_match_8(code, (const uint8_t *)subject, n, at, 0, md, NULL)) > 0) {
		size_t *ov = pcre2_get_ovector_pointer_8(md);
		kprintf("pcre2test: match");
		for (int g = 0; g < rc; g++)
			kprintf(" %u-%u", (unsigned)ov[2 * g], (unsigned)ov[2 * g + 1]);
		kprintf("\n");
		matches++;
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	kprintf("pcre2test: matches=%d last=%d\n", matches, rc);
	if (md)
		pcre2_match_data_free_8(md);
	pcre2_code_free_8(code);
	return test_verdict("pcre2test", rc == -1 /* PCRE2_ERROR_NOMATCH */);
}
RMOD_INIT(pcre2test_init);
