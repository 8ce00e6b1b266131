/* The one checked decoder of the base-fixup stream (include/rmod/format.h):
 * a command at a time for validation, a fixup at a time for the tools. */
#ifndef RMOD_FXDEC_H
#define RMOD_FXDEC_H

#include <stdint.h>

#include "rmod/format.h"

/* No fixup can end past RMOD_MAX_MEM (mem_size is at most that), so the
 * decoder works in 32 bits: a command reaching past it has hi RM_FX_PAST
 * and no count, and the stream cannot go on after it. */
#define RM_FX_PAST 0xffffffffu

/* One decoded command.  Its fixups: SKIP, the word at lo; RUN, n words
 * from lo; BITS, base + 4*j for each set bit j of bits[0..nbytes);
 * REPEAT, base + 4*(k*w + i) for each copy k < n and set bit i of pat. */
struct rm_fxcmd {
	uint32_t op;     /* RMOD_FX_* */
	uint32_t v;      /* the first ULEB, for a diagnostic (0 if it is bad) */
	uint32_t lo, hi; /* first fixup, end of the last one (or RM_FX_PAST) */
	uint32_t count;  /* fixups in it (0 when hi is RM_FX_PAST) */
	uint32_t base, n, w, pat;
	const uint8_t *bits;
	uint32_t nbytes;
	uint32_t k, i; /* rm_fx_fixup's place in it; the caller zeroes them */
};

struct rm_fxdec {
	const uint8_t *p, *begin, *end; /* p: the next command */
	uint32_t cur; /* just past the last fixup (the format's cursor) */
	struct rm_fxcmd c; /* rm_fxdec_next's current command */
};

static inline void rm_fxdec_init(struct rm_fxdec *x, const uint8_t *p, uint32_t size)
{
	__builtin_memset(x, 0, sizeof(*x));
	x->p = x->begin = p;
	x->end = p + size;
	x->c.k = 1; /* no command yet: as if a SKIP were done */
}

/* ULEB128 into 32 bits, minimal: -1 if truncated, over 32 bits, or with
 * a redundant zero last byte (so every stream has one spelling). */
static inline int rm_fx_uleb_long(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	uint32_t v = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (p >= end)
			return -1;
		uint32_t b = *p++;
		if (shift == 28 && (b & 0xf0))
			return -1;
		v |= (b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (!b && shift)
				return -1;
			*pp = p;
			*out = v;
			return 0;
		}
	}
	return -1;
}

static inline int rm_fx_uleb(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	if (p < end && !(*p & 0x80)) { /* the common one-byte case */
		*out = *p;
		*pp = p + 1;
		return 0;
	}
	return rm_fx_uleb_long(pp, end, out);
}

