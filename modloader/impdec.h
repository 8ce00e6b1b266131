/* The one checked decoder of the import side (include/rmod/format.h):
 * import records, the run column and the site stream, for validation,
 * resolution and the tools; and rm_bind's unchecked steps (ULEB, site
 * number) for streams rm_parse accepted (the fuzz oracle checks that
 * rm_bind writes exactly what the checked decoder lists). */
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
	uint32_t hash;    /* rmod_hash of the name (rm_parse checks it) */
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
	r->name = r->flags = r->hash = 0;
	if (rm_uleb2(&p, end, &v) || end - p < 4)
		return -1;
	r->hash = rm_le32(p);
	p += 4;
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

/* A site number (format.h) at *pp: 0 with *out, or -1 if truncated or
 * a wide one that a shorter form spells. */
static inline __attribute__((always_inline)) int rm_sn(const uint8_t **pp, const uint8_t *end,
						     uint32_t *out)
{
	const uint8_t *p = *pp;
	if (p == end)
		return -1;
	uint32_t b = *p;
	if (b < RMOD_SN_TWO) {
		*out = b, *pp = p + 1;
		return 0;
	}
	if (b < RMOD_SN_THREE) {
		if (end - p < 2)
			return -1;
		*out = RMOD_SN_TWO + ((b - RMOD_SN_TWO) << 8) + p[1], *pp = p + 2;
		return 0;
	}
	if (b < RMOD_SN_WIDE) {
		if (end - p < 3)
			return -1;
		*out = RMOD_SN_BASE3 + ((b - RMOD_SN_THREE) << 16) + rm_le16(p + 1), *pp = p + 3;
		return 0;
	}
	if (end - p < 5 || rm_le32(p + 1) < RMOD_SN_BASE5)
		return -1;
	*out = rm_le32(p + 1), *pp = p + 5;
	return 0;
}

/* A three- or five-byte site number at p, of a stream rm_parse accepted
 * (rare: gaps of 11 KiB and more).  p by value, so that the caller's
 * cursor stays in a register. */
static __attribute__((noinline, unused)) uint32_t rm_sn_far(const uint8_t *p)
{
	if (p[0] < RMOD_SN_WIDE)
		return RMOD_SN_BASE3 + ((uint32_t)(p[0] - RMOD_SN_THREE) << 16) + rm_le16(p + 1);
	return rm_le32(p + 1);
}

/* A site number of a stream rm_parse accepted: no bounds, no checks.
 * The two-byte form is b * 256 + next less a constant (format.h). */
static inline __attribute__((always_inline)) uint32_t rm_sn_fast(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t b = p[0];
	if (__builtin_expect(b < RMOD_SN_TWO, 1)) {
		*pp = p + 1;
		return b;
	}
	if (b < RMOD_SN_THREE) {
		*pp = p + 2;
		return (b << 8 | p[1]) - ((RMOD_SN_TWO << 8) - RMOD_SN_TWO);
	}
	*pp = p + (b < RMOD_SN_WIDE ? 3 : 5);
	return rm_sn_far(p);
}

/* A wide run's gap (format.h) at *pp: 0 with *out, or -1 if truncated
 * or an escaped one that fits in the u16. */
static inline __attribute__((always_inline)) int rm_gap16(const uint8_t **pp, const uint8_t *end,
							uint32_t *out)
{
	const uint8_t *p = *pp;
	if (end - p < 2)
		return -1;
	*out = rm_le16(p);
	if (*out != 0xffffu) {
		*pp = p + 2;
		return 0;
	}
	if (end - p < 6 || rm_le32(p + 2) < 0xffffu)
		return -1;
	*out = rm_le32(p + 2);
	*pp = p + 6;
	return 0;
}

/* A wide run's gap of a stream rm_parse accepted. */
static inline __attribute__((always_inline)) uint32_t rm_gap16_fast(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = rm_le16(p);
	if (__builtin_expect(v != 0xffffu, 1)) {
		*pp = p + 2;
		return v;
	}
	*pp = p + 6;
	return rm_le32(p + 2);
}

/* The site decoder: the run column (r) and the site stream (p) together.
 * imp is the current site's import. */
