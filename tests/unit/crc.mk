# The format's CRCs against a bitwise reference, on both code paths.
CRC_UNIT_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Iinclude -Imodloader

$(B)/unit/test_crc: tests/unit/test_crc.c modloader/crc32.c $(CORE_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(CRC_UNIT_CFLAGS) -o $@ tests/unit/test_crc.c modloader/crc32.c

$(B)/unit/test_crc_sw: tests/unit/test_crc.c modloader/crc32.c $(CORE_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(CRC_UNIT_CFLAGS) -DRM_NO_HW_CRC -o $@ tests/unit/test_crc.c modloader/crc32.c

.PHONY: unit-crc
unit-crc: $(B)/unit/test_crc $(B)/unit/test_crc_sw
	$(B)/unit/test_crc
	$(B)/unit/test_crc_sw
