/* hello: the smallest module; prints on init and exit. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("hello");
RMOD_DESCRIPTION("prints a greeting on load and unload");

static const char *const greeting = "hello from a relocated module";

static int hello_init(void)
{
	kprintf("hello: init: %s (running on %s)\n", greeting, kernel_version);
	return 0;
}

static void hello_exit(void)
{
	kprintf("hello: exit: goodbye\n");
}

RMOD_INIT(hello_init);
RMOD_EXIT(hello_exit);
