/* x87 and SSE set up for modules.  The kernel itself uses general
 * registers only, but distribution libraries use x87 floating point, and
 * some pick SSE code paths from CPUID alone (libb2's BLAKE2 rounds); an
 * SSE instruction faults with #UD until CR4.OSFXSR says the system
 * supports it.  One thread and no preemption: no state is ever switched,
 * so nothing else is needed. */
#include "fpu.h"

#include <stdint.h>

void fpu_init(void)
{
	uint32_t cr0, cr4, edx, eax = 1, ebx, ecx;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1u << 2);          /* EM: x87 instructions run, not trap */
	cr0 |= (1u << 1) | (1u << 5); /* MP, NE: native x87 error reporting */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	__asm__ volatile("fninit");
	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	if (edx & (1u << 24)) { /* FXSR: then OSFXSR and OSXMMEXCPT may be set */
		__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 9) | (1u << 10)));
	}
}
