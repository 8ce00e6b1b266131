# The kernel ABI gate: abi/kernel.abi is the committed ABI of the kernel's
# exports.  `make abi-check` (run by make test) fails on any changed
# version, harmless ones included (--strict: insmod would refuse modules
# built against the old one), and prints the diff; `make abi-update`
# accepts the change.
.PHONY: abi-check abi-update
$(B)/kernel.abi: $(B)/kernel.elf $(B)/bin/rmod-abi
	$(B)/bin/rmod-abi dump $< > $@

abi-check: $(B)/kernel.abi
	@$(B)/bin/rmod-abi diff --strict abi/kernel.abi $(B)/kernel.abi || \
		{ echo "abi-check: the kernel ABI broke against abi/kernel.abi" \
		       "(make abi-update if that is intended)"; exit 1; }

abi-update: $(B)/kernel.abi
	cp $(B)/kernel.abi abi/kernel.abi

# What the TYPES table adds to modules (bytes per export), for make compare.
.PHONY: abi-types-report
abi-types-report: mods
	@mkdir -p $(B)/report
	$(PY) scripts/abi-types-report $(B)/mods/*.rmod | tee $(B)/report/abi-types.txt
