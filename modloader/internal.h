/* Loader-core internals shared by its own files (not a public API). */
#ifndef RMOD_INTERNAL_H
#define RMOD_INTERNAL_H

#include <stdint.h>

/* ULEB128 into 32 bits; -1 on truncation or overflow. */
static inline int rm_read_uleb(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	uint32_t v = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (p >= end)
			return -1;
		uint8_t b = *p++;
		if (shift == 28 && (b & 0xf0))
			return -1;
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*pp = p;
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* A checked decoder for the fixup stream (validation and tools). */
struct rm_fxdec {
	const uint8_t *p, *end;
	uint64_t cur;  /* offset just past the last fixup */
	uint64_t base; /* start of the current BITS/REPEAT command */
	int mode;      /* 0 idle, else the opcode being expanded */
	uint32_t n;    /* RUN: fixups left; REPEAT: copies left */
	uint32_t bit;  /* BITS/REPEAT: next bit index */
	uint32_t nbits; /* BITS: bits in the payload */
	const uint8_t *bits; /* BITS: payload */
	uint32_t w, pat; /* REPEAT */
	uint32_t last; /* the last ULEB value read, for diagnostics */
};

void rm_fxdec_init(struct rm_fxdec *x, const uint8_t *p, uint32_t size);
/* 1: *off is the next fixup; 0: end of stream; -1: malformed. */
int rm_fxdec_next(struct rm_fxdec *x, uint32_t *off);

/* Native-order unaligned word access; used only on little-endian targets. */
typedef uint32_t __attribute__((aligned(1), may_alias)) rm_u32_unaligned;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RM_ADD32(q, v) (*(rm_u32_unaligned *)(void *)(q) += (v))
#else
#define RM_ADD32(q, v) rm_put32((q), rm_le32(q) + (v))
#endif

#endif
