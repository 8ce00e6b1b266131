/* GDT set-up (cpu.h). */
#include "cpu.h"

#include <stdint.h>

#include "io.h"

/* What %gs points at: the i386 ABI puts the stack guard at %gs:0x14. */
static struct {
	uint32_t reserved[5];
	uint32_t stack_guard;
	uint32_t pad[10];
} percpu;

static uint64_t gdt[4];

static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access)
{
	return (uint64_t)(limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)0xc << 52) /* 4 KiB granularity, 32-bit */ |
	       ((uint64_t)(base >> 24) << 56);
}

void cpu_init(void)
{
	gdt[0] = 0;
	gdt[1] = descriptor(0, 0xfffff, 0x9a); /* code */
	gdt[2] = descriptor(0, 0xfffff, 0x92); /* data */
	gdt[3] = descriptor((uint32_t)&percpu, 0, 0x92); /* %gs: one page */
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) ptr = {sizeof(gdt) - 1, (uint32_t)gdt};
	/* The TSC at boot is as good a guard as we can get; never 0 so a
	 * zeroed frame does not pass. */
	percpu.stack_guard = (uint32_t)rdtsc() | 0x00010000u;
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp $0x08, $1f\n"
			 "1:\tmov $0x10, %%ax\n\t"
			 "mov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%ss\n\tmov %%ax, %%fs\n\t"
			 "mov $0x18, %%ax\n\tmov %%ax, %%gs"
			 :
			 : "m"(ptr)
			 : "eax", "memory");
}
