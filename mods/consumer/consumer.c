/* consumer: imports from the kernel and from the provider module and
 * prints a result the tests check. */
#include "../provider/provider.h"
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("consumer");
RMOD_DESCRIPTION("calls the provider and the kernel");

/* Taking the address of an imported function makes it a site import. */
static int (*const adder)(int, int) = provider_add;

static int consumer_init(void)
{
	int sum = provider_add(40, 2);
	int prod = provider_apply("mul", 6, 7);
	int via_ptr = adder(100, 23);
	int via_table = provider_ops[1].fn(50, 8); /* sub, through exported data */
	char *buf = kmalloc(32);
	if (!buf)
		return -12;
	memcpy(buf, "abc", 4);
	int len = (int)strlen(buf);
	kfree(buf);
	kprintf("consumer: result sum=%d prod=%d ptr=%d table=%d len=%d calls=%d ops=%d\n",
		sum, prod, via_ptr, via_table, len, provider_calls, provider_nops);
	kprintf("consumer: %s; kernel %s\n", provider_greeting(), kernel_version);
	return 0;
}

static void consumer_exit(void)
{
	kprintf("consumer: exit\n");
}

RMOD_INIT(consumer_init);
RMOD_EXIT(consumer_exit);
