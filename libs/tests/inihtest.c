/* inihtest: inih parses an INI text in the kernel, printing each
 * section/name/value it reports; the host parses the same bytes
 * (printed) with configparser. */
#include "libtest.h"

RMOD_DESCRIPTION("INI parse through inih.rmod");

int ini_parse_string(const char *s, int (*handler)(void *, const char *, const char *,
						   const char *),
		     void *user);

static const char ini[] = "; rmod\n[kernel]\nname = rmod-kernel\nversion = 0.1\n\n"
			  "[modules]\nlz4 = liblz4.a\nz = libz.a\n# comment\nzstd=libzstd.a\n";

static int handler(void *user, const char *section, const char *name, const char *value)
{
	++*(int *)user;
	kprintf("inihtest: entry [%s] %s=%s\n", section, name, value);
	return 1;
}

static int inihtest_init(void)
{
	int n = 0;
	test_hex("inihtest", "doc", ini, sizeof(ini) - 1);
	int rc = ini_parse_string(ini, handler, &n);
	kprintf("inihtest: parse=%d entries=%d\n", rc, n);
	return test_verdict("inihtest", rc == 0);
}
RMOD_INIT(inihtest_init);
