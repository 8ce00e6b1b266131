/* PAE paging (paging.h).  One PTE per 4 KiB page of the first 256 MiB,
 * so every module region can have its own permissions. */
#include "paging.h"

#include "kprintf.h"

#define MAX_RAM (256u << 20)
#define NPTES (MAX_RAM / 4096)
#define P_PRESENT 1ull
#define P_WRITE 2ull
#define P_NX (1ull << 63)

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[NPTES] __attribute__((aligned(4096)));
static uint64_t nx_bit;
static uintptr_t mapped_end;

extern char __kernel_start[], __kernel_text_end[], __kernel_rodata_end[];

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *d)
{
	uint32_t b, c;
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(b), "=c"(c), "=d"(*d) : "a"(leaf), "c"(0));
}

int paging_has_nx(void) { return nx_bit != 0; }

void paging_protect(uintptr_t addr, size_t len, int prot)
{
	paging_map(addr & ~(uintptr_t)4095, addr & ~(uintptr_t)4095, len + (addr & 4095), prot);
}

void paging_map(uintptr_t virt, uintptr_t phys, size_t len, int prot)
{
	uintptr_t end = virt + len;
	for (uintptr_t a = virt; a < end && a < mapped_end; a += 4096, phys += 4096) {
		uint64_t e = (uint64_t)phys | P_PRESENT;
		if (prot & PROT_W)
			e |= P_WRITE;
		if (!(prot & PROT_X))
			e |= nx_bit;
		if (a != 0) /* page 0 stays unmapped: NULL dereferences fault */
			pt[a / 4096] = e;
		__asm__ volatile("invlpg (%0)" : : "r"(a) : "memory");
	}
}

int paging_init(uintptr_t ram_end)
{
	uint32_t a, d;
	cpuid(1, &a, &d);
	if (!(d & (1u << 6))) {
		kprintf("paging: CPU has no PAE; running without W^X\n");
		return -1;
	}
	cpuid(0x80000000u, &a, &d);
	if (a >= 0x80000001u) {
		cpuid(0x80000001u, &a, &d);
		if (d & (1u << 20)) {
			uint32_t lo, hi;
			__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u));
			lo |= 1u << 11; /* EFER.NXE */
			__asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(0xc0000080u));
			nx_bit = P_NX;
		}
	}
	mapped_end = ram_end < MAX_RAM ? ram_end : MAX_RAM;
	for (unsigned i = 0; i < 4; i++) {
		pdpt[i] = (uint32_t)pd[i] | P_PRESENT;
		for (unsigned j = 0; j < 512; j++) {
			unsigned idx = i * 512 + j;
			if (idx * 512 < NPTES)
				pd[i][j] = (uint32_t)&pt[idx * 512] | P_PRESENT | P_WRITE;
		}
	}
	paging_protect(0, mapped_end, PROT_W);
	uintptr_t ks = (uintptr_t)__kernel_start, kt = (uintptr_t)__kernel_text_end,
		  kr = (uintptr_t)__kernel_rodata_end;
	paging_protect(ks, kt - ks, PROT_X);
	paging_protect(kt, kr - kt, 0);
	uint32_t cr0, cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 5))); /* PAE */
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)pdpt));
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	/* PG, and WP so that the kernel itself cannot write read-only pages. */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x80000000u | 0x10000u));
	kprintf("paging: PAE on, W^X enforced%s\n", nx_bit ? " with NX" : " (no NX: data stays executable)");
	return 0;
}
