/* The one checked decoder of the import side (include/rmod/format.h):
 * import records and the import-site stream, for validation, resolution
 * and the tools; and rm_bind's unchecked ULEB step for streams rm_parse
 * accepted (the fuzz oracle checks that rm_bind writes exactly what the
 * checked decoder lists). */
#ifndef RMOD_IMPDEC_H
#define RMOD_IMPDEC_H

#include <stdint.h>

#include "fxdec.h"
#include "rmod/format.h"

/* rm_fx_uleb with a two-byte fast path too: import names and site gaps
 * are often two bytes.  Same checks (a zero last byte is not minimal). */
static inline __attribute__((always_inline)) int rm_uleb2(const uint8_t **pp,
							const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	if (end - p >= 2 && (p[0] & 0x80) && p[1] && !(p[1] & 0x80)) {
		*out = (p[0] & 0x7fu) | (uint32_t)p[1] << 7;
		*pp = p + 2;
		return 0;
	}
	return rm_fx_uleb(pp, end, out);
}

/* One import record. */
struct rm_irec {
	uint32_t name;    /* strtab offset (unchecked here) */
	uint32_t version; /* 0 = unversioned */
	uint32_t need;    /* index into NEEDS, or RMOD_NEED_ANY */
	uint32_t flags;   /* RMOD_IMPORT_* */
};

/* The next record at *pp: 0 with *r and *pp moved past it, or -1 if it
 * is truncated, a ULEB is not minimal, or a present version is 0. */
static inline __attribute__((always_inline)) int rm_irec_next(const uint8_t **pp,
							    const uint8_t *end,
							    struct rm_irec *r)
{
	const uint8_t *p = *pp;
	uint32_t v;
	r->version = 0;
	r->need = RMOD_NEED_ANY;
	r->name = r->flags = 0;
	if (rm_uleb2(&p, end, &v))
		return -1;
	r->name = v >> RMOD_IR_SHIFT;
	r->flags = (v & RMOD_IR_WEAK ? RMOD_IMPORT_WEAK : 0) | (v & RMOD_IR_NS ? RMOD_IMPORT_F_NS : 0);
	if (v & RMOD_IR_VERSION) {
		if (end - p < 4 || !(r->version = rm_le32(p)))
			return -1;
		p += 4;
	}
	if (v & RMOD_IR_NEED) {
		if (rm_uleb2(&p, end, &r->need) || r->need >= RMOD_NEED_ANY)
			return -1;
	}
	*pp = p;
	return 0;
}

/* The site stream decoder.  imp is the current site's import index. */
struct rm_sitedec {
	const uint8_t *p, *end;
	uint32_t cur;   /* just past the last site (the format's cursor) */
	uint32_t imp;   /* import of the last site; RM_FX_PAST before the first */
	uint32_t niat, nimports;
};

static inline void rm_sitedec_init(struct rm_sitedec *x, const uint8_t *p, uint32_t size,
				   uint32_t niat, uint32_t nimports)
{
	x->p = p;
	x->end = p + size;
	x->cur = 0;
	x->imp = RM_FX_PAST;
	x->niat = niat;
	x->nimports = nimports;
}

/* The next site: 1 with *off and *pcrel (RMOD_SITE_PCREL or 0), x->imp
 * its import; 0 at the end; -1 if malformed (a bad ULEB, "same" first,
 * an import that is not a sites import, or a word past RMOD_MAX_MEM). */
static inline __attribute__((always_inline)) int rm_site_next(struct rm_sitedec *x,
							    uint32_t *off, uint32_t *pcrel)
{
	uint32_t v, j;
	if (x->p == x->end)
		return 0;
	if (rm_uleb2(&x->p, x->end, &v))
		return -1;
	if (!(v & RMOD_SITE_SAME)) {
		if (rm_uleb2(&x->p, x->end, &j) || j >= x->nimports - x->niat)
			return -1;
		x->imp = x->niat + j;
	} else if (x->imp == RM_FX_PAST) {
		return -1;
	}
	*pcrel = v & RMOD_SITE_PCREL;
	v >>= RMOD_SITE_SHIFT;
	/* The word must end by RMOD_MAX_MEM: all arithmetic stays in 32 bits. */
	if (x->cur > RMOD_MAX_MEM - 4 || v > RMOD_MAX_MEM - 4 - x->cur)
		return -1;
	*off = x->cur + v;
	x->cur = *off + 4;
	return 1;
}

/* A ULEB of a stream rm_parse accepted: no bounds, no checks. */
static inline __attribute__((always_inline)) uint32_t rm_uleb_fast(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = *p++;
	if (v & 0x80) {
		uint32_t b = *p++;
		v = (v & 0x7f) | (b & 0x7f) << 7;
		for (unsigned shift = 14; b & 0x80; shift += 7) {
			b = *p++;
			v |= (b & 0x7f) << shift;
		}
	}
	*pp = p;
	return v;
}

#endif
