/* The two CRCs of the format, both reflected and slicing by 8 (eight bytes
 * per step through eight tables, built on first use so the core needs no
 * initialised data beyond a flag):
 * - CRC-32C (Castagnoli, 0x82F63B78), the file checksum every first load
 *   checks over the whole file; on x86 with SSE4.2 the crc32 instruction
 *   does four bytes at a time instead;
 * - CRC-32 (IEEE 802.3, 0xEDB88320), which symbol versions are made of. */
#include "loader.h"

struct crc_tables {
	uint32_t t[8][256];
	int ready;
};

static struct crc_tables ieee, castagnoli;

static void build(struct crc_tables *c, uint32_t poly)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;
		for (int k = 0; k < 8; k++)
			v = (v >> 1) ^ (poly & (0u - (v & 1)));
		c->t[0][i] = v;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			c->t[t][i] = (c->t[t - 1][i] >> 8) ^ c->t[0][c->t[t - 1][i] & 0xff];
	c->ready = 1;
}

static uint32_t sliced(struct crc_tables *c, uint32_t poly, uint32_t crc, const uint8_t *p,
		       size_t len)
{
	if (!c->ready)
		build(c, poly);
	uint32_t(*t)[256] = c->t;
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t a = crc ^ rm_le32(p), b = rm_le32(p + 4);
		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^
		      t[4][a >> 24] ^ t[3][b & 0xff] ^ t[2][(b >> 8) & 0xff] ^ t[1][(b >> 16) & 0xff] ^
		      t[0][b >> 24];
	}
	while (len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t rm_crc32(uint32_t crc, const void *buf, size_t len)
{
	return sliced(&ieee, 0xedb88320u, crc, buf, len);
}

#if (defined(__i386__) || defined(__x86_64__)) && !defined(RM_NO_HW_CRC)
/* -1 unknown, 0 no, 1 yes: CPUID.1:ECX.SSE4_2 (bit 20). */
static int hw_crc = -1;

static int have_hw_crc(void)
{
	if (hw_crc < 0) {
		uint32_t a = 1, b, c = 0, d;
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		hw_crc = (c >> 20) & 1;
	}
	return hw_crc;
}

/* Four bytes per crc32l, unrolled by four; asm so that the core builds
 * with -mgeneral-regs-only and for any -march. */
static uint32_t hw_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	for (; len >= 16; len -= 16, p += 16)
		__asm__("crc32l %1, %0\n\tcrc32l %2, %0\n\tcrc32l %3, %0\n\tcrc32l %4, %0"
			: "+r"(crc)
			: "rm"(rm_le32(p)), "rm"(rm_le32(p + 4)), "rm"(rm_le32(p + 8)),
			  "rm"(rm_le32(p + 12)));
	for (; len; len--, p++)
		__asm__("crc32b %1, %0" : "+r"(crc) : "rm"(*p));
	return ~crc;
}
#endif

uint32_t rm_crc32c(uint32_t crc, const void *buf, size_t len)
{
#if (defined(__i386__) || defined(__x86_64__)) && !defined(RM_NO_HW_CRC)
	if (have_hw_crc())
		return hw_crc32c(crc, buf, len);
#endif
	return sliced(&castagnoli, 0x82f63b78u, crc, buf, len);
}
