#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

void serial_init(void);
void serial_putc(char c);
int serial_getc(void); /* blocks */

#endif
