/* The placement half of validation (loader.h): base fixups inside
 * file-backed bytes, outside the IAT, exactly fixup_count of them, and,
 * for a module with import sites, no site on another site or a fixup.
 * Sites come grouped per import, not in offset order, so rm_check_layout
 * marks them in a bitmap of the module's memory (one bit per byte) that
 * the caller provides, then walks the fixups once, a command span at a
 * time, against the next marked byte.  The bitmap has two levels: a word
 * of byte bits is live only once its bit in a summary (one per word) is
 * set, so only the summary is cleared and the walk skips a kilobyte of
 * unmarked memory per summary word. */
#include "loader.h"
#include "fxdec.h"
#include "impdec.h"
#include "internal.h"

struct fxcheck {
	const struct rm_module *m;
	struct rm_diag *d;
	uint32_t count;       /* fixups accepted so far */
	const uint32_t *bits; /* the sites (two levels, see above), or 0 */
	uint32_t ns;          /* the first marked byte at or after the walk, or RM_FX_PAST */
	uint32_t ia, ib;      /* the IAT, or [0, 0) when it is empty */
	uint32_t is, ie;      /* the init region's file-backed part */
};

/* The bitmap: nw words of byte bits, then the summary, a bit per word. */
static uint32_t nwords(const struct rm_module *m)
{
	return (m->mem_size + 31) / 32;
}

static int live(const uint32_t *sum, uint32_t w)
{
	return sum[w / 32] >> (w % 32) & 1;
}

/* The first marked byte at or after from, or RM_FX_PAST.  The walk only
 * moves forward, so all the calls of one check read the summary once. */
static __attribute__((noinline)) uint32_t next_site(const struct fxcheck *c, uint32_t from)
{
	const uint32_t *bits = c->bits;
	uint32_t nw = nwords(c->m), w = from / 32;
	if (!bits || w >= nw)
		return RM_FX_PAST;
	const uint32_t *sum = bits + nw;
	uint32_t x = live(sum, w) ? bits[w] & (~0u << (from % 32)) : 0;
	if (x)
		return w * 32 + (uint32_t)__builtin_ctz(x);
	/* The next live word: a live word always has a marked byte. */
	uint32_t nsum = (nw + 31) / 32, sw = ++w / 32;
	x = w < nw ? sum[sw] & (~0u << (w % 32)) : 0;
	while (!x) {
		if (++sw >= nsum)
			return RM_FX_PAST;
		x = sum[sw];
	}
	w = sw * 32 + (uint32_t)__builtin_ctz(x);
	return w * 32 + (uint32_t)__builtin_ctz(bits[w]);
}

/* Keep ns at or after lo. */
static inline void catch_up(struct fxcheck *c, uint32_t lo)
{
	if (c->ns < lo)
		c->ns = next_site(c, lo);
}

static int one_fixup(struct fxcheck *c, uint32_t o)
{
	const struct rm_module *m = c->m;
	if (!rm_word_ok(m, o))
		return rm_fail(c->d, RM_E_FIXUP_RANGE, c->count, o, m->image_size);
	if (rm_in_iat(m, o))
		return rm_fail(c->d, RM_E_FIXUP_IAT, c->count, o, m->iat_start);
	catch_up(c, o);
	if (c->ns < o + 4)
		return rm_fail(c->d, RM_E_SITE_OVERLAP, c->count, o, c->ns);
	if (++c->count > m->fixup_count)
		return rm_fail(c->d, RM_E_FIXUP_COUNT, c->count, c->count, m->fixup_count);
	return RM_OK;
}

/* The command at p (cursor cur) did not pass the quick test.  Decode it
 * again here, off the hot path: its span may lie in the init region's
 * file-backed part clear of sites, or else each of its fixups is
 * checked. */
