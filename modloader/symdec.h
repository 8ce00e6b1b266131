/* The one checked decoder of the symbol stream (table SYMS,
 * include/rmod/format.h): for validation (names not copied), for the
 * iterator of modloader/tables.c, the kernel's fault attribution and the
 * tools (names copied into the caller's buffer). */
#ifndef RMOD_SYMDEC_H
#define RMOD_SYMDEC_H

#include <stdint.h>

#include "fxdec.h"
#include "rmod/format.h"

struct rm_symdec {
	const uint8_t *p, *end; /* p: the next record */
	uint32_t cur;  /* end of the previous symbol (the format's cursor) */
	uint32_t off;  /* the previous symbol's offset: offsets never decrease */
	uint32_t len;  /* the previous name's length */
	uint32_t mem;  /* mem_size: every symbol lies in [0, mem) */
	uint32_t bad;  /* after -2: the offending value (see rm_sym_next) */
};

static inline void rm_symdec_init(struct rm_symdec *x, const uint8_t *p, uint32_t size,
				  uint32_t mem)
{
	x->p = p;
	x->end = p + size;
	x->cur = x->off = x->len = x->bad = 0;
	x->mem = mem;
}

/* rm_fx_uleb forced inline: a call per field would cost more than the
 * rest of a record's checks (rm_parse decodes every record). */
static inline __attribute__((always_inline)) int rm_sym_uleb(const uint8_t **pp,
							   const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	if (p < end && !(*p & 0x80)) {
		*out = *p;
		*pp = p + 1;
		return 0;
	}
	return rm_fx_uleb_long(pp, end, out);
}

/* The next symbol: 1 with *offset, *size and, when name is not 0, the
 * name in name[0..RMOD_MAX_NAME] (the same buffer on every call: it holds
 * the previous name the prefix comes from); 0 at the end of the stream;
 * x->p still at the record: -1 if it is truncated or a ULEB is not
 * minimal, -2 if it breaks a rule, x->bad the offending value: the
 * symbol's offset (below the previous one's, or the symbol not inside
 * [0, mem)), k (longer than the previous name), or the name's length
 * (0, or over RMOD_MAX_NAME). */
static inline __attribute__((always_inline)) int rm_sym_next(struct rm_symdec *x,
							   uint32_t *offset, uint32_t *size,
							   char *name)
{
	const uint8_t *p = x->p, *end = x->end;
	uint32_t z, sz, k, n;
	x->bad = 0;
	if (p == end)
		return 0;
	if (end - p > 4 && !((p[0] | p[1] | p[2] | p[3]) & 0x80)) { /* the common short record */
		z = p[0], sz = p[1], k = p[2], n = p[3];
		p += 4;
	} else if (rm_sym_uleb(&p, end, &z) || rm_sym_uleb(&p, end, &sz) ||
		   rm_sym_uleb(&p, end, &k) || rm_sym_uleb(&p, end, &n)) {
		return -1;
	}
	/* In 32 bits: off <= cur <= mem <= RMOD_MAX_MEM here.  A backward
	 * delta may reach back to the previous symbol's offset, no further;
	 * a forward one keeps off >= cur >= that offset. */
	uint32_t dz = z >> 1, off;
	if (z & 1) {
		if (dz >= x->cur - x->off) {
			x->bad = x->cur - dz - 1; /* below the previous offset */
			return -2;
		}
		off = x->cur - dz - 1;
	} else {
		if (dz > x->mem - x->cur) {
			x->bad = x->cur + dz;
			return -2;
		}
		off = x->cur + dz;
	}
	if (sz > x->mem - off) {
		x->bad = off;
		return -2;
	}
	if (k > x->len) {
		x->bad = k;
		return -2;
	}
	/* The rest of the name: n bytes, counted, so that validation never
	 * scans them (a NUL among them only shortens the name tools print). */
	if (n > RMOD_MAX_NAME || k + n == 0 || k + n > RMOD_MAX_NAME) {
		x->bad = k + n;
		return -2;
	}
	if ((uint32_t)(end - p) < n)
		return -1;
	if (name) {
		for (uint32_t i = 0; i < n; i++)
			name[k + i] = (char)p[i];
		name[k + n] = 0;
	}
	x->p = p + n;
	x->off = off;
	x->cur = off + sz;
	x->len = k + n;
	*offset = off;
	*size = sz;
	return 1;
}

#endif
