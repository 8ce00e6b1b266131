/* Multiboot v1 entry: a stack, our own flat GDT, then kmain(magic, mbi). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory info */

	.section .multiboot, "a"
	.p2align 2
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .bss
	.p2align 4
boot_stack:
	.skip 65536
boot_stack_top:

	.section .rodata
	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: code, flat 4 GiB */
	.quad 0x00cf92000000ffff /* 0x10: data, flat 4 GiB */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt

	.text
	.globl _start
_start:
	cli
	mov $boot_stack_top, %esp
	lgdt gdt_ptr
	ljmp $0x08, $1f
1:	mov $0x10, %cx
	mov %cx, %ds
	mov %cx, %es
	mov %cx, %fs
	mov %cx, %gs
	mov %cx, %ss
	/* The i386 ABI's 16-byte stack alignment at each call, which
	 * distribution libraries' SSE code relies on: 8 + two pushes. */
	sub $8, %esp
	push %ebx /* multiboot info */
	push %eax /* magic */
	call kmain
2:	cli
	hlt
	jmp 2b

	.section .note.GNU-stack, "", @progbits
