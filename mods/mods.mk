# In-tree modules: build/mods/NAME.rmod from mods/NAME/*.c.
# Link temporaries (link.sh and every file ld saw) stay in
# build/mods/NAME.link/ for the differential tests.
# A module whose directory has a README saying so is built by its own
# target (lz4test by lz4-demo), not by `make`.
MOD_DEMOS := lz4test
MOD_NAMES := $(filter-out $(MOD_DEMOS),$(notdir $(patsubst %/,%,$(wildcard mods/*/))))
MOD_RMODS := $(MOD_NAMES:%=$(B)/mods/%.rmod)
RUN_MODS ?= $(B)/mods/hello.rmod $(B)/mods/provider.rmod $(B)/mods/consumer.rmod \
	$(B)/mods/tables.rmod

.PHONY: mods
mods: $(MOD_RMODS)

$(B)/mods/obj/%.o: mods/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(KCC) $(MOD_CFLAGS) -MMD -MP -c $< -o $@

# mods/NAME/providers lists the modules NAME imports from; with the
# kernel they are the --provider set, so every import is checked at build
# time and the needs are recorded for modprobe-style loading.
mod_providers = $(if $(wildcard mods/$(1)/providers),$(shell cat mods/$(1)/providers))

define MOD_RULE
$(B)/mods/$(1).rmod: $(patsubst mods/$(1)/%.c,$(B)/mods/obj/$(1)/%.o,$(wildcard mods/$(1)/*.c)) \
		$(B)/bin/rmod-link $(B)/kernel.elf $(foreach p,$(call mod_providers,$(1)),$(B)/mods/$(p).rmod)
	@rm -rf $(B)/mods/$(1).link
	$(B)/bin/rmod-link --save-temps $(B)/mods/$(1).link --provider $(B)/kernel.elf \
		$(foreach p,$(call mod_providers,$(1)),--provider $(B)/mods/$(p).rmod) \
		-o $$@ $$(filter %.o,$$^)
endef
$(foreach m,$(MOD_NAMES) $(MOD_DEMOS),$(eval $(call MOD_RULE,$(m))))

# The real-library demo: Debian's unmodified i386 liblz4.a as a module.
.PHONY: lz4-demo
lz4-demo: $(B)/mods/lz4.rmod $(B)/mods/lz4test.rmod

$(B)/mods/lz4.rmod: scripts/fetch-lz4 $(B)/bin/rmod-link $(B)/kernel.elf
	@mkdir -p $(@D)
	@rm -rf $(B)/mods/lz4.link
	lib=$$(scripts/fetch-lz4 $(B)/lz4) && \
	$(B)/bin/rmod-link --name lz4 --export-all --save-temps $(B)/mods/lz4.link \
		--provider $(B)/kernel.elf -o $@ $$lib

-include $(wildcard $(B)/mods/obj/*/*.d)

# Every in-tree module also as an ET_REL object (`ld -r`), the .ko form the
# ET_REL loader takes, for the comparison.
MOD_KOS := $(MOD_NAMES:%=$(B)/mods/%.ko)
mods: $(MOD_KOS)
define KO_RULE
$(B)/mods/$(1).ko: $(patsubst mods/$(1)/%.c,$(B)/mods/obj/$(1)/%.o,$(wildcard mods/$(1)/*.c))
	ld -m elf_i386 -r -o $$@ $$^
endef
$(foreach m,$(MOD_NAMES),$(eval $(call KO_RULE,$(m))))

# Synthetic modules for the scaling curves (scripts/gen-synth-mods):
# build/synth/NAME.rmod (iat), NAME.direct.rmod and NAME.ko.
SYNTH_SIZES ?= 10 100 1000 10000 100000
SYNTH_NAMES := synthlib $(SYNTH_SIZES:%=synth%)
SYNTH := $(B)/synth

$(SYNTH)/src/.stamp: scripts/gen-synth-mods
	scripts/gen-synth-mods $(SYNTH)/src $(SYNTH_SIZES)
	@touch $@

$(SYNTH)/obj/%.o: $(SYNTH)/src/.stamp
	@mkdir -p $(@D)
	$(KCC) $(MOD_CFLAGS) -flarge-source-files -c $(SYNTH)/src/$*/$*.c -o $@

$(SYNTH)/synthlib.rmod: $(SYNTH)/obj/synthlib.o $(B)/bin/rmod-link $(B)/kernel.elf
	$(B)/bin/rmod-link --provider $(B)/kernel.elf -o $@ $<

$(SYNTH)/synth%.rmod: $(SYNTH)/obj/synth%.o $(SYNTH)/synthlib.rmod
	$(B)/bin/rmod-link --provider $(B)/kernel.elf --provider $(SYNTH)/synthlib.rmod -o $@ $<

$(SYNTH)/%.direct.rmod: $(SYNTH)/obj/%.o $(SYNTH)/synthlib.rmod
	$(B)/bin/rmod-link --bind direct --provider $(B)/kernel.elf \
		--provider $(SYNTH)/synthlib.rmod -o $@ $<

$(SYNTH)/%.ko: $(SYNTH)/obj/%.o
	ld -m elf_i386 -r -o $@ $<

.PHONY: synth
synth: $(foreach n,$(SYNTH_NAMES),$(SYNTH)/$(n).rmod $(SYNTH)/$(n).direct.rmod $(SYNTH)/$(n).ko)

# Direct-bind twins of the in-tree modules, for the comparison.
$(B)/mods/direct/%.rmod: $(B)/mods/%.rmod
	@mkdir -p $(@D)
	$(B)/bin/rmod-link --bind direct --provider $(B)/kernel.elf \
		$(foreach p,$(call mod_providers,$*),--provider $(B)/mods/$(p).rmod) \
		-o $@ $(wildcard $(B)/mods/obj/$*/*.o)

.PHONY: compare
MOD_DIRECT := $(MOD_NAMES:%=$(B)/mods/direct/%.rmod)
compare: all synth $(MOD_DIRECT)
	$(PY) scripts/compare-report
	@mkdir -p $(B)/report
	$(PY) scripts/abi-types-report $(B)/mods/*.rmod > $(B)/report/abi-types.txt
	@tail -n 1 $(B)/report/abi-types.txt

# Early boot in five configurations, 100 modules (docs/BOOT.md).
.PHONY: boot-bench
boot-bench: all
	$(PY) scripts/boot-bench
