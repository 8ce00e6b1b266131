/* Port I/O and small CPU helpers. */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* QEMU's isa-debug-exit at 0xf4: QEMU exits with status (code << 1) | 1. */
__attribute__((noreturn)) static inline void qemu_exit(uint32_t code)
{
	outl(0xf4, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