struct rm_sitedec {
	const uint8_t *p, *end;   /* SITES */
	const uint8_t *r, *rend;  /* the run column, in IMPORTS */
	uint32_t imp;             /* import of the current run */
	uint32_t left;            /* sites left in the current run */
	uint32_t more;            /* the import's second run is still to come */
	uint32_t pcrel;           /* the current run's kind: RMOD_RUN_PCREL or 0 */
	uint32_t wide;            /* the current run's gaps are u16 (RMOD_RUN_WIDE) */
	uint32_t first;           /* the import's first site */
	uint32_t cur;             /* just past the last site of the run */
	uint32_t f;               /* the cursor F of format.h */
	uint32_t nimports;
};

static inline void rm_sitedec_init(struct rm_sitedec *x, const uint8_t *sites, uint32_t size,
				   const uint8_t *runs, const uint8_t *runs_end, uint32_t niat,
				   uint32_t nimports)
{
	x->p = sites, x->end = sites + size;
	x->r = runs, x->rend = runs_end;
	x->imp = niat - 1; /* the first run moves to niat (wraps when niat is 0) */
	x->left = x->more = x->pcrel = x->wide = x->first = x->cur = x->f = 0;
	x->nimports = nimports;
}

/* Offset base + v, if its word ends by RMOD_MAX_MEM: all arithmetic stays
 * in 32 bits. */
static inline int rm_site_at(uint32_t base, uint32_t v, uint32_t *off)
{
	if (base > RMOD_MAX_MEM - 4 || v > RMOD_MAX_MEM - 4 - base)
		return -1;
	*off = base + v;
	return 0;
}

/* The next site: 1 with *off and *pcrel (RMOD_RUN_PCREL or 0), x->imp its
 * import; 0 when every sites import has had its runs; -1 if malformed (a
 * bad ULEB or site number, a second run of the same kind or announcing a
 * third, or a word past RMOD_MAX_MEM).  Whether both streams end there is
 * the caller's check (x->p == x->end, x->r == x->rend). */
static inline __attribute__((always_inline)) int rm_site_next(struct rm_sitedec *x,
							    uint32_t *off, uint32_t *pcrel)
{
	uint32_t v, h;
	if (x->left) {
		if (x->wide ? rm_gap16(&x->p, x->end, &v) : rm_sn(&x->p, x->end, &v))
			return -1;
		if (rm_site_at(x->cur, v, off))
			return -1;
	} else if (x->more) {
		if (rm_uleb2(&x->r, x->rend, &h) || (h & RMOD_RUN_MORE) ||
		    (h & RMOD_RUN_PCREL) == x->pcrel)
			return -1;
		x->more = 0;
		x->pcrel = h & RMOD_RUN_PCREL;
		x->wide = h & RMOD_RUN_WIDE;
		x->left = (h >> RMOD_RUN_SHIFT) + 1;
		if (rm_sn(&x->p, x->end, &v) || rm_site_at(x->first + 4, v, off))
			return -1;
	} else {
		if (x->imp + 1 == x->nimports) /* 32-bit: niat - 1 + 1 is niat */
			return 0;
		if (rm_uleb2(&x->r, x->rend, &h))
			return -1;
		x->imp++;
		x->more = h & RMOD_RUN_MORE;
		x->pcrel = h & RMOD_RUN_PCREL;
		x->wide = h & RMOD_RUN_WIDE;
		x->left = (h >> RMOD_RUN_SHIFT) + 1;
		if (rm_sn(&x->p, x->end, &v) || rm_site_at(x->f, v, off))
			return -1;
		x->first = *off;
		x->f = *off + 4;
	}
	x->left--;
	x->cur = *off + 4;
	*pcrel = x->pcrel;
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

/* A record of a table rm_parse accepted, without checks: for the
 * accessors (rm_imports_next), which resolution calls per import; the fuzz
 * oracle checks it against rm_irec_next. */
static inline __attribute__((always_inline)) void rm_irec_fast(const uint8_t **pp,
							     struct rm_irec *r)
{
	const uint8_t *p = *pp;
	uint32_t v = rm_uleb_fast(&p);
	r->name = v >> RMOD_IR_SHIFT;
	r->flags = (v & RMOD_IR_WEAK ? RMOD_IMPORT_WEAK : 0) | (v & RMOD_IR_NS ? RMOD_IMPORT_F_NS : 0);
	r->hash = rm_le32(p);
	p += 4;
	r->version = 0;
	if (v & RMOD_IR_VERSION) {
		r->version = rm_le32(p);
		p += 4;
	}
	r->need = v & RMOD_IR_NEED ? rm_uleb_fast(&p) : RMOD_NEED_ANY;
	*pp = p;
}

#endif
