/* faulty: breaks W^X on purpose, to prove faults are caught and
 * attributed.  mode=1 writes into its own text, mode=2 calls into its
 * data; mode=0 (the default) does nothing. */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("faulty");
RMOD_DESCRIPTION("faults on purpose (mode=1 write text, mode=2 execute data)");

static int mode;
RMOD_PARAM(mode, int, "1: write into text, 2: call into data");

/* Not const: it lands in .data, which must not be executable. */
unsigned char faulty_data_blob[16] = {0xc3, 0xc3, 0xc3, 0xc3};

__attribute__((noinline)) void faulty_write_text(void)
{
	volatile unsigned char *p = (volatile unsigned char *)faulty_write_text;
	p[4] = 0x90;
}

__attribute__((noinline)) void faulty_call_data(void)
{
	void (*volatile fn)(void) = (void (*)(void))(void *)faulty_data_blob;
	fn();
}

static int faulty_init(void)
{
	kprintf("faulty: mode=%d\n", mode);
	if (mode == 1)
		faulty_write_text();
	else if (mode == 2)
		faulty_call_data();
	return 0;
}

RMOD_INIT(faulty_init);