static inline uint32_t rm_fx_popcount(uint32_t v)
{
	/* i686 has no popcnt instruction; this avoids a libgcc call. */
	v = v - ((v >> 1) & 0x55555555u);
	v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
	return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

/* Decode the next command into *c: 1, or 0 at the end of the stream, or
 * -1 if it is malformed (x->p still points at it; c->v says what).  The
 * bounds keep all arithmetic in 32 bits: the cursor is at most
 * RMOD_MAX_MEM, a ULEB argument below 2^30, and a span is computed only
 * when it is short enough; a longer one is past RMOD_MAX_MEM anyway. */
static inline __attribute__((always_inline)) int rm_fx_cmd(struct rm_fxdec *x,
							 struct rm_fxcmd *c)
{
	const uint8_t *p = x->p, *end = x->end;
	uint32_t cur = x->cur, v, a, last;
	if (p == end)
		return 0;
	c->v = 0;
	if (cur == RM_FX_PAST || rm_fx_uleb(&p, end, &v))
		return -1;
	a = v >> 2;
	c->op = v & 3;
	switch (v & 3) {
	case RMOD_FX_SKIP:
		c->lo = cur + a;
		c->hi = c->lo + 4;
		c->count = 1;
		break;
	case RMOD_FX_RUN:
		c->lo = cur;
		c->n = c->count = a + 2;
		c->hi = a < (1u << 24) ? cur + 4 * c->n : RM_FX_PAST;
		break;
	case RMOD_FX_BITS: {
		uint32_t k = a + 1, i = 0, cnt = 0;
		if (k > (uint32_t)(end - p) || p[k - 1] == 0) {
			c->v = v;
			return -1;
		}
		c->base = cur;
		c->bits = p;
		c->nbytes = k;
		p += k;
		if (k > (1u << 21)) { /* its last bit is past word 2^24 */
			c->lo = cur;
			c->hi = RM_FX_PAST;
			break;
		}
		while (!c->bits[i])
			i++;
		c->lo = cur + 4 * (8 * i + (uint32_t)__builtin_ctz(c->bits[i]));
		for (; i < k; i++)
			cnt += rm_fx_popcount(c->bits[i]);
		last = 8 * (k - 1) + 31 - (uint32_t)__builtin_clz(c->bits[k - 1]);
		c->hi = cur + 4 * last + 4;
		c->count = cnt;
		break;
	}
	case RMOD_FX_REPEAT: {
		uint32_t w, pat;
		if (rm_fx_uleb(&p, end, &w) || rm_fx_uleb(&p, end, &pat) || w == 0 ||
		    w > RMOD_MAX_REPEAT_W || pat == 0 || (w < 32 && (pat >> w))) {
			c->v = v;
			return -1;
		}
		c->base = cur;
		c->n = a + 2;
		c->w = w;
		c->pat = pat;
		c->lo = cur + 4 * (uint32_t)__builtin_ctz(pat);
		last = 31 - (uint32_t)__builtin_clz(pat);
		c->hi = RM_FX_PAST;
		if (a + 1 < (1u << 24)) {
			c->hi = cur + 4 * ((a + 1) * w + last) + 4;
			c->count = c->n * rm_fx_popcount(pat);
		}
		break;
	}
	}
	if (c->hi > RMOD_MAX_MEM) {
		c->hi = RM_FX_PAST;
		c->count = 0;
	}
	x->p = p;
	x->cur = c->hi;
	return 1;
}

/* The next fixup of command c: 1 with *off, or 0 when it has no more.
 * Offsets past RMOD_MAX_MEM come out as they are (below 2^32) for the
 * caller to refuse; -1 only for a fixup beyond word 2^24 of a command,
 * whose offset would stop fitting. */
static inline int rm_fx_fixup(struct rm_fxcmd *c, uint32_t *off)
{
	switch (c->op) {
	case RMOD_FX_SKIP:
		*off = c->lo;
		return c->k++ == 0;
	case RMOD_FX_RUN:
		if (c->k >= c->n)
			return 0;
		if (c->k > (RMOD_MAX_MEM >> 2))
			return -1;
		*off = c->lo + 4 * c->k++;
		return 1;
	case RMOD_FX_BITS:
		for (; (c->i >> 3) < c->nbytes; c->i++) {
			if (c->i > (RMOD_MAX_MEM >> 2))
				return -1;
			if (c->bits[c->i >> 3] & (1u << (c->i & 7))) {
				*off = c->base + 4 * c->i++;
				return 1;
			}
		}
		return 0;
	default:
		for (; c->k < c->n; c->k++, c->i = 0) {
			if (c->k > (RMOD_MAX_MEM >> 2))
				return -1;
			for (; c->i < c->w; c->i++) {
				if (c->pat & (1u << c->i)) {
					*off = c->base + 4 * (c->w * c->k + c->i++);
					return 1;
				}
			}
		}
		return 0;
	}
}

/* The next fixup of the stream: 1 with *off, 0 at its end, -1 if the
 * stream is malformed. */
static inline int rm_fxdec_next(struct rm_fxdec *x, uint32_t *off)
{
	for (;;) {
		int r = rm_fx_fixup(&x->c, off);
		if (r)
			return r;
		if ((r = rm_fx_cmd(x, &x->c)) <= 0)
			return r;
		x->c.k = x->c.i = 0;
	}
}

#endif
