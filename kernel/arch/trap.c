/* The IDT and the exception handler: a clear panic report, attributed to
 * a module when the faulting address lies in one. */
#include "trap.h"

#include "io.h"
#include "kprintf.h"

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_entry idt[32];
extern const uint32_t isr_table[32];
int (*fault_describe)(uint32_t addr, char *buf, size_t len);

static const char *const names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection fault",
	"page fault", "reserved", "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"security", "reserved"};

void idt_init(void)
{
	for (int i = 0; i < 32; i++) {
		uint32_t a = isr_table[i];
		idt[i] = (struct idt_entry){(uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16)};
	}
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) ptr = {sizeof(idt) - 1, (uint32_t)idt};
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

static void describe(const char *what, uint32_t addr)
{
	char buf[160];
	if (fault_describe && fault_describe(addr, buf, sizeof(buf)))
		kprintf("PANIC: %s 0x%08x is %s\n", what, addr, buf);
}

void trap(struct trapframe *f);
void trap(struct trapframe *f)
{
	uint32_t cr2 = 0;
	if (f->vector == 14)
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	kprintf("PANIC: %s (vector %u, err 0x%x) at EIP 0x%08x\n", names[f->vector & 31],
		f->vector, f->err, f->eip);
	describe("EIP", f->eip);
	if (f->vector == 14) {
		kprintf("PANIC: page fault address CR2 0x%08x (%s, %s)\n", cr2,
			f->err & 2 ? "write" : "read", f->err & 16 ? "instruction fetch" : "data");
		describe("CR2", cr2);
	}
	kprintf("PANIC: eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x "
		"eflags=%08x\n",
		f->eax, f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp, f->eflags);
	qemu_exit(3);
}
