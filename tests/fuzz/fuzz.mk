# libFuzzer harnesses (clang, ASan + UBSan).  `make fuzz FUZZ_SECONDS=N`
# runs each for N seconds from corpora seeded with the built modules;
# `make fuzz-smoke` (part of make test) replays the regression inputs and
# runs each briefly.  Logs go to build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 3000
FZ := $(B)/fuzz
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Iinclude -Imodloader -Iscripts
FUZZ_LIB_SRCS := $(filter-out scripts/lib/fixup_encode.c,$(HOST_LIB_SRCS)) scripts/lib/fixup_encode.c

$(FZ)/fuzz_loader: tests/fuzz/fuzz_loader.c $(CORE_SRCS) $(CORE_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_loader.c $(CORE_SRCS)

$(FZ)/fuzz_link: tests/fuzz/fuzz_link.c $(CORE_SRCS) $(HOST_LIB_SRCS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_link.c $(CORE_SRCS) $(HOST_LIB_SRCS) \
		$(HOST_LIBS)

# Seed corpora from the built modules (copied once; libFuzzer adds to them).
$(FZ)/corpus/loader/.seeded: | mods
	@mkdir -p $(@D)
	cp $(B)/mods/*.rmod $(@D)/ && touch $@

$(FZ)/corpus/link/.seeded: | mods
	@mkdir -p $(@D)
	for d in $(B)/mods/*.link; do cp $$d/module.elf $(@D)/$$(basename $$d .link).elf; done
	cp $(B)/mods/obj/*/*.o $(@D)/ && touch $@

.PHONY: fuzz fuzz-smoke
# Both harnesses run in one process each, with leak detection on: the
# link harness releases the tool library's arena after every input, so a
# refusal leaks nothing (util.h).
fuzz: $(FZ)/fuzz_loader $(FZ)/fuzz_link $(FZ)/corpus/loader/.seeded $(FZ)/corpus/link/.seeded
	@for h in loader link; do \
		echo "fuzz: $$h for $(FUZZ_SECONDS)s"; \
		$(FZ)/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -rss_limit_mb=2048 -artifact_prefix=$(FZ)/crash-$$h- \
			$(FZ)/corpus/$$h tests/fuzz/regressions/$$h > $(FZ)/$$h.log 2>&1 || { \
			tail -40 $(FZ)/$$h.log; echo "fuzz: $$h FOUND A PROBLEM (see $(FZ)/$$h.log)"; exit 1; }; \
		if ls $(FZ)/crash-$$h-* >/dev/null 2>&1; then \
			echo "fuzz: $$h left a crash input in $(FZ)"; exit 1; fi; \
	done
	@scripts/fuzz-report $(FZ)

# The loader harness's oracle (rm_rebase's fast path lists the same words
# as the checked decoder) also runs over every synthetic module.
fuzz-smoke: $(FZ)/fuzz_loader $(FZ)/fuzz_link $(FZ)/corpus/loader/.seeded $(FZ)/corpus/link/.seeded \
		synth
	@ASAN_OPTIONS=detect_leaks=0 $(FZ)/fuzz_loader $(B)/synth/*.rmod > $(FZ)/loader-synth.log 2>&1 || \
		{ tail -20 $(FZ)/loader-synth.log; exit 1; }
	@echo "fuzz-smoke: loader oracle ok on $$(ls $(B)/synth/*.rmod | wc -l) synthetic modules"
	@for h in loader link; do \
		$(FZ)/fuzz_$$h -runs=0 tests/fuzz/regressions/$$h \
			$(FZ)/corpus/$$h > $(FZ)/$$h-replay.log 2>&1 || \
			{ tail -20 $(FZ)/$$h-replay.log; exit 1; }; \
		$(FZ)/fuzz_$$h -runs=$(FUZZ_SMOKE_RUNS) -seed=1 \
			-artifact_prefix=$(FZ)/crash-$$h- $(FZ)/corpus/$$h \
			> $(FZ)/$$h-smoke.log 2>&1 || { tail -20 $(FZ)/$$h-smoke.log; exit 1; }; \
		echo "fuzz-smoke: $$h ok ($(FUZZ_SMOKE_RUNS) runs + regressions)"; \
	done
