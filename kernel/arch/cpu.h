#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

/* The kernel's GDT, including a %gs segment whose offset 0x14 holds the
 * stack-protector canary, where i386 code built with -fstack-protector
 * (as distributions build it) reads it. */
void cpu_init(void);

#endif
