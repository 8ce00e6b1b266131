/* chain_a <- chain_b <- chain_c: a dependency chain for modprobe tests. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("chain_a");
RMOD_DESCRIPTION("bottom of a three-module chain");

int chain_a_value(void) { return 1; }
static int a_init(void) { kprintf("chain_a: init\n"); return 0; }
static void a_exit(void) { kprintf("chain_a: exit\n"); }
RMOD_INIT(a_init);
RMOD_EXIT(a_exit);
RMOD_EXPORT(chain_a_value);
