/* soak: a quiet module with imports, exports and plenty of fixups, for
 * the insmod/rmmod soak test.  init computes soak_result from its own
 * tables through heap memory, so a wrong fixup or a leak shows. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("soak");
RMOD_DESCRIPTION("quiet module for insmod/rmmod cycles");

static unsigned twice(unsigned x) { return 2 * x; }
static unsigned thrice(unsigned x) { return 3 * x; }
static unsigned (*const ops[])(unsigned) = {twice, thrice, twice, thrice, twice};
static const char *const names[] = {"one", "two", "three", "four", "five"};

unsigned soak_result;

unsigned soak_value(void) { return soak_result; }

static int soak_init(void)
{
	char *buf = kmalloc(64);
	if (!buf)
		return -12;
	unsigned h = 0;
	for (unsigned i = 0; i < 5; i++) {
		memcpy(buf, names[i], strlen(names[i]) + 1);
		h = h * 31 + ops[i](i + 1) + (unsigned)strlen(buf);
	}
	kfree(buf);
	soak_result = h;
	return 0;
}

RMOD_INIT(soak_init);
RMOD_EXPORT(soak_value);
RMOD_EXPORT(soak_result);
