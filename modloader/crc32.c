/* CRC-32 (IEEE 802.3, reflected 0xEDB88320), table-driven, table built
 * on first use so the core needs no initialised data beyond a flag. */
#include "loader.h"

static uint32_t table[256];
static int table_ready;

static void build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		table[i] = c;
	}
	table_ready = 1;
}

uint32_t rm_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (!table_ready)
		build();
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
