/* params: a module with one parameter of every type; init prints the
 * values it was given. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("params");
RMOD_DESCRIPTION("load-time parameters of every type");

static int count = 3;
static unsigned int limit = 100;
static int verbose;
static char greeting[16] = "hi";

RMOD_PARAM(count, int, "how many greetings");
RMOD_PARAM(limit, uint, "an upper bound");
RMOD_PARAM(verbose, bool, "print more");
RMOD_PARAM(greeting, string, "what to say (15 bytes at most)");

static int params_init(void)
{
	kprintf("params: count=%d limit=%u verbose=%d greeting=%s\n", count, limit, verbose,
		greeting);
	if (count < 0)
		return -22; /* -EINVAL: lets tests exercise a failing init */
	return 0;
}

RMOD_INIT(params_init);
