#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stddef.h>
#include <stdint.h>

struct trapframe {
	uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax; /* pusha */
	uint32_t vector, err;
	uint32_t eip, cs, eflags;
};

void idt_init(void);
/* Set by the module code: describe an address as "module+off (sym+off)";
 * returns 0 if the address is in no module. */
extern int (*fault_describe)(uint32_t addr, char *buf, size_t len);

#endif
