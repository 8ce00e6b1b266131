/* hello: the smallest module; prints on init and exit. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("hello");
RMOD_DESCRIPTION("prints a greeting on load and unload");

static const char *const greeting = "hello from a relocated module";

/* Only init uses these: they live in the init region, freed after init. */
static const char *const init_banner RMOD_INIT_DATA = "init-only banner";
static const char *init_strings[] RMOD_INIT_DATA = {"from", "freed", "memory"};

static RMOD_INIT_TEXT int hello_init(void)
{
	kprintf("hello: init: %s (running on %s)\n", greeting, kernel_version);
	kprintf("hello: %s %s %s %s\n", init_banner, init_strings[0], init_strings[1],
		init_strings[2]);
	return 0;
}

static void hello_exit(void)
{
	kprintf("hello: exit: goodbye\n");
}

RMOD_INIT(hello_init);
RMOD_EXIT(hello_exit);
