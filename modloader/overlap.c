/* The placement half of validation (loader.h): no import site overlaps
 * another site or a base fixup.  Sites come grouped per import, not in
 * offset order, so they are marked in a bitmap of the module's memory
 * (one bit per byte) that the caller provides; fixups are then tested
 * against it a command span at a time. */
#include "loader.h"
#include "fxdec.h"
#include "impdec.h"
#include "internal.h"

uint32_t rm_overlap_scratch(const struct rm_module *m)
{
	return m->nsites ? (m->mem_size + 31) / 32 * 4 : 0;
}

static int bit(const uint32_t *bits, uint32_t i)
{
	return bits[i / 32] >> (i % 32) & 1;
}

/* Is any bit of [lo, hi) set?  Whole words where it can. */
static int any_set(const uint32_t *bits, uint32_t lo, uint32_t hi)
{
	for (; lo < hi && lo % 32; lo++)
		if (bit(bits, lo))
			return 1;
	for (; hi - lo >= 32; lo += 32)
		if (bits[lo / 32])
			return 1;
	for (; lo < hi; lo++)
		if (bit(bits, lo))
			return 1;
	return 0;
}

static int overlap(struct rm_diag *d, uint32_t at, uint32_t off)
{
	d->code = RM_E_SITE_OVERLAP, d->at = at, d->val = off, d->val2 = 0;
	return RM_E_SITE_OVERLAP;
}

int rm_check_overlap(const struct rm_module *m, uint32_t *bits, struct rm_diag *d)
{
	uint32_t words = rm_overlap_scratch(m) / 4, off, pc, n = 0, o;
	rm_diag_clear(d);
	if (!words)
		return RM_OK;
	__builtin_memset(bits, 0, 4 * words);
	/* rm_parse accepted both streams and placed every word in memory. */
	struct rm_sitedec x;
	rm_sitedec_init(&x, m->sites, m->sites_size, m->runs, m->imports + m->imports_size,
			m->niat, m->nimports);
	while (rm_site_next(&x, &off, &pc) > 0) {
		if (any_set(bits, off, off + 4))
			return overlap(d, n, off);
		for (uint32_t i = off; i < off + 4; i++)
			bits[i / 32] |= 1u << (i % 32);
		n++;
	}
	struct rm_fxdec f;
	struct rm_fxcmd k = {0};
	f.p = f.begin = m->fixups, f.end = m->fixups + m->fixups_size, f.cur = 0;
	for (n = 0; rm_fx_cmd(&f, &k) > 0; n += k.count) {
		if (!any_set(bits, k.lo, k.hi))
			continue;
		uint32_t i = n;
		for (k.k = k.i = 0; rm_fx_fixup(&k, &o) > 0; i++)
			if (any_set(bits, o, o + 4))
				return overlap(d, i, o);
	}
	return RM_OK;
}
