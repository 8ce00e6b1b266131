# rmod: one entry point.  `make` builds everything into build/.
B := build
DEPS_STAMP := $(B)/.deps-ok

HOSTCC ?= gcc
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Imodloader
HOST_LIBS := -lelf -ldw

# Kernel and module objects: freestanding i386.
KCC := gcc
KCFLAGS := -std=c11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-mgeneral-regs-only -mstringop-strategy=libcall -O2 -g -Wall -Wextra -Werror \
	-Iinclude -Imodloader
MOD_CFLAGS := -std=gnu11 -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-mgeneral-regs-only -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/include

CORE_SRCS := $(wildcard modloader/*.c)
CORE_HDRS := $(wildcard modloader/*.h) include/rmod/format.h

PY := /usr/bin/python3

# Keep intermediate objects (synthetic modules are slow to compile).
.SECONDARY:

.PHONY: all deps run test clean print-module-cflags
all: deps tools kernel mods

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(B) && touch $@

print-module-cflags:
	@echo $(MOD_CFLAGS)

include scripts/scripts.mk
include kernel/kernel.mk
include mods/mods.mk
include abi/abi.mk
include tests/tests.mk
include tests/fuzz/fuzz.mk
include libs/libs.mk

run: all
	scripts/qemu-run $(RUN_MODS)

clean:
	rm -rf $(B)
