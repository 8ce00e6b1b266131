/* The write phases: copy, bind, and the resolution that precedes them
 * (rebase is in fixups.c). */
#include "loader.h"
#include "impdec.h"
#include "internal.h"

void rm_copy(const struct rm_module *m, void *dest) { rm_copy_from(m, dest, 0); }

void rm_copy_from(const struct rm_module *m, void *dest, uint32_t from)
{
	uint8_t *d = dest;
	__builtin_memcpy(d + from, m->image + from, m->image_size - from);
	__builtin_memset(d + m->image_size, 0, m->init_start - m->image_size);
	__builtin_memcpy(d + m->init_start, m->init_image, m->init_image_size);
	__builtin_memset(d + m->init_start + m->init_image_size, 0,
			 m->mem_size - m->init_start - m->init_image_size);
}

int rm_resolve(const struct rm_module *m, rm_resolve_fn fn, void *ctx, uint32_t *addrs,
	       struct rm_diag *d)
{
	return rm_resolve_hinted(m, 0, fn, ctx, addrs, d);
}

/* One import through fn: the path for imports no hint settles. */
static __attribute__((noinline)) int resolve_slow(const struct rm_module *m, uint32_t i,
						  const uint8_t *rec, rm_resolve_fn fn, void *ctx,
						  uint32_t *addr, struct rm_diag *d)
{
	struct rm_resolved r = {0, 0, 0};
	struct rm_import imp;
	struct rm_import_it it = {rec, i};
	rm_imports_next(m, &it, &imp);
	int rc = fn(ctx, m, &imp, &r);
	/* A weak import nobody exports binds 0, as GNU ld and Linux do. */
	if (rc == RM_E_UNRESOLVED && (imp.flags & RMOD_IMPORT_WEAK)) {
		*addr = 0;
		return RM_OK;
	}
	if (!rc && imp.version && r.version && imp.version != r.version) {
		rc = RM_E_VERSION_MISMATCH;
		d->val = imp.version;
		d->val2 = r.version;
	}
	/* An IAT slot is reached by a jump: only code may sit behind it. */
	if (!rc && imp.bind == RMOD_BIND_IAT && r.kind != RMOD_EXP_FUNC) {
		rc = RM_E_KIND;
		d->val = r.kind;
	}
	if (rc) {
		d->code = rc, d->sym = imp.name, d->at = i;
		return rc;
	}
	*addr = r.addr;
	return RM_OK;
}

/* rm_parse checked the sites of small import tables itself; larger ones
 * are checked here, in addrs before it is filled. */
static __attribute__((noinline, cold)) int big_site_counts(const struct rm_module *m,
							     uint32_t *addrs, struct rm_diag *d)
{
	return rm_check_site_counts(m, addrs, d);
}

int rm_resolve_hinted(const struct rm_module *m, rm_table_fn table_fn, rm_resolve_fn fn,
		      void *ctx, uint32_t *addrs, struct rm_diag *d)
{
	const struct rm_symbol *const *v = 0;
	const uint8_t *e = m->imports, *end = e + m->imports_size;
	const uint8_t *b = m->has_bound && table_fn ? m->bound : 0;
	uint32_t stamp = 0, n = 0, nimports = m->nimports;
	__builtin_memset(d, 0, sizeof(*d));
	if (__builtin_expect(nimports - m->niat > RM_PARSE_COUNTS, 0)) {
		int rc = big_site_counts(m, addrs, d);
		if (rc)
			return rc;
	}
	for (uint32_t i = 0; i < nimports; i++) {
		const uint8_t *rec = e;
		struct rm_irec r;
		rm_irec_next(&e, end, &r); /* rm_parse accepted every record */
		if (b) {
			const uint8_t *be = b + m->bound_size * i;
			uint32_t st = rm_le32(be), hint = rm_le32(be + 4);
			if (st != stamp) { /* a new provider table: ask once */
				stamp = st;
				if (!st || !table_fn(ctx, st, &v, &n))
					n = 0;
			}
			const struct rm_symbol *s = hint < n ? v[hint] : 0;
			/* Unversioned or mismatched imports go to fn, which decides. */
			if (s && s->hash == rm_le32(be + 8) && s->version == r.version &&
			    s->version && (i >= m->niat || s->kind == RMOD_EXP_FUNC)) {
				addrs[i] = s->addr;
				continue;
			}
		}
		int rc = resolve_slow(m, i, rec, fn, ctx, &addrs[i], d);
		if (rc)
			return rc;
	}
	return RM_OK;
}

int rm_bind_needed(const struct rm_module *m, uint32_t base, const uint32_t *addrs)
{
	if (!(m->flags & RMOD_F_PREBOUND) || base != m->pref_base)
		return 1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (addrs[i] != rm_prebound(m, i))
			return 1;
	return 0;
}

void rm_bind(const struct rm_module *m, void *dest, uint32_t base, const uint32_t *addrs)
{
	/* Locals, not m->: the stores below may alias m as far as C knows. */
	uint8_t *img = (uint8_t *)dest + m->iat_start;
	uint32_t niat = m->niat;
	for (uint32_t k = 0; k < niat; k++, img += 4)
		rm_put32(img, addrs[k]);
	img = dest;
	struct rm_sitedec x;
	uint32_t off, pcrel, imp = RM_FX_PAST, va = 0, vp = 0;
	const uint8_t *b = m->bound + 12;
	uint32_t prebound = m->flags & RMOD_F_PREBOUND, moved = base - m->pref_base;
	rm_sitedec_init(&x, m->sites, m->sites_size, niat, m->nimports);
	/* Sites of a prelinked module hold S' (+ addend, - P' when
	 * PC-relative) for the prebound S' and the module at pref_base: add
	 * the differences.  The values change only with the import. */
	while (rm_site_next(&x, &off, &pcrel) > 0) {
		if (x.imp != imp) {
			imp = x.imp;
			va = addrs[imp];
			vp = va - base;
			if (prebound) {
				va -= rm_le32(b + RMOD_PREBOUND_SIZE * imp);
				vp = va - moved;
			}
		}
		RM_ADD32(img + off, pcrel ? vp : va);
	}
}
