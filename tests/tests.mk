# make test: build everything, then the pytest suite (host + QEMU).
PYTEST := $(PY) -m pytest
PYTEST_ARGS ?= -q

include tests/unit/libc.mk
include tests/unit/crc.mk
include tests/unit/symtab.mk

# The host tools and the loader core again, under ASan and UBSan.
ASAN_BIN := $(B)/asan/bin
ASAN_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Imodloader \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(ASAN_BIN)/rmod-link: scripts/rmod-link.c $(HOST_OBJ)/module_ld.c $(HOST_LIB_SRCS) $(CORE_SRCS)
	@mkdir -p $(@D)
	$(HOSTCC) $(ASAN_CFLAGS) -o $@ $^ $(HOST_LIBS)
$(ASAN_BIN)/%: scripts/%.c $(HOST_LIB_SRCS) $(CORE_SRCS)
	@mkdir -p $(@D)
	$(HOSTCC) $(ASAN_CFLAGS) -o $@ $^ $(HOST_LIBS)

.PHONY: sanitize-test soak
sanitize-test: $(ASAN_BIN)/rmod-link $(ASAN_BIN)/rmod-load $(ASAN_BIN)/rmod-dump \
		$(ASAN_BIN)/rmod-abi all synth
	cd tests && RMOD_BIN=$(CURDIR)/$(ASAN_BIN) ASAN_OPTIONS=detect_leaks=1 $(PYTEST) -q \
		test_tools.py test_differential.py test_pic.py \
		test_abi_inputs.py test_abi_types.py test_abi_matrix.py \
		test_hardening.py::test_host_loader_refuses_each_class_with_its_code

# The full soak: SOAK_CYCLES insmod/rmmod cycles in one boot.
SOAK_CYCLES ?= 10000
soak: all
	printf 'soak soak $(SOAK_CYCLES)\nstats\nhalt 0\n' | \
		RMOD_QEMU_TIMEOUT=600 scripts/qemu-run --no-autoload $(B)/mods/soak.rmod | \
		grep -E '^soak: .* ok$$'

.PHONY: test pytest
test: all synth abi-check lz4-demo linux-modules unit-libc unit-symtab unit-crc sanitize-test fuzz-smoke compare
	cd tests && $(PYTEST) $(PYTEST_ARGS)
