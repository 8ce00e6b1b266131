# make test: build everything, then the pytest suite (host + QEMU).
PYTEST := $(PY) -m pytest
PYTEST_ARGS ?= -q

include tests/unit/libc.mk

.PHONY: test pytest
test: all lz4-demo unit-libc
	cd tests && $(PYTEST) $(PYTEST_ARGS)
