# Debian's static libraries as modules (docs/LIBC.md, README "Libraries").
#   build/libs/PKG/root/...      unpacked -dev packages (scripts/fetch-libs)
#   build/libs/libc.rmod         the C library module (libs/libc + musl)
#   build/libs/mods/L.rmod       libL.a as one whole-archive module
#   build/libs/tests/T.rmod      in-kernel self-test consumers (libs/tests)
LIBS := $(B)/libs
LIBS_PKGS := musl-dev zlib1g-dev libzstd-dev libbz2-dev liblzma-dev libbrotli-dev \
	libdeflate-dev libexpat1-dev libfdt-dev libyaml-dev libinih-dev libjansson-dev \
	libjson-c-dev libmbedtls-dev libmd-dev libpcre2-dev libsodium-dev libtomcrypt-dev \
	libutf8proc-dev libxxhash-dev libargon2-dev libb2-dev liblz4-dev libtommath-dev \
	libgmp-dev
LIBS_STAMP := $(LIBS)/.fetched

$(LIBS_STAMP): scripts/fetch-libs
	scripts/fetch-libs $(LIBS) $(LIBS_PKGS)
	@touch $@

.PHONY: libs-fetch libc-module
libs-fetch: $(LIBS_STAMP)

# The libc module: our glibc-ABI shims, plus the members of musl's libc.a
# that define what libs/libc/musl.txt names (and what those need), minus
# anything the shims or the kernel define.
LIBC_SRCS := $(wildcard libs/libc/*.c)
LIBC_OBJS := $(LIBC_SRCS:libs/libc/%.c=$(LIBS)/obj/libc/%.o)
MUSL_A = $(LIBS)/musl-dev/root/usr/lib/i386-linux-musl/libc.a

$(LIBS)/obj/libc/%.o: libs/libc/%.c libs/libc/libc.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(MOD_CFLAGS) -Ilibs/libc -c $< -o $@

$(LIBS)/libc.members: $(LIBC_OBJS) $(B)/kernel.elf scripts/musl-members libs/libc/musl.txt \
		$(LIBS_STAMP)
	@rm -rf $(LIBS)/musl
	{ nm -g --defined-only $(B)/kernel.elf $(LIBC_OBJS) | awk 'NF==3{print $$3}'; \
	  nm -g --defined-only $(LIBGCC32) | awk 'NF==3{print $$3}'; \
	  echo __stack_chk_fail_local; echo _GLOBAL_OFFSET_TABLE_; } > $(LIBS)/libc.provided
	scripts/musl-members $(MUSL_A) $(LIBS)/musl libs/libc/musl.txt $(LIBS)/libc.provided > $@

$(LIBS)/libc.rmod: $(LIBS)/libc.members libs/libc/exports.txt $(B)/bin/rmod-link
	grep -v '^#' libs/libc/exports.txt | tr ' ' '\n' | grep . > $(LIBS)/libc.exports
	@rm -rf $(LIBS)/libc.link
	$(B)/bin/rmod-link --name libc --export-list $(LIBS)/libc.exports \
		--save-temps $(LIBS)/libc.link --provider $(B)/kernel.elf -o $@ \
		$(LIBC_OBJS) $$(cat $(LIBS)/libc.members)

libc-module: $(LIBS)/libc.rmod

# make libs-report: every library linked, checked against GNU ld, and the
# README table rewritten (scripts/libs-report).
LIBS_BASES ?= 20
.PHONY: libs-report
libs-report: $(LIBS)/libc.rmod $(B)/bin/rmod-link $(B)/bin/rmod-load $(B)/bin/rmod-dump
	$(PY) scripts/libs-report --bases $(LIBS_BASES) --readme README.md

# One library module, with its providers (scripts/libs-report --link-only).
$(LIBS)/mods/%.rmod: $(LIBS)/libc.rmod $(B)/bin/rmod-link scripts/libs-report
	$(PY) scripts/libs-report --link-only $*

# The self-tests: libs/tests/T.c imports from the libraries T.needs names.
LIBTEST_SRCS := $(wildcard libs/tests/*.c)
LIBTEST_NAMES := $(LIBTEST_SRCS:libs/tests/%.c=%)
libtest_needs = $(shell cat libs/tests/$(1).needs)

$(LIBS)/obj/tests/%.o: libs/tests/%.c libs/tests/libtest.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(MOD_CFLAGS) -c $< -o $@

define LIBTEST_RULE
$(LIBS)/tests/$(1).rmod: $(LIBS)/obj/tests/$(1).o $(LIBS)/libc.rmod \
		$(foreach l,$(call libtest_needs,$(1)),$(LIBS)/mods/$(l).rmod)
	@mkdir -p $$(@D)
	$(B)/bin/rmod-link --provider $(B)/kernel.elf --provider $(LIBS)/libc.rmod \
		$(foreach l,$(call libtest_needs,$(1)),--provider $(LIBS)/mods/$(l).rmod) \
		-o $$@ $$<
endef
$(foreach t,$(LIBTEST_NAMES),$(eval $(call LIBTEST_RULE,$(t))))

# make libs-selftest: every self-test in QEMU (tests/test_libs.py, all);
# make test runs LIBTEST_SUBSET of them.
LIBTEST_SUBSET := ztest deflatetest xxhashtest mbedcryptotest expattest pcre2test janssontest
.PHONY: libs-selftest libs-selftest-subset
libs-selftest-subset: $(foreach t,$(LIBTEST_SUBSET),$(LIBS)/tests/$(t).rmod)
libs-selftest: $(foreach t,$(LIBTEST_NAMES),$(LIBS)/tests/$(t).rmod)
	cd tests && RMOD_LIBTESTS=all $(PYTEST) $(PYTEST_ARGS) test_libs.py
test: libs-selftest-subset

# Which library modules are providers of which (from scripts/libs-report).
$(LIBS)/needs.mk: scripts/libs-report
	@mkdir -p $(@D)
	$(PY) scripts/libs-report --make-needs > $@
-include $(LIBS)/needs.mk
