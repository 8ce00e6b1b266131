# The i386 multiboot kernel: build/kernel.elf, with the loader core
# compiled in unchanged.
KOBJ := $(B)/kernel
KERNEL_SRCS := $(wildcard kernel/*.c)
KERNEL_ASM := $(wildcard kernel/*.S)
KERNEL_OBJS := $(KERNEL_ASM:kernel/%.S=$(KOBJ)/%.o) $(KERNEL_SRCS:kernel/%.c=$(KOBJ)/%.o) \
	$(CORE_SRCS:modloader/%.c=$(KOBJ)/modloader/%.o)
LIBGCC32 = $(shell $(KCC) -m32 -print-libgcc-file-name)

.PHONY: kernel
kernel: $(B)/kernel.elf

$(KOBJ)/%.o: kernel/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -Ikernel -MMD -MP -c $< -o $@

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

-include $(wildcard $(KOBJ)/*.d $(KOBJ)/modloader/*.d)
