# make test: build everything, then the pytest suite (host + QEMU).
PYTEST := $(PY) -m pytest
PYTEST_ARGS ?= -q

.PHONY: test pytest
test: all
	cd tests && $(PYTEST) $(PYTEST_ARGS)
