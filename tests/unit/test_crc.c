/* The format's CRCs (modloader/crc32.c): the standard check values of
 * CRC-32C and CRC-32, and, for every length and alignment up to 100
 * bytes and one large buffer, the same CRC-32C from the path this build
 * takes as from a bitwise reference (built twice: with the crc32
 * instruction where the CPU has it, and with RM_NO_HW_CRC). */
#include <stdio.h>
#include <string.h>

#include "loader.h"

static uint32_t reference(uint32_t poly, const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (poly & (0u - (c & 1)));
	}
	return ~c;
}

int main(void)
{
	int bad = 0;
	static uint8_t buf[70001];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 7));
	if (rm_crc32c(0, "123456789", 9) != 0xe3069283u || rm_crc32(0, "123456789", 9) != 0xcbf43926u)
		bad = printf("check values wrong\n");
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= 100; n++)
			if (rm_crc32c(0, buf + off, n) != reference(0x82f63b78u, buf + off, n) ||
			    rm_crc32(0, buf + off, n) != reference(0xedb88320u, buf + off, n))
				bad = printf("mismatch at offset %zu length %zu\n", off, n);
	/* In pieces, as rm_parse feeds it (before, zeros, after the field). */
	uint32_t c = rm_crc32c(rm_crc32c(0, buf, 20), buf + 20, sizeof(buf) - 20);
	if (c != reference(0x82f63b78u, buf, sizeof(buf)))
		bad = printf("chained CRC-32C differs\n");
	printf("test_crc: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}