static __attribute__((noinline)) int slow_command(struct fxcheck *c, const uint8_t *p,
						  uint32_t cur)
{
	const struct rm_module *m = c->m;
	struct rm_fxdec x;
	struct rm_fxcmd k = {0};
	uint32_t o;
	int rc;
	x.p = x.begin = p, x.end = m->fixups + m->fixups_size, x.cur = cur;
	if (rm_fx_cmd(&x, &k) != 1) /* decoded once already: cannot happen */
		return rm_fail(c->d, RM_E_FIXUP_ENCODING, (uint32_t)(p - m->fixups), 0, 0);
	if (k.lo >= c->is && k.hi <= c->ie && (k.hi <= c->ia || k.lo >= c->ib)) {
		catch_up(c, k.lo);
		if (c->ns >= k.hi) {
			if (k.count > m->fixup_count - c->count)
				return rm_fail(c->d, RM_E_FIXUP_COUNT, c->count,
					       c->count + k.count, m->fixup_count);
			c->count += k.count;
			return RM_OK;
		}
	}
	k.k = k.i = 0;
	while ((rc = rm_fx_fixup(&k, &o)) > 0)
		if ((rc = one_fixup(c, o)))
			return rc;
	/* Only a fixup far past every image stops the expansion. */
	return rc ? rm_fail(c->d, RM_E_FIXUP_RANGE, c->count, RM_FX_PAST, m->image_size) : RM_OK;
}

int rm_check_fixups(const struct rm_module *m, const uint32_t *bits, struct rm_diag *d)
{
	struct fxcheck c = {m, d, 0, bits, 0, 0, 0, m->init_start,
			    m->init_start + m->init_image_size};
	struct rm_fxdec x;
	struct rm_fxcmd k; /* never leaves this loop, so it lives in registers */
	const uint32_t image = m->image_size, total = m->fixup_count;
	uint32_t ia = 0, ib = 0;
	int r, rc;
	if (m->iat_start < m->iat_end)
		c.ia = ia = m->iat_start, c.ib = ib = m->iat_end;
	c.ns = next_site(&c, 0);
	/* x.c is rm_fxdec_next's, unused here: no need to clear it. */
	x.p = x.begin = m->fixups, x.end = m->fixups + m->fixups_size, x.cur = 0;
	for (;;) {
		const uint8_t *p = x.p;
		uint32_t cur = x.cur;
		if ((r = rm_fx_cmd(&x, &k)) <= 0)
			break;
		/* The quick test: in the file-backed image, clear of the IAT,
		 * before the next site, and the count allows it. */
		if (c.ns < k.lo)
			c.ns = next_site(&c, k.lo);
		if (k.hi <= image && (k.hi <= ia || k.lo >= ib) && k.hi <= c.ns &&
		    k.count <= total - c.count) {
			c.count += k.count;
			continue;
		}
		if ((rc = slow_command(&c, p, cur)))
			return rc;
	}
	if (r < 0)
		return rm_fail(d, RM_E_FIXUP_ENCODING, (uint32_t)(x.p - m->fixups), k.v, 0);
	if (c.count != total)
		return rm_fail(d, RM_E_FIXUP_COUNT, c.count, c.count, total);
	return RM_OK;
}

uint32_t rm_layout_scratch(const struct rm_module *m)
{
	return m->nsites ? 4 * (nwords(m) + (nwords(m) + 31) / 32) : 0;
}

/* Mark the bytes mask of word w; 0 if one of them already was. */
static int mark(uint32_t *bits, uint32_t *sum, uint32_t w, uint32_t mask)
{
	if (!live(sum, w)) {
		sum[w / 32] |= 1u << (w % 32);
		bits[w] = 0;
	}
	if (bits[w] & mask)
		return 0;
	bits[w] |= mask;
	return 1;
}

int rm_check_layout(const struct rm_module *m, uint32_t *bits, struct rm_diag *d)
{
	uint32_t off, pc, n = 0, nw = nwords(m), *sum = bits + nw;
	rm_diag_clear(d);
	if (!m->nsites) /* rm_parse checked the fixups */
		return RM_OK;
	__builtin_memset(sum, 0, 4 * ((nw + 31) / 32));
	/* rm_parse accepted the streams and placed every site in memory. */
	struct rm_sitedec x;
	rm_sitedec_init(&x, m->sites, m->sites_size, m->runs, m->imports + m->imports_size,
			m->niat, m->nimports);
	while (rm_site_next(&x, &off, &pc) > 0) {
		/* A site's 4 bytes span at most two bitmap words. */
		uint64_t mask = (uint64_t)0xf << (off % 32);
		uint32_t w = off / 32, hi = (uint32_t)(mask >> 32);
		if (!mark(bits, sum, w, (uint32_t)mask) || (hi && !mark(bits, sum, w + 1, hi)))
			return rm_fail(d, RM_E_SITE_OVERLAP, n, off, 0);
		n++;
	}
	return rm_check_fixups(m, bits, d);
}
