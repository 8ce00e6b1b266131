# kernel/module/symtab.c on the host (tests/unit/test_symtab.c), built at and
# one past each old cap of kernel exports; uses the k_ renames of libc.mk.
SYMTAB_UNIT_NS := 256 257 1000
SYMTAB_UNIT := $(SYMTAB_UNIT_NS:%=$(B)/unit/test_symtab_%)
SYMTAB_UNIT_OBJS := $(B)/unit/k_module/symtab.o $(B)/unit/k_lib/string.o $(B)/unit/k_mm/heap.o \
	$(B)/unit/k_lib/kprintf.o

# struct kexport is 24 bytes on the (64-bit) host.
$(B)/unit/test_symtab_%: tests/unit/test_symtab.c tests/unit/check.h $(SYMTAB_UNIT_OBJS)
	$(HOSTCC) $(LIBC_UNIT_CFLAGS) -no-pie -DNKEXPORTS=$* -o $@ $(filter-out %.h,$^) \
		-Wl,--defsym=__kexports_end=__kexports_start+$$(( $* * 24 ))

.PHONY: unit-symtab
unit-symtab: $(SYMTAB_UNIT)
	@for t in $(SYMTAB_UNIT); do $$t || exit 1; done
