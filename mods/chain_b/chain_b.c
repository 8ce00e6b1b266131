/* The middle of the chain: uses chain_a, is used by chain_c. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("chain_b");
RMOD_DESCRIPTION("middle of a three-module chain");

extern int chain_a_value(void);
int chain_b_value(void) { return chain_a_value() * 10 + 2; }
static int b_init(void) { kprintf("chain_b: init a=%d\n", chain_a_value()); return 0; }
static void b_exit(void) { kprintf("chain_b: exit\n"); }
RMOD_INIT(b_init);
RMOD_EXIT(b_exit);
RMOD_EXPORT(chain_b_value);
