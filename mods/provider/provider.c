/* provider: exports functions, a counter and a table of operations. */
#include "provider.h"

#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("provider");
RMOD_DESCRIPTION("exports arithmetic functions and data");

int provider_calls;

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_xor(int a, int b) { return a ^ b; }

const struct provider_op provider_ops[] = {
	{"add", op_add}, {"sub", op_sub}, {"mul", op_mul}, {"xor", op_xor},
};
const int provider_nops = sizeof(provider_ops) / sizeof(provider_ops[0]);

int provider_add(int a, int b)
{
	provider_calls++;
	return a + b;
}

int provider_apply(const char *op, int a, int b)
{
	provider_calls++;
	for (int i = 0; i < provider_nops; i++)
		if (!strcmp(provider_ops[i].name, op))
			return provider_ops[i].fn(a, b);
	return -1;
}

const char *provider_greeting(void)
{
	return "greetings from provider";
}

static int provider_init(void)
{
	kprintf("provider: init: %d ops\n", provider_nops);
	return 0;
}

static void provider_exit(void)
{
	kprintf("provider: exit after %d calls\n", provider_calls);
}

RMOD_INIT(provider_init);
RMOD_EXIT(provider_exit);
RMOD_EXPORT(provider_add);
RMOD_EXPORT(provider_apply);
RMOD_EXPORT(provider_greeting);
RMOD_EXPORT(provider_calls);
RMOD_EXPORT(provider_ops);
RMOD_EXPORT(provider_nops);
