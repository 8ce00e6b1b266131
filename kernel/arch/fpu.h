/* The x87 FPU and SSE for module code (fpu.c). */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

void fpu_init(void);

#endif
