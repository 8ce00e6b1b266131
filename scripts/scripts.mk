# Host tools: build/bin/rmod-{link,load,dump}, on elfutils libelf.
HOST_OBJ := $(B)/host
HOST_LIB_SRCS := $(wildcard scripts/lib/*.c)
HOST_LIB_OBJS := $(HOST_LIB_SRCS:scripts/lib/%.c=$(HOST_OBJ)/lib/%.o) \
	$(CORE_SRCS:modloader/%.c=$(HOST_OBJ)/core/%.o)
TOOLS := rmod-link rmod-load rmod-dump rmod-bench rmod-abi rmod-prelink rmod-collect

.PHONY: tools
tools: $(TOOLS:%=$(B)/bin/%)

$(HOST_OBJ)/lib/%.o: scripts/lib/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_OBJ)/core/%.o: modloader/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(HOST_OBJ)/%.o: scripts/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# module.ld is embedded in rmod-link so the tool works from anywhere.
$(HOST_OBJ)/module_ld.c: ldscripts/module.ld
	@mkdir -p $(@D)
	{ echo 'const char rmod_module_ld[] = {'; od -An -v -tx1 $< | \
	  sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; echo '0};'; } > $@

$(HOST_OBJ)/module_ld.o: $(HOST_OBJ)/module_ld.c
	$(HOSTCC) -c $< -o $@

$(B)/bin/rmod-link: $(HOST_OBJ)/rmod-link.o $(HOST_OBJ)/module_ld.o $(HOST_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(B)/bin/%: $(HOST_OBJ)/%.o $(HOST_LIB_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

-include $(wildcard $(HOST_OBJ)/*.d $(HOST_OBJ)/*/*.d)

.PHONY: bench
bench: tools mods synth
	sh scripts/bench-report $(B)/bin $(B)/mods/hello.rmod $(B)/mods/tables.rmod \
		$(B)/mods/consumer.rmod $(foreach n,$(SYNTH_SIZES),$(B)/synth/synth$(n).rmod)

# Debian's i386 kernel modules as a real-world corpus (host only, no QEMU).
.PHONY: linux-modules compare-linux
linux-modules: $(B)/linux/modules/.unpacked
$(B)/linux/modules/.unpacked: scripts/fetch-linux-modules | $(DEPS_STAMP)
	sh scripts/fetch-linux-modules $(B)/linux && touch $@

compare-linux: all linux-modules
	$(PY) scripts/compare-linux --jobs 2 --readme README.md
	$(PY) scripts/linux-kernel-sample --sample 300 --readme README.md
