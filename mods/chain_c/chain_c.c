/* The top of the chain. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("chain_c");
RMOD_DESCRIPTION("top of a three-module chain");

extern int chain_b_value(void);
static int c_init(void) { kprintf("chain_c: init b=%d\n", chain_b_value() * 10 + 3); return 0; }
static void c_exit(void) { kprintf("chain_c: exit\n"); }
RMOD_INIT(c_init);
RMOD_EXIT(c_exit);
