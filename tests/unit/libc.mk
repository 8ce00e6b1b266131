# The kernel's libc subset, built for the host and checked against the
# host libc (tests/unit/test_libc.c).  Only the kernel sources get the
# k_ renames; the test itself calls the real host libc.
LIBC_UNIT_SRCS := kernel/lib/string.c kernel/lib/libc.c kernel/mm/heap.c kernel/lib/kprintf.c
LIBC_UNIT := $(B)/unit/test_libc
LIBC_UNIT_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -fno-builtin -fno-stack-protector \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude $(KERNEL_INC) -Imodloader

$(B)/unit/k_%.o: kernel/%.c tests/unit/k_rename.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(LIBC_UNIT_CFLAGS) -include tests/unit/k_rename.h -c $< -o $@

$(LIBC_UNIT): tests/unit/test_libc.c tests/unit/check.h $(LIBC_UNIT_SRCS:kernel/%.c=$(B)/unit/k_%.o)
	$(HOSTCC) $(LIBC_UNIT_CFLAGS) -o $@ $(filter-out %.h,$^)

.PHONY: unit-libc
unit-libc: $(LIBC_UNIT)
	$(LIBC_UNIT)
