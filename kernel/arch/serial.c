/* COM1, polled: the console and the shell's input. */
#include "serial.h"

#include "io.h"

#define COM1 0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts: we poll */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	/* FCR untouched: toggling the FIFO would drop input typed ahead. */
	outb(COM1 + 4, 0x03);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

int serial_getc(void)
{
	while (!(inb(COM1 + 5) & 0x01))
		__asm__ volatile("pause");
	return inb(COM1);
}
