# The i386 multiboot kernel: build/kernel.elf, with the loader core
# compiled in unchanged.  kernel/arch (boot, CPU, paging, traps, serial),
# kernel/mm (heap, module area), kernel/lib (string, libc subset, printf),
# kernel/module (lifecycle, loader back ends, exports, boot files),
# kernel/shell (the shell and its measurement commands), main.c.
KOBJ := $(B)/kernel
KERNEL_DIRS := arch mm lib module shell
KERNEL_INC := $(KERNEL_DIRS:%=-Ikernel/%)
KERNEL_SRCS := $(wildcard kernel/*.c $(KERNEL_DIRS:%=kernel/%/*.c))
KERNEL_ASM := $(wildcard $(KERNEL_DIRS:%=kernel/%/*.S))
KERNEL_OBJS := $(KERNEL_ASM:kernel/%.S=$(KOBJ)/%.o) $(KERNEL_SRCS:kernel/%.c=$(KOBJ)/%.o) \
	$(CORE_SRCS:modloader/%.c=$(KOBJ)/modloader/%.o)
LIBGCC32 = $(shell $(KCC) -m32 -print-libgcc-file-name)

.PHONY: kernel
kernel: $(B)/kernel.elf

$(KOBJ)/%.o: kernel/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) $(KERNEL_INC) -MMD -MP -c $< -o $@

$(KOBJ)/%.o: kernel/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) -m32 -MMD -MP -c $< -o $@

$(KOBJ)/modloader/%.o: modloader/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -MMD -MP -c $< -o $@

# The export table's symbol versions come from the kernel's own DWARF,
# written into .kexports after the link (rmod-abi stamp).
$(B)/kernel.elf: $(KERNEL_OBJS) ldscripts/kernel.ld $(B)/bin/rmod-abi
	ld -m elf_i386 -T ldscripts/kernel.ld -o $@.tmp $(KERNEL_OBJS) $(LIBGCC32)
	$(B)/bin/rmod-abi stamp $@.tmp
	mv $@.tmp $@

-include $(wildcard $(KOBJ)/*.d $(KOBJ)/*/*.d)
