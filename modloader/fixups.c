/* Applying the base-fixup stream: rm_rebase, the unchecked fast path for
 * streams rm_parse accepted, and rm_walk_fixups over the checked decoder
 * (fxdec.h).  The fuzz harness proves the two list the same words on every
 * corpus input and synthetic module (tests/fuzz/fuzz_loader.c). */
#include "loader.h"
#include "fxdec.h"
#include "internal.h"

void rm_walk_fixups(const struct rm_module *m, rm_fixup_fn fn, void *ctx)
{
	struct rm_fxdec x;
	uint32_t off;
	rm_fxdec_init(&x, m->fixups, m->fixups_size);
	while (rm_fxdec_next(&x, &off) == 1)
		fn(ctx, off);
}

static inline uint32_t uleb_fast(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint32_t v = *p++;
	if (v & 0x80) {
		v &= 0x7f;
		unsigned shift = 7;
		uint32_t b;
		do {
			b = *p++;
			v |= (b & 0x7f) << shift;
			shift += 7;
		} while (b & 0x80);
	}
	*pp = p;
	return v;
}

/* The hot loop: the stream was validated by rm_parse, so no checks. */
void rm_rebase(const struct rm_module *m, void *dest, uint32_t at)
{
	/* A prelinked image already holds pref_base: add the difference. */
	uint32_t base = at - m->pref_base;
	if (!base)
		return;
	uint8_t *img = dest;
	const uint8_t *p = m->fixups, *end = p + m->fixups_size;
	uint8_t *q = img; /* just past the last fixup */
	while (p < end) {
		uint32_t v = uleb_fast(&p);
		uint32_t a = v >> 2;
		switch (v & 3) {
		case RMOD_FX_SKIP:
			q += a;
			RM_ADD32(q, base);
			q += 4;
			break;
		case RMOD_FX_RUN:
			a += 2;
			for (; a >= 4; a -= 4, q += 16) {
				RM_ADD32(q, base);
				RM_ADD32(q + 4, base);
				RM_ADD32(q + 8, base);
				RM_ADD32(q + 12, base);
			}
			for (; a; a--, q += 4)
				RM_ADD32(q, base);
			break;
		case RMOD_FX_BITS: {
			uint8_t *w0 = q, *last = q;
			for (uint32_t k = 0; k <= a; k++, w0 += 32) {
				uint32_t b = *p++;
				while (b) {
					last = w0 + 4 * (uint32_t)__builtin_ctz(b);
					RM_ADD32(last, base);
					b &= b - 1;
				}
			}
			q = last + 4;
			break;
		}
		case RMOD_FX_REPEAT: {
			uint32_t w = uleb_fast(&p), pat = uleb_fast(&p), stride = 4 * w;
			uint8_t *w0 = q;
			if (!(pat & (pat - 1))) { /* one word per period: a strided run */
				w0 += 4 * (uint32_t)__builtin_ctz(pat);
				for (a += 2; a; a--, w0 += stride)
					RM_ADD32(w0, base);
				q = w0 - stride + 4;
				break;
			}
			uint32_t at[32], k = 0; /* the pattern's word offsets, once */
			for (uint32_t b = pat; b; b &= b - 1)
				at[k++] = 4 * (uint32_t)__builtin_ctz(b);
			for (a += 2; a; a--, w0 += stride)
				for (uint32_t i = 0; i < k; i++)
					RM_ADD32(w0 + at[i], base);
			q = w0 - stride + at[k - 1] + 4;
			break;
		}
		}
	}
}
